-- Passkeys (WebAuthn credentials) and their one-time challenges, password-reset codes, kids'
-- mode on a parent's device, and the card authorisations that verify parental consent.
--
-- Times here are Unix milliseconds (INTEGER), so expiry can be compared in SQL on both
-- backends. Secrets are stored hashed (reset codes as HMAC-SHA256 hex); a passkey is only a
-- public key with its signature counter.

-- The opaque WebAuthn user handle of an account (a random UUID, never the account id).
CREATE TABLE webauthn_user_handles (
    user_id     INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    handle      TEXT    NOT NULL UNIQUE CHECK (length(handle) = 36),
    created_at  INTEGER NOT NULL
);

-- A registered passkey: the credential id (base64url) and webauthn-rs's credential record
-- (public key, algorithm, signature counter, backup flags) as JSON.
CREATE TABLE passkeys (
    id             INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    credential_id  TEXT    NOT NULL UNIQUE CHECK (length(credential_id) BETWEEN 1 AND 1400),
    name           TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
    credential     TEXT    NOT NULL CHECK (json_valid(credential)),
    sign_count     INTEGER NOT NULL DEFAULT 0 CHECK (sign_count >= 0),
    created_at     INTEGER NOT NULL,
    last_used_at   INTEGER
);
CREATE INDEX passkeys_user_id_idx ON passkeys (user_id);

-- A ceremony in progress: the server-side state of one challenge. Deleted when finished
-- (single use) or once expired.
CREATE TABLE webauthn_challenges (
    id          TEXT    PRIMARY KEY CHECK (length(id) = 32),
    purpose     TEXT    NOT NULL CHECK (purpose IN ('registration', 'authentication')),
    user_id     INTEGER REFERENCES users (id) ON DELETE CASCADE,
    state       TEXT    NOT NULL CHECK (json_valid(state)),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    CHECK ((purpose = 'registration') = (user_id IS NOT NULL))
);
CREATE INDEX webauthn_challenges_expires_at_idx ON webauthn_challenges (expires_at);

-- A password-reset code sent to the account's email or phone: valid 15 minutes, once, and
-- for 5 wrong tries at most. A newer request closes the older ones.
CREATE TABLE password_resets (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash   TEXT    NOT NULL CHECK (length(code_hash) = 64),
    channel     TEXT    NOT NULL CHECK (channel IN ('email', 'sms')),
    attempts    INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    closed_at   INTEGER,
    closed_reason TEXT  CHECK (closed_reason IS NULL OR closed_reason IN
                               ('used', 'superseded', 'too_many_attempts')),
    CHECK ((closed_at IS NULL) = (closed_reason IS NULL))
);
CREATE INDEX password_resets_user_id_idx ON password_resets (user_id);

-- A child session opened from a parent's session on a shared device (kids' mode). The
-- parent's session ended when it began; leaving takes the parent PIN and opens a new one.
CREATE TABLE kids_mode_sessions (
    session_id      TEXT    PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
    child_id        INTEGER NOT NULL REFERENCES child_profiles (id) ON DELETE CASCADE,
    parent_user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    started_at      INTEGER NOT NULL,
    ended_at        INTEGER
);
CREATE INDEX kids_mode_sessions_child_id_idx ON kids_mode_sessions (child_id);
CREATE INDEX kids_mode_sessions_parent_user_id_idx ON kids_mode_sessions (parent_user_id);

-- Each small card authorisation tried to verify consent: authorised and then voided (the
-- consent it verified is linked), or declined. Only the brand and last four digits are kept.
CREATE TABLE consent_card_checks (
    id                INTEGER PRIMARY KEY,
    child_id          INTEGER NOT NULL REFERENCES child_profiles (id) ON DELETE CASCADE,
    parent_user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    consent_id        INTEGER REFERENCES parental_consents (id) ON DELETE CASCADE,
    amount_tiyin      INTEGER NOT NULL CHECK (amount_tiyin > 0),
    brand             TEXT    NOT NULL,
    last4             TEXT    NOT NULL CHECK (length(last4) = 4),
    authorisation_id  TEXT,
    outcome           TEXT    NOT NULL CHECK (outcome IN ('voided', 'authorised', 'declined')),
    decline_code      TEXT,
    created_at        INTEGER NOT NULL,
    CHECK ((outcome = 'declined') = (decline_code IS NOT NULL))
);
CREATE INDEX consent_card_checks_child_id_idx ON consent_card_checks (child_id);
CREATE INDEX consent_card_checks_parent_user_id_idx ON consent_card_checks (parent_user_id);
