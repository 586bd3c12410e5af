//! The seller's sales summary over HTTP (issue 7): only the seller's own shipments of paid
//! orders count, gross and commission agree with the seller ledger, and bad ranges are 400.
//! Runs on SQLite and PostgreSQL.

use crate::auth::{call, user_with_role};
use crate::backend_tests;
use crate::checkout::{BOOK_PRICE, ROBOT_PRICE, pay, place, scalar, shop_app};
use crate::orders::seller_token;
use crate::support::TestDb;
use axum::http::Method;
use serde_json::{Value, json};
use storefront::auth::Role;
use storefront::seller_sales::tashkent;

async fn sales(app: &crate::auth::AuthApp, token: &str, query: &str) -> crate::auth::Reply {
    call(Method::GET, &format!("/api/v1/seller/sales{query}"))
        .bearer(token)
        .send(app)
        .await
}

backend_tests!(
    sales_count_only_the_sellers_own_paid_shipments,
    |test: TestDb| async move {
        let app = shop_app(test).await;
        let (_, parent) = user_with_role(&app, Role::Parent).await;
        let paid = place(
            &app,
            &parent,
            json!([{ "sku": "ROBOT-1", "quantity": 2 }, { "sku": "BOOK-1", "quantity": 1 }]),
        )
        .await;
        let paid = paid.expect(201)["id"].as_i64().unwrap();
        pay(&app, paid).await;
        let unpaid = place(&app, &parent, json!([{ "sku": "ROBOT-1", "quantity": 1 }])).await;
        unpaid.expect(201);
        let second = place(&app, &parent, json!([{ "sku": "LAST-1", "quantity": 1 }])).await;
        let second = second.expect(201)["id"].as_i64().unwrap();
        pay(&app, second).await;

        let one = seller_token(&app, 1).await;
        let two = seller_token(&app, 2).await;
        let today = app
            .state
            .0
            .auth
            .now()
            .with_timezone(&tashkent())
            .date_naive()
            .format("%Y-%m-%d")
            .to_string();
        let commission_one = -scalar(
            &app.test.db,
            "SELECT CAST(SUM(amount_tiyin) AS BIGINT) FROM seller_ledger \
             WHERE seller_id = 1 AND kind = 'commission'",
        )
        .await;
        assert!(commission_one > 0);

        let reply = sales(&app, &one, "").await;
        let body = reply.expect(200).clone();
        let gross = 2 * ROBOT_PRICE + 2_000_000;
        let expected_day = json!({
            "date": today,
            "gross_tiyin": gross,
            "commission_tiyin": commission_one,
            "net_tiyin": gross - commission_one,
            "units": 3,
            "orders": 2,
        });
        assert_eq!(body["days"], json!([expected_day.clone()]), "{body}");
        assert_eq!(body["to"], today);
        let mut totals = expected_day;
        totals["date"] = json!("");
        assert_eq!(body["totals"], totals);
        assert_eq!(
            body["top_products"],
            json!([{ "product_id": 1, "title": "Robot", "units": 3, "gross_tiyin": gross }])
        );
        assert_eq!(body["average_rating"], Value::Null);
        assert_eq!(body["review_count"], 0);

        // The other seller sees only their own book.
        let reply = sales(&app, &two, &format!("?from={today}&to={today}")).await;
        let body = reply.expect(200).clone();
        assert_eq!(body["totals"]["gross_tiyin"], BOOK_PRICE);
        assert_eq!(body["totals"]["units"], 1);
        assert_eq!(body["totals"]["orders"], 1);
        assert_eq!(body["top_products"][0]["product_id"], 2);
        assert_eq!(body["top_products"].as_array().unwrap().len(), 1);

        // A range before the sales is empty.
        let reply = sales(&app, &one, "?from=2020-01-01&to=2020-01-31").await;
        let body = reply.expect(200).clone();
        assert_eq!(body["days"], json!([]));
        assert_eq!(body["totals"]["gross_tiyin"], 0);
        assert_eq!(body["top_products"], json!([]));
    }
);

backend_tests!(
    bad_sales_ranges_and_other_roles_are_refused,
    |test: TestDb| async move {
        let app = shop_app(test).await;
        let one = seller_token(&app, 1).await;
        for (query, code) in [
            ("?from=2026-13-01", "invalid_from"),
            ("?from=2026-1-1", "invalid_from"),
            ("?to=yesterday", "invalid_to"),
            ("?from=2026-02-01&to=2026-01-31", "invalid_range"),
            ("?from=2024-01-01&to=2025-12-31", "invalid_range"),
            ("?from=2026-01-01&from=2026-01-02", "invalid_query"),
            ("?seller=2", "invalid_query"),
        ] {
            sales(&app, &one, query).await.expect_error(400, code);
        }
        let (_, parent) = user_with_role(&app, Role::Parent).await;
        let reply = sales(&app, &parent, "").await;
        assert_eq!(reply.status.as_u16(), 403, "{}", reply.body);
        let (_, unlinked) = user_with_role(&app, Role::Seller).await;
        sales(&app, &unlinked, "")
            .await
            .expect_error(403, "seller_profile_required");
    }
);
