//! Server-side enforcement of a child's screen time, allowed hours (bedtime lock) and search
//! mode (issue 6, item 4).
//!
//! Every authenticated request of a child account passes [`gate`] (called by the auth
//! extractors): outside the allowed hours it is refused with 403 `bedtime`; otherwise the time
//! since the child's previous request (or `GET /api/v1/auth/me` heartbeat) is added to the
//! child's use of the Tashkent day when the gap is at most [`ACTIVITY_WINDOW`] (a longer gap
//! means the app was closed and counts nothing), and once the day's `daily_screen_minutes` are
//! spent the request is refused with 403 `screen_time_exhausted`. Logging out is never refused.
//!
//! A child's searches are logged minimally for the parent's dashboard (the query text cut to
//! [`LOGGED_QUERY_CHARS`] characters, whether it was refused and why; no IP, no device).

use super::family::{self, ChildSearchMode, ParentalControls, tashkent};
use super::{CommerceError, CommerceResult};
use crate::db::Db;
use crate::db::accounts::{ChildId, UserId};
use crate::db::orders::dispatch_conn;
use chrono::{DateTime, Duration, Timelike, Utc};

/// The longest gap between two requests that still counts as use.
pub const ACTIVITY_WINDOW: Duration = Duration::minutes(5);

/// The characters of a child's query kept in the search log.
pub const LOGGED_QUERY_CHARS: usize = 100;

/// Returns the Tashkent day of `now` as `YYYY-MM-DD`.
pub fn tashkent_day(now: DateTime<Utc>) -> String {
    now.with_timezone(&tashkent())
        .date_naive()
        .format("%Y-%m-%d")
        .to_string()
}

/// Returns whether `now` is inside the controls' allowed hours (always, when none are set).
pub fn within_allowed_hours(controls: &ParentalControls, now: DateTime<Utc>) -> bool {
    let (Some(from), Some(until)) = (controls.allowed_from_minute, controls.allowed_until_minute)
    else {
        return true;
    };
    let local = now.with_timezone(&tashkent());
    let minute = i64::from(local.hour() * 60 + local.minute());
    if from <= until {
        (from..until).contains(&minute)
    } else {
        minute >= from || minute < until
    }
}

/// Admits (or refuses) one request of the child account `user` at `now` and counts its time.
/// A user without a child profile is admitted.
pub async fn gate(db: &Db, user: UserId, now: DateTime<Utc>) -> CommerceResult<()> {
    let mut tx = db.begin_queued().await?;
    let mut conn = tx.conn();
    let Some((child, _)) = family::child_of_user(&mut conn, user).await? else {
        tx.rollback().await?;
        return Ok(());
    };
    let controls = family::load_controls(&mut conn, child).await?;
    if !within_allowed_hours(&controls, now) {
        tx.rollback().await?;
        return Err(CommerceError::ParentalControl {
            code: "bedtime",
            message: "it is outside the hours your parent allowed".to_owned(),
        });
    }
    let day = tashkent_day(now);
    let used = dispatch_conn!(&mut conn, |c| {
        sqlx::query(
            "INSERT INTO child_screen_time (child_id, day, seconds_used, last_seen_at) \
             VALUES ($1, $2, 0, $3) ON CONFLICT (child_id, day) DO NOTHING",
        )
        .bind(child)
        .bind(&day)
        .bind(now)
        .execute(&mut *c)
        .await?;
        let (seconds, last): (i64, DateTime<Utc>) = sqlx::query_as(
            "SELECT seconds_used, last_seen_at FROM child_screen_time \
             WHERE child_id = $1 AND day = $2",
        )
        .bind(child)
        .bind(&day)
        .fetch_one(&mut *c)
        .await?;
        let gap = now - last;
        let added = if gap > Duration::zero() && gap <= ACTIVITY_WINDOW {
            gap.num_seconds()
        } else {
            0
        };
        let used = seconds.saturating_add(added);
        sqlx::query(
            "UPDATE child_screen_time SET seconds_used = $1, \
             last_seen_at = CASE WHEN last_seen_at < $2 THEN $2 ELSE last_seen_at END \
             WHERE child_id = $3 AND day = $4",
        )
        .bind(used)
        .bind(now)
        .bind(child)
        .bind(&day)
        .execute(&mut *c)
        .await?;
        used
    });
    tx.commit().await?;
    if let Some(minutes) = controls.daily_screen_minutes
        && used >= minutes.saturating_mul(60)
    {
        return Err(CommerceError::ParentalControl {
            code: "screen_time_exhausted",
            message: format!("today's {minutes} minutes of screen time are spent"),
        });
    }
    Ok(())
}

/// Seconds the child used on the Tashkent day of `now`.
pub async fn seconds_used(db: &Db, child: ChildId, now: DateTime<Utc>) -> CommerceResult<i64> {
    let day = tashkent_day(now);
    Ok(crate::db::dispatch!(db, |pool, _d| {
        sqlx::query_scalar::<_, i64>(
            "SELECT seconds_used FROM child_screen_time WHERE child_id = $1 AND day = $2",
        )
        .bind(child)
        .bind(&day)
        .fetch_optional(pool)
        .await?
        .unwrap_or(0)
    }))
}

/// The search rules of a child account: its profile and controls (`None`: not a child).
pub async fn search_rules(
    db: &Db,
    user: UserId,
) -> CommerceResult<Option<(ChildId, ParentalControls)>> {
    let mut tx = db.begin_read().await?;
    let mut conn = tx.conn();
    let Some((child, _)) = family::child_of_user(&mut conn, user).await? else {
        tx.rollback().await?;
        return Ok(None);
    };
    let controls = family::load_controls(&mut conn, child).await?;
    tx.rollback().await?;
    Ok(Some((child, controls)))
}

/// Refuses a search when the child's search mode is `off`.
pub fn check_search_allowed(controls: &ParentalControls) -> CommerceResult<()> {
    if controls.search_mode == ChildSearchMode::Off {
        return Err(CommerceError::ParentalControl {
            code: "search_disabled",
            message: "search is turned off by your parent".to_owned(),
        });
    }
    Ok(())
}

/// Returns the engine restrictions a child's controls stand for, in search, suggestions and
/// recommendations alike: blocked categories always; in `approved_items_only` mode, an
/// allowlist of the approved products and the allowed categories. The engine checks each
/// product's whole category path, so a parent category covers its subtree.
pub fn restrictions(controls: &ParentalControls) -> engine::Restrictions {
    let id = |id: &i64| id.unsigned_abs();
    engine::Restrictions {
        blocked_categories: controls.blocked_category_ids.iter().map(id).collect(),
        only: (controls.search_mode == ChildSearchMode::ApprovedItemsOnly).then(|| {
            engine::Allowlist {
                products: controls
                    .approved_product_ids
                    .iter()
                    .map(|product| engine::ProductId(product.unsigned_abs()))
                    .collect(),
                categories: controls
                    .allowed_category_ids
                    .iter()
                    .flatten()
                    .map(id)
                    .collect(),
            }
        }),
    }
}

/// Records a child's search (`reason` empty unless it was refused).
pub async fn log_search(
    db: &Db,
    child: ChildId,
    query: &str,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> CommerceResult<()> {
    let query: String = query.chars().take(LOGGED_QUERY_CHARS).collect();
    crate::db::dispatch!(db, |pool, _d| {
        sqlx::query(
            "INSERT INTO child_search_log (child_id, at, query, blocked, reason) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(child)
        .bind(now)
        .bind(&query)
        .bind(i64::from(reason.is_some()))
        .bind(reason.unwrap_or_default())
        .execute(pool)
        .await?;
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn allowed_hours_wrap_past_midnight() {
        let mut controls = ParentalControls::default();
        // 14:00 UTC is 19:00 in Tashkent.
        let evening = Utc.with_ymd_and_hms(2026, 12, 7, 14, 0, 0).unwrap();
        assert!(within_allowed_hours(&controls, evening));
        controls.allowed_from_minute = Some(7 * 60);
        controls.allowed_until_minute = Some(19 * 60);
        assert!(!within_allowed_hours(&controls, evening));
        assert!(within_allowed_hours(
            &controls,
            evening - Duration::minutes(1)
        ));
        controls.allowed_from_minute = Some(18 * 60);
        controls.allowed_until_minute = Some(2 * 60);
        assert!(within_allowed_hours(&controls, evening));
        assert!(!within_allowed_hours(
            &controls,
            evening + Duration::hours(8)
        ));
        assert_eq!(tashkent_day(evening + Duration::hours(5)), "2026-12-08");
    }
}
