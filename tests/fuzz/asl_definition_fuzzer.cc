// libFuzzer target: any byte string given to the ASL validator must yield
// diagnostics or a machine, never a crash, hang, leak or sanitizer report.
// Run through scripts/fuzz (seed corpus in corpus/asl_definition/, dictionary
// asl.dict).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "orchestrator/asl/diagnostic.h"
#include "orchestrator/asl/model.h"
#include "orchestrator/asl/substitutions.h"
#include "orchestrator/asl/validator.h"

namespace stepwise::asl {
namespace {

// A broken invariant of the validator's contract: crash so libFuzzer saves
// the input.
void Check(bool condition) {
  if (!condition) __builtin_trap();
}

void CheckDiagnostics(const std::vector<Diagnostic>& diagnostics) {
  for (const Diagnostic& d : diagnostics) {
    Check(!DiagnosticCodeName(d.code).empty());
    Check(!SeverityName(d.severity).empty());
    Check(!d.message.empty());
    Check(d.location.empty() || d.location.front() == '/');
  }
}

// Walks the whole model (sub-machines too), checking what validation
// promises: StartAt and every Next name a state of the same (sub-)machine.
void Touch(const StateMachine& machine, int depth) {
  Check(depth < 1000);
  Check(machine.Find(machine.start_at) != nullptr);
  Check(machine.index.size() == machine.states.size());
  for (const State& state : machine.states) {
    Check(machine.Find(state.name) == &state);
    Check(!StateTypeName(state.type).empty());
    if (state.next.has_value()) Check(machine.Find(*state.next) != nullptr);
    for (const Catcher& catcher : state.catch_) Check(machine.Find(catcher.next) != nullptr);
    if (const auto* parallel = std::get_if<ParallelFields>(&state.fields)) {
      for (const auto& branch : parallel->branches) {
        Check(branch != nullptr);
        Touch(*branch, depth + 1);
      }
    } else if (const auto* map = std::get_if<MapFields>(&state.fields)) {
      Check(map->processor != nullptr);
      Touch(*map->processor, depth + 1);
    } else if (const auto* choice = std::get_if<ChoiceFields>(&state.fields)) {
      for (const ChoiceRule& rule : choice->choices) Check(machine.Find(rule.next) != nullptr);
      if (choice->default_next.has_value()) {
        Check(machine.Find(*choice->default_next) != nullptr);
      }
    }
  }
}

void Validate(std::string_view text, const ValidateOptions& options) {
  const ValidationResult result = ValidateDefinition(text, options);
  CheckDiagnostics(result.diagnostics);
  // `machine` is set iff there are no errors.
  Check(result.ok() == !HasErrors(result.diagnostics));
  if (result.machine != nullptr) Touch(*result.machine, 0);
}

}  // namespace
}  // namespace stepwise::asl

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace stepwise::asl;  // NOLINT(google-build-using-namespace)
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  Validate(text, ValidateOptions{});
  CheckDiagnostics(ValidateStateMachineName(text));

  const Substitutions substitutions = {
      {"DataCheckingFunctionArn", "arn:aws:lambda:us-east-1:123456789012:function:data-checking"},
      {"Empty", ""},
      {"Self", "${Self}"},
      {"Quote", "\"\\"},
  };
  absl::StatusOr<std::string> substituted = ApplySubstitutions(text, substitutions);
  if (substituted.ok()) Validate(*substituted, ValidateOptions{.allow_placeholders = false});
  return 0;
}
