//! The card acquirer behind a trait ([`PaymentGateway`]), and bolajon's sandbox acquirer
//! ([`SandboxGateway`]) following `../shared/payments/CARD.md`: Stripe's test numbers, the
//! 3-D Secure step, Uzcard/Humo confirmed by an SMS code (`666666` in the sandbox).
//!
//! Card data is validated here (Luhn, expiry, CVC) and turned into a token at once: the
//! full number never leaves [`PaymentGateway::tokenize`], and is neither stored nor logged.

use chrono::Datelike as _;
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::pin::Pin;

/// A boxed future (the trait is object-safe: `Arc<dyn PaymentGateway>`).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The card as the buyer typed it. `Debug` never shows the number or the CVC.
#[derive(Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CardDetails {
    /// The card number (spaces and dashes allowed).
    pub number: String,
    /// Expiry month, 1–12.
    pub exp_month: u32,
    /// Expiry year (four digits, or two).
    pub exp_year: u32,
    /// The security code (3 or 4 digits; Uzcard and Humo have none, send `""`).
    #[serde(default)]
    pub cvc: String,
}

impl std::fmt::Debug for CardDetails {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CardDetails")
            .field("number", &"<redacted>")
            .field("exp_month", &self.exp_month)
            .field("exp_year", &self.exp_year)
            .field("cvc", &"<redacted>")
            .finish()
    }
}

/// A card scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CardBrand {
    /// Visa (4…).
    Visa,
    /// Mastercard (51–55, 2221–2720).
    Mastercard,
    /// Uzcard (8600…).
    Uzcard,
    /// Humo (9860…).
    Humo,
}

impl CardBrand {
    /// Returns the stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Visa => "visa",
            Self::Mastercard => "mastercard",
            Self::Uzcard => "uzcard",
            Self::Humo => "humo",
        }
    }

    /// Returns whether the scheme confirms payments with an SMS code instead of 3-D Secure.
    pub fn uses_sms_otp(self) -> bool {
        match self {
            Self::Uzcard | Self::Humo => true,
            Self::Visa | Self::Mastercard => false,
        }
    }
}

/// What is wrong with the card data (all user errors).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CardError {
    /// Not 13–19 digits, or the Luhn check fails.
    #[error("the card number is not valid")]
    InvalidNumber,
    /// A scheme the gateway does not accept.
    #[error("this card scheme is not accepted")]
    UnsupportedBrand,
    /// Month not 1–12 or an impossible year.
    #[error("the expiry date is not valid")]
    InvalidExpiry,
    /// The card has expired.
    #[error("the card has expired")]
    ExpiredCard,
    /// The CVC is not 3 or 4 digits (or given for a card without one).
    #[error("the security code is not valid")]
    InvalidCvc,
}

impl CardError {
    /// Returns the stable snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            Self::InvalidNumber => "invalid_card_number",
            Self::UnsupportedBrand => "unsupported_card_brand",
            Self::InvalidExpiry => "invalid_expiry",
            Self::ExpiredCard => "expired_card",
            Self::InvalidCvc => "invalid_cvc",
        }
    }
}

/// A tokenised card: what bolajon keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardToken {
    /// The gateway's token.
    pub token: String,
    /// The scheme.
    pub brand: CardBrand,
    /// The last four digits.
    pub last4: String,
    /// Expiry month.
    pub exp_month: u32,
    /// Expiry year (four digits).
    pub exp_year: u32,
}

/// The step a payment needs from the buyer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NextAction {
    /// A 3-D Secure challenge.
    ThreeDSecure,
    /// A one-time SMS code (Uzcard, Humo).
    SmsOtp,
}

impl NextAction {
    /// Returns the stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ThreeDSecure => "three_d_secure",
            Self::SmsOtp => "sms_otp",
        }
    }

    /// Parses a stored name.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "three_d_secure" => Some(Self::ThreeDSecure),
            "sms_otp" => Some(Self::SmsOtp),
            _ => None,
        }
    }
}

/// The acquirer's answer to a charge or an authentication step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChargeOutcome {
    /// The money was taken.
    Succeeded,
    /// The buyer must complete a step first.
    RequiresAction(NextAction),
    /// Refused; the code is the acquirer's (`card_declined`, `insufficient_funds`,
    /// `authentication_failed`, `incorrect_otp`).
    Declined(&'static str),
}

/// The acquirer's answer to an authorisation (a hold on the card, voided or captured later).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthorizationOutcome {
    /// The amount is held; `authorization_id` voids or captures it.
    Authorized {
        /// The acquirer's id of the hold.
        authorization_id: String,
    },
    /// The card needs its 3-D Secure or SMS step: authorise again with the code.
    RequiresAction(NextAction),
    /// Refused (`card_declined`, `insufficient_funds`, `authentication_failed`, `incorrect_otp`).
    Declined(&'static str),
}

/// The acquirer failed (network, outage): not the buyer's fault.
#[derive(Debug, Clone, thiserror::Error)]
#[error("the card gateway failed: {0}")]
pub struct GatewayError(pub String);

/// A card acquirer. The sandbox implements it; a real acquirer (Uzcard/Humo processing, a
/// Visa/Mastercard PSP) would call its API here.
pub trait PaymentGateway: Send + Sync + 'static {
    /// The acquirer's name, for logs.
    fn name(&self) -> &'static str;

    /// Validates the card and exchanges it for a token. `today` decides expiry.
    fn tokenize<'a>(
        &'a self,
        card: &'a CardDetails,
        today: chrono::NaiveDate,
    ) -> BoxFuture<'a, Result<Result<CardToken, CardError>, GatewayError>>;

    /// Charges `amount` tiyin to a tokenised card for payment `payment_id`.
    fn charge<'a>(
        &'a self,
        token: &'a str,
        amount: i64,
        payment_id: &'a str,
    ) -> BoxFuture<'a, Result<ChargeOutcome, GatewayError>>;

    /// Completes the buyer's step (`code` is the 3-D Secure or SMS code).
    fn authenticate<'a>(
        &'a self,
        token: &'a str,
        action: NextAction,
        code: &'a str,
    ) -> BoxFuture<'a, Result<ChargeOutcome, GatewayError>>;

    /// Holds `amount` tiyin on a tokenised card without taking it (to prove the cardholder is
    /// present, e.g. for parental consent). `authentication_code` completes the card's 3-D
    /// Secure or SMS step when it has one.
    fn authorize<'a>(
        &'a self,
        token: &'a str,
        amount: i64,
        authentication_code: Option<&'a str>,
    ) -> BoxFuture<'a, Result<AuthorizationOutcome, GatewayError>>;

    /// Releases a hold made by [`PaymentGateway::authorize`]: nothing is charged.
    fn void_authorization<'a>(
        &'a self,
        authorization_id: &'a str,
    ) -> BoxFuture<'a, Result<(), GatewayError>>;
}

/// The sandbox OTP / 3-D Secure code.
pub const SANDBOX_OTP: &str = "666666";

/// bolajon's sandbox acquirer. Its tokens name the test behaviour of the card (never the
/// number): `tok_<behaviour>_<random>`.
#[derive(Debug, Clone, Copy, Default)]
pub struct SandboxGateway;

/// What a sandbox card does when charged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Behaviour {
    Succeeds,
    Declined,
    InsufficientFunds,
    ThreeDSecure,
    SmsOtp,
}

impl Behaviour {
    fn tag(self) -> &'static str {
        match self {
            Self::Succeeds => "ok",
            Self::Declined => "declined",
            Self::InsufficientFunds => "nsf",
            Self::ThreeDSecure => "3ds",
            Self::SmsOtp => "otp",
        }
    }

    fn from_token(token: &str) -> Option<Self> {
        let tag = token.strip_prefix("tok_")?.split('_').next()?;
        [
            Self::Succeeds,
            Self::Declined,
            Self::InsufficientFunds,
            Self::ThreeDSecure,
            Self::SmsOtp,
        ]
        .into_iter()
        .find(|behaviour| behaviour.tag() == tag)
    }
}

/// Returns whether `digits` passes the Luhn check.
pub fn luhn_valid(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (index, digit) in digits.iter().rev().enumerate() {
        let mut value = u32::from(*digit);
        if !index.is_multiple_of(2) {
            value *= 2;
            if value > 9 {
                value -= 9;
            }
        }
        sum += value;
    }
    sum.is_multiple_of(10)
}

fn brand_of(digits: &[u8]) -> Option<CardBrand> {
    let prefix = |len: usize| -> u32 {
        digits
            .iter()
            .take(len)
            .fold(0, |acc, digit| acc * 10 + u32::from(*digit))
    };
    match digits.first()? {
        4 => Some(CardBrand::Visa),
        _ if (51..=55).contains(&prefix(2)) || (2221..=2720).contains(&prefix(4)) => {
            Some(CardBrand::Mastercard)
        }
        _ if prefix(4) == 8600 => Some(CardBrand::Uzcard),
        _ if prefix(4) == 9860 => Some(CardBrand::Humo),
        _ => None,
    }
}

/// Validates card data (Luhn, scheme, expiry against `today`, CVC) and returns the digits,
/// the scheme and the four-digit expiry year.
pub fn validate_card(
    card: &CardDetails,
    today: chrono::NaiveDate,
) -> Result<(Vec<u8>, CardBrand, u32), CardError> {
    let mut digits = Vec::with_capacity(19);
    for ch in card.number.chars() {
        match ch {
            '0'..='9' => digits.push(ch as u8 - b'0'),
            ' ' | '-' => {}
            _ => return Err(CardError::InvalidNumber),
        }
    }
    if !(13..=19).contains(&digits.len()) || !luhn_valid(&digits) {
        return Err(CardError::InvalidNumber);
    }
    let brand = brand_of(&digits).ok_or(CardError::UnsupportedBrand)?;
    let year = match card.exp_year {
        year @ 0..=99 => 2000 + year,
        year @ 2000..=2100 => year,
        _ => return Err(CardError::InvalidExpiry),
    };
    if !(1..=12).contains(&card.exp_month) {
        return Err(CardError::InvalidExpiry);
    }
    let this_month = (today.year() as u32) * 12 + today.month();
    let expiry = year * 12 + card.exp_month;
    if expiry < this_month {
        return Err(CardError::ExpiredCard);
    }
    if expiry > this_month + 20 * 12 {
        return Err(CardError::InvalidExpiry);
    }
    let cvc_ok = if brand.uses_sms_otp() {
        card.cvc.is_empty() || (card.cvc.len() == 3 && card.cvc.bytes().all(|b| b.is_ascii_digit()))
    } else {
        (3..=4).contains(&card.cvc.len()) && card.cvc.bytes().all(|b| b.is_ascii_digit())
    };
    if !cvc_ok {
        return Err(CardError::InvalidCvc);
    }
    Ok((digits, brand, year))
}

fn sandbox_behaviour(digits: &[u8], brand: CardBrand) -> Behaviour {
    let number: String = digits
        .iter()
        .map(|digit| char::from(b'0' + digit))
        .collect();
    match number.as_str() {
        "4000000000000002" => Behaviour::Declined,
        "4000000000009995" => Behaviour::InsufficientFunds,
        "4000002500003155" => Behaviour::ThreeDSecure,
        _ if brand.uses_sms_otp() => Behaviour::SmsOtp,
        _ => Behaviour::Succeeds,
    }
}

fn random_suffix() -> Result<String, GatewayError> {
    crate::auth::token::new_id().map_err(|error| GatewayError(error.to_string()))
}

impl PaymentGateway for SandboxGateway {
    fn name(&self) -> &'static str {
        "sandbox"
    }

    fn tokenize<'a>(
        &'a self,
        card: &'a CardDetails,
        today: chrono::NaiveDate,
    ) -> BoxFuture<'a, Result<Result<CardToken, CardError>, GatewayError>> {
        Box::pin(async move {
            let (digits, brand, exp_year) = match validate_card(card, today) {
                Ok(valid) => valid,
                Err(error) => return Ok(Err(error)),
            };
            let behaviour = sandbox_behaviour(&digits, brand);
            let last4 = digits[digits.len() - 4..]
                .iter()
                .map(|digit| char::from(b'0' + digit))
                .collect();
            Ok(Ok(CardToken {
                token: format!("tok_{}_{}", behaviour.tag(), random_suffix()?),
                brand,
                last4,
                exp_month: card.exp_month,
                exp_year,
            }))
        })
    }

    fn charge<'a>(
        &'a self,
        token: &'a str,
        amount: i64,
        _payment_id: &'a str,
    ) -> BoxFuture<'a, Result<ChargeOutcome, GatewayError>> {
        Box::pin(async move {
            if amount <= 0 {
                return Ok(ChargeOutcome::Declined("card_declined"));
            }
            let behaviour = Behaviour::from_token(token)
                .ok_or_else(|| GatewayError("unknown sandbox token".to_owned()))?;
            Ok(match behaviour {
                Behaviour::Succeeds => ChargeOutcome::Succeeded,
                Behaviour::Declined => ChargeOutcome::Declined("card_declined"),
                Behaviour::InsufficientFunds => ChargeOutcome::Declined("insufficient_funds"),
                Behaviour::ThreeDSecure => ChargeOutcome::RequiresAction(NextAction::ThreeDSecure),
                Behaviour::SmsOtp => ChargeOutcome::RequiresAction(NextAction::SmsOtp),
            })
        })
    }

    fn authenticate<'a>(
        &'a self,
        token: &'a str,
        action: NextAction,
        code: &'a str,
    ) -> BoxFuture<'a, Result<ChargeOutcome, GatewayError>> {
        Box::pin(async move {
            let behaviour = Behaviour::from_token(token)
                .ok_or_else(|| GatewayError("unknown sandbox token".to_owned()))?;
            let expected = match behaviour {
                Behaviour::ThreeDSecure => NextAction::ThreeDSecure,
                Behaviour::SmsOtp => NextAction::SmsOtp,
                Behaviour::Succeeds | Behaviour::Declined | Behaviour::InsufficientFunds => {
                    return Ok(ChargeOutcome::Declined("authentication_failed"));
                }
            };
            if action != expected {
                return Ok(ChargeOutcome::Declined("authentication_failed"));
            }
            let matches: bool =
                subtle::ConstantTimeEq::ct_eq(code.as_bytes(), SANDBOX_OTP.as_bytes()).into();
            Ok(if matches {
                ChargeOutcome::Succeeded
            } else {
                match action {
                    NextAction::SmsOtp => ChargeOutcome::Declined("incorrect_otp"),
                    NextAction::ThreeDSecure => ChargeOutcome::Declined("authentication_failed"),
                }
            })
        })
    }

    fn authorize<'a>(
        &'a self,
        token: &'a str,
        amount: i64,
        authentication_code: Option<&'a str>,
    ) -> BoxFuture<'a, Result<AuthorizationOutcome, GatewayError>> {
        Box::pin(async move {
            if amount <= 0 {
                return Ok(AuthorizationOutcome::Declined("card_declined"));
            }
            let behaviour = Behaviour::from_token(token)
                .ok_or_else(|| GatewayError("unknown sandbox token".to_owned()))?;
            let authorized = || -> Result<AuthorizationOutcome, GatewayError> {
                Ok(AuthorizationOutcome::Authorized {
                    authorization_id: format!("auth_{}", random_suffix()?),
                })
            };
            let action = match behaviour {
                Behaviour::Succeeds => return authorized(),
                Behaviour::Declined => return Ok(AuthorizationOutcome::Declined("card_declined")),
                Behaviour::InsufficientFunds => {
                    return Ok(AuthorizationOutcome::Declined("insufficient_funds"));
                }
                Behaviour::ThreeDSecure => NextAction::ThreeDSecure,
                Behaviour::SmsOtp => NextAction::SmsOtp,
            };
            let Some(code) = authentication_code else {
                return Ok(AuthorizationOutcome::RequiresAction(action));
            };
            let matches: bool =
                subtle::ConstantTimeEq::ct_eq(code.as_bytes(), SANDBOX_OTP.as_bytes()).into();
            if matches {
                authorized()
            } else {
                Ok(AuthorizationOutcome::Declined(match action {
                    NextAction::SmsOtp => "incorrect_otp",
                    NextAction::ThreeDSecure => "authentication_failed",
                }))
            }
        })
    }

    fn void_authorization<'a>(
        &'a self,
        authorization_id: &'a str,
    ) -> BoxFuture<'a, Result<(), GatewayError>> {
        Box::pin(async move {
            if authorization_id.starts_with("auth_") {
                Ok(())
            } else {
                Err(GatewayError(format!(
                    "unknown sandbox authorisation {authorization_id}"
                )))
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(number: &str, cvc: &str) -> CardDetails {
        CardDetails {
            number: number.to_owned(),
            exp_month: 12,
            exp_year: 2030,
            cvc: cvc.to_owned(),
        }
    }

    fn today() -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()
    }

    /// Completes `prefix` (without its check digit) into a Luhn-valid number.
    pub fn with_check_digit(prefix: &str) -> String {
        (0..10)
            .map(|digit| format!("{prefix}{digit}"))
            .find(|number| luhn_valid(&number.bytes().map(|b| b - b'0').collect::<Vec<_>>()))
            .unwrap()
    }

    #[test]
    fn luhn_expiry_cvc_and_brands_are_checked() {
        let ok = |number: &str, cvc: &str| validate_card(&card(number, cvc), today());
        assert_eq!(ok("4242 4242 4242 4242", "123").unwrap().1, CardBrand::Visa);
        assert_eq!(ok("4242424242424241", "123"), Err(CardError::InvalidNumber));
        assert_eq!(
            ok("4242-4242-4242-4242x", "123"),
            Err(CardError::InvalidNumber)
        );
        assert_eq!(ok("4242", "123"), Err(CardError::InvalidNumber));
        assert_eq!(ok("4242424242424242", "12"), Err(CardError::InvalidCvc));
        assert_eq!(ok("4242424242424242", "12a"), Err(CardError::InvalidCvc));
        assert_eq!(
            ok("5555555555554444", "123").unwrap().1,
            CardBrand::Mastercard
        );
        let uzcard = with_check_digit("860000000000000");
        assert_eq!(ok(&uzcard, "").unwrap().1, CardBrand::Uzcard);
        let humo = with_check_digit("986000000000000");
        assert_eq!(ok(&humo, "").unwrap().1, CardBrand::Humo);
        assert_eq!(
            ok("378282246310005", "1234"),
            Err(CardError::UnsupportedBrand)
        );
        let mut expired = card("4242424242424242", "123");
        expired.exp_year = 2026;
        expired.exp_month = 11;
        assert_eq!(
            validate_card(&expired, today()),
            Err(CardError::ExpiredCard)
        );
        expired.exp_month = 12;
        assert!(validate_card(&expired, today()).is_ok());
        expired.exp_month = 13;
        assert_eq!(
            validate_card(&expired, today()),
            Err(CardError::InvalidExpiry)
        );
    }

    #[tokio::test]
    async fn sandbox_cards_behave_like_stripes_test_numbers() {
        let gateway = SandboxGateway;
        let charge = |number: &'static str, cvc: &'static str| async move {
            let token = gateway
                .tokenize(&card(number, cvc), today())
                .await
                .unwrap()
                .unwrap();
            assert!(
                !token.token.contains(&number[4..]),
                "the token holds no number"
            );
            let outcome = gateway.charge(&token.token, 100, "pi_test").await.unwrap();
            (token, outcome)
        };
        let (token, outcome) = charge("4242424242424242", "123").await;
        assert_eq!(outcome, ChargeOutcome::Succeeded);
        assert_eq!(token.last4, "4242");
        assert_eq!(
            charge("4000000000000002", "123").await.1,
            ChargeOutcome::Declined("card_declined")
        );
        assert_eq!(
            charge("4000000000009995", "123").await.1,
            ChargeOutcome::Declined("insufficient_funds")
        );
        let (token, outcome) = charge("4000002500003155", "123").await;
        assert_eq!(
            outcome,
            ChargeOutcome::RequiresAction(NextAction::ThreeDSecure)
        );
        assert_eq!(
            gateway
                .authenticate(&token.token, NextAction::ThreeDSecure, SANDBOX_OTP)
                .await
                .unwrap(),
            ChargeOutcome::Succeeded
        );
        let uzcard = Box::leak(with_check_digit("860012345678901").into_boxed_str());
        let (token, outcome) = charge(uzcard, "").await;
        assert_eq!(outcome, ChargeOutcome::RequiresAction(NextAction::SmsOtp));
        assert_eq!(
            gateway
                .authenticate(&token.token, NextAction::SmsOtp, "123456")
                .await
                .unwrap(),
            ChargeOutcome::Declined("incorrect_otp")
        );
        assert_eq!(
            gateway
                .authenticate(&token.token, NextAction::SmsOtp, SANDBOX_OTP)
                .await
                .unwrap(),
            ChargeOutcome::Succeeded
        );
    }

    #[tokio::test]
    async fn sandbox_authorisations_hold_and_void_without_charging() {
        let gateway = SandboxGateway;
        let token = |number: &'static str, cvc: &'static str| async move {
            gateway
                .tokenize(&card(number, cvc), today())
                .await
                .unwrap()
                .unwrap()
                .token
        };
        let ok = token("4242424242424242", "123").await;
        let AuthorizationOutcome::Authorized { authorization_id } =
            gateway.authorize(&ok, 100_000, None).await.unwrap()
        else {
            panic!("a good card authorises")
        };
        assert!(authorization_id.starts_with("auth_"));
        gateway.void_authorization(&authorization_id).await.unwrap();
        assert!(gateway.void_authorization("pi_not_a_hold").await.is_err());
        assert_eq!(
            gateway.authorize(&ok, 0, None).await.unwrap(),
            AuthorizationOutcome::Declined("card_declined")
        );
        let declined = token("4000000000000002", "123").await;
        assert_eq!(
            gateway.authorize(&declined, 100_000, None).await.unwrap(),
            AuthorizationOutcome::Declined("card_declined")
        );
        let nsf = token("4000000000009995", "123").await;
        assert_eq!(
            gateway.authorize(&nsf, 100_000, None).await.unwrap(),
            AuthorizationOutcome::Declined("insufficient_funds")
        );
        let secure = token("4000002500003155", "123").await;
        assert_eq!(
            gateway.authorize(&secure, 100_000, None).await.unwrap(),
            AuthorizationOutcome::RequiresAction(NextAction::ThreeDSecure)
        );
        assert_eq!(
            gateway
                .authorize(&secure, 100_000, Some("000000"))
                .await
                .unwrap(),
            AuthorizationOutcome::Declined("authentication_failed")
        );
        assert!(matches!(
            gateway
                .authorize(&secure, 100_000, Some(SANDBOX_OTP))
                .await
                .unwrap(),
            AuthorizationOutcome::Authorized { .. }
        ));
        let uzcard = token(
            Box::leak(with_check_digit("860012345678901").into_boxed_str()),
            "",
        )
        .await;
        assert_eq!(
            gateway
                .authorize(&uzcard, 100_000, Some("1"))
                .await
                .unwrap(),
            AuthorizationOutcome::Declined("incorrect_otp")
        );
    }
}
