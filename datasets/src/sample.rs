//! The committed sample catalogue, `sample/catalog.json`.

use crate::Result;
use crate::catalog_file::read_json;
use crate::model::Catalog;

/// Seed of the committed sample.
pub const SAMPLE_SEED: u64 = 20_261_125;
/// Number of products in the committed sample.
pub const SAMPLE_PRODUCTS: usize = 2_000;

/// The sample file as committed: `generate(SAMPLE_SEED, SAMPLE_PRODUCTS)` written by
/// [`crate::write_json`].
pub const SAMPLE_JSON: &str = include_str!("../sample/catalog.json");

/// Parses the committed sample catalogue.
pub fn sample() -> Result<Catalog> {
    read_json(SAMPLE_JSON.as_bytes())
}
