//! Shared application state.

use crate::auth::AuthState;
use crate::catalog::CatalogMeta;
use crate::db::Db;
use crate::ml::ModelHub;
use engine::Engine;
use std::sync::{Arc, RwLock};
use tokio::sync::Notify;

/// Everything a request handler may need.
pub struct App {
    /// The store.
    pub db: Db,
    /// The search engine.
    pub engine: Arc<Engine>,
    /// Categories and brands, cached (they change rarely).
    catalog: RwLock<Arc<CatalogMeta>>,
    /// Wakes the index sync loop after a catalogue write.
    pub index_wakeup: Notify,
    /// The local models (text embedder, image safety), loaded in the background.
    pub models: Arc<ModelHub>,
    /// Accounts: token keys, password hashing, rate limits, the clock.
    pub auth: AuthState,
    /// Commerce settings: commission rate, payment and approval windows.
    pub commerce: crate::commerce::CommerceSettings,
    /// Payment providers' settings and the card gateway.
    pub payments: crate::payments::Payments,
    /// Notifications: what the push and callback routes need.
    pub notify: crate::notify::NotifyState,
    /// Wakes the notification worker after an enqueue.
    pub notify_wakeup: Arc<Notify>,
    /// Screening thresholds (listings, reviews, young audiences' queries).
    pub screening: crate::listings::ScreeningSettings,
    /// Recommendation signals, refreshed from the store.
    pub recs: crate::recommendations::RecsState,
    /// The web UI's settings (HSTS).
    pub web: crate::web::WebSettings,
}

/// The axum state: a cheap handle on [`App`].
#[derive(Clone)]
pub struct AppState(pub Arc<App>);

impl AppState {
    /// Builds the state, loading the catalogue metadata from the store.
    pub async fn new(db: Db, engine: Arc<Engine>) -> anyhow::Result<Self> {
        let catalog = CatalogMeta::load(&db).await?;
        Ok(Self::with_catalog(db, engine, catalog))
    }

    /// Builds the state from already loaded catalogue metadata.
    pub fn with_catalog(db: Db, engine: Arc<Engine>, catalog: CatalogMeta) -> Self {
        Self(Arc::new(App {
            db,
            engine,
            catalog: RwLock::new(Arc::new(catalog)),
            index_wakeup: Notify::new(),
            models: Arc::new(ModelHub::absent()),
            auth: AuthState::ephemeral(),
            commerce: crate::commerce::CommerceSettings::default(),
            payments: crate::payments::Payments::default(),
            notify: crate::notify::NotifyState::default(),
            notify_wakeup: Arc::new(Notify::new()),
            screening: crate::listings::ScreeningSettings::default(),
            recs: crate::recommendations::RecsState::default(),
            web: crate::web::WebSettings::default(),
        }))
    }

    /// Builds the state like [`AppState::new`], with the given accounts service (the
    /// configured one, or a test's) instead of an ephemeral one.
    pub async fn new_with_auth(
        db: Db,
        engine: Arc<Engine>,
        auth: AuthState,
    ) -> anyhow::Result<Self> {
        let mut state = Self::new(db, engine).await?;
        let app = Arc::get_mut(&mut state.0)
            .ok_or_else(|| anyhow::anyhow!("the new state is already shared"))?;
        app.auth = auth;
        Ok(state)
    }
}

impl AppState {
    /// Replaces the commerce settings (the configured ones, or a test's). Only before the
    /// state is shared.
    pub fn set_commerce(
        &mut self,
        settings: crate::commerce::CommerceSettings,
    ) -> anyhow::Result<()> {
        let app = Arc::get_mut(&mut self.0)
            .ok_or_else(|| anyhow::anyhow!("the state is already shared"))?;
        app.commerce = settings;
        Ok(())
    }

    /// Replaces the payments service (the configured one, or a test's). Only before the state
    /// is shared.
    pub fn set_payments(&mut self, payments: crate::payments::Payments) -> anyhow::Result<()> {
        let app = Arc::get_mut(&mut self.0)
            .ok_or_else(|| anyhow::anyhow!("the state is already shared"))?;
        app.payments = payments;
        Ok(())
    }

    /// Replaces the screening thresholds (the configured ones, or a test's). Only before the
    /// state is shared.
    pub fn set_screening(
        &mut self,
        settings: crate::listings::ScreeningSettings,
    ) -> anyhow::Result<()> {
        let app = Arc::get_mut(&mut self.0)
            .ok_or_else(|| anyhow::anyhow!("the state is already shared"))?;
        app.screening = settings;
        Ok(())
    }

    /// Replaces the recommendation settings (before the state is shared).
    pub fn set_recs(
        &mut self,
        settings: crate::recommendations::RecsSettings,
    ) -> anyhow::Result<()> {
        let app = Arc::get_mut(&mut self.0)
            .ok_or_else(|| anyhow::anyhow!("the state is already shared"))?;
        app.recs = crate::recommendations::RecsState::new(settings);
        Ok(())
    }

    /// Replaces the web UI's settings (the configured ones, or a test's). Only before the
    /// state is shared.
    pub fn set_web(&mut self, settings: crate::web::WebSettings) -> anyhow::Result<()> {
        let app = Arc::get_mut(&mut self.0)
            .ok_or_else(|| anyhow::anyhow!("the state is already shared"))?;
        app.web = settings;
        Ok(())
    }

    /// Replaces the notification settings (before the state is shared).
    pub fn with_notify(mut self, notify: crate::notify::NotifyState) -> anyhow::Result<Self> {
        let app = Arc::get_mut(&mut self.0)
            .ok_or_else(|| anyhow::anyhow!("the state is already shared"))?;
        app.notify = notify;
        Ok(self)
    }
}

impl App {
    /// Returns the cached catalogue metadata.
    pub fn catalog(&self) -> Arc<CatalogMeta> {
        match self.catalog.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Reloads the catalogue metadata from the store.
    pub async fn reload_catalog(&self) -> anyhow::Result<()> {
        let fresh = Arc::new(CatalogMeta::load(&self.db).await?);
        match self.catalog.write() {
            Ok(mut guard) => *guard = fresh,
            Err(poisoned) => *poisoned.into_inner() = fresh,
        }
        Ok(())
    }
}
