//! Real multilingual-e5 vectors of the generated catalogue's passages and of the benchmark
//! query mix, through the on-disk cache under `~/.cache/bolajon/eval/` (see
//! [`indexer::catalog_vectors`]).

use crate::relevance;
use anyhow::{Context, Result};
use indexer::catalog_vectors::{CatalogPassages, eval_cache_dir};
use models::{E5Embedder, Embedder, TextKind};
use std::path::PathBuf;
use std::time::Instant;

/// Passages embedded per call (and per appended chunk of the cache file).
const EMBED_CHUNK: usize = 64;

/// The dimension of multilingual-e5-small's vectors.
pub const E5_DIMENSION: usize = 384;

/// Returns the sha256 of the pinned e5 weights (the cache key's model part).
pub fn e5_sha256() -> Result<&'static str> {
    models::manifest::MULTILINGUAL_E5_SMALL
        .file(models::manifest::E5_WEIGHTS_FILE)
        .map(|file| file.sha256)
        .context("the e5 weights are not in the manifest")
}

/// Loads multilingual-e5-small from the model cache (fetching it when missing), with the
/// query cache off.
pub fn load_e5() -> Result<E5Embedder> {
    let cache_dir = std::env::var_os("BOLAJON_MODELS_DIR")
        .map(PathBuf::from)
        .or_else(models::fetch::default_cache_dir)
        .context("no model cache directory: set BOLAJON_MODELS_DIR or HOME")?;
    models::fetch::fetch_model(
        &cache_dir,
        &models::manifest::MULTILINGUAL_E5_SMALL,
        &|_| {},
    )?;
    Ok(E5Embedder::from_cache(&cache_dir)
        .context("loading multilingual-e5-small (run `cargo run -p storefront -- models fetch`)")?
        .with_query_cache(0))
}

/// The catalogue's distinct passages and their vectors (rows of [`E5_DIMENSION`]).
pub struct CatalogVectors {
    /// The approved documents and distinct passages.
    pub passages: CatalogPassages,
    /// One unit vector per distinct passage, back to back.
    pub vectors: Vec<f32>,
    /// The cache file they came from.
    pub path: PathBuf,
}

/// How [`catalog_vectors`] gets the vectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// From the finished cache, embedding what is missing first.
    Compute,
    /// From the finished cache only.
    Cached,
    /// From the finished cache, else from an unfinished one (`.partial`): the passages
    /// embedded so far (the shortest first), fewer than all.
    AllowPartial,
}

/// Returns the passage vectors of `datasets::generate(seed, products)`: from the cache, or,
/// as `source` says, embedding what is missing (resumably, logging progress to stderr) or
/// taking the passages embedded so far (`vectors` then covers the first rows only).
pub fn catalog_vectors(seed: u64, products: usize, source: Source) -> Result<CatalogVectors> {
    let compute = source == Source::Compute;
    let started = Instant::now();
    let catalog = datasets::generate(seed, products);
    let passages = CatalogPassages::new(&catalog)?;
    drop(catalog);
    eprintln!(
        "catalogue {products} (seed {seed}): {} approved products, {} distinct passages ({:.1} s)",
        passages.docs.len(),
        passages.texts.len(),
        started.elapsed().as_secs_f64()
    );
    let dir = eval_cache_dir().context("HOME is not set")?;
    let path = passages.cache_file(&dir, e5_sha256()?);
    let partial = path.with_extension("partial");
    if !path.is_file() && source == Source::AllowPartial && partial.is_file() {
        let bytes = std::fs::read(&partial)?;
        let rows = bytes.len() / (E5_DIMENSION * 4);
        let vectors: Vec<f32> = bytes[..rows * E5_DIMENSION * 4]
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        eprintln!(
            "using the unfinished cache {}: {rows} of {} passages embedded so far (shortest first)",
            partial.display(),
            passages.texts.len()
        );
        return Ok(CatalogVectors {
            passages,
            vectors,
            path: partial,
        });
    }
    if !path.is_file() {
        anyhow::ensure!(
            compute,
            "{} is missing: run `cargo run --release -p benches --bin embed-catalog -- --products {products}` first",
            path.display()
        );
        let e5 = load_e5()?;
        let texts: Vec<&str> = passages.texts.iter().map(String::as_str).collect();
        let started = Instant::now();
        let resumed_from = std::fs::metadata(path.with_extension("partial"))
            .map(|m| m.len() as usize / (E5_DIMENSION * 4))
            .unwrap_or(0);
        relevance::cached_embeddings(
            &path,
            &texts,
            E5_DIMENSION,
            EMBED_CHUNK,
            &|chunk| Ok(e5.embed(TextKind::Passage, chunk)?),
            &|done, total| {
                let seconds = started.elapsed().as_secs_f64().max(1e-9);
                let rate = (done.saturating_sub(resumed_from)) as f64 / seconds;
                let left = (total - done) as f64 / rate.max(1e-9);
                eprintln!(
                    "embedded {done}/{total} passages, {rate:.1}/s this run, about {:.0} min left",
                    left / 60.0
                );
            },
        )?;
    }
    let vectors = passages.read_vectors(&path, E5_DIMENSION)?;
    Ok(CatalogVectors {
        passages,
        vectors,
        path,
    })
}

/// Returns the distinct texts of the benchmark query mix (`bench_queries(seed, count)`) and
/// their e5 query vectors, through the same cache.
pub fn query_vectors(seed: u64, count: usize) -> Result<(Vec<String>, Vec<f32>)> {
    let mut texts: Vec<String> = datasets::queries::bench_queries(seed, count)
        .into_iter()
        .map(|query| query.q)
        .filter(|q| !q.trim().is_empty())
        .collect();
    texts.sort_unstable();
    texts.dedup();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let digest = relevance::texts_digest(refs.iter().copied());
    let dir = eval_cache_dir().context("HOME is not set")?;
    let path = dir.join(format!(
        "benchmix-query-e5-{}-{}.f32",
        &e5_sha256()?[..16],
        &digest[..16]
    ));
    let vectors = if path.is_file() {
        relevance::cached_embeddings(
            &path,
            &refs,
            E5_DIMENSION,
            EMBED_CHUNK,
            &|_| anyhow::bail!("cached query vectors are incomplete"),
            &|_, _| {},
        )?
    } else {
        let e5 = load_e5()?;
        relevance::cached_embeddings(
            &path,
            &refs,
            E5_DIMENSION,
            EMBED_CHUNK,
            &|chunk| Ok(e5.embed(TextKind::Query, chunk)?),
            &|_, _| {},
        )?
    };
    Ok((texts, vectors.into_iter().flatten().collect()))
}
