//! Carts through the HTTP API (issue 7, item 1): a guest gets a cart token, lines carry the
//! live price and stock, and the guest cart merges into the account's on sign-in.

use crate::auth::{call, user_with_role};
use crate::backend_tests;
use crate::checkout::{BOOK_PRICE, ROBOT_PRICE, exec, shop_app};
use crate::support::TestDb;
use axum::http::Method;
use serde_json::json;
use storefront::auth::Role;

backend_tests!(
    a_guest_cart_has_live_prices_and_merges_on_sign_in,
    |test: TestDb| async move {
        let app = shop_app(test).await;
        let empty = call(Method::GET, "/api/v1/cart").send(&app).await;
        assert_eq!(empty.expect(200)["lines"], json!([]));
        let added = call(Method::POST, "/api/v1/cart/lines")
            .json(json!({ "sku": "ROBOT-1", "quantity": 2 }))
            .send(&app)
            .await;
        let token = added.headers["x-cart-token"].to_str().unwrap().to_owned();
        assert!(token.len() >= 32);
        assert_eq!(added.expect(200)["subtotal_tiyin"], 2 * ROBOT_PRICE);
        let added = call(Method::POST, "/api/v1/cart/lines")
            .header("X-Cart-Token", &token)
            .json(json!({ "sku": "BOOK-1", "quantity": 1 }))
            .send(&app)
            .await;
        assert!(added.headers.get("x-cart-token").is_none());
        assert_eq!(added.expect(200)["lines"].as_array().unwrap().len(), 2);
        // Live price and stock.
        exec(
            &app.test.db,
            "UPDATE product_variants SET price_tiyin = 9000000, stock = 1 WHERE sku = 'ROBOT-1'",
        )
        .await;
        let cart = call(Method::GET, "/api/v1/cart")
            .header("X-Cart-Token", &token)
            .send(&app)
            .await;
        let cart = cart.expect(200).clone();
        assert_eq!(cart["lines"][0]["unit_price_tiyin"], 9_000_000);
        assert_eq!(cart["lines"][0]["purchasable"], false);
        assert_eq!(cart["purchasable"], false);
        assert_eq!(cart["subtotal_tiyin"], 18_000_000 + BOOK_PRICE);
        call(Method::PUT, "/api/v1/cart/lines/ROBOT-1")
            .header("X-Cart-Token", &token)
            .json(json!({ "quantity": 1 }))
            .send(&app)
            .await
            .expect(200);
        // The signed-in parent already has a book in their cart; the guest's lines join it.
        let (_, parent) = user_with_role(&app, Role::Parent).await;
        call(Method::POST, "/api/v1/cart/lines")
            .bearer(&parent)
            .json(json!({ "sku": "BOOK-1", "quantity": 98 }))
            .send(&app)
            .await
            .expect(200);
        let merged = call(Method::GET, "/api/v1/cart")
            .bearer(&parent)
            .header("X-Cart-Token", &token)
            .send(&app)
            .await;
        let merged = merged.expect(200).clone();
        let lines = merged["lines"].as_array().unwrap();
        assert_eq!(lines.len(), 2);
        let book = lines.iter().find(|line| line["sku"] == "BOOK-1").unwrap();
        assert_eq!(book["quantity"], 99, "capped at 99");
        let robot = lines.iter().find(|line| line["sku"] == "ROBOT-1").unwrap();
        assert_eq!(robot["quantity"], 1);
        // The guest cart is gone.
        let gone = call(Method::GET, "/api/v1/cart")
            .header("X-Cart-Token", &token)
            .send(&app)
            .await;
        assert_eq!(gone.expect(200)["lines"], json!([]));
        call(Method::DELETE, "/api/v1/cart/lines/ROBOT-1")
            .bearer(&parent)
            .send(&app)
            .await
            .expect(200);
        // Bad input.
        for (body, status, code) in [
            (json!({ "sku": "NOPE", "quantity": 1 }), 422, "unknown_sku"),
            (
                json!({ "sku": "BOOK-1", "quantity": 0 }),
                422,
                "invalid_quantity",
            ),
            (
                json!({ "sku": "BOOK-1", "quantity": -5 }),
                422,
                "invalid_quantity",
            ),
            (
                json!({ "sku": "BOOK-1", "quantity": 1 }),
                422,
                "invalid_quantity",
            ),
            (
                json!({ "sku": "HIDDEN-1", "quantity": 1 }),
                422,
                "product_unavailable",
            ),
            (
                json!({ "sku": "BOOK-1", "quantity": "1" }),
                400,
                "invalid_json",
            ),
            (json!({ "sku": "BOOK-1" }), 400, "invalid_json"),
        ] {
            let reply = call(Method::POST, "/api/v1/cart/lines")
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
        let options = call(Method::GET, "/api/v1/delivery/options")
            .send(&app)
            .await;
        let options = options.expect(200).clone();
        assert_eq!(options["regions"].as_array().unwrap().len(), 14);
        assert!(!options["pickup_points"].as_array().unwrap().is_empty());
    }
);
