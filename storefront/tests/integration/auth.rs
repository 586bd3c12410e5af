//! Accounts through the HTTP API (issue 6): registration, login, refresh rotation and reuse,
//! logout, TOTP with replay protection and recovery codes, rate limits (in-process and Redis),
//! CSRF, the policy table swept route by route, input validation, and the audit trail.

use crate::backend_tests;
use crate::support::TestDb;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use chrono::Utc;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use storefront::AppState;
use storefront::auth::data_key::totp_aad;
use storefront::auth::password::PasswordParams;
use storefront::auth::policy::{self, Access};
use storefront::auth::rate_limit::RateLimiter;
use storefront::auth::{AuthSettings, AuthState, Clock as _, ManualClock, Role, totp};
use storefront::db::accounts::{NewChild, NewUser, UserId, UserInsert};
use tower::ServiceExt;

/// An app on a test database with cheap argon2 parameters and a clock the test moves.
pub struct AuthApp {
    pub test: TestDb,
    pub state: AppState,
    pub clock: Arc<ManualClock>,
}

pub async fn auth_app(test: TestDb) -> AuthApp {
    auth_app_with(test, RateLimiter::in_process()).await
}

pub async fn auth_app_with(test: TestDb, limiter: RateLimiter) -> AuthApp {
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let auth = AuthState::new(
        b"integration-test-secret-of-32-bytes!",
        AuthSettings {
            password: PasswordParams::INSECURE_FOR_TESTS,
            ..AuthSettings::default()
        },
        limiter,
        clock.clone(),
    )
    .unwrap();
    let engine = engine::Engine::open_or_create(&test.dir.path().join("index")).unwrap();
    let state = AppState::new_with_auth(test.db.clone(), Arc::new(engine), auth)
        .await
        .unwrap();
    AuthApp { test, state, clock }
}

/// A response: status, headers and the body as JSON (`Null` when empty or not JSON).
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Reply {
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or_default()
    }

    #[track_caller]
    pub fn expect(&self, status: u16) -> &Value {
        assert_eq!(self.status.as_u16(), status, "{}", self.body);
        &self.body
    }

    #[track_caller]
    pub fn expect_error(&self, status: u16, code: &str) {
        assert_eq!(self.status.as_u16(), status, "{}", self.body);
        assert_eq!(self.code(), code, "{}", self.body);
        assert!(
            self.body["error"]["message"]
                .as_str()
                .is_some_and(|message| !message.is_empty())
        );
    }

    /// Returns `name=value` of every cookie set, joined as a `Cookie` header.
    pub fn cookie_header(&self) -> String {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|value| {
                value
                    .to_str()
                    .unwrap()
                    .split(';')
                    .next()
                    .unwrap()
                    .to_owned()
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// A request under construction.
pub struct Call {
    request: axum::http::request::Builder,
    body: Body,
}

pub fn call(method: Method, uri: &str) -> Call {
    Call {
        request: Request::builder().method(method).uri(uri),
        body: Body::empty(),
    }
}

impl Call {
    pub fn json(mut self, body: Value) -> Self {
        self.request = self
            .request
            .header(header::CONTENT_TYPE, "application/json");
        self.body = Body::from(body.to_string());
        self
    }

    pub fn raw(mut self, content_type: &str, body: impl Into<Body>) -> Self {
        self.request = self.request.header(header::CONTENT_TYPE, content_type);
        self.body = body.into();
        self
    }

    pub fn bearer(self, token: &str) -> Self {
        self.header(header::AUTHORIZATION.as_str(), &format!("Bearer {token}"))
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.request = self.request.header(name, value);
        self
    }

    pub async fn send(self, app: &AuthApp) -> Reply {
        self.send_from(app, [203, 0, 113, 7]).await
    }

    pub async fn send_from(self, app: &AuthApp, ip: [u8; 4]) -> Reply {
        let mut request = self.request.body(self.body).unwrap();
        request
            .extensions_mut()
            .insert(ConnectInfo(SocketAddr::from((ip, 40_000))));
        let response = storefront::router(app.state.clone())
            .oneshot(request)
            .await
            .unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            headers,
            body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        }
    }
}

static EMAILS: AtomicU64 = AtomicU64::new(0);

/// Returns a fresh email address.
pub fn email() -> String {
    format!(
        "user{}-{}@example.uz",
        std::process::id(),
        EMAILS.fetch_add(1, Ordering::Relaxed)
    )
}

pub const PASSWORD: &str = "tog'da qor yog'di 2026";

/// Registers an account through the API and returns its email.
pub async fn register(app: &AuthApp, role: &str) -> String {
    let email = email();
    call(Method::POST, "/api/v1/auth/register")
        .json(json!({ "email": email, "password": PASSWORD, "role": role }))
        .send(app)
        .await
        .expect(201);
    email
}

/// Logs in with a password and returns the response body (tokens delivery).
pub async fn login(app: &AuthApp, login: &str) -> Value {
    call(Method::POST, "/api/v1/auth/login")
        .json(json!({ "login": login, "password": PASSWORD }))
        .send(app)
        .await
        .expect(200)
        .clone()
}

/// Registers a parent and returns (email, access token, refresh token).
pub async fn signed_in_parent(app: &AuthApp) -> (String, String, String) {
    let email = register(app, "parent").await;
    let body = login(app, &email).await;
    (
        email,
        body["access_token"].as_str().unwrap().to_owned(),
        body["refresh_token"].as_str().unwrap().to_owned(),
    )
}

/// Returns the actions of the audit log, in order.
pub async fn audit_actions(app: &AuthApp) -> Vec<String> {
    app.test
        .db
        .audit_entries(None)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.action)
        .collect()
}

fn totp_code(app: &AuthApp, secret_base32: &str) -> String {
    let secret = totp::base32_decode(secret_base32).unwrap();
    totp::code_at(&secret, app.clock.now().timestamp())
}

backend_tests!(
    register_login_refresh_rotation_and_reuse_revokes_the_family,
    |test: TestDb| async move {
        let app = auth_app(test).await;
        let email = register(&app, "parent").await;
        call(Method::POST, "/api/v1/auth/register")
            .json(json!({ "email": email.to_uppercase(), "password": PASSWORD }))
            .send(&app)
            .await
            .expect_error(409, "email_taken");
        let phone_account = call(Method::POST, "/api/v1/auth/register")
            .json(json!({ "phone": "+998 90 123-45-67", "password": PASSWORD }))
            .send(&app)
            .await;
        assert_eq!(phone_account.expect(201)["phone"], "+998901234567");
        call(Method::POST, "/api/v1/auth/register")
            .json(json!({ "phone": "901234567", "password": PASSWORD }))
            .send(&app)
            .await
            .expect_error(409, "phone_taken");

        let session = login(&app, &email.to_uppercase()).await;
        assert_eq!(session["status"], "signed_in");
        assert_eq!(session["token_type"], "Bearer");
        assert_eq!(session["expires_in"], 900);
        assert_eq!(session["user"]["role"], "parent");
        assert!(
            session["csrf_token"].is_null(),
            "token delivery has no csrf token"
        );
        let access = session["access_token"].as_str().unwrap().to_owned();
        let first_refresh = session["refresh_token"].as_str().unwrap().to_owned();
        // Phone login works too.
        login(&app, "998 90 123 45 67").await;

        let me = call(Method::GET, "/api/v1/auth/me")
            .bearer(&access)
            .send(&app)
            .await;
        assert_eq!(me.expect(200)["email"], email);
        assert_eq!(me.body["totp_required"], false);

        // Rotation: a new pair, the old access token still valid until it expires.
        let rotated = call(Method::POST, "/api/v1/auth/refresh")
            .json(json!({ "refresh_token": first_refresh }))
            .send(&app)
            .await;
        let second_refresh = rotated.expect(200)["refresh_token"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_ne!(second_refresh, first_refresh);
        let second_access = rotated.body["access_token"].as_str().unwrap().to_owned();
        call(Method::GET, "/api/v1/auth/me")
            .bearer(&second_access)
            .send(&app)
            .await
            .expect(200);

        // Reuse of the rotated token: the family is revoked, every token of it dies.
        call(Method::POST, "/api/v1/auth/refresh")
            .json(json!({ "refresh_token": first_refresh }))
            .send(&app)
            .await
            .expect_error(401, "token_reused");
        call(Method::POST, "/api/v1/auth/refresh")
            .json(json!({ "refresh_token": second_refresh }))
            .send(&app)
            .await
            .expect_error(401, "session_revoked");
        call(Method::GET, "/api/v1/auth/me")
            .bearer(&second_access)
            .send(&app)
            .await
            .expect_error(401, "session_revoked");
        call(Method::POST, "/api/v1/auth/refresh")
            .json(json!({ "refresh_token": "not-a-token" }))
            .send(&app)
            .await
            .expect_error(401, "invalid_refresh_token");

        let actions = audit_actions(&app).await;
        for expected in ["register", "login_succeeded", "refresh_token_reused"] {
            assert!(
                actions.iter().any(|action| action == expected),
                "{expected} in {actions:?}"
            );
        }
        let reuse = app
            .test
            .db
            .audit_entries(Some("refresh_token_reused"))
            .await
            .unwrap();
        assert_eq!(reuse.len(), 1);
        assert_eq!(reuse[0].ip.as_deref(), Some("203.0.113.7"));
        let details: Value = serde_json::from_str(&reuse[0].details).unwrap();
        assert!(details["session"].is_string());
    }
);

backend_tests!(
    a_refresh_token_sent_twice_at_once_is_reuse,
    |test: TestDb| async move {
        let app = auth_app(test).await;
        for round in 0..3 {
            let (_, _, refresh) = signed_in_parent(&app).await;
            let send = || {
                call(Method::POST, "/api/v1/auth/refresh")
                    .json(json!({ "refresh_token": refresh }))
                    .send(&app)
            };
            let (a, b) = tokio::join!(send(), send());
            let winners: Vec<&Reply> = [&a, &b]
                .into_iter()
                .filter(|reply| reply.status == StatusCode::OK)
                .collect();
            assert_eq!(winners.len(), 1, "round {round}: {} / {}", a.body, b.body);
            let loser = if a.status == StatusCode::OK { &b } else { &a };
            loser.expect_error(401, "token_reused");
            // The family is gone, the winner's new token with it.
            call(Method::POST, "/api/v1/auth/refresh")
                .json(json!({ "refresh_token": winners[0].body["refresh_token"] }))
                .send(&app)
                .await
                .expect_error(401, "session_revoked");
        }
    }
);

backend_tests!(
    expired_and_tampered_tokens_are_refused,
    |test: TestDb| async move {
        let app = auth_app(test).await;
        let (_, access, refresh) = signed_in_parent(&app).await;
        let (head, rest) = access.split_once('.').unwrap();
        let (_, signature) = rest.split_once('.').unwrap();
        let forged_claims = base64_url(&json!({"iss":"bolajon","sub":"1","role":"admin","sid":"x","iat":0,"exp":i64::MAX,"jti":"j","typ":"access"}).to_string());
        for bad in [
            format!("{head}.{forged_claims}.{signature}"),
            format!("{access}x"),
            "a.b.c".to_owned(),
        ] {
            call(Method::GET, "/api/v1/auth/me")
                .bearer(&bad)
                .send(&app)
                .await
                .expect_error(401, "invalid_token");
        }
        call(Method::GET, "/api/v1/auth/me")
            .header("authorization", "Basic abc")
            .send(&app)
            .await
            .expect_error(401, "invalid_token");
        app.clock.advance(chrono::Duration::minutes(15));
        call(Method::GET, "/api/v1/auth/me")
            .bearer(&access)
            .send(&app)
            .await
            .expect_error(401, "token_expired");
        // The refresh token outlives it, until its own expiry.
        let renewed = call(Method::POST, "/api/v1/auth/refresh")
            .json(json!({ "refresh_token": refresh }))
            .send(&app)
            .await;
        let refresh = renewed.expect(200)["refresh_token"]
            .as_str()
            .unwrap()
            .to_owned();
        app.clock.advance(chrono::Duration::days(31));
        call(Method::POST, "/api/v1/auth/refresh")
            .json(json!({ "refresh_token": refresh }))
            .send(&app)
            .await
            .expect_error(401, "refresh_token_expired");
    }
);

fn base64_url(text: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
}

backend_tests!(
    wrong_passwords_and_unknown_accounts_get_the_same_answer,
    |test: TestDb| async move {
        let app = auth_app(test).await;
        let email = register(&app, "parent").await;
        let wrong = call(Method::POST, "/api/v1/auth/login")
            .json(json!({ "login": email, "password": "not the password" }))
            .send(&app)
            .await;
        wrong.expect_error(401, "invalid_credentials");
        let unknown = call(Method::POST, "/api/v1/auth/login")
            .json(json!({ "login": "nobody@example.uz", "password": "not the password" }))
            .send(&app)
            .await;
        unknown.expect_error(401, "invalid_credentials");
        assert_eq!(wrong.body, unknown.body, "no account enumeration");
        let failures = app
            .test
            .db
            .audit_entries(Some("login_failed"))
            .await
            .unwrap();
        let reasons: Vec<String> = failures
            .iter()
            .map(|row| {
                serde_json::from_str::<Value>(&row.details).unwrap()["reason"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert_eq!(reasons, ["wrong_password", "unknown_account"]);
        assert!(failures[0].target_user_id.is_some() && failures[1].target_user_id.is_none());
        // A password over the policy's maximum can never be right.
        call(Method::POST, "/api/v1/auth/login")
            .json(json!({ "login": email, "password": "x".repeat(5000) }))
            .send(&app)
            .await
            .expect_error(401, "invalid_credentials");
    }
);

backend_tests!(
    logout_ends_one_session_and_logout_all_ends_every_one,
    |test: TestDb| async move {
        let app = auth_app(test).await;
        let (email, phone_access, _) = signed_in_parent(&app).await;
        let laptop = login(&app, &email).await;
        let laptop_access = laptop["access_token"].as_str().unwrap().to_owned();
        let laptop_refresh = laptop["refresh_token"].as_str().unwrap().to_owned();
        let tablet = login(&app, &email).await;
        let tablet_access = tablet["access_token"].as_str().unwrap().to_owned();

        let logout = call(Method::POST, "/api/v1/auth/logout")
            .bearer(&phone_access)
            .send(&app)
            .await;
        assert_eq!(logout.status, StatusCode::NO_CONTENT);
        assert!(
            logout.cookie_header().contains("__Host-bolajon_access="),
            "cookies cleared"
        );
        call(Method::GET, "/api/v1/auth/me")
            .bearer(&phone_access)
            .send(&app)
            .await
            .expect_error(401, "session_revoked");
        call(Method::GET, "/api/v1/auth/me")
            .bearer(&laptop_access)
            .send(&app)
            .await
            .expect(200);

        let all = call(Method::POST, "/api/v1/auth/logout-all")
            .bearer(&tablet_access)
            .send(&app)
            .await;
        assert_eq!(all.expect(200)["sessions_ended"], 2);
        for access in [&laptop_access, &tablet_access] {
            call(Method::GET, "/api/v1/auth/me")
                .bearer(access)
                .send(&app)
                .await
                .expect_error(401, "session_revoked");
        }
        call(Method::POST, "/api/v1/auth/refresh")
            .json(json!({ "refresh_token": laptop_refresh }))
            .send(&app)
            .await
            .expect_error(401, "session_revoked");
        let actions = audit_actions(&app).await;
        assert!(
            actions.contains(&"logout".to_owned()) && actions.contains(&"logout_all".to_owned())
        );
        // Logging out needs a session.
        call(Method::POST, "/api/v1/auth/logout")
            .send(&app)
            .await
            .expect_error(401, "unauthenticated");
    }
);

/// Enrols TOTP for a signed-in account; returns the secret and the recovery codes.
async fn enroll_totp(app: &AuthApp, access: &str) -> (String, Vec<String>) {
    let enrollment = call(Method::POST, "/api/v1/auth/2fa/enroll")
        .bearer(access)
        .send(app)
        .await;
    let secret = enrollment.expect(200)["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let uri = enrollment.body["otpauth_uri"].as_str().unwrap();
    assert!(uri.starts_with("otpauth://totp/bolajon:") && uri.contains(&secret));
    call(Method::POST, "/api/v1/auth/2fa/confirm")
        .bearer(access)
        .json(json!({ "code": "000000" }))
        .send(app)
        .await
        .expect_error(400, "invalid_totp_code");
    let confirmed = call(Method::POST, "/api/v1/auth/2fa/confirm")
        .bearer(access)
        .json(json!({ "code": totp_code(app, &secret) }))
        .send(app)
        .await;
    let codes: Vec<String> = confirmed.expect(200)["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|code| code.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(codes.len(), 10);
    (secret, codes)
}

async fn challenge(app: &AuthApp, email: &str) -> String {
    let body = login(app, email).await;
    assert_eq!(body["status"], "totp_required", "{body}");
    assert!(
        body["access_token"].is_null() && body["refresh_token"].is_null(),
        "no session before the code"
    );
    body["challenge_token"].as_str().unwrap().to_owned()
}

backend_tests!(
    sellers_must_enrol_totp_and_codes_are_single_use,
    |test: TestDb| async move {
        let app = auth_app(test).await;
        let email = register(&app, "seller").await;
        let first = login(&app, &email).await;
        assert_eq!(first["status"], "signed_in");
        assert_eq!(first["totp_enrollment_required"], true);
        let access = first["access_token"].as_str().unwrap().to_owned();
        // Until enrolled, only the enrolment routes (and me, logout) answer.
        call(Method::GET, "/api/v1/auth/me")
            .bearer(&access)
            .send(&app)
            .await
            .expect(200);
        call(Method::POST, "/api/v1/auth/2fa/disable")
            .bearer(&access)
            .json(json!({ "code": "123456" }))
            .send(&app)
            .await
            .expect_error(403, "totp_enrollment_required");

        let (secret, recovery) = enroll_totp(&app, &access).await;
        call(Method::POST, "/api/v1/auth/2fa/enroll")
            .bearer(&access)
            .send(&app)
            .await
            .expect_error(409, "totp_already_enabled");
        call(Method::POST, "/api/v1/auth/2fa/disable")
            .bearer(&access)
            .json(json!({ "code": totp_code(&app, &secret) }))
            .send(&app)
            .await
            .expect_error(403, "totp_mandatory");

        // The password alone now gives a challenge, not a session.
        let challenge_token = challenge(&app, &email).await;
        // The code of the step used to confirm is spent: a replay is refused.
        call(Method::POST, "/api/v1/auth/login/2fa")
            .json(json!({ "challenge_token": challenge_token, "code": totp_code(&app, &secret) }))
            .send(&app)
            .await
            .expect_error(401, "invalid_totp_code");
        app.clock.advance(chrono::Duration::seconds(30));
        let code = totp_code(&app, &secret);
        let signed_in = call(Method::POST, "/api/v1/auth/login/2fa")
            .json(json!({ "challenge_token": challenge_token, "code": code }))
            .send(&app)
            .await;
        assert_eq!(signed_in.expect(200)["status"], "signed_in");
        assert_eq!(signed_in.body["totp_enrollment_required"], false);
        let access = signed_in.body["access_token"].as_str().unwrap().to_owned();
        call(Method::POST, "/api/v1/auth/2fa/disable")
            .bearer(&access)
            .json(json!({ "code": "123456" }))
            .send(&app)
            .await
            .expect_error(403, "totp_mandatory");
        // The same code again, even with a fresh challenge: refused.
        let again = challenge(&app, &email).await;
        call(Method::POST, "/api/v1/auth/login/2fa")
            .json(json!({ "challenge_token": again, "code": code }))
            .send(&app)
            .await
            .expect_error(401, "invalid_totp_code");
        // A recovery code works once, however it is typed.
        let typed = recovery[3].to_uppercase().replace('-', " ");
        call(Method::POST, "/api/v1/auth/login/2fa")
            .json(json!({ "challenge_token": again, "recovery_code": typed }))
            .send(&app)
            .await
            .expect(200);
        call(Method::POST, "/api/v1/auth/login/2fa")
            .json(json!({ "challenge_token": again, "recovery_code": recovery[3] }))
            .send(&app)
            .await
            .expect_error(401, "invalid_totp_code");
        // Both or neither factor: a 400.
        call(Method::POST, "/api/v1/auth/login/2fa")
            .json(json!({ "challenge_token": again }))
            .send(&app)
            .await
            .expect_error(400, "invalid_request");
        // A challenge is not an access token, and expires.
        call(Method::GET, "/api/v1/auth/me")
            .bearer(&again)
            .send(&app)
            .await
            .expect_error(401, "invalid_token");
        call(Method::POST, "/api/v1/auth/login/2fa")
            .json(json!({ "challenge_token": access, "code": "123456" }))
            .send(&app)
            .await
            .expect_error(401, "invalid_challenge");
        app.clock.advance(chrono::Duration::minutes(6));
        call(Method::POST, "/api/v1/auth/login/2fa")
            .json(json!({ "challenge_token": again, "code": totp_code(&app, &secret) }))
            .send(&app)
            .await
            .expect_error(401, "challenge_expired");

        let actions = audit_actions(&app).await;
        for expected in [
            "totp_enabled",
            "recovery_code_used",
            "login_succeeded",
            "login_failed",
        ] {
            assert!(
                actions.iter().any(|action| action == expected),
                "{expected} in {actions:?}"
            );
        }
        let used = app
            .test
            .db
            .audit_entries(Some("recovery_code_used"))
            .await
            .unwrap();
        assert_eq!(
            serde_json::from_str::<Value>(&used[0].details).unwrap()["remaining"],
            9
        );
    }
);

backend_tests!(
    a_totp_code_sent_twice_at_once_signs_in_once,
    |test: TestDb| async move {
        let app = auth_app(test).await;
        let (email, access, _) = signed_in_parent(&app).await;
        let (secret, _) = enroll_totp(&app, &access).await;
        for round in 0..3 {
            app.clock.advance(chrono::Duration::seconds(30));
            let (first, second) = (challenge(&app, &email).await, challenge(&app, &email).await);
            let code = totp_code(&app, &secret);
            let send = |challenge_token: String| {
                call(Method::POST, "/api/v1/auth/login/2fa")
                    .json(json!({ "challenge_token": challenge_token, "code": code }))
                    .send(&app)
            };
            let (a, b) = tokio::join!(send(first), send(second));
            let successes = [&a, &b]
                .iter()
                .filter(|reply| reply.status == StatusCode::OK)
                .count();
            assert_eq!(successes, 1, "round {round}: {} / {}", a.body, b.body);
        }
    }
);

backend_tests!(
    parents_may_turn_totp_on_and_off,
    |test: TestDb| async move {
        let app = auth_app(test).await;
        let (email, access, _) = signed_in_parent(&app).await;
        let (secret, _) = enroll_totp(&app, &access).await;
        let challenge_token = challenge(&app, &email).await;
        app.clock.advance(chrono::Duration::seconds(30));
        let signed_in = call(Method::POST, "/api/v1/auth/login/2fa")
        .json(json!({ "challenge_token": challenge_token, "code": totp_code(&app, &secret), "use_cookies": false }))
        .send(&app)
        .await;
        let access = signed_in.expect(200)["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        call(Method::POST, "/api/v1/auth/2fa/disable")
            .bearer(&access)
            .json(json!({ "code": "000000" }))
            .send(&app)
            .await
            .expect_error(400, "invalid_totp_code");
        app.clock.advance(chrono::Duration::seconds(30));
        let disabled = call(Method::POST, "/api/v1/auth/2fa/disable")
            .bearer(&access)
            .json(json!({ "code": totp_code(&app, &secret) }))
            .send(&app)
            .await;
        assert_eq!(disabled.status, StatusCode::NO_CONTENT, "{}", disabled.body);
        assert_eq!(login(&app, &email).await["status"], "signed_in");
        let actions = audit_actions(&app).await;
        assert!(
            actions.contains(&"totp_enabled".to_owned())
                && actions.contains(&"totp_disabled".to_owned())
        );
    }
);

/// Fails an account's password `times` times.
async fn fail_logins(app: &AuthApp, email: &str, times: usize) {
    for _ in 0..times {
        call(Method::POST, "/api/v1/auth/login")
            .json(json!({ "login": email, "password": "wrong wrong wrong" }))
            .send(app)
            .await
            .expect_error(401, "invalid_credentials");
    }
}

async fn check_login_rate_limit(app: &AuthApp) {
    let victim = register(app, "parent").await;
    fail_logins(app, &victim, 10).await;
    let limited = call(Method::POST, "/api/v1/auth/login")
        .json(json!({ "login": victim, "password": PASSWORD }))
        .send(app)
        .await;
    limited.expect_error(429, "rate_limited");
    let retry_after: u64 = limited.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    // Another account from the same address still signs in.
    let other = register(app, "parent").await;
    login(app, &other).await;
    // Per address: 50 attempts per window, whatever the accounts.
    let mut statuses = Vec::new();
    for _ in 0..51 {
        let reply = call(Method::POST, "/api/v1/auth/login")
            .json(json!({ "login": email(), "password": "wrong wrong wrong" }))
            .send_from(app, [198, 51, 100, 20])
            .await;
        statuses.push(reply.status.as_u16());
    }
    assert!(
        statuses[..50].iter().all(|status| *status == 401),
        "{statuses:?}"
    );
    assert_eq!(statuses[50], 429);
    // The window ends: allowed again.
    app.clock
        .advance(chrono::Duration::seconds(retry_after as i64));
    assert_eq!(login(app, &victim).await["status"], "signed_in");
}

backend_tests!(
    login_rate_limits_answer_429_with_retry_after_then_recover,
    |test: TestDb| async move {
        let app = auth_app(test).await;
        assert_eq!(app.state.0.auth.limiter.backend_name(), "memory");
        check_login_rate_limit(&app).await;
    }
);

backend_tests!(login_rate_limits_work_on_redis, |test: TestDb| async move {
    let url =
        std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned());
    let prefix = format!(
        "bolajon-test:{}:{}",
        std::process::id(),
        EMAILS.fetch_add(1, Ordering::Relaxed)
    );
    let limiter = RateLimiter::redis(&url, &prefix)
        .await
        .unwrap_or_else(|error| {
            panic!("the Redis suite needs a server at TEST_REDIS_URL ({url}): {error}")
        });
    let app = auth_app_with(test, limiter).await;
    assert_eq!(app.state.0.auth.limiter.backend_name(), "redis");
    check_login_rate_limit(&app).await;
});

backend_tests!(totp_attempts_are_rate_limited, |test: TestDb| async move {
    let app = auth_app(test).await;
    let (email, access, _) = signed_in_parent(&app).await;
    enroll_totp(&app, &access).await;
    let challenge_token = challenge(&app, &email).await;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let reply = call(Method::POST, "/api/v1/auth/login/2fa")
            .json(json!({ "challenge_token": challenge_token, "code": "000000" }))
            .send(&app)
            .await;
        statuses.push(reply.status.as_u16());
    }
    // The failed confirm during enrolment counted too: 5 per 5 minutes per account.
    assert!(statuses.contains(&429), "{statuses:?}");
});

backend_tests!(
    cookie_sessions_need_the_csrf_token_for_changes,
    |test: TestDb| async move {
        let app = auth_app(test).await;
        let email = register(&app, "parent").await;
        let signed_in = call(Method::POST, "/api/v1/auth/login")
            .json(json!({ "login": email, "password": PASSWORD, "use_cookies": true }))
            .send(&app)
            .await;
        signed_in.expect(200);
        assert!(
            signed_in.body["access_token"].is_null() && signed_in.body["refresh_token"].is_null()
        );
        let csrf = signed_in.body["csrf_token"].as_str().unwrap().to_owned();
        let set_cookies: Vec<&str> = signed_in
            .headers
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect();
        assert!(
            set_cookies
                .iter()
                .any(|c| c.starts_with("__Host-bolajon_access=")
                    && c.contains("HttpOnly")
                    && c.contains("Secure")
                    && c.contains("SameSite=Lax"))
        );
        assert!(
            set_cookies
                .iter()
                .any(|c| c.starts_with("__Secure-bolajon_refresh=")
                    && c.contains("Path=/api/v1/auth")
                    && c.contains("HttpOnly"))
        );
        assert!(
            set_cookies
                .iter()
                .any(|c| c.starts_with("__Host-bolajon_csrf=") && !c.contains("HttpOnly"))
        );
        let cookie = signed_in.cookie_header();

        // Reading needs no token.
        call(Method::GET, "/api/v1/auth/me")
            .header("cookie", &cookie)
            .send(&app)
            .await
            .expect(200);
        // Changes without it, or with a wrong one, are refused.
        call(Method::POST, "/api/v1/auth/2fa/enroll")
            .header("cookie", &cookie)
            .send(&app)
            .await
            .expect_error(403, "csrf_failed");
        call(Method::POST, "/api/v1/auth/logout")
            .header("cookie", &cookie)
            .header("x-csrf-token", "forged")
            .send(&app)
            .await
            .expect_error(403, "csrf_failed");
        call(Method::POST, "/api/v1/auth/refresh")
            .header("cookie", &cookie)
            .send(&app)
            .await
            .expect_error(403, "csrf_failed");
        // With it: refresh rotates the cookies.
        let refreshed = call(Method::POST, "/api/v1/auth/refresh")
            .header("cookie", &cookie)
            .header("x-csrf-token", &csrf)
            .send(&app)
            .await;
        refreshed.expect(200);
        assert_eq!(
            refreshed.body["csrf_token"],
            csrf.as_str(),
            "bound to the session, not the token"
        );
        let cookie = refreshed.cookie_header();
        let logout = call(Method::POST, "/api/v1/auth/logout")
            .header("cookie", &cookie)
            .header("x-csrf-token", &csrf)
            .send(&app)
            .await;
        assert_eq!(logout.status, StatusCode::NO_CONTENT, "{}", logout.body);
        call(Method::GET, "/api/v1/auth/me")
            .header("cookie", &cookie)
            .send(&app)
            .await
            .expect_error(401, "session_revoked");
        // A bearer request needs no CSRF token.
        let (_, access, _) = signed_in_parent(&app).await;
        call(Method::POST, "/api/v1/auth/2fa/enroll")
            .bearer(&access)
            .send(&app)
            .await
            .expect(200);
    }
);

/// Creates a user with `role` directly in the store, TOTP on for the roles that need it, and
/// opens a session; returns the user and the access token.
pub async fn user_with_role(app: &AuthApp, role: Role) -> (UserId, String) {
    let db = &app.test.db;
    let now = app.clock.now();
    let id = if role == Role::Child {
        let (parent, _) = Box::pin(user_with_role(app, Role::Parent)).await;
        db.insert_child(
            parent,
            &NewChild {
                nickname: "Bola",
                birth_year_month: None,
                age_band: Some("6-8"),
                avatar: "owl",
            },
            now,
        )
        .await
        .unwrap()
        .user_id
    } else {
        let email = email();
        let hash = app.state.0.auth.hash(PASSWORD.to_owned()).await.unwrap();
        let UserInsert::Created(id) = db
            .insert_user(
                &NewUser {
                    email: Some(&email),
                    phone: None,
                    password_hash: &hash,
                    role,
                },
                now,
            )
            .await
            .unwrap()
        else {
            panic!("fresh email taken")
        };
        if role.requires_totp() {
            // Stored as the service stores it: sealed with the data key.
            let sealed = app
                .state
                .0
                .auth
                .data_key()
                .seal("JBSWY3DPEHPK3PXP", &totp_aad(id.0))
                .unwrap();
            db.set_pending_totp_secret(id, &sealed, now).await.unwrap();
            assert!(db.enable_totp(id, &sealed, 0, &[], now).await.unwrap());
        }
        id
    };
    let session_id = storefront::auth::token::new_id().unwrap();
    let refresh = storefront::auth::token::new_refresh_token().unwrap();
    db.create_session(
        &session_id,
        id,
        &storefront::auth::token::sha256_hex(&refresh),
        now,
        now + chrono::Duration::days(1),
    )
    .await
    .unwrap();
    let access = app
        .state
        .0
        .auth
        .issue_access_token(id, role, &session_id)
        .unwrap();
    (id, access)
}

fn concrete(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            if segment.starts_with('{') {
                "1"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

backend_tests!(
    the_policy_table_is_enforced_route_by_route,
    |test: TestDb| async move {
        let app = auth_app(test).await;
        let mut tokens = Vec::new();
        for role in Role::ALL {
            tokens.push((role, user_with_role(&app, role).await.1));
        }
        let mut checked = 0;
        for route in policy::ROUTES {
            let Access::Roles(allowed) = route.access else {
                continue;
            };
            let method: Method = route.method.parse().unwrap();
            let uri = concrete(route.path);
            let guest = call(method.clone(), &uri).json(json!({})).send(&app).await;
            assert_eq!(
                (guest.status.as_u16(), guest.code()),
                (401, "unauthenticated"),
                "guest {} {}",
                route.method,
                route.path
            );
            for (role, token) in &tokens {
                // logout ends the session the other checks use: give it its own.
                let token = if route.path.contains("logout") {
                    user_with_role(&app, *role).await.1
                } else {
                    token.clone()
                };
                let reply = call(method.clone(), &uri)
                    .bearer(&token)
                    .json(json!({}))
                    .send(&app)
                    .await;
                if allowed.contains(role) {
                    assert!(
                        !matches!(
                            reply.code(),
                            "unauthenticated" | "forbidden" | "invalid_token" | "session_revoked"
                        ),
                        "{role:?} refused on {} {}: {}",
                        route.method,
                        route.path,
                        reply.body
                    );
                    assert!(
                        !reply.status.is_server_error(),
                        "{role:?} {} {}: {}",
                        route.method,
                        route.path,
                        reply.body
                    );
                } else {
                    assert_eq!(
                        (reply.status.as_u16(), reply.code()),
                        (403, "forbidden"),
                        "{role:?} on {} {}",
                        route.method,
                        route.path
                    );
                }
                checked += 1;
            }
        }
        let protected = policy::ROUTES
            .iter()
            .filter(|route| matches!(route.access, Access::Roles(_)))
            .count();
        assert!(protected >= 13, "{protected} protected routes");
        assert_eq!(checked, protected * Role::ALL.len());
    }
);

/// The reviewed authorization matrix: a change to the policy table must change this too.
const EXPECTED_MATRIX: &str = "\
GET /health: guest child parent seller moderator admin
GET /api/openapi.json: guest child parent seller moderator admin
GET /api/v1/search: guest child parent seller moderator admin
GET /api/v1/suggest: guest child parent seller moderator admin
GET /api/v1/recommendations/similar/{id}: guest child parent seller moderator admin
GET /api/v1/recommendations/bought-together/{id}: guest child parent seller moderator admin
GET /api/v1/recommendations/trending: guest child parent seller moderator admin
GET /api/v1/recommendations/for-you: child parent seller moderator admin
GET /api/v1/products/{id}: guest child parent seller moderator admin
GET /api/v1/categories: guest child parent seller moderator admin
GET /: guest child parent seller moderator admin
GET /search: guest child parent seller moderator admin
GET /products/{id}: guest child parent seller moderator admin
GET /cart: guest child parent seller moderator admin
POST /cart/add: guest child parent seller moderator admin
POST /cart/update: guest child parent seller moderator admin
POST /cart/remove: guest child parent seller moderator admin
GET /checkout: guest child parent seller moderator admin
POST /checkout: guest child parent seller moderator admin
GET /orders/{id}/pay: guest child parent seller moderator admin
POST /orders/{id}/pay: guest child parent seller moderator admin
POST /orders/{id}/pay/code: guest child parent seller moderator admin
GET /orders: guest child parent seller moderator admin
GET /signin: guest child parent seller moderator admin
POST /signin: guest child parent seller moderator admin
POST /register: guest child parent seller moderator admin
POST /signout: guest child parent seller moderator admin
GET /static/{file}: guest child parent seller moderator admin
POST /csp-report: guest child parent seller moderator admin
GET /media/art/{category}/{file}: guest child parent seller moderator admin
GET /media/uploads/{id}: guest child parent seller moderator admin
GET /media/reviews/{id}: guest child parent seller moderator admin
POST /api/v1/auth/register: guest child parent seller moderator admin
POST /api/v1/auth/login: guest child parent seller moderator admin
POST /api/v1/auth/login/2fa: guest child parent seller moderator admin
POST /api/v1/auth/refresh: guest child parent seller moderator admin
GET /api/v1/auth/me: child parent seller moderator admin (before totp enrolment)
POST /api/v1/auth/logout: child parent seller moderator admin (before totp enrolment)
POST /api/v1/auth/logout-all: child parent seller moderator admin (before totp enrolment)
POST /api/v1/auth/2fa/enroll: parent seller moderator admin (before totp enrolment)
POST /api/v1/auth/2fa/confirm: parent seller moderator admin (before totp enrolment)
POST /api/v1/auth/2fa/disable: parent seller moderator admin
PUT /api/v1/admin/users/{id}/role: admin
POST /api/v1/auth/passkeys/register/start: parent seller moderator admin
POST /api/v1/auth/passkeys/register/finish: parent seller moderator admin
GET /api/v1/auth/passkeys: parent seller moderator admin
DELETE /api/v1/auth/passkeys/{id}: parent seller moderator admin
POST /api/v1/auth/passkeys/login/start: guest child parent seller moderator admin
POST /api/v1/auth/passkeys/login/finish: guest child parent seller moderator admin
POST /api/v1/auth/password/reset: guest child parent seller moderator admin
POST /api/v1/auth/password/reset/confirm: guest child parent seller moderator admin
GET /api/v1/family/children: parent
POST /api/v1/family/children: parent
GET /api/v1/family/children/{id}: parent
POST /api/v1/family/children/{id}/consent: parent
PUT /api/v1/family/pin: parent
POST /api/v1/family/pin/verify: parent
GET /api/v1/family/kids-mode/profiles: parent
POST /api/v1/family/kids-mode: parent
POST /api/v1/family/kids-mode/exit: child
GET /api/v1/wishlist: child parent seller moderator admin
PUT /api/v1/wishlist/{product_id}: child parent seller moderator admin
DELETE /api/v1/wishlist/{product_id}: child parent seller moderator admin
GET /api/v1/compare: guest child parent seller moderator admin
GET /api/v1/recently-viewed: guest child parent seller moderator admin
POST /api/v1/recently-viewed/{product_id}: guest child parent seller moderator admin
POST /api/v1/orders/{id}/reorder: child parent
GET /api/v1/seller/products: seller
POST /api/v1/seller/products: seller
GET /api/v1/seller/products/{id}: seller
PUT /api/v1/seller/products/{id}: seller
DELETE /api/v1/seller/products/{id}: seller
POST /api/v1/seller/products/{id}/appeal: seller
POST /api/v1/seller/products/{id}/images: seller
GET /api/v1/seller/profile: seller
PUT /api/v1/seller/profile: seller
GET /api/v1/seller/sales: seller
GET /api/v1/featured: guest child parent seller moderator admin
PUT /api/v1/admin/featured/{product_id}: admin
DELETE /api/v1/admin/featured/{product_id}: admin
GET /api/v1/admin/banners: admin
POST /api/v1/admin/banners: admin
PUT /api/v1/admin/banners/{id}: admin
DELETE /api/v1/admin/banners/{id}: admin
POST /api/v1/seller/products/{id}/promote: seller
GET /api/v1/moderation/queue: moderator admin
GET /api/v1/moderation/items/{id}: moderator admin
POST /api/v1/moderation/items/{id}/assign: moderator admin
POST /api/v1/moderation/items/{id}/decision: moderator admin
POST /api/v1/moderation/decisions: moderator admin
GET /api/v1/moderation/images/{id}: moderator admin
GET /api/v1/products/{id}/reviews: guest child parent seller moderator admin
POST /api/v1/products/{id}/reviews: child parent
POST /api/v1/reviews/{id}/decision: parent moderator admin
POST /api/v1/reviews/{id}/helpful: child parent
POST /api/v1/reviews/{id}/report: child parent
POST /api/v1/reviews/{id}/photos: child parent
GET /api/v1/moderation/reviews: moderator admin
GET /api/v1/cart: guest child parent seller moderator admin
POST /api/v1/cart/lines: guest child parent seller moderator admin
PUT /api/v1/cart/lines/{sku}: guest child parent seller moderator admin
DELETE /api/v1/cart/lines/{sku}: guest child parent seller moderator admin
GET /api/v1/delivery/options: guest child parent seller moderator admin
GET /api/v1/orders: child parent
POST /api/v1/orders: child parent
GET /api/v1/orders/{id}: child parent
POST /api/v1/orders/{id}/cancel: child parent
POST /api/v1/orders/{id}/refund-request: parent
POST /api/v1/orders/{id}/complete: child parent
GET /api/v1/seller/shipments: seller
GET /api/v1/seller/shipments/{id}: seller
POST /api/v1/seller/shipments/{id}/status: seller
GET /api/v1/family/purchase-requests: parent
POST /api/v1/family/purchase-requests/{id}/approve: parent
POST /api/v1/family/purchase-requests/{id}/decline: parent
GET /api/v1/family/children/{id}/controls: parent
PUT /api/v1/family/children/{id}/controls: parent
GET /api/v1/family/dashboard: parent
POST /payments/payme: guest child parent seller moderator admin
POST /payments/click/prepare: guest child parent seller moderator admin
POST /payments/click/complete: guest child parent seller moderator admin
POST /payments/card/webhook: guest child parent seller moderator admin
GET /api/v1/payments/links/{order_id}: parent
POST /api/v1/payments/card: parent
GET /api/v1/payments/card/{id}: parent
POST /api/v1/payments/card/{id}/confirm: parent
POST /api/v1/payments/card/{id}/authenticate: parent
GET /api/v1/admin/notifications: admin
GET /api/v1/admin/notifications/metrics: admin
POST /api/v1/admin/notifications/{id}/resend: admin
POST /api/v1/admin/notifications/{id}/retry: admin
GET /api/v1/push/vapid-public-key: guest child parent seller moderator admin
GET /api/v1/push/subscriptions: child parent seller moderator admin
POST /api/v1/push/subscriptions: child parent seller moderator admin
DELETE /api/v1/push/subscriptions/{id}: child parent seller moderator admin
GET /api/v1/notify/preferences: child parent seller moderator admin
PUT /api/v1/notify/preferences: child parent seller moderator admin
POST /api/v1/notify/sms/eskiz/callback: guest child parent seller moderator admin
GET /api/v1/account/export: parent seller moderator admin
POST /api/v1/account/erase: parent seller
PUT /api/v1/account/marketing-consent: parent seller moderator admin
POST /api/v1/account/password: parent seller moderator admin
POST /api/v1/family/children/{id}/erase: parent
POST /signin/2fa: guest child parent seller moderator admin
GET /account/2fa: guest child parent seller moderator admin
POST /account/2fa: guest child parent seller moderator admin
GET /seller: guest child parent seller moderator admin
GET /seller/products/new: guest child parent seller moderator admin
POST /seller/products/new: guest child parent seller moderator admin
GET /seller/products/{id}: guest child parent seller moderator admin
POST /seller/products/{id}: guest child parent seller moderator admin
POST /seller/shipments/{id}/status: guest child parent seller moderator admin
GET /admin: guest child parent seller moderator admin
GET /admin/live: guest child parent seller moderator admin
GET /admin/moderation: guest child parent seller moderator admin
POST /admin/moderation/decide: guest child parent seller moderator admin
GET /admin/reviews: guest child parent seller moderator admin
GET /admin/notifications: guest child parent seller moderator admin
GET /admin/users: guest child parent seller moderator admin
POST /admin/users/{id}/role: guest child parent seller moderator admin
GET /kids: guest child parent seller moderator admin
POST /kids/enter: guest child parent seller moderator admin
GET /kids/search: guest child parent seller moderator admin
GET /kids/products/{id}: guest child parent seller moderator admin
POST /kids/ask: guest child parent seller moderator admin
GET /kids/asked: guest child parent seller moderator admin
GET /kids/exit: guest child parent seller moderator admin
POST /kids/exit: guest child parent seller moderator admin
GET /parent: guest child parent seller moderator admin
POST /parent/children: guest child parent seller moderator admin
GET /parent/children/{id}: guest child parent seller moderator admin
POST /parent/children/{id}/consent: guest child parent seller moderator admin
POST /parent/children/{id}/controls: guest child parent seller moderator admin
POST /parent/children/{id}/erase: guest child parent seller moderator admin
POST /parent/requests/{id}/approve: guest child parent seller moderator admin
POST /parent/requests/{id}/decline: guest child parent seller moderator admin
POST /parent/pin: guest child parent seller moderator admin
POST /parent/erase: guest child parent seller moderator admin
GET /manifest.webmanifest: guest child parent seller moderator admin
GET /sw.js: guest child parent seller moderator admin
GET /offline: guest child parent seller moderator admin
GET /icons/{file}: guest child parent seller moderator admin
GET /wishlist: guest child parent seller moderator admin
POST /wishlist/add: guest child parent seller moderator admin
POST /wishlist/remove: guest child parent seller moderator admin
GET /compare: guest child parent seller moderator admin
GET /recently-viewed: guest child parent seller moderator admin
";

#[test]
fn the_policy_table_matches_the_reviewed_matrix() {
    let mut rendered = String::new();
    for route in policy::ROUTES {
        let mut who: Vec<&str> = Vec::new();
        if route.admits(None) {
            who.push("guest");
        }
        who.extend(
            Role::ALL
                .into_iter()
                .filter(|role| route.admits(Some(*role)))
                .map(Role::as_str),
        );
        let enrolment = match route.access {
            Access::Roles(_) if route.before_totp_enrollment => " (before totp enrolment)",
            Access::Roles(_) | Access::Public => "",
        };
        rendered.push_str(&format!(
            "{} {}: {}{enrolment}\n",
            route.method,
            route.path,
            who.join(" ")
        ));
    }
    assert_eq!(rendered, EXPECTED_MATRIX);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_documented_route_has_a_policy_entry() {
    let spec: Value =
        serde_json::from_str(&storefront::openapi::openapi_pretty().unwrap()).unwrap();
    let mut documented = Vec::new();
    for (path, operations) in spec["paths"].as_object().unwrap() {
        for method in operations.as_object().unwrap().keys() {
            let method = method.to_uppercase();
            assert!(
                policy::lookup(&method, path).is_some(),
                "{method} {path} is documented but missing from auth::policy::ROUTES"
            );
            documented.push((method, path.clone()));
        }
    }
    for route in policy::ROUTES
        .iter()
        .filter(|route| route.path.starts_with("/api/v1/"))
    {
        assert!(
            documented
                .iter()
                .any(|(method, path)| method == route.method && path == route.path),
            "{} {} is in the policy table but not in the OpenAPI document",
            route.method,
            route.path
        );
    }
}

backend_tests!(
    bad_input_is_a_clear_4xx_never_a_5xx,
    |test: TestDb| async move {
        let app = auth_app(test).await;
        let register = |body: Value| call(Method::POST, "/api/v1/auth/register").json(body);
        let cases = [
            (
                json!({ "email": "a@example.uz", "password": "short" }),
                "weak_password",
            ),
            (
                json!({ "email": "a@example.uz", "password": "qwertyuiop" }),
                "weak_password",
            ),
            (
                json!({ "email": "a@example.uz", "password": "Password123" }),
                "weak_password",
            ),
            (
                json!({ "email": "dilnoza@example.uz", "password": "dilnoza-sevgi-2026" }),
                "weak_password",
            ),
            (
                json!({ "email": "a@example.uz", "password": "x".repeat(129) }),
                "password_too_long",
            ),
            (
                json!({ "email": "not an email", "password": PASSWORD }),
                "invalid_email",
            ),
            (
                json!({ "phone": "+7 999 123 45 67", "password": PASSWORD }),
                "invalid_phone",
            ),
            (json!({ "password": PASSWORD }), "missing_identifier"),
            (
                json!({ "email": "a@example.uz", "password": PASSWORD, "role": "admin" }),
                "invalid_role",
            ),
            (
                json!({ "email": "a@example.uz", "password": PASSWORD, "role": "wizard" }),
                "invalid_json",
            ),
            (
                json!({ "email": "a@example.uz", "password": PASSWORD, "admin": true }),
                "invalid_json",
            ),
            (json!({ "email": 5, "password": PASSWORD }), "invalid_json"),
            (json!([]), "invalid_json"),
        ];
        for (body, code) in cases {
            register(body.clone())
                .send(&app)
                .await
                .expect_error(400, code);
        }
        call(Method::POST, "/api/v1/auth/register")
            .raw("application/json", "{\"email\":")
            .send(&app)
            .await
            .expect_error(400, "invalid_json");
        call(Method::POST, "/api/v1/auth/login")
            .raw("application/json", "")
            .send(&app)
            .await
            .expect_error(400, "invalid_json");
        call(Method::POST, "/api/v1/auth/login")
            .raw("text/plain", "login=a&password=b")
            .send(&app)
            .await
            .expect_error(415, "unsupported_media_type");
        call(Method::POST, "/api/v1/auth/login")
            .raw(
                "application/json",
                format!("{{\"login\":\"{}\"}}", "a".repeat(20_000)),
            )
            .send(&app)
            .await
            .expect_error(413, "payload_too_large");
        call(Method::POST, "/api/v1/auth/login")
            .json(json!({ "login": "a@b", "password": "x" }))
            .send(&app)
            .await
            .expect_error(400, "invalid_email");
        // Garbage at every POST route, as a guest and signed in: never a 5xx.
        let (_, access, _) = signed_in_parent(&app).await;
        let garbage = [
            "{}",
            "null",
            "[1,2]",
            "\"x\"",
            "{\"code\":null}",
            "{\"pin\":123}",
            "{\"refresh_token\":\"\"}",
            "{\"challenge_token\":\"a.b.c\",\"code\":\"1\"}",
            "{\"role\":\"child\"}",
            "\u{0}",
        ];
        for route in policy::ROUTES.iter().filter(|route| route.method != "GET") {
            for body in garbage {
                // Logging out would end the session the other calls use.
                let signed_in = (!route.path.contains("logout")).then_some(access.as_str());
                for token in [None, signed_in] {
                    let mut request = call(route.method.parse().unwrap(), &concrete(route.path))
                        .raw("application/json", body);
                    if let Some(token) = token {
                        request = request.bearer(token);
                    }
                    let reply = request.send(&app).await;
                    assert!(
                        !reply.status.is_server_error(),
                        "{} {} {body}: {}",
                        route.method,
                        route.path,
                        reply.body
                    );
                    // The web's HTML error pages carry the code in `X-Error-Code`.
                    assert!(
                        reply.body["error"]["code"].is_string()
                            || reply.status.is_success()
                            || reply.headers.contains_key("x-error-code"),
                        "{} {}: {}",
                        route.method,
                        route.path,
                        reply.body
                    );
                }
            }
        }
    }
);

backend_tests!(
    admins_change_roles_with_an_audit_record,
    |test: TestDb| async move {
        let app = auth_app(test).await;
        let (admin_id, admin) = user_with_role(&app, Role::Admin).await;
        let (email, parent_access, _) = signed_in_parent(&app).await;
        let parent_id = call(Method::GET, "/api/v1/auth/me")
            .bearer(&parent_access)
            .send(&app)
            .await
            .expect(200)["id"]
            .as_i64()
            .unwrap();
        let changed = call(
            Method::PUT,
            &format!("/api/v1/admin/users/{parent_id}/role"),
        )
        .bearer(&admin)
        .json(json!({ "role": "seller" }))
        .send(&app)
        .await;
        assert_eq!(changed.expect(200)["role"], "seller");
        // The user's sessions ended; signing in again, they must now enrol TOTP.
        call(Method::GET, "/api/v1/auth/me")
            .bearer(&parent_access)
            .send(&app)
            .await
            .expect_error(401, "session_revoked");
        assert_eq!(login(&app, &email).await["totp_enrollment_required"], true);
        let rows = app
            .test
            .db
            .audit_entries(Some("role_changed"))
            .await
            .unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].actor_user_id, Some(admin_id.0));
        assert_eq!(rows[0].target_user_id, Some(parent_id));
        let details: Value = serde_json::from_str(&rows[0].details).unwrap();
        assert_eq!(details, json!({ "from": "parent", "to": "seller" }));
        for (uri, body, code, status) in [
            (
                format!("/api/v1/admin/users/{}/role", admin_id.0),
                json!({ "role": "parent" }),
                "cannot_change_own_role",
                400,
            ),
            (
                format!("/api/v1/admin/users/{parent_id}/role"),
                json!({ "role": "child" }),
                "invalid_role",
                400,
            ),
            (
                "/api/v1/admin/users/999999/role".to_owned(),
                json!({ "role": "parent" }),
                "user_not_found",
                404,
            ),
            (
                "/api/v1/admin/users/abc/role".to_owned(),
                json!({ "role": "parent" }),
                "invalid_user_id",
                400,
            ),
        ] {
            call(Method::PUT, &uri)
                .bearer(&admin)
                .json(body)
                .send(&app)
                .await
                .expect_error(status, code);
        }
    }
);

backend_tests!(the_audit_log_is_append_only, |test: TestDb| async move {
    let app = auth_app(test).await;
    register(&app, "parent").await;
    assert_eq!(audit_actions(&app).await, ["register"]);
    let row = &app.test.db.audit_entries(None).await.unwrap()[0];
    assert_eq!(row.user_agent, None);
    assert_eq!(row.ip.as_deref(), Some("203.0.113.7"));
    let (update, delete) = match &app.test.db {
        storefront::db::Db::Sqlite(pool) => (
            sqlx::query("UPDATE audit_log SET action = 'x'")
                .execute(pool)
                .await
                .is_err(),
            sqlx::query("DELETE FROM audit_log")
                .execute(pool)
                .await
                .is_err(),
        ),
        storefront::db::Db::Postgres(pool) => (
            sqlx::query("UPDATE audit_log SET action = 'x'")
                .execute(pool)
                .await
                .is_err(),
            sqlx::query("DELETE FROM audit_log")
                .execute(pool)
                .await
                .is_err(),
        ),
    };
    assert!(update && delete, "updates and deletes are refused");
    assert_eq!(audit_actions(&app).await, ["register"]);
});

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_configured_state_uses_owasp_parameters_and_the_env_secret() {
    use clap::Parser as _;
    let cli = storefront::config::Cli::try_parse_from([
        "storefront",
        "--jwt-secret",
        "0123456789abcdef0123456789abcdef",
    ])
    .unwrap();
    let auth = AuthState::from_config(&cli.config.auth, None)
        .await
        .unwrap();
    assert_eq!(auth.settings.password, PasswordParams::OWASP);
    assert_eq!(auth.settings.access_ttl_seconds, 900);
    assert_eq!(auth.limiter.backend_name(), "memory");
    assert!(
        !format!("{:?}", cli.config.auth).contains("0123456789abcdef"),
        "the secret is redacted"
    );
    let short =
        storefront::config::Cli::try_parse_from(["storefront", "--jwt-secret", "short"]).unwrap();
    assert!(
        AuthState::from_config(&short.config.auth, None)
            .await
            .is_err()
    );
    let unset = storefront::config::Cli::try_parse_from(["storefront"]).unwrap();
    if unset.config.auth.jwt_secret.is_none() {
        assert!(
            AuthState::from_config(&unset.config.auth, None)
                .await
                .is_ok(),
            "a random dev secret"
        );
    }
}
