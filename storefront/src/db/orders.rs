//! Write transactions for commerce: a [`DbTx`] (one transaction on either backend) and a
//! [`Conn`] (a borrowed connection inside someone's transaction), so that commerce functions
//! run inside a caller's transaction — the payment adapters open one, lock their provider row,
//! and call [`crate::commerce::orders`] in it.
//!
//! On SQLite a write transaction starts with `BEGIN IMMEDIATE`: it takes the write lock up
//! front, so a read-then-write never fails with `SQLITE_BUSY` when another writer commits in
//! between (the busy timeout then queues writers). On PostgreSQL rows are locked with
//! `SELECT … FOR UPDATE` where a read decides a write ([`Conn::for_update`]).

use super::{Db, DbResult, Dialect};
use sqlx::{PgConnection, Postgres, Sqlite, SqliteConnection, Transaction};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::OwnedMutexGuard;

/// A connection borrowed from a transaction on one of the two backends.
#[derive(Debug)]
pub enum Conn<'c> {
    /// Inside a SQLite transaction.
    Sqlite(&'c mut SqliteConnection),
    /// Inside a PostgreSQL transaction.
    Postgres(&'c mut PgConnection),
}

impl Conn<'_> {
    /// Returns ` FOR UPDATE` on PostgreSQL and nothing on SQLite (whose `BEGIN IMMEDIATE`
    /// already serialises writers).
    pub fn for_update(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "",
            Self::Postgres(_) => " FOR UPDATE",
        }
    }

    /// Reborrows the connection for the notification outbox ([`crate::notify::enqueue`]).
    pub fn as_notify(&mut self) -> crate::notify::Conn<'_> {
        match self {
            Self::Sqlite(c) => crate::notify::Conn::Sqlite(c),
            Self::Postgres(c) => crate::notify::Conn::Postgres(c),
        }
    }

    /// Returns the backend's SQL dialect.
    pub(crate) fn dialect(&self) -> &'static Dialect {
        match self {
            Self::Sqlite(_) => &super::SQLITE,
            Self::Postgres(_) => &super::POSTGRES,
        }
    }
}

/// An open write transaction on one of the two backends. Dropped without
/// [`commit`](Self::commit), it rolls back.
#[derive(Debug)]
pub enum DbTx {
    /// A SQLite transaction (`BEGIN IMMEDIATE`).
    Sqlite(Transaction<'static, Sqlite>),
    /// A PostgreSQL transaction (read committed).
    Postgres(Transaction<'static, Postgres>),
}

impl DbTx {
    /// Borrows the transaction's connection.
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Self::Sqlite(tx) => Conn::Sqlite(tx),
            Self::Postgres(tx) => Conn::Postgres(tx),
        }
    }

    /// Commits.
    pub async fn commit(self) -> DbResult<()> {
        match self {
            Self::Sqlite(tx) => tx.commit().await?,
            Self::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }

    /// Rolls back.
    pub async fn rollback(self) -> DbResult<()> {
        match self {
            Self::Sqlite(tx) => tx.rollback().await?,
            Self::Postgres(tx) => tx.rollback().await?,
        }
        Ok(())
    }
}

impl Db {
    /// Begins a transaction for reads (deferred on SQLite: it takes no write lock).
    pub async fn begin_read(&self) -> DbResult<DbTx> {
        Ok(match self {
            Db::Sqlite(pool) => DbTx::Sqlite(pool.begin().await?),
            Db::Postgres(pool) => DbTx::Postgres(pool.begin().await?),
        })
    }

    /// Begins a write transaction (`BEGIN IMMEDIATE` on SQLite).
    pub async fn begin_write(&self) -> DbResult<DbTx> {
        Ok(match self {
            Db::Sqlite(pool) => DbTx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(pool) => DbTx::Postgres(pool.begin().await?),
        })
    }
}

/// A write transaction that waited for its turn in an in-process FIFO queue (SQLite) before
/// `BEGIN IMMEDIATE`, instead of polling SQLite's busy handler, whose growing sleeps give a
/// long latency tail under contention. On PostgreSQL there is no queue.
#[derive(Debug)]
pub struct QueuedTx {
    tx: DbTx,
    _turn: Option<OwnedMutexGuard<()>>,
}

impl QueuedTx {
    /// Borrows the transaction's connection.
    pub fn conn(&mut self) -> Conn<'_> {
        self.tx.conn()
    }

    /// Commits (and lets the next writer in).
    pub async fn commit(self) -> DbResult<()> {
        self.tx.commit().await
    }

    /// Rolls back (and lets the next writer in).
    pub async fn rollback(self) -> DbResult<()> {
        self.tx.rollback().await
    }
}

/// One writer queue per SQLite database file of this process.
fn sqlite_queue(file: PathBuf) -> Arc<tokio::sync::Mutex<()>> {
    static QUEUES: OnceLock<Mutex<HashMap<PathBuf, Arc<tokio::sync::Mutex<()>>>>> = OnceLock::new();
    let queues = QUEUES.get_or_init(|| Mutex::new(HashMap::new()));
    let mut queues = match queues.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    };
    queues.entry(file).or_default().clone()
}

impl Db {
    /// Begins a write transaction after waiting in the process's writer queue (SQLite).
    pub async fn begin_queued(&self) -> DbResult<QueuedTx> {
        let turn = match self {
            Db::Sqlite(pool) => {
                let file = pool.connect_options().get_filename().to_path_buf();
                Some(sqlite_queue(file).lock_owned().await)
            }
            Db::Postgres(_) => None,
        };
        Ok(QueuedTx {
            tx: self.begin_write().await?,
            _turn: turn,
        })
    }
}

/// Runs `$body` with `$conn` bound to the backend's `&mut …Connection` of a [`Conn`].
macro_rules! dispatch_conn {
    ($c:expr, |$conn:ident| $body:expr) => {
        match $c {
            $crate::db::orders::Conn::Sqlite($conn) => {
                let $conn: &mut sqlx::SqliteConnection = &mut **$conn;
                $body
            }
            $crate::db::orders::Conn::Postgres($conn) => {
                let $conn: &mut sqlx::PgConnection = &mut **$conn;
                $body
            }
        }
    };
}
pub(crate) use dispatch_conn;
