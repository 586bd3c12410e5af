//! Text preparation shared by training and scoring, and the normalised key that splits and
//! de-duplicates the datasets.
//!
//! [`clean_text`] strips what social-media dumps carry and a shop never shows (HTML entities,
//! URLs, `@user` handles, VK `[id1|Name]` links, `RT` markers) so that the head does not learn
//! "a tweet looks toxic". It runs on every text before the embedder, in training and in
//! [`crate::toxicity::ToxicityClassifier`] alike.

use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

/// Returns `text` ready for the embedder: HTML entities decoded, URLs removed, `@handles`
/// replaced by `@user`, VK mention links reduced to the name, a retweet's `RT` marker dropped,
/// disguised words undone (Latin look-alikes inside Cyrillic words, `0`/`@`/`1`/`3` standing for
/// letters inside a word: `пpocтo`, `ahm0q`) and whitespace collapsed.
pub fn clean_text(text: &str) -> String {
    let decoded = strip_vk_links(&decode_entities(text));
    let mut words: Vec<String> = Vec::new();
    for word in decoded.split_whitespace() {
        let lower = word.to_ascii_lowercase();
        if lower.starts_with("http://")
            || lower.starts_with("https://")
            || lower.starts_with("www.")
        {
            continue;
        }
        if word == "RT" {
            continue;
        }
        if let Some(handle) = word.strip_prefix('@')
            && handle
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            let tail: String = handle
                .chars()
                .skip_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            words.push(format!("@user{tail}"));
            continue;
        }
        words.push(undisguise_word(word));
    }
    words.join(" ")
}

/// Latin letters that look like Cyrillic ones, as disguised Russian words use them
/// (`пpocтитyкa`, `xyйня`).
const LATIN_TO_CYRILLIC: [(char, char); 24] = [
    ('a', 'а'),
    ('c', 'с'),
    ('e', 'е'),
    ('o', 'о'),
    ('p', 'р'),
    ('x', 'х'),
    ('y', 'у'),
    ('k', 'к'),
    ('m', 'м'),
    ('t', 'т'),
    ('u', 'и'),
    ('i', 'и'),
    ('A', 'А'),
    ('B', 'В'),
    ('C', 'С'),
    ('E', 'Е'),
    ('H', 'Н'),
    ('K', 'К'),
    ('M', 'М'),
    ('O', 'О'),
    ('P', 'Р'),
    ('T', 'Т'),
    ('X', 'Х'),
    ('Y', 'У'),
];

/// Returns `word` with the usual disguises of an insult undone, and unchanged otherwise:
///
/// - in a word with at least as many Cyrillic as Latin letters, Latin look-alikes become Cyrillic
///   (`пpocтитyкa` → `проститутка`);
/// - a digit or symbol standing for a letter *between two letters* becomes that letter:
///   `0` → o, `@` → a, and in Latin words `1` → i, `3` → e, `$` → s, in Cyrillic words
///   `3` → з, `6` → б (`ahm0q` → `ahmoq`, `q@nj1q` → `qanjiq`, `д0лб0ёб` → `долбоёб`).
///
/// Digits at a word's edge are left alone (`3-yoshli`, `5кг`, `LEGO11005`).
pub(crate) fn undisguise_word(word: &str) -> String {
    let chars: Vec<char> = word.chars().collect();
    let is_cyrillic = |c: char| matches!(c, '\u{0400}'..='\u{04FF}');
    let cyrillic = chars.iter().filter(|c| is_cyrillic(**c)).count();
    let latin = chars.iter().filter(|c| c.is_ascii_alphabetic()).count();
    if cyrillic + latin < 2 {
        return word.to_owned();
    }
    let in_cyrillic = cyrillic > 0 && cyrillic >= latin;
    let mut out: Vec<char> = chars.clone();
    for (i, c) in chars.iter().enumerate() {
        if in_cyrillic
            && latin > 0
            && let Some((_, cyr)) = LATIN_TO_CYRILLIC.iter().find(|(lat, _)| lat == c)
        {
            out[i] = *cyr;
            continue;
        }
        let between_letters = i > 0
            && i + 1 < chars.len()
            && chars[i - 1].is_alphabetic()
            && chars[i + 1].is_alphabetic();
        if !between_letters {
            continue;
        }
        out[i] = match (c, in_cyrillic) {
            ('0', true) => 'о',
            ('@', true) => 'а',
            ('3', true) => 'з',
            ('6', true) => 'б',
            ('0', false) => 'o',
            ('@', false) => 'a',
            ('1', false) => 'i',
            ('3', false) => 'e',
            ('$', false) => 's',
            _ => *c,
        };
    }
    out.into_iter().collect()
}

/// Returns the key the datasets are split and de-duplicated by: Unicode NFKC, lowercased,
/// whitespace collapsed (the rule the dataset READMEs use).
pub fn normalise_key(text: &str) -> String {
    let folded: String = text.nfkc().collect::<String>().to_lowercase();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Returns the first four bytes of `sha256(salt || text)` as a big-endian integer.
pub(crate) fn hash32(salt: &str, text: &str) -> u32 {
    let digest = Sha256::new()
        .chain_update(salt.as_bytes())
        .chain_update([0u8])
        .chain_update(text.as_bytes())
        .finalize();
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]])
}

/// Decodes `&amp;`-style and numeric entities; drops numeric entities that are not printable
/// characters (Twitter dumps carry private-use emoji codes such as `&#57361;`).
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('&') {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let end = after
            .char_indices()
            .take(12)
            .find(|(_, c)| *c == ';')
            .map(|(i, _)| i);
        let Some(end) = end else {
            out.push('&');
            rest = &after[1..];
            continue;
        };
        let entity = &after[1..end];
        let decoded: Option<Option<char>> = match entity {
            "amp" => Some(Some('&')),
            "lt" => Some(Some('<')),
            "gt" => Some(Some('>')),
            "quot" => Some(Some('"')),
            "apos" | "#39" => Some(Some('\'')),
            "nbsp" => Some(Some(' ')),
            _ => entity.strip_prefix('#').map(|number| {
                let value = match number.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => number.parse::<u32>().ok(),
                };
                value
                    .and_then(char::from_u32)
                    .filter(|c| !is_private_use(*c) && !c.is_control())
            }),
        };
        match decoded {
            Some(Some(c)) => out.push(c),
            Some(None) => out.push(' '),
            None => out.push_str(&after[..=end]),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

fn is_private_use(c: char) -> bool {
    matches!(u32::from(c), 0xE000..=0xF8FF | 0xF0000..=0x10FFFF)
}

/// Replaces VK mention links `[id123|Name]` (and `[club123|Name]`) with `Name`.
fn strip_vk_links(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('[') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let link = after.find(']').and_then(|end| {
            let inner = &after[..end];
            let (target, name) = inner.split_once('|')?;
            let is_vk = (target.starts_with("id") || target.starts_with("club"))
                && target.len() <= 24
                && !target.contains(' ');
            is_vk.then_some((name, end))
        });
        match link {
            Some((name, end)) => {
                out.push_str(name);
                rest = &after[end + 1..];
            }
            None => {
                out.push('[');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_tweets_and_vk_comments() {
        assert_eq!(
            clean_text("!!! RT @mayasolovely: As a woman &amp; a man &#57361; http://t.co/x"),
            "!!! @user: As a woman & a man"
        );
        assert_eq!(
            clean_text("[id182444802|Роман], уже   всё"),
            "Роман, уже всё"
        );
        assert_eq!(clean_text("a [b] & c;"), "a [b] & c;");
        assert_eq!(clean_text("5 &lt; 6 &#x41;"), "5 < 6 A");
        assert_eq!(clean_text("  "), "");
    }

    #[test]
    fn undoes_disguised_words_and_leaves_plain_ones() {
        for (disguised, plain) in [
            ("пpocтитyкa", "проститука"),
            ("ahm0q", "ahmoq"),
            ("q@nj1q", "qanjiq"),
            ("d@lbay0b", "dalbayob"),
            ("д0лб0ёб", "долбоёб"),
            ("ху3ня", "хузня"),
        ] {
            assert_eq!(undisguise_word(disguised), plain, "{disguised}");
        }
        for plain in [
            "3-yoshli",
            "5кг",
            "LEGO",
            "11005",
            "o'yinchoq",
            "Qo‘g‘irchoq",
            "Кугирчок",
            "iPhone",
            "e-mail",
            "a",
        ] {
            assert_eq!(undisguise_word(plain), plain);
        }
        assert_eq!(
            clean_text("Sotuvchi ahm0q, пpодавец"),
            "Sotuvchi ahmoq, продавец"
        );
    }

    #[test]
    fn keys_fold_case_width_and_spaces() {
        assert_eq!(normalise_key("  Ｑo'g'IRchoq \n juda"), "qo'g'irchoq juda");
        assert_eq!(normalise_key("ТЕКСТ"), "текст");
    }

    #[test]
    fn hashes_are_stable() {
        assert_eq!(hash32("a", "b"), hash32("a", "b"));
        assert_ne!(hash32("a", "b"), hash32("b", "a"));
    }
}
