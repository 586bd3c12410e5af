//! A compact BERT encoder on candle, shared by the embedders: embeddings and LayerNorm,
//! self-attention layers with an attention mask, GELU (erf) feed-forward, then masked mean
//! pooling and L2 normalisation.
//!
//! Products with many rows (batches) go to gemm; those with a few rows (a query) to
//! [`FewRowsMatmul`]. A batch is packed: the tokens of its sequences one after the other, with
//! no padding, since only attention ([`PackedSelfAttention`]) needs to know where each
//! sequence ends. Batches are cut into chunks of similar token counts spread over rayon.

mod attention;
mod bf16;
mod gelu;
mod matmul;
mod norm;

use candle_core::{Device, Tensor};
use rayon::prelude::*;

use self::attention::PackedSelfAttention;
use self::bf16::{Bf16Linear, PackedBf16};
pub use self::bf16::{bf16_matmul_active, set_bf16_matmul};
use self::gelu::BiasGelu;
use self::matmul::{FEW_ROWS, FewRowsMatmul};
use self::norm::AddNorm;
use crate::Result;

/// At most this many tokens go through one forward pass.
const MAX_CHUNK_TOKENS: usize = 2048;
/// Chunks are not cut smaller than this many tokens to keep more threads busy (gemm loses
/// efficiency on fewer rows).
const MIN_CHUNK_TOKENS: usize = 256;
/// Chunks per thread aimed at, so that the threads finish together.
const CHUNKS_PER_THREAD: usize = 2;

/// A dense layer, `x W^T + b`.
pub(crate) struct Linear {
    /// `[out, in]`.
    weight: Tensor,
    bias: Tensor,
    /// The weight in bf16 panels for batches, where the CPU has AVX-512 BF16.
    packed: Option<PackedBf16>,
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
        Self::with_packing(weight.contiguous()?, bias)
    }

    fn with_packing(weight: Tensor, bias: Tensor) -> Result<Self> {
        let (out, input) = weight.dims2()?;
        let packed = PackedBf16::new(
            &weight.flatten_all()?.to_vec1::<f32>()?,
            &bias.to_vec1::<f32>()?,
            out,
            input,
        );
        Ok(Self {
            weight,
            bias,
            packed,
        })
    }

    /// Stacks the output features of `parts` (same input size) into one layer.
    pub(crate) fn concat(parts: &[Linear]) -> Result<Self> {
        let weights: Vec<&Tensor> = parts.iter().map(|p| &p.weight).collect();
        let biases: Vec<&Tensor> = parts.iter().map(|p| &p.bias).collect();
        Self::with_packing(Tensor::cat(&weights, 0)?, Tensor::cat(&biases, 0)?)
    }

    /// Returns `x W^T + b` for `x` of shape `[tokens, in]`.
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        match self.batch_bf16(x)? {
            Some(packed) => Ok(x.apply_op1_no_bwd(&Bf16Linear {
                packed,
                gelu: false,
            })?),
            None => Ok(self.product(x)?.broadcast_add(&self.bias)?),
        }
    }

    /// Returns `GELU(x W^T + b)` (erf form), the bias add and activation in one pass.
    fn forward_gelu(&self, x: &Tensor) -> Result<Tensor> {
        match self.batch_bf16(x)? {
            Some(packed) => Ok(x.apply_op1_no_bwd(&Bf16Linear { packed, gelu: true })?),
            None => Ok(self.product(x)?.apply_op2_no_bwd(&self.bias, &BiasGelu)?),
        }
    }

    /// The bf16 panels, when `x` is a batch (more than a few rows) and bf16 is in use.
    fn batch_bf16(&self, x: &Tensor) -> Result<Option<&PackedBf16>> {
        Ok(
            if x.dim(0)? > FEW_ROWS && x.is_contiguous() && bf16_matmul_active() {
                self.packed.as_ref()
            } else {
                None
            },
        )
    }

    fn product(&self, x: &Tensor) -> Result<Tensor> {
        Ok(if x.dim(0)? <= FEW_ROWS {
            x.contiguous()?
                .apply_op2_no_bwd(&self.weight, &FewRowsMatmul)?
        } else {
            x.matmul(&self.weight.t()?)?
        })
    }
}

/// A LayerNorm over the last dimension.
pub(crate) struct LayerNorm {
    weight: Tensor,
    bias: Tensor,
    eps: f32,
    /// The scale and shift as plain values, for [`LayerNorm::add_forward`].
    weight_values: Vec<f32>,
    bias_values: Vec<f32>,
}

impl LayerNorm {
    /// Creates a LayerNorm from its scale, shift and epsilon.
    pub(crate) fn new(weight: Tensor, bias: Tensor, eps: f32) -> Result<Self> {
        Ok(Self {
            weight_values: weight.to_vec1::<f32>()?,
            bias_values: bias.to_vec1::<f32>()?,
            weight,
            bias,
            eps,
        })
    }

    /// Returns `LayerNorm(x + y)`, the add and the norm in one pass.
    fn add_forward(&self, x: &Tensor, y: &Tensor) -> Result<Tensor> {
        Ok(x.contiguous()?.apply_op2_no_bwd(
            &y.contiguous()?,
            &AddNorm {
                weight: &self.weight_values,
                bias: &self.bias_values,
                eps: self.eps,
            },
        )?)
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
    /// `[max_positions, hidden]`, row-major: each position's embedding plus the token-type-0
    /// embedding (every token has type 0).
    positions: Vec<f32>,
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
        let positions = positions
            .broadcast_add(&token_type)?
            .flatten_all()?
            .to_vec1::<f32>()?;
        Ok(Self {
            hidden,
            heads,
            max_positions,
            words,
            positions,
            embedding_norm,
            layers,
        })
    }

    /// Returns the dimension of the embeddings.
    pub(crate) fn hidden(&self) -> usize {
        self.hidden
    }

    /// Embeds any number of sequences: sorted by length, cut into chunks of similar token
    /// counts (at most 2048 tokens per forward pass, about two chunks per rayon thread), the
    /// chunks spread over rayon.
    pub(crate) fn embed_many(&self, sequences: &[Vec<u32>]) -> Result<Vec<Vec<f32>>> {
        let mut order: Vec<usize> = (0..sequences.len()).collect();
        order.sort_by_key(|&i| sequences[i].len());
        let total: usize = sequences
            .iter()
            .map(|s| s.len().min(self.max_positions))
            .sum();
        let threads = rayon::current_num_threads().max(1);
        let budget = total
            .div_ceil(threads * CHUNKS_PER_THREAD)
            .clamp(MIN_CHUNK_TOKENS, MAX_CHUNK_TOKENS);
        let mut chunks: Vec<Vec<usize>> = Vec::new();
        let mut current: Vec<usize> = Vec::new();
        let mut tokens = 0;
        for i in order {
            let length = sequences[i].len().min(self.max_positions);
            if !current.is_empty() && tokens + length > budget {
                chunks.push(std::mem::take(&mut current));
                tokens = 0;
            }
            current.push(i);
            tokens += length;
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
    /// including the special tokens; at most `max_positions` of each are read). The sequences
    /// are packed one after the other, with no padding.
    fn embed_batch(&self, sequences: &[&[u32]]) -> Result<Vec<Vec<f32>>> {
        let h = self.hidden;
        let mut starts = Vec::with_capacity(sequences.len() + 1);
        starts.push(0usize);
        for ids in sequences {
            let length = ids.len().min(self.max_positions);
            starts.push(starts[starts.len() - 1] + length);
        }
        let tokens = starts[starts.len() - 1];
        if tokens == 0 {
            return Ok(vec![Vec::new(); sequences.len()]);
        }
        let device = &Device::Cpu;

        // Word, position and token-type embeddings, then the embedding LayerNorm.
        let mut x = vec![0f32; tokens * h];
        for (ids, &start) in sequences.iter().zip(&starts) {
            for (t, &id) in ids.iter().take(self.max_positions).enumerate() {
                let row = &mut x[(start + t) * h..(start + t + 1) * h];
                self.word_row(id, row);
                for (value, p) in row.iter_mut().zip(&self.positions[t * h..(t + 1) * h]) {
                    *value += p;
                }
            }
        }
        let mut x = self
            .embedding_norm
            .forward(&Tensor::from_vec(x, (tokens, h), device)?)?;

        let attention = PackedSelfAttention {
            starts: &starts,
            heads: self.heads,
        };
        for layer in &self.layers {
            let qkv = layer.qkv.forward(&x)?;
            let context = qkv.apply_op1_no_bwd(&attention)?;
            let attended = layer.attention_output.forward(&context)?;
            x = layer.attention_norm.add_forward(&x, &attended)?;
            let mid = layer.intermediate.forward_gelu(&x)?;
            let out = layer.output.forward(&mid)?;
            x = layer.output_norm.add_forward(&x, &out)?;
        }

        // Mean over each sequence's tokens, then L2 normalisation.
        let x = x.flatten_all()?.to_vec1::<f32>()?;
        Ok(starts
            .windows(2)
            .map(|w| {
                let mut mean = vec![0f32; h];
                for row in x[w[0] * h..w[1] * h].chunks_exact(h) {
                    for (m, v) in mean.iter_mut().zip(row) {
                        *m += v;
                    }
                }
                let count = (w[1] - w[0]).max(1) as f32;
                mean.iter_mut().for_each(|m| *m /= count);
                let norm = mean.iter().map(|m| m * m).sum::<f32>().sqrt().max(1e-12);
                mean.iter_mut().for_each(|m| *m /= norm);
                mean
            })
            .collect())
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

/// The largest absolute difference between two tensors of one shape (the kernels' tests).
#[cfg(test)]
fn max_difference(a: &Tensor, b: &Tensor) -> f32 {
    (a - b)
        .and_then(|d| d.abs())
        .and_then(|d| d.max_all())
        .and_then(|d| d.to_scalar::<f32>())
        .unwrap_or(f32::INFINITY)
}
