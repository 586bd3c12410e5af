//! Search requests, results and query execution.

use crate::collector::{Collected, FilterSpec, RankedDoc, SearchCollector, read_dense};
use crate::doc::{Lang, Localized, ProductId};
use crate::facts::FactsCache;
use crate::fusion::{Fusion, HitExplain, HybridParams, SearchMode};
use crate::highlight::highlight_title;
use crate::query::{AnalyzedQuery, analyze_query};
use crate::schema::{Fields, fast};
use crate::understand::{QueryIntent, understand};
use crate::vector::VectorIndex;
use crate::{Error, Result};
use moderation::Audience;
use serde::Serialize;
use std::borrow::Cow;
use std::sync::Arc;
use tantivy::columnar::ColumnValues;
use tantivy::schema::Value;
use tantivy::{Searcher, TantivyDocument};

/// Longest accepted query, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// Largest page size.
pub const MAX_PER_PAGE: u32 = 100;
/// Deepest reachable result: `page * per_page` may not exceed this.
pub const MAX_RESULT_WINDOW: u32 = 10_000;

/// Result order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Best match first (ties: popularity).
    #[default]
    Relevance,
    /// Cheapest first.
    PriceAsc,
    /// Most expensive first.
    PriceDesc,
    /// Newest first.
    Newest,
    /// Best rated first.
    Rating,
    /// Most popular first.
    Popularity,
}

impl Sort {
    /// Every order, in documentation order.
    pub const ALL: [Sort; 6] = [
        Sort::Relevance,
        Sort::PriceAsc,
        Sort::PriceDesc,
        Sort::Newest,
        Sort::Rating,
        Sort::Popularity,
    ];

    /// Returns the stable API name (`relevance`, `price_asc`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Self::Relevance => "relevance",
            Self::PriceAsc => "price_asc",
            Self::PriceDesc => "price_desc",
            Self::Newest => "newest",
            Self::Rating => "rating",
            Self::Popularity => "popularity",
        }
    }

    /// Parses a name produced by [`Sort::name`].
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|sort| sort.name() == name)
    }
}

/// Filters on top of the mandatory audience filter. `None`/`false` means "no filter".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filters {
    /// Only this category and its descendants.
    pub category_id: Option<u64>,
    /// Only this brand.
    pub brand_id: Option<u64>,
    /// Only this seller.
    pub seller_id: Option<u64>,
    /// Lowest price, in tiyin, inclusive.
    pub price_min: Option<i64>,
    /// Highest price, in tiyin, inclusive.
    pub price_max: Option<i64>,
    /// Only products with a variant in stock.
    pub in_stock: bool,
    /// Only products rated at least this (1.0..=5.0).
    pub rating_min: Option<f32>,
}

/// A search request. An empty `query` browses (match all) within the filters.
///
/// [`SearchMode::Semantic`] and [`SearchMode::Hybrid`] need `query_vector`: the caller embeds
/// the query with the same model as the products' passages. A hybrid request with no text
/// (after understanding) ranks by the vector alone, like a semantic one.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchRequest {
    /// The shopper's text.
    pub query: String,
    /// Filters.
    pub filters: Filters,
    /// Order.
    pub sort: Sort,
    /// 1-based page number.
    pub page: u32,
    /// Hits per page, `1..=MAX_PER_PAGE`.
    pub per_page: u32,
    /// Language form for titles in hits.
    pub lang: Lang,
    /// Whether to compute highlighted titles.
    pub highlight: bool,
    /// How results are retrieved.
    pub mode: SearchMode,
    /// The embedded query, for semantic and hybrid modes (ignored in lexical mode). Any length
    /// matching the index's vectors; normalised by the engine.
    pub query_vector: Option<Vec<f32>>,
    /// How a hybrid search fuses its two lists.
    pub fusion: Fusion,
    /// Whether hits carry an [`HitExplain`].
    pub explain: bool,
    /// Whether to read age, budget and recipient out of the query (see [`understand`]): an
    /// age range narrows the audience's products to those whose range overlaps it, a budget is
    /// intersected with the price filter (an empty intersection gives an empty result), the
    /// rest of the words are searched. What was understood comes back in
    /// [`SearchResults::understood`].
    pub understand: bool,
    /// A child's parental restrictions, applied with the audience to every mode (lexical
    /// results, the vector search's allowed set, totals and facets): a blocked category hides
    /// its whole subtree; with an allowlist only its products and its categories' subtrees are
    /// found.
    pub restrictions: Option<Arc<crate::recommend::Restrictions>>,
}

impl SearchRequest {
    /// Creates a first-page, relevance-sorted request for `query` with no filters.
    pub fn new(query: impl Into<String>) -> Self {
        Self {
            query: query.into(),
            filters: Filters::default(),
            sort: Sort::Relevance,
            page: 1,
            per_page: 20,
            lang: Lang::Uz,
            highlight: false,
            mode: SearchMode::Lexical,
            query_vector: None,
            fusion: Fusion::default(),
            explain: false,
            understand: false,
            restrictions: None,
        }
    }
}

/// One search hit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// Product id.
    pub id: ProductId,
    /// Relevance score (0 for non-relevance sorts).
    pub score: f32,
    /// Title in the requested language form, or a fallback.
    pub title: String,
    /// The title with matches wrapped in `<mark>`, HTML-escaped, when highlighting was asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title_highlight: Option<String>,
    /// Lowest variant price, in tiyin.
    pub price: i64,
    /// Youngest age, in months.
    pub age_min_months: u16,
    /// Oldest age, in months.
    pub age_max_months: u16,
    /// Any variant in stock.
    pub in_stock: bool,
    /// Average rating (0 when unrated).
    pub rating: f32,
    /// Number of ratings.
    pub rating_count: u32,
    /// Brand name.
    pub brand: String,
    /// Leaf category id.
    pub category_id: u64,
    /// Seller id.
    pub seller_id: u64,
    /// First image URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// The parts of the score, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<HitExplain>,
}

/// A facet value with its count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetCount {
    /// The value's id (category or brand id).
    pub id: u64,
    /// Number of matching products.
    pub count: u64,
}

/// A price bucket with its count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PriceRangeCount {
    /// Lower bound in tiyin, inclusive.
    pub min: i64,
    /// Upper bound in tiyin, exclusive; `None` for the open top bucket.
    pub max: Option<i64>,
    /// Number of matching products.
    pub count: u64,
}

/// Facet counts. Each facet's counts respect every active filter except its own
/// (so a shopper sees the other categories or brands they could switch to).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Facets {
    /// Counts per category, at every level of the tree (a product counts for each ancestor).
    pub categories: Vec<FacetCount>,
    /// Counts per brand.
    pub brands: Vec<FacetCount>,
    /// Counts per price bucket.
    pub price_ranges: Vec<PriceRangeCount>,
    /// Number of matching products in stock.
    pub in_stock: u64,
}

/// The answer to a search.
///
/// In lexical mode `total` and `facets` cover every product matching the text and filters. In
/// semantic mode they cover the ranked vector neighbours (the products one can page through;
/// facet counts there respect every filter, their own included). In hybrid mode they cover the
/// lexical matches plus the vector neighbours that are not among them, as search engines
/// count a hybrid query's hits: the lexical facets stay disjunctive and each added neighbour
/// counts in every facet.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResults {
    /// Number of matching products (all pages).
    pub total: u64,
    /// The requested page of hits.
    pub hits: Vec<Hit>,
    /// Facet counts.
    pub facets: Facets,
    /// What query understanding read out of the query, when it was asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub understood: Option<QueryIntent>,
}

impl SearchResults {
    /// An empty answer.
    pub(crate) fn empty(understood: Option<QueryIntent>) -> Self {
        Self {
            total: 0,
            hits: Vec::new(),
            facets: Facets::default(),
            understood,
        }
    }
}

impl SearchRequest {
    /// Checks the request, returning a [`Error::InvalidRequest`] describing the first problem.
    pub fn validate(&self) -> Result<()> {
        let invalid = |message: String| Err(Error::InvalidRequest(message));
        let query_chars = self.query.chars().count();
        if query_chars > MAX_QUERY_CHARS {
            return invalid(format!(
                "query is {query_chars} characters long, the limit is {MAX_QUERY_CHARS}"
            ));
        }
        if self.page == 0 {
            return invalid("page must be at least 1".to_string());
        }
        if self.per_page == 0 || self.per_page > MAX_PER_PAGE {
            return invalid(format!(
                "per_page must be between 1 and {MAX_PER_PAGE}, got {}",
                self.per_page
            ));
        }
        if u64::from(self.page) * u64::from(self.per_page) > u64::from(MAX_RESULT_WINDOW) {
            return invalid(format!(
                "page * per_page must not exceed {MAX_RESULT_WINDOW}, got {} * {}",
                self.page, self.per_page
            ));
        }
        let filters = &self.filters;
        for (name, price) in [
            ("price_min", filters.price_min),
            ("price_max", filters.price_max),
        ] {
            if let Some(price) = price
                && price < 0
            {
                return invalid(format!("{name} must not be negative, got {price}"));
            }
        }
        if let (Some(min), Some(max)) = (filters.price_min, filters.price_max)
            && min > max
        {
            return invalid(format!(
                "price_min ({min}) must not exceed price_max ({max})"
            ));
        }
        if let Some(rating) = filters.rating_min
            && !(1.0..=5.0).contains(&rating)
        {
            return invalid(format!("rating_min must be between 1 and 5, got {rating}"));
        }
        if let Fusion::Weighted { alpha } = self.fusion
            && !(0.0..=1.0).contains(&alpha)
        {
            return invalid(format!("fusion alpha must be between 0 and 1, got {alpha}"));
        }
        if self.mode.needs_vector() {
            let Some(vector) = &self.query_vector else {
                return invalid(format!("{} search needs a query_vector", self.mode.name()));
            };
            if vector.is_empty() {
                return invalid("query_vector is empty".to_string());
            }
            if vector.iter().any(|value| !value.is_finite()) {
                return invalid("query_vector has a component that is NaN or infinite".to_string());
            }
        }
        Ok(())
    }
}

/// The search a request stands for, after query understanding.
pub(crate) struct Plan<'a> {
    /// The text to search.
    pub(crate) text: Cow<'a, str>,
    /// Audience and filters.
    pub(crate) filters: FilterSpec,
    /// What was understood, when asked.
    pub(crate) understood: Option<QueryIntent>,
    /// Whether the understood hints contradict the explicit filters (nothing can match).
    pub(crate) contradiction: bool,
}

impl<'a> Plan<'a> {
    /// Resolves a (validated) request for `audience`.
    pub(crate) fn resolve(request: &'a SearchRequest, audience: Audience) -> Self {
        let filters = &request.filters;
        let (mut price_min, mut price_max) = (filters.price_min, filters.price_max);
        let mut age_overlap = None;
        let mut contradiction = false;
        let (text, understood) = if request.understand {
            let intent = understand(&request.query);
            if let Some(min) = intent.price_min_tiyin {
                price_min = Some(price_min.map_or(min, |explicit| explicit.max(min)));
            }
            if let Some(max) = intent.price_max_tiyin {
                price_max = Some(price_max.map_or(max, |explicit| explicit.min(max)));
            }
            if let (Some(min), Some(max)) = (price_min, price_max) {
                contradiction = min > max;
            }
            age_overlap = intent.age_months;
            let found_something = intent.age_months.is_some()
                || intent.price_min_tiyin.is_some()
                || intent.price_max_tiyin.is_some()
                || intent.recipient.is_some();
            // A query understanding reads nothing out of keeps its own text: symbols alone
            // stay a search with no hits, never a browse of everything.
            let text = if found_something {
                Cow::Owned(intent.text.clone())
            } else {
                Cow::Borrowed(request.query.as_str())
            };
            (text, Some(intent))
        } else {
            (Cow::Borrowed(request.query.as_str()), None)
        };
        let filters = FilterSpec {
            age_months: audience.age_months(),
            age_overlap,
            category: filters.category_id,
            brand: filters.brand_id,
            seller: filters.seller_id,
            price: match (price_min, price_max) {
                (None, None) => None,
                (min, max) => Some((min.unwrap_or(i64::MIN), max.unwrap_or(i64::MAX))),
            },
            in_stock: filters.in_stock,
            rating_min: filters.rating_min.map(f64::from),
            restrictions: request.restrictions.clone(),
        };
        Self {
            text,
            filters,
            understood,
            contradiction,
        }
    }
}

/// Validates a request and runs it against one searcher.
pub(crate) fn run_search(
    searcher: &Searcher,
    fields: &Fields,
    facts: &Arc<FactsCache>,
    vectors: &VectorIndex,
    params: &HybridParams,
    audience: Audience,
    request: &SearchRequest,
) -> Result<SearchResults> {
    request.validate()?;
    let plan = Plan::resolve(request, audience);
    if plan.contradiction {
        return Ok(SearchResults::empty(plan.understood));
    }
    match request.mode {
        SearchMode::Lexical => run_lexical(searcher, fields, facts, audience, request, plan),
        SearchMode::Semantic | SearchMode::Hybrid => crate::hybrid::run_ranked(
            searcher,
            fields,
            facts,
            (vectors, params),
            audience,
            request,
            plan,
        ),
    }
}

/// Runs `analyzed` through `collector` at its strictest level first, relaxing only while
/// nothing matches (see `query` for the levels); `None` when the query has no level to try.
pub(crate) fn collect_relaxed(
    searcher: &Searcher,
    fields: &Fields,
    audience: Audience,
    analyzed: &AnalyzedQuery,
    collector: &SearchCollector,
) -> Result<Option<Collected>> {
    let mut collected = None;
    for strictness in analyzed.strictness_levels() {
        let query = analyzed.build(fields, strictness, audience);
        let found = searcher.search(query.as_ref(), collector)?;
        let done = found.total > 0;
        collected = Some(found);
        if done {
            break;
        }
    }
    Ok(collected)
}

/// The lexical collection of a request: the best `page * per_page` results, the total and the
/// facets, with the analysed query they came from.
struct LexicalRun {
    analyzed: AnalyzedQuery,
    collected: Collected,
    /// Whether the hits are ranked by score (a textual query sorted by relevance).
    scoring: bool,
}

impl LexicalRun {
    /// Collects `plan`'s text under its filters; `None` when the query has no strictness level
    /// to try.
    fn collect(
        searcher: &Searcher,
        fields: &Fields,
        facts: &Arc<FactsCache>,
        audience: Audience,
        request: &SearchRequest,
        text: &str,
        filters: FilterSpec,
    ) -> Result<Option<Self>> {
        let mut analyzed = analyze_query(text);
        analyzed.look_up_terms(searcher, fields)?;
        let window =
            usize::try_from(request.page.saturating_mul(request.per_page)).unwrap_or(usize::MAX);
        let scoring = request.sort == Sort::Relevance && analyzed.is_textual();
        let collector =
            SearchCollector::new(Arc::clone(facts), filters, request.sort, window, scoring);
        let collected = collect_relaxed(searcher, fields, audience, &analyzed, &collector)?;
        Ok(collected.map(|collected| Self {
            analyzed,
            collected,
            scoring,
        }))
    }

    /// The requested page's hits with their positions in the whole ranking.
    fn page<'a>(
        &'a self,
        request: &SearchRequest,
    ) -> impl Iterator<Item = (usize, &'a RankedDoc)> + 'a {
        let skip = usize::try_from((request.page - 1).saturating_mul(request.per_page))
            .unwrap_or(usize::MAX);
        self.collected
            .top
            .iter()
            .enumerate()
            .skip(skip)
            .take(request.per_page as usize)
    }
}

/// Runs a lexical search.
fn run_lexical(
    searcher: &Searcher,
    fields: &Fields,
    facts: &Arc<FactsCache>,
    audience: Audience,
    request: &SearchRequest,
    plan: Plan<'_>,
) -> Result<SearchResults> {
    let Some(run) = LexicalRun::collect(
        searcher,
        fields,
        facts,
        audience,
        request,
        &plan.text,
        plan.filters,
    )?
    else {
        return Ok(SearchResults::empty(plan.understood));
    };
    let mut hits = Vec::with_capacity(request.per_page as usize);
    for (position, ranked) in run.page(request) {
        let doc: TantivyDocument = searcher.doc(ranked.address)?;
        let mut hit = read_hit(&doc, fields, request.lang)?;
        if run.scoring {
            hit.score = ranked.score;
        }
        if request.highlight {
            hit.title_highlight = Some(highlight_title(&hit.title, &run.analyzed));
        }
        if request.explain {
            hit.explain = Some(lexical_explain(hit.score, position));
        }
        hits.push(hit);
    }
    Ok(SearchResults {
        total: run.collected.total,
        hits,
        facets: run.collected.facets,
        understood: plan.understood,
    })
}

/// The ranked products of a lexical search without their stored documents: what a caller
/// that renders from its own data (or only needs the order) asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct RankedIds {
    /// Number of matching products (all pages).
    pub total: u64,
    /// The requested page: product ids with their scores (0 for non-relevance sorts), best
    /// first.
    pub hits: Vec<(ProductId, f32)>,
}

/// Validates a lexical request and returns the requested page as ids and scores, reading the
/// ids from a fast field rather than loading stored documents. The order and total are those
/// of [`run_search`] in lexical mode.
pub(crate) fn run_search_ids(
    searcher: &Searcher,
    fields: &Fields,
    facts: &Arc<FactsCache>,
    audience: Audience,
    request: &SearchRequest,
) -> Result<RankedIds> {
    request.validate()?;
    if request.mode != SearchMode::Lexical {
        return Err(Error::InvalidRequest(format!(
            "ids-only search is lexical; {} was asked",
            request.mode.name()
        )));
    }
    let plan = Plan::resolve(request, audience);
    if plan.contradiction {
        return Ok(RankedIds {
            total: 0,
            hits: Vec::new(),
        });
    }
    let Some(run) = LexicalRun::collect(
        searcher,
        fields,
        facts,
        audience,
        request,
        &plan.text,
        plan.filters,
    )?
    else {
        return Ok(RankedIds {
            total: 0,
            hits: Vec::new(),
        });
    };
    let readers = searcher.segment_readers();
    let mut columns: Vec<Option<Arc<dyn ColumnValues<u64>>>> = vec![None; readers.len()];
    let mut hits = Vec::with_capacity(request.per_page as usize);
    for (_, ranked) in run.page(request) {
        let segment = ranked.address.segment_ord as usize;
        let (Some(slot), Some(reader)) = (columns.get_mut(segment), readers.get(segment)) else {
            return Err(Error::Corrupt("a hit names no segment".to_string()));
        };
        let ids = match slot {
            Some(ids) => ids,
            None => slot.insert(read_dense(reader.fast_fields().u64(fast::ID)?, 0)),
        };
        let score = if run.scoring { ranked.score } else { 0.0 };
        hits.push((ProductId(ids.get_val(ranked.address.doc_id)), score));
    }
    Ok(RankedIds {
        total: run.collected.total,
        hits,
    })
}

/// Explains a lexical hit: its score is the whole story.
fn lexical_explain(score: f32, position: usize) -> HitExplain {
    HitExplain {
        lexical_score: Some(score),
        lexical_rank: Some(u32::try_from(position + 1).unwrap_or(u32::MAX)),
        vector_similarity: None,
        vector_rank: None,
        fused: f64::from(score),
        in_stock_boost: 0.0,
        rating_boost: 0.0,
        popularity_boost: 0.0,
        final_score: f64::from(score),
    }
}

/// Builds a hit from a stored document.
pub(crate) fn read_hit(doc: &TantivyDocument, fields: &Fields, lang: Lang) -> Result<Hit> {
    let text = |field| doc.get_first(field).and_then(|value| value.as_str());
    let number = |field| doc.get_first(field).and_then(|value| value.as_u64());
    let id =
        number(fields.id).ok_or_else(|| Error::Corrupt("stored document has no id".to_string()))?;
    let mut titles = Localized::default();
    for lang in Lang::ALL {
        let title = text(fields.title(lang)).map(str::to_string);
        match lang {
            Lang::Uz => titles.uz = title,
            Lang::UzCyrl => titles.uz_cyrl = title,
            Lang::Ru => titles.ru = title,
            Lang::En => titles.en = title,
        }
    }
    let age = |field| {
        number(field)
            .and_then(|age| u16::try_from(age).ok())
            .unwrap_or_default()
    };
    Ok(Hit {
        id: ProductId(id),
        score: 0.0,
        title: titles.get_or_fallback(lang).unwrap_or_default().to_string(),
        title_highlight: None,
        price: doc
            .get_first(fields.price)
            .and_then(|value| value.as_i64())
            .unwrap_or_default(),
        age_min_months: age(fields.age_min),
        age_max_months: age(fields.age_max),
        in_stock: doc
            .get_first(fields.in_stock)
            .and_then(|value| value.as_bool())
            .unwrap_or_default(),
        rating: doc
            .get_first(fields.rating)
            .and_then(|value| value.as_f64())
            .unwrap_or_default() as f32,
        rating_count: number(fields.rating_count)
            .and_then(|count| u32::try_from(count).ok())
            .unwrap_or_default(),
        brand: text(fields.brand).unwrap_or_default().to_string(),
        category_id: number(fields.category_id).unwrap_or_default(),
        seller_id: number(fields.seller_id).unwrap_or_default(),
        image_url: text(fields.image_url).map(str::to_string),
        explain: None,
    })
}
