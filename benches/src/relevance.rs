//! Relevance evaluation: graded judgements, the ranking metrics (NDCG@10, MRR, recall@100), the
//! Home Depot product-search set read at run time, and an on-disk cache of passage embeddings.
//!
//! Every system (bolajon's modes and the peers) is scored by the same functions here, from the
//! ranked product ids it returned per query.

use anyhow::{Context, Result, bail};
use std::collections::HashMap;
use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};

/// Cut-off of NDCG.
pub const NDCG_DEPTH: usize = 10;
/// Cut-off of recall.
pub const RECALL_DEPTH: usize = 100;

/// Graded judgements of one query: product id → gain (0 = irrelevant).
pub type Judgements = HashMap<u64, f64>;

/// A judged query.
#[derive(Debug, Clone)]
pub struct JudgedQuery {
    /// Stable identifier.
    pub id: String,
    /// The text as a shopper typed it.
    pub text: String,
    /// Gains of the judged products; unjudged products gain 0.
    pub judgements: Judgements,
}

/// Returns NDCG at `depth` with linear gains; `None` when no judged product has a positive gain
/// (the ideal ranking scores 0, so the query cannot tell systems apart).
pub fn ndcg(ranked: &[u64], judgements: &Judgements, depth: usize) -> Option<f64> {
    let discount = |rank: usize| 1.0 / ((rank + 2) as f64).log2();
    let dcg: f64 = ranked
        .iter()
        .take(depth)
        .enumerate()
        .map(|(rank, id)| judgements.get(id).copied().unwrap_or(0.0) * discount(rank))
        .sum();
    let mut ideal: Vec<f64> = judgements.values().copied().filter(|g| *g > 0.0).collect();
    ideal.sort_by(|a, b| b.total_cmp(a));
    let idcg: f64 = ideal
        .iter()
        .take(depth)
        .enumerate()
        .map(|(rank, gain)| gain * discount(rank))
        .sum();
    (idcg > 0.0).then(|| dcg / idcg)
}

/// Returns the reciprocal rank of the first product whose gain reaches `relevant_gain`
/// (0 when none is ranked).
pub fn reciprocal_rank(ranked: &[u64], judgements: &Judgements, relevant_gain: f64) -> f64 {
    ranked
        .iter()
        .position(|id| {
            judgements
                .get(id)
                .is_some_and(|gain| *gain >= relevant_gain)
        })
        .map_or(0.0, |rank| 1.0 / (rank + 1) as f64)
}

/// Returns the share of products with a gain of at least `relevant_gain` found in the first
/// `depth` ranks; `None` when there are none.
pub fn recall(
    ranked: &[u64],
    judgements: &Judgements,
    relevant_gain: f64,
    depth: usize,
) -> Option<f64> {
    let relevant = judgements
        .values()
        .filter(|gain| **gain >= relevant_gain)
        .count();
    if relevant == 0 {
        return None;
    }
    let found = ranked
        .iter()
        .take(depth)
        .filter(|id| {
            judgements
                .get(id)
                .is_some_and(|gain| *gain >= relevant_gain)
        })
        .count();
    Some(found as f64 / relevant as f64)
}

/// Mean metrics of one system over a query set.
#[derive(Debug, Clone, Copy, Default)]
pub struct Metrics {
    /// Mean NDCG@10 over the queries with a positive ideal.
    pub ndcg10: f64,
    /// Mean reciprocal rank of the first relevant product.
    pub mrr: f64,
    /// Mean recall@100 of the relevant products.
    pub recall100: f64,
    /// Mean number of judged products among the first 10 (unjudged ones count as gain 0).
    pub judged10: f64,
    /// Queries NDCG was averaged over.
    pub queries: usize,
}

/// Scores `runs` (query id → ranked product ids) against `queries`. A product is relevant for
/// MRR and recall when its gain is at least `relevant_gain`. A query missing from `runs` is
/// scored as an empty ranking.
pub fn evaluate(
    queries: &[JudgedQuery],
    runs: &HashMap<String, Vec<u64>>,
    relevant_gain: f64,
) -> Metrics {
    let empty = Vec::new();
    let (mut ndcg_sum, mut ndcg_n) = (0.0, 0usize);
    let (mut rr_sum, mut rr_n) = (0.0, 0usize);
    let (mut recall_sum, mut recall_n) = (0.0, 0usize);
    let mut judged_sum = 0.0;
    for query in queries {
        let ranked = runs.get(&query.id).unwrap_or(&empty);
        if let Some(value) = ndcg(ranked, &query.judgements, NDCG_DEPTH) {
            ndcg_sum += value;
            ndcg_n += 1;
        }
        if let Some(value) = recall(ranked, &query.judgements, relevant_gain, RECALL_DEPTH) {
            recall_sum += value;
            recall_n += 1;
            rr_sum += reciprocal_rank(ranked, &query.judgements, relevant_gain);
            rr_n += 1;
        }
        judged_sum += ranked
            .iter()
            .take(NDCG_DEPTH)
            .filter(|id| query.judgements.contains_key(id))
            .count() as f64;
    }
    let mean = |sum: f64, n: usize| if n == 0 { 0.0 } else { sum / n as f64 };
    Metrics {
        ndcg10: mean(ndcg_sum, ndcg_n),
        mrr: mean(rr_sum, rr_n),
        recall100: mean(recall_sum, recall_n),
        judged10: mean(judged_sum, queries.len()),
        queries: ndcg_n,
    }
}

/// Reads a CSV file with a header row (RFC 4180 quoting) into records of fields.
pub fn read_csv(path: &Path) -> Result<Vec<Vec<String>>> {
    let mut text = String::new();
    BufReader::new(
        std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?,
    )
    .read_to_string(&mut text)
    .with_context(|| format!("reading {}", path.display()))?;
    let records = parse_csv(&text);
    if records.is_empty() {
        bail!("{} has no header row", path.display());
    }
    Ok(records.into_iter().skip(1).collect())
}

/// Parses CSV text (quotes, doubled quotes, CRLF or LF) into records.
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            ',' => record.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            _ => field.push(c),
        }
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    records
}

/// The Home Depot product-search set (dev split): titles, queries and graded judgements.
#[derive(Debug)]
pub struct HomeDepot {
    /// `(product_uid, title)`, in file order.
    pub products: Vec<(u64, String)>,
    /// The dev queries with their judgements (gain = relevance − 1, so 0 to 2).
    pub queries: Vec<JudgedQuery>,
    /// Where the files were read from.
    pub dir: PathBuf,
}

/// Gain from which a Home Depot product counts as relevant for MRR and recall: relevance 2
/// ("partially relevant") or more on the 1–3 scale.
pub const HOMEDEPOT_RELEVANT_GAIN: f64 = 1.0;

impl HomeDepot {
    /// The folder the evaluation reads by default: `shared/datasets/homedepot_product_search`
    /// beside the repository.
    pub fn default_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/datasets/homedepot_product_search")
    }

    /// Reads `products.csv`, `queries.csv` and `qrels.csv` from `dir`; fails with a message
    /// naming the folder when they are absent (the data is never part of the repository).
    pub fn load(dir: &Path) -> Result<Self> {
        for name in ["products.csv", "queries.csv", "qrels.csv"] {
            if !dir.join(name).is_file() {
                bail!(
                    "the Home Depot product-search data is not at {} (missing {name}); pass \
                     --homedepot DIR with products.csv, queries.csv and qrels.csv, or --no-homedepot",
                    dir.display()
                );
            }
        }
        let products = read_csv(&dir.join("products.csv"))?
            .into_iter()
            .map(|row| match row.as_slice() {
                [uid, title] => Ok((uid.parse::<u64>().context("product_uid")?, title.clone())),
                _ => bail!("products.csv: expected 2 fields, got {}", row.len()),
            })
            .collect::<Result<Vec<_>>>()?;
        let mut judgements: HashMap<String, Judgements> = HashMap::new();
        for row in read_csv(&dir.join("qrels.csv"))? {
            let [_, query_id, uid, relevance] = row.as_slice() else {
                bail!("qrels.csv: expected 4 fields, got {}", row.len());
            };
            let relevance: f64 = relevance.parse().context("relevance")?;
            judgements
                .entry(query_id.clone())
                .or_default()
                .insert(uid.parse().context("product_uid")?, relevance - 1.0);
        }
        let queries = read_csv(&dir.join("queries.csv"))?
            .into_iter()
            .map(|row| match row.as_slice() {
                [id, text] => Ok(JudgedQuery {
                    judgements: judgements.remove(id).unwrap_or_default(),
                    id: id.clone(),
                    text: text.clone(),
                }),
                _ => bail!("queries.csv: expected 2 fields, got {}", row.len()),
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            products,
            queries,
            dir: dir.to_path_buf(),
        })
    }
}

/// The half of a query set a query belongs to, by a hash of its id: defaults are tuned on
/// [`Half::Tune`] and reported on [`Half::HeldOut`] as well as on the whole set, so a figure
/// never comes only from the queries it was chosen on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Half {
    /// The queries settings are chosen on.
    Tune,
    /// The queries settings are never chosen on.
    HeldOut,
}

/// Returns the half of the query with id `id`: the lowest bit of the first byte of the id's
/// sha256.
pub fn half_of(id: &str) -> Half {
    use sha2::{Digest, Sha256};
    if Sha256::digest(id.as_bytes())[0] & 1 == 0 {
        Half::Tune
    } else {
        Half::HeldOut
    }
}

/// Returns the queries of one half.
pub fn in_half(queries: &[JudgedQuery], half: Half) -> Vec<JudgedQuery> {
    queries
        .iter()
        .filter(|query| half_of(&query.id) == half)
        .cloned()
        .collect()
}

/// Returns the hex sha256 of `texts` (each followed by a NUL), to key a cache of their
/// embeddings.
pub fn texts_digest<'a>(texts: impl IntoIterator<Item = &'a str>) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for text in texts {
        hasher.update(text.as_bytes());
        hasher.update([0u8]);
    }
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Embeds one chunk of texts.
pub type EmbedFn<'a> = dyn Fn(&[&str]) -> Result<Vec<Vec<f32>>> + 'a;

/// Embeds `texts` with `embed` in chunks, keeping the vectors in `path` (raw little-endian f32
/// rows of `dimension`). A finished file is read back instead of recomputing; an unfinished one
/// (`path` + `.partial`) is resumed, so an interrupted run loses at most one chunk.
pub fn cached_embeddings(
    path: &Path,
    texts: &[&str],
    dimension: usize,
    chunk: usize,
    embed: &EmbedFn<'_>,
    progress: &dyn Fn(usize, usize),
) -> Result<Vec<Vec<f32>>> {
    let row_bytes = dimension * 4;
    if path.is_file() {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        if bytes.len() == row_bytes * texts.len() {
            return Ok(rows_of(&bytes, dimension));
        }
        eprintln!("{} has the wrong size: recomputing", path.display());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    let partial = path.with_extension("partial");
    let mut done = std::fs::read(&partial).unwrap_or_default();
    done.truncate(done.len() / row_bytes * row_bytes);
    std::fs::File::create(&partial)
        .and_then(|file| {
            file.set_len(0)?;
            std::io::Write::write_all(&mut &file, &done)
        })
        .with_context(|| format!("writing {}", partial.display()))?;
    let file = std::fs::OpenOptions::new()
        .append(true)
        .open(&partial)
        .with_context(|| format!("opening {}", partial.display()))?;
    let mut file = std::io::BufWriter::new(file);
    let mut start = done.len() / row_bytes;
    while start < texts.len() {
        let end = (start + chunk).min(texts.len());
        let vectors = embed(&texts[start..end])?;
        for vector in &vectors {
            if vector.len() != dimension {
                bail!(
                    "embedder returned {} components, expected {dimension}",
                    vector.len()
                );
            }
            for value in vector {
                file.write_all(&value.to_le_bytes())?;
            }
        }
        file.flush()?;
        start = end;
        progress(start, texts.len());
    }
    drop(file);
    std::fs::rename(&partial, path)
        .with_context(|| format!("renaming {} to {}", partial.display(), path.display()))?;
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(rows_of(&bytes, dimension))
}

fn rows_of(bytes: &[u8], dimension: usize) -> Vec<Vec<f32>> {
    bytes
        .chunks_exact(dimension * 4)
        .map(|row| {
            row.chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged(pairs: &[(u64, f64)]) -> Judgements {
        pairs.iter().copied().collect()
    }

    #[test]
    fn ndcg_is_one_for_the_ideal_order_and_less_otherwise() {
        let j = judged(&[(1, 2.0), (2, 1.0), (3, 0.0)]);
        assert_eq!(ndcg(&[1, 2, 3], &j, 10), Some(1.0));
        let swapped = ndcg(&[2, 1], &j, 10).unwrap_or(1.0);
        let expected = (1.0 + 2.0 / 3f64.log2()) / (2.0 + 1.0 / 3f64.log2());
        assert!(
            (swapped - expected).abs() < 1e-12,
            "{swapped} vs {expected}"
        );
        assert_eq!(ndcg(&[9, 8], &j, 10), Some(0.0));
        assert_eq!(ndcg(&[1], &judged(&[(1, 0.0)]), 10), None);
    }

    #[test]
    fn rank_and_recall_count_only_relevant_products() {
        let j = judged(&[(1, 0.5), (2, 1.5), (3, 2.0)]);
        assert_eq!(reciprocal_rank(&[1, 7, 2], &j, 1.0), 1.0 / 3.0);
        assert_eq!(reciprocal_rank(&[1], &j, 1.0), 0.0);
        assert_eq!(recall(&[3, 1], &j, 1.0, 100), Some(0.5));
        assert_eq!(recall(&[2, 3], &j, 1.0, 1), Some(0.5));
        assert_eq!(recall(&[], &judged(&[(1, 0.5)]), 1.0, 100), None);
    }

    #[test]
    fn halves_split_by_id_hash_roughly_evenly() {
        let ids: Vec<String> = (0..1_000).map(|i| format!("q{i}")).collect();
        let tune = ids.iter().filter(|id| half_of(id) == Half::Tune).count();
        assert!(
            (400..=600).contains(&tune),
            "{tune} of 1000 in the tuning half"
        );
        // Stable: the same id always lands in the same half.
        assert_eq!(half_of("q17"), half_of("q17"));
        let queries: Vec<JudgedQuery> = ids
            .iter()
            .map(|id| JudgedQuery {
                id: id.clone(),
                text: String::new(),
                judgements: Judgements::new(),
            })
            .collect();
        assert_eq!(
            in_half(&queries, Half::Tune).len() + in_half(&queries, Half::HeldOut).len(),
            queries.len()
        );
    }

    #[test]
    fn csv_handles_quotes_commas_and_crlf() {
        let rows = parse_csv("a,b\r\n1,\"x, \"\"y\"\"\"\r\n2,z\n");
        assert_eq!(
            rows,
            vec![
                vec!["a".to_string(), "b".to_string()],
                vec!["1".to_string(), "x, \"y\"".to_string()],
                vec!["2".to_string(), "z".to_string()],
            ]
        );
    }

    #[test]
    fn embeddings_are_cached_and_resumed() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("vectors.f32");
        let texts = ["a", "bb", "ccc"];
        let calls = std::cell::Cell::new(0);
        let embed = |batch: &[&str]| -> Result<Vec<Vec<f32>>> {
            calls.set(calls.get() + 1);
            Ok(batch.iter().map(|t| vec![t.len() as f32, 1.0]).collect())
        };
        let first = cached_embeddings(&path, &texts, 2, 2, &embed, &|_, _| {})?;
        assert_eq!(first, vec![vec![1.0, 1.0], vec![2.0, 1.0], vec![3.0, 1.0]]);
        assert_eq!(calls.get(), 2);
        let again = cached_embeddings(&path, &texts, 2, 2, &embed, &|_, _| {})?;
        assert_eq!(again, first);
        assert_eq!(calls.get(), 2, "a finished cache is read, not recomputed");
        Ok(())
    }
}
