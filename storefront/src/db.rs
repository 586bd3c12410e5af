//! Persistence: one [`Db`] handle over SQLite (embedded default) or PostgreSQL.
//!
//! Each repository function holds its SQL once when both backends accept the same text (`$1`
//! placeholders, `RETURNING` and `ON CONFLICT` work on both) and per backend where they differ.
//! The [`dispatch!`] macro instantiates the body once per backend pool type.

pub mod accounts;
pub mod catalog;
pub mod credentials;
pub mod orders;
pub mod search_log;

use crate::config::{DatabaseKind, database_kind};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::str::FromStr;
use std::time::Duration;

/// Errors raised by the store.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The database failed or refused the statement.
    #[error("database error: {0}")]
    Sqlx(#[from] sqlx::Error),
    /// A migration failed.
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Stored data is not what the schema promises.
    #[error("corrupt row: {0}")]
    Corrupt(String),
    /// The configuration names an unsupported database.
    #[error("{0}")]
    Config(String),
}

/// Result type of the store.
pub type DbResult<T> = Result<T, DbError>;

/// The store: a pool on one of the two supported backends.
#[derive(Debug, Clone)]
pub enum Db {
    /// SQLite in WAL mode.
    Sqlite(SqlitePool),
    /// PostgreSQL.
    Postgres(PgPool),
}

/// SQL fragments that differ between the backends.
pub(crate) struct Dialect {
    /// A subquery yielding the ids of the JSON array bound as `$1`.
    pub ids_from_json: &'static str,
    /// A statement serialising catalogue writers inside a transaction, if the backend needs one.
    pub catalog_write_lock: Option<&'static str>,
}

pub(crate) const SQLITE: Dialect = Dialect {
    ids_from_json: "(SELECT value FROM json_each($1))",
    catalog_write_lock: None,
};

/// `hashtext('catalog_changes')` keyed advisory lock: outbox rows commit in sequence order.
pub(crate) const POSTGRES: Dialect = Dialect {
    ids_from_json: "(SELECT jsonb_array_elements_text($1::jsonb)::bigint)",
    catalog_write_lock: Some("SELECT pg_advisory_xact_lock(hashtext('catalog_changes'))"),
};

/// Runs `$body` with `$pool` bound to the backend's pool and `$dialect` to its [`Dialect`].
macro_rules! dispatch {
    ($db:expr, |$pool:ident, $dialect:ident| $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite($pool) => {
                #[allow(unused_variables)]
                let $dialect = &$crate::db::SQLITE;
                $body
            }
            $crate::db::Db::Postgres($pool) => {
                #[allow(unused_variables)]
                let $dialect = &$crate::db::POSTGRES;
                $body
            }
        }
    };
}
pub(crate) use dispatch;

impl Db {
    /// Connects to the database a URL names. SQLite files are created when missing.
    pub async fn connect(url: &str) -> DbResult<Self> {
        let kind = database_kind(url).map_err(|error| DbError::Config(error.to_string()))?;
        match kind {
            DatabaseKind::Sqlite => {
                let options = SqliteConnectOptions::from_str(url)?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(5));
                let pool = SqlitePoolOptions::new()
                    .max_connections(8)
                    .connect_with(options)
                    .await?;
                Ok(Self::Sqlite(pool))
            }
            DatabaseKind::Postgres => {
                let options = PgConnectOptions::from_str(url)?;
                let pool = PgPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await?;
                Ok(Self::Postgres(pool))
            }
        }
    }

    /// Applies the embedded migrations of the backend.
    pub async fn migrate(&self) -> DbResult<()> {
        match self {
            Self::Sqlite(pool) => sqlx::migrate!("../migrations/sqlite").run(pool).await?,
            Self::Postgres(pool) => sqlx::migrate!("../migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    /// Returns the backend's name, for logs.
    pub fn backend_name(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> DbResult<()> {
        dispatch!(self, |pool, _d| {
            sqlx::query("SELECT 1").execute(pool).await?;
        });
        Ok(())
    }

    /// Closes the pool.
    pub async fn close(&self) {
        dispatch!(self, |pool, _d| pool.close().await)
    }
}
