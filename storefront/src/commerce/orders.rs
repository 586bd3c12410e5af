//! Orders: the state machine, stock reservations, the history and event outbox, refunds and
//! the seller ledger.
//!
//! # B: use these (the payment-facing API)
//!
//! Every function takes a [`Conn`] borrowed from **the caller's own transaction** and never
//! commits: open it with [`Db::begin_write`](crate::db::Db::begin_write) (or your own
//! `BEGIN IMMEDIATE` / PostgreSQL transaction wrapped as `Conn::Sqlite(&mut *tx)` /
//! `Conn::Postgres(&mut *tx)`), lock your provider row, call these, commit. On PostgreSQL the
//! order row is locked `FOR UPDATE` by each call, so concurrent callbacks for one order
//! serialise.
//!
//! - [`load_for_payment`]: id, total tiyin, status, buyer, child, refunded amount, expiry.
//! - [`mark_paid`]: reservation → sold, history, `order_paid` event, seller ledger (sale and
//!   commission). Idempotent: [`PaidOutcome::AlreadyPaid`] the second time.
//! - [`cancel_unpaid`]: releases the reservation (and the promo use); idempotent.
//! - [`request_refund`] / [`apply_refund`]: full or partial refunds of a paid order
//!   (`reference` makes a retried provider cancel a no-op).
//! - [`is_delivered`]: for Payme's -31007 (a delivered order cannot be cancelled).
//! - [`check_limits_at_confirmation`]: re-checks a child's parental spending limits when the
//!   provider confirms.
//! - [`extend_payment_window`]: keeps a pending order (and its reservation) alive while a
//!   provider transaction is open (Payme's 12 hours).
//!
//! Errors: [`CommerceError::OrderNotFound`], [`CommerceError::IllegalTransition`] (e.g. paying
//! a cancelled or expired order, or a child's order the parent has not approved),
//! [`CommerceError::Invalid`] (a refund above what is left), and [`CommerceError::Db`].

use super::money::{self, ShipmentMoney};
use super::{Actor, CommerceError, CommerceResult, OrderId, OrderStatus, ShipmentId};
use crate::db::accounts::{ChildId, UserId};
use crate::db::orders::{Conn, dispatch_conn};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// A payment provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentProvider {
    /// Payme Merchant API.
    Payme,
    /// Click SHOP API.
    Click,
    /// bolajon's card gateway.
    Card,
}

impl PaymentProvider {
    /// Returns the stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Payme => "payme",
            Self::Click => "click",
            Self::Card => "card",
        }
    }
}

/// An order's row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrderRow {
    /// Id.
    pub id: OrderId,
    /// The buyer (`None` after erasure).
    pub buyer_user_id: Option<UserId>,
    /// The child who ordered, for a child's order.
    pub child_id: Option<ChildId>,
    /// Status name.
    pub status: String,
    /// Lines total.
    pub subtotal_tiyin: i64,
    /// Promo discount.
    pub discount_tiyin: i64,
    /// Delivery fee.
    pub delivery_fee_tiyin: i64,
    /// What the buyer pays.
    pub total_tiyin: i64,
    /// Refunded so far.
    pub refunded_tiyin: i64,
    /// `courier` or `pickup`.
    pub delivery_method: String,
    /// Courier region code.
    pub delivery_region: Option<String>,
    /// Courier address.
    pub delivery_address: Option<String>,
    /// Pickup point.
    pub pickup_point_id: Option<i64>,
    /// Recipient.
    pub recipient_name: Option<String>,
    /// Recipient phone.
    pub recipient_phone: Option<String>,
    /// The promo used.
    pub promo_code_id: Option<i64>,
    /// The provider that was paid.
    pub payment_provider: Option<String>,
    /// Placed at.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// When an unpaid order (or unanswered request) expires.
    pub expires_at: DateTime<Utc>,
    /// Paid at.
    pub paid_at: Option<DateTime<Utc>>,
    /// Delivered at.
    pub delivered_at: Option<DateTime<Utc>>,
}

impl OrderRow {
    /// Returns the parsed status.
    pub fn status(&self) -> CommerceResult<OrderStatus> {
        OrderStatus::parse(&self.status).ok_or_else(|| {
            CommerceError::Db(crate::db::DbError::Corrupt(format!(
                "order {} has status {:?}",
                self.id, self.status
            )))
        })
    }
}

pub(crate) const ORDER_COLUMNS: &str = "id, buyer_user_id, child_id, status, subtotal_tiyin, \
     discount_tiyin, delivery_fee_tiyin, total_tiyin, refunded_tiyin, delivery_method, \
     delivery_region, delivery_address, pickup_point_id, recipient_name, recipient_phone, \
     promo_code_id, payment_provider, created_at, updated_at, expires_at, paid_at, delivered_at";

/// What a payment provider needs to know about an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayableOrder {
    /// Id.
    pub id: OrderId,
    /// Amount due, tiyin.
    pub total_tiyin: i64,
    /// Refunded so far, tiyin.
    pub refunded_tiyin: i64,
    /// Status.
    pub status: OrderStatus,
    /// The buyer.
    pub buyer_user_id: Option<UserId>,
    /// The child, for a child's order.
    pub child_id: Option<ChildId>,
    /// When the unpaid order expires.
    pub expires_at: DateTime<Utc>,
    /// When it was paid.
    pub paid_at: Option<DateTime<Utc>>,
    /// The provider that was paid.
    pub payment_provider: Option<String>,
}

/// Loads an order, locking its row on PostgreSQL.
pub async fn load_order(conn: &mut Conn<'_>, id: OrderId) -> CommerceResult<Option<OrderRow>> {
    let sql = format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE id = $1{}",
        conn.for_update()
    );
    Ok(dispatch_conn!(conn, |c| {
        sqlx::query_as::<_, OrderRow>(&sql)
            .bind(id)
            .fetch_optional(&mut *c)
            .await?
    }))
}

async fn require_order(conn: &mut Conn<'_>, id: OrderId) -> CommerceResult<OrderRow> {
    load_order(conn, id)
        .await?
        .ok_or(CommerceError::OrderNotFound(id))
}

/// Loads what a provider needs about an order (row locked on PostgreSQL); `None` when there is
/// no such order.
pub async fn load_for_payment(
    conn: &mut Conn<'_>,
    id: OrderId,
) -> CommerceResult<Option<PayableOrder>> {
    let Some(row) = load_order(conn, id).await? else {
        return Ok(None);
    };
    Ok(Some(PayableOrder {
        id: row.id,
        total_tiyin: row.total_tiyin,
        refunded_tiyin: row.refunded_tiyin,
        status: row.status()?,
        buyer_user_id: row.buyer_user_id,
        child_id: row.child_id,
        expires_at: row.expires_at,
        paid_at: row.paid_at,
        payment_provider: row.payment_provider,
    }))
}

/// The event kinds of the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// An order was placed (pending payment).
    OrderPlaced,
    /// A child's order waits for the parent.
    PurchaseRequest,
    /// The parent approved.
    PurchaseApproved,
    /// The parent declined.
    PurchaseDeclined,
    /// Nobody answered within 48 hours.
    PurchaseExpired,
    /// Paid.
    OrderPaid,
    /// A seller started preparing.
    OrderProcessing,
    /// Shipped.
    OrderShipped,
    /// Delivered.
    OrderDelivered,
    /// Completed.
    OrderCompleted,
    /// Cancelled.
    OrderCancelled,
    /// Expired unpaid.
    OrderExpired,
    /// The buyer asked for a refund.
    RefundRequested,
    /// Money went back (full or partial).
    OrderRefunded,
}

impl EventKind {
    /// Returns the stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OrderPlaced => "order_placed",
            Self::PurchaseRequest => "purchase_request",
            Self::PurchaseApproved => "purchase_approved",
            Self::PurchaseDeclined => "purchase_declined",
            Self::PurchaseExpired => "purchase_expired",
            Self::OrderPaid => "order_paid",
            Self::OrderProcessing => "order_processing",
            Self::OrderShipped => "order_shipped",
            Self::OrderDelivered => "order_delivered",
            Self::OrderCompleted => "order_completed",
            Self::OrderCancelled => "order_cancelled",
            Self::OrderExpired => "order_expired",
            Self::RefundRequested => "refund_requested",
            Self::OrderRefunded => "order_refunded",
        }
    }

    /// The event a transition into `status` emits.
    fn for_status(status: OrderStatus) -> Self {
        match status {
            OrderStatus::PendingPayment => Self::OrderPlaced,
            OrderStatus::AwaitingParentApproval => Self::PurchaseRequest,
            OrderStatus::Paid => Self::OrderPaid,
            OrderStatus::Processing => Self::OrderProcessing,
            OrderStatus::Shipped => Self::OrderShipped,
            OrderStatus::Delivered => Self::OrderDelivered,
            OrderStatus::Completed => Self::OrderCompleted,
            OrderStatus::Cancelled => Self::OrderCancelled,
            OrderStatus::Expired => Self::OrderExpired,
            OrderStatus::RefundRequested => Self::RefundRequested,
            OrderStatus::Refunded => Self::OrderRefunded,
        }
    }
}

/// Appends an event to the outbox.
pub async fn insert_event(
    conn: &mut Conn<'_>,
    order: OrderId,
    kind: EventKind,
    payload: &serde_json::Value,
    now: DateTime<Utc>,
) -> CommerceResult<()> {
    let event = payload;
    let payload = payload.to_string();
    dispatch_conn!(conn, |c| {
        sqlx::query(
            "INSERT INTO order_events (order_id, kind, payload, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(order)
        .bind(kind.as_str())
        .bind(&payload)
        .bind(now)
        .execute(&mut *c)
        .await?;
    });
    // The notification the event causes, in the same transaction (issue 8).
    crate::notify::events::on_order_event(conn.as_notify(), order.0, kind.as_str(), event)
        .await
        .map_err(crate::db::DbError::from)?;
    if kind == EventKind::OrderPaid {
        super::family::notify_limits_reached(conn, order, now).await?;
    }
    Ok(())
}

/// Appends a history row.
pub async fn insert_history(
    conn: &mut Conn<'_>,
    order: OrderId,
    from: Option<OrderStatus>,
    to: OrderStatus,
    actor: Actor,
    reason: &str,
    now: DateTime<Utc>,
) -> CommerceResult<()> {
    dispatch_conn!(conn, |c| {
        sqlx::query(
            "INSERT INTO order_history (order_id, from_status, to_status, at, actor_kind, \
             actor_user_id, reason) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(order)
        .bind(from.map(OrderStatus::as_str))
        .bind(to.as_str())
        .bind(now)
        .bind(actor.kind.as_str())
        .bind(actor.user)
        .bind(reason)
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}

/// Moves `order` to `to` if the state machine allows it: a conditional update on the current
/// status, a history row and an outbox event, all in the caller's transaction.
pub async fn transition(
    conn: &mut Conn<'_>,
    order: &OrderRow,
    to: OrderStatus,
    actor: Actor,
    reason: &str,
    now: DateTime<Utc>,
) -> CommerceResult<()> {
    let from = order.status()?;
    if !from.can_become(to) {
        return Err(CommerceError::IllegalTransition { from, to });
    }
    let updated = dispatch_conn!(conn, |c| {
        sqlx::query("UPDATE orders SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4")
            .bind(to.as_str())
            .bind(now)
            .bind(order.id)
            .bind(from.as_str())
            .execute(&mut *c)
            .await?
            .rows_affected()
    });
    if updated != 1 {
        // Someone moved it first (cannot happen under the row lock; kept as a guard).
        return Err(CommerceError::IllegalTransition { from, to });
    }
    insert_history(conn, order.id, Some(from), to, actor, reason, now).await?;
    let payload = serde_json::json!({
        "order_id": order.id,
        "from": from.as_str(),
        "to": to.as_str(),
        "buyer_user_id": order.buyer_user_id,
        "child_id": order.child_id,
        "total_tiyin": order.total_tiyin,
    });
    insert_event(conn, order.id, EventKind::for_status(to), &payload, now).await
}

/// One order line's stock movement.
#[derive(Debug, Clone, sqlx::FromRow)]
struct LineStock {
    variant_id: i64,
    product_id: i64,
    quantity: i64,
}

async fn line_stock(conn: &mut Conn<'_>, order: OrderId) -> CommerceResult<Vec<LineStock>> {
    Ok(dispatch_conn!(conn, |c| {
        sqlx::query_as::<_, LineStock>(
            "SELECT variant_id, product_id, quantity FROM order_lines WHERE order_id = $1 \
             ORDER BY variant_id",
        )
        .bind(order)
        .fetch_all(&mut *c)
        .await?
    }))
}

/// Records a catalogue change so the search index refreshes the product's availability.
pub(crate) async fn touch_product(conn: &mut Conn<'_>, product_id: i64) -> CommerceResult<()> {
    let lock = conn.dialect().catalog_write_lock;
    dispatch_conn!(conn, |c| {
        if let Some(lock) = lock {
            sqlx::query(lock).execute(&mut *c).await?;
        }
        sqlx::query("INSERT INTO catalog_changes (product_id, op) VALUES ($1, 'upsert')")
            .bind(product_id)
            .execute(&mut *c)
            .await?;
    });
    Ok(())
}

/// Gives an unpaid order's reserved stock back (reserved → stock) and frees its promo use.
async fn release_reservation(
    conn: &mut Conn<'_>,
    order: OrderId,
    now: DateTime<Utc>,
) -> CommerceResult<()> {
    for line in line_stock(conn, order).await? {
        let stock_before: Option<i64> = dispatch_conn!(conn, |c| {
            sqlx::query_scalar(
                "UPDATE product_variants SET stock = stock + $1, reserved = reserved - $1 \
                 WHERE id = $2 AND reserved >= $1 RETURNING stock - $1",
            )
            .bind(line.quantity)
            .bind(line.variant_id)
            .fetch_optional(&mut *c)
            .await?
        });
        if stock_before == Some(0) {
            touch_product(conn, line.product_id).await?;
        }
    }
    dispatch_conn!(conn, |c| {
        sqlx::query(
            "UPDATE promo_redemptions SET released_at = $1 WHERE order_id = $2 AND released_at IS NULL",
        )
        .bind(now)
        .bind(order)
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}

/// Turns an order's reservation into sales (reserved → sold).
async fn sell_reservation(conn: &mut Conn<'_>, order: OrderId) -> CommerceResult<()> {
    for line in line_stock(conn, order).await? {
        dispatch_conn!(conn, |c| {
            sqlx::query(
                "UPDATE product_variants SET reserved = reserved - $1, sold = sold + $1 \
                 WHERE id = $2 AND reserved >= $1",
            )
            .bind(line.quantity)
            .bind(line.variant_id)
            .execute(&mut *c)
            .await?;
        });
    }
    Ok(())
}

/// A shipment's money.
#[derive(Debug, Clone, sqlx::FromRow)]
struct ShipmentLedger {
    id: ShipmentId,
    seller_id: i64,
    subtotal_tiyin: i64,
    discount_tiyin: i64,
    commission_bps: i64,
    refunded: i64,
}

async fn shipment_ledgers(
    conn: &mut Conn<'_>,
    order: OrderId,
) -> CommerceResult<Vec<ShipmentLedger>> {
    Ok(dispatch_conn!(conn, |c| {
        sqlx::query_as::<_, ShipmentLedger>(
            "SELECT s.id, s.seller_id, s.subtotal_tiyin, s.discount_tiyin, s.commission_bps, \
             CAST(COALESCE((SELECT -SUM(l.amount_tiyin) FROM seller_ledger l \
                  WHERE l.shipment_id = s.id AND l.kind = 'refund'), 0) AS BIGINT) AS refunded \
             FROM shipments s WHERE s.order_id = $1 ORDER BY s.id",
        )
        .bind(order)
        .fetch_all(&mut *c)
        .await?
    }))
}

async fn insert_ledger(
    conn: &mut Conn<'_>,
    entry: (i64, OrderId, ShipmentId, Option<i64>, &str, i64),
    now: DateTime<Utc>,
) -> CommerceResult<()> {
    let (seller, order, shipment, refund, kind, amount) = entry;
    dispatch_conn!(conn, |c| {
        sqlx::query(
            "INSERT INTO seller_ledger (seller_id, order_id, shipment_id, refund_id, kind, \
             amount_tiyin, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(seller)
        .bind(order)
        .bind(shipment)
        .bind(refund)
        .bind(kind)
        .bind(amount)
        .bind(now)
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}

/// The outcome of [`mark_paid`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaidOutcome {
    /// The order is now paid.
    Paid,
    /// It already was (a repeated callback): nothing changed.
    AlreadyPaid,
}

/// Marks a pending order paid by `provider`: its reservation becomes sold stock, each seller's
/// ledger gets the sale and the commission, and the history and `order_paid` event are
/// written. Paying an order that is already paid (in any later status) is
/// [`PaidOutcome::AlreadyPaid`]; a cancelled, expired or unapproved one is
/// [`CommerceError::IllegalTransition`].
pub async fn mark_paid(
    conn: &mut Conn<'_>,
    id: OrderId,
    provider: PaymentProvider,
    now: DateTime<Utc>,
) -> CommerceResult<PaidOutcome> {
    let order = require_order(conn, id).await?;
    let status = order.status()?;
    if status.is_paid() {
        return Ok(PaidOutcome::AlreadyPaid);
    }
    transition(
        conn,
        &order,
        OrderStatus::Paid,
        Actor::PAYMENT,
        provider.as_str(),
        now,
    )
    .await?;
    dispatch_conn!(conn, |c| {
        sqlx::query(
            "UPDATE orders SET paid_at = $1, payment_provider = $2, closed_at = NULL WHERE id = $3",
        )
        .bind(now)
        .bind(provider.as_str())
        .bind(id)
        .execute(&mut *c)
        .await?;
    });
    sell_reservation(conn, id).await?;
    for shipment in shipment_ledgers(conn, id).await? {
        let net = shipment.subtotal_tiyin - shipment.discount_tiyin;
        let fee = money::commission(net, shipment.commission_bps);
        insert_ledger(
            conn,
            (shipment.seller_id, id, shipment.id, None, "sale", net),
            now,
        )
        .await?;
        insert_ledger(
            conn,
            (
                shipment.seller_id,
                id,
                shipment.id,
                None,
                "commission",
                -fee,
            ),
            now,
        )
        .await?;
    }
    Ok(PaidOutcome::Paid)
}

/// The outcome of [`cancel_unpaid`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelOutcome {
    /// Cancelled now; the stock is back.
    Cancelled,
    /// It was already cancelled or expired: nothing changed.
    AlreadyClosed(OrderStatus),
}

/// Cancels an unpaid order (pending payment or awaiting approval), releasing its reserved
/// stock and promo use. A paid order is [`CommerceError::IllegalTransition`] (refund it
/// instead).
pub async fn cancel_unpaid(
    conn: &mut Conn<'_>,
    id: OrderId,
    actor: Actor,
    reason: &str,
    now: DateTime<Utc>,
) -> CommerceResult<CancelOutcome> {
    close_unpaid(conn, id, OrderStatus::Cancelled, actor, reason, now).await
}

/// Moves an unpaid order to `to` (cancelled or expired) and releases what it holds.
pub(crate) async fn close_unpaid(
    conn: &mut Conn<'_>,
    id: OrderId,
    to: OrderStatus,
    actor: Actor,
    reason: &str,
    now: DateTime<Utc>,
) -> CommerceResult<CancelOutcome> {
    debug_assert!(matches!(to, OrderStatus::Cancelled | OrderStatus::Expired));
    let order = require_order(conn, id).await?;
    let status = order.status()?;
    if matches!(status, OrderStatus::Cancelled | OrderStatus::Expired) {
        return Ok(CancelOutcome::AlreadyClosed(status));
    }
    transition(conn, &order, to, actor, reason, now).await?;
    release_reservation(conn, id, now).await?;
    dispatch_conn!(conn, |c| {
        sqlx::query("UPDATE orders SET closed_at = $1 WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(&mut *c)
            .await?;
        sqlx::query(
            "UPDATE shipments SET status = 'cancelled', updated_at = $1 WHERE order_id = $2",
        )
        .bind(now)
        .bind(id)
        .execute(&mut *c)
        .await?;
        let request_status = if to == OrderStatus::Expired {
            "expired"
        } else {
            "declined"
        };
        sqlx::query(
            "UPDATE purchase_requests SET status = $1, decided_at = $2 \
             WHERE order_id = $3 AND status = 'pending'",
        )
        .bind(request_status)
        .bind(now)
        .bind(id)
        .execute(&mut *c)
        .await?;
    });
    Ok(CancelOutcome::Cancelled)
}

/// Returns whether the order has been delivered (or completed after delivery): Payme answers
/// -31007 to a cancel of such an order.
pub async fn is_delivered(conn: &mut Conn<'_>, id: OrderId) -> CommerceResult<bool> {
    let order = require_order(conn, id).await?;
    Ok(order.delivered_at.is_some()
        || matches!(
            order.status()?,
            OrderStatus::Delivered | OrderStatus::Completed
        ))
}

/// Asks for a refund of a paid order (the buyer's request; staff or the provider apply it).
pub async fn request_refund(
    conn: &mut Conn<'_>,
    id: OrderId,
    actor: Actor,
    reason: &str,
    now: DateTime<Utc>,
) -> CommerceResult<()> {
    let order = require_order(conn, id).await?;
    transition(
        conn,
        &order,
        OrderStatus::RefundRequested,
        actor,
        reason,
        now,
    )
    .await
}

/// The outcome of [`apply_refund`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefundOutcome {
    /// The refund's id.
    pub refund_id: i64,
    /// Refunded so far on the order, this refund included.
    pub refunded_tiyin: i64,
    /// Whether the order is now refunded in full (status `refunded`).
    pub fully_refunded: bool,
    /// Whether this `reference` had already been applied (nothing changed).
    pub replayed: bool,
}

/// Applies a refund of `amount` tiyin (money already returned by the provider, or to be) to a
/// paid order: the amount is split over the sellers' shipments and the delivery fee, each
/// seller's ledger is debited and its commission proportionally reversed, and the order becomes
/// `refunded` when nothing is left. A partial refund keeps the status and records the amount.
/// The same `reference` again returns the first outcome with `replayed: true`.
pub async fn apply_refund(
    conn: &mut Conn<'_>,
    id: OrderId,
    amount: i64,
    reference: &str,
    reason: &str,
    actor: Actor,
    now: DateTime<Utc>,
) -> CommerceResult<RefundOutcome> {
    let order = require_order(conn, id).await?;
    let existing: Option<i64> = dispatch_conn!(conn, |c| {
        sqlx::query_scalar("SELECT id FROM refunds WHERE order_id = $1 AND reference = $2")
            .bind(id)
            .bind(reference)
            .fetch_optional(&mut *c)
            .await?
    });
    if let Some(refund_id) = existing {
        return Ok(RefundOutcome {
            refund_id,
            refunded_tiyin: order.refunded_tiyin,
            fully_refunded: order.status()? == OrderStatus::Refunded,
            replayed: true,
        });
    }
    let status = order.status()?;
    if !status.is_paid() || status == OrderStatus::Refunded {
        return Err(CommerceError::IllegalTransition {
            from: status,
            to: OrderStatus::Refunded,
        });
    }
    if reference.is_empty() || reference.len() > 128 {
        return Err(CommerceError::invalid(
            "invalid_refund_reference",
            "the refund reference must have 1 to 128 characters",
        ));
    }
    let left = order.total_tiyin - order.refunded_tiyin;
    if amount <= 0 || amount > left {
        return Err(CommerceError::invalid(
            "invalid_refund_amount",
            format!("the refund must be between 1 and {left} tiyin"),
        ));
    }
    let refund_id: i64 = dispatch_conn!(conn, |c| {
        sqlx::query_scalar(
            "INSERT INTO refunds (order_id, amount_tiyin, reason, reference, status, created_at, \
             applied_at) VALUES ($1, $2, $3, $4, 'applied', $5, $5) RETURNING id",
        )
        .bind(id)
        .bind(amount)
        .bind(reason)
        .bind(reference)
        .bind(now)
        .fetch_one(&mut *c)
        .await?
    });
    let shipments = shipment_ledgers(conn, id).await?;
    let goods_refunded: i64 = shipments.iter().map(|s| s.refunded).sum();
    let delivery_left = order.delivery_fee_tiyin - (order.refunded_tiyin - goods_refunded);
    // One rate per shipment: split the refund, then compute each reversal at its own rate.
    let moneys: Vec<ShipmentMoney> = shipments
        .iter()
        .map(|s| ShipmentMoney {
            net: s.subtotal_tiyin - s.discount_tiyin,
            refunded: s.refunded,
        })
        .collect();
    let split = money::split_refund(amount, &moneys, delivery_left, 0);
    for ((shipment, part), money) in shipments.iter().zip(&split.shipments).zip(&moneys) {
        if *part == 0 {
            continue;
        }
        let reversal = money::commission(money.net - money.refunded, shipment.commission_bps)
            - money::commission(money.net - money.refunded - part, shipment.commission_bps);
        insert_ledger(
            conn,
            (
                shipment.seller_id,
                id,
                shipment.id,
                Some(refund_id),
                "refund",
                -part,
            ),
            now,
        )
        .await?;
        if reversal != 0 {
            insert_ledger(
                conn,
                (
                    shipment.seller_id,
                    id,
                    shipment.id,
                    Some(refund_id),
                    "commission_reversal",
                    reversal,
                ),
                now,
            )
            .await?;
        }
    }
    let refunded = order.refunded_tiyin + amount;
    dispatch_conn!(conn, |c| {
        sqlx::query("UPDATE orders SET refunded_tiyin = $1, updated_at = $2 WHERE id = $3")
            .bind(refunded)
            .bind(now)
            .bind(id)
            .execute(&mut *c)
            .await?;
    });
    let fully_refunded = refunded == order.total_tiyin;
    if fully_refunded {
        transition(conn, &order, OrderStatus::Refunded, actor, reason, now).await?;
    } else {
        insert_history(conn, id, Some(status), status, actor, "partial refund", now).await?;
        let payload = serde_json::json!({
            "order_id": id,
            "amount_tiyin": amount,
            "refunded_tiyin": refunded,
            "partial": true,
        });
        insert_event(conn, id, EventKind::OrderRefunded, &payload, now).await?;
    }
    Ok(RefundOutcome {
        refund_id,
        refunded_tiyin: refunded,
        fully_refunded,
        replayed: false,
    })
}

/// The answer of [`check_limits_at_confirmation`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LimitCheck {
    /// Not a child's order, or within every limit.
    Allowed,
    /// The parent has not approved the purchase yet.
    ApprovalPending,
    /// Paying would exceed a limit (the message says which).
    Exceeded(String),
}

/// Re-checks a child's parental controls when a provider confirms a payment: the parent may
/// have lowered a limit since checkout. Orders of other children and adults are
/// [`LimitCheck::Allowed`].
pub async fn check_limits_at_confirmation(
    conn: &mut Conn<'_>,
    id: OrderId,
    now: DateTime<Utc>,
) -> CommerceResult<LimitCheck> {
    let order = require_order(conn, id).await?;
    let Some(child) = order.child_id else {
        return Ok(LimitCheck::Allowed);
    };
    if order.status()? == OrderStatus::AwaitingParentApproval {
        return Ok(LimitCheck::ApprovalPending);
    }
    match super::family::check_spending(conn, child, order.total_tiyin, Some(id), now).await {
        Ok(()) => Ok(LimitCheck::Allowed),
        Err(CommerceError::ParentalControl { message, .. }) => Ok(LimitCheck::Exceeded(message)),
        Err(error) => Err(error),
    }
}

/// Keeps an unpaid order and its reservation alive until at least `until` (a provider's
/// transaction is open). Returns whether the order is pending payment (nothing is changed
/// otherwise).
pub async fn extend_payment_window(
    conn: &mut Conn<'_>,
    id: OrderId,
    until: DateTime<Utc>,
) -> CommerceResult<bool> {
    let order = require_order(conn, id).await?;
    if order.status()? != OrderStatus::PendingPayment {
        return Ok(false);
    }
    if order.expires_at < until {
        dispatch_conn!(conn, |c| {
            sqlx::query("UPDATE orders SET expires_at = $1 WHERE id = $2")
                .bind(until)
                .bind(id)
                .execute(&mut *c)
                .await?;
        });
    }
    Ok(true)
}

/// Expires unpaid orders and unanswered purchase requests whose time is up, releasing their
/// stock; returns how many were expired. The background loop calls it; each order is its own
/// transaction.
pub async fn expire_due(
    db: &crate::db::Db,
    now: DateTime<Utc>,
    limit: i64,
) -> CommerceResult<usize> {
    let due: Vec<OrderId> = crate::db::dispatch!(db, |pool, _d| {
        sqlx::query_scalar(
            "SELECT id FROM orders WHERE status IN ('pending_payment', 'awaiting_parent_approval') \
             AND expires_at <= $1 ORDER BY expires_at LIMIT $2",
        )
        .bind(now)
        .bind(limit)
        .fetch_all(pool)
        .await?
    });
    let mut expired = 0;
    for id in due {
        let mut tx = db.begin_queued().await?;
        let mut conn = tx.conn();
        let Some(order) = load_order(&mut conn, id).await? else {
            continue;
        };
        let status = order.status()?;
        if !status.holds_reservation() || order.expires_at > now {
            continue;
        }
        if status == OrderStatus::AwaitingParentApproval {
            insert_event(
                &mut conn,
                id,
                EventKind::PurchaseExpired,
                &serde_json::json!({ "order_id": id, "child_id": order.child_id }),
                now,
            )
            .await?;
        }
        close_unpaid(
            &mut conn,
            id,
            OrderStatus::Expired,
            Actor::SYSTEM,
            "not paid in time",
            now,
        )
        .await?;
        tx.commit().await?;
        expired += 1;
    }
    Ok(expired)
}

/// An order in a buyer's list.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct OrderSummary {
    /// Id.
    #[schema(value_type = i64)]
    pub id: OrderId,
    /// Status name.
    pub status: String,
    /// The child who ordered.
    #[schema(value_type = Option<i64>)]
    pub child_id: Option<ChildId>,
    /// What to pay (tiyin).
    pub total_tiyin: i64,
    /// Placed at.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTime<Utc>,
}

/// Returns whether `user` may see the order: its buyer, or the parent of the child who placed
/// it.
async fn owned_order(conn: &mut Conn<'_>, user: UserId, id: OrderId) -> CommerceResult<OrderRow> {
    let order = load_order(conn, id)
        .await?
        .ok_or(CommerceError::OrderNotFound(id))?;
    if order.buyer_user_id == Some(user) {
        return Ok(order);
    }
    if let Some(child) = order.child_id {
        let parent: Option<UserId> = dispatch_conn!(conn, |c| {
            sqlx::query_scalar("SELECT parent_user_id FROM child_profiles WHERE id = $1")
                .bind(child)
                .fetch_optional(&mut *c)
                .await?
        });
        if parent == Some(user) {
            return Ok(order);
        }
    }
    Err(CommerceError::OrderNotFound(id))
}

/// Returns the orders a user placed or their children placed, newest first.
pub async fn list_for_buyer(db: &crate::db::Db, user: UserId) -> CommerceResult<Vec<OrderSummary>> {
    Ok(crate::db::dispatch!(db, |pool, _d| {
        sqlx::query_as::<_, OrderSummary>(
            "SELECT id, status, child_id, total_tiyin, created_at FROM orders \
             WHERE buyer_user_id = $1 OR child_id IN \
             (SELECT id FROM child_profiles WHERE parent_user_id = $1) \
             ORDER BY id DESC LIMIT 200",
        )
        .bind(user)
        .fetch_all(pool)
        .await?
    }))
}

/// Returns one of the user's orders in full; anyone else's is [`CommerceError::OrderNotFound`].
pub async fn get_for_buyer(
    db: &crate::db::Db,
    user: UserId,
    id: OrderId,
) -> CommerceResult<super::checkout::OrderView> {
    let mut tx = db.begin_read().await?;
    let mut conn = tx.conn();
    owned_order(&mut conn, user, id).await?;
    let view = super::checkout::order_view_in(&mut conn, id).await?;
    tx.rollback().await?;
    Ok(view)
}

/// What a buyer asks of their order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuyerAction {
    /// Cancel an unpaid order.
    Cancel,
    /// Ask for a refund of a paid one.
    RequestRefund,
    /// Confirm a delivered order is fine.
    Complete,
}

/// Applies a buyer's action to their order (or their child's) in one transaction and returns
/// the order.
pub async fn act_as_buyer(
    db: &crate::db::Db,
    user: UserId,
    id: OrderId,
    action: BuyerAction,
    reason: &str,
    now: DateTime<Utc>,
) -> CommerceResult<super::checkout::OrderView> {
    let mut tx = db.begin_queued().await?;
    let mut conn = tx.conn();
    let order = owned_order(&mut conn, user, id).await?;
    let actor = Actor {
        kind: super::ActorKind::Buyer,
        user: Some(user),
    };
    match action {
        BuyerAction::Cancel => {
            let status = order.status()?;
            if !status.holds_reservation() {
                return Err(CommerceError::IllegalTransition {
                    from: status,
                    to: OrderStatus::Cancelled,
                });
            }
            cancel_unpaid(&mut conn, id, actor, reason, now).await?;
        }
        BuyerAction::RequestRefund => {
            request_refund(&mut conn, id, actor, reason, now).await?;
        }
        BuyerAction::Complete => {
            transition(
                &mut conn,
                &order,
                OrderStatus::Completed,
                actor,
                reason,
                now,
            )
            .await?;
            dispatch_conn!(&mut conn, |c| {
                sqlx::query("UPDATE orders SET closed_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(id)
                    .execute(&mut *c)
                    .await?;
            });
        }
    }
    let view = super::checkout::order_view_in(&mut conn, id).await?;
    tx.commit().await?;
    Ok(view)
}
