-- Stepwise schema, version 1.
--
-- Every execution-scoped table is keyed by execution_arn first, so a
-- distributed PostgreSQL (Citus, YugabyteDB) can shard them all by it and
-- keep each engine step (one CommitStep) on one shard. Ids inside an
-- execution (history events, tasks, timers) come from the engine's state
-- document: no global sequence on the hot path.
--
-- JSON is stored as text: it is written once, read back verbatim, and never
-- queried inside.

-- Times travel between Stepwise and the database as microseconds since the
-- Unix epoch (bigint), converted here and only here.
CREATE FUNCTION stepwise_ts(micros bigint) RETURNS timestamptz
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT to_timestamp(0) + micros * interval '1 microsecond' $$;

CREATE FUNCTION stepwise_us(t timestamptz) RETURNS bigint
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT (extract(epoch FROM t) * 1000000)::bigint $$;

-- Small and rarely written: a reference table on a distributed database.
CREATE TABLE state_machines (
  arn           text PRIMARY KEY,
  name          text NOT NULL UNIQUE,
  type          text NOT NULL,
  definition    text NOT NULL,
  role_arn      text NOT NULL,
  revision_id   text NOT NULL,
  creation_date timestamptz NOT NULL,
  update_date   timestamptz NOT NULL
);

-- Immutable; outlive updates and deletion so that executions finish on the
-- definition they started with.
CREATE TABLE state_machine_revisions (
  revision_id       text PRIMARY KEY,
  state_machine_arn text NOT NULL,
  definition        text NOT NULL,
  role_arn          text NOT NULL,
  creation_date     timestamptz NOT NULL
);

CREATE TABLE executions (
  execution_arn     text PRIMARY KEY,
  state_machine_arn text NOT NULL,
  revision_id       text NOT NULL,
  name              text NOT NULL,
  status            text NOT NULL
    CHECK (status IN ('RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED')),
  input             text NOT NULL,
  output            text NOT NULL DEFAULT '',
  error             text NOT NULL DEFAULT '',
  cause             text NOT NULL DEFAULT '',
  start_time        timestamptz NOT NULL,
  stop_time         timestamptz,
  redrive_count     bigint NOT NULL DEFAULT 0,
  redrive_date      timestamptz,
  -- The engine state document and its optimistic-concurrency version.
  version           bigint NOT NULL,
  state_document    text NOT NULL
);

-- ListExecutions: newest first, optionally by status.
CREATE INDEX executions_by_state_machine
  ON executions (state_machine_arn, start_time DESC, execution_arn DESC);
CREATE INDEX executions_by_state_machine_status
  ON executions (state_machine_arn, status, start_time DESC, execution_arn DESC);

CREATE TABLE history_events (
  execution_arn     text NOT NULL,
  id                bigint NOT NULL,
  previous_event_id bigint NOT NULL,
  type              text NOT NULL,
  timestamp         timestamptz NOT NULL,
  event             text NOT NULL,
  PRIMARY KEY (execution_arn, id)
);

-- The outbox. Rows stay after they close (COMPLETED / CANCELLED) so that a
-- late completion is told apart from a bad token; they go with their
-- execution.
CREATE TABLE tasks (
  execution_arn     text NOT NULL,
  task_id           text NOT NULL,
  task_token        text NOT NULL,
  queue             text NOT NULL,
  resource          text NOT NULL,
  state_name        text NOT NULL,
  payload           text NOT NULL,
  timeout_seconds   bigint,
  heartbeat_seconds bigint,
  scheduled_at      timestamptz NOT NULL,
  status            text NOT NULL
    CHECK (status IN ('PENDING', 'CLAIMED', 'COMPLETED', 'CANCELLED')),
  worker_id         text NOT NULL DEFAULT '',
  lease_until       timestamptz,
  last_heartbeat    timestamptz,
  delivery_count    bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (execution_arn, task_id)
);

-- SendTask* look tasks up by token. (Sharded, the token would carry the
-- execution arn so the lookup routes to one shard.)
CREATE UNIQUE INDEX tasks_by_token ON tasks (task_token);
-- ClaimTask: pending tasks oldest first; expired leases earliest first.
CREATE INDEX tasks_pending ON tasks (queue, scheduled_at) WHERE status = 'PENDING';
CREATE INDEX tasks_leased ON tasks (queue, lease_until) WHERE status = 'CLAIMED';

CREATE TABLE timers (
  execution_arn text NOT NULL,
  timer_id      text NOT NULL,
  fire_at       timestamptz NOT NULL,
  owner         text NOT NULL DEFAULT '',
  lease_until   timestamptz,
  -- fire_at, or lease_until while claimed: due when available_at <= now.
  available_at  timestamptz NOT NULL,
  PRIMARY KEY (execution_arn, timer_id)
);

CREATE INDEX timers_due ON timers (available_at);
