//! Filters: the mandatory audience and moderation gates (property-tested against a brute-force
//! oracle), the optional filters, and request validation.

use crate::support::{audience, child, engine_with, hit_ids, product, search_ids};
use engine::{Error, Filters, ModerationStatus, ProductDoc, SearchRequest, Sort};
use proptest::prelude::*;
use std::collections::BTreeSet;

/// Title words far apart in spelling: no typo, stem or prefix links one to another.
const WORDS: [&str; 5] = ["ayiq", "mashina", "kitob", "qalam", "koptok"];

fn statuses() -> impl Strategy<Value = ModerationStatus> {
    prop_oneof![
        6 => Just(ModerationStatus::Approved),
        1 => Just(ModerationStatus::Pending),
        1 => Just(ModerationStatus::Rejected),
    ]
}

prop_compose! {
    fn arbitrary_product(id: u64)(
        word in 0..WORDS.len(),
        min in 0u16..=216,
        span in 0u16..=216,
        status in statuses(),
        popularity in 0u64..1_000,
    ) -> ProductDoc {
        product(id)
            .title_uz(&format!("{} {id}", WORDS[word]))
            .ages(min, min.saturating_add(span).min(216))
            .status(status)
            .popularity(popularity)
            .build()
    }
}

fn arbitrary_catalogue() -> impl Strategy<Value = Vec<ProductDoc>> {
    (1usize..40).prop_flat_map(|size| (1..=size as u64).map(arbitrary_product).collect::<Vec<_>>())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn audience_and_moderation_gates_are_sound_and_complete(
        catalogue in arbitrary_catalogue(),
        age in 0i64..=216,
        query in prop_oneof![Just(String::new()), (0..WORDS.len()).prop_map(|w| WORDS[w].to_string())],
        sort in prop_oneof![Just(Sort::Relevance), Just(Sort::PriceAsc), Just(Sort::Popularity)],
    ) {
        let engine = engine_with(catalogue.clone());
        let mut request = SearchRequest::new(query.clone());
        request.per_page = 100;
        request.sort = sort;
        let results = engine.search(audience(age), &request).unwrap();
        let expected: BTreeSet<u64> = catalogue
            .iter()
            .filter(|doc| doc.status == ModerationStatus::Approved)
            .filter(|doc| doc.age_min_months as i64 <= age && age <= doc.age_max_months as i64)
            .filter(|doc| query.is_empty() || doc.titles.uz.as_deref().unwrap_or("").starts_with(&query))
            .map(|doc| doc.id.0)
            .collect();
        for hit in &results.hits {
            prop_assert!(hit.age_min_months as i64 <= age && age <= hit.age_max_months as i64);
        }
        let found: BTreeSet<u64> = hit_ids(&results).into_iter().collect();
        prop_assert_eq!(results.total, expected.len() as u64);
        prop_assert_eq!(found, expected);
    }
}

#[test]
fn non_approved_products_are_never_indexed_or_returned() {
    let engine = engine_with(vec![
        product(1).title_uz("Ayiq").build(),
        product(2)
            .title_uz("Ayiq")
            .status(ModerationStatus::Pending)
            .build(),
        product(3)
            .title_uz("Ayiq")
            .status(ModerationStatus::Rejected)
            .build(),
    ]);
    assert_eq!(engine.num_docs(), 1);
    assert_eq!(search_ids(&engine, "ayiq"), vec![1]);
    assert_eq!(search_ids(&engine, ""), vec![1]);
}

#[test]
fn age_bounds_are_inclusive() {
    let engine = engine_with(vec![product(1).ages(36, 72).build()]);
    let browse = SearchRequest::new("");
    for (age, admitted) in [(35, false), (36, true), (72, true), (73, false)] {
        let total = engine.search(audience(age), &browse).unwrap().total;
        assert_eq!(total == 1, admitted, "age {age}");
    }
}

fn filtered(filters: Filters) -> Vec<u64> {
    let engine = engine_with(vec![
        product(1)
            .category(&[1, 2])
            .brand(10, "Lego")
            .seller(7)
            .price(4_000_000)
            .rating(4.8, 3)
            .build(),
        product(2)
            .category(&[1, 3])
            .brand(20, "Mattel")
            .seller(8)
            .price(9_000_000)
            .in_stock(false)
            .build(),
        product(3)
            .category(&[4])
            .brand(10, "Lego")
            .seller(7)
            .price(20_000_000)
            .rating(3.9, 9)
            .build(),
    ]);
    let mut request = SearchRequest::new("");
    request.filters = filters;
    request.sort = Sort::PriceAsc;
    hit_ids(&engine.search(child(), &request).unwrap())
}

#[test]
fn optional_filters_narrow_results() {
    assert_eq!(filtered(Filters::default()), vec![1, 2, 3]);
    let category = |id| Filters {
        category_id: Some(id),
        ..Filters::default()
    };
    assert_eq!(
        filtered(category(1)),
        vec![1, 2],
        "a category includes its subtree"
    );
    assert_eq!(filtered(category(3)), vec![2]);
    assert_eq!(filtered(category(99)), Vec::<u64>::new());
    assert_eq!(
        filtered(Filters {
            brand_id: Some(10),
            ..Filters::default()
        }),
        vec![1, 3]
    );
    assert_eq!(
        filtered(Filters {
            seller_id: Some(8),
            ..Filters::default()
        }),
        vec![2]
    );
    assert_eq!(
        filtered(Filters {
            in_stock: true,
            ..Filters::default()
        }),
        vec![1, 3]
    );
    assert_eq!(
        filtered(Filters {
            price_min: Some(4_000_000),
            price_max: Some(9_000_000),
            ..Filters::default()
        }),
        vec![1, 2],
        "price bounds are inclusive"
    );
    assert_eq!(
        filtered(Filters {
            price_min: Some(9_000_001),
            ..Filters::default()
        }),
        vec![3]
    );
    assert_eq!(
        filtered(Filters {
            rating_min: Some(4.0),
            ..Filters::default()
        }),
        vec![1]
    );
    assert_eq!(
        filtered(Filters {
            brand_id: Some(10),
            in_stock: true,
            price_max: Some(5_000_000),
            ..Filters::default()
        }),
        vec![1]
    );
}

#[test]
fn invalid_requests_are_rejected_with_a_message() {
    let engine = engine_with(vec![product(1).build()]);
    let check = |mutate: &dyn Fn(&mut SearchRequest), needle: &str| {
        let mut request = SearchRequest::new("ayiq");
        mutate(&mut request);
        match engine.search(child(), &request) {
            Err(Error::InvalidRequest(message)) => {
                assert!(message.contains(needle), "{message:?} lacks {needle:?}");
                assert!(
                    message.starts_with(|c: char| c.is_lowercase()),
                    "{message:?}"
                );
                assert!(!message.ends_with('.'), "{message:?}");
            }
            other => panic!("expected an invalid request for {needle}, got {other:?}"),
        }
    };
    check(&|r| r.page = 0, "page");
    check(&|r| r.per_page = 0, "per_page");
    check(&|r| r.per_page = 101, "per_page");
    check(
        &|r| {
            r.page = 101;
            r.per_page = 100;
        },
        "10000",
    );
    check(&|r| r.filters.price_min = Some(-1), "price_min");
    check(&|r| r.filters.price_max = Some(-5), "price_max");
    check(
        &|r| {
            r.filters.price_min = Some(10);
            r.filters.price_max = Some(9);
        },
        "price_min",
    );
    check(&|r| r.filters.rating_min = Some(0.5), "rating_min");
    check(&|r| r.filters.rating_min = Some(5.5), "rating_min");
    check(&|r| r.filters.rating_min = Some(f32::NAN), "rating_min");
    check(
        &|r| r.query = "a".repeat(engine::MAX_QUERY_CHARS + 1),
        "query",
    );
    // The limits themselves are fine.
    let mut request = SearchRequest::new("a".repeat(engine::MAX_QUERY_CHARS));
    request.page = 100;
    request.per_page = 100;
    assert!(engine.search(child(), &request).is_ok());
}
