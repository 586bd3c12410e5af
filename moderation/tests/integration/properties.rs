//! Invariants: screening never panics, is deterministic, and its output is well-formed.

use moderation::{
    ClassifierKind, ClassifierSignal, Decision, ListingInput, ScreeningConfig,
    normalize_for_screening, rejected_before_models, screen_listing, screen_listing_with,
};
use proptest::prelude::*;

fn any_listing() -> impl Strategy<Value = (Vec<String>, String, u16, u16)> {
    (
        prop::collection::vec(any::<String>(), 0..4),
        any::<String>(),
        any::<u16>(),
        any::<u16>(),
    )
}

/// Text mixing scripts, digits, look-alikes, masks and separators, more likely to reach the
/// matcher's branches than uniform Unicode.
fn tricky_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec![
            "v",
            "a",
            "p",
            "e",
            "а",
            "е",
            "р",
            "с",
            "о",
            "в",
            "й",
            "п",
            "1",
            "3",
            "4",
            "0",
            "@",
            "$",
            "*",
            "!",
            "|",
            " ",
            ".",
            "-",
            "+",
            "'",
            "ʻ",
            "\u{200B}",
            "\u{0301}",
            "18",
            "yosh",
            "лет",
            "не для детей",
            "без",
            "siz",
            "нож",
            "pistol",
            "магнит",
            "ё",
            "ғ",
        ]),
        0..60,
    )
    .prop_map(|parts| parts.concat())
}

/// Listing text that the rules reject often: risk terms, ages and harmless words mixed.
fn risky_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec![
            "Одноразовый вейп 5000 затяжек",
            "пистолет",
            "игрушечный",
            "18+",
            "для взрослых",
            "kattalar uchun",
            "magnit",
            "small parts",
            "конструктор 560 деталей",
            "водка",
            "без спирта",
            "water gun",
            "hunting knife",
            "kitob",
            "bolalar uchun",
            "от 3 лет",
            " ",
        ]),
        0..6,
    )
    .prop_map(|parts| parts.join(" "))
}

/// What a learned classifier might say: any kind, any score (NaN too), or nothing.
fn any_signal() -> impl Strategy<Value = ClassifierSignal> {
    let kind = prop::sample::select(vec![
        ClassifierKind::TextToxicity,
        ClassifierKind::ImageSexual,
        ClassifierKind::ImageGore,
    ]);
    prop_oneof![
        (
            kind.clone(),
            prop_oneof![0.0f32..=1.0, Just(f32::NAN), -1.0f32..2.0]
        )
            .prop_map(|(kind, score)| ClassifierSignal::Scored {
                kind,
                score,
                model: "model@1".to_owned(),
                subject: "title.ru".to_owned(),
            }),
        kind.prop_map(|kind| ClassifierSignal::Unavailable {
            kind,
            why: "not loaded".to_owned(),
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A listing the rules (and the signals already known) reject stays rejected whatever the
    /// models skipped after it would have said, under any thresholds.
    #[test]
    fn a_rejection_before_the_models_is_final(
        texts in prop::collection::vec(prop_oneof![risky_text(), tricky_text()], 1..4),
        min in 0u16..240,
        span in 0u16..240,
        known in prop::collection::vec(any_signal(), 0..2),
        skipped in prop::collection::vec(any_signal(), 0..6),
        reject in 0.5f32..1.0,
        review in 0.1f32..0.5,
    ) {
        let config = ScreeningConfig { reject_threshold: reject, review_threshold: review, ..ScreeningConfig::default() };
        let mut input = ListingInput {
            texts: texts.iter().map(String::as_str).collect(),
            category_slug: "toys",
            age_min_months: min,
            age_max_months: min.saturating_add(span),
            classifiers: known,
        };
        let early = rejected_before_models(&config, &input);
        let rules = screen_listing_with(&config, &input);
        prop_assert_eq!(early.is_some(), rules.decision == Decision::Reject);
        if let Some(early) = early {
            prop_assert_eq!(&early, &rules);
            input.classifiers.extend(skipped);
            let full = screen_listing_with(&config, &input);
            prop_assert_eq!(full.decision, Decision::Reject, "{:?} then {:?}", early, full);
            // Every reason the early verdict gave is still there, at least as strong.
            for reason in &early.reasons {
                let kept = full.reasons.iter().find(|r| r.code == reason.code);
                prop_assert!(kept.is_some_and(|r| r.score >= reason.score), "{:?} lost in {:?}", reason, full);
            }
        }
    }

    #[test]
    fn screening_never_panics_and_is_deterministic((texts, slug, min, max) in any_listing()) {
        let input = ListingInput {
            texts: texts.iter().map(String::as_str).collect(),
            category_slug: &slug,
            age_min_months: min,
            age_max_months: max,
            classifiers: Vec::new(),
        };
        let first = screen_listing(&input);
        let second = screen_listing(&input);
        prop_assert_eq!(&first, &second);
        for reason in &first.reasons {
            prop_assert!((0.0..=1.0).contains(&reason.score));
        }
        prop_assert!(first.reasons.windows(2).all(|w| w[0].score >= w[1].score));
    }

    #[test]
    fn tricky_text_never_panics(text in tricky_text(), min in 0u16..240, max in 0u16..240) {
        let input = ListingInput { texts: vec![&text], category_slug: "toys", age_min_months: min, age_max_months: max, classifiers: Vec::new() };
        let first = screen_listing(&input);
        prop_assert_eq!(first, screen_listing(&input));
        let _ = normalize_for_screening(&text);
    }

    #[test]
    fn normalized_form_is_folded(text in prop_oneof![tricky_text(), any::<String>()]) {
        let folded = normalize_for_screening(&text);
        prop_assert!(is_folded(&folded), "{:?} -> {:?}", text, folded);
    }
}

/// Returns whether a string has the folded form: no edge spaces, no ASCII capitals, apostrophes,
/// zero-width characters or (Russian and Uzbek) Cyrillic letters, no doubled character.
#[test]
fn risky_texts_reach_an_early_rejection() {
    // The property above is only worth something if the rules do reject such listings.
    let vape = ListingInput {
        texts: vec!["Одноразовый вейп 5000 затяжек"],
        category_slug: "toys",
        age_min_months: 36,
        age_max_months: 120,
        classifiers: Vec::new(),
    };
    let early = rejected_before_models(&ScreeningConfig::default(), &vape);
    assert!(early.is_some_and(|v| v.reasons[0].code == "lexicon_tobacco"));
    let book = ListingInput {
        texts: vec!["Ertaklar kitobi, bolalar uchun"],
        ..vape
    };
    assert!(rejected_before_models(&ScreeningConfig::default(), &book).is_none());
}

fn is_folded(folded: &str) -> bool {
    let forbidden = |c: char| {
        c.is_ascii_uppercase()
            || matches!(
                c,
                '\'' | 'ʻ' | 'ʼ' | '‘' | '’' | '`' | '\u{200B}' | '\u{00AD}'
            )
            || ('а'..='я').contains(&c)
            || matches!(c, 'ё' | 'ў' | 'қ' | 'ғ' | 'ҳ')
    };
    let chars: Vec<char> = folded.chars().collect();
    !folded.starts_with(' ')
        && !folded.ends_with(' ')
        && !chars.iter().any(|&c| forbidden(c))
        && chars.windows(2).all(|w| w[0] != w[1])
}
