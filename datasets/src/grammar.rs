//! Grammar shared by titles and descriptions: language forms, capitals, Russian numeral
//! agreement and age phrases.

use crate::model::Localized;
use crate::uzbek_script::{
    VERBATIM_OPEN, latin_to_cyrillic, strip_markers, with_ascii_apostrophes,
};
use crate::vocab::Phrase;

/// A language form of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lang {
    Uz,
    UzCyrl,
    Ru,
    En,
}

/// Which language forms a listing has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Langs {
    pub(crate) uz: bool,
    pub(crate) uz_cyrl: bool,
    pub(crate) ru: bool,
    pub(crate) en: bool,
}

impl Langs {
    pub(crate) const ALL: Langs = Langs::of(true, true, true, true);

    pub(crate) const fn of(uz: bool, uz_cyrl: bool, ru: bool, en: bool) -> Langs {
        Langs {
            uz,
            uz_cyrl,
            ru,
            en,
        }
    }

    /// The form sellers fill in first, used for option values and image alt texts.
    pub(crate) fn primary(self) -> Lang {
        if self.uz {
            Lang::Uz
        } else if self.ru {
            Lang::Ru
        } else if self.uz_cyrl {
            Lang::UzCyrl
        } else {
            Lang::En
        }
    }
}

/// A text composed in Uzbek (Latin, possibly with verbatim markers), Russian and English.
#[derive(Debug, Clone, Default)]
pub(crate) struct Texts {
    pub(crate) uz: String,
    pub(crate) ru: String,
    pub(crate) en: String,
}

impl Texts {
    pub(crate) fn from_phrase(phrase: &Phrase) -> Texts {
        Texts {
            uz: phrase.uz.to_owned(),
            ru: phrase.ru.to_owned(),
            en: phrase.en.to_owned(),
        }
    }

    /// Joins sentences with a space, language by language.
    pub(crate) fn join(sentences: &[Texts]) -> Texts {
        let join =
            |pick: fn(&Texts) -> &str| sentences.iter().map(pick).collect::<Vec<_>>().join(" ");
        Texts {
            uz: join(|t| &t.uz),
            ru: join(|t| &t.ru),
            en: join(|t| &t.en),
        }
    }

    /// Renders the forms a listing has; `ascii_apostrophes` types Uzbek Latin the way
    /// sellers often do (`o'yinchoq`).
    pub(crate) fn localize(&self, langs: Langs, ascii_apostrophes: bool) -> Localized {
        Localized {
            uz: langs.uz.then(|| uz_latin(&self.uz, ascii_apostrophes)),
            uz_cyrl: langs.uz_cyrl.then(|| latin_to_cyrillic(&self.uz)),
            ru: langs.ru.then(|| self.ru.clone()),
            en: langs.en.then(|| self.en.clone()),
        }
    }

    /// Renders one form.
    pub(crate) fn render(&self, lang: Lang, ascii_apostrophes: bool) -> String {
        match lang {
            Lang::Uz => uz_latin(&self.uz, ascii_apostrophes),
            Lang::UzCyrl => latin_to_cyrillic(&self.uz),
            Lang::Ru => self.ru.clone(),
            Lang::En => self.en.clone(),
        }
    }
}

fn uz_latin(text: &str, ascii_apostrophes: bool) -> String {
    if ascii_apostrophes {
        with_ascii_apostrophes(text)
    } else {
        strip_markers(text)
    }
}

/// Returns the text with its first letter in upper case (a leading brand is left alone).
pub(crate) fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) if first != VERBATIM_OPEN => first.to_uppercase().chain(chars).collect(),
        _ => text.to_owned(),
    }
}

/// Picks the Russian form agreeing with a numeral: `[one, few, many]`.
pub(crate) fn ru_numeral_form(n: u32, forms: [&'static str; 3]) -> &'static str {
    let last_two = n % 100;
    let last = n % 10;
    if last == 1 && last_two != 11 {
        forms[0]
    } else if (2..=4).contains(&last) && !(12..=14).contains(&last_two) {
        forms[1]
    } else {
        forms[2]
    }
}

/// `года` or `лет` after `от N` (genitive): от 1 года, от 3 лет, от 21 года.
fn ru_years_after_from(n: u32) -> &'static str {
    ru_numeral_form(n, ["года", "лет", "лет"])
}

/// `год`, `года` or `лет` after a plain numeral: 1 год, 3–4 года, 5–6 лет.
pub(crate) fn ru_years(n: u32) -> &'static str {
    ru_numeral_form(n, ["год", "года", "лет"])
}

fn ru_months_after_from(n: u32) -> &'static str {
    ru_numeral_form(n, ["месяца", "месяцев", "месяцев"])
}

/// Whom a product suits, as a phrase in each language.
#[derive(Debug, Clone)]
pub(crate) struct Audience {
    /// `3 yoshdan katta bolalar uchun`.
    pub(crate) uz: String,
    /// `для детей от 3 лет`.
    pub(crate) ru_for: String,
    /// `детям от 3 лет`.
    pub(crate) ru_to: String,
    /// `for children aged 3+`.
    pub(crate) en: String,
}

/// Describes an age range in months as an audience.
pub(crate) fn audience(age_min: u16, age_max: u16) -> Audience {
    let (min, max) = (u32::from(age_min), u32::from(age_max));
    if min == 0 {
        return Audience {
            uz: "yangi tug‘ilgan chaqaloqlar uchun".to_owned(),
            ru_for: "для малышей с рождения".to_owned(),
            ru_to: "малышам с рождения".to_owned(),
            en: "for babies from birth".to_owned(),
        };
    }
    if min < 12 || (min < 36 && min % 12 != 0) {
        let months = ru_months_after_from(min);
        let (uz_who, ru_who, ru_whom, en_who) = if min < 12 {
            ("chaqaloqlar", "малышей", "малышам", "babies")
        } else {
            ("bolalar", "детей", "детям", "toddlers")
        };
        return Audience {
            uz: format!("{min} oylikdan katta {uz_who} uchun"),
            ru_for: format!("для {ru_who} от {min} {months}"),
            ru_to: format!("{ru_whom} от {min} {months}"),
            en: format!("for {en_who} from {min} months"),
        };
    }
    let from = min / 12;
    if from >= 12 {
        return Audience {
            uz: format!("{from} yoshdan katta o‘smirlar uchun"),
            ru_for: format!("для подростков от {from} {}", ru_years_after_from(from)),
            ru_to: format!("подросткам от {from} {}", ru_years_after_from(from)),
            en: format!("for teens aged {from}+"),
        };
    }
    let is_band = max - min <= 48 && max <= 168 && max % 12 == 0 && min % 12 == 0;
    if is_band {
        let to = max / 12;
        let years = ru_years_after_from(to);
        return Audience {
            uz: format!("{from}–{to} yoshli bolalar uchun"),
            ru_for: format!("для детей {from}–{to} {years}"),
            ru_to: format!("детям {from}–{to} {years}"),
            en: format!("for children aged {from}–{to}"),
        };
    }
    Audience {
        uz: format!("{from} yoshdan katta bolalar uchun"),
        ru_for: format!("для детей от {from} {}", ru_years_after_from(from)),
        ru_to: format!("детям от {from} {}", ru_years_after_from(from)),
        en: format!("for children aged {from}+"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_russian_numerals() {
        let pieces = ["деталь", "детали", "деталей"];
        assert_eq!(ru_numeral_form(1, pieces), "деталь");
        assert_eq!(ru_numeral_form(24, pieces), "детали");
        assert_eq!(ru_numeral_form(12, pieces), "деталей");
        assert_eq!(ru_numeral_form(500, pieces), "деталей");
        assert_eq!(ru_numeral_form(21, pieces), "деталь");
        assert_eq!(ru_numeral_form(104, pieces), "детали");
    }

    #[test]
    fn phrases_ages() {
        assert_eq!(audience(36, 144).ru_for, "для детей от 3 лет");
        assert_eq!(audience(12, 48).ru_for, "для детей 1–4 лет");
        assert_eq!(audience(12, 216).ru_for, "для детей от 1 года");
        assert_eq!(audience(72, 108).uz, "6–9 yoshli bolalar uchun");
        assert_eq!(audience(6, 36).ru_to, "малышам от 6 месяцев");
        assert_eq!(audience(18, 60).en, "for toddlers from 18 months");
        assert_eq!(audience(0, 24).uz, "yangi tug‘ilgan chaqaloqlar uchun");
        assert_eq!(audience(144, 216).ru_for, "для подростков от 12 лет");
    }

    #[test]
    fn capitalizes_the_first_letter_only() {
        assert_eq!(capitalize("yog‘och pazl"), "Yog‘och pazl");
        assert_eq!(capitalize("ёғоч"), "Ёғоч");
        assert_eq!(capitalize("3D pazl"), "3D pazl");
    }
}
