//! `GET /health`: liveness and readiness of the store and the index, and the models' state.

use crate::{ApiError, AppState};
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use utoipa::ToSchema;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new().route("/health", get(health))
}

/// Service health.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok` when every model is loaded, `degraded` while the service runs without some of
    /// them (lexical search only; moderation sends items to human review).
    pub status: &'static str,
    /// Database backend (`sqlite` or `postgres`).
    pub database: &'static str,
    /// Searchable documents.
    pub index_docs: u64,
    /// Last outbox sequence applied to the index.
    pub index_seq: u64,
    /// Newest outbox sequence in the store.
    pub store_seq: u64,
    /// Search modes available now (`semantic` and `hybrid` need the text embedder).
    pub search_modes: Vec<&'static str>,
    /// Each local model's state, with the command that fetches a missing one.
    pub models: Vec<crate::ml::ModelHealth>,
}

/// Returns 200 when the database answers and the index is open, 503 otherwise.
#[utoipa::path(
    get,
    path = "/health",
    tag = "ops",
    responses(
        (status = 200, description = "Healthy", body = Health),
        (status = 503, description = "A dependency is down (unavailable)", body = crate::error::ErrorBody),
    )
)]
pub async fn health(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    let app = &state.0;
    app.db.ping().await.map_err(ApiError::unavailable)?;
    let store_seq = app.db.head_seq().await.map_err(ApiError::unavailable)?;
    let index_seq = app.engine.applied_seq().map_err(ApiError::unavailable)?;
    let models = app.models.health();
    let ready = models.iter().all(|model| model.state.is_usable());
    let search_modes = if app.models.embedder().is_some() {
        vec!["lexical", "semantic", "hybrid"]
    } else {
        vec!["lexical"]
    };
    Ok(Json(Health {
        status: if ready { "ok" } else { "degraded" },
        database: app.db.backend_name(),
        index_docs: app.engine.num_docs(),
        index_seq,
        store_seq,
        search_modes,
        models,
    }))
}
