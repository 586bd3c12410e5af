//! Tests of the models crate on the real, pinned weights.
//!
//! The first test to need a model fetches it into the model cache (`BOLAJON_MODELS_DIR`, else
//! the per-user cache) with pip; later runs find it there. A model that cannot be obtained
//! fails the test: these tests never skip.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail the test by panicking"
)]

mod e5;
mod fetch;
mod image_safety;
mod minilm;
mod toxicity;

use std::path::PathBuf;
use std::sync::OnceLock;

use models::fetch::{FetchEvent, default_cache_dir, fetch_model};
use models::manifest::{ALL_MINILM_L6_V2, MULTILINGUAL_E5_SMALL};
use models::{E5Embedder, MiniLmEmbedder};

/// Returns the model cache the tests use.
pub fn cache_dir() -> PathBuf {
    std::env::var_os("BOLAJON_MODELS_DIR")
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
        .or_else(default_cache_dir)
        .expect("set BOLAJON_MODELS_DIR or HOME to give the tests a model cache")
}

fn report(event: FetchEvent) {
    eprintln!("fetch: {event:?}");
}

/// Returns the real multilingual-e5-small embedder, fetching its weights on first use.
pub fn e5() -> &'static E5Embedder {
    static E5: OnceLock<E5Embedder> = OnceLock::new();
    E5.get_or_init(|| {
        let cache = cache_dir();
        fetch_model(&cache, &MULTILINGUAL_E5_SMALL, &report)
            .unwrap_or_else(|error| panic!("cannot fetch multilingual-e5-small: {error}"));
        E5Embedder::from_cache(&cache)
            .unwrap_or_else(|error| panic!("cannot load multilingual-e5-small: {error}"))
    })
}

/// Returns the dot product of two L2-normalised vectors.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Returns the real all-MiniLM-L6-v2 embedder, fetching its files on first use.
pub fn minilm() -> &'static MiniLmEmbedder {
    static MINILM: OnceLock<MiniLmEmbedder> = OnceLock::new();
    MINILM.get_or_init(|| {
        let cache = cache_dir();
        fetch_model(&cache, &ALL_MINILM_L6_V2, &report)
            .unwrap_or_else(|error| panic!("cannot fetch all-minilm-l6-v2: {error}"));
        MiniLmEmbedder::from_cache(&cache)
            .unwrap_or_else(|error| panic!("cannot load all-minilm-l6-v2: {error}"))
    })
}
