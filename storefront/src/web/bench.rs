//! `storefront bench pages`: server render time of the home, search and product pages on a
//! generated catalogue (100,000 products by default) in the store and the index, measured
//! in-process through the whole router (middleware, store reads, search, templates, ETag) on
//! one client at a time, and the weight of the home and search pages (HTML, CSS, JS).

use crate::bench::LatencyReport;
use crate::db::Db;
use crate::state::AppState;
use anyhow::Context;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use datasets::queries::bench_queries;
use http_body_util::BodyExt;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::ServiceExt;

/// Arguments of `storefront bench pages`.
#[derive(Debug, Clone, clap::Args)]
pub struct PagesBenchArgs {
    /// Products in the generated catalogue.
    #[arg(long, default_value_t = 100_000)]
    pub products: usize,
    /// Requests per page type (after a warm-up of a tenth as many).
    #[arg(long, default_value_t = 1_000)]
    pub requests: usize,
    /// Catalogue seed.
    #[arg(long, default_value_t = 20_261_125)]
    pub seed: u64,
}

async fn fetch(state: &AppState, uri: &str) -> anyhow::Result<(Duration, usize)> {
    let started = Instant::now();
    let response = crate::router(state.clone())
        .oneshot(Request::get(uri).body(Body::empty())?)
        .await?;
    let status = response.status();
    let bytes = response.into_body().collect().await?.to_bytes();
    let took = started.elapsed();
    anyhow::ensure!(status == StatusCode::OK, "{uri} answered {status}");
    Ok((took, bytes.len()))
}

async fn measure(
    state: &AppState,
    uris: &[String],
    requests: usize,
) -> anyhow::Result<(LatencyReport, usize)> {
    for uri in uris.iter().cycle().take(requests / 10 + 1) {
        fetch(state, uri).await?;
    }
    let mut samples = Vec::with_capacity(requests);
    let mut bytes = 0;
    let started = Instant::now();
    for uri in uris.iter().cycle().take(requests) {
        let (took, size) = fetch(state, uri).await?;
        samples.push(took);
        bytes += size;
    }
    let report = LatencyReport::from_samples(samples, started.elapsed());
    Ok((report, bytes / requests.max(1)))
}

/// Runs the benchmark and prints its report.
pub async fn run_pages_bench(args: &PagesBenchArgs) -> anyhow::Result<()> {
    println!(
        "bench pages: {} products, {} requests per page type, {} cores",
        args.products,
        args.requests,
        std::thread::available_parallelism()
            .map(usize::from)
            .unwrap_or(1)
    );
    let catalog = datasets::generate(args.seed, args.products);
    let dir = tempfile_dir()?;
    let url = format!("sqlite://{}?mode=rwc", dir.join("bench.db").display());
    let db = Db::connect(&url).await?;
    db.migrate().await?;
    let seeded = Instant::now();
    crate::seed::seed_catalog(&db, &catalog)
        .await
        .context("seeding the catalogue")?;
    println!("seeded the store in {:.1}s", seeded.elapsed().as_secs_f64());
    let engine = Arc::new(engine::Engine::in_memory()?);
    let stats = indexer::build_from_catalog(
        &engine,
        &catalog.categories,
        &catalog.brands,
        catalog.products.iter().cloned(),
        &|_| {},
    )?;
    println!(
        "built the index: {} products in {:.1}s",
        stats.indexed,
        stats.elapsed.as_secs_f64()
    );
    let state = AppState::new(db.clone(), engine).await?;
    let approved: Vec<i64> = crate::db::dispatch!(&db, |pool, _d| {
        sqlx::query_scalar(
            "SELECT id FROM products WHERE status = 'approved' AND age_min_months <= 60 \
             AND age_max_months >= 60 ORDER BY id LIMIT 500",
        )
        .fetch_all(pool)
        .await?
    });
    anyhow::ensure!(approved.len() >= 8, "too few approved products");
    for id in approved.iter().take(8) {
        let seller: i64 = crate::db::dispatch!(&db, |pool, _d| {
            sqlx::query_scalar("SELECT seller_id FROM products WHERE id = $1")
                .bind(id)
                .fetch_one(pool)
                .await?
        });
        let admin = crate::db::accounts::UserId(1);
        db.feature_product(*id, seller, "admin", admin, chrono::Utc::now())
            .await?;
    }
    let home = vec!["/".to_owned()];
    let searches: Vec<String> = bench_queries(args.seed, 200)
        .iter()
        .filter(|query| !query.q.is_empty())
        .map(|query| {
            format!(
                "/search?q={}&age_months={}",
                percent_encoding::utf8_percent_encode(&query.q, percent_encoding::NON_ALPHANUMERIC),
                query.age_months
            )
        })
        .collect();
    let products: Vec<String> = approved
        .iter()
        .map(|id| format!("/products/{id}"))
        .collect();
    let css = super::assets::STYLESHEET.body.len();
    let js = super::assets::SCRIPT.body.len();
    for (label, uris) in [
        ("home", &home),
        ("search", &searches),
        ("product", &products),
    ] {
        let (report, html) = measure(&state, uris, args.requests).await?;
        println!(
            "{}  html={html}B page weight (html+css+js)={}B",
            report.line_for(&format!("GET {label}")),
            html + css + js
        );
    }
    println!("assets: css={css}B js={js}B (uncompressed; immutable, cached after the first page)");
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

fn tempfile_dir() -> anyhow::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("bolajon-bench-pages-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
