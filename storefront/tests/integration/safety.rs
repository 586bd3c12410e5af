//! The planted unsafe listings of the sample never reach any audience.

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
