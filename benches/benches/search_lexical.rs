//! Lexical search latency on the generated 100k catalogue, per query class.

use criterion::{Criterion, criterion_group, criterion_main};
use engine::{Audience, SearchRequest};
use std::hint::black_box;

fn search(c: &mut Criterion) {
    let (engine, taxonomy) = benches::build_index(100_000);
    let age = Audience::new(72).unwrap_or_else(|error| panic!("{error}"));
    let mut group = c.benchmark_group("search_100k");
    for (name, query) in [
        ("uz_latin_word", "qo'g'irchoq"),
        ("uz_cyrillic_word", "қўғирчоқ"),
        ("ru_inflected", "машинки"),
        ("en_phrase", "wooden puzzle"),
        ("typo", "konstruktr"),
        ("prefix", "kons"),
        ("natural_phrase", "конструктор для мальчика 7 лет"),
    ] {
        let request = SearchRequest::new(query);
        group.bench_function(name, |b| {
            b.iter(|| {
                engine
                    .search(age, black_box(&request))
                    .map(|results| results.total)
            })
        });
    }
    let mix = benches::bench_requests(&taxonomy, 1_000);
    group.bench_function("mix_of_1000", |b| {
        b.iter(|| {
            mix.iter()
                .map(|(audience, request)| {
                    engine
                        .search(*audience, request)
                        .map(|r| r.total)
                        .unwrap_or(0)
                })
                .sum::<u64>()
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = search
}
criterion_main!(benches);
