// Internal to the engine: one application of an event, split across
// step.cc (events, transitions, errors), state_actions.cc (what each state
// type does) and children.cc (Parallel branches and Map iterations).
#ifndef STEPWISE_ORCHESTRATOR_ENGINE_INTERNAL_STEP_H_
#define STEPWISE_ORCHESTRATOR_ENGINE_INTERNAL_STEP_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "boost/json/object.hpp"
#include "boost/json/value.hpp"
#include "orchestrator/asl/model.h"
#include "orchestrator/engine/effects.h"
#include "orchestrator/engine/entropy.h"
#include "orchestrator/engine/evaluation_context.h"
#include "orchestrator/engine/events.h"
#include "orchestrator/engine/execution_state.h"
#include "orchestrator/engine/history.h"
#include "orchestrator/engine/internal/context_usage.h"
#include "orchestrator/engine/interpreter.h"
#include "orchestrator/engine/state_error.h"

namespace stepwise::engine::internal {

// What one state did: wait for something, go on, end its machine, or fail.
struct StateOutcome {
  enum class Kind { kBlocked, kNext, kEnd, kFailed };
  Kind kind = Kind::kBlocked;
  std::string next;
  boost::json::value output;
  StateError error;

  static StateOutcome Blocked() { return {}; }
  static StateOutcome Next(std::string next, boost::json::value output) {
    return {Kind::kNext, std::move(next), std::move(output), {}};
  }
  static StateOutcome End(boost::json::value output) {
    return {Kind::kEnd, "", std::move(output), {}};
  }
  static StateOutcome Failed(StateError error) {
    return {Kind::kFailed, "", nullptr, std::move(error)};
  }
  // Next or End, as the state says.
  static StateOutcome Transition(const asl::State& state, boost::json::value output) {
    return state.end ? End(std::move(output)) : Next(*state.next, std::move(output));
  }
};

// What a whole frame (a path through one machine) did.
struct FrameOutcome {
  enum class Kind { kBlocked, kSucceeded, kFailed };
  Kind kind = Kind::kBlocked;
  boost::json::value output;
  StateError error;
};

class Step {
 public:
  Step(const asl::StateMachine& machine, const InterpreterOptions& options,
       const ContextUsage& context_usage, ExecutionState& state, const Event& event);

  void Run();
  std::vector<Effect> TakeEffects() { return std::move(effects_); }
  std::vector<HistoryEvent> TakeHistory() { return std::move(history_); }

  // --- step.cc ---
  // Emits a history event on `frame`'s path (or the execution's, for null).
  void Emit(Frame* frame, HistoryEventType type, boost::json::object details,
            asl::StateType state_type = asl::StateType::kPass);
  // Enters `name` of `machine` with `input` and performs its action.
  StateOutcome Enter(Frame& frame, const asl::StateMachine& machine, const std::string& name,
                     boost::json::value input);
  // Follows outcomes (transitions, retries, catches) until the frame blocks or ends.
  FrameOutcome Continue(Frame& frame, const asl::StateMachine& machine, StateOutcome outcome);
  // Retry, then Catch, for a failed state.
  StateOutcome HandleFailure(Frame& frame, const asl::State& state, const StateError& error);
  // Emits cancel effects for everything `frame` and its children wait on.
  void CancelPending(Frame& frame);
  std::string NewId(std::string_view prefix);
  const Event& event() const { return event_; }
  absl::Time now() const { return event_.now; }
  Entropy& entropy() { return entropy_; }
  const InterpreterOptions& options() const { return options_; }
  ExecutionState& state() { return state_; }
  void AddEffect(Effect effect) { effects_.push_back(std::move(effect)); }

  // The evaluation context for `state` run by `frame`; the context object
  // ($$) is built only for states that read it.
  struct Context {
    boost::json::value object;  // Null when the state does not read $$.
    Entropy* entropy = nullptr;
    bool has_object = false;
    // Points into `object`: use while this Context lives.
    EvaluationContext evaluation() const {
      return EvaluationContext{has_object ? &object : nullptr, entropy};
    }
  };
  Context MakeContext(const Frame& frame, const asl::State& state,
                      const boost::json::value* map_item = nullptr, int64_t map_index = 0,
                      std::string_view task_token = {});

  // --- state_actions.cc ---
  // Performs the action of the frame's current state (also on each retry).
  StateOutcome Execute(Frame& frame, const asl::State& state);
  // A task's result through ResultSelector, ResultPath and OutputPath
  // (also for Parallel and Map results).
  StateOutcome FinishWithResult(Frame& frame, const asl::State& state, boost::json::value result);
  // A Wait timer fired.
  StateOutcome FinishWait(Frame& frame, const asl::State& state);

  // --- children.cc ---
  StateOutcome StartParallel(Frame& frame, const asl::State& state, boost::json::value input);
  StateOutcome StartMap(Frame& frame, const asl::State& state, boost::json::value input);
  // A child of `frame` ended (succeeded or failed); `position` is its place in frame.children.
  StateOutcome OnChildFinished(Frame& frame, const asl::State& state, size_t position,
                               FrameOutcome outcome);
  // The machine a child of `frame` (at a Parallel or Map state) runs.
  static const asl::StateMachine& ChildMachine(const asl::State& state, const Frame& child);

 private:
  void Start(const StartExecution& start);
  void OnTaskStarted(const TaskStarted& started);
  void OnTaskSucceeded(const TaskSucceeded& succeeded);
  void OnTaskFailed(const TaskFailed& failed);
  void OnTimerFired(const TimerFired& fired);
  void OnStopRequested(const StopRequested& stop);
  // Continues the deepest frame of `path` with `outcome`, then every parent.
  void Resume(std::vector<Frame*> path, std::vector<const asl::StateMachine*> machines,
              StateOutcome outcome);
  void FinishExecution(const FrameOutcome& outcome);
  void EndExecution(ExecutionStatus status, HistoryEventType type, const StateError& error);
  // Finds the frame blocked on `id` (a task or timer id) and the path to it.
  bool FindBlocked(std::string_view id, std::vector<Frame*>& path,
                   std::vector<const asl::StateMachine*>& machines);

  const asl::StateMachine& machine_;
  const InterpreterOptions& options_;
  const ContextUsage& context_usage_;
  ExecutionState& state_;
  const Event& event_;
  SeededEntropy entropy_;
  std::vector<Effect> effects_;
  std::vector<HistoryEvent> history_;
};

// "lambda" / "invoke" style split of a Task resource for history events.
struct ResourceParts {
  std::string type;
  std::string resource;
};
ResourceParts SplitResource(std::string_view resource);

// Compact JSON text.
std::string Serialize(const boost::json::value& value);

}  // namespace stepwise::engine::internal

#endif  // STEPWISE_ORCHESTRATOR_ENGINE_INTERNAL_STEP_H_
