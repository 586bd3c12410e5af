//! Reviews (issue 5, item 3): only a verified purchaser (a delivered order line) reviews, once
//! per purchase; toxic text, spam and bursts are held; a child's review waits for a parent or
//! moderator; a published review updates the product's rating and, through the outbox, search.
//! Also: a seller cannot delete a product that has been ordered (409).

use crate::auth::{AuthApp, call, user_with_role};
use crate::backend_tests;
use crate::checkout::{pay, place, scalar, shop_app};
use crate::orders::{family, seller_token};
use crate::support::TestDb;
use axum::http::Method;
use serde_json::{Value, json};
use storefront::auth::Role;

/// Places, pays and delivers an order of `sku` (seller `seller`) for `buyer`; returns the order.
pub async fn delivered(app: &AuthApp, buyer: &str, sku: &str, seller: &str) -> i64 {
    let placed = place(app, buyer, json!([{ "sku": sku, "quantity": 1 }])).await;
    let order = placed.expect(201).clone();
    let id = order["id"].as_i64().unwrap();
    pay(app, id).await;
    deliver(app, &order, seller).await;
    id
}

pub async fn deliver(app: &AuthApp, order: &Value, seller: &str) {
    let shipment = order["shipments"][0]["id"].as_i64().unwrap();
    for status in ["processing", "shipped", "delivered"] {
        call(
            Method::POST,
            &format!("/api/v1/seller/shipments/{shipment}/status"),
        )
        .bearer(seller)
        .json(json!({ "status": status, "tracking_code": "UZ-1" }))
        .send(app)
        .await
        .expect(200);
    }
}

pub async fn review(
    app: &AuthApp,
    token: &str,
    product: i64,
    rating: i64,
    text: &str,
) -> crate::auth::Reply {
    call(Method::POST, &format!("/api/v1/products/{product}/reviews"))
        .bearer(token)
        .json(json!({ "rating": rating, "text": text }))
        .send(app)
        .await
}

pub fn codes(body: &Value) -> Vec<String> {
    body["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|reason| reason["code"].as_str().unwrap().to_owned())
        .collect()
}

backend_tests!(
    only_a_verified_purchaser_reviews_once_per_purchase,
    |test: TestDb| async move {
        let app = shop_app(test).await;
        let (_, parent) = user_with_role(&app, Role::Parent).await;
        let (_, stranger) = user_with_role(&app, Role::Parent).await;
        let one = seller_token(&app, 1).await;
        // Ordered and paid but not delivered: not yet a verified purchaser.
        let placed = place(&app, &parent, json!([{ "sku": "ROBOT-1", "quantity": 1 }])).await;
        let order = placed.expect(201).clone();
        pay(&app, order["id"].as_i64().unwrap()).await;
        review(&app, &parent, 1, 5, "Ajoyib robot")
            .await
            .expect_error(403, "not_a_verified_purchaser");
        review(&app, &stranger, 1, 5, "Ajoyib robot")
            .await
            .expect_error(403, "not_a_verified_purchaser");
        deliver(&app, &order, &one).await;
        // Bad input is 400, whoever asks.
        review(&app, &parent, 1, 6, "Ajoyib robot")
            .await
            .expect_error(400, "invalid_rating");
        review(&app, &parent, 1, 0, "Ajoyib robot")
            .await
            .expect_error(400, "invalid_rating");
        review(&app, &parent, 1, 4, "   ")
            .await
            .expect_error(400, "invalid_text");
        review(&app, &parent, 1, 4, &"a".repeat(4001))
            .await
            .expect_error(400, "invalid_text");
        let written = review(&app, &parent, 1, 5, "Ajoyib robot, o'g'lim juda xursand").await;
        assert_eq!(written.expect(201)["rating"], 5);
        // Once per purchase: a second review of the same delivered line is refused.
        review(&app, &parent, 1, 1, "Yana bir marta")
            .await
            .expect_error(409, "already_reviewed");
        // The stranger still is not a purchaser; the other product was never bought.
        review(&app, &stranger, 1, 1, "Yomon")
            .await
            .expect_error(403, "not_a_verified_purchaser");
        review(&app, &parent, 2, 5, "Kitob yaxshi")
            .await
            .expect_error(403, "not_a_verified_purchaser");
        // A second delivered purchase allows a second review.
        delivered(&app, &parent, "ROBOT-1", &one).await;
        review(&app, &parent, 1, 4, "Ikkinchisini ham oldik")
            .await
            .expect(201);
        assert_eq!(
            scalar(&app.test.db, "SELECT COUNT(*) FROM reviews").await,
            2
        );
        // The ordered product cannot be deleted by its seller (order lines refer to it).
        call(Method::DELETE, "/api/v1/seller/products/1")
            .bearer(&one)
            .send(&app)
            .await
            .expect_error(409, "product_has_orders");
    }
);

backend_tests!(
    toxic_spam_and_burst_reviews_are_held_with_their_reasons,
    |test: TestDb| async move {
        let app = shop_app(test).await;
        let (_, parent) = user_with_role(&app, Role::Parent).await;
        let (_, other) = user_with_role(&app, Role::Parent).await;
        let one = seller_token(&app, 1).await;
        for _ in 0..4 {
            delivered(&app, &parent, "ROBOT-1", &one).await;
        }
        delivered(&app, &other, "ROBOT-1", &one).await;
        // Without the toxicity model nothing is published unseen.
        let clean = review(&app, &parent, 1, 5, "Yaxshi robot, tavsiya qilaman").await;
        let clean = clean.expect(201).clone();
        assert_eq!(clean["status"], "held");
        assert_eq!(codes(&clean), ["model_unavailable"]);
        // Toxic text: held with the lexicon's reason.
        let toxic = review(&app, &parent, 1, 1, "Sotuvchi idiot, fuck this shop").await;
        let toxic = toxic.expect(201).clone();
        assert_eq!(toxic["status"], "held");
        assert!(
            codes(&toxic)
                .iter()
                .any(|code| code.starts_with("lexicon_")),
            "{toxic}"
        );
        // Links, phone numbers and promo codes.
        let spam = review(
            &app,
            &parent,
            1,
            5,
            "Arzonroq: https://t.me/robots, +998 90 123 45 67, promokod KIDS",
        )
        .await;
        let spam = spam.expect(201).clone();
        let spam_codes = codes(&spam);
        for code in ["spam_link", "spam_phone", "spam_promo_code"] {
            assert!(spam_codes.contains(&code.to_owned()), "{spam}");
        }
        assert!(!spam_codes.contains(&"spam_burst_account".to_owned()));
        // The fourth review within the hour from one account: a burst.
        let burst = review(&app, &parent, 1, 5, "To'rtinchi sharh").await;
        let burst = burst.expect(201).clone();
        assert_eq!(burst["status"], "held");
        assert!(
            codes(&burst).contains(&"spam_burst_account".to_owned()),
            "{burst}"
        );
        // The same text from another account (normalised: case, spacing).
        let copy = review(&app, &other, 1, 5, "YAXSHI   robot, tavsiya qilaman").await;
        assert!(
            codes(copy.expect(201)).contains(&"spam_duplicate_text".to_owned()),
            "{}",
            copy.body
        );
        // Nothing held counts in the rating.
        assert_eq!(
            scalar(
                &app.test.db,
                "SELECT CAST(rating_count AS BIGINT) FROM products WHERE id = 1"
            )
            .await,
            0
        );
    }
);

backend_tests!(
    a_childs_review_waits_for_the_parent_and_approval_updates_the_rating_in_search,
    |test: TestDb| async move {
        let app = shop_app(test).await;
        let kin = family(&app).await;
        let (_, stranger) = user_with_role(&app, Role::Parent).await;
        let (_, moderator) = user_with_role(&app, Role::Moderator).await;
        let two = seller_token(&app, 2).await;
        // The child's order waits for the parent, who approves it; then paid and delivered.
        let placed = place(
            &app,
            &kin.child,
            json!([{ "sku": "BOOK-1", "quantity": 1 }]),
        )
        .await;
        let order = placed.expect(201).clone();
        let id = order["id"].as_i64().unwrap();
        let requests = call(Method::GET, "/api/v1/family/purchase-requests")
            .bearer(&kin.parent)
            .send(&app)
            .await;
        let rid = requests.expect(200)["requests"][0]["id"].as_i64().unwrap();
        call(
            Method::POST,
            &format!("/api/v1/family/purchase-requests/{rid}/approve"),
        )
        .bearer(&kin.parent)
        .send(&app)
        .await
        .expect(200);
        pay(&app, id).await;
        deliver(&app, &order, &two).await;

        let written = review(&app, &kin.child, 2, 4, "Kitob juda qiziq").await;
        let written = written.expect(201).clone();
        assert_eq!(written["status"], "held");
        assert!(codes(&written).contains(&"child_review_needs_approval".to_owned()));
        let rid = written["id"].as_i64().unwrap();
        let decide = |token: &str, decision: &str| {
            call(Method::POST, &format!("/api/v1/reviews/{rid}/decision"))
                .bearer(token)
                .json(json!({ "decision": decision, "reason": "ok" }))
        };
        // Another parent cannot see it; a seller or the child cannot decide at all.
        decide(&stranger, "approve")
            .send(&app)
            .await
            .expect_error(404, "review_not_found");
        decide(&kin.child, "approve").send(&app).await.expect(403);
        decide(&two, "approve").send(&app).await.expect(403);
        decide(&kin.parent, "maybe")
            .send(&app)
            .await
            .expect_error(400, "invalid_decision");
        let public = call(Method::GET, "/api/v1/products/2/reviews")
            .send(&app)
            .await;
        assert_eq!(public.expect(200).as_array().unwrap().len(), 0);

        let approved = decide(&kin.parent, "approve").send(&app).await;
        assert_eq!(approved.expect(200)["status"], "published");
        decide(&moderator, "reject")
            .send(&app)
            .await
            .expect_error(409, "review_not_held");
        let public = call(Method::GET, "/api/v1/products/2/reviews")
            .send(&app)
            .await;
        assert_eq!(public.expect(200)[0]["text"], "Kitob juda qiziq");
        let db = &app.test.db;
        assert_eq!(
            scalar(
                db,
                "SELECT CAST(rating_count AS BIGINT) FROM products WHERE id = 2"
            )
            .await,
            1
        );
        assert_eq!(
            scalar(
                db,
                "SELECT CAST(rating_avg * 100 AS BIGINT) FROM products WHERE id = 2"
            )
            .await,
            400
        );
        assert_eq!(
            scalar(
                db,
                "SELECT COUNT(*) FROM audit_log WHERE action = 'review_decision'"
            )
            .await,
            1
        );
        // The outbox carries the new rating into the index.
        storefront::indexing::sync_once(&app.state.0).await.unwrap();
        let found = call(Method::GET, "/api/v1/search?q=Ertaklar&age_months=60")
            .send(&app)
            .await;
        let hit = found.expect(200)["hits"]
            .as_array()
            .unwrap()
            .iter()
            .find(|hit| hit["id"] == 2)
            .cloned()
            .unwrap_or_else(|| panic!("product 2 not found: {}", found.body));
        assert_eq!(hit["rating_count"], 1);
        assert_eq!(hit["rating"], 4.0);

        // Helpful votes count once per account.
        let vote = |token: &str| {
            call(Method::POST, &format!("/api/v1/reviews/{rid}/helpful")).bearer(token)
        };
        assert_eq!(
            vote(&stranger).send(&app).await.expect(200)["counted"],
            true
        );
        assert_eq!(
            vote(&stranger).send(&app).await.expect(200)["counted"],
            false
        );
        vote(&moderator).send(&app).await.expect(403);
        call(Method::POST, "/api/v1/reviews/999999/helpful")
            .bearer(&stranger)
            .send(&app)
            .await
            .expect_error(404, "review_not_found");
        assert_eq!(
            scalar(
                db,
                &format!("SELECT CAST(helpful_count AS BIGINT) FROM reviews WHERE id = {rid}")
            )
            .await,
            1
        );
        // Abuse reports: one per account; the third takes the review down for a moderator,
        // and the rating with it.
        let report = |token: &str, reason: &str| {
            call(Method::POST, &format!("/api/v1/reviews/{rid}/report"))
                .bearer(token)
                .json(json!({ "reason": reason }))
        };
        report(&stranger, "")
            .send(&app)
            .await
            .expect_error(400, "invalid_reason");
        assert_eq!(
            report(&stranger, "rude").send(&app).await.expect(200)["counted"],
            true
        );
        assert_eq!(
            report(&stranger, "rude").send(&app).await.expect(200)["counted"],
            false
        );
        let (_, second) = user_with_role(&app, Role::Parent).await;
        report(&second, "fake").send(&app).await.expect(200);
        assert_eq!(
            scalar(
                db,
                "SELECT CAST(rating_count AS BIGINT) FROM products WHERE id = 2"
            )
            .await,
            1
        );
        let (_, third) = user_with_role(&app, Role::Parent).await;
        report(&third, "spam").send(&app).await.expect(200);
        assert_eq!(
            scalar(
                db,
                "SELECT CAST(rating_count AS BIGINT) FROM products WHERE id = 2"
            )
            .await,
            0
        );
        let held = call(Method::GET, "/api/v1/moderation/reviews")
            .bearer(&moderator)
            .send(&app)
            .await;
        let held = held.expect(200).clone();
        assert_eq!(held[0]["id"], rid);
        assert!(
            codes(&held[0]).contains(&"abuse_reports".to_owned()),
            "{held}"
        );
        call(Method::GET, "/api/v1/moderation/reviews")
            .bearer(&kin.parent)
            .send(&app)
            .await
            .expect(403);
        let public = call(Method::GET, "/api/v1/products/2/reviews")
            .send(&app)
            .await;
        assert_eq!(public.expect(200).as_array().unwrap().len(), 0);
    }
);
