//! Hashed character n-gram features of a text, read by the head beside the E5 embedding.
//!
//! The embedding knows what a text means; it is weak on what an insult *looks like* once it is
//! spelled to dodge a filter (`х у й л о`, `хуууй`, `xyйлo`, `nahuy`, `сyкa`), where the
//! SentencePiece pieces fall apart. Character n-grams of a folded form of the text catch those
//! spellings, as the classic TF-IDF char-n-gram baselines of the Russian toxicity tasks do.
//!
//! Scheme [`SCHEME`] (any change to it is a new scheme name, and a head trained on one scheme
//! refuses texts featurised by another):
//!
//! - **words view**: the text lowercased (NFKC, `ё` → `е`), every character that is not a
//!   letter or a digit made a space; each word, padded with one space on each side, gives its
//!   character 2- to 5-grams (scikit-learn's `char_wb`); words are cut at 40 characters.
//! - **skeleton view**: the text folded to one Latin spelling (Cyrillic transliterated, Uzbek
//!   and Russian letters alike; `h` → `x`, `q` → `k`, `w` → `v`, `c` → `k`, `y` → `i`; the
//!   digits and symbols that stand for letters: `0` → `o`, `1` → `i`, `3` → `e`, `4` → `ch`,
//!   `6` → `b`, `@` → `a`, `$` → `s`), everything else dropped (spaces included), and runs of one
//!   letter collapsed; the whole string, padded with a space on each side, gives its 3- to
//!   5-grams (at most the first 2,000 skeleton letters).
//! - Each n-gram is hashed with 32-bit FNV-1a over a view tag byte (`w` or `s`) and its UTF-8
//!   bytes, into `buckets` buckets (hash modulo `buckets`). A bucket's value is `1 + ln(count)`;
//!   each view is L2-normalised to length `1/√2` (a view with no n-gram stays zero), so the
//!   whole vector has length at most 1.

use unicode_normalization::UnicodeNormalization;

/// The name of the feature scheme this module computes.
pub const SCHEME: &str = "char-ngrams-fnv1a/v1";
/// The buckets of new heads.
pub const DEFAULT_BUCKETS: usize = 4096;

const WORD_MIN: usize = 2;
const WORD_MAX: usize = 5;
const SKELETON_MIN: usize = 3;
const SKELETON_MAX: usize = 5;
const MAX_WORD_CHARS: usize = 40;
const MAX_SKELETON_CHARS: usize = 2000;

/// Sparse features: `(bucket, value)` pairs, buckets ascending and distinct.
pub type SparseFeatures = Vec<(u32, f32)>;

/// Returns the hashed n-gram features of `text` in `buckets` buckets (see the module docs).
///
/// `buckets` must be positive (debug-asserted); zero gives no features.
pub fn text_features(text: &str, buckets: usize) -> SparseFeatures {
    debug_assert!(buckets > 0);
    if buckets == 0 {
        return Vec::new();
    }
    let lowered: String = text
        .nfkc()
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ё' { 'е' } else { c })
        .collect();
    let mut words = Counts::default();
    for word in lowered.split(|c: char| !c.is_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        let mut padded = vec![' '];
        padded.extend(word.chars().take(MAX_WORD_CHARS));
        padded.push(' ');
        add_ngrams(&mut words, b'w', &padded, WORD_MIN, WORD_MAX, buckets);
    }
    let mut skeleton = vec![' '];
    for c in lowered.chars() {
        for folded in fold_letter(c).chars() {
            if skeleton.last() != Some(&folded) {
                skeleton.push(folded);
            }
        }
        if skeleton.len() > MAX_SKELETON_CHARS {
            break;
        }
    }
    skeleton.push(' ');
    let mut letters = Counts::default();
    add_ngrams(
        &mut letters,
        b's',
        &skeleton,
        SKELETON_MIN,
        SKELETON_MAX,
        buckets,
    );
    merge(words.normalised(), letters.normalised())
}

/// Returns the dot product of sparse features with dense weights (buckets past the end count
/// zero).
pub fn dot(features: &[(u32, f32)], weights: &[f32]) -> f64 {
    features
        .iter()
        .map(|&(bucket, value)| {
            weights
                .get(bucket as usize)
                .map_or(0.0, |w| f64::from(*w) * f64::from(value))
        })
        .sum()
}

/// Bucket counts of one view.
#[derive(Default)]
struct Counts(std::collections::BTreeMap<u32, u32>);

impl Counts {
    /// Returns `1 + ln(count)` per bucket, scaled to length `1/√2`.
    fn normalised(self) -> SparseFeatures {
        let values: Vec<(u32, f32)> = self
            .0
            .into_iter()
            .map(|(bucket, count)| (bucket, 1.0 + (count as f32).ln()))
            .collect();
        let norm = values.iter().map(|(_, v)| v * v).sum::<f32>().sqrt();
        if norm == 0.0 {
            return Vec::new();
        }
        let scale = std::f32::consts::FRAC_1_SQRT_2 / norm;
        values.into_iter().map(|(b, v)| (b, v * scale)).collect()
    }
}

fn add_ngrams(
    counts: &mut Counts,
    tag: u8,
    chars: &[char],
    min: usize,
    max: usize,
    buckets: usize,
) {
    let mut buffer = [0u8; 4];
    for n in min..=max {
        for window in chars.windows(n) {
            let mut hash = fnv1a(FNV_OFFSET, &[tag]);
            for c in window {
                hash = fnv1a(hash, c.encode_utf8(&mut buffer).as_bytes());
            }
            *counts.0.entry(hash % buckets as u32).or_default() += 1;
        }
    }
}

/// Adds two sparse vectors with ascending buckets.
fn merge(a: SparseFeatures, b: SparseFeatures) -> SparseFeatures {
    let mut out: std::collections::BTreeMap<u32, f32> = a.into_iter().collect();
    for (bucket, value) in b {
        *out.entry(bucket).or_default() += value;
    }
    out.into_iter().collect()
}

const FNV_OFFSET: u32 = 0x811c_9dc5;
const FNV_PRIME: u32 = 0x0100_0193;

fn fnv1a(mut hash: u32, bytes: &[u8]) -> u32 {
    for &b in bytes {
        hash ^= u32::from(b);
        hash = hash.wrapping_mul(FNV_PRIME);
    }
    hash
}

/// Returns the skeleton spelling of one lowercase character: Latin letters, or nothing.
fn fold_letter(c: char) -> &'static str {
    match c {
        'a' | 'а' | '@' | 'á' | 'à' | 'ä' => "a",
        'b' | 'б' | '6' => "b",
        'c' | 'k' | 'q' | 'к' | 'қ' => "k",
        'd' | 'д' => "d",
        'e' | 'е' | 'э' | 'є' | '3' | 'é' | 'è' => "e",
        'f' | 'ф' => "f",
        'g' | 'г' | 'ғ' | 'ґ' => "g",
        'h' | 'x' | 'х' | 'ҳ' => "x",
        'i' | 'y' | 'и' | 'й' | 'ы' | 'і' | 'ї' | '1' => "i",
        'j' | 'ж' => "j",
        'l' | 'л' => "l",
        'm' | 'м' => "m",
        'n' | 'н' => "n",
        'o' | 'о' | 'ў' | '0' | 'ö' | 'ó' => "o",
        'p' | 'п' => "p",
        'r' | 'р' => "r",
        's' | 'с' | '$' => "s",
        't' | 'т' => "t",
        'u' | 'у' | 'ü' | 'ú' => "u",
        'v' | 'w' | 'в' => "v",
        'z' | 'з' => "z",
        'ц' => "ts",
        'ч' | '4' => "ch",
        'ш' | 'щ' => "sh",
        'ю' => "iu",
        'я' => "ia",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(features: &[(u32, f32)]) -> f32 {
        features.iter().map(|(_, v)| v * v).sum::<f32>().sqrt()
    }

    fn cosine(a: &str, b: &str) -> f64 {
        let (fa, fb) = (text_features(a, 4096), text_features(b, 4096));
        let dense: Vec<f32> = (0..4096u32)
            .map(|i| fb.iter().find(|(b, _)| *b == i).map_or(0.0, |(_, v)| *v))
            .collect();
        dot(&fa, &dense) / f64::from(norm(&fa) * norm(&fb))
    }

    #[test]
    fn features_are_sorted_bounded_and_unit_length() {
        let features = text_features("Ты тупой урод!!! Go away, idiot", 4096);
        assert!(features.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(features.iter().all(|&(b, v)| b < 4096 && v > 0.0));
        assert!((norm(&features) - 1.0).abs() < 0.05, "{}", norm(&features));
        assert!(text_features("", 4096).is_empty());
        assert!(text_features("!!! ???", 4096).is_empty());
        // Stable across runs and machines: a fixed hash, not the std hasher.
        assert_eq!(fnv1a(FNV_OFFSET, b"a"), 0xe40c_292c);
    }

    #[test]
    fn disguised_spellings_share_the_skeleton() {
        // Spaced-out, stretched, shouted and transliterated forms land close. (Latin
        // look-alikes inside a Cyrillic word are undone before, by `clean_text`.)
        let plain = "хуйло";
        for disguised in ["х у й л о", "хуууйло", "ХУЙЛО", "huylo", "х.у.й.л.о"]
        {
            let c = cosine(plain, disguised);
            assert!(c > 0.45, "{disguised}: {c}");
        }
        assert!(cosine(plain, "коляска") < 0.2);
        // Uzbek in both scripts.
        assert!(cosine("ахмоқ", "ahmoq") > 0.45);
    }
}
