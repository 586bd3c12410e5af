//! `storefront bench search`: index build rate and search latency on a generated catalogue,
//! in-process and over HTTP, for a fixed mix of realistic queries.
//!
//! `--mode semantic|hybrid|all` also measures the vector modes: the index then holds the
//! catalogue's real multilingual-e5 passage vectors, read from the cache that
//! `cargo run --release -p benches --bin embed-catalog` writes (the same vectors the indexer
//! would compute), and the service embeds every query with e5 with its query cache off, so each
//! request pays a real forward pass. Over HTTP the vector modes run with the query batcher
//! (`ModelHub::embed_query`) and, for comparison in the same run, without it.

use crate::catalog::CatalogMeta;
use crate::db::Db;
use crate::state::AppState;
use anyhow::Context;
use datasets::queries::bench_queries;
use engine::{Audience, Engine, SearchMode, SearchRequest};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Arguments of `storefront bench search`.
#[derive(Debug, Clone, clap::Args)]
pub struct SearchBenchArgs {
    /// Products in the generated catalogue.
    #[arg(long, default_value_t = 100_000)]
    pub products: usize,
    /// Queries in the fixed mix.
    #[arg(long, default_value_t = 1_000)]
    pub queries: usize,
    /// Concurrent HTTP clients.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// Passes over the query mix (the first in-process pass warms caches and is not counted).
    #[arg(long, default_value_t = 3)]
    pub rounds: usize,
    /// Catalogue seed.
    #[arg(long, default_value_t = 20_261_125)]
    pub seed: u64,
    /// Build the index on disk in this directory instead of in RAM.
    #[arg(long)]
    pub index_dir: Option<std::path::PathBuf>,
    /// Search modes measured: `lexical`, `semantic`, `hybrid` or `all`.
    #[arg(long, default_value = "lexical")]
    pub mode: String,
    /// For the vector modes over HTTP: `on` (query batcher), `off`, or `both` (one after the
    /// other, in the same run).
    #[arg(long, default_value = "both")]
    pub batching: String,
    /// When `embed-catalog` has not finished, index the passage vectors embedded so far (the
    /// shortest passages first); the other products have no vector.
    #[arg(long)]
    pub partial_vectors: bool,
}

impl SearchBenchArgs {
    fn modes(&self) -> anyhow::Result<Vec<SearchMode>> {
        if self.mode == "all" {
            return Ok(SearchMode::ALL.to_vec());
        }
        self.mode
            .split(',')
            .map(|name| {
                SearchMode::parse(name.trim())
                    .with_context(|| format!("--mode {name:?}: lexical, semantic, hybrid or all"))
            })
            .collect()
    }

    fn batching(&self) -> anyhow::Result<Vec<bool>> {
        Ok(match self.batching.as_str() {
            "on" => vec![true],
            "off" => vec![false],
            "both" => vec![false, true],
            other => anyhow::bail!("--batching {other:?}: on, off or both"),
        })
    }
}

/// Latency percentiles and throughput of one measured run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LatencyReport {
    /// Requests measured.
    pub requests: usize,
    /// Median latency.
    pub p50: Duration,
    /// 95th percentile.
    pub p95: Duration,
    /// 99th percentile.
    pub p99: Duration,
    /// Slowest.
    pub max: Duration,
    /// Requests per second over the run's wall time.
    pub qps: f64,
}

impl LatencyReport {
    /// Computes the report from per-request latencies and the run's wall time.
    pub fn from_samples(mut samples: Vec<Duration>, wall: Duration) -> Self {
        samples.sort_unstable();
        let at = |quantile: f64| -> Duration {
            if samples.is_empty() {
                return Duration::ZERO;
            }
            let rank = ((samples.len() as f64) * quantile).ceil() as usize;
            samples[rank.clamp(1, samples.len()) - 1]
        };
        Self {
            requests: samples.len(),
            p50: at(0.50),
            p95: at(0.95),
            p99: at(0.99),
            max: samples.last().copied().unwrap_or_default(),
            qps: samples.len() as f64 / wall.as_secs_f64().max(1e-9),
        }
    }

    /// Formats the report as one line labelled `label`.
    pub fn line_for(&self, label: &str) -> String {
        self.line(label)
    }

    /// Formats the report as one aligned line.
    pub fn line(&self, label: &str) -> String {
        format!(
            "{label:<28} n={:<6} p50={:>8.3}ms p95={:>8.3}ms p99={:>8.3}ms max={:>8.3}ms qps={:>9.1}",
            self.requests,
            ms(self.p50),
            ms(self.p95),
            ms(self.p99),
            ms(self.max),
            self.qps
        )
    }
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1_000.0
}

/// Runs the whole benchmark and prints its report.
pub async fn run_search_bench(args: &SearchBenchArgs) -> anyhow::Result<()> {
    let modes = args.modes()?;
    let batching = args.batching()?;
    let vector_modes = modes.iter().any(|mode| mode.needs_vector());
    println!(
        "bench search: {} products, {} queries, concurrency {}, {} rounds, {} cores, modes {}",
        args.products,
        args.queries,
        args.concurrency,
        args.rounds,
        std::thread::available_parallelism()
            .map(usize::from)
            .unwrap_or(1),
        modes.iter().map(|m| m.name()).collect::<Vec<_>>().join(",")
    );
    let generated = Instant::now();
    let catalog = datasets::generate(args.seed, args.products);
    println!(
        "generated catalogue in {:.2}s",
        generated.elapsed().as_secs_f64()
    );

    let engine = Arc::new(match &args.index_dir {
        Some(dir) => Engine::open_or_create(dir)?,
        None => Engine::in_memory()?,
    });
    let e5 = if vector_modes { Some(load_e5()?) } else { None };
    let stats = if vector_modes {
        build_with_cached_vectors(&engine, &catalog, args.partial_vectors)?
    } else {
        indexer::build_from_catalog(
            &engine,
            &catalog.categories,
            &catalog.brands,
            catalog.products.iter().cloned(),
            &|_| {},
        )?
    };
    println!(
        "index build: {} products ({} indexed{}) in {:.2}s = {:.0} products/s",
        stats.products,
        stats.indexed,
        if vector_modes {
            ", with their e5 vectors and HNSW graph"
        } else {
            ""
        },
        stats.elapsed.as_secs_f64(),
        stats.rate()
    );

    let db = Db::connect("sqlite::memory:").await?;
    db.migrate().await?;
    let (sellers, brands, categories) = crate::seed::taxonomy_rows(&catalog);
    db.insert_taxonomy(&sellers, &brands, &categories).await?;
    let meta = CatalogMeta::load(&db).await?;
    let queries = bench_queries(args.seed, args.queries);
    let requests = queries
        .iter()
        .map(|query| indexer::request_for(query, &meta.taxonomy))
        .collect::<Result<Vec<_>, _>>()?;

    // Query vectors, computed once, for the in-process runs of the vector modes (the HTTP runs
    // embed every request anew).
    let query_vectors: Option<Vec<Vec<f32>>> = match &e5 {
        Some(e5) => {
            let started = Instant::now();
            let mut single = Vec::with_capacity(requests.len());
            let mut vectors = Vec::with_capacity(requests.len());
            for (_, request) in &requests {
                let begun = Instant::now();
                let vector = e5.embed(models::TextKind::Query, &[request.query.as_str()])?;
                single.push(begun.elapsed());
                vectors.extend(vector);
            }
            let report = LatencyReport::from_samples(single, started.elapsed());
            println!("{}", report.line("e5 query embedding, alone"));
            Some(vectors)
        }
        None => None,
    };

    let mut in_process_lexical = None;
    for &mode in &modes {
        let with_mode = |index: usize, request: &SearchRequest| -> SearchRequest {
            let mut request = request.clone();
            request.mode = mode;
            if mode.needs_vector() {
                request.query_vector = query_vectors.as_ref().map(|v| v[index].clone());
            }
            request
        };
        let mode_requests: Vec<(Audience, SearchRequest)> = requests
            .iter()
            .enumerate()
            .map(|(index, (audience, request))| (*audience, with_mode(index, request)))
            .collect();
        // In-process, one thread: the latency of a single search.
        let mut samples = Vec::with_capacity(requests.len() * args.rounds);
        let mut wall = Duration::ZERO;
        let mut total_hits = 0u64;
        for round in 0..args.rounds.max(2) {
            let started = Instant::now();
            for (audience, request) in &mode_requests {
                let begun = Instant::now();
                let results = engine.search(*audience, request)?;
                let took = begun.elapsed();
                if round > 0 {
                    samples.push(took);
                    total_hits += results.total;
                }
            }
            if round > 0 {
                wall += started.elapsed();
            }
        }
        let in_process = LatencyReport::from_samples(samples, wall);
        let vectors_note = if mode.needs_vector() {
            " (query vector given)"
        } else {
            ""
        };
        println!(
            "{}",
            in_process.line(&format!(
                "{} in-process, 1 thread{vectors_note}",
                mode.name()
            ))
        );
        println!(
            "mean matches per query: {:.0}",
            total_hits as f64 / in_process.requests.max(1) as f64
        );

        // In-process, all cores.
        let parallel = {
            let started = Instant::now();
            let samples: Vec<Duration> = {
                use rayon::prelude::*;
                mode_requests
                    .par_iter()
                    .map(|(audience, request)| {
                        let begun = Instant::now();
                        let _ = engine.search(*audience, request);
                        begun.elapsed()
                    })
                    .collect()
            };
            LatencyReport::from_samples(samples, started.elapsed())
        };
        println!(
            "{}",
            parallel.line(&format!("{} in-process, rayon pool", mode.name()))
        );
        if mode == SearchMode::Lexical {
            in_process_lexical = Some(in_process);
        }
    }

    // Over HTTP, `concurrency` keep-alive clients.
    let state = AppState::with_catalog(db, engine.clone(), meta);
    if let Some(e5) = &e5 {
        state.0.models.serve_embedder(e5.clone());
    }
    let state_for_freshness = state.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server_state = state.clone();
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, crate::router(server_state)).await;
    });
    let client: Client<_, Empty<Bytes>> = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(args.concurrency)
        .build_http();
    let mut http_reports = Vec::new();
    for &mode in &modes {
        let paths: Arc<Vec<String>> = Arc::new(
            queries
                .iter()
                .map(|query| {
                    format!(
                        "http://{addr}/api/v1/search?{}&mode={}",
                        query.to_query_string(),
                        mode.name()
                    )
                })
                .collect(),
        );
        let settings: &[bool] = if mode.needs_vector() {
            &batching
        } else {
            &[true]
        };
        for &batch in settings {
            state.0.models.set_query_batching(batch);
            // Warm-up pass.
            run_http_pass(&client, &paths, args.concurrency).await?;
            let mut samples = Vec::new();
            let mut wall = Duration::ZERO;
            for _ in 1..args.rounds.max(2) {
                let started = Instant::now();
                samples.extend(run_http_pass(&client, &paths, args.concurrency).await?);
                wall += started.elapsed();
            }
            let http = LatencyReport::from_samples(samples, wall);
            let label = match (mode.needs_vector(), batch) {
                (false, _) => format!("{} http, concurrency {}", mode.name(), args.concurrency),
                (true, true) => format!("{} http, c {}, batched", mode.name(), args.concurrency),
                (true, false) => format!("{} http, c {}, unbatched", mode.name(), args.concurrency),
            };
            println!("{}", http.line(&label));
            http_reports.push((mode, batch, http));
        }
    }
    state.0.models.set_query_batching(true);
    server.abort();

    // Freshness: a catalogue write until the product is searchable, through the outbox loop.
    let freshness = measure_freshness(&state_for_freshness, &catalog, 20).await?;
    println!("{}", freshness.line("write → searchable (outbox)"));
    let http_p99 = |wanted: SearchMode| {
        http_reports
            .iter()
            .filter(|(mode, batch, _)| *mode == wanted && (*batch || !wanted.needs_vector()))
            .map(|(_, _, report)| report.p99)
            .next_back()
    };
    let mut targets = vec![
        format!(
            "build >= 5000 products/s [{}]",
            verdict(stats.rate() >= 5_000.0)
        ),
        format!(
            "searchable within 1s [{}]",
            verdict(freshness.max <= Duration::from_secs(1))
        ),
    ];
    if let Some(in_process) = in_process_lexical {
        targets.push(format!(
            "in-process lexical p99 <= 5ms [{}]",
            verdict(in_process.p99 <= Duration::from_millis(5))
        ));
    }
    if let Some(p99) = http_p99(SearchMode::Lexical) {
        targets.push(format!(
            "http lexical p99 <= 10ms [{}]",
            verdict(p99 <= Duration::from_millis(10))
        ));
    }
    if let Some(p99) = http_p99(SearchMode::Hybrid) {
        targets.push(format!(
            "http hybrid p99 <= 30ms [{}]",
            verdict(p99 <= Duration::from_millis(30))
        ));
    }
    println!("targets: {}", targets.join(", "));
    Ok(())
}

/// Loads multilingual-e5-small from the model cache with its query cache off (every query
/// pays its forward pass).
fn load_e5() -> anyhow::Result<Arc<dyn models::Embedder>> {
    let dir = std::env::var_os("BOLAJON_MODELS_DIR")
        .filter(|dir| !dir.is_empty())
        .map(std::path::PathBuf::from)
        .or_else(models::fetch::default_cache_dir)
        .context("no model cache directory: set BOLAJON_MODELS_DIR or HOME")?;
    let e5 = models::E5Embedder::from_cache(&dir)
        .context("loading multilingual-e5-small (run `storefront models fetch`)")?
        .with_query_cache(0);
    Ok(Arc::new(e5))
}

/// Builds the index from the catalogue as `indexer::build_from_catalog` does, each approved
/// product with the cached e5 vector of its passage (`benches --bin embed-catalog`).
fn build_with_cached_vectors(
    engine: &Engine,
    catalog: &datasets::Catalog,
    partial: bool,
) -> anyhow::Result<indexer::BuildStats> {
    use indexer::catalog_vectors::{CatalogPassages, eval_cache_dir};
    let passages = CatalogPassages::new(catalog)?;
    let sha256 = models::manifest::MULTILINGUAL_E5_SMALL
        .file(models::manifest::E5_WEIGHTS_FILE)
        .map(|file| file.sha256)
        .context("the e5 weights are not in the manifest")?;
    let path = passages.cache_file(&eval_cache_dir().context("HOME is not set")?, sha256);
    let vectors = if partial && !path.is_file() {
        passages.read_partial_vectors(&path, 384)
    } else {
        passages.read_vectors(&path, 384)
    };
    let vectors = vectors.with_context(|| {
        format!(
            "the catalogue's passage vectors ({}); compute them with `cargo run --release -p benches --bin embed-catalog -- --products {}`",
            path.display(),
            catalog.products.len()
        )
    })?;
    let rows = vectors.len() / 384;
    let with_vector = passages
        .text_of_doc
        .iter()
        .filter(|text| (**text as usize) < rows)
        .count();
    println!(
        "passage vectors: {rows} of {} distinct passages embedded ({}), {with_vector} of {} approved products with a vector",
        passages.texts.len(),
        path.display(),
        passages.docs.len(),
    );
    let started = Instant::now();
    let docs = passages.into_docs_with(&vectors, 384);
    drop(vectors);
    let indexed = engine.rebuild(docs.into_iter(), 0, &|_| {})?;
    Ok(indexer::BuildStats {
        products: catalog.products.len() as u64,
        indexed,
        elapsed: started.elapsed(),
    })
}

/// Writes `count` approved products one by one and measures, for each, the time from the
/// committed write until a search finds it, with the sync loop running as in `serve`.
async fn measure_freshness(
    state: &AppState,
    catalog: &datasets::Catalog,
    count: usize,
) -> anyhow::Result<LatencyReport> {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    // The index was built from the catalogue, not the store: start the loop at the store's head.
    let head = state.0.db.head_seq().await?;
    let engine = state.0.engine.clone();
    crate::run_blocking(move || engine.apply(Vec::new(), head))
        .await
        .map_err(|error| anyhow::anyhow!("{error}"))??;
    let sync = tokio::spawn(crate::indexing::run_sync_loop(state.0.clone(), stopped));
    let template = catalog
        .products
        .iter()
        .find(|product| product.unsafe_label.is_none())
        .context("no product to copy")?;
    let audience = Audience::new(i64::from(template.age_min_months))?;
    let mut samples = Vec::with_capacity(count);
    let started = Instant::now();
    for n in 0..count {
        let marker = format!("freshnessmarker{}", n_to_letters(n));
        let mut product = crate::seed::new_product_from(template);
        product.id = None;
        product.title.uz = Some(format!("{marker} o‘yinchoq"));
        for (index, variant) in product.variants.iter_mut().enumerate() {
            variant.sku = format!("FRESH-{n}-{index}");
        }
        let written = Instant::now();
        state
            .0
            .db
            .insert_product(&product, moderation::ModerationStatus::Approved, "[]")
            .await?;
        state.0.index_wakeup.notify_one();
        let request = SearchRequest::new(marker.clone());
        loop {
            let engine = state.0.engine.clone();
            let request = request.clone();
            let found = crate::run_blocking(move || engine.search(audience, &request))
                .await
                .map_err(|error| anyhow::anyhow!("{error}"))??
                .total;
            if found > 0 {
                break;
            }
            anyhow::ensure!(
                written.elapsed() < Duration::from_secs(30),
                "product {marker} never became searchable"
            );
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        samples.push(written.elapsed());
    }
    let _ = stop.send(true);
    let _ = sync.await;
    Ok(LatencyReport::from_samples(samples, started.elapsed()))
}

/// Spells a number in letters (a marker word the tokenizer keeps whole).
fn n_to_letters(mut n: usize) -> String {
    let mut out = String::new();
    loop {
        out.push(char::from(b'a' + (n % 26) as u8));
        n /= 26;
        if n == 0 {
            return out;
        }
    }
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "MISSED" }
}

async fn run_http_pass(
    client: &Client<hyper_util::client::legacy::connect::HttpConnector, Empty<Bytes>>,
    paths: &Arc<Vec<String>>,
    concurrency: usize,
) -> anyhow::Result<Vec<Duration>> {
    let mut workers = Vec::with_capacity(concurrency);
    for worker in 0..concurrency {
        let client = client.clone();
        let paths = paths.clone();
        workers.push(tokio::spawn(async move {
            let mut samples = Vec::new();
            for path in paths.iter().skip(worker).step_by(concurrency) {
                let uri: hyper::Uri = path.parse().context("bench uri")?;
                let begun = Instant::now();
                let response = client.get(uri).await.context("http request")?;
                let status = response.status();
                let body = response.into_body().collect().await.context("http body")?;
                samples.push(begun.elapsed());
                anyhow::ensure!(
                    status.is_success(),
                    "status {status} for {path}: {:?}",
                    body.to_bytes()
                );
            }
            anyhow::Ok(samples)
        }));
    }
    let mut samples = Vec::new();
    for worker in workers {
        samples.extend(worker.await.context("bench worker")??);
    }
    Ok(samples)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_nearest_rank() {
        let samples: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        let report = LatencyReport::from_samples(samples, Duration::from_secs(1));
        assert_eq!(report.p50, Duration::from_millis(50));
        assert_eq!(report.p95, Duration::from_millis(95));
        assert_eq!(report.p99, Duration::from_millis(99));
        assert_eq!(report.max, Duration::from_millis(100));
        assert!((report.qps - 100.0).abs() < 1e-9);
    }
}
