//! `/api/v1/push`: the VAPID public key and the signed-in user's web-push subscriptions.

use crate::auth::CurrentUser;
use crate::notify::push::{self, NewSubscription, Subscription};
use crate::routes::auth::JsonBody;
use crate::{ApiError, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::{Json, Router};
use serde::Serialize;
use utoipa::ToSchema;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/push/vapid-public-key", get(vapid_public_key))
        .route(
            "/api/v1/push/subscriptions",
            get(list_subscriptions).post(subscribe),
        )
        .route("/api/v1/push/subscriptions/{id}", delete(unsubscribe))
        .layer(axum::extract::DefaultBodyLimit::max(4 * 1024))
}

/// The key the PWA passes as `applicationServerKey`.
#[derive(Debug, Serialize, ToSchema)]
pub struct VapidPublicKey {
    /// Uncompressed P-256 point, base64url.
    pub public_key: String,
}

fn push_unavailable() -> ApiError {
    ApiError::not_found(
        "push_unavailable",
        "web push is not configured on this server",
    )
}

/// Returns the VAPID public key.
#[utoipa::path(
    get,
    path = "/api/v1/push/vapid-public-key",
    tag = "notifications",
    responses(
        (status = 200, description = "The key", body = VapidPublicKey),
        (status = 404, description = "push_unavailable", body = crate::error::ErrorBody),
    )
)]
pub async fn vapid_public_key(
    State(state): State<AppState>,
) -> Result<Json<VapidPublicKey>, ApiError> {
    let public_key = state
        .0
        .notify
        .vapid_public_key
        .clone()
        .ok_or_else(push_unavailable)?;
    Ok(Json(VapidPublicKey { public_key }))
}

/// Lists the caller's push subscriptions.
#[utoipa::path(
    get,
    path = "/api/v1/push/subscriptions",
    tag = "notifications",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The caller's subscriptions", body = [Subscription]),
        (status = 401, description = "Not signed in", body = crate::error::ErrorBody),
    )
)]
pub async fn list_subscriptions(
    user: CurrentUser,
    State(state): State<AppState>,
) -> Result<Json<Vec<Subscription>>, ApiError> {
    Ok(Json(push::subscriptions_of(&state.0.db, user.id.0).await?))
}

/// Saves a browser's push subscription for the caller (`PushSubscription.toJSON()`).
#[utoipa::path(
    post,
    path = "/api/v1/push/subscriptions",
    tag = "notifications",
    security(("bearer" = []), ("cookie" = [])),
    request_body = NewSubscription,
    responses(
        (status = 201, description = "Saved", body = Subscription),
        (status = 400, description = "invalid_recipient, invalid_json", body = crate::error::ErrorBody),
        (status = 401, description = "Not signed in", body = crate::error::ErrorBody),
        (status = 404, description = "push_unavailable", body = crate::error::ErrorBody),
    )
)]
pub async fn subscribe(
    user: CurrentUser,
    State(state): State<AppState>,
    JsonBody(body): JsonBody<NewSubscription>,
) -> Result<(StatusCode, Json<Subscription>), ApiError> {
    if state.0.notify.vapid_public_key.is_none() {
        return Err(push_unavailable());
    }
    body.validate(state.0.notify.allow_http_push_endpoints)?;
    let saved = push::save_subscription(&state.0.db, user.id.0, &body).await?;
    Ok((StatusCode::CREATED, Json(saved)))
}

/// Deletes one of the caller's subscriptions.
#[utoipa::path(
    delete,
    path = "/api/v1/push/subscriptions/{id}",
    tag = "notifications",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "Subscription id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Not signed in", body = crate::error::ErrorBody),
        (status = 404, description = "subscription_not_found (also for another user's)", body = crate::error::ErrorBody),
    )
)]
pub async fn unsubscribe(
    user: CurrentUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let not_found = || ApiError::not_found("subscription_not_found", "no such subscription");
    let id = id
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(not_found)?;
    if push::delete_subscription(&state.0.db, user.id.0, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(not_found())
    }
}
