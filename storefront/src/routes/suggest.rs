//! `GET /api/v1/suggest`: autocomplete under the audience's age.
//!
//! Suggestions come from three sources, in this order, each typo-tolerant on folded text
//! (`engine::suggest::prefix_match`):
//!
//! 1. **popular queries**: searched (with results) by at least [`MIN_SESSIONS`] distinct
//!    sessions in the last [`POPULAR_WINDOW_DAYS`] days (`search_log`, filled by
//!    `GET /api/v1/search`), and only if a search for them under the same audience finds
//!    something;
//! 2. **categories** whose name starts with what was typed and that hold products the audience
//!    may see (the typed text's category facets, counted under the audience);
//! 3. **product titles** of the typed text's best hits (an ordinary search, so approved and
//!    age-admitted products only).
//!
//! Every suggestion's text then passes moderation's lexicon for the audience (screened like a
//! listing tagged for exactly that age): blocked or unsafe terms are never suggested, even when
//! many sessions searched them.

use crate::auth::{MaybeUser, Role};
use crate::commerce::screen_time;
use crate::routes::search::{CategoryRef, decode_pairs, parse_age_months};
use crate::{ApiError, AppState, run_blocking};
use axum::extract::{RawQuery, State};
use axum::routing::get;
use axum::{Json, Router};
use engine::suggest::prefix_match;
use engine::{Audience, Lang, SearchRequest};
use moderation::{Decision, ListingInput};
use serde::Serialize;
use std::collections::HashSet;
use utoipa::{IntoParams, ToSchema};

/// Distinct sessions after which a logged query may be suggested.
pub const MIN_SESSIONS: i64 = 3;
/// How far back the log counts, in days.
pub const POPULAR_WINDOW_DAYS: i64 = 90;
/// Longest accepted prefix, in characters.
pub const MAX_SUGGEST_CHARS: usize = 100;
/// Most suggestions per response.
pub const MAX_SUGGESTIONS: u32 = 20;
/// Popular queries read from the log per request (the most searched first).
const POPULAR_CANDIDATES: i64 = 500;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/suggest", get(suggest))
}

/// Query parameters of `GET /api/v1/suggest` (documentation; parsing is by hand).
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct SuggestQueryDoc {
    /// What the shopper has typed so far, 1–100 characters.
    q: String,
    /// The audience's age in months (0–216). Mandatory: nothing is suggested that would lead
    /// outside it.
    age_months: u16,
    /// Language of category names and titles: `uz` (default), `uz-Cyrl`, `ru`, `en`.
    lang: Option<String>,
    /// Most suggestions, 1–20 (default 8).
    limit: Option<u32>,
}

/// Where a suggestion comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SuggestionKind {
    /// A query other shoppers searched.
    Query,
    /// A category (search it with `category`).
    Category,
    /// A product (open it with `product_id`).
    Product,
}

/// One suggestion.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Suggestion {
    /// The text to show (and to search, for queries).
    pub text: String,
    /// Where it comes from.
    pub kind: SuggestionKind,
    /// The category, for category suggestions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<CategoryRef>,
    /// The product, for product suggestions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_id: Option<u64>,
}

/// The suggest response.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SuggestResponse {
    /// The text as received (trimmed).
    pub query: String,
    /// The audience's age in months.
    pub age_months: u16,
    /// Suggestions, best first.
    pub suggestions: Vec<Suggestion>,
    /// Set when a young audience's text was unsafe: no suggestions, a friendly message and
    /// safe categories (`code` is `unsafe_query`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub safety: Option<crate::query_safety::QuerySafety>,
}

/// Validated parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct SuggestParams {
    /// The typed text, trimmed.
    pub q: String,
    /// The audience's age.
    pub age_months: u16,
    /// Language of names.
    pub lang: Lang,
    /// Most suggestions.
    pub limit: u32,
}

impl SuggestParams {
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
        let q = get("q").unwrap_or_default().to_owned();
        if q.is_empty() {
            return Err(ApiError::bad_request("empty_query", "q must not be empty"));
        }
        if q.chars().count() > MAX_SUGGEST_CHARS {
            return Err(ApiError::bad_request(
                "query_too_long",
                format!("q must be at most {MAX_SUGGEST_CHARS} characters"),
            ));
        }
        let age_months = parse_age_months(get("age_months"))?;
        let lang = match get("lang") {
            None | Some("") => Lang::Uz,
            Some(tag) => Lang::parse(tag).ok_or_else(|| {
                ApiError::bad_request("invalid_lang", "lang must be uz, uz-Cyrl, ru or en")
            })?,
        };
        let limit = match get("limit") {
            None | Some("") => 8,
            Some(value) => value
                .parse::<u32>()
                .ok()
                .filter(|limit| (1..=MAX_SUGGESTIONS).contains(limit))
                .ok_or_else(|| {
                    ApiError::bad_request(
                        "invalid_limit",
                        format!("limit must be an integer from 1 to {MAX_SUGGESTIONS}"),
                    )
                })?,
        };
        Ok(Self {
            q,
            age_months,
            lang,
            limit,
        })
    }
}

/// Suggests completions of what a shopper is typing.
#[utoipa::path(
    get,
    path = "/api/v1/suggest",
    tag = "search",
    params(SuggestQueryDoc),
    responses(
        (status = 200, description = "Suggestions, best first; for a young audience's unsafe text (a child account, or age_months under 216), none and a `safety` object with code unsafe_query", body = SuggestResponse),
        (status = 400, description = "Invalid parameters (codes: empty_query, query_too_long, missing_age, invalid_age, invalid_lang, invalid_limit, invalid_utf8)", body = crate::error::ErrorBody),
    )
)]
pub async fn suggest(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    RawQuery(raw): RawQuery,
) -> Result<Json<SuggestResponse>, ApiError> {
    let params = SuggestParams::parse(raw.as_deref())?;
    // A child whose parent turned search off gets no suggestions either.
    let child_account = user.as_ref().is_some_and(|user| user.role == Role::Child);
    let mut child = None;
    // The parent's categories (with their subtrees) and approved items bound the suggestions
    // as they bound the child's search.
    let mut restrictions = None;
    if let Some(user) = user.filter(|user| user.role == Role::Child)
        && let Some((profile, controls)) = screen_time::search_rules(&state.0.db, user.id).await?
    {
        screen_time::check_search_allowed(&controls)?;
        child = Some(profile);
        restrictions = Some(std::sync::Arc::new(screen_time::restrictions(&controls)));
    }
    // A young audience's unsafe text gets no suggestions, a friendly message and safe
    // categories; a child's is recorded for the parent (one entry per typed phrase).
    let asker = crate::query_safety::Asker {
        child_account,
        age_months: params.age_months,
    };
    if let Some(verdict) = crate::query_safety::screen(&state.0.screening.rules, asker, &params.q) {
        if let Some(child) = child {
            let reason = crate::query_safety::log_reason(&verdict);
            crate::query_safety::record_suggestion_for_parent(
                &state.0.db,
                child,
                &params.q,
                &reason,
                state.0.auth.now(),
            )
            .await?;
        }
        let catalog = state.0.catalog();
        return Ok(Json(SuggestResponse {
            query: params.q,
            age_months: params.age_months,
            suggestions: Vec::new(),
            safety: Some(crate::query_safety::answer(&catalog, params.lang)),
        }));
    }
    let audience = Audience::new(i64::from(params.age_months))
        .map_err(|error| ApiError::bad_request("invalid_age", error.to_string()))?;
    let since = chrono::Utc::now().timestamp() - POPULAR_WINDOW_DAYS * 86_400;
    let popular =
        crate::db::search_log::popular(&state.0.db, MIN_SESSIONS, since, POPULAR_CANDIDATES)
            .await?;
    let catalog = state.0.catalog();
    let engine = state.0.engine.clone();
    let typed = params.q.clone();
    let lang = params.lang;
    let limit = params.limit as usize;
    let suggestions = run_blocking(move || -> Result<Vec<Suggestion>, ApiError> {
        let mut out: Vec<Suggestion> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        let mut push = |out: &mut Vec<Suggestion>, suggestion: Suggestion| {
            if out.len() < limit
                && passes_lexicon(&suggestion.text, audience)
                && seen.insert(engine::fold_text(&suggestion.text))
            {
                out.push(suggestion);
            }
        };

        // 1. Popular queries that complete the text and still find something for this audience.
        let mut queries: Vec<(engine::suggest::PrefixMatch, i64, &str)> = popular
            .iter()
            .filter_map(|row| {
                prefix_match(&typed, &row.query_text)
                    .filter(|found| found.word == 0)
                    .map(|found| (found, -row.sessions, row.query_text.as_str()))
            })
            .collect();
        queries.sort();
        for (_, _, text) in queries.into_iter().take(limit) {
            let mut request = SearchRequest::new(text);
            request.per_page = 1;
            request.restrictions = restrictions.clone();
            if engine.search(audience, &request)?.total > 0 {
                push(
                    &mut out,
                    Suggestion {
                        text: text.to_owned(),
                        kind: SuggestionKind::Query,
                        category: None,
                        product_id: None,
                    },
                );
            }
        }

        // 2 and 3. One search of the typed text: its category facets and its best hits.
        let mut request = SearchRequest::new(typed.clone());
        request.per_page = (limit as u32 * 2).min(engine::MAX_PER_PAGE);
        request.lang = lang;
        request.restrictions = restrictions.clone();
        let found = engine.search(audience, &request)?;
        let mut categories: Vec<(engine::suggest::PrefixMatch, i64, CategoryRef)> = found
            .facets
            .categories
            .iter()
            .filter(|facet| facet.count > 0)
            .filter_map(|facet| {
                let reference = catalog.category_ref(facet.id, lang);
                prefix_match(&typed, &reference.name)
                    .map(|found| (found, -(facet.count as i64), reference))
            })
            .collect();
        categories.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
        for (_, _, reference) in categories {
            push(
                &mut out,
                Suggestion {
                    text: reference.name.clone(),
                    kind: SuggestionKind::Category,
                    category: Some(reference),
                    product_id: None,
                },
            );
        }
        for hit in &found.hits {
            if prefix_match(&typed, &hit.title).is_some() {
                push(
                    &mut out,
                    Suggestion {
                        text: hit.title.clone(),
                        kind: SuggestionKind::Product,
                        category: None,
                        product_id: Some(hit.id.0),
                    },
                );
            }
        }
        Ok(out)
    })
    .await??;
    Ok(Json(SuggestResponse {
        query: params.q,
        age_months: params.age_months,
        suggestions,
        safety: None,
    }))
}

/// Returns whether moderation's rules approve `text` as if it were a listing for exactly the
/// audience's age (a term that would hold or reject such a listing is never suggested).
pub fn passes_lexicon(text: &str, audience: Audience) -> bool {
    let verdict = moderation::screen_listing(&ListingInput {
        texts: vec![text],
        category_slug: "",
        age_min_months: audience.age_months(),
        age_max_months: audience.age_months(),
        classifiers: Vec::new(),
    });
    verdict.decision == Decision::Approve
}

/// Logs a search that found products, for popular-query suggestions: `session_key` is an
/// opaque hash of the client (address and user agent), never the address itself. Runs in the
/// background; a failure is logged, never returned to the shopper.
pub fn log_search(
    state: &AppState,
    query: &str,
    age_months: u16,
    client: &crate::auth::ClientMeta,
) {
    let folded = engine::fold_text(query);
    if folded.is_empty() || query.chars().count() > engine::MAX_QUERY_CHARS {
        return;
    }
    let session_key = session_key(client);
    let db = state.0.db.clone();
    let text = query.to_owned();
    let now = chrono::Utc::now().timestamp();
    tokio::spawn(async move {
        if let Err(error) =
            crate::db::search_log::record(&db, &folded, &text, &session_key, age_months, now).await
        {
            tracing::warn!(%error, "could not log the search {text:?}");
        }
    });
}

/// Hashes what identifies a client into a 32-hex-digit key.
fn session_key(client: &crate::auth::ClientMeta) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(b"bolajon search log\0");
    hasher.update(client.ip_subject().as_bytes());
    hasher.update([0u8]);
    hasher.update(client.user_agent.as_deref().unwrap_or_default().as_bytes());
    hasher.finalize()[..16]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_validated() {
        let ok = SuggestParams::parse(Some("q=konst&age_months=60")).unwrap();
        assert_eq!(ok.q, "konst");
        assert_eq!(ok.limit, 8);
        let code = |raw: &str| SuggestParams::parse(Some(raw)).unwrap_err().code;
        assert_eq!(code("age_months=60"), "empty_query");
        assert_eq!(code("q=%20&age_months=60"), "empty_query");
        assert_eq!(code("q=a"), "missing_age");
        assert_eq!(code("q=a&age_months=217"), "invalid_age");
        assert_eq!(code("q=a&age_months=-1"), "invalid_age");
        assert_eq!(code("q=a&age_months=6&limit=0"), "invalid_limit");
        assert_eq!(code("q=a&age_months=6&limit=21"), "invalid_limit");
        assert_eq!(code("q=a&age_months=6&lang=fr"), "invalid_lang");
        assert_eq!(code("q=%FF&age_months=6"), "invalid_utf8");
        assert_eq!(
            code(&format!("q={}&age_months=6", "a".repeat(101))),
            "query_too_long"
        );
    }

    #[test]
    fn the_lexicon_blocks_unsafe_terms_and_passes_ordinary_ones() {
        let child = Audience::new(72).unwrap();
        assert!(passes_lexicon("lego konstruktor", child));
        assert!(passes_lexicon("кукла", child));
        for unsafe_term in ["elf bar vape", "кальян", "erotic novels", "пистолет боевой"]
        {
            assert!(
                !passes_lexicon(unsafe_term, child),
                "{unsafe_term} passes the lexicon"
            );
        }
    }
}
