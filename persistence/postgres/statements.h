// The SQL of PostgresStore, prepared once on every pooled connection. Times
// are bigint microseconds converted by stepwise_ts()/stepwise_us() (schema
// 0001); batches travel as arrays through unnest().
#ifndef STEPWISE_PERSISTENCE_POSTGRES_STATEMENTS_H_
#define STEPWISE_PERSISTENCE_POSTGRES_STATEMENTS_H_

#include "pqxx/connection"

namespace stepwise::persistence::sql {

#define STEPWISE_SM_COLUMNS                                                          \
  "arn, name, type, definition, role_arn, revision_id, stepwise_us(creation_date), " \
  "stepwise_us(update_date), status"
// A state machine row that still exists for the API: ACTIVE, or DELETING
// while one of its executions runs (schema 0005).
#define STEPWISE_SM_LIVE                                     \
  "(status = 'ACTIVE' OR EXISTS (SELECT 1 FROM executions e" \
  " WHERE e.state_machine_arn = state_machines.arn AND e.status = 'RUNNING'))"
#define STEPWISE_EXECUTION_COLUMNS                                                      \
  "execution_arn, state_machine_arn, revision_id, name, status, input, output, error, " \
  "cause, stepwise_us(start_time), stepwise_us(stop_time), redrive_count, "             \
  "stepwise_us(redrive_date), version"
#define STEPWISE_TASK_COLUMNS                                                                  \
  "t.execution_arn, t.task_id, t.task_token, t.queue, t.resource, t.state_name, t.payload, "   \
  "t.timeout_seconds, t.heartbeat_seconds, stepwise_us(t.scheduled_at), t.status, "            \
  "t.worker_id, stepwise_us(t.lease_until), stepwise_us(t.last_heartbeat), t.delivery_count, " \
  "t.attempt, COALESCE(t.invocation_token, '')"
#define STEPWISE_TIMER_COLUMNS \
  "t.execution_arn, t.timer_id, stepwise_us(t.fire_at), t.owner, stepwise_us(t.lease_until)"

struct Statement {
  const char* name;
  const char* sql;
};

// --- State machines ----------------------------------------------------------
inline constexpr Statement kGetStateMachine{
    "get_state_machine",
    "SELECT " STEPWISE_SM_COLUMNS " FROM state_machines WHERE arn = $1 AND " STEPWISE_SM_LIVE};
// ON CONFLICT covers both the arn and the name: the caller tells them apart.
inline constexpr Statement kInsertStateMachine{
    "insert_state_machine",
    "INSERT INTO state_machines (arn, name, type, definition, role_arn, revision_id,"
    " creation_date, update_date) VALUES ($1, $2, $3, $4, $5, $6, stepwise_ts($7),"
    " stepwise_ts($7)) ON CONFLICT DO NOTHING RETURNING " STEPWISE_SM_COLUMNS};
inline constexpr Statement kInsertRevision{
    "insert_revision",
    "INSERT INTO state_machine_revisions (revision_id, state_machine_arn, definition, role_arn,"
    " creation_date) VALUES ($1, $2, $3, $4, stepwise_ts($5))"};
inline constexpr Statement kGetRevision{
    "get_revision",
    "SELECT revision_id, state_machine_arn, definition, role_arn, stepwise_us(creation_date)"
    " FROM state_machine_revisions WHERE revision_id = $1"};
inline constexpr Statement kListStateMachines{
    "list_state_machines",
    "SELECT " STEPWISE_SM_COLUMNS " FROM state_machines WHERE arn > $1 AND " STEPWISE_SM_LIVE
    " ORDER BY arn LIMIT $2"};
inline constexpr Statement kUpdateStateMachine{
    "update_state_machine",
    "UPDATE state_machines SET definition = COALESCE($2, definition),"
    " role_arn = COALESCE($3, role_arn), revision_id = $4, update_date = stepwise_ts($5)"
    " WHERE arn = $1 AND status = 'ACTIVE' RETURNING " STEPWISE_SM_COLUMNS};
inline constexpr Statement kMarkStateMachineDeleting{
    "mark_state_machine_deleting",
    "UPDATE state_machines SET status = 'DELETING' WHERE arn = $1 AND " STEPWISE_SM_LIVE};
// Removes the machines with arn $1 or name $2 that are gone (DELETING, none
// of their executions RUNNING).
inline constexpr Statement kPurgeStateMachines{
    "purge_state_machines",
    "DELETE FROM state_machines WHERE (arn = $1 OR name = $2) AND NOT " STEPWISE_SM_LIVE};

// --- Executions --------------------------------------------------------------
inline constexpr Statement kGetExecution{"get_execution",
                                         "SELECT " STEPWISE_EXECUTION_COLUMNS
                                         " FROM executions WHERE execution_arn = $1"};
inline constexpr Statement kLoadExecution{
    "load_execution",
    "SELECT " STEPWISE_EXECUTION_COLUMNS
    ", state_document, m.m_status, m.m_name, m.m_type FROM executions"
    " LEFT JOIN LATERAL (SELECT status AS m_status, name AS m_name, type AS m_type"
    " FROM state_machines WHERE arn = executions.state_machine_arn) m ON true"
    " WHERE execution_arn = $1"};
// Rows after the (start_time, arn) position $3/$4, newest first.
inline constexpr Statement kListExecutions{
    "list_executions",
    "SELECT " STEPWISE_EXECUTION_COLUMNS
    " FROM executions WHERE state_machine_arn = $1"
    " AND ($2::text IS NULL OR status = $2)"
    " AND ($3::bigint IS NULL OR (start_time, execution_arn) < (stepwise_ts($3), $4::text))"
    " ORDER BY start_time DESC, execution_arn DESC LIMIT $5"};
// One engine step in one round trip: stepwise_commit_step (schemas 0006 and
// 0007 say what it writes), raising SW404/SW409/SW412/SW410 when it refuses
// the step. Parameters: the StepUpdate's fields, then StepArrays
// (postgres_rows.h).
inline constexpr Statement kCommitStep{
    "commit_step",
    "SELECT stepwise_commit_step($1, $2, $3, $4, $5, $6, $7, $8::bigint, $9::bigint,"
    " $10::bigint[], $11::bigint[], $12::text[], $13::bigint[], $14::text[],"
    " $15::text[], $16::text[], $17::text[], $18::text[], $19::text[], $20::text[],"
    " $21::bigint[], $22::bigint[], $23::bigint[], $24::bigint[], $25::text[],"
    " $26::text[], $27::bigint[], $28::bigint[],"
    " $29::text[], $30::text[], $31::boolean, $32::text[], $33::text[], $34::text[],"
    " $35::bigint[])"};
// Several engine steps in one round trip and one transaction:
// stepwise_commit_steps (schema 0011), each step in its own subtransaction;
// one row per step: the new version, or NULL with the SQLSTATE and message
// its stepwise_commit_step raised. Parameters: StepBatchArrays
// (postgres_rows.h) in its order.
inline constexpr Statement kCommitSteps{
    "commit_steps",
    "SELECT o_version, o_sqlstate, o_message FROM stepwise_commit_steps("
    "$1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],"
    " $8::bigint[], $9::bigint[], $10::boolean[],"
    " $11::int[], $12::bigint[], $13::bigint[], $14::text[], $15::bigint[], $16::text[],"
    " $17::int[], $18::text[], $19::text[], $20::text[], $21::text[], $22::text[], $23::text[],"
    " $24::bigint[], $25::bigint[], $26::bigint[], $27::bigint[], $28::text[],"
    " $29::text[], $30::bigint[], $31::bigint[],"
    " $32::int[], $33::text[], $34::int[], $35::text[], $36::int[], $37::text[],"
    " $38::int[], $39::text[], $40::int[], $41::text[], $42::bigint[])"};
// CreateExecution in one round trip: stepwise_create_execution (schemas 0006,
// 0007 and 0009) returns the execution (STEPWISE_EXECUTION_COLUMNS order) and
// whether it was created; raises SW414/SW423 (state machine gone/DELETING),
// SW428 (with $39, NewExecution::require_current_revision: the machine is no
// longer at revision $3) and SW410.
inline constexpr Statement kCreateExecution{
    "create_execution",
    "SELECT * FROM stepwise_create_execution($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
    " $11::bigint, $12, $13::bigint[], $14::bigint[], $15::text[], $16::bigint[], $17::text[],"
    " $18::text[], $19::text[], $20::text[], $21::text[], $22::text[], $23::text[],"
    " $24::bigint[], $25::bigint[], $26::bigint[], $27::bigint[], $28::text[],"
    " $29::text[], $30::bigint[], $31::bigint[],"
    " $32::text[], $33::text[], $34::boolean, $35::text[], $36::text[], $37::text[],"
    " $38::bigint[], $39::boolean)"};
inline constexpr Statement kExecutionVersion{
    "execution_version", "SELECT status, version FROM executions WHERE execution_arn = $1"};

// --- History -----------------------------------------------------------------
// One history_steps row per engine step (schema 0012), its events as arrays
// with ascending ids; a step's ids run from its first_id up to the next
// step's. A page is a range of rows in the primary key's order, unnested;
// the sort only orders events within a row (incremental sort), so the
// LIMIT stops the scan. Forward starts at the row holding the event after
// the cursor: the last row whose first_id <= cursor (one index probe).
#define STEPWISE_HISTORY_EVENTS                                                           \
  "SELECT e.id, e.previous, e.type, e.ts, e.event FROM history_steps s"                   \
  " CROSS JOIN LATERAL unnest(s.ids, s.previous_ids, s.types, s.timestamps_us, s.events)" \
  " AS e(id, previous, type, ts, event)"
inline constexpr Statement kHistoryForward{
    "history_forward", STEPWISE_HISTORY_EVENTS
    " WHERE s.execution_arn = $1 AND s.first_id >= coalesce((SELECT max(first_id)"
    " FROM history_steps WHERE execution_arn = $1 AND first_id <= $2), 0) AND e.id > $2"
    " ORDER BY s.first_id, e.id LIMIT $3"};
inline constexpr Statement kHistoryReverse{
    "history_reverse", STEPWISE_HISTORY_EVENTS
    " WHERE s.execution_arn = $1 AND s.first_id < $2 AND e.id < $2"
    " ORDER BY s.first_id DESC, e.id DESC LIMIT $3"};

// --- Tasks -------------------------------------------------------------------
// Expired leases first (they waited longest), then pending tasks, oldest first.
// The CTEs run only as far as the LIMIT needs, so a live expired task never
// locks a pending one too. Sent as autocommit (one round trip), so `no_flush`
// turns synchronous_commit off for this statement's own transaction only: the
// claim is on every task's way to its worker, and a claim lost to a
// PostgreSQL crash only makes the task claimable again (at-least-once, as when
// a lease ends); WAL order still holds, so any later synchronous commit (the
// task's completion) flushes it. A CTE calling a volatile function is not
// inlined, and the UPDATE joins it, so it runs before any row is claimed.
inline constexpr Statement kClaimTask{
    "claim_task",
    "WITH no_flush AS MATERIALIZED (SELECT set_config('synchronous_commit', 'off', true)),"
    " expired AS (SELECT execution_arn, task_id FROM tasks WHERE queue = $1"
    " AND status = 'CLAIMED' AND lease_until <= stepwise_ts($4) ORDER BY lease_until"
    " LIMIT 1 FOR UPDATE SKIP LOCKED),"
    " pending AS (SELECT execution_arn, task_id FROM tasks WHERE queue = $1"
    " AND status = 'PENDING' ORDER BY scheduled_at LIMIT 1 FOR UPDATE SKIP LOCKED),"
    " pick AS (SELECT * FROM expired UNION ALL SELECT * FROM pending LIMIT 1)"
    // The lease counts from the claim, as TaskLeaseFor (store_rules.h) says: HeartbeatSeconds
    // (+ HeartbeatLeaseMargin when $6), else TimeoutSeconds when $5, else the default ($3),
    // at most $7 (durations in microseconds).
    " UPDATE tasks t SET status = 'CLAIMED', worker_id = $2,"
    " lease_until = stepwise_ts($4::bigint + LEAST($7::bigint, CASE"
    " WHEN t.heartbeat_seconds > 0 THEN t.heartbeat_seconds * 1000000 + CASE WHEN $6::boolean"
    " THEN GREATEST(5000000, t.heartbeat_seconds * 100000) ELSE 0 END"
    " WHEN $5::boolean AND t.timeout_seconds > 0 THEN t.timeout_seconds * 1000000"
    " ELSE $3::bigint END)), last_heartbeat = stepwise_ts($4),"
    " delivery_count = t.delivery_count + 1 FROM pick, no_flush"
    " WHERE t.execution_arn = pick.execution_arn AND t.task_id = pick.task_id"
    " RETURNING " STEPWISE_TASK_COLUMNS};
inline constexpr Statement kFindTask{"find_task", "SELECT " STEPWISE_TASK_COLUMNS
                                                  " FROM tasks t WHERE t.task_token = $1"
                                                  " UNION ALL SELECT " STEPWISE_TASK_COLUMNS
                                                  " FROM tasks t WHERE t.invocation_token = $1"};
inline constexpr Statement kHeartbeat{
    "heartbeat",
    "UPDATE tasks t SET last_heartbeat = stepwise_ts($2), lease_until = CASE"
    " WHEN t.status = 'CLAIMED' THEN stepwise_ts($3) ELSE t.lease_until END"
    " WHERE (t.task_token = $1 OR t.invocation_token = $1)"
    " AND t.status IN ('PENDING', 'CLAIMED', 'INVOKED') RETURNING " STEPWISE_TASK_COLUMNS};
// PENDING/CLAIMED -> INVOKED; no row when the token is unknown or the task is
// in another status (the caller looks it up to tell which).
inline constexpr Statement kAcknowledgeInvocation{
    "acknowledge_invocation",
    "UPDATE tasks t SET status = 'INVOKED', lease_until = NULL WHERE t.invocation_token = $1"
    " AND t.status IN ('PENDING', 'CLAIMED') RETURNING " STEPWISE_TASK_COLUMNS};

// --- Timers ------------------------------------------------------------------
inline constexpr Statement kClaimTimers{
    "claim_timers",
    "WITH due AS (SELECT execution_arn, timer_id FROM timers"
    " WHERE available_at <= stepwise_ts($1) ORDER BY available_at LIMIT $2"
    " FOR UPDATE SKIP LOCKED)"
    " UPDATE timers t SET owner = $3, lease_until = stepwise_ts($4),"
    " available_at = stepwise_ts($4) FROM due"
    " WHERE t.execution_arn = due.execution_arn AND t.timer_id = due.timer_id"
    " RETURNING " STEPWISE_TIMER_COLUMNS};
inline constexpr Statement kRescheduleTimer{
    "reschedule_timer",
    "UPDATE timers SET fire_at = stepwise_ts($4), owner = '', lease_until = NULL,"
    " available_at = stepwise_ts($4) WHERE execution_arn = $1 AND timer_id = $2"
    " AND owner = $3 AND lease_until IS NOT NULL"};
inline constexpr Statement kDeleteHeldTimer{
    "delete_held_timer",
    "DELETE FROM timers WHERE execution_arn = $1 AND timer_id = $2 AND owner = $3"
    " AND lease_until IS NOT NULL"};
inline constexpr Statement kTimerExists{
    "timer_exists", "SELECT 1 FROM timers WHERE execution_arn = $1 AND timer_id = $2"};

#undef STEPWISE_SM_COLUMNS
#undef STEPWISE_EXECUTION_COLUMNS
#undef STEPWISE_HISTORY_EVENTS
#undef STEPWISE_TASK_COLUMNS
#undef STEPWISE_TIMER_COLUMNS

// Prepares every statement above on `connection` (ConnectionPool on_connect).
void PrepareAll(pqxx::connection& connection);

}  // namespace stepwise::persistence::sql

#endif  // STEPWISE_PERSISTENCE_POSTGRES_STATEMENTS_H_
