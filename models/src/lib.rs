//! Learned models for bolajon: loading and inference behind small traits.
//!
//! This crate depends on no other workspace crate. The real multilingual embedder, the toxicity
//! classifier and the image-safety classifiers (candle and ort, weights fetched from pinned
//! registry packages) land here; until then it offers the [`Embedder`] trait and the
//! deterministic [`HashingEmbedder`] stand-in that unit tests use where the model is not the point.
#![warn(missing_docs)]

/// Errors raised by model loading and inference.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input cannot be embedded (for example, it is empty).
    #[error("invalid model input: {0}")]
    InvalidInput(String),
}

/// Result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Whether a text is a search query or a catalogue passage (E5-style models embed them differently).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
}
