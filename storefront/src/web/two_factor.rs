//! Two-step sign-in on the web for sellers, moderators and admins (and parents who turned it
//! on): after the password, `/signin` answers with the code step (the short-lived challenge
//! token in a hidden field), and `POST /signin/2fa` completes it with a TOTP or recovery code
//! through the same [`complete_totp_login`] as the API (rate-limited, replays refused,
//! audited). Staff who have not turned TOTP on yet are sent to `GET /account/2fa`, which starts
//! the enrolment (the secret and its `otpauth://` link for an authenticator app), and
//! `POST /account/2fa` confirms it with a first code and shows the recovery codes once.

use super::account::{finish_sign_in, next_path};
use super::i18n::T;
use super::search::decode_query;
use super::session::{Web, WebForm, csrf_field};
use crate::AppState;
use crate::auth::Role;
use crate::auth::session::{begin_totp_enrollment, complete_totp_login, confirm_totp_enrollment};
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;

/// The dashboard of a role (where staff go after signing in).
pub fn home_of(role: Role) -> &'static str {
    match role {
        Role::Seller => "/seller",
        Role::Moderator => "/admin/moderation",
        Role::Admin => "/admin",
        Role::Parent | Role::Child => "/orders",
    }
}

/// Renders the code step of a sign-in.
pub fn code_step(
    web: &Web,
    challenge: &str,
    next: &str,
    status: StatusCode,
    error: Option<&str>,
) -> Response {
    let body = html! {
        h1 { (web.t(T::TwoStepSignIn)) }
        @if let Some(error) = error { p.error role="alert" { (error) } }
        form.stack action="/signin/2fa" method="post" {
            (csrf_field(web))
            input type="hidden" name="challenge" value=(challenge);
            input type="hidden" name="next" value=(next);
            p.hint #code-hint { (web.t(T::EnterAppCode)) }
            label for="code" { (web.t(T::SixDigitCode)) }
            input #code type="text" name="code" inputmode="numeric" autocomplete="one-time-code"
                maxlength="32" required aria-describedby="code-hint" autofocus;
            button type="submit" { (web.t(T::Confirm)) }
        }
        p { a href="/signin" { (web.t(T::StartAgain)) } }
    };
    web.page(status, web.t(T::TwoStepSignIn), body)
}

/// `POST /signin/2fa`: `challenge`, `code` (six digits, or a recovery code), `next`.
pub async fn code_submit(State(state): State<AppState>, form: WebForm) -> Response {
    let web = &form.web;
    let next = next_path(form.get("next"));
    let challenge = form.get("challenge").unwrap_or_default().to_owned();
    let code = form
        .get("code")
        .unwrap_or_default()
        .replace([' ', '\u{a0}'], "");
    let (totp, recovery) = if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
        (Some(code.as_str()), None)
    } else {
        (None, Some(code.as_str()))
    };
    let result = async {
        let issued = complete_totp_login(&state, &web.meta, &challenge, totp, recovery).await?;
        finish_sign_in(&state, web, issued, &next).await
    }
    .await;
    match result {
        Ok(response) => response,
        Err(error) => {
            let error = error.api_error();
            match error.code {
                "challenge_expired" | "invalid_challenge" => web.redirect("/signin"),
                _ if error.status.is_client_error() => {
                    code_step(web, &challenge, &next, error.status, Some(&error.message))
                }
                _ => web.error_page(&error),
            }
        }
    }
}

/// Groups a base32 secret in fours for reading.
fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `GET /account/2fa?next=`: starts TOTP enrolment (a new pending secret each visit).
pub async fn enroll_page(
    State(state): State<AppState>,
    web: Web,
    RawQuery(raw): RawQuery,
) -> Response {
    let Some(user) = &web.user else {
        return web.redirect("/signin?next=/account/2fa");
    };
    let next = next_path(
        decode_query(raw.as_deref().unwrap_or_default())
            .iter()
            .rev()
            .find(|(key, _)| key == "next")
            .map(|(_, value)| value.as_str())
            .or(Some(home_of(user.role))),
    );
    if user.totp_enabled {
        let body = html! {
            h1 { (web.t(T::TwoStepSignIn)) }
            p.notice role="status" { (web.t(T::TotpAlreadyOn)) }
            p { a.button href=(next) { (web.t(T::Continue)) } }
        };
        return web.page(StatusCode::OK, web.t(T::TwoStepSignIn), body);
    }
    let (secret, uri) = match begin_totp_enrollment(&state, user).await {
        Ok(started) => started,
        Err(error) => return web.error_page(&error.api_error()),
    };
    let body = html! {
        h1 { (web.t(T::TurnOnTwoStep)) }
        p { (web.t(T::TwoStepWhy)) }
        ol.steps {
            li {
                (web.t(T::AddToAuthenticator))
                p { code #totp-secret data-secret=(secret) { (grouped(&secret)) } }
                p.hint { a href=(uri) { (web.t(T::OpenInAuthenticator)) } }
            }
            li {
                form.stack action="/account/2fa" method="post" {
                    (csrf_field(&web))
                    input type="hidden" name="next" value=(next);
                    label for="code" { (web.t(T::SixDigitCode)) }
                    input #code type="text" name="code" inputmode="numeric" autocomplete="one-time-code"
                        maxlength="6" minlength="6" pattern="[0-9]{6}" required;
                    button type="submit" { (web.t(T::Confirm)) }
                }
            }
        }
    };
    web.page(StatusCode::OK, web.t(T::TurnOnTwoStep), body)
}

/// `POST /account/2fa`: `code`, `next`; turns TOTP on and shows the recovery codes once.
pub async fn enroll_submit(State(state): State<AppState>, form: WebForm) -> Response {
    let web = &form.web;
    let Some(user) = &web.user else {
        return web.redirect("/signin?next=/account/2fa");
    };
    let next = next_path(form.get("next").or(Some(home_of(user.role))));
    let code = form.get("code").unwrap_or_default();
    match confirm_totp_enrollment(&state, &web.meta, user, code).await {
        Ok(codes) => {
            let body = html! {
                h1 { (web.t(T::TwoStepSignIn)) }
                p.notice role="status" { (web.t(T::TotpNowOn)) }
                h2 #recovery-heading { (web.t(T::RecoveryCodes)) }
                p { (web.t(T::RecoveryCodesHint)) }
                ul.codes aria-labelledby="recovery-heading" {
                    @for code in &codes { li { code { (code) } } }
                }
                p { a.button href=(next) { (web.t(T::Continue)) } }
            };
            let mut response = web.page(StatusCode::OK, web.t(T::TwoStepSignIn), body);
            response.headers_mut().insert(
                axum::http::header::CACHE_CONTROL,
                axum::http::HeaderValue::from_static("no-store"),
            );
            response
        }
        Err(error) => {
            let error = error.api_error();
            if error.status.is_client_error() {
                let body = html! {
                    h1 { (web.t(T::TurnOnTwoStep)) }
                    p.error role="alert" { (error.message) }
                    p { a href={ "/account/2fa?next=" (next) } { (web.t(T::StartAgain)) } }
                };
                web.page(error.status, web.t(T::TurnOnTwoStep), body)
            } else {
                web.error_page(&error)
            }
        }
    }
}
