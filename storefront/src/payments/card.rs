//! Card payments through the [`PaymentGateway`](super::PaymentGateway), shaped like Stripe's
//! PaymentIntents (`../shared/payments/CARD.md`):
//!
//! 1. `POST /api/v1/payments/card` (with `Idempotency-Key`) validates and tokenises the card
//!    and creates a payment for one of the buyer's own orders: `requires_confirmation`.
//! 2. `POST /api/v1/payments/card/{id}/confirm` re-checks the order and the child's parental
//!    limits and charges: `succeeded` (the order is paid in the same transaction),
//!    `requires_action` (3-D Secure or an Uzcard/Humo SMS code), or `requires_payment_method`
//!    with the decline code (HTTP 402).
//! 3. `POST /api/v1/payments/card/{id}/authenticate` completes the step (sandbox code
//!    `666666`); three wrong codes fail the payment.
//! 4. `POST /payments/card/webhook` takes the acquirer's signed events
//!    (`Stripe-Signature: t=…,v1=HMAC-SHA256(secret, "t.body")`, 300 s tolerance, compared in
//!    constant time), applies each event id once, and answers `{"received":true}`.
//!
//! Only the token, the brand and the last four digits are kept; the number never reaches the
//! database or the logs.

use super::gateway::{CardDetails, ChargeOutcome, NextAction};
use super::orders;
use super::store::{self, PayTx, PaymentError, PaymentResult, on_tx};
use crate::auth::CurrentUser;
use crate::commerce::orders::PaymentProvider;
use crate::{ApiError, AppState};
use axum::http::StatusCode;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

/// How far a webhook's timestamp may be from now.
pub const WEBHOOK_TOLERANCE_SECONDS: i64 = 300;
/// Wrong codes allowed for one payment's 3-D Secure or SMS step.
pub const MAX_AUTHENTICATION_ATTEMPTS: i64 = 3;

/// A request to pay an order by card.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCardPayment {
    /// The buyer's order.
    pub order_id: i64,
    /// The card.
    pub card: CardDetails,
}

/// The buyer's 3-D Secure or SMS code.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthenticateCardPayment {
    /// The code (the sandbox accepts `666666`).
    pub code: String,
}

/// A card payment as its buyer sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CardPaymentView {
    /// `pi_…`.
    pub id: String,
    /// The order.
    pub order_id: i64,
    /// Tiyin.
    pub amount: i64,
    /// PaymentIntent status.
    pub status: String,
    /// Card scheme.
    pub brand: String,
    /// Last four digits.
    pub last4: String,
    /// The step the buyer must complete, while `requires_action`.
    pub next_action: Option<String>,
    /// Why the last attempt failed, if it did.
    pub failure_code: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct CardRow {
    id: String,
    order_id: i64,
    amount: i64,
    status: String,
    card_token: String,
    brand: String,
    last4: String,
    next_action: Option<String>,
    failure_code: Option<String>,
    otp_attempts: i64,
    request_hash: String,
}

const CARD_COLUMNS: &str = "id, order_id, amount, status, card_token, brand, last4, \
                            next_action, failure_code, otp_attempts, request_hash";

impl CardRow {
    fn view(&self) -> CardPaymentView {
        CardPaymentView {
            id: self.id.clone(),
            order_id: self.order_id,
            amount: self.amount,
            status: self.status.clone(),
            brand: self.brand.clone(),
            last4: self.last4.clone(),
            next_action: self.next_action.clone(),
            failure_code: self.failure_code.clone(),
        }
    }
}

impl From<PaymentError> for ApiError {
    fn from(error: PaymentError) -> Self {
        match error {
            PaymentError::Db(db) => db.into(),
            PaymentError::Order(message) => ApiError::internal(message),
        }
    }
}

fn payment_not_found(id: &str) -> ApiError {
    ApiError::not_found(
        "card_payment_not_found",
        format!("card payment {id} does not exist"),
    )
}

fn order_not_found(id: i64) -> ApiError {
    ApiError::not_found("order_not_found", format!("order {id} does not exist"))
}

fn order_not_payable(id: i64) -> ApiError {
    ApiError::conflict(
        "order_not_payable",
        format!("order {id} is not awaiting payment"),
    )
}

fn limit_exceeded() -> ApiError {
    ApiError::forbidden(
        "spending_limit_exceeded",
        "the payment would exceed the spending limit a parent set",
    )
}

fn declined(code: &'static str) -> ApiError {
    let message = match code {
        "insufficient_funds" => "the card has insufficient funds",
        "incorrect_otp" => "the confirmation code is not correct",
        "authentication_failed" => "the card could not be authenticated",
        _ => "the card was declined",
    };
    ApiError {
        status: StatusCode::PAYMENT_REQUIRED,
        code,
        message: message.to_owned(),
    }
}

async fn load_row(tx: &mut PayTx, id: &str, buyer: i64) -> Result<CardRow, ApiError> {
    let sql = format!(
        "SELECT {CARD_COLUMNS} FROM card_payments WHERE id = $1 AND buyer_id = $2{}",
        store::lock_suffix(tx)
    );
    let row: Option<CardRow> = on_tx!(tx, |conn| {
        sqlx::query_as(&sql)
            .bind(id)
            .bind(buyer)
            .fetch_optional(&mut *conn)
            .await
            .map_err(PaymentError::from)?
    });
    row.ok_or_else(|| payment_not_found(id))
}

async fn update_row(
    tx: &mut PayTx,
    id: &str,
    status: &str,
    next_action: Option<&str>,
    failure_code: Option<&str>,
    otp_attempts: i64,
    now_ms: i64,
) -> Result<CardRow, ApiError> {
    let sql = format!(
        "UPDATE card_payments SET status = $2, next_action = $3, failure_code = $4, \
         otp_attempts = $5, updated_at = $6 WHERE id = $1 RETURNING {CARD_COLUMNS}"
    );
    Ok(on_tx!(tx, |conn| {
        sqlx::query_as::<_, CardRow>(&sql)
            .bind(id)
            .bind(status)
            .bind(next_action)
            .bind(failure_code)
            .bind(otp_attempts)
            .bind(now_ms)
            .fetch_one(&mut *conn)
            .await
            .map_err(PaymentError::from)?
    }))
}

fn validate_idempotency_key(key: Option<&str>) -> Result<&str, ApiError> {
    let key = key.ok_or_else(|| {
        ApiError::bad_request(
            "idempotency_key_required",
            "send an Idempotency-Key header with a payment creation",
        )
    })?;
    if key.is_empty() || key.len() > 255 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ApiError::bad_request(
            "invalid_idempotency_key",
            "the Idempotency-Key must be 1-255 visible ASCII characters",
        ));
    }
    Ok(key)
}

/// Creates a payment for one of `user`'s orders (201; 200 with the same payment on a repeat
/// of the same key and body; 422 `idempotency_key_reused` for the same key with another body).
pub async fn create(
    state: &AppState,
    user: &CurrentUser,
    idempotency_key: Option<&str>,
    request: &CreateCardPayment,
) -> Result<(StatusCode, CardPaymentView), ApiError> {
    let key = validate_idempotency_key(idempotency_key)?;
    let now = state.0.auth.now();
    let token = state
        .0
        .payments
        .gateway
        .tokenize(&request.card, now.date_naive())
        .await
        .map_err(ApiError::unavailable)?
        .map_err(|error| ApiError::bad_request(error.code(), error.to_string()))?;
    // The card number never enters the hash: the order and what is kept of the card.
    let request_hash = crate::auth::token::sha256_hex(&format!(
        "{}|{}|{}|{}|{}",
        request.order_id,
        token.brand.as_str(),
        token.last4,
        token.exp_month,
        token.exp_year
    ));
    let id = format!(
        "pi_{}",
        crate::auth::token::new_id().map_err(ApiError::internal)?
    );
    for _attempt in 0..2 {
        let mut tx = store::begin(&state.0.db).await?;
        let existing_sql = format!(
            "SELECT {CARD_COLUMNS} FROM card_payments WHERE buyer_id = $1 AND idempotency_key = $2"
        );
        let existing: Option<CardRow> = on_tx!(&mut tx, |conn| {
            sqlx::query_as(&existing_sql)
                .bind(user.id.0)
                .bind(key)
                .fetch_optional(&mut *conn)
                .await
                .map_err(PaymentError::from)?
        });
        if let Some(existing) = existing {
            if existing.request_hash != request_hash {
                return Err(ApiError {
                    status: StatusCode::UNPROCESSABLE_ENTITY,
                    code: "idempotency_key_reused",
                    message: "this Idempotency-Key was used with another request".to_owned(),
                });
            }
            return Ok((StatusCode::OK, existing.view()));
        }
        let order = orders::load_for_payment(&mut tx, request.order_id)
            .await?
            .ok_or_else(|| order_not_found(request.order_id))?;
        if !pays_for(&mut tx, user, &order).await? {
            // The same answer as for a missing order: ids cannot be probed.
            return Err(order_not_found(request.order_id));
        }
        if !orders::awaits_payment(&order) {
            return Err(order_not_payable(order.id.0));
        }
        let insert_sql = format!(
            "INSERT INTO card_payments (id, order_id, buyer_id, amount, status, card_token, brand, \
             last4, exp_month, exp_year, idempotency_key, request_hash, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 'requires_confirmation', $5, $6, $7, $8, $9, $10, $11, $12, $12) \
             RETURNING {CARD_COLUMNS}"
        );
        let inserted: Result<CardRow, PaymentError> = on_tx!(&mut tx, |conn| {
            sqlx::query_as(&insert_sql)
                .bind(&id)
                .bind(order.id.0)
                .bind(user.id.0)
                .bind(order.total_tiyin)
                .bind(&token.token)
                .bind(token.brand.as_str())
                .bind(&token.last4)
                .bind(i64::from(token.exp_month))
                .bind(i64::from(token.exp_year))
                .bind(key)
                .bind(&request_hash)
                .bind(now.timestamp_millis())
                .fetch_one(&mut *conn)
                .await
                .map_err(PaymentError::from)
        });
        let row = match inserted {
            Ok(row) => row,
            // A concurrent request with the same key won: read its payment.
            Err(error) if store::is_unique_violation(&error) => continue,
            Err(error) => return Err(error.into()),
        };
        match store::commit(tx).await {
            Ok(()) => {}
            Err(error) if store::is_unique_violation(&error) => continue,
            Err(error) => return Err(error.into()),
        }
        tracing::info!(payment_id = %row.id, order_id = order.id.0, brand = %row.brand, "card payment {} created", row.id);
        return Ok((StatusCode::CREATED, row.view()));
    }
    Err(ApiError::conflict(
        "idempotency_conflict",
        "a concurrent request with this Idempotency-Key is in progress; retry",
    ))
}

/// Returns whether `user` may pay `order`: the buyer, or the parent of the child it is for.
async fn pays_for(
    tx: &mut PayTx,
    user: &CurrentUser,
    order: &orders::PayableOrder,
) -> Result<bool, ApiError> {
    if order.buyer_user_id == Some(user.id) {
        return Ok(true);
    }
    let Some(child) = order.child_id else {
        return Ok(false);
    };
    let parent: Option<i64> = on_tx!(tx, |conn| {
        sqlx::query_scalar("SELECT parent_user_id FROM child_profiles WHERE id = $1")
            .bind(child.0)
            .fetch_optional(&mut *conn)
            .await
            .map_err(PaymentError::from)?
    });
    Ok(parent == Some(user.id.0))
}

/// Returns one of `user`'s payments.
pub async fn get(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<CardPaymentView, ApiError> {
    let mut tx = store::begin(&state.0.db).await?;
    Ok(load_row(&mut tx, id, user.id.0).await?.view())
}

/// Re-checks the order and the parental limits, then marks the order paid and the payment
/// `succeeded`, in the caller's transaction.
async fn settle(tx: &mut PayTx, row: &CardRow, state: &AppState) -> Result<(), ApiError> {
    let now = state.0.auth.now();
    let order = orders::load_for_payment(tx, row.order_id)
        .await?
        .ok_or_else(|| order_not_found(row.order_id))?;
    if !orders::awaits_payment(&order) {
        return Err(order_not_payable(order.id.0));
    }
    if !orders::parental_limit_allows(tx, &order, now).await? {
        return Err(limit_exceeded());
    }
    orders::mark_paid(tx, order.id.0, PaymentProvider::Card, now).await?;
    Ok(())
}

/// Confirms (charges) one of `user`'s payments.
pub async fn confirm(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<CardPaymentView, ApiError> {
    let now_ms = state.0.auth.now().timestamp_millis();
    let mut tx = store::begin(&state.0.db).await?;
    let row = load_row(&mut tx, id, user.id.0).await?;
    match row.status.as_str() {
        "succeeded" => return Ok(row.view()),
        "requires_confirmation" => {}
        "requires_action" => {
            return Err(ApiError::conflict(
                "payment_requires_action",
                "complete the authentication step first",
            ));
        }
        other => {
            return Err(ApiError::conflict(
                "invalid_payment_state",
                format!("a payment in status {other} cannot be confirmed"),
            ));
        }
    }
    // The order and the limits are checked before the card is charged.
    let order = orders::load_for_payment(&mut tx, row.order_id)
        .await?
        .ok_or_else(|| order_not_found(row.order_id))?;
    if !orders::awaits_payment(&order) {
        return Err(order_not_payable(order.id.0));
    }
    if !orders::parental_limit_allows(&mut tx, &order, state.0.auth.now()).await? {
        return Err(limit_exceeded());
    }
    let outcome = state
        .0
        .payments
        .gateway
        .charge(&row.card_token, row.amount, &row.id)
        .await
        .map_err(ApiError::unavailable)?;
    apply_outcome(state, tx, row, outcome, now_ms).await
}

async fn apply_outcome(
    state: &AppState,
    mut tx: PayTx,
    row: CardRow,
    outcome: ChargeOutcome,
    now_ms: i64,
) -> Result<CardPaymentView, ApiError> {
    match outcome {
        ChargeOutcome::Succeeded => {
            settle(&mut tx, &row, state).await?;
            let row = update_row(
                &mut tx,
                &row.id,
                "succeeded",
                None,
                None,
                row.otp_attempts,
                now_ms,
            )
            .await?;
            store::commit(tx).await?;
            tracing::info!(payment_id = %row.id, order_id = row.order_id, "card payment {} succeeded", row.id);
            Ok(row.view())
        }
        ChargeOutcome::RequiresAction(action) => {
            let row = update_row(
                &mut tx,
                &row.id,
                "requires_action",
                Some(action.as_str()),
                None,
                0,
                now_ms,
            )
            .await?;
            store::commit(tx).await?;
            Ok(row.view())
        }
        ChargeOutcome::Declined("incorrect_otp")
            if row.otp_attempts + 1 < MAX_AUTHENTICATION_ATTEMPTS =>
        {
            update_row(
                &mut tx,
                &row.id,
                "requires_action",
                row.next_action.as_deref(),
                Some("incorrect_otp"),
                row.otp_attempts + 1,
                now_ms,
            )
            .await?;
            store::commit(tx).await?;
            Err(declined("incorrect_otp"))
        }
        ChargeOutcome::Declined(code) => {
            let code = if code == "incorrect_otp" {
                "authentication_failed"
            } else {
                code
            };
            update_row(
                &mut tx,
                &row.id,
                "requires_payment_method",
                None,
                Some(code),
                row.otp_attempts,
                now_ms,
            )
            .await?;
            store::commit(tx).await?;
            tracing::info!(payment_id = %row.id, code, "card payment {} declined: {code}", row.id);
            Err(declined(code))
        }
    }
}

/// Completes the 3-D Secure or SMS step of one of `user`'s payments.
pub async fn authenticate(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    code: &str,
) -> Result<CardPaymentView, ApiError> {
    if code.is_empty() || code.len() > 16 {
        return Err(ApiError::bad_request(
            "invalid_code",
            "the code must be 1-16 characters",
        ));
    }
    let now_ms = state.0.auth.now().timestamp_millis();
    let mut tx = store::begin(&state.0.db).await?;
    let row = load_row(&mut tx, id, user.id.0).await?;
    if row.status == "succeeded" {
        return Ok(row.view());
    }
    let action = match (
        row.status.as_str(),
        row.next_action.as_deref().and_then(NextAction::parse),
    ) {
        ("requires_action", Some(action)) => action,
        (other, _) => {
            return Err(ApiError::conflict(
                "invalid_payment_state",
                format!("a payment in status {other} has no authentication step"),
            ));
        }
    };
    let outcome = state
        .0
        .payments
        .gateway
        .authenticate(&row.card_token, action, code)
        .await
        .map_err(ApiError::unavailable)?;
    apply_outcome(state, tx, row, outcome, now_ms).await
}

/// How long an unfinished payment intent lives before it is cancelled.
pub const ABANDONED_AFTER: chrono::Duration = chrono::Duration::days(7);

/// Cancels payments still unfinished (`requires_payment_method`, `requires_confirmation`,
/// `requires_action`) 7 days after creation, as an acquirer cancels uncaptured intents; returns
/// how many. The order is left to its own expiry. The payments background loop calls it.
pub async fn cancel_abandoned(app: &crate::App) -> PaymentResult<u64> {
    let now_ms = app.auth.now().timestamp_millis();
    let cutoff = now_ms - ABANDONED_AFTER.num_milliseconds();
    Ok(crate::db::dispatch!(&app.db, |pool, _d| {
        sqlx::query(
            "UPDATE card_payments SET status = 'canceled', next_action = NULL, updated_at = $1 \
             WHERE status IN ('requires_payment_method', 'requires_confirmation', \
             'requires_action') AND created_at < $2",
        )
        .bind(now_ms)
        .bind(cutoff)
        .execute(pool)
        .await?
        .rows_affected()
    }))
}

/// Returns the `Stripe-Signature` header value for `body` sent at `timestamp` (seconds).
pub fn sign_webhook(secret: &str, timestamp: i64, body: &[u8]) -> String {
    format!(
        "t={timestamp},v1={}",
        webhook_digest(secret, timestamp, body)
    )
}

fn webhook_digest(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable_hmac());
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// HMAC takes keys of any length; this is never reached.
fn unreachable_hmac() -> Hmac<Sha256> {
    let digest = Sha256::digest(b"");
    match <Hmac<Sha256> as Mac>::new_from_slice(&digest) {
        Ok(mac) => mac,
        Err(_) => std::process::abort(),
    }
}

/// Why a webhook signature was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// No header, or not `t=…,v1=…`.
    #[error("the Stripe-Signature header is missing or malformed")]
    Malformed,
    /// The timestamp is more than 300 s from now.
    #[error("the signature timestamp is outside the tolerance")]
    Stale,
    /// No `v1` matches.
    #[error("no signature matches the body")]
    Mismatch,
}

impl SignatureError {
    /// Returns the stable code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Malformed => "invalid_signature_header",
            Self::Stale => "signature_timestamp_out_of_tolerance",
            Self::Mismatch => "invalid_signature",
        }
    }
}

/// Verifies a `Stripe-Signature` header against `body` at `now` (seconds).
pub fn verify_webhook(
    secret: &str,
    header: Option<&str>,
    body: &[u8],
    now: i64,
) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::Malformed)?;
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => {
                timestamp = Some(
                    value
                        .parse::<i64>()
                        .map_err(|_| SignatureError::Malformed)?,
                );
            }
            Some(("v1", value)) => signatures.push(value),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if (now - timestamp).abs() > WEBHOOK_TOLERANCE_SECONDS {
        return Err(SignatureError::Stale);
    }
    let expected = webhook_digest(secret, timestamp, body);
    let mut any = subtle::Choice::from(0);
    for signature in signatures {
        any |= expected.as_bytes().ct_eq(signature.as_bytes());
    }
    if bool::from(any) {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

#[derive(Debug, Deserialize)]
struct WebhookEvent {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    data: WebhookData,
}

#[derive(Debug, Deserialize)]
struct WebhookData {
    object: WebhookObject,
}

#[derive(Debug, Deserialize)]
struct WebhookObject {
    id: String,
    #[serde(default)]
    last_payment_error: Option<WebhookPaymentError>,
}

#[derive(Debug, Deserialize)]
struct WebhookPaymentError {
    code: Option<String>,
}

/// Verifies and applies one webhook event; a repeated event id changes nothing and gets the
/// same reply.
pub async fn handle_webhook(
    state: &AppState,
    signature: Option<&str>,
    body: &[u8],
) -> Result<serde_json::Value, ApiError> {
    let Some(secret) = &state.0.payments.settings.card_webhook_secret else {
        tracing::warn!("card webhook: BOLAJON_CARD_WEBHOOK_SECRET is unset; refusing");
        return Err(ApiError::unauthorized(
            "invalid_signature",
            "webhooks are not configured",
        ));
    };
    let now = state.0.auth.now();
    verify_webhook(secret, signature, body, now.timestamp())
        .map_err(|error| ApiError::bad_request(error.code(), error.to_string()))?;
    let event: WebhookEvent = serde_json::from_slice(body).map_err(|error| {
        ApiError::bad_request("invalid_event", format!("the event is not valid: {error}"))
    })?;
    if event.id.is_empty() || event.id.len() > 255 || event.data.object.id.len() > 64 {
        return Err(ApiError::bad_request(
            "invalid_event",
            "the event id or object id is not valid",
        ));
    }
    let now_ms = now.timestamp_millis();
    let mut tx = store::begin(&state.0.db).await?;
    let inserted = on_tx!(&mut tx, |conn| {
        sqlx::query(
            "INSERT INTO card_webhook_events (event_id, event_type, payment_id, received_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (event_id) DO NOTHING",
        )
        .bind(&event.id)
        .bind(&event.kind)
        .bind(&event.data.object.id)
        .bind(now_ms)
        .execute(&mut *conn)
        .await
        .map_err(PaymentError::from)?
        .rows_affected()
    });
    let reply = serde_json::json!({ "received": true });
    if inserted == 0 {
        tracing::info!(event_id = %event.id, "card webhook: event {} already applied", event.id);
        return Ok(reply);
    }
    let sql = format!(
        "SELECT {CARD_COLUMNS} FROM card_payments WHERE id = $1{}",
        store::lock_suffix(&tx)
    );
    let row: Option<CardRow> = on_tx!(&mut tx, |conn| {
        sqlx::query_as(&sql)
            .bind(&event.data.object.id)
            .fetch_optional(&mut *conn)
            .await
            .map_err(PaymentError::from)?
    });
    let Some(row) = row else {
        tracing::warn!(event_id = %event.id, payment_id = %event.data.object.id, "card webhook: unknown payment");
        store::commit(tx).await?;
        return Ok(reply);
    };
    let settled = row.status == "succeeded" || row.status == "canceled";
    match event.kind.as_str() {
        "payment_intent.succeeded" if !settled => {
            // The acquirer took the money: the order is paid even if our confirm never
            // returned (the limits were checked at confirmation).
            let now = state.0.auth.now();
            if let Some(order) = orders::load_for_payment(&mut tx, row.order_id).await?
                && orders::awaits_payment(&order)
            {
                orders::mark_paid(&mut tx, order.id.0, PaymentProvider::Card, now).await?;
            }
            update_row(
                &mut tx,
                &row.id,
                "succeeded",
                None,
                None,
                row.otp_attempts,
                now_ms,
            )
            .await?;
        }
        "payment_intent.payment_failed" if !settled => {
            let code = event
                .data
                .object
                .last_payment_error
                .and_then(|error| error.code)
                .filter(|code| code.len() <= 64)
                .unwrap_or_else(|| "card_declined".to_owned());
            update_row(
                &mut tx,
                &row.id,
                "requires_payment_method",
                None,
                Some(&code),
                row.otp_attempts,
                now_ms,
            )
            .await?;
        }
        "payment_intent.canceled" if !settled => {
            update_row(
                &mut tx,
                &row.id,
                "canceled",
                None,
                None,
                row.otp_attempts,
                now_ms,
            )
            .await?;
        }
        other => {
            tracing::info!(event_id = %event.id, kind = other, "card webhook: event {} needs no change", event.id);
        }
    }
    store::commit(tx).await?;
    Ok(reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_signatures_follow_stripes_scheme() {
        let body = br#"{"id":"evt_1"}"#;
        let header = sign_webhook("whsec_test", 1_700_000_000, body);
        assert!(header.starts_with("t=1700000000,v1="));
        assert_eq!(
            verify_webhook("whsec_test", Some(&header), body, 1_700_000_100),
            Ok(())
        );
        assert_eq!(
            verify_webhook("whsec_test", Some(&header), body, 1_700_000_301),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify_webhook(
                "whsec_test",
                Some(&header),
                b"{\"id\":\"evt_2\"}",
                1_700_000_000
            ),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_webhook("other", Some(&header), body, 1_700_000_000),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_webhook("whsec_test", Some("v1=abc"), body, 1_700_000_000),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify_webhook("whsec_test", None, body, 1_700_000_000),
            Err(SignatureError::Malformed)
        );
        // A rotated secret: any matching v1 passes.
        let rotated = format!("{header},v1=00ff");
        assert_eq!(
            verify_webhook("whsec_test", Some(&rotated), body, 1_700_000_000),
            Ok(())
        );
        // The reference value: HMAC-SHA256("whsec_test", "1700000000.{\"id\":\"evt_1\"}").
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(b"whsec_test").unwrap();
        mac.update(b"1700000000.{\"id\":\"evt_1\"}");
        let expected: String = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(header, format!("t=1700000000,v1={expected}"));
    }
}
