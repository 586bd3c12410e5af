//! Web push against a local push service that checks the VAPID JWT and DECRYPTS the payload
//! with its own RFC 8291 code (the user agent's side, written here independently of the
//! sender); subscription management through the API, and removal of expired (404/410)
//! subscriptions.

use crate::auth::{AuthApp, auth_app, call, user_with_role};
use crate::backend_tests;
use crate::notify::{drain_until, fast_settings};
use crate::support::TestDb;
use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes128Gcm, Nonce};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::routing::post;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hkdf::Hkdf;
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::{PublicKey, SecretKey};
use serde_json::{Value, json};
use sha2::Sha256;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use storefront::auth::Role;
use storefront::notify::push::{PushSender, VapidKey};
use storefront::notify::queue;
use storefront::notify::worker::{Channels, TaskRegistry, Worker};
use storefront::notify::{self, EventKind, Job, Language, NotifyState, Recipient};

/// The user agent's side of RFC 8291: decrypts an `aes128gcm` body with the subscription's
/// private key and auth secret.
pub fn decrypt(ua_private: &SecretKey, auth: &[u8], body: &[u8]) -> Result<Vec<u8>, String> {
    if body.len() < 21 {
        return Err("short body".into());
    }
    let salt = &body[..16];
    let record_size = u32::from_be_bytes(body[16..20].try_into().unwrap()) as usize;
    let id_len = body[20] as usize;
    let as_public = body.get(21..21 + id_len).ok_or("short key id")?;
    let ciphertext = &body[21 + id_len..];
    if ciphertext.len() > record_size {
        return Err("more than one record".into());
    }
    let sender = PublicKey::from_sec1_bytes(as_public).map_err(|_| "bad sender key")?;
    let ua_public = ua_private.public_key().to_encoded_point(false);
    let shared = p256::ecdh::diffie_hellman(ua_private.to_nonzero_scalar(), sender.as_affine());
    let mut info = b"WebPush: info\0".to_vec();
    info.extend_from_slice(ua_public.as_bytes());
    info.extend_from_slice(as_public);
    let mut ikm = [0u8; 32];
    Hkdf::<Sha256>::new(Some(auth), shared.raw_secret_bytes())
        .expand(&info, &mut ikm)
        .map_err(|_| "ikm")?;
    let prk = Hkdf::<Sha256>::new(Some(salt), &ikm);
    let mut cek = [0u8; 16];
    prk.expand(b"Content-Encoding: aes128gcm\0", &mut cek)
        .map_err(|_| "cek")?;
    let mut nonce = [0u8; 12];
    prk.expand(b"Content-Encoding: nonce\0", &mut nonce)
        .map_err(|_| "nonce")?;
    let mut plain = Aes128Gcm::new_from_slice(&cek)
        .unwrap()
        .decrypt(Nonce::from_slice(&nonce), ciphertext)
        .map_err(|_| "authentication failed")?;
    // Strip the padding: zeros, then the last-record delimiter 2.
    while plain.last() == Some(&0) {
        plain.pop();
    }
    if plain.pop() != Some(2) {
        return Err("no last-record delimiter".into());
    }
    Ok(plain)
}

#[test]
fn the_independent_decrypter_reads_the_rfc_8291_example() {
    let b64 = |s: &str| URL_SAFE_NO_PAD.decode(s).unwrap();
    let ua_private =
        SecretKey::from_slice(&b64("q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94")).unwrap();
    let body = b64(concat!(
        "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27ml",
        "mlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPT",
        "pK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN"
    ));
    let plain = decrypt(&ua_private, &b64("BTBZMqHH6r4Tts7J_aSIgg"), &body).unwrap();
    assert_eq!(plain, b"When I grow up, I want to be a watermelon");
}

/// A browser's subscription keys.
pub struct UserAgent {
    pub private: SecretKey,
    pub auth: [u8; 16],
}

impl UserAgent {
    pub fn new(seed: u8) -> Self {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).unwrap();
        bytes[0] = seed;
        Self {
            private: SecretKey::from_slice(&bytes).unwrap(),
            auth: [seed; 16],
        }
    }

    pub fn p256dh(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.private.public_key().to_encoded_point(false).as_bytes())
    }
}

/// What the push service received and decrypted.
#[derive(Default)]
pub struct PushService {
    pub keys: HashMap<String, (SecretKey, [u8; 16])>,
    pub received: Vec<(String, Value, HashMap<String, String>)>,
    pub origin: String,
    pub vapid_public: String,
}

type Shared = Arc<Mutex<PushService>>;

fn verify_vapid(header: &str, origin: &str, expected_key: &str) -> Result<(), String> {
    let rest = header
        .strip_prefix("vapid t=")
        .ok_or("not a vapid header")?;
    let (token, key) = rest.split_once(", k=").ok_or("no k=")?;
    if key != expected_key {
        return Err("unexpected application server key".into());
    }
    let parts: Vec<&str> = token.split('.').collect();
    let [header_b64, claims_b64, signature_b64] = parts[..] else {
        return Err("not a JWT".into());
    };
    let header: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(header_b64)
            .map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    if header["alg"] != "ES256" {
        return Err("not ES256".into());
    }
    let claims: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(claims_b64)
            .map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    if claims["aud"] != origin {
        return Err(format!("aud {} is not {origin}", claims["aud"]));
    }
    let now = chrono::Utc::now().timestamp();
    let exp = claims["exp"].as_i64().ok_or("no exp")?;
    if exp <= now || exp > now + 24 * 3600 {
        return Err("exp out of range".into());
    }
    if !claims["sub"]
        .as_str()
        .is_some_and(|sub| sub.starts_with("mailto:"))
    {
        return Err("no sub".into());
    }
    let key =
        VerifyingKey::from_sec1_bytes(&URL_SAFE_NO_PAD.decode(key).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
    let signature = Signature::from_slice(
        &URL_SAFE_NO_PAD
            .decode(signature_b64)
            .map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    key.verify(format!("{header_b64}.{claims_b64}").as_bytes(), &signature)
        .map_err(|_| "bad signature".to_owned())
}

async fn receive(
    State(state): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let mut state = state.lock().unwrap();
    if id.starts_with("gone") {
        return StatusCode::GONE;
    }
    let Some((private, auth)) = state.keys.get(&id).cloned() else {
        return StatusCode::NOT_FOUND;
    };
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    if let Err(error) = verify_vapid(&header("authorization"), &state.origin, &state.vapid_public) {
        panic!("vapid: {error}");
    }
    assert_eq!(header("content-encoding"), "aes128gcm");
    let plain = decrypt(&private, &auth, &body).unwrap_or_else(|error| panic!("decrypt: {error}"));
    let message: Value = serde_json::from_slice(&plain).unwrap();
    let kept: HashMap<String, String> = ["ttl", "urgency"]
        .iter()
        .map(|name| ((*name).to_owned(), header(name)))
        .collect();
    state.received.push((id, message, kept));
    StatusCode::CREATED
}

/// Starts the push service; returns its origin and state.
pub async fn start_push_service(vapid_public: &str) -> (String, Shared) {
    let state: Shared = Arc::default();
    let app = axum::Router::new()
        .route("/push/{id}", post(receive))
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    {
        let mut state = state.lock().unwrap();
        state.origin = origin.clone();
        state.vapid_public = vapid_public.to_owned();
    }
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (origin, state)
}

backend_tests!(
    push_is_encrypted_for_each_subscription_and_gone_ones_are_removed,
    |test: TestDb| async move {
        let vapid = VapidKey::generate("mailto:ops@bolajon.uz").unwrap();
        let (origin, service) = start_push_service(&vapid.public_key_base64()).await;
        let AuthApp { test, state, clock } = auth_app(test).await;
        let state = state
            .with_notify(NotifyState {
                vapid_public_key: Some(vapid.public_key_base64()),
                allow_http_push_endpoints: true,
                ..NotifyState::default()
            })
            .unwrap();
        let app = AuthApp { test, state, clock };
        let db = app.state.0.db.clone();
        let key = call(Method::GET, "/api/v1/push/vapid-public-key")
            .send(&app)
            .await;
        assert_eq!(key.expect(200)["public_key"], vapid.public_key_base64());

        let (parent, token) = user_with_role(&app, Role::Parent).await;
        let (_, other_token) = user_with_role(&app, Role::Parent).await;
        let phone = UserAgent::new(1);
        let laptop = UserAgent::new(2);
        service
            .lock()
            .unwrap()
            .keys
            .insert("phone".to_owned(), (phone.private.clone(), phone.auth));
        let subscribe = |endpoint: String, agent: &UserAgent| {
            json!({ "endpoint": endpoint, "keys": {
                "p256dh": agent.p256dh(), "auth": URL_SAFE_NO_PAD.encode(agent.auth) } })
        };
        let guest = call(Method::POST, "/api/v1/push/subscriptions")
            .json(subscribe(format!("{origin}/push/phone"), &phone))
            .send(&app)
            .await;
        assert_eq!(guest.status.as_u16(), 401, "{}", guest.body);
        let saved = call(Method::POST, "/api/v1/push/subscriptions")
            .bearer(&token)
            .json(subscribe(format!("{origin}/push/phone"), &phone))
            .send(&app)
            .await;
        assert!(saved.expect(201)["id"].as_i64().is_some());
        assert!(saved.body.get("p256dh").is_none(), "keys are not echoed");
        let gone = call(Method::POST, "/api/v1/push/subscriptions")
            .bearer(&token)
            .json(subscribe(format!("{origin}/push/gone-laptop"), &laptop))
            .send(&app)
            .await;
        let gone_id = gone.expect(201)["id"].as_i64().unwrap();
        let mut bad = subscribe(format!("{origin}/push/x"), &laptop);
        bad["keys"]["p256dh"] = json!("AAAA");
        call(Method::POST, "/api/v1/push/subscriptions")
            .bearer(&token)
            .json(bad)
            .send(&app)
            .await
            .expect_error(400, "invalid_recipient");
        call(Method::POST, "/api/v1/push/subscriptions")
            .bearer(&token)
            .json(subscribe("javascript:alert(1)".to_owned(), &laptop))
            .send(&app)
            .await
            .expect_error(400, "invalid_recipient");
        // Another user cannot see or delete them.
        let theirs = call(Method::GET, "/api/v1/push/subscriptions")
            .bearer(&other_token)
            .send(&app)
            .await;
        assert_eq!(theirs.expect(200), &json!([]));
        call(
            Method::DELETE,
            &format!("/api/v1/push/subscriptions/{gone_id}"),
        )
        .bearer(&other_token)
        .send(&app)
        .await
        .expect_error(404, "subscription_not_found");

        let job = Job::event(
            EventKind::OrderShipped,
            "order_shipped:5:push",
            Recipient::push(parent.0, Language::Ru),
            json!({ "order_id": 5, "tracking": "UZ77" }),
        );
        notify::enqueue_now(&db, job).await.unwrap();
        let worker = Worker::new(
            db.clone(),
            Arc::new(Channels {
                push: Some(PushSender::new(
                    vapid.clone(),
                    storefront::notify::sms::http_client(),
                )),
                ..Channels::default()
            }),
            Arc::new(TaskRegistry::default()),
            fast_settings(),
        );
        drain_until(&worker, Duration::from_secs(10), async || {
            queue::job_by_key(&db, "order_shipped:5:push")
                .await
                .unwrap()
                .unwrap()
                .status
                != "queued"
        })
        .await;
        let job = queue::job_by_key(&db, "order_shipped:5:push")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(job.status, "delivered", "{job:?}");
        {
            let service = service.lock().unwrap();
            assert_eq!(service.received.len(), 1);
            let (endpoint, message, headers) = &service.received[0];
            assert_eq!(endpoint, "phone");
            assert_eq!(message["title"], "Заказ №5 отправлен");
            assert_eq!(message["body"], "Ваш заказ №5 отправлен. Трек-номер: UZ77.");
            assert_eq!(message["tag"], "order_shipped");
            assert_eq!(headers["urgency"], "normal");
            assert_eq!(headers["ttl"], "86400");
        }
        // The 410 subscription is gone from the store.
        let mine = call(Method::GET, "/api/v1/push/subscriptions")
            .bearer(&token)
            .send(&app)
            .await;
        let endpoints: Vec<&str> = mine
            .expect(200)
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["endpoint"].as_str().unwrap())
            .collect();
        assert_eq!(endpoints, vec![format!("{origin}/push/phone").as_str()]);

        // A user with no live subscription: the job is dead, the reason in the audit.
        let id = mine.body[0]["id"].as_i64().unwrap();
        call(Method::DELETE, &format!("/api/v1/push/subscriptions/{id}"))
            .bearer(&token)
            .send(&app)
            .await
            .expect(204);
        let job = Job::event(
            EventKind::OrderDelivered,
            "order_delivered:5:push",
            Recipient::push(parent.0, Language::Ru),
            json!({ "order_id": 5 }),
        );
        notify::enqueue_now(&db, job).await.unwrap();
        drain_until(&worker, Duration::from_secs(10), async || {
            queue::job_by_key(&db, "order_delivered:5:push")
                .await
                .unwrap()
                .unwrap()
                .status
                == "dead"
        })
        .await;
        let dead = queue::job_by_key(&db, "order_delivered:5:push")
            .await
            .unwrap()
            .unwrap();
        assert!(
            dead.last_error
                .unwrap()
                .contains("no live push subscription")
        );
    }
);
