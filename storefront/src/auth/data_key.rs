//! Encryption of secrets at rest (TOTP secrets): AES-256-GCM under the data key.
//!
//! The key comes from `BOLAJON_DATA_KEY` (32 bytes, base64 or hex). Without it the key is
//! derived (HKDF-SHA-256) from `BOLAJON_JWT_SECRET`, so a deployment that sets only the token
//! secret still never stores a TOTP secret in clear. A sealed value is
//! `v1:<base64(nonce ‖ ciphertext ‖ tag)>`, bound to its owner by the associated data, so a
//! value copied onto another account does not open.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// Prefix of a sealed value (the format version).
pub const SEALED_PREFIX: &str = "v1:";
const NONCE_BYTES: usize = 12;

/// Why a value could not be sealed or opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DataKeyError {
    /// The configured key is not 32 bytes of base64 or hex.
    #[error("BOLAJON_DATA_KEY must be 32 bytes in base64 or hex")]
    BadKey,
    /// The value is not sealed (plaintext from before encryption at rest).
    #[error("the value is not sealed")]
    NotSealed,
    /// The value does not open under this key and owner (tampered, or another key).
    #[error("the sealed value does not open under the data key")]
    DoesNotOpen,
    /// The OS random generator failed.
    #[error("no randomness for a nonce")]
    Random,
}

/// The AES-256-GCM data key.
#[derive(Clone)]
pub struct DataKey {
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(<redacted>)")
    }
}

impl DataKey {
    /// Parses `BOLAJON_DATA_KEY`: 32 bytes as base64 (standard alphabet) or 64 hex digits.
    pub fn parse(text: &str) -> Result<Self, DataKeyError> {
        let text = text.trim();
        let bytes = if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            (0..32)
                .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16))
                .collect::<Result<Vec<u8>, _>>()
                .map_err(|_| DataKeyError::BadKey)?
        } else {
            STANDARD.decode(text).map_err(|_| DataKeyError::BadKey)?
        };
        Self::from_bytes(&bytes)
    }

    /// Builds the key from 32 raw bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DataKeyError> {
        let cipher = Aes256Gcm::new_from_slice(bytes).map_err(|_| DataKeyError::BadKey)?;
        if bytes.len() != 32 {
            return Err(DataKeyError::BadKey);
        }
        Ok(Self { cipher })
    }

    /// Derives the key from another secret (the token secret) with HKDF-SHA-256 under its
    /// own label, so the two keys are independent.
    pub fn derive_from(secret: &[u8]) -> Self {
        let hkdf = hkdf::Hkdf::<sha2::Sha256>::new(Some(b"bolajon data key"), secret);
        let mut key = [0u8; 32];
        // 32 bytes is far below HKDF-SHA-256's limit of 255 × 32.
        let _ = hkdf.expand(b"totp secrets v1", &mut key);
        let cipher = Aes256Gcm::new(&key.into());
        Self { cipher }
    }

    /// Seals `plaintext` for the owner named by `aad` (e.g. `totp:user:7`).
    pub fn seal(&self, plaintext: &str, aad: &str) -> Result<String, DataKeyError> {
        let nonce: [u8; NONCE_BYTES] =
            crate::auth::token::random_bytes().map_err(|_| DataKeyError::Random)?;
        let ciphertext = self
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plaintext.as_bytes(),
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| DataKeyError::DoesNotOpen)?;
        let mut sealed = Vec::with_capacity(NONCE_BYTES + ciphertext.len());
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&ciphertext);
        Ok(format!("{SEALED_PREFIX}{}", STANDARD.encode(sealed)))
    }

    /// Opens a value sealed by [`seal`](Self::seal) with the same `aad`.
    pub fn open(&self, stored: &str, aad: &str) -> Result<String, DataKeyError> {
        let body = stored
            .strip_prefix(SEALED_PREFIX)
            .ok_or(DataKeyError::NotSealed)?;
        let bytes = STANDARD
            .decode(body)
            .map_err(|_| DataKeyError::DoesNotOpen)?;
        if bytes.len() <= NONCE_BYTES {
            return Err(DataKeyError::DoesNotOpen);
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_BYTES);
        let plaintext = self
            .cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| DataKeyError::DoesNotOpen)?;
        String::from_utf8(plaintext).map_err(|_| DataKeyError::DoesNotOpen)
    }

    /// Returns whether `stored` is sealed (not legacy plaintext).
    pub fn is_sealed(stored: &str) -> bool {
        stored.starts_with(SEALED_PREFIX)
    }
}

/// The associated data binding a TOTP secret to its user.
pub fn totp_aad(user_id: i64) -> String {
    format!("totp:user:{user_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_for_their_owner_and_key() {
        let key = DataKey::derive_from(b"a token secret of at least 32 bytes!");
        let sealed = key.seal("JBSWY3DPEHPK3PXP", &totp_aad(7)).unwrap();
        assert!(DataKey::is_sealed(&sealed));
        assert!(!sealed.contains("JBSWY3DPEHPK3PXP"));
        assert_eq!(key.open(&sealed, &totp_aad(7)).unwrap(), "JBSWY3DPEHPK3PXP");
        assert_eq!(
            key.open(&sealed, &totp_aad(8)),
            Err(DataKeyError::DoesNotOpen)
        );
        let other = DataKey::derive_from(b"another token secret of 32 bytes!!");
        assert_eq!(
            other.open(&sealed, &totp_aad(7)),
            Err(DataKeyError::DoesNotOpen)
        );
        assert_eq!(
            key.open("JBSWY3DPEHPK3PXP", &totp_aad(7)),
            Err(DataKeyError::NotSealed)
        );
        // Two seals of one value differ (fresh nonces).
        assert_ne!(sealed, key.seal("JBSWY3DPEHPK3PXP", &totp_aad(7)).unwrap());
    }

    #[test]
    fn keys_parse_from_base64_or_hex_of_32_bytes() {
        let hex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
        let from_hex = DataKey::parse(hex).unwrap();
        let b64 = STANDARD.encode([7u8; 32]);
        let from_b64 = DataKey::parse(&b64).unwrap();
        let sealed = from_hex.seal("x", "a").unwrap();
        assert!(from_b64.open(&sealed, "a").is_err());
        assert_eq!(from_hex.open(&sealed, "a").unwrap(), "x");
        assert!(DataKey::parse("too short").is_err());
        assert!(DataKey::parse(&STANDARD.encode([7u8; 16])).is_err());
    }
}
