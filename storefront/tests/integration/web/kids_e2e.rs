//! Browser tests of kids' mode, the parent panel and the offline app in real headless Chromium
//! (issue 9): the server of [`super::e2e`] on a random port with the generated catalogue,
//! driven by `storefront/e2e/kids.js`. Missing Chromium, node or the npm packages FAIL the test.
//!
//! Scenarios: (a) a parent adds a child and records consent in the parent panel's forms, the
//! child in kids' mode asks to buy and the parent approves in the parent panel (then bedtime
//! shows the lock screen); (b) offline: after visiting pages, with the network
//! cut, the cached pages, a category and the recently viewed products still open, an uncached
//! page shows the offline page, and a wishlist addition queued offline arrives once online;
//! (c) axe-core on every new page type in adult and kids' modes (no serious or critical
//! violation) and kids' touch targets of at least 48×48 px; (d) screenshots of every new page
//! type at 390×844 and 1280×800 into the same artifacts directory as [`super::e2e`].

use super::e2e::{build_state, ensure_toolchain, run_node, seed, serve};
use crate::checkout::scalar;
use crate::support::{Backend, test_db};
use serde_json::json;
use std::path::Path;
use storefront::AppState;
use storefront::db::Db;

/// The child's age band in the scenario ("6-8": the kids' pages use 84 months).
const CHILD_AGE_MONTHS: u16 = 84;

/// A product the child can find by a word of its Uzbek title, and that word.
async fn pick_kids_product(state: &AppState) -> (u64, String) {
    let Db::Sqlite(pool) = &state.0.db else {
        unreachable!()
    };
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, title_uz FROM products WHERE status = 'approved' AND title_uz IS NOT NULL \
         AND id < 90000 AND age_min_months <= $1 AND age_max_months >= $1 ORDER BY id",
    )
    .bind(i64::from(CHILD_AGE_MONTHS))
    .fetch_all(pool)
    .await
    .unwrap();
    for (id, title) in rows {
        for word in title
            .split(|c: char| !c.is_alphabetic())
            .filter(|word| word.chars().count() >= 5)
        {
            let query = format!(
                "q={}&age_months={CHILD_AGE_MONTHS}&lang=uz&per_page=48",
                percent_encoding::utf8_percent_encode(word, percent_encoding::NON_ALPHANUMERIC)
            );
            let params = storefront::routes::search::SearchParams::parse(Some(&query)).unwrap();
            let found = storefront::routes::search::execute(state, params)
                .await
                .unwrap();
            // Early in the results, so the kids' page (a dozen products) shows it.
            if found.hits.iter().take(6).any(|hit| hit.id == id as u64) {
                return (id as u64, word.to_owned());
            }
        }
    }
    panic!("no product a child can find by a word of its title");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn chromium_kids_mode_parent_panel_offline_accessibility_and_screenshots() {
    ensure_toolchain();
    let test = test_db(Backend::Sqlite).await;
    seed(&test.db).await;
    let state = build_state(&test).await;
    let (kids_product, kids_query) = pick_kids_product(&state).await;
    let Db::Sqlite(pool) = &state.0.db else {
        unreachable!()
    };
    let products: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM products WHERE status = 'approved' AND id < 90000 AND id <> $1 \
         ORDER BY id LIMIT 5",
    )
    .bind(kids_product as i64)
    .fetch_all(pool)
    .await
    .unwrap();
    assert_eq!(products.len(), 5);
    let (addr, server) = serve(&state).await;
    let artifacts = Path::new(env!("CARGO_TARGET_TMPDIR")).join("e2e-screenshots");
    let config = json!({
        "baseUrl": format!("http://{addr}"),
        "artifactsDir": artifacts,
        "noticeVersion": storefront::auth::family::CURRENT_NOTICE_VERSION,
        "pin": "2580",
        "password": "Qovun-va-tarvuz-2026",
        "kids": { "productId": kids_product, "query": kids_query },
        "products": &products[..4],
        "uncachedProductId": products[4],
    });
    let results = run_node("kids.js", &config, test.dir.path()).await;
    let passed: Vec<&str> = results
        .iter()
        .filter(|result| result["ok"] == true)
        .filter_map(|result| result["scenario"].as_str())
        .collect();
    assert_eq!(
        passed,
        [
            "kids_ask_parent_approves",
            "offline_cached_pages_and_queue",
            "axe_and_touch_targets",
            "screenshots_new_pages"
        ]
    );
    // The child's order was approved by the parent: it now waits for the parent's payment.
    assert_eq!(
        scalar(
            &test.db,
            "SELECT COUNT(*) FROM purchase_requests r JOIN orders o ON o.id = r.order_id \
             WHERE r.status = 'approved' AND o.status = 'pending_payment' AND o.child_id IS NOT NULL",
        )
        .await,
        1
    );
    // The wishlist addition queued offline reached the account.
    assert_eq!(
        scalar(
            &test.db,
            &format!(
                "SELECT COUNT(*) FROM wishlist_items WHERE product_id = {}",
                products[3]
            ),
        )
        .await,
        1
    );
    for page in [
        "parent",
        "parent-child",
        "parent-child-consent",
        "parent-child-consent-error",
        "kids-picker",
        "kids-home",
        "kids-search",
        "kids-product",
        "kids-asked",
        "kids-exit",
        "kids-lock",
        "wishlist",
        "compare",
        "recently-viewed",
        "offline",
    ] {
        for width in ["phone", "desktop"] {
            let file = artifacts.join(format!("{page}-{width}.png"));
            assert!(file.exists(), "{} missing", file.display());
        }
    }
    server.abort();
}
