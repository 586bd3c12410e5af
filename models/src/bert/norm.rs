//! `LayerNorm(x + y)`, the residual add and the norm of an encoder layer in one pass.
//!
//! candle does the add (a new tensor) and then the norm (another), two passes and two
//! allocations per sub-layer; with the products in bf16 they were about a twelfth of a
//! batch's time. Here each row is added into the output, then normalised in place while it
//! is in cache.

use candle_core::{CpuStorage, CustomOp2, Layout, Shape};

/// `LayerNorm(x + y) · weight + bias` over the last dimension of `[m, n]` inputs.
pub(crate) struct AddNorm<'a> {
    pub weight: &'a [f32],
    pub bias: &'a [f32],
    pub eps: f32,
}

impl CustomOp2 for AddNorm<'_> {
    fn name(&self) -> &'static str {
        "bolajon-add-layer-norm"
    }

    fn cpu_fwd(
        &self,
        x_storage: &CpuStorage,
        x_layout: &Layout,
        y_storage: &CpuStorage,
        y_layout: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let (m, n) = x_layout.shape().dims2()?;
        if y_layout.shape().dims2()? != (m, n) || self.weight.len() != n || self.bias.len() != n {
            candle_core::bail!(
                "add-norm: shapes {:?}, {:?}",
                x_layout.shape(),
                y_layout.shape()
            );
        }
        let (CpuStorage::F32(x), CpuStorage::F32(y)) = (x_storage, y_storage) else {
            candle_core::bail!("add-norm: f32 only");
        };
        let (Some((x_start, x_end)), Some((y_start, y_end))) =
            (x_layout.contiguous_offsets(), y_layout.contiguous_offsets())
        else {
            candle_core::bail!("add-norm: contiguous inputs only");
        };
        let (x, y) = (&x[x_start..x_end], &y[y_start..y_end]);
        let mut out = vec![0f32; m * n];
        if n > 0 {
            for ((row, x), y) in out
                .chunks_exact_mut(n)
                .zip(x.chunks_exact(n))
                .zip(y.chunks_exact(n))
            {
                for ((o, a), b) in row.iter_mut().zip(x).zip(y) {
                    *o = a + b;
                }
                let mean = row.iter().sum::<f32>() / n as f32;
                let variance = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / n as f32;
                let inverse = 1.0 / (variance + self.eps).sqrt();
                for ((o, w), b) in row.iter_mut().zip(self.weight).zip(self.bias) {
                    *o = (*o - mean) * inverse * w + b;
                }
            }
        }
        Ok((CpuStorage::F32(out), Shape::from((m, n))))
    }
}

#[cfg(test)]
mod tests {
    use candle_core::{Device, Tensor};

    use super::*;

    #[test]
    fn matches_candle_add_then_layer_norm() {
        for (m, n) in [(1, 8), (5, 384), (3, 37)] {
            let x: Vec<f32> = (0..m * n)
                .map(|i| ((i * 13) % 29) as f32 * 0.3 - 4.0)
                .collect();
            let y: Vec<f32> = (0..m * n)
                .map(|i| ((i * 7) % 17) as f32 * 0.2 - 1.5)
                .collect();
            let weight: Vec<f32> = (0..n).map(|i| 0.5 + (i % 5) as f32 * 0.1).collect();
            let bias: Vec<f32> = (0..n).map(|i| (i % 3) as f32 * 0.2 - 0.2).collect();
            let tensor = |v: Vec<f32>, shape: (usize, usize)| {
                Tensor::from_vec(v, shape, &Device::Cpu).unwrap()
            };
            let (x, y) = (tensor(x, (m, n)), tensor(y, (m, n)));
            let ours = x
                .apply_op2_no_bwd(
                    &y,
                    &AddNorm {
                        weight: &weight,
                        bias: &bias,
                        eps: 1e-12,
                    },
                )
                .unwrap();
            let reference = candle_nn::ops::layer_norm(
                &(x + y).unwrap(),
                &Tensor::from_vec(weight.clone(), n, &Device::Cpu).unwrap(),
                &Tensor::from_vec(bias.clone(), n, &Device::Cpu).unwrap(),
                1e-12,
            )
            .unwrap();
            let difference = super::super::max_difference(&ours, &reference);
            assert!(difference < 1e-4, "{m}x{n}: {difference}");
        }
    }

    #[test]
    fn rejects_mismatched_shapes() {
        let x = Tensor::zeros((2, 8), candle_core::DType::F32, &Device::Cpu).unwrap();
        let y = Tensor::zeros((2, 7), candle_core::DType::F32, &Device::Cpu).unwrap();
        let (weight, bias) = ([1.0; 8], [0.0; 8]);
        let op = AddNorm {
            weight: &weight,
            bias: &bias,
            eps: 1e-12,
        };
        assert!(x.apply_op2_no_bwd(&y, &op).is_err());
        assert!(x.apply_op2_no_bwd(&x, &op).is_ok());
    }
}
