#include "persistence/postgres/postgres_rows.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "common/status_macros.h"
#include "common/str_cat.h"
#include "persistence/postgres/pg_array.h"
#include "persistence/postgres/statements.h"
#include "persistence/store_rules.h"

namespace stepwise::persistence::rows {
namespace {

std::string Text(const pqxx::field& field) { return field.as<std::string>(); }

absl::Time Time(const pqxx::field& field) { return FromMicros(field.as<int64_t>()); }

std::optional<absl::Time> OptionalTime(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return Time(field);
}

std::optional<int64_t> OptionalInt(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return field.as<int64_t>();
}

absl::Status Corrupt(const absl::Status& status) { return absl::InternalError(status.message()); }

}  // namespace

std::optional<int64_t> Micros(const std::optional<absl::Time>& time) {
  if (!time.has_value()) return std::nullopt;
  return ToMicros(*time);
}

StateMachineRecord ToStateMachine(const pqxx::row& row) {
  // The CHECK constraint allows only ACTIVE and DELETING.
  const StateMachineStatus status =
      Text(row[8]) == "DELETING" ? StateMachineStatus::kDeleting : StateMachineStatus::kActive;
  return StateMachineRecord{Text(row[0]), Text(row[1]), Text(row[2]), Text(row[3]), Text(row[4]),
                            Text(row[5]), Time(row[6]), Time(row[7]), status};
}

StateMachineRevision ToRevision(const pqxx::row& row) {
  return StateMachineRevision{Text(row[0]), Text(row[1]), Text(row[2]), Text(row[3]), Time(row[4])};
}

absl::StatusOr<ExecutionRecord> ToExecution(const pqxx::row& row) {
  ExecutionRecord record;
  record.execution_arn = Text(row[0]);
  record.state_machine_arn = Text(row[1]);
  record.revision_id = Text(row[2]);
  record.name = Text(row[3]);
  absl::StatusOr<ExecutionStatus> status = ParseExecutionStatus(Text(row[4]));
  if (!status.ok()) return Corrupt(status.status());
  record.status = *status;
  record.input = Text(row[5]);
  record.output = Text(row[6]);
  record.error = Text(row[7]);
  record.cause = Text(row[8]);
  record.start_time = Time(row[9]);
  record.stop_time = OptionalTime(row[10]);
  record.redrive_count = row[11].as<int64_t>();
  record.redrive_date = OptionalTime(row[12]);
  record.version = row[13].as<int64_t>();
  return record;
}

HistoryRecord ToHistory(const pqxx::row& row) {
  return HistoryRecord{row[0].as<int64_t>(), row[1].as<int64_t>(), Text(row[2]), Time(row[3]),
                       Text(row[4])};
}

absl::StatusOr<TaskRecord> ToTask(const pqxx::row& row) {
  TaskRecord task;
  task.execution_arn = Text(row[0]);
  task.task_id = Text(row[1]);
  task.task_token = Text(row[2]);
  task.queue = Text(row[3]);
  task.resource = Text(row[4]);
  task.state_name = Text(row[5]);
  task.payload = Text(row[6]);
  task.timeout_seconds = OptionalInt(row[7]);
  task.heartbeat_seconds = OptionalInt(row[8]);
  task.scheduled_at = Time(row[9]);
  absl::StatusOr<TaskStatus> status = ParseTaskStatus(Text(row[10]));
  if (!status.ok()) return Corrupt(status.status());
  task.status = *status;
  task.worker_id = Text(row[11]);
  task.lease_until = OptionalTime(row[12]);
  task.last_heartbeat = OptionalTime(row[13]);
  task.delivery_count = row[14].as<int64_t>();
  task.attempt = row[15].as<int64_t>();
  task.invocation_token = Text(row[16]);
  return task;
}

TimerRecord ToTimer(const pqxx::row& row) {
  return TimerRecord{Text(row[0]), Text(row[1]), Time(row[2]), Text(row[3]), OptionalTime(row[4])};
}

namespace {

// The row arrays of one step or of several, one after another.
struct StepRowArrays {
  PgArray ids, previous, types, timestamps, events;
  PgArray task_ids, tokens, queues, resources, states, payloads, timeouts, heartbeats, scheduled,
      attempts, invocation_tokens, workers, claimed, leases;
  PgArray completed, timed_out, cancelled, deleted;
  PgArray timer_ids, fire_at;

  void Add(const StepUpdate& update) {
    for (const HistoryRecord& event : update.history) {
      ids.Add(event.id);
      previous.Add(event.previous_event_id);
      types.Add(std::string_view(event.type));
      timestamps.Add(ToMicros(event.timestamp));
      events.Add(std::string_view(event.event_json));
    }
    for (const TaskRecord& task : update.new_tasks) {
      task_ids.Add(std::string_view(task.task_id));
      tokens.Add(std::string_view(task.task_token));
      queues.Add(std::string_view(task.queue));
      resources.Add(std::string_view(task.resource));
      states.Add(std::string_view(task.state_name));
      payloads.Add(std::string_view(task.payload));
      timeouts.Add(task.timeout_seconds);
      heartbeats.Add(task.heartbeat_seconds);
      scheduled.Add(ToMicros(task.scheduled_at));
      attempts.Add(task.attempt);
      invocation_tokens.Add(std::string_view(task.invocation_token));
      // One claim entry per task (NULL: PENDING), so that steps concatenate.
      workers.Add(std::string_view(task.claim.has_value() ? task.claim->worker_id : ""));
      claimed.Add(task.claim.has_value() ? std::optional<int64_t>(ToMicros(task.claim->claimed_at))
                                         : std::nullopt);
      leases.Add(task.claim.has_value() ? std::optional<int64_t>(ToMicros(task.claim->lease_until))
                                        : std::nullopt);
    }
    for (const std::string& id : update.completed_task_ids) completed.Add(std::string_view(id));
    for (const std::string& id : update.timed_out_task_ids) timed_out.Add(std::string_view(id));
    for (const std::string& id : update.cancelled_task_ids) cancelled.Add(std::string_view(id));
    for (const std::string& id : update.fired_timer_ids) deleted.Add(std::string_view(id));
    for (const std::string& id : update.cancelled_timer_ids) deleted.Add(std::string_view(id));
    for (const TimerRecord& timer : update.new_timers) {
      timer_ids.Add(std::string_view(timer.timer_id));
      fire_at.Add(ToMicros(timer.fire_at));
    }
  }

  StepArrays Literals() && {
    return StepArrays{std::move(ids).Literal(),        std::move(previous).Literal(),
                      std::move(types).Literal(),      std::move(timestamps).Literal(),
                      std::move(events).Literal(),     std::move(task_ids).Literal(),
                      std::move(tokens).Literal(),     std::move(queues).Literal(),
                      std::move(resources).Literal(),  std::move(states).Literal(),
                      std::move(payloads).Literal(),   std::move(timeouts).Literal(),
                      std::move(heartbeats).Literal(), std::move(scheduled).Literal(),
                      std::move(attempts).Literal(),   std::move(invocation_tokens).Literal(),
                      std::move(workers).Literal(),    std::move(claimed).Literal(),
                      std::move(leases).Literal(),     std::move(completed).Literal(),
                      std::move(timed_out).Literal(),  std::move(cancelled).Literal(),
                      std::move(deleted).Literal(),    std::move(timer_ids).Literal(),
                      std::move(fire_at).Literal()};
  }
};

}  // namespace

StepArrays ToStepArrays(const StepUpdate& update) {
  StepRowArrays rows;
  rows.Add(update);
  return std::move(rows).Literals();
}

StepBatchArrays ToStepBatchArrays(const std::vector<StepCommit>& steps) {
  StepRowArrays rows;
  PgArray arns, versions, documents, statuses, outputs, errors, causes, stops, redrives,
      must_be_open;
  PgArray history_end, task_end, completed_end, timed_out_end, cancelled_end, deleted_end,
      timer_end;
  int64_t history = 0, tasks = 0, completed = 0, timed_out = 0, cancelled = 0, deleted = 0,
          timers = 0;
  for (const StepCommit& step : steps) {
    const StepUpdate& update = *step.update;
    arns.Add(std::string_view(update.execution_arn));
    versions.Add(step.expected_version);
    documents.Add(std::string_view(update.state_document));
    statuses.Add(ExecutionStatusName(update.status));
    outputs.Add(std::string_view(update.output));
    errors.Add(std::string_view(update.error));
    causes.Add(std::string_view(update.cause));
    stops.Add(Micros(update.stop_time));
    redrives.Add(Micros(update.redrive_date));
    must_be_open.AddBool(update.consumed_tasks_must_be_open);
    rows.Add(update);
    history_end.Add(history += static_cast<int64_t>(update.history.size()));
    task_end.Add(tasks += static_cast<int64_t>(update.new_tasks.size()));
    completed_end.Add(completed += static_cast<int64_t>(update.completed_task_ids.size()));
    timed_out_end.Add(timed_out += static_cast<int64_t>(update.timed_out_task_ids.size()));
    cancelled_end.Add(cancelled += static_cast<int64_t>(update.cancelled_task_ids.size()));
    deleted_end.Add(deleted += static_cast<int64_t>(update.fired_timer_ids.size() +
                                                    update.cancelled_timer_ids.size()));
    timer_end.Add(timers += static_cast<int64_t>(update.new_timers.size()));
  }
  return StepBatchArrays{std::move(arns).Literal(),          std::move(versions).Literal(),
                         std::move(documents).Literal(),     std::move(statuses).Literal(),
                         std::move(outputs).Literal(),       std::move(errors).Literal(),
                         std::move(causes).Literal(),        std::move(stops).Literal(),
                         std::move(redrives).Literal(),      std::move(must_be_open).Literal(),
                         std::move(history_end).Literal(),   std::move(task_end).Literal(),
                         std::move(completed_end).Literal(), std::move(timed_out_end).Literal(),
                         std::move(cancelled_end).Literal(), std::move(deleted_end).Literal(),
                         std::move(timer_end).Literal(),     std::move(rows).Literals()};
}

}  // namespace stepwise::persistence::rows
