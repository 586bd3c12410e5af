//! Age rules: hazards for young children, age wording in the text, and category/age sanity.
//!
//! All rules are data: [`HAZARD_RULES`] (which hazard matters below which tagged age, how
//! strongly, under which reason code), [`CATEGORY_AGE_RULES`] (which category slugs expect
//! which ages) and [`SLUG_CUES`] (what a category slug says about context). The text side
//! (small parts, magnets, button batteries, balloons...) is found by the lexicon; this module
//! reads the ages.

use std::ops::Range;

use crate::RiskCategory;
use crate::lexicon::{CONCEPTS, Match, Role};
use crate::normalize::{FoldedText, Token};

/// A product property that is a hazard for young children.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Hazard {
    /// Small parts and choking-hazard wording, micro and nano building blocks.
    SmallParts,
    /// Mini building sets (`мини-конструктор`, `mini bricks`): usually small parts, but not
    /// always; corroborated by a piece count or a part size, they reject.
    MiniBlocks,
    /// Magnets in general (a magnetic construction set, fridge magnets).
    Magnets,
    /// Sets of loose high-power magnets (magnetic balls, neocube, neodymium).
    MagnetSet,
    /// Button or coin cell batteries.
    ButtonBattery,
    /// Latex or foil balloons.
    Balloons,
    /// Water beads (orbeez) that swell when swallowed.
    WaterBeads,
    /// Glass marbles.
    Marbles,
    /// Beads and bead necklaces.
    Beads,
    /// Small loose balls of unknown size ("шарики", "sharchalar").
    LooseBalls,
}

/// From which tagged age a hazard stops mattering, how strongly it counts, and its reason code.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HazardTier {
    /// The tier applies when the listing's youngest tagged age is below this, in months.
    pub below_months: u16,
    pub score: f32,
    pub code: &'static str,
}

/// The tiers of every hazard, youngest first: the first tier whose `below_months` exceeds the
/// listing's `age_min_months` applies. Sources: EN 71-1 and 16 CFR 1501 (small parts under 36
/// months), the CPSC magnet-set rule (high-power magnet sets not for under 14), Reese's Law
/// (button cells), balloon warnings (choking under 3 in EU toy law).
pub(crate) const HAZARD_RULES: &[(Hazard, &[HazardTier])] = &[
    (
        Hazard::SmallParts,
        &[HazardTier {
            below_months: 36,
            score: 0.9,
            code: "small_parts_under_36_months",
        }],
    ),
    (
        Hazard::MiniBlocks,
        &[HazardTier {
            below_months: 36,
            score: 0.6,
            code: "small_parts_under_36_months",
        }],
    ),
    (
        Hazard::Magnets,
        &[HazardTier {
            below_months: 36,
            score: 0.5,
            code: "magnets_under_36_months",
        }],
    ),
    (
        Hazard::MagnetSet,
        &[
            HazardTier {
                below_months: 36,
                score: 0.95,
                code: "magnets_under_36_months",
            },
            HazardTier {
                below_months: 168,
                score: 0.5,
                code: "magnet_set_under_14_years",
            },
        ],
    ),
    (
        Hazard::ButtonBattery,
        &[HazardTier {
            below_months: 36,
            score: 0.85,
            code: "button_battery_under_36_months",
        }],
    ),
    (
        Hazard::Balloons,
        &[HazardTier {
            below_months: 36,
            score: 0.85,
            code: "balloons_under_36_months",
        }],
    ),
    (
        Hazard::WaterBeads,
        &[HazardTier {
            below_months: 36,
            score: 0.9,
            code: "water_beads_under_36_months",
        }],
    ),
    (
        Hazard::Marbles,
        &[HazardTier {
            below_months: 36,
            score: 0.85,
            code: "small_parts_under_36_months",
        }],
    ),
    (
        Hazard::Beads,
        &[HazardTier {
            below_months: 36,
            score: 0.6,
            code: "small_parts_under_36_months",
        }],
    ),
    (
        Hazard::LooseBalls,
        &[HazardTier {
            below_months: 36,
            score: 0.5,
            code: "small_parts_under_36_months",
        }],
    ),
];

/// Returns the tier of `hazard` that applies to a listing tagged from `age_min_months`.
pub(crate) fn hazard_tier(hazard: Hazard, age_min_months: u16) -> Option<HazardTier> {
    HAZARD_RULES
        .iter()
        .find(|(h, _)| *h == hazard)
        .and_then(|(_, tiers)| {
            tiers
                .iter()
                .find(|tier| age_min_months < tier.below_months)
                .copied()
        })
}

/// What a category's ages are expected to be.
#[derive(Debug, Clone, Copy)]
pub(crate) enum AgeExpectation {
    /// The youngest tagged age should be at most this many months.
    MinAtMost(u16),
    /// The youngest tagged age should be at least this many months.
    MinAtLeast(u16),
    /// The oldest tagged age should be at least this many months.
    MaxAtLeast(u16),
}

/// A category whose slug says which ages it is for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CategoryAgeRule {
    /// Sequences of slug words (the slug split on non-alphanumerics, lowercased); any one
    /// appearing selects the rule (`books-0-3` holds `["0", "3"]`).
    pub slug_words: &'static [&'static [&'static str]],
    pub expectation: AgeExpectation,
    pub score: f32,
    /// Human-readable summary, used as evidence.
    pub description: &'static str,
}

/// Category/age sanity rules; a mismatch is held for review under `category_age_mismatch`.
pub(crate) const CATEGORY_AGE_RULES: &[CategoryAgeRule] = &[
    CategoryAgeRule {
        slug_words: &[
            &["baby"],
            &["babies"],
            &["infant"],
            &["infants"],
            &["newborn"],
            &["newborns"],
            &["toddler"],
            &["toddlers"],
            &["chaqaloq"],
            &["chaqaloqlar"],
            &["chaqaloqlar", "uchun"],
            &["malysh"],
            &["malyshey"],
            &["novorozhdennyh"],
            &["grudnichkov"],
            &["0", "1"],
            &["0", "2"],
            &["0", "3"],
            &["0", "12"],
            &["0", "24"],
            &["0", "36"],
        ],
        expectation: AgeExpectation::MinAtMost(48),
        score: 0.5,
        description: "baby category tagged from over 4 years",
    },
    CategoryAgeRule {
        slug_words: &[
            &["adult"],
            &["adults"],
            &["18plus"],
            &["18", "plus"],
            &["vzroslyh"],
            &["dlya", "vzroslyh"],
            &["kattalar"],
        ],
        expectation: AgeExpectation::MinAtLeast(216),
        score: 0.6,
        description: "adult category tagged for children",
    },
    CategoryAgeRule {
        slug_words: &[
            &["teen"],
            &["teens"],
            &["teenager"],
            &["teenagers"],
            &["podrostkov"],
            &["podrostki"],
            &["osmirlar"],
            &["young", "adult"],
        ],
        expectation: AgeExpectation::MaxAtLeast(96),
        score: 0.45,
        description: "teen category tagged only for young children",
    },
];

/// Context a category slug gives: slugs with a word starting with one of `prefixes` act as a
/// safe cue for `category` (a toy category makes a "pistol" a toy).
pub(crate) const SLUG_CUES: &[(&[&str], RiskCategory)] = &[
    (
        &[
            "toy", "igrush", "oyinchoq", "yinchoq", "blaster", "nerf", "costume", "kostyum",
            "karnaval", "pretend", "roleplay", "role",
        ],
        RiskCategory::Weapons,
    ),
    (
        &[
            "candy",
            "sweets",
            "konfet",
            "shirinlik",
            "sladost",
            "chocolate",
            "shokolad",
        ],
        RiskCategory::Tobacco,
    ),
    (
        &["book", "kitob", "knig", "literat", "comic", "komiks"],
        RiskCategory::Violence,
    ),
    (
        &["book", "kitob", "knig", "literat", "comic", "komiks"],
        RiskCategory::Drugs,
    ),
];

/// Splits a category slug into lowercase words.
pub(crate) fn slug_words(slug: &str) -> Vec<String> {
    slug.split(|c: char| !c.is_alphanumeric() && !matches!(c, '\'' | '‘' | '’' | 'ʻ' | 'ʼ'))
        .filter(|w| !w.is_empty())
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect()
        })
        .collect()
}

/// Returns the category/age rules a listing breaks.
pub(crate) fn broken_category_rules(
    slug: &str,
    age_min_months: u16,
    age_max_months: u16,
) -> Vec<&'static CategoryAgeRule> {
    let words = slug_words(slug);
    CATEGORY_AGE_RULES
        .iter()
        .filter(|rule| {
            rule.slug_words.iter().any(|sequence| {
                !sequence.is_empty()
                    && words
                        .windows(sequence.len())
                        .any(|window| window.iter().zip(sequence.iter()).all(|(w, s)| w == s))
            })
        })
        .filter(|rule| match rule.expectation {
            AgeExpectation::MinAtMost(months) => age_min_months > months,
            AgeExpectation::MinAtLeast(months) => age_min_months < months,
            AgeExpectation::MaxAtLeast(months) => age_max_months < months,
        })
        .collect()
}

/// Returns the categories for which the slug is a safe cue.
pub(crate) fn slug_safe_cues(slug: &str) -> Vec<RiskCategory> {
    let words = slug_words(slug);
    SLUG_CUES
        .iter()
        .filter(|(prefixes, _)| {
            words
                .iter()
                .any(|w| prefixes.iter().any(|p| w.starts_with(p)))
        })
        .map(|(_, category)| *category)
        .collect()
}

/// Age wording found in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AgeMention {
    /// The product is for adults only (`18+`, `faqat kattalar uchun`, `не для детей`).
    AdultOnly,
    /// The product is labelled for this age and up (`3+`, `от 3 лет`, `6 yoshdan`), in months.
    MinimumAge(u16),
    /// A warning that the product is not for children under this age (`не для детей до 3 лет`,
    /// `not suitable for children under 36 months`), in months.
    NotUnder(u16),
}

/// Age wording with the bytes of the original text it came from.
#[derive(Debug, Clone)]
pub(crate) struct AgeFinding {
    pub mention: AgeMention,
    pub span: Range<usize>,
}

const YEAR_WORDS: &[&str] = &[
    "let",
    "god",
    "goda",
    "year",
    "years",
    "yr",
    "yrs",
    "yosh",
    "yoshdan",
    "yoshga",
    "yoshli",
    "yoshdagi",
    "yoshgacha",
    "yoshlik",
    "age",
    "ages",
    "years+",
    "y",
    "yo",
];
const MONTH_WORDS: &[&str] = &[
    "mes",
    "mesyats",
    "mesyatsa",
    "mesyatsev",
    "month",
    "months",
    "mo",
    "m",
    "oy",
    "oylik",
    "oydan",
    "oygacha",
    "oyga",
    "oyligidan",
    "oylikdan",
    "ay",
];
const FROM_WORDS: &[&str] = &["ot", "s", "from", "ages", "age", "starshe"];
const UNDER_WORDS: &[&str] = &[
    "do", "under", "below", "mladshe", "moloje", "menshe", "younger", "than", "less", "<",
];
const AND_UP: &[&[&str]] = &[
    &["and", "up"],
    &["and", "older"],
    &["and", "over"],
    &["and", "above"],
    &["i", "starshe"],
    &["i", "vishe"],
    &["va", "undan", "kata"],
    &["dan", "kata"],
];

fn is_year_word(word: &str) -> bool {
    YEAR_WORDS.contains(&word) || word.starts_with("yosh") || word.starts_with("year")
}

fn is_month_word(word: &str) -> bool {
    MONTH_WORDS.contains(&word)
        || word.starts_with("mesya")
        || word.starts_with("month")
        || (word.starts_with("oy") && word.len() <= 10 && !word.starts_with("oyin"))
}

/// Reads a number written with digits or as a small word (`трёх`, `three`, `uch`).
fn number_value(token: &Token) -> Option<u16> {
    if token.is_number {
        // Digits are read from the original text (folding collapses `11` into `1`).
        return None;
    }
    let value = match token.text.as_str() {
        "one" | "odin" | "odnogo" | "bir" => 1,
        "two" | "dva" | "dvux" | "dvuh" | "iki" => 2,
        "three" | "tri" | "trex" | "tryox" | "treh" | "uch" => 3,
        "four" | "chetiri" | "chetirex" | "chetiryox" | "tort" => 4,
        "five" | "pyat" | "pyati" | "besh" => 5,
        "six" | "shest" | "shesti" | "olti" => 6,
        _ => return None,
    };
    Some(value)
}

/// Finds age wording in one folded text. `original` is the text the fold came from (numbers are
/// read from it, since folding collapses repeated digits), `matches` its lexicon matches.
pub(crate) fn find_age_mentions(
    original: &str,
    text: &FoldedText,
    matches: &[Match],
) -> Vec<AgeFinding> {
    let tokens = &text.tokens;
    let number_at = |k: usize| -> Option<u16> {
        let token = tokens.get(k)?;
        if token.is_number {
            let digits = original.get(token.span.clone())?;
            let digits: String = digits.chars().filter(char::is_ascii_digit).collect();
            if digits.len() > 3 {
                return None;
            }
            return digits.parse().ok();
        }
        number_value(token)
    };
    let word = |k: usize| tokens.get(k).map_or("", |t| t.text.as_str());
    let same_sentence = |from: usize, to: usize| (from + 1..=to).all(|k| !tokens[k].sentence_start);
    let followed_by = |k: usize, sequence: &[&str]| {
        sequence
            .iter()
            .enumerate()
            .all(|(offset, expected)| word(k + 1 + offset) == *expected)
    };

    let mut findings = Vec::new();
    let mut push = |mention: AgeMention, from: usize, to: usize| {
        let (Some(first), Some(last)) = (tokens.get(from), tokens.get(to)) else {
            return;
        };
        findings.push(AgeFinding {
            mention,
            span: first.span.start..last.span.end,
        });
    };

    // Lexicon phrases: adults-only wording and "not for children" warnings.
    let token_range = |m: &Match| {
        let first = text.token_of_unit.get(m.units.start).copied().unwrap_or(0);
        let last = text
            .token_of_unit
            .get(m.units.end.saturating_sub(1))
            .copied()
            .unwrap_or(first);
        (first, last)
    };
    let supervision: Vec<(usize, usize)> = matches
        .iter()
        .filter(|m| matches!(CONCEPTS[m.concept].role, Role::Supervision))
        .map(token_range)
        .collect();
    let mut warnings: Vec<(usize, usize)> = Vec::new();
    for m in matches {
        let (first, last) = token_range(m);
        match CONCEPTS[m.concept].role {
            Role::AdultOnly => push(AgeMention::AdultOnly, first, last),
            Role::ChildWarning => warnings.push((first, last)),
            _ => {}
        }
    }

    // Numbers: `N+`, `от N лет`, `N yoshdan`, `до N лет` near a warning.
    // A decimal (`1,5 года`, `1.5 years`) is one number: its fraction is not a number of its own.
    let fraction_at = |j: usize| -> Option<u16> {
        let (before, token) = (tokens.get(j.checked_sub(1)?)?, tokens.get(j)?);
        let gap = original.get(before.span.end..token.span.start)?;
        let digits = original.get(token.span.clone())?;
        let decimal =
            before.is_number && token.is_number && matches!(gap, "," | ".") && digits.len() == 1;
        // Tenths of a year, in months (`1,5` → 6 more months).
        decimal
            .then(|| digits.parse::<u16>().ok())
            .flatten()
            .map(|tenths| (tenths * 12 + 5) / 10)
    };
    let mut warned_ages: Vec<(usize, u16)> = Vec::new();
    for k in 0..tokens.len() {
        if fraction_at(k).is_some() {
            continue;
        }
        let Some(n) = number_at(k) else {
            continue;
        };
        let fraction_months = fraction_at(k + 1);
        // The number's last token: its fraction, if it has one.
        let a = k + usize::from(fraction_months.is_some());
        let token = &tokens[k];
        let last = &tokens[a];
        let next = word(a + 1);
        let next_is_month = is_month_word(next);
        let unit_months = |value: u16, months: bool| {
            if months {
                value
            } else {
                value
                    .saturating_mul(12)
                    .saturating_add(fraction_months.unwrap_or(0))
            }
        };
        let previous = if k > 0 && !token.sentence_start {
            word(k - 1)
        } else {
            ""
        };

        // `N+` (not `3+1`, `20+ лет` or `$40+`): a label for 0 to 18 years or 21.
        let label_age = n <= 18 || n == 21;
        let next_is_year = is_year_word(next) && !next.ends_with("dan");
        if last.is_number
            && last.plus_after
            && label_age
            && !next_is_year
            && tokens.get(a + 1).is_none_or(|t| !t.is_number)
        {
            push(AgeMention::MinimumAge(unit_months(n, next_is_month)), k, a);
            continue;
        }
        // `+18` / `(+18)`: adult ratings only, never temperatures.
        if token.is_number
            && token.plus_before
            && (16..=21).contains(&n)
            && !last.degree_after
            && !matches!(next, "c" | "s" | "f")
            && !next.starts_with("grad")
        {
            push(AgeMention::MinimumAge(unit_months(n, false)), k, a);
            continue;
        }
        // The unit right after the number, or after a range (`3-7 лет`, `от 3 до 7 лет`).
        let unit_of = |j: usize| {
            let w = word(j);
            if is_month_word(w) {
                Some(true)
            } else if is_year_word(w) {
                Some(false)
            } else {
                None
            }
        };
        // A range's end may itself be a decimal (`1-2,5 года`).
        let range_end = |j: usize| number_at(j).is_some() && same_sentence(a, j);
        let after_range_end = |j: usize| j + usize::from(fraction_at(j + 1).is_some()) + 1;
        let unit_ahead = unit_of(a + 1)
            .or_else(|| {
                if range_end(a + 1) {
                    unit_of(after_range_end(a + 1))
                } else {
                    None
                }
            })
            .or_else(|| {
                let joiner = matches!(next, "do" | "to" | "gacha" | "va");
                if joiner && range_end(a + 2) {
                    unit_of(after_range_end(a + 2))
                } else {
                    None
                }
            });
        let under = UNDER_WORDS.contains(&previous)
            || next.ends_with("gacha")
            || (next == "dan" && word(a + 2) == "kichik");
        if under {
            // `under 3` without a unit means years.
            let months = match unit_ahead {
                Some(months_unit) => unit_months(n, months_unit),
                None if n <= 16 => unit_months(n, false),
                None => continue,
            };
            warned_ages.push((k, months));
            continue;
        }
        let Some(months_unit) = unit_ahead else {
            continue;
        };
        let months = unit_months(n, months_unit);
        let from = FROM_WORDS.contains(&previous)
            || next.ends_with("dan")
            || AND_UP
                .iter()
                .any(|seq| followed_by(a + 1, seq) || followed_by(a, seq))
            || tokens.get(a + 1).is_some_and(|t| t.plus_after);
        if from {
            push(AgeMention::MinimumAge(months), k, a + 1);
        }
    }

    // A warning with an age near it is an age warning; without one, adults only (unless it is
    // about supervision: `не для детей без присмотра взрослых`).
    for &(first, last) in &warnings {
        let near = |k: usize| {
            (k + 6 >= first && k <= last + 6)
                && same_sentence(
                    k.min(first),
                    k.max(last).min(tokens.len().saturating_sub(1)),
                )
        };
        if let Some(&(k, months)) = warned_ages.iter().find(|(k, _)| near(*k)) {
            push(AgeMention::NotUnder(months), first.min(k), last.max(k));
            continue;
        }
        let supervised = supervision
            .iter()
            .any(|&(s_first, s_last)| s_first <= last + 5 && first <= s_last + 5);
        if !supervised {
            push(AgeMention::AdultOnly, first, last);
        }
    }

    // An adult minimum age is an adults-only label.
    for finding in &mut findings {
        if let AgeMention::MinimumAge(months) = finding.mention
            && months >= 216
        {
            finding.mention = AgeMention::AdultOnly;
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::LEXICON;
    use crate::normalize::fold_text;

    fn mentions(text: &str) -> Vec<AgeMention> {
        let folded = fold_text(text);
        let matches = LEXICON.find(&folded);
        find_age_mentions(text, &folded, &matches)
            .into_iter()
            .map(|f| f.mention)
            .collect()
    }

    #[test]
    fn reads_plus_labels() {
        assert_eq!(mentions("Konstruktor 3+"), vec![AgeMention::MinimumAge(36)]);
        assert_eq!(
            mentions("Игра для вечеринок 18+"),
            vec![AgeMention::AdultOnly]
        );
        assert_eq!(mentions("6+ мес"), vec![AgeMention::MinimumAge(6)]);
        assert!(mentions("Хранить при +18 °C").is_empty());
        assert!(mentions("Набор 3+1 в подарок").is_empty());
    }

    #[test]
    fn reads_from_ages_in_every_language() {
        assert_eq!(
            mentions("Для детей от 3 лет"),
            vec![AgeMention::MinimumAge(36)]
        );
        assert_eq!(
            mentions("3 yoshdan katta bolalar uchun"),
            vec![AgeMention::MinimumAge(36)]
        );
        assert_eq!(
            mentions("Ages 5 years and up"),
            vec![AgeMention::MinimumAge(60)]
        );
        assert_eq!(mentions("от 18 месяцев"), vec![AgeMention::MinimumAge(18)]);
    }

    #[test]
    fn reads_decimal_ages_as_one_number() {
        assert_eq!(
            mentions("Для детей от 1,5 лет"),
            vec![AgeMention::MinimumAge(18)]
        );
        assert_eq!(
            mentions("1,5 yoshdan katta bolalar uchun"),
            vec![AgeMention::MinimumAge(18)]
        );
        assert_eq!(
            mentions("For ages 1.5 years and up"),
            vec![AgeMention::MinimumAge(18)]
        );
        assert_eq!(mentions("от 2,5 лет"), vec![AgeMention::MinimumAge(30)]);
    }

    #[test]
    fn reads_warnings_and_adult_wording() {
        assert_eq!(
            mentions("Не предназначено для детей до 3 лет."),
            vec![AgeMention::NotUnder(36)]
        );
        assert_eq!(
            mentions("3 yoshgacha bo'lgan bolalar uchun mo'ljallanmagan"),
            vec![AgeMention::NotUnder(36)]
        );
        assert_eq!(
            mentions("Not suitable for children under 36 months"),
            vec![AgeMention::NotUnder(36)]
        );
        assert_eq!(
            mentions("Small parts, not for children under 3."),
            vec![AgeMention::NotUnder(36)]
        );
        assert_eq!(mentions("Только для взрослых"), vec![AgeMention::AdultOnly]);
        assert_eq!(mentions("Не для детей."), vec![AgeMention::AdultOnly]);
        assert!(mentions("Не оставляйте детей без присмотра взрослых").is_empty());
        assert!(mentions("Для детей и взрослых").is_empty());
    }

    #[test]
    fn hazard_tiers_follow_age() {
        let tier = hazard_tier(Hazard::MagnetSet, 12).map(|t| t.code);
        assert_eq!(tier, Some("magnets_under_36_months"));
        let tier = hazard_tier(Hazard::MagnetSet, 96).map(|t| t.code);
        assert_eq!(tier, Some("magnet_set_under_14_years"));
        assert!(hazard_tier(Hazard::Balloons, 60).is_none());
    }

    #[test]
    fn category_rules_match_slug_words() {
        assert_eq!(broken_category_rules("books-0-3", 144, 216).len(), 1);
        assert!(broken_category_rules("books-0-3", 0, 36).is_empty());
        assert!(broken_category_rules("canteens", 0, 36).is_empty());
        assert_eq!(slug_safe_cues("toy-weapons"), vec![RiskCategory::Weapons]);
    }
}
