//! The shopper's lists on the web: `GET /wishlist` (with `POST /wishlist/add` and
//! `/wishlist/remove`, and a compare form), `GET /compare?ids=1,2` (2 to 4 products side by
//! side) and `GET /recently-viewed` (the account's, or a guest device's by the HttpOnly
//! `bolajon_device` cookie; product pages record views the same way as
//! `POST /api/v1/recently-viewed/{id}`).
//!
//! The lists are the API's (`crate::shopper`): only approved products, newest first.

use super::home::CardProduct;
use super::i18n::T;
use super::layout::{format_age_range, format_som};
use super::search::product_card;
use super::session::{Web, WebForm, csrf_field};
use crate::auth::cookies;
use crate::auth::token::{new_refresh_token, sha256_hex};
use crate::routes::products::{ProductView, load_product_view, parse_product_id};
use crate::routes::search::decode_pairs;
use crate::shopper::{self, COMPARE_MAX, Viewer, WishlistAdd};
use crate::{ApiError, AppState};
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use maud::{Markup, html};

/// The guest device cookie behind "recently viewed".
pub const DEVICE_COOKIE: &str = "bolajon_device";

fn card(view: &ProductView) -> CardProduct {
    CardProduct {
        id: view.id,
        title: view.title.clone(),
        price: view.price,
        age_min_months: view.age_min_months,
        age_max_months: view.age_max_months,
        in_stock: view.in_stock,
        image_url: view.images.first().map(|image| image.url.clone()),
    }
}

async fn views(state: &AppState, web: &Web, ids: Vec<i64>) -> Result<Vec<ProductView>, ApiError> {
    let mut products = Vec::with_capacity(ids.len());
    for id in ids {
        match load_product_view(state, id.unsigned_abs(), None, web.lang.engine_lang()).await {
            Ok(view) => products.push(view),
            Err(error) if error.status == StatusCode::NOT_FOUND => {}
            Err(error) => return Err(error),
        }
    }
    Ok(products)
}

fn device_token(headers: &axum::http::HeaderMap) -> Option<String> {
    cookies::read(headers, DEVICE_COOKIE)
        .filter(|value| {
            (16..=128).contains(&value.len())
                && value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .map(str::to_owned)
}

/// Records that the page's visitor viewed product `raw_id` (the product page calls this): the
/// account's list when signed in, else the device's (issuing its cookie when missing).
pub async fn record_view(
    state: &AppState,
    web: &mut Web,
    headers: &axum::http::HeaderMap,
    raw_id: &str,
) -> Result<(), ApiError> {
    let Ok(id) = parse_product_id(raw_id) else {
        return Ok(());
    };
    let id = id.cast_signed();
    let viewer = match &web.user {
        Some(user) => Viewer::User(user.id),
        None => {
            let token = match device_token(headers) {
                Some(token) => token,
                None => {
                    let token = new_refresh_token().map_err(ApiError::internal)?;
                    let cookie = format!(
                        "{DEVICE_COOKIE}={token}; Path=/; Max-Age=31536000; HttpOnly; Secure; SameSite=Lax"
                    );
                    web.set_cookie(HeaderValue::from_str(&cookie).map_err(ApiError::internal)?);
                    token
                }
            };
            Viewer::Device(sha256_hex(&token))
        }
    };
    let now = state.0.auth.now();
    let previous = crate::recommendations::last_view(&state.0.db, &viewer, id).await?;
    if shopper::record_view(&state.0.db, &viewer, id, now).await? {
        crate::recommendations::count_view(&state.0.db, id, previous, now).await?;
    }
    Ok(())
}

/// The "add to wishlist" form of a product page (signed-in grown-ups); offline, the PWA
/// script queues it.
pub fn wishlist_button(web: &Web, product_id: u64) -> Markup {
    html! {
        @if web.user.is_some() {
            form.wishlist-add action="/wishlist/add" method="post" data-queued=(web.t(T::WishlistQueued)) {
                (csrf_field(web))
                input type="hidden" name="product_id" value=(product_id);
                button.secondary type="submit" { span aria-hidden="true" { "♡ " } (web.t(T::AddToWishlist)) }
                span.hint role="status" {}
            }
        }
    }
}

/// `GET /wishlist`.
pub async fn wishlist_page(State(state): State<AppState>, web: Web) -> Response {
    let Some(user) = &web.user else {
        return web.redirect("/signin?next=/wishlist");
    };
    let result = async {
        let ids = shopper::wishlist(&state.0.db, user.id).await?;
        let products = views(&state, &web, ids).await?;
        let body = html! {
            h1 { (web.t(T::Wishlist)) }
            @if products.is_empty() {
                p { (web.t(T::WishlistEmpty)) }
            } @else {
                ul.grid data-offline-keep {
                    @for product in &products {
                        (product_card(&web, &card(product), None))
                    }
                }
                h2 #compare-heading { (web.t(T::Compare)) }
                form.stack action="/compare" method="get" aria-labelledby="compare-heading" {
                    p.hint { (web.t(T::CompareHint)) }
                    @for (index, product) in products.iter().enumerate() {
                        @let id = format!("cmp-{index}");
                        div.check {
                            input id=(id) type="checkbox" name="ids" value=(product.id);
                            label for=(id) { (product.title) }
                        }
                    }
                    button type="submit" { (web.t(T::CompareSelected)) }
                }
                h2 #remove-heading { (web.t(T::Remove)) }
                ul.wish-remove aria-labelledby="remove-heading" {
                    @for product in &products {
                        li {
                            form.inline action="/wishlist/remove" method="post" {
                                (csrf_field(&web))
                                input type="hidden" name="product_id" value=(product.id);
                                button.secondary type="submit" aria-label={ (web.t(T::Remove)) ": " (product.title) } { (web.t(T::Remove)) }
                                " " (product.title)
                            }
                        }
                    }
                }
            }
        };
        Ok::<_, ApiError>(web.page(StatusCode::OK, web.t(T::Wishlist), body))
    };
    result.await.unwrap_or_else(|error| web.error_page(&error))
}

fn form_product(form: &WebForm) -> Result<i64, ApiError> {
    let raw = form.require("product_id")?;
    Ok(parse_product_id(raw)?.cast_signed())
}

/// `POST /wishlist/add`: `product_id`; back to the product (or, replayed from the offline
/// queue, to the wishlist).
pub async fn wishlist_add(State(state): State<AppState>, form: WebForm) -> Response {
    let web = &form.web;
    let Some(user) = &web.user else {
        return web.redirect("/signin?next=/wishlist");
    };
    let result = async {
        let id = form_product(&form)?;
        match shopper::add_to_wishlist(&state.0.db, user.id, id, state.0.auth.now()).await? {
            WishlistAdd::Added => Ok(id),
            WishlistAdd::UnknownProduct => Err(ApiError::not_found(
                "product_not_found",
                format!("product {id} does not exist"),
            )),
            WishlistAdd::Full => Err(ApiError::conflict(
                "wishlist_full",
                format!(
                    "a wishlist holds at most {} products",
                    shopper::WISHLIST_CAP
                ),
            )),
        }
    }
    .await;
    match result {
        Ok(_) => web.redirect("/wishlist"),
        Err(error) => web.error_page(&error),
    }
}

/// `POST /wishlist/remove`: `product_id`.
pub async fn wishlist_remove(State(state): State<AppState>, form: WebForm) -> Response {
    let web = &form.web;
    let Some(user) = &web.user else {
        return web.redirect("/signin?next=/wishlist");
    };
    let result = async {
        let id = form_product(&form)?;
        shopper::remove_from_wishlist(&state.0.db, user.id, id).await?;
        Ok::<_, ApiError>(())
    }
    .await;
    match result {
        Ok(()) => web.redirect("/wishlist"),
        Err(error) => web.error_page(&error),
    }
}

/// `GET /compare?ids=1,2,3` (or `ids=1&ids=2`).
pub async fn compare_page(
    State(state): State<AppState>,
    web: Web,
    RawQuery(raw): RawQuery,
) -> Response {
    let result = async {
        let pairs = decode_pairs(raw.as_deref().unwrap_or_default())?;
        let bad = || {
            ApiError::bad_request(
                "invalid_compare",
                format!("ids must name 2 to {COMPARE_MAX} distinct products"),
            )
        };
        let mut ids: Vec<u64> = Vec::new();
        for (_, value) in pairs.iter().filter(|(key, _)| key == "ids") {
            for part in value.split(',').map(str::trim).filter(|part| !part.is_empty()) {
                let id = parse_product_id(part)?;
                if ids.contains(&id) {
                    return Err(bad());
                }
                ids.push(id);
            }
        }
        if !(2..=COMPARE_MAX).contains(&ids.len()) {
            return Err(bad());
        }
        let mut products = Vec::with_capacity(ids.len());
        for id in ids {
            products.push(load_product_view(&state, id, None, web.lang.engine_lang()).await?);
        }
        let lang = web.lang;
        let yes_no = |value: bool| {
            if value {
                web.t(T::InStock)
            } else {
                web.t(T::OutOfStock)
            }
        };
        let body = html! {
            h1 { (web.t(T::Compare)) }
            div.table-wrap tabindex="0" role="region" aria-labelledby="compare-caption" {
                table.orders.compare {
                    caption #compare-caption { (web.t(T::Compare)) }
                    thead { tr {
                        th scope="col" { (web.t(T::Attribute)) }
                        @for product in &products {
                            th scope="col" { a href={ "/products/" (product.id) } { (product.title) } }
                        }
                    } }
                    tbody {
                        tr { th scope="row" { (web.t(T::Price)) } @for product in &products { td { (format_som(lang, product.price)) } } }
                        tr { th scope="row" { (web.t(T::Age)) } @for product in &products { td { (format_age_range(lang, product.age_min_months, product.age_max_months)) } } }
                        tr { th scope="row" { (web.t(T::Brand)) } @for product in &products { td { (product.brand.as_deref().unwrap_or("—")) } } }
                        tr { th scope="row" { (web.t(T::Rating)) } @for product in &products { td { (format!("{:.1}", product.rating)) " (" (product.rating_count) ")" } } }
                        tr { th scope="row" { (web.t(T::Status)) } @for product in &products { td { (yes_no(product.in_stock)) } } }
                        tr { th scope="row" { (web.t(T::Category)) } @for product in &products { td { (product.categories.last().map_or("—", |category| category.name.as_str())) } } }
                    }
                }
            }
        };
        Ok(web.page(StatusCode::OK, web.t(T::Compare), body))
    }
    .await;
    result.unwrap_or_else(|error| web.error_page(&error))
}

/// `GET /recently-viewed`.
pub async fn recently_viewed_page(
    State(state): State<AppState>,
    web: Web,
    headers: axum::http::HeaderMap,
) -> Response {
    let result = async {
        let viewer = match (&web.user, device_token(&headers)) {
            (Some(user), _) => Some(Viewer::User(user.id)),
            (None, Some(token)) => Some(Viewer::Device(sha256_hex(&token))),
            (None, None) => None,
        };
        let ids = match &viewer {
            Some(viewer) => shopper::recently_viewed(&state.0.db, viewer).await?,
            None => Vec::new(),
        };
        let products = views(&state, &web, ids).await?;
        let body = html! {
            h1 { (web.t(T::RecentlyViewed)) }
            @if products.is_empty() {
                p { (web.t(T::NothingViewed)) }
            } @else {
                ul.grid data-offline-keep {
                    @for product in &products {
                        (product_card(&web, &card(product), None))
                    }
                }
            }
        };
        Ok::<_, ApiError>(web.page(StatusCode::OK, web.t(T::RecentlyViewed), body))
    };
    result.await.unwrap_or_else(|error| web.error_page(&error))
}
