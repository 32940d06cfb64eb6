#include "persistence/store_rules.h"

#include <algorithm>
#include <set>
#include <string_view>

#include "common/status_macros.h"
#include "common/str_cat.h"

namespace stepwise::persistence {
namespace {

absl::Status CheckUnique(std::set<std::string_view>& seen, std::string_view id,
                         std::string_view what) {
  if (id.empty()) return absl::InvalidArgumentError(StrCat("Empty ", what));
  if (!seen.insert(id).second) {
    return absl::InvalidArgumentError(StrCat("Duplicate ", what, " '", id, "' in one step"));
  }
  return absl::OkStatus();
}

}  // namespace

bool SameStateMachine(const StateMachineRecord& existing, const StateMachineRecord& request) {
  return existing.name == request.name && existing.type == request.type &&
         existing.definition == request.definition && existing.role_arn == request.role_arn;
}

absl::Status CheckIdempotentStart(const ExecutionRecord& existing, const ExecutionRecord& request) {
  if (existing.status == ExecutionStatus::kRunning && existing.input == request.input &&
      existing.state_machine_arn == request.state_machine_arn) {
    return absl::OkStatus();
  }
  return absl::AlreadyExistsError(
      StrCat("Execution already exists: '", request.execution_arn, "'"));
}

absl::Status CheckStepAllowed(ExecutionStatus current, const StepUpdate& update) {
  bool running = current == ExecutionStatus::kRunning;
  if (update.redrive_date.has_value() && running) {
    return absl::FailedPreconditionError(
        StrCat("Execution '", update.execution_arn, "' is running; only closed ones redrive"));
  }
  if (!update.redrive_date.has_value() && !running) {
    return absl::FailedPreconditionError(
        StrCat("Execution '", update.execution_arn, "' is ", ExecutionStatusName(current)));
  }
  return absl::OkStatus();
}

absl::Status ValidateNewExecution(const NewExecution& execution) {
  const ExecutionRecord& record = execution.execution;
  if (record.execution_arn.empty() || record.state_machine_arn.empty() || record.name.empty()) {
    return absl::InvalidArgumentError("Execution needs an arn, a state machine arn and a name");
  }
  if (execution.first_step.execution_arn != record.execution_arn) {
    return absl::InvalidArgumentError("First step belongs to another execution");
  }
  if (execution.first_step.redrive_date.has_value()) {
    return absl::InvalidArgumentError("The first step cannot be a redrive");
  }
  return ValidateStepUpdate(execution.first_step);
}

absl::Status ValidateStepUpdate(const StepUpdate& update) {
  if (update.execution_arn.empty()) return absl::InvalidArgumentError("Empty execution arn");
  std::set<std::string_view> task_ids;
  for (const TaskRecord& task : update.new_tasks) {
    RETURN_IF_ERROR(CheckUnique(task_ids, task.task_id, "task id"));
    if (task.task_token.empty() || task.queue.empty()) {
      return absl::InvalidArgumentError(
          StrCat("Task '", task.task_id, "' needs a token and a queue"));
    }
    if (task.claim.has_value() && task.claim->lease_until < task.claim->claimed_at) {
      return absl::InvalidArgumentError(
          StrCat("Task '", task.task_id, "' is claimed with a lease ending before its claim"));
    }
  }
  std::set<std::string_view> timer_ids;
  for (const TimerRecord& timer : update.new_timers) {
    RETURN_IF_ERROR(CheckUnique(timer_ids, timer.timer_id, "timer id"));
  }
  int64_t previous = 0;
  for (const HistoryRecord& event : update.history) {
    if (event.id <= previous) {
      return absl::InvalidArgumentError("History event ids must be positive and increasing");
    }
    previous = event.id;
  }
  return absl::OkStatus();
}

absl::Duration HeartbeatLeaseMargin(int64_t heartbeat_seconds) {
  return std::max(absl::Seconds(5), absl::Seconds(heartbeat_seconds) / 10);
}

absl::Duration TaskLeaseFor(const TaskRecord& task, const TaskLeaseRule& rule) {
  absl::Duration lease = rule.default_lease;
  if (task.heartbeat_seconds.has_value() && *task.heartbeat_seconds > 0) {
    lease = absl::Seconds(*task.heartbeat_seconds);
    if (rule.heartbeat_margin) lease += HeartbeatLeaseMargin(*task.heartbeat_seconds);
  } else if (rule.use_timeout && task.timeout_seconds.has_value() && *task.timeout_seconds > 0) {
    lease = absl::Seconds(*task.timeout_seconds);
  }
  return std::min(lease, rule.max_lease);
}

}  // namespace stepwise::persistence
