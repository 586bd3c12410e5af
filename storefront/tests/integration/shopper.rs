//! Shopper features (issue 7, item 7) through the HTTP API on both backends: the wishlist per
//! account, comparison of 2 to 4 products under the audience's age, recently viewed per
//! account and per device (capped at 50), and re-ordering an old order's still-available
//! lines. Bad input answers 4xx with stable codes.

use crate::auth::{AuthApp, call, user_with_role};
use crate::backend_tests;
use crate::checkout::{exec, place, shop_app};
use crate::support::TestDb;
use axum::http::Method;
use serde_json::{Value, json};
use storefront::auth::Role;

fn ids(body: &Value) -> Vec<i64> {
    body["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect()
}

/// Adds approved products `first..first+count` (toddler toys, 0–24 months) with a variant each.
async fn add_products(app: &AuthApp, first: i64, count: i64) {
    for id in first..first + count {
        exec(
            &app.test.db,
            &format!(
                "INSERT INTO products (id, seller_id, category_id, title_en, age_min_months, \
                 age_max_months, status, created_at, updated_at) VALUES ({id}, 2, 1, 'Kubik {id}', \
                 0, 24, 'approved', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')"
            ),
        )
        .await;
        exec(
            &app.test.db,
            &format!(
                "INSERT INTO product_variants (id, product_id, sku, options, price_tiyin, stock) \
                 VALUES ({id}, {id}, 'KUBIK-{id}', '{{\"colour\":\"red\"}}', {}, 3)",
                100_000 * id
            ),
        )
        .await;
    }
}

backend_tests!(the_wishlist_is_per_account, |test: TestDb| async move {
    let app = shop_app(test).await;
    let (_, alice) = user_with_role(&app, Role::Parent).await;
    let (_, bob) = user_with_role(&app, Role::Parent).await;
    for id in [1, 2, 1] {
        let reply = call(Method::PUT, &format!("/api/v1/wishlist/{id}"))
            .bearer(&alice)
            .send(&app)
            .await;
        assert_eq!(reply.status.as_u16(), 204);
        app.clock.advance(chrono::Duration::seconds(1));
    }
    let mine = call(Method::GET, "/api/v1/wishlist")
        .bearer(&alice)
        .send(&app)
        .await;
    assert_eq!(ids(mine.expect(200)), vec![2, 1]);
    let theirs = call(Method::GET, "/api/v1/wishlist")
        .bearer(&bob)
        .send(&app)
        .await;
    assert_eq!(ids(theirs.expect(200)), Vec::<i64>::new());
    // Bob cannot remove Alice's item: it is not in his wishlist.
    call(Method::DELETE, "/api/v1/wishlist/1")
        .bearer(&bob)
        .send(&app)
        .await
        .expect_error(404, "not_in_wishlist");
    // Pending, unknown and malformed products.
    for (uri, status, code) in [
        ("/api/v1/wishlist/3", 404, "product_not_found"),
        ("/api/v1/wishlist/999", 404, "product_not_found"),
        ("/api/v1/wishlist/abc", 400, "invalid_product_id"),
        ("/api/v1/wishlist/0", 400, "invalid_product_id"),
        ("/api/v1/wishlist/-1", 400, "invalid_product_id"),
        (
            "/api/v1/wishlist/99999999999999999999",
            400,
            "invalid_product_id",
        ),
    ] {
        call(Method::PUT, uri)
            .bearer(&alice)
            .send(&app)
            .await
            .expect_error(status, code);
    }
    // Guests have no wishlist.
    call(Method::GET, "/api/v1/wishlist")
        .send(&app)
        .await
        .expect_error(401, "unauthenticated");
    // A product taken down by moderation disappears.
    exec(
        &app.test.db,
        "UPDATE products SET status = 'rejected' WHERE id = 2",
    )
    .await;
    let mine = call(Method::GET, "/api/v1/wishlist")
        .bearer(&alice)
        .send(&app)
        .await;
    assert_eq!(ids(mine.expect(200)), vec![1]);
    let removed = call(Method::DELETE, "/api/v1/wishlist/1")
        .bearer(&alice)
        .send(&app)
        .await;
    assert_eq!(removed.status.as_u16(), 204);
    let mine = call(Method::GET, "/api/v1/wishlist")
        .bearer(&alice)
        .send(&app)
        .await;
    assert_eq!(ids(mine.expect(200)), Vec::<i64>::new());
});

backend_tests!(
    products_are_compared_side_by_side_under_the_audience_age,
    |test: TestDb| async move {
        let app = shop_app(test).await;
        add_products(&app, 10, 2).await;
        let reply = call(Method::GET, "/api/v1/compare?ids=1,2,10,11&lang=en")
            .send(&app)
            .await;
        let body = reply.expect(200);
        assert_eq!(ids(body), vec![1, 2, 10, 11]);
        let row = |name: &str| {
            body["attributes"]
                .as_array()
                .unwrap()
                .iter()
                .find(|row| row["name"] == name)
                .unwrap_or_else(|| panic!("no attribute {name}: {body}"))
                .clone()
        };
        assert_eq!(
            row("price")["values"],
            json!([2_000_000, 4_550_000, 1_000_000, 1_100_000]) // lowest variant price (LAST-1 for the robot)
        );
        assert_eq!(row("price")["differs"], true);
        assert_eq!(row("age_min_months")["values"], json!([36, 36, 0, 0]));
        assert_eq!(
            row("option:colour")["values"],
            json!([null, null, "red", "red"])
        );
        assert_eq!(row("in_stock")["differs"], false);
        // A 5-year-old's audience does not see the toddler toys.
        call(Method::GET, "/api/v1/compare?ids=1,10&age_months=60")
            .send(&app)
            .await
            .expect_error(404, "product_not_found");
        call(Method::GET, "/api/v1/compare?ids=1,2&age_months=60")
            .send(&app)
            .await
            .expect(200);
        for (uri, status, code) in [
            ("/api/v1/compare", 400, "invalid_compare"),
            ("/api/v1/compare?ids=1", 400, "invalid_compare"),
            ("/api/v1/compare?ids=1,2,10,11,1", 400, "invalid_compare"),
            ("/api/v1/compare?ids=1,1", 400, "invalid_compare"),
            ("/api/v1/compare?ids=1,abc", 400, "invalid_product_id"),
            ("/api/v1/compare?ids=1,", 400, "invalid_product_id"),
            ("/api/v1/compare?ids=1,2&age_months=999", 400, "invalid_age"),
            ("/api/v1/compare?ids=1,2&lang=xx", 400, "invalid_lang"),
            ("/api/v1/compare?ids=1,3", 404, "product_not_found"),
            ("/api/v1/compare?ids=1,999", 404, "product_not_found"),
        ] {
            call(Method::GET, uri)
                .send(&app)
                .await
                .expect_error(status, code);
        }
    }
);

backend_tests!(
    recently_viewed_is_per_account_and_per_device_and_capped,
    |test: TestDb| async move {
        let app = shop_app(test).await;
        add_products(&app, 100, 55).await;
        let device = "device-token-0123456789abcdef";
        let view = |id: i64, token: Option<&str>, bearer: Option<&str>| {
            let mut request = call(Method::POST, &format!("/api/v1/recently-viewed/{id}"));
            if let Some(token) = token {
                request = request.header("X-Device-Token", token);
            }
            if let Some(bearer) = bearer {
                request = request.bearer(bearer);
            }
            request
        };
        for id in 100..155 {
            let reply = view(id, Some(device), None).send(&app).await;
            assert_eq!(reply.status.as_u16(), 204, "{:?}", reply.body);
            app.clock.advance(chrono::Duration::seconds(1));
        }
        // Viewing an old one again moves it to the front.
        let reply = view(120, Some(device), None).send(&app).await;
        assert_eq!(reply.status.as_u16(), 204);
        let listed = call(Method::GET, "/api/v1/recently-viewed")
            .header("X-Device-Token", device)
            .send(&app)
            .await;
        let listed = ids(listed.expect(200));
        assert_eq!(listed.len(), 50);
        assert_eq!(listed[0], 120);
        assert_eq!(listed[1], 154);
        assert!(!listed.contains(&104), "the oldest views were dropped");
        assert_eq!(
            crate::checkout::scalar(&app.test.db, "SELECT COUNT(*) FROM recently_viewed").await,
            50
        );
        // Another device and a signed-in account have their own lists.
        let other = call(Method::GET, "/api/v1/recently-viewed")
            .header("X-Device-Token", "another-device-token-xyz")
            .send(&app)
            .await;
        assert_eq!(ids(other.expect(200)), Vec::<i64>::new());
        let (_, parent) = user_with_role(&app, Role::Parent).await;
        let reply = view(1, None, Some(&parent)).send(&app).await;
        assert_eq!(reply.status.as_u16(), 204);
        let mine = call(Method::GET, "/api/v1/recently-viewed")
            .bearer(&parent)
            .send(&app)
            .await;
        assert_eq!(ids(mine.expect(200)), vec![1]);
        // Bad input.
        view(1, None, None)
            .send(&app)
            .await
            .expect_error(400, "device_token_required");
        view(1, Some("short"), None)
            .send(&app)
            .await
            .expect_error(400, "device_token_required");
        view(1, Some("bad token with spaces!!"), None)
            .send(&app)
            .await
            .expect_error(400, "device_token_required");
        view(3, Some(device), None)
            .send(&app)
            .await
            .expect_error(404, "product_not_found");
        view(0, Some(device), None)
            .send(&app)
            .await
            .expect_error(400, "invalid_product_id");
        call(Method::GET, "/api/v1/recently-viewed")
            .send(&app)
            .await
            .expect_error(400, "device_token_required");
    }
);

backend_tests!(
    an_old_order_is_reordered_with_its_available_lines,
    |test: TestDb| async move {
        let app = shop_app(test).await;
        let (_, alice) = user_with_role(&app, Role::Parent).await;
        let (_, bob) = user_with_role(&app, Role::Parent).await;
        let order = place(
            &app,
            &alice,
            json!([{ "sku": "ROBOT-1", "quantity": 2 }, { "sku": "BOOK-1", "quantity": 1 }]),
        )
        .await;
        let id = order.expect(201)["id"].as_i64().unwrap();
        // The book is taken down since.
        exec(
            &app.test.db,
            "UPDATE products SET status = 'rejected' WHERE id = 2",
        )
        .await;
        let uri = format!("/api/v1/orders/{id}/reorder");
        // Another buyer's order is not found.
        call(Method::POST, &uri)
            .bearer(&bob)
            .send(&app)
            .await
            .expect_error(404, "order_not_found");
        call(Method::POST, &uri)
            .send(&app)
            .await
            .expect_error(401, "unauthenticated");
        for bad in [
            "/api/v1/orders/999999/reorder",
            "/api/v1/orders/abc/reorder",
        ] {
            call(Method::POST, bad)
                .bearer(&alice)
                .send(&app)
                .await
                .expect_error(404, "order_not_found");
        }
        let reply = call(Method::POST, &uri).bearer(&alice).send(&app).await;
        let body = reply.expect(200);
        assert_eq!(body["added"], json!([["ROBOT-1", 2]]));
        assert_eq!(body["skipped"][0]["sku"], "BOOK-1");
        assert_eq!(body["skipped"][0]["reason"], "product_unavailable");
        let cart = call(Method::GET, "/api/v1/cart")
            .bearer(&alice)
            .send(&app)
            .await;
        let lines = cart.expect(200)["lines"].as_array().unwrap().clone();
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0]["sku"], "ROBOT-1");
        assert_eq!(lines[0]["quantity"], 2);
        // Bob's cart is untouched.
        let cart = call(Method::GET, "/api/v1/cart")
            .bearer(&bob)
            .send(&app)
            .await;
        assert_eq!(cart.expect(200)["lines"], json!([]));
    }
);
