//! `/api/v1/family/purchase-requests…` ("ask to buy": the parent approves or declines a
//! child's order) and `/api/v1/family/children/{id}/controls` (spending limits, approval mode,
//! categories). A parent sees only their own children's requests and controls.

use crate::auth::{ClientMeta, CurrentUser, audit, ensure_owner};
use crate::commerce::family::{self, Decision, ParentalControls, PurchaseRequestView};
use crate::db::accounts::ChildId;
use crate::routes::auth::JsonBody;
use crate::routes::orders::parse_path_id;
use crate::{ApiError, AppState};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use utoipa::ToSchema;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/family/purchase-requests", get(list_requests))
        .route(
            "/api/v1/family/purchase-requests/{id}/approve",
            post(approve_request),
        )
        .route(
            "/api/v1/family/purchase-requests/{id}/decline",
            post(decline_request),
        )
        .route(
            "/api/v1/family/children/{id}/controls",
            get(get_controls).put(put_controls),
        )
        .layer(DefaultBodyLimit::max(32 * 1024))
}

/// The parent's purchase requests.
#[derive(Debug, Serialize, ToSchema)]
pub struct PurchaseRequestList {
    /// Newest first (at most 200).
    pub requests: Vec<PurchaseRequestView>,
}

/// Lists the purchase requests of the parent's children.
#[utoipa::path(
    get,
    path = "/api/v1/family/purchase-requests",
    tag = "family",
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, description = "Requests", body = PurchaseRequestList))
)]
pub async fn list_requests(
    user: CurrentUser,
    State(state): State<AppState>,
) -> Result<Json<PurchaseRequestList>, ApiError> {
    Ok(Json(PurchaseRequestList {
        requests: family::list_requests(&state.0.db, user.id).await?,
    }))
}

async fn decide(
    state: &AppState,
    meta: &ClientMeta,
    user: &CurrentUser,
    id: &str,
    decision: Decision,
) -> Result<Json<PurchaseRequestView>, ApiError> {
    let id = parse_path_id(id, "purchase_request_not_found", "purchase request")?;
    let view = family::decide(
        &state.0.db,
        &state.0.commerce,
        user.id,
        id,
        decision,
        state.0.auth.now(),
    )
    .await?;
    let action = match decision {
        Decision::Approve => "purchase_request_approved",
        Decision::Decline => "purchase_request_declined",
    };
    let details = serde_json::json!({ "request_id": id, "order_id": view.order_id });
    audit(state, meta, Some(user.id), action, Some(user.id), details).await?;
    Ok(Json(view))
}

/// Approves a child's purchase: the order waits for payment.
#[utoipa::path(
    post,
    path = "/api/v1/family/purchase-requests/{id}/approve",
    tag = "family",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "Request id")),
    responses(
        (status = 200, description = "Approved", body = PurchaseRequestView),
        (status = 403, description = "spending_limit_exceeded", body = crate::error::ErrorBody),
        (status = 404, description = "purchase_request_not_found", body = crate::error::ErrorBody),
        (status = 409, description = "illegal_transition (already answered or expired)", body = crate::error::ErrorBody),
    )
)]
pub async fn approve_request(
    user: CurrentUser,
    meta: ClientMeta,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<PurchaseRequestView>, ApiError> {
    decide(&state, &meta, &user, &id, Decision::Approve).await
}

/// Declines a child's purchase: the order is cancelled and its stock released.
#[utoipa::path(
    post,
    path = "/api/v1/family/purchase-requests/{id}/decline",
    tag = "family",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "Request id")),
    responses(
        (status = 200, description = "Declined", body = PurchaseRequestView),
        (status = 404, description = "purchase_request_not_found", body = crate::error::ErrorBody),
        (status = 409, description = "illegal_transition (already answered or expired)", body = crate::error::ErrorBody),
    )
)]
pub async fn decline_request(
    user: CurrentUser,
    meta: ClientMeta,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<PurchaseRequestView>, ApiError> {
    decide(&state, &meta, &user, &id, Decision::Decline).await
}

async fn own_child(state: &AppState, user: &CurrentUser, raw: &str) -> Result<ChildId, ApiError> {
    let not_found =
        || ApiError::not_found("child_not_found", format!("child {raw} does not exist"));
    let id = ChildId(parse_path_id(raw, "child_not_found", "child")?);
    let parent = family::parent_of(&state.0.db, id)
        .await?
        .ok_or_else(not_found)?;
    ensure_owner(user, parent, not_found)?;
    Ok(id)
}

/// Returns a child's parental controls (the defaults when none were set: no limits, approval of
/// every purchase).
#[utoipa::path(
    get,
    path = "/api/v1/family/children/{id}/controls",
    tag = "family",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "Child id")),
    responses(
        (status = 200, description = "Controls", body = ParentalControls),
        (status = 404, description = "child_not_found", body = crate::error::ErrorBody),
    )
)]
pub async fn get_controls(
    user: CurrentUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ParentalControls>, ApiError> {
    let child = own_child(&state, &user, &id).await?;
    let mut tx = state.0.db.begin_read().await?;
    let controls = family::load_controls(&mut tx.conn(), child).await?;
    tx.rollback().await?;
    Ok(Json(controls))
}

/// Sets a child's parental controls.
#[utoipa::path(
    put,
    path = "/api/v1/family/children/{id}/controls",
    tag = "family",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "Child id")),
    request_body = ParentalControls,
    responses(
        (status = 200, description = "Stored", body = ParentalControls),
        (status = 404, description = "child_not_found", body = crate::error::ErrorBody),
        (status = 422, description = "invalid_limit, invalid_approval_mode, invalid_categories", body = crate::error::ErrorBody),
    )
)]
pub async fn put_controls(
    user: CurrentUser,
    meta: ClientMeta,
    State(state): State<AppState>,
    Path(id): Path<String>,
    JsonBody(controls): JsonBody<ParentalControls>,
) -> Result<Json<ParentalControls>, ApiError> {
    let child = own_child(&state, &user, &id).await?;
    family::save_controls(&state.0.db, child, &controls, state.0.auth.now()).await?;
    let details = serde_json::json!({ "child_id": child, "controls": &controls });
    audit(
        &state,
        &meta,
        Some(user.id),
        "parental_controls_changed",
        Some(user.id),
        details,
    )
    .await?;
    Ok(Json(controls))
}
