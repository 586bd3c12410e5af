//! Autocomplete: typo-tolerant prefix matching of what a shopper is typing against candidate
//! texts (product titles, category names, popular queries), on folded words so Uzbek Latin and
//! Cyrillic, and every apostrophe, match alike.
//!
//! The engine does not choose candidates: product candidates come from an ordinary search of
//! the typed text (so they pass the audience and moderation gate like any hit, see
//! [`crate::Engine::search`]), and the caller supplies category names and popular queries.

use crate::analysis::{bounded_typo_distance, fold_text};

/// How a candidate matched what was typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct PrefixMatch {
    /// Edits spent on the typed words (0: an exact prefix).
    pub edits: u8,
    /// Index of the candidate word where the match starts (0: the candidate starts with it).
    pub word: usize,
}

/// Returns the typo budget of a typed word (or word prefix): none below 4 characters, 1 from 4,
/// 2 from 8 (as-you-type text is short, so one letter earlier than full-word typos).
fn prefix_budget(chars: usize) -> u8 {
    match chars {
        0..4 => 0,
        4..8 => 1,
        _ => 2,
    }
}

/// Returns the fewest edits turning `typed` into some prefix of `word`, within `budget`.
fn prefix_edits(typed: &str, word: &str, budget: u8) -> Option<u8> {
    if word.starts_with(typed) {
        return Some(0);
    }
    if budget == 0 {
        return None;
    }
    let typed_len = typed.chars().count();
    let word_chars: Vec<(usize, char)> = word.char_indices().collect();
    let lowest = typed_len.saturating_sub(usize::from(budget)).max(1);
    let highest = (typed_len + usize::from(budget)).min(word_chars.len());
    (lowest..=highest)
        .filter_map(|len| {
            let end = word_chars.get(len).map_or(word.len(), |(at, _)| *at);
            bounded_typo_distance(typed, &word[..end], budget)
        })
        .min()
}

/// Matches what a shopper typed against a candidate text. Every typed word but the last must
/// equal a candidate word (within the word's typo budget), consecutively; the last typed word
/// must be a prefix of the next candidate word (within its budget). The match may start at any
/// candidate word ("mashina" completes to "o‘yinchoq mashina"), earlier and with fewer edits
/// being better. Returns `None` when the candidate does not match or nothing was typed.
pub fn prefix_match(typed: &str, candidate: &str) -> Option<PrefixMatch> {
    let typed = fold_text(typed);
    let candidate = fold_text(candidate);
    let typed: Vec<&str> = typed.split(' ').filter(|w| !w.is_empty()).collect();
    let words: Vec<&str> = candidate.split(' ').filter(|w| !w.is_empty()).collect();
    let (last, leading) = typed.split_last()?;
    let mut best: Option<PrefixMatch> = None;
    for start in 0..words.len() {
        if start + typed.len() > words.len() {
            break;
        }
        let mut edits = 0u8;
        let mut matched = true;
        for (offset, typed_word) in leading.iter().enumerate() {
            let budget = prefix_budget(typed_word.chars().count());
            match bounded_typo_distance(typed_word, words[start + offset], budget) {
                Some(spent) => edits = edits.saturating_add(spent),
                None => {
                    matched = false;
                    break;
                }
            }
        }
        if !matched {
            continue;
        }
        let budget = prefix_budget(last.chars().count());
        if let Some(spent) = prefix_edits(last, words[start + leading.len()], budget) {
            let found = PrefixMatch {
                edits: edits.saturating_add(spent),
                word: start,
            };
            if best.is_none_or(|best| found < best) {
                best = Some(found);
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_prefixes_match_at_any_word() {
        assert_eq!(
            prefix_match("konst", "Konstruktor «Kosmos»"),
            Some(PrefixMatch { edits: 0, word: 0 })
        );
        assert_eq!(
            prefix_match("mash", "O‘yinchoq mashina"),
            Some(PrefixMatch { edits: 0, word: 1 })
        );
        assert_eq!(
            prefix_match("o'yinchoq ma", "O‘yinchoq mashina"),
            Some(PrefixMatch { edits: 0, word: 0 })
        );
        assert_eq!(prefix_match("kosmos konst", "Konstruktor kosmos"), None);
    }

    #[test]
    fn scripts_and_apostrophes_fold_alike() {
        assert!(prefix_match("қўғирчо", "Qo‘g‘irchoq, 30 sm").is_some());
        assert!(prefix_match("qogʻirch", "Қўғирчоқ").is_some());
    }

    #[test]
    fn typos_are_tolerated_within_the_budget() {
        assert_eq!(
            prefix_match("konsrt", "Konstruktor").map(|m| m.edits),
            Some(1)
        );
        assert_eq!(prefix_match("kukl", "Кукла").map(|m| m.edits), Some(0));
        assert_eq!(prefix_match("kykl", "Кукла").map(|m| m.edits), Some(1));
        // Three letters allow no typo; far words never match.
        assert_eq!(prefix_match("kyk", "Кукла"), None);
        assert_eq!(prefix_match("velosiped", "Samokat"), None);
    }

    #[test]
    fn nothing_typed_matches_nothing() {
        assert_eq!(prefix_match("", "Konstruktor"), None);
        assert_eq!(prefix_match("  ,, ", "Konstruktor"), None);
        assert_eq!(prefix_match("konst", ""), None);
    }
}
