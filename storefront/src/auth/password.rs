//! Passwords (and parent PINs): argon2id at OWASP's parameters, the registration policy, and
//! the blocking work kept off the async runtime.
//!
//! Hashing runs on tokio's blocking pool behind a semaphore (one hash at a time per spare
//! core), so a burst of logins neither blocks the runtime nor starves search on the rayon
//! pool, and memory stays bounded (19 MiB per hash in flight).

use crate::ApiError;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// The fewest characters a password may have.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// The most characters a password may have (argon2 takes any length; this bounds the work).
pub const MAX_PASSWORD_CHARS: usize = 128;

const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

/// argon2id cost parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordParams {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
}

impl PasswordParams {
    /// OWASP's recommendation for argon2id: m = 19 MiB, t = 2, p = 1. The production default.
    pub const OWASP: Self = Self {
        memory_kib: 19 * 1024,
        iterations: 2,
        parallelism: 1,
    };

    /// Cheap parameters for tests only: hashes in well under a millisecond. The service never
    /// builds these from its configuration.
    pub const INSECURE_FOR_TESTS: Self = Self {
        memory_kib: 64,
        iterations: 1,
        parallelism: 1,
    };

    fn argon2(self) -> Result<Argon2<'static>, ApiError> {
        let params = Params::new(self.memory_kib, self.iterations, self.parallelism, None)
            .map_err(|error| ApiError::internal(format!("argon2 parameters: {error}")))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }
}

impl Default for PasswordParams {
    fn default() -> Self {
        Self::OWASP
    }
}

/// Hashes `secret` into a PHC string (blocking: call through [`super::AuthState::hash`]).
pub fn hash_blocking(params: PasswordParams, secret: &str) -> Result<String, ApiError> {
    let salt = super::token::random_bytes::<16>()
        .map_err(|error| ApiError::internal(format!("no randomness for a salt: {error}")))?;
    let salt = SaltString::encode_b64(&salt)
        .map_err(|error| ApiError::internal(format!("encoding a salt: {error}")))?;
    let hash = params
        .argon2()?
        .hash_password(secret.as_bytes(), &salt)
        .map_err(|error| ApiError::internal(format!("hashing a password: {error}")))?;
    Ok(hash.to_string())
}

/// Checks `secret` against a PHC string in constant time, with the parameters stored in the
/// hash (blocking). A malformed hash never verifies.
pub fn verify_blocking(phc: &str, secret: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(hash) => Argon2::default()
            .verify_password(secret.as_bytes(), &hash)
            .is_ok(),
        Err(_) => false,
    }
}

/// Returns whether a stored hash was made with other parameters than `params` (rehash it
/// after the next successful login).
pub fn needs_rehash(phc: &str, params: PasswordParams) -> bool {
    let Ok(hash) = PasswordHash::new(phc) else {
        return true;
    };
    let Ok(stored) = Params::try_from(&hash) else {
        return true;
    };
    hash.algorithm.as_str() != "argon2id"
        || stored.m_cost() != params.memory_kib
        || stored.t_cost() != params.iterations
        || stored.p_cost() != params.parallelism
}

/// Checks a new password against the policy: 10 to 128 characters, not a common password,
/// not mostly one character, and not containing the account's email name or phone digits.
pub fn check_policy(password: &str, identifiers: &[&str]) -> Result<(), ApiError> {
    let weak = |message: &str| ApiError::bad_request("weak_password", message.to_owned());
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(weak("password must have at least 10 characters"));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(ApiError::bad_request(
            "password_too_long",
            "password must have at most 128 characters",
        ));
    }
    let lower = password.to_lowercase();
    if is_common(&lower) {
        return Err(weak("password is too common"));
    }
    let distinct: std::collections::BTreeSet<char> = lower.chars().collect();
    if distinct.len() < 4 {
        return Err(weak("password repeats too few characters"));
    }
    for identifier in identifiers {
        let name = identifier
            .split('@')
            .next()
            .unwrap_or_default()
            .trim_start_matches('+');
        let name = name.strip_prefix("998").unwrap_or(name);
        if name.chars().count() >= 4 && lower.contains(&name.to_lowercase()) {
            return Err(weak("password must not contain your email or phone"));
        }
    }
    Ok(())
}

fn is_common(lower: &str) -> bool {
    COMMON_PASSWORDS
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .any(|line| line == lower)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_salted_and_verify() {
        let params = PasswordParams::INSECURE_FOR_TESTS;
        let a = hash_blocking(params, "correct horse battery").unwrap();
        let b = hash_blocking(params, "correct horse battery").unwrap();
        assert!(a.starts_with("$argon2id$v=19$m=64,t=1,p=1$"), "{a}");
        assert_ne!(a, b, "salted");
        assert!(verify_blocking(&a, "correct horse battery"));
        assert!(!verify_blocking(&a, "correct horse batterY"));
        assert!(!verify_blocking("not a hash", "x"));
        assert!(!needs_rehash(&a, params));
        assert!(needs_rehash(&a, PasswordParams::OWASP));
    }

    #[test]
    fn owasp_parameters_are_the_default() {
        assert_eq!(
            PasswordParams::default(),
            PasswordParams {
                memory_kib: 19_456,
                iterations: 2,
                parallelism: 1
            }
        );
        let hash = hash_blocking(PasswordParams::OWASP, "owasp default check").unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
    }

    #[test]
    fn the_policy_refuses_short_long_common_and_personal_passwords() {
        assert!(check_policy("tog'dagi qor erimaydi", &["ona@example.uz"]).is_ok());
        assert!(check_policy("Кошка на крыше 2024", &[]).is_ok());
        let code = |password: &str, ids: &[&str]| check_policy(password, ids).unwrap_err().code;
        assert_eq!(code("short1!", &[]), "weak_password");
        assert_eq!(code(&"ab1!".repeat(40), &[]), "password_too_long");
        assert_eq!(code("Password123", &[]), "weak_password");
        assert_eq!(code("QWERTYUIOP", &[]), "weak_password");
        assert_eq!(code("parol12345", &[]), "weak_password");
        assert_eq!(code("abababababab", &[]), "weak_password");
        assert_eq!(
            code("xx-dilnoza-xx-2024", &["dilnoza@example.uz"]),
            "weak_password"
        );
        assert_eq!(
            code("my 901234567 pass", &["+998901234567"]),
            "weak_password"
        );
    }
}
