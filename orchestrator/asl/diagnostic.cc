#include "orchestrator/asl/diagnostic.h"

#include <algorithm>

#include "common/str_cat.h"

namespace stepwise::asl {

std::string_view DiagnosticCodeName(DiagnosticCode code) {
  switch (code) {
    case DiagnosticCode::kInvalidJsonDescription:
      return "INVALID_JSON_DESCRIPTION";
    case DiagnosticCode::kMissingDescription:
      return "MISSING_DESCRIPTION";
    case DiagnosticCode::kSchemaValidationFailed:
      return "SCHEMA_VALIDATION_FAILED";
    case DiagnosticCode::kInvalidResource:
      return "INVALID_RESOURCE";
    case DiagnosticCode::kMissingEndState:
      return "MISSING_END_STATE";
    case DiagnosticCode::kDuplicateStateName:
      return "DUPLICATE_STATE_NAME";
    case DiagnosticCode::kInvalidStateName:
      return "INVALID_STATE_NAME";
    case DiagnosticCode::kStateMachineNameEmpty:
      return "STATE_MACHINE_NAME_EMPTY";
    case DiagnosticCode::kStateMachineNameInvalid:
      return "STATE_MACHINE_NAME_INVALID";
    case DiagnosticCode::kStateMachineNameTooLong:
      return "STATE_MACHINE_NAME_TOO_LONG";
    case DiagnosticCode::kStateMachineNameAlreadyExists:
      return "STATE_MACHINE_NAME_ALREADY_EXISTS";
    case DiagnosticCode::kDuplicateLabelName:
      return "DUPLICATE_LABEL_NAME";
    case DiagnosticCode::kInvalidLabelName:
      return "INVALID_LABEL_NAME";
    case DiagnosticCode::kMissingTransitionTarget:
      return "MISSING_TRANSITION_TARGET";
    case DiagnosticCode::kTooDeeplyNested:
      return "TOO_DEEPLY_NESTED";
    case DiagnosticCode::kNoDollar:
      return "NO_DOLLAR";
    case DiagnosticCode::kNoPath:
      return "NO_PATH";
    case DiagnosticCode::kPassResultIsStatic:
      return "PASS_RESULT_IS_STATIC";
  }
  return "UNKNOWN";
}

std::string_view SeverityName(Severity severity) {
  return severity == Severity::kError ? "ERROR" : "WARNING";
}

bool HasErrors(const std::vector<Diagnostic>& diagnostics) {
  return std::any_of(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::kError; });
}

std::string ChildLocation(std::string_view parent, std::string_view key) {
  return StrCat(parent, "/", key);
}

std::string ChildLocation(std::string_view parent, size_t index) {
  return StrCat(parent, "/", index);
}

}  // namespace stepwise::asl
