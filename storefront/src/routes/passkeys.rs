//! `/api/v1/auth/passkeys/…`: register, list and delete the caller's passkeys, and sign in with
//! one (WebAuthn through webauthn-rs; see [`crate::auth::passkeys`]). The start steps answer
//! the options for `navigator.credentials.create()` / `.get()` (`options.publicKey`) and a
//! `challenge_id` to send back with the authenticator's response.

use super::auth::{JsonBody, OptionalJsonBody, SessionResponse, parse_id, session_response};
use crate::auth::passkeys;
use crate::auth::{AuthError, ClientMeta, CurrentUser};
use crate::db::credentials::PasskeyRow;
use crate::{ApiError, AppState};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use webauthn_rs::prelude::{PublicKeyCredential, RegisterPublicKeyCredential};

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/auth/passkeys/register/start",
            post(passkey_register_start),
        )
        .route(
            "/api/v1/auth/passkeys/register/finish",
            post(passkey_register_finish),
        )
        .route("/api/v1/auth/passkeys", get(list_passkeys))
        .route("/api/v1/auth/passkeys/{id}", delete(delete_passkey))
        .route(
            "/api/v1/auth/passkeys/login/start",
            post(passkey_login_start),
        )
        .route(
            "/api/v1/auth/passkeys/login/finish",
            post(passkey_login_finish),
        )
        .layer(DefaultBodyLimit::max(super::auth::MAX_BODY_BYTES))
}

/// A started ceremony.
#[derive(Debug, Serialize, ToSchema)]
pub struct PasskeyChallenge {
    /// Send back with the authenticator's response.
    pub challenge_id: String,
    /// Seconds the challenge lasts.
    pub expires_in: i64,
    /// The WebAuthn options: pass `options.publicKey` to `navigator.credentials.create()`
    /// (registration) or `.get()` (sign-in), binary fields base64url.
    #[schema(value_type = Object)]
    pub options: serde_json::Value,
}

/// A passkey as its owner sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PasskeyView {
    /// Id.
    pub id: i64,
    /// The name the owner gave it.
    pub name: String,
    /// When it was registered.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTime<Utc>,
    /// When it last signed in.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_used_at: Option<DateTime<Utc>>,
}

impl From<PasskeyRow> for PasskeyView {
    fn from(row: PasskeyRow) -> Self {
        let time = |ms: i64| DateTime::<Utc>::from_timestamp_millis(ms).unwrap_or_default();
        Self {
            id: row.id,
            name: row.name,
            created_at: time(row.created_at),
            last_used_at: row.last_used_at.map(time),
        }
    }
}

/// `POST /api/v1/auth/passkeys/register/finish`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasskeyRegisterFinish {
    /// From the start step.
    pub challenge_id: String,
    /// A name for the passkey (1-64 characters; default `Passkey`).
    #[serde(default)]
    pub name: Option<String>,
    /// The `PublicKeyCredential` from `navigator.credentials.create()`, binary fields
    /// base64url (`id`, `rawId`, `type`, `response.attestationObject`,
    /// `response.clientDataJSON`).
    #[schema(value_type = Object)]
    pub credential: RegisterPublicKeyCredential,
}

/// `POST /api/v1/auth/passkeys/login/finish`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasskeyLoginFinish {
    /// From the start step.
    pub challenge_id: String,
    /// The `PublicKeyCredential` from `navigator.credentials.get()`, binary fields base64url
    /// (`response.authenticatorData`, `clientDataJSON`, `signature`, `userHandle`).
    #[schema(value_type = Object)]
    pub credential: PublicKeyCredential,
    /// Web clients: deliver the session in cookies.
    #[serde(default)]
    pub use_cookies: bool,
}

fn challenge_body(
    state: &AppState,
    challenge_id: String,
    options: impl Serialize,
) -> Result<Json<PasskeyChallenge>, AuthError> {
    let options = serde_json::to_value(options).map_err(ApiError::internal)?;
    Ok(Json(PasskeyChallenge {
        challenge_id,
        expires_in: state.0.auth.settings.challenge_ttl_seconds,
        options,
    }))
}

/// Starts registering a passkey for the signed-in account.
#[utoipa::path(
    post,
    path = "/api/v1/auth/passkeys/register/start",
    tag = "auth",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "Options for navigator.credentials.create()", body = PasskeyChallenge),
        (status = 409, description = "Ten passkeys already (too_many_passkeys)", body = crate::error::ErrorBody),
    )
)]
pub async fn passkey_register_start(
    user: CurrentUser,
    State(state): State<AppState>,
) -> Result<Json<PasskeyChallenge>, AuthError> {
    let started = passkeys::begin_registration(&state, &user).await?;
    challenge_body(&state, started.challenge_id, started.options)
}

/// Finishes the registration with the authenticator's response and stores the passkey.
#[utoipa::path(
    post,
    path = "/api/v1/auth/passkeys/register/finish",
    tag = "auth",
    security(("bearer" = []), ("cookie" = [])),
    request_body = PasskeyRegisterFinish,
    responses(
        (status = 201, description = "Registered", body = PasskeyView),
        (status = 400, description = "invalid_passkey_challenge (unknown, used, or another account's), passkey_challenge_expired, passkey_registration_failed (wrong origin, challenge or signature), invalid_passkey_name, invalid_json", body = crate::error::ErrorBody),
        (status = 409, description = "passkey_already_registered", body = crate::error::ErrorBody),
    )
)]
pub async fn passkey_register_finish(
    user: CurrentUser,
    State(state): State<AppState>,
    meta: ClientMeta,
    JsonBody(body): JsonBody<PasskeyRegisterFinish>,
) -> Result<(StatusCode, Json<PasskeyView>), AuthError> {
    let row = passkeys::finish_registration(
        &state,
        &meta,
        &user,
        &body.challenge_id,
        body.name.as_deref(),
        &body.credential,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(row.into())))
}

/// Lists the caller's passkeys.
#[utoipa::path(
    get,
    path = "/api/v1/auth/passkeys",
    tag = "auth",
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, description = "The caller's passkeys, oldest first", body = [PasskeyView]))
)]
pub async fn list_passkeys(
    user: CurrentUser,
    State(state): State<AppState>,
) -> Result<Json<Vec<PasskeyView>>, AuthError> {
    let rows = passkeys::list(&state, &user).await?;
    Ok(Json(rows.into_iter().map(PasskeyView::from).collect()))
}

/// Deletes one of the caller's passkeys.
#[utoipa::path(
    delete,
    path = "/api/v1/auth/passkeys/{id}",
    tag = "auth",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "Passkey id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "invalid_passkey_id", body = crate::error::ErrorBody),
        (status = 404, description = "No such passkey of yours (passkey_not_found)", body = crate::error::ErrorBody),
    )
)]
pub async fn delete_passkey(
    user: CurrentUser,
    State(state): State<AppState>,
    meta: ClientMeta,
    Path(id): Path<String>,
) -> Result<StatusCode, AuthError> {
    let id = parse_id(&id, "invalid_passkey_id", "passkey")?;
    passkeys::delete(&state, &meta, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Starts a passkey sign-in. No account is named: the authenticator offers its passkeys for
/// this site, so the answer is the same for everyone.
#[utoipa::path(
    post,
    path = "/api/v1/auth/passkeys/login/start",
    tag = "auth",
    responses(
        (status = 200, description = "Options for navigator.credentials.get()", body = PasskeyChallenge),
        (status = 429, description = "Too many challenges from this address (rate_limited; see Retry-After)", body = crate::error::ErrorBody),
    )
)]
pub async fn passkey_login_start(
    State(state): State<AppState>,
    meta: ClientMeta,
    OptionalJsonBody(_body): OptionalJsonBody<serde_json::Value>,
) -> Result<Json<PasskeyChallenge>, AuthError> {
    let started = passkeys::begin_login(&state, &meta).await?;
    challenge_body(&state, started.challenge_id, started.options)
}

/// Finishes a passkey sign-in: the same session as a password login (a user-verified passkey
/// counts as both factors, so there is no TOTP step).
#[utoipa::path(
    post,
    path = "/api/v1/auth/passkeys/login/finish",
    tag = "auth",
    request_body = PasskeyLoginFinish,
    responses(
        (status = 200, description = "Signed in", body = SessionResponse),
        (status = 400, description = "invalid_json", body = crate::error::ErrorBody),
        (status = 401, description = "invalid_passkey_challenge (unknown or already used: a replay), passkey_challenge_expired, passkey_login_failed (unknown credential, another account's credential, wrong origin or signature), passkey_counter_regressed (a possibly cloned authenticator)", body = crate::error::ErrorBody),
        (status = 429, description = "Too many attempts from this address (rate_limited; see Retry-After)", body = crate::error::ErrorBody),
    )
)]
pub async fn passkey_login_finish(
    State(state): State<AppState>,
    meta: ClientMeta,
    JsonBody(body): JsonBody<PasskeyLoginFinish>,
) -> Result<Response, AuthError> {
    let issued =
        passkeys::finish_login(&state, &meta, &body.challenge_id, &body.credential).await?;
    Ok(session_response(&state, issued, body.use_cookies))
}
