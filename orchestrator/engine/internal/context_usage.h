// Which states read the context object (`$$`), and which read or assign
// workflow variables. Building $$ copies the execution input, and finding a
// frame's variable scope walks the frames, so the interpreter does either
// only for states that need it; the answer is computed once per machine.
#ifndef STEPWISE_ORCHESTRATOR_ENGINE_INTERNAL_CONTEXT_USAGE_H_
#define STEPWISE_ORCHESTRATOR_ENGINE_INTERNAL_CONTEXT_USAGE_H_

#include <unordered_set>

#include "orchestrator/asl/model.h"

namespace stepwise::engine::internal {

class ContextUsage {
 public:
  // Scans `machine` and every sub-machine.
  explicit ContextUsage(const asl::StateMachine& machine);

  bool Uses(const asl::State& state) const { return states_.contains(&state); }
  // The state reads `$name` somewhere, or (JSONPath) has an Assign.
  bool UsesVariables(const asl::State& state) const { return variable_states_.contains(&state); }

 private:
  void Scan(const asl::StateMachine& machine);
  std::unordered_set<const asl::State*> states_;
  std::unordered_set<const asl::State*> variable_states_;
};

}  // namespace stepwise::engine::internal

#endif  // STEPWISE_ORCHESTRATOR_ENGINE_INTERNAL_CONTEXT_USAGE_H_
