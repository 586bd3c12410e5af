//! The payments repository: one SQL transaction per provider transition ([`PayTx`]) and the
//! statements on the payment tables. SQL is written once where both backends accept it (`$1`
//! placeholders, `RETURNING`); rows are locked with `FOR UPDATE` on PostgreSQL, while SQLite
//! transactions start with `BEGIN IMMEDIATE` and so hold the write lock from the first read.

use crate::commerce::CommerceError;
use crate::db::orders::DbTx;
use crate::db::{Db, DbError};

/// An error of the payments store or of the order it changes.
#[derive(Debug, thiserror::Error)]
pub enum PaymentError {
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
    /// The commerce core refused or failed an order change.
    #[error("order change failed: {0}")]
    Order(String),
}

impl From<CommerceError> for PaymentError {
    fn from(error: CommerceError) -> Self {
        match error {
            CommerceError::Db(db) => Self::Db(db),
            other => Self::Order(other.to_string()),
        }
    }
}

impl From<sqlx::Error> for PaymentError {
    fn from(error: sqlx::Error) -> Self {
        Self::Db(DbError::Sqlx(error))
    }
}

/// Result type of the payments store.
pub type PaymentResult<T> = Result<T, PaymentError>;

/// One write transaction on either backend: the commerce core's, so the payment row and the
/// order change commit together.
pub type PayTx = DbTx;

/// Runs `$body` with `$conn` bound to the transaction's connection, once per backend.
macro_rules! on_tx {
    ($tx:expr, |$conn:ident| $body:expr) => {
        match $tx {
            $crate::db::orders::DbTx::Sqlite(tx) => {
                let $conn: &mut sqlx::SqliteConnection = &mut **tx;
                $body
            }
            $crate::db::orders::DbTx::Postgres(tx) => {
                let $conn: &mut sqlx::PgConnection = &mut **tx;
                $body
            }
        }
    };
}
pub(crate) use on_tx;

/// Begins a write transaction (`BEGIN IMMEDIATE` on SQLite).
pub async fn begin(db: &Db) -> PaymentResult<PayTx> {
    Ok(db.begin_write().await?)
}

/// Commits.
pub async fn commit(tx: PayTx) -> PaymentResult<()> {
    Ok(tx.commit().await?)
}

/// Returns ` FOR UPDATE` on PostgreSQL, nothing on SQLite (already holding the write lock).
pub fn lock_suffix(tx: &PayTx) -> &'static str {
    match tx {
        DbTx::Sqlite(_) => "",
        DbTx::Postgres(_) => " FOR UPDATE",
    }
}

/// Returns whether `error` is a unique-constraint violation.
pub fn is_unique_violation(error: &PaymentError) -> bool {
    match error {
        PaymentError::Db(DbError::Sqlx(sqlx::Error::Database(error))) => {
            error.is_unique_violation()
        }
        PaymentError::Db(_) | PaymentError::Order(_) => false,
    }
}

// ---------------------------------------------------------------------------------------------
// Payme

/// A stored Payme transaction.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PaymeRow {
    /// Our transaction id (`transaction`).
    pub id: i64,
    /// Payme's id.
    pub payme_id: String,
    /// The order.
    pub order_id: i64,
    /// Tiyin.
    pub amount: i64,
    /// Payme's `time` (ms).
    pub payme_time: i64,
    /// ms.
    pub create_time: i64,
    /// ms, 0 when unset.
    pub perform_time: i64,
    /// ms, 0 when unset.
    pub cancel_time: i64,
    /// 1, 2, -1 or -2.
    pub state: i64,
    /// Cancel reason.
    pub reason: Option<i64>,
}

const PAYME_COLUMNS: &str = "id, payme_id, order_id, amount, payme_time, create_time, \
                             perform_time, cancel_time, state, reason";

/// Loads (and locks) the transaction with Payme id `payme_id`.
pub async fn payme_by_payme_id(tx: &mut PayTx, payme_id: &str) -> PaymentResult<Option<PaymeRow>> {
    let sql = format!(
        "SELECT {PAYME_COLUMNS} FROM payme_transactions WHERE payme_id = $1{}",
        lock_suffix(tx)
    );
    Ok(on_tx!(tx, |conn| {
        sqlx::query_as::<_, PaymeRow>(&sql)
            .bind(payme_id)
            .fetch_optional(&mut *conn)
            .await?
    }))
}

/// Returns the order of the transaction with Payme id `payme_id`, without locking.
pub async fn payme_order_of(tx: &mut PayTx, payme_id: &str) -> PaymentResult<Option<i64>> {
    Ok(on_tx!(tx, |conn| {
        sqlx::query_scalar("SELECT order_id FROM payme_transactions WHERE payme_id = $1")
            .bind(payme_id)
            .fetch_optional(&mut *conn)
            .await?
    }))
}

/// Returns whether `order_id` has a transaction in state 1 or 2.
pub async fn payme_order_has_live_transaction(
    tx: &mut PayTx,
    order_id: i64,
) -> PaymentResult<bool> {
    let count: i64 = on_tx!(tx, |conn| {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM payme_transactions WHERE order_id = $1 AND state IN (1, 2)",
        )
        .bind(order_id)
        .fetch_one(&mut *conn)
        .await?
    });
    Ok(count > 0)
}

/// Inserts a new transaction in state 1.
pub async fn payme_insert(
    tx: &mut PayTx,
    payme_id: &str,
    order_id: i64,
    amount: i64,
    payme_time: i64,
    create_time: i64,
) -> PaymentResult<PaymeRow> {
    let sql = format!(
        "INSERT INTO payme_transactions (payme_id, order_id, amount, payme_time, create_time, state) \
         VALUES ($1, $2, $3, $4, $5, 1) RETURNING {PAYME_COLUMNS}"
    );
    Ok(on_tx!(tx, |conn| {
        sqlx::query_as::<_, PaymeRow>(&sql)
            .bind(payme_id)
            .bind(order_id)
            .bind(amount)
            .bind(payme_time)
            .bind(create_time)
            .fetch_one(&mut *conn)
            .await?
    }))
}

/// Moves a state-1 transaction to state 2.
pub async fn payme_perform(tx: &mut PayTx, id: i64, perform_time: i64) -> PaymentResult<PaymeRow> {
    let sql = format!(
        "UPDATE payme_transactions SET state = 2, perform_time = $2 WHERE id = $1 AND state = 1 \
         RETURNING {PAYME_COLUMNS}"
    );
    Ok(on_tx!(tx, |conn| {
        sqlx::query_as::<_, PaymeRow>(&sql)
            .bind(id)
            .bind(perform_time)
            .fetch_one(&mut *conn)
            .await?
    }))
}

/// Cancels a transaction in state `from` (1 → -1, 2 → -2).
pub async fn payme_cancel(
    tx: &mut PayTx,
    id: i64,
    from: i64,
    cancel_time: i64,
    reason: i64,
) -> PaymentResult<PaymeRow> {
    let sql = format!(
        "UPDATE payme_transactions SET state = -state, cancel_time = $2, reason = $3 \
         WHERE id = $1 AND state = $4 RETURNING {PAYME_COLUMNS}"
    );
    Ok(on_tx!(tx, |conn| {
        sqlx::query_as::<_, PaymeRow>(&sql)
            .bind(id)
            .bind(cancel_time)
            .bind(reason)
            .bind(from)
            .fetch_one(&mut *conn)
            .await?
    }))
}

/// Returns the transactions whose Payme `time` lies in `[from, to]`, by `time`.
pub async fn payme_statement(db: &Db, from: i64, to: i64) -> PaymentResult<Vec<PaymeRow>> {
    let sql = format!(
        "SELECT {PAYME_COLUMNS} FROM payme_transactions WHERE payme_time BETWEEN $1 AND $2 \
         ORDER BY payme_time, id"
    );
    Ok(crate::db::dispatch!(db, |pool, _d| {
        sqlx::query_as::<_, PaymeRow>(&sql)
            .bind(from)
            .bind(to)
            .fetch_all(pool)
            .await?
    }))
}

/// Returns the Payme ids of state-1 transactions whose `time` is before `created_before`.
pub async fn payme_expired_ids(db: &Db, created_before: i64) -> PaymentResult<Vec<String>> {
    Ok(crate::db::dispatch!(db, |pool, _d| {
        sqlx::query_scalar(
            "SELECT payme_id FROM payme_transactions WHERE state = 1 AND payme_time < $1 \
             ORDER BY id",
        )
        .bind(created_before)
        .fetch_all(pool)
        .await?
    }))
}

/// Returns the SHA-256 (hex) of the rotated Payme key, if any.
pub async fn payme_stored_key(db: &Db) -> PaymentResult<Option<String>> {
    Ok(crate::db::dispatch!(db, |pool, _d| {
        sqlx::query_scalar("SELECT secret FROM payment_credentials WHERE provider = 'payme'")
            .fetch_optional(pool)
            .await?
    }))
}

/// Stores the SHA-256 (hex) of a rotated Payme key.
pub async fn payme_store_key(db: &Db, key_hash: &str, now_ms: i64) -> PaymentResult<()> {
    crate::db::dispatch!(db, |pool, _d| {
        sqlx::query(
            "INSERT INTO payment_credentials (provider, secret, updated_at) VALUES ('payme', $1, $2) \
             ON CONFLICT (provider) DO UPDATE SET secret = excluded.secret, \
             updated_at = excluded.updated_at",
        )
        .bind(key_hash)
        .bind(now_ms)
        .execute(pool)
        .await?;
    });
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Click

/// A stored Click attempt.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ClickRow {
    /// merchant_prepare_id / merchant_confirm_id.
    pub id: i64,
    /// Click's id, as received.
    pub click_trans_id: String,
    /// The order.
    pub order_id: i64,
    /// Tiyin.
    pub amount: i64,
    /// `prepared`, `confirmed` or `cancelled`.
    pub state: String,
}

const CLICK_COLUMNS: &str = "id, click_trans_id, order_id, amount, state";

/// Loads (and locks) the attempt with our id `id`.
pub async fn click_by_id(tx: &mut PayTx, id: i64) -> PaymentResult<Option<ClickRow>> {
    let sql = format!(
        "SELECT {CLICK_COLUMNS} FROM click_transactions WHERE id = $1{}",
        lock_suffix(tx)
    );
    Ok(on_tx!(tx, |conn| {
        sqlx::query_as::<_, ClickRow>(&sql)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
    }))
}

/// Loads (and locks) the attempt with Click id `click_trans_id`.
pub async fn click_by_click_id(
    tx: &mut PayTx,
    click_trans_id: &str,
) -> PaymentResult<Option<ClickRow>> {
    let sql = format!(
        "SELECT {CLICK_COLUMNS} FROM click_transactions WHERE click_trans_id = $1{}",
        lock_suffix(tx)
    );
    Ok(on_tx!(tx, |conn| {
        sqlx::query_as::<_, ClickRow>(&sql)
            .bind(click_trans_id)
            .fetch_optional(&mut *conn)
            .await?
    }))
}

/// Returns whether `order_id` has a confirmed Click payment.
pub async fn click_order_confirmed(tx: &mut PayTx, order_id: i64) -> PaymentResult<bool> {
    let count: i64 = on_tx!(tx, |conn| {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM click_transactions WHERE order_id = $1 AND state = 'confirmed'",
        )
        .bind(order_id)
        .fetch_one(&mut *conn)
        .await?
    });
    Ok(count > 0)
}

/// Inserts a prepared attempt.
pub async fn click_insert(
    tx: &mut PayTx,
    click_trans_id: &str,
    click_paydoc_id: &str,
    order_id: i64,
    amount: i64,
    now_ms: i64,
) -> PaymentResult<ClickRow> {
    let sql = format!(
        "INSERT INTO click_transactions (click_trans_id, click_paydoc_id, order_id, amount, state, \
         created_at) VALUES ($1, $2, $3, $4, 'prepared', $5) RETURNING {CLICK_COLUMNS}"
    );
    Ok(on_tx!(tx, |conn| {
        sqlx::query_as::<_, ClickRow>(&sql)
            .bind(click_trans_id)
            .bind(click_paydoc_id)
            .bind(order_id)
            .bind(amount)
            .bind(now_ms)
            .fetch_one(&mut *conn)
            .await?
    }))
}

/// Moves a prepared attempt to `confirmed` or `cancelled`.
pub async fn click_finish(
    tx: &mut PayTx,
    id: i64,
    confirmed: bool,
    click_error: i64,
    now_ms: i64,
) -> PaymentResult<()> {
    let sql = if confirmed {
        "UPDATE click_transactions SET state = 'confirmed', confirmed_at = $2, click_error = $3 \
         WHERE id = $1 AND state = 'prepared'"
    } else {
        "UPDATE click_transactions SET state = 'cancelled', cancelled_at = $2, click_error = $3 \
         WHERE id = $1 AND state = 'prepared'"
    };
    on_tx!(tx, |conn| {
        sqlx::query(sql)
            .bind(id)
            .bind(now_ms)
            .bind(click_error)
            .execute(&mut *conn)
            .await?;
    });
    Ok(())
}
