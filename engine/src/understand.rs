//! Query understanding: turns the age, budget and recipient that parents write into their
//! queries ("5 yoshli qizga", "до 200 тысяч", "for a 3 year old boy") into structured hints,
//! leaving the rest as the text to search.
//!
//! Patterns are matched on folded words (Uzbek Cyrillic and Russian transliterated to Latin,
//! apostrophes removed, lowercase), so one table serves all four language forms.

use crate::analysis::{fold_token, split_words};
use serde::Serialize;

/// Whom the shopper is buying for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Recipient {
    /// A girl.
    Girl,
    /// A boy.
    Boy,
}

/// What a query says besides its search text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct QueryIntent {
    /// The words left to search for, in their original spelling.
    pub text: String,
    /// The child's age range in months, when the query states one.
    pub age_months: Option<(u16, u16)>,
    /// Lowest price in tiyin ("from 100 thousand").
    pub price_min_tiyin: Option<i64>,
    /// Highest price in tiyin ("under 200k").
    pub price_max_tiyin: Option<i64>,
    /// The recipient, when the query names one.
    pub recipient: Option<Recipient>,
}

/// The oldest age the catalogue models, in months.
const MAX_AGE_MONTHS: u16 = 216;

/// What a known word means to the query understanding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cue {
    /// Marks the number before it as years of age ("yoshli", "лет", "years").
    Years,
    /// Marks the number before it as months of age.
    Months,
    /// Names an age group (months, inclusive).
    AgeGroup(u16, u16),
    /// "To" between two ages ("от 3 до 5 лет", "3 to 5").
    RangeJoin,
    /// "Up to" before an amount ("до", "under").
    UptoBefore,
    /// "From" before an amount ("от", "from").
    FromBefore,
    /// A currency word; `true` when it carries the Uzbek "-gacha" (up to).
    Currency(bool),
    /// A multiplier (thousand, million); `Some(true)` for "-gacha" (up to), `Some(false)` for
    /// "-dan" (from).
    Multiplier(i64, Option<bool>),
    /// A recipient.
    Recipient(Recipient),
    /// A word that only glues a hint to the query ("for", "uchun", "для").
    Glue,
}

/// The cue table, in natural spelling (folded once at first use, so Cyrillic and Latin forms
/// of a word share an entry).
const CUES: &[(Cue, &[&str])] = &[
    (
        Cue::Years,
        &[
            "yosh",
            "yoshli",
            "yoshga",
            "yoshlik",
            "yoshdan",
            "yoshgacha",
            "yoshlilar",
            "yoshlar",
            "yoshar",
            "yoshda",
            "год",
            "года",
            "годика",
            "годиков",
            "лет",
            "year",
            "years",
            "yr",
            "yrs",
            "yo",
        ],
    ),
    (
        Cue::Months,
        &[
            "oy",
            "oylik",
            "oyga",
            "oydan",
            "oylar",
            "oylikdan",
            "месяц",
            "месяца",
            "месяцев",
            "мес",
            "month",
            "months",
            "mo",
        ],
    ),
    (
        Cue::AgeGroup(0, 12),
        &[
            "chaqaloq",
            "chaqaloqqa",
            "chaqaloqlar",
            "chaqaloqlarga",
            "новорожденный",
            "новорожденного",
            "новорожденных",
            "грудничка",
            "грудничков",
            "newborn",
            "newborns",
            "infant",
            "infants",
        ],
    ),
    (
        Cue::AgeGroup(12, 36),
        &[
            "toddler",
            "toddlers",
            "малыш",
            "малыша",
            "малышей",
            "малышу",
            "малышам",
        ],
    ),
    (
        Cue::AgeGroup(36, 72),
        &[
            "preschooler",
            "preschoolers",
            "дошкольник",
            "дошкольника",
            "дошкольников",
            "bog'cha",
            "bog'chaga",
        ],
    ),
    (
        Cue::AgeGroup(72, 96),
        &[
            "первоклассник",
            "первоклассника",
            "первоклассников",
            "first-grader",
            "birinchi-sinf",
        ],
    ),
    (
        Cue::AgeGroup(72, 168),
        &[
            "школьник",
            "школьника",
            "школьников",
            "schoolkid",
            "schoolkids",
            "o'quvchi",
            "o'quvchiga",
        ],
    ),
    (
        Cue::AgeGroup(156, 216),
        &[
            "teen",
            "teens",
            "teenager",
            "teenagers",
            "подросток",
            "подростка",
            "подростков",
            "o'smir",
            "o'smirlar",
            "o'smirga",
        ],
    ),
    (Cue::RangeJoin, &["до", "to", "gacha", "-"]),
    (
        Cue::UptoBefore,
        &["до", "under", "below", "within", "max", "upto", "дешевле"],
    ),
    (Cue::FromBefore, &["от", "from", "over", "above", "дороже"]),
    (
        Cue::Currency(false),
        &["so'm", "som", "sum", "сум", "сумов", "so'mlik", "uzs"],
    ),
    (Cue::Currency(true), &["so'mgacha", "sumgacha", "сўмгача"]),
    (
        Cue::Multiplier(1_000, None),
        &["ming", "тыс", "тысяч", "тысячи", "тысяча", "thousand", "k"],
    ),
    (
        Cue::Multiplier(1_000, Some(true)),
        &["minggacha", "мингача"],
    ),
    (Cue::Multiplier(1_000, Some(false)), &["mingdan", "мингдан"]),
    (
        Cue::Multiplier(1_000_000, None),
        &[
            "mln",
            "million",
            "millions",
            "млн",
            "миллион",
            "миллиона",
            "миллионов",
        ],
    ),
    (
        Cue::Multiplier(1_000_000, Some(true)),
        &["milliongacha", "mlngacha"],
    ),
    (
        Cue::Multiplier(1_000_000, Some(false)),
        &["milliondan", "mlndan"],
    ),
    (
        Cue::Recipient(Recipient::Girl),
        &[
            "qiz",
            "qizga",
            "qizcha",
            "qizchaga",
            "qizlar",
            "qizlarga",
            "qizim",
            "qizimga",
            "девочка",
            "девочки",
            "девочке",
            "девочек",
            "девочку",
            "дочка",
            "дочке",
            "дочки",
            "girl",
            "girls",
            "daughter",
        ],
    ),
    (
        Cue::Recipient(Recipient::Boy),
        &[
            "o'g'il",
            "o'g'ilga",
            "o'g'ilcha",
            "o'g'illar",
            "o'g'limga",
            "o'g'lim",
            "мальчик",
            "мальчика",
            "мальчику",
            "мальчиков",
            "мальчики",
            "сын",
            "сыну",
            "сына",
            "boy",
            "boys",
            "son",
        ],
    ),
    (
        Cue::Glue,
        &[
            "uchun",
            "для",
            "for",
            "a",
            "an",
            "old",
            "bola",
            "bolaga",
            "ребенка",
            "ребенку",
            "ребёнка",
            "ребёнку",
            "child",
            "kid",
            "kids",
            "aged",
            "age",
            "ages",
            "возраст",
            "возраста",
        ],
    ),
];

/// Returns every cue of a folded word (a word such as "до" is both a range join and "up to").
fn cues(folded: &str) -> &'static [Cue] {
    static TABLE: std::sync::LazyLock<std::collections::HashMap<String, Vec<Cue>>> =
        std::sync::LazyLock::new(|| {
            let mut table: std::collections::HashMap<String, Vec<Cue>> =
                std::collections::HashMap::new();
            for (cue, words) in CUES {
                for word in *words {
                    let key = if *word == "-" {
                        "-".to_owned()
                    } else {
                        fold_token(word)
                    };
                    let entry = table.entry(key).or_default();
                    if !entry.contains(cue) {
                        entry.push(*cue);
                    }
                }
            }
            table
        });
    TABLE.get(folded).map(Vec::as_slice).unwrap_or_default()
}

fn has(folded: &str, wanted: impl Fn(Cue) -> bool) -> bool {
    cues(folded).iter().any(|cue| wanted(*cue))
}

fn is_years_word(word: &str) -> bool {
    has(word, |cue| cue == Cue::Years)
}

fn is_months_word(word: &str) -> bool {
    has(word, |cue| cue == Cue::Months)
}

fn is_range_join(word: &str) -> bool {
    has(word, |cue| cue == Cue::RangeJoin)
}

/// Splits a number with a glued suffix ("200k", "5yoshli") into its value and suffix.
fn split_number(word: &str) -> Option<(i64, &str)> {
    let digits = word.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 12 {
        return None;
    }
    let value = word[..digits].parse().ok()?;
    Some((value, &word[digits..]))
}

struct Word {
    folded: String,
    start: usize,
    end: usize,
    /// A `+` follows directly ("3+").
    plus: bool,
    /// Directly preceded by `,` or `.` after a number ("1,5").
    decimal_part: bool,
    used: bool,
}

/// Understands a query: extracts age, budget and recipient hints and returns the rest as text.
pub fn understand(query: &str) -> QueryIntent {
    let mut words: Vec<Word> = Vec::new();
    for range in split_words(query) {
        let folded = fold_token(&query[range.clone()]);
        if folded.is_empty() {
            continue;
        }
        let decimal_part = range.start >= 1
            && matches!(query.as_bytes()[range.start - 1], b',' | b'.')
            && words.last().is_some_and(|previous| {
                previous.end + 1 == range.start
                    && previous.folded.bytes().all(|b| b.is_ascii_digit())
            });
        words.push(Word {
            plus: query[range.end..].starts_with('+'),
            folded,
            start: range.start,
            end: range.end,
            decimal_part,
            used: false,
        });
    }
    let mut intent = QueryIntent::default();
    extract_ages(&mut words, &mut intent);
    extract_budget(&mut words, &mut intent);
    for word in words.iter_mut().filter(|word| !word.used) {
        for cue in cues(&word.folded) {
            if let Cue::Recipient(found) = cue {
                intent.recipient.get_or_insert(*found);
                word.used = true;
            }
        }
    }
    // Glue words go only when a hint was found, so "for" stays in "toy for a long car trip".
    let found_hint = intent.age_months.is_some()
        || intent.price_max_tiyin.is_some()
        || intent.price_min_tiyin.is_some()
        || intent.recipient.is_some();
    if found_hint {
        for word in words.iter_mut() {
            if has(&word.folded, |cue| cue == Cue::Glue) {
                word.used = true;
            }
        }
    }
    intent.text = words
        .iter()
        .filter(|word| !word.used)
        .map(|word| &query[word.start..word.end])
        .collect::<Vec<_>>()
        .join(" ");
    intent
}

fn clamp_age(months: i64) -> u16 {
    u16::try_from(months.clamp(0, i64::from(MAX_AGE_MONTHS))).unwrap_or(MAX_AGE_MONTHS)
}

/// Finds "N years/months" (and "N-M years", "from N to M years", "N+") and age-group words.
fn extract_ages(words: &mut [Word], intent: &mut QueryIntent) {
    let mut index = 0;
    while index < words.len() {
        let Some((first, suffix)) = split_number(&words[index].folded) else {
            for cue in cues(&words[index].folded) {
                if let Cue::AgeGroup(low, high) = cue {
                    intent.age_months.get_or_insert((*low, *high));
                    words[index].used = true;
                }
            }
            index += 1;
            continue;
        };
        if words[index].decimal_part {
            index += 1;
            continue;
        }
        // "1,5 yosh": a decimal part, in tenths.
        let mut last = index;
        let mut tenths = 0;
        if suffix.is_empty()
            && let Some(next) = words
                .get(index + 1)
                .filter(|next| next.decimal_part && next.folded.bytes().all(|b| b.is_ascii_digit()))
        {
            tenths = i64::from(next.folded.as_bytes()[0] - b'0');
            last = index + 1;
        }
        // The number's unit: glued ("5yoshli"), the next word, or after a range ("3-5 лет").
        let mut second = None;
        if suffix.is_empty() && !words[last].plus {
            let mut next = last + 1;
            if words
                .get(next)
                .is_some_and(|word| is_range_join(&word.folded))
            {
                next += 1;
            }
            if let Some((value, "")) = words.get(next).and_then(|word| split_number(&word.folded))
                && words
                    .get(next + 1)
                    .is_some_and(|word| is_years_word(&word.folded) || is_months_word(&word.folded))
            {
                second = Some(value);
                last = next;
            }
        }
        let (unit, unit_index) = if suffix.is_empty() {
            (
                words.get(last + 1).map(|word| word.folded.as_str()),
                last + 1,
            )
        } else {
            (Some(suffix), last)
        };
        let months_per_unit = match unit {
            Some(unit) if is_years_word(unit) => 12,
            Some(unit) if is_months_word(unit) => 1,
            _ if words[last].plus && first <= 18 => 12,
            _ => {
                index += 1;
                continue;
            }
        };
        let unit_index = if unit.is_some_and(|unit| is_years_word(unit) || is_months_word(unit)) {
            unit_index
        } else {
            last
        };
        if first * months_per_unit > i64::from(MAX_AGE_MONTHS) {
            index += 1;
            continue;
        }
        let low = clamp_age(first * months_per_unit + tenths * months_per_unit / 10);
        let high = match second {
            Some(value) => clamp_age(value * months_per_unit + months_per_unit - 1),
            None if words[last].plus => MAX_AGE_MONTHS,
            None if tenths > 0 => low,
            None => clamp_age(first * months_per_unit + months_per_unit - 1),
        };
        intent
            .age_months
            .get_or_insert((low.min(high), low.max(high)));
        let end = unit_index.min(words.len() - 1);
        for word in &mut words[index..=end] {
            word.used = true;
        }
        // "от" / "from" before an age belongs to the age, not to a budget.
        if index > 0 && has(&words[index - 1].folded, |cue| cue == Cue::FromBefore) {
            words[index - 1].used = true;
        }
        index = end + 1;
    }
}

/// Finds "до 200 тысяч", "200 ming so'mgacha", "under 200k", "1,5 mln", "от 100 000 сум".
fn extract_budget(words: &mut [Word], intent: &mut QueryIntent) {
    let mut index = 0;
    while index < words.len() {
        let Some((whole, suffix)) = split_number(&words[index].folded) else {
            index += 1;
            continue;
        };
        if words[index].used || words[index].decimal_part {
            index += 1;
            continue;
        }
        // Amounts are kept in thousandths of a so'm until the multiplier is known ("1,5 mln").
        let mut milli = whole.saturating_mul(1_000);
        let mut last = index;
        let mut money = false;
        let mut upto = false;
        let mut from = false;
        let mut apply_cue = |folded: &str, milli: &mut i64| -> bool {
            let mut matched = false;
            for cue in cues(folded) {
                match cue {
                    Cue::Multiplier(factor, direction) => {
                        *milli = milli.saturating_mul(*factor);
                        upto |= *direction == Some(true);
                        from |= *direction == Some(false);
                        matched = true;
                    }
                    Cue::Currency(gacha) => {
                        upto |= *gacha;
                        matched = true;
                    }
                    _ => {}
                }
            }
            money |= matched;
            matched
        };
        if !suffix.is_empty() && !apply_cue(suffix, &mut milli) {
            index += 1;
            continue;
        }
        // "200 000": following groups of exactly three digits continue the number.
        while let Some(next) = words.get(last + 1) {
            if next.folded.len() == 3
                && next.folded.bytes().all(|b| b.is_ascii_digit())
                && !next.decimal_part
            {
                let group = split_number(&next.folded).map_or(0, |(value, _)| value);
                milli = milli
                    .saturating_mul(1_000)
                    .saturating_add(group.saturating_mul(1_000));
                last += 1;
            } else {
                break;
            }
        }
        // "1,5": a decimal part (up to three places are kept).
        if let Some(next) = words
            .get(last + 1)
            .filter(|next| next.decimal_part && next.folded.bytes().all(|b| b.is_ascii_digit()))
        {
            let places = next.folded.len().min(3);
            let kept: i64 = next.folded[..places].parse().unwrap_or(0);
            milli = milli.saturating_add(kept * 10_i64.pow(3 - places as u32));
            last += 1;
        }
        for _ in 0..2 {
            match words.get(last + 1) {
                Some(next) if apply_cue(&next.folded, &mut milli) => last += 1,
                _ => break,
            }
        }
        let before = index.checked_sub(1).map(|at| words[at].folded.clone());
        let upto_before = before
            .as_deref()
            .is_some_and(|word| has(word, |cue| cue == Cue::UptoBefore));
        let from_before = before
            .as_deref()
            .is_some_and(|word| has(word, |cue| cue == Cue::FromBefore));
        let som = milli / 1_000;
        // A bare number is a price only after "до"/"from" and when it is at least 1,000 so'm.
        if !money && !((upto_before || from_before) && som >= 1_000) {
            index += 1;
            continue;
        }
        let tiyin = som.saturating_mul(100);
        if (from_before || from) && !upto && !upto_before {
            intent.price_min_tiyin.get_or_insert(tiyin);
        } else {
            intent.price_max_tiyin.get_or_insert(tiyin);
        }
        let start = if upto_before || from_before {
            index - 1
        } else {
            index
        };
        for word in &mut words[start..=last] {
            word.used = true;
        }
        index = last + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(
        query: &str,
        text: &str,
        age: Option<(u16, u16)>,
        max: Option<i64>,
        who: Option<Recipient>,
    ) {
        let intent = understand(query);
        assert_eq!(intent.text, text, "text of {query:?}");
        assert_eq!(intent.age_months, age, "age of {query:?}");
        assert_eq!(intent.price_max_tiyin, max, "budget of {query:?}");
        assert_eq!(intent.recipient, who, "recipient of {query:?}");
    }

    #[test]
    fn understands_a_table_of_real_looking_queries() {
        use Recipient::{Boy, Girl};
        check(
            "5 yoshli qizga qo'g'irchoq",
            "qo'g'irchoq",
            Some((60, 71)),
            None,
            Some(Girl),
        );
        check(
            "5 ёшли қизга қўғирчоқ",
            "қўғирчоқ",
            Some((60, 71)),
            None,
            Some(Girl),
        );
        check(
            "конструктор для мальчика 7 лет",
            "конструктор",
            Some((84, 95)),
            None,
            Some(Boy),
        );
        check(
            "подарок девочке 5 лет до 200 тысяч",
            "подарок",
            Some((60, 71)),
            Some(20_000_000),
            Some(Girl),
        );
        check(
            "wooden puzzle toddler",
            "wooden puzzle",
            Some((12, 36)),
            None,
            None,
        );
        check(
            "gift for a 3 year old girl",
            "gift",
            Some((36, 47)),
            None,
            Some(Girl),
        );
        check(
            "lego for a 7-year-old boy under 200k",
            "lego",
            Some((84, 95)),
            Some(20_000_000),
            Some(Boy),
        );
        check(
            "200 ming so'mgacha o'yinchoq",
            "o'yinchoq",
            None,
            Some(20_000_000),
            None,
        );
        check(
            "7 yoshli o'g'il bolaga ingliz tilini o'rgatadigan o'yin",
            "ingliz tilini o'rgatadigan o'yin",
            Some((84, 95)),
            None,
            Some(Boy),
        );
        check("игрушки для малышей", "игрушки", Some((12, 36)), None, None);
        check("книги 3-5 лет", "книги", Some((36, 71)), None, None);
        check(
            "развивающие игрушки от 1 до 3 лет",
            "развивающие игрушки",
            Some((12, 47)),
            None,
            None,
        );
        check(
            "chaqaloq uchun shishacha",
            "shishacha",
            Some((0, 12)),
            None,
            None,
        );
        check("6 oylik bolaga", "", Some((6, 6)), None, None);
        check(
            "1,5 yoshli bolaga kitob",
            "kitob",
            Some((18, 18)),
            None,
            None,
        );
        check("игрушка 1.5 года", "игрушка", Some((18, 18)), None, None);
        check("3+ puzzle", "puzzle", Some((36, 216)), None, None);
        check(
            "рюкзак до 150 000 сум",
            "рюкзак",
            None,
            Some(15_000_000),
            None,
        );
        check(
            "velosiped 1,5 mln so'mgacha",
            "velosiped",
            None,
            Some(150_000_000),
            None,
        );
        check(
            "quiet toy for a long car trip",
            "quiet toy for a long car trip",
            None,
            None,
            None,
        );
        check(
            "конструктор лего 1000 деталей",
            "конструктор лего 1000 деталей",
            None,
            None,
            None,
        );
        check("lego 60399", "lego 60399", None, None, None);
        check("от 50 тысяч", "", None, None, None);
    }

    #[test]
    fn a_price_floor_is_a_minimum() {
        let intent = understand("konstruktor 100 mingdan");
        assert_eq!(intent.price_min_tiyin, Some(10_000_000));
        assert_eq!(intent.text, "konstruktor");
        let intent = understand("от 50 тысяч");
        assert_eq!(intent.price_min_tiyin, Some(5_000_000));
        assert_eq!(intent.price_max_tiyin, None);
    }

    #[test]
    fn never_panics_on_odd_input() {
        for query in [
            "",
            "   ",
            "99999999999999999999 let",
            "до",
            "5",
            "- - -",
            "0 oylik",
            "300 yosh",
        ] {
            let _ = understand(query);
        }
        assert_eq!(understand("300 yosh").age_months, None);
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_queries_never_panic(query in "\\PC{0,80}", digits in "[0-9 ,.+kKmMдоot]{0,40}") {
            for text in [query.as_str(), digits.as_str()] {
                let intent = understand(text);
                proptest::prop_assert!(intent.text.len() <= text.len());
                if let Some((low, high)) = intent.age_months {
                    proptest::prop_assert!(low <= high && high <= MAX_AGE_MONTHS);
                }
                proptest::prop_assert!(intent.price_max_tiyin.is_none_or(|price| price >= 0));
            }
        }
    }
}
