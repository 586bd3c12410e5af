//! SMS: a provider trait, an Eskiz client (notify.eskiz.uz: token login, refresh on 401, send,
//! delivery-status callback), E.164 normalisation of Uzbek numbers and segment accounting
//! (GSM-7 for Latin text, UCS-2 as soon as one character is outside it, e.g. Cyrillic).

use super::worker::{BoxFuture, DeliveryError};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{Method, Request, StatusCode};
use hyper_tls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use std::time::Duration;
use tokio::sync::Mutex;

/// Normalises an Uzbek phone number to E.164 (`+998` and nine digits). Accepts spaces, dashes,
/// parentheses, a leading `+`, `00`, `998` or the national nine digits (with an optional
/// leading `8`). Returns `None` for anything else.
pub fn normalize_phone(input: &str) -> Option<String> {
    let trimmed = input.trim();
    if trimmed.is_empty()
        || !trimmed
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')' | '+' | '.'))
        || trimmed.chars().skip(1).any(|c| c == '+')
    {
        return None;
    }
    let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    let national = if let Some(rest) = digits.strip_prefix("00998") {
        rest
    } else if let Some(rest) = digits.strip_prefix("998").filter(|rest| rest.len() == 9) {
        rest
    } else if trimmed.starts_with('+') {
        return None;
    } else if digits.len() == 10 && digits.starts_with('8') {
        &digits[1..]
    } else {
        &digits
    };
    (national.len() == 9).then(|| format!("+998{national}"))
}

/// The encoding an SMS is sent in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// The GSM 03.38 7-bit alphabet: 160 characters, 153 per part.
    Gsm7,
    /// UCS-2: 70 characters, 67 per part.
    Ucs2,
}

/// How a text is sent: encoding, length in code units, and parts billed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segments {
    /// The encoding.
    pub encoding: Encoding,
    /// Septets (GSM-7, extension characters count two) or UTF-16 units (UCS-2).
    pub units: usize,
    /// Parts (billed messages).
    pub parts: usize,
}

const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM7_EXTENSION: &str = "^{}\\[~]|€\u{c}";

/// Counts the parts of an SMS text.
pub fn segments(text: &str) -> Segments {
    let mut septets = 0;
    let mut gsm = true;
    for c in text.chars() {
        if GSM7_BASIC.contains(c) {
            septets += 1;
        } else if GSM7_EXTENSION.contains(c) {
            septets += 2;
        } else {
            gsm = false;
            break;
        }
    }
    let (encoding, units, single, multi) = if gsm {
        (Encoding::Gsm7, septets, 160, 153)
    } else {
        (Encoding::Ucs2, text.encode_utf16().count(), 70, 67)
    };
    let parts = match units {
        0 => 0,
        n if n <= single => 1,
        n => n.div_ceil(multi),
    };
    Segments {
        encoding,
        units,
        parts,
    }
}

/// An SMS gateway.
pub trait SmsProvider: Send + Sync {
    /// Sends `text` to `phone` (E.164) and returns the provider's message id.
    fn send<'a>(
        &'a self,
        phone: &'a str,
        text: &'a str,
    ) -> BoxFuture<'a, Result<String, DeliveryError>>;
}

/// Eskiz settings (from `BOLAJON_ESKIZ_*`).
#[derive(Clone)]
pub struct EskizSettings {
    /// API base URL, e.g. `https://notify.eskiz.uz`.
    pub base_url: String,
    /// Account email.
    pub email: String,
    /// Account password (secret).
    pub password: String,
    /// Sender name or short number.
    pub from: String,
    /// Where Eskiz posts delivery reports (with the callback secret), if any.
    pub callback_url: Option<String>,
}

impl std::fmt::Debug for EskizSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EskizSettings")
            .field("base_url", &self.base_url)
            .field("email", &self.email)
            .field("from", &self.from)
            .finish()
    }
}

/// An HTTP(S) client for the gateways.
pub type HttpClient = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

/// Builds the shared HTTP(S) client.
pub fn http_client() -> HttpClient {
    Client::builder(TokioExecutor::new())
        .pool_idle_timeout(Duration::from_secs(30))
        .build(HttpsConnector::new())
}

/// The Eskiz client: logs in for a bearer token, refreshes it when a call answers 401, and
/// logs in again when the refresh is refused.
pub struct EskizClient {
    settings: EskizSettings,
    client: HttpClient,
    token: Mutex<Option<String>>,
    timeout: Duration,
}

/// An answer of the gateway.
struct Answer {
    status: StatusCode,
    body: serde_json::Value,
}

/// `application/x-www-form-urlencoded`: everything but `*-._` and alphanumerics escaped.
const FORM: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'*')
    .remove(b'-')
    .remove(b'.')
    .remove(b'_');

fn form_encode(fields: &[(&str, &str)]) -> String {
    use percent_encoding::utf8_percent_encode;
    fields
        .iter()
        .map(|(key, value)| {
            format!(
                "{}={}",
                utf8_percent_encode(key, FORM),
                utf8_percent_encode(value, FORM)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

impl EskizClient {
    /// Builds a client (no call is made until the first send).
    pub fn new(settings: EskizSettings, client: HttpClient) -> Self {
        Self {
            settings,
            client,
            token: Mutex::new(None),
            timeout: Duration::from_secs(15),
        }
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        form: Option<String>,
    ) -> Result<Answer, DeliveryError> {
        let url = format!("{}{path}", self.settings.base_url.trim_end_matches('/'));
        let mut request = Request::builder()
            .method(method)
            .uri(&url)
            .header("accept", "application/json");
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        if form.is_some() {
            request = request.header("content-type", "application/x-www-form-urlencoded");
        }
        let request = request
            .body(Full::new(Bytes::from(form.unwrap_or_default())))
            .map_err(|error| DeliveryError::Permanent(format!("eskiz request: {error}")))?;
        let response = tokio::time::timeout(self.timeout, self.client.request(request))
            .await
            .map_err(|_| DeliveryError::Transient(format!("eskiz {path}: timed out")))?
            .map_err(|error| DeliveryError::Transient(format!("eskiz {path}: {error}")))?;
        let status = response.status();
        let bytes = tokio::time::timeout(self.timeout, response.into_body().collect())
            .await
            .map_err(|_| DeliveryError::Transient(format!("eskiz {path}: body timed out")))?
            .map_err(|error| DeliveryError::Transient(format!("eskiz {path}: {error}")))?
            .to_bytes();
        let body = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
        Ok(Answer { status, body })
    }

    fn token_of(answer: &Answer, what: &str) -> Result<String, DeliveryError> {
        answer.body["data"]["token"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| {
                DeliveryError::Transient(format!("eskiz {what}: no token in the answer"))
            })
    }

    async fn login(&self) -> Result<String, DeliveryError> {
        let form = form_encode(&[
            ("email", self.settings.email.as_str()),
            ("password", self.settings.password.as_str()),
        ]);
        let answer = self
            .call(Method::POST, "/api/auth/login", None, Some(form))
            .await?;
        match answer.status {
            status if status.is_success() => Self::token_of(&answer, "login"),
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => Err(DeliveryError::Permanent(
                "eskiz login refused: check BOLAJON_ESKIZ_EMAIL and BOLAJON_ESKIZ_PASSWORD"
                    .to_owned(),
            )),
            status => Err(DeliveryError::Transient(format!(
                "eskiz login: http {status}"
            ))),
        }
    }

    async fn refresh(&self, token: &str) -> Result<Option<String>, DeliveryError> {
        let answer = self
            .call(Method::PATCH, "/api/auth/refresh", Some(token), None)
            .await?;
        if answer.status.is_success() {
            Ok(Some(Self::token_of(&answer, "refresh")?))
        } else if answer.status == StatusCode::UNAUTHORIZED {
            Ok(None)
        } else {
            Err(DeliveryError::Transient(format!(
                "eskiz refresh: http {}",
                answer.status
            )))
        }
    }

    /// Returns a token: the cached one, else a fresh login.
    async fn token(&self) -> Result<String, DeliveryError> {
        let mut cached = self.token.lock().await;
        if let Some(token) = cached.as_ref() {
            return Ok(token.clone());
        }
        let token = self.login().await?;
        *cached = Some(token.clone());
        Ok(token)
    }

    /// Replaces a token the gateway refused: refresh, else log in again.
    async fn renew(&self, refused: &str) -> Result<String, DeliveryError> {
        let mut cached = self.token.lock().await;
        if let Some(current) = cached.as_ref()
            && current != refused
        {
            return Ok(current.clone()); // another task renewed it meanwhile
        }
        let token = match self.refresh(refused).await? {
            Some(token) => token,
            None => self.login().await?,
        };
        *cached = Some(token.clone());
        Ok(token)
    }

    async fn send_sms(&self, phone: &str, text: &str) -> Result<String, DeliveryError> {
        let mobile = phone.trim_start_matches('+');
        let mut fields = vec![
            ("mobile_phone", mobile),
            ("message", text),
            ("from", self.settings.from.as_str()),
        ];
        if let Some(callback) = &self.settings.callback_url {
            fields.push(("callback_url", callback.as_str()));
        }
        let form = form_encode(&fields);
        let mut token = self.token().await?;
        for attempt in 0..2 {
            let answer = self
                .call(
                    Method::POST,
                    "/api/message/sms/send",
                    Some(&token),
                    Some(form.clone()),
                )
                .await?;
            match answer.status {
                status if status.is_success() => {
                    return answer.body["id"]
                        .as_str()
                        .map(str::to_owned)
                        .or_else(|| answer.body["id"].as_i64().map(|id| id.to_string()))
                        .ok_or_else(|| {
                            DeliveryError::Transient("eskiz send: no message id".to_owned())
                        });
                }
                StatusCode::UNAUTHORIZED if attempt == 0 => {
                    token = self.renew(&token).await?;
                }
                StatusCode::TOO_MANY_REQUESTS | StatusCode::UNAUTHORIZED => {
                    return Err(DeliveryError::Transient(format!(
                        "eskiz send: http {}",
                        answer.status
                    )));
                }
                status if status.is_server_error() => {
                    return Err(DeliveryError::Transient(format!(
                        "eskiz send: http {status}"
                    )));
                }
                status => {
                    let message = answer.body["message"].as_str().unwrap_or("refused");
                    return Err(DeliveryError::Permanent(format!(
                        "eskiz send: http {status}: {message}"
                    )));
                }
            }
        }
        Err(DeliveryError::Transient(
            "eskiz send: the token was refused twice".to_owned(),
        ))
    }
}

impl SmsProvider for EskizClient {
    fn send<'a>(
        &'a self,
        phone: &'a str,
        text: &'a str,
    ) -> BoxFuture<'a, Result<String, DeliveryError>> {
        Box::pin(self.send_sms(phone, text))
    }
}

/// A delivery report from Eskiz's callback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryReport {
    /// The id `send` returned.
    pub message_id: String,
    /// `DELIVRD`, `UNDELIV`, `EXPIRED`, `REJECTD`, … (kept as given, upper-cased).
    pub status: String,
}

/// Parses Eskiz's callback body (form-encoded or JSON): `message_id` (or `request_id`) and
/// `status`.
pub fn parse_callback(body: &[u8], is_json: bool) -> Option<DeliveryReport> {
    let field = |value: &serde_json::Value| match value {
        serde_json::Value::String(text) => Some(text.clone()),
        serde_json::Value::Number(number) => Some(number.to_string()),
        _ => None,
    };
    let (message_id, status) = if is_json {
        let json: serde_json::Value = serde_json::from_slice(body).ok()?;
        (
            field(&json["message_id"]).or_else(|| field(&json["request_id"]))?,
            field(&json["status"])?,
        )
    } else {
        let text = std::str::from_utf8(body).ok()?;
        let mut message_id = None;
        let mut request_id = None;
        let mut status = None;
        for pair in text.split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = value.replace('+', " ");
            let value = percent_encoding::percent_decode_str(&value)
                .decode_utf8()
                .ok()?
                .into_owned();
            match key {
                "message_id" => message_id = Some(value),
                "request_id" => request_id = Some(value),
                "status" => status = Some(value),
                _ => {}
            }
        }
        (message_id.or(request_id)?, status?)
    };
    let status = status.trim().to_ascii_uppercase();
    let valid = |s: &str| !s.is_empty() && s.len() <= 64;
    (valid(&message_id)
        && valid(&status)
        && status
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_'))
    .then_some(DeliveryReport { message_id, status })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_normalise_to_e164() {
        for input in [
            "+998 90 123-45-67",
            "998901234567",
            "00998901234567",
            "(90) 123 45 67",
            "901234567",
            "8901234567",
        ] {
            assert_eq!(
                normalize_phone(input).as_deref(),
                Some("+998901234567"),
                "{input}"
            );
        }
        for input in [
            "",
            "+7 901 234 56 78",
            "12345",
            "90123456a",
            "+998 90 123 45 6",
            "9+98901234567",
        ] {
            assert_eq!(normalize_phone(input), None, "{input}");
        }
    }

    #[test]
    fn segments_follow_gsm7_and_ucs2() {
        let latin = "Tasdiqlash kodingiz: 482913. Kod 5 daqiqa amal qiladi.";
        let s = segments(latin);
        assert_eq!((s.encoding, s.parts), (Encoding::Gsm7, 1));
        assert_eq!(s.units, latin.chars().count());
        assert_eq!(segments(&"a".repeat(160)).parts, 1);
        assert_eq!(segments(&"a".repeat(161)).parts, 2);
        assert_eq!(segments(&"a".repeat(306)).parts, 2);
        assert_eq!(segments(&"a".repeat(307)).parts, 3);
        // Extension characters take two septets.
        assert_eq!(segments(&"€".repeat(80)).units, 160);
        assert_eq!(segments(&"€".repeat(81)).parts, 2);
        // One Cyrillic letter switches the whole text to UCS-2.
        let cyrillic = "Код: 482913";
        assert_eq!(segments(cyrillic).encoding, Encoding::Ucs2);
        assert_eq!(segments(&"ў".repeat(70)).parts, 1);
        assert_eq!(segments(&"ў".repeat(71)).parts, 2);
        assert_eq!(segments(&"ў".repeat(134)).parts, 2);
        assert_eq!(segments(&"ў".repeat(135)).parts, 3);
        // The Uzbek Latin apostrophe (ʻ, U+02BB) is not GSM-7.
        assert_eq!(segments("oʻzbek").encoding, Encoding::Ucs2);
        assert_eq!(segments("").parts, 0);
    }

    #[test]
    fn callbacks_parse() {
        let report = parse_callback(
            b"request_id=abc&message_id=4385062&user_sms_id=&country=UZ&phone_number=998901234567&sms_count=1&status=DELIVRD&status_date=2026-12-07+03%3A00%3A00",
            false,
        )
        .unwrap();
        assert_eq!(report.message_id, "4385062");
        assert_eq!(report.status, "DELIVRD");
        let json = parse_callback(br#"{"message_id": 77, "status": "undeliv"}"#, true).unwrap();
        assert_eq!(
            (json.message_id.as_str(), json.status.as_str()),
            ("77", "UNDELIV")
        );
        assert!(parse_callback(b"status=DELIVRD", false).is_none());
        assert!(parse_callback(b"message_id=1&status=%3Cscript%3E", false).is_none());
    }
}
