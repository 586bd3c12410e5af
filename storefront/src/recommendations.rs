//! Recommendations (issue 4, item 5): the behaviour signals read from the store, kept in
//! memory and refreshed, and the one function the API and the pages call
//! ([`recommend`]).
//!
//! Signals (see `engine::recommend` for the scoring):
//!
//! * **co-purchase**: the lines of each order that was paid (`paid`, `processing`, `shipped`,
//!   `delivered`, `completed`; never cancelled, expired or refunded ones) in the last
//!   [`SIGNAL_WINDOW_DAYS`] days, one basket per order;
//! * **co-view**: each viewer's recently viewed products (`recently_viewed`, the newest 50 per
//!   account or device) viewed in the window;
//! * **trending**: views per product and day (`product_view_days`, migration 0015: a viewer
//!   counts once per product per [`VIEW_DEDUP_SECS`]) and units bought, decayed with the
//!   configured half-life.
//!
//! **Refresh.** The signals are rebuilt from the store as a whole, never per request: by a
//! background loop every `BOLAJON_RECS_REFRESH_SECS` while serving, and on the first request
//! after start. A request always answers from the last complete build. Safety does not
//! depend on freshness: the engine screens every candidate against the live index for the
//! audience, so a product rejected or re-flagged a second ago (the outbox removes it from the
//! index) is never recommended, whatever the signals still hold.

use crate::auth::{CurrentUser, Role};
use crate::commerce::screen_time;
use crate::db::accounts::UserId;
use crate::db::{Db, DbResult, dispatch};
use crate::shopper::{self, Viewer};
use crate::{ApiError, AppState};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use engine::{
    Audience, History, Lang, ProductId, RecSignals, RecommendKind, RecommendRequest,
    Recommendations, Restrictions,
};
use std::sync::{Arc, RwLock};

/// How far back orders and views count.
pub const SIGNAL_WINDOW_DAYS: i64 = 365;
/// A viewer's repeated views of one product within this many seconds count once in trending.
pub const VIEW_DEDUP_SECS: i64 = 3_600;
/// Order statuses whose lines count as purchases.
const PAID_STATUSES: &str = "('paid', 'processing', 'shipped', 'delivered', 'completed')";
/// Rows read per signal source at most (the newest), to bound a refresh.
const MAX_SIGNAL_ROWS: i64 = 2_000_000;

/// Recommendation settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecsSettings {
    /// Seconds between two rebuilds of the signals while serving.
    pub refresh_secs: u64,
    /// Half-life of trending scores, in seconds.
    pub half_life_secs: i64,
}

impl Default for RecsSettings {
    fn default() -> Self {
        Self {
            refresh_secs: 300,
            half_life_secs: 7 * 86_400,
        }
    }
}

/// The signals in memory, replaced whole by each refresh.
#[derive(Debug, Default)]
pub struct RecsState {
    /// Settings.
    pub settings: RecsSettings,
    signals: RwLock<Option<Arc<RecSignals>>>,
    /// Serialises refreshes.
    refreshing: tokio::sync::Mutex<()>,
}

impl RecsState {
    /// Creates the state with `settings` and no signals yet.
    pub fn new(settings: RecsSettings) -> Self {
        Self {
            settings,
            ..Self::default()
        }
    }

    fn current(&self) -> Option<Arc<RecSignals>> {
        match self.signals.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn replace(&self, fresh: Arc<RecSignals>) {
        match self.signals.write() {
            Ok(mut guard) => *guard = Some(fresh),
            Err(poisoned) => *poisoned.into_inner() = Some(fresh),
        }
    }
}

/// Rebuilds the signals from the store now and swaps them in.
pub async fn refresh_signals(app: &crate::App) -> DbResult<Arc<RecSignals>> {
    let _one_at_a_time = app.recs.refreshing.lock().await;
    let now = app.auth.now();
    let fresh = Arc::new(load_signals(&app.db, now, app.recs.settings.half_life_secs).await?);
    app.recs.replace(fresh.clone());
    Ok(fresh)
}

/// Returns the current signals, building them on first use.
pub async fn current_signals(app: &crate::App) -> DbResult<Arc<RecSignals>> {
    match app.recs.current() {
        Some(signals) => Ok(signals),
        None => refresh_signals(app).await,
    }
}

/// Refreshes the signals every `refresh_secs` until `stop` turns true.
pub async fn run_refresh_loop(app: Arc<crate::App>, mut stop: tokio::sync::watch::Receiver<bool>) {
    let period = std::time::Duration::from_secs(app.recs.settings.refresh_secs.max(1));
    loop {
        let started = std::time::Instant::now();
        match refresh_signals(&app).await {
            Ok(_) => {
                tracing::debug!(elapsed = ?started.elapsed(), "refreshed the recommendation signals")
            }
            Err(error) => {
                tracing::error!(%error, "refreshing the recommendation signals failed: {error}")
            }
        }
        tokio::select! {
            () = tokio::time::sleep(period) => {}
            _ = stop.changed() => return,
        }
        if *stop.borrow() {
            return;
        }
    }
}

#[derive(Debug, sqlx::FromRow)]
struct PurchaseRow {
    order_id: i64,
    product_id: i64,
    quantity: i64,
    created_at: DateTime<Utc>,
}

#[derive(Debug, sqlx::FromRow)]
struct ViewRow {
    viewer: String,
    product_id: i64,
}

#[derive(Debug, sqlx::FromRow)]
struct ViewDayRow {
    product_id: i64,
    day: String,
    views: i64,
}

fn product(id: i64) -> ProductId {
    ProductId(id.unsigned_abs())
}

/// Reads every signal source of the window ending at `now`.
pub async fn load_signals(
    db: &Db,
    now: DateTime<Utc>,
    half_life_secs: i64,
) -> DbResult<RecSignals> {
    let since = now - Duration::days(SIGNAL_WINDOW_DAYS);
    let mut signals = RecSignals::new(half_life_secs, now.timestamp());
    let purchases: Vec<PurchaseRow> = dispatch!(db, |pool, _d| {
        sqlx::query_as(&format!(
            "SELECT l.order_id, l.product_id, l.quantity, o.created_at FROM order_lines l \
             JOIN orders o ON o.id = l.order_id \
             WHERE o.status IN {PAID_STATUSES} AND o.created_at >= $1 \
             ORDER BY l.order_id DESC, l.id LIMIT $2"
        ))
        .bind(since)
        .bind(MAX_SIGNAL_ROWS)
        .fetch_all(pool)
        .await?
    });
    let mut basket: Vec<ProductId> = Vec::new();
    let mut basket_order = None;
    for row in &purchases {
        if basket_order != Some(row.order_id) {
            signals.co_purchase.add_group(&basket);
            basket.clear();
            basket_order = Some(row.order_id);
        }
        basket.push(product(row.product_id));
        signals.trending.add(
            product(row.product_id),
            row.created_at.timestamp(),
            engine::recommend::PURCHASE_WEIGHT * row.quantity.max(1) as f64,
        );
    }
    signals.co_purchase.add_group(&basket);

    let views: Vec<ViewRow> = dispatch!(db, |pool, _d| {
        sqlx::query_as(
            "SELECT viewer, product_id FROM recently_viewed WHERE viewed_at >= $1 \
             ORDER BY viewer, viewed_at DESC, product_id DESC LIMIT $2",
        )
        .bind(since)
        .bind(MAX_SIGNAL_ROWS)
        .fetch_all(pool)
        .await?
    });
    let mut group: Vec<ProductId> = Vec::new();
    let mut group_viewer: Option<&str> = None;
    for row in &views {
        if group_viewer != Some(row.viewer.as_str()) {
            signals.co_view.add_group(&group);
            group.clear();
            group_viewer = Some(row.viewer.as_str());
        }
        group.push(product(row.product_id));
    }
    signals.co_view.add_group(&group);

    let days: Vec<ViewDayRow> = dispatch!(db, |pool, _d| {
        sqlx::query_as(
            "SELECT product_id, day, views FROM product_view_days WHERE day >= $1 \
             ORDER BY day DESC LIMIT $2",
        )
        .bind(since.format("%Y-%m-%d").to_string())
        .bind(MAX_SIGNAL_ROWS)
        .fetch_all(pool)
        .await?
    });
    for row in &days {
        let Ok(day) = NaiveDate::parse_from_str(&row.day, "%Y-%m-%d") else {
            continue;
        };
        // The middle of the day stands for its views.
        let at = day
            .and_hms_opt(12, 0, 0)
            .map_or(now.timestamp(), |noon| noon.and_utc().timestamp());
        signals.trending.add(
            product(row.product_id),
            at,
            engine::recommend::VIEW_WEIGHT * row.views.max(0) as f64,
        );
    }
    tracing::debug!(
        purchase_lines = purchases.len(),
        viewed = views.len(),
        view_days = days.len(),
        "loaded recommendation signals"
    );
    Ok(signals)
}

/// Counts a view of `product` by `viewer` in the day's trending counts, unless the viewer
/// viewed it within [`VIEW_DEDUP_SECS`] (`previous`: when they last did). Call it after the
/// view was recorded (so only approved products count).
pub async fn count_view(
    db: &Db,
    product: i64,
    previous: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> DbResult<()> {
    if previous.is_some_and(|at| (now - at).num_seconds() < VIEW_DEDUP_SECS) {
        return Ok(());
    }
    let day = now.format("%Y-%m-%d").to_string();
    dispatch!(db, |pool, _d| {
        sqlx::query(
            "INSERT INTO product_view_days (product_id, day, views) VALUES ($1, $2, 1) \
             ON CONFLICT (product_id, day) DO UPDATE SET views = product_view_days.views + 1",
        )
        .bind(product)
        .bind(&day)
        .execute(pool)
        .await?;
    });
    Ok(())
}

/// When `viewer` last viewed `product` (before this view).
pub async fn last_view(db: &Db, viewer: &Viewer, product: i64) -> DbResult<Option<DateTime<Utc>>> {
    let key = viewer.key();
    Ok(dispatch!(db, |pool, _d| {
        sqlx::query_scalar(
            "SELECT viewed_at FROM recently_viewed WHERE viewer = $1 AND product_id = $2",
        )
        .bind(&key)
        .bind(product)
        .fetch_optional(pool)
        .await?
    }))
}

/// The products a user bought (orders paid or later), newest first, at most 50.
pub async fn purchased_products(db: &Db, user: UserId) -> DbResult<Vec<i64>> {
    Ok(dispatch!(db, |pool, _d| {
        sqlx::query_scalar(&format!(
            "SELECT l.product_id FROM order_lines l JOIN orders o ON o.id = l.order_id \
             WHERE o.buyer_user_id = $1 AND o.status IN {PAID_STATUSES} \
             GROUP BY l.product_id ORDER BY MAX(o.created_at) DESC, l.product_id DESC LIMIT 50"
        ))
        .bind(user)
        .fetch_all(pool)
        .await?
    }))
}

/// A user's own history: recently viewed, wishlist and purchases (never anyone else's).
pub async fn history_of(db: &Db, user: UserId) -> DbResult<History> {
    let ids = |list: Vec<i64>| list.into_iter().map(product).collect();
    Ok(History {
        viewed: ids(shopper::recently_viewed(db, &Viewer::User(user)).await?),
        wishlist: ids(shopper::wishlist(db, user).await?),
        purchased: ids(purchased_products(db, user).await?),
    })
}

/// Who asks: the audience's age and, for a child, the parent's controls.
#[derive(Debug, Clone, Copy)]
pub struct Asker<'a> {
    /// The signed-in user, if any.
    pub user: Option<&'a CurrentUser>,
    /// The audience's age.
    pub audience: Audience,
}

/// Recommends `kind` for `asker`: a child's parental controls apply (search off refuses,
/// blocked categories are never shown, approved-items-only shows only approved items).
/// This is the function the API and the pages call.
pub async fn recommend(
    state: &AppState,
    asker: Asker<'_>,
    kind: RecommendKind,
    limit: usize,
    lang: Lang,
) -> Result<Recommendations, ApiError> {
    let mut restrictions = Restrictions::default();
    if let Some(user) = asker.user.filter(|user| user.role == Role::Child)
        && let Some((_, controls)) = screen_time::search_rules(&state.0.db, user.id).await?
    {
        screen_time::check_search_allowed(&controls)?;
        restrictions = screen_time::restrictions(&controls);
    }
    let signals = current_signals(&state.0).await?;
    let request = RecommendRequest {
        limit,
        lang,
        restrictions,
        ..RecommendRequest::new(kind)
    };
    let engine = state.0.engine.clone();
    let audience = asker.audience;
    Ok(crate::run_blocking(move || engine.recommend(audience, &request, &signals)).await??)
}
