//! The kids' marketplace catalogue: a deterministic, seeded generator and the committed sample.
//!
//! [`generate`] builds a [`Catalog`] of any size from a seed; the same seed and size always give
//! the same catalogue. [`ProductGenerator`] streams the same products one at a time, for
//! catalogues too large to hold. [`sample`] returns the committed 2,000-product sample that
//! `serve` seeds a fresh database with. [`taxonomy`] gives the fixed category tree (in four
//! language forms), brands and sellers; [`render_art_svg`] draws the product pictures;
//! [`simulate_sessions`] simulates shoppers' views and purchases with latent preferences (for
//! the offline evaluation of recommendations).
//!
//! A labelled set of unsafe listings is planted among the products
//! ([`Product::unsafe_label`]): ground truth for moderation, never read by the screening
//! itself. Moderation code must not depend on this crate's word lists.
//!
//! This crate depends on no other workspace crate, and on no I/O beyond `std::io` readers and
//! writers.
#![warn(missing_docs)]

mod art;
mod brands;
mod catalog_file;
mod generator;
mod grammar;
mod model;
pub mod queries;
mod sample;
mod sellers;
pub mod sessions;
mod taxonomy;
mod unsafe_listings;
mod uzbek_script;
mod vocab;

pub use art::{ART_PER_CATEGORY, render_art_svg};
pub use catalog_file::{
    JsonlProducts, read_json, read_jsonl, stream_jsonl, write_json, write_jsonl,
};
pub use generator::{ProductGenerator, generate};
pub use model::{
    Brand, Catalog, Category, Image, Localized, Product, Seller, Taxonomy, UnsafeKind, Variant,
};
pub use sample::{SAMPLE_JSON, SAMPLE_PRODUCTS, SAMPLE_SEED, sample};
pub use sessions::{SessionAction, SessionEvent, ShopperSession, simulate_sessions};
pub use taxonomy::taxonomy;

/// Errors raised while reading or writing a catalogue.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A JSON line did not parse.
    #[error("catalogue line {line}: {source}")]
    Parse {
        /// 1-based line number.
        line: usize,
        /// The parser's error.
        source: serde_json::Error,
    },
    /// A JSON Lines file had no taxonomy line.
    #[error("catalogue file is empty: the first line must hold the taxonomy")]
    MissingTaxonomy,
    /// A record could not be serialized.
    #[error("writing a catalogue record: {0}")]
    Write(#[source] serde_json::Error),
    /// Reading or writing the file failed.
    #[error("catalogue i/o: {0}")]
    Io(#[from] std::io::Error),
}

/// The broad class of an [`Error`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The file's content is not a catalogue.
    InvalidData,
    /// The file could not be read or written.
    Io,
}

impl Error {
    /// Returns the broad class of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Parse { .. } | Error::MissingTaxonomy => ErrorKind::InvalidData,
            Error::Write(_) | Error::Io(_) => ErrorKind::Io,
        }
    }
}

/// Result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
