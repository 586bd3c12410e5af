//! Shopper features: `/api/v1/wishlist…` (per account), `/api/v1/compare` (2 to 4 approved
//! products side by side, filtered by the audience's age), `/api/v1/recently-viewed…` (per
//! account, or per device with the `X-Device-Token` header) and
//! `POST /api/v1/orders/{id}/reorder` (an old order's still-available lines into the cart).

use crate::auth::token::sha256_hex;
use crate::auth::{CurrentUser, MaybeUser};
use crate::commerce::CommerceError;
use crate::commerce::OrderId;
use crate::commerce::cart::{self, CartOwner, LineChange};
use crate::routes::orders::parse_path_id;
use crate::routes::products::{
    ProductView, load_product_view, parse_audience_and_lang, parse_product_id,
};
use crate::routes::search::decode_pairs;
use crate::shopper::{self, COMPARE_MAX, Viewer, WishlistAdd};
use crate::{ApiError, AppState};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use engine::Lang;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeSet;
use utoipa::ToSchema;

/// The device token header for guests' recently viewed lists.
pub const DEVICE_HEADER: &str = "x-device-token";

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/wishlist", get(get_wishlist))
        .route(
            "/api/v1/wishlist/{product_id}",
            put(add_wishlist).delete(remove_wishlist),
        )
        .route("/api/v1/compare", get(compare))
        .route("/api/v1/recently-viewed", get(get_recently_viewed))
        .route(
            "/api/v1/recently-viewed/{product_id}",
            post(record_recently_viewed),
        )
        .route("/api/v1/orders/{id}/reorder", post(reorder))
}

/// A list of products.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProductList {
    /// Newest first.
    pub products: Vec<ProductView>,
}

async fn views(state: &AppState, ids: Vec<i64>) -> Result<ProductList, ApiError> {
    let mut products = Vec::with_capacity(ids.len());
    for id in ids {
        match load_product_view(state, id.unsigned_abs(), None, Lang::Uz).await {
            Ok(view) => products.push(view),
            // Taken down between the two reads: not shown.
            Err(error) if error.status == StatusCode::NOT_FOUND => {}
            Err(error) => return Err(error),
        }
    }
    Ok(ProductList { products })
}

fn product_id(raw: &str) -> Result<i64, ApiError> {
    Ok(parse_product_id(raw)?.cast_signed())
}

fn unknown_product(id: i64) -> ApiError {
    ApiError::not_found("product_not_found", format!("product {id} does not exist"))
}

/// The caller's wishlist.
#[utoipa::path(
    get,
    path = "/api/v1/wishlist",
    tag = "shopper",
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, description = "The wishlist, newest first", body = ProductList))
)]
pub async fn get_wishlist(
    user: CurrentUser,
    State(state): State<AppState>,
) -> Result<Json<ProductList>, ApiError> {
    let ids = shopper::wishlist(&state.0.db, user.id).await?;
    Ok(Json(views(&state, ids).await?))
}

/// Adds an approved product to the caller's wishlist (idempotent).
#[utoipa::path(
    put,
    path = "/api/v1/wishlist/{product_id}",
    tag = "shopper",
    security(("bearer" = []), ("cookie" = [])),
    params(("product_id" = u64, Path, description = "Product id")),
    responses(
        (status = 204, description = "In the wishlist"),
        (status = 400, description = "Invalid id (invalid_product_id)", body = crate::error::ErrorBody),
        (status = 404, description = "No such approved product (product_not_found)", body = crate::error::ErrorBody),
        (status = 409, description = "The wishlist is full (wishlist_full)", body = crate::error::ErrorBody),
    )
)]
pub async fn add_wishlist(
    user: CurrentUser,
    State(state): State<AppState>,
    Path(raw): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = product_id(&raw)?;
    match shopper::add_to_wishlist(&state.0.db, user.id, id, state.0.auth.now()).await? {
        WishlistAdd::Added => Ok(StatusCode::NO_CONTENT),
        WishlistAdd::UnknownProduct => Err(unknown_product(id)),
        WishlistAdd::Full => Err(ApiError::conflict(
            "wishlist_full",
            format!(
                "a wishlist holds at most {} products",
                shopper::WISHLIST_CAP
            ),
        )),
    }
}

/// Removes a product from the caller's wishlist.
#[utoipa::path(
    delete,
    path = "/api/v1/wishlist/{product_id}",
    tag = "shopper",
    security(("bearer" = []), ("cookie" = [])),
    params(("product_id" = u64, Path, description = "Product id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 400, description = "Invalid id (invalid_product_id)", body = crate::error::ErrorBody),
        (status = 404, description = "Not in the wishlist (not_in_wishlist)", body = crate::error::ErrorBody),
    )
)]
pub async fn remove_wishlist(
    user: CurrentUser,
    State(state): State<AppState>,
    Path(raw): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = product_id(&raw)?;
    if shopper::remove_from_wishlist(&state.0.db, user.id, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found(
            "not_in_wishlist",
            format!("product {id} is not in the wishlist"),
        ))
    }
}

/// One compared attribute: its name and one value per product, in the products' order.
#[derive(Debug, Serialize, ToSchema)]
pub struct ComparedAttribute {
    /// Attribute name (`price`, `age_min_months`, `option:size`, …).
    pub name: String,
    /// One value per product (`null` where a product lacks it).
    #[schema(value_type = Vec<Object>)]
    pub values: Vec<Value>,
    /// Whether the products differ in it.
    pub differs: bool,
}

/// Products side by side.
#[derive(Debug, Serialize, ToSchema)]
pub struct Comparison {
    /// The products, in the requested order.
    pub products: Vec<ProductView>,
    /// The attributes, row by row.
    pub attributes: Vec<ComparedAttribute>,
}

fn comparison(products: Vec<ProductView>) -> Comparison {
    let mut rows: Vec<(String, Vec<Value>)> = vec![
        (
            "price".into(),
            products.iter().map(|p| p.price.into()).collect(),
        ),
        (
            "in_stock".into(),
            products.iter().map(|p| p.in_stock.into()).collect(),
        ),
        (
            "age_min_months".into(),
            products.iter().map(|p| p.age_min_months.into()).collect(),
        ),
        (
            "age_max_months".into(),
            products.iter().map(|p| p.age_max_months.into()).collect(),
        ),
        (
            "brand".into(),
            products.iter().map(|p| p.brand.clone().into()).collect(),
        ),
        (
            "category".into(),
            products
                .iter()
                .map(|p| p.categories.last().map(|c| c.name.clone()).into())
                .collect(),
        ),
        (
            "rating".into(),
            products.iter().map(|p| p.rating.into()).collect(),
        ),
        (
            "rating_count".into(),
            products.iter().map(|p| p.rating_count.into()).collect(),
        ),
        (
            "seller_id".into(),
            products.iter().map(|p| p.seller_id.into()).collect(),
        ),
    ];
    // Variant options (size, colour, …): every value a product offers, joined.
    let option_names: BTreeSet<&String> = products
        .iter()
        .flat_map(|p| p.variants.iter().flat_map(|v| v.options.keys()))
        .collect();
    for name in option_names {
        let values = products
            .iter()
            .map(|p| {
                let offered: BTreeSet<&String> = p
                    .variants
                    .iter()
                    .filter_map(|v| v.options.get(name))
                    .collect();
                if offered.is_empty() {
                    Value::Null
                } else {
                    Value::from(offered.into_iter().cloned().collect::<Vec<_>>().join(", "))
                }
            })
            .collect();
        rows.push((format!("option:{name}"), values));
    }
    let attributes = rows
        .into_iter()
        .map(|(name, values)| ComparedAttribute {
            differs: values.windows(2).any(|pair| pair[0] != pair[1]),
            name,
            values,
        })
        .collect();
    Comparison {
        products,
        attributes,
    }
}

/// Compares 2 to 4 approved products by their attributes. With `age_months`, a product not
/// meant for that age is not found.
#[utoipa::path(
    get,
    path = "/api/v1/compare",
    tag = "shopper",
    params(
        ("ids" = String, Query, description = "2 to 4 distinct product ids, comma-separated"),
        ("age_months" = Option<u16>, Query, description = "The audience's age in months"),
        ("lang" = Option<String>, Query, description = "uz (default), uz-Cyrl, ru, en"),
    ),
    responses(
        (status = 200, description = "The comparison", body = Comparison),
        (status = 400, description = "Bad ids or parameters (invalid_compare, invalid_product_id, invalid_age, invalid_lang)", body = crate::error::ErrorBody),
        (status = 404, description = "A product is missing or not for this age (product_not_found)", body = crate::error::ErrorBody),
    )
)]
pub async fn compare(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Comparison>, ApiError> {
    let pairs = decode_pairs(raw.as_deref().unwrap_or_default())?;
    let value = |name: &str| {
        pairs
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, v)| v.as_str())
    };
    let bad = || {
        ApiError::bad_request(
            "invalid_compare",
            format!("ids must name 2 to {COMPARE_MAX} distinct products, comma-separated"),
        )
    };
    let raw_ids: Vec<&str> = value("ids").ok_or_else(bad)?.split(',').collect();
    if !(2..=COMPARE_MAX).contains(&raw_ids.len()) {
        return Err(bad());
    }
    let mut ids = Vec::with_capacity(raw_ids.len());
    for raw in raw_ids {
        let id = parse_product_id(raw.trim())?;
        if ids.contains(&id) {
            return Err(bad());
        }
        ids.push(id);
    }
    let (audience, lang) = parse_audience_and_lang(value("age_months"), value("lang"))?;
    let mut products = Vec::with_capacity(ids.len());
    for id in ids {
        products.push(load_product_view(&state, id, audience, lang).await?);
    }
    Ok(Json(comparison(products)))
}

fn viewer(user: &MaybeUser, headers: &HeaderMap) -> Result<Viewer, ApiError> {
    if let Some(user) = &user.0 {
        return Ok(Viewer::User(user.id));
    }
    let token = headers
        .get(DEVICE_HEADER)
        .and_then(|value| value.to_str().ok())
        .filter(|token| {
            (16..=128).contains(&token.len())
                && token
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .ok_or_else(|| {
            ApiError::bad_request(
                "device_token_required",
                "sign in or send X-Device-Token (16 to 128 of A-Z a-z 0-9 - _)",
            )
        })?;
    Ok(Viewer::Device(sha256_hex(token)))
}

/// The caller's (or device's) recently viewed products, newest first (at most 50).
#[utoipa::path(
    get,
    path = "/api/v1/recently-viewed",
    tag = "shopper",
    params(("X-Device-Token" = Option<String>, Header, description = "A guest device's token")),
    responses(
        (status = 200, description = "Recently viewed", body = ProductList),
        (status = 400, description = "A guest without a valid device token (device_token_required)", body = crate::error::ErrorBody),
    )
)]
pub async fn get_recently_viewed(
    user: MaybeUser,
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<ProductList>, ApiError> {
    let viewer = viewer(&user, &headers)?;
    let ids = shopper::recently_viewed(&state.0.db, &viewer).await?;
    Ok(Json(views(&state, ids).await?))
}

/// Records a product view for the caller (or device).
#[utoipa::path(
    post,
    path = "/api/v1/recently-viewed/{product_id}",
    tag = "shopper",
    params(
        ("product_id" = u64, Path, description = "Product id"),
        ("X-Device-Token" = Option<String>, Header, description = "A guest device's token"),
    ),
    responses(
        (status = 204, description = "Recorded"),
        (status = 400, description = "Invalid id or no device token (invalid_product_id, device_token_required)", body = crate::error::ErrorBody),
        (status = 404, description = "No such approved product (product_not_found)", body = crate::error::ErrorBody),
    )
)]
pub async fn record_recently_viewed(
    user: MaybeUser,
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(raw): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = product_id(&raw)?;
    let viewer = viewer(&user, &headers)?;
    let now = state.0.auth.now();
    let previous = crate::recommendations::last_view(&state.0.db, &viewer, id).await?;
    if shopper::record_view(&state.0.db, &viewer, id, now).await? {
        // Trending counts the view (once per viewer and product per hour).
        crate::recommendations::count_view(&state.0.db, id, previous, now).await?;
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(unknown_product(id))
    }
}

/// A line of the old order that could not be added again.
#[derive(Debug, Serialize, ToSchema)]
pub struct SkippedLine {
    /// SKU.
    pub sku: String,
    /// Quantity in the old order.
    pub quantity: i64,
    /// Why (`product_unavailable`, `out_of_stock`, `unknown_sku`, …).
    pub reason: String,
}

/// What re-ordering did.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReorderResult {
    /// The cart after adding the lines.
    pub cart: cart::CartView,
    /// SKUs added (with their quantities).
    pub added: Vec<(String, i64)>,
    /// Lines left out.
    pub skipped: Vec<SkippedLine>,
}

/// Adds the still-available lines of one of the caller's orders to the caller's cart.
#[utoipa::path(
    post,
    path = "/api/v1/orders/{id}/reorder",
    tag = "shopper",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "Order id")),
    responses(
        (status = 200, description = "Lines added; unavailable ones listed", body = ReorderResult),
        (status = 404, description = "No such order of the caller's (order_not_found)", body = crate::error::ErrorBody),
    )
)]
pub async fn reorder(
    user: CurrentUser,
    State(state): State<AppState>,
    Path(raw): Path<String>,
) -> Result<Json<ReorderResult>, ApiError> {
    let id = OrderId(parse_path_id(&raw, "order_not_found", "order")?);
    let lines = shopper::order_lines_for_reorder(&state.0.db, user.id, id).await?;
    let owner = CartOwner::User(user.id);
    let mut added = Vec::new();
    let mut skipped = Vec::new();
    for (sku, quantity) in lines {
        let now = state.0.auth.now();
        match cart::change_line(&state.0.db, &owner, &sku, LineChange::Add(quantity), now).await {
            Ok(()) => added.push((sku, quantity)),
            Err(CommerceError::Db(error)) => return Err(CommerceError::Db(error).into()),
            Err(other) => {
                let reason = ApiError::from(other).code.to_owned();
                skipped.push(SkippedLine {
                    sku,
                    quantity,
                    reason,
                });
            }
        }
    }
    let cart = cart::view(&state.0.db, &owner).await?;
    Ok(Json(ReorderResult {
        cart,
        added,
        skipped,
    }))
}
