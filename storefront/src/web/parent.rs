//! The parent panel (`/parent`): the parent's children and their settings, the purchase
//! requests to approve or decline, each child's activity (from the family dashboard: searches,
//! refused searches, spending against the limits, screen time today), the kids'-mode PIN, and
//! consent and privacy (the export download, erasing a child or the whole account with the
//! password).
//!
//! Forms: `POST /parent/children` (a new child profile), `POST /parent/children/{id}/consent`
//! (the consent that activates it), `POST /parent/children/{id}/controls`,
//! `POST /parent/children/{id}/erase`,
//! `POST /parent/requests/{id}/approve` and `…/decline`, `POST /parent/pin`,
//! `POST /parent/erase`. Each calls the same domain functions (and writes the same audit
//! events) as the JSON API. Another family's child or request is 404, like the API.

use super::i18n::T;
use super::kids::{avatar_name, avatar_picture};
use super::layout::format_som;
use super::session::{Web, WebForm, csrf_field, with_error_code};
use crate::auth::family::{
    AGE_BANDS, AVATARS, CURRENT_NOTICE_VERSION, ChildInput, create_child, reauthenticate,
    record_consent,
};
use crate::auth::{CurrentUser, Role, audit, cookies, ensure_owner};
use crate::commerce::dashboard::{ChildDashboard, LoggedSearch};
use crate::commerce::family::{
    self, ApprovalMode, ChildSearchMode, Decision, ParentalControls, PurchaseRequestView,
};
use crate::db::accounts::{ChildId, ChildRow};
use crate::routes::orders::parse_path_id;
use crate::{ApiError, AppState};
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Datelike, Months};
use maud::{Markup, html};
use serde_json::json;

/// Searches shown per child.
const SEARCHES_SHOWN: usize = 10;

/// The signed-in parent, or the response that sends anyone else away.
fn parent_of_page<'a>(web: &'a Web, next: &str) -> Result<&'a CurrentUser, Box<Response>> {
    match &web.user {
        Some(user) if user.role == Role::Parent => Ok(user),
        Some(_) => Err(Box::new(web.error_page(&ApiError::forbidden(
            "parents_only",
            web.t(T::ParentOnly),
        )))),
        None => Err(Box::new(web.redirect(&format!("/signin?next={next}")))),
    }
}

/// The signed-in parent and their own child `raw`, or the page that answers anyone else
/// (sign-in, 403, or 404 for another family's child).
async fn parent_and_child<'a>(
    state: &AppState,
    web: &'a Web,
    raw: &str,
) -> Result<(&'a CurrentUser, ChildRow), Box<Response>> {
    let parent = parent_of_page(web, "/parent")?;
    let child = own_child(state, parent, raw)
        .await
        .map_err(|error| Box::new(web.error_page(&error)))?;
    Ok((parent, child))
}

/// The parent's own child `raw`, or 404 (another family's child looks like a missing one).
async fn own_child(state: &AppState, user: &CurrentUser, raw: &str) -> Result<ChildRow, ApiError> {
    let not_found =
        || ApiError::not_found("child_not_found", format!("child {raw} does not exist"));
    let id = ChildId(parse_path_id(raw, "child_not_found", "child")?);
    let child = state.0.db.child_by_id(id).await?.ok_or_else(not_found)?;
    ensure_owner(user, child.parent_user_id, not_found)?;
    Ok(child)
}

fn som_or_none(web: &Web, tiyin: Option<i64>) -> String {
    tiyin.map_or_else(
        || web.t(T::NoLimit).to_owned(),
        |tiyin| format_som(web.lang, tiyin),
    )
}

fn request_status(web: &Web, status: &str) -> &'static str {
    match status {
        "pending" => web.t(T::RequestPending),
        "approved" => web.t(T::RequestApproved),
        "declined" => web.t(T::RequestDeclined),
        _ => web.t(T::StatusExpired),
    }
}

fn notice_of(raw: Option<&str>) -> Option<T> {
    let pairs = crate::routes::search::decode_pairs(raw.unwrap_or_default()).unwrap_or_default();
    let done = pairs
        .into_iter()
        .rev()
        .find(|(key, _)| key == "done")
        .map(|(_, value)| value)?;
    match done.as_str() {
        "saved" => Some(T::Saved),
        "child_added" => Some(T::ChildAdded),
        "consent" => Some(T::ConsentGiven),
        "pin" => Some(T::PinSaved),
        "approved" => Some(T::RequestApproved),
        "declined" => Some(T::RequestDeclined),
        "erased" => Some(T::Deleted),
        _ => None,
    }
}

/// `GET /parent`.
pub async fn parent_page(
    State(state): State<AppState>,
    web: Web,
    RawQuery(raw): RawQuery,
) -> Response {
    let parent = match parent_of_page(&web, "/parent") {
        Ok(parent) => parent,
        Err(response) => return *response,
    };
    match render_panel(&state, &web, parent, notice_of(raw.as_deref()), None, None).await {
        Ok(response) => response,
        Err(error) => web.error_page(&error),
    }
}

/// The add-a-child form as last sent, shown again with its translated error.
struct ChildDraft<'a> {
    nickname: &'a str,
    age_band: &'a str,
    birth_year_month: &'a str,
    avatar: &'a str,
    error: &'static str,
}

/// Renders the panel; `draft` is a refused add-a-child form (the page is then a 400).
async fn render_panel(
    state: &AppState,
    web: &Web,
    parent: &CurrentUser,
    notice: Option<T>,
    error: Option<(StatusCode, String)>,
    draft: Option<&ChildDraft<'_>>,
) -> Result<Response, ApiError> {
    let children = state.0.db.children_of(parent.id).await?;
    let dashboard =
        crate::commerce::dashboard::dashboard(&state.0.db, parent.id, state.0.auth.now()).await?;
    let requests = family::list_requests(&state.0.db, parent.id).await?;
    let mut request_rows = Vec::new();
    for request in requests.iter().take(50) {
        // The parent sees their children's orders; the titles say what was asked for.
        let titles =
            match crate::commerce::orders::get_for_buyer(&state.0.db, parent.id, request.order_id)
                .await
            {
                Ok(order) => order
                    .lines
                    .iter()
                    .map(|line| format!("{} × {}", line.title, line.quantity))
                    .collect::<Vec<_>>()
                    .join(", "),
                Err(_) => String::new(),
            };
        request_rows.push((request, titles));
    }
    let nickname = |id: Option<ChildId>| {
        children
            .iter()
            .find(|child| Some(child.id) == id)
            .map_or_else(String::new, |child| child.nickname.clone())
    };
    let has_pin = state
        .0
        .db
        .user_by_id(parent.id)
        .await?
        .is_some_and(|row| row.pin_hash.is_some());
    let status = match (&error, draft) {
        (Some((status, _)), _) => *status,
        (None, Some(_)) => StatusCode::BAD_REQUEST,
        (None, None) => StatusCode::OK,
    };
    let body = html! {
        h1 { (web.t(T::ParentPanel)) }
        @if let Some(notice) = notice { p.notice role="status" { (web.t(notice)) } }
        @if let Some((_, message)) = &error { p.error role="alert" { (message) } }
        nav.jump-links aria-label=(web.t(T::ParentPanel)) {
            a href="#requests" { (web.t(T::PurchaseRequests)) }
            a href="#children" { (web.t(T::Children)) }
            a href="#activity" { (web.t(T::Activity)) }
            a href="#pin" { (web.t(T::Pin)) }
            a href="#privacy" { (web.t(T::Privacy)) }
        }
        section #requests aria-labelledby="requests-heading" {
            h2 #requests-heading { (web.t(T::PurchaseRequests)) }
            @if request_rows.is_empty() {
                p { (web.t(T::NoRequests)) }
            } @else {
                ul.requests {
                    @for (request, titles) in &request_rows {
                        li.request data-request=(request.id) data-status=(request.status) {
                            p {
                                strong { (nickname(request.child_id)) }
                                " · " (request_status(web, &request.status))
                                " · " (format_som(web.lang, request.total_tiyin))
                            }
                            @if !titles.is_empty() { p.hint { (titles) } }
                            p.hint { (web.t(T::Date)) ": " (request.created_at.format("%Y-%m-%d %H:%M")) " UTC" }
                            @if request.status == "pending" {
                                div.decide {
                                    form.inline action={ "/parent/requests/" (request.id) "/approve" } method="post" {
                                        (csrf_field(web))
                                        button type="submit" aria-label={ (web.t(T::ApproveRequest)) ": " (nickname(request.child_id)) ", " (titles) } { (web.t(T::ApproveRequest)) }
                                    }
                                    form.inline action={ "/parent/requests/" (request.id) "/decline" } method="post" {
                                        (csrf_field(web))
                                        button.secondary type="submit" aria-label={ (web.t(T::Decline)) ": " (nickname(request.child_id)) ", " (titles) } { (web.t(T::Decline)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        section #children aria-labelledby="children-heading" {
            h2 #children-heading { (web.t(T::Children)) }
            @if children.is_empty() {
                p { (web.t(T::NoChildren)) }
            } @else {
                ul.children {
                    @for child in &children {
                        li.child-card id={ "child-" (child.id.0) } {
                            span.avatar aria-hidden="true" { (avatar_picture(&child.avatar)) }
                            div {
                                p { strong { (child.nickname) } }
                                p.hint {
                                    @if child.status == "active" { (web.t(T::ConsentRecorded)) } @else { (web.t(T::ChildStatusPending)) }
                                }
                            }
                            a.button href={ "/parent/children/" (child.id.0) } aria-label={ (web.t(T::Settings)) ": " (child.nickname) } { (web.t(T::Settings)) }
                        }
                    }
                }
                p { a.button.secondary href="/kids" { (web.t(T::StartKidsMode)) } }
            }
            (add_child_form(web, draft, state.0.auth.now().date_naive()))
        }
        section #activity aria-labelledby="activity-heading" {
            h2 #activity-heading { (web.t(T::Activity)) }
            @for child in &dashboard.children { (activity(web, child)) }
        }
        section #pin aria-labelledby="pin-heading" {
            h2 #pin-heading { (web.t(T::Pin)) }
            form.stack action="/parent/pin" method="post" {
                (csrf_field(web))
                p.hint { @if has_pin { (web.t(T::PinSaved)) } @else { (web.t(T::KidsNeedPin)) } }
                label for="new-pin" { (web.t(T::Pin)) }
                input #new-pin type="password" name="pin" inputmode="numeric" pattern="[0-9]{4,8}" minlength="4" maxlength="8" required autocomplete="off" aria-describedby="pin-hint";
                p.hint #pin-hint { (web.t(T::PinHint)) }
                label for="pin-password" { (web.t(T::CurrentPassword)) }
                input #pin-password type="password" name="password" required autocomplete="current-password" maxlength="128";
                button type="submit" { (web.t(T::SetPin)) }
            }
        }
        section #privacy aria-labelledby="privacy-heading" {
            h2 #privacy-heading { (web.t(T::Privacy)) }
            p { a.button.secondary href="/api/v1/account/export" download="bolajon-export.json" { (web.t(T::ExportData)) } }
            form.stack action="/parent/erase" method="post" {
                (csrf_field(web))
                h3 { (web.t(T::DeleteAccount)) }
                p.hint { (web.t(T::DeleteWarning)) }
                label for="erase-password" { (web.t(T::CurrentPassword)) }
                input #erase-password type="password" name="password" required autocomplete="current-password" maxlength="128";
                button.danger type="submit" { (web.t(T::DeleteAccount)) }
            }
        }
    };
    Ok(web.page(status, web.t(T::ParentPanel), body))
}

/// The form that adds a child profile: a nickname, an age band or a birth month, and a stock
/// picture (the minimum the API asks for; no photo or full name).
fn add_child_form(web: &Web, draft: Option<&ChildDraft<'_>>, today: chrono::NaiveDate) -> Markup {
    let month = |date: chrono::NaiveDate| format!("{:04}-{:02}", date.year(), date.month());
    // The API takes a birth month within the last 18 years, not in the future.
    let earliest = today
        .checked_sub_months(Months::new(18 * 12 - 1))
        .map(month)
        .unwrap_or_default();
    let (nickname, age_band, birth_year_month, avatar) = draft.map_or(
        ("", "", "", AVATARS.first().copied().unwrap_or_default()),
        |draft| {
            (
                draft.nickname,
                draft.age_band,
                draft.birth_year_month,
                draft.avatar,
            )
        },
    );
    let error = draft.map(|draft| draft.error);
    html! {
        form.stack.add-child #add-child action="/parent/children#add-child" method="post" aria-labelledby="add-child-heading" {
            (csrf_field(web))
            h3 #add-child-heading { (web.t(T::AddChild)) }
            p.hint { (web.t(T::AddChildHint)) }
            @if let Some(error) = error { p.error #add-child-error role="alert" { (error) } }
            label for="child-nickname" { (web.t(T::ChildNickname)) }
            input #child-nickname type="text" name="nickname" value=(nickname) required maxlength="32" autocomplete="off"
                aria-describedby=[error.map(|_| "add-child-error")];
            fieldset {
                legend { (web.t(T::ChildAge)) }
                p.hint #child-age-hint { (web.t(T::AgeOneOfHint)) }
                label for="child-age-band" { (web.t(T::AgeBandYears)) }
                select #child-age-band name="age_band" aria-describedby="child-age-hint" {
                    option value="" selected[age_band.is_empty()] { "—" }
                    @for band in AGE_BANDS {
                        option value=(band) selected[age_band == *band] { (band.replace('-', "–")) }
                    }
                }
                label for="child-birth-month" { (web.t(T::BirthMonthInstead)) }
                input #child-birth-month type="month" name="birth_year_month" value=(birth_year_month)
                    min=(earliest) max=(month(today)) aria-describedby="child-age-hint";
            }
            fieldset {
                legend { (web.t(T::ChildPicture)) }
                div.avatar-choices {
                    @for choice in AVATARS {
                        label.avatar-choice {
                            input type="radio" name="avatar" value=(choice) checked[avatar == *choice];
                            span.avatar aria-hidden="true" { (avatar_picture(choice)) }
                            @if let Some(name) = avatar_name(choice) { (web.t(name)) }
                        }
                    }
                }
            }
            button type="submit" { (web.t(T::AddChild)) }
        }
    }
}

fn searches(web: &Web, list: &[LoggedSearch], heading: T, id: &str) -> Markup {
    html! {
        h4 id=(id) { (web.t(heading)) }
        @if list.is_empty() {
            p.hint { (web.t(T::NoSearches)) }
        } @else {
            ul.searches aria-labelledby=(id) {
                @for search in list.iter().take(SEARCHES_SHOWN) {
                    li {
                        (search.query)
                        span.hint { " · " (search.at.format("%m-%d %H:%M")) }
                        @if search.blocked != 0 { " " span.badge.warn-badge { (search.reason) } }
                    }
                }
            }
        }
    }
}

fn activity(web: &Web, child: &ChildDashboard) -> Markup {
    let controls = &child.controls;
    let id = child.child_id.0;
    html! {
        article.activity aria-labelledby={ "activity-" (id) } {
            h3 id={ "activity-" (id) } { (child.nickname) }
            dl.figures {
                div { dt { (web.t(T::SpentToday)) } dd { (format_som(web.lang, child.spent_today_tiyin)) " / " (som_or_none(web, controls.daily_limit_tiyin)) } }
                div { dt { (web.t(T::SpentMonth)) } dd { (format_som(web.lang, child.spent_month_tiyin)) " / " (som_or_none(web, controls.monthly_limit_tiyin)) } }
                div { dt { (web.t(T::ScreenToday)) } dd {
                    (child.screen_seconds_today / 60) " " (web.t(T::Minutes))
                    " / "
                    @match controls.daily_screen_minutes {
                        Some(minutes) => { (minutes) " " (web.t(T::Minutes)) }
                        None => { (web.t(T::NoLimit)) }
                    }
                } }
            }
            div.two-columns {
                div { (searches(web, &child.searches, T::Searches, &format!("searches-{id}"))) }
                div { (searches(web, &child.blocked_searches, T::BlockedSearches, &format!("blocked-{id}"))) }
            }
        }
    }
}

fn minute_to_time(minute: Option<i64>) -> String {
    minute.map_or_else(String::new, |minute| {
        let minute = minute.clamp(0, 1439);
        format!("{:02}:{:02}", minute / 60, minute % 60)
    })
}

fn so_m(tiyin: Option<i64>) -> String {
    tiyin.map_or_else(String::new, |tiyin| (tiyin / 100).to_string())
}

/// `GET /parent/children/{id}`: the child's settings and privacy.
pub async fn child_page(
    State(state): State<AppState>,
    web: Web,
    Path(raw): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let parent = match parent_of_page(&web, "/parent") {
        Ok(parent) => parent,
        Err(response) => return *response,
    };
    let result = async {
        let child = own_child(&state, parent, &raw).await?;
        let controls = controls_of(&state, &child).await?;
        Ok::<_, ApiError>(child_form(
            &state,
            &web,
            &child,
            &controls,
            StatusCode::OK,
            notice_of(query.as_deref()).map(|notice| web.t(notice).to_owned()),
            None,
        ))
    }
    .await;
    result.unwrap_or_else(|error| web.error_page(&error))
}

async fn controls_of(state: &AppState, child: &ChildRow) -> Result<ParentalControls, ApiError> {
    let mut tx = state.0.db.begin_read().await?;
    let controls = family::load_controls(&mut tx.conn(), child.id).await?;
    tx.rollback().await?;
    Ok(controls)
}

/// A refused form of the child's page, shown again with its translated message.
enum Refused<'a> {
    /// The message above the forms (the settings, or a consent already recorded).
    Page(&'a str),
    /// The consent form: the message inside it, and the method that was chosen.
    Consent { message: &'a str, method: &'a str },
}

fn child_form(
    state: &AppState,
    web: &Web,
    child: &ChildRow,
    controls: &ParentalControls,
    status: StatusCode,
    notice: Option<String>,
    refused: Option<Refused<'_>>,
) -> Response {
    let catalog = state.0.catalog();
    let mut roots: Vec<_> = catalog
        .taxonomy
        .roots()
        .iter()
        .filter_map(|id| catalog.categories.get(id))
        .collect();
    roots.sort_by_key(|row| (row.position, row.id));
    let root_ids: Vec<i64> = roots.iter().map(|row| row.id).collect();
    let name = |row: &crate::db::catalog::CategoryRow| {
        web.lang
            .pick(
                Some(row.name_uz.as_str()),
                Some(row.name_uz_cyrl.as_str()),
                Some(row.name_ru.as_str()),
                Some(row.name_en.as_str()),
            )
            .unwrap_or(row.slug.as_str())
            .to_owned()
    };
    let id = child.id.0;
    let modes = [
        (ApprovalMode::EveryPurchase, T::ApprovalEvery),
        (ApprovalMode::AboveAmount, T::ApprovalAbove),
        (ApprovalMode::SelectedCategories, T::ApprovalCategories),
        (ApprovalMode::None, T::ApprovalNone),
    ];
    let search_modes = [
        (ChildSearchMode::Safe, T::SearchSafe),
        (ChildSearchMode::ApprovedItemsOnly, T::SearchApprovedOnly),
        (ChildSearchMode::Off, T::SearchOff),
    ];
    let approved = controls
        .approved_product_ids
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let body = html! {
        nav.crumbs aria-label=(web.t(T::ParentPanel)) {
            ol { li { a href="/parent" { (web.t(T::ParentPanel)) } } li { (child.nickname) } }
        }
        h1 { span aria-hidden="true" { (avatar_picture(&child.avatar)) " " } (child.nickname) }
        p.hint { @if child.status == "active" { (web.t(T::ConsentRecorded)) } @else { (web.t(T::ChildStatusPending)) } }
        @if let Some(notice) = &notice { p.notice role="status" { (notice) } }
        @if let Some(Refused::Page(error)) = &refused { p.error role="alert" { (error) } }
        @if child.status != "active" {
            @let (method, error) = match &refused {
                Some(Refused::Consent { message, method }) => (*method, Some(*message)),
                Some(Refused::Page(_)) | None => ("", None),
            };
            (consent_form(web, child, method, error))
        }
        form.stack.settings action={ "/parent/children/" (id) "/controls" } method="post" {
            (csrf_field(web))
            h2 { (web.t(T::Settings)) }
            div.row {
                div {
                    label for="daily_limit" { (web.t(T::DailyLimit)) }
                    input #daily_limit type="number" name="daily_limit" min="0" step="1" inputmode="numeric" value=(so_m(controls.daily_limit_tiyin));
                }
                div {
                    label for="monthly_limit" { (web.t(T::MonthlyLimit)) }
                    input #monthly_limit type="number" name="monthly_limit" min="0" step="1" inputmode="numeric" value=(so_m(controls.monthly_limit_tiyin));
                }
            }
            fieldset {
                legend { (web.t(T::ApprovalModeLabel)) }
                @for (mode, label) in modes {
                    @let input_id = format!("approval-{}", mode.as_str());
                    div.variant {
                        input id=(input_id) type="radio" name="approval_mode" value=(mode.as_str()) checked[controls.approval_mode == mode];
                        label for=(input_id) { (web.t(label)) }
                    }
                }
                label for="approval_above" { (web.t(T::ApprovalAboveAmount)) }
                input #approval_above type="number" name="approval_above" min="0" step="1" inputmode="numeric" value=(so_m(controls.approval_above_tiyin));
            }
            fieldset {
                legend { (web.t(T::ApprovalCategoryList)) }
                div.checks {
                    @for row in &roots {
                        @let input_id = format!("approval-cat-{}", row.id);
                        div.check {
                            input id=(input_id) type="checkbox" name="approval_category" value=(row.id) checked[controls.approval_category_ids.contains(&row.id)];
                            label for=(input_id) { (name(row)) }
                        }
                    }
                }
            }
            fieldset {
                legend { (web.t(T::BlockedCategories)) }
                div.checks {
                    @for row in &roots {
                        @let input_id = format!("blocked-cat-{}", row.id);
                        div.check {
                            input id=(input_id) type="checkbox" name="blocked_category" value=(row.id) checked[controls.blocked_category_ids.contains(&row.id)];
                            label for=(input_id) { (name(row)) }
                        }
                    }
                }
            }
            // Deeper categories set through the API stay as they are.
            @for other in controls.blocked_category_ids.iter().filter(|id| !root_ids.contains(id)) {
                input type="hidden" name="blocked_category" value=(other);
            }
            @for other in controls.approval_category_ids.iter().filter(|id| !root_ids.contains(id)) {
                input type="hidden" name="approval_category" value=(other);
            }
            fieldset {
                legend { (web.t(T::SearchModeLabel)) }
                @for (mode, label) in search_modes {
                    @let input_id = format!("search-{}", mode.as_str());
                    div.variant {
                        input id=(input_id) type="radio" name="search_mode" value=(mode.as_str()) checked[controls.search_mode == mode];
                        label for=(input_id) { (web.t(label)) }
                    }
                }
                label for="approved_products" { (web.t(T::ApprovedProducts)) }
                input #approved_products type="text" name="approved_products" value=(approved) inputmode="numeric" autocomplete="off";
            }
            fieldset {
                legend { (web.t(T::ScreenTimeLabel)) }
                label for="screen_minutes" { (web.t(T::ScreenMinutes)) }
                input #screen_minutes type="number" name="screen_minutes" min="0" max="1440" step="1" inputmode="numeric"
                    value=(controls.daily_screen_minutes.map(|minutes| minutes.to_string()).unwrap_or_default());
                div.row {
                    div {
                        label for="allowed_from" { (web.t(T::AllowedFrom)) }
                        input #allowed_from type="time" name="allowed_from" value=(minute_to_time(controls.allowed_from_minute));
                    }
                    div {
                        label for="allowed_until" { (web.t(T::AllowedUntil)) }
                        input #allowed_until type="time" name="allowed_until" value=(minute_to_time(controls.allowed_until_minute));
                    }
                }
            }
            button type="submit" { (web.t(T::Save)) }
        }
        form.stack action={ "/parent/children/" (id) "/erase" } method="post" {
            (csrf_field(web))
            h2 { (web.t(T::DeleteChild)) }
            p.hint { (web.t(T::DeleteWarning)) }
            label for="child-erase-password" { (web.t(T::CurrentPassword)) }
            input #child-erase-password type="password" name="password" required autocomplete="current-password" maxlength="128";
            button.danger type="submit" { (web.t(T::DeleteChild)) }
        }
    };
    web.page(status, &child.nickname, body)
}

/// The ways of verifying consent this form offers: the API's methods except
/// `card_authorisation`, whose card details the form does not take.
const CONSENT_FORM_METHODS: [(&str, T); 2] = [
    ("signed_form", T::ConsentSignedForm),
    ("id_document", T::ConsentIdDocument),
];

/// The consent that activates a pending child: what the parent agrees to in plain words, how
/// it is verified, and the parent's password (the fields `POST …/consent` of the API takes).
fn consent_form(web: &Web, child: &ChildRow, method: &str, error: Option<&str>) -> Markup {
    html! {
        form.stack.consent #consent action={ "/parent/children/" (child.id.0) "/consent#consent" } method="post" aria-labelledby="consent-heading" {
            (csrf_field(web))
            input type="hidden" name="notice_version" value=(CURRENT_NOTICE_VERSION);
            h2 #consent-heading { (web.t(T::ConsentHeading)) }
            p { (web.t(T::ConsentIntro)) }
            p { (web.t(T::ConsentWhat)) }
            p.hint { (web.t(T::ConsentNoticeVersion)) " " (CURRENT_NOTICE_VERSION) }
            @if let Some(error) = error { p.error #consent-error role="alert" { (error) } }
            fieldset aria-describedby=[error.map(|_| "consent-error")] {
                legend { (web.t(T::ConsentMethod)) }
                @for (value, label) in CONSENT_FORM_METHODS {
                    @let input_id = format!("consent-{value}");
                    div.variant {
                        input id=(input_id) type="radio" name="method" value=(value) required checked[method == value];
                        label for=(input_id) { (web.t(label)) }
                    }
                }
            }
            label for="consent-password" { (web.t(T::CurrentPassword)) }
            input #consent-password type="password" name="password" required autocomplete="current-password" maxlength="128" aria-describedby="consent-password-hint";
            p.hint #consent-password-hint { (web.t(T::ConsentPasswordHint)) }
            button type="submit" { (web.t(T::ConsentSubmit)) }
        }
    }
}

fn invalid(code: &'static str, message: &str) -> ApiError {
    ApiError::bad_request(code, message.to_owned())
}

/// Reads so'm into tiyin (`None` when empty).
fn tiyin_field(form: &WebForm, name: &str) -> Result<Option<i64>, ApiError> {
    match form.get(name).filter(|value| !value.is_empty()) {
        None => Ok(None),
        Some(value) => value
            .parse::<i64>()
            .ok()
            .filter(|som| *som >= 0)
            .and_then(|som| som.checked_mul(100))
            .map(Some)
            .ok_or_else(|| invalid("invalid_limit", "amounts are whole so‘m from 0")),
    }
}

fn time_field(form: &WebForm, name: &str) -> Result<Option<i64>, ApiError> {
    match form.get(name).filter(|value| !value.is_empty()) {
        None => Ok(None),
        Some(value) => {
            let (hours, minutes) = value
                .split_once(':')
                .ok_or_else(|| invalid("invalid_allowed_hours", "times are HH:MM"))?;
            match (
                hours.parse::<i64>(),
                minutes.get(..2).unwrap_or(minutes).parse::<i64>(),
            ) {
                (Ok(hours), Ok(minutes))
                    if (0..24).contains(&hours) && (0..60).contains(&minutes) =>
                {
                    Ok(Some(hours * 60 + minutes))
                }
                _ => Err(invalid("invalid_allowed_hours", "times are HH:MM")),
            }
        }
    }
}

fn ids_field(values: Vec<&str>) -> Result<Vec<i64>, ApiError> {
    let mut ids = Vec::new();
    for value in values {
        for part in value.split([',', ' ']).filter(|part| !part.is_empty()) {
            let id = part
                .parse::<i64>()
                .ok()
                .filter(|id| *id > 0)
                .ok_or_else(|| invalid("invalid_categories", "ids are whole numbers"))?;
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    Ok(ids)
}

/// Builds the controls from the settings form (keeping what the form does not show).
fn controls_from_form(
    form: &WebForm,
    current: &ParentalControls,
) -> Result<ParentalControls, ApiError> {
    let approval_mode = match form.get("approval_mode").unwrap_or("every_purchase") {
        "every_purchase" => ApprovalMode::EveryPurchase,
        "above_amount" => ApprovalMode::AboveAmount,
        "selected_categories" => ApprovalMode::SelectedCategories,
        "none" => ApprovalMode::None,
        _ => return Err(invalid("invalid_approval_mode", "unknown approval mode")),
    };
    let search_mode = match form.get("search_mode").unwrap_or("safe") {
        "safe" => ChildSearchMode::Safe,
        "approved_items_only" => ChildSearchMode::ApprovedItemsOnly,
        "off" => ChildSearchMode::Off,
        _ => return Err(invalid("invalid_search_mode", "unknown search mode")),
    };
    let screen = match form.get("screen_minutes").filter(|value| !value.is_empty()) {
        None => None,
        Some(value) => Some(value.parse::<i64>().map_err(|_| {
            invalid(
                "invalid_screen_time",
                "screen time is whole minutes from 0 to 1440",
            )
        })?),
    };
    Ok(ParentalControls {
        daily_limit_tiyin: tiyin_field(form, "daily_limit")?,
        monthly_limit_tiyin: tiyin_field(form, "monthly_limit")?,
        approval_mode,
        approval_above_tiyin: tiyin_field(form, "approval_above")?,
        approval_category_ids: ids_field(form.get_all("approval_category"))?,
        allowed_category_ids: current.allowed_category_ids.clone(),
        blocked_category_ids: ids_field(form.get_all("blocked_category"))?,
        search_mode,
        approved_product_ids: ids_field(form.get_all("approved_products"))?,
        daily_screen_minutes: screen,
        allowed_from_minute: time_field(form, "allowed_from")?,
        allowed_until_minute: time_field(form, "allowed_until")?,
    })
}

/// `POST /parent/children/{id}/controls`.
pub async fn controls_submit(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    form: WebForm,
) -> Response {
    let web = &form.web;
    let (parent, child) = match parent_and_child(&state, web, &raw).await {
        Ok(found) => found,
        Err(response) => return *response,
    };
    let current = match controls_of(&state, &child).await {
        Ok(controls) => controls,
        Err(error) => return web.error_page(&error),
    };
    let saved = async {
        let controls = controls_from_form(&form, &current)?;
        family::save_controls(&state.0.db, child.id, &controls, state.0.auth.now()).await?;
        let details = json!({ "child_id": child.id, "controls": &controls });
        audit(
            &state,
            &web.meta,
            Some(parent.id),
            "parental_controls_changed",
            Some(parent.id),
            details,
        )
        .await?;
        Ok::<_, ApiError>(())
    }
    .await;
    match saved {
        Ok(()) => web.redirect(&format!("/parent/children/{}?done=saved", child.id.0)),
        Err(error) if error.status.is_client_error() => child_form(
            &state,
            web,
            &child,
            &current,
            error.status,
            None,
            Some(Refused::Page(&error.message)),
        ),
        Err(error) => web.error_page(&error),
    }
}

/// The translated message of a refused new child profile (the API's codes).
fn child_input_error(code: &str) -> Option<T> {
    match code {
        "invalid_nickname" => Some(T::ChildNicknameInvalid),
        "invalid_age" | "invalid_age_band" => Some(T::ChildAgeInvalid),
        "invalid_birth_month" => Some(T::ChildBirthMonthInvalid),
        "invalid_avatar" => Some(T::ChildPictureInvalid),
        _ => None,
    }
}

/// `POST /parent/children`: `nickname`, one of `age_band` and `birth_year_month`, `avatar`.
/// The same domain function (and audit event) as `POST /api/v1/family/children`; the profile
/// waits for consent like one created there.
pub async fn child_create_submit(State(state): State<AppState>, form: WebForm) -> Response {
    let web = &form.web;
    let parent = match parent_of_page(web, "/parent") {
        Ok(parent) => parent,
        Err(response) => return *response,
    };
    let field = |name: &str| form.get(name).unwrap_or_default();
    let given = |name: &str| Some(field(name)).filter(|value| !value.is_empty());
    let input = ChildInput {
        nickname: field("nickname"),
        birth_year_month: given("birth_year_month"),
        age_band: given("age_band"),
        avatar: field("avatar"),
    };
    let error = match create_child(&state, &web.meta, parent, &input).await {
        Ok(child) => {
            return web.redirect(&format!("/parent?done=child_added#child-{}", child.id.0));
        }
        Err(error) => error.api_error(),
    };
    let Some(message) = child_input_error(error.code) else {
        return panel_error(&state, web, parent, error).await;
    };
    let draft = ChildDraft {
        nickname: field("nickname"),
        age_band: field("age_band"),
        birth_year_month: field("birth_year_month"),
        avatar: field("avatar"),
        error: web.t(message),
    };
    match render_panel(&state, web, parent, None, None, Some(&draft)).await {
        Ok(response) => with_error_code(response, error.code),
        Err(error) => web.error_page(&error),
    }
}

/// The translated message of a refused consent (the API's codes).
fn consent_error(code: &str) -> Option<T> {
    match code {
        "invalid_consent_method" | "card_required" | "unexpected_card" => {
            Some(T::ConsentMethodInvalid)
        }
        "outdated_notice" => Some(T::ConsentNoticeOutdated),
        "reauthentication_failed" => Some(T::WrongPassword),
        "consent_already_recorded" => Some(T::ConsentAlreadyRecorded),
        "rate_limited" => Some(T::TooManyAttempts),
        _ => None,
    }
}

/// `POST /parent/children/{id}/consent`: `method` (`signed_form` or `id_document`),
/// `notice_version` and `password`. The same domain function (which writes the audit event)
/// as `POST /api/v1/family/children/{id}/consent`; a refusal shows the child's page again
/// with the translated message and the API's code.
pub async fn consent_submit(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    form: WebForm,
) -> Response {
    let web = &form.web;
    // Ownership first, so another family's ids cannot be probed through the password.
    let (parent, child) = match parent_and_child(&state, web, &raw).await {
        Ok(found) => found,
        Err(response) => return *response,
    };
    let field = |name: &str| form.get(name).unwrap_or_default();
    let recorded = record_consent(
        &state,
        &web.meta,
        parent,
        child.id,
        field("method"),
        field("notice_version"),
        field("password"),
        None,
    )
    .await;
    let error = match recorded {
        Ok(_) => return web.redirect(&format!("/parent/children/{}?done=consent", child.id.0)),
        Err(error) => error.api_error(),
    };
    if !error.status.is_client_error() || error.status == StatusCode::NOT_FOUND {
        return web.error_page(&error);
    }
    // The child as it is now: an active child's page has no consent form, so the message
    // goes above the forms.
    let shown = async {
        let child = own_child(&state, parent, &raw).await?;
        let controls = controls_of(&state, &child).await?;
        Ok::<_, ApiError>((child, controls))
    }
    .await;
    let (child, controls) = match shown {
        Ok(shown) => shown,
        Err(error) => return web.error_page(&error),
    };
    let message = consent_error(error.code).map_or(error.message.as_str(), |key| web.t(key));
    let refused = if child.status == "active" {
        Refused::Page(message)
    } else {
        Refused::Consent {
            message,
            method: field("method"),
        }
    };
    let page = child_form(
        &state,
        web,
        &child,
        &controls,
        error.status,
        None,
        Some(refused),
    );
    with_error_code(page, error.code)
}

async fn decide(state: &AppState, raw: &str, form: &WebForm, decision: Decision) -> Response {
    let web = &form.web;
    let parent = match parent_of_page(web, "/parent") {
        Ok(parent) => parent,
        Err(response) => return *response,
    };
    let result = async {
        let id = parse_path_id(raw, "purchase_request_not_found", "purchase request")?;
        let view: PurchaseRequestView = family::decide(
            &state.0.db,
            &state.0.commerce,
            parent.id,
            id,
            decision,
            state.0.auth.now(),
        )
        .await?;
        let action = match decision {
            Decision::Approve => "purchase_request_approved",
            Decision::Decline => "purchase_request_declined",
        };
        let details = json!({ "request_id": id, "order_id": view.order_id });
        audit(
            state,
            &web.meta,
            Some(parent.id),
            action,
            Some(parent.id),
            details,
        )
        .await?;
        Ok::<_, ApiError>(())
    }
    .await;
    match result {
        Ok(()) => web.redirect(match decision {
            Decision::Approve => "/parent?done=approved#requests",
            Decision::Decline => "/parent?done=declined#requests",
        }),
        Err(error) if error.status.is_client_error() && error.status != StatusCode::NOT_FOUND => {
            match render_panel(
                state,
                web,
                parent,
                None,
                Some((error.status, error.message.clone())),
                None,
            )
            .await
            {
                Ok(response) => response,
                Err(error) => web.error_page(&error),
            }
        }
        Err(error) => web.error_page(&error),
    }
}

/// `POST /parent/requests/{id}/approve`.
pub async fn approve_submit(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    form: WebForm,
) -> Response {
    decide(&state, &raw, &form, Decision::Approve).await
}

/// `POST /parent/requests/{id}/decline`.
pub async fn decline_submit(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    form: WebForm,
) -> Response {
    decide(&state, &raw, &form, Decision::Decline).await
}

async fn panel_error(
    state: &AppState,
    web: &Web,
    parent: &CurrentUser,
    error: ApiError,
) -> Response {
    if !error.status.is_client_error() {
        return web.error_page(&error);
    }
    match render_panel(
        state,
        web,
        parent,
        None,
        Some((error.status, error.message)),
        None,
    )
    .await
    {
        Ok(response) => response,
        Err(error) => web.error_page(&error),
    }
}

/// `POST /parent/pin`: `pin`, `password`.
pub async fn pin_submit(State(state): State<AppState>, form: WebForm) -> Response {
    let web = &form.web;
    let parent = match parent_of_page(web, "/parent") {
        Ok(parent) => parent,
        Err(response) => return *response,
    };
    let pin = form.get("pin").unwrap_or_default();
    let password = form.get("password").unwrap_or_default();
    match crate::auth::family::set_pin(&state, &web.meta, parent, pin, password).await {
        Ok(()) => web.redirect("/parent?done=pin#pin"),
        Err(error) => panel_error(&state, web, parent, error.api_error()).await,
    }
}

async fn reauthenticated(
    state: &AppState,
    parent: &CurrentUser,
    form: &WebForm,
) -> Result<(), ApiError> {
    let password = form.get("password").unwrap_or_default();
    reauthenticate(state, parent.id, password)
        .await
        .map_err(|error| error.api_error())
}

/// `POST /parent/children/{id}/erase`: `password`.
pub async fn child_erase_submit(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    form: WebForm,
) -> Response {
    let web = &form.web;
    let parent = match parent_of_page(web, "/parent") {
        Ok(parent) => parent,
        Err(response) => return *response,
    };
    let result = async {
        // Ownership first, so another family's ids cannot be probed through the password.
        let child = own_child(&state, parent, &raw).await?;
        reauthenticated(&state, parent, &form).await?;
        crate::privacy::erase_child(&state.0.db, parent.id, child.id)
            .await?
            .ok_or_else(|| {
                ApiError::not_found("child_not_found", format!("child {raw} does not exist"))
            })?;
        audit(
            &state,
            &web.meta,
            Some(parent.id),
            "child_erased",
            Some(parent.id),
            json!({ "child": child.id.0 }),
        )
        .await?;
        Ok::<_, ApiError>(())
    }
    .await;
    match result {
        Ok(()) => web.redirect("/parent?done=erased"),
        Err(error) if error.status == StatusCode::NOT_FOUND => web.error_page(&error),
        Err(error) => panel_error(&state, web, parent, error).await,
    }
}

/// `POST /parent/erase`: `password`; the account and its children are erased.
pub async fn account_erase_submit(State(state): State<AppState>, form: WebForm) -> Response {
    let web = &form.web;
    let parent = match parent_of_page(web, "/parent") {
        Ok(parent) => parent,
        Err(response) => return *response,
    };
    let result = async {
        reauthenticated(&state, parent, &form).await?;
        let report = crate::privacy::erase_account(&state.0.db, parent.id).await?;
        state
            .0
            .db
            .append_audit(&crate::db::accounts::NewAuditEntry {
                at: state.0.auth.now(),
                actor: Some(parent.id),
                action: "account_erased",
                target: Some(parent.id),
                ip: None,
                user_agent: None,
                details: &json!({
                    "children_erased": report.children_erased,
                    "orders_anonymised": report.orders_anonymised,
                }),
            })
            .await?;
        Ok::<_, ApiError>(())
    }
    .await;
    match result {
        Ok(()) => {
            let mut response = web.redirect("/?erased=1");
            cookies::clear_session(response.headers_mut());
            response
        }
        Err(error) => panel_error(&state, web, parent, error).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_amounts_round_trip() {
        assert_eq!(minute_to_time(Some(21 * 60 + 5)), "21:05");
        assert_eq!(minute_to_time(None), "");
        assert_eq!(so_m(Some(1_250_000)), "12500");
        assert_eq!(ids_field(vec!["3, 4", "4", "7"]).unwrap(), vec![3, 4, 7]);
        assert!(ids_field(vec!["x"]).is_err());
    }
}
