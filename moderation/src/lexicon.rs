//! Lexicons: the vocabulary screening looks for, and the matcher that finds it in folded text.
//!
//! The vocabulary lives in `lexicon/terms.rs` as [`Concept`]s: one idea (a vape, a hunting knife,
//! "only for adults") with its words in Uzbek Latin, Uzbek Cyrillic, Russian and English, and a
//! [`Role`] saying what a match means. Term syntax:
//!
//! - words are matched whole: `нож` matches `нож` but not `ножницы`;
//! - a trailing `*` makes a stem: `вейп*` matches `вейпы`, `вейпов`; `pichoq*` matches
//!   `pichoqlar`; stems may appear inside phrases (`азартн* игр* на деньги`);
//! - `lat:` / `cyr:` restricts a term to words written in that script, for the rare term whose
//!   transliteration collides with an ordinary word of the other language.
//!
//! Terms are folded like the text (see `normalize.rs`), and Cyrillic terms are also expanded
//! into the usual Latin spellings of their letters (`ж` → `j`/`zh`, `х` → `x`/`h`/`kh`,
//! `ё` → `yo`/`e`, `ы` → `i`/`y`, ...), so `нож` also matches `nozh` and `ликёр` matches
//! `liker`. The compiled trie is built once ([`LEXICON`]).

mod terms;

use std::ops::Range;
use std::sync::LazyLock;

use unicode_normalization::UnicodeNormalization;

use crate::RiskCategory;
use crate::age_rules::Hazard;
use crate::normalize::{
    Fold, FoldedText, Script, UnitKind, cyrillic_letter, is_ignorable, latin_base,
};

pub(crate) use terms::CONCEPTS;

/// How a risk term reacts to the context around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sensitivity {
    /// Unambiguous (`вейп`, `кастет`, `порно`): context does not change the score.
    Strong,
    /// Ambiguous in a kids' shop (`нож`, `пистолет`, `сигареты`): a safe cue of its category
    /// (toy, plastic, chocolate...) or a nearby negation softens it, a danger cue (blade,
    /// hunting, caliber...) strengthens it.
    Contextual,
    /// An ingredient or property (`спирт`, `никотин`, `мелкие детали`): a nearby negation
    /// (`без спирта`, `nikotinsiz`, `no small parts`) removes it.
    Ingredient,
}

/// What a match of a concept means.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Role {
    /// A risk signal of `category` with a base score in `0.0..=1.0`. A score of `0.0` makes an
    /// override: a phrase that contains a risk term but means something harmless
    /// (`винного цвета`, `glue gun`); it wins over the risk terms of its category inside it.
    Risk {
        category: RiskCategory,
        score: f32,
        sensitivity: Sensitivity,
    },
    /// A product property that is a hazard for young children (scored by `age_rules.rs`).
    Hazard {
        hazard: Hazard,
        sensitivity: Sensitivity,
    },
    /// Context that makes ambiguous terms of `category` harmless (toy, plastic, chocolate).
    SafeCue(RiskCategory),
    /// Context that makes ambiguous terms of `category` dangerous (blade, hunting, caliber).
    DangerCue(RiskCategory),
    /// A negation that applies to terms up to `before` words after it, or `after` words before
    /// it (`без`, `no`, `-free`, `yo‘q`).
    Negation { before: u8, after: u8 },
    /// Text saying the product is for adults only (`faqat kattalar uchun`, `adults only`).
    AdultOnly,
    /// A "not for children" phrase: an age warning if an age follows, adults-only otherwise.
    ChildWarning,
    /// Supervision wording (`без присмотра взрослых`): turns a nearby child warning into a
    /// supervision note.
    Supervision,
    /// Wording that addresses adults as the buyers (`для взрослых`, `kattalar uchun`, `adult`),
    /// weaker than [`Role::AdultOnly`]: it counts only when no [`Role::SharedAudience`] wording
    /// shares its sentence.
    AdultAudience,
    /// Wording that puts adults next to children or uses the word for something other than the
    /// audience (`для детей и взрослых`, `the whole family`, `adult supervision`, `как у
    /// взрослых`): it cancels [`Role::AdultAudience`] in the same sentence.
    SharedAudience,
    /// A cue that turns adult-audience wording into adult content (role-play, stockings,
    /// figure-hugging). A strong cue is enough on its own; weak cues (`paypoq`, `night`) need a
    /// second one.
    SexualisedCue { strong: bool },
    /// Wording of a set made of many pieces (construction sets, puzzles, mosaics): piece counts
    /// in generic units (`560 dona`, `300 шт`) count as parts only next to it.
    PartsSet,
}

/// One idea with its words in every language.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Concept {
    /// Stable identifier, unique in the lexicon (used to deduplicate evidence).
    pub id: &'static str,
    pub role: Role,
    pub terms: &'static [&'static str],
}

/// A match of a concept in one folded text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Match {
    /// Index into [`CONCEPTS`].
    pub concept: usize,
    /// Units of the folded text, end exclusive.
    pub units: Range<usize>,
}

/// The compiled lexicon, built once.
pub(crate) static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| Lexicon::build(CONCEPTS));

/// Upper bound on matcher steps from one word, so adversarial input stays linear.
const STEP_BUDGET: u32 = 20_000;
/// Upper bound on spelling variants of one term.
const MAX_VARIANTS: usize = 96;

#[derive(Debug, Default)]
struct Node {
    edges: Vec<(char, u32)>,
    /// Continue here after the rest of the current word (the tail of a stem).
    stem: Option<u32>,
    /// Terms ending here, as `(concept, script restriction)`.
    terminals: Vec<(u32, Option<Script>)>,
}

/// A trie of folded terms, matched against the units of a folded text.
#[derive(Debug)]
pub(crate) struct Lexicon {
    nodes: Vec<Node>,
}

/// One element of a compiled pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Char(char),
    StemTail,
}

impl Lexicon {
    fn build(concepts: &[Concept]) -> Self {
        let mut lexicon = Self {
            nodes: vec![Node::default()],
        };
        for (index, concept) in concepts.iter().enumerate() {
            let Ok(concept_id) = u32::try_from(index) else {
                break;
            };
            for term in concept.terms {
                let (script, body) = split_script(term);
                for pattern in compile_term(body) {
                    lexicon.insert(&pattern, concept_id, script);
                }
            }
        }
        lexicon
    }

    fn insert(&mut self, pattern: &[Step], concept: u32, script: Option<Script>) {
        if pattern.is_empty() {
            return;
        }
        let mut node = 0usize;
        for step in pattern {
            node = match *step {
                Step::Char(c) => match self.edge(node, c) {
                    Some(next) => next,
                    None => {
                        let next = self.push_node();
                        self.nodes[node].edges.push((c, next as u32));
                        next
                    }
                },
                Step::StemTail => match self.nodes[node].stem {
                    Some(next) => next as usize,
                    None => {
                        let next = self.push_node();
                        self.nodes[node].stem = Some(next as u32);
                        next
                    }
                },
            };
        }
        let terminal = (concept, script);
        if !self.nodes[node].terminals.contains(&terminal) {
            self.nodes[node].terminals.push(terminal);
        }
    }

    fn push_node(&mut self) -> usize {
        self.nodes.push(Node::default());
        self.nodes.len() - 1
    }

    fn edge(&self, node: usize, c: char) -> Option<usize> {
        self.nodes[node]
            .edges
            .iter()
            .find(|(e, _)| *e == c)
            .map(|&(_, next)| next as usize)
    }

    /// Returns every concept match in the text, starting at word starts and ending at word
    /// ends; for one concept and start, only the longest match.
    pub(crate) fn find(&self, text: &FoldedText) -> Vec<Match> {
        let mut matches: Vec<Match> = Vec::new();
        let mut found: Vec<(u32, Option<Script>, usize)> = Vec::new();
        for token in &text.tokens {
            found.clear();
            let mut walk = Walk {
                lexicon: self,
                text,
                budget: STEP_BUDGET,
                found: &mut found,
            };
            walk.step(token.units.start, 0, Some(' '));
            for &(concept, script, end) in found.iter() {
                if script.is_some_and(|s| s != token.script) {
                    continue;
                }
                let start = token.units.start;
                let concept = concept as usize;
                match matches
                    .iter_mut()
                    .find(|m| m.concept == concept && m.units.start == start)
                {
                    Some(existing) if existing.units.end < end => existing.units.end = end,
                    Some(_) => {}
                    None => matches.push(Match {
                        concept,
                        units: start..end,
                    }),
                }
            }
        }
        matches
    }
}

/// Depth-first walk of the trie over the readings of the units.
struct Walk<'a> {
    lexicon: &'a Lexicon,
    text: &'a FoldedText,
    budget: u32,
    found: &'a mut Vec<(u32, Option<Script>, usize)>,
}

impl Walk<'_> {
    fn step(&mut self, i: usize, node: usize, last: Option<char>) {
        if self.budget == 0 {
            return;
        }
        self.budget -= 1;
        let lexicon = self.lexicon;
        let units = &self.text.units;
        let current = &lexicon.nodes[node];
        let at_word_end = units
            .get(i)
            .is_none_or(|u| matches!(u.kind, UnitKind::Gap { .. }));
        if at_word_end {
            for &(concept, script) in &current.terminals {
                self.found.push((concept, script, i));
            }
        }
        if let Some(stem) = current.stem {
            let mut j = i;
            while units
                .get(j)
                .is_some_and(|u| !matches!(u.kind, UnitKind::Gap { .. }))
            {
                j += 1;
            }
            self.step(j, stem as usize, None);
        }
        let Some(unit) = units.get(i) else {
            return;
        };
        match unit.kind {
            UnitKind::Gap { elidable, .. } => {
                if last == Some(' ') {
                    self.step(i + 1, node, last);
                } else if let Some(next) = lexicon.edge(node, ' ') {
                    self.step(i + 1, next, Some(' '));
                }
                if elidable {
                    self.step(i + 1, node, last);
                }
            }
            UnitKind::Wildcard { canonical } => {
                let mut buffer = [0u8; 4];
                if let Some((next, l)) =
                    read(lexicon, node, last, canonical.encode_utf8(&mut buffer))
                {
                    self.step(i + 1, next, l);
                }
                // Nothing (a mask between spaced-out letters, `v*a*p*e`), any one letter, or
                // any two (a masked `я` reads `ya`).
                self.step(i + 1, node, last);
                for &(c, next) in &current.edges {
                    if c == ' ' {
                        continue;
                    }
                    self.step(i + 1, next as usize, Some(c));
                    for &(c2, next2) in &lexicon.nodes[next as usize].edges {
                        if c2 != ' ' {
                            self.step(i + 1, next2 as usize, Some(c2));
                        }
                    }
                }
            }
            UnitKind::Char {
                canonical,
                alternatives,
            } => {
                let canonical_str = match canonical {
                    Fold::Char(_) => None,
                    Fold::Str(s) => Some(s),
                };
                let mut buffer = [0u8; 4];
                let first: &str = match canonical {
                    Fold::Char(c) => c.encode_utf8(&mut buffer),
                    Fold::Str(s) => s,
                };
                if let Some((next, l)) = read(lexicon, node, last, first) {
                    self.step(i + 1, next, l);
                }
                for alternative in alternatives {
                    if Some(*alternative) == canonical_str || *alternative == first {
                        continue;
                    }
                    if let Some((next, l)) = read(lexicon, node, last, alternative) {
                        self.step(i + 1, next, l);
                    }
                }
            }
        }
    }
}

/// Follows one reading through the trie, skipping repeated characters.
fn read(
    lexicon: &Lexicon,
    node: usize,
    last: Option<char>,
    reading: &str,
) -> Option<(usize, Option<char>)> {
    let mut current = node;
    let mut last = last;
    for c in reading.chars() {
        if Some(c) == last {
            continue;
        }
        current = lexicon.edge(current, c)?;
        last = Some(c);
    }
    Some((current, last))
}

fn split_script(term: &str) -> (Option<Script>, &str) {
    if let Some(rest) = term.strip_prefix("lat:") {
        (Some(Script::Latin), rest)
    } else if let Some(rest) = term.strip_prefix("cyr:") {
        (Some(Script::Cyrillic), rest)
    } else {
        (None, term)
    }
}

/// Compiles a term into its patterns: every spelling variant, folded, repeats collapsed.
fn compile_term(term: &str) -> Vec<Vec<Step>> {
    let mut patterns: Vec<Vec<Step>> = vec![Vec::new()];
    for (w, word) in term.split_whitespace().enumerate() {
        let stem = word.ends_with('*');
        let body = word.trim_end_matches('*');
        let variants = fold_word_variants(body);
        if variants.is_empty() {
            continue;
        }
        let mut next = Vec::new();
        for prefix in &patterns {
            for variant in &variants {
                if next.len() >= MAX_VARIANTS {
                    break;
                }
                let mut pattern = prefix.clone();
                if w > 0 && !pattern.is_empty() {
                    pattern.push(Step::Char(' '));
                }
                pattern.extend(variant.chars().map(Step::Char));
                if stem {
                    pattern.push(Step::StemTail);
                }
                next.push(pattern);
            }
        }
        patterns = next;
    }
    patterns
        .into_iter()
        .map(|pattern| {
            let mut collapsed: Vec<Step> = Vec::with_capacity(pattern.len());
            for step in pattern {
                if collapsed.last() != Some(&step) {
                    collapsed.push(step);
                }
            }
            collapsed
        })
        .filter(|p| !p.is_empty())
        .collect()
}

/// The Latin spellings a Cyrillic letter of a term is commonly written with.
fn cyrillic_spellings(c: char, soft_e: bool) -> Option<&'static [&'static str]> {
    let spellings: &'static [&'static str] = match c {
        'е' if soft_e => &["e", "ye"],
        'ж' => &["j", "zh"],
        'х' => &["x", "h", "kh"],
        'ё' => &["yo", "e", "io"],
        'й' => &["y", "i"],
        'ы' => &["i", "y"],
        'ц' => &["ts", "c", "s"],
        'щ' => &["sh", "shch", "sch"],
        'ю' => &["yu", "iu"],
        'я' => &["ya", "ia"],
        'ғ' => &["g", "gh"],
        'қ' => &["q", "k"],
        'ҳ' => &["h", "x"],
        'ў' => &["o", "u"],
        _ => return None,
    };
    Some(spellings)
}

/// Folds one word of a term into all its spellings (a hyphen inside reads as a space).
fn fold_word_variants(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.nfkc().flat_map(char::to_lowercase).collect();
    let starts_latin_ye = chars.first() == Some(&'y') && chars.get(1) == Some(&'e');
    let mut variants = vec![String::new()];
    let mut previous: Option<char> = None;
    for &c in &chars {
        if is_ignorable(c) {
            continue;
        }
        let soft_e = previous.is_none_or(|p| "аеёиоуыэюяўъь".contains(p));
        let options: Vec<&str>;
        let mut owned = [0u8; 4];
        if let Some(spellings) = cyrillic_spellings(c, soft_e) {
            options = spellings.to_vec();
        } else if let Some(letter) = cyrillic_letter(c) {
            options = match letter.own {
                Fold::Str(s) => vec![s],
                Fold::Char(_) => Vec::new(),
            };
        } else if let Some(base) = latin_base(c) {
            options = if base == 'q' {
                vec!["q", "k"]
            } else {
                vec![&*base.encode_utf8(&mut owned)]
            };
        } else if c.is_alphanumeric() {
            options = vec![&*c.encode_utf8(&mut owned)];
        } else {
            options = vec![" "];
        }
        let mut next = Vec::with_capacity(variants.len() * options.len());
        for variant in &variants {
            for option in &options {
                if next.len() < MAX_VARIANTS {
                    next.push(format!("{variant}{option}"));
                }
            }
        }
        variants = next;
        previous = Some(c);
    }
    if starts_latin_ye {
        let extra: Vec<String> = variants
            .iter()
            .filter_map(|v| v.strip_prefix('y').map(str::to_owned))
            .collect();
        variants.extend(extra);
    }
    variants
        .into_iter()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::fold_text;

    fn concepts_found(text: &str) -> Vec<&'static str> {
        let folded = fold_text(text);
        let mut ids: Vec<&'static str> = LEXICON
            .find(&folded)
            .into_iter()
            .map(|m| CONCEPTS[m.concept].id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    #[test]
    fn concept_ids_are_unique_and_terms_compile() {
        let mut ids: Vec<&str> = CONCEPTS.iter().map(|c| c.id).collect();
        ids.sort_unstable();
        let before = ids.len();
        ids.dedup();
        assert_eq!(before, ids.len(), "duplicate concept ids");
        for concept in CONCEPTS {
            for term in concept.terms {
                let (_, body) = split_script(term);
                assert!(!compile_term(body).is_empty(), "{term} compiles to nothing");
            }
        }
    }

    #[test]
    fn cyrillic_terms_expand_to_latin_spellings() {
        let variants = fold_word_variants("нож");
        assert!(variants.contains(&"noj".to_owned()));
        assert!(variants.contains(&"nozh".to_owned()));
        assert!(fold_word_variants("ликёр").contains(&"liker".to_owned()));
        assert!(fold_word_variants("yetgan").contains(&"etgan".to_owned()));
    }

    #[test]
    fn stems_match_inflections_but_words_do_not() {
        assert!(concepts_found("Одноразовые вейпы оптом").contains(&"vape"));
        assert!(concepts_found("pichoqlar to'plami").contains(&"knife"));
        assert!(!concepts_found("детские ножницы").contains(&"knife"));
    }

    #[test]
    fn evasions_still_match() {
        for text in [
            "v a p e",
            "v.a.p.e",
            "в-е-й-п",
            "vаpe",
            "вeйn",
            "v4pe",
            "vaaape",
            "VAPE",
        ] {
            assert!(concepts_found(text).contains(&"vape"), "{text}");
        }
        assert!(concepts_found("f*ck").contains(&"profanity_en"));
        assert!(concepts_found("бл@ть").contains(&"profanity_ru"));
    }

    #[test]
    fn phrases_with_stems_inside() {
        assert!(concepts_found("Ов пичоғи пўлатдан").contains(&"hunting_knife"));
        assert!(concepts_found("нож охотничий складной").contains(&"hunting_knife"));
    }
}
