//! Passkeys (WebAuthn, through webauthn-rs): a signed-in grown-up registers a passkey, lists and
//! deletes their own, and signs in with one, getting the same access and refresh tokens as a
//! password login.
//!
//! - Each ceremony's challenge state stays on the server (`webauthn_challenges`), expires with
//!   the 2FA challenge lifetime (5 minutes), and is deleted when the ceremony finishes, so an
//!   assertion cannot be replayed: a second finish with the same challenge finds nothing, and a
//!   new challenge does not match the old signed client data.
//! - Sign-in is username-less (a discoverable credential): the authenticator returns the
//!   account's opaque user handle (a random UUID, never the account id), so the start step
//!   reveals nothing about which accounts exist. The credential must belong to that handle's
//!   account.
//! - The relying-party id and origin come from configuration; an assertion made for another
//!   origin is refused.
//! - A signature counter that does not move forward (a possibly cloned authenticator) is
//!   refused with `passkey_counter_regressed` and audited; counters of 0 (synced passkeys that
//!   keep none) are accepted.
//!
//! **Passkeys and 2FA.** webauthn-rs requires user verification (biometric or device PIN) for
//! passkeys, so a passkey sign-in proves possession of the device *and* the user's biometric or
//! PIN: it counts as two factors and issues a session without the TOTP step, for every role.
//! Sellers, moderators and admins must still have TOTP turned on (the mandatory-TOTP routes stay
//! closed until they enrol), so a lost passkey never leaves a privileged account with a
//! password alone, and registering a passkey needs a session that already passed TOTP.

use super::rate_limit::{LOGIN_PER_IP, PASSKEY_CHALLENGE_PER_IP};
use super::session::{self, IssuedSession, random_failed};
use super::{AuthError, ClientMeta, CurrentUser, audit, token};
use crate::db::credentials::{ChallengePurpose, PasskeyRow};
use crate::{ApiError, AppState};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::json;
use webauthn_rs::prelude::{
    CreationChallengeResponse, CredentialID, DiscoverableAuthentication, DiscoverableKey, Passkey,
    PasskeyRegistration, PublicKeyCredential, RegisterPublicKeyCredential,
    RequestChallengeResponse, Uuid, WebauthnError,
};

/// Passkeys one account may hold.
pub const MAX_PASSKEYS: usize = 10;
/// The longest passkey name.
pub const MAX_NAME_CHARS: usize = 64;

/// A started ceremony: the id to finish it with, and the options for the browser.
#[derive(Debug, Clone)]
pub struct Started<T> {
    /// Send back with the authenticator's response.
    pub challenge_id: String,
    /// `navigator.credentials.create()` / `.get()` options.
    pub options: T,
}

fn invalid_challenge(status_unauthorized: bool) -> AuthError {
    let message = "the passkey challenge is unknown or already used; start again";
    AuthError::Api(if status_unauthorized {
        ApiError::unauthorized("invalid_passkey_challenge", message)
    } else {
        ApiError::bad_request("invalid_passkey_challenge", message)
    })
}

fn login_failed() -> AuthError {
    AuthError::Api(ApiError::unauthorized(
        "passkey_login_failed",
        "the passkey could not be verified",
    ))
}

fn state_error(error: serde_json::Error) -> AuthError {
    AuthError::Api(ApiError::internal(format!(
        "passkey ceremony state does not (de)serialise: {error}"
    )))
}

/// Returns a credential id as stored: base64url without padding.
pub fn credential_id_text(raw: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(raw)
}

/// Returns a new random (version 4) user handle from the OS generator.
fn new_user_handle() -> Result<Uuid, ApiError> {
    let mut bytes = token::random_bytes::<16>().map_err(random_failed)?;
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    Ok(Uuid::from_bytes(bytes))
}

async fn store_challenge(
    state: &AppState,
    purpose: ChallengePurpose,
    user: Option<crate::db::accounts::UserId>,
    ceremony_state: &impl serde::Serialize,
) -> Result<String, AuthError> {
    let auth = &state.0.auth;
    let id = token::new_id().map_err(random_failed)?;
    let now_ms = auth.now().timestamp_millis();
    let serialised = serde_json::to_string(ceremony_state).map_err(state_error)?;
    state
        .0
        .db
        .insert_webauthn_challenge(
            &id,
            purpose,
            user,
            &serialised,
            now_ms,
            now_ms + auth.settings.challenge_ttl_seconds * 1000,
        )
        .await?;
    Ok(id)
}

/// Starts registering a passkey for the signed-in account.
pub async fn begin_registration(
    state: &AppState,
    user: &CurrentUser,
) -> Result<Started<CreationChallengeResponse>, AuthError> {
    let existing = state.0.db.passkeys_of(user.id).await?;
    if existing.len() >= MAX_PASSKEYS {
        return Err(ApiError::conflict(
            "too_many_passkeys",
            format!("an account may hold at most {MAX_PASSKEYS} passkeys; delete one first"),
        )
        .into());
    }
    let row = session::load_account(state, user.id).await?;
    let label = row
        .email
        .clone()
        .or(row.phone.clone())
        .unwrap_or_else(|| format!("user-{}", row.id));
    let candidate = new_user_handle()?;
    let handle = state
        .0
        .db
        .ensure_webauthn_user_handle(
            user.id,
            &candidate.to_string(),
            state.0.auth.now().timestamp_millis(),
        )
        .await?;
    let handle = Uuid::parse_str(&handle).map_err(|error| {
        ApiError::internal(format!(
            "user {} has a malformed user handle: {error}",
            user.id
        ))
    })?;
    let exclude: Vec<CredentialID> = existing
        .iter()
        .filter_map(|row| URL_SAFE_NO_PAD.decode(&row.credential_id).ok())
        .map(Into::into)
        .collect();
    let (options, registration) = state
        .0
        .auth
        .webauthn()
        .start_passkey_registration(handle, &label, &label, Some(exclude))
        .map_err(|error| ApiError::internal(format!("starting a passkey registration: {error}")))?;
    let challenge_id = store_challenge(
        state,
        ChallengePurpose::Registration,
        Some(user.id),
        &registration,
    )
    .await?;
    Ok(Started {
        challenge_id,
        options,
    })
}

/// Checks a passkey's name: 1 to 64 characters, no control characters.
fn check_name(name: &str) -> Result<&str, ApiError> {
    let name = name.trim();
    if name.is_empty()
        || name.chars().count() > MAX_NAME_CHARS
        || name.chars().any(char::is_control)
    {
        return Err(ApiError::bad_request(
            "invalid_passkey_name",
            format!("the name must have 1 to {MAX_NAME_CHARS} characters"),
        ));
    }
    Ok(name)
}

/// Finishes a registration started by the same account and stores the passkey.
pub async fn finish_registration(
    state: &AppState,
    meta: &ClientMeta,
    user: &CurrentUser,
    challenge_id: &str,
    name: Option<&str>,
    credential: &RegisterPublicKeyCredential,
) -> Result<PasskeyRow, AuthError> {
    let name = check_name(name.unwrap_or("Passkey"))?;
    let auth = &state.0.auth;
    let now_ms = auth.now().timestamp_millis();
    let challenge = state
        .0
        .db
        .take_webauthn_challenge(challenge_id, ChallengePurpose::Registration)
        .await?
        .filter(|challenge| challenge.user_id == Some(user.id))
        .ok_or_else(|| invalid_challenge(false))?;
    if challenge.expires_at <= now_ms {
        return Err(ApiError::bad_request(
            "passkey_challenge_expired",
            "the passkey challenge has expired; start again",
        )
        .into());
    }
    let registration: PasskeyRegistration =
        serde_json::from_str(&challenge.state).map_err(state_error)?;
    let passkey = auth
        .webauthn()
        .finish_passkey_registration(credential, &registration)
        .map_err(|error| {
            tracing::info!(user_id = %user.id, %error, "passkey registration of user {} refused: {error}", user.id);
            ApiError::bad_request(
                "passkey_registration_failed",
                "the authenticator's response could not be verified",
            )
        })?;
    let credential_id = credential_id_text(passkey.cred_id().as_ref());
    let record = serde_json::to_string(&passkey).map_err(state_error)?;
    let row = state
        .0
        .db
        .insert_passkey(user.id, &credential_id, name, &record, 0, now_ms)
        .await?
        .ok_or_else(|| {
            ApiError::conflict(
                "passkey_already_registered",
                "this passkey is registered already",
            )
        })?;
    audit(
        state,
        meta,
        Some(user.id),
        "passkey_registered",
        Some(user.id),
        json!({ "passkey": row.id }),
    )
    .await?;
    Ok(row)
}

/// Returns the caller's passkeys.
pub async fn list(state: &AppState, user: &CurrentUser) -> Result<Vec<PasskeyRow>, AuthError> {
    Ok(state.0.db.passkeys_of(user.id).await?)
}

/// Deletes one of the caller's passkeys; anyone else's id answers `passkey_not_found`.
pub async fn delete(
    state: &AppState,
    meta: &ClientMeta,
    user: &CurrentUser,
    id: i64,
) -> Result<(), AuthError> {
    if !state.0.db.delete_passkey(user.id, id).await? {
        return Err(ApiError::not_found(
            "passkey_not_found",
            format!("passkey {id} does not exist"),
        )
        .into());
    }
    audit(
        state,
        meta,
        Some(user.id),
        "passkey_deleted",
        Some(user.id),
        json!({ "passkey": id }),
    )
    .await?;
    Ok(())
}

/// Starts a passkey sign-in (no account named: the authenticator picks the credential).
pub async fn begin_login(
    state: &AppState,
    meta: &ClientMeta,
) -> Result<Started<RequestChallengeResponse>, AuthError> {
    state
        .0
        .auth
        .rate_limit(&PASSKEY_CHALLENGE_PER_IP, &meta.ip_subject())
        .await?;
    let (options, authentication) = state
        .0
        .auth
        .webauthn()
        .start_discoverable_authentication()
        .map_err(|error| ApiError::internal(format!("starting a passkey sign-in: {error}")))?;
    let challenge_id = store_challenge(
        state,
        ChallengePurpose::Authentication,
        None,
        &authentication,
    )
    .await?;
    Ok(Started {
        challenge_id,
        options,
    })
}

async fn login_refused(
    state: &AppState,
    meta: &ClientMeta,
    target: Option<crate::db::accounts::UserId>,
    reason: &str,
    passkey: Option<i64>,
) -> Result<(), AuthError> {
    audit(
        state,
        meta,
        None,
        "login_failed",
        target,
        json!({ "reason": reason, "method": "passkey", "passkey": passkey }),
    )
    .await?;
    Ok(())
}

/// Finishes a passkey sign-in and opens a session.
pub async fn finish_login(
    state: &AppState,
    meta: &ClientMeta,
    challenge_id: &str,
    credential: &PublicKeyCredential,
) -> Result<IssuedSession, AuthError> {
    let auth = &state.0.auth;
    auth.rate_limit(&LOGIN_PER_IP, &meta.ip_subject()).await?;
    let now_ms = auth.now().timestamp_millis();
    let challenge = state
        .0
        .db
        .take_webauthn_challenge(challenge_id, ChallengePurpose::Authentication)
        .await?
        .ok_or_else(|| invalid_challenge(true))?;
    if challenge.expires_at <= now_ms {
        return Err(ApiError::unauthorized(
            "passkey_challenge_expired",
            "the passkey challenge has expired; start again",
        )
        .into());
    }
    let authentication: DiscoverableAuthentication =
        serde_json::from_str(&challenge.state).map_err(state_error)?;
    let webauthn = auth.webauthn();
    let Ok((handle, raw_credential_id)) = webauthn.identify_discoverable_authentication(credential)
    else {
        login_refused(state, meta, None, "passkey_without_user_handle", None).await?;
        return Err(login_failed());
    };
    let owner = state
        .0
        .db
        .user_by_webauthn_handle(&handle.to_string())
        .await?;
    let row = state
        .0
        .db
        .passkey_by_credential_id(&credential_id_text(raw_credential_id))
        .await?;
    let (owner, row) = match (owner, row) {
        (Some(owner), Some(row)) if row.user_id == owner => (owner, row),
        (owner, row) => {
            // Unknown credential, or one belonging to another account than the handle names.
            login_refused(
                state,
                meta,
                owner,
                "passkey_not_registered_to_account",
                row.map(|row| row.id),
            )
            .await?;
            return Err(login_failed());
        }
    };
    let mut passkey: Passkey = serde_json::from_str(&row.credential).map_err(state_error)?;
    let result = match webauthn.finish_discoverable_authentication(
        credential,
        authentication,
        &[DiscoverableKey::from(&passkey)],
    ) {
        Ok(result) => result,
        Err(WebauthnError::CredentialPossibleCompromise) => {
            login_refused(
                state,
                meta,
                Some(owner),
                "passkey_counter_regressed",
                Some(row.id),
            )
            .await?;
            tracing::warn!(user_id = %owner, passkey = row.id, "passkey {} of user {owner} presented a counter that did not move forward", row.id);
            return Err(counter_regressed());
        }
        Err(error) => {
            tracing::info!(user_id = %owner, %error, "passkey sign-in of user {owner} refused: {error}");
            login_refused(
                state,
                meta,
                Some(owner),
                "passkey_not_verified",
                Some(row.id),
            )
            .await?;
            return Err(login_failed());
        }
    };
    passkey.update_credential(&result);
    let record = serde_json::to_string(&passkey).map_err(state_error)?;
    if !state
        .0
        .db
        .record_passkey_use(row.id, &record, i64::from(result.counter()), now_ms)
        .await?
    {
        // A concurrent sign-in stored a counter at least as high: this one is stale.
        login_refused(
            state,
            meta,
            Some(owner),
            "passkey_counter_regressed",
            Some(row.id),
        )
        .await?;
        return Err(counter_regressed());
    }
    let user = session::load_account(state, owner).await?;
    let issued = session::open_session(state, &user).await?;
    auth.refund_rate_limit(&LOGIN_PER_IP, &meta.ip_subject())
        .await;
    audit(
        state,
        meta,
        Some(owner),
        "login_succeeded",
        Some(owner),
        json!({ "method": "passkey", "passkey": row.id, "session": issued.session_id }),
    )
    .await?;
    Ok(issued)
}

fn counter_regressed() -> AuthError {
    AuthError::Api(ApiError::unauthorized(
        "passkey_counter_regressed",
        "this passkey's signature counter went backwards; it may have been copied",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(check_name("  Telefon  ").unwrap(), "Telefon");
        assert!(check_name("").is_err());
        assert!(check_name("   ").is_err());
        assert!(check_name(&"x".repeat(65)).is_err());
        assert!(check_name("a\u{0}b").is_err());
        assert!(check_name(&"ж".repeat(64)).is_ok());
    }

    #[test]
    fn user_handles_are_random_v4_uuids() {
        let a = new_user_handle().unwrap();
        let b = new_user_handle().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.get_version_num(), 4);
        assert_eq!(a.to_string().len(), 36);
    }
}
