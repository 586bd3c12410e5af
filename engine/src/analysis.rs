//! Multilingual text analysis: Uzbek (Latin and Cyrillic), Russian and English.
//!
//! Every word goes through one folding step that makes the scripts and spellings of one word
//! identical: lowercase, Uzbek Cyrillic (and Russian) transliterated to Uzbek Latin by the
//! official letter rules, every apostrophe variant of `oʻ`, `gʻ` and the tutuq belgisi removed,
//! and diacritics stripped (`é` → `e`). So `qo'g'irchoq`, `qoʻgʻirchoq`, `qo‘g‘irchoq`,
//! `qo`g`irchoq` and `қўғирчоқ` all fold to `qogirchoq`.
//!
//! On top of the folded form, a word has two *stems*: the Snowball stem (Russian for Cyrillic
//! words, stemmed in Cyrillic then transliterated; English for Latin words) and the Uzbek stem (a
//! light suffix stripping: `-lar`, `-ning`, `-dan`…). Uzbek texts are indexed with the Uzbek
//! stem, Russian and English texts with the Snowball one; a query tries both.
//!
//! The index's tokenizers are built on these functions (see [`BolajonTokenizer`] and
//! [`TokenKind`]); each token keeps the byte offsets of the original word, which highlighting
//! relies on. Queries and highlighting call the same functions directly.

use std::ops::Range;
use tantivy::tokenizer::{
    Language, RawTokenizer, Stemmer, Token, TokenFilter, TokenStream, Tokenizer,
};
use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// Shortest word prefix indexed for as-you-type matching, in characters.
pub(crate) const MIN_PREFIX_CHARS: usize = 2;
/// Longest word prefix indexed for as-you-type matching, in characters. A longer typed word is
/// looked up by its first `MAX_PREFIX_CHARS` characters.
pub(crate) const MAX_PREFIX_CHARS: usize = 15;
/// Folded words longer than this (in bytes) are not indexed: they are noise (hashes, URLs, runs
/// of letters) and would bloat the term dictionary.
const MAX_FOLDED_WORD_BYTES: usize = 64;
/// Words whose original spelling is longer than this (in bytes) are skipped before folding.
const MAX_RAW_WORD_BYTES: usize = 4 * MAX_FOLDED_WORD_BYTES;
/// Shortest stem the Uzbek suffix stripper leaves, in letters (`qizlar` → `qiz`).
const MIN_UZBEK_STEM_CHARS: usize = 3;
/// Shortest stem left by the suffixes that also end many foreign words (`-da`, `-li`, `-cha`).
const MIN_UZBEK_LONG_STEM_CHARS: usize = 4;

/// Folds a text for matching: lowercase, Uzbek Cyrillic to Latin, apostrophes removed,
/// diacritics stripped, punctuation dropped; the folded words are joined by single spaces.
///
/// ```
/// assert_eq!(engine::fold_text("Qoʻgʻirchoq, БАРБИ!"), "qogirchoq barbi");
/// assert_eq!(engine::fold_text("қўғирчоқ"), engine::fold_text("qo‘g‘irchoq"));
/// ```
pub fn fold_text(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    let mut word = String::new();
    for range in split_words(text) {
        fold_word_into(&text[range], &mut word);
        if word.is_empty() {
            continue;
        }
        if !folded.is_empty() {
            folded.push(' ');
        }
        folded.push_str(&word);
    }
    folded
}

/// Folds one word the way the index stores it; characters that separate words are dropped.
///
/// ```
/// assert_eq!(engine::fold_token("Ёлка"), "yolka");
/// assert_eq!(engine::fold_token("o`yinchoq"), "oyinchoq");
/// ```
pub fn fold_token(token: &str) -> String {
    let mut folded = String::with_capacity(token.len());
    let mut word = String::new();
    for range in split_words(token) {
        fold_word_into(&token[range], &mut word);
        folded.push_str(&word);
    }
    folded
}

/// Returns whether `c` is one of the characters Uzbek writers use as an apostrophe (in `oʻ`,
/// `gʻ` and the tutuq belgisi): `'` `ʻ` `ʼ` `‘` `’` `` ` `` `´` and a few lookalikes.
fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '`'
            | '\u{00B4}' // acute accent
            | '\u{02B9}' // modifier letter prime
            | '\u{02BB}' // modifier letter turned comma (oʻ)
            | '\u{02BC}' // modifier letter apostrophe
            | '\u{02BD}' // modifier letter reversed comma
            | '\u{2018}' // left single quotation mark
            | '\u{2019}' // right single quotation mark
            | '\u{201B}' // single high-reversed-9 quotation mark
            | '\u{2032}' // prime
    )
}

/// Returns whether `c` belongs to a word (apostrophes are handled separately).
fn is_word_char(c: char) -> bool {
    !is_apostrophe(c) && (c.is_alphanumeric() || is_combining_mark(c))
}

/// Splits `text` into words, as byte ranges of the original text.
///
/// A word is a run of letters, digits and combining marks; an apostrophe belongs to a word
/// when it sits between two word characters (`qo'g'irchoq`, `ta'lim`), so quotes around a
/// word are not part of it.
pub(crate) fn split_words(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let start = loop {
            let (index, c) = chars.next()?;
            if is_word_char(c) {
                break index;
            }
        };
        let mut end = text.len();
        while let Some(&(index, c)) = chars.peek() {
            if is_word_char(c) {
                chars.next();
                continue;
            }
            if is_apostrophe(c) {
                let next_is_word = text[index + c.len_utf8()..]
                    .chars()
                    .next()
                    .is_some_and(is_word_char);
                if next_is_word {
                    chars.next();
                    continue;
                }
            }
            end = index;
            break;
        }
        Some(start..end)
    })
}

/// Returns whether `c` is a Cyrillic letter.
fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{04FF}' | '\u{0500}'..='\u{052F}')
}

/// Which script lookalike letters of a mixed-script word are mapped to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum HomoglyphTarget {
    Keep,
    Cyrillic,
    Latin,
}

/// Decides how to repair a word mixing Latin and Cyrillic letters (`Cпорт` typed with a Latin
/// `C`, or a spam-style `Lеgo` with a Cyrillic `е`): lookalikes go to the majority script.
fn choose_homoglyph_target(word: &str) -> HomoglyphTarget {
    let (mut latin, mut cyrillic) = (0usize, 0usize);
    for c in word.chars() {
        if c.is_ascii_alphabetic() {
            latin += 1;
        } else if is_cyrillic(c) {
            cyrillic += 1;
        }
    }
    match (latin, cyrillic) {
        (0, _) | (_, 0) => HomoglyphTarget::Keep,
        (latin, cyrillic) if cyrillic >= latin => HomoglyphTarget::Cyrillic,
        _ => HomoglyphTarget::Latin,
    }
}

/// Maps a lowercase lookalike letter to the target script.
fn map_homoglyph(c: char, target: HomoglyphTarget) -> char {
    match target {
        HomoglyphTarget::Keep => c,
        HomoglyphTarget::Cyrillic => match c {
            'a' => 'а',
            'c' => 'с',
            'e' => 'е',
            'o' => 'о',
            'p' => 'р',
            'x' => 'х',
            'y' => 'у',
            'k' => 'к',
            'm' => 'м',
            't' => 'т',
            'b' => 'в',
            'h' => 'н',
            other => other,
        },
        HomoglyphTarget::Latin => match c {
            'а' => 'a',
            'с' => 'c',
            'е' => 'e',
            'о' => 'o',
            'р' => 'p',
            'х' => 'x',
            'у' => 'y',
            'к' => 'k',
            'м' => 'm',
            'т' => 't',
            'в' => 'b',
            'н' => 'h',
            other => other,
        },
    }
}

/// Returns whether a (lowercase) Cyrillic letter makes a following `е` read `ye`.
fn is_cyrillic_vowel_or_sign(c: char) -> bool {
    matches!(
        c,
        'а' | 'е'
            | 'ё'
            | 'и'
            | 'о'
            | 'у'
            | 'ў'
            | 'э'
            | 'ю'
            | 'я'
            | 'ы'
            | 'ъ'
            | 'ь'
            | 'і'
            | 'ї'
            | 'є'
    )
}

/// Folds one already-lowercased character, appending its folded form to `out`.
/// `previous` is the previous lowercased character of the word (`None` at the word start).
fn fold_char_into(c: char, previous: Option<char>, out: &mut String) {
    if c.is_ascii() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        }
        return;
    }
    let mapped: &str = match c {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'д' => "d",
        'е' => {
            if previous.is_none_or(is_cyrillic_vowel_or_sign) {
                "ye"
            } else {
                "e"
            }
        }
        'ё' => "yo",
        'ж' => "j",
        'з' => "z",
        'и' => "i",
        'й' => "y",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ф' => "f",
        'х' => "x",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "sh",
        'ъ' | 'ь' => "",
        'ы' => "i",
        'э' => "e",
        'ю' => "yu",
        'я' => "ya",
        // Uzbek Cyrillic.
        'ў' => "o",
        'қ' => "q",
        'ғ' => "g",
        'ҳ' => "h",
        // Neighbouring Cyrillic alphabets shoppers paste from (Kazakh, Ukrainian, Tajik).
        'і' => "i",
        'ї' => "yi",
        'є' => "ye",
        'ґ' => "g",
        'ә' => "a",
        'ө' => "o",
        'ү' | 'ұ' | 'ӯ' => "u",
        'ң' => "ng",
        'һ' => "h",
        'ҷ' => "j",
        'ӣ' => "i",
        'ҡ' => "q",
        // Latin letters that do not decompose, and the 1990s Uzbek Latin letters.
        'ß' => "ss",
        'æ' => "ae",
        'œ' => "oe",
        'ø' => "o",
        'ł' => "l",
        'đ' | 'ð' => "d",
        'þ' => "th",
        'ı' => "i",
        'ş' => "sh",
        'ç' => "ch",
        _ => {
            decompose_compatible(c, |part| {
                if is_combining_mark(part) {
                    return;
                }
                for lower in part.to_lowercase() {
                    if lower.is_alphanumeric() {
                        out.push(lower);
                    }
                }
            });
            return;
        }
    };
    out.push_str(mapped);
}

/// Folds one word (a slice produced by [`split_words`]) into `out`, replacing its content.
pub(crate) fn fold_word_into(word: &str, out: &mut String) {
    out.clear();
    if word.len() > MAX_RAW_WORD_BYTES {
        return;
    }
    let target = choose_homoglyph_target(word);
    let mut previous = None;
    for c in word.chars() {
        if is_apostrophe(c) {
            continue;
        }
        for lower in c.to_lowercase() {
            let lower = map_homoglyph(lower, target);
            fold_char_into(lower, previous, out);
            previous = Some(lower);
        }
    }
    if out.len() > MAX_FOLDED_WORD_BYTES {
        out.clear();
    }
}

/// Writes the lowercase Cyrillic spelling of a Cyrillic word into `out` (apostrophes removed,
/// lookalike Latin letters repaired, `ё` written `е` as Russian texts usually do), and returns
/// whether the word is Cyrillic at all.
fn normalize_cyrillic_into(word: &str, out: &mut String) -> bool {
    out.clear();
    let target = choose_homoglyph_target(word);
    let mut any_cyrillic = false;
    for c in word.chars() {
        if is_apostrophe(c) {
            continue;
        }
        for lower in c.to_lowercase() {
            let lower = map_homoglyph(lower, target);
            any_cyrillic |= is_cyrillic(lower);
            out.push(if lower == 'ё' { 'е' } else { lower });
        }
    }
    any_cyrillic
}

/// Stems `word` with the Snowball stemmer of `language`, writing the stem into `out`.
fn snowball_stem_into(language: Language, word: &str, out: &mut String) {
    out.clear();
    let mut stemmer = Stemmer::new(language).transform(RawTokenizer::default());
    let mut stream = stemmer.token_stream(word);
    if stream.advance() {
        out.push_str(&stream.token().text);
    }
}

/// Strips common Uzbek case, plural and derivational suffixes from a folded (Latin) word:
/// `qogirchoqlarni` → `qogirchoq`, `kitobdan` → `kitob`, `bolalarning` → `bola`.
///
/// Deliberately light: one case ending, the plural (with a possessive `-i`), then one
/// derivational suffix, never leaving fewer than three letters (four for the suffixes that
/// also end many foreign words).
pub(crate) fn strip_uzbek_suffixes(word: &str) -> &str {
    if !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return word;
    }
    let mut stem = word;
    // Case endings; "-da" and "-dagi" end many foreign words (panda, veranda), so they need a
    // longer stem.
    for (suffix, min_stem) in [
        ("gacha", MIN_UZBEK_STEM_CHARS),
        ("ning", MIN_UZBEK_STEM_CHARS),
        ("dagi", MIN_UZBEK_LONG_STEM_CHARS),
        ("dan", MIN_UZBEK_STEM_CHARS),
        ("ni", MIN_UZBEK_STEM_CHARS),
        ("ga", MIN_UZBEK_STEM_CHARS),
        ("da", MIN_UZBEK_LONG_STEM_CHARS),
    ] {
        if let Some(rest) = stem.strip_suffix(suffix)
            && rest.len() >= min_stem
        {
            stem = rest;
            break;
        }
    }
    // The plural, with or without the possessive "-i".
    for suffix in ["lari", "lar"] {
        if let Some(rest) = stem.strip_suffix(suffix)
            && rest.len() >= MIN_UZBEK_STEM_CHARS
        {
            stem = rest;
            break;
        }
    }
    // Derivational suffixes.
    for suffix in ["cha", "li"] {
        if let Some(rest) = stem.strip_suffix(suffix)
            && rest.len() >= MIN_UZBEK_LONG_STEM_CHARS
        {
            stem = rest;
            break;
        }
    }
    stem
}

/// The stems of one word, as computed by [`WordAnalyzer::stem`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct WordStems {
    /// The Snowball stem: Russian for a Cyrillic word (stemmed in Cyrillic, then folded),
    /// English for a Latin one; the folded word itself for other scripts.
    pub(crate) snowball: String,
    /// The folded word with Uzbek suffixes stripped.
    pub(crate) uzbek: String,
}

/// Scratch buffers for analysing words without allocating per word.
#[derive(Clone, Default)]
pub(crate) struct WordAnalyzer {
    cyrillic: String,
    snowball: String,
    snowball_folded: String,
}

impl WordAnalyzer {
    /// Returns the Snowball stem of a word (given as original text and folded form): Russian
    /// for a Cyrillic word (with `ё` read as `е`, as Russian texts mostly write it), English
    /// for a Latin one, the folded word otherwise.
    pub(crate) fn snowball_stem<'a>(&'a mut self, word: &str, folded: &'a str) -> &'a str {
        let stem = &mut self.snowball_folded;
        if normalize_cyrillic_into(word, &mut self.cyrillic) {
            snowball_stem_into(Language::Russian, &self.cyrillic, &mut self.snowball);
            fold_word_into(&self.snowball, stem);
        } else if folded.bytes().all(|b| b.is_ascii_alphanumeric()) {
            snowball_stem_into(Language::English, folded, stem);
        } else {
            stem.clear();
        }
        if stem.is_empty() { folded } else { stem }
    }

    /// Returns both stems of a word.
    pub(crate) fn stem(&mut self, word: &str, folded: &str) -> WordStems {
        WordStems {
            snowball: self.snowball_stem(word, folded).to_string(),
            uzbek: strip_uzbek_suffixes(folded).to_string(),
        }
    }
}

/// Returns the as-you-type lookup key of a folded word: the word itself, cut to
/// [`MAX_PREFIX_CHARS`] characters; `None` when shorter than [`MIN_PREFIX_CHARS`].
pub(crate) fn prefix_key(folded: &str) -> Option<&str> {
    let mut chars = folded.char_indices();
    match chars.nth(MAX_PREFIX_CHARS) {
        Some((cut, _)) => Some(&folded[..cut]),
        None if folded.chars().count() >= MIN_PREFIX_CHARS => Some(folded),
        None => None,
    }
}

/// Returns the optimal-string-alignment distance (Levenshtein with adjacent transpositions
/// costing one, as tantivy's fuzzy queries count) between `a` and `b`, if at most `max`.
pub(crate) fn bounded_typo_distance(a: &str, b: &str, max: u8) -> Option<u8> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let max = usize::from(max);
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let width = b.len() + 1;
    let mut before: Vec<usize> = vec![0; width];
    let mut previous: Vec<usize> = (0..width).collect();
    let mut current: Vec<usize> = vec![0; width];
    for i in 1..=a.len() {
        current[0] = i;
        let mut row_min = current[0];
        for j in 1..width {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut value = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                value = value.min(before[j - 2] + 1);
            }
            current[j] = value;
            row_min = row_min.min(value);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    let distance = previous[b.len()];
    (distance <= max).then(|| u8::try_from(distance).unwrap_or(u8::MAX))
}

/// What a [`BolajonTokenizer`] emits for each word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// The folded word (exact and typo-tolerant matching).
    Folded,
    /// The Uzbek stem (for Uzbek texts, in either script).
    UzbekStem,
    /// The Snowball stem (for Russian and English texts).
    SnowballStem,
    /// Both stems at the word's position (for short texts of unknown language: brand and
    /// category names).
    AnyStem,
    /// The folded word's prefixes of 2..=15 characters, at the word's position (as-you-type).
    Prefix,
}

/// The tantivy tokenizer of bolajon's text fields. Tokens keep the byte offsets of the original
/// word, and buffers are reused across texts so indexing allocates little.
#[derive(Clone)]
pub(crate) struct BolajonTokenizer {
    kind: TokenKind,
    /// Token slots; the first `len` are the current text's tokens, one more is a spare so
    /// `token_mut` always has a slot to return.
    tokens: Vec<Token>,
    len: usize,
    folded: String,
    words: WordAnalyzer,
}

impl BolajonTokenizer {
    /// Creates a tokenizer emitting `kind` tokens.
    pub(crate) fn new(kind: TokenKind) -> Self {
        Self {
            kind,
            tokens: vec![Token::default()],
            len: 0,
            folded: String::new(),
            words: WordAnalyzer::default(),
        }
    }

    fn push_token(
        tokens: &mut Vec<Token>,
        len: &mut usize,
        text: &str,
        range: &Range<usize>,
        position: usize,
    ) {
        if *len + 1 >= tokens.len() {
            tokens.push(Token::default());
        }
        if let Some(token) = tokens.get_mut(*len) {
            token.text.clear();
            token.text.push_str(text);
            token.offset_from = range.start;
            token.offset_to = range.end;
            token.position = position;
            token.position_length = 1;
            *len += 1;
        }
    }

    fn fill(&mut self, text: &str) {
        self.len = 0;
        let mut position = 0;
        for range in split_words(text) {
            let word = &text[range.clone()];
            fold_word_into(word, &mut self.folded);
            if self.folded.is_empty() {
                continue;
            }
            let (tokens, len) = (&mut self.tokens, &mut self.len);
            match self.kind {
                TokenKind::Folded => Self::push_token(tokens, len, &self.folded, &range, position),
                TokenKind::UzbekStem => {
                    let stem = strip_uzbek_suffixes(&self.folded);
                    Self::push_token(tokens, len, stem, &range, position);
                }
                TokenKind::SnowballStem => {
                    let stem = self.words.snowball_stem(word, &self.folded);
                    Self::push_token(tokens, len, stem, &range, position);
                }
                TokenKind::AnyStem => {
                    let uzbek = strip_uzbek_suffixes(&self.folded);
                    let snowball = self.words.snowball_stem(word, &self.folded);
                    Self::push_token(tokens, len, snowball, &range, position);
                    if snowball != uzbek {
                        Self::push_token(tokens, len, uzbek, &range, position);
                    }
                }
                TokenKind::Prefix if self.folded.chars().nth(MIN_PREFIX_CHARS - 1).is_none() => {}
                TokenKind::Prefix => {
                    let boundaries = self
                        .folded
                        .char_indices()
                        .map(|(i, _)| i)
                        .skip(MIN_PREFIX_CHARS);
                    for end in boundaries
                        .chain(std::iter::once(self.folded.len()))
                        .take(MAX_PREFIX_CHARS + 1 - MIN_PREFIX_CHARS)
                    {
                        Self::push_token(tokens, len, &self.folded[..end], &range, position);
                    }
                }
            }
            position += 1;
        }
    }
}

impl Tokenizer for BolajonTokenizer {
    type TokenStream<'a> = BolajonTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> BolajonTokenStream<'a> {
        self.fill(text);
        BolajonTokenStream {
            tokens: &mut self.tokens,
            len: self.len,
            cursor: None,
        }
    }
}

/// The token stream of a [`BolajonTokenizer`].
pub(crate) struct BolajonTokenStream<'a> {
    tokens: &'a mut Vec<Token>,
    len: usize,
    cursor: Option<usize>,
}

impl BolajonTokenStream<'_> {
    /// Index of the current token, or of the spare slot before the first `advance`.
    fn current(&self) -> usize {
        self.cursor.unwrap_or(self.len)
    }
}

impl TokenStream for BolajonTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let next = self.cursor.map_or(0, |cursor| cursor + 1);
        if next < self.len {
            self.cursor = Some(next);
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        let index = self.current();
        debug_assert!(index < self.tokens.len());
        &self.tokens[index]
    }

    fn token_mut(&mut self) -> &mut Token {
        let index = self.current();
        debug_assert!(index < self.tokens.len());
        &mut self.tokens[index]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs a tokenizer over `text`, returning `(text, from, to, position)` per token.
    fn tokenize(kind: TokenKind, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut tokenizer = BolajonTokenizer::new(kind);
        let mut stream = tokenizer.token_stream(text);
        let mut tokens = Vec::new();
        while stream.advance() {
            let token = stream.token();
            tokens.push((
                token.text.clone(),
                token.offset_from,
                token.offset_to,
                token.position,
            ));
        }
        tokens
    }

    fn texts(kind: TokenKind, text: &str) -> Vec<String> {
        tokenize(kind, text).into_iter().map(|t| t.0).collect()
    }

    #[test]
    fn every_apostrophe_variant_and_cyrillic_fold_alike() {
        let spellings = [
            "qo'g'irchoq",
            "qoʻgʻirchoq",
            "qoʼgʼirchoq",
            "qo‘g‘irchoq",
            "qo’g’irchoq",
            "qo`g`irchoq",
            "QOʻGʻIRCHOQ",
            "қўғирчоқ",
            "ҚЎҒИРЧОҚ",
        ];
        for spelling in spellings {
            assert_eq!(fold_token(spelling), "qogirchoq", "{spelling}");
        }
    }

    #[test]
    fn uzbek_cyrillic_transliterates_by_the_letter_rules() {
        let pairs = [
            ("ўйинчоқ", "oyinchoq"),
            ("ёш", "yosh"),
            ("юлдуз", "yulduz"),
            ("янги", "yangi"),
            ("ер", "yer"),
            ("телефон", "telefon"),
            ("поезд", "poyezd"),
            ("объект", "obyekt"),
            ("экран", "ekran"),
            ("таълим", "talim"),
            ("санъат", "sanat"),
            ("ҳовли", "hovli"),
            ("хўроз", "xoroz"),
            ("цирк", "tsirk"),
            ("щётка", "shyotka"),
            ("мальчик", "malchik"),
            ("мышь", "mish"),
            ("жираф", "jiraf"),
            ("чўнтак", "chontak"),
            ("йўл", "yol"),
        ];
        for (cyrillic, latin) in pairs {
            assert_eq!(fold_token(cyrillic), latin, "{cyrillic}");
        }
    }

    #[test]
    fn latin_and_cyrillic_texts_yield_identical_tokens() {
        let pairs = [
            (
                "Qoʻgʻirchoq «Malika» — yumshoq o‘yinchoq, 3 yoshdan",
                "Қўғирчоқ «Малика» — юмшоқ ўйинчоқ, 3 ёшдан",
            ),
            ("Yangi yil uchun sovg'a", "Янги йил учун совға"),
            ("Ta'limiy kitob: sanʼat", "Таълимий китоб: санъат"),
        ];
        for kind in [TokenKind::Folded, TokenKind::UzbekStem, TokenKind::Prefix] {
            for (latin, cyrillic) in pairs {
                assert_eq!(
                    texts(kind, latin),
                    texts(kind, cyrillic),
                    "{kind:?}: {latin}"
                );
            }
        }
    }

    #[test]
    fn case_and_diacritics_fold() {
        assert_eq!(
            fold_text("Café CRÈME Straße Øre Ünal"),
            "cafe creme strasse ore unal"
        );
        assert_eq!(fold_text("Ｌｅｇｏ ﬁsh"), "lego fish");
        assert_eq!(fold_token("Ёлка"), "yolka");
        assert_eq!(fold_token("Şahar çiroq"), "shaharchiroq");
    }

    #[test]
    fn mixed_script_lookalikes_are_repaired() {
        // A Latin "C" in a Cyrillic word, a Cyrillic "е" in a Latin word.
        assert_eq!(fold_token("Cпорт"), fold_token("спорт"));
        assert_eq!(fold_token("Lеgo"), "lego");
    }

    #[test]
    fn words_split_on_punctuation_and_quotes_but_not_inner_apostrophes() {
        let text = "'Lego' o'yinchoq-konstruktor, 3+ yosh!";
        let words: Vec<&str> = split_words(text).map(|range| &text[range]).collect();
        assert_eq!(words, vec!["Lego", "o'yinchoq", "konstruktor", "3", "yosh"]);
        assert_eq!(split_words("").count(), 0);
        assert_eq!(split_words("!!! ''' ---").count(), 0);
    }

    #[test]
    fn tokens_keep_original_byte_offsets() {
        let text = "Мягкая қўғирчоқ";
        let tokens = tokenize(TokenKind::Folded, text);
        assert_eq!(tokens.len(), 2);
        assert_eq!(tokens[0], ("myagkaya".to_string(), 0, 12, 0));
        assert_eq!(&text[tokens[1].1..tokens[1].2], "қўғирчоқ");
        assert_eq!(tokens[1].3, 1);
    }

    #[test]
    fn russian_and_english_words_stem() {
        let mut words = WordAnalyzer::default();
        let mut stem = |word: &str| words.stem(word, &fold_token(word)).snowball;
        assert_eq!(stem("машинка"), stem("машинки"));
        assert_eq!(stem("Puzzles"), stem("puzzle"));
        assert_eq!(stem("cars"), "car");
        // Russian stems are transliterated like everything else; ё reads as е.
        assert_eq!(stem("куклы"), "kukl");
        assert_eq!(stem("ёлки"), stem("елка"));
    }

    #[test]
    fn typo_distance_counts_transpositions_as_one() {
        assert_eq!(bounded_typo_distance("kukla", "kukla", 1), Some(0));
        assert_eq!(bounded_typo_distance("kukla", "kukkla", 1), Some(1));
        assert_eq!(bounded_typo_distance("kukla", "kulka", 1), Some(1));
        assert_eq!(
            bounded_typo_distance("konstruktor", "konstruktr", 2),
            Some(1)
        );
        assert_eq!(bounded_typo_distance("abc", "xyz", 2), None);
        assert_eq!(bounded_typo_distance("", "ab", 2), Some(2));
    }

    #[test]
    fn uzbek_suffixes_strip_lightly() {
        assert_eq!(strip_uzbek_suffixes("qogirchoqlarni"), "qogirchoq");
        assert_eq!(strip_uzbek_suffixes("bolalarning"), "bola");
        assert_eq!(strip_uzbek_suffixes("kitobdan"), "kitob");
        assert_eq!(strip_uzbek_suffixes("oyinchoqlari"), "oyinchoq");
        assert_eq!(strip_uzbek_suffixes("qizlar"), "qiz");
        assert_eq!(strip_uzbek_suffixes("qizga"), "qiz");
        // Too short to strip, or not a suffix at all.
        assert_eq!(strip_uzbek_suffixes("uyda"), "uyda");
        assert_eq!(strip_uzbek_suffixes("panda"), "panda");
        assert_eq!(strip_uzbek_suffixes("lego"), "lego");
    }

    #[test]
    fn stem_tokens_share_the_word_position() {
        let tokens = tokenize(TokenKind::AnyStem, "Kitoblarni sotaman");
        assert!(tokens.iter().any(|t| t.0 == "kitob" && t.3 == 0));
        assert!(tokens.iter().any(|t| t.0 == "kitoblarni" && t.3 == 0));
        assert!(tokens.iter().all(|t| t.3 <= 1));
    }

    #[test]
    fn prefix_tokens_are_edge_ngrams_of_two_to_fifteen_chars() {
        assert_eq!(
            texts(TokenKind::Prefix, "Konst a"),
            vec!["ko", "kon", "kons", "konst"]
        );
        let long = texts(TokenKind::Prefix, "abcdefghijklmnopqrstuvwxyz");
        assert_eq!(long.len(), MAX_PREFIX_CHARS - MIN_PREFIX_CHARS + 1);
        assert_eq!(long.last().map(String::as_str), Some("abcdefghijklmno"));
        assert_eq!(prefix_key("abcdefghijklmnopq"), Some("abcdefghijklmno"));
        assert_eq!(prefix_key("k"), None);
    }

    #[test]
    fn overlong_words_are_not_indexed() {
        let word = "a".repeat(MAX_FOLDED_WORD_BYTES + 1);
        assert!(texts(TokenKind::Folded, &word).is_empty());
        assert_eq!(texts(TokenKind::Folded, &format!("{word} ok")), vec!["ok"]);
    }

    #[test]
    fn tokenizer_reuse_does_not_leak_previous_tokens() {
        let mut tokenizer = BolajonTokenizer::new(TokenKind::Folded);
        let _ = tokenizer.token_stream("bir ikki uch to'rt besh");
        let mut stream = tokenizer.token_stream("olti");
        assert!(stream.advance());
        assert_eq!(stream.token().text, "olti");
        assert!(!stream.advance());
    }
}
