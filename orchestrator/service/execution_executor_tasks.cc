// ExecutionExecutor: task completion (SendTaskSuccess / SendTaskFailure by
// token) and tasks on activities that do not exist.
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "common/status_macros.h"
#include "common/str_cat.h"
#include "orchestrator/engine/effects.h"
#include "orchestrator/engine/state_error.h"
#include "orchestrator/service/execution_executor.h"
#include "orchestrator/service/execution_executor_internal.h"

namespace stepwise::service {
namespace {

namespace json = boost::json;

// A chain of failures to schedule in one step (a Catch that leads to
// another missing activity, and so on) stops here; the task then waits on
// its queue as if the activity existed.
constexpr int kMaxScheduleFailuresPerStep = 1000;

// A task this replica scheduled is completed from the cache, without
// FindTaskByToken. The cached record may be stale (another replica or a
// timer closed the task): then Apply fails (CommitStep's open-task check, or
// the version check and the retry's re-read) having committed nothing, and
// the completion is made again from the store, which words the error as
// without a cache (TaskDoesNotExist / TaskTimedOut need the real status).
bool RetryFromStore(const absl::Status& status) {
  return status.code() == absl::StatusCode::kFailedPrecondition ||
         status.code() == absl::StatusCode::kNotFound;
}

}  // namespace

absl::Status ExecutionExecutor::CheckTaskOpen(std::string_view task_token) {
  ASSIGN_OR_RETURN(persistence::TaskRecord task, store_.FindTaskByToken(task_token));
  return TaskOpen(task);
}

absl::Status ExecutionExecutor::TaskOpen(const persistence::TaskRecord& task) {
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

absl::Status ExecutionExecutor::CompleteTask(std::string_view task_token,
                                             std::string_view output_json) {
  ASSIGN_OR_RETURN(json::value output,
                   executor_internal::ParseJson(output_json, "the task output"));
  if (std::optional<persistence::TaskRecord> cached = execution_cache_.FindTask(task_token)) {
    absl::Status status = CompleteTaskWith(*cached, task_token, output);
    if (!RetryFromStore(status)) return status;
  }
  ASSIGN_OR_RETURN(persistence::TaskRecord task, store_.FindTaskByToken(task_token));
  return CompleteTaskWith(task, task_token, std::move(output));
}

absl::Status ExecutionExecutor::CompleteTaskWith(const persistence::TaskRecord& task,
                                                 std::string_view task_token, json::value output) {
  if (!task.invocation_token.empty() && task.invocation_token == task_token) {
    // The worker finished the invocation of a callback task: the state keeps
    // waiting for SendTask* on its callback token.
    return store_.AcknowledgeInvocation(task_token).status();
  }
  Consumes consumes{.completed_task_id = task.task_id,
                    .fired_timer_id = {},
                    .task_token = std::string(task_token),
                    .timed_out_task_id = {},
                    .task = &task};
  if (task.resource == "arn:aws:states:::lambda:invoke") {
    output = json::object{
        {"ExecutedVersion", "$LATEST"}, {"Payload", std::move(output)}, {"StatusCode", 200}};
  }
  return Apply(task.execution_arn, engine::TaskSucceeded{task.task_id, std::move(output)}, consumes)
      .status();
}

absl::Status ExecutionExecutor::FailTask(std::string_view task_token, std::string_view error,
                                         std::string_view cause) {
  if (std::optional<persistence::TaskRecord> cached = execution_cache_.FindTask(task_token)) {
    absl::Status status = FailTaskWith(*cached, task_token, error, cause);
    if (!RetryFromStore(status)) return status;
  }
  ASSIGN_OR_RETURN(persistence::TaskRecord task, store_.FindTaskByToken(task_token));
  return FailTaskWith(task, task_token, error, cause);
}

absl::Status ExecutionExecutor::FailTaskWith(const persistence::TaskRecord& task,
                                             std::string_view task_token, std::string_view error,
                                             std::string_view cause) {
  Consumes consumes{.completed_task_id = task.task_id,
                    .fired_timer_id = {},
                    .task_token = std::string(task_token),
                    .timed_out_task_id = {},
                    .task = &task};
  return Apply(task.execution_arn,
               engine::TaskFailed{task.task_id, std::string(error), std::string(cause)}, consumes)
      .status();
}

absl::StatusOr<bool> ExecutionExecutor::ActivityExists(const std::string& activity_arn) {
  const absl::Time now = clock_.Now();
  {
    std::lock_guard<std::mutex> lock(activity_mu_);
    auto it = activity_seen_.find(activity_arn);
    if (it != activity_seen_.end() && now - it->second < options_.activity_cache_ttl) return true;
  }
  absl::StatusOr<persistence::ActivityRecord> activity = store_.GetActivity(activity_arn);
  if (activity.status().code() == absl::StatusCode::kNotFound) return false;
  RETURN_IF_ERROR(activity.status());
  std::lock_guard<std::mutex> lock(activity_mu_);
  activity_seen_[activity_arn] = now;
  return true;
}

absl::Status ExecutionExecutor::FailMissingActivities(const engine::Interpreter& interpreter,
                                                      absl::Time now, engine::StepResult& result) {
  if (!options_.check_activities) return absl::OkStatus();
  for (int round = 0; round < kMaxScheduleFailuresPerStep; ++round) {
    std::string missing_task_id;
    std::string missing_arn;
    for (const engine::Effect& effect : result.effects) {
      const auto* task = std::get_if<engine::ScheduleTask>(&effect);
      if (task == nullptr || !IsActivityArn(task->resource)) continue;
      ASSIGN_OR_RETURN(bool exists, ActivityExists(task->resource));
      if (!exists) {
        missing_task_id = task->task_id;
        missing_arn = task->resource;
        break;
      }
    }
    if (missing_task_id.empty()) return absl::OkStatus();
    // The task never reaches a queue: no row, no timers.
    std::erase_if(result.effects, [&](const engine::Effect& effect) {
      const auto* task = std::get_if<engine::ScheduleTask>(&effect);
      return task != nullptr && task->task_id == missing_task_id;
    });
    // AWS fails the state with States.Runtime (ActivityScheduleFailed), in
    // the same execution; the next event of the step has fresh entropy.
    engine::Event event;
    event.now = now;
    event.entropy = entropy_();
    event.body =
        engine::TaskScheduleFailed{missing_task_id, std::string(engine::errors::kRuntime),
                                   StrCat("The activity ARN '", missing_arn, "' does not exist.")};
    engine::StepResult next = interpreter.Apply(std::move(result.state), event);
    executor_internal::MergeStepResult(std::move(next), result);
  }
  return absl::OkStatus();
}

}  // namespace stepwise::service
