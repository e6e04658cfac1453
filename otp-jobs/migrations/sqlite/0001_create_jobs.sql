-- Jobs, node heartbeats and leader leases. Times are integer microseconds since the Unix epoch,
-- taken from SQLite's own clock.
CREATE TABLE otp_jobs (
    id INTEGER PRIMARY KEY,
    state TEXT NOT NULL DEFAULT 'available'
        CHECK (state IN ('scheduled', 'available', 'executing', 'retryable', 'completed', 'discarded', 'cancelled')),
    queue TEXT NOT NULL DEFAULT 'default',
    worker TEXT NOT NULL,
    args TEXT NOT NULL DEFAULT '{}',
    meta TEXT NOT NULL DEFAULT '{}',
    errors TEXT NOT NULL DEFAULT '[]',
    attempt INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 20 CHECK (max_attempts > 0),
    priority INTEGER NOT NULL DEFAULT 0 CHECK (priority BETWEEN 0 AND 9),
    inserted_at INTEGER NOT NULL,
    scheduled_at INTEGER NOT NULL,
    attempted_at INTEGER,
    attempted_by TEXT,
    finished_at INTEGER,
    attempt_token INTEGER,
    unique_key TEXT
);

CREATE INDEX otp_jobs_fetch ON otp_jobs (state, queue, priority, scheduled_at, id);
CREATE UNIQUE INDEX otp_jobs_unique_key ON otp_jobs (unique_key) WHERE unique_key IS NOT NULL;
CREATE INDEX otp_jobs_prune ON otp_jobs (state, finished_at);

CREATE TABLE otp_jobs_nodes (
    node TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL
);

CREATE TABLE otp_jobs_leaders (
    role TEXT PRIMARY KEY,
    node TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
