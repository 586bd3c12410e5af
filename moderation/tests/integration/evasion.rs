//! Evasion: leetspeak, spacing, look-alike letters, mixed scripts and transliteration.

use moderation::{Decision, normalize_for_screening};

use crate::{decide, screen};

fn rejected(text: &str) -> bool {
    decide(&[text], "misc", 0, 216) == Decision::Reject
}

#[test]
fn leetspeak_is_read_as_letters() {
    for text in [
        "Одноразовый v4p3 6000 тяг",
        "el3ktron s1garet",
        "Продаю в3йп",
        "k@st3t",
        "$nus mint",
        "v0dka 0.5",
    ] {
        assert!(rejected(text), "{text}");
    }
}

#[test]
fn spaced_and_dotted_words_are_joined() {
    for text in [
        "v a p e pen",
        "V.A.P.E 5000",
        "в-е-й-п оптом",
        "к а с т е т",
        "Ка.стет стальной",
        "п и в о 6 бутылок",
    ] {
        assert!(rejected(text), "{text}");
    }
}

#[test]
fn repeated_letters_collapse() {
    for text in ["vaaaape", "Вейййп", "КАССТЕЕТ", "pivooo"] {
        assert!(rejected(text), "{text}");
    }
}

#[test]
fn look_alike_letters_across_scripts() {
    // Cyrillic а/е/р/с/о inside Latin words, Latin a/e/o/p/c inside Cyrillic words.
    for text in [
        "vаpе",
        "Vape (with Cyrillic е)",
        "сigаrеttе",
        "вeйn",
        "кaстeт",
        "вoдкa",
        "CEKC игрушки",
    ] {
        assert!(rejected(text), "{text}");
    }
}

#[test]
fn zero_width_and_diacritics_are_ignored() {
    for text in [
        "va\u{200B}pe",
        "вей\u{00AD}п",
        "k\u{0301}astet",
        "vápé",
        "ｖａｐｅ",
        "𝐯𝐚𝐩𝐞",
    ] {
        assert!(rejected(text), "{text}");
    }
}

#[test]
fn transliterations_meet() {
    // Russian written in Latin, Uzbek in either script.
    for text in [
        "veyp",
        "vayp",
        "nozh okhotnichiy",
        "kastet",
        "pivo",
        "vodka",
        "ov pichog'i",
    ] {
        assert!(rejected(text), "{text}");
    }
    assert_eq!(
        normalize_for_screening("вейп"),
        normalize_for_screening("veyp")
    );
    assert_eq!(
        normalize_for_screening("Ов пичоғи"),
        normalize_for_screening("Ov pichogʻi")
    );
}

#[test]
fn uzbek_apostrophe_variants_fold_together() {
    let forms = [
        "o'yinchoq",
        "oʻyinchoq",
        "oʼyinchoq",
        "o‘yinchoq",
        "o’yinchoq",
        "o`yinchoq",
    ];
    for form in forms {
        assert_eq!(normalize_for_screening(form), "oyinchoq", "{form}");
    }
}

#[test]
fn masked_profanity_is_caught() {
    for text in ["Футболка «f*ck you»", "sh!t happens", "х*й", "бл@ть"] {
        let verdict = screen(&[text], "clothing", 96, 216);
        assert_ne!(
            verdict.decision,
            Decision::Approve,
            "{text}: {:?}",
            verdict.reasons
        );
    }
}

#[test]
fn evasion_does_not_create_false_alarms() {
    for text in [
        "Набор 3+1 в подарок",
        "Хранить при температуре от +5 до +25 °C",
        "Ножницы детские",
        "Виноград без косточек",
        "Pivot table for kids' homework",
        "Vinyl stickers, 100 pcs",
        "Beyblade burst",
        "a b c d — alphabet cards",
        "Uzum sharbati",
        "Rails 111SD series, CR2032 included",
    ] {
        assert_eq!(
            decide(&[text], "misc", 36, 144),
            Decision::Approve,
            "{text}"
        );
    }
}
