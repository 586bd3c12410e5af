//! ANN quality and speed: the engine's HNSW graph (hnsw_rs) against exact search and against
//! hnswlib on the same vectors.
//!
//! ```sh
//! cargo run --release -p benches --bin ann                       # 100k synthetic 384-d vectors
//! cargo run --release -p benches --bin ann -- --vectors e5.npy   # real vectors (f32 .npy)
//! cargo run --release -p benches --bin ann -- --vectors v.f32 --dim 384   # raw f32
//! cargo run --release -p benches --bin ann -- --catalog 100000   # the catalogue's real e5 vectors
//! ```
//!
//! `--catalog N` reads the real multilingual-e5 passage vectors of `datasets::generate(seed, N)`
//! (each distinct passage once, as `benches --bin embed-catalog` caches them; it embeds what is
//! missing) and uses the bench query mix's distinct texts, embedded as e5 queries, as queries.
//!
//! The engine serves its search over a flat copy of hnsw_rs's links whose bottom layer is
//! re-selected with hnswlib's diversity heuristic (`FlatLinks::build`, relaxation
//! `--relaxation`); the table also shows the same search over hnsw_rs's links as copied, and
//! hnsw_rs's own search.
//!
//! Prints recall@k and single-threaded queries per second at each `ef`, hnswlib's figures at
//! the same `ef` (via `benches/python/hnswlib_ann.py`, in a venv under
//! `~/.cache/bolajon/venv`, created on first use), and the QPS ratio at equal recall
//! (hnswlib's QPS interpolated at the engine's recall). Then, for the filter strategy, the
//! filtered graph search and the exact scan at several shares of allowed vectors.

use anyhow::{Context, Result, bail};
use clap::Parser;
use engine::vector::{AnnGraph, FlatLinks, GraphParams, Reselect, exact_nearest};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Command-line arguments.
#[derive(Debug, Parser)]
#[command(about = "ANN recall and QPS of the engine's HNSW graph versus exact search and hnswlib")]
struct Args {
    /// Base vectors: a little-endian f32 `.npy` (2-D, C order) or raw f32 (needs `--dim`).
    /// Synthetic clustered unit vectors when absent.
    #[arg(long)]
    vectors: Option<PathBuf>,
    /// Use the real e5 passage vectors of the generated catalogue of this many products
    /// (queries: the bench mix's texts embedded as e5 queries).
    #[arg(long, conflicts_with = "vectors")]
    catalog: Option<usize>,
    /// With `--catalog`: when the catalogue's vectors are not all embedded yet, use the ones
    /// embedded so far (the shortest passages first) instead of embedding the rest.
    #[arg(long, requires = "catalog")]
    partial: bool,
    /// Dimension of raw vectors, and of synthetic ones.
    #[arg(long, default_value_t = 384)]
    dim: usize,
    /// Number of synthetic base vectors.
    #[arg(long, default_value_t = 100_000)]
    count: usize,
    /// Clusters of the synthetic vectors.
    #[arg(long, default_value_t = 1_000)]
    clusters: usize,
    /// Queries (synthetic; with `--vectors`, this many base vectors are held out as queries).
    #[arg(long, default_value_t = 1_000)]
    queries: usize,
    /// Neighbours per query.
    #[arg(long, default_value_t = 10)]
    k: usize,
    /// Links per node (M).
    #[arg(long, default_value_t = 16)]
    m: usize,
    /// ef_construction.
    #[arg(long, default_value_t = 200)]
    ef_construction: usize,
    /// Relaxation of the engine's re-selection of the bottom layer's links (1: hnswlib's
    /// heuristic); the engine's own by default.
    #[arg(long, default_value_t = Reselect::RELAXATION)]
    relaxation: f32,
    /// ef_search values, comma-separated.
    #[arg(long, default_value = "16,32,64,96,128,256")]
    ef: String,
    /// Skip the hnswlib comparison.
    #[arg(long)]
    no_python: bool,
    /// Skip the filtered-search measurements.
    #[arg(long)]
    no_filtered: bool,
    /// Random seed of the synthetic vectors and of the generated catalogue (`--catalog`).
    #[arg(long, default_value_t = 20_261_125)]
    seed: u64,
}

/// splitmix64: a deterministic generator without dependencies.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// A standard normal sample (Box-Muller).
    fn normal(&mut self) -> f32 {
        let (u, v) = (self.uniform(), self.uniform());
        ((-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()) as f32
    }
}

fn normalize(vector: &mut [f32]) {
    let norm = vector.iter().map(|v| v * v).sum::<f32>().sqrt();
    if norm > 0.0 {
        vector.iter_mut().for_each(|v| *v /= norm);
    }
}

/// Clustered unit vectors: random unit centres plus Gaussian noise of norm about 1, so
/// members of a cluster have cosine similarity around 0.5 to each other and 0.7 to their
/// centre, then normalised. Returns (base, queries).
fn synthetic(args: &Args) -> (Vec<f32>, Vec<f32>) {
    let dim = args.dim;
    let mut rng = Rng(args.seed);
    let mut centres = vec![0f32; args.clusters * dim];
    for centre in centres.chunks_exact_mut(dim) {
        centre.iter_mut().for_each(|v| *v = rng.normal());
        normalize(centre);
    }
    let sigma = 1.0 / (dim as f32).sqrt();
    let mut draw = |count: usize| {
        let mut out = vec![0f32; count * dim];
        for vector in out.chunks_exact_mut(dim) {
            let cluster = (rng.next_u64() % args.clusters as u64) as usize;
            let centre = &centres[cluster * dim..(cluster + 1) * dim];
            for (value, centre) in vector.iter_mut().zip(centre) {
                *value = centre + sigma * rng.normal();
            }
            normalize(vector);
        }
        out
    };
    let base = draw(args.count);
    let queries = draw(args.queries);
    (base, queries)
}

/// Reads a `.npy` (little-endian f32, 2-D, C order) or raw f32 file; returns (data, dim).
fn read_vectors(path: &Path, raw_dim: usize) -> Result<(Vec<f32>, usize)> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let (payload, dim) = if bytes.starts_with(b"\x93NUMPY") {
        let (header_len, header_start) = match bytes.get(6) {
            Some(1) => (u16::from_le_bytes([bytes[8], bytes[9]]) as usize, 10),
            Some(2 | 3) => (
                u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize,
                12,
            ),
            _ => bail!("unsupported .npy version"),
        };
        let header = std::str::from_utf8(&bytes[header_start..header_start + header_len])?;
        if !header.contains("'<f4'") || header.contains("'fortran_order': True") {
            bail!("expected little-endian f32 in C order, header: {header}");
        }
        let shape = header
            .split("'shape': (")
            .nth(1)
            .and_then(|rest| rest.split(')').next())
            .context("no shape in .npy header")?;
        let dims: Vec<usize> = shape
            .split(',')
            .filter(|part| !part.trim().is_empty())
            .map(|part| part.trim().parse())
            .collect::<Result<_, _>>()?;
        let [_, dim] = dims[..] else {
            bail!("expected a 2-D array, shape ({shape})");
        };
        (&bytes[header_start + header_len..], dim)
    } else {
        (&bytes[..], raw_dim)
    };
    if dim == 0 || !payload.len().is_multiple_of(4 * dim) {
        bail!("{} bytes are not rows of {dim} f32", payload.len());
    }
    let mut data: Vec<f32> = payload
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    for vector in data.chunks_exact_mut(dim) {
        normalize(vector);
    }
    Ok((data, dim))
}

fn write_f32(path: &Path, values: &[f32]) -> Result<()> {
    let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}

fn recall(found: &[Vec<u32>], truth: &[Vec<u32>]) -> f64 {
    let hits: usize = found
        .iter()
        .zip(truth)
        .map(|(found, truth)| found.iter().filter(|id| truth.contains(id)).count())
        .sum();
    hits as f64 / truth.iter().map(Vec::len).sum::<usize>().max(1) as f64
}

/// One measured operating point.
#[derive(Debug, Clone, Copy)]
struct Point {
    ef: usize,
    recall: f64,
    qps: f64,
}

/// hnswlib's QPS at `recall` on its recall/QPS frontier: the fastest measured point reaching
/// at least that recall, interpolated linearly towards the next point below it. `None` when no
/// hnswlib point reaches that recall.
fn qps_at_recall(points: &[Point], recall: f64) -> Option<f64> {
    let reaching = points
        .iter()
        .filter(|p| p.recall >= recall - 1e-9)
        .max_by(|a, b| a.qps.total_cmp(&b.qps))?;
    let below = points
        .iter()
        .filter(|p| p.recall < recall - 1e-9 && p.qps > reaching.qps)
        .max_by(|a, b| a.recall.total_cmp(&b.recall));
    Some(match below {
        Some(low) => {
            let t = (recall - low.recall) / (reaching.recall - low.recall);
            low.qps + t * (reaching.qps - low.qps)
        }
        None => reaching.qps,
    })
}

#[derive(serde::Deserialize)]
struct PythonReport {
    build_seconds: f64,
    results: Vec<PythonPoint>,
}

#[derive(serde::Deserialize)]
struct PythonPoint {
    ef: usize,
    recall: f64,
    qps: f64,
}

fn run_hnswlib(
    args: &Args,
    dim: usize,
    base: &[f32],
    queries: &[f32],
    truth: &[Vec<u32>],
) -> Result<(f64, Vec<Point>)> {
    let python =
        benches::python::venv_python(&["numpy", "hnswlib==0.8.0"], "import hnswlib, numpy")?;
    let dir = std::env::temp_dir().join(format!("bolajon-ann-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let (base_path, query_path, truth_path) = (
        dir.join("base.f32"),
        dir.join("queries.f32"),
        dir.join("truth.u32"),
    );
    write_f32(&base_path, base)?;
    write_f32(&query_path, queries)?;
    let truth_bytes: Vec<u8> = truth
        .iter()
        .flat_map(|row| row.iter().flat_map(|id| id.to_le_bytes()))
        .collect();
    std::fs::write(&truth_path, truth_bytes)?;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("python/hnswlib_ann.py");
    let output = Command::new(python)
        .arg(script)
        .arg("--base")
        .arg(&base_path)
        .arg("--queries")
        .arg(&query_path)
        .arg("--truth")
        .arg(&truth_path)
        .args([
            "--dim",
            &dim.to_string(),
            "--k",
            &args.k.to_string(),
            "--m",
            &args.m.to_string(),
            "--ef-construction",
            &args.ef_construction.to_string(),
            "--ef",
            &args.ef,
        ])
        .output()
        .context("running hnswlib_ann.py")?;
    let _ = std::fs::remove_dir_all(&dir);
    if !output.status.success() {
        bail!(
            "hnswlib_ann.py failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let report: PythonReport =
        serde_json::from_slice(&output.stdout).context("parsing hnswlib_ann.py's output")?;
    let points = report
        .results
        .into_iter()
        .map(|p| Point {
            ef: p.ef,
            recall: p.recall,
            qps: p.qps,
        })
        .collect();
    Ok((report.build_seconds, points))
}

fn main() -> Result<()> {
    let args = Args::parse();
    let efs: Vec<usize> = args
        .ef
        .split(',')
        .map(|ef| ef.trim().parse())
        .collect::<Result<_, _>>()
        .context("--ef")?;
    let (base, queries, dim) = match (&args.vectors, args.catalog) {
        (None, Some(products)) => {
            let source = if args.partial {
                benches::catalog::Source::AllowPartial
            } else {
                benches::catalog::Source::Compute
            };
            let vectors = benches::catalog::catalog_vectors(args.seed, products, source)?;
            let (texts, queries) = benches::catalog::query_vectors(args.seed, args.queries)?;
            println!(
                "catalogue {products}: {} approved products, {} distinct passages, {} of them embedded ({}); {} distinct bench-mix queries",
                vectors.passages.docs.len(),
                vectors.passages.texts.len(),
                vectors.vectors.len() / benches::catalog::E5_DIMENSION,
                vectors.path.display(),
                texts.len()
            );
            let mut base = vectors.vectors;
            let mut queries = queries;
            for vector in base.chunks_exact_mut(benches::catalog::E5_DIMENSION) {
                normalize(vector);
            }
            for vector in queries.chunks_exact_mut(benches::catalog::E5_DIMENSION) {
                normalize(vector);
            }
            (base, queries, benches::catalog::E5_DIMENSION)
        }
        (None, None) => {
            let (base, queries) = synthetic(&args);
            (base, queries, args.dim)
        }
        (Some(path), _) => {
            let (mut data, dim) = read_vectors(path, args.dim)?;
            let held_out = args.queries.min(data.len() / dim / 10);
            let queries = data.split_off(data.len() - held_out * dim);
            (data, queries, dim)
        }
    };
    let count = base.len() / dim;
    let query_count = queries.len() / dim;
    println!(
        "{count} base vectors, {query_count} queries, dim {dim}, k {}, M {}, ef_construction {}, {} threads",
        args.k,
        args.m,
        args.ef_construction,
        rayon::current_num_threads()
    );

    let started = Instant::now();
    let truth: Vec<Vec<u32>> = queries
        .par_chunks_exact(dim)
        .map(|query| {
            exact_nearest(&base, dim, query, args.k, 0..count as u32)
                .iter()
                .map(|n| n.slot)
                .collect()
        })
        .collect();
    let exact_qps =
        query_count as f64 / started.elapsed().as_secs_f64() / rayon::current_num_threads() as f64;
    println!("exact scan: {exact_qps:.1} QPS per thread");

    let params = GraphParams {
        max_connections: args.m,
        ef_construction: args.ef_construction,
    };
    let started = Instant::now();
    let graph = AnnGraph::build(params, dim, &base);
    let build_seconds = started.elapsed().as_secs_f64();
    println!("engine (hnsw_rs) build: {build_seconds:.1} s");

    let started = Instant::now();
    let flat = FlatLinks::freeze(&graph);
    println!(
        "flat links copied in {:.2} s",
        started.elapsed().as_secs_f64()
    );
    let started = Instant::now();
    let reselect = Reselect {
        relaxation: args.relaxation,
        ..Reselect::for_graph(params)
    };
    let refined = FlatLinks::build_with(&graph, &base, dim, reselect);
    println!(
        "engine links (copied and re-selected, relaxation {}) in {:.2} s: {:.1} bottom-layer links per node, {:.1} in hnsw_rs's graph",
        reselect.relaxation,
        started.elapsed().as_secs_f64(),
        refined.bottom_links_total() as f64 / count.max(1) as f64,
        flat.bottom_links_total() as f64 / count.max(1) as f64,
    );

    // hnsw_rs's own search, the flat search over hnsw_rs's links, and the engine's search over
    // the re-selected links (what it serves).
    let mut hnsw_rs_points = Vec::new();
    let mut copied_points = Vec::new();
    let mut engine_points = Vec::new();
    for &ef in &efs {
        for variant in 0..3 {
            let started = Instant::now();
            let found: Vec<Vec<u32>> = queries
                .chunks_exact(dim)
                .map(|query| {
                    let found = match variant {
                        0 => graph.search(query, args.k, ef),
                        1 => flat.search(&base, dim, query, args.k, ef),
                        _ => refined.search(&base, dim, query, args.k, ef),
                    };
                    found.iter().map(|n| n.slot).collect()
                })
                .collect();
            let qps = query_count as f64 / started.elapsed().as_secs_f64();
            let point = Point {
                ef,
                recall: recall(&found, &truth),
                qps,
            };
            match variant {
                0 => hnsw_rs_points.push(point),
                1 => copied_points.push(point),
                _ => engine_points.push(point),
            }
        }
    }

    let hnswlib = if args.no_python {
        None
    } else {
        match run_hnswlib(&args, dim, &base, &queries, &truth) {
            Ok(report) => Some(report),
            Err(error) => {
                eprintln!("hnswlib comparison skipped: {error:#}");
                None
            }
        }
    };
    if let Some((seconds, _)) = &hnswlib {
        println!("hnswlib build: {seconds:.1} s");
    }
    println!();
    println!(
        "| ef | engine recall@{k} | engine QPS | on hnsw_rs's links: QPS (recall) | hnsw_rs search QPS (recall) | hnswlib recall@{k} | hnswlib QPS | QPS ratio at equal recall |",
        k = args.k
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    for ((point, own), copied) in engine_points
        .iter()
        .zip(&hnsw_rs_points)
        .zip(&copied_points)
    {
        let (their_recall, their_qps, ratio) = match &hnswlib {
            Some((_, points)) => {
                let same_ef = points.iter().find(|p| p.ef == point.ef);
                let ratio = qps_at_recall(points, point.recall)
                    .map_or("n/a".to_string(), |qps| format!("{:.2}", point.qps / qps));
                (
                    same_ef.map_or("-".to_string(), |p| format!("{:.3}", p.recall)),
                    same_ef.map_or("-".to_string(), |p| format!("{:.0}", p.qps)),
                    ratio,
                )
            }
            None => ("-".into(), "-".into(), "-".into()),
        };
        println!(
            "| {} | {:.3} | {:.0} | {:.0} ({:.3}) | {:.0} ({:.3}) | {their_recall} | {their_qps} | {ratio} |",
            point.ef, point.recall, point.qps, copied.qps, copied.recall, own.qps, own.recall
        );
    }

    if !args.no_filtered {
        filtered(&args, &graph, &base, &queries, dim)?;
    }
    Ok(())
}

/// Filtered search of the top 100 at several shares of allowed vectors, by the engine's
/// strategies: the exact scan of the allowed set, and the graph with over-fetch (unfiltered
/// search for `k / share` neighbours, then the filter; an exact scan when that finds fewer than
/// `k`), plus hnsw_rs's own filtered search for comparison (from a 10% share up: below, it
/// walks most of the graph). The engine's exact-scan thresholds come from this table.
fn filtered(
    args: &Args,
    graph: &AnnGraph,
    base: &[f32],
    queries: &[f32],
    dim: usize,
) -> Result<()> {
    let count = base.len() / dim;
    let k = 100;
    let ef = 150;
    let query_count = (queries.len() / dim).min(200);
    println!();
    println!("filtered top-{k} (ef {ef}), {query_count} queries, one thread:");
    println!(
        "| allowed share | allowed | exact-scan QPS | over-fetch recall | over-fetch QPS | exact fallbacks | hnsw_rs filter recall | hnsw_rs filter QPS |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    for share in [0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0] {
        let mut rng = Rng(args.seed ^ 0xF11);
        let allowed: Vec<bool> = (0..count).map(|_| rng.uniform() < share).collect();
        let allowed_slots: Vec<u32> = (0..count as u32)
            .filter(|slot| allowed[*slot as usize])
            .collect();
        let accept = |slot: u32| allowed.get(slot as usize).copied().unwrap_or(false);
        let exact = |query: &[f32]| -> Vec<u32> {
            exact_nearest(base, dim, query, k, allowed_slots.iter().copied())
                .iter()
                .map(|n| n.slot)
                .collect()
        };
        let measured: Vec<&[f32]> = queries.chunks_exact(dim).take(query_count).collect();
        let started = Instant::now();
        let truth: Vec<Vec<u32>> = measured.iter().map(|query| exact(query)).collect();
        let exact_qps = query_count as f64 / started.elapsed().as_secs_f64();
        let real_share = allowed_slots.len() as f64 / count as f64;
        let mut fallbacks = 0;
        let started = Instant::now();
        let found: Vec<Vec<u32>> = measured
            .iter()
            .map(|query| {
                let found = graph.search_overfetch(query, k, ef, real_share, &accept);
                if found.len() < k.min(allowed_slots.len()) {
                    fallbacks += 1;
                    exact(query)
                } else {
                    found.iter().map(|n| n.slot).collect()
                }
            })
            .collect();
        let overfetch_qps = query_count as f64 / started.elapsed().as_secs_f64();
        let overfetch_recall = recall(&found, &truth);
        let (filter_recall, filter_qps) = if share >= 0.1 {
            let started = Instant::now();
            let found: Vec<Vec<u32>> = measured
                .iter()
                .map(|query| {
                    graph
                        .search_filtered(query, k, ef, &accept)
                        .iter()
                        .map(|n| n.slot)
                        .collect()
                })
                .collect();
            let qps = query_count as f64 / started.elapsed().as_secs_f64();
            (
                format!("{:.3}", recall(&found, &truth)),
                format!("{qps:.0}"),
            )
        } else {
            ("-".to_string(), "-".to_string())
        };
        println!(
            "| {share} | {} | {exact_qps:.0} | {overfetch_recall:.3} | {overfetch_qps:.0} | {fallbacks} | {filter_recall} | {filter_qps} |",
            allowed_slots.len(),
        );
    }
    Ok(())
}
