//! Concurrency (issue 7, "What it must show"; issue 6, item 4): 64 concurrent checkouts of the
//! last unit of a SKU, 100 rounds, on SQLite and PostgreSQL — exactly one wins each round, no
//! oversell, no server error — and a child who cannot pass the daily limit with concurrent
//! checkouts.

use crate::auth::{call, user_with_role};
use crate::backend_tests;
use crate::checkout::{courier, scalar, shop_app, stock_of};
use crate::orders::family;
use crate::support::TestDb;
use axum::http::Method;
use serde_json::json;
use storefront::auth::{Clock as _, Role};

const ROUNDS: usize = 100;
const CONTENDERS: usize = 64;

backend_tests!(
    sixty_four_buyers_race_for_the_last_unit,
    |test: TestDb| async move {
        let app = std::sync::Arc::new(shop_app(test).await);
        let mut buyers = Vec::new();
        for _ in 0..8 {
            buyers.push(user_with_role(&app, Role::Parent).await.1);
        }
        let mut server_errors = 0;
        for round in 0..ROUNDS {
            let mut tasks = tokio::task::JoinSet::new();
            for contender in 0..CONTENDERS {
                let app = app.clone();
                let token = buyers[contender % buyers.len()].clone();
                tasks.spawn(async move {
                    let reply = call(Method::POST, "/api/v1/orders")
                        .bearer(&token)
                        .json(json!({
                            "lines": [{ "sku": "LAST-1", "quantity": 1 }],
                            "delivery": courier(),
                        }))
                        .send(&app)
                        .await;
                    (reply.status.as_u16(), reply.code().to_owned(), reply.body)
                });
            }
            let mut winners = Vec::new();
            while let Some(joined) = tasks.join_next().await {
                let (status, code, body) = joined.unwrap();
                match status {
                    201 => winners.push(body),
                    409 => assert_eq!(code, "out_of_stock", "round {round}"),
                    500..=599 => server_errors += 1,
                    other => panic!("round {round}: unexpected {other} {body}"),
                }
            }
            assert_eq!(winners.len(), 1, "round {round}: {winners:?}");
            let db = &app.test.db;
            // Conserved: the one unit is reserved, none available, none sold twice.
            assert_eq!(stock_of(db, "LAST-1").await, (0, 1, 0), "round {round}");
            // The winner cancels; the unit is back for the next round.
            let id = winners[0]["id"].as_i64().unwrap();
            let mut tx = db.begin_write().await.unwrap();
            storefront::commerce::orders::cancel_unpaid(
                &mut tx.conn(),
                storefront::commerce::OrderId(id),
                storefront::commerce::Actor::SYSTEM,
                "next round",
                app.clock.now(),
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
            assert_eq!(stock_of(db, "LAST-1").await, (1, 0, 0), "round {round}");
        }
        assert_eq!(server_errors, 0);
        let db = &app.test.db;
        assert_eq!(
            scalar(db, "SELECT COUNT(*) FROM orders").await,
            i64::try_from(ROUNDS).unwrap()
        );
        assert_eq!(
            scalar(db, "SELECT COUNT(*) FROM orders WHERE status = 'cancelled'").await,
            i64::try_from(ROUNDS).unwrap()
        );
    }
);

backend_tests!(
    a_child_cannot_pass_the_daily_limit_with_concurrent_checkouts,
    |test: TestDb| async move {
        let app = std::sync::Arc::new(shop_app(test).await);
        let kin = family(&app).await;
        let (parent, child_id, child) = (kin.parent, kin.child_id, kin.child);
        // 3 orders of 2,000,000 + 2,500,000 delivery fit in 15,000,000; the 4th does not.
        call(
            Method::PUT,
            &format!("/api/v1/family/children/{child_id}/controls"),
        )
        .bearer(&parent)
        .json(json!({
            "daily_limit_tiyin": 15_000_000,
            "monthly_limit_tiyin": 100_000_000,
            "approval_mode": "none",
            "approval_above_tiyin": null,
            "allowed_category_ids": null,
        }))
        .send(&app)
        .await
        .expect(200);
        crate::checkout::exec(
            &app.test.db,
            "UPDATE product_variants SET stock = 100 WHERE sku = 'LAST-1'",
        )
        .await;
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..16 {
            let app = app.clone();
            let child = child.clone();
            tasks.spawn(async move {
                let reply = call(Method::POST, "/api/v1/orders")
                    .bearer(&child)
                    .json(json!({
                        "lines": [{ "sku": "LAST-1", "quantity": 1 }],
                        "delivery": courier(),
                    }))
                    .send(&app)
                    .await;
                (reply.status.as_u16(), reply.code().to_owned())
            });
        }
        let mut placed = 0;
        while let Some(joined) = tasks.join_next().await {
            let (status, code) = joined.unwrap();
            match status {
                201 => placed += 1,
                403 => assert_eq!(code, "spending_limit_exceeded"),
                other => panic!("unexpected {other} {code}"),
            }
        }
        assert_eq!(placed, 3);
        let spent = scalar(
            &app.test.db,
            &format!(
                "SELECT CAST(SUM(total_tiyin) AS BIGINT) FROM orders WHERE child_id = {child_id}"
            ),
        )
        .await;
        assert!(spent <= 15_000_000, "{spent}");
        assert_eq!(stock_of(&app.test.db, "LAST-1").await, (97, 3, 0));
    }
);
