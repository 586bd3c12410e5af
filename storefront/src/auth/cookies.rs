//! Session cookies for the web, and CSRF protection of cookie-authenticated state changes.
//!
//! - `__Host-bolajon_access`: the access token. HttpOnly, Secure, SameSite=Lax, Path=/.
//! - `__Secure-bolajon_refresh`: the refresh token. HttpOnly, Secure, SameSite=Lax, sent only to
//!   `/api/v1/auth` (refresh and logout).
//! - `__Host-bolajon_csrf`: the CSRF token, readable by the page's script (not HttpOnly).
//!
//! CSRF: a signed double-submit token. A cookie-authenticated POST/PUT/PATCH/DELETE must echo
//! the CSRF cookie in the `X-CSRF-Token` header, and the value must be HMAC(key, session id).
//! Another site can neither read the cookie nor compute the value; SameSite=Lax already keeps
//! the cookies off cross-site posts, and this holds even where it does not. Bearer-token
//! requests carry no ambient credentials and need no token. Login and register rely on no
//! ambient credential and accept only `application/json` bodies, which a cross-site form
//! cannot send (it gets 415), so they need no token either.

use super::AuthError;
use super::token::{Keys, constant_time_eq, csrf_token};
use crate::ApiError;
use axum::http::{HeaderMap, HeaderValue, header};

/// The access-token cookie.
pub const ACCESS: &str = "__Host-bolajon_access";
/// The refresh-token cookie.
pub const REFRESH: &str = "__Secure-bolajon_refresh";
/// The CSRF cookie.
pub const CSRF: &str = "__Host-bolajon_csrf";
/// The header that echoes the CSRF cookie.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The path the refresh cookie is sent to.
pub const REFRESH_PATH: &str = "/api/v1/auth";

/// Returns the value of cookie `name` in the request's `Cookie` headers.
pub fn read<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim_matches('"'))
        .filter(|value| !value.is_empty())
}

/// Checks the signed double-submit token of `session_id`: the header must equal the cookie
/// and the session's token.
pub fn check_csrf(headers: &HeaderMap, keys: &Keys, session_id: &str) -> Result<(), AuthError> {
    let refused = || {
        AuthError::Api(ApiError::forbidden(
            "csrf_failed",
            "a cookie-authenticated change needs the X-CSRF-Token header",
        ))
    };
    let sent = headers
        .get(CSRF_HEADER)
        .and_then(|value| value.to_str().ok())
        .ok_or_else(refused)?;
    let cookie = read(headers, CSRF).ok_or_else(refused)?;
    let expected = csrf_token(keys, session_id);
    // Both comparisons always run.
    let header_ok = constant_time_eq(sent, &expected);
    let cookie_ok = constant_time_eq(cookie, &expected);
    if header_ok & cookie_ok {
        Ok(())
    } else {
        Err(refused())
    }
}

fn cookie(
    name: &str,
    value: &str,
    path: &str,
    max_age: i64,
    http_only: bool,
) -> Option<HeaderValue> {
    let http_only = if http_only { "; HttpOnly" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path={path}; Max-Age={max_age}; Secure; SameSite=Lax{http_only}"
    ))
    .ok()
}

/// Appends the `Set-Cookie` headers of a session.
pub fn set_session(
    headers: &mut HeaderMap,
    access_token: &str,
    access_ttl_seconds: i64,
    refresh_token: &str,
    refresh_ttl_seconds: i64,
    csrf: &str,
) {
    for value in [
        cookie(ACCESS, access_token, "/", access_ttl_seconds, true),
        cookie(
            REFRESH,
            refresh_token,
            REFRESH_PATH,
            refresh_ttl_seconds,
            true,
        ),
        cookie(CSRF, csrf, "/", refresh_ttl_seconds, false),
    ]
    .into_iter()
    .flatten()
    {
        headers.append(header::SET_COOKIE, value);
    }
}

/// Appends `Set-Cookie` headers that delete the session cookies.
pub fn clear_session(headers: &mut HeaderMap) {
    for value in [
        cookie(ACCESS, "", "/", 0, true),
        cookie(REFRESH, "", REFRESH_PATH, 0, true),
        cookie(CSRF, "", "/", 0, false),
    ]
    .into_iter()
    .flatten()
    {
        headers.append(header::SET_COOKIE, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_read_from_every_cookie_header() {
        let mut headers = HeaderMap::new();
        headers.append(header::COOKIE, HeaderValue::from_static("a=1; b=2"));
        headers.append(
            header::COOKIE,
            HeaderValue::from_static("__Host-bolajon_csrf=xyz"),
        );
        assert_eq!(read(&headers, "b"), Some("2"));
        assert_eq!(read(&headers, CSRF), Some("xyz"));
        assert_eq!(read(&headers, "c"), None);
    }

    #[test]
    fn session_cookies_carry_the_security_attributes() {
        let mut headers = HeaderMap::new();
        set_session(&mut headers, "acc", 900, "ref", 86_400, "csrf");
        let values: Vec<&str> = headers
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|value| value.to_str().unwrap())
            .collect();
        assert_eq!(values.len(), 3);
        assert!(values[0].starts_with(
            "__Host-bolajon_access=acc; Path=/; Max-Age=900; Secure; SameSite=Lax; HttpOnly"
        ));
        assert!(values[1].contains("Path=/api/v1/auth") && values[1].ends_with("HttpOnly"));
        assert!(
            !values[2].contains("HttpOnly"),
            "script reads the csrf cookie"
        );
    }

    #[test]
    fn csrf_needs_header_and_cookie_both_bound_to_the_session() {
        let keys = Keys::derive(&[3u8; 32]);
        let good = csrf_token(&keys, "s1");
        let with = |header_value: Option<&str>, cookie_value: Option<&str>| {
            let mut headers = HeaderMap::new();
            if let Some(value) = header_value {
                headers.insert(CSRF_HEADER, HeaderValue::from_str(value).unwrap());
            }
            if let Some(value) = cookie_value {
                headers.insert(
                    header::COOKIE,
                    HeaderValue::from_str(&format!("{CSRF}={value}")).unwrap(),
                );
            }
            check_csrf(&headers, &keys, "s1").is_ok()
        };
        assert!(with(Some(&good), Some(&good)));
        assert!(!with(None, Some(&good)));
        assert!(!with(Some(&good), None));
        let other = csrf_token(&keys, "s2");
        assert!(
            !with(Some(&other), Some(&other)),
            "planted pair of another session"
        );
        assert!(!with(Some("x"), Some("x")));
    }
}
