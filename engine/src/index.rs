//! The on-disk (or in-RAM) index and its writer.

use crate::doc::{ProductDoc, ProductId};
use crate::facts::FactsCache;
use crate::fusion::HybridParams;
use crate::recommend::{RecSignals, RecommendRequest, Recommendations};
use crate::schema::{Fields, register_tokenizers};
use crate::search::{RankedIds, SearchRequest, SearchResults, run_search, run_search_ids};
use crate::vector::{Embedding, VectorChange, VectorIndex, VectorParams, VectorStatus};
use crate::{Error, Result};
use moderation::{Audience, ModerationStatus};
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock, Weak};
use tantivy::directory::MmapDirectory;
use tantivy::indexer::IndexWriterOptions;
use tantivy::schema::Schema;
use tantivy::{
    Index, IndexReader, IndexSettings, IndexWriter, ReloadPolicy, TantivyError, Term, Warmer,
};

/// Memory budget of the index writer, shared by its threads.
const WRITER_MEMORY_BYTES: usize = 64 * 1024 * 1024;
/// Indexing threads.
const WRITER_THREADS: usize = 2;
/// Background merge threads.
const MERGE_THREADS: usize = 1;
/// `rebuild` reports progress every this many documents.
const PROGRESS_EVERY: u64 = 1_000;
/// The vector index's directory, inside the engine's directory beside the tantivy files
/// (which tantivy leaves alone: it only ever deletes files it wrote).
const VECTOR_DIR: &str = "vectors";

/// A change to apply to the index.
#[derive(Debug, Clone)]
pub enum Change {
    /// Insert or replace a product (a non-approved product is removed instead).
    Upsert(Box<ProductDoc>),
    /// Remove a product.
    Delete(ProductId),
}

/// The search engine over one catalogue index: the lexical (tantivy) index and, derived from
/// it, the vector index of the products' embeddings (see [`VectorStatus`]).
///
/// Searches run concurrently from any number of threads; changes are serialized through one
/// writer and become visible to searches when [`Engine::apply`] or [`Engine::rebuild`] returns.
pub struct Engine {
    index: Index,
    reader: IndexReader,
    /// The writer, created on the first change so that a read-only engine takes no lock.
    writer: Mutex<Option<IndexWriter>>,
    fields: Fields,
    /// Decoded hot fast fields per segment, refreshed by the reader on reload.
    facts: Arc<FactsCache>,
    /// The vector index.
    vectors: VectorIndex,
    /// Tuning of semantic and hybrid retrieval.
    hybrid: RwLock<HybridParams>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("num_docs", &self.num_docs())
            .finish_non_exhaustive()
    }
}

impl Engine {
    /// Opens the index in `dir`, creating it (and the directory) if absent. The vector index
    /// lives in `dir/vectors/`; it is reconciled with the lexical index on open (see
    /// [`Engine::vector_status`]).
    pub fn open_or_create(dir: &Path) -> Result<Self> {
        Self::open_or_create_with(dir, VectorParams::default())
    }

    /// Opens the index in `dir` with a tuned vector index.
    pub fn open_or_create_with(dir: &Path, params: VectorParams) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(|err| Error::Index(TantivyError::from(err)))?;
        let directory = MmapDirectory::open(dir)?;
        let (schema, fields) = Fields::build_schema();
        let exists = Index::exists(&directory).map_err(TantivyError::from)?;
        let index = if exists {
            let index = Index::open(directory)?;
            Self::check_schema(&index, &schema)?;
            index
        } else {
            Index::create(directory, schema, IndexSettings::default())?
        };
        let mut engine = Self::from_index(index, fields, VectorIndex::in_memory(params))?;
        let seq = engine.applied_seq()?;
        engine.vectors = VectorIndex::open(
            &dir.join(VECTOR_DIR),
            params,
            &engine.reader.searcher(),
            &engine.fields,
            seq,
        )?;
        Ok(engine)
    }

    /// Creates an empty in-RAM index (tests, benchmarks).
    pub fn in_memory() -> Result<Self> {
        Self::in_memory_with(VectorParams::default())
    }

    /// Creates an empty in-RAM index with a tuned vector index.
    pub fn in_memory_with(params: VectorParams) -> Result<Self> {
        let (schema, fields) = Fields::build_schema();
        Self::from_index(
            Index::create_in_ram(schema),
            fields,
            VectorIndex::in_memory(params),
        )
    }

    fn check_schema(index: &Index, expected: &Schema) -> Result<()> {
        if index.schema() == *expected {
            Ok(())
        } else {
            Err(Error::Corrupt(
                "the index was built with another schema version; rebuild it".to_string(),
            ))
        }
    }

    fn from_index(index: Index, fields: Fields, vectors: VectorIndex) -> Result<Self> {
        register_tokenizers(&index);
        let facts = Arc::new(FactsCache::default());
        let warmer: Arc<dyn Warmer> = facts.clone();
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .warmers(vec![Arc::downgrade(&warmer) as Weak<dyn Warmer>])
            .try_into()?;
        Ok(Self {
            index,
            reader,
            writer: Mutex::new(None),
            fields,
            facts,
            vectors,
            hybrid: RwLock::new(HybridParams::default()),
        })
    }

    /// Locks the writer, creating it on first use.
    fn lock_writer(&self) -> Result<MutexGuard<'_, Option<IndexWriter>>> {
        let mut guard = self
            .writer
            .lock()
            .map_err(|_| Error::Index(TantivyError::Poisoned))?;
        if guard.is_none() {
            let options = IndexWriterOptions::builder()
                .num_worker_threads(WRITER_THREADS)
                .memory_budget_per_thread(WRITER_MEMORY_BYTES / WRITER_THREADS)
                .num_merge_threads(MERGE_THREADS)
                .build();
            *guard = Some(self.index.writer_with_options(options)?);
        }
        Ok(guard)
    }

    /// Returns the last outbox sequence applied, as committed with the index (0 when never).
    pub fn applied_seq(&self) -> Result<u64> {
        let metas = self.index.load_metas()?;
        match metas.payload.as_deref() {
            None | Some("") => Ok(0),
            Some(payload) => payload.parse().map_err(|_| {
                Error::Corrupt(format!(
                    "commit payload {payload:?} is not a sequence number"
                ))
            }),
        }
    }

    /// Applies `changes` and commits them atomically together with `seq`; new searches see them
    /// on return. An upsert of a product that is not approved removes it.
    ///
    /// The lexical commit comes first and is the source of truth; the vector index follows in
    /// memory and is written to disk now and then (see [`Engine::save_vectors`]).
    pub fn apply(&self, changes: Vec<Change>, seq: u64) -> Result<()> {
        let mut guard = self.lock_writer()?;
        let Some(writer) = guard.as_mut() else {
            return Err(Error::Index(TantivyError::InternalError(
                "index writer missing".to_string(),
            )));
        };
        let mut dimension = self.vectors.read().dimension();
        let mut vector_changes = Vec::with_capacity(changes.len());
        let staged = changes.iter().try_for_each(|change| match change {
            Change::Upsert(product) => {
                writer.delete_term(self.id_term(product.id));
                if product.status == ModerationStatus::Approved {
                    let embedding = prepare_embedding(product, &mut dimension);
                    writer.add_document(self.fields.to_document(product, embedding.as_ref()))?;
                    vector_changes.push(VectorChange::Upsert(product.id, embedding));
                } else {
                    vector_changes.push(VectorChange::Remove(product.id));
                }
                Ok(())
            }
            Change::Delete(id) => {
                writer.delete_term(self.id_term(*id));
                vector_changes.push(VectorChange::Remove(*id));
                Ok(())
            }
        });
        self.commit_or_roll_back(writer, staged, seq)?;
        self.vectors.apply(&vector_changes, seq);
        tracing::debug!(changes = changes.len(), seq, "applied changes to index");
        Ok(())
    }

    /// Replaces the whole index with the approved products among `docs`, committed with `seq`.
    /// Calls `progress` with the number of products read so far (every 1,000 and at the end)
    /// and returns the number of products indexed. On error the previous index stays intact.
    pub fn rebuild(
        &self,
        docs: impl Iterator<Item = ProductDoc>,
        seq: u64,
        progress: &dyn Fn(u64),
    ) -> Result<u64> {
        let mut guard = self.lock_writer()?;
        let Some(writer) = guard.as_mut() else {
            return Err(Error::Index(TantivyError::InternalError(
                "index writer missing".to_string(),
            )));
        };
        let mut read = 0u64;
        let mut indexed = 0u64;
        let mut dimension = 0;
        let mut embeddings = Vec::new();
        let staged = writer.delete_all_documents().map(|_| ()).and_then(|()| {
            for product in docs {
                read += 1;
                if product.status == ModerationStatus::Approved {
                    let embedding = prepare_embedding(&product, &mut dimension);
                    writer.add_document(self.fields.to_document(&product, embedding.as_ref()))?;
                    if let Some(embedding) = embedding {
                        embeddings.push((product.id, embedding));
                    }
                    indexed += 1;
                }
                if read.is_multiple_of(PROGRESS_EVERY) {
                    progress(read);
                }
            }
            Ok(())
        });
        self.commit_or_roll_back(writer, staged, seq)?;
        self.merge_all_segments(writer)?;
        self.vectors.replace_all(embeddings, seq);
        progress(read);
        tracing::info!(read, indexed, seq, "rebuilt index");
        Ok(indexed)
    }

    /// Commits the staged operations with `seq` as payload and reloads the reader, or rolls
    /// them back when staging failed.
    fn commit_or_roll_back(
        &self,
        writer: &mut IndexWriter,
        staged: tantivy::Result<()>,
        seq: u64,
    ) -> Result<()> {
        let committed = staged.and_then(|()| {
            let mut prepared = writer.prepare_commit()?;
            prepared.set_payload(&seq.to_string());
            prepared.commit()
        });
        if let Err(err) = committed {
            if let Err(rollback_err) = writer.rollback() {
                tracing::error!(error = %rollback_err, "index rollback failed");
            }
            return Err(err.into());
        }
        self.reader.reload()?;
        Ok(())
    }

    /// Merges every segment into one and reloads: a rebuilt index is searched most often and
    /// per-segment work (term lookups, scorers, facet dictionaries) is paid once, not per
    /// indexing thread's flush. The merge keeps the commit payload.
    fn merge_all_segments(&self, writer: &mut IndexWriter) -> Result<()> {
        let segment_ids = self.index.searchable_segment_ids()?;
        if segment_ids.len() > 1 {
            writer.merge(&segment_ids).wait()?;
            self.reader.reload()?;
        }
        Ok(())
    }

    fn id_term(&self, id: ProductId) -> Term {
        Term::from_field_u64(self.fields.id, id.0)
    }

    /// Returns the number of searchable documents.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Searches on behalf of `audience`.
    ///
    /// Semantic and hybrid requests fail with [`crate::ErrorKind::SemanticUnavailable`] while
    /// no product has an embedding.
    pub fn search(&self, audience: Audience, request: &SearchRequest) -> Result<SearchResults> {
        let params = self.hybrid_params();
        run_search(
            &self.reader.searcher(),
            &self.fields,
            &self.facts,
            &self.vectors,
            &params,
            audience,
            request,
        )
    }

    /// Runs a lexical search on behalf of `audience` and returns the requested page as product
    /// ids and scores only, without loading the stored documents (same order and total as
    /// [`Engine::search`] in lexical mode).
    pub fn search_ids(&self, audience: Audience, request: &SearchRequest) -> Result<RankedIds> {
        run_search_ids(
            &self.reader.searcher(),
            &self.fields,
            &self.facts,
            audience,
            request,
        )
    }

    /// Returns the tuning of semantic and hybrid retrieval.
    pub fn hybrid_params(&self) -> HybridParams {
        // A plain value: a poisoned lock still holds a whole one.
        *self.hybrid.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// Changes the tuning of semantic and hybrid retrieval for the searches that follow (the
    /// relevance evaluation compares settings on one index).
    pub fn set_hybrid_params(&self, params: HybridParams) {
        *self.hybrid.write().unwrap_or_else(PoisonError::into_inner) = params;
    }

    /// Recommends products on behalf of `audience` from `signals` (see [`crate::recommend`]).
    ///
    /// Every recommended product is approved, currently indexed, admitted by the audience's
    /// age and by the request's restrictions. A similar-items request about a product the
    /// audience cannot see fails with [`crate::ErrorKind::NotFound`].
    pub fn recommend(
        &self,
        audience: Audience,
        request: &RecommendRequest,
        signals: &RecSignals,
    ) -> Result<Recommendations> {
        let searcher = self.reader.searcher();
        let context = crate::recommend::Context {
            searcher: &searcher,
            fields: &self.fields,
            facts: &self.facts,
            vectors: &self.vectors,
        };
        crate::recommend::run_recommend(&context, audience, request, signals)
    }

    /// Returns what the vector index holds, and the last repair made on open.
    pub fn vector_status(&self) -> VectorStatus {
        self.vectors.status()
    }

    /// Writes the vector index to disk now (it is written every
    /// [`VectorParams::snapshot_every`] changes otherwise); calling it on shutdown makes the
    /// next open skip re-inserting the vectors changed since. Does nothing in memory.
    pub fn save_vectors(&self) -> Result<()> {
        // Serialized with changes, so the snapshot matches one applied sequence.
        let _writer = self
            .writer
            .lock()
            .map_err(|_| Error::Index(TantivyError::Poisoned))?;
        self.vectors.save()
    }
}

/// Checks a product's embedding against the dimension seen so far (0: none yet), which it
/// sets; a bad embedding is dropped with a warning and the product indexed without it.
fn prepare_embedding(product: &ProductDoc, dimension: &mut usize) -> Option<Embedding> {
    let raw = product.embedding.as_deref()?;
    match Embedding::prepare(raw) {
        Ok(embedding) if *dimension == 0 || embedding.dimension() == *dimension => {
            *dimension = embedding.dimension();
            Some(embedding)
        }
        Ok(embedding) => {
            tracing::warn!(
                product = product.id.0,
                dimension = embedding.dimension(),
                expected = *dimension,
                "dropping the embedding of product {}: {} dimensions, the index has {}",
                product.id.0,
                embedding.dimension(),
                *dimension
            );
            None
        }
        Err(problem) => {
            tracing::warn!(
                product = product.id.0,
                "dropping the embedding of product {}: it {problem}",
                product.id.0
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_is_shareable_across_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Engine>();
    }

    fn product(id: u64, brand_id: u64, category_path: Vec<u64>) -> ProductDoc {
        ProductDoc {
            id: ProductId(id),
            titles: crate::Localized {
                uz: Some(format!("Mahsulot {id}")),
                ..crate::Localized::default()
            },
            descriptions: crate::Localized::default(),
            brand: "Brend".to_string(),
            brand_id,
            category_id: category_path.last().copied().unwrap_or_default(),
            category_path,
            category_names: Vec::new(),
            seller_id: 1,
            age_min_months: 12,
            age_max_months: 48,
            price_tiyin: i64::try_from(id).unwrap() * 100,
            in_stock: id.is_multiple_of(2),
            rating: 0.0,
            rating_count: 0,
            popularity: id * 10,
            created_at: 0,
            skus: Vec::new(),
            image_url: None,
            status: ModerationStatus::Approved,
            embedding: None,
        }
    }

    #[test]
    fn warmed_facts_mirror_the_fast_fields() {
        let engine = Engine::in_memory().unwrap();
        let docs = vec![product(1, 7, vec![1, 2]), product(2, 9, vec![3])];
        engine.rebuild(docs.into_iter(), 1, &|_| {}).unwrap();
        let searcher = engine.reader.searcher();
        let segment = &searcher.segment_readers()[0];
        let facts = engine.facts.segment_facts(segment).unwrap();
        assert_eq!(facts.docs.len(), 2);
        let ids = segment.fast_fields().u64(crate::schema::fast::ID).unwrap();
        for (doc, facts_of_doc) in facts.docs.iter().enumerate() {
            let id = ids.first(doc as u32).unwrap();
            assert_eq!(facts_of_doc.price, i64::try_from(id).unwrap() * 100);
            assert_eq!(facts_of_doc.popularity, id * 10);
            assert_eq!(facts_of_doc.in_stock, id.is_multiple_of(2));
            assert!(facts_of_doc.admits(12) && facts_of_doc.admits(48));
            assert!(!facts_of_doc.admits(11) && !facts_of_doc.admits(49));
            let brand = facts.brands[facts_of_doc.brand as usize];
            let path = &facts.category_paths[facts_of_doc.category_path as usize];
            match id {
                1 => assert_eq!((brand, path.as_slice()), (7, &[1, 2][..])),
                _ => assert_eq!((brand, path.as_slice()), (9, &[3][..])),
            }
        }
    }

    #[test]
    fn fresh_index_has_no_seq_and_no_docs() {
        let engine = Engine::in_memory().unwrap();
        assert_eq!(engine.applied_seq().unwrap(), 0);
        assert_eq!(engine.num_docs(), 0);
    }
}
