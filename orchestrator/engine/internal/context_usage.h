// Facts about each state, computed once per machine: which states read the
// context object (`$$`) and whether they may read `$$.Execution.Input`,
// which read or assign workflow variables, and how each Task's resource
// shapes its history events. Building $$ copies the execution input, and
// finding a frame's variable scope walks the frames, so the interpreter does
// either only for states that need it.
#ifndef STEPWISE_ORCHESTRATOR_ENGINE_INTERNAL_CONTEXT_USAGE_H_
#define STEPWISE_ORCHESTRATOR_ENGINE_INTERNAL_CONTEXT_USAGE_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "orchestrator/asl/model.h"

namespace stepwise::engine::internal {

// "lambda" / "invoke" style split of a Task resource for history events,
// and which family of events the resource gets (history.h): Activity* for
// an activity ARN, LambdaFunction* for a Lambda function ARN used as the
// Resource itself, Task* for everything else (service integrations).
struct ResourceParts {
  enum class Family { kTask, kActivity, kLambdaFunction };
  std::string type;
  std::string resource;
  Family family = Family::kTask;
  // TaskEventDetails(*this, kScheduled) as JSON text (history_text.h).
  std::string scheduled_details_text = {};
};
ResourceParts SplitResource(std::string_view resource);

class ContextUsage {
 public:
  // Scans `machine` and every sub-machine.
  explicit ContextUsage(const asl::StateMachine& machine);

  bool Uses(const asl::State& state) const { return states_.contains(&state); }
  // The state may read `$$.Execution.Input` (also through `$$`,
  // `$$.Execution`, a wildcard or a JSONata `$states.context`); the others
  // see the context object without it.
  bool UsesExecutionInput(const asl::State& state) const { return input_states_.contains(&state); }
  // The state reads `$name` somewhere, or (JSONPath) has an Assign.
  bool UsesVariables(const asl::State& state) const { return variable_states_.contains(&state); }

  // Parts of the context object built once per step: a state gets those it
  // may read (both when a path's first field is not a plain name).
  static constexpr unsigned kExecution = 1;
  static constexpr unsigned kStateMachine = 2;
  unsigned ContextSections(const asl::State& state) const {
    auto it = sections_.find(&state);
    return it == sections_.end() ? 0 : it->second;
  }
  // The state `state.next` names in its machine (null when it has no Next):
  // found by address, not by hashing the name.
  const asl::State* Next(const asl::State& state) const {
    auto it = next_.find(&state);
    return it == next_.end() ? nullptr : it->second;
  }
  // SplitResource of a Task state of the machine (any other state: a
  // precondition failure).
  const ResourceParts& Resource(const asl::State& state) const { return resources_.at(&state); }
  // A Pass state's Result: its crude size bound (payload_size.h), computed
  // once per machine; null for a state without a Result.
  std::optional<size_t> ResultBound(const asl::State& state) const {
    auto it = result_bounds_.find(&state);
    return it == result_bounds_.end() ? std::nullopt : std::optional<size_t>(it->second);
  }

 private:
  void Scan(const asl::StateMachine& machine);
  std::unordered_set<const asl::State*> states_;
  std::unordered_set<const asl::State*> input_states_;
  std::unordered_map<const asl::State*, unsigned> sections_;
  std::unordered_map<const asl::State*, ResourceParts> resources_;
  std::unordered_set<const asl::State*> variable_states_;
  std::unordered_map<const asl::State*, const asl::State*> next_;
  std::unordered_map<const asl::State*, size_t> result_bounds_;
};

}  // namespace stepwise::engine::internal

#endif  // STEPWISE_ORCHESTRATOR_ENGINE_INTERNAL_CONTEXT_USAGE_H_
