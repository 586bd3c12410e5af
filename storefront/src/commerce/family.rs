//! Children's purchases: parental controls (spending limits, approval mode, allowed and
//! blocked categories) and purchase requests ("ask to buy").
//!
//! A child's checkout takes the child's controls row `FOR UPDATE` on PostgreSQL (SQLite's
//! `BEGIN IMMEDIATE` serialises writers anyway), so concurrent checkouts of one child count
//! each other's orders and cannot exceed a limit together. A child without a controls row has
//! no spending limits but needs approval for every purchase (the safe default).
//! Days and months are counted in Tashkent time (UTC+5, no daylight saving).

use super::orders::{self, EventKind, OrderRow};
use super::{Actor, ActorKind, CommerceError, CommerceResult, CommerceSettings, OrderId};
use super::{OrderStatus, orders::CancelOutcome};
use crate::db::Db;
use crate::db::accounts::{ChildId, UserId};
use crate::db::orders::{Conn, dispatch_conn};
use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveTime, Offset, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// When a child's purchase needs the parent's approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalMode {
    /// Every purchase.
    EveryPurchase,
    /// Purchases whose total is above `approval_above_tiyin`.
    AboveAmount,
    /// Purchases with a line in one of `approval_category_ids`.
    SelectedCategories,
    /// Never (limits still apply).
    None,
}

impl ApprovalMode {
    /// Returns the stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EveryPurchase => "every_purchase",
            Self::AboveAmount => "above_amount",
            Self::SelectedCategories => "selected_categories",
            Self::None => "none",
        }
    }

    fn parse(name: &str) -> Option<Self> {
        [
            Self::EveryPurchase,
            Self::AboveAmount,
            Self::SelectedCategories,
            Self::None,
        ]
        .into_iter()
        .find(|mode| mode.as_str() == name)
    }
}

/// A child's parental controls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ParentalControls {
    /// At most this much per Tashkent day (tiyin); `null`: no limit.
    pub daily_limit_tiyin: Option<i64>,
    /// At most this much per Tashkent calendar month (tiyin); `null`: no limit.
    pub monthly_limit_tiyin: Option<i64>,
    /// When the parent must approve.
    pub approval_mode: ApprovalMode,
    /// The threshold of `above_amount`.
    pub approval_above_tiyin: Option<i64>,
    /// The categories of `selected_categories`.
    #[serde(default)]
    pub approval_category_ids: Vec<i64>,
    /// Only these categories may be bought (`null`: any not blocked).
    pub allowed_category_ids: Option<Vec<i64>>,
    /// These categories may never be bought.
    #[serde(default)]
    pub blocked_category_ids: Vec<i64>,
    /// What the child may search (default `safe`).
    #[serde(default)]
    pub search_mode: ChildSearchMode,
    /// The products `approved_items_only` lets the child find (besides `allowed_category_ids`).
    #[serde(default)]
    pub approved_product_ids: Vec<i64>,
    /// Minutes of use per Tashkent day (`null`: no limit).
    #[serde(default)]
    pub daily_screen_minutes: Option<i64>,
    /// Start of the allowed hours, minutes after Tashkent midnight (`null` with
    /// `allowed_until_minute`: any time).
    #[serde(default)]
    pub allowed_from_minute: Option<i64>,
    /// End of the allowed hours (exclusive; before `allowed_from_minute`: wraps past midnight).
    #[serde(default)]
    pub allowed_until_minute: Option<i64>,
}

/// What a child may search.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChildSearchMode {
    /// No search: searches are refused with 403 `search_disabled`.
    Off,
    /// The normal audience filter.
    #[default]
    Safe,
    /// Only products in `approved_product_ids` or in `allowed_category_ids`.
    ApprovedItemsOnly,
}

impl ChildSearchMode {
    /// Returns the stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::Safe => "safe",
            Self::ApprovedItemsOnly => "approved_items_only",
        }
    }

    fn parse(name: &str) -> Option<Self> {
        [Self::Off, Self::Safe, Self::ApprovedItemsOnly]
            .into_iter()
            .find(|mode| mode.as_str() == name)
    }
}

impl Default for ParentalControls {
    fn default() -> Self {
        Self {
            daily_limit_tiyin: None,
            monthly_limit_tiyin: None,
            approval_mode: ApprovalMode::EveryPurchase,
            approval_above_tiyin: None,
            approval_category_ids: Vec::new(),
            allowed_category_ids: None,
            blocked_category_ids: Vec::new(),
            search_mode: ChildSearchMode::Safe,
            approved_product_ids: Vec::new(),
            daily_screen_minutes: None,
            allowed_from_minute: None,
            allowed_until_minute: None,
        }
    }
}

impl ParentalControls {
    /// Checks the values; returns a stable code and a message when they are wrong.
    pub fn validate(&self) -> Result<(), CommerceError> {
        let negative = |value: Option<i64>| value.is_some_and(|v| v < 0);
        if negative(self.daily_limit_tiyin)
            || negative(self.monthly_limit_tiyin)
            || negative(self.approval_above_tiyin)
        {
            return Err(CommerceError::invalid(
                "invalid_limit",
                "limits must be zero or more tiyin",
            ));
        }
        if self.approval_mode == ApprovalMode::AboveAmount && self.approval_above_tiyin.is_none() {
            return Err(CommerceError::invalid(
                "invalid_approval_mode",
                "above_amount needs approval_above_tiyin",
            ));
        }
        if self
            .daily_screen_minutes
            .is_some_and(|minutes| !(0..=1440).contains(&minutes))
        {
            return Err(CommerceError::invalid(
                "invalid_screen_time",
                "daily_screen_minutes must be 0 to 1440",
            ));
        }
        match (self.allowed_from_minute, self.allowed_until_minute) {
            (None, None) => {}
            (Some(from), Some(until))
                if (0..1440).contains(&from) && (0..=1440).contains(&until) => {}
            _ => {
                return Err(CommerceError::invalid(
                    "invalid_allowed_hours",
                    "allowed_from_minute (0-1439) and allowed_until_minute (0-1440) go together",
                ));
            }
        }
        let too_many = |ids: &[i64]| ids.len() > 500;
        if too_many(&self.approval_category_ids)
            || too_many(&self.approved_product_ids)
            || too_many(&self.blocked_category_ids)
            || self.allowed_category_ids.as_deref().is_some_and(too_many)
        {
            return Err(CommerceError::invalid(
                "invalid_categories",
                "at most 500 categories per list",
            ));
        }
        Ok(())
    }

    /// Returns whether an order of `total` tiyin with lines in `categories` needs approval.
    pub fn needs_approval(&self, total: i64, categories: &[i64]) -> bool {
        match self.approval_mode {
            ApprovalMode::EveryPurchase => true,
            ApprovalMode::AboveAmount => {
                self.approval_above_tiyin.is_none_or(|above| total > above)
            }
            ApprovalMode::SelectedCategories => categories
                .iter()
                .any(|category| self.approval_category_ids.contains(category)),
            ApprovalMode::None => false,
        }
    }

    /// Returns the first category in `categories` the child may not buy.
    pub fn forbidden_category(&self, categories: &[i64]) -> Option<i64> {
        categories.iter().copied().find(|category| {
            self.blocked_category_ids.contains(category)
                || self
                    .allowed_category_ids
                    .as_ref()
                    .is_some_and(|allowed| !allowed.contains(category))
        })
    }
}

#[derive(Debug, sqlx::FromRow)]
struct ControlsRow {
    daily_limit_tiyin: Option<i64>,
    monthly_limit_tiyin: Option<i64>,
    approval_mode: String,
    approval_above_tiyin: Option<i64>,
    approval_category_ids: String,
    allowed_category_ids: Option<String>,
    blocked_category_ids: String,
    search_mode: String,
    approved_product_ids: String,
    daily_screen_minutes: Option<i64>,
    allowed_from_minute: Option<i64>,
    allowed_until_minute: Option<i64>,
}

impl ControlsRow {
    fn parse(self) -> CommerceResult<ParentalControls> {
        let corrupt = |what: &str| {
            CommerceError::Db(crate::db::DbError::Corrupt(format!(
                "parental controls: {what}"
            )))
        };
        let ids = |text: &str| -> CommerceResult<Vec<i64>> {
            serde_json::from_str(text).map_err(|_| corrupt("category list"))
        };
        Ok(ParentalControls {
            daily_limit_tiyin: self.daily_limit_tiyin,
            monthly_limit_tiyin: self.monthly_limit_tiyin,
            approval_mode: ApprovalMode::parse(&self.approval_mode)
                .ok_or_else(|| corrupt("approval mode"))?,
            approval_above_tiyin: self.approval_above_tiyin,
            approval_category_ids: ids(&self.approval_category_ids)?,
            allowed_category_ids: self.allowed_category_ids.as_deref().map(ids).transpose()?,
            blocked_category_ids: ids(&self.blocked_category_ids)?,
            search_mode: ChildSearchMode::parse(&self.search_mode)
                .ok_or_else(|| corrupt("search mode"))?,
            approved_product_ids: ids(&self.approved_product_ids)?,
            daily_screen_minutes: self.daily_screen_minutes,
            allowed_from_minute: self.allowed_from_minute,
            allowed_until_minute: self.allowed_until_minute,
        })
    }
}

/// Loads a child's controls (locking the row on PostgreSQL); the default when none are set.
pub async fn load_controls(
    conn: &mut Conn<'_>,
    child: ChildId,
) -> CommerceResult<ParentalControls> {
    let sql = format!(
        "SELECT daily_limit_tiyin, monthly_limit_tiyin, approval_mode, approval_above_tiyin, \
         approval_category_ids, allowed_category_ids, blocked_category_ids, search_mode, \
         approved_product_ids, daily_screen_minutes, allowed_from_minute, allowed_until_minute \
         FROM parental_controls WHERE child_id = $1{}",
        conn.for_update()
    );
    let row = dispatch_conn!(conn, |c| {
        sqlx::query_as::<_, ControlsRow>(&sql)
            .bind(child)
            .fetch_optional(&mut *c)
            .await?
    });
    match row {
        Some(row) => row.parse(),
        None => Ok(ParentalControls::default()),
    }
}

/// Stores a child's controls.
pub async fn save_controls(
    db: &Db,
    child: ChildId,
    controls: &ParentalControls,
    now: DateTime<Utc>,
) -> CommerceResult<()> {
    controls.validate()?;
    let to_json = |ids: &[i64]| serde_json::Value::from(ids.to_vec()).to_string();
    let approval = to_json(&controls.approval_category_ids);
    let allowed = controls.allowed_category_ids.as_deref().map(to_json);
    let blocked = to_json(&controls.blocked_category_ids);
    let approved_products = to_json(&controls.approved_product_ids);
    crate::db::dispatch!(db, |pool, _d| {
        sqlx::query(
            "INSERT INTO parental_controls (child_id, daily_limit_tiyin, monthly_limit_tiyin, \
             approval_mode, approval_above_tiyin, approval_category_ids, allowed_category_ids, \
             blocked_category_ids, updated_at, search_mode, approved_product_ids, \
             daily_screen_minutes, allowed_from_minute, allowed_until_minute) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
             ON CONFLICT (child_id) DO UPDATE SET daily_limit_tiyin = excluded.daily_limit_tiyin, \
             monthly_limit_tiyin = excluded.monthly_limit_tiyin, \
             approval_mode = excluded.approval_mode, \
             approval_above_tiyin = excluded.approval_above_tiyin, \
             approval_category_ids = excluded.approval_category_ids, \
             allowed_category_ids = excluded.allowed_category_ids, \
             blocked_category_ids = excluded.blocked_category_ids, \
             updated_at = excluded.updated_at, search_mode = excluded.search_mode, \
             approved_product_ids = excluded.approved_product_ids, \
             daily_screen_minutes = excluded.daily_screen_minutes, \
             allowed_from_minute = excluded.allowed_from_minute, \
             allowed_until_minute = excluded.allowed_until_minute",
        )
        .bind(child)
        .bind(controls.daily_limit_tiyin)
        .bind(controls.monthly_limit_tiyin)
        .bind(controls.approval_mode.as_str())
        .bind(controls.approval_above_tiyin)
        .bind(&approval)
        .bind(&allowed)
        .bind(&blocked)
        .bind(now)
        .bind(controls.search_mode.as_str())
        .bind(&approved_products)
        .bind(controls.daily_screen_minutes)
        .bind(controls.allowed_from_minute)
        .bind(controls.allowed_until_minute)
        .execute(pool)
        .await?;
    });
    Ok(())
}

pub(crate) fn tashkent() -> FixedOffset {
    FixedOffset::east_opt(5 * 3600).unwrap_or_else(|| Utc.fix())
}

/// Returns the start of the Tashkent day and month containing `now`, in UTC.
pub fn day_and_month_start(now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    let local = now.with_timezone(&tashkent());
    let day = local.date_naive();
    let month = day.with_day(1).unwrap_or(day);
    let to_utc = |date: chrono::NaiveDate| {
        tashkent()
            .from_local_datetime(&date.and_time(NaiveTime::MIN))
            .single()
            .map_or(now, |start| start.with_timezone(&Utc))
    };
    (to_utc(day), to_utc(month))
}

pub(crate) async fn spent_since(
    conn: &mut Conn<'_>,
    child: ChildId,
    since: DateTime<Utc>,
    exclude: Option<OrderId>,
) -> CommerceResult<i64> {
    Ok(dispatch_conn!(conn, |c| {
        sqlx::query_scalar::<_, i64>(
            "SELECT CAST(COALESCE(SUM(total_tiyin - refunded_tiyin), 0) AS BIGINT) FROM orders \
             WHERE child_id = $1 AND created_at >= $2 AND status NOT IN ('cancelled', 'expired') \
             AND id <> $3",
        )
        .bind(child)
        .bind(since)
        .bind(exclude.map_or(-1, |id| id.0))
        .fetch_one(&mut *c)
        .await?
    }))
}

/// Checks that `amount` more tiyin keeps the child within the daily and monthly limits,
/// counting the child's other live orders (`exclude` is the order being checked, if placed).
pub async fn check_spending(
    conn: &mut Conn<'_>,
    child: ChildId,
    amount: i64,
    exclude: Option<OrderId>,
    now: DateTime<Utc>,
) -> CommerceResult<()> {
    let controls = load_controls(conn, child).await?;
    check_spending_with(conn, child, &controls, amount, exclude, now).await
}

pub(crate) async fn check_spending_with(
    conn: &mut Conn<'_>,
    child: ChildId,
    controls: &ParentalControls,
    amount: i64,
    exclude: Option<OrderId>,
    now: DateTime<Utc>,
) -> CommerceResult<()> {
    let (day, month) = day_and_month_start(now);
    for (limit, since, period) in [
        (controls.daily_limit_tiyin, day, "daily"),
        (controls.monthly_limit_tiyin, month, "monthly"),
    ] {
        let Some(limit) = limit else { continue };
        let spent = spent_since(conn, child, since, exclude).await?;
        if spent.saturating_add(amount) > limit {
            return Err(CommerceError::ParentalControl {
                code: "spending_limit_exceeded",
                message: format!(
                    "the {period} limit of {limit} tiyin would be exceeded ({spent} tiyin spent)"
                ),
            });
        }
    }
    Ok(())
}

/// After a child's order is paid: notifies the parent (issue 8) of each daily or monthly limit
/// the child's spending has now reached, in the payment's transaction.
pub(crate) async fn notify_limits_reached(
    conn: &mut Conn<'_>,
    order: OrderId,
    now: DateTime<Utc>,
) -> CommerceResult<()> {
    let child: Option<Option<ChildId>> = dispatch_conn!(conn, |c| {
        sqlx::query_scalar("SELECT child_id FROM orders WHERE id = $1")
            .bind(order)
            .fetch_optional(&mut *c)
            .await?
    });
    let Some(child) = child.flatten() else {
        return Ok(());
    };
    let controls = load_controls(conn, child).await?;
    let (day, month) = day_and_month_start(now);
    for (limit, since, period) in [
        (controls.daily_limit_tiyin, day, "day"),
        (controls.monthly_limit_tiyin, month, "month"),
    ] {
        let Some(limit) = limit else { continue };
        let spent = spent_since(conn, child, since, None).await?;
        if spent >= limit {
            let slot = format!("{period}:{}", since.format("%Y-%m-%d"));
            crate::notify::events::on_limit_reached(conn.as_notify(), child.0, limit, spent, &slot)
                .await
                .map_err(crate::db::DbError::from)?;
        }
    }
    Ok(())
}

/// A purchase request as the parent sees it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct PurchaseRequestView {
    /// Id.
    pub id: i64,
    /// The order waiting.
    #[schema(value_type = i64)]
    pub order_id: OrderId,
    /// The child.
    #[schema(value_type = Option<i64>)]
    pub child_id: Option<ChildId>,
    /// `pending`, `approved`, `declined` or `expired`.
    pub status: String,
    /// The order's total (tiyin).
    pub total_tiyin: i64,
    /// When it was asked.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTime<Utc>,
    /// When it expires unanswered.
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: DateTime<Utc>,
    /// When the parent answered.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub decided_at: Option<DateTime<Utc>>,
}

const REQUEST_COLUMNS: &str = "r.id, r.order_id, r.child_id, r.status, o.total_tiyin, \
     r.created_at, r.expires_at, r.decided_at";

/// Returns the parent's purchase requests, newest first.
pub async fn list_requests(db: &Db, parent: UserId) -> CommerceResult<Vec<PurchaseRequestView>> {
    let sql = format!(
        "SELECT {REQUEST_COLUMNS} FROM purchase_requests r JOIN orders o ON o.id = r.order_id \
         WHERE r.parent_user_id = $1 ORDER BY r.id DESC LIMIT 200"
    );
    Ok(crate::db::dispatch!(db, |pool, _d| {
        sqlx::query_as::<_, PurchaseRequestView>(&sql)
            .bind(parent)
            .fetch_all(pool)
            .await?
    }))
}

async fn request_of_parent(
    conn: &mut Conn<'_>,
    parent: UserId,
    id: i64,
) -> CommerceResult<PurchaseRequestView> {
    let sql = format!(
        "SELECT {REQUEST_COLUMNS} FROM purchase_requests r JOIN orders o ON o.id = r.order_id \
         WHERE r.id = $1 AND r.parent_user_id = $2"
    );
    let found = dispatch_conn!(conn, |c| {
        sqlx::query_as::<_, PurchaseRequestView>(&sql)
            .bind(id)
            .bind(parent)
            .fetch_optional(&mut *c)
            .await?
    });
    found.ok_or(CommerceError::PurchaseRequestNotFound(id))
}

/// The parent's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Buy it: the order waits for payment.
    Approve,
    /// Do not: the order is cancelled and its stock released.
    Decline,
}

/// Approves or declines a pending purchase request of the parent's child. Another parent's
/// request is [`CommerceError::PurchaseRequestNotFound`]; an answered or expired one is
/// [`CommerceError::IllegalTransition`].
pub async fn decide(
    db: &Db,
    settings: &CommerceSettings,
    parent: UserId,
    id: i64,
    decision: Decision,
    now: DateTime<Utc>,
) -> CommerceResult<PurchaseRequestView> {
    let mut tx = db.begin_queued().await?;
    let mut conn = tx.conn();
    let request = request_of_parent(&mut conn, parent, id).await?;
    let order: OrderRow = orders::load_order(&mut conn, request.order_id)
        .await?
        .ok_or(CommerceError::OrderNotFound(request.order_id))?;
    let status = order.status()?;
    let actor = Actor {
        kind: ActorKind::Parent,
        user: Some(parent),
    };
    let live = request.status == "pending"
        && status == OrderStatus::AwaitingParentApproval
        && order.expires_at > now;
    if !live {
        let to = match decision {
            Decision::Approve => OrderStatus::PendingPayment,
            Decision::Decline => OrderStatus::Cancelled,
        };
        // An expired request still waiting for the sweep reads as expired.
        let from = if status == OrderStatus::AwaitingParentApproval {
            OrderStatus::Expired
        } else {
            status
        };
        return Err(CommerceError::IllegalTransition { from, to });
    }
    match decision {
        Decision::Approve => {
            if let Some(child) = order.child_id {
                check_spending(&mut conn, child, order.total_tiyin, Some(order.id), now).await?;
            }
            orders::transition(
                &mut conn,
                &order,
                OrderStatus::PendingPayment,
                actor,
                "approved by the parent",
                now,
            )
            .await?;
            let expires_at = now + settings.payment_window;
            dispatch_conn!(&mut conn, |c| {
                sqlx::query("UPDATE orders SET expires_at = $1 WHERE id = $2")
                    .bind(expires_at)
                    .bind(order.id)
                    .execute(&mut *c)
                    .await?;
                sqlx::query(
                    "UPDATE purchase_requests SET status = 'approved', decided_at = $1 WHERE id = $2",
                )
                .bind(now)
                .bind(id)
                .execute(&mut *c)
                .await?;
            });
            orders::insert_event(
                &mut conn,
                order.id,
                EventKind::PurchaseApproved,
                &serde_json::json!({ "order_id": order.id, "child_id": order.child_id }),
                now,
            )
            .await?;
        }
        Decision::Decline => {
            let outcome =
                orders::cancel_unpaid(&mut conn, order.id, actor, "declined by the parent", now)
                    .await?;
            debug_assert_eq!(outcome, CancelOutcome::Cancelled);
            orders::insert_event(
                &mut conn,
                order.id,
                EventKind::PurchaseDeclined,
                &serde_json::json!({ "order_id": order.id, "child_id": order.child_id }),
                now,
            )
            .await?;
        }
    }
    let view = request_of_parent(&mut conn, parent, id).await?;
    tx.commit().await?;
    Ok(view)
}

/// Returns the parent of a child, if the child exists.
pub async fn parent_of(db: &Db, child: ChildId) -> CommerceResult<Option<UserId>> {
    Ok(crate::db::dispatch!(db, |pool, _d| {
        sqlx::query_scalar::<_, UserId>("SELECT parent_user_id FROM child_profiles WHERE id = $1")
            .bind(child)
            .fetch_optional(pool)
            .await?
    }))
}

/// The child profile of a child's user account: (child id, parent).
pub async fn child_of_user(
    conn: &mut Conn<'_>,
    user: UserId,
) -> CommerceResult<Option<(ChildId, UserId)>> {
    Ok(dispatch_conn!(conn, |c| {
        sqlx::query_as::<_, (ChildId, UserId)>(
            "SELECT id, parent_user_id FROM child_profiles WHERE user_id = $1",
        )
        .bind(user)
        .fetch_optional(&mut *c)
        .await?
    }))
}

/// Returns when a purchase request made at `now` expires unanswered.
pub fn approval_deadline(settings: &CommerceSettings, now: DateTime<Utc>) -> DateTime<Utc> {
    now + settings.approval_window.max(Duration::zero())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tashkent_days_start_at_19_utc() {
        let now = Utc.with_ymd_and_hms(2026, 12, 7, 18, 59, 0).unwrap();
        let (day, month) = day_and_month_start(now);
        assert_eq!(day, Utc.with_ymd_and_hms(2026, 12, 6, 19, 0, 0).unwrap());
        assert_eq!(month, Utc.with_ymd_and_hms(2026, 11, 30, 19, 0, 0).unwrap());
        let (day, _) = day_and_month_start(now + Duration::minutes(1));
        assert_eq!(day, Utc.with_ymd_and_hms(2026, 12, 7, 19, 0, 0).unwrap());
    }

    #[test]
    fn approval_modes() {
        let mut controls = ParentalControls::default();
        assert!(controls.needs_approval(1, &[]));
        controls.approval_mode = ApprovalMode::AboveAmount;
        controls.approval_above_tiyin = Some(100);
        assert!(!controls.needs_approval(100, &[]));
        assert!(controls.needs_approval(101, &[]));
        controls.approval_mode = ApprovalMode::SelectedCategories;
        controls.approval_category_ids = vec![7];
        assert!(controls.needs_approval(1, &[3, 7]));
        assert!(!controls.needs_approval(1, &[3]));
        controls.blocked_category_ids = vec![9];
        assert_eq!(controls.forbidden_category(&[3, 9]), Some(9));
        controls.allowed_category_ids = Some(vec![3]);
        assert_eq!(controls.forbidden_category(&[4]), Some(4));
        assert_eq!(controls.forbidden_category(&[3]), None);
    }
}
