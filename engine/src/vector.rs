//! The vector index: an HNSW graph (hnsw_rs) over the products' passage embeddings, beside the
//! lexical index and derived from it.
//!
//! Vectors are computed outside the engine and arrive with the products; each is checked and
//! L2-normalised once ([`Embedding`]), stored in the lexical document (bytes, with a content
//! key as fast field) and appended to an arena under a new *slot*. The graph links slots. A
//! replaced or deleted product's slot becomes a tombstone, which no search returns; when
//! tombstones pass a share of the slots the graph is rebuilt from the live vectors.
//!
//! **The lexical index is the source of truth.** [`crate::Engine::apply`] commits the lexical
//! side (with the sequence number) first, then updates the vectors in memory; every
//! [`VectorParams::snapshot_every`] changes, and after a rebuild or a compaction, the vector
//! side is written to disk with the sequence it reflects (see `snapshot`). On open, the
//! snapshot is compared with the lexical index product by product (content keys from a fast
//! field, so this costs a scan of two fast fields): products whose vector is missing or stale
//! are re-inserted from the stored embeddings and the others removed. A crash between the two
//! writes, a lagging, corrupt or missing snapshot, or a snapshot from another sequence all end
//! in the same repair, reported by [`crate::Engine::vector_status`] and logged.
//!
//! Searches pass the set of slots they may return (built from the same per-segment fast-field
//! checks as lexical search, see `collector`), and [`VectorState::nearest`] picks the strategy:
//! an exact scan of the allowed vectors when it is cheaper, else an unfiltered graph search
//! over-fetching `k / share` neighbours and filtering them, falling back to the exact scan when
//! that yields fewer than `k`. "Cheaper" is a cost model measured on 100k 384-d vectors: one
//! neighbour fetched through the graph costs about 80 exact dot products
//! ([`VectorParams::exact_scan_cost_ratio`]), so for a top-100 the exact scan wins below about
//! a third of the index allowed (on 100k: exact 6.4 ms at 30% allowed against 8.3 ms through
//! the graph; graph 4.8 ms at 50% against 11 ms), and always at most
//! [`VectorParams::exact_scan_max`] vectors. So `k` results come
//! back whenever `k` allowed vectors exist. (hnsw_rs's own filtered search is not used: once
//! given a filter it expands every candidate it ever queued, which on 100k vectors costs more
//! than the exact scan at every share; `benches/src/bin/ann.rs` measures all three.)

mod distance;
mod flat;
mod graph;
mod snapshot;

pub use distance::dot;
pub use flat::{FlatLinks, Reselect};
use graph::overfetch_count;
pub use graph::{AnnGraph, GraphParams, Neighbor, exact_nearest};

use crate::collector::read_dense;
use crate::doc::ProductId;
use crate::schema::{Fields, fast};
use crate::{Error, Result};
use serde::Serialize;
use snapshot::{Slot, SnapshotRef};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use tantivy::index::SegmentId;
use tantivy::schema::Value;
use tantivy::{DocAddress, Searcher, SegmentReader, TantivyDocument};

/// The embedding key of a product without embedding.
pub(crate) const NO_EMBEDDING_KEY: u64 = 0;
/// "No slot" in a segment's doc-to-slot map.
pub(crate) const NO_SLOT: u32 = u32::MAX;
/// Fewest tombstones that trigger a compaction (whatever their share).
const COMPACT_MIN_TOMBSTONES: usize = 16;
/// The graph's links are copied for searching ([`FlatLinks`]) again once this many slots were
/// added since the last copy (until then the newer slots are scanned exactly).
const REFREEZE_AFTER: usize = 1_024;

/// Tuning of the vector index.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VectorParams {
    /// How the graph is built.
    pub graph: GraphParams,
    /// Smallest candidate list of a graph search (`ef`); a search for `k` uses at least
    /// `1.5 k`.
    pub ef_search: usize,
    /// Allowed sets of at most this many vectors are always scanned exactly.
    pub exact_scan_max: usize,
    /// The graph is searched only when the allowed set holds more than this many vectors per
    /// neighbour the over-fetching graph search would fetch (`k / share`, plus a margin);
    /// otherwise the allowed set is scanned exactly. It is the measured cost of fetching one
    /// neighbour through the graph over the cost of one exact dot product (see the module
    /// docs); 0 always uses the graph (above `exact_scan_max`).
    pub exact_scan_cost_ratio: f64,
    /// The graph is rebuilt when tombstones exceed this share of its vectors.
    pub compact_tombstone_share: f64,
    /// A snapshot is written after this many changes (and after rebuilds and compactions).
    pub snapshot_every: usize,
}

impl Default for VectorParams {
    fn default() -> Self {
        Self {
            graph: GraphParams::default(),
            ef_search: 96,
            exact_scan_max: 4_096,
            exact_scan_cost_ratio: 80.0,
            compact_tombstone_share: 0.2,
            snapshot_every: 1_000,
        }
    }
}

/// What the vector index holds, for health checks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VectorStatus {
    /// The vectors' dimension, `None` while no product has an embedding.
    pub dimension: Option<usize>,
    /// Products with a vector.
    pub vectors: u64,
    /// Replaced or deleted vectors still in the graph.
    pub tombstones: u64,
    /// The outbox sequence the vectors reflect (the lexical commit's).
    pub seq: u64,
    /// The sequence of the snapshot on disk, if any was written or read.
    pub saved_seq: Option<u64>,
    /// The last repair made on open, if the snapshot did not match the lexical index.
    pub last_repair: Option<VectorRepair>,
}

/// A repair of the vector index from the lexical index's stored embeddings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VectorRepair {
    /// Why the snapshot did not match.
    pub reason: String,
    /// Vectors inserted from the stored embeddings.
    pub inserted: u64,
    /// Vectors removed.
    pub removed: u64,
}

/// A 64-bit streaming hash (8 bytes at a time, splitmix finaliser); not cryptographic.
#[derive(Debug, Default)]
pub(crate) struct Hash64 {
    state: u64,
    pending: [u8; 8],
    pending_len: usize,
    length: u64,
}

impl Hash64 {
    #[inline]
    fn mix(&mut self, word: u64) {
        self.state = (self.state ^ word)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(31);
    }

    /// Adds bytes.
    pub(crate) fn write(&mut self, mut bytes: &[u8]) {
        self.length += bytes.len() as u64;
        while self.pending_len > 0 && !bytes.is_empty() {
            self.pending[self.pending_len] = bytes[0];
            self.pending_len += 1;
            bytes = &bytes[1..];
            if self.pending_len == 8 {
                self.mix(u64::from_le_bytes(self.pending));
                self.pending_len = 0;
            }
        }
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let mut array = [0u8; 8];
            array.copy_from_slice(word);
            self.mix(u64::from_le_bytes(array));
        }
        for byte in words.remainder() {
            self.pending[self.pending_len] = *byte;
            self.pending_len += 1;
        }
    }

    /// Returns the hash.
    pub(crate) fn finish(&self) -> u64 {
        let mut last = [0u8; 8];
        last[..self.pending_len].copy_from_slice(&self.pending[..self.pending_len]);
        let mut z = self.state ^ u64::from_le_bytes(last) ^ self.length.rotate_left(17);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// A checked, L2-normalised product embedding with its content key.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Embedding {
    vector: Vec<f32>,
    key: u64,
}

impl Embedding {
    /// Checks and normalises a product's raw embedding; the error says what is wrong with it.
    pub(crate) fn prepare(raw: &[f32]) -> std::result::Result<Self, &'static str> {
        let vector = normalize(raw)?;
        Ok(Self::keyed(vector))
    }

    fn keyed(vector: Vec<f32>) -> Self {
        let mut hash = Hash64::default();
        for value in &vector {
            hash.write(&value.to_le_bytes());
        }
        // 0 means "no embedding".
        let key = hash.finish().max(1);
        Self { vector, key }
    }

    /// Decodes a stored embedding (already normalised).
    pub(crate) fn from_le_bytes(bytes: &[u8]) -> Option<Self> {
        if bytes.is_empty() || !bytes.len().is_multiple_of(4) {
            return None;
        }
        let vector: Vec<f32> = bytes
            .chunks_exact(4)
            .map(|chunk| f32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]))
            .collect();
        vector
            .iter()
            .all(|value| value.is_finite())
            .then(|| Self::keyed(vector))
    }

    /// Encodes the vector as little-endian bytes (what the lexical index stores).
    pub(crate) fn to_le_bytes(&self) -> Vec<u8> {
        self.vector.iter().flat_map(|v| v.to_le_bytes()).collect()
    }

    /// Returns the content key: equal vectors have equal keys, and it is never 0.
    pub(crate) fn key(&self) -> u64 {
        self.key
    }

    /// Returns the number of components.
    pub(crate) fn dimension(&self) -> usize {
        self.vector.len()
    }

    /// Returns the normalised components.
    pub(crate) fn as_slice(&self) -> &[f32] {
        &self.vector
    }
}

/// Returns `raw` scaled to unit length, or why it cannot be.
fn normalize(raw: &[f32]) -> std::result::Result<Vec<f32>, &'static str> {
    if raw.is_empty() {
        return Err("is empty");
    }
    if raw.iter().any(|value| !value.is_finite()) {
        return Err("has a component that is NaN or infinite");
    }
    let norm = raw
        .iter()
        .map(|value| f64::from(*value) * f64::from(*value))
        .sum::<f64>()
        .sqrt();
    if norm == 0.0 || !norm.is_finite() {
        return Err("has zero length");
    }
    Ok(raw
        .iter()
        .map(|value| (f64::from(*value) / norm) as f32)
        .collect())
}

/// Checks a query vector against the index's dimension and normalises it.
pub(crate) fn prepare_query(raw: &[f32], dimension: usize) -> Result<Vec<f32>> {
    if raw.len() != dimension {
        return Err(Error::InvalidRequest(format!(
            "query_vector has {} dimensions, the index has {dimension}",
            raw.len()
        )));
    }
    normalize(raw).map_err(|problem| Error::InvalidRequest(format!("query_vector {problem}")))
}

/// A change to the vector side.
#[derive(Debug, Clone)]
pub(crate) enum VectorChange {
    /// The product's vector is this one (or it has none).
    Upsert(ProductId, Option<Embedding>),
    /// The product is gone.
    Remove(ProductId),
}

/// The slots a search may return, each with the address of its product's live document.
pub(crate) struct AllowedSet {
    /// Per slot: the packed address of the document (see [`pack_address`]), or `NOT_ALLOWED`.
    by_slot: Vec<u64>,
    /// The allowed slots.
    slots: Vec<u32>,
}

const NOT_ALLOWED: u64 = u64::MAX;

fn pack_address(address: DocAddress) -> u64 {
    (u64::from(address.segment_ord) << 32) | u64::from(address.doc_id)
}

fn unpack_address(packed: u64) -> DocAddress {
    DocAddress::new((packed >> 32) as u32, (packed & 0xFFFF_FFFF) as u32)
}

impl AllowedSet {
    /// Creates an empty set for an index of `slots` slots.
    pub(crate) fn new(slots: usize) -> Self {
        Self {
            by_slot: vec![NOT_ALLOWED; slots],
            slots: Vec::new(),
        }
    }

    /// Allows `slot`, whose product's document is at `address`.
    pub(crate) fn allow(&mut self, slot: u32, address: DocAddress) {
        if let Some(entry) = self.by_slot.get_mut(slot as usize)
            && *entry == NOT_ALLOWED
        {
            *entry = pack_address(address);
            self.slots.push(slot);
        }
    }

    /// Returns the number of allowed slots.
    pub(crate) fn len(&self) -> usize {
        self.slots.len()
    }

    /// Returns the document address of an allowed slot.
    #[inline]
    pub(crate) fn address(&self, slot: u32) -> Option<DocAddress> {
        match self.by_slot.get(slot as usize) {
            Some(&packed) if packed != NOT_ALLOWED => Some(unpack_address(packed)),
            _ => None,
        }
    }

    #[inline]
    fn contains(&self, slot: u32) -> bool {
        self.by_slot
            .get(slot as usize)
            .is_some_and(|packed| *packed != NOT_ALLOWED)
    }
}

/// How a vector search was answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Strategy {
    /// Nothing was allowed.
    Nothing,
    /// Exact scan of the allowed vectors.
    Exact,
    /// Filtered graph search.
    Graph,
    /// The graph found too few; exact scan.
    GraphThenExact,
}

/// The in-memory vector index.
pub(crate) struct VectorState {
    /// Dimension of every vector; 0 while there is none.
    dimension: usize,
    graph: AnnGraph,
    /// The graph's links as of some earlier size, for fast searching (see [`FlatLinks`]);
    /// slots added since are scanned exactly.
    flat: Option<FlatLinks>,
    /// Vectors by slot, back to back.
    arena: Vec<f32>,
    slots: Vec<Slot>,
    /// The live slot of each product with a vector.
    by_product: HashMap<ProductId, u32>,
    seq: u64,
    /// Changes since the last snapshot.
    unsaved: usize,
    /// Per segment: the slot of each document's product (cleared when `by_product` changes).
    doc_slots: Mutex<HashMap<SegmentId, Arc<Vec<u32>>>>,
}

impl VectorState {
    fn empty(params: &VectorParams, seq: u64) -> Self {
        Self {
            dimension: 0,
            graph: AnnGraph::new(params.graph, 1),
            flat: None,
            arena: Vec::new(),
            slots: Vec::new(),
            by_product: HashMap::new(),
            seq,
            unsaved: 0,
            doc_slots: Mutex::new(HashMap::new()),
        }
    }

    fn from_snapshot(snapshot: snapshot::Snapshot, params: &VectorParams) -> Self {
        let by_product = snapshot
            .slots
            .iter()
            .enumerate()
            .filter(|(_, slot)| slot.live)
            .filter_map(|(index, slot)| Some((slot.product, u32::try_from(index).ok()?)))
            .collect();
        let graph = snapshot
            .graph
            .unwrap_or_else(|| AnnGraph::new(params.graph, 1));
        let flat = (!graph.is_empty())
            .then(|| FlatLinks::build(&graph, &snapshot.arena, snapshot.dimension));
        Self {
            dimension: if snapshot.slots.is_empty() {
                0
            } else {
                snapshot.dimension
            },
            graph,
            flat,
            arena: snapshot.arena,
            slots: snapshot.slots,
            by_product,
            seq: snapshot.seq,
            unsaved: 0,
            doc_slots: Mutex::new(HashMap::new()),
        }
    }

    /// Returns whether no product has a vector.
    pub(crate) fn is_empty(&self) -> bool {
        self.by_product.is_empty()
    }

    /// Returns the vectors' dimension (0 when empty).
    pub(crate) fn dimension(&self) -> usize {
        self.dimension
    }

    /// Returns the number of slots (tombstones included).
    pub(crate) fn slot_count(&self) -> usize {
        self.slots.len()
    }

    /// Returns the vector in a slot (normalised), if the slot holds one.
    pub(crate) fn slot_vector(&self, slot: u32) -> Option<&[f32]> {
        if slot == NO_SLOT {
            return None;
        }
        Some(self.vector(slot)).filter(|vector| !vector.is_empty())
    }

    fn tombstones(&self) -> usize {
        self.slots.len() - self.by_product.len()
    }

    /// Returns the live vector of a product (normalised), if it has one.
    pub(crate) fn vector_of(&self, product: ProductId) -> Option<&[f32]> {
        let slot = *self.by_product.get(&product)?;
        Some(self.vector(slot)).filter(|vector| !vector.is_empty())
    }

    fn vector(&self, slot: u32) -> &[f32] {
        let start = slot as usize * self.dimension;
        self.arena.get(start..start + self.dimension).unwrap_or(&[])
    }

    fn lock_doc_slots(&self) -> std::sync::MutexGuard<'_, HashMap<SegmentId, Arc<Vec<u32>>>> {
        // The cache is always consistent (entries are inserted whole).
        self.doc_slots
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Returns, for each document of a segment, the live slot of its product ([`NO_SLOT`] when
    /// the product has no vector).
    pub(crate) fn doc_slots(&self, segment: &SegmentReader) -> tantivy::Result<Arc<Vec<u32>>> {
        let id = segment.segment_id();
        if let Some(slots) = self.lock_doc_slots().get(&id) {
            return Ok(Arc::clone(slots));
        }
        let ids = read_dense(segment.fast_fields().u64(fast::ID)?, 0);
        let slots: Vec<u32> = (0..segment.max_doc())
            .map(|doc| {
                self.by_product
                    .get(&ProductId(ids.get_val(doc)))
                    .copied()
                    .unwrap_or(NO_SLOT)
            })
            .collect();
        let slots = Arc::new(slots);
        self.lock_doc_slots().insert(id, Arc::clone(&slots));
        Ok(slots)
    }

    /// Returns the `k` allowed vectors most similar to `query` (normalised, of the index's
    /// dimension), best first, and how they were found.
    pub(crate) fn nearest(
        &self,
        params: &VectorParams,
        query: &[f32],
        allowed: &AllowedSet,
        k: usize,
    ) -> (Vec<Neighbor>, Strategy) {
        let allowed_count = allowed.len();
        if allowed_count == 0 || k == 0 {
            return (Vec::new(), Strategy::Nothing);
        }
        let share = allowed_count as f64 / self.by_product.len().max(1) as f64;
        let graph_work = overfetch_count(k, share) as f64 * params.exact_scan_cost_ratio;
        let small = allowed_count <= k
            || allowed_count <= params.exact_scan_max
            || (allowed_count as f64) <= graph_work;
        let exact = || {
            exact_nearest(
                &self.arena,
                self.dimension,
                query,
                k,
                allowed.slots.iter().copied(),
            )
        };
        if small {
            return (exact(), Strategy::Exact);
        }
        let ef = params.ef_search.max(k.saturating_add(k / 2));
        let found = match &self.flat {
            Some(flat) => {
                let fetch = overfetch_count(k, share).min(self.slots.len());
                let mut found =
                    flat.search(&self.arena, self.dimension, query, fetch, ef.max(fetch));
                found.retain(|neighbor| allowed.contains(neighbor.slot));
                // Slots added since the links were copied: scanned exactly.
                let copied = u32::try_from(flat.nodes()).unwrap_or(u32::MAX);
                let total = u32::try_from(self.slots.len()).unwrap_or(u32::MAX);
                if copied < total {
                    found.extend(exact_nearest(
                        &self.arena,
                        self.dimension,
                        query,
                        k,
                        (copied..total).filter(|slot| allowed.contains(*slot)),
                    ));
                    found.sort_unstable_by(|a, b| {
                        b.similarity
                            .total_cmp(&a.similarity)
                            .then(a.slot.cmp(&b.slot))
                    });
                }
                found.truncate(k);
                found
            }
            None => self
                .graph
                .search_overfetch(query, k, ef, share, &|slot| allowed.contains(slot)),
        };
        if found.len() >= k.min(allowed_count) {
            (found, Strategy::Graph)
        } else {
            (exact(), Strategy::GraphThenExact)
        }
    }
}

/// The vector index with its lock, persistence and status.
pub(crate) struct VectorIndex {
    params: VectorParams,
    /// Where snapshots go (`None`: in memory only).
    root: Option<PathBuf>,
    state: RwLock<VectorState>,
    saved_seq: Mutex<Option<u64>>,
    last_repair: Mutex<Option<VectorRepair>>,
}

impl std::fmt::Debug for VectorIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VectorIndex")
            .field("root", &self.root)
            .finish_non_exhaustive()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl VectorIndex {
    /// Creates an empty, in-memory vector index.
    pub(crate) fn in_memory(params: VectorParams) -> Self {
        Self {
            params,
            root: None,
            state: RwLock::new(VectorState::empty(&params, 0)),
            saved_seq: Mutex::new(None),
            last_repair: Mutex::new(None),
        }
    }

    /// Opens the vector index persisted under `root` and reconciles it with the lexical index
    /// (`searcher`, committed at `lexical_seq`).
    pub(crate) fn open(
        root: &Path,
        params: VectorParams,
        searcher: &Searcher,
        fields: &Fields,
        lexical_seq: u64,
    ) -> Result<Self> {
        let (state, saved_seq, problem) = match snapshot::read(root, params.graph) {
            Ok(Some(snapshot)) => {
                let seq = snapshot.seq;
                let problem = (seq != lexical_seq).then(|| {
                    format!("vector snapshot at seq {seq}, lexical index at seq {lexical_seq}")
                });
                (
                    VectorState::from_snapshot(snapshot, &params),
                    Some(seq),
                    problem,
                )
            }
            Ok(None) => (
                VectorState::empty(&params, lexical_seq),
                None,
                Some("no vector snapshot".to_string()),
            ),
            Err(error) => (
                VectorState::empty(&params, lexical_seq),
                None,
                Some(format!("unusable vector snapshot: {error}")),
            ),
        };
        let index = Self {
            params,
            root: Some(root.to_path_buf()),
            state: RwLock::new(state),
            saved_seq: Mutex::new(saved_seq),
            last_repair: Mutex::new(None),
        };
        index.reconcile(searcher, fields, lexical_seq, problem)?;
        Ok(index)
    }

    /// Returns the tuning.
    pub(crate) fn params(&self) -> &VectorParams {
        &self.params
    }

    /// Locks the state for reading.
    pub(crate) fn read(&self) -> RwLockReadGuard<'_, VectorState> {
        // Writers leave the state consistent at every await-free step; a panic mid-update
        // cannot leave a half-written entry visible (see `apply`).
        self.state.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, VectorState> {
        self.state.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// Returns the status.
    pub(crate) fn status(&self) -> VectorStatus {
        let state = self.read();
        VectorStatus {
            dimension: (state.dimension > 0).then_some(state.dimension),
            vectors: state.by_product.len() as u64,
            tombstones: state.tombstones() as u64,
            seq: state.seq,
            saved_seq: *lock(&self.saved_seq),
            last_repair: lock(&self.last_repair).clone(),
        }
    }

    /// Applies changes committed lexically at `seq`, then compacts and writes a snapshot when
    /// due. Snapshot failures are logged, not returned: the lexical commit stands and the next
    /// open repairs from it.
    pub(crate) fn apply(&self, changes: &[VectorChange], seq: u64) {
        self.apply_in_memory(changes, seq);
        self.refreeze_if_due();
        let compacted = self.compact_if_due();
        let due = compacted || self.read().unsaved >= self.params.snapshot_every;
        if due {
            self.save_logging_errors();
        }
    }

    /// Copies the graph's links again when many slots were added since the last copy.
    fn refreeze_if_due(&self) {
        let flat = {
            let state = self.read();
            let copied = state.flat.as_ref().map_or(0, FlatLinks::nodes);
            let added = state.graph.len().saturating_sub(copied);
            if added == 0 || (copied > 0 && added < REFREEZE_AFTER) {
                return;
            }
            match &state.flat {
                Some(previous) => {
                    previous
                        .rebuild(&state.graph, &state.arena, state.dimension)
                        .0
                }
                None => FlatLinks::build(&state.graph, &state.arena, state.dimension),
            }
        };
        self.write().flat = Some(flat);
    }

    /// Replaces every vector (a rebuild) and writes a snapshot.
    pub(crate) fn replace_all(&self, vectors: Vec<(ProductId, Embedding)>, seq: u64) {
        let mut state = VectorState::empty(&self.params, seq);
        let dimension = vectors.first().map_or(0, |(_, e)| e.dimension());
        let mut seen: HashMap<ProductId, u32> = HashMap::with_capacity(vectors.len());
        for (product, embedding) in vectors {
            if embedding.dimension() != dimension {
                continue;
            }
            let slot = state.slots.len() as u32;
            if let Some(previous) = seen.insert(product, slot) {
                state.slots[previous as usize].live = false;
            }
            state.arena.extend_from_slice(embedding.as_slice());
            state.slots.push(Slot {
                product,
                key: embedding.key(),
                live: true,
            });
        }
        state.dimension = if state.slots.is_empty() { 0 } else { dimension };
        state.graph = AnnGraph::build(self.params.graph, state.dimension.max(1), &state.arena);
        state.flat = (!state.graph.is_empty())
            .then(|| FlatLinks::build(&state.graph, &state.arena, state.dimension));
        state.by_product = seen;
        *self.write() = state;
        self.compact_if_due();
        self.save_logging_errors();
    }

    fn apply_in_memory(&self, changes: &[VectorChange], seq: u64) {
        // 1. Append the new vectors (short write lock); an upsert whose vector is already the
        //    product's (same content key) reuses its slot.
        let mut targets: Vec<Option<u32>> = Vec::with_capacity(changes.len());
        let mut new_slots: Vec<u32> = Vec::new();
        {
            let mut state = self.write();
            let mut added: HashMap<(ProductId, u64), u32> = HashMap::new();
            for change in changes {
                let target = match change {
                    VectorChange::Remove(_) | VectorChange::Upsert(_, None) => None,
                    VectorChange::Upsert(product, Some(embedding)) => {
                        if state.dimension == 0 {
                            state.dimension = embedding.dimension();
                        }
                        let key = embedding.key();
                        let current = state
                            .by_product
                            .get(product)
                            .copied()
                            .filter(|slot| state.slots[*slot as usize].key == key);
                        if embedding.dimension() != state.dimension {
                            tracing::warn!(
                                product = product.0,
                                "dropping a vector of another dimension"
                            );
                            None
                        } else if let Some(slot) =
                            current.or_else(|| added.get(&(*product, key)).copied())
                        {
                            Some(slot)
                        } else {
                            let slot = state.slots.len() as u32;
                            state.arena.extend_from_slice(embedding.as_slice());
                            state.slots.push(Slot {
                                product: *product,
                                key,
                                live: false,
                            });
                            added.insert((*product, key), slot);
                            new_slots.push(slot);
                            Some(slot)
                        }
                    }
                };
                targets.push(target);
            }
        }
        // 2. Link them into the graph (read lock: searches go on; they cannot reach the new
        //    slots, which no product points to yet).
        if !new_slots.is_empty() {
            let state = self.read();
            let items: Vec<(&[f32], usize)> = new_slots
                .iter()
                .map(|slot| (state.vector(*slot), *slot as usize))
                .collect();
            state.graph.insert_batch(&items);
        }
        // 3. Point the products to their slots (short write lock).
        let mut state = self.write();
        let mut changed = false;
        for (change, target) in changes.iter().zip(targets) {
            let product = match change {
                VectorChange::Upsert(product, _) | VectorChange::Remove(product) => *product,
            };
            let previous = match target {
                Some(slot) => state.by_product.insert(product, slot),
                None => state.by_product.remove(&product),
            };
            if previous == target {
                continue;
            }
            changed = true;
            if let Some(old) = previous {
                state.slots[old as usize].live = false;
            }
            if let Some(slot) = target {
                state.slots[slot as usize].live = true;
            }
        }
        if state.slots.is_empty() {
            state.dimension = 0;
        }
        if changed {
            state.lock_doc_slots().clear();
        }
        state.seq = seq;
        state.unsaved += changes.len();
    }

    /// Rebuilds the graph from the live vectors when tombstones pass their share; returns
    /// whether it did.
    fn compact_if_due(&self) -> bool {
        let (products, arena, dimension, seq, unsaved) = {
            let state = self.read();
            let tombstones = state.tombstones();
            let due = tombstones >= COMPACT_MIN_TOMBSTONES
                && tombstones as f64
                    > self.params.compact_tombstone_share * state.slots.len() as f64;
            if !due {
                return false;
            }
            let mut products = Vec::with_capacity(state.by_product.len());
            let mut arena = Vec::with_capacity(state.by_product.len() * state.dimension);
            for (slot, entry) in state.slots.iter().enumerate() {
                if entry.live {
                    products.push(*entry);
                    arena.extend_from_slice(state.vector(slot as u32));
                }
            }
            (products, arena, state.dimension, state.seq, state.unsaved)
        };
        let graph = AnnGraph::build(self.params.graph, dimension.max(1), &arena);
        let by_product = products
            .iter()
            .enumerate()
            .map(|(slot, entry)| (entry.product, slot as u32))
            .collect();
        let flat = (!graph.is_empty()).then(|| FlatLinks::build(&graph, &arena, dimension));
        let compacted = VectorState {
            dimension: if products.is_empty() { 0 } else { dimension },
            graph,
            flat,
            arena,
            slots: products,
            by_product,
            seq,
            unsaved,
            doc_slots: Mutex::new(HashMap::new()),
        };
        tracing::info!(
            vectors = compacted.slots.len(),
            "compacted the vector index to {} vectors",
            compacted.slots.len()
        );
        *self.write() = compacted;
        true
    }

    /// Writes a snapshot now (in-memory indexes: nothing to do).
    pub(crate) fn save(&self) -> Result<()> {
        let Some(root) = &self.root else {
            return Ok(());
        };
        let seq = {
            let state = self.read();
            snapshot::write(
                root,
                &SnapshotRef {
                    seq: state.seq,
                    dimension: state.dimension,
                    slots: &state.slots,
                    graph: &state.graph,
                },
            )
            .map_err(Error::VectorIndex)?;
            state.seq
        };
        let mut state = self.write();
        if state.seq == seq {
            state.unsaved = 0;
        }
        *lock(&self.saved_seq) = Some(seq);
        Ok(())
    }

    fn save_logging_errors(&self) {
        if let Err(error) = self.save() {
            tracing::error!(%error, "writing the vector snapshot failed: {error}");
        }
    }

    /// Makes the vectors match the lexical index's stored embeddings: removes vectors of
    /// products that are gone or changed, inserts the missing ones. `problem` says why a
    /// repair is expected (it is checked anyway).
    fn reconcile(
        &self,
        searcher: &Searcher,
        fields: &Fields,
        lexical_seq: u64,
        problem: Option<String>,
    ) -> Result<()> {
        // The lexical truth: each live product's embedding key and document.
        let mut expected: HashMap<ProductId, (u64, DocAddress)> = HashMap::new();
        for (segment_ord, segment) in searcher.segment_readers().iter().enumerate() {
            let fast_fields = segment.fast_fields();
            let ids = read_dense(fast_fields.u64(fast::ID)?, 0);
            let keys = read_dense(fast_fields.u64(fast::EMBEDDING_KEY)?, NO_EMBEDDING_KEY);
            let alive = segment.alive_bitset();
            for doc in 0..segment.max_doc() {
                if alive.is_some_and(|alive| !alive.is_alive(doc)) {
                    continue;
                }
                let key = keys.get_val(doc);
                if key != NO_EMBEDDING_KEY {
                    let address = DocAddress::new(segment_ord as u32, doc);
                    expected.insert(ProductId(ids.get_val(doc)), (key, address));
                }
            }
        }
        let (mut removals, mut inserts) = {
            let state = self.read();
            let key_of = |slot: u32| state.slots[slot as usize].key;
            let removals: Vec<ProductId> = state
                .by_product
                .iter()
                .filter(|(product, slot)| {
                    expected.get(product).map(|(key, _)| *key) != Some(key_of(**slot))
                })
                .map(|(product, _)| *product)
                .collect();
            let inserts: Vec<(ProductId, DocAddress)> = expected
                .iter()
                .filter(|(product, (key, _))| {
                    state.by_product.get(product).map(|slot| key_of(*slot)) != Some(*key)
                })
                .map(|(product, (_, address))| (*product, *address))
                .collect();
            (removals, inserts)
        };
        if removals.is_empty() && inserts.is_empty() {
            // Same vectors; only the recorded sequence may lag (changes without new vectors).
            if problem.is_some() {
                let has_vectors = {
                    let mut state = self.write();
                    state.seq = lexical_seq;
                    !state.slots.is_empty()
                };
                if has_vectors {
                    self.save_logging_errors();
                }
            }
            return Ok(());
        }
        let reason = problem.unwrap_or_else(|| "vectors differ from the lexical index".to_string());
        inserts.sort_unstable_by_key(|(product, _)| *product);
        removals.sort_unstable();
        let mut embeddings = Vec::with_capacity(inserts.len());
        for (product, address) in &inserts {
            let doc: TantivyDocument = searcher.doc(*address)?;
            let embedding = doc
                .get_first(fields.embedding)
                .and_then(|value| value.as_bytes())
                .and_then(Embedding::from_le_bytes);
            match embedding {
                Some(embedding) => embeddings.push((*product, embedding)),
                None => tracing::warn!(product = product.0, "stored embedding is unreadable"),
            }
        }
        let current_dimension = self.read().dimension;
        let dimension_changed = embeddings
            .iter()
            .any(|(_, e)| current_dimension != 0 && e.dimension() != current_dimension);
        let (inserted, removed) = if dimension_changed {
            // Another model's vectors: start over from the stored ones.
            let removed = self.read().by_product.len() as u64;
            let mut all = Vec::with_capacity(expected.len());
            for (product, (_, address)) in &expected {
                let doc: TantivyDocument = searcher.doc(*address)?;
                if let Some(embedding) = doc
                    .get_first(fields.embedding)
                    .and_then(|value| value.as_bytes())
                    .and_then(Embedding::from_le_bytes)
                {
                    all.push((*product, embedding));
                }
            }
            let inserted = all.len() as u64;
            self.replace_all(all, lexical_seq);
            (inserted, removed)
        } else {
            let inserted = embeddings.len() as u64;
            let removed = removals.len() as u64;
            let mut changes: Vec<VectorChange> =
                removals.into_iter().map(VectorChange::Remove).collect();
            changes.extend(
                embeddings
                    .into_iter()
                    .map(|(product, embedding)| VectorChange::Upsert(product, Some(embedding))),
            );
            self.apply_in_memory(&changes, lexical_seq);
            self.compact_if_due();
            self.write().seq = lexical_seq;
            self.save_logging_errors();
            (inserted, removed)
        };
        tracing::warn!(
            %reason,
            inserted,
            removed,
            "repaired the vector index from the lexical index: {reason}"
        );
        *lock(&self.last_repair) = Some(VectorRepair {
            reason,
            inserted,
            removed,
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn embedding(values: &[f32]) -> Embedding {
        Embedding::prepare(values).unwrap()
    }

    #[test]
    fn embeddings_are_normalised_and_keyed_by_content() {
        let a = embedding(&[3.0, 4.0]);
        assert_eq!(a.as_slice(), &[0.6, 0.8]);
        assert_eq!(a.key(), embedding(&[6.0, 8.0]).key());
        assert_ne!(a.key(), embedding(&[4.0, 3.0]).key());
        assert_ne!(a.key(), NO_EMBEDDING_KEY);
        assert_eq!(Embedding::from_le_bytes(&a.to_le_bytes()), Some(a));
        assert!(Embedding::prepare(&[]).is_err());
        assert!(Embedding::prepare(&[0.0, 0.0]).is_err());
        assert!(Embedding::prepare(&[f32::NAN, 1.0]).is_err());
        assert!(Embedding::prepare(&[f32::INFINITY, 1.0]).is_err());
        assert!(Embedding::from_le_bytes(&[1, 2, 3]).is_none());
    }

    #[test]
    fn query_vectors_are_checked() {
        assert!(prepare_query(&[1.0, 0.0], 3).is_err());
        assert!(prepare_query(&[f32::NAN, 0.0], 2).is_err());
        assert!(prepare_query(&[0.0, 0.0], 2).is_err());
        assert_eq!(prepare_query(&[0.0, 2.0], 2).unwrap(), vec![0.0, 1.0]);
    }

    #[test]
    fn hash_is_independent_of_how_bytes_are_split() {
        let bytes: Vec<u8> = (0..100u8).collect();
        let mut whole = Hash64::default();
        whole.write(&bytes);
        let mut pieces = Hash64::default();
        for chunk in bytes.chunks(3) {
            pieces.write(chunk);
        }
        assert_eq!(whole.finish(), pieces.finish());
        let mut shorter = Hash64::default();
        shorter.write(&bytes[..99]);
        assert_ne!(whole.finish(), shorter.finish());
    }

    fn unit(angle: f32) -> Embedding {
        embedding(&[angle.cos(), angle.sin(), 0.5])
    }

    #[test]
    fn upserts_replace_and_deletes_tombstone() {
        let index = VectorIndex::in_memory(VectorParams {
            compact_tombstone_share: 1.0,
            ..VectorParams::default()
        });
        let changes: Vec<VectorChange> = (0..10)
            .map(|i| VectorChange::Upsert(ProductId(i), Some(unit(i as f32 * 0.3))))
            .collect();
        index.apply(&changes, 1);
        assert_eq!(index.status().vectors, 10);
        // Same vector: no new slot.
        index.apply(
            &[VectorChange::Upsert(ProductId(3), Some(unit(3.0 * 0.3)))],
            2,
        );
        assert_eq!(index.read().slot_count(), 10);
        // New vector, then a deletion, then an upsert without vector.
        index.apply(
            &[
                VectorChange::Upsert(ProductId(3), Some(unit(2.0))),
                VectorChange::Remove(ProductId(4)),
                VectorChange::Upsert(ProductId(5), None),
            ],
            3,
        );
        let status = index.status();
        assert_eq!((status.vectors, status.tombstones, status.seq), (8, 3, 3));
        // The same product twice in one batch: the last version wins, even when it is the
        // vector it had before.
        index.apply(
            &[
                VectorChange::Upsert(ProductId(6), Some(unit(3.0))),
                VectorChange::Upsert(ProductId(6), Some(unit(1.8))),
            ],
            4,
        );
        let state = index.read();
        let slot = state.by_product[&ProductId(6)];
        assert_eq!(state.slots[slot as usize].key, unit(1.8).key());
        assert!(state.slots[slot as usize].live);
        let live = state.slots.iter().filter(|s| s.live).count();
        assert_eq!(live, state.by_product.len());
    }

    #[test]
    fn compaction_drops_tombstones_and_keeps_the_live_vectors() {
        let index = VectorIndex::in_memory(VectorParams::default());
        let changes: Vec<VectorChange> = (0..100)
            .map(|i| VectorChange::Upsert(ProductId(i), Some(unit(i as f32 * 0.05))))
            .collect();
        index.apply(&changes, 1);
        let removals: Vec<VectorChange> = (0..30)
            .map(|i| VectorChange::Remove(ProductId(i)))
            .collect();
        index.apply(&removals, 2);
        let state = index.read();
        assert_eq!(state.slot_count(), 70);
        assert_eq!(state.tombstones(), 0);
        for (product, slot) in &state.by_product {
            assert_eq!(
                state.vector(*slot),
                unit(product.0 as f32 * 0.05).as_slice()
            );
        }
    }

    /// A deterministic value in `-1..1`.
    fn pseudo_random(seed: u64) -> f32 {
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 40) as f32 / (1u64 << 23) as f32 - 1.0
    }

    fn allow_all(state: &VectorState, allowed: impl Fn(u32) -> bool) -> AllowedSet {
        let mut set = AllowedSet::new(state.slot_count());
        for slot in 0..state.slot_count() as u32 {
            if state.slots[slot as usize].live && allowed(slot) {
                set.allow(slot, DocAddress::new(0, slot));
            }
        }
        set
    }

    #[test]
    fn nearest_returns_k_allowed_by_every_strategy() {
        let graph_always = VectorParams {
            exact_scan_max: 0,
            exact_scan_cost_ratio: 0.0,
            ..VectorParams::default()
        };
        let index = VectorIndex::in_memory(graph_always);
        let changes: Vec<VectorChange> = (0..2_000u64)
            .map(|i| {
                let values: Vec<f32> = (0..16).map(|d| pseudo_random(i * 16 + d)).collect();
                VectorChange::Upsert(ProductId(i), Some(embedding(&values)))
            })
            .collect();
        index.apply(&changes, 1);
        let state = index.read();
        let query = state.vector(7).to_vec();
        // Half allowed: the graph answers.
        let half = allow_all(&state, |slot| slot % 2 == 1);
        let (found, strategy) = state.nearest(&graph_always, &query, &half, 20);
        assert_eq!(strategy, Strategy::Graph);
        assert_eq!(found.len(), 20);
        assert!(found.iter().all(|n| n.slot % 2 == 1));
        assert_eq!(found[0].slot, 7);
        // Very selective: 25 allowed, 20 asked. Whatever the graph does, 20 come back.
        let few = allow_all(&state, |slot| slot % 80 == 3);
        let (found, _) = state.nearest(&graph_always, &query, &few, 20);
        assert_eq!(found.len(), 20);
        assert!(found.iter().all(|n| n.slot % 80 == 3));
        // Default thresholds: exact scan for a small set, and it is exact.
        let (exact, strategy) = state.nearest(&VectorParams::default(), &query, &few, 5);
        assert_eq!(strategy, Strategy::Exact);
        let mut all: Vec<Neighbor> = few
            .slots
            .iter()
            .map(|slot| Neighbor {
                slot: *slot,
                similarity: dot(&query, state.vector(*slot)),
            })
            .collect();
        all.sort_by(|a, b| b.similarity.total_cmp(&a.similarity));
        let expected: Vec<u32> = all.iter().take(5).map(|n| n.slot).collect();
        assert_eq!(exact.iter().map(|n| n.slot).collect::<Vec<_>>(), expected);
        // Nothing allowed.
        let none = AllowedSet::new(state.slot_count());
        assert_eq!(state.nearest(&graph_always, &query, &none, 5).0, Vec::new());
    }
}
