//! The accounts repository: users, sessions (refresh-token families) and their rotating refresh
//! tokens, TOTP state and recovery codes, the append-only audit log, and the family tables
//! (child profiles and parental consent records).
//!
//! Secrets arrive here already hashed; nothing in this module sees a password, PIN, token or
//! recovery code in the clear. Time comparisons (expiry, revocation) happen in Rust, so the
//! backends' different time types never meet in SQL.

use super::{Db, DbError, DbResult, dispatch};
use crate::auth::Role;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// A user id.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    sqlx::Type,
    utoipa::ToSchema,
)]
#[sqlx(transparent)]
#[serde(transparent)]
pub struct UserId(pub i64);

impl std::fmt::Display for UserId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// A child-profile id.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    sqlx::Type,
    utoipa::ToSchema,
)]
#[sqlx(transparent)]
#[serde(transparent)]
pub struct ChildId(pub i64);

impl std::fmt::Display for ChildId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// A user row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    /// Identifier.
    pub id: UserId,
    /// Normalised (lowercase) email.
    pub email: Option<String>,
    /// E.164 phone.
    pub phone: Option<String>,
    /// argon2id PHC string (`None` for a child).
    pub password_hash: Option<String>,
    /// Role name.
    pub role: String,
    /// The seller a seller account manages.
    pub seller_id: Option<i64>,
    /// Confirmed TOTP secret (base32, sealed with the data key: see `auth::data_key`).
    pub totp_secret: Option<String>,
    /// TOTP secret awaiting confirmation (base32, sealed with the data key).
    pub totp_pending_secret: Option<String>,
    /// Whether TOTP is on.
    pub totp_enabled: bool,
    /// The last accepted TOTP step.
    pub totp_last_step: Option<i64>,
    /// The parent PIN (argon2id PHC string).
    pub pin_hash: Option<String>,
    /// Wrong PINs since the last right one.
    pub pin_failed_attempts: i64,
    /// Creation time.
    pub created_at: DateTime<Utc>,
}

impl UserRow {
    /// Returns the parsed role.
    pub fn role(&self) -> DbResult<Role> {
        Role::parse(&self.role)
            .ok_or_else(|| DbError::Corrupt(format!("user {} has role {:?}", self.id, self.role)))
    }
}

const USER_COLUMNS: &str = "id, email, phone, password_hash, role, seller_id, totp_secret, \
     totp_pending_secret, totp_enabled, totp_last_step, pin_hash, pin_failed_attempts, created_at";

/// A user to create.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    /// Normalised email.
    pub email: Option<&'a str>,
    /// Normalised phone.
    pub phone: Option<&'a str>,
    /// argon2id PHC string.
    pub password_hash: &'a str,
    /// Role (never `Child`: children are created with their profile).
    pub role: Role,
}

/// The outcome of creating a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserInsert {
    /// Created with this id.
    Created(UserId),
    /// The email belongs to another account.
    EmailTaken,
    /// The phone belongs to another account.
    PhoneTaken,
}

/// What a request's session resolves to: the session's user as the database knows them now.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionPrincipal {
    /// The user.
    pub user_id: UserId,
    /// The user's current role name.
    pub role: String,
    /// Whether TOTP is on.
    pub totp_enabled: bool,
    /// The seller a seller account manages.
    pub seller_id: Option<i64>,
    /// When the session was revoked.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A refresh token with its session's state.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RefreshTokenRow {
    /// Identifier.
    pub id: i64,
    /// The family.
    pub session_id: String,
    /// The session's user.
    pub user_id: UserId,
    /// Expiry.
    pub expires_at: DateTime<Utc>,
    /// When it was exchanged for a successor.
    pub rotated_at: Option<DateTime<Utc>>,
    /// When the family was revoked.
    pub session_revoked_at: Option<DateTime<Utc>>,
}

/// Why a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevokeReason {
    /// The user logged out of this session.
    Logout,
    /// The user logged out everywhere.
    LogoutAll,
    /// A rotated refresh token of the family was presented again.
    TokenReused,
    /// An admin changed the user's role.
    RoleChanged,
}

impl RevokeReason {
    /// Returns the stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Logout => "logout",
            Self::LogoutAll => "logout_all",
            Self::TokenReused => "token_reused",
            Self::RoleChanged => "role_changed",
        }
    }
}

/// One audit record to append.
#[derive(Debug, Clone)]
pub struct NewAuditEntry<'a> {
    /// When.
    pub at: DateTime<Utc>,
    /// Who acted (`None` for a guest or an unknown account).
    pub actor: Option<UserId>,
    /// What happened (stable snake_case, e.g. `login_failed`).
    pub action: &'a str,
    /// Whom it concerned.
    pub target: Option<UserId>,
    /// Client address.
    pub ip: Option<&'a str>,
    /// Client user agent (truncated by the caller).
    pub user_agent: Option<&'a str>,
    /// Details as a JSON object.
    pub details: &'a serde_json::Value,
}

/// An audit record as stored.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct AuditRow {
    /// Identifier.
    pub id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Who acted.
    pub actor_user_id: Option<i64>,
    /// What happened.
    pub action: String,
    /// Whom it concerned.
    pub target_user_id: Option<i64>,
    /// Client address.
    pub ip: Option<String>,
    /// Client user agent.
    pub user_agent: Option<String>,
    /// Details (JSON text).
    pub details: String,
}

/// A child profile row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ChildRow {
    /// Identifier.
    pub id: ChildId,
    /// The parent who created it.
    pub parent_user_id: UserId,
    /// The child's own principal.
    pub user_id: UserId,
    /// Nickname.
    pub nickname: String,
    /// `YYYY-MM`, when given instead of an age band.
    pub birth_year_month: Option<String>,
    /// Age band, when given instead of a birth month.
    pub age_band: Option<String>,
    /// Stock avatar name.
    pub avatar: String,
    /// `pending_consent` or `active`.
    pub status: String,
    /// Creation time.
    pub created_at: DateTime<Utc>,
}

const CHILD_COLUMNS: &str = "id, parent_user_id, user_id, nickname, birth_year_month, age_band, \
     avatar, status, created_at";

/// A child profile to create.
#[derive(Debug, Clone)]
pub struct NewChild<'a> {
    /// Nickname.
    pub nickname: &'a str,
    /// `YYYY-MM`.
    pub birth_year_month: Option<&'a str>,
    /// Age band.
    pub age_band: Option<&'a str>,
    /// Stock avatar name.
    pub avatar: &'a str,
}

/// A parental consent record as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ConsentRow {
    /// Identifier.
    pub id: i64,
    /// The child.
    pub child_id: ChildId,
    /// The consenting parent.
    pub parent_user_id: UserId,
    /// How consent was verified.
    pub method: String,
    /// Version of the notice the parent saw.
    pub notice_version: String,
    /// When.
    pub consented_at: DateTime<Utc>,
}

fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(database) if database.is_unique_violation())
}

impl Db {
    /// Creates a user; a taken email or phone is an outcome, not an error.
    pub async fn insert_user(
        &self,
        user: &NewUser<'_>,
        now: DateTime<Utc>,
    ) -> DbResult<UserInsert> {
        debug_assert!(
            user.role != Role::Child,
            "children are created with their profile"
        );
        let inserted: Result<i64, sqlx::Error> = dispatch!(self, |pool, _d| {
            sqlx::query_scalar(
                "INSERT INTO users (email, phone, password_hash, role, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
            )
            .bind(user.email)
            .bind(user.phone)
            .bind(user.password_hash)
            .bind(user.role.as_str())
            .bind(now)
            .fetch_one(pool)
            .await
        });
        match inserted {
            Ok(id) => Ok(UserInsert::Created(UserId(id))),
            Err(error) if is_unique_violation(&error) => {
                let email_taken = match user.email {
                    Some(email) => self.user_by_email(email).await?.is_some(),
                    None => false,
                };
                Ok(if email_taken {
                    UserInsert::EmailTaken
                } else {
                    UserInsert::PhoneTaken
                })
            }
            Err(error) => Err(error.into()),
        }
    }

    /// Returns the user with this (normalised) email.
    pub async fn user_by_email(&self, email: &str) -> DbResult<Option<UserRow>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1");
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_as::<_, UserRow>(&sql)
                .bind(email)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// Returns the user with this (E.164) phone.
    pub async fn user_by_phone(&self, phone: &str) -> DbResult<Option<UserRow>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE phone = $1");
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_as::<_, UserRow>(&sql)
                .bind(phone)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// Returns the user with this id.
    pub async fn user_by_id(&self, id: UserId) -> DbResult<Option<UserRow>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_as::<_, UserRow>(&sql)
                .bind(id)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// Replaces a user's password hash (a rehash under new parameters).
    pub async fn set_password_hash(
        &self,
        id: UserId,
        hash: &str,
        now: DateTime<Utc>,
    ) -> DbResult<()> {
        dispatch!(self, |pool, _d| {
            sqlx::query("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1")
                .bind(id)
                .bind(hash)
                .bind(now)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Changes a user's role and revokes their sessions, in one transaction. Returns the old
    /// role name, or `None` when the user does not exist.
    pub async fn change_user_role(
        &self,
        id: UserId,
        role: Role,
        now: DateTime<Utc>,
    ) -> DbResult<Option<String>> {
        Ok(dispatch!(self, |pool, _d| {
            let mut tx = pool.begin().await?;
            let old: Option<String> = sqlx::query_scalar("SELECT role FROM users WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            if old.is_some() {
                sqlx::query("UPDATE users SET role = $2, updated_at = $3 WHERE id = $1")
                    .bind(id)
                    .bind(role.as_str())
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "UPDATE sessions SET revoked_at = $2, revoked_reason = $3 \
                     WHERE user_id = $1 AND revoked_at IS NULL",
                )
                .bind(id)
                .bind(now)
                .bind(RevokeReason::RoleChanged.as_str())
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            old
        }))
    }

    /// Links a seller account to its shop.
    pub async fn set_user_seller(&self, id: UserId, seller_id: Option<i64>) -> DbResult<bool> {
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query("UPDATE users SET seller_id = $2 WHERE id = $1")
                .bind(id)
                .bind(seller_id)
                .execute(pool)
                .await?
                .rows_affected()
                > 0
        }))
    }

    /// Opens a session (a refresh-token family) with its first refresh token.
    pub async fn create_session(
        &self,
        session_id: &str,
        user: UserId,
        refresh_hash: &str,
        now: DateTime<Utc>,
        refresh_expires_at: DateTime<Utc>,
    ) -> DbResult<()> {
        dispatch!(self, |pool, _d| {
            let mut tx = pool.begin().await?;
            sqlx::query("INSERT INTO sessions (id, user_id, created_at) VALUES ($1, $2, $3)")
                .bind(session_id)
                .bind(user)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO refresh_tokens (session_id, token_hash, parent_id, created_at, expires_at) \
                 VALUES ($1, $2, NULL, $3, $4)",
            )
            .bind(session_id)
            .bind(refresh_hash)
            .bind(now)
            .bind(refresh_expires_at)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Returns the refresh token with this hash, with its session's state.
    pub async fn refresh_token_by_hash(&self, hash: &str) -> DbResult<Option<RefreshTokenRow>> {
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_as::<_, RefreshTokenRow>(
                "SELECT t.id, t.session_id, s.user_id, t.expires_at, t.rotated_at, \
                        s.revoked_at AS session_revoked_at \
                 FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id \
                 WHERE t.token_hash = $1",
            )
            .bind(hash)
            .fetch_optional(pool)
            .await?
        }))
    }

    /// Exchanges refresh token `old` for a successor with `new_hash`. Returns `false`, changing
    /// nothing, when `old` was already rotated (a concurrent exchange: the caller treats it as
    /// reuse).
    pub async fn rotate_refresh_token(
        &self,
        old: i64,
        session_id: &str,
        new_hash: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> DbResult<bool> {
        Ok(dispatch!(self, |pool, _d| {
            let mut tx = pool.begin().await?;
            let claimed = sqlx::query(
                "UPDATE refresh_tokens SET rotated_at = $2 WHERE id = $1 AND rotated_at IS NULL",
            )
            .bind(old)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if claimed == 1 {
                sqlx::query(
                    "INSERT INTO refresh_tokens (session_id, token_hash, parent_id, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(session_id)
                .bind(new_hash)
                .bind(old)
                .bind(now)
                .bind(expires_at)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                true
            } else {
                tx.rollback().await?;
                false
            }
        }))
    }

    /// Revokes one session. Returns whether it was live.
    pub async fn revoke_session(
        &self,
        session_id: &str,
        reason: RevokeReason,
        now: DateTime<Utc>,
    ) -> DbResult<bool> {
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query(
                "UPDATE sessions SET revoked_at = $2, revoked_reason = $3 \
                 WHERE id = $1 AND revoked_at IS NULL",
            )
            .bind(session_id)
            .bind(now)
            .bind(reason.as_str())
            .execute(pool)
            .await?
            .rows_affected()
                > 0
        }))
    }

    /// Revokes every live session of a user. Returns how many there were.
    pub async fn revoke_user_sessions(
        &self,
        user: UserId,
        reason: RevokeReason,
        now: DateTime<Utc>,
    ) -> DbResult<u64> {
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query(
                "UPDATE sessions SET revoked_at = $2, revoked_reason = $3 \
                 WHERE user_id = $1 AND revoked_at IS NULL",
            )
            .bind(user)
            .bind(now)
            .bind(reason.as_str())
            .execute(pool)
            .await?
            .rows_affected()
        }))
    }

    /// Resolves a session id to its user as stored now.
    pub async fn session_principal(&self, session_id: &str) -> DbResult<Option<SessionPrincipal>> {
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_as::<_, SessionPrincipal>(
                "SELECT u.id AS user_id, u.role, u.totp_enabled, u.seller_id, s.revoked_at \
                 FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1",
            )
            .bind(session_id)
            .fetch_optional(pool)
            .await?
        }))
    }

    /// Returns the revocation reason of a session (`None` while live or unknown).
    pub async fn session_revoked_reason(&self, session_id: &str) -> DbResult<Option<String>> {
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_scalar::<_, Option<String>>(
                "SELECT revoked_reason FROM sessions WHERE id = $1",
            )
            .bind(session_id)
            .fetch_optional(pool)
            .await?
            .flatten()
        }))
    }

    /// Stores a TOTP secret awaiting confirmation (replacing an earlier pending one).
    pub async fn set_pending_totp_secret(
        &self,
        user: UserId,
        secret: &str,
        now: DateTime<Utc>,
    ) -> DbResult<()> {
        dispatch!(self, |pool, _d| {
            sqlx::query("UPDATE users SET totp_pending_secret = $2, updated_at = $3 WHERE id = $1")
                .bind(user)
                .bind(secret)
                .bind(now)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Seals every TOTP secret still stored in clear (from before encryption at rest) under
    /// `key`. Idempotent; run at start-up. Returns how many values it sealed.
    pub async fn seal_plaintext_totp_secrets(
        &self,
        key: &crate::auth::data_key::DataKey,
    ) -> DbResult<u64> {
        use crate::auth::data_key::{DataKey, totp_aad};
        let rows: Vec<(i64, Option<String>, Option<String>)> = dispatch!(self, |pool, _d| {
            sqlx::query_as(
                "SELECT id, totp_secret, totp_pending_secret FROM users \
                 WHERE (totp_secret IS NOT NULL AND totp_secret NOT LIKE 'v1:%') \
                 OR (totp_pending_secret IS NOT NULL AND totp_pending_secret NOT LIKE 'v1:%')",
            )
            .fetch_all(pool)
            .await?
        });
        let mut sealed = 0;
        for (id, secret, pending) in rows {
            for (column, value) in [("totp_secret", secret), ("totp_pending_secret", pending)] {
                let Some(value) = value.filter(|value| !DataKey::is_sealed(value)) else {
                    continue;
                };
                let sealed_value = key
                    .seal(&value, &totp_aad(id))
                    .map_err(|error| DbError::Corrupt(error.to_string()))?;
                let sql = format!("UPDATE users SET {column} = $3 WHERE id = $1 AND {column} = $2");
                sealed += dispatch!(self, |pool, _d| {
                    sqlx::query(&sql)
                        .bind(id)
                        .bind(&value)
                        .bind(&sealed_value)
                        .execute(pool)
                        .await?
                        .rows_affected()
                });
            }
        }
        Ok(sealed)
    }

    /// Turns TOTP on with the confirmed `secret` (consuming `step`) and replaces the recovery
    /// codes, in one transaction. Returns `false`, changing nothing, when the pending secret
    /// changed meanwhile.
    pub async fn enable_totp(
        &self,
        user: UserId,
        secret: &str,
        step: i64,
        recovery_hashes: &[String],
        now: DateTime<Utc>,
    ) -> DbResult<bool> {
        Ok(dispatch!(self, |pool, _d| {
            let mut tx = pool.begin().await?;
            let changed = sqlx::query(
                "UPDATE users SET totp_secret = totp_pending_secret, totp_pending_secret = NULL, \
                 totp_enabled = TRUE, totp_last_step = $3, updated_at = $4 \
                 WHERE id = $1 AND totp_pending_secret = $2",
            )
            .bind(user)
            .bind(secret)
            .bind(step)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 1 {
                sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
                    .bind(user)
                    .execute(&mut *tx)
                    .await?;
                for hash in recovery_hashes {
                    sqlx::query(
                        "INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES ($1, $2, $3)",
                    )
                    .bind(user)
                    .bind(hash)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
                // Tell the owner, in the same transaction (issue 8).
                crate::notify::enqueue_security_alert(
                    (&mut *tx).into(),
                    user.0,
                    "totp_enabled",
                    now.timestamp_millis(),
                )
                .await?;
                tx.commit().await?;
                true
            } else {
                tx.rollback().await?;
                false
            }
        }))
    }

    /// Turns TOTP off and deletes the recovery codes.
    pub async fn disable_totp(&self, user: UserId, now: DateTime<Utc>) -> DbResult<()> {
        dispatch!(self, |pool, _d| {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "UPDATE users SET totp_secret = NULL, totp_pending_secret = NULL, \
                 totp_enabled = FALSE, totp_last_step = NULL, updated_at = $2 WHERE id = $1",
            )
            .bind(user)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
                .bind(user)
                .execute(&mut *tx)
                .await?;
            // Tell the owner, in the same transaction (issue 8).
            crate::notify::enqueue_security_alert(
                (&mut *tx).into(),
                user.0,
                "totp_disabled",
                now.timestamp_millis(),
            )
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Consumes TOTP step `step` for `user` unless it or a later one was already used. Returns
    /// whether the step was consumed (`false`: a replay).
    pub async fn consume_totp_step(&self, user: UserId, step: i64) -> DbResult<bool> {
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query(
                "UPDATE users SET totp_last_step = $2 \
                 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)",
            )
            .bind(user)
            .bind(step)
            .execute(pool)
            .await?
            .rows_affected()
                == 1
        }))
    }

    /// Marks an unused recovery code of `user` as used. Returns whether one matched.
    pub async fn use_recovery_code(
        &self,
        user: UserId,
        code_hash: &str,
        now: DateTime<Utc>,
    ) -> DbResult<bool> {
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query(
                "UPDATE recovery_codes SET used_at = $3 \
                 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL",
            )
            .bind(user)
            .bind(code_hash)
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected()
                == 1
        }))
    }

    /// Returns how many unused recovery codes `user` has.
    pub async fn unused_recovery_codes(&self, user: UserId) -> DbResult<i64> {
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
            )
            .bind(user)
            .fetch_one(pool)
            .await?
        }))
    }

    /// Appends an audit record.
    pub async fn append_audit(&self, entry: &NewAuditEntry<'_>) -> DbResult<()> {
        let details = entry.details.to_string();
        let sql = match self {
            Db::Sqlite(_) => {
                "INSERT INTO audit_log (at, actor_user_id, action, target_user_id, ip, user_agent, details) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)"
            }
            Db::Postgres(_) => {
                "INSERT INTO audit_log (at, actor_user_id, action, target_user_id, ip, user_agent, details) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)"
            }
        };
        dispatch!(self, |pool, _d| {
            sqlx::query(sql)
                .bind(entry.at)
                .bind(entry.actor)
                .bind(entry.action)
                .bind(entry.target)
                .bind(entry.ip)
                .bind(entry.user_agent)
                .bind(&details)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Returns the audit records with `action` (all when `None`), oldest first.
    pub async fn audit_entries(&self, action: Option<&str>) -> DbResult<Vec<AuditRow>> {
        let details = match self {
            Db::Sqlite(_) => "details",
            Db::Postgres(_) => "details::text AS details",
        };
        let sql = format!(
            "SELECT id, at, actor_user_id, action, target_user_id, ip, user_agent, {details} \
             FROM audit_log WHERE ($1 IS NULL OR action = $1) ORDER BY id"
        );
        let sql = match self {
            Db::Sqlite(_) => sql,
            // PostgreSQL cannot infer the type of a parameter that is only compared with NULL.
            Db::Postgres(_) => sql.replace("$1 IS NULL", "$1::text IS NULL"),
        };
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_as::<_, AuditRow>(&sql)
                .bind(action)
                .fetch_all(pool)
                .await?
        }))
    }

    /// Creates a child profile with the child's own credential-less principal, pending consent.
    pub async fn insert_child(
        &self,
        parent: UserId,
        child: &NewChild<'_>,
        now: DateTime<Utc>,
    ) -> DbResult<ChildRow> {
        let sql = format!(
            "INSERT INTO child_profiles (parent_user_id, user_id, nickname, birth_year_month, \
             age_band, avatar, status, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 'pending_consent', $7, $7) RETURNING {CHILD_COLUMNS}"
        );
        Ok(dispatch!(self, |pool, _d| {
            let mut tx = pool.begin().await?;
            let child_user: i64 = sqlx::query_scalar(
                "INSERT INTO users (role, created_at, updated_at) VALUES ('child', $1, $1) RETURNING id",
            )
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            let row = sqlx::query_as::<_, ChildRow>(&sql)
                .bind(parent)
                .bind(child_user)
                .bind(child.nickname)
                .bind(child.birth_year_month)
                .bind(child.age_band)
                .bind(child.avatar)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
            tx.commit().await?;
            row
        }))
    }

    /// Returns the child profiles of a parent, oldest first.
    pub async fn children_of(&self, parent: UserId) -> DbResult<Vec<ChildRow>> {
        let sql = format!(
            "SELECT {CHILD_COLUMNS} FROM child_profiles WHERE parent_user_id = $1 ORDER BY id"
        );
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_as::<_, ChildRow>(&sql)
                .bind(parent)
                .fetch_all(pool)
                .await?
        }))
    }

    /// Returns one child profile.
    pub async fn child_by_id(&self, id: ChildId) -> DbResult<Option<ChildRow>> {
        let sql = format!("SELECT {CHILD_COLUMNS} FROM child_profiles WHERE id = $1");
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_as::<_, ChildRow>(&sql)
                .bind(id)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// Records a parental consent and activates the child, in one transaction.
    pub async fn record_consent(
        &self,
        child: ChildId,
        parent: UserId,
        method: &str,
        notice_version: &str,
        now: DateTime<Utc>,
    ) -> DbResult<ConsentRow> {
        Ok(dispatch!(self, |pool, _d| {
            let mut tx = pool.begin().await?;
            let row = sqlx::query_as::<_, ConsentRow>(
                "INSERT INTO parental_consents (child_id, parent_user_id, method, notice_version, consented_at) \
                 VALUES ($1, $2, $3, $4, $5) \
                 RETURNING id, child_id, parent_user_id, method, notice_version, consented_at",
            )
            .bind(child)
            .bind(parent)
            .bind(method)
            .bind(notice_version)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE child_profiles SET status = 'active', updated_at = $2 WHERE id = $1",
            )
            .bind(child)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            row
        }))
    }

    /// Returns the consent records of a child, oldest first.
    pub async fn consents_of(&self, child: ChildId) -> DbResult<Vec<ConsentRow>> {
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_as::<_, ConsentRow>(
                "SELECT id, child_id, parent_user_id, method, notice_version, consented_at \
                 FROM parental_consents WHERE child_id = $1 ORDER BY id",
            )
            .bind(child)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Sets a parent's PIN hash and clears the failure count.
    pub async fn set_pin_hash(&self, user: UserId, hash: &str, now: DateTime<Utc>) -> DbResult<()> {
        dispatch!(self, |pool, _d| {
            sqlx::query(
                "UPDATE users SET pin_hash = $2, pin_failed_attempts = 0, updated_at = $3 WHERE id = $1",
            )
            .bind(user)
            .bind(hash)
            .bind(now)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Counts one wrong PIN and returns the new count.
    pub async fn record_pin_failure(&self, user: UserId) -> DbResult<i64> {
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_scalar(
                "UPDATE users SET pin_failed_attempts = pin_failed_attempts + 1 WHERE id = $1 \
                 RETURNING pin_failed_attempts",
            )
            .bind(user)
            .fetch_one(pool)
            .await?
        }))
    }

    /// Clears the wrong-PIN count after a right PIN.
    pub async fn clear_pin_failures(&self, user: UserId) -> DbResult<()> {
        dispatch!(self, |pool, _d| {
            sqlx::query("UPDATE users SET pin_failed_attempts = 0 WHERE id = $1")
                .bind(user)
                .execute(pool)
                .await?;
        });
        Ok(())
    }
}
