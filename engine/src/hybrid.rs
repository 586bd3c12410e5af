//! Semantic and hybrid search (see `fusion` for the ranking itself).
//!
//! 1. **Lexical top-N** (hybrid mode with text): the lexical search, relevance-ordered,
//!    recording its matches for the total and facets; N = [`HybridParams::lexical_candidates`]
//!    or the requested depth.
//! 2. **Allowed set.** Every live document whose product has a vector (a per-segment
//!    doc-to-slot map cached by the vector index) is checked with the lexical collector's own
//!    per-segment filter (`collector::SegmentFilter`, on the `facts`): approval, the
//!    audience's age and every filter. Only the slots of admitted documents may come back, so
//!    these hold for vector results exactly as for lexical ones, from the same code.
//! 3. **Vector top-N** among the allowed slots (`vector`: exact scan when few are allowed,
//!    filtered graph search otherwise), N = [`HybridParams::vector_candidates`] or the
//!    requested depth.
//! 4. **Dense re-scoring** ([`HybridParams::rescore_lexical`]): every lexical candidate the
//!    vector search did not return gets its cosine similarity from its stored vector, so the
//!    vector side ranks the union of both candidate sets, not only what the ANN found.
//! 5. **Fusion and boosts**, then the requested sort (a sort other than relevance reorders
//!    the retrieved list), then the page.

use crate::collector::{SearchCollector, SegmentFilter, add_to_facets, read_dense};
use crate::facts::{FactsCache, SegmentFacts};
use crate::fusion::{self, Fused, HitExplain, HybridParams, SearchMode, Signals};
use crate::highlight::highlight_title;
use crate::query::analyze_query;
use crate::schema::{Fields, fast};
use crate::search::{Facets, Plan, SearchRequest, SearchResults, Sort, read_hit};
use crate::vector::{AllowedSet, NO_SLOT, VectorIndex, prepare_query};
use crate::{Error, Result};
use moderation::Audience;
use std::sync::Arc;
use tantivy::columnar::ColumnValues;
use tantivy::{DocAddress, DocId, Searcher, SegmentOrdinal, TantivyDocument};

/// The columns a ranked search reads for each candidate of one segment.
struct SegmentSignals {
    facts: Arc<SegmentFacts>,
    ids: Arc<dyn ColumnValues<u64>>,
    rating: Arc<dyn ColumnValues<f64>>,
    rating_count: Arc<dyn ColumnValues<u64>>,
    created_at: Arc<dyn ColumnValues<i64>>,
}

/// A fused candidate with its boosts applied.
struct Ranked {
    entry: Fused<DocAddress>,
    explain: HitExplain,
    id: u64,
    price: i64,
    popularity: u64,
    rating: f64,
    rating_count: u64,
    created_at: i64,
}

/// Runs a semantic or hybrid search (the request is validated and understood).
pub(crate) fn run_ranked(
    searcher: &Searcher,
    fields: &Fields,
    facts: &Arc<FactsCache>,
    (vectors, params): (&VectorIndex, &HybridParams),
    audience: Audience,
    request: &SearchRequest,
    plan: Plan<'_>,
) -> Result<SearchResults> {
    let window = usize::try_from(request.page.saturating_mul(request.per_page)).unwrap_or(0);
    let Some(raw_query) = request.query_vector.as_deref() else {
        return Err(Error::InvalidRequest(format!(
            "{} search needs a query_vector",
            request.mode.name()
        )));
    };

    // 1. The lexical candidates (hybrid mode with text): the lexical search, relevance-ordered,
    //    recording its matches for the total and facets.
    let mut analyzed = analyze_query(&plan.text);
    let lexical = if request.mode == SearchMode::Hybrid && analyzed.is_textual() {
        analyzed.look_up_terms(searcher, fields)?;
        let collector = SearchCollector::new(
            Arc::clone(facts),
            plan.filters.clone(),
            Sort::Relevance,
            params.lexical_candidates.max(window),
            true,
        )
        .recording_matches();
        crate::search::collect_relaxed(searcher, fields, audience, &analyzed, &collector)?
    } else {
        None
    };

    let state = vectors.read();
    if state.is_empty() {
        return Err(Error::SemanticUnavailable(
            "no product in the index has an embedding".to_string(),
        ));
    }
    let query_vector = prepare_query(raw_query, state.dimension())?;

    // 2. Every admitted product with a vector: one pass over each segment's facts, with the
    //    collector's own filter checks. (Products without a vector are skipped first.)
    let mut allowed = AllowedSet::new(state.slot_count());
    let mut segment_slots = Vec::with_capacity(searcher.segment_readers().len());
    for (segment_ord, reader) in searcher.segment_readers().iter().enumerate() {
        let segment_facts = facts.segment_facts(reader)?;
        let filter = SegmentFilter::open(&plan.filters, &segment_facts, reader)?;
        let doc_slots = state.doc_slots(reader)?;
        let alive = reader.alive_bitset();
        for (doc, (&slot, doc_facts)) in doc_slots.iter().zip(&segment_facts.docs).enumerate() {
            let doc = doc as DocId;
            if slot == NO_SLOT
                || alive.is_some_and(|alive| !alive.is_alive(doc))
                || !filter.admits(doc, doc_facts)
            {
                continue;
            }
            allowed.allow(slot, DocAddress::new(segment_ord as SegmentOrdinal, doc));
        }
        segment_slots.push(doc_slots);
    }

    // 3. The nearest allowed vectors.
    let (neighbors, strategy) = state.nearest(
        vectors.params(),
        &query_vector,
        &allowed,
        params.vector_candidates.max(window),
    );
    tracing::trace!(?strategy, allowed = allowed.len(), "vector retrieval");
    let ann_list: Vec<(DocAddress, f32)> = neighbors
        .iter()
        .filter_map(|neighbor| Some((allowed.address(neighbor.slot)?, neighbor.similarity)))
        .collect();

    // 4. Dense re-scoring: the similarity of every lexical candidate, from its stored vector,
    //    so the vector side ranks the union of both candidate sets.
    let vector_list: Vec<(DocAddress, f32)> = match &lexical {
        Some(collected) if params.rescore_lexical && !collected.top.is_empty() => {
            let mut list = ann_list.clone();
            let mut seen: std::collections::HashSet<DocAddress> =
                ann_list.iter().map(|(address, _)| *address).collect();
            for ranked in &collected.top {
                let address = ranked.address;
                if !seen.insert(address) {
                    continue;
                }
                let Some(&slot) = segment_slots
                    .get(address.segment_ord as usize)
                    .and_then(|slots| slots.get(address.doc_id as usize))
                else {
                    continue;
                };
                if let Some(vector) = state.slot_vector(slot) {
                    list.push((address, dot(vector, &query_vector)));
                }
            }
            list.sort_by(|a, b| b.1.total_cmp(&a.1));
            list
        }
        _ => ann_list.clone(),
    };
    drop(state);

    let segments = searcher
        .segment_readers()
        .iter()
        .map(|reader| {
            let fast_fields = reader.fast_fields();
            Ok(SegmentSignals {
                facts: facts.segment_facts(reader)?,
                ids: read_dense(fast_fields.u64(fast::ID)?, 0),
                rating: read_dense(fast_fields.f64(fast::RATING)?, 0.0),
                rating_count: read_dense(fast_fields.u64(fast::RATING_COUNT)?, 0),
                created_at: read_dense(fast_fields.i64(fast::CREATED_AT)?, 0),
            })
        })
        .collect::<tantivy::Result<Vec<_>>>()?;

    // Total and facets: the lexical matches plus the vector neighbours not among them.
    let (mut total, mut facets, lexical_list) = match &lexical {
        Some(collected) => (
            collected.total,
            collected.facets.clone(),
            collected
                .top
                .iter()
                .map(|ranked| (ranked.address, ranked.score))
                .collect::<Vec<_>>(),
        ),
        None => (0, Facets::default(), Vec::new()),
    };
    let is_lexical_match = |address: &DocAddress| {
        lexical.as_ref().is_some_and(|collected| {
            collected
                .matched
                .iter()
                .find(|(segment_ord, _)| *segment_ord == address.segment_ord)
                .is_some_and(|(_, docs)| docs.binary_search(&address.doc_id).is_ok())
        })
    };
    let vector_only: Vec<DocAddress> = ann_list
        .iter()
        .map(|(address, _)| *address)
        .filter(|address| !is_lexical_match(address))
        .collect();
    total += vector_only.len() as u64;
    add_to_facets(
        &mut facets,
        vector_only.iter().filter_map(|address| {
            let segment = segments.get(address.segment_ord as usize)?;
            let doc = *segment.facts.docs.get(address.doc_id as usize)?;
            Some((segment.facts.as_ref(), doc))
        }),
    );

    // 5. Fusion, boosts, order.
    let fused = fusion::fuse(
        &lexical_list,
        &vector_list,
        request.fusion,
        params.normalization,
    );
    let mut ranked: Vec<Ranked> = Vec::with_capacity(fused.len());
    for entry in fused {
        let address = entry.key;
        let Some(segment) = segments.get(address.segment_ord as usize) else {
            continue;
        };
        let Some(doc_facts) = segment.facts.docs.get(address.doc_id as usize).copied() else {
            continue;
        };
        let doc = address.doc_id;
        let rating = segment.rating.get_val(doc);
        let rating_count = segment.rating_count.get_val(doc);
        let boosts = fusion::boosts(Signals {
            in_stock: doc_facts.in_stock,
            rating,
            rating_count,
            popularity: doc_facts.popularity,
        });
        let explain = fusion::explain(&entry, boosts);
        ranked.push(Ranked {
            explain,
            entry,
            id: segment.ids.get_val(doc),
            price: doc_facts.price,
            popularity: doc_facts.popularity,
            rating,
            rating_count,
            created_at: segment.created_at.get_val(doc),
        });
    }
    ranked.sort_by(|a, b| {
        b.explain
            .final_score
            .total_cmp(&a.explain.final_score)
            .then(a.id.cmp(&b.id))
    });
    // Stable sorts: equal keys keep the relevance order.
    match request.sort {
        Sort::Relevance => {}
        Sort::PriceAsc => ranked.sort_by_key(|r| r.price),
        Sort::PriceDesc => ranked.sort_by_key(|r| std::cmp::Reverse(r.price)),
        Sort::Newest => ranked.sort_by_key(|r| std::cmp::Reverse(r.created_at)),
        Sort::Rating => ranked.sort_by(|a, b| {
            b.rating
                .total_cmp(&a.rating)
                .then(b.rating_count.cmp(&a.rating_count))
        }),
        Sort::Popularity => ranked.sort_by_key(|r| std::cmp::Reverse(r.popularity)),
    }

    let skip = window.saturating_sub(request.per_page as usize);
    let mut hits = Vec::with_capacity(request.per_page as usize);
    for candidate in ranked
        .into_iter()
        .skip(skip)
        .take(request.per_page as usize)
    {
        let doc: TantivyDocument = searcher.doc(candidate.entry.key)?;
        let mut hit = read_hit(&doc, fields, request.lang)?;
        hit.score = candidate.explain.final_score as f32;
        if request.highlight {
            hit.title_highlight = Some(highlight_title(&hit.title, &analyzed));
        }
        if request.explain {
            hit.explain = Some(candidate.explain);
        }
        hits.push(hit);
    }
    Ok(SearchResults {
        total,
        hits,
        facets,
        understood: plan.understood,
    })
}

/// The dot product of two vectors of equal length (their cosine similarity when normalised).
fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}
