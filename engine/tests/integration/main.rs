//! Integration tests of the engine: one binary, a module per area.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail the test by panicking"
)]

mod facets;
mod filters;
mod highlight;
mod lifecycle;
mod matching;
mod ranking;
mod recommend;
mod robustness;
mod scale;
mod semantic;
mod support;
mod vectors;
// speed:
mod restrictions;
