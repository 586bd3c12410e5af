//! TOTP (RFC 6238 over RFC 4226 HOTP): HMAC-SHA-1, 6 digits, 30-second steps, accepting the
//! previous and next step for clock drift. Replay protection (a step is accepted once) lives in
//! the store: the caller consumes the returned step. Also the recovery codes.

use hmac::{Hmac, Mac};
use sha1::Sha1;

/// Seconds per step.
pub const STEP_SECONDS: i64 = 30;
/// Digits of a code.
pub const DIGITS: u32 = 6;
/// Bytes of a secret (160 bits, as RFC 4226 recommends).
pub const SECRET_BYTES: usize = 20;
/// Recovery codes handed out at enrolment.
pub const RECOVERY_CODES: usize = 10;

const BASE32_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Returns the HOTP value of `counter` with `digits` digits (RFC 4226 §5.3).
pub fn hotp(secret: &[u8], counter: u64, digits: u32) -> u32 {
    let mut mac = match Hmac::<Sha1>::new_from_slice(secret) {
        Ok(mac) => mac,
        Err(_) => unreachable!("hmac takes keys of any length"),
    };
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let binary = (u32::from(digest[offset]) & 0x7f) << 24
        | u32::from(digest[offset + 1]) << 16
        | u32::from(digest[offset + 2]) << 8
        | u32::from(digest[offset + 3]);
    binary % 10u32.pow(digits)
}

/// Returns the step that contains Unix time `unix_seconds`.
pub fn step_at(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP_SECONDS)
}

/// Returns the 6-digit code of `step`, zero-padded.
pub fn code_for_step(secret: &[u8], step: i64) -> String {
    let value = hotp(secret, u64::try_from(step).unwrap_or(0), DIGITS);
    format!("{value:06}")
}

/// Returns the 6-digit code at Unix time `unix_seconds`.
pub fn code_at(secret: &[u8], unix_seconds: i64) -> String {
    code_for_step(secret, step_at(unix_seconds))
}

/// Checks `code` at `unix_seconds` against the previous, current and next step, skipping steps
/// at or before `last_used_step`. Returns the matching step, which the caller must consume.
/// Every candidate is compared, in constant time, whatever matches first.
pub fn verify(
    secret: &[u8],
    code: &str,
    unix_seconds: i64,
    last_used_step: Option<i64>,
) -> Option<i64> {
    let code = code.trim();
    if code.len() != DIGITS as usize || !code.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let now = step_at(unix_seconds);
    let mut matched = None;
    for step in [now - 1, now, now + 1] {
        let expected = code_for_step(secret, step);
        let equal = super::token::constant_time_eq(&expected, code);
        let fresh = last_used_step.is_none_or(|last| step > last);
        if equal && fresh && matched.is_none() {
            matched = Some(step);
        }
    }
    matched
}

/// Returns a new random secret.
pub fn new_secret() -> Result<[u8; SECRET_BYTES], getrandom::Error> {
    super::token::random_bytes::<SECRET_BYTES>()
}

/// Encodes bytes as unpadded RFC 4648 base32 (what authenticator apps expect).
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(
                BASE32_ALPHABET[((buffer >> bits) & 31) as usize],
            ));
        }
        buffer &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(char::from(
            BASE32_ALPHABET[((buffer << (5 - bits)) & 31) as usize],
        ));
    }
    out
}

/// Decodes unpadded base32 (case-insensitive); `None` on any other character.
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for byte in text.trim_end_matches('=').bytes() {
        let value = BASE32_ALPHABET
            .iter()
            .position(|&symbol| symbol == byte.to_ascii_uppercase())?;
        buffer = (buffer << 5) | value as u32;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(((buffer >> bits) & 0xff) as u8);
        }
        buffer &= (1 << bits) - 1;
    }
    Some(out)
}

/// Returns the `otpauth://` URI an authenticator app scans: issuer bolajon, account `label`.
pub fn otpauth_uri(secret_base32: &str, label: &str) -> String {
    use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
    let account = utf8_percent_encode(label, NON_ALPHANUMERIC);
    format!(
        "otpauth://totp/bolajon:{account}?secret={secret_base32}&issuer=bolajon&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}"
    )
}

/// Returns new recovery codes: 80 random bits each, as `xxxx-xxxx-xxxx-xxxx` lowercase base32.
pub fn new_recovery_codes() -> Result<Vec<String>, getrandom::Error> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let raw = base32_encode(&super::token::random_bytes::<10>()?).to_ascii_lowercase();
            Ok(format!(
                "{}-{}-{}-{}",
                &raw[0..4],
                &raw[4..8],
                &raw[8..12],
                &raw[12..16]
            ))
        })
        .collect()
}

/// Returns the stored form of a recovery code as typed: separators and case ignored, hashed.
/// `None` when it cannot be a recovery code.
pub fn recovery_code_hash(typed: &str) -> Option<String> {
    let normalised: String = typed
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .collect::<String>()
        .to_ascii_lowercase();
    let valid = normalised.len() == 16
        && normalised
            .bytes()
            .all(|byte| byte.is_ascii_lowercase() || (b'2'..=b'7').contains(&byte));
    valid.then(|| super::token::sha256_hex(&normalised))
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC_SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn hotp_matches_rfc_4226_appendix_d() {
        let expected = [
            755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489,
        ];
        for (counter, value) in expected.into_iter().enumerate() {
            assert_eq!(
                hotp(RFC_SECRET, counter as u64, 6),
                value,
                "counter {counter}"
            );
        }
    }

    #[test]
    fn totp_matches_rfc_6238_appendix_b_sha1() {
        let vectors = [
            (59, 94287082),
            (1111111109, 7081804),
            (1111111111, 14050471),
            (1234567890, 89005924),
            (2000000000, 69279037),
            (20000000000, 65353130),
        ];
        for (time, value) in vectors {
            assert_eq!(
                hotp(RFC_SECRET, step_at(time) as u64, 8),
                value,
                "time {time}"
            );
            // The 6-digit code is the low six digits of the same truncation.
            assert_eq!(
                code_at(RFC_SECRET, time),
                format!("{:06}", value % 1_000_000)
            );
        }
    }

    #[test]
    fn verify_accepts_one_step_of_drift_and_never_a_used_step() {
        let now = 1_111_111_111;
        let step = step_at(now);
        for offset in [-1, 0, 1] {
            let code = code_for_step(RFC_SECRET, step + offset);
            assert_eq!(verify(RFC_SECRET, &code, now, None), Some(step + offset));
        }
        for offset in [-2, 2] {
            let code = code_for_step(RFC_SECRET, step + offset);
            assert_eq!(verify(RFC_SECRET, &code, now, None), None);
        }
        let code = code_for_step(RFC_SECRET, step);
        assert_eq!(verify(RFC_SECRET, &code, now, Some(step)), None, "replay");
        assert_eq!(verify(RFC_SECRET, &code, now, Some(step - 1)), Some(step));
        for bad in ["", "12345", "1234567", "abcdef", "12 456"] {
            assert_eq!(verify(RFC_SECRET, bad, now, None), None, "{bad:?}");
        }
    }

    #[test]
    fn base32_round_trips_and_matches_rfc_4648() {
        assert_eq!(base32_encode(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32_encode(b"f"), "MY");
        assert_eq!(base32_decode("mzxw6ytboi").unwrap(), b"foobar");
        assert_eq!(base32_decode("MZXW6YTBOI======").unwrap(), b"foobar");
        assert!(base32_decode("MZ1").is_none());
        let secret = new_secret().unwrap();
        assert_eq!(base32_decode(&base32_encode(&secret)).unwrap(), secret);
        assert_eq!(base32_encode(&secret).len(), 32);
    }

    #[test]
    fn recovery_codes_are_distinct_and_hash_however_typed() {
        let codes = new_recovery_codes().unwrap();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let unique: std::collections::BTreeSet<_> = codes.iter().collect();
        assert_eq!(unique.len(), RECOVERY_CODES);
        let code = &codes[0];
        assert_eq!(code.len(), 19);
        let hash = recovery_code_hash(code).unwrap();
        assert_eq!(
            recovery_code_hash(&code.to_uppercase().replace('-', " ")),
            Some(hash)
        );
        assert!(recovery_code_hash("not-a-code").is_none());
    }

    #[test]
    fn the_uri_names_issuer_and_parameters() {
        let uri = otpauth_uri("ABC", "ona@example.uz");
        assert!(
            uri.starts_with("otpauth://totp/bolajon:ona%40example%2Euz?secret=ABC&issuer=bolajon")
        );
        assert!(uri.contains("digits=6") && uri.contains("period=30"));
    }
}
