//! Text normalisation against evasion.
//!
//! Screening compares text in one folded form: Unicode NFKC, lowercase, diacritics, zero-width
//! characters and apostrophes (every Uzbek `o‘`/`g‘` variant) removed, Cyrillic transliterated
//! to Latin (Uzbek official spelling: `ч` → `ch`, `х` → `x`, `қ` → `q`, `ў` → `o`), and runs of one
//! letter collapsed (`vaaape` → `vape`, `katta` → `kata`). [`normalize_for_screening`] returns
//! that form as a string.
//!
//! Evasion also needs *alternative readings*, which one string cannot hold, so the matcher works
//! on a [`FoldedText`]: a sequence of [`Unit`]s, each with its canonical reading and the other
//! readings it may stand for:
//!
//! - a look-alike letter of the other script inside a mixed word (`vаpe` with a Cyrillic `а`,
//!   `вейn` with a Latin `n`), or a whole word of look-alikes written in the other script;
//! - a leetspeak digit or symbol inside a word (`v4p3`, `$igaret`, `sh!t`);
//! - a `*` mask between letters (`f*ck`), which stands for any one letter;
//! - the gap in a spaced-out or dotted word (`v a p e`, `v.a.p.e`, `в-е-й-п`), which may be
//!   read as nothing.
//!
//! Lexicon terms are folded the same way (see `lexicon.rs`), so the two sides meet.

use std::ops::Range;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Returns the text folded for screening: NFKC, lowercase, no diacritics, zero-width characters
/// or apostrophes, Cyrillic transliterated to Latin, look-alikes and leetspeak read in the
/// word's own script, spaced-out words joined, repeated letters collapsed, and every other run
/// of punctuation or space turned into one space.
///
/// ```
/// use moderation::normalize_for_screening;
/// assert_eq!(normalize_for_screening("V.A.P.E  Вейп!!"), "vape veyp");
/// assert_eq!(normalize_for_screening("O‘yinchoq"), normalize_for_screening("Ўйинчоқ"));
/// ```
pub fn normalize_for_screening(text: &str) -> String {
    fold_text(text).canonical()
}

/// The script a letter or word is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Script {
    Latin,
    Cyrillic,
    Other,
}

/// One reading of a unit: a character of the folded alphabet or a short transliteration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fold {
    Char(char),
    Str(&'static str),
}

impl Fold {
    fn push_to(self, out: &mut String) {
        match self {
            Self::Char(c) => out.push(c),
            Self::Str(s) => out.push_str(s),
        }
    }
}

/// What a unit of folded text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UnitKind {
    /// A word character with its canonical reading and the other readings it may stand for.
    Char {
        canonical: Fold,
        alternatives: &'static [&'static str],
    },
    /// A mask between letters (`f*ck`, `бл@ть`): reads as `canonical` or as any one or two
    /// letters (a two-letter transliteration such as `я` → `ya`).
    Wildcard { canonical: char },
    /// The gap between two words. `joined` when its canonical reading is nothing (spaced-out
    /// letters); `elidable` when nothing is an alternative reading (hyphens, dots).
    Gap { joined: bool, elidable: bool },
}

/// One position of folded text, with the bytes of the original text it came from.
#[derive(Debug, Clone)]
pub(crate) struct Unit {
    pub span: Range<usize>,
    pub kind: UnitKind,
}

/// A word of folded text.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    /// Indices of the token's units in [`FoldedText::units`].
    pub units: Range<usize>,
    /// Bytes of the original text.
    pub span: Range<usize>,
    /// Canonical folded form, repeats collapsed.
    pub text: String,
    /// A sentence break (`.`, `!`, `?`, `;`, `:`, a line break) separates it from the previous
    /// token.
    pub sentence_start: bool,
    /// A `+` touches the token: right before it after a space or bracket (`(+18)`), or right
    /// after it (`18+`).
    pub plus_before: bool,
    pub plus_after: bool,
    /// A degree sign sits right after the token (`+18 °C`).
    pub degree_after: bool,
    /// The token is all digits.
    pub is_number: bool,
    pub script: Script,
}

/// Text folded for screening: units for the matcher, tokens for the rules.
#[derive(Debug, Clone, Default)]
pub(crate) struct FoldedText {
    pub units: Vec<Unit>,
    pub tokens: Vec<Token>,
    /// For every unit, the index of its token (gaps get the token before them).
    pub token_of_unit: Vec<usize>,
}

impl FoldedText {
    /// Returns the canonical reading as a string, repeats collapsed.
    pub(crate) fn canonical(&self) -> String {
        let mut raw = String::new();
        for unit in &self.units {
            match unit.kind {
                UnitKind::Char { canonical, .. } => canonical.push_to(&mut raw),
                UnitKind::Wildcard { canonical } => raw.push(canonical),
                UnitKind::Gap { joined: true, .. } => {}
                UnitKind::Gap { joined: false, .. } => raw.push(' '),
            }
        }
        collapse_repeats(&raw)
    }
}

/// Collapses every run of one character into a single character.
pub(crate) fn collapse_repeats(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = None;
    for c in text.chars() {
        if Some(c) != last {
            out.push(c);
        }
        last = Some(c);
    }
    out
}

/// What one character of the input is, after NFKC and lowercasing.
#[derive(Debug, Clone, Copy)]
enum Raw {
    Letter(Letter),
    Digit(char),
    /// `@ $ € ! | *`: a letter inside a word, punctuation elsewhere.
    Symbol(char),
    /// Zero-width characters, apostrophes, stray combining marks: read as nothing.
    Ignorable,
    Space,
    Punct(char),
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Letter {
    /// The letter as the folded alphabet spells it.
    pub own: Fold,
    script: Script,
    /// How it reads as the look-alike letter of the other script (Latin `p` → Cyrillic `р` →
    /// `r`; Cyrillic `р` → Latin `p`), when it has one.
    other: Option<&'static [&'static str]>,
    /// A strict look-alike (identical capitals), used to read whole words in the other script.
    strict: bool,
}

#[derive(Debug, Clone)]
struct RawItem {
    span: Range<usize>,
    raw: Raw,
}

/// Folds a text into units and tokens for the matcher and the rules.
pub(crate) fn fold_text(text: &str) -> FoldedText {
    let items = classify(text);
    let word = mark_word_chars(&items);
    build(&items, &word)
}

/// Splits the text into clusters (a base character with its combining marks) and classifies
/// each resulting character.
fn classify(text: &str) -> Vec<RawItem> {
    let mut items = Vec::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((start, base)) = chars.next() {
        let mut end = start + base.len_utf8();
        let mut cluster = String::new();
        cluster.push(base);
        while let Some(&(i, c)) = chars.peek() {
            if !is_combining_mark(c) {
                break;
            }
            cluster.push(c);
            end = i + c.len_utf8();
            chars.next();
        }
        let span = start..end;
        if is_ignorable(base) {
            items.push(RawItem {
                span,
                raw: Raw::Ignorable,
            });
            continue;
        }
        if let Some(letter) = symbol_letter(base) {
            items.push(RawItem {
                span,
                raw: classify_char(letter),
            });
            continue;
        }
        for composed in cluster.nfkc() {
            for c in composed.to_lowercase() {
                items.push(RawItem {
                    span: span.clone(),
                    raw: classify_char(c),
                });
            }
        }
    }
    items
}

/// Letter-like symbols that Unicode normalisation leaves alone, read as the Latin letter they
/// show: regional indicators (`🇻🇦🇵🇪`), negative circled and squared letters (`🅥`, `🅰`), and
/// small capitals (`ᴠᴀᴘᴇ`).
fn symbol_letter(c: char) -> Option<char> {
    let offset = |first: char| char::from(b'a' + (u32::from(c) - u32::from(first)) as u8);
    let letter = match c {
        '\u{1F1E6}'..='\u{1F1FF}' => offset('\u{1F1E6}'),
        '\u{1F150}'..='\u{1F169}' => offset('\u{1F150}'),
        '\u{1F170}'..='\u{1F189}' => offset('\u{1F170}'),
        '\u{1D00}' => 'a',
        '\u{0299}' => 'b',
        '\u{1D04}' => 'c',
        '\u{1D05}' => 'd',
        '\u{1D07}' => 'e',
        '\u{A730}' => 'f',
        '\u{0262}' => 'g',
        '\u{029C}' => 'h',
        '\u{026A}' => 'i',
        '\u{1D0A}' => 'j',
        '\u{1D0B}' => 'k',
        '\u{029F}' => 'l',
        '\u{1D0D}' => 'm',
        '\u{0274}' => 'n',
        '\u{1D0F}' => 'o',
        '\u{1D18}' => 'p',
        '\u{0280}' => 'r',
        '\u{A731}' => 's',
        '\u{1D1B}' => 't',
        '\u{1D1C}' => 'u',
        '\u{1D20}' => 'v',
        '\u{1D21}' => 'w',
        '\u{028F}' => 'y',
        '\u{1D22}' => 'z',
        _ => return None,
    };
    Some(letter)
}

/// Characters read as nothing: apostrophes (all Uzbek `o‘` variants), zero-width and format
/// characters, variation selectors and stray combining marks.
pub(crate) fn is_ignorable(c: char) -> bool {
    matches!(
        c,
        '\'' | '`'
            | '\u{00B4}'
            | '\u{02B9}'..='\u{02BC}'
            | '\u{02BD}'
            | '\u{02C8}'
            | '\u{2018}'..='\u{201B}'
            | '\u{2032}'
            | '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{E0000}'..='\u{E0FFF}'
    ) || is_combining_mark(c)
}

fn classify_char(c: char) -> Raw {
    if is_ignorable(c) {
        return Raw::Ignorable;
    }
    if c.is_ascii_digit() {
        return Raw::Digit(c);
    }
    if matches!(c, '@' | '$' | '€' | '!' | '|' | '*' | '#' | '%') {
        return Raw::Symbol(c);
    }
    if c.is_whitespace() {
        return Raw::Space;
    }
    if let Some(letter) = cyrillic_letter(c) {
        return Raw::Letter(letter);
    }
    if let Some(letter) = latin_letter(c) {
        return Raw::Letter(letter);
    }
    if c.is_alphanumeric() {
        return Raw::Letter(Letter {
            own: Fold::Char(c),
            script: Script::Other,
            other: None,
            strict: false,
        });
    }
    Raw::Punct(c)
}

/// Cyrillic letters (Russian, Uzbek and the usual spoofing look-alikes): transliteration and
/// Latin look-alike.
pub(crate) fn cyrillic_letter(c: char) -> Option<Letter> {
    let (own, other, strict): (&'static str, Option<&'static [&'static str]>, bool) = match c {
        'а' => ("a", Some(&["a"]), true),
        'б' => ("b", Some(&["6"]), false),
        'в' => ("v", Some(&["b"]), true),
        'г' => ("g", Some(&["r"]), false),
        'д' => ("d", None, false),
        'е' => ("e", Some(&["e"]), true),
        'ё' => ("yo", Some(&["e"]), true),
        'ж' => ("j", None, false),
        'з' => ("z", Some(&["3"]), false),
        'и' => ("i", Some(&["u"]), false),
        'й' => ("y", Some(&["u"]), false),
        'к' => ("k", Some(&["k"]), true),
        'л' => ("l", None, false),
        'м' => ("m", Some(&["m"]), true),
        'н' => ("n", Some(&["h"]), true),
        'о' => ("o", Some(&["o"]), true),
        'п' => ("p", Some(&["n"]), false),
        'р' => ("r", Some(&["p"]), true),
        'с' => ("s", Some(&["c"]), true),
        'т' => ("t", Some(&["t"]), true),
        'у' => ("u", Some(&["y"]), true),
        'ф' => ("f", None, false),
        'х' => ("x", Some(&["x"]), true),
        'ц' => ("ts", None, false),
        'ч' => ("ch", None, false),
        'ш' => ("sh", Some(&["w"]), false),
        'щ' => ("sh", None, false),
        'ъ' => ("", None, false),
        'ы' => ("i", None, false),
        'ь' => ("", Some(&["b"]), false),
        'э' => ("e", None, false),
        'ю' => ("yu", None, false),
        'я' => ("ya", None, false),
        'ў' => ("o", Some(&["y"]), false),
        'қ' => ("q", Some(&["k"]), false),
        'ғ' => ("g", None, false),
        'ҳ' => ("h", Some(&["x"]), false),
        // Letters of other Cyrillic alphabets that spoofers use as Latin look-alikes.
        'і' => ("i", Some(&["i"]), true),
        'ї' => ("i", Some(&["i"]), true),
        'ј' => ("j", Some(&["j"]), true),
        'ѕ' => ("s", Some(&["s"]), true),
        'ԁ' => ("d", Some(&["d"]), true),
        'ӏ' => ("l", Some(&["l"]), true),
        'һ' => ("h", Some(&["h"]), true),
        'ԛ' => ("q", Some(&["q"]), true),
        'ԝ' => ("w", Some(&["w"]), true),
        'є' => ("e", Some(&["e"]), false),
        'ү' => ("u", Some(&["y"]), false),
        'ө' => ("o", Some(&["o"]), false),
        'ң' => ("ng", None, false),
        'ә' => ("a", None, false),
        _ => return None,
    };
    Some(Letter {
        own: Fold::Str(own),
        script: Script::Cyrillic,
        other,
        strict,
    })
}

/// Latin letters (diacritics stripped), Greek and small-capital look-alikes: the letter and its
/// Cyrillic look-alike, read as that Cyrillic letter's transliteration.
fn latin_letter(c: char) -> Option<Letter> {
    let base = latin_base(c)?;
    let (other, strict): (Option<&'static [&'static str]>, bool) = match base {
        'a' => (Some(&["a"]), true),
        'b' => (Some(&["v", "b"]), true),
        'c' => (Some(&["s"]), true),
        'e' => (Some(&["e"]), true),
        'h' => (Some(&["n"]), true),
        'k' => (Some(&["k"]), true),
        'm' => (Some(&["m"]), true),
        'n' => (Some(&["p"]), false),
        'o' => (Some(&["o"]), true),
        'p' => (Some(&["r"]), true),
        'r' => (Some(&["g"]), false),
        't' => (Some(&["t"]), true),
        'u' => (Some(&["i"]), false),
        'x' => (Some(&["x"]), true),
        'y' => (Some(&["u"]), true),
        _ => (None, false),
    };
    Some(Letter {
        own: Fold::Char(base),
        script: Script::Latin,
        other,
        strict,
    })
}

/// Returns the plain ASCII letter a Latin, Greek or small-capital letter reads as.
pub(crate) fn latin_base(c: char) -> Option<char> {
    if c.is_ascii_lowercase() {
        return Some(c);
    }
    let mapped = match c {
        'ß' => 's',
        'æ' => 'a',
        'œ' => 'o',
        'ø' => 'o',
        'ł' => 'l',
        'đ' => 'd',
        'ð' => 'd',
        'ı' => 'i',
        'þ' => 't',
        'ħ' => 'h',
        'ŧ' => 't',
        'ƀ' => 'b',
        'ɨ' => 'i',
        // Greek look-alikes.
        'α' => 'a',
        'β' => 'b',
        'γ' => 'y',
        'ε' => 'e',
        'η' => 'n',
        'ι' => 'i',
        'κ' => 'k',
        'μ' => 'u',
        'ν' => 'v',
        'ο' => 'o',
        'ρ' => 'p',
        'τ' => 't',
        'υ' => 'u',
        'χ' => 'x',
        'ω' => 'w',
        // Small capitals and other phonetic look-alikes.
        'ᴀ' => 'a',
        'ʙ' => 'b',
        'ᴄ' => 'c',
        'ᴅ' => 'd',
        'ᴇ' => 'e',
        'ɢ' => 'g',
        'ʜ' => 'h',
        'ɪ' => 'i',
        'ᴊ' => 'j',
        'ᴋ' => 'k',
        'ʟ' => 'l',
        'ᴍ' => 'm',
        'ɴ' => 'n',
        'ᴏ' => 'o',
        'ᴘ' => 'p',
        'ʀ' => 'r',
        'ꜱ' => 's',
        'ᴛ' => 't',
        'ᴜ' => 'u',
        'ᴠ' => 'v',
        'ᴡ' => 'w',
        'ʏ' => 'y',
        'ᴢ' => 'z',
        'ɑ' => 'a',
        'ɡ' => 'g',
        _ => {
            // Latin letters with diacritics: the base letter of the canonical decomposition.
            let first = c.nfd().next()?;
            if first.is_ascii_lowercase() && c != first {
                first
            } else {
                return None;
            }
        }
    };
    Some(mapped)
}

/// Leetspeak readings of digits and symbols inside a word (the character itself first).
fn leet_readings(c: char) -> &'static [&'static str] {
    match c {
        '0' => &["0", "o"],
        '1' => &["1", "i", "l"],
        '2' => &["2"],
        '3' => &["3", "e", "z"],
        '4' => &["4", "a", "ch"],
        '5' => &["5", "s"],
        '6' => &["6", "b"],
        '7' => &["7", "t"],
        '8' => &["8", "b"],
        '9' => &["9", "g"],
        '@' => &["a", "o"],
        '$' => &["s"],
        '€' => &["e"],
        '!' => &["i", "l"],
        '|' => &["l", "i"],
        _ => &[],
    }
}

/// Punctuation that may join the letters of one word (`v.a.p.e`, `в-е-й-п`, `pi_vo`), and
/// emoji or pictographs put between letters (`v💨a💨p💨e`).
fn is_joiner(c: char) -> bool {
    matches!(
        c,
        '.' | '-' | '_' | '·' | '•' | '/' | '\\' | '~' | '^' | '‐' | '‑' | '–' | '—' | '*' | '|'
    ) || is_pictograph(c)
}

/// Emoji and pictographic symbols.
fn is_pictograph(c: char) -> bool {
    matches!(
        c,
        '\u{2190}'..='\u{21FF}'
            | '\u{2300}'..='\u{23FF}'
            | '\u{25A0}'..='\u{27BF}'
            | '\u{2B00}'..='\u{2BFF}'
            | '\u{1F000}'..='\u{1F0FF}'
            | '\u{1F300}'..='\u{1FAFF}'
    )
}

fn is_sentence_break(c: char) -> bool {
    matches!(
        c,
        '.' | '!' | '?' | ';' | ':' | '…' | '\n' | '\r' | '\u{2029}' | '\u{2028}' | '•' | '·'
    )
}

/// Decides which items are word characters: letters, digits, and symbols used as letters.
fn mark_word_chars(items: &[RawItem]) -> Vec<bool> {
    let is_letter = |i: usize| matches!(items[i].raw, Raw::Letter(_));
    // Nearest non-ignorable neighbours.
    let prev = |i: usize| {
        (0..i)
            .rev()
            .find(|&j| !matches!(items[j].raw, Raw::Ignorable))
    };
    let next = |i: usize| (i + 1..items.len()).find(|&j| !matches!(items[j].raw, Raw::Ignorable));
    let mut word = vec![false; items.len()];
    let mut i = 0;
    while i < items.len() {
        match items[i].raw {
            Raw::Letter(_) | Raw::Digit(_) => word[i] = true,
            Raw::Symbol('*') => {
                // A run of one to three masks between letters stands for letters.
                let mut end = i;
                while end + 1 < items.len() && matches!(items[end + 1].raw, Raw::Symbol('*')) {
                    end += 1;
                }
                let bounded = prev(i).is_some_and(is_letter) && next(end).is_some_and(is_letter);
                if bounded && end - i < 3 {
                    word[i..=end].iter_mut().for_each(|w| *w = true);
                }
                i = end;
            }
            Raw::Symbol('!' | '|' | '#' | '%') => {
                word[i] = prev(i).is_some_and(is_letter) && next(i).is_some_and(is_letter);
            }
            Raw::Symbol(c) => {
                // A lone symbol between the separators of a spaced-out word (`v.@.p.e`).
                let separator = |j: usize| match items[j].raw {
                    Raw::Space => true,
                    Raw::Punct(p) => is_joiner(p),
                    Raw::Letter(_) | Raw::Digit(_) | Raw::Symbol(_) | Raw::Ignorable => false,
                };
                let spaced = matches!(c, '@' | '$' | '€')
                    && prev(i).is_some_and(|j| separator(j) && prev(j).is_some_and(is_letter))
                    && next(i).is_some_and(|j| separator(j) && next(j).is_some_and(is_letter));
                word[i] =
                    spaced || prev(i).is_some_and(is_letter) || next(i).is_some_and(is_letter);
            }
            Raw::Ignorable | Raw::Space | Raw::Punct(_) => {}
        }
        i += 1;
    }
    word
}

/// A word of raw items before units are built.
struct RawToken {
    items: Range<usize>,
    /// Items of the gap before this token (since the previous token).
    gap_before: Range<usize>,
}

fn build(items: &[RawItem], word: &[bool]) -> FoldedText {
    // Group into tokens: maximal runs of word characters, ignorables inside are transparent.
    let mut raw_tokens: Vec<RawToken> = Vec::new();
    let mut i = 0;
    let mut gap_start = 0;
    while i < items.len() {
        if !word[i] {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i + 1;
        // Ignorables inside a word (an apostrophe, a zero-width space) belong to it.
        let continues = |k: usize| {
            word[k]
                || (matches!(items[k].raw, Raw::Ignorable)
                    && (k + 1..items.len())
                        .find(|&j| !matches!(items[j].raw, Raw::Ignorable))
                        .is_some_and(|j| word[j]))
        };
        while end < items.len() && continues(end) {
            end += 1;
        }
        raw_tokens.push(RawToken {
            items: start..end,
            gap_before: gap_start..start,
        });
        gap_start = end;
        i = end;
    }

    let letters_of = |t: &RawToken| {
        items[t.items.clone()]
            .iter()
            .filter(|it| matches!(it.raw, Raw::Letter(_)))
            .count()
    };
    let single_letter: Vec<bool> = raw_tokens
        .iter()
        .map(|t| {
            letters_of(t) == 1
                && items[t.items.clone()]
                    .iter()
                    .all(|it| matches!(it.raw, Raw::Letter(_) | Raw::Ignorable))
        })
        .collect();
    // A lone leetspeak digit or symbol (`4` in `v.4.p.3`) may stand in a spaced-out word.
    let single_leet: Vec<bool> = raw_tokens
        .iter()
        .map(|t| {
            let mut chars = items[t.items.clone()]
                .iter()
                .filter(|it| !matches!(it.raw, Raw::Ignorable));
            let leet = chars.next().is_some_and(|it| match it.raw {
                Raw::Digit(d) => leet_readings(d).len() > 1,
                Raw::Symbol(c) => !leet_readings(c).is_empty(),
                Raw::Letter(_) | Raw::Ignorable | Raw::Space | Raw::Punct(_) => false,
            });
            leet && chars.next().is_none()
        })
        .collect();
    let single_char = |k: usize| single_letter[k] || single_leet[k];

    // Gaps that are spaced-out letters: runs of at least three single-letter tokens.
    let gap_chars = |t: &RawToken| -> Vec<char> {
        items[t.gap_before.clone()]
            .iter()
            .filter_map(|it| match it.raw {
                Raw::Space => Some(' '),
                Raw::Punct(c) | Raw::Symbol(c) => Some(c),
                Raw::Letter(_) | Raw::Digit(_) | Raw::Ignorable => None,
            })
            .collect()
    };
    let short_gap = |chars: &[char]| {
        !chars.is_empty()
            && chars.len() <= 3
            && chars.iter().all(|&c| c == ' ' || is_joiner(c))
            && !chars.contains(&'\n')
    };
    // Runs may hold lone leetspeak digits or symbols (`v.4.p.3`, `3.l.e.k.t.r.0.n`) when
    // letters are at least half of them and one opens the run, or two thirds of them, so
    // numbers (`3 в 1`, `1 и 2`) are never joined.
    let mut joined_before = vec![false; raw_tokens.len()];
    let mut in_spaced_word = vec![false; raw_tokens.len()];
    let mut run_start = 0;
    for k in 0..=raw_tokens.len() {
        let continues = k < raw_tokens.len()
            && single_char(k)
            && k > run_start
            && single_char(k - 1)
            && short_gap(&gap_chars(&raw_tokens[k]));
        if continues {
            continue;
        }
        // Close the run [run_start, k).
        let letters = (run_start..k).filter(|&j| single_letter[j]).count();
        let length = k.saturating_sub(run_start);
        let mostly_letters = run_start < raw_tokens.len()
            && ((single_letter[run_start] && letters * 2 >= length) || letters * 3 >= length * 2);
        if length >= 3 && mostly_letters {
            joined_before[run_start + 1..k]
                .iter_mut()
                .for_each(|j| *j = true);
            in_spaced_word[run_start..k]
                .iter_mut()
                .for_each(|j| *j = true);
        }
        run_start = k;
    }

    // The field's majority script decides how words written wholly in look-alikes are read.
    let (mut latin, mut cyrillic) = (0usize, 0usize);
    for it in items {
        if let Raw::Letter(l) = it.raw {
            match l.script {
                Script::Latin => latin += 1,
                Script::Cyrillic => cyrillic += 1,
                Script::Other => {}
            }
        }
    }
    let field_script = if cyrillic > latin {
        Script::Cyrillic
    } else {
        Script::Latin
    };

    let mut out = FoldedText::default();
    for (k, token) in raw_tokens.iter().enumerate() {
        let gap = gap_chars(token);
        if k > 0 {
            let elidable = !gap.is_empty()
                && gap.len() <= 3
                && gap.iter().all(|&c| is_joiner(c))
                && letters_of(&raw_tokens[k - 1]) > 0
                && letters_of(token) > 0;
            let span_start = items
                .get(token.gap_before.start)
                .map_or(0, |it| it.span.start);
            let span_end = items
                .get(token.items.start)
                .map_or(span_start, |it| it.span.start);
            out.units.push(Unit {
                span: span_start..span_end.max(span_start),
                kind: UnitKind::Gap {
                    joined: joined_before[k],
                    elidable: elidable || joined_before[k],
                },
            });
            out.token_of_unit.push(k - 1);
        }
        let unit_start = out.units.len();
        push_token_units(
            items,
            token,
            field_script,
            in_spaced_word[k],
            &mut out.units,
        );
        while out.token_of_unit.len() < out.units.len() {
            out.token_of_unit.push(k);
        }
        let token_items = &items[token.items.clone()];
        let span = token_items.first().map_or(0, |it| it.span.start)
            ..token_items.last().map_or(0, |it| it.span.end);
        let mut text = String::new();
        for unit in &out.units[unit_start..] {
            match unit.kind {
                UnitKind::Char { canonical, .. } => canonical.push_to(&mut text),
                UnitKind::Wildcard { canonical } => text.push(canonical),
                UnitKind::Gap { .. } => {}
            }
        }
        let is_number = token_items
            .iter()
            .all(|it| matches!(it.raw, Raw::Digit(_) | Raw::Ignorable));
        let gap_after: Vec<char> = raw_tokens
            .get(k + 1)
            .map_or_else(|| trailing_chars(items, token), gap_chars);
        out.tokens.push(Token {
            units: unit_start..out.units.len(),
            span,
            text: collapse_repeats(&text),
            sentence_start: k == 0 || gap.iter().any(|&c| is_sentence_break(c)),
            plus_before: gap.last() == Some(&'+')
                && gap.len() >= 2
                && matches!(gap[gap.len() - 2], ' ' | '(' | '['),
            plus_after: gap_after.first() == Some(&'+'),
            degree_after: gap_after.first() == Some(&'°') || gap_after.starts_with(&[' ', '°']),
            is_number,
            script: token_script(token_items),
        });
    }
    out
}

fn trailing_chars(items: &[RawItem], token: &RawToken) -> Vec<char> {
    items[token.items.end..]
        .iter()
        .filter_map(|it| match it.raw {
            Raw::Space => Some(' '),
            Raw::Punct(c) | Raw::Symbol(c) => Some(c),
            Raw::Letter(_) | Raw::Digit(_) | Raw::Ignorable => None,
        })
        .take(3)
        .collect()
}

fn token_script(items: &[RawItem]) -> Script {
    let (mut latin, mut cyrillic) = (0usize, 0usize);
    for it in items {
        if let Raw::Letter(l) = it.raw {
            match l.script {
                Script::Latin => latin += 1,
                Script::Cyrillic => cyrillic += 1,
                Script::Other => {}
            }
        }
    }
    match (latin, cyrillic) {
        (0, 0) => Script::Other,
        (l, c) if c > l => Script::Cyrillic,
        _ => Script::Latin,
    }
}

/// Pushes the units of one token: letters with their look-alike readings, leetspeak digits and
/// symbols, and masks.
fn push_token_units(
    items: &[RawItem],
    token: &RawToken,
    field_script: Script,
    in_spaced_word: bool,
    units: &mut Vec<Unit>,
) {
    let token_items = &items[token.items.clone()];
    let (mut latin, mut cyrillic, mut letters, mut strict) = (0usize, 0usize, 0usize, 0usize);
    let symbols = token_items
        .iter()
        .filter(|it| matches!(it.raw, Raw::Symbol(_)))
        .count();
    // Runs of one digit count once, as they print once (`a22` → `a2`).
    let digits = token_items
        .iter()
        .filter(|it| !matches!(it.raw, Raw::Ignorable))
        .collect::<Vec<_>>()
        .windows(2)
        .filter(
            |w| matches!(w[1].raw, Raw::Digit(d) if !matches!(w[0].raw, Raw::Digit(p) if p == d)),
        )
        .count()
        + usize::from(
            token_items
                .first()
                .is_some_and(|it| matches!(it.raw, Raw::Digit(_))),
        );
    for it in token_items {
        if let Raw::Letter(l) = it.raw {
            letters += 1;
            strict += usize::from(l.strict);
            match l.script {
                Script::Latin => latin += 1,
                Script::Cyrillic => cyrillic += 1,
                Script::Other => {}
            }
        }
    }
    let mixed = latin > 0 && cyrillic > 0;
    let majority = match cyrillic.cmp(&latin) {
        std::cmp::Ordering::Greater => Script::Cyrillic,
        std::cmp::Ordering::Less => Script::Latin,
        std::cmp::Ordering::Equal => field_script,
    };
    // A whole word of strict look-alikes written in the other script than the field's
    // ("CEKC" among Cyrillic words) may be read in the field's script.
    let foreign_lookalike = !mixed
        && letters > 0
        && strict == letters
        && majority != field_script
        && field_script == Script::Cyrillic;

    // Word characters of the token without ignorables, so neighbours skip apostrophes.
    let token_items: Vec<&RawItem> = token_items
        .iter()
        .filter(|it| !matches!(it.raw, Raw::Ignorable))
        .collect();
    // Symbols read as letters count as letters (`yosh1@v` prints as `yosh1av`).
    let is_letter_at = |j: usize| {
        token_items.get(j).is_some_and(|it| {
            matches!(
                it.raw,
                Raw::Letter(_) | Raw::Symbol('@' | '$' | '€' | '!' | '|' | '*' | '#' | '%')
            )
        })
    };
    for (j, it) in token_items.iter().enumerate() {
        let kind = match it.raw {
            Raw::Letter(l) => {
                let minority = mixed && l.script != majority;
                match l.other {
                    // A look-alike of the word's script reads as that script's letter (not as
                    // a digit: `б` looks like `6` but stays `b` in the canonical form).
                    Some(other)
                        if minority && other[0].chars().all(|c| c.is_ascii_alphabetic()) =>
                    {
                        UnitKind::Char {
                            canonical: Fold::Str(other[0]),
                            alternatives: own_reading(l.own),
                        }
                    }
                    Some(other) if minority => UnitKind::Char {
                        canonical: l.own,
                        alternatives: other,
                    },
                    Some(other) if mixed || foreign_lookalike => UnitKind::Char {
                        canonical: l.own,
                        alternatives: other,
                    },
                    _ => UnitKind::Char {
                        canonical: l.own,
                        alternatives: &[],
                    },
                }
            }
            Raw::Digit(d) => {
                // Leetspeak only in words that are mostly letters (`v4p3`, not `111SD`).
                let letter_like = letters + symbols;
                // A lone digit among letters is leetspeak; a run of digits is a number or a
                // model code (`cr2032`, `111SD`).
                let digit_at = |k: usize| {
                    token_items
                        .get(k)
                        .is_some_and(|it| matches!(it.raw, Raw::Digit(_)))
                };
                let lone = !digit_at(j + 1) && (j == 0 || !digit_at(j - 1));
                let readings = if (letters > 0 && lone && letter_like >= digits) || in_spaced_word {
                    leet_readings(d)
                } else {
                    &[]
                };
                // A digit between two letters reads as a letter (`v4pe`); elsewhere it stays
                // a digit (`10ml`, `3yoshdan`) but may still be read as one.
                // A run of one digit prints once, so look past it (`yosh11yosh`).
                let same = |k: usize| matches!(token_items[k].raw, Raw::Digit(x) if x == d);
                let mut left = j;
                while left > 0 && same(left - 1) {
                    left -= 1;
                }
                let mut right = j;
                while right + 1 < token_items.len() && same(right + 1) {
                    right += 1;
                }
                let flanked = left > 0 && is_letter_at(left - 1) && is_letter_at(right + 1);
                let canonical = match readings.get(1) {
                    Some(letter) if flanked => Fold::Str(letter),
                    _ => Fold::Char(d),
                };
                UnitKind::Char {
                    canonical,
                    alternatives: readings,
                }
            }
            Raw::Symbol('*') => UnitKind::Wildcard { canonical: '*' },
            Raw::Symbol(c @ ('@' | '#' | '%'))
                if j > 0 && is_letter_at(j - 1) && is_letter_at(j + 1) =>
            {
                UnitKind::Wildcard {
                    canonical: if c == '@' { 'a' } else { '*' },
                }
            }
            Raw::Symbol(c) => {
                let readings = leet_readings(c);
                UnitKind::Char {
                    canonical: readings.first().map_or(Fold::Char(c), |r| Fold::Str(r)),
                    alternatives: readings,
                }
            }
            Raw::Ignorable | Raw::Space | Raw::Punct(_) => continue,
        };
        units.push(Unit {
            span: it.span.clone(),
            kind,
        });
    }
}

/// The letter's own reading as a static slice, for use as an alternative.
fn own_reading(own: Fold) -> &'static [&'static str] {
    match own {
        Fold::Str(s) => match s {
            "a" => &["a"],
            "b" => &["b"],
            "c" => &["c"],
            "e" => &["e"],
            "g" => &["g"],
            "h" => &["h"],
            "i" => &["i"],
            "k" => &["k"],
            "m" => &["m"],
            "n" => &["n"],
            "o" => &["o"],
            "p" => &["p"],
            "q" => &["q"],
            "r" => &["r"],
            "s" => &["s"],
            "t" => &["t"],
            "u" => &["u"],
            "v" => &["v"],
            "x" => &["x"],
            "y" => &["y"],
            "z" => &["z"],
            "yo" => &["yo"],
            "sh" => &["sh"],
            "" => &[""],
            _ => &[],
        },
        Fold::Char(c) => match c {
            'a' => &["a"],
            'b' => &["b"],
            'c' => &["c"],
            'e' => &["e"],
            'h' => &["h"],
            'k' => &["k"],
            'm' => &["m"],
            'n' => &["n"],
            'o' => &["o"],
            'p' => &["p"],
            'r' => &["r"],
            't' => &["t"],
            'u' => &["u"],
            'x' => &["x"],
            'y' => &["y"],
            _ => &[],
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_diacritics_and_width() {
        assert_eq!(normalize_for_screening("ＶＡＰＥ Café"), "vape cafe");
        assert_eq!(normalize_for_screening("𝐯𝐚𝐩𝐞"), "vape");
    }

    #[test]
    fn strips_zero_width_and_apostrophes() {
        assert_eq!(normalize_for_screening("va\u{200B}pe"), "vape");
        for word in [
            "o'yinchoq",
            "oʻyinchoq",
            "oʼyinchoq",
            "o‘yinchoq",
            "o’yinchoq",
            "o`yinchoq",
        ] {
            assert_eq!(normalize_for_screening(word), "oyinchoq", "{word}");
        }
    }

    #[test]
    fn uzbek_cyrillic_and_latin_meet() {
        assert_eq!(
            normalize_for_screening("Ўйинчоқ тўппонча ва ов пичоғи"),
            normalize_for_screening("O‘yinchoq to‘pponcha va ov pichog‘i")
        );
        assert_eq!(normalize_for_screening("ҳаво шарлари"), "havo sharlari");
    }

    #[test]
    fn russian_translit_meets_latin_spelling() {
        assert_eq!(normalize_for_screening("вейп"), "veyp");
        assert_eq!(normalize_for_screening("veyp"), "veyp");
    }

    #[test]
    fn look_alikes_read_in_the_word_script() {
        // Cyrillic а and р inside a Latin word.
        assert_eq!(normalize_for_screening("vаpе"), "vape");
        assert_eq!(normalize_for_screening("vaрe"), "vape");
        // Latin n inside a Cyrillic word; a tie follows the rest of the text.
        assert_eq!(normalize_for_screening("вейn"), "veyp");
        assert_eq!(normalize_for_screening("Купить вeйn"), "kupit veyp");
    }

    #[test]
    fn leetspeak_inside_words() {
        assert_eq!(normalize_for_screening("v4p3"), "vap3");
        assert_eq!(normalize_for_screening("s1garet"), "sigaret");
        assert_eq!(normalize_for_screening("$ex"), "sex");
        assert_eq!(normalize_for_screening("10 ml, 100$"), "10 ml 10");
    }

    #[test]
    fn spacing_tricks_join() {
        assert_eq!(normalize_for_screening("v a p e"), "vape");
        assert_eq!(normalize_for_screening("v.a.p.e"), "vape");
        assert_eq!(normalize_for_screening("в-е-й-п"), "veyp");
        // Two single letters are not a spaced-out word.
        assert_eq!(normalize_for_screening("a b"), "a b");
        // Lone leetspeak digits and symbols join a spaced-out word; numbers do not.
        assert_eq!(normalize_for_screening("v.4.p.3"), "v4p3");
        assert_eq!(normalize_for_screening("v.@.p.e"), "vape");
        assert_eq!(normalize_for_screening("3 в 1"), "3 v 1");
    }

    #[test]
    fn repeated_letters_collapse() {
        assert_eq!(normalize_for_screening("vaaaape!!!"), "vape");
        assert_eq!(normalize_for_screening("katta"), "kata");
    }

    #[test]
    fn tokens_keep_plus_and_spans() {
        let folded = fold_text("Faqat 18+ uchun");
        let eighteen = &folded.tokens[1];
        assert_eq!(eighteen.text, "18");
        assert!(eighteen.is_number && eighteen.plus_after);
        assert_eq!(&"Faqat 18+ uchun"[eighteen.span.clone()], "18");
    }

    #[test]
    fn units_and_token_map_agree() {
        let folded = fold_text("a, b. c d e f");
        assert_eq!(folded.units.len(), folded.token_of_unit.len());
    }
}
