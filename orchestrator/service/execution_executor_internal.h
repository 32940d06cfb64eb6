// Internal to the ExecutionExecutor, whose methods are split by job:
//   execution_executor.cc          starting executions and applying events
//   execution_executor_update.cc   engine StepResult -> StepUpdate, task queues
//   execution_executor_tasks.cc    task completion, missing activities
//   execution_executor_timers.cc   timer firing (engine and task timers)
//   execution_executor_redrive.cc  RedriveExecution
// These helpers are shared by them; nothing else includes this header.
#ifndef STEPWISE_ORCHESTRATOR_SERVICE_EXECUTION_EXECUTOR_INTERNAL_H_
#define STEPWISE_ORCHESTRATOR_SERVICE_EXECUTION_EXECUTOR_INTERNAL_H_

#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "boost/json/value.hpp"
#include "orchestrator/engine/execution_state.h"
#include "orchestrator/engine/interpreter.h"
#include "persistence/records.h"

namespace stepwise::service::executor_internal {

// `text` as JSON ("" is {}); kInvalidArgument naming `what` otherwise.
absl::StatusOr<boost::json::value> ParseJson(std::string_view text, std::string_view what);

// The engine state of `snapshot`; kInternal when it does not parse.
absl::StatusOr<engine::ExecutionState> ParseState(const persistence::ExecutionSnapshot& snapshot);

// kFailedPrecondition: "Execution '<arn>' is <STATUS>".
absl::Status ExecutionClosed(const persistence::ExecutionRecord& execution);

// Deletes both timers a task may have (one it never had is a no-op), but
// for the one this step fires, which goes as fired. With the task's record
// (`task`, the same task_id), only the timers it has: a TimeoutSeconds
// timer and a HeartbeatSeconds timer exist only when the task has those
// (most have neither, and then the step deletes nothing).
void CancelTaskTimers(std::string_view task_id, persistence::StepUpdate& update,
                      const persistence::TaskRecord* task = nullptr);

// The frame blocked on task `task_id`, if the execution still waits for it.
const engine::Frame* FindTaskFrame(const engine::Frame& frame, std::string_view task_id);

// Appends `next` (the result of applying another event to `merged.state`)
// to `merged`: its state replaces merged's, its history follows, and its
// effects are added, except that a CancelTask / CancelTimer of a task or
// timer that `merged` itself scheduled drops both (it never existed).
void MergeStepResult(engine::StepResult next, engine::StepResult& merged);

}  // namespace stepwise::service::executor_internal

#endif  // STEPWISE_ORCHESTRATOR_SERVICE_EXECUTION_EXECUTOR_INTERNAL_H_
