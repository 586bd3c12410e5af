//! An on-disk cache of embeddings for training, so a re-run does not embed again.
//!
//! One append-only file per embedding model and dimension, under the model cache directory:
//! `<cache>/toxicity-embeddings/<model>-<dimension>.bin`. It starts with the magic
//! `BTXEMB1\0` and a little-endian `u32` dimension, then holds records of a 32-byte key
//! (`sha256(model || 0 || weights sha256 || 0 || prefix || 0 || text)`) and `dimension`
//! little-endian `f32`s. Records are appended after each embedded batch, so an interrupted run
//! keeps its progress; a torn last record is cut off when the file is opened. One training run
//! at a time should write to a cache.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::{Error, Result};

const MAGIC: &[u8; 8] = b"BTXEMB1\0";
const HEADER: usize = 12;

/// The key of one cached embedding.
pub(crate) type Key = [u8; 32];

/// Returns the cache key of `text` embedded by `model` (with weights `weights_sha256`) under
/// `prefix`.
pub(crate) fn key(model: &str, weights_sha256: &str, prefix: &str, text: &str) -> Key {
    Sha256::new()
        .chain_update(model.as_bytes())
        .chain_update([0u8])
        .chain_update(weights_sha256.as_bytes())
        .chain_update([0u8])
        .chain_update(prefix.as_bytes())
        .chain_update([0u8])
        .chain_update(text.as_bytes())
        .finalize()
        .into()
}

/// Embeddings loaded from, and appended to, one cache file.
pub(crate) struct EmbeddingCache {
    path: PathBuf,
    dimension: usize,
    entries: HashMap<Key, Vec<f32>>,
    file: File,
}

impl EmbeddingCache {
    /// Opens (or creates) the cache of `model` with `dimension` under `cache_dir`.
    pub(crate) fn open(cache_dir: &Path, model: &str, dimension: usize) -> Result<Self> {
        let dir = cache_dir.join("toxicity-embeddings");
        std::fs::create_dir_all(&dir).map_err(|e| Error::io("create", &dir, e))?;
        let path = dir.join(format!("{model}-{dimension}.bin"));
        Self::open_file(path, dimension)
    }

    fn open_file(path: PathBuf, dimension: usize) -> Result<Self> {
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&path)
            .map_err(|e| Error::io("open", &path, e))?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)
            .map_err(|e| Error::io("read", &path, e))?;
        let record = 32 + 4 * dimension;
        let mut entries = HashMap::new();
        if bytes.is_empty() {
            let mut header = MAGIC.to_vec();
            header.extend_from_slice(&(dimension as u32).to_le_bytes());
            file.write_all(&header)
                .map_err(|e| Error::io("write", &path, e))?;
        } else {
            let stored_dimension = bytes
                .get(8..12)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize);
            if bytes.len() < HEADER || &bytes[..8] != MAGIC || stored_dimension != Some(dimension) {
                return Err(Error::MalformedModel {
                    file: path.display().to_string(),
                    reason: format!(
                        "not an embedding cache of dimension {dimension}; delete it to rebuild"
                    ),
                });
            }
            let whole = (bytes.len() - HEADER) / record;
            for chunk in bytes[HEADER..HEADER + whole * record].chunks_exact(record) {
                let mut key = [0u8; 32];
                key.copy_from_slice(&chunk[..32]);
                let vector = chunk[32..]
                    .chunks_exact(4)
                    .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                    .collect();
                entries.insert(key, vector);
            }
            let intact = (HEADER + whole * record) as u64;
            if intact != bytes.len() as u64 {
                file.set_len(intact)
                    .map_err(|e| Error::io("truncate", &path, e))?;
            }
        }
        Ok(Self {
            path,
            dimension,
            entries,
            file,
        })
    }

    /// Returns the cached embedding of `key`.
    pub(crate) fn get(&self, key: &Key) -> Option<&Vec<f32>> {
        self.entries.get(key)
    }

    /// Returns how many embeddings the cache holds.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Returns the cache file's path.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Adds embeddings and appends them to the file in one write.
    pub(crate) fn insert_all(&mut self, items: Vec<(Key, Vec<f32>)>) -> Result<()> {
        let mut buffer = Vec::with_capacity(items.len() * (32 + 4 * self.dimension));
        for (key, vector) in &items {
            if vector.len() != self.dimension {
                return Err(Error::InvalidInput(format!(
                    "embedding of dimension {} for a cache of {}",
                    vector.len(),
                    self.dimension
                )));
            }
            buffer.extend_from_slice(key);
            for v in vector {
                buffer.extend_from_slice(&v.to_le_bytes());
            }
        }
        self.file
            .write_all(&buffer)
            .map_err(|e| Error::io("write", &self.path, e))?;
        self.entries.extend(items);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_survives_a_torn_record() {
        let dir = tempfile::tempdir().unwrap();
        let a = key("m", "w", "query: ", "a");
        let b = key("m", "w", "query: ", "b");
        assert_ne!(a, b);
        assert_ne!(a, key("m", "w", "passage: ", "a"));
        {
            let mut cache = EmbeddingCache::open(dir.path(), "m", 2).unwrap();
            cache
                .insert_all(vec![(a, vec![1.0, 2.0]), (b, vec![3.0, 4.0])])
                .unwrap();
        }
        let path = dir.path().join("toxicity-embeddings").join("m-2.bin");
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(&[7u8; 10]).unwrap();
        drop(file);
        let mut cache = EmbeddingCache::open(dir.path(), "m", 2).unwrap();
        assert_eq!(cache.len(), 2);
        assert_eq!(cache.get(&b), Some(&vec![3.0, 4.0]));
        let c = key("m", "w", "query: ", "c");
        cache.insert_all(vec![(c, vec![5.0, 6.0])]).unwrap();
        let cache = EmbeddingCache::open(dir.path(), "m", 2).unwrap();
        assert_eq!(cache.get(&c), Some(&vec![5.0, 6.0]));
        assert!(EmbeddingCache::open(dir.path(), "m", 3).is_ok());
        std::fs::copy(
            &path,
            dir.path().join("toxicity-embeddings").join("m-3.bin"),
        )
        .unwrap();
        assert!(EmbeddingCache::open(dir.path(), "m", 3).is_err());
    }
}
