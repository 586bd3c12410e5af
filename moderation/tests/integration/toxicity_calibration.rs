//! The committed per-language toxicity calibration (`moderation/data/toxicity_calibration.json`)
//! belongs to the committed toxicity head, and with it the model alone never rejects Uzbek
//! text while Russian and English keep at least the head's own thresholds.

use models::toxicity::ToxicityHead;
use moderation::{
    ClassifierKind, ClassifierSignal, Decision, ListingInput, ScreeningConfig, TextForm,
    ToxicityCalibration, screen_listing_with,
};

#[test]
fn the_committed_calibration_was_made_for_the_committed_head() {
    let head = ToxicityHead::bundled().unwrap();
    let file = ToxicityCalibration::bundled_file().expect("the calibration file parses");
    assert!(
        file.is_for(head.tag(), head.thresholds()),
        "moderation/data/toxicity_calibration.json was made for {} {:?}, the bundled head is {} {:?}: \
         run `cargo run --release -p benches --bin moderation -- --calibrate`",
        file.head,
        file.head_thresholds,
        head.tag(),
        head.thresholds()
    );
    let calibration = ToxicityCalibration::for_head(head.tag(), head.thresholds());
    assert!(calibration.is_calibrated());
    let mut forms: Vec<TextForm> = file.forms.iter().map(|record| record.form).collect();
    forms.sort();
    assert_eq!(forms, TextForm::ALL.to_vec(), "every form is calibrated");
    for record in &file.forms {
        assert!(
            record.texts >= 500,
            "{:?}: only {} texts",
            record.form,
            record.texts
        );
        let form = calibration.form(record.form);
        assert!(form.review_probability > record.clean_quantile_probability);
        if record.form.is_trained() {
            assert!(form.review_probability >= head.thresholds().balanced);
            assert!(form.reject_probability.unwrap() >= head.thresholds().high_precision);
        } else {
            assert_eq!(form.reject_probability, None);
        }
    }
}

#[test]
fn the_model_alone_holds_but_never_rejects_uzbek_and_rejects_russian_with_the_lexicon_or_alone() {
    let head = ToxicityHead::bundled().unwrap();
    let calibration = ToxicityCalibration::for_head(head.tag(), head.thresholds());
    let config = ScreeningConfig::default();
    let screen = |text: &str, form: TextForm, probability: f32| {
        screen_listing_with(
            &config,
            &ListingInput {
                texts: vec![text],
                category_slug: "t-shirts",
                age_min_months: 96,
                age_max_months: 216,
                classifiers: vec![ClassifierSignal::Scored {
                    kind: ClassifierKind::TextToxicity,
                    score: calibration.score(&config, form, probability),
                    model: head.tag().to_string(),
                    subject: format!("title.{}", form.code()),
                }],
            },
        )
        .decision
    };
    // A plain Uzbek title the model happens to score at 1.0 is held, not rejected.
    assert_eq!(screen("Kurtka", TextForm::UzLatn, 1.0), Decision::Review);
    assert_eq!(screen("Куртка", TextForm::UzCyrl, 1.0), Decision::Review);
    // Below the form's calibrated level it passes.
    let level = calibration.form(TextForm::UzLatn).review_probability;
    assert_eq!(
        screen("Kurtka", TextForm::UzLatn, level * 0.99),
        Decision::Approve
    );
    // Uzbek profanity the lexicon knows is rejected whatever the model said.
    assert_eq!(
        screen("Futbolka «jalab»", TextForm::UzLatn, 0.0),
        Decision::Reject
    );
    // Russian: the model alone can reject.
    assert_eq!(screen("Футболка", TextForm::Ru, 1.0), Decision::Reject);
}
