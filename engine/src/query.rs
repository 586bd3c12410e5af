//! From a shopper's text to a tantivy query, built programmatically (no query syntax is ever
//! parsed, so no input can be a syntax error).
//!
//! Each query word becomes a disjunction over the ways it may match; the word scores the weight
//! of its best alternative plus a tenth of the other title and attribute alternatives' weight
//! above 1 (so a word found in the title *and* the brand edges ahead). Weights are constants, by
//! field and by kind of match; a word matched only through weaker alternatives scores 1:
//!
//! | kind of match                                          | title   | brand/category | description |
//! |--------------------------------------------------------|---------|----------------|-------------|
//! | exact (folded word)                                    | 3       | 2              | 1 (as stem) |
//! | stem (Russian/English Snowball, Uzbek suffixes)        | 2.4     | 1.6            | 1           |
//! | as-you-type prefix (last word, while typing)           | 1.8     | 1.2            | —           |
//! | typo, 1 edit / 2 edits (from 5 / 9 letters)            | 1.5/1.2 | 1/1            | —           |
//!
//! Constant weights rather than BM25: titles are a few words long, in up to four languages, so
//! term frequency and length norms measure how many translations a product has, not how well
//! it matches; and constants keep exact > stem > prefix > typo and title > brand > description
//! true whatever the catalogue's size. Equal scores are broken by popularity (see `collector`),
//! which is the business signal that should decide between equally good matches.
//!
//! Typos and prefixes are not searched in descriptions: long free text holds many near-miss
//! words, so they would find more noise than products. Typo variants are looked up in the term
//! dictionary with a Levenshtein automaton (transpositions cost one) before the query runs, the
//! closest and most frequent eight per field kept.
//!
//! Words are combined with AND (every word must match through some alternative): a shopper adds
//! words to narrow down. Stop words ("для", "uchun", "for") are optional. When AND finds nothing,
//! the search relaxes to all-but-one word, then (from three words) to any word; a relaxed word
//! scores an extra [`RELAXED_WORD_BONUS`], more than any word's weights can add up to, so
//! documents matching more words always come first. A document whose SKU equals the whole query
//! always matches and comes before any text match.

use crate::analysis::{
    WordAnalyzer, WordStems, bounded_typo_distance, fold_word_into, prefix_key, split_words,
};
use crate::schema::{Fields, audience_year, normalize_sku};
use moderation::Audience;
use std::collections::BTreeMap;
use tantivy::Searcher;
use tantivy::Term;
use tantivy::query::{
    BooleanQuery, ConstScoreQuery, DisjunctionMaxQuery, EmptyQuery, FuzzyTermQuery, Occur, Query,
    TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};

/// Words of a query beyond this many are ignored.
pub(crate) const MAX_QUERY_WORDS: usize = 10;
/// Longest SKU looked up, in bytes.
const MAX_SKU_BYTES: usize = 64;

/// Weights of the exact, stem, prefix and typo alternatives in titles.
const TITLE_WEIGHTS: KindWeights = KindWeights::of_field(3.0);
/// Weights in brand and category names.
const ATTRS_WEIGHTS: KindWeights = KindWeights::of_field(2.0);
/// Score of a matched word, whatever matched it (a description stem is the weakest match);
/// the title and attribute alternatives add their weight above it.
const BASE_WEIGHT: f32 = 1.0;
/// Typo variants kept per word and field.
const MAX_TYPO_TERMS: usize = 8;
/// Typo variants read from one segment's dictionary per word and field.
const MAX_TYPO_TERMS_SCANNED: usize = 64;
/// Share of the non-best alternatives added to a word's score.
const TIE_BREAKER: f32 = 0.1;
/// Score of an exact SKU match: above any text match.
const SKU_SCORE: f32 = 10_000.0;
/// Score added per matched word in a relaxed search, above the most one word can otherwise earn
/// (3, plus a tenth of at most 2 for each of at most 24 other alternatives: under 8).
const RELAXED_WORD_BONUS: f32 = 100.0;

/// The weight of each kind of match in one field.
#[derive(Debug, Clone, Copy)]
struct KindWeights {
    exact: f32,
    stem: f32,
    prefix: f32,
    typo: f32,
}

impl KindWeights {
    /// Scales the kind factors (exact 1, stem 0.8, prefix 0.6, typo 0.5) by a field weight.
    const fn of_field(field: f32) -> Self {
        Self {
            exact: field,
            stem: field * 0.8,
            prefix: field * 0.6,
            typo: field * 0.5,
        }
    }
}

/// Folded stop words of Russian, Uzbek and English: optional in a query.
const STOP_WORDS: &[&str] = &[
    // Russian (folded): и в во на для с со по из к от до о а или без у за
    "i", "v", "vo", "na", "dlya", "s", "so", "po", "iz", "k", "ot", "do", "o", "a", "ili", "bez",
    "u", "za", // Uzbek
    "va", "uchun", "bilan", "ham", "yoki", // English
    "the", "an", "and", "or", "for", "with", "of", "to", "in", "on",
];

/// One analysed query word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct QueryWord {
    /// The folded word.
    pub(crate) folded: String,
    /// Its stems.
    pub(crate) stems: WordStems,
    /// Edits a typo match may make (0: none).
    pub(crate) typo_distance: u8,
    /// The as-you-type key, for the last word when the shopper may still be typing it.
    pub(crate) prefix: Option<String>,
    /// Whether the word is a stop word (optional under AND).
    pub(crate) stop_word: bool,
    /// Title terms within the typo budget (filled by [`AnalyzedQuery::expand_typos`]).
    pub(crate) title_typos: Vec<TypoTerm>,
    /// Brand and category terms within the typo budget.
    pub(crate) attrs_typos: Vec<TypoTerm>,
}

/// An analysed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AnalyzedQuery {
    /// The words, at most [`MAX_QUERY_WORDS`].
    pub(crate) words: Vec<QueryWord>,
    /// The whole query as an SKU, when it could be one.
    pub(crate) sku: Option<String>,
    /// Whether the query is blank: browse everything.
    pub(crate) browse: bool,
}

/// Returns the typo budget of a folded word: 0 below 5 characters, 1 from 5, 2 from 9.
pub(crate) fn typo_distance(folded: &str) -> u8 {
    match folded.chars().count() {
        0..5 => 0,
        5..9 => 1,
        _ => 2,
    }
}

/// Analyses a shopper's query.
pub(crate) fn analyze_query(query: &str) -> AnalyzedQuery {
    let browse = query.trim().is_empty();
    let mut words: Vec<QueryWord> = Vec::new();
    let mut analyzer = WordAnalyzer::default();
    let mut folded = String::new();
    let mut last_end = None;
    for range in split_words(query) {
        if words.len() == MAX_QUERY_WORDS {
            last_end = None;
            break;
        }
        let word = &query[range.clone()];
        fold_word_into(word, &mut folded);
        if folded.is_empty() {
            continue;
        }
        let stems = analyzer.stem(word, &folded);
        words.push(QueryWord {
            typo_distance: typo_distance(&folded),
            stop_word: STOP_WORDS.contains(&folded.as_str()),
            folded: folded.clone(),
            stems,
            prefix: None,
            title_typos: Vec::new(),
            attrs_typos: Vec::new(),
        });
        last_end = Some(range.end);
    }
    // The shopper may still be typing the last word unless something follows it.
    if last_end == Some(query.len())
        && let Some(last) = words.last_mut()
    {
        last.prefix = prefix_key(&last.folded).map(str::to_string);
    }
    let sku = normalize_sku(query);
    let sku = (!sku.is_empty() && sku.len() <= MAX_SKU_BYTES).then_some(sku);
    AnalyzedQuery { words, sku, browse }
}

/// How strictly the words of a query must match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Strictness {
    /// Every non-stop word must match.
    All,
    /// At least this many non-stop words must match.
    AtLeast(usize),
}

impl AnalyzedQuery {
    /// Returns the non-stop words (every word when all are stop words), and the stop words.
    fn split_stop_words(&self) -> (Vec<&QueryWord>, Vec<&QueryWord>) {
        let (stop, content): (Vec<&QueryWord>, Vec<&QueryWord>) =
            self.words.iter().partition(|word| word.stop_word);
        if content.is_empty() {
            (stop, Vec::new())
        } else {
            (content, stop)
        }
    }

    /// Returns the strictness levels to try in order, each only if the previous found nothing.
    pub(crate) fn strictness_levels(&self) -> Vec<Strictness> {
        let (content, _) = self.split_stop_words();
        let mut levels = vec![Strictness::All];
        let count = content.len();
        if count >= 2 {
            levels.push(Strictness::AtLeast(count - 1));
        }
        if count >= 3 {
            levels.push(Strictness::AtLeast(1));
        }
        levels
    }

    /// Looks up the dictionary terms each word may be a typo of.
    pub(crate) fn expand_typos(
        &mut self,
        searcher: &Searcher,
        fields: &Fields,
    ) -> tantivy::Result<()> {
        for word in &mut self.words {
            if word.typo_distance == 0 {
                continue;
            }
            word.title_typos = expand_typos(
                searcher,
                fields.title_folded,
                &word.folded,
                word.typo_distance,
            )?;
            word.attrs_typos = expand_typos(
                searcher,
                fields.attrs_folded,
                &word.folded,
                word.typo_distance,
            )?;
        }
        Ok(())
    }

    /// Returns whether the query matches by relevance (a blank query browses).
    pub(crate) fn is_textual(&self) -> bool {
        !self.browse
    }

    /// Builds the tantivy query at a strictness level.
    pub(crate) fn build(
        &self,
        fields: &Fields,
        strictness: Strictness,
        audience: Audience,
    ) -> Box<dyn Query> {
        if self.browse {
            // Browsing visits every admissible product, so a coarse indexed pre-filter on the
            // audience's age year saves the collector from visiting the others; the collector
            // checks the exact months. (A text query iterates its own postings: intersecting
            // it with the filter costs more in seeks than the collector's check saves.)
            let year = audience_year(audience.age_months());
            let age_term = Term::from_field_u64(fields.age_years, year);
            return Box::new(ConstScoreQuery::new(
                Box::new(TermQuery::new(age_term, IndexRecordOption::Basic)),
                0.0,
            ));
        }
        self.build_text(fields, strictness)
    }

    /// Builds the text part of the query: which documents match (every content word, or at
    /// least `minimum` of them), scored `BASE_WEIGHT` per matched word (plus the relaxed bonus),
    /// plus each word's gain in titles and attributes.
    ///
    /// The matching part is wrapped in constant-score queries, so tantivy evaluates those large
    /// unions (descriptions match many products) without computing scores; only the title and
    /// attribute alternatives, whose posting lists are short, are scored.
    fn build_text(&self, fields: &Fields, strictness: Strictness) -> Box<dyn Query> {
        let (content, stop) = self.split_stop_words();
        let text: Option<Box<dyn Query>> = if content.is_empty() {
            None
        } else {
            let required: Box<dyn Query> = match strictness {
                Strictness::All => {
                    let words = content
                        .iter()
                        .map(|word| (Occur::Must, build_word_match(fields, word)))
                        .collect();
                    let score = BASE_WEIGHT * content.len() as f32;
                    Box::new(ConstScoreQuery::new(
                        Box::new(BooleanQuery::new(words)),
                        score,
                    ))
                }
                Strictness::AtLeast(minimum) => {
                    let words = content
                        .iter()
                        .map(|word| {
                            Box::new(ConstScoreQuery::new(
                                build_word_match(fields, word),
                                BASE_WEIGHT + RELAXED_WORD_BONUS,
                            )) as Box<dyn Query>
                        })
                        .collect();
                    Box::new(BooleanQuery::union_with_minimum_required_clauses(
                        words,
                        minimum.max(1),
                    ))
                }
            };
            let mut clauses = vec![(Occur::Must, required)];
            clauses.extend(
                content
                    .iter()
                    .chain(&stop)
                    .filter_map(|word| build_word_gain(fields, word))
                    .map(|gain| (Occur::Should, gain)),
            );
            Some(Box::new(BooleanQuery::new(clauses)))
        };
        let sku: Option<Box<dyn Query>> = self
            .sku
            .as_ref()
            .map(|sku| constant(fields.sku, sku, SKU_SCORE));
        match (text, sku) {
            (Some(text), Some(sku)) => Box::new(BooleanQuery::union(vec![text, sku])),
            (Some(query), None) | (None, Some(query)) => query,
            (None, None) => Box::new(EmptyQuery),
        }
    }
}

/// A term query (unscored: wrap it to score).
fn term(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::Basic,
    ))
}

/// A term query scoring a constant.
fn constant(field: Field, text: &str, score: f32) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(term(field, text), score))
}

/// The title and attribute fields of one word, with their weights.
struct ShortText<'a> {
    folded: Field,
    snowball_stem: Field,
    uzbek_stem: Field,
    prefix: Field,
    typos: &'a [TypoTerm],
    weights: KindWeights,
}

/// Lists the (field, term, weight) of every way a word may match in titles and attributes.
fn short_text_alternatives<'a>(fields: &Fields, word: &'a QueryWord) -> Vec<(Field, &'a str, f32)> {
    let stems = &word.stems;
    let areas = [
        ShortText {
            folded: fields.title_folded,
            snowball_stem: fields.title_stem,
            uzbek_stem: fields.title_stem_uz,
            prefix: fields.title_prefix,
            typos: &word.title_typos,
            weights: TITLE_WEIGHTS,
        },
        ShortText {
            folded: fields.attrs_folded,
            snowball_stem: fields.attrs_stem,
            uzbek_stem: fields.attrs_stem,
            prefix: fields.attrs_prefix,
            typos: &word.attrs_typos,
            weights: ATTRS_WEIGHTS,
        },
    ];
    let mut alternatives = Vec::with_capacity(24);
    for area in areas {
        let weights = area.weights;
        alternatives.push((area.folded, word.folded.as_str(), weights.exact));
        alternatives.push((area.snowball_stem, stems.snowball.as_str(), weights.stem));
        if area.uzbek_stem != area.snowball_stem || stems.uzbek != stems.snowball {
            alternatives.push((area.uzbek_stem, stems.uzbek.as_str(), weights.stem));
        }
        if let Some(key) = &word.prefix {
            alternatives.push((area.prefix, key.as_str(), weights.prefix));
        }
        for typo in area.typos {
            let weight = weights.typo * typo_factor(typo.distance);
            alternatives.push((area.folded, typo.term.as_str(), weight));
        }
    }
    alternatives
}

/// Builds the (unscored) disjunction of every way one word may match: titles and attributes
/// (exact, stems, prefix, typos) and descriptions (stems only: an exact word shares its stem).
fn build_word_match(fields: &Fields, word: &QueryWord) -> Box<dyn Query> {
    let mut alternatives: Vec<Box<dyn Query>> = short_text_alternatives(fields, word)
        .into_iter()
        .map(|(field, text, _)| term(field, text))
        .collect();
    alternatives.push(term(fields.desc_stem, &word.stems.snowball));
    alternatives.push(term(fields.desc_stem_uz, &word.stems.uzbek));
    Box::new(BooleanQuery::union(alternatives))
}

/// Builds a word's gain over a description match: the best title or attribute alternative's
/// weight above [`BASE_WEIGHT`], plus a tenth of the other matching alternatives' gains.
fn build_word_gain(fields: &Fields, word: &QueryWord) -> Option<Box<dyn Query>> {
    let alternatives: Vec<Box<dyn Query>> = short_text_alternatives(fields, word)
        .into_iter()
        .filter(|(_, _, weight)| *weight > BASE_WEIGHT)
        .map(|(field, text, weight)| constant(field, text, weight - BASE_WEIGHT))
        .collect();
    (!alternatives.is_empty()).then(|| {
        Box::new(DisjunctionMaxQuery::with_tie_breaker(
            alternatives,
            TIE_BREAKER,
        )) as Box<dyn Query>
    })
}

/// Scales a typo match's weight by its distance: one edit 1, two edits 0.8.
fn typo_factor(distance: u8) -> f32 {
    match distance {
        0 | 1 => 1.0,
        _ => 0.8,
    }
}

/// A dictionary term within a query word's typo budget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TypoTerm {
    /// The indexed (folded) term.
    pub(crate) term: String,
    /// Its edit distance to the query word (1 or 2).
    pub(crate) distance: u8,
}

/// Finds the terms of `field` within `distance` edits of `word` (the word itself excluded),
/// closest first, then most frequent; at most [`MAX_TYPO_TERMS`].
///
/// Expanding here, rather than with a fuzzy query, lets each variant score by its distance,
/// skips re-reading the exact word's postings, and reads only the few posting lists kept.
fn expand_typos(
    searcher: &Searcher,
    field: Field,
    word: &str,
    distance: u8,
) -> tantivy::Result<Vec<TypoTerm>> {
    let automaton =
        FuzzyTermQuery::new(Term::from_field_text(field, word), distance, true).automaton()?;
    // term -> (distance, document frequency over all segments)
    let mut found: BTreeMap<String, (u8, u64)> = BTreeMap::new();
    for segment in searcher.segment_readers() {
        let inverted_index = segment.inverted_index(field)?;
        let mut stream = inverted_index.terms().search(&automaton).into_stream()?;
        let mut scanned = 0;
        while scanned < MAX_TYPO_TERMS_SCANNED && stream.advance() {
            scanned += 1;
            let Ok(term) = std::str::from_utf8(stream.key()) else {
                continue;
            };
            if term == word {
                continue;
            }
            let doc_freq = u64::from(stream.value().doc_freq);
            if let Some((_, total)) = found.get_mut(term) {
                *total += doc_freq;
            } else if let Some(edits) = bounded_typo_distance(term, word, distance) {
                found.insert(term.to_string(), (edits.max(1), doc_freq));
            }
        }
    }
    let mut typos: Vec<(String, (u8, u64))> = found.into_iter().collect();
    typos.sort_by(|(_, (d1, f1)), (_, (d2, f2))| d1.cmp(d2).then(f2.cmp(f1)));
    typos.truncate(MAX_TYPO_TERMS);
    Ok(typos
        .into_iter()
        .map(|(term, (distance, _))| TypoTerm { term, distance })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typo_budget_grows_with_length() {
        assert_eq!(typo_distance("kukl"), 0);
        assert_eq!(typo_distance("kukla"), 1);
        assert_eq!(typo_distance("konstrukt"), 2);
    }

    #[test]
    fn last_word_is_a_prefix_only_while_typing() {
        let typing = analyze_query("lego konst");
        assert_eq!(typing.words.len(), 2);
        assert_eq!(typing.words[0].prefix, None);
        assert_eq!(typing.words[1].prefix.as_deref(), Some("konst"));
        let done = analyze_query("lego konst ");
        assert_eq!(done.words[1].prefix, None);
        let one_letter = analyze_query("lego k");
        assert_eq!(one_letter.words[1].prefix, None);
    }

    #[test]
    fn stop_words_are_optional_unless_alone() {
        let query = analyze_query("kitob bolalar uchun");
        assert_eq!(
            query.strictness_levels(),
            vec![Strictness::All, Strictness::AtLeast(1)]
        );
        assert!(query.words[2].stop_word);
        let only_stop = analyze_query("для");
        assert_eq!(only_stop.words.len(), 1);
        assert_eq!(only_stop.strictness_levels(), vec![Strictness::All]);
    }

    #[test]
    fn words_beyond_the_limit_are_ignored() {
        let query = analyze_query(&"so'z ".repeat(50));
        assert_eq!(query.words.len(), MAX_QUERY_WORDS);
        assert!(query.words.iter().all(|word| word.prefix.is_none()));
    }

    #[test]
    fn symbols_give_no_words_but_browse_only_when_blank() {
        let symbols = analyze_query("!!! ??? ***");
        assert!(symbols.words.is_empty());
        assert!(!symbols.browse);
        assert!(analyze_query("   ").browse);
    }
}
