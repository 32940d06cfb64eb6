// Which states read the context object (`$$`). Building $$ copies the
// execution input, so the interpreter builds it only for states that use it;
// the answer is computed once per state machine.
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

 private:
  void Scan(const asl::StateMachine& machine);
  std::unordered_set<const asl::State*> states_;
};

}  // namespace stepwise::engine::internal

#endif  // STEPWISE_ORCHESTRATOR_ENGINE_INTERNAL_CONTEXT_USAGE_H_
