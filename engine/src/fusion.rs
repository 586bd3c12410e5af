//! Hybrid ranking: search modes, rank fusion, business boosts and per-hit explanations.
//!
//! A hybrid search fuses two candidate lists retrieved under the same audience and filters: the
//! lexical top-N (the text query, scored by `query`'s constant weights) and the vector top-N
//! (cosine similarity of the caller's query vector to the products' passage embeddings).
//!
//! * [`Fusion::Rrf`] (the default, `k` = [`DEFAULT_RRF_K`] = 30): reciprocal rank fusion,
//!   `Σ 1 / (k + rank)` over the lists a product is in. It reads ranks only, so it needs no
//!   calibration between lexical scores (a few constant tiers with many ties) and cosine
//!   similarities (a narrow band around 0.8 for E5), and a product found by both lists rises.
//! * [`Fusion::Weighted`]: `alpha · v + (1 − alpha) · l` over the union of both lists, each
//!   list's scores normalised over that list ([`Normalization`]: min-max to `0..=1`, or
//!   z-scores); a product missing from a list scores that list's minimum there. (A
//!   single-valued list normalises to 1, a product missing from it to 0.)
//!
//! With [`HybridParams::rescore_lexical`] (the default) every lexical candidate gets its cosine
//! similarity from its stored vector, so the vector list ranks the union of both candidate
//! sets, not only what the ANN returned.
//!
//! The defaults were chosen by `cargo run --release -p benches --bin relevance -- --sweep` on
//! the tuning half of the query sets (split by a hash of the query id), and are reported on the
//! held-out half: on the kids' golden set RRF with re-scoring led every weighted setting tried
//! (min-max alpha 0.2–0.7 best 0.856, z-score best 0.857, RRF k=30 0.881 on the tuning half),
//! and re-scoring added 0.006 NDCG@10.

//! Business signals then scale the fused score by small, bounded factors, so they reorder near
//! ties but never lift a weak match over a strong one:
//! `final = fused · (1 + in_stock + rating + popularity)` with
//! * in stock: [`IN_STOCK_BOOST`] (5%) when a variant is in stock;
//! * rating: up to [`RATING_BOOST_MAX`] (4%), from the Bayesian average rating (prior
//!   [`RATING_PRIOR_MEAN`] over [`RATING_PRIOR_COUNT`] ratings, so three 5-star ratings do
//!   not beat three hundred 4.8s), mapped from 1..5 to 0..1;
//! * popularity: up to [`POPULARITY_BOOST_MAX`] (3%), `ln(1 + sold) / ln(1 + 10 000)`, capped.
//!
//! [`HitExplain`] reports each component as an amount of score, so they sum to the final score.

use serde::Serialize;
use std::collections::HashMap;
use std::hash::Hash;

/// Candidates taken from the vector list of a semantic or hybrid search (more when the
/// requested page is deeper).
pub const HYBRID_CANDIDATES: usize = 100;
/// Candidates taken from the lexical list of a hybrid search (more when the requested page is
/// deeper): chosen by `relevance --sweep` (50, 100, 200 and 400 compared).
pub const HYBRID_LEXICAL_CANDIDATES: usize = 200;
/// The default `k` of reciprocal rank fusion: 30, chosen on the tuning half of the kids'
/// golden set by `relevance --sweep` (Cormack et al.'s 60 scored 0.001 less there).
pub const DEFAULT_RRF_K: u32 = 30;
/// The default vector weight of weighted fusion.
pub const DEFAULT_ALPHA: f32 = 0.5;
/// Boost of a product with a variant in stock.
pub const IN_STOCK_BOOST: f64 = 0.05;
/// Largest rating boost (a perfect Bayesian average).
pub const RATING_BOOST_MAX: f64 = 0.04;
/// Prior mean of the Bayesian average rating.
pub const RATING_PRIOR_MEAN: f64 = 3.5;
/// Weight of the prior, in ratings.
pub const RATING_PRIOR_COUNT: f64 = 5.0;
/// Largest popularity boost.
pub const POPULARITY_BOOST_MAX: f64 = 0.03;
/// Units sold at which the popularity boost saturates.
pub const POPULARITY_SATURATION: f64 = 10_000.0;

/// How results are retrieved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SearchMode {
    /// The text query alone (the tantivy index); no query vector needed.
    #[default]
    Lexical,
    /// The query vector alone: nearest products by cosine similarity, under the filters.
    Semantic,
    /// Both, fused (see [`Fusion`]) and boosted by business signals.
    Hybrid,
}

impl SearchMode {
    /// Every mode.
    pub const ALL: [SearchMode; 3] = [Self::Lexical, Self::Semantic, Self::Hybrid];

    /// Returns the stable API name (`lexical`, `semantic`, `hybrid`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Lexical => "lexical",
            Self::Semantic => "semantic",
            Self::Hybrid => "hybrid",
        }
    }

    /// Parses a name produced by [`SearchMode::name`].
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|mode| mode.name() == name)
    }

    /// Returns whether the mode needs a query vector.
    pub fn needs_vector(self) -> bool {
        match self {
            Self::Lexical => false,
            Self::Semantic | Self::Hybrid => true,
        }
    }
}

/// How a hybrid search fuses its lexical and vector lists.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fusion {
    /// Reciprocal rank fusion: `Σ 1 / (k + rank)`, ranks from 1.
    Rrf {
        /// The rank offset; larger values flatten the head of each list.
        k: u32,
    },
    /// `alpha · vector + (1 − alpha) · lexical`, each min-max normalised over its list.
    Weighted {
        /// The vector side's weight, `0..=1`.
        alpha: f32,
    },
}

impl Default for Fusion {
    fn default() -> Self {
        Self::Rrf { k: DEFAULT_RRF_K }
    }
}

/// Why a hit ranks where it does: each part of its score.
///
/// In lexical mode only the lexical part is filled, and the final score is the lexical score.
/// Otherwise `fused + in_stock_boost + rating_boost + popularity_boost = final_score`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HitExplain {
    /// The lexical score, when the product is among the lexical candidates.
    pub lexical_score: Option<f32>,
    /// Its 1-based rank in the lexical list.
    pub lexical_rank: Option<u32>,
    /// The cosine similarity to the query vector, when among the vector candidates.
    pub vector_similarity: Option<f32>,
    /// Its 1-based rank in the vector list.
    pub vector_rank: Option<u32>,
    /// The fused score (RRF or weighted), before boosts.
    pub fused: f64,
    /// Score added for being in stock.
    pub in_stock_boost: f64,
    /// Score added for the rating.
    pub rating_boost: f64,
    /// Score added for popularity.
    pub popularity_boost: f64,
    /// The score the hit is ranked by.
    pub final_score: f64,
}

/// A product in the fused list.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Fused<K> {
    pub(crate) key: K,
    /// (score, 1-based rank) in the lexical list.
    pub(crate) lexical: Option<(f32, u32)>,
    /// (similarity, 1-based rank) in the vector list.
    pub(crate) vector: Option<(f32, u32)>,
    pub(crate) fused: f64,
}

/// How weighted fusion puts a list's scores on a common scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Normalization {
    /// `(s − min) / (max − min)`, so `0..=1`.
    MinMax,
    /// `(s − mean) / standard deviation`.
    ZScore,
}

/// Engine-wide tuning of semantic and hybrid retrieval (see [`crate::Engine::set_hybrid_params`]).
/// The defaults are the ones the relevance evaluation chose (`benches --bin relevance`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HybridParams {
    /// Lexical candidates fused (more when the requested page is deeper).
    pub lexical_candidates: usize,
    /// Vector (ANN) candidates fused (more when the requested page is deeper).
    pub vector_candidates: usize,
    /// Whether every lexical candidate gets its cosine similarity from its stored vector, not
    /// only those the vector search returned: the vector list is then the union of both
    /// candidate sets ranked by similarity.
    pub rescore_lexical: bool,
    /// How weighted fusion normalises each list.
    pub normalization: Normalization,
}

impl Default for HybridParams {
    fn default() -> Self {
        Self {
            lexical_candidates: HYBRID_LEXICAL_CANDIDATES,
            vector_candidates: HYBRID_CANDIDATES,
            rescore_lexical: true,
            normalization: Normalization::MinMax,
        }
    }
}

/// Normalises one list's scores; also returns the normalised score of a product missing from
/// the list: the list's minimum (so for min-max 0). A list whose scores are all equal carries
/// no order, only membership: its members normalise to 1, a missing product to 0.
pub(crate) fn normalize(scores: &[f32], normalization: Normalization) -> (Vec<f64>, f64) {
    let (min, max) = scores
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(min, max), s| {
            (min.min(f64::from(*s)), max.max(f64::from(*s)))
        });
    let span = max - min;
    if span.is_nan() || span <= 0.0 {
        return (vec![1.0; scores.len()], 0.0);
    }
    match normalization {
        Normalization::MinMax => (
            scores
                .iter()
                .map(|score| (f64::from(*score) - min) / span)
                .collect(),
            0.0,
        ),
        Normalization::ZScore => {
            let n = scores.len() as f64;
            let mean = scores.iter().map(|s| f64::from(*s)).sum::<f64>() / n;
            let variance = scores
                .iter()
                .map(|s| (f64::from(*s) - mean).powi(2))
                .sum::<f64>()
                / n;
            let deviation = variance.sqrt().max(f64::MIN_POSITIVE);
            (
                scores
                    .iter()
                    .map(|score| (f64::from(*score) - mean) / deviation)
                    .collect(),
                (min - mean) / deviation,
            )
        }
    }
}

/// Fuses a lexical and a vector list (each best first, keys unique within a list) into one
/// list, best first; ties keep the order of first appearance (lexical, then vector).
///
/// Weighted fusion runs over the union of the two lists: a product missing from one list
/// scores that list's minimum there (see [`normalize`]).
pub(crate) fn fuse<K: Copy + Eq + Hash>(
    lexical: &[(K, f32)],
    vector: &[(K, f32)],
    fusion: Fusion,
    normalization: Normalization,
) -> Vec<Fused<K>> {
    let mut fused: Vec<Fused<K>> = Vec::with_capacity(lexical.len() + vector.len());
    let mut positions: HashMap<K, usize> = HashMap::with_capacity(lexical.len() + vector.len());
    // Each list's part of a member's score, and the part of a product missing from it.
    let (lexical_parts, lexical_missing, vector_parts, vector_missing): (
        Vec<f64>,
        f64,
        Vec<f64>,
        f64,
    ) = match fusion {
        Fusion::Rrf { k } => {
            let rrf = |rank: usize| 1.0 / (f64::from(k) + rank as f64 + 1.0);
            (
                (0..lexical.len()).map(rrf).collect(),
                0.0,
                (0..vector.len()).map(rrf).collect(),
                0.0,
            )
        }
        Fusion::Weighted { alpha } => {
            let alpha = f64::from(alpha);
            let scores = |list: &[(K, f32)]| list.iter().map(|(_, s)| *s).collect::<Vec<f32>>();
            let (lexical_norm, lexical_missing) = normalize(&scores(lexical), normalization);
            let (vector_norm, vector_missing) = normalize(&scores(vector), normalization);
            (
                lexical_norm
                    .into_iter()
                    .map(|n| (1.0 - alpha) * n)
                    .collect(),
                (1.0 - alpha) * lexical_missing,
                vector_norm.into_iter().map(|n| alpha * n).collect(),
                alpha * vector_missing,
            )
        }
    };
    for (rank, ((key, score), part)) in lexical.iter().zip(lexical_parts).enumerate() {
        positions.entry(*key).or_insert_with(|| {
            fused.push(Fused {
                key: *key,
                lexical: Some((*score, rank as u32 + 1)),
                vector: None,
                fused: part,
            });
            fused.len() - 1
        });
    }
    let mut in_vector = vec![false; fused.len()];
    for (rank, ((key, similarity), part)) in vector.iter().zip(vector_parts).enumerate() {
        match positions.get(key) {
            Some(position) => {
                let entry = &mut fused[*position];
                if entry.vector.is_none() {
                    entry.vector = Some((*similarity, rank as u32 + 1));
                    entry.fused += part;
                    if let Some(flag) = in_vector.get_mut(*position) {
                        *flag = true;
                    }
                }
            }
            None => {
                positions.insert(*key, fused.len());
                fused.push(Fused {
                    key: *key,
                    lexical: None,
                    vector: Some((*similarity, rank as u32 + 1)),
                    fused: part + lexical_missing,
                });
            }
        }
    }
    // Lexical candidates the vector list lacks score its minimum there.
    for (entry, found) in fused.iter_mut().zip(&in_vector) {
        if !found {
            entry.fused += vector_missing;
        }
    }
    // Stable: equal scores keep first-appearance order.
    fused.sort_by(|a, b| b.fused.total_cmp(&a.fused));
    fused
}

/// The business signals of a product.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Signals {
    pub(crate) in_stock: bool,
    pub(crate) rating: f64,
    pub(crate) rating_count: u64,
    pub(crate) popularity: u64,
}

/// The boost factors of a product (each a share of the fused score).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Boosts {
    pub(crate) in_stock: f64,
    pub(crate) rating: f64,
    pub(crate) popularity: f64,
}

/// Computes the boost factors of a product's signals.
pub(crate) fn boosts(signals: Signals) -> Boosts {
    let count = signals.rating_count as f64;
    let rating = if signals.rating.is_finite() {
        signals.rating.clamp(0.0, 5.0)
    } else {
        0.0
    };
    let bayesian =
        (rating * count + RATING_PRIOR_MEAN * RATING_PRIOR_COUNT) / (count + RATING_PRIOR_COUNT);
    let popularity =
        ((signals.popularity as f64).ln_1p() / POPULARITY_SATURATION.ln_1p()).clamp(0.0, 1.0);
    Boosts {
        in_stock: if signals.in_stock {
            IN_STOCK_BOOST
        } else {
            0.0
        },
        rating: RATING_BOOST_MAX * ((bayesian - 1.0) / 4.0).clamp(0.0, 1.0),
        popularity: POPULARITY_BOOST_MAX * popularity,
    }
}

/// Applies boosts to a fused entry and explains the result.
pub(crate) fn explain<K>(entry: &Fused<K>, boosts: Boosts) -> HitExplain {
    let in_stock_boost = entry.fused * boosts.in_stock;
    let rating_boost = entry.fused * boosts.rating;
    let popularity_boost = entry.fused * boosts.popularity;
    HitExplain {
        lexical_score: entry.lexical.map(|(score, _)| score),
        lexical_rank: entry.lexical.map(|(_, rank)| rank),
        vector_similarity: entry.vector.map(|(similarity, _)| similarity),
        vector_rank: entry.vector.map(|(_, rank)| rank),
        fused: entry.fused,
        in_stock_boost,
        rating_boost,
        popularity_boost,
        final_score: entry.fused + in_stock_boost + rating_boost + popularity_boost,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn rrf_adds_reciprocal_ranks() {
        let lexical = [("a", 9.0), ("b", 5.0), ("c", 1.0)];
        let vector = [("c", 0.9), ("d", 0.8), ("a", 0.7)];
        let fused = fuse(
            &lexical,
            &vector,
            Fusion::Rrf { k: 60 },
            Normalization::MinMax,
        );
        let score = |key| fused.iter().find(|f| f.key == key).unwrap().fused;
        assert!(close(score("a"), 1.0 / 61.0 + 1.0 / 63.0));
        assert!(close(score("b"), 1.0 / 62.0));
        assert!(close(score("c"), 1.0 / 63.0 + 1.0 / 61.0));
        assert!(close(score("d"), 1.0 / 62.0));
        // a and c tie: a first (it appeared first); then b and d tie likewise.
        let order: Vec<&str> = fused.iter().map(|f| f.key).collect();
        assert_eq!(order, vec!["a", "c", "b", "d"]);
        let c = fused.iter().find(|f| f.key == "c").unwrap();
        assert_eq!(c.lexical, Some((1.0, 3)));
        assert_eq!(c.vector, Some((0.9, 1)));
    }

    #[test]
    fn weighted_fusion_normalises_each_list() {
        // Scores arrive as f32: compare at f32 precision.
        let close = |a: f64, b: f64| (a - b).abs() < 1e-6;
        let lexical = [("a", 10.0), ("b", 6.0), ("c", 2.0)];
        let vector = [("b", 0.9), ("d", 0.85), ("a", 0.7)];
        let fused = fuse(
            &lexical,
            &vector,
            Fusion::Weighted { alpha: 0.25 },
            Normalization::MinMax,
        );
        let score = |key| fused.iter().find(|f| f.key == key).unwrap().fused;
        // lexical: a 1, b 0.5, c 0; vector: b 1, d 0.75, a 0.
        assert!(close(score("a"), 0.75 * 1.0 + 0.25 * 0.0));
        assert!(close(score("b"), 0.75 * 0.5 + 0.25 * 1.0));
        assert!(close(score("c"), 0.0));
        assert!(close(score("d"), 0.25 * 0.75));
        assert_eq!(
            fused.iter().map(|f| f.key).collect::<Vec<_>>(),
            vec!["a", "b", "d", "c"]
        );
        assert_eq!(
            normalize(&[3.0, 3.0], Normalization::MinMax),
            (vec![1.0, 1.0], 0.0)
        );
        assert!(normalize(&[], Normalization::MinMax).0.is_empty());
        // alpha 1: lexical does not count.
        let vector_only = fuse(
            &lexical,
            &vector,
            Fusion::Weighted { alpha: 1.0 },
            Normalization::MinMax,
        );
        assert_eq!(vector_only[0].key, "b");
    }

    #[test]
    fn z_scores_and_a_missing_product_scores_the_list_minimum() {
        let close = |a: f64, b: f64| (a - b).abs() < 1e-6;
        // mean 2, deviation sqrt(2/3)
        let (z, missing) = normalize(&[3.0, 2.0, 1.0], Normalization::ZScore);
        let deviation = (2.0f64 / 3.0).sqrt();
        assert!(close(z[0], 1.0 / deviation));
        assert!(close(z[1], 0.0));
        assert!(close(z[2], -1.0 / deviation));
        assert!(close(missing, z[2]), "missing scores the minimum");
        assert_eq!(
            normalize(&[0.5, 0.5], Normalization::ZScore),
            (vec![1.0, 1.0], 0.0)
        );
        // "c" is only lexical, "d" only vector: each scores the other list's minimum there.
        let lexical = [("a", 3.0), ("b", 2.0), ("c", 1.0)];
        let vector = [("b", 0.9), ("a", 0.8), ("d", 0.7)];
        let fused = fuse(
            &lexical,
            &vector,
            Fusion::Weighted { alpha: 0.5 },
            Normalization::ZScore,
        );
        let score = |key| fused.iter().find(|f| f.key == key).unwrap().fused;
        let (lz, lmin) = normalize(&[3.0, 2.0, 1.0], Normalization::ZScore);
        let (vz, vmin) = normalize(&[0.9, 0.8, 0.7], Normalization::ZScore);
        assert!(close(score("a"), 0.5 * lz[0] + 0.5 * vz[1]));
        assert!(close(score("c"), 0.5 * lz[2] + 0.5 * vmin));
        assert!(close(score("d"), 0.5 * lmin + 0.5 * vz[2]));
        assert_eq!(fused[0].key, "a");
        assert_eq!(fused.last().map(|f| f.key), Some("d"));
    }

    #[test]
    fn boosts_are_small_bounded_and_sum_in_the_explanation() {
        let none = boosts(Signals {
            in_stock: false,
            rating: 0.0,
            rating_count: 0,
            popularity: 0,
        });
        assert_eq!(none.in_stock, 0.0);
        assert_eq!(none.popularity, 0.0);
        // Unrated: the prior, (3.5 - 1) / 4 of the maximum.
        assert!(close(none.rating, RATING_BOOST_MAX * 0.625));
        let best = boosts(Signals {
            in_stock: true,
            rating: 5.0,
            rating_count: 1_000_000,
            popularity: u64::MAX,
        });
        assert!(best.rating <= RATING_BOOST_MAX && best.rating > 0.0399);
        assert!(close(best.popularity, POPULARITY_BOOST_MAX));
        assert!(best.in_stock + best.rating + best.popularity <= 0.12 + 1e-12);
        // Few perfect ratings weigh less than many good ones.
        let few = boosts(Signals {
            rating: 5.0,
            rating_count: 3,
            ..Signals {
                in_stock: true,
                rating: 0.0,
                rating_count: 0,
                popularity: 0,
            }
        });
        let many = boosts(Signals {
            rating: 4.8,
            rating_count: 300,
            ..Signals {
                in_stock: true,
                rating: 0.0,
                rating_count: 0,
                popularity: 0,
            }
        });
        assert!(few.rating < many.rating);
        let entry = Fused {
            key: 1,
            lexical: Some((3.0, 2)),
            vector: None,
            fused: 0.02,
        };
        let explained = explain(&entry, best);
        let sum = explained.fused
            + explained.in_stock_boost
            + explained.rating_boost
            + explained.popularity_boost;
        assert!(close(sum, explained.final_score));
        assert_eq!(explained.lexical_rank, Some(2));
        assert_eq!(explained.vector_rank, None);
    }

    #[test]
    fn modes_round_trip_their_names() {
        for mode in SearchMode::ALL {
            assert_eq!(SearchMode::parse(mode.name()), Some(mode));
        }
        assert_eq!(SearchMode::parse("vector"), None);
    }
}
