//! Binary classification metrics: confusion counts at a threshold, precision, recall, F1,
//! macro-F1, ROC-AUC, and threshold search.
//!
//! The positive class is "toxic". A score at or above the threshold is a positive prediction.

use serde::{Deserialize, Serialize};

/// Confusion counts at one threshold.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confusion {
    /// Toxic texts flagged.
    pub true_positives: usize,
    /// Clean texts flagged (false alarms).
    pub false_positives: usize,
    /// Clean texts passed.
    pub true_negatives: usize,
    /// Toxic texts passed (misses).
    pub false_negatives: usize,
}

impl Confusion {
    /// Counts the predictions `score >= threshold` against `labels` (true = toxic).
    pub fn at(scores: &[f32], labels: &[bool], threshold: f32) -> Self {
        debug_assert_eq!(scores.len(), labels.len());
        let mut counts = Self::default();
        for (&score, &label) in scores.iter().zip(labels) {
            match (score >= threshold, label) {
                (true, true) => counts.true_positives += 1,
                (true, false) => counts.false_positives += 1,
                (false, false) => counts.true_negatives += 1,
                (false, true) => counts.false_negatives += 1,
            }
        }
        counts
    }

    /// Returns the number of texts counted.
    pub fn total(&self) -> usize {
        self.true_positives + self.false_positives + self.true_negatives + self.false_negatives
    }

    /// Returns the number of toxic texts.
    pub fn positives(&self) -> usize {
        self.true_positives + self.false_negatives
    }

    /// Returns TP / (TP + FP); 0 when nothing is flagged.
    pub fn precision(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_positives,
        )
    }

    /// Returns TP / (TP + FN); 0 when there is no toxic text.
    pub fn recall(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_negatives,
        )
    }

    /// Returns the F1 of the toxic class.
    pub fn f1(&self) -> f64 {
        f1(self.precision(), self.recall())
    }

    /// Returns the F1 of the clean class (precision and recall of "not flagged").
    pub fn f1_clean(&self) -> f64 {
        let precision = ratio(
            self.true_negatives,
            self.true_negatives + self.false_negatives,
        );
        let recall = ratio(
            self.true_negatives,
            self.true_negatives + self.false_positives,
        );
        f1(precision, recall)
    }

    /// Returns the mean of the F1 of both classes.
    pub fn macro_f1(&self) -> f64 {
        (self.f1() + self.f1_clean()) / 2.0
    }

    /// Returns FP / (FP + TN): the share of clean texts flagged.
    pub fn false_alarm_rate(&self) -> f64 {
        ratio(
            self.false_positives,
            self.false_positives + self.true_negatives,
        )
    }

    /// Returns the share of texts classified correctly.
    pub fn accuracy(&self) -> f64 {
        ratio(self.true_positives + self.true_negatives, self.total())
    }
}

fn ratio(numerator: usize, denominator: usize) -> f64 {
    if denominator == 0 {
        0.0
    } else {
        numerator as f64 / denominator as f64
    }
}

fn f1(precision: f64, recall: f64) -> f64 {
    if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    }
}

/// Returns the area under the ROC curve: the probability that a random toxic text scores
/// above a random clean one, ties counting one half (Mann-Whitney U with average ranks).
///
/// `None` when either class is absent.
pub fn roc_auc(scores: &[f32], labels: &[bool]) -> Option<f64> {
    debug_assert_eq!(scores.len(), labels.len());
    let positives = labels.iter().filter(|&&l| l).count();
    let negatives = labels.len() - positives;
    if positives == 0 || negatives == 0 {
        return None;
    }
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let mut positive_rank_sum = 0f64;
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && scores[order[j + 1]] == scores[order[i]] {
            j += 1;
        }
        // Ranks i+1..=j+1 share their average.
        let average_rank = (i + j + 2) as f64 / 2.0;
        for &k in &order[i..=j] {
            if labels[k] {
                positive_rank_sum += average_rank;
            }
        }
        i = j + 1;
    }
    let (p, n) = (positives as f64, negatives as f64);
    Some((positive_rank_sum - p * (p + 1.0) / 2.0) / (p * n))
}

/// The candidate thresholds of a threshold search: every distinct score (a threshold just at
/// a score flags it), ascending.
pub fn candidate_thresholds(scores: &[f32]) -> Vec<f32> {
    let mut values: Vec<f32> = scores.iter().copied().filter(|s| s.is_finite()).collect();
    values.sort_by(f32::total_cmp);
    values.dedup();
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_ratios_at_a_threshold() {
        let scores = [0.9, 0.8, 0.4, 0.3, 0.6, 0.1];
        let labels = [true, true, true, false, false, false];
        let c = Confusion::at(&scores, &labels, 0.5);
        assert_eq!(
            c,
            Confusion {
                true_positives: 2,
                false_positives: 1,
                true_negatives: 2,
                false_negatives: 1
            }
        );
        assert!((c.precision() - 2.0 / 3.0).abs() < 1e-12);
        assert!((c.recall() - 2.0 / 3.0).abs() < 1e-12);
        assert!((c.f1() - 2.0 / 3.0).abs() < 1e-12);
        assert!((c.macro_f1() - 2.0 / 3.0).abs() < 1e-12);
        assert!((c.false_alarm_rate() - 1.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn roc_auc_of_hand_made_cases() {
        // Perfect ranking, inverted ranking, and one swapped pair out of 2 x 2.
        assert_eq!(
            roc_auc(&[0.9, 0.8, 0.2, 0.1], &[true, true, false, false]),
            Some(1.0)
        );
        assert_eq!(
            roc_auc(&[0.1, 0.2, 0.8, 0.9], &[true, true, false, false]),
            Some(0.0)
        );
        assert_eq!(
            roc_auc(&[0.9, 0.3, 0.5, 0.1], &[true, true, false, false]),
            Some(0.75)
        );
        // All tied: one half.
        assert_eq!(roc_auc(&[0.5; 4], &[true, false, true, false]), Some(0.5));
        assert_eq!(roc_auc(&[0.5, 0.4], &[true, true]), None);
    }

    #[test]
    fn empty_classes_give_zero_not_nan() {
        let c = Confusion::at(&[0.1, 0.2], &[false, false], 0.5);
        assert_eq!(c.precision(), 0.0);
        assert_eq!(c.recall(), 0.0);
        assert_eq!(c.false_alarm_rate(), 0.0);
        assert_eq!(c.f1_clean(), 1.0);
    }
}
