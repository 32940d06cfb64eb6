-- Stepwise schema, version 7: new tasks inserted already claimed (issue 4).
--
-- The task dispatcher hands a task that a step creates straight to a poll
-- waiting on this replica: it reserves the poll before the commit and the
-- step inserts the task CLAIMED for that poll's worker (TaskRecord::claim,
-- persistence/records.h), exactly the row ClaimTask would leave (worker_id,
-- lease_until, last_heartbeat = the claim time, delivery_count 1), so the
-- delivery needs no ClaimTask round trip and no other replica claims it.
--
-- The new overloads of stepwise_write_step_rows, stepwise_commit_step and
-- stepwise_create_execution take three more parallel arrays after
-- t_invocations: t_workers (text), t_claimed and t_leases (microseconds,
-- NULL for a PENDING task; empty arrays: every task PENDING). The schema 0006
-- functions stay for binaries that still call them; their
-- stepwise_write_step_rows now delegates to the new one (empty claims), so
-- the step's rows are written in one place. Everything else is as in 0006.

-- Everything of a step but the executions row.
CREATE FUNCTION stepwise_write_step_rows(
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
    -- is on its way to its worker already.
    PERFORM pg_notify('stepwise_tasks', q.queue)
      FROM (SELECT DISTINCT u.queue FROM unnest(t_queues, t_claimed) AS u(queue, claimed)
              WHERE u.claimed IS NULL ORDER BY u.queue) AS q;
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

-- Schema 0006's signature (still called by 0006's stepwise_commit_step and
-- stepwise_create_execution): every task PENDING.
CREATE OR REPLACE FUNCTION stepwise_write_step_rows(
    p_arn text,
    h_ids bigint[], h_previous bigint[], h_types text[], h_ts bigint[], h_events text[],
    t_ids text[], t_tokens text[], t_queues text[], t_resources text[], t_states text[],
    t_payloads text[], t_timeouts bigint[], t_heartbeats bigint[], t_at bigint[],
    t_attempts bigint[], t_invocations text[],
    p_completed text[], p_timed_out text[], p_consumed_must_be_open boolean,
    p_cancelled text[], p_deleted_timers text[], p_timer_ids text[], p_timer_at bigint[])
  RETURNS void
  LANGUAGE plpgsql
  AS $$
BEGIN
  PERFORM stepwise_write_step_rows(p_arn, h_ids, h_previous, h_types, h_ts, h_events,
      t_ids, t_tokens, t_queues, t_resources, t_states, t_payloads, t_timeouts, t_heartbeats,
      t_at, t_attempts, t_invocations, '{}'::text[], '{}'::bigint[], '{}'::bigint[],
      p_completed, p_timed_out, p_consumed_must_be_open, p_cancelled, p_deleted_timers,
      p_timer_ids, p_timer_at);
END
$$;

CREATE FUNCTION stepwise_commit_step(
    p_arn text, p_expected_version bigint, p_state_document text, p_status text,
    p_output text, p_error text, p_cause text, p_stop_us bigint, p_redrive_us bigint,
    h_ids bigint[], h_previous bigint[], h_types text[], h_ts bigint[], h_events text[],
    t_ids text[], t_tokens text[], t_queues text[], t_resources text[], t_states text[],
    t_payloads text[], t_timeouts bigint[], t_heartbeats bigint[], t_at bigint[],
    t_attempts bigint[], t_invocations text[],
    t_workers text[], t_claimed bigint[], t_leases bigint[],
    p_completed text[], p_timed_out text[], p_consumed_must_be_open boolean,
    p_cancelled text[], p_deleted_timers text[], p_timer_ids text[], p_timer_at bigint[])
  RETURNS bigint
  LANGUAGE plpgsql
  AS $$
DECLARE
  new_version bigint;
  current_status text;
  current_version bigint;
BEGIN
  -- The version guard and the RUNNING/redrive rule in one statement.
  UPDATE executions SET state_document = p_state_document, status = p_status,
      output = p_output, error = p_error, cause = p_cause, stop_time = stepwise_ts(p_stop_us),
      redrive_count = redrive_count + CASE WHEN p_redrive_us IS NULL THEN 0 ELSE 1 END,
      redrive_date = COALESCE(stepwise_ts(p_redrive_us), redrive_date),
      version = version + 1
    WHERE execution_arn = p_arn AND version = p_expected_version
      AND (status = 'RUNNING') = (p_redrive_us IS NULL)
    RETURNING version INTO new_version;
  IF NOT FOUND THEN  -- Say why: absent, stale, or not in the right status.
    SELECT status, version INTO current_status, current_version
      FROM executions WHERE execution_arn = p_arn;
    IF NOT FOUND THEN
      RAISE EXCEPTION USING ERRCODE = 'SW404', MESSAGE = '';
    END IF;
    IF current_version <> p_expected_version THEN
      RAISE EXCEPTION USING ERRCODE = 'SW409', MESSAGE = current_version::text;
    END IF;
    RAISE EXCEPTION USING ERRCODE = 'SW412', MESSAGE = current_status;
  END IF;

  PERFORM stepwise_write_step_rows(p_arn, h_ids, h_previous, h_types, h_ts, h_events,
      t_ids, t_tokens, t_queues, t_resources, t_states, t_payloads, t_timeouts, t_heartbeats,
      t_at, t_attempts, t_invocations, t_workers, t_claimed, t_leases, p_completed, p_timed_out,
      p_consumed_must_be_open, p_cancelled, p_deleted_timers, p_timer_ids, p_timer_at);
  RETURN new_version;
END
$$;

-- CreateExecution: the execution row (version 1) and its first step. Returns
-- one row, the execution in PostgresStore's column order and whether this
-- call created it; an execution of that arn that exists already is returned
-- as it is (created = false; the caller decides whether the start was
-- idempotent) and nothing is written.
CREATE FUNCTION stepwise_create_execution(
    p_arn text, p_state_machine_arn text, p_revision_id text, p_name text, p_status text,
    p_input text, p_output text, p_error text, p_cause text, p_start_us bigint,
    p_stop_us bigint, p_state_document text,
    h_ids bigint[], h_previous bigint[], h_types text[], h_ts bigint[], h_events text[],
    t_ids text[], t_tokens text[], t_queues text[], t_resources text[], t_states text[],
    t_payloads text[], t_timeouts bigint[], t_heartbeats bigint[], t_at bigint[],
    t_attempts bigint[], t_invocations text[],
    t_workers text[], t_claimed bigint[], t_leases bigint[],
    p_completed text[], p_timed_out text[], p_consumed_must_be_open boolean,
    p_cancelled text[], p_deleted_timers text[], p_timer_ids text[], p_timer_at bigint[])
  RETURNS TABLE (o_arn text, o_state_machine_arn text, o_revision_id text, o_name text,
                 o_status text, o_input text, o_output text, o_error text, o_cause text,
                 o_start_us bigint, o_stop_us bigint, o_redrive_count bigint,
                 o_redrive_us bigint, o_version bigint, o_created boolean)
  LANGUAGE plpgsql
  AS $$
DECLARE
  machine_status text;
  inserted boolean := false;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM executions e WHERE e.execution_arn = p_arn) THEN
    -- A machine that is gone for the API (DELETING with no RUNNING execution,
    -- schema 0005) is absent.
    SELECT m.status INTO machine_status FROM state_machines m
      WHERE m.arn = p_state_machine_arn AND (m.status = 'ACTIVE' OR EXISTS (
        SELECT 1 FROM executions e
          WHERE e.state_machine_arn = m.arn AND e.status = 'RUNNING'));
    IF NOT FOUND THEN
      RAISE EXCEPTION USING ERRCODE = 'SW414', MESSAGE = '';
    END IF;
    IF machine_status = 'DELETING' THEN
      RAISE EXCEPTION USING ERRCODE = 'SW423', MESSAGE = '';
    END IF;
    -- A concurrent start of the same arn that commits first makes this insert
    -- wait for it and do nothing: answered below as if it had come first.
    INSERT INTO executions AS e (execution_arn, state_machine_arn, revision_id, name, status,
        input, output, error, cause, start_time, stop_time, version, state_document)
      VALUES (p_arn, p_state_machine_arn, p_revision_id, p_name, p_status, p_input, p_output,
              p_error, p_cause, stepwise_ts(p_start_us), stepwise_ts(p_stop_us), 1,
              p_state_document)
      ON CONFLICT DO NOTHING;
    inserted := FOUND;
    IF inserted THEN
      PERFORM stepwise_write_step_rows(p_arn, h_ids, h_previous, h_types, h_ts, h_events,
          t_ids, t_tokens, t_queues, t_resources, t_states, t_payloads, t_timeouts,
          t_heartbeats, t_at, t_attempts, t_invocations, t_workers, t_claimed, t_leases,
          p_completed, p_timed_out, p_consumed_must_be_open, p_cancelled, p_deleted_timers, p_timer_ids, p_timer_at);
    END IF;
  END IF;
  RETURN QUERY SELECT e.execution_arn, e.state_machine_arn, e.revision_id, e.name, e.status,
      e.input, e.output, e.error, e.cause, stepwise_us(e.start_time), stepwise_us(e.stop_time),
      e.redrive_count, stepwise_us(e.redrive_date), e.version, inserted
    FROM executions e WHERE e.execution_arn = p_arn;
END
$$;
