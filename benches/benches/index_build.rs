//! Index build throughput (products per second) on a generated catalogue.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use engine::Engine;

fn build(c: &mut Criterion) {
    let catalog = datasets::generate(benches::SEED, 20_000);
    let mut group = c.benchmark_group("index_build");
    group.throughput(Throughput::Elements(catalog.products.len() as u64));
    group.sample_size(10);
    group.bench_function("20k_products", |b| {
        b.iter(|| {
            let engine = Engine::in_memory().unwrap_or_else(|error| panic!("{error}"));
            indexer::build_from_catalog(
                &engine,
                &catalog.categories,
                &catalog.brands,
                catalog.products.iter().cloned(),
                &|_| {},
            )
            .map(|stats| stats.indexed)
        })
    });
    group.finish();
}

criterion_group!(benches, build);
criterion_main!(benches);
