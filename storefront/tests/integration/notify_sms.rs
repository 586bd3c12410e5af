//! SMS against a local server implementing Eskiz's published API (notify.eskiz.uz:
//! `POST /api/auth/login`, `PATCH /api/auth/refresh`, `POST /api/message/sms/send`, bearer
//! tokens, delivery reports posted to `callback_url`): token login and refresh on 401, retries
//! while the gateway fails then recovers, a permanent refusal in the dead letter, the per-phone
//! limit, and delivery reports through our callback route.

use crate::auth::{AuthApp, auth_app, call};
use crate::backend_tests;
use crate::notify::{drain_until, fast_settings, otp};
use crate::support::TestDb;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::routing::{patch, post};
use axum::{Json, Router};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use storefront::auth::rate_limit::RateLimiter;
use storefront::notify::queue;
use storefront::notify::sms::{self, Encoding, EskizClient, EskizSettings};
use storefront::notify::worker::{Channels, TaskRegistry, Worker};
use storefront::notify::{self, EventKind, Job, Language, NotifyState, Recipient};

/// The fake gateway's state.
#[derive(Default)]
pub struct Eskiz {
    issued: HashSet<String>,
    valid: HashSet<String>,
    next_token: usize,
    pub logins: usize,
    pub refreshes: usize,
    /// (mobile_phone, message, from, callback_url)
    pub sent: Vec<(String, String, String, String)>,
    /// Sends to answer with 500 before recovering.
    pub failures_left: usize,
}

type Shared = Arc<Mutex<Eskiz>>;

fn form(body: &str) -> HashMap<String, String> {
    body.split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(key, value)| {
            let value = value.replace('+', " ");
            (
                percent_encoding::percent_decode_str(key)
                    .decode_utf8()
                    .unwrap()
                    .into_owned(),
                percent_encoding::percent_decode_str(&value)
                    .decode_utf8()
                    .unwrap()
                    .into_owned(),
            )
        })
        .collect()
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get("authorization")?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::to_owned)
}

async fn login(State(state): State<Shared>, body: String) -> (StatusCode, Json<Value>) {
    let fields = form(&body);
    if fields.get("email").map(String::as_str) != Some("shop@bolajon.uz")
        || fields.get("password").map(String::as_str) != Some("eskiz-secret")
    {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({ "message": "Invalid credentials" })),
        );
    }
    let mut state = state.lock().unwrap();
    state.logins += 1;
    state.next_token += 1;
    let token = format!("token-{}", state.next_token);
    state.issued.insert(token.clone());
    state.valid.insert(token.clone());
    (
        StatusCode::OK,
        Json(
            json!({ "message": "token_generated", "data": { "token": token }, "token_type": "bearer" }),
        ),
    )
}

async fn refresh(State(state): State<Shared>, headers: HeaderMap) -> (StatusCode, Json<Value>) {
    let mut state = state.lock().unwrap();
    match bearer(&headers) {
        Some(token) if state.issued.contains(&token) => {
            state.refreshes += 1;
            state.next_token += 1;
            let fresh = format!("token-{}", state.next_token);
            state.issued.insert(fresh.clone());
            state.valid.insert(fresh.clone());
            (
                StatusCode::OK,
                Json(json!({ "message": "token_generated", "data": { "token": fresh } })),
            )
        }
        _ => (
            StatusCode::UNAUTHORIZED,
            Json(json!({ "message": "Unauthenticated." })),
        ),
    }
}

async fn send(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: String,
) -> (StatusCode, Json<Value>) {
    let mut state = state.lock().unwrap();
    if !bearer(&headers).is_some_and(|token| state.valid.contains(&token)) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({ "status": "token-invalid", "message": "Expired" })),
        );
    }
    let fields = form(&body);
    let phone = fields.get("mobile_phone").cloned().unwrap_or_default();
    if phone.len() != 12 || !phone.starts_with("998") || !phone.chars().all(|c| c.is_ascii_digit())
    {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({ "status": "error", "message": "Invalid mobile_phone" })),
        );
    }
    if phone == "998990000000" {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({ "status": "error", "message": "Number is blacklisted" })),
        );
    }
    if state.failures_left > 0 {
        state.failures_left -= 1;
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({ "message": "Server Error" })),
        );
    }
    state.sent.push((
        phone,
        fields.get("message").cloned().unwrap_or_default(),
        fields.get("from").cloned().unwrap_or_default(),
        fields.get("callback_url").cloned().unwrap_or_default(),
    ));
    let id = format!("4f1c-{}", state.sent.len());
    (
        StatusCode::OK,
        Json(json!({ "id": id, "message": "Waiting for SMS provider", "status": "waiting" })),
    )
}

/// Starts the fake gateway; returns its base URL and state.
pub async fn start_eskiz() -> (String, Shared) {
    let state: Shared = Arc::default();
    let app = Router::new()
        .route("/api/auth/login", post(login))
        .route("/api/auth/refresh", patch(refresh))
        .route("/api/message/sms/send", post(send))
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{address}"), state)
}

fn sms_job(kind: EventKind, key: &str, phone: &str, payload: Value) -> Job {
    Job::event(
        kind,
        key,
        Recipient::phone(None, phone, Language::UzLatn),
        payload,
    )
}

backend_tests!(
    sms_through_an_eskiz_gateway_with_refresh_retries_limits_and_reports,
    |test: TestDb| async move {
        let (base_url, eskiz) = start_eskiz().await;
        let AuthApp { test, state, clock } = auth_app(test).await;
        let state = state
            .with_notify(NotifyState {
                eskiz_callback_secret: Some("callback-s3cret".to_owned()),
                ..NotifyState::default()
            })
            .unwrap();
        let app = AuthApp { test, state, clock };
        let db = app.state.0.db.clone();
        let client = EskizClient::new(
            EskizSettings {
                base_url,
                email: "shop@bolajon.uz".to_owned(),
                password: "eskiz-secret".to_owned(),
                from: "4546".to_owned(),
                callback_url: Some(
                    "https://bolajon.uz/api/v1/notify/sms/eskiz/callback?secret=callback-s3cret"
                        .to_owned(),
                ),
            },
            sms::http_client(),
        );
        let worker = Worker::new(
            db.clone(),
            Arc::new(Channels {
                sms: Some(Arc::new(client)),
                sms_limiter: Some(RateLimiter::in_process()),
                ..Channels::default()
            }),
            Arc::new(TaskRegistry::default()),
            fast_settings(),
        );
        let status_of = |key: &'static str| {
            let db = db.clone();
            async move { queue::job_by_key(&db, key).await.unwrap().unwrap() }
        };

        // Login on first use, then send.
        notify::enqueue_now(&db, otp("otp:a", "90 123 45 67"))
            .await
            .unwrap();
        drain_until(&worker, Duration::from_secs(10), async || {
            status_of("otp:a").await.status == "delivered"
        })
        .await;
        {
            let eskiz = eskiz.lock().unwrap();
            assert_eq!((eskiz.logins, eskiz.refreshes), (1, 0));
            let (phone, message, from, callback) = &eskiz.sent[0];
            assert_eq!(phone, "998901234567");
            assert_eq!(from, "4546");
            assert!(callback.ends_with("?secret=callback-s3cret"));
            assert!(message.contains("482913"), "{message}");
            let segments = sms::segments(message);
            assert_eq!(
                segments.encoding,
                Encoding::Ucs2,
                "Russian text goes as UCS-2"
            );
            println!(
                "ru OTP: {} UTF-16 units, {} part(s)",
                segments.units, segments.parts
            );
        }
        let first = status_of("otp:a").await;
        assert_eq!(first.provider_ref.as_deref(), Some("4f1c-1"));

        // The token expires: one refresh, no new login.
        eskiz.lock().unwrap().valid.clear();
        notify::enqueue_now(&db, otp("otp:b", "+998 93 111 22 33"))
            .await
            .unwrap();
        drain_until(&worker, Duration::from_secs(10), async || {
            status_of("otp:b").await.status == "delivered"
        })
        .await;
        let counts = {
            let eskiz = eskiz.lock().unwrap();
            (eskiz.logins, eskiz.refreshes)
        };
        assert_eq!(counts, (1, 1));

        // The gateway fails twice, then recovers: delivered after two backoffs.
        eskiz.lock().unwrap().failures_left = 2;
        notify::enqueue_now(
            &db,
            sms_job(
                EventKind::OrderShipped,
                "order_shipped:5:sms",
                "+998901234567",
                json!({ "order_id": 5, "tracking": "UZ77" }),
            ),
        )
        .await
        .unwrap();
        drain_until(&worker, Duration::from_secs(10), async || {
            status_of("order_shipped:5:sms").await.status == "delivered"
        })
        .await;
        let shipped = status_of("order_shipped:5:sms").await;
        assert_eq!(shipped.attempts, 3);
        assert!(shipped.last_error.unwrap().contains("http 500"));
        let latin = eskiz.lock().unwrap().sent.last().unwrap().1.clone();
        assert_eq!(latin, "Buyurtmangiz №5 jo'natildi. Kuzatuv raqami: UZ77.");
        assert_eq!(
            sms::segments(&latin).encoding,
            Encoding::Ucs2,
            "№ is not GSM-7"
        );

        // A permanent refusal: dead, with the gateway's error in the audit.
        notify::enqueue_now(
            &db,
            sms_job(
                EventKind::OrderDelivered,
                "order_delivered:6:sms",
                "+998990000000",
                json!({ "order_id": 6 }),
            ),
        )
        .await
        .unwrap();
        drain_until(&worker, Duration::from_secs(10), async || {
            status_of("order_delivered:6:sms").await.status == "dead"
        })
        .await;
        let dead = queue::search(
            &db,
            &queue::AuditFilter {
                status: Some(queue::JobStatus::Dead),
                limit: 10,
                ..queue::AuditFilter::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(dead.len(), 1);
        assert_eq!(dead[0].attempts, 1);
        assert_eq!(
            dead[0].last_error.as_deref(),
            Some("eskiz send: http 400 Bad Request: Number is blacklisted")
        );

        // Five SMS per phone per ten minutes; the sixth waits.
        for i in 0..6 {
            notify::enqueue_now(&db, otp(&format!("otp:burst:{i}"), "+998935555555"))
                .await
                .unwrap();
        }
        for _ in 0..3 {
            worker.run_once().await.unwrap();
        }
        let burst = queue::search(
            &db,
            &queue::AuditFilter {
                limit: 6,
                ..queue::AuditFilter::default()
            },
        )
        .await
        .unwrap();
        let delivered = burst.iter().filter(|job| job.status == "delivered").count();
        assert_eq!(delivered, 5);
        let limited = burst.iter().find(|job| job.status != "delivered").unwrap();
        assert!(
            limited
                .last_error
                .as_deref()
                .unwrap()
                .contains("sms rate limit"),
            "{limited:?}"
        );
        let to_burst_phone = eskiz
            .lock()
            .unwrap()
            .sent
            .iter()
            .filter(|(phone, ..)| phone == "998935555555")
            .count();
        assert_eq!(to_burst_phone, 5);

        // Delivery reports through our callback route (form-encoded, as Eskiz posts them).
        let report = "request_id=r1&message_id=4f1c-1&user_sms_id=&country=UZ&phone_number=998901234567&sms_count=2&status=DELIVRD&status_date=2026-12-07+03%3A40%3A00";
        call(
            Method::POST,
            "/api/v1/notify/sms/eskiz/callback?secret=wrong",
        )
        .raw("application/x-www-form-urlencoded", report)
        .send(&app)
        .await
        .expect_error(403, "invalid_callback_secret");
        call(Method::POST, "/api/v1/notify/sms/eskiz/callback")
            .raw("application/x-www-form-urlencoded", report)
            .send(&app)
            .await
            .expect_error(403, "invalid_callback_secret");
        call(
            Method::POST,
            "/api/v1/notify/sms/eskiz/callback?secret=callback-s3cret",
        )
        .raw("application/x-www-form-urlencoded", "status=DELIVRD")
        .send(&app)
        .await
        .expect_error(400, "invalid_delivery_report");
        let reply = call(
            Method::POST,
            "/api/v1/notify/sms/eskiz/callback?secret=callback-s3cret",
        )
        .raw("application/x-www-form-urlencoded", report)
        .send(&app)
        .await;
        assert_eq!(reply.expect(200)["matched"], true);
        assert_eq!(
            status_of("otp:a").await.provider_status.as_deref(),
            Some("DELIVRD")
        );
        let unknown = call(
            Method::POST,
            "/api/v1/notify/sms/eskiz/callback?secret=callback-s3cret",
        )
        .raw(
            "application/json",
            r#"{"message_id":"nope","status":"UNDELIV"}"#,
        )
        .send(&app)
        .await;
        assert_eq!(unknown.expect(200)["matched"], false);
    }
);
