// The interpreter: (execution state, event) -> (new state, effects, history).
//
//   Interpreter interpreter(machine);
//   StepResult r = interpreter.Apply(std::move(state), event);
//   commit(r.state, r.history, r.effects);   // one transaction (outbox)
//
// Pure and deterministic: time, randomness and ids come from the Event and
// the state; nothing is read from the environment. One Apply advances every
// active path until each is blocked on something external (a task, a timer)
// or the execution ends, so deterministic states never need a commit of
// their own. Events that no longer apply (a completion for an unknown or
// cancelled task, a timer that was cancelled, anything but RedriveRequested
// after the execution ended) change nothing and produce nothing: delivery may
// be at-least-once.
// Thread-compatible: Apply is const and may run concurrently for different
// executions.
#ifndef STEPWISE_ORCHESTRATOR_ENGINE_INTERPRETER_H_
#define STEPWISE_ORCHESTRATOR_ENGINE_INTERPRETER_H_

#include <cstddef>
#include <memory>
#include <vector>

#include "orchestrator/asl/model.h"
#include "orchestrator/engine/effects.h"
#include "orchestrator/engine/events.h"
#include "orchestrator/engine/execution_state.h"
#include "orchestrator/engine/history.h"

namespace stepwise::engine {
class ExpressionCache;
namespace internal {
class ContextUsage;
}  // namespace internal

struct InterpreterOptions {
  // AWS's payload limit: larger inputs, outputs and results fail with
  // States.DataLimitExceeded.
  size_t max_payload_bytes = 256 * 1024;
  // When false, Apply returns no history events (local runs that do not
  // show history save the memory).
  bool record_history = true;
};

struct StepResult {
  ExecutionState state;
  std::vector<Effect> effects;
  std::vector<HistoryEvent> history;
};

// What ApplyInPlace produces besides the changed state.
struct StepOutput {
  std::vector<Effect> effects;
  std::vector<HistoryEvent> history;
};

class Interpreter {
 public:
  explicit Interpreter(std::shared_ptr<const asl::StateMachine> machine,
                       InterpreterOptions options = {});

  StepResult Apply(ExecutionState state, const Event& event) const;
  // The same, but the event's payloads (StartExecution's info and input, a
  // TaskSucceeded's output) may be moved into the state instead of copied.
  StepResult Apply(ExecutionState state, Event&& event) const;
  // Apply(state, Event&&) changing `state` where it is: no move of the
  // state in and out (an ExecutionState with its frames is costly to move,
  // and RunLocally applies many events per execution). `state` ends exactly
  // as Apply's StepResult::state would.
  StepOutput ApplyInPlace(ExecutionState& state, Event&& event) const;

  const asl::StateMachine& machine() const { return *machine_; }
  const InterpreterOptions& options() const { return options_; }

 private:
  std::shared_ptr<const asl::StateMachine> machine_;
  InterpreterOptions options_;
  std::shared_ptr<const internal::ContextUsage> context_usage_;
  std::shared_ptr<const ExpressionCache> expressions_;
};

}  // namespace stepwise::engine

#endif  // STEPWISE_ORCHESTRATOR_ENGINE_INTERPRETER_H_
