//! `/api/v1/seller/shipments…`: a seller's part of each order. A seller sees and advances only
//! their own shipments; another seller's answers 404 `shipment_not_found`.

use crate::auth::{ClientMeta, CurrentUser, audit};
use crate::commerce::ShipmentId;
use crate::commerce::checkout::ShipmentView;
use crate::commerce::shipments::{self, SellerShipmentView, ShipmentStep};
use crate::routes::auth::JsonBody;
use crate::routes::orders::parse_path_id;
use crate::{ApiError, AppState};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/seller/shipments", get(list_shipments))
        .route("/api/v1/seller/shipments/{id}", get(get_shipment))
        .route(
            "/api/v1/seller/shipments/{id}/status",
            post(advance_shipment),
        )
        .layer(DefaultBodyLimit::max(16 * 1024))
}

fn seller_of(user: &CurrentUser) -> Result<i64, ApiError> {
    user.seller_id
        .ok_or_else(|| ApiError::forbidden("no_seller", "this account does not manage a shop yet"))
}

/// A seller's shipments.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShipmentList {
    /// Newest first (at most 200), cancelled ones left out.
    pub shipments: Vec<ShipmentView>,
}

/// Lists the seller's shipments.
#[utoipa::path(
    get,
    path = "/api/v1/seller/shipments",
    tag = "commerce",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "Shipments", body = ShipmentList),
        (status = 403, description = "no_seller", body = crate::error::ErrorBody),
    )
)]
pub async fn list_shipments(
    user: CurrentUser,
    State(state): State<AppState>,
) -> Result<Json<ShipmentList>, ApiError> {
    let seller = seller_of(&user)?;
    Ok(Json(ShipmentList {
        shipments: shipments::list_for_seller(&state.0.db, seller).await?,
    }))
}

/// Returns one of the seller's shipments with the lines to fulfil.
#[utoipa::path(
    get,
    path = "/api/v1/seller/shipments/{id}",
    tag = "commerce",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "Shipment id")),
    responses(
        (status = 200, description = "The shipment", body = SellerShipmentView),
        (status = 404, description = "shipment_not_found", body = crate::error::ErrorBody),
    )
)]
pub async fn get_shipment(
    user: CurrentUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<SellerShipmentView>, ApiError> {
    let seller = seller_of(&user)?;
    let id = ShipmentId(parse_path_id(&id, "shipment_not_found", "shipment")?);
    Ok(Json(
        shipments::get_for_seller(&state.0.db, seller, id).await?,
    ))
}

/// The next step of a shipment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdvanceShipment {
    /// `processing`, `shipped` or `delivered` (one step at a time).
    pub status: ShipmentStep,
    /// Carrier tracking code (letters, digits, dashes).
    #[serde(default)]
    pub tracking_code: Option<String>,
}

/// Advances one of the seller's shipments (`pending → processing → shipped → delivered`) once
/// the order is paid; the order follows.
#[utoipa::path(
    post,
    path = "/api/v1/seller/shipments/{id}/status",
    tag = "commerce",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "Shipment id")),
    request_body = AdvanceShipment,
    responses(
        (status = 200, description = "Advanced", body = SellerShipmentView),
        (status = 404, description = "shipment_not_found", body = crate::error::ErrorBody),
        (status = 409, description = "illegal_transition", body = crate::error::ErrorBody),
        (status = 422, description = "invalid_tracking_code", body = crate::error::ErrorBody),
    )
)]
pub async fn advance_shipment(
    user: CurrentUser,
    meta: ClientMeta,
    State(state): State<AppState>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<AdvanceShipment>,
) -> Result<Json<SellerShipmentView>, ApiError> {
    let seller = seller_of(&user)?;
    let id = ShipmentId(parse_path_id(&id, "shipment_not_found", "shipment")?);
    let view = shipments::advance(
        &state.0.db,
        seller,
        user.id,
        id,
        body.status,
        body.tracking_code.as_deref(),
        state.0.auth.now(),
    )
    .await?;
    let details = serde_json::json!({
        "shipment_id": id,
        "order_id": view.shipment.order_id,
        "status": body.status,
    });
    audit(
        &state,
        &meta,
        Some(user.id),
        "shipment_advanced",
        None,
        details,
    )
    .await?;
    Ok(Json(view))
}
