//! `x · Wᵀ` for a few rows of `x` (a single query, a short passage), as a candle custom op.
//!
//! For a handful of rows gemm spends more time repacking the whole weight matrix, which it does
//! on every call, than multiplying: half of a query's time went to packing. Here each weight
//! row is read once, straight from its `[out, in]` storage, and dotted with every row of `x`,
//! which stays in cache. Output features are spread over rayon; the dot products use AVX2/FMA
//! when the CPU has them (pulp's runtime dispatch).
//!
//! (Reading the Q4_0 weights instead, dequantising each row on the fly, moves seven times fewer
//! bytes but was slower: the scalar nibble unpacking cost more than the memory it saved.)

use candle_core::{CpuStorage, CustomOp2, Layout, Shape};
use rayon::prelude::*;

/// Up to this many rows of `x`, [`FewRowsMatmul`] beats gemm (measured on 2 cores, hidden
/// 384: a 10-token query 14.6 ms instead of 22.6 ms on one thread; gemm wins from about 40 rows).
pub(crate) const FEW_ROWS: usize = 24;

/// Output features computed per rayon task.
const FEATURES_PER_TASK: usize = 64;

/// `x [m, k]` times the transpose of `w [n, k]`, giving `[m, n]`; both f32 and contiguous.
pub(crate) struct FewRowsMatmul;

impl CustomOp2 for FewRowsMatmul {
    fn name(&self) -> &'static str {
        "bolajon-few-rows-matmul"
    }

    fn cpu_fwd(
        &self,
        x_storage: &CpuStorage,
        x_layout: &Layout,
        w_storage: &CpuStorage,
        w_layout: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let (m, k) = x_layout.shape().dims2()?;
        let (n, k_w) = w_layout.shape().dims2()?;
        if k != k_w {
            candle_core::bail!("few-rows matmul: x has {k} columns, w has {k_w}");
        }
        let (CpuStorage::F32(x), CpuStorage::F32(w)) = (x_storage, w_storage) else {
            candle_core::bail!("few-rows matmul: f32 only");
        };
        let (Some((x_start, x_end)), Some((w_start, w_end))) =
            (x_layout.contiguous_offsets(), w_layout.contiguous_offsets())
        else {
            candle_core::bail!("few-rows matmul: contiguous inputs only");
        };
        let (x, w) = (&x[x_start..x_end], &w[w_start..w_end]);

        // Computed as [n, m] so that each task owns a contiguous block, then transposed.
        let mut transposed = vec![0f32; n * m];
        let arch = pulp::Arch::new();
        transposed
            .par_chunks_mut(FEATURES_PER_TASK * m)
            .zip(w.par_chunks(FEATURES_PER_TASK * k))
            .for_each(|(out, w)| arch.dispatch(Task { x, w, out, m, k }));
        let mut out = vec![0f32; m * n];
        for (feature, column) in transposed.chunks_exact(m).enumerate() {
            for (row, &value) in column.iter().enumerate() {
                out[row * n + feature] = value;
            }
        }
        Ok((CpuStorage::F32(out), Shape::from((m, n))))
    }
}

/// The features of one rayon task. Its body is inlined into pulp's `#[target_feature]`
/// entry point, which is what lets the compiler use AVX2 for it (a closure would not be).
struct Task<'a> {
    x: &'a [f32],
    w: &'a [f32],
    out: &'a mut [f32],
    m: usize,
    k: usize,
}

impl pulp::WithSimd for Task<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, simd: S) {
        let Task { x, w, out, m, k } = self;
        for (out_row, w_row) in out.chunks_exact_mut(m).zip(w.chunks_exact(k)) {
            let (w_head, w_tail) = S::as_simd_f32s(w_row);
            let split = k - w_tail.len();
            let tail = |x_row: &[f32]| -> f32 {
                x_row[split..].iter().zip(w_tail).map(|(a, b)| a * b).sum()
            };
            // Four rows of x at a time: four independent FMA chains, and each vector of the
            // weight row is loaded once for the four.
            let mut x_rows = x.chunks_exact(k);
            let mut out_values = out_row.chunks_exact_mut(4);
            for out4 in &mut out_values {
                let (Some(x0), Some(x1), Some(x2), Some(x3)) =
                    (x_rows.next(), x_rows.next(), x_rows.next(), x_rows.next())
                else {
                    break;
                };
                let heads = [x0, x1, x2, x3].map(|row| S::as_simd_f32s(row).0);
                let sums = dot4(simd, w_head, heads);
                for (value, (sum, x_row)) in
                    out4.iter_mut().zip(sums.into_iter().zip([x0, x1, x2, x3]))
                {
                    *value = sum + tail(x_row);
                }
            }
            for (value, x_row) in out_values.into_remainder().iter_mut().zip(x_rows) {
                *value = dot1(simd, w_head, S::as_simd_f32s(x_row).0) + tail(x_row);
            }
        }
    }
}

/// Returns the dot products of `w` with four vectors (each at least as long).
#[inline(always)]
fn dot4<S: pulp::Simd>(simd: S, w: &[S::f32s], xs: [&[S::f32s]; 4]) -> [f32; 4] {
    let zero = simd.splat_f32s(0.0);
    let (mut a0, mut a1, mut a2, mut a3) = (zero, zero, zero, zero);
    for ((((w, x0), x1), x2), x3) in w.iter().zip(xs[0]).zip(xs[1]).zip(xs[2]).zip(xs[3]) {
        a0 = simd.mul_add_f32s(*x0, *w, a0);
        a1 = simd.mul_add_f32s(*x1, *w, a1);
        a2 = simd.mul_add_f32s(*x2, *w, a2);
        a3 = simd.mul_add_f32s(*x3, *w, a3);
    }
    [a0, a1, a2, a3].map(|a| simd.reduce_sum_f32s(a))
}

/// Returns the dot product of `w` with `x` (at least as long), on two accumulators.
#[inline(always)]
fn dot1<S: pulp::Simd>(simd: S, w: &[S::f32s], x: &[S::f32s]) -> f32 {
    let zero = simd.splat_f32s(0.0);
    let (mut even, mut odd) = (zero, zero);
    let (w_pairs, w_last) = pulp::as_arrays::<2, S::f32s>(w);
    let (x_pairs, x_last) = pulp::as_arrays::<2, S::f32s>(x);
    for (w, x) in w_pairs.iter().zip(x_pairs) {
        even = simd.mul_add_f32s(x[0], w[0], even);
        odd = simd.mul_add_f32s(x[1], w[1], odd);
    }
    for (w, x) in w_last.iter().zip(x_last) {
        even = simd.mul_add_f32s(*x, *w, even);
    }
    simd.reduce_sum_f32s(simd.add_f32s(even, odd))
}

#[cfg(test)]
mod tests {
    use candle_core::{Device, Tensor};

    use super::*;

    #[test]
    fn matches_candle_matmul() {
        // Column counts with and without a SIMD tail, row counts around the groups of four.
        for (m, k) in [(1, 96), (3, 37), (4, 64), (9, 101), (48, 40)] {
            let n = 70;
            let x: Vec<f32> = (0..m * k)
                .map(|i| ((i * 7) % 13) as f32 * 0.1 - 0.6)
                .collect();
            let w: Vec<f32> = (0..n * k)
                .map(|i| ((i * 5) % 11) as f32 * 0.1 - 0.5)
                .collect();
            let x = Tensor::from_vec(x, (m, k), &Device::Cpu).unwrap();
            let w = Tensor::from_vec(w, (n, k), &Device::Cpu).unwrap();
            let ours = x.apply_op2_no_bwd(&w, &FewRowsMatmul).unwrap();
            let reference = x.matmul(&w.t().unwrap()).unwrap();
            let difference = super::super::max_difference(&ours, &reference);
            assert!(difference < 1e-4, "{m}x{k}: {difference}");
        }
    }

    #[test]
    fn rejects_mismatched_shapes() {
        let x = Tensor::zeros((2, 64), candle_core::DType::F32, &Device::Cpu).unwrap();
        let w = Tensor::zeros((3, 32), candle_core::DType::F32, &Device::Cpu).unwrap();
        assert!(x.apply_op2_no_bwd(&w, &FewRowsMatmul).is_err());
    }
}
