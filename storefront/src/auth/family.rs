//! The family: a parent's child profiles (the minimum of data), the parental consent that
//! activates each, and the parent PIN that guards leaving kids' mode.
//!
//! A parent sees and changes only their own children: any other child id answers
//! `child_not_found`, exactly as an id that does not exist.

use super::rate_limit::{LOGIN_PER_ACCOUNT, PIN_PER_ACCOUNT};
use super::{AuthError, ClientMeta, CurrentUser, audit, ensure_owner};
use crate::db::accounts::{ChildId, ChildRow, ConsentRow, NewChild, UserId};
use crate::{ApiError, AppState};
use chrono::Datelike;
use serde_json::json;

/// The stock avatars a child may pick (no photos of children are collected).
pub const AVATARS: &[&str] = &[
    "bear", "cat", "dog", "fox", "lion", "owl", "panda", "rabbit", "tiger", "turtle",
];
/// The age bands offered instead of a birth month.
pub const AGE_BANDS: &[&str] = &["0-2", "3-5", "6-8", "9-12", "13-17"];
/// The ways consent can be verified.
pub const CONSENT_METHODS: &[&str] = &["card_authorisation", "signed_form", "id_document"];
/// The version of the privacy notice parents consent to now.
pub const CURRENT_NOTICE_VERSION: &str = "2026-01";
/// Wrong PINs before the PIN locks (until the parent sets a new one with their password).
pub const PIN_ATTEMPTS: i64 = 5;

fn child_not_found(id: ChildId) -> ApiError {
    ApiError::not_found("child_not_found", format!("child {id} does not exist"))
}

/// A child profile to create, as given.
#[derive(Debug, Clone, Default)]
pub struct ChildInput<'a> {
    /// Nickname.
    pub nickname: &'a str,
    /// `YYYY-MM`.
    pub birth_year_month: Option<&'a str>,
    /// Age band.
    pub age_band: Option<&'a str>,
    /// Stock avatar.
    pub avatar: &'a str,
}

/// Creates a child profile, pending consent.
pub async fn create_child(
    state: &AppState,
    meta: &ClientMeta,
    parent: &CurrentUser,
    input: &ChildInput<'_>,
) -> Result<ChildRow, AuthError> {
    let nickname = input.nickname.trim();
    if nickname.is_empty()
        || nickname.chars().count() > 32
        || nickname.chars().any(char::is_control)
    {
        return Err(ApiError::bad_request(
            "invalid_nickname",
            "nickname must have 1 to 32 characters",
        )
        .into());
    }
    let now = state.0.auth.now();
    let (birth_year_month, age_band) = match (input.birth_year_month, input.age_band) {
        (Some(month), None) => {
            check_birth_month(month, now.year(), now.month())?;
            (Some(month), None)
        }
        (None, Some(band)) if AGE_BANDS.contains(&band) => (None, Some(band)),
        (None, Some(_)) => {
            return Err(ApiError::bad_request(
                "invalid_age_band",
                "age_band must be one of 0-2, 3-5, 6-8, 9-12, 13-17",
            )
            .into());
        }
        _ => {
            return Err(ApiError::bad_request(
                "invalid_age",
                "give exactly one of birth_year_month and age_band",
            )
            .into());
        }
    };
    if !AVATARS.contains(&input.avatar) {
        return Err(ApiError::bad_request(
            "invalid_avatar",
            "avatar must be one of the stock avatars",
        )
        .into());
    }
    let child = state
        .0
        .db
        .insert_child(
            parent.id,
            &NewChild {
                nickname,
                birth_year_month,
                age_band,
                avatar: input.avatar,
            },
            now,
        )
        .await?;
    audit(
        state,
        meta,
        Some(parent.id),
        "child_created",
        Some(child.user_id),
        json!({ "child": child.id }),
    )
    .await?;
    Ok(child)
}

/// Checks a `YYYY-MM` birth month: a real month, not in the future, under 18 years ago.
fn check_birth_month(text: &str, year: i32, month: u32) -> Result<(), ApiError> {
    let invalid = || {
        ApiError::bad_request(
            "invalid_birth_month",
            "birth_year_month must be YYYY-MM within the last 18 years",
        )
    };
    let (y, m) = text.split_once('-').ok_or_else(invalid)?;
    if y.len() != 4 || m.len() != 2 {
        return Err(invalid());
    }
    let (y, m): (i32, u32) = (
        y.parse().map_err(|_| invalid())?,
        m.parse().map_err(|_| invalid())?,
    );
    let months_ago = (year - y) * 12 + month as i32 - m as i32;
    if !(1..=12).contains(&m) || !(0..18 * 12).contains(&months_ago) {
        return Err(invalid());
    }
    Ok(())
}

/// Returns the parent's children.
pub async fn list_children(
    state: &AppState,
    parent: &CurrentUser,
) -> Result<Vec<ChildRow>, AuthError> {
    Ok(state.0.db.children_of(parent.id).await?)
}

/// Returns one of the parent's children.
pub async fn child(
    state: &AppState,
    parent: &CurrentUser,
    id: ChildId,
) -> Result<ChildRow, AuthError> {
    let child = state
        .0
        .db
        .child_by_id(id)
        .await?
        .ok_or_else(|| child_not_found(id))?;
    ensure_owner(parent, child.parent_user_id, || child_not_found(id))?;
    Ok(child)
}

/// Re-checks the parent's password before a sensitive change.
pub(crate) async fn reauthenticate(
    state: &AppState,
    user: UserId,
    password: &str,
) -> Result<(), AuthError> {
    let auth = &state.0.auth;
    auth.rate_limit(&LOGIN_PER_ACCOUNT, &format!("reauth:{user}"))
        .await?;
    let stored = state
        .0
        .db
        .user_by_id(user)
        .await?
        .and_then(|row| row.password_hash);
    if auth.verify(stored, password.to_owned()).await? {
        Ok(())
    } else {
        Err(ApiError::forbidden("reauthentication_failed", "the password is wrong").into())
    }
}

/// Records the parent's verified consent for a child and activates the profile. The parent
/// re-enters their password, so a child holding the device cannot consent.
pub async fn record_consent(
    state: &AppState,
    meta: &ClientMeta,
    parent: &CurrentUser,
    id: ChildId,
    method: &str,
    notice_version: &str,
    password: &str,
) -> Result<(ChildRow, ConsentRow), AuthError> {
    child(state, parent, id).await?;
    if !CONSENT_METHODS.contains(&method) {
        return Err(ApiError::bad_request(
            "invalid_consent_method",
            "method must be card_authorisation, signed_form or id_document",
        )
        .into());
    }
    if notice_version != CURRENT_NOTICE_VERSION {
        return Err(ApiError::bad_request(
            "outdated_notice",
            format!("consent must be to the current notice, version {CURRENT_NOTICE_VERSION}"),
        )
        .into());
    }
    reauthenticate(state, parent.id, password).await?;
    let consent = state
        .0
        .db
        .record_consent(id, parent.id, method, notice_version, state.0.auth.now())
        .await?;
    let child = child(state, parent, id).await?;
    audit(
        state,
        meta,
        Some(parent.id),
        "consent_recorded",
        Some(child.user_id),
        json!({ "child": id, "method": method, "notice_version": notice_version }),
    )
    .await?;
    Ok((child, consent))
}

/// Checks a PIN's shape: 4 to 8 digits, not all one digit, not a run like 1234 or 4321.
fn check_pin_policy(pin: &str) -> Result<(), ApiError> {
    if !(4..=8).contains(&pin.len()) || !pin.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(ApiError::bad_request(
            "invalid_pin",
            "the PIN must have 4 to 8 digits",
        ));
    }
    let digits: Vec<i32> = pin.bytes().map(|byte| i32::from(byte - b'0')).collect();
    let steps: Vec<i32> = digits.windows(2).map(|pair| pair[1] - pair[0]).collect();
    if steps.iter().all(|step| *step == steps[0]) && matches!(steps[0], -1..=1) {
        return Err(ApiError::bad_request(
            "weak_pin",
            "the PIN is too easy to guess",
        ));
    }
    Ok(())
}

/// Sets (or resets, unlocking) the parent PIN; needs the parent's password.
pub async fn set_pin(
    state: &AppState,
    meta: &ClientMeta,
    parent: &CurrentUser,
    pin: &str,
    password: &str,
) -> Result<(), AuthError> {
    check_pin_policy(pin)?;
    reauthenticate(state, parent.id, password).await?;
    let hash = state.0.auth.hash(pin.to_owned()).await?;
    state
        .0
        .db
        .set_pin_hash(parent.id, &hash, state.0.auth.now())
        .await?;
    audit(
        state,
        meta,
        Some(parent.id),
        "pin_set",
        Some(parent.id),
        json!({}),
    )
    .await?;
    Ok(())
}

/// Checks the parent PIN. After 5 wrong PINs it locks until set again with the password.
pub async fn verify_pin(
    state: &AppState,
    meta: &ClientMeta,
    parent: &CurrentUser,
    pin: &str,
) -> Result<(), AuthError> {
    let auth = &state.0.auth;
    let subject = format!("user:{}", parent.id);
    auth.rate_limit(&PIN_PER_ACCOUNT, &subject).await?;
    let row = state
        .0
        .db
        .user_by_id(parent.id)
        .await?
        .ok_or_else(|| ApiError::not_found("user_not_found", "the account does not exist"))?;
    let locked = || {
        AuthError::Api(ApiError::locked(
            "pin_locked",
            "too many wrong PINs; set a new PIN with your password",
        ))
    };
    let Some(hash) = row.pin_hash else {
        return Err(ApiError::conflict("pin_not_set", "set a PIN first").into());
    };
    if row.pin_failed_attempts >= PIN_ATTEMPTS {
        return Err(locked());
    }
    if pin.len() <= 8 && auth.verify(Some(hash), pin.to_owned()).await? {
        state.0.db.clear_pin_failures(parent.id).await?;
        auth.refund_rate_limit(&PIN_PER_ACCOUNT, &subject).await;
        return Ok(());
    }
    let failures = state.0.db.record_pin_failure(parent.id).await?;
    if failures >= PIN_ATTEMPTS {
        audit(
            state,
            meta,
            Some(parent.id),
            "pin_locked",
            Some(parent.id),
            json!({ "failures": failures }),
        )
        .await?;
        return Err(locked());
    }
    Err(ApiError::forbidden(
        "wrong_pin",
        format!("wrong PIN; {} attempts left", PIN_ATTEMPTS - failures),
    )
    .into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn birth_months_must_be_real_and_within_childhood() {
        assert!(check_birth_month("2020-03", 2026, 11).is_ok());
        assert!(check_birth_month("2026-11", 2026, 11).is_ok());
        for bad in [
            "2026-12", "2008-11", "2020-13", "2020-00", "2020-3", "20-03", "abcd-ef", "2020",
        ] {
            assert!(check_birth_month(bad, 2026, 11).is_err(), "{bad}");
        }
        assert!(check_birth_month("2008-12", 2026, 11).is_ok());
    }

    #[test]
    fn pins_must_be_digits_and_not_trivial() {
        assert!(check_pin_policy("2580").is_ok());
        assert!(check_pin_policy("739164").is_ok());
        for bad in ["123", "123456789", "12a4", "1234", "4321", "0000", "777777"] {
            assert!(check_pin_policy(bad).is_err(), "{bad}");
        }
    }
}
