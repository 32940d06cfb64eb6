-- Tables for the pgbench baseline of scripts/bench-durable (see
-- step_commit.pgbench): the three rows one engine step writes, shaped like
-- persistence/schema/0001_initial.sql (text keys, the task token's unique
-- index, the partial index ClaimTask reads). Created fresh in the Stepwise
-- database on the same server, next to Stepwise's own tables.
SET client_min_messages = warning;  -- No NOTICE for the first DROP.
DROP TABLE IF EXISTS pgbench_step_executions, pgbench_step_history, pgbench_step_tasks;

CREATE TABLE pgbench_step_executions (
  execution_arn  text PRIMARY KEY,
  version        bigint NOT NULL,
  state_document text NOT NULL
);

CREATE TABLE pgbench_step_history (
  execution_arn text NOT NULL,
  id            bigint NOT NULL,
  type          text NOT NULL,
  timestamp     timestamptz NOT NULL,
  event         text NOT NULL,
  PRIMARY KEY (execution_arn, id)
);

CREATE TABLE pgbench_step_tasks (
  execution_arn text NOT NULL,
  task_id       text NOT NULL,
  task_token    text NOT NULL,
  queue         text NOT NULL,
  payload       text NOT NULL,
  scheduled_at  timestamptz NOT NULL,
  status        text NOT NULL,
  PRIMARY KEY (execution_arn, task_id)
);
CREATE UNIQUE INDEX pgbench_step_tasks_by_token ON pgbench_step_tasks (task_token);
CREATE INDEX pgbench_step_tasks_pending ON pgbench_step_tasks (queue, scheduled_at)
  WHERE status = 'PENDING';

-- One execution row per pgbench client (:client_id + 1), so clients never
-- wait on each other's row locks, as Stepwise's executions do not.
INSERT INTO pgbench_step_executions
  SELECT 'execution-' || n, 0, '' FROM generate_series(1, 1000) AS n;
