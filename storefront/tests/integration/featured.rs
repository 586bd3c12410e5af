//! Featured products over HTTP (issue 7): admin curation and seller promotion, and the public
//! list that never shows an unapproved or out-of-age product (also after a rejection). Runs
//! on SQLite and PostgreSQL.

use crate::auth::call;
use crate::backend_tests;
use crate::checkout::{exec, scalar};
use crate::listings::{Market, market};
use crate::support::TestDb;
use axum::http::Method;
use serde_json::Value;

async fn approved(market: &Market, shop: i64, nth: i64) -> i64 {
    scalar(
        &market.app.test.db,
        &format!(
            "SELECT id FROM products WHERE seller_id = {shop} AND status = 'approved' \
             ORDER BY id LIMIT 1 OFFSET {nth}"
        ),
    )
    .await
}

async fn ages(market: &Market, id: i64) -> (i64, i64) {
    let db = &market.app.test.db;
    (
        scalar(
            db,
            &format!("SELECT age_min_months FROM products WHERE id = {id}"),
        )
        .await,
        scalar(
            db,
            &format!("SELECT age_max_months FROM products WHERE id = {id}"),
        )
        .await,
    )
}

async fn featured_ids(market: &Market, age: i64) -> Vec<(i64, String)> {
    let reply = call(Method::GET, &format!("/api/v1/featured?age_months={age}"))
        .send(&market.app)
        .await;
    let body = reply.expect(200).clone();
    body["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p: &Value| {
            let id = p["product_id"].as_i64().unwrap();
            let (min, max) = (
                p["age_min_months"].as_i64().unwrap(),
                p["age_max_months"].as_i64().unwrap(),
            );
            assert!(min <= age && age <= max, "out-of-age product {p}");
            (id, p["source"].as_str().unwrap().to_owned())
        })
        .collect()
}

backend_tests!(
    featured_shows_only_approved_in_age_products_admin_first,
    |test: TestDb| async move {
        let market = market(test).await;
        let app = &market.app;
        let promoted = approved(&market, market.shop_a, 0).await;
        let curated = approved(&market, market.shop_b, 0).await;
        call(
            Method::POST,
            &format!("/api/v1/seller/products/{promoted}/promote"),
        )
        .bearer(&market.seller_a)
        .send(app)
        .await
        .expect(204);
        call(Method::PUT, &format!("/api/v1/admin/featured/{curated}"))
            .bearer(&market.admin)
            .send(app)
            .await
            .expect(204);
        let (min, max) = ages(&market, promoted).await;
        let (cmin, cmax) = ages(&market, curated).await;
        let age = min.max(cmin);
        if age <= max.min(cmax) {
            assert_eq!(
                featured_ids(&market, age).await,
                vec![
                    (curated, "admin".to_owned()),
                    (promoted, "seller".to_owned())
                ]
            );
        }
        // Every age: the product appears exactly when the age is inside its range.
        for age in [0, 6, 12, 24, 36, 60, 96, 144, 216] {
            let ids = featured_ids(&market, age).await;
            assert_eq!(
                ids.iter().any(|(id, _)| *id == promoted),
                min <= age && age <= max
            );
        }
        // Rejected (or pending again): gone from the list at every age.
        exec(
            &app.test.db,
            &format!("UPDATE products SET status = 'rejected' WHERE id = {promoted}"),
        )
        .await;
        exec(
            &app.test.db,
            &format!("UPDATE products SET status = 'pending' WHERE id = {curated}"),
        )
        .await;
        for age in 0..=216 {
            assert!(featured_ids(&market, age).await.is_empty());
        }
        // A rejected product cannot be promoted again.
        call(
            Method::POST,
            &format!("/api/v1/seller/products/{promoted}/promote"),
        )
        .bearer(&market.seller_a)
        .send(app)
        .await
        .expect_error(409, "not_approved");
        // Audited.
        let added = app
            .test
            .db
            .audit_entries(Some("featured_added"))
            .await
            .unwrap();
        assert_eq!(added.len(), 1);
        let promoted_log = app
            .test
            .db
            .audit_entries(Some("product_promoted"))
            .await
            .unwrap();
        assert_eq!(promoted_log.len(), 1);
        call(Method::DELETE, &format!("/api/v1/admin/featured/{curated}"))
            .bearer(&market.admin)
            .send(app)
            .await
            .expect(204);
        call(Method::DELETE, &format!("/api/v1/admin/featured/{curated}"))
            .bearer(&market.admin)
            .send(app)
            .await
            .expect_error(404, "featured_not_found");
        assert_eq!(
            app.test
                .db
                .audit_entries(Some("featured_removed"))
                .await
                .unwrap()
                .len(),
            1
        );
    }
);

backend_tests!(
    promotion_is_own_products_only_and_limited,
    |test: TestDb| async move {
        let market = market(test).await;
        let app = &market.app;
        let others = approved(&market, market.shop_b, 0).await;
        call(
            Method::POST,
            &format!("/api/v1/seller/products/{others}/promote"),
        )
        .bearer(&market.seller_a)
        .send(app)
        .await
        .expect_error(404, "product_not_found");
        call(Method::POST, "/api/v1/seller/products/999999/promote")
            .bearer(&market.seller_a)
            .send(app)
            .await
            .expect_error(404, "product_not_found");
        call(Method::POST, "/api/v1/seller/products/abc/promote")
            .bearer(&market.seller_a)
            .send(app)
            .await
            .expect_error(400, "invalid_product_id");
        for nth in 0..3 {
            let id = approved(&market, market.shop_a, nth).await;
            call(
                Method::POST,
                &format!("/api/v1/seller/products/{id}/promote"),
            )
            .bearer(&market.seller_a)
            .send(app)
            .await
            .expect(204);
        }
        let fourth = approved(&market, market.shop_a, 3).await;
        call(
            Method::POST,
            &format!("/api/v1/seller/products/{fourth}/promote"),
        )
        .bearer(&market.seller_a)
        .send(app)
        .await
        .expect_error(409, "promote_limit");
        // Only admins curate.
        for token in [&market.seller_a, &market.moderator, &market.parent] {
            let reply = call(Method::PUT, &format!("/api/v1/admin/featured/{others}"))
                .bearer(token)
                .send(app)
                .await;
            assert_eq!(reply.status.as_u16(), 403, "{}", reply.body);
        }
        call(Method::PUT, "/api/v1/admin/featured/999999")
            .bearer(&market.admin)
            .send(app)
            .await
            .expect_error(404, "product_not_found");
        for query in [
            "",
            "?age_months=-1",
            "?age_months=217",
            "?age_months=x",
            "?age=3",
        ] {
            let reply = call(Method::GET, &format!("/api/v1/featured{query}"))
                .send(app)
                .await;
            assert_eq!(reply.status.as_u16(), 400, "{query}: {}", reply.body);
        }
    }
);
