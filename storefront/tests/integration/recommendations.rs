//! Recommendations through the HTTP API on SQLite and PostgreSQL (issue 4, item 5):
//! bought-together from paid orders only, co-views and trending from recorded views, for-you
//! from the caller's own history (guests refused, cold start for a new account), a child's
//! parental controls, bad input, and removal through the outbox of a rejected or re-flagged
//! product.

use crate::auth::{AuthApp, Reply, auth_app, call, user_with_role};
use crate::backend_tests;
use crate::checkout::{pay, place, scalar};
use crate::orders::family;
use crate::support::{TestDb, small_catalog};
use axum::http::Method;
use moderation::ModerationStatus;
use serde_json::{Value, json};
use storefront::auth::Role;
use storefront::db::Db;

const AGE: u16 = 72;

/// The small generated catalogue, seeded and indexed, with accounts.
async fn recs_app(test: TestDb) -> AuthApp {
    storefront::seed::seed_catalog(&test.db, &small_catalog())
        .await
        .unwrap();
    let app = auth_app(test).await;
    storefront::indexing::catch_up(&app.state.0, true)
        .await
        .unwrap();
    app
}

async fn refresh(app: &AuthApp) {
    storefront::recommendations::refresh_signals(&app.state.0)
        .await
        .unwrap();
}

fn ids(body: &Value) -> Vec<u64> {
    body["products"]
        .as_array()
        .unwrap_or_else(|| panic!("no products: {body}"))
        .iter()
        .map(|product| product["id"].as_u64().unwrap())
        .collect()
}

fn reason_of(body: &Value, id: u64) -> Option<String> {
    body["products"]
        .as_array()
        .unwrap()
        .iter()
        .find(|product| product["id"] == id)
        .map(|product| product["reason"].as_str().unwrap().to_owned())
}

async fn get(app: &AuthApp, uri: &str, token: Option<&str>) -> Reply {
    let mut request = call(Method::GET, uri);
    if let Some(token) = token {
        request = request.bearer(token);
    }
    request.send(app).await
}

/// A SKU of `product` with at least five in stock, if it has one.
async fn sku_of(db: &Db, product: u64) -> Option<String> {
    let sql = format!(
        "SELECT sku FROM product_variants WHERE product_id = {product} AND stock >= 5 \
         ORDER BY id LIMIT 1"
    );
    match db {
        Db::Sqlite(pool) => sqlx::query_scalar(&sql).fetch_optional(pool).await.unwrap(),
        Db::Postgres(pool) => sqlx::query_scalar(&sql).fetch_optional(pool).await.unwrap(),
    }
}

/// `count` products visible at [`AGE`] with stock, as (id, sku), in trending order.
async fn visible_products(app: &AuthApp, count: usize) -> Vec<(u64, String)> {
    let reply = get(
        app,
        &format!("/api/v1/recommendations/trending?age_months={AGE}&limit=50"),
        None,
    )
    .await;
    let mut found = Vec::new();
    for id in ids(reply.expect(200)) {
        if let Some(sku) = sku_of(&app.test.db, id).await {
            found.push((id, sku));
        }
        if found.len() == count {
            return found;
        }
    }
    panic!("only {} visible products with stock", found.len());
}

/// Places and (when `paid`) pays an order of one unit of each SKU.
async fn order(app: &AuthApp, token: &str, skus: &[&str], paid: bool) {
    let lines: Vec<Value> = skus
        .iter()
        .map(|sku| json!({ "sku": sku, "quantity": 1 }))
        .collect();
    let reply = place(app, token, Value::Array(lines)).await;
    let id = reply.expect(201)["id"].as_i64().unwrap();
    if paid {
        pay(app, id).await;
    }
}

async fn view(app: &AuthApp, token: &str, product: u64) {
    let reply = call(Method::POST, &format!("/api/v1/recently-viewed/{product}"))
        .bearer(token)
        .send(app)
        .await;
    assert_eq!(reply.status.as_u16(), 204, "{:?}", reply.body);
    app.clock.advance(chrono::Duration::seconds(5));
}

backend_tests!(
    bought_together_comes_from_paid_orders_only,
    |test: TestDb| async move {
        let app = recs_app(test).await;
        let products = visible_products(&app, 4).await;
        let [(a, sku_a), (b, sku_b), (c, sku_c), (d, sku_d)] = &products[..] else {
            unreachable!()
        };
        let (_, parent) = user_with_role(&app, Role::Parent).await;
        order(&app, &parent, &[sku_a, sku_b], true).await;
        order(&app, &parent, &[sku_a, sku_b], true).await;
        order(&app, &parent, &[sku_a, sku_c], true).await;
        // Placed but never paid: not a purchase.
        order(&app, &parent, &[sku_a, sku_d], false).await;
        order(&app, &parent, &[sku_a, sku_d], false).await;
        refresh(&app).await;
        let reply = get(
            &app,
            &format!("/api/v1/recommendations/bought-together/{a}?age_months={AGE}&lang=ru"),
            None,
        )
        .await;
        let body = reply.expect(200);
        assert_eq!(body["kind"], "bought_together");
        assert_eq!(body["cold_start"], false);
        assert_eq!(body["products"].as_array().unwrap().len(), 10);
        assert_eq!(ids(body)[..2], [*b, *c], "{body}");
        assert_eq!(reason_of(body, *b).as_deref(), Some("bought_together"));
        assert_ne!(reason_of(body, *d).as_deref(), Some("bought_together"));
        assert!(!ids(body).contains(a));
        // The parent's own purchases are never recommended back to them.
        let mine = get(
            &app,
            &format!("/api/v1/recommendations/for-you?age_months={AGE}"),
            Some(&parent),
        )
        .await;
        let mine = mine.expect(200);
        assert_eq!(mine["cold_start"], false);
        for bought in [a, b, c] {
            assert!(!ids(mine).contains(bought), "{bought} bought: {mine}");
        }
    }
);

backend_tests!(
    views_feed_co_views_and_trending_and_for_you_reads_only_the_callers_history,
    |test: TestDb| async move {
        let app = recs_app(test).await;
        let products = visible_products(&app, 4).await;
        let [(x, _), (y, _), (z, _), (w, _)] = &products[..] else {
            unreachable!()
        };
        call(
            Method::GET,
            &format!("/api/v1/recommendations/for-you?age_months={AGE}"),
        )
        .send(&app)
        .await
        .expect_error(401, "unauthenticated");
        let (alice_id, alice) = user_with_role(&app, Role::Parent).await;
        view(&app, &alice, *x).await;
        // A second look within the hour counts once in trending.
        view(&app, &alice, *x).await;
        for _ in 0..2 {
            let (_, other) = user_with_role(&app, Role::Parent).await;
            view(&app, &other, *x).await;
            view(&app, &other, *y).await;
        }
        let (_, dave) = user_with_role(&app, Role::Parent).await;
        view(&app, &dave, *z).await;
        view(&app, &dave, *w).await;
        let counted = scalar(
            &app.test.db,
            &format!(
                "SELECT CAST(SUM(views) AS BIGINT) FROM product_view_days WHERE product_id = {x}"
            ),
        )
        .await;
        assert_eq!(counted, 3);
        refresh(&app).await;

        let trending = get(
            &app,
            &format!("/api/v1/recommendations/trending?age_months={AGE}&limit=5"),
            None,
        )
        .await;
        assert_eq!(ids(trending.expect(200))[..2], [*x, *y]);

        let similar = get(
            &app,
            &format!("/api/v1/recommendations/similar/{x}?age_months={AGE}&limit=20"),
            None,
        )
        .await;
        let similar = similar.expect(200);
        assert_eq!(similar["kind"], "similar");
        assert_eq!(similar["cold_start"], false);
        assert_eq!(
            reason_of(similar, *y).as_deref(),
            Some("co_viewed"),
            "{similar}"
        );
        assert!(!ids(similar).contains(x));

        let mine = get(
            &app,
            &format!("/api/v1/recommendations/for-you?age_months={AGE}&limit=20"),
            Some(&alice),
        )
        .await;
        let mine = mine.expect(200);
        assert_eq!(mine["kind"], "for_you");
        assert_eq!(mine["cold_start"], false);
        assert_eq!(ids(mine)[0], *y, "{mine}");
        // A new account starts cold with trending, and cannot borrow Alice's history: there
        // is no parameter naming a user (an unknown one is ignored).
        let (_, eve) = user_with_role(&app, Role::Parent).await;
        let theirs = get(
            &app,
            &format!(
                "/api/v1/recommendations/for-you?age_months={AGE}&user_id={}",
                alice_id.0
            ),
            Some(&eve),
        )
        .await;
        let theirs = theirs.expect(200);
        assert_eq!(theirs["cold_start"], true);
        assert!(
            theirs["products"]
                .as_array()
                .unwrap()
                .iter()
                .all(|product| product["reason"] == "trending")
        );
    }
);

/// A full controls body (PUT replaces them).
fn controls(extra: Value) -> Value {
    let mut body = json!({ "approval_mode": "every_purchase" });
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    body
}

backend_tests!(
    a_childs_recommendations_follow_the_parental_controls,
    |test: TestDb| async move {
        let app = recs_app(test).await;
        let family = family(&app).await;
        let set = |extra: Value| {
            call(
                Method::PUT,
                &format!("/api/v1/family/children/{}/controls", family.child_id),
            )
            .bearer(&family.parent)
            .json(controls(extra))
        };
        let catalog = app.state.0.catalog();
        let trending = format!("/api/v1/recommendations/trending?age_months={AGE}&limit=50");
        let before = get(&app, &trending, Some(&family.child)).await;
        let before = before.expect(200).clone();
        let first = &before["products"][0];
        let blocked_root = catalog
            .taxonomy
            .path(first["category"]["id"].as_u64().unwrap())[0];
        set(json!({ "blocked_category_ids": [blocked_root] }))
            .send(&app)
            .await
            .expect(200);
        let after = get(&app, &trending, Some(&family.child)).await;
        let after = after.expect(200);
        assert!(!ids(after).is_empty());
        for product in after["products"].as_array().unwrap() {
            let path = catalog
                .taxonomy
                .path(product["category"]["id"].as_u64().unwrap());
            assert!(
                !path.contains(&blocked_root),
                "blocked category shown: {product}"
            );
        }
        // The parent sees everything still.
        let parents = get(&app, &trending, Some(&family.parent)).await;
        assert_eq!(ids(parents.expect(200)), ids(&before));

        // Approved items only: exactly the approved product.
        let approved = before["products"][3]["id"].as_u64().unwrap();
        set(json!({ "search_mode": "approved_items_only", "approved_product_ids": [approved] }))
            .send(&app)
            .await
            .expect(200);
        for uri in [
            trending.clone(),
            format!("/api/v1/recommendations/for-you?age_months={AGE}"),
        ] {
            let reply = get(&app, &uri, Some(&family.child)).await;
            assert_eq!(ids(reply.expect(200)), vec![approved], "{uri}");
        }
        // Around the approved product itself: nothing else is approved.
        for kind in ["similar", "bought-together"] {
            let reply = get(
                &app,
                &format!("/api/v1/recommendations/{kind}/{approved}?age_months={AGE}"),
                Some(&family.child),
            )
            .await;
            assert_eq!(ids(reply.expect(200)), Vec::<u64>::new(), "{kind}");
        }
        // Another product is not found for this child.
        let other = before["products"][4]["id"].as_u64().unwrap();
        get(
            &app,
            &format!("/api/v1/recommendations/similar/{other}?age_months={AGE}"),
            Some(&family.child),
        )
        .await
        .expect_error(404, "product_not_found");

        // Search off: no recommendations either.
        set(json!({ "search_mode": "off" }))
            .send(&app)
            .await
            .expect(200);
        for uri in [
            trending.clone(),
            format!("/api/v1/recommendations/for-you?age_months={AGE}"),
            format!("/api/v1/recommendations/similar/{approved}?age_months={AGE}"),
            format!("/api/v1/recommendations/bought-together/{approved}?age_months={AGE}"),
        ] {
            get(&app, &uri, Some(&family.child))
                .await
                .expect_error(403, "search_disabled");
        }
        get(&app, &trending, None).await.expect(200);
    }
);

backend_tests!(
    bad_recommendation_input_gets_a_4xx,
    |test: TestDb| async move {
        let app = recs_app(test).await;
        let products = visible_products(&app, 1).await;
        let visible = products[0].0;
        let (_, parent) = user_with_role(&app, Role::Parent).await;
        // A product for babies only is not found for a teenager, like the product page.
        let baby_only = scalar(
            &app.test.db,
            "SELECT id FROM products WHERE status = 'approved' AND age_max_months < 100 \
         ORDER BY id LIMIT 1",
        )
        .await;
        let pending = scalar(
            &app.test.db,
            "SELECT id FROM products WHERE status <> 'approved' ORDER BY id LIMIT 1",
        )
        .await;
        let base = "/api/v1/recommendations";
        for (uri, status, code) in [
            (format!("{base}/trending"), 400, "missing_age"),
            (format!("{base}/trending?age_months="), 400, "missing_age"),
            (
                format!("{base}/trending?age_months=217"),
                400,
                "invalid_age",
            ),
            (format!("{base}/trending?age_months=-3"), 400, "invalid_age"),
            (
                format!("{base}/trending?age_months=60&limit=0"),
                400,
                "invalid_limit",
            ),
            (
                format!("{base}/trending?age_months=60&limit=51"),
                400,
                "invalid_limit",
            ),
            (
                format!("{base}/trending?age_months=60&limit=99999999999999999999"),
                400,
                "invalid_limit",
            ),
            (
                format!("{base}/trending?age_months=60&lang=xx"),
                400,
                "invalid_lang",
            ),
            (
                format!("{base}/trending?age_months=%FF"),
                400,
                "invalid_utf8",
            ),
            (
                format!("{base}/similar/abc?age_months=60"),
                400,
                "invalid_product_id",
            ),
            (
                format!("{base}/similar/0?age_months=60"),
                400,
                "invalid_product_id",
            ),
            (
                format!("{base}/similar/-5?age_months=60"),
                400,
                "invalid_product_id",
            ),
            (
                format!("{base}/bought-together/99999999999999999999?age_months=60"),
                400,
                "invalid_product_id",
            ),
            (format!("{base}/similar/{visible}"), 400, "missing_age"),
            (
                format!("{base}/similar/999999?age_months=60"),
                404,
                "product_not_found",
            ),
            (
                format!("{base}/similar/{pending}?age_months=60"),
                404,
                "product_not_found",
            ),
            (
                format!("{base}/similar/{baby_only}?age_months=200"),
                404,
                "product_not_found",
            ),
            (
                format!("{base}/for-you?age_months=60&limit=100"),
                400,
                "invalid_limit",
            ),
        ] {
            get(&app, &uri, Some(&parent))
                .await
                .expect_error(status, code);
        }
        // An unknown product has nothing bought with it: trending fills the list.
        let reply = get(
            &app,
            &format!("{base}/bought-together/999999?age_months=60"),
            None,
        )
        .await;
        assert_eq!(reply.expect(200)["cold_start"], true);
    }
);

backend_tests!(
    a_rejected_or_reflagged_product_leaves_every_recommendation,
    |test: TestDb| async move {
        let app = recs_app(test).await;
        let products = visible_products(&app, 3).await;
        let [(a, sku_a), (b, sku_b), (c, sku_c)] = &products[..] else {
            unreachable!()
        };
        let (_, parent) = user_with_role(&app, Role::Parent).await;
        for _ in 0..2 {
            order(&app, &parent, &[sku_a, sku_b, sku_c], true).await;
        }
        let (_, viewer) = user_with_role(&app, Role::Parent).await;
        for product in [a, b, c] {
            view(&app, &viewer, *product).await;
        }
        for _ in 0..3 {
            let (_, other) = user_with_role(&app, Role::Parent).await;
            view(&app, &other, *a).await;
            view(&app, &other, *b).await;
            view(&app, &other, *c).await;
        }
        refresh(&app).await;
        let lists = |token: String| {
            let app = &app;
            async move {
                let mut all = Vec::new();
                for uri in [
                    format!("/api/v1/recommendations/similar/{a}?age_months={AGE}&limit=50"),
                    format!(
                        "/api/v1/recommendations/bought-together/{a}?age_months={AGE}&limit=50"
                    ),
                    format!("/api/v1/recommendations/trending?age_months={AGE}&limit=50"),
                    format!("/api/v1/recommendations/for-you?age_months={AGE}&limit=50"),
                ] {
                    let reply = get(app, &uri, Some(&token)).await;
                    all.push((uri, ids(reply.expect(200))));
                }
                all
            }
        };
        // The viewer bought nothing: b and c are in every list.
        for (uri, list) in lists(viewer.clone()).await {
            assert!(list.contains(b) && list.contains(c), "{uri}: {list:?}");
        }
        // A moderator rejects b, and c is re-flagged (held for review again); the outbox takes
        // both out of the index. The signals are not refreshed: they still name b and c.
        app.test
            .db
            .set_product_status(*b as i64, ModerationStatus::Rejected, "[]")
            .await
            .unwrap();
        app.test
            .db
            .set_product_status(*c as i64, ModerationStatus::Pending, "[]")
            .await
            .unwrap();
        while storefront::indexing::sync_once(&app.state.0).await.unwrap() > 0 {}
        for (uri, list) in lists(viewer.clone()).await {
            assert!(!list.contains(b), "rejected {b} still in {uri}: {list:?}");
            assert!(!list.contains(c), "re-flagged {c} still in {uri}: {list:?}");
            assert!(!list.is_empty(), "{uri}");
        }
        for gone in [b, c] {
            get(
                &app,
                &format!("/api/v1/recommendations/similar/{gone}?age_months={AGE}"),
                None,
            )
            .await
            .expect_error(404, "product_not_found");
        }
    }
);

// recs:
/// The product ids linked from the page section `id`, in order (empty when absent).
fn section_products(html: &str, id: &str) -> Vec<u64> {
    let Some(start) = html.find(&format!("<section id=\"{id}\"")) else {
        return Vec::new();
    };
    let section = &html[start..];
    let section = &section[..section.find("</section>").expect("the section ends")];
    section
        .split("href=\"/products/")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].parse().unwrap())
        .collect()
}

backend_tests!(
    the_product_page_shows_similar_items_and_bought_together_from_the_engine,
    |test: TestDb| async move {
        let app = recs_app(test).await;
        let products = visible_products(&app, 4).await;
        let [(a, sku_a), (b, sku_b), (c, sku_c), (d, sku_d)] = &products[..] else {
            unreachable!()
        };
        let (_, parent) = user_with_role(&app, Role::Parent).await;
        order(&app, &parent, &[sku_a, sku_b], true).await;
        order(&app, &parent, &[sku_a, sku_b], true).await;
        order(&app, &parent, &[sku_a, sku_c], true).await;
        order(&app, &parent, &[sku_a, sku_d], false).await;
        refresh(&app).await;
        let mut browser = crate::web::Browser::new(&app.state);
        let page = browser
            .get(&format!("/products/{a}?age_months={AGE}&lang=en"))
            .await;
        assert_eq!(page.status.as_u16(), 200);
        assert!(page.html.contains("Frequently bought together"));
        assert!(page.html.contains("Similar items"));
        let together = section_products(&page.html, "bought-together");
        let similar = section_products(&page.html, "similar");
        // The same lists, in the same order, as the API gives for this audience.
        let api = |kind: &'static str| {
            let app = &app;
            async move {
                let uri = format!(
                    "/api/v1/recommendations/{kind}/{a}?age_months={AGE}&limit={}",
                    storefront::web::product::RECOMMENDATIONS_SHOWN
                );
                ids(get(app, &uri, None).await.expect(200))
            }
        };
        assert_eq!(together[..2], [*b, *c], "{together:?}");
        // An order never paid is not a purchase.
        assert!(!together[..2].contains(d));
        assert_eq!(together, api("bought-together").await);
        assert_eq!(similar, api("similar").await);
        assert!(!similar.is_empty());
        assert!(!together.contains(a) && !similar.contains(a));
        // Every product shown is approved and suits the page's audience.
        let shown: Vec<String> = together
            .iter()
            .chain(&similar)
            .map(u64::to_string)
            .collect();
        let suitable = scalar(
            &app.test.db,
            &format!(
                "SELECT COUNT(DISTINCT id) FROM products WHERE id IN ({}) \
                 AND status = 'approved' AND age_min_months <= {AGE} AND age_max_months >= {AGE}",
                shown.join(",")
            ),
        )
        .await;
        let distinct: std::collections::BTreeSet<&String> = shown.iter().collect();
        assert_eq!(suitable, distinct.len() as i64);

        // Without an age on the page: for the youngest the product is made for.
        let youngest = scalar(
            &app.test.db,
            &format!("SELECT age_min_months FROM products WHERE id = {a}"),
        )
        .await;
        let page = browser.get(&format!("/products/{a}")).await;
        assert_eq!(page.status.as_u16(), 200);
        let uri = format!(
            "/api/v1/recommendations/similar/{a}?age_months={youngest}&limit={}",
            storefront::web::product::RECOMMENDATIONS_SHOWN
        );
        assert_eq!(
            section_products(&page.html, "similar"),
            ids(get(&app, &uri, None).await.expect(200))
        );
        // An audience the product does not suit: the page still shows the product, and no
        // similar items (the engine refuses a product the audience may not see).
        let age_max = scalar(
            &app.test.db,
            &format!("SELECT age_max_months FROM products WHERE id = {a}"),
        )
        .await;
        if age_max < 216 {
            let page = browser
                .get(&format!("/products/{a}?age_months={}", age_max + 1))
                .await;
            assert_eq!(page.status.as_u16(), 200);
            assert!(section_products(&page.html, "similar").is_empty());
            assert!(!page.html.contains("id=\"similar\""));
        }
    }
);
