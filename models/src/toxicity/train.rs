//! Reproducible training of the toxicity head from the shared datasets.
//!
//! [`train`] reads every set's `dev.csv` (see `../shared/datasets/toxicity/*/README.md`) and
//! the project's Uzbek evaluation set, maps labels, cleans texts ([`super::clean_text`]),
//! splits and de-duplicates, embeds with multilingual-e5-small (cached on disk), fits the head
//! by gradient descent, picks L2 and the thresholds on the tuning splits, measures everything and
//! writes the head file plus a Markdown report.
//!
//! # Data rules
//!
//! - **Licences** (from each README): MIT sets train (`en_davidson_hate_offensive`,
//!   `ru_vk_distorted_toxicity`). `ru_paradetox_pairs` is OpenRAIL++ (authors' release): a
//!   permissive licence whose only conditions are use restrictions (no harm to minors, no
//!   discrimination, ...) that travel with derived models; content moderation is not a
//!   restricted use, so it trains, and the head file records it. `ru_toxic_mixed` is split by
//!   its `source_guess`: rows of the VK corpus (MIT) and of RUSSE/ParaDetox (OpenRAIL++) train;
//!   the Kaggle 2ch/pikabu and OK ML Cup rows have no clear licence and are evaluation only
//!   (unless [`TrainOptions::train_on_unclear_licences`]). GPL-3.0 (`en_ethos_hate_binary`),
//!   CC BY-NC-SA (`en_review_spam_ott`) and unlicensed (`uz_app_reviews_sentiment`) sets are
//!   evaluation only. The Uzbek set (`models/data/toxicity_uz_eval.tsv`) is evaluation only.
//! - **Split**: a row's split key is its normalised cleaned text (for ParaDetox, the group's
//!   toxic original, so a rewrite stays with its original). `sha256("bolajon/toxicity/
//!   validation/v1" || 0 || key)`, first four bytes as an integer, mod 100 < 20 → validation.
//!   Of the other keys, `sha256("bolajon/toxicity/tune/v1" || 0 || key) … mod 100 < 12` → tuning
//!   (chooses L2 and the thresholds), the rest → training. Identical texts across sets take the
//!   side of their first occurrence, so no text sits on two sides. Texts with conflicting labels across sets are dropped.
//! - **De-duplication**: training keeps one row per normalised text across all sets; each
//!   evaluated part keeps one row per normalised text, and evaluation-only parts drop texts
//!   that were trained on.
//! - **Caps** ([`Caps`]): deterministic by `sha256("bolajon/toxicity/sample/<seed>" || key)`.
//!   Training: at most `train_per_set` rows per part, half toxic and half clean where
//!   possible. Tuning and validation: at most `evaluation_per_set` rows per training part;
//!   evaluation-only parts: at most `evaluation_only_per_set` rows; stratified by label (by sentiment or polarity for the clean-by-assumption review sets);
//!   the two Uzbek sets (short texts, and the point of the Uzbek figures) are used whole.
//! - **Features**: the E5 embedding of the cleaned text and, by default, its hashed character
//!   n-grams ([`ngrams`], [`TrainOptions::text_buckets`]), whose linear term is added to the
//!   logit; the n-grams catch insults spelled to dodge a filter, where the embedding is weak.
//! - **Fit**: logistic regression by default, rows unweighted (the caps already balance the
//!   classes of the large sets; [`Weighting`], [`HeadKind::Mlp`], the embedding alone and
//!   other bucket counts were measured, see the report's ablations). The two L2 strengths
//!   (embedding, n-grams) are chosen on the tuning splits (the strongest within one standard error of the lowest log-loss); embedding weights are
//!   stored with 4 significant digits, n-gram weights as signed bytes.
//! - **Thresholds**: `balanced` maximises the mean over languages (ru, en) of the macro-F1 on
//!   the pooled tuning splits; `high_precision` is the lowest threshold, not below
//!   `balanced`, with precision ≥ [`HIGH_PRECISION_TARGET`] on all tuning texts. The
//!   validation splits are only measured: their figures are not tuned on.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use sha2::{Digest, Sha256};

use super::csv::CsvTable;
use super::embedding_cache::{self, EmbeddingCache};
use super::fit::{FitOptions, SparseInput, fit_with_sparse};
use super::head::{
    DatasetRecord, EmbeddingSpec, FeaturePrefix, HEAD_FORMAT, HeadFile, HeadWeights, MetricSummary,
    TextFeatureWeights, Thresholds, TrainingRecord, sigmoid, to_json,
};
use super::metrics::{Confusion, candidate_thresholds, roc_auc};
use super::ngrams::{self, SparseFeatures};
use super::text::{clean_text, hash32, normalise_key};
use crate::fetch::hex;
use crate::manifest::{E5_WEIGHTS_FILE, MULTILINGUAL_E5_SMALL};
use crate::{E5Embedder, Embedder, Error, Result};

/// The salt of the validation split rule.
pub const SPLIT_SALT: &str = "bolajon/toxicity/validation/v1";
/// Percent of split keys held out for validation.
pub const VALIDATION_PERCENT: u32 = 20;
/// The salt of the tuning split rule (applied to the keys the validation rule leaves).
pub const TUNE_SALT: &str = "bolajon/toxicity/tune/v1";
/// Percent of the remaining split keys set aside to tune the L2 strength and the thresholds.
pub const TUNE_PERCENT: u32 = 12;
/// The precision the high-precision threshold must reach on the pooled validation splits.
pub const HIGH_PRECISION_TARGET: f64 = 0.95;
/// The L2 strengths tried (on standardised features).
const L2_GRID: [f64; 4] = [1e-4, 1e-3, 1e-2, 1e-1];
/// The L2 strengths tried on the n-gram weights (their features are not standardised: each is
/// small, so their weights must grow larger than the embedding's to count).
const SPARSE_L2_GRID: [f64; 3] = [1e-5, 1e-4, 1e-3];
/// The most Adam steps of a fit with n-grams (rare buckets converge slowly; the tuning
/// log-loss has settled well before).
const SPARSE_MAX_ITERATIONS: usize = 1200;
/// Texts per embedding call (progress and the cache are updated after each).
const EMBED_BATCH: usize = 128;
/// Clean texts listed per Uzbek set in the report.
const EXAMPLES: usize = 12;
/// Significant digits of the stored weights.
const WEIGHT_DIGITS: usize = 4;
/// The name of the head in the files it writes.
const HEAD_NAME: &str = "bolajon-toxicity";
/// The version written into new head files.
const HEAD_VERSION: &str = "2";

/// How many rows of each dataset part are used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caps {
    /// Training rows per part (balanced by label where possible).
    pub train_per_set: usize,
    /// Tuning or validation rows per training part (stratified).
    pub evaluation_per_set: usize,
    /// Rows per evaluation-only or clean-by-assumption part (stratified; the Uzbek sets are
    /// used whole).
    pub evaluation_only_per_set: usize,
}

impl Default for Caps {
    /// 6,000 training and 1,000 tuning and validation rows per training part, 300 rows per
    /// other part (their texts are the longest to embed): about 24,000 texts to embed on the
    /// first run. The embedding cache makes re-runs take seconds.
    fn default() -> Self {
        Self {
            train_per_set: 6000,
            evaluation_per_set: 1000,
            evaluation_only_per_set: 300,
        }
    }
}

/// How training rows are weighted in the loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weighting {
    /// Every row counts once.
    None,
    /// Within each part, toxic and clean rows carry equal total weight; parts keep their size.
    Classes,
    /// Every part carries the same total weight, split equally between toxic and clean rows.
    PartsAndClasses,
}

impl std::fmt::Display for Weighting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Weighting::None => "unweighted",
            Weighting::Classes => "class-balanced per set",
            Weighting::PartsAndClasses => "sets equal and class-balanced",
        })
    }
}

/// Which head to fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeadKind {
    /// Logistic regression.
    Logistic,
    /// One hidden `tanh` layer of this many units.
    Mlp(usize),
}

impl std::fmt::Display for HeadKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HeadKind::Logistic => write!(f, "logistic regression"),
            HeadKind::Mlp(hidden) => write!(f, "MLP ({hidden} tanh units)"),
        }
    }
}

/// The options of [`train`].
#[derive(Debug, Clone, PartialEq)]
pub struct TrainOptions {
    /// The folder holding one sub-folder per dataset (`../shared/datasets/toxicity`).
    pub datasets_dir: PathBuf,
    /// The Uzbek evaluation set (`models/data/toxicity_uz_eval.tsv`).
    pub uz_eval: PathBuf,
    /// The model cache (E5 weights; the embedding cache goes under it).
    pub model_cache_dir: PathBuf,
    /// Where to write the head file; the report goes next to it with the extension `.md`.
    /// `None` writes nothing.
    pub output: Option<PathBuf>,
    /// Seeds sampling and the MLP's initial weights.
    pub seed: u64,
    /// The E5 prefix of the features.
    pub prefix: FeaturePrefix,
    /// The head to fit.
    pub head: HeadKind,
    /// Hash buckets of the character n-gram features read beside the embedding
    /// ([`ngrams`]); `None` reads the embedding only.
    pub text_buckets: Option<usize>,
    /// The per-part caps.
    pub caps: Caps,
    /// How training rows are weighted.
    pub weighting: Weighting,
    /// Also train on rows with no clear licence (the Kaggle/OK rows of `ru_toxic_mixed`).
    pub train_on_unclear_licences: bool,
    /// Also measure other configurations on the same data (the other prefix, which embeds
    /// every text a second time; an MLP; no class weighting) and report them.
    pub ablations: bool,
    /// With [`TrainOptions::ablations`], also measure the other prefix (embeds every text a
    /// second time on the first run).
    pub ablate_prefix: bool,
    /// How this run was started, recorded in the report.
    pub command: String,
}

impl TrainOptions {
    /// Returns the defaults for the repository at `repo_root`: datasets in
    /// `<repo_root>/../shared/datasets/toxicity`, the Uzbek set and the output in
    /// `<repo_root>/models/data/`, seed 42, `query: ` prefix, logistic regression over the
    /// embedding and [`ngrams::DEFAULT_BUCKETS`] n-gram buckets, unweighted rows, default caps,
    /// no ablations.
    pub fn new(repo_root: &Path, model_cache_dir: &Path) -> Self {
        Self {
            datasets_dir: repo_root.join("../shared/datasets/toxicity"),
            uz_eval: repo_root.join("models/data/toxicity_uz_eval.tsv"),
            model_cache_dir: model_cache_dir.to_owned(),
            output: Some(repo_root.join("models/data/toxicity_head.json")),
            seed: 42,
            prefix: FeaturePrefix::Query,
            head: HeadKind::Logistic,
            text_buckets: Some(ngrams::DEFAULT_BUCKETS),
            caps: Caps::default(),
            weighting: Weighting::None,
            train_on_unclear_licences: false,
            ablations: false,
            ablate_prefix: true,
            command: "models::toxicity::train::train(&TrainOptions::new(repo_root, cache_dir))"
                .to_owned(),
        }
    }
}

/// A language of the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Language {
    /// English.
    En,
    /// Russian.
    Ru,
    /// Uzbek (Latin and Cyrillic).
    Uz,
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Language::En => "en",
            Language::Ru => "ru",
            Language::Uz => "uz",
        })
    }
}

/// What a dataset part is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Usage {
    /// Trained on; its validation split is measured.
    Train,
    /// Measured only (labelled toxicity data).
    Evaluation,
    /// Clean by assumption; only the false-alarm rate is measured.
    FalseAlarms,
}

/// One dataset part as [`train`] used it.
#[derive(Debug, Clone, PartialEq)]
pub struct PartSummary {
    /// `set` or `set/source`.
    pub id: String,
    /// Its language.
    pub language: Language,
    /// Its licence.
    pub licence: String,
    /// What it was used for.
    pub usage: Usage,
    /// Why.
    pub decision: String,
    /// Usable rows read (after dropping texts with nothing to score).
    pub rows: usize,
    /// Rows trained on.
    pub train_rows: usize,
    /// Rows measured (validation split or evaluation sample).
    pub evaluated_rows: usize,
    /// The sha256 of the file read.
    pub file_sha256: String,
}

/// Metrics of one group of texts, at both thresholds.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupMetrics {
    /// What was measured (`validation/ru`, `uz_eval/cyrl`, ...).
    pub name: String,
    /// At the balanced threshold.
    pub balanced: Confusion,
    /// At the high-precision threshold.
    pub high_precision: Confusion,
    /// ROC-AUC, when both classes are present.
    pub roc_auc: Option<f64>,
}

impl GroupMetrics {
    fn new(name: String, scores: &[f32], labels: &[bool], thresholds: Thresholds) -> Self {
        Self {
            name,
            balanced: Confusion::at(scores, labels, thresholds.balanced),
            high_precision: Confusion::at(scores, labels, thresholds.high_precision),
            roc_auc: roc_auc(scores, labels),
        }
    }

    fn summary(&self) -> MetricSummary {
        let c = &self.balanced;
        let round = |v: f64| (v * 10_000.0).round() / 10_000.0;
        MetricSummary {
            group: self.name.clone(),
            texts: c.total(),
            toxic: c.positives(),
            precision: round(c.precision()),
            recall: round(c.recall()),
            f1: round(c.f1()),
            macro_f1: round(c.macro_f1()),
            roc_auc: self.roc_auc.map(round),
            false_alarm_rate: round(c.false_alarm_rate()),
        }
    }
}

/// A clean text and its score, listed in the report for a human look.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// The dataset part.
    pub part: String,
    /// The probability given.
    pub score: f32,
    /// The cleaned text.
    pub text: String,
}

/// One configuration measured on the same data.
#[derive(Debug, Clone, PartialEq)]
pub struct Ablation {
    /// The configuration.
    pub variant: String,
    /// Its balanced threshold.
    pub threshold: f32,
    /// `validation/ru`, `validation/en`, `uz_eval`, `false_alarms/uz_app_reviews_sentiment`,
    /// ... (at its own balanced threshold).
    pub groups: Vec<GroupMetrics>,
}

/// What [`train`] did and measured; its [`Display`](std::fmt::Display) is the Markdown report.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainReport {
    /// The options' command.
    pub command: String,
    /// The prefix of the features.
    pub prefix: FeaturePrefix,
    /// The head fitted.
    pub head: HeadKind,
    /// The n-gram buckets read beside the embedding, if any.
    pub text_buckets: Option<usize>,
    /// The L2 strength chosen.
    pub l2: f64,
    /// The L2 strength chosen for the n-gram weights (with [`TrainReport::text_buckets`]).
    pub sparse_l2: Option<f64>,
    /// Adam steps of the final fit.
    pub iterations: usize,
    /// The thresholds chosen.
    pub thresholds: Thresholds,
    /// The caps.
    pub caps: Caps,
    /// The seed.
    pub seed: u64,
    /// Every dataset part.
    pub parts: Vec<PartSummary>,
    /// Rows dropped before selection, by reason.
    pub dropped: BTreeMap<String, usize>,
    /// Tuning splits of the training parts (they chose L2 and the thresholds), pooled per
    /// language.
    pub tuning: Vec<GroupMetrics>,
    /// Validation splits of the training parts, per part and pooled per language.
    pub validation: Vec<GroupMetrics>,
    /// Evaluation-only sets, the Uzbek set by script and kind included.
    pub evaluation: Vec<GroupMetrics>,
    /// Clean-by-assumption review sets (all rows clean; read the false-alarm rate).
    pub false_alarms: Vec<GroupMetrics>,
    /// The highest-scored clean texts of the Uzbek sets.
    pub uzbek_false_alarms: Vec<Example>,
    /// Other configurations, when asked for.
    pub ablations: Vec<Ablation>,
    /// Texts embedded by this run, and texts found in the embedding cache.
    pub embedded: (usize, usize),
    /// Seconds spent embedding, fitting, and in all.
    pub seconds: (f64, f64, f64),
    /// The head file written, if any.
    pub output: Option<PathBuf>,
}

impl TrainReport {
    /// Returns the metrics of group `name` among validation, evaluation and false alarms.
    pub fn group(&self, name: &str) -> Option<&GroupMetrics> {
        self.validation
            .iter()
            .chain(&self.evaluation)
            .chain(&self.false_alarms)
            .find(|g| g.name == name)
    }
}

/// Trains the toxicity head; see the [module docs](self) for the data rules.
///
/// `progress` receives one line per step (loading, embedding progress with rate and ETA,
/// fitting). Writes the head file and report when [`TrainOptions::output`] is set.
pub fn train(options: &TrainOptions, progress: &dyn Fn(&str)) -> Result<TrainReport> {
    let started = Instant::now();
    let mut data = load(options, progress)?;
    select(&mut data, options);
    for (part, selection) in data.parts.iter().zip(&data.selection) {
        progress(&format!(
            "{}: {} rows, {} train, {} evaluated",
            part.id,
            part.rows,
            selection.train.len(),
            selection.evaluated.len()
        ));
    }
    let spec = &MULTILINGUAL_E5_SMALL;
    let weights_sha256 = spec
        .file(E5_WEIGHTS_FILE)
        .map_or_else(String::new, |f| f.sha256.to_owned());
    progress("loading multilingual-e5-small");
    let e5 = E5Embedder::from_cache(&options.model_cache_dir)?.with_query_cache(0);
    let mut cache = EmbeddingCache::open(&options.model_cache_dir, spec.name, e5.dimension())?;
    progress(&format!(
        "embedding cache {} holds {} vectors",
        cache.path().display(),
        cache.len()
    ));
    let embed_started = Instant::now();
    let mut embedder = Features {
        e5: &e5,
        cache: &mut cache,
        model: spec.name,
        weights_sha256: &weights_sha256,
        embedded: 0,
        cached: 0,
    };
    let features = embedder.embed_rows(&data, options.prefix, progress)?;
    let (embedded, cached) = (embedder.embedded, embedder.cached);
    let embed_seconds = embed_started.elapsed().as_secs_f64();

    let fit_started = Instant::now();
    let text_features = |buckets: Option<usize>| {
        buckets.map(|buckets| TextInput {
            buckets,
            features: features
                .keys()
                .map(|text| (text.clone(), ngrams::text_features(text, buckets)))
                .collect(),
        })
    };
    let text = text_features(options.text_buckets);
    let main = fit_and_measure(
        &data,
        &features,
        text.as_ref(),
        options.head,
        options.weighting,
        options.seed,
        progress,
    )?;
    let fit_seconds = fit_started.elapsed().as_secs_f64();

    let mut ablations = Vec::new();
    if options.ablations {
        let weighting = options.weighting;
        let buckets = options.text_buckets;
        let mut variants: Vec<(HeadKind, Weighting, FeaturePrefix, Option<usize>)> = [
            Weighting::None,
            Weighting::Classes,
            Weighting::PartsAndClasses,
        ]
        .into_iter()
        .filter(|&w| w != weighting)
        .map(|w| (options.head, w, options.prefix, buckets))
        .collect();
        for head in [HeadKind::Logistic, HeadKind::Mlp(32), HeadKind::Mlp(8)] {
            if head != options.head {
                variants.push((head, weighting, options.prefix, buckets));
            }
        }
        let other_buckets = match buckets {
            Some(_) => vec![None],
            None => vec![Some(ngrams::DEFAULT_BUCKETS)],
        };
        for other in other_buckets {
            variants.push((options.head, weighting, options.prefix, other));
        }
        if let Some(n) = buckets {
            for other in [n / 4, n * 4] {
                variants.push((options.head, weighting, options.prefix, Some(other)));
            }
        }
        if options.ablate_prefix {
            let other = match options.prefix {
                FeaturePrefix::Query => FeaturePrefix::Passage,
                FeaturePrefix::Passage => FeaturePrefix::Query,
            };
            variants.push((options.head, weighting, other, buckets));
        }
        ablations.push(ablation(
            &main,
            options.head,
            weighting,
            options.prefix,
            buckets,
        ));
        let mut other_features = None;
        for (head, weighted, prefix, variant_buckets) in variants {
            let features = if prefix == options.prefix {
                &features
            } else {
                let mut embedder = Features {
                    e5: &e5,
                    cache: &mut cache,
                    model: spec.name,
                    weights_sha256: &weights_sha256,
                    embedded: 0,
                    cached: 0,
                };
                &*other_features.insert(embedder.embed_rows(&data, prefix, progress)?)
            };
            progress(&format!(
                "ablation: {head}, weighting {weighted}, prefix {:?}, n-gram buckets {variant_buckets:?}",
                prefix.as_str()
            ));
            let variant_text = if variant_buckets == buckets {
                None
            } else {
                text_features(variant_buckets)
            };
            let text_input = if variant_buckets == buckets {
                text.as_ref()
            } else {
                variant_text.as_ref()
            };
            let run = fit_and_measure(
                &data,
                features,
                text_input,
                head,
                weighted,
                options.seed,
                progress,
            )?;
            ablations.push(ablation(&run, head, weighted, prefix, variant_buckets));
        }
    }

    let mut report = TrainReport {
        command: options.command.clone(),
        prefix: options.prefix,
        head: options.head,
        text_buckets: options.text_buckets,
        l2: main.l2,
        sparse_l2: main.sparse_l2,
        iterations: main.iterations,
        thresholds: main.thresholds,
        caps: options.caps,
        seed: options.seed,
        parts: data
            .parts
            .iter()
            .zip(&data.selection)
            .map(|(part, selection)| PartSummary {
                id: part.id.clone(),
                language: part.language,
                licence: part.licence.to_owned(),
                usage: part.usage,
                decision: part.decision.to_owned(),
                rows: part.rows,
                train_rows: selection.train.len(),
                evaluated_rows: selection.evaluated.len(),
                file_sha256: part.file_sha256.clone(),
            })
            .collect(),
        dropped: data.dropped.clone(),
        tuning: main.tuning.clone(),
        validation: main.validation.clone(),
        evaluation: main.evaluation.clone(),
        false_alarms: main.false_alarms.clone(),
        uzbek_false_alarms: main.examples.clone(),
        ablations,
        embedded: (embedded, cached),
        seconds: (embed_seconds, fit_seconds, started.elapsed().as_secs_f64()),
        output: options.output.clone(),
    };
    if let Some(output) = &options.output {
        let head = head_file(options, &report, &main, weights_sha256);
        write_file(output, &to_json(&head)?)?;
        report.seconds.2 = started.elapsed().as_secs_f64();
        let markdown = format!(
            "# Toxicity head: training report\n\n\
             Written by `models::toxicity::train::train`; regenerate rather than edit.\n\n{report}"
        );
        write_file(&output.with_extension("md"), &markdown)?;
        progress(&format!("wrote {}", output.display()));
    }
    Ok(report)
}

fn ablation(
    run: &Run,
    head: HeadKind,
    weighting: Weighting,
    prefix: FeaturePrefix,
    buckets: Option<usize>,
) -> Ablation {
    let wanted = |name: &str| {
        name == "tuning/ru"
            || name == "tuning/en"
            || name == "validation/ru"
            || name == "validation/en"
            || name == "uz_eval"
            || name == "uz_eval/latn"
            || name == "uz_eval/cyrl"
            || name == "ru_toxic_mixed/kaggle_2ch_pikabu_or_ok_mlcup"
            || name == "en_ethos_hate_binary"
            || name == "uz_app_reviews_sentiment"
            || name == "uz_app_reviews_sentiment/negative"
    };
    Ablation {
        variant: format!(
            "{head}, {weighting}, prefix `{}`, {}",
            prefix.as_str().trim_end(),
            buckets.map_or_else(
                || "embedding only".to_owned(),
                |n| format!("+ {n} n-gram buckets")
            )
        ),
        threshold: run.thresholds.balanced,
        groups: run
            .tuning
            .iter()
            .chain(&run.validation)
            .chain(&run.evaluation)
            .chain(&run.false_alarms)
            .filter(|g| wanted(&g.name))
            .cloned()
            .collect(),
    }
}

fn write_file(path: &Path, content: &str) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io("create", dir, e))?;
    }
    let temporary = path.with_extension("tmp");
    std::fs::write(&temporary, content).map_err(|e| Error::io("write", &temporary, e))?;
    std::fs::rename(&temporary, path).map_err(|e| Error::io("rename", path, e))
}

fn head_file(options: &TrainOptions, report: &TrainReport, run: &Run, sha: String) -> HeadFile {
    let policy = "MIT: train (en_davidson_hate_offensive, ru_vk_distorted_toxicity, ru_toxic_mixed/vk). \
        OpenRAIL++ (ru_paradetox_pairs, ru_toxic_mixed/russe_paradetox): train; its use restrictions \
        (Attachment A of the licence: no use to harm or exploit minors, to discriminate, to harass, ...) \
        apply to this head too. No clear licence (ru_toxic_mixed/kaggle_2ch_pikabu_or_ok_mlcup, \
        uz_app_reviews_sentiment), GPL-3.0 (en_ethos_hate_binary), CC BY-NC-SA 3.0 \
        (en_review_spam_ott): evaluation only. models/data/toxicity_uz_eval.tsv (project's own, MIT): \
        evaluation only.";
    let policy = if options.train_on_unclear_licences {
        format!("{policy} THIS RUN ALSO TRAINED ON ru_toxic_mixed/kaggle_2ch_pikabu_or_ok_mlcup.")
    } else {
        policy.to_owned()
    };
    HeadFile {
        format: HEAD_FORMAT.to_owned(),
        name: HEAD_NAME.to_owned(),
        version: HEAD_VERSION.to_owned(),
        embedding: EmbeddingSpec {
            model: MULTILINGUAL_E5_SMALL.name.to_owned(),
            package: MULTILINGUAL_E5_SMALL.requirement(),
            weights_sha256: sha,
            dimension: run.weights.dimension(),
            prefix: options.prefix,
        },
        classifier: run.weights.clone(),
        text_features: run.text.clone(),
        thresholds: run.thresholds,
        training: TrainingRecord {
            trainer: "models::toxicity::train::train".to_owned(),
            seed: options.seed,
            datasets: report
                .parts
                .iter()
                .map(|p| DatasetRecord {
                    id: p.id.clone(),
                    licence: p.licence.clone(),
                    used_for: match p.usage {
                        Usage::Train => "train+tuning+validation".to_owned(),
                        Usage::Evaluation => "evaluation".to_owned(),
                        Usage::FalseAlarms => "false alarms (clean by assumption)".to_owned(),
                    },
                    file_sha256: p.file_sha256.clone(),
                    train_rows: p.train_rows,
                    evaluated_rows: p.evaluated_rows,
                })
                .collect(),
            caps: format!(
                "train <= {} rows per part (half toxic, half clean where possible), tuning and \
                 validation <= {} rows per training part, evaluated <= {} rows per other part \
                 (stratified; Uzbek sets whole); order sha256(\"bolajon/toxicity/sample/{}\" || 0 || key)",
                options.caps.train_per_set,
                options.caps.evaluation_per_set,
                options.caps.evaluation_only_per_set,
                options.seed
            ),
            split_rule: format!(
                "key = normalised cleaned text (ParaDetox: the group's toxic original); \
                 validation if u32(sha256(\"{SPLIT_SALT}\" || 0 || key)[0..4]) % 100 < {VALIDATION_PERCENT}, \
                 else tuning if u32(sha256(\"{TUNE_SALT}\" || 0 || key)[0..4]) % 100 < {TUNE_PERCENT}, \
                 else training; a text keeps the side of its first occurrence"
            ),
            licence_policy: policy,
            l2: run.l2,
            sparse_l2: run.sparse_l2,
            threshold_rules: format!(
                "balanced: maximises the mean over languages (ru, en) of the macro-F1 on the pooled \
                 tuning splits of the training sets; \
                 high_precision: lowest threshold with precision >= {HIGH_PRECISION_TARGET} on the \
                 pooled tuning splits (never below balanced); L2: the strongest within one standard error of the lowest tuning log-loss; the \
                 validation splits are only measured"
            ),
        },
        metrics: report
            .validation
            .iter()
            .chain(&report.evaluation)
            .chain(&report.false_alarms)
            .map(GroupMetrics::summary)
            .collect(),
    }
}

/// One row of the labelled data as [`train`] selects it, for models trained beside the head
/// on the same split (the cascade's first stage, [`super::fast`]).
#[derive(Debug, Clone, PartialEq)]
pub struct SelectedRow {
    /// The cleaned text.
    pub text: String,
    /// Whether the row is labelled toxic.
    pub toxic: bool,
    /// The part it comes from (`set` or `set/source`).
    pub part: String,
    /// The part's language.
    pub language: Language,
    /// What the part is used for.
    pub usage: Usage,
    /// The side of the split: training, tuning or held out.
    pub side: SplitSide,
}

/// The side of the split a selected row is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SplitSide {
    /// Trained on.
    Train,
    /// Held out of training to tune (strengths, thresholds).
    Tune,
    /// Held out; only measured (every row of the evaluation-only parts).
    Validation,
}

/// Loads and selects the labelled data exactly as [`train`] does (same caps, split and
/// de-duplication), without embedding anything.
pub fn selected_rows(options: &TrainOptions, progress: &dyn Fn(&str)) -> Result<Vec<SelectedRow>> {
    let mut data = load(options, progress)?;
    select(&mut data, options);
    let mut out = Vec::new();
    for (p, selection) in data.selection.iter().enumerate() {
        let part = &data.parts[p];
        let sides = [
            (SplitSide::Train, &selection.train),
            (SplitSide::Tune, &selection.tune),
            (SplitSide::Validation, &selection.evaluated),
        ];
        for (side, rows) in sides {
            out.extend(rows.iter().map(|&i| SelectedRow {
                text: data.rows[i].text.clone(),
                toxic: data.rows[i].toxic,
                part: part.id.clone(),
                language: part.language,
                usage: part.usage,
                side,
            }));
        }
    }
    Ok(out)
}

// ------------------------------------------------------------------------------------------
// Loading

/// One usable row.
#[derive(Debug, Clone)]
struct Row {
    part: usize,
    /// Cleaned text, as embedded.
    text: String,
    /// Normalised cleaned text: the de-duplication key.
    key: String,
    /// The key deciding the validation side.
    split_key: String,
    toxic: bool,
    /// Stratum inside the part (sentiment, polarity, script).
    group: String,
    /// The Uzbek set's `kind` column.
    kind: String,
}

#[derive(Debug, Clone)]
struct Part {
    id: String,
    language: Language,
    licence: &'static str,
    usage: Usage,
    decision: &'static str,
    file_sha256: String,
    rows: usize,
}

#[derive(Debug, Clone, Default)]
struct PartSelection {
    train: Vec<usize>,
    /// Held out of training to choose the L2 strength and the thresholds (training parts).
    tune: Vec<usize>,
    evaluated: Vec<usize>,
}

#[derive(Debug, Default)]
struct Data {
    parts: Vec<Part>,
    rows: Vec<Row>,
    selection: Vec<PartSelection>,
    dropped: BTreeMap<String, usize>,
}

impl Data {
    fn part(&mut self, part: Part) -> usize {
        self.parts.push(part);
        self.parts.len() - 1
    }

    fn drop_row(&mut self, reason: &str) {
        *self.dropped.entry(reason.to_owned()).or_default() += 1;
    }

    /// Cleans and adds a row, or counts it as dropped.
    fn push(&mut self, part: usize, raw: &str, toxic: bool, group: &str, kind: &str) -> bool {
        let text = clean_text(raw);
        if !text.chars().any(char::is_alphanumeric) {
            self.drop_row("no letters or digits after cleaning");
            return false;
        }
        let key = normalise_key(&text);
        self.rows.push(Row {
            part,
            split_key: key.clone(),
            text,
            key,
            toxic,
            group: group.to_owned(),
            kind: kind.to_owned(),
        });
        self.parts[part].rows += 1;
        true
    }
}

const MIT_DECISION: &str = "MIT: train";
const OPENRAIL_DECISION: &str =
    "OpenRAIL++: train (use restrictions only; moderation is not restricted; they carry over)";
const UNCLEAR_DECISION: &str = "no clear licence: evaluation only";

fn part(
    id: &str,
    language: Language,
    licence: &'static str,
    usage: Usage,
    decision: &'static str,
    sha: &str,
) -> Part {
    Part {
        id: id.to_owned(),
        language,
        licence,
        usage,
        decision,
        file_sha256: sha.to_owned(),
        rows: 0,
    }
}

fn read_table(dir: &Path, set: &str) -> Result<(CsvTable, String, PathBuf)> {
    let path = dir.join(set).join("dev.csv");
    let bytes = std::fs::read(&path).map_err(|e| Error::io("read", &path, e))?;
    let sha = hex(&Sha256::digest(&bytes));
    let text = String::from_utf8(bytes).map_err(|e| Error::MalformedDataset {
        file: path.clone(),
        reason: format!("not UTF-8: {e}"),
    })?;
    let table = CsvTable::parse(&text).map_err(|e| Error::MalformedDataset {
        file: path.clone(),
        reason: e.to_string(),
    })?;
    Ok((table, sha, path))
}

fn column(table: &CsvTable, path: &Path, name: &str) -> Result<usize> {
    table.column(name).ok_or_else(|| Error::MalformedDataset {
        file: path.to_owned(),
        reason: format!("no column {name:?}"),
    })
}

fn label(value: &str, path: &Path, line: usize) -> Result<bool> {
    match value.trim() {
        "1" => Ok(true),
        "0" => Ok(false),
        other => Err(Error::MalformedDataset {
            file: path.to_owned(),
            reason: format!("line {line}: label {other:?} is not 0 or 1"),
        }),
    }
}

/// Reads every set. Parts come in the order that decides the side of shared texts:
/// ParaDetox first (its split is by group), then the other Russian sets, then English, then
/// the evaluation-only parts.
fn load(options: &TrainOptions, progress: &dyn Fn(&str)) -> Result<Data> {
    let dir = &options.datasets_dir;
    let mut data = Data::default();

    // ru_paradetox_pairs: label 1 = toxic original, 0 = neutral rewrite; split by group.
    {
        let set = "ru_paradetox_pairs";
        let (table, sha, path) = read_table(dir, set)?;
        progress(&format!(
            "read {} ({} rows)",
            path.display(),
            table.records.len()
        ));
        let (text, lab, group) = (
            column(&table, &path, "text")?,
            column(&table, &path, "label")?,
            column(&table, &path, "group_id")?,
        );
        let p = data.part(part(
            set,
            Language::Ru,
            "OpenRAIL++",
            Usage::Train,
            OPENRAIL_DECISION,
            &sha,
        ));
        let mut originals: HashMap<String, String> = HashMap::new();
        for record in &table.records {
            if label(&record.fields[lab], &path, record.line)? {
                originals
                    .entry(record.fields[group].clone())
                    .or_insert_with(|| normalise_key(&clean_text(&record.fields[text])));
            }
        }
        for record in &table.records {
            let toxic = label(&record.fields[lab], &path, record.line)?;
            if data.push(p, &record.fields[text], toxic, "", "") {
                let group_id = &record.fields[group];
                if let Some(row) = data.rows.last_mut() {
                    row.split_key = originals
                        .get(group_id)
                        .cloned()
                        .unwrap_or_else(|| format!("group:{group_id}"));
                }
            }
        }
    }

    // ru_vk_distorted_toxicity: MIT.
    load_labelled(
        &mut data,
        dir,
        "ru_vk_distorted_toxicity",
        Language::Ru,
        "MIT",
        progress,
    )?;

    // ru_toxic_mixed: per row by source.
    {
        let set = "ru_toxic_mixed";
        let (table, sha, path) = read_table(dir, set)?;
        progress(&format!(
            "read {} ({} rows)",
            path.display(),
            table.records.len()
        ));
        let (text, lab, source) = (
            column(&table, &path, "text")?,
            column(&table, &path, "label")?,
            column(&table, &path, "source_guess")?,
        );
        let unclear_usage = if options.train_on_unclear_licences {
            Usage::Train
        } else {
            Usage::Evaluation
        };
        let unclear_decision = if options.train_on_unclear_licences {
            "no clear licence: TRAINED ON by option train_on_unclear_licences"
        } else {
            UNCLEAR_DECISION
        };
        let vk = data.part(part(
            &format!("{set}/vk"),
            Language::Ru,
            "MIT",
            Usage::Train,
            MIT_DECISION,
            &sha,
        ));
        let russe = data.part(part(
            &format!("{set}/russe_paradetox"),
            Language::Ru,
            "OpenRAIL++",
            Usage::Train,
            OPENRAIL_DECISION,
            &sha,
        ));
        let other = data.part(part(
            &format!("{set}/kaggle_2ch_pikabu_or_ok_mlcup"),
            Language::Ru,
            "MIT repository, sources without a clear licence",
            unclear_usage,
            unclear_decision,
            &sha,
        ));
        for record in &table.records {
            let toxic = label(&record.fields[lab], &path, record.line)?;
            let p = match record.fields[source].as_str() {
                "vk" => vk,
                "russe_paradetox" => russe,
                _ => other,
            };
            data.push(p, &record.fields[text], toxic, "", "");
        }
    }

    // en_davidson_hate_offensive: MIT; label 1 = hate or offensive.
    load_labelled(
        &mut data,
        dir,
        "en_davidson_hate_offensive",
        Language::En,
        "MIT",
        progress,
    )?;

    // en_ethos_hate_binary: GPL-3.0, evaluation only.
    {
        let set = "en_ethos_hate_binary";
        let (table, sha, path) = read_table(dir, set)?;
        progress(&format!(
            "read {} ({} rows)",
            path.display(),
            table.records.len()
        ));
        let (text, lab) = (
            column(&table, &path, "text")?,
            column(&table, &path, "label")?,
        );
        let p = data.part(part(
            set,
            Language::En,
            "GPL-3.0",
            Usage::Evaluation,
            "GPL-3.0: evaluation only",
            &sha,
        ));
        for record in &table.records {
            let toxic = label(&record.fields[lab], &path, record.line)?;
            data.push(p, &record.fields[text], toxic, "", "");
        }
    }

    // Clean-by-assumption review sets.
    for (set, language, licence, decision, group_column) in [
        (
            "uz_app_reviews_sentiment",
            Language::Uz,
            "none stated (\"free to use\", cite)",
            "no licence: evaluation only (false alarms on real Uzbek reviews)",
            "sentiment",
        ),
        (
            "en_review_spam_ott",
            Language::En,
            "CC BY-NC-SA 3.0",
            "non-commercial: evaluation only (false alarms on real English reviews)",
            "polarity",
        ),
    ] {
        let (table, sha, path) = read_table(dir, set)?;
        progress(&format!(
            "read {} ({} rows)",
            path.display(),
            table.records.len()
        ));
        let (text, group) = (
            column(&table, &path, "text")?,
            column(&table, &path, group_column)?,
        );
        let p = data.part(part(
            set,
            language,
            licence,
            Usage::FalseAlarms,
            decision,
            &sha,
        ));
        for record in &table.records {
            data.push(p, &record.fields[text], false, &record.fields[group], "");
        }
    }

    // The project's Uzbek evaluation set.
    {
        let path = &options.uz_eval;
        let bytes = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
        let sha = hex(&Sha256::digest(&bytes));
        let content = String::from_utf8(bytes).map_err(|e| Error::MalformedDataset {
            file: path.clone(),
            reason: format!("not UTF-8: {e}"),
        })?;
        let rows = parse_uz_eval(&content).map_err(|reason| Error::MalformedDataset {
            file: path.clone(),
            reason,
        })?;
        progress(&format!("read {} ({} rows)", path.display(), rows.len()));
        let p = data.part(part(
            "uz_eval",
            Language::Uz,
            "MIT (bolajon's own)",
            Usage::Evaluation,
            "the Uzbek test set: evaluation only",
            &sha,
        ));
        for row in rows {
            data.push(p, &row.text, row.toxic, &row.script, &row.kind);
        }
    }
    Ok(data)
}

fn load_labelled(
    data: &mut Data,
    dir: &Path,
    set: &str,
    language: Language,
    licence: &'static str,
    progress: &dyn Fn(&str),
) -> Result<()> {
    let (table, sha, path) = read_table(dir, set)?;
    progress(&format!(
        "read {} ({} rows)",
        path.display(),
        table.records.len()
    ));
    let (text, lab) = (
        column(&table, &path, "text")?,
        column(&table, &path, "label")?,
    );
    let p = data.part(part(
        set,
        language,
        licence,
        Usage::Train,
        MIT_DECISION,
        &sha,
    ));
    for record in &table.records {
        let toxic = label(&record.fields[lab], &path, record.line)?;
        data.push(p, &record.fields[text], toxic, "", "");
    }
    Ok(())
}

/// One row of the Uzbek evaluation set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UzEvalRow {
    /// The text.
    pub text: String,
    /// Whether it is toxic.
    pub toxic: bool,
    /// `latn` or `cyrl`.
    pub script: String,
    /// `review`, `comment`, `message`, `question` or `listing`.
    pub kind: String,
}

/// Parses the Uzbek evaluation set: a header `text\tlabel\tscript\tkind`, then one row per
/// line (no quoting; texts hold no tabs or newlines).
pub fn parse_uz_eval(content: &str) -> std::result::Result<Vec<UzEvalRow>, String> {
    let mut lines = content.lines().enumerate();
    match lines.next() {
        Some((_, header)) if header.trim_end() == "text\tlabel\tscript\tkind" => {}
        _ => return Err("the header must be text, label, script, kind (tab-separated)".to_owned()),
    }
    let mut rows = Vec::new();
    for (index, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let [text, toxic, script, kind] = fields[..] else {
            return Err(format!(
                "line {}: {} fields, expected 4",
                index + 1,
                fields.len()
            ));
        };
        let toxic = match toxic {
            "1" => true,
            "0" => false,
            other => return Err(format!("line {}: label {other:?}", index + 1)),
        };
        if script != "latn" && script != "cyrl" {
            return Err(format!("line {}: script {script:?}", index + 1));
        }
        rows.push(UzEvalRow {
            text: text.to_owned(),
            toxic,
            script: script.to_owned(),
            kind: kind.to_owned(),
        });
    }
    Ok(rows)
}

// ------------------------------------------------------------------------------------------
// Selection

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Train,
    Tune,
    Validation,
}

fn side_of(split_key: &str) -> Side {
    if hash32(SPLIT_SALT, split_key) % 100 < VALIDATION_PERCENT {
        Side::Validation
    } else if hash32(TUNE_SALT, split_key) % 100 < TUNE_PERCENT {
        Side::Tune
    } else {
        Side::Train
    }
}

/// Fills `data.selection`; see the module docs for the rules.
fn select(data: &mut Data, options: &TrainOptions) {
    let salt = format!("bolajon/toxicity/sample/{}", options.seed);
    let order = |i: usize, rows: &[Row]| hash32(&salt, &rows[i].key);
    let rows = &data.rows;
    let parts = &data.parts;

    // Labels seen per text among labelled rows: conflicting texts are dropped.
    let mut labels_of: HashMap<&str, (bool, bool)> = HashMap::new();
    for row in rows {
        if parts[row.part].usage != Usage::FalseAlarms {
            let entry = labels_of.entry(&row.key).or_default();
            if row.toxic {
                entry.0 = true;
            } else {
                entry.1 = true;
            }
        }
    }
    let conflicted = |key: &str| labels_of.get(key).is_some_and(|&(t, c)| t && c);

    // Sides of training rows: the first occurrence decides.
    let mut side_by_key: HashMap<&str, Side> = HashMap::new();
    let mut moved = 0usize;
    let mut sides = vec![Side::Train; rows.len()];
    for (i, row) in rows.iter().enumerate() {
        if parts[row.part].usage != Usage::Train {
            continue;
        }
        let own = side_of(&row.split_key);
        let side = *side_by_key.entry(&row.key).or_insert(own);
        if side != own {
            moved += 1;
        }
        sides[i] = side;
    }

    // Training candidates: one row per text across all parts.
    let mut dropped: BTreeMap<String, usize> = BTreeMap::new();
    let mut claimed: HashSet<&str> = HashSet::new();
    let mut train_candidates: Vec<Vec<usize>> = vec![Vec::new(); parts.len()];
    let mut validation_candidates: Vec<Vec<usize>> = vec![Vec::new(); parts.len()];
    let mut tune_candidates: Vec<Vec<usize>> = vec![Vec::new(); parts.len()];
    let mut seen_in_tune: Vec<HashSet<&str>> = vec![HashSet::new(); parts.len()];
    let mut seen_in_part: Vec<HashSet<&str>> = vec![HashSet::new(); parts.len()];
    for (i, row) in rows.iter().enumerate() {
        if parts[row.part].usage != Usage::Train {
            continue;
        }
        if conflicted(&row.key) {
            *dropped
                .entry("conflicting labels across sets".to_owned())
                .or_default() += 1;
            continue;
        }
        match sides[i] {
            Side::Train => {
                if claimed.insert(&row.key) {
                    train_candidates[row.part].push(i);
                } else {
                    *dropped
                        .entry("duplicate text (training)".to_owned())
                        .or_default() += 1;
                }
            }
            Side::Tune => {
                if seen_in_tune[row.part].insert(&row.key) {
                    tune_candidates[row.part].push(i);
                } else {
                    *dropped
                        .entry("duplicate text within a part (tuning)".to_owned())
                        .or_default() += 1;
                }
            }
            Side::Validation => {
                if seen_in_part[row.part].insert(&row.key) {
                    validation_candidates[row.part].push(i);
                } else {
                    *dropped
                        .entry("duplicate text within a part (validation)".to_owned())
                        .or_default() += 1;
                }
            }
        }
    }

    let mut selection = vec![PartSelection::default(); parts.len()];
    for (p, part) in parts.iter().enumerate() {
        if part.usage == Usage::Train {
            selection[p].train = sample_balanced(
                &train_candidates[p],
                options.caps.train_per_set,
                |i| rows[i].toxic,
                |i| order(i, rows),
            );
            // Stratified like the validation splits: the thresholds are tuned on the natural
            // mix of labels, not on the balanced training sample.
            selection[p].tune = sample_stratified(
                &tune_candidates[p],
                options.caps.evaluation_per_set,
                |i| format!("{}/{}", rows[i].toxic, rows[i].group),
                |i| order(i, rows),
            );
        }
    }
    let trained: HashSet<&str> = selection
        .iter()
        .flat_map(|s| &s.train)
        .map(|&i| rows[i].key.as_str())
        .collect();

    let mut eval_candidates: Vec<Vec<usize>> = vec![Vec::new(); parts.len()];
    for (i, row) in rows.iter().enumerate() {
        if parts[row.part].usage == Usage::Train {
            continue;
        }
        if parts[row.part].usage == Usage::Evaluation && conflicted(&row.key) {
            *dropped
                .entry("conflicting labels across sets".to_owned())
                .or_default() += 1;
            continue;
        }
        if trained.contains(row.key.as_str()) {
            *dropped
                .entry("evaluation text also trained on".to_owned())
                .or_default() += 1;
            continue;
        }
        if seen_in_part[row.part].insert(&row.key) {
            eval_candidates[row.part].push(i);
        } else {
            *dropped
                .entry("duplicate text within a part (evaluation)".to_owned())
                .or_default() += 1;
        }
    }
    for (p, part) in parts.iter().enumerate() {
        let candidates = if part.usage == Usage::Train {
            &validation_candidates[p]
        } else {
            &eval_candidates[p]
        };
        // The Uzbek sets are short and the point of the Uzbek figures: used whole.
        let cap = if part.language == Language::Uz {
            usize::MAX
        } else if part.usage != Usage::Train {
            options.caps.evaluation_only_per_set
        } else {
            options.caps.evaluation_per_set
        };
        selection[p].evaluated = sample_stratified(
            candidates,
            cap,
            |i| format!("{}/{}", rows[i].toxic, rows[i].group),
            |i| order(i, rows),
        );
    }
    if moved > 0 {
        dropped.insert(
            "(not dropped) texts moved to their first occurrence's side".to_owned(),
            moved,
        );
    }
    for (reason, count) in dropped {
        *data.dropped.entry(reason).or_default() += count;
    }
    data.selection = selection;
}

/// Returns the mean of `values` and its standard error (sample standard deviation over the
/// square root of the count; 0 for fewer than two values).
fn mean_and_standard_error(values: &[f64]) -> (f64, f64) {
    let n = values.len();
    if n == 0 {
        return (0.0, 0.0);
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    if n < 2 {
        return (mean, 0.0);
    }
    let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    (mean, (variance / n as f64).sqrt())
}

/// Takes up to `cap` rows, half of each label where possible (the other label fills the
/// rest), each label in `order`; returns them in row order.
fn sample_balanced(
    rows: &[usize],
    cap: usize,
    label: impl Fn(usize) -> bool,
    order: impl Fn(usize) -> u32,
) -> Vec<usize> {
    let sorted = |want: bool| {
        let mut v: Vec<usize> = rows.iter().copied().filter(|&i| label(i) == want).collect();
        v.sort_by_key(|&i| (order(i), i));
        v
    };
    let (toxic, clean) = (sorted(true), sorted(false));
    let half = cap / 2;
    let take_toxic = toxic.len().min(half.max(cap.saturating_sub(clean.len())));
    let take_clean = clean.len().min(cap - take_toxic);
    let mut out: Vec<usize> = toxic[..take_toxic]
        .iter()
        .chain(&clean[..take_clean])
        .copied()
        .collect();
    out.sort_unstable();
    out
}

/// Takes up to `cap` rows, each stratum in proportion to its size (largest remainders
/// rounded up), each stratum in `order`; returns them in row order.
fn sample_stratified(
    rows: &[usize],
    cap: usize,
    stratum: impl Fn(usize) -> String,
    order: impl Fn(usize) -> u32,
) -> Vec<usize> {
    if rows.len() <= cap {
        return rows.to_vec();
    }
    let mut strata: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for &i in rows {
        strata.entry(stratum(i)).or_default().push(i);
    }
    let total = rows.len();
    let mut quotas: Vec<(String, usize, f64)> = strata
        .iter()
        .map(|(name, members)| {
            let exact = cap as f64 * members.len() as f64 / total as f64;
            (name.clone(), exact.floor() as usize, exact - exact.floor())
        })
        .collect();
    let mut left = cap - quotas.iter().map(|q| q.1).sum::<usize>();
    let mut by_remainder: Vec<usize> = (0..quotas.len()).collect();
    by_remainder.sort_by(|&a, &b| quotas[b].2.total_cmp(&quotas[a].2).then(a.cmp(&b)));
    for q in by_remainder {
        if left == 0 {
            break;
        }
        quotas[q].1 += 1;
        left -= 1;
    }
    let mut out = Vec::with_capacity(cap);
    for (name, quota, _) in quotas {
        if let Some(members) = strata.get_mut(&name) {
            members.sort_by_key(|&i| (order(i), i));
            out.extend(members.iter().take(quota));
        }
    }
    out.sort_unstable();
    out
}

// ------------------------------------------------------------------------------------------
// Embedding

struct Features<'a> {
    e5: &'a E5Embedder,
    cache: &'a mut EmbeddingCache,
    model: &'a str,
    weights_sha256: &'a str,
    embedded: usize,
    cached: usize,
}

impl Features<'_> {
    /// Returns the embedding of every selected row's text, by text.
    fn embed_rows(
        &mut self,
        data: &Data,
        prefix: FeaturePrefix,
        progress: &dyn Fn(&str),
    ) -> Result<HashMap<String, Vec<f32>>> {
        let mut texts: Vec<&str> = data
            .selection
            .iter()
            .flat_map(|s| s.train.iter().chain(&s.tune).chain(&s.evaluated))
            .map(|&i| data.rows[i].text.as_str())
            .collect();
        texts.sort_unstable();
        texts.dedup();
        let key = |text: &str| {
            embedding_cache::key(self.model, self.weights_sha256, prefix.as_str(), text)
        };
        let mut missing: Vec<&str> = texts
            .iter()
            .copied()
            .filter(|t| self.cache.get(&key(t)).is_none())
            .collect();
        self.cached += texts.len() - missing.len();
        progress(&format!(
            "prefix {:?}: {} texts, {} cached, {} to embed",
            prefix.as_str(),
            texts.len(),
            texts.len() - missing.len(),
            missing.len()
        ));
        // Similar lengths together: less padding inside each batch.
        missing.sort_by_key(|t| (t.chars().count(), *t));
        let started = Instant::now();
        let mut done = 0usize;
        for batch in missing.chunks(EMBED_BATCH) {
            let vectors = self.e5.embed(prefix.text_kind(), batch)?;
            let items = batch
                .iter()
                .zip(vectors)
                .map(|(t, v)| (key(t), v))
                .collect();
            self.cache.insert_all(items)?;
            done += batch.len();
            self.embedded += batch.len();
            let elapsed = started.elapsed().as_secs_f64();
            let rate = done as f64 / elapsed.max(1e-9);
            progress(&format!(
                "embedded {done}/{} ({rate:.1} texts/s, about {:.0} s left; longest last)",
                missing.len(),
                (missing.len() - done) as f64 / rate.max(1e-9)
            ));
        }
        let mut out = HashMap::with_capacity(texts.len());
        for text in texts {
            let vector = self
                .cache
                .get(&key(text))
                .ok_or_else(|| Error::InvalidInput(format!("no embedding cached for {text:?}")))?;
            out.insert(text.to_owned(), vector.clone());
        }
        Ok(out)
    }
}

// ------------------------------------------------------------------------------------------
// Fitting and measuring

/// A fitted head and its measurements.
struct Run {
    weights: HeadWeights,
    /// The n-gram weights, as stored.
    text: Option<TextFeatureWeights>,
    l2: f64,
    sparse_l2: Option<f64>,
    iterations: usize,
    thresholds: Thresholds,
    tuning: Vec<GroupMetrics>,
    validation: Vec<GroupMetrics>,
    evaluation: Vec<GroupMetrics>,
    false_alarms: Vec<GroupMetrics>,
    examples: Vec<Example>,
}

/// The n-gram features of every selected text.
struct TextInput {
    buckets: usize,
    features: HashMap<String, SparseFeatures>,
}

fn fit_and_measure(
    data: &Data,
    features: &HashMap<String, Vec<f32>>,
    text: Option<&TextInput>,
    head: HeadKind,
    weighting: Weighting,
    seed: u64,
    progress: &dyn Fn(&str),
) -> Result<Run> {
    let vector = |i: usize| -> Result<&Vec<f32>> {
        features
            .get(&data.rows[i].text)
            .ok_or_else(|| Error::InvalidInput("a selected row has no embedding".to_owned()))
    };
    let train: Vec<usize> = data
        .selection
        .iter()
        .flat_map(|s| s.train.iter().copied())
        .collect();
    if train.is_empty() {
        return Err(Error::InvalidInput(
            "no training rows were selected".to_owned(),
        ));
    }
    let mut counts: HashMap<(usize, bool), usize> = HashMap::new();
    for &i in &train {
        *counts
            .entry((data.rows[i].part, data.rows[i].toxic))
            .or_default() += 1;
    }
    let part_sizes: HashMap<usize, usize> = data
        .selection
        .iter()
        .enumerate()
        .map(|(p, s)| (p, s.train.len()))
        .collect();
    let training_parts = part_sizes.values().filter(|&&n| n > 0).count().max(1) as f64;
    let mean_part = train.len() as f64 / training_parts;
    let weight_of = |i: usize| -> f64 {
        let row = &data.rows[i];
        let n = counts.get(&(row.part, row.toxic)).copied().unwrap_or(1) as f64;
        let has_both = counts.contains_key(&(row.part, !row.toxic));
        let part = part_sizes.get(&row.part).copied().unwrap_or(1) as f64;
        match weighting {
            Weighting::None => 1.0,
            Weighting::Classes if has_both => part / (2.0 * n),
            Weighting::PartsAndClasses if has_both => mean_part / (2.0 * n),
            Weighting::PartsAndClasses => mean_part / part,
            Weighting::Classes => 1.0,
        }
    };

    // The tuning splits of the training parts, pooled per language with each text once (the
    // parts of ru_toxic_mixed share texts with the other Russian sets): they choose the L2
    // strength and the thresholds, so the validation figures are measured on texts nothing
    // was tuned on.
    let mut tune_by_language: BTreeMap<Language, Vec<usize>> = BTreeMap::new();
    let mut pooled_tune: HashSet<&str> = HashSet::new();
    for (p, part) in data.parts.iter().enumerate() {
        if part.usage == Usage::Train {
            tune_by_language.entry(part.language).or_default().extend(
                data.selection[p]
                    .tune
                    .iter()
                    .copied()
                    .filter(|&i| pooled_tune.insert(data.rows[i].key.as_str())),
            );
        }
    }
    let tune: Vec<usize> = tune_by_language.values().flatten().copied().collect();
    if tune.is_empty() {
        return Err(Error::InvalidInput(
            "no tuning rows were selected".to_owned(),
        ));
    }
    let options_for = |l2: f64, sparse_l2: f64| {
        let mut options = match head {
            HeadKind::Logistic => FitOptions::logistic(l2),
            HeadKind::Mlp(hidden) => FitOptions::mlp(hidden, l2, seed),
        };
        options.sparse_l2 = sparse_l2;
        options
    };
    let sparse_of = |i: usize| -> Result<&SparseFeatures> {
        text.and_then(|t| t.features.get(&data.rows[i].text))
            .ok_or_else(|| Error::InvalidInput("a selected row has no n-gram features".to_owned()))
    };
    let gather_sparse = |rows: &[usize]| -> Result<Vec<SparseFeatures>> {
        if text.is_none() {
            return Ok(Vec::new());
        }
        rows.iter().map(|&i| sparse_of(i).cloned()).collect()
    };
    let gather = |rows: &[usize]| -> Result<Gathered> {
        let mut x = Vec::with_capacity(rows.len());
        for &i in rows {
            x.push(vector(i)?.clone());
        }
        Ok((
            x,
            rows.iter().map(|&i| data.rows[i].toxic).collect(),
            rows.iter().map(|&i| weight_of(i)).collect(),
        ))
    };
    let grid: &[f64] = match head {
        HeadKind::Logistic => &L2_GRID,
        HeadKind::Mlp(_) => &L2_GRID[1..3],
    };
    let (fit_x, fit_y, fit_w) = gather(&train)?;
    let (tune_x, tune_y, _) = gather(&tune)?;
    let fit_sparse = gather_sparse(&train)?;
    let tune_sparse = gather_sparse(&tune)?;
    let sparse_input = text.map(|t| SparseInput {
        dimension: t.buckets,
        rows: &fit_sparse,
    });
    let sparse_grid: &[f64] = if text.is_some() {
        &SPARSE_L2_GRID
    } else {
        &[0.0]
    };
    // L2: the one-standard-error rule on the tuning log-loss (every tuning text counts once):
    // the strongest L2 whose mean tuning log-loss is within one standard error of the lowest.
    // First the embedding's strength without n-grams, then, with it fixed, the n-grams'
    // strength (a full grid of both takes too long on two cores). The n-gram weights are many
    // and each is read by few texts, so the weakest L2 fits quirks of the training sets
    // (clean words sharing a bucket with an insult) that the lowest loss alone cannot see.
    let tuning_loss = |outcome: &super::fit::FitOutcome| {
        let mut losses = Vec::with_capacity(tune_x.len());
        for (r, (x, &y)) in tune_x.iter().zip(&tune_y).enumerate() {
            let mut logit = outcome.weights.logit(x);
            if let Some(row) = tune_sparse.get(r) {
                logit += ngrams::dot(row, &outcome.sparse_weights);
            }
            let p = sigmoid(logit).clamp(1e-7, 1.0 - 1e-7);
            losses.push(-if y { p.ln() } else { (1.0 - p).ln() });
        }
        mean_and_standard_error(&losses)
    };
    // (loss, standard error, (l2, sparse l2), outcome) of every fit of one stage.
    type Tried = Vec<(f64, f64, (f64, f64), super::fit::FitOutcome)>;
    let one_standard_error = |tried: Tried| {
        let (lowest, error) = tried
            .iter()
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map_or((f64::INFINITY, 0.0), |t| (t.0, t.1));
        // The grids ascend, so the last fit within reach has the strongest L2.
        tried
            .into_iter()
            .rfind(|t| t.0 <= lowest + error)
            .map(|(loss, _, strengths, outcome)| (loss, strengths, outcome))
    };
    let mut tried: Tried = Vec::new();
    for &l2 in grid {
        let outcome = fit_with_sparse(&fit_x, None, &fit_y, &fit_w, &options_for(l2, 0.0))?;
        let (loss, error) = tuning_loss(&outcome);
        progress(&format!(
            "{head}: l2 {l2:e}: tuning log-loss {loss:.4} ± {error:.4} ({} steps)",
            outcome.iterations
        ));
        tried.push((loss, error, (l2, 0.0), outcome));
    }
    let mut best = one_standard_error(tried);
    if sparse_input.is_some() {
        let l2 = best.as_ref().map_or(L2_GRID[2], |(_, (l2, _), _)| *l2);
        let mut tried: Tried = Vec::new();
        for &sparse_l2 in sparse_grid {
            let mut options = options_for(l2, sparse_l2);
            options.max_iterations = SPARSE_MAX_ITERATIONS;
            let outcome = fit_with_sparse(&fit_x, sparse_input, &fit_y, &fit_w, &options)?;
            let (loss, error) = tuning_loss(&outcome);
            progress(&format!(
                "{head}: l2 {l2:e}, n-gram l2 {sparse_l2:e}: tuning log-loss {loss:.4} ± {error:.4} ({} steps)",
                outcome.iterations
            ));
            tried.push((loss, error, (l2, sparse_l2), outcome));
        }
        best = one_standard_error(tried);
    }
    let Some((_, (l2, sparse_l2), outcome)) = best else {
        return Err(Error::InvalidInput("an empty L2 grid".to_owned()));
    };
    progress(&format!(
        "{head}: kept l2 {l2:e}, n-gram l2 {sparse_l2:e}, {} steps, loss {:.4}, max gradient {:.2e}",
        outcome.iterations, outcome.loss, outcome.gradient_max
    ));
    // Stored with 4 significant digits (the n-gram weights as signed bytes); everything below
    // measures the stored weights.
    let weights = outcome.weights.rounded(WEIGHT_DIGITS);
    let stored_text = text.map(|_| TextFeatureWeights::quantise(&outcome.sparse_weights));
    let text_weights: Option<Vec<f32>> = match &stored_text {
        Some(stored) => Some(stored.weights().map_err(Error::InvalidInput)?),
        None => None,
    };
    let probability = |i: usize| -> Result<f32> {
        let mut logit = weights.logit(vector(i)?);
        if let Some(w) = &text_weights {
            logit += ngrams::dot(sparse_of(i)?, w);
        }
        Ok(sigmoid(logit) as f32)
    };

    // Scores of every evaluated row.
    let mut scores: HashMap<usize, f32> = HashMap::new();
    for selection in &data.selection {
        for &i in &selection.evaluated {
            scores.insert(i, probability(i)?);
        }
    }
    let group = |rows: &[usize]| -> (Vec<f32>, Vec<bool>) {
        (
            rows.iter()
                .map(|i| scores.get(i).copied().unwrap_or(0.0))
                .collect(),
            rows.iter().map(|&i| data.rows[i].toxic).collect(),
        )
    };

    // The validation splits of the training parts, pooled per language with each text once.
    let mut by_language: BTreeMap<Language, Vec<usize>> = BTreeMap::new();
    let mut pooled: HashSet<&str> = HashSet::new();
    for (p, part) in data.parts.iter().enumerate() {
        if part.usage == Usage::Train {
            by_language.entry(part.language).or_default().extend(
                data.selection[p]
                    .evaluated
                    .iter()
                    .copied()
                    .filter(|&i| pooled.insert(data.rows[i].key.as_str())),
            );
        }
    }
    let all: Vec<usize> = by_language.values().flatten().copied().collect();

    // Thresholds, on the tuning splits only.
    let tune_scores: HashMap<usize, f32> = tune
        .iter()
        .map(|&i| Ok((i, probability(i)?)))
        .collect::<Result<_>>()?;
    let tune_group = |rows: &[usize]| -> (Vec<f32>, Vec<bool>) {
        (
            rows.iter()
                .map(|i| tune_scores.get(i).copied().unwrap_or(0.0))
                .collect(),
            rows.iter().map(|&i| data.rows[i].toxic).collect(),
        )
    };
    let languages: Vec<(Vec<f32>, Vec<bool>)> = tune_by_language
        .values()
        .map(|rows| tune_group(rows))
        .filter(|(_, labels)| labels.iter().any(|&l| l) && labels.iter().any(|&l| !l))
        .collect();
    let (pooled_scores, pooled_labels) = tune_group(&tune);

    // Balanced: the best mean over languages of the pooled tuning macro-F1.
    let candidates = candidate_thresholds(&pooled_scores);
    let mut balanced = (f64::NEG_INFINITY, 0.5f32);
    for &t in &candidates {
        let mean = languages
            .iter()
            .map(|(s, l)| Confusion::at(s, l, t).macro_f1())
            .sum::<f64>()
            / languages.len().max(1) as f64;
        if mean > balanced.0 {
            balanced = (mean, t);
        }
    }
    // High precision: the lowest threshold (not below the balanced one) reaching the target
    // precision on all tuning texts; the most precise one if none does.
    let mut high_precision = None;
    let mut most_precise = (f64::NEG_INFINITY, balanced.1);
    for &t in &candidates {
        if t < balanced.1 {
            continue;
        }
        let precision = Confusion::at(&pooled_scores, &pooled_labels, t).precision();
        if precision >= HIGH_PRECISION_TARGET {
            high_precision = Some(t);
            break;
        }
        if precision > most_precise.0 {
            most_precise = (precision, t);
        }
    }
    let clamp = |t: f32| t.clamp(1e-4, 1.0 - 1e-4);
    let thresholds = Thresholds {
        balanced: clamp(balanced.1),
        high_precision: clamp(high_precision.unwrap_or(most_precise.1)),
    };
    progress(&format!(
        "{head}: thresholds balanced {:.4} (mean tuning macro-F1 over languages {:.4}), \
         high precision {:.4}",
        thresholds.balanced, balanced.0, thresholds.high_precision
    ));
    let tuning: Vec<GroupMetrics> = tune_by_language
        .iter()
        .map(|(language, rows)| {
            let (s, l) = tune_group(rows);
            GroupMetrics::new(format!("tuning/{language}"), &s, &l, thresholds)
        })
        .collect();

    // Measurements.
    let measure = |name: String, rows: &[usize]| {
        let (s, l) = group(rows);
        GroupMetrics::new(name, &s, &l, thresholds)
    };
    let mut validation = Vec::new();
    for (p, part) in data.parts.iter().enumerate() {
        if part.usage == Usage::Train {
            validation.push(measure(part.id.clone(), &data.selection[p].evaluated));
        }
    }
    for (language, rows) in &by_language {
        validation.push(measure(format!("validation/{language}"), rows));
    }
    validation.push(measure("validation/all".to_owned(), &all));

    let mut evaluation = Vec::new();
    let mut false_alarms = Vec::new();
    for (p, part) in data.parts.iter().enumerate() {
        let rows = &data.selection[p].evaluated;
        let mut subgroups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let mut kinds: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for &i in rows {
            if !data.rows[i].group.is_empty() {
                subgroups
                    .entry(data.rows[i].group.clone())
                    .or_default()
                    .push(i);
            }
            if !data.rows[i].kind.is_empty() {
                kinds.entry(data.rows[i].kind.clone()).or_default().push(i);
            }
        }
        let target = match part.usage {
            Usage::Train => continue,
            Usage::Evaluation => &mut evaluation,
            Usage::FalseAlarms => &mut false_alarms,
        };
        target.push(measure(part.id.clone(), rows));
        for (name, members) in subgroups.iter().chain(&kinds) {
            target.push(measure(format!("{}/{name}", part.id), members));
        }
    }

    // For a human look: the highest-scored clean texts of the Uzbek sets.
    let mut examples = Vec::new();
    for (p, part) in data.parts.iter().enumerate() {
        if part.language != Language::Uz {
            continue;
        }
        let mut clean: Vec<(f32, usize)> = data.selection[p]
            .evaluated
            .iter()
            .filter(|&&i| !data.rows[i].toxic)
            .map(|&i| (scores.get(&i).copied().unwrap_or(0.0), i))
            .collect();
        clean.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        examples.extend(clean.iter().take(EXAMPLES).map(|&(score, i)| Example {
            part: part.id.clone(),
            score,
            text: data.rows[i].text.clone(),
        }));
    }
    Ok(Run {
        weights,
        text: stored_text,
        l2,
        sparse_l2: text.map(|_| sparse_l2),
        iterations: outcome.iterations,
        thresholds,
        tuning,
        validation,
        evaluation,
        false_alarms,
        examples,
    })
}

// ------------------------------------------------------------------------------------------
// Report

fn percent(v: f64) -> String {
    format!("{:.1}", v * 100.0)
}

fn three(v: f64) -> String {
    format!("{v:.3}")
}

fn auc(v: Option<f64>) -> String {
    v.map_or_else(|| "–".to_owned(), three)
}

fn metrics_table(out: &mut String, groups: &[GroupMetrics]) -> std::fmt::Result {
    writeln!(
        out,
        "| group | texts | toxic | precision | recall | F1 | macro-F1 | ROC-AUC | precision @hp | recall @hp |"
    )?;
    writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")?;
    for g in groups {
        let (b, h) = (&g.balanced, &g.high_precision);
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            g.name,
            b.total(),
            b.positives(),
            three(b.precision()),
            three(b.recall()),
            three(b.f1()),
            three(b.macro_f1()),
            auc(g.roc_auc),
            three(h.precision()),
            three(h.recall()),
        )?;
    }
    Ok(())
}

impl std::fmt::Display for TrainReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut out = String::new();
        writeln!(out, "## Run\n")?;
        writeln!(out, "- Command: `{}`", self.command)?;
        writeln!(
            out,
            "- Features: multilingual-e5-small (`{}`), prefix `{}`, 384-d, L2-normalised",
            MULTILINGUAL_E5_SMALL.requirement(),
            self.prefix.as_str()
        )?;
        match self.text_buckets {
            Some(buckets) => writeln!(
                out,
                "- Text features: hashed character n-grams (`{}`, {buckets} buckets: 2-5-grams \
                 of the lowercased words, 3-5-grams of the de-spaced, de-leeted, \
                 transliterated skeleton), their weights stored as signed bytes, added to the \
                 embedding's logit",
                ngrams::SCHEME
            )?,
            None => writeln!(out, "- Text features: none (the embedding only)")?,
        }
        writeln!(
            out,
            "- Head: {}, L2 {:e}{} (the strongest within one standard error of the lowest tuning log-loss), {} Adam steps, seed {}",
            self.head,
            self.l2,
            self.sparse_l2
                .map_or_else(String::new, |l2| format!(", n-gram L2 {l2:e}")),
            self.iterations,
            self.seed
        )?;
        writeln!(
            out,
            "- Thresholds: **balanced {:.4}** (max mean over ru and en of the pooled tuning \
             macro-F1), **high precision {:.4}** (lowest with pooled tuning precision ≥ {}); \
             nothing is tuned on the validation split",
            self.thresholds.balanced, self.thresholds.high_precision, HIGH_PRECISION_TARGET
        )?;
        writeln!(
            out,
            "- Caps: ≤ {} training rows per part (half toxic, half clean where possible), ≤ {} \
             tuning and ≤ {1} validation rows per training part, ≤ {} rows per evaluation-only \
             part (stratified by label and sentiment/polarity); the Uzbek sets are used whole",
            self.caps.train_per_set,
            self.caps.evaluation_per_set,
            self.caps.evaluation_only_per_set
        )?;
        writeln!(
            out,
            "- Split: key = normalised cleaned text (ParaDetox: the group's toxic original); \
             validation if `u32(sha256(\"{SPLIT_SALT}\" ‖ 0 ‖ key)[0..4]) % 100 < {VALIDATION_PERCENT}`, \
             else tuning if `u32(sha256(\"{TUNE_SALT}\" ‖ 0 ‖ key)[0..4]) % 100 < {TUNE_PERCENT}`, \
             else training; identical texts keep their first occurrence's side; training \
             de-duplicated across sets"
        )?;
        writeln!(
            out,
            "- Embedded {} texts, {} from the cache; {:.0} s embedding, {:.0} s fitting, {:.0} s in all\n",
            self.embedded.0, self.embedded.1, self.seconds.0, self.seconds.1, self.seconds.2
        )?;

        writeln!(out, "## Data\n")?;
        writeln!(
            out,
            "| part | lang | licence | use | rows | train | evaluated |"
        )?;
        writeln!(out, "|---|---|---|---|---:|---:|---:|")?;
        for p in &self.parts {
            writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                p.id, p.language, p.licence, p.decision, p.rows, p.train_rows, p.evaluated_rows
            )?;
        }
        writeln!(out)?;
        for (reason, count) in &self.dropped {
            writeln!(out, "- {reason}: {count}")?;
        }
        writeln!(out)?;

        writeln!(
            out,
            "## Validation (held-out 20% of the training sets)\n\nAt the balanced threshold; \
             `@hp` at the high-precision one.\n"
        )?;
        metrics_table(&mut out, &self.validation)?;
        writeln!(out)?;
        writeln!(
            out,
            "## Tuning split (chose L2 and the thresholds; not a test figure)\n"
        )?;
        metrics_table(&mut out, &self.tuning)?;
        writeln!(out)?;
        writeln!(
            out,
            "## Evaluation-only sets\n\n`uz_eval` is `models/data/toxicity_uz_eval.tsv` (by script, then \
             by kind).\n"
        )?;
        metrics_table(&mut out, &self.evaluation)?;
        writeln!(out)?;

        writeln!(out, "## False alarms on real reviews (all assumed clean)\n")?;
        writeln!(
            out,
            "| group | texts | flagged (balanced) | rate | flagged (high precision) | rate |"
        )?;
        writeln!(out, "|---|---:|---:|---:|---:|---:|")?;
        for g in &self.false_alarms {
            writeln!(
                out,
                "| {} | {} | {} | {}% | {} | {}% |",
                g.name,
                g.balanced.total(),
                g.balanced.false_positives,
                percent(g.balanced.false_alarm_rate()),
                g.high_precision.false_positives,
                percent(g.high_precision.false_alarm_rate()),
            )?;
        }
        writeln!(out)?;

        writeln!(
            out,
            "Highest-scored clean Uzbek texts (a \u{2713} marks a score at or above the balanced \
             threshold):\n"
        )?;
        writeln!(out, "| set | score | text |")?;
        writeln!(out, "|---|---:|---|")?;
        for e in &self.uzbek_false_alarms {
            let flag = if e.score >= self.thresholds.balanced {
                " \u{2713}"
            } else {
                ""
            };
            let text: String = e.text.chars().take(160).collect();
            writeln!(
                out,
                "| {} | {:.3}{flag} | {} |",
                e.part,
                e.score,
                text.replace('|', "\\|")
            )?;
        }
        writeln!(out)?;

        if !self.ablations.is_empty() {
            writeln!(
                out,
                "## Ablations (same data; each at its own balanced threshold, chosen on the tuning split)\n"
            )?;
            let columns = [
                "tuning/ru",
                "tuning/en",
                "validation/ru",
                "validation/en",
                "ru_toxic_mixed/kaggle_2ch_pikabu_or_ok_mlcup",
                "en_ethos_hate_binary",
                "uz_eval",
                "uz_eval/latn",
                "uz_eval/cyrl",
            ];
            write!(out, "| variant | threshold |")?;
            for c in columns {
                write!(out, " {c} macro-F1 / AUC |")?;
            }
            writeln!(out, " uz reviews false alarms (negative) |")?;
            write!(out, "|---|---:|")?;
            for _ in columns {
                write!(out, "---:|")?;
            }
            writeln!(out, "---:|")?;
            for a in &self.ablations {
                let find = |name: &str| a.groups.iter().find(|g| g.name == name);
                write!(out, "| {} | {:.3} |", a.variant, a.threshold)?;
                for c in columns {
                    match find(c) {
                        Some(g) => write!(
                            out,
                            " {} / {} |",
                            three(g.balanced.macro_f1()),
                            auc(g.roc_auc)
                        )?,
                        None => write!(out, " – |")?,
                    }
                }
                let rate = |name: &str| {
                    find(name).map_or_else(
                        || "–".to_owned(),
                        |g| format!("{}%", percent(g.balanced.false_alarm_rate())),
                    )
                };
                writeln!(
                    out,
                    " {} ({}) |",
                    rate("uz_app_reviews_sentiment"),
                    rate("uz_app_reviews_sentiment/negative")
                )?;
            }
            writeln!(out)?;
        }
        f.write_str(&out)
    }
}

/// Features, labels and sample weights of a set of rows.
type Gathered = (Vec<Vec<f32>>, Vec<bool>, Vec<f64>);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn balanced_sampling_halves_and_fills() {
        let rows: Vec<usize> = (0..10).collect();
        // 3 toxic (0..3), 7 clean.
        let picked = sample_balanced(&rows, 6, |i| i < 3, |i| i as u32);
        assert_eq!(picked, vec![0, 1, 2, 3, 4, 5]);
        let picked = sample_balanced(&rows, 4, |i| i < 3, |i| 100 - i as u32);
        assert_eq!(picked, vec![1, 2, 8, 9]);
        assert_eq!(
            sample_balanced(&rows, 100, |i| i < 3, |i| i as u32).len(),
            10
        );
    }

    #[test]
    fn stratified_sampling_keeps_proportions() {
        let rows: Vec<usize> = (0..100).collect();
        let picked = sample_stratified(&rows, 10, |i| (i < 20).to_string(), |i| i as u32);
        assert_eq!(picked.len(), 10);
        assert_eq!(picked.iter().filter(|&&i| i < 20).count(), 2);
        assert_eq!(
            sample_stratified(&rows[..5], 10, |_| String::new(), |i| i as u32).len(),
            5
        );
    }

    #[test]
    fn the_split_rule_holds_out_about_a_fifth() {
        let held = (0..10_000)
            .filter(|i| side_of(&format!("text {i}")) == Side::Validation)
            .count();
        assert!((1800..2200).contains(&held), "{held}");
    }

    #[test]
    fn parses_the_uzbek_set_format() {
        let rows = parse_uz_eval("text\tlabel\tscript\tkind\nQo'g'irchoq zo'r\t0\tlatn\treview\n\nАҳмоқ\t1\tcyrl\tcomment\n").unwrap();
        assert_eq!(rows.len(), 2);
        assert!(rows[1].toxic);
        assert!(parse_uz_eval("text\tlabel\tscript\tkind\nx\t2\tlatn\treview\n").is_err());
        assert!(parse_uz_eval("text,label\n").is_err());
        assert!(parse_uz_eval("text\tlabel\tscript\tkind\nx\t1\tarab\treview\n").is_err());
    }

    #[test]
    fn the_committed_uzbek_set_is_balanced_across_scripts_and_labels() {
        let rows = parse_uz_eval(include_str!("../../data/toxicity_uz_eval.tsv")).unwrap();
        assert!(rows.len() >= 300, "{}", rows.len());
        let count = |script: &str, toxic: bool| {
            rows.iter()
                .filter(|r| r.script == script && r.toxic == toxic)
                .count()
        };
        for script in ["latn", "cyrl"] {
            for toxic in [true, false] {
                assert!(
                    count(script, toxic) >= 70,
                    "{script} {toxic}: {}",
                    count(script, toxic)
                );
            }
        }
        let mut texts: Vec<&str> = rows.iter().map(|r| r.text.as_str()).collect();
        texts.sort_unstable();
        let before = texts.len();
        texts.dedup();
        assert_eq!(before, texts.len(), "duplicate texts");
    }
}
