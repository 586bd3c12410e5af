//! Keeps the search index in step with the store: a full rebuild, and the incremental loop
//! that applies the `catalog_changes` outbox within a fraction of a second of each write.

use crate::state::App;
use anyhow::Context;
use engine::{Change, ProductId};
use indexer::OutboxChange;
use std::sync::Arc;
use std::time::Duration;

/// Outbox entries applied per batch.
const BATCH: u32 = 1_000;
/// Idle polling period (writes in this process wake the loop at once).
const POLL: Duration = Duration::from_millis(250);
/// Products loaded per query during a rebuild.
const REBUILD_PAGE: u32 = 500;

/// Applies one batch of outbox entries after the index's applied sequence.
/// Returns how many entries it applied (0 when the index is up to date).
pub async fn sync_once(app: &App) -> anyhow::Result<usize> {
    let applied = app.engine.applied_seq()?;
    let entries = app.db.changes_after(applied, BATCH).await?;
    if entries.is_empty() {
        return Ok(0);
    }
    let plan = indexer::plan(entries.iter().map(|entry| OutboxChange {
        seq: entry.seq,
        product: ProductId(entry.product_id as u64),
        deleted: entry.deleted,
    }));
    let ids: Vec<i64> = plan.upserts.iter().map(|id| id.0 as i64).collect();
    let records = app.db.product_records(&ids).await?;
    let catalog = app.catalog();
    let docs = records
        .iter()
        .map(|record| catalog.doc_from_record(record))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut changes = indexer::changes_for(&plan, docs, &catalog.taxonomy);
    let engine = app.engine.clone();
    let seq = plan.last_seq;
    let embedder = app.models.embedder();
    crate::run_blocking(move || {
        if let Some(embedder) = embedder {
            let upserts = changes.iter_mut().filter_map(|change| match change {
                Change::Upsert(doc) => Some(doc.as_mut()),
                Change::Delete(_) => None,
            });
            embed_docs(embedder.as_ref(), upserts);
        }
        engine.apply(changes, seq)
    })
    .await
    .map_err(|error| anyhow::anyhow!("{error}"))??;
    tracing::debug!(entries = entries.len(), seq, "applied outbox up to {seq}");
    Ok(entries.len())
}

/// Rebuilds the whole index from the store. Returns the number of indexed products.
pub async fn rebuild(app: &App, progress: &(dyn Fn(u64, u64) + Sync)) -> anyhow::Result<u64> {
    // Read the head first: changes after it are applied again by the loop (upserts are idempotent).
    let head = app.db.head_seq().await?;
    let total = app
        .db
        .product_counts_by_status()
        .await?
        .get("approved")
        .copied()
        .unwrap_or(0) as u64;
    let catalog = app.catalog();
    let mut docs = Vec::new();
    let mut after = 0i64;
    loop {
        let ids = app
            .db
            .approved_product_ids_after(after, REBUILD_PAGE)
            .await?;
        let Some(last) = ids.last().copied() else {
            break;
        };
        after = last;
        for record in app.db.product_records(&ids).await? {
            let doc = catalog.doc_from_record(&record)?;
            if let Change::Upsert(doc) = indexer::admit(doc, &catalog.taxonomy) {
                docs.push(*doc);
            }
        }
        progress(docs.len() as u64, total);
    }
    let engine = app.engine.clone();
    let embedder = app.models.embedder();
    let indexed = crate::run_blocking(move || {
        if let Some(embedder) = embedder {
            embed_docs(embedder.as_ref(), docs.iter_mut());
        }
        engine.rebuild(docs.into_iter(), head, &|_| {})
    })
    .await
    .map_err(|error| anyhow::anyhow!("{error}"))??;
    Ok(indexed)
}

/// Fills the passage embeddings of `docs`. A failure is logged and leaves them without
/// vectors: they stay searchable lexically, and the next rebuild embeds them again.
fn embed_docs<'a>(
    embedder: &dyn models::Embedder,
    docs: impl IntoIterator<Item = &'a mut engine::ProductDoc>,
) {
    let started = std::time::Instant::now();
    match indexer::embed_passages(embedder, docs, &|_| {}) {
        Ok(embedded) if embedded > 0 => tracing::info!(
            embedded,
            seconds = started.elapsed().as_secs_f64(),
            "embedded {embedded} product passages"
        ),
        Ok(_) => {}
        Err(error) => tracing::warn!(%error, "embedding product passages failed: {error}"),
    }
}

/// Whether the index lacks vectors it could have: a text embedder is loaded but fewer
/// products have a vector than are indexed (the models arrived after the index was built).
pub fn needs_embedding_backfill(app: &App) -> bool {
    app.models.embedder().is_some() && app.engine.vector_status().vectors < app.engine.num_docs()
}

/// Brings the index up to date: a rebuild when it was never built (and `rebuild_if_new`),
/// then the outbox until nothing is left.
pub async fn catch_up(app: &App, rebuild_if_new: bool) -> anyhow::Result<()> {
    if rebuild_if_new && app.engine.applied_seq()? == 0 && app.engine.num_docs() == 0 {
        let indexed = rebuild(app, &|_, _| {})
            .await
            .context("building the index")?;
        tracing::info!(indexed, "built the search index with {indexed} products");
    }
    while sync_once(app).await? > 0 {}
    Ok(())
}

/// Applies the outbox continuously until `stop` turns true.
pub async fn run_sync_loop(app: Arc<App>, mut stop: tokio::sync::watch::Receiver<bool>) {
    // The backfill runs once per process: products whose passage cannot be embedded would
    // otherwise trigger it again and again.
    let mut backfilled = false;
    loop {
        if !backfilled && needs_embedding_backfill(&app) {
            backfilled = true;
            tracing::info!(
                "the text embedder is ready: rebuilding the index with passage embeddings"
            );
            match rebuild(&app, &|_, _| {}).await {
                Ok(indexed) => tracing::info!(indexed, "rebuilt the index with embeddings"),
                Err(error) => {
                    tracing::error!(%error, "rebuilding with embeddings failed: {error:#}")
                }
            }
        }
        match sync_once(&app).await {
            Ok(applied) if applied > 0 => continue,
            Ok(_) => {}
            Err(error) => tracing::error!(%error, "index sync failed: {error:#}"),
        }
        tokio::select! {
            () = app.index_wakeup.notified() => {}
            () = tokio::time::sleep(POLL) => {}
            _ = stop.changed() => return,
        }
        if *stop.borrow() {
            return;
        }
    }
}
