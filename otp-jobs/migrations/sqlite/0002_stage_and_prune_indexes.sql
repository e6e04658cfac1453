-- Staging looks for scheduled and retryable jobs whose time has come: its index holds those
-- jobs alone, by time, so that a job waiting for its time is not read again every second.
CREATE INDEX otp_jobs_stage ON otp_jobs (scheduled_at) WHERE state IN ('scheduled', 'retryable');
-- The pruner reads finished jobs only: its index holds those alone, so that inserting a job, and
-- every change of state before it finishes, no longer writes to it.
DROP INDEX IF EXISTS otp_jobs_prune;
CREATE INDEX otp_jobs_prune ON otp_jobs (finished_at)
    WHERE state IN ('completed', 'discarded', 'cancelled');
