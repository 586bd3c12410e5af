//! `/api/v1/account/…` (data export, erasure, marketing consent) and
//! `/api/v1/family/children/{id}/erase`: the privacy rights of an account holder (issue 6,
//! item 5). There is no user id in the account paths: a caller only ever exports or erases
//! their own account, and a parent only their own children.

use crate::auth::password::check_policy;
use crate::auth::rate_limit::Rule;
use crate::auth::{AuthError, ClientMeta, CurrentUser, audit, family::reauthenticate};
use crate::db::accounts::{ChildId, NewAuditEntry};
use crate::privacy::{self, ErasureReport, MarketingConsent};
use crate::routes::auth::JsonBody;
use crate::routes::orders::parse_path_id;
use crate::{ApiError, AppState};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

/// Exports per account: 5 per hour (an export reads every table).
pub const EXPORT_PER_ACCOUNT: Rule = Rule {
    name: "export_account",
    limit: 5,
    window_seconds: 60 * 60,
};

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/account/export", get(account_export))
        .route("/api/v1/account/erase", post(account_erase))
        .route(
            "/api/v1/account/marketing-consent",
            put(marketing_consent_update),
        )
        .route("/api/v1/account/password", post(password_change))
        .route("/api/v1/family/children/{id}/erase", post(child_erase))
        .layer(DefaultBodyLimit::max(8 * 1024))
}

/// The password, re-entered before an erasure.
#[derive(Deserialize, ToSchema)]
pub struct ErasureRequest {
    /// The signed-in account's password.
    pub password: String,
}

/// A password change.
#[derive(Deserialize, ToSchema)]
pub struct PasswordChangeRequest {
    /// The current password.
    pub current_password: String,
    /// The new password (at least 10 characters, not a common one, not the email or phone).
    pub new_password: String,
}

// Written by hand so that a stray `{:?}` never logs a password.
impl std::fmt::Debug for ErasureRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ErasureRequest")
            .field("password", &"<redacted>")
            .finish()
    }
}

impl std::fmt::Debug for PasswordChangeRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordChangeRequest")
            .field("current_password", &"<redacted>")
            .field("new_password", &"<redacted>")
            .finish()
    }
}

/// The marketing consent to record.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MarketingConsentRequest {
    /// `true` to receive marketing (digests), `false` to stop.
    pub consent: bool,
}

/// Returns everything held about the signed-in account and its children as JSON (one array
/// of rows per table; secrets only marked `"present"`). Audited; 5 per hour.
#[utoipa::path(
    get,
    path = "/api/v1/account/export",
    tag = "privacy",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The export (format bolajon-account-export/1)", body = serde_json::Value),
        (status = 429, description = "rate_limited", body = crate::error::ErrorBody),
    )
)]
pub async fn account_export(
    user: CurrentUser,
    meta: ClientMeta,
    State(state): State<AppState>,
) -> Result<Response, AuthError> {
    let auth = &state.0.auth;
    auth.rate_limit(&EXPORT_PER_ACCOUNT, &format!("user:{}", user.id))
        .await?;
    // Audited first, so the export holds its own event.
    audit(
        &state,
        &meta,
        Some(user.id),
        "account_exported",
        Some(user.id),
        json!({}),
    )
    .await?;
    let export = privacy::export_account(&state.0.db, user.id, auth.now()).await?;
    tracing::info!(user_id = %user.id, "exported the data of user {}", user.id);
    Ok((
        [(
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"bolajon-export.json\"",
        )],
        Json(export),
    )
        .into_response())
}

/// Erases the signed-in account (parents and sellers) with its children, after the password
/// is re-entered. Orders stay, anonymised, for accounting; the session ends.
#[utoipa::path(
    post,
    path = "/api/v1/account/erase",
    tag = "privacy",
    security(("bearer" = []), ("cookie" = [])),
    request_body = ErasureRequest,
    responses(
        (status = 200, description = "Erased", body = ErasureReport),
        (status = 400, description = "invalid_json", body = crate::error::ErrorBody),
        (status = 403, description = "reauthentication_failed", body = crate::error::ErrorBody),
        (status = 429, description = "rate_limited", body = crate::error::ErrorBody),
    )
)]
pub async fn account_erase(
    user: CurrentUser,
    State(state): State<AppState>,
    JsonBody(body): JsonBody<ErasureRequest>,
) -> Result<Json<ErasureReport>, AuthError> {
    reauthenticate(&state, user.id, &body.password).await?;
    let report = privacy::erase_account(&state.0.db, user.id).await?;
    // The event stays, naming only the (now deleted) id: no client address or user agent.
    state
        .0
        .db
        .append_audit(&NewAuditEntry {
            at: state.0.auth.now(),
            actor: Some(user.id),
            action: "account_erased",
            target: Some(user.id),
            ip: None,
            user_agent: None,
            details: &json!({
                "children_erased": report.children_erased,
                "orders_anonymised": report.orders_anonymised,
            }),
        })
        .await?;
    tracing::info!(user_id = %user.id, "erased user {}", user.id);
    Ok(Json(report))
}

/// Erases one of the parent's children after the parent re-enters the password: the
/// profile, controls, consents, screen time, searches and reviews go; its orders stay
/// anonymised.
#[utoipa::path(
    post,
    path = "/api/v1/family/children/{id}/erase",
    tag = "privacy",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "Child profile id")),
    request_body = ErasureRequest,
    responses(
        (status = 200, description = "Erased", body = ErasureReport),
        (status = 400, description = "invalid_json", body = crate::error::ErrorBody),
        (status = 403, description = "reauthentication_failed", body = crate::error::ErrorBody),
        (status = 404, description = "child_not_found", body = crate::error::ErrorBody),
        (status = 429, description = "rate_limited", body = crate::error::ErrorBody),
    )
)]
pub async fn child_erase(
    user: CurrentUser,
    meta: ClientMeta,
    State(state): State<AppState>,
    Path(raw): Path<String>,
    JsonBody(body): JsonBody<ErasureRequest>,
) -> Result<Json<ErasureReport>, AuthError> {
    let id = ChildId(parse_path_id(&raw, "child_not_found", "child")?);
    let not_found =
        || ApiError::not_found("child_not_found", format!("child {raw} does not exist"));
    // Ownership first, so another parent's child ids cannot be probed through the password.
    let child = state.0.db.child_by_id(id).await?.ok_or_else(not_found)?;
    crate::auth::ensure_owner(&user, child.parent_user_id, not_found)?;
    reauthenticate(&state, user.id, &body.password).await?;
    let report = privacy::erase_child(&state.0.db, user.id, id)
        .await?
        .ok_or_else(not_found)?;
    audit(
        &state,
        &meta,
        Some(user.id),
        "child_erased",
        Some(user.id),
        json!({ "child": id.0 }),
    )
    .await?;
    Ok(Json(report))
}

/// Gives or withdraws the optional marketing consent (off by default; children never).
#[utoipa::path(
    put,
    path = "/api/v1/account/marketing-consent",
    tag = "privacy",
    security(("bearer" = []), ("cookie" = [])),
    request_body = MarketingConsentRequest,
    responses(
        (status = 200, description = "The consent now recorded", body = MarketingConsent),
        (status = 400, description = "invalid_json", body = crate::error::ErrorBody),
    )
)]
pub async fn marketing_consent_update(
    user: CurrentUser,
    meta: ClientMeta,
    State(state): State<AppState>,
    JsonBody(body): JsonBody<MarketingConsentRequest>,
) -> Result<Json<MarketingConsent>, ApiError> {
    let consent =
        privacy::set_marketing_consent(&state.0.db, user.id, body.consent, state.0.auth.now())
            .await?
            .ok_or_else(|| {
                ApiError::forbidden("forbidden", "this account cannot consent to marketing")
            })?;
    audit(
        &state,
        &meta,
        Some(user.id),
        "marketing_consent_changed",
        Some(user.id),
        json!({ "consent": consent.consent }),
    )
    .await?;
    Ok(Json(consent))
}

/// Changes the signed-in account's password after the current one is re-entered, and ends
/// every session of the account (sign in again with the new password). Audited.
#[utoipa::path(
    post,
    path = "/api/v1/account/password",
    tag = "privacy",
    security(("bearer" = []), ("cookie" = [])),
    request_body = PasswordChangeRequest,
    responses(
        (status = 204, description = "Changed; every session ended"),
        (status = 400, description = "weak_password, invalid_json", body = crate::error::ErrorBody),
        (status = 403, description = "reauthentication_failed", body = crate::error::ErrorBody),
        (status = 429, description = "rate_limited", body = crate::error::ErrorBody),
    )
)]
pub async fn password_change(
    user: CurrentUser,
    meta: ClientMeta,
    State(state): State<AppState>,
    JsonBody(body): JsonBody<PasswordChangeRequest>,
) -> Result<StatusCode, AuthError> {
    let row = state
        .0
        .db
        .user_by_id(user.id)
        .await?
        .ok_or_else(|| ApiError::not_found("user_not_found", "the account does not exist"))?;
    let identifiers: Vec<&str> = [row.email.as_deref(), row.phone.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    check_policy(&body.new_password, &identifiers)?;
    reauthenticate(&state, user.id, &body.current_password).await?;
    let auth = &state.0.auth;
    let hash = auth.hash(body.new_password).await?;
    let ended = privacy::store_new_password(&state.0.db, user.id, &hash, auth.now()).await?;
    audit(
        &state,
        &meta,
        Some(user.id),
        "password_changed",
        Some(user.id),
        json!({ "sessions_ended": ended }),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_debug_output_never_shows_passwords() {
        let erasure = ErasureRequest {
            password: "maxfiy parol 2026".to_owned(),
        };
        let change = PasswordChangeRequest {
            current_password: "eski parol 2025".to_owned(),
            new_password: "yangi parol 2027".to_owned(),
        };
        let shown = format!("{erasure:?} {change:?}");
        assert!(!shown.contains("parol"), "{shown}");
        assert!(shown.contains("<redacted>"));
    }
}
