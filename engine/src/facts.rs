//! Per-segment copies of the fast fields every match reads, kept warm across searches.
//!
//! The collector touches the audience gate, price, stock, brand, category path and popularity of
//! every matching document. Reading six compressed fast-field columns through dynamic dispatch
//! costs far more than one 32-byte record, so each segment's values are decoded once, when a
//! reload makes the segment searchable (tantivy's [`Warmer`] hook), into a dense array indexed by
//! doc id. Segments are immutable, so the copy never goes stale; it is dropped once no searcher
//! uses the segment. Memory: 32 bytes per document plus the brand and category dictionaries.

use crate::schema::{fast, parse_category_path, unpack_gate};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use tantivy::columnar::StrColumn;
use tantivy::index::SegmentId;
use tantivy::{DocId, Searcher, SearcherGeneration, SegmentReader, TantivyError, Warmer};

/// Ordinal standing for "no value".
pub(crate) const NO_ORD: u32 = u32::MAX;

/// The hot values of one document (32 bytes).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct DocFacts {
    /// Price in tiyin.
    pub(crate) price: i64,
    /// Units sold.
    pub(crate) popularity: u64,
    /// Index into [`SegmentFacts::brands`], or [`NO_ORD`].
    pub(crate) brand: u32,
    /// Index into [`SegmentFacts::category_paths`], or [`NO_ORD`].
    pub(crate) category_path: u32,
    /// Youngest admitted age, in months.
    pub(crate) age_min: u16,
    /// Oldest admitted age, in months.
    pub(crate) age_max: u16,
    /// Whether the moderation status is approved.
    pub(crate) approved: bool,
    /// Whether a variant is in stock.
    pub(crate) in_stock: bool,
}

impl DocFacts {
    /// Returns whether the document may be shown to an audience of `age_months`.
    #[cfg(test)]
    pub(crate) fn admits(&self, age_months: u16) -> bool {
        self.admits_between(age_months, age_months)
    }

    /// Returns whether the document is approved with `age_min <= youngest` and
    /// `oldest <= age_max` (see `collector::SegmentFilter`).
    #[inline]
    pub(crate) fn admits_between(&self, youngest: u16, oldest: u16) -> bool {
        self.approved && self.age_min <= youngest && oldest <= self.age_max
    }
}

/// The hot values of every document of a segment, with the dictionaries their ordinals index.
#[derive(Debug, Default)]
pub(crate) struct SegmentFacts {
    /// Per document, indexed by doc id.
    pub(crate) docs: Vec<DocFacts>,
    /// Brand ids by brand ordinal.
    pub(crate) brands: Vec<u64>,
    /// Category paths (root first) by path ordinal.
    pub(crate) category_paths: Vec<Vec<u64>>,
}

/// Reads a dictionary-encoded column's terms, in ordinal order.
fn read_dictionary<T>(
    column: Option<&StrColumn>,
    parse: impl Fn(&str) -> T,
) -> tantivy::Result<Vec<T>> {
    let Some(column) = column else {
        return Ok(Vec::new());
    };
    let mut values = Vec::with_capacity(column.num_terms());
    let mut stream = column.dictionary().stream()?;
    while stream.advance() {
        values.push(parse(std::str::from_utf8(stream.key()).unwrap_or_default()));
    }
    Ok(values)
}

impl SegmentFacts {
    /// Decodes the facts of one segment.
    pub(crate) fn read(reader: &SegmentReader) -> tantivy::Result<Self> {
        let fast_fields = reader.fast_fields();
        let max_doc = reader.max_doc();
        let gate = fast_fields.u64(fast::GATE)?;
        let price = fast_fields.i64(fast::PRICE)?;
        let popularity = fast_fields.u64(fast::POPULARITY)?;
        let in_stock = fast_fields.bool(fast::IN_STOCK)?;
        let brand = fast_fields.str(fast::BRAND)?;
        let path = fast_fields.str(fast::CATEGORY_PATH)?;
        let ord = |column: &Option<StrColumn>, doc: DocId| {
            column
                .as_ref()
                .and_then(|column| column.ords().first(doc))
                .and_then(|ord| u32::try_from(ord).ok())
                .unwrap_or(NO_ORD)
        };
        let mut docs = Vec::with_capacity(max_doc as usize);
        for doc in 0..max_doc {
            // A document without a gate is never admitted.
            let (approved, age_min, age_max) = gate.first(doc).map_or((false, 1, 0), unpack_gate);
            docs.push(DocFacts {
                price: price.first(doc).unwrap_or_default(),
                popularity: popularity.first(doc).unwrap_or_default(),
                brand: ord(&brand, doc),
                category_path: ord(&path, doc),
                age_min,
                age_max,
                approved,
                in_stock: in_stock.first(doc).unwrap_or_default(),
            });
        }
        Ok(Self {
            docs,
            brands: read_dictionary(brand.as_ref(), |text| text.parse().unwrap_or_default())?,
            category_paths: read_dictionary(path.as_ref(), parse_category_path)?,
        })
    }
}

/// The facts of every live segment, filled when a reload warms a new searcher.
#[derive(Debug, Default)]
pub(crate) struct FactsCache {
    segments: Mutex<HashMap<SegmentId, Arc<SegmentFacts>>>,
}

impl FactsCache {
    /// Returns the facts of a segment, decoding them if not cached yet.
    pub(crate) fn segment_facts(
        &self,
        reader: &SegmentReader,
    ) -> tantivy::Result<Arc<SegmentFacts>> {
        let id = reader.segment_id();
        if let Some(facts) = self.lock().get(&id) {
            return Ok(Arc::clone(facts));
        }
        let facts = Arc::new(SegmentFacts::read(reader)?);
        self.lock().insert(id, Arc::clone(&facts));
        Ok(facts)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<SegmentId, Arc<SegmentFacts>>> {
        // The map is always left consistent: a panic elsewhere cannot corrupt it.
        self.segments.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Warmer for FactsCache {
    fn warm(&self, searcher: &Searcher) -> tantivy::Result<()> {
        for reader in searcher.segment_readers() {
            self.segment_facts(reader)
                .map_err(|err| TantivyError::InternalError(format!("warming facts: {err}")))?;
        }
        Ok(())
    }

    fn garbage_collect(&self, live_generations: &[&SearcherGeneration]) {
        self.lock().retain(|id, _| {
            live_generations
                .iter()
                .any(|generation| generation.segments().contains_key(id))
        });
    }
}
