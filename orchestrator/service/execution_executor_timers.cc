// ExecutionExecutor: firing due timers, the engine's (Wait, Retry,
// execution timeout) and the task timers that enforce TimeoutSeconds and
// HeartbeatSeconds.
#include <optional>
#include <string>
#include <string_view>

#include "common/status_macros.h"
#include "common/str_cat.h"
#include "orchestrator/engine/state_error.h"
#include "orchestrator/service/execution_executor.h"
#include "orchestrator/service/execution_executor_internal.h"

namespace stepwise::service {

absl::Status ExecutionExecutor::FireTimer(std::string_view execution_arn, std::string_view timer_id,
                                          std::string_view owner) {
  if (std::optional<TaskTimerRef> ref = ParseTaskTimerId(timer_id)) {
    return FireTaskTimer(execution_arn, timer_id, *ref, owner);
  }
  Consumes consumes{.completed_task_id = {},
                    .fired_timer_id = std::string(timer_id),
                    .task_token = {},
                    .timed_out_task_id = {},
                    .task = nullptr};
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
    return executor_internal::ExecutionClosed(snapshot.execution);
  }
  // The timer names the task by id; its token (the store's lookup key) is in
  // the frame that waits for it. No such frame: the task is closed.
  ASSIGN_OR_RETURN(engine::ExecutionState state, executor_internal::ParseState(snapshot));
  const engine::Frame* frame = executor_internal::FindTaskFrame(state.root, ref.task_id);
  if (frame == nullptr) return DropTimer(execution_arn, timer_id, owner);
  ASSIGN_OR_RETURN(persistence::TaskRecord task, store_.FindTaskByToken(frame->task_token));
  if (!persistence::IsOpen(task.status)) return DropTimer(execution_arn, timer_id, owner);

  std::string error;
  std::string cause;
  if (ref.kind == TaskTimerKind::kHeartbeat) {
    const int64_t seconds = task.heartbeat_seconds.value_or(0);
    // Counted from when a worker took the task (the claim sets last_heartbeat)
    // and each heartbeat, as AWS counts from TaskStarted: a task nobody took
    // yet only re-arms.
    const absl::Time last = task.last_heartbeat.value_or(clock_.Now());
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
                    .timed_out_task_id = task.task_id,
                    .task = &task};
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

}  // namespace stepwise::service
