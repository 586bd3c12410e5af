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
        }
    }
}

impl ScreeningConfig {
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
        Self {
            reject_threshold,
            review_threshold: unit(self.review_threshold, defaults.review_threshold)
                .min(reject_threshold),
            safe_context_factor: unit(self.safe_context_factor, defaults.safe_context_factor),
            negation_factor: unit(self.negation_factor, defaults.negation_factor),
            danger_context_boost: unit(self.danger_context_boost, defaults.danger_context_boost),
            corroboration_step: unit(self.corroboration_step, defaults.corroboration_step),
            adult_age_months: self.adult_age_months,
        }
    }
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
}
