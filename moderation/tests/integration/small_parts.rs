//! Small parts read from a listing's numbers and words: micro and nano blocks, mini sets, sets
//! of hundreds of pieces and parts a few millimetres in size, on a listing tagged (or labelled
//! in its text) for children under 36 months.
//!
//! Regression of the blind check (`cargo test -p indexer --test integration`): product 1936 of
//! the committed sample, a 560-piece micro-block set of 4 mm blocks tagged from 24 months and
//! "suitable for children aged 2+", was approved.

use moderation::Decision;

use crate::{decide, screen};

/// Returns the small-parts reason's evidence, if the verdict has one.
fn small_parts_evidence(texts: &[&str], slug: &str, min: u16, max: u16) -> Option<String> {
    screen(texts, slug, min, max)
        .reasons
        .into_iter()
        .find(|r| r.code == "small_parts_under_36_months")
        .map(|r| r.evidence)
}

#[test]
fn blind_check_1936_micro_block_set_for_toddlers_is_rejected() {
    let versions: [&[&str]; 4] = [
        &[
            "Mikrobloklardan konstruktor «Tulki», 720 dona",
            "Har bir blok 3 mm. 2 yoshdan katta bolalar uchun.",
        ],
        &[
            "Микроблоклардан конструктор «Тулки», 720 дона",
            "Ҳар бир блок 3 мм. 2 ёшдан катта болалар учун.",
        ],
        &[
            "Конструктор из микроблоков «Лиса», 720 деталей",
            "Каждая деталь 3 мм. Подходит детям от 2 лет.",
        ],
        &[
            "Fox micro-block kit, 720 pieces",
            "Every brick is 3 mm across. Suitable for children aged 2+.",
        ],
    ];
    for texts in versions {
        assert_eq!(
            decide(texts, "construction-sets", 24, 144),
            Decision::Reject,
            "{texts:?}"
        );
        // Each of the three signals on its own is enough to keep it from approval.
        for text in texts[0].split(", ").chain([texts[1]]) {
            assert_ne!(
                decide(&[text], "construction-sets", 24, 144),
                Decision::Approve,
                "{text}"
            );
        }
    }
}

#[test]
fn a_text_label_below_the_tagged_age_counts_as_the_youngest_age() {
    let labelled = [
        "Nanoblock «Sakura», 400 pieces",
        "For children from 2 years.",
    ];
    assert_eq!(
        decide(&labelled, "konstruktorlar", 36, 144),
        Decision::Reject
    );
    let evidence = small_parts_evidence(&labelled, "konstruktorlar", 36, 144).unwrap_or_default();
    assert!(
        evidence.contains("labelled \"2 years\" (24 months)"),
        "{evidence}"
    );
    // Without the label, a nano-block set tagged from 3 years is fine.
    assert_eq!(
        decide(&labelled[..1], "konstruktorlar", 36, 144),
        Decision::Approve
    );
    for label in [
        "от 2 лет",
        "2 yoshdan",
        "aged 2+",
        "от 18 месяцев",
        "1,5 ёшдан",
    ] {
        let texts = ["Mini-konstruktor «Robot», 520 dona", label];
        assert_eq!(
            decide(&texts, "konstruktorlar", 36, 144),
            Decision::Reject,
            "{label}"
        );
    }
}

#[test]
fn hundreds_of_pieces_hold_a_toddler_set_and_reject_a_mini_set() {
    for text in [
        "Konstruktor «Fermа», 480 detal",
        "Конструктор «Ферма», 480 деталей",
        "Farm building set, 1 200 pieces",
        "Konstruktor «Ferma», 480 dona",
        "Пазл «Ферма», 500 шт",
    ] {
        assert_eq!(
            decide(&[text], "o-yinchoqlar", 18, 72),
            Decision::Review,
            "{text}"
        );
        assert_eq!(
            decide(&[text], "o-yinchoqlar", 60, 144),
            Decision::Approve,
            "{text}"
        );
    }
    for text in [
        "Mini-konstruktor «Ferma», 480 dona",
        "Мини-конструктор «Ферма», 480 деталей",
        "Mini building set “Farm”, 480 pieces",
    ] {
        assert_eq!(
            decide(&[text], "o-yinchoqlar", 18, 72),
            Decision::Reject,
            "{text}"
        );
    }
}

#[test]
fn counts_in_generic_units_need_a_set_of_pieces() {
    for (text, slug) in [
        ("Влажные салфетки, 720 шт", "gigiyena"),
        ("Nam salfetkalar, 720 dona", "gigiyena"),
        ("Baby wipes, 720 pcs", "gigiyena"),
        ("Одноразовые пелёнки 60×90, 300 шт", "chaqaloqlar-uchun"),
    ] {
        assert_eq!(decide(&[text], slug, 0, 36), Decision::Approve, "{text}");
    }
    // The same unit in a construction-set category is a piece count.
    assert_eq!(
        decide(&["«Ferma» to‘plami, 720 dona"], "construction-sets", 0, 36),
        Decision::Review
    );
}

#[test]
fn large_parts_soften_a_piece_count_but_not_a_part_size() {
    assert_eq!(
        decide(
            &["Мега-набор: крупные детали, 300 штук"],
            "konstruktorlar",
            12,
            48
        ),
        Decision::Approve
    );
    assert_eq!(
        decide(
            &["Yirik detallar to‘plami, har bir detal 8 mm"],
            "konstruktorlar",
            12,
            48
        ),
        Decision::Review
    );
}

#[test]
fn sizes_that_are_not_a_part_are_ignored() {
    for text in [
        "Деревянный пазл, толщина деталей 8 мм",
        "Wooden puzzle, pieces 4 mm thick",
        "Yog‘och pazl, detallar qalinligi 6 mm",
        "Готовая фигура 10 см, крупные блоки",
        "Кубики 4×4 см, 12 штук",
        "Шнуровка: длина шнурка 80 см",
    ] {
        assert_eq!(
            small_parts_evidence(&[text], "o-yinchoqlar", 12, 48),
            None,
            "{text}"
        );
    }
}

#[test]
fn large_block_sets_for_two_year_olds_are_ordinary() {
    for texts in [
        &[
            "LEGO Duplo 2+ large blocks, 26 pieces",
            "Big bricks sized for small hands.",
        ][..],
        &[
            "LEGO Duplo 2+, крупные блоки, 26 деталей",
            "Для детей от 2 лет.",
        ][..],
        &[
            "LEGO Duplo 2+, yirik bloklar, 26 dona",
            "2 yoshdan katta bolalar uchun.",
        ][..],
        &[
            "LEGO Duplo 2+, йирик блоклар, 26 дона",
            "2 ёшдан катта болалар учун.",
        ][..],
        &[
            "Mega Bloks First Builders, 80 pieces",
            "Big building bag for ages 1 and up.",
        ][..],
    ] {
        assert_eq!(
            decide(texts, "construction-sets", 24, 60),
            Decision::Approve,
            "{texts:?}"
        );
    }
}
