//! Thresholds and weights of listing screening.

use serde::{Deserialize, Serialize};

use crate::MAX_AGE_MONTHS;

/// Thresholds and context weights of [`screen_listing_with`](crate::screen_listing_with).
///
/// Out-of-range values are not an error: screening clamps every score and factor into
/// `0.0..=1.0`, replaces a NaN by its default, and treats a review threshold above the reject
/// threshold as equal to it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScreeningConfig {
    /// A signal scoring at least this rejects the listing. Default `0.8`.
    pub reject_threshold: f32,
    /// A signal scoring at least this (and below the reject threshold) holds the listing for a
    /// moderator. Default `0.4`.
    pub review_threshold: f32,
    /// Multiplies an ambiguous term (`нож`, `пистолет`, `сигареты`) when the listing has a safe
    /// cue of its category (toy, plastic, chocolate). Default `0.5`: a plastic toy knife (`0.6`)
    /// scores `0.3` and passes, chocolate cigarettes (`0.9`) score `0.45` and go to review.
    pub safe_context_factor: f32,
    /// Multiplies an ambiguous term with a negation next to it (`безалкогольное пиво`).
    /// Default `0.5`. Ingredients (`без спирта`, `no small parts`) are dropped instead.
    pub negation_factor: f32,
    /// Added to an ambiguous term when the listing has a danger cue of its category (blade,
    /// hunting, caliber) and no safe cue. Default `0.25`: a knife with a Damascus blade scores
    /// `0.85` and is rejected.
    pub danger_context_boost: f32,
    /// Added to a reason's score for every further distinct concept behind it (a knife, a
    /// dagger and brass knuckles in one listing). Default `0.1`.
    pub corroboration_step: f32,
    /// The age of adulthood, in months: adults-only wording on a listing tagged for anyone
    /// younger is rejected, and adult-audience wording (`для взрослых`) held. Default `216`
    /// (18 years).
    pub adult_age_months: u16,
    /// An image classifier's probability (sexual, gore) from which an image holds the listing
    /// for a moderator: it is mapped onto `review_threshold`. Default `0.4`.
    pub image_review_probability: f32,
    /// An image classifier's probability from which an image rejects the listing: it is
    /// mapped onto `reject_threshold`. Default `0.8`. Probabilities in between (and beyond)
    /// map linearly, so the defaults leave the probability unchanged.
    pub image_reject_probability: f32,
}

impl Default for ScreeningConfig {
    fn default() -> Self {
        Self {
            reject_threshold: 0.8,
            review_threshold: 0.4,
            safe_context_factor: 0.5,
            negation_factor: 0.5,
            danger_context_boost: 0.25,
            corroboration_step: 0.1,
            adult_age_months: MAX_AGE_MONTHS,
            image_review_probability: 0.4,
            image_reject_probability: 0.8,
        }
    }
}

impl ScreeningConfig {
    /// Returns what is wrong with the config, or `None` when every threshold is in `0..=1`,
    /// each review threshold is below its reject threshold, and no factor is NaN. Screening
    /// itself tolerates a bad config (see the type's docs); a service should refuse to start.
    pub fn problem(&self) -> Option<String> {
        let units = [
            ("reject_threshold", self.reject_threshold),
            ("review_threshold", self.review_threshold),
            ("safe_context_factor", self.safe_context_factor),
            ("negation_factor", self.negation_factor),
            ("danger_context_boost", self.danger_context_boost),
            ("corroboration_step", self.corroboration_step),
            ("image_review_probability", self.image_review_probability),
            ("image_reject_probability", self.image_reject_probability),
        ];
        for (name, value) in units {
            if !(0.0..=1.0).contains(&value) {
                return Some(format!("{name} must be between 0 and 1, not {value}"));
            }
        }
        if self.review_threshold >= self.reject_threshold {
            return Some(format!(
                "review_threshold ({}) must be below reject_threshold ({})",
                self.review_threshold, self.reject_threshold
            ));
        }
        if self.image_review_probability >= self.image_reject_probability {
            return Some(format!(
                "image_review_probability ({}) must be below image_reject_probability ({})",
                self.image_review_probability, self.image_reject_probability
            ));
        }
        None
    }

    /// Maps an image classifier's probability onto the screening scale: the image review
    /// probability lands on the review threshold, the reject probability on the reject
    /// threshold, linearly in between and on either side.
    pub(crate) fn image_score(&self, probability: f32) -> f32 {
        piecewise(
            probability,
            (self.image_review_probability, self.image_reject_probability),
            (self.review_threshold, self.reject_threshold),
        )
    }

    /// Returns the config with every value clamped into range (see the type's docs).
    pub(crate) fn sanitized(&self) -> Self {
        let defaults = Self::default();
        let unit = |value: f32, default: f32| {
            if value.is_nan() {
                default
            } else {
                value.clamp(0.0, 1.0)
            }
        };
        let reject_threshold = unit(self.reject_threshold, defaults.reject_threshold);
        let image_reject_probability = unit(
            self.image_reject_probability,
            defaults.image_reject_probability,
        );
        let image_review_probability = unit(
            self.image_review_probability,
            defaults.image_review_probability,
        )
        .min(image_reject_probability);
        Self {
            reject_threshold,
            review_threshold: unit(self.review_threshold, defaults.review_threshold)
                .min(reject_threshold),
            safe_context_factor: unit(self.safe_context_factor, defaults.safe_context_factor),
            negation_factor: unit(self.negation_factor, defaults.negation_factor),
            danger_context_boost: unit(self.danger_context_boost, defaults.danger_context_boost),
            corroboration_step: unit(self.corroboration_step, defaults.corroboration_step),
            adult_age_months: self.adult_age_months,
            image_review_probability,
            image_reject_probability,
        }
    }
}

/// Maps `p` so that `from.0` lands on `to.0` and `from.1` on `to.1`, linearly between `0`,
/// the two points and `1`. Callers pass sanitised values (`from.0 <= from.1`, `to.0 <= to.1`).
pub(crate) fn piecewise(p: f32, from: (f32, f32), to: (f32, f32)) -> f32 {
    let p = p.clamp(0.0, 1.0);
    let (low, high) = (from.0.clamp(f32::EPSILON, 1.0), from.1.clamp(0.0, 1.0));
    let high = high.max(low);
    let score = if p < low {
        p / low * to.0
    } else if p < high {
        to.0 + (p - low) / (high - low) * (to.1 - to.0)
    } else if high < 1.0 {
        to.1 + (p - high) / (1.0 - high) * (1.0 - to.1)
    } else {
        to.1
    };
    score.clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitized_clamps_and_orders_thresholds() {
        let config = ScreeningConfig {
            reject_threshold: 0.5,
            review_threshold: 0.9,
            safe_context_factor: f32::NAN,
            negation_factor: -3.0,
            ..ScreeningConfig::default()
        }
        .sanitized();
        assert_eq!(config.review_threshold, 0.5);
        assert_eq!(config.safe_context_factor, 0.5);
        assert_eq!(config.negation_factor, 0.0);
    }

    #[test]
    fn problems_are_named() {
        assert_eq!(ScreeningConfig::default().problem(), None);
        let inverted = ScreeningConfig {
            review_threshold: 0.9,
            ..ScreeningConfig::default()
        };
        assert!(inverted.problem().unwrap().contains("review_threshold"));
        let out_of_range = ScreeningConfig {
            image_reject_probability: 1.5,
            ..ScreeningConfig::default()
        };
        assert!(
            out_of_range
                .problem()
                .unwrap()
                .contains("image_reject_probability")
        );
    }

    #[test]
    fn default_image_mapping_is_the_identity() {
        let config = ScreeningConfig::default().sanitized();
        for p in [0.0, 0.1, 0.39, 0.4, 0.6, 0.8, 0.95, 1.0] {
            assert!((config.image_score(p) - p).abs() < 1e-6, "{p}");
        }
        let strict = ScreeningConfig {
            image_review_probability: 0.2,
            image_reject_probability: 0.5,
            ..ScreeningConfig::default()
        }
        .sanitized();
        assert!((strict.image_score(0.2) - 0.4).abs() < 1e-6);
        assert!((strict.image_score(0.5) - 0.8).abs() < 1e-6);
    }
}
