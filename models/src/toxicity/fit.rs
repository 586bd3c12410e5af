//! Fits a head on embeddings by full-batch gradient descent: weighted log-loss plus L2 on the
//! weights (not the intercepts), Adam steps, features standardised during the fit and the
//! standardisation folded into the returned weights. Optional sparse features (the hashed
//! n-grams of [`super::ngrams`]) add a linear term to the logit; they are not standardised
//! (that would make them dense) and carry their own L2 strength.
//!
//! Deterministic: the batch is cut into fixed chunks whose partial gradients are computed in
//! parallel (rayon) and summed in order, and the MLP's initial weights come from a seeded
//! SplitMix64 stream; the same inputs and options give bit-identical weights.

use rayon::prelude::*;

use super::head::{HeadWeights, sigmoid};
use super::ngrams::SparseFeatures;
use crate::{Error, Result};

/// Rows per chunk of the parallel gradient.
const CHUNK_ROWS: usize = 256;

/// The options of a fit.
#[derive(Debug, Clone, PartialEq)]
pub struct FitOptions {
    /// L2 strength on the weights of standardised features.
    pub l2: f64,
    /// L2 strength on the weights of the sparse features, if any.
    pub sparse_l2: f64,
    /// Hidden units: 0 fits a logistic regression, more an MLP with one `tanh` layer.
    pub hidden: usize,
    /// The most Adam steps.
    pub max_iterations: usize,
    /// Adam's step size.
    pub learning_rate: f64,
    /// Stops when every gradient component is smaller than this.
    pub tolerance: f64,
    /// Seeds the MLP's initial weights.
    pub seed: u64,
}

impl FitOptions {
    /// Returns the defaults for a logistic regression with L2 strength `l2`.
    pub fn logistic(l2: f64) -> Self {
        Self {
            l2,
            sparse_l2: l2,
            hidden: 0,
            max_iterations: 3000,
            learning_rate: 0.05,
            tolerance: 1e-6,
            seed: 0,
        }
    }

    /// Returns the defaults for an MLP with `hidden` units, L2 strength `l2` and `seed`.
    pub fn mlp(hidden: usize, l2: f64, seed: u64) -> Self {
        Self {
            l2,
            sparse_l2: l2,
            hidden,
            max_iterations: 3000,
            learning_rate: 0.01,
            tolerance: 1e-6,
            seed,
        }
    }
}

/// What a fit produced.
#[derive(Debug, Clone, PartialEq)]
pub struct FitOutcome {
    /// The weights, over raw features.
    pub weights: HeadWeights,
    /// The weights of the sparse features (empty without them), added to the logit.
    pub sparse_weights: Vec<f32>,
    /// Adam steps taken.
    pub iterations: usize,
    /// The final objective (weighted mean log-loss plus the L2 term).
    pub loss: f64,
    /// The largest gradient component at the end.
    pub gradient_max: f64,
}

/// Fits a head to `features` (one row per text, all of the same dimension), `labels`
/// (true = toxic) and per-row `sample_weights` (any positive scale; they are normalised).
///
/// Fails with [`Error::InvalidInput`] when the inputs are empty, ragged, of different lengths,
/// or hold only one class.
pub fn fit(
    features: &[Vec<f32>],
    labels: &[bool],
    sample_weights: &[f64],
    options: &FitOptions,
) -> Result<FitOutcome> {
    fit_with_sparse(features, None, labels, sample_weights, options)
}

/// Sparse features of every row: `rows[i]` holds `(index, value)` pairs below `dimension`.
#[derive(Debug, Clone, Copy)]
pub struct SparseInput<'a> {
    /// The number of sparse weights.
    pub dimension: usize,
    /// One list of features per row.
    pub rows: &'a [SparseFeatures],
}

/// Like [`fit`], with optional `sparse` features whose linear term is added to the logit
/// (L2 strength [`FitOptions::sparse_l2`]).
///
/// Fails with [`Error::InvalidInput`] also when `sparse` has another number of rows or an
/// index out of its dimension.
pub fn fit_with_sparse(
    features: &[Vec<f32>],
    sparse: Option<SparseInput<'_>>,
    labels: &[bool],
    sample_weights: &[f64],
    options: &FitOptions,
) -> Result<FitOutcome> {
    let invalid = |message: &str| Err(Error::InvalidInput(message.to_owned()));
    if let Some(input) = sparse
        && (input.rows.len() != features.len()
            || input
                .rows
                .iter()
                .flatten()
                .any(|&(i, v)| i as usize >= input.dimension || !v.is_finite()))
    {
        return invalid("sparse features need one row per feature row and indices in range");
    }
    let (sparse_dimension, sparse_rows): (usize, &[SparseFeatures]) =
        sparse.map_or((0, &[]), |input| (input.dimension, input.rows));
    if features.is_empty() || features.len() != labels.len() || labels.len() != sample_weights.len()
    {
        return invalid("fit needs as many labels and weights as feature rows, and at least one");
    }
    let dimension = features[0].len();
    if dimension == 0 || features.iter().any(|row| row.len() != dimension) {
        return invalid("feature rows must share one non-zero dimension");
    }
    if labels.iter().all(|&l| l) || labels.iter().all(|&l| !l) {
        return invalid("fit needs both classes");
    }
    if sample_weights.iter().any(|w| !w.is_finite() || *w < 0.0) {
        return invalid("sample weights must be finite and non-negative");
    }
    let total_weight: f64 = sample_weights.iter().sum();
    if total_weight <= 0.0 {
        return invalid("sample weights sum to zero");
    }
    let standardizer = Standardizer::new(features);
    let data = Data {
        dimension,
        sparse_dimension,
        sparse: sparse_rows,
        z: standardizer.apply(features),
        targets: labels.iter().map(|&l| if l { 1.0 } else { 0.0 }).collect(),
        weights: sample_weights.iter().map(|w| w / total_weight).collect(),
    };
    let k = sparse_dimension;
    if options.hidden == 0 {
        // [w (dimension), sparse (k), b]
        let mut params = vec![0f64; dimension + k + 1];
        let l2: Vec<f64> = (0..params.len())
            .map(|i| {
                if i < dimension {
                    options.l2
                } else if i < dimension + k {
                    options.sparse_l2
                } else {
                    0.0
                }
            })
            .collect();
        let run = adam(&mut params, &l2, options, |p| logistic_gradient(&data, p));
        let (w, rest) = params.split_at(dimension);
        let (sparse_weights, b) = rest.split_at(k);
        let (weights, bias) = standardizer.fold_linear(w, b[0]);
        Ok(FitOutcome {
            weights: HeadWeights::Logistic { weights, bias },
            sparse_weights: sparse_weights.iter().map(|&w| w as f32).collect(),
            iterations: run.iterations,
            loss: run.loss,
            gradient_max: run.gradient_max,
        })
    } else {
        let hidden = options.hidden;
        // [W1 (hidden x dimension), b1, w2, b2, sparse (k)]
        let mut params = vec![0f64; hidden * dimension + 2 * hidden + 1 + k];
        let mut rng = SplitMix64(options.seed);
        let first = (6.0 / (dimension + hidden) as f64).sqrt();
        let second = (6.0 / (hidden + 1) as f64).sqrt();
        for p in &mut params[..hidden * dimension] {
            *p = rng.uniform(first);
        }
        let output = hidden * dimension + hidden;
        for p in &mut params[output..output + hidden] {
            *p = rng.uniform(second);
        }
        let sparse_start = output + hidden + 1;
        let l2: Vec<f64> = (0..params.len())
            .map(|i| {
                if i < hidden * dimension || (output..output + hidden).contains(&i) {
                    options.l2
                } else if i >= sparse_start {
                    options.sparse_l2
                } else {
                    0.0
                }
            })
            .collect();
        let run = adam(&mut params, &l2, options, |p| {
            mlp_gradient(&data, hidden, p)
        });
        let (first_layer, rest) = params.split_at(hidden * dimension);
        let (hidden_bias, rest) = rest.split_at(hidden);
        let (output_weights, rest) = rest.split_at(hidden);
        let (output_bias, sparse_weights) = rest.split_at(1);
        let mut hidden_weights = Vec::with_capacity(hidden);
        let mut folded_bias = Vec::with_capacity(hidden);
        for h in 0..hidden {
            let (w, b) = standardizer.fold_linear(
                &first_layer[h * dimension..(h + 1) * dimension],
                hidden_bias[h],
            );
            hidden_weights.push(w);
            folded_bias.push(b);
        }
        Ok(FitOutcome {
            weights: HeadWeights::Mlp {
                hidden_weights,
                hidden_bias: folded_bias,
                output_weights: output_weights.iter().map(|&w| w as f32).collect(),
                output_bias: output_bias[0] as f32,
            },
            sparse_weights: sparse_weights.iter().map(|&w| w as f32).collect(),
            iterations: run.iterations,
            loss: run.loss,
            gradient_max: run.gradient_max,
        })
    }
}

/// Standardised training data.
struct Data<'a> {
    dimension: usize,
    sparse_dimension: usize,
    /// Empty, or one list per row.
    sparse: &'a [SparseFeatures],
    /// Row-major `[rows][dimension]`.
    z: Vec<f32>,
    targets: Vec<f64>,
    /// Normalised to sum 1.
    weights: Vec<f64>,
}

impl Data<'_> {
    /// Returns the sparse term of row `i`'s logit under `weights`.
    fn sparse_logit(&self, i: usize, weights: &[f64]) -> f64 {
        self.sparse.get(i).map_or(0.0, |row| {
            row.iter()
                .map(|&(j, v)| weights[j as usize] * f64::from(v))
                .sum()
        })
    }

    /// Adds `g` times row `i`'s sparse features to `grad`.
    fn add_sparse_gradient(&self, i: usize, g: f64, grad: &mut [f64]) {
        if let Some(row) = self.sparse.get(i) {
            for &(j, v) in row {
                grad[j as usize] += g * f64::from(v);
            }
        }
    }

    fn chunks(&self) -> impl IndexedParallelIterator<Item = (usize, &[f32])> {
        self.z
            .par_chunks(CHUNK_ROWS * self.dimension)
            .enumerate()
            .map(|(c, rows)| (c * CHUNK_ROWS, rows))
    }
}

/// Per-feature mean and standard deviation.
struct Standardizer {
    mean: Vec<f64>,
    scale: Vec<f64>,
}

impl Standardizer {
    fn new(features: &[Vec<f32>]) -> Self {
        let dimension = features[0].len();
        let n = features.len() as f64;
        let mut mean = vec![0f64; dimension];
        for row in features {
            for (m, &x) in mean.iter_mut().zip(row) {
                *m += f64::from(x);
            }
        }
        mean.iter_mut().for_each(|m| *m /= n);
        let mut variance = vec![0f64; dimension];
        for row in features {
            for ((v, &x), m) in variance.iter_mut().zip(row).zip(&mean) {
                let d = f64::from(x) - m;
                *v += d * d;
            }
        }
        let scale = variance
            .into_iter()
            .map(|v| (v / n).sqrt().max(1e-6))
            .collect();
        Self { mean, scale }
    }

    fn apply(&self, features: &[Vec<f32>]) -> Vec<f32> {
        let mut z = Vec::with_capacity(features.len() * self.mean.len());
        for row in features {
            for ((&x, m), s) in row.iter().zip(&self.mean).zip(&self.scale) {
                z.push(((f64::from(x) - m) / s) as f32);
            }
        }
        z
    }

    /// Turns `w · z + b` on standardised `z` into weights and bias on raw features.
    fn fold_linear(&self, w: &[f64], b: f64) -> (Vec<f32>, f32) {
        let mut bias = b;
        let weights = w
            .iter()
            .zip(&self.mean)
            .zip(&self.scale)
            .map(|((w, m), s)| {
                bias -= w * m / s;
                (w / s) as f32
            })
            .collect();
        (weights, bias as f32)
    }
}

/// Returns the weighted mean log-loss of predicting `p` for target `y`.
fn log_loss(p: f64, y: f64) -> f64 {
    let p = p.clamp(1e-12, 1.0 - 1e-12);
    -(y * p.ln() + (1.0 - y) * (1.0 - p).ln())
}

/// Loss and gradient of the logistic regression (without the L2 term); `params` =
/// `[w, sparse, b]`.
fn logistic_gradient(data: &Data<'_>, params: &[f64]) -> (f64, Vec<f64>) {
    let d = data.dimension;
    let k = data.sparse_dimension;
    let (w, rest) = params.split_at(d);
    let (sparse, b) = rest.split_at(k);
    let w32: Vec<f32> = w.iter().map(|&v| v as f32).collect();
    let partials: Vec<(f64, Vec<f64>)> = data
        .chunks()
        .map(|(first, rows)| {
            let mut loss = 0f64;
            let mut grad = vec![0f64; d + k + 1];
            for (r, z) in rows.chunks_exact(d).enumerate() {
                let i = first + r;
                let logit = f64::from(dot32(&w32, z)) + data.sparse_logit(i, sparse) + b[0];
                let p = sigmoid(logit);
                let s = data.weights[i];
                loss += s * log_loss(p, data.targets[i]);
                let g = s * (p - data.targets[i]);
                for (acc, &x) in grad[..d].iter_mut().zip(z) {
                    *acc += g * f64::from(x);
                }
                data.add_sparse_gradient(i, g, &mut grad[d..d + k]);
                grad[d + k] += g;
            }
            (loss, grad)
        })
        .collect();
    sum_partials(partials, d + k + 1)
}

/// Loss and gradient of the one-hidden-layer MLP (without the L2 term); `params` =
/// `[W1 (hidden x d), b1, w2, b2, sparse]`.
fn mlp_gradient(data: &Data<'_>, hidden: usize, params: &[f64]) -> (f64, Vec<f64>) {
    let d = data.dimension;
    let sparse_start = hidden * d + 2 * hidden + 1;
    let sparse = &params[sparse_start..];
    let first: Vec<f32> = params[..hidden * d].iter().map(|&v| v as f32).collect();
    let b1 = &params[hidden * d..hidden * d + hidden];
    let w2 = &params[hidden * d + hidden..hidden * d + 2 * hidden];
    let b2 = params[hidden * d + 2 * hidden];
    let partials: Vec<(f64, Vec<f64>)> = data
        .chunks()
        .map(|(start, rows)| {
            let mut loss = 0f64;
            let mut grad = vec![0f64; params.len()];
            let mut activations = vec![0f64; hidden];
            let mut first_grad = vec![0f32; hidden * d];
            for (r, z) in rows.chunks_exact(d).enumerate() {
                let i = start + r;
                let mut logit = b2 + data.sparse_logit(i, sparse);
                for h in 0..hidden {
                    let a = f64::from(dot32(&first[h * d..(h + 1) * d], z)) + b1[h];
                    activations[h] = a.tanh();
                    logit += w2[h] * activations[h];
                }
                let p = sigmoid(logit);
                let s = data.weights[i];
                loss += s * log_loss(p, data.targets[i]);
                let g = s * (p - data.targets[i]);
                for h in 0..hidden {
                    grad[hidden * d + hidden + h] += g * activations[h];
                    let da = g * w2[h] * (1.0 - activations[h] * activations[h]);
                    grad[hidden * d + h] += da;
                    let da = da as f32;
                    for (acc, &x) in first_grad[h * d..(h + 1) * d].iter_mut().zip(z) {
                        *acc += da * x;
                    }
                }
                grad[hidden * d + 2 * hidden] += g;
                data.add_sparse_gradient(i, g, &mut grad[sparse_start..]);
            }
            for (acc, &g) in grad[..hidden * d].iter_mut().zip(&first_grad) {
                *acc += f64::from(g);
            }
            (loss, grad)
        })
        .collect();
    sum_partials(partials, params.len())
}

fn sum_partials(partials: Vec<(f64, Vec<f64>)>, len: usize) -> (f64, Vec<f64>) {
    let mut loss = 0f64;
    let mut grad = vec![0f64; len];
    for (l, g) in partials {
        loss += l;
        for (acc, v) in grad.iter_mut().zip(g) {
            *acc += v;
        }
    }
    (loss, grad)
}

fn dot32(a: &[f32], b: &[f32]) -> f32 {
    // Eight independent sums let the compiler vectorise the loop.
    let mut sums = [0f32; 8];
    let chunks_a = a.chunks_exact(8);
    let chunks_b = b.chunks_exact(8);
    let tail: f32 = chunks_a
        .remainder()
        .iter()
        .zip(chunks_b.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (ca, cb) in chunks_a.zip(chunks_b) {
        for k in 0..8 {
            sums[k] += ca[k] * cb[k];
        }
    }
    sums.iter().sum::<f32>() + tail
}

struct AdamRun {
    iterations: usize,
    loss: f64,
    gradient_max: f64,
}

/// Minimises `gradient`'s loss plus `Σ l2_i / 2 * θ_i²` from `params`.
fn adam(
    params: &mut [f64],
    l2: &[f64],
    options: &FitOptions,
    gradient: impl Fn(&[f64]) -> (f64, Vec<f64>),
) -> AdamRun {
    const BETA1: f64 = 0.9;
    const BETA2: f64 = 0.999;
    const EPSILON: f64 = 1e-8;
    let mut m = vec![0f64; params.len()];
    let mut v = vec![0f64; params.len()];
    let objective = |params: &[f64]| {
        let (mut loss, mut grad) = gradient(params);
        for ((g, p), &l2) in grad.iter_mut().zip(params.iter()).zip(l2) {
            if l2 > 0.0 {
                *g += l2 * p;
                loss += 0.5 * l2 * p * p;
            }
        }
        (loss, grad)
    };
    let mut iterations = 0;
    let (mut loss, mut grad) = objective(params);
    while iterations < options.max_iterations {
        let gradient_max = grad.iter().fold(0f64, |acc, g| acc.max(g.abs()));
        if gradient_max < options.tolerance {
            break;
        }
        iterations += 1;
        let t = iterations as i32;
        let (c1, c2) = (1.0 - BETA1.powi(t), 1.0 - BETA2.powi(t));
        for (((p, g), m), v) in params.iter_mut().zip(&grad).zip(&mut m).zip(&mut v) {
            *m = BETA1 * *m + (1.0 - BETA1) * g;
            *v = BETA2 * *v + (1.0 - BETA2) * g * g;
            *p -= options.learning_rate * (*m / c1) / ((*v / c2).sqrt() + EPSILON);
        }
        (loss, grad) = objective(params);
    }
    AdamRun {
        iterations,
        loss,
        gradient_max: grad.iter().fold(0f64, |acc, g| acc.max(g.abs())),
    }
}

/// SplitMix64: a tiny, well-mixed, seedable generator for initial weights.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Returns a uniform value in `[-bound, bound)`.
    fn uniform(&mut self, bound: f64) -> f64 {
        let unit = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        (2.0 * unit - 1.0) * bound
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two Gaussian-ish blobs, separable along the first two axes, with a constant third
    /// feature (zero variance must not break the standardisation).
    fn blobs(n: usize, seed: u64) -> (Vec<Vec<f32>>, Vec<bool>) {
        let mut rng = SplitMix64(seed);
        let mut features = Vec::new();
        let mut labels = Vec::new();
        for i in 0..n {
            let label = i % 2 == 0;
            let centre = if label { 1.0 } else { -1.0 };
            features.push(vec![
                (centre + rng.uniform(0.8)) as f32,
                (centre * 0.5 + rng.uniform(0.8)) as f32,
                0.25,
            ]);
            labels.push(label);
        }
        (features, labels)
    }

    #[test]
    fn logistic_regression_separates_blobs_and_converges() {
        let (features, labels) = blobs(400, 7);
        let weights = vec![1.0; labels.len()];
        let outcome = fit(&features, &labels, &weights, &FitOptions::logistic(1e-3)).unwrap();
        assert!(outcome.gradient_max < 1e-4, "{outcome:?}");
        let correct = features
            .iter()
            .zip(&labels)
            .filter(|(x, l)| (outcome.weights.probability(x) >= 0.5) == **l)
            .count();
        assert_eq!(correct, labels.len());
        // Deterministic.
        let again = fit(&features, &labels, &weights, &FitOptions::logistic(1e-3)).unwrap();
        assert_eq!(again, outcome);
    }

    #[test]
    fn mlp_learns_xor_that_a_linear_head_cannot() {
        let mut features = Vec::new();
        let mut labels = Vec::new();
        let mut rng = SplitMix64(3);
        for i in 0..400 {
            let (a, b) = (i % 2 == 0, (i / 2) % 2 == 0);
            let x = if a { 1.0 } else { -1.0 } + rng.uniform(0.3);
            let y = if b { 1.0 } else { -1.0 } + rng.uniform(0.3);
            features.push(vec![x as f32, y as f32]);
            labels.push(a != b);
        }
        let weights = vec![1.0; labels.len()];
        let accuracy = |head: &HeadWeights| {
            features
                .iter()
                .zip(&labels)
                .filter(|(x, l)| (head.probability(x) >= 0.5) == **l)
                .count() as f64
                / labels.len() as f64
        };
        let linear = fit(&features, &labels, &weights, &FitOptions::logistic(1e-3)).unwrap();
        let mut options = FitOptions::mlp(8, 1e-4, 11);
        options.learning_rate = 0.05;
        let mlp = fit(&features, &labels, &weights, &options).unwrap();
        assert!(accuracy(&linear.weights) < 0.7);
        assert!(accuracy(&mlp.weights) > 0.97, "{}", accuracy(&mlp.weights));
    }

    #[test]
    fn sample_weights_move_the_boundary() {
        // One feature, overlapping classes: up-weighting the toxic rows flags more.
        let features: Vec<Vec<f32>> = (0..200).map(|i| vec![(i % 20) as f32 / 20.0]).collect();
        let labels: Vec<bool> = (0..200).map(|i| (i % 20) >= 10 || i % 7 == 0).collect();
        let even = vec![1.0; 200];
        let heavy: Vec<f64> = labels.iter().map(|&l| if l { 5.0 } else { 1.0 }).collect();
        let a = fit(&features, &labels, &even, &FitOptions::logistic(1e-3)).unwrap();
        let b = fit(&features, &labels, &heavy, &FitOptions::logistic(1e-3)).unwrap();
        assert!(b.weights.probability(&[0.3]) > a.weights.probability(&[0.3]));
    }

    #[test]
    fn sparse_features_carry_what_the_dense_ones_cannot() {
        // The dense feature is noise; the label sits in which of two sparse indices is set.
        let mut rng = SplitMix64(5);
        let features: Vec<Vec<f32>> = (0..300).map(|_| vec![rng.uniform(1.0) as f32]).collect();
        let labels: Vec<bool> = (0..300).map(|i| i % 3 == 0).collect();
        let sparse: Vec<SparseFeatures> = labels
            .iter()
            .map(|&l| vec![(u32::from(l), 1.0), (2, 0.5)])
            .collect();
        let weights = vec![1.0; labels.len()];
        let input = SparseInput {
            dimension: 3,
            rows: &sparse,
        };
        let outcome = fit_with_sparse(
            &features,
            Some(input),
            &labels,
            &weights,
            &FitOptions::logistic(1e-3),
        )
        .unwrap();
        assert_eq!(outcome.sparse_weights.len(), 3);
        assert!(
            outcome.sparse_weights[1] > outcome.sparse_weights[0] + 2.0,
            "{outcome:?}"
        );
        let mut mlp = FitOptions::mlp(4, 1e-3, 1);
        mlp.max_iterations = 500;
        let outcome = fit_with_sparse(&features, Some(input), &labels, &weights, &mlp).unwrap();
        assert!(
            outcome.sparse_weights[1] > outcome.sparse_weights[0],
            "{outcome:?}"
        );
        // Out-of-range indices and ragged rows are refused.
        let bad = vec![vec![(3, 1.0)]; 300];
        let input = SparseInput {
            dimension: 3,
            rows: &bad,
        };
        let options = FitOptions::logistic(1e-3);
        assert!(fit_with_sparse(&features, Some(input), &labels, &weights, &options).is_err());
        let input = SparseInput {
            dimension: 3,
            rows: &sparse[..10],
        };
        assert!(fit_with_sparse(&features, Some(input), &labels, &weights, &options).is_err());
    }

    #[test]
    fn rejects_degenerate_inputs() {
        let options = FitOptions::logistic(1e-3);
        assert!(fit(&[], &[], &[], &options).is_err());
        assert!(fit(&[vec![1.0]], &[true], &[1.0], &options).is_err());
        assert!(
            fit(
                &[vec![1.0], vec![1.0, 2.0]],
                &[true, false],
                &[1.0, 1.0],
                &options
            )
            .is_err()
        );
        assert!(
            fit(
                &[vec![1.0], vec![0.0]],
                &[true, false],
                &[0.0, 0.0],
                &options
            )
            .is_err()
        );
    }
}
