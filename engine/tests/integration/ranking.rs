//! Ranking: field boosts, match kinds, sorts and pagination.

use crate::support::{child, engine_with, hit_ids, product, search_ids};
use engine::{Engine, SearchRequest, Sort};

#[test]
fn title_match_outranks_brand_and_category_which_outrank_description() {
    let engine = engine_with(vec![
        product(1)
            .title_uz("Bolalar uchun to'plam")
            .description_uz("Ajoyib konstruktor sovg'a")
            .popularity(1_000)
            .build(),
        product(2)
            .title_uz("Bolalar uchun to'plam")
            .category_names(&["Konstruktorlar"])
            .popularity(500)
            .build(),
        product(3).title_uz("Konstruktor to'plami").build(),
    ]);
    assert_eq!(search_ids(&engine, "konstruktor"), vec![3, 2, 1]);
}

#[test]
fn exact_outranks_stem_which_outranks_typo() {
    let engine = engine_with(vec![
        product(1).only_title_ru("Машинки").popularity(100).build(),
        product(2).only_title_ru("Машинка").popularity(10).build(),
        product(3)
            .only_title_ru("Мошинка")
            .popularity(1_000)
            .build(),
    ]);
    // Trailing space: no as-you-type prefix in play.
    assert_eq!(search_ids(&engine, "машинка "), vec![2, 1, 3]);
}

#[test]
fn documents_matching_more_words_rank_first_when_relaxed() {
    let engine = engine_with(vec![
        product(1)
            .title_uz("qizil mashina")
            .popularity(1_000)
            .build(),
        product(2).title_uz("qizil katta mashina").build(),
        product(3).title_uz("katta ayiq").popularity(5_000).build(),
    ]);
    // No product has all three words; the two-word match comes first.
    let ids = search_ids(&engine, "qizil katta mashina yashil");
    assert_eq!(ids.first(), Some(&2));
}

fn sortable_catalogue() -> Engine {
    engine_with(vec![
        product(1)
            .price(3_000_000)
            .created_at(10)
            .rating(4.5, 10)
            .popularity(5)
            .build(),
        product(2)
            .price(1_000_000)
            .created_at(30)
            .rating(4.5, 50)
            .popularity(50)
            .build(),
        product(3)
            .price(2_000_000)
            .created_at(20)
            .rating(3.0, 99)
            .popularity(500)
            .build(),
        product(4)
            .price(2_000_000)
            .created_at(40)
            .rating(0.0, 0)
            .popularity(0)
            .build(),
    ])
}

fn sorted_ids(engine: &Engine, sort: Sort) -> Vec<u64> {
    let mut request = SearchRequest::new("");
    request.sort = sort;
    hit_ids(&engine.search(child(), &request).unwrap())
}

#[test]
fn sorts_order_by_their_field_with_deterministic_ties() {
    let engine = sortable_catalogue();
    // Equal prices (3 and 4) tie-break by popularity.
    assert_eq!(sorted_ids(&engine, Sort::PriceAsc), vec![2, 3, 4, 1]);
    assert_eq!(sorted_ids(&engine, Sort::PriceDesc), vec![1, 3, 4, 2]);
    assert_eq!(sorted_ids(&engine, Sort::Newest), vec![4, 2, 3, 1]);
    // Equal ratings (1 and 2) tie-break by rating count.
    assert_eq!(sorted_ids(&engine, Sort::Rating), vec![2, 1, 3, 4]);
    assert_eq!(sorted_ids(&engine, Sort::Popularity), vec![3, 2, 1, 4]);
    // Browsing by relevance: every score ties, popularity decides.
    assert_eq!(sorted_ids(&engine, Sort::Relevance), vec![3, 2, 1, 4]);
}

#[test]
fn relevance_ties_break_by_popularity() {
    let engine = engine_with(vec![
        product(1).title_uz("Ayiq").popularity(1).build(),
        product(2).title_uz("Ayiq").popularity(300).build(),
        product(3).title_uz("Ayiq").popularity(20).build(),
    ]);
    assert_eq!(search_ids(&engine, "ayiq"), vec![2, 3, 1]);
}

#[test]
fn scores_are_reported_only_for_relevance() {
    let engine = engine_with(vec![product(1).title_uz("Ayiq").build()]);
    let mut request = SearchRequest::new("ayiq");
    let relevant = engine.search(child(), &request).unwrap();
    assert!(relevant.hits[0].score > 0.0);
    request.sort = Sort::PriceAsc;
    let by_price = engine.search(child(), &request).unwrap();
    assert_eq!(by_price.hits[0].score, 0.0);
}

#[test]
fn pages_partition_the_results() {
    let engine = engine_with(
        (1..=25)
            .map(|id| {
                product(id)
                    .title_uz("Kitob")
                    .popularity(id * 7 % 11)
                    .build()
            })
            .collect(),
    );
    let page = |number: u32| {
        let mut request = SearchRequest::new("kitob");
        request.page = number;
        request.per_page = 10;
        engine.search(child(), &request).unwrap()
    };
    let mut all = SearchRequest::new("kitob");
    all.per_page = 100;
    let everything = hit_ids(&engine.search(child(), &all).unwrap());
    assert_eq!(everything.len(), 25);
    let mut paged = Vec::new();
    for number in 1..=3 {
        let results = page(number);
        assert_eq!(results.total, 25);
        paged.extend(hit_ids(&results));
    }
    assert_eq!(paged, everything);
    assert_eq!(page(2).hits.len(), 10);
    assert_eq!(page(3).hits.len(), 5);
    let beyond = page(4);
    assert!(beyond.hits.is_empty());
    assert_eq!(beyond.total, 25);
}
