//! Integration tests of the catalogue generator and the committed sample.

mod art;
mod sample;
mod scale;
mod unsafe_set;
