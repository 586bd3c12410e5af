//! Invariants: screening never panics, is deterministic, and its output is well-formed.

use moderation::{ListingInput, normalize_for_screening, screen_listing};
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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

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
