//! The Click SHOP API: Prepare (`POST /payments/click/prepare`, action 0) and Complete
//! (`POST /payments/click/complete`, action 1), form-urlencoded in, JSON out, per
//! `../shared/payments/CLICK.md`.
//!
//! Checks run in the order of Click's official library: missing or malformed fields (-8),
//! signature (-1, MD5 compared in constant time), action (-3), order (-5), amount (-2, so'm
//! strings against tiyin), already paid (-4), prepare id (-6), cancelled or Click error < 0
//! (-9). A cancel of an already confirmed payment answers the configured code (-9 or -4).
//! `merchant_trans_id` is our order id; `merchant_prepare_id` and `merchant_confirm_id` are
//! our attempt's id.

use super::orders;
use super::store::{self, ClickRow, PaymentError};
use crate::AppState;
use crate::commerce::orders::PaymentProvider;
use md5::{Digest as _, Md5};
use serde_json::{Value, json};
use std::collections::HashMap;
use subtle::ConstantTimeEq as _;

/// The default answer to a cancel of an already confirmed payment (Click's Postman suite).
pub const DEFAULT_CANCEL_CONFIRMED_CODE: i32 = -9;
/// Click's checkout page.
pub const CHECKOUT_URL: &str = "https://my.click.uz/services/pay";

/// A Click error code with its `error_note`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClickCode {
    /// 0.
    Success,
    /// -1.
    SignCheckFailed,
    /// -2.
    IncorrectAmount,
    /// -3.
    ActionNotFound,
    /// -4.
    AlreadyPaid,
    /// -5.
    UserDoesNotExist,
    /// -6.
    TransactionDoesNotExist,
    /// -7.
    FailedToUpdateUser,
    /// -8.
    BadRequest,
    /// -9.
    TransactionCancelled,
}

impl ClickCode {
    /// Returns the numeric code.
    pub fn code(self) -> i32 {
        match self {
            Self::Success => 0,
            Self::SignCheckFailed => -1,
            Self::IncorrectAmount => -2,
            Self::ActionNotFound => -3,
            Self::AlreadyPaid => -4,
            Self::UserDoesNotExist => -5,
            Self::TransactionDoesNotExist => -6,
            Self::FailedToUpdateUser => -7,
            Self::BadRequest => -8,
            Self::TransactionCancelled => -9,
        }
    }

    /// Returns Click's `error_note`.
    pub fn note(self) -> &'static str {
        match self {
            Self::Success => "Success",
            Self::SignCheckFailed => "SIGN CHECK FAILED!",
            Self::IncorrectAmount => "Incorrect parameter amount",
            Self::ActionNotFound => "Action not found",
            Self::AlreadyPaid => "Already paid",
            Self::UserDoesNotExist => "User does not exist",
            Self::TransactionDoesNotExist => "Transaction does not exist",
            Self::FailedToUpdateUser => "Failed to update user",
            Self::BadRequest => "Error in request from click",
            Self::TransactionCancelled => "Transaction cancelled",
        }
    }

    fn from_configured(code: i32) -> Self {
        if code == -4 {
            Self::AlreadyPaid
        } else {
            Self::TransactionCancelled
        }
    }
}

impl From<PaymentError> for ClickCode {
    fn from(error: PaymentError) -> Self {
        tracing::error!(%error, "click: update failed: {error}");
        Self::FailedToUpdateUser
    }
}

/// Which Click request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Prepare (action 0).
    Prepare,
    /// Complete (action 1).
    Complete,
}

/// Computes `sign_string`: MD5 of the fields concatenated in Click's order
/// (`merchant_prepare_id` only on Complete), as lower-case hex.
#[expect(clippy::too_many_arguments, reason = "the fields of Click's formula")]
pub fn sign(
    click_trans_id: &str,
    service_id: &str,
    secret_key: &str,
    merchant_trans_id: &str,
    merchant_prepare_id: Option<&str>,
    amount: &str,
    action: &str,
    sign_time: &str,
) -> String {
    let mut hasher = Md5::new();
    for part in [
        click_trans_id,
        service_id,
        secret_key,
        merchant_trans_id,
        merchant_prepare_id.unwrap_or(""),
        amount,
        action,
        sign_time,
    ] {
        hasher.update(part.as_bytes());
    }
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Parses Click's so'm amount (`"5000.00"`, `"5000"`, `"5000.5"`) into tiyin. More than two
/// decimals, signs, exponents and anything else are refused.
pub fn parse_amount_tiyin(amount: &str) -> Option<i64> {
    let (whole, fraction) = match amount.split_once('.') {
        Some((whole, fraction)) => (whole, fraction),
        None => (amount, ""),
    };
    let digits = |text: &str| text.bytes().all(|byte| byte.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) || whole.len() > 15 {
        return None;
    }
    // Extra decimals are allowed only as zeros ("5000.000").
    let (cents, rest) = fraction.split_at(fraction.len().min(2));
    if !rest.bytes().all(|byte| byte == b'0') {
        return None;
    }
    let cents = match cents.len() {
        0 => 0,
        1 => cents.parse::<i64>().ok()? * 10,
        _ => cents.parse::<i64>().ok()?,
    };
    whole
        .parse::<i64>()
        .ok()?
        .checked_mul(100)?
        .checked_add(cents)
}

/// Formats tiyin as Click's so'm amount (`500000` → `"5000.00"`).
pub fn format_amount(tiyin: i64) -> String {
    format!("{}.{:02}", tiyin / 100, tiyin % 100)
}

/// Parses an `application/x-www-form-urlencoded` body. A repeated field is refused (`None`).
pub fn parse_form(body: &[u8]) -> Option<HashMap<String, String>> {
    let text = std::str::from_utf8(body).ok()?;
    let mut fields = HashMap::new();
    for pair in text.split('&').filter(|pair| !pair.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let decode = |part: &str| {
            percent_encoding::percent_decode_str(&part.replace('+', " "))
                .decode_utf8()
                .map(|text| text.into_owned())
                .ok()
        };
        if fields.insert(decode(name)?, decode(value)?).is_some() {
            return None;
        }
    }
    Some(fields)
}

/// The fields of a request, raw as received.
struct Request<'a> {
    click_trans_id: &'a str,
    service_id: &'a str,
    click_paydoc_id: &'a str,
    merchant_trans_id: &'a str,
    merchant_prepare_id: Option<&'a str>,
    amount: &'a str,
    action: &'a str,
    error: i64,
    sign_time: &'a str,
    sign_string: &'a str,
}

fn is_integer(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty() && digits.len() <= 19 && digits.bytes().all(|byte| byte.is_ascii_digit())
}

fn read_request(fields: &HashMap<String, String>, stage: Stage) -> Option<Request<'_>> {
    let field = |name: &str| fields.get(name).map(String::as_str);
    let id = |name: &str| field(name).filter(|value| value.parse::<u64>().is_ok());
    let request = Request {
        click_trans_id: id("click_trans_id")?,
        service_id: id("service_id")?,
        click_paydoc_id: id("click_paydoc_id")?,
        merchant_trans_id: field("merchant_trans_id").filter(|value| !value.is_empty())?,
        merchant_prepare_id: match stage {
            Stage::Prepare => None,
            Stage::Complete => Some(id("merchant_prepare_id")?),
        },
        amount: field("amount").filter(|value| !value.is_empty())?,
        action: field("action").filter(|value| is_integer(value))?,
        error: field("error")?.parse().ok()?,
        sign_time: field("sign_time").filter(|value| !value.is_empty())?,
        sign_string: field("sign_string").filter(|value| value.len() == 32)?,
    };
    // error_note is part of the protocol, but its content is free text.
    field("error_note")?;
    Some(request)
}

/// Answers a Prepare or Complete request (always with HTTP 200).
pub async fn handle(state: &AppState, stage: Stage, body: Option<&[u8]>) -> Value {
    let fields = body.and_then(parse_form).unwrap_or_default();
    let echo_id = |name: &str| -> Value {
        match fields.get(name) {
            Some(value) => value
                .parse::<u64>()
                .map_or_else(|_| Value::String(value.clone()), Value::from),
            None => Value::Null,
        }
    };
    let click_trans_id = echo_id("click_trans_id");
    let merchant_trans_id = fields
        .get("merchant_trans_id")
        .map_or(Value::Null, |value| Value::String(value.clone()));
    let (code, our_id) = match read_request(&fields, stage) {
        None => (ClickCode::BadRequest, None),
        Some(request) => match answer(state, stage, &request).await {
            Ok(id) => (ClickCode::Success, Some(id)),
            Err(code) => (code, None),
        },
    };
    let id_field = match stage {
        Stage::Prepare => "merchant_prepare_id",
        Stage::Complete => "merchant_confirm_id",
    };
    json!({
        "click_trans_id": click_trans_id,
        "merchant_trans_id": merchant_trans_id,
        id_field: our_id,
        "error": code.code(),
        "error_note": code.note(),
    })
}

async fn answer(state: &AppState, stage: Stage, request: &Request<'_>) -> Result<i64, ClickCode> {
    let settings = &state.0.payments.settings;
    let (Some(service_id), Some(secret)) = (&settings.click_service_id, &settings.click_secret_key)
    else {
        tracing::warn!(
            "click: a request arrived but BOLAJON_CLICK_SERVICE_ID/SECRET_KEY are unset"
        );
        return Err(ClickCode::SignCheckFailed);
    };
    let expected = sign(
        request.click_trans_id,
        request.service_id,
        secret,
        request.merchant_trans_id,
        request.merchant_prepare_id,
        request.amount,
        request.action,
        request.sign_time,
    );
    let given = request.sign_string.to_ascii_lowercase();
    let signature_matches: bool = expected.as_bytes().ct_eq(given.as_bytes()).into();
    if !signature_matches || request.service_id != service_id.as_str() {
        return Err(ClickCode::SignCheckFailed);
    }
    let expected_action = match stage {
        Stage::Prepare => "0",
        Stage::Complete => "1",
    };
    if request.action != expected_action {
        return Err(ClickCode::ActionNotFound);
    }
    let Ok(order_id) = request.merchant_trans_id.parse::<i64>() else {
        return Err(ClickCode::UserDoesNotExist);
    };
    let now = state.0.auth.now();
    let now_ms = now.timestamp_millis();
    let mut tx = store::begin(&state.0.db).await?;
    let order = orders::load_for_payment(&mut tx, order_id)
        .await?
        .ok_or(ClickCode::UserDoesNotExist)?;
    let amount = parse_amount_tiyin(request.amount).ok_or(ClickCode::IncorrectAmount)?;
    if amount != order.total_tiyin {
        return Err(ClickCode::IncorrectAmount);
    }
    if orders::is_paid(&order) || store::click_order_confirmed(&mut tx, order.id.0).await? {
        if request.error < 0 {
            return Err(ClickCode::from_configured(
                settings.click_cancel_confirmed_code,
            ));
        }
        return Err(ClickCode::AlreadyPaid);
    }
    match stage {
        Stage::Prepare => {
            if let Some(row) = store::click_by_click_id(&mut tx, request.click_trans_id).await? {
                // A repeated Prepare of the same attempt.
                return match (row.order_id == order.id.0, row.state.as_str()) {
                    (true, "prepared") => Ok(row.id),
                    (true, "confirmed") => Err(ClickCode::AlreadyPaid),
                    _ => Err(ClickCode::TransactionCancelled),
                };
            }
            if request.error < 0 || !orders::awaits_payment(&order) {
                return Err(ClickCode::TransactionCancelled);
            }
            if !orders::parental_limit_allows(&mut tx, &order, now).await? {
                tracing::info!(order_id, "click: prepare refused by the parental limit");
                return Err(ClickCode::TransactionCancelled);
            }
            let row = store::click_insert(
                &mut tx,
                request.click_trans_id,
                request.click_paydoc_id,
                order.id.0,
                amount,
                now_ms,
            )
            .await?;
            store::commit(tx).await?;
            Ok(row.id)
        }
        Stage::Complete => {
            let prepare_id = request
                .merchant_prepare_id
                .and_then(|id| id.parse::<i64>().ok())
                .ok_or(ClickCode::TransactionDoesNotExist)?;
            let row: ClickRow = store::click_by_id(&mut tx, prepare_id)
                .await?
                .filter(|row| {
                    row.order_id == order.id.0 && row.click_trans_id == request.click_trans_id
                })
                .ok_or(ClickCode::TransactionDoesNotExist)?;
            if row.state != "prepared" {
                return Err(ClickCode::TransactionCancelled);
            }
            if request.error < 0 {
                store::click_finish(&mut tx, row.id, false, request.error, now_ms).await?;
                store::commit(tx).await?;
                tracing::info!(
                    order_id,
                    click_error = request.error,
                    "click: payment {} cancelled by click",
                    row.id
                );
                return Err(ClickCode::TransactionCancelled);
            }
            if !orders::awaits_payment(&order)
                || !orders::parental_limit_allows(&mut tx, &order, now).await?
            {
                // The debit is refused: Click reverses it on -9.
                store::click_finish(&mut tx, row.id, false, request.error, now_ms).await?;
                store::commit(tx).await?;
                tracing::info!(
                    order_id,
                    "click: complete refused (order state or parental limit)"
                );
                return Err(ClickCode::TransactionCancelled);
            }
            orders::mark_paid(&mut tx, order.id.0, PaymentProvider::Click, now).await?;
            store::click_finish(&mut tx, row.id, true, request.error, now_ms).await?;
            store::commit(tx).await?;
            tracing::info!(order_id, "click: order {order_id} paid");
            Ok(row.id)
        }
    }
}

/// Builds the checkout redirect: `https://my.click.uz/services/pay?service_id=…`.
pub fn checkout_link(
    service_id: &str,
    merchant_id: &str,
    order_id: i64,
    amount_tiyin: i64,
    return_url: Option<&str>,
) -> String {
    let mut url = format!(
        "{CHECKOUT_URL}?service_id={service_id}&merchant_id={merchant_id}&amount={}&transaction_param={order_id}",
        format_amount(amount_tiyin)
    );
    if let Some(return_url) = return_url {
        url.push_str("&return_url=");
        url.extend(percent_encoding::utf8_percent_encode(
            return_url,
            percent_encoding::NON_ALPHANUMERIC,
        ));
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_match_the_vectors_in_click_md() {
        assert_eq!(
            sign(
                "123456789",
                "12345",
                "secret",
                "order-1",
                None,
                "5000.00",
                "0",
                "2024-03-02 07:50:19"
            ),
            "9f4fce247185773eeed29b445d1db568"
        );
        assert_eq!(
            sign(
                "123456789",
                "12345",
                "secret",
                "order-1",
                Some("42"),
                "5000.00",
                "1",
                "2024-03-02 07:50:19"
            ),
            "9ad012384a60899d4df7e11e0599f40a"
        );
    }

    #[test]
    fn amounts_are_soum_strings() {
        assert_eq!(parse_amount_tiyin("5000.00"), Some(500_000));
        assert_eq!(parse_amount_tiyin("5000"), Some(500_000));
        assert_eq!(parse_amount_tiyin("5000.5"), Some(500_050));
        assert_eq!(parse_amount_tiyin("5000.050"), Some(500_005));
        assert_eq!(parse_amount_tiyin("5000.001"), None);
        assert_eq!(parse_amount_tiyin("-5"), None);
        assert_eq!(parse_amount_tiyin("1e3"), None);
        assert_eq!(parse_amount_tiyin(""), None);
        assert_eq!(parse_amount_tiyin(".5"), None);
        assert_eq!(parse_amount_tiyin("99999999999999999999"), None);
        assert_eq!(format_amount(500_050), "5000.50");
        assert_eq!(format_amount(7), "0.07");
    }

    #[test]
    fn forms_decode_and_refuse_repeats() {
        let form = parse_form(b"a=1&b=x+y%21&c=").unwrap();
        assert_eq!(form["a"], "1");
        assert_eq!(form["b"], "x y!");
        assert_eq!(form["c"], "");
        assert!(parse_form(b"a=1&a=2").is_none());
        assert!(parse_form(&[0xff, 0xfe]).is_none());
    }

    #[test]
    fn checkout_link_carries_the_order_and_soum() {
        assert_eq!(
            checkout_link("12345", "678", 42, 500_000, Some("https://bolajon.uz/o/42")),
            "https://my.click.uz/services/pay?service_id=12345&merchant_id=678&amount=5000.00\
             &transaction_param=42&return_url=https%3A%2F%2Fbolajon%2Euz%2Fo%2F42"
        );
    }
}
