//! Checkout: prices lines at the live price, checks stock, delivery and promo, and places the
//! order in one transaction — reserving stock with a conditional update
//! (`… SET stock = stock - q, reserved = reserved + q WHERE id = ? AND stock >= q`), so two
//! buyers can never both take the last unit — together with its shipments, history, outbox
//! event, promo use, purchase request (for a child) and the `Idempotency-Key` record.

use super::family::{self, ParentalControls};
use super::money::{self, PromoKind, Totals};
use super::orders::{self, EventKind, ORDER_COLUMNS, OrderRow};
use super::{Actor, ActorKind, CommerceError, CommerceResult, CommerceSettings, OrderId};
use super::{OrderStatus, ShipmentId};
use crate::db::Db;
use crate::db::accounts::{ChildId, UserId};
use crate::db::orders::{Conn, dispatch_conn};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// The most distinct lines in one order.
pub const MAX_LINES: usize = 50;
/// The most units of one line.
pub const MAX_QUANTITY: i64 = 99;

/// One line to buy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineInput {
    /// The variant's SKU.
    pub sku: String,
    /// Units, 1 to 99.
    pub quantity: i64,
}

/// How the order travels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "method", rename_all = "snake_case", deny_unknown_fields)]
pub enum DeliveryInput {
    /// A courier to an address in a region of Uzbekistan.
    Courier {
        /// Region code (see `GET /api/v1/delivery/options`).
        region: String,
        /// Street address, 5 to 300 characters.
        address: String,
    },
    /// Collection at a pickup point.
    Pickup {
        /// Pickup point id.
        pickup_point_id: i64,
    },
}

/// What to check out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckoutInput {
    /// Lines to buy now; when absent, the caller's cart is checked out.
    #[serde(default)]
    pub lines: Option<Vec<LineInput>>,
    /// Delivery.
    pub delivery: DeliveryInput,
    /// Recipient's name, 1 to 100 characters.
    #[serde(default)]
    pub recipient_name: Option<String>,
    /// Recipient's phone, `+998` and nine digits.
    #[serde(default)]
    pub recipient_phone: Option<String>,
    /// A promo code.
    #[serde(default)]
    pub promo_code: Option<String>,
    /// The total the buyer saw (tiyin); when given and the live total differs (a price,
    /// fee or promo changed), the order is refused with 409 `price_changed`.
    #[serde(default)]
    pub expected_total_tiyin: Option<i64>,
}

/// Who buys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Buyer {
    /// The signed-in user.
    pub user: UserId,
    /// For a child: the profile and the parent.
    pub child: Option<(ChildId, UserId)>,
}

/// A line priced at the live price.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct VariantInfo {
    pub variant_id: i64,
    pub product_id: i64,
    pub sku: String,
    pub price_tiyin: i64,
    pub seller_id: i64,
    pub category_id: i64,
    pub status: String,
    pub title: String,
}

pub(crate) const VARIANT_SQL: &str = "SELECT v.id AS variant_id, v.product_id, v.sku, \
     v.price_tiyin, v.stock, p.seller_id, p.category_id, p.status, \
     COALESCE(p.title_uz, p.title_en, p.title_ru, p.title_uz_cyrl) AS title \
     FROM product_variants v JOIN products p ON p.id = v.product_id WHERE v.sku = $1";

pub(crate) async fn variant_by_sku(
    conn: &mut Conn<'_>,
    sku: &str,
) -> CommerceResult<Option<VariantInfo>> {
    Ok(dispatch_conn!(conn, |c| {
        sqlx::query_as::<_, VariantInfo>(VARIANT_SQL)
            .bind(sku)
            .fetch_optional(&mut *c)
            .await?
    }))
}

/// Validates a quantity.
pub fn check_quantity(sku: &str, quantity: i64) -> CommerceResult<()> {
    if (1..=MAX_QUANTITY).contains(&quantity) {
        Ok(())
    } else {
        Err(CommerceError::invalid(
            "invalid_quantity",
            format!("the quantity of {sku} must be between 1 and {MAX_QUANTITY}"),
        ))
    }
}

/// Validates a SKU's shape.
pub fn check_sku(sku: &str) -> CommerceResult<()> {
    if sku.is_empty() || sku.len() > 64 {
        Err(CommerceError::invalid(
            "invalid_sku",
            "a sku has 1 to 64 characters",
        ))
    } else {
        Ok(())
    }
}

#[derive(Debug, Clone)]
struct PricedLine {
    info: VariantInfo,
    quantity: i64,
    total: i64,
    discount: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct PromoRow {
    id: i64,
    kind: String,
    value: i64,
    min_order_tiyin: i64,
    max_discount_tiyin: Option<i64>,
    seller_id: Option<i64>,
    per_user_limit: i64,
    starts_at: Option<DateTime<Utc>>,
    expires_at: Option<DateTime<Utc>>,
    active: bool,
}

struct Delivery {
    method: &'static str,
    region: Option<String>,
    address: Option<String>,
    pickup_point_id: Option<i64>,
    fee: i64,
}

async fn price_delivery(
    conn: &mut Conn<'_>,
    input: &DeliveryInput,
    subtotal: i64,
) -> CommerceResult<Delivery> {
    match input {
        DeliveryInput::Courier { region, address } => {
            let address = address.trim();
            if address.chars().count() < 5 || address.chars().count() > 300 {
                return Err(CommerceError::invalid(
                    "invalid_address",
                    "the address must have 5 to 300 characters",
                ));
            }
            let row: Option<(i64, Option<i64>)> = dispatch_conn!(conn, |c| {
                sqlx::query_as(
                    "SELECT courier_fee_tiyin, free_from_tiyin FROM delivery_regions WHERE code = $1",
                )
                .bind(region)
                .fetch_optional(&mut *c)
                .await?
            });
            let (fee, free_from) = row.ok_or_else(|| {
                CommerceError::unknown("unknown_region", format!("no delivery region {region:?}"))
            })?;
            let fee = if free_from.is_some_and(|from| subtotal >= from) {
                0
            } else {
                fee
            };
            Ok(Delivery {
                method: "courier",
                region: Some(region.clone()),
                address: Some(address.to_owned()),
                pickup_point_id: None,
                fee,
            })
        }
        DeliveryInput::Pickup { pickup_point_id } => {
            let fee: Option<i64> = dispatch_conn!(conn, |c| {
                sqlx::query_scalar(
                    "SELECT fee_tiyin FROM pickup_points WHERE id = $1 AND active = TRUE",
                )
                .bind(pickup_point_id)
                .fetch_optional(&mut *c)
                .await?
            });
            let fee = fee.ok_or_else(|| {
                CommerceError::unknown(
                    "unknown_pickup_point",
                    format!("no pickup point {pickup_point_id}"),
                )
            })?;
            Ok(Delivery {
                method: "pickup",
                region: None,
                address: None,
                pickup_point_id: Some(*pickup_point_id),
                fee,
            })
        }
    }
}

/// Applies a promo code to the lines: sets each line's discount share and returns the promo
/// id and the discount.
async fn apply_promo(
    conn: &mut Conn<'_>,
    code: &str,
    buyer: UserId,
    lines: &mut [PricedLine],
    now: DateTime<Utc>,
) -> CommerceResult<(i64, i64)> {
    let code = code.trim().to_uppercase();
    let promo: Option<PromoRow> = dispatch_conn!(conn, |c| {
        sqlx::query_as::<_, PromoRow>(
            "SELECT id, kind, value, min_order_tiyin, max_discount_tiyin, seller_id, \
             per_user_limit, starts_at, expires_at, active FROM promo_codes WHERE code = $1",
        )
        .bind(&code)
        .fetch_optional(&mut *c)
        .await?
    });
    let promo = promo.ok_or_else(|| {
        CommerceError::unknown("unknown_promo_code", format!("no promo code {code:?}"))
    })?;
    let in_window = promo.starts_at.is_none_or(|start| start <= now)
        && promo.expires_at.is_none_or(|end| now < end);
    if !promo.active || !in_window {
        return Err(CommerceError::invalid(
            "promo_expired",
            format!("the promo code {code} is not valid now"),
        ));
    }
    let eligible: Vec<bool> = lines
        .iter()
        .map(|line| {
            promo
                .seller_id
                .is_none_or(|seller| seller == line.info.seller_id)
        })
        .collect();
    let eligible_total: i64 = lines
        .iter()
        .zip(&eligible)
        .filter(|(_, ok)| **ok)
        .map(|(line, _)| line.total)
        .sum();
    if eligible_total == 0 {
        return Err(CommerceError::invalid(
            "promo_not_applicable",
            format!("the promo code {code} applies to none of these items"),
        ));
    }
    if eligible_total < promo.min_order_tiyin {
        return Err(CommerceError::invalid(
            "promo_minimum_not_met",
            format!(
                "the promo code {code} needs an order of at least {} tiyin",
                promo.min_order_tiyin
            ),
        ));
    }
    let used: i64 = dispatch_conn!(conn, |c| {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM promo_redemptions WHERE promo_code_id = $1 AND user_id = $2 \
             AND released_at IS NULL",
        )
        .bind(promo.id)
        .bind(buyer)
        .fetch_one(&mut *c)
        .await?
    });
    if used >= promo.per_user_limit {
        return Err(CommerceError::invalid(
            "promo_limit_reached",
            format!("the promo code {code} has been used the allowed number of times"),
        ));
    }
    let kind = if promo.kind == "percent" {
        PromoKind::Percent(promo.value)
    } else {
        PromoKind::Fixed(promo.value)
    };
    let discount = money::promo_discount(kind, promo.max_discount_tiyin, eligible_total);
    let weights: Vec<i64> = lines
        .iter()
        .zip(&eligible)
        .map(|(line, ok)| if *ok { line.total } else { 0 })
        .collect();
    for (line, share) in lines.iter_mut().zip(money::allocate(discount, &weights)) {
        line.discount = share;
    }
    Ok((promo.id, discount))
}

fn check_recipient(input: &CheckoutInput) -> CommerceResult<()> {
    if let Some(name) = &input.recipient_name {
        let count = name.trim().chars().count();
        if count == 0 || count > 100 {
            return Err(CommerceError::invalid(
                "invalid_recipient_name",
                "the recipient's name must have 1 to 100 characters",
            ));
        }
    }
    if let Some(phone) = &input.recipient_phone {
        let ok = phone.len() == 13
            && phone.starts_with("+998")
            && phone[4..].bytes().all(|b| b.is_ascii_digit());
        if !ok {
            return Err(CommerceError::invalid(
                "invalid_phone",
                "the phone must be +998 and nine digits",
            ));
        }
    }
    Ok(())
}

/// The cart's lines of a user, as checkout input.
async fn cart_lines(conn: &mut Conn<'_>, user: UserId) -> CommerceResult<Vec<LineInput>> {
    let rows: Vec<(String, i64)> = dispatch_conn!(conn, |c| {
        sqlx::query_as(
            "SELECT v.sku, l.quantity FROM cart_lines l JOIN carts c ON c.id = l.cart_id \
             JOIN product_variants v ON v.id = l.variant_id WHERE c.user_id = $1 ORDER BY v.id",
        )
        .bind(user)
        .fetch_all(&mut *c)
        .await?
    });
    Ok(rows
        .into_iter()
        .map(|(sku, quantity)| LineInput { sku, quantity })
        .collect())
}

/// An `Idempotency-Key` to honour: the scope (e.g. `orders:user:7`), the key and the hash of
/// the request it came with.
#[derive(Debug, Clone)]
pub struct IdempotencyKey {
    /// The scope (the caller).
    pub scope: String,
    /// The client's key.
    pub key: String,
    /// Hex SHA-256 of the canonical request.
    pub request_hash: String,
}

/// What checkout answers: the HTTP status and body (replayed as stored for a repeated key).
#[derive(Debug, Clone)]
pub struct CheckoutReply {
    /// HTTP status.
    pub status: u16,
    /// JSON body.
    pub body: serde_json::Value,
    /// Whether this is the stored reply of an earlier request with the same key.
    pub replayed: bool,
}

/// Places an order for `buyer` and answers with the order (201). With an idempotency key, the
/// same key and request return the first reply; the same key with another request is
/// `idempotency_key_reused`.
pub async fn place_order(
    db: &Db,
    settings: &CommerceSettings,
    buyer: Buyer,
    input: &CheckoutInput,
    idempotency: Option<&IdempotencyKey>,
    now: DateTime<Utc>,
) -> CommerceResult<CheckoutReply> {
    check_recipient(input)?;
    let mut tx = db.begin_queued().await?;
    let mut conn = tx.conn();
    if let Some(key) = idempotency {
        let inserted = dispatch_conn!(&mut conn, |c| {
            sqlx::query(
                "INSERT INTO idempotency_keys (scope, key, request_hash, created_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (scope, key) DO NOTHING",
            )
            .bind(&key.scope)
            .bind(&key.key)
            .bind(&key.request_hash)
            .bind(now)
            .execute(&mut *c)
            .await?
            .rows_affected()
        });
        if inserted == 0 {
            let stored: Option<(String, Option<i64>, Option<String>)> =
                dispatch_conn!(&mut conn, |c| {
                    sqlx::query_as(
                        "SELECT request_hash, status_code, response_body FROM idempotency_keys \
                         WHERE scope = $1 AND key = $2",
                    )
                    .bind(&key.scope)
                    .bind(&key.key)
                    .fetch_optional(&mut *c)
                    .await?
                });
            return match stored {
                Some((hash, _, _)) if hash != key.request_hash => Err(CommerceError::invalid(
                    "idempotency_key_reused",
                    "this Idempotency-Key was used with a different request",
                )),
                Some((_, Some(status), Some(body))) => Ok(CheckoutReply {
                    status: u16::try_from(status).unwrap_or(201),
                    body: serde_json::from_str(&body).map_err(|error| {
                        CommerceError::Db(crate::db::DbError::Corrupt(format!(
                            "stored idempotent reply: {error}"
                        )))
                    })?,
                    replayed: true,
                }),
                _ => Err(CommerceError::invalid(
                    "idempotency_key_in_use",
                    "a request with this Idempotency-Key is still being processed",
                )),
            };
        }
    }
    let order = place_in(&mut conn, settings, buyer, input, now).await?;
    let view = order_view_in(&mut conn, order).await?;
    let body = serde_json::to_value(&view).map_err(|error| {
        CommerceError::Db(crate::db::DbError::Corrupt(format!("order view: {error}")))
    })?;
    if let Some(key) = idempotency {
        let text = body.to_string();
        dispatch_conn!(&mut conn, |c| {
            sqlx::query(
                "UPDATE idempotency_keys SET status_code = 201, response_body = $1 \
                 WHERE scope = $2 AND key = $3",
            )
            .bind(&text)
            .bind(&key.scope)
            .bind(&key.key)
            .execute(&mut *c)
            .await?;
        });
    }
    tx.commit().await?;
    Ok(CheckoutReply {
        status: 201,
        body,
        replayed: false,
    })
}

async fn place_in(
    conn: &mut Conn<'_>,
    settings: &CommerceSettings,
    buyer: Buyer,
    input: &CheckoutInput,
    now: DateTime<Utc>,
) -> CommerceResult<OrderId> {
    let from_cart = input.lines.is_none();
    let requested = match &input.lines {
        Some(lines) => lines.clone(),
        None => cart_lines(conn, buyer.user).await?,
    };
    if requested.is_empty() {
        return Err(CommerceError::invalid(
            "empty_order",
            "there is nothing to buy",
        ));
    }
    if requested.len() > MAX_LINES {
        return Err(CommerceError::invalid(
            "too_many_lines",
            format!("an order has at most {MAX_LINES} lines"),
        ));
    }
    let mut lines: Vec<PricedLine> = Vec::with_capacity(requested.len());
    for line in &requested {
        check_sku(&line.sku)?;
        check_quantity(&line.sku, line.quantity)?;
        if lines.iter().any(|l| l.info.sku == line.sku) {
            return Err(CommerceError::invalid(
                "duplicate_sku",
                format!("{} appears twice", line.sku),
            ));
        }
        let info = variant_by_sku(conn, &line.sku).await?.ok_or_else(|| {
            CommerceError::unknown("unknown_sku", format!("no product with sku {:?}", line.sku))
        })?;
        if info.status != "approved" {
            return Err(CommerceError::invalid(
                "product_unavailable",
                format!("{} is not on sale", line.sku),
            ));
        }
        let total = money::line_total(info.price_tiyin, line.quantity).ok_or_else(|| {
            CommerceError::invalid("amount_too_large", "the order total is too large")
        })?;
        lines.push(PricedLine {
            info,
            quantity: line.quantity,
            total,
            discount: 0,
        });
    }
    let subtotal = lines
        .iter()
        .try_fold(0_i64, |sum, line| sum.checked_add(line.total))
        .ok_or_else(|| {
            CommerceError::invalid("amount_too_large", "the order total is too large")
        })?;
    let promo = match &input.promo_code {
        Some(code) => Some(apply_promo(conn, code, buyer.user, &mut lines, now).await?),
        None => None,
    };
    let discount = promo.map_or(0, |(_, discount)| discount);
    let delivery = price_delivery(conn, &input.delivery, subtotal - discount).await?;
    let totals = Totals::new(subtotal, discount, delivery.fee).ok_or_else(|| {
        CommerceError::invalid("amount_too_large", "the order total is too large")
    })?;
    if let Some(expected) = input.expected_total_tiyin
        && expected != totals.total
    {
        return Err(CommerceError::PriceChanged {
            expected,
            actual: totals.total,
        });
    }

    // A child's order: categories, limits and whether the parent must approve.
    let mut status = OrderStatus::PendingPayment;
    let mut expires_at = now + settings.payment_window;
    if let Some((child, _parent)) = buyer.child {
        let controls: ParentalControls = family::load_controls(conn, child).await?;
        let categories: Vec<i64> = lines.iter().map(|line| line.info.category_id).collect();
        if let Some(category) = controls.forbidden_category(&categories) {
            return Err(CommerceError::ParentalControl {
                code: "category_blocked",
                message: format!("category {category} is not allowed for this child"),
            });
        }
        family::check_spending_with(conn, child, &controls, totals.total, None, now).await?;
        if controls.needs_approval(totals.total, &categories) {
            status = OrderStatus::AwaitingParentApproval;
            expires_at = family::approval_deadline(settings, now);
        }
    }

    // Reserve, in variant order so concurrent orders lock rows in one order (PostgreSQL).
    let mut by_variant: Vec<&PricedLine> = lines.iter().collect();
    by_variant.sort_by_key(|line| line.info.variant_id);
    for line in by_variant {
        let left: Option<i64> = dispatch_conn!(conn, |c| {
            sqlx::query_scalar(
                "UPDATE product_variants SET stock = stock - $1, reserved = reserved + $1 \
                 WHERE id = $2 AND stock >= $1 RETURNING stock",
            )
            .bind(line.quantity)
            .bind(line.info.variant_id)
            .fetch_optional(&mut *c)
            .await?
        });
        match left {
            None => {
                return Err(CommerceError::OutOfStock {
                    sku: line.info.sku.clone(),
                });
            }
            Some(0) => orders::touch_product(conn, line.info.product_id).await?,
            Some(_) => {}
        }
    }

    let child = buyer.child.map(|(child, _)| child);
    let order_id: OrderId = dispatch_conn!(conn, |c| {
        sqlx::query_scalar(
            "INSERT INTO orders (buyer_user_id, child_id, status, subtotal_tiyin, discount_tiyin, \
             delivery_fee_tiyin, total_tiyin, delivery_method, delivery_region, delivery_address, \
             pickup_point_id, recipient_name, recipient_phone, promo_code_id, created_at, \
             updated_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, \
             $13, $14, $15, $15, $16) RETURNING id",
        )
        .bind(buyer.user)
        .bind(child)
        .bind(status.as_str())
        .bind(totals.subtotal)
        .bind(totals.discount)
        .bind(totals.delivery_fee)
        .bind(totals.total)
        .bind(delivery.method)
        .bind(&delivery.region)
        .bind(&delivery.address)
        .bind(delivery.pickup_point_id)
        .bind(input.recipient_name.as_deref().map(str::trim))
        .bind(&input.recipient_phone)
        .bind(promo.map(|(id, _)| id))
        .bind(now)
        .bind(expires_at)
        .fetch_one(&mut *c)
        .await?
    });

    let mut by_seller: BTreeMap<i64, Vec<&PricedLine>> = BTreeMap::new();
    for line in &lines {
        by_seller.entry(line.info.seller_id).or_default().push(line);
    }
    for (seller, seller_lines) in by_seller {
        let subtotal: i64 = seller_lines.iter().map(|line| line.total).sum();
        let discount: i64 = seller_lines.iter().map(|line| line.discount).sum();
        let shipment: ShipmentId = dispatch_conn!(conn, |c| {
            sqlx::query_scalar(
                "INSERT INTO shipments (order_id, seller_id, subtotal_tiyin, discount_tiyin, \
                 commission_bps, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) \
                 RETURNING id",
            )
            .bind(order_id)
            .bind(seller)
            .bind(subtotal)
            .bind(discount)
            .bind(settings.commission_bps)
            .bind(now)
            .fetch_one(&mut *c)
            .await?
        });
        for line in seller_lines {
            dispatch_conn!(conn, |c| {
                sqlx::query(
                    "INSERT INTO order_lines (order_id, shipment_id, seller_id, product_id, \
                     variant_id, category_id, sku, title, quantity, unit_price_tiyin, \
                     line_total_tiyin, discount_tiyin) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                )
                .bind(order_id)
                .bind(shipment)
                .bind(seller)
                .bind(line.info.product_id)
                .bind(line.info.variant_id)
                .bind(line.info.category_id)
                .bind(&line.info.sku)
                .bind(&line.info.title)
                .bind(line.quantity)
                .bind(line.info.price_tiyin)
                .bind(line.total)
                .bind(line.discount)
                .execute(&mut *c)
                .await?;
            });
        }
    }
    if let Some((promo_id, discount)) = promo {
        dispatch_conn!(conn, |c| {
            sqlx::query(
                "INSERT INTO promo_redemptions (promo_code_id, user_id, order_id, discount_tiyin, \
                 created_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(promo_id)
            .bind(buyer.user)
            .bind(order_id)
            .bind(discount)
            .bind(now)
            .execute(&mut *c)
            .await?;
        });
    }
    let actor = Actor {
        kind: ActorKind::Buyer,
        user: Some(buyer.user),
    };
    orders::insert_history(conn, order_id, None, status, actor, "placed", now).await?;
    let kind = if status == OrderStatus::AwaitingParentApproval {
        EventKind::PurchaseRequest
    } else {
        EventKind::OrderPlaced
    };
    let payload = serde_json::json!({
        "order_id": order_id,
        "buyer_user_id": buyer.user,
        "child_id": child,
        "parent_user_id": buyer.child.map(|(_, parent)| parent),
        "total_tiyin": totals.total,
    });
    orders::insert_event(conn, order_id, kind, &payload, now).await?;
    if let (OrderStatus::AwaitingParentApproval, Some((child, parent))) = (status, buyer.child) {
        dispatch_conn!(conn, |c| {
            sqlx::query(
                "INSERT INTO purchase_requests (order_id, child_id, parent_user_id, created_at, \
                 expires_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(order_id)
            .bind(child)
            .bind(parent)
            .bind(now)
            .bind(expires_at)
            .execute(&mut *c)
            .await?;
        });
    }
    if from_cart {
        let variant_ids: Vec<i64> = lines.iter().map(|line| line.info.variant_id).collect();
        for variant in variant_ids {
            dispatch_conn!(conn, |c| {
                sqlx::query(
                    "DELETE FROM cart_lines WHERE variant_id = $1 AND cart_id IN \
                     (SELECT id FROM carts WHERE user_id = $2)",
                )
                .bind(variant)
                .bind(buyer.user)
                .execute(&mut *c)
                .await?;
            });
        }
    }
    Ok(order_id)
}

/// An order line as shown to its buyer or seller.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct LineView {
    /// SKU.
    pub sku: String,
    /// Title when bought.
    pub title: String,
    /// Product id.
    pub product_id: i64,
    /// Seller id.
    pub seller_id: i64,
    /// Shipment id.
    #[schema(value_type = i64)]
    pub shipment_id: ShipmentId,
    /// Units.
    pub quantity: i64,
    /// Unit price (tiyin).
    pub unit_price_tiyin: i64,
    /// Units × price (tiyin).
    pub line_total_tiyin: i64,
    /// The promo's share of this line (tiyin).
    pub discount_tiyin: i64,
}

/// A shipment as shown to the buyer or its seller.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct ShipmentView {
    /// Id.
    #[schema(value_type = i64)]
    pub id: ShipmentId,
    /// The order.
    #[schema(value_type = i64)]
    pub order_id: OrderId,
    /// The seller.
    pub seller_id: i64,
    /// `pending`, `processing`, `shipped`, `delivered` or `cancelled`.
    pub status: String,
    /// Lines total (tiyin).
    pub subtotal_tiyin: i64,
    /// Promo share (tiyin).
    pub discount_tiyin: i64,
    /// Carrier tracking code.
    pub tracking_code: Option<String>,
}

/// An order as its buyer sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrderView {
    /// Id.
    #[schema(value_type = i64)]
    pub id: OrderId,
    /// Status.
    pub status: OrderStatus,
    /// The child who ordered.
    #[schema(value_type = Option<i64>)]
    pub child_id: Option<ChildId>,
    /// Lines total (tiyin).
    pub subtotal_tiyin: i64,
    /// Promo discount (tiyin).
    pub discount_tiyin: i64,
    /// Delivery fee (tiyin).
    pub delivery_fee_tiyin: i64,
    /// What to pay (tiyin).
    pub total_tiyin: i64,
    /// Refunded so far (tiyin).
    pub refunded_tiyin: i64,
    /// `courier` or `pickup`.
    pub delivery_method: String,
    /// Courier region.
    pub delivery_region: Option<String>,
    /// Courier address.
    pub delivery_address: Option<String>,
    /// Pickup point.
    pub pickup_point_id: Option<i64>,
    /// Provider that was paid.
    pub payment_provider: Option<String>,
    /// Placed at.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTime<Utc>,
    /// Unpaid orders expire at.
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: DateTime<Utc>,
    /// Paid at.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub paid_at: Option<DateTime<Utc>>,
    /// Lines.
    pub lines: Vec<LineView>,
    /// One shipment per seller.
    pub shipments: Vec<ShipmentView>,
}

pub(crate) const SHIPMENT_COLUMNS: &str =
    "id, order_id, seller_id, status, subtotal_tiyin, discount_tiyin, tracking_code";

/// Loads an order's full view inside a transaction.
pub async fn order_view_in(conn: &mut Conn<'_>, id: OrderId) -> CommerceResult<OrderView> {
    let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = $1");
    let shipments_sql =
        format!("SELECT {SHIPMENT_COLUMNS} FROM shipments WHERE order_id = $1 ORDER BY id");
    let (row, lines, shipments) = dispatch_conn!(conn, |c| {
        let row = sqlx::query_as::<_, OrderRow>(&sql)
            .bind(id)
            .fetch_optional(&mut *c)
            .await?;
        let lines = sqlx::query_as::<_, LineView>(
            "SELECT sku, title, product_id, seller_id, shipment_id, quantity, unit_price_tiyin, \
             line_total_tiyin, discount_tiyin FROM order_lines WHERE order_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(&mut *c)
        .await?;
        let shipments = sqlx::query_as::<_, ShipmentView>(&shipments_sql)
            .bind(id)
            .fetch_all(&mut *c)
            .await?;
        (row, lines, shipments)
    });
    let row = row.ok_or(CommerceError::OrderNotFound(id))?;
    Ok(OrderView {
        id: row.id,
        status: row.status()?,
        child_id: row.child_id,
        subtotal_tiyin: row.subtotal_tiyin,
        discount_tiyin: row.discount_tiyin,
        delivery_fee_tiyin: row.delivery_fee_tiyin,
        total_tiyin: row.total_tiyin,
        refunded_tiyin: row.refunded_tiyin,
        delivery_method: row.delivery_method,
        delivery_region: row.delivery_region,
        delivery_address: row.delivery_address,
        pickup_point_id: row.pickup_point_id,
        payment_provider: row.payment_provider,
        created_at: row.created_at,
        expires_at: row.expires_at,
        paid_at: row.paid_at,
        lines,
        shipments,
    })
}
