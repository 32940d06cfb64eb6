#include "orchestrator/engine/jsonata_fields.h"

#include <cmath>
#include <memory>
#include <utility>

#include "boost/json/serialize.hpp"
#include "common/str_cat.h"
#include "orchestrator/asl/payload_template.h"

namespace stepwise::engine {
namespace {

namespace json = ::boost::json;

std::string_view View(json::string_view s) { return {s.data(), s.size()}; }

// `{% body %}` -> `body`, trimmed, as AWS quotes it.
std::string_view Body(std::string_view text) {
  if (text.size() < 4) return text;
  std::string_view body = text.substr(2, text.size() - 4);
  const size_t first = body.find_first_not_of(" \t\r\n");
  const size_t last = body.find_last_not_of(" \t\r\n");
  return first == std::string_view::npos ? body : body.substr(first, last - first + 1);
}

std::string Truncated(const json::value& value) {
  std::string text = json::serialize(value);
  if (text.size() > 200) text = StrCat(text.substr(0, 200), "...");
  return text;
}

bool IsExpression(const json::value& value) {
  return value.is_string() && asl::IsJsonataExpression(View(value.get_string()));
}

}  // namespace

JsonataFields::JsonataFields(json::object states, const VariableScope* variables, absl::Time now,
                             Entropy* entropy, const ExpressionCache* expressions)
    : expressions_(expressions) {
  if (variables != nullptr) {
    for (auto& [key, value] : variables->Visible()) {
      bindings_.emplace(std::string(View(key)), std::move(value));
    }
  }
  bindings_["states"] = std::move(states);
  env_.now_millis = absl::ToUnixMillis(now);
  if (entropy != nullptr) {
    // 53 random bits: uniform in [0, 1), drawn from the step's entropy.
    env_.random = [entropy] {
      return static_cast<double>(entropy->NextUint64() >> 11) * 0x1.0p-53;
    };
  }
}

void JsonataFields::SetStates(std::string_view key, json::value value) {
  bindings_["states"].as_object()[json::string_view(key.data(), key.size())] = std::move(value);
}

StateError JsonataFields::Error(std::string_view text, std::string_view field,
                                std::string_view what) const {
  return StateError{std::string(errors::kQueryEvaluationError),
                    StrCat("The JSONata expression '", Body(text), "' specified for the field '",
                           field, "' ", what)};
}

Outcome<std::optional<json::value>> JsonataFields::Evaluate(const std::string& text,
                                                            std::string_view field) {
  const jsonata::Expression* expression =
      expressions_ != nullptr ? expressions_->Jsonata(text) : nullptr;
  std::shared_ptr<const jsonata::Expression> parsed;
  if (expression == nullptr) {
    absl::StatusOr<std::shared_ptr<const jsonata::Expression>> result = jsonata::Parse(Body(text));
    if (!result.ok()) {
      return Error(text, field, StrCat("is invalid: ", std::string(result.status().message())));
    }
    parsed = std::move(*result);
    expression = parsed.get();
  }
  absl::StatusOr<std::optional<json::value>> value =
      jsonata::Evaluate(*expression, nullptr, bindings_, env_);
  if (!value.ok())
    return Error(text, field, StrCat("threw an error: ", std::string(value.status().message())));
  return std::move(*value);
}

Outcome<json::value> JsonataFields::Value(const json::value& value, std::string_view field) {
  if (IsExpression(value)) {
    std::string text(View(value.get_string()));
    Outcome<std::optional<json::value>> result = Evaluate(text, field);
    if (!result.ok()) return result.error();
    if (!result.value()) return Error(text, field, "returned nothing (undefined)");
    return std::move(*result.value());
  }
  if (const json::object* object = value.if_object()) {
    json::object out;
    out.reserve(object->size());
    for (const auto& member : *object) {
      Outcome<json::value> evaluated =
          Value(member.value(), StrCat(field, "/", View(member.key())));
      if (!evaluated.ok()) return evaluated.error();
      out.emplace(member.key(), std::move(evaluated).value());
    }
    return json::value(std::move(out));
  }
  if (const json::array* array = value.if_array()) {
    json::array out;
    out.reserve(array->size());
    for (size_t i = 0; i < array->size(); ++i) {
      Outcome<json::value> evaluated = Value((*array)[i], StrCat(field, "[", i, "]"));
      if (!evaluated.ok()) return evaluated.error();
      out.push_back(std::move(evaluated).value());
    }
    return json::value(std::move(out));
  }
  return value;
}

Outcome<int64_t> JsonataFields::Int(const asl::DynamicInt& value, std::string_view field,
                                    int64_t min) {
  if (value.value) return *value.value;
  if (!value.expression) return int64_t{-1};
  Outcome<std::optional<json::value>> result = Evaluate(*value.expression, field);
  if (!result.ok()) return result.error();
  if (!result.value()) return Error(*value.expression, field, "returned nothing (undefined)");
  const json::value& v = *result.value();
  std::optional<int64_t> number;
  if (v.is_int64()) number = v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    number = static_cast<int64_t>(v.get_uint64());
  }
  if (v.is_double() && std::nearbyint(v.get_double()) == v.get_double() &&
      std::fabs(v.get_double()) < 9.2e18) {
    number = static_cast<int64_t>(v.get_double());
  }
  if (!number || *number < min) {
    return Error(*value.expression, field,
                 StrCat("must return an integer greater than or equal to ", min, ", but returned ",
                        Truncated(v)));
  }
  return *number;
}

Outcome<std::string> JsonataFields::String(const asl::DynamicString& value,
                                           std::string_view field) {
  if (value.value) return *value.value;
  if (!value.expression) return std::string();
  Outcome<std::optional<json::value>> result = Evaluate(*value.expression, field);
  if (!result.ok()) return result.error();
  if (!result.value()) return Error(*value.expression, field, "returned nothing (undefined)");
  if (!result.value()->is_string()) {
    return Error(*value.expression, field,
                 StrCat("must return a string, but returned ", Truncated(*result.value())));
  }
  return std::string(View(result.value()->get_string()));
}

Outcome<bool> JsonataFields::Condition(const json::value& condition) {
  if (condition.is_bool()) return condition.get_bool();
  std::string text(condition.is_string() ? View(condition.get_string()) : "");
  Outcome<std::optional<json::value>> result = Evaluate(text, "Condition");
  if (!result.ok()) return result.error();
  if (!result.value()) return Error(text, "Condition", "returned nothing (undefined)");
  if (!result.value()->is_bool()) {
    return Error(text, "Condition",
                 StrCat("must return a boolean, but returned ", Truncated(*result.value())));
  }
  return result.value()->get_bool();
}

}  // namespace stepwise::engine
