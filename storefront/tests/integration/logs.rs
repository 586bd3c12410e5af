//! Secrets never reach the logs (issue 6): a subscriber capturing every event and span at
//! TRACE (the request spans of the tower-http trace layer, sqlx's statements, the service's
//! own logs) records a full flow (register, login, refresh, TOTP enrolment and sign-in,
//! cookies, parent PIN, child consent, card payment, password change, a failed login), and
//! none of the passwords, PINs, tokens, TOTP secrets and codes, recovery codes, cookie values
//! or card numbers appear in it.

use crate::auth::{AuthApp, PASSWORD, Reply, call};
use crate::backend_tests;
use crate::checkout::seed_shop;
use crate::payme::pay_app;
use crate::support::TestDb;
use axum::http::{Method, header};
use chrono::Duration;
use serde_json::{Value, json};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use storefront::auth::{Clock as _, totp};
use tracing_subscriber::Layer as _;
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::layer::SubscriberExt as _;

/// Flows being captured right now (the subscriber is global to the test binary; it records
/// only while a capturing test runs, so the rest of the suite is not slowed).
static CAPTURING: AtomicUsize = AtomicUsize::new(0);
static BUFFER: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();

#[derive(Clone)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Capture {
    type Writer = Capture;

    fn make_writer(&'a self) -> Capture {
        self.clone()
    }
}

/// Installs (once) the global subscriber: every target at TRACE, spans on creation and
/// close, with all their fields.
fn capture() -> Arc<Mutex<Vec<u8>>> {
    BUFFER
        .get_or_init(|| {
            let buffer = Arc::new(Mutex::new(Vec::new()));
            let layer = tracing_subscriber::fmt::layer()
                .with_writer(Capture(buffer.clone()))
                .with_ansi(false)
                .with_target(true)
                .with_span_events(FmtSpan::NEW | FmtSpan::CLOSE)
                .with_filter(tracing_subscriber::filter::filter_fn(|_| {
                    CAPTURING.load(Ordering::SeqCst) > 0
                }))
                .with_filter(tracing_subscriber::filter::LevelFilter::TRACE);
            tracing::subscriber::set_global_default(tracing_subscriber::registry().with(layer))
                .expect("no other global subscriber in the test binary");
            buffer
        })
        .clone()
}

fn token(body: &Value, field: &str) -> String {
    body[field]
        .as_str()
        .unwrap_or_else(|| panic!("no {field} in {body}"))
        .to_owned()
}

fn cookie_values(reply: &Reply) -> Vec<String> {
    reply
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|value| {
            let pair = value.to_str().ok()?.split(';').next()?;
            Some(pair.split_once('=')?.1.to_owned())
        })
        .filter(|value| !value.is_empty())
        .collect()
}

/// Whether `log` holds `number` as a whole number (not inside a longer one).
fn holds_number(log: &str, number: &str) -> bool {
    log.match_indices(number).any(|(at, _)| {
        let before = log[..at].chars().next_back();
        let after = log[at + number.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_digit()) && !after.is_some_and(|c| c.is_ascii_digit())
    })
}

backend_tests!(
    secrets_never_appear_in_the_logs_of_a_full_flow,
    |test: TestDb| async move {
        let buffer = capture();
        let app = pay_app(test).await;
        seed_shop(&app.test.db).await;
        CAPTURING.fetch_add(1, Ordering::SeqCst);
        let secrets = full_flow(&app).await;
        CAPTURING.fetch_sub(1, Ordering::SeqCst);
        let log = String::from_utf8_lossy(&buffer.lock().unwrap()).into_owned();

        // The capture saw the flow: request spans, sqlx statements, the service's own events.
        assert!(
            log.contains("path=/api/v1/auth/login"),
            "no request spans captured"
        );
        assert!(log.contains("sqlx::query"), "no sqlx statements captured");
        assert!(log.contains("TRACE") || log.contains("DEBUG"));
        assert!(log.contains("registered user"));
        // The trace layer logs no query strings or headers.
        assert!(!log.contains("authorization") && !log.contains("Authorization"));
        assert!(!log.contains("idempotency-key"));

        let mut leaks = Vec::new();
        for (what, secret) in &secrets.text {
            if log.contains(secret.as_str()) {
                leaks.push(format!("{what}: {secret}"));
            }
        }
        for (what, number) in &secrets.numbers {
            if holds_number(&log, number) {
                leaks.push(format!("{what}: {number}"));
            }
        }
        assert!(
            leaks.is_empty(),
            "secrets in the logs ({} bytes captured): {leaks:?}",
            log.len()
        );
    }
);

#[derive(Default)]
struct Secrets {
    /// Long secrets, searched as substrings.
    text: Vec<(&'static str, String)>,
    /// Short numeric secrets (codes, PINs), searched as whole numbers.
    numbers: Vec<(&'static str, String)>,
}

async fn full_flow(app: &AuthApp) -> Secrets {
    let mut secrets = Secrets::default();
    let email = crate::auth::email();
    let new_password = "Yangi maxfiy parol 2027 bahor";
    let wrong_password = "Noto'g'ri parol 5551212 qish";
    let pin = "73915268";
    let card_number = "4242424242424242";
    secrets.text.extend([
        ("password", PASSWORD.to_owned()),
        ("new password", new_password.to_owned()),
        ("wrong password", wrong_password.to_owned()),
        ("card number", card_number.to_owned()),
        ("spaced card number", "4242 4242 4242 4242".to_owned()),
    ]);
    secrets.numbers.push(("pin", pin.to_owned()));

    call(Method::POST, "/api/v1/auth/register")
        .json(json!({ "email": email, "password": PASSWORD, "role": "parent" }))
        .send(app)
        .await
        .expect(201);
    let login = call(Method::POST, "/api/v1/auth/login")
        .json(json!({ "login": email, "password": PASSWORD }))
        .send(app)
        .await
        .expect(200)
        .clone();
    let refreshed = call(Method::POST, "/api/v1/auth/refresh")
        .json(json!({ "refresh_token": token(&login, "refresh_token") }))
        .send(app)
        .await
        .expect(200)
        .clone();
    let access = token(&refreshed, "access_token");
    for (what, body, field) in [
        ("access token", &login, "access_token"),
        ("refresh token", &login, "refresh_token"),
        ("rotated access token", &refreshed, "access_token"),
        ("rotated refresh token", &refreshed, "refresh_token"),
    ] {
        secrets.text.push((what, token(body, field)));
    }

    // TOTP: enrol, confirm, then sign in with a challenge and a code (cookies this time).
    let enrolled = call(Method::POST, "/api/v1/auth/2fa/enroll")
        .bearer(&access)
        .send(app)
        .await
        .expect(200)
        .clone();
    let secret = token(&enrolled, "secret");
    let code = |app: &AuthApp| {
        totp::code_at(
            &totp::base32_decode(&secret).unwrap(),
            app.clock.now().timestamp(),
        )
    };
    let first_code = code(app);
    let confirmed = call(Method::POST, "/api/v1/auth/2fa/confirm")
        .bearer(&access)
        .json(json!({ "code": first_code }))
        .send(app)
        .await
        .expect(200)
        .clone();
    secrets.text.push(("totp secret", secret.clone()));
    secrets.numbers.push(("first totp code", first_code));
    for recovery in confirmed["recovery_codes"].as_array().unwrap() {
        secrets
            .text
            .push(("recovery code", recovery.as_str().unwrap().to_owned()));
    }
    app.clock.advance(Duration::seconds(31));
    let challenge = call(Method::POST, "/api/v1/auth/login")
        .json(json!({ "login": email, "password": PASSWORD }))
        .send(app)
        .await
        .expect(200)
        .clone();
    let challenge_token = token(&challenge, "challenge_token");
    let second_code = code(app);
    let signed_in = call(Method::POST, "/api/v1/auth/login/2fa")
        .json(
            json!({ "challenge_token": challenge_token, "code": second_code, "use_cookies": true }),
        )
        .send(app)
        .await;
    signed_in.expect(200);
    secrets.text.push(("challenge token", challenge_token));
    secrets.numbers.push(("second totp code", second_code));
    let cookies = cookie_values(&signed_in);
    assert!(cookies.len() >= 3, "{:?}", signed_in.headers);
    for cookie in cookies {
        secrets.text.push(("cookie value", cookie));
    }
    // The cookie session is used once (with its CSRF token).
    let cookie_header = signed_in.cookie_header();
    call(Method::GET, "/api/v1/auth/me")
        .header("cookie", &cookie_header)
        .send(app)
        .await
        .expect(200);

    // PIN, child and consent.
    call(Method::PUT, "/api/v1/family/pin")
        .bearer(&access)
        .json(json!({ "pin": pin, "password": PASSWORD }))
        .send(app)
        .await
        .expect(204);
    call(Method::POST, "/api/v1/family/pin/verify")
        .bearer(&access)
        .json(json!({ "pin": pin }))
        .send(app)
        .await
        .expect(204);
    let child = call(Method::POST, "/api/v1/family/children")
        .bearer(&access)
        .json(json!({ "nickname": "Malika", "age_band": "6-8", "avatar": "owl" }))
        .send(app)
        .await
        .expect(201)
        .clone();
    call(
        Method::POST,
        &format!("/api/v1/family/children/{}/consent", child["id"]),
    )
    .bearer(&access)
    .json(json!({ "method": "signed_form", "notice_version": storefront::auth::family::CURRENT_NOTICE_VERSION, "password": PASSWORD }))
    .send(app)
    .await
    .expect(201);

    // An order paid by card.
    let order = call(Method::POST, "/api/v1/orders")
        .bearer(&access)
        .json(json!({ "lines": [{ "sku": "BOOK-1", "quantity": 1 }], "delivery": { "method": "pickup", "pickup_point_id": 1 } }))
        .send(app)
        .await
        .expect(201)
        .clone();
    let intent = call(Method::POST, "/api/v1/payments/card")
        .bearer(&access)
        .header("idempotency-key", "logs-card-1")
        .json(json!({ "order_id": order["id"], "card": { "number": "4242 4242 4242 4242", "exp_month": 12, "exp_year": 2031, "cvc": "123" } }))
        .send(app)
        .await
        .expect(201)
        .clone();
    call(
        Method::POST,
        &format!("/api/v1/payments/card/{}/confirm", token(&intent, "id")),
    )
    .bearer(&access)
    .send(app)
    .await
    .expect(200);

    // A failed login, a password change, and a login with the new password and a code.
    call(Method::POST, "/api/v1/auth/login")
        .json(json!({ "login": email, "password": wrong_password }))
        .send(app)
        .await
        .expect_error(401, "invalid_credentials");
    call(Method::POST, "/api/v1/account/password")
        .bearer(&access)
        .json(json!({ "current_password": PASSWORD, "new_password": new_password }))
        .send(app)
        .await
        .expect(204);
    app.clock.advance(Duration::seconds(31));
    let challenge = call(Method::POST, "/api/v1/auth/login")
        .json(json!({ "login": email, "password": new_password }))
        .send(app)
        .await
        .expect(200)
        .clone();
    let third_code = code(app);
    let last = call(Method::POST, "/api/v1/auth/login/2fa")
        .json(json!({ "challenge_token": challenge["challenge_token"], "code": third_code }))
        .send(app)
        .await
        .expect(200)
        .clone();
    secrets.numbers.push(("third totp code", third_code));
    secrets
        .text
        .push(("last access token", token(&last, "access_token")));
    secrets
        .text
        .push(("last refresh token", token(&last, "refresh_token")));
    secrets
}
