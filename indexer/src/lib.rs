//! Builds and refreshes the engine's indexes from a catalogue source, screening every product
//! through moderation on the way in.
//!
//! The indexer is runtime-agnostic: callers fetch outbox entries and product documents from
//! their store (the storefront does it with sqlx), [`plan`] collapses the entries, and
//! [`admit`] turns each loaded document into an index [`Change`] — an upsert only for a product
//! that is approved in the store *and* not rejected by screening now. [`build_from_catalog`]
//! builds an index straight from a generated catalogue (benchmarks, offline builds).
//!
//! Forbidden dependencies: sqlx, axum, tokio.
#![warn(missing_docs)]

pub mod catalog_vectors;
mod dataset;
mod passage;
mod taxonomy;

pub use dataset::{
    BuildError, BuildStats, build_from_catalog, doc_from_product, request_for, taxonomy_of,
};
pub use passage::{MAX_PASSAGE_CHARS, embed_passages, passage_text};
pub use taxonomy::{CategoryNode, Taxonomy, TaxonomyError};

use engine::{Change, ProductDoc, ProductId};
use moderation::{Decision, ListingInput, ModerationStatus, Verdict};
use std::collections::BTreeMap;

/// What one batch of outbox entries asks for, each product at most once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Products to (re)load from the store and upsert, in id order.
    pub upserts: Vec<ProductId>,
    /// Products to remove, in id order.
    pub deletes: Vec<ProductId>,
    /// The highest sequence in the batch (the index commits with it).
    pub last_seq: u64,
}

/// One entry of a catalogue change outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutboxChange {
    /// Monotonic sequence.
    pub seq: u64,
    /// The product.
    pub product: ProductId,
    /// Whether the product was deleted.
    pub deleted: bool,
}

/// Collapses outbox entries: the last entry of each product wins.
pub fn plan(entries: impl IntoIterator<Item = OutboxChange>) -> Plan {
    let mut last: BTreeMap<ProductId, bool> = BTreeMap::new();
    let mut last_seq = 0;
    for entry in entries {
        last.insert(entry.product, entry.deleted);
        last_seq = last_seq.max(entry.seq);
    }
    let (deletes, upserts): (Vec<_>, Vec<_>) = last.into_iter().partition(|(_, deleted)| *deleted);
    Plan {
        upserts: upserts.into_iter().map(|(id, _)| id).collect(),
        deletes: deletes.into_iter().map(|(id, _)| id).collect(),
        last_seq,
    }
}

/// Screens a product document: its texts in every language, its category and its age range.
pub fn screen(doc: &ProductDoc, taxonomy: &Taxonomy) -> Verdict {
    let mut texts: Vec<&str> = doc.titles.iter().map(|(_, text)| text).collect();
    texts.extend(doc.descriptions.iter().map(|(_, text)| text));
    let category_slug = taxonomy
        .get(doc.category_id)
        .map(|node| node.slug.as_str())
        .unwrap_or_default();
    moderation::screen_listing(&ListingInput {
        texts,
        category_slug,
        age_min_months: doc.age_min_months,
        age_max_months: doc.age_max_months,
        classifiers: Vec::new(),
    })
}

/// Turns a loaded document into an index change: upsert when the store approved it and
/// screening does not reject it now, otherwise delete (so nothing unscreened is ever shown).
pub fn admit(doc: ProductDoc, taxonomy: &Taxonomy) -> Change {
    if doc.status != ModerationStatus::Approved {
        return Change::Delete(doc.id);
    }
    match screen(&doc, taxonomy).decision {
        Decision::Reject => {
            tracing::warn!(
                product_id = doc.id.0,
                "approved product {} rejected by screening; kept out of the index",
                doc.id.0
            );
            Change::Delete(doc.id)
        }
        Decision::Approve | Decision::Review => Change::Upsert(Box::new(doc)),
    }
}

/// Returns the changes for a loaded batch: [`admit`] for every loaded document, and a delete
/// for every planned upsert whose product no longer exists plus every planned delete.
pub fn changes_for(plan: &Plan, loaded: Vec<ProductDoc>, taxonomy: &Taxonomy) -> Vec<Change> {
    let loaded_ids: std::collections::BTreeSet<ProductId> =
        loaded.iter().map(|doc| doc.id).collect();
    let mut changes: Vec<Change> = loaded.into_iter().map(|doc| admit(doc, taxonomy)).collect();
    changes.extend(
        plan.upserts
            .iter()
            .filter(|id| !loaded_ids.contains(id))
            .chain(plan.deletes.iter())
            .map(|id| Change::Delete(*id)),
    );
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(seq: u64, product: u64, deleted: bool) -> OutboxChange {
        OutboxChange {
            seq,
            product: ProductId(product),
            deleted,
        }
    }

    #[test]
    fn plan_keeps_the_last_change_of_each_product() {
        let plan = plan([
            change(1, 7, false),
            change(2, 8, false),
            change(3, 7, true),
            change(4, 9, true),
            change(5, 9, false),
        ]);
        assert_eq!(plan.upserts, vec![ProductId(8), ProductId(9)]);
        assert_eq!(plan.deletes, vec![ProductId(7)]);
        assert_eq!(plan.last_seq, 5);
    }

    #[test]
    fn empty_plan_has_sequence_zero() {
        assert_eq!(plan([]), Plan::default());
    }
}
