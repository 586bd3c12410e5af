//! Shopper features (issue 7, item 7): a wishlist per account, recently viewed products per
//! account or per device token (the newest [`RECENTLY_VIEWED_CAP`] kept), product comparison
//! (up to [`COMPARE_MAX`] products side by side, see `routes::shopper`), and re-ordering an old
//! order's still-available lines into the cart.
//!
//! Only approved products can be added or recorded, and lists show only products that are
//! still approved: a product taken down by moderation disappears from every list.

use crate::commerce::{CommerceError, OrderId};
use crate::db::accounts::UserId;
use crate::db::{Db, DbResult, dispatch};
use chrono::{DateTime, Utc};

/// Recently viewed products kept per viewer.
pub const RECENTLY_VIEWED_CAP: i64 = 50;
/// Products a wishlist may hold.
pub const WISHLIST_CAP: i64 = 500;
/// Products compared at once.
pub const COMPARE_MAX: usize = 4;

/// Whose recently viewed list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Viewer {
    /// A signed-in account.
    User(UserId),
    /// A device, by the hex SHA-256 of its token.
    Device(String),
}

impl Viewer {
    /// Returns the stored viewer key (`u:<id>` or `d:<hash>`).
    pub fn key(&self) -> String {
        match self {
            Viewer::User(user) => format!("u:{}", user.0),
            Viewer::Device(hash) => format!("d:{hash}"),
        }
    }
}

/// What adding to a wishlist did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WishlistAdd {
    /// Added (or already there).
    Added,
    /// No approved product with that id.
    UnknownProduct,
    /// The wishlist holds [`WISHLIST_CAP`] products already.
    Full,
}

async fn product_is_approved(db: &Db, product: i64) -> DbResult<bool> {
    let found: Option<i64> = dispatch!(db, |pool, _d| {
        sqlx::query_scalar("SELECT id FROM products WHERE id = $1 AND status = 'approved'")
            .bind(product)
            .fetch_optional(pool)
            .await?
    });
    Ok(found.is_some())
}

/// Adds an approved product to the user's wishlist (idempotent).
pub async fn add_to_wishlist(
    db: &Db,
    user: UserId,
    product: i64,
    now: DateTime<Utc>,
) -> DbResult<WishlistAdd> {
    if !product_is_approved(db, product).await? {
        return Ok(WishlistAdd::UnknownProduct);
    }
    let held: i64 = dispatch!(db, |pool, _d| {
        sqlx::query_scalar("SELECT COUNT(*) FROM wishlist_items WHERE user_id = $1")
            .bind(user)
            .fetch_one(pool)
            .await?
    });
    if held >= WISHLIST_CAP {
        return Ok(WishlistAdd::Full);
    }
    dispatch!(db, |pool, _d| {
        sqlx::query(
            "INSERT INTO wishlist_items (user_id, product_id, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (user_id, product_id) DO NOTHING",
        )
        .bind(user)
        .bind(product)
        .bind(now)
        .execute(pool)
        .await?;
    });
    Ok(WishlistAdd::Added)
}

/// Removes a product from the user's wishlist; whether it was there.
pub async fn remove_from_wishlist(db: &Db, user: UserId, product: i64) -> DbResult<bool> {
    let removed = dispatch!(db, |pool, _d| {
        sqlx::query("DELETE FROM wishlist_items WHERE user_id = $1 AND product_id = $2")
            .bind(user)
            .bind(product)
            .execute(pool)
            .await?
            .rows_affected()
    });
    Ok(removed > 0)
}

/// The user's wishlist, newest first (approved products only).
pub async fn wishlist(db: &Db, user: UserId) -> DbResult<Vec<i64>> {
    Ok(dispatch!(db, |pool, _d| {
        sqlx::query_scalar(
            "SELECT w.product_id FROM wishlist_items w JOIN products p ON p.id = w.product_id \
             WHERE w.user_id = $1 AND p.status = 'approved' \
             ORDER BY w.created_at DESC, w.product_id DESC",
        )
        .bind(user)
        .fetch_all(pool)
        .await?
    }))
}

/// Records that `viewer` looked at an approved product, keeping the newest
/// [`RECENTLY_VIEWED_CAP`]. Returns false for an unknown or unapproved product.
pub async fn record_view(
    db: &Db,
    viewer: &Viewer,
    product: i64,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    if !product_is_approved(db, product).await? {
        return Ok(false);
    }
    let key = viewer.key();
    dispatch!(db, |pool, _d| {
        sqlx::query(
            "INSERT INTO recently_viewed (viewer, product_id, viewed_at) VALUES ($1, $2, $3) \
             ON CONFLICT (viewer, product_id) DO UPDATE SET viewed_at = excluded.viewed_at",
        )
        .bind(&key)
        .bind(product)
        .bind(now)
        .execute(pool)
        .await?;
        sqlx::query(
            "DELETE FROM recently_viewed WHERE viewer = $1 AND product_id NOT IN (\
             SELECT product_id FROM recently_viewed WHERE viewer = $1 \
             ORDER BY viewed_at DESC, product_id DESC LIMIT $2)",
        )
        .bind(&key)
        .bind(RECENTLY_VIEWED_CAP)
        .execute(pool)
        .await?;
    });
    Ok(true)
}

/// The viewer's recently viewed approved products, newest first.
pub async fn recently_viewed(db: &Db, viewer: &Viewer) -> DbResult<Vec<i64>> {
    let key = viewer.key();
    Ok(dispatch!(db, |pool, _d| {
        sqlx::query_scalar(
            "SELECT r.product_id FROM recently_viewed r JOIN products p ON p.id = r.product_id \
             WHERE r.viewer = $1 AND p.status = 'approved' \
             ORDER BY r.viewed_at DESC, r.product_id DESC LIMIT $2",
        )
        .bind(&key)
        .bind(RECENTLY_VIEWED_CAP)
        .fetch_all(pool)
        .await?
    }))
}

/// An old order's lines for re-ordering: (sku, quantity), in line order. The order must be
/// the caller's (`buyer`); another buyer's order is "not found".
pub async fn order_lines_for_reorder(
    db: &Db,
    buyer: UserId,
    order: OrderId,
) -> Result<Vec<(String, i64)>, CommerceError> {
    let owner: Option<Option<i64>> = dispatch!(db, |pool, _d| {
        sqlx::query_scalar("SELECT buyer_user_id FROM orders WHERE id = $1")
            .bind(order.0)
            .fetch_optional(pool)
            .await
            .map_err(crate::db::DbError::from)?
    });
    if owner.flatten() != Some(buyer.0) {
        return Err(CommerceError::OrderNotFound(order));
    }
    Ok(dispatch!(db, |pool, _d| {
        sqlx::query_as(
            "SELECT v.sku, l.quantity FROM order_lines l \
             JOIN product_variants v ON v.id = l.variant_id \
             WHERE l.order_id = $1 ORDER BY l.id",
        )
        .bind(order.0)
        .fetch_all(pool)
        .await
        .map_err(crate::db::DbError::from)?
    }))
}
