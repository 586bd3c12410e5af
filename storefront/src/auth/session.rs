//! Account flows: registration, password login with the 2FA challenge, refresh-token rotation
//! with reuse detection, logout, TOTP enrolment, and role changes. Every security-relevant
//! outcome is written to the audit log.
//!
//! A session is a refresh-token family. Each refresh exchanges the presented token for a new
//! one; presenting an exchanged token again means it was copied, so the whole family is
//! revoked (`token_reused`) and both holders must sign in again.

use super::identity::{Identifier, normalize_email, normalize_phone};
use super::password::{MAX_PASSWORD_CHARS, check_policy, needs_rehash};
use super::rate_limit::{
    LOGIN_PER_ACCOUNT, LOGIN_PER_IP, REGISTER_PER_IP, TOTP_PER_ACCOUNT, TOTP_PER_IP,
};
use super::token::{self, ChallengeClaims, TokenError};
use super::{AuthError, ClientMeta, CurrentUser, Role, audit, cookies, data_key, totp};
use crate::db::accounts::{NewUser, RevokeReason, UserId, UserInsert, UserRow};
use crate::{ApiError, AppState};
use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use serde_json::json;

/// An account as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Id.
    pub id: UserId,
    /// Email.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Role.
    pub role: Role,
    /// The seller a seller account manages.
    pub seller_id: Option<i64>,
    /// Whether TOTP is on.
    pub totp_enabled: bool,
    /// Creation time.
    pub created_at: DateTime<Utc>,
}

impl Account {
    pub(crate) fn from_row(row: &UserRow) -> Result<Self, ApiError> {
        Ok(Self {
            id: row.id,
            email: row.email.clone(),
            phone: row.phone.clone(),
            role: row.role()?,
            seller_id: row.seller_id,
            totp_enabled: row.totp_enabled,
            created_at: row.created_at,
        })
    }
}

/// A new or refreshed session, with the secrets the client keeps.
#[derive(Debug, Clone)]
pub struct IssuedSession {
    /// The signed-in account.
    pub account: Account,
    /// The session (family) id.
    pub session_id: String,
    /// The access token (JWT).
    pub access_token: String,
    /// The refresh token (opaque).
    pub refresh_token: String,
    /// The CSRF token of the session (web clients).
    pub csrf_token: String,
}

/// What a password login leads to.
#[derive(Debug, Clone)]
pub enum LoginOutcome {
    /// Signed in.
    Session(Box<IssuedSession>),
    /// The password was right; the TOTP code is still needed.
    TotpRequired {
        /// Token to present with the code to `POST /api/v1/auth/login/2fa`.
        challenge_token: String,
    },
}

fn invalid_credentials() -> AuthError {
    AuthError::Api(ApiError::unauthorized(
        "invalid_credentials",
        "wrong login or password",
    ))
}

pub(crate) fn random_failed(error: getrandom::Error) -> ApiError {
    ApiError::internal(format!("no randomness: {error}"))
}

pub(crate) async fn load_account(state: &AppState, id: UserId) -> Result<UserRow, AuthError> {
    state.0.db.user_by_id(id).await?.ok_or_else(|| {
        AuthError::Api(ApiError::not_found(
            "user_not_found",
            format!("user {id} does not exist"),
        ))
    })
}

/// Registers a parent or seller account with an email and/or phone.
pub async fn register(
    state: &AppState,
    meta: &ClientMeta,
    email: Option<&str>,
    phone: Option<&str>,
    password: &str,
    role: Role,
) -> Result<Account, AuthError> {
    let auth = &state.0.auth;
    auth.rate_limit(&REGISTER_PER_IP, &meta.ip_subject())
        .await?;
    if !matches!(role, Role::Parent | Role::Seller) {
        return Err(ApiError::bad_request(
            "invalid_role",
            "only parent and seller accounts can register",
        )
        .into());
    }
    let email = email
        .filter(|email| !email.trim().is_empty())
        .map(normalize_email)
        .transpose()?;
    let phone = phone
        .filter(|phone| !phone.trim().is_empty())
        .map(normalize_phone)
        .transpose()?;
    if email.is_none() && phone.is_none() {
        return Err(ApiError::bad_request("missing_identifier", "give an email or a phone").into());
    }
    let identifiers: Vec<&str> = email
        .iter()
        .chain(phone.iter())
        .map(String::as_str)
        .collect();
    check_policy(password, &identifiers)?;
    let hash = auth.hash(password.to_owned()).await?;
    let inserted = state
        .0
        .db
        .insert_user(
            &NewUser {
                email: email.as_deref(),
                phone: phone.as_deref(),
                password_hash: &hash,
                role,
            },
            auth.now(),
        )
        .await?;
    let id = match inserted {
        UserInsert::Created(id) => id,
        UserInsert::EmailTaken => {
            return Err(
                ApiError::conflict("email_taken", "an account with this email exists").into(),
            );
        }
        UserInsert::PhoneTaken => {
            return Err(
                ApiError::conflict("phone_taken", "an account with this phone exists").into(),
            );
        }
    };
    audit(
        state,
        meta,
        Some(id),
        "register",
        Some(id),
        json!({ "role": role.as_str() }),
    )
    .await?;
    tracing::info!(user_id = %id, role = role.as_str(), "registered user {id}");
    Ok(Account::from_row(&load_account(state, id).await?)?)
}

/// Opens a session for `user` and returns its tokens.
pub(crate) async fn open_session(
    state: &AppState,
    user: &UserRow,
) -> Result<IssuedSession, AuthError> {
    let auth = &state.0.auth;
    let account = Account::from_row(user)?;
    let session_id = token::new_id().map_err(random_failed)?;
    let refresh_token = token::new_refresh_token().map_err(random_failed)?;
    let now = auth.now();
    state
        .0
        .db
        .create_session(
            &session_id,
            user.id,
            &token::sha256_hex(&refresh_token),
            now,
            now + chrono::Duration::seconds(auth.settings.refresh_ttl_seconds),
        )
        .await?;
    Ok(IssuedSession {
        access_token: auth.issue_access_token(user.id, account.role, &session_id)?,
        csrf_token: token::csrf_token(auth.keys(), &session_id),
        account,
        session_id,
        refresh_token,
    })
}

/// Checks a password login. Unknown accounts take as long as known ones and get the same
/// answer. Accounts with TOTP get a challenge instead of a session.
pub async fn login(
    state: &AppState,
    meta: &ClientMeta,
    login: &str,
    password: &str,
) -> Result<LoginOutcome, AuthError> {
    let auth = &state.0.auth;
    let identifier = Identifier::parse(login)?;
    auth.rate_limit(&LOGIN_PER_IP, &meta.ip_subject()).await?;
    auth.rate_limit(&LOGIN_PER_ACCOUNT, identifier.as_str())
        .await?;
    let user = match &identifier {
        Identifier::Email(email) => state.0.db.user_by_email(email).await?,
        Identifier::Phone(phone) => state.0.db.user_by_phone(phone).await?,
    };
    // No stored password can be longer than the policy allows.
    let plausible = password.chars().count() <= MAX_PASSWORD_CHARS;
    let stored = user.as_ref().and_then(|user| user.password_hash.clone());
    let verified = plausible && auth.verify(stored.clone(), password.to_owned()).await?;
    let user = match user {
        Some(user) if verified => user,
        other => {
            let target = other.map(|user| user.id);
            let reason = if target.is_some() {
                "wrong_password"
            } else {
                "unknown_account"
            };
            audit(
                state,
                meta,
                None,
                "login_failed",
                target,
                json!({ "reason": reason }),
            )
            .await?;
            return Err(invalid_credentials());
        }
    };
    auth.refund_rate_limit(&LOGIN_PER_IP, &meta.ip_subject())
        .await;
    auth.refund_rate_limit(&LOGIN_PER_ACCOUNT, identifier.as_str())
        .await;
    if stored
        .as_deref()
        .is_some_and(|stored| needs_rehash(stored, auth.settings.password))
    {
        let (state, id, password) = (state.clone(), user.id, password.to_owned());
        tokio::spawn(async move {
            let auth = &state.0.auth;
            let stored = match auth.hash(password).await {
                Ok(hash) => state
                    .0
                    .db
                    .set_password_hash(id, &hash, auth.now())
                    .await
                    .map_err(ApiError::from),
                Err(error) => Err(error),
            };
            if let Err(error) = stored {
                tracing::warn!(%error, user_id = %id, "rehashing the password of user {id} failed: {error}");
            }
        });
    }
    if user.totp_enabled {
        let now = auth.now().timestamp();
        let claims = ChallengeClaims {
            iss: token::ISSUER.to_owned(),
            sub: user.id.0.to_string(),
            iat: now,
            exp: now + auth.settings.challenge_ttl_seconds,
            jti: token::new_id().map_err(random_failed)?,
            typ: "totp_challenge".to_owned(),
        };
        let challenge_token =
            token::sign(&auth.keys().challenge, &claims).map_err(ApiError::internal)?;
        return Ok(LoginOutcome::TotpRequired { challenge_token });
    }
    let session = open_session(state, &user).await?;
    audit(
        state,
        meta,
        Some(user.id),
        "login_succeeded",
        Some(user.id),
        json!({ "method": "password", "session": session.session_id }),
    )
    .await?;
    Ok(LoginOutcome::Session(Box::new(session)))
}

/// Which second factor was used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SecondFactor {
    Totp,
    RecoveryCode,
}

/// Checks a TOTP code (consuming its step: a replay fails) or a recovery code (consuming it).
async fn check_second_factor(
    state: &AppState,
    meta: &ClientMeta,
    user: &UserRow,
    code: Option<&str>,
    recovery_code: Option<&str>,
) -> Result<Option<SecondFactor>, AuthError> {
    let auth = &state.0.auth;
    if code.is_some() == recovery_code.is_some() {
        return Err(ApiError::bad_request(
            "invalid_request",
            "give exactly one of code and recovery_code",
        )
        .into());
    }
    let account_subject = format!("user:{}", user.id);
    auth.rate_limit(&TOTP_PER_IP, &meta.ip_subject()).await?;
    auth.rate_limit(&TOTP_PER_ACCOUNT, &account_subject).await?;
    let factor = match (code, recovery_code) {
        (Some(code), None) => {
            let secret = match user.totp_secret.as_deref() {
                Some(sealed) => Some(open_totp_secret(state, user.id, sealed)?),
                None => None,
            };
            let step = secret
                .as_deref()
                .and_then(totp::base32_decode)
                .and_then(|secret| {
                    totp::verify(&secret, code, auth.now().timestamp(), user.totp_last_step)
                });
            let Some(step) = step else {
                return Ok(None);
            };
            let fresh = state.0.db.consume_totp_step(user.id, step).await?;
            fresh.then_some(SecondFactor::Totp)
        }
        (None, Some(recovery_code)) => {
            let Some(hash) = totp::recovery_code_hash(recovery_code) else {
                return Ok(None);
            };
            if !state
                .0
                .db
                .use_recovery_code(user.id, &hash, auth.now())
                .await?
            {
                return Ok(None);
            }
            let remaining = state.0.db.unused_recovery_codes(user.id).await?;
            audit(
                state,
                meta,
                Some(user.id),
                "recovery_code_used",
                Some(user.id),
                json!({ "remaining": remaining }),
            )
            .await?;
            Some(SecondFactor::RecoveryCode)
        }
        _ => None,
    };
    if factor.is_some() {
        auth.refund_rate_limit(&TOTP_PER_IP, &meta.ip_subject())
            .await;
        auth.refund_rate_limit(&TOTP_PER_ACCOUNT, &account_subject)
            .await;
    }
    Ok(factor)
}

/// Completes a login with the challenge token and a TOTP or recovery code.
pub async fn complete_totp_login(
    state: &AppState,
    meta: &ClientMeta,
    challenge_token: &str,
    code: Option<&str>,
    recovery_code: Option<&str>,
) -> Result<IssuedSession, AuthError> {
    let auth = &state.0.auth;
    let claims: ChallengeClaims = token::verify(
        &auth.keys().challenge,
        challenge_token,
        auth.now().timestamp(),
    )
    .map_err(|error| {
        AuthError::Api(match error {
            TokenError::Expired => ApiError::unauthorized(
                "challenge_expired",
                "the login challenge has expired; sign in again",
            ),
            TokenError::Invalid => {
                ApiError::unauthorized("invalid_challenge", "the login challenge is not valid")
            }
        })
    })?;
    let id = claims.sub.parse::<i64>().map(UserId).map_err(|_| {
        ApiError::unauthorized("invalid_challenge", "the login challenge is not valid")
    })?;
    let user = state
        .0
        .db
        .user_by_id(id)
        .await?
        .filter(|user| user.totp_enabled)
        .ok_or_else(|| {
            ApiError::unauthorized("invalid_challenge", "the login challenge is not valid")
        })?;
    let Some(factor) = check_second_factor(state, meta, &user, code, recovery_code).await? else {
        audit(
            state,
            meta,
            None,
            "login_failed",
            Some(user.id),
            json!({ "reason": "wrong_second_factor" }),
        )
        .await?;
        return Err(ApiError::unauthorized(
            "invalid_totp_code",
            "the code is wrong or already used",
        )
        .into());
    };
    let session = open_session(state, &user).await?;
    let method = match factor {
        SecondFactor::Totp => "totp",
        SecondFactor::RecoveryCode => "recovery_code",
    };
    audit(
        state,
        meta,
        Some(user.id),
        "login_succeeded",
        Some(user.id),
        json!({ "method": method, "session": session.session_id }),
    )
    .await?;
    Ok(session)
}

/// Exchanges a refresh token for a new pair. `cookie_headers` is set when the token came from
/// the refresh cookie: the request must then pass the CSRF check. A token already exchanged
/// revokes its whole family.
pub async fn refresh(
    state: &AppState,
    meta: &ClientMeta,
    presented: &str,
    cookie_headers: Option<&HeaderMap>,
) -> Result<IssuedSession, AuthError> {
    let auth = &state.0.auth;
    let invalid = || {
        AuthError::Api(ApiError::unauthorized(
            "invalid_refresh_token",
            "the refresh token is not valid",
        ))
    };
    if presented.len() > 256 {
        return Err(invalid());
    }
    let row = state
        .0
        .db
        .refresh_token_by_hash(&token::sha256_hex(presented))
        .await?
        .ok_or_else(invalid)?;
    if let Some(headers) = cookie_headers {
        cookies::check_csrf(headers, auth.keys(), &row.session_id)?;
    }
    if row.session_revoked_at.is_some() {
        return Err(ApiError::unauthorized(
            "session_revoked",
            "the session has ended; sign in again",
        )
        .into());
    }
    let now = auth.now();
    let reused = || async {
        state
            .0
            .db
            .revoke_session(&row.session_id, RevokeReason::TokenReused, now)
            .await?;
        audit(
            state,
            meta,
            None,
            "refresh_token_reused",
            Some(row.user_id),
            json!({ "session": row.session_id }),
        )
        .await?;
        tracing::warn!(user_id = %row.user_id, session = %row.session_id, "refresh token reused: revoked session {}", row.session_id);
        Err::<IssuedSession, AuthError>(
            ApiError::unauthorized(
                "token_reused",
                "this refresh token was already used; the session has been ended",
            )
            .into(),
        )
    };
    if row.rotated_at.is_some() {
        return reused().await;
    }
    if row.expires_at <= now {
        return Err(ApiError::unauthorized(
            "refresh_token_expired",
            "the refresh token has expired",
        )
        .into());
    }
    let user = load_account(state, row.user_id).await?;
    let refresh_token = token::new_refresh_token().map_err(random_failed)?;
    let rotated = state
        .0
        .db
        .rotate_refresh_token(
            row.id,
            &row.session_id,
            &token::sha256_hex(&refresh_token),
            now,
            now + chrono::Duration::seconds(auth.settings.refresh_ttl_seconds),
        )
        .await?;
    if !rotated {
        return reused().await;
    }
    let account = Account::from_row(&user)?;
    Ok(IssuedSession {
        access_token: auth.issue_access_token(user.id, account.role, &row.session_id)?,
        csrf_token: token::csrf_token(auth.keys(), &row.session_id),
        account,
        session_id: row.session_id,
        refresh_token,
    })
}

/// Ends the caller's session.
pub async fn logout(
    state: &AppState,
    meta: &ClientMeta,
    user: &CurrentUser,
) -> Result<(), AuthError> {
    state
        .0
        .db
        .revoke_session(&user.session_id, RevokeReason::Logout, state.0.auth.now())
        .await?;
    audit(
        state,
        meta,
        Some(user.id),
        "logout",
        Some(user.id),
        json!({ "session": user.session_id }),
    )
    .await?;
    Ok(())
}

/// Ends every session of the caller. Returns how many were live.
pub async fn logout_all(
    state: &AppState,
    meta: &ClientMeta,
    user: &CurrentUser,
) -> Result<u64, AuthError> {
    let ended = state
        .0
        .db
        .revoke_user_sessions(user.id, RevokeReason::LogoutAll, state.0.auth.now())
        .await?;
    audit(
        state,
        meta,
        Some(user.id),
        "logout_all",
        Some(user.id),
        json!({ "sessions": ended }),
    )
    .await?;
    Ok(ended)
}

/// Returns the caller's account.
pub async fn me(state: &AppState, user: &CurrentUser) -> Result<Account, AuthError> {
    Ok(Account::from_row(&load_account(state, user.id).await?)?)
}

/// Opens a TOTP secret sealed at rest (see [`data_key`]).
fn open_totp_secret(state: &AppState, user: UserId, sealed: &str) -> Result<String, ApiError> {
    state
        .0
        .auth
        .data_key()
        .open(sealed, &data_key::totp_aad(user.0))
        .map_err(|error| {
            ApiError::internal(format!(
                "the totp secret of user {user} does not open: {error}"
            ))
        })
}

/// Starts TOTP enrolment: a new pending secret. Returns it in base32 with its otpauth URI.
pub async fn begin_totp_enrollment(
    state: &AppState,
    user: &CurrentUser,
) -> Result<(String, String), AuthError> {
    let row = load_account(state, user.id).await?;
    if row.totp_enabled {
        return Err(ApiError::conflict(
            "totp_already_enabled",
            "two-factor authentication is already on",
        )
        .into());
    }
    let secret = totp::base32_encode(&totp::new_secret().map_err(random_failed)?);
    let sealed = state
        .0
        .auth
        .data_key()
        .seal(&secret, &data_key::totp_aad(user.id.0))
        .map_err(ApiError::internal)?;
    state
        .0
        .db
        .set_pending_totp_secret(user.id, &sealed, state.0.auth.now())
        .await?;
    let label = row
        .email
        .clone()
        .or(row.phone.clone())
        .unwrap_or_else(|| format!("user-{}", row.id));
    let uri = totp::otpauth_uri(&secret, &label);
    Ok((secret, uri))
}

/// Confirms TOTP enrolment with a first code; returns the recovery codes (shown once).
pub async fn confirm_totp_enrollment(
    state: &AppState,
    meta: &ClientMeta,
    user: &CurrentUser,
    code: &str,
) -> Result<Vec<String>, AuthError> {
    let auth = &state.0.auth;
    auth.rate_limit(&TOTP_PER_ACCOUNT, &format!("user:{}", user.id))
        .await?;
    let row = load_account(state, user.id).await?;
    let not_enrolling = || {
        AuthError::Api(ApiError::conflict(
            "totp_not_enrolling",
            "start with POST /api/v1/auth/2fa/enroll",
        ))
    };
    let pending = row.totp_pending_secret.clone().ok_or_else(not_enrolling)?;
    let plain = open_totp_secret(state, row.id, &pending)?;
    let secret = totp::base32_decode(&plain).ok_or_else(|| {
        ApiError::internal(format!("user {} has a malformed pending secret", row.id))
    })?;
    let step = totp::verify(&secret, code, auth.now().timestamp(), None)
        .ok_or_else(|| ApiError::bad_request("invalid_totp_code", "the code is wrong"))?;
    auth.refund_rate_limit(&TOTP_PER_ACCOUNT, &format!("user:{}", user.id))
        .await;
    let codes = totp::new_recovery_codes().map_err(random_failed)?;
    let hashes: Vec<String> = codes
        .iter()
        .filter_map(|code| totp::recovery_code_hash(code))
        .collect();
    debug_assert_eq!(hashes.len(), codes.len());
    if !state
        .0
        .db
        .enable_totp(user.id, &pending, step, &hashes, auth.now())
        .await?
    {
        return Err(not_enrolling());
    }
    audit(
        state,
        meta,
        Some(user.id),
        "totp_enabled",
        Some(user.id),
        json!({}),
    )
    .await?;
    Ok(codes)
}

/// Turns TOTP off (parents only: it is mandatory for the other grown-up roles), with a
/// current code or a recovery code.
pub async fn disable_totp(
    state: &AppState,
    meta: &ClientMeta,
    user: &CurrentUser,
    code: Option<&str>,
    recovery_code: Option<&str>,
) -> Result<(), AuthError> {
    if user.role.requires_totp() {
        return Err(ApiError::forbidden(
            "totp_mandatory",
            "two-factor authentication is mandatory for your role",
        )
        .into());
    }
    let row = load_account(state, user.id).await?;
    if !row.totp_enabled {
        return Err(
            ApiError::conflict("totp_not_enabled", "two-factor authentication is off").into(),
        );
    }
    if check_second_factor(state, meta, &row, code, recovery_code)
        .await?
        .is_none()
    {
        return Err(ApiError::bad_request(
            "invalid_totp_code",
            "the code is wrong or already used",
        )
        .into());
    }
    state.0.db.disable_totp(user.id, state.0.auth.now()).await?;
    audit(
        state,
        meta,
        Some(user.id),
        "totp_disabled",
        Some(user.id),
        json!({}),
    )
    .await?;
    Ok(())
}

/// Changes another user's role (admins) and ends that user's sessions.
pub async fn change_role(
    state: &AppState,
    meta: &ClientMeta,
    admin: &CurrentUser,
    target: UserId,
    role: Role,
) -> Result<Account, AuthError> {
    if role == Role::Child {
        return Err(ApiError::bad_request(
            "invalid_role",
            "child accounts are created as child profiles",
        )
        .into());
    }
    if target == admin.id {
        return Err(ApiError::bad_request(
            "cannot_change_own_role",
            "another admin must change your role",
        )
        .into());
    }
    let row = load_account(state, target).await?;
    let from = row.role()?;
    if from == Role::Child {
        return Err(
            ApiError::bad_request("invalid_role", "a child profile's role cannot change").into(),
        );
    }
    state
        .0
        .db
        .change_user_role(target, role, state.0.auth.now())
        .await?;
    audit(
        state,
        meta,
        Some(admin.id),
        "role_changed",
        Some(target),
        json!({ "from": from.as_str(), "to": role.as_str() }),
    )
    .await?;
    Ok(Account::from_row(&load_account(state, target).await?)?)
}
