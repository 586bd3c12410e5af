//! Facets: counts under filters against a brute-force oracle, disjunctive rule included.

use crate::support::{audience, engine_with, product};
use engine::{FacetCount, Facets, Filters, PriceRangeCount, ProductDoc, SearchRequest};
use proptest::prelude::*;
use std::collections::BTreeMap;

/// Price facet bucket bounds in tiyin (so'm × 100).
const BOUNDS: [i64; 5] = [5_000_000, 10_000_000, 25_000_000, 50_000_000, 100_000_000];
const PATHS: [&[u64]; 6] = [&[1], &[1, 2], &[1, 2, 3], &[1, 4], &[5], &[5, 6]];
const WORDS: [&str; 3] = ["ayiq", "mashina", "kitob"];

/// The facet-owning filters.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Facet {
    Category,
    Brand,
    Price,
    InStock,
}

fn bucket(price: i64) -> usize {
    BOUNDS
        .iter()
        .position(|bound| price < *bound)
        .unwrap_or(BOUNDS.len())
}

/// Whether `doc` passes every filter except `except`'s, and the non-facet ones.
fn passes(
    doc: &ProductDoc,
    query: &str,
    age: u16,
    filters: &Filters,
    except: Option<Facet>,
) -> bool {
    let text = query.is_empty() || doc.titles.uz.as_deref().unwrap_or("").contains(query);
    let gate = doc.age_min_months <= age && age <= doc.age_max_months;
    let seller = filters.seller_id.is_none_or(|s| s == doc.seller_id);
    let rating = filters.rating_min.is_none_or(|r| doc.rating >= r);
    let category = except == Some(Facet::Category)
        || filters
            .category_id
            .is_none_or(|c| doc.category_path.contains(&c));
    let brand = except == Some(Facet::Brand) || filters.brand_id.is_none_or(|b| b == doc.brand_id);
    let price = except == Some(Facet::Price)
        || (filters.price_min.is_none_or(|m| doc.price_tiyin >= m)
            && filters.price_max.is_none_or(|m| doc.price_tiyin <= m));
    let stock = except == Some(Facet::InStock) || !filters.in_stock || doc.in_stock;
    text && gate && seller && rating && category && brand && price && stock
}

fn sorted_counts(counts: BTreeMap<u64, u64>) -> Vec<FacetCount> {
    let mut values: Vec<FacetCount> = counts
        .into_iter()
        .map(|(id, count)| FacetCount { id, count })
        .collect();
    values.sort_by(|a, b| b.count.cmp(&a.count).then(a.id.cmp(&b.id)));
    values
}

fn oracle(catalogue: &[ProductDoc], query: &str, age: u16, filters: &Filters) -> (u64, Facets) {
    let matching = |except| {
        catalogue
            .iter()
            .filter(move |doc| passes(doc, query, age, filters, except))
    };
    let mut categories = BTreeMap::new();
    for doc in matching(Some(Facet::Category)) {
        for id in &doc.category_path {
            *categories.entry(*id).or_insert(0) += 1;
        }
    }
    let mut brands = BTreeMap::new();
    for doc in matching(Some(Facet::Brand)) {
        *brands.entry(doc.brand_id).or_insert(0) += 1;
    }
    let mut buckets = [0u64; 6];
    for doc in matching(Some(Facet::Price)) {
        buckets[bucket(doc.price_tiyin)] += 1;
    }
    let price_ranges = buckets
        .iter()
        .enumerate()
        .map(|(i, count)| PriceRangeCount {
            min: if i == 0 { 0 } else { BOUNDS[i - 1] },
            max: BOUNDS.get(i).copied(),
            count: *count,
        })
        .collect();
    let in_stock = matching(Some(Facet::InStock))
        .filter(|doc| doc.in_stock)
        .count() as u64;
    let total = matching(None).count() as u64;
    let facets = Facets {
        categories: sorted_counts(categories),
        brands: sorted_counts(brands),
        price_ranges,
        in_stock,
    };
    (total, facets)
}

prop_compose! {
    fn arbitrary_product(id: u64)(
        word in 0..WORDS.len(),
        path in 0..PATHS.len(),
        brand in 1u64..5,
        seller in 1u64..3,
        price in prop_oneof![0i64..12_000_000, 0i64..200_000_000],
        in_stock in any::<bool>(),
        rating in prop_oneof![Just(0.0f32), 1.0f32..=5.0],
        min in 0u16..120,
        span in 0u16..120,
    ) -> ProductDoc {
        product(id)
            .title_uz(&format!("{} {id}", WORDS[word]))
            .category(PATHS[path])
            .brand(brand, &format!("Brend {brand}"))
            .seller(seller)
            .price(price)
            .in_stock(in_stock)
            .rating(rating, 1)
            .ages(min, min + span)
            .build()
    }
}

fn arbitrary_catalogue() -> impl Strategy<Value = Vec<ProductDoc>> {
    (1usize..50).prop_flat_map(|size| (1..=size as u64).map(arbitrary_product).collect::<Vec<_>>())
}

fn arbitrary_filters() -> impl Strategy<Value = Filters> {
    (
        proptest::option::of(1u64..7),
        proptest::option::of(1u64..5),
        proptest::option::weighted(0.2, 1u64..3),
        proptest::option::of(0i64..60_000_000),
        proptest::option::of(0i64..200_000_000),
        any::<bool>(),
        proptest::option::weighted(0.3, 1.0f32..=5.0),
    )
        .prop_map(
            |(category_id, brand_id, seller_id, low, high, in_stock, rating_min)| {
                let (price_min, price_max) = match (low, high) {
                    (Some(a), Some(b)) => (Some(a.min(b)), Some(a.max(b))),
                    other => other,
                };
                Filters {
                    category_id,
                    brand_id,
                    seller_id,
                    price_min,
                    price_max,
                    in_stock,
                    rating_min,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn facet_counts_match_a_brute_force_oracle(
        catalogue in arbitrary_catalogue(),
        filters in arbitrary_filters(),
        age in 0u16..200,
        query in prop_oneof![Just(String::new()), (0..WORDS.len()).prop_map(|w| WORDS[w].to_string())],
    ) {
        let engine = engine_with(catalogue.clone());
        let mut request = SearchRequest::new(query.clone());
        request.filters = filters.clone();
        let results = engine.search(audience(i64::from(age)), &request).unwrap();
        let (total, facets) = oracle(&catalogue, &query, age, &filters);
        prop_assert_eq!(results.total, total);
        prop_assert_eq!(results.facets, facets);
    }
}

#[test]
fn a_facet_ignores_its_own_filter_but_not_the_others() {
    let catalogue = vec![
        product(1)
            .category(&[1, 2])
            .brand(10, "Lego")
            .price(1_000_000)
            .build(),
        product(2)
            .category(&[1, 3])
            .brand(20, "Mattel")
            .price(7_000_000)
            .build(),
        product(3)
            .category(&[4])
            .brand(10, "Lego")
            .price(30_000_000)
            .in_stock(false)
            .build(),
    ];
    let engine = engine_with(catalogue);
    let mut request = SearchRequest::new("");
    request.filters.brand_id = Some(10);
    request.filters.category_id = Some(1);
    let results = engine.search(audience(60), &request).unwrap();
    assert_eq!(results.total, 1);
    let facets = results.facets;
    // Brands: within category 1, whatever the brand: Lego 1, Mattel 1.
    assert_eq!(
        facets.brands,
        vec![
            FacetCount { id: 10, count: 1 },
            FacetCount { id: 20, count: 1 }
        ]
    );
    // Categories: Lego, whatever the category: 1 (via product 1), 2, 4.
    assert_eq!(
        facets.categories,
        vec![
            FacetCount { id: 1, count: 1 },
            FacetCount { id: 2, count: 1 },
            FacetCount { id: 4, count: 1 }
        ]
    );
    let price_counts: Vec<u64> = facets.price_ranges.iter().map(|r| r.count).collect();
    assert_eq!(price_counts, vec![1, 0, 0, 0, 0, 0]);
    assert_eq!(facets.in_stock, 1);
}
