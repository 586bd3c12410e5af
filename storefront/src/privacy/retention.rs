//! The retention purge: deletes (or scrubs) exactly what `docs/retention.md` keeps only for a
//! while. It runs daily as the recurring task [`RETENTION_TASK`] of the notification worker's
//! [`TaskRegistry`](crate::notify::worker::TaskRegistry); every period is a constant here, so
//! the policy and the code are read side by side.

use crate::db::{Db, DbResult, dispatch};
use crate::notify::worker::{BoxFuture, DeliveryError};
use chrono::{DateTime, Duration, Utc};

/// Name of the recurring task.
pub const RETENTION_TASK: &str = "privacy.retention_purge";

/// A child's searches (the parent dashboard's history).
pub const CHILD_SEARCHES_DAYS: i64 = 90;
/// Anonymous popular-query counts (keyed by an opaque client hash).
pub const SEARCH_LOG_DAYS: i64 = 180;
/// Sessions after they were revoked or their last refresh token expired.
pub const ENDED_SESSIONS_DAYS: i64 = 30;
/// Child profiles still waiting for parental consent.
pub const PENDING_CHILD_DAYS: i64 = 30;
/// Guest carts (no account) since their last change.
pub const GUEST_CARTS_DAYS: i64 = 30;
/// Device-keyed recently viewed products (no account).
pub const DEVICE_RECENTLY_VIEWED_DAYS: i64 = 90;
/// Checkout idempotency records (their stored response names the recipient).
pub const IDEMPOTENCY_DAYS: i64 = 7;
/// Client address and user agent of audit rows (the events themselves are kept).
pub const AUDIT_CLIENT_DAYS: i64 = 365;
/// A child's daily screen-time counters.
pub const SCREEN_TIME_DAYS: i64 = 90;

/// What one purge removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RetentionReport {
    /// Child search-log rows deleted.
    pub child_searches: u64,
    /// Anonymous search-log rows deleted.
    pub search_log: u64,
    /// Ended sessions deleted (with their refresh tokens).
    pub sessions: u64,
    /// Child profiles never consented to, deleted with their principals.
    pub pending_children: u64,
    /// Guest carts deleted.
    pub guest_carts: u64,
    /// Device recently-viewed rows deleted.
    pub device_recently_viewed: u64,
    /// Idempotency records deleted.
    pub idempotency_keys: u64,
    /// Audit rows whose client address and user agent were cleared.
    pub audit_rows_scrubbed: u64,
    /// Screen-time counters deleted.
    pub screen_time_days: u64,
}

/// Purges what the retention policy keeps no longer than `now` minus its period.
pub async fn purge(db: &Db, now: DateTime<Utc>) -> DbResult<RetentionReport> {
    let before = |days: i64| now - Duration::days(days);
    let mut report = RetentionReport::default();
    dispatch!(db, |pool, _d| {
        let mut tx = pool.begin().await?;
        report.child_searches = sqlx::query("DELETE FROM child_search_log WHERE at < $1")
            .bind(before(CHILD_SEARCHES_DAYS))
            .execute(&mut *tx)
            .await?
            .rows_affected();
        report.search_log = sqlx::query("DELETE FROM search_log WHERE searched_at < $1")
            .bind(before(SEARCH_LOG_DAYS).timestamp())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        report.sessions = sqlx::query(
            "DELETE FROM sessions WHERE (revoked_at IS NOT NULL AND revoked_at < $1) \
             OR (revoked_at IS NULL AND created_at < $1 AND NOT EXISTS (\
                 SELECT 1 FROM refresh_tokens t WHERE t.session_id = sessions.id \
                 AND t.expires_at >= $1))",
        )
        .bind(before(ENDED_SESSIONS_DAYS))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        report.pending_children = sqlx::query(
            "DELETE FROM users WHERE role = 'child' AND id IN (\
                 SELECT user_id FROM child_profiles \
                 WHERE status = 'pending_consent' AND created_at < $1)",
        )
        .bind(before(PENDING_CHILD_DAYS))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        report.guest_carts =
            sqlx::query("DELETE FROM carts WHERE user_id IS NULL AND updated_at < $1")
                .bind(before(GUEST_CARTS_DAYS))
                .execute(&mut *tx)
                .await?
                .rows_affected();
        report.device_recently_viewed =
            sqlx::query("DELETE FROM recently_viewed WHERE viewer LIKE 'd:%' AND viewed_at < $1")
                .bind(before(DEVICE_RECENTLY_VIEWED_DAYS))
                .execute(&mut *tx)
                .await?
                .rows_affected();
        report.idempotency_keys = sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
            .bind(before(IDEMPOTENCY_DAYS))
            .execute(&mut *tx)
            .await?
            .rows_affected();
        report.audit_rows_scrubbed = sqlx::query(
            "UPDATE audit_log SET ip = NULL, user_agent = NULL \
             WHERE at < $1 AND (ip IS NOT NULL OR user_agent IS NOT NULL)",
        )
        .bind(before(AUDIT_CLIENT_DAYS))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        report.screen_time_days = sqlx::query("DELETE FROM child_screen_time WHERE day < $1")
            .bind(before(SCREEN_TIME_DAYS).format("%Y-%m-%d").to_string())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
    });
    tracing::info!(?report, "retention purge: {report:?}");
    Ok(report)
}

/// The task handler registered in the notification worker's registry.
pub fn purge_task<'a>(
    db: &'a Db,
    _payload: &'a serde_json::Value,
) -> BoxFuture<'a, Result<(), DeliveryError>> {
    Box::pin(async move {
        purge(db, Utc::now())
            .await
            .map(|_| ())
            .map_err(|error| DeliveryError::Transient(error.to_string()))
    })
}
