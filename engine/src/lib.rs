//! bolajon's search engine: catalogue documents, the tantivy lexical index with multilingual
//! analysis (Uzbek Latin and Cyrillic folded together, Russian and English stemming, typo
//! tolerance, as-you-type prefixes), filters, facets, sorts, highlighting and pagination.
//!
//! The API is synchronous; callers run it off their async runtime. This crate never depends on
//! sqlx, axum, redis or a runtime. Every search takes an [`Audience`]: a product whose age range
//! does not include the audience's age, or whose moderation status is not `approved`, is never
//! returned.
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

pub use analysis::{fold_text, fold_token};
pub use doc::{Lang, Localized, ProductDoc, ProductId};
pub use error::{Error, ErrorKind, Result};
pub use index::{Change, Engine};
pub use moderation::{Audience, ModerationStatus};
pub use search::{
    FacetCount, Facets, Filters, Hit, MAX_PER_PAGE, MAX_QUERY_CHARS, MAX_RESULT_WINDOW,
    PriceRangeCount, SearchRequest, SearchResults, Sort,
};
