//! The adapter onto the commerce core's payment-facing API ([`crate::commerce::orders`]):
//! every call runs inside the provider's own transaction ([`PayTx`]), so the payment row and
//! the order change commit together.

use super::store::{PayTx, PaymentResult};
use crate::commerce::orders::{self as commerce, LimitCheck, PaymentProvider};
use crate::commerce::{Actor, OrderId, OrderStatus};
use chrono::{DateTime, Utc};

pub use crate::commerce::orders::PayableOrder;

/// Returns whether the order waits for its payment.
pub fn awaits_payment(order: &PayableOrder) -> bool {
    order.status == OrderStatus::PendingPayment
}

/// Returns whether the order has been paid (whatever happened after).
pub fn is_paid(order: &PayableOrder) -> bool {
    order.status.is_paid()
}

/// Loads (and on PostgreSQL locks) an order for payment.
pub async fn load_for_payment(
    tx: &mut PayTx,
    order_id: i64,
) -> PaymentResult<Option<PayableOrder>> {
    Ok(commerce::load_for_payment(&mut tx.conn(), OrderId(order_id)).await?)
}

/// Marks a pending order paid (reservation → sold, history, event, ledger); a repeat is a
/// no-op.
pub async fn mark_paid(
    tx: &mut PayTx,
    order_id: i64,
    provider: PaymentProvider,
    now: DateTime<Utc>,
) -> PaymentResult<()> {
    commerce::mark_paid(&mut tx.conn(), OrderId(order_id), provider, now).await?;
    Ok(())
}

/// Cancels an unpaid order, releasing its reservation; a repeat is a no-op.
pub async fn cancel_unpaid(
    tx: &mut PayTx,
    order_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> PaymentResult<()> {
    commerce::cancel_unpaid(
        &mut tx.conn(),
        OrderId(order_id),
        Actor::PAYMENT,
        reason,
        now,
    )
    .await?;
    Ok(())
}

/// Refunds `amount` tiyin of a paid order; `reference` makes a provider's retry a no-op.
pub async fn refund(
    tx: &mut PayTx,
    order_id: i64,
    amount: i64,
    reference: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> PaymentResult<()> {
    commerce::apply_refund(
        &mut tx.conn(),
        OrderId(order_id),
        amount,
        reference,
        reason,
        Actor::PAYMENT,
        now,
    )
    .await?;
    Ok(())
}

/// Returns whether the order's goods were delivered (Payme -31007).
pub async fn delivered(tx: &mut PayTx, order_id: i64) -> PaymentResult<bool> {
    Ok(commerce::is_delivered(&mut tx.conn(), OrderId(order_id)).await?)
}

/// Returns whether paying the order now keeps its child within the parental limits (orders
/// of adults always pass).
pub async fn parental_limit_allows(
    tx: &mut PayTx,
    order: &PayableOrder,
    now: DateTime<Utc>,
) -> PaymentResult<bool> {
    let check = commerce::check_limits_at_confirmation(&mut tx.conn(), order.id, now).await?;
    Ok(match check {
        LimitCheck::Allowed => true,
        LimitCheck::ApprovalPending | LimitCheck::Exceeded(_) => {
            tracing::info!(order_id = %order.id, ?check, "payment refused by parental controls for order {}", order.id);
            false
        }
    })
}

/// Keeps an unpaid order reserved until `until` while a provider transaction is open.
pub async fn extend_payment_window(
    tx: &mut PayTx,
    order_id: i64,
    until: DateTime<Utc>,
) -> PaymentResult<bool> {
    Ok(commerce::extend_payment_window(&mut tx.conn(), OrderId(order_id), until).await?)
}
