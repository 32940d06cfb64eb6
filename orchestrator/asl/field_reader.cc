#include "orchestrator/asl/field_reader.h"

#include <limits>

#include "boost/json/serialize.hpp"
#include "common/str_cat.h"

namespace stepwise::asl {

namespace json = ::boost::json;

std::string_view JsonTypeName(const json::value& value) {
  switch (value.kind()) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return "number";
    case json::kind::string:
      return "string";
    case json::kind::array:
      return "array";
    case json::kind::object:
      return "object";
  }
  return "value";
}

std::optional<int64_t> AsInt64(const json::value& value) {
  if (value.is_int64()) return value.get_int64();
  if (value.is_uint64() &&
      value.get_uint64() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return static_cast<int64_t>(value.get_uint64());
  }
  return std::nullopt;
}

const json::value* FieldReader::Value(std::string_view key, Presence presence) {
  seen_.emplace(key);
  const json::value* value = object_.if_contains(key);
  if (value == nullptr && presence == Presence::kRequired) Missing(key);
  return value;
}

std::optional<std::string> FieldReader::String(std::string_view key, Presence presence) {
  const json::value* value = Value(key, presence);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) {
    TypeError(key, "a string");
    return std::nullopt;
  }
  return std::string(value->get_string());
}

std::optional<bool> FieldReader::Bool(std::string_view key, Presence presence) {
  const json::value* value = Value(key, presence);
  if (value == nullptr) return std::nullopt;
  if (!value->is_bool()) {
    TypeError(key, "a boolean");
    return std::nullopt;
  }
  return value->get_bool();
}

std::optional<int64_t> FieldReader::Int(std::string_view key, int64_t min, int64_t max,
                                        Presence presence) {
  const json::value* value = Value(key, presence);
  if (value == nullptr) return std::nullopt;
  std::optional<int64_t> n = AsInt64(*value);
  if (!n.has_value() || *n < min || *n > max) {
    TypeError(key, StrCat("an integer from ", min, " to ", max));
    return std::nullopt;
  }
  return n;
}

std::optional<double> FieldReader::Number(std::string_view key, double min, double max,
                                          Presence presence) {
  const json::value* value = Value(key, presence);
  if (value == nullptr) return std::nullopt;
  if (!value->is_number()) {
    TypeError(key, "a number");
    return std::nullopt;
  }
  double n = value->to_number<double>();
  if (!(n >= min && n <= max)) {
    TypeError(key, max == std::numeric_limits<double>::infinity()
                       ? StrCat("a number of at least ", min)
                       : StrCat("a number from ", min, " to ", max));
    return std::nullopt;
  }
  return n;
}

const json::object* FieldReader::Object(std::string_view key, Presence presence) {
  const json::value* value = Value(key, presence);
  if (value == nullptr) return nullptr;
  if (!value->is_object()) {
    TypeError(key, "an object");
    return nullptr;
  }
  return &value->get_object();
}

const json::array* FieldReader::Array(std::string_view key, Presence presence) {
  const json::value* value = Value(key, presence);
  if (value == nullptr) return nullptr;
  if (!value->is_array()) {
    TypeError(key, "an array");
    return nullptr;
  }
  return &value->get_array();
}

void FieldReader::Reject(std::string_view key, std::string_view why) {
  if (!seen_.emplace(key).second || !object_.contains(key)) return;
  diagnostics_.Error(DiagnosticCode::kSchemaValidationFailed, At(key),
                     StrCat("Field '", key, "' ", why));
}

void FieldReader::ReportUnknown(std::string_view object_description) {
  for (const auto& member : object_) {
    std::string_view key(member.key().data(), member.key().size());
    if (seen_.contains(key)) continue;
    diagnostics_.Error(DiagnosticCode::kSchemaValidationFailed, At(key),
                       StrCat("Field '", key, "' is not supported in a ", object_description));
  }
}

void FieldReader::TypeError(std::string_view key, std::string_view expected) {
  const json::value* value = object_.if_contains(key);
  std::string got = "nothing";
  if (value != nullptr) {
    got = value->is_structured() ? std::string(JsonTypeName(*value)) : json::serialize(*value);
    if (got.size() > 60) got = StrCat(got.substr(0, 57), "...");
  }
  diagnostics_.Error(DiagnosticCode::kSchemaValidationFailed, At(key),
                     StrCat("Field '", key, "' must be ", expected, " (got ", got, ")"));
}

void FieldReader::Missing(std::string_view key) {
  diagnostics_.Error(DiagnosticCode::kSchemaValidationFailed, location_,
                     StrCat("Missing required field '", key, "'"));
}

}  // namespace stepwise::asl
