//! Who asks for a page, in which language, and the CSRF token of its forms.
//!
//! CSRF for the web's HTML forms (which cannot send the API's `X-CSRF-Token` header): every
//! form carries a hidden `_csrf` field, and [`WebForm`] refuses a post whose field is not the
//! expected token before the handler runs.
//!
//! - Signed in: the session's signed token (the same HMAC of the session id that the API's
//!   double-submit cookie holds), so another site can neither read nor compute it.
//! - Guest (sign-in, register, the guest cart): the HMAC of a random `__Host-` cookie value
//!   issued on the first page; the cookie is HttpOnly and host-only, so a sibling site cannot
//!   plant one.

use super::i18n::{T, UiLang};
use crate::auth::cookies;
use crate::auth::token::{constant_time_eq, csrf_token, new_refresh_token};
use crate::auth::{CurrentUser, authenticate_for_web_form};
use crate::routes::search::decode_pairs;
use crate::{ApiError, AppState};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use maud::Markup;
use std::convert::Infallible;

/// The UI language cookie.
pub const LANG_COOKIE: &str = "bolajon_lang";
/// The guest CSRF cookie.
pub const GUEST_CSRF_COOKIE: &str = "__Host-bolajon_gcsrf";
/// The form field holding the CSRF token.
pub const CSRF_FIELD: &str = "_csrf";
/// The header carrying the stable error code of an HTML error page.
pub const ERROR_CODE_HEADER: &str = "x-error-code";
/// The largest form body read.
const MAX_FORM_BYTES: usize = 16 * 1024;

/// The request as a page sees it.
#[derive(Debug, Clone)]
pub struct Web {
    /// The signed-in user (a guest when absent, expired or revoked).
    pub user: Option<CurrentUser>,
    /// The UI language.
    pub lang: UiLang,
    /// The token every form of the page carries.
    pub csrf: String,
    /// The request's path and query (for the language switcher).
    pub path_and_query: String,
    /// The client's address and agent (rate limits, the audit log).
    pub meta: crate::auth::ClientMeta,
    /// The guest cart token the browser holds (the `bolajon_cart` cookie).
    pub cart_token: Option<String>,
    /// Cookies to set on the response.
    set_cookies: Vec<HeaderValue>,
    // kids:
    /// A child's session refused by the parental controls (`bedtime` or
    /// `screen_time_exhausted`): every page shows the friendly lock screen instead.
    pub locked: Option<&'static str>,
}

fn query_lang(parts: &Parts) -> Option<UiLang> {
    let query = parts.uri.query()?;
    decode_pairs(query)
        .ok()?
        .into_iter()
        .rev()
        .find(|(key, _)| key == "lang")
        .and_then(|(_, value)| UiLang::parse(&value))
}

fn accept_language(headers: &HeaderMap) -> Option<UiLang> {
    let value = headers.get(header::ACCEPT_LANGUAGE)?.to_str().ok()?;
    value.split(',').find_map(|entry| {
        let tag = entry.split(';').next()?.trim();
        match tag.to_ascii_lowercase().as_str() {
            "uz-cyrl" | "uz-cyrl-uz" => Some(UiLang::UzCyrl),
            tag if tag.starts_with("uz") => Some(UiLang::UzLatn),
            tag if tag.starts_with("ru") => Some(UiLang::Ru),
            tag if tag.starts_with("en") => Some(UiLang::En),
            _ => None,
        }
    })
}

fn cookie_value(name: &str, value: &str, max_age: i64, http_only: bool) -> Option<HeaderValue> {
    let http_only = if http_only { "; HttpOnly" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; Max-Age={max_age}; Secure; SameSite=Lax{http_only}"
    ))
    .ok()
}

impl Web {
    /// Reads the request: user, language (`?lang=`, then the cookie, then `Accept-Language`,
    /// then Uzbek), and the CSRF token (issuing the guest cookie when missing).
    pub async fn from_parts(parts: &Parts, state: &AppState) -> Self {
        // kids: a child's session refused at bedtime or with the screen time spent.
        let mut locked = None;
        let user = match authenticate_for_web_form(parts, state).await {
            Ok(user) => user,
            Err(error) => {
                let code = error.api_error().code;
                if let Some(lock) = super::kids::lock_reason(code) {
                    locked = Some(lock);
                }
                // An expired or revoked session browses as a guest until it signs in again.
                tracing::debug!(code, "web session not used");
                None
            }
        };
        let mut set_cookies = Vec::new();
        let lang = match query_lang(parts) {
            Some(lang) => {
                set_cookies.extend(cookie_value(LANG_COOKIE, lang.code(), 31_536_000, false));
                lang
            }
            None => cookies::read(&parts.headers, LANG_COOKIE)
                .and_then(UiLang::parse)
                .or_else(|| accept_language(&parts.headers))
                .unwrap_or_default(),
        };
        let keys = state.0.auth.keys();
        let csrf = match &user {
            Some(user) => csrf_token(keys, &user.session_id),
            None => {
                let existing = cookies::read(&parts.headers, GUEST_CSRF_COOKIE)
                    .filter(|value| {
                        (16..=128).contains(&value.len())
                            && value
                                .bytes()
                                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                    })
                    .map(str::to_owned);
                let value = match existing {
                    Some(value) => value,
                    None => {
                        let fresh = new_refresh_token().unwrap_or_default();
                        set_cookies.extend(cookie_value(GUEST_CSRF_COOKIE, &fresh, 86_400, true));
                        fresh
                    }
                };
                csrf_token(keys, &format!("guest:{value}"))
            }
        };
        let path_and_query = parts
            .uri
            .path_and_query()
            .map_or_else(|| "/".to_owned(), |value| value.as_str().to_owned());
        Self {
            user,
            lang,
            csrf,
            path_and_query,
            meta: crate::auth::ClientMeta::from_parts(
                parts,
                state.0.auth.settings.trust_forwarded_for,
            ),
            cart_token: crate::routes::cart::guest_token(&parts.headers),
            set_cookies,
            locked,
        }
    }

    /// Returns the translation of `key` in the page's language.
    pub fn t(&self, key: T) -> &'static str {
        self.lang.t(key)
    }

    // kids:
    /// Whether the page is for a child: a kids'-mode session, or one locked by the controls.
    pub fn is_child(&self) -> bool {
        self.locked.is_some()
            || self
                .user
                .as_ref()
                .is_some_and(|user| user.role == crate::auth::Role::Child)
    }

    /// Adds a cookie to the response.
    pub fn set_cookie(&mut self, value: HeaderValue) {
        self.set_cookies.push(value);
    }

    /// Renders a page: the layout around `body`, with the cookies and caching headers.
    pub fn page(&self, status: StatusCode, title: &str, body: Markup) -> Response {
        // kids: a locked child sees the lock screen on every page.
        if let Some(reason) = self.locked {
            let (title, body) = super::kids::lock_screen(self, reason);
            let html = super::layout::layout(self, title, body);
            let mut response = (StatusCode::FORBIDDEN, Html(html.into_string())).into_response();
            let headers = response.headers_mut();
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            if let Ok(value) = HeaderValue::from_str(reason) {
                headers.insert(ERROR_CODE_HEADER, value);
            }
            self.append_cookies(headers);
            return response;
        }
        // kids: a child's session stays in kids' mode.
        if self.is_child() && !super::kids::is_kids_path(&self.path_and_query) {
            return self.redirect("/kids");
        }
        let html = super::layout::layout(self, title, body);
        let mut response = (status, Html(html.into_string())).into_response();
        let headers = response.headers_mut();
        // Pages are per visitor (language, cart, CSRF token): revalidated with the ETag.
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-cache"),
        );
        headers.insert(header::VARY, HeaderValue::from_static("Cookie"));
        self.append_cookies(headers);
        response
    }

    /// Answers with a 303 redirect to the local `location`.
    pub fn redirect(&self, location: &str) -> Response {
        let location = if crate::banners::is_local_path(location) {
            location
        } else {
            "/"
        };
        let mut response = StatusCode::SEE_OTHER.into_response();
        let headers = response.headers_mut();
        if let Ok(value) = HeaderValue::from_str(location) {
            headers.insert(header::LOCATION, value);
        }
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        self.append_cookies(headers);
        response
    }

    fn append_cookies(&self, headers: &mut HeaderMap) {
        for cookie in &self.set_cookies {
            headers.append(header::SET_COOKIE, cookie.clone());
        }
    }

    /// Renders an error page for `error` (4xx keeps its status; anything else is a 500 with a
    /// generic message, the cause logged).
    pub fn error_page(&self, error: &ApiError) -> Response {
        let (status, message) = if error.status.is_client_error() {
            (error.status, error.message.clone())
        } else {
            tracing::error!(code = error.code, "page failed: {}", error.message);
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                self.t(T::ErrorTitle).to_owned(),
            )
        };
        let title = if status == StatusCode::NOT_FOUND {
            self.t(T::NotFoundTitle)
        } else {
            self.t(T::ErrorTitle)
        };
        let body = maud::html! {
            h1 { (title) }
            p.error role="alert" { (message) }
            p { a href="/" { (self.t(T::GoHome)) } }
        };
        let code = if status.is_client_error() {
            error.code
        } else {
            "internal"
        };
        with_error_code(self.page(status, title, body), code)
    }
}

/// Adds the API's stable error `code` to a page that answers a refused request (an error
/// page, or a form shown again with its error), for scripts and tests reading the HTML.
pub fn with_error_code(mut response: Response, code: &str) -> Response {
    if let Ok(value) = HeaderValue::from_str(code) {
        response.headers_mut().insert(ERROR_CODE_HEADER, value);
    }
    response
}

impl FromRequestParts<AppState> for Web {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        Ok(Self::from_parts(parts, state).await)
    }
}

/// A form post whose CSRF field was checked: the page context and the decoded fields.
#[derive(Debug)]
pub struct WebForm {
    /// The page context.
    pub web: Web,
    fields: Vec<(String, String)>,
}

impl WebForm {
    /// Returns the last value of field `name`, trimmed.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.trim())
    }

    // kids:
    /// Returns every value of field `name` (checkbox groups), trimmed, in order.
    pub fn get_all(&self, name: &str) -> Vec<&str> {
        self.fields
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.trim())
            .collect()
    }

    /// Returns field `name`, or 400 `missing_field`.
    pub fn require(&self, name: &str) -> Result<&str, ApiError> {
        self.get(name)
            .filter(|value| !value.is_empty())
            .ok_or_else(|| ApiError::bad_request("missing_field", format!("the form needs {name}")))
    }
}

impl FromRequest<AppState> for WebForm {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let (parts, body) = request.into_parts();
        let web = Web::from_parts(&parts, state).await;
        let is_form = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(web.error_page(&ApiError::unsupported_media_type(
                "the form must be application/x-www-form-urlencoded",
            )));
        }
        let bytes = axum::body::to_bytes(body, MAX_FORM_BYTES)
            .await
            .map_err(|_| {
                web.error_page(&ApiError::payload_too_large(format!(
                    "the form must be at most {MAX_FORM_BYTES} bytes"
                )))
            })?;
        let text = std::str::from_utf8(&bytes).map_err(|_| {
            web.error_page(&ApiError::bad_request(
                "invalid_utf8",
                "the form is not utf-8",
            ))
        })?;
        let fields = decode_pairs(text).map_err(|error| web.error_page(&error))?;
        let sent = fields
            .iter()
            .rev()
            .find(|(key, _)| key == CSRF_FIELD)
            .map(|(_, value)| value.as_str())
            .unwrap_or_default();
        if !constant_time_eq(sent, &web.csrf) {
            let message = web.t(T::CsrfFailed);
            return Err(web.error_page(&ApiError::forbidden("csrf_failed", message)));
        }
        Ok(Self { web, fields })
    }
}

/// The hidden CSRF field of a form.
pub fn csrf_field(web: &Web) -> Markup {
    maud::html! { input type="hidden" name=(CSRF_FIELD) value=(web.csrf); }
}
