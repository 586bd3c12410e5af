//! Passkeys through the HTTP API (issue 6): registration, sign-in with the same tokens as a
//! password login, replayed assertions, a wrong origin, another account's credential, the
//! signature counter going backwards, ownership of the list and delete routes, and passkeys
//! standing in for the TOTP step.
//!
//! The authenticator is software, written here: a P-256 key (RustCrypto `p256`), CBOR by hand,
//! and the WebAuthn byte layouts (attestation format `none`, user verified).

use crate::auth::{AuthApp, Reply, auth_app, call, login, signed_in_parent, user_with_role};
use crate::backend_tests;
use crate::support::TestDb;
use axum::http::Method;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, SigningKey};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};
use storefront::auth::Role;

/// The origin the test app serves (the default relying party: `localhost`).
const ORIGIN: &str = "http://localhost:3000";

/// Minimal CBOR (RFC 8949) for the values WebAuthn uses.
enum Cbor {
    Int(i64),
    Bytes(Vec<u8>),
    Text(&'static str),
    Map(Vec<(Cbor, Cbor)>),
}

fn cbor_head(out: &mut Vec<u8>, major: u8, value: u64) {
    let major = major << 5;
    match value {
        0..=23 => out.push(major | value as u8),
        24..=0xff => out.extend([major | 24, value as u8]),
        0x100..=0xffff => {
            out.push(major | 25);
            out.extend((value as u16).to_be_bytes());
        }
        _ => {
            out.push(major | 26);
            out.extend((value as u32).to_be_bytes());
        }
    }
}

fn cbor(value: &Cbor, out: &mut Vec<u8>) {
    match value {
        Cbor::Int(n) if *n >= 0 => cbor_head(out, 0, *n as u64),
        Cbor::Int(n) => cbor_head(out, 1, (-1 - *n) as u64),
        Cbor::Bytes(bytes) => {
            cbor_head(out, 2, bytes.len() as u64);
            out.extend(bytes);
        }
        Cbor::Text(text) => {
            cbor_head(out, 3, text.len() as u64);
            out.extend(text.as_bytes());
        }
        Cbor::Map(entries) => {
            cbor_head(out, 5, entries.len() as u64);
            for (key, value) in entries {
                cbor(key, out);
                cbor(value, out);
            }
        }
    }
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn unb64(text: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')).unwrap()
}

/// A software passkey: one credential, its key, and the user handle it was made for.
#[derive(Clone)]
pub struct SoftPasskey {
    key: SigningKey,
    credential_id: Vec<u8>,
    user_handle: Vec<u8>,
    rp_id: String,
    pub counter: u32,
}

const FLAG_UP: u8 = 0x01;
const FLAG_UV: u8 = 0x04;
const FLAG_AT: u8 = 0x40;

impl SoftPasskey {
    /// Answers a registration's options (`options.publicKey` of the start step) for `origin`.
    fn register(options: &Value, origin: &str) -> (Self, Value) {
        let public_key = &options["publicKey"];
        let rp_id = public_key["rp"]["id"].as_str().unwrap().to_owned();
        let challenge = public_key["challenge"].as_str().unwrap();
        let user_handle = unb64(public_key["user"]["id"].as_str().unwrap());
        let key = SigningKey::from_bytes(&getrandom_32().into()).unwrap();
        let credential_id = getrandom_32().to_vec();
        let passkey = Self {
            key,
            credential_id,
            user_handle,
            rp_id,
            counter: 0,
        };
        let client_data = json!({
            "type": "webauthn.create",
            "challenge": challenge,
            "origin": origin,
            "crossOrigin": false,
        })
        .to_string();
        let point = passkey.key.verifying_key().to_encoded_point(false);
        let cose_key = Cbor::Map(vec![
            (Cbor::Int(1), Cbor::Int(2)),  // kty: EC2
            (Cbor::Int(3), Cbor::Int(-7)), // alg: ES256
            (Cbor::Int(-1), Cbor::Int(1)), // crv: P-256
            (Cbor::Int(-2), Cbor::Bytes(point.x().unwrap().to_vec())),
            (Cbor::Int(-3), Cbor::Bytes(point.y().unwrap().to_vec())),
        ]);
        let mut auth_data = passkey.auth_data_prefix(FLAG_UP | FLAG_UV | FLAG_AT, 0);
        auth_data.extend([0u8; 16]); // AAGUID
        auth_data.extend((passkey.credential_id.len() as u16).to_be_bytes());
        auth_data.extend(&passkey.credential_id);
        cbor(&cose_key, &mut auth_data);
        let mut attestation = Vec::new();
        cbor(
            &Cbor::Map(vec![
                (Cbor::Text("fmt"), Cbor::Text("none")),
                (Cbor::Text("attStmt"), Cbor::Map(vec![])),
                (Cbor::Text("authData"), Cbor::Bytes(auth_data)),
            ]),
            &mut attestation,
        );
        let credential = json!({
            "id": b64(&passkey.credential_id),
            "rawId": b64(&passkey.credential_id),
            "type": "public-key",
            "response": {
                "attestationObject": b64(&attestation),
                "clientDataJSON": b64(client_data.as_bytes()),
            },
            "extensions": {},
        });
        (passkey, credential)
    }

    fn auth_data_prefix(&self, flags: u8, counter: u32) -> Vec<u8> {
        let mut data = Sha256::digest(self.rp_id.as_bytes()).to_vec();
        data.push(flags);
        data.extend(counter.to_be_bytes());
        data
    }

    /// Signs a sign-in challenge (`options.publicKey.challenge`) for `origin` with `counter`,
    /// presenting `user_handle`.
    fn assert_with(
        &self,
        options: &Value,
        origin: &str,
        counter: u32,
        user_handle: &[u8],
    ) -> Value {
        let challenge = options["publicKey"]["challenge"].as_str().unwrap();
        let client_data = json!({
            "type": "webauthn.get",
            "challenge": challenge,
            "origin": origin,
            "crossOrigin": false,
        })
        .to_string();
        let auth_data = self.auth_data_prefix(FLAG_UP | FLAG_UV, counter);
        let mut signed = auth_data.clone();
        signed.extend(Sha256::digest(client_data.as_bytes()));
        let signature: Signature = self.key.sign(&signed);
        json!({
            "id": b64(&self.credential_id),
            "rawId": b64(&self.credential_id),
            "type": "public-key",
            "response": {
                "authenticatorData": b64(&auth_data),
                "clientDataJSON": b64(client_data.as_bytes()),
                "signature": b64(&der_signature(&signature)),
                "userHandle": b64(user_handle),
            },
            "extensions": {},
        })
    }

    /// Signs a sign-in challenge as a well-behaved authenticator: the counter moves forward.
    fn assert(&mut self, options: &Value) -> Value {
        self.counter += 1;
        let handle = self.user_handle.clone();
        self.assert_with(options, ORIGIN, self.counter, &handle)
    }
}

/// Encodes an ECDSA signature as ASN.1 DER (`SEQUENCE { INTEGER r, INTEGER s }`), as
/// authenticators send it.
fn der_signature(signature: &Signature) -> Vec<u8> {
    let bytes = signature.to_bytes();
    let integer = |half: &[u8]| {
        let trimmed: Vec<u8> = half.iter().copied().skip_while(|byte| *byte == 0).collect();
        let mut value = if trimmed.first().is_none_or(|byte| byte & 0x80 != 0) {
            vec![0u8]
        } else {
            Vec::new()
        };
        value.extend(trimmed);
        let mut out = vec![0x02, value.len() as u8];
        out.extend(value);
        out
    };
    let mut body = integer(&bytes[..32]);
    body.extend(integer(&bytes[32..]));
    let mut out = vec![0x30, body.len() as u8];
    out.extend(body);
    out
}

fn getrandom_32() -> [u8; 32] {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).unwrap();
    bytes
}

/// Registers a software passkey for the account of `access` through the API.
pub async fn register_passkey(app: &AuthApp, access: &str, name: &str) -> (SoftPasskey, Value) {
    let started = call(Method::POST, "/api/v1/auth/passkeys/register/start")
        .bearer(access)
        .send(app)
        .await;
    let started = started.expect(200).clone();
    let (passkey, credential) = SoftPasskey::register(&started["options"], ORIGIN);
    let finished = call(Method::POST, "/api/v1/auth/passkeys/register/finish")
        .bearer(access)
        .json(json!({
            "challenge_id": started["challenge_id"],
            "name": name,
            "credential": credential,
        }))
        .send(app)
        .await;
    (passkey, finished.expect(201).clone())
}

async fn login_start(app: &AuthApp) -> Value {
    call(Method::POST, "/api/v1/auth/passkeys/login/start")
        .send(app)
        .await
        .expect(200)
        .clone()
}

async fn login_finish(app: &AuthApp, started: &Value, credential: Value) -> Reply {
    call(Method::POST, "/api/v1/auth/passkeys/login/finish")
        .json(json!({ "challenge_id": started["challenge_id"], "credential": credential }))
        .send(app)
        .await
}

async fn login_actions(app: &AuthApp) -> Vec<(String, Value)> {
    app.test
        .db
        .audit_entries(None)
        .await
        .unwrap()
        .into_iter()
        .filter(|row| row.action.starts_with("login_") || row.action.starts_with("passkey_"))
        .map(|row| (row.action, serde_json::from_str(&row.details).unwrap()))
        .collect()
}

backend_tests!(
    a_registered_passkey_signs_in_with_the_same_tokens_as_a_password,
    |test: TestDb| async move {
        let app = auth_app(test).await;
        let (email, access, _) = signed_in_parent(&app).await;
        let (mut passkey, view) = register_passkey(&app, &access, "Telefon").await;
        assert_eq!(view["name"], "Telefon");
        assert!(view["last_used_at"].is_null());

        let started = login_start(&app).await;
        assert_eq!(started["expires_in"], 300);
        assert!(
            started["options"]["publicKey"]["challenge"].is_string(),
            "{started}"
        );
        // Username-less: the options name no account and no credential.
        assert!(
            started["options"]["publicKey"]["allowCredentials"]
                .as_array()
                .is_none_or(Vec::is_empty)
        );
        let credential = passkey.assert(&started["options"]);
        let signed_in = login_finish(&app, &started, credential).await;
        let body = signed_in.expect(200).clone();
        assert_eq!(body["status"], "signed_in");
        assert_eq!(body["user"]["email"], email.as_str());
        assert_eq!(body["token_type"], "Bearer");
        // The tokens work like a password login's: the access token reaches /me, the refresh
        // token rotates.
        let me = call(Method::GET, "/api/v1/auth/me")
            .bearer(body["access_token"].as_str().unwrap())
            .send(&app)
            .await;
        assert_eq!(me.expect(200)["email"], email.as_str());
        call(Method::POST, "/api/v1/auth/refresh")
            .json(json!({ "refresh_token": body["refresh_token"] }))
            .send(&app)
            .await
            .expect(200);
        // Cookie delivery too.
        let started = login_start(&app).await;
        let credential = passkey.assert(&started["options"]);
        let web = call(Method::POST, "/api/v1/auth/passkeys/login/finish")
            .json(json!({
                "challenge_id": started["challenge_id"],
                "credential": credential,
                "use_cookies": true,
            }))
            .send(&app)
            .await;
        assert!(web.expect(200)["csrf_token"].is_string());
        assert!(web.body["access_token"].is_null());
        assert!(web.cookie_header().contains("__Host-bolajon_access="));

        let listed = call(Method::GET, "/api/v1/auth/passkeys")
            .bearer(&access)
            .send(&app)
            .await;
        let listed = listed.expect(200).as_array().unwrap().clone();
        assert_eq!(listed.len(), 1);
        assert!(listed[0]["last_used_at"].is_string());
        let passkey_logins: Vec<_> = login_actions(&app)
            .await
            .into_iter()
            .filter(|(action, details)| {
                action == "login_succeeded" && details["method"] == "passkey"
            })
            .collect();
        assert_eq!(passkey_logins.len(), 2);
        assert!(
            login_actions(&app)
                .await
                .iter()
                .any(|(action, _)| action == "passkey_registered")
        );
        // The password still works alongside.
        login(&app, &email).await;
    }
);

backend_tests!(
    replayed_assertions_and_challenges_are_refused,
    |test: TestDb| async move {
        let app = auth_app(test).await;
        let (_, access, _) = signed_in_parent(&app).await;
        let (mut passkey, _) = register_passkey(&app, &access, "Telefon").await;
        let started = login_start(&app).await;
        let credential = passkey.assert(&started["options"]);
        login_finish(&app, &started, credential.clone())
            .await
            .expect(200);
        // The same response to the same challenge: the challenge was used up.
        login_finish(&app, &started, credential.clone())
            .await
            .expect_error(401, "invalid_passkey_challenge");
        // The same response to a fresh challenge: the signed client data names the old one.
        let fresh = login_start(&app).await;
        login_finish(&app, &fresh, credential)
            .await
            .expect_error(401, "passkey_login_failed");
        // That failure used the fresh challenge up too.
        let credential = passkey.assert(&fresh["options"]);
        login_finish(&app, &fresh, credential)
            .await
            .expect_error(401, "invalid_passkey_challenge");
        // An expired challenge.
        let old = login_start(&app).await;
        app.clock.advance(chrono::Duration::seconds(301));
        let credential = passkey.assert(&old["options"]);
        login_finish(&app, &old, credential)
            .await
            .expect_error(401, "passkey_challenge_expired");
        // Unknown challenge ids.
        let started = login_start(&app).await;
        let credential = passkey.assert(&started["options"]);
        call(Method::POST, "/api/v1/auth/passkeys/login/finish")
            .json(json!({ "challenge_id": "0".repeat(32), "credential": credential }))
            .send(&app)
            .await
            .expect_error(401, "invalid_passkey_challenge");
        // A registration response is single use as well.
        let reg = call(Method::POST, "/api/v1/auth/passkeys/register/start")
            .bearer(&access)
            .send(&app)
            .await
            .expect(200)
            .clone();
        let (_, credential) = SoftPasskey::register(&reg["options"], ORIGIN);
        let finish = || {
            call(Method::POST, "/api/v1/auth/passkeys/register/finish")
                .bearer(&access)
                .json(json!({ "challenge_id": reg["challenge_id"], "credential": credential }))
        };
        finish().send(&app).await.expect(201);
        finish()
            .send(&app)
            .await
            .expect_error(400, "invalid_passkey_challenge");
    }
);

backend_tests!(
    a_wrong_origin_is_refused_at_registration_and_sign_in,
    |test: TestDb| async move {
        let app = auth_app(test).await;
        let (_, access, _) = signed_in_parent(&app).await;
        let started = call(Method::POST, "/api/v1/auth/passkeys/register/start")
            .bearer(&access)
            .send(&app)
            .await
            .expect(200)
            .clone();
        let (_, credential) = SoftPasskey::register(&started["options"], "https://evil.example");
        call(Method::POST, "/api/v1/auth/passkeys/register/finish")
            .bearer(&access)
            .json(json!({ "challenge_id": started["challenge_id"], "credential": credential }))
            .send(&app)
            .await
            .expect_error(400, "passkey_registration_failed");
        let list = call(Method::GET, "/api/v1/auth/passkeys")
            .bearer(&access)
            .send(&app)
            .await;
        assert_eq!(list.expect(200), &json!([]));

        let (passkey, _) = register_passkey(&app, &access, "Telefon").await;
        for origin in [
            "https://evil.example",
            "http://localhost:3001",
            "https://localhost:3000",
        ] {
            let started = login_start(&app).await;
            let credential =
                passkey.assert_with(&started["options"], origin, 7, &passkey.user_handle);
            login_finish(&app, &started, credential)
                .await
                .expect_error(401, "passkey_login_failed");
        }
        // The right origin still works afterwards.
        let started = login_start(&app).await;
        let credential = passkey.assert_with(&started["options"], ORIGIN, 7, &passkey.user_handle);
        login_finish(&app, &started, credential).await.expect(200);
    }
);

backend_tests!(
    another_accounts_credential_is_refused,
    |test: TestDb| async move {
        let app = auth_app(test).await;
        let (alice_email, alice, _) = signed_in_parent(&app).await;
        let (_, bob, _) = signed_in_parent(&app).await;
        let (mut alice_key, _) = register_passkey(&app, &alice, "Alice").await;
        let (bob_key, bob_view) = register_passkey(&app, &bob, "Bob").await;
        assert_ne!(alice_key.user_handle, bob_key.user_handle);

        // Bob's credential claiming Alice's user handle.
        let started = login_start(&app).await;
        let forged = bob_key.assert_with(&started["options"], ORIGIN, 1, &alice_key.user_handle);
        login_finish(&app, &started, forged)
            .await
            .expect_error(401, "passkey_login_failed");
        // Alice's credential id with a signature by Bob's key.
        let started = login_start(&app).await;
        let mut impostor = bob_key.clone();
        impostor.credential_id = alice_key.credential_id.clone();
        impostor.user_handle = alice_key.user_handle.clone();
        let forged = impostor.assert_with(&started["options"], ORIGIN, 1, &alice_key.user_handle);
        login_finish(&app, &started, forged)
            .await
            .expect_error(401, "passkey_login_failed");
        // A credential nobody registered.
        let started = login_start(&app).await;
        let mut stranger = alice_key.clone();
        stranger.credential_id = vec![9; 32];
        let forged = stranger.assert_with(&started["options"], ORIGIN, 1, &alice_key.user_handle);
        login_finish(&app, &started, forged)
            .await
            .expect_error(401, "passkey_login_failed");
        let refused = login_actions(&app)
            .await
            .into_iter()
            .filter(|(action, details)| action == "login_failed" && details["method"] == "passkey")
            .count();
        assert_eq!(refused, 3);

        // Alice cannot see or delete Bob's passkey, and gets the same answer as for none.
        let bob_id = bob_view["id"].as_i64().unwrap();
        let listed = call(Method::GET, "/api/v1/auth/passkeys")
            .bearer(&alice)
            .send(&app)
            .await;
        assert_eq!(listed.expect(200).as_array().unwrap().len(), 1);
        call(Method::DELETE, &format!("/api/v1/auth/passkeys/{bob_id}"))
            .bearer(&alice)
            .send(&app)
            .await
            .expect_error(404, "passkey_not_found");
        call(Method::DELETE, "/api/v1/auth/passkeys/999999")
            .bearer(&alice)
            .send(&app)
            .await
            .expect_error(404, "passkey_not_found");
        call(Method::DELETE, "/api/v1/auth/passkeys/abc")
            .bearer(&alice)
            .send(&app)
            .await
            .expect_error(400, "invalid_passkey_id");
        // Nor finish a registration Bob started.
        let bobs = call(Method::POST, "/api/v1/auth/passkeys/register/start")
            .bearer(&bob)
            .send(&app)
            .await
            .expect(200)
            .clone();
        let (_, credential) = SoftPasskey::register(&bobs["options"], ORIGIN);
        call(Method::POST, "/api/v1/auth/passkeys/register/finish")
            .bearer(&alice)
            .json(json!({ "challenge_id": bobs["challenge_id"], "credential": credential }))
            .send(&app)
            .await
            .expect_error(400, "invalid_passkey_challenge");

        // Alice's own passkey still signs her in; deleting it ends that.
        let started = login_start(&app).await;
        let credential = alice_key.assert(&started["options"]);
        let body = login_finish(&app, &started, credential).await;
        assert_eq!(body.expect(200)["user"]["email"], alice_email.as_str());
        let alice_id = call(Method::GET, "/api/v1/auth/passkeys")
            .bearer(&alice)
            .send(&app)
            .await
            .body[0]["id"]
            .as_i64()
            .unwrap();
        call(Method::DELETE, &format!("/api/v1/auth/passkeys/{alice_id}"))
            .bearer(&alice)
            .send(&app)
            .await
            .expect(204);
        let started = login_start(&app).await;
        let credential = alice_key.assert(&started["options"]);
        login_finish(&app, &started, credential)
            .await
            .expect_error(401, "passkey_login_failed");
    }
);

backend_tests!(
    a_signature_counter_going_backwards_is_refused,
    |test: TestDb| async move {
        let app = auth_app(test).await;
        let (_, access, _) = signed_in_parent(&app).await;
        let (passkey, view) = register_passkey(&app, &access, "Telefon").await;
        let handle = passkey.user_handle.clone();
        let sign_in = |counter: u32| {
            let app = &app;
            let passkey = passkey.clone();
            let handle = handle.clone();
            async move {
                let started = login_start(app).await;
                let credential = passkey.assert_with(&started["options"], ORIGIN, counter, &handle);
                login_finish(app, &started, credential).await
            }
        };
        sign_in(5).await.expect(200);
        // A clone of the authenticator replays an older counter, or the same one.
        sign_in(3)
            .await
            .expect_error(401, "passkey_counter_regressed");
        sign_in(5)
            .await
            .expect_error(401, "passkey_counter_regressed");
        // The genuine authenticator, moving forward, is still accepted.
        sign_in(6).await.expect(200);
        let stored = app
            .test
            .db
            .passkeys_of(storefront::db::accounts::UserId(
                call(Method::GET, "/api/v1/auth/me")
                    .bearer(&access)
                    .send(&app)
                    .await
                    .body["id"]
                    .as_i64()
                    .unwrap(),
            ))
            .await
            .unwrap();
        assert_eq!(stored[0].sign_count, 6);
        assert_eq!(stored[0].id, view["id"].as_i64().unwrap());
        let regressions = login_actions(&app)
            .await
            .into_iter()
            .filter(|(_, details)| details["reason"] == "passkey_counter_regressed")
            .count();
        assert_eq!(regressions, 2);
    }
);

backend_tests!(
    a_passkey_stands_in_for_the_totp_step_but_not_for_enrolment,
    |test: TestDb| async move {
        let app = auth_app(test).await;
        // An admin (TOTP on) registers a passkey from a TOTP-verified session.
        let (_, admin) = user_with_role(&app, Role::Admin).await;
        let (mut passkey, _) = register_passkey(&app, &admin, "YubiKey").await;
        let started = login_start(&app).await;
        let credential = passkey.assert(&started["options"]);
        let body = login_finish(&app, &started, credential).await;
        let body = body.expect(200).clone();
        assert_eq!(body["status"], "signed_in", "no totp_required step");
        assert_eq!(body["user"]["role"], "admin");
        call(Method::GET, "/api/v1/admin/notifications")
            .bearer(body["access_token"].as_str().unwrap())
            .send(&app)
            .await
            .expect(200);
        // A seller who has not turned TOTP on cannot register a passkey to dodge it.
        let seller = crate::auth::register(&app, "seller").await;
        let seller_access = login(&app, &seller).await["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        call(Method::POST, "/api/v1/auth/passkeys/register/start")
            .bearer(&seller_access)
            .send(&app)
            .await
            .expect_error(403, "totp_enrollment_required");
        // Children hold no credentials.
        let (_, child) = user_with_role(&app, Role::Child).await;
        call(Method::POST, "/api/v1/auth/passkeys/register/start")
            .bearer(&child)
            .send(&app)
            .await
            .expect_error(403, "forbidden");
    }
);

backend_tests!(
    malformed_passkey_input_is_a_clear_4xx,
    |test: TestDb| async move {
        let app = auth_app(test).await;
        let (_, access, _) = signed_in_parent(&app).await;
        let started = call(Method::POST, "/api/v1/auth/passkeys/register/start")
            .bearer(&access)
            .send(&app)
            .await
            .expect(200)
            .clone();
        let (_, credential) = SoftPasskey::register(&started["options"], ORIGIN);
        for name in ["", &"x".repeat(65)] {
            call(Method::POST, "/api/v1/auth/passkeys/register/finish")
                .bearer(&access)
                .json(json!({ "challenge_id": started["challenge_id"], "name": name, "credential": credential }))
                .send(&app)
                .await
                .expect_error(400, "invalid_passkey_name");
        }
        let mut broken = credential.clone();
        broken["response"]["attestationObject"] = json!(b64(b"not cbor"));
        call(Method::POST, "/api/v1/auth/passkeys/register/finish")
            .bearer(&access)
            .json(json!({ "challenge_id": started["challenge_id"], "credential": broken }))
            .send(&app)
            .await
            .expect_error(400, "passkey_registration_failed");
        for body in [
            json!({ "challenge_id": "x" }),
            json!({ "challenge_id": "x", "credential": { "id": 5 } }),
            json!({ "challenge_id": "x", "credential": credential, "extra": 1 }),
        ] {
            call(Method::POST, "/api/v1/auth/passkeys/register/finish")
                .bearer(&access)
                .json(body.clone())
                .send(&app)
                .await
                .expect_error(400, "invalid_json");
            call(Method::POST, "/api/v1/auth/passkeys/login/finish")
                .json(body)
                .send(&app)
                .await
                .expect_error(400, "invalid_json");
        }
        // An assertion without a user handle.
        let login = login_start(&app).await;
        let (passkey, _) = register_passkey(&app, &access, "Telefon").await;
        let mut credential =
            passkey.assert_with(&login["options"], ORIGIN, 1, &passkey.user_handle);
        credential["response"]["userHandle"] = Value::Null;
        login_finish(&app, &login, credential)
            .await
            .expect_error(401, "passkey_login_failed");
    }
);
