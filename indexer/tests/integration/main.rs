//! Indexer integration tests: screening of generated catalogues.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod screening;
