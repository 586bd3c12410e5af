//! bolajon's search engine: catalogue documents, the tantivy lexical index with multilingual
//! analysis (Uzbek Latin and Cyrillic folded together, Russian and English stemming, typo
//! tolerance, as-you-type prefixes), filters, facets, sorts, highlighting and pagination.
//!
//! The API is synchronous; callers run it off their async runtime. This crate never depends on
//! sqlx, axum, redis or a runtime. Every search takes an [`Audience`]: a product whose age range
//! does not include the audience's age, or whose moderation status is not `approved`, is never
//! returned.
//!
//! Key types: [`Engine`] (open, [`Engine::apply`] changes, [`Engine::rebuild`],
//! [`Engine::search`]), [`ProductDoc`] (what is indexed), [`SearchRequest`] and
//! [`SearchResults`].
//!
//! How a search runs:
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
#![warn(missing_docs)]

mod analysis;
mod collector;
mod doc;
mod error;
mod facts;
mod highlight;
mod index;
mod query;
mod schema;
mod search;
mod understand;

pub use analysis::{fold_text, fold_token};
pub use doc::{Lang, Localized, ProductDoc, ProductId};
pub use error::{Error, ErrorKind, Result};
pub use index::{Change, Engine};
pub use moderation::{Audience, ModerationStatus};
pub use search::{
    FacetCount, Facets, Filters, Hit, MAX_PER_PAGE, MAX_QUERY_CHARS, MAX_RESULT_WINDOW,
    PriceRangeCount, SearchRequest, SearchResults, Sort,
};
pub use understand::{QueryIntent, Recipient, understand};
