//! Tokens: HS256 JWTs (access and 2FA-challenge tokens) over `hmac` + `sha2`, opaque random
//! refresh tokens stored as SHA-256, session ids, and the CSRF token bound to a session.
//!
//! The signing keys are derived from `BOLAJON_JWT_SECRET` with HMAC and a purpose label, so an
//! access token can never verify as a challenge token, and neither as a CSRF token.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// The issuer claim of every token.
pub const ISSUER: &str = "bolajon";

/// The longest token accepted (a guard before any work).
const MAX_TOKEN_LEN: usize = 4096;

/// A 256-bit key for one purpose.
#[derive(Clone)]
pub struct Key([u8; 32]);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(<redacted>)")
    }
}

/// The keys derived from the service secret.
#[derive(Debug, Clone)]
pub struct Keys {
    /// Signs access tokens.
    pub access: Key,
    /// Signs 2FA challenge tokens.
    pub challenge: Key,
    /// Derives CSRF tokens from session ids.
    pub csrf: Key,
    /// Hashes password-reset codes (a keyed hash: six digits alone would be guessed offline).
    pub reset: Key,
}

impl Keys {
    /// Derives the purpose keys from the service secret.
    pub fn derive(secret: &[u8]) -> Self {
        let derive = |label: &str| {
            let mut mac = mac_for(secret);
            mac.update(b"bolajon/v1/");
            mac.update(label.as_bytes());
            Key(mac.finalize().into_bytes().into())
        };
        Self {
            access: derive("access-token"),
            challenge: derive("totp-challenge"),
            csrf: derive("csrf"),
            reset: derive("password-reset"),
        }
    }
}

fn mac_for(key: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length, so this never fails.
    match HmacSha256::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => unreachable!("hmac takes keys of any length"),
    }
}

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    /// Not a well-formed, correctly signed token of the expected kind.
    Invalid,
    /// Correctly signed but past its expiry.
    Expired,
}

/// Claims every signed token carries.
pub trait TokenClaims {
    /// The expected `typ` claim.
    const KIND: &'static str;
    /// The `typ` claim present.
    fn kind(&self) -> &str;
    /// The issuer claim.
    fn issuer(&self) -> &str;
    /// Expiry, Unix seconds.
    fn expires_at(&self) -> i64;
    /// Issue time, Unix seconds.
    fn issued_at(&self) -> i64;
}

/// The claims of an access token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct AccessClaims {
    /// Issuer: `bolajon`.
    pub iss: String,
    /// The user id, as a string.
    pub sub: String,
    /// The role when issued (informational: requests use the stored role).
    pub role: String,
    /// The session (refresh-token family) id.
    pub sid: String,
    /// Issue time.
    pub iat: i64,
    /// Expiry.
    pub exp: i64,
    /// Unique token id.
    pub jti: String,
    /// Kind: `access`.
    pub typ: String,
}

impl TokenClaims for AccessClaims {
    const KIND: &'static str = "access";
    fn kind(&self) -> &str {
        &self.typ
    }
    fn issuer(&self) -> &str {
        &self.iss
    }
    fn expires_at(&self) -> i64 {
        self.exp
    }
    fn issued_at(&self) -> i64 {
        self.iat
    }
}

/// The claims of a 2FA challenge token: proof that the password was right, good only for
/// `POST /api/v1/auth/login/2fa`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ChallengeClaims {
    /// Issuer: `bolajon`.
    pub iss: String,
    /// The user id, as a string.
    pub sub: String,
    /// Issue time.
    pub iat: i64,
    /// Expiry.
    pub exp: i64,
    /// Unique token id.
    pub jti: String,
    /// Kind: `totp_challenge`.
    pub typ: String,
}

impl TokenClaims for ChallengeClaims {
    const KIND: &'static str = "totp_challenge";
    fn kind(&self) -> &str {
        &self.typ
    }
    fn issuer(&self) -> &str {
        &self.iss
    }
    fn expires_at(&self) -> i64 {
        self.exp
    }
    fn issued_at(&self) -> i64 {
        self.iat
    }
}

const HEADER_JSON: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

/// Signs `claims` as a compact HS256 JWT.
pub fn sign<C: Serialize>(key: &Key, claims: &C) -> Result<String, serde_json::Error> {
    let header = URL_SAFE_NO_PAD.encode(HEADER_JSON);
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims)?);
    let signing_input = format!("{header}.{payload}");
    let mut mac = mac_for(&key.0);
    mac.update(signing_input.as_bytes());
    let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    Ok(format!("{signing_input}.{signature}"))
}

/// Verifies a compact HS256 JWT of kind `C` at `now` (Unix seconds): the signature (constant
/// time) first, then the header (`alg` must be HS256), the kind, the issuer and the times.
pub fn verify<C: DeserializeOwned + TokenClaims>(
    key: &Key,
    token: &str,
    now: i64,
) -> Result<C, TokenError> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(TokenError::Invalid);
    }
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(TokenError::Invalid);
    };
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| TokenError::Invalid)?;
    let mut mac = mac_for(&key.0);
    mac.update(header.as_bytes());
    mac.update(b".");
    mac.update(payload.as_bytes());
    mac.verify_slice(&signature)
        .map_err(|_| TokenError::Invalid)?;
    let header: serde_json::Value = URL_SAFE_NO_PAD
        .decode(header)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or(TokenError::Invalid)?;
    if header.get("alg").and_then(serde_json::Value::as_str) != Some("HS256") {
        return Err(TokenError::Invalid);
    }
    let claims: C = URL_SAFE_NO_PAD
        .decode(payload)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or(TokenError::Invalid)?;
    if claims.kind() != C::KIND || claims.issuer() != ISSUER {
        return Err(TokenError::Invalid);
    }
    // A token from the future (clock skew beyond a minute) is refused.
    if claims.issued_at() > now + 60 {
        return Err(TokenError::Invalid);
    }
    if claims.expires_at() <= now {
        return Err(TokenError::Expired);
    }
    Ok(claims)
}

/// Fills `N` bytes from the operating system's generator.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], getrandom::Error> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes)?;
    Ok(bytes)
}

/// Returns a new opaque refresh token: 256 random bits, base64url.
pub fn new_refresh_token() -> Result<String, getrandom::Error> {
    Ok(URL_SAFE_NO_PAD.encode(random_bytes::<32>()?))
}

/// Returns a new session id (also a token id): 128 random bits, 32 hex digits.
pub fn new_id() -> Result<String, getrandom::Error> {
    Ok(hex(&random_bytes::<16>()?))
}

/// Returns the lowercase hex SHA-256 of `value`: how refresh tokens and recovery codes are
/// stored.
pub fn sha256_hex(value: &str) -> String {
    hex(&Sha256::digest(value.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut out, byte| {
            let _ = write!(out, "{byte:02x}");
            out
        })
}

/// Returns the CSRF token of a session: HMAC(csrf key, session id), base64url. The browser
/// holds it in a readable cookie and echoes it in `X-CSRF-Token`; being bound to the session,
/// a cookie planted by another site or subdomain does not verify.
pub fn csrf_token(keys: &Keys, session_id: &str) -> String {
    let mut mac = mac_for(&keys.csrf.0);
    mac.update(b"csrf:");
    mac.update(session_id.as_bytes());
    URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// Returns the stored form of a password-reset code: HMAC(reset key, "<user>:<code>"), hex.
pub fn reset_code_hash(keys: &Keys, user_id: i64, code: &str) -> String {
    let mut mac = mac_for(&keys.reset.0);
    mac.update(format!("{user_id}:{code}").as_bytes());
    hex(&mac.finalize().into_bytes())
}

/// Compares two strings in time independent of where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn access(exp: i64) -> AccessClaims {
        AccessClaims {
            iss: ISSUER.to_owned(),
            sub: "7".to_owned(),
            role: "parent".to_owned(),
            sid: "0123456789abcdef0123456789abcdef".to_owned(),
            iat: 1_000,
            exp,
            jti: "j".to_owned(),
            typ: "access".to_owned(),
        }
    }

    #[test]
    fn a_signed_token_verifies_until_it_expires() {
        let keys = Keys::derive(&[7u8; 32]);
        let token = sign(&keys.access, &access(1_900)).unwrap();
        let claims: AccessClaims = verify(&keys.access, &token, 1_100).unwrap();
        assert_eq!(claims, access(1_900));
        assert_eq!(
            verify::<AccessClaims>(&keys.access, &token, 1_900),
            Err(TokenError::Expired)
        );
    }

    #[test]
    fn tampered_foreign_and_alg_none_tokens_are_refused() {
        let keys = Keys::derive(&[7u8; 32]);
        let token = sign(&keys.access, &access(1_900)).unwrap();
        let (head, rest) = token.split_once('.').unwrap();
        let (payload, signature) = rest.split_once('.').unwrap();
        let mut forged = access(1_900);
        forged.role = "admin".to_owned();
        let forged_payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&forged).unwrap());
        for bad in [
            format!("{head}.{forged_payload}.{signature}"),
            format!("{head}.{payload}."),
            format!("{}.{payload}.", URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#)),
            format!("{head}.{payload}"),
            "garbage".to_owned(),
            String::new(),
        ] {
            assert_eq!(
                verify::<AccessClaims>(&keys.access, &bad, 1_100),
                Err(TokenError::Invalid),
                "{bad}"
            );
        }
        // Another secret, or another purpose's key, does not verify.
        let other = Keys::derive(&[8u8; 32]);
        assert!(verify::<AccessClaims>(&other.access, &token, 1_100).is_err());
        assert!(verify::<AccessClaims>(&keys.challenge, &token, 1_100).is_err());
        // An access token is not a challenge token even under the same key.
        assert!(verify::<ChallengeClaims>(&keys.access, &token, 1_100).is_err());
    }

    #[test]
    fn csrf_tokens_are_bound_to_the_session() {
        let keys = Keys::derive(&[7u8; 32]);
        let a = csrf_token(&keys, "a");
        assert_eq!(a, csrf_token(&keys, "a"));
        assert_ne!(a, csrf_token(&keys, "b"));
        assert!(constant_time_eq(&a, &csrf_token(&keys, "a")));
        assert!(!constant_time_eq(&a, "x"));
    }

    #[test]
    fn random_values_have_the_documented_shape() {
        let refresh = new_refresh_token().unwrap();
        assert_eq!(refresh.len(), 43);
        assert_ne!(refresh, new_refresh_token().unwrap());
        assert_eq!(new_id().unwrap().len(), 32);
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
