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
//! Constant weights first, BM25 second: titles are a few words long, in up to four languages, so
//! term frequency and length norms partly measure how many translations a product has, and
//! constants keep exact > stem > prefix > typo and title > brand > description true whatever
//! the catalogue's size. But among products whose words matched equally well, BM25 in titles
//! (each required word's better exact or stem term, times [`TITLE_BM25_WEIGHT`]) puts the short,
//! focused title and the rarer word first (with it, lexical NDCG@10 on the Home Depot dev
//! queries is 0.401 against bm25s's 0.371: `cargo run -p benches --bin relevance`). Equal scores are broken by popularity (see `collector`),
//! which is the business signal that should decide between equally good matches.
//!
//! Typos and prefixes are not searched in descriptions: long free text holds many near-miss
//! words, so they would find more noise than products. Typo variants are looked up in the term
//! dictionary with a Levenshtein automaton (transpositions cost one) before the query runs, the
//! closest and most frequent eight per field kept.
//!
//! Words are combined with AND (every word must match through some alternative): a shopper adds
//! words to narrow down. Stop words ("для", "uchun", "for") and common words (in a fifth of the
//! catalogue or more, like "yosh" or "bolalar") are optional and do not score: they say little
//! about relevance, and their posting lists are the longest. Words the index does not know at
//! all (no term, typo or prefix) are dropped rather than failing the AND.
//!
//! When AND finds nothing, the search relaxes to any required word, then to any word at all,
//! common ones included: OR with coordination. A matched word then scores an extra
//! [`RELAXED_WORD_BONUS`] (required) or [`RELAXED_COMMON_WORD_BONUS`] (common), more than the
//! weights can add up to, so products matching more words always come first. (Relaxing one word
//! at a time would cost a pass per word; each relaxed level is one pass.)
//!
//! A product whose SKU equals the whole query always matches and comes before any text match.

use crate::analysis::{
    WordAnalyzer, WordStems, bounded_typo_distance, fold_word_into, prefix_key, split_words,
};
use crate::schema::{Fields, MAX_SKU_BYTES, audience_year, normalize_sku};
use moderation::Audience;
use std::collections::BTreeMap;
use tantivy::Searcher;
use tantivy::Term;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, EmptyQuery, FuzzyTermQuery,
    Occur, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};

/// Words of a query beyond this many are ignored.
pub(crate) const MAX_QUERY_WORDS: usize = 10;

/// Weights of the exact, stem, prefix and typo alternatives in titles.
const TITLE_WEIGHTS: KindWeights = KindWeights::of_field(3.0);
/// Weights in brand and category names.
const ATTRS_WEIGHTS: KindWeights = KindWeights::of_field(2.0);
/// Score of a matched word, whatever matched it (a description stem is the weakest match);
/// the title and attribute alternatives add their weight above it.
const BASE_WEIGHT: f32 = 1.0;
/// Share of the catalogue above which a word is common: optional under AND, like a stop word
/// (Lucene's common-terms idea). "yosh" (age) or "bolalar" (children) describe most products;
/// requiring them only narrows results arbitrarily, and their posting lists are the longest.
const COMMON_WORD_SHARE: f64 = 0.2;
/// Smallest index whose statistics decide whether a word is common.
const MIN_DOCS_FOR_COMMON_WORDS: u64 = 1_000;
/// Typo variants kept per word and field.
const MAX_TYPO_TERMS: usize = 8;
/// Typo variants read from one segment's dictionary per word and field.
const MAX_TYPO_TERMS_SCANNED: usize = 64;
/// Share of the non-best alternatives added to a word's score.
const TIE_BREAKER: f32 = 0.1;
/// Factor of a required word's BM25 score in titles (exact or stem, the better one), added to
/// its constant weight: it orders products whose words matched equally well (see the module
/// docs), so it stays small next to the gaps between kinds of match.
pub(crate) const TITLE_BM25_WEIGHT: f32 = 0.1;
/// Score of an exact SKU match: above any text match.
const SKU_SCORE: f32 = 100_000.0;
/// Score added per matched required word in a relaxed search: above what the common words of
/// a query can add up to.
const RELAXED_WORD_BONUS: f32 = 1_000.0;
/// Score added per matched common word in a relaxed search, above the most one word can
/// otherwise earn (3, plus a tenth of at most 2 for each of at most 24 other alternatives: under
/// 8).
const RELAXED_COMMON_WORD_BONUS: f32 = 10.0;

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

/// Folded Russian stop words: и в во на для с со по из к от до о а или без у за.
const RUSSIAN_STOP_WORDS: &[&str] = &[
    "i", "v", "vo", "na", "dlya", "s", "so", "po", "iz", "k", "ot", "do", "o", "a", "ili", "bez",
    "u", "za",
];
/// Uzbek stop words.
const UZBEK_STOP_WORDS: &[&str] = &["va", "uchun", "bilan", "ham", "yoki"];
/// English stop words.
const ENGLISH_STOP_WORDS: &[&str] = &[
    "the", "a", "an", "and", "or", "for", "with", "of", "to", "in", "on",
];

/// Returns whether a folded word is a stop word: optional in a query.
fn is_stop_word(folded: &str) -> bool {
    [RUSSIAN_STOP_WORDS, UZBEK_STOP_WORDS, ENGLISH_STOP_WORDS]
        .iter()
        .any(|words| words.contains(&folded))
}

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
    /// Whether the word matches a large share of the catalogue (optional under AND).
    pub(crate) common: bool,
    /// Whether no indexed term matches the word at all, not even a typo or prefix: it is left
    /// out rather than making AND fail.
    pub(crate) unknown: bool,
    /// Title terms within the typo budget (filled by [`AnalyzedQuery::look_up_terms`]).
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
            stop_word: is_stop_word(&folded),
            common: false,
            unknown: false,
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
    /// Every required word must match.
    All,
    /// At least one required word must match; products matching more come first.
    AnyRequired,
    /// At least one non-stop word, common ones included, must match; products matching more
    /// required words come first, then those matching more common words.
    AnyWord,
}

impl AnalyzedQuery {
    /// Returns the words that must match.
    ///
    /// Stop words and, in a large enough index, common words are optional: left out of the
    /// query unless it relaxes to any word. When every word is optional, the common words (else
    /// the stop words) are required after all. Unknown words (no term, typo or prefix in the
    /// index) are never required: they could only make AND fail.
    fn required_words(&self) -> Vec<&QueryWord> {
        let known = || self.words.iter().filter(|word| !word.unknown);
        let required: Vec<&QueryWord> = known().filter(|w| !w.stop_word && !w.common).collect();
        if !required.is_empty() {
            return required;
        }
        let common: Vec<&QueryWord> = known().filter(|word| !word.stop_word).collect();
        if !common.is_empty() {
            return common;
        }
        known().collect()
    }

    /// Returns the known non-stop words (every known word when all are stop words).
    fn content_words(&self) -> Vec<&QueryWord> {
        let known = || self.words.iter().filter(|word| !word.unknown);
        let content: Vec<&QueryWord> = known().filter(|word| !word.stop_word).collect();
        if content.is_empty() {
            known().collect()
        } else {
            content
        }
    }

    /// Returns the strictness levels to try in order, each only if the previous found nothing.
    pub(crate) fn strictness_levels(&self) -> Vec<Strictness> {
        let required = self.required_words().len();
        let mut levels = vec![Strictness::All];
        if required >= 2 {
            levels.push(Strictness::AnyRequired);
        }
        if self.content_words().len() > required {
            levels.push(Strictness::AnyWord);
        }
        levels
    }

    /// Consults the index's dictionaries: which words are common (see [`COMMON_WORD_SHARE`]) or
    /// unknown, and which terms each word may be a typo of.
    pub(crate) fn look_up_terms(
        &mut self,
        searcher: &Searcher,
        fields: &Fields,
    ) -> tantivy::Result<()> {
        let num_docs = searcher.num_docs();
        for word in &mut self.words {
            let coverage = word_coverage(searcher, fields, word)?;
            word.common = num_docs >= MIN_DOCS_FOR_COMMON_WORDS
                && !word.stop_word
                && coverage as f64 >= COMMON_WORD_SHARE * num_docs as f64;
            if word.typo_distance > 0 {
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
            word.unknown = coverage == 0
                && word.title_typos.is_empty()
                && word.attrs_typos.is_empty()
                && prefix_coverage(searcher, fields, word)? == 0;
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

    /// Builds the text part of the query: which products match (every required word, or any
    /// word once relaxed), scored [`BASE_WEIGHT`] per matched word (plus the relaxed bonus),
    /// plus each required word's gain in titles and attributes.
    ///
    /// The matching part is wrapped in constant-score queries, so tantivy evaluates those large
    /// unions (descriptions match many products) without computing scores; only the title and
    /// attribute alternatives, whose posting lists are short, are scored.
    fn build_text(&self, fields: &Fields, strictness: Strictness) -> Box<dyn Query> {
        let required = self.required_words();
        // In a relaxed search each matched word adds a bonus, more for a required word than
        // for any number of common ones, so products matching more words come first.
        let relaxed = |words: &[&QueryWord]| -> Box<dyn Query> {
            let words = words
                .iter()
                .map(|word| {
                    let bonus = if required.iter().any(|r| std::ptr::eq(*r, *word)) {
                        RELAXED_WORD_BONUS
                    } else {
                        RELAXED_COMMON_WORD_BONUS
                    };
                    Box::new(ConstScoreQuery::new(
                        build_word_match(fields, word),
                        BASE_WEIGHT + bonus,
                    )) as Box<dyn Query>
                })
                .collect();
            Box::new(BooleanQuery::union(words))
        };
        let text: Option<Box<dyn Query>> = if required.is_empty() {
            None
        } else {
            let matching: Box<dyn Query> = match strictness {
                Strictness::All => {
                    let words = required
                        .iter()
                        .map(|word| (Occur::Must, build_word_match(fields, word)))
                        .collect();
                    let score = BASE_WEIGHT * required.len() as f32;
                    Box::new(ConstScoreQuery::new(
                        Box::new(BooleanQuery::new(words)),
                        score,
                    ))
                }
                Strictness::AnyRequired => relaxed(&required),
                Strictness::AnyWord => relaxed(&self.content_words()),
            };
            // Only the required words' gains are scored: an optional word is a stop word or a
            // common one, whose matches say little about relevance and whose long posting lists
            // would be sought for every result.
            let mut clauses = vec![(Occur::Must, matching)];
            clauses.extend(
                required
                    .iter()
                    .filter_map(|word| build_word_gain(fields, word))
                    .map(|gain| (Occur::Should, gain)),
            );
            clauses.extend(
                required
                    .iter()
                    .map(|word| (Occur::Should, build_word_bm25(fields, word))),
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

/// Builds a word's BM25 score in titles: the best of its exact and stem terms (whose fields keep
/// frequencies and length norms), scaled by [`TITLE_BM25_WEIGHT`].
fn build_word_bm25(fields: &Fields, word: &QueryWord) -> Box<dyn Query> {
    let scored = |field: Field, text: &str| -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, text),
            IndexRecordOption::WithFreqs,
        ))
    };
    let alternatives = vec![
        scored(fields.title_folded, &word.folded),
        scored(fields.title_stem, &word.stems.snowball),
        scored(fields.title_stem_uz, &word.stems.uzbek),
    ];
    Box::new(BoostQuery::new(
        Box::new(DisjunctionMaxQuery::new(alternatives)),
        TITLE_BM25_WEIGHT,
    ))
}

/// Returns how many products a word matches at least (the largest document frequency among
/// its exact and stem terms).
fn word_coverage(searcher: &Searcher, fields: &Fields, word: &QueryWord) -> tantivy::Result<u64> {
    let stems = &word.stems;
    let terms = [
        (fields.title_folded, word.folded.as_str()),
        (fields.attrs_folded, word.folded.as_str()),
        (fields.title_stem, stems.snowball.as_str()),
        (fields.title_stem_uz, stems.uzbek.as_str()),
        (fields.attrs_stem, stems.snowball.as_str()),
        (fields.attrs_stem, stems.uzbek.as_str()),
        (fields.desc_stem, stems.snowball.as_str()),
        (fields.desc_stem_uz, stems.uzbek.as_str()),
    ];
    let mut coverage = 0;
    for (field, text) in terms {
        coverage = coverage.max(searcher.doc_freq(&Term::from_field_text(field, text))?);
    }
    Ok(coverage)
}

/// Returns how many products a word's as-you-type prefix matches at least (0 without a prefix).
fn prefix_coverage(searcher: &Searcher, fields: &Fields, word: &QueryWord) -> tantivy::Result<u64> {
    let Some(key) = &word.prefix else {
        return Ok(0);
    };
    let title = searcher.doc_freq(&Term::from_field_text(fields.title_prefix, key))?;
    let attrs = searcher.doc_freq(&Term::from_field_text(fields.attrs_prefix, key))?;
    Ok(title.max(attrs))
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
            vec![Strictness::All, Strictness::AnyRequired]
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
