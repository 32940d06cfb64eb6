// Validating and parsing ASL definitions.
//
//   ValidationResult r = ValidateDefinition(text);
//   if (!r.ok()) { for (const Diagnostic& d : r.diagnostics) ...; }
//   else Run(*r.machine);
//
// Validation follows AWS's ValidateStateMachineDefinition (see
// docs/validation.md for each rule's code and location). Any input, however
// malformed, yields diagnostics: it never crashes, throws or hangs.
// Thread-safe (no shared state).
#ifndef STEPWISE_ORCHESTRATOR_ASL_VALIDATOR_H_
#define STEPWISE_ORCHESTRATOR_ASL_VALIDATOR_H_

#include <memory>
#include <string_view>
#include <vector>

#include "orchestrator/asl/diagnostic.h"
#include "orchestrator/asl/model.h"

namespace stepwise::asl {

struct ValidateOptions {
  // When false, `${Name}` placeholders in Resource fields are INVALID_RESOURCE
  // (use after DefinitionSubstitutions were applied, at create time).
  bool allow_placeholders = true;
};

struct ValidationResult {
  // All errors and warnings, in document order.
  std::vector<Diagnostic> diagnostics;
  // Set iff there are no errors (warnings allowed).
  std::shared_ptr<const StateMachine> machine;

  bool ok() const { return machine != nullptr; }
};

ValidationResult ValidateDefinition(std::string_view definition_text,
                                    const ValidateOptions& options = {});

// AWS's state machine name rules (1..80 characters; no whitespace, brackets,
// wildcards, special or control characters): STATE_MACHINE_NAME_EMPTY /
// _TOO_LONG / _INVALID diagnostics, or none.
std::vector<Diagnostic> ValidateStateMachineName(std::string_view name);

}  // namespace stepwise::asl

#endif  // STEPWISE_ORCHESTRATOR_ASL_VALIDATOR_H_
