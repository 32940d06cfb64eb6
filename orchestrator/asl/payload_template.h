// Checks for the expression-bearing parts of a state: Path fields, JSONPath
// payload templates (`"key.$": "$.path"` / intrinsic calls), JSONata
// `{% ... %}` strings, Assign blocks, and the warnings AWS gives for values
// that look like paths where none is evaluated (NO_DOLLAR, NO_PATH,
// PASS_RESULT_IS_STATIC).
#ifndef STEPWISE_ORCHESTRATOR_ASL_PAYLOAD_TEMPLATE_H_
#define STEPWISE_ORCHESTRATOR_ASL_PAYLOAD_TEMPLATE_H_

#include <optional>
#include <string>
#include <string_view>

#include "boost/json/value.hpp"
#include "orchestrator/asl/diagnostic.h"
#include "orchestrator/asl/field_reader.h"
#include "orchestrator/asl/model.h"

namespace stepwise::asl {

enum class PathKind {
  kPath,             // Any JSONPath, `$` or `$$` rooted (InputPath, OutputPath).
  kReferencePath,    // A reference path, `$` or `$$` rooted (`*Path` fields, Variable).
  kResultPath,       // A reference path rooted at `$` (ResultPath).
  kPathOrIntrinsic,  // A reference path or an intrinsic call (Fail ErrorPath/CausePath).
};

// Why `text` is not a valid path of `kind`; empty when it is.
std::string PathProblem(std::string_view text, PathKind kind);

// Reads a path field; with `allow_null`, JSON null gives PathField{is_null}.
std::optional<PathField> ReadPath(FieldReader& fields, std::string_view key, PathKind kind,
                                  bool allow_null);

// A JSONPath-mode payload template (Parameters, ResultSelector, ItemSelector,
// legacy Map Parameters): `.$` keys must hold a valid path or intrinsic
// call; plain keys whose value looks like one get a NO_DOLLAR warning.
void CheckJsonPathTemplate(const boost::json::value& value, const std::string& location,
                           DiagnosticList& diagnostics);

// `{% expr %}` (non-empty expr); CheckJsonataSyntax parses expr.
bool IsJsonataExpression(std::string_view text);

// `text` is a `{% expr %}` string (IsJsonataExpression): reports a
// SCHEMA_VALIDATION_FAILED error at `location` with JSONata's code and
// position if expr does not parse, as AWS rejects such definitions.
// Returns whether it parsed.
bool CheckJsonataSyntax(std::string_view text, const std::string& location,
                        DiagnosticList& diagnostics);

// A JSONata-mode value (Arguments, Output, Items, ...): every string that
// starts with `{%` must be a complete JSONata expression that parses.
void CheckJsonataTemplate(const boost::json::value& value, const std::string& location,
                          DiagnosticList& diagnostics);

// Assign: an object of variable names (JSONPath mode allows `name.$` keys
// with path/intrinsic values).
void CheckAssign(const boost::json::value& value, const std::string& location,
                 QueryLanguage language, DiagnosticList& diagnostics);

// Pass `Result` is static: `.$` keys inside it get PASS_RESULT_IS_STATIC.
void CheckPassResult(const boost::json::value& value, const std::string& location,
                     DiagnosticList& diagnostics);

// NO_PATH when a string field that takes no path holds one (`"Error": "$.e"`).
void WarnIfPathInPlainField(const boost::json::value& value, const std::string& location,
                            std::string_view key, DiagnosticList& diagnostics);

// True for strings that look like a JSONPath (`$`, `$.x`, `$[..]`, `$$.x`).
bool LooksLikePath(std::string_view text);

}  // namespace stepwise::asl

#endif  // STEPWISE_ORCHESTRATOR_ASL_PAYLOAD_TEMPLATE_H_
