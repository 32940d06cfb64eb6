-- Stepwise schema, version 4: callback tasks and retry attempts.
--
-- A .waitForTaskToken task is handed to its worker under a second token,
-- invocation_token: the worker's success only acknowledges the invocation
-- (status INVOKED, never handed out again) and the state keeps waiting for
-- the callback token (task_token); the worker's failure fails the task.
-- attempt is $$.State.RetryCount of the attempt the task runs, shown to
-- workers. INVOKED rows are in neither claim index, as they must be.
ALTER TABLE tasks ADD COLUMN attempt bigint NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN invocation_token text;
CREATE UNIQUE INDEX tasks_by_invocation_token ON tasks (invocation_token)
  WHERE invocation_token IS NOT NULL;
ALTER TABLE tasks DROP CONSTRAINT tasks_status_check;
ALTER TABLE tasks ADD CONSTRAINT tasks_status_check
  CHECK (status IN ('PENDING', 'CLAIMED', 'COMPLETED', 'CANCELLED', 'TIMED_OUT', 'INVOKED'));
