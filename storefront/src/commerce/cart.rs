//! Carts: one per signed-in user, or per guest token (stored as its SHA-256). A guest cart is
//! merged into the user's cart when the guest signs in (the first cart request that carries
//! both the session and the guest token), quantities added and capped at 99.

use super::checkout::{self, MAX_LINES, MAX_QUANTITY};
use super::{CommerceError, CommerceResult};
use crate::db::Db;
use crate::db::accounts::UserId;
use crate::db::orders::{Conn, dispatch_conn};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// Whose cart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CartOwner {
    /// A signed-in user.
    User(UserId),
    /// A guest, by the hex SHA-256 of the token.
    Guest(String),
}

async fn find_cart(conn: &mut Conn<'_>, owner: &CartOwner) -> CommerceResult<Option<i64>> {
    Ok(dispatch_conn!(conn, |c| {
        match owner {
            CartOwner::User(user) => {
                sqlx::query_scalar("SELECT id FROM carts WHERE user_id = $1")
                    .bind(user)
                    .fetch_optional(&mut *c)
                    .await?
            }
            CartOwner::Guest(hash) => {
                sqlx::query_scalar("SELECT id FROM carts WHERE token_hash = $1")
                    .bind(hash)
                    .fetch_optional(&mut *c)
                    .await?
            }
        }
    }))
}

async fn ensure_cart(
    conn: &mut Conn<'_>,
    owner: &CartOwner,
    now: DateTime<Utc>,
) -> CommerceResult<i64> {
    if let Some(id) = find_cart(conn, owner).await? {
        return Ok(id);
    }
    let (user, hash) = match owner {
        CartOwner::User(user) => (Some(*user), None),
        CartOwner::Guest(hash) => (None, Some(hash.as_str())),
    };
    Ok(dispatch_conn!(conn, |c| {
        sqlx::query_scalar(
            "INSERT INTO carts (user_id, token_hash, created_at, updated_at) \
             VALUES ($1, $2, $3, $3) RETURNING id",
        )
        .bind(user)
        .bind(hash)
        .bind(now)
        .fetch_one(&mut *c)
        .await?
    }))
}

/// How a line changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineChange {
    /// Add this many units.
    Add(i64),
    /// Set the quantity.
    Set(i64),
    /// Remove the line.
    Remove,
}

/// Changes one line of the owner's cart (creating the cart when needed).
pub async fn change_line(
    db: &Db,
    owner: &CartOwner,
    sku: &str,
    change: LineChange,
    now: DateTime<Utc>,
) -> CommerceResult<()> {
    checkout::check_sku(sku)?;
    if let LineChange::Add(quantity) | LineChange::Set(quantity) = change {
        checkout::check_quantity(sku, quantity)?;
    }
    let mut tx = db.begin_queued().await?;
    let mut conn = tx.conn();
    let variant = checkout::variant_by_sku(&mut conn, sku)
        .await?
        .ok_or_else(|| {
            CommerceError::unknown("unknown_sku", format!("no product with sku {sku:?}"))
        })?;
    if variant.status != "approved" && change != LineChange::Remove {
        return Err(CommerceError::invalid(
            "product_unavailable",
            format!("{sku} is not on sale"),
        ));
    }
    let cart = ensure_cart(&mut conn, owner, now).await?;
    let current: Option<i64> = dispatch_conn!(&mut conn, |c| {
        sqlx::query_scalar("SELECT quantity FROM cart_lines WHERE cart_id = $1 AND variant_id = $2")
            .bind(cart)
            .bind(variant.variant_id)
            .fetch_optional(&mut *c)
            .await?
    });
    let lines: i64 = dispatch_conn!(&mut conn, |c| {
        sqlx::query_scalar("SELECT COUNT(*) FROM cart_lines WHERE cart_id = $1")
            .bind(cart)
            .fetch_one(&mut *c)
            .await?
    });
    let target = match change {
        LineChange::Add(quantity) => Some(current.unwrap_or(0) + quantity),
        LineChange::Set(quantity) => Some(quantity),
        LineChange::Remove => None,
    };
    if let Some(target) = target {
        if target > MAX_QUANTITY {
            return Err(CommerceError::invalid(
                "invalid_quantity",
                format!("at most {MAX_QUANTITY} units of {sku}"),
            ));
        }
        if current.is_none() && usize::try_from(lines).unwrap_or(usize::MAX) >= MAX_LINES {
            return Err(CommerceError::invalid(
                "too_many_lines",
                format!("a cart holds at most {MAX_LINES} lines"),
            ));
        }
    }
    dispatch_conn!(&mut conn, |c| {
        match target {
            Some(quantity) => {
                sqlx::query(
                    "INSERT INTO cart_lines (cart_id, variant_id, quantity, added_at) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (cart_id, variant_id) \
                     DO UPDATE SET quantity = excluded.quantity",
                )
                .bind(cart)
                .bind(variant.variant_id)
                .bind(quantity)
                .bind(now)
                .execute(&mut *c)
                .await?;
            }
            None => {
                sqlx::query("DELETE FROM cart_lines WHERE cart_id = $1 AND variant_id = $2")
                    .bind(cart)
                    .bind(variant.variant_id)
                    .execute(&mut *c)
                    .await?;
            }
        }
        sqlx::query("UPDATE carts SET updated_at = $1 WHERE id = $2")
            .bind(now)
            .bind(cart)
            .execute(&mut *c)
            .await?;
    });
    tx.commit().await?;
    Ok(())
}

/// Moves a guest's cart into the user's cart (adding quantities, capped at 99) and deletes it.
/// Returns how many lines moved.
pub async fn merge_guest_cart(
    db: &Db,
    guest_hash: &str,
    user: UserId,
    now: DateTime<Utc>,
) -> CommerceResult<usize> {
    let mut tx = db.begin_queued().await?;
    let mut conn = tx.conn();
    let guest = CartOwner::Guest(guest_hash.to_owned());
    let Some(guest_cart) = find_cart(&mut conn, &guest).await? else {
        return Ok(0);
    };
    let target = ensure_cart(&mut conn, &CartOwner::User(user), now).await?;
    let moved = dispatch_conn!(&mut conn, |c| {
        let moved = sqlx::query(
            "INSERT INTO cart_lines (cart_id, variant_id, quantity, added_at) \
             SELECT $1, variant_id, quantity, added_at FROM cart_lines WHERE cart_id = $2 \
             ON CONFLICT (cart_id, variant_id) DO UPDATE SET quantity = \
             CASE WHEN cart_lines.quantity + excluded.quantity > $3 THEN $3 \
             ELSE cart_lines.quantity + excluded.quantity END",
        )
        .bind(target)
        .bind(guest_cart)
        .bind(MAX_QUANTITY)
        .execute(&mut *c)
        .await?
        .rows_affected();
        sqlx::query("DELETE FROM carts WHERE id = $1")
            .bind(guest_cart)
            .execute(&mut *c)
            .await?;
        moved
    });
    tx.commit().await?;
    Ok(usize::try_from(moved).unwrap_or(usize::MAX))
}

/// A cart line with the live price and stock.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct CartLineView {
    /// SKU.
    pub sku: String,
    /// Product id.
    pub product_id: i64,
    /// Product title.
    pub title: String,
    /// Seller.
    pub seller_id: i64,
    /// Units.
    pub quantity: i64,
    /// Live unit price (tiyin).
    pub unit_price_tiyin: i64,
    /// Units × live price (tiyin).
    pub line_total_tiyin: i64,
    /// Units available now.
    pub available: i64,
    /// Whether the line can be bought as is (on sale and enough stock).
    pub purchasable: bool,
}

/// A cart with live prices.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CartView {
    /// Lines.
    pub lines: Vec<CartLineView>,
    /// Sum of the lines (tiyin).
    pub subtotal_tiyin: i64,
    /// Whether every line can be bought.
    pub purchasable: bool,
}

#[derive(Debug, sqlx::FromRow)]
struct CartLineRow {
    sku: String,
    product_id: i64,
    title: String,
    seller_id: i64,
    quantity: i64,
    price_tiyin: i64,
    stock: i64,
    status: String,
}

/// Returns the owner's cart at live prices (empty when there is none).
pub async fn view(db: &Db, owner: &CartOwner) -> CommerceResult<CartView> {
    let filter = match owner {
        CartOwner::User(_) => "c.user_id = $1",
        CartOwner::Guest(_) => "c.token_hash = $1",
    };
    let sql = format!(
        "SELECT v.sku, v.product_id, \
         COALESCE(p.title_uz, p.title_en, p.title_ru, p.title_uz_cyrl) AS title, p.seller_id, \
         l.quantity, v.price_tiyin, v.stock, p.status \
         FROM cart_lines l JOIN carts c ON c.id = l.cart_id \
         JOIN product_variants v ON v.id = l.variant_id JOIN products p ON p.id = v.product_id \
         WHERE {filter} ORDER BY l.added_at, v.id"
    );
    let rows: Vec<CartLineRow> = crate::db::dispatch!(db, |pool, _d| {
        let query = sqlx::query_as::<_, CartLineRow>(&sql);
        let query = match owner {
            CartOwner::User(user) => query.bind(user.0),
            CartOwner::Guest(hash) => query.bind(hash.clone()),
        };
        query.fetch_all(pool).await?
    });
    let lines: Vec<CartLineView> = rows
        .into_iter()
        .map(|row| {
            let line_total = row.price_tiyin.saturating_mul(row.quantity);
            CartLineView {
                purchasable: row.status == "approved" && row.stock >= row.quantity,
                sku: row.sku,
                product_id: row.product_id,
                title: row.title,
                seller_id: row.seller_id,
                quantity: row.quantity,
                unit_price_tiyin: row.price_tiyin,
                line_total_tiyin: line_total,
                available: row.stock,
            }
        })
        .collect();
    Ok(CartView {
        subtotal_tiyin: lines.iter().map(|l| l.line_total_tiyin).sum(),
        purchasable: !lines.is_empty() && lines.iter().all(|l| l.purchasable),
        lines,
    })
}
