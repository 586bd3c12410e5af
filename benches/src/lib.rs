//! Shared set-up for the criterion benches: generated catalogues and built indexes.
#![warn(missing_docs)]

pub mod catalog;
pub mod golden;
pub mod moderation_eval;
pub mod postgres_fts;
pub mod python;
pub mod relevance;

/// Returns the nearest-rank percentile `share` (0–1) of `sorted` (ascending, non-empty).
pub fn percentile<T: Copy>(sorted: &[T], share: f64) -> T {
    let index = ((sorted.len() as f64 * share).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index]
}

use engine::{Audience, Engine, SearchRequest};
use indexer::Taxonomy;

/// The seed every bench uses.
pub const SEED: u64 = 20_261_125;

/// Builds an in-RAM index over `products` generated products; returns it with its taxonomy.
pub fn build_index(products: usize) -> (Engine, Taxonomy) {
    let catalog = datasets::generate(SEED, products);
    let engine = Engine::in_memory().unwrap_or_else(|error| panic!("in-memory index: {error}"));
    indexer::build_from_catalog(
        &engine,
        &catalog.categories,
        &catalog.brands,
        catalog.products.into_iter(),
        &|_| {},
    )
    .unwrap_or_else(|error| panic!("index build: {error}"));
    let taxonomy = indexer::taxonomy_of(&catalog.categories)
        .unwrap_or_else(|error| panic!("taxonomy: {error}"));
    (engine, taxonomy)
}

/// Converts the benchmark query mix into engine requests.
pub fn bench_requests(taxonomy: &Taxonomy, count: usize) -> Vec<(Audience, SearchRequest)> {
    datasets::queries::bench_queries(SEED, count)
        .iter()
        .filter_map(|query| indexer::request_for(query, taxonomy).ok())
        .collect()
}
