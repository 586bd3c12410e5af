//! Web push for the PWA: VAPID (RFC 8292, an ES256 JWT per push service), payload encryption
//! with RFC 8291 (`aes128gcm`, RFC 8188), the subscription store, and removal of subscriptions
//! the push service reports gone (404/410).

use super::templates::Rendered;
use super::worker::DeliveryError;
use super::{Error, Result, now_ms};
use crate::db::{Db, dispatch};
use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes128Gcm, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hkdf::Hkdf;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{Request, StatusCode};
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::{PublicKey, SecretKey};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::time::Duration;
use utoipa::ToSchema;

/// Record size announced in the `aes128gcm` header (one record carries the whole payload).
const RECORD_SIZE: u32 = 4096;
/// Largest plaintext a push may carry (one record: 4096 − 16 tag − 1 delimiter).
pub const MAX_PAYLOAD: usize = 3993;

/// The application server's VAPID key pair.
#[derive(Clone)]
pub struct VapidKey {
    signing: SigningKey,
    subject: String,
}

impl std::fmt::Debug for VapidKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VapidKey")
            .field("public_key", &self.public_key_base64())
            .field("subject", &self.subject)
            .finish()
    }
}

fn random_secret_key() -> anyhow::Result<SecretKey> {
    loop {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|error| anyhow::anyhow!("os randomness: {error}"))?;
        if let Ok(key) = SecretKey::from_slice(&bytes) {
            return Ok(key);
        }
    }
}

impl VapidKey {
    /// Reads the private key (base64url of the 32-byte scalar, `BOLAJON_VAPID_PRIVATE_KEY`).
    /// `subject` is a `mailto:` or `https:` contact for the push services.
    pub fn from_base64(private_key: &str, subject: &str) -> anyhow::Result<Self> {
        let bytes = URL_SAFE_NO_PAD
            .decode(private_key.trim().trim_end_matches('='))
            .map_err(|error| {
                anyhow::anyhow!("BOLAJON_VAPID_PRIVATE_KEY is not base64url: {error}")
            })?;
        let secret = SecretKey::from_slice(&bytes)
            .map_err(|_| anyhow::anyhow!("BOLAJON_VAPID_PRIVATE_KEY is not a P-256 private key"))?;
        Self::from_secret(secret, subject)
    }

    /// Makes a fresh key pair (tests; production keeps one key, browsers bind subscriptions
    /// to it).
    pub fn generate(subject: &str) -> anyhow::Result<Self> {
        Self::from_secret(random_secret_key()?, subject)
    }

    fn from_secret(secret: SecretKey, subject: &str) -> anyhow::Result<Self> {
        if !(subject.starts_with("mailto:") || subject.starts_with("https://")) {
            anyhow::bail!("the VAPID subject is a mailto: or https: URL");
        }
        Ok(Self {
            signing: SigningKey::from(secret),
            subject: subject.to_owned(),
        })
    }

    /// Returns the private key as base64url (for `BOLAJON_VAPID_PRIVATE_KEY`).
    pub fn private_key_base64(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.signing.to_bytes())
    }

    /// Returns the public key (65-byte uncompressed point, base64url): the PWA's
    /// `applicationServerKey`.
    pub fn public_key_base64(&self) -> String {
        URL_SAFE_NO_PAD.encode(
            self.signing
                .verifying_key()
                .to_encoded_point(false)
                .as_bytes(),
        )
    }

    /// Returns the `Authorization` header value for a push to `endpoint`:
    /// `vapid t=<ES256 JWT>, k=<public key>`.
    pub fn authorization(&self, endpoint: &str, now_seconds: i64) -> Result<String, DeliveryError> {
        let audience = origin(endpoint)
            .ok_or_else(|| DeliveryError::Permanent(format!("bad push endpoint {endpoint}")))?;
        let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"ES256"}"#);
        let claims = serde_json::json!({
            "aud": audience,
            "exp": now_seconds + 12 * 3600,
            "sub": self.subject,
        });
        let claims = URL_SAFE_NO_PAD.encode(claims.to_string());
        let signing_input = format!("{header}.{claims}");
        let signature: Signature = self.signing.sign(signing_input.as_bytes());
        let signature = URL_SAFE_NO_PAD.encode(signature.to_bytes());
        Ok(format!(
            "vapid t={signing_input}.{signature}, k={}",
            self.public_key_base64()
        ))
    }
}

/// Returns `scheme://host[:port]` of an https URL.
fn origin(endpoint: &str) -> Option<String> {
    let (scheme, rest) = endpoint.split_once("://")?;
    if !(scheme == "https" || scheme == "http") {
        return None;
    }
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then(|| format!("{scheme}://{host}"))
}

/// Encrypts `plaintext` for a subscription (RFC 8291): `ua_public` is the browser's P-256 key
/// (65 bytes), `auth_secret` its 16-byte secret. Returns the `aes128gcm` body: salt, record
/// size, the server's ephemeral public key, then the one encrypted record.
pub fn encrypt(
    ua_public: &[u8],
    auth_secret: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, DeliveryError> {
    if plaintext.len() > MAX_PAYLOAD {
        return Err(DeliveryError::Permanent(
            "push payload too large".to_owned(),
        ));
    }
    let ua_key = PublicKey::from_sec1_bytes(ua_public).map_err(|_| {
        DeliveryError::Permanent("subscription key is not a P-256 point".to_owned())
    })?;
    let ephemeral =
        random_secret_key().map_err(|error| DeliveryError::Transient(error.to_string()))?;
    let as_public = ephemeral.public_key().to_encoded_point(false);
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|error| DeliveryError::Transient(error.to_string()))?;
    encrypt_with(
        ua_key,
        ua_public,
        auth_secret,
        plaintext,
        &ephemeral,
        as_public.as_bytes(),
        &salt,
    )
}

fn encrypt_with(
    ua_key: PublicKey,
    ua_public: &[u8],
    auth_secret: &[u8],
    plaintext: &[u8],
    ephemeral: &SecretKey,
    as_public: &[u8],
    salt: &[u8; 16],
) -> Result<Vec<u8>, DeliveryError> {
    let shared = p256::ecdh::diffie_hellman(ephemeral.to_nonzero_scalar(), ua_key.as_affine());
    let failed = |what: &str| DeliveryError::Permanent(format!("push encryption: {what}"));
    // IKM = HKDF(auth_secret, ecdh_secret, "WebPush: info" || 0 || ua_public || as_public, 32)
    let mut ikm = [0u8; 32];
    Hkdf::<Sha256>::new(Some(auth_secret), shared.raw_secret_bytes())
        .expand_multi_info(&[&b"WebPush: info\0"[..], ua_public, as_public], &mut ikm)
        .map_err(|_| failed("key info"))?;
    let content = Hkdf::<Sha256>::new(Some(salt), &ikm);
    let mut cek = [0u8; 16];
    content
        .expand(b"Content-Encoding: aes128gcm\0", &mut cek)
        .map_err(|_| failed("cek"))?;
    let mut nonce = [0u8; 12];
    content
        .expand(b"Content-Encoding: nonce\0", &mut nonce)
        .map_err(|_| failed("nonce"))?;
    let mut record = Vec::with_capacity(plaintext.len() + 1);
    record.extend_from_slice(plaintext);
    record.push(2); // the last (only) record's delimiter
    let cipher = Aes128Gcm::new_from_slice(&cek).map_err(|_| failed("key"))?;
    let sealed = cipher
        .encrypt(Nonce::from_slice(&nonce), record.as_slice())
        .map_err(|_| failed("seal"))?;
    let mut body = Vec::with_capacity(16 + 4 + 1 + as_public.len() + sealed.len());
    body.extend_from_slice(salt);
    body.extend_from_slice(&RECORD_SIZE.to_be_bytes());
    body.push(u8::try_from(as_public.len()).map_err(|_| failed("key id"))?);
    body.extend_from_slice(as_public);
    body.extend_from_slice(&sealed);
    Ok(body)
}

/// A browser's subscription.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize, ToSchema)]
pub struct Subscription {
    /// Id.
    pub id: i64,
    /// Owner.
    #[serde(skip)]
    pub user_id: i64,
    /// The push service URL.
    pub endpoint: String,
    /// The browser's P-256 key (base64url).
    #[serde(skip)]
    pub p256dh: String,
    /// The browser's auth secret (base64url).
    #[serde(skip)]
    pub auth: String,
    /// Created (ms).
    pub created_at: i64,
    /// Last successful push (ms).
    pub last_success_at: Option<i64>,
}

/// A subscription as the browser's `PushSubscription.toJSON()` gives it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewSubscription {
    /// The push service URL (https).
    pub endpoint: String,
    /// The keys.
    pub keys: SubscriptionKeys,
}

/// The keys of a subscription.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct SubscriptionKeys {
    /// The browser's P-256 public key, base64url (65 bytes decoded).
    pub p256dh: String,
    /// The auth secret, base64url (16 bytes decoded).
    pub auth: String,
}

fn decode_b64(value: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD
        .decode(value.trim().trim_end_matches('='))
        .ok()
}

impl NewSubscription {
    /// Checks the endpoint (https, unless `allow_http` for tests) and the key sizes.
    pub fn validate(&self, allow_http: bool) -> Result<()> {
        let https = self.endpoint.starts_with("https://");
        let http = allow_http && self.endpoint.starts_with("http://");
        if !(https || http) || self.endpoint.len() > 1024 || origin(&self.endpoint).is_none() {
            return Err(Error::InvalidRecipient(
                "the endpoint is an https URL of at most 1024 characters".to_owned(),
            ));
        }
        let key = decode_b64(&self.keys.p256dh)
            .filter(|key| key.len() == 65 && PublicKey::from_sec1_bytes(key).is_ok());
        if key.is_none() {
            return Err(Error::InvalidRecipient(
                "keys.p256dh is a base64url P-256 public key".to_owned(),
            ));
        }
        if decode_b64(&self.keys.auth).is_none_or(|auth| auth.len() != 16) {
            return Err(Error::InvalidRecipient(
                "keys.auth is 16 bytes in base64url".to_owned(),
            ));
        }
        Ok(())
    }
}

/// Saves a subscription for `user_id` (an endpoint moves to the user who last subscribed it).
pub async fn save_subscription(
    db: &Db,
    user_id: i64,
    new: &NewSubscription,
) -> Result<Subscription> {
    let now = now_ms();
    Ok(dispatch!(db, |pool, _d| {
        sqlx::query_as(
            "INSERT INTO push_subscriptions (user_id, endpoint, p256dh, auth, created_at) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id, \
             p256dh = excluded.p256dh, auth = excluded.auth, created_at = excluded.created_at, \
             last_success_at = NULL \
             RETURNING id, user_id, endpoint, p256dh, auth, created_at, last_success_at",
        )
        .bind(user_id)
        .bind(&new.endpoint)
        .bind(new.keys.p256dh.trim().trim_end_matches('='))
        .bind(new.keys.auth.trim().trim_end_matches('='))
        .bind(now)
        .fetch_one(pool)
        .await?
    }))
}

/// Returns the subscriptions of a user.
pub async fn subscriptions_of(db: &Db, user_id: i64) -> Result<Vec<Subscription>> {
    Ok(dispatch!(db, |pool, _d| {
        sqlx::query_as(
            "SELECT id, user_id, endpoint, p256dh, auth, created_at, last_success_at \
             FROM push_subscriptions WHERE user_id = $1 ORDER BY id",
        )
        .bind(user_id)
        .fetch_all(pool)
        .await?
    }))
}

/// Deletes a subscription of `user_id`. Returns whether one was deleted (another user's
/// subscription is left alone and answers `false`, like a missing one).
pub async fn delete_subscription(db: &Db, user_id: i64, id: i64) -> Result<bool> {
    let deleted = dispatch!(db, |pool, _d| {
        sqlx::query("DELETE FROM push_subscriptions WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user_id)
            .execute(pool)
            .await?
            .rows_affected()
    });
    Ok(deleted == 1)
}

async fn forget_subscription(db: &Db, id: i64) -> Result<()> {
    dispatch!(db, |pool, _d| {
        sqlx::query("DELETE FROM push_subscriptions WHERE id = $1")
            .bind(id)
            .execute(pool)
            .await?;
    });
    Ok(())
}

async fn mark_success(db: &Db, id: i64) -> Result<()> {
    dispatch!(db, |pool, _d| {
        sqlx::query("UPDATE push_subscriptions SET last_success_at = $2 WHERE id = $1")
            .bind(id)
            .bind(now_ms())
            .execute(pool)
            .await?;
    });
    Ok(())
}

/// Sends pushes to a user's subscriptions.
pub struct PushSender {
    vapid: VapidKey,
    client: super::sms::HttpClient,
    timeout: Duration,
}

impl std::fmt::Debug for PushSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PushSender")
            .field("vapid", &self.vapid)
            .finish()
    }
}

/// What a push round did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PushOutcome {
    /// Subscriptions the push service accepted.
    pub delivered: usize,
    /// Subscriptions removed because the service said they are gone (404/410).
    pub removed: usize,
}

impl PushSender {
    /// Builds a sender.
    pub fn new(vapid: VapidKey, client: super::sms::HttpClient) -> Self {
        Self {
            vapid,
            client,
            timeout: Duration::from_secs(15),
        }
    }

    /// Returns the VAPID key.
    pub fn vapid(&self) -> &VapidKey {
        &self.vapid
    }

    async fn push_one(
        &self,
        subscription: &Subscription,
        body: Vec<u8>,
        urgency: &str,
        topic: Option<&str>,
    ) -> Result<StatusCode, DeliveryError> {
        let authorization = self
            .vapid
            .authorization(&subscription.endpoint, now_ms() / 1000)?;
        let mut request = Request::post(&subscription.endpoint)
            .header("authorization", authorization)
            .header("content-encoding", "aes128gcm")
            .header("content-type", "application/octet-stream")
            .header("ttl", "86400")
            .header("urgency", urgency);
        if let Some(topic) = topic {
            request = request.header("topic", topic);
        }
        let request = request
            .body(Full::new(Bytes::from(body)))
            .map_err(|error| DeliveryError::Permanent(format!("push request: {error}")))?;
        let response = tokio::time::timeout(self.timeout, self.client.request(request))
            .await
            .map_err(|_| DeliveryError::Transient("push service timed out".to_owned()))?
            .map_err(|error| DeliveryError::Transient(format!("push service: {error}")))?;
        let status = response.status();
        let _ = tokio::time::timeout(self.timeout, response.into_body().collect()).await;
        Ok(status)
    }

    /// Pushes `rendered` to every subscription of `user_id`. Gone subscriptions are removed;
    /// the job fails (transiently) when a live one could not be reached, and permanently when
    /// the user has no subscription left.
    pub async fn send(
        &self,
        db: &Db,
        user_id: i64,
        rendered: &Rendered,
        urgency: &str,
        tag: &str,
    ) -> Result<PushOutcome, DeliveryError> {
        let subscriptions = subscriptions_of(db, user_id)
            .await
            .map_err(|error| DeliveryError::Transient(error.to_string()))?;
        let message = serde_json::json!({
            "title": rendered.subject,
            "body": rendered.summary,
            "url": rendered.url,
            "tag": tag,
        })
        .to_string();
        let mut outcome = PushOutcome::default();
        let mut transient = None;
        for subscription in &subscriptions {
            let (Some(key), Some(auth)) = (
                decode_b64(&subscription.p256dh),
                decode_b64(&subscription.auth),
            ) else {
                let _ = forget_subscription(db, subscription.id).await;
                outcome.removed += 1;
                continue;
            };
            let body = encrypt(&key, &auth, message.as_bytes())?;
            match self.push_one(subscription, body, urgency, None).await {
                Ok(status) if status.is_success() => {
                    outcome.delivered += 1;
                    let _ = mark_success(db, subscription.id).await;
                }
                Ok(StatusCode::NOT_FOUND | StatusCode::GONE) => {
                    tracing::info!(
                        subscription = subscription.id,
                        "push subscription {} is gone: removed",
                        subscription.id
                    );
                    forget_subscription(db, subscription.id)
                        .await
                        .map_err(|error| DeliveryError::Transient(error.to_string()))?;
                    outcome.removed += 1;
                }
                Ok(status)
                    if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() =>
                {
                    transient = Some(format!("push service answered {status}"));
                }
                Ok(status) => {
                    tracing::warn!(subscription = subscription.id, %status, "push refused for subscription {}: {status}", subscription.id);
                }
                Err(DeliveryError::Transient(error)) => transient = Some(error),
                Err(error @ DeliveryError::Permanent(_)) => {
                    tracing::warn!(subscription = subscription.id, %error, "push to subscription {} failed: {error}", subscription.id);
                }
            }
        }
        if let Some(error) = transient {
            return Err(DeliveryError::Transient(error));
        }
        if outcome.delivered == 0 {
            return Err(DeliveryError::Permanent(format!(
                "no live push subscription ({} removed)",
                outcome.removed
            )));
        }
        Ok(outcome)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vapid_header_is_a_verifiable_es256_jwt() {
        use p256::ecdsa::VerifyingKey;
        use p256::ecdsa::signature::Verifier;
        let key = VapidKey::generate("mailto:ops@bolajon.uz").unwrap();
        let again =
            VapidKey::from_base64(&key.private_key_base64(), "mailto:ops@bolajon.uz").unwrap();
        assert_eq!(again.public_key_base64(), key.public_key_base64());
        let header = key
            .authorization("https://fcm.googleapis.com/fcm/send/abc", 1_000)
            .unwrap();
        let (token, public) = header
            .strip_prefix("vapid t=")
            .unwrap()
            .split_once(", k=")
            .unwrap();
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3);
        let claims: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
        assert_eq!(claims["aud"], "https://fcm.googleapis.com");
        assert_eq!(claims["exp"], 1_000 + 12 * 3600);
        let verifying =
            VerifyingKey::from_sec1_bytes(&URL_SAFE_NO_PAD.decode(public).unwrap()).unwrap();
        let signature = Signature::from_slice(&URL_SAFE_NO_PAD.decode(parts[2]).unwrap()).unwrap();
        verifying
            .verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &signature)
            .unwrap();
        assert!(VapidKey::generate("ops@bolajon.uz").is_err());
    }

    /// RFC 8291 section 5: the worked example, byte for byte.
    #[test]
    fn encryption_matches_the_rfc_8291_example() {
        let b64 = |s: &str| URL_SAFE_NO_PAD.decode(s).unwrap();
        let plaintext = b"When I grow up, I want to be a watermelon";
        let as_private = b64("yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw");
        let as_public = b64(
            "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8",
        );
        let ua_public = b64(
            "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
        );
        let auth = b64("BTBZMqHH6r4Tts7J_aSIgg");
        let salt: [u8; 16] = b64("DGv6ra1nlYgDCS1FRnbzlw").try_into().unwrap();
        let expected = b64(
            "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN",
        );
        let ephemeral = SecretKey::from_slice(&as_private).unwrap();
        assert_eq!(
            ephemeral.public_key().to_encoded_point(false).as_bytes(),
            as_public.as_slice()
        );
        let ua_key = PublicKey::from_sec1_bytes(&ua_public).unwrap();
        let body = encrypt_with(
            ua_key, &ua_public, &auth, plaintext, &ephemeral, &as_public, &salt,
        )
        .unwrap();
        assert_eq!(body, expected);
    }

    #[test]
    fn subscriptions_are_validated() {
        let ua = URL_SAFE_NO_PAD.encode(
            random_secret_key()
                .unwrap()
                .public_key()
                .to_encoded_point(false)
                .as_bytes(),
        );
        let good = NewSubscription {
            endpoint: "https://updates.push.services.mozilla.com/wpush/v2/abc".to_owned(),
            keys: SubscriptionKeys {
                p256dh: ua.clone(),
                auth: URL_SAFE_NO_PAD.encode([7u8; 16]),
            },
        };
        assert!(good.validate(false).is_ok());
        let mut bad = good.clone();
        bad.endpoint = "http://insecure.example/push".to_owned();
        assert!(bad.validate(false).is_err());
        assert!(bad.validate(true).is_ok());
        let mut bad = good.clone();
        bad.keys.auth = URL_SAFE_NO_PAD.encode([7u8; 8]);
        assert!(bad.validate(false).is_err());
        let mut bad = good;
        bad.keys.p256dh = URL_SAFE_NO_PAD.encode([4u8; 65]);
        assert!(bad.validate(false).is_err());
    }
}
