//! Card payments through the sandbox gateway (issue 7, item 5): payment intents for the
//! buyer's own order with `Idempotency-Key`, Stripe's test cards, 3-D Secure, Uzcard/Humo SMS
//! codes, card validation, ownership, parental limits at confirmation, no stored card number,
//! and the signed webhook (tolerance, tampering, de-duplication).

use crate::auth::{AuthApp, Reply, call, user_with_role};
use crate::backend_tests;
use crate::payme::{
    WEBHOOK_SECRET, child_order, on_db, order_status, parent_order, pay_app, transitions_to,
};
use crate::support::TestDb;
use axum::http::Method;
use serde_json::{Value, json};
use storefront::auth::{Clock as _, Role};
use storefront::db::Db;
use storefront::payments::card::sign_webhook;

fn card(number: &str) -> Value {
    json!({ "number": number, "exp_month": 12, "exp_year": 2031, "cvc": "123" })
}

/// Completes `prefix` into a Luhn-valid number.
fn luhn(prefix: &str) -> String {
    (0..10)
        .map(|digit| format!("{prefix}{digit}"))
        .find(|number| {
            storefront::payments::gateway::luhn_valid(
                &number.bytes().map(|b| b - b'0').collect::<Vec<_>>(),
            )
        })
        .unwrap()
}

async fn create(app: &AuthApp, token: &str, key: &str, order: i64, card: Value) -> Reply {
    call(Method::POST, "/api/v1/payments/card")
        .bearer(token)
        .header("idempotency-key", key)
        .json(json!({ "order_id": order, "card": card }))
        .send(app)
        .await
}

async fn confirm(app: &AuthApp, token: &str, id: &str) -> Reply {
    call(Method::POST, &format!("/api/v1/payments/card/{id}/confirm"))
        .bearer(token)
        .send(app)
        .await
}

async fn authenticate(app: &AuthApp, token: &str, id: &str, code: &str) -> Reply {
    call(
        Method::POST,
        &format!("/api/v1/payments/card/{id}/authenticate"),
    )
    .bearer(token)
    .json(json!({ "code": code }))
    .send(app)
    .await
}

async fn webhook(app: &AuthApp, body: &str, signature: Option<String>) -> Reply {
    let mut request =
        call(Method::POST, "/payments/card/webhook").raw("application/json", body.to_owned());
    if let Some(signature) = signature {
        request = request.header("stripe-signature", &signature);
    }
    request.send(app).await
}

fn signed(app: &AuthApp, body: &str) -> Option<String> {
    Some(sign_webhook(
        WEBHOOK_SECRET,
        app.clock.now().timestamp(),
        body.as_bytes(),
    ))
}

backend_tests!(
    card_payment_succeeds_once_with_an_idempotency_key,
    |test: TestDb| async move {
        let app = pay_app(test).await;
        let (order, _, token) = parent_order(&app, 450_000).await;
        let created = create(&app, &token, "key-1", order, card("4242 4242 4242 4242")).await;
        let view = created.expect(201).clone();
        let id = view["id"].as_str().unwrap().to_owned();
        assert!(id.starts_with("pi_"));
        assert_eq!(
            view,
            json!({ "id": id, "order_id": order, "amount": 450_000, "status": "requires_confirmation", "brand": "visa", "last4": "4242", "next_action": null, "failure_code": null })
        );
        // The same key and body: the same payment. Another body: 422. No key: 400.
        let again = create(&app, &token, "key-1", order, card("4242424242424242")).await;
        assert_eq!(again.expect(200), &view);
        create(&app, &token, "key-1", order, card("5555555555554444"))
            .await
            .expect_error(422, "idempotency_key_reused");
        call(Method::POST, "/api/v1/payments/card")
            .bearer(&token)
            .json(json!({ "order_id": order, "card": card("4242424242424242") }))
            .send(&app)
            .await
            .expect_error(400, "idempotency_key_required");

        let confirmed = confirm(&app, &token, &id).await;
        let succeeded = confirmed.expect(200).clone();
        assert_eq!(succeeded["status"], "succeeded");
        assert_eq!(order_status(&app, order).await, "paid");
        // A repeated confirm answers the same and changes nothing.
        assert_eq!(confirm(&app, &token, &id).await.expect(200), &succeeded);
        assert_eq!(transitions_to(&app, order, "paid").await, 1);
        // A paid order takes no new payment.
        create(&app, &token, "key-2", order, card("4242424242424242"))
            .await
            .expect_error(409, "order_not_payable");

        // The card number is nowhere in the store.
        let stored: Vec<(String, String, String)> = on_db!(&app.test.db, |pool| {
            sqlx::query_as("SELECT card_token, last4, request_hash FROM card_payments")
                .fetch_all(pool)
                .await
                .unwrap()
        });
        for (token, last4, hash) in stored {
            assert_eq!(last4, "4242");
            assert!(!token.contains("42424242") && !hash.contains("42424242"));
        }
    }
);

backend_tests!(
    card_declines_three_d_secure_and_sms_codes,
    |test: TestDb| async move {
        let app = pay_app(test).await;
        let (parent, token) = user_with_role(&app, Role::Parent).await;
        let order = |total| crate::payme::insert_order(&app, parent, None, total);

        // Declined and insufficient funds: 402, the payment needs a new method.
        for (number, code) in [
            ("4000000000000002", "card_declined"),
            ("4000000000009995", "insufficient_funds"),
        ] {
            let id = order(100_000).await;
            let created =
                create(&app, &token, &format!("decline-{number}"), id, card(number)).await;
            let payment = created.expect(201)["id"].as_str().unwrap().to_owned();
            confirm(&app, &token, &payment)
                .await
                .expect_error(402, code);
            let view = call(Method::GET, &format!("/api/v1/payments/card/{payment}"))
                .bearer(&token)
                .send(&app)
                .await;
            assert_eq!(view.expect(200)["status"], "requires_payment_method");
            assert_eq!(view.body["failure_code"], code);
            assert_eq!(order_status(&app, id).await, "pending_payment");
            confirm(&app, &token, &payment)
                .await
                .expect_error(409, "invalid_payment_state");
        }

        // 3-D Secure: requires_action, then the challenge.
        let secure = order(200_000).await;
        let payment = create(&app, &token, "3ds", secure, card("4000002500003155"))
            .await
            .expect(201)["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let pending = confirm(&app, &token, &payment).await;
        assert_eq!(pending.expect(200)["status"], "requires_action");
        assert_eq!(pending.body["next_action"], "three_d_secure");
        confirm(&app, &token, &payment)
            .await
            .expect_error(409, "payment_requires_action");
        assert_eq!(order_status(&app, secure).await, "pending_payment");
        let done = authenticate(&app, &token, &payment, "666666").await;
        assert_eq!(done.expect(200)["status"], "succeeded");
        assert_eq!(order_status(&app, secure).await, "paid");

        // Uzcard: an SMS code; two wrong codes keep the step, the right one pays.
        let uzcard = order(300_000).await;
        let number = luhn("860049000000000");
        let created = create(
            &app,
            &token,
            "uzcard",
            uzcard,
            json!({ "number": number, "exp_month": 1, "exp_year": 30, "cvc": "" }),
        )
        .await;
        assert_eq!(created.expect(201)["brand"], "uzcard");
        let payment = created.body["id"].as_str().unwrap().to_owned();
        assert_eq!(
            confirm(&app, &token, &payment).await.expect(200)["next_action"],
            "sms_otp"
        );
        for _ in 0..2 {
            authenticate(&app, &token, &payment, "123456")
                .await
                .expect_error(402, "incorrect_otp");
        }
        assert_eq!(
            authenticate(&app, &token, &payment, "666666")
                .await
                .expect(200)["status"],
            "succeeded"
        );
        assert_eq!(order_status(&app, uzcard).await, "paid");
        // Humo: three wrong codes fail the payment.
        let humo = order(300_000).await;
        let created = create(
            &app,
            &token,
            "humo",
            humo,
            json!({ "number": luhn("986012000000000"), "exp_month": 1, "exp_year": 2030 }),
        )
        .await;
        let payment = created.expect(201)["id"].as_str().unwrap().to_owned();
        confirm(&app, &token, &payment).await.expect(200);
        authenticate(&app, &token, &payment, "000000")
            .await
            .expect_error(402, "incorrect_otp");
        authenticate(&app, &token, &payment, "000000")
            .await
            .expect_error(402, "incorrect_otp");
        authenticate(&app, &token, &payment, "000000")
            .await
            .expect_error(402, "authentication_failed");
        authenticate(&app, &token, &payment, "666666")
            .await
            .expect_error(409, "invalid_payment_state");
        assert_eq!(order_status(&app, humo).await, "pending_payment");
    }
);

backend_tests!(
    card_input_ownership_and_parental_limits,
    |test: TestDb| async move {
        let app = pay_app(test).await;
        let (order, _, token) = parent_order(&app, 100_000).await;
        for (card, code) in [
            (card("4242424242424241"), "invalid_card_number"),
            (card("4242"), "invalid_card_number"),
            (card("4242-4242-4242-424x"), "invalid_card_number"),
            (card("378282246310005"), "unsupported_card_brand"),
            (
                json!({ "number": "4242424242424242", "exp_month": 13, "exp_year": 2031, "cvc": "123" }),
                "invalid_expiry",
            ),
            (
                json!({ "number": "4242424242424242", "exp_month": 1, "exp_year": 2020, "cvc": "123" }),
                "expired_card",
            ),
            (
                json!({ "number": "4242424242424242", "exp_month": 1, "exp_year": 2031, "cvc": "1" }),
                "invalid_cvc",
            ),
        ] {
            create(&app, &token, "k", order, card)
                .await
                .expect_error(400, code);
        }
        for body in [
            json!({ "order_id": "1", "card": card("4242424242424242") }),
            json!({ "order_id": order, "card": { "number": 4242424242424242_u64, "exp_month": 1, "exp_year": 2031 } }),
            json!({ "order_id": order, "card": card("4242424242424242"), "amount": 1 }),
            json!({ "order_id": order, "card": { "number": "4242424242424242", "exp_month": -1, "exp_year": 2031 } }),
        ] {
            call(Method::POST, "/api/v1/payments/card")
                .bearer(&token)
                .header("idempotency-key", "k")
                .json(body)
                .send(&app)
                .await
                .expect_error(400, "invalid_json");
        }
        create(
            &app,
            &token,
            &"k".repeat(256),
            order,
            card("4242424242424242"),
        )
        .await
        .expect_error(400, "invalid_idempotency_key");

        // Another parent's order and payment look missing.
        let (_, stranger) = user_with_role(&app, Role::Parent).await;
        create(&app, &stranger, "k", order, card("4242424242424242"))
            .await
            .expect_error(404, "order_not_found");
        create(&app, &stranger, "k", 999_999, card("4242424242424242"))
            .await
            .expect_error(404, "order_not_found");
        let payment = create(&app, &token, "mine", order, card("4242424242424242"))
            .await
            .expect(201)["id"]
            .as_str()
            .unwrap()
            .to_owned();
        confirm(&app, &stranger, &payment)
            .await
            .expect_error(404, "card_payment_not_found");
        call(Method::GET, &format!("/api/v1/payments/card/{payment}"))
            .bearer(&stranger)
            .send(&app)
            .await
            .expect_error(404, "card_payment_not_found");
        assert_eq!(order_status(&app, order).await, "pending_payment");

        // A child's order: its parent pays, and the limit is checked again at confirmation.
        let (child_order_id, child, parent_token) = child_order(&app, 500_000, 1_000_000).await;
        let payment = create(
            &app,
            &parent_token,
            "child",
            child_order_id,
            card("4242424242424242"),
        )
        .await
        .expect(201)["id"]
            .as_str()
            .unwrap()
            .to_owned();
        crate::payme::set_daily_limit(&app, child, 400_000).await;
        confirm(&app, &parent_token, &payment)
            .await
            .expect_error(403, "spending_limit_exceeded");
        assert_eq!(order_status(&app, child_order_id).await, "pending_payment");
        crate::payme::set_daily_limit(&app, child, 500_000).await;
        assert_eq!(
            confirm(&app, &parent_token, &payment).await.expect(200)["status"],
            "succeeded"
        );
    }
);

backend_tests!(
    card_webhooks_are_signed_fresh_and_applied_once,
    |test: TestDb| async move {
        let app = pay_app(test).await;
        let (order, _, token) = parent_order(&app, 250_000).await;
        let payment = create(&app, &token, "wh", order, card("4000002500003155"))
            .await
            .expect(201)["id"]
            .as_str()
            .unwrap()
            .to_owned();
        confirm(&app, &token, &payment).await.expect(200);
        let event = json!({ "id": "evt_1", "type": "payment_intent.succeeded", "data": { "object": { "id": payment } } }).to_string();

        // Refused: no header, a malformed one, a stale or future timestamp, a tampered body,
        // another secret, a body that is not an event.
        webhook(&app, &event, None)
            .await
            .expect_error(400, "invalid_signature_header");
        webhook(&app, &event, Some("t=abc,v1=00".to_owned()))
            .await
            .expect_error(400, "invalid_signature_header");
        let now = app.clock.now().timestamp();
        for stale in [now - 301, now + 301] {
            webhook(
                &app,
                &event,
                Some(sign_webhook(WEBHOOK_SECRET, stale, event.as_bytes())),
            )
            .await
            .expect_error(400, "signature_timestamp_out_of_tolerance");
        }
        let tampered = event.replace("succeeded", "canceled");
        webhook(&app, &tampered, signed(&app, &event))
            .await
            .expect_error(400, "invalid_signature");
        webhook(
            &app,
            &event,
            Some(sign_webhook("whsec_other", now, event.as_bytes())),
        )
        .await
        .expect_error(400, "invalid_signature");
        webhook(&app, "{\"id\": 5}", signed(&app, "{\"id\": 5}"))
            .await
            .expect_error(400, "invalid_event");
        assert_eq!(order_status(&app, order).await, "pending_payment");

        // Within the tolerance, applied once; the replay gets the same reply and no effect.
        let first = webhook(
            &app,
            &event,
            Some(sign_webhook(WEBHOOK_SECRET, now - 299, event.as_bytes())),
        )
        .await;
        assert_eq!(first.expect(200), &json!({ "received": true }));
        assert_eq!(order_status(&app, order).await, "paid");
        let replay = webhook(&app, &event, signed(&app, &event)).await;
        assert_eq!(replay.expect(200), &json!({ "received": true }));
        assert_eq!(transitions_to(&app, order, "paid").await, 1);
        let view = call(Method::GET, &format!("/api/v1/payments/card/{payment}"))
            .bearer(&token)
            .send(&app)
            .await;
        assert_eq!(view.expect(200)["status"], "succeeded");
        // A later failure event cannot undo a success; an unknown payment is acknowledged.
        let failed = json!({ "id": "evt_2", "type": "payment_intent.payment_failed", "data": { "object": { "id": payment, "last_payment_error": { "code": "card_declined" } } } }).to_string();
        webhook(&app, &failed, signed(&app, &failed))
            .await
            .expect(200);
        let view = call(Method::GET, &format!("/api/v1/payments/card/{payment}"))
            .bearer(&token)
            .send(&app)
            .await;
        assert_eq!(view.expect(200)["status"], "succeeded");
        let unknown = json!({ "id": "evt_3", "type": "payment_intent.succeeded", "data": { "object": { "id": "pi_unknown000" } } }).to_string();
        assert_eq!(
            webhook(&app, &unknown, signed(&app, &unknown))
                .await
                .expect(200),
            &json!({ "received": true })
        );
        let events: i64 = on_db!(&app.test.db, |pool| {
            sqlx::query_scalar("SELECT COUNT(*) FROM card_webhook_events")
                .fetch_one(pool)
                .await
                .unwrap()
        });
        assert_eq!(events, 3);
    }
);

backend_tests!(
    card_payments_left_unfinished_for_seven_days_are_cancelled,
    |test: TestDb| async move {
        let app = pay_app(test).await;
        let (order, _, token) = parent_order(&app, 80_000).await;
        let waiting = create(&app, &token, "a", order, card("4000002500003155"))
            .await
            .expect(201)["id"]
            .as_str()
            .unwrap()
            .to_owned();
        confirm(&app, &token, &waiting).await.expect(200);
        let (other, _, token2) = parent_order(&app, 90_000).await;
        let paid = create(&app, &token2, "b", other, card("4242424242424242"))
            .await
            .expect(201)["id"]
            .as_str()
            .unwrap()
            .to_owned();
        confirm(&app, &token2, &paid).await.expect(200);
        app.clock
            .advance(chrono::Duration::days(7) - chrono::Duration::seconds(1));
        assert_eq!(
            storefront::payments::card::cancel_abandoned(&app.state.0)
                .await
                .unwrap(),
            0
        );
        app.clock.advance(chrono::Duration::seconds(2));
        assert_eq!(
            storefront::payments::card::cancel_abandoned(&app.state.0)
                .await
                .unwrap(),
            1
        );
        // (The test's access tokens have expired by now: read the store.)
        let statuses: std::collections::BTreeMap<String, String> = on_db!(&app.test.db, |pool| {
            sqlx::query_as::<_, (String, String)>("SELECT id, status FROM card_payments")
                .fetch_all(pool)
                .await
                .unwrap()
                .into_iter()
                .collect()
        });
        assert_eq!(statuses.len(), 2);
        assert_eq!(statuses[&waiting], "canceled");
        assert_eq!(statuses[&paid], "succeeded");
        assert_eq!(order_status(&app, order).await, "pending_payment");
    }
);

backend_tests!(
    payment_links_for_the_buyers_pending_order,
    |test: TestDb| async move {
        let app = pay_app(test).await;
        let (order, _, token) = parent_order(&app, 120_050).await;
        let reply = call(Method::GET, &format!("/api/v1/payments/links/{order}"))
            .bearer(&token)
            .send(&app)
            .await;
        let payme = storefront::payments::payme::checkout_link(
            "https://checkout.paycom.uz",
            "587f72c72cac0d162c722ae2",
            order,
            120_050,
            &Default::default(),
        );
        assert_eq!(
            reply.expect(200),
            &json!({
                "order_id": order,
                "amount": 120_050,
                "payme": payme,
                "click": format!("https://my.click.uz/services/pay?service_id=12345&merchant_id=678&amount=1200.50&transaction_param={order}"),
            })
        );
        let (_, stranger) = user_with_role(&app, Role::Parent).await;
        call(Method::GET, &format!("/api/v1/payments/links/{order}"))
            .bearer(&stranger)
            .send(&app)
            .await
            .expect_error(404, "order_not_found");
        call(Method::GET, "/api/v1/payments/links/abc")
            .bearer(&token)
            .send(&app)
            .await
            .expect_error(400, "invalid_path");
        let payment = create(&app, &token, "links", order, card("4242424242424242"))
            .await
            .expect(201)["id"]
            .as_str()
            .unwrap()
            .to_owned();
        confirm(&app, &token, &payment).await.expect(200);
        call(Method::GET, &format!("/api/v1/payments/links/{order}"))
            .bearer(&token)
            .send(&app)
            .await
            .expect_error(409, "order_not_payable");
    }
);

backend_tests!(
    card_webhook_replayed_twenty_times_at_once_applies_once,
    |test: TestDb| async move {
        let app = pay_app(test).await;
        let (order, _, token) = parent_order(&app, 330_000).await;
        let payment = create(&app, &token, "race", order, card("4000002500003155"))
            .await
            .expect(201)["id"]
            .as_str()
            .unwrap()
            .to_owned();
        confirm(&app, &token, &payment).await.expect(200);
        let event = json!({ "id": "evt_race", "type": "payment_intent.succeeded", "data": { "object": { "id": payment } } }).to_string();
        let signature = signed(&app, &event).unwrap();
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..20 {
            let state = app.state.clone();
            let event = event.clone();
            let signature = signature.clone();
            tasks.spawn(async move {
                let request = axum::http::Request::post("/payments/card/webhook")
                    .header("content-type", "application/json")
                    .header("stripe-signature", signature)
                    .body(axum::body::Body::from(event))
                    .unwrap();
                crate::payme::send_raw(state, request).await
            });
        }
        for (status, body) in tasks.join_all().await {
            assert_eq!((status.as_u16(), body), (200, json!({ "received": true })));
        }
        assert_eq!(order_status(&app, order).await, "paid");
        assert_eq!(transitions_to(&app, order, "paid").await, 1);
    }
);
