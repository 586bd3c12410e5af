//! `GET /api/v1/recommendations/…`: similar items, frequently bought together, trending and
//! "for you", each under the audience's age (and a child's parental controls). See
//! `crate::recommendations` for the signals and `engine::recommend` for the scoring.

use crate::auth::{CurrentUser, MaybeUser};
use crate::recommendations::{self, Asker};
use crate::routes::products::parse_product_id;
use crate::routes::search::{CategoryRef, decode_pairs, parse_age_months};
use crate::{ApiError, AppState};
use axum::extract::{Path, RawQuery, State};
use axum::routing::get;
use axum::{Json, Router};
use engine::{Audience, Lang, MAX_RECOMMENDATIONS, ProductId, RecommendKind, Recommendations};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

/// Recommendations per response unless `limit` says otherwise.
pub const DEFAULT_LIMIT: usize = 10;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/recommendations/similar/{id}",
            get(recommend_similar),
        )
        .route(
            "/api/v1/recommendations/bought-together/{id}",
            get(recommend_bought_together),
        )
        .route("/api/v1/recommendations/trending", get(recommend_trending))
        .route("/api/v1/recommendations/for-you", get(recommend_for_you))
}

/// Query parameters of every recommendation route (documentation; parsing is by hand).
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct RecommendQueryDoc {
    /// The audience's age in months (0–216). Mandatory: products whose age range does not
    /// include it are never recommended.
    age_months: u16,
    /// Most recommendations, 1–50 (default 10).
    limit: Option<u32>,
    /// Language of titles: `uz` (default), `uz-Cyrl`, `ru`, `en`.
    lang: Option<String>,
}

/// Validated query parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecommendParams {
    /// The audience's age in months.
    pub age_months: u16,
    /// Most recommendations.
    pub limit: usize,
    /// Language of titles.
    pub lang: Lang,
}

impl RecommendParams {
    /// Parses and validates a raw query string.
    pub fn parse(raw: Option<&str>) -> Result<Self, ApiError> {
        let pairs = decode_pairs(raw.unwrap_or_default())?;
        let get = |name: &str| {
            pairs
                .iter()
                .rev()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.trim())
        };
        let age_months = parse_age_months(get("age_months"))?;
        let limit = match get("limit") {
            None | Some("") => DEFAULT_LIMIT,
            Some(value) => value
                .parse::<usize>()
                .ok()
                .filter(|limit| (1..=MAX_RECOMMENDATIONS).contains(limit))
                .ok_or_else(|| {
                    ApiError::bad_request(
                        "invalid_limit",
                        format!("limit must be an integer from 1 to {MAX_RECOMMENDATIONS}"),
                    )
                })?,
        };
        let lang = match get("lang") {
            None | Some("") => Lang::Uz,
            Some(tag) => Lang::parse(tag).ok_or_else(|| {
                ApiError::bad_request("invalid_lang", "lang must be uz, uz-Cyrl, ru or en")
            })?,
        };
        Ok(Self {
            age_months,
            limit,
            lang,
        })
    }

    fn audience(&self) -> Result<Audience, ApiError> {
        Audience::new(i64::from(self.age_months))
            .map_err(|error| ApiError::bad_request("invalid_age", error.to_string()))
    }
}

/// One recommended product.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecommendedProduct {
    /// Product id.
    pub id: u64,
    /// Title in the requested language (or a fallback).
    pub title: String,
    /// Lowest variant price in tiyin.
    pub price: i64,
    /// Youngest age in months.
    pub age_min_months: u16,
    /// Oldest age in months.
    pub age_max_months: u16,
    /// Any variant in stock.
    pub in_stock: bool,
    /// Average rating (0 when unrated).
    pub rating: f32,
    /// Number of ratings.
    pub rating_count: u32,
    /// Brand name.
    pub brand: String,
    /// Leaf category.
    pub category: CategoryRef,
    /// Seller id.
    pub seller_id: u64,
    /// First image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// Recommendation score (higher is better; comparable within one response only).
    pub score: f32,
    /// The strongest reason: `content`, `co_viewed`, `bought_together` or `trending`.
    pub reason: &'static str,
}

/// A list of recommendations.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecommendationsResponse {
    /// `similar`, `bought_together`, `trending` or `for_you`.
    pub kind: &'static str,
    /// The audience's age in months.
    pub age_months: u16,
    /// Whether there was no behaviour (views, orders) or history to go on: the list is
    /// content neighbours or trending products.
    pub cold_start: bool,
    /// Best first.
    pub products: Vec<RecommendedProduct>,
}

/// Shapes the engine's answer into the response.
pub fn shape(
    state: &AppState,
    kind: &'static str,
    params: &RecommendParams,
    found: Recommendations,
) -> RecommendationsResponse {
    let catalog = state.0.catalog();
    RecommendationsResponse {
        kind,
        age_months: params.age_months,
        cold_start: found.cold_start,
        products: found
            .items
            .into_iter()
            .map(|item| {
                let hit = item.hit;
                RecommendedProduct {
                    id: hit.id.0,
                    title: hit.title,
                    price: hit.price,
                    age_min_months: hit.age_min_months,
                    age_max_months: hit.age_max_months,
                    in_stock: hit.in_stock,
                    rating: hit.rating,
                    rating_count: hit.rating_count,
                    brand: hit.brand,
                    category: catalog.category_ref(hit.category_id, params.lang),
                    seller_id: hit.seller_id,
                    image_url: hit.image_url,
                    score: hit.score,
                    reason: item.reason.name(),
                }
            })
            .collect(),
    }
}

async fn respond(
    state: &AppState,
    user: Option<&CurrentUser>,
    params: RecommendParams,
    kind: RecommendKind,
) -> Result<Json<RecommendationsResponse>, ApiError> {
    let name = kind.name();
    let asker = Asker {
        user,
        audience: params.audience()?,
    };
    let found = recommendations::recommend(state, asker, kind, params.limit, params.lang).await?;
    Ok(Json(shape(state, name, &params, found)))
}

/// Products like this one: content neighbours (text embeddings when the models are loaded,
/// else category, brand, price and age) blended with what the same shoppers viewed.
#[utoipa::path(
    get,
    path = "/api/v1/recommendations/similar/{id}",
    tag = "recommendations",
    params(("id" = u64, Path, description = "Product id"), RecommendQueryDoc),
    responses(
        (status = 200, description = "Similar products, best first", body = RecommendationsResponse),
        (status = 400, description = "Invalid parameters (codes: invalid_product_id, missing_age, invalid_age, invalid_limit, invalid_lang, invalid_utf8)", body = crate::error::ErrorBody),
        (status = 403, description = "A child whose parent turned search off (search_disabled)", body = crate::error::ErrorBody),
        (status = 404, description = "No such approved product for this audience (product_not_found)", body = crate::error::ErrorBody),
    )
)]
pub async fn recommend_similar(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<RecommendationsResponse>, ApiError> {
    let id = parse_product_id(&id)?;
    let params = RecommendParams::parse(raw.as_deref())?;
    respond(
        &state,
        user.as_ref(),
        params,
        RecommendKind::Similar(ProductId(id)),
    )
    .await
}

/// Products bought in the same orders as this one (co-purchases, normalised so that products
/// bought with everything do not dominate), filled up with trending products.
#[utoipa::path(
    get,
    path = "/api/v1/recommendations/bought-together/{id}",
    tag = "recommendations",
    params(("id" = u64, Path, description = "Product id"), RecommendQueryDoc),
    responses(
        (status = 200, description = "Products bought together, best first", body = RecommendationsResponse),
        (status = 400, description = "Invalid parameters (codes: invalid_product_id, missing_age, invalid_age, invalid_limit, invalid_lang, invalid_utf8)", body = crate::error::ErrorBody),
        (status = 403, description = "A child whose parent turned search off (search_disabled)", body = crate::error::ErrorBody),
    )
)]
pub async fn recommend_bought_together(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<RecommendationsResponse>, ApiError> {
    let id = parse_product_id(&id)?;
    let params = RecommendParams::parse(raw.as_deref())?;
    respond(
        &state,
        user.as_ref(),
        params,
        RecommendKind::BoughtTogether(vec![ProductId(id)]),
    )
    .await
}

/// What is popular now for this audience: views and purchases decayed by age (half-life
/// `BOLAJON_RECS_HALF_LIFE_HOURS`), then units sold.
#[utoipa::path(
    get,
    path = "/api/v1/recommendations/trending",
    tag = "recommendations",
    params(RecommendQueryDoc),
    responses(
        (status = 200, description = "Trending products, best first", body = RecommendationsResponse),
        (status = 400, description = "Invalid parameters (codes: missing_age, invalid_age, invalid_limit, invalid_lang, invalid_utf8)", body = crate::error::ErrorBody),
        (status = 403, description = "A child whose parent turned search off (search_disabled)", body = crate::error::ErrorBody),
    )
)]
pub async fn recommend_trending(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    RawQuery(raw): RawQuery,
) -> Result<Json<RecommendationsResponse>, ApiError> {
    let params = RecommendParams::parse(raw.as_deref())?;
    respond(&state, user.as_ref(), params, RecommendKind::Trending).await
}

/// From the caller's own history (recently viewed, wishlist, purchases): what the same
/// shoppers viewed and bought, and content neighbours; already bought products are left out.
/// With no history yet: trending (`cold_start`).
#[utoipa::path(
    get,
    path = "/api/v1/recommendations/for-you",
    tag = "recommendations",
    security(("bearer" = []), ("cookie" = [])),
    params(RecommendQueryDoc),
    responses(
        (status = 200, description = "Recommendations for the caller, best first", body = RecommendationsResponse),
        (status = 400, description = "Invalid parameters (codes: missing_age, invalid_age, invalid_limit, invalid_lang, invalid_utf8)", body = crate::error::ErrorBody),
        (status = 401, description = "Not signed in (unauthenticated)", body = crate::error::ErrorBody),
        (status = 403, description = "A child whose parent turned search off (search_disabled)", body = crate::error::ErrorBody),
    )
)]
pub async fn recommend_for_you(
    State(state): State<AppState>,
    user: CurrentUser,
    RawQuery(raw): RawQuery,
) -> Result<Json<RecommendationsResponse>, ApiError> {
    let params = RecommendParams::parse(raw.as_deref())?;
    // The caller's own history only: there is no id to ask about anyone else's.
    let history = recommendations::history_of(&state.0.db, user.id).await?;
    respond(&state, Some(&user), params, RecommendKind::ForYou(history)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_validated() {
        let ok = RecommendParams::parse(Some("age_months=60")).unwrap();
        assert_eq!((ok.age_months, ok.limit, ok.lang), (60, 10, Lang::Uz));
        let ok = RecommendParams::parse(Some("age_months=0&limit=50&lang=ru")).unwrap();
        assert_eq!((ok.limit, ok.lang), (50, Lang::Ru));
        let code = |raw: &str| RecommendParams::parse(Some(raw)).unwrap_err().code;
        assert_eq!(code(""), "missing_age");
        assert_eq!(code("age_months="), "missing_age");
        assert_eq!(code("age_months=217"), "invalid_age");
        assert_eq!(code("age_months=-1"), "invalid_age");
        assert_eq!(code("age_months=abc"), "invalid_age");
        assert_eq!(code("age_months=6&limit=0"), "invalid_limit");
        assert_eq!(code("age_months=6&limit=51"), "invalid_limit");
        assert_eq!(code("age_months=6&limit=1e9"), "invalid_limit");
        assert_eq!(code("age_months=6&lang=fr"), "invalid_lang");
        assert_eq!(code("age_months=%FF"), "invalid_utf8");
    }
}
