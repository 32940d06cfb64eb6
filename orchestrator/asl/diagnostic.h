// Validation diagnostics, shaped as AWS's ValidateStateMachineDefinition
// returns them: severity, code, message and a location.
//
// Location is a path into the definition document: the keys and array
// indices from the root, each prefixed by '/', unescaped, e.g.
// `/States/Check Name/Next` or `/States/Choose/Choices/0/Variable`. The
// document root is the empty string. Diagnostics about a JSON syntax error
// have an empty location and carry line and column in the message.
#ifndef STEPWISE_ORCHESTRATOR_ASL_DIAGNOSTIC_H_
#define STEPWISE_ORCHESTRATOR_ASL_DIAGNOSTIC_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stepwise::asl {

enum class Severity { kError, kWarning };

// AWS's documented diagnostic codes (API_ValidateStateMachineDefinitionDiagnostic).
enum class DiagnosticCode {
  // Errors.
  kInvalidJsonDescription,  // JSON syntax problem (message: line and column).
  kMissingDescription,      // Null or empty definition text.
  kSchemaValidationFailed,  // Wrong field type, missing/unknown field, bad value,
                            // unreachable state, invalid path or Choice rule...
  kInvalidResource,         // Task `Resource` is not a usable resource URI.
  kMissingEndState,         // No terminal state reachable (a path that never ends).
  kDuplicateStateName,      // Same state name twice (also across branches).
  kInvalidStateName,        // State name empty, too long (>80) or with bad characters.
  kStateMachineNameEmpty,   // Only for ValidateStateMachineName.
  kStateMachineNameInvalid,
  kStateMachineNameTooLong,
  kStateMachineNameAlreadyExists,  // Reserved for the control plane.
  kDuplicateLabelName,             // Two Distributed Map states with the same Label.
  kInvalidLabelName,               // Label too long or with bad characters.
  kMissingTransitionTarget,        // StartAt/Next/Default/Catch Next names no state.
  kTooDeeplyNested,                // Parallel/Map nesting deeper than the limit.
  // Warnings.
  kNoDollar,            // A plain field's string value looks like a path/intrinsic.
  kNoPath,              // A non-`Path` field's value looks like a path.
  kPassResultIsStatic,  // Pass `Result` holds a `.$` key: it is not evaluated.
};

// "SCHEMA_VALIDATION_FAILED", ... (the AWS spelling).
std::string_view DiagnosticCodeName(DiagnosticCode code);
// "ERROR" / "WARNING".
std::string_view SeverityName(Severity severity);

struct Diagnostic {
  Severity severity = Severity::kError;
  DiagnosticCode code = DiagnosticCode::kSchemaValidationFailed;
  std::string message;
  std::string location;

  friend bool operator==(const Diagnostic&, const Diagnostic&) = default;
};

// True if any diagnostic has severity ERROR (AWS's result FAIL).
bool HasErrors(const std::vector<Diagnostic>& diagnostics);

// Collects the diagnostics of one validation run.
class DiagnosticList {
 public:
  void Error(DiagnosticCode code, std::string location, std::string message) {
    items_.push_back({Severity::kError, code, std::move(message), std::move(location)});
  }
  void Warning(DiagnosticCode code, std::string location, std::string message) {
    items_.push_back({Severity::kWarning, code, std::move(message), std::move(location)});
  }
  const std::vector<Diagnostic>& items() const { return items_; }
  std::vector<Diagnostic> Release() { return std::move(items_); }

 private:
  std::vector<Diagnostic> items_;
};

// Builds a location from its parent and one more key or index.
std::string ChildLocation(std::string_view parent, std::string_view key);
std::string ChildLocation(std::string_view parent, size_t index);

}  // namespace stepwise::asl

#endif  // STEPWISE_ORCHESTRATOR_ASL_DIAGNOSTIC_H_
