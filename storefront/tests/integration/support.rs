//! Test support: databases on both backends, seeded apps, HTTP helpers.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use storefront::AppState;
use storefront::db::Db;
use tower::ServiceExt;

/// The PostgreSQL server used when `TEST_DATABASE_URL` is unset (the local trust-auth server).
const DEFAULT_TEST_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// Which backend a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database for one test; PostgreSQL databases are dropped on drop.
pub struct TestDb {
    pub db: Db,
    pub dir: tempfile::TempDir,
    drop_postgres: Option<(String, String)>,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = self.drop_postgres.take() {
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                runtime.block_on(async move {
                    if let Ok(admin) = Db::connect(&admin_url).await {
                        if let Db::Postgres(pool) = &admin {
                            let _ = sqlx::query(&format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            ))
                            .execute(pool)
                            .await;
                        }
                        admin.close().await;
                    }
                });
            })
            .join();
        }
    }
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Creates a fresh, migrated database on `backend`.
pub async fn test_db(backend: Backend) -> TestDb {
    let dir = tempfile::tempdir().unwrap();
    match backend {
        Backend::Sqlite => {
            let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
            let db = Db::connect(&url).await.unwrap();
            db.migrate().await.unwrap();
            TestDb {
                db,
                dir,
                drop_postgres: None,
            }
        }
        Backend::Postgres => {
            let admin_url = std::env::var("TEST_DATABASE_URL")
                .unwrap_or_else(|_| DEFAULT_TEST_DATABASE_URL.to_owned());
            let admin = Db::connect(&admin_url).await.unwrap_or_else(|error| {
                panic!("the PostgreSQL suite needs a server at TEST_DATABASE_URL ({admin_url}): {error}")
            });
            let name = format!(
                "bolajon_t_{}_{}_{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::Relaxed),
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .subsec_nanos()
            );
            let Db::Postgres(pool) = &admin else {
                panic!("TEST_DATABASE_URL must be a postgres:// url")
            };
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(pool)
                .await
                .unwrap();
            admin.close().await;
            let url = replace_database(&admin_url, &name);
            let db = Db::connect(&url).await.unwrap();
            db.migrate().await.unwrap();
            TestDb {
                db,
                dir,
                drop_postgres: Some((admin_url, name)),
            }
        }
    }
}

fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let prefix = match base.rfind('/') {
        Some(slash) if slash > "postgres://".len() => &base[..slash],
        _ => base,
    };
    match query {
        Some(query) => format!("{prefix}/{name}?{query}"),
        None => format!("{prefix}/{name}"),
    }
}

/// Runs a test body once per backend: `backend_tests!(name, |db: TestDb| async move { ... })`.
#[macro_export]
macro_rules! backend_tests {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let db = $crate::support::test_db($crate::support::Backend::Sqlite).await;
                ($body)(db).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let db = $crate::support::test_db($crate::support::Backend::Postgres).await;
                ($body)(db).await;
            }
        }
    };
}

/// A small generated catalogue (deterministic).
pub fn small_catalog() -> datasets::Catalog {
    datasets::generate(7, 300)
}

/// Seeds `catalog` into `db`, opens an index in the test's directory and builds it.
pub async fn app_with(test_db: &TestDb, catalog: &datasets::Catalog) -> AppState {
    storefront::seed::seed_catalog(&test_db.db, catalog)
        .await
        .unwrap();
    open_app_on(test_db).await
}

/// Opens (or reopens) the app on an already seeded database, catching the index up.
pub async fn open_app_on(test_db: &TestDb) -> AppState {
    let engine = engine::Engine::open_or_create(&test_db.dir.path().join("index")).unwrap();
    let state = AppState::new(test_db.db.clone(), Arc::new(engine))
        .await
        .unwrap();
    storefront::indexing::catch_up(&state.0, true)
        .await
        .unwrap();
    state
}

/// Sends a GET and returns the status and the body as JSON (or `Null` for a non-JSON body).
pub async fn get_json(state: &AppState, uri: &str) -> (StatusCode, serde_json::Value) {
    let (status, body) = get_raw(state, uri).await;
    (
        status,
        serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
    )
}

/// Sends a GET and returns the status and the raw body.
pub async fn get_raw(state: &AppState, uri: &str) -> (StatusCode, Vec<u8>) {
    let response = storefront::router(state.clone())
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let body = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    (status, body)
}

/// Returns the ids of a search response's hits.
pub fn hit_ids(body: &serde_json::Value) -> Vec<u64> {
    body["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["id"].as_u64().unwrap())
        .collect()
}
