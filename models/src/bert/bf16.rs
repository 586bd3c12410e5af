//! `x · Wᵀ` in bfloat16 for batches, on CPUs with AVX-512 BF16 (`vdpbf16ps`).
//!
//! A batch of passages spends most of its time in the dense layers. With f32 FMAs two cores
//! top out near 60 passages of 50 tokens per second; `vdpbf16ps` does twice the multiply-adds
//! per instruction (pairs of bf16 products accumulated in f32). The weights are the 4-bit
//! quantised weights of the model file, so bf16's 8-bit mantissa loses nothing that matters
//! there; the activations are rounded to bf16 (to nearest, ties to even) when a product
//! starts, and every sum is kept in f32.
//!
//! Layout: the weight matrix `[n, k]` is packed once, at load, into panels of [`NR`] output
//! features; in a panel, step `p` holds for each of its features the pair `(w[2p], w[2p+1])`
//! as one 32-bit lane, so one 512-bit load gives sixteen features' pairs. The microkernel
//! keeps [`MR`] rows × [`NR`] features of sums in 24 registers, broadcasting one pair of each
//! row per step. Rows are cut into blocks of [`ROWS_PER_TASK`] spread over rayon.
//!
//! Where the CPU has no AVX-512 BF16, or a shape does not fit (`n` not a multiple of 64, odd
//! `k`), [`PackedBf16::new`] gives `None` and the encoder keeps its f32 path.

use std::sync::atomic::{AtomicBool, Ordering};

use candle_core::{CpuStorage, CustomOp1, Layout, Shape};
use rayon::prelude::*;

/// Output features per panel: four 16-lane registers.
const NR: usize = 64;
/// Rows per microkernel call: 6 × 4 accumulators, 4 weight registers and a broadcast.
const MR: usize = 6;
/// Rows per rayon task (a multiple of [`MR`]).
const ROWS_PER_TASK: usize = 48;

/// Whether batches use bf16 when they can (on by default); benchmarks switch it off to
/// measure the f32 path in the same run.
static ENABLED: AtomicBool = AtomicBool::new(true);

/// Turns the bf16 products of batches on or off for this process (the few-rows path of a
/// single query is f32 either way).
pub fn set_bf16_matmul(enabled: bool) {
    ENABLED.store(enabled, Ordering::Relaxed);
}

/// Returns whether batches currently use bf16 products: switched on and supported by the CPU.
pub fn bf16_matmul_active() -> bool {
    ENABLED.load(Ordering::Relaxed) && supported()
}

/// Returns whether this CPU has AVX-512 F and BF16.
fn supported() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::is_x86_feature_detected!("avx512f") && std::is_x86_feature_detected!("avx512bf16")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Rounds `x` to bfloat16, to nearest with ties to even (as `vcvtneps2bf16`); NaN stays NaN.
fn to_bf16(x: f32) -> u16 {
    let bits = x.to_bits();
    if x.is_nan() {
        return ((bits >> 16) | 0x40) as u16;
    }
    let rounded = bits.wrapping_add(0x7fff + ((bits >> 16) & 1));
    (rounded >> 16) as u16
}

/// A dense layer's weight matrix `[n, k]` packed into bf16 panels, with its bias.
pub(crate) struct PackedBf16 {
    n: usize,
    k: usize,
    bias: Vec<f32>,
    /// `n / NR` panels of `k / 2` steps × `NR` lanes, each lane a pair of bf16 (the even
    /// column in the low half).
    panels: Vec<u32>,
}

impl PackedBf16 {
    /// Packs `w` (`[n, k]`, row-major) and its bias (`[n]`); `None` when the CPU or the shape
    /// does not allow it.
    pub(crate) fn new(w: &[f32], bias: &[f32], n: usize, k: usize) -> Option<Self> {
        if !supported() || n == 0 || !n.is_multiple_of(NR) || !k.is_multiple_of(2) || k == 0 {
            return None;
        }
        if w.len() != n * k || bias.len() != n {
            return None;
        }
        let steps = k / 2;
        let mut panels = vec![0u32; n * steps];
        for (block, panel) in panels.chunks_exact_mut(steps * NR).enumerate() {
            for (lane, row) in w[block * NR * k..(block + 1) * NR * k]
                .chunks_exact(k)
                .enumerate()
            {
                for (step, pair) in row.chunks_exact(2).enumerate() {
                    panel[step * NR + lane] =
                        u32::from(to_bf16(pair[0])) | (u32::from(to_bf16(pair[1])) << 16);
                }
            }
        }
        Some(Self {
            n,
            k,
            bias: bias.to_vec(),
            panels,
        })
    }

    /// Returns `x · Wᵀ + b` for `x` of `m` rows of `k`, then GELU when `gelu`. Each block of
    /// rows gets its bias (in the microkernel's first sums) and activation while in cache.
    fn forward(&self, x: &[f32], m: usize, gelu: bool) -> Vec<f32> {
        let n = self.n;
        let mut out = vec![0f32; m * n];
        out.par_chunks_mut(ROWS_PER_TASK * n)
            .zip(x.par_chunks(ROWS_PER_TASK * self.k))
            .for_each(|(out, x)| {
                #[cfg(target_arch = "x86_64")]
                #[allow(unsafe_code)]
                // SAFETY: `new` only packs when the CPU has AVX-512 F and BF16; `x` and `out`
                // hold the same whole number of rows of `k` and `n`.
                unsafe {
                    avx512::rows(self, x, out, !gelu)
                };
                #[cfg(not(target_arch = "x86_64"))]
                let _ = &x;
                if gelu {
                    super::gelu::bias_gelu_in_place(out, &self.bias);
                }
            });
        out
    }
}

/// `x · Wᵀ + b` with the packed `W` and its bias, then GELU (erf form) when `gelu`, as a
/// candle op over `x` (`[m, k]`, f32, contiguous).
pub(crate) struct Bf16Linear<'a> {
    pub packed: &'a PackedBf16,
    pub gelu: bool,
}

impl CustomOp1 for Bf16Linear<'_> {
    fn name(&self) -> &'static str {
        "bolajon-bf16-linear"
    }

    fn cpu_fwd(
        &self,
        storage: &CpuStorage,
        layout: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let (m, k) = layout.shape().dims2()?;
        let packed = self.packed;
        if k != packed.k {
            candle_core::bail!("bf16 matmul: x has {k} columns, w has {}", packed.k);
        }
        let CpuStorage::F32(x) = storage else {
            candle_core::bail!("bf16 matmul: f32 only");
        };
        let Some((start, end)) = layout.contiguous_offsets() else {
            candle_core::bail!("bf16 matmul: contiguous input only");
        };
        let out = packed.forward(&x[start..end], m, self.gelu);
        Ok((CpuStorage::F32(out), Shape::from((m, packed.n))))
    }
}

// The one place in the workspace with `unsafe`: SIMD intrinsics that read and write through
// pointers, each bounded by the shapes checked in `PackedBf16::new` and `Bf16Matmul`.
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod avx512 {
    use std::arch::x86_64::*;

    use super::{MR, NR, PackedBf16};

    /// Multiplies a block of rows: rounds them to bf16 once, then runs the microkernel over
    /// every panel, starting the sums from the bias when `with_bias`, else from zero.
    ///
    /// # Safety
    /// The CPU must have AVX-512 F and BF16; `x` is whole rows of `w.k`, `out` the same rows
    /// of `w.n`.
    #[target_feature(enable = "avx512f,avx512bf16")]
    pub(super) unsafe fn rows(w: &PackedBf16, x: &[f32], out: &mut [f32], with_bias: bool) {
        // SAFETY: the pointers stay inside `a` (rows × steps pairs), `x` (rows × k), `out`
        // (rows × n) and the panels (steps × NR lanes each), by the shapes the caller guarantees.
        unsafe {
            let (n, k) = (w.n, w.k);
            let steps = k / 2;
            let rows = x.len() / k;
            debug_assert_eq!(out.len(), rows * n);
            // The rows in bf16, two columns per u32.
            let mut a = vec![0u32; rows * steps];
            let halves = a.as_mut_ptr().cast::<u16>();
            let whole = k - k % 16;
            for r in 0..rows {
                let row = &x[r * k..(r + 1) * k];
                let target = halves.add(r * k);
                let mut c = 0;
                while c < whole {
                    let v = _mm512_loadu_ps(row.as_ptr().add(c));
                    let h: __m256i = std::mem::transmute(_mm512_cvtneps_pbh(v));
                    _mm256_storeu_si256(target.add(c).cast::<__m256i>(), h);
                    c += 16;
                }
                for (c, &value) in row.iter().enumerate().skip(whole) {
                    *target.add(c) = super::to_bf16(value);
                }
            }
            let zeros = [0f32; NR];
            for (block, panel) in w.panels.chunks_exact(steps * NR).enumerate() {
                let b = if with_bias {
                    w.bias.as_ptr().add(block * NR)
                } else {
                    zeros.as_ptr()
                };
                let mut r = 0;
                while r + MR <= rows {
                    kernel::<MR>(
                        a.as_ptr().add(r * steps),
                        steps,
                        panel.as_ptr(),
                        b,
                        out.as_mut_ptr().add(r * n + block * NR),
                        n,
                    );
                    r += MR;
                }
                let (a, c) = (
                    a.as_ptr().add(r * steps),
                    out.as_mut_ptr().add(r * n + block * NR),
                );
                let p = panel.as_ptr();
                match rows - r {
                    1 => kernel::<1>(a, steps, p, b, c, n),
                    2 => kernel::<2>(a, steps, p, b, c, n),
                    3 => kernel::<3>(a, steps, p, b, c, n),
                    4 => kernel::<4>(a, steps, p, b, c, n),
                    5 => kernel::<5>(a, steps, p, b, c, n),
                    _ => {}
                }
            }
        }
    }

    /// `R` rows × `NR` features: `c[r][j] = b[j] + Σ_p a[r][p] · panel[p][j]` over bf16 pairs.
    ///
    /// # Safety
    /// AVX-512 F and BF16; `a` holds `R` rows of `steps` pairs, `panel` `steps × NR` lanes,
    /// `b` `NR` values, `c` `R` rows of stride `ldc` with `NR` writable values each.
    #[target_feature(enable = "avx512f,avx512bf16")]
    #[inline]
    unsafe fn kernel<const R: usize>(
        a: *const u32,
        steps: usize,
        panel: *const u32,
        b: *const f32,
        c: *mut f32,
        ldc: usize,
    ) {
        // SAFETY: the caller guarantees `R` rows of `steps` pairs at `a`, `steps × NR` lanes at
        // `panel`, `NR` values at `b` and `R` rows of `NR` values at `c` (stride `ldc`).
        unsafe {
            let start = [0, 16, 32, 48].map(|offset| _mm512_loadu_ps(b.add(offset)));
            let mut acc = [start; R];
            for p in 0..steps {
                let lanes = panel.add(p * NR);
                let w: [__m512bh; 4] = [0, 16, 32, 48].map(|offset| {
                    std::mem::transmute::<__m512i, __m512bh>(_mm512_loadu_si512(
                        lanes.add(offset).cast::<__m512i>(),
                    ))
                });
                for (r, sums) in acc.iter_mut().enumerate() {
                    let pair = std::mem::transmute::<__m512i, __m512bh>(_mm512_set1_epi32(
                        *a.add(r * steps + p) as i32,
                    ));
                    for (sum, w) in sums.iter_mut().zip(w) {
                        *sum = _mm512_dpbf16_ps(*sum, pair, w);
                    }
                }
            }
            for (r, sums) in acc.iter().enumerate() {
                for (j, sum) in sums.iter().enumerate() {
                    _mm512_storeu_ps(c.add(r * ldc + j * 16), *sum);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use candle_core::{Device, Tensor};

    use super::*;

    #[test]
    fn rounds_to_nearest_even() {
        assert_eq!(to_bf16(1.0), 0x3f80);
        // 1 + 2^-8 is halfway between 1 and 1 + 2^-7: ties go to the even mantissa (1.0).
        assert_eq!(to_bf16(f32::from_bits(0x3f80_8000)), 0x3f80);
        assert_eq!(to_bf16(f32::from_bits(0x3f81_8000)), 0x3f82);
        assert_eq!(to_bf16(f32::from_bits(0x3f80_8001)), 0x3f81);
        assert!(f32::from_bits(u32::from(to_bf16(f32::NAN)) << 16).is_nan());
    }

    #[test]
    fn matches_f32_matmul_within_bf16_rounding() {
        let Some(_) = PackedBf16::new(&[0.0; 64 * 2], &[0.0; 64], 64, 2) else {
            // No AVX-512 BF16 here: the encoder uses f32, tested elsewhere.
            assert!(!supported());
            return;
        };
        // Row counts around the microkernel's 6 and the task's 48; k with and without a
        // 16-column tail.
        for (m, k, n) in [(1, 384, 64), (7, 40, 128), (53, 384, 192), (100, 1536, 64)] {
            let x: Vec<f32> = (0..m * k)
                .map(|i| ((i * 7919) % 211) as f32 * 0.01 - 1.05)
                .collect();
            let w: Vec<f32> = (0..n * k)
                .map(|i| ((i * 104_729) % 197) as f32 * 0.01 - 0.98)
                .collect();
            let b: Vec<f32> = (0..n).map(|i| (i % 7) as f32 * 0.3 - 0.9).collect();
            let packed = PackedBf16::new(&w, &b, n, k).unwrap();
            let input = Tensor::from_vec(x, (m, k), &Device::Cpu).unwrap();
            let w = Tensor::from_vec(w, (n, k), &Device::Cpu).unwrap();
            let b = Tensor::from_vec(b, n, &Device::Cpu).unwrap();
            let linear = input
                .matmul(&w.t().unwrap())
                .unwrap()
                .broadcast_add(&b)
                .unwrap();
            for gelu in [false, true] {
                let ours = input
                    .apply_op1_no_bwd(&Bf16Linear {
                        packed: &packed,
                        gelu,
                    })
                    .unwrap();
                let reference = if gelu {
                    linear.gelu_erf().unwrap()
                } else {
                    linear.clone()
                };
                let ours = ours.flatten_all().unwrap().to_vec1::<f32>().unwrap();
                let reference = reference.flatten_all().unwrap().to_vec1::<f32>().unwrap();
                // Each product carries two bf16 roundings (relative 2^-9 each) of terms below
                // about 1.1; sums of k such terms stay within a few units of 2^-8 · sqrt(k).
                let bound = 0.01 * (k as f32).sqrt();
                let worst = ours
                    .iter()
                    .zip(&reference)
                    .map(|(a, b)| (a - b).abs())
                    .fold(0f32, f32::max);
                assert!(worst < bound, "{m}x{k}x{n} gelu {gelu}: {worst} ≥ {bound}");
                // And it is not the f32 result by accident: some rounding shows.
                assert!(worst > 0.0, "{m}x{k}x{n}: bf16 gave exact f32 sums");
            }
        }
    }

    #[test]
    fn refuses_shapes_it_cannot_pack() {
        let bias = [0.0; 64];
        assert!(
            PackedBf16::new(&[0.0; 32 * 4], &bias[..32], 32, 4).is_none(),
            "n not a multiple of 64"
        );
        assert!(
            PackedBf16::new(&[0.0; 64 * 3], &bias, 64, 3).is_none(),
            "odd k"
        );
        assert!(
            PackedBf16::new(&[0.0; 10], &bias, 64, 2).is_none(),
            "wrong length"
        );
        assert!(
            PackedBf16::new(&[0.0; 64 * 2], &bias[..63], 64, 2).is_none(),
            "bias length"
        );
    }
}
