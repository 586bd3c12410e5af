//! How far the text-toxicity model is trusted in each language form.
//!
//! The toxicity head (`models::toxicity`) learned from Russian and English data only; no
//! labelled Uzbek toxicity data exists. Its two thresholds (balanced, high-precision) were
//! chosen on Russian and English, and on plain Uzbek product titles it raises false alarms.
//! So the model's probability is mapped onto the screening scale per language form
//! ([`TextForm`]):
//!
//! - Russian and English: the review probability is the head's balanced threshold, raised to
//!   the calibrated level of clean shop text in that form when that is higher; the reject
//!   probability likewise from the head's high-precision threshold.
//! - Uzbek (Latin and Cyrillic): the review probability is the calibrated level only, and the
//!   model alone never rejects: its score stays below the reject threshold whatever the
//!   probability, so an automatic rejection needs the lexicon (profanity, sexual, violence
//!   terms with normalisation) to find the text unsafe itself.
//!
//! The calibrated levels are committed in `moderation/data/toxicity_calibration.json`, made by
//! `cargo run --release -p benches --bin moderation -- --calibrate` from clean text that is
//! never evaluated on: the ordinary listings of a catalogue generated with a calibration seed
//! (not the evaluation's) and the training side of the Uzbek app-review set. Each form's level
//! is a high quantile of the head's probabilities on that text. The file names the head it was
//! made for; with any other head [`ToxicityCalibration::for_head`] falls back to
//! [`ToxicityCalibration::uncalibrated`] (the head's own thresholds, and for Uzbek the
//! high-precision threshold to hold, never to reject).

use std::sync::LazyLock;

use models::toxicity::Thresholds;
use serde::{Deserialize, Serialize};

use crate::config::{ScreeningConfig, piecewise};

/// The language form of a text scored by the toxicity model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum TextForm {
    /// Uzbek in Latin script.
    #[serde(rename = "uz")]
    UzLatn,
    /// Uzbek in Cyrillic script.
    #[serde(rename = "uz-Cyrl")]
    UzCyrl,
    /// Russian.
    #[serde(rename = "ru")]
    Ru,
    /// English.
    #[serde(rename = "en")]
    En,
}

impl TextForm {
    /// Every form, in the order reports list them.
    pub const ALL: [TextForm; 4] = [Self::UzLatn, Self::UzCyrl, Self::Ru, Self::En];

    /// Returns the form's code (`uz`, `uz-Cyrl`, `ru`, `en`).
    pub fn code(self) -> &'static str {
        match self {
            Self::UzLatn => "uz",
            Self::UzCyrl => "uz-Cyrl",
            Self::Ru => "ru",
            Self::En => "en",
        }
    }

    /// Parses a code produced by [`TextForm::code`] (also `uz-Latn`).
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "uz" | "uz-Latn" => Some(Self::UzLatn),
            "uz-Cyrl" => Some(Self::UzCyrl),
            "ru" => Some(Self::Ru),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    /// Returns whether the head was trained on this form.
    pub fn is_trained(self) -> bool {
        matches!(self, Self::Ru | Self::En)
    }

    fn index(self) -> usize {
        match self {
            Self::UzLatn => 0,
            Self::UzCyrl => 1,
            Self::Ru => 2,
            Self::En => 3,
        }
    }

    /// Guesses the form of a text whose language is not declared (a review): Cyrillic with
    /// `ў қ ғ ҳ` or common Uzbek words is Uzbek Cyrillic, other Cyrillic Russian; Latin with
    /// Uzbek letters (`o‘`, `g‘`), words or suffixes is Uzbek, with common English words
    /// English. A tie reads as Uzbek, whose calibration is the stricter one.
    pub fn detect(text: &str) -> Self {
        let (mut latin, mut cyrillic, mut uzbek_letters) = (0usize, 0usize, 0usize);
        for c in text.chars() {
            if c.is_ascii_alphabetic() {
                latin += 1;
            } else if ('\u{0400}'..='\u{04FF}').contains(&c) {
                cyrillic += 1;
                if matches!(c, 'ў' | 'Ў' | 'қ' | 'Қ' | 'ғ' | 'Ғ' | 'ҳ' | 'Ҳ') {
                    uzbek_letters += 1;
                }
            }
        }
        let lower = text.to_lowercase();
        let words: Vec<&str> = lower
            .split(|c: char| !(c.is_alphanumeric() || is_apostrophe(c)))
            .filter(|w| !w.is_empty())
            .collect();
        if cyrillic > latin {
            let uzbek_words = words
                .iter()
                .filter(|w| UZ_CYRL_WORDS.contains(&w.trim_matches(is_apostrophe)))
                .count();
            let russian_words = words
                .iter()
                .filter(|w| RU_WORDS.contains(&w.trim_matches(is_apostrophe)))
                .count();
            return if uzbek_letters > 0 || uzbek_words > russian_words {
                Self::UzCyrl
            } else {
                Self::Ru
            };
        }
        let mut uzbek = 0usize;
        let mut english = 0usize;
        for word in &words {
            let plain: String = word.chars().filter(|c| !is_apostrophe(*c)).collect();
            if word.contains("o'")
                || word.contains("g'")
                || word
                    .chars()
                    .any(|c| matches!(c, 'ʻ' | '‘' | 'ʼ' | '’' | '`'))
                || UZ_LATN_WORDS.contains(&plain.as_str())
                || UZ_LATN_SUFFIXES
                    .iter()
                    .any(|suffix| plain.len() > suffix.len() + 2 && plain.ends_with(suffix))
            {
                uzbek += 1;
            }
            if EN_WORDS.contains(&plain.as_str()) {
                english += 1;
            }
        }
        if english > uzbek {
            Self::En
        } else {
            Self::UzLatn
        }
    }
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | 'ʻ' | '‘' | 'ʼ' | '’' | '`')
}

const UZ_LATN_WORDS: &[&str] = &[
    "va", "uchun", "juda", "yaxshi", "emas", "bu", "bilan", "ham", "men", "siz", "bor", "yoq",
    "kerak", "zor", "rahmat", "ekan", "edi", "lekin", "nima", "qanday", "endi", "keldi", "dona",
    "sifati", "narxi", "mahsulot", "bola", "bolalar", "uchun", "yoshdan", "yosh", "chiroyli",
];
const UZ_LATN_SUFFIXES: &[&str] = &[
    "lar", "larni", "larga", "ning", "dagi", "ga", "dan", "ni", "da", "miz", "ingiz", "moqda",
    "yapti", "gan", "chi", "li", "siz",
];
const EN_WORDS: &[&str] = &[
    "the", "and", "is", "a", "an", "for", "with", "this", "it", "to", "of", "very", "good", "not",
    "you", "are", "was", "my", "i", "in", "on", "that", "be", "have", "set", "kids", "toy",
];
const UZ_CYRL_WORDS: &[&str] = &[
    "ва",
    "учун",
    "жуда",
    "яхши",
    "эмас",
    "бу",
    "билан",
    "ҳам",
    "бор",
    "керак",
    "раҳмат",
    "экан",
    "эди",
    "лекин",
    "дона",
    "ёшдан",
    "ёш",
    "болалар",
    "чиройли",
];
const RU_WORDS: &[&str] = &[
    "и",
    "в",
    "на",
    "не",
    "с",
    "для",
    "что",
    "это",
    "очень",
    "как",
    "от",
    "по",
    "из",
    "до",
    "лет",
    "шт",
    "набор",
];

/// The toxicity probabilities from which the model alone holds or rejects a text of one form.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FormCalibration {
    /// From this probability the text is held for a moderator (mapped onto the review
    /// threshold).
    pub review_probability: f32,
    /// From this probability the text is rejected without a person (mapped onto the reject
    /// threshold); `None` when the model alone never rejects in this form.
    pub reject_probability: Option<f32>,
}

/// The per-form mapping of toxicity probabilities onto the screening scale (see the module
/// docs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ToxicityCalibration {
    forms: [FormCalibration; 4],
    calibrated: bool,
}

/// The committed calibration file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CalibrationFile {
    /// `bolajon-toxicity-calibration/1`.
    pub format: String,
    /// The tag of the head it was made for (`name@version/embedding`).
    pub head: String,
    /// That head's own thresholds, to tell a retrained head with the same tag apart.
    pub head_thresholds: Thresholds,
    /// The command that made it.
    pub command: String,
    /// The clean texts it was made from.
    pub sources: Vec<String>,
    /// The quantile of clean-text probabilities taken as each form's level.
    pub quantile: f32,
    /// Per form: the calibrated probabilities and what they came from.
    pub forms: Vec<FormRecord>,
}

/// One form's entry in the [`CalibrationFile`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FormRecord {
    /// The form.
    pub form: TextForm,
    /// The calibrated probabilities.
    pub calibration: FormCalibration,
    /// Clean texts of this form scored.
    pub texts: usize,
    /// The quantile's probability on them.
    pub clean_quantile_probability: f32,
    /// The highest probability among them.
    pub clean_max_probability: f32,
}

/// The format string of [`CalibrationFile`].
pub const CALIBRATION_FORMAT: &str = "bolajon-toxicity-calibration/1";

const BUNDLED_CALIBRATION: &str = include_str!("../data/toxicity_calibration.json");

static BUNDLED: LazyLock<Option<CalibrationFile>> =
    LazyLock::new(|| serde_json::from_str(BUNDLED_CALIBRATION).ok());

/// A toxicity score at or above the review probability of a form whose model never rejects
/// alone stays this far below the reject threshold.
const BELOW_REJECT: f32 = 0.001;

impl ToxicityCalibration {
    /// Returns the committed calibration file, if it parses.
    pub fn bundled_file() -> Option<&'static CalibrationFile> {
        BUNDLED.as_ref()
    }

    /// Returns the calibration for a head with tag `head` and thresholds `thresholds`: the
    /// committed one when it was made for this head, else [`ToxicityCalibration::uncalibrated`].
    pub fn for_head(head: &str, thresholds: Thresholds) -> Self {
        match Self::bundled_file() {
            Some(file) if file.is_for(head, thresholds) => Self::from_file(file, thresholds),
            _ => Self::uncalibrated(thresholds),
        }
    }

    /// Returns the mapping without a calibration: Russian and English on the head's own
    /// thresholds; Uzbek held from the head's high-precision threshold and never rejected by
    /// the model alone.
    pub fn uncalibrated(thresholds: Thresholds) -> Self {
        let trained = FormCalibration {
            review_probability: thresholds.balanced,
            reject_probability: Some(thresholds.high_precision),
        };
        let untrained = FormCalibration {
            review_probability: thresholds.high_precision,
            reject_probability: None,
        };
        let mut forms = [trained; 4];
        for form in TextForm::ALL {
            if !form.is_trained() {
                forms[form.index()] = untrained;
            }
        }
        Self {
            forms,
            calibrated: false,
        }
    }

    /// Returns the mapping of a calibration file, never below the head's own thresholds.
    pub fn from_file(file: &CalibrationFile, thresholds: Thresholds) -> Self {
        let mut calibration = Self::uncalibrated(thresholds);
        for record in &file.forms {
            let slot = &mut calibration.forms[record.form.index()];
            let review = record
                .calibration
                .review_probability
                .max(if record.form.is_trained() {
                    thresholds.balanced
                } else {
                    0.0
                });
            slot.review_probability = review.clamp(0.0, 1.0);
            slot.reject_probability = match (
                record.form.is_trained(),
                record.calibration.reject_probability,
            ) {
                (true, Some(reject)) => {
                    Some(reject.max(thresholds.high_precision).max(review).min(1.0))
                }
                (true, None) => Some(thresholds.high_precision.max(review)),
                (false, _) => None,
            };
        }
        calibration.calibrated = true;
        calibration
    }

    /// Returns the mapping with the review and reject probabilities of every form replaced by
    /// configured ones (`BOLAJON_TOXICITY_*_PROBABILITY`); forms whose model never rejects
    /// alone still do not.
    pub fn with_override(mut self, review: f32, reject: f32) -> Self {
        for form in TextForm::ALL {
            let slot = &mut self.forms[form.index()];
            slot.review_probability = review;
            if slot.reject_probability.is_some() {
                slot.reject_probability = Some(reject);
            }
        }
        self
    }

    /// Returns whether the mapping comes from a calibration file made for the head.
    pub fn is_calibrated(&self) -> bool {
        self.calibrated
    }

    /// Returns the probabilities of `form`.
    pub fn form(&self, form: TextForm) -> FormCalibration {
        self.forms[form.index()]
    }

    /// Maps a toxicity probability of a text in `form` onto the screening scale of `config`:
    /// the form's review probability lands on the review threshold, its reject probability on
    /// the reject threshold, linearly in between and on either side; without a reject
    /// probability the score rises from the review threshold towards, never to, the reject
    /// threshold.
    pub fn score(&self, config: &ScreeningConfig, form: TextForm, probability: f32) -> f32 {
        let config = config.sanitized();
        let (review, reject) = (config.review_threshold, config.reject_threshold);
        let slot = self.form(form);
        let p = if probability.is_nan() {
            return f32::NAN;
        } else {
            probability.clamp(0.0, 1.0)
        };
        let low = slot.review_probability.clamp(f32::EPSILON, 1.0);
        match slot.reject_probability {
            Some(high) => piecewise(p, (low, high.clamp(low, 1.0)), (review, reject)),
            None => {
                let ceiling = (reject - BELOW_REJECT).max(review);
                if p < low {
                    p / low * review
                } else if low < 1.0 {
                    review + (p - low) / (1.0 - low) * (ceiling - review)
                } else {
                    review
                }
            }
        }
    }
}

impl CalibrationFile {
    /// Returns whether the file was made for the head with this tag and these thresholds.
    pub fn is_for(&self, head: &str, thresholds: Thresholds) -> bool {
        self.format == CALIBRATION_FORMAT
            && self.head == head
            && (self.head_thresholds.balanced - thresholds.balanced).abs() < 1e-6
            && (self.head_thresholds.high_precision - thresholds.high_precision).abs() < 1e-6
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: Thresholds = Thresholds {
        balanced: 0.5,
        high_precision: 0.8,
    };

    #[test]
    fn forms_are_detected() {
        assert_eq!(
            TextForm::detect("Juda yaxshi qo‘g‘irchoq, rahmat"),
            TextForm::UzLatn
        );
        assert_eq!(TextForm::detect("Kurtka"), TextForm::UzLatn);
        assert_eq!(TextForm::detect("Жуда яхши қўғирчоқ"), TextForm::UzCyrl);
        assert_eq!(
            TextForm::detect("Очень хорошая кукла для дочки"),
            TextForm::Ru
        );
        assert_eq!(
            TextForm::detect("A very good doll for my daughter"),
            TextForm::En
        );
    }

    #[test]
    fn uncalibrated_uzbek_never_rejects_alone() {
        let calibration = ToxicityCalibration::uncalibrated(HEAD);
        let config = ScreeningConfig::default();
        for form in [TextForm::UzLatn, TextForm::UzCyrl] {
            assert!(calibration.score(&config, form, 1.0) < config.reject_threshold);
            assert!(calibration.score(&config, form, 0.79) < config.review_threshold);
            assert!(calibration.score(&config, form, 0.8) >= config.review_threshold);
        }
        for form in [TextForm::Ru, TextForm::En] {
            assert!((calibration.score(&config, form, 0.5) - 0.4).abs() < 1e-6);
            assert!((calibration.score(&config, form, 0.8) - 0.8).abs() < 1e-6);
            assert!(calibration.score(&config, form, 1.0) >= config.reject_threshold);
        }
        assert!(calibration.score(&config, TextForm::Ru, f32::NAN).is_nan());
    }

    #[test]
    fn a_file_never_lowers_the_heads_thresholds_and_needs_its_head() {
        let file = CalibrationFile {
            format: CALIBRATION_FORMAT.to_owned(),
            head: "h@1/e".to_owned(),
            head_thresholds: HEAD,
            command: String::new(),
            sources: Vec::new(),
            quantile: 0.998,
            forms: vec![
                FormRecord {
                    form: TextForm::Ru,
                    calibration: FormCalibration {
                        review_probability: 0.3,
                        reject_probability: Some(0.6),
                    },
                    texts: 10,
                    clean_quantile_probability: 0.3,
                    clean_max_probability: 0.4,
                },
                FormRecord {
                    form: TextForm::UzLatn,
                    calibration: FormCalibration {
                        review_probability: 0.95,
                        reject_probability: Some(0.99),
                    },
                    texts: 10,
                    clean_quantile_probability: 0.95,
                    clean_max_probability: 0.97,
                },
            ],
        };
        assert!(file.is_for("h@1/e", HEAD));
        assert!(!file.is_for("h@2/e", HEAD));
        let calibration = ToxicityCalibration::from_file(&file, HEAD);
        assert!(calibration.is_calibrated());
        assert_eq!(calibration.form(TextForm::Ru).review_probability, 0.5);
        assert_eq!(calibration.form(TextForm::Ru).reject_probability, Some(0.8));
        assert_eq!(calibration.form(TextForm::UzLatn).review_probability, 0.95);
        assert_eq!(calibration.form(TextForm::UzLatn).reject_probability, None);
        let overridden = calibration.with_override(0.6, 0.9);
        assert_eq!(overridden.form(TextForm::UzLatn).reject_probability, None);
        assert_eq!(overridden.form(TextForm::En).reject_probability, Some(0.9));
    }
}
