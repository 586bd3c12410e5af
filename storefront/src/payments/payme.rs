//! The Payme Merchant API (`POST /payments/payme`): JSON-RPC 2.0 with Basic auth, always
//! answered with HTTP 200 and the request's `id`, per `../shared/payments/PAYME.md`.
//!
//! Methods: CheckPerformTransaction, CreateTransaction, PerformTransaction, CancelTransaction,
//! CheckTransaction, GetStatement and ChangePassword. The account field is `order_id`.
//! Create, perform and cancel times are stored at the first transition and echoed forever
//! after, so the sandbox's repeated calls get identical replies. A transaction left in state 1
//! more than 12 hours after its Payme `time` is cancelled (state -1, reason 4) when Create or
//! Perform next touches it, and by [`sweep_expired`] otherwise.

use super::orders::{self, PayableOrder};
use super::store::{self, PayTx, PaymeRow, PaymentError, PaymentResult};
use crate::AppState;
use crate::auth::ClientMeta;
use crate::commerce::orders::PaymentProvider;
use base64::Engine as _;
use serde_json::{Value, json};
use subtle::ConstantTimeEq as _;

/// The Basic-auth login Payme uses.
pub const LOGIN: &str = "Paycom";
/// Twelve hours in milliseconds: a state-1 transaction older than this (by Payme `time`) is
/// cancelled with reason 4.
pub const TIMEOUT_MS: i64 = 43_200_000;
/// The default code of a second CreateTransaction for a one-time order.
pub const DEFAULT_SECOND_TRANSACTION_CODE: i32 = -31008;
/// Cancel reason: timeout.
pub const REASON_TIMEOUT: i64 = 4;
/// Payme's production checkout host.
pub const CHECKOUT_URL: &str = "https://checkout.paycom.uz";
/// Payme's sandbox checkout host.
pub const SANDBOX_CHECKOUT_URL: &str = "https://test.paycom.uz";
/// The account field naming our order.
pub const ACCOUNT_FIELD: &str = "order_id";

/// A JSON-RPC error with a localised message.
#[derive(Debug, Clone, PartialEq)]
pub struct PaymeError {
    /// Payme error code.
    pub code: i32,
    /// Russian, Uzbek and English messages.
    pub message: [&'static str; 3],
    /// Extra data: the account field, the method name, or the offending parameter.
    pub data: Option<Value>,
}

impl PaymeError {
    fn new(code: i32, ru: &'static str, uz: &'static str, en: &'static str) -> Self {
        Self {
            code,
            message: [ru, uz, en],
            data: None,
        }
    }

    fn with_data(mut self, data: impl Into<Value>) -> Self {
        self.data = Some(data.into());
        self
    }

    /// Returns the `error` member of the reply.
    pub fn to_json(&self) -> Value {
        let [ru, uz, en] = self.message;
        let mut error = json!({ "code": self.code, "message": { "ru": ru, "uz": uz, "en": en } });
        if let Some(data) = &self.data {
            error["data"] = data.clone();
        }
        error
    }

    fn not_post() -> Self {
        Self::new(
            -32300,
            "Метод запроса должен быть POST",
            "So'rov usuli POST bo'lishi kerak",
            "the request method must be POST",
        )
    }

    fn parse_error() -> Self {
        Self::new(
            -32700,
            "Ошибка разбора JSON",
            "JSON tahlilida xato",
            "the body is not valid JSON",
        )
    }

    fn invalid_request(field: &str) -> Self {
        Self::new(
            -32600,
            "Отсутствуют обязательные поля или неверный тип",
            "Majburiy maydonlar yo'q yoki turi noto'g'ri",
            "required fields are missing or mistyped",
        )
        .with_data(field)
    }

    fn method_not_found(method: &str) -> Self {
        Self::new(
            -32601,
            "Метод не найден",
            "Usul topilmadi",
            "method not found",
        )
        .with_data(method)
    }

    fn insufficient_privileges() -> Self {
        Self::new(
            -32504,
            "Недостаточно привилегий для выполнения метода",
            "Usulni bajarish uchun huquqlar yetarli emas",
            "insufficient privileges to perform this method",
        )
    }

    fn system_error() -> Self {
        Self::new(-32400, "Системная ошибка", "Tizim xatosi", "system error")
    }

    fn wrong_amount() -> Self {
        Self::new(-31001, "Неверная сумма", "Noto'g'ri summa", "wrong amount")
    }

    fn transaction_not_found() -> Self {
        Self::new(
            -31003,
            "Транзакция не найдена",
            "Tranzaksiya topilmadi",
            "transaction not found",
        )
    }

    fn delivered() -> Self {
        Self::new(
            -31007,
            "Заказ выполнен. Невозможно отменить транзакцию",
            "Buyurtma bajarilgan. Tranzaksiyani bekor qilib bo'lmaydi",
            "the order has been delivered; the transaction cannot be cancelled",
        )
    }

    fn cannot_perform() -> Self {
        Self::new(
            -31008,
            "Невозможно выполнить операцию",
            "Amalni bajarib bo'lmaydi",
            "the operation cannot be performed",
        )
    }

    fn parental_limit_on_perform() -> Self {
        Self::new(
            -31008,
            "Оплата превышает лимит расходов, установленный родителем",
            "To'lov ota-ona belgilagan xarajat chegarasidan oshadi",
            "the payment would exceed the spending limit a parent set",
        )
    }

    fn second_transaction(code: i32) -> Self {
        Self::new(
            code,
            "Заказ уже ожидает оплаты или оплачен",
            "Buyurtma allaqachon to'lovni kutmoqda yoki to'langan",
            "the order already has an active or performed transaction",
        )
        .with_data(ACCOUNT_FIELD)
    }

    fn order_not_found() -> Self {
        Self::new(
            -31050,
            "Заказ не найден",
            "Buyurtma topilmadi",
            "order not found",
        )
        .with_data(ACCOUNT_FIELD)
    }

    fn order_not_payable() -> Self {
        Self::new(
            -31051,
            "Заказ не ожидает оплаты",
            "Buyurtma to'lovni kutmayapti",
            "the order is not awaiting payment",
        )
        .with_data(ACCOUNT_FIELD)
    }

    fn parental_limit() -> Self {
        Self::new(
            -31052,
            "Оплата превышает лимит расходов, установленный родителем",
            "To'lov ota-ona belgilagan xarajat chegarasidan oshadi",
            "the payment would exceed the spending limit a parent set",
        )
        .with_data(ACCOUNT_FIELD)
    }

    fn time_expired() -> Self {
        Self::new(
            -31050,
            "Время создания транзакции истекло",
            "Tranzaksiya yaratish muddati o'tgan",
            "the transaction was created in Payme more than 12 hours ago",
        )
        .with_data("time")
    }
}

impl From<PaymentError> for PaymeError {
    fn from(error: PaymentError) -> Self {
        tracing::error!(%error, "payme: system error: {error}");
        Self::system_error()
    }
}

type RpcResult = Result<Value, PaymeError>;

/// Answers one Merchant API call. `body` is `None` when it could not be read (too large).
/// The reply is always sent with HTTP 200.
pub async fn handle(
    state: &AppState,
    is_post: bool,
    authorization: Option<&str>,
    body: Option<&[u8]>,
    meta: &ClientMeta,
) -> Value {
    let mut id = Value::Null;
    let outcome = answer(state, is_post, authorization, body, meta, &mut id).await;
    match outcome {
        Ok(result) => json!({ "result": result, "id": id }),
        Err(error) => json!({ "error": error.to_json(), "id": id }),
    }
}

async fn answer(
    state: &AppState,
    is_post: bool,
    authorization: Option<&str>,
    body: Option<&[u8]>,
    meta: &ClientMeta,
    id: &mut Value,
) -> RpcResult {
    if !is_post {
        return Err(PaymeError::not_post());
    }
    let request: Value = body
        .and_then(|body| serde_json::from_slice(body).ok())
        .ok_or_else(PaymeError::parse_error)?;
    let Value::Object(request) = request else {
        return Err(PaymeError::invalid_request("request"));
    };
    if let Some(value @ (Value::Number(_) | Value::String(_))) = request.get("id") {
        *id = value.clone();
    }
    if !authorized(state, authorization).await? {
        return Err(PaymeError::insufficient_privileges());
    }
    if !matches!(request.get("id"), Some(Value::Number(_) | Value::String(_))) {
        return Err(PaymeError::invalid_request("id"));
    }
    let Some(Value::String(method)) = request.get("method") else {
        return Err(PaymeError::invalid_request("method"));
    };
    let Some(Value::Object(params)) = request.get("params") else {
        return Err(PaymeError::invalid_request("params"));
    };
    let now_ms = state.0.auth.now().timestamp_millis();
    let payme = Payme {
        state,
        now_ms,
        second_transaction_code: state.0.payments.settings.payme_second_transaction_code,
    };
    match method.as_str() {
        "CheckPerformTransaction" => payme.check_perform(params).await,
        "CreateTransaction" => payme.create(params).await,
        "PerformTransaction" => payme.perform(params).await,
        "CancelTransaction" => payme.cancel(params).await,
        "CheckTransaction" => payme.check(params).await,
        "GetStatement" => payme.statement(params).await,
        "ChangePassword" => payme.change_password(params, meta).await,
        other => Err(PaymeError::method_not_found(other)),
    }
}

/// Checks `Authorization: Basic base64(Paycom:KEY)` against the current key (a rotated one,
/// stored as its SHA-256, else `BOLAJON_PAYME_KEY`), comparing digests in constant time.
async fn authorized(state: &AppState, authorization: Option<&str>) -> PaymentResult<bool> {
    let Some((login, password)) = authorization
        .and_then(|value| value.strip_prefix("Basic "))
        .and_then(|encoded| {
            base64::engine::general_purpose::STANDARD
                .decode(encoded.trim())
                .ok()
        })
        .and_then(|decoded| String::from_utf8(decoded).ok())
        .and_then(|decoded| {
            decoded
                .split_once(':')
                .map(|(login, password)| (login.to_owned(), password.to_owned()))
        })
    else {
        return Ok(false);
    };
    // A rotated key is stored as its SHA-256 (hex), never in the clear.
    let expected = match store::payme_stored_key(&state.0.db).await? {
        Some(hash) => hash,
        None => match &state.0.payments.settings.payme_key {
            Some(key) => crate::auth::token::sha256_hex(key),
            None => return Ok(false),
        },
    };
    let given = crate::auth::token::sha256_hex(&password);
    let key_matches: bool = given.as_bytes().ct_eq(expected.as_bytes()).into();
    Ok(key_matches && login == LOGIN)
}

fn integer(value: &Value) -> Option<i64> {
    value.as_i64().or_else(|| {
        value
            .as_f64()
            .filter(|float| float.fract() == 0.0 && float.abs() < 9.0e15)
            .map(|float| float as i64)
    })
}

fn int_param(params: &serde_json::Map<String, Value>, name: &str) -> Result<i64, PaymeError> {
    params
        .get(name)
        .and_then(integer)
        .ok_or_else(|| PaymeError::invalid_request(name))
}

fn transaction_id(params: &serde_json::Map<String, Value>) -> Result<String, PaymeError> {
    match params.get("id") {
        Some(Value::String(id)) if !id.is_empty() && id.len() <= 64 => Ok(id.clone()),
        _ => Err(PaymeError::invalid_request("id")),
    }
}

fn amount_param(params: &serde_json::Map<String, Value>) -> Result<i64, PaymeError> {
    let amount = int_param(params, "amount")?;
    if amount <= 0 {
        return Err(PaymeError::wrong_amount());
    }
    Ok(amount)
}

/// Reads `account.order_id` (a string of digits or a number).
fn order_param(params: &serde_json::Map<String, Value>) -> Result<i64, PaymeError> {
    let Some(Value::Object(account)) = params.get("account") else {
        return Err(PaymeError::invalid_request("account"));
    };
    let order_id = match account.get(ACCOUNT_FIELD) {
        Some(Value::String(text)) => text.trim().parse::<i64>().ok(),
        Some(value @ Value::Number(_)) => integer(value),
        _ => None,
    };
    order_id
        .filter(|id| *id > 0)
        .ok_or_else(PaymeError::order_not_found)
}

/// Locks the order of transaction `payme_id`, then the transaction. Every Payme path takes
/// the order's lock before the transaction's (PostgreSQL), so concurrent calls serialise on
/// the order and never deadlock.
async fn lock_transaction(tx: &mut PayTx, payme_id: &str) -> PaymentResult<Option<PaymeRow>> {
    let Some(order_id) = store::payme_order_of(tx, payme_id).await? else {
        return Ok(None);
    };
    orders::load_for_payment(tx, order_id).await?;
    store::payme_by_payme_id(tx, payme_id).await
}

fn expired(row: &PaymeRow, now_ms: i64) -> bool {
    row.state == 1 && now_ms - row.payme_time > TIMEOUT_MS
}

fn create_reply(row: &PaymeRow) -> Value {
    json!({ "create_time": row.create_time, "transaction": row.id.to_string(), "state": row.state })
}

fn perform_reply(row: &PaymeRow) -> Value {
    json!({ "transaction": row.id.to_string(), "perform_time": row.perform_time, "state": row.state })
}

fn cancel_reply(row: &PaymeRow) -> Value {
    json!({ "transaction": row.id.to_string(), "cancel_time": row.cancel_time, "state": row.state })
}

fn check_reply(row: &PaymeRow) -> Value {
    json!({
        "create_time": row.create_time,
        "perform_time": row.perform_time,
        "cancel_time": row.cancel_time,
        "transaction": row.id.to_string(),
        "state": row.state,
        "reason": row.reason,
    })
}

fn statement_entry(row: &PaymeRow) -> Value {
    json!({
        "id": row.payme_id,
        "time": row.payme_time,
        "amount": row.amount,
        "account": { ACCOUNT_FIELD: row.order_id.to_string() },
        "create_time": row.create_time,
        "perform_time": row.perform_time,
        "cancel_time": row.cancel_time,
        "transaction": row.id.to_string(),
        "state": row.state,
        "reason": row.reason,
        "receivers": Value::Null,
    })
}

fn millis_to_time(ms: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// Cancels an expired state-1 transaction (state -1, reason 4) and releases its order.
async fn cancel_expired(tx: &mut PayTx, row: &PaymeRow, now_ms: i64) -> PaymentResult<PaymeRow> {
    let cancelled = store::payme_cancel(tx, row.id, 1, now_ms, REASON_TIMEOUT).await?;
    release_order(tx, row.order_id, "payme_timeout", now_ms).await?;
    Ok(cancelled)
}

async fn release_order(
    tx: &mut PayTx,
    order_id: i64,
    reason: &str,
    now_ms: i64,
) -> PaymentResult<()> {
    if let Some(order) = orders::load_for_payment(tx, order_id).await?
        && orders::awaits_payment(&order)
    {
        orders::cancel_unpaid(tx, order_id, reason, millis_to_time(now_ms)).await?;
    }
    Ok(())
}

struct Payme<'a> {
    state: &'a AppState,
    now_ms: i64,
    second_transaction_code: i32,
}

impl Payme<'_> {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        millis_to_time(self.now_ms)
    }

    /// The checks shared by CheckPerformTransaction and CreateTransaction (which also refuses
    /// an order that already has a live transaction, before the order's own status).
    async fn payable_order(
        &self,
        tx: &mut PayTx,
        order_id: i64,
        amount: i64,
        refuse_second_transaction: bool,
    ) -> Result<PayableOrder, PaymeError> {
        let order = orders::load_for_payment(tx, order_id)
            .await?
            .ok_or_else(PaymeError::order_not_found)?;
        if order.total_tiyin != amount {
            return Err(PaymeError::wrong_amount());
        }
        if refuse_second_transaction
            && store::payme_order_has_live_transaction(tx, order.id.0).await?
        {
            return Err(PaymeError::second_transaction(self.second_transaction_code));
        }
        if !orders::awaits_payment(&order) {
            return Err(PaymeError::order_not_payable());
        }
        if !orders::parental_limit_allows(tx, &order, self.now()).await? {
            return Err(PaymeError::parental_limit());
        }
        Ok(order)
    }

    async fn check_perform(&self, params: &serde_json::Map<String, Value>) -> RpcResult {
        let amount = amount_param(params)?;
        let order_id = order_param(params)?;
        let mut tx = store::begin(&self.state.0.db).await?;
        self.payable_order(&mut tx, order_id, amount, false).await?;
        Ok(json!({ "allow": true }))
    }

    async fn create(&self, params: &serde_json::Map<String, Value>) -> RpcResult {
        let payme_id = transaction_id(params)?;
        let time = int_param(params, "time")?;
        let amount = amount_param(params)?;
        let order_id = order_param(params)?;
        // A concurrent create of the same id or for the same order loses on a unique index;
        // the retry then sees the winner's row.
        match self.try_create(&payme_id, time, amount, order_id).await {
            Err(RetryOrFail::Retry) => {
                match self.try_create(&payme_id, time, amount, order_id).await {
                    Ok(reply) => Ok(reply),
                    Err(RetryOrFail::Retry) => {
                        Err(PaymeError::second_transaction(self.second_transaction_code))
                    }
                    Err(RetryOrFail::Fail(error)) => Err(error),
                }
            }
            Ok(reply) => Ok(reply),
            Err(RetryOrFail::Fail(error)) => Err(error),
        }
    }

    async fn try_create(
        &self,
        payme_id: &str,
        time: i64,
        amount: i64,
        order_id: i64,
    ) -> Result<Value, RetryOrFail> {
        let mut tx = store::begin(&self.state.0.db).await?;
        // The order's lock first: concurrent creates for one order (or one id) serialise here
        // and each then sees what the others committed.
        orders::load_for_payment(&mut tx, order_id).await?;
        if let Some(row) = store::payme_by_payme_id(&mut tx, payme_id).await? {
            if row.state != 1 {
                return Err(PaymeError::cannot_perform().into());
            }
            if expired(&row, self.now_ms) {
                cancel_expired(&mut tx, &row, self.now_ms).await?;
                store::commit(tx).await?;
                return Err(PaymeError::cannot_perform().into());
            }
            return Ok(create_reply(&row));
        }
        if self.now_ms - time >= TIMEOUT_MS {
            return Err(PaymeError::time_expired().into());
        }
        let order = self.payable_order(&mut tx, order_id, amount, true).await?;
        let row =
            match store::payme_insert(&mut tx, payme_id, order.id.0, amount, time, self.now_ms)
                .await
            {
                Ok(row) => row,
                Err(error) if store::is_unique_violation(&error) => return Err(RetryOrFail::Retry),
                Err(error) => return Err(error.into()),
            };
        // The order stays reserved for as long as Payme may still perform the transaction.
        orders::extend_payment_window(&mut tx, order.id.0, millis_to_time(time + TIMEOUT_MS))
            .await?;
        match store::commit(tx).await {
            Ok(()) => Ok(create_reply(&row)),
            Err(error) if store::is_unique_violation(&error) => Err(RetryOrFail::Retry),
            Err(error) => Err(error.into()),
        }
    }

    async fn perform(&self, params: &serde_json::Map<String, Value>) -> RpcResult {
        let payme_id = transaction_id(params)?;
        let mut tx = store::begin(&self.state.0.db).await?;
        let row = lock_transaction(&mut tx, &payme_id)
            .await?
            .ok_or_else(PaymeError::transaction_not_found)?;
        match row.state {
            1 => {
                if expired(&row, self.now_ms) {
                    cancel_expired(&mut tx, &row, self.now_ms).await?;
                    store::commit(tx).await?;
                    return Err(PaymeError::cannot_perform());
                }
                let order = orders::load_for_payment(&mut tx, row.order_id)
                    .await?
                    .filter(orders::awaits_payment)
                    .ok_or_else(PaymeError::cannot_perform)?;
                if !orders::parental_limit_allows(&mut tx, &order, self.now()).await? {
                    return Err(PaymeError::parental_limit_on_perform());
                }
                orders::mark_paid(&mut tx, order.id.0, PaymentProvider::Payme, self.now()).await?;
                let performed = store::payme_perform(&mut tx, row.id, self.now_ms).await?;
                store::commit(tx).await?;
                tracing::info!(
                    order_id = order.id.0,
                    payme_id = %payme_id,
                    "payme: order {} paid",
                    order.id
                );
                Ok(perform_reply(&performed))
            }
            2 => Ok(perform_reply(&row)),
            _ => Err(PaymeError::cannot_perform()),
        }
    }

    async fn cancel(&self, params: &serde_json::Map<String, Value>) -> RpcResult {
        let payme_id = transaction_id(params)?;
        let reason = int_param(params, "reason")?;
        if !matches!(reason, 1..=5 | 10) {
            return Err(PaymeError::invalid_request("reason"));
        }
        let mut tx = store::begin(&self.state.0.db).await?;
        let row = lock_transaction(&mut tx, &payme_id)
            .await?
            .ok_or_else(PaymeError::transaction_not_found)?;
        match row.state {
            1 => {
                let cancelled =
                    store::payme_cancel(&mut tx, row.id, 1, self.now_ms, reason).await?;
                release_order(&mut tx, row.order_id, "payme_cancelled", self.now_ms).await?;
                store::commit(tx).await?;
                Ok(cancel_reply(&cancelled))
            }
            2 => {
                if orders::delivered(&mut tx, row.order_id).await? {
                    return Err(PaymeError::delivered());
                }
                let cancelled =
                    store::payme_cancel(&mut tx, row.id, 2, self.now_ms, reason).await?;
                orders::refund(
                    &mut tx,
                    row.order_id,
                    row.amount,
                    &format!("payme:{payme_id}"),
                    "payme_refund",
                    self.now(),
                )
                .await?;
                store::commit(tx).await?;
                Ok(cancel_reply(&cancelled))
            }
            _ => Ok(cancel_reply(&row)),
        }
    }

    async fn check(&self, params: &serde_json::Map<String, Value>) -> RpcResult {
        let payme_id = transaction_id(params)?;
        let mut tx = store::begin(&self.state.0.db).await?;
        let row = store::payme_by_payme_id(&mut tx, &payme_id)
            .await?
            .ok_or_else(PaymeError::transaction_not_found)?;
        Ok(check_reply(&row))
    }

    async fn statement(&self, params: &serde_json::Map<String, Value>) -> RpcResult {
        let from = int_param(params, "from")?;
        let to = int_param(params, "to")?;
        let rows = store::payme_statement(&self.state.0.db, from, to).await?;
        Ok(json!({ "transactions": rows.iter().map(statement_entry).collect::<Vec<_>>() }))
    }

    async fn change_password(
        &self,
        params: &serde_json::Map<String, Value>,
        meta: &ClientMeta,
    ) -> RpcResult {
        let password = match params.get("password") {
            Some(Value::String(password)) if !password.is_empty() && password.len() <= 256 => {
                password
            }
            _ => return Err(PaymeError::invalid_request("password")),
        };
        let hash = crate::auth::token::sha256_hex(password);
        store::payme_store_key(&self.state.0.db, &hash, self.now_ms).await?;
        crate::auth::audit(
            self.state,
            meta,
            None,
            "payme_key_changed",
            None,
            json!({ "provider": "payme" }),
        )
        .await
        .map_err(|error| {
            tracing::error!(%error, "payme: audit failed: {error}");
            PaymeError::system_error()
        })?;
        Ok(json!({ "success": true }))
    }
}

enum RetryOrFail {
    Retry,
    Fail(PaymeError),
}

impl From<PaymeError> for RetryOrFail {
    fn from(error: PaymeError) -> Self {
        Self::Fail(error)
    }
}

impl From<PaymentError> for RetryOrFail {
    fn from(error: PaymentError) -> Self {
        Self::Fail(error.into())
    }
}

/// Cancels every state-1 transaction past the 12-hour timeout (state -1, reason 4) and
/// releases its order; returns how many it cancelled.
pub async fn sweep_expired(app: &crate::App) -> PaymentResult<usize> {
    let now_ms = app.auth.now().timestamp_millis();
    let mut cancelled = 0;
    for payme_id in store::payme_expired_ids(&app.db, now_ms - TIMEOUT_MS).await? {
        let mut tx = store::begin(&app.db).await?;
        // Re-read under the lock: a Perform may have won meanwhile.
        if let Some(row) = lock_transaction(&mut tx, &payme_id).await?
            && expired(&row, now_ms)
        {
            cancel_expired(&mut tx, &row, now_ms).await?;
            store::commit(tx).await?;
            cancelled += 1;
            tracing::info!(payme_id = %payme_id, order_id = row.order_id, "payme: transaction {payme_id} cancelled by timeout");
        }
    }
    Ok(cancelled)
}

/// Options of a checkout link.
#[derive(Debug, Clone, Default)]
pub struct CheckoutOptions<'a> {
    /// `l`: ru, uz or en.
    pub lang: Option<&'a str>,
    /// `c`: where to return after payment.
    pub return_url: Option<&'a str>,
    /// `ct`: milliseconds to wait before returning.
    pub return_after_ms: Option<u64>,
}

/// Builds the GET checkout link: `<host>/base64("m=…;ac.order_id=…;a=…[;l=…][;c=…][;ct=…]")`.
pub fn checkout_link(
    host: &str,
    merchant_id: &str,
    order_id: i64,
    amount_tiyin: i64,
    options: &CheckoutOptions<'_>,
) -> String {
    let mut params = format!("m={merchant_id};ac.{ACCOUNT_FIELD}={order_id};a={amount_tiyin}");
    if let Some(lang) = options.lang {
        params.push_str(&format!(";l={lang}"));
    }
    if let Some(url) = options.return_url {
        params.push_str(&format!(";c={url}"));
    }
    if let Some(wait) = options.return_after_ms {
        params.push_str(&format!(";ct={wait}"));
    }
    format!(
        "{}/{}",
        host.trim_end_matches('/'),
        base64::engine::general_purpose::STANDARD.encode(params)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkout_link_matches_the_official_example() {
        assert_eq!(
            checkout_link(
                CHECKOUT_URL,
                "587f72c72cac0d162c722ae2",
                197,
                500,
                &CheckoutOptions::default()
            ),
            "https://checkout.paycom.uz/bT01ODdmNzJjNzJjYWMwZDE2MmM3MjJhZTI7YWMub3JkZXJfaWQ9MTk3O2E9NTAw"
        );
        let with_lang = checkout_link(
            SANDBOX_CHECKOUT_URL,
            "m1",
            2,
            300,
            &CheckoutOptions {
                lang: Some("uz"),
                ..CheckoutOptions::default()
            },
        );
        let encoded = with_lang.strip_prefix("https://test.paycom.uz/").unwrap();
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .unwrap();
        assert_eq!(decoded, b"m=m1;ac.order_id=2;a=300;l=uz");
    }

    #[test]
    fn errors_carry_three_languages_and_data() {
        let error = PaymeError::order_not_found().to_json();
        assert_eq!(error["code"], -31050);
        assert_eq!(error["data"], "order_id");
        assert_eq!(error["message"]["en"], "order not found");
        assert!(error["message"]["ru"].is_string() && error["message"]["uz"].is_string());
        assert!(PaymeError::cannot_perform().to_json().get("data").is_none());
    }

    #[test]
    fn integers_are_read_strictly() {
        assert_eq!(integer(&json!(5)), Some(5));
        assert_eq!(integer(&json!(5.0)), Some(5));
        assert_eq!(integer(&json!(5.5)), None);
        assert_eq!(integer(&json!("5")), None);
        let params = json!({ "account": { "order_id": "0197" } });
        assert_eq!(order_param(params.as_object().unwrap()), Ok(197));
        let params = json!({ "account": { "order_id": "x" } });
        assert_eq!(
            order_param(params.as_object().unwrap()).unwrap_err().code,
            -31050
        );
        let params = json!({ "account": 5 });
        assert_eq!(
            order_param(params.as_object().unwrap()).unwrap_err().code,
            -32600
        );
    }
}
