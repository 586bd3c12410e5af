//! Small parts read from numbers: how many pieces a set has and how big its parts are.
//!
//! Words alone miss a set that never says "small parts": a 560-piece building set, or blocks
//! "just 4 mm" across. This module reads the numbers; `listing.rs` weighs them against the
//! youngest age the listing is tagged or labelled for, as it does the small-parts wording of the
//! lexicon. A part that fits the small-parts cylinder of 16 CFR 1501 / EN 71-1 (31.7 mm across)
//! is a choking hazard under 36 months; a part of a few millimetres is far below it, and a set
//! of hundreds of pieces is almost never made of large ones.

use std::ops::Range;

use crate::normalize::{FoldedText, Token, normalize_for_screening};

/// A set with at least this many pieces is a small-parts set (toddler sets of large blocks have
/// tens of pieces, rarely more than 150).
pub(crate) const MANY_PIECES: u32 = 300;
/// A part this size or smaller, in millimetres, is a tiny part ("a few mm").
pub(crate) const TINY_PART_MAX_MM: f32 = 10.0;
/// Small parts matter on listings whose youngest age is below this, in months.
pub(crate) const SMALL_PARTS_BELOW_MONTHS: u16 = 36;

/// Category slugs with a word starting with one of these are sets of pieces (construction sets,
/// puzzles, mosaics).
const PARTS_SET_SLUG_PREFIXES: &[&str] = &[
    "construct",
    "konstrukt",
    "lego",
    "block",
    "blok",
    "brick",
    "puzzle",
    "pazl",
    "mosaic",
    "mozaik",
];

/// Returns whether a category slug names a set of pieces (`construction-sets`, `pazllar`).
pub(crate) fn slug_is_parts_set(slug: &str) -> bool {
    crate::age_rules::slug_words(slug)
        .iter()
        .any(|word| starts_with_any(word, PARTS_SET_SLUG_PREFIXES))
}

/// What a number in the text says about the parts of a product.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum PartEvidence {
    /// The product has this many pieces. `generic_unit` when the unit (`dona`, `шт`, `pcs`)
    /// counts anything, so the count is about parts only in a set of pieces.
    PieceCount { count: u32, generic_unit: bool },
    /// A part of the product is this size, in millimetres.
    PartSizeMm(f32),
}

/// Part evidence with the bytes of the original text it came from.
#[derive(Debug, Clone)]
pub(crate) struct PartFinding {
    pub evidence: PartEvidence,
    pub span: Range<usize>,
}

/// Folded words that name a piece of a set (as a stem, except the short English ones).
const PART_STEMS: &[&str] = &[
    "detal", "element", "piece", "brick", "block", "blok", "kubik", "kirpich", "qism", "bolak",
    "gisht",
];
const PART_WORDS: &[&str] = &["part", "parts"];
/// Folded units that count anything (`560 dona`, `300 шт`, `500 pcs`, `400 ta`).
const GENERIC_COUNT_WORDS: &[&str] = &["dona", "donadan", "sht", "shtuk", "pcs", "pc", "ta"];
const GENERIC_COUNT_STEMS: &[&str] = &["predmet"];
/// Folded words for small round parts, sized like pieces (`шарики 6 мм`, `beads 4 mm`).
const ROUND_PART_STEMS: &[&str] = &["sharik", "sharch", "bead", "busin", "munchoq"];
const ROUND_PART_WORDS: &[&str] = &["ball", "balls"];
/// Folded words that make a size about something other than a part's bulk: thickness, a gap, a
/// hole, a pitch or a depth (`толщина деталей 4 мм`, `stud pitch 8 mm`).
const NOT_BULK_STEMS: &[&str] = &[
    "tolshin", "thick", "qalin", "zazor", "gap", "otverst", "hole", "teshik", "shag", "pitch",
    "glubin", "depth", "chuqur",
];
/// How many words before a size its part may stand (`Каждый блок всего 4 мм`).
const PART_BEFORE_SIZE: usize = 5;
/// How many words after a size's unit its part may stand (`4 мм детали`).
const PART_AFTER_SIZE: usize = 2;
/// How many words before a size's part a measure word may stand (`толщина деталей 4 мм`).
const NOT_BULK_BEFORE_PART: usize = 2;

fn starts_with_any(word: &str, stems: &[&str]) -> bool {
    stems.iter().any(|stem| word.starts_with(stem))
}

fn is_part_word(word: &str) -> bool {
    starts_with_any(word, PART_STEMS)
        || PART_WORDS.contains(&word)
        || starts_with_any(word, ROUND_PART_STEMS)
        || ROUND_PART_WORDS.contains(&word)
}

/// Millimetres per unit of a length word of the original text (`мм`, `mm`, `см`, `sm`,
/// `millimetre`), if it is one.
fn length_unit_mm(original_word: &str) -> Option<f32> {
    let word = original_word.to_lowercase();
    let word = word.trim_end_matches('.');
    let mm = [
        "мм",
        "mm",
        "миллиметр",
        "millimetr",
        "millimeter",
        "millimetre",
    ];
    let cm = [
        "см",
        "cm",
        "sm",
        "сантиметр",
        "santimetr",
        "centimetr",
        "centimeter",
        "centimetre",
    ];
    let is = |names: &[&str]| {
        names
            .iter()
            .any(|name| word == *name || (name.chars().count() > 3 && word.starts_with(name)))
    };
    if is(&mm) {
        Some(1.0)
    } else if is(&cm) {
        Some(10.0)
    } else {
        None
    }
}

/// Finds piece counts and part sizes in one folded text. `original` is the text the fold came
/// from: numbers and units are read from it, since folding collapses repeats (`1000` → `10`,
/// `мм` → `m`).
pub(crate) fn find_part_findings(original: &str, text: &FoldedText) -> Vec<PartFinding> {
    let tokens = &text.tokens;
    let original_of = |token: &Token| original.get(token.span.clone()).unwrap_or_default();
    let gap_between = |a: usize, b: usize| -> &str {
        match (tokens.get(a), tokens.get(b)) {
            (Some(a), Some(b)) if a.span.end <= b.span.start => {
                original.get(a.span.end..b.span.start).unwrap_or_default()
            }
            _ => "",
        }
    };
    let word = |k: usize| tokens.get(k).map_or("", |t| t.text.as_str());
    let same_sentence = |from: usize, to: usize| (from + 1..=to).all(|k| !tokens[k].sentence_start);

    let mut findings = Vec::new();
    let mut k = 0;
    while k < tokens.len() {
        let token = &tokens[k];
        // A number, written alone (`560`, `1 000`, `0,5`) or glued to its unit (`4mm`, `560pcs`).
        let raw = original_of(token);
        let digits: String = raw.chars().take_while(char::is_ascii_digit).collect();
        if digits.is_empty() || digits.len() > 6 {
            k += 1;
            continue;
        }
        let glued_unit = &raw[digits.len()..];
        let mut value: f32 = digits.parse().unwrap_or(0.0);
        let mut last = k;
        if token.is_number {
            // Thousands written with a space (`1 000`), decimals with a comma or a dot (`0,5`).
            if let Some(next) = tokens.get(k + 1).filter(|t| t.is_number) {
                let next_digits = original_of(next);
                let gap = gap_between(k, k + 1);
                let thousands = next_digits.len() == 3
                    && !gap.is_empty()
                    && gap
                        .chars()
                        .all(|c| c == ' ' || c == '\u{a0}' || c == '\u{202f}');
                let decimal = gap == "," || gap == ".";
                if thousands {
                    value = value * 1000.0 + next_digits.parse::<f32>().unwrap_or(0.0);
                    last = k + 1;
                } else if decimal && next_digits.len() <= 2 {
                    let fraction: f32 = next_digits.parse().unwrap_or(0.0);
                    value += fraction / 10f32.powi(next_digits.len() as i32);
                    last = k + 1;
                }
            }
        }
        // The unit: glued to the number, or the next word (a hyphen is fine: `560-piece`).
        let (unit_folded, unit_original, unit_index) = if glued_unit.is_empty() {
            let unit = last + 1;
            let unit_original = tokens.get(unit).map_or("", |t| original_of(t));
            (word(unit).to_owned(), unit_original, unit)
        } else {
            let folded = normalize_for_screening(glued_unit);
            (folded, glued_unit, last)
        };
        let span_end = tokens
            .get(unit_index)
            .map_or(token.span.end, |t| t.span.end);
        let span = token.span.start..span_end;

        let generic = GENERIC_COUNT_WORDS.contains(&unit_folded.as_str())
            || starts_with_any(&unit_folded, GENERIC_COUNT_STEMS);
        let part =
            starts_with_any(&unit_folded, PART_STEMS) || PART_WORDS.contains(&unit_folded.as_str());
        if (generic || part) && value >= 1.0 && value.fract() == 0.0 {
            findings.push(PartFinding {
                evidence: PartEvidence::PieceCount {
                    count: value as u32,
                    generic_unit: !part,
                },
                span,
            });
        } else if let Some(per_unit) = length_unit_mm(unit_original) {
            let mm = value * per_unit;
            let before = (k.saturating_sub(PART_BEFORE_SIZE)..k)
                .rev()
                .take_while(|&j| same_sentence(j, k))
                // Another number ends the search, unless it starts a range (`4–6 мм`).
                .take_while(|&j| j + 1 == k || !tokens[j].is_number)
                .find(|&j| is_part_word(word(j)));
            let after = (unit_index + 1..=unit_index + PART_AFTER_SIZE)
                .take_while(|&j| j < tokens.len() && same_sentence(unit_index, j))
                .find(|&j| is_part_word(word(j)));
            if let Some(part_at) = before.or(after) {
                let (from, to) = (part_at.min(k), part_at.max(unit_index));
                // A measure word may stand just before the part (`толщина деталей`) or right
                // after the unit (`4 mm thick`).
                let end = (to + 1).min(tokens.len().saturating_sub(1));
                let about_bulk = !(from.saturating_sub(NOT_BULK_BEFORE_PART)..=end)
                    .filter(|&j| same_sentence(j.min(k), j.max(k)))
                    .any(|j| starts_with_any(word(j), NOT_BULK_STEMS));
                if about_bulk && mm > 0.0 {
                    let start = tokens[from].span.start.min(span.start);
                    findings.push(PartFinding {
                        evidence: PartEvidence::PartSizeMm(mm),
                        span: start..span.end.max(tokens[to].span.end),
                    });
                }
            }
        }
        k = last + 1;
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::fold_text;

    fn evidence(text: &str) -> Vec<PartEvidence> {
        find_part_findings(text, &fold_text(text))
            .into_iter()
            .map(|f| f.evidence)
            .collect()
    }

    fn count(count: u32, generic_unit: bool) -> PartEvidence {
        PartEvidence::PieceCount {
            count,
            generic_unit,
        }
    }

    #[test]
    fn reads_piece_counts_in_every_language() {
        assert_eq!(
            evidence("Мини-конструктор, 560 деталей"),
            vec![count(560, false)]
        );
        assert_eq!(evidence("Konstruktor 560 dona"), vec![count(560, true)]);
        assert_eq!(
            evidence("Building set, 1 000 pieces"),
            vec![count(1000, false)]
        );
        assert_eq!(evidence("A 1200-piece set"), vec![count(1200, false)]);
        assert_eq!(evidence("Набор 500шт"), vec![count(500, true)]);
        assert_eq!(evidence("Пазл из 300 элементов"), vec![count(300, false)]);
    }

    #[test]
    fn reads_part_sizes_next_to_a_part() {
        assert_eq!(
            evidence("Каждый блок всего 4 мм."),
            vec![PartEvidence::PartSizeMm(4.0)]
        );
        assert_eq!(
            evidence("Har bir blok atigi 4 mm"),
            vec![PartEvidence::PartSizeMm(4.0)]
        );
        assert_eq!(
            evidence("Each block is just 4mm"),
            vec![PartEvidence::PartSizeMm(4.0)]
        );
        assert_eq!(
            evidence("Детали 0,5 см"),
            vec![PartEvidence::PartSizeMm(5.0)]
        );
        assert_eq!(evidence("4 mm bricks"), vec![PartEvidence::PartSizeMm(4.0)]);
        assert_eq!(
            evidence("Детали 4–6 мм"),
            vec![PartEvidence::PartSizeMm(6.0)]
        );
    }

    #[test]
    fn ignores_sizes_that_are_not_about_parts() {
        assert!(evidence("Толщина деталей 4 мм").is_empty());
        assert!(evidence("Готовая фигурка 10 см").is_empty());
        assert!(evidence("Ширина ленты 5 мм").is_empty());
        assert!(evidence("Блоки крупные. Стержень 4 мм").is_empty());
        assert!(evidence("Рост 110 см, 5 лет").is_empty());
    }
}
