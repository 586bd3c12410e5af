//! Checkout: `GET/POST /checkout` (delivery, recipient, the order from the cart), then
//! `GET/POST /orders/{id}/pay` (the card sandbox, with the Payme and Click links when those
//! providers are configured) and `POST /orders/{id}/pay/code` (the 3-D Secure or SMS step).
//! Signing in is required; a guest is sent to `/signin?next=/checkout` and keeps the cart.

use super::i18n::T;
use super::layout::format_som;
use super::session::{Web, WebForm, csrf_field};
use crate::auth::{CurrentUser, Role};
use crate::commerce::OrderId;
use crate::commerce::checkout::{self, Buyer, CheckoutInput, DeliveryInput};
use crate::commerce::orders;
use crate::db::dispatch;
use crate::payments::card::{self, CardPaymentView, CreateCardPayment};
use crate::payments::gateway::CardDetails;
use crate::payments::links;
use crate::{ApiError, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};

/// Who may check out on the web: signed-in grown-ups (kids' mode, with "ask a parent", comes
/// later).
fn buyer_for_web(web: &Web) -> Result<Option<&CurrentUser>, ApiError> {
    match &web.user {
        None => Ok(None),
        Some(user) if user.role == Role::Child => Err(ApiError::forbidden(
            "kids_mode_pending",
            web.t(T::KidsModeLater),
        )),
        Some(user) => Ok(Some(user)),
    }
}

#[derive(Debug, sqlx::FromRow)]
struct Region {
    code: String,
    name_uz: String,
    name_ru: String,
    name_en: String,
}

async fn regions(state: &AppState) -> Result<Vec<Region>, ApiError> {
    Ok(dispatch!(&state.0.db, |pool, _d| {
        sqlx::query_as::<_, Region>(
            "SELECT code, name_uz, name_ru, name_en FROM delivery_regions ORDER BY code",
        )
        .fetch_all(pool)
        .await
        .map_err(crate::db::DbError::from)?
    }))
}

/// `GET /checkout`.
pub async fn checkout_page(State(state): State<AppState>, web: Web) -> Response {
    match buyer_for_web(&web) {
        Ok(Some(_)) => match checkout_form(&state, &web, StatusCode::OK, None).await {
            Ok(response) => response,
            Err(error) => web.error_page(&error),
        },
        Ok(None) => web.redirect("/signin?next=/checkout"),
        Err(error) => web.error_page(&error),
    }
}

async fn checkout_form(
    state: &AppState,
    web: &Web,
    status: StatusCode,
    error: Option<&str>,
) -> Result<Response, ApiError> {
    let view = super::cart::load_cart(state, web).await?;
    if view.lines.is_empty() {
        return Ok(web.redirect("/cart"));
    }
    let regions = regions(state).await?;
    let lang = web.lang;
    let body = html! {
        h1 { (web.t(T::Checkout)) }
        @if let Some(error) = error { p.error role="alert" { (error) } }
        ul.summary {
            @for line in &view.lines {
                li { (line.title) " × " (line.quantity) " — " (format_som(lang, line.line_total_tiyin)) }
            }
        }
        p.total { (web.t(T::Subtotal)) ": " strong { (format_som(lang, view.subtotal_tiyin)) } }
        form.stack action="/checkout" method="post" {
            (csrf_field(web))
            label for="region" { (web.t(T::Region)) }
            select #region name="region" required autocomplete="address-level1" {
                @for region in &regions {
                    option value=(region.code) {
                        (lang.pick(Some(region.name_uz.as_str()), None, Some(region.name_ru.as_str()), Some(region.name_en.as_str())).unwrap_or(region.code.as_str()))
                    }
                }
            }
            label for="address" { (web.t(T::Address)) }
            textarea #address name="address" required minlength="5" maxlength="300" rows="2" autocomplete="street-address" {}
            label for="recipient_name" { (web.t(T::RecipientName)) }
            input #recipient_name type="text" name="recipient_name" maxlength="100" autocomplete="name";
            label for="recipient_phone" { (web.t(T::RecipientPhone)) }
            input #recipient_phone type="tel" name="recipient_phone" pattern="\\+998[0-9]{9}" autocomplete="tel" inputmode="tel";
            button type="submit" { (web.t(T::PlaceOrder)) }
        }
    };
    Ok(web.page(status, web.t(T::Checkout), body))
}

/// `POST /checkout`: `region`, `address`, `recipient_name`, `recipient_phone`.
pub async fn checkout_submit(State(state): State<AppState>, form: WebForm) -> Response {
    let web = &form.web;
    let user = match buyer_for_web(web) {
        Ok(Some(user)) => user.clone(),
        Ok(None) => return web.redirect("/signin?next=/checkout"),
        Err(error) => return web.error_page(&error),
    };
    let placed = async {
        let optional = |name: &str| {
            form.get(name)
                .filter(|value| !value.is_empty())
                .map(str::to_owned)
        };
        let input = CheckoutInput {
            lines: None,
            delivery: DeliveryInput::Courier {
                region: form.require("region")?.to_owned(),
                address: form.require("address")?.to_owned(),
            },
            recipient_name: optional("recipient_name"),
            recipient_phone: optional("recipient_phone"),
            promo_code: None,
            expected_total_tiyin: None,
        };
        let buyer = Buyer {
            user: user.id,
            child: None,
        };
        let reply = checkout::place_order(
            &state.0.db,
            &state.0.commerce,
            buyer,
            &input,
            None,
            state.0.auth.now(),
        )
        .await?;
        reply
            .body
            .get("id")
            .and_then(serde_json::Value::as_i64)
            .ok_or_else(|| ApiError::internal("the placed order has no id"))
    }
    .await;
    match placed {
        Ok(order) => web.redirect(&format!("/orders/{order}/pay")),
        Err(error) if error.status.is_client_error() => {
            match checkout_form(&state, web, error.status, Some(&error.message)).await {
                Ok(response) => response,
                Err(error) => web.error_page(&error),
            }
        }
        Err(error) => web.error_page(&error),
    }
}

fn parse_order_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>().ok().filter(|id| *id > 0).ok_or_else(|| {
        ApiError::not_found("order_not_found", format!("order {raw} does not exist"))
    })
}

/// The order of `user` (or their child's), or 404 for anyone else's.
async fn own_order(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<checkout::OrderView, ApiError> {
    Ok(orders::get_for_buyer(&state.0.db, user.id, OrderId(id)).await?)
}

fn signed_in_user<'a>(web: &'a Web, next: &str) -> Result<&'a CurrentUser, Box<Response>> {
    match buyer_for_web(web) {
        Ok(Some(user)) => Ok(user),
        Ok(None) => Err(Box::new(web.redirect(&format!("/signin?next={next}")))),
        Err(error) => Err(Box::new(web.error_page(&error))),
    }
}

/// `GET /orders/{id}/pay`.
pub async fn pay_page(
    State(state): State<AppState>,
    web: Web,
    Path(raw_id): Path<String>,
) -> Response {
    let id = match parse_order_id(&raw_id) {
        Ok(id) => id,
        Err(error) => return web.error_page(&error),
    };
    let user = match signed_in_user(&web, &format!("/orders/{id}/pay")) {
        Ok(user) => user.clone(),
        Err(response) => return *response,
    };
    match pay_form(&state, &web, &user, id, StatusCode::OK, None).await {
        Ok(response) => response,
        Err(error) => web.error_page(&error),
    }
}

fn card_form(web: &Web, order_id: i64) -> Markup {
    let key = crate::auth::token::new_refresh_token().unwrap_or_default();
    html! {
        form.stack.card action={ "/orders/" (order_id) "/pay" } method="post" {
            (csrf_field(web))
            input type="hidden" name="idempotency_key" value=(key);
            label for="card_number" { (web.t(T::CardNumber)) }
            input #card_number type="text" name="card_number" required inputmode="numeric"
                autocomplete="cc-number" maxlength="23" pattern="[0-9 \\-]{12,23}";
            div.row {
                div {
                    label for="exp_month" { (web.t(T::ExpiryMonth)) }
                    input #exp_month type="number" name="exp_month" required min="1" max="12" autocomplete="cc-exp-month" inputmode="numeric";
                }
                div {
                    label for="exp_year" { (web.t(T::ExpiryYear)) }
                    input #exp_year type="number" name="exp_year" required min="2024" max="2099" autocomplete="cc-exp-year" inputmode="numeric";
                }
            }
            label for="cvc" { (web.t(T::Cvc)) }
            input #cvc type="password" name="cvc" maxlength="4" autocomplete="cc-csc" inputmode="numeric";
            button type="submit" { (web.t(T::Pay)) }
        }
    }
}

async fn pay_form(
    state: &AppState,
    web: &Web,
    user: &CurrentUser,
    id: i64,
    status: StatusCode,
    error: Option<&str>,
) -> Result<Response, ApiError> {
    let order = own_order(state, user, id).await?;
    let lang = web.lang;
    let payable = order.status == crate::commerce::OrderStatus::PendingPayment;
    let provider_links = if payable {
        match links::links(state, user, id).await {
            Ok(links) => Some(links),
            Err(error) if error.status.is_client_error() => None,
            Err(error) => return Err(error),
        }
    } else {
        None
    };
    let title = format!("{} #{}", web.t(T::Order), id);
    let body = html! {
        h1 { (web.t(T::Payment)) ": " (title) }
        @if let Some(error) = error { p.error role="alert" { (error) } }
        ul.summary {
            @for line in &order.lines {
                li { (line.title) " × " (line.quantity) " — " (format_som(lang, line.line_total_tiyin)) }
            }
            li { (web.t(T::DeliveryFee)) ": " (format_som(lang, order.delivery_fee_tiyin)) }
        }
        p.total { (web.t(T::Total)) ": " strong { (format_som(lang, order.total_tiyin)) } }
        @if payable {
            h2 { (web.t(T::PayByCard)) }
            (card_form(web, id))
            @if let Some(links) = provider_links.filter(|links| links.payme.is_some() || links.click.is_some()) {
                h2 { (web.t(T::OrPayWith)) }
                ul.providers {
                    @if let Some(payme) = &links.payme { li { a.button href=(payme) rel="noopener" { (web.t(T::PayWithPayme)) } } }
                    @if let Some(click) = &links.click { li { a.button href=(click) rel="noopener" { (web.t(T::PayWithClick)) } } }
                }
            }
        } @else {
            p role="status" { (web.t(T::NotPayable)) }
            p { a href="/orders" { (web.t(T::Orders)) } }
        }
    };
    Ok(web.page(status, &title, body))
}

fn code_form(web: &Web, order_id: i64, payment: &CardPaymentView, error: Option<&str>) -> Markup {
    html! {
        h1 { (web.t(T::Payment)) ": " (web.t(T::Order)) " #" (order_id) }
        @if let Some(error) = error { p.error role="alert" { (error) } }
        form.stack action={ "/orders/" (order_id) "/pay/code" } method="post" {
            (csrf_field(web))
            input type="hidden" name="payment_id" value=(payment.id);
            label for="code" { (web.t(T::ConfirmationCode)) }
            input #code type="text" name="code" required inputmode="numeric" autocomplete="one-time-code" maxlength="6" pattern="[0-9]{6}";
            button type="submit" { (web.t(T::Confirm)) }
        }
    }
}

/// `POST /orders/{id}/pay`: the card; creates the payment (the form's idempotency key makes a
/// double submit one payment) and confirms it.
pub async fn pay_submit(
    State(state): State<AppState>,
    Path(raw_id): Path<String>,
    form: WebForm,
) -> Response {
    let web = &form.web;
    let id = match parse_order_id(&raw_id) {
        Ok(id) => id,
        Err(error) => return web.error_page(&error),
    };
    let user = match signed_in_user(web, &format!("/orders/{id}/pay")) {
        Ok(user) => user.clone(),
        Err(response) => return *response,
    };
    let paid = async {
        let number = form.require("card_number")?.to_owned();
        let month = form.require("exp_month")?.parse::<u32>().map_err(|_| {
            ApiError::bad_request(
                "invalid_expiry",
                "the expiry month is a number from 1 to 12",
            )
        })?;
        let year = form
            .require("exp_year")?
            .parse::<u32>()
            .map_err(|_| ApiError::bad_request("invalid_expiry", "the expiry year is a number"))?;
        let request = CreateCardPayment {
            order_id: id,
            card: CardDetails {
                number,
                exp_month: month,
                exp_year: year,
                cvc: form.get("cvc").unwrap_or_default().to_owned(),
            },
        };
        let key = form.require("idempotency_key")?.to_owned();
        let (_, created) = card::create(&state, &user, Some(key.as_str()), &request).await?;
        let confirmed = card::confirm(&state, &user, &created.id).await?;
        Ok::<_, ApiError>(confirmed)
    }
    .await;
    match paid {
        Ok(payment) if payment.status == "succeeded" => web.redirect(&format!("/orders?paid={id}")),
        Ok(payment) if payment.status == "requires_action" => {
            let title = web.t(T::Payment);
            web.page(StatusCode::OK, title, code_form(web, id, &payment, None))
        }
        Ok(payment) => {
            let message = payment
                .failure_code
                .unwrap_or_else(|| payment.status.clone());
            match pay_form(
                &state,
                web,
                &user,
                id,
                StatusCode::PAYMENT_REQUIRED,
                Some(&message),
            )
            .await
            {
                Ok(response) => response,
                Err(error) => web.error_page(&error),
            }
        }
        Err(error) if error.status.is_client_error() => {
            match pay_form(&state, web, &user, id, error.status, Some(&error.message)).await {
                Ok(response) => response,
                Err(error) => web.error_page(&error),
            }
        }
        Err(error) => web.error_page(&error),
    }
}

/// `POST /orders/{id}/pay/code`: `payment_id`, `code`.
pub async fn pay_code_submit(
    State(state): State<AppState>,
    Path(raw_id): Path<String>,
    form: WebForm,
) -> Response {
    let web = &form.web;
    let id = match parse_order_id(&raw_id) {
        Ok(id) => id,
        Err(error) => return web.error_page(&error),
    };
    let user = match signed_in_user(web, &format!("/orders/{id}/pay")) {
        Ok(user) => user.clone(),
        Err(response) => return *response,
    };
    let payment_id = match form.require("payment_id") {
        Ok(payment_id) => payment_id.to_owned(),
        Err(error) => return web.error_page(&error),
    };
    let code = form.get("code").unwrap_or_default().to_owned();
    match card::authenticate(&state, &user, &payment_id, &code).await {
        Ok(payment) if payment.order_id == id && payment.status == "succeeded" => {
            web.redirect(&format!("/orders?paid={id}"))
        }
        Ok(_) => web.redirect(&format!("/orders/{id}/pay")),
        Err(error) if error.status.is_client_error() => {
            match card::get(&state, &user, &payment_id).await {
                Ok(payment) if payment.status == "requires_action" => web.page(
                    error.status,
                    web.t(T::Payment),
                    code_form(web, id, &payment, Some(&error.message)),
                ),
                _ => match pay_form(&state, web, &user, id, error.status, Some(&error.message))
                    .await
                {
                    Ok(response) => response,
                    Err(error) => web.error_page(&error),
                },
            }
        }
        Err(error) => web.error_page(&error),
    }
}
