//! Commerce: carts, checkout, orders with per-seller shipments, the order state machine,
//! stock reservations, refunds, the seller ledger, and children's purchases under parental
//! controls ("ask to buy").
//!
//! - [`money`]: pure arithmetic on tiyin (discount allocation, commission, refunds), with
//!   property tests that no tiyin is lost or created.
//! - [`orders`]: the order state machine and **the payment-facing API** the payment adapters
//!   call inside their own transaction.
//! - [`checkout`]: pricing a cart and placing an order (stock reserved atomically).
//! - [`cart`]: guest and user carts, merged when a guest signs in.
//! - [`family`]: parental controls, spending limits and purchase requests.
//!
//! Every state change runs in one transaction that also writes `order_history` and the
//! `order_events` outbox.

pub mod bench;
pub mod cart;
pub mod checkout;
pub mod family;
pub mod money;
pub mod orders;
pub mod shipments;

use crate::ApiError;
use crate::db::DbError;
use serde::{Deserialize, Serialize};

/// How often unpaid orders and unanswered purchase requests are expired.
pub const EXPIRY_INTERVAL: std::time::Duration = std::time::Duration::from_secs(30);

/// Expires unpaid orders and unanswered purchase requests (releasing their stock) every
/// [`EXPIRY_INTERVAL`] until `stop` turns true.
pub async fn run_expiry_loop(
    app: std::sync::Arc<crate::App>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        loop {
            match orders::expire_due(&app.db, app.auth.now(), 500).await {
                Ok(0) => break,
                Ok(expired) => {
                    tracing::info!(expired, "commerce: {expired} unpaid orders expired");
                    if expired < 500 {
                        break;
                    }
                }
                Err(error) => {
                    tracing::error!(%error, "commerce: the expiry sweep failed: {error}");
                    break;
                }
            }
        }
        tokio::select! {
            () = tokio::time::sleep(EXPIRY_INTERVAL) => {}
            _ = stop.changed() => return,
        }
        if *stop.borrow() {
            return;
        }
    }
}

/// An order id.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    sqlx::Type,
    utoipa::ToSchema,
)]
#[sqlx(transparent)]
#[serde(transparent)]
pub struct OrderId(pub i64);

impl std::fmt::Display for OrderId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// A shipment id (one seller's part of an order).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    sqlx::Type,
    utoipa::ToSchema,
)]
#[sqlx(transparent)]
#[serde(transparent)]
pub struct ShipmentId(pub i64);

impl std::fmt::Display for ShipmentId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// Commerce settings (from [`crate::config::CommerceConfig`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommerceSettings {
    /// The marketplace's commission on each seller's sales, in basis points (1000 = 10 %).
    pub commission_bps: i64,
    /// How long an unpaid order holds its stock.
    pub payment_window: chrono::Duration,
    /// How long a child's purchase request waits for the parent.
    pub approval_window: chrono::Duration,
}

impl Default for CommerceSettings {
    fn default() -> Self {
        Self {
            commission_bps: 1000,
            payment_window: chrono::Duration::minutes(60),
            approval_window: chrono::Duration::hours(48),
        }
    }
}

/// Errors of the commerce domain. User errors carry a stable code; internal ones do not.
#[derive(Debug, thiserror::Error)]
pub enum CommerceError {
    /// No such order (or not the caller's).
    #[error("order {0} does not exist")]
    OrderNotFound(OrderId),
    /// No such shipment (or not the seller's).
    #[error("shipment {0} does not exist")]
    ShipmentNotFound(ShipmentId),
    /// No such purchase request (or not the parent's).
    #[error("purchase request {0} does not exist")]
    PurchaseRequestNotFound(i64),
    /// The state machine does not allow this transition.
    #[error("an order in status {from} cannot become {to}")]
    IllegalTransition {
        /// Current status.
        from: OrderStatus,
        /// Requested status.
        to: OrderStatus,
    },
    /// A shipment transition the state machine refuses.
    #[error("a shipment in status {from} cannot become {to}")]
    IllegalShipmentTransition {
        /// Current status.
        from: String,
        /// Requested status.
        to: String,
    },
    /// The request is invalid (`code` is stable).
    #[error("{message}")]
    Invalid {
        /// Stable snake_case code.
        code: &'static str,
        /// Message.
        message: String,
    },
    /// Something named does not exist (`code` is stable).
    #[error("{message}")]
    Unknown {
        /// Stable snake_case code.
        code: &'static str,
        /// Message.
        message: String,
    },
    /// The live total is not the one the buyer saw.
    #[error("the total is now {actual} tiyin, not {expected}")]
    PriceChanged {
        /// What the buyer expected.
        expected: i64,
        /// The live total.
        actual: i64,
    },
    /// Not enough stock for a line.
    #[error("not enough stock for {sku}")]
    OutOfStock {
        /// The SKU.
        sku: String,
    },
    /// A child's purchase is not allowed by the parental controls (`code` is stable).
    #[error("{message}")]
    ParentalControl {
        /// Stable snake_case code: `spending_limit_exceeded`, `category_blocked`.
        code: &'static str,
        /// Message.
        message: String,
    },
    /// The store failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for CommerceError {
    fn from(error: sqlx::Error) -> Self {
        Self::Db(DbError::Sqlx(error))
    }
}

/// Result type of the commerce domain.
pub type CommerceResult<T> = Result<T, CommerceError>;

impl CommerceError {
    pub(crate) fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid {
            code,
            message: message.into(),
        }
    }

    pub(crate) fn unknown(code: &'static str, message: impl Into<String>) -> Self {
        Self::Unknown {
            code,
            message: message.into(),
        }
    }
}

impl From<CommerceError> for ApiError {
    fn from(error: CommerceError) -> Self {
        let message = error.to_string();
        match error {
            CommerceError::OrderNotFound(_) => ApiError::not_found("order_not_found", message),
            CommerceError::ShipmentNotFound(_) => {
                ApiError::not_found("shipment_not_found", message)
            }
            CommerceError::PurchaseRequestNotFound(_) => {
                ApiError::not_found("purchase_request_not_found", message)
            }
            CommerceError::IllegalTransition { .. }
            | CommerceError::IllegalShipmentTransition { .. } => {
                ApiError::conflict("illegal_transition", message)
            }
            CommerceError::Invalid { code, .. } => ApiError {
                status: axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                code,
                message,
            },
            CommerceError::Unknown { code, .. } => ApiError {
                status: axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                code,
                message,
            },
            CommerceError::OutOfStock { .. } => ApiError::conflict("out_of_stock", message),
            CommerceError::PriceChanged { .. } => ApiError::conflict("price_changed", message),
            CommerceError::ParentalControl { code, .. } => ApiError::forbidden(code, message),
            CommerceError::Db(db) => {
                if is_busy(&db) {
                    ApiError::unavailable(db)
                } else {
                    ApiError::from(db)
                }
            }
        }
    }
}

/// A SQLite writer that waited past the busy timeout, or a PostgreSQL serialisation failure or
/// deadlock: the client may retry.
fn is_busy(error: &DbError) -> bool {
    match error {
        DbError::Sqlx(sqlx::Error::Database(database)) => {
            let code = database.code();
            let code = code.as_deref().unwrap_or("");
            // SQLITE_BUSY (5) and its extended codes; PostgreSQL 40001 and 40P01.
            code == "5" || code == "517" || code == "40001" || code == "40P01"
        }
        _ => false,
    }
}

/// The status of an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Placed, stock reserved, waiting for the payment.
    PendingPayment,
    /// A child's order waiting for the parent's approval (stock reserved).
    AwaitingParentApproval,
    /// Paid.
    Paid,
    /// A seller is preparing it.
    Processing,
    /// Every shipment has left.
    Shipped,
    /// Every shipment has arrived.
    Delivered,
    /// Closed after delivery.
    Completed,
    /// Cancelled before payment (or the parent declined).
    Cancelled,
    /// Not paid (or not approved) in time.
    Expired,
    /// The buyer asked for a refund.
    RefundRequested,
    /// Refunded in full.
    Refunded,
}

impl OrderStatus {
    /// Every status.
    pub const ALL: [OrderStatus; 11] = [
        Self::PendingPayment,
        Self::AwaitingParentApproval,
        Self::Paid,
        Self::Processing,
        Self::Shipped,
        Self::Delivered,
        Self::Completed,
        Self::Cancelled,
        Self::Expired,
        Self::RefundRequested,
        Self::Refunded,
    ];

    /// Returns the stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PendingPayment => "pending_payment",
            Self::AwaitingParentApproval => "awaiting_parent_approval",
            Self::Paid => "paid",
            Self::Processing => "processing",
            Self::Shipped => "shipped",
            Self::Delivered => "delivered",
            Self::Completed => "completed",
            Self::Cancelled => "cancelled",
            Self::Expired => "expired",
            Self::RefundRequested => "refund_requested",
            Self::Refunded => "refunded",
        }
    }

    /// Parses a stored name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == name)
    }

    /// Returns whether the order holds reserved (not yet sold) stock.
    pub fn holds_reservation(self) -> bool {
        matches!(self, Self::PendingPayment | Self::AwaitingParentApproval)
    }

    /// Returns whether money has been received for the order.
    pub fn is_paid(self) -> bool {
        match self {
            Self::Paid
            | Self::Processing
            | Self::Shipped
            | Self::Delivered
            | Self::Completed
            | Self::RefundRequested
            | Self::Refunded => true,
            Self::PendingPayment
            | Self::AwaitingParentApproval
            | Self::Cancelled
            | Self::Expired => false,
        }
    }

    /// Returns whether the order counts against a child's spending limits.
    pub fn counts_as_spending(self) -> bool {
        match self {
            Self::Cancelled | Self::Expired => false,
            Self::PendingPayment
            | Self::AwaitingParentApproval
            | Self::Paid
            | Self::Processing
            | Self::Shipped
            | Self::Delivered
            | Self::Completed
            | Self::RefundRequested
            | Self::Refunded => true,
        }
    }

    /// The state machine: returns whether `self → to` is a legal transition.
    pub fn can_become(self, to: OrderStatus) -> bool {
        use OrderStatus as S;
        match self {
            S::PendingPayment => matches!(to, S::Paid | S::Cancelled | S::Expired),
            S::AwaitingParentApproval => {
                matches!(to, S::PendingPayment | S::Cancelled | S::Expired)
            }
            S::Paid => matches!(
                to,
                S::Processing | S::Shipped | S::RefundRequested | S::Refunded
            ),
            S::Processing => matches!(to, S::Shipped | S::RefundRequested | S::Refunded),
            S::Shipped => matches!(to, S::Delivered | S::RefundRequested | S::Refunded),
            S::Delivered => matches!(to, S::Completed | S::RefundRequested | S::Refunded),
            S::Completed => matches!(to, S::RefundRequested | S::Refunded),
            S::RefundRequested => matches!(to, S::Refunded | S::Completed),
            S::Cancelled | S::Expired | S::Refunded => false,
        }
    }
}

impl std::fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who caused a transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorKind {
    /// The buyer (a parent or a child).
    Buyer,
    /// The parent deciding a purchase request.
    Parent,
    /// A seller advancing a shipment.
    Seller,
    /// Staff.
    Admin,
    /// A payment provider's callback.
    Payment,
    /// The service itself (expiry sweeps).
    System,
}

impl ActorKind {
    /// Returns the stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Buyer => "buyer",
            Self::Parent => "parent",
            Self::Seller => "seller",
            Self::Admin => "admin",
            Self::Payment => "payment",
            Self::System => "system",
        }
    }
}

/// Who caused a transition, and on whose account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    /// The kind of actor.
    pub kind: ActorKind,
    /// The user, when a person acted.
    pub user: Option<crate::db::accounts::UserId>,
}

impl Actor {
    /// A payment provider's callback.
    pub const PAYMENT: Actor = Actor {
        kind: ActorKind::Payment,
        user: None,
    };
    /// The service itself.
    pub const SYSTEM: Actor = Actor {
        kind: ActorKind::System,
        user: None,
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_statuses_go_nowhere_and_names_round_trip() {
        for status in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(status.as_str()), Some(status));
            assert!(!status.can_become(status), "{status} → itself");
        }
        for terminal in [
            OrderStatus::Cancelled,
            OrderStatus::Expired,
            OrderStatus::Refunded,
        ] {
            assert!(OrderStatus::ALL.iter().all(|to| !terminal.can_become(*to)));
        }
        assert!(!OrderStatus::AwaitingParentApproval.can_become(OrderStatus::Paid));
        assert!(!OrderStatus::PendingPayment.can_become(OrderStatus::Shipped));
    }
}
