//! The family: a parent's child profiles (the minimum of data), the parental consent that
//! activates each, and the parent PIN that guards leaving kids' mode.
//!
//! A parent sees and changes only their own children: any other child id answers
//! `child_not_found`, exactly as an id that does not exist.

use super::rate_limit::{LOGIN_PER_ACCOUNT, PIN_PER_ACCOUNT};
use super::{AuthError, ClientMeta, CurrentUser, audit, ensure_owner};
use crate::db::accounts::{ChildId, ChildRow, ConsentRow, NewChild, UserId};
use crate::db::credentials::NewCardCheck;
use crate::payments::gateway::{AuthorizationOutcome, CardDetails};
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

/// The amount held on the parent's card to verify consent: 1,000 so'm, voided at once.
pub const CONSENT_AUTHORISATION_TIYIN: i64 = 100_000;

/// The card a parent verifies consent with (method `card_authorisation`).
#[derive(Debug, Clone)]
pub struct ConsentCard<'a> {
    /// The card as typed (never stored or logged: only the brand and last four digits).
    pub card: &'a CardDetails,
    /// The card's 3-D Secure or SMS code, when it asks for one.
    pub authentication_code: Option<&'a str>,
}

fn card_refused(code: &'static str) -> ApiError {
    let message = match code {
        "insufficient_funds" => "the card has insufficient funds for the 1,000 so'm check",
        "incorrect_otp" => "the confirmation code is not correct",
        "authentication_failed" => "the card could not be authenticated",
        "authentication_required" => {
            "the card asks for its 3-D Secure or SMS code: send it as authentication_code"
        }
        _ => "the card was declined",
    };
    ApiError {
        status: axum::http::StatusCode::PAYMENT_REQUIRED,
        code,
        message: message.to_owned(),
    }
}

/// Records the parent's verified consent for a child and activates the profile. The parent
/// re-enters their password, so a child holding the device cannot consent. With the method
/// `card_authorisation`, 1,000 so'm is authorised on the parent's card through the card
/// gateway and voided at once; a declined card records the attempt and leaves the child
/// pending. A child already active answers `consent_already_recorded` (before the password
/// or the card is checked), so a repeated post writes no second consent or audit event.
#[allow(clippy::too_many_arguments)]
pub async fn record_consent(
    state: &AppState,
    meta: &ClientMeta,
    parent: &CurrentUser,
    id: ChildId,
    method: &str,
    notice_version: &str,
    password: &str,
    card: Option<ConsentCard<'_>>,
) -> Result<(ChildRow, ConsentRow), AuthError> {
    if child(state, parent, id).await?.status == "active" {
        return Err(ApiError::conflict(
            "consent_already_recorded",
            format!("consent for child {id} is already recorded"),
        )
        .into());
    }
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
    let card = match (method, card) {
        ("card_authorisation", Some(card)) => Some(card),
        ("card_authorisation", None) => {
            return Err(ApiError::bad_request(
                "card_required",
                "card_authorisation needs the parent's card",
            )
            .into());
        }
        (_, Some(_)) => {
            return Err(ApiError::bad_request(
                "unexpected_card",
                "a card is only used with the method card_authorisation",
            )
            .into());
        }
        (_, None) => None,
    };
    reauthenticate(state, parent.id, password).await?;
    let now = state.0.auth.now();
    let (consent, card_details) = match card {
        None => (
            state
                .0
                .db
                .record_consent(id, parent.id, method, notice_version, now)
                .await?,
            json!(null),
        ),
        Some(card) => authorise_card(state, meta, parent, id, notice_version, &card).await?,
    };
    let child = child(state, parent, id).await?;
    audit(
        state,
        meta,
        Some(parent.id),
        "consent_recorded",
        Some(child.user_id),
        json!({
            "child": id,
            "method": method,
            "notice_version": notice_version,
            "card": card_details,
        }),
    )
    .await?;
    Ok((child, consent))
}

/// Holds [`CONSENT_AUTHORISATION_TIYIN`] on the card, voids it, and records the consent with
/// the check; returns the consent and what the audit keeps of the card.
async fn authorise_card(
    state: &AppState,
    meta: &ClientMeta,
    parent: &CurrentUser,
    id: ChildId,
    notice_version: &str,
    card: &ConsentCard<'_>,
) -> Result<(ConsentRow, serde_json::Value), AuthError> {
    let gateway = &state.0.payments.gateway;
    let now = state.0.auth.now();
    let token = gateway
        .tokenize(card.card, now.date_naive())
        .await
        .map_err(ApiError::unavailable)?
        .map_err(|error| ApiError::bad_request(error.code(), error.to_string()))?;
    let outcome = gateway
        .authorize(
            &token.token,
            CONSENT_AUTHORISATION_TIYIN,
            card.authentication_code,
        )
        .await
        .map_err(ApiError::unavailable)?;
    let details = json!({
        "brand": token.brand.as_str(),
        "last4": token.last4,
        "amount_tiyin": CONSENT_AUTHORISATION_TIYIN,
    });
    let authorization_id = match outcome {
        AuthorizationOutcome::Authorized { authorization_id } => authorization_id,
        AuthorizationOutcome::RequiresAction(_) => {
            return Err(card_refused("authentication_required").into());
        }
        AuthorizationOutcome::Declined(code) => {
            state
                .0
                .db
                .record_declined_card_check(
                    id,
                    parent.id,
                    &NewCardCheck {
                        amount_tiyin: CONSENT_AUTHORISATION_TIYIN,
                        brand: token.brand.as_str(),
                        last4: &token.last4,
                        authorisation_id: None,
                        outcome: "declined",
                        decline_code: Some(code),
                    },
                    now,
                )
                .await?;
            audit(
                state,
                meta,
                Some(parent.id),
                "consent_card_declined",
                Some(parent.id),
                json!({ "child": id, "code": code, "card": details }),
            )
            .await?;
            return Err(card_refused(code).into());
        }
    };
    let outcome = match gateway.void_authorization(&authorization_id).await {
        Ok(()) => "voided",
        Err(error) => {
            // The cardholder proved presence; the hold lapses by itself at the acquirer.
            tracing::warn!(%error, authorization = %authorization_id, "voiding consent authorisation {authorization_id} failed: {error}");
            "authorised"
        }
    };
    let consent = state
        .0
        .db
        .record_card_consent(
            id,
            parent.id,
            notice_version,
            &NewCardCheck {
                amount_tiyin: CONSENT_AUTHORISATION_TIYIN,
                brand: token.brand.as_str(),
                last4: &token.last4,
                authorisation_id: Some(&authorization_id),
                outcome,
                decline_code: None,
            },
            now,
        )
        .await?;
    Ok((consent, details))
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
    verify_parent_pin(state, meta, parent.id, pin).await
}

/// Checks the PIN of parent `parent` (also from a kids'-mode session on their device), with the
/// same lockout.
pub async fn verify_parent_pin(
    state: &AppState,
    meta: &ClientMeta,
    parent: UserId,
    pin: &str,
) -> Result<(), AuthError> {
    let auth = &state.0.auth;
    let subject = format!("user:{parent}");
    auth.rate_limit(&PIN_PER_ACCOUNT, &subject).await?;
    let row = state
        .0
        .db
        .user_by_id(parent)
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
        state.0.db.clear_pin_failures(parent).await?;
        auth.refund_rate_limit(&PIN_PER_ACCOUNT, &subject).await;
        return Ok(());
    }
    let failures = state.0.db.record_pin_failure(parent).await?;
    if failures >= PIN_ATTEMPTS {
        audit(
            state,
            meta,
            Some(parent),
            "pin_locked",
            Some(parent),
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
