//! The real passage vectors of a generated catalogue, cached on disk, so benchmarks run the
//! vector index on the very vectors the service would compute without embedding 100k passages
//! each time.
//!
//! [`CatalogPassages::new`] converts and screens a catalogue as [`crate::build_from_catalog`]
//! does, keeps the approved documents (what the index holds), builds each one's passage with
//! [`crate::passage_text`] and de-duplicates the passages (generated catalogues repeat texts):
//! the distinct texts, sorted by length then text (so chunks embed with little padding), are
//! what is embedded and cached. The cache file is raw little-endian f32 rows, one per distinct
//! text in that order, named after the embedder's weights and the texts' sha256
//! ([`CatalogPassages::cache_file`]); `benches --bin embed-catalog` writes it and
//! `benches --bin ann -- --catalog` and `storefront bench search` read it.

use crate::{Taxonomy, TaxonomyError, doc_from_product, passage_text, taxonomy_of};
use engine::ProductDoc;
use moderation::ModerationStatus;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The approved documents of a catalogue and their distinct passages.
#[derive(Debug, Clone)]
pub struct CatalogPassages {
    /// The approved documents, in catalogue order, without embeddings.
    pub docs: Vec<ProductDoc>,
    /// The distinct passages, shortest first (ties by text).
    pub texts: Vec<String>,
    /// For each document, the index of its passage in `texts`.
    pub text_of_doc: Vec<u32>,
    /// The catalogue's taxonomy.
    pub taxonomy: Taxonomy,
}

impl CatalogPassages {
    /// Converts, screens and de-duplicates the passages of `catalog`.
    pub fn new(catalog: &datasets::Catalog) -> Result<Self, TaxonomyError> {
        let taxonomy = taxonomy_of(&catalog.categories)?;
        let brands: HashMap<u64, String> = catalog
            .brands
            .iter()
            .map(|brand| (brand.id, brand.name.clone()))
            .collect();
        let docs: Vec<ProductDoc> = catalog
            .products
            .iter()
            .map(|product| doc_from_product(product, &brands, &taxonomy))
            .filter(|doc| doc.status == ModerationStatus::Approved)
            .collect();
        let passages: Vec<String> = docs.iter().map(passage_text).collect();
        let mut texts: Vec<String> = passages.clone();
        texts.sort_unstable_by(|a, b| a.chars().count().cmp(&b.chars().count()).then(a.cmp(b)));
        texts.dedup();
        let position: HashMap<&str, u32> = texts
            .iter()
            .enumerate()
            .map(|(index, text)| (text.as_str(), index as u32))
            .collect();
        let text_of_doc = passages
            .iter()
            .map(|passage| position.get(passage.as_str()).copied().unwrap_or(u32::MAX))
            .collect();
        Ok(Self {
            docs,
            texts,
            text_of_doc,
            taxonomy,
        })
    }

    /// Returns the hex sha256 of the distinct texts (each followed by a NUL byte).
    pub fn digest(&self) -> String {
        let mut hasher = Sha256::new();
        for text in &self.texts {
            hasher.update(text.as_bytes());
            hasher.update([0u8]);
        }
        hasher
            .finalize()
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }

    /// Returns the cache file of these passages' vectors under `dir` for the embedder whose
    /// weights have sha256 `model_sha256` (hex).
    pub fn cache_file(&self, dir: &Path, model_sha256: &str) -> PathBuf {
        let model = model_sha256.get(..16).unwrap_or(model_sha256);
        let digest = self.digest();
        dir.join(format!(
            "catalog-{}-passage-e5-{model}-{}.f32",
            self.docs.len(),
            &digest[..16]
        ))
    }

    /// Reads the cached vectors (one row of `dimension` per distinct text) from `path`.
    pub fn read_vectors(&self, path: &Path, dimension: usize) -> std::io::Result<Vec<f32>> {
        let bytes = std::fs::read(path)?;
        if dimension == 0 || bytes.len() != self.texts.len() * dimension * 4 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "{} holds {} bytes, expected {} rows of {dimension} f32",
                    path.display(),
                    bytes.len(),
                    self.texts.len()
                ),
            ));
        }
        Ok(bytes
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }

    /// Reads the rows embedded so far from the unfinished cache file next to `path`
    /// (`.partial`): the first distinct texts (the shortest) only.
    pub fn read_partial_vectors(&self, path: &Path, dimension: usize) -> std::io::Result<Vec<f32>> {
        let bytes = std::fs::read(path.with_extension("partial"))?;
        let rows = (bytes.len() / (dimension.max(1) * 4)).min(self.texts.len());
        Ok(bytes[..rows * dimension * 4]
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }

    /// Gives every document the vector of its passage from `vectors` (rows of `dimension`,
    /// one per distinct text; documents whose row is missing get none) and returns the
    /// documents.
    pub fn into_docs_with(self, vectors: &[f32], dimension: usize) -> Vec<ProductDoc> {
        let mut docs = self.docs;
        for (doc, text) in docs.iter_mut().zip(&self.text_of_doc) {
            let start = *text as usize * dimension;
            doc.embedding = vectors.get(start..start + dimension).map(<[f32]>::to_vec);
        }
        docs
    }
}

/// Returns the folder of cached evaluation vectors: `$HOME/.cache/bolajon/eval`.
pub fn eval_cache_dir() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|home| !home.is_empty())
        .map(|home| PathBuf::from(home).join(".cache/bolajon/eval"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passages_are_distinct_sorted_and_mapped_back() {
        let catalog = datasets::generate(7, 400);
        let passages = CatalogPassages::new(&catalog).unwrap();
        assert!(!passages.docs.is_empty());
        assert!(passages.texts.len() <= passages.docs.len());
        for pair in passages.texts.windows(2) {
            assert!(pair[0].chars().count() <= pair[1].chars().count());
            assert_ne!(pair[0], pair[1]);
        }
        for (doc, text) in passages.docs.iter().zip(&passages.text_of_doc) {
            assert_eq!(passages.texts[*text as usize], passage_text(doc));
            assert_eq!(doc.status, ModerationStatus::Approved);
        }
        let again = CatalogPassages::new(&catalog).unwrap();
        assert_eq!(passages.digest(), again.digest());
        let dir = Path::new("/cache");
        let file = passages.cache_file(dir, &"ab".repeat(32));
        assert!(file.starts_with(dir));
        assert!(file.to_string_lossy().contains("abababababababab"));
        // Every document gets the row of its passage.
        let vectors: Vec<f32> = (0..passages.texts.len() * 2).map(|i| i as f32).collect();
        let text_of_doc = passages.text_of_doc.clone();
        let docs = passages.into_docs_with(&vectors, 2);
        for (doc, text) in docs.iter().zip(text_of_doc) {
            let text = text as f32;
            assert_eq!(doc.embedding, Some(vec![text * 2.0, text * 2.0 + 1.0]));
        }
    }
}
