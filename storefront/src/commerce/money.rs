//! Money arithmetic on integer tiyin. Every function here is exact: an amount split into parts
//! is split without remainder, and the property tests below check that totals, discounts,
//! refunds and commissions never lose or create a tiyin.

/// Basis points in one whole (100 %).
pub const BPS_ONE: i64 = 10_000;

/// The kind of a promo code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromoKind {
    /// A whole percentage (1..=100) of the eligible subtotal.
    Percent(i64),
    /// A fixed amount in tiyin.
    Fixed(i64),
}

/// Returns a promo's discount on `eligible` tiyin: never negative, never above `eligible`,
/// never above `cap` when one is given. Percentages round down (the buyer never gets a
/// fraction of a tiyin).
pub fn promo_discount(kind: PromoKind, cap: Option<i64>, eligible: i64) -> i64 {
    let eligible = eligible.max(0);
    let raw = match kind {
        PromoKind::Percent(percent) => {
            let percent = i128::from(percent.clamp(0, 100));
            // Fits: eligible ≤ i64::MAX and percent ≤ 100.
            i64::try_from(i128::from(eligible) * percent / 100).unwrap_or(eligible)
        }
        PromoKind::Fixed(amount) => amount.max(0),
    };
    let capped = match cap {
        Some(cap) => raw.min(cap.max(0)),
        None => raw,
    };
    capped.min(eligible)
}

/// Splits `amount` over `weights` in proportion (largest remainder), exactly: the parts sum to
/// `amount` when it is at most the sum of the weights, and no part exceeds its weight. Parts of
/// zero-weight entries are zero. When the weights sum to zero every part is zero.
pub fn allocate(amount: i64, weights: &[i64]) -> Vec<i64> {
    let total: i128 = weights.iter().map(|w| i128::from((*w).max(0))).sum();
    let mut parts = vec![0_i64; weights.len()];
    if total == 0 || amount <= 0 {
        return parts;
    }
    let amount = i128::from(amount).min(total);
    let mut remainders: Vec<(i128, usize)> = Vec::with_capacity(weights.len());
    let mut given: i128 = 0;
    for (index, weight) in weights.iter().enumerate() {
        let weight = i128::from((*weight).max(0));
        let exact = amount * weight;
        let floor = exact / total;
        given += floor;
        parts[index] = i64::try_from(floor).unwrap_or(0);
        remainders.push((exact % total, index));
    }
    // Hand the leftover tiyin to the largest remainders (ties: earlier entries first).
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut left = amount - given;
    for (remainder, index) in remainders {
        if left == 0 {
            break;
        }
        if remainder > 0 {
            parts[index] += 1;
            left -= 1;
        }
    }
    debug_assert_eq!(left, 0, "largest remainder hands out every tiyin");
    parts
}

/// Returns the marketplace commission on `amount` at `bps` basis points, rounded down.
pub fn commission(amount: i64, bps: i64) -> i64 {
    let bps = i128::from(bps.clamp(0, BPS_ONE));
    i64::try_from(i128::from(amount.max(0)) * bps / i128::from(BPS_ONE)).unwrap_or(0)
}

/// An order's money: subtotal − discount + delivery fee = total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    /// Sum of the lines.
    pub subtotal: i64,
    /// Promo discount.
    pub discount: i64,
    /// Delivery fee.
    pub delivery_fee: i64,
    /// What the buyer pays.
    pub total: i64,
}

impl Totals {
    /// Computes the totals; `None` on overflow (a request asking for absurd amounts).
    pub fn new(subtotal: i64, discount: i64, delivery_fee: i64) -> Option<Self> {
        if subtotal < 0 || discount < 0 || delivery_fee < 0 || discount > subtotal {
            return None;
        }
        let total = subtotal.checked_sub(discount)?.checked_add(delivery_fee)?;
        Some(Self {
            subtotal,
            discount,
            delivery_fee,
            total,
        })
    }
}

/// Returns the line total `unit × quantity`, or `None` on overflow.
pub fn line_total(unit_price: i64, quantity: i64) -> Option<i64> {
    unit_price.checked_mul(quantity)
}

/// One refund split over the sellers' shipments and the delivery fee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundSplit {
    /// Refunded to the buyer from each shipment's goods (same order as the input).
    pub shipments: Vec<i64>,
    /// The commission the marketplace gives back to each seller for it.
    pub commission_reversals: Vec<i64>,
    /// Refunded from the delivery fee.
    pub delivery: i64,
}

/// A shipment's money for refund purposes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShipmentMoney {
    /// The seller's net sale (lines minus their discount).
    pub net: i64,
    /// Already refunded from it.
    pub refunded: i64,
}

/// Splits a refund of `amount` over what is still refundable of each shipment and of the
/// delivery fee (in proportion), and computes the commission to reverse so that a full refund
/// reverses exactly the commission charged: reversal = commission(net − refunded before) −
/// commission(net − refunded after).
pub fn split_refund(
    amount: i64,
    shipments: &[ShipmentMoney],
    delivery_fee_left: i64,
    commission_bps: i64,
) -> RefundSplit {
    let mut weights: Vec<i64> = shipments
        .iter()
        .map(|s| (s.net - s.refunded).max(0))
        .collect();
    weights.push(delivery_fee_left.max(0));
    let mut parts = allocate(amount, &weights);
    let delivery = parts.pop().unwrap_or(0);
    let commission_reversals = shipments
        .iter()
        .zip(&parts)
        .map(|(s, part)| {
            commission(s.net - s.refunded, commission_bps)
                - commission(s.net - s.refunded - part, commission_bps)
        })
        .collect();
    RefundSplit {
        shipments: parts,
        commission_reversals,
        delivery,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn allocation_examples() {
        assert_eq!(allocate(100, &[100, 100, 100]), vec![34, 33, 33]);
        assert_eq!(allocate(2, &[1, 1, 1]), vec![1, 1, 0]);
        // Never more than the weights hold.
        assert_eq!(allocate(100, &[1, 1, 1]), vec![1, 1, 1]);
        assert_eq!(allocate(0, &[5, 5]), vec![0, 0]);
        assert_eq!(allocate(10, &[0, 0]), vec![0, 0]);
        assert_eq!(allocate(7, &[0, 3, 4]), vec![0, 3, 4]);
        assert_eq!(promo_discount(PromoKind::Percent(15), None, 9_999), 1_499);
        assert_eq!(promo_discount(PromoKind::Fixed(5_000), None, 3_000), 3_000);
        assert_eq!(
            promo_discount(PromoKind::Percent(50), Some(100), 10_000),
            100
        );
        assert_eq!(commission(12_345, 1_000), 1_234);
    }

    proptest! {
        #[test]
        fn allocation_is_exact_and_bounded(
            weights in proptest::collection::vec(0_i64..2_000_000_000, 1..12),
            fraction in 0.0_f64..=1.0,
        ) {
            let total: i64 = weights.iter().sum();
            #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
            let amount = (total as f64 * fraction).floor() as i64;
            let parts = allocate(amount, &weights);
            prop_assert_eq!(parts.iter().sum::<i64>(), amount.min(total));
            for (part, weight) in parts.iter().zip(&weights) {
                prop_assert!(*part >= 0 && part <= weight);
            }
        }

        #[test]
        fn totals_and_discounts_conserve_tiyin(
            prices in proptest::collection::vec((1_i64..100_000_000, 1_i64..=99), 1..8),
            percent in 1_i64..=100,
            fixed in 1_i64..1_000_000_000,
            cap in proptest::option::of(1_i64..100_000_000),
            fee in 0_i64..10_000_000,
            use_percent: bool,
        ) {
            let lines: Vec<i64> = prices.iter().map(|(p, q)| line_total(*p, *q).unwrap()).collect();
            let subtotal: i64 = lines.iter().sum();
            let kind = if use_percent { PromoKind::Percent(percent) } else { PromoKind::Fixed(fixed) };
            let discount = promo_discount(kind, cap, subtotal);
            prop_assert!(discount >= 0 && discount <= subtotal);
            let per_line = allocate(discount, &lines);
            prop_assert_eq!(per_line.iter().sum::<i64>(), discount);
            let totals = Totals::new(subtotal, discount, fee).unwrap();
            let net_lines: i64 = lines.iter().zip(&per_line).map(|(l, d)| l - d).sum();
            prop_assert_eq!(totals.total, net_lines + fee);
        }

        #[test]
        fn refunds_and_commissions_conserve_tiyin(
            nets in proptest::collection::vec(0_i64..50_000_000, 1..5),
            fee in 0_i64..5_000_000,
            bps in 0_i64..=3_000,
            cuts in proptest::collection::vec(0.0_f64..=1.0, 1..6),
        ) {
            // Pay, then refund in several partial steps and finally the rest.
            let paid: i64 = nets.iter().sum::<i64>() + fee;
            let charged: Vec<i64> = nets.iter().map(|n| commission(*n, bps)).collect();
            let mut seller_balance: Vec<i64> =
                nets.iter().zip(&charged).map(|(n, c)| n - c).collect();
            let mut refunded_goods = vec![0_i64; nets.len()];
            let mut refunded_delivery = 0_i64;
            let mut refunded_total = 0_i64;
            let mut steps: Vec<i64> = cuts.iter().map(|cut| {
                #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
                let step = (paid as f64 * cut / cuts.len() as f64).floor() as i64;
                step
            }).collect();
            steps.push(i64::MAX);
            for step in steps {
                let left = paid - refunded_total;
                let amount = step.min(left);
                let shipments: Vec<ShipmentMoney> = nets.iter().zip(&refunded_goods)
                    .map(|(net, refunded)| ShipmentMoney { net: *net, refunded: *refunded })
                    .collect();
                let split = split_refund(amount, &shipments, fee - refunded_delivery, bps);
                prop_assert_eq!(split.shipments.iter().sum::<i64>() + split.delivery, amount);
                for (i, part) in split.shipments.iter().enumerate() {
                    prop_assert!(split.commission_reversals[i] >= 0);
                    refunded_goods[i] += part;
                    prop_assert!(refunded_goods[i] <= nets[i]);
                    seller_balance[i] += split.commission_reversals[i] - part;
                }
                refunded_delivery += split.delivery;
                refunded_total += amount;
                // Money paid = refunded + what sellers hold + what the marketplace keeps.
                let platform = paid - refunded_total - seller_balance.iter().sum::<i64>();
                prop_assert!(platform >= 0);
            }
            prop_assert_eq!(refunded_total, paid);
            prop_assert!(seller_balance.iter().all(|b| *b == 0));
        }
    }
}
