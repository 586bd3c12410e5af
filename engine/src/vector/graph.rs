//! The HNSW graph (hnsw_rs) over vectors numbered by slot, and exact search for comparison.

use super::distance::{DotDistance, dot_on};
use hnsw_rs::api::AnnT;
use hnsw_rs::hnsw::Hnsw;
use hnsw_rs::hnswio::HnswIo;
use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

/// Layers of the graph (hnsw_rs's maximum; the levels actually used grow with `ln(n)`).
const MAX_LAYERS: usize = 16;
/// Over-fetch factor on top of `k / allowed share` (the share is an average: a query's
/// neighbourhood may hold fewer allowed vectors).
const OVERFETCH_MARGIN: f64 = 1.3;
/// Neighbours over-fetched on top of the margin.
const OVERFETCH_EXTRA: usize = 10;
/// Inserts below this many go one by one; above, on rayon.
const PARALLEL_INSERT_MIN: usize = 256;

/// How the graph is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GraphParams {
    /// Links per node and layer (`M`; twice as many in the bottom layer). At most 255.
    pub max_connections: usize,
    /// Candidates examined per insertion (`ef_construction`).
    pub ef_construction: usize,
}

impl Default for GraphParams {
    fn default() -> Self {
        Self {
            max_connections: 16,
            ef_construction: 200,
        }
    }
}

/// A nearest neighbour: its slot and cosine similarity to the query.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Neighbor {
    /// The vector's slot (its number when inserted).
    pub slot: u32,
    /// Cosine similarity to the query (dot product of unit vectors), in `-1..=1`.
    pub similarity: f32,
}

/// Orders neighbours by similarity, then slot (for a deterministic top-k).
#[derive(Debug, Clone, Copy)]
struct Ranked(Neighbor);

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Ranked {}
impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ranked {
    /// Better is greater: higher similarity, then lower slot.
    fn cmp(&self, other: &Self) -> Ordering {
        self.0
            .similarity
            .total_cmp(&other.0.similarity)
            .then(other.0.slot.cmp(&self.0.slot))
    }
}

/// Keeps the best `k` neighbours offered.
pub(crate) struct TopK {
    k: usize,
    heap: BinaryHeap<std::cmp::Reverse<Ranked>>,
}

impl TopK {
    pub(crate) fn new(k: usize) -> Self {
        Self {
            k,
            heap: BinaryHeap::with_capacity(k.saturating_add(1).min(1 << 16)),
        }
    }

    #[inline]
    pub(crate) fn offer(&mut self, neighbor: Neighbor) {
        if self.k == 0 {
            return;
        }
        let ranked = Ranked(neighbor);
        if self.heap.len() < self.k {
            self.heap.push(std::cmp::Reverse(ranked));
        } else if let Some(std::cmp::Reverse(worst)) = self.heap.peek()
            && ranked > *worst
        {
            self.heap.pop();
            self.heap.push(std::cmp::Reverse(ranked));
        }
    }

    /// Returns the kept neighbours, best first.
    pub(crate) fn into_sorted(self) -> Vec<Neighbor> {
        let mut ranked: Vec<Ranked> = self.heap.into_iter().map(|r| r.0).collect();
        ranked.sort_unstable_by(|a, b| b.cmp(a));
        ranked.into_iter().map(|r| r.0).collect()
    }
}

/// Finds the exact `k` nearest among `slots` of a contiguous arena of `dimension`-long
/// vectors (slot `s` at `s * dimension`), best first.
pub fn exact_nearest(
    arena: &[f32],
    dimension: usize,
    query: &[f32],
    k: usize,
    slots: impl Iterator<Item = u32>,
) -> Vec<Neighbor> {
    let arch = pulp::Arch::new();
    let mut top = TopK::new(k);
    for slot in slots {
        let start = slot as usize * dimension;
        if let Some(vector) = arena.get(start..start + dimension) {
            top.offer(Neighbor {
                slot,
                similarity: dot_on(arch, query, vector),
            });
        }
    }
    top.into_sorted()
}

/// Returns how many neighbours an over-fetching search for `k` asks the graph for when
/// `allowed_share` of the vectors are allowed.
pub(crate) fn overfetch_count(k: usize, allowed_share: f64) -> usize {
    let share = allowed_share.clamp(1e-6, 1.0);
    ((k as f64 / share) * OVERFETCH_MARGIN).ceil() as usize + OVERFETCH_EXTRA
}

/// An HNSW graph of unit vectors under cosine similarity, built with hnsw_rs.
///
/// Inserts and searches take `&self` and may run concurrently (hnsw_rs locks each node's
/// links). A vector cannot be removed: callers keep their own tombstones and filter them out.
pub struct AnnGraph {
    hnsw: Hnsw<'static, f32, DotDistance>,
    params: GraphParams,
}

impl std::fmt::Debug for AnnGraph {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnnGraph")
            .field("points", &self.len())
            .field("params", &self.params)
            .finish()
    }
}

impl AnnGraph {
    /// Creates an empty graph sized for about `capacity` vectors.
    pub fn new(params: GraphParams, capacity: usize) -> Self {
        let max_connections = params.max_connections.clamp(2, 255);
        let hnsw = Hnsw::new(
            max_connections,
            capacity.max(1),
            MAX_LAYERS,
            params.ef_construction.max(max_connections),
            DotDistance::default(),
        );
        Self { hnsw, params }
    }

    /// Builds a graph over `arena` (vectors of `dimension` components back to back; the
    /// vector at index `i` gets slot `i`), inserting on rayon's pool.
    pub fn build(params: GraphParams, dimension: usize, arena: &[f32]) -> Self {
        let count = arena.len().checked_div(dimension).unwrap_or(0);
        let graph = Self::new(params, count);
        let items: Vec<(&[f32], usize)> = arena
            .chunks_exact(dimension.max(1))
            .enumerate()
            .map(|(slot, vector)| (vector, slot))
            .collect();
        graph.insert_batch(&items);
        graph
    }

    /// Inserts vectors with their slots, on rayon's pool when there are many.
    pub(crate) fn insert_batch(&self, items: &[(&[f32], usize)]) {
        if items.len() < PARALLEL_INSERT_MIN {
            for item in items {
                self.hnsw.insert_slice(*item);
            }
        } else {
            self.hnsw.parallel_insert_slice(&items.to_vec());
        }
    }

    /// Inserts one vector under `slot`.
    pub fn insert(&self, slot: u32, vector: &[f32]) {
        self.hnsw.insert_slice((vector, slot as usize));
    }

    /// Returns the number of vectors in the graph (tombstoned ones included).
    pub fn len(&self) -> usize {
        self.hnsw.get_nb_point()
    }

    /// Returns whether the graph has no vector.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Returns the parameters the graph was built with.
    pub fn params(&self) -> GraphParams {
        self.params
    }

    /// Returns about `k` nearest neighbours, best first, exploring `ef` candidates.
    pub fn search(&self, query: &[f32], k: usize, ef: usize) -> Vec<Neighbor> {
        to_neighbors(self.hnsw.search_filter(query, k, ef.max(k), None))
    }

    /// Returns up to `k` nearest neighbours among the slots `allowed` accepts, best first, by
    /// over-fetching: an unfiltered search for `k / allowed_share` (plus a margin) neighbours,
    /// then the filter. It may return fewer than `k`; callers fall back to an exact scan.
    pub fn search_overfetch(
        &self,
        query: &[f32],
        k: usize,
        ef: usize,
        allowed_share: f64,
        allowed: &dyn Fn(u32) -> bool,
    ) -> Vec<Neighbor> {
        let fetch = overfetch_count(k, allowed_share).min(self.len());
        let mut found = self.search(query, fetch, ef.max(fetch));
        found.retain(|neighbor| allowed(neighbor.slot));
        found.truncate(k);
        found
    }

    /// Returns about `k` nearest neighbours among the slots `allowed` accepts, best first.
    /// The graph is walked through every node, but only accepted ones are kept: hnsw_rs's
    /// filtered search. It may return fewer than `k` when few nodes are accepted. (hnsw_rs
    /// keeps expanding every candidate once a filter is given, so this is slow: the engine
    /// over-fetches instead; the ANN bench measures both.)
    pub fn search_filtered(
        &self,
        query: &[f32],
        k: usize,
        ef: usize,
        allowed: &(dyn Fn(u32) -> bool + Sync),
    ) -> Vec<Neighbor> {
        let filter = |id: &usize| u32::try_from(*id).is_ok_and(allowed);
        let found = self.hnsw.search_filter(query, k, ef.max(k), Some(&filter));
        let mut neighbors = to_neighbors(found);
        // hnsw_rs filters its final list too; checked again so nothing unaccepted ever leaves.
        neighbors.retain(|neighbor| allowed(neighbor.slot));
        neighbors
    }

    /// Calls `visit` with every vector in the graph and its slot, in no particular order.
    pub(crate) fn for_each_vector(&self, mut visit: impl FnMut(u32, &[f32])) {
        if self.is_empty() {
            return;
        }
        for point in self.hnsw.get_point_indexation() {
            if let Ok(slot) = u32::try_from(point.get_origin_id()) {
                visit(slot, point.get_v());
            }
        }
    }

    /// Calls `visit` with every node's slot, level and links (slots, per layer from the
    /// bottom), in no particular order.
    pub(crate) fn for_each_node(&self, mut visit: impl FnMut(u32, u8, Vec<Vec<u32>>)) {
        if self.is_empty() {
            return;
        }
        for point in self.hnsw.get_point_indexation() {
            let Ok(slot) = u32::try_from(point.get_origin_id()) else {
                continue;
            };
            let layers = point
                .get_neighborhood_id()
                .into_iter()
                .map(|layer| {
                    layer
                        .iter()
                        .filter_map(|neighbour| u32::try_from(neighbour.get_origin_id()).ok())
                        .collect()
                })
                .collect();
            visit(slot, point.get_point_id().0, layers);
        }
    }

    /// Writes the graph as `<basename>.hnsw.graph` and `<basename>.hnsw.data` in `dir` and
    /// returns the basename used. hnsw_rs panics on I/O errors; the panic is caught here.
    pub(crate) fn dump(&self, dir: &Path, basename: &str) -> Result<String, String> {
        match catch_unwind(AssertUnwindSafe(|| self.hnsw.file_dump(dir, basename))) {
            Ok(Ok(written)) => Ok(written),
            Ok(Err(error)) => Err(format!("writing the graph: {error}")),
            Err(_) => Err("writing the graph panicked".to_string()),
        }
    }

    /// Loads a graph written by [`AnnGraph::dump`]. The caller has checked the files' sizes
    /// and checksums; hnsw_rs panics on malformed files, which is caught here.
    pub(crate) fn load(dir: &Path, basename: &str, params: GraphParams) -> Result<Self, String> {
        // hnsw_rs ties the loaded graph's lifetime to its loader (for memory-mapped data,
        // which is not used here: the data is copied). The loader, a path and a few fields,
        // is leaked so the graph can be owned: one small allocation per load.
        let loaded = catch_unwind(AssertUnwindSafe(|| {
            let loader: &'static mut HnswIo = Box::leak(Box::new(HnswIo::new(dir, basename)));
            loader.load_hnsw::<f32, DotDistance>()
        }));
        match loaded {
            Ok(Ok(mut hnsw)) => {
                // Inserting after a reload behaves like inserting into a fresh graph.
                hnsw.set_extend_candidates(false);
                Ok(Self { hnsw, params })
            }
            Ok(Err(error)) => Err(format!("reading the graph: {error}")),
            Err(_) => Err("reading the graph panicked (malformed file)".to_string()),
        }
    }
}

fn to_neighbors(found: Vec<hnsw_rs::hnsw::Neighbour>) -> Vec<Neighbor> {
    found
        .into_iter()
        .filter_map(|neighbour| {
            let slot = u32::try_from(neighbour.get_origin_id()).ok()?;
            Some(Neighbor {
                slot,
                similarity: 1.0 - neighbour.get_distance(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(values: &[f32]) -> Vec<f32> {
        let norm = values.iter().map(|v| v * v).sum::<f32>().sqrt();
        values.iter().map(|v| v / norm).collect()
    }

    #[test]
    fn top_k_keeps_the_best_in_order() {
        let mut top = TopK::new(2);
        for (slot, similarity) in [(1, 0.1), (2, 0.9), (3, 0.5), (4, 0.9)] {
            top.offer(Neighbor { slot, similarity });
        }
        let slots: Vec<u32> = top.into_sorted().iter().map(|n| n.slot).collect();
        assert_eq!(slots, vec![2, 4]);
    }

    #[test]
    fn graph_finds_what_exact_search_finds_on_a_small_set() {
        let dimension = 8;
        let mut arena = Vec::new();
        for i in 0..300u32 {
            let v: Vec<f32> = (0..dimension)
                .map(|d| (i as f32 * (d as f32 + 1.0) * 0.37 + d as f32).sin())
                .collect();
            arena.extend(unit(&v));
        }
        let graph = AnnGraph::build(GraphParams::default(), dimension, &arena);
        assert_eq!(graph.len(), 300);
        let query = arena[8 * 42..8 * 43].to_vec();
        let exact = exact_nearest(&arena, dimension, &query, 10, 0..300);
        let approximate = graph.search(&query, 10, 64);
        assert_eq!(exact[0].slot, 42);
        assert_eq!(approximate[0].slot, 42);
        let overlap = approximate
            .iter()
            .filter(|n| exact.iter().any(|e| e.slot == n.slot))
            .count();
        assert!(overlap >= 8, "overlap {overlap}");
        let even = graph.search_filtered(&query, 10, 64, &|slot| slot % 2 == 1);
        assert!(even.iter().all(|n| n.slot % 2 == 1));
        assert_eq!(even.len(), 10);
    }

    #[test]
    fn dump_and_load_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let arena: Vec<f32> = (0..50)
            .flat_map(|i| unit(&[1.0, i as f32, (i % 7) as f32]))
            .collect();
        let graph = AnnGraph::build(GraphParams::default(), 3, &arena);
        let basename = graph.dump(dir.path(), "graph").unwrap();
        let loaded = AnnGraph::load(dir.path(), &basename, GraphParams::default()).unwrap();
        assert_eq!(loaded.len(), 50);
        let mut seen = [false; 50];
        loaded.for_each_vector(|slot, vector| {
            let start = slot as usize * 3;
            assert_eq!(vector, &arena[start..start + 3]);
            seen[slot as usize] = true;
        });
        assert!(seen.iter().all(|s| *s));
        assert!(AnnGraph::load(dir.path(), "missing", GraphParams::default()).is_err());
    }
}
