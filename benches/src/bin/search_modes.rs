//! In-process latency of lexical, semantic and hybrid search on the generated catalogue, with
//! synthetic embeddings (clustered by leaf category) standing in for the E5 passages.
//!
//! ```sh
//! cargo run --release -p benches --bin search_modes            # 100k products, 384-d
//! cargo run --release -p benches --bin search_modes -- 20000   # fewer products
//! ```
//!
//! Runs the benchmark query mix (1,000 queries, twice, one thread) against an index without
//! embeddings (the lexical baseline) and one with them, in each mode; prints p50, p95, p99 and
//! QPS. Query vectors are drawn near a random category's centre, so they are not embeddings of
//! the query text: the numbers are costs, not relevance.

use anyhow::{Context, Result};
use engine::{Engine, ProductDoc, SearchMode};
use std::collections::HashMap;
use std::time::{Duration, Instant};

const DIM: usize = 384;

fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A value in about `-1..1` (sum of two uniforms: cheap and roughly bell-shaped).
fn noise(state: &mut u64) -> f32 {
    let a = (splitmix(state) >> 40) as f32 / (1u64 << 24) as f32;
    let b = (splitmix(state) >> 40) as f32 / (1u64 << 24) as f32;
    a + b - 1.0
}

fn centre(category: u64) -> Vec<f32> {
    let mut state = category.wrapping_mul(0xA24B_AED4_963E_E407);
    (0..DIM).map(|_| noise(&mut state)).collect()
}

fn near(centre: &[f32], state: &mut u64) -> Vec<f32> {
    centre.iter().map(|c| c + 0.8 * noise(state)).collect()
}

fn percentile(sorted: &[Duration], share: f64) -> f64 {
    benches::percentile(sorted, share).as_secs_f64() * 1_000.0
}

fn main() -> Result<()> {
    let count: usize = match std::env::args().nth(1) {
        Some(count) => count.parse().context("the product count")?,
        None => 100_000,
    };
    let catalog = datasets::generate(benches::SEED, count);
    let taxonomy = indexer::taxonomy_of(&catalog.categories)?;
    let brands: HashMap<u64, String> = catalog
        .brands
        .iter()
        .map(|brand| (brand.id, brand.name.clone()))
        .collect();
    let plain_docs: Vec<ProductDoc> = catalog
        .products
        .iter()
        .map(|product| indexer::doc_from_product(product, &brands, &taxonomy))
        .filter(|doc| doc.status == engine::ModerationStatus::Approved)
        .collect();
    let mut centres: HashMap<u64, Vec<f32>> = HashMap::new();
    let mut state = benches::SEED;
    let embedded_docs: Vec<ProductDoc> = plain_docs
        .iter()
        .cloned()
        .map(|mut doc| {
            let centre = centres
                .entry(doc.category_id)
                .or_insert_with(|| centre(doc.category_id));
            doc.embedding = Some(near(centre, &mut state));
            doc
        })
        .collect();
    let categories: Vec<u64> = centres.keys().copied().collect();

    let plain = Engine::in_memory()?;
    let started = Instant::now();
    plain.rebuild(plain_docs.into_iter(), 1, &|_| {})?;
    println!(
        "lexical-only index of {} products: {:.1} s",
        plain.num_docs(),
        started.elapsed().as_secs_f64()
    );
    let embedded = Engine::in_memory()?;
    let started = Instant::now();
    embedded.rebuild(embedded_docs.into_iter(), 1, &|_| {})?;
    println!(
        "index with {DIM}-d embeddings: {:.1} s (vectors: {})",
        started.elapsed().as_secs_f64(),
        embedded.vector_status().vectors
    );

    let mix = benches::bench_requests(&taxonomy, 1_000);
    println!();
    println!("| index | mode | p50 ms | p95 ms | p99 ms | QPS |");
    println!("|---|---|---:|---:|---:|---:|");
    for (name, engine, mode) in [
        ("no embeddings", &plain, SearchMode::Lexical),
        ("embeddings", &embedded, SearchMode::Lexical),
        ("embeddings", &embedded, SearchMode::Semantic),
        ("embeddings", &embedded, SearchMode::Hybrid),
    ] {
        let mut state = 7u64;
        let requests: Vec<_> = mix
            .iter()
            .map(|(audience, request)| {
                let mut request = request.clone();
                request.mode = mode;
                let category =
                    categories[(splitmix(&mut state) % categories.len() as u64) as usize];
                request.query_vector = Some(near(&centres[&category], &mut state));
                (*audience, request)
            })
            .collect();
        let mut timings = Vec::with_capacity(requests.len() * 2);
        let started = Instant::now();
        for _ in 0..2 {
            for (audience, request) in &requests {
                let one = Instant::now();
                let results = engine.search(*audience, request)?;
                timings.push(one.elapsed());
                std::hint::black_box(results);
            }
        }
        let qps = timings.len() as f64 / started.elapsed().as_secs_f64();
        timings.sort_unstable();
        println!(
            "| {name} | {} | {:.2} | {:.2} | {:.2} | {qps:.0} |",
            mode.name(),
            percentile(&timings, 0.5),
            percentile(&timings, 0.95),
            percentile(&timings, 0.99),
        );
    }
    Ok(())
}
