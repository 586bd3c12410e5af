//! Recommendations: the audience and moderation gates hold for every kind over random
//! catalogues, audiences, restrictions and signals (which freely name products the audience
//! may not see); co-purchase normalisation, trending decay, for-you exclusions, cold start,
//! vector and category neighbours; and removal from the index removes from recommendations.

use crate::support::{audience, child, engine_with, product, random_vector};
use engine::{
    Allowlist, Change, ErrorKind, History, ModerationStatus, ProductDoc, ProductId, Reason,
    RecSignals, RecommendKind, RecommendRequest, Recommendations, Restrictions,
};
use proptest::prelude::*;
use std::collections::{BTreeSet, HashMap};

fn ids(values: &[u64]) -> Vec<ProductId> {
    values.iter().copied().map(ProductId).collect()
}

fn recommended(found: &Recommendations) -> Vec<u64> {
    found.items.iter().map(|item| item.hit.id.0).collect()
}

fn request(kind: RecommendKind, limit: usize) -> RecommendRequest {
    let mut request = RecommendRequest::new(kind);
    request.limit = limit;
    request
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
        root in 1u64..4,
        leaf in 10u64..14,
        brand in 1u64..4,
        price in 1i64..50_000_000,
        popularity in 0u64..1_000,
        embedded in proptest::bool::weighted(0.5),
    ) -> ProductDoc {
        let mut builder = product(id)
            .ages(min, min.saturating_add(span).min(216))
            .status(status)
            .category(&[root, root * 100 + leaf])
            .brand(brand, "Brend")
            .price(price)
            .popularity(popularity);
        if embedded {
            builder = builder.embedding(random_vector(id, 8));
        }
        builder.build()
    }
}

fn arbitrary_catalogue() -> impl Strategy<Value = Vec<ProductDoc>> {
    (1usize..40).prop_flat_map(|size| (1..=size as u64).map(arbitrary_product).collect::<Vec<_>>())
}

/// Signals over ids 1..=45: more than any catalogue holds, so they name missing products too.
fn arbitrary_signals() -> impl Strategy<Value = RecSignals> {
    let group = || proptest::collection::vec(1u64..=45, 0..8);
    (
        proptest::collection::vec(group(), 0..12),
        proptest::collection::vec(group(), 0..12),
        proptest::collection::vec((1u64..=45, 0i64..1_000_000, 0.1f64..10.0), 0..30),
    )
        .prop_map(|(baskets, viewers, events)| {
            let mut signals = RecSignals::new(86_400, 1_000_000);
            for basket in baskets {
                signals.co_purchase.add_group(&ids(&basket));
            }
            for viewer in viewers {
                signals.co_view.add_group(&ids(&viewer));
            }
            for (id, at, weight) in events {
                signals.trending.add(ProductId(id), at, weight);
            }
            signals
        })
}

fn arbitrary_restrictions() -> impl Strategy<Value = Restrictions> {
    (
        proptest::collection::vec(prop_oneof![1u64..4, 110u64..314], 0..3),
        proptest::option::weighted(
            0.3,
            (
                proptest::collection::vec(1u64..=45, 0..6),
                proptest::collection::vec(prop_oneof![1u64..4, 110u64..314], 0..2),
            ),
        ),
    )
        .prop_map(|(blocked_categories, only)| Restrictions {
            blocked_categories,
            only: only.map(|(products, categories)| Allowlist {
                products: ids(&products),
                categories,
            }),
        })
}

fn arbitrary_history() -> impl Strategy<Value = History> {
    let list = || proptest::collection::vec(1u64..=45, 0..6);
    (list(), list(), list()).prop_map(|(viewed, wishlist, purchased)| History {
        viewed: ids(&viewed),
        wishlist: ids(&wishlist),
        purchased: ids(&purchased),
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The safety property for recommendations: whatever the catalogue, the audience,
    /// the restrictions and the signals, no recommendation of any kind is unapproved, outside
    /// the audience's age or outside the restrictions; for-you never repeats a purchase and
    /// similar never returns its own product.
    #[test]
    fn no_recommendation_is_unapproved_outside_the_age_or_restricted(
        catalogue in arbitrary_catalogue(),
        signals in arbitrary_signals(),
        restrictions in arbitrary_restrictions(),
        history in arbitrary_history(),
        age in 0i64..=216,
        source in 1u64..=45,
        basket in proptest::collection::vec(1u64..=45, 1..4),
        limit in 1usize..=50,
    ) {
        let engine = engine_with(catalogue.clone());
        let by_id: HashMap<u64, &ProductDoc> = catalogue.iter().map(|doc| (doc.id.0, doc)).collect();
        let visible = |id: u64| {
            by_id.get(&id).is_some_and(|doc| {
                doc.status == ModerationStatus::Approved
                    && i64::from(doc.age_min_months) <= age
                    && age <= i64::from(doc.age_max_months)
                    && restrictions.admits(doc.id, &doc.category_path)
            })
        };
        let expected_visible = (1..=45).filter(|id| visible(*id)).count();
        let kinds = [
            RecommendKind::Similar(ProductId(source)),
            RecommendKind::BoughtTogether(ids(&basket)),
            RecommendKind::Trending,
            RecommendKind::ForYou(history.clone()),
        ];
        for kind in kinds {
            let mut asked = request(kind.clone(), limit);
            asked.restrictions = restrictions.clone();
            let found = match engine.recommend(audience(age), &asked, &signals) {
                Ok(found) => found,
                Err(error) => {
                    // Only a similar-items request about a product the audience cannot see.
                    prop_assert_eq!(error.kind(), ErrorKind::NotFound);
                    prop_assert!(matches!(kind, RecommendKind::Similar(_)));
                    prop_assert!(!visible(source), "{source} is visible: {error}");
                    continue;
                }
            };
            if matches!(kind, RecommendKind::Similar(_)) {
                prop_assert!(visible(source));
            }
            let got = recommended(&found);
            prop_assert!(got.len() <= limit);
            let distinct: BTreeSet<u64> = got.iter().copied().collect();
            prop_assert_eq!(distinct.len(), got.len(), "duplicates in {:?}", got);
            for item in &found.items {
                let id = item.hit.id.0;
                prop_assert!(visible(id), "{} recommended {id} at age {age}", kind.name());
                prop_assert!(
                    i64::from(item.hit.age_min_months) <= age && age <= i64::from(item.hit.age_max_months)
                );
            }
            match &kind {
                RecommendKind::Similar(own) => prop_assert!(!got.contains(&own.0)),
                RecommendKind::BoughtTogether(basket) => {
                    prop_assert!(basket.iter().all(|own| !got.contains(&own.0)));
                    // Filled up with trending: as many as the audience may see.
                    let room = (1..=45).filter(|id| visible(*id) && !basket.contains(&ProductId(*id))).count();
                    prop_assert_eq!(got.len(), limit.min(room));
                }
                RecommendKind::Trending => {
                    prop_assert_eq!(got.len(), limit.min(expected_visible));
                }
                RecommendKind::ForYou(history) => {
                    prop_assert!(history.purchased.iter().all(|bought| !got.contains(&bought.0)));
                }
            }
        }
    }
}

#[test]
fn bought_together_prefers_the_true_partner_over_the_product_bought_with_everything() {
    let engine = engine_with((1..=20).map(|id| product(id).build()).collect());
    let mut signals = RecSignals::new(86_400, 0);
    // 1 (milk) goes in every basket; 5 and 6 are always bought together.
    for other in 10..20 {
        for _ in 0..5 {
            signals.co_purchase.add_group(&ids(&[1, other]));
        }
    }
    for _ in 0..3 {
        signals.co_purchase.add_group(&ids(&[5, 6, 1]));
    }
    let found = engine
        .recommend(
            child(),
            &request(RecommendKind::BoughtTogether(ids(&[5])), 3),
            &signals,
        )
        .unwrap();
    // The co-purchase model (EASE with a learned popularity prior, chosen on the groceries
    // baskets) ranks the product in every basket and the true partner as the two best guesses
    // of what completes the basket, in either order; both come before the products that were
    // never bought with 5.
    let mut top_two = recommended(&found)[..2].to_vec();
    top_two.sort_unstable();
    assert_eq!(top_two, [1, 6]);
    assert!(
        found.items[..2]
            .iter()
            .all(|item| item.reason == Reason::BoughtTogether)
    );
    assert!(!found.cold_start);
    // Nothing known about 7: trending fills the list, marked as such.
    let found = engine
        .recommend(
            child(),
            &request(RecommendKind::BoughtTogether(ids(&[7])), 3),
            &signals,
        )
        .unwrap();
    assert!(found.cold_start);
    assert_eq!(found.items.len(), 3);
    assert!(
        found
            .items
            .iter()
            .all(|item| item.reason == Reason::Trending)
    );
}

#[test]
fn trending_follows_decayed_events_then_units_sold() {
    let engine = engine_with(
        (1..=6)
            .map(|id| product(id).popularity(id * 10).build())
            .collect(),
    );
    let day = 86_400;
    let mut signals = RecSignals::new(day, 10 * day);
    // Ten views of 1 a week ago weigh less than three of 2 today.
    for _ in 0..10 {
        signals.trending.add(ProductId(1), 3 * day, 1.0);
    }
    for _ in 0..3 {
        signals.trending.add(ProductId(2), 10 * day, 1.0);
    }
    let found = engine
        .recommend(child(), &request(RecommendKind::Trending, 6), &signals)
        .unwrap();
    // Then the best sellers: 6, 5, 4, 3.
    assert_eq!(recommended(&found), vec![2, 1, 6, 5, 4, 3]);
    assert!(
        found
            .items
            .iter()
            .all(|item| item.reason == Reason::Trending)
    );
    // An audience that admits only some products gets only those.
    let engine = engine_with(vec![
        product(1).ages(0, 12).build(),
        product(2).ages(60, 100).build(),
    ]);
    let found = engine
        .recommend(audience(6), &request(RecommendKind::Trending, 10), &signals)
        .unwrap();
    assert_eq!(recommended(&found), vec![1]);
}

#[test]
fn for_you_uses_the_history_excludes_purchases_and_starts_cold_with_trending() {
    let engine = engine_with((1..=30).map(|id| product(id).build()).collect());
    let mut signals = RecSignals::new(86_400, 0);
    // Shoppers who viewed 1 also viewed 2 and 3; buyers of 4 also bought 5.
    for _ in 0..4 {
        signals.co_view.add_group(&ids(&[1, 2, 3]));
        signals.co_purchase.add_group(&ids(&[4, 5]));
    }
    signals.trending.add(ProductId(30), 0, 100.0);
    let history = History {
        viewed: ids(&[1]),
        wishlist: Vec::new(),
        purchased: ids(&[4, 2]),
    };
    let found = engine
        .recommend(
            child(),
            &request(RecommendKind::ForYou(history), 5),
            &signals,
        )
        .unwrap();
    let got = recommended(&found);
    assert!(!found.cold_start);
    assert!(got.contains(&3) && got.contains(&5), "{got:?}");
    assert!(
        !got.contains(&4) && !got.contains(&2),
        "purchases repeated: {got:?}"
    );
    let cold = engine
        .recommend(
            child(),
            &request(RecommendKind::ForYou(History::default()), 3),
            &signals,
        )
        .unwrap();
    assert!(cold.cold_start);
    assert_eq!(recommended(&cold)[0], 30);
}

#[test]
fn similar_uses_embeddings_when_present_and_categories_otherwise() {
    let vector = |axis: usize, wobble: f32| {
        let mut v = vec![0.0f32; 8];
        v[axis] = 1.0;
        v[(axis + 1) % 8] = wobble;
        v
    };
    let engine = engine_with(vec![
        product(1)
            .category(&[1, 11])
            .embedding(vector(0, 0.0))
            .build(),
        product(2)
            .category(&[2, 21])
            .embedding(vector(0, 0.1))
            .build(),
        product(3)
            .category(&[1, 11])
            .embedding(vector(4, 0.0))
            .build(),
        product(4).category(&[1, 11]).build(),
        product(5).category(&[1, 12]).build(),
        product(6).category(&[3, 31]).build(),
    ]);
    let signals = RecSignals::new(86_400, 0);
    let found = engine
        .recommend(
            child(),
            &request(RecommendKind::Similar(ProductId(1)), 10),
            &signals,
        )
        .unwrap();
    // The nearest vector first, whatever its category.
    assert_eq!(recommended(&found)[0], 2);
    assert_eq!(found.items[0].reason, Reason::Content);
    assert!(found.cold_start, "no co-views");
    // Without an embedding: same leaf, then same root; another root never.
    let found = engine
        .recommend(
            child(),
            &request(RecommendKind::Similar(ProductId(4)), 10),
            &signals,
        )
        .unwrap();
    let got = recommended(&found);
    assert_eq!(
        got[..2].iter().copied().collect::<BTreeSet<_>>(),
        BTreeSet::from([1, 3])
    );
    assert_eq!(got[2], 5);
    assert!(!got.contains(&6) && !got.contains(&2), "{got:?}");
    // Co-views blend in.
    let mut viewed = RecSignals::new(86_400, 0);
    for _ in 0..3 {
        viewed.co_view.add_group(&ids(&[4, 6]));
    }
    let found = engine
        .recommend(
            child(),
            &request(RecommendKind::Similar(ProductId(4)), 10),
            &viewed,
        )
        .unwrap();
    assert!(recommended(&found).contains(&6));
    assert!(!found.cold_start);
}

#[test]
fn similar_about_an_invisible_product_is_not_found_and_bad_limits_are_invalid() {
    let engine = engine_with(vec![
        product(1).ages(0, 12).build(),
        product(2).status(ModerationStatus::Rejected).build(),
        product(3).build(),
    ]);
    let signals = RecSignals::new(86_400, 0);
    for id in [1, 2, 99] {
        let error = engine
            .recommend(
                child(),
                &request(RecommendKind::Similar(ProductId(id)), 5),
                &signals,
            )
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::NotFound, "{id}: {error}");
    }
    for limit in [0, 51, usize::MAX] {
        let error = engine
            .recommend(child(), &request(RecommendKind::Trending, limit), &signals)
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidRequest);
    }
    let mut too_many = request(RecommendKind::Trending, 5);
    too_many.exclude = (1..=51).map(ProductId).collect();
    assert_eq!(
        engine
            .recommend(child(), &too_many, &signals)
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidRequest
    );
}

/// A vector with positive components only: every pair is somewhat similar.
fn positive_vector(seed: u64) -> Vec<f32> {
    random_vector(seed, 8)
        .iter()
        .map(|v| v.abs() + 0.1)
        .collect()
}

#[test]
fn a_product_removed_from_the_index_leaves_every_recommendation() {
    let engine = engine_with(
        (1..=6)
            .map(|id| product(id).embedding(positive_vector(id)).build())
            .collect(),
    );
    let mut signals = RecSignals::new(86_400, 0);
    for _ in 0..5 {
        signals.co_purchase.add_group(&ids(&[1, 2]));
        signals.co_view.add_group(&ids(&[1, 2]));
    }
    signals.trending.add(ProductId(2), 0, 50.0);
    let history = History {
        viewed: ids(&[1]),
        ..History::default()
    };
    let all_kinds = |engine: &engine::Engine| -> Vec<Vec<u64>> {
        [
            RecommendKind::Similar(ProductId(1)),
            RecommendKind::BoughtTogether(ids(&[1])),
            RecommendKind::Trending,
            RecommendKind::ForYou(history.clone()),
        ]
        .into_iter()
        .map(|kind| {
            recommended(
                &engine
                    .recommend(child(), &request(kind, 10), &signals)
                    .unwrap(),
            )
        })
        .collect()
    };
    for list in all_kinds(&engine) {
        assert_eq!(list.first(), Some(&2), "{list:?}");
    }
    // Re-flagged: an upsert that is no longer approved removes it (the outbox's path).
    let mut flagged = product(2).embedding(positive_vector(2)).build();
    flagged.status = ModerationStatus::Pending;
    engine
        .apply(vec![Change::Upsert(Box::new(flagged))], 2)
        .unwrap();
    for list in all_kinds(&engine) {
        assert!(
            !list.contains(&2),
            "re-flagged product recommended: {list:?}"
        );
        assert!(!list.is_empty());
    }
    // Deleted likewise.
    engine.apply(vec![Change::Delete(ProductId(3))], 3).unwrap();
    for list in all_kinds(&engine) {
        assert!(!list.contains(&3), "{list:?}");
    }
}
