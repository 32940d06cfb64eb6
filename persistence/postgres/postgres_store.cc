#include "persistence/postgres/postgres_store.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include "absl/strings/numbers.h"
#include "common/status_macros.h"
#include "common/str_cat.h"
#include "persistence/page_token.h"
#include "persistence/postgres/commit_batcher.h"
#include "persistence/postgres/migrator.h"
#include "persistence/postgres/pool.h"
#include "persistence/postgres/postgres_rows.h"
#include "persistence/postgres/statements.h"
#include "persistence/store_rules.h"
#include "pqxx/except"
#include "pqxx/nontransaction"
#include "pqxx/result"

namespace stepwise::persistence {
namespace {

using rows::Micros;

absl::Status Deleting(std::string_view arn) {
  return absl::FailedPreconditionError(StrCat("State machine is being deleted: '", arn, "'"));
}

absl::Status NoStateMachine(std::string_view arn) {
  return absl::NotFoundError(StrCat("State machine does not exist: '", arn, "'"));
}

absl::Status NoExecution(std::string_view arn) {
  return absl::NotFoundError(StrCat("Execution does not exist: '", arn, "'"));
}

absl::Status NoTask() { return absl::NotFoundError("No task has this token"); }

absl::Status CheckPageSize(int page_size) {
  if (page_size < 1) return absl::InvalidArgumentError("Page size must be at least 1");
  return absl::OkStatus();
}

std::string Str(std::string_view text) { return std::string(text); }

absl::StatusOr<std::optional<ExecutionRecord>> FindExecution(pqxx::transaction_base& tx,
                                                             const std::string& arn) {
  pqxx::result result = tx.exec_prepared(sql::kGetExecution.name, arn);
  if (result.empty()) return std::optional<ExecutionRecord>();
  ASSIGN_OR_RETURN(ExecutionRecord record, rows::ToExecution(result[0]));
  return std::optional<ExecutionRecord>(std::move(record));
}

// A timer statement guarded by `owner` matched no row: gone, or not held.
absl::Status WhyTimerNotHeld(pqxx::transaction_base& tx, std::string_view execution_arn,
                             std::string_view timer_id, std::string_view owner) {
  if (tx.exec_prepared(sql::kTimerExists.name, Str(execution_arn), Str(timer_id)).empty()) {
    return absl::NotFoundError(StrCat("No timer '", timer_id, "' in '", execution_arn, "'"));
  }
  return absl::FailedPreconditionError(
      StrCat("Timer '", timer_id, "' is not held by '", owner, "'"));
}

// The MESSAGE of a RAISE in a schema 0006 function: what() is libpq's
// "ERROR:  <message>\n" (the severity word translated under another
// lc_messages) followed by CONTEXT lines.
std::string RaisedMessage(const pqxx::sql_error& e) {
  std::string_view text = e.what();
  text = text.substr(0, text.find('\n'));
  constexpr std::string_view kSeparator = ":  ";
  if (const size_t at = text.find(kSeparator); at != std::string_view::npos) {
    text.remove_prefix(at + kSeparator.size());
  }
  return std::string(text);
}

// Why stepwise_commit_step (schema 0006) refused `update` (the SQLSTATE and
// message it raised), as the status CommitStep gives; nullopt for any other
// error.
std::optional<absl::Status> RefusedStep(std::string_view state, std::string_view message,
                                        const StepUpdate& update, int64_t expected_version) {
  if (state == "SW404") return NoExecution(update.execution_arn);
  if (state == "SW409") {
    return absl::AbortedError(StrCat("Execution '", update.execution_arn, "' is at version ",
                                     message, ", not ", expected_version));
  }
  if (state == "SW412") {
    absl::StatusOr<ExecutionStatus> status = ParseExecutionStatus(message);
    if (!status.ok()) return absl::InternalError(status.status().message());
    absl::Status allowed = CheckStepAllowed(*status, update);
    if (!allowed.ok()) return allowed;
    return absl::InternalError("Commit matched no row for no known reason");
  }
  if (state == "SW410") {
    return absl::FailedPreconditionError(
        StrCat("A task consumed by the step on '", update.execution_arn, "' is no longer open"));
  }
  return std::nullopt;
}

using Rerun = ConnectionPool::Rerun;

}  // namespace

absl::StatusOr<std::unique_ptr<PostgresStore>> PostgresStore::Connect(
    const PostgresStoreOptions& options) {
  if (options.apply_migrations) {
    absl::StatusOr<int> applied = ApplyMigrations(options.url);
    if (!applied.ok()) return applied.status();
  }
  auto pool = std::make_unique<ConnectionPool>(ConnectionPoolOptions{
      options.url, options.max_connections, options.acquire_timeout, sql::PrepareAll});
  // Fail now, not on the first request, when the database is unreachable.
  RETURN_IF_ERROR(pool->Acquire().status());
  return std::unique_ptr<PostgresStore>(new PostgresStore(std::move(pool), options));
}

PostgresStore::PostgresStore(std::unique_ptr<ConnectionPool> pool,
                             const PostgresStoreOptions& options)
    : pool_(std::move(pool)) {
  // max_commit_batch 1: no batcher at all, every step straight to the pool.
  if (options.max_commit_batch <= 1) return;
  // As many batches as connections: a step that would wait for one joins
  // the next batch instead.
  batcher_ = std::make_unique<CommitBatcher>(
      CommitBatcherOptions{.max_in_flight = pool_->max_connections(),
                           .max_batch = options.max_commit_batch},
      [this](const std::vector<StepCommit>& steps) { return CommitSteps(steps); });
}

PostgresStore::~PostgresStore() = default;

int DefaultMaxConnections() {
  const int cores = static_cast<int>(std::thread::hardware_concurrency());  // 0: unknown.
  return std::clamp(cores + 1, 3, 16);
}

// --- State machines ----------------------------------------------------------

absl::StatusOr<StateMachineRecord> PostgresStore::CreateStateMachine(
    const StateMachineRecord& record) {
  return pool_->Transact([&](pqxx::work& tx) -> absl::StatusOr<StateMachineRecord> {
    // A machine of this arn or name whose deletion finished frees them now.
    tx.exec_prepared(sql::kPurgeStateMachines.name, record.arn, record.name);
    pqxx::result inserted = tx.exec_prepared(sql::kInsertStateMachine.name, record.arn, record.name,
                                             record.type, record.definition, record.role_arn,
                                             record.revision_id, ToMicros(record.creation_date));
    if (inserted.empty()) {  // The arn or the name exists.
      pqxx::result existing = tx.exec_prepared(sql::kGetStateMachine.name, record.arn);
      if (!existing.empty()) {
        StateMachineRecord current = rows::ToStateMachine(existing[0]);
        if (current.status == StateMachineStatus::kDeleting) return Deleting(record.arn);
        if (SameStateMachine(current, record)) return current;
      }
      return absl::AlreadyExistsError(
          StrCat("State machine already exists: '", record.arn, "' / '", record.name, "'"));
    }
    tx.exec_prepared(sql::kInsertRevision.name, record.revision_id, record.arn, record.definition,
                     record.role_arn, ToMicros(record.creation_date));
    return rows::ToStateMachine(inserted[0]);
  });
}

absl::StatusOr<StateMachineRecord> PostgresStore::GetStateMachine(std::string_view arn) {
  return pool_->Query(
      Rerun::kAlways, [&](pqxx::nontransaction& tx) -> absl::StatusOr<StateMachineRecord> {
        pqxx::result result = tx.exec_prepared(sql::kGetStateMachine.name, Str(arn));
        if (result.empty()) return NoStateMachine(arn);
        return rows::ToStateMachine(result[0]);
      });
}

absl::StatusOr<StateMachineRevision> PostgresStore::GetStateMachineRevision(
    std::string_view revision_id) {
  return pool_->Query(
      Rerun::kAlways, [&](pqxx::nontransaction& tx) -> absl::StatusOr<StateMachineRevision> {
        pqxx::result result = tx.exec_prepared(sql::kGetRevision.name, Str(revision_id));
        if (result.empty()) {
          return absl::NotFoundError(StrCat("No state machine revision '", revision_id, "'"));
        }
        return rows::ToRevision(result[0]);
      });
}

absl::StatusOr<StateMachinePage> PostgresStore::ListStateMachines(int page_size,
                                                                  std::string_view page_token) {
  RETURN_IF_ERROR(CheckPageSize(page_size));
  std::string after;
  if (!page_token.empty()) {
    ASSIGN_OR_RETURN(std::vector<std::string> parts, DecodePageToken(page_token, 1));
    after = std::move(parts[0]);
  }
  return pool_->Query(
      Rerun::kAlways, [&](pqxx::nontransaction& tx) -> absl::StatusOr<StateMachinePage> {
        // One extra row tells whether another page follows.
        pqxx::result result =
            tx.exec_prepared(sql::kListStateMachines.name, after, int64_t{page_size} + 1);
        StateMachinePage page;
        for (const pqxx::row& row : result) {
          if (static_cast<int>(page.state_machines.size()) == page_size) {
            page.next_page_token = EncodePageToken({page.state_machines.back().arn});
            break;
          }
          page.state_machines.push_back(rows::ToStateMachine(row));
        }
        return page;
      });
}

absl::StatusOr<StateMachineRecord> PostgresStore::UpdateStateMachine(
    const StateMachineUpdate& update) {
  return pool_->Transact([&](pqxx::work& tx) -> absl::StatusOr<StateMachineRecord> {
    pqxx::result result =
        tx.exec_prepared(sql::kUpdateStateMachine.name, update.arn, update.definition,
                         update.role_arn, update.revision_id, ToMicros(update.update_date));
    if (result.empty()) {  // Absent, or DELETING (the update only matches ACTIVE rows).
      if (tx.exec_prepared(sql::kGetStateMachine.name, update.arn).empty()) {
        return NoStateMachine(update.arn);
      }
      return Deleting(update.arn);
    }
    StateMachineRecord record = rows::ToStateMachine(result[0]);
    tx.exec_prepared(sql::kInsertRevision.name, record.revision_id, record.arn, record.definition,
                     record.role_arn, ToMicros(update.update_date));
    return record;
  });
}

absl::Status PostgresStore::DeleteStateMachine(std::string_view arn) {
  return pool_->Transact([&](pqxx::work& tx) -> absl::Status {
    pqxx::result marked = tx.exec_prepared(sql::kMarkStateMachineDeleting.name, Str(arn));
    if (marked.affected_rows() == 0) {
      tx.exec_prepared(sql::kPurgeStateMachines.name, Str(arn), "");
      return NoStateMachine(arn);
    }
    // Gone at once when none of its executions runs.
    tx.exec_prepared(sql::kPurgeStateMachines.name, Str(arn), "");
    return absl::OkStatus();
  });
}

// --- Executions --------------------------------------------------------------

absl::StatusOr<CreateExecutionResult> PostgresStore::CreateExecution(
    const NewExecution& execution) {
  RETURN_IF_ERROR(ValidateNewExecution(execution));
  const ExecutionRecord& request = execution.execution;
  const StepUpdate& step = execution.first_step;
  const rows::StepArrays arrays = rows::ToStepArrays(step);
  // One autocommit statement (schemas 0006, 0007, 0009): the row and its first
  // step, or the existing execution of that arn untouched.
  return pool_->Query(
      Rerun::kIfUnsent, [&](pqxx::nontransaction& tx) -> absl::StatusOr<CreateExecutionResult> {
        pqxx::result result;
        try {
          result = tx.exec_prepared(
              sql::kCreateExecution.name, request.execution_arn, request.state_machine_arn,
              request.revision_id, request.name, std::string(ExecutionStatusName(step.status)),
              request.input, step.output, step.error, step.cause, ToMicros(request.start_time),
              Micros(step.stop_time), step.state_document, arrays.history_ids,
              arrays.history_previous, arrays.history_types, arrays.history_timestamps,
              arrays.history_events, arrays.task_ids, arrays.task_tokens, arrays.task_queues,
              arrays.task_resources, arrays.task_states, arrays.task_payloads, arrays.task_timeouts,
              arrays.task_heartbeats, arrays.task_scheduled, arrays.task_attempts,
              arrays.task_invocations, arrays.task_workers, arrays.task_claimed, arrays.task_leases,
              arrays.completed, arrays.timed_out, step.consumed_tasks_must_be_open,
              arrays.cancelled, arrays.deleted_timers, arrays.timer_ids, arrays.timer_fire_at,
              execution.require_current_revision);
        } catch (const pqxx::sql_error& e) {
          if (e.sqlstate() == "SW414") return NoStateMachine(request.state_machine_arn);
          if (e.sqlstate() == "SW423") return Deleting(request.state_machine_arn);
          if (e.sqlstate() == "SW428") {
            return absl::AbortedError(StrCat("State machine '", request.state_machine_arn,
                                             "' is no longer at revision '", request.revision_id,
                                             "'"));
          }
          if (std::optional<absl::Status> refused =
                  RefusedStep(e.sqlstate(), RaisedMessage(e), step, 1)) {
            return *std::move(refused);
          }
          throw;
        }
        // No row: a concurrent start's row was there for the insert and gone
        // for the read after it.
        if (result.empty()) {
          return absl::AbortedError("Execution vanished during its creation; retry");
        }
        ASSIGN_OR_RETURN(ExecutionRecord record, rows::ToExecution(result[0]));
        if (result[0][14].as<bool>()) return CreateExecutionResult{std::move(record), true};
        // It existed (or a concurrent start of the same name committed first):
        // answer as if it had come first.
        RETURN_IF_ERROR(CheckIdempotentStart(record, request));
        return CreateExecutionResult{std::move(record), false};
      });
}

absl::StatusOr<ExecutionRecord> PostgresStore::GetExecution(std::string_view execution_arn) {
  return pool_->Query(Rerun::kAlways,
                      [&](pqxx::nontransaction& tx) -> absl::StatusOr<ExecutionRecord> {
                        ASSIGN_OR_RETURN(std::optional<ExecutionRecord> record,
                                         FindExecution(tx, Str(execution_arn)));
                        if (!record.has_value()) return NoExecution(execution_arn);
                        return *std::move(record);
                      });
}

absl::StatusOr<ExecutionSnapshot> PostgresStore::LoadExecution(std::string_view execution_arn) {
  return pool_->Query(
      Rerun::kAlways, [&](pqxx::nontransaction& tx) -> absl::StatusOr<ExecutionSnapshot> {
        pqxx::result result = tx.exec_prepared(sql::kLoadExecution.name, Str(execution_arn));
        if (result.empty()) return NoExecution(execution_arn);
        ASSIGN_OR_RETURN(ExecutionRecord record, rows::ToExecution(result[0]));
        const pqxx::row row = result[0];
        ExecutionSnapshot snapshot;
        snapshot.execution = std::move(record);
        snapshot.state_document = row[14].as<std::string>();
        if (!row[15].is_null()) {
          if (row[15].as<std::string>() == "DELETING") {
            snapshot.machine_status = StateMachineStatus::kDeleting;
          }
          snapshot.machine_name = row[16].as<std::string>();
          snapshot.machine_type = row[17].as<std::string>();
        }
        return snapshot;
      });
}

absl::StatusOr<ExecutionPage> PostgresStore::ListExecutions(const ExecutionFilter& filter,
                                                            int page_size,
                                                            std::string_view page_token) {
  RETURN_IF_ERROR(CheckPageSize(page_size));
  std::optional<int64_t> after_micros;
  std::optional<std::string> after_arn;
  if (!page_token.empty()) {
    ASSIGN_OR_RETURN(std::vector<std::string> parts, DecodePageToken(page_token, 2));
    int64_t micros = 0;
    if (!absl::SimpleAtoi(parts[0], &micros)) {
      return absl::InvalidArgumentError("Invalid page token");
    }
    after_micros = micros;
    after_arn = std::move(parts[1]);
  }
  std::optional<std::string> status;
  if (filter.status.has_value()) status = std::string(ExecutionStatusName(*filter.status));
  return pool_->Query(
      Rerun::kAlways, [&](pqxx::nontransaction& tx) -> absl::StatusOr<ExecutionPage> {
        pqxx::result result =
            tx.exec_prepared(sql::kListExecutions.name, filter.state_machine_arn, status,
                             after_micros, after_arn, int64_t{page_size} + 1);
        ExecutionPage page;
        for (const pqxx::row& row : result) {
          if (static_cast<int>(page.executions.size()) == page_size) {
            const ExecutionRecord& last = page.executions.back();
            page.next_page_token =
                EncodePageToken({StrCat(ToMicros(last.start_time)), last.execution_arn});
            break;
          }
          ASSIGN_OR_RETURN(ExecutionRecord record, rows::ToExecution(row));
          page.executions.push_back(std::move(record));
        }
        return page;
      });
}

absl::StatusOr<int64_t> PostgresStore::CommitStep(const StepUpdate& update,
                                                  int64_t expected_version) {
  RETURN_IF_ERROR(ValidateStepUpdate(update));
  if (batcher_ == nullptr) return CommitOneStep(update, expected_version);
  return batcher_->Commit(update, expected_version);
}

absl::StatusOr<int64_t> PostgresStore::CommitOneStep(const StepUpdate& update,
                                                     int64_t expected_version) {
  const rows::StepArrays arrays = rows::ToStepArrays(update);
  // One autocommit statement: the function's implicit transaction is the
  // step's, so a refused step (it raises) writes nothing.
  return pool_->Query(Rerun::kIfUnsent, [&](pqxx::nontransaction& tx) -> absl::StatusOr<int64_t> {
    try {
      pqxx::result result = tx.exec_prepared(
          sql::kCommitStep.name, update.execution_arn, expected_version, update.state_document,
          std::string(ExecutionStatusName(update.status)), update.output, update.error,
          update.cause, Micros(update.stop_time), Micros(update.redrive_date), arrays.history_ids,
          arrays.history_previous, arrays.history_types, arrays.history_timestamps,
          arrays.history_events, arrays.task_ids, arrays.task_tokens, arrays.task_queues,
          arrays.task_resources, arrays.task_states, arrays.task_payloads, arrays.task_timeouts,
          arrays.task_heartbeats, arrays.task_scheduled, arrays.task_attempts,
          arrays.task_invocations, arrays.task_workers, arrays.task_claimed, arrays.task_leases,
          arrays.completed, arrays.timed_out, update.consumed_tasks_must_be_open, arrays.cancelled,
          arrays.deleted_timers, arrays.timer_ids, arrays.timer_fire_at);
      return result[0][0].as<int64_t>();
    } catch (const pqxx::sql_error& e) {
      if (std::optional<absl::Status> refused =
              RefusedStep(e.sqlstate(), RaisedMessage(e), update, expected_version)) {
        return *std::move(refused);
      }
      throw;
    }
  });
}

std::vector<absl::StatusOr<int64_t>> PostgresStore::CommitSteps(
    const std::vector<StepCommit>& steps) {
  using Result = absl::StatusOr<int64_t>;
  if (steps.size() == 1) return {CommitOneStep(*steps[0].update, steps[0].expected_version)};
  for (const StepCommit& step : steps) {
    if (absl::Status valid = ValidateStepUpdate(*step.update); !valid.ok()) {
      // Never batched (CommitStep checks first); all or nothing here.
      return std::vector<Result>(steps.size(), valid);
    }
  }
  const rows::StepBatchArrays a = rows::ToStepBatchArrays(steps);
  const rows::StepArrays& r = a.rows;
  absl::StatusOr<std::vector<Result>> results = pool_->Query(
      Rerun::kIfUnsent, [&](pqxx::nontransaction& tx) -> absl::StatusOr<std::vector<Result>> {
        pqxx::result rows = tx.exec_prepared(
            sql::kCommitSteps.name, a.arns, a.expected_versions, a.state_documents, a.statuses,
            a.outputs, a.errors, a.causes, a.stop_us, a.redrive_us, a.must_be_open, a.history_end,
            r.history_ids, r.history_previous, r.history_types, r.history_timestamps,
            r.history_events, a.task_end, r.task_ids, r.task_tokens, r.task_queues,
            r.task_resources, r.task_states, r.task_payloads, r.task_timeouts, r.task_heartbeats,
            r.task_scheduled, r.task_attempts, r.task_invocations, r.task_workers, r.task_claimed,
            r.task_leases, a.completed_end, r.completed, a.timed_out_end, r.timed_out,
            a.cancelled_end, r.cancelled, a.deleted_end, r.deleted_timers, a.timer_end, r.timer_ids,
            r.timer_fire_at);
        if (rows.size() != steps.size()) {
          return absl::InternalError(StrCat("stepwise_commit_steps returned ", rows.size(),
                                            " rows for ", steps.size(), " steps"));
        }
        std::vector<Result> out;
        out.reserve(steps.size());
        for (size_t i = 0; i < steps.size(); ++i) {
          if (!rows[i][0].is_null()) {
            out.push_back(rows[i][0].as<int64_t>());
            continue;
          }
          const std::string_view state(rows[i][1].c_str(), rows[i][1].size());
          const std::string_view message(rows[i][2].c_str(), rows[i][2].size());
          std::optional<absl::Status> refused =
              RefusedStep(state, message, *steps[i].update, steps[i].expected_version);
          out.push_back(refused.has_value() ? *std::move(refused)
                                            : StatusFromSqlState(state, message));
        }
        return out;
      });
  if (!results.ok()) return std::vector<Result>(steps.size(), results.status());
  return *std::move(results);
}

absl::StatusOr<std::vector<HistoryRecord>> PostgresStore::ReadHistory(
    std::string_view execution_arn, const HistoryQuery& query) {
  const std::string arn(execution_arn);
  return pool_->Query(
      Rerun::kAlways, [&](pqxx::nontransaction& tx) -> absl::StatusOr<std::vector<HistoryRecord>> {
        int64_t cursor = query.cursor;
        if (query.reverse && cursor == 0) cursor = std::numeric_limits<int64_t>::max();
        pqxx::result result =
            tx.exec_prepared(query.reverse ? sql::kHistoryReverse.name : sql::kHistoryForward.name,
                             arn, cursor, int64_t{std::max(query.max_events, 0)});
        if (result.empty() && tx.exec_prepared(sql::kExecutionVersion.name, arn).empty()) {
          return NoExecution(execution_arn);
        }
        std::vector<HistoryRecord> events;
        events.reserve(result.size());
        for (const pqxx::row& row : result) events.push_back(rows::ToHistory(row));
        return events;
      });
}

// --- Tasks -------------------------------------------------------------------

absl::StatusOr<std::optional<TaskRecord>> PostgresStore::ClaimTask(std::string_view queue,
                                                                   std::string_view worker_id,
                                                                   const TaskLeaseRule& rule,
                                                                   absl::Time now) {
  // Durations in microseconds, bounded so that now + lease cannot overflow.
  constexpr absl::Duration kLongest = absl::Hours(24 * 365 * 100);
  auto micros = [&](absl::Duration d) {
    return absl::ToInt64Microseconds(std::clamp(d, absl::ZeroDuration(), kLongest));
  };
  return pool_->Query(
      Rerun::kIfUnsent, [&](pqxx::nontransaction& tx) -> absl::StatusOr<std::optional<TaskRecord>> {
        // One autocommit statement that does not wait for its WAL flush
        // (sql::kClaimTask says why that is safe).
        pqxx::result result = tx.exec_prepared(
            sql::kClaimTask.name, Str(queue), Str(worker_id), micros(rule.default_lease),
            ToMicros(now), rule.use_timeout, rule.heartbeat_margin, micros(rule.max_lease));
        if (result.empty()) return std::optional<TaskRecord>();
        ASSIGN_OR_RETURN(TaskRecord task, rows::ToTask(result[0]));
        return std::optional<TaskRecord>(std::move(task));
      });
}

absl::StatusOr<TaskRecord> PostgresStore::FindTaskByToken(std::string_view task_token) {
  return pool_->Query(Rerun::kAlways, [&](pqxx::nontransaction& tx) -> absl::StatusOr<TaskRecord> {
    pqxx::result result = tx.exec_prepared(sql::kFindTask.name, Str(task_token));
    if (result.empty()) return NoTask();
    return rows::ToTask(result[0]);
  });
}

absl::StatusOr<TaskRecord> PostgresStore::RecordHeartbeat(std::string_view task_token,
                                                          absl::Time now, absl::Time lease_until) {
  return pool_->Query(Rerun::kAlways, [&](pqxx::nontransaction& tx) -> absl::StatusOr<TaskRecord> {
    pqxx::result result = tx.exec_prepared(sql::kHeartbeat.name, Str(task_token), ToMicros(now),
                                           ToMicros(lease_until));
    if (!result.empty()) return rows::ToTask(result[0]);
    pqxx::result found = tx.exec_prepared(sql::kFindTask.name, Str(task_token));
    if (found.empty()) return NoTask();
    ASSIGN_OR_RETURN(TaskRecord task, rows::ToTask(found[0]));
    return absl::FailedPreconditionError(
        StrCat("Task '", task.task_id, "' is ", TaskStatusName(task.status)));
  });
}

absl::StatusOr<TaskRecord> PostgresStore::AcknowledgeInvocation(std::string_view invocation_token) {
  return pool_->Query(Rerun::kAlways, [&](pqxx::nontransaction& tx) -> absl::StatusOr<TaskRecord> {
    pqxx::result result = tx.exec_prepared(sql::kAcknowledgeInvocation.name, Str(invocation_token));
    if (!result.empty()) return rows::ToTask(result[0]);
    pqxx::result found = tx.exec_prepared(sql::kFindTask.name, Str(invocation_token));
    if (found.empty()) return NoTask();
    ASSIGN_OR_RETURN(TaskRecord task, rows::ToTask(found[0]));
    if (task.invocation_token != invocation_token) return NoTask();  // A callback token.
    if (task.status == TaskStatus::kInvoked || task.status == TaskStatus::kCompleted) return task;
    return absl::FailedPreconditionError(
        StrCat("Task '", task.task_id, "' is ", TaskStatusName(task.status)));
  });
}

// --- Timers ------------------------------------------------------------------

absl::StatusOr<std::vector<TimerRecord>> PostgresStore::ClaimDueTimers(absl::Time now, int limit,
                                                                       std::string_view owner,
                                                                       absl::Time lease_until) {
  return pool_->Query(
      Rerun::kIfUnsent, [&](pqxx::nontransaction& tx) -> absl::StatusOr<std::vector<TimerRecord>> {
        pqxx::result result =
            tx.exec_prepared(sql::kClaimTimers.name, ToMicros(now), int64_t{std::max(limit, 0)},
                             Str(owner), ToMicros(lease_until));
        std::vector<TimerRecord> timers;
        for (const pqxx::row& row : result) timers.push_back(rows::ToTimer(row));
        std::sort(timers.begin(), timers.end(), [](const TimerRecord& a, const TimerRecord& b) {
          return std::tie(a.fire_at, a.execution_arn, a.timer_id) <
                 std::tie(b.fire_at, b.execution_arn, b.timer_id);
        });
        return timers;
      });
}

absl::Status PostgresStore::RescheduleTimer(std::string_view execution_arn,
                                            std::string_view timer_id, std::string_view owner,
                                            absl::Time fire_at) {
  return pool_->Query(Rerun::kIfUnsent, [&](pqxx::nontransaction& tx) -> absl::Status {
    pqxx::result result = tx.exec_prepared(sql::kRescheduleTimer.name, Str(execution_arn),
                                           Str(timer_id), Str(owner), ToMicros(fire_at));
    if (result.affected_rows() > 0) return absl::OkStatus();
    return WhyTimerNotHeld(tx, execution_arn, timer_id, owner);
  });
}

absl::Status PostgresStore::DeleteTimer(std::string_view execution_arn, std::string_view timer_id,
                                        std::string_view owner) {
  return pool_->Query(Rerun::kIfUnsent, [&](pqxx::nontransaction& tx) -> absl::Status {
    pqxx::result result =
        tx.exec_prepared(sql::kDeleteHeldTimer.name, Str(execution_arn), Str(timer_id), Str(owner));
    if (result.affected_rows() > 0) return absl::OkStatus();
    return WhyTimerNotHeld(tx, execution_arn, timer_id, owner);
  });
}

}  // namespace stepwise::persistence
