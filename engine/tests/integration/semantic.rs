//! Semantic and hybrid search: filters and the audience hold, fusion, explain, bad input.

use crate::support::{
    audience, child, engine_with, hit_ids, product, random_vector, ranked_request,
};
use engine::{
    Engine, ErrorKind, Filters, Fusion, ModerationStatus, ProductDoc, SearchMode, SearchRequest,
    Sort, VectorParams,
};
use proptest::prelude::*;
use std::collections::HashMap;

const DIM: usize = 16;

/// A unit-ish vector pointing mostly along axis `axis`, with a little of `seed`'s noise.
fn near_axis(axis: usize, seed: u64) -> Vec<f32> {
    let mut vector: Vec<f32> = random_vector(seed, DIM).iter().map(|v| v * 0.1).collect();
    vector[axis] += 1.0;
    vector
}

fn axis(axis: usize) -> Vec<f32> {
    let mut vector = vec![0.0; DIM];
    vector[axis] = 1.0;
    vector
}

#[test]
fn semantic_search_without_embeddings_is_unavailable() {
    let engine = engine_with(vec![product(1).title_uz("Ayiq").build()]);
    for mode in [SearchMode::Semantic, SearchMode::Hybrid] {
        let error = engine
            .search(child(), &ranked_request(mode, "ayiq", axis(0)))
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::SemanticUnavailable);
    }
    // Lexical search ignores a query vector.
    let lexical = ranked_request(SearchMode::Lexical, "ayiq", vec![f32::NAN]);
    assert_eq!(engine.search(child(), &lexical).unwrap().total, 1);
}

#[test]
fn bad_vector_input_is_an_invalid_request() {
    let engine = engine_with(vec![product(1).embedding(axis(0)).build()]);
    let invalid = |request: SearchRequest| {
        let error = engine.search(child(), &request).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidRequest, "{error}");
    };
    let mut missing = SearchRequest::new("ayiq");
    missing.mode = SearchMode::Semantic;
    invalid(missing);
    invalid(ranked_request(SearchMode::Semantic, "", vec![1.0; DIM + 1]));
    invalid(ranked_request(SearchMode::Hybrid, "", vec![]));
    invalid(ranked_request(SearchMode::Hybrid, "", vec![0.0; DIM]));
    let mut nan = axis(0);
    nan[3] = f32::NAN;
    invalid(ranked_request(SearchMode::Semantic, "", nan));
    let mut infinite = axis(0);
    infinite[0] = f32::INFINITY;
    invalid(ranked_request(SearchMode::Hybrid, "x", infinite));
    let mut alpha = ranked_request(SearchMode::Hybrid, "x", axis(0));
    alpha.fusion = Fusion::Weighted { alpha: 1.5 };
    invalid(alpha);
    let mut nan_alpha = ranked_request(SearchMode::Hybrid, "x", axis(0));
    nan_alpha.fusion = Fusion::Weighted { alpha: f32::NAN };
    invalid(nan_alpha);
    let mut deep = ranked_request(SearchMode::Semantic, "", axis(0));
    deep.page = 10_000;
    invalid(deep);
    let mut huge = ranked_request(SearchMode::Semantic, "", axis(0));
    huge.per_page = u32::MAX;
    invalid(huge);
    // A vector that is not normalised is fine: the engine normalises it.
    let scaled: Vec<f32> = axis(0).iter().map(|v| v * 40.0).collect();
    let found = engine
        .search(child(), &ranked_request(SearchMode::Semantic, "", scaled))
        .unwrap();
    assert_eq!(hit_ids(&found), vec![1]);
}

#[test]
fn semantic_search_ranks_by_similarity_and_never_leaves_the_audience() {
    let engine = engine_with(vec![
        product(1).embedding(near_axis(0, 1)).build(),
        product(2).embedding(near_axis(1, 2)).build(),
        // Closest to the query, but for teenagers.
        product(3).embedding(axis(0)).ages(156, 216).build(),
        // Closest too, but held by moderation.
        product(4)
            .embedding(axis(0))
            .status(ModerationStatus::Pending)
            .build(),
        product(5).embedding(near_axis(0, 5)).build(),
        // No embedding: never a semantic result.
        product(6).title_uz("Ayiq").build(),
    ]);
    let results = engine
        .search(child(), &ranked_request(SearchMode::Semantic, "", axis(0)))
        .unwrap();
    let ids = hit_ids(&results);
    let mut first_two = ids[..2].to_vec();
    first_two.sort_unstable();
    assert_eq!(first_two, vec![1, 5]);
    assert!(ids.contains(&2));
    assert!(!ids.contains(&3) && !ids.contains(&4) && !ids.contains(&6));
    assert_eq!(results.total, 3);
    assert!(results.hits[0].score >= results.hits[1].score);
    // A teenager sees the teenagers' product first.
    let teen = engine
        .search(
            audience(170),
            &ranked_request(SearchMode::Semantic, "", axis(0)),
        )
        .unwrap();
    assert_eq!(hit_ids(&teen)[0], 3);
}

#[test]
fn a_product_moved_out_of_the_audience_leaves_semantic_results() {
    let engine = engine_with(vec![
        product(1).embedding(axis(0)).build(),
        product(2).embedding(axis(1)).build(),
    ]);
    let query = || ranked_request(SearchMode::Semantic, "", axis(0));
    assert_eq!(
        hit_ids(&engine.search(child(), &query()).unwrap()),
        vec![1, 2]
    );
    // Same vector, new age range: the old document is deleted, the new one excludes the child.
    let older = product(1).embedding(axis(0)).ages(120, 216).build();
    engine
        .apply(vec![engine::Change::Upsert(Box::new(older))], 2)
        .unwrap();
    assert_eq!(hit_ids(&engine.search(child(), &query()).unwrap()), vec![2]);
    // Rejected: gone for everyone.
    let rejected = product(2)
        .embedding(axis(1))
        .status(ModerationStatus::Rejected)
        .build();
    engine
        .apply(vec![engine::Change::Upsert(Box::new(rejected))], 3)
        .unwrap();
    assert!(engine.search(child(), &query()).unwrap().hits.is_empty());
    assert_eq!(
        hit_ids(&engine.search(audience(130), &query()).unwrap()),
        vec![1]
    );
}

fn catalogue(count: u64, selective_every: u64) -> Vec<ProductDoc> {
    (1..=count)
        .map(|id| {
            let category = if id % selective_every == 0 { 7 } else { 3 };
            product(id)
                .category(&[1, category])
                .price(i64::try_from(id).unwrap() * 100)
                .embedding(random_vector(id, DIM))
                .build()
        })
        .collect()
}

fn in_category(engine: &Engine, category: u64, k: u32, vector: Vec<f32>) -> Vec<u64> {
    let mut request = ranked_request(SearchMode::Semantic, "", vector);
    request.per_page = k;
    request.filters = Filters {
        category_id: Some(category),
        ..Filters::default()
    };
    let results = engine.search(child(), &request).unwrap();
    hit_ids(&results)
}

#[test]
fn filtered_vector_search_returns_k_when_the_filter_is_selective() {
    let docs = catalogue(3_000, 75);
    let categories: HashMap<u64, u64> = docs.iter().map(|d| (d.id.0, d.category_id)).collect();
    // Default strategy (exact scan of the 40 allowed) and the graph forced for any set.
    let graph_only = VectorParams {
        exact_scan_max: 0,
        exact_scan_cost_ratio: 0.0,
        ..VectorParams::default()
    };
    for params in [VectorParams::default(), graph_only] {
        let engine = Engine::in_memory_with(params).unwrap();
        engine
            .rebuild(docs.clone().into_iter(), 1, &|_| {})
            .unwrap();
        for seed in 0..5 {
            let ids = in_category(&engine, 7, 20, random_vector(10_000 + seed, DIM));
            assert_eq!(ids.len(), 20);
            assert!(ids.iter().all(|id| categories[id] == 7));
            // 40 exist: asking for all of them returns all of them.
            let all = in_category(&engine, 7, 100, random_vector(20_000 + seed, DIM));
            assert_eq!(all.len(), 40);
        }
    }
}

#[test]
fn filtered_graph_search_matches_exact_search_on_a_wide_filter() {
    let docs = catalogue(3_000, 2);
    let graph_only = VectorParams {
        exact_scan_max: 0,
        exact_scan_cost_ratio: 0.0,
        ..VectorParams::default()
    };
    let graph = Engine::in_memory_with(graph_only).unwrap();
    graph.rebuild(docs.clone().into_iter(), 1, &|_| {}).unwrap();
    let exact_params = VectorParams {
        exact_scan_max: usize::MAX,
        ..VectorParams::default()
    };
    let exact = Engine::in_memory_with(exact_params).unwrap();
    exact.rebuild(docs.into_iter(), 1, &|_| {}).unwrap();
    let mut overlap = 0;
    for seed in 0..10 {
        let query = random_vector(30_000 + seed, DIM);
        let approximate = in_category(&graph, 7, 10, query.clone());
        let truth = in_category(&exact, 7, 10, query);
        assert_eq!(approximate.len(), 10);
        overlap += approximate.iter().filter(|id| truth.contains(id)).count();
    }
    assert!(overlap >= 90, "recall@10 {overlap}%");
}

#[test]
fn hybrid_fuses_lexical_and_vector_candidates_and_explains_them() {
    let engine = engine_with(vec![
        // Lexical match only (no embedding).
        product(1).title_uz("Yogʻoch ayiq").popularity(5).build(),
        // Both.
        product(2)
            .title_uz("Ayiq pazl")
            .embedding(near_axis(0, 2))
            .build(),
        // Vector only: the semantic rescue.
        product(3)
            .title_uz("Mishka")
            .embedding(axis(0))
            .in_stock(false)
            .build(),
        // Neither.
        product(4)
            .title_uz("Mashina")
            .embedding(axis(5))
            .rating(4.9, 300)
            .build(),
    ]);
    let mut request = ranked_request(SearchMode::Hybrid, "ayiq", axis(0));
    request.explain = true;
    let results = engine.search(child(), &request).unwrap();
    let ids = hit_ids(&results);
    // Product 2 is in both lists, so it leads.
    assert_eq!(ids[0], 2);
    assert!(ids.contains(&1) && ids.contains(&3));
    // Lexical matches (1, 2) plus the vector neighbours not among them (3 and 4: with four
    // products every embedded one is among the vector top-N).
    assert_eq!(results.total, 4);
    assert_eq!(results.facets.brands[0].count, 4);
    for hit in &results.hits {
        let explain = hit.explain.as_ref().unwrap();
        let sum = explain.fused
            + explain.in_stock_boost
            + explain.rating_boost
            + explain.popularity_boost;
        assert!((sum - explain.final_score).abs() < 1e-12);
        assert!((hit.score - explain.final_score as f32).abs() < 1e-6);
    }
    let explain_of = |id: u64| {
        results
            .hits
            .iter()
            .find(|hit| hit.id.0 == id)
            .and_then(|hit| hit.explain.clone())
            .unwrap()
    };
    let both = explain_of(2);
    assert!(both.lexical_rank.is_some() && both.vector_rank.is_some());
    let vector_only = explain_of(3);
    assert_eq!(vector_only.lexical_rank, None);
    assert_eq!(vector_only.vector_rank, Some(1));
    assert_eq!(vector_only.in_stock_boost, 0.0);
    assert!(explain_of(1).vector_rank.is_none());
    // Weighted fusion with alpha 1 ignores the lexical list: the product without a vector
    // scores 0, like the least similar one (min-max maps it to 0); ties go by id.
    request.fusion = Fusion::Weighted { alpha: 1.0 };
    let vector_led = engine.search(child(), &request).unwrap();
    assert_eq!(&hit_ids(&vector_led)[2..], &[1, 4]);
    assert!(
        vector_led.hits[2..]
            .iter()
            .all(|hit| hit.explain.as_ref().unwrap().final_score == 0.0)
    );
    // A hybrid request without text ranks by the vector.
    let no_text = engine
        .search(child(), &ranked_request(SearchMode::Hybrid, " ", axis(5)))
        .unwrap();
    assert_eq!(hit_ids(&no_text)[0], 4);
    assert_eq!(no_text.total, 3);
}

#[test]
fn lexical_explain_is_the_lexical_score() {
    let engine = engine_with(vec![
        product(1).title_uz("Ayiq").build(),
        product(2).description_uz("ayiq").build(),
    ]);
    let mut request = SearchRequest::new("ayiq");
    request.explain = true;
    let results = engine.search(child(), &request).unwrap();
    for (position, hit) in results.hits.iter().enumerate() {
        let explain = hit.explain.as_ref().unwrap();
        assert_eq!(explain.lexical_rank, Some(position as u32 + 1));
        assert_eq!(explain.final_score, f64::from(hit.score));
        assert_eq!(explain.vector_rank, None);
    }
}

#[test]
fn sorts_apply_after_retrieval_and_pages_do_not_overlap() {
    let docs = catalogue(300, 1_000);
    let engine = engine_with(docs);
    let query = random_vector(777, DIM);
    let mut by_price = ranked_request(SearchMode::Semantic, "", query.clone());
    by_price.sort = Sort::PriceAsc;
    let sorted = engine.search(child(), &by_price).unwrap();
    let prices: Vec<i64> = sorted.hits.iter().map(|hit| hit.price).collect();
    assert!(prices.windows(2).all(|pair| pair[0] <= pair[1]));
    assert_eq!(sorted.hits.len(), 100);
    let mut first = ranked_request(SearchMode::Semantic, "", query.clone());
    first.per_page = 30;
    let mut second = first.clone();
    second.page = 2;
    let mut both = first.clone();
    both.per_page = 60;
    let first = hit_ids(&engine.search(child(), &first).unwrap());
    let second = hit_ids(&engine.search(child(), &second).unwrap());
    let both = hit_ids(&engine.search(child(), &both).unwrap());
    assert_eq!([first, second].concat(), both);
    // Deeper than the default candidate list: still served, in order.
    let mut deep = ranked_request(SearchMode::Semantic, "", query);
    deep.page = 3;
    deep.per_page = 100;
    let deep = engine.search(child(), &deep).unwrap();
    assert_eq!(deep.hits.len(), 100);
    assert_eq!(deep.total, 300);
}

#[test]
fn understood_hints_narrow_and_are_returned() {
    let engine = engine_with(vec![
        product(1)
            .title_uz("Qoʻgʻirchoq")
            .ages(48, 96)
            .price(15_000_000)
            .embedding(axis(0))
            .build(),
        product(2)
            .title_uz("Qoʻgʻirchoq")
            .ages(0, 216)
            .price(30_000_000)
            .embedding(axis(0))
            .build(),
        product(3)
            .title_uz("Qoʻgʻirchoq")
            .ages(0, 36)
            .price(10_000_000)
            .embedding(axis(0))
            .build(),
    ]);
    let query = "5 yoshli qizga qo'g'irchoq 200 ming so'mgacha";
    for mode in SearchMode::ALL {
        let mut request = ranked_request(mode, query, axis(0));
        request.understand = true;
        // A four-year-old: product 3 (up to 3 years) is outside the stated age, product 2
        // over budget.
        let results = engine.search(audience(50), &request).unwrap();
        let understood = results.understood.clone().unwrap();
        assert_eq!(understood.age_months, Some((60, 71)));
        assert_eq!(understood.price_max_tiyin, Some(20_000_000));
        assert_eq!(understood.text, "qo'g'irchoq");
        assert_eq!(hit_ids(&results), vec![1], "{mode:?}");
        // The stated age never widens the audience: a two-year-old sees nothing here.
        let toddler = engine.search(audience(24), &request).unwrap();
        assert!(toddler.hits.is_empty(), "{mode:?}");
        // A budget contradicting the explicit filter: a well-defined empty result.
        request.filters.price_min = Some(25_000_000);
        let contradiction = engine.search(audience(50), &request).unwrap();
        assert_eq!(contradiction.total, 0);
        assert!(contradiction.understood.is_some());
    }
    // Without the flag the words are searched as they are.
    let plain = engine
        .search(audience(50), &SearchRequest::new(query))
        .unwrap();
    assert!(plain.understood.is_none());
}

fn statuses() -> impl Strategy<Value = ModerationStatus> {
    prop_oneof![
        6 => Just(ModerationStatus::Approved),
        1 => Just(ModerationStatus::Pending),
        1 => Just(ModerationStatus::Rejected),
    ]
}

prop_compose! {
    fn arbitrary_product(id: u64)(
        min in 0u16..=216,
        span in 0u16..=216,
        status in statuses(),
        embedded in prop::bool::weighted(0.8),
        seed in any::<u64>(),
        word in 0usize..3,
    ) -> ProductDoc {
        let mut builder = product(id)
            .title_uz(["Ayiq", "Kitob", "Mashina"][word])
            .ages(min, min.saturating_add(span).min(216))
            .status(status);
        if embedded {
            builder = builder.embedding(random_vector(seed % 1_000_000, 8));
        }
        builder.build()
    }
}

fn arbitrary_catalogue() -> impl Strategy<Value = Vec<ProductDoc>> {
    (1usize..60).prop_flat_map(|count| {
        (1..=count as u64)
            .map(arbitrary_product)
            .collect::<Vec<_>>()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// The safety invariant in every mode: nothing non-approved, nothing outside the audience.
    #[test]
    fn no_mode_returns_a_product_outside_the_audience(
        docs in arbitrary_catalogue(),
        ages in proptest::collection::vec(0i64..=216, 3),
        query_seed in any::<u64>(),
        exact in any::<bool>(),
    ) {
        let params = if exact {
            VectorParams::default()
        } else {
            VectorParams { exact_scan_max: 0, exact_scan_cost_ratio: 0.0, ..VectorParams::default() }
        };
        let engine = Engine::in_memory_with(params).unwrap();
        engine.rebuild(docs.clone().into_iter(), 1, &|_| {}).unwrap();
        let by_id: HashMap<u64, &ProductDoc> = docs.iter().map(|d| (d.id.0, d)).collect();
        let has_vectors = docs.iter().any(|d| d.embedding.is_some() && d.status == ModerationStatus::Approved);
        for age in ages {
            for mode in SearchMode::ALL {
                for text in ["", "ayiq"] {
                    let request = ranked_request(mode, text, random_vector(query_seed % 1_000_000, 8));
                    let results = match engine.search(audience(age), &request) {
                        Ok(results) => results,
                        Err(error) => {
                            prop_assert_eq!(error.kind(), ErrorKind::SemanticUnavailable);
                            prop_assert!(!has_vectors);
                            continue;
                        }
                    };
                    prop_assert!(results.hits.len() as u64 <= results.total);
                    for hit in &results.hits {
                        let doc = by_id[&hit.id.0];
                        prop_assert_eq!(doc.status, ModerationStatus::Approved);
                        let age = u16::try_from(age).unwrap();
                        prop_assert!(doc.age_min_months <= age && age <= doc.age_max_months);
                    }
                }
            }
        }
    }
}

#[test]
fn dense_rescoring_gives_every_lexical_candidate_its_similarity() {
    // Five "ayiq" products far from the query's direction, one close to it; three products
    // without the word are the closest of all, so a two-deep vector search finds only those.
    let mut products: Vec<ProductDoc> = (1..=5)
        .map(|id| {
            product(id)
                .title_uz("Ayiq")
                .embedding(near_axis(1, id))
                .build()
        })
        .collect();
    let mut half_way = axis(0);
    half_way[1] = 1.0;
    products.push(product(6).title_uz("Ayiq").embedding(half_way).build());
    for id in 7..=9 {
        products.push(
            product(id)
                .title_uz("Qo'g'irchoq")
                .embedding(near_axis(0, id))
                .build(),
        );
    }
    let engine = engine_with(products);
    let mut request = ranked_request(SearchMode::Hybrid, "ayiq", axis(0));
    request.explain = true;
    // The "ayiq" products tie lexically, so the vector side decides among them.
    request.fusion = Fusion::Weighted { alpha: 0.5 };
    let shallow = engine::HybridParams {
        vector_candidates: 2,
        ..engine::HybridParams::default()
    };
    engine.set_hybrid_params(engine::HybridParams {
        rescore_lexical: false,
        ..shallow
    });
    let plain = engine.search(child(), &request).unwrap();
    let without = |results: &engine::SearchResults| {
        results
            .hits
            .iter()
            .filter(|hit| hit.title == "Ayiq")
            .filter(|hit| hit.explain.as_ref().unwrap().vector_similarity.is_none())
            .count()
    };
    // How many lexical hits the vector side reaches without re-scoring depends on the vector
    // search's strategy for so small a catalogue (it may scan exactly); re-scoring must leave
    // none without a similarity either way.
    assert!(without(&plain) <= 6);
    engine.set_hybrid_params(shallow);
    let rescored = engine.search(child(), &request).unwrap();
    assert_eq!(
        without(&rescored),
        0,
        "every lexical candidate has its similarity"
    );
    // The lexical hit closest to the query now leads the lexical ones.
    let first_ayiq = rescored
        .hits
        .iter()
        .find(|hit| hit.title == "Ayiq")
        .unwrap();
    assert_eq!(first_ayiq.id.0, 6);
    assert_eq!(engine.hybrid_params(), shallow);
}

#[test]
fn ids_only_search_matches_the_lexical_search() {
    let products: Vec<ProductDoc> = (1..=30)
        .map(|id| {
            let title = if id % 3 == 0 { "Ayiq katta" } else { "Ayiq" };
            product(id).title_uz(title).popularity(id * 7 % 11).build()
        })
        .collect();
    let engine = engine_with(products);
    for query in ["ayiq", "ayiq katta", "katta", "yo'q so'z", ""] {
        let mut request = SearchRequest::new(query);
        request.per_page = 7;
        request.page = 2;
        let full = engine.search(child(), &request).unwrap();
        let ids = engine.search_ids(child(), &request).unwrap();
        assert_eq!(ids.total, full.total, "{query:?}");
        let ranked: Vec<(u64, f32)> = ids.hits.iter().map(|(id, score)| (id.0, *score)).collect();
        let expected: Vec<(u64, f32)> = full.hits.iter().map(|hit| (hit.id.0, hit.score)).collect();
        assert_eq!(ranked, expected, "{query:?}");
    }
    let mut semantic = SearchRequest::new("ayiq");
    semantic.mode = SearchMode::Hybrid;
    semantic.query_vector = Some(axis(0));
    let error = engine.search_ids(child(), &semantic).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidRequest);
}
