-- Stepwise schema, version 2: tasks can end TIMED_OUT.
--
-- The step that applies States.Timeout / States.HeartbeatTimeout closes its
-- task as TIMED_OUT (not COMPLETED), so a late SendTaskSuccess/Failure/
-- Heartbeat on its token is answered with AWS's TaskTimedOut. The claim
-- indexes only cover PENDING and CLAIMED rows, so they need no change.
ALTER TABLE tasks DROP CONSTRAINT tasks_status_check;
ALTER TABLE tasks ADD CONSTRAINT tasks_status_check
  CHECK (status IN ('PENDING', 'CLAIMED', 'COMPLETED', 'CANCELLED', 'TIMED_OUT'));
