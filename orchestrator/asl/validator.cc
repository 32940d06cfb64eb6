#include "orchestrator/asl/validator.h"

#include "common/str_cat.h"
#include "orchestrator/asl/json_document.h"
#include "orchestrator/asl/names.h"
#include "orchestrator/asl/state_parser.h"

namespace stepwise::asl {

ValidationResult ValidateDefinition(std::string_view definition_text,
                                    const ValidateOptions& options) {
  ValidationResult result;
  DiagnosticList diagnostics;
  if (definition_text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    diagnostics.Error(DiagnosticCode::kMissingDescription, "",
                      "The definition is empty: expected a JSON object");
    result.diagnostics = diagnostics.Release();
    return result;
  }
  JsonDocument document = ParseJsonDocument(definition_text);
  if (!document.ok) {
    diagnostics.Error(DiagnosticCode::kInvalidJsonDescription, "",
                      StrCat("The definition is not valid JSON: ", document.error));
    result.diagnostics = diagnostics.Release();
    return result;
  }
  ParseContext context{options, diagnostics, document.duplicate_keys, {}, {}};
  std::shared_ptr<StateMachine> machine =
      ParseMachine(document.root, "", MachineKind::kTopLevel, QueryLanguage::kJsonPath, 0, context);
  // Duplicate state names were reported by ParseMachine; any other repeated
  // key is ambiguous (the JSON parse kept only one of them).
  for (const auto& [location, keys] : document.duplicate_keys) {
    for (const std::string& key : keys) {
      diagnostics.Error(DiagnosticCode::kSchemaValidationFailed, ChildLocation(location, key),
                        StrCat("Field '", key, "' appears more than once"));
    }
  }
  result.diagnostics = diagnostics.Release();
  if (!HasErrors(result.diagnostics)) result.machine = std::move(machine);
  return result;
}

std::vector<Diagnostic> ValidateStateMachineName(std::string_view name) {
  DiagnosticList diagnostics;
  switch (CheckResourceName(name)) {
    case ResourceNameProblem::kNone:
      break;
    case ResourceNameProblem::kEmpty:
      diagnostics.Error(DiagnosticCode::kStateMachineNameEmpty, "",
                        "The state machine name must not be empty");
      break;
    case ResourceNameProblem::kTooLong:
      diagnostics.Error(
          DiagnosticCode::kStateMachineNameTooLong, "",
          StrCat("The state machine name is longer than ", kMaxResourceNameLength, " characters"));
      break;
    case ResourceNameProblem::kInvalid:
      diagnostics.Error(DiagnosticCode::kStateMachineNameInvalid, "",
                        "The state machine name must not contain whitespace, brackets "
                        "(< > { } [ ]), wildcards (? *), special characters "
                        "(\" # % \\ ^ | ~ ` $ & , ; : /) or control characters");
      break;
  }
  return diagnostics.Release();
}

}  // namespace stepwise::asl
