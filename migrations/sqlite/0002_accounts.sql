-- Accounts: users and their roles, sessions (refresh-token families) with rotating refresh
-- tokens, TOTP recovery codes, the append-only audit log, and the family: child profiles and
-- the parental consent records that activate them.
--
-- Secrets are never stored raw: passwords and PINs as argon2id PHC strings, refresh tokens and
-- recovery codes as hex SHA-256 of 256-bit / 80-bit random values. Guests have no row.

CREATE TABLE users (
    id                   INTEGER PRIMARY KEY,
    -- Lowercased; at most 254 characters.
    email                TEXT    UNIQUE CHECK (email IS NULL OR (
                                     email = lower(email)
                                     AND length(email) BETWEEN 3 AND 254
                                     AND instr(email, '@') > 1)),
    -- E.164, Uzbekistan only: +998 and nine digits.
    phone                TEXT    UNIQUE CHECK (phone IS NULL OR (
                                     length(phone) = 13
                                     AND phone GLOB '+998[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]')),
    password_hash        TEXT,
    role                 TEXT    NOT NULL
                                 CHECK (role IN ('child', 'parent', 'seller', 'moderator', 'admin')),
    seller_id            INTEGER REFERENCES sellers (id) ON DELETE SET NULL,
    -- Base32 RFC 6238 secret once confirmed; the pending one between enroll and confirm.
    totp_secret          TEXT,
    totp_pending_secret  TEXT,
    totp_enabled         BOOLEAN NOT NULL DEFAULT FALSE,
    -- The last accepted 30-second step: a code of this step or an earlier one is a replay.
    totp_last_step       INTEGER,
    -- The parent PIN guarding kids' mode; locked after 5 wrong attempts.
    pin_hash             TEXT,
    pin_failed_attempts  INTEGER NOT NULL DEFAULT 0 CHECK (pin_failed_attempts >= 0),
    created_at           TEXT    NOT NULL,
    updated_at           TEXT    NOT NULL,
    -- A child signs in through a parent's device and holds no credentials of its own.
    CHECK (role = 'child' OR email IS NOT NULL OR phone IS NOT NULL),
    CHECK (role = 'child' OR password_hash IS NOT NULL),
    CHECK (role <> 'child' OR (email IS NULL AND phone IS NULL AND password_hash IS NULL)),
    CHECK (NOT totp_enabled OR totp_secret IS NOT NULL),
    CHECK (seller_id IS NULL OR role = 'seller')
);
CREATE INDEX users_seller_id_idx ON users (seller_id);

-- A session is one refresh-token family: one login on one device.
CREATE TABLE sessions (
    id              TEXT    PRIMARY KEY CHECK (length(id) = 32),
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at      TEXT    NOT NULL,
    revoked_at      TEXT,
    revoked_reason  TEXT    CHECK (revoked_reason IS NULL OR revoked_reason IN
                                   ('logout', 'logout_all', 'token_reused', 'role_changed')),
    CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL))
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

-- Every refresh token of a family; `rotated_at` is set when it is exchanged, and presenting a
-- rotated token again revokes the whole family.
CREATE TABLE refresh_tokens (
    id          INTEGER PRIMARY KEY,
    session_id  TEXT    NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    token_hash  TEXT    NOT NULL UNIQUE CHECK (length(token_hash) = 64),
    parent_id   INTEGER REFERENCES refresh_tokens (id) ON DELETE CASCADE,
    created_at  TEXT    NOT NULL,
    expires_at  TEXT    NOT NULL,
    rotated_at  TEXT
);
CREATE INDEX refresh_tokens_session_id_idx ON refresh_tokens (session_id);
CREATE INDEX refresh_tokens_parent_id_idx ON refresh_tokens (parent_id);

-- Single-use TOTP recovery codes.
CREATE TABLE recovery_codes (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash   TEXT    NOT NULL CHECK (length(code_hash) = 64),
    created_at  TEXT    NOT NULL,
    used_at     TEXT,
    UNIQUE (user_id, code_hash)
);

-- Security-relevant and privileged actions. Append-only: updates and deletes are refused.
-- No foreign keys: the trail outlives the accounts it mentions.
CREATE TABLE audit_log (
    id              INTEGER PRIMARY KEY,
    at              TEXT    NOT NULL,
    actor_user_id   INTEGER,
    action          TEXT    NOT NULL CHECK (action <> ''),
    target_user_id  INTEGER,
    ip              TEXT,
    user_agent      TEXT,
    details         TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(details))
);
CREATE INDEX audit_log_actor_user_id_idx ON audit_log (actor_user_id);
CREATE INDEX audit_log_target_user_id_idx ON audit_log (target_user_id);
CREATE INDEX audit_log_action_at_idx ON audit_log (action, at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

-- A child's profile: the minimum (nickname, birth month or age band, a stock avatar). The
-- child's own `users` row (role 'child', no credentials) is what a child session names.
CREATE TABLE child_profiles (
    id                INTEGER PRIMARY KEY,
    parent_user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    user_id           INTEGER NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    nickname          TEXT    NOT NULL CHECK (length(nickname) BETWEEN 1 AND 32),
    birth_year_month  TEXT    CHECK (birth_year_month IS NULL
                                     OR birth_year_month GLOB '[12][0-9][0-9][0-9]-[01][0-9]'),
    age_band          TEXT    CHECK (age_band IS NULL
                                     OR age_band IN ('0-2', '3-5', '6-8', '9-12', '13-17')),
    avatar            TEXT    NOT NULL CHECK (avatar <> ''),
    status            TEXT    NOT NULL DEFAULT 'pending_consent'
                              CHECK (status IN ('pending_consent', 'active')),
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL,
    CHECK ((birth_year_month IS NULL) <> (age_band IS NULL))
);
CREATE INDEX child_profiles_parent_user_id_idx ON child_profiles (parent_user_id);

-- Verifiable parental consent: how, when, and to which version of the notice.
CREATE TABLE parental_consents (
    id              INTEGER PRIMARY KEY,
    child_id        INTEGER NOT NULL REFERENCES child_profiles (id) ON DELETE CASCADE,
    parent_user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    method          TEXT    NOT NULL
                            CHECK (method IN ('card_authorisation', 'signed_form', 'id_document')),
    notice_version  TEXT    NOT NULL CHECK (length(notice_version) BETWEEN 1 AND 32),
    consented_at    TEXT    NOT NULL,
    withdrawn_at    TEXT
);
CREATE INDEX parental_consents_child_id_idx ON parental_consents (child_id);
CREATE INDEX parental_consents_parent_user_id_idx ON parental_consents (parent_user_id);
