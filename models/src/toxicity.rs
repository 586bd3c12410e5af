//! Text toxicity: a small trained head over multilingual-e5-small embeddings.
//!
//! - [`ToxicityHead`]: the head committed at `models/data/toxicity_head.json` (a logistic
//!   regression over the 384-d E5 embedding, a few KB; format 2 heads add hashed character
//!   n-grams of the text, [`ngrams`]), with its two thresholds, the embedding it reads (model, weights
//!   sha256, prefix), its training record and metrics.
//! - [`ToxicityClassifier`]: embedder plus head. It scores a text as [`Toxicity`], which is
//!   either [`Toxicity::Scored`] with a probability or [`Toxicity::Unscored`] with a reason:
//!   empty text, text with no letters or digits, text whose tokens the model does not know, or
//!   text too long to score. An unscored text is never "not toxic"; callers must decide what to
//!   do with it (moderation holds it for a person). Texts longer than the model's window are
//!   cut into chunks that fit, each chunk is scored, and the text gets the highest score.
//! - [`FastStage`] ([`fast`]): the first stage of the listing cascade, set with
//!   [`ToxicityClassifier::with_fast_stage`]: hashed character n-grams alone, cheap enough for
//!   every text; it clears the texts it is sure of and [`ToxicityClassifier::score_many`] sends
//!   the rest to the encoder head ([`ToxicityClassifier::score_many_with_encoder`] skips it).
//! - [`train`]: reproducible training from the shared datasets (see `models/data/README.md`
//!   and `models/data/toxicity_head.md` for the data, caps, split rule and metrics).
//! - [`fit`], [`metrics`], [`csv`], [`ngrams`]: the pieces the trainer is made of.
//!
//! Thresholds: [`Thresholds::balanced`] maximises macro-F1 on the tuning splits (hold for
//! review); [`Thresholds::high_precision`] is the lowest threshold with precision ≥ 0.95 on
//! the pooled tuning splits (act without a human). Both are stored in the head file; the
//! validation splits they are reported on were not used to choose them.
//!
//! Quality, in short (see `models/data/toxicity_head.md`): good on Russian and English, weak on
//! Uzbek (no Uzbek training data exists; recall on the project's Uzbek set is well under half
//! at the balanced threshold). Use it together with the moderation lexicon, not alone.

pub mod csv;
mod embedding_cache;
pub mod fast;
pub mod fit;
mod head;
pub mod metrics;
pub mod ngrams;
mod text;
pub mod train;

use std::collections::HashSet;
use std::sync::Arc;

pub use self::fast::FastStage;
pub use self::head::{
    DatasetRecord, EmbeddingSpec, FeaturePrefix, HEAD_FORMAT, HeadFile, HeadWeights, MetricSummary,
    TextFeatureWeights, ThresholdLevel, Thresholds, ToxicityHead, TrainingRecord,
};
pub use self::text::{clean_text, normalise_key};
use crate::manifest::MULTILINGUAL_E5_SMALL;
use crate::{E5Embedder, Embedder, Error, Result, TextKind};

/// A text longer than this many model windows is not scored ([`UnscoredReason::TooLong`]).
pub const MAX_CHUNKS: usize = 64;

/// The `<unk>` id of the XLM-RoBERTa vocabulary multilingual-e5-small uses.
const XLMR_UNKNOWN: u32 = 3;

/// An embedder whose token window the classifier can inspect, to find texts that would be
/// truncated or that hold no token the model knows.
pub trait WindowedEmbedder: Embedder {
    /// Returns the embedding model's name, as the manifest and head files give it.
    fn model_name(&self) -> &str;
    /// Returns the ids the model sees for `text` (special tokens and prefix included), at most
    /// [`WindowedEmbedder::max_tokens`] of them: a text that fills the window may have been
    /// truncated.
    fn token_ids(&self, kind: TextKind, text: &str) -> Vec<u32>;
    /// Returns the size of the model's window in tokens.
    fn max_tokens(&self) -> usize;
    /// Returns whether `id` is the unknown-token id.
    fn is_unknown_token(&self, id: u32) -> bool;
}

impl WindowedEmbedder for E5Embedder {
    fn model_name(&self) -> &str {
        MULTILINGUAL_E5_SMALL.name
    }

    fn token_ids(&self, kind: TextKind, text: &str) -> Vec<u32> {
        self.tokenize(kind, text)
    }

    fn max_tokens(&self) -> usize {
        E5Embedder::max_tokens(self)
    }

    fn is_unknown_token(&self, id: u32) -> bool {
        id == XLMR_UNKNOWN
    }
}

/// The longest cleaned text the fast stage may clear without the encoder's checks: far below
/// [`MAX_CHUNKS`] windows of any model.
const MAX_CLEARED_CHARS: usize = 20_000;

/// Whether the encoder would score `cleaned` (as [`clean_text`] leaves it), decided without
/// tokenising it, so the fast stage may clear it in the encoder's stead: it has a letter or
/// digit, at least one basic Latin or Cyrillic letter (pieces every multilingual vocabulary
/// knows, so it cannot be [`UnscoredReason::UnknownTokens`]), and it is short enough never to
/// be [`UnscoredReason::TooLong`]. Any other text goes through the encoder's own checks.
fn encoder_would_score(cleaned: &str) -> bool {
    cleaned.len() <= MAX_CLEARED_CHARS
        && cleaned
            .chars()
            .any(|c| c.is_ascii_alphabetic() || ('\u{0410}'..='\u{044F}').contains(&c))
}

/// Why a text was not scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnscoredReason {
    /// Nothing is left once whitespace, URLs and markup are removed.
    Empty,
    /// No letter or digit (only punctuation, symbols or emoji).
    NoWords,
    /// The model knows none of the text's tokens (an unsupported script).
    UnknownTokens,
    /// Longer than [`MAX_CHUNKS`] model windows.
    TooLong {
        /// The number of windows it would take.
        chunks: usize,
    },
}

impl std::fmt::Display for UnscoredReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UnscoredReason::Empty => write!(f, "the text is empty"),
            UnscoredReason::NoWords => write!(f, "the text has no letters or digits"),
            UnscoredReason::UnknownTokens => write!(f, "the model knows none of the text's tokens"),
            UnscoredReason::TooLong { chunks } => write!(
                f,
                "the text takes {chunks} model windows, more than the {MAX_CHUNKS} scored"
            ),
        }
    }
}

/// A toxicity probability and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct ToxicityScore {
    /// Probability that the text is toxic (insult, profanity, threat, harassment, hate), in
    /// `0.0..=1.0`; for a chunked text, the highest of its chunks.
    pub probability: f32,
    /// What scored it: the head and embedding (`name@version/embedding-model`), or the
    /// cascade's fast stage (`name@version/char-ngrams`) when that cleared the text.
    pub model: Arc<str>,
    /// How many encoder windows the text took (1 unless it was long; 0 when the fast stage
    /// cleared it).
    pub chunks: usize,
    /// The head's thresholds.
    pub thresholds: Thresholds,
}

impl ToxicityScore {
    /// Returns whether the probability reaches the threshold of `level`.
    pub fn is_flagged(&self, level: ThresholdLevel) -> bool {
        self.probability >= self.thresholds.get(level)
    }
}

/// The outcome of scoring one text: a score, or the reason there is none.
///
/// There is deliberately no "not toxic" without a score: callers match both arms.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub enum Toxicity {
    /// The text was scored.
    Scored(ToxicityScore),
    /// The text could not be scored; it is not known to be clean.
    Unscored {
        /// Why.
        reason: UnscoredReason,
    },
}

/// A three-way decision at one threshold level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToxicityDecision {
    /// Scored at or above the threshold.
    Flagged,
    /// Scored below the threshold.
    Passed,
    /// Not scored: neither flagged nor passed.
    Unscored(UnscoredReason),
}

impl Toxicity {
    /// Returns the score, if the text was scored.
    pub fn score(&self) -> Option<&ToxicityScore> {
        match self {
            Toxicity::Scored(score) => Some(score),
            Toxicity::Unscored { .. } => None,
        }
    }

    /// Returns the decision at `level`.
    pub fn decide(&self, level: ThresholdLevel) -> ToxicityDecision {
        match self {
            Toxicity::Scored(score) if score.is_flagged(level) => ToxicityDecision::Flagged,
            Toxicity::Scored(_) => ToxicityDecision::Passed,
            Toxicity::Unscored { reason } => ToxicityDecision::Unscored(*reason),
        }
    }
}

/// An embedder and a toxicity head: scores texts.
///
/// With [`E5Embedder`] under the `query: ` prefix, scored texts pass through the embedder's
/// query cache; give the classifier its own embedder (or one with the cache off) when that
/// matters.
pub struct ToxicityClassifier<E: WindowedEmbedder = E5Embedder> {
    embedder: Arc<E>,
    head: ToxicityHead,
    kind: TextKind,
    /// Ids that every input carries whatever the text: specials and the prefix's pieces.
    overhead_ids: HashSet<u32>,
    /// The cascade's first stage, when one is set ([`ToxicityClassifier::with_fast_stage`]).
    fast: Option<Arc<FastStage>>,
}

impl<E: WindowedEmbedder> std::fmt::Debug for ToxicityClassifier<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ToxicityClassifier")
            .field("head", self.head.tag())
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

impl<E: WindowedEmbedder> ToxicityClassifier<E> {
    /// Combines `embedder` with `head`.
    ///
    /// Fails with [`Error::MalformedModel`] when the head was trained on another embedding
    /// model or dimension.
    pub fn new(embedder: Arc<E>, head: ToxicityHead) -> Result<Self> {
        let spec = head.embedding();
        if spec.model != embedder.model_name() || spec.dimension != embedder.dimension() {
            return Err(Error::MalformedModel {
                file: head.tag().to_string(),
                reason: format!(
                    "the head reads {} ({} dimensions), the embedder is {} ({} dimensions)",
                    spec.model,
                    spec.dimension,
                    embedder.model_name(),
                    embedder.dimension()
                ),
            });
        }
        let kind = spec.prefix.text_kind();
        let overhead_ids = embedder.token_ids(kind, "").into_iter().collect();
        Ok(Self {
            embedder,
            head,
            kind,
            overhead_ids,
            fast: None,
        })
    }

    /// Puts `stage` in front of the encoder: [`ToxicityClassifier::score_many`] then sends a
    /// text to the encoder only when the stage does not clear it (see [`fast`]).
    ///
    /// Fails with [`Error::MalformedModel`] when the stage was made for another head or its
    /// defer probability is not below the head's balanced threshold (a cleared text must stay
    /// below every review floor).
    pub fn with_fast_stage(mut self, stage: Arc<FastStage>) -> Result<Self> {
        let malformed = |reason: String| Error::MalformedModel {
            file: stage.tag().to_string(),
            reason,
        };
        if stage.file().for_head != self.head.tag().as_ref() {
            return Err(malformed(format!(
                "the stage clears texts for {}, the head is {}",
                stage.file().for_head,
                self.head.tag()
            )));
        }
        if stage.defer_probability() >= self.head.thresholds().balanced {
            return Err(malformed(format!(
                "defer probability {} is not below the head's balanced threshold {}",
                stage.defer_probability(),
                self.head.thresholds().balanced
            )));
        }
        self.fast = Some(stage);
        Ok(self)
    }

    /// Returns the cascade's first stage, if one is set.
    pub fn fast_stage(&self) -> Option<&Arc<FastStage>> {
        self.fast.as_ref()
    }

    /// Returns the head.
    pub fn head(&self) -> &ToxicityHead {
        &self.head
    }

    /// Scores one text.
    ///
    /// An `Err` is a failure of the model itself (an internal error); a text that cannot be
    /// scored is `Ok(Toxicity::Unscored { .. })`.
    pub fn score(&self, text: &str) -> Result<Toxicity> {
        let mut scored = self.score_many(&[text])?;
        scored.pop().ok_or_else(|| {
            Error::InvalidInput("the classifier returned no score for one text".to_owned())
        })
    }

    /// Scores many texts in one batch (rayon inside the embedder); one result per text, in
    /// order.
    ///
    /// With a fast stage set, a scorable text the stage clears gets the stage's probability
    /// and tag and skips the encoder; every other text is scored by the encoder head.
    pub fn score_many(&self, texts: &[&str]) -> Result<Vec<Toxicity>> {
        self.score_with(texts, self.fast.as_deref())
    }

    /// Like [`ToxicityClassifier::score_many`], with the encoder head on every text even when
    /// a fast stage is set.
    pub fn score_many_with_encoder(&self, texts: &[&str]) -> Result<Vec<Toxicity>> {
        self.score_with(texts, None)
    }

    fn score_with(&self, texts: &[&str], fast: Option<&FastStage>) -> Result<Vec<Toxicity>> {
        let thresholds = self.head.thresholds();
        let mut cleared: Vec<Option<f32>> = vec![None; texts.len()];
        let prepared: Vec<std::result::Result<Vec<String>, UnscoredReason>> = texts
            .iter()
            .zip(&mut cleared)
            .map(|(text, cleared)| {
                let cleaned = clean_text(text);
                if let Some(stage) = fast
                    && encoder_would_score(&cleaned)
                {
                    *cleared = stage.clears(&cleaned);
                    if cleared.is_some() {
                        return Ok(Vec::new());
                    }
                }
                self.prepare(&cleaned)
            })
            .collect();
        let chunks: Vec<&str> = prepared
            .iter()
            .filter_map(|p| p.as_ref().ok())
            .flatten()
            .map(String::as_str)
            .collect();
        let embeddings = if chunks.is_empty() {
            Vec::new()
        } else {
            self.embedder.embed(self.kind, &chunks)?
        };
        let mut probabilities = Vec::with_capacity(embeddings.len());
        for (chunk, embedding) in chunks.iter().zip(&embeddings) {
            probabilities.push(self.head.probability(chunk, embedding)?);
        }
        let mut next = probabilities.into_iter();
        let mut out = Vec::with_capacity(texts.len());
        for (prepared, cleared) in prepared.into_iter().zip(cleared) {
            match (prepared, cleared, fast) {
                (Err(reason), _, _) => out.push(Toxicity::Unscored { reason }),
                (Ok(_), Some(probability), Some(stage)) => {
                    out.push(Toxicity::Scored(ToxicityScore {
                        probability,
                        model: Arc::clone(stage.tag()),
                        chunks: 0,
                        thresholds,
                    }))
                }
                (Ok(text_chunks), _, _) => {
                    let mut probability = f32::NEG_INFINITY;
                    for _ in 0..text_chunks.len() {
                        let p = next.next().ok_or_else(|| {
                            Error::InvalidInput("the embedder returned too few vectors".to_owned())
                        })?;
                        probability = probability.max(p);
                    }
                    out.push(Toxicity::Scored(ToxicityScore {
                        probability,
                        model: Arc::clone(self.head.tag()),
                        chunks: text_chunks.len(),
                        thresholds,
                    }));
                }
            }
        }
        Ok(out)
    }

    /// Cuts a text already passed through `clean_text` into chunks that fit the model's
    /// window, or says why it cannot be scored.
    fn prepare(&self, cleaned: &str) -> std::result::Result<Vec<String>, UnscoredReason> {
        if cleaned.is_empty() {
            return Err(UnscoredReason::Empty);
        }
        if !cleaned.chars().any(char::is_alphanumeric) {
            return Err(UnscoredReason::NoWords);
        }
        let mut chunks = Vec::new();
        self.split_to_fit(cleaned, &mut chunks);
        if chunks.len() > MAX_CHUNKS {
            return Err(UnscoredReason::TooLong {
                chunks: chunks.len(),
            });
        }
        chunks.retain(|chunk| self.has_known_tokens(chunk));
        if chunks.is_empty() {
            return Err(UnscoredReason::UnknownTokens);
        }
        Ok(chunks)
    }

    /// Whether the model would see the whole of `text`: a tokenisation shorter than the
    /// window was not truncated.
    fn fits(&self, text: &str) -> bool {
        self.embedder.token_ids(self.kind, text).len() < self.embedder.max_tokens()
    }

    fn has_known_tokens(&self, text: &str) -> bool {
        self.embedder
            .token_ids(self.kind, text)
            .iter()
            .any(|&id| !self.embedder.is_unknown_token(id) && !self.overhead_ids.contains(&id))
    }

    /// Halves `text` (at the whitespace nearest its middle, else at its middle character)
    /// until every piece fits, pushing the pieces in order. Stops splitting once there are
    /// more than [`MAX_CHUNKS`] pieces: such a text is not scored anyway.
    fn split_to_fit(&self, text: &str, out: &mut Vec<String>) {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        if out.len() > MAX_CHUNKS || self.fits(text) {
            out.push(text.to_owned());
            return;
        }
        let middle = text.len() / 2;
        let boundaries = text.char_indices().map(|(i, _)| i);
        let spaces = text
            .char_indices()
            .filter(|(_, c)| c.is_whitespace())
            .map(|(i, _)| i);
        let nearest = |indices: &mut dyn Iterator<Item = usize>| {
            indices
                .filter(|&i| i > 0)
                .min_by_key(|&i| i.abs_diff(middle))
        };
        let Some(cut) =
            nearest(&mut spaces.into_iter()).or_else(|| nearest(&mut boundaries.into_iter()))
        else {
            out.push(text.to_owned());
            return;
        };
        self.split_to_fit(&text[..cut], out);
        self.split_to_fit(&text[cut..], out);
    }
}

#[cfg(test)]
mod tests {
    use super::head::testing::head_file;
    use super::*;
    use crate::HashingEmbedder;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A stand-in with a tiny window: one token per four characters of each word, `<unk>` for
    /// words without a Latin letter, and `<s>`/`</s>` around.
    struct Tiny {
        inner: HashingEmbedder,
        window: usize,
        /// Texts embedded so far.
        embedded: AtomicUsize,
    }

    impl Embedder for Tiny {
        fn dimension(&self) -> usize {
            self.inner.dimension()
        }

        fn embed(&self, kind: TextKind, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
            for text in texts {
                assert!(self.token_ids(kind, text).len() < self.window, "{text:?}");
            }
            self.embedded.fetch_add(texts.len(), Ordering::Relaxed);
            self.inner.embed(kind, texts)
        }
    }

    impl WindowedEmbedder for Tiny {
        fn model_name(&self) -> &str {
            "hashing"
        }

        fn token_ids(&self, _kind: TextKind, text: &str) -> Vec<u32> {
            let mut ids = vec![0];
            for word in text.split_whitespace() {
                let known = word.chars().any(|c| c.is_ascii_alphabetic());
                for _ in 0..word.chars().count().div_ceil(4) {
                    ids.push(if known { 10 } else { XLMR_UNKNOWN });
                }
            }
            ids.truncate(self.window - 1);
            ids.push(2);
            ids
        }

        fn max_tokens(&self) -> usize {
            self.window
        }

        fn is_unknown_token(&self, id: u32) -> bool {
            id == XLMR_UNKNOWN
        }
    }

    /// A head that flags texts containing "bad" through the hashed trigram " ba".
    fn classifier(window: usize) -> ToxicityClassifier<Tiny> {
        let inner = HashingEmbedder::new(256);
        let probe = inner.embed(TextKind::Query, &["bad"]).unwrap().remove(0);
        let weights: Vec<f32> = probe.iter().map(|v| v * 40.0).collect();
        let head = ToxicityHead::from_head_file(head_file(
            HeadWeights::Logistic {
                weights,
                bias: -16.0,
            },
            256,
        ))
        .unwrap();
        ToxicityClassifier::new(
            Arc::new(Tiny {
                inner,
                window,
                embedded: AtomicUsize::new(0),
            }),
            head,
        )
        .unwrap()
    }

    #[test]
    fn unscorable_texts_are_never_passed() {
        let c = classifier(16);
        let cases = [
            ("", UnscoredReason::Empty),
            ("   \n\t ", UnscoredReason::Empty),
            ("https://example.com/x", UnscoredReason::Empty),
            ("!!! ??? 😡", UnscoredReason::NoWords),
            ("проверка связи", UnscoredReason::UnknownTokens),
        ];
        for (text, reason) in cases {
            let outcome = c.score(text).unwrap();
            assert_eq!(outcome, Toxicity::Unscored { reason }, "{text:?}");
            for level in [ThresholdLevel::Balanced, ThresholdLevel::HighPrecision] {
                assert_eq!(
                    outcome.decide(level),
                    ToxicityDecision::Unscored(reason),
                    "{text:?}"
                );
            }
        }
    }

    #[test]
    fn long_texts_are_chunked_and_take_the_worst_chunk() {
        let c = classifier(8);
        let clean = "fine toy for kids ".repeat(10);
        let outcome = c.score(&clean).unwrap();
        let Toxicity::Scored(score) = outcome else {
            panic!("{outcome:?}")
        };
        assert!(score.chunks > 1);
        assert!(!score.is_flagged(ThresholdLevel::Balanced), "{score:?}");
        // The insult sits at the very end, past any first window.
        let outcome = c.score(&format!("{clean} bad bad bad")).unwrap();
        assert_eq!(
            outcome.decide(ThresholdLevel::Balanced),
            ToxicityDecision::Flagged
        );
        // A single word too long for the window is cut inside.
        let outcome = c.score(&"x".repeat(50)).unwrap();
        assert!(outcome.score().is_some(), "{outcome:?}");
    }

    #[test]
    fn too_long_texts_are_unscored() {
        let c = classifier(4);
        let outcome = c.score(&"word ".repeat(MAX_CHUNKS * 4)).unwrap();
        assert!(
            matches!(
                outcome,
                Toxicity::Unscored {
                    reason: UnscoredReason::TooLong { .. }
                }
            ),
            "{outcome:?}"
        );
    }

    #[test]
    fn batches_keep_order_and_mix_scored_and_unscored() {
        let c = classifier(16);
        let out = c.score_many(&["bad bad", "", "nice toy"]).unwrap();
        assert_eq!(
            out[0].decide(ThresholdLevel::Balanced),
            ToxicityDecision::Flagged
        );
        assert_eq!(
            out[1],
            Toxicity::Unscored {
                reason: UnscoredReason::Empty
            }
        );
        assert_eq!(
            out[2].decide(ThresholdLevel::Balanced),
            ToxicityDecision::Passed
        );
        assert_eq!(&*out[2].score().unwrap().model, "test-head@0/hashing");
    }

    #[test]
    fn the_fast_stage_clears_plain_text_and_sends_the_rest_to_the_encoder() {
        let c = classifier(16);
        let stage = Arc::new(fast::testing::test_stage("test-head@0/hashing"));
        let c = c.with_fast_stage(Arc::clone(&stage)).unwrap();
        let texts = ["nice toy for kids", "bad bad", "", "ხის კუბიკები"];
        let before = c.embedder.embedded.load(Ordering::Relaxed);
        let out = c.score_many(&texts).unwrap();
        // Only the text the stage defers reaches the encoder.
        assert_eq!(c.embedder.embedded.load(Ordering::Relaxed) - before, 1);
        let cleared = out[0].score().unwrap();
        assert_eq!(&*cleared.model, &**stage.tag());
        assert_eq!(cleared.chunks, 0);
        assert!(cleared.probability < stage.defer_probability());
        assert_eq!(
            out[0].decide(ThresholdLevel::Balanced),
            ToxicityDecision::Passed
        );
        let deferred = out[1].score().unwrap();
        assert_eq!(&*deferred.model, "test-head@0/hashing");
        assert_eq!(
            out[1].decide(ThresholdLevel::Balanced),
            ToxicityDecision::Flagged
        );
        // Texts the encoder could not score stay unscored: the stage never clears them.
        assert_eq!(
            out[2],
            Toxicity::Unscored {
                reason: UnscoredReason::Empty
            }
        );
        assert_eq!(
            out[3],
            Toxicity::Unscored {
                reason: UnscoredReason::UnknownTokens
            }
        );
        // The encoder-only path scores both texts with the head.
        let before = c.embedder.embedded.load(Ordering::Relaxed);
        let all = c.score_many_with_encoder(&texts).unwrap();
        assert_eq!(c.embedder.embedded.load(Ordering::Relaxed) - before, 2);
        assert_eq!(&*all[0].score().unwrap().model, "test-head@0/hashing");
    }

    #[test]
    fn a_fast_stage_for_another_head_or_with_a_high_defer_probability_is_refused() {
        let other = Arc::new(fast::testing::test_stage("other-head@1/hashing"));
        let error = classifier(16).with_fast_stage(other).unwrap_err();
        assert_eq!(error.kind(), crate::ErrorKind::Corrupt);
        let stage = fast::testing::test_stage("test-head@0/hashing");
        let mut file = stage.file().clone();
        file.defer_probability = 0.6;
        let high = Arc::new(FastStage::from_file(file).unwrap());
        let error = classifier(16).with_fast_stage(high).unwrap_err();
        assert_eq!(error.kind(), crate::ErrorKind::Corrupt);
    }

    #[test]
    fn a_head_for_another_embedder_is_refused() {
        let inner = HashingEmbedder::new(32);
        let head = ToxicityHead::from_head_file(head_file(
            HeadWeights::Logistic {
                weights: vec![0.0; 64],
                bias: 0.0,
            },
            64,
        ))
        .unwrap();
        let error = ToxicityClassifier::new(
            Arc::new(Tiny {
                inner,
                window: 8,
                embedded: AtomicUsize::new(0),
            }),
            head,
        )
        .unwrap_err();
        assert_eq!(error.kind(), crate::ErrorKind::Corrupt);
    }
}
