// Applying one event: dispatch, transitions, Retry/Catch, execution end.
#include "orchestrator/engine/internal/step.h"

#include <algorithm>
#include <cmath>

#include "boost/json/serialize.hpp"
#include "boost/json/serializer.hpp"
#include "common/str_cat.h"
#include "orchestrator/engine/data_flow.h"
#include "orchestrator/engine/history.h"
#include "orchestrator/engine/internal/history_text.h"
#include "orchestrator/engine/internal/payload_size.h"
#include "orchestrator/engine/randomness.h"

namespace stepwise::engine::internal {
namespace {

namespace json = ::boost::json;

// AWS: States.ALL matches every error but these two, which always end the
// execution; States.TaskFailed matches every error but States.Timeout.
bool ErrorMatches(const std::vector<std::string>& error_equals, const std::string& error) {
  for (const std::string& name : error_equals) {
    if (name == error) return true;
    if (name == errors::kAll && error != errors::kRuntime && error != errors::kDataLimitExceeded) {
      return true;
    }
    if (name == errors::kTaskFailed && error != errors::kTimeout && error != errors::kRuntime &&
        error != errors::kDataLimitExceeded) {
      return true;
    }
  }
  return false;
}

// Forgets the branches/iterations a Parallel or Map state kept (see Frame).
void ResetChildren(Frame& frame) {
  frame.children.clear();
  frame.results.clear();
  frame.items.clear();
  frame.next_item = 0;
  frame.finished = 0;
  frame.effective_input = nullptr;
  frame.map_run_arn.clear();
  frame.failed = 0;
}

// The field a JSONata failure names ("... specified for the field 'Output'
// ...", "The field 'Items' must ..."): AWS's EvaluationFailed location. The
// most specific wording first, so a quoted expression rarely misleads it.
std::string FieldOf(std::string_view cause) {
  for (std::string_view marker : {"' specified for the field '", "of the field '", "field '"}) {
    const size_t start = cause.find(marker);
    if (start == std::string_view::npos) continue;
    const size_t begin = start + marker.size();
    const size_t end = cause.find('\'', begin);
    if (end != std::string_view::npos) return std::string(cause.substr(begin, end - begin));
  }
  return "";
}

}  // namespace

std::string Serialize(const json::value& value) { return json::serialize(value); }

size_t SerializedSize(const json::value& value, size_t stop_after) {
  json::serializer serializer;
  serializer.reset(&value);
  char buffer[4096];
  size_t size = 0;
  while (!serializer.done() && size <= stop_after) {
    size += serializer.read(buffer, sizeof(buffer)).size();
  }
  return size;
}

Step::Step(const asl::StateMachine& machine, const InterpreterOptions& options,
           const ContextUsage& context_usage, const ExpressionCache& expressions,
           ExecutionState& state, const Event& event, Event* movable)
    : machine_(machine),
      options_(options),
      context_usage_(context_usage),
      expressions_(expressions),
      state_(state),
      event_(event),
      movable_event_(movable),
      entropy_(event.entropy) {
  // A step records a handful of events at least (a Map's items grow it).
  if (options_.record_history) history_.reserve(16);
}

void Step::Run() {
  std::visit(
      [this](const auto& body) {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, StartExecution>) {
          Start(body);
        } else if constexpr (std::is_same_v<T, RedriveRequested>) {
          OnRedriveRequested(body);  // Applies only to an ended execution.
        } else if (state_.status != ExecutionStatus::kRunning || state_.next_event_id == 1) {
          return;  // Not started, or already ended: nothing applies any more.
        } else if constexpr (std::is_same_v<T, TaskStarted>) {
          OnTaskStarted(body);
        } else if constexpr (std::is_same_v<T, TaskSucceeded>) {
          OnTaskSucceeded(body);
        } else if constexpr (std::is_same_v<T, TaskFailed>) {
          OnTaskFailed(body);
        } else if constexpr (std::is_same_v<T, TaskScheduleFailed>) {
          OnTaskScheduleFailed(body);
        } else if constexpr (std::is_same_v<T, TimerFired>) {
          OnTimerFired(body);
        } else if constexpr (std::is_same_v<T, StopRequested>) {
          OnStopRequested(body);
        } else if constexpr (std::is_same_v<T, FailRequested>) {
          OnFailRequested(body);
        }
      },
      event_.body);
}

void Step::Emit(Frame* frame, HistoryEventType type, json::object details,
                asl::StateType state_type) {
  // Serialized only when recorded (not for a Map Run's children, see EmitText).
  const bool recorded = options_.record_history && (frame == nullptr || !frame->in_map_run);
  EmitText(frame, type, recorded ? HistoryDetails(details) : HistoryDetails(), state_type);
}

void Step::EmitText(Frame* frame, HistoryEventType type, HistoryDetails details,
                    asl::StateType state_type) {
  // A Distributed Map's child executions keep their own histories (AWS);
  // the parent's shows only the Map Run's events.
  if (frame != nullptr && frame->in_map_run) return;
  int64_t id = state_.next_event_id++;
  // Execution-level events continue the top-level path.
  int64_t& last = (frame != nullptr ? frame : &state_.root)->last_event_id;
  if (options_.record_history) {
    HistoryEvent event;
    event.id = id;
    event.previous_event_id = last;
    event.timestamp = event_.now;
    event.type = type;
    event.state_type = state_type;
    event.details = std::move(details);
    history_.push_back(std::move(event));
  }
  last = id;
}

std::string Step::NewId(std::string_view prefix) { return StrCat(prefix, "-", state_.next_id++); }

Step::Context Step::MakeContext(const Frame& frame, const asl::State& state,
                                const json::value* map_item, int64_t map_index,
                                std::string_view task_token) {
  Context context;
  context.entropy = &entropy_;
  context.expressions = &expressions_;
  if (context_usage_.UsesVariables(state)) context.variables = ScopeOf(frame);
  if (!context_usage_.Uses(state)) return context;
  // Execution and StateMachine are built once per Step, and only when a
  // state may read them; a state needing one that is missing rebuilds the
  // object with both sets first (the usual order) and keeps the per-use
  // parts after them as they were. $$.Execution.Input is a copy of the
  // execution input: made only for a state that may read it (the key is
  // always there, so the order does not depend on which state built it).
  const bool needs_input = context_usage_.UsesExecutionInput(state);
  unsigned sections = context_usage_.ContextSections(state);
  if (needs_input) sections |= ContextUsage::kExecution;
  if (!context_object_ || (sections & ~context_sections_) != 0) {
    sections |= context_sections_;
    json::object object;
    if (sections & ContextUsage::kExecution) {
      json::object execution;
      execution["Id"] = state_.info.execution_arn;
      context_has_input_ = needs_input || context_has_input_;
      execution["Input"] = context_has_input_ ? state_.input.get() : json::value();
      execution["Name"] = state_.info.name;
      execution["RoleArn"] = state_.info.role_arn;
      execution["StartTime"] = FormatTimestamp(state_.start_time);
      execution["RedriveCount"] = state_.redrive_count;
      if (state_.redrive_count > 0) {
        execution["RedriveTime"] = FormatTimestamp(state_.redrive_time);
      }
      object["Execution"] = std::move(execution);
    }
    if (sections & ContextUsage::kStateMachine) {
      object["StateMachine"] = json::object{{"Id", state_.info.state_machine_arn},
                                            {"Name", state_.info.state_machine_name}};
    }
    if (context_object_) {
      for (json::key_value_pair& entry : context_object_->get_object()) {
        if (entry.key() != "Execution" && entry.key() != "StateMachine") {
          object.emplace(entry.key(), std::move(entry.value()));
        }
      }
    }
    context_sections_ = sections;
    context_object_.emplace(std::move(object));
  } else if (needs_input && !context_has_input_) {
    context_object_->get_object()["Execution"].get_object()["Input"] = state_.input.get();
    context_has_input_ = true;
  }
  json::object& object = context_object_->get_object();
  object["State"] = json::object{{"EnteredTime", FormatTimestamp(frame.entered_at)},
                                 {"Name", state.name},
                                 {"RetryCount", frame.retry_count}};
  if (task_token.empty()) {
    object.erase("Task");
  } else {
    object["Task"] = json::object{{"Token", task_token}};
  }
  if (map_item == nullptr) {
    object.erase("Map");
  } else {
    object["Map"] =
        json::object{{"Item", json::object{{"Index", map_index}, {"Value", *map_item}}}};
  }
  context.object = &*context_object_;
  return context;
}

void Step::Start(const StartExecution& start) {
  if (state_.next_event_id != 1) return;  // Already started: a duplicate start.
  // The event's info and input move into the state when the caller let go
  // of the event (Apply(state, Event&&)); `start` is not read after this.
  StartExecution* own =
      movable_event_ != nullptr ? std::get_if<StartExecution>(&movable_event_->body) : nullptr;
  if (own != nullptr) {
    state_.info = std::move(own->info);
    state_.input = std::move(own->input);
  } else {
    state_.info = start.info;
    state_.input = start.input;
  }
  state_.start_time = event_.now;
  state_.status = ExecutionStatus::kRunning;
  // The input's text only for history; otherwise a size check that formats nothing.
  const bool history = options_.record_history;
  SharedJsonText input = history ? SharedPayloadText(state_.input.get()) : SharedJsonText();
  const size_t input_size = input.size();
  HistoryDetails details;
  if (history) {
    details = DetailsText()
                  .Payload("input", input)
                  .Raw("inputDetails", kNotTruncated)
                  .String("roleArn", state_.info.role_arn)
                  .Finish();
  }
  EmitText(&state_.root, HistoryEventType::kExecutionStarted, std::move(details));
  if (history ? input_size > options_.max_payload_bytes
              : !FitsIn(state_.input.get(), options_.max_payload_bytes, entering_input_bound_)) {
    const size_t size = history ? input_size : SerializedSize(state_.input.get(), SIZE_MAX);
    EndExecution(ExecutionStatus::kFailed, HistoryEventType::kExecutionFailed,
                 {std::string(errors::kDataLimitExceeded),
                  StrCat("The execution input of ", size, " bytes exceeds the limit of ",
                         options_.max_payload_bytes, " bytes")});
    return;
  }
  if (machine_.timeout_seconds) {
    state_.execution_timer_id = NewId("execution-timeout");
    AddEffect(StartTimer{state_.execution_timer_id,
                         event_.now + absl::Seconds(*machine_.timeout_seconds)});
  }
  // The first state's StateEntered shows the same text.
  if (history) next_input_text_ = std::move(input);
  // The first state's own copy (states change their input in place).
  StateOutcome outcome = Enter(state_.root, machine_, machine_.start_at, state_.input.get());
  FinishExecution(Continue(state_.root, machine_, std::move(outcome)));
}

StateOutcome Step::Enter(Frame& frame, const asl::StateMachine& machine, const std::string& name,
                         json::value input) {
  return Enter(frame, *machine.Find(name), std::move(input));
}

StateOutcome Step::Enter(Frame& frame, const asl::State& state, json::value input) {
  ResetChildren(frame);  // What a previous Parallel/Map state kept for a redrive.
  RecordEntered(frame, state, std::move(input));
  return Execute(frame, state);
}

void Step::RecordEntered(Frame& frame, const asl::State& state, json::value input) {
  frame.state = state.name;
  frame.entered_at = event_.now;
  frame.retry_counts.assign(state.retry.size(), 0);
  frame.retry_count = 0;
  frame.blocker = Blocker::kNone;
  // The input's text is only needed for the history event. After a
  // transition it is the previous state's output, already serialized.
  HistoryDetails details;
  entered_text_ = SharedJsonText();
  entered_frame_ = nullptr;
  entered_state_ = nullptr;
  if (options_.record_history && !frame.in_map_run) {
    entered_text_ = next_input_text_ ? std::move(next_input_text_) : SharedPayloadText(input);
    entered_frame_ = &frame;
    entered_state_ = &state;
    details = NameAndPayload(state.name, "input", entered_text_);
  }
  next_input_text_ = SharedJsonText();
  frame.input = std::move(input);
  EmitText(&frame, HistoryEventType::kStateEntered, std::move(details), state.type);
  frame.entered_event_id = frame.last_event_id;
}

FrameOutcome Step::Continue(Frame& frame, const asl::StateMachine& machine, StateOutcome outcome) {
  // The frame's state, looked up by name once; a transition enters the next
  // state by pointer.
  const asl::State* current = machine.Find(frame.state);
  while (true) {
    const asl::State& state = *current;
    switch (outcome.kind) {
      case StateOutcome::Kind::kBlocked:
        return {FrameOutcome::Kind::kBlocked, nullptr, {}, {}};
      case StateOutcome::Kind::kFailed: {
        // AWS names the state in the cause of the errors it raises itself:
        // "An error occurred while executing the state 'X' (entered at the
        // event id #7). The JSONPath '$.a' specified for the field ...".
        constexpr std::string_view kPrefix = "An error occurred while executing the state '";
        // So does States.QueryEvaluationError (JSONata fields).
        const bool own_error = outcome.error.error == errors::kRuntime ||
                               outcome.error.error == errors::kQueryEvaluationError;
        if (own_error && state.type != asl::StateType::kFail &&
            !outcome.error.cause.starts_with(kPrefix)) {
          outcome.error.cause = StrCat(kPrefix, state.name, "' (entered at the event id #",
                                       frame.entered_event_id, "). ", outcome.error.cause);
          // AWS records where a JSONata expression failed before the state
          // fails (or retries/catches). Only here, where the state raised the
          // error itself: a branch's failure was recorded in the branch.
          if (outcome.error.error == errors::kQueryEvaluationError) {
            Emit(&frame, HistoryEventType::kEvaluationFailed,
                 json::object{{"error", outcome.error.error},
                              {"cause", outcome.error.cause},
                              {"location", FieldOf(outcome.error.cause)},
                              {"state", state.name}});
          }
        }
        outcome = HandleFailure(frame, state, outcome.error);
        if (outcome.kind == StateOutcome::Kind::kFailed) {
          frame.blocker = Blocker::kNone;
          return {FrameOutcome::Kind::kFailed, nullptr, outcome.error, {}};
        }
        continue;
      }
      case StateOutcome::Kind::kNext:
      case StateOutcome::Kind::kEnd: {
        // The text is needed for the history event; without history only
        // the size is, and counting stops at the limit (or is skipped when
        // the state knew a bound under it: output_bound_).
        std::optional<size_t> bound = std::exchange(output_bound_, std::nullopt);
        SharedJsonText serialized;
        size_t size = 0;
        if (options_.record_history) {
          serialized = OutputText(frame, state, outcome.output);
          size = serialized.size();
        } else if (bound && *bound <= options_.max_payload_bytes) {
          // Fits, by the bound the state derived from its input's.
        } else if (!FitsIn(outcome.output, options_.max_payload_bytes, bound)) {
          // Over the limit (rare): the exact size, for the cause.
          size = SerializedSize(outcome.output, SIZE_MAX);
        }
        if (size > options_.max_payload_bytes) {
          RestoreMovedInput(frame, outcome.output);
          outcome = StateOutcome::Failed(
              {std::string(errors::kDataLimitExceeded),
               StrCat("The state/task '", state.name, "' returned a result with a size of ", size,
                      " bytes that exceeds the maximum size of ", options_.max_payload_bytes,
                      " bytes")});
          continue;
        }
        frame.blocker = Blocker::kNone;
        HistoryDetails exited;
        if (options_.record_history) exited = NameAndPayload(state.name, "output", serialized);
        // Variables change only now, as the state exits (assign.cc).
        if (outcome.assigned) CommitAssignment(frame, std::move(*outcome.assigned), exited);
        EmitText(&frame, HistoryEventType::kStateExited, std::move(exited), state.type);
        if (outcome.kind == StateOutcome::Kind::kEnd) {
          RestoreMovedInput(frame, outcome.output);
          FrameOutcome succeeded{FrameOutcome::Kind::kSucceeded, std::move(outcome.output), {}, {}};
          if (options_.record_history) succeeded.output_text = std::move(serialized);
          return succeeded;
        }
        // The next state's StateEntered shows this output as its input.
        if (options_.record_history) next_input_text_ = std::move(serialized);
        moved_input_.reset();  // Enter replaces frame.input.
        // Usually the state's own Next (not a Choice rule's or Catcher's).
        const asl::State* next =
            state.next && outcome.next == *state.next ? context_usage_.Next(state) : nullptr;
        current = next != nullptr ? next : machine.Find(outcome.next);
        entering_input_bound_ = bound;  // For the next state's Execute.
        outcome = Enter(frame, *current, std::move(outcome.output));
        continue;
      }
    }
  }
}

SharedJsonText Step::OutputText(const Frame& frame, const asl::State& state,
                                const json::value& output) const {
  // The state's input, moved on as its output, is the value RecordEntered
  // serialized for this frame and state (nothing was entered since):
  // unchanged, or with the result appended as a new last member at a
  // one-field ResultPath.
  if (moved_input_ && moved_input_->frame == &frame && entered_frame_ == &frame &&
      entered_state_ == &state && entered_text_) {
    const ResultPathUndo& undo = moved_input_->undo;
    if (undo.path == nullptr) return entered_text_;
    const json::object* object = output.if_object();
    if (undo.created_at == 0 && undo.path->segments.size() == 1 && object != nullptr &&
        !object->empty()) {
      const json::key_value_pair& added = *(object->end() - 1);
      SharedJsonText text = AppendedMemberText(
          entered_text_.view(), std::string_view(added.key().data(), added.key().size()),
          added.value());
      if (text) return text;
    }
  }
  return SharedPayloadText(output);
}

void Step::RestoreMovedInput(Frame& frame, const json::value& output) {
  if (!moved_input_) return;
  if (moved_input_->frame == &frame) {
    frame.input = output;
    UndoResultPath(moved_input_->undo, frame.input);
  }
  moved_input_.reset();
}

StateOutcome Step::HandleFailure(Frame& frame, const asl::State& state, const StateError& error) {
  bool handles_errors = state.type == asl::StateType::kTask ||
                        state.type == asl::StateType::kParallel ||
                        state.type == asl::StateType::kMap;
  // AWS: States.Runtime "isn't retriable, and will always cause the
  // execution to fail", whatever Retry and Catch name.
  if (!handles_errors || error.error == errors::kRuntime) return StateOutcome::Failed(error);
  for (size_t i = 0; i < state.retry.size(); ++i) {
    const asl::Retrier& retrier = state.retry[i];
    if (!ErrorMatches(retrier.error_equals, error.error)) continue;
    // The first matching retrier decides; when it is exhausted, Catch applies.
    int64_t attempt = frame.retry_counts[i];
    if (attempt >= retrier.max_attempts) break;
    double delay = static_cast<double>(retrier.interval_seconds) *
                   std::pow(retrier.backoff_rate, static_cast<double>(attempt));
    if (retrier.max_delay_seconds) delay = std::min(delay, double(*retrier.max_delay_seconds));
    if (retrier.jitter_strategy == asl::JitterStrategy::kFull) {
      // FULL jitter: uniformly random in [0, delay].
      delay *= static_cast<double>(entropy_.NextUint64() >> 11) * 0x1.0p-53;
    }
    ++frame.retry_counts[i];
    ++frame.retry_count;
    frame.blocker = Blocker::kRetryTimer;
    frame.timer_id = NewId("retry");
    AddEffect(StartTimer{frame.timer_id, event_.now + absl::Seconds(delay)});
    return StateOutcome::Blocked();
  }
  for (const asl::Catcher& catcher : state.catch_) {
    if (!ErrorMatches(catcher.error_equals, error.error)) continue;
    json::value error_output = json::object{{"Error", error.error}, {"Cause", error.cause}};
    if (state.query_language == asl::QueryLanguage::kJsonata) {
      return CatchJsonata(frame, state, catcher, std::move(error_output));
    }
    // A Catcher's Assign reads the error output as `$`.
    Outcome<std::optional<json::object>> assigned = std::optional<json::object>();
    if (catcher.assign) {
      assigned = EvaluateAssignment(state, catcher.assign, error_output, MakeContext(frame, state));
    }
    if (!assigned.ok()) return StateOutcome::Failed(assigned.error());
    Outcome<json::value> output = ApplyResultPath(catcher.result_path, frame.input, error_output);
    if (!output.ok()) return StateOutcome::Failed(output.error());
    StateOutcome next = StateOutcome::Next(catcher.next, std::move(output).value());
    next.assigned = std::move(assigned).value();
    return next;
  }
  return StateOutcome::Failed(error);
}

void Step::CancelPending(Frame& frame) {
  switch (frame.blocker) {
    case Blocker::kTask:
      AddEffect(CancelTask{frame.task_id});
      break;
    case Blocker::kWaitTimer:
    case Blocker::kRetryTimer:
      AddEffect(CancelTimer{frame.timer_id});
      break;
    case Blocker::kChildren:
      // The children stay, stopped where they were: a redrive resumes them.
      for (Frame& child : frame.children) CancelPending(child);
      if (!frame.map_run_arn.empty()) Emit(&frame, HistoryEventType::kMapRunAborted, {});
      break;
    case Blocker::kNone:
      break;
  }
  frame.blocker = Blocker::kNone;
}

bool Step::FindBlocked(std::string_view id, std::vector<Frame*>& path,
                       std::vector<const asl::StateMachine*>& machines) {
  Frame& frame = *path.back();
  const asl::StateMachine& machine = *machines.back();
  switch (frame.blocker) {
    case Blocker::kTask:
      return frame.task_id == id;
    case Blocker::kWaitTimer:
    case Blocker::kRetryTimer:
      return frame.timer_id == id;
    case Blocker::kChildren: {
      const asl::State& state = *machine.Find(frame.state);
      for (Frame& child : frame.children) {
        path.push_back(&child);
        machines.push_back(&ChildMachine(state, child));
        if (FindBlocked(id, path, machines)) return true;
        path.pop_back();
        machines.pop_back();
      }
      return false;
    }
    case Blocker::kNone:
      return false;
  }
  return false;
}

void Step::Resume(std::vector<Frame*> path, std::vector<const asl::StateMachine*> machines,
                  StateOutcome outcome) {
  FrameOutcome result = Continue(*path.back(), *machines.back(), std::move(outcome));
  for (size_t i = path.size() - 1; i > 0; --i) {
    if (result.kind == FrameOutcome::Kind::kBlocked) return;
    Frame& parent = *path[i - 1];
    const asl::State& parent_state = *machines[i - 1]->Find(parent.state);
    size_t position = static_cast<size_t>(path[i] - parent.children.data());
    StateOutcome parent_outcome =
        OnChildFinished(parent, parent_state, position, std::move(result));
    result = Continue(parent, *machines[i - 1], std::move(parent_outcome));
  }
  FinishExecution(std::move(result));
}

void Step::OnTaskStarted(const TaskStarted& started) {
  std::vector<Frame*> path{&state_.root};
  std::vector<const asl::StateMachine*> machines{&machine_};
  // A task no longer open (completed, failed, cancelled, timed out, or its
  // execution ended) ignores a late TaskStarted: a worker's completion
  // emitted it first if it was missing.
  if (!FindBlocked(started.task_id, path, machines) || path.back()->blocker != Blocker::kTask) {
    return;
  }
  Frame& frame = *path.back();
  const asl::State& state = *machines.back()->Find(frame.state);
  EmitTaskStarted(frame, context_usage_.Resource(state), started.worker_name);
}

void Step::EmitTaskStarted(Frame& frame, const ResourceParts& parts, std::string_view worker_name) {
  // Written as text (a json::object serialized cost more than the event).
  HistoryDetails details;
  if (options_.record_history && !frame.in_map_run) {
    DetailsText text;
    text.Members(TaskEventDetailsText(parts, TaskPhase::kStarted));
    if (parts.family == ResourceParts::Family::kActivity && !worker_name.empty()) {
      text.String("workerName", worker_name);
    }
    details = text.Finish();
  }
  EmitText(&frame, TaskEventType(parts.family, TaskPhase::kStarted), std::move(details));
  frame.task_started = true;
}

void Step::OnTaskSucceeded(const TaskSucceeded& succeeded) {
  std::vector<Frame*> path{&state_.root};
  std::vector<const asl::StateMachine*> machines{&machine_};
  if (!FindBlocked(succeeded.task_id, path, machines) || path.back()->blocker != Blocker::kTask) {
    return;
  }
  Frame& frame = *path.back();
  const asl::State& state = *machines.back()->Find(frame.state);
  const ResourceParts& parts = context_usage_.Resource(state);
  // The worker finished before its TaskStarted was recorded: started, then
  // succeeded (the late TaskStarted is ignored).
  if (!frame.task_started) EmitTaskStarted(frame, parts);
  // The text only for history; otherwise a size check that formats nothing.
  const bool history = options_.record_history;
  size_t output_size = 0;
  HistoryDetails details;
  if (history) {
    SharedJsonText output = SharedPayloadText(succeeded.output);
    output_size = output.size();
    details = DetailsText()
                  .Members(TaskEventDetailsText(parts, TaskPhase::kSucceeded))
                  .Payload("output", std::move(output))
                  .Raw("outputDetails", kNotTruncated)
                  .Finish();
  }
  EmitText(&frame, TaskEventType(parts.family, TaskPhase::kSucceeded), std::move(details));
  frame.blocker = Blocker::kNone;
  frame.task_started = false;
  const bool fits = history ? output_size <= options_.max_payload_bytes
                            : FitsIn(succeeded.output, options_.max_payload_bytes);
  StateOutcome outcome =
      !fits ? StateOutcome::Failed(
                  {std::string(errors::kDataLimitExceeded),
                   StrCat("The task result of ",
                          history ? output_size : SerializedSize(succeeded.output, SIZE_MAX),
                          " bytes exceeds the limit of ", options_.max_payload_bytes, " bytes")})
            : FinishWithResult(frame, state, TakeOutput(succeeded));
  Resume(std::move(path), std::move(machines), std::move(outcome));
}

json::value Step::TakeOutput(const TaskSucceeded& succeeded) {
  TaskSucceeded* own =
      movable_event_ != nullptr ? std::get_if<TaskSucceeded>(&movable_event_->body) : nullptr;
  if (own == &succeeded) return std::move(own->output);
  return succeeded.output;
}

void Step::OnTaskFailed(const TaskFailed& failed) {
  std::vector<Frame*> path{&state_.root};
  std::vector<const asl::StateMachine*> machines{&machine_};
  if (!FindBlocked(failed.task_id, path, machines) || path.back()->blocker != Blocker::kTask) {
    return;
  }
  Frame& frame = *path.back();
  const asl::State& state = *machines.back()->Find(frame.state);
  const ResourceParts& parts = context_usage_.Resource(state);
  bool timed_out = failed.error == errors::kTimeout || failed.error == errors::kHeartbeatTimeout;
  // A worker's failure before its TaskStarted was recorded: started, then
  // failed. A timeout may hit a task no worker ever took: none then.
  if (!frame.task_started && !timed_out) EmitTaskStarted(frame, parts);
  const TaskPhase phase = timed_out ? TaskPhase::kTimedOut : TaskPhase::kFailed;
  json::object details;
  if (options_.record_history) {
    details = TaskEventDetails(parts, phase);
    details["error"] = failed.error;
    details["cause"] = failed.cause;
  }
  Emit(&frame, TaskEventType(parts.family, phase), std::move(details));
  frame.blocker = Blocker::kNone;
  frame.task_started = false;
  Resume(std::move(path), std::move(machines), StateOutcome::Failed({failed.error, failed.cause}));
}

void Step::OnTaskScheduleFailed(const TaskScheduleFailed& failed) {
  std::vector<Frame*> path{&state_.root};
  std::vector<const asl::StateMachine*> machines{&machine_};
  if (!FindBlocked(failed.task_id, path, machines) || path.back()->blocker != Blocker::kTask) {
    return;
  }
  Frame& frame = *path.back();
  const asl::State& state = *machines.back()->Find(frame.state);
  const ResourceParts& parts = context_usage_.Resource(state);
  // Never started: no worker could take a task that was not scheduled.
  json::object details = TaskEventDetails(parts, TaskPhase::kScheduleFailed);
  details["error"] = failed.error;
  details["cause"] = failed.cause;
  Emit(&frame, TaskEventType(parts.family, TaskPhase::kScheduleFailed), std::move(details));
  frame.blocker = Blocker::kNone;
  frame.task_started = false;
  Resume(std::move(path), std::move(machines), StateOutcome::Failed({failed.error, failed.cause}));
}

void Step::OnTimerFired(const TimerFired& fired) {
  if (fired.timer_id == state_.execution_timer_id) {
    CancelPending(state_.root);
    EndExecution(
        ExecutionStatus::kTimedOut, HistoryEventType::kExecutionTimedOut,
        {std::string(errors::kTimeout), StrCat("The execution exceeded its TimeoutSeconds of ",
                                               machine_.timeout_seconds.value_or(0), " seconds")});
    return;
  }
  std::vector<Frame*> path{&state_.root};
  std::vector<const asl::StateMachine*> machines{&machine_};
  if (!FindBlocked(fired.timer_id, path, machines)) return;
  Frame& frame = *path.back();
  const asl::State& state = *machines.back()->Find(frame.state);
  Blocker blocker = frame.blocker;
  frame.blocker = Blocker::kNone;
  // A retried Parallel/Map starts over: the failed attempt's children go.
  if (blocker == Blocker::kRetryTimer) ResetChildren(frame);
  StateOutcome outcome =
      blocker == Blocker::kWaitTimer ? FinishWait(frame, state) : Execute(frame, state);
  Resume(std::move(path), std::move(machines), std::move(outcome));
}

void Step::OnStopRequested(const StopRequested& stop) {
  CancelPending(state_.root);
  EndExecution(ExecutionStatus::kAborted, HistoryEventType::kExecutionAborted,
               {stop.error, stop.cause});
}

void Step::OnFailRequested(const FailRequested& fail) {
  CancelPending(state_.root);
  EndExecution(ExecutionStatus::kFailed, HistoryEventType::kExecutionFailed,
               {fail.error, fail.cause});
}

void Step::FinishExecution(FrameOutcome outcome) {
  switch (outcome.kind) {
    case FrameOutcome::Kind::kBlocked:
      return;
    case FrameOutcome::Kind::kSucceeded: {
      HistoryDetails details;
      if (options_.record_history) {
        details = DetailsText()
                      .Payload("output", outcome.output_text ? std::move(outcome.output_text)
                                                             : SharedPayloadText(outcome.output))
                      .Raw("outputDetails", kNotTruncated)
                      .Finish();
      }
      state_.output = std::move(outcome.output);
      EmitText(nullptr, HistoryEventType::kExecutionSucceeded, std::move(details));
      state_.status = ExecutionStatus::kSucceeded;
      state_.stop_time = event_.now;
      break;
    }
    case FrameOutcome::Kind::kFailed:
      CancelPending(state_.root);
      EndExecution(ExecutionStatus::kFailed, HistoryEventType::kExecutionFailed, outcome.error);
      return;
  }
  if (!state_.execution_timer_id.empty()) AddEffect(CancelTimer{state_.execution_timer_id});
}

void Step::EndExecution(ExecutionStatus status, HistoryEventType type, const StateError& error) {
  state_.status = status;
  state_.error = error.error;
  state_.cause = error.cause;
  state_.stop_time = event_.now;
  Emit(nullptr, type, json::object{{"error", error.error}, {"cause", error.cause}});
  if (!state_.execution_timer_id.empty() && status != ExecutionStatus::kTimedOut) {
    AddEffect(CancelTimer{state_.execution_timer_id});
  }
}

}  // namespace stepwise::engine::internal
