//! Signals of the learned classifiers (text toxicity, image safety) as screening inputs.
//!
//! The models run elsewhere (the `models` crate, called by the indexer or the service); what
//! they said reaches the policy as plain data, so screening stays a pure function. A classifier
//! that could not score an item (its model is missing, the image is unreadable, the text has
//! nothing to score) is never read as "safe": it becomes a `model_unavailable` reason that
//! holds the item for a moderator.

use crate::RiskCategory;

/// Which learned classifier a signal comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClassifierKind {
    /// Text toxicity (insults, profanity, harassment) over the listing's texts.
    TextToxicity,
    /// Sexual content in an image.
    ImageSexual,
    /// Graphic violence or gore in an image.
    ImageGore,
}

impl ClassifierKind {
    /// Returns the stable reason code of a scored signal of this kind.
    pub fn code(self) -> &'static str {
        match self {
            Self::TextToxicity => "model_text_toxicity",
            Self::ImageSexual => "model_image_sexual",
            Self::ImageGore => "model_image_gore",
        }
    }

    /// Returns the risk a scored signal of this kind points at.
    pub fn category(self) -> RiskCategory {
        match self {
            Self::TextToxicity => RiskCategory::Profanity,
            Self::ImageSexual => RiskCategory::Sexual,
            Self::ImageGore => RiskCategory::Violence,
        }
    }
}

/// What one learned classifier said about (part of) a listing.
#[derive(Debug, Clone, PartialEq)]
pub enum ClassifierSignal {
    /// The classifier scored the item.
    Scored {
        /// Which classifier.
        kind: ClassifierKind,
        /// Probability of the unsafe class, in `0.0..=1.0` (clamped; NaN counts as unscored).
        score: f32,
        /// The model and version that scored it, for the audit trail.
        model: String,
        /// What was scored (an image's name, a text's field), for the moderator.
        subject: String,
    },
    /// The classifier could not score the item.
    Unavailable {
        /// Which classifier.
        kind: ClassifierKind,
        /// Why (model missing, unreadable image, ...).
        why: String,
    },
}

/// The reason code of a classifier that could not score an item.
pub const MODEL_UNAVAILABLE: &str = "model_unavailable";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct() {
        let kinds = [
            ClassifierKind::TextToxicity,
            ClassifierKind::ImageSexual,
            ClassifierKind::ImageGore,
        ];
        let codes: std::collections::BTreeSet<_> = kinds.iter().map(|k| k.code()).collect();
        assert_eq!(codes.len(), kinds.len());
        assert!(!codes.contains(MODEL_UNAVAILABLE));
    }
}
