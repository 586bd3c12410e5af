//! `/api/v1/auth/password/reset…`: a forgotten password, reset with a one-time code sent to the
//! account's email or phone (see [`crate::auth::password_reset`]).

use super::auth::JsonBody;
use crate::AppState;
use crate::auth::password_reset;
use crate::auth::{AuthError, ClientMeta};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/auth/password/reset", post(request_password_reset))
        .route(
            "/api/v1/auth/password/reset/confirm",
            post(confirm_password_reset),
        )
        .layer(DefaultBodyLimit::max(super::auth::MAX_BODY_BYTES))
}

/// `POST /api/v1/auth/password/reset`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetRequest {
    /// The account's email or phone: the code goes there.
    pub login: String,
}

/// The answer to a reset request, the same whether or not the account exists.
#[derive(Debug, Serialize, ToSchema)]
pub struct PasswordResetAccepted {
    /// Always `accepted`.
    pub status: &'static str,
    /// Minutes a code lasts.
    pub code_valid_minutes: i64,
}

/// `POST /api/v1/auth/password/reset/confirm`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetConfirm {
    /// The same email or phone as the request.
    pub login: String,
    /// The six-digit code received.
    pub code: String,
    /// The new password (10 to 128 characters, not a common password).
    pub new_password: String,
}

/// Sends a password-reset code to the email or phone, if an account has it. The answer does
/// not say whether one does.
#[utoipa::path(
    post,
    path = "/api/v1/auth/password/reset",
    tag = "auth",
    request_body = PasswordResetRequest,
    responses(
        (status = 202, description = "A code was sent if the account exists", body = PasswordResetAccepted),
        (status = 400, description = "Malformed login (invalid_email, invalid_phone, invalid_json)", body = crate::error::ErrorBody),
        (status = 429, description = "Too many requests for this login or address (rate_limited; see Retry-After)", body = crate::error::ErrorBody),
    )
)]
pub async fn request_password_reset(
    State(state): State<AppState>,
    meta: ClientMeta,
    JsonBody(body): JsonBody<PasswordResetRequest>,
) -> Result<(StatusCode, Json<PasswordResetAccepted>), AuthError> {
    password_reset::request(&state, &meta, &body.login).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(PasswordResetAccepted {
            status: "accepted",
            code_valid_minutes: password_reset::CODE_TTL_MINUTES,
        }),
    ))
}

/// Sets a new password with the code; every session of the account ends.
#[utoipa::path(
    post,
    path = "/api/v1/auth/password/reset/confirm",
    tag = "auth",
    request_body = PasswordResetConfirm,
    responses(
        (status = 204, description = "Password changed; all sessions revoked"),
        (status = 400, description = "invalid_reset_code (wrong, expired, used, or closed after 5 wrong tries), weak_password, password_too_long, invalid_email, invalid_phone, invalid_json", body = crate::error::ErrorBody),
        (status = 429, description = "Too many attempts for this login or address (rate_limited; see Retry-After)", body = crate::error::ErrorBody),
    )
)]
pub async fn confirm_password_reset(
    State(state): State<AppState>,
    meta: ClientMeta,
    JsonBody(body): JsonBody<PasswordResetConfirm>,
) -> Result<StatusCode, AuthError> {
    password_reset::confirm(&state, &meta, &body.login, &body.code, &body.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}
