//! The first stage of the text-toxicity cascade: a logistic regression over the hashed
//! character n-grams alone ([`ngrams`]), with no encoder.
//!
//! Why: the encoder reads about 6,400 tokens a second on two cores, and a listing in four
//! language forms is about 320 tokens, so scoring every listing text with it caps screening
//! near 20 listings a second. Most shop text is plainly clean. This stage reads any text in
//! microseconds and *clears* the texts it is confident about; every other text goes on to the
//! encoder head, which decides as it always did. The stage never flags anything, so the
//! cascade can only miss what it clears, and that is what its defer probability bounds.
//!
//! - **Windows.** A text is read in windows of [`WINDOW_WORDS`] words that overlap by half,
//!   and the highest window probability counts: an insult inside a long clean description is
//!   not diluted by the rest of it.
//! - **Scripts.** Only text whose letters are all Latin or Cyrillic (the scripts the n-gram
//!   skeleton folds and the stage was trained on) can be cleared; anything else is deferred.
//! - **Defer probability.** Chosen at fit time on the tuning split only: the highest
//!   probability at which the stage still defers at least the recall target of the toxic
//!   tuning texts the encoder head flags, in every language (a toxic text the head misses is
//!   missed with or without the stage). A cascade refuses a stage whose defer probability is not
//!   below its head's balanced threshold, so a cleared text is below every review floor.
//!
//! The committed stage is `models/data/toxicity_fast.json`, written by
//! `cargo run --release -p benches --bin moderation -- --train-fast`.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::fit::{FitOptions, SparseInput, fit_with_sparse};
use super::head::{TextFeatureWeights, sigmoid};
use super::ngrams;
use crate::{Error, Result};

/// The format tag of fast-stage files.
pub const FAST_FORMAT: &str = "bolajon-toxicity-fast/1";
/// Words per window (windows overlap by half).
pub const WINDOW_WORDS: usize = 8;

const BUNDLED_FAST: &str = include_str!("../../data/toxicity_fast.json");

/// A fast-stage file: the model, its defer probability and how both were chosen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FastStageFile {
    /// [`FAST_FORMAT`].
    pub format: String,
    /// The stage's name.
    pub name: String,
    /// Its version.
    pub version: u32,
    /// The tag of the head it clears texts for (`name@version/embedding-model`).
    pub for_head: String,
    /// The intercept.
    pub bias: f32,
    /// The n-gram weights.
    pub text_features: TextFeatureWeights,
    /// Texts whose probability is below this are cleared; the rest go to the encoder.
    pub defer_probability: f32,
    /// How it was trained and what was measured on data it was not trained on.
    pub training: FastTraining,
}

/// How a fast stage was trained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FastTraining {
    /// The command that wrote the file.
    pub command: String,
    /// Where the training text came from.
    pub sources: Vec<String>,
    /// Training texts.
    pub texts: usize,
    /// The L2 strength kept (lowest tuning log-loss).
    pub l2: f64,
    /// Adam steps of the kept fit.
    pub iterations: usize,
    /// The share of the tuning texts that must be deferred (toxic, flagged by the head), in
    /// every language, that the stage defers.
    pub recall_target: f64,
    /// Per tuning group: texts, toxic texts, texts that must be deferred, the share of each
    /// deferred and the share of clean texts cleared at the defer probability.
    pub tuning: Vec<FastGroup>,
}

/// One tuning group's figures at the defer probability.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FastGroup {
    /// The group (`ru`, `en`, `listings/uz`, ...).
    pub group: String,
    /// Texts.
    pub texts: usize,
    /// Toxic texts.
    pub toxic: usize,
    /// Texts that must be deferred (toxic and flagged by the head).
    pub must_defer: usize,
    /// Share of those deferred to the encoder (`null` without any).
    pub must_defer_deferred: Option<f64>,
    /// Share of the toxic texts deferred to the encoder (`null` without toxic texts).
    pub toxic_deferred: Option<f64>,
    /// Share of the clean texts cleared (`null` without clean texts).
    pub clean_cleared: Option<f64>,
}

/// A fast stage, loaded and checked.
#[derive(Debug, Clone)]
pub struct FastStage {
    file: FastStageFile,
    weights: Vec<f32>,
    tag: Arc<str>,
}

impl FastStage {
    /// Loads the stage committed at `models/data/toxicity_fast.json` (compiled in).
    pub fn bundled() -> Result<Self> {
        Self::from_json(BUNDLED_FAST, "models/data/toxicity_fast.json")
    }

    /// Parses and checks a stage file; `label` names it in error messages.
    pub fn from_json(json: &str, label: &str) -> Result<Self> {
        let file: FastStageFile =
            serde_json::from_str(json).map_err(|e| Error::MalformedModel {
                file: label.to_owned(),
                reason: format!("invalid json: {e}"),
            })?;
        Self::from_file(file).map_err(|e| match e {
            Error::MalformedModel { reason, .. } => Error::MalformedModel {
                file: label.to_owned(),
                reason,
            },
            other => other,
        })
    }

    /// Checks a stage held in memory.
    pub fn from_file(file: FastStageFile) -> Result<Self> {
        let malformed = |reason: String| Error::MalformedModel {
            file: format!("toxicity fast stage {}", file.name),
            reason,
        };
        if file.format != FAST_FORMAT {
            return Err(malformed(format!(
                "format {:?}, expected {FAST_FORMAT:?}",
                file.format
            )));
        }
        let weights = file.text_features.weights().map_err(malformed)?;
        let p = file.defer_probability;
        if !(p.is_finite() && p > 0.0 && p < 1.0 && file.bias.is_finite()) {
            return Err(malformed(format!(
                "defer probability {p} is not inside (0, 1) or the bias is not finite"
            )));
        }
        let tag = format!("{}@{}/char-ngrams", file.name, file.version);
        Ok(Self {
            file,
            weights,
            tag: tag.into(),
        })
    }

    /// Returns the file content.
    pub fn file(&self) -> &FastStageFile {
        &self.file
    }

    /// Returns `name@version/char-ngrams`, the tag cleared texts carry for the audit trail.
    pub fn tag(&self) -> &Arc<str> {
        &self.tag
    }

    /// Returns the probability below which a text is cleared.
    pub fn defer_probability(&self) -> f32 {
        self.file.defer_probability
    }

    /// Returns the highest window probability of `text` (as cleaned by
    /// [`super::clean_text`]); 0 for a text without words.
    pub fn probability(&self, text: &str) -> f32 {
        let words: Vec<&str> = text.split_whitespace().collect();
        if words.is_empty() {
            return 0.0;
        }
        let step = (WINDOW_WORDS / 2).max(1);
        let mut highest = f64::NEG_INFINITY;
        let mut start = 0;
        loop {
            let end = (start + WINDOW_WORDS).min(words.len());
            let window = words[start..end].join(" ");
            highest = highest.max(logit(&window, self.file.bias, &self.weights));
            if end == words.len() {
                break;
            }
            start += step;
        }
        sigmoid(highest) as f32
    }

    /// Returns the probability of `text` when the stage clears it, `None` when it must go to
    /// the encoder (scored at or above the defer probability, or written in a script the
    /// stage does not read).
    pub fn clears(&self, text: &str) -> Option<f32> {
        if !readable_script(text) {
            return None;
        }
        let p = self.probability(text);
        (p < self.file.defer_probability).then_some(p)
    }

    /// Returns the stage file as pretty JSON.
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string_pretty(&self.file)
            .map_err(|e| Error::InvalidInput(format!("the fast stage does not serialise: {e}")))
    }
}

fn logit(text: &str, bias: f32, weights: &[f32]) -> f64 {
    f64::from(bias) + ngrams::dot(&ngrams::text_features(text, weights.len()), weights)
}

/// Whether every letter of `text` is Latin (with its Uzbek and other extensions) or Cyrillic.
fn readable_script(text: &str) -> bool {
    text.chars().filter(|c| c.is_alphabetic()).all(|c| {
        c.is_ascii_alphabetic()
            || ('\u{00C0}'..='\u{024F}').contains(&c)
            || ('\u{02B0}'..='\u{02FF}').contains(&c)
            || ('\u{0400}'..='\u{052F}').contains(&c)
    })
}

/// One training text of a fast stage.
#[derive(Debug, Clone, PartialEq)]
pub struct FastExample {
    /// The cleaned text.
    pub text: String,
    /// Whether it is toxic.
    pub toxic: bool,
    /// Its weight in the loss (any positive scale).
    pub weight: f64,
}

/// One tuning text: it chooses the L2 strength and the defer probability.
#[derive(Debug, Clone, PartialEq)]
pub struct TuningText {
    /// The cleaned text.
    pub text: String,
    /// Whether it is toxic.
    pub toxic: bool,
    /// Whether the recall target counts it: a toxic text the encoder head flags (a toxic text
    /// the head misses is missed with or without the stage, and does not bind it).
    pub must_defer: bool,
    /// Its group: every group with texts that must be deferred meets the recall target.
    pub group: String,
}

/// The options of [`fit_fast_stage`].
#[derive(Debug, Clone, PartialEq)]
pub struct FastFitOptions {
    /// Hash buckets of the n-gram features.
    pub buckets: usize,
    /// L2 strengths tried; the lowest tuning log-loss is kept.
    pub l2_grid: Vec<f64>,
    /// The most Adam steps per fit.
    pub max_iterations: usize,
    /// The share of the tuning texts that must be deferred, in every group, that the stage
    /// defers.
    pub recall_target: f64,
    /// The head the stage clears texts for (its tag).
    pub for_head: String,
    /// The defer probability stays below this: the head's balanced threshold, which a cascade
    /// requires it to be under.
    pub defer_below: f32,
    /// The command, recorded in the file.
    pub command: String,
    /// The training sources, recorded in the file.
    pub sources: Vec<String>,
}

/// Fits a fast stage on `train`, chooses its L2 strength (tuning log-loss) and its defer
/// probability (the recall target over the texts that must be deferred) on `tune`.
///
/// Fails with [`Error::InvalidInput`] when either set lacks a class.
pub fn fit_fast_stage(
    train: &[FastExample],
    tune: &[TuningText],
    options: &FastFitOptions,
    progress: &dyn Fn(&str),
) -> Result<FastStage> {
    if !tune.iter().any(|t| t.toxic) || !tune.iter().any(|t| !t.toxic) {
        return Err(Error::InvalidInput(
            "the tuning texts need both classes".to_owned(),
        ));
    }
    let sparse: Vec<ngrams::SparseFeatures> = train
        .iter()
        .map(|e| ngrams::text_features(&e.text, options.buckets))
        .collect();
    // The fit needs a dense part; one constant column gets a zero weight.
    let dense = vec![vec![0f32]; train.len()];
    let labels: Vec<bool> = train.iter().map(|e| e.toxic).collect();
    let weights: Vec<f64> = train.iter().map(|e| e.weight).collect();
    let mut best: Option<(f64, f64, FastStage, usize)> = None;
    for &l2 in &options.l2_grid {
        let mut fit = FitOptions::logistic(0.0);
        fit.sparse_l2 = l2;
        fit.max_iterations = options.max_iterations;
        let outcome = fit_with_sparse(
            &dense,
            Some(SparseInput {
                dimension: options.buckets,
                rows: &sparse,
            }),
            &labels,
            &weights,
            &fit,
        )?;
        let bias = match outcome.weights {
            super::HeadWeights::Logistic { bias, .. } => bias,
            super::HeadWeights::Mlp { .. } => {
                return Err(Error::InvalidInput(
                    "a logistic fit returned an MLP".to_owned(),
                ));
            }
        };
        let stored = TextFeatureWeights::quantise(&outcome.sparse_weights);
        let stage = FastStage::from_file(FastStageFile {
            format: FAST_FORMAT.to_owned(),
            name: "bolajon-toxicity-fast".to_owned(),
            version: 1,
            for_head: options.for_head.clone(),
            bias,
            text_features: stored,
            defer_probability: 0.5,
            training: FastTraining {
                command: options.command.clone(),
                sources: options.sources.clone(),
                texts: train.len(),
                l2,
                iterations: outcome.iterations,
                recall_target: options.recall_target,
                tuning: Vec::new(),
            },
        })?;
        let loss = tune
            .iter()
            .map(|t| {
                let p = f64::from(stage.probability(&t.text)).clamp(1e-7, 1.0 - 1e-7);
                -if t.toxic { p.ln() } else { (1.0 - p).ln() }
            })
            .sum::<f64>()
            / tune.len() as f64;
        progress(&format!(
            "fast stage: l2 {l2:e}: tuning log-loss {loss:.4} ({} steps)",
            outcome.iterations
        ));
        if best.as_ref().is_none_or(|b| loss < b.1) {
            best = Some((l2, loss, stage, outcome.iterations));
        }
    }
    let Some((l2, _, mut stage, _)) = best else {
        return Err(Error::InvalidInput("an empty L2 grid".to_owned()));
    };
    // The defer probability: the highest that keeps the recall target in every group.
    let scored: Vec<(f32, &TuningText)> = tune
        .iter()
        .map(|t| (stage.probability(&t.text), t))
        .collect();
    let mut groups: Vec<&str> = tune.iter().map(|t| t.group.as_str()).collect();
    groups.sort_unstable();
    groups.dedup();
    let mut defer = 1.0f32;
    for group in &groups {
        let mut toxic: Vec<f32> = scored
            .iter()
            .filter(|(_, t)| t.must_defer && t.group == *group)
            .map(|(p, _)| *p)
            .collect();
        if toxic.is_empty() {
            continue;
        }
        toxic.sort_by(f32::total_cmp);
        // At most this many toxic texts may fall below the defer probability.
        let allowed = ((1.0 - options.recall_target) * toxic.len() as f64).floor() as usize;
        defer = defer.min(toxic[allowed.min(toxic.len() - 1)]);
    }
    let defer = defer
        .min(options.defer_below * (1.0 - 1e-3))
        .clamp(1e-6, 1.0 - 1e-6);
    let tuning = groups
        .iter()
        .map(|group| {
            let members: Vec<&(f32, &TuningText)> =
                scored.iter().filter(|(_, t)| t.group == *group).collect();
            let toxic = members.iter().filter(|(_, t)| t.toxic).count();
            let must_defer = members.iter().filter(|(_, t)| t.must_defer).count();
            let clean = members.len() - toxic;
            let share = |hits: usize, of: usize| (of > 0).then(|| hits as f64 / of as f64);
            FastGroup {
                group: (*group).to_owned(),
                texts: members.len(),
                toxic,
                must_defer,
                must_defer_deferred: share(
                    members
                        .iter()
                        .filter(|(p, t)| t.must_defer && *p >= defer)
                        .count(),
                    must_defer,
                ),
                toxic_deferred: share(
                    members
                        .iter()
                        .filter(|(p, t)| t.toxic && *p >= defer)
                        .count(),
                    toxic,
                ),
                clean_cleared: share(
                    members
                        .iter()
                        .filter(|(p, t)| !t.toxic && *p < defer)
                        .count(),
                    clean,
                ),
            }
        })
        .collect();
    let mut file = stage.file.clone();
    file.defer_probability = defer;
    file.training.l2 = l2;
    file.training.tuning = tuning;
    stage = FastStage::from_file(file)?;
    Ok(stage)
}

#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// A small stage fitted in memory, for tests: it defers texts with `bad`, `idiot`, `stupid` or
    /// `moron` and clears plain toy and book talk.
    pub(crate) fn test_stage(for_head: &str) -> FastStage {
        let mut train = Vec::new();
        for i in 0..20 {
            for (text, toxic) in [
                (format!("you stupid idiot number {i}"), true),
                (format!("idiot moron go away {i}"), true),
                (format!("bad bad bad {i}"), true),
                (format!("soft wooden blocks for toddlers set {i}"), false),
                (format!("colourful picture book about animals {i}"), false),
                (format!("nice toy for kids {i}"), false),
            ] {
                train.push(FastExample {
                    text,
                    toxic,
                    weight: 1.0,
                });
            }
        }
        let tune: Vec<TuningText> = [
            ("what an idiot", true),
            ("stupid moron", true),
            ("so bad", true),
            ("wooden toy train for kids", false),
            ("a book of fairy tales", false),
        ]
        .into_iter()
        .map(|(text, toxic)| TuningText {
            text: text.to_owned(),
            toxic,
            must_defer: toxic,
            group: "en".to_owned(),
        })
        .collect();
        let options = FastFitOptions {
            buckets: 512,
            l2_grid: vec![1e-4],
            max_iterations: 400,
            recall_target: 1.0,
            for_head: for_head.to_owned(),
            defer_below: 0.5,
            command: "test".to_owned(),
            sources: Vec::new(),
        };
        fit_fast_stage(&train, &tune, &options, &|_| {}).unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stage() -> FastStage {
        testing::test_stage("test-head@0/hashing")
    }

    #[test]
    fn the_defer_probability_keeps_every_toxic_tuning_text_at_full_recall() {
        let stage = stage();
        let defer = stage.defer_probability();
        for text in ["what an idiot", "stupid moron"] {
            assert!(stage.probability(text) >= defer, "{text:?}");
            assert_eq!(stage.clears(text), None, "{text:?}");
        }
        assert!(stage.clears("wooden blocks for toddlers").is_some());
        let group = &stage.file().training.tuning[0];
        assert_eq!(group.toxic_deferred, Some(1.0));
        assert_eq!(group.must_defer_deferred, Some(1.0));
    }

    #[test]
    fn an_insult_inside_a_long_clean_text_is_not_diluted() {
        let stage = stage();
        let clean = "soft wooden blocks for toddlers with a colourful picture book about animals "
            .repeat(6);
        assert!(stage.clears(&clean).is_some());
        // 72 clean words, the insult, 72 more: the window from word 72 holds the insult and
        // the five words after it, and the text scores as that window does, far above the
        // whole text read at once.
        let mixed = format!("{clean}you stupid idiot {clean}");
        let window = stage.probability("you stupid idiot soft wooden blocks for toddlers");
        let windowed = stage.probability(&mixed);
        let whole = sigmoid(logit(&mixed, stage.file.bias, &stage.weights)) as f32;
        assert!(windowed >= window, "{windowed} < {window}");
        assert!(windowed > 2.0 * whole, "{windowed} vs {whole}");
    }

    #[test]
    fn unread_scripts_are_never_cleared() {
        let stage = stage();
        assert!(stage.clears("wooden blocks").is_some());
        assert_eq!(stage.clears("wooden blocks 木製ブロック"), None);
        assert_eq!(stage.clears("ხის კუბიკები"), None);
    }

    #[test]
    fn the_file_round_trips_and_bad_files_are_refused() {
        let stage = stage();
        let json = stage.to_json().unwrap();
        let again = FastStage::from_json(&json, "test").unwrap();
        assert_eq!(again.file(), stage.file());
        let mut file = stage.file().clone();
        file.defer_probability = 1.0;
        assert_eq!(
            FastStage::from_file(file).unwrap_err().kind(),
            crate::ErrorKind::Corrupt
        );
        let mut file = stage.file().clone();
        file.format = "other".to_owned();
        assert!(FastStage::from_file(file).is_err());
    }

    #[test]
    fn the_bundled_stage_loads_and_clears_for_the_bundled_head() {
        let stage = FastStage::bundled().unwrap();
        let head = super::super::ToxicityHead::bundled().unwrap();
        assert_eq!(stage.file().for_head, head.tag().as_ref());
        assert!(stage.defer_probability() < head.thresholds().balanced);
        let training = &stage.file().training;
        assert!(training.recall_target >= 0.99, "{training:?}");
        for group in training.tuning.iter().filter(|g| g.must_defer > 0) {
            assert!(
                group.must_defer_deferred >= Some(training.recall_target),
                "{group:?}"
            );
        }
    }

    #[test]
    fn the_bundled_stage_clears_plain_shop_text_and_defers_insults() {
        let stage = FastStage::bundled().unwrap();
        let clean = [
            "Yog'och kubiklar to'plami, 3 yoshdan",
            "Деревянный конструктор для детей от 3 лет",
            "Wooden building blocks for children aged 3+",
            "Ёғоч кубиклар тўплами, 3 ёшдан",
        ];
        for text in clean {
            assert!(stage.clears(text).is_some(), "{text:?}");
        }
        let insults = [
            "ты тупой урод и идиот",
            "заткнись, дебил",
            "you are a stupid fucking idiot",
            "shut up you ugly bitch",
        ];
        for insult in insults {
            assert_eq!(stage.clears(insult), None, "{insult:?}");
            // Inside a long clean description, the insult still sends the text on.
            let long = format!(
                "{} {insult} {}",
                "Деревянный конструктор для детей от 3 лет, яркие цвета и безопасная краска."
                    .repeat(3),
                "Wooden building blocks for children aged 3 and up, safe paint.".repeat(3)
            );
            assert_eq!(stage.clears(&long), None, "{insult:?}");
        }
    }
}
