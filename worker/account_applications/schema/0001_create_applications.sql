-- The workshop's account applications, in a schema of their own so that the
-- service can share a database with the orchestrator.
CREATE TABLE account_applications.applications (
  -- Byte order ("C"): FindApplications pages by id the same on every server.
  id text COLLATE "C" PRIMARY KEY,
  name text NOT NULL,
  address text NOT NULL,
  state text NOT NULL CHECK (state IN ('SUBMITTED', 'FLAGGED_FOR_REVIEW',
    'FLAGGED_WITH_UNPROCESSABLE_DATA', 'REVIEW_APPROVED', 'REVIEW_REJECTED', 'APPROVED',
    'REJECTED')),
  -- Empty strings, not NULL, mean "none": the service never distinguishes them.
  reason text NOT NULL DEFAULT '',
  task_token text NOT NULL DEFAULT '',
  execution_arn text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- FindApplications: one state, ascending id, keyset pagination.
CREATE INDEX applications_state_id ON account_applications.applications (state, id);
