//! `GET /api/v1/search`: lexical search under the audience's age, with filters and facets.

mod params;

pub use params::{SearchParams, decode_pairs, parse_age_months};

use crate::auth::{MaybeUser, Role};
use crate::catalog::CatalogMeta;
use crate::commerce::family::ChildSearchMode;
use crate::commerce::screen_time;
use crate::{ApiError, AppState, run_blocking};
use axum::extract::{RawQuery, State};
use axum::routing::get;
use axum::{Json, Router};
use engine::{Audience, Filters, SearchMode, SearchRequest};
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
    /// `lexical`, `semantic` or `hybrid`; default `hybrid` when the text embedder is loaded,
    /// else `lexical`. Without the embedder, `semantic` and `hybrid` fall back to `lexical`
    /// (the response's `mode` and `notice` say so).
    mode: Option<String>,
    /// Hybrid fusion: `rrf` (default) or `weighted`.
    fusion: Option<String>,
    /// RRF rank offset, 1–1000 (default 30, chosen by the relevance evaluation).
    rrf_k: Option<u32>,
    /// Weight of the vector side in `weighted` fusion, 0–1 (default 0.5).
    alpha: Option<f32>,
    /// Return each hit's score components in `explain`.
    explain: Option<bool>,
    /// Read age ("5 yoshli"), budget ("200 ming so'mgacha") and recipient out of the text and
    /// apply them as filters within the audience (default true).
    understand: Option<bool>,
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
    /// Score components (with `explain=true`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<ScoreExplain>,
}

/// Why a hit ranks where it does.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScoreExplain {
    /// Lexical score, when among the lexical candidates.
    pub lexical_score: Option<f32>,
    /// 1-based rank in the lexical list.
    pub lexical_rank: Option<u32>,
    /// Cosine similarity to the query, when among the vector candidates.
    pub vector_similarity: Option<f32>,
    /// 1-based rank in the vector list.
    pub vector_rank: Option<u32>,
    /// Fused score before boosts.
    pub fused: f64,
    /// Boost for being in stock.
    pub in_stock_boost: f64,
    /// Boost for the rating.
    pub rating_boost: f64,
    /// Boost for popularity.
    pub popularity_boost: f64,
    /// The score the hit is ranked by.
    pub final_score: f64,
}

/// What query understanding read out of the text.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Understood {
    /// The words searched for.
    pub text: String,
    /// Youngest age stated, in months.
    pub age_min_months: Option<u16>,
    /// Oldest age stated, in months.
    pub age_max_months: Option<u16>,
    /// Lowest price stated, in tiyin.
    pub price_min: Option<i64>,
    /// Highest price stated, in tiyin.
    pub price_max: Option<i64>,
    /// `girl` or `boy`, when named.
    pub recipient: Option<&'static str>,
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
    /// The mode that ran (`lexical`, `semantic` or `hybrid`; `none` when a blocked query ran
    /// no search).
    pub mode: &'static str,
    /// Set when the requested mode could not run: `semantic_unavailable` (no text embedder
    /// or no product vectors yet; the results are lexical).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<&'static str>,
    /// What query understanding read out of the text, when it found anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub understood: Option<Understood>,
    /// Set when a young audience's query was unsafe: no results are shown, a friendly
    /// message and safe categories are (`code` is `unsafe_query`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub safety: Option<crate::query_safety::QuerySafety>,
}

/// Searches the catalogue for an audience.
#[utoipa::path(
    get,
    path = "/api/v1/search",
    tag = "search",
    params(SearchQueryDoc),
    responses(
        (status = 200, description = "Matching products; for a young audience's unsafe query (a child account, or age_months under 216), no products and a `safety` object with code unsafe_query, a friendly message and safe categories", body = SearchResponse),
        (status = 400, description = "Invalid parameters (codes: empty_query, query_too_long, missing_age, invalid_age, invalid_price, invalid_price_range, unknown_category, invalid_page, invalid_per_page, result_window_exceeded, invalid_sort, invalid_lang, invalid_rating, invalid_mode, invalid_fusion, invalid_rrf_k, invalid_alpha, invalid_parameter, invalid_utf8)", body = crate::error::ErrorBody),
        (status = 403, description = "A child's search refused by the parental controls: search_disabled (search mode off), bedtime, screen_time_exhausted", body = crate::error::ErrorBody),
    )
)]
pub async fn search(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    client: crate::auth::ClientMeta,
    RawQuery(raw): RawQuery,
) -> Result<Json<SearchResponse>, ApiError> {
    let params = SearchParams::parse(raw.as_deref())?;
    search_as(&state, user.as_ref(), &client, params)
        .await
        .map(Json)
}

/// Searches for `user` (a guest when `None`) as the API does, for the API and the web page
/// alike: a child's parental controls, kids' query screening (a young audience's unsafe query
/// gets no results and the `safety` answer; a child's is logged for the parent), and a
/// guest's or grown-up's successful searches feeding autocomplete.
pub async fn search_as(
    state: &AppState,
    user: Option<&crate::auth::CurrentUser>,
    client: &crate::auth::ClientMeta,
    params: SearchParams,
) -> Result<SearchResponse, ApiError> {
    let state = state.clone();
    // A child's search follows the parent's search mode and is logged for the parent.
    let rules = match &user {
        Some(user) if user.role == Role::Child => {
            screen_time::search_rules(&state.0.db, user.id).await?
        }
        _ => None,
    };
    let asker = crate::query_safety::Asker {
        child_account: rules.is_some()
            || user.as_ref().is_some_and(|user| user.role == Role::Child),
        age_months: params.age_months,
    };
    let Some((child, controls)) = rules else {
        if crate::query_safety::screen(&state.0.screening.rules, asker, &params.q).is_some() {
            return Ok(blocked_response(&state, &params));
        }
        let response = execute(&state, params).await?;
        // A first page that found something feeds autocomplete's popular queries (children's
        // searches are kept for their parent only, never for everyone's suggestions).
        if response.page == 1 && response.total > 0 && !response.query.is_empty() {
            crate::routes::suggest::log_search(
                &state,
                &response.query,
                response.age_months,
                client,
            );
        }
        return Ok(response);
    };
    let now = state.0.auth.now();
    if let Err(refused) = screen_time::check_search_allowed(&controls) {
        screen_time::log_search(&state.0.db, child, &params.q, Some("search_off"), now).await?;
        return Err(refused.into());
    }
    if let Some(verdict) = crate::query_safety::screen(&state.0.screening.rules, asker, &params.q) {
        let reason = crate::query_safety::log_reason(&verdict);
        screen_time::log_search(&state.0.db, child, &params.q, Some(reason.as_str()), now).await?;
        return Ok(blocked_response(&state, &params));
    }
    screen_time::log_search(&state.0.db, child, &params.q, None, now).await?;
    // The parent's categories (each with its whole subtree) and approved items are applied by
    // the engine with the audience, so pages, totals and facets only ever hold what the child
    // may see.
    let restrictions = std::sync::Arc::new(screen_time::restrictions(&controls));
    let mut response = execute_restricted(&state, params, Some(restrictions)).await?;
    if controls.search_mode == ChildSearchMode::ApprovedItemsOnly {
        // Facets would hint at the rest of the catalogue: not disclosed.
        response.facets.categories.clear();
        response.facets.brands.clear();
        response.facets.price_ranges.clear();
        response.facets.in_stock = 0;
    }
    Ok(response)
}

/// The answer to a blocked query: no hits, no facets, the safety message and categories.
fn blocked_response(state: &AppState, params: &SearchParams) -> SearchResponse {
    let catalog = state.0.catalog();
    SearchResponse {
        query: params.q.clone(),
        age_months: params.age_months,
        total: 0,
        page: params.page,
        per_page: params.per_page,
        hits: Vec::new(),
        facets: SearchFacets {
            categories: Vec::new(),
            brands: Vec::new(),
            price_ranges: Vec::new(),
            in_stock: 0,
        },
        mode: "none",
        notice: None,
        understood: None,
        safety: Some(crate::query_safety::answer(&catalog, params.lang)),
    }
}

/// Runs a validated search (shared by the API and the HTML pages).
pub async fn execute(state: &AppState, params: SearchParams) -> Result<SearchResponse, ApiError> {
    execute_restricted(state, params, None).await
}

/// Runs a validated search under a child's parental `restrictions`, if any.
pub async fn execute_restricted(
    state: &AppState,
    params: SearchParams,
    restrictions: Option<std::sync::Arc<engine::Restrictions>>,
) -> Result<SearchResponse, ApiError> {
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
        fusion: params.fusion,
        explain: params.explain,
        understand: params.understand,
        restrictions,
        ..SearchRequest::new(String::new())
    };
    let (mode, embedder, notice) = choose_mode(state, &params);
    let mut request = request;
    request.mode = mode;
    if embedder.is_some() {
        // Through the hub's batcher: concurrent searches share one forward pass.
        let vector = state
            .0
            .models
            .embed_query(&request.query)
            .await
            .map(|result| result.map_err(|error| engine::Error::InvalidRequest(error.to_string())))
            .transpose()?;
        request.query_vector = vector;
    }
    let engine = state.0.engine.clone();
    let results = run_blocking(move || engine.search(audience, &request)).await??;
    Ok(shape_response(&catalog, &params, results, mode, notice))
}

/// Picks the mode that runs and the embedder it needs: the requested one (default hybrid)
/// when the text embedder is loaded and the index holds vectors, else lexical with a notice
/// (a requested semantic or hybrid search) or silently (the default).
fn choose_mode(
    state: &AppState,
    params: &SearchParams,
) -> (
    SearchMode,
    Option<std::sync::Arc<dyn models::Embedder>>,
    Option<&'static str>,
) {
    let wanted = params.mode.unwrap_or(SearchMode::Hybrid);
    if !wanted.needs_vector() || params.q.is_empty() {
        return (SearchMode::Lexical, None, None);
    }
    let embedder = state
        .0
        .models
        .embedder()
        .filter(|_| state.0.engine.vector_status().vectors > 0);
    match embedder {
        Some(embedder) => (wanted, Some(embedder), None),
        None if params.mode.is_some() => (SearchMode::Lexical, None, Some("semantic_unavailable")),
        None => (SearchMode::Lexical, None, None),
    }
}

fn shape_response(
    catalog: &CatalogMeta,
    params: &SearchParams,
    results: engine::SearchResults,
    mode: SearchMode,
    notice: Option<&'static str>,
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
            explain: hit.explain.map(|e| ScoreExplain {
                lexical_score: e.lexical_score,
                lexical_rank: e.lexical_rank,
                vector_similarity: e.vector_similarity,
                vector_rank: e.vector_rank,
                fused: e.fused,
                in_stock_boost: e.in_stock_boost,
                rating_boost: e.rating_boost,
                popularity_boost: e.popularity_boost,
                final_score: e.final_score,
            }),
        })
        .collect();
    let understood = results
        .understood
        .filter(|intent| {
            intent.age_months.is_some()
                || intent.price_min_tiyin.is_some()
                || intent.price_max_tiyin.is_some()
                || intent.recipient.is_some()
        })
        .map(|intent| Understood {
            text: intent.text,
            age_min_months: intent.age_months.map(|(min, _)| min),
            age_max_months: intent.age_months.map(|(_, max)| max),
            price_min: intent.price_min_tiyin,
            price_max: intent.price_max_tiyin,
            recipient: intent.recipient.map(|recipient| match recipient {
                engine::Recipient::Girl => "girl",
                engine::Recipient::Boy => "boy",
            }),
        });
    let facets = results.facets;
    SearchResponse {
        query: params.q.clone(),
        age_months: params.age_months,
        total: results.total,
        page: params.page,
        per_page: params.per_page,
        hits,
        mode: mode.name(),
        notice,
        understood,
        safety: None,
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
