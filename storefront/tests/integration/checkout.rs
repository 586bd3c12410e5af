//! Checkout through the HTTP API (issue 7, item 1): live prices and stock, multi-seller orders
//! split into shipments, delivery fees, promo codes, `Idempotency-Key`, and a table of bad
//! input that must answer 4xx with a stable code, never 5xx. Also the shared commerce fixture.

use crate::auth::{AuthApp, auth_app, call, user_with_role};
use crate::backend_tests;
use crate::support::TestDb;
use axum::http::Method;
use serde_json::{Value, json};
use storefront::auth::Role;
use storefront::commerce::OrderId;
use storefront::commerce::orders::{self, PaymentProvider};
use storefront::db::Db;

/// Runs one statement on either backend.
pub async fn exec(db: &Db, sql: &str) {
    match db {
        Db::Sqlite(pool) => {
            sqlx::query(sql).execute(pool).await.unwrap();
        }
        Db::Postgres(pool) => {
            sqlx::query(sql).execute(pool).await.unwrap();
        }
    }
}

/// Returns one integer.
pub async fn scalar(db: &Db, sql: &str) -> i64 {
    match db {
        Db::Sqlite(pool) => sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(pool)
            .await
            .unwrap(),
        Db::Postgres(pool) => sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(pool)
            .await
            .unwrap(),
    }
}

/// Prices (tiyin) and stock of the fixture's SKUs.
pub const ROBOT_PRICE: i64 = 10_000_000;
pub const BOOK_PRICE: i64 = 4_550_000;

/// Two sellers, two categories, and four SKUs: `ROBOT-1` (seller 1, toys, 5 in stock),
/// `BOOK-1` (seller 2, books, 10), `LAST-1` (seller 1, toys, 1) and `HIDDEN-1` (a product
/// still pending moderation).
pub async fn seed_shop(db: &Db) {
    for sql in [
        "INSERT INTO sellers (id, slug, name, region) VALUES \
         (1, 'shop-one', 'Shop One', 'tashkent_city'), (2, 'shop-two', 'Shop Two', 'samarkand')",
        "INSERT INTO categories (id, parent_id, slug, name_uz, name_uz_cyrl, name_ru, name_en, position) VALUES \
         (1, NULL, 'toys', 'O''yinchoqlar', 'Ўйинчоқлар', 'Игрушки', 'Toys', 0), \
         (2, NULL, 'books', 'Kitoblar', 'Китоблар', 'Книги', 'Books', 1)",
        "INSERT INTO products (id, seller_id, category_id, title_en, age_min_months, age_max_months, \
         status, created_at, updated_at) VALUES \
         (1, 1, 1, 'Robot', 36, 120, 'approved', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'), \
         (2, 2, 2, 'Ertaklar', 36, 120, 'approved', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'), \
         (3, 1, 1, 'Hidden', 36, 120, 'pending', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
        "INSERT INTO product_variants (id, product_id, sku, price_tiyin, stock) VALUES \
         (1, 1, 'ROBOT-1', 10000000, 5), (2, 2, 'BOOK-1', 4550000, 10), \
         (3, 1, 'LAST-1', 2000000, 1), (4, 3, 'HIDDEN-1', 1000000, 5)",
    ] {
        exec(db, sql).await;
    }
    db.sync_identity_sequences().await.unwrap();
}

/// An app with the shop seeded.
pub async fn shop_app(test: TestDb) -> AuthApp {
    let app = auth_app(test).await;
    seed_shop(&app.test.db).await;
    app
}

/// Courier delivery to Samarkand (25,000 so'm, never free).
pub fn courier() -> Value {
    json!({ "method": "courier", "region": "samarkand", "address": "Registon ko'chasi 7, 12-xonadon" })
}

/// Places an order for `token`; returns the reply.
pub async fn place(app: &AuthApp, token: &str, lines: Value) -> crate::auth::Reply {
    call(Method::POST, "/api/v1/orders")
        .bearer(token)
        .json(json!({ "lines": lines, "delivery": courier() }))
        .send(app)
        .await
}

/// Marks an order paid through the payment-facing API, in its own transaction.
pub async fn pay(app: &AuthApp, id: i64) -> orders::PaidOutcome {
    let mut tx = app.test.db.begin_write().await.unwrap();
    let mut conn = tx.conn();
    let outcome = orders::mark_paid(
        &mut conn,
        OrderId(id),
        PaymentProvider::Payme,
        app.state.0.auth.now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    outcome
}

/// stock, reserved, sold of a SKU.
pub async fn stock_of(db: &Db, sku: &str) -> (i64, i64, i64) {
    let q = |column: &str| format!("SELECT {column} FROM product_variants WHERE sku = '{sku}'");
    (
        scalar(db, &q("stock")).await,
        scalar(db, &q("reserved")).await,
        scalar(db, &q("sold")).await,
    )
}

backend_tests!(
    a_multi_seller_order_is_split_into_shipments_and_reserves_stock,
    |test: TestDb| async move {
        let app = shop_app(test).await;
        let (_, parent) = user_with_role(&app, Role::Parent).await;
        let reply = place(
            &app,
            &parent,
            json!([{ "sku": "ROBOT-1", "quantity": 2 }, { "sku": "BOOK-1", "quantity": 1 }]),
        )
        .await;
        let order = reply.expect(201).clone();
        assert_eq!(order["status"], "pending_payment");
        let subtotal = 2 * ROBOT_PRICE + BOOK_PRICE;
        assert_eq!(order["subtotal_tiyin"], subtotal);
        assert_eq!(order["delivery_fee_tiyin"], 2_500_000);
        assert_eq!(order["discount_tiyin"], 0);
        assert_eq!(order["total_tiyin"], subtotal + 2_500_000);
        let shipments = order["shipments"].as_array().unwrap();
        assert_eq!(shipments.len(), 2);
        assert_eq!(shipments[0]["seller_id"], 1);
        assert_eq!(shipments[0]["subtotal_tiyin"], 2 * ROBOT_PRICE);
        assert_eq!(shipments[1]["seller_id"], 2);
        assert_eq!(order["lines"].as_array().unwrap().len(), 2);
        let db = &app.test.db;
        assert_eq!(stock_of(db, "ROBOT-1").await, (3, 2, 0));
        assert_eq!(stock_of(db, "BOOK-1").await, (9, 1, 0));
        let id = order["id"].as_i64().unwrap();
        assert_eq!(
            scalar(
                db,
                &format!("SELECT COUNT(*) FROM order_history WHERE order_id = {id}")
            )
            .await,
            1
        );
        assert_eq!(
            scalar(
                db,
                &format!(
                    "SELECT COUNT(*) FROM order_events WHERE order_id = {id} AND kind = 'order_placed'"
                )
            )
            .await,
            1
        );
        // Paying turns the reservation into sales.
        assert_eq!(pay(&app, id).await, orders::PaidOutcome::Paid);
        assert_eq!(pay(&app, id).await, orders::PaidOutcome::AlreadyPaid);
        assert_eq!(stock_of(db, "ROBOT-1").await, (3, 0, 2));
        assert_eq!(stock_of(db, "BOOK-1").await, (9, 0, 1));
        // A total the buyer did not see is refused; the right one passes.
        let priced = |expected: i64| {
            call(Method::POST, "/api/v1/orders")
                .bearer(&parent)
                .json(json!({
                    "lines": [{ "sku": "BOOK-1", "quantity": 1 }],
                    "delivery": courier(),
                    "expected_total_tiyin": expected,
                }))
        };
        priced(BOOK_PRICE)
            .send(&app)
            .await
            .expect_error(409, "price_changed");
        priced(BOOK_PRICE + 2_500_000).send(&app).await.expect(201);
        // The pickup point in Tashkent is free.
        let pickup = call(Method::POST, "/api/v1/orders")
            .bearer(&parent)
            .json(json!({
                "lines": [{ "sku": "BOOK-1", "quantity": 1 }],
                "delivery": { "method": "pickup", "pickup_point_id": 1 },
            }))
            .send(&app)
            .await;
        assert_eq!(pickup.expect(201)["total_tiyin"], BOOK_PRICE);
    }
);

backend_tests!(
    the_cart_is_checked_out_and_emptied,
    |test: TestDb| async move {
        let app = shop_app(test).await;
        let (_, parent) = user_with_role(&app, Role::Parent).await;
        call(Method::POST, "/api/v1/cart/lines")
            .bearer(&parent)
            .json(json!({ "sku": "BOOK-1", "quantity": 3 }))
            .send(&app)
            .await
            .expect(200);
        let placed = call(Method::POST, "/api/v1/orders")
            .bearer(&parent)
            .json(json!({ "delivery": courier() }))
            .send(&app)
            .await;
        assert_eq!(placed.expect(201)["subtotal_tiyin"], 3 * BOOK_PRICE);
        let cart = call(Method::GET, "/api/v1/cart")
            .bearer(&parent)
            .send(&app)
            .await;
        assert_eq!(cart.expect(200)["lines"], json!([]));
        call(Method::POST, "/api/v1/orders")
            .bearer(&parent)
            .json(json!({ "delivery": courier() }))
            .send(&app)
            .await
            .expect_error(422, "empty_order");
    }
);

backend_tests!(promo_codes_follow_their_rules, |test: TestDb| async move {
    let app = shop_app(test).await;
    let db = &app.test.db;
    exec(
            db,
            "INSERT INTO promo_codes (code, kind, value, min_order_tiyin, seller_id, per_user_limit, created_at) VALUES \
             ('ROBOT10', 'percent', 10, 0, 1, 1, '2026-01-01T00:00:00Z'), \
             ('BIG', 'fixed', 500000, 50000000, NULL, 5, '2026-01-01T00:00:00Z')",
        )
        .await;
    exec(
        db,
        "INSERT INTO promo_codes (code, kind, value, expires_at, created_at) VALUES \
             ('OLD', 'fixed', 1000, '2020-01-01T00:00:00Z', '2019-01-01T00:00:00Z')",
    )
    .await;
    let (_, parent) = user_with_role(&app, Role::Parent).await;
    let order =
        |promo: &str| {
            call(Method::POST, "/api/v1/orders").bearer(&parent).json(json!({
                "lines": [{ "sku": "ROBOT-1", "quantity": 1 }, { "sku": "BOOK-1", "quantity": 1 }],
                "delivery": courier(),
                "promo_code": promo,
            }))
        };
    // 10 % of seller 1's lines only, lowercase accepted.
    let placed = order("robot10").send(&app).await;
    let body = placed.expect(201).clone();
    assert_eq!(body["discount_tiyin"], ROBOT_PRICE / 10);
    assert_eq!(
        body["total_tiyin"],
        ROBOT_PRICE + BOOK_PRICE - ROBOT_PRICE / 10 + 2_500_000
    );
    assert_eq!(body["shipments"][0]["discount_tiyin"], ROBOT_PRICE / 10);
    assert_eq!(body["shipments"][1]["discount_tiyin"], 0);
    order("ROBOT10")
        .send(&app)
        .await
        .expect_error(422, "promo_limit_reached");
    // Cancelling the order gives the use back.
    let id = body["id"].as_i64().unwrap();
    call(Method::POST, &format!("/api/v1/orders/{id}/cancel"))
        .bearer(&parent)
        .send(&app)
        .await
        .expect(200);
    order("ROBOT10").send(&app).await.expect(201);
    order("BIG")
        .send(&app)
        .await
        .expect_error(422, "promo_minimum_not_met");
    order("OLD")
        .send(&app)
        .await
        .expect_error(422, "promo_expired");
    order("NOPE")
        .send(&app)
        .await
        .expect_error(422, "unknown_promo_code");
    call(Method::POST, "/api/v1/orders")
        .bearer(&parent)
        .json(json!({
            "lines": [{ "sku": "BOOK-1", "quantity": 1 }],
            "delivery": courier(),
            "promo_code": "ROBOT10",
        }))
        .send(&app)
        .await
        .expect_error(422, "promo_not_applicable");
});

backend_tests!(
    an_idempotency_key_replays_the_first_reply,
    |test: TestDb| async move {
        let app = shop_app(test).await;
        let (_, parent) = user_with_role(&app, Role::Parent).await;
        let body = json!({ "lines": [{ "sku": "ROBOT-1", "quantity": 1 }], "delivery": courier() });
        let first = call(Method::POST, "/api/v1/orders")
            .bearer(&parent)
            .header("Idempotency-Key", "checkout-42")
            .json(body.clone())
            .send(&app)
            .await;
        let first_body = first.expect(201).clone();
        let again = call(Method::POST, "/api/v1/orders")
            .bearer(&parent)
            .header("Idempotency-Key", "checkout-42")
            .json(body.clone())
            .send(&app)
            .await;
        assert_eq!(again.expect(201), &first_body);
        assert_eq!(again.headers["idempotent-replayed"], "true");
        let db = &app.test.db;
        assert_eq!(scalar(db, "SELECT COUNT(*) FROM orders").await, 1);
        assert_eq!(stock_of(db, "ROBOT-1").await, (4, 1, 0));
        // Same key, other body.
        call(Method::POST, "/api/v1/orders")
            .bearer(&parent)
            .header("Idempotency-Key", "checkout-42")
            .json(json!({ "lines": [{ "sku": "ROBOT-1", "quantity": 2 }], "delivery": courier() }))
            .send(&app)
            .await
            .expect_error(422, "idempotency_key_reused");
        // Keys belong to their user: another parent's identical key is a new order.
        let (_, other) = user_with_role(&app, Role::Parent).await;
        call(Method::POST, "/api/v1/orders")
            .bearer(&other)
            .header("Idempotency-Key", "checkout-42")
            .json(body)
            .send(&app)
            .await
            .expect(201);
        assert_eq!(scalar(db, "SELECT COUNT(*) FROM orders").await, 2);
        // A failed request stores nothing: the key can be used once it would succeed.
        call(Method::POST, "/api/v1/orders")
            .bearer(&parent)
            .header("Idempotency-Key", "retry-me")
            .json(json!({ "lines": [{ "sku": "ROBOT-1", "quantity": 50 }], "delivery": courier() }))
            .send(&app)
            .await
            .expect_error(409, "out_of_stock");
        call(Method::POST, "/api/v1/orders")
            .bearer(&parent)
            .header("Idempotency-Key", "")
            .json(json!({ "lines": [{ "sku": "ROBOT-1", "quantity": 1 }], "delivery": courier() }))
            .send(&app)
            .await
            .expect_error(400, "invalid_idempotency_key");
    }
);

backend_tests!(
    bad_checkout_input_is_a_stable_4xx,
    |test: TestDb| async move {
        let app = shop_app(test).await;
        let (_, parent) = user_with_role(&app, Role::Parent).await;
        let line = |sku: Value, quantity: Value| json!([{ "sku": sku, "quantity": quantity }]);
        let cases: Vec<(Value, u16, &str)> = vec![
            (
                json!({ "lines": line(json!("ROBOT-1"), json!("two")), "delivery": courier() }),
                400,
                "invalid_json",
            ),
            (
                json!({ "lines": line(json!("ROBOT-1"), json!(-1)), "delivery": courier() }),
                422,
                "invalid_quantity",
            ),
            (
                json!({ "lines": line(json!("ROBOT-1"), json!(0)), "delivery": courier() }),
                422,
                "invalid_quantity",
            ),
            (
                json!({ "lines": line(json!("ROBOT-1"), json!(100)), "delivery": courier() }),
                422,
                "invalid_quantity",
            ),
            (
                json!({ "lines": line(json!("ROBOT-1"), json!(u64::MAX)), "delivery": courier() }),
                400,
                "invalid_json",
            ),
            (
                json!({ "lines": line(json!("ROBOT-1"), json!(i64::MAX)), "delivery": courier() }),
                422,
                "invalid_quantity",
            ),
            (
                json!({ "lines": line(json!("ROBOT-1"), json!(1.5)), "delivery": courier() }),
                400,
                "invalid_json",
            ),
            (
                json!({ "lines": line(json!(42), json!(1)), "delivery": courier() }),
                400,
                "invalid_json",
            ),
            (
                json!({ "lines": line(json!("NO-SUCH-SKU"), json!(1)), "delivery": courier() }),
                422,
                "unknown_sku",
            ),
            (
                json!({ "lines": line(json!(""), json!(1)), "delivery": courier() }),
                422,
                "invalid_sku",
            ),
            (
                json!({ "lines": line(json!("HIDDEN-1"), json!(1)), "delivery": courier() }),
                422,
                "product_unavailable",
            ),
            (
                json!({ "lines": line(json!("ROBOT-1"), json!(6)), "delivery": courier() }),
                409,
                "out_of_stock",
            ),
            (
                json!({ "lines": [], "delivery": courier() }),
                422,
                "empty_order",
            ),
            (
                json!({ "lines": [{ "sku": "BOOK-1", "quantity": 1 }, { "sku": "BOOK-1", "quantity": 1 }], "delivery": courier() }),
                422,
                "duplicate_sku",
            ),
            (
                json!({ "lines": line(json!("BOOK-1"), json!(1)) }),
                400,
                "invalid_json",
            ),
            (
                json!({ "lines": line(json!("BOOK-1"), json!(1)), "delivery": { "method": "teleport" } }),
                400,
                "invalid_json",
            ),
            (
                json!({ "lines": line(json!("BOOK-1"), json!(1)), "delivery": { "method": "courier", "region": "mars", "address": "Crater 1, base 2" } }),
                422,
                "unknown_region",
            ),
            (
                json!({ "lines": line(json!("BOOK-1"), json!(1)), "delivery": { "method": "courier", "region": "samarkand", "address": "x" } }),
                422,
                "invalid_address",
            ),
            (
                json!({ "lines": line(json!("BOOK-1"), json!(1)), "delivery": { "method": "pickup", "pickup_point_id": 999 } }),
                422,
                "unknown_pickup_point",
            ),
            (
                json!({ "lines": line(json!("BOOK-1"), json!(1)), "delivery": { "method": "pickup", "pickup_point_id": -1 } }),
                422,
                "unknown_pickup_point",
            ),
            (
                json!({ "lines": line(json!("BOOK-1"), json!(1)), "delivery": courier(), "recipient_phone": "12345" }),
                422,
                "invalid_phone",
            ),
            (
                json!({ "lines": line(json!("BOOK-1"), json!(1)), "delivery": courier(), "recipient_name": "" }),
                422,
                "invalid_recipient_name",
            ),
            (
                json!({ "lines": line(json!("BOOK-1"), json!(1)), "delivery": courier(), "total_tiyin": 1 }),
                400,
                "invalid_json",
            ),
            (json!([]), 400, "invalid_json"),
            (json!(null), 400, "invalid_json"),
        ];
        for (body, status, code) in cases {
            let reply = call(Method::POST, "/api/v1/orders")
                .bearer(&parent)
                .json(body.clone())
                .send(&app)
                .await;
            assert_eq!(
                (reply.status.as_u16(), reply.code()),
                (status, code),
                "{body}: {}",
                reply.body
            );
        }
        let too_many: Vec<Value> = (0..51)
            .map(|i| json!({ "sku": format!("SKU-{i}"), "quantity": 1 }))
            .collect();
        place(&app, &parent, Value::Array(too_many))
            .await
            .expect_error(422, "too_many_lines");
        // Nothing was reserved by any of them.
        assert_eq!(stock_of(&app.test.db, "ROBOT-1").await, (5, 0, 0));
        assert_eq!(scalar(&app.test.db, "SELECT COUNT(*) FROM orders").await, 0);
        // Guests must sign in to check out.
        call(Method::POST, "/api/v1/orders")
            .json(json!({ "lines": line(json!("BOOK-1"), json!(1)), "delivery": courier() }))
            .send(&app)
            .await
            .expect_error(401, "unauthenticated");
    }
);

backend_tests!(
    concurrent_retries_with_one_key_place_one_order,
    |test: TestDb| async move {
        let app = std::sync::Arc::new(shop_app(test).await);
        let (_, parent) = user_with_role(&app, Role::Parent).await;
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..8 {
            let app = app.clone();
            let parent = parent.clone();
            tasks.spawn(async move {
                let reply = call(Method::POST, "/api/v1/orders")
                    .bearer(&parent)
                    .header("Idempotency-Key", "double-click")
                    .json(json!({
                        "lines": [{ "sku": "BOOK-1", "quantity": 2 }],
                        "delivery": courier(),
                    }))
                    .send(&app)
                    .await;
                (reply.status.as_u16(), reply.body)
            });
        }
        let mut bodies = Vec::new();
        while let Some(joined) = tasks.join_next().await {
            let (status, body) = joined.unwrap();
            assert_eq!(status, 201, "{body}");
            bodies.push(body);
        }
        assert!(bodies.iter().all(|body| body == &bodies[0]));
        let db = &app.test.db;
        assert_eq!(scalar(db, "SELECT COUNT(*) FROM orders").await, 1);
        assert_eq!(stock_of(db, "BOOK-1").await, (8, 2, 0));
    }
);
