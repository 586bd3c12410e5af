-- Notifications: the durable job queue (which is also the audit trail of every notification)
-- and the web-push subscriptions.
--
-- A job is enqueued in the same transaction as the business change that causes it
-- (transactional outbox). Times are Unix milliseconds. `priority` 0 runs first: 0 one-time
-- codes, 1 parent approvals, 2 transactional messages, 3 digests. A worker claims a job by
-- setting `status = 'running'` with a lease (`lease_owner`, `lease_until`); a job whose lease
-- ran out (its worker died) is claimable again. `recipient` holds the raw address for delivery;
-- only `recipient_masked` is ever shown.

CREATE TABLE notification_jobs (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    kind              TEXT    NOT NULL CHECK (kind <> ''),
    channel           TEXT    NOT NULL CHECK (channel IN ('email', 'sms', 'push', 'task')),
    priority          INTEGER NOT NULL CHECK (priority BETWEEN 0 AND 3),
    idempotency_key   TEXT    NOT NULL UNIQUE CHECK (length(idempotency_key) BETWEEN 1 AND 200),
    user_id           INTEGER,
    recipient         TEXT    NOT NULL,
    recipient_masked  TEXT    NOT NULL,
    language          TEXT    NOT NULL,
    payload           TEXT    NOT NULL CHECK (json_valid(payload)),
    template          TEXT,
    template_version  INTEGER,
    status            TEXT    NOT NULL CHECK (status IN ('queued', 'running', 'delivered', 'dead')),
    attempts          INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    -- Claims whose worker died (the lease ran out); a job that outlives 25 workers is dead.
    lease_expiries    INTEGER NOT NULL DEFAULT 0 CHECK (lease_expiries >= 0),
    max_attempts      INTEGER NOT NULL CHECK (max_attempts >= 1),
    run_at            INTEGER NOT NULL,
    lease_owner       TEXT,
    lease_until       INTEGER,
    last_error        TEXT,
    provider_ref      TEXT,
    provider_status   TEXT,
    resend_of         INTEGER REFERENCES notification_jobs (id) ON DELETE SET NULL,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    delivered_at      INTEGER,
    CHECK ((status = 'running') = (lease_owner IS NOT NULL AND lease_until IS NOT NULL))
);
CREATE INDEX notification_jobs_ready_idx ON notification_jobs (status, priority, run_at, id);
CREATE INDEX notification_jobs_lease_idx ON notification_jobs (status, lease_until);
CREATE INDEX notification_jobs_user_id_idx ON notification_jobs (user_id);
CREATE INDEX notification_jobs_kind_created_idx ON notification_jobs (kind, created_at);
CREATE INDEX notification_jobs_provider_ref_idx ON notification_jobs (provider_ref);

-- A browser's push subscription (RFC 8030 endpoint with its RFC 8291 keys, base64url).
CREATE TABLE push_subscriptions (
    id               INTEGER PRIMARY KEY,
    user_id          INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    endpoint         TEXT    NOT NULL UNIQUE CHECK (length(endpoint) BETWEEN 8 AND 1024),
    p256dh           TEXT    NOT NULL CHECK (length(p256dh) BETWEEN 80 AND 100),
    auth             TEXT    NOT NULL CHECK (length(auth) BETWEEN 16 AND 32),
    created_at       INTEGER NOT NULL,
    last_success_at  INTEGER
);
CREATE INDEX push_subscriptions_user_id_idx ON push_subscriptions (user_id);
