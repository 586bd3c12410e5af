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
use benches::relevance::{self, Half, HomeDepot, JudgedQuery, Metrics};
use clap::Parser;
use engine::{
    Audience, Engine, Fusion, HybridParams, Localized, ModerationStatus, Normalization, ProductDoc,
    ProductId, SearchMode,
};
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
    /// Compare hybrid settings (fusion, normalisation, candidate depths, dense re-scoring) on
    /// the tuning half of both query sets, and report the one chosen there on the held-out half
    /// and the whole set. The engine's defaults are the settings this chose.
    #[arg(long)]
    sweep: bool,
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
    println!(
        "Protocol: every query set is split in two halves by a hash of the query id (sha256, \
         lowest bit). Defaults (fusion, normalisation, candidate depths, dense re-scoring) were \
         chosen on the tuning half only (`--sweep`); figures are reported on the held-out half \
         and on the whole set."
    );
    let mut sets = Vec::new();
    if !args.no_homedepot {
        let dir = args
            .homedepot
            .clone()
            .unwrap_or_else(HomeDepot::default_dir);
        let mut data = HomeDepot::load(&dir)?;
        if let Some(max) = args.max_queries {
            data.queries.truncate(max);
        }
        let Some(set) = prepare_homedepot(&args, &data, models.as_ref())? else {
            return Ok(());
        };
        sets.push((set, Some(data)));
    }
    if !args.no_golden && !args.embed_only {
        let golden = GoldenSet::load(&GoldenSet::default_dir())?;
        sets.push((prepare_golden(&golden, models.as_ref())?, None));
    }
    if args.sweep && models.is_some() {
        let all: Vec<&QuerySet> = sets.iter().map(|(set, _)| set).collect();
        sweep(&all)?;
    }
    for (set, data) in &sets {
        let mut results = Vec::new();
        for mode in modes(models.is_some()) {
            results.push(run_bolajon(set, mode, None)?);
        }
        results.insert(1, run_lexical_ids(set)?);
        let comparison = Some(LEXICAL_IDS.to_string());
        if let Some(data) = data
            && !args.no_peers
        {
            results.push(run_bm25s(&args, data)?);
            results.push(run_postgres(&args, data)?);
        }
        print_table(set, &results);
        if models.is_some() {
            print_hybrid_verdict(set, &results);
        }
        if data.is_some() && !args.no_peers {
            print_peer_verdict(set, &results, comparison.as_deref());
        }
        if let Some(golden) = &set.golden {
            print_golden_breakdown(golden, &results);
        }
    }
    Ok(())
}

/// One query set, indexed and embedded, ready to run.
struct QuerySet {
    title: String,
    engine: Engine,
    /// (id, text, query vector)
    queries: Vec<(String, String, Option<Vec<f32>>)>,
    judged: Vec<JudgedQuery>,
    audiences: Vec<Audience>,
    relevant_gain: f64,
    golden: Option<GoldenSet>,
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

fn prepare_homedepot(args: &Args, data: &HomeDepot, e5: Option<&E5>) -> Result<Option<QuerySet>> {
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
        return Ok(None);
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
    Ok(Some(QuerySet {
        title: "Home Depot dev queries".to_string(),
        engine,
        queries,
        judged: data.queries.clone(),
        audiences: vec![audience; data.queries.len()],
        relevant_gain: relevance::HOMEDEPOT_RELEVANT_GAIN,
        golden: None,
    }))
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

/// Runs every query of `set` through bolajon in `mode`, one at a time on one thread, with the
/// engine's hybrid settings, or `tuning` (settings and fusion) when given.
fn run_bolajon(
    set: &QuerySet,
    mode: SearchMode,
    tuning: Option<(HybridParams, Fusion)>,
) -> Result<Run> {
    run_queries(set, mode, tuning, None)
}

/// The name of the lexical run that returns ids and scores only (no stored documents), as the
/// peers do.
const LEXICAL_IDS: &str = "bolajon lexical, ids only (Engine::search_ids)";

/// Runs every query of `set` through [`Engine::search_ids`] (lexical), one at a time on one
/// thread.
fn run_lexical_ids(set: &QuerySet) -> Result<Run> {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build()?;
    let mut runs = HashMap::new();
    let mut latencies = Vec::with_capacity(set.queries.len());
    let mut slowest: Vec<(Duration, &str)> = Vec::new();
    pool.install(|| -> Result<()> {
        for (i, (id, text, _)) in set.queries.iter().enumerate() {
            let mut request = engine::SearchRequest::new(text.clone());
            request.per_page = DEPTH;
            let started = Instant::now();
            let found = set.engine.search_ids(set.audiences[i], &request)?;
            let elapsed = started.elapsed();
            latencies.push(elapsed);
            slowest.push((elapsed, text));
            runs.insert(id.clone(), found.hits.iter().map(|(id, _)| id.0).collect());
        }
        Ok(())
    })?;
    slowest.sort_by_key(|slow| std::cmp::Reverse(slow.0));
    let named: Vec<String> = slowest
        .iter()
        .take(8)
        .map(|(elapsed, text)| format!("{:.1} ms {text:?}", elapsed.as_secs_f64() * 1_000.0))
        .collect();
    eprintln!("slowest lexical queries: {}", named.join(", "));
    Ok(Run {
        system: LEXICAL_IDS.to_string(),
        runs,
        latencies,
    })
}

/// As [`run_bolajon`], over the queries of one half only (all when `half` is `None`).
fn run_queries(
    set: &QuerySet,
    mode: SearchMode,
    tuning: Option<(HybridParams, Fusion)>,
    half: Option<Half>,
) -> Result<Run> {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build()?;
    let mut runs = HashMap::new();
    let mut latencies = Vec::with_capacity(set.queries.len());
    let defaults = set.engine.hybrid_params();
    if let Some((params, _)) = tuning {
        set.engine.set_hybrid_params(params);
    }
    let outcome = pool.install(|| -> Result<()> {
        for (i, (id, text, vector)) in set.queries.iter().enumerate() {
            if half.is_some_and(|half| relevance::half_of(id) != half) {
                continue;
            }
            let mut request = engine::SearchRequest::new(text.clone());
            request.per_page = DEPTH;
            request.mode = mode;
            if let Some((_, fusion)) = tuning {
                request.fusion = fusion;
            }
            request.query_vector = if mode == SearchMode::Lexical {
                None
            } else {
                vector.clone()
            };
            let started = Instant::now();
            let found = set.engine.search(set.audiences[i], &request)?;
            latencies.push(started.elapsed());
            runs.insert(id.clone(), found.hits.iter().map(|hit| hit.id.0).collect());
        }
        Ok(())
    });
    set.engine.set_hybrid_params(defaults);
    outcome?;
    Ok(Run {
        system: match tuning {
            Some(tuning) => format!("bolajon {} ({})", mode.name(), describe(tuning)),
            None => format!("bolajon {}", mode.name()),
        },
        runs,
        latencies,
    })
}

/// Describes hybrid settings in a few words.
fn describe((params, fusion): (HybridParams, Fusion)) -> String {
    let fusion = match fusion {
        Fusion::Rrf { k } => format!("rrf k={k}"),
        Fusion::Weighted { alpha } => format!(
            "weighted alpha={alpha} {}",
            match params.normalization {
                Normalization::MinMax => "min-max",
                Normalization::ZScore => "z-score",
            }
        ),
    };
    format!(
        "{fusion}, {}+{} candidates, {}",
        params.lexical_candidates,
        params.vector_candidates,
        if params.rescore_lexical {
            "dense re-scoring"
        } else {
            "no re-scoring"
        }
    )
}

/// The hybrid settings compared by `--sweep`, first stage: the fusion itself.
fn fusion_grid() -> Vec<(HybridParams, Fusion)> {
    let base = HybridParams::default();
    let mut grid = Vec::new();
    for normalization in [Normalization::MinMax, Normalization::ZScore] {
        for alpha in [0.2, 0.3, 0.4, 0.5, 0.6, 0.7] {
            grid.push((
                HybridParams {
                    normalization,
                    ..base
                },
                Fusion::Weighted { alpha },
            ));
        }
    }
    for k in [10, 30, 60] {
        grid.push((base, Fusion::Rrf { k }));
    }
    grid
}

/// Second stage: candidate depths and re-scoring around the best fusion.
fn depth_grid((best, fusion): (HybridParams, Fusion)) -> Vec<(HybridParams, Fusion)> {
    let mut grid = Vec::new();
    for (lexical_candidates, vector_candidates) in [
        (50, 100),
        (200, 100),
        (400, 100),
        (100, 50),
        (100, 200),
        (200, 200),
    ] {
        grid.push((
            HybridParams {
                lexical_candidates,
                vector_candidates,
                ..best
            },
            fusion,
        ));
    }
    grid.push((
        HybridParams {
            rescore_lexical: !best.rescore_lexical,
            ..best
        },
        fusion,
    ));
    grid
}

/// Mean NDCG@10 of a run over one half of a set.
fn half_ndcg(set: &QuerySet, run: &Run, half: Half) -> f64 {
    relevance::evaluate(
        &relevance::in_half(&set.judged, half),
        &run.runs,
        set.relevant_gain,
    )
    .ndcg10
}

/// Compares hybrid settings on the tuning half of every set; the objective is the smallest
/// margin of hybrid over the better single mode across the sets.
fn sweep(sets: &[&QuerySet]) -> Result<()> {
    println!();
    println!("Sweep over hybrid settings, tuning half only:");
    let mut singles = Vec::new();
    for set in sets {
        let lexical = half_ndcg(
            set,
            &run_queries(set, SearchMode::Lexical, None, Some(Half::Tune))?,
            Half::Tune,
        );
        let semantic = half_ndcg(
            set,
            &run_queries(set, SearchMode::Semantic, None, Some(Half::Tune))?,
            Half::Tune,
        );
        println!(
            "  {}: lexical {lexical:.4}, semantic {semantic:.4}",
            set.title
        );
        singles.push(lexical.max(semantic));
    }
    let mut best = None;
    type Best = Option<((HybridParams, Fusion), f64)>;
    let evaluate = |grid: Vec<(HybridParams, Fusion)>, best: &mut Best| -> Result<()> {
        for tuning in grid {
            let mut margins = Vec::new();
            let mut line = Vec::new();
            for (set, single) in sets.iter().zip(&singles) {
                let started = Instant::now();
                let run = run_queries(set, SearchMode::Hybrid, Some(tuning), Some(Half::Tune))?;
                let ndcg = half_ndcg(set, &run, Half::Tune);
                margins.push(ndcg - single);
                line.push(format!(
                    "{ndcg:.4} ({:+.4}, {:.0} s)",
                    ndcg - single,
                    started.elapsed().as_secs_f64()
                ));
            }
            let objective = margins.iter().copied().fold(f64::INFINITY, f64::min);
            println!(
                "  {}: {} -> min margin {objective:+.4}",
                describe(tuning),
                line.join(", ")
            );
            if best.is_none_or(|(_, value)| objective > value) {
                *best = Some((tuning, objective));
            }
        }
        Ok(())
    };
    evaluate(fusion_grid(), &mut best)?;
    let Some((stage_one, _)) = best else {
        bail!("the sweep compared nothing");
    };
    evaluate(depth_grid(stage_one), &mut best)?;
    let Some((chosen, objective)) = best else {
        bail!("the sweep compared nothing");
    };
    println!(
        "  chosen on the tuning half: {} (min margin {objective:+.4})",
        describe(chosen)
    );
    for set in sets {
        let run = run_queries(set, SearchMode::Hybrid, Some(chosen), None)?;
        println!(
            "  {} with it: held-out half {:.4}, whole set {:.4}",
            set.title,
            half_ndcg(set, &run, Half::HeldOut),
            relevance::evaluate(&set.judged, &run.runs, set.relevant_gain).ndcg10
        );
    }
    let defaults = sets
        .first()
        .map(|set| (set.engine.hybrid_params(), Fusion::default()));
    if defaults != Some(chosen) {
        println!(
            "  note: the engine's defaults are {}; the sweep chose otherwise",
            defaults.map_or_else(|| "unknown".to_string(), describe)
        );
    }
    Ok(())
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

/// Percentile of a run's latencies, in ms.
fn latency_ms(run: &Run, share: f64) -> f64 {
    let mut latencies = run.latencies.clone();
    latencies.sort_unstable();
    if latencies.is_empty() {
        0.0
    } else {
        benches::percentile(&latencies, share).as_secs_f64() * 1_000.0
    }
}

fn print_table(set: &QuerySet, results: &[Run]) {
    let queries = &set.judged;
    let tune = relevance::in_half(queries, Half::Tune);
    let held_out = relevance::in_half(queries, Half::HeldOut);
    println!();
    println!("{}: {} queries", set.title, queries.len());
    println!();
    println!(
        "| system | NDCG@10 | NDCG@10 tuning half | NDCG@10 held-out half | MRR | recall@100 | judged@10 | p50 ms | p95 ms | p99 ms | QPS (1 thread) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for run in results {
        let metrics: Metrics = relevance::evaluate(queries, &run.runs, set.relevant_gain);
        let total: f64 = run.latencies.iter().map(Duration::as_secs_f64).sum();
        println!(
            "| {} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {:.2} | {:.2} | {:.2} | {:.2} | {:.0} |",
            run.system,
            metrics.ndcg10,
            relevance::evaluate(&tune, &run.runs, set.relevant_gain).ndcg10,
            relevance::evaluate(&held_out, &run.runs, set.relevant_gain).ndcg10,
            metrics.mrr,
            metrics.recall100,
            metrics.judged10,
            latency_ms(run, 0.5),
            latency_ms(run, 0.95),
            latency_ms(run, 0.99),
            run.latencies.len() as f64 / total.max(1e-9),
        );
    }
    println!(
        "(NDCG over {} queries with a positive judgement ({} tuning, {} held-out); MRR and recall count a product relevant from gain {}; latency excludes embedding the query)",
        results.first().map_or(0, |run| relevance::evaluate(
            queries,
            &run.runs,
            set.relevant_gain
        )
        .queries),
        tune.len(),
        held_out.len(),
        set.relevant_gain
    );
}

/// The margin hybrid must have over the better single mode, in NDCG@10.
const HYBRID_MARGIN: f64 = 0.03;

/// Prints whether hybrid beats the better single mode by [`HYBRID_MARGIN`], on the whole set
/// and on the held-out half.
fn print_hybrid_verdict(set: &QuerySet, results: &[Run]) {
    let find = |mode: SearchMode| {
        results
            .iter()
            .find(|run| run.system == format!("bolajon {}", mode.name()))
    };
    let (Some(lexical), Some(semantic), Some(hybrid)) = (
        find(SearchMode::Lexical),
        find(SearchMode::Semantic),
        find(SearchMode::Hybrid),
    ) else {
        return;
    };
    for (name, queries) in [
        ("whole set", set.judged.clone()),
        (
            "held-out half",
            relevance::in_half(&set.judged, Half::HeldOut),
        ),
    ] {
        let ndcg = |run: &Run| relevance::evaluate(&queries, &run.runs, set.relevant_gain).ndcg10;
        let best_single = ndcg(lexical).max(ndcg(semantic));
        let margin = ndcg(hybrid) - best_single;
        println!(
            "hybrid vs the better single mode ({name}): {:.3} vs {best_single:.3}, margin {margin:+.3} (target >= +{HYBRID_MARGIN:.2}): {}",
            ndcg(hybrid),
            if margin >= HYBRID_MARGIN {
                "PASS"
            } else {
                "FAIL"
            }
        );
    }
}

/// Prints bolajon lexical against every peer: NDCG@10 (match or beat) and latency (beat at p50
/// and p99), with ratios.
fn print_peer_verdict(set: &QuerySet, results: &[Run], ours: Option<&str>) {
    let Some(ours) = ours.and_then(|name| results.iter().find(|run| run.system == name)) else {
        return;
    };
    let ndcg = |run: &Run| relevance::evaluate(&set.judged, &run.runs, set.relevant_gain).ndcg10;
    println!();
    println!(
        "{} against the peers (same run, release build, one thread, top {DEPTH}):",
        ours.system
    );
    println!();
    println!("| peer | NDCG@10 ours / peer | p50 ours / peer | p99 ours / peer | verdict |");
    println!("|---|---:|---:|---:|---|");
    for peer in results
        .iter()
        .filter(|run| run.system.starts_with("bm25s") || run.system.starts_with("PostgreSQL"))
    {
        let quality = ndcg(ours) >= ndcg(peer);
        let p50 = latency_ms(ours, 0.5) / latency_ms(peer, 0.5).max(1e-9);
        let p99 = latency_ms(ours, 0.99) / latency_ms(peer, 0.99).max(1e-9);
        let pass = quality && p50 < 1.0 && p99 < 1.0;
        println!(
            "| {} | {:.3} / {:.3} | {:.2} / {:.2} ms = {p50:.2}x | {:.2} / {:.2} ms = {p99:.2}x | {} |",
            peer.system,
            ndcg(ours),
            ndcg(peer),
            latency_ms(ours, 0.5),
            latency_ms(peer, 0.5),
            latency_ms(ours, 0.99),
            latency_ms(peer, 0.99),
            if pass { "PASS" } else { "FAIL" }
        );
    }
}

/// Prints NDCG@10 per query group and per language form of the golden set.
fn print_golden_breakdown(golden: &GoldenSet, results: &[Run]) {
    let mut langs: Vec<String> = Vec::new();
    for query in &golden.queries {
        if !langs.contains(&query.lang) {
            langs.push(query.lang.clone());
        }
    }
    let groups = golden.groups();
    let by_group = groups.iter().map(|group| (group, true));
    let by_lang = langs.iter().map(|lang| (lang, false));
    for (key, is_group) in by_group.chain(by_lang) {
        let subset: Vec<JudgedQuery> = golden
            .queries
            .iter()
            .filter(|q| {
                if is_group {
                    &q.group == key
                } else {
                    &q.lang == key
                }
            })
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
            "  {} {key} ({} queries): NDCG@10 {}",
            if is_group { "group" } else { "language form" },
            subset.len(),
            line.join(", ")
        );
    }
}

fn prepare_golden(golden: &GoldenSet, e5: Option<&E5>) -> Result<QuerySet> {
    if golden.queries.is_empty() {
        bail!("the golden set has no queries");
    }
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
    Ok(QuerySet {
        title: format!(
            "kids' golden set ({}, over the {}-product sample)",
            GoldenSet::default_dir().display(),
            golden.docs.len()
        ),
        engine,
        queries,
        judged: golden.queries.iter().map(|q| q.query.clone()).collect(),
        audiences: golden.queries.iter().map(|q| q.audience).collect(),
        relevant_gain: benches::golden::RELEVANT_GAIN,
        golden: Some(golden.clone()),
    })
}
