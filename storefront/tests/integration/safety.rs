//! The planted unsafe listings of the sample never reach any audience: not by search, not by
//! recommendations.

use crate::support::{Backend, app_with, get_json, hit_ids, test_db};
use moderation::MAX_AGE_MONTHS;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn planted_unsafe_listings_are_never_searchable() {
    let test = test_db(Backend::Sqlite).await;
    let catalog = datasets::sample().unwrap();
    let state = app_with(&test, &catalog).await;
    let unsafe_products: Vec<&datasets::Product> = catalog
        .products
        .iter()
        .filter(|product| product.unsafe_label.is_some())
        .collect();
    assert!(
        unsafe_products.len() >= 20,
        "the sample plants unsafe listings"
    );
    for product in &unsafe_products {
        let (status, _) = get_json(&state, &format!("/api/v1/products/{}", product.id)).await;
        assert_eq!(
            status, 404,
            "unsafe product {} ({:?}) is visible",
            product.id, product.unsafe_label
        );
        let titles = [
            &product.title.uz,
            &product.title.uz_cyrl,
            &product.title.ru,
            &product.title.en,
        ];
        for title in titles.into_iter().flatten() {
            let q: String = title.chars().take(120).collect();
            let q = percent_encoding::utf8_percent_encode(&q, percent_encoding::NON_ALPHANUMERIC)
                .to_string();
            for age in [0, 12, 36, 72, 120, 168, MAX_AGE_MONTHS] {
                let (status, body) = get_json(
                    &state,
                    &format!("/api/v1/search?q={q}&age_months={age}&per_page=100"),
                )
                .await;
                assert_eq!(status, 200, "{body}");
                assert!(
                    !hit_ids(&body).contains(&product.id),
                    "unsafe product {} ({:?}) found by its title {title:?} at age {age}",
                    product.id,
                    product.unsafe_label
                );
            }
        }
    }
}

/// Signals that name the planted unsafe listings (views, co-views, a shopper's own history)
/// never bring them, or anything outside the audience's age, into any recommendation.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn planted_unsafe_listings_are_never_recommended() {
    use engine::{History, ProductId, RecommendKind};
    use storefront::recommendations::{Asker, recommend};
    let test = test_db(Backend::Sqlite).await;
    let catalog = datasets::sample().unwrap();
    let state = app_with(&test, &catalog).await;
    let products: std::collections::HashMap<u64, &datasets::Product> =
        catalog.products.iter().map(|p| (p.id, p)).collect();
    let unsafe_ids: Vec<u64> = catalog
        .products
        .iter()
        .filter(|product| product.unsafe_label.is_some())
        .map(|product| product.id)
        .collect();
    let safe_ids: Vec<u64> = catalog
        .products
        .iter()
        .filter(|product| product.unsafe_label.is_none())
        .map(|product| product.id)
        .step_by(97)
        .collect();
    // Poisoned signals: every viewer saw unsafe listings beside safe ones, many times a day.
    let storefront::db::Db::Sqlite(pool) = &test.db else {
        unreachable!()
    };
    let now = chrono::Utc::now();
    for (viewer, safe) in safe_ids.iter().enumerate() {
        for product in unsafe_ids.iter().take(10).chain([safe]) {
            sqlx::query(
                "INSERT INTO recently_viewed (viewer, product_id, viewed_at) VALUES ($1, $2, $3)",
            )
            .bind(format!("d:viewer{viewer}"))
            .bind(*product as i64)
            .bind(now)
            .execute(pool)
            .await
            .unwrap();
        }
    }
    for product in &unsafe_ids {
        sqlx::query("INSERT INTO product_view_days (product_id, day, views) VALUES ($1, $2, 1000)")
            .bind(*product as i64)
            .bind(now.format("%Y-%m-%d").to_string())
            .execute(pool)
            .await
            .unwrap();
    }
    storefront::recommendations::refresh_signals(&state.0)
        .await
        .unwrap();
    let history = History {
        viewed: unsafe_ids
            .iter()
            .take(20)
            .map(|id| ProductId(*id))
            .collect(),
        wishlist: safe_ids.iter().map(|id| ProductId(*id)).collect(),
        purchased: unsafe_ids
            .iter()
            .skip(20)
            .map(|id| ProductId(*id))
            .collect(),
    };
    for age in [0, 12, 36, 72, 120, 168, MAX_AGE_MONTHS] {
        let mut lists: Vec<(String, Vec<u64>)> = Vec::new();
        let mut uris = vec![format!(
            "/api/v1/recommendations/trending?age_months={age}&limit=50"
        )];
        for id in unsafe_ids.iter().chain(&safe_ids) {
            uris.push(format!(
                "/api/v1/recommendations/bought-together/{id}?age_months={age}&limit=50"
            ));
            uris.push(format!(
                "/api/v1/recommendations/similar/{id}?age_months={age}&limit=50"
            ));
        }
        for uri in uris {
            let (status, body) = get_json(&state, &uri).await;
            if uri.contains("/similar/") && status == 404 {
                continue;
            }
            assert_eq!(status, 200, "{uri}: {body}");
            let ids = body["products"]
                .as_array()
                .unwrap()
                .iter()
                .map(|product| product["id"].as_u64().unwrap())
                .collect();
            lists.push((uri, ids));
        }
        let asker = Asker {
            user: None,
            audience: engine::Audience::new(i64::from(age)).unwrap(),
        };
        let for_you = recommend(
            &state,
            asker,
            RecommendKind::ForYou(history.clone()),
            50,
            engine::Lang::Uz,
        )
        .await
        .unwrap();
        lists.push((
            format!("for you at {age}"),
            for_you.items.iter().map(|item| item.hit.id.0).collect(),
        ));
        for (what, ids) in lists {
            for id in ids {
                let product = products[&id];
                assert!(
                    product.unsafe_label.is_none(),
                    "{what}: unsafe product {id} ({:?}) recommended",
                    product.unsafe_label
                );
                assert!(
                    product.age_min_months <= age && age <= product.age_max_months,
                    "{what}: product {id} outside age {age}"
                );
            }
        }
    }
    // Every unsafe listing is not found as the subject of "similar" too.
    for id in &unsafe_ids {
        let (status, _) = get_json(
            &state,
            &format!("/api/v1/recommendations/similar/{id}?age_months=72"),
        )
        .await;
        assert_eq!(status, 404, "unsafe product {id}");
    }
}
