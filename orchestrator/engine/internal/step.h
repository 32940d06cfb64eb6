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
#include "orchestrator/engine/data_flow.h"
#include "orchestrator/engine/effects.h"
#include "orchestrator/engine/entropy.h"
#include "orchestrator/engine/evaluation_context.h"
#include "orchestrator/engine/events.h"
#include "orchestrator/engine/execution_state.h"
#include "orchestrator/engine/expression_cache.h"
#include "orchestrator/engine/history.h"
#include "orchestrator/engine/internal/context_usage.h"
#include "orchestrator/engine/interpreter.h"
#include "orchestrator/engine/jsonata_fields.h"
#include "orchestrator/engine/randomness.h"
#include "orchestrator/engine/state_error.h"
#include "orchestrator/engine/variables.h"

namespace stepwise::engine::internal {

// What one state did: wait for something, go on, end its machine, or fail.
struct StateOutcome {
  enum class Kind { kBlocked, kNext, kEnd, kFailed };
  Kind kind = Kind::kBlocked;
  std::string next;
  boost::json::value output;
  StateError error;
  // kNext/kEnd: the variables the state's (or Catcher's, or Choice rule's)
  // Assign evaluated to; written to the frame's scope when the state exits.
  std::optional<boost::json::object> assigned;

  static StateOutcome Blocked() { return {}; }
  static StateOutcome Next(std::string next, boost::json::value output) {
    return {Kind::kNext, std::move(next), std::move(output), {}, std::nullopt};
  }
  static StateOutcome End(boost::json::value output) {
    return {Kind::kEnd, "", std::move(output), {}, std::nullopt};
  }
  static StateOutcome Failed(StateError error) {
    return {Kind::kFailed, "", nullptr, std::move(error), std::nullopt};
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
  // kSucceeded with history: the JSON text of `output` (its last
  // StateExited's, shared), which ExecutionSucceeded shows again; else null.
  SharedJsonText output_text;
};

class Step {
 public:
  // `movable`: the same event when its payloads may be moved from (null:
  // copy them).
  Step(const asl::StateMachine& machine, const InterpreterOptions& options,
       const ContextUsage& context_usage, const ExpressionCache& expressions, ExecutionState& state,
       const Event& event, Event* movable = nullptr);

  void Run();
  std::vector<Effect> TakeEffects() { return std::move(effects_); }
  std::vector<HistoryEvent> TakeHistory() { return std::move(history_); }

  // --- step.cc ---
  // Emits a history event on `frame`'s path (or the execution's, for null).
  void Emit(Frame* frame, HistoryEventType type, boost::json::object details,
            asl::StateType state_type = asl::StateType::kPass);
  // The same with details already written (history_text.h); build them
  // only when options().record_history.
  void EmitText(Frame* frame, HistoryEventType type, HistoryDetails details,
                asl::StateType state_type = asl::StateType::kPass);
  // Enters `name` of `machine` with `input` and performs its action.
  StateOutcome Enter(Frame& frame, const asl::StateMachine& machine, const std::string& name,
                     boost::json::value input);
  // The same for a state already looked up.
  StateOutcome Enter(Frame& frame, const asl::State& state, boost::json::value input);
  // The bookkeeping half of Enter: `frame` is now at `state` with `input`
  // (fresh retry counters) and the StateEntered event is emitted. Unlike
  // Enter, keeps the frame's children (a redrive resumes them).
  void RecordEntered(Frame& frame, const asl::State& state, boost::json::value input);
  // Follows outcomes (transitions, retries, catches) until the frame blocks or ends.
  FrameOutcome Continue(Frame& frame, const asl::StateMachine& machine, StateOutcome outcome);
  // Retry, then Catch, for a failed state.
  StateOutcome HandleFailure(Frame& frame, const asl::State& state, const StateError& error);
  // Emits cancel effects for everything `frame` and its children wait on.
  // The children stay (blocker kNone) for a later redrive.
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
  // The evaluation context of one use. The context object lives in the Step
  // and is updated in place by the next MakeContext: use a Context at once.
  struct Context {
    const boost::json::value* object = nullptr;  // Null when the state does not read $$.
    Entropy* entropy = nullptr;
    const ExpressionCache* expressions = nullptr;
    VariableScope variables;  // Empty when the state uses no variables.
    EvaluationContext evaluation() const {
      return EvaluationContext{object, entropy, expressions, &variables};
    }
  };
  Context MakeContext(const Frame& frame, const asl::State& state,
                      const boost::json::value* map_item = nullptr, int64_t map_index = 0,
                      std::string_view task_token = {});

  // --- assign.cc ---
  // The variables `frame` sees: its own scope, then its parents' (up to a
  // Distributed Map, whose iterations see no outer scope).
  VariableScope ScopeOf(const Frame& frame);
  // Evaluates a JSONPath `assign` (state, Catcher or Choice rule) with `$`
  // as `input`; checks AWS's size limits (States.DataLimitExceeded) and
  // that no name of an enclosing scope is assigned (States.Runtime). Null
  // `assign` gives nullopt.
  Outcome<std::optional<boost::json::object>> EvaluateAssignment(
      const asl::State& state, const std::optional<boost::json::value>& assign,
      const boost::json::value& input, const Context& context);
  // A JSONata-mode `assign` evaluated by `fields`, with the same checks.
  Outcome<std::optional<boost::json::object>> EvaluateJsonataAssignment(
      const asl::State& state, const std::optional<boost::json::value>& assign,
      JsonataFields& fields, const VariableScope& scope);
  // AWS's size limits and the outer-scope rule for `values` assigned by `state`.
  Outcome<std::optional<boost::json::object>> CheckAssignment(const asl::State& state,
                                                              boost::json::object values,
                                                              const VariableScope& scope);
  // Writes `assigned` into `frame`'s scope and adds assignedVariables
  // (name -> JSON text) and assignedVariablesDetails to `exited_details`.
  void CommitAssignment(Frame& frame, boost::json::object assigned, HistoryDetails& exited_details);

  // --- state_actions.cc ---
  // Performs the action of the frame's current state (also on each retry).
  StateOutcome Execute(Frame& frame, const asl::State& state);
  // A task's result through ResultSelector, ResultPath and OutputPath
  // (also for Parallel and Map results).
  StateOutcome FinishWithResult(Frame& frame, const asl::State& state, boost::json::value result);
  // A Wait timer fired.
  StateOutcome FinishWait(Frame& frame, const asl::State& state);

  // --- jsonata_actions.cc (QueryLanguage JSONata) ---
  // A JSONata field evaluator: `$states.input` is `input`, `$states.context`
  // the context object of `context` (from MakeContext), `$name` its
  // variables. Use it at once, like the Context.
  JsonataFields MakeJsonata(const boost::json::value& input, const Context& context);
  StateOutcome ExecuteJsonata(Frame& frame, const asl::State& state);
  // Output and Assign with `$states.result` (Task, Parallel, Map).
  StateOutcome FinishJsonataResult(Frame& frame, const asl::State& state,
                                   boost::json::value result);
  StateOutcome FinishJsonataWait(Frame& frame, const asl::State& state);
  // A Catcher's Output and Assign with `$states.errorOutput`.
  StateOutcome CatchJsonata(Frame& frame, const asl::State& state, const asl::Catcher& catcher,
                            boost::json::value error_output);
  // Schedules the task of `state` with `payload` (both languages).
  StateOutcome ScheduleTaskFor(Frame& frame, const asl::State& state, boost::json::value payload,
                               int64_t timeout, int64_t heartbeat);

  // --- children.cc ---
  StateOutcome StartParallel(Frame& frame, const asl::State& state, boost::json::value input);
  // Starts the Parallel branches from frame.next_item on, each with `input`.
  StateOutcome StartBranches(Frame& frame, const asl::State& state, boost::json::value input);
  StateOutcome StartMap(Frame& frame, const asl::State& state, boost::json::value input);
  // A child of `frame` ended (succeeded or failed); `position` is its place in frame.children.
  StateOutcome OnChildFinished(Frame& frame, const asl::State& state, size_t position,
                               FrameOutcome outcome);
  // The machine a child of `frame` (at a Parallel or Map state) runs.
  static const asl::StateMachine& ChildMachine(const asl::State& state, const Frame& child);
  // (map_run.cc) A Distributed Map's ToleratedFailureCount/Percentage (literal, `...Path`
  // on `input`, or JSONata) into `frame`; the error when a value is invalid.
  std::optional<StateError> ResolveTolerance(Frame& frame, const asl::State& state,
                                             const boost::json::value& input);
  // Fails the Parallel/Map state of `frame` with `error`: cancels the
  // children (kept for a redrive), emits MapRunFailed (Map Run) and
  // Map/ParallelStateFailed.
  StateOutcome FailChildren(Frame& frame, const asl::State& state, StateError error);
  // --- map_run.cc ---
  // A new Map Run ARN for the Distributed Map `state`.
  std::string NewMapRunArn(const asl::State& state);
  // The result slot of a Map Run iteration that failed within the threshold.
  boost::json::object FailedIterationResult(const asl::State& state, const Frame& child,
                                            const StateError& error);

  // --- redrive.cc ---
  // Runs `frame` (stopped by a failure, a timeout or StopExecution) again
  // from its state that did not succeed, with the input that state had.
  FrameOutcome Redrive(Frame& frame, const asl::StateMachine& machine);

 private:
  void Start(const StartExecution& start);
  void OnTaskStarted(const TaskStarted& started);
  // Emits TaskStarted for the frame's task and marks it started.
  // `worker_name`: ActivityStarted's workerName (empty: left out).
  void EmitTaskStarted(Frame& frame, const ResourceParts& parts, std::string_view worker_name = {});
  void OnTaskSucceeded(const TaskSucceeded& succeeded);
  // The task's output: moved out of the event when it may be (movable_event_).
  boost::json::value TakeOutput(const TaskSucceeded& succeeded);
  void OnTaskFailed(const TaskFailed& failed);
  void OnTaskScheduleFailed(const TaskScheduleFailed& failed);
  void OnTimerFired(const TimerFired& fired);
  void OnStopRequested(const StopRequested& stop);
  void OnFailRequested(const FailRequested& fail);
  void OnRedriveRequested(const RedriveRequested& redrive);  // redrive.cc
  // A Parallel or Map frame's redrive: resumes the branches/iterations that
  // did not succeed and starts those that never started (redrive.cc).
  StateOutcome RedriveChildren(Frame& frame, const asl::State& state);
  // Continues the deepest frame of `path` with `outcome`, then every parent.
  void Resume(std::vector<Frame*> path, std::vector<const asl::StateMachine*> machines,
              StateOutcome outcome);
  void FinishExecution(FrameOutcome outcome);
  void EndExecution(ExecutionStatus status, HistoryEventType type, const StateError& error);
  // Finds the frame blocked on `id` (a task or timer id) and the path to it.
  bool FindBlocked(std::string_view id, std::vector<Frame*>& path,
                   std::vector<const asl::StateMachine*>& machines);

  const asl::StateMachine& machine_;
  const InterpreterOptions& options_;
  const ContextUsage& context_usage_;
  const ExpressionCache& expressions_;
  ExecutionState& state_;
  const Event& event_;
  Event* movable_event_;
  // Seeded on first use: most steps need no randomness, and the seed costs
  // a SHA-256.
  class LazyEntropy final : public Entropy {
   public:
    explicit LazyEntropy(std::string_view seed_material) : seed_material_(seed_material) {}
    uint64_t NextUint64() override {
      if (!entropy_) entropy_.emplace(DeriveSeed(seed_material_));
      return entropy_->NextUint64();
    }

   private:
    std::string_view seed_material_;
    std::optional<SeededEntropy> entropy_;
  };
  LazyEntropy entropy_;
  // $$ for the states that read it: Execution and StateMachine are built once
  // per Step (they copy the execution input), the rest is set per use.
  std::optional<boost::json::value> context_object_;
  // Whether context_object_ holds $$.Execution.Input (else null there).
  bool context_has_input_ = false;
  // The ContextUsage sections built into context_object_ (Execution,
  // StateMachine; the others are set per use).
  unsigned context_sections_ = 0;
  // With history: the JSON text of the output a transition hands to Enter
  // (shared with its StateExited event), which RecordEntered takes for the
  // StateEntered event instead of serializing the same value again; else null.
  SharedJsonText next_input_text_;
  // With history: the text of the input the last RecordEntered recorded,
  // and its frame. A Pass or Choice state passes that input on (unchanged,
  // or with one field added at its end: moved_input_), so Continue derives
  // the output's text from it instead of serializing the output again.
  SharedJsonText entered_text_;
  const Frame* entered_frame_ = nullptr;
  const asl::State* entered_state_ = nullptr;
  // The text of `output`, the outcome of `state` in `frame`, for its
  // history events.
  SharedJsonText OutputText(const Frame& frame, const asl::State& state,
                            const boost::json::value& output) const;
  // A state whose output is its frame's input moved, maybe changed in place
  // (a Pass or Choice passing its input on, a result put in by
  // ApplyResultPathInPlace in a Pass or FinishWithResult): the Continue that
  // takes the outcome right after either lets the next state's Enter replace
  // frame.input, or restores it (size check failed, or the frame ended: the state document
  // keeps each frame's last input).
  struct MovedInput {
    Frame* frame = nullptr;
    ResultPathUndo undo;
  };
  std::optional<MovedInput> moved_input_;
  // The output of `frame`'s last state, back to its input (see moved_input_).
  void RestoreMovedInput(Frame& frame, const boost::json::value& output);
  // Without history, the payload size check (Continue) walks every output
  // for its crude bound (payload_size.h). A Pass state whose output is its
  // input, maybe with a result put in at a path, knows a bound from its
  // input's without that walk: the bound of the output Continue checked
  // and hands to Enter (taken by the next Execute), and the bound Execute
  // derives for the outcome it returns (taken by Continue's check).
  std::optional<size_t> entering_input_bound_;
  std::optional<size_t> output_bound_;
  std::vector<Effect> effects_;
  std::vector<HistoryEvent> history_;
};

// The phases of a task that history records.
enum class TaskPhase { kScheduled, kScheduleFailed, kStarted, kSucceeded, kFailed, kTimedOut };
// The event type of `phase` for a resource of `family` (TaskScheduled,
// ActivityScheduled, LambdaFunctionScheduled, ...). A failure to schedule a
// Task* resource is TaskStartFailed (AWS has no TaskScheduleFailed).
HistoryEventType TaskEventType(ResourceParts::Family family, TaskPhase phase);
// The details every event of `phase` starts with: resourceType and resource
// for Task* events; resource for ActivityScheduled/LambdaFunctionScheduled;
// nothing for the others (AWS's shapes).
boost::json::object TaskEventDetails(const ResourceParts& parts, TaskPhase phase);
// TaskEventDetails as text members, for DetailsText::Members.
std::string_view TaskEventDetailsText(const ResourceParts& parts, TaskPhase phase);

// Compact JSON text.
std::string Serialize(const boost::json::value& value);
// The length of Serialize(value), counted only until it exceeds `stop_after`.
size_t SerializedSize(const boost::json::value& value, size_t stop_after);

}  // namespace stepwise::engine::internal

#endif  // STEPWISE_ORCHESTRATOR_ENGINE_INTERNAL_STEP_H_
