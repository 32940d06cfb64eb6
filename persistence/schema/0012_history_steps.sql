-- Stepwise schema, version 12: one history row per engine step (issue 4).
--
-- A step wrote one history_events row per event, about four for a Task
-- state's completion step: most of the rows, index entries and WAL records
-- of a step's commit. The events of one step now go into ONE history_steps
-- row, as parallel arrays (one element per event), keyed by the step's
-- first event id. Event ids stay 1, 2, ... per execution; a step's events
-- have ids from first_id up to (not including) the next step's first_id, so
-- a page of history is a range of rows by first_id, unnested
-- (persistence/postgres/statements.h: kHistoryForward, kHistoryReverse).
--
-- Old rows stay readable: the migration moves every history_events row into
-- a one-event history_steps row, and `history_events` becomes a view with
-- its old columns (for operators' queries and binaries of schema 11 still
-- running during a rolling upgrade; they call stepwise_commit_step, which
-- calls the stepwise_write_step_rows below by name).
--
-- toast_tuple_target: a step's arrays stay in the row, uncompressed, up to
-- a full page; PostgreSQL would otherwise compress every row over 2 kB on
-- the commit path (a few events with their input and output), where one
-- event per row rarely got there.
CREATE TABLE history_steps (
  execution_arn text NOT NULL,
  first_id      bigint NOT NULL,
  ids           bigint[] NOT NULL,
  previous_ids  bigint[] NOT NULL,
  types         text[] NOT NULL,
  timestamps_us bigint[] NOT NULL,  -- Microseconds since the epoch (stepwise_ts).
  events        text[] NOT NULL,
  PRIMARY KEY (execution_arn, first_id)
) WITH (toast_tuple_target = 8160);

-- Binaries of schema 11 may still commit steps meanwhile: writers wait
-- from here until the table is dropped (readers go on), so no event is
-- committed after the copy's snapshot and dropped with the table.
LOCK TABLE history_events IN EXCLUSIVE MODE;
INSERT INTO history_steps (execution_arn, first_id, ids, previous_ids, types, timestamps_us,
    events)
  SELECT execution_arn, id, ARRAY[id], ARRAY[previous_event_id], ARRAY[type],
      ARRAY[stepwise_us(timestamp)], ARRAY[event]
    FROM history_events;
DROP TABLE history_events;

CREATE VIEW history_events AS
  SELECT s.execution_arn, e.id, e.previous_event_id, e.type, stepwise_ts(e.ts) AS timestamp,
      e.event
    FROM history_steps s
      CROSS JOIN LATERAL unnest(s.ids, s.previous_ids, s.types, s.timestamps_us, s.events)
        AS e(id, previous_event_id, type, ts, event);

-- Schema 0010's function with the history insert above; the rest restated
-- unchanged (CREATE OR REPLACE takes the whole body).
CREATE OR REPLACE FUNCTION stepwise_write_step_rows(
    p_arn text,
    h_ids bigint[], h_previous bigint[], h_types text[], h_ts bigint[], h_events text[],
    t_ids text[], t_tokens text[], t_queues text[], t_resources text[], t_states text[],
    t_payloads text[], t_timeouts bigint[], t_heartbeats bigint[], t_at bigint[],
    t_attempts bigint[], t_invocations text[],
    t_workers text[], t_claimed bigint[], t_leases bigint[],
    p_completed text[], p_timed_out text[], p_consumed_must_be_open boolean,
    p_cancelled text[], p_deleted_timers text[], p_timer_ids text[], p_timer_at bigint[])
  RETURNS void
  LANGUAGE plpgsql
  AS $$
DECLARE
  closed bigint;
  consumed bigint := 0;
BEGIN
  -- One row for the step's events (the arrays as they come), keyed by its
  -- first event id.
  IF cardinality(h_ids) > 0 THEN
    INSERT INTO history_steps (execution_arn, first_id, ids, previous_ids, types,
        timestamps_us, events)
      VALUES (p_arn, h_ids[1], h_ids, h_previous, h_types, h_ts, h_events);
  END IF;

  IF cardinality(t_ids) > 0 THEN
    -- A task with a claim (t_claimed not NULL) is inserted as ClaimTask at
    -- t_claimed would leave it; unnest pads shorter arrays with NULLs, so
    -- empty claim arrays mean "all PENDING".
    INSERT INTO tasks (execution_arn, task_id, task_token, queue, resource, state_name,
        payload, timeout_seconds, heartbeat_seconds, scheduled_at, status, attempt,
        invocation_token, worker_id, lease_until, last_heartbeat, delivery_count)
      SELECT p_arn, t.id, t.token, t.queue, t.resource, t.state, t.payload, t.timeout,
          t.heartbeat, stepwise_ts(t.at),
          CASE WHEN t.claimed IS NULL THEN 'PENDING' ELSE 'CLAIMED' END, t.attempt,
          NULLIF(t.invocation, ''),
          CASE WHEN t.claimed IS NULL THEN '' ELSE COALESCE(t.worker, '') END,
          CASE WHEN t.claimed IS NULL THEN NULL ELSE stepwise_ts(t.lease) END,
          stepwise_ts(t.claimed), CASE WHEN t.claimed IS NULL THEN 0 ELSE 1 END
        FROM unnest(t_ids, t_tokens, t_queues, t_resources, t_states, t_payloads, t_timeouts,
                    t_heartbeats, t_at, t_attempts, t_invocations, t_workers, t_claimed,
                    t_leases)
          AS t(id, token, queue, resource, state, payload, timeout, heartbeat, at, attempt,
               invocation, worker, claimed, lease);
    -- Wakes pollers on every replica once the step commits (LISTEN
    -- stepwise_tasks), for the queues of PENDING tasks only: a claimed one
    -- is on its way to its worker already. When every new task is claimed
    -- (a waiting poll took each: the usual case under load) the test is a
    -- plain expression, without running the query below.
    IF cardinality(t_claimed) < cardinality(t_ids)
        OR array_position(t_claimed, NULL) IS NOT NULL THEN
      PERFORM pg_notify('stepwise_tasks', q.queue)
        FROM (SELECT DISTINCT u.queue FROM unnest(t_queues, t_claimed) AS u(queue, claimed)
                WHERE u.claimed IS NULL ORDER BY u.queue) AS q;
    END IF;
  END IF;

  IF cardinality(p_completed) > 0 THEN
    UPDATE tasks SET status = 'COMPLETED', lease_until = NULL
      WHERE execution_arn = p_arn AND task_id = ANY(p_completed)
        AND status IN ('PENDING', 'CLAIMED', 'INVOKED');
    GET DIAGNOSTICS closed = ROW_COUNT;
    consumed := consumed + closed;
  END IF;
  IF cardinality(p_timed_out) > 0 THEN
    UPDATE tasks SET status = 'TIMED_OUT', lease_until = NULL
      WHERE execution_arn = p_arn AND task_id = ANY(p_timed_out)
        AND status IN ('PENDING', 'CLAIMED', 'INVOKED');
    GET DIAGNOSTICS closed = ROW_COUNT;
    consumed := consumed + closed;
  END IF;
  IF p_consumed_must_be_open
      AND consumed <> cardinality(p_completed) + cardinality(p_timed_out) THEN
    RAISE EXCEPTION USING ERRCODE = 'SW410', MESSAGE = '';
  END IF;
  IF cardinality(p_cancelled) > 0 THEN
    UPDATE tasks SET status = 'CANCELLED', lease_until = NULL
      WHERE execution_arn = p_arn AND task_id = ANY(p_cancelled)
        AND status IN ('PENDING', 'CLAIMED', 'INVOKED');
  END IF;

  IF cardinality(p_deleted_timers) > 0 THEN
    DELETE FROM timers WHERE execution_arn = p_arn AND timer_id = ANY(p_deleted_timers);
  END IF;
  IF cardinality(p_timer_ids) > 0 THEN
    INSERT INTO timers (execution_arn, timer_id, fire_at, owner, lease_until, available_at)
      SELECT p_arn, t.id, stepwise_ts(t.at), '', NULL, stepwise_ts(t.at)
        FROM unnest(p_timer_ids, p_timer_at) AS t(id, at)
      ON CONFLICT (execution_arn, timer_id) DO UPDATE SET fire_at = EXCLUDED.fire_at,
        owner = '', lease_until = NULL, available_at = EXCLUDED.available_at;
  END IF;
END
$$;
