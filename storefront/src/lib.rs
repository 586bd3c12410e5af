//! bolajon's storefront service: the HTTP API, the server-rendered pages, persistence (sqlx on
//! SQLite or PostgreSQL), the index synchronisation loop, seeding and benchmarks.
//!
//! `router(state)` builds the whole HTTP surface and is kept apart from [`serve`] so tests
//! drive it with `oneshot`. Nothing depends on this crate.

pub mod auth;
pub mod banners;
pub mod bench;
pub mod catalog;
pub mod commerce;
pub mod config;
pub mod db;
pub mod error;
pub mod indexing;
pub mod listings;
pub mod ml;
pub mod moderation_queue;
pub mod notify;
pub mod openapi;
pub mod payments;
pub mod privacy;
pub mod query_safety;
pub mod recommendations;
pub mod reviews;
pub mod routes;
pub mod seed;
pub mod seller_profile;
pub mod seller_sales;
pub mod shopper;
pub mod state;
pub mod web;

pub use error::ApiError;
pub use routes::router;
pub use state::{App, AppState};

use anyhow::Context;
use std::sync::Arc;

/// Runs `work` on the rayon pool (engine and model calls) and awaits its result, so async
/// request handlers never block the runtime.
pub async fn run_blocking<T, F>(work: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let (sender, receiver) = tokio::sync::oneshot::channel();
    rayon::spawn(move || {
        let _ = sender.send(work());
    });
    receiver
        .await
        .map_err(|_| ApiError::internal("blocking task panicked"))
}

/// Opens the store and the index for `config`: creates the data directory, migrates, seeds a
/// fresh database with the sample catalogue, and brings the index up to date.
pub async fn open_app(config: &config::Config) -> anyhow::Result<AppState> {
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("creating data directory {}", config.data_dir.display()))?;
    let db = db::Db::connect(&config.database_url())
        .await
        .context("connecting to the database")?;
    db.migrate().await.context("migrating the database")?;
    if db.catalog_is_empty().await? {
        tracing::info!("fresh database: seeding the sample catalogue");
        let report = seed::seed_sample(&db)
            .await
            .context("seeding the sample catalogue")?;
        tracing::info!(
            products = report.products,
            approved = report.approved,
            pending = report.pending,
            rejected = report.rejected,
            "seeded {} products",
            report.products
        );
    }
    let queued = db
        .enqueue_held_products(chrono::Utc::now())
        .await
        .context("queueing held products for moderation")?;
    if queued > 0 {
        tracing::info!(queued, "queued {queued} held products for moderation");
    }
    let engine = open_index(&config.index_dir())?;
    let auth = auth::AuthState::from_config(&config.auth, config.redis_url.as_deref()).await?;
    let sealed = db
        .seal_plaintext_totp_secrets(auth.data_key())
        .await
        .context("sealing plaintext totp secrets")?;
    if sealed > 0 {
        tracing::info!(sealed, "sealed {sealed} plaintext totp secrets at rest");
    }
    let (_, notify) = notify::channels_from_config(&config.notify, None)?;
    notify::events::set_public_url(&config.notify.public_url);
    let mut state = AppState::new_with_auth(db, Arc::new(engine), auth)
        .await?
        .with_notify(notify)?;
    state.set_payments(payments::Payments::new(
        payments::PaymentSettings::from_config(&config.payments)
            .context("reading the payment settings")?,
    ))?;
    state.set_commerce(config.commerce.settings())?;
    state.set_screening(config.moderation.settings()?)?;
    auth::bootstrap::ensure_admin_from_config(&state, &config.auth)
        .await
        .context("creating the first admin")?;
    state.set_recs(config.recs.settings())?;
    state.set_web(web::WebSettings { hsts: config.hsts })?;
    indexing::catch_up(&state.0, true)
        .await
        .context("bringing the index up to date")?;
    Ok(state)
}

/// Checks, fetches (when `config.models_auto_fetch`) and loads the local models in the
/// background. The service answers meanwhile, on lexical search alone.
pub fn start_models(config: &config::Config, state: &AppState) {
    let hub = state.0.models.clone();
    let dir = match config.models_dir() {
        Ok(dir) => dir,
        Err(error) => {
            tracing::warn!(%error, "local models disabled: {error}");
            return;
        }
    };
    let auto_fetch = config.models_auto_fetch;
    let app = state.0.clone();
    tokio::spawn(async move {
        let loaded = tokio::task::spawn_blocking(move || hub.load_blocking(&dir, auto_fetch)).await;
        if let Err(error) = loaded {
            tracing::error!(%error, "the model loader stopped: {error}");
        }
        // Newly loaded models may change what the index holds (embeddings).
        app.index_wakeup.notify_one();
    });
}

/// Opens the index in `dir`. An index written with another schema (an older release) is
/// discarded and rebuilt from the store: the store is the source of truth.
pub fn open_index(dir: &std::path::Path) -> anyhow::Result<engine::Engine> {
    match engine::Engine::open_or_create(dir) {
        Err(engine::Error::Corrupt(reason)) => {
            tracing::warn!(%reason, dir = %dir.display(), "discarding an incompatible index: {reason}");
            std::fs::remove_dir_all(dir)
                .with_context(|| format!("removing the incompatible index {}", dir.display()))?;
            engine::Engine::open_or_create(dir)
                .with_context(|| format!("creating the index in {}", dir.display()))
        }
        result => result.with_context(|| format!("opening the index in {}", dir.display())),
    }
}

/// Serves `state` on `config.addr` until Ctrl-C or SIGTERM, with the index sync loop running.
pub async fn serve(config: &config::Config, state: AppState) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .with_context(|| format!("binding {}", config.addr))?;
    let (stop_sender, stop_receiver) = tokio::sync::watch::channel(false);
    let sync = tokio::spawn(indexing::run_sync_loop(
        state.0.clone(),
        stop_receiver.clone(),
    ));
    let payment_sweep = tokio::spawn(payments::run_sweep_loop(
        state.0.clone(),
        stop_receiver.clone(),
    ));
    let order_expiry = tokio::spawn(commerce::run_expiry_loop(
        state.0.clone(),
        stop_receiver.clone(),
    ));
    let recs_refresh = tokio::spawn(recommendations::run_refresh_loop(
        state.0.clone(),
        stop_receiver.clone(),
    ));
    let notifications = if config.notify.notify_worker {
        let limiter = match &config.redis_url {
            Some(url) => Some(
                auth::rate_limit::RateLimiter::redis(url, "bolajon:notify")
                    .await
                    .context("connecting to redis for the sms limits")?,
            ),
            None => None,
        };
        let (channels, _) = notify::channels_from_config(&config.notify, limiter)?;
        let mut worker = notify::worker::Worker::new(
            state.0.db.clone(),
            Arc::new(channels),
            Arc::new(notify::worker::TaskRegistry::with_builtins()),
            notify::worker::WorkerSettings::default(),
        )
        .with_wakeup(state.0.notify_wakeup.clone());
        let redis_url = match (config.notify.notify_queue, &config.redis_url) {
            (config::NotifyQueue::Sql, _) | (config::NotifyQueue::Auto, None) => None,
            (config::NotifyQueue::Auto | config::NotifyQueue::Redis, Some(url)) => Some(url),
            (config::NotifyQueue::Redis, None) => {
                anyhow::bail!("BOLAJON_NOTIFY_QUEUE=redis needs BOLAJON_REDIS_URL")
            }
        };
        if let Some(url) = redis_url {
            let queue = notify::redis_queue::RedisQueue::connect(url, "bolajon:jobs")
                .await
                .context("connecting to redis for the notification queue")?;
            tracing::info!("notification queue on redis (outbox and audit in sql)");
            worker = worker.with_redis(Arc::new(queue));
        }
        Some(tokio::spawn(worker.run(stop_receiver)))
    } else {
        None
    };
    tracing::info!(addr = %config.addr, "bolajon listening on http://{}", config.addr);
    // With the peer address, for per-address rate limits and the audit log.
    let app = router(state.clone()).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("serving http")?;
    let _ = stop_sender.send(true);
    let _ = sync.await;
    let _ = payment_sweep.await;
    let _ = order_expiry.await;
    let _ = recs_refresh.await;
    if let Some(notifications) = notifications {
        let _ = notifications.await;
    }
    // The vector snapshot is written now so the next start has nothing to repair.
    if let Err(error) = state.0.engine.save_vectors() {
        tracing::warn!(%error, "saving the vector index failed: {error}");
    }
    state.0.db.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
