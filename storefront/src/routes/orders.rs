//! `/api/v1/orders…`: checkout (with `Idempotency-Key`), the caller's orders, and the buyer's
//! actions on them (cancel, ask for a refund, confirm). Another buyer's order answers 404
//! `order_not_found`, like a missing one.

use crate::auth::{CurrentUser, Role};
use crate::commerce::OrderId;
use crate::commerce::checkout::{self, Buyer, CheckoutInput, IdempotencyKey, OrderView};
use crate::commerce::orders::{self, BuyerAction, OrderSummary};
use crate::routes::auth::{JsonBody, OptionalJsonBody};
use crate::{ApiError, AppState};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/orders", get(list_orders).post(create_order))
        .route("/api/v1/orders/{id}", get(get_order))
        .route("/api/v1/orders/{id}/cancel", post(cancel_order))
        .route("/api/v1/orders/{id}/refund-request", post(request_refund))
        .route("/api/v1/orders/{id}/complete", post(complete_order))
        .layer(DefaultBodyLimit::max(64 * 1024))
}

/// Parses an id from the path: a positive integer, or 404 with `code`.
pub(crate) fn parse_path_id(raw: &str, code: &'static str, what: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::not_found(code, format!("{what} {raw:?} does not exist")))
}

/// Resolves who buys: a parent for themselves, or an active child profile.
pub(crate) async fn buyer_of(state: &AppState, user: &CurrentUser) -> Result<Buyer, ApiError> {
    if user.role != Role::Child {
        return Ok(Buyer {
            user: user.id,
            child: None,
        });
    }
    let row: Option<(i64, i64, String)> = crate::db::dispatch!(&state.0.db, |pool, _d| {
        sqlx::query_as("SELECT id, parent_user_id, status FROM child_profiles WHERE user_id = $1")
            .bind(user.id)
            .fetch_optional(pool)
            .await
            .map_err(crate::db::DbError::from)?
    });
    match row {
        Some((child, parent, status)) if status == "active" => Ok(Buyer {
            user: user.id,
            child: Some((
                crate::db::accounts::ChildId(child),
                crate::db::accounts::UserId(parent),
            )),
        }),
        Some(_) => Err(ApiError::forbidden(
            "child_not_active",
            "a parent must record consent before this profile can buy",
        )),
        None => Err(ApiError::forbidden(
            "child_not_active",
            "this child profile does not exist",
        )),
    }
}

fn idempotency_key(
    headers: &HeaderMap,
    user: &CurrentUser,
    input: &CheckoutInput,
) -> Result<Option<IdempotencyKey>, ApiError> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|key| {
            !key.is_empty() && key.len() <= 255 && key.bytes().all(|b| b.is_ascii_graphic())
        })
        .ok_or_else(|| {
            ApiError::bad_request(
                "invalid_idempotency_key",
                "Idempotency-Key must be 1 to 255 visible ASCII characters",
            )
        })?;
    // The canonical request: the parsed body re-serialised (field order and spacing do not
    // matter, every field does).
    let canonical = serde_json::to_vec(input).map_err(ApiError::internal)?;
    let hash = Sha256::digest(&canonical);
    Ok(Some(IdempotencyKey {
        scope: format!("orders:user:{}", user.id),
        key: key.to_owned(),
        request_hash: hash.iter().map(|b| format!("{b:02x}")).collect(),
    }))
}

/// Places an order from the lines given (or the caller's cart), reserving stock. With an
/// `Idempotency-Key`, a repeat of the same request returns the first reply
/// (`Idempotent-Replayed: true`) and the same key with another body is 422
/// `idempotency_key_reused`. A child's order waits for the parent's approval
/// (`awaiting_parent_approval`) unless the controls say otherwise.
#[utoipa::path(
    post,
    path = "/api/v1/orders",
    tag = "commerce",
    security(("bearer" = []), ("cookie" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    request_body = CheckoutInput,
    responses(
        (status = 201, description = "Placed", body = OrderView),
        (status = 400, description = "invalid_json, invalid_idempotency_key", body = crate::error::ErrorBody),
        (status = 403, description = "spending_limit_exceeded, category_blocked, child_not_active", body = crate::error::ErrorBody),
        (status = 409, description = "out_of_stock, price_changed", body = crate::error::ErrorBody),
        (status = 422, description = "unknown_sku, invalid_quantity, duplicate_sku, empty_order, unknown_region, unknown_pickup_point, invalid_address, unknown_promo_code, promo_expired, promo_minimum_not_met, promo_limit_reached, promo_not_applicable, idempotency_key_reused", body = crate::error::ErrorBody),
    )
)]
pub async fn create_order(
    user: CurrentUser,
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(input): JsonBody<CheckoutInput>,
) -> Result<Response, ApiError> {
    let buyer = buyer_of(&state, &user).await?;
    let key = idempotency_key(&headers, &user, &input)?;
    let reply = checkout::place_order(
        &state.0.db,
        &state.0.commerce,
        buyer,
        &input,
        key.as_ref(),
        state.0.auth.now(),
    )
    .await?;
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::CREATED);
    let mut response = (status, Json(reply.body)).into_response();
    if reply.replayed {
        response
            .headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    Ok(response)
}

/// The caller's orders.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderList {
    /// Newest first (at most 200).
    pub orders: Vec<OrderSummary>,
}

/// Lists the caller's orders (a parent also sees their children's).
#[utoipa::path(
    get,
    path = "/api/v1/orders",
    tag = "commerce",
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, description = "Orders", body = OrderList))
)]
pub async fn list_orders(
    user: CurrentUser,
    State(state): State<AppState>,
) -> Result<Json<OrderList>, ApiError> {
    Ok(Json(OrderList {
        orders: orders::list_for_buyer(&state.0.db, user.id).await?,
    }))
}

/// Returns one of the caller's orders with its lines and shipments.
#[utoipa::path(
    get,
    path = "/api/v1/orders/{id}",
    tag = "commerce",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "Order id")),
    responses(
        (status = 200, description = "The order", body = OrderView),
        (status = 404, description = "order_not_found", body = crate::error::ErrorBody),
    )
)]
pub async fn get_order(
    user: CurrentUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<OrderView>, ApiError> {
    let id = OrderId(parse_path_id(&id, "order_not_found", "order")?);
    Ok(Json(orders::get_for_buyer(&state.0.db, user.id, id).await?))
}

/// An optional reason.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonBody {
    /// Why (at most 500 characters).
    #[serde(default)]
    pub reason: Option<String>,
}

async fn act(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    action: BuyerAction,
    body: Option<ReasonBody>,
    default_reason: &str,
) -> Result<Json<OrderView>, ApiError> {
    let id = OrderId(parse_path_id(id, "order_not_found", "order")?);
    let reason = body.and_then(|body| body.reason).unwrap_or_default();
    if reason.chars().count() > 500 {
        return Err(ApiError::bad_request(
            "invalid_reason",
            "the reason has at most 500 characters",
        ));
    }
    let reason = if reason.trim().is_empty() {
        default_reason.to_owned()
    } else {
        reason.trim().to_owned()
    };
    Ok(Json(
        orders::act_as_buyer(
            &state.0.db,
            user.id,
            id,
            action,
            &reason,
            state.0.auth.now(),
        )
        .await?,
    ))
}

/// Cancels an unpaid order (its stock is released).
#[utoipa::path(
    post,
    path = "/api/v1/orders/{id}/cancel",
    tag = "commerce",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "Order id")),
    request_body = ReasonBody,
    responses(
        (status = 200, description = "Cancelled", body = OrderView),
        (status = 404, description = "order_not_found", body = crate::error::ErrorBody),
        (status = 409, description = "illegal_transition (paid orders are refunded instead)", body = crate::error::ErrorBody),
    )
)]
pub async fn cancel_order(
    user: CurrentUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
    OptionalJsonBody(body): OptionalJsonBody<ReasonBody>,
) -> Result<Json<OrderView>, ApiError> {
    act(
        &state,
        &user,
        &id,
        BuyerAction::Cancel,
        body,
        "cancelled by the buyer",
    )
    .await
}

/// Asks for a refund of a paid order.
#[utoipa::path(
    post,
    path = "/api/v1/orders/{id}/refund-request",
    tag = "commerce",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "Order id")),
    request_body = ReasonBody,
    responses(
        (status = 200, description = "Refund requested", body = OrderView),
        (status = 404, description = "order_not_found", body = crate::error::ErrorBody),
        (status = 409, description = "illegal_transition", body = crate::error::ErrorBody),
    )
)]
pub async fn request_refund(
    user: CurrentUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
    OptionalJsonBody(body): OptionalJsonBody<ReasonBody>,
) -> Result<Json<OrderView>, ApiError> {
    act(
        &state,
        &user,
        &id,
        BuyerAction::RequestRefund,
        body,
        "refund requested by the buyer",
    )
    .await
}

/// Confirms a delivered order (it becomes `completed`).
#[utoipa::path(
    post,
    path = "/api/v1/orders/{id}/complete",
    tag = "commerce",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "Order id")),
    responses(
        (status = 200, description = "Completed", body = OrderView),
        (status = 404, description = "order_not_found", body = crate::error::ErrorBody),
        (status = 409, description = "illegal_transition", body = crate::error::ErrorBody),
    )
)]
pub async fn complete_order(
    user: CurrentUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<OrderView>, ApiError> {
    act(
        &state,
        &user,
        &id,
        BuyerAction::Complete,
        None,
        "confirmed by the buyer",
    )
    .await
}
