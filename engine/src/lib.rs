//! bolajon's search engine: catalogue documents, the tantivy lexical index with multilingual
//! analysis (Uzbek Latin and Cyrillic folded together, Russian and English stemming, typo
//! tolerance, as-you-type prefixes), the hnsw_rs vector index of the products' passage
//! embeddings, hybrid ranking, filters, facets, sorts, highlighting and pagination.
//!
//! The API is synchronous; callers run it off their async runtime. This crate never depends on
//! sqlx, axum, redis or a runtime. Every search takes an [`Audience`]: a product whose age range
//! does not include the audience's age, or whose moderation status is not `approved`, is never
//! returned, in any [`SearchMode`]. The engine is embedding-agnostic: vectors arrive with the
//! products ([`ProductDoc::embedding`]) and with the request ([`SearchRequest::query_vector`]).
//!
//! Key types: [`Engine`] (open, [`Engine::apply`] changes, [`Engine::rebuild`],
//! [`Engine::search`], [`Engine::vector_status`]), [`ProductDoc`] (what is indexed),
//! [`SearchRequest`] and [`SearchResults`]; [`vector`] exposes the graph itself for benches;
//! [`Engine::recommend`] answers a [`RecommendRequest`] from caller-supplied [`RecSignals`]
//! (see [`recommend`]), under the same audience gate as search.
//!
//! How a lexical search runs:
//!
//! 1. `analysis` folds every word to one Latin spelling (`қўғирчоқ` = `qoʻgʻirchoq` =
//!    `qogirchoq`) and computes its stems; the same code analyses documents and queries.
//! 2. `query` builds a tantivy query programmatically: per word, exact, stem, typo and
//!    as-you-type alternatives with constant weights by field; words combined with AND, relaxed
//!    to OR with coordination when nothing matches.
//! 3. `collector` checks the audience, moderation and every filter on per-segment copies of the
//!    fast fields (`facts`), and in the same pass counts the total, keeps the top documents and
//!    computes disjunctive facets.
//! 4. `search` fetches the page's stored fields and `highlight` marks the matched words.
//!
//! With [`SearchRequest::understand`], `understand` first reads age, budget and recipient out
//! of the text: they narrow the filters (never the audience) and the rest is searched.
//!
//! Semantic and hybrid searches (`hybrid`) run the same collector over the audience's whole
//! catalogue to get the allowed set, retrieve the nearest allowed vectors (`vector`: exact
//! scan for small sets, filtered HNSW search otherwise), take the lexical top-N for hybrid,
//! fuse the two lists and apply small business boosts (`fusion`), then sort and page.
//! The vector index is derived from the lexical one (which stores each embedding) and is
//! repaired from it on open when they disagree.
#![warn(missing_docs)]

mod analysis;
mod collector;
mod doc;
mod error;
mod facts;
mod fusion;
mod highlight;
mod hybrid;
mod index;
mod query;
pub mod recommend;
mod schema;
mod search;
pub mod suggest;
mod understand;
pub mod vector;

pub use analysis::{fold_text, fold_token};
pub use doc::{Lang, Localized, ProductDoc, ProductId};
pub use error::{Error, ErrorKind, Result};
pub use fusion::{
    DEFAULT_ALPHA, DEFAULT_RRF_K, Fusion, HYBRID_CANDIDATES, HYBRID_LEXICAL_CANDIDATES, HitExplain,
    HybridParams, Normalization, SearchMode,
};
pub use index::{Change, Engine};
pub use moderation::{Audience, ModerationStatus};
pub use recommend::{
    Allowlist, CoCounts, History, MAX_RECOMMENDATIONS, Reason, RecSignals, RecommendKind,
    RecommendRequest, Recommendation, Recommendations, Restrictions, Trending,
};
pub use search::{
    FacetCount, Facets, Filters, Hit, MAX_PER_PAGE, MAX_QUERY_CHARS, MAX_RESULT_WINDOW,
    PriceRangeCount, RankedIds, SearchRequest, SearchResults, Sort,
};
pub use understand::{QueryIntent, Recipient, understand};
pub use vector::{VectorParams, VectorRepair, VectorStatus};
