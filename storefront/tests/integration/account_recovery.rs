//! Password reset and the first admin through the HTTP API (issue 6): a code delivered through
//! the notification queue, single use, 15 minutes, 5 tries, rate limited per login and address,
//! the same answer for unknown accounts, the password policy, every session revoked, audited;
//! and the admin created from the environment, idempotently, who then grants and revokes roles.

use crate::auth::{
    AuthApp, PASSWORD, audit_actions, auth_app, call, email, login, signed_in_parent,
    user_with_role,
};
use crate::backend_tests;
use crate::support::TestDb;
use axum::http::Method;
use serde_json::{Value, json};
use storefront::auth::bootstrap::{BootstrapOutcome, ensure_admin};
use storefront::auth::{Role, totp};
use storefront::db::Db;

const NEW_PASSWORD: &str = "yangi parol bahor 2027";

/// Returns (recipient, payload) of every queued `otp` notification, oldest first.
async fn otp_messages(app: &AuthApp) -> Vec<(String, Value)> {
    let sql = "SELECT recipient, payload FROM notification_jobs WHERE kind = 'otp' ORDER BY id";
    let rows: Vec<(String, String)> = match &app.test.db {
        Db::Sqlite(pool) => sqlx::query_as(sql).fetch_all(pool).await.unwrap(),
        Db::Postgres(pool) => sqlx::query_as(sql).fetch_all(pool).await.unwrap(),
    };
    rows.into_iter()
        .map(|(recipient, payload)| (recipient, serde_json::from_str(&payload).unwrap()))
        .collect()
}

async fn last_code(app: &AuthApp) -> String {
    let messages = otp_messages(app).await;
    messages.last().unwrap().1["code"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn request_reset(app: &AuthApp, login: &str) -> crate::auth::Reply {
    call(Method::POST, "/api/v1/auth/password/reset")
        .json(json!({ "login": login }))
        .send(app)
        .await
}

fn confirm(login: &str, code: &str, password: &str) -> crate::auth::Call {
    call(Method::POST, "/api/v1/auth/password/reset/confirm")
        .json(json!({ "login": login, "code": code, "new_password": password }))
}

backend_tests!(
    a_reset_code_sets_a_new_password_once_and_ends_every_session,
    |test: TestDb| async move {
        let app = auth_app(test).await;
        let (email, access, refresh) = signed_in_parent(&app).await;
        let second_device = login(&app, &email).await["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        let accepted = request_reset(&app, &email.to_uppercase()).await;
        assert_eq!(accepted.expect(202)["status"], "accepted");
        assert_eq!(accepted.body["code_valid_minutes"], 15);
        let messages = otp_messages(&app).await;
        assert_eq!(messages.len(), 1, "delivered through the notify queue");
        assert_eq!(messages[0].0, email);
        assert_eq!(messages[0].1["minutes"], 15);
        let code = last_code(&app).await;
        assert_eq!(code.len(), 6);
        // The code is stored only hashed.
        let stored: Vec<String> = match &app.test.db {
            Db::Sqlite(pool) => sqlx::query_scalar("SELECT code_hash FROM password_resets")
                .fetch_all(pool)
                .await
                .unwrap(),
            Db::Postgres(pool) => sqlx::query_scalar("SELECT code_hash FROM password_resets")
                .fetch_all(pool)
                .await
                .unwrap(),
        };
        assert_eq!(stored.len(), 1);
        assert!(!stored[0].contains(&code));
        assert_ne!(stored[0], storefront::auth::token::sha256_hex(&code));

        // The policy applies, and a weak password does not spend the code.
        confirm(&email, &code, "password1")
            .send(&app)
            .await
            .expect_error(400, "weak_password");
        let wrong = if code == "000000" { "000001" } else { "000000" };
        confirm(&email, wrong, NEW_PASSWORD)
            .send(&app)
            .await
            .expect_error(400, "invalid_reset_code");
        confirm(&email, &code, NEW_PASSWORD)
            .send(&app)
            .await
            .expect(204);
        // Once only.
        confirm(&email, &code, "another fine password 9")
            .send(&app)
            .await
            .expect_error(400, "invalid_reset_code");
        // Every session ended, refresh tokens included.
        for token in [&access, &second_device] {
            call(Method::GET, "/api/v1/auth/me")
                .bearer(token)
                .send(&app)
                .await
                .expect_error(401, "session_revoked");
        }
        call(Method::POST, "/api/v1/auth/refresh")
            .json(json!({ "refresh_token": refresh }))
            .send(&app)
            .await
            .expect_error(401, "session_revoked");
        // The old password is gone, the new one works.
        call(Method::POST, "/api/v1/auth/login")
            .json(json!({ "login": email, "password": PASSWORD }))
            .send(&app)
            .await
            .expect_error(401, "invalid_credentials");
        call(Method::POST, "/api/v1/auth/login")
            .json(json!({ "login": email, "password": NEW_PASSWORD }))
            .send(&app)
            .await
            .expect(200);
        let actions = audit_actions(&app).await;
        for action in [
            "password_reset_requested",
            "password_reset_failed",
            "password_reset_completed",
        ] {
            assert!(
                actions.contains(&action.to_owned()),
                "{action}: {actions:?}"
            );
        }
        // A security alert went out.
        let alerts: i64 = match &app.test.db {
            Db::Sqlite(pool) => sqlx::query_scalar(
                "SELECT COUNT(*) FROM notification_jobs WHERE kind = 'security_alert'",
            )
            .fetch_one(pool)
            .await
            .unwrap(),
            Db::Postgres(pool) => sqlx::query_scalar(
                "SELECT COUNT(*) FROM notification_jobs WHERE kind = 'security_alert'",
            )
            .fetch_one(pool)
            .await
            .unwrap(),
        };
        assert_eq!(alerts, 1);
        // Nothing secret reached the audit trail.
        for row in app.test.db.audit_entries(None).await.unwrap() {
            assert!(
                !row.details.contains(&code) && !row.details.contains(NEW_PASSWORD),
                "{}",
                row.details
            );
        }
    }
);

backend_tests!(
    reset_codes_expire_close_after_five_tries_and_supersede,
    |test: TestDb| async move {
        let app = auth_app(test).await;
        let (email, _, _) = signed_in_parent(&app).await;
        // Expiry after 15 minutes.
        request_reset(&app, &email).await.expect(202);
        let code = last_code(&app).await;
        app.clock.advance(chrono::Duration::minutes(15));
        confirm(&email, &code, NEW_PASSWORD)
            .send(&app)
            .await
            .expect_error(400, "invalid_reset_code");
        // A newer code closes the older one.
        request_reset(&app, &email).await.expect(202);
        let first = last_code(&app).await;
        request_reset(&app, &email).await.expect(202);
        let second = last_code(&app).await;
        if first != second {
            confirm(&email, &first, NEW_PASSWORD)
                .send(&app)
                .await
                .expect_error(400, "invalid_reset_code");
        }
        // Five wrong tries close the open code: even the right one then fails.
        for attempt in 0..5 {
            let wrong = format!(
                "{:06}",
                (second.parse::<u32>().unwrap() + 1 + attempt) % 1_000_000
            );
            confirm(&email, &wrong, NEW_PASSWORD)
                .send(&app)
                .await
                .expect_error(400, "invalid_reset_code");
        }
        confirm(&email, &second, NEW_PASSWORD)
            .send(&app)
            .await
            .expect_error(400, "invalid_reset_code");
        login(&app, &email).await;
    }
);

backend_tests!(
    unknown_accounts_get_the_same_answer_and_requests_are_rate_limited,
    |test: TestDb| async move {
        let app = auth_app(test).await;
        let (email, _, _) = signed_in_parent(&app).await;
        let known = request_reset(&app, &email).await;
        let unknown = request_reset(&app, "nobody-here@example.uz").await;
        assert_eq!(known.status, unknown.status);
        assert_eq!(known.body, unknown.body);
        assert_eq!(
            otp_messages(&app).await.len(),
            1,
            "nothing sent to unknown logins"
        );
        confirm("nobody-here@example.uz", "123456", NEW_PASSWORD)
            .send(&app)
            .await
            .expect_error(400, "invalid_reset_code");
        // By phone: the code goes by SMS to the account's phone.
        let phone_account = call(Method::POST, "/api/v1/auth/register")
            .json(json!({ "phone": "+998901234567", "password": PASSWORD }))
            .send(&app)
            .await;
        phone_account.expect(201);
        request_reset(&app, "90 123 45 67").await.expect(202);
        let messages = otp_messages(&app).await;
        assert_eq!(messages.last().unwrap().0, "+998901234567");
        let code = last_code(&app).await;
        confirm("+998901234567", &code, NEW_PASSWORD)
            .send(&app)
            .await
            .expect(204);

        // Per login: the fourth request within the hour is refused, known or unknown alike.
        for login in [email.as_str(), "nobody-here@example.uz"] {
            // The first request of each was made above.
            for _ in 0..2 {
                request_reset(&app, login).await.expect(202);
            }
            let limited = request_reset(&app, login).await;
            limited.expect_error(429, "rate_limited");
            assert!(limited.headers.get("retry-after").is_some());
        }
        // Per address: ten an hour from one address, whatever the login.
        for n in 0..10 {
            call(Method::POST, "/api/v1/auth/password/reset")
                .json(json!({ "login": format!("someone{n}@example.uz") }))
                .send_from(&app, [198, 51, 100, 9])
                .await
                .expect(202);
        }
        call(Method::POST, "/api/v1/auth/password/reset")
            .json(json!({ "login": "someone-else@example.uz" }))
            .send_from(&app, [198, 51, 100, 9])
            .await
            .expect_error(429, "rate_limited");
        call(Method::POST, "/api/v1/auth/password/reset")
            .json(json!({ "login": "someone-else@example.uz" }))
            .send_from(&app, [198, 51, 100, 10])
            .await
            .expect(202);
        // The window passes: requests are accepted again.
        app.clock.advance(chrono::Duration::hours(1));
        request_reset(&app, &email).await.expect(202);
        // Malformed logins are a 400 (that says nothing about accounts).
        request_reset(&app, "not a login")
            .await
            .expect_error(400, "invalid_phone");
        request_reset(&app, "a@b")
            .await
            .expect_error(400, "invalid_email");
    }
);

backend_tests!(
    the_first_admin_comes_from_the_environment_once_and_grants_roles,
    |test: TestDb| async move {
        let app = auth_app(test).await;
        let admin_email = email();
        let created = ensure_admin(&app.state, &admin_email.to_uppercase(), NEW_PASSWORD)
            .await
            .unwrap();
        let BootstrapOutcome::Created(admin_id) = created else {
            panic!("{created:?}")
        };
        // Idempotent: a second start changes nothing, not even the password.
        assert_eq!(
            ensure_admin(&app.state, &admin_email, "some other password 77")
                .await
                .unwrap(),
            BootstrapOutcome::AlreadyPresent(admin_id)
        );
        let rows = app
            .test
            .db
            .audit_entries(Some("admin_bootstrapped"))
            .await
            .unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].target_user_id, Some(admin_id.0));
        assert!(!rows[0].details.contains(NEW_PASSWORD));
        // Weak passwords and other roles' emails are refused.
        assert!(
            ensure_admin(&app.state, &email(), "password1")
                .await
                .is_err()
        );
        let (parent_email, _, _) = signed_in_parent(&app).await;
        let refused = ensure_admin(&app.state, &parent_email, NEW_PASSWORD)
            .await
            .unwrap_err()
            .to_string();
        assert!(refused.contains("not promoted"), "{refused}");
        assert!(!refused.contains(NEW_PASSWORD));

        // The admin signs in, must turn TOTP on, then grants and revokes roles.
        let signed_in = call(Method::POST, "/api/v1/auth/login")
            .json(json!({ "login": admin_email, "password": NEW_PASSWORD }))
            .send(&app)
            .await;
        let body = signed_in.expect(200).clone();
        assert_eq!(body["user"]["role"], "admin");
        assert_eq!(body["totp_enrollment_required"], true);
        let access = body["access_token"].as_str().unwrap().to_owned();
        let parent_id = app
            .test
            .db
            .user_by_email(&parent_email)
            .await
            .unwrap()
            .unwrap()
            .id
            .0;
        let grant = |role: &str| {
            call(
                Method::PUT,
                &format!("/api/v1/admin/users/{parent_id}/role"),
            )
            .bearer(&access)
            .json(json!({ "role": role }))
        };
        grant("moderator")
            .send(&app)
            .await
            .expect_error(403, "totp_enrollment_required");
        let enrolled = call(Method::POST, "/api/v1/auth/2fa/enroll")
            .bearer(&access)
            .send(&app)
            .await;
        let secret = enrolled.expect(200)["secret"].as_str().unwrap().to_owned();
        let code = totp::code_at(
            &totp::base32_decode(&secret).unwrap(),
            storefront::auth::Clock::now(app.clock.as_ref()).timestamp(),
        );
        call(Method::POST, "/api/v1/auth/2fa/confirm")
            .bearer(&access)
            .json(json!({ "code": code }))
            .send(&app)
            .await
            .expect(200);
        assert_eq!(
            grant("moderator").send(&app).await.expect(200)["role"],
            "moderator"
        );
        assert_eq!(
            grant("seller").send(&app).await.expect(200)["role"],
            "seller"
        );
        assert_eq!(
            grant("parent").send(&app).await.expect(200)["role"],
            "parent"
        );
        let changes = app
            .test
            .db
            .audit_entries(Some("role_changed"))
            .await
            .unwrap();
        assert_eq!(changes.len(), 3);
        assert!(
            changes
                .iter()
                .all(|row| row.actor_user_id == Some(admin_id.0))
        );
        // Only admins grant roles.
        let (_, moderator) = user_with_role(&app, Role::Moderator).await;
        call(
            Method::PUT,
            &format!("/api/v1/admin/users/{parent_id}/role"),
        )
        .bearer(&moderator)
        .json(json!({ "role": "moderator" }))
        .send(&app)
        .await
        .expect_error(403, "forbidden");
    }
);
