//! Kids' mode on the web: the "safe zone" a child uses on a parent's shared device.
//!
//! - `GET /kids`: for a parent, the profile picker (the parent's active children, each a big
//!   button posting `POST /kids/enter`, which is the API's kids'-mode switch: the parent's
//!   session ends, the child's starts); for a child, the kids' home (big category tiles with
//!   pictures, a search box unless the parent turned search off, and picks for the child's age
//!   under the parent's controls).
//! - `GET /kids/search`: the child's search with the API's rules (search mode, unsafe-query
//!   screening, the search log the parent reads), the child's age as the audience, and the
//!   parent's blocked, allowed and approved-only lists applied to what is shown.
//! - `GET /kids/products/{id}`: a product for the child's age with "ask a parent"
//!   (`POST /kids/ask`) instead of a cart: it places the child's order, which waits for the
//!   parent's approval like any child order of the API (`GET /kids/asked` confirms).
//! - `GET/POST /kids/exit`: the parent PIN takes the device back (the API's kids'-mode exit,
//!   with its lockout); this page is exempt from bedtime and screen time.
//! - The lock screen: at bedtime or with the day's screen time spent the API refuses a child
//!   with 403 `bedtime`/`screen_time_exhausted`; [`Web`] notices and every page shows
//!   [`lock_screen`] instead (status 403).
//!
//! Every kids' page has the `kids` body class (big touch targets, a bright high-contrast
//! palette, pictures over text, `aria-label`s that read aloud well) and no banners or
//! promotions. A child session on any grown-up page is sent to `/kids`.

use super::i18n::T;
use super::layout::{format_age_range, format_som};
use super::session::{Web, WebForm, csrf_field};
use crate::auth::kids_mode;
use crate::auth::{CurrentUser, Role, cookies};
use crate::commerce::OrderStatus;
use crate::commerce::checkout::{self, Buyer, CheckoutInput, DeliveryInput, LineInput};
use crate::commerce::family::{ChildSearchMode, ParentalControls};
use crate::commerce::screen_time;
use crate::db::accounts::{ChildId, ChildRow, UserId};
use crate::db::dispatch;
use crate::routes::products::{ProductView, load_product_view, parse_product_id};
use crate::routes::search::{SearchParams, decode_pairs, execute};
use crate::{ApiError, AppState};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use chrono::{Datelike, Utc};
use engine::Audience;
use maud::{Markup, html};

/// The page that leaves kids' mode (exempt from bedtime and screen time, like the API's).
pub const EXIT_PAGE: &str = "/kids/exit";

/// Products a kids' page shows at most.
const KIDS_PAGE_PRODUCTS: usize = 12;

/// The lock reasons the API gives a child's request, as the web keeps them.
pub fn lock_reason(code: &str) -> Option<&'static str> {
    match code {
        "bedtime" => Some("bedtime"),
        "screen_time_exhausted" => Some("screen_time_exhausted"),
        _ => None,
    }
}

/// Whether a path belongs to kids' mode (a child is sent to `/kids` from anything else).
pub fn is_kids_path(path_and_query: &str) -> bool {
    let path = path_and_query.split('?').next().unwrap_or_default();
    path == "/kids" || path.starts_with("/kids/") || path == "/offline"
}

/// The friendly lock screen (title and body) for `reason`.
pub fn lock_screen(web: &Web, reason: &str) -> (&'static str, Markup) {
    let (title, text, picture) = if reason == "bedtime" {
        (T::KidsBedtimeTitle, T::KidsBedtimeText, "🌙")
    } else {
        (T::KidsTimeUpTitle, T::KidsTimeUpText, "⏰")
    };
    let body = html! {
        section.kids-lock aria-labelledby="lock-heading" data-lock=(reason) {
            p.kids-picture aria-hidden="true" { (picture) }
            h1 #lock-heading { (web.t(title)) }
            p.kids-lead { (web.t(text)) }
            p { a.kids-button.kids-quiet href=(EXIT_PAGE) { (web.t(T::KidsParentUnlock)) } }
        }
    };
    (web.t(title), body)
}

/// A picture for a root category (children read pictures before words).
fn category_picture(slug: &str) -> &'static str {
    match slug {
        "toys" => "🧸",
        "books" => "📚",
        "school-supplies" => "✏️",
        "educational-kits" => "🔬",
        "arts-and-crafts" => "🎨",
        "baby-care" => "🍼",
        "clothing" => "👕",
        "shoes" => "👟",
        "sports" => "⚽",
        "outdoor" => "🌳",
        "kids-electronics" => "🎧",
        "party-gifts" => "🎁",
        _ => "⭐",
    }
}

/// A picture for a stock avatar.
pub fn avatar_picture(avatar: &str) -> &'static str {
    match avatar {
        "bear" => "🐻",
        "cat" => "🐱",
        "dog" => "🐶",
        "fox" => "🦊",
        "lion" => "🦁",
        "owl" => "🦉",
        "panda" => "🐼",
        "rabbit" => "🐰",
        "tiger" => "🐯",
        "turtle" => "🐢",
        _ => "🙂",
    }
}

/// The translated name of a stock avatar (the accessible name beside its picture).
pub fn avatar_name(avatar: &str) -> Option<T> {
    match avatar {
        "bear" => Some(T::AvatarBear),
        "cat" => Some(T::AvatarCat),
        "dog" => Some(T::AvatarDog),
        "fox" => Some(T::AvatarFox),
        "lion" => Some(T::AvatarLion),
        "owl" => Some(T::AvatarOwl),
        "panda" => Some(T::AvatarPanda),
        "rabbit" => Some(T::AvatarRabbit),
        "tiger" => Some(T::AvatarTiger),
        "turtle" => Some(T::AvatarTurtle),
        _ => None,
    }
}

/// The age a child profile stands for, in months: from the birth month, else the middle of
/// the age band.
pub fn child_age_months(child: &ChildRow, today: chrono::NaiveDate) -> u16 {
    if let Some(birth) = &child.birth_year_month
        && let Some((year, month)) = birth.split_once('-')
        && let (Ok(year), Ok(month)) = (year.parse::<i32>(), month.parse::<i32>())
    {
        let months = (today.year() - year) * 12 + (today.month() as i32 - month);
        return u16::try_from(months.clamp(0, 215)).unwrap_or(0);
    }
    match child.age_band.as_deref() {
        Some("0-2") => 12,
        Some("3-5") => 48,
        Some("6-8") => 84,
        Some("9-12") => 126,
        Some("13-17") => 180,
        _ => 60,
    }
}

/// A signed-in child with their profile and the parent's controls.
struct Kid {
    user: CurrentUser,
    profile: ChildRow,
    controls: ParentalControls,
    age_months: u16,
}

impl Kid {
    fn audience(&self) -> Result<Audience, ApiError> {
        Audience::new(i64::from(self.age_months))
            .map_err(|error| ApiError::internal(format!("child audience: {error}")))
    }

    /// Whether the parent's lists let the child see a product of leaf category `category`.
    fn may_see(&self, state: &AppState, product: u64, category: u64) -> bool {
        let catalog = state.0.catalog();
        let mut path: Vec<i64> = catalog
            .taxonomy
            .path(category)
            .into_iter()
            .map(|id| id as i64)
            .collect();
        if path.is_empty() {
            path.push(category as i64);
        }
        let controls = &self.controls;
        if path
            .iter()
            .any(|id| controls.blocked_category_ids.contains(id))
        {
            return false;
        }
        let allowed_by_category = controls
            .allowed_category_ids
            .as_ref()
            .is_none_or(|allowed| path.iter().any(|id| allowed.contains(id)));
        match controls.search_mode {
            ChildSearchMode::ApprovedItemsOnly => {
                controls.approved_product_ids.contains(&(product as i64))
                    || controls
                        .allowed_category_ids
                        .as_ref()
                        .is_some_and(|allowed| path.iter().any(|id| allowed.contains(id)))
            }
            ChildSearchMode::Safe | ChildSearchMode::Off => allowed_by_category,
        }
    }

    /// Whether the parent's lists let the child see a root category's tile.
    fn may_see_root(&self, root: u64) -> bool {
        let root = root as i64;
        let controls = &self.controls;
        !controls.blocked_category_ids.contains(&root)
    }
}

/// Loads the child behind the page, or `None` when the visitor is not a child.
async fn kid_of(state: &AppState, web: &Web) -> Result<Option<Kid>, ApiError> {
    let Some(user) = web.user.as_ref().filter(|user| user.role == Role::Child) else {
        return Ok(None);
    };
    let Some((child, controls)) = screen_time::search_rules(&state.0.db, user.id).await? else {
        return Ok(None);
    };
    let profile = state
        .0
        .db
        .child_by_id(child)
        .await?
        .ok_or_else(|| ApiError::not_found("child_not_found", "this child profile is gone"))?;
    let age_months = child_age_months(&profile, Utc::now().date_naive());
    Ok(Some(Kid {
        user: user.clone(),
        profile,
        controls,
        age_months,
    }))
}

/// The kids' header row: home, and the way back to a parent.
fn kids_nav(web: &Web) -> Markup {
    html! {
        nav.kids-nav aria-label=(web.t(T::KidsMode)) {
            a.kids-button href="/kids" aria-label=(web.t(T::HomeLink)) { span aria-hidden="true" { "🏠" } " " (web.t(T::HomeLink)) }
            a.kids-button.kids-quiet href=(EXIT_PAGE) aria-label=(web.t(T::KidsLeave)) { span aria-hidden="true" { "🔒" } " " (web.t(T::KidsLeave)) }
        }
    }
}

/// The big search box of kids' mode.
fn kids_search_box(web: &Web, query: &str) -> Markup {
    html! {
        form.kids-search action="/kids/search" method="get" role="search" {
            label for="kq" { span aria-hidden="true" { "🔍 " } (web.t(T::KidsWhatToFind)) }
            div.kids-search-row {
                input #kq type="search" name="q" value=(query) maxlength="100" autocomplete="off" enterkeyhint="search";
                button.kids-button type="submit" aria-label=(web.t(T::SearchButton)) { span aria-hidden="true" { "🔍" } }
            }
        }
    }
}

/// One product tile of kids' mode: picture first, short title, price.
fn kids_card(web: &Web, product: &ProductView) -> Markup {
    // The visible title and price are the link's name (read aloud as shown).
    html! {
        li.kids-card {
            a href={ "/kids/products/" (product.id) } {
                @if let Some(image) = product.images.first() {
                    img src=(image.url) alt="" width="200" height="200" loading="lazy";
                } @else {
                    span.kids-picture aria-hidden="true" { "🎁" }
                }
                span.kids-title { (product.title) }
                span.kids-price { (format_som(web.lang, product.price)) }
            }
        }
    }
}

/// Loads the products `ids` for the child (age and the parent's lists), at most a page.
async fn kid_products(
    state: &AppState,
    web: &Web,
    kid: &Kid,
    ids: impl IntoIterator<Item = u64>,
) -> Result<Vec<ProductView>, ApiError> {
    let audience = kid.audience()?;
    let mut products = Vec::new();
    for id in ids {
        if products.len() >= KIDS_PAGE_PRODUCTS {
            break;
        }
        match load_product_view(state, id, Some(audience), web.lang.engine_lang()).await {
            Ok(view) => {
                let leaf = view.categories.last().map_or(0, |category| category.id);
                if kid.may_see(state, view.id, leaf) {
                    products.push(view);
                }
            }
            Err(error) if error.status.is_client_error() => {}
            Err(error) => return Err(error),
        }
    }
    Ok(products)
}

/// `GET /kids`.
pub async fn kids_home(State(state): State<AppState>, web: Web) -> Response {
    if web.locked.is_some() {
        // The page shell shows the lock screen instead of any body.
        return web.page(StatusCode::OK, web.t(T::KidsMode), html! {});
    }
    let result = async {
        match web.user.as_ref().map(|user| user.role) {
            None => Ok(web.redirect("/signin?next=/kids")),
            Some(Role::Parent) => picker(&state, &web).await,
            Some(Role::Child) => match kid_of(&state, &web).await? {
                Some(kid) => home(&state, &web, &kid).await,
                None => Err(ApiError::not_found(
                    "child_not_found",
                    "this child profile is gone",
                )),
            },
            Some(Role::Seller | Role::Moderator | Role::Admin) => {
                Err(ApiError::forbidden("parents_only", web.t(T::ParentOnly)))
            }
        }
    }
    .await;
    result.unwrap_or_else(|error| web.error_page(&error))
}

/// Whether the parent has a PIN (kids' mode is left with it).
async fn has_pin(state: &AppState, parent: UserId) -> Result<bool, ApiError> {
    Ok(state
        .0
        .db
        .user_by_id(parent)
        .await?
        .is_some_and(|row| row.pin_hash.is_some()))
}

async fn picker(state: &AppState, web: &Web) -> Result<Response, ApiError> {
    let Some(parent) = &web.user else {
        return Ok(web.redirect("/signin?next=/kids"));
    };
    let children = kids_mode::profiles(state, parent)
        .await
        .map_err(|error| error.api_error())?;
    let pin = has_pin(state, parent.id).await?;
    let body = html! {
        h1 { span aria-hidden="true" { "🧒 " } (web.t(T::KidsMode)) }
        @if !pin {
            p.notice role="status" { (web.t(T::KidsNeedPin)) " " a href="/parent#pin" { (web.t(T::SetPin)) } }
        }
        @if children.is_empty() {
            p { (web.t(T::KidsNoChildren)) " " a href="/parent" { (web.t(T::ParentPanel)) } }
        } @else {
            p.kids-lead { (web.t(T::KidsPickProfile)) }
            ul.kids-profiles {
                @for child in &children {
                    li {
                        form action="/kids/enter" method="post" {
                            (csrf_field(web))
                            input type="hidden" name="child_id" value=(child.id.0);
                            button.kids-profile type="submit" disabled[!pin]
                                aria-label={ (web.t(T::StartKidsMode)) ": " (child.nickname) } {
                                span.kids-avatar aria-hidden="true" { (avatar_picture(&child.avatar)) }
                                span { (child.nickname) }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(web.page(StatusCode::OK, web.t(T::KidsMode), body))
}

fn root_tiles(state: &AppState, web: &Web, kid: &Kid) -> Markup {
    let catalog = state.0.catalog();
    let mut roots: Vec<_> = catalog
        .taxonomy
        .roots()
        .iter()
        .filter(|id| kid.may_see_root(**id))
        .filter_map(|id| catalog.categories.get(id))
        .collect();
    roots.sort_by_key(|row| (row.position, row.id));
    html! {
        ul.kids-tiles {
            @for row in &roots {
                @let name = web.lang.pick(Some(row.name_uz.as_str()), Some(row.name_uz_cyrl.as_str()), Some(row.name_ru.as_str()), Some(row.name_en.as_str())).unwrap_or(row.slug.as_str());
                li {
                    a.kids-tile href={ "/kids/search?category=" (row.slug) } aria-label=(name) {
                        span.kids-picture aria-hidden="true" { (category_picture(&row.slug)) }
                        span { (name) }
                    }
                }
            }
        }
    }
}

async fn home(state: &AppState, web: &Web, kid: &Kid) -> Result<Response, ApiError> {
    let audience = kid.audience()?;
    let picks = crate::recommendations::recommend(
        state,
        crate::recommendations::Asker {
            user: Some(&kid.user),
            audience,
        },
        engine::RecommendKind::Trending,
        24,
        web.lang.engine_lang(),
    )
    .await;
    let ids: Vec<u64> = match picks {
        Ok(picks) => picks.items.iter().map(|item| item.hit.id.0).collect(),
        // Search off: the tiles still work, the picks stay empty.
        Err(error) if error.code == "search_disabled" => Vec::new(),
        // The picks are a bonus: the home page still works without them.
        Err(error) => {
            tracing::warn!(code = error.code, "kids' picks failed: {}", error.message);
            Vec::new()
        }
    };
    let products = kid_products(state, web, kid, ids).await?;
    let body = html! {
        (kids_nav(web))
        h1 { span aria-hidden="true" { (avatar_picture(&kid.profile.avatar)) " " } (web.t(T::KidsHello)) ", " (kid.profile.nickname) "!" }
        @if kid.controls.search_mode == ChildSearchMode::Off {
            p.kids-lead { (web.t(T::KidsSearchOff)) }
        } @else {
            (kids_search_box(web, ""))
        }
        section aria-labelledby="tiles-heading" {
            h2 #tiles-heading { (web.t(T::Categories)) }
            (root_tiles(state, web, kid))
        }
        @if !products.is_empty() {
            section aria-labelledby="picks-heading" {
                h2 #picks-heading { span aria-hidden="true" { "⭐ " } (web.t(T::KidsPicks)) }
                ul.kids-grid { @for product in &products { (kids_card(web, product)) } }
            }
        }
    };
    Ok(web.page(StatusCode::OK, web.t(T::KidsMode), body))
}

/// `POST /kids/enter`: `child_id`; the parent's device switches to the child.
pub async fn kids_enter(State(state): State<AppState>, form: WebForm) -> Response {
    let web = &form.web;
    let result = async {
        let parent = match &web.user {
            Some(user) if user.role == Role::Parent => user,
            Some(_) => {
                return Err(ApiError::forbidden("parents_only", web.t(T::ParentOnly)));
            }
            None => return Ok(web.redirect("/signin?next=/kids")),
        };
        if !has_pin(&state, parent.id).await? {
            return Err(ApiError::conflict("pin_not_set", web.t(T::KidsNeedPin)));
        }
        let child = form
            .require("child_id")?
            .parse::<i64>()
            .map_err(|_| ApiError::not_found("child_not_found", "no such child"))?;
        let issued = kids_mode::enter(&state, &web.meta, parent, ChildId(child))
            .await
            .map_err(|error| error.api_error())?;
        let settings = state.0.auth.settings;
        let mut headers = HeaderMap::new();
        cookies::set_session(
            &mut headers,
            &issued.access_token,
            settings.access_ttl_seconds,
            &issued.refresh_token,
            settings.refresh_ttl_seconds,
            &issued.csrf_token,
        );
        let mut response = web.redirect("/kids");
        for value in headers.get_all(header::SET_COOKIE) {
            response
                .headers_mut()
                .append(header::SET_COOKIE, value.clone());
        }
        Ok(response)
    }
    .await;
    result.unwrap_or_else(|error| web.error_page(&error))
}

/// `GET /kids/search?q=&category=`.
pub async fn kids_search(
    State(state): State<AppState>,
    web: Web,
    RawQuery(raw): RawQuery,
) -> Response {
    let result = async {
        let Some(kid) = kid_of(&state, &web).await? else {
            return Ok(web.redirect("/kids"));
        };
        let pairs = decode_pairs(raw.as_deref().unwrap_or_default()).unwrap_or_default();
        let get = |name: &str| {
            pairs
                .iter()
                .rev()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.trim().to_owned())
                .unwrap_or_default()
        };
        let q: String = get("q").chars().take(100).collect();
        let category = get("category");
        let now = state.0.auth.now();
        let child = kid.profile.id;
        let catalog = state.0.catalog();
        let known_category = category.is_empty() || catalog.resolve_category(&category).is_some();
        if q.is_empty() && (category.is_empty() || !known_category) {
            return Ok(web.redirect("/kids"));
        }
        let mut notice = None;
        let mut products = Vec::new();
        if kid.controls.search_mode == ChildSearchMode::Off && !q.is_empty() {
            screen_time::log_search(&state.0.db, child, &q, Some("search_off"), now).await?;
            notice = Some(T::KidsSearchOff);
        } else if let Some(verdict) = crate::query_safety::screen(
            &state.0.screening.rules,
            crate::query_safety::Asker {
                child_account: true,
                age_months: kid.age_months,
            },
            &q,
        ) {
            let reason = crate::query_safety::log_reason(&verdict);
            screen_time::log_search(&state.0.db, child, &q, Some(reason.as_str()), now).await?;
            notice = Some(T::KidsBlockedQuery);
        } else {
            if !q.is_empty() {
                screen_time::log_search(&state.0.db, child, &q, None, now).await?;
            }
            let mut query = vec![
                ("q", q.clone()),
                ("age_months", kid.age_months.to_string()),
                ("per_page", "48".to_owned()),
                ("lang", web.lang.code().to_owned()),
            ];
            if !category.is_empty() {
                query.push(("category", category.clone()));
            }
            let encoded = query
                .iter()
                .map(|(key, value)| {
                    format!(
                        "{key}={}",
                        percent_encoding::utf8_percent_encode(
                            value,
                            percent_encoding::NON_ALPHANUMERIC
                        )
                    )
                })
                .collect::<Vec<_>>()
                .join("&");
            let params = SearchParams::parse(Some(&encoded))?;
            let response = execute(&state, params).await?;
            let ids: Vec<u64> = response
                .hits
                .iter()
                .filter(|hit| kid.may_see(&state, hit.id, hit.category.id))
                .map(|hit| hit.id)
                .collect();
            products = kid_products(&state, &web, &kid, ids).await?;
            if products.is_empty() {
                notice = Some(T::KidsNothing);
            }
        }
        let title = if q.is_empty() {
            web.t(T::KidsMode).to_owned()
        } else {
            q.clone()
        };
        let body = html! {
            (kids_nav(&web))
            @if kid.controls.search_mode != ChildSearchMode::Off {
                (kids_search_box(&web, &q))
            }
            @if let Some(notice) = notice {
                p.kids-notice role="status" { span aria-hidden="true" { "💡 " } (web.t(notice)) }
                @if notice == T::KidsBlockedQuery || notice == T::KidsSearchOff {
                    (root_tiles(&state, &web, &kid))
                }
            }
            h1.visually-hidden { (title) }
            @if !products.is_empty() {
                ul.kids-grid { @for product in &products { (kids_card(&web, product)) } }
            }
        };
        Ok(web.page(StatusCode::OK, &title, body))
    }
    .await;
    result.unwrap_or_else(|error| web.error_page(&error))
}

/// `GET /kids/products/{id}`.
pub async fn kids_product(
    State(state): State<AppState>,
    web: Web,
    Path(raw): Path<String>,
) -> Response {
    let result = async {
        let Some(kid) = kid_of(&state, &web).await? else {
            return Ok(web.redirect(&format!("/products/{}", raw.trim())));
        };
        let not_found =
            || ApiError::not_found("product_not_found", format!("product {raw} does not exist"));
        let id = parse_product_id(&raw).map_err(|_| not_found())?;
        let product = kid_products(&state, &web, &kid, [id])
            .await?
            .into_iter()
            .next()
            .ok_or_else(not_found)?;
        Ok(product_page(&web, &product, StatusCode::OK, None))
    }
    .await;
    result.unwrap_or_else(|error| web.error_page(&error))
}

fn product_page(
    web: &Web,
    product: &ProductView,
    status: StatusCode,
    error: Option<&str>,
) -> Response {
    let lang = web.lang;
    let in_stock: Vec<_> = product
        .variants
        .iter()
        .filter(|variant| variant.stock > 0)
        .collect();
    let body = html! {
        (kids_nav(web))
        article.kids-product {
            @if let Some(image) = product.images.first() {
                img src=(image.url) alt=(image.alt) width="360" height="360";
            }
            div {
                h1 { (product.title) }
                p.kids-price { (format_som(lang, product.price)) }
                p.age { (format_age_range(lang, product.age_min_months, product.age_max_months)) }
                @if let Some(error) = error { p.kids-notice role="alert" { span aria-hidden="true" { "🙈 " } (error) } }
                @if in_stock.is_empty() {
                    p.kids-notice role="status" { (web.t(T::OutOfStock)) }
                } @else {
                    form.kids-ask action="/kids/ask" method="post" {
                        (csrf_field(web))
                        input type="hidden" name="product_id" value=(product.id);
                        @if in_stock.len() == 1 {
                            input type="hidden" name="sku" value=(in_stock[0].sku);
                        } @else {
                            fieldset {
                                legend { (web.t(T::ChooseVariant)) }
                                @for (index, variant) in in_stock.iter().enumerate() {
                                    @let id = format!("kv-{index}");
                                    @let options = variant.options.values().cloned().collect::<Vec<_>>().join(", ");
                                    label.kids-choice for=(id) {
                                        input id=(id) type="radio" name="sku" value=(variant.sku) checked[index == 0] required;
                                        @if options.is_empty() { (variant.sku) } @else { (options) }
                                        " — " (format_som(lang, variant.price))
                                    }
                                }
                            }
                        }
                        button.kids-button.kids-ask-button type="submit" {
                            span aria-hidden="true" { "🙋 " } (web.t(T::KidsAskParent))
                        }
                    }
                }
            }
        }
    };
    web.page(status, &product.title, body)
}

/// The pickup point a child's request names (the parent changes nothing here: the order
/// waits for them, and they see where it goes before approving).
async fn default_pickup_point(state: &AppState) -> Result<i64, ApiError> {
    let id: Option<i64> = dispatch!(&state.0.db, |pool, _d| {
        sqlx::query_scalar("SELECT MIN(id) FROM pickup_points")
            .fetch_one(pool)
            .await
            .map_err(crate::db::DbError::from)?
    });
    id.ok_or_else(|| ApiError::internal("no pickup point is configured"))
}

/// `POST /kids/ask`: `product_id`, `sku`; the child's order waits for the parent.
pub async fn kids_ask(State(state): State<AppState>, form: WebForm) -> Response {
    let web = &form.web;
    let kid = match kid_of(&state, web).await {
        Ok(Some(kid)) => kid,
        Ok(None) => return web.redirect("/kids"),
        Err(error) => return web.error_page(&error),
    };
    let raw_product = form.get("product_id").unwrap_or_default().to_owned();
    let product = match parse_product_id(&raw_product) {
        Ok(id) => match kid_products(&state, web, &kid, [id]).await {
            Ok(found) => found.into_iter().next(),
            Err(error) => return web.error_page(&error),
        },
        Err(_) => None,
    };
    let Some(product) = product else {
        return web.error_page(&ApiError::not_found(
            "product_not_found",
            format!("product {raw_product} does not exist"),
        ));
    };
    let placed = async {
        let sku = form.require("sku")?.to_owned();
        if !product.variants.iter().any(|variant| variant.sku == sku) {
            return Err(ApiError::bad_request(
                "unknown_sku",
                "the variant is not this product's",
            ));
        }
        let buyer = crate::routes::orders::buyer_of(&state, &kid.user).await?;
        let input = CheckoutInput {
            lines: Some(vec![LineInput { sku, quantity: 1 }]),
            delivery: DeliveryInput::Pickup {
                pickup_point_id: default_pickup_point(&state).await?,
            },
            recipient_name: None,
            recipient_phone: None,
            promo_code: None,
            expected_total_tiyin: None,
        };
        let reply = checkout::place_order(
            &state.0.db,
            &state.0.commerce,
            Buyer {
                user: buyer.user,
                child: buyer.child,
            },
            &input,
            None,
            state.0.auth.now(),
        )
        .await?;
        reply
            .body
            .get("id")
            .and_then(serde_json::Value::as_i64)
            .ok_or_else(|| ApiError::internal("the placed order has no id"))
    }
    .await;
    match placed {
        Ok(order) => web.redirect(&format!("/kids/asked?order={order}")),
        Err(error) if error.status.is_client_error() => {
            let message = match error.code {
                "spending_limit_exceeded" => web.t(T::KidsLimitReached),
                _ => web.t(T::KidsAskFailed),
            };
            product_page(web, &product, error.status, Some(message))
        }
        Err(error) => web.error_page(&error),
    }
}

/// `GET /kids/asked?order=`: the confirmation that the parent was asked.
pub async fn kids_asked(
    State(state): State<AppState>,
    web: Web,
    RawQuery(raw): RawQuery,
) -> Response {
    let result = async {
        let Some(kid) = kid_of(&state, &web).await? else {
            return Ok(web.redirect("/kids"));
        };
        let order = decode_pairs(raw.as_deref().unwrap_or_default())
            .unwrap_or_default()
            .into_iter()
            .rev()
            .find(|(key, _)| key == "order")
            .and_then(|(_, value)| value.parse::<i64>().ok());
        let view = match order {
            Some(order) => Some(
                crate::commerce::orders::get_for_buyer(
                    &state.0.db,
                    kid.user.id,
                    crate::commerce::OrderId(order),
                )
                .await?,
            ),
            None => None,
        };
        let waiting = view
            .as_ref()
            .is_some_and(|view| view.status == OrderStatus::AwaitingParentApproval);
        let body = html! {
            (kids_nav(&web))
            section.kids-lock aria-labelledby="asked-heading" {
                p.kids-picture aria-hidden="true" { "💌" }
                h1 #asked-heading { (web.t(T::KidsAsked)) }
                @if let Some(view) = &view {
                    p.kids-lead data-order=(view.id.0) data-status=(view.status.as_str()) {
                        @if waiting { (web.t(T::KidsWaiting)) } @else { (web.t(T::KidsParentSees)) }
                    }
                }
                p { a.kids-button href="/kids" { span aria-hidden="true" { "🏠 " } (web.t(T::HomeLink)) } }
            }
        };
        Ok(web.page(StatusCode::OK, web.t(T::KidsAsked), body))
    }
    .await;
    result.unwrap_or_else(|error| web.error_page(&error))
}

fn exit_form(web: &Web, status: StatusCode, error: Option<&str>) -> Response {
    let body = html! {
        section.kids-lock aria-labelledby="exit-heading" {
            p.kids-picture aria-hidden="true" { "🔐" }
            h1 #exit-heading { (web.t(T::KidsLeaveTitle)) }
            @if let Some(error) = error { p.kids-notice role="alert" { (error) } }
            form.kids-pin action=(EXIT_PAGE) method="post" {
                (csrf_field(web))
                label for="pin" { (web.t(T::ParentPin)) }
                input #pin type="password" name="pin" inputmode="numeric" pattern="[0-9]{4,8}"
                    minlength="4" maxlength="8" required autocomplete="off";
                button.kids-button type="submit" { (web.t(T::Confirm)) }
            }
            p { a.kids-button.kids-quiet href="/kids" { span aria-hidden="true" { "🏠 " } (web.t(T::KidsBack)) } }
        }
    };
    web.page(status, web.t(T::KidsLeaveTitle), body)
}

/// `GET /kids/exit`: the PIN form.
pub async fn kids_exit_page(web: Web) -> Response {
    match web.user.as_ref().map(|user| user.role) {
        Some(Role::Child) => exit_form(&web, StatusCode::OK, None),
        _ => web.redirect("/"),
    }
}

/// `POST /kids/exit`: `pin`; the parent takes the device back.
pub async fn kids_exit_submit(State(state): State<AppState>, form: WebForm) -> Response {
    let web = &form.web;
    let Some(child) = web.user.as_ref().filter(|user| user.role == Role::Child) else {
        return web.redirect("/");
    };
    let pin = form.get("pin").unwrap_or_default().to_owned();
    match kids_mode::exit(&state, &web.meta, child, &pin).await {
        Ok(issued) => {
            let settings = state.0.auth.settings;
            let mut response = web.redirect("/parent");
            cookies::set_session(
                response.headers_mut(),
                &issued.access_token,
                settings.access_ttl_seconds,
                &issued.refresh_token,
                settings.refresh_ttl_seconds,
                &issued.csrf_token,
            );
            response
        }
        Err(error) => {
            let error = error.api_error();
            if !error.status.is_client_error() {
                return web.error_page(&error);
            }
            let message = match error.code {
                "wrong_pin" | "invalid_pin" => web.t(T::WrongPin),
                "pin_locked" | "rate_limited" => web.t(T::PinLocked),
                _ => error.message.as_str(),
            };
            let message = message.to_owned();
            exit_form(web, error.status, Some(&message))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn child(birth: Option<&str>, band: Option<&str>) -> ChildRow {
        ChildRow {
            id: ChildId(1),
            parent_user_id: UserId(1),
            user_id: UserId(2),
            nickname: "Aziz".to_owned(),
            birth_year_month: birth.map(str::to_owned),
            age_band: band.map(str::to_owned),
            avatar: "owl".to_owned(),
            status: "active".to_owned(),
            created_at: Utc::now(),
        }
    }

    #[test]
    fn a_child_s_age_comes_from_the_birth_month_or_the_band() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        assert_eq!(child_age_months(&child(Some("2020-06"), None), today), 78);
        assert_eq!(child_age_months(&child(None, Some("3-5")), today), 48);
        assert_eq!(child_age_months(&child(Some("2026-12"), None), today), 0);
    }

    #[test]
    fn only_kids_paths_stay_in_kids_mode() {
        assert!(is_kids_path("/kids"));
        assert!(is_kids_path("/kids/search?q=lego"));
        assert!(is_kids_path("/offline"));
        assert!(!is_kids_path("/kidsx"));
        assert!(!is_kids_path("/products/1"));
        assert_eq!(lock_reason("bedtime"), Some("bedtime"));
        assert_eq!(lock_reason("forbidden"), None);
    }
}
