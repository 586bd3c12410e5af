//! A compact BERT encoder on candle, shared by the embedders: embeddings and LayerNorm,
//! self-attention layers with an attention mask, GELU (erf) feed-forward, then masked mean
//! pooling and L2 normalisation.
//!
//! Products with many rows (batches) go to gemm; those with a few rows (a query) to
//! [`FewRowsMatmul`]. Batches are sorted by length, chunked, padded to the longest of each
//! chunk and spread over rayon.

mod matmul;

use candle_core::{D, DType, Device, Tensor};
use rayon::prelude::*;

use self::matmul::{FEW_ROWS, FewRowsMatmul};
use crate::Result;

/// Added to the attention scores of padding keys; large enough for `exp` to give exactly 0.
const MASKED_SCORE: f64 = -1e9;
/// At most this many sequences go through one forward pass.
const MAX_BATCH_SEQUENCES: usize = 32;
/// At most this many (padded) tokens go through one forward pass.
const MAX_BATCH_TOKENS: usize = 2048;

/// A dense layer, `x W^T + b`.
pub(crate) struct Linear {
    /// `[out, in]`.
    weight: Tensor,
    bias: Tensor,
}

impl Linear {
    /// Creates a layer from an `[out, in]` f32 weight and an `[out]` bias.
    pub(crate) fn new(weight: Tensor, bias: Tensor) -> Result<Self> {
        let (out, _) = weight.dims2()?;
        if bias.dims1()? != out {
            return Err(candle_core::Error::Msg(format!(
                "bias of {} for {out} outputs",
                bias.dims1()?
            ))
            .into());
        }
        Ok(Self {
            weight: weight.contiguous()?,
            bias,
        })
    }

    /// Stacks the output features of `parts` (same input size) into one layer.
    pub(crate) fn concat(parts: &[Linear]) -> Result<Self> {
        let weights: Vec<&Tensor> = parts.iter().map(|p| &p.weight).collect();
        let biases: Vec<&Tensor> = parts.iter().map(|p| &p.bias).collect();
        Ok(Self {
            weight: Tensor::cat(&weights, 0)?,
            bias: Tensor::cat(&biases, 0)?,
        })
    }

    /// Returns `x W^T + b` for `x` of shape `[tokens, in]`.
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let product = if x.dim(0)? <= FEW_ROWS {
            x.contiguous()?
                .apply_op2_no_bwd(&self.weight, &FewRowsMatmul)?
        } else {
            x.matmul(&self.weight.t()?)?
        };
        Ok(product.broadcast_add(&self.bias)?)
    }
}

/// A LayerNorm over the last dimension.
pub(crate) struct LayerNorm {
    weight: Tensor,
    bias: Tensor,
    eps: f32,
}

impl LayerNorm {
    /// Creates a LayerNorm from its scale, shift and epsilon.
    pub(crate) fn new(weight: Tensor, bias: Tensor, eps: f32) -> Self {
        Self { weight, bias, eps }
    }

    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        Ok(candle_nn::ops::layer_norm(
            x,
            &self.weight,
            &self.bias,
            self.eps,
        )?)
    }
}

/// One encoder layer.
pub(crate) struct Layer {
    /// Query, key and value projections fused into one `[3 * hidden, hidden]` layer.
    pub qkv: Linear,
    pub attention_output: Linear,
    pub attention_norm: LayerNorm,
    pub intermediate: Linear,
    pub output: Linear,
    pub output_norm: LayerNorm,
}

/// The word-embedding table.
pub(crate) enum WordTable {
    /// Q4_0 rows (`hidden / 32` blocks each), dequantised per batch: 250k rows stay 54 MB.
    Q4(Vec<u8>),
    /// f32 rows.
    F32(Vec<f32>),
}

/// A BERT encoder with mean pooling.
pub(crate) struct Bert {
    hidden: usize,
    heads: usize,
    max_positions: usize,
    words: WordTable,
    /// `[max_positions, hidden]`.
    positions: Tensor,
    /// The token-type-0 row (every token has type 0).
    token_type: Tensor,
    embedding_norm: LayerNorm,
    layers: Vec<Layer>,
}

impl Bert {
    /// Assembles an encoder; `positions` is `[max_positions, hidden]`, `token_type` `[hidden]`.
    pub(crate) fn new(
        heads: usize,
        words: WordTable,
        positions: Tensor,
        token_type: Tensor,
        embedding_norm: LayerNorm,
        layers: Vec<Layer>,
    ) -> Result<Self> {
        let (max_positions, hidden) = positions.dims2()?;
        if heads == 0 || !hidden.is_multiple_of(heads) || token_type.dims1()? != hidden {
            return Err(candle_core::Error::Msg(format!(
                "inconsistent encoder: hidden {hidden}, heads {heads}"
            ))
            .into());
        }
        Ok(Self {
            hidden,
            heads,
            max_positions,
            words,
            positions,
            token_type,
            embedding_norm,
            layers,
        })
    }

    /// Returns the dimension of the embeddings.
    pub(crate) fn hidden(&self) -> usize {
        self.hidden
    }

    /// Embeds any number of sequences: sorted by length, chunked (at most 32 sequences and
    /// 2048 padded tokens per forward pass), chunks spread over rayon.
    pub(crate) fn embed_many(&self, sequences: &[Vec<u32>]) -> Result<Vec<Vec<f32>>> {
        let mut order: Vec<usize> = (0..sequences.len()).collect();
        order.sort_by_key(|&i| sequences[i].len());
        let mut chunks: Vec<Vec<usize>> = Vec::new();
        let mut current: Vec<usize> = Vec::new();
        for i in order {
            // Sorted ascending, so the newcomer is the longest of its chunk.
            let padded = (current.len() + 1) * sequences[i].len();
            if !current.is_empty()
                && (current.len() == MAX_BATCH_SEQUENCES || padded > MAX_BATCH_TOKENS)
            {
                chunks.push(std::mem::take(&mut current));
            }
            current.push(i);
        }
        if !current.is_empty() {
            chunks.push(current);
        }
        let run = |chunk: &Vec<usize>| -> Result<Vec<Vec<f32>>> {
            let batch: Vec<&[u32]> = chunk.iter().map(|&i| sequences[i].as_slice()).collect();
            self.embed_batch(&batch)
        };
        // Inside the pool, the many small parallel loops of a forward pass run on the current
        // worker instead of waking a sleeping one from outside each time.
        let results: Vec<Vec<Vec<f32>>> = rayon::scope(|_| {
            if chunks.len() > 1 {
                chunks.par_iter().map(run).collect::<Result<_>>()
            } else {
                chunks.iter().map(run).collect::<Result<_>>()
            }
        })?;
        let mut out = vec![Vec::new(); sequences.len()];
        for (chunk, vectors) in chunks.iter().zip(results) {
            for (&i, vector) in chunk.iter().zip(vectors) {
                out[i] = vector;
            }
        }
        Ok(out)
    }

    /// Returns the L2-normalised mean of the last hidden states of each sequence (ids
    /// including the special tokens, at most `max_positions` each). Sequences are padded to
    /// the longest and the padding is masked out of attention and pooling.
    fn embed_batch(&self, sequences: &[&[u32]]) -> Result<Vec<Vec<f32>>> {
        let batch = sequences.len();
        let length = sequences.iter().map(|s| s.len()).max().unwrap_or(0);
        if batch == 0 || length == 0 {
            return Ok(vec![Vec::new(); batch]);
        }
        debug_assert!(length <= self.max_positions);
        let length = length.min(self.max_positions);
        let (h, heads) = (self.hidden, self.heads);
        let head_dim = h / heads;
        let device = &Device::Cpu;

        let mut words = vec![0f32; batch * length * h];
        let mut mask = vec![0f32; batch * length];
        for (b, ids) in sequences.iter().enumerate() {
            for (t, &id) in ids.iter().take(length).enumerate() {
                let slot = b * length + t;
                mask[slot] = 1.0;
                self.word_row(id, &mut words[slot * h..(slot + 1) * h]);
            }
        }
        let words = Tensor::from_vec(words, (batch, length, h), device)?;
        let mask = Tensor::from_vec(mask, (batch, length), device)?;
        let x = words
            .broadcast_add(&self.positions.narrow(0, 0, length)?)?
            .broadcast_add(&self.token_type)?;
        let mut x = self
            .embedding_norm
            .forward(&x)?
            .reshape((batch * length, h))?;

        // [batch, 1, 1, length]: 0 for real keys, MASKED_SCORE for padding.
        let key_bias = mask
            .affine(-MASKED_SCORE, MASKED_SCORE)?
            .reshape((batch, 1, 1, length))?;
        let scale = 1.0 / (head_dim as f64).sqrt();
        for layer in &self.layers {
            let qkv = layer
                .qkv
                .forward(&x)?
                .reshape((batch, length, 3, heads, head_dim))?
                .permute((2, 0, 3, 1, 4))?
                .contiguous()?;
            let q = (qkv.get(0)? * scale)?;
            let k = qkv.get(1)?;
            let v = qkv.get(2)?;
            let scores = q.matmul(&k.t()?)?.broadcast_add(&key_bias)?;
            let probabilities = candle_nn::ops::softmax_last_dim(&scores)?;
            let context = probabilities
                .matmul(&v)?
                .transpose(1, 2)?
                .reshape((batch * length, h))?;
            let attended = layer.attention_output.forward(&context)?;
            x = layer.attention_norm.forward(&(x + attended)?)?;
            let mid = layer.intermediate.forward(&x)?.gelu_erf()?;
            let out = layer.output.forward(&mid)?;
            x = layer.output_norm.forward(&(x + out)?)?;
        }

        let x = x.reshape((batch, length, h))?;
        let mask = mask.unsqueeze(D::Minus1)?;
        let summed = x.broadcast_mul(&mask)?.sum(1)?;
        let counts = mask.sum(1)?;
        let mean = summed.broadcast_div(&counts)?;
        let norms = mean.sqr()?.sum_keepdim(1)?.sqrt()?.clamp(1e-12, f64::MAX)?;
        let normalised = mean.broadcast_div(&norms)?;
        Ok(normalised.to_dtype(DType::F32)?.to_vec2::<f32>()?)
    }

    /// Writes the word-embedding row of `id` into `out`; an id beyond the table (which the
    /// tokenizers never produce) gives zeros.
    fn word_row(&self, id: u32, out: &mut [f32]) {
        let id = id as usize;
        match &self.words {
            WordTable::Q4(rows) => {
                let row_bytes = out.len() / crate::e5::Q4_BLOCK * crate::e5::Q4_BLOCK_BYTES;
                match rows.get(id * row_bytes..(id + 1) * row_bytes) {
                    Some(row) => crate::e5::dequantize_q4_0(row, out),
                    None => out.fill(0.0),
                }
            }
            WordTable::F32(rows) => match rows.get(id * out.len()..(id + 1) * out.len()) {
                Some(row) => out.copy_from_slice(row),
                None => out.fill(0.0),
            },
        }
    }
}
