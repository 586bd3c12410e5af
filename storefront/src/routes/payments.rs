//! Payment routes: the providers' callbacks (`/payments/payme`, `/payments/click/…`,
//! `/payments/card/webhook`), answered in each provider's own format, and the buyer's card
//! payments (`/api/v1/payments/card…`). The logic is in [`crate::payments`].

use crate::auth::{ClientMeta, CurrentUser};
use crate::payments::card::{self, AuthenticateCardPayment, CardPaymentView, CreateCardPayment};
use crate::payments::click::{self, Stage};
use crate::payments::links::{self, PaymentLinks};
use crate::payments::payme;
use crate::routes::auth::JsonBody;
use crate::{ApiError, AppState};
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::routing::{any, get, post};
use axum::{Json, Router};
use serde_json::Value;

/// The largest provider callback read (their bodies are a few hundred bytes).
const MAX_CALLBACK_BYTES: usize = 64 * 1024;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        // Payme answers every method (a GET gets -32300), always with HTTP 200.
        .route("/payments/payme", any(payme_endpoint))
        .route("/payments/click/prepare", post(click_prepare))
        .route("/payments/click/complete", post(click_complete))
        .route("/payments/card/webhook", post(card_webhook))
        .route("/api/v1/payments/links/{order_id}", get(payment_links))
        .route("/api/v1/payments/card", post(create_card_payment))
        .route("/api/v1/payments/card/{id}", get(card_payment))
        .route(
            "/api/v1/payments/card/{id}/confirm",
            post(confirm_card_payment),
        )
        .route(
            "/api/v1/payments/card/{id}/authenticate",
            post(authenticate_card_payment),
        )
}

async fn read_body(body: Body) -> Option<axum::body::Bytes> {
    axum::body::to_bytes(body, MAX_CALLBACK_BYTES).await.ok()
}

/// Payme Merchant API (JSON-RPC 2.0, Basic auth `Paycom:KEY`).
#[utoipa::path(
    post,
    path = "/payments/payme",
    tag = "payments",
    request_body(content = Value, description = "JSON-RPC 2.0 request: CheckPerformTransaction, CreateTransaction, PerformTransaction, CancelTransaction, CheckTransaction, GetStatement, ChangePassword"),
    responses(
        (status = 200, description = "Always 200: `{result, id}` or `{error: {code, message: {ru, uz, en}, data}, id}`", body = Value),
    )
)]
pub async fn payme_endpoint(
    State(state): State<AppState>,
    meta: ClientMeta,
    request: Request,
) -> (StatusCode, Json<Value>) {
    let is_post = request.method() == Method::POST;
    let authorization = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let body = read_body(request.into_body()).await;
    let reply = payme::handle(
        &state,
        is_post,
        authorization.as_deref(),
        body.as_deref(),
        &meta,
    )
    .await;
    (StatusCode::OK, Json(reply))
}

/// Click SHOP API Prepare (action 0).
#[utoipa::path(
    post,
    path = "/payments/click/prepare",
    tag = "payments",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "click_trans_id, service_id, click_paydoc_id, merchant_trans_id, amount, action, error, error_note, sign_time, sign_string"),
    responses(
        (status = 200, description = "`{click_trans_id, merchant_trans_id, merchant_prepare_id, error, error_note}`", body = Value),
    )
)]
pub async fn click_prepare(State(state): State<AppState>, body: Body) -> Json<Value> {
    let body = read_body(body).await;
    Json(click::handle(&state, Stage::Prepare, body.as_deref()).await)
}

/// Click SHOP API Complete (action 1).
#[utoipa::path(
    post,
    path = "/payments/click/complete",
    tag = "payments",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "the Prepare fields plus merchant_prepare_id"),
    responses(
        (status = 200, description = "`{click_trans_id, merchant_trans_id, merchant_confirm_id, error, error_note}`", body = Value),
    )
)]
pub async fn click_complete(State(state): State<AppState>, body: Body) -> Json<Value> {
    let body = read_body(body).await;
    Json(click::handle(&state, Stage::Complete, body.as_deref()).await)
}

/// The card gateway's signed events.
#[utoipa::path(
    post,
    path = "/payments/card/webhook",
    tag = "payments",
    request_body(content = Value, description = "`{id, type, data: {object: {id}}}` signed with `Stripe-Signature: t=…,v1=…`"),
    responses(
        (status = 200, description = "`{\"received\": true}` (also for a repeated event)", body = Value),
        (status = 400, description = "invalid_signature_header, signature_timestamp_out_of_tolerance, invalid_signature, invalid_event", body = crate::error::ErrorBody),
        (status = 401, description = "Webhooks are not configured (invalid_signature)", body = crate::error::ErrorBody),
    )
)]
pub async fn card_webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Value>, ApiError> {
    let body = read_body(body).await.ok_or_else(|| {
        ApiError::payload_too_large(format!(
            "the body must be at most {MAX_CALLBACK_BYTES} bytes"
        ))
    })?;
    let signature = headers
        .get("stripe-signature")
        .and_then(|value| value.to_str().ok());
    card::handle_webhook(&state, signature, &body)
        .await
        .map(Json)
}

/// Creates a card payment for one of the caller's orders (`Idempotency-Key` required).
#[utoipa::path(
    post,
    path = "/api/v1/payments/card",
    tag = "payments",
    request_body = CreateCardPayment,
    params(("Idempotency-Key" = String, Header, description = "Same key and body: the same payment; same key, another body: 422")),
    responses(
        (status = 201, description = "Created (requires_confirmation)", body = CardPaymentView),
        (status = 200, description = "The payment an earlier request with this key created", body = CardPaymentView),
        (status = 400, description = "idempotency_key_required, invalid_idempotency_key, invalid_card_number, unsupported_card_brand, invalid_expiry, expired_card, invalid_cvc, invalid_json", body = crate::error::ErrorBody),
        (status = 404, description = "Not the caller's order (order_not_found)", body = crate::error::ErrorBody),
        (status = 409, description = "order_not_payable", body = crate::error::ErrorBody),
        (status = 422, description = "idempotency_key_reused", body = crate::error::ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn create_card_payment(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    JsonBody(body): JsonBody<CreateCardPayment>,
) -> Result<(StatusCode, Json<CardPaymentView>), ApiError> {
    let key = headers
        .get("idempotency-key")
        .map(|value| value.to_str().unwrap_or("\u{0}"));
    let (status, view) = card::create(&state, &user, key, &body).await?;
    Ok((status, Json(view)))
}

/// One of the caller's card payments.
#[utoipa::path(
    get,
    path = "/api/v1/payments/card/{id}",
    tag = "payments",
    params(("id" = String, Path, description = "pi_…")),
    responses(
        (status = 200, description = "The payment", body = CardPaymentView),
        (status = 404, description = "card_payment_not_found", body = crate::error::ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn card_payment(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<CardPaymentView>, ApiError> {
    Ok(Json(card::get(&state, &user, &id).await?))
}

/// Charges the card (after re-checking the order and the parental limits).
#[utoipa::path(
    post,
    path = "/api/v1/payments/card/{id}/confirm",
    tag = "payments",
    params(("id" = String, Path, description = "pi_…")),
    responses(
        (status = 200, description = "succeeded, or requires_action (3-D Secure or SMS code)", body = CardPaymentView),
        (status = 402, description = "card_declined, insufficient_funds", body = crate::error::ErrorBody),
        (status = 403, description = "spending_limit_exceeded", body = crate::error::ErrorBody),
        (status = 404, description = "card_payment_not_found", body = crate::error::ErrorBody),
        (status = 409, description = "order_not_payable, payment_requires_action, invalid_payment_state", body = crate::error::ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn confirm_card_payment(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<CardPaymentView>, ApiError> {
    Ok(Json(card::confirm(&state, &user, &id).await?))
}

/// Completes the 3-D Secure or SMS step (sandbox code `666666`).
#[utoipa::path(
    post,
    path = "/api/v1/payments/card/{id}/authenticate",
    tag = "payments",
    params(("id" = String, Path, description = "pi_…")),
    request_body = AuthenticateCardPayment,
    responses(
        (status = 200, description = "succeeded", body = CardPaymentView),
        (status = 400, description = "invalid_code, invalid_json", body = crate::error::ErrorBody),
        (status = 402, description = "incorrect_otp, authentication_failed (after 3 wrong codes)", body = crate::error::ErrorBody),
        (status = 403, description = "spending_limit_exceeded", body = crate::error::ErrorBody),
        (status = 404, description = "card_payment_not_found", body = crate::error::ErrorBody),
        (status = 409, description = "invalid_payment_state, order_not_payable", body = crate::error::ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn authenticate_card_payment(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<AuthenticateCardPayment>,
) -> Result<Json<CardPaymentView>, ApiError> {
    Ok(Json(
        card::authenticate(&state, &user, &id, &body.code).await?,
    ))
}

/// The Payme and Click checkout links of one of the caller's pending orders.
#[utoipa::path(
    get,
    path = "/api/v1/payments/links/{order_id}",
    tag = "payments",
    params(("order_id" = i64, Path, description = "The order")),
    responses(
        (status = 200, description = "The links (`null` for a provider that is not configured)", body = PaymentLinks),
        (status = 400, description = "invalid_path", body = crate::error::ErrorBody),
        (status = 404, description = "order_not_found (also another buyer's order)", body = crate::error::ErrorBody),
        (status = 409, description = "order_not_payable", body = crate::error::ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn payment_links(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> Result<Json<PaymentLinks>, ApiError> {
    let Path(order_id) =
        path.map_err(|_| ApiError::bad_request("invalid_path", "the order id must be a number"))?;
    Ok(Json(links::links(&state, &user, order_id).await?))
}
