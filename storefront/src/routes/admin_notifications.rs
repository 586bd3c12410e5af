//! `/api/v1/admin/notifications`: the notification audit (search), re-send, dead-letter retry
//! and queue metrics. Admins only; re-sends and retries are written to the audit log.

use crate::auth::{ClientMeta, CurrentUser, audit};
use crate::notify::queue::{self, AuditFilter, JobRow, JobStatus, QueueMetrics};
use crate::notify::{Channel, EventKind};
use crate::{ApiError, AppState};
use axum::extract::{Path, RawQuery, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/admin/notifications", get(search_notifications))
        .route("/api/v1/admin/notifications/metrics", get(metrics))
        .route("/api/v1/admin/notifications/{id}/resend", post(resend))
        .route("/api/v1/admin/notifications/{id}/retry", post(retry))
}

/// One notification as the audit shows it (the raw address and payload are not shown).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditEntry {
    /// Id.
    pub id: i64,
    /// Event kind.
    pub event: String,
    /// `email`, `sms` or `push`.
    pub channel: String,
    /// `otp`, `parent_approval`, `transactional` or `digest`.
    pub priority: String,
    /// Template name.
    pub template: Option<String>,
    /// Template version.
    pub template_version: Option<i64>,
    /// The recipient's account.
    pub user_id: Option<i64>,
    /// Masked address.
    pub recipient: String,
    /// Language tag.
    pub language: String,
    /// `queued`, `running`, `delivered` or `dead`.
    pub status: String,
    /// Attempts made.
    pub attempts: i64,
    /// Attempts allowed.
    pub max_attempts: i64,
    /// The last failure.
    pub last_error: Option<String>,
    /// The provider's message id.
    pub provider_ref: Option<String>,
    /// The provider's delivery report.
    pub provider_status: Option<String>,
    /// The notification this one re-sends.
    pub resend_of: Option<i64>,
    /// Created (RFC 3339).
    pub created_at: String,
    /// Due (RFC 3339).
    pub run_at: String,
    /// Last change (RFC 3339).
    pub updated_at: String,
    /// Delivered (RFC 3339).
    pub delivered_at: Option<String>,
}

fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|at| at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default()
}

impl From<JobRow> for AuditEntry {
    fn from(row: JobRow) -> Self {
        Self {
            priority: crate::notify::Priority::from_i64(row.priority)
                .map_or("unknown", crate::notify::Priority::as_str)
                .to_owned(),
            id: row.id,
            event: row.kind,
            channel: row.channel,
            template: row.template,
            template_version: row.template_version,
            user_id: row.user_id,
            recipient: row.recipient_masked,
            language: row.language,
            status: row.status,
            attempts: row.attempts,
            max_attempts: row.max_attempts,
            last_error: row.last_error,
            provider_ref: row.provider_ref,
            provider_status: row.provider_status,
            resend_of: row.resend_of,
            created_at: rfc3339(row.created_at),
            run_at: rfc3339(row.run_at),
            updated_at: rfc3339(row.updated_at),
            delivered_at: row.delivered_at.map(rfc3339),
        }
    }
}

/// A page of the audit.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    /// Newest first.
    pub items: Vec<AuditEntry>,
    /// Pass as `before_id` for the next page (absent on the last page).
    pub next_before_id: Option<i64>,
}

/// Query parameters of the audit search.
#[derive(Debug, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Event kind, e.g. `order_paid`.
    pub event: Option<String>,
    /// `email`, `sms` or `push`.
    pub channel: Option<String>,
    /// `queued`, `running`, `delivered` or `dead`.
    pub status: Option<String>,
    /// The recipient's account.
    pub user_id: Option<i64>,
    /// Created at or after (RFC 3339).
    pub since: Option<String>,
    /// Created before (RFC 3339).
    pub until: Option<String>,
    /// Keyset paging: entries with a smaller id.
    pub before_id: Option<i64>,
    /// Page size, 1 to 200 (default 50).
    pub limit: Option<i64>,
}

fn decode(raw: &str) -> Result<String, ApiError> {
    percent_encoding::percent_decode_str(&raw.replace('+', " "))
        .decode_utf8()
        .map(|value| value.into_owned())
        .map_err(|_| ApiError::bad_request("invalid_query", "the query is not UTF-8"))
}

fn parse_time(name: &str, value: &str) -> Result<i64, ApiError> {
    chrono::DateTime::parse_from_rfc3339(value)
        .map(|at| at.timestamp_millis())
        .map_err(|_| ApiError::bad_request("invalid_query", format!("{name} is an RFC 3339 time")))
}

fn parse_positive(name: &str, value: &str) -> Result<i64, ApiError> {
    value.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
        ApiError::bad_request("invalid_query", format!("{name} is a positive integer"))
    })
}

/// Parses the audit query into a filter.
pub fn parse_filter(raw: Option<&str>) -> Result<AuditFilter, ApiError> {
    let mut filter = AuditFilter {
        limit: 50,
        ..AuditFilter::default()
    };
    for pair in raw.unwrap_or("").split('&').filter(|pair| !pair.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = decode(value)?;
        match key {
            "event" => {
                let kind = EventKind::parse(&value).ok_or_else(|| {
                    ApiError::bad_request("invalid_query", format!("unknown event {value}"))
                })?;
                filter.kind = Some(kind.as_str().to_owned());
            }
            "channel" => {
                filter.channel = Some(
                    Channel::parse(&value)
                        .filter(|channel| *channel != Channel::Task)
                        .ok_or_else(|| {
                            ApiError::bad_request("invalid_query", "channel is email, sms or push")
                        })?,
                );
            }
            "status" => {
                filter.status = Some(JobStatus::parse(&value).ok_or_else(|| {
                    ApiError::bad_request(
                        "invalid_query",
                        "status is queued, running, delivered or dead",
                    )
                })?);
            }
            "user_id" => filter.user_id = Some(parse_positive("user_id", &value)?),
            "since" => filter.since = Some(parse_time("since", &value)?),
            "until" => filter.until = Some(parse_time("until", &value)?),
            "before_id" => filter.before_id = Some(parse_positive("before_id", &value)?),
            "limit" => {
                let limit = parse_positive("limit", &value)?;
                if limit > 200 {
                    return Err(ApiError::bad_request(
                        "invalid_query",
                        "limit is at most 200",
                    ));
                }
                filter.limit = limit;
            }
            other => {
                return Err(ApiError::bad_request(
                    "invalid_query",
                    format!("unknown parameter {other}"),
                ));
            }
        }
    }
    Ok(filter)
}

/// Searches the notification audit, newest first (admins).
#[utoipa::path(
    get,
    path = "/api/v1/admin/notifications",
    tag = "notifications",
    security(("bearer" = []), ("cookie" = [])),
    params(AuditQuery),
    responses(
        (status = 200, description = "A page of notifications", body = AuditPage),
        (status = 400, description = "invalid_query", body = crate::error::ErrorBody),
        (status = 403, description = "Not an admin (forbidden)", body = crate::error::ErrorBody),
    )
)]
pub async fn search_notifications(
    _admin: CurrentUser,
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<AuditPage>, ApiError> {
    let filter = parse_filter(raw.as_deref())?;
    let rows = queue::search(&state.0.db, &filter).await?;
    let next_before_id = if i64::try_from(rows.len()).unwrap_or(0) == filter.limit {
        rows.last().map(|row| row.id)
    } else {
        None
    };
    Ok(Json(AuditPage {
        items: rows.into_iter().map(AuditEntry::from).collect(),
        next_before_id,
    }))
}

/// Queue metrics: depth per priority, age of the oldest due job, failure rate (admins).
#[utoipa::path(
    get,
    path = "/api/v1/admin/notifications/metrics",
    tag = "notifications",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "Queue metrics", body = QueueMetrics),
        (status = 403, description = "Not an admin (forbidden)", body = crate::error::ErrorBody),
    )
)]
pub async fn metrics(
    _admin: CurrentUser,
    State(state): State<AppState>,
) -> Result<Json<QueueMetrics>, ApiError> {
    Ok(Json(queue::metrics(&state.0.db).await?))
}

fn parse_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>().ok().filter(|id| *id > 0).ok_or_else(|| {
        ApiError::bad_request(
            "invalid_notification_id",
            "notification id must be a positive integer",
        )
    })
}

/// The notification created by a re-send.
#[derive(Debug, Serialize, ToSchema)]
pub struct Resent {
    /// The new notification.
    pub id: i64,
    /// The one it re-sends.
    pub resend_of: i64,
}

/// Sends a notification again, as a new notification (admins; audited).
#[utoipa::path(
    post,
    path = "/api/v1/admin/notifications/{id}/resend",
    tag = "notifications",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "Notification id")),
    responses(
        (status = 201, description = "Queued again as a new notification", body = Resent),
        (status = 400, description = "invalid_notification_id", body = crate::error::ErrorBody),
        (status = 403, description = "Not an admin (forbidden)", body = crate::error::ErrorBody),
        (status = 404, description = "notification_not_found", body = crate::error::ErrorBody),
        (status = 409, description = "notification_conflict", body = crate::error::ErrorBody),
    )
)]
pub async fn resend(
    admin: CurrentUser,
    State(state): State<AppState>,
    meta: ClientMeta,
    Path(id): Path<String>,
) -> Result<(axum::http::StatusCode, Json<Resent>), ApiError> {
    let id = parse_id(&id)?;
    let original = queue::job_by_id(&state.0.db, id).await?;
    if original.channel == Channel::Task.as_str() {
        return Err(crate::notify::Error::NotFound(id).into());
    }
    let new_id = queue::resend(&state.0.db, id).await?;
    audit(
        &state,
        &meta,
        Some(admin.id),
        "notification_resend",
        original.user_id.map(crate::db::accounts::UserId),
        json!({ "notification": id, "new_notification": new_id, "event": original.kind }),
    )
    .await?;
    state.0.notify_wakeup.notify_one();
    Ok((
        axum::http::StatusCode::CREATED,
        Json(Resent {
            id: new_id,
            resend_of: id,
        }),
    ))
}

/// Puts a dead notification back in the queue with fresh attempts (admins; audited).
#[utoipa::path(
    post,
    path = "/api/v1/admin/notifications/{id}/retry",
    tag = "notifications",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "Notification id")),
    responses(
        (status = 200, description = "Queued again", body = AuditEntry),
        (status = 400, description = "invalid_notification_id", body = crate::error::ErrorBody),
        (status = 403, description = "Not an admin (forbidden)", body = crate::error::ErrorBody),
        (status = 404, description = "notification_not_found", body = crate::error::ErrorBody),
        (status = 409, description = "Not dead (notification_conflict)", body = crate::error::ErrorBody),
    )
)]
pub async fn retry(
    admin: CurrentUser,
    State(state): State<AppState>,
    meta: ClientMeta,
    Path(id): Path<String>,
) -> Result<Json<AuditEntry>, ApiError> {
    let id = parse_id(&id)?;
    queue::retry_dead(&state.0.db, id).await?;
    let row = queue::job_by_id(&state.0.db, id).await?;
    audit(
        &state,
        &meta,
        Some(admin.id),
        "notification_retry",
        row.user_id.map(crate::db::accounts::UserId),
        json!({ "notification": id, "event": row.kind }),
    )
    .await?;
    state.0.notify_wakeup.notify_one();
    Ok(Json(AuditEntry::from(row)))
}
