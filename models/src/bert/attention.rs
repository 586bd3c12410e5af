//! Multi-head self-attention over packed sequences, as one candle op.
//!
//! The encoder keeps a batch packed: the tokens of every sequence one after the other, no
//! padding. Every other step of a layer works row by row, so only attention needs to know
//! where a sequence starts and ends. This op reads the fused query/key/value projections
//! (`[tokens, 3 * hidden]`, heads side by side in each third) and writes the attended values
//! (`[tokens, hidden]`) in the layout the output projection reads, so the permutes,
//! transposes, mask and the per-head batched matmuls of the padded version are gone, and no
//! work is spent on padding.

use candle_core::{CpuStorage, CustomOp1, Layout, Shape};
use rayon::prelude::*;

/// Self-attention of the sequences at `starts` (each sequence's first token, then the total).
pub(crate) struct PackedSelfAttention<'a> {
    /// `starts[i]..starts[i + 1]` are the rows of sequence `i`; the last entry is the total.
    pub starts: &'a [usize],
    pub heads: usize,
}

impl CustomOp1 for PackedSelfAttention<'_> {
    fn name(&self) -> &'static str {
        "bolajon-packed-self-attention"
    }

    fn cpu_fwd(
        &self,
        storage: &CpuStorage,
        layout: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let (tokens, width) = layout.shape().dims2()?;
        let hidden = width / 3;
        if width % 3 != 0 || self.heads == 0 || hidden % self.heads != 0 {
            candle_core::bail!(
                "self-attention: {width} projection columns for {} heads",
                self.heads
            );
        }
        if self.starts.first() != Some(&0)
            || self.starts.last() != Some(&tokens)
            || self.starts.windows(2).any(|w| w[0] > w[1])
        {
            candle_core::bail!("self-attention: sequence starts do not cover {tokens} rows");
        }
        let CpuStorage::F32(qkv) = storage else {
            candle_core::bail!("self-attention: f32 only");
        };
        let Some((start, end)) = layout.contiguous_offsets() else {
            candle_core::bail!("self-attention: contiguous input only");
        };
        let qkv = &qkv[start..end];
        let mut out = vec![0f32; tokens * hidden];
        // One task per sequence: its output rows are one contiguous block.
        let mut blocks: Vec<(&[f32], &mut [f32])> = Vec::with_capacity(self.starts.len());
        let mut rest = out.as_mut_slice();
        for w in self.starts.windows(2) {
            let (block, tail) = rest.split_at_mut((w[1] - w[0]) * hidden);
            blocks.push((&qkv[w[0] * width..w[1] * width], block));
            rest = tail;
        }
        let arch = pulp::Arch::new();
        let heads = self.heads;
        blocks.into_par_iter().for_each(|(qkv, out)| {
            arch.dispatch(Sequence {
                qkv,
                out,
                hidden,
                heads,
            });
        });
        Ok((CpuStorage::F32(out), Shape::from((tokens, hidden))))
    }
}

/// The attention of one sequence; inlined into pulp's `#[target_feature]` entry point.
struct Sequence<'a> {
    /// `[length, 3 * hidden]`.
    qkv: &'a [f32],
    /// `[length, hidden]`.
    out: &'a mut [f32],
    hidden: usize,
    heads: usize,
}

impl pulp::WithSimd for Sequence<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, simd: S) {
        let Sequence {
            qkv,
            out,
            hidden,
            heads,
        } = self;
        let width = 3 * hidden;
        let length = qkv.len() / width;
        let head_dim = hidden / heads;
        let scale = 1.0 / (head_dim as f32).sqrt();
        // Keys are copied transposed, `[head_dim][padded]`, so that a query's scores against
        // every key are `head_dim` vector multiply-adds along the keys, with no horizontal
        // sums; the padding lanes (zero keys) are never read back.
        let padded = length.next_multiple_of(16);
        let mut keys = vec![0f32; head_dim * padded];
        let mut scores = vec![0f32; padded];
        for head in 0..heads {
            let columns = head * head_dim..(head + 1) * head_dim;
            for t in 0..length {
                let key = &qkv[t * width + hidden + columns.start..][..head_dim];
                for (d, &value) in key.iter().enumerate() {
                    keys[d * padded + t] = value;
                }
            }
            let value = |t: usize| &qkv[t * width + 2 * hidden + columns.start..][..head_dim];
            for i in 0..length {
                let query = &qkv[i * width + columns.start..][..head_dim];
                // Each vector of scores is summed in a register over the head's dimensions.
                {
                    let (lanes, _) = S::as_mut_simd_f32s(&mut scores);
                    for (j, score) in lanes.iter_mut().enumerate() {
                        let mut sum = simd.splat_f32s(0.0);
                        for (d, &q) in query.iter().enumerate() {
                            let (key_lanes, _) =
                                S::as_simd_f32s(&keys[d * padded..(d + 1) * padded]);
                            sum = simd.mul_add_f32s(simd.splat_f32s(q), key_lanes[j], sum);
                        }
                        *score = simd.mul_f32s(sum, simd.splat_f32s(scale));
                    }
                }
                let live = &mut scores[..length];
                let max = live.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                let mut sum = 0f32;
                for score in live.iter_mut() {
                    *score = (*score - max).exp();
                    sum += *score;
                }
                let inverse = 1.0 / sum;
                for score in live.iter_mut() {
                    *score *= inverse;
                }
                // Likewise each vector of the output, over the keys.
                let target = &mut out[i * hidden + columns.start..][..head_dim];
                let (target_lanes, target_tail) = S::as_mut_simd_f32s(target);
                for (j, lane) in target_lanes.iter_mut().enumerate() {
                    let mut sum = simd.splat_f32s(0.0);
                    for (t, &p) in live.iter().enumerate() {
                        let (value_lanes, _) = S::as_simd_f32s(value(t));
                        sum = simd.mul_add_f32s(simd.splat_f32s(p), value_lanes[j], sum);
                    }
                    *lane = sum;
                }
                let split = head_dim - target_tail.len();
                for (d, slot) in target_tail.iter_mut().enumerate() {
                    *slot = live
                        .iter()
                        .enumerate()
                        .map(|(t, &p)| p * value(t)[split + d])
                        .sum();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use candle_core::{D, Device, Tensor};

    use super::*;

    /// The padded formulation the encoder used before: per-head batched matmuls, a key mask
    /// and a softmax.
    fn padded_reference(qkv: &[f32], lengths: &[usize], heads: usize, hidden: usize) -> Vec<f32> {
        let head_dim = hidden / heads;
        let mut out = Vec::new();
        let mut row = 0;
        for &length in lengths {
            let rows = &qkv[row * 3 * hidden..(row + length) * 3 * hidden];
            let x = Tensor::from_slice(rows, (1, length, 3, heads, head_dim), &Device::Cpu)
                .unwrap()
                .permute((2, 0, 3, 1, 4))
                .unwrap()
                .contiguous()
                .unwrap();
            let q = (x.get(0).unwrap() * (1.0 / (head_dim as f64).sqrt())).unwrap();
            let k = x.get(1).unwrap();
            let v = x.get(2).unwrap();
            let scores = q.matmul(&k.t().unwrap()).unwrap();
            let probabilities = scores
                .broadcast_sub(&scores.max_keepdim(D::Minus1).unwrap())
                .unwrap()
                .exp()
                .unwrap();
            let probabilities = probabilities
                .broadcast_div(&probabilities.sum_keepdim(D::Minus1).unwrap())
                .unwrap();
            let context = probabilities
                .matmul(&v)
                .unwrap()
                .transpose(1, 2)
                .unwrap()
                .reshape((length, hidden))
                .unwrap();
            out.extend(context.flatten_all().unwrap().to_vec1::<f32>().unwrap());
            row += length;
        }
        out
    }

    #[test]
    fn matches_the_padded_formulation() {
        // Head sizes with and without a SIMD tail; a sequence of one token.
        for (heads, hidden) in [(2, 16), (3, 21), (12, 384)] {
            let lengths = [5, 1, 9, 3];
            let tokens: usize = lengths.iter().sum();
            let qkv: Vec<f32> = (0..tokens * 3 * hidden)
                .map(|i| ((i * 7919) % 101) as f32 * 0.02 - 1.0)
                .collect();
            let mut starts = vec![0];
            for length in lengths {
                starts.push(starts.last().unwrap() + length);
            }
            let ours = Tensor::from_slice(&qkv, (tokens, 3 * hidden), &Device::Cpu)
                .unwrap()
                .apply_op1_no_bwd(&PackedSelfAttention {
                    starts: &starts,
                    heads,
                })
                .unwrap()
                .flatten_all()
                .unwrap()
                .to_vec1::<f32>()
                .unwrap();
            let reference = padded_reference(&qkv, &lengths, heads, hidden);
            let worst = ours
                .iter()
                .zip(&reference)
                .map(|(a, b)| (a - b).abs())
                .fold(0f32, f32::max);
            assert!(worst < 1e-5, "{heads} heads of {hidden}: {worst}");
        }
    }

    #[test]
    fn rejects_inconsistent_shapes() {
        let x = Tensor::zeros((4, 48), candle_core::DType::F32, &Device::Cpu).unwrap();
        let attention = |starts: &[usize], heads: usize| {
            x.apply_op1_no_bwd(&PackedSelfAttention { starts, heads })
                .is_err()
        };
        assert!(attention(&[0, 2, 3], 2), "rows not covered");
        assert!(attention(&[0, 3, 2, 4], 2), "starts out of order");
        assert!(attention(&[0, 4], 5), "heads do not divide hidden");
        assert!(!attention(&[0, 1, 4], 2));
    }
}
