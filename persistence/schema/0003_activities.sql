-- Stepwise schema, version 3: activities (AWS CreateActivity).
--
-- An activity is a named task queue; its tasks live in `tasks` like any
-- other (queue = the activity's name). Small and rarely written: a reference
-- table on a distributed database, like state_machines.
CREATE TABLE activities (
  arn           text PRIMARY KEY,
  name          text NOT NULL UNIQUE,
  creation_date timestamptz NOT NULL
);
