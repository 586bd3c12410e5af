//! A small LRU cache of query embeddings: shoppers repeat queries, and a query's embedding is
//! the one model call on the search path.

use std::num::NonZeroUsize;
use std::sync::Mutex;

use lru::LruCache;

use crate::{Error, Result, TextKind};

/// Query embeddings kept by default.
pub const DEFAULT_QUERY_CACHE: usize = 1024;

/// An LRU cache from query text to embedding; capacity 0 turns it off.
pub(crate) struct QueryCache {
    entries: Option<Mutex<LruCache<String, Vec<f32>>>>,
}

impl QueryCache {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            entries: NonZeroUsize::new(capacity).map(|c| Mutex::new(LruCache::new(c))),
        }
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.as_ref().map_or(0, |entries| {
            entries
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .len()
        })
    }

    /// Embeds `texts` as an [`crate::Embedder`] does: rejects empty texts, sends queries through
    /// the cache and passages straight to `embed`.
    pub(crate) fn embed(
        &self,
        kind: TextKind,
        texts: &[&str],
        embed: impl FnOnce(&[&str]) -> Result<Vec<Vec<f32>>>,
    ) -> Result<Vec<Vec<f32>>> {
        if let Some(index) = texts.iter().position(|t| t.trim().is_empty()) {
            return Err(Error::InvalidInput(format!("text {index} is empty")));
        }
        match kind {
            TextKind::Query => self.get_or_embed(texts, embed),
            TextKind::Passage => embed(texts),
        }
    }

    /// Returns the embeddings of `texts`, computing the ones not cached with `embed` (in one
    /// call, in order) and caching them.
    pub(crate) fn get_or_embed(
        &self,
        texts: &[&str],
        embed: impl FnOnce(&[&str]) -> Result<Vec<Vec<f32>>>,
    ) -> Result<Vec<Vec<f32>>> {
        let Some(entries) = &self.entries else {
            return embed(texts);
        };
        // A panic while holding the lock cannot leave a half-written entry, so a poisoned
        // cache is still usable.
        let lock = || {
            entries
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
        };
        let mut out: Vec<Option<Vec<f32>>> = {
            let mut entries = lock();
            texts.iter().map(|t| entries.get(*t).cloned()).collect()
        };
        let missing: Vec<&str> = texts
            .iter()
            .zip(&out)
            .filter(|(_, hit)| hit.is_none())
            .map(|(t, _)| *t)
            .collect();
        if !missing.is_empty() {
            let computed = embed(&missing)?;
            let mut entries = lock();
            let mut computed = missing.iter().zip(computed);
            for slot in out.iter_mut().filter(|slot| slot.is_none()) {
                if let Some((text, vector)) = computed.next() {
                    entries.put((*text).to_owned(), vector.clone());
                    *slot = Some(vector);
                }
            }
        }
        Ok(out.into_iter().map(Option::unwrap_or_default).collect())
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    #[test]
    fn computes_only_what_is_missing_and_evicts_the_oldest() {
        let cache = QueryCache::new(2);
        let calls = Cell::new(0);
        let embed = |texts: &[&str]| -> Result<Vec<Vec<f32>>> {
            calls.set(calls.get() + 1);
            Ok(texts.iter().map(|t| vec![t.len() as f32]).collect())
        };
        assert_eq!(
            cache.get_or_embed(&["a", "bb"], embed).unwrap(),
            vec![vec![1.0], vec![2.0]]
        );
        assert_eq!(
            cache.get_or_embed(&["bb", "a"], embed).unwrap(),
            vec![vec![2.0], vec![1.0]]
        );
        assert_eq!(calls.get(), 1);
        cache.get_or_embed(&["ccc"], embed).unwrap();
        assert_eq!(cache.len(), 2);
        assert_eq!(calls.get(), 2);
        // "bb" was used least recently after the second call touched "a" last.
        cache.get_or_embed(&["a"], embed).unwrap();
        assert_eq!(calls.get(), 2);
        cache.get_or_embed(&["bb"], embed).unwrap();
        assert_eq!(calls.get(), 3);
    }

    #[test]
    fn capacity_zero_turns_it_off() {
        let cache = QueryCache::new(0);
        cache
            .get_or_embed(&["a"], |t| Ok(vec![vec![0.0]; t.len()]))
            .unwrap();
        assert_eq!(cache.len(), 0);
    }
}
