//! Title highlighting: matched words wrapped in `<mark>`, everything HTML-escaped.
//!
//! A title word is highlighted when it would match a query word the way the index does:
//! same folded form (so a Cyrillic query highlights a Latin title), a shared stem, within the
//! query word's typo budget, or starting with the as-you-type prefix. Offsets come from the
//! original title, so the marked text is exactly what the shopper sees.

use crate::analysis::{WordAnalyzer, bounded_typo_distance, fold_word_into, split_words};
use crate::query::{AnalyzedQuery, QueryWord};

const MARK_OPEN: &str = "<mark>";
const MARK_CLOSE: &str = "</mark>";

/// Appends `text` to `out` with `& < > " '` escaped.
pub(crate) fn escape_html_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
}

/// Returns whether a title word (folded) matches a query word without looking at stems.
fn matches_surface(folded: &str, word: &QueryWord) -> bool {
    folded == word.folded
        || word
            .prefix
            .as_deref()
            .is_some_and(|prefix| folded.starts_with(prefix))
        || (word.typo_distance > 0
            && bounded_typo_distance(folded, &word.folded, word.typo_distance).is_some())
}

/// Returns `title` HTML-escaped, with the words matching `query` wrapped in `<mark>`.
pub(crate) fn highlight_title(title: &str, query: &AnalyzedQuery) -> String {
    let mut out = String::with_capacity(title.len() + 32);
    let has_content = query.words.iter().any(|word| !word.stop_word);
    let words: Vec<&QueryWord> = query
        .words
        .iter()
        .filter(|word| !has_content || !word.stop_word)
        .collect();
    let mut analyzer = WordAnalyzer::default();
    let mut folded = String::new();
    let mut cursor = 0;
    for range in split_words(title) {
        let original = &title[range.clone()];
        fold_word_into(original, &mut folded);
        if folded.is_empty() || words.is_empty() {
            continue;
        }
        let matched = words.iter().any(|word| matches_surface(&folded, word)) || {
            let stems = analyzer.stem(original, &folded);
            words.iter().any(|word| {
                word.stems.snowball == stems.snowball || word.stems.uzbek == stems.uzbek
            })
        };
        if matched {
            escape_html_into(&title[cursor..range.start], &mut out);
            out.push_str(MARK_OPEN);
            escape_html_into(original, &mut out);
            out.push_str(MARK_CLOSE);
            cursor = range.end;
        }
    }
    escape_html_into(&title[cursor..], &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::analyze_query;

    #[test]
    fn marks_matches_across_scripts_and_escapes_the_rest() {
        let query = analyze_query("қўғирчоқ");
        assert_eq!(
            highlight_title("Qo'g'irchoq <Barbi> & \"do'st\"", &query),
            "<mark>Qo&#39;g&#39;irchoq</mark> &lt;Barbi&gt; &amp; &quot;do&#39;st&quot;"
        );
    }

    #[test]
    fn marks_stems_typos_and_prefixes() {
        let query = analyze_query("машинки konstruktr lego");
        assert_eq!(
            highlight_title("Машинка и Konstruktor LEGO-City", &query),
            "<mark>Машинка</mark> и <mark>Konstruktor</mark> <mark>LEGO</mark>-City"
        );
        let typing = analyze_query("ci");
        assert_eq!(
            highlight_title("LEGO City", &typing),
            "LEGO <mark>City</mark>"
        );
    }

    #[test]
    fn script_in_title_is_escaped() {
        let query = analyze_query("toy");
        assert_eq!(
            highlight_title("<script>alert(1)</script> toy", &query),
            "&lt;script&gt;alert(1)&lt;/script&gt; <mark>toy</mark>"
        );
    }
}
