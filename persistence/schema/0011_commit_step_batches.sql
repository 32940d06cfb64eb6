-- Stepwise schema, version 11: several engine steps in one transaction
-- (issue 4).
--
-- When steps of different executions wait for a connection at the same
-- time, PostgresStore commits them together: one round trip, one commit
-- record and one WAL flush for all of them instead of one each. Each step is
-- still all-or-nothing on its own: stepwise_commit_steps runs every step as
-- stepwise_commit_step (schemas 0007 and 0010) does, inside its own subtransaction
-- (a BEGIN ... EXCEPTION block), so a refused step (SW404/SW409/SW412/SW410,
-- or any other error) writes nothing and the others commit.
--
-- Arguments: the per-step values of stepwise_commit_step as arrays indexed
-- by step (p_arns ... p_must_be_open), and each of its row arrays as the
-- steps' arrays concatenated in step order, with an `*_end` array giving
-- where each step's part ends (1-based, inclusive; a step whose part is
-- empty repeats the previous end, the first step's previous end being 0).
-- Returns one row per step, in order: the new version, or NULL with the
-- error's SQLSTATE and message.
CREATE FUNCTION stepwise_commit_steps(
    p_arns text[], p_expected_versions bigint[], p_state_documents text[], p_statuses text[],
    p_outputs text[], p_errors text[], p_causes text[], p_stop_us bigint[], p_redrive_us bigint[],
    p_must_be_open boolean[],
    h_end int[], h_ids bigint[], h_previous bigint[], h_types text[], h_ts bigint[],
    h_events text[],
    t_end int[], t_ids text[], t_tokens text[], t_queues text[], t_resources text[],
    t_states text[], t_payloads text[], t_timeouts bigint[], t_heartbeats bigint[],
    t_at bigint[], t_attempts bigint[], t_invocations text[],
    t_workers text[], t_claimed bigint[], t_leases bigint[],
    completed_end int[], p_completed text[], timed_out_end int[], p_timed_out text[],
    cancelled_end int[], p_cancelled text[], deleted_end int[], p_deleted_timers text[],
    timer_end int[], p_timer_ids text[], p_timer_at bigint[])
  RETURNS TABLE (o_version bigint, o_sqlstate text, o_message text)
  LANGUAGE plpgsql
  AS $$
DECLARE
  h0 int := 1;
  t0 int := 1;
  c0 int := 1;
  o0 int := 1;
  x0 int := 1;
  d0 int := 1;
  m0 int := 1;
BEGIN
  FOR i IN 1 .. cardinality(p_arns) LOOP
    BEGIN
      o_version := stepwise_commit_step(p_arns[i], p_expected_versions[i],
          p_state_documents[i], p_statuses[i], p_outputs[i], p_errors[i], p_causes[i],
          p_stop_us[i], p_redrive_us[i],
          h_ids[h0:h_end[i]], h_previous[h0:h_end[i]], h_types[h0:h_end[i]],
          h_ts[h0:h_end[i]], h_events[h0:h_end[i]],
          t_ids[t0:t_end[i]], t_tokens[t0:t_end[i]], t_queues[t0:t_end[i]],
          t_resources[t0:t_end[i]], t_states[t0:t_end[i]], t_payloads[t0:t_end[i]],
          t_timeouts[t0:t_end[i]], t_heartbeats[t0:t_end[i]], t_at[t0:t_end[i]],
          t_attempts[t0:t_end[i]], t_invocations[t0:t_end[i]],
          t_workers[t0:t_end[i]], t_claimed[t0:t_end[i]], t_leases[t0:t_end[i]],
          p_completed[c0:completed_end[i]], p_timed_out[o0:timed_out_end[i]],
          p_must_be_open[i], p_cancelled[x0:cancelled_end[i]],
          p_deleted_timers[d0:deleted_end[i]], p_timer_ids[m0:timer_end[i]],
          p_timer_at[m0:timer_end[i]]);
      o_sqlstate := NULL;
      o_message := NULL;
    EXCEPTION WHEN OTHERS THEN
      o_version := NULL;
      GET STACKED DIAGNOSTICS o_sqlstate = RETURNED_SQLSTATE, o_message = MESSAGE_TEXT;
    END;
    RETURN NEXT;
    h0 := h_end[i] + 1;
    t0 := t_end[i] + 1;
    c0 := completed_end[i] + 1;
    o0 := timed_out_end[i] + 1;
    x0 := cancelled_end[i] + 1;
    d0 := deleted_end[i] + 1;
    m0 := timer_end[i] + 1;
  END LOOP;
END
$$;
