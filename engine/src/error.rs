//! The engine's error type.

/// Errors raised by the engine.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A request the caller can fix (bad page, bad range...).
    #[error("invalid search request: {0}")]
    InvalidRequest(String),
    /// The index failed (I/O, corruption, writer poisoned).
    #[error("index error: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// Opening the index directory failed.
    #[error("index directory error: {0}")]
    Directory(#[from] tantivy::directory::error::OpenDirectoryError),
    /// A stored payload could not be parsed.
    #[error("corrupt index metadata: {0}")]
    Corrupt(String),
    /// Semantic or hybrid search was asked of an index where no product has an embedding.
    #[error("semantic search is unavailable: {0}")]
    SemanticUnavailable(String),
    /// A recommendation was asked about a product the audience cannot see (not indexed, not
    /// approved, outside the audience's age or restrictions).
    #[error("product {0} does not exist")]
    ProductNotVisible(u64),
    /// The vector index failed (writing or reading its snapshot).
    #[error("vector index error: {0}")]
    VectorIndex(String),
}

/// Coarse classification of [`Error`], for callers that map errors to responses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The caller's request was invalid.
    InvalidRequest,
    /// Semantic retrieval is not possible on this index (no product has an embedding): the
    /// caller may fall back to lexical search.
    SemanticUnavailable,
    /// The product asked about is not visible to the audience.
    NotFound,
    /// An internal failure.
    Internal,
}

impl Error {
    /// Returns the error's coarse kind.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::InvalidRequest(_) => ErrorKind::InvalidRequest,
            Self::SemanticUnavailable(_) => ErrorKind::SemanticUnavailable,
            Self::ProductNotVisible(_) => ErrorKind::NotFound,
            Self::Index(_) | Self::Directory(_) | Self::Corrupt(_) | Self::VectorIndex(_) => {
                ErrorKind::Internal
            }
        }
    }
}

/// Result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
