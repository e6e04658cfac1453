-- The pruner reads finished jobs only: its index holds those alone, so that inserting a job, and
-- every change of state before it finishes, no longer writes to it. Rebuilt under the lock of
-- CREATE INDEX (writes to otp_jobs wait for it), once, when the migration is applied.
DROP INDEX IF EXISTS otp_jobs_prune;
CREATE INDEX otp_jobs_prune ON otp_jobs (finished_at)
    WHERE state IN ('completed', 'discarded', 'cancelled');
