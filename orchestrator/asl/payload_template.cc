#include "orchestrator/asl/payload_template.h"

#include <memory>

#include "common/str_cat.h"
#include "orchestrator/asl/intrinsic_function.h"
#include "orchestrator/asl/json_path.h"
#include "orchestrator/asl/jsonata/jsonata.h"
#include "orchestrator/asl/names.h"

namespace stepwise::asl {
namespace {

namespace json = ::boost::json;

std::string_view View(const json::string& s) { return {s.data(), s.size()}; }

std::string_view View(json::string_view s) { return {s.data(), s.size()}; }

// The problem with a `.$` key's value in a JSONPath template, or "".
std::string DynamicValueProblem(const json::value& value) {
  if (!value.is_string()) {
    return StrCat("must be a string holding a path or an intrinsic function, not ",
                  JsonTypeName(value));
  }
  std::string_view text = View(value.get_string());
  if (LooksLikeIntrinsicCall(text)) {
    absl::StatusOr<IntrinsicCall> call = ParseIntrinsicCall(text);
    return call.ok() ? "" : std::string(call.status().message());
  }
  return PathProblem(text, PathKind::kPath);
}

bool LooksLikePathOrIntrinsic(const json::value& value) {
  if (!value.is_string()) return false;
  std::string_view text = View(value.get_string());
  return LooksLikePath(text) || LooksLikeIntrinsicCall(text);
}

}  // namespace

bool LooksLikePath(std::string_view text) {
  return std::string_view(text).starts_with("$.") || std::string_view(text).starts_with("$[") ||
         std::string_view(text).starts_with("$$.");
}

std::string PathProblem(std::string_view text, PathKind kind) {
  if (kind == PathKind::kPathOrIntrinsic && LooksLikeIntrinsicCall(text)) {
    absl::StatusOr<IntrinsicCall> call = ParseIntrinsicCall(text);
    return call.ok() ? "" : std::string(call.status().message());
  }
  absl::StatusOr<JsonPath> path =
      kind == PathKind::kPath ? ParseJsonPath(text) : ParseReferencePath(text);
  if (!path.ok()) return std::string(path.status().message());
  if (kind == PathKind::kResultPath && path->context_object) {
    return StrCat("'", text, "' must not refer to the context object ($$)");
  }
  // ResultPath names where the result goes in the state input; a variable
  // is never written that way (use Assign).
  if (kind == PathKind::kResultPath && !path->variable.empty()) {
    return StrCat("'", text, "' must not refer to a variable ($", path->variable, ")");
  }
  return "";
}

std::optional<PathField> ReadPath(FieldReader& fields, std::string_view key, PathKind kind,
                                  bool allow_null) {
  const json::value* value = fields.Value(key);
  if (value == nullptr) return std::nullopt;
  if (value->is_null() && allow_null) return PathField{.is_null = true, .path = ""};
  if (!value->is_string()) {
    fields.TypeError(key, allow_null ? "a path string or null" : "a path string");
    return std::nullopt;
  }
  std::string_view text = View(value->get_string());
  if (std::string problem = PathProblem(text, kind); !problem.empty()) {
    fields.TypeError(
        key,
        StrCat("a valid ", kind == PathKind::kPath ? "JSONPath" : "reference path", ": ", problem));
    return std::nullopt;
  }
  return PathField{.is_null = false, .path = std::string(text)};
}

void CheckJsonPathTemplate(const json::value& value, const std::string& location,
                           DiagnosticList& diagnostics) {
  if (value.is_array()) {
    const json::array& array = value.get_array();
    for (size_t i = 0; i < array.size(); ++i) {
      CheckJsonPathTemplate(array[i], ChildLocation(location, i), diagnostics);
    }
    return;
  }
  if (!value.is_object()) return;
  for (const auto& member : value.get_object()) {
    std::string_view key = View(member.key());
    std::string key_location = ChildLocation(location, key);
    if (std::string_view(key).ends_with(".$")) {
      if (std::string problem = DynamicValueProblem(member.value()); !problem.empty()) {
        diagnostics.Error(DiagnosticCode::kSchemaValidationFailed, key_location,
                          StrCat("Invalid value for '", key, "': ", problem));
      }
      continue;
    }
    if (LooksLikePathOrIntrinsic(member.value())) {
      diagnostics.Warning(
          DiagnosticCode::kNoDollar, key_location,
          StrCat("The value of '", key,
                 "' looks like a path or intrinsic function but is used as a literal: "
                 "name the field '",
                 key, ".$' to evaluate it"));
      continue;
    }
    CheckJsonPathTemplate(member.value(), key_location, diagnostics);
  }
}

bool IsJsonataExpression(std::string_view text) {
  if (text.size() < 4 || !std::string_view(text).starts_with("{%") ||
      !std::string_view(text).ends_with("%}")) {
    return false;
  }
  std::string_view body = text.substr(2, text.size() - 4);
  return body.find_first_not_of(" \t\r\n") != std::string_view::npos;
}

bool CheckJsonataSyntax(std::string_view text, const std::string& location,
                        DiagnosticList& diagnostics) {
  absl::StatusOr<std::shared_ptr<const jsonata::Expression>> parsed =
      jsonata::Parse(text.substr(2, text.size() - 4));
  if (parsed.ok()) return true;
  // The message carries JSONata's code and position ("S0202 at position 5: ...").
  diagnostics.Error(DiagnosticCode::kSchemaValidationFailed, location,
                    StrCat("The JSONata expression '", text,
                           "' is invalid: ", std::string(parsed.status().message())));
  return false;
}

void CheckJsonataTemplate(const json::value& value, const std::string& location,
                          DiagnosticList& diagnostics) {
  if (value.is_string()) {
    std::string_view text = View(value.get_string());
    if (IsJsonataExpression(text)) {
      CheckJsonataSyntax(text, location, diagnostics);
    } else if (std::string_view(text).starts_with("{%")) {
      diagnostics.Error(DiagnosticCode::kSchemaValidationFailed, location,
                        "A JSONata expression must have the form '{% expression %}'");
    }
  } else if (value.is_array()) {
    const json::array& array = value.get_array();
    for (size_t i = 0; i < array.size(); ++i) {
      CheckJsonataTemplate(array[i], ChildLocation(location, i), diagnostics);
    }
  } else if (value.is_object()) {
    for (const auto& member : value.get_object()) {
      CheckJsonataTemplate(member.value(), ChildLocation(location, View(member.key())),
                           diagnostics);
    }
  }
}

void CheckAssign(const json::value& value, const std::string& location, QueryLanguage language,
                 DiagnosticList& diagnostics) {
  if (!value.is_object()) {
    diagnostics.Error(DiagnosticCode::kSchemaValidationFailed, location,
                      StrCat("Field 'Assign' must be an object, not ", JsonTypeName(value)));
    return;
  }
  for (const auto& member : value.get_object()) {
    std::string_view key = View(member.key());
    std::string key_location = ChildLocation(location, key);
    std::string_view name = key;
    bool dynamic = language == QueryLanguage::kJsonPath && std::string_view(key).ends_with(".$");
    if (dynamic) name.remove_suffix(2);
    if (!IsValidVariableName(name)) {
      diagnostics.Error(DiagnosticCode::kSchemaValidationFailed, key_location,
                        StrCat("'", name,
                               "' is not a valid variable name (a letter or '_', then "
                               "letters, digits or '_'; at most 80 characters)"));
      continue;
    }
    if (language == QueryLanguage::kJsonata) {
      CheckJsonataTemplate(member.value(), key_location, diagnostics);
    } else if (dynamic) {
      if (std::string problem = DynamicValueProblem(member.value()); !problem.empty()) {
        diagnostics.Error(DiagnosticCode::kSchemaValidationFailed, key_location,
                          StrCat("Invalid value for '", key, "': ", problem));
      }
    } else if (LooksLikePathOrIntrinsic(member.value())) {
      diagnostics.Warning(DiagnosticCode::kNoDollar, key_location,
                          StrCat("The value of '", key,
                                 "' looks like a path or intrinsic function but is assigned as a "
                                 "literal: name the variable '",
                                 key, ".$' to evaluate it"));
    } else {
      CheckJsonPathTemplate(member.value(), key_location, diagnostics);
    }
  }
}

void CheckPassResult(const json::value& value, const std::string& location,
                     DiagnosticList& diagnostics) {
  if (value.is_array()) {
    const json::array& array = value.get_array();
    for (size_t i = 0; i < array.size(); ++i) {
      CheckPassResult(array[i], ChildLocation(location, i), diagnostics);
    }
    return;
  }
  if (!value.is_object()) return;
  for (const auto& member : value.get_object()) {
    std::string_view key = View(member.key());
    std::string key_location = ChildLocation(location, key);
    if (std::string_view(key).ends_with(".$")) {
      diagnostics.Warning(DiagnosticCode::kPassResultIsStatic, key_location,
                          StrCat("'", key,
                                 "' in a Pass state's Result is not evaluated: Result is "
                                 "static; use Parameters to compute values"));
    }
    CheckPassResult(member.value(), key_location, diagnostics);
  }
}

void WarnIfPathInPlainField(const json::value& value, const std::string& location,
                            std::string_view key, DiagnosticList& diagnostics) {
  if (!value.is_string() || !LooksLikePath(View(value.get_string()))) return;
  diagnostics.Warning(
      DiagnosticCode::kNoPath, location,
      StrCat("The value of '", key, "' looks like a path but is used as a literal: use '", key,
             "Path' to evaluate it"));
}

}  // namespace stepwise::asl
