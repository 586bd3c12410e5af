//! Featured products: admin-curated (`PUT/DELETE /api/v1/admin/featured/{product_id}`) and
//! seller-promoted (`POST /api/v1/seller/products/{id}/promote`, own approved products, at
//! most [`PROMOTE_LIMIT`]); the public `GET /api/v1/featured?age_months=` joins products on
//! every read and returns only approved products whose age range holds the audience's age,
//! admin-curated first.

use crate::auth::{ClientMeta, CurrentUser, audit};
use crate::db::accounts::UserId;
use crate::db::{Db, DbResult, dispatch};
use crate::listings;
use crate::routes::search::decode_pairs;
use crate::routes::seller::parse_product_id;
use crate::{ApiError, AppState};
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

/// How many of its products a seller may promote at once.
pub const PROMOTE_LIMIT: i64 = 3;
/// The oldest audience age (months).
const MAX_AGE_MONTHS: i64 = 216;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/featured", get(featured))
        .route(
            "/api/v1/admin/featured/{product_id}",
            put(admin_feature).delete(admin_unfeature),
        )
        .route("/api/v1/seller/products/{id}/promote", post(promote))
}

/// A featured product.
#[derive(Debug, Clone, Serialize, ToSchema, sqlx::FromRow)]
pub struct FeaturedProduct {
    /// Product id.
    pub product_id: i64,
    /// First title (uz, ru, en, uz-Cyrl).
    pub title: String,
    /// `admin` (curated) or `seller` (promoted).
    pub source: String,
    /// Youngest age (months).
    pub age_min_months: i64,
    /// Oldest age (months).
    pub age_max_months: i64,
}

/// The featured list.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeaturedList {
    /// Admin-curated first, then promoted; oldest first within each.
    pub products: Vec<FeaturedProduct>,
}

impl Db {
    /// Approved featured products whose age range holds `age_months`.
    ///
    /// `CROSS JOIN` makes SQLite walk the few featured rows and look each product up; with a
    /// plain join it scanned every approved product through the status index (50 ms on the
    /// 100k catalogue). PostgreSQL plans it as the inner join it is.
    pub async fn featured_for_age(&self, age_months: i64) -> DbResult<Vec<FeaturedProduct>> {
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_as::<_, FeaturedProduct>(
                "SELECT p.id AS product_id, \
                 COALESCE(p.title_uz, p.title_ru, p.title_en, p.title_uz_cyrl, '') AS title, \
                 f.source, CAST(p.age_min_months AS BIGINT) AS age_min_months, \
                 CAST(p.age_max_months AS BIGINT) AS age_max_months \
                 FROM featured_products f CROSS JOIN products p \
                 WHERE p.id = f.product_id AND p.status = 'approved' AND p.age_min_months <= $1 \
                 AND p.age_max_months >= $1 \
                 ORDER BY CASE f.source WHEN 'admin' THEN 0 ELSE 1 END, f.created_at, p.id",
            )
            .bind(age_months)
            .fetch_all(pool)
            .await?
        }))
    }

    /// The seller and status of a product.
    pub async fn product_owner_status(&self, id: i64) -> DbResult<Option<(i64, String)>> {
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_as::<_, (i64, String)>(
                "SELECT seller_id, status FROM products WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?
        }))
    }

    /// Features a product (an admin's curation overrides a seller's promotion).
    pub async fn feature_product(
        &self,
        id: i64,
        seller_id: i64,
        source: &str,
        by: UserId,
        now: DateTime<Utc>,
    ) -> DbResult<()> {
        dispatch!(self, |pool, _d| {
            sqlx::query(
                "INSERT INTO featured_products (product_id, source, seller_id, created_by, \
                 created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (product_id) DO UPDATE \
                 SET source = CASE WHEN featured_products.source = 'admin' THEN 'admin' \
                 ELSE excluded.source END",
            )
            .bind(id)
            .bind(source)
            .bind(seller_id)
            .bind(by.0)
            .bind(now)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Removes a product from the featured list; whether it was there.
    pub async fn unfeature_product(&self, id: i64) -> DbResult<bool> {
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query("DELETE FROM featured_products WHERE product_id = $1")
                .bind(id)
                .execute(pool)
                .await?
                .rows_affected()
                > 0
        }))
    }

    /// Whether a product is featured, and how many products a seller has promoted.
    pub async fn promotion_state(&self, id: i64, seller_id: i64) -> DbResult<(bool, i64)> {
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_as::<_, (i64, i64)>(
                "SELECT CAST((SELECT COUNT(*) FROM featured_products WHERE product_id = $1) \
                 AS BIGINT), CAST((SELECT COUNT(*) FROM featured_products WHERE seller_id = $2 \
                 AND source = 'seller') AS BIGINT)",
            )
            .bind(id)
            .bind(seller_id)
            .fetch_one(pool)
            .await
            .map(|(featured, promoted)| (featured > 0, promoted))?
        }))
    }
}

fn not_found(id: i64) -> ApiError {
    ApiError::not_found("product_not_found", format!("product {id} does not exist"))
}

/// Approved featured products for an audience of `age_months`.
#[utoipa::path(
    get,
    path = "/api/v1/featured",
    tag = "catalog",
    params(("age_months" = i64, Query, description = "The audience's age in months, 0 to 216")),
    responses(
        (status = 200, description = "Approved featured products inside the age, admin-curated first", body = FeaturedList),
        (status = 400, description = "invalid_age (missing or out of range), invalid_query", body = crate::error::ErrorBody),
    )
)]
pub async fn featured(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Json<FeaturedList>, ApiError> {
    let mut age = None;
    for (key, value) in decode_pairs(query.as_deref().unwrap_or_default())? {
        match key.as_str() {
            "age_months" if age.is_none() => {
                age = Some(
                    value
                        .parse::<i64>()
                        .ok()
                        .filter(|age| (0..=MAX_AGE_MONTHS).contains(age))
                        .ok_or_else(invalid_age)?,
                );
            }
            _ => {
                return Err(ApiError::bad_request(
                    "invalid_query",
                    format!("unknown or repeated query parameter {key}"),
                ));
            }
        }
    }
    let age = age.ok_or_else(invalid_age)?;
    let products = state.0.db.featured_for_age(age).await?;
    Ok(Json(FeaturedList { products }))
}

fn invalid_age() -> ApiError {
    ApiError::bad_request(
        "invalid_age",
        format!("age_months is required, an integer from 0 to {MAX_AGE_MONTHS}"),
    )
}

/// Features a product (admin only, audited).
#[utoipa::path(
    put,
    path = "/api/v1/admin/featured/{product_id}",
    tag = "admin",
    security(("bearer" = []), ("cookie" = [])),
    params(("product_id" = i64, Path, description = "Product id")),
    responses(
        (status = 204, description = "Featured (shown only while approved and inside the audience's age)"),
        (status = 400, description = "invalid_product_id", body = crate::error::ErrorBody),
        (status = 404, description = "product_not_found", body = crate::error::ErrorBody),
    )
)]
pub async fn admin_feature(
    user: CurrentUser,
    State(state): State<AppState>,
    meta: ClientMeta,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = parse_product_id(&id)?;
    let (seller, _) = state
        .0
        .db
        .product_owner_status(id)
        .await?
        .ok_or_else(|| not_found(id))?;
    let now = state.0.auth.now();
    state
        .0
        .db
        .feature_product(id, seller, "admin", user.id, now)
        .await?;
    audit(
        &state,
        &meta,
        Some(user.id),
        "featured_added",
        None,
        json!({ "product": id }),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a product from the featured list (admin only, audited).
#[utoipa::path(
    delete,
    path = "/api/v1/admin/featured/{product_id}",
    tag = "admin",
    security(("bearer" = []), ("cookie" = [])),
    params(("product_id" = i64, Path, description = "Product id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 400, description = "invalid_product_id", body = crate::error::ErrorBody),
        (status = 404, description = "Not featured (featured_not_found)", body = crate::error::ErrorBody),
    )
)]
pub async fn admin_unfeature(
    user: CurrentUser,
    State(state): State<AppState>,
    meta: ClientMeta,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = parse_product_id(&id)?;
    if !state.0.db.unfeature_product(id).await? {
        return Err(ApiError::not_found(
            "featured_not_found",
            format!("product {id} is not featured"),
        ));
    }
    audit(
        &state,
        &meta,
        Some(user.id),
        "featured_removed",
        None,
        json!({ "product": id }),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Promotes one of the seller's approved products to the featured list.
#[utoipa::path(
    post,
    path = "/api/v1/seller/products/{id}/promote",
    tag = "seller",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "Product id")),
    responses(
        (status = 204, description = "Promoted (or already featured)"),
        (status = 400, description = "invalid_product_id", body = crate::error::ErrorBody),
        (status = 404, description = "No such product of this seller (product_not_found)", body = crate::error::ErrorBody),
        (status = 409, description = "not_approved, promote_limit (at most 3 promoted products)", body = crate::error::ErrorBody),
    )
)]
pub async fn promote(
    user: CurrentUser,
    State(state): State<AppState>,
    meta: ClientMeta,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let seller = listings::seller_of(&user)?;
    let id = parse_product_id(&id)?;
    let db = &state.0.db;
    let (owner, status) = db
        .product_owner_status(id)
        .await?
        .filter(|(owner, _)| *owner == seller)
        .ok_or_else(|| not_found(id))?;
    if status != "approved" {
        return Err(ApiError::conflict(
            "not_approved",
            format!("product {id} is not approved"),
        ));
    }
    let (featured, promoted) = db.promotion_state(id, owner).await?;
    if featured {
        return Ok(StatusCode::NO_CONTENT);
    }
    if promoted >= PROMOTE_LIMIT {
        return Err(ApiError::conflict(
            "promote_limit",
            format!("at most {PROMOTE_LIMIT} products may be promoted at once"),
        ));
    }
    db.feature_product(id, owner, "seller", user.id, state.0.auth.now())
        .await?;
    audit(
        &state,
        &meta,
        Some(user.id),
        "product_promoted",
        None,
        json!({ "product": id, "seller": owner }),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
