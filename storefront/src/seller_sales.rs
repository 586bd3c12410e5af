//! A seller's sales summary (issue 7): per Tashkent day (UTC+5) the gross sales, commission,
//! net, units and orders of the seller's own shipments whose order is paid or later, the top
//! products by units, and the average published rating of the seller's products. Gross and
//! commission come from the seller ledger written when the order was paid.

use crate::db::{Db, DbResult, dispatch};
use chrono::{DateTime, FixedOffset, NaiveDate, Offset, Utc};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use utoipa::ToSchema;

/// Order statuses that count as sold (paid or later, not cancelled or refunded).
const SOLD: &str =
    "('paid', 'processing', 'shipped', 'delivered', 'completed', 'refund_requested')";

/// How many top products the summary lists.
pub const TOP_PRODUCTS: usize = 5;

/// Uzbekistan's time zone (UTC+5, no daylight saving).
pub fn tashkent() -> FixedOffset {
    FixedOffset::east_opt(5 * 3600).unwrap_or(Utc.fix())
}

/// One sold shipment.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SoldShipment {
    /// The order.
    pub order_id: i64,
    /// When the order was paid.
    pub paid_at: DateTime<Utc>,
    /// Sale amount credited (tiyin).
    pub gross_tiyin: i64,
    /// Commission debited (tiyin, positive).
    pub commission_tiyin: i64,
}

/// One sold line.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SoldLine {
    /// When the order was paid.
    pub paid_at: DateTime<Utc>,
    /// The product.
    pub product_id: i64,
    /// Title at the time of sale.
    pub title: String,
    /// Units.
    pub quantity: i64,
    /// Line total after its discount (tiyin).
    pub amount_tiyin: i64,
}

/// One day of sales.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SalesDay {
    /// Tashkent date, `YYYY-MM-DD`.
    pub date: String,
    /// Sales after discounts (tiyin).
    pub gross_tiyin: i64,
    /// Commission (tiyin).
    pub commission_tiyin: i64,
    /// Gross minus commission (tiyin).
    pub net_tiyin: i64,
    /// Units sold.
    pub units: i64,
    /// Orders.
    pub orders: i64,
}

/// A top product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct TopProduct {
    /// Product id.
    pub product_id: i64,
    /// Title at the time of the latest sale.
    pub title: String,
    /// Units sold.
    pub units: i64,
    /// Sales after discounts (tiyin).
    pub gross_tiyin: i64,
}

/// The summary.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SalesSummary {
    /// First day (inclusive).
    pub from: String,
    /// Last day (inclusive).
    pub to: String,
    /// Days with sales, oldest first.
    pub days: Vec<SalesDay>,
    /// Totals over the range.
    pub totals: SalesDay,
    /// Up to five products by units, then gross.
    pub top_products: Vec<TopProduct>,
    /// Average of the published reviews of the seller's products; `None` without reviews.
    pub average_rating: Option<f64>,
    /// Published reviews counted.
    pub review_count: i64,
}

impl Db {
    /// The seller's sold shipments (any date).
    pub async fn seller_sold_shipments(&self, seller_id: i64) -> DbResult<Vec<SoldShipment>> {
        let sql = format!(
            "SELECT s.order_id, o.paid_at, \
             CAST(COALESCE((SELECT SUM(l.amount_tiyin) FROM seller_ledger l \
               WHERE l.shipment_id = s.id AND l.kind = 'sale'), 0) AS BIGINT) AS gross_tiyin, \
             CAST(-COALESCE((SELECT SUM(l.amount_tiyin) FROM seller_ledger l \
               WHERE l.shipment_id = s.id AND l.kind = 'commission'), 0) AS BIGINT) \
               AS commission_tiyin \
             FROM shipments s JOIN orders o ON o.id = s.order_id \
             WHERE s.seller_id = $1 AND s.status <> 'cancelled' AND o.paid_at IS NOT NULL \
             AND o.status IN {SOLD} ORDER BY s.id"
        );
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_as::<_, SoldShipment>(&sql)
                .bind(seller_id)
                .fetch_all(pool)
                .await?
        }))
    }

    /// The lines of the seller's sold shipments (any date).
    pub async fn seller_sold_lines(&self, seller_id: i64) -> DbResult<Vec<SoldLine>> {
        let sql = format!(
            "SELECT o.paid_at, ol.product_id, ol.title, CAST(ol.quantity AS BIGINT) AS quantity, \
             CAST(ol.line_total_tiyin - ol.discount_tiyin AS BIGINT) AS amount_tiyin \
             FROM order_lines ol JOIN shipments s ON s.id = ol.shipment_id \
             JOIN orders o ON o.id = ol.order_id \
             WHERE s.seller_id = $1 AND s.status <> 'cancelled' AND o.paid_at IS NOT NULL \
             AND o.status IN {SOLD} ORDER BY ol.id"
        );
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_as::<_, SoldLine>(&sql)
                .bind(seller_id)
                .fetch_all(pool)
                .await?
        }))
    }

    /// Sum and count of the published ratings of the seller's products.
    pub async fn seller_rating(&self, seller_id: i64) -> DbResult<(i64, i64)> {
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_as::<_, (i64, i64)>(
                "SELECT CAST(COALESCE(SUM(r.rating), 0) AS BIGINT), CAST(COUNT(*) AS BIGINT) \
                 FROM reviews r JOIN products p ON p.id = r.product_id \
                 WHERE p.seller_id = $1 AND r.status = 'published'",
            )
            .bind(seller_id)
            .fetch_one(pool)
            .await?
        }))
    }
}

fn day_of(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&tashkent()).date_naive()
}

/// Builds the summary of `[from, to]` (Tashkent days, inclusive).
pub fn summarize(
    from: NaiveDate,
    to: NaiveDate,
    shipments: &[SoldShipment],
    lines: &[SoldLine],
    rating: (i64, i64),
) -> SalesSummary {
    let inside = |at: DateTime<Utc>| {
        let day = day_of(at);
        day >= from && day <= to
    };
    let mut days: BTreeMap<NaiveDate, (SalesDay, Vec<i64>)> = BTreeMap::new();
    let blank = |date: NaiveDate| SalesDay {
        date: date.format("%Y-%m-%d").to_string(),
        gross_tiyin: 0,
        commission_tiyin: 0,
        net_tiyin: 0,
        units: 0,
        orders: 0,
    };
    for shipment in shipments.iter().filter(|s| inside(s.paid_at)) {
        let date = day_of(shipment.paid_at);
        let (day, orders) = days
            .entry(date)
            .or_insert_with(|| (blank(date), Vec::new()));
        day.gross_tiyin += shipment.gross_tiyin;
        day.commission_tiyin += shipment.commission_tiyin;
        day.net_tiyin += shipment.gross_tiyin - shipment.commission_tiyin;
        orders.push(shipment.order_id);
    }
    let mut products: HashMap<i64, TopProduct> = HashMap::new();
    for line in lines.iter().filter(|l| inside(l.paid_at)) {
        let date = day_of(line.paid_at);
        let (day, _) = days
            .entry(date)
            .or_insert_with(|| (blank(date), Vec::new()));
        day.units += line.quantity;
        let product = products
            .entry(line.product_id)
            .or_insert_with(|| TopProduct {
                product_id: line.product_id,
                title: line.title.clone(),
                units: 0,
                gross_tiyin: 0,
            });
        product.title = line.title.clone();
        product.units += line.quantity;
        product.gross_tiyin += line.amount_tiyin;
    }
    let mut totals = SalesDay {
        date: String::new(),
        ..blank(from)
    };
    let days: Vec<SalesDay> = days
        .into_values()
        .map(|(mut day, mut orders)| {
            orders.sort_unstable();
            orders.dedup();
            day.orders = orders.len() as i64;
            totals.gross_tiyin += day.gross_tiyin;
            totals.commission_tiyin += day.commission_tiyin;
            totals.net_tiyin += day.net_tiyin;
            totals.units += day.units;
            totals.orders += day.orders;
            day
        })
        .collect();
    let mut top: Vec<TopProduct> = products.into_values().collect();
    top.sort_by(|a, b| {
        b.units
            .cmp(&a.units)
            .then(b.gross_tiyin.cmp(&a.gross_tiyin))
            .then(a.product_id.cmp(&b.product_id))
    });
    top.truncate(TOP_PRODUCTS);
    let (sum, count) = rating;
    SalesSummary {
        from: from.format("%Y-%m-%d").to_string(),
        to: to.format("%Y-%m-%d").to_string(),
        days,
        totals,
        top_products: top,
        average_rating: (count > 0).then(|| ((sum as f64 / count as f64) * 100.0).round() / 100.0),
        review_count: count,
    }
}
