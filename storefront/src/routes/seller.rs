//! `/api/v1/seller/products…`: a seller's own listings: create, list, view, edit, delete and
//! appeal a rejection. Every create and edit is screened and queued for moderation
//! ([`crate::listings`]); another seller's product answers 404.

use crate::auth::{ClientMeta, CurrentUser};
use crate::listings::{self, ListingRequest, ListingView, ModerationView};
use crate::moderation_queue;
use crate::routes::auth::JsonBody;
use crate::{ApiError, AppState};
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The largest body these routes read (four descriptions of 5,000 characters and 50 variants
/// fit).
const MAX_BODY_BYTES: usize = 256 * 1024;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/seller/products",
            get(list_products).post(create_product),
        )
        .route(
            "/api/v1/seller/products/{id}",
            get(seller_product)
                .put(update_product)
                .delete(delete_product),
        )
        .route("/api/v1/seller/products/{id}/appeal", post(appeal))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        // Reads its body itself, up to `MAX_IMAGE_BYTES`.
        .route("/api/v1/seller/products/{id}/images", post(upload_image))
}

/// Parses a product id from the path.
pub fn parse_product_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>().ok().filter(|id| *id > 0).ok_or_else(|| {
        ApiError::bad_request(
            "invalid_product_id",
            "the product id must be a positive integer",
        )
    })
}

/// Creates a listing; it is screened at once and queued for moderation.
#[utoipa::path(
    post,
    path = "/api/v1/seller/products",
    tag = "seller",
    security(("bearer" = []), ("cookie" = [])),
    request_body = ListingRequest,
    responses(
        (status = 201, description = "Created and screened; `moderation.state` says whether it is visible (auto_approved), held (flagged) or rejected", body = ListingView),
        (status = 400, description = "Invalid listing (invalid_title, missing_title, invalid_description, unknown_category, not_leaf_category, unknown_brand, invalid_age_range, invalid_variants, invalid_sku, duplicate_sku, invalid_price, invalid_stock, invalid_options, invalid_json)", body = crate::error::ErrorBody),
        (status = 403, description = "Not a seller, or the account has no shop (seller_profile_required)", body = crate::error::ErrorBody),
        (status = 409, description = "A SKU is used by another product (sku_taken)", body = crate::error::ErrorBody),
    )
)]
pub async fn create_product(
    user: CurrentUser,
    State(state): State<AppState>,
    JsonBody(body): JsonBody<ListingRequest>,
) -> Result<(StatusCode, Json<ListingView>), ApiError> {
    let seller = listings::seller_of(&user)?;
    let view = listings::create_listing(&state.0, seller, &body).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// One of the seller's listings in the list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListingSummary {
    /// Id.
    pub id: i64,
    /// The first title (uz, ru, en, uz-Cyrl).
    pub title: String,
    /// Store status: `approved` (visible), `pending` or `rejected`.
    pub status: String,
    /// Moderation; `None` for products listed before the queue existed.
    pub moderation: Option<ModerationView>,
}

/// The seller's listings.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListingList {
    /// Oldest first.
    pub products: Vec<ListingSummary>,
}

/// Lists the seller's listings with their moderation state.
#[utoipa::path(
    get,
    path = "/api/v1/seller/products",
    tag = "seller",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The seller's listings", body = ListingList),
        (status = 403, description = "Not a seller, or no shop (seller_profile_required)", body = crate::error::ErrorBody),
    )
)]
pub async fn list_products(
    user: CurrentUser,
    State(state): State<AppState>,
) -> Result<Json<ListingList>, ApiError> {
    let seller = listings::seller_of(&user)?;
    let rows = state.0.db.seller_products(seller).await?;
    let products = rows
        .into_iter()
        .map(|(id, title, status, item)| {
            Ok(ListingSummary {
                id,
                title,
                status,
                moderation: item.as_ref().map(ModerationView::of).transpose()?,
            })
        })
        .collect::<Result<_, ApiError>>()?;
    Ok(Json(ListingList { products }))
}

/// Returns one of the seller's listings.
#[utoipa::path(
    get,
    path = "/api/v1/seller/products/{id}",
    tag = "seller",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "Product id")),
    responses(
        (status = 200, description = "The listing with its moderation", body = ListingView),
        (status = 400, description = "invalid_product_id", body = crate::error::ErrorBody),
        (status = 404, description = "No such product of this seller (product_not_found)", body = crate::error::ErrorBody),
    )
)]
pub async fn seller_product(
    user: CurrentUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ListingView>, ApiError> {
    let seller = listings::seller_of(&user)?;
    let id = parse_product_id(&id)?;
    let (record, item) = listings::owned_listing(&state.0, seller, id).await?;
    Ok(Json(ListingView::of(&record, item.as_ref())?))
}

/// Replaces a listing; the new revision is screened and queued again (an approved listing
/// leaves search unless the screening approves the edit).
#[utoipa::path(
    put,
    path = "/api/v1/seller/products/{id}",
    tag = "seller",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "Product id")),
    request_body = ListingRequest,
    responses(
        (status = 200, description = "Replaced and screened", body = ListingView),
        (status = 400, description = "invalid_product_id or an invalid listing (as for create)", body = crate::error::ErrorBody),
        (status = 404, description = "No such product of this seller (product_not_found)", body = crate::error::ErrorBody),
        (status = 409, description = "sku_taken", body = crate::error::ErrorBody),
    )
)]
pub async fn update_product(
    user: CurrentUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ListingRequest>,
) -> Result<Json<ListingView>, ApiError> {
    let seller = listings::seller_of(&user)?;
    let id = parse_product_id(&id)?;
    Ok(Json(
        listings::update_listing(&state.0, seller, id, &body).await?,
    ))
}

/// Deletes a listing (its decision record stays).
#[utoipa::path(
    delete,
    path = "/api/v1/seller/products/{id}",
    tag = "seller",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "Product id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "invalid_product_id", body = crate::error::ErrorBody),
        (status = 404, description = "No such product of this seller (product_not_found)", body = crate::error::ErrorBody),
    )
)]
pub async fn delete_product(
    user: CurrentUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let seller = listings::seller_of(&user)?;
    let id = parse_product_id(&id)?;
    listings::delete_listing(&state.0, seller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/seller/products/{id}/appeal`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppealRequest {
    /// Why the rejection is wrong: 1 to 1,000 characters.
    pub message: String,
}

/// Appeals the rejection of a listing: it goes back to the moderation queue. Once per
/// revision.
#[utoipa::path(
    post,
    path = "/api/v1/seller/products/{id}/appeal",
    tag = "seller",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "Product id")),
    request_body = AppealRequest,
    responses(
        (status = 200, description = "Appealed: back in the queue", body = ModerationView),
        (status = 400, description = "invalid_product_id, invalid_message, invalid_json", body = crate::error::ErrorBody),
        (status = 404, description = "No such product of this seller (product_not_found)", body = crate::error::ErrorBody),
        (status = 409, description = "not_appealable (not rejected), already_appealed, item_changed", body = crate::error::ErrorBody),
    )
)]
pub async fn appeal(
    user: CurrentUser,
    State(state): State<AppState>,
    meta: ClientMeta,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<AppealRequest>,
) -> Result<Json<ModerationView>, ApiError> {
    let seller = listings::seller_of(&user)?;
    let id = parse_product_id(&id)?;
    let message = moderation_queue::validate_note(&body.message, "invalid_message", "message")?;
    let (_, item) = listings::owned_listing(&state.0, seller, id).await?;
    if item.is_none() {
        return Err(ApiError::conflict(
            "not_appealable",
            format!("product {id} has no moderation decision to appeal"),
        ));
    }
    let item = moderation_queue::appeal(&state, &meta, &user, id, &message).await?;
    Ok(Json(ModerationView::of(&item)?))
}

/// Uploads an image (the raw bytes as the body, with their `Content-Type`). It is screened by
/// the image-safety model, and the listing is screened again with all its images (held for a
/// person when the model is not loaded). Shown publicly only while the product is approved.
#[utoipa::path(
    post,
    path = "/api/v1/seller/products/{id}/images",
    tag = "seller",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "Product id")),
    request_body(content = Vec<u8>, description = "The image, at most 8 MiB", content_type = "image/jpeg"),
    responses(
        (status = 201, description = "Stored and screened; the listing as it stands now", body = ListingView),
        (status = 400, description = "invalid_product_id, invalid_image (empty, corrupt, truncated, too many pixels, or not the declared type)", body = crate::error::ErrorBody),
        (status = 404, description = "No such product of this seller (product_not_found)", body = crate::error::ErrorBody),
        (status = 409, description = "too_many_images, duplicate_image", body = crate::error::ErrorBody),
        (status = 413, description = "payload_too_large", body = crate::error::ErrorBody),
        (status = 415, description = "Not JPEG, PNG, WebP or GIF (unsupported_media_type)", body = crate::error::ErrorBody),
    )
)]
pub async fn upload_image(
    user: CurrentUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<ListingView>), ApiError> {
    let seller = listings::seller_of(&user)?;
    let id = parse_product_id(&id)?;
    let bytes = axum::body::to_bytes(body, listings::images::MAX_IMAGE_BYTES)
        .await
        .map_err(|_| {
            ApiError::payload_too_large(format!(
                "an image must be at most {} bytes",
                listings::images::MAX_IMAGE_BYTES
            ))
        })?;
    if bytes.is_empty() {
        return Err(ApiError::bad_request("invalid_image", "the body is empty"));
    }
    let declared = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok());
    let view = listings::images::add_image(&state.0, seller, id, declared, bytes.to_vec()).await?;
    Ok((StatusCode::CREATED, Json(view)))
}
