//! Kids' mode and consent by card authorisation through the HTTP API (issue 6, item 3): a child
//! signs in on the parent's device by picking a profile, cannot reach parent routes, and leaving
//! takes the parent PIN (with its lockout, and even at bedtime); consent verified by holding
//! 1,000 so'm on the parent's card through the card sandbox and voiding it, a declined card
//! leaving the child pending.

use crate::auth::{
    AuthApp, PASSWORD, audit_actions, auth_app, call, login, signed_in_parent, user_with_role,
};
use crate::backend_tests;
use crate::support::TestDb;
use axum::http::Method;
use serde_json::{Value, json};
use storefront::auth::{Clock as _, Role};
use storefront::db::accounts::ChildId;

const NOTICE: &str = storefront::auth::family::CURRENT_NOTICE_VERSION;
const PIN: &str = "2580";

async fn create_child(app: &AuthApp, parent: &str, nickname: &str) -> i64 {
    call(Method::POST, "/api/v1/family/children")
        .bearer(parent)
        .json(json!({ "nickname": nickname, "age_band": "6-8", "avatar": "owl" }))
        .send(app)
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap()
}

async fn consent_signed_form(app: &AuthApp, parent: &str, child: i64) {
    call(
        Method::POST,
        &format!("/api/v1/family/children/{child}/consent"),
    )
    .bearer(parent)
    .json(json!({ "method": "signed_form", "notice_version": NOTICE, "password": PASSWORD }))
    .send(app)
    .await
    .expect(201);
}

async fn set_pin(app: &AuthApp, parent: &str, pin: &str) {
    call(Method::PUT, "/api/v1/family/pin")
        .bearer(parent)
        .json(json!({ "pin": pin, "password": PASSWORD }))
        .send(app)
        .await;
}

async fn enter(app: &AuthApp, parent: &str, child: i64) -> crate::auth::Reply {
    call(Method::POST, "/api/v1/family/kids-mode")
        .bearer(parent)
        .json(json!({ "child_id": child }))
        .send(app)
        .await
}

async fn exit(app: &AuthApp, child: &str, pin: &str) -> crate::auth::Reply {
    call(Method::POST, "/api/v1/family/kids-mode/exit")
        .bearer(child)
        .json(json!({ "pin": pin }))
        .send(app)
        .await
}

fn token(body: &Value) -> String {
    body["access_token"].as_str().unwrap().to_owned()
}

backend_tests!(
    a_child_picks_a_profile_and_leaving_kids_mode_needs_the_parent_pin,
    |test: TestDb| async move {
        let app = auth_app(test).await;
        let (email, parent, _) = signed_in_parent(&app).await;
        let (_, stranger, _) = signed_in_parent(&app).await;
        set_pin(&app, &parent, PIN).await;
        let lola = create_child(&app, &parent, "Lola").await;
        let anvar = create_child(&app, &parent, "Anvar").await;
        consent_signed_form(&app, &parent, lola).await;

        // Only active children are on the picker, with nothing but what the picker shows.
        let profiles = call(Method::GET, "/api/v1/family/kids-mode/profiles")
            .bearer(&parent)
            .send(&app)
            .await;
        assert_eq!(
            profiles.expect(200),
            &json!([{ "child_id": lola, "nickname": "Lola", "avatar": "owl" }])
        );
        enter(&app, &stranger, lola)
            .await
            .expect_error(404, "child_not_found");
        enter(&app, &parent, anvar)
            .await
            .expect_error(409, "child_not_active");
        enter(&app, &parent, 999_999)
            .await
            .expect_error(404, "child_not_found");

        // Picking Lola: no password; the parent's session on the device ends.
        let entered = enter(&app, &parent, lola).await;
        let body = entered.expect(200).clone();
        assert_eq!(body["user"]["role"], "child");
        assert!(body["refresh_token"].is_string());
        let child = token(&body);
        call(Method::GET, "/api/v1/family/children")
            .bearer(&parent)
            .send(&app)
            .await
            .expect_error(401, "session_revoked");
        let me = call(Method::GET, "/api/v1/auth/me")
            .bearer(&child)
            .send(&app)
            .await;
        assert_eq!(me.expect(200)["role"], "child");
        call(Method::GET, "/api/v1/orders")
            .bearer(&child)
            .send(&app)
            .await
            .expect(200);
        // The child session reaches no parent route.
        for (method, uri, body) in [
            (
                Method::GET,
                "/api/v1/family/children".to_owned(),
                json!(null),
            ),
            (
                Method::GET,
                format!("/api/v1/family/children/{lola}"),
                json!(null),
            ),
            (
                Method::PUT,
                format!("/api/v1/family/children/{lola}/controls"),
                json!({ "approval_mode": "none" }),
            ),
            (
                Method::GET,
                "/api/v1/family/dashboard".to_owned(),
                json!(null),
            ),
            (
                Method::PUT,
                "/api/v1/family/pin".to_owned(),
                json!({ "pin": "1470", "password": PASSWORD }),
            ),
            (
                Method::POST,
                "/api/v1/family/pin/verify".to_owned(),
                json!({ "pin": PIN }),
            ),
            (
                Method::GET,
                "/api/v1/family/kids-mode/profiles".to_owned(),
                json!(null),
            ),
            (
                Method::POST,
                "/api/v1/family/kids-mode".to_owned(),
                json!({ "child_id": lola }),
            ),
            (
                Method::POST,
                "/api/v1/family/purchase-requests/1/approve".to_owned(),
                json!({}),
            ),
            (Method::POST, "/api/v1/payments/card".to_owned(), json!({})),
            (
                Method::POST,
                "/api/v1/auth/passkeys/register/start".to_owned(),
                json!(null),
            ),
            (
                Method::POST,
                "/api/v1/auth/2fa/enroll".to_owned(),
                json!(null),
            ),
        ] {
            let mut request = call(method.clone(), &uri).bearer(&child);
            if !body.is_null() {
                request = request.json(body);
            }
            request.send(&app).await.expect_error(403, "forbidden");
        }

        // Leaving: a wrong PIN is refused, the right one returns the device to the parent.
        let wrong = exit(&app, &child, "1470").await;
        wrong.expect_error(403, "wrong_pin");
        call(Method::GET, "/api/v1/auth/me")
            .bearer(&child)
            .send(&app)
            .await
            .expect(200);
        let left = exit(&app, &child, PIN).await;
        let parent_again = left.expect(200).clone();
        assert_eq!(parent_again["user"]["email"], email.as_str());
        let parent = token(&parent_again);
        call(Method::GET, "/api/v1/family/children")
            .bearer(&parent)
            .send(&app)
            .await
            .expect(200);
        call(Method::GET, "/api/v1/auth/me")
            .bearer(&child)
            .send(&app)
            .await
            .expect_error(401, "session_revoked");
        let actions = audit_actions(&app).await;
        assert!(actions.contains(&"kids_mode_entered".to_owned()));
        assert!(actions.contains(&"kids_mode_exited".to_owned()));

        // Five wrong PINs lock it; the right PIN then fails too, until the parent (signing in
        // with their password elsewhere) sets a new one.
        let child = token(enter(&app, &parent, lola).await.expect(200));
        for attempt in 1..=5 {
            let reply = exit(&app, &child, "9517").await;
            if attempt < 5 {
                reply.expect_error(403, "wrong_pin");
            } else {
                reply.expect_error(423, "pin_locked");
            }
        }
        exit(&app, &child, PIN)
            .await
            .expect_error(423, "pin_locked");
        let elsewhere = token(&login(&app, &email).await);
        set_pin(&app, &elsewhere, "3691").await;
        exit(&app, &child, PIN).await.expect_error(403, "wrong_pin");
        exit(&app, &child, "3691").await.expect(200);
        // A child session that did not come from kids' mode cannot "leave" into a parent's.
        let (_, other_child) = user_with_role(&app, Role::Child).await;
        exit(&app, &other_child, PIN)
            .await
            .expect_error(409, "not_in_kids_mode");
    }
);

backend_tests!(
    leaving_kids_mode_works_at_bedtime,
    |test: TestDb| async move {
        let app = auth_app(test).await;
        let (_, parent, _) = signed_in_parent(&app).await;
        set_pin(&app, &parent, PIN).await;
        let lola = create_child(&app, &parent, "Lola").await;
        consent_signed_form(&app, &parent, lola).await;
        // Allowed hours that exclude now (Tashkent is UTC+5).
        let local = app.clock.now() + chrono::Duration::hours(5);
        let minute =
            i64::from(chrono::Timelike::hour(&local) * 60 + chrono::Timelike::minute(&local));
        call(
            Method::PUT,
            &format!("/api/v1/family/children/{lola}/controls"),
        )
        .bearer(&parent)
        .json(json!({
            "approval_mode": "every_purchase",
            "allowed_from_minute": (minute + 60) % 1440,
            "allowed_until_minute": (minute + 120) % 1440,
        }))
        .send(&app)
        .await
        .expect(200);
        let child = token(enter(&app, &parent, lola).await.expect(200));
        call(Method::GET, "/api/v1/auth/me")
            .bearer(&child)
            .send(&app)
            .await
            .expect_error(403, "bedtime");
        exit(&app, &child, PIN).await.expect(200);
    }
);

fn card(number: &str) -> Value {
    json!({ "number": number, "exp_month": 12, "exp_year": 2035, "cvc": "123" })
}

async fn consent_by_card(
    app: &AuthApp,
    parent: &str,
    child: i64,
    card: Value,
    code: Option<&str>,
) -> crate::auth::Reply {
    let mut body = json!({
        "method": "card_authorisation",
        "notice_version": NOTICE,
        "password": PASSWORD,
        "card": card,
    });
    if let Some(code) = code {
        body["authentication_code"] = json!(code);
    }
    call(
        Method::POST,
        &format!("/api/v1/family/children/{child}/consent"),
    )
    .bearer(parent)
    .json(body)
    .send(app)
    .await
}

async fn child_status(app: &AuthApp, parent: &str, child: i64) -> String {
    call(Method::GET, &format!("/api/v1/family/children/{child}"))
        .bearer(parent)
        .send(app)
        .await
        .expect(200)["status"]
        .as_str()
        .unwrap()
        .to_owned()
}

backend_tests!(
    consent_by_card_authorisation_holds_and_voids_1000_som_and_a_declined_card_activates_nothing,
    |test: TestDb| async move {
        let app = auth_app(test).await;
        let (_, parent, _) = signed_in_parent(&app).await;
        let child = create_child(&app, &parent, "Lola").await;

        // The method needs the card, and only that method takes one.
        call(
            Method::POST,
            &format!("/api/v1/family/children/{child}/consent"),
        )
        .bearer(&parent)
        .json(json!({ "method": "card_authorisation", "notice_version": NOTICE, "password": PASSWORD }))
        .send(&app)
        .await
        .expect_error(400, "card_required");
        call(
            Method::POST,
            &format!("/api/v1/family/children/{child}/consent"),
        )
        .bearer(&parent)
        .json(json!({ "method": "signed_form", "notice_version": NOTICE, "password": PASSWORD, "card": card("4242424242424242") }))
        .send(&app)
        .await
        .expect_error(400, "unexpected_card");
        consent_by_card(&app, &parent, child, card("4242424242424241"), None)
            .await
            .expect_error(400, "invalid_card_number");

        // Declined cards: 402 with the acquirer's code, and the child stays pending.
        consent_by_card(&app, &parent, child, card("4000000000000002"), None)
            .await
            .expect_error(402, "card_declined");
        consent_by_card(&app, &parent, child, card("4000000000009995"), None)
            .await
            .expect_error(402, "insufficient_funds");
        // A 3-D Secure card needs its code; a wrong code is a decline.
        consent_by_card(&app, &parent, child, card("4000002500003155"), None)
            .await
            .expect_error(402, "authentication_required");
        consent_by_card(
            &app,
            &parent,
            child,
            card("4000002500003155"),
            Some("111111"),
        )
        .await
        .expect_error(402, "authentication_failed");
        assert_eq!(child_status(&app, &parent, child).await, "pending_consent");
        assert!(
            app.test
                .db
                .consents_of(ChildId(child))
                .await
                .unwrap()
                .is_empty()
        );
        // A declined card cannot be used to leave the profile's state half-done: kids' mode
        // stays closed.
        enter_refused(&app, &parent, child).await;

        // An authorised card: 1,000 so'm held and voided, consent recorded, the child active.
        let recorded =
            consent_by_card(&app, &parent, child, card("4242 4242 4242 4242"), None).await;
        let body = recorded.expect(201).clone();
        assert_eq!(body["method"], "card_authorisation");
        assert_eq!(body["notice_version"], NOTICE);
        assert!(body["consented_at"].is_string());
        assert_eq!(body["child"]["status"], "active");
        let consents = app.test.db.consents_of(ChildId(child)).await.unwrap();
        assert_eq!(consents.len(), 1);
        assert_eq!(consents[0].method, "card_authorisation");
        let checks = app
            .test
            .db
            .consent_card_checks(ChildId(child))
            .await
            .unwrap();
        let outcomes: Vec<&str> = checks.iter().map(|check| check.0.as_str()).collect();
        assert_eq!(
            outcomes,
            ["declined", "declined", "declined", "voided"],
            "every authorisation tried is recorded"
        );
        let voided = checks.last().unwrap();
        assert_eq!(voided.1, 100_000, "1,000 so'm in tiyin");
        assert_eq!(voided.2, "4242");
        assert_eq!(voided.3, Some(consents[0].id));
        let actions = audit_actions(&app).await;
        assert_eq!(
            actions
                .iter()
                .filter(|action| *action == "consent_card_declined")
                .count(),
            3
        );
        // The card number is kept nowhere.
        for row in app.test.db.audit_entries(None).await.unwrap() {
            assert!(!row.details.contains("4242424242424242"), "{}", row.details);
            assert!(!row.details.contains("4000000000000002"), "{}", row.details);
        }

        // Uzcard confirms with an SMS code (sandbox 666666).
        let anvar = create_child(&app, &parent, "Anvar").await;
        let number = (0..10)
            .map(|digit| format!("860012345678901{digit}"))
            .find(|number| luhn(number))
            .unwrap();
        let uzcard = json!({ "number": number, "exp_month": 12, "exp_year": 2035 });
        consent_by_card(&app, &parent, anvar, uzcard.clone(), None)
            .await
            .expect_error(402, "authentication_required");
        consent_by_card(&app, &parent, anvar, uzcard.clone(), Some("123456"))
            .await
            .expect_error(402, "incorrect_otp");
        consent_by_card(&app, &parent, anvar, uzcard, Some("666666"))
            .await
            .expect(201);
        assert_eq!(child_status(&app, &parent, anvar).await, "active");
    }
);

async fn enter_refused(app: &AuthApp, parent: &str, child: i64) {
    enter(app, parent, child)
        .await
        .expect_error(409, "child_not_active");
}

fn luhn(number: &str) -> bool {
    let digits: Vec<u32> = number.chars().filter_map(|c| c.to_digit(10)).collect();
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(index, digit)| {
            if index % 2 == 1 {
                let doubled = digit * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                *digit
            }
        })
        .sum();
    sum.is_multiple_of(10)
}
