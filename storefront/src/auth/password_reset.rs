//! Password reset by a one-time code sent to the account's email or phone.
//!
//! 1. `request` takes an email or phone. For a grown-up account with that login it makes a
//!    six-digit code, stores only its keyed hash (HMAC with a key derived from the service
//!    secret, so a leaked table cannot be brute-forced offline), closes any older open code,
//!    and enqueues an `otp` notification in the same transaction (the notify outbox delivers
//!    it by email or SMS, whichever the login was). The answer is the same whether or not the
//!    account exists, and the per-login rate limit counts unknown logins too, so neither the
//!    answer nor a 429 tells accounts apart.
//! 2. `confirm` takes the login, the code and the new password. A code lives 15 minutes, is
//!    used once, and closes after 5 wrong tries. The new password passes the password policy
//!    before the code is spent; then, in one transaction, the hash is replaced, every session
//!    (refresh-token family) of the account is revoked and a `password_changed` security alert
//!    is enqueued.
//!
//! Every step is audited (`password_reset_requested`, `password_reset_failed`,
//! `password_reset_completed`), never with the code or the password.

use super::identity::Identifier;
use super::password::{MAX_PASSWORD_CHARS, check_policy};
use super::rate_limit::{
    RESET_CONFIRM_PER_ACCOUNT, RESET_CONFIRM_PER_IP, RESET_REQUEST_PER_ACCOUNT,
    RESET_REQUEST_PER_IP,
};
use super::session::random_failed;
use super::{AuthError, ClientMeta, Role, audit, token};
use crate::db::accounts::UserRow;
use crate::notify::{EventKind, Job, Language, Recipient};
use crate::{ApiError, AppState};
use serde_json::json;

/// How long a code is valid.
pub const CODE_TTL_MINUTES: i64 = 15;
/// Wrong codes before a code closes.
pub const MAX_CODE_ATTEMPTS: i64 = 5;
/// Digits in a code.
pub const CODE_DIGITS: usize = 6;

fn invalid_code() -> AuthError {
    AuthError::Api(ApiError::bad_request(
        "invalid_reset_code",
        "the code is wrong, expired or already used",
    ))
}

/// Returns a uniformly random code of [`CODE_DIGITS`] digits.
fn new_code() -> Result<String, ApiError> {
    // 64 random bits reduced mod 10^6: the bias is below 10^-13.
    let value = u64::from_le_bytes(token::random_bytes::<8>().map_err(random_failed)?);
    Ok(format!("{:06}", value % 1_000_000))
}

async fn grown_up_by_login(
    state: &AppState,
    identifier: &Identifier,
) -> Result<Option<UserRow>, AuthError> {
    let user = match identifier {
        Identifier::Email(email) => state.0.db.user_by_email(email).await?,
        Identifier::Phone(phone) => state.0.db.user_by_phone(phone).await?,
    };
    Ok(user.filter(|user| user.role != Role::Child.as_str()))
}

/// Sends a reset code to `login` if it belongs to an account. The outcome is the same either way.
pub async fn request(state: &AppState, meta: &ClientMeta, login: &str) -> Result<(), AuthError> {
    let auth = &state.0.auth;
    let identifier = Identifier::parse(login)?;
    auth.rate_limit(&RESET_REQUEST_PER_IP, &meta.ip_subject())
        .await?;
    auth.rate_limit(&RESET_REQUEST_PER_ACCOUNT, identifier.as_str())
        .await?;
    let Some(user) = grown_up_by_login(state, &identifier).await? else {
        audit(
            state,
            meta,
            None,
            "password_reset_requested",
            None,
            json!({ "known_account": false }),
        )
        .await?;
        return Ok(());
    };
    let code = new_code()?;
    let now = auth.now();
    let (recipient, channel) = match &identifier {
        Identifier::Email(email) => (
            Recipient::email(Some(user.id.0), email, Language::default()),
            "email",
        ),
        Identifier::Phone(phone) => (
            Recipient::phone(Some(user.id.0), phone, Language::default()),
            "sms",
        ),
    };
    let payload = json!({ "code": code, "minutes": CODE_TTL_MINUTES });
    let reset_id = state
        .0
        .db
        .create_password_reset(
            user.id,
            &token::reset_code_hash(auth.keys(), user.id.0, &code),
            channel,
            now.timestamp_millis(),
            now.timestamp_millis() + CODE_TTL_MINUTES * 60 * 1000,
            |id| {
                Job::event(
                    EventKind::Otp,
                    format!("password_reset:{id}:{channel}"),
                    recipient,
                    payload,
                )
            },
        )
        .await?;
    state.0.notify_wakeup.notify_one();
    audit(
        state,
        meta,
        None,
        "password_reset_requested",
        Some(user.id),
        json!({ "known_account": true, "reset": reset_id, "channel": channel }),
    )
    .await?;
    tracing::info!(user_id = %user.id, reset = reset_id, channel, "password reset {reset_id} requested for user {}", user.id);
    Ok(())
}

/// Sets a new password with a reset code and ends every session of the account.
pub async fn confirm(
    state: &AppState,
    meta: &ClientMeta,
    login: &str,
    code: &str,
    new_password: &str,
) -> Result<(), AuthError> {
    let auth = &state.0.auth;
    let identifier = Identifier::parse(login)?;
    auth.rate_limit(&RESET_CONFIRM_PER_IP, &meta.ip_subject())
        .await?;
    auth.rate_limit(&RESET_CONFIRM_PER_ACCOUNT, identifier.as_str())
        .await?;
    let Some(user) = grown_up_by_login(state, &identifier).await? else {
        return Err(invalid_code());
    };
    let now = auth.now();
    let Some(reset) = state
        .0
        .db
        .open_password_reset(user.id, now.timestamp_millis())
        .await?
    else {
        return Err(invalid_code());
    };
    let well_formed = code.len() == CODE_DIGITS && code.bytes().all(|byte| byte.is_ascii_digit());
    let matches = well_formed
        && token::constant_time_eq(
            &token::reset_code_hash(auth.keys(), user.id.0, code),
            &reset.code_hash,
        );
    if !matches {
        let attempts = state
            .0
            .db
            .record_password_reset_failure(reset.id, MAX_CODE_ATTEMPTS, now.timestamp_millis())
            .await?;
        audit(
            state,
            meta,
            None,
            "password_reset_failed",
            Some(user.id),
            json!({ "reset": reset.id, "attempts": attempts }),
        )
        .await?;
        return Err(invalid_code());
    }
    if new_password.chars().count() > MAX_PASSWORD_CHARS {
        return Err(ApiError::bad_request(
            "password_too_long",
            format!("the password must have at most {MAX_PASSWORD_CHARS} characters"),
        )
        .into());
    }
    let identifiers: Vec<&str> = user
        .email
        .iter()
        .chain(user.phone.iter())
        .map(String::as_str)
        .collect();
    check_policy(new_password, &identifiers)?;
    let hash = auth.hash(new_password.to_owned()).await?;
    if !state
        .0
        .db
        .complete_password_reset(reset.id, user.id, &hash, now)
        .await?
    {
        return Err(invalid_code());
    }
    state.0.notify_wakeup.notify_one();
    audit(
        state,
        meta,
        Some(user.id),
        "password_reset_completed",
        Some(user.id),
        json!({ "reset": reset.id }),
    )
    .await?;
    tracing::info!(user_id = %user.id, reset = reset.id, "password of user {} reset; sessions revoked", user.id);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits_and_vary() {
        let codes: Vec<String> = (0..20).map(|_| new_code().unwrap()).collect();
        assert!(
            codes
                .iter()
                .all(|code| code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()))
        );
        let distinct: std::collections::BTreeSet<_> = codes.iter().collect();
        assert!(distinct.len() > 15, "{codes:?}");
    }

    #[test]
    fn code_hashes_are_keyed_and_bound_to_the_account() {
        let keys = token::Keys::derive(&[7u8; 32]);
        let other = token::Keys::derive(&[8u8; 32]);
        let hash = token::reset_code_hash(&keys, 1, "123456");
        assert_eq!(hash.len(), 64);
        assert_ne!(hash, token::reset_code_hash(&other, 1, "123456"));
        assert_ne!(hash, token::reset_code_hash(&keys, 2, "123456"));
        assert_ne!(hash, token::sha256_hex("123456"));
    }
}
