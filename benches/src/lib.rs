//! Shared set-up for the criterion benches: generated catalogues and built indexes.
#![warn(missing_docs)]

use engine::{Audience, Engine, Filters, Lang, SearchRequest, Sort};
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
        .into_iter()
        .filter_map(|query| {
            let audience = Audience::new(i64::from(query.age_months)).ok()?;
            let request = SearchRequest {
                query: query.q,
                filters: Filters {
                    category_id: query
                        .category
                        .as_deref()
                        .and_then(|slug| taxonomy.by_slug(slug))
                        .map(|node| node.id),
                    price_min: query.price_min,
                    price_max: query.price_max,
                    in_stock: query.in_stock,
                    ..Filters::default()
                },
                sort: match query.sort.as_deref() {
                    Some("price_asc") => Sort::PriceAsc,
                    Some("price_desc") => Sort::PriceDesc,
                    Some("newest") => Sort::Newest,
                    Some("rating") => Sort::Rating,
                    Some("popularity") => Sort::Popularity,
                    _ => Sort::Relevance,
                },
                page: 1,
                per_page: 20,
                lang: Lang::Uz,
                highlight: false,
            };
            Some((audience, request))
        })
        .collect()
}
