//! The shopper's web UI: server-rendered pages (maud templates compiled into the binary),
//! progressively enhanced by one small hand-written script.
//!
//! - [`session`]: who is asking ([`session::Web`]: user, UI language, CSRF token) and the form
//!   extractor that checks the CSRF field of every form post ([`session::WebForm`]).
//! - [`i18n`]: every UI string in uz-Latin, uz-Cyrillic, Russian and English.
//! - [`assets`]: the stylesheet and the script under content-hashed, immutable names.
//! - [`layout`]: the page shell (header, search bar, language switcher).
//! - pages: [`home`], [`search`], [`product`], [`cart`], [`checkout`] (delivery and card
//!   payment), [`account`] (sign-in, register, orders).
//!
//! Every response of this router carries the security headers ([`security_headers`]): a strict
//! Content-Security-Policy (scripts only from this origin, no inline script or style,
//! `frame-ancestors 'none'`, violations reported to `/csp-report`), a referrer policy, and HSTS
//! when the service is reached over TLS (`BOLAJON_HSTS`). HTML pages carry an ETag and answer
//! `If-None-Match` with 304. User-supplied text is always escaped by maud; nothing here wraps
//! user data in `PreEscaped`.

pub mod account;
pub mod assets;
pub mod bench;
pub mod cart;
pub mod checkout;
pub mod home;
pub mod i18n;
pub mod layout;
pub mod product;
pub mod search;
pub mod session;
// dash:
pub mod admin;
pub mod live;
pub mod seller;
pub mod two_factor;
// kids:
pub mod kids;
pub mod parent;
pub mod pwa;
pub mod shopper_pages;

use crate::AppState;
use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicU64, Ordering};

/// Settings of the web UI.
#[derive(Debug, Clone, Copy, Default)]
pub struct WebSettings {
    /// The service is reached over TLS (directly or through a TLS proxy): send HSTS.
    pub hsts: bool,
}

/// The Content-Security-Policy of every page: nothing inline, nothing from elsewhere.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; \
base-uri 'none'; frame-ancestors 'none'; manifest-src 'self'; worker-src 'self'; \
report-uri /csp-report";

/// The largest CSP report read.
const MAX_CSP_REPORT_BYTES: usize = 8 * 1024;
/// The largest page body an ETag is computed for.
const MAX_ETAG_BODY_BYTES: usize = 2 * 1024 * 1024;

/// CSP violation reports received since start (for the e2e test and the logs).
pub static CSP_REPORTS: AtomicU64 = AtomicU64::new(0);

/// Routes of the web UI.
pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/", get(home::home_page))
        .route("/search", get(search::search_page))
        .route("/products/{id}", get(product::product_page))
        .route("/cart", get(cart::cart_page))
        .route("/cart/add", post(cart::cart_add))
        .route("/cart/update", post(cart::cart_update))
        .route("/cart/remove", post(cart::cart_remove))
        .route(
            "/checkout",
            get(checkout::checkout_page).post(checkout::checkout_submit),
        )
        .route(
            "/orders/{id}/pay",
            get(checkout::pay_page).post(checkout::pay_submit),
        )
        .route("/orders/{id}/pay/code", post(checkout::pay_code_submit))
        .route("/orders", get(account::orders_page))
        .route(
            "/signin",
            get(account::signin_page).post(account::signin_submit),
        )
        .route("/register", post(account::register_submit))
        .route("/signout", post(account::signout_submit))
        .route("/static/{file}", get(assets::static_file))
        .route("/csp-report", post(csp_report))
        // dash: two-step sign-in, the seller and admin dashboards, live statistics.
        .route("/signin/2fa", post(two_factor::code_submit))
        .route(
            "/account/2fa",
            get(two_factor::enroll_page).post(two_factor::enroll_submit),
        )
        .route("/seller", get(seller::dashboard_page))
        .route(
            "/seller/products/new",
            get(seller::new_product_page).post(seller::create_product_submit),
        )
        .route(
            "/seller/products/{id}",
            get(seller::edit_product_page).post(seller::edit_product_submit),
        )
        .route(
            "/seller/shipments/{id}/status",
            post(seller::advance_shipment_submit),
        )
        .route("/admin", get(admin::overview_page))
        .route("/admin/live", get(live::live_events))
        .route("/admin/moderation", get(admin::moderation_page))
        .route("/admin/moderation/decide", post(admin::moderation_decide))
        .route("/admin/reviews", get(admin::reviews_page))
        .route("/admin/notifications", get(admin::notifications_page))
        .route("/admin/users", get(admin::users_page))
        .route("/admin/users/{id}/role", post(admin::change_role_submit))
        // kids: kids' mode, the parent panel, the PWA and the shopper's lists.
        .route("/kids", get(kids::kids_home))
        .route("/kids/enter", post(kids::kids_enter))
        .route("/kids/search", get(kids::kids_search))
        .route("/kids/products/{id}", get(kids::kids_product))
        .route("/kids/ask", post(kids::kids_ask))
        .route("/kids/asked", get(kids::kids_asked))
        .route(
            kids::EXIT_PAGE,
            get(kids::kids_exit_page).post(kids::kids_exit_submit),
        )
        .route("/parent", get(parent::parent_page))
        .route("/parent/children", post(parent::child_create_submit))
        .route("/parent/children/{id}", get(parent::child_page))
        .route(
            "/parent/children/{id}/consent",
            post(parent::consent_submit),
        )
        .route(
            "/parent/children/{id}/controls",
            post(parent::controls_submit),
        )
        .route(
            "/parent/children/{id}/erase",
            post(parent::child_erase_submit),
        )
        .route(
            "/parent/requests/{id}/approve",
            post(parent::approve_submit),
        )
        .route(
            "/parent/requests/{id}/decline",
            post(parent::decline_submit),
        )
        .route("/parent/pin", post(parent::pin_submit))
        .route("/parent/erase", post(parent::account_erase_submit))
        .route("/manifest.webmanifest", get(pwa::manifest))
        .route("/sw.js", get(pwa::service_worker))
        .route("/offline", get(pwa::offline_page))
        .route("/icons/{file}", get(pwa::icon))
        .route("/wishlist", get(shopper_pages::wishlist_page))
        .route("/wishlist/add", post(shopper_pages::wishlist_add))
        .route("/wishlist/remove", post(shopper_pages::wishlist_remove))
        .route("/compare", get(shopper_pages::compare_page))
        .route("/recently-viewed", get(shopper_pages::recently_viewed_page))
        .layer(middleware::from_fn(etag))
        .layer(middleware::from_fn_with_state(state, security_headers))
}

/// Adds the security headers to every response of the web UI.
pub async fn security_headers(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=(self)"),
    );
    if state.0.web.hsts {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}

/// Gives successful HTML pages a strong ETag (a hash of the body) and answers a matching
/// `If-None-Match` with 304.
async fn etag(request: Request, next: Next) -> Response {
    let is_get = request.method() == Method::GET || request.method() == Method::HEAD;
    let if_none_match = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    if !is_get || response.status() != StatusCode::OK || !is_html {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_ETAG_BODY_BYTES).await {
        Ok(bytes) => bytes,
        Err(error) => {
            tracing::warn!(%error, "page body unreadable for the etag: {error}");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let digest = Sha256::digest(&bytes);
    let tag = format!(
        "\"{}\"",
        digest[..12]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    let matches = if_none_match.is_some_and(|values| {
        values
            .split(',')
            .any(|value| value.trim().trim_start_matches("W/") == tag)
    });
    if let Ok(value) = HeaderValue::from_str(&tag) {
        parts.headers.insert(header::ETAG, value);
    }
    if matches {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_LENGTH);
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, Body::from(bytes))
}

// dash: CSP reports are rate-limited per client address with the auth rate limiter.
/// CSP violation reports per client address: 60 per minute (a page can produce several).
pub const CSP_REPORTS_PER_IP: crate::auth::rate_limit::Rule = crate::auth::rate_limit::Rule {
    name: "csp_report_ip",
    limit: 60,
    window_seconds: 60,
};

/// Receives the browser's CSP violation reports: counts and logs them (the directive and the
/// blocked URI, at most 200 characters each). At most [`CSP_REPORTS_PER_IP`] per address;
/// past that 429 `rate_limited` (with `Retry-After`).
async fn csp_report(
    State(state): State<AppState>,
    meta: crate::auth::ClientMeta,
    body: Body,
) -> Result<StatusCode, crate::auth::AuthError> {
    state
        .0
        .auth
        .rate_limit(&CSP_REPORTS_PER_IP, &meta.ip_subject())
        .await?;
    let bytes = axum::body::to_bytes(body, MAX_CSP_REPORT_BYTES)
        .await
        .map_err(|_| {
            crate::ApiError::payload_too_large(format!(
                "a report must be at most {MAX_CSP_REPORT_BYTES} bytes"
            ))
        })?;
    let report: serde_json::Value = serde_json::from_slice(&bytes).map_err(|_| {
        crate::ApiError::bad_request("invalid_csp_report", "the report must be JSON")
    })?;
    let inner = report.get("csp-report").unwrap_or(&report);
    let field = |name: &str| {
        inner
            .get(name)
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
            .chars()
            .take(200)
            .collect::<String>()
    };
    let directive = field("violated-directive");
    let blocked = field("blocked-uri");
    let total = CSP_REPORTS.fetch_add(1, Ordering::Relaxed) + 1;
    tracing::warn!(
        directive = %directive,
        blocked = %blocked,
        total,
        "content security policy violation: {directive} blocked {blocked}"
    );
    Ok(StatusCode::NO_CONTENT)
}
