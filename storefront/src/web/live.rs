//! Live statistics of the admin dashboard: `GET /admin/live`, a server-sent event stream
//! (axum's [`Sse`]) of the marketplace's numbers (sales and orders today, paid orders, reviews
//! and low ratings, complaints, open moderation items, top sellers).
//!
//! The stream watches the store, not one process: every second it reads a cheap watermark
//! (the newest order, order event, review and abuse report) and, when that moved, sends the
//! fresh numbers as an event named after what happened (`order`, `payment`, `review`,
//! `report`). So an order placed through any node of the service reaches every admin's page.
//! The first event (`stats`) is sent at once. Only admins (with TOTP on) may subscribe.

use super::admin::{StaffArea, require_staff};
use super::session::Web;
use crate::AppState;
use crate::db::{Db, DbResult, dispatch};
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde::Serialize;
use std::convert::Infallible;

/// How often the stream looks for changes.
const POLL: std::time::Duration = std::time::Duration::from_secs(1);
/// Top sellers listed.
const TOP_SELLERS: i64 = 5;
/// Order states that count as sold.
const SOLD: &str = "('paid', 'processing', 'shipped', 'delivered', 'completed', \
                    'refund_requested')";

/// A seller among the top sellers of the last 30 days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct TopSeller {
    /// The shop.
    pub seller_id: i64,
    /// Its name (seller-supplied text: escape it).
    pub name: String,
    /// Gross sales of its shipments of sold orders (tiyin).
    pub gross_tiyin: i64,
    /// Orders.
    pub orders: i64,
}

/// The numbers the admin dashboard shows and the stream sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LiveStats {
    /// Sold orders' totals since midnight in Tashkent (tiyin).
    pub sales_today_tiyin: i64,
    /// Orders placed since midnight in Tashkent.
    pub orders_today: i64,
    /// Orders paid since midnight in Tashkent.
    pub paid_today: i64,
    /// Reviews written in the last 7 days.
    pub reviews_week: i64,
    /// Of which rated 1 or 2.
    pub low_ratings_week: i64,
    /// Complaints: abuse reports of reviews in the last 7 days.
    pub complaints_week: i64,
    /// Reviews held for a moderator now.
    pub held_reviews: i64,
    /// Listings waiting for a moderator now.
    pub open_moderation: i64,
    /// Top sellers of the last 30 days by gross sales.
    pub top_sellers: Vec<TopSeller>,
}

/// What moved since the last look.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, sqlx::FromRow)]
struct Watermark {
    orders: i64,
    order_events: i64,
    reviews: i64,
    reports: i64,
}

impl Watermark {
    /// Names the change from `self` to `next` (the most specific first).
    fn cause(self, next: Watermark) -> Option<&'static str> {
        if next.orders != self.orders {
            Some("order")
        } else if next.order_events != self.order_events {
            Some("payment")
        } else if next.reviews != self.reviews {
            Some("review")
        } else if next.reports != self.reports {
            Some("report")
        } else {
            None
        }
    }
}

/// Midnight of `now`'s day in Tashkent, in UTC.
pub fn tashkent_midnight(now: DateTime<Utc>) -> DateTime<Utc> {
    let zone = crate::seller_sales::tashkent();
    let local = now.with_timezone(&zone).date_naive();
    local
        .and_hms_opt(0, 0, 0)
        .and_then(|midnight| zone.from_local_datetime(&midnight).single())
        .map_or(now, |at| at.with_timezone(&Utc))
}

impl Db {
    async fn live_watermark(&self) -> DbResult<Watermark> {
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_as::<_, Watermark>(
                "SELECT \
                   CAST(COALESCE((SELECT MAX(id) FROM orders), 0) AS BIGINT) AS orders, \
                   CAST(COALESCE((SELECT MAX(seq) FROM order_events), 0) AS BIGINT) AS order_events, \
                   CAST(COALESCE((SELECT MAX(id) FROM reviews), 0) AS BIGINT) AS reviews, \
                   CAST((SELECT COUNT(*) FROM review_reports) AS BIGINT) AS reports",
            )
            .fetch_one(pool)
            .await?
        }))
    }

    /// Computes the live statistics at `now`.
    pub async fn live_stats(&self, now: DateTime<Utc>) -> DbResult<LiveStats> {
        let midnight = tashkent_midnight(now);
        let week = now - Duration::days(7);
        let month = now - Duration::days(30);
        let counts = format!(
            "SELECT \
               CAST(COALESCE((SELECT SUM(total_tiyin) FROM orders \
                 WHERE paid_at >= $1 AND status IN {SOLD}), 0) AS BIGINT), \
               CAST((SELECT COUNT(*) FROM orders WHERE created_at >= $1) AS BIGINT), \
               CAST((SELECT COUNT(*) FROM orders WHERE paid_at >= $1) AS BIGINT), \
               CAST((SELECT COUNT(*) FROM reviews WHERE created_at >= $2) AS BIGINT), \
               CAST((SELECT COUNT(*) FROM reviews WHERE created_at >= $2 AND rating <= 2) AS BIGINT), \
               CAST((SELECT COUNT(*) FROM review_reports WHERE created_at >= $2) AS BIGINT), \
               CAST((SELECT COUNT(*) FROM reviews WHERE status = 'held') AS BIGINT), \
               CAST((SELECT COUNT(*) FROM moderation_items \
                 WHERE state IN ('pending', 'flagged', 'appealed')) AS BIGINT)"
        );
        let top = format!(
            "SELECT s.seller_id, MAX(sl.name) AS name, \
               CAST(SUM(s.subtotal_tiyin - s.discount_tiyin) AS BIGINT) AS gross_tiyin, \
               CAST(COUNT(DISTINCT s.order_id) AS BIGINT) AS orders \
             FROM shipments s JOIN orders o ON o.id = s.order_id \
             JOIN sellers sl ON sl.id = s.seller_id \
             WHERE o.paid_at >= $1 AND o.status IN {SOLD} AND s.status <> 'cancelled' \
             GROUP BY s.seller_id ORDER BY gross_tiyin DESC, s.seller_id LIMIT $2"
        );
        let (row, top_sellers) = dispatch!(self, |pool, _d| {
            let row = sqlx::query_as::<_, (i64, i64, i64, i64, i64, i64, i64, i64)>(&counts)
                .bind(midnight)
                .bind(week)
                .fetch_one(pool)
                .await?;
            let top = sqlx::query_as::<_, TopSeller>(&top)
                .bind(month)
                .bind(TOP_SELLERS)
                .fetch_all(pool)
                .await?;
            (row, top)
        });
        let (sales, orders, paid, reviews, low, complaints, held, open) = row;
        Ok(LiveStats {
            sales_today_tiyin: sales,
            orders_today: orders,
            paid_today: paid,
            reviews_week: reviews,
            low_ratings_week: low,
            complaints_week: complaints,
            held_reviews: held,
            open_moderation: open,
            top_sellers,
        })
    }
}

fn stats_event(name: &'static str, stats: &LiveStats) -> Event {
    match Event::default().event(name).json_data(stats) {
        Ok(event) => event,
        Err(error) => {
            tracing::warn!(%error, "live stats do not serialise: {error}");
            Event::default().event("error").data("unavailable")
        }
    }
}

/// The stream's state between events.
struct Watch {
    state: AppState,
    last: Option<Watermark>,
}

async fn next_event(mut watch: Watch) -> Option<(Result<Event, Infallible>, Watch)> {
    let mut first = watch.last.is_none();
    loop {
        if !first {
            tokio::time::sleep(POLL).await;
        }
        first = false;
        let db = &watch.state.0.db;
        let mark = match db.live_watermark().await {
            Ok(mark) => mark,
            Err(error) => {
                tracing::warn!(%error, "live stats watermark failed: {error}");
                continue;
            }
        };
        let cause = match watch.last {
            None => Some("stats"),
            Some(last) => last.cause(mark),
        };
        let Some(cause) = cause else {
            continue;
        };
        match db.live_stats(watch.state.0.auth.now()).await {
            Ok(stats) => {
                watch.last = Some(mark);
                return Some((Ok(stats_event(cause, &stats)), watch));
            }
            Err(error) => {
                tracing::warn!(%error, "live stats failed: {error}");
            }
        }
    }
}

/// `GET /admin/live`: the live statistics as server-sent events (admins).
pub async fn live_events(State(state): State<AppState>, web: Web) -> Response {
    if let Err(refusal) = require_staff(&web, StaffArea::Admin, false) {
        return *refusal;
    }
    let stream = futures_util::stream::unfold(Watch { state, last: None }, next_event);
    let mut response = Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response();
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_watermark_names_what_moved() {
        let base = Watermark {
            orders: 3,
            order_events: 9,
            reviews: 2,
            reports: 1,
        };
        assert_eq!(base.cause(base), None);
        assert_eq!(
            base.cause(Watermark {
                orders: 4,
                order_events: 10,
                ..base
            }),
            Some("order")
        );
        assert_eq!(
            base.cause(Watermark {
                order_events: 10,
                ..base
            }),
            Some("payment")
        );
        assert_eq!(base.cause(Watermark { reviews: 3, ..base }), Some("review"));
        assert_eq!(base.cause(Watermark { reports: 2, ..base }), Some("report"));
    }

    #[test]
    fn midnight_is_tashkents() {
        let at = Utc.with_ymd_and_hms(2026, 12, 7, 20, 30, 0).unwrap();
        // 20:30 UTC is 01:30 on the 8th in Tashkent (UTC+5): midnight was 19:00 UTC.
        assert_eq!(
            tashkent_midnight(at),
            Utc.with_ymd_and_hms(2026, 12, 7, 19, 0, 0).unwrap()
        );
    }
}
