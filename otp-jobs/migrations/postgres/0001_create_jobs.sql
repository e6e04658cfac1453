-- otp-jobs on PostgreSQL: the jobs, the nodes' heartbeats, the leaders' leases.
-- Applied in the schema first on the search_path (public unless configured).

CREATE TABLE otp_jobs (
    id bigserial PRIMARY KEY,
    state text NOT NULL DEFAULT 'available' CHECK (state IN (
        'scheduled', 'available', 'executing', 'retryable', 'completed', 'discarded', 'cancelled'
    )),
    queue text NOT NULL,
    worker text NOT NULL,
    args jsonb NOT NULL DEFAULT '{}',
    meta jsonb NOT NULL DEFAULT '{}',
    errors jsonb NOT NULL DEFAULT '[]',
    attempt integer NOT NULL DEFAULT 0 CHECK (attempt >= 0),
    max_attempts integer NOT NULL DEFAULT 20 CHECK (max_attempts > 0),
    priority smallint NOT NULL DEFAULT 0 CHECK (priority BETWEEN 0 AND 9),
    inserted_at timestamptz NOT NULL DEFAULT now(),
    scheduled_at timestamptz NOT NULL DEFAULT now(),
    attempted_at timestamptz,
    attempted_by text,
    finished_at timestamptz,
    -- The fencing token of the running attempt: every change an attempt makes presents it.
    attempt_token bigint,
    -- A digest of a unique job's compared fields; cleared when the job stops counting.
    unique_key text
);

-- Fetch: the available jobs of a queue in priority, scheduled_at, id order.
CREATE INDEX otp_jobs_fetch ON otp_jobs (state, queue, priority, scheduled_at, id);
-- Uniqueness is the database's: concurrent inserts from many nodes cannot duplicate.
CREATE UNIQUE INDEX otp_jobs_unique_key ON otp_jobs (unique_key) WHERE unique_key IS NOT NULL;
-- The pruner.
CREATE INDEX otp_jobs_prune ON otp_jobs (state, finished_at);
-- The stager: scheduled and retryable jobs by due time.
CREATE INDEX otp_jobs_stage ON otp_jobs (scheduled_at) WHERE state IN ('scheduled', 'retryable');
-- The lifeline: executing jobs by node.
CREATE INDEX otp_jobs_executing ON otp_jobs (attempted_by) WHERE state = 'executing';

-- Each node's heartbeat: alive until expires_at (the database's clock).
CREATE TABLE otp_jobs_nodes (
    node text PRIMARY KEY,
    expires_at timestamptz NOT NULL
);

-- Leases on roles that one node holds at a time (cron, pruner).
CREATE TABLE otp_jobs_leaders (
    role text PRIMARY KEY,
    node text NOT NULL,
    expires_at timestamptz NOT NULL
);
