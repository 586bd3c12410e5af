//! The HTTP surface. Each module mirrors a part of the URL tree and exposes `router()`; they
//! are merged here, in one place.

pub mod account;
pub mod admin_banners;
pub mod admin_notifications;
pub mod auth;
pub mod cart;
pub mod categories;
pub mod featured;
pub mod health;
pub mod kids_mode;
pub mod media;
pub mod moderation;
pub mod notify_preferences;
pub mod orders;
pub mod passkeys;
pub mod password_reset;
pub mod payments;
pub mod products;
pub mod purchase_requests;
pub mod push;
pub mod recommendations;
pub mod reviews;
pub mod search;
pub mod seller;
pub mod seller_profile;
pub mod seller_sales;
pub mod shipments;
pub mod shopper;
pub mod sms_callbacks;
pub mod suggest;

use crate::{ApiError, AppState};
use axum::Router;
use axum::http::{HeaderValue, header};
use axum::routing::get;
use std::time::Duration;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Builds the whole router for `state`.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(search::router())
        .merge(suggest::router())
        .merge(recommendations::router())
        .merge(auth::router())
        .merge(passkeys::router())
        .merge(password_reset::router())
        .merge(kids_mode::router())
        .merge(products::router())
        .merge(categories::router())
        .merge(health::router())
        .merge(crate::web::router(state.clone()))
        .merge(media::router())
        .merge(cart::router())
        .merge(orders::router())
        .merge(shipments::router())
        .merge(purchase_requests::router())
        .merge(payments::router())
        .merge(shopper::router())
        .merge(admin_notifications::router())
        .merge(admin_banners::router())
        .merge(push::router())
        .merge(notify_preferences::router())
        .merge(sms_callbacks::router())
        .merge(seller::router())
        .merge(seller_profile::router())
        .merge(seller_sales::router())
        .merge(featured::router())
        .merge(moderation::router())
        .merge(reviews::router())
        .merge(account::router())
        .route("/api/openapi.json", get(crate::openapi::openapi_json))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(10),
        ))
        // The span names the method and the path only: never the query string (it may carry
        // a token) and never headers (Authorization, cookies).
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &axum::extract::Request| {
                tracing::debug_span!(
                    "request",
                    method = %request.method(),
                    path = %request.uri().path(),
                )
            }),
        )
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::not_found("not_found", "no such route")
}

async fn method_not_allowed() -> ApiError {
    ApiError {
        status: axum::http::StatusCode::METHOD_NOT_ALLOWED,
        code: "method_not_allowed",
        message: "method not allowed on this route".to_owned(),
    }
}
