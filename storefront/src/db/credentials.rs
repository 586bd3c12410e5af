//! The second half of the accounts repository: passkeys and their WebAuthn challenges,
//! password-reset codes, kids'-mode sessions, and the card authorisations that verify parental
//! consent (migration 0014).
//!
//! Times in these tables are Unix milliseconds, so expiry is compared in SQL on both backends.
//! Nothing here sees a secret in the clear: reset codes arrive hashed, passkeys are public keys.

use super::accounts::{ChildId, ConsentRow, RevokeReason, UserId};
use super::{Db, DbResult, dispatch};
use crate::notify;
use chrono::{DateTime, Utc};

/// A registered passkey.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PasskeyRow {
    /// Identifier.
    pub id: i64,
    /// The owner.
    pub user_id: UserId,
    /// The WebAuthn credential id, base64url.
    pub credential_id: String,
    /// The name the owner gave it.
    pub name: String,
    /// webauthn-rs's credential record as JSON.
    pub credential: String,
    /// The last signature counter seen.
    pub sign_count: i64,
    /// Registration time (Unix ms).
    pub created_at: i64,
    /// Last sign-in (Unix ms).
    pub last_used_at: Option<i64>,
}

const PASSKEY_COLUMNS: &str =
    "id, user_id, credential_id, name, credential, sign_count, created_at, last_used_at";

/// What a WebAuthn challenge is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChallengePurpose {
    /// Registering a passkey (bound to the signed-in account).
    Registration,
    /// Signing in with a passkey.
    Authentication,
}

impl ChallengePurpose {
    /// Returns the stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Registration => "registration",
            Self::Authentication => "authentication",
        }
    }
}

/// A challenge taken out of the store (it is gone once taken).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ChallengeRow {
    /// The account a registration belongs to.
    pub user_id: Option<UserId>,
    /// The ceremony state (webauthn-rs JSON).
    pub state: String,
    /// Expiry (Unix ms).
    pub expires_at: i64,
}

/// An open password-reset code.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PasswordResetRow {
    /// Identifier.
    pub id: i64,
    /// The account.
    pub user_id: UserId,
    /// HMAC-SHA256 of the code, hex.
    pub code_hash: String,
    /// Wrong codes tried so far.
    pub attempts: i64,
    /// Expiry (Unix ms).
    pub expires_at: i64,
}

/// A kids'-mode session as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct KidsModeRow {
    /// The child's session.
    pub session_id: String,
    /// The child profile.
    pub child_id: ChildId,
    /// The parent whose device it is.
    pub parent_user_id: UserId,
    /// When it ended (Unix ms).
    pub ended_at: Option<i64>,
}

/// A card authorisation made to verify consent.
#[derive(Debug, Clone)]
pub struct NewCardCheck<'a> {
    /// Tiyin authorised.
    pub amount_tiyin: i64,
    /// Card scheme.
    pub brand: &'a str,
    /// Last four digits.
    pub last4: &'a str,
    /// The acquirer's authorisation id (none when declined).
    pub authorisation_id: Option<&'a str>,
    /// `voided`, `authorised` (the void failed) or `declined`.
    pub outcome: &'a str,
    /// The decline code, when declined.
    pub decline_code: Option<&'a str>,
}

const CARD_CHECK_INSERT: &str = "INSERT INTO consent_card_checks (child_id, parent_user_id, \
     consent_id, amount_tiyin, brand, last4, authorisation_id, outcome, decline_code, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

/// Inserts a card check on a transaction of either backend.
macro_rules! insert_card_check {
    ($tx:expr, $child:expr, $parent:expr, $consent:expr, $check:expr, $now:expr) => {
        sqlx::query(CARD_CHECK_INSERT)
            .bind($child)
            .bind($parent)
            .bind($consent)
            .bind($check.amount_tiyin)
            .bind($check.brand)
            .bind($check.last4)
            .bind($check.authorisation_id)
            .bind($check.outcome)
            .bind($check.decline_code)
            .bind($now.timestamp_millis())
            .execute(&mut *$tx)
            .await
    };
}

impl Db {
    /// Returns the account's WebAuthn user handle, creating it from `candidate` the first time.
    pub async fn ensure_webauthn_user_handle(
        &self,
        user: UserId,
        candidate: &str,
        now_ms: i64,
    ) -> DbResult<String> {
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query(
                "INSERT INTO webauthn_user_handles (user_id, handle, created_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (user_id) DO NOTHING",
            )
            .bind(user)
            .bind(candidate)
            .bind(now_ms)
            .execute(pool)
            .await?;
            sqlx::query_scalar("SELECT handle FROM webauthn_user_handles WHERE user_id = $1")
                .bind(user)
                .fetch_one(pool)
                .await?
        }))
    }

    /// Returns the account with this WebAuthn user handle.
    pub async fn user_by_webauthn_handle(&self, handle: &str) -> DbResult<Option<UserId>> {
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_scalar("SELECT user_id FROM webauthn_user_handles WHERE handle = $1")
                .bind(handle)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// Stores a challenge's state, sweeping expired ones first.
    pub async fn insert_webauthn_challenge(
        &self,
        id: &str,
        purpose: ChallengePurpose,
        user: Option<UserId>,
        state: &str,
        now_ms: i64,
        expires_at_ms: i64,
    ) -> DbResult<()> {
        dispatch!(self, |pool, _d| {
            sqlx::query("DELETE FROM webauthn_challenges WHERE expires_at <= $1")
                .bind(now_ms)
                .execute(pool)
                .await?;
            sqlx::query(
                "INSERT INTO webauthn_challenges (id, purpose, user_id, state, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(purpose.as_str())
            .bind(user)
            .bind(state)
            .bind(now_ms)
            .bind(expires_at_ms)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Takes a challenge out of the store: a second take of the same id finds nothing.
    pub async fn take_webauthn_challenge(
        &self,
        id: &str,
        purpose: ChallengePurpose,
    ) -> DbResult<Option<ChallengeRow>> {
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_as::<_, ChallengeRow>(
                "DELETE FROM webauthn_challenges WHERE id = $1 AND purpose = $2 \
                 RETURNING user_id, state, expires_at",
            )
            .bind(id)
            .bind(purpose.as_str())
            .fetch_optional(pool)
            .await?
        }))
    }

    /// Stores a new passkey. Returns `None` when the credential is registered already.
    pub async fn insert_passkey(
        &self,
        user: UserId,
        credential_id: &str,
        name: &str,
        credential: &str,
        sign_count: i64,
        now_ms: i64,
    ) -> DbResult<Option<PasskeyRow>> {
        let sql = format!(
            "INSERT INTO passkeys (user_id, credential_id, name, credential, sign_count, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (credential_id) DO NOTHING \
             RETURNING {PASSKEY_COLUMNS}"
        );
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_as::<_, PasskeyRow>(&sql)
                .bind(user)
                .bind(credential_id)
                .bind(name)
                .bind(credential)
                .bind(sign_count)
                .bind(now_ms)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// Returns the passkeys of an account, oldest first.
    pub async fn passkeys_of(&self, user: UserId) -> DbResult<Vec<PasskeyRow>> {
        let sql = format!("SELECT {PASSKEY_COLUMNS} FROM passkeys WHERE user_id = $1 ORDER BY id");
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_as::<_, PasskeyRow>(&sql)
                .bind(user)
                .fetch_all(pool)
                .await?
        }))
    }

    /// Returns the passkey with this credential id.
    pub async fn passkey_by_credential_id(
        &self,
        credential_id: &str,
    ) -> DbResult<Option<PasskeyRow>> {
        let sql = format!("SELECT {PASSKEY_COLUMNS} FROM passkeys WHERE credential_id = $1");
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_as::<_, PasskeyRow>(&sql)
                .bind(credential_id)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// Records a sign-in: the updated credential record and counter. The counter only moves
    /// forward (a concurrent sign-in with a higher counter wins).
    pub async fn record_passkey_use(
        &self,
        id: i64,
        credential: &str,
        sign_count: i64,
        now_ms: i64,
    ) -> DbResult<bool> {
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query(
                "UPDATE passkeys SET credential = $2, sign_count = $3, last_used_at = $4 \
                 WHERE id = $1 AND (sign_count < $3 OR $3 = 0)",
            )
            .bind(id)
            .bind(credential)
            .bind(sign_count)
            .bind(now_ms)
            .execute(pool)
            .await?
            .rows_affected()
                == 1
        }))
    }

    /// Deletes one of `user`'s passkeys; `false` when `user` has no passkey `id`.
    pub async fn delete_passkey(&self, user: UserId, id: i64) -> DbResult<bool> {
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query("DELETE FROM passkeys WHERE id = $1 AND user_id = $2")
                .bind(id)
                .bind(user)
                .execute(pool)
                .await?
                .rows_affected()
                == 1
        }))
    }

    /// Opens a password reset for `user` (closing older open ones) and enqueues the message
    /// carrying the code in the same transaction. `job` builds the message from the reset id.
    pub async fn create_password_reset(
        &self,
        user: UserId,
        code_hash: &str,
        channel: &str,
        now_ms: i64,
        expires_at_ms: i64,
        job: impl FnOnce(i64) -> notify::Job,
    ) -> DbResult<i64> {
        Ok(dispatch!(self, |pool, _d| {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "UPDATE password_resets SET closed_at = $2, closed_reason = 'superseded' \
                 WHERE user_id = $1 AND closed_at IS NULL",
            )
            .bind(user)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO password_resets (user_id, code_hash, channel, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(user)
            .bind(code_hash)
            .bind(channel)
            .bind(now_ms)
            .bind(expires_at_ms)
            .fetch_one(&mut *tx)
            .await?;
            notify::enqueue((&mut *tx).into(), job(id))
                .await
                .map_err(notify_error)?;
            tx.commit().await?;
            id
        }))
    }

    /// Returns `user`'s open, unexpired reset code.
    pub async fn open_password_reset(
        &self,
        user: UserId,
        now_ms: i64,
    ) -> DbResult<Option<PasswordResetRow>> {
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_as::<_, PasswordResetRow>(
                "SELECT id, user_id, code_hash, attempts, expires_at FROM password_resets \
                 WHERE user_id = $1 AND closed_at IS NULL AND expires_at > $2 \
                 ORDER BY id DESC LIMIT 1",
            )
            .bind(user)
            .bind(now_ms)
            .fetch_optional(pool)
            .await?
        }))
    }

    /// Counts a wrong code; at `max_attempts` the reset closes. Returns the new count.
    pub async fn record_password_reset_failure(
        &self,
        id: i64,
        max_attempts: i64,
        now_ms: i64,
    ) -> DbResult<i64> {
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_scalar(
                "UPDATE password_resets SET attempts = attempts + 1, \
                 closed_at = CASE WHEN attempts + 1 >= $2 THEN $3 ELSE closed_at END, \
                 closed_reason = CASE WHEN attempts + 1 >= $2 THEN 'too_many_attempts' \
                                      ELSE closed_reason END \
                 WHERE id = $1 AND closed_at IS NULL RETURNING attempts",
            )
            .bind(id)
            .bind(max_attempts)
            .bind(now_ms)
            .fetch_optional(pool)
            .await?
            .unwrap_or(max_attempts)
        }))
    }

    /// Uses a reset code: sets the new password hash, ends every session of the account and
    /// enqueues a `password_changed` security alert, in one transaction. `false` (changing
    /// nothing) when the code was used or closed meanwhile.
    pub async fn complete_password_reset(
        &self,
        reset_id: i64,
        user: UserId,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> DbResult<bool> {
        let now_ms = now.timestamp_millis();
        Ok(dispatch!(self, |pool, _d| {
            let mut tx = pool.begin().await?;
            let claimed = sqlx::query(
                "UPDATE password_resets SET closed_at = $3, closed_reason = 'used' \
                 WHERE id = $1 AND user_id = $2 AND closed_at IS NULL",
            )
            .bind(reset_id)
            .bind(user)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if claimed {
                sqlx::query("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1")
                    .bind(user)
                    .bind(password_hash)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "UPDATE sessions SET revoked_at = $2, revoked_reason = $3 \
                     WHERE user_id = $1 AND revoked_at IS NULL",
                )
                .bind(user)
                .bind(now)
                .bind(RevokeReason::LogoutAll.as_str())
                .execute(&mut *tx)
                .await?;
                notify::enqueue_security_alert(
                    (&mut *tx).into(),
                    user.0,
                    "password_changed",
                    now_ms,
                )
                .await
                .map_err(notify_error)?;
                tx.commit().await?;
            }
            claimed
        }))
    }

    /// Starts kids' mode: ends the parent's session and opens the child's session (with its
    /// first refresh token) in one transaction. `false` when the parent's session had already
    /// ended (nothing changes).
    #[allow(clippy::too_many_arguments)]
    pub async fn enter_kids_mode(
        &self,
        parent_session_id: &str,
        parent: UserId,
        child: ChildId,
        child_user: UserId,
        child_session_id: &str,
        refresh_hash: &str,
        now: DateTime<Utc>,
        refresh_expires_at: DateTime<Utc>,
    ) -> DbResult<bool> {
        Ok(dispatch!(self, |pool, _d| {
            let mut tx = pool.begin().await?;
            let ended = sqlx::query(
                "UPDATE sessions SET revoked_at = $3, revoked_reason = $4 \
                 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL",
            )
            .bind(parent_session_id)
            .bind(parent)
            .bind(now)
            .bind(RevokeReason::Logout.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if ended {
                sqlx::query("INSERT INTO sessions (id, user_id, created_at) VALUES ($1, $2, $3)")
                    .bind(child_session_id)
                    .bind(child_user)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO refresh_tokens (session_id, token_hash, parent_id, created_at, expires_at) \
                     VALUES ($1, $2, NULL, $3, $4)",
                )
                .bind(child_session_id)
                .bind(refresh_hash)
                .bind(now)
                .bind(refresh_expires_at)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO kids_mode_sessions (session_id, child_id, parent_user_id, started_at) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(child_session_id)
                .bind(child)
                .bind(parent)
                .bind(now.timestamp_millis())
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
            }
            ended
        }))
    }

    /// Returns the kids'-mode record of a child session.
    pub async fn kids_mode_session(&self, session_id: &str) -> DbResult<Option<KidsModeRow>> {
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_as::<_, KidsModeRow>(
                "SELECT session_id, child_id, parent_user_id, ended_at FROM kids_mode_sessions \
                 WHERE session_id = $1",
            )
            .bind(session_id)
            .fetch_optional(pool)
            .await?
        }))
    }

    /// Ends kids' mode: marks the record ended and ends the child's session. `false` when it
    /// had ended already.
    pub async fn exit_kids_mode(&self, session_id: &str, now: DateTime<Utc>) -> DbResult<bool> {
        Ok(dispatch!(self, |pool, _d| {
            let mut tx = pool.begin().await?;
            let ended = sqlx::query(
                "UPDATE kids_mode_sessions SET ended_at = $2 \
                 WHERE session_id = $1 AND ended_at IS NULL",
            )
            .bind(session_id)
            .bind(now.timestamp_millis())
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if ended {
                sqlx::query(
                    "UPDATE sessions SET revoked_at = $2, revoked_reason = $3 \
                     WHERE id = $1 AND revoked_at IS NULL",
                )
                .bind(session_id)
                .bind(now)
                .bind(RevokeReason::Logout.as_str())
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
            }
            ended
        }))
    }

    /// Records consent verified by a card authorisation, the authorisation itself, and
    /// activates the child, in one transaction.
    pub async fn record_card_consent(
        &self,
        child: ChildId,
        parent: UserId,
        notice_version: &str,
        check: &NewCardCheck<'_>,
        now: DateTime<Utc>,
    ) -> DbResult<ConsentRow> {
        Ok(dispatch!(self, |pool, _d| {
            let mut tx = pool.begin().await?;
            let row = sqlx::query_as::<_, ConsentRow>(
                "INSERT INTO parental_consents (child_id, parent_user_id, method, notice_version, consented_at) \
                 VALUES ($1, $2, 'card_authorisation', $3, $4) \
                 RETURNING id, child_id, parent_user_id, method, notice_version, consented_at",
            )
            .bind(child)
            .bind(parent)
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
            insert_card_check!(tx, child, parent, Some(row.id), check, now)?;
            tx.commit().await?;
            row
        }))
    }

    /// Records a declined consent card authorisation (the child stays pending).
    pub async fn record_declined_card_check(
        &self,
        child: ChildId,
        parent: UserId,
        check: &NewCardCheck<'_>,
        now: DateTime<Utc>,
    ) -> DbResult<()> {
        dispatch!(self, |pool, _d| {
            let mut tx = pool.begin().await?;
            insert_card_check!(tx, child, parent, None::<i64>, check, now)?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Returns `(outcome, amount_tiyin, last4, consent_id)` of a child's card checks, oldest
    /// first.
    pub async fn consent_card_checks(
        &self,
        child: ChildId,
    ) -> DbResult<Vec<(String, i64, String, Option<i64>)>> {
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_as(
                "SELECT outcome, amount_tiyin, last4, consent_id FROM consent_card_checks \
                 WHERE child_id = $1 ORDER BY id",
            )
            .bind(child)
            .fetch_all(pool)
            .await?
        }))
    }
}

fn notify_error(error: notify::Error) -> super::DbError {
    match error {
        notify::Error::Db(error) => super::DbError::Sqlx(error),
        other => super::DbError::Corrupt(other.to_string()),
    }
}
