//! The parent's dashboard (issue 6, item 4): per child, the recent searches and the refused
//! ones, purchase requests, spending against the limits (Tashkent day and month) and screen
//! time used today against the daily minutes.

use super::CommerceResult;
use super::family::{self, ParentalControls, PurchaseRequestView};
use super::screen_time;
use crate::db::Db;
use crate::db::accounts::{ChildId, UserId};
use crate::db::orders::dispatch_conn;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// One logged search of a child.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct LoggedSearch {
    /// When.
    #[schema(value_type = String, format = DateTime)]
    pub at: DateTime<Utc>,
    /// The query (first 100 characters).
    pub query: String,
    /// 1 when refused.
    pub blocked: i64,
    /// Why it was refused: `search_off`, or `unsafe_query:<category>` (a search or suggestion
    /// request with unsafe intent, e.g. `unsafe_query:alcohol`); else empty.
    pub reason: String,
}

/// One child on the dashboard.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChildDashboard {
    /// Child id.
    #[schema(value_type = i64)]
    pub child_id: ChildId,
    /// Nickname.
    pub nickname: String,
    /// The controls in force.
    pub controls: ParentalControls,
    /// Spent this Tashkent day (tiyin, live orders net of refunds).
    pub spent_today_tiyin: i64,
    /// Spent this Tashkent month (tiyin).
    pub spent_month_tiyin: i64,
    /// Screen time used today (seconds).
    pub screen_seconds_today: i64,
    /// The 50 latest searches, newest first.
    pub searches: Vec<LoggedSearch>,
    /// The 50 latest refused searches, newest first.
    pub blocked_searches: Vec<LoggedSearch>,
    /// The 50 latest purchase requests, newest first.
    pub purchase_requests: Vec<PurchaseRequestView>,
}

/// The parent's dashboard.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Dashboard {
    /// One entry per child profile of the parent.
    pub children: Vec<ChildDashboard>,
}

/// Builds the dashboard of `parent` at `now`.
pub async fn dashboard(db: &Db, parent: UserId, now: DateTime<Utc>) -> CommerceResult<Dashboard> {
    let (day, month) = family::day_and_month_start(now);
    let requests = family::list_requests(db, parent).await?;
    let mut tx = db.begin_read().await?;
    let mut conn = tx.conn();
    let kids = dispatch_conn!(&mut conn, |c| {
        sqlx::query_as::<_, (ChildId, String)>(
            "SELECT id, nickname FROM child_profiles WHERE parent_user_id = $1 ORDER BY id",
        )
        .bind(parent)
        .fetch_all(&mut *c)
        .await?
    });
    let mut children = Vec::with_capacity(kids.len());
    for (child, nickname) in kids {
        let controls = family::load_controls(&mut conn, child).await?;
        let spent_today_tiyin = family::spent_since(&mut conn, child, day, None).await?;
        let spent_month_tiyin = family::spent_since(&mut conn, child, month, None).await?;
        let (searches, blocked_searches) = dispatch_conn!(&mut conn, |c| {
            let all = sqlx::query_as::<_, LoggedSearch>(
                "SELECT at, query, blocked, reason FROM child_search_log WHERE child_id = $1 \
                 ORDER BY id DESC LIMIT 50",
            )
            .bind(child)
            .fetch_all(&mut *c)
            .await?;
            let blocked = sqlx::query_as::<_, LoggedSearch>(
                "SELECT at, query, blocked, reason FROM child_search_log \
                 WHERE child_id = $1 AND blocked = 1 ORDER BY id DESC LIMIT 50",
            )
            .bind(child)
            .fetch_all(&mut *c)
            .await?;
            (all, blocked)
        });
        children.push(ChildDashboard {
            child_id: child,
            nickname,
            controls,
            spent_today_tiyin,
            spent_month_tiyin,
            screen_seconds_today: 0,
            searches,
            blocked_searches,
            purchase_requests: requests
                .iter()
                .filter(|request| request.child_id == Some(child))
                .take(50)
                .cloned()
                .collect(),
        });
    }
    tx.rollback().await?;
    for child in &mut children {
        child.screen_seconds_today = screen_time::seconds_used(db, child.child_id, now).await?;
    }
    Ok(Dashboard { children })
}
