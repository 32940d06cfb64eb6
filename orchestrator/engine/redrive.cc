// RedriveExecution: running an ended execution again from the states that did
// not succeed (see redrive.h).
#include "orchestrator/engine/redrive.h"

#include <utility>

#include "common/str_cat.h"
#include "orchestrator/engine/internal/step.h"

namespace stepwise::engine {
namespace {

bool IsRedrivableStatus(ExecutionStatus status) {
  return status == ExecutionStatus::kFailed || status == ExecutionStatus::kTimedOut ||
         status == ExecutionStatus::kAborted;
}

}  // namespace

std::optional<absl::Time> FindRedrive(const ExecutionState& state, std::string_view client_token,
                                      absl::Time now) {
  if (client_token.empty()) return std::nullopt;
  for (const RedriveRecord& redrive : state.redrives) {
    if (redrive.client_token == client_token && now - redrive.date < kRedriveTokenLifetime) {
      return redrive.date;
    }
  }
  return std::nullopt;
}

std::optional<std::string> NotRedrivableReason(const RedriveFacts& facts, absl::Time now,
                                               const RedriveLimits& limits) {
  if (facts.status == ExecutionStatus::kRunning || facts.status == ExecutionStatus::kSucceeded) {
    return StrCat("Execution is ", ExecutionStatusName(facts.status), " and cannot be redriven.");
  }
  if (facts.state_machine_deleted) return std::string("State machine is in DELETING status.");
  if (facts.express) return std::string("Executions of EXPRESS state machines cannot be redriven.");
  if (now - facts.start_time >= limits.max_execution_time) {
    return std::string("Execution has exceeded the max execution time.");
  }
  if (facts.stop_time && now - *facts.stop_time >= limits.redrivable_period) {
    return std::string("Execution redrivable period exceeded.");
  }
  // ExecutionRedriven and at least one more event must fit.
  if (facts.history_events + 2 > limits.max_history_events) {
    return std::string("Execution history event limit exceeded.");
  }
  if (facts.redrive_count >= limits.max_redrives) {
    return StrCat("Execution has been redriven the maximum of ", limits.max_redrives, " times.");
  }
  return std::nullopt;
}

namespace internal {
namespace {

namespace json = ::boost::json;

// Whether `frame`, stopped at a Parallel or Map `state`, still has the record
// of its branches/iterations (Frame). It has none when the state failed
// before starting them (e.g. its Parameters) or after all of them succeeded
// (e.g. its ResultSelector): the whole state then runs again.
bool KeptChildren(const Frame& frame, const asl::State& state) {
  if (const auto* parallel = std::get_if<asl::ParallelFields>(&state.fields)) {
    return frame.results.size() == parallel->branches.size();
  }
  if (state.type == asl::StateType::kMap) {
    return !frame.items.empty() && frame.results.size() == frame.items.size();
  }
  return false;
}

}  // namespace

void Step::OnRedriveRequested(const RedriveRequested& redrive) {
  if (!IsRedrivableStatus(state_.status) || state_.next_event_id == 1) return;
  ++state_.redrive_count;
  state_.redrive_time = event_.now;
  if (!redrive.client_token.empty()) {
    state_.redrives.push_back(RedriveRecord{redrive.client_token, event_.now});
    if (state_.redrives.size() > kMaxRedriveRecords) state_.redrives.erase(state_.redrives.begin());
  }
  state_.status = ExecutionStatus::kRunning;
  state_.stop_time = absl::Time();
  state_.output = nullptr;
  state_.error.clear();
  state_.cause.clear();
  context_object_.reset();  // $$.Execution.RedriveCount changed.
  context_sections_ = 0;
  context_has_input_ = false;
  Emit(nullptr, HistoryEventType::kExecutionRedriven,
       json::object{{"redriveCount", state_.redrive_count}});
  if (machine_.timeout_seconds) {
    state_.execution_timer_id = NewId("execution-timeout");
    AddEffect(StartTimer{state_.execution_timer_id,
                         event_.now + absl::Seconds(*machine_.timeout_seconds)});
  }
  FinishExecution(Redrive(state_.root, machine_));
}

FrameOutcome Step::Redrive(Frame& frame, const asl::StateMachine& machine) {
  if (frame.state.empty()) {
    // The execution ended before its first state (its input was too large).
    return Continue(frame, machine, Enter(frame, machine, machine.start_at, state_.input.get()));
  }
  const asl::State& state = *machine.Find(frame.state);
  StateOutcome outcome;
  if (KeptChildren(frame, state)) {
    RecordEntered(frame, state, std::move(frame.input));
    outcome = RedriveChildren(frame, state);
  } else {
    // The same input the state had; Enter starts its retry counters afresh.
    outcome = Enter(frame, machine, frame.state, std::move(frame.input));
  }
  return Continue(frame, machine, std::move(outcome));
}

StateOutcome Step::RedriveChildren(Frame& frame, const asl::State& state) {
  const bool is_map = state.type == asl::StateType::kMap;
  // Every branch/iteration below next_item succeeded or is a stopped child.
  frame.finished = frame.next_item - static_cast<int64_t>(frame.children.size());
  frame.blocker = Blocker::kChildren;
  if (is_map) {
    Emit(&frame, HistoryEventType::kMapStateStarted,
         json::object{{"length", static_cast<int64_t>(frame.items.size())}});
    if (!frame.map_run_arn.empty()) {
      // The Map Run reruns its failed and unfinished iterations (AWS's Map
      // Run redrive); the failure count starts over.
      frame.failed = 0;
      for (Frame& child : frame.children) child.iteration_failed = false;
      Emit(&frame, HistoryEventType::kMapRunRedriven,
           json::object{{"mapRunArn", frame.map_run_arn}, {"redriveCount", state_.redrive_count}});
    }
  } else {
    Emit(&frame, HistoryEventType::kParallelStateStarted, {});
  }
  // The stopped children come first in `children`, in index order. One that
  // finishes at once leaves the vector (new Map iterations are appended at
  // its end), so the next stopped child is then at the same position.
  const size_t stopped = frame.children.size();
  size_t position = 0;
  for (size_t n = 0; n < stopped; ++n) {
    const int64_t index = frame.children[position].index;
    if (is_map && frame.map_run_arn.empty()) {
      Emit(&frame, HistoryEventType::kMapIterationStarted,
           json::object{{"name", state.name}, {"index", index}});
    }
    Frame& child = frame.children[position];
    child.last_event_id = frame.last_event_id;
    FrameOutcome outcome = Redrive(child, ChildMachine(state, child));
    if (outcome.kind == FrameOutcome::Kind::kBlocked) {
      ++position;
      continue;
    }
    StateOutcome result = OnChildFinished(frame, state, position, std::move(outcome));
    if (result.kind != StateOutcome::Kind::kBlocked) return result;
    // A Map Run iteration that failed within the threshold stays in place.
    if (position < frame.children.size() && frame.children[position].index == index) ++position;
  }
  if (!is_map) {
    json::value input = std::move(frame.effective_input);
    frame.effective_input = nullptr;
    StateOutcome started = StartBranches(frame, state, std::move(input));
    if (started.kind != StateOutcome::Kind::kBlocked) return started;
  }
  // Starts the Map iterations there is room for, and finishes the state if
  // nothing is left to run.
  return OnChildFinished(frame, state, SIZE_MAX, {});
}

}  // namespace internal
}  // namespace stepwise::engine
