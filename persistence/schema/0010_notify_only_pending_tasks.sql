-- Stepwise schema, version 10: no NOTIFY query when a step's new tasks are
-- all claimed (issue 4).
--
-- Under load nearly every new task is handed straight to a waiting poll
-- (schema 0007's claimed new tasks), yet stepwise_write_step_rows ran its
-- pg_notify query for every step with tasks, to find no PENDING queue. It
-- now runs it only when some new task is PENDING, tested with an expression
-- (no statement). Otherwise the function is 0007's, restated in full because
-- CREATE OR REPLACE takes the whole body; stepwise_commit_step and
-- stepwise_create_execution call it by name and need no change.
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
  IF cardinality(h_ids) > 0 THEN
    INSERT INTO history_events (execution_arn, id, previous_event_id, type, timestamp, event)
      SELECT p_arn, h.id, h.previous, h.type, stepwise_ts(h.ts), h.event
        FROM unnest(h_ids, h_previous, h_types, h_ts, h_events)
          AS h(id, previous, type, ts, event);
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
