//! `GET /cart` and its forms (`POST /cart/add`, `/cart/update`, `/cart/remove`): the cart at
//! live prices. Guests keep their cart by the same `bolajon_cart` cookie as the JSON API; it
//! joins the account's cart at sign-in.

use super::i18n::T;
use super::layout::format_som;
use super::session::{Web, WebForm, csrf_field};
use crate::auth::token::{new_refresh_token, sha256_hex};
use crate::commerce::cart::{self, CartOwner, CartView, LineChange};
use crate::routes::cart::CART_COOKIE;
use crate::{ApiError, AppState};
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use maud::html;

/// The cart of the page's visitor, if they have one.
pub fn owner_of(web: &Web) -> Option<CartOwner> {
    match (&web.user, &web.cart_token) {
        (Some(user), _) => Some(CartOwner::User(user.id)),
        (None, Some(token)) => Some(CartOwner::Guest(sha256_hex(token))),
        (None, None) => None,
    }
}

/// The visitor's cart owner, issuing a guest cart cookie when there is none.
fn owner_or_issue(web: &mut Web) -> Result<CartOwner, ApiError> {
    if let Some(owner) = owner_of(web) {
        return Ok(owner);
    }
    let token = new_refresh_token().map_err(ApiError::internal)?;
    let cookie =
        format!("{CART_COOKIE}={token}; Path=/; Max-Age=2592000; HttpOnly; Secure; SameSite=Lax");
    let value = HeaderValue::from_str(&cookie).map_err(ApiError::internal)?;
    web.set_cookie(value);
    let owner = CartOwner::Guest(sha256_hex(&token));
    web.cart_token = Some(token);
    Ok(owner)
}

/// Loads the visitor's cart (empty when they have none).
pub async fn load_cart(state: &AppState, web: &Web) -> Result<CartView, ApiError> {
    match owner_of(web) {
        Some(owner) => Ok(cart::view(&state.0.db, &owner).await?),
        None => Ok(CartView {
            lines: Vec::new(),
            subtotal_tiyin: 0,
            purchasable: false,
        }),
    }
}

/// `GET /cart`.
pub async fn cart_page(State(state): State<AppState>, web: Web) -> Response {
    match load_cart(&state, &web).await {
        Ok(view) => render(&web, &view, StatusCode::OK, None),
        Err(error) => web.error_page(&error),
    }
}

fn render(web: &Web, view: &CartView, status: StatusCode, error: Option<&str>) -> Response {
    let lang = web.lang;
    let body = html! {
        h1 { (web.t(T::Cart)) }
        @if let Some(error) = error { p.error role="alert" { (error) } }
        @if view.lines.is_empty() {
            p { (web.t(T::CartEmpty)) }
            p { a href="/" { (web.t(T::GoHome)) } }
        } @else {
            ul.cart-lines {
                @for (index, line) in view.lines.iter().enumerate() {
                    @let quantity_id = format!("qty-{index}");
                    li.cart-line {
                        a.title href={ "/products/" (line.product_id) } { (line.title) }
                        span.unit { (format_som(lang, line.unit_price_tiyin)) }
                        @if !line.purchasable { span.warn { (web.t(T::Unavailable)) } }
                        form.inline action="/cart/update" method="post" {
                            (csrf_field(web))
                            input type="hidden" name="sku" value=(line.sku);
                            label.visually-hidden for=(quantity_id) { (web.t(T::Quantity)) ": " (line.title) }
                            input id=(quantity_id) type="number" name="quantity" min="1" max="99" value=(line.quantity) inputmode="numeric";
                            button type="submit" { (web.t(T::Update)) }
                        }
                        form.inline action="/cart/remove" method="post" {
                            (csrf_field(web))
                            input type="hidden" name="sku" value=(line.sku);
                            button.secondary type="submit" aria-label={ (web.t(T::Remove)) ": " (line.title) } { (web.t(T::Remove)) }
                        }
                        span.line-total { (format_som(lang, line.line_total_tiyin)) }
                    }
                }
            }
            p.total { (web.t(T::Subtotal)) ": " strong { (format_som(lang, view.subtotal_tiyin)) } }
            @if view.purchasable {
                p { a.button href="/checkout" { (web.t(T::ToCheckout)) } }
            }
        }
    };
    web.page(status, web.t(T::Cart), body)
}

async fn change(state: &AppState, mut form: WebForm, change: Option<LineChange>) -> Response {
    let result = async {
        let sku = form.require("sku")?.to_owned();
        let change = match change {
            Some(change) => change,
            None => {
                let quantity =
                    form.get("quantity")
                        .unwrap_or("1")
                        .parse::<i64>()
                        .map_err(|_| {
                            ApiError::bad_request(
                                "invalid_quantity",
                                "the quantity is a whole number from 1 to 99",
                            )
                        })?;
                LineChange::Add(quantity)
            }
        };
        let owner = owner_or_issue(&mut form.web)?;
        cart::change_line(&state.0.db, &owner, &sku, change, state.0.auth.now()).await?;
        Ok::<_, ApiError>(())
    }
    .await;
    match result {
        Ok(()) => form.web.redirect("/cart"),
        Err(error) if error.status.is_client_error() => match load_cart(state, &form.web).await {
            Ok(view) => render(&form.web, &view, error.status, Some(&error.message)),
            Err(error) => form.web.error_page(&error),
        },
        Err(error) => form.web.error_page(&error),
    }
}

/// `POST /cart/add`: `sku`, `quantity`.
pub async fn cart_add(State(state): State<AppState>, form: WebForm) -> Response {
    change(&state, form, None).await
}

/// `POST /cart/update`: `sku`, `quantity`.
pub async fn cart_update(State(state): State<AppState>, form: WebForm) -> Response {
    let quantity = form
        .get("quantity")
        .and_then(|value| value.parse::<i64>().ok());
    match quantity {
        Some(quantity) => change(&state, form, Some(LineChange::Set(quantity))).await,
        None => {
            let error = ApiError::bad_request(
                "invalid_quantity",
                "the quantity is a whole number from 1 to 99",
            );
            form.web.error_page(&error)
        }
    }
}

/// `POST /cart/remove`: `sku`.
pub async fn cart_remove(State(state): State<AppState>, form: WebForm) -> Response {
    change(&state, form, Some(LineChange::Remove)).await
}
