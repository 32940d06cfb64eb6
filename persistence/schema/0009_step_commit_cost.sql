-- Stepwise schema, version 9: cheaper engine-step commits (issue 4).
--
-- stepwise_create_execution can check the state machine's revision: the
-- executor starts from its cached machine record (no read per start), and a
-- record made stale by UpdateStateMachine, or by a delete and re-create,
-- must not start an execution. The new overload takes p_require_revision
-- after the 0007 arguments: when true and the machine's current revision is
-- not p_revision_id it raises SW428 (after SW414/SW423, which keep their
-- meaning) and writes nothing; the executor reads the machine again and
-- starts on it. The 0006 and 0007 overloads stay for older binaries.
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
    p_cancelled text[], p_deleted_timers text[], p_timer_ids text[], p_timer_at bigint[],
    p_require_revision boolean)
  RETURNS TABLE (o_arn text, o_state_machine_arn text, o_revision_id text, o_name text,
                 o_status text, o_input text, o_output text, o_error text, o_cause text,
                 o_start_us bigint, o_stop_us bigint, o_redrive_count bigint,
                 o_redrive_us bigint, o_version bigint, o_created boolean)
  LANGUAGE plpgsql
  AS $$
DECLARE
  machine_status text;
  machine_revision text;
  inserted boolean := false;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM executions e WHERE e.execution_arn = p_arn) THEN
    -- A machine that is gone for the API (DELETING with no RUNNING execution,
    -- schema 0005) is absent.
    SELECT m.status, m.revision_id INTO machine_status, machine_revision FROM state_machines m
      WHERE m.arn = p_state_machine_arn AND (m.status = 'ACTIVE' OR EXISTS (
        SELECT 1 FROM executions e
          WHERE e.state_machine_arn = m.arn AND e.status = 'RUNNING'));
    IF NOT FOUND THEN
      RAISE EXCEPTION USING ERRCODE = 'SW414', MESSAGE = '';
    END IF;
    IF machine_status = 'DELETING' THEN
      RAISE EXCEPTION USING ERRCODE = 'SW423', MESSAGE = '';
    END IF;
    IF p_require_revision AND machine_revision <> p_revision_id THEN
      RAISE EXCEPTION USING ERRCODE = 'SW428', MESSAGE = machine_revision;
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
          p_completed, p_timed_out, p_consumed_must_be_open, p_cancelled, p_deleted_timers,
          p_timer_ids, p_timer_at);
    END IF;
  END IF;
  RETURN QUERY SELECT e.execution_arn, e.state_machine_arn, e.revision_id, e.name, e.status,
      e.input, e.output, e.error, e.cause, stepwise_us(e.start_time), stepwise_us(e.stop_time),
      e.redrive_count, stepwise_us(e.redrive_date), e.version, inserted
    FROM executions e WHERE e.execution_arn = p_arn;
END
$$;

-- Every engine step rewrites its execution's row (state document, version)
-- without touching an indexed column until the last one (status), so the
-- update can be HOT (no new index entries, pruned in place) when the row's
-- page has room for the new version. Packed full (fillfactor 100), about
-- half the step updates found no room (issue 4: 1.1-1.7 of 2.9-3.1 updates
-- per tasks_3 execution were HOT). Leaving half of each new page free keeps
-- an execution's next versions next to it. Applies to pages written from now.
ALTER TABLE executions SET (fillfactor = 50);
