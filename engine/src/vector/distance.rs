//! The dot product of unit vectors, and the distance the graph ranks by.
//!
//! On unit vectors cosine similarity is the dot product, and `1 - dot` orders neighbours the
//! same way. The product runs on pulp's runtime SIMD dispatch (AVX2 and FMA when the CPU has
//! them) with four independent accumulators: the plain iterator sum is one serial chain of
//! additions, which the compiler may not reorder, so it cannot be vectorised.

use hnsw_rs::prelude::Distance;

/// Returns the dot product of two vectors (over the shorter length).
#[inline]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    dot_on(pulp::Arch::new(), a, b)
}

/// Returns the dot product on an already detected architecture.
#[inline]
pub(crate) fn dot_on(arch: pulp::Arch, a: &[f32], b: &[f32]) -> f32 {
    let len = a.len().min(b.len());
    arch.dispatch(Dot {
        a: &a[..len],
        b: &b[..len],
    })
}

/// One dot product, inlined into pulp's `#[target_feature]` entry point.
struct Dot<'a> {
    a: &'a [f32],
    b: &'a [f32],
}

impl pulp::WithSimd for Dot<'_> {
    type Output = f32;

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, simd: S) -> f32 {
        dot_with(simd, self.a, self.b)
    }
}

/// The dot product on `simd`, inlined into the caller's `#[target_feature]` context (over the
/// shorter length).
#[inline(always)]
pub(crate) fn dot_with<S: pulp::Simd>(simd: S, a: &[f32], b: &[f32]) -> f32 {
    let len = a.len().min(b.len());
    let (a_head, a_tail) = S::as_simd_f32s(&a[..len]);
    let (b_head, b_tail) = S::as_simd_f32s(&b[..len]);
    let (a_quads, a_rest) = pulp::as_arrays::<4, S::f32s>(a_head);
    let (b_quads, b_rest) = pulp::as_arrays::<4, S::f32s>(b_head);
    let zero = simd.splat_f32s(0.0);
    let mut sums = [zero; 4];
    for (a, b) in a_quads.iter().zip(b_quads) {
        sums[0] = simd.mul_add_f32s(a[0], b[0], sums[0]);
        sums[1] = simd.mul_add_f32s(a[1], b[1], sums[1]);
        sums[2] = simd.mul_add_f32s(a[2], b[2], sums[2]);
        sums[3] = simd.mul_add_f32s(a[3], b[3], sums[3]);
    }
    for (a, b) in a_rest.iter().zip(b_rest) {
        sums[0] = simd.mul_add_f32s(*a, *b, sums[0]);
    }
    let vector_sum = simd.add_f32s(
        simd.add_f32s(sums[0], sums[1]),
        simd.add_f32s(sums[2], sums[3]),
    );
    let tail: f32 = a_tail.iter().zip(b_tail).map(|(a, b)| a * b).sum();
    simd.reduce_sum_f32s(vector_sum) + tail
}

/// The graph's distance: `1 - dot`, clamped at 0 (hnsw_rs requires distances to be
/// non-negative, and rounding can push the dot product of a vector with itself above 1).
#[derive(Debug, Clone, Copy)]
pub(crate) struct DotDistance {
    arch: pulp::Arch,
}

impl Default for DotDistance {
    fn default() -> Self {
        Self {
            arch: pulp::Arch::new(),
        }
    }
}

impl Distance<f32> for DotDistance {
    #[inline]
    fn eval(&self, a: &[f32], b: &[f32]) -> f32 {
        let distance = 1.0 - dot_on(self.arch, a, b);
        // NaN cannot reach here (vectors are checked on the way in); `max` would map it to 0.
        distance.max(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_matches_the_scalar_sum_at_every_length() {
        for len in [0, 1, 3, 7, 8, 15, 16, 31, 33, 64, 100, 384] {
            let a: Vec<f32> = (0..len)
                .map(|i| ((i * 7) % 11) as f32 * 0.1 - 0.5)
                .collect();
            let b: Vec<f32> = (0..len)
                .map(|i| ((i * 5) % 13) as f32 * 0.1 - 0.6)
                .collect();
            let expected: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
            let got = dot(&a, &b);
            assert!((got - expected).abs() < 1e-4, "{len}: {got} vs {expected}");
        }
    }

    #[test]
    fn distance_is_never_negative() {
        let v = vec![0.6f32, 0.8];
        let distance = DotDistance::default();
        assert!(distance.eval(&v, &v) >= 0.0);
        assert!((distance.eval(&v, &[-0.6, -0.8]) - 2.0).abs() < 1e-6);
    }
}
