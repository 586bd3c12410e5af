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
        "Коляска 3 в 1, с люлькой",
        "Набор 2 в 1 и 3 в 1",
        "Uch g‘ildirakli 3 x 4 o‘lcham, 1 a 2 b",
        "A 4 B 5 format",
    ] {
        assert_eq!(
            decide(&[text], "misc", 36, 144),
            Decision::Approve,
            "{text}"
        );
    }
}

/// The same unsafe listing (a disposable vape sold under kids' electronics, tagged for every
/// age), written the ways sellers use to slip it past a filter. Each row's title replaces the
/// honest one; the rest of the listing stays ordinary, so the title alone must give it away.
/// Every row must be caught (held for review or rejected).
const VAPE_VARIANTS: &[(&str, &str)] = &[
    // The honest title in the four language forms.
    ("plain en", "Disposable vape 5000 puffs, mango"),
    ("plain ru", "Одноразовый вейп 5000 затяжек, манго"),
    ("plain uz-Latn", "Bir martalik vape 5000 tortish, mango"),
    ("plain uz-Cyrl", "Бир марталик вейп 5000 тортиш, манго"),
    ("plain uz e-cig", "Elektron sigaret, mango ta'mi"),
    ("plain uz-Cyrl e-cig", "Электрон сигарет, манго таъми"),
    // Leetspeak.
    ("leet 4", "Disposable v4pe 5000 puffs"),
    ("leet 3", "Disposable vap3 5000 puffs"),
    ("leet 4 3", "Disposable v4p3 5000 puffs"),
    ("leet @", "Disposable v@pe 5000 puffs"),
    ("leet ru 3", "Одноразовый в3йп 5000 затяжек"),
    ("leet uz", "Bir martalik v4p3 5000 tortish"),
    ("leet e-cig", "3lektron s1garet mango"),
    ("leet e-cig 0", "elektr0n sigar3t"),
    ("leet $", "$igaret elektron"),
    // Mixed scripts and look-alikes.
    ("cyr a in latin", "Disposable v\u{430}pe 5000 puffs"),
    ("cyr e in latin", "Disposable vap\u{435} 5000 puffs"),
    ("cyr a e in latin", "Disposable v\u{430}p\u{435}"),
    ("cyr a r e caps", "V\u{410}\u{420}\u{415} 5000"),
    ("latin e in cyr", "Одноразовый в\u{65}йп"),
    ("latin B in cyr", "\u{42}ейп одноразовый"),
    ("latin n in cyr", "Одноразовый вей\u{6e}"),
    ("latin e in cyr e-cig", "Эл\u{65}ктрон сигар\u{65}т"),
    ("cyr o a in uz latin", "El\u{435}ktr\u{43e}n sig\u{430}ret"),
    ("all caps cyr", "ОДНОРАЗОВЫЙ ВЕЙП"),
    // Zero-width and invisible characters.
    ("zwsp", "Disposable va\u{200B}pe"),
    ("zwnj zwj wj", "Disposable v\u{200C}a\u{200D}p\u{2060}e"),
    ("zwsp ru", "Одноразовый вей\u{200B}п"),
    ("bom", "\u{FEFF}vape 5000"),
    ("soft hyphen", "va\u{AD}pe 5000"),
    ("zw inside e-cig", "elek\u{200B}tron siga\u{200D}ret"),
    ("combining marks", "v\u{332}a\u{332}p\u{332}e\u{332}"),
    // Spacing and separators.
    ("spaced", "v a p e 5000"),
    ("dotted", "v.a.p.e 5000"),
    ("hyphenated", "v-a-p-e 5000"),
    ("underscored", "v_a_p_e 5000"),
    ("spaced ru", "в е й п одноразовый"),
    ("double spaced caps", "V  A  P  E"),
    ("slashed", "v/a/p/e"),
    ("starred", "v*a*p*e"),
    ("dotted ru caps", "В.Е.Й.П 5000"),
    // Separators between leetspeak letters.
    ("dotted leet", "v.4.p.3 5000"),
    ("dotted leet caps", "V.4.P.3"),
    ("hyphenated leet", "v-4-p-3 5000"),
    ("spaced leet", "v 4 p 3 5000"),
    ("underscored leet", "v_4_p_3"),
    ("slashed leet", "v/4/p/e"),
    ("dotted @", "v.@.p.e 5000"),
    ("dotted leet ru", "в.3.й.п одноразовый"),
    ("spaced leet ru", "в 3 й п 5000"),
    ("dotted leet e-cig", "3.l.e.k.t.r.0.n s.1.g.a.r.e.t"),
    // Emoji.
    ("emoji around", "\u{1F4A8}vape\u{1F4A8} 5000"),
    ("emoji between letters", "v\u{1F4A8}a\u{1F4A8}p\u{1F4A8}e"),
    ("emoji ru caps", "\u{1F525} ВЕЙП \u{1F525} одноразовый"),
    ("emoji after", "vape\u{1F34B} mango"),
    ("circled letters", "\u{24CB}\u{24D0}\u{24DF}\u{24D4} 5000"),
    (
        "squared letters",
        "\u{1F185}\u{1F170}\u{1F17F}\u{1F174} 5000",
    ),
    (
        "regional indicators",
        "\u{1F1FB}\u{1F1E6}\u{1F1F5}\u{1F1EA} 5000",
    ),
    // Other Unicode forms.
    ("fullwidth", "\u{FF56}\u{FF41}\u{FF50}\u{FF45} 5000"),
    ("math bold", "\u{1D42F}\u{1D41A}\u{1D429}\u{1D41E} 5000"),
    ("math script", "\u{1D4FF}\u{1D4EA}\u{1D4F9}\u{1D4EE} 5000"),
    ("small caps", "\u{1D20}\u{1D00}\u{1D18}\u{1D07} 5000"),
    ("diacritics", "v\u{E1}p\u{E9} 5000"),
    ("repeated letters", "vaaaaapeee 5000"),
    ("repeated cyr", "вееейййп"),
    // Transliteration and spelling variants.
    ("translit veyp", "Odnorazoviy veyp 5000 zatyazhek"),
    ("translit vayp", "vayp 5000"),
    ("ru vэйп", "вэйп одноразовый"),
    ("ru e-cig", "Электронная сигарета, манго"),
    ("en e-cig", "E-cigarette, mango flavour"),
    // Combined tricks.
    ("leet + zwsp", "v4\u{200B}p3 5000"),
    ("look-alike + spaced", "v \u{430} p e 5000"),
    ("emoji + leet", "\u{1F4A8} v4pe \u{1F4A8}"),
    ("fullwidth + leet", "\u{FF56}4\u{FF50}\u{FF45}"),
    ("caps + repeats + cyr", "VAAAP\u{415}"),
];

#[test]
fn the_same_vape_listing_is_caught_in_every_disguise() {
    assert!(VAPE_VARIANTS.len() >= 50);
    let description = "Kichik va qulay, cho'ntakka sig'adi. Tez yetkazib beramiz.";
    let mut missed = Vec::new();
    for (technique, title) in VAPE_VARIANTS {
        let verdict = screen(&[title, description], "kids-electronics", 0, 216);
        if verdict.decision == Decision::Approve {
            missed.push(format!("{technique}: {title:?}"));
        }
    }
    assert!(
        missed.is_empty(),
        "{} of {} variants approved: {missed:#?}",
        missed.len(),
        VAPE_VARIANTS.len()
    );
}
