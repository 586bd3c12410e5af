//! A read-only, flat copy of the HNSW graph's links, searched without hnsw_rs's per-query
//! costs.
//!
//! hnsw_rs builds and persists the graph well, but its search pays for its concurrency on every
//! query: a read lock and `Arc` clones per visited node, a hash set of visited points, and a
//! distance call through a trait object per neighbour. A search only needs the links, so
//! [`FlatLinks::freeze`] copies them once into arrays (the bottom layer as one offset/link pair
//! of arrays, the few upper-layer nodes in maps), and [`FlatLinks::search`] walks them the way
//! hnswlib does: greedy descent through the upper layers, then a beam of `ef` candidates on
//! the bottom layer, with a reusable per-thread visited list (a generation counter, no
//! clearing), the vectors read from the caller's contiguous arena, and the dot product inlined
//! into one SIMD-dispatched function per query (no closure in between: a closure would be
//! compiled without the entry point's AVX2, which made this search slower than hnsw_rs's
//! own). The unvisited neighbours of a node are gathered and their vectors touched before any
//! distance is computed, so their cache misses overlap. The results are the graph's results:
//! same links, same entry point, same algorithm.

use super::distance::dot_with;
use super::graph::{AnnGraph, Neighbor};
use std::cell::RefCell;
use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap};

/// The graph's links, frozen.
#[derive(Debug, Clone, Default)]
pub struct FlatLinks {
    /// Nodes (slots) covered: the graph's size when frozen.
    nodes: usize,
    /// The slot the search starts from (a node of the top layer), `None` when empty.
    entry: Option<u32>,
    /// The top layer's number.
    top_layer: usize,
    /// Bottom layer: the links of slot `s` are `links[offsets[s]..offsets[s + 1]]`.
    offsets: Vec<u32>,
    links: Vec<u32>,
    /// Upper layers (index 0 is layer 1): each node's links.
    upper: Vec<HashMap<u32, Box<[u32]>>>,
}

/// A candidate or result: distance (`1 - dot`) and slot, ordered by distance then slot.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Scored {
    distance: f32,
    slot: u32,
}

impl Eq for Scored {}
impl PartialOrd for Scored {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Scored {
    fn cmp(&self, other: &Self) -> Ordering {
        self.distance
            .total_cmp(&other.distance)
            .then(self.slot.cmp(&other.slot))
    }
}

/// Per-thread buffers of a search, reused across queries.
#[derive(Default)]
struct Scratch {
    /// `visited[slot] == generation` when the slot was seen by the current query.
    visited: Vec<u32>,
    generation: u32,
    candidates: BinaryHeap<Reverse<Scored>>,
    /// The unvisited neighbours of the candidate being expanded.
    fresh: Vec<u32>,
    results: BinaryHeap<Scored>,
}

impl Scratch {
    fn start(&mut self, nodes: usize) {
        if self.visited.len() < nodes {
            self.visited.resize(nodes, 0);
        }
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.visited.iter_mut().for_each(|mark| *mark = 0);
            self.generation = 1;
        }
        self.candidates.clear();
        self.results.clear();
    }

    /// Marks `slot` visited; returns whether it was new.
    #[inline(always)]
    fn visit(&mut self, slot: u32) -> bool {
        match self.visited.get_mut(slot as usize) {
            Some(mark) if *mark != self.generation => {
                *mark = self.generation;
                true
            }
            _ => false,
        }
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

impl FlatLinks {
    /// Copies the links of `graph` (whose slots must be below `u32::MAX`).
    pub fn freeze(graph: &AnnGraph) -> Self {
        let mut bottom: Vec<Vec<u32>> = Vec::new();
        let mut upper: Vec<HashMap<u32, Box<[u32]>>> = Vec::new();
        let mut entry: Option<(u8, u32)> = None;
        graph.for_each_node(|slot, level, layers| {
            let index = slot as usize;
            if bottom.len() <= index {
                bottom.resize(index + 1, Vec::new());
            }
            for (layer, links) in layers.into_iter().enumerate().take(usize::from(level) + 1) {
                if layer == 0 {
                    bottom[index] = links;
                } else {
                    if upper.len() < layer {
                        upper.resize(layer, HashMap::new());
                    }
                    upper[layer - 1].insert(slot, links.into_boxed_slice());
                }
            }
            if entry.is_none_or(|(best_level, best_slot)| {
                level > best_level || (level == best_level && slot < best_slot)
            }) {
                entry = Some((level, slot));
            }
        });
        let mut offsets = Vec::with_capacity(bottom.len() + 1);
        let mut links = Vec::with_capacity(bottom.iter().map(Vec::len).sum());
        offsets.push(0u32);
        for node in &bottom {
            links.extend_from_slice(node);
            offsets.push(u32::try_from(links.len()).unwrap_or(u32::MAX));
        }
        let top_layer = entry.map_or(0, |(level, _)| usize::from(level));
        Self {
            nodes: graph.len(),
            entry: entry.map(|(_, slot)| slot),
            top_layer,
            offsets,
            links,
            upper,
        }
    }

    /// Returns the number of nodes the links cover.
    pub fn nodes(&self) -> usize {
        self.nodes
    }

    #[inline(always)]
    fn bottom_links(&self, slot: u32) -> &[u32] {
        let index = slot as usize;
        match (self.offsets.get(index), self.offsets.get(index + 1)) {
            (Some(&start), Some(&end)) => self
                .links
                .get(start as usize..end as usize)
                .unwrap_or_default(),
            _ => &[],
        }
    }

    fn upper_links(&self, layer: usize, slot: u32) -> &[u32] {
        self.upper
            .get(layer.wrapping_sub(1))
            .and_then(|nodes| nodes.get(&slot))
            .map_or(&[], |links| links)
    }

    /// Returns about `k` nearest neighbours of `query` (unit length) among the vectors of
    /// `arena` (slot `s` at `s * dimension`), best first, exploring `ef` candidates.
    pub fn search(
        &self,
        arena: &[f32],
        dimension: usize,
        query: &[f32],
        k: usize,
        ef: usize,
    ) -> Vec<Neighbor> {
        let Some(entry) = self.entry else {
            return Vec::new();
        };
        if k == 0 || dimension == 0 {
            return Vec::new();
        }
        let ef = ef.max(k);
        SCRATCH.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            pulp::Arch::new().dispatch(Search {
                links: self,
                arena,
                dimension,
                query,
                entry,
                k,
                ef,
                scratch: &mut scratch,
            })
        })
    }
}

/// One search, run inside pulp's `#[target_feature]` entry point so the dot products inline.
struct Search<'a> {
    links: &'a FlatLinks,
    arena: &'a [f32],
    dimension: usize,
    query: &'a [f32],
    entry: u32,
    k: usize,
    ef: usize,
    scratch: &'a mut Scratch,
}

impl pulp::WithSimd for Search<'_> {
    type Output = Vec<Neighbor>;

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, simd: S) -> Vec<Neighbor> {
        let Self {
            links,
            arena,
            dimension,
            query,
            entry,
            k,
            ef,
            scratch,
        } = self;
        // An `inline(always)` function, not a closure: a closure is compiled as a function of
        // its own, without the target features of pulp's entry point, and when LLVM keeps it
        // out of line the SIMD intrinsics inside it are not inlined either.
        let distance = DistanceTo {
            simd,
            arena,
            dimension,
            query,
        };
        // Greedy descent through the upper layers.
        let mut current = Scored {
            distance: distance.of(entry),
            slot: entry,
        };
        for layer in (1..=links.top_layer).rev() {
            let mut improved = true;
            while improved {
                improved = false;
                for &next in links.upper_links(layer, current.slot) {
                    let candidate = Scored {
                        distance: distance.of(next),
                        slot: next,
                    };
                    if candidate < current {
                        current = candidate;
                        improved = true;
                    }
                }
            }
        }
        // Beam search of the bottom layer.
        scratch.start(links.offsets.len().saturating_sub(1));
        scratch.visit(current.slot);
        scratch.candidates.push(Reverse(current));
        scratch.results.push(current);
        while let Some(Reverse(nearest)) = scratch.candidates.pop() {
            let worst = scratch.results.peek().map_or(f32::INFINITY, |w| w.distance);
            if nearest.distance > worst && scratch.results.len() >= ef {
                break;
            }
            // The neighbours not seen yet, then one read of each one's vector before any
            // distance: the cache misses of the whole batch overlap instead of queueing one
            // behind the other's arithmetic.
            let mut fresh = std::mem::take(&mut scratch.fresh);
            fresh.clear();
            for &next in links.bottom_links(nearest.slot) {
                if scratch.visit(next) {
                    fresh.push(next);
                }
            }
            distance.touch(&fresh);
            for &next in &fresh {
                let d = distance.of(next);
                let worst = scratch.results.peek().map_or(f32::INFINITY, |w| w.distance);
                if scratch.results.len() < ef || d < worst {
                    let candidate = Scored {
                        distance: d,
                        slot: next,
                    };
                    scratch.candidates.push(Reverse(candidate));
                    scratch.results.push(candidate);
                    if scratch.results.len() > ef {
                        scratch.results.pop();
                    }
                }
            }
            scratch.fresh = fresh;
        }
        let mut found: Vec<Scored> = scratch.results.drain().collect();
        found.sort_unstable();
        found.truncate(k);
        found
            .into_iter()
            .map(|scored| Neighbor {
                slot: scored.slot,
                similarity: 1.0 - scored.distance,
            })
            .collect()
    }
}

/// Distances (`1 - dot`) from the query to the vectors of the arena.
#[derive(Clone, Copy)]
struct DistanceTo<'a, S> {
    simd: S,
    arena: &'a [f32],
    dimension: usize,
    query: &'a [f32],
}

impl<S: pulp::Simd> DistanceTo<'_, S> {
    /// Reads the start of each slot's vector, so that their cache misses are in flight
    /// together before the distances need them.
    #[inline(always)]
    fn touch(&self, slots: &[u32]) {
        let mut sum = 0.0f32;
        for &slot in slots {
            sum += self
                .arena
                .get(slot as usize * self.dimension)
                .copied()
                .unwrap_or(0.0);
        }
        std::hint::black_box(sum);
    }

    /// The distance to the vector of `slot`; infinite for a slot outside the arena.
    #[inline(always)]
    fn of(&self, slot: u32) -> f32 {
        let start = slot as usize * self.dimension;
        match self.arena.get(start..start + self.dimension) {
            Some(vector) => 1.0 - dot_with(self.simd, self.query, vector),
            None => f32::INFINITY,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::graph::{GraphParams, exact_nearest};
    use super::*;

    fn unit(values: Vec<f32>) -> Vec<f32> {
        let norm = values.iter().map(|v| v * v).sum::<f32>().sqrt();
        values.into_iter().map(|v| v / norm).collect()
    }

    #[test]
    fn the_flat_search_matches_exact_search_like_the_graph() {
        let dimension = 16;
        let count = 3_000u32;
        let arena: Vec<f32> = (0..count)
            .flat_map(|i| {
                unit(
                    (0..dimension)
                        .map(|d| {
                            // A splitmix64 hash per component: no two vectors (nearly) alike,
                            // so the query's own slot is its unique nearest neighbour.
                            let mut x =
                                (u64::from(i) << 8 | d as u64).wrapping_add(0x9E37_79B9_7F4A_7C15);
                            x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
                            x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
                            x ^= x >> 31;
                            (x >> 40) as f32 / (1u64 << 24) as f32 - 0.5 + (i % 7) as f32 * 0.05
                        })
                        .collect(),
                )
            })
            .collect();
        let graph = AnnGraph::build(GraphParams::default(), dimension, &arena);
        let flat = FlatLinks::freeze(&graph);
        assert_eq!(flat.nodes(), count as usize);
        let mut hits = 0;
        let mut graph_hits = 0;
        for q in (0..count).step_by(97) {
            let query = &arena[q as usize * dimension..(q as usize + 1) * dimension];
            let exact = exact_nearest(&arena, dimension, query, 10, 0..count);
            let found = flat.search(&arena, dimension, query, 10, 64);
            assert_eq!(found.len(), 10);
            assert_eq!(found[0].slot, q);
            assert!(found.windows(2).all(|w| w[0].similarity >= w[1].similarity));
            hits += found
                .iter()
                .filter(|n| exact.iter().any(|e| e.slot == n.slot))
                .count();
            graph_hits += graph
                .search(query, 10, 64)
                .iter()
                .filter(|n| exact.iter().any(|e| e.slot == n.slot))
                .count();
        }
        // As good as hnsw_rs's own search on the same links (within noise), and near exact.
        assert!(hits * 100 >= graph_hits * 98, "{hits} vs {graph_hits}");
        assert!(
            hits as f64 >= 0.95 * 10.0 * (count as f64 / 97.0).ceil(),
            "{hits}"
        );
        // An empty graph finds nothing.
        let empty = FlatLinks::freeze(&AnnGraph::new(GraphParams::default(), 1));
        assert!(
            empty
                .search(&[], dimension, &arena[..dimension], 10, 64)
                .is_empty()
        );
    }
}
