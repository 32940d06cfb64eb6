#include "orchestrator/engine/data_flow.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "boost/json/array.hpp"
#include "boost/json/object.hpp"
#include "boost/json/serialize.hpp"
#include "boost/json/string.hpp"
#include "boost/json/value.hpp"
#include "common/str_cat.h"
#include "orchestrator/asl/intrinsic_function.h"
#include "orchestrator/asl/json_path.h"
#include "orchestrator/asl/model.h"
#include "orchestrator/engine/evaluation_context.h"
#include "orchestrator/engine/expression_cache.h"
#include "orchestrator/engine/intrinsics.h"
#include "orchestrator/engine/state_error.h"
#include "orchestrator/engine/variables.h"

namespace stepwise::engine {
namespace {

namespace json = ::boost::json;

// Payloads quoted in causes are cut here: a cause must stay readable (and
// within the history event size limit) even when the input is megabytes.
constexpr size_t kMaxQuotedPayload = 256;

std::string Abbreviated(const json::value& value) {
  std::string text = json::serialize(value);
  if (text.size() <= kMaxQuotedPayload) return text;
  // Back up to a UTF-8 lead byte so the cut never splits a character.
  size_t cut = kMaxQuotedPayload;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  text.resize(cut);
  text.append("...");
  return text;
}

StateError RuntimeError(std::string cause) {
  return StateError{std::string(errors::kRuntime), std::move(cause)};
}

StateError PathNotFound(std::string_view path, std::string_view field,
                        const json::value& searched) {
  return RuntimeError(StrCat("The JSONPath '", path, "' specified for the field '", field,
                             "' could not be found in the input '", Abbreviated(searched), "'"));
}

// Jayway's notion of a definite path: it can select at most one node, so a
// miss is an error rather than an empty list.
bool IsDefinite(const asl::JsonPath& path) {
  for (const asl::PathSegment& seg : path.segments) {
    if (seg.kind != asl::PathSegment::Kind::kField && seg.kind != asl::PathSegment::Kind::kIndex) {
      return false;
    }
  }
  return true;
}

Outcome<json::value> SelectParsed(const asl::JsonPath& path, const json::value& input,
                                  const EvaluationContext& context, std::string_view field) {
  const json::value* root = PathRoot(path, input, context);
  if (root == nullptr) return UndefinedVariable(path, field);
  std::vector<const json::value*> nodes = asl::EvaluateJsonPath(path, *root);
  if (IsDefinite(path)) {
    if (nodes.empty()) return PathNotFound(path.text, field, *root);
    return *nodes.front();
  }
  json::array matches;
  matches.reserve(nodes.size());
  for (const json::value* node : nodes) matches.push_back(*node);
  return json::value(std::move(matches));
}

Outcome<json::value> ApplySelectionPath(const std::optional<asl::PathField>& path,
                                        const json::value& value, const EvaluationContext& context,
                                        std::string_view field) {
  if (!path.has_value()) return value;
  // ASL spec "InputPath/OutputPath": null discards the value; the effective
  // input/output is {}.
  if (path->is_null) return json::value(json::object());
  return SelectPath(path->path, value, context, field);
}

// The value of a `key.$` template entry: a path selection or an intrinsic call.
Outcome<json::value> EvaluateTemplateValue(std::string_view key, const json::value& expression,
                                           const json::value& input,
                                           const EvaluationContext& context) {
  const json::string* text = expression.if_string();
  if (text == nullptr) {
    return RuntimeError(StrCat("The value for the field '", key,
                               "' must be a JSONPath or an intrinsic function, not ",
                               Abbreviated(expression)));
  }
  std::string_view source(text->data(), text->size());
  if (asl::LooksLikeIntrinsicCall(source)) {
    if (context.expressions != nullptr) {
      if (const asl::IntrinsicCall* cached = context.expressions->Intrinsic(source)) {
        return EvaluateIntrinsic(*cached, input, context);
      }
    }
    absl::StatusOr<asl::IntrinsicCall> call = asl::ParseIntrinsicCall(source);
    if (!call.ok()) {
      // Definitions are validated before they run, so this means a bug, but
      // it stays a workflow error rather than a crash.
      return StateError{
          std::string(errors::kIntrinsicFailure),
          StrCat("Invalid intrinsic function in the field '", key, "': ",
                 std::string_view(call.status().message().data(), call.status().message().size()))};
    }
    return EvaluateIntrinsic(*call, input, context);
  }
  return SelectPath(source, input, context, key);
}

Outcome<json::value> ExpandTemplate(const json::value& node, const json::value& input,
                                    const EvaluationContext& context) {
  if (const json::object* object = node.if_object()) {
    json::object out;
    out.reserve(object->size());
    for (const json::key_value_pair& entry : *object) {
      std::string_view key(entry.key().data(), entry.key().size());
      if (key.ends_with(".$")) {
        Outcome<json::value> value = EvaluateTemplateValue(key, entry.value(), input, context);
        if (!value.ok()) return value.error();
        // If both "a" and "a.$" are present, whichever comes later in the
        // template wins (AWS does not document this case).
        out[key.substr(0, key.size() - 2)] = std::move(value).value();
      } else {
        Outcome<json::value> value = ExpandTemplate(entry.value(), input, context);
        if (!value.ok()) return value.error();
        out[key] = std::move(value).value();
      }
    }
    return json::value(std::move(out));
  }
  if (const json::array* array = node.if_array()) {
    json::array out;
    out.reserve(array->size());
    for (const json::value& element : *array) {
      Outcome<json::value> value = ExpandTemplate(element, input, context);
      if (!value.ok()) return value.error();
      out.push_back(std::move(value).value());
    }
    return json::value(std::move(out));
  }
  return node;
}

StateError ResultPathMatchFailure(std::string_view path, const json::value& state_input) {
  // AWS quotes the input as a JSON string: to input "{\"a\":1}".
  return StateError{std::string(errors::kResultPathMatchFailure),
                    StrCat("Unable to apply ReferencePath ", path, " to input ",
                           json::serialize(json::string(Abbreviated(state_input))))};
}

}  // namespace

const json::value* PathRoot(const asl::JsonPath& path, const json::value& input,
                            const EvaluationContext& context) {
  static const json::value* const kEmptyObject = new json::value(json::object());
  if (path.context_object) {
    return context.context_object != nullptr ? context.context_object : kEmptyObject;
  }
  if (!path.variable.empty()) {
    return context.variables != nullptr ? context.variables->Find(path.variable) : nullptr;
  }
  return &input;
}

StateError UndefinedVariable(const asl::JsonPath& path, std::string_view field) {
  return RuntimeError(StrCat("The JSONPath '", path.text, "' specified for the field '", field,
                             "' references the variable '$", path.variable,
                             "', which is not defined"));
}

Outcome<json::object> EvaluateAssign(const json::value& assign, const json::value& input,
                                     const EvaluationContext& context) {
  // Assign is a payload template whose top-level keys are the variables: the
  // same `.$` rules, evaluated against `input` and the variables as they
  // were before the state (nothing is written until all are evaluated).
  Outcome<json::value> values = ExpandTemplate(assign, input, context);
  if (!values.ok()) return values.error();
  json::value& object = values.value();
  if (!object.is_object()) return json::object();
  return std::move(object.get_object());
}

Outcome<json::value> SelectPath(std::string_view path, const json::value& input,
                                const EvaluationContext& context, std::string_view field) {
  if (context.expressions != nullptr) {
    if (const asl::JsonPath* cached = context.expressions->Path(path)) {
      return SelectParsed(*cached, input, context, field);
    }
  }
  absl::StatusOr<asl::JsonPath> parsed = asl::ParseJsonPath(path);
  if (!parsed.ok()) {
    return RuntimeError(StrCat(
        "Invalid JSONPath '", path, "' specified for the field '", field, "': ",
        std::string_view(parsed.status().message().data(), parsed.status().message().size())));
  }
  return SelectParsed(*parsed, input, context, field);
}

Outcome<json::value> ApplyInputPath(const std::optional<asl::PathField>& path,
                                    const json::value& value, const EvaluationContext& context) {
  return ApplySelectionPath(path, value, context, "InputPath");
}

Outcome<json::value> ApplyOutputPath(const std::optional<asl::PathField>& path,
                                     const json::value& value, const EvaluationContext& context) {
  return ApplySelectionPath(path, value, context, "OutputPath");
}

Outcome<json::value> ApplyOutputPath(const std::optional<asl::PathField>& path, json::value&& value,
                                     const EvaluationContext& context) {
  if (!path.has_value()) return std::move(value);
  return ApplySelectionPath(path, value, context, "OutputPath");
}

Outcome<json::value> ApplyPayloadTemplate(const json::value& payload_template,
                                          const json::value& input,
                                          const EvaluationContext& context) {
  return ExpandTemplate(payload_template, input, context);
}

Outcome<json::value> ApplyResultPath(const std::optional<asl::PathField>& path,
                                     const json::value& state_input, json::value result) {
  if (!path.has_value()) return result;
  if (path->is_null) return state_input;
  absl::StatusOr<asl::JsonPath> parsed = asl::ParseJsonPath(path->path);
  // ResultPath is a `$`-rooted reference path (checked by the validator);
  // anything else cannot name the one place to put the result.
  if (!parsed.ok() || parsed->context_object || !parsed->variable.empty() ||
      !parsed->IsReferencePath()) {
    return ResultPathMatchFailure(path->path, state_input);
  }
  if (parsed->segments.empty()) return result;

  json::value output = state_input;
  json::value* current = &output;
  const size_t last = parsed->segments.size() - 1;
  for (size_t i = 0; i <= last; ++i) {
    const asl::PathSegment& seg = parsed->segments[i];
    if (seg.kind == asl::PathSegment::Kind::kField) {
      json::object* object = current->if_object();
      if (object == nullptr) return ResultPathMatchFailure(path->path, state_input);
      if (i == last) {
        (*object)[seg.field] = std::move(result);
        break;
      }
      // A missing intermediate field is created as an empty object
      // ("If the ResultPath doesn't match an item in the state's input, an
      // item is added to the input").
      auto it = object->find(seg.field);
      if (it == object->end()) it = object->emplace(seg.field, json::object()).first;
      current = &it->value();
    } else {
      // An index may replace an existing element but never extends an array.
      json::array* array = current->if_array();
      if (array == nullptr || seg.index < 0 ||
          static_cast<uint64_t>(seg.index) >= static_cast<uint64_t>(array->size())) {
        return ResultPathMatchFailure(path->path, state_input);
      }
      json::value& element = (*array)[static_cast<size_t>(seg.index)];
      if (i == last) {
        element = std::move(result);
        break;
      }
      current = &element;
    }
  }
  return output;
}

}  // namespace stepwise::engine
