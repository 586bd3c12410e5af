//! `/api/v1/cart…`: the caller's cart at live prices, and `/api/v1/delivery/options`.
//!
//! Guests hold a cart token (256 random bits) returned in the `X-Cart-Token` header and the
//! `bolajon_cart` cookie on the first change; they send it back in either. A signed-in caller
//! who still sends a guest token gets the guest cart merged into theirs (this is how a cart
//! survives signing in).

use crate::auth::token::{new_refresh_token, sha256_hex};
use crate::auth::{MaybeUser, cookies};
use crate::commerce::cart::{self, CartOwner, CartView, LineChange};
use crate::routes::auth::JsonBody;
use crate::{ApiError, AppState};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The guest cart header.
pub const CART_HEADER: &str = "x-cart-token";
/// The guest cart cookie.
pub const CART_COOKIE: &str = "bolajon_cart";

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/cart", get(get_cart))
        .route("/api/v1/cart/lines", post(add_line))
        .route(
            "/api/v1/cart/lines/{sku}",
            put(set_line).delete(remove_line),
        )
        .route("/api/v1/delivery/options", get(delivery_options))
        .layer(DefaultBodyLimit::max(16 * 1024))
}

/// The guest token the request carries, if well-formed.
pub(crate) fn guest_token(headers: &HeaderMap) -> Option<String> {
    let token = headers
        .get(CART_HEADER)
        .and_then(|value| value.to_str().ok())
        .or_else(|| cookies::read(headers, CART_COOKIE))?;
    let ok = (16..=128).contains(&token.len())
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    ok.then(|| token.to_owned())
}

/// Resolves the cart owner; merges a guest cart into a signed-in user's. Returns the owner and
/// a newly issued guest token when `issue` and the guest has none.
async fn owner(
    state: &AppState,
    user: &MaybeUser,
    headers: &HeaderMap,
    issue: bool,
) -> Result<(Option<CartOwner>, Option<String>), ApiError> {
    let token = guest_token(headers);
    match &user.0 {
        Some(user) => {
            if let Some(token) = token {
                let now = state.0.auth.now();
                cart::merge_guest_cart(&state.0.db, &sha256_hex(&token), user.id, now).await?;
            }
            Ok((Some(CartOwner::User(user.id)), None))
        }
        None => match token {
            Some(token) => Ok((Some(CartOwner::Guest(sha256_hex(&token))), None)),
            None if issue => {
                let token = new_refresh_token().map_err(ApiError::internal)?;
                Ok((Some(CartOwner::Guest(sha256_hex(&token))), Some(token)))
            }
            None => Ok((None, None)),
        },
    }
}

fn with_token(view: CartView, issued: Option<String>) -> Response {
    let mut response = Json(view).into_response();
    if let Some(token) = issued {
        let headers = response.headers_mut();
        if let Ok(value) = HeaderValue::from_str(&token) {
            headers.insert(CART_HEADER, value);
        }
        let cookie = format!(
            "{CART_COOKIE}={token}; Path=/; Max-Age=2592000; HttpOnly; Secure; SameSite=Lax"
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            headers.append(header::SET_COOKIE, value);
        }
    }
    response
}

/// Returns the caller's cart at live prices and stock.
#[utoipa::path(
    get,
    path = "/api/v1/cart",
    tag = "commerce",
    params(("X-Cart-Token" = Option<String>, Header, description = "Guest cart token")),
    responses((status = 200, description = "The cart", body = CartView))
)]
pub async fn get_cart(
    user: MaybeUser,
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<CartView>, ApiError> {
    let (owner, _) = owner(&state, &user, &headers, false).await?;
    let view = match owner {
        Some(owner) => cart::view(&state.0.db, &owner).await?,
        None => CartView {
            lines: Vec::new(),
            subtotal_tiyin: 0,
            purchasable: false,
        },
    };
    Ok(Json(view))
}

/// A line to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddLine {
    /// SKU.
    pub sku: String,
    /// Units to add (1 to 99; the line holds at most 99).
    pub quantity: i64,
}

/// A quantity to set.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetQuantity {
    /// Units (1 to 99).
    pub quantity: i64,
}

async fn change(
    state: &AppState,
    user: &MaybeUser,
    headers: &HeaderMap,
    sku: &str,
    change: LineChange,
) -> Result<Response, ApiError> {
    let (owner, issued) = owner(state, user, headers, true).await?;
    let owner = owner.ok_or_else(|| ApiError::internal("no cart owner after issuing"))?;
    cart::change_line(&state.0.db, &owner, sku, change, state.0.auth.now()).await?;
    let view = cart::view(&state.0.db, &owner).await?;
    Ok(with_token(view, issued))
}

/// Adds units of a SKU to the cart (a guest without a token gets one).
#[utoipa::path(
    post,
    path = "/api/v1/cart/lines",
    tag = "commerce",
    request_body = AddLine,
    responses(
        (status = 200, description = "The cart", body = CartView),
        (status = 422, description = "unknown_sku, invalid_quantity, product_unavailable, too_many_lines", body = crate::error::ErrorBody),
    )
)]
pub async fn add_line(
    user: MaybeUser,
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<AddLine>,
) -> Result<Response, ApiError> {
    change(
        &state,
        &user,
        &headers,
        &body.sku,
        LineChange::Add(body.quantity),
    )
    .await
}

/// Sets the quantity of a line.
#[utoipa::path(
    put,
    path = "/api/v1/cart/lines/{sku}",
    tag = "commerce",
    params(("sku" = String, Path, description = "SKU")),
    request_body = SetQuantity,
    responses(
        (status = 200, description = "The cart", body = CartView),
        (status = 422, description = "unknown_sku, invalid_quantity", body = crate::error::ErrorBody),
    )
)]
pub async fn set_line(
    user: MaybeUser,
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(sku): Path<String>,
    JsonBody(body): JsonBody<SetQuantity>,
) -> Result<Response, ApiError> {
    change(
        &state,
        &user,
        &headers,
        &sku,
        LineChange::Set(body.quantity),
    )
    .await
}

/// Removes a line.
#[utoipa::path(
    delete,
    path = "/api/v1/cart/lines/{sku}",
    tag = "commerce",
    params(("sku" = String, Path, description = "SKU")),
    responses(
        (status = 200, description = "The cart", body = CartView),
        (status = 422, description = "unknown_sku", body = crate::error::ErrorBody),
    )
)]
pub async fn remove_line(
    user: MaybeUser,
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(sku): Path<String>,
) -> Result<Response, ApiError> {
    change(&state, &user, &headers, &sku, LineChange::Remove).await
}

/// A courier region.
#[derive(Debug, Serialize, sqlx::FromRow, ToSchema)]
pub struct RegionOption {
    /// Code to send at checkout.
    pub code: String,
    /// Uzbek name.
    pub name_uz: String,
    /// Russian name.
    pub name_ru: String,
    /// English name.
    pub name_en: String,
    /// Courier fee (tiyin).
    pub courier_fee_tiyin: i64,
    /// Free courier from this subtotal (tiyin).
    pub free_from_tiyin: Option<i64>,
    /// Days to deliver.
    pub courier_days: i64,
}

/// A pickup point.
#[derive(Debug, Serialize, sqlx::FromRow, ToSchema)]
pub struct PickupOption {
    /// Id to send at checkout.
    pub id: i64,
    /// Region code.
    pub region_code: String,
    /// Name.
    pub name: String,
    /// Address.
    pub address: String,
    /// Fee (tiyin).
    pub fee_tiyin: i64,
}

/// Delivery options.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryOptions {
    /// Courier regions.
    pub regions: Vec<RegionOption>,
    /// Pickup points.
    pub pickup_points: Vec<PickupOption>,
}

/// Lists the courier regions of Uzbekistan with their fees, and the pickup points.
#[utoipa::path(
    get,
    path = "/api/v1/delivery/options",
    tag = "commerce",
    responses((status = 200, description = "Options", body = DeliveryOptions))
)]
pub async fn delivery_options(
    State(state): State<AppState>,
) -> Result<Json<DeliveryOptions>, ApiError> {
    let (regions, pickup_points) = crate::db::dispatch!(&state.0.db, |pool, _d| {
        let regions = sqlx::query_as::<_, RegionOption>(
            "SELECT code, name_uz, name_ru, name_en, courier_fee_tiyin, free_from_tiyin, \
             courier_days FROM delivery_regions ORDER BY code",
        )
        .fetch_all(pool)
        .await
        .map_err(crate::db::DbError::from)?;
        let points = sqlx::query_as::<_, PickupOption>(
            "SELECT id, region_code, name, address, fee_tiyin FROM pickup_points \
             WHERE active = TRUE ORDER BY id",
        )
        .fetch_all(pool)
        .await
        .map_err(crate::db::DbError::from)?;
        (regions, points)
    });
    Ok(Json(DeliveryOptions {
        regions,
        pickup_points,
    }))
}
