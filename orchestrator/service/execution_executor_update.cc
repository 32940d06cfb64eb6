// Engine step results -> persistence::StepUpdate (ToStepUpdate), the task
// queue of a resource (TaskQueueFor), task timer ids, and the helpers of
// execution_executor_internal.h.
#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "common/status_macros.h"
#include "common/str_cat.h"
#include "orchestrator/engine/effects.h"
#include "orchestrator/engine/history.h"
#include "orchestrator/engine/randomness.h"
#include "orchestrator/service/execution_executor.h"
#include "orchestrator/service/execution_executor_internal.h"

namespace stepwise::service {
namespace {

namespace json = boost::json;

constexpr std::string_view kLambdaInvoke = "arn:aws:states:::lambda:invoke";
constexpr std::string_view kLambdaInvokeCallback =
    "arn:aws:states:::lambda:invoke.waitForTaskToken";
constexpr std::string_view kLambdaArnPrefix = "arn:aws:lambda:";
constexpr std::string_view kActivityArnPrefix = "arn:aws:states:";

constexpr std::string_view kTaskTimeoutPrefix = "task-timeout:";
constexpr std::string_view kTaskHeartbeatPrefix = "task-heartbeat:";

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

persistence::HistoryRecord ToHistoryRecord(const engine::HistoryEvent& event) {
  persistence::HistoryRecord record;
  record.id = event.id;
  record.previous_event_id = event.previous_event_id;
  record.type = engine::TypeName(event);
  record.timestamp = event.timestamp;
  record.event_json = engine::ToJsonText(event);
  return record;
}

void AddTaskTimer(const persistence::TaskRecord& task, TaskTimerKind kind,
                  std::optional<int64_t> seconds, persistence::StepUpdate& update) {
  if (!seconds.has_value()) return;
  update.new_timers.push_back(
      persistence::TimerRecord{task.execution_arn, TaskTimerId(kind, task.task_id),
                               task.scheduled_at + absl::Seconds(*seconds), "", std::nullopt});
}

}  // namespace

namespace executor_internal {

absl::StatusOr<json::value> ParseJson(std::string_view text, std::string_view what) {
  if (text.empty()) return json::value(json::object());
  std::error_code ec;
  json::value value = json::parse(json::string_view(text.data(), text.size()), ec);
  if (ec) return absl::InvalidArgumentError(StrCat(what, " is not valid JSON: ", ec.message()));
  return value;
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

void CancelTaskTimers(std::string_view task_id, persistence::StepUpdate& update,
                      const persistence::TaskRecord* task) {
  if (task != nullptr && task->task_id != task_id) task = nullptr;
  for (TaskTimerKind kind : {TaskTimerKind::kTimeout, TaskTimerKind::kHeartbeat}) {
    if (task != nullptr &&
        !(kind == TaskTimerKind::kTimeout ? task->timeout_seconds : task->heartbeat_seconds)) {
      continue;  // AddTaskTimer made no such timer for it.
    }
    std::string id = TaskTimerId(kind, task_id);
    if (std::find(update.fired_timer_ids.begin(), update.fired_timer_ids.end(), id) ==
        update.fired_timer_ids.end()) {
      update.cancelled_timer_ids.push_back(std::move(id));
    }
  }
}

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

void MergeStepResult(engine::StepResult next, engine::StepResult& merged) {
  merged.state = std::move(next.state);
  for (engine::HistoryEvent& event : next.history) merged.history.push_back(std::move(event));
  // What `merged` scheduled itself: cancelling it just drops it.
  absl::flat_hash_set<std::string> dropped_tasks;
  absl::flat_hash_set<std::string> dropped_timers;
  for (const engine::Effect& effect : next.effects) {
    if (const auto* cancel = std::get_if<engine::CancelTask>(&effect)) {
      dropped_tasks.insert(cancel->task_id);
    } else if (const auto* cancel_timer = std::get_if<engine::CancelTimer>(&effect)) {
      dropped_timers.insert(cancel_timer->timer_id);
    }
  }
  absl::flat_hash_set<std::string> scheduled_tasks;
  absl::flat_hash_set<std::string> started_timers;
  std::vector<engine::Effect> kept;
  for (engine::Effect& effect : merged.effects) {
    if (const auto* task = std::get_if<engine::ScheduleTask>(&effect)) {
      if (dropped_tasks.contains(task->task_id)) {
        scheduled_tasks.insert(task->task_id);
        continue;
      }
    } else if (const auto* timer = std::get_if<engine::StartTimer>(&effect)) {
      if (dropped_timers.contains(timer->timer_id)) {
        started_timers.insert(timer->timer_id);
        continue;
      }
    }
    kept.push_back(std::move(effect));
  }
  for (engine::Effect& effect : next.effects) {
    if (const auto* cancel = std::get_if<engine::CancelTask>(&effect)) {
      if (scheduled_tasks.contains(cancel->task_id)) continue;
    } else if (const auto* cancel_timer = std::get_if<engine::CancelTimer>(&effect)) {
      if (started_timers.contains(cancel_timer->timer_id)) continue;
    }
    kept.push_back(std::move(effect));
  }
  merged.effects = std::move(kept);
}

}  // namespace executor_internal

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

bool IsActivityArn(std::string_view resource) {
  if (!resource.starts_with(kActivityArnPrefix)) return false;
  const std::vector<std::string_view> parts = SplitColons(resource);
  return parts.size() == 7 && parts[5] == "activity" && !parts[6].empty();
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
  if (IsActivityArn(resource)) return std::string(SplitColons(resource)[6]);
  return std::string(resource);
}

void ExecutionExecutor::PrepareCommit(const engine::Interpreter& interpreter, absl::Time now,
                                      engine::StepResult& result,
                                      persistence::StepUpdate& update) const {
  if (options_.observer == nullptr) return;
  options_.observer->BeforeCommit(update);
  bool started = false;
  for (const persistence::TaskRecord& task : update.new_tasks) {
    if (!task.claim.has_value()) continue;
    engine::Event event;
    event.now = now;
    event.body = engine::TaskStarted{task.task_id, task.claim->worker_id};
    engine::StepResult next = interpreter.Apply(std::move(result.state), event);
    // TaskStarted only records history (engine/step.cc): no effect to add.
    result.state = std::move(next.state);
    for (engine::HistoryEvent& history_event : next.history) {
      update.history.push_back(ToHistoryRecord(history_event));
      result.history.push_back(std::move(history_event));
    }
    started = true;
  }
  if (started) update.state_document = json::serialize(engine::ToJson(result.state));
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
    update.history.push_back(ToHistoryRecord(event));
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
            executor_internal::CancelTaskTimers(e.task_id, update);
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

}  // namespace stepwise::service
