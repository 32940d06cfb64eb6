#include "orchestrator/service/execution_executor.h"

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "common/status_macros.h"
#include "common/str_cat.h"
#include "orchestrator/asl/validator.h"
#include "orchestrator/engine/effects.h"
#include "orchestrator/engine/execution_state.h"
#include "orchestrator/engine/history.h"
#include "orchestrator/engine/randomness.h"
#include "orchestrator/engine/state_error.h"
#include "orchestrator/service/system_clock.h"

namespace stepwise::service {
namespace {

namespace json = boost::json;

constexpr std::string_view kLambdaInvoke = "arn:aws:states:::lambda:invoke";
constexpr std::string_view kLambdaInvokeCallback =
    "arn:aws:states:::lambda:invoke.waitForTaskToken";
constexpr std::string_view kLambdaArnPrefix = "arn:aws:lambda:";
constexpr std::string_view kActivityArnPrefix = "arn:aws:states:";

// The state waits for SendTask* on its token, not for the worker's answer.
bool IsCallbackResource(std::string_view resource) {
  return resource.ends_with(".waitForTaskToken");
}

// "a:b:c" -> {"a", "b", "c"}.
std::vector<std::string_view> SplitColons(std::string_view text) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t colon = text.find(':', start);
    if (colon == std::string_view::npos) {
      parts.push_back(text.substr(start));
      return parts;
    }
    parts.push_back(text.substr(start, colon - start));
    start = colon + 1;
  }
}

// arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER] -> NAME.
std::optional<std::string> LambdaFunctionName(std::string_view arn) {
  if (!arn.starts_with(kLambdaArnPrefix)) return std::nullopt;
  const std::vector<std::string_view> parts = SplitColons(arn);
  if (parts.size() < 7 || parts[5] != "function" || parts[6].empty()) return std::nullopt;
  return std::string(parts[6]);
}

persistence::ExecutionStatus ToStoreStatus(engine::ExecutionStatus status) {
  switch (status) {
    case engine::ExecutionStatus::kRunning:
      return persistence::ExecutionStatus::kRunning;
    case engine::ExecutionStatus::kSucceeded:
      return persistence::ExecutionStatus::kSucceeded;
    case engine::ExecutionStatus::kFailed:
      return persistence::ExecutionStatus::kFailed;
    case engine::ExecutionStatus::kTimedOut:
      return persistence::ExecutionStatus::kTimedOut;
    case engine::ExecutionStatus::kAborted:
      return persistence::ExecutionStatus::kAborted;
  }
  return persistence::ExecutionStatus::kFailed;
}

absl::StatusOr<json::value> ParseJson(std::string_view text, std::string_view what) {
  if (text.empty()) return json::value(json::object());
  std::error_code ec;
  json::value value = json::parse(json::string_view(text.data(), text.size()), ec);
  if (ec) return absl::InvalidArgumentError(StrCat(what, " is not valid JSON: ", ec.message()));
  return value;
}

constexpr std::string_view kTaskTimeoutPrefix = "task-timeout:";
constexpr std::string_view kTaskHeartbeatPrefix = "task-heartbeat:";

// Deletes both timers a task may have (one it never had is a no-op), but
// for the one this step fires, which goes as fired.
void CancelTaskTimers(std::string_view task_id, persistence::StepUpdate& update) {
  for (TaskTimerKind kind : {TaskTimerKind::kTimeout, TaskTimerKind::kHeartbeat}) {
    std::string id = TaskTimerId(kind, task_id);
    if (std::find(update.fired_timer_ids.begin(), update.fired_timer_ids.end(), id) ==
        update.fired_timer_ids.end()) {
      update.cancelled_timer_ids.push_back(std::move(id));
    }
  }
}

void AddTaskTimer(const persistence::TaskRecord& task, TaskTimerKind kind,
                  std::optional<int64_t> seconds, persistence::StepUpdate& update) {
  if (!seconds.has_value()) return;
  update.new_timers.push_back(
      persistence::TimerRecord{task.execution_arn, TaskTimerId(kind, task.task_id),
                               task.scheduled_at + absl::Seconds(*seconds), "", std::nullopt});
}

// The frame blocked on task `task_id`, if the execution still waits for it.
const engine::Frame* FindTaskFrame(const engine::Frame& frame, std::string_view task_id) {
  if (frame.blocker == engine::Blocker::kTask) {
    return frame.task_id == task_id ? &frame : nullptr;
  }
  if (frame.blocker == engine::Blocker::kChildren) {
    for (const engine::Frame& child : frame.children) {
      if (const engine::Frame* found = FindTaskFrame(child, task_id)) return found;
    }
  }
  return nullptr;
}

absl::StatusOr<engine::ExecutionState> ParseState(const persistence::ExecutionSnapshot& snapshot) {
  ASSIGN_OR_RETURN(json::value document,
                   ParseJson(snapshot.state_document, "the stored execution state"));
  absl::StatusOr<engine::ExecutionState> state = engine::ExecutionStateFromJson(document);
  if (!state.ok()) {
    return absl::InternalError(
        StrCat("Execution '", snapshot.execution.execution_arn,
               "' has a corrupt state: ", std::string(state.status().message())));
  }
  return state;
}

absl::Status ExecutionClosed(const persistence::ExecutionRecord& execution) {
  return absl::FailedPreconditionError(StrCat("Execution '", execution.execution_arn, "' is ",
                                              persistence::ExecutionStatusName(execution.status)));
}

// A version 4 UUID (lower-case hex) from 16 bytes of `entropy` (repeated
// when shorter): the last part of an express execution ARN.
std::string UuidFromEntropy(std::string_view entropy) {
  unsigned char bytes[16] = {};
  for (size_t i = 0; i < 16 && !entropy.empty(); ++i) {
    bytes[i] = static_cast<unsigned char>(entropy[i % entropy.size()]);
  }
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0F) | 0x40);
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3F) | 0x80);
  constexpr char kHex[] = "0123456789abcdef";
  std::string uuid;
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) uuid.push_back('-');
    uuid.push_back(kHex[bytes[i] >> 4]);
    uuid.push_back(kHex[bytes[i] & 0x0F]);
  }
  return uuid;
}

}  // namespace

std::string TaskTimerId(TaskTimerKind kind, std::string_view task_id) {
  return StrCat(kind == TaskTimerKind::kTimeout ? kTaskTimeoutPrefix : kTaskHeartbeatPrefix,
                task_id);
}

std::optional<TaskTimerRef> ParseTaskTimerId(std::string_view timer_id) {
  for (TaskTimerKind kind : {TaskTimerKind::kTimeout, TaskTimerKind::kHeartbeat}) {
    const std::string_view prefix =
        kind == TaskTimerKind::kTimeout ? kTaskTimeoutPrefix : kTaskHeartbeatPrefix;
    if (timer_id.starts_with(prefix) && timer_id.size() > prefix.size()) {
      return TaskTimerRef{kind, std::string(timer_id.substr(prefix.size()))};
    }
  }
  return std::nullopt;
}

std::string TaskQueueFor(std::string_view resource, const json::value& payload) {
  if (resource == kLambdaInvoke || resource == kLambdaInvokeCallback) {
    if (const json::object* object = payload.if_object()) {
      if (const json::value* function = object->if_contains("FunctionName")) {
        if (const json::string* name = function->if_string()) {
          const std::string_view text(name->data(), name->size());
          if (std::optional<std::string> short_name = LambdaFunctionName(text)) {
            return *short_name;
          }
          if (!text.empty()) return std::string(text);
        }
      }
    }
    return std::string(resource);
  }
  if (std::optional<std::string> name = LambdaFunctionName(resource)) return *name;
  if (resource.starts_with(kActivityArnPrefix)) {
    const std::vector<std::string_view> parts = SplitColons(resource);
    if (parts.size() == 7 && parts[5] == "activity" && !parts[6].empty()) {
      return std::string(parts[6]);
    }
  }
  return std::string(resource);
}

persistence::StepUpdate ToStepUpdate(std::string_view execution_arn,
                                     const engine::StepResult& result, absl::Time now) {
  persistence::StepUpdate update;
  update.execution_arn = std::string(execution_arn);
  update.state_document = json::serialize(engine::ToJson(result.state));
  update.status = ToStoreStatus(result.state.status);
  if (result.state.status != engine::ExecutionStatus::kRunning) {
    if (result.state.status == engine::ExecutionStatus::kSucceeded) {
      update.output = json::serialize(result.state.output);
    }
    update.error = result.state.error;
    update.cause = result.state.cause;
    update.stop_time = result.state.stop_time;
  }
  update.history.reserve(result.history.size());
  for (const engine::HistoryEvent& event : result.history) {
    persistence::HistoryRecord record;
    record.id = event.id;
    record.previous_event_id = event.previous_event_id;
    record.type = engine::TypeName(event);
    record.timestamp = event.timestamp;
    record.event_json = json::serialize(engine::ToJson(event));
    update.history.push_back(std::move(record));
  }
  for (const engine::Effect& effect : result.effects) {
    std::visit(
        [&](const auto& e) {
          using T = std::decay_t<decltype(e)>;
          if constexpr (std::is_same_v<T, engine::ScheduleTask>) {
            persistence::TaskRecord task;
            task.execution_arn = update.execution_arn;
            task.task_id = e.task_id;
            task.task_token = e.task_token;
            task.queue = TaskQueueFor(e.resource, e.payload);
            task.resource = e.resource;
            task.state_name = e.state_name;
            task.payload = json::serialize(e.payload);
            task.timeout_seconds = e.timeout_seconds;
            task.heartbeat_seconds = e.heartbeat_seconds;
            task.scheduled_at = now;
            task.attempt = e.attempt;
            if (IsCallbackResource(e.resource)) {
              // Derived, so every replica agrees; as unguessable as the
              // callback token, which its holder knows anyway (payload).
              task.invocation_token = engine::DeriveToken(e.task_token, "invocation");
            }
            // The environment enforces the task's timeouts (effects.h):
            // durable timers committed with the task, fired by any replica.
            AddTaskTimer(task, TaskTimerKind::kTimeout, task.timeout_seconds, update);
            AddTaskTimer(task, TaskTimerKind::kHeartbeat, task.heartbeat_seconds, update);
            update.new_tasks.push_back(std::move(task));
          } else if constexpr (std::is_same_v<T, engine::CancelTask>) {
            update.cancelled_task_ids.push_back(e.task_id);
            CancelTaskTimers(e.task_id, update);
          } else if constexpr (std::is_same_v<T, engine::StartTimer>) {
            persistence::TimerRecord timer;
            timer.execution_arn = update.execution_arn;
            timer.timer_id = e.timer_id;
            timer.fire_at = e.fire_at;
            update.new_timers.push_back(std::move(timer));
          } else {
            static_assert(std::is_same_v<T, engine::CancelTimer>);
            update.cancelled_timer_ids.push_back(e.timer_id);
          }
        },
        effect);
  }
  return update;
}

ExecutionExecutor::ExecutionExecutor(persistence::ExecutionStore& store, const Clock& clock,
                                     EntropySource entropy, ExecutorOptions options)
    : store_(store),
      clock_(clock),
      entropy_(entropy ? std::move(entropy) : EntropySource(&SystemEntropy)),
      options_(std::move(options)) {}

std::string ExecutionExecutor::ExecutionArn(std::string_view state_machine_name,
                                            std::string_view name) const {
  return StrCat("arn:aws:states:", options_.region, ":", options_.account,
                ":execution:", state_machine_name, ":", name);
}

absl::StatusOr<std::shared_ptr<const engine::Interpreter>> ExecutionExecutor::InterpreterFor(
    const std::string& revision_id, std::string_view definition) {
  {
    std::lock_guard<std::mutex> lock(cache_mu_);
    auto it = cache_.find(revision_id);
    if (it != cache_.end()) return it->second;
  }
  // Validate outside the lock; two racing threads build equal interpreters.
  asl::ValidationResult validation = asl::ValidateDefinition(definition);
  if (!validation.ok()) {
    std::string message = StrCat("state machine revision '", revision_id, "' is invalid");
    if (!validation.diagnostics.empty()) {
      message = StrCat(message, ": ", validation.diagnostics.front().message);
    }
    return absl::InternalError(message);
  }
  auto interpreter = std::make_shared<const engine::Interpreter>(std::move(validation.machine),
                                                                 options_.interpreter);
  std::lock_guard<std::mutex> lock(cache_mu_);
  auto [it, inserted] = cache_.try_emplace(revision_id, std::move(interpreter));
  return it->second;
}

absl::StatusOr<std::string> ExecutionExecutor::StartExecution(std::string_view state_machine_arn,
                                                              std::string_view name,
                                                              std::string_view input_json) {
  if (name.empty() || name.size() > 80) {
    return absl::InvalidArgumentError(
        StrCat("Invalid execution name '", name, "': must be 1 to 80 characters"));
  }
  ASSIGN_OR_RETURN(json::value input, ParseJson(input_json, "the execution input"));
  ASSIGN_OR_RETURN(persistence::StateMachineRecord machine,
                   store_.GetStateMachine(state_machine_arn));
  if (machine.status == persistence::StateMachineStatus::kDeleting) {
    return absl::FailedPreconditionError(
        StrCat("State machine is being deleted: '", machine.arn, "'"));
  }
  ASSIGN_OR_RETURN(std::shared_ptr<const engine::Interpreter> interpreter,
                   InterpreterFor(machine.revision_id, machine.definition));

  // AWS: StartExecution is not idempotent for EXPRESS machines; every start
  // is a new execution, told apart by the UUID in its ARN. The UUID has its
  // own entropy, so it reveals nothing of the step's (task tokens).
  const std::string execution_arn =
      machine.type == "EXPRESS"
          ? StrCat("arn:aws:states:", options_.region, ":", options_.account,
                   ":express:", machine.name, ":", name, ":", UuidFromEntropy(entropy_()))
          : ExecutionArn(machine.name, name);
  engine::Event event;
  event.now = clock_.Now();
  event.entropy = entropy_();
  engine::StartExecution start;
  start.info.execution_arn = execution_arn;
  start.info.name = std::string(name);
  start.info.state_machine_arn = machine.arn;
  start.info.state_machine_name = machine.name;
  start.info.role_arn = machine.role_arn;
  start.input = input;
  event.body = std::move(start);

  engine::StepResult result = interpreter->Apply(engine::ExecutionState{}, event);

  persistence::NewExecution execution;
  execution.first_step = ToStepUpdate(execution_arn, result, event.now);
  persistence::ExecutionRecord& record = execution.execution;
  record.execution_arn = execution_arn;
  record.state_machine_arn = machine.arn;
  record.revision_id = machine.revision_id;
  record.name = std::string(name);
  record.status = execution.first_step.status;
  record.input = json::serialize(input);
  record.output = execution.first_step.output;
  record.error = execution.first_step.error;
  record.cause = execution.first_step.cause;
  record.start_time = event.now;
  record.stop_time = execution.first_step.stop_time;
  ASSIGN_OR_RETURN(persistence::CreateExecutionResult created, store_.CreateExecution(execution));
  if (created.created) NotifyCommitted(execution.first_step);
  return created.execution.execution_arn;
}

absl::Status ExecutionExecutor::CheckTaskOpen(std::string_view task_token) {
  ASSIGN_OR_RETURN(persistence::TaskRecord task, store_.FindTaskByToken(task_token));
  if (task.status == persistence::TaskStatus::kTimedOut) {
    return absl::FailedPreconditionError(
        StrCat("Task '", task.task_id, "' of execution '", task.execution_arn, "' timed out"));
  }
  if (!persistence::IsOpen(task.status)) {
    return absl::FailedPreconditionError(StrCat("Task '", task.task_id, "' of execution '",
                                                task.execution_arn, "' is already ",
                                                persistence::TaskStatusName(task.status)));
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> ExecutionExecutor::Apply(std::string_view execution_arn,
                                                 const EventBody& body, const Consumes& consumes) {
  // Events for one execution are applied one at a time within this replica,
  // so its threads do not keep invalidating each other's versions; across
  // replicas the version check (kAborted, retry) is what keeps it correct.
  std::lock_guard<std::mutex> serialize(
      apply_mu_[std::hash<std::string_view>{}(execution_arn) % apply_mu_.size()]);
  absl::Status last = absl::AbortedError("no attempt made");
  for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
    if (!consumes.task_token.empty()) RETURN_IF_ERROR(CheckTaskOpen(consumes.task_token));
    ASSIGN_OR_RETURN(persistence::ExecutionSnapshot snapshot, store_.LoadExecution(execution_arn));
    if (snapshot.execution.status != persistence::ExecutionStatus::kRunning) {
      return ExecutionClosed(snapshot.execution);
    }
    ASSIGN_OR_RETURN(json::value document,
                     ParseJson(snapshot.state_document, "the stored execution state"));
    absl::StatusOr<engine::ExecutionState> state = engine::ExecutionStateFromJson(document);
    if (!state.ok()) {
      return absl::InternalError(StrCat("Execution '", execution_arn, "' has a corrupt state: ",
                                        std::string(state.status().message())));
    }
    ASSIGN_OR_RETURN(persistence::StateMachineRevision revision,
                     store_.GetStateMachineRevision(snapshot.execution.revision_id));
    ASSIGN_OR_RETURN(std::shared_ptr<const engine::Interpreter> interpreter,
                     InterpreterFor(revision.revision_id, revision.definition));

    engine::Event event;
    event.now = clock_.Now();
    event.entropy = entropy_();
    std::visit([&](const auto& b) { event.body = b; }, body);
    engine::StepResult result = interpreter->Apply(*std::move(state), event);

    const bool consumes_rows = !consumes.completed_task_id.empty() ||
                               !consumes.fired_timer_id.empty() ||
                               !consumes.timed_out_task_id.empty();
    if (!consumes_rows && result.history.empty() && result.effects.empty() &&
        engine::ToJson(result.state) == document) {
      return snapshot.execution.version;  // A stale event: nothing to commit.
    }
    persistence::StepUpdate update = ToStepUpdate(execution_arn, result, event.now);
    if (!consumes.fired_timer_id.empty()) {
      update.fired_timer_ids.push_back(consumes.fired_timer_id);
    }
    // A closed task's timers go with it, in the same step.
    if (!consumes.completed_task_id.empty()) {
      update.completed_task_ids.push_back(consumes.completed_task_id);
      CancelTaskTimers(consumes.completed_task_id, update);
    }
    if (!consumes.timed_out_task_id.empty()) {
      update.timed_out_task_ids.push_back(consumes.timed_out_task_id);
      CancelTaskTimers(consumes.timed_out_task_id, update);
    }
    absl::StatusOr<int64_t> version = store_.CommitStep(update, snapshot.execution.version);
    if (version.ok()) NotifyCommitted(update);
    if (version.ok() || version.status().code() != absl::StatusCode::kAborted) return version;
    last = version.status();
  }
  return absl::AbortedError(StrCat("Execution '", execution_arn, "' kept changing: gave up after ",
                                   options_.max_attempts,
                                   " attempts: ", std::string(last.message())));
}

absl::Status ExecutionExecutor::CompleteTask(std::string_view task_token,
                                             std::string_view output_json) {
  ASSIGN_OR_RETURN(json::value output, ParseJson(output_json, "the task output"));
  ASSIGN_OR_RETURN(persistence::TaskRecord task, store_.FindTaskByToken(task_token));
  if (!task.invocation_token.empty() && task.invocation_token == task_token) {
    // The worker finished the invocation of a callback task: the state keeps
    // waiting for SendTask* on its callback token.
    return store_.AcknowledgeInvocation(task_token).status();
  }
  Consumes consumes{.completed_task_id = task.task_id,
                    .fired_timer_id = {},
                    .task_token = std::string(task_token),
                    .timed_out_task_id = {}};
  if (task.resource == "arn:aws:states:::lambda:invoke") {
    output = json::object{
        {"ExecutedVersion", "$LATEST"}, {"Payload", std::move(output)}, {"StatusCode", 200}};
  }
  return Apply(task.execution_arn, engine::TaskSucceeded{task.task_id, std::move(output)}, consumes)
      .status();
}

absl::Status ExecutionExecutor::FailTask(std::string_view task_token, std::string_view error,
                                         std::string_view cause) {
  ASSIGN_OR_RETURN(persistence::TaskRecord task, store_.FindTaskByToken(task_token));
  Consumes consumes{.completed_task_id = task.task_id,
                    .fired_timer_id = {},
                    .task_token = std::string(task_token),
                    .timed_out_task_id = {}};
  return Apply(task.execution_arn,
               engine::TaskFailed{task.task_id, std::string(error), std::string(cause)}, consumes)
      .status();
}

absl::Status ExecutionExecutor::FireTimer(std::string_view execution_arn, std::string_view timer_id,
                                          std::string_view owner) {
  if (std::optional<TaskTimerRef> ref = ParseTaskTimerId(timer_id)) {
    return FireTaskTimer(execution_arn, timer_id, *ref, owner);
  }
  Consumes consumes{.completed_task_id = {},
                    .fired_timer_id = std::string(timer_id),
                    .task_token = {},
                    .timed_out_task_id = {}};
  absl::Status fired =
      Apply(execution_arn, engine::TimerFired{std::string(timer_id)}, consumes).status();
  if (fired.code() == absl::StatusCode::kFailedPrecondition) {
    // The execution ended: nothing is left for the timer to do.
    DropTimer(execution_arn, timer_id, owner).IgnoreError();
  }
  return fired;
}

absl::Status ExecutionExecutor::FireTaskTimer(std::string_view execution_arn,
                                              std::string_view timer_id, const TaskTimerRef& ref,
                                              std::string_view owner) {
  ASSIGN_OR_RETURN(persistence::ExecutionSnapshot snapshot, store_.LoadExecution(execution_arn));
  if (snapshot.execution.status != persistence::ExecutionStatus::kRunning) {
    DropTimer(execution_arn, timer_id, owner).IgnoreError();
    return ExecutionClosed(snapshot.execution);
  }
  // The timer names the task by id; its token (the store's lookup key) is in
  // the frame that waits for it. No such frame: the task is closed.
  ASSIGN_OR_RETURN(engine::ExecutionState state, ParseState(snapshot));
  const engine::Frame* frame = FindTaskFrame(state.root, ref.task_id);
  if (frame == nullptr) return DropTimer(execution_arn, timer_id, owner);
  ASSIGN_OR_RETURN(persistence::TaskRecord task, store_.FindTaskByToken(frame->task_token));
  if (!persistence::IsOpen(task.status)) return DropTimer(execution_arn, timer_id, owner);

  std::string error;
  std::string cause;
  if (ref.kind == TaskTimerKind::kHeartbeat) {
    const int64_t seconds = task.heartbeat_seconds.value_or(0);
    absl::Time last = task.scheduled_at;
    if (task.last_heartbeat.has_value() && *task.last_heartbeat > last) {
      last = *task.last_heartbeat;
    }
    const absl::Time deadline = last + absl::Seconds(seconds);
    if (deadline > clock_.Now()) {
      return store_.RescheduleTimer(execution_arn, timer_id, owner, deadline);
    }
    error = engine::errors::kHeartbeatTimeout;
    cause = StrCat("The task sent no heartbeat for its HeartbeatSeconds of ", seconds, " seconds");
  } else {
    error = engine::errors::kTimeout;
    cause = StrCat("The task did not finish within its TimeoutSeconds of ",
                   task.timeout_seconds.value_or(0), " seconds");
  }
  Consumes consumes{.completed_task_id = {},
                    .fired_timer_id = std::string(timer_id),
                    .task_token = task.task_token,
                    .timed_out_task_id = task.task_id};
  absl::Status applied =
      Apply(execution_arn, engine::TaskFailed{task.task_id, error, cause}, consumes).status();
  if (applied.code() == absl::StatusCode::kFailedPrecondition) {
    // A completion (or the execution's end) won the race; the step that
    // closed the task deleted its timers. Only a closed execution is news.
    ASSIGN_OR_RETURN(persistence::ExecutionRecord now, store_.GetExecution(execution_arn));
    if (now.status == persistence::ExecutionStatus::kRunning) {
      return DropTimer(execution_arn, timer_id, owner);
    }
    DropTimer(execution_arn, timer_id, owner).IgnoreError();
  }
  return applied;
}

absl::Status ExecutionExecutor::DropTimer(std::string_view execution_arn, std::string_view timer_id,
                                          std::string_view owner) {
  absl::Status deleted = store_.DeleteTimer(execution_arn, timer_id, owner);
  // Already gone: the step that closed the task took its timer along.
  if (deleted.code() == absl::StatusCode::kNotFound) return absl::OkStatus();
  return deleted;
}

absl::Status ExecutionExecutor::Stop(std::string_view execution_arn, std::string_view error,
                                     std::string_view cause) {
  return Apply(execution_arn, engine::StopRequested{std::string(error), std::string(cause)})
      .status();
}

}  // namespace stepwise::service
