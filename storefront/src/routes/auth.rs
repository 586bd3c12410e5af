//! `/api/v1/auth/…`: registration, login (with the TOTP step), refresh, logout, the caller's
//! account and TOTP enrolment; `/api/v1/admin/users/{id}/role`; and `/api/v1/family/…`: child
//! profiles, consent and the parent PIN. Who may call each route is in
//! [`crate::auth::policy::ROUTES`].
//!
//! Sessions come in two forms. API clients get the tokens in the body and send
//! `Authorization: Bearer`. Web clients ask for `"use_cookies": true` and get HttpOnly cookies
//! plus a CSRF token to echo in `X-CSRF-Token` on every state-changing request.

use crate::auth::family::{self, ChildInput};
use crate::auth::session::{self, Account, IssuedSession, LoginOutcome};
use crate::auth::{AuthError, ClientMeta, CurrentUser, Role, cookies};
use crate::db::accounts::{ChildId, ChildRow, ConsentRow, UserId};
use crate::{ApiError, AppState};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The largest body these routes read.
pub(crate) const MAX_BODY_BYTES: usize = 16 * 1024;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/auth/register", post(register))
        .route("/api/v1/auth/login", post(login))
        .route("/api/v1/auth/login/2fa", post(login_totp))
        .route("/api/v1/auth/refresh", post(refresh))
        .route("/api/v1/auth/logout", post(logout))
        .route("/api/v1/auth/logout-all", post(logout_all))
        .route("/api/v1/auth/me", get(me))
        .route("/api/v1/auth/2fa/enroll", post(totp_enroll))
        .route("/api/v1/auth/2fa/confirm", post(totp_confirm))
        .route("/api/v1/auth/2fa/disable", post(totp_disable))
        .route("/api/v1/admin/users/{id}/role", put(change_role))
        .route(
            "/api/v1/family/children",
            get(list_children).post(create_child),
        )
        .route("/api/v1/family/children/{id}", get(child))
        .route("/api/v1/family/children/{id}/consent", post(record_consent))
        .route("/api/v1/family/pin", put(set_pin))
        .route("/api/v1/family/pin/verify", post(verify_pin))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
}

/// A JSON body whose rejections use the API's error body: 415 `unsupported_media_type`,
/// 413 `payload_too_large`, 400 `invalid_json`.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

/// An optional JSON body: an empty body is `None`.
#[derive(Debug)]
pub struct OptionalJsonBody<T>(pub Option<T>);

async fn read_json<T: DeserializeOwned>(request: Request) -> Result<Option<T>, ApiError> {
    let is_json = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .map(|mime| {
            let mime = mime.trim().to_ascii_lowercase();
            mime == "application/json"
                || (mime.starts_with("application/") && mime.ends_with("+json"))
        })
        .unwrap_or(false);
    let bytes = Bytes::from_request(request, &())
        .await
        .map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::payload_too_large(format!(
                    "the body must be at most {MAX_BODY_BYTES} bytes"
                ))
            } else {
                ApiError::bad_request("invalid_body", "the body could not be read")
            }
        })?;
    if bytes.is_empty() {
        return Ok(None);
    }
    if !is_json {
        return Err(ApiError::unsupported_media_type(
            "the body must be JSON (Content-Type: application/json)",
        ));
    }
    serde_json::from_slice(&bytes).map(Some).map_err(|error| {
        ApiError::bad_request("invalid_json", format!("invalid JSON body: {error}"))
    })
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, _state: &S) -> Result<Self, ApiError> {
        read_json(request)
            .await?
            .map(Self)
            .ok_or_else(|| ApiError::bad_request("invalid_json", "a JSON body is required"))
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for OptionalJsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, _state: &S) -> Result<Self, ApiError> {
        Ok(Self(read_json(request).await?))
    }
}

/// An account as its owner sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccountView {
    /// Id.
    pub id: i64,
    /// Email (lowercase).
    pub email: Option<String>,
    /// Phone (E.164).
    pub phone: Option<String>,
    /// Role.
    pub role: Role,
    /// The shop a seller account manages.
    pub seller_id: Option<i64>,
    /// Whether TOTP is on.
    pub totp_enabled: bool,
    /// Whether the role requires TOTP.
    pub totp_required: bool,
    /// Creation time.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTime<Utc>,
}

impl From<Account> for AccountView {
    fn from(account: Account) -> Self {
        Self {
            id: account.id.0,
            email: account.email,
            phone: account.phone,
            role: account.role,
            seller_id: account.seller_id,
            totp_enabled: account.totp_enabled,
            totp_required: account.role.requires_totp(),
            created_at: account.created_at,
        }
    }
}

/// `POST /api/v1/auth/register`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// Email; an email, a phone, or both.
    #[serde(default)]
    pub email: Option<String>,
    /// Uzbek phone (`+998…`, `998…` or nine digits).
    #[serde(default)]
    pub phone: Option<String>,
    /// 10 to 128 characters, not a common password.
    pub password: String,
    /// `parent` (default) or `seller`.
    #[serde(default)]
    pub role: Option<Role>,
}

/// `POST /api/v1/auth/login`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// Email or phone.
    pub login: String,
    /// Password.
    pub password: String,
    /// Web clients: deliver the session in cookies instead of the body.
    #[serde(default)]
    pub use_cookies: bool,
}

/// `POST /api/v1/auth/login/2fa`: the challenge and exactly one of `code` and
/// `recovery_code`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TotpLoginRequest {
    /// From the login response.
    pub challenge_token: String,
    /// The authenticator's 6-digit code.
    #[serde(default)]
    pub code: Option<String>,
    /// A recovery code (single use).
    #[serde(default)]
    pub recovery_code: Option<String>,
    /// Web clients: deliver the session in cookies.
    #[serde(default)]
    pub use_cookies: bool,
}

/// `POST /api/v1/auth/refresh`: the refresh token in the body (API clients) or, with an
/// empty body, in the refresh cookie (web clients, with `X-CSRF-Token`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    /// The refresh token.
    pub refresh_token: String,
}

/// A login, 2FA or refresh response.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionResponse {
    /// `signed_in`, or `totp_required` (then send the code to `/api/v1/auth/login/2fa`).
    pub status: &'static str,
    /// The account, when signed in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<AccountView>,
    /// `Bearer` (token delivery).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_type: Option<&'static str>,
    /// The access token (token delivery).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
    /// Seconds the access token lasts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<i64>,
    /// The refresh token (token delivery).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// Seconds the refresh token lasts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_expires_in: Option<i64>,
    /// The CSRF token to echo in `X-CSRF-Token` (cookie delivery).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csrf_token: Option<String>,
    /// Whether the account must turn on TOTP before most routes (sellers, moderators, admins).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub totp_enrollment_required: Option<bool>,
    /// The 2FA challenge (status `totp_required`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub challenge_token: Option<String>,
    /// Seconds the challenge lasts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub challenge_expires_in: Option<i64>,
}

pub(crate) fn session_response(
    state: &AppState,
    issued: IssuedSession,
    use_cookies: bool,
) -> Response {
    let settings = state.0.auth.settings;
    let enrollment = issued.account.role.requires_totp() && !issued.account.totp_enabled;
    let mut body = SessionResponse {
        status: "signed_in",
        user: Some(issued.account.into()),
        token_type: None,
        access_token: None,
        expires_in: Some(settings.access_ttl_seconds),
        refresh_token: None,
        refresh_expires_in: Some(settings.refresh_ttl_seconds),
        csrf_token: None,
        totp_enrollment_required: Some(enrollment),
        challenge_token: None,
        challenge_expires_in: None,
    };
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    if use_cookies {
        cookies::set_session(
            &mut headers,
            &issued.access_token,
            settings.access_ttl_seconds,
            &issued.refresh_token,
            settings.refresh_ttl_seconds,
            &issued.csrf_token,
        );
        body.csrf_token = Some(issued.csrf_token);
    } else {
        body.token_type = Some("Bearer");
        body.access_token = Some(issued.access_token);
        body.refresh_token = Some(issued.refresh_token);
    }
    (headers, Json(body)).into_response()
}

/// Registers a parent or seller account. Sign in afterwards with `POST /api/v1/auth/login`.
#[utoipa::path(
    post,
    path = "/api/v1/auth/register",
    tag = "auth",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "Registered", body = AccountView),
        (status = 400, description = "Invalid input (invalid_email, invalid_phone, missing_identifier, weak_password, password_too_long, invalid_role, invalid_json)", body = crate::error::ErrorBody),
        (status = 409, description = "Taken (email_taken, phone_taken)", body = crate::error::ErrorBody),
        (status = 429, description = "Too many registrations from this address (rate_limited; see Retry-After)", body = crate::error::ErrorBody),
    )
)]
pub async fn register(
    State(state): State<AppState>,
    meta: ClientMeta,
    JsonBody(body): JsonBody<RegisterRequest>,
) -> Result<(StatusCode, Json<AccountView>), AuthError> {
    let account = session::register(
        &state,
        &meta,
        body.email.as_deref(),
        body.phone.as_deref(),
        &body.password,
        body.role.unwrap_or(Role::Parent),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(account.into())))
}

/// Signs in with a password. Accounts with TOTP get `status: totp_required` and a challenge
/// token instead of a session.
#[utoipa::path(
    post,
    path = "/api/v1/auth/login",
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in, or a TOTP challenge", body = SessionResponse),
        (status = 400, description = "Malformed login (invalid_email, invalid_phone, invalid_json)", body = crate::error::ErrorBody),
        (status = 401, description = "Wrong login or password (invalid_credentials)", body = crate::error::ErrorBody),
        (status = 429, description = "Too many attempts for the account or address (rate_limited; see Retry-After)", body = crate::error::ErrorBody),
    )
)]
pub async fn login(
    State(state): State<AppState>,
    meta: ClientMeta,
    JsonBody(body): JsonBody<LoginRequest>,
) -> Result<Response, AuthError> {
    match session::login(&state, &meta, &body.login, &body.password).await? {
        LoginOutcome::Session(issued) => Ok(session_response(&state, *issued, body.use_cookies)),
        LoginOutcome::TotpRequired { challenge_token } => Ok(Json(SessionResponse {
            status: "totp_required",
            user: None,
            token_type: None,
            access_token: None,
            expires_in: None,
            refresh_token: None,
            refresh_expires_in: None,
            csrf_token: None,
            totp_enrollment_required: None,
            challenge_token: Some(challenge_token),
            challenge_expires_in: Some(state.0.auth.settings.challenge_ttl_seconds),
        })
        .into_response()),
    }
}

/// Completes a TOTP login with a code or a recovery code. A code is accepted once.
#[utoipa::path(
    post,
    path = "/api/v1/auth/login/2fa",
    tag = "auth",
    request_body = TotpLoginRequest,
    responses(
        (status = 200, description = "Signed in", body = SessionResponse),
        (status = 400, description = "Neither or both of code and recovery_code (invalid_request, invalid_json)", body = crate::error::ErrorBody),
        (status = 401, description = "Wrong or reused code, or a bad challenge (invalid_totp_code, invalid_challenge, challenge_expired)", body = crate::error::ErrorBody),
        (status = 429, description = "Too many attempts (rate_limited; see Retry-After)", body = crate::error::ErrorBody),
    )
)]
pub async fn login_totp(
    State(state): State<AppState>,
    meta: ClientMeta,
    JsonBody(body): JsonBody<TotpLoginRequest>,
) -> Result<Response, AuthError> {
    let issued = session::complete_totp_login(
        &state,
        &meta,
        &body.challenge_token,
        body.code.as_deref(),
        body.recovery_code.as_deref(),
    )
    .await?;
    Ok(session_response(&state, issued, body.use_cookies))
}

/// Exchanges a refresh token for a new access and refresh token. Presenting an already
/// exchanged refresh token ends the whole session (`token_reused`).
#[utoipa::path(
    post,
    path = "/api/v1/auth/refresh",
    tag = "auth",
    request_body(content = Option<RefreshRequest>, description = "Empty to use the refresh cookie (then X-CSRF-Token is required)"),
    responses(
        (status = 200, description = "New tokens", body = SessionResponse),
        (status = 401, description = "Invalid, expired, reused or revoked (invalid_refresh_token, refresh_token_expired, token_reused, session_revoked)", body = crate::error::ErrorBody),
        (status = 403, description = "Cookie refresh without the CSRF token (csrf_failed)", body = crate::error::ErrorBody),
    )
)]
pub async fn refresh(
    State(state): State<AppState>,
    meta: ClientMeta,
    headers: HeaderMap,
    OptionalJsonBody(body): OptionalJsonBody<RefreshRequest>,
) -> Result<Response, AuthError> {
    match body {
        Some(body) => {
            let issued = session::refresh(&state, &meta, &body.refresh_token, None).await?;
            Ok(session_response(&state, issued, false))
        }
        None => {
            let token = cookies::read(&headers, cookies::REFRESH).ok_or_else(|| {
                ApiError::unauthorized("invalid_refresh_token", "no refresh token was sent")
            })?;
            let issued = session::refresh(&state, &meta, token, Some(&headers)).await?;
            Ok(session_response(&state, issued, true))
        }
    }
}

/// Ends the caller's session (and clears the session cookies).
#[utoipa::path(
    post,
    path = "/api/v1/auth/logout",
    tag = "auth",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "Not signed in", body = crate::error::ErrorBody),
    )
)]
pub async fn logout(
    user: CurrentUser,
    State(state): State<AppState>,
    meta: ClientMeta,
) -> Result<Response, AuthError> {
    session::logout(&state, &meta, &user).await?;
    let mut headers = HeaderMap::new();
    cookies::clear_session(&mut headers);
    Ok((StatusCode::NO_CONTENT, headers).into_response())
}

/// Sessions ended by `logout-all`.
#[derive(Debug, Serialize, ToSchema)]
pub struct LogoutAllResponse {
    /// How many sessions were live.
    pub sessions_ended: u64,
}

/// Ends every session of the caller, on every device.
#[utoipa::path(
    post,
    path = "/api/v1/auth/logout-all",
    tag = "auth",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "Signed out everywhere", body = LogoutAllResponse),
        (status = 401, description = "Not signed in", body = crate::error::ErrorBody),
    )
)]
pub async fn logout_all(
    user: CurrentUser,
    State(state): State<AppState>,
    meta: ClientMeta,
) -> Result<Response, AuthError> {
    let sessions_ended = session::logout_all(&state, &meta, &user).await?;
    let mut headers = HeaderMap::new();
    cookies::clear_session(&mut headers);
    Ok((headers, Json(LogoutAllResponse { sessions_ended })).into_response())
}

/// Returns the caller's account.
#[utoipa::path(
    get,
    path = "/api/v1/auth/me",
    tag = "auth",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The account", body = AccountView),
        (status = 401, description = "Not signed in (unauthenticated, invalid_token, token_expired, session_revoked)", body = crate::error::ErrorBody),
    )
)]
pub async fn me(
    user: CurrentUser,
    State(state): State<AppState>,
) -> Result<Json<AccountView>, AuthError> {
    Ok(Json(session::me(&state, &user).await?.into()))
}

/// A new TOTP secret to add to an authenticator app.
#[derive(Debug, Serialize, ToSchema)]
pub struct TotpEnrollment {
    /// Base32 secret (for manual entry).
    pub secret: String,
    /// `otpauth://` URI (for a QR code).
    pub otpauth_uri: String,
}

/// Starts TOTP enrolment. Confirm with a first code at `/api/v1/auth/2fa/confirm`.
#[utoipa::path(
    post,
    path = "/api/v1/auth/2fa/enroll",
    tag = "auth",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The pending secret", body = TotpEnrollment),
        (status = 409, description = "Already on (totp_already_enabled)", body = crate::error::ErrorBody),
    )
)]
pub async fn totp_enroll(
    user: CurrentUser,
    State(state): State<AppState>,
) -> Result<Response, AuthError> {
    let (secret, otpauth_uri) = session::begin_totp_enrollment(&state, &user).await?;
    Ok((
        [(header::CACHE_CONTROL, "no-store")],
        Json(TotpEnrollment {
            secret,
            otpauth_uri,
        }),
    )
        .into_response())
}

/// A TOTP code.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TotpCode {
    /// The 6-digit code.
    pub code: String,
}

/// The recovery codes, shown once.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecoveryCodes {
    /// Ten single-use codes.
    pub recovery_codes: Vec<String>,
}

/// Confirms TOTP enrolment with a first code and returns ten single-use recovery codes.
#[utoipa::path(
    post,
    path = "/api/v1/auth/2fa/confirm",
    tag = "auth",
    security(("bearer" = []), ("cookie" = [])),
    request_body = TotpCode,
    responses(
        (status = 200, description = "TOTP is on", body = RecoveryCodes),
        (status = 400, description = "Wrong code (invalid_totp_code)", body = crate::error::ErrorBody),
        (status = 409, description = "No enrolment started (totp_not_enrolling)", body = crate::error::ErrorBody),
    )
)]
pub async fn totp_confirm(
    user: CurrentUser,
    State(state): State<AppState>,
    meta: ClientMeta,
    JsonBody(body): JsonBody<TotpCode>,
) -> Result<Response, AuthError> {
    let recovery_codes = session::confirm_totp_enrollment(&state, &meta, &user, &body.code).await?;
    Ok((
        [(header::CACHE_CONTROL, "no-store")],
        Json(RecoveryCodes { recovery_codes }),
    )
        .into_response())
}

/// `POST /api/v1/auth/2fa/disable`: exactly one of `code` and `recovery_code`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TotpDisableRequest {
    /// A current code.
    #[serde(default)]
    pub code: Option<String>,
    /// A recovery code.
    #[serde(default)]
    pub recovery_code: Option<String>,
}

/// Turns TOTP off (parents only; it is mandatory for sellers, moderators and admins).
#[utoipa::path(
    post,
    path = "/api/v1/auth/2fa/disable",
    tag = "auth",
    security(("bearer" = []), ("cookie" = [])),
    request_body = TotpDisableRequest,
    responses(
        (status = 204, description = "TOTP is off"),
        (status = 400, description = "Wrong code (invalid_totp_code)", body = crate::error::ErrorBody),
        (status = 403, description = "Mandatory for the role (totp_mandatory)", body = crate::error::ErrorBody),
        (status = 409, description = "Already off (totp_not_enabled)", body = crate::error::ErrorBody),
    )
)]
pub async fn totp_disable(
    user: CurrentUser,
    State(state): State<AppState>,
    meta: ClientMeta,
    JsonBody(body): JsonBody<TotpDisableRequest>,
) -> Result<StatusCode, AuthError> {
    session::disable_totp(
        &state,
        &meta,
        &user,
        body.code.as_deref(),
        body.recovery_code.as_deref(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `PUT /api/v1/admin/users/{id}/role`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleChange {
    /// The new role (not `child`).
    pub role: Role,
}

pub(crate) fn parse_id(raw: &str, code: &'static str, what: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::bad_request(code, format!("{what} id must be a positive integer")))
}

/// Changes a user's role and ends their sessions (admins).
#[utoipa::path(
    put,
    path = "/api/v1/admin/users/{id}/role",
    tag = "auth",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "User id")),
    request_body = RoleChange,
    responses(
        (status = 200, description = "The account with its new role", body = AccountView),
        (status = 400, description = "invalid_user_id, invalid_role, cannot_change_own_role", body = crate::error::ErrorBody),
        (status = 403, description = "Not an admin (forbidden)", body = crate::error::ErrorBody),
        (status = 404, description = "No such user (user_not_found)", body = crate::error::ErrorBody),
    )
)]
pub async fn change_role(
    user: CurrentUser,
    State(state): State<AppState>,
    meta: ClientMeta,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<RoleChange>,
) -> Result<Json<AccountView>, AuthError> {
    let target = UserId(parse_id(&id, "invalid_user_id", "user")?);
    let account = session::change_role(&state, &meta, &user, target, body.role).await?;
    Ok(Json(account.into()))
}

// ---- Family ----

/// A child profile.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChildView {
    /// Id.
    pub id: i64,
    /// Nickname.
    pub nickname: String,
    /// `YYYY-MM`, when given.
    pub birth_year_month: Option<String>,
    /// Age band, when given.
    pub age_band: Option<String>,
    /// Stock avatar.
    pub avatar: String,
    /// `pending_consent` until a parent's consent is recorded, then `active`.
    pub status: String,
    /// Creation time.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTime<Utc>,
}

impl From<ChildRow> for ChildView {
    fn from(row: ChildRow) -> Self {
        Self {
            id: row.id.0,
            nickname: row.nickname,
            birth_year_month: row.birth_year_month,
            age_band: row.age_band,
            avatar: row.avatar,
            status: row.status,
            created_at: row.created_at,
        }
    }
}

/// The parent's children.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChildrenView {
    /// Oldest profile first.
    pub children: Vec<ChildView>,
}

/// `POST /api/v1/family/children`: a nickname, exactly one of `birth_year_month` and
/// `age_band`, and a stock avatar.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChildRequest {
    /// 1 to 32 characters.
    pub nickname: String,
    /// `YYYY-MM`.
    #[serde(default)]
    pub birth_year_month: Option<String>,
    /// `0-2`, `3-5`, `6-8`, `9-12` or `13-17`.
    #[serde(default)]
    pub age_band: Option<String>,
    /// One of bear, cat, dog, fox, lion, owl, panda, rabbit, tiger, turtle.
    pub avatar: String,
}

/// Lists the caller's child profiles.
#[utoipa::path(
    get,
    path = "/api/v1/family/children",
    tag = "family",
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, description = "The children", body = ChildrenView))
)]
pub async fn list_children(
    user: CurrentUser,
    State(state): State<AppState>,
) -> Result<Json<ChildrenView>, AuthError> {
    let children = family::list_children(&state, &user).await?;
    Ok(Json(ChildrenView {
        children: children.into_iter().map(ChildView::from).collect(),
    }))
}

/// Creates a child profile; it stays `pending_consent` until consent is recorded.
#[utoipa::path(
    post,
    path = "/api/v1/family/children",
    tag = "family",
    security(("bearer" = []), ("cookie" = [])),
    request_body = ChildRequest,
    responses(
        (status = 201, description = "Created", body = ChildView),
        (status = 400, description = "invalid_nickname, invalid_age, invalid_birth_month, invalid_age_band, invalid_avatar", body = crate::error::ErrorBody),
    )
)]
pub async fn create_child(
    user: CurrentUser,
    State(state): State<AppState>,
    meta: ClientMeta,
    JsonBody(body): JsonBody<ChildRequest>,
) -> Result<(StatusCode, Json<ChildView>), AuthError> {
    let child = family::create_child(
        &state,
        &meta,
        &user,
        &ChildInput {
            nickname: &body.nickname,
            birth_year_month: body.birth_year_month.as_deref(),
            age_band: body.age_band.as_deref(),
            avatar: &body.avatar,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(child.into())))
}

/// Returns one of the caller's child profiles.
#[utoipa::path(
    get,
    path = "/api/v1/family/children/{id}",
    tag = "family",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "Child id")),
    responses(
        (status = 200, description = "The child", body = ChildView),
        (status = 404, description = "No such child of yours (child_not_found)", body = crate::error::ErrorBody),
    )
)]
pub async fn child(
    user: CurrentUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ChildView>, AuthError> {
    let id = ChildId(parse_id(&id, "invalid_child_id", "child")?);
    Ok(Json(family::child(&state, &user, id).await?.into()))
}

/// `POST /api/v1/family/children/{id}/consent`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentRequest {
    /// `card_authorisation`, `signed_form` or `id_document`.
    pub method: String,
    /// The version of the privacy notice shown (must be the current one).
    pub notice_version: String,
    /// The parent's password, re-entered.
    pub password: String,
    /// With `card_authorisation`: the parent's card. 1,000 so'm is authorised and voided at
    /// once; only the brand and last four digits are kept.
    #[serde(default)]
    pub card: Option<crate::payments::gateway::CardDetails>,
    /// The card's 3-D Secure or SMS code, when the card asks for one (sandbox: `666666`).
    #[serde(default)]
    pub authentication_code: Option<String>,
}

/// A recorded consent.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentView {
    /// The child, now active.
    pub child: ChildView,
    /// How consent was verified.
    pub method: String,
    /// The notice version.
    pub notice_version: String,
    /// When.
    #[schema(value_type = String, format = DateTime)]
    pub consented_at: DateTime<Utc>,
}

/// Records verifiable parental consent and activates the child profile.
#[utoipa::path(
    post,
    path = "/api/v1/family/children/{id}/consent",
    tag = "family",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "Child id")),
    request_body = ConsentRequest,
    responses(
        (status = 201, description = "Recorded", body = ConsentView),
        (status = 400, description = "invalid_consent_method, outdated_notice, card_required, unexpected_card, invalid_card_number, expired_card, invalid_cvc, ...", body = crate::error::ErrorBody),
        (status = 402, description = "The card authorisation was refused; the child stays pending (card_declined, insufficient_funds, authentication_required, authentication_failed, incorrect_otp)", body = crate::error::ErrorBody),
        (status = 403, description = "Wrong password (reauthentication_failed)", body = crate::error::ErrorBody),
        (status = 404, description = "No such child of yours (child_not_found)", body = crate::error::ErrorBody),
        (status = 409, description = "The child is already active (consent_already_recorded)", body = crate::error::ErrorBody),
        (status = 503, description = "The card gateway failed (unavailable)", body = crate::error::ErrorBody),
    )
)]
pub async fn record_consent(
    user: CurrentUser,
    State(state): State<AppState>,
    meta: ClientMeta,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ConsentRequest>,
) -> Result<(StatusCode, Json<ConsentView>), AuthError> {
    let id = ChildId(parse_id(&id, "invalid_child_id", "child")?);
    let (child, consent): (ChildRow, ConsentRow) = family::record_consent(
        &state,
        &meta,
        &user,
        id,
        &body.method,
        &body.notice_version,
        &body.password,
        body.card.as_ref().map(|card| family::ConsentCard {
            card,
            authentication_code: body.authentication_code.as_deref(),
        }),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(ConsentView {
            child: child.into(),
            method: consent.method,
            notice_version: consent.notice_version,
            consented_at: consent.consented_at,
        }),
    ))
}

/// `PUT /api/v1/family/pin`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PinRequest {
    /// 4 to 8 digits, not trivial.
    pub pin: String,
    /// The parent's password, re-entered.
    pub password: String,
}

/// Sets the parent PIN (and unlocks a locked one).
#[utoipa::path(
    put,
    path = "/api/v1/family/pin",
    tag = "family",
    security(("bearer" = []), ("cookie" = [])),
    request_body = PinRequest,
    responses(
        (status = 204, description = "Set"),
        (status = 400, description = "invalid_pin, weak_pin", body = crate::error::ErrorBody),
        (status = 403, description = "Wrong password (reauthentication_failed)", body = crate::error::ErrorBody),
    )
)]
pub async fn set_pin(
    user: CurrentUser,
    State(state): State<AppState>,
    meta: ClientMeta,
    JsonBody(body): JsonBody<PinRequest>,
) -> Result<StatusCode, AuthError> {
    family::set_pin(&state, &meta, &user, &body.pin, &body.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/family/pin/verify`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PinCheck {
    /// The PIN.
    pub pin: String,
}

/// Checks the parent PIN (to leave kids' mode or change settings). Five wrong PINs lock it.
#[utoipa::path(
    post,
    path = "/api/v1/family/pin/verify",
    tag = "family",
    security(("bearer" = []), ("cookie" = [])),
    request_body = PinCheck,
    responses(
        (status = 204, description = "Right PIN"),
        (status = 403, description = "Wrong PIN (wrong_pin)", body = crate::error::ErrorBody),
        (status = 409, description = "No PIN set (pin_not_set)", body = crate::error::ErrorBody),
        (status = 423, description = "Locked after five wrong PINs (pin_locked)", body = crate::error::ErrorBody),
        (status = 429, description = "Too many checks (rate_limited; see Retry-After)", body = crate::error::ErrorBody),
    )
)]
pub async fn verify_pin(
    user: CurrentUser,
    State(state): State<AppState>,
    meta: ClientMeta,
    JsonBody(body): JsonBody<PinCheck>,
) -> Result<StatusCode, AuthError> {
    family::verify_pin(&state, &meta, &user, &body.pin).await?;
    Ok(StatusCode::NO_CONTENT)
}
