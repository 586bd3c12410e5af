//! `/api/v1/notify/preferences`: the signed-in user's notification language (issue 8). A
//! child's notifications go to the parent, in the parent's language.

use crate::auth::CurrentUser;
use crate::notify::Language;
use crate::notify::events;
use crate::routes::auth::JsonBody;
use crate::{ApiError, AppState};
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/notify/preferences",
            get(get_notify_preferences).put(put_notify_preferences),
        )
        .layer(axum::extract::DefaultBodyLimit::max(1024))
}

/// The caller's notification preferences.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotifyPreferences {
    /// Language of emails and SMS: `uz`, `uz-Cyrl`, `ru` or `en`.
    pub language: Language,
}

/// Returns the caller's notification preferences.
#[utoipa::path(
    get,
    path = "/api/v1/notify/preferences",
    tag = "notifications",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The preferences", body = NotifyPreferences),
        (status = 401, description = "Not signed in", body = crate::error::ErrorBody),
    )
)]
pub async fn get_notify_preferences(
    user: CurrentUser,
    State(state): State<AppState>,
) -> Result<Json<NotifyPreferences>, ApiError> {
    let language = events::language_of(&state.0.db, user.id.0)
        .await?
        .ok_or_else(|| ApiError::not_found("user_not_found", "the account does not exist"))?;
    Ok(Json(NotifyPreferences { language }))
}

/// Sets the caller's notification language.
#[utoipa::path(
    put,
    path = "/api/v1/notify/preferences",
    tag = "notifications",
    security(("bearer" = []), ("cookie" = [])),
    request_body = NotifyPreferences,
    responses(
        (status = 200, description = "Saved", body = NotifyPreferences),
        (status = 400, description = "invalid_json (an unknown language)", body = crate::error::ErrorBody),
        (status = 401, description = "Not signed in", body = crate::error::ErrorBody),
    )
)]
pub async fn put_notify_preferences(
    user: CurrentUser,
    State(state): State<AppState>,
    JsonBody(body): JsonBody<NotifyPreferences>,
) -> Result<Json<NotifyPreferences>, ApiError> {
    if !events::set_language(&state.0.db, user.id.0, body.language).await? {
        return Err(ApiError::not_found(
            "user_not_found",
            "the account does not exist",
        ));
    }
    Ok(Json(body))
}
