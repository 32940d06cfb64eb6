-- Stepwise schema, version 5: state machines can be DELETING.
--
-- DeleteStateMachine is asynchronous, as AWS's: it marks the machine
-- DELETING, and the machine is gone once none of its executions is RUNNING.
-- Nothing on the step path writes this table: reads treat a DELETING machine
-- with no RUNNING execution (executions_by_state_machine_status answers that)
-- as absent, and the next DeleteStateMachine or CreateStateMachine of its
-- arn or name removes the row.
ALTER TABLE state_machines ADD COLUMN status text NOT NULL DEFAULT 'ACTIVE'
  CHECK (status IN ('ACTIVE', 'DELETING'));
