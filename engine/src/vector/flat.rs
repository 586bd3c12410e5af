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
//! distance is computed, so their cache misses overlap. Over the links as copied, the results
//! are the graph's results: same links, same entry point, same algorithm.
//!
//! The engine serves a better bottom layer than hnsw_rs keeps: [`FlatLinks::build`] copies the
//! links and re-selects each node's bottom-layer links with the diversity heuristic
//! ([`FlatLinks::refine`]), which hnsw_rs skips when a reverse link overflows a neighbour's
//! list. A later copy after inserts ([`FlatLinks::rebuild`]) re-selects only the nodes whose
//! neighbourhood changed. The upper layers are kept as copied.

use super::distance::{dot_on, dot_with};
use super::graph::{AnnGraph, GraphParams, Neighbor};
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
    /// Bottom layer.
    bottom: Bottom,
    /// Upper layers (index 0 is layer 1): each node's links.
    upper: Vec<HashMap<u32, Box<[u32]>>>,
    /// When the bottom layer was re-selected ([`FlatLinks::refine`]): hnsw_rs's bottom layer as
    /// copied, to tell at the next copy which nodes' neighbourhoods changed, and how it was
    /// re-selected.
    copied: Option<(Bottom, Reselect)>,
}

/// How [`FlatLinks::refine`] re-selects a node's links.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reselect {
    /// Most links per node (hnswlib's bottom layer allows `2 M`).
    pub max_links: usize,
    /// A candidate is dropped when `relaxation` times its distance to an already kept link is
    /// below its distance to the node. 1 is hnswlib's heuristic; above 1 keeps more of the
    /// long links (DiskANN's α), which costs more distances per step and fewer steps.
    pub relaxation: f32,
}

impl Reselect {
    /// The relaxation the engine serves with (measured on the 100k catalogue's e5 vectors:
    /// see the README's ANN table).
    pub const RELAXATION: f32 = 1.2;

    /// The engine's re-selection for a graph built with `params`.
    pub fn for_graph(params: GraphParams) -> Self {
        Self {
            max_links: 2 * params.max_connections.clamp(2, 255),
            relaxation: Self::RELAXATION,
        }
    }
}

/// A bottom layer: the links of slot `s` are `links[offsets[s]..offsets[s + 1]]`.
#[derive(Debug, Clone, Default)]
struct Bottom {
    offsets: Vec<u32>,
    links: Vec<u32>,
}

impl Bottom {
    fn nodes(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    #[inline(always)]
    fn of(&self, slot: u32) -> &[u32] {
        let index = slot as usize;
        match (self.offsets.get(index), self.offsets.get(index + 1)) {
            (Some(&start), Some(&end)) => self
                .links
                .get(start as usize..end as usize)
                .unwrap_or_default(),
            _ => &[],
        }
    }
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
            bottom: Bottom { offsets, links },
            upper,
            copied: None,
        }
    }

    /// Re-selects every bottom-layer node's links the way hnswlib keeps them, and returns how
    /// many nodes were re-selected.
    ///
    /// hnsw_rs chooses a new node's own links with the diversity heuristic, but when it adds
    /// the reverse link to a neighbour whose list is full it just drops the neighbour's
    /// farthest link. Over a build that wears away the long links that make the graph
    /// navigable, so a search needs a larger `ef` for the same recall than on hnswlib's graph
    /// (which re-runs the heuristic on the neighbour's list instead). Here each node's
    /// candidates are its links and the nodes linking to it; they are taken nearest first, and
    /// one is kept unless it is nearer to an already kept link than to the node (hnswlib's
    /// `getNeighborsByHeuristic2`; relaxed by [`Reselect::relaxation`]), up to
    /// [`Reselect::max_links`]. Then each kept link is made mutual where
    /// the other end has room. Slots without a vector in `arena` keep their links.
    pub fn refine(&mut self, arena: &[f32], dimension: usize, reselect: Reselect) -> usize {
        self.refine_since(None, arena, dimension, reselect)
    }

    /// Like [`Self::refine`], but keeps the links `previous` (a refined copy of an earlier
    /// state of the same graph, same slots) chose for every node whose neighbourhood in the
    /// graph has not changed since: only the new nodes, the nodes whose links changed and the
    /// nodes gaining or losing a link from those are re-selected.
    fn refine_since(
        &mut self,
        previous: Option<&FlatLinks>,
        arena: &[f32],
        dimension: usize,
        reselect: Reselect,
    ) -> usize {
        use rayon::prelude::*;
        let Reselect {
            max_links,
            relaxation,
        } = reselect;
        let nodes = self.bottom.nodes();
        if dimension == 0 || max_links == 0 || nodes == 0 {
            return 0;
        }
        let copied = std::mem::take(&mut self.bottom);
        let previous = previous.and_then(|previous| match &previous.copied {
            Some((before, how)) if *how == reselect => Some((previous, before)),
            _ => None,
        });
        let mut dirty = vec![previous.is_none(); nodes];
        if let Some((_, before)) = previous {
            for (node, mark) in dirty.iter_mut().enumerate() {
                *mark |= node >= before.nodes();
            }
            for node in 0..before.nodes().min(nodes) as u32 {
                let (old, new) = (before.of(node), copied.of(node));
                if old == new {
                    continue;
                }
                dirty[node as usize] = true;
                for &other in old.iter().filter(|o| !new.contains(o)) {
                    if let Some(mark) = dirty.get_mut(other as usize) {
                        *mark = true;
                    }
                }
                for &other in new.iter().filter(|n| !old.contains(n)) {
                    if let Some(mark) = dirty.get_mut(other as usize) {
                        *mark = true;
                    }
                }
            }
        }
        let vector = |slot: u32| {
            let start = slot as usize * dimension;
            arena.get(start..start + dimension)
        };
        let mut linking_to: Vec<Vec<u32>> = vec![Vec::new(); nodes];
        for from in 0..nodes as u32 {
            for &to in copied.of(from) {
                if let Some(list) = linking_to.get_mut(to as usize) {
                    list.push(from);
                }
            }
        }
        let arch = pulp::Arch::new();
        let mut kept: Vec<Vec<u32>> = (0..nodes as u32)
            .into_par_iter()
            .map(|node| {
                let own = copied.of(node);
                if let Some((previous, _)) = previous.filter(|_| !dirty[node as usize]) {
                    return previous.bottom_links(node).to_vec();
                }
                let Some(origin) = vector(node) else {
                    return own.to_vec();
                };
                let mut pool: Vec<u32> = own
                    .iter()
                    .chain(&linking_to[node as usize])
                    .copied()
                    .collect();
                pool.sort_unstable();
                pool.dedup();
                let mut candidates: Vec<(f32, u32)> = pool
                    .iter()
                    .filter(|&&other| other != node)
                    .filter_map(|&other| Some((1.0 - dot_on(arch, origin, vector(other)?), other)))
                    .collect();
                candidates.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                let mut chosen: Vec<(u32, &[f32])> = Vec::with_capacity(max_links);
                for &(distance, other) in &candidates {
                    if chosen.len() >= max_links {
                        break;
                    }
                    let Some(other_vector) = vector(other) else {
                        continue;
                    };
                    let dominated = chosen.iter().any(|(_, kept_vector)| {
                        relaxation * (1.0 - dot_on(arch, other_vector, kept_vector)) < distance
                    });
                    if !dominated {
                        chosen.push((other, other_vector));
                    }
                }
                chosen.into_iter().map(|(slot, _)| slot).collect()
            })
            .collect();
        for from in (0..nodes).filter(|&node| dirty[node]) {
            for index in 0..kept[from].len() {
                let to = kept[from][index] as usize;
                let back = from as u32;
                if to != from
                    && to < nodes
                    && kept[to].len() < max_links
                    && !kept[to].contains(&back)
                    && vector(back).is_some()
                {
                    kept[to].push(back);
                }
            }
        }
        self.bottom.offsets.push(0);
        for node in &kept {
            self.bottom.links.extend_from_slice(node);
            self.bottom
                .offsets
                .push(u32::try_from(self.bottom.links.len()).unwrap_or(u32::MAX));
        }
        self.copied = Some((copied, reselect));
        dirty.iter().filter(|&&mark| mark).count()
    }

    /// Copies the links of `graph` and re-selects the bottom layer's ([`Self::refine`]) over
    /// the vectors of `arena` (slot `s` at `s * dimension`) the engine's way
    /// ([`Reselect::for_graph`]). This is the search structure the engine serves.
    pub fn build(graph: &AnnGraph, arena: &[f32], dimension: usize) -> Self {
        Self::build_with(graph, arena, dimension, Reselect::for_graph(graph.params()))
    }

    /// Like [`Self::build`], re-selecting as `reselect` says.
    pub fn build_with(
        graph: &AnnGraph,
        arena: &[f32],
        dimension: usize,
        reselect: Reselect,
    ) -> Self {
        let mut links = Self::freeze(graph);
        links.refine_since(None, arena, dimension, reselect);
        links
    }

    /// Like [`Self::build`] for a graph that has grown since `self` was built from it: only
    /// the nodes whose neighbourhood changed are re-selected (the new nodes, the nodes whose
    /// links changed, and the nodes gaining or losing a link from those). Returns the new copy
    /// and how many nodes were re-selected.
    pub fn rebuild(&self, graph: &AnnGraph, arena: &[f32], dimension: usize) -> (Self, usize) {
        let reselect = self
            .copied
            .as_ref()
            .map_or_else(|| Reselect::for_graph(graph.params()), |(_, how)| *how);
        let mut links = Self::freeze(graph);
        let reselected = links.refine_since(Some(self), arena, dimension, reselect);
        (links, reselected)
    }

    /// Returns the number of links of the bottom layer.
    pub fn bottom_links_total(&self) -> usize {
        self.bottom.links.len()
    }

    /// Returns the number of nodes the links cover.
    pub fn nodes(&self) -> usize {
        self.nodes
    }

    #[inline(always)]
    fn bottom_links(&self, slot: u32) -> &[u32] {
        self.bottom.of(slot)
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
        scratch.start(links.bottom.nodes());
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
    use super::super::graph::exact_nearest;
    use super::*;

    fn unit(values: Vec<f32>) -> Vec<f32> {
        let norm = values.iter().map(|v| v * v).sum::<f32>().sqrt();
        values.into_iter().map(|v| v / norm).collect()
    }

    /// `count` unit vectors of `dimension` components, none (nearly) alike.
    fn hashed_arena(count: u32, dimension: usize) -> Vec<f32> {
        (0..count)
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
            .collect()
    }

    #[test]
    fn the_flat_search_matches_exact_search_like_the_graph() {
        let dimension = 16;
        let count = 3_000u32;
        let arena = hashed_arena(count, dimension);
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

    #[test]
    fn refined_links_are_bounded_mutual_where_room_and_find_what_exact_search_finds() {
        let dimension = 16;
        let count = 4_000u32;
        let arena = hashed_arena(count, dimension);
        let params = GraphParams {
            max_connections: 6,
            ef_construction: 40,
        };
        let graph = AnnGraph::build(params, dimension, &arena);
        let copied = FlatLinks::freeze(&graph);
        let refined = FlatLinks::build(&graph, &arena, dimension);
        let reselect = Reselect::for_graph(params);
        let max_links = reselect.max_links;
        assert_eq!(max_links, 2 * params.max_connections);
        assert_eq!(refined.nodes(), count as usize);
        let mut mutual = 0usize;
        for node in 0..count {
            let links = refined.bottom_links(node);
            assert!(!links.is_empty(), "node {node} lost every link");
            assert!(
                links.len() <= max_links,
                "node {node}: {} links",
                links.len()
            );
            assert!(!links.contains(&node));
            let mut sorted = links.to_vec();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted.len(), links.len(), "node {node} repeats a link");
            assert!(links.iter().all(|&other| other < count));
            // A link is made mutual whenever the other end has room.
            for &other in links {
                let back = refined.bottom_links(other);
                if back.contains(&node) {
                    mutual += 1;
                } else {
                    assert_eq!(back.len(), max_links, "{other} had room for {node}");
                }
            }
        }
        assert!(mutual > 0);
        // The re-selected links find the exact neighbours at least as well as hnsw_rs's own
        // links at a small ef, where the graph's quality shows.
        let (mut refined_hits, mut copied_hits) = (0, 0);
        for q in (0..count).step_by(37) {
            let query = &arena[q as usize * dimension..(q as usize + 1) * dimension];
            let exact = exact_nearest(&arena, dimension, query, 10, 0..count);
            let hits = |found: Vec<Neighbor>| {
                found
                    .iter()
                    .filter(|n| exact.iter().any(|e| e.slot == n.slot))
                    .count()
            };
            refined_hits += hits(refined.search(&arena, dimension, query, 10, 16));
            copied_hits += hits(copied.search(&arena, dimension, query, 10, 16));
        }
        assert!(
            refined_hits * 100 >= copied_hits * 99,
            "{refined_hits} vs {copied_hits}"
        );
        // Refining an empty copy, or with no vectors, keeps it as it is.
        let mut empty = FlatLinks::freeze(&AnnGraph::new(params, 1));
        assert_eq!(empty.refine(&arena, dimension, reselect), 0);
        assert_eq!(empty.bottom_links_total(), 0);
        let mut unrefined = FlatLinks::freeze(&graph);
        assert_eq!(unrefined.refine(&[], dimension, reselect), count as usize);
        assert_eq!(unrefined.bottom.links, copied.bottom.links);
    }

    #[test]
    fn a_rebuild_reselects_only_the_changed_neighbourhoods() {
        let dimension = 16;
        let count = 3_000u32;
        let added = 100u32;
        let arena = hashed_arena(count + added, dimension);
        let params = GraphParams {
            max_connections: 6,
            ef_construction: 40,
        };
        let graph = AnnGraph::build(params, dimension, &arena[..count as usize * dimension]);
        let before = FlatLinks::build(&graph, &arena, dimension);
        // Nothing changed: nothing re-selected, the same links.
        let (same, reselected) = before.rebuild(&graph, &arena, dimension);
        assert_eq!(reselected, 0);
        assert_eq!(same.bottom.links, before.bottom.links);
        assert_eq!(same.bottom.offsets, before.bottom.offsets);
        for slot in count..count + added {
            let start = slot as usize * dimension;
            graph.insert(slot, &arena[start..start + dimension]);
        }
        let (after, reselected) = before.rebuild(&graph, &arena, dimension);
        let full = FlatLinks::build(&graph, &arena, dimension);
        assert!(
            reselected > added as usize && reselected < count as usize / 2,
            "{reselected} re-selected"
        );
        assert_eq!(after.nodes(), (count + added) as usize);
        let max_links = 2 * params.max_connections;
        for node in 0..count + added {
            let links = after.bottom_links(node);
            assert!(!links.is_empty() && links.len() <= max_links, "node {node}");
            assert!(!links.contains(&node));
        }
        // Every new node is found as its own nearest neighbour, and the rebuilt copy finds the
        // exact neighbours about as well as a full re-selection.
        let (mut rebuilt_hits, mut full_hits) = (0, 0);
        for q in (0..count + added).step_by(31).chain(count..count + added) {
            let query = &arena[q as usize * dimension..(q as usize + 1) * dimension];
            let exact = exact_nearest(&arena, dimension, query, 10, 0..count + added);
            let found = after.search(&arena, dimension, query, 10, 32);
            if q >= count {
                assert_eq!(found[0].slot, q);
            }
            let hits = |found: &[Neighbor]| {
                found
                    .iter()
                    .filter(|n| exact.iter().any(|e| e.slot == n.slot))
                    .count()
            };
            rebuilt_hits += hits(&found);
            full_hits += hits(&full.search(&arena, dimension, query, 10, 32));
        }
        assert!(
            rebuilt_hits * 100 >= full_hits * 98,
            "{rebuilt_hits} vs {full_hits}"
        );
    }
}
