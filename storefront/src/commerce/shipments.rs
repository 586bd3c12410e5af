//! Shipments: each seller's part of an order. A seller sees and advances only their own
//! (`pending → processing → shipped → delivered`), and only once the order is paid; the
//! order follows its shipments (processing when one is being prepared, shipped when all have
//! left, delivered when all have arrived), each step through the order state machine.

use super::checkout::{LineView, SHIPMENT_COLUMNS, ShipmentView};
use super::orders::{self, OrderRow};
use super::{Actor, ActorKind, CommerceError, CommerceResult, OrderStatus, ShipmentId};
use crate::db::Db;
use crate::db::accounts::UserId;
use crate::db::orders::{Conn, dispatch_conn};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A status a seller may set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ShipmentStep {
    /// Preparing.
    Processing,
    /// Handed to the carrier.
    Shipped,
    /// Arrived.
    Delivered,
}

impl ShipmentStep {
    fn as_str(self) -> &'static str {
        match self {
            Self::Processing => "processing",
            Self::Shipped => "shipped",
            Self::Delivered => "delivered",
        }
    }

    fn previous_status(self) -> &'static str {
        match self {
            Self::Processing => "pending",
            Self::Shipped => "processing",
            Self::Delivered => "shipped",
        }
    }
}

/// A shipment with its lines, as its seller sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SellerShipmentView {
    /// The shipment.
    #[serde(flatten)]
    pub shipment: ShipmentView,
    /// The order's status.
    pub order_status: OrderStatus,
    /// The lines to fulfil.
    pub lines: Vec<LineView>,
}

async fn shipment_of_seller(
    conn: &mut Conn<'_>,
    seller: i64,
    id: ShipmentId,
) -> CommerceResult<ShipmentView> {
    let sql = format!(
        "SELECT {SHIPMENT_COLUMNS} FROM shipments WHERE id = $1 AND seller_id = $2{}",
        conn.for_update()
    );
    let found = dispatch_conn!(conn, |c| {
        sqlx::query_as::<_, ShipmentView>(&sql)
            .bind(id)
            .bind(seller)
            .fetch_optional(&mut *c)
            .await?
    });
    found.ok_or(CommerceError::ShipmentNotFound(id))
}

async fn shipment_lines(conn: &mut Conn<'_>, id: ShipmentId) -> CommerceResult<Vec<LineView>> {
    Ok(dispatch_conn!(conn, |c| {
        sqlx::query_as::<_, LineView>(
            "SELECT sku, title, product_id, seller_id, shipment_id, quantity, unit_price_tiyin, \
             line_total_tiyin, discount_tiyin FROM order_lines WHERE shipment_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(&mut *c)
        .await?
    }))
}

/// Returns a seller's shipments of paid orders (newest first), without lines.
pub async fn list_for_seller(db: &Db, seller: i64) -> CommerceResult<Vec<ShipmentView>> {
    let sql = format!(
        "SELECT {SHIPMENT_COLUMNS} FROM shipments WHERE seller_id = $1 \
         AND status <> 'cancelled' ORDER BY id DESC LIMIT 200"
    );
    Ok(crate::db::dispatch!(db, |pool, _d| {
        sqlx::query_as::<_, ShipmentView>(&sql)
            .bind(seller)
            .fetch_all(pool)
            .await?
    }))
}

/// Returns one of the seller's shipments with its lines; anyone else's is not found.
pub async fn get_for_seller(
    db: &Db,
    seller: i64,
    id: ShipmentId,
) -> CommerceResult<SellerShipmentView> {
    let mut tx = db.begin_read().await?;
    let mut conn = tx.conn();
    let shipment = shipment_of_seller(&mut conn, seller, id).await?;
    let order = orders::load_order(&mut conn, shipment.order_id)
        .await?
        .ok_or(CommerceError::OrderNotFound(shipment.order_id))?;
    let lines = shipment_lines(&mut conn, id).await?;
    let view = SellerShipmentView {
        shipment,
        order_status: order.status()?,
        lines,
    };
    tx.rollback().await?;
    Ok(view)
}

/// Advances one of the seller's shipments, then the order if all its shipments moved.
pub async fn advance(
    db: &Db,
    seller: i64,
    user: UserId,
    id: ShipmentId,
    step: ShipmentStep,
    tracking_code: Option<&str>,
    now: DateTime<Utc>,
) -> CommerceResult<SellerShipmentView> {
    if let Some(code) = tracking_code
        && (code.is_empty()
            || code.len() > 64
            || !code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
    {
        return Err(CommerceError::invalid(
            "invalid_tracking_code",
            "a tracking code has 1 to 64 letters, digits or dashes",
        ));
    }
    let mut tx = db.begin_queued().await?;
    let mut conn = tx.conn();
    let shipment = shipment_of_seller(&mut conn, seller, id).await?;
    let order: OrderRow = orders::load_order(&mut conn, shipment.order_id)
        .await?
        .ok_or(CommerceError::OrderNotFound(shipment.order_id))?;
    let order_status = order.status()?;
    let order_moves = matches!(
        order_status,
        OrderStatus::Paid | OrderStatus::Processing | OrderStatus::Shipped
    );
    if shipment.status != step.previous_status() || !order_moves {
        return Err(CommerceError::IllegalShipmentTransition {
            from: if order_moves {
                shipment.status.clone()
            } else {
                format!("{} (order {order_status})", shipment.status)
            },
            to: step.as_str().to_owned(),
        });
    }
    let stamp = match step {
        ShipmentStep::Processing => "",
        ShipmentStep::Shipped => ", shipped_at = $2",
        ShipmentStep::Delivered => ", delivered_at = $2",
    };
    let sql = format!(
        "UPDATE shipments SET status = $1, updated_at = $2{stamp}, \
         tracking_code = COALESCE($3, tracking_code) WHERE id = $4"
    );
    dispatch_conn!(&mut conn, |c| {
        sqlx::query(&sql)
            .bind(step.as_str())
            .bind(now)
            .bind(tracking_code)
            .bind(id)
            .execute(&mut *c)
            .await?;
    });
    // Where the order stands now.
    let statuses: Vec<String> = dispatch_conn!(&mut conn, |c| {
        sqlx::query_scalar(
            "SELECT status FROM shipments WHERE order_id = $1 AND status <> 'cancelled'",
        )
        .bind(order.id)
        .fetch_all(&mut *c)
        .await?
    });
    let all = |wanted: &[&str]| statuses.iter().all(|s| wanted.contains(&s.as_str()));
    let target = if all(&["delivered"]) {
        OrderStatus::Delivered
    } else if all(&["shipped", "delivered"]) {
        OrderStatus::Shipped
    } else {
        OrderStatus::Processing
    };
    let actor = Actor {
        kind: ActorKind::Seller,
        user: Some(user),
    };
    let mut current = order;
    // Walk the chain (paid → processing → shipped → delivered) one legal step at a time.
    for next in [
        OrderStatus::Processing,
        OrderStatus::Shipped,
        OrderStatus::Delivered,
    ] {
        let status = current.status()?;
        if rank(status) >= rank(target) {
            break;
        }
        if rank(next) <= rank(status) || rank(next) > rank(target) {
            continue;
        }
        orders::transition(&mut conn, &current, next, actor, "shipment update", now).await?;
        current = orders::load_order(&mut conn, current.id)
            .await?
            .ok_or(CommerceError::OrderNotFound(current.id))?;
    }
    if target == OrderStatus::Delivered {
        dispatch_conn!(&mut conn, |c| {
            sqlx::query("UPDATE orders SET delivered_at = $1 WHERE id = $2")
                .bind(now)
                .bind(current.id)
                .execute(&mut *c)
                .await?;
        });
    }
    let shipment = shipment_of_seller(&mut conn, seller, id).await?;
    let lines = shipment_lines(&mut conn, id).await?;
    let view = SellerShipmentView {
        shipment,
        order_status: current.status()?,
        lines,
    };
    tx.commit().await?;
    Ok(view)
}

fn rank(status: OrderStatus) -> u8 {
    match status {
        OrderStatus::Paid => 1,
        OrderStatus::Processing => 2,
        OrderStatus::Shipped => 3,
        OrderStatus::Delivered => 4,
        OrderStatus::PendingPayment
        | OrderStatus::AwaitingParentApproval
        | OrderStatus::Completed
        | OrderStatus::Cancelled
        | OrderStatus::Expired
        | OrderStatus::RefundRequested
        | OrderStatus::Refunded => 0,
    }
}

/// A seller's balance: the sum of the ledger (sales − commission − refunds + reversals −
/// payouts), in tiyin.
pub async fn seller_balance(db: &Db, seller: i64) -> CommerceResult<i64> {
    Ok(crate::db::dispatch!(db, |pool, _d| {
        sqlx::query_scalar::<_, i64>(
            "SELECT CAST(COALESCE(SUM(amount_tiyin), 0) AS BIGINT) FROM seller_ledger \
             WHERE seller_id = $1",
        )
        .bind(seller)
        .fetch_one(pool)
        .await?
    }))
}

/// Records a payout of `amount` tiyin to a seller (money sent to their account) and returns the
/// balance left. A payout above the balance is refused (`payout_exceeds_balance`).
pub async fn record_payout(
    db: &Db,
    seller: i64,
    amount: i64,
    now: DateTime<Utc>,
) -> CommerceResult<i64> {
    if amount <= 0 {
        return Err(CommerceError::invalid(
            "invalid_payout_amount",
            "a payout is at least 1 tiyin",
        ));
    }
    let mut tx = db.begin_queued().await?;
    let mut conn = tx.conn();
    let lock = format!("SELECT id FROM sellers WHERE id = $1{}", conn.for_update());
    let balance = dispatch_conn!(&mut conn, |c| {
        let exists: Option<i64> = sqlx::query_scalar(&lock)
            .bind(seller)
            .fetch_optional(&mut *c)
            .await?;
        let balance: i64 = sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(amount_tiyin), 0) AS BIGINT) FROM seller_ledger \
             WHERE seller_id = $1",
        )
        .bind(seller)
        .fetch_one(&mut *c)
        .await?;
        exists.map(|_| balance)
    });
    let balance = balance.ok_or_else(|| {
        CommerceError::unknown("unknown_seller", format!("seller {seller} does not exist"))
    })?;
    if amount > balance {
        return Err(CommerceError::invalid(
            "payout_exceeds_balance",
            format!("the balance is {balance} tiyin"),
        ));
    }
    dispatch_conn!(&mut conn, |c| {
        sqlx::query(
            "INSERT INTO seller_ledger (seller_id, kind, amount_tiyin, created_at) \
             VALUES ($1, 'payout', $2, $3)",
        )
        .bind(seller)
        .bind(-amount)
        .bind(now)
        .execute(&mut *c)
        .await?;
    });
    tx.commit().await?;
    Ok(balance - amount)
}
