//! Simulated shopping sessions over a generated catalogue, for the offline evaluation of
//! recommendations.
//!
//! Each shopper shops for one child and has latent preferences: the child's age (only
//! products whose age range admits it are considered), two or three favourite leaf categories
//! (drawn in proportion to how many of the child's products they hold, so big categories are
//! favoured more often), two favourite brands among those categories' products, and a budget.
//! A product's appeal to a shopper is
//!
//! `exp(2.0·[favourite leaf] + 0.8·[sibling of a favourite leaf] + 1.0·[favourite brand]
//!      − 0.6·|ln(price / budget)| + 0.35·ln(1 + units sold))`,
//!
//! the last term being a shared notion of popularity, so that a popularity baseline is not a
//! straw man. A shopper views 6–25 products drawn by appeal (without replacement), then buys
//! 1–4 products: half of them, on average, among the viewed ones (weighted by appeal
//! squared), the others drawn by appeal from the whole eligible catalogue (bought without a
//! recorded view, as from a search result). Each purchase follows the views in time.
//!
//! Planted unsafe listings are never viewed nor bought (they never pass moderation). The
//! simulation is deterministic: the same catalogue, seed and count give the same sessions.

use crate::model::{Catalog, Product};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::HashMap;

/// Sessions start within this many seconds after [`SESSIONS_FROM`] (sixty days).
const SESSION_SPREAD_SECS: i64 = 60 * 86_400;
/// Start of the simulated period (2026-09-01 UTC).
pub const SESSIONS_FROM: i64 = 1_788_220_800;

/// What a shopper did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionAction {
    /// Looked at a product page.
    View,
    /// Bought the product.
    Purchase,
}

/// One event of a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionEvent {
    /// The product.
    pub product: u64,
    /// What happened.
    pub action: SessionAction,
    /// When, in seconds since the Unix epoch.
    pub at: i64,
}

/// A simulated shopper and their events, in time order.
#[derive(Debug, Clone, PartialEq)]
pub struct ShopperSession {
    /// Identifier, from 1.
    pub shopper: u64,
    /// The age of the child shopped for, in months.
    pub child_age_months: u16,
    /// Views and purchases, oldest first.
    pub events: Vec<SessionEvent>,
}

/// Latent preferences of one shopper.
struct Preferences {
    leaves: Vec<u64>,
    parents: Vec<u64>,
    brands: Vec<u64>,
    budget: f64,
}

/// Simulates `shoppers` sessions over `catalog` (see the module docs).
pub fn simulate_sessions(catalog: &Catalog, seed: u64, shoppers: usize) -> Vec<ShopperSession> {
    let parent_of: HashMap<u64, Option<u64>> = catalog
        .categories
        .iter()
        .map(|category| (category.id, category.parent_id))
        .collect();
    let safe: Vec<&Product> = catalog
        .products
        .iter()
        .filter(|product| product.unsafe_label.is_none())
        .collect();
    let mut sessions = Vec::with_capacity(shoppers);
    for shopper in 1..=shoppers as u64 {
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ shopper.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let age: u16 = rng.random_range(0..=168);
        let eligible: Vec<&Product> = safe
            .iter()
            .copied()
            .filter(|product| product.age_min_months <= age && age <= product.age_max_months)
            .collect();
        if eligible.len() < 30 {
            continue;
        }
        let preferences = draw_preferences(&mut rng, &eligible, &parent_of);
        let appeal: Vec<f64> = eligible
            .iter()
            .map(|product| appeal(product, &preferences, &parent_of))
            .collect();
        let mut at = SESSIONS_FROM + rng.random_range(0..SESSION_SPREAD_SECS);
        let mut events = Vec::new();
        let views = rng.random_range(6..=25usize);
        let viewed = draw_without_replacement(&mut rng, &appeal, views);
        for &index in &viewed {
            at += rng.random_range(30..=600);
            events.push(SessionEvent {
                product: eligible[index].id,
                action: SessionAction::View,
                at,
            });
        }
        let purchases = rng.random_range(1..=4usize);
        let mut bought: Vec<usize> = Vec::with_capacity(purchases);
        for _ in 0..purchases {
            let from_views = rng.random_bool(0.5);
            let pick = if from_views {
                let weights: Vec<f64> = viewed
                    .iter()
                    .map(|&index| {
                        if bought.contains(&index) {
                            0.0
                        } else {
                            appeal[index] * appeal[index]
                        }
                    })
                    .collect();
                draw_one(&mut rng, &weights).map(|position| viewed[position])
            } else {
                let weights: Vec<f64> = appeal
                    .iter()
                    .enumerate()
                    .map(|(index, weight)| {
                        if bought.contains(&index) {
                            0.0
                        } else {
                            *weight
                        }
                    })
                    .collect();
                draw_one(&mut rng, &weights)
            };
            let Some(index) = pick else {
                continue;
            };
            bought.push(index);
            at += rng.random_range(60..=3_600);
            events.push(SessionEvent {
                product: eligible[index].id,
                action: SessionAction::Purchase,
                at,
            });
        }
        sessions.push(ShopperSession {
            shopper,
            child_age_months: age,
            events,
        });
    }
    sessions
}

fn draw_preferences(
    rng: &mut ChaCha8Rng,
    eligible: &[&Product],
    parent_of: &HashMap<u64, Option<u64>>,
) -> Preferences {
    let mut per_leaf: HashMap<u64, f64> = HashMap::new();
    for product in eligible {
        *per_leaf.entry(product.category_id).or_default() += 1.0;
    }
    let mut leaf_ids: Vec<u64> = per_leaf.keys().copied().collect();
    leaf_ids.sort_unstable();
    let mut leaf_weights: Vec<f64> = leaf_ids.iter().map(|leaf| per_leaf[leaf]).collect();
    let mut leaves = Vec::new();
    for _ in 0..rng.random_range(2..=3) {
        if let Some(index) = draw_one(rng, &leaf_weights) {
            leaves.push(leaf_ids[index]);
            leaf_weights[index] = 0.0;
        }
    }
    let parents = leaves
        .iter()
        .filter_map(|leaf| parent_of.get(leaf).copied().flatten())
        .collect();
    let in_leaves: Vec<&&Product> = eligible
        .iter()
        .filter(|product| leaves.contains(&product.category_id))
        .collect();
    let mut brands = Vec::new();
    for _ in 0..2 {
        if !in_leaves.is_empty() {
            brands.push(in_leaves[rng.random_range(0..in_leaves.len())].brand_id);
        }
    }
    let prices: Vec<f64> = in_leaves
        .iter()
        .map(|product| cheapest(product) as f64)
        .collect();
    let budget = if prices.is_empty() {
        10_000_000.0
    } else {
        prices[rng.random_range(0..prices.len())]
    };
    Preferences {
        leaves,
        parents,
        brands,
        budget,
    }
}

fn cheapest(product: &Product) -> i64 {
    product
        .variants
        .iter()
        .map(|variant| variant.price_tiyin)
        .min()
        .unwrap_or(1)
        .max(1)
}

fn appeal(
    product: &Product,
    preferences: &Preferences,
    parent_of: &HashMap<u64, Option<u64>>,
) -> f64 {
    let leaf = preferences.leaves.contains(&product.category_id);
    let sibling = !leaf
        && parent_of
            .get(&product.category_id)
            .copied()
            .flatten()
            .is_some_and(|parent| preferences.parents.contains(&parent));
    let brand = preferences.brands.contains(&product.brand_id);
    let price = (cheapest(product) as f64 / preferences.budget).ln().abs();
    let popularity = (1.0 + product.sales_count as f64).ln();
    (2.0 * f64::from(u8::from(leaf))
        + 0.8 * f64::from(u8::from(sibling))
        + 1.0 * f64::from(u8::from(brand))
        - 0.6 * price
        + 0.35 * popularity)
        .exp()
}

/// Draws one index in proportion to `weights` (`None` when they are all zero).
fn draw_one(rng: &mut ChaCha8Rng, weights: &[f64]) -> Option<usize> {
    let total: f64 = weights.iter().sum();
    if total <= 0.0 || !total.is_finite() {
        return None;
    }
    let mut target = rng.random::<f64>() * total;
    for (index, weight) in weights.iter().enumerate() {
        if *weight <= 0.0 {
            continue;
        }
        if target < *weight {
            return Some(index);
        }
        target -= weight;
    }
    weights.iter().rposition(|weight| *weight > 0.0)
}

/// Draws `count` distinct indexes in proportion to `weights`.
fn draw_without_replacement(rng: &mut ChaCha8Rng, weights: &[f64], count: usize) -> Vec<usize> {
    let mut weights = weights.to_vec();
    let mut drawn = Vec::with_capacity(count);
    for _ in 0..count {
        let Some(index) = draw_one(rng, &weights) else {
            break;
        };
        weights[index] = 0.0;
        drawn.push(index);
    }
    drawn
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_are_deterministic_and_respect_the_childs_age() {
        let catalog = crate::generate(11, 1_500);
        let first = simulate_sessions(&catalog, 5, 40);
        let second = simulate_sessions(&catalog, 5, 40);
        assert_eq!(first, second);
        assert!(first.len() >= 30, "{} sessions", first.len());
        let products: HashMap<u64, &Product> = catalog
            .products
            .iter()
            .map(|product| (product.id, product))
            .collect();
        for session in &first {
            assert!(
                session
                    .events
                    .windows(2)
                    .all(|pair| pair[0].at <= pair[1].at)
            );
            assert!(
                session
                    .events
                    .iter()
                    .any(|event| event.action == SessionAction::Purchase)
            );
            for event in &session.events {
                let product = products[&event.product];
                assert!(product.unsafe_label.is_none());
                assert!(
                    product.age_min_months <= session.child_age_months
                        && session.child_age_months <= product.age_max_months
                );
            }
        }
    }

    #[test]
    fn shoppers_prefer_their_categories() {
        let catalog = crate::generate(11, 1_500);
        let sessions = simulate_sessions(&catalog, 9, 200);
        let category: HashMap<u64, u64> = catalog
            .products
            .iter()
            .map(|product| (product.id, product.category_id))
            .collect();
        // Within a session, purchases share a leaf category with some view far more often
        // than two random products would.
        let mut shared = 0;
        let mut purchases = 0;
        for session in &sessions {
            let viewed: Vec<u64> = session
                .events
                .iter()
                .filter(|event| event.action == SessionAction::View)
                .map(|event| category[&event.product])
                .collect();
            for event in &session.events {
                if event.action == SessionAction::Purchase {
                    purchases += 1;
                    shared += usize::from(viewed.contains(&category[&event.product]));
                }
            }
        }
        assert!(
            shared * 10 > purchases * 7,
            "{shared} of {purchases} purchases share a category with a view"
        );
    }
}
