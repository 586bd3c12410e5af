//! Ordinary products the blind check (`cargo test -p indexer --test integration`) held back
//! because a rule was wrong, not strict: each stays approved (or only held for the policy's
//! reason) while the real signal next to it still fires.

use moderation::Decision;

use crate::{decide, screen};

/// Latin `busy` is one transliteration of Cyrillic `бусы` (beads): busy boards for babies were
/// held as small parts.
#[test]
fn blind_check_busy_boards_are_not_beads() {
    for text in [
        "Bright busy board “Farm” for babies from 6 months",
        "Busy board with latches, suitable for children aged 1–4",
    ] {
        assert_eq!(
            decide(&[text], "early-learning", 6, 48),
            Decision::Approve,
            "{text}"
        );
    }
    // Beads written in Cyrillic still count for a baby.
    assert_ne!(
        decide(&["Слингобусы, бусы для мамы"], "chaqaloqlar-uchun", 0, 36),
        Decision::Approve
    );
}

/// `aged` made any alcohol word dangerous, so "children aged 3+" turned kids' champagne (held
/// for a moderator by policy) into a rejection.
#[test]
fn blind_check_children_aged_is_not_an_aged_spirit() {
    let verdict = screen(
        &[
            "Kids' champagne",
            "A fizzy drink for children aged 3+ and a great gift for a 5 year old.",
        ],
        "sweets",
        36,
        216,
    );
    assert_eq!(verdict.decision, Decision::Review, "{verdict:?}");
    // Barrel-aged alcohol is still rejected.
    assert_eq!(
        decide(&["Barrel aged cognac, 0.5 l"], "gifts", 0, 216),
        Decision::Reject
    );
}

/// A magnetic fishing game's magnets are sealed in the rod and the fish; loose or strong
/// magnets still count.
#[test]
fn blind_check_magnetic_fishing_games_are_not_loose_magnets() {
    for text in [
        "Магнитная рыбалка «Животные» для детей 1–4 лет",
        "Magnitli baliq ovlash o‘yini, 2 yoshdan",
        "Магнитли балиқ овлаш ўйини, 2 ёшдан",
        "Magnetic fishing game “Animals”, ages 1–4",
    ] {
        assert_eq!(
            decide(&[text], "wooden-toys", 12, 48),
            Decision::Approve,
            "{text}"
        );
    }
    assert_eq!(
        decide(
            &["Магнитная рыбалка с неодимовыми магнитами"],
            "wooden-toys",
            12,
            48
        ),
        Decision::Reject
    );
    assert_eq!(
        decide(
            &["Магнитный конструктор, 40 деталей"],
            "konstruktorlar",
            24,
            72
        ),
        Decision::Review
    );
}

/// `1,5 yoshdan` (from 1.5 years) was read as "from 5 years".
#[test]
fn decimal_ages_are_one_number() {
    for text in [
        "1,5 yoshdan katta bolalar uchun",
        "1,5 ёшдан катта болалар учун",
        "Для детей от 1,5 лет",
        "For ages 1.5 years and up",
    ] {
        assert_eq!(decide(&[text], "toys", 18, 48), Decision::Approve, "{text}");
    }
}
