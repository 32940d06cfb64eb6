// Row <-> record conversions for PostgresStore, in the column orders of
// statements.h. Throw pqxx exceptions like the rest of libpqxx (callers run
// inside ConnectionPool::Transact).
#ifndef STEPWISE_PERSISTENCE_POSTGRES_POSTGRES_ROWS_H_
#define STEPWISE_PERSISTENCE_POSTGRES_POSTGRES_ROWS_H_

#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
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

// Writes the history, tasks (+ NOTIFY), task closings and timers of
// `update` (everything but the executions row). kFailedPrecondition when
// update.consumed_tasks_must_be_open and a consumed task is closed: the
// caller must not commit.
absl::Status WriteStepRows(pqxx::work& tx, const StepUpdate& update);

}  // namespace stepwise::persistence::rows

#endif  // STEPWISE_PERSISTENCE_POSTGRES_POSTGRES_ROWS_H_
