-- Notifications (issue 8): the Redis relay of the outbox, and each account's language.
--
-- `relayed_at` (Unix ms) is set once the relay has copied a queued job into the Redis queue
-- (only when the queue runs on Redis; the SQL queue ignores it). A manual retry of a dead
-- letter clears it so the job is relayed again.
ALTER TABLE notification_jobs ADD COLUMN relayed_at INTEGER;
CREATE INDEX notification_jobs_unrelayed_idx ON notification_jobs (priority, id)
    WHERE status = 'queued' AND relayed_at IS NULL;

-- The language the account's notifications are written in (BCP 47: uz, uz-Cyrl, ru, en).
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT 'uz'
    CHECK (language IN ('uz', 'uz-Cyrl', 'ru', 'en'));
