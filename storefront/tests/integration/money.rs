//! Money (issue 7, "What it must show"): generated orders — quantities over two sellers,
//! percentage or fixed promos, courier or pickup — are placed, paid and refunded in random
//! partial steps through the real store on both backends, and no tiyin is lost or created:
//! lines, discounts and fees add up to the total; refunds add up to what was paid; the
//! sellers' ledger and the marketplace's take account for the rest; stock is conserved.
//! (The pure arithmetic has its own proptests in `storefront::commerce::money`.)

use crate::auth::{call, user_with_role};
use crate::backend_tests;
use crate::checkout::{courier, exec, pay, scalar, shop_app};
use crate::support::TestDb;
use axum::http::Method;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use serde_json::json;
use storefront::auth::{Clock as _, Role};
use storefront::commerce::orders;
use storefront::commerce::{Actor, OrderId};

const CASES: usize = 24;

#[derive(Debug, Clone)]
struct Scenario {
    robots: i64,
    books: i64,
    promo: Option<(bool, i64)>,
    pickup: bool,
    cuts: Vec<f64>,
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (
        1_i64..=3,
        0_i64..=3,
        proptest::option::of((any::<bool>(), 1_i64..=30_000_000)),
        any::<bool>(),
        proptest::collection::vec(0.0_f64..1.0, 0..4),
    )
        .prop_map(|(robots, books, promo, pickup, cuts)| Scenario {
            robots,
            books,
            promo: promo
                .map(|(percent, value)| (percent, if percent { value % 60 + 1 } else { value })),
            pickup,
            cuts,
        })
}

async fn sum(db: &storefront::db::Db, sql: &str) -> i64 {
    scalar(db, &format!("SELECT CAST(COALESCE(({sql}), 0) AS BIGINT)")).await
}

backend_tests!(
    generated_orders_and_refunds_never_lose_a_tiyin,
    |test: TestDb| async move {
        let app = shop_app(test).await;
        let db = app.test.db.clone();
        exec(
            &db,
            "UPDATE product_variants SET stock = 10000 WHERE sku IN ('ROBOT-1', 'BOOK-1')",
        )
        .await;
        let conserved = "SELECT SUM(stock + reserved + sold) FROM product_variants";
        let units = sum(&db, conserved).await;
        let (_, buyer) = user_with_role(&app, Role::Parent).await;
        let mut runner = TestRunner::deterministic();
        for case in 0..CASES {
            let s = scenario().new_tree(&mut runner).unwrap().current();
            let mut body = json!({
                "lines": [{ "sku": "ROBOT-1", "quantity": s.robots }],
                "delivery": if s.pickup {
                    json!({ "method": "pickup", "pickup_point_id": 3 })
                } else {
                    courier()
                },
            });
            if s.books > 0 {
                body["lines"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({ "sku": "BOOK-1", "quantity": s.books }));
            }
            if let Some((percent, value)) = s.promo {
                let code = format!("CASE{case}");
                let kind = if percent { "percent" } else { "fixed" };
                exec(
                    &db,
                    &format!(
                        "INSERT INTO promo_codes (code, kind, value, per_user_limit, created_at) \
                         VALUES ('{code}', '{kind}', {value}, 100, '2026-01-01T00:00:00Z')"
                    ),
                )
                .await;
                body["promo_code"] = json!(code);
            }
            let placed = call(Method::POST, "/api/v1/orders")
                .bearer(&buyer)
                .json(body)
                .send(&app)
                .await;
            let order = placed.expect(201).clone();
            let id = order["id"].as_i64().unwrap();
            let total = order["total_tiyin"].as_i64().unwrap();
            let subtotal = order["subtotal_tiyin"].as_i64().unwrap();
            let discount = order["discount_tiyin"].as_i64().unwrap();
            let fee = order["delivery_fee_tiyin"].as_i64().unwrap();
            assert_eq!(total, subtotal - discount + fee, "{s:?}");
            assert!(discount >= 0 && discount <= subtotal, "{s:?}");
            let of_order = format!("WHERE order_id = {id}");
            assert_eq!(
                sum(
                    &db,
                    &format!("SELECT SUM(line_total_tiyin) FROM order_lines {of_order}")
                )
                .await,
                subtotal
            );
            assert_eq!(
                sum(
                    &db,
                    &format!("SELECT SUM(discount_tiyin) FROM order_lines {of_order}")
                )
                .await,
                discount
            );
            assert_eq!(
                sum(
                    &db,
                    &format!("SELECT SUM(discount_tiyin) FROM shipments {of_order}")
                )
                .await,
                discount
            );
            assert_eq!(sum(&db, conserved).await, units);
            pay(&app, id).await;
            assert_eq!(sum(&db, conserved).await, units);
            let commission = -sum(
                &db,
                &format!(
                    "SELECT SUM(amount_tiyin) FROM seller_ledger {of_order} AND kind = 'commission'"
                ),
            )
            .await;
            let mut refunded = 0;
            let mut steps: Vec<i64> = s
                .cuts
                .iter()
                .map(|cut| {
                    #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
                    let step = ((total - refunded) as f64 * cut) as i64;
                    step
                })
                .collect();
            steps.push(i64::MAX);
            for (n, step) in steps.into_iter().enumerate() {
                let amount = step.min(total - refunded);
                if amount == 0 {
                    continue;
                }
                let mut tx = db.begin_write().await.unwrap();
                let outcome = orders::apply_refund(
                    &mut tx.conn(),
                    OrderId(id),
                    amount,
                    &format!("refund-{n}"),
                    "test",
                    Actor::PAYMENT,
                    app.clock.now(),
                )
                .await
                .unwrap();
                tx.commit().await.unwrap();
                refunded += amount;
                assert_eq!(outcome.refunded_tiyin, refunded);
                assert_eq!(
                    sum(
                        &db,
                        &format!("SELECT SUM(amount_tiyin) FROM refunds {of_order}")
                    )
                    .await,
                    refunded
                );
                // What the sellers hold plus what the marketplace keeps is what is left paid.
                let sellers = sum(
                    &db,
                    &format!("SELECT SUM(amount_tiyin) FROM seller_ledger {of_order}"),
                )
                .await;
                let platform = total - refunded - sellers;
                assert!(
                    (0..=commission + fee).contains(&platform),
                    "{s:?}: platform {platform}, commission {commission}, fee {fee}"
                );
            }
            assert_eq!(refunded, total);
            assert_eq!(
                sum(
                    &db,
                    &format!("SELECT SUM(amount_tiyin) FROM seller_ledger {of_order}")
                )
                .await,
                0,
                "{s:?}"
            );
            assert_eq!(sum(&db, conserved).await, units);
        }
        let refunded_orders = scalar(
            &db,
            "SELECT COUNT(*) FROM orders WHERE status = 'refunded' AND refunded_tiyin = total_tiyin",
        )
        .await;
        assert_eq!(refunded_orders, i64::try_from(CASES).unwrap());
    }
);
