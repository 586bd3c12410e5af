//! `POST /api/v1/notify/sms/eskiz/callback`: Eskiz's delivery reports. The callback URL we give
//! Eskiz carries a secret (`?secret=`); a report without it is refused.

use crate::notify::{queue, sms};
use crate::{ApiError, AppState};
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, header};
use axum::routing::post;
use axum::{Json, Router};
use serde::Serialize;
use subtle::ConstantTimeEq;
use utoipa::ToSchema;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/notify/sms/eskiz/callback", post(eskiz_callback))
        .layer(axum::extract::DefaultBodyLimit::max(4 * 1024))
}

/// The answer to a delivery report.
#[derive(Debug, Serialize, ToSchema)]
pub struct CallbackAnswer {
    /// Whether a notification matched the report's message id.
    pub matched: bool,
}

fn secret_of(raw: Option<&str>) -> Option<String> {
    raw?.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == "secret").then(|| {
            percent_encoding::percent_decode_str(value)
                .decode_utf8_lossy()
                .into_owned()
        })
    })
}

/// Records an Eskiz delivery report (form-encoded or JSON) on its notification.
#[utoipa::path(
    post,
    path = "/api/v1/notify/sms/eskiz/callback",
    tag = "notifications",
    params(("secret" = String, Query, description = "The callback secret")),
    request_body(
        content = String,
        content_type = "application/x-www-form-urlencoded",
        description = "message_id, status, … (JSON is accepted too)"
    ),
    responses(
        (status = 200, description = "Recorded", body = CallbackAnswer),
        (status = 400, description = "invalid_delivery_report", body = crate::error::ErrorBody),
        (status = 403, description = "invalid_callback_secret", body = crate::error::ErrorBody),
    )
)]
pub async fn eskiz_callback(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<CallbackAnswer>, ApiError> {
    let expected = state.0.notify.eskiz_callback_secret.as_deref();
    let given = secret_of(raw.as_deref());
    let valid = match (expected, given.as_deref()) {
        (Some(expected), Some(given)) => bool::from(expected.as_bytes().ct_eq(given.as_bytes())),
        _ => false,
    };
    if !valid {
        return Err(ApiError::forbidden(
            "invalid_callback_secret",
            "the callback secret is missing or wrong",
        ));
    }
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"));
    let report = sms::parse_callback(&body, is_json).ok_or_else(|| {
        ApiError::bad_request(
            "invalid_delivery_report",
            "a delivery report has message_id and status",
        )
    })?;
    let matched =
        queue::record_provider_status(&state.0.db, &report.message_id, &report.status).await?;
    Ok(Json(CallbackAnswer { matched }))
}
