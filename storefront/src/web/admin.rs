//! The admin dashboard (issue 9): `GET /admin` (live statistics over server-sent events, see
//! [`super::live`]), `/admin/moderation` (the listing queue with the screening's scores and
//! highlighted reasons; approve or reject one item or many), `/admin/reviews` (the review
//! heatmap: reviews and low ratings by category and week), `/admin/notifications` (the
//! notification audit) and `/admin/users` (users and roles; a change is audited and ends the
//! user's sessions).
//!
//! Admins see everything; moderators see the moderation queue only. A guest is sent to sign
//! in, a staff member without TOTP to turn it on, and anyone else gets 403 `forbidden`. Every
//! form carries the CSRF field ([`super::session::WebForm`]); every decision goes through the
//! same domain functions (and audit records) as the JSON API.

use super::i18n::{T, UiLang};
use super::layout::format_som;
use super::search::decode_query;
use super::session::{Web, WebForm, csrf_field};
use crate::auth::session::change_role;
use crate::auth::{CurrentUser, Role};
use crate::db::accounts::UserId;
use crate::db::{Db, DbResult, dispatch};
use crate::moderation_queue::highlight::highlight_fields;
use crate::moderation_queue::store::QueueFilter;
use crate::moderation_queue::{self, HumanDecision, QueueState};
use crate::{ApiError, AppState};
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use maud::{Markup, html};
use std::collections::{BTreeMap, HashMap};

/// Items shown per page of the queue.
const QUEUE_PAGE: u32 = 20;
/// Weeks in the review heatmap.
const HEATMAP_WEEKS: i64 = 8;
/// Users listed per page.
const USERS_PAGE: i64 = 50;

/// Which part of the dashboards a page belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffArea {
    /// Admins only.
    Admin,
    /// Moderators and admins.
    Moderation,
    /// Sellers.
    Seller,
}

impl StaffArea {
    fn admits(self, role: Role) -> bool {
        match self {
            Self::Admin => role == Role::Admin,
            Self::Moderation => matches!(role, Role::Moderator | Role::Admin),
            Self::Seller => role == Role::Seller,
        }
    }
}

fn encode(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// Admits the page's user to `area`. A guest is redirected to sign in (`pages`) or refused
/// with 401 (the event stream); a staff member without TOTP is sent to turn it on (or refused
/// with 403 `totp_enrollment_required`); any other role gets 403 `forbidden`.
pub fn require_staff(
    web: &Web,
    area: StaffArea,
    pages: bool,
) -> Result<CurrentUser, Box<Response>> {
    let path = web
        .path_and_query
        .split('?')
        .next()
        .unwrap_or("/")
        .to_owned();
    let Some(user) = &web.user else {
        return Err(Box::new(if pages {
            web.redirect(&format!("/signin?next={}", encode(&path)))
        } else {
            web.error_page(&ApiError::unauthorized(
                "unauthenticated",
                web.t(T::SignInFirst),
            ))
        }));
    };
    if !area.admits(user.role) {
        return Err(Box::new(web.error_page(&ApiError::forbidden(
            "forbidden",
            web.t(T::NotYourArea),
        ))));
    }
    if user.totp_enrollment_pending() {
        return Err(Box::new(if pages {
            web.redirect(&format!("/account/2fa?next={}", encode(&path)))
        } else {
            web.error_page(&ApiError::forbidden(
                "totp_enrollment_required",
                web.t(T::TotpRequiredFirst),
            ))
        }));
    }
    Ok(user.clone())
}

/// The dashboards' section links.
pub fn admin_nav(web: &Web, current: &str, role: Role) -> Markup {
    let links: &[(&str, T)] = if role == Role::Admin {
        &[
            ("/admin", T::AdminOverview),
            ("/admin/moderation", T::ModerationQueue),
            ("/admin/reviews", T::ReviewHeatmap),
            ("/admin/notifications", T::NotificationAudit),
            ("/admin/users", T::UsersAndRoles),
        ]
    } else {
        &[("/admin/moderation", T::ModerationQueue)]
    };
    html! {
        nav.subnav aria-label=(web.t(T::AdminDashboard)) {
            ul {
                @for (href, label) in links {
                    li {
                        @if *href == current {
                            a href=(href) aria-current="page" { (web.t(*label)) }
                        } @else {
                            a href=(href) { (web.t(*label)) }
                        }
                    }
                }
            }
        }
    }
}

fn stat(web: &Web, key: &str, label: T, value: i64, som: bool) -> Markup {
    html! {
        div.stat {
            dt { (web.t(label)) }
            @if som {
                dd data-stat=(key) data-format="som" data-unit=(web.t(T::Som)) { (format_som(web.lang, value)) }
            } @else {
                dd data-stat=(key) { (value) }
            }
        }
    }
}

/// `GET /admin`: the overview with live statistics.
pub async fn overview_page(State(state): State<AppState>, web: Web) -> Response {
    let user = match require_staff(&web, StaffArea::Admin, true) {
        Ok(user) => user,
        Err(refusal) => return *refusal,
    };
    let stats = match state.0.db.live_stats(state.0.auth.now()).await {
        Ok(stats) => stats,
        Err(error) => return web.error_page(&ApiError::from(error)),
    };
    let body = html! {
        h1 { (web.t(T::AdminDashboard)) }
        (admin_nav(&web, "/admin", user.role))
        section.live aria-labelledby="live-heading" data-live="/admin/live" {
            h2 #live-heading { (web.t(T::LiveStats)) }
            p.hint #live-status role="status" data-connected=(web.t(T::LiveConnected)) data-lost=(web.t(T::LiveLost)) {
                (web.t(T::LiveWithoutScript))
            }
            dl.stats {
                (stat(&web, "sales_today_tiyin", T::SalesToday, stats.sales_today_tiyin, true))
                (stat(&web, "orders_today", T::OrdersToday, stats.orders_today, false))
                (stat(&web, "paid_today", T::PaidToday, stats.paid_today, false))
                (stat(&web, "reviews_week", T::ReviewsWeek, stats.reviews_week, false))
                (stat(&web, "low_ratings_week", T::LowRatingsWeek, stats.low_ratings_week, false))
                (stat(&web, "complaints_week", T::ComplaintsWeek, stats.complaints_week, false))
                (stat(&web, "held_reviews", T::HeldReviews, stats.held_reviews, false))
                (stat(&web, "open_moderation", T::OpenModeration, stats.open_moderation, false))
            }
            h3 #top-sellers-heading { (web.t(T::TopSellers)) }
            div.table-wrap tabindex="0" role="region" aria-labelledby="top-sellers-heading" {
                table.data {
                    thead { tr {
                        th scope="col" { (web.t(T::Seller)) }
                        th scope="col" { (web.t(T::Orders)) }
                        th scope="col" { (web.t(T::Sales30Days)) }
                    } }
                    tbody #top-sellers data-unit=(web.t(T::Som)) data-empty=(web.t(T::NothingYet)) {
                        @for seller in &stats.top_sellers {
                            tr {
                                td { (seller.name) }
                                td { (seller.orders) }
                                td { (format_som(web.lang, seller.gross_tiyin)) }
                            }
                        }
                        @if stats.top_sellers.is_empty() {
                            tr { td colspan="3" { (web.t(T::NothingYet)) } }
                        }
                    }
                }
            }
        }
        script src=(super::assets::DASH_SCRIPT.path()) defer {}
    };
    web.page(StatusCode::OK, web.t(T::AdminDashboard), body)
}

fn state_label(state: QueueState) -> T {
    match state {
        QueueState::Pending => T::StatePending,
        QueueState::AutoApproved => T::StateAutoApproved,
        QueueState::Flagged => T::StateFlagged,
        QueueState::Appealed => T::StateAppealed,
        QueueState::Approved => T::StateApproved,
        QueueState::Rejected => T::StateRejected,
    }
}

/// Renders `text` with the character ranges `marks` wrapped in `<mark>` (escaped by maud).
pub fn marked_text(text: &str, marks: &[(usize, usize, String)]) -> Markup {
    let chars: Vec<char> = text.chars().collect();
    let mut pieces: Vec<(String, Option<String>)> = Vec::new();
    let mut cursor = 0;
    for (start, end, reason) in marks {
        let (start, end) = ((*start).min(chars.len()), (*end).min(chars.len()));
        if start < cursor || end <= start {
            continue;
        }
        pieces.push((chars[cursor..start].iter().collect(), None));
        pieces.push((chars[start..end].iter().collect(), Some(reason.clone())));
        cursor = end;
    }
    pieces.push((chars[cursor..].iter().collect(), None));
    html! {
        @for (piece, reason) in &pieces {
            @match reason {
                Some(reason) => { mark title=(reason) { (piece) } }
                None => { (piece) }
            }
        }
    }
}

/// Renders a listing's screening reasons (score, code, evidence).
pub fn reasons_list(web: &Web, reasons: &[moderation::Reason]) -> Markup {
    html! {
        @if reasons.is_empty() {
            p.hint { (web.t(T::NoReasons)) }
        } @else {
            ul.reasons {
                @for reason in reasons {
                    li {
                        span.code { (reason.code) }
                        " · " (format!("{:.2}", reason.score)) " · "
                        span.evidence { (reason.evidence) }
                    }
                }
            }
        }
    }
}

/// A highlighted field: its name, its text, and the marked character ranges with their reason.
type Highlight = (String, String, Vec<(usize, usize, String)>);

struct QueueView {
    product_id: i64,
    title: String,
    seller_id: i64,
    state: QueueState,
    revision: i64,
    top_score: f64,
    reasons: Vec<moderation::Reason>,
    highlights: Vec<Highlight>,
    queued_at: DateTime<Utc>,
}

async fn load_queue(
    state: &AppState,
    which: &str,
    page: u32,
) -> Result<(Vec<QueueView>, u64), ApiError> {
    let states: Vec<QueueState> = match which {
        "all" => QueueState::ALL.to_vec(),
        "open" => QueueState::ALL
            .into_iter()
            .filter(|state| state.is_open())
            .collect(),
        other => vec![QueueState::parse(other).ok_or_else(|| {
            ApiError::bad_request("invalid_state", "state must be open, all or a queue state")
        })?],
    };
    let filter = QueueFilter {
        states,
        limit: QUEUE_PAGE,
        offset: u64::from(page.saturating_sub(1)) * u64::from(QUEUE_PAGE),
        ..QueueFilter::default()
    };
    let (rows, total) = state.0.db.moderation_queue(&filter).await?;
    let mut views = Vec::with_capacity(rows.len());
    for row in rows {
        let reasons = row.item.reasons()?;
        let record = state.0.db.product_record(row.item.product_id).await?;
        let fields = record
            .as_ref()
            .map(crate::listings::text_fields)
            .unwrap_or_default();
        let highlights = highlight_fields(&fields, &reasons)
            .into_iter()
            .filter_map(|found| {
                let text = fields
                    .iter()
                    .find(|(name, _)| *name == found.field)
                    .map(|(_, text)| text.clone())?;
                let marks = found
                    .matches
                    .into_iter()
                    .map(|m| (m.start, m.end, m.reason))
                    .collect();
                Some((found.field, text, marks))
            })
            .collect();
        views.push(QueueView {
            product_id: row.item.product_id,
            title: row.title,
            seller_id: row.seller_id,
            state: row.item.state()?,
            revision: row.item.revision,
            top_score: row.item.top_score,
            reasons,
            highlights,
            queued_at: row.item.queued_at,
        });
    }
    Ok((views, total))
}

fn query_value(raw: Option<&str>, name: &str) -> Option<String> {
    decode_query(raw.unwrap_or_default())
        .into_iter()
        .rev()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

/// `GET /admin/moderation?state=open|flagged|…|all&page=`: the listing queue.
pub async fn moderation_page(
    State(state): State<AppState>,
    web: Web,
    RawQuery(raw): RawQuery,
) -> Response {
    let user = match require_staff(&web, StaffArea::Moderation, true) {
        Ok(user) => user,
        Err(refusal) => return *refusal,
    };
    let which = query_value(raw.as_deref(), "state").unwrap_or_else(|| "open".to_owned());
    let page = query_value(raw.as_deref(), "page")
        .and_then(|value| value.parse::<u32>().ok())
        .filter(|page| (1..=1000).contains(page))
        .unwrap_or(1);
    let done = query_value(raw.as_deref(), "done").and_then(|v| v.parse::<u32>().ok());
    let failed = query_value(raw.as_deref(), "failed").and_then(|v| v.parse::<u32>().ok());
    let (items, total) = match load_queue(&state, &which, page).await {
        Ok(found) => found,
        Err(error) => return web.error_page(&error),
    };
    let shown = items
        .iter()
        .map(|item| item.product_id.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let filters: [(&str, T); 5] = [
        ("open", T::QueueOpen),
        ("flagged", T::StateFlagged),
        ("appealed", T::StateAppealed),
        ("rejected", T::StateRejected),
        ("all", T::QueueAll),
    ];
    let pages = total.div_ceil(u64::from(QUEUE_PAGE));
    let body = html! {
        h1 { (web.t(T::ModerationQueue)) }
        (admin_nav(&web, "/admin/moderation", user.role))
        @if let Some(done) = done {
            p.notice role="status" { (web.t(T::DecisionsSaved)) ": " (done)
                @if let Some(failed) = failed.filter(|failed| *failed > 0) { " · " (web.t(T::DecisionsFailed)) ": " (failed) }
            }
        }
        nav.chips-nav aria-label=(web.t(T::Filters)) {
            ul.chips {
                @for (key, label) in filters {
                    li {
                        @if key == which {
                            a href={ "/admin/moderation?state=" (key) } aria-current="page" { (web.t(label)) }
                        } @else {
                            a href={ "/admin/moderation?state=" (key) } { (web.t(label)) }
                        }
                    }
                }
            }
        }
        p.hint { (total) " " (web.t(T::ItemsInQueue)) }
        @if items.is_empty() {
            p { (web.t(T::QueueEmpty)) }
        } @else {
            form.queue-form action="/admin/moderation/decide" method="post" {
                (csrf_field(&web))
                input type="hidden" name="shown" value=(shown);
                input type="hidden" name="back" value=(which);
                fieldset.bulk {
                    legend { (web.t(T::BulkDecision)) }
                    p.hint { (web.t(T::BulkHint)) }
                    label for="bulk-reason" { (web.t(T::DecisionReason)) }
                    input #bulk-reason type="text" name="bulk_reason" maxlength="1000";
                    div.actions {
                        button type="submit" name="bulk" value="approve" { (web.t(T::ApproveSelected)) }
                        button.danger type="submit" name="bulk" value="reject" { (web.t(T::RejectSelected)) }
                    }
                }
                ul.queue {
                    @for item in &items {
                        li.queue-item id={ "item-" (item.product_id) } {
                            div.item-head {
                                @if item.state.is_open() {
                                    input id={ "pick-" (item.product_id) } type="checkbox" name={ "pick_" (item.product_id) } value="1";
                                    label for={ "pick-" (item.product_id) } {
                                        span.visually-hidden { (web.t(T::Select)) ": " }
                                        strong.item-title { (item.title) }
                                    }
                                } @else {
                                    strong.item-title { (item.title) }
                                }
                            }
                            p.meta {
                                span.badge { (web.t(state_label(item.state))) }
                                " #" (item.product_id) " · " (web.t(T::Seller)) " " (item.seller_id)
                                " · " (item.queued_at.format("%Y-%m-%d %H:%M")) " UTC"
                            }
                            p.score {
                                label for={ "score-" (item.product_id) } { (web.t(T::AiScore)) ": " (format!("{:.2}", item.top_score)) }
                                " "
                                meter id={ "score-" (item.product_id) } min="0" max="1" low="0.4" high="0.8" optimum="0" value=(format!("{:.3}", item.top_score)) { (format!("{:.2}", item.top_score)) }
                            }
                            (reasons_list(&web, &item.reasons))
                            @if !item.highlights.is_empty() {
                                dl.highlights {
                                    @for (field, text, marks) in &item.highlights {
                                        dt { (field) }
                                        dd { (marked_text(text, marks)) }
                                    }
                                }
                            }
                            @if item.state.is_open() {
                            input type="hidden" name={ "rev_" (item.product_id) } value=(item.revision);
                            label for={ "reason-" (item.product_id) } { (web.t(T::DecisionReason)) }
                            input id={ "reason-" (item.product_id) } type="text" name={ "reason_" (item.product_id) } maxlength="1000";
                            div.actions {
                                button type="submit" name="one" value={ "approve:" (item.product_id) } aria-label={ (web.t(T::Approve)) ": " (item.title) } { (web.t(T::Approve)) }
                                button.danger type="submit" name="one" value={ "reject:" (item.product_id) } aria-label={ (web.t(T::Reject)) ": " (item.title) } { (web.t(T::Reject)) }
                            }
                            }
                        }
                    }
                }
            }
        }
        @if pages > 1 {
            nav.pages aria-label=(web.t(T::Pages)) {
                @if page > 1 { a href={ "/admin/moderation?state=" (which) "&page=" (page - 1) } { (web.t(T::Previous)) } }
                span { (page) " / " (pages) }
                @if u64::from(page) < pages { a href={ "/admin/moderation?state=" (which) "&page=" (page + 1) } { (web.t(T::Next)) } }
            }
        }
    };
    web.page(StatusCode::OK, web.t(T::ModerationQueue), body)
}

fn parse_decision(raw: &str) -> Option<HumanDecision> {
    match raw {
        "approve" => Some(HumanDecision::Approve),
        "reject" => Some(HumanDecision::Reject),
        _ => None,
    }
}

fn default_reason(lang: UiLang, decision: HumanDecision) -> &'static str {
    match decision {
        HumanDecision::Approve => lang.t(T::ApprovedInDashboard),
        HumanDecision::Reject => lang.t(T::RejectedInDashboard),
    }
}

/// `POST /admin/moderation/decide`: one item (`one=approve:ID`) or the selected ones
/// (`bulk=approve|reject`, `pick_ID`), each with its reason.
pub async fn moderation_decide(State(state): State<AppState>, form: WebForm) -> Response {
    let web = &form.web;
    let user = match require_staff(web, StaffArea::Moderation, true) {
        Ok(user) => user,
        Err(refusal) => return *refusal,
    };
    let back = form
        .get("back")
        .filter(|value| *value == "open" || *value == "all" || QueueState::parse(value).is_some())
        .unwrap_or("open")
        .to_owned();
    let mut chosen: Vec<(i64, HumanDecision, String)> = Vec::new();
    if let Some(one) = form.get("one") {
        let parsed = one
            .split_once(':')
            .and_then(|(decision, id)| Some((parse_decision(decision)?, id.parse::<i64>().ok()?)));
        let Some((decision, id)) = parsed else {
            return web.error_page(&ApiError::bad_request(
                "invalid_decision",
                "one must be approve:ID or reject:ID",
            ));
        };
        let reason = form
            .get(&format!("reason_{id}"))
            .filter(|reason| !reason.is_empty())
            .unwrap_or(default_reason(web.lang, decision))
            .to_owned();
        chosen.push((id, decision, reason));
    } else {
        let Some(decision) = form.get("bulk").and_then(parse_decision) else {
            return web.error_page(&ApiError::bad_request(
                "invalid_decision",
                "bulk must be approve or reject",
            ));
        };
        let reason = form
            .get("bulk_reason")
            .filter(|reason| !reason.is_empty())
            .unwrap_or(default_reason(web.lang, decision))
            .to_owned();
        for id in form
            .get("shown")
            .unwrap_or_default()
            .split(',')
            .filter_map(|id| id.trim().parse::<i64>().ok())
            .take(moderation_queue::MAX_BULK)
        {
            if form.get(&format!("pick_{id}")).is_some() {
                chosen.push((id, decision, reason.clone()));
            }
        }
        if chosen.is_empty() {
            return web.error_page(&ApiError::bad_request(
                "nothing_selected",
                web.t(T::NothingSelected),
            ));
        }
    }
    let single = chosen.len() == 1 && form.get("one").is_some();
    let (mut done, mut failed) = (0u32, 0u32);
    for (id, decision, reason) in chosen {
        let reason = match moderation_queue::validate_note(&reason, "invalid_reason", "reason") {
            Ok(reason) => reason,
            Err(error) => return web.error_page(&error),
        };
        let revision = form
            .get(&format!("rev_{id}"))
            .and_then(|value| value.parse::<i64>().ok());
        match moderation_queue::decide(&state, &web.meta, &user, id, decision, &reason, revision)
            .await
        {
            Ok(_) => done += 1,
            Err(error) if single => return web.error_page(&error),
            Err(error) => {
                tracing::info!(
                    product_id = id,
                    code = error.code,
                    "bulk decision on {id} refused"
                );
                failed += 1;
            }
        }
    }
    web.redirect(&format!(
        "/admin/moderation?state={back}&done={done}&failed={failed}"
    ))
}

/// A review of the heatmap: its product's category, when, and the rating.
#[derive(Debug, Clone, sqlx::FromRow)]
struct HeatRow {
    category_id: i64,
    created_at: DateTime<Utc>,
    rating: i64,
}

/// A user as the users page lists them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserListRow {
    /// Id.
    pub id: i64,
    /// Email.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Role.
    pub role: String,
    /// The shop of a seller.
    pub seller_id: Option<i64>,
    /// TOTP on.
    pub totp_enabled: bool,
    /// Created.
    pub created_at: DateTime<Utc>,
}

/// A role change from the audit log.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RoleChangeRow {
    /// When.
    pub at: DateTime<Utc>,
    /// The admin.
    pub actor_user_id: Option<i64>,
    /// The user.
    pub target_user_id: Option<i64>,
    /// `{"from","to"}`.
    pub details: String,
}

impl Db {
    async fn heatmap_rows(&self, since: DateTime<Utc>) -> DbResult<Vec<HeatRow>> {
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_as::<_, HeatRow>(
                "SELECT p.category_id, r.created_at, CAST(r.rating AS BIGINT) AS rating \
                 FROM reviews r JOIN products p ON p.id = r.product_id \
                 WHERE r.created_at >= $1 ORDER BY r.id",
            )
            .bind(since)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Lists users (not children), newest first: of `role` when given, whose email or phone
    /// contains `text` when given.
    pub async fn list_users_for_admin(
        &self,
        role: Option<&str>,
        text: Option<&str>,
        limit: i64,
    ) -> DbResult<Vec<UserListRow>> {
        let pattern = text.map(|text| {
            format!(
                "%{}%",
                text.to_lowercase()
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            )
        });
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_as::<_, UserListRow>(
                "SELECT id, email, phone, role, seller_id, totp_enabled, created_at FROM users \
                 WHERE role <> 'child' AND ($1 IS NULL OR role = $1) \
                 AND ($2 IS NULL OR email LIKE $2 ESCAPE '\\' OR phone LIKE $2 ESCAPE '\\') \
                 ORDER BY id DESC LIMIT $3",
            )
            .bind(role)
            .bind(pattern)
            .bind(limit)
            .fetch_all(pool)
            .await?
        }))
    }

    /// The newest role changes from the audit log.
    pub async fn recent_role_changes(&self, limit: i64) -> DbResult<Vec<RoleChangeRow>> {
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_as::<_, RoleChangeRow>(
                "SELECT at, actor_user_id, target_user_id, CAST(details AS TEXT) AS details \
                 FROM audit_log WHERE action = 'role_changed' ORDER BY id DESC LIMIT $1",
            )
            .bind(limit)
            .fetch_all(pool)
            .await?
        }))
    }
}

/// The Monday (Tashkent) starting the week of `at`.
fn week_of(at: DateTime<Utc>) -> NaiveDate {
    let day = at
        .with_timezone(&crate::seller_sales::tashkent())
        .date_naive();
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// One heatmap cell: reviews and those rated 1 or 2.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HeatCell {
    /// Reviews.
    pub reviews: i64,
    /// Rated 1 or 2.
    pub low: i64,
}

impl HeatCell {
    /// The cell's shade 0–4: by the share of low ratings (0 without reviews).
    pub fn level(self) -> u8 {
        if self.reviews == 0 {
            return 0;
        }
        let share = self.low as f64 / self.reviews as f64;
        match share {
            share if share >= 0.5 => 4,
            share if share >= 0.3 => 3,
            share if share >= 0.15 => 2,
            _ => 1,
        }
    }
}

/// `GET /admin/reviews`: reviews and low ratings by top-level category and week.
pub async fn reviews_page(State(state): State<AppState>, web: Web) -> Response {
    let user = match require_staff(&web, StaffArea::Admin, true) {
        Ok(user) => user,
        Err(refusal) => return *refusal,
    };
    let now = state.0.auth.now();
    let this_week = week_of(now);
    let weeks: Vec<NaiveDate> = (0..HEATMAP_WEEKS)
        .rev()
        .map(|back| this_week - Duration::weeks(back))
        .collect();
    let since = now - Duration::weeks(HEATMAP_WEEKS);
    let rows = match state.0.db.heatmap_rows(since).await {
        Ok(rows) => rows,
        Err(error) => return web.error_page(&ApiError::from(error)),
    };
    let catalog = state.0.catalog();
    let root_of = |mut id: i64| {
        for _ in 0..16 {
            match catalog
                .categories
                .get(&(id as u64))
                .and_then(|row| row.parent_id)
            {
                Some(parent) => id = parent,
                None => break,
            }
        }
        id
    };
    let mut grid: BTreeMap<i64, HashMap<NaiveDate, HeatCell>> = BTreeMap::new();
    for row in &rows {
        let week = week_of(row.created_at);
        if week < weeks[0] {
            continue;
        }
        let cell = grid
            .entry(root_of(row.category_id))
            .or_default()
            .entry(week)
            .or_default();
        cell.reviews += 1;
        if row.rating <= 2 {
            cell.low += 1;
        }
    }
    let lang = web.lang.engine_lang();
    let name_of = |id: i64| {
        catalog
            .categories
            .get(&(id as u64))
            .map(|row| crate::catalog::category_row_name(row, lang).to_owned())
            .unwrap_or_else(|| format!("#{id}"))
    };
    let body = html! {
        h1 { (web.t(T::ReviewHeatmap)) }
        (admin_nav(&web, "/admin/reviews", user.role))
        p.hint { (web.t(T::HeatmapHint)) }
        ul.legend aria-label=(web.t(T::Legend)) {
            @for (level, label) in [(1u8, "< 15 %"), (2, "15–30 %"), (3, "30–50 %"), (4, "≥ 50 %")] {
                li { span class={ "swatch heat-" (level) } aria-hidden="true" {} (web.t(T::LowShare)) " " (label) }
            }
        }
        @if grid.is_empty() {
            p { (web.t(T::NoReviewsYet)) }
        } @else {
            div.table-wrap tabindex="0" role="region" aria-labelledby="heatmap-caption" {
                table.heatmap {
                    caption #heatmap-caption { (web.t(T::HeatmapCaption)) }
                    thead { tr {
                        th scope="col" { (web.t(T::Category)) }
                        @for week in &weeks { th scope="col" { (week.format("%d.%m")) } }
                    } }
                    tbody {
                        @for (category, cells) in &grid {
                            tr {
                                th scope="row" { (name_of(*category)) }
                                @for week in &weeks {
                                    @let cell = cells.get(week).copied().unwrap_or_default();
                                    td class={ "heat-" (cell.level()) } {
                                        (cell.reviews)
                                        @if cell.low > 0 { " " span.low { "(" (cell.low) " " (web.t(T::LowShort)) ")" } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    web.page(StatusCode::OK, web.t(T::ReviewHeatmap), body)
}

/// `GET /admin/notifications?status=&channel=&event=&user_id=`: the notification audit.
pub async fn notifications_page(
    State(state): State<AppState>,
    web: Web,
    RawQuery(raw): RawQuery,
) -> Response {
    let user = match require_staff(&web, StaffArea::Admin, true) {
        Ok(user) => user,
        Err(refusal) => return *refusal,
    };
    let pairs: Vec<(String, String)> = decode_query(raw.as_deref().unwrap_or_default())
        .into_iter()
        .filter(|(key, value)| {
            !value.trim().is_empty()
                && ["status", "channel", "event", "user_id"].contains(&key.as_str())
        })
        .collect();
    let filter_query = pairs
        .iter()
        .map(|(key, value)| format!("{key}={}", encode(value.trim())))
        .collect::<Vec<_>>()
        .join("&");
    let selected = |name: &str| {
        pairs
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.trim().to_owned())
            .unwrap_or_default()
    };
    let rows = match crate::routes::admin_notifications::parse_filter(Some(filter_query.as_str())) {
        Ok(filter) => match crate::notify::queue::search(&state.0.db, &filter).await {
            Ok(rows) => rows,
            Err(error) => return web.error_page(&ApiError::from(error)),
        },
        Err(error) => return web.error_page(&error),
    };
    let entries: Vec<crate::routes::admin_notifications::AuditEntry> =
        rows.into_iter().map(Into::into).collect();
    let (status, channel, event, user_id) = (
        selected("status"),
        selected("channel"),
        selected("event"),
        selected("user_id"),
    );
    let body = html! {
        h1 { (web.t(T::NotificationAudit)) }
        (admin_nav(&web, "/admin/notifications", user.role))
        form.filters-row action="/admin/notifications" method="get" {
            div {
                label for="n-status" { (web.t(T::Status)) }
                select #n-status name="status" {
                    option value="" { (web.t(T::Any)) }
                    @for value in ["queued", "running", "delivered", "dead"] {
                        option value=(value) selected[status == value] { (value) }
                    }
                }
            }
            div {
                label for="n-channel" { (web.t(T::Channel)) }
                select #n-channel name="channel" {
                    option value="" { (web.t(T::Any)) }
                    @for value in ["email", "sms", "push"] {
                        option value=(value) selected[channel == value] { (value) }
                    }
                }
            }
            div {
                label for="n-event" { (web.t(T::EventKind)) }
                input #n-event type="text" name="event" value=(event) maxlength="64";
            }
            div {
                label for="n-user" { (web.t(T::UserId)) }
                input #n-user type="number" name="user_id" value=(user_id) min="1";
            }
            button type="submit" { (web.t(T::Apply)) }
        }
        @if entries.is_empty() {
            p { (web.t(T::NothingYet)) }
        } @else {
            div.table-wrap tabindex="0" role="region" aria-labelledby="audit-caption" {
                table.data {
                    caption #audit-caption { (web.t(T::NotificationAudit)) }
                    thead { tr {
                        th scope="col" { "#" }
                        th scope="col" { (web.t(T::EventKind)) }
                        th scope="col" { (web.t(T::Channel)) }
                        th scope="col" { (web.t(T::Recipient)) }
                        th scope="col" { (web.t(T::Language)) }
                        th scope="col" { (web.t(T::Status)) }
                        th scope="col" { (web.t(T::Attempts)) }
                        th scope="col" { (web.t(T::Date)) }
                        th scope="col" { (web.t(T::LastError)) }
                    } }
                    tbody {
                        @for entry in &entries {
                            tr {
                                td { (entry.id) }
                                td { (entry.event) }
                                td { (entry.channel) }
                                td { (entry.recipient) }
                                td { (entry.language) }
                                td { span class={ "status status-" (entry.status) } { (entry.status) } }
                                td { (entry.attempts) "/" (entry.max_attempts) }
                                td.date { (entry.created_at.get(..16).unwrap_or(entry.created_at.as_str())) }
                                td { (entry.last_error.as_deref().unwrap_or("—")) }
                            }
                        }
                    }
                }
            }
        }
    };
    web.page(StatusCode::OK, web.t(T::NotificationAudit), body)
}

fn parse_details(details: &str) -> serde_json::Value {
    serde_json::from_str(details).unwrap_or_default()
}

fn role_label(role: &str) -> T {
    match Role::parse(role) {
        Some(Role::Child) => T::RoleChild,
        Some(Role::Parent) => T::RoleParent,
        Some(Role::Seller) => T::RoleSeller,
        Some(Role::Moderator) => T::RoleModerator,
        Some(Role::Admin) | None => T::RoleAdmin,
    }
}

/// Roles an admin may give.
const GRANTABLE: [Role; 4] = [Role::Parent, Role::Seller, Role::Moderator, Role::Admin];

/// `GET /admin/users?role=&q=`: users and their roles, with the role changes of the audit log.
pub async fn users_page(
    State(state): State<AppState>,
    web: Web,
    RawQuery(raw): RawQuery,
) -> Response {
    let admin = match require_staff(&web, StaffArea::Admin, true) {
        Ok(user) => user,
        Err(refusal) => return *refusal,
    };
    let role = query_value(raw.as_deref(), "role").filter(|role| Role::parse(role).is_some());
    let text =
        query_value(raw.as_deref(), "q").map(|text| text.chars().take(100).collect::<String>());
    let changed = query_value(raw.as_deref(), "changed");
    let db = &state.0.db;
    let users = match db
        .list_users_for_admin(role.as_deref(), text.as_deref(), USERS_PAGE)
        .await
    {
        Ok(users) => users,
        Err(error) => return web.error_page(&ApiError::from(error)),
    };
    let changes = match db.recent_role_changes(20).await {
        Ok(changes) => changes,
        Err(error) => return web.error_page(&ApiError::from(error)),
    };
    let body = html! {
        h1 { (web.t(T::UsersAndRoles)) }
        (admin_nav(&web, "/admin/users", admin.role))
        @if let Some(changed) = &changed {
            p.notice role="status" { (web.t(T::RoleChanged)) " #" (changed) }
        }
        form.filters-row action="/admin/users" method="get" role="search" {
            div {
                label for="u-q" { (web.t(T::EmailOrPhone)) }
                input #u-q type="search" name="q" value=(text.clone().unwrap_or_default()) maxlength="100";
            }
            div {
                label for="u-role" { (web.t(T::Role)) }
                select #u-role name="role" {
                    option value="" { (web.t(T::Any)) }
                    @for option in GRANTABLE {
                        option value=(option.as_str()) selected[role.as_deref() == Some(option.as_str())] { (web.t(role_label(option.as_str()))) }
                    }
                }
            }
            button type="submit" { (web.t(T::SearchButton)) }
        }
        div.table-wrap tabindex="0" role="region" aria-labelledby="users-caption" {
            table.data.users {
                caption #users-caption { (web.t(T::UsersAndRoles)) }
                thead { tr {
                    th scope="col" { "#" }
                    th scope="col" { (web.t(T::EmailOrPhone)) }
                    th scope="col" { (web.t(T::Role)) }
                    th scope="col" { (web.t(T::TwoStep)) }
                    th scope="col" { (web.t(T::Date)) }
                    th scope="col" { (web.t(T::ChangeRole)) }
                } }
                tbody {
                    @for user in &users {
                        @let contact = user.email.clone().or(user.phone.clone()).unwrap_or_default();
                        tr {
                            td { (user.id) }
                            td.contact { (contact) }
                            td { (web.t(role_label(&user.role)))
                                @if let Some(shop) = user.seller_id { " (" (web.t(T::Shop)) " " (shop) ")" } }
                            td { @if user.totp_enabled { (web.t(T::On)) } @else { (web.t(T::Off)) } }
                            td.date { (user.created_at.format("%Y-%m-%d")) }
                            td {
                                @if user.id == admin.id.0 {
                                    span.hint { (web.t(T::You)) }
                                } @else {
                                    form.inline action={ "/admin/users/" (user.id) "/role" } method="post" {
                                        (csrf_field(&web))
                                        label.visually-hidden for={ "role-" (user.id) } { (web.t(T::Role)) " " (contact) }
                                        select id={ "role-" (user.id) } name="role" {
                                            @for option in GRANTABLE {
                                                option value=(option.as_str()) selected[user.role == option.as_str()] { (web.t(role_label(option.as_str()))) }
                                            }
                                        }
                                        button.secondary type="submit" aria-label={ (web.t(T::Save)) ": " (contact) } { (web.t(T::Save)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 #role-log { (web.t(T::RoleChangesLog)) }
        @if changes.is_empty() {
            p { (web.t(T::NothingYet)) }
        } @else {
            ul.log aria-labelledby="role-log" {
                @for change in &changes {
                    @let details = parse_details(&change.details);
                    li {
                        (change.at.format("%Y-%m-%d %H:%M")) " UTC · "
                        (web.t(T::UserId)) " " (change.target_user_id.unwrap_or_default()) ": "
                        (details["from"].as_str().map(|role| web.t(role_label(role))).unwrap_or("?"))
                        " → "
                        (details["to"].as_str().map(|role| web.t(role_label(role))).unwrap_or("?"))
                        " · " (web.t(T::ByAdmin)) " " (change.actor_user_id.unwrap_or_default())
                    }
                }
            }
        }
    };
    web.page(StatusCode::OK, web.t(T::UsersAndRoles), body)
}

/// `POST /admin/users/{id}/role`: `role`; audited (`role_changed`), the user's sessions end.
pub async fn change_role_submit(
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: WebForm,
) -> Response {
    let web = &form.web;
    let admin = match require_staff(web, StaffArea::Admin, true) {
        Ok(user) => user,
        Err(refusal) => return *refusal,
    };
    let Some(target) = id.parse::<i64>().ok().filter(|id| *id > 0) else {
        return web.error_page(&ApiError::not_found(
            "user_not_found",
            format!("user {id} does not exist"),
        ));
    };
    let Some(role) = form.get("role").and_then(Role::parse) else {
        return web.error_page(&ApiError::bad_request(
            "invalid_role",
            "role must be parent, seller, moderator or admin",
        ));
    };
    match change_role(&state, &web.meta, &admin, UserId(target), role).await {
        Ok(_) => web.redirect(&format!("/admin/users?changed={target}")),
        Err(error) => web.error_page(&error.api_error()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heat_levels_follow_the_share_of_low_ratings() {
        let cell = |reviews, low| HeatCell { reviews, low };
        assert_eq!(cell(0, 0).level(), 0);
        assert_eq!(cell(10, 0).level(), 1);
        assert_eq!(cell(10, 2).level(), 2);
        assert_eq!(cell(10, 3).level(), 3);
        assert_eq!(cell(4, 2).level(), 4);
    }

    #[test]
    fn marks_wrap_the_matched_characters_and_escape_the_rest() {
        let html = marked_text(
            "Вейп <b>x</b> вейп",
            &[
                (0, 4, "lexicon_tobacco".to_owned()),
                (14, 18, "lexicon_tobacco".to_owned()),
            ],
        )
        .into_string();
        assert_eq!(
            html,
            "<mark title=\"lexicon_tobacco\">Вейп</mark> &lt;b&gt;x&lt;/b&gt; \
             <mark title=\"lexicon_tobacco\">вейп</mark>"
        );
    }

    #[test]
    fn weeks_start_on_monday_in_tashkent() {
        use chrono::TimeZone;
        // Sunday 2026-12-06 21:00 UTC is Monday 02:00 in Tashkent.
        let at = Utc.with_ymd_and_hms(2026, 12, 6, 21, 0, 0).unwrap();
        assert_eq!(week_of(at), NaiveDate::from_ymd_opt(2026, 12, 7).unwrap());
        let at = Utc.with_ymd_and_hms(2026, 12, 6, 12, 0, 0).unwrap();
        assert_eq!(week_of(at), NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
    }
}
