//! `GET /api/v1/search`: lexical search under the audience's age, with filters and facets.

mod params;

pub use params::{SearchParams, decode_pairs};

use crate::catalog::CatalogMeta;
use crate::{ApiError, AppState, run_blocking};
use axum::extract::{RawQuery, State};
use axum::routing::get;
use axum::{Json, Router};
use engine::{Audience, Filters, SearchRequest};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/search", get(search))
}

/// Query parameters of `GET /api/v1/search` (documentation; parsing is in [`SearchParams`]).
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct SearchQueryDoc {
    /// The shopper's text, at most 200 characters; may be omitted when `category` is given.
    q: Option<String>,
    /// The audience's age in months (0–216). Mandatory: products whose age range does not
    /// include it are never returned.
    age_months: u16,
    /// Category slug or id; its whole subtree matches.
    category: Option<String>,
    /// Brand id.
    brand: Option<u64>,
    /// Seller id.
    seller: Option<u64>,
    /// Lowest price in tiyin (inclusive).
    price_min: Option<i64>,
    /// Highest price in tiyin (inclusive).
    price_max: Option<i64>,
    /// Only products with a variant in stock.
    in_stock: Option<bool>,
    /// Minimum average rating, 1–5.
    rating_min: Option<f32>,
    /// `relevance` (default), `price_asc`, `price_desc`, `newest`, `rating` or `popularity`.
    sort: Option<String>,
    /// 1-based page number (default 1).
    page: Option<u32>,
    /// Hits per page, 1–100 (default 20); `page * per_page` ≤ 10,000.
    per_page: Option<u32>,
    /// Language of titles: `uz` (default), `uz-Cyrl`, `ru`, `en`.
    lang: Option<String>,
    /// Wrap matched words of titles in `<mark>` (in `title_highlight`).
    highlight: Option<bool>,
}

/// A category reference in a hit or facet.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CategoryRef {
    /// Id.
    pub id: u64,
    /// Slug.
    pub slug: String,
    /// Name in the requested language.
    pub name: String,
}

/// One search hit.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchHit {
    /// Product id.
    pub id: u64,
    /// Title in the requested language (or a fallback).
    pub title: String,
    /// Title with matches in `<mark>`, HTML-escaped (when `highlight=true`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title_highlight: Option<String>,
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
    /// Relevance score (0 for other sorts).
    pub score: f32,
}

/// A category facet value.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CategoryFacet {
    /// Id.
    pub id: u64,
    /// Parent id.
    pub parent_id: Option<u64>,
    /// Slug.
    pub slug: String,
    /// Name in the requested language.
    pub name: String,
    /// Matching products in this category's subtree.
    pub count: u64,
}

/// A brand facet value.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BrandFacet {
    /// Id.
    pub id: u64,
    /// Name.
    pub name: String,
    /// Matching products.
    pub count: u64,
}

/// A price bucket.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PriceFacet {
    /// Lower bound in tiyin, inclusive.
    pub min: i64,
    /// Upper bound in tiyin, exclusive (`null`: no bound).
    pub max: Option<i64>,
    /// Matching products.
    pub count: u64,
}

/// Facet counts; each respects every active filter except its own.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchFacets {
    /// Per category (every level of the tree).
    pub categories: Vec<CategoryFacet>,
    /// Per brand.
    pub brands: Vec<BrandFacet>,
    /// Per price bucket.
    pub price_ranges: Vec<PriceFacet>,
    /// Matching products in stock.
    pub in_stock: u64,
}

/// The search response.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchResponse {
    /// The query as understood (trimmed).
    pub query: String,
    /// The audience's age in months.
    pub age_months: u16,
    /// Matching products across all pages.
    pub total: u64,
    /// Page number.
    pub page: u32,
    /// Page size.
    pub per_page: u32,
    /// This page's hits.
    pub hits: Vec<SearchHit>,
    /// Facet counts.
    pub facets: SearchFacets,
}

/// Searches the catalogue for an audience.
#[utoipa::path(
    get,
    path = "/api/v1/search",
    tag = "search",
    params(SearchQueryDoc),
    responses(
        (status = 200, description = "Matching products", body = SearchResponse),
        (status = 400, description = "Invalid parameters (codes: empty_query, query_too_long, missing_age, invalid_age, invalid_price, invalid_price_range, unknown_category, invalid_page, invalid_per_page, result_window_exceeded, invalid_sort, invalid_lang, invalid_rating, invalid_parameter, invalid_utf8)", body = crate::error::ErrorBody),
    )
)]
pub async fn search(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<SearchResponse>, ApiError> {
    let params = SearchParams::parse(raw.as_deref())?;
    Ok(Json(execute(&state, params).await?))
}

/// Runs a validated search (shared by the API and the HTML pages).
pub async fn execute(state: &AppState, params: SearchParams) -> Result<SearchResponse, ApiError> {
    let catalog = state.0.catalog();
    let audience = Audience::new(i64::from(params.age_months))
        .map_err(|error| ApiError::bad_request("invalid_age", error.to_string()))?;
    let category_id = match &params.category {
        None => None,
        Some(reference) => Some(
            catalog
                .resolve_category(reference)
                .ok_or_else(|| {
                    ApiError::bad_request(
                        "unknown_category",
                        format!("category {reference:?} does not exist"),
                    )
                })?
                .id as u64,
        ),
    };
    let request = SearchRequest {
        query: params.q.clone(),
        filters: Filters {
            category_id,
            brand_id: params.brand,
            seller_id: params.seller,
            price_min: params.price_min,
            price_max: params.price_max,
            in_stock: params.in_stock,
            rating_min: params.rating_min,
        },
        sort: params.sort,
        page: params.page,
        per_page: params.per_page,
        lang: params.lang,
        highlight: params.highlight,
    };
    let engine = state.0.engine.clone();
    let results = run_blocking(move || engine.search(audience, &request)).await??;
    Ok(shape_response(&catalog, &params, results))
}

fn shape_response(
    catalog: &CatalogMeta,
    params: &SearchParams,
    results: engine::SearchResults,
) -> SearchResponse {
    let lang = params.lang;
    let hits = results
        .hits
        .into_iter()
        .map(|hit| SearchHit {
            id: hit.id.0,
            title: hit.title,
            title_highlight: hit.title_highlight,
            price: hit.price,
            age_min_months: hit.age_min_months,
            age_max_months: hit.age_max_months,
            in_stock: hit.in_stock,
            rating: hit.rating,
            rating_count: hit.rating_count,
            brand: hit.brand,
            category: catalog.category_ref(hit.category_id, lang),
            seller_id: hit.seller_id,
            image_url: hit.image_url,
            score: hit.score,
        })
        .collect();
    let facets = results.facets;
    SearchResponse {
        query: params.q.clone(),
        age_months: params.age_months,
        total: results.total,
        page: params.page,
        per_page: params.per_page,
        hits,
        facets: SearchFacets {
            categories: facets
                .categories
                .into_iter()
                .map(|facet| {
                    let reference = catalog.category_ref(facet.id, lang);
                    CategoryFacet {
                        id: facet.id,
                        parent_id: catalog
                            .categories
                            .get(&facet.id)
                            .and_then(|row| row.parent_id)
                            .map(|id| id as u64),
                        slug: reference.slug,
                        name: reference.name,
                        count: facet.count,
                    }
                })
                .collect(),
            brands: facets
                .brands
                .into_iter()
                .map(|facet| BrandFacet {
                    id: facet.id,
                    name: catalog.brands.get(&facet.id).cloned().unwrap_or_default(),
                    count: facet.count,
                })
                .collect(),
            price_ranges: facets
                .price_ranges
                .into_iter()
                .map(|bucket| PriceFacet {
                    min: bucket.min,
                    max: bucket.max,
                    count: bucket.count,
                })
                .collect(),
            in_stock: facets.in_stock,
        },
    }
}
