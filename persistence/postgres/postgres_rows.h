// Row <-> record conversions for PostgresStore, in the column orders of
// statements.h. Throw pqxx exceptions like the rest of libpqxx (callers run
// inside ConnectionPool::Transact).
#ifndef STEPWISE_PERSISTENCE_POSTGRES_POSTGRES_ROWS_H_
#define STEPWISE_PERSISTENCE_POSTGRES_POSTGRES_ROWS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "persistence/postgres/commit_batcher.h"
#include "persistence/records.h"
#include "pqxx/result"
#include "pqxx/row"
#include "pqxx/transaction"

namespace stepwise::persistence::rows {

// Microseconds for a stepwise_ts() parameter; nullopt binds NULL.
std::optional<int64_t> Micros(const std::optional<absl::Time>& time);

StateMachineRecord ToStateMachine(const pqxx::row& row);
StateMachineRevision ToRevision(const pqxx::row& row);
// kInternal if the status column holds an unknown value.
absl::StatusOr<ExecutionRecord> ToExecution(const pqxx::row& row);
HistoryRecord ToHistory(const pqxx::row& row);
absl::StatusOr<TaskRecord> ToTask(const pqxx::row& row);
TimerRecord ToTimer(const pqxx::row& row);

// The array parameters of sql::kCommitStep / kCreateExecution for one step
// (stepwise_write_step_rows, schema 0006): parallel PostgreSQL array
// literals (pg_array.h), "{}" when empty.
struct StepArrays {
  std::string history_ids, history_previous, history_types, history_timestamps, history_events;
  std::string task_ids, task_tokens, task_queues, task_resources, task_states, task_payloads,
      task_timeouts, task_heartbeats, task_scheduled, task_attempts, task_invocations;
  // TaskRecord::claim (schema 0007): worker, claim time and lease (NULL: PENDING).
  std::string task_workers, task_claimed, task_leases;
  std::string completed, timed_out, cancelled;
  std::string deleted_timers;  // Fired and cancelled.
  std::string timer_ids, timer_fire_at;
};
StepArrays ToStepArrays(const StepUpdate& update);

// The parameters of sql::kCommitSteps (stepwise_commit_steps, schema 0011):
// each step's values as arrays indexed by step, the steps' row arrays
// concatenated in order, and where each step's part of each ends.
struct StepBatchArrays {
  std::string arns, expected_versions, state_documents, statuses, outputs, errors, causes, stop_us,
      redrive_us, must_be_open;
  std::string history_end, task_end, completed_end, timed_out_end, cancelled_end, deleted_end,
      timer_end;
  StepArrays rows;
};
StepBatchArrays ToStepBatchArrays(const std::vector<StepCommit>& steps);

}  // namespace stepwise::persistence::rows

#endif  // STEPWISE_PERSISTENCE_POSTGRES_POSTGRES_ROWS_H_
