//! `/api/v1/family/kids-mode…`: a child signs in on the parent's device by picking their
//! profile, and the parent takes the device back with the PIN (see
//! [`crate::auth::kids_mode`]).

use super::auth::{JsonBody, SessionResponse, session_response};
use crate::AppState;
use crate::auth::kids_mode;
use crate::auth::{AuthError, ClientMeta, CurrentUser};
use crate::db::accounts::ChildId;
use axum::extract::{DefaultBodyLimit, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/family/kids-mode/profiles", get(kids_mode_profiles))
        .route("/api/v1/family/kids-mode", post(enter_kids_mode))
        .route(kids_mode::EXIT_PATH, post(exit_kids_mode))
        .layer(DefaultBodyLimit::max(super::auth::MAX_BODY_BYTES))
}

/// A profile on the picker: only what a child needs to recognise themselves.
#[derive(Debug, Serialize, ToSchema)]
pub struct KidsModeProfile {
    /// Child id (pick it with `POST /api/v1/family/kids-mode`).
    pub child_id: i64,
    /// Nickname.
    pub nickname: String,
    /// Stock avatar.
    pub avatar: String,
}

/// `POST /api/v1/family/kids-mode`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnterKidsMode {
    /// The child picked (one of the caller's active children).
    pub child_id: i64,
    /// Web clients: deliver the child's session in cookies (replacing the parent's).
    #[serde(default)]
    pub use_cookies: bool,
}

/// `POST /api/v1/family/kids-mode/exit`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExitKidsMode {
    /// The parent PIN.
    pub pin: String,
    /// Web clients: deliver the parent's new session in cookies.
    #[serde(default)]
    pub use_cookies: bool,
}

/// Lists the caller's active children for the profile picker.
#[utoipa::path(
    get,
    path = "/api/v1/family/kids-mode/profiles",
    tag = "family",
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, description = "Active children, oldest first", body = [KidsModeProfile]))
)]
pub async fn kids_mode_profiles(
    user: CurrentUser,
    State(state): State<AppState>,
) -> Result<Json<Vec<KidsModeProfile>>, AuthError> {
    let children = kids_mode::profiles(&state, &user).await?;
    Ok(Json(
        children
            .into_iter()
            .map(|child| KidsModeProfile {
                child_id: child.id.0,
                nickname: child.nickname,
                avatar: child.avatar,
            })
            .collect(),
    ))
}

/// Switches the device to kids' mode: the parent's session ends and the child's starts (no
/// password). Leave with `POST /api/v1/family/kids-mode/exit` and the parent PIN.
#[utoipa::path(
    post,
    path = "/api/v1/family/kids-mode",
    tag = "family",
    security(("bearer" = []), ("cookie" = [])),
    request_body = EnterKidsMode,
    responses(
        (status = 200, description = "The child's session", body = SessionResponse),
        (status = 400, description = "invalid_json", body = crate::error::ErrorBody),
        (status = 404, description = "No such child of yours (child_not_found)", body = crate::error::ErrorBody),
        (status = 409, description = "Consent not recorded yet (child_not_active)", body = crate::error::ErrorBody),
    )
)]
pub async fn enter_kids_mode(
    user: CurrentUser,
    State(state): State<AppState>,
    meta: ClientMeta,
    JsonBody(body): JsonBody<EnterKidsMode>,
) -> Result<Response, AuthError> {
    let issued = kids_mode::enter(&state, &meta, &user, ChildId(body.child_id)).await?;
    Ok(session_response(&state, issued, body.use_cookies))
}

/// Leaves kids' mode with the parent PIN: the child's session ends and the parent gets a new
/// session. Five wrong PINs lock the PIN.
#[utoipa::path(
    post,
    path = "/api/v1/family/kids-mode/exit",
    tag = "family",
    security(("bearer" = []), ("cookie" = [])),
    request_body = ExitKidsMode,
    responses(
        (status = 200, description = "The parent's new session", body = SessionResponse),
        (status = 400, description = "invalid_json", body = crate::error::ErrorBody),
        (status = 403, description = "Wrong PIN (wrong_pin)", body = crate::error::ErrorBody),
        (status = 409, description = "not_in_kids_mode, pin_not_set", body = crate::error::ErrorBody),
        (status = 423, description = "Locked after five wrong PINs (pin_locked)", body = crate::error::ErrorBody),
        (status = 429, description = "Too many checks (rate_limited; see Retry-After)", body = crate::error::ErrorBody),
    )
)]
pub async fn exit_kids_mode(
    user: CurrentUser,
    State(state): State<AppState>,
    meta: ClientMeta,
    JsonBody(body): JsonBody<ExitKidsMode>,
) -> Result<Response, AuthError> {
    let issued = kids_mode::exit(&state, &meta, &user, &body.pin).await?;
    Ok(session_response(&state, issued, body.use_cookies))
}
