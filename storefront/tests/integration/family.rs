//! The family through the HTTP API (issue 6, item 3): child profiles with minimal data,
//! consent that activates them, ownership between two parents, and the parent PIN lockout.

use crate::auth::{PASSWORD, audit_actions, auth_app, call, login, signed_in_parent};
use crate::backend_tests;
use crate::support::TestDb;
use axum::http::{Method, StatusCode};
use serde_json::json;

const NOTICE: &str = storefront::auth::family::CURRENT_NOTICE_VERSION;

backend_tests!(
    a_child_is_inactive_until_consent_and_only_its_parent_sees_it,
    |test: TestDb| async move {
        let app = auth_app(test).await;
        let (_, parent, _) = signed_in_parent(&app).await;
        let (_, stranger, _) = signed_in_parent(&app).await;

        let created = call(Method::POST, "/api/v1/family/children")
            .bearer(&parent)
            .json(json!({ "nickname": "  Lola ", "age_band": "6-8", "avatar": "owl" }))
            .send(&app)
            .await;
        let child = created.expect(201).clone();
        assert_eq!(child["nickname"], "Lola");
        assert_eq!(child["status"], "pending_consent");
        assert!(child["birth_year_month"].is_null());
        let id = child["id"].as_i64().unwrap();
        let twin = call(Method::POST, "/api/v1/family/children")
            .bearer(&parent)
            .json(json!({ "nickname": "Anvar", "birth_year_month": "2019-04", "avatar": "tiger" }))
            .send(&app)
            .await;
        twin.expect(201);

        let listed = call(Method::GET, "/api/v1/family/children")
            .bearer(&parent)
            .send(&app)
            .await;
        assert_eq!(listed.expect(200)["children"].as_array().unwrap().len(), 2);
        call(Method::GET, &format!("/api/v1/family/children/{id}"))
            .bearer(&parent)
            .send(&app)
            .await
            .expect(200);

        // Another parent sees nothing, and cannot tell a foreign child from a missing one.
        let theirs = call(Method::GET, "/api/v1/family/children")
            .bearer(&stranger)
            .send(&app)
            .await;
        assert_eq!(theirs.expect(200)["children"], json!([]));
        let foreign = call(Method::GET, &format!("/api/v1/family/children/{id}"))
            .bearer(&stranger)
            .send(&app)
            .await;
        foreign.expect_error(404, "child_not_found");
        let missing = call(Method::GET, "/api/v1/family/children/999999")
            .bearer(&stranger)
            .send(&app)
            .await;
        missing.expect_error(404, "child_not_found");
        assert_eq!(
            foreign.body["error"]["message"]
                .as_str()
                .unwrap()
                .replace(&id.to_string(), "N"),
            missing.body["error"]["message"]
                .as_str()
                .unwrap()
                .replace("999999", "N")
        );
        call(
            Method::POST,
            &format!("/api/v1/family/children/{id}/consent"),
        )
        .bearer(&stranger)
        .json(json!({ "method": "signed_form", "notice_version": NOTICE, "password": PASSWORD }))
        .send(&app)
        .await
        .expect_error(404, "child_not_found");

        // Consent needs a known method, the current notice and the parent's password.
        let consent = |body: serde_json::Value| {
            call(
                Method::POST,
                &format!("/api/v1/family/children/{id}/consent"),
            )
            .bearer(&parent)
            .json(body)
        };
        consent(json!({ "method": "checkbox", "notice_version": NOTICE, "password": PASSWORD }))
            .send(&app)
            .await
            .expect_error(400, "invalid_consent_method");
        consent(
            json!({ "method": "signed_form", "notice_version": "2020-01", "password": PASSWORD }),
        )
        .send(&app)
        .await
        .expect_error(400, "outdated_notice");
        consent(json!({ "method": "signed_form", "notice_version": NOTICE, "password": "not the password" }))
        .send(&app)
        .await
        .expect_error(403, "reauthentication_failed");
        let recorded = consent(
            json!({ "method": "signed_form", "notice_version": NOTICE, "password": PASSWORD }),
        )
        .send(&app)
        .await;
        assert_eq!(recorded.expect(201)["child"]["status"], "active");
        assert_eq!(recorded.body["method"], "signed_form");
        assert_eq!(recorded.body["notice_version"], NOTICE);
        // Once active, a repeated consent is refused and writes nothing.
        consent(json!({ "method": "id_document", "notice_version": NOTICE, "password": PASSWORD }))
            .send(&app)
            .await
            .expect_error(409, "consent_already_recorded");
        let consents = app
            .test
            .db
            .consents_of(storefront::db::accounts::ChildId(id))
            .await
            .unwrap();
        assert_eq!(consents.len(), 1);
        assert_eq!(consents[0].method, "signed_form");
        let actions = audit_actions(&app).await;
        assert!(actions.contains(&"child_created".to_owned()));
        assert_eq!(
            actions
                .iter()
                .filter(|action| *action == "consent_recorded")
                .count(),
            1
        );
    }
);

backend_tests!(
    child_profiles_hold_only_valid_minimal_data,
    |test: TestDb| async move {
        let app = auth_app(test).await;
        let (_, parent, _) = signed_in_parent(&app).await;
        let cases = [
            (
                json!({ "nickname": "", "age_band": "6-8", "avatar": "owl" }),
                "invalid_nickname",
            ),
            (
                json!({ "nickname": "x".repeat(33), "age_band": "6-8", "avatar": "owl" }),
                "invalid_nickname",
            ),
            (
                json!({ "nickname": "Lola", "avatar": "owl" }),
                "invalid_age",
            ),
            (
                json!({ "nickname": "Lola", "age_band": "6-8", "birth_year_month": "2019-01", "avatar": "owl" }),
                "invalid_age",
            ),
            (
                json!({ "nickname": "Lola", "age_band": "18-99", "avatar": "owl" }),
                "invalid_age_band",
            ),
            (
                json!({ "nickname": "Lola", "birth_year_month": "2000-01", "avatar": "owl" }),
                "invalid_birth_month",
            ),
            (
                json!({ "nickname": "Lola", "birth_year_month": "2019-13", "avatar": "owl" }),
                "invalid_birth_month",
            ),
            (
                json!({ "nickname": "Lola", "age_band": "6-8", "avatar": "https://example.com/photo.jpg" }),
                "invalid_avatar",
            ),
            (
                json!({ "nickname": "Lola", "age_band": "6-8", "avatar": "owl", "school": "No. 5" }),
                "invalid_json",
            ),
        ];
        for (body, code) in cases {
            call(Method::POST, "/api/v1/family/children")
                .bearer(&parent)
                .json(body)
                .send(&app)
                .await
                .expect_error(400, code);
        }
        call(Method::GET, "/api/v1/family/children/abc")
            .bearer(&parent)
            .send(&app)
            .await
            .expect_error(400, "invalid_child_id");
    }
);

backend_tests!(
    five_wrong_pins_lock_the_pin_until_reset_with_the_password,
    |test: TestDb| async move {
        let app = auth_app(test).await;
        let (email, parent, _) = signed_in_parent(&app).await;
        let token = std::cell::RefCell::new(parent.clone());
        let verify = |pin: &str| {
            call(Method::POST, "/api/v1/family/pin/verify")
                .bearer(&token.borrow())
                .json(json!({ "pin": pin }))
        };
        let set = |pin: &str, password: &str| {
            call(Method::PUT, "/api/v1/family/pin")
                .bearer(&parent)
                .json(json!({ "pin": pin, "password": password }))
        };
        verify("2580")
            .send(&app)
            .await
            .expect_error(409, "pin_not_set");
        set("1234", PASSWORD)
            .send(&app)
            .await
            .expect_error(400, "weak_pin");
        set("12a4", PASSWORD)
            .send(&app)
            .await
            .expect_error(400, "invalid_pin");
        set("2580", "not the password")
            .send(&app)
            .await
            .expect_error(403, "reauthentication_failed");
        assert_eq!(
            set("2580", PASSWORD).send(&app).await.status,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            verify("2580").send(&app).await.status,
            StatusCode::NO_CONTENT
        );

        for left in (1..=4).rev() {
            let wrong = verify("9999").send(&app).await;
            wrong.expect_error(403, "wrong_pin");
            assert!(
                wrong.body["error"]["message"]
                    .as_str()
                    .unwrap()
                    .contains(&format!("{left} attempts left"))
            );
        }
        verify("9999")
            .send(&app)
            .await
            .expect_error(423, "pin_locked");
        // Locked: even the right PIN is refused.
        verify("2580")
            .send(&app)
            .await
            .expect_error(423, "pin_locked");
        // A new PIN, with the password, unlocks.
        assert_eq!(
            set("3690", PASSWORD).send(&app).await.status,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            verify("3690").send(&app).await.status,
            StatusCode::NO_CONTENT
        );
        let actions = audit_actions(&app).await;
        assert!(
            actions.contains(&"pin_set".to_owned()) && actions.contains(&"pin_locked".to_owned())
        );

        // A new rate-limit window. A right PIN clears the count of wrong ones.
        app.clock.advance(chrono::Duration::minutes(15));
        *token.borrow_mut() = login(&app, &email).await["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        for _ in 0..4 {
            verify("9999")
                .send(&app)
                .await
                .expect_error(403, "wrong_pin");
        }
        assert_eq!(
            verify("3690").send(&app).await.status,
            StatusCode::NO_CONTENT
        );
        let wrong = verify("9999").send(&app).await;
        assert!(
            wrong.body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("4 attempts left"),
            "{}",
            wrong.body
        );
        for _ in 0..3 {
            verify("9999")
                .send(&app)
                .await
                .expect_error(403, "wrong_pin");
        }
        verify("9999")
            .send(&app)
            .await
            .expect_error(423, "pin_locked");
        verify("3690")
            .send(&app)
            .await
            .expect_error(423, "pin_locked");
        // Ten checks in 15 minutes (right ones not counted): the rate limit answers first.
        let limited = verify("3690").send(&app).await;
        limited.expect_error(429, "rate_limited");
        assert!(limited.headers.contains_key("retry-after"));
    }
);
