//! Accounts on the web: `GET/POST /signin`, `POST /register`, `POST /signout` and the orders
//! list `GET /orders`. Sessions are the API's cookie sessions (HttpOnly access and refresh
//! cookies plus the CSRF cookie); a guest cart joins the account's at sign-in.

use super::i18n::T;
use super::layout::format_som;
use super::search::decode_query;
use super::session::{Web, WebForm, csrf_field};
use crate::auth::cookies;
use crate::auth::session::{self, LoginOutcome};
use crate::auth::token::sha256_hex;
use crate::auth::{AuthError, Role};
use crate::commerce::cart;
use crate::commerce::orders;
use crate::routes::cart::CART_COOKIE;
use crate::{ApiError, AppState};
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use maud::html;

/// The local path to go to after signing in (`/orders` unless a safe `next` is given).
pub(super) fn next_path(next: Option<&str>) -> String {
    next.filter(|path| crate::banners::is_local_path(path))
        .unwrap_or("/orders")
        .to_owned()
}

fn signin_form(web: &Web, next: &str, status: StatusCode, error: Option<&str>) -> Response {
    let body = html! {
        h1 { (web.t(T::Account)) }
        @if let Some(error) = error { p.error role="alert" { (error) } }
        @if next == "/checkout" { p.hint { (web.t(T::SignInToCheckout)) } }
        div.two-columns {
            form.stack action="/signin" method="post" aria-labelledby="signin-heading" {
                h2 #signin-heading { (web.t(T::SignIn)) }
                (csrf_field(web))
                input type="hidden" name="next" value=(next);
                label for="login" { (web.t(T::EmailOrPhone)) }
                input #login type="text" name="login" required autocomplete="username" maxlength="254";
                label for="password" { (web.t(T::Password)) }
                input #password type="password" name="password" required autocomplete="current-password" maxlength="128";
                button type="submit" { (web.t(T::SignIn)) }
                // kids: passkey sign-in (the PWA script shows it when WebAuthn is there).
                button.secondary #passkey-signin type="button" hidden data-next=(next) data-failed=(web.t(T::PasskeyFailed)) { (web.t(T::PasskeySignIn)) }
                span #passkey-status role="status" {}
            }
            form.stack action="/register" method="post" aria-labelledby="register-heading" {
                h2 #register-heading { (web.t(T::CreateAccount)) }
                (csrf_field(web))
                input type="hidden" name="next" value=(next);
                label for="reg-email" { (web.t(T::Email)) }
                input #reg-email type="email" name="email" required autocomplete="email" maxlength="254";
                label for="reg-password" { (web.t(T::Password)) }
                input #reg-password type="password" name="password" required minlength="10" maxlength="128" autocomplete="new-password" aria-describedby="reg-password-hint";
                p.hint #reg-password-hint { (web.t(T::PasswordHint)) }
                button type="submit" { (web.t(T::Register)) }
            }
        }
    };
    web.page(status, web.t(T::SignIn), body)
}

/// `GET /signin?next=`.
pub async fn signin_page(web: Web, RawQuery(raw): RawQuery) -> Response {
    let pairs = decode_query(raw.as_deref().unwrap_or_default());
    let next = next_path(
        pairs
            .iter()
            .rev()
            .find(|(key, _)| key == "next")
            .map(|(_, value)| value.as_str()),
    );
    if web.user.is_some() {
        return web.redirect(&next);
    }
    signin_form(&web, &next, StatusCode::OK, None)
}

/// Signs `login` in and answers with the session cookies and a redirect to `next`, the guest
/// cart merged into the account's.
async fn sign_in(
    state: &AppState,
    web: &Web,
    login: &str,
    password: &str,
    next: &str,
) -> Result<Response, AuthError> {
    let issued = match session::login(state, &web.meta, login, password).await? {
        LoginOutcome::Session(issued) => *issued,
        // dash: the code step of a two-step sign-in (web::two_factor).
        LoginOutcome::TotpRequired { challenge_token } => {
            return Ok(super::two_factor::code_step(
                web,
                &challenge_token,
                next,
                StatusCode::OK,
                None,
            ));
        }
    };
    finish_sign_in(state, web, issued, next).await
}

/// Opens the web session of a signed-in account: the session cookies, the guest cart merged
/// into the account's, and a redirect to `next` (or to turning on TOTP for staff without it).
pub(super) async fn finish_sign_in(
    state: &AppState,
    web: &Web,
    issued: session::IssuedSession,
    next: &str,
) -> Result<Response, AuthError> {
    if let Some(token) = &web.cart_token {
        cart::merge_guest_cart(
            &state.0.db,
            &sha256_hex(token),
            issued.account.id,
            state.0.auth.now(),
        )
        .await
        .map_err(ApiError::from)?;
    }
    let settings = state.0.auth.settings;
    let mut headers = HeaderMap::new();
    cookies::set_session(
        &mut headers,
        &issued.access_token,
        settings.access_ttl_seconds,
        &issued.refresh_token,
        settings.refresh_ttl_seconds,
        &issued.csrf_token,
    );
    if web.cart_token.is_some()
        && let Ok(value) = HeaderValue::from_str(&format!(
            "{CART_COOKIE}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax"
        ))
    {
        headers.append(header::SET_COOKIE, value);
    }
    // dash: staff without TOTP turn it on first; staff land on their dashboard.
    let next = if issued.account.role.requires_totp() && !issued.account.totp_enabled {
        if next == "/orders" {
            "/account/2fa".to_owned()
        } else {
            format!(
                "/account/2fa?next={}",
                percent_encoding::utf8_percent_encode(next, percent_encoding::NON_ALPHANUMERIC)
            )
        }
    } else if next == "/orders" && issued.account.role.requires_totp() {
        super::two_factor::home_of(issued.account.role).to_owned()
    } else {
        next.to_owned()
    };
    let mut response = web.redirect(&next);
    for value in headers.get_all(header::SET_COOKIE) {
        response
            .headers_mut()
            .append(header::SET_COOKIE, value.clone());
    }
    Ok(response)
}

/// `POST /signin`: `login`, `password`, `next`.
pub async fn signin_submit(State(state): State<AppState>, form: WebForm) -> Response {
    let web = &form.web;
    let next = next_path(form.get("next"));
    let login = form.get("login").unwrap_or_default().to_owned();
    let password = form.get("password").unwrap_or_default().to_owned();
    match sign_in(&state, web, &login, &password, &next).await {
        Ok(response) => response,
        Err(error) => {
            let error = error.api_error();
            if error.status.is_client_error() {
                signin_form(web, &next, error.status, Some(&error.message))
            } else {
                web.error_page(&error)
            }
        }
    }
}

/// `POST /register`: `email`, `password`, `next`; a parent account, signed in at once.
pub async fn register_submit(State(state): State<AppState>, form: WebForm) -> Response {
    let web = &form.web;
    let next = next_path(form.get("next"));
    let email = form.get("email").unwrap_or_default().to_owned();
    let password = form.get("password").unwrap_or_default().to_owned();
    let result = async {
        session::register(
            &state,
            &web.meta,
            Some(&email),
            None,
            &password,
            Role::Parent,
        )
        .await?;
        sign_in(&state, web, &email, &password, &next).await
    }
    .await;
    match result {
        Ok(response) => response,
        Err(error) => {
            let error = error.api_error();
            if error.status.is_client_error() {
                signin_form(web, &next, error.status, Some(&error.message))
            } else {
                web.error_page(&error)
            }
        }
    }
}

/// `POST /signout`: ends the session and clears the cookies.
pub async fn signout_submit(State(state): State<AppState>, form: WebForm) -> Response {
    let web = &form.web;
    if let Some(user) = &web.user
        && let Err(error) = session::logout(&state, &web.meta, user).await
    {
        return web.error_page(&error.api_error());
    }
    let mut response = web.redirect("/");
    cookies::clear_session(response.headers_mut());
    response
}

fn status_label(status: &str) -> Option<T> {
    use crate::commerce::OrderStatus;
    let status = serde_json::from_value::<OrderStatus>(serde_json::Value::from(status)).ok()?;
    Some(match status {
        OrderStatus::PendingPayment => T::StatusPendingPayment,
        OrderStatus::AwaitingParentApproval => T::StatusAwaitingApproval,
        OrderStatus::Paid => T::StatusPaid,
        OrderStatus::Processing => T::StatusProcessing,
        OrderStatus::Shipped => T::StatusShipped,
        OrderStatus::Delivered => T::StatusDelivered,
        OrderStatus::Completed => T::StatusCompleted,
        OrderStatus::Cancelled => T::StatusCancelled,
        OrderStatus::Expired => T::StatusExpired,
        OrderStatus::RefundRequested => T::StatusRefundRequested,
        OrderStatus::Refunded => T::StatusRefunded,
    })
}

/// `GET /orders`: the signed-in buyer's orders, newest first (`?paid=` shows the thank-you).
pub async fn orders_page(
    State(state): State<AppState>,
    web: Web,
    RawQuery(raw): RawQuery,
) -> Response {
    let Some(user) = &web.user else {
        return web.redirect("/signin?next=/orders");
    };
    let paid = decode_query(raw.as_deref().unwrap_or_default())
        .into_iter()
        .any(|(key, _)| key == "paid");
    let list = match orders::list_for_buyer(&state.0.db, user.id).await {
        Ok(list) => list,
        Err(error) => return web.error_page(&ApiError::from(error)),
    };
    let lang = web.lang;
    let body = html! {
        h1 { (web.t(T::Orders)) }
        @if paid { p.notice role="status" { (web.t(T::PaymentDone)) } }
        @if list.is_empty() {
            p { (web.t(T::NoOrders)) }
        } @else {
            div.table-wrap tabindex="0" role="region" aria-label=(web.t(T::Orders)) {
            table.orders {
                caption.visually-hidden { (web.t(T::Orders)) }
                thead { tr {
                    th scope="col" { (web.t(T::Order)) }
                    th scope="col" { (web.t(T::Date)) }
                    th scope="col" { (web.t(T::Status)) }
                    th scope="col" { (web.t(T::Total)) }
                } }
                tbody {
                    @for order in &list {
                        tr {
                            td {
                                @if order.status == "pending_payment" {
                                    a href={ "/orders/" (order.id.0) "/pay" } { "#" (order.id.0) " — " (web.t(T::Pay)) }
                                } @else {
                                    "#" (order.id.0)
                                }
                            }
                            td.date { (order.created_at.format("%Y-%m-%d")) }
                            td {
                                @match status_label(&order.status) {
                                    Some(label) => { (web.t(label)) }
                                    None => { (order.status) }
                                }
                            }
                            td { (format_som(lang, order.total_tiyin)) }
                        }
                    }
                }
            }
            }
        }
    };
    web.page(StatusCode::OK, web.t(T::Orders), body)
}
