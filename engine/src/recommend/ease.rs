//! The item-item model behind "frequently bought together": EASE (Steck 2019, "Embarrassingly
//! Shallow Autoencoders for Sparse Data"), fitted on the co-purchase counts.
//!
//! With `X` the (basket × product) 0/1 matrix, the counts already hold its Gram matrix
//! `G = XᵀX`: `G[i][i]` is the number of baskets holding `i`, `G[i][j]` the number holding
//! both. EASE learns the weights `B` that best rebuild each basket from its other products,
//! `min ‖X − XB‖² + λ‖B‖²` with `diag(B) = 0`, whose closed form is
//! `B = I − P·diag(1/diag(P))`, `P = (G + λI)⁻¹`, so `B[i][j] = −P[i][j] / P[j][j]`. A basket
//! scores each product `j` with `Σ_{i in basket} B[i][j]`. Unlike the cosine it learns how
//! much each co-purchase says once the basket's other products are accounted for (milk with
//! bread says little about butter when both usually come together).
//!
//! **Popularity as a learned prior.** A constant "intercept" column (a pseudo product in every
//! basket) is added to `X`, so its row of `B` is a per-product prior fitted jointly with the
//! item weights rather than mixed in with a hand-set weight.
//!
//! **Scale.** The inverse costs `n³`: the model covers the [`ItemModelSettings::max_products`]
//! products in the most baskets (among those bought with something else); products outside it
//! fall back to the cosine associations of [`CoCounts::associated`] in the caller.
//!
//! **Regularisation.** `G` grows with the number of baskets, so `λ` does too:
//! `λ = regularisation × baskets` (at least [`MIN_LAMBDA`]) keeps a fitted model the same when
//! the same shopping doubles. The default was chosen on a validation split of the groceries
//! training baskets (see `benches/src/bin/recommendations.rs`), never on the test baskets.

use super::CoCounts;
use crate::doc::ProductId;
use std::collections::HashMap;
use std::fmt;

/// The smallest `λ` a model is fitted with (keeps `G + λI` well conditioned on tiny data).
pub const MIN_LAMBDA: f64 = 1.0;

/// How the co-purchase model is fitted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ItemModelSettings {
    /// `λ` per counted basket (`λ = regularisation × baskets`, at least [`MIN_LAMBDA`]).
    pub regularisation: f64,
    /// Most products in the model (the ones in the most baskets); `0` turns the model off
    /// (cosine associations only).
    pub max_products: usize,
}

impl ItemModelSettings {
    /// The regularisation chosen on the groceries validation split (λ ≈ 130 for its 7,868
    /// training baskets).
    pub const DEFAULT_REGULARISATION: f64 = 0.017;
    /// Products in the model by default: a 501 × 501 inverse, about 0.1 s in a release build.
    pub const DEFAULT_MAX_PRODUCTS: usize = 500;

    /// Returns `λ` for `baskets` counted baskets.
    pub fn lambda(&self, baskets: u64) -> f64 {
        let lambda = self.regularisation * baskets as f64;
        if lambda.is_finite() {
            lambda.max(MIN_LAMBDA)
        } else {
            MIN_LAMBDA
        }
    }
}

impl Default for ItemModelSettings {
    fn default() -> Self {
        Self {
            regularisation: Self::DEFAULT_REGULARISATION,
            max_products: Self::DEFAULT_MAX_PRODUCTS,
        }
    }
}

/// A fitted EASE model over some products.
#[derive(Clone)]
pub struct ItemModel {
    products: Vec<ProductId>,
    index: HashMap<ProductId, usize>,
    /// `B[i][j]`, row-major, `products.len()²`; the diagonal is zero.
    weights: Vec<f32>,
    /// The intercept's row of `B`: the learned prior of each product.
    prior: Vec<f32>,
    lambda: f64,
}

impl fmt::Debug for ItemModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ItemModel")
            .field("products", &self.products.len())
            .field("lambda", &self.lambda)
            .finish_non_exhaustive()
    }
}

impl ItemModel {
    /// Fits the model on `counts`, or returns `None` when no product was bought with another
    /// (or the model is turned off).
    pub fn fit(counts: &CoCounts, settings: &ItemModelSettings) -> Option<Self> {
        if settings.max_products == 0 || counts.total_groups == 0 {
            return None;
        }
        // Products bought with something else, most baskets first.
        let mut products: Vec<(ProductId, u32)> = counts
            .pairs
            .iter()
            .filter(|(_, others)| !others.is_empty())
            .map(|(product, _)| (*product, counts.count(*product)))
            .collect();
        if products.is_empty() {
            return None;
        }
        products.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        products.truncate(settings.max_products);
        let products: Vec<ProductId> = products.into_iter().map(|(product, _)| product).collect();
        let n = products.len();
        let index: HashMap<ProductId, usize> = products
            .iter()
            .enumerate()
            .map(|(position, product)| (*product, position))
            .collect();
        // G + λI over the products and the intercept (the last row and column).
        let size = n + 1;
        let lambda = settings.lambda(counts.total_groups);
        let mut gram = vec![0.0f64; size * size];
        for (row, product) in products.iter().enumerate() {
            let own = f64::from(counts.count(*product));
            gram[row * size + row] = own + lambda;
            gram[row * size + n] = own;
            gram[n * size + row] = own;
            if let Some(others) = counts.pairs.get(product) {
                for (other, together) in others {
                    if let Some(column) = index.get(other) {
                        gram[row * size + column] = f64::from(*together);
                    }
                }
            }
        }
        gram[n * size + n] = counts.total_groups as f64 + lambda;
        let inverse = invert_positive_definite(gram, size)?;
        let mut weights = vec![0.0f32; n * n];
        let mut prior = vec![0.0f32; n];
        for column in 0..n {
            let diagonal = inverse[column * size + column];
            if diagonal.is_nan() || diagonal <= 0.0 {
                return None;
            }
            for row in 0..n {
                if row != column {
                    weights[row * n + column] = (-inverse[row * size + column] / diagonal) as f32;
                }
            }
            prior[column] = (-inverse[n * size + column] / diagonal) as f32;
        }
        Some(Self {
            products,
            index,
            weights,
            prior,
            lambda,
        })
    }

    /// Returns the number of products in the model.
    pub fn len(&self) -> usize {
        self.products.len()
    }

    /// Returns whether the model holds no product.
    pub fn is_empty(&self) -> bool {
        self.products.is_empty()
    }

    /// Returns the `λ` the model was fitted with.
    pub fn lambda(&self) -> f64 {
        self.lambda
    }

    /// Returns whether `product` is in the model.
    pub fn contains(&self, product: ProductId) -> bool {
        self.index.contains_key(&product)
    }

    /// Returns the weight of `from` towards `to` (`B[from][to]`; 0 when either is outside the
    /// model or they are the same product).
    pub fn weight(&self, from: ProductId, to: ProductId) -> f64 {
        match (self.index.get(&from), self.index.get(&to)) {
            (Some(row), Some(column)) => f64::from(self.weights[row * self.len() + column]),
            _ => 0.0,
        }
    }

    /// Scores every product of the model for a basket: the learned prior plus the sum of the
    /// basket products' rows. `None` when no product of the basket is in the model (then the
    /// model knows nothing about the basket, and the prior alone is only popularity).
    /// The basket's own products are scored too; the caller excludes them.
    pub fn score(&self, basket: &[ProductId]) -> Option<Vec<(ProductId, f64)>> {
        let n = self.len();
        let mut rows: Vec<usize> = basket
            .iter()
            .filter_map(|product| self.index.get(product).copied())
            .collect();
        rows.sort_unstable();
        rows.dedup();
        if rows.is_empty() {
            return None;
        }
        let mut scores: Vec<f64> = self.prior.iter().map(|value| f64::from(*value)).collect();
        for row in rows {
            let weights = &self.weights[row * n..(row + 1) * n];
            for (score, weight) in scores.iter_mut().zip(weights) {
                *score += f64::from(*weight);
            }
        }
        Some(self.products.iter().copied().zip(scores).collect())
    }
}

/// Inverts a symmetric positive definite `size × size` matrix (row-major) in place by
/// Gauss-Jordan elimination without pivoting (the pivots of such a matrix are positive).
/// Returns `None` when a pivot is not (the matrix was not positive definite).
fn invert_positive_definite(mut matrix: Vec<f64>, size: usize) -> Option<Vec<f64>> {
    debug_assert_eq!(matrix.len(), size * size);
    let mut pivot_row = vec![0.0f64; size];
    for k in 0..size {
        let pivot = matrix[k * size + k];
        if pivot.is_nan() || pivot <= f64::EPSILON || pivot.is_infinite() {
            return None;
        }
        let scale = 1.0 / pivot;
        matrix[k * size + k] = 1.0;
        for value in &mut matrix[k * size..(k + 1) * size] {
            *value *= scale;
        }
        pivot_row.copy_from_slice(&matrix[k * size..(k + 1) * size]);
        for row in 0..size {
            if row == k {
                continue;
            }
            let factor = matrix[row * size + k];
            if factor == 0.0 {
                continue;
            }
            matrix[row * size + k] = 0.0;
            for (value, pivot_value) in matrix[row * size..(row + 1) * size]
                .iter_mut()
                .zip(&pivot_row)
            {
                *value -= factor * pivot_value;
            }
        }
    }
    Some(matrix)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(values: &[u64]) -> Vec<ProductId> {
        values.iter().copied().map(ProductId).collect()
    }

    #[test]
    fn inverts_a_positive_definite_matrix_and_refuses_an_indefinite_one() {
        let matrix = vec![4.0, 2.0, 0.6, 2.0, 5.0, 1.0, 0.6, 1.0, 3.0];
        let inverse = invert_positive_definite(matrix.clone(), 3).unwrap();
        for row in 0..3 {
            for column in 0..3 {
                let product: f64 = (0..3)
                    .map(|k| matrix[row * 3 + k] * inverse[k * 3 + column])
                    .sum();
                let expected = if row == column { 1.0 } else { 0.0 };
                assert!(
                    (product - expected).abs() < 1e-12,
                    "{row},{column}: {product}"
                );
            }
        }
        assert!(invert_positive_definite(vec![0.0, 1.0, 1.0, 0.0], 2).is_none());
        assert!(invert_positive_definite(vec![1.0, 2.0, 2.0, 1.0], 2).is_none());
    }

    #[test]
    fn matches_the_closed_form_on_two_products() {
        // Three baskets: {1,2}, {1,2}, {1}. G = [[3,2],[2,2]], intercept counts 3 and 2.
        let mut counts = CoCounts::default();
        counts.add_group(&ids(&[1, 2]));
        counts.add_group(&ids(&[1, 2]));
        counts.add_group(&ids(&[1]));
        let settings = ItemModelSettings {
            regularisation: 0.0,
            max_products: 10,
        };
        let model = ItemModel::fit(&counts, &settings).unwrap();
        assert_eq!(model.len(), 2);
        assert_eq!(model.lambda(), MIN_LAMBDA);
        // The 3 × 3 system (products 1, 2, intercept) with λ = 1 on the diagonal.
        let gram = vec![4.0, 2.0, 3.0, 2.0, 3.0, 2.0, 3.0, 2.0, 4.0];
        let p = invert_positive_definite(gram, 3).unwrap();
        let b12 = -p[1] / p[4];
        let b21 = -p[3] / p[0];
        assert!((model.weight(ProductId(1), ProductId(2)) - b12).abs() < 1e-6);
        assert!((model.weight(ProductId(2), ProductId(1)) - b21).abs() < 1e-6);
        assert_eq!(model.weight(ProductId(1), ProductId(1)), 0.0);
        assert_eq!(model.weight(ProductId(1), ProductId(9)), 0.0);
        let scores: HashMap<ProductId, f64> =
            model.score(&ids(&[1])).unwrap().into_iter().collect();
        let prior2 = -p[7] / p[4];
        assert!((scores[&ProductId(2)] - (prior2 + b12)).abs() < 1e-6);
        assert!(model.score(&ids(&[7])).is_none());
    }

    #[test]
    fn a_specific_companion_beats_a_product_bought_with_everything() {
        // Milk (100) is in most baskets; 5 and 6 always come together (once with milk).
        let mut counts = CoCounts::default();
        for basket in 0..60u64 {
            counts.add_group(&ids(&[100, 10 + basket % 7]));
        }
        for basket in 0..30u64 {
            counts.add_group(&ids(&[10 + basket % 7, 20 + basket % 5]));
        }
        for _ in 0..4 {
            counts.add_group(&ids(&[5, 6]));
        }
        counts.add_group(&ids(&[5, 6, 100]));
        let model = ItemModel::fit(&counts, &ItemModelSettings::default()).unwrap();
        let mut ranked = model.score(&ids(&[5])).unwrap();
        ranked.retain(|(product, _)| *product != ProductId(5));
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
        assert_eq!(ranked[0].0, ProductId(6), "{ranked:?}");
    }

    #[test]
    fn keeps_the_products_in_the_most_baskets_and_can_be_turned_off() {
        let mut counts = CoCounts::default();
        for _ in 0..3 {
            counts.add_group(&ids(&[1, 2]));
        }
        counts.add_group(&ids(&[3, 4]));
        // Bought alone: no co-purchase support, never in the model.
        for _ in 0..10 {
            counts.add_group(&ids(&[9]));
        }
        let settings = ItemModelSettings {
            max_products: 2,
            ..ItemModelSettings::default()
        };
        let model = ItemModel::fit(&counts, &settings).unwrap();
        assert!(model.contains(ProductId(1)) && model.contains(ProductId(2)));
        assert!(!model.contains(ProductId(3)) && !model.contains(ProductId(9)));
        let off = ItemModelSettings {
            max_products: 0,
            ..ItemModelSettings::default()
        };
        assert!(ItemModel::fit(&counts, &off).is_none());
        assert!(ItemModel::fit(&CoCounts::default(), &settings).is_none());
    }
}
