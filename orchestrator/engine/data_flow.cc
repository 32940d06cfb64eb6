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

// A definite path's node, walked directly (no list of matches); null when
// it is missing. The same semantics as asl::EvaluateJsonPath for fields and
// indices (a negative index counts from the end).
const json::value* FindDefinite(const asl::JsonPath& path, const json::value& root) {
  const json::value* node = &root;
  for (const asl::PathSegment& seg : path.segments) {
    if (seg.kind == asl::PathSegment::Kind::kField) {
      const json::object* object = node->if_object();
      if (object == nullptr) return nullptr;
      node = object->if_contains(seg.field);
      if (node == nullptr) return nullptr;
    } else {
      const json::array* array = node->if_array();
      if (array == nullptr) return nullptr;
      const size_t size = array->size();
      size_t at = 0;
      if (seg.index < 0) {
        const uint64_t back = 0 - static_cast<uint64_t>(seg.index);
        if (back > size) return nullptr;
        at = size - static_cast<size_t>(back);
      } else {
        if (static_cast<uint64_t>(seg.index) >= size) return nullptr;
        at = static_cast<size_t>(seg.index);
      }
      node = &(*array)[at];
    }
  }
  return node;
}

Outcome<Selection> SelectParsedRef(const asl::JsonPath& path, const json::value& input,
                                   const EvaluationContext& context, std::string_view field) {
  const json::value* root = PathRoot(path, input, context);
  if (root == nullptr) return UndefinedVariable(path, field);
  if (IsDefinite(path)) {
    const json::value* node = FindDefinite(path, *root);
    if (node == nullptr) return PathNotFound(path.text, field, *root);
    return Selection::Ref(*node);
  }
  std::vector<const json::value*> nodes = asl::EvaluateJsonPath(path, *root);
  json::array matches;
  matches.reserve(nodes.size());
  for (const json::value* node : nodes) matches.push_back(*node);
  return Selection::Own(json::value(std::move(matches)));
}

Outcome<json::value> Taken(Outcome<Selection> selected) {
  if (!selected.ok()) return selected.error();
  return std::move(selected).value().Take();
}

Outcome<Selection> SelectionPathRef(const std::optional<asl::PathField>& path,
                                    const json::value& value, const EvaluationContext& context,
                                    std::string_view field) {
  if (!path.has_value()) return Selection::Ref(value);
  // ASL spec "InputPath/OutputPath": null discards the value; the effective
  // input/output is {}.
  if (path->is_null) return Selection::Own(json::value(json::object()));
  return SelectPathRef(path->path, value, context, field);
}

Outcome<json::value> ApplySelectionPath(const std::optional<asl::PathField>& path,
                                        const json::value& value, const EvaluationContext& context,
                                        std::string_view field) {
  return Taken(SelectionPathRef(path, value, context, field));
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
  Outcome<Selection> selected = SelectPathRef(source, input, context, key);
  if (!selected.ok()) return selected.error();
  return std::move(selected).value().Take();
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
        // (insert_or_assign: no null entry built first and then assigned.)
        out.insert_or_assign(key.substr(0, key.size() - 2), std::move(value).value());
      } else {
        Outcome<json::value> value = ExpandTemplate(entry.value(), input, context);
        if (!value.ok()) return value.error();
        out.insert_or_assign(key, std::move(value).value());
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

Outcome<Selection> SelectPathRef(std::string_view path, const json::value& input,
                                 const EvaluationContext& context, std::string_view field) {
  if (context.expressions != nullptr) {
    if (const asl::JsonPath* cached = context.expressions->Path(path)) {
      return SelectParsedRef(*cached, input, context, field);
    }
  }
  absl::StatusOr<asl::JsonPath> parsed = asl::ParseJsonPath(path);
  if (!parsed.ok()) {
    return RuntimeError(StrCat(
        "Invalid JSONPath '", path, "' specified for the field '", field, "': ",
        std::string_view(parsed.status().message().data(), parsed.status().message().size())));
  }
  return SelectParsedRef(*parsed, input, context, field);
}

Outcome<json::value> SelectPath(std::string_view path, const json::value& input,
                                const EvaluationContext& context, std::string_view field) {
  return Taken(SelectPathRef(path, input, context, field));
}

Outcome<Selection> SelectInputPath(const std::optional<asl::PathField>& path,
                                   const json::value& value, const EvaluationContext& context) {
  return SelectionPathRef(path, value, context, "InputPath");
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
  Outcome<Selection> selected = SelectionPathRef(path, value, context, "OutputPath");
  if (!selected.ok()) return selected.error();
  // `$` selects the value itself: move it rather than copy it.
  if (&selected.value().get() == &value) return std::move(value);
  return std::move(selected).value().Take();
}

Outcome<json::value> ApplyPayloadTemplate(const json::value& payload_template,
                                          const json::value& input,
                                          const EvaluationContext& context) {
  return ExpandTemplate(payload_template, input, context);
}

Outcome<json::value> ApplyResultPath(const std::optional<asl::PathField>& path,
                                     const json::value& state_input, json::value result,
                                     const ExpressionCache* expressions) {
  if (!path.has_value()) return result;
  if (path->is_null) return state_input;
  const asl::JsonPath* parsed = expressions != nullptr ? expressions->Path(path->path) : nullptr;
  absl::StatusOr<asl::JsonPath> parsed_here;  // A path not in the cache.
  if (parsed == nullptr) {
    parsed_here = asl::ParseJsonPath(path->path);
    if (parsed_here.ok()) parsed = &*parsed_here;
  }
  // ResultPath is a `$`-rooted reference path (checked by the validator);
  // anything else cannot name the one place to put the result.
  if (parsed == nullptr || parsed->context_object || !parsed->variable.empty() ||
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

std::optional<ResultPathUndo> ApplyResultPathInPlace(const std::optional<asl::PathField>& path,
                                                     json::value& document, json::value& result,
                                                     const ExpressionCache* expressions) {
  if (!path.has_value() || path->is_null || expressions == nullptr) return std::nullopt;
  const asl::JsonPath* parsed = expressions->Path(path->path);
  if (parsed == nullptr || parsed->context_object || !parsed->variable.empty() ||
      parsed->segments.empty()) {
    return std::nullopt;
  }
  // First a walk that changes nothing: every existing node on the path must
  // be an object (what ApplyResultPath would report otherwise is its job).
  const json::value* node = &document;
  for (const asl::PathSegment& seg : parsed->segments) {
    if (seg.kind != asl::PathSegment::Kind::kField) return std::nullopt;
    const json::object* object = node->if_object();
    if (object == nullptr) return std::nullopt;
    node = object->if_contains(seg.field);
    if (node == nullptr) break;  // From here on ApplyResultPath creates objects.
  }
  ResultPathUndo undo;
  undo.path = parsed;
  json::value* current = &document;
  const size_t last = parsed->segments.size() - 1;
  for (size_t i = 0; i <= last; ++i) {
    json::object& object = current->get_object();
    const std::string& field = parsed->segments[i].field;
    auto it = object.find(field);
    if (it == object.end()) {
      if (undo.created_at == SIZE_MAX) undo.created_at = i;
      // The same places as ApplyResultPath's: appended at the end.
      if (i == last) {
        object[field] = std::move(result);
        break;
      }
      it = object.emplace(field, json::object()).first;
    } else if (i == last) {
      undo.previous = std::move(it->value());
      it->value() = std::move(result);
      break;
    }
    current = &it->value();
  }
  return undo;
}

void UndoResultPath(ResultPathUndo& undo, json::value& document) {
  if (undo.path == nullptr) return;  // The document was not changed.
  const std::vector<asl::PathSegment>& segments = undo.path->segments;
  const size_t stop = undo.created_at != SIZE_MAX ? undo.created_at : segments.size() - 1;
  json::value* current = &document;
  for (size_t i = 0; i < stop; ++i)
    current = &current->get_object().find(segments[i].field)->value();
  json::object& object = current->get_object();
  auto it = object.find(segments[stop].field);
  if (undo.created_at != SIZE_MAX) {
    // The added field is the object's last member; stable_erase keeps the
    // order even if it were not.
    object.stable_erase(it);
  } else {
    it->value() = std::move(undo.previous);
  }
}

}  // namespace stepwise::engine
