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
inline constexpr Statement kInsertExecution{
    "insert_execution",
    "INSERT INTO executions (execution_arn, state_machine_arn, revision_id, name, status,"
    " input, output, error, cause, start_time, stop_time, version, state_document)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, stepwise_ts($10), stepwise_ts($11), 1, $12)"
    " ON CONFLICT DO NOTHING RETURNING " STEPWISE_EXECUTION_COLUMNS};
// Rows after the (start_time, arn) position $3/$4, newest first.
inline constexpr Statement kListExecutions{
    "list_executions",
    "SELECT " STEPWISE_EXECUTION_COLUMNS
    " FROM executions WHERE state_machine_arn = $1"
    " AND ($2::text IS NULL OR status = $2)"
    " AND ($3::bigint IS NULL OR (start_time, execution_arn) < (stepwise_ts($3), $4::text))"
    " ORDER BY start_time DESC, execution_arn DESC LIMIT $5"};
// The version guard and the RUNNING/redrive rule in one statement; when it
// matches no row the caller reads the row to say why.
inline constexpr Statement kCommitExecution{
    "commit_execution",
    "UPDATE executions SET state_document = $3, status = $4, output = $5, error = $6,"
    " cause = $7, stop_time = stepwise_ts($8),"
    " redrive_count = redrive_count + CASE WHEN $9::bigint IS NULL THEN 0 ELSE 1 END,"
    " redrive_date = COALESCE(stepwise_ts($9), redrive_date), version = version + 1"
    " WHERE execution_arn = $1 AND version = $2"
    " AND (status = 'RUNNING') = ($9::bigint IS NULL) RETURNING version"};
inline constexpr Statement kExecutionVersion{
    "execution_version", "SELECT status, version FROM executions WHERE execution_arn = $1"};

// --- History -----------------------------------------------------------------
inline constexpr Statement kInsertHistory{
    "insert_history",
    "INSERT INTO history_events (execution_arn, id, previous_event_id, type, timestamp, event)"
    " SELECT $1, h.id, h.previous, h.type, stepwise_ts(h.ts), h.event"
    " FROM unnest($2::bigint[], $3::bigint[], $4::text[], $5::bigint[], $6::text[])"
    " AS h(id, previous, type, ts, event)"};
inline constexpr Statement kHistoryForward{
    "history_forward",
    "SELECT id, previous_event_id, type, stepwise_us(timestamp), event FROM history_events"
    " WHERE execution_arn = $1 AND id > $2 ORDER BY id LIMIT $3"};
inline constexpr Statement kHistoryReverse{
    "history_reverse",
    "SELECT id, previous_event_id, type, stepwise_us(timestamp), event FROM history_events"
    " WHERE execution_arn = $1 AND id < $2 ORDER BY id DESC LIMIT $3"};

// --- Tasks -------------------------------------------------------------------
inline constexpr Statement kInsertTasks{
    "insert_tasks",
    "INSERT INTO tasks (execution_arn, task_id, task_token, queue, resource, state_name,"
    " payload, timeout_seconds, heartbeat_seconds, scheduled_at, status, attempt,"
    " invocation_token)"
    " SELECT $1, t.id, t.token, t.queue, t.resource, t.state, t.payload, t.timeout,"
    " t.heartbeat, stepwise_ts(t.at), 'PENDING', t.attempt, NULLIF(t.invocation, '')"
    " FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],"
    " $8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[], $12::text[])"
    " AS t(id, token, queue, resource, state, payload, timeout, heartbeat, at, attempt,"
    " invocation)"};
inline constexpr Statement kCloseTasks{
    "close_tasks",
    "UPDATE tasks SET status = $3, lease_until = NULL WHERE execution_arn = $1"
    " AND task_id = ANY($2::text[]) AND status IN ('PENDING', 'CLAIMED', 'INVOKED')"};
// Wakes pollers on every replica once the step commits (LISTEN stepwise_tasks).
inline constexpr Statement kNotifyQueues{
    "notify_queues", "SELECT pg_notify('stepwise_tasks', q) FROM unnest($1::text[]) AS q"};
// Expired leases first (they waited longest), then pending tasks, oldest first.
// The CTEs run only as far as the LIMIT needs, so a live expired task never
// locks a pending one too.
inline constexpr Statement kClaimTask{
    "claim_task",
    "WITH expired AS (SELECT execution_arn, task_id FROM tasks WHERE queue = $1"
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
    " delivery_count = t.delivery_count + 1 FROM pick"
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
inline constexpr Statement kUpsertTimers{
    "upsert_timers",
    "INSERT INTO timers (execution_arn, timer_id, fire_at, owner, lease_until, available_at)"
    " SELECT $1, t.id, stepwise_ts(t.at), '', NULL, stepwise_ts(t.at)"
    " FROM unnest($2::text[], $3::bigint[]) AS t(id, at)"
    " ON CONFLICT (execution_arn, timer_id) DO UPDATE SET fire_at = EXCLUDED.fire_at,"
    " owner = '', lease_until = NULL, available_at = EXCLUDED.available_at"};
inline constexpr Statement kDeleteTimers{
    "delete_timers", "DELETE FROM timers WHERE execution_arn = $1 AND timer_id = ANY($2::text[])"};
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
#undef STEPWISE_TASK_COLUMNS
#undef STEPWISE_TIMER_COLUMNS

// Prepares every statement above on `connection` (ConnectionPool on_connect).
void PrepareAll(pqxx::connection& connection);

}  // namespace stepwise::persistence::sql

#endif  // STEPWISE_PERSISTENCE_POSTGRES_STATEMENTS_H_
