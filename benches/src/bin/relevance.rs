//! The relevance evaluation: bolajon's lexical, semantic and hybrid search against BM25 (bm25s)
//! and PostgreSQL full-text search, in one run, on the same products and queries.
//!
//! ```sh
//! cargo run --release -p benches --bin relevance                 # everything
//! cargo run --release -p benches --bin relevance -- --no-peers   # bolajon only
//! cargo run --release -p benches --bin relevance -- --embed-only # fill the embedding cache
//! ```
//!
//! Two query sets:
//! - **Home Depot product search** (`shared/datasets/homedepot_product_search`, read at run time
//!   and never copied into the repository; pass `--homedepot DIR`): 54,667 product titles,
//!   the 8,256 dev queries with human judgements (gain = relevance − 1, unjudged = 0). Every
//!   product becomes an engine document for all ages, approved; queries run for a 10-year-old.
//!   The peers run here: bm25s (`benches/python/bm25s_relevance.py`, in the reference venv
//!   under `~/.cache/bolajon/venv`) and PostgreSQL (`ts_rank_cd` over a GIN index of
//!   `to_tsvector('english', title)`, the query's words ORed) in a scratch database this
//!   command creates and drops on the server at `--postgres-url`.
//! - **The kids' golden set** (`datasets/golden/`): graded judgements over the committed
//!   2,000-product sample, each query run for its own audience.
//!
//! Semantic and hybrid modes embed product passages and queries with multilingual-e5-small;
//! the vectors are cached under `~/.cache/bolajon/eval/`, keyed by the model file's sha256 and
//! the texts' sha256, so they are computed once (tens of minutes for Home Depot on 2 cores; an
//! interrupted run resumes). Latency is per query, one at a time on one thread, top 100 asked
//! for by every system; for bolajon's semantic and hybrid modes it excludes embedding the query
//! (reported separately).

use anyhow::{Context, Result, bail};
use benches::golden::GoldenSet;
use benches::relevance::{self, HomeDepot, JudgedQuery, Metrics};
use clap::Parser;
use engine::{Audience, Engine, Localized, ModerationStatus, ProductDoc, ProductId, SearchMode};
use models::{E5Embedder, Embedder, TextKind};
use serde::Deserialize;
use std::collections::HashMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(Debug, Parser)]
#[command(
    about = "NDCG@10, MRR, recall@100 and latency per search mode, with BM25 and PostgreSQL FTS as peers"
)]
struct Args {
    /// The Home Depot product-search folder (products.csv, queries.csv, qrels.csv).
    #[arg(long)]
    homedepot: Option<PathBuf>,
    /// Skip the Home Depot set.
    #[arg(long)]
    no_homedepot: bool,
    /// Skip the kids' golden set.
    #[arg(long)]
    no_golden: bool,
    /// Skip semantic and hybrid modes (no model needed).
    #[arg(long)]
    lexical_only: bool,
    /// Skip the bm25s and PostgreSQL peers.
    #[arg(long)]
    no_peers: bool,
    /// Only compute (or resume) the cached embeddings, then stop.
    #[arg(long)]
    embed_only: bool,
    /// Evaluate only the first N Home Depot queries (a quick look; the reported figures use all).
    #[arg(long)]
    max_queries: Option<usize>,
    /// PostgreSQL server for the full-text-search peer (a scratch database is created and dropped).
    #[arg(
        long,
        env = "TEST_DATABASE_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/test"
    )]
    postgres_url: String,
    /// bm25s k1 (the default is the best of a grid over k1 0.6–2.0 and b 0.3–0.9 on these
    /// dev queries: the peer is tuned, bolajon is not tuned per query set).
    #[arg(long, default_value_t = 0.6)]
    bm25_k1: f64,
    /// bm25s b (see `--bm25-k1`).
    #[arg(long, default_value_t = 0.5)]
    bm25_b: f64,
}

/// The audience of every Home Depot query: the products are for all ages.
const HOMEDEPOT_AGE_MONTHS: i64 = 120;
/// Results asked for per query (the recall depth).
const DEPTH: u32 = relevance::RECALL_DEPTH as u32;
/// Texts embedded per call (and per checkpoint of the cache).
const EMBED_CHUNK: usize = 256;

/// One system's ranked lists and latencies.
struct Run {
    system: String,
    runs: HashMap<String, Vec<u64>>,
    latencies: Vec<Duration>,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let models = if args.lexical_only {
        None
    } else {
        Some(load_e5()?)
    };
    if !args.no_homedepot {
        let dir = args
            .homedepot
            .clone()
            .unwrap_or_else(HomeDepot::default_dir);
        let mut data = HomeDepot::load(&dir)?;
        if let Some(max) = args.max_queries {
            data.queries.truncate(max);
        }
        evaluate_homedepot(&args, &data, models.as_ref())?;
    }
    if !args.no_golden && !args.embed_only {
        let golden = GoldenSet::load(&GoldenSet::default_dir())?;
        evaluate_golden(&golden, models.as_ref())?;
    }
    Ok(())
}

/// The text embedder and the sha256 of its weights (the cache key).
struct E5 {
    embedder: E5Embedder,
    sha256: &'static str,
}

fn load_e5() -> Result<E5> {
    let cache_dir = std::env::var_os("BOLAJON_MODELS_DIR")
        .map(PathBuf::from)
        .or_else(models::fetch::default_cache_dir)
        .context("no model cache directory: set BOLAJON_MODELS_DIR or HOME")?;
    models::fetch::fetch_model(
        &cache_dir,
        &models::manifest::MULTILINGUAL_E5_SMALL,
        &|_| {},
    )?;
    let embedder = E5Embedder::from_cache(&cache_dir)
        .context("loading multilingual-e5-small (run `cargo run -p storefront -- models fetch`)")?
        .with_query_cache(0);
    let sha256 = models::manifest::MULTILINGUAL_E5_SMALL
        .file(models::manifest::E5_WEIGHTS_FILE)
        .map(|file| file.sha256)
        .context("the e5 weights are not in the manifest")?;
    Ok(E5 { embedder, sha256 })
}

fn eval_cache_dir() -> Result<PathBuf> {
    let home = std::env::var_os("HOME").context("HOME is not set")?;
    Ok(PathBuf::from(home).join(".cache/bolajon/eval"))
}

/// Embeds `texts` as `kind` through the on-disk cache, printing progress.
fn embed_cached(e5: &E5, name: &str, kind: TextKind, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
    let digest = relevance::texts_digest(texts.iter().copied());
    let kind_name = match kind {
        TextKind::Query => "query",
        TextKind::Passage => "passage",
    };
    let path = eval_cache_dir()?.join(format!(
        "{name}-{kind_name}-e5-{}-{}.f32",
        &e5.sha256[..16],
        &digest[..16]
    ));
    let started = Instant::now();
    let vectors = relevance::cached_embeddings(
        &path,
        texts,
        e5.embedder.dimension(),
        EMBED_CHUNK,
        &|chunk| Ok(e5.embedder.embed(kind, chunk)?),
        &|done, total| {
            let rate = done as f64 / started.elapsed().as_secs_f64().max(1e-9);
            eprint!("\rembedding {name} {kind_name}s: {done}/{total} ({rate:.0}/s this run)   ");
        },
    )?;
    eprintln!();
    Ok(vectors)
}

fn homedepot_doc(uid: u64, title: &str, embedding: Option<Vec<f32>>) -> ProductDoc {
    ProductDoc {
        id: ProductId(uid),
        titles: Localized {
            en: Some(title.to_string()),
            ..Localized::default()
        },
        descriptions: Localized::default(),
        brand: String::new(),
        brand_id: 0,
        category_id: 1,
        category_path: vec![1],
        category_names: Vec::new(),
        seller_id: 1,
        age_min_months: 0,
        age_max_months: moderation::MAX_AGE_MONTHS,
        price_tiyin: 100_000,
        in_stock: true,
        rating: 0.0,
        rating_count: 0,
        popularity: 0,
        created_at: 0,
        skus: Vec::new(),
        image_url: None,
        status: ModerationStatus::Approved,
        embedding,
    }
}

/// Cuts a query to the engine's limit (a few Home Depot queries are longer).
fn clip_query(text: &str) -> String {
    text.chars().take(engine::MAX_QUERY_CHARS).collect()
}

fn evaluate_homedepot(args: &Args, data: &HomeDepot, e5: Option<&E5>) -> Result<()> {
    println!(
        "Home Depot product search ({}): {} products, {} dev queries, {} judged pairs",
        data.dir.display(),
        data.products.len(),
        data.queries.len(),
        data.queries
            .iter()
            .map(|q| q.judgements.len())
            .sum::<usize>()
    );
    let vectors = match e5 {
        Some(e5) => {
            let titles: Vec<&str> = data.products.iter().map(|(_, t)| t.as_str()).collect();
            let passages = embed_cached(e5, "homedepot", TextKind::Passage, &titles)?;
            let texts: Vec<String> = data.queries.iter().map(|q| clip_query(&q.text)).collect();
            let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
            let started = Instant::now();
            let queries = embed_cached(e5, "homedepot", TextKind::Query, &texts)?;
            let one = e5_query_latency(e5, &texts)?;
            eprintln!(
                "query embeddings ready in {:.1} s; one query embeds in p50 {:.1} ms",
                started.elapsed().as_secs_f64(),
                one
            );
            Some((passages, queries))
        }
        None => None,
    };
    if args.embed_only {
        return Ok(());
    }

    let engine = Engine::in_memory()?;
    let started = Instant::now();
    let (passages, query_vectors) = match vectors {
        Some((p, q)) => (Some(p), Some(q)),
        None => (None, None),
    };
    let mut passages = passages.map(Vec::into_iter);
    let docs = data.products.iter().map(|(uid, title)| {
        let embedding = passages.as_mut().and_then(Iterator::next);
        homedepot_doc(*uid, title, embedding)
    });
    engine.rebuild(docs, 1, &|_| {})?;
    let index_seconds = started.elapsed().as_secs_f64();
    println!(
        "bolajon index: {} products in {index_seconds:.1} s ({} vectors)",
        engine.num_docs(),
        engine.vector_status().vectors
    );

    let audience = Audience::new(HOMEDEPOT_AGE_MONTHS)?;
    let queries: Vec<(String, String, Option<Vec<f32>>)> = data
        .queries
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let vector = query_vectors.as_ref().map(|v| v[i].clone());
            (q.id.clone(), clip_query(&q.text), vector)
        })
        .collect();
    let mut results = Vec::new();
    for mode in modes(e5.is_some()) {
        results.push(run_bolajon(&engine, mode, &queries, |_| audience)?);
    }
    if !args.no_peers {
        results.push(run_bm25s(args, data)?);
        results.push(run_postgres(args, data)?);
    }
    print_table(
        "Home Depot dev queries",
        &data.queries,
        &results,
        relevance::HOMEDEPOT_RELEVANT_GAIN,
    );
    Ok(())
}

fn modes(semantic: bool) -> Vec<SearchMode> {
    if semantic {
        vec![
            SearchMode::Lexical,
            SearchMode::Semantic,
            SearchMode::Hybrid,
        ]
    } else {
        vec![SearchMode::Lexical]
    }
}

/// Median single-query embedding time over the first 200 queries, in ms.
fn e5_query_latency(e5: &E5, texts: &[&str]) -> Result<f64> {
    let mut timings: Vec<Duration> = Vec::new();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build()?;
    pool.install(|| -> Result<()> {
        for text in texts.iter().take(200) {
            let started = Instant::now();
            e5.embedder.embed(TextKind::Query, &[text])?;
            timings.push(started.elapsed());
        }
        Ok(())
    })?;
    timings.sort_unstable();
    Ok(timings
        .get(timings.len() / 2)
        .map_or(0.0, |d| d.as_secs_f64() * 1_000.0))
}

/// Runs every query through bolajon in `mode`, one at a time on one thread.
fn run_bolajon(
    engine: &Engine,
    mode: SearchMode,
    queries: &[(String, String, Option<Vec<f32>>)],
    audience_of: impl Fn(usize) -> Audience + Sync,
) -> Result<Run> {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build()?;
    let mut runs = HashMap::new();
    let mut latencies = Vec::with_capacity(queries.len());
    pool.install(|| -> Result<()> {
        for (i, (id, text, vector)) in queries.iter().enumerate() {
            let mut request = engine::SearchRequest::new(text.clone());
            request.per_page = DEPTH;
            request.mode = mode;
            request.query_vector = if mode == SearchMode::Lexical {
                None
            } else {
                vector.clone()
            };
            let started = Instant::now();
            let found = engine.search(audience_of(i), &request)?;
            latencies.push(started.elapsed());
            runs.insert(id.clone(), found.hits.iter().map(|hit| hit.id.0).collect());
        }
        Ok(())
    })?;
    Ok(Run {
        system: format!("bolajon {}", mode.name()),
        runs,
        latencies,
    })
}

#[derive(Debug, Deserialize)]
struct Bm25sOutput {
    system: String,
    latencies_ms: Vec<f64>,
    runs: HashMap<String, Vec<u64>>,
}

fn run_bm25s(args: &Args, data: &HomeDepot) -> Result<Run> {
    let python = benches::python::venv_python(
        &["bm25s==0.3.16", "PyStemmer==3.1.0", "numpy", "scipy"],
        "import bm25s, Stemmer, numpy, scipy",
    )?;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("python/bm25s_relevance.py");
    // The queries file the script reads: the (possibly truncated) set under evaluation.
    let scratch = tempfile::tempdir()?;
    let queries_csv = scratch.path().join("queries.csv");
    let mut csv = String::from("query_id,query\n");
    for query in &data.queries {
        csv.push_str(&format!(
            "{},\"{}\"\n",
            query.id,
            clip_query(&query.text).replace('"', "\"\"")
        ));
    }
    std::fs::write(&queries_csv, csv)?;
    let k1 = args.bm25_k1.to_string();
    let b = args.bm25_b.to_string();
    eprintln!("running bm25s");
    let output: Bm25sOutput = benches::python::run_json(
        &python,
        &script,
        &[
            OsStr::new("--products"),
            data.dir.join("products.csv").as_os_str(),
            OsStr::new("--queries"),
            queries_csv.as_os_str(),
            OsStr::new("--k1"),
            OsStr::new(&k1),
            OsStr::new("--b"),
            OsStr::new(&b),
        ],
    )?;
    Ok(Run {
        system: output.system,
        runs: output.runs,
        latencies: output
            .latencies_ms
            .iter()
            .map(|ms| Duration::from_secs_f64(ms / 1_000.0))
            .collect(),
    })
}

fn run_postgres(args: &Args, data: &HomeDepot) -> Result<Run> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime
        .block_on(benches::postgres_fts::run(&args.postgres_url, data))
        .map(|(system, runs, latencies)| Run {
            system,
            runs,
            latencies,
        })
}

fn print_table(title: &str, queries: &[JudgedQuery], results: &[Run], relevant_gain: f64) {
    println!();
    println!("{title}: {} queries", queries.len());
    println!();
    println!(
        "| system | NDCG@10 | MRR | recall@100 | judged@10 | p50 ms | p95 ms | p99 ms | QPS (1 thread) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for run in results {
        let metrics: Metrics = relevance::evaluate(queries, &run.runs, relevant_gain);
        let mut latencies = run.latencies.clone();
        latencies.sort_unstable();
        let total: f64 = latencies.iter().map(Duration::as_secs_f64).sum();
        let ms = |share: f64| {
            if latencies.is_empty() {
                0.0
            } else {
                benches::percentile(&latencies, share).as_secs_f64() * 1_000.0
            }
        };
        println!(
            "| {} | {:.3} | {:.3} | {:.3} | {:.2} | {:.2} | {:.2} | {:.2} | {:.0} |",
            run.system,
            metrics.ndcg10,
            metrics.mrr,
            metrics.recall100,
            metrics.judged10,
            ms(0.5),
            ms(0.95),
            ms(0.99),
            latencies.len() as f64 / total.max(1e-9),
        );
    }
    println!(
        "(NDCG over {} queries with a positive judgement; MRR and recall count a product relevant from gain {relevant_gain})",
        results.first().map_or(0, |run| relevance::evaluate(
            queries,
            &run.runs,
            relevant_gain
        )
        .queries)
    );
}

fn evaluate_golden(golden: &GoldenSet, e5: Option<&E5>) -> Result<()> {
    let mut docs = golden.docs.clone();
    let query_vectors = match e5 {
        Some(e5) => {
            let passages: Vec<String> = docs.iter().map(indexer::passage_text).collect();
            let passages: Vec<&str> = passages.iter().map(String::as_str).collect();
            let vectors = embed_cached(e5, "golden", TextKind::Passage, &passages)?;
            for (doc, vector) in docs.iter_mut().zip(vectors) {
                doc.embedding = Some(vector);
            }
            let texts: Vec<&str> = golden
                .queries
                .iter()
                .map(|q| q.query.text.as_str())
                .collect();
            Some(embed_cached(e5, "golden", TextKind::Query, &texts)?)
        }
        None => None,
    };
    let engine = Engine::in_memory()?;
    engine.rebuild(docs.into_iter(), 1, &|_| {})?;
    let queries: Vec<(String, String, Option<Vec<f32>>)> = golden
        .queries
        .iter()
        .enumerate()
        .map(|(i, q)| {
            (
                q.query.id.clone(),
                q.query.text.clone(),
                query_vectors.as_ref().map(|v| v[i].clone()),
            )
        })
        .collect();
    let judged: Vec<JudgedQuery> = golden.queries.iter().map(|q| q.query.clone()).collect();
    let mut results = Vec::new();
    for mode in modes(e5.is_some()) {
        results.push(run_bolajon(&engine, mode, &queries, |i| {
            golden.queries[i].audience
        })?);
    }
    print_table(
        &format!(
            "kids' golden set ({}, over the {}-product sample)",
            GoldenSet::default_dir().display(),
            golden.docs.len()
        ),
        &judged,
        &results,
        benches::golden::RELEVANT_GAIN,
    );
    for group in golden.groups() {
        let subset: Vec<JudgedQuery> = golden
            .queries
            .iter()
            .filter(|q| q.group == group)
            .map(|q| q.query.clone())
            .collect();
        let line: Vec<String> = results
            .iter()
            .map(|run| {
                let m = relevance::evaluate(&subset, &run.runs, benches::golden::RELEVANT_GAIN);
                format!("{} {:.3}", run.system, m.ndcg10)
            })
            .collect();
        println!(
            "  {group} ({} queries): NDCG@10 {}",
            subset.len(),
            line.join(", ")
        );
    }
    if golden.queries.is_empty() {
        bail!("the golden set has no queries");
    }
    Ok(())
}
