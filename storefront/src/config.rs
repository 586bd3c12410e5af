//! The service configuration: one clap-derived [`Cli`], every field with a `BOLAJON_*` variable.
//!
//! Precedence: flags, then the environment, then defaults. Nothing else in the service reads
//! the environment. The defaults give the embedded set-up: SQLite and indexes under `data/`,
//! an in-process cache, listening on 127.0.0.1:3000.

use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

/// bolajon: a safe marketplace for children and their parents.
#[derive(Debug, Parser)]
#[command(name = "storefront", version, about)]
pub struct Cli {
    /// Shared settings.
    #[command(flatten)]
    pub config: Config,
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Settings shared by every subcommand.
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Address to listen on.
    #[arg(
        long,
        env = "BOLAJON_ADDR",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub addr: SocketAddr,
    /// Directory for the SQLite database and the indexes.
    #[arg(long, env = "BOLAJON_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,
    /// Database URL: `sqlite://…` or `postgres://…`; default `sqlite://<data dir>/bolajon.db`.
    #[arg(long, env = "BOLAJON_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// Redis URL; when unset, caches and rate limits stay in-process.
    #[arg(long, env = "BOLAJON_REDIS_URL", global = true)]
    pub redis_url: Option<String>,
    /// Model cache directory; default a per-user cache directory.
    #[arg(long, env = "BOLAJON_MODELS_DIR", global = true)]
    pub models_dir: Option<PathBuf>,
    /// Log filter in `tracing` syntax.
    #[arg(long, env = "BOLAJON_LOG", default_value = "info", global = true)]
    pub log: String,
}

/// Subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Serve the storefront (migrates and seeds a fresh data directory first).
    Serve,
    /// Apply database migrations.
    Migrate,
    /// Load the sample catalogue into an empty database.
    Seed,
    /// Rebuild the search index from the database.
    Index,
    /// Print the OpenAPI document.
    Openapi,
    /// Run benchmarks.
    Bench {
        /// Which benchmark.
        #[command(subcommand)]
        which: BenchCommand,
    },
}

/// Benchmarks.
#[derive(Debug, Clone, Subcommand)]
pub enum BenchCommand {
    /// Index build rate and search latency, in-process and over HTTP.
    Search(crate::bench::SearchBenchArgs),
}

/// Which database the service talks to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseKind {
    /// SQLite (embedded default).
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

impl Config {
    /// Returns the database URL, defaulting to the SQLite file in the data directory.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("bolajon.db").display()
            ),
        }
    }

    /// Returns the kind of database the URL names.
    pub fn database_kind(&self) -> anyhow::Result<DatabaseKind> {
        database_kind(&self.database_url())
    }

    /// Returns the directory of the lexical index.
    pub fn index_dir(&self) -> PathBuf {
        self.data_dir.join("index").join("lexical")
    }
}

/// Returns the kind of database a URL names.
pub fn database_kind(url: &str) -> anyhow::Result<DatabaseKind> {
    if url.starts_with("sqlite:") {
        Ok(DatabaseKind::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(DatabaseKind::Postgres)
    } else {
        anyhow::bail!("unsupported database url (expected sqlite: or postgres://): {url}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_give_the_embedded_setup() {
        let cli = Cli::try_parse_from(["storefront"]).unwrap();
        assert_eq!(cli.config.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(cli.config.database_kind().unwrap(), DatabaseKind::Sqlite);
        assert!(cli.config.database_url().contains("data/bolajon.db"));
        assert!(cli.command.is_none());
    }

    #[test]
    fn postgres_url_switches_backend() {
        let cli = Cli::try_parse_from([
            "storefront",
            "--database-url",
            "postgres://localhost/test",
            "migrate",
        ])
        .unwrap();
        assert_eq!(cli.config.database_kind().unwrap(), DatabaseKind::Postgres);
        assert!(database_kind("mysql://x").is_err());
    }
}
