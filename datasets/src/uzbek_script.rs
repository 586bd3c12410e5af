//! Uzbek in its two scripts: Latin, as written by the generator, and Cyrillic, derived from it.
//!
//! Every Uzbek text is written once in the Latin script (with the modern `o‘ g‘` letters and
//! the `’` tutuq belgisi) and converted to Cyrillic here, so the two forms never disagree.
//! Brand names and other foreign tokens are wrapped in [`VERBATIM_OPEN`] / [`VERBATIM_CLOSE`]
//! and copied unchanged; words of two or more capitals (`USB`, `STEM`) or mixing letters and
//! digits (`3D`, `LR44`) are copied unchanged too. A span may hold two spellings,
//! `⟦Eksmo|Эксмо⟧`: the Latin one for Latin text, the Cyrillic one for Cyrillic text. The
//! markers never reach the output.

/// Opens a span copied as is into every script.
pub(crate) const VERBATIM_OPEN: char = '⟦';
/// Closes a span opened by [`VERBATIM_OPEN`].
pub(crate) const VERBATIM_CLOSE: char = '⟧';

/// Russian loanwords whose Cyrillic spelling the letter-by-letter rules cannot recover
/// (a soft sign, a `ц` written `s`, an `й` before `e`). Matched at the start of a word.
const LOANWORD_STEMS: &[(&str, &str)] = &[
    ("akvarel", "акварель"),
    ("albom", "альбом"),
    ("ensiklopediya", "энциклопедия"),
    ("folga", "фольга"),
    ("inersiya", "инерция"),
    ("kalyan", "кальян"),
    ("kanselyariya", "канцелярия"),
    ("kartrij", "картридж"),
    ("kolleksi", "коллекци"),
    ("konyak", "коньяк"),
    ("litsenziya", "лицензия"),
    ("molbert", "мольберт"),
    ("mo‘jiza", "мўъжиза"),
    ("politsiya", "полиция"),
    ("ranets", "ранец"),
    ("soyer", "сойер"),
    ("stansiya", "станция"),
];

/// Converts Uzbek Latin text to Uzbek Cyrillic, dropping the verbatim markers.
pub(crate) fn latin_to_cyrillic(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() * 2);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == VERBATIM_OPEN {
            let start = i + 1;
            let end = chars[start..]
                .iter()
                .position(|&c| c == VERBATIM_CLOSE)
                .map_or(chars.len(), |offset| start + offset);
            let span = &chars[start..end];
            let cyrillic_side = span
                .iter()
                .position(|&c| c == '|')
                .map_or(span, |bar| &span[bar + 1..]);
            out.extend(cyrillic_side);
            i = end + 1;
            continue;
        }
        let at_word_start = i == 0 || !is_word_char(chars[i - 1]);
        if at_word_start && c.is_ascii_alphanumeric() {
            let end = ascii_word_end(&chars, i);
            if is_foreign_token(&chars[i..end]) {
                out.extend(&chars[i..end]);
                i = end;
                continue;
            }
            if let Some((stem_len, cyrillic)) = match_loanword(&chars[i..]) {
                push_with_case(&mut out, cyrillic, c.is_uppercase());
                i += stem_len;
                continue;
            }
        }
        if !c.is_ascii_alphabetic() {
            if is_apostrophe(c) && i > 0 && is_letter(chars[i - 1]) {
                // A tutuq belgisi between letters (san’at → санъат).
                out.push('ъ');
            } else {
                out.push(c);
            }
            i += 1;
            continue;
        }
        let (cyrillic, consumed) = transliterate_letter(&chars, i);
        push_with_case(&mut out, cyrillic, c.is_uppercase());
        i += consumed;
    }
    out
}

/// Returns the Latin text without verbatim markers.
pub(crate) fn strip_markers(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find(VERBATIM_OPEN) {
        out.push_str(&rest[..open]);
        let after = &rest[open + VERBATIM_OPEN.len_utf8()..];
        let close = after.find(VERBATIM_CLOSE).unwrap_or(after.len());
        let span = &after[..close];
        out.push_str(span.split('|').next().unwrap_or(span));
        rest = after.get(close + VERBATIM_CLOSE.len_utf8()..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

/// Returns the Latin text without markers and with every apostrophe typed as ASCII `'`,
/// the way many sellers write `o'yinchoq` instead of `o‘yinchoq`.
pub(crate) fn with_ascii_apostrophes(text: &str) -> String {
    strip_markers(text)
        .chars()
        .map(|c| {
            if matches!(c, '‘' | '’' | 'ʻ' | 'ʼ') {
                '\''
            } else {
                c
            }
        })
        .collect()
}

/// Wraps a token (a brand, a model name) so that it survives transliteration unchanged.
pub(crate) fn verbatim(token: &str) -> String {
    format!("{VERBATIM_OPEN}{token}{VERBATIM_CLOSE}")
}

/// Wraps a name spelled differently in each script (`Eksmo`, `Эксмо`).
pub(crate) fn verbatim_pair(latin: &str, cyrillic: &str) -> String {
    format!("{VERBATIM_OPEN}{latin}|{cyrillic}{VERBATIM_CLOSE}")
}

fn transliterate_letter(chars: &[char], i: usize) -> (&'static str, usize) {
    let lower = |k: usize| chars.get(k).map(|c| c.to_ascii_lowercase());
    let c = chars[i].to_ascii_lowercase();
    let next = lower(i + 1);
    let next_is_apostrophe = chars.get(i + 1).is_some_and(|&n| is_apostrophe(n));
    match c {
        'o' if next_is_apostrophe => ("ў", 2),
        'g' if next_is_apostrophe => ("ғ", 2),
        's' if next == Some('h') => ("ш", 2),
        'c' if next == Some('h') => ("ч", 2),
        't' if next == Some('s')
            && lower(i + 2) == Some('i')
            && lower(i + 3) == Some('y')
            && lower(i + 4) == Some('a') =>
        {
            ("ц", 2)
        }
        'y' => {
            let o_without_apostrophe =
                next == Some('o') && !chars.get(i + 2).is_some_and(|&n| is_apostrophe(n));
            match next {
                Some('o') if o_without_apostrophe => ("ё", 2),
                Some('u') => ("ю", 2),
                Some('a') => ("я", 2),
                Some('e') => ("е", 2),
                _ => ("й", 1),
            }
        }
        'e' => {
            let after_vowel = i > 0 && is_vowel(chars[i - 1]);
            let at_word_start = i == 0 || !is_word_char(chars[i - 1]);
            if at_word_start || after_vowel {
                ("э", 1)
            } else {
                ("е", 1)
            }
        }
        'a' => ("а", 1),
        'b' => ("б", 1),
        'c' => ("ц", 1),
        'd' => ("д", 1),
        'f' => ("ф", 1),
        'g' => ("г", 1),
        'h' => ("ҳ", 1),
        'i' => ("и", 1),
        'j' => ("ж", 1),
        'k' => ("к", 1),
        'l' => ("л", 1),
        'm' => ("м", 1),
        'n' => ("н", 1),
        'o' => ("о", 1),
        'p' => ("п", 1),
        'q' => ("қ", 1),
        'r' => ("р", 1),
        's' => ("с", 1),
        't' => ("т", 1),
        'u' => ("у", 1),
        'v' | 'w' => ("в", 1),
        'x' => ("х", 1),
        'z' => ("з", 1),
        _ => ("", 1),
    }
}

fn match_loanword(rest: &[char]) -> Option<(usize, &'static str)> {
    LOANWORD_STEMS.iter().find_map(|(latin, cyrillic)| {
        let stem: Vec<char> = latin.chars().collect();
        let matches = rest.len() >= stem.len()
            && rest
                .iter()
                .zip(&stem)
                .all(|(a, b)| a.to_lowercase().eq(b.to_lowercase()) || both_apostrophes(*a, *b));
        matches.then_some((stem.len(), *cyrillic))
    })
}

fn push_with_case(out: &mut String, cyrillic: &str, uppercase: bool) {
    if uppercase {
        let mut letters = cyrillic.chars();
        if let Some(first) = letters.next() {
            out.extend(first.to_uppercase());
            out.push_str(letters.as_str());
        }
    } else {
        out.push_str(cyrillic);
    }
}

/// A token such as `USB`, `STEM`, `3D` or `LR44`, kept in Latin letters in Cyrillic text.
fn is_foreign_token(word: &[char]) -> bool {
    let capitals = word.iter().filter(|c| c.is_ascii_uppercase()).count();
    let has_digit = word.iter().any(char::is_ascii_digit);
    let has_letter = word.iter().any(char::is_ascii_alphabetic);
    capitals >= 2 || (has_digit && has_letter)
}

fn ascii_word_end(chars: &[char], start: usize) -> usize {
    chars[start..]
        .iter()
        .position(|c| !c.is_ascii_alphanumeric())
        .map_or(chars.len(), |offset| start + offset)
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '‘' | '’' | 'ʻ' | 'ʼ' | '\'' | '`')
}

fn both_apostrophes(a: char, b: char) -> bool {
    is_apostrophe(a) && is_apostrophe(b)
}

fn is_letter(c: char) -> bool {
    c.is_alphabetic()
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_apostrophe(c)
}

fn is_vowel(c: char) -> bool {
    matches!(c.to_ascii_lowercase(), 'a' | 'e' | 'i' | 'o' | 'u')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_everyday_words() {
        let cases = [
            (
                "Yog‘och pazl «Hayvonlar», 24 dona",
                "Ёғоч пазл «Ҳайвонлар», 24 дона",
            ),
            ("qo‘g‘irchoq", "қўғирчоқ"),
            ("O‘yinchoqlar", "Ўйинчоқлар"),
            (
                "Shaqildoqlar va tishlagichlar",
                "Шақилдоқлар ва тишлагичлар",
            ),
            ("ryukzak", "рюкзак"),
            ("tayyorlangan", "тайёрланган"),
            ("yo‘l", "йўл"),
            ("Ertaklar", "Эртаклар"),
            ("aeroport", "аэропорт"),
            ("poyezd", "поезд"),
            ("Mehrobdan chayon", "Меҳробдан чаён"),
            ("Ta’limiy to‘plamlar", "Таълимий тўпламлар"),
            ("koordinatsiya", "координация"),
            ("Ensiklopediyalar", "Энциклопедиялар"),
            ("Kanselyariya tovarlari", "Канцелярия товарлари"),
            ("mashhur", "машҳур"),
            ("svitshot", "свитшот"),
            ("proyektor", "проектор"),
            ("Tom Soyerning", "Том Сойернинг"),
            ("Navro‘z", "Наврўз"),
        ];
        for (latin, cyrillic) in cases {
            assert_eq!(latin_to_cyrillic(latin), cyrillic, "{latin}");
        }
    }

    #[test]
    fn keeps_foreign_tokens_and_verbatim_spans() {
        assert_eq!(latin_to_cyrillic("STEM to‘plami"), "STEM тўплами");
        assert_eq!(latin_to_cyrillic("3D pazl"), "3D пазл");
        assert_eq!(latin_to_cyrillic("USB orqali, 85 dB"), "USB орқали, 85 дБ");
        let text = format!("Konstruktor {} «Kosmos»", verbatim("Melissa & Doug"));
        assert_eq!(
            latin_to_cyrillic(&text),
            "Конструктор Melissa & Doug «Космос»"
        );
        assert_eq!(strip_markers(&text), "Konstruktor Melissa & Doug «Kosmos»");
        let pair = format!("Kitob {}, 32 bet", verbatim_pair("Eksmo", "Эксмо"));
        assert_eq!(strip_markers(&pair), "Kitob Eksmo, 32 bet");
        assert_eq!(latin_to_cyrillic(&pair), "Китоб Эксмо, 32 бет");
    }

    #[test]
    fn reads_ascii_apostrophes_like_modern_ones() {
        assert_eq!(latin_to_cyrillic("o'yinchoq"), "ўйинчоқ");
        assert_eq!(
            with_ascii_apostrophes("O‘yinchoq, san’at"),
            "O'yinchoq, san'at"
        );
        assert_eq!(latin_to_cyrillic("san'at"), "санъат");
    }
}
