//! Highlighted reasons for a moderator: which words of which field each reason matched.
//!
//! The screening quotes the original text it matched in a reason's evidence
//! (`"вейп" on a listing tagged from 36 months`); every quoted term is looked up in every
//! field of the listing, and the field is returned with its matches as character ranges and
//! as HTML-escaped text with `<mark>` around them.

use serde::Serialize;
use utoipa::ToSchema;

/// One matched term in a field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct TermMatch {
    /// The reason code (e.g. `lexicon_tobacco`).
    pub reason: String,
    /// The matched text.
    pub term: String,
    /// First character (Unicode scalar values from the field's start).
    pub start: usize,
    /// One past the last character.
    pub end: usize,
}

/// A field of the listing with the terms the screening matched in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldHighlight {
    /// `title.uz`, `title.uz-Cyrl`, `description.ru`, `variant.SKU-1.color`...
    pub field: String,
    /// The field's text, HTML-escaped, with `<mark data-reason="…">` around each match.
    pub marked: String,
    /// The matches, in text order, not overlapping.
    pub matches: Vec<TermMatch>,
}

/// Returns the quoted terms of a reason's evidence.
pub fn quoted_terms(evidence: &str) -> Vec<String> {
    evidence
        .split('"')
        .skip(1)
        .step_by(2)
        .map(|term| term.trim_end_matches('…').trim())
        .filter(|term| !term.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Returns the fields (name, text) in which a reason's quoted terms occur, with the matches.
pub fn highlight_fields(
    fields: &[(String, String)],
    reasons: &[moderation::Reason],
) -> Vec<FieldHighlight> {
    let terms: Vec<(&str, String)> = reasons
        .iter()
        .flat_map(|reason| {
            quoted_terms(&reason.evidence)
                .into_iter()
                .map(move |term| (reason.code.as_str(), term))
        })
        .collect();
    let mut out = Vec::new();
    for (name, text) in fields {
        let mut byte_matches: Vec<(usize, usize, &str, &str)> = Vec::new();
        for (code, term) in &terms {
            for (start, found) in text.match_indices(term.as_str()) {
                byte_matches.push((start, start + found.len(), code, found));
            }
        }
        if byte_matches.is_empty() {
            continue;
        }
        // Longest first at each start, then drop overlaps.
        byte_matches.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let mut kept: Vec<(usize, usize, &str, &str)> = Vec::new();
        for candidate in byte_matches {
            if kept.last().is_none_or(|last| candidate.0 >= last.1) {
                kept.push(candidate);
            }
        }
        let chars_before = |byte: usize| text.get(..byte).map_or(0, |head| head.chars().count());
        let mut marked = String::new();
        let mut cursor = 0;
        let mut matches = Vec::new();
        for (start, end, code, found) in kept {
            marked.push_str(&escape_html(text.get(cursor..start).unwrap_or_default()));
            marked.push_str(&format!(
                "<mark data-reason=\"{}\">{}</mark>",
                escape_html(code),
                escape_html(found)
            ));
            cursor = end;
            matches.push(TermMatch {
                reason: code.to_owned(),
                term: found.to_owned(),
                start: chars_before(start),
                end: chars_before(end),
            });
        }
        marked.push_str(&escape_html(text.get(cursor..).unwrap_or_default()));
        out.push(FieldHighlight {
            field: name.clone(),
            marked,
            matches,
        });
    }
    out
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
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
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use moderation::{Reason, RiskCategory};

    fn reason(code: &str, evidence: &str) -> Reason {
        Reason {
            code: code.to_owned(),
            category: RiskCategory::Tobacco,
            score: 0.9,
            evidence: evidence.to_owned(),
        }
    }

    #[test]
    fn quoted_terms_are_found_per_field_and_escaped() {
        let fields = vec![
            ("title.ru".to_owned(), "Вейп <b>для</b> детей".to_owned()),
            ("title.en".to_owned(), "Soft bear".to_owned()),
            (
                "description.ru".to_owned(),
                "Наш вейп и ещё вейп".to_owned(),
            ),
        ];
        let reasons = [reason(
            "lexicon_tobacco",
            "\"Вейп\" on a listing tagged from 36 months; \"вейп\"",
        )];
        let found = highlight_fields(&fields, &reasons);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].field, "title.ru");
        assert_eq!(
            found[0].marked,
            "<mark data-reason=\"lexicon_tobacco\">Вейп</mark> &lt;b&gt;для&lt;/b&gt; детей"
        );
        assert_eq!(found[0].matches[0].start, 0);
        assert_eq!(found[0].matches[0].end, 4);
        assert_eq!(found[1].field, "description.ru");
        assert_eq!(found[1].matches.len(), 2);
        assert_eq!(found[1].matches[0].start, 4);
    }

    #[test]
    fn evidence_without_quotes_highlights_nothing() {
        let fields = vec![("title.en".to_owned(), "Teddy".to_owned())];
        let reasons = [reason(
            "model_unavailable",
            "model_text_toxicity: not loaded",
        )];
        assert!(highlight_fields(&fields, &reasons).is_empty());
        assert_eq!(quoted_terms("a \"b\" c \"d…\""), ["b", "d"]);
    }
}
