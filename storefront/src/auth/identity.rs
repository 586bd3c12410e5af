//! Login identifiers: emails (lowercased, checked for shape) and Uzbek phone numbers
//! (normalised to E.164 `+998XXXXXXXXX`).

use crate::ApiError;

/// The longest email accepted (RFC 5321 path limit).
pub const MAX_EMAIL_LEN: usize = 254;

/// A normalised login identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identifier {
    /// A lowercase email.
    Email(String),
    /// An E.164 `+998…` phone.
    Phone(String),
}

impl Identifier {
    /// Parses what a user typed in the login field: an email when it contains `@`, else a
    /// phone.
    pub fn parse(raw: &str) -> Result<Self, ApiError> {
        if raw.contains('@') {
            normalize_email(raw).map(Self::Email)
        } else {
            normalize_phone(raw).map(Self::Phone)
        }
    }

    /// Returns the normalised text.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Email(email) => email,
            Self::Phone(phone) => phone,
        }
    }
}

/// Lowercases and checks an email: one `@`, a local part of at most 64 characters from the
/// unquoted RFC 5322 set, and a domain of at least two DNS labels.
pub fn normalize_email(raw: &str) -> Result<String, ApiError> {
    let invalid = || ApiError::bad_request("invalid_email", "email is not a valid address");
    let email = raw.trim().to_lowercase();
    if email.is_empty() || email.len() > MAX_EMAIL_LEN {
        return Err(invalid());
    }
    let (local, domain) = email.split_once('@').ok_or_else(invalid)?;
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"!#$%&'*+/=?^_`{|}~.-".contains(&byte));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && !tld.bytes().all(|byte| byte.is_ascii_digit()));
    if local_ok && domain_ok {
        Ok(email)
    } else {
        Err(invalid())
    }
}

/// Normalises an Uzbek phone number to E.164. Accepts `+998 90 123-45-67`, `998901234567` and
/// the nine national digits `(90) 123 45 67`; spaces, dashes, dots and brackets are ignored.
pub fn normalize_phone(raw: &str) -> Result<String, ApiError> {
    let invalid = || {
        ApiError::bad_request(
            "invalid_phone",
            "phone must be an Uzbek number: +998 and nine digits",
        )
    };
    if raw.len() > 32 {
        return Err(invalid());
    }
    let compact: String = raw
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
        .collect();
    let (plus, digits) = match compact.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, compact.as_str()),
    };
    if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(invalid());
    }
    let national = match (plus, digits.len()) {
        (_, 12) if digits.starts_with("998") => &digits[3..],
        (false, 9) => digits,
        _ => return Err(invalid()),
    };
    Ok(format!("+998{national}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_lowercased_and_checked() {
        assert_eq!(
            normalize_email(" Ona.Bola@Example.UZ ").unwrap(),
            "ona.bola@example.uz"
        );
        assert_eq!(
            normalize_email("a+tag@mail.co.uz").unwrap(),
            "a+tag@mail.co.uz"
        );
        for bad in [
            "",
            "plain",
            "@example.uz",
            "a@",
            "a@uz",
            "a@@example.uz",
            "a@example..uz",
            "a@-example.uz",
            ".a@example.uz",
            "a..b@example.uz",
            "a b@example.uz",
            "a@example.123",
            "ä@example.uz",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad:?}");
        }
        assert!(normalize_email(&format!("{}@example.uz", "a".repeat(65))).is_err());
        assert!(normalize_email(&format!("a@{}.uz", "b".repeat(260))).is_err());
    }

    #[test]
    fn uzbek_phones_normalise_to_e164() {
        for raw in [
            "+998901234567",
            "+998 90 123-45-67",
            "998901234567",
            "(90) 123 45 67",
            "90.123.45.67",
        ] {
            assert_eq!(normalize_phone(raw).unwrap(), "+998901234567", "{raw}");
        }
        for bad in [
            "",
            "+7 912 345 67 89",
            "+99890123456",
            "9012345678",
            "+901234567",
            "+998 90 123 45 6x",
            "++998901234567",
        ] {
            assert!(normalize_phone(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_login_field_takes_either() {
        assert_eq!(
            Identifier::parse("A@B.uz").unwrap(),
            Identifier::Email("a@b.uz".to_owned())
        );
        assert_eq!(
            Identifier::parse("90 123 45 67").unwrap(),
            Identifier::Phone("+998901234567".to_owned())
        );
    }
}
