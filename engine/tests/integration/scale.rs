//! A larger catalogue, as a sanity check of behaviour that needs index statistics (common
//! words) and many segments. Nothing here is timed.

use crate::support::{child, product};
use engine::{Change, Engine, ProductDoc, SearchRequest};
use std::sync::OnceLock;

const SIZE: u64 = 3_000;
/// Products titled "Qoʻgʻirchoq" (every hundredth).
const DOLLS: u64 = SIZE / 100;
/// Products titled "Konstruktor" (every tenth, but not the dolls).
const SETS: u64 = SIZE / 10 - DOLLS;

/// Every product says "bolalar" (children) in its description; every hundredth is a
/// "qo'g'irchoq", the other tenths a "konstruktor".
fn generated(id: u64) -> ProductDoc {
    let kind = match id {
        id if id % 100 == 0 => "Qoʻgʻirchoq",
        id if id % 10 == 0 => "Konstruktor",
        _ => "Daftar",
    };
    product(id)
        .title_uz(&format!("{kind} {}", id % 7))
        .description_uz("Bolalar uchun sifatli mahsulot")
        .category(&[1 + id % 3, 10 + id % 5])
        .brand(id % 11, "Brend")
        .ages(0, 144)
        .price(i64::try_from(id).unwrap() * 10_000)
        .popularity(id % 97)
        .build()
}

/// Built once: half by rebuild, the rest by many small applies (many segments).
fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let engine = Engine::in_memory().unwrap();
        engine
            .rebuild((1..=SIZE / 2).map(generated), 1, &|_| {})
            .unwrap();
        let rest: Vec<u64> = (SIZE / 2 + 1..=SIZE).collect();
        for (seq, chunk) in rest.chunks(100).enumerate() {
            let changes = chunk
                .iter()
                .map(|id| Change::Upsert(Box::new(generated(*id))))
                .collect();
            engine.apply(changes, seq as u64 + 2).unwrap();
        }
        engine
    })
}

fn total(query: &str) -> u64 {
    engine()
        .search(child(), &SearchRequest::new(query))
        .unwrap()
        .total
}

#[test]
fn every_product_is_searchable_across_segments() {
    assert_eq!(engine().num_docs(), SIZE);
    assert_eq!(total(""), SIZE);
    assert_eq!(total("konstruktor"), SETS);
    assert_eq!(total("qo'g'irchoq"), DOLLS);
    assert_eq!(total("konstruktr"), SETS, "typo");
}

#[test]
fn a_word_in_every_description_does_not_narrow_a_query() {
    // "bolalar" is common: it neither narrows nor blocks "konstruktor".
    assert_eq!(total("konstruktor bolalar"), SETS);
    assert_eq!(total("bolalar uchun qo'g'irchoq"), DOLLS);
    // Alone, a common word is required after all.
    assert_eq!(total("bolalar"), SIZE);
}

#[test]
fn unknown_words_are_dropped_instead_of_failing_the_query() {
    assert_eq!(total("konstruktor xyzzyq"), SETS);
}

#[test]
fn deep_pages_and_facets_stay_consistent() {
    let mut request = SearchRequest::new("konstruktor");
    request.per_page = 100;
    request.page = 3;
    let results = engine().search(child(), &request).unwrap();
    assert_eq!(results.total, SETS);
    assert_eq!(results.hits.len(), 70);
    let brand_total: u64 = results.facets.brands.iter().map(|b| b.count).sum();
    assert_eq!(brand_total, SETS);
    let price_total: u64 = results.facets.price_ranges.iter().map(|b| b.count).sum();
    assert_eq!(price_total, SETS);
    let roots: u64 = results
        .facets
        .categories
        .iter()
        .filter(|c| c.id < 10)
        .map(|c| c.count)
        .sum();
    assert_eq!(roots, SETS, "each product counts once per level");
}
