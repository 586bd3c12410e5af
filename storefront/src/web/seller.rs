//! The seller dashboard (issue 9): `GET /seller` (products with their moderation status and
//! reasons, stock, orders to fulfil, sales analytics drawn as server-rendered SVG charts),
//! `GET/POST /seller/products/new` and `/seller/products/{id}` (create and edit a listing; every
//! save is screened and queued exactly as through the JSON API), and
//! `POST /seller/shipments/{id}/status` (mark a shipment processing, shipped or delivered).
//!
//! A seller sees and edits only their own shop's products and shipments: anyone else's answers
//! 404, the same as a product that does not exist. Image upload on the edit page goes through
//! `POST /api/v1/seller/products/{id}/images` from the dashboard script (the raw file as the
//! body, the session's CSRF token in `X-CSRF-Token`).

use super::admin::{StaffArea, reasons_list, require_staff};
use super::i18n::{T, UiLang};
use super::layout::{format_age_range, format_som};
use super::session::{Web, WebForm, csrf_field};
use crate::commerce::ShipmentId;
use crate::commerce::shipments::{self, ShipmentStep};
use crate::db::catalog::ProductRecord;
use crate::db::{Db, DbResult, dispatch};
use crate::listings::{self, ListingRequest, TextsInput, VariantInput};
use crate::moderation_queue::{ItemRow, QueueState};
use crate::seller_sales::{self, SalesSummary, tashkent};
use crate::{ApiError, AppState};
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Days;
use maud::{Markup, html};
use std::collections::BTreeMap;

/// Products listed on the dashboard (newest first).
const PRODUCTS_SHOWN: usize = 50;
/// Variant rows a form accepts.
const MAX_FORM_VARIANTS: usize = 20;
/// Days in the sales chart.
const SALES_DAYS: u64 = 30;

const LANG_FIELDS: [(&str, T); 4] = [
    ("uz", T::LangUzLatn),
    ("uz_cyrl", T::LangUzCyrl),
    ("ru", T::LangRu),
    ("en", T::LangEn),
];

fn seller_shop(web: &Web) -> Result<i64, Box<Response>> {
    let user = require_staff(web, StaffArea::Seller, true)?;
    listings::seller_of(&user).map_err(|error| Box::new(web.error_page(&error)))
}

/// A shipment of a paid order that the seller still has to deliver.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FulfilRow {
    /// The shipment.
    pub id: i64,
    /// Its order.
    pub order_id: i64,
    /// `pending`, `processing` or `shipped`.
    pub status: String,
    /// Lines less the promo share (tiyin).
    pub amount_tiyin: i64,
    /// Carrier tracking code.
    pub tracking_code: Option<String>,
}

impl Db {
    /// The seller's shipments of paid orders not delivered yet, newest first.
    pub async fn shipments_to_fulfil(&self, seller_id: i64) -> DbResult<Vec<FulfilRow>> {
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_as::<_, FulfilRow>(
                "SELECT s.id, s.order_id, s.status, \
                 CAST(s.subtotal_tiyin - s.discount_tiyin AS BIGINT) AS amount_tiyin, \
                 s.tracking_code FROM shipments s JOIN orders o ON o.id = s.order_id \
                 WHERE s.seller_id = $1 AND s.status IN ('pending', 'processing', 'shipped') \
                 AND o.status IN ('paid', 'processing', 'shipped') \
                 ORDER BY s.id DESC LIMIT 100",
            )
            .bind(seller_id)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Published ratings of the seller's products by stars: `[1★, 2★, 3★, 4★, 5★]`.
    pub async fn seller_rating_histogram(&self, seller_id: i64) -> DbResult<[i64; 5]> {
        let rows: Vec<(i64, i64)> = dispatch!(self, |pool, _d| {
            sqlx::query_as(
                "SELECT CAST(r.rating AS BIGINT), CAST(COUNT(*) AS BIGINT) FROM reviews r \
                 JOIN products p ON p.id = r.product_id \
                 WHERE p.seller_id = $1 AND r.status = 'published' GROUP BY r.rating",
            )
            .bind(seller_id)
            .fetch_all(pool)
            .await?
        });
        let mut histogram = [0; 5];
        for (rating, count) in rows {
            if let Some(slot) = usize::try_from(rating - 1)
                .ok()
                .and_then(|index| histogram.get_mut(index))
            {
                *slot = count;
            }
        }
        Ok(histogram)
    }
}

/// The label of a queue state, for sellers.
pub fn moderation_label(state: QueueState) -> T {
    match state {
        QueueState::Pending => T::StatePending,
        QueueState::AutoApproved => T::StateAutoApproved,
        QueueState::Flagged => T::StateFlagged,
        QueueState::Appealed => T::StateAppealed,
        QueueState::Approved => T::StateApproved,
        QueueState::Rejected => T::StateRejected,
    }
}

fn status_badge(web: &Web, item: Option<&ItemRow>, status: &str) -> Markup {
    let state = item.and_then(|item| item.state().ok());
    let class = match state {
        Some(QueueState::Approved | QueueState::AutoApproved) => "badge",
        Some(QueueState::Rejected) => "badge bad",
        Some(_) => "badge wait",
        None if status == "approved" => "badge",
        None => "badge wait",
    };
    let label = match state {
        Some(state) => web.t(moderation_label(state)),
        None if status == "approved" => web.t(T::StateApproved),
        None => web.t(T::StatePending),
    };
    html! { span class=(class) { (label) } }
}

/// A bar chart of daily gross sales (server-rendered SVG with a data table beside it).
fn sales_chart(web: &Web, summary: &SalesSummary, days: &[chrono::NaiveDate]) -> Markup {
    let by_day: BTreeMap<&str, i64> = summary
        .days
        .iter()
        .map(|day| (day.date.as_str(), day.gross_tiyin))
        .collect();
    let values: Vec<(String, i64)> = days
        .iter()
        .map(|day| {
            let key = day.format("%Y-%m-%d").to_string();
            let value = by_day.get(key.as_str()).copied().unwrap_or(0);
            (key, value)
        })
        .collect();
    let max = values.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let (width, height, top, bottom) = (600.0_f64, 200.0_f64, 10.0_f64, 24.0_f64);
    let slot = width / values.len().max(1) as f64;
    let plot = height - top - bottom;
    html! {
        figure.chart {
            svg viewBox={ "0 0 " (width) " " (height) } role="img" aria-labelledby="sales-title sales-desc" {
                title #sales-title { (web.t(T::SalesOverTime)) }
                desc #sales-desc { (web.t(T::Total)) ": " (format_som(web.lang, summary.totals.gross_tiyin)) }
                line.axis x1="0" y1=(height - bottom) x2=(width) y2=(height - bottom) {}
                @for (index, (day, value)) in values.iter().enumerate() {
                    @let bar = (*value as f64 / max as f64) * plot;
                    rect.bar x=(format!("{:.1}", index as f64 * slot + 1.0)) y=(format!("{:.1}", height - bottom - bar))
                        width=(format!("{:.1}", (slot - 2.0).max(1.0))) height=(format!("{:.1}", bar)) {
                        title { (day) ": " (format_som(web.lang, *value)) }
                    }
                }
                @if let (Some(first), Some(last)) = (values.first(), values.last()) {
                    text.tick x="0" y=(height - 6.0) { (first.0.get(5..).unwrap_or_default()) }
                    text.tick x=(width) y=(height - 6.0) text-anchor="end" { (last.0.get(5..).unwrap_or_default()) }
                }
            }
            figcaption {
                (web.t(T::SalesOverTime)) " · " (summary.from) " — " (summary.to) " · "
                (web.t(T::Total)) ": " (format_som(web.lang, summary.totals.gross_tiyin))
                " · " (web.t(T::Orders)) ": " (summary.totals.orders)
            }
        }
        details.chart-data {
            summary { (web.t(T::ShowAsTable)) }
            div.table-wrap tabindex="0" role="region" aria-label=(web.t(T::SalesOverTime)) {
                table.data {
                    thead { tr { th scope="col" { (web.t(T::Date)) } th scope="col" { (web.t(T::Sales)) } } }
                    tbody {
                        @for day in &summary.days {
                            tr { td { (day.date) } td { (format_som(web.lang, day.gross_tiyin)) } }
                        }
                    }
                }
            }
        }
    }
}

/// Horizontal bars: one per (label, value), each with its label and value as text beside an
/// SVG bar (so the text stays readable at any width).
fn bar_list(id: &str, title: &str, rows: &[(String, i64, String)]) -> Markup {
    let max = rows.iter().map(|(_, v, _)| *v).max().unwrap_or(0).max(1);
    html! {
        figure.chart {
            ul.bars aria-labelledby={ (id) "-title" } {
                @for (label, value, shown) in rows {
                    li {
                        span.bar-label { (label) }
                        svg.bar-track width="100%" height="14" aria-hidden="true" focusable="false" {
                            rect.bar x="0" y="0" height="14" rx="3"
                                width=(format!("{:.1}%", (*value as f64 / max as f64) * 100.0)) {}
                        }
                        span.bar-value { (shown) }
                    }
                }
            }
            figcaption id={ (id) "-title" } { (title) }
        }
    }
}

/// `GET /seller`: the dashboard.
pub async fn dashboard_page(State(state): State<AppState>, web: Web) -> Response {
    let seller = match seller_shop(&web) {
        Ok(seller) => seller,
        Err(refusal) => return *refusal,
    };
    let db = &state.0.db;
    let loaded = async {
        let products = db.seller_products(seller).await?;
        let ids: Vec<i64> = products
            .iter()
            .rev()
            .take(PRODUCTS_SHOWN)
            .map(|(id, ..)| *id)
            .collect();
        let records = db.product_records(&ids).await?;
        let shipments = db.shipments_to_fulfil(seller).await?;
        let to = state.0.auth.now().with_timezone(&tashkent()).date_naive();
        let from = to.checked_sub_days(Days::new(SALES_DAYS - 1)).unwrap_or(to);
        let sold = db.seller_sold_shipments(seller).await?;
        let lines = db.seller_sold_lines(seller).await?;
        let rating = db.seller_rating(seller).await?;
        let summary = seller_sales::summarize(from, to, &sold, &lines, rating);
        let histogram = db.seller_rating_histogram(seller).await?;
        let days: Vec<chrono::NaiveDate> = from.iter_days().take_while(|day| *day <= to).collect();
        Ok::<_, ApiError>((products, records, shipments, summary, histogram, days))
    }
    .await;
    let (products, records, shipments, summary, histogram, days) = match loaded {
        Ok(loaded) => loaded,
        Err(error) => return web.error_page(&error),
    };
    let records: BTreeMap<i64, &ProductRecord> = records
        .iter()
        .map(|record| (record.product.id, record))
        .collect();
    let open = &shipments;
    let lang = web.lang;
    let top_rows: Vec<(String, i64, String)> = summary
        .top_products
        .iter()
        .map(|top| {
            (
                top.title.clone(),
                top.units,
                format!("{} · {}", top.units, format_som(lang, top.gross_tiyin)),
            )
        })
        .collect();
    let rating_rows: Vec<(String, i64, String)> = (1..=5)
        .rev()
        .map(|stars| {
            let count = histogram[stars - 1];
            (format!("{stars} ★"), count, count.to_string())
        })
        .collect();
    let body = html! {
        h1 { (web.t(T::SellerDashboard)) }
        nav.subnav aria-label=(web.t(T::SellerDashboard)) {
            ul {
                li { a href="#products" { (web.t(T::Products)) } }
                li { a href="#orders" { (web.t(T::OrdersToFulfil)) } }
                li { a href="#analytics" { (web.t(T::SalesAnalytics)) } }
                li { a.button href="/seller/products/new" { (web.t(T::NewProduct)) } }
            }
        }
        section aria-labelledby="products" {
            h2 #products { (web.t(T::Products)) " (" (products.len()) ")" }
            @if products.is_empty() {
                p { (web.t(T::NoProductsYet)) }
            } @else {
                ul.product-rows {
                    @for (id, title, status, item) in products.iter().rev().take(PRODUCTS_SHOWN) {
                        @let record = records.get(id);
                        @let stock: i64 = record.map_or(0, |r| r.variants.iter().map(|v| v.stock).sum());
                        @let price = record.map(|r| r.stock_and_price().1);
                        li.product-row {
                            div.row-head {
                                a.item-title href={ "/seller/products/" (id) } { (title) }
                                (status_badge(&web, item.as_ref(), status))
                            }
                            p.meta {
                                "#" (id)
                                @if let Some(price) = price { " · " (format_som(lang, price)) }
                                " · " (web.t(T::Stock)) ": " (stock)
                            }
                            @if let Some(item) = item {
                                @if let Ok(reasons) = item.reasons() {
                                    @if !reasons.is_empty() && item.state().is_ok_and(|s| s != QueueState::AutoApproved && s != QueueState::Approved) {
                                        details {
                                            summary { (web.t(T::WhyHeld)) }
                                            (reasons_list(&web, &reasons))
                                            @if let Some(reason) = &item.decision_reason { p { (web.t(T::ModeratorSaid)) ": " (reason) } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="orders" {
            h2 #orders { (web.t(T::OrdersToFulfil)) " (" (open.len()) ")" }
            @if open.is_empty() {
                p { (web.t(T::NothingToFulfil)) }
            } @else {
                ul.product-rows {
                    @for shipment in open {
                        @let next = next_step(&shipment.status);
                        li.product-row data-order=(shipment.order_id) {
                            div.row-head {
                                strong { (web.t(T::Order)) " #" (shipment.order_id) }
                                span.badge.wait { (shipment_label(lang, &shipment.status)) }
                            }
                            p.meta {
                                (web.t(T::Shipment)) " #" (shipment.id) " · "
                                (format_som(lang, shipment.amount_tiyin))
                                @if let Some(code) = &shipment.tracking_code { " · " (web.t(T::TrackingCode)) ": " (code) }
                            }
                            @if let Some((status, label)) = next {
                                form.inline-wrap action={ "/seller/shipments/" (shipment.id) "/status" } method="post" {
                                    (csrf_field(&web))
                                    input type="hidden" name="status" value=(status);
                                    @if status == "shipped" {
                                        label for={ "track-" (shipment.id) } { (web.t(T::TrackingCode)) }
                                        input id={ "track-" (shipment.id) } type="text" name="tracking_code" maxlength="64" pattern="[A-Za-z0-9\\-]*";
                                    }
                                    button type="submit" { (web.t(label)) }
                                }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="analytics" {
            h2 #analytics { (web.t(T::SalesAnalytics)) }
            dl.stats {
                div.stat { dt { (web.t(T::Sales30Days)) } dd { (format_som(lang, summary.totals.gross_tiyin)) } }
                div.stat { dt { (web.t(T::NetAfterCommission)) } dd { (format_som(lang, summary.totals.net_tiyin)) } }
                div.stat { dt { (web.t(T::UnitsSold)) } dd { (summary.totals.units) } }
                div.stat { dt { (web.t(T::AverageRating)) } dd {
                    @match summary.average_rating { Some(avg) => { (format!("{avg:.2}")) " ★ (" (summary.review_count) ")" } None => { "—" } }
                } }
            }
            h3 { (web.t(T::SalesOverTime)) }
            (sales_chart(&web, &summary, &days))
            h3 { (web.t(T::TopProducts)) }
            @if top_rows.is_empty() { p { (web.t(T::NothingYet)) } } @else { (bar_list("top", web.t(T::TopProducts), &top_rows)) }
            h3 { (web.t(T::Ratings)) }
            (bar_list("ratings", web.t(T::Ratings), &rating_rows))
        }
    };
    web.page(StatusCode::OK, web.t(T::SellerDashboard), body)
}

/// The step a shipment takes next, with its button's label.
fn next_step(status: &str) -> Option<(&'static str, T)> {
    match status {
        "pending" => Some(("processing", T::MarkProcessing)),
        "processing" => Some(("shipped", T::MarkShipped)),
        "shipped" => Some(("delivered", T::MarkDelivered)),
        _ => None,
    }
}

fn shipment_label(lang: UiLang, status: &str) -> &'static str {
    match status {
        "pending" => lang.t(T::StatusPaid),
        "processing" => lang.t(T::StatusProcessing),
        "shipped" => lang.t(T::StatusShipped),
        "delivered" => lang.t(T::StatusDelivered),
        _ => lang.t(T::StatusCancelled),
    }
}

/// The values a listing form shows.
#[derive(Debug, Clone, Default)]
struct FormValues {
    titles: [String; 4],
    descriptions: [String; 4],
    category_id: Option<i64>,
    age_min: String,
    age_max: String,
    /// (sku, price in so'm as typed, stock as typed, options JSON).
    variants: Vec<(String, String, String, BTreeMap<String, String>)>,
}

impl FormValues {
    fn blank() -> Self {
        Self {
            age_min: "36".to_owned(),
            age_max: "96".to_owned(),
            variants: vec![(
                String::new(),
                String::new(),
                "10".to_owned(),
                BTreeMap::new(),
            )],
            ..Self::default()
        }
    }

    fn of(record: &ProductRecord) -> Self {
        let product = &record.product;
        let texts = |t: crate::db::catalog::ProductTexts| {
            [
                t.uz.unwrap_or_default(),
                t.uz_cyrl.unwrap_or_default(),
                t.ru.unwrap_or_default(),
                t.en.unwrap_or_default(),
            ]
        };
        Self {
            titles: texts(product.titles()),
            descriptions: texts(product.descriptions()),
            category_id: Some(product.category_id),
            age_min: product.age_min_months.to_string(),
            age_max: product.age_max_months.to_string(),
            variants: record
                .variants
                .iter()
                .map(|variant| {
                    (
                        variant.sku.clone(),
                        som_text(variant.price_tiyin),
                        variant.stock.to_string(),
                        serde_json::from_str(&variant.options).unwrap_or_default(),
                    )
                })
                .collect(),
        }
    }

    fn from_form(form: &WebForm, existing: Option<&ProductRecord>) -> Self {
        let field = |name: &str| form.get(name).unwrap_or_default().to_owned();
        let titles = LANG_FIELDS.map(|(code, _)| field(&format!("title_{code}")));
        let descriptions = LANG_FIELDS.map(|(code, _)| field(&format!("description_{code}")));
        let mut variants = Vec::new();
        for index in 0..MAX_FORM_VARIANTS {
            let sku = field(&format!("sku_{index}"));
            if sku.is_empty() && form.get(&format!("price_{index}")).is_none() {
                continue;
            }
            let options = existing
                .and_then(|record| record.variants.iter().find(|v| v.sku == sku))
                .map(|variant| serde_json::from_str(&variant.options).unwrap_or_default())
                .unwrap_or_default();
            variants.push((
                sku,
                field(&format!("price_{index}")),
                field(&format!("stock_{index}")),
                options,
            ));
        }
        Self {
            titles,
            descriptions,
            category_id: form.get("category_id").and_then(|v| v.parse().ok()),
            age_min: field("age_min"),
            age_max: field("age_max"),
            variants,
        }
    }

    fn request(&self) -> Result<ListingRequest, ApiError> {
        let texts = |values: &[String; 4]| {
            let pick = |index: usize| Some(values[index].clone()).filter(|text| !text.is_empty());
            TextsInput {
                uz: pick(0),
                uz_cyrl: pick(1),
                ru: pick(2),
                en: pick(3),
            }
        };
        let category_id = self.category_id.ok_or_else(|| {
            ApiError::bad_request("unknown_category", "choose the product's category")
        })?;
        let age = |raw: &str| {
            raw.trim().parse::<i64>().map_err(|_| {
                ApiError::bad_request("invalid_age_range", "ages are whole months from 0 to 216")
            })
        };
        let variants = self
            .variants
            .iter()
            .filter(|(sku, price, ..)| !(sku.is_empty() && price.is_empty()))
            .map(|(sku, price, stock, options)| {
                Ok(VariantInput {
                    sku: sku.clone(),
                    price_tiyin: parse_som(price).ok_or_else(|| {
                        ApiError::bad_request(
                            "invalid_price",
                            format!(
                                "the price of {sku} must be a sum in so'm, e.g. 125000 or 125000.50"
                            ),
                        )
                    })?,
                    stock: stock.trim().parse::<i64>().map_err(|_| {
                        ApiError::bad_request(
                            "invalid_stock",
                            format!("the stock of {sku} must be a whole number"),
                        )
                    })?,
                    options: options.clone(),
                })
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        Ok(ListingRequest {
            title: texts(&self.titles),
            description: texts(&self.descriptions),
            category_id,
            brand_id: None,
            age_min_months: age(&self.age_min)?,
            age_max_months: age(&self.age_max)?,
            variants,
        })
    }
}

/// Formats tiyin as a so'm amount a form field accepts back (`125000` or `125000.50`).
fn som_text(tiyin: i64) -> String {
    if tiyin % 100 == 0 {
        (tiyin / 100).to_string()
    } else {
        format!("{}.{:02}", tiyin / 100, tiyin % 100)
    }
}

/// Parses a so'm amount (`125 000`, `125000,5`, `125000.50`) into tiyin.
pub fn parse_som(raw: &str) -> Option<i64> {
    let cleaned: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
        .collect();
    let (whole, fraction) = match cleaned.split_once(['.', ',']) {
        Some((whole, fraction)) => (whole, fraction),
        None => (cleaned.as_str(), ""),
    };
    if whole.is_empty()
        || whole.len() > 12
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || fraction.len() > 2
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let som: i64 = whole.parse().ok()?;
    let tiyin: i64 = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<i64>().ok()? * 10,
        _ => fraction.parse().ok()?,
    };
    som.checked_mul(100)?.checked_add(tiyin)
}

/// Leaf categories (those a listing may use), by name in `lang`.
fn leaf_categories(state: &AppState, lang: UiLang) -> Vec<(i64, String)> {
    let catalog = state.0.catalog();
    let parents: std::collections::HashSet<i64> = catalog
        .categories
        .values()
        .filter_map(|row| row.parent_id)
        .collect();
    let mut leaves: Vec<(i64, String)> = catalog
        .categories
        .values()
        .filter(|row| !parents.contains(&row.id))
        .map(|row| {
            let name = crate::catalog::category_row_name(row, lang.engine_lang()).to_owned();
            let parent = row
                .parent_id
                .and_then(|parent| catalog.categories.get(&(parent as u64)))
                .map(|parent| crate::catalog::category_row_name(parent, lang.engine_lang()));
            (
                row.id,
                match parent {
                    Some(parent) => format!("{parent} › {name}"),
                    None => name,
                },
            )
        })
        .collect();
    leaves.sort_by(|a, b| a.1.cmp(&b.1));
    leaves
}

fn listing_form(
    state: &AppState,
    web: &Web,
    action: &str,
    values: &FormValues,
    error: Option<&ApiError>,
) -> Markup {
    let categories = leaf_categories(state, web.lang);
    let lang = web.lang;
    html! {
        @if let Some(error) = error {
            p.error role="alert" #form-error { (error.message) " (" (error.code) ")" }
        }
        form.stack.wide action=(action) method="post" {
            (csrf_field(web))
            fieldset {
                legend { (web.t(T::ProductTitle)) }
                p.hint { (web.t(T::AtLeastOneLanguage)) }
                @for (index, (code, label)) in LANG_FIELDS.iter().enumerate() {
                    label for={ "title_" (code) } { (web.t(*label)) }
                    input id={ "title_" (code) } type="text" name={ "title_" (code) } value=(values.titles[index]) maxlength="200";
                }
            }
            fieldset {
                legend { (web.t(T::Description)) }
                @for (index, (code, label)) in LANG_FIELDS.iter().enumerate() {
                    label for={ "description_" (code) } { (web.t(*label)) }
                    textarea id={ "description_" (code) } name={ "description_" (code) } rows="3" maxlength="5000" { (values.descriptions[index]) }
                }
            }
            label for="category_id" { (web.t(T::Category)) }
            select #category_id name="category_id" required {
                option value="" { "—" }
                @for (id, name) in &categories {
                    option value=(id) selected[values.category_id == Some(*id)] { (name) }
                }
            }
            div.pair {
                div {
                    label for="age_min" { (web.t(T::AgeFromMonths)) }
                    input #age_min type="number" name="age_min" min="0" max="216" required value=(values.age_min);
                }
                div {
                    label for="age_max" { (web.t(T::AgeToMonths)) }
                    input #age_max type="number" name="age_max" min="0" max="216" required value=(values.age_max);
                }
            }
            @if let (Ok(min), Ok(max)) = (values.age_min.parse::<u16>(), values.age_max.parse::<u16>()) {
                p.hint { (format_age_range(lang, min, max)) }
            }
            @for (index, (sku, price, stock, _)) in values.variants.iter().enumerate() {
                fieldset.variant-row {
                    legend { (web.t(T::Variant)) " " (index + 1) }
                    label for={ "sku_" (index) } { (web.t(T::Sku)) }
                    input id={ "sku_" (index) } type="text" name={ "sku_" (index) } value=(sku) maxlength="64" required pattern="[A-Za-z0-9._\\-]+";
                    div.pair {
                        div {
                            label for={ "price_" (index) } { (web.t(T::PriceSom)) }
                            input id={ "price_" (index) } type="text" inputmode="decimal" name={ "price_" (index) } value=(price) required maxlength="20";
                        }
                        div {
                            label for={ "stock_" (index) } { (web.t(T::Stock)) }
                            input id={ "stock_" (index) } type="number" name={ "stock_" (index) } value=(stock) min="0" max="1000000" required;
                        }
                    }
                }
            }
            p.hint { (web.t(T::ScreenedOnSave)) }
            button type="submit" { (web.t(T::SaveAndSubmit)) }
        }
    }
}

/// `GET /seller/products/new`.
pub async fn new_product_page(State(state): State<AppState>, web: Web) -> Response {
    if let Err(refusal) = seller_shop(&web) {
        return *refusal;
    }
    let body = html! {
        p { a href="/seller" { "← " (web.t(T::SellerDashboard)) } }
        h1 { (web.t(T::NewProduct)) }
        (listing_form(&state, &web, "/seller/products/new", &FormValues::blank(), None))
    };
    web.page(StatusCode::OK, web.t(T::NewProduct), body)
}

/// `POST /seller/products/new`: creates the listing (screened and queued).
pub async fn create_product_submit(State(state): State<AppState>, form: WebForm) -> Response {
    let web = &form.web;
    let seller = match seller_shop(web) {
        Ok(seller) => seller,
        Err(refusal) => return *refusal,
    };
    let values = FormValues::from_form(&form, None);
    let created = match values.request() {
        Ok(request) => listings::create_listing(&state.0, seller, &request).await,
        Err(error) => Err(error),
    };
    match created {
        Ok(view) => web.redirect(&format!("/seller/products/{}?saved=1", view.id)),
        Err(error) if error.status.is_client_error() => {
            let body = html! {
                p { a href="/seller" { "← " (web.t(T::SellerDashboard)) } }
                h1 { (web.t(T::NewProduct)) }
                (listing_form(&state, web, "/seller/products/new", &values, Some(&error)))
            };
            web.page(error.status, web.t(T::NewProduct), body)
        }
        Err(error) => web.error_page(&error),
    }
}

fn parse_id(raw: &str) -> Result<i64, ApiError> {
    crate::routes::seller::parse_product_id(raw).map_err(|_| {
        ApiError::not_found("product_not_found", format!("product {raw} does not exist"))
    })
}

#[expect(clippy::too_many_arguments, reason = "one page, all of its parts")]
fn edit_page(
    state: &AppState,
    web: &Web,
    record: &ProductRecord,
    item: Option<&ItemRow>,
    images: &[(i64, String, i64, i64, String)],
    values: &FormValues,
    error: Option<&ApiError>,
    saved: bool,
) -> Markup {
    let id = record.product.id;
    let reasons = item
        .and_then(|item| item.reasons().ok())
        .unwrap_or_default();
    html! {
        p { a href="/seller" { "← " (web.t(T::SellerDashboard)) } }
        h1 { (web.t(T::EditProduct)) " #" (id) }
        @if saved { p.notice role="status" { (web.t(T::SavedAndScreened)) } }
        section.moderation-box aria-labelledby="moderation-heading" {
            h2 #moderation-heading { (web.t(T::ModerationStatus)) }
            p { (status_badge(web, item, &record.product.status)) }
            @if let Some(item) = item {
                p.hint { (web.t(T::AiScore)) ": " (format!("{:.2}", item.top_score)) " · " (item.screened_by) }
                (reasons_list(web, &reasons))
                @if let Some(reason) = &item.decision_reason { p { (web.t(T::ModeratorSaid)) ": " (reason) } }
            }
        }
        section aria-labelledby="images-heading" {
            h2 #images-heading { (web.t(T::Photos)) " (" (images.len()) ")" }
            @if !images.is_empty() {
                ul.plain {
                    @for (image_id, content_type, width, height, _) in images {
                        li { "#" (image_id) " · " (content_type) " · " (width) "×" (height) }
                    }
                }
            }
            div.upload data-upload={ "/api/v1/seller/products/" (id) "/images" } data-csrf=(web.csrf) hidden {
                label for="image-file" { (web.t(T::ChoosePhoto)) }
                input #image-file type="file" accept="image/jpeg,image/png,image/webp,image/gif";
                button.secondary type="button" #image-upload { (web.t(T::Upload)) }
                p.hint #upload-status role="status" {}
            }
            p.hint.no-script { (web.t(T::UploadNeedsScript)) }
        }
        h2 { (web.t(T::EditProduct)) }
        (listing_form(state, web, &format!("/seller/products/{id}"), values, error))
        script src=(super::assets::DASH_SCRIPT.path()) defer {}
    }
}

/// `GET /seller/products/{id}`: the listing's moderation, images and edit form (own only).
pub async fn edit_product_page(
    State(state): State<AppState>,
    web: Web,
    Path(raw): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let seller = match seller_shop(&web) {
        Ok(seller) => seller,
        Err(refusal) => return *refusal,
    };
    let saved = query.as_deref().is_some_and(|q| q.contains("saved=1"));
    let loaded = async {
        let id = parse_id(&raw)?;
        let (record, item) = listings::owned_listing(&state.0, seller, id).await?;
        let images = state.0.db.listing_images_of(id).await?;
        Ok::<_, ApiError>((record, item, images))
    }
    .await;
    match loaded {
        Ok((record, item, images)) => {
            let values = FormValues::of(&record);
            let body = edit_page(
                &state,
                &web,
                &record,
                item.as_ref(),
                &images,
                &values,
                None,
                saved,
            );
            web.page(StatusCode::OK, web.t(T::EditProduct), body)
        }
        Err(error) => web.error_page(&error),
    }
}

/// `POST /seller/products/{id}`: replaces the listing (screened and queued again).
pub async fn edit_product_submit(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    form: WebForm,
) -> Response {
    let web = &form.web;
    let seller = match seller_shop(web) {
        Ok(seller) => seller,
        Err(refusal) => return *refusal,
    };
    let id = match parse_id(&raw) {
        Ok(id) => id,
        Err(error) => return web.error_page(&error),
    };
    let (record, item) = match listings::owned_listing(&state.0, seller, id).await {
        Ok(found) => found,
        Err(error) => return web.error_page(&error),
    };
    let values = FormValues::from_form(&form, Some(&record));
    let updated = match values.request() {
        Ok(request) => listings::update_listing(&state.0, seller, id, &request).await,
        Err(error) => Err(error),
    };
    match updated {
        Ok(_) => web.redirect(&format!("/seller/products/{id}?saved=1")),
        Err(error) if error.status.is_client_error() => {
            let images = state.0.db.listing_images_of(id).await.unwrap_or_default();
            let body = edit_page(
                &state,
                web,
                &record,
                item.as_ref(),
                &images,
                &values,
                Some(&error),
                false,
            );
            web.page(error.status, web.t(T::EditProduct), body)
        }
        Err(error) => web.error_page(&error),
    }
}

/// `POST /seller/shipments/{id}/status`: `status` (processing, shipped, delivered) and
/// `tracking_code`; audited like the API's.
pub async fn advance_shipment_submit(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    form: WebForm,
) -> Response {
    let web = &form.web;
    let seller = match seller_shop(web) {
        Ok(seller) => seller,
        Err(refusal) => return *refusal,
    };
    let Some(user) = &web.user else {
        return web.redirect("/signin?next=/seller");
    };
    let result = async {
        let id = ShipmentId(crate::routes::orders::parse_path_id(
            &raw,
            "shipment_not_found",
            "shipment",
        )?);
        let step = match form.get("status") {
            Some("processing") => ShipmentStep::Processing,
            Some("shipped") => ShipmentStep::Shipped,
            Some("delivered") => ShipmentStep::Delivered,
            _ => {
                return Err(ApiError::bad_request(
                    "invalid_status",
                    "status must be processing, shipped or delivered",
                ));
            }
        };
        let tracking = form.get("tracking_code").filter(|code| !code.is_empty());
        let view = shipments::advance(
            &state.0.db,
            seller,
            user.id,
            id,
            step,
            tracking,
            state.0.auth.now(),
        )
        .await?;
        crate::auth::audit(
            &state,
            &web.meta,
            Some(user.id),
            "shipment_advanced",
            None,
            serde_json::json!({
                "shipment_id": id,
                "order_id": view.shipment.order_id,
                "status": step,
            }),
        )
        .await?;
        Ok::<(), ApiError>(())
    }
    .await;
    match result {
        Ok(()) => web.redirect("/seller#orders"),
        Err(error) => web.error_page(&error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_in_som_become_tiyin() {
        assert_eq!(parse_som("125000"), Some(12_500_000));
        assert_eq!(parse_som("125 000"), Some(12_500_000));
        assert_eq!(parse_som("125000,5"), Some(12_500_050));
        assert_eq!(parse_som("125000.05"), Some(12_500_005));
        for bad in [
            "",
            "-5",
            "1e5",
            "12.345",
            "abc",
            ".5",
            "1 000 000 000 000 000",
        ] {
            assert_eq!(parse_som(bad), None, "{bad}");
        }
        assert_eq!(som_text(12_500_050), "125000.50");
        assert_eq!(parse_som(&som_text(12_500_050)), Some(12_500_050));
    }
}
