-- Privacy (issue 6): optional marketing consent, and audit rows that erasure and retention can
-- scrub. TOTP secrets are sealed with the data key (AES-256-GCM) by the service at start-up;
-- SQL cannot do it, having no key.

-- Marketing is a separate, optional consent: NULL (the default) means no consent; the time
-- is when it was given. Children never have it.
ALTER TABLE users ADD COLUMN marketing_consent_at TEXT
    CHECK (marketing_consent_at IS NULL OR role <> 'child');

-- The audit trail stays append-only for the event (when, who by id, what, whom by id), but the
-- personal data in a row (client address and user agent, and details that name a person) may
-- be scrubbed: the only update allowed clears `ip` and `user_agent` and keeps or blanks
-- `details`.
DROP TRIGGER audit_log_no_update;
CREATE TRIGGER audit_log_scrub_only BEFORE UPDATE ON audit_log
WHEN NOT (
    NEW.id = OLD.id
    AND NEW.at = OLD.at
    AND NEW.actor_user_id IS OLD.actor_user_id
    AND NEW.action = OLD.action
    AND NEW.target_user_id IS OLD.target_user_id
    AND NEW.ip IS NULL
    AND NEW.user_agent IS NULL
    AND (NEW.details = OLD.details OR NEW.details = '{"scrubbed":true}')
)
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only (only personal data may be scrubbed)');
END;
