//! `storefront bench search`: index build rate and search latency on a generated catalogue,
//! in-process and over HTTP, for a fixed mix of realistic queries.

use crate::catalog::CatalogMeta;
use crate::db::Db;
use crate::state::AppState;
use anyhow::Context;
use datasets::queries::bench_queries;
use engine::{Audience, Engine, SearchRequest};
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
    println!(
        "bench search: {} products, {} queries, concurrency {}, {} rounds, {} cores",
        args.products,
        args.queries,
        args.concurrency,
        args.rounds,
        std::thread::available_parallelism()
            .map(usize::from)
            .unwrap_or(1)
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
    let stats = indexer::build_from_catalog(
        &engine,
        &catalog.categories,
        &catalog.brands,
        catalog.products.iter().cloned(),
        &|_| {},
    )?;
    println!(
        "index build: {} products ({} indexed) in {:.2}s = {:.0} products/s",
        stats.products,
        stats.indexed,
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

    // In-process, one thread: the latency of a single search.
    let mut samples = Vec::with_capacity(requests.len() * args.rounds);
    let mut wall = Duration::ZERO;
    let mut total_hits = 0u64;
    for round in 0..args.rounds.max(2) {
        let started = Instant::now();
        for (audience, request) in &requests {
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
    println!("{}", in_process.line("in-process, 1 thread"));
    println!(
        "mean matches per query: {:.0}",
        total_hits as f64 / in_process.requests.max(1) as f64
    );

    // In-process, all cores.
    let parallel = {
        let started = Instant::now();
        let samples: Vec<Duration> = {
            use rayon::prelude::*;
            requests
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
    println!("{}", parallel.line("in-process, rayon pool"));

    // Over HTTP, `concurrency` keep-alive clients.
    let state = AppState::with_catalog(db, engine.clone(), meta);
    let state_for_freshness = state.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, crate::router(state)).await;
    });
    let paths: Arc<Vec<String>> = Arc::new(
        queries
            .iter()
            .map(|query| format!("http://{addr}/api/v1/search?{}", query.to_query_string()))
            .collect(),
    );
    let client: Client<_, Empty<Bytes>> = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(args.concurrency)
        .build_http();
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
    println!(
        "{}",
        http.line(&format!("http, concurrency {}", args.concurrency))
    );
    server.abort();

    // Freshness: a catalogue write until the product is searchable, through the outbox loop.
    let freshness = measure_freshness(&state_for_freshness, &catalog, 20).await?;
    println!("{}", freshness.line("write → searchable (outbox)"));
    println!(
        "targets: build >= 5000 products/s [{}], in-process p99 <= 5ms [{}], http p99 <= 10ms [{}], searchable within 1s [{}]",
        verdict(stats.rate() >= 5_000.0),
        verdict(in_process.p99 <= Duration::from_millis(5)),
        verdict(http.p99 <= Duration::from_millis(10)),
        verdict(freshness.max <= Duration::from_secs(1)),
    );
    Ok(())
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
