//! One-pass collection of a search: filters, total, top documents and disjunctive facets.
//!
//! The query only decides which documents match the text; every filter is checked here on fast
//! fields. For each matching document the collector computes which of the facet-owning filters
//! (category, brand, price, in stock) it fails:
//!
//! * none: it is a result (total, top documents) and counts in every facet;
//! * exactly one: it is not a result, but counts in that filter's facet, since a facet's counts
//!   ignore the facet's own filter ("drill sideways");
//! * more: it is ignored.
//!
//! So disjunctive facets never need a second pass. The audience gate (status and age), the seller
//! and the minimum rating are not facets and are checked first.

use crate::facts::{DocFacts, FactsCache, NO_ORD, SegmentFacts};
use crate::schema::fast;
use crate::search::{FacetCount, Facets, PriceRangeCount, Sort};
use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap};
use std::sync::Arc;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Cardinality, Column, ColumnValues};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader, f64_to_u64, i64_to_u64};

/// Upper bounds (exclusive, in tiyin) of the price facet's buckets; the last bucket is open.
/// In so'm: under 50k, 50–100k, 100–250k, 250–500k, 500k–1M, 1M and more.
pub(crate) const PRICE_BUCKET_BOUNDS: [i64; 5] =
    [5_000_000, 10_000_000, 25_000_000, 50_000_000, 100_000_000];
const PRICE_BUCKETS: usize = PRICE_BUCKET_BOUNDS.len() + 1;

/// Returns the price facet bucket of a price.
pub(crate) fn price_bucket(price: i64) -> usize {
    PRICE_BUCKET_BOUNDS
        .iter()
        .position(|bound| price < *bound)
        .unwrap_or(PRICE_BUCKET_BOUNDS.len())
}

/// The validated filters of one search, audience included.
#[derive(Debug, Clone)]
pub(crate) struct FilterSpec {
    /// The audience's age in months (mandatory).
    pub(crate) age_months: u16,
    /// An age range understood from the query: the product's range must overlap it (on top of
    /// admitting the audience, so it only ever narrows).
    pub(crate) age_overlap: Option<(u16, u16)>,
    /// Category subtree.
    pub(crate) category: Option<u64>,
    /// Brand.
    pub(crate) brand: Option<u64>,
    /// Seller.
    pub(crate) seller: Option<u64>,
    /// Inclusive price range, when either bound is set.
    pub(crate) price: Option<(i64, i64)>,
    /// Only in-stock products.
    pub(crate) in_stock: bool,
    /// Minimum rating.
    pub(crate) rating_min: Option<f64>,
    /// A child's parental restrictions (blocked category subtrees, an allowlist); part of the
    /// gate, like the audience.
    pub(crate) restrictions: Option<Arc<crate::recommend::Restrictions>>,
}

/// Sort key: larger is better; the last component is the inverted product id, which makes keys
/// unique and ties deterministic (smaller id first).
type SortKey = (u64, u64, u64);

/// A document kept for the top of the result list.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RankedDoc {
    key: SortKey,
    /// Where the document is.
    pub(crate) address: DocAddress,
    /// Its relevance score (0 when not scoring).
    pub(crate) score: Score,
}

impl PartialEq for RankedDoc {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl Eq for RankedDoc {}
impl PartialOrd for RankedDoc {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for RankedDoc {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key.cmp(&other.key)
    }
}

/// What a search collects: the total, the best `limit` documents (best first) and the facets.
#[derive(Debug)]
pub(crate) struct Collected {
    pub(crate) total: u64,
    pub(crate) top: Vec<RankedDoc>,
    pub(crate) facets: Facets,
    /// Every result, per segment in doc order, when the collector records them.
    pub(crate) matched: Vec<(SegmentOrdinal, Vec<DocId>)>,
}

/// Per-segment result before merging.
pub(crate) struct SegmentFruit {
    segment_ord: SegmentOrdinal,
    matched: Vec<DocId>,
    total: u64,
    top: Vec<RankedDoc>,
    categories: HashMap<u64, u64>,
    brands: HashMap<u64, u64>,
    price_ranges: [u64; PRICE_BUCKETS],
    in_stock: u64,
}

/// The search collector.
pub(crate) struct SearchCollector {
    facts: Arc<FactsCache>,
    filters: FilterSpec,
    sort: Sort,
    limit: usize,
    scoring: bool,
    record_matches: bool,
}

impl SearchCollector {
    /// Creates a collector keeping the best `limit` documents in `sort` order; `scoring` says
    /// whether relevance scores are needed.
    pub(crate) fn new(
        facts: Arc<FactsCache>,
        filters: FilterSpec,
        sort: Sort,
        limit: usize,
        scoring: bool,
    ) -> Self {
        Self {
            facts,
            filters,
            sort,
            limit: limit.max(1),
            scoring,
            record_matches: false,
        }
    }

    /// Makes the collector also return every result document (see [`Collected::matched`]).
    pub(crate) fn recording_matches(mut self) -> Self {
        self.record_matches = true;
        self
    }
}

/// Returns the values of a column that every document has, reading them without the optional
/// index when possible.
pub(crate) fn read_dense<T>(column: Column<T>, default: T) -> Arc<dyn ColumnValues<T>>
where
    T: PartialOrd + Copy + std::fmt::Debug + Send + Sync + 'static,
{
    match column.get_cardinality() {
        Cardinality::Full => column.values,
        Cardinality::Optional | Cardinality::Multivalued => column.first_or_default_col(default),
    }
}

/// What a sort reads first.
enum Primary {
    Score,
    Popularity,
    PriceAscending,
    PriceDescending,
    Signed(Arc<dyn ColumnValues<i64>>),
    Float(Arc<dyn ColumnValues<f64>>),
}

/// What a sort reads to break ties before the product id.
enum Secondary {
    Popularity,
    Column(Arc<dyn ColumnValues<u64>>),
}

struct SortColumns {
    primary: Primary,
    secondary: Secondary,
    ids: Arc<dyn ColumnValues<u64>>,
}

impl SortColumns {
    fn open(sort: Sort, reader: &SegmentReader) -> tantivy::Result<Self> {
        let fast_fields = reader.fast_fields();
        let rating_count = || -> tantivy::Result<_> {
            Ok(Secondary::Column(read_dense(
                fast_fields.u64(fast::RATING_COUNT)?,
                0,
            )))
        };
        let (primary, secondary) = match sort {
            Sort::Relevance => (Primary::Score, Secondary::Popularity),
            Sort::PriceAsc => (Primary::PriceAscending, Secondary::Popularity),
            Sort::PriceDesc => (Primary::PriceDescending, Secondary::Popularity),
            Sort::Newest => (
                Primary::Signed(read_dense(fast_fields.i64(fast::CREATED_AT)?, 0)),
                Secondary::Popularity,
            ),
            Sort::Rating => (
                Primary::Float(read_dense(fast_fields.f64(fast::RATING)?, 0.0)),
                rating_count()?,
            ),
            Sort::Popularity => (Primary::Popularity, rating_count()?),
        };
        Ok(Self {
            primary,
            secondary,
            ids: read_dense(fast_fields.u64(fast::ID)?, 0),
        })
    }

    /// Returns the first two key components of a document.
    #[inline]
    fn partial_key(&self, doc: DocId, facts: &DocFacts, score: Score) -> (u64, u64) {
        let primary = match &self.primary {
            Primary::Score => f64_to_u64(f64::from(score)),
            Primary::Popularity => facts.popularity,
            Primary::PriceAscending => !i64_to_u64(facts.price),
            Primary::PriceDescending => i64_to_u64(facts.price),
            Primary::Signed(column) => i64_to_u64(column.get_val(doc)),
            Primary::Float(column) => f64_to_u64(column.get_val(doc)),
        };
        let secondary = match &self.secondary {
            Secondary::Popularity => facts.popularity,
            Secondary::Column(column) => column.get_val(doc),
        };
        (primary, secondary)
    }
}

impl Collector for SearchCollector {
    type Fruit = Collected;
    type Child = SearchSegmentCollector;

    fn for_segment(
        &self,
        segment_ord: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SearchSegmentCollector> {
        SearchSegmentCollector::open(self, segment_ord, reader)
    }

    fn requires_scoring(&self) -> bool {
        self.scoring
    }

    fn merge_fruits(&self, fruits: Vec<SegmentFruit>) -> tantivy::Result<Collected> {
        let mut total = 0;
        let mut top = Vec::new();
        let mut categories: HashMap<u64, u64> = HashMap::new();
        let mut brands: HashMap<u64, u64> = HashMap::new();
        let mut price_ranges = [0u64; PRICE_BUCKETS];
        let mut in_stock = 0;
        let mut matched = Vec::new();
        for fruit in fruits {
            if self.record_matches {
                matched.push((fruit.segment_ord, fruit.matched));
            }
            total += fruit.total;
            top.extend(fruit.top);
            for (id, count) in fruit.categories {
                *categories.entry(id).or_default() += count;
            }
            for (id, count) in fruit.brands {
                *brands.entry(id).or_default() += count;
            }
            for (merged, count) in price_ranges.iter_mut().zip(fruit.price_ranges) {
                *merged += count;
            }
            in_stock += fruit.in_stock;
        }
        top.sort_unstable_by(|a, b| b.cmp(a));
        top.truncate(self.limit);
        let facets = Facets {
            categories: sort_facet_counts(categories),
            brands: sort_facet_counts(brands),
            price_ranges: build_price_ranges(&price_ranges),
            in_stock,
        };
        Ok(Collected {
            total,
            top,
            facets,
            matched,
        })
    }
}

/// Orders facet values by count, descending, then id.
pub(crate) fn sort_facet_counts(counts: HashMap<u64, u64>) -> Vec<FacetCount> {
    let mut values: Vec<FacetCount> = counts
        .into_iter()
        .filter(|(_, count)| *count > 0)
        .map(|(id, count)| FacetCount { id, count })
        .collect();
    values.sort_unstable_by(|a, b| b.count.cmp(&a.count).then(a.id.cmp(&b.id)));
    values
}

/// Builds the price facet, every bucket in ascending order (empty ones included).
pub(crate) fn build_price_ranges(counts: &[u64; PRICE_BUCKETS]) -> Vec<PriceRangeCount> {
    counts
        .iter()
        .enumerate()
        .map(|(bucket, count)| PriceRangeCount {
            min: match bucket {
                0 => 0,
                _ => PRICE_BUCKET_BOUNDS[bucket - 1],
            },
            max: PRICE_BUCKET_BOUNDS.get(bucket).copied(),
            count: *count,
        })
        .collect()
}

/// The filters of one search, resolved against one segment: the audience gate and every
/// filter, checked on the segment's `facts`. Lexical collection and the allowed set of vector
/// search both use it, so the two cannot disagree on what a shopper may see.
pub(crate) struct SegmentFilter {
    /// The audience gate, with an understood age range folded in: a product is admitted when
    /// `age_min <= youngest_bound` and `oldest_bound <= age_max`. Admitting the audience's age
    /// `a` and overlapping `low..=high` is `age_min <= min(a, high)` and
    /// `max(a, low) <= age_max`; without a range both bounds are `a`. One check either way.
    youngest_bound: u16,
    oldest_bound: u16,
    seller: Option<(Arc<dyn ColumnValues<u64>>, u64)>,
    rating_min: Option<(Arc<dyn ColumnValues<f64>>, f64)>,
    price_range: Option<(i64, i64)>,
    in_stock_required: bool,
    /// For an active brand filter: the brand's ordinal (`NO_ORD` when absent from the segment).
    brand_filter: Option<u32>,
    /// For an active category filter: whether each path ordinal lies in the subtree.
    category_filter: Option<Vec<bool>>,
    /// With parental restrictions: per path ordinal, whether the category path is admitted
    /// (no blocked category on it and, with an allowlist, an allowed category on it), and the
    /// ids of the products allowed one by one with their id column. A category stands for its
    /// whole subtree because the whole path, root first, is checked.
    restricted_paths: Option<Vec<PathRule>>,
    allowed_products: Option<(Arc<dyn ColumnValues<u64>>, std::collections::HashSet<u64>)>,
}

/// What parental restrictions say about one category path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PathRule {
    /// A blocked category is on the path: never shown.
    Blocked,
    /// Shown (not blocked; allowed by category when there is an allowlist).
    Admitted,
    /// Not blocked, but only the allowlist's products of it are shown.
    ProductsOnly,
}

impl SegmentFilter {
    /// Resolves `filters` against a segment and its facts.
    pub(crate) fn open(
        filters: &FilterSpec,
        facts: &SegmentFacts,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self> {
        let fast_fields = reader.fast_fields();
        let brand_filter = filters.brand.map(|brand| {
            facts
                .brands
                .iter()
                .position(|id| *id == brand)
                .and_then(|ord| u32::try_from(ord).ok())
                .unwrap_or(NO_ORD)
        });
        let category_filter = filters.category.map(|category| {
            facts
                .category_paths
                .iter()
                .map(|path| path.contains(&category))
                .collect()
        });
        let seller = match filters.seller {
            Some(seller) => Some((read_dense(fast_fields.u64(fast::SELLER)?, 0), seller)),
            None => None,
        };
        let rating_min = match filters.rating_min {
            Some(min) => Some((read_dense(fast_fields.f64(fast::RATING)?, 0.0), min)),
            None => None,
        };
        let (youngest_bound, oldest_bound) = age_bounds(filters.age_months, filters.age_overlap);
        let restrictions = filters
            .restrictions
            .as_deref()
            .filter(|r| !r.blocked_categories.is_empty() || r.only.is_some());
        let restricted_paths = restrictions.map(|restrictions| {
            facts
                .category_paths
                .iter()
                .map(|path| {
                    if path
                        .iter()
                        .any(|category| restrictions.blocked_categories.contains(category))
                    {
                        PathRule::Blocked
                    } else {
                        match &restrictions.only {
                            Some(only)
                                if !path
                                    .iter()
                                    .any(|category| only.categories.contains(category)) =>
                            {
                                PathRule::ProductsOnly
                            }
                            _ => PathRule::Admitted,
                        }
                    }
                })
                .collect()
        });
        let allowed_products = match restrictions.and_then(|r| r.only.as_ref()) {
            Some(only) => Some((
                read_dense(fast_fields.u64(fast::ID)?, 0),
                only.products.iter().map(|product| product.0).collect(),
            )),
            None => None,
        };
        Ok(Self {
            youngest_bound,
            oldest_bound,
            seller,
            rating_min,
            price_range: filters.price,
            in_stock_required: filters.in_stock,
            brand_filter,
            category_filter,
            restricted_paths,
            allowed_products,
        })
    }

    /// Returns whether a document passes what is not a facet: approval, the audience's age,
    /// an understood age range, the seller and the minimum rating.
    #[inline(always)]
    pub(crate) fn passes_gate(&self, doc: DocId, facts: &DocFacts) -> bool {
        if !facts.admits_between(self.youngest_bound, self.oldest_bound) {
            return false;
        }
        if let Some((sellers, seller)) = &self.seller
            && sellers.get_val(doc) != *seller
        {
            return false;
        }
        if let Some((ratings, min)) = &self.rating_min
            && ratings.get_val(doc) < *min
        {
            return false;
        }
        if let Some(rules) = &self.restricted_paths {
            match rules
                .get(facts.category_path as usize)
                .copied()
                .unwrap_or(PathRule::Blocked)
            {
                PathRule::Blocked => return false,
                PathRule::Admitted => {}
                PathRule::ProductsOnly => {
                    return self
                        .allowed_products
                        .as_ref()
                        .is_some_and(|(ids, allowed)| allowed.contains(&ids.get_val(doc)));
                }
            }
        }
        true
    }

    /// Returns which facet-owning filters a document fails: (category, brand, price, stock).
    #[inline(always)]
    pub(crate) fn failures(&self, facts: &DocFacts) -> (bool, bool, bool, bool) {
        let fails_price = self
            .price_range
            .is_some_and(|(min, max)| facts.price < min || facts.price > max);
        let fails_stock = self.in_stock_required && !facts.in_stock;
        let fails_brand = self
            .brand_filter
            .is_some_and(|wanted| wanted == NO_ORD || facts.brand != wanted);
        let fails_category = self.category_filter.as_ref().is_some_and(|in_subtree| {
            in_subtree
                .get(facts.category_path as usize)
                .is_none_or(|inside| !inside)
        });
        (fails_category, fails_brand, fails_price, fails_stock)
    }

    /// Returns whether a document is a result: it passes the gate and every filter.
    #[inline]
    pub(crate) fn admits(&self, doc: DocId, facts: &DocFacts) -> bool {
        self.passes_gate(doc, facts) && self.failures(facts) == (false, false, false, false)
    }
}

/// Returns the bounds of the folded age gate (see [`SegmentFilter`]).
fn age_bounds(age_months: u16, overlap: Option<(u16, u16)>) -> (u16, u16) {
    match overlap {
        Some((low, high)) => (age_months.min(high), age_months.max(low)),
        None => (age_months, age_months),
    }
}

/// The per-segment collector.
pub(crate) struct SearchSegmentCollector {
    segment_ord: SegmentOrdinal,
    limit: usize,
    record_matches: bool,
    matched: Vec<DocId>,
    facts: Arc<SegmentFacts>,
    filter: SegmentFilter,
    sort: SortColumns,
    heap: BinaryHeap<Reverse<RankedDoc>>,
    total: u64,
    brand_counts: Vec<u64>,
    path_counts: Vec<u64>,
    price_counts: [u64; PRICE_BUCKETS],
    in_stock_count: u64,
}

impl SearchSegmentCollector {
    fn open(
        collector: &SearchCollector,
        segment_ord: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self> {
        let facts = collector.facts.segment_facts(reader)?;
        Ok(Self {
            segment_ord,
            limit: collector.limit,
            record_matches: collector.record_matches,
            matched: Vec::new(),
            filter: SegmentFilter::open(&collector.filters, &facts, reader)?,
            sort: SortColumns::open(collector.sort, reader)?,
            heap: BinaryHeap::new(),
            total: 0,
            brand_counts: vec![0; facts.brands.len()],
            path_counts: vec![0; facts.category_paths.len()],
            price_counts: [0; PRICE_BUCKETS],
            in_stock_count: 0,
            facts,
        })
    }

    /// Offers a result document to the top-k heap.
    #[inline]
    fn offer(&mut self, doc: DocId, facts: &DocFacts, score: Score) {
        let (primary, secondary) = self.sort.partial_key(doc, facts, score);
        let full = self.heap.len() >= self.limit;
        if full
            && let Some(Reverse(worst)) = self.heap.peek()
            && (primary, secondary) < (worst.key.0, worst.key.1)
        {
            return;
        }
        let candidate = RankedDoc {
            key: (primary, secondary, !self.sort.ids.get_val(doc)),
            address: DocAddress::new(self.segment_ord, doc),
            score,
        };
        if full {
            match self.heap.peek() {
                Some(Reverse(worst)) if candidate > *worst => {
                    self.heap.pop();
                }
                _ => return,
            }
        }
        self.heap.push(Reverse(candidate));
    }
}

/// Adds one to a counter slot, ignoring out-of-range ordinals.
#[inline]
fn increment(counts: &mut [u64], ord: u32) {
    if let Some(slot) = counts.get_mut(ord as usize) {
        *slot += 1;
    }
}

impl SegmentCollector for SearchSegmentCollector {
    type Fruit = SegmentFruit;

    #[inline]
    fn collect(&mut self, doc: DocId, score: Score) {
        let Some(facts) = self.facts.docs.get(doc as usize).copied() else {
            return;
        };
        if !self.filter.passes_gate(doc, &facts) {
            return;
        }
        let (fails_category, fails_brand, fails_price, fails_stock) = self.filter.failures(&facts);
        match (fails_category, fails_brand, fails_price, fails_stock) {
            (false, false, false, false) => {
                self.total += 1;
                increment(&mut self.path_counts, facts.category_path);
                increment(&mut self.brand_counts, facts.brand);
                self.price_counts[price_bucket(facts.price)] += 1;
                self.in_stock_count += u64::from(facts.in_stock);
                if self.record_matches {
                    self.matched.push(doc);
                }
                self.offer(doc, &facts, score);
            }
            (true, false, false, false) => increment(&mut self.path_counts, facts.category_path),
            (false, true, false, false) => increment(&mut self.brand_counts, facts.brand),
            (false, false, true, false) => self.price_counts[price_bucket(facts.price)] += 1,
            // Failing only the in-stock filter means out of stock: nothing to count.
            (false, false, false, true) | (true, _, _, _) | (_, true, _, _) | (_, _, true, _) => {}
        }
    }

    fn harvest(self) -> SegmentFruit {
        let mut brands = HashMap::new();
        for (brand, count) in self.facts.brands.iter().zip(&self.brand_counts) {
            if *count > 0 {
                *brands.entry(*brand).or_default() += *count;
            }
        }
        let mut categories: HashMap<u64, u64> = HashMap::new();
        for (path, count) in self.facts.category_paths.iter().zip(&self.path_counts) {
            if *count > 0 {
                for category in path {
                    *categories.entry(*category).or_default() += *count;
                }
            }
        }
        SegmentFruit {
            segment_ord: self.segment_ord,
            matched: self.matched,
            total: self.total,
            top: self.heap.into_iter().map(|Reverse(doc)| doc).collect(),
            categories,
            brands,
            price_ranges: self.price_counts,
            in_stock: self.in_stock_count,
        }
    }
}

/// Counts more result documents into facets, in every facet (they pass every filter): the
/// vector neighbours a semantic or hybrid search adds to the lexical matches.
pub(crate) fn add_to_facets<'a>(
    facets: &mut Facets,
    docs: impl Iterator<Item = (&'a SegmentFacts, DocFacts)>,
) {
    let mut categories: HashMap<u64, u64> = facets
        .categories
        .iter()
        .map(|facet| (facet.id, facet.count))
        .collect();
    let mut brands: HashMap<u64, u64> = facets
        .brands
        .iter()
        .map(|facet| (facet.id, facet.count))
        .collect();
    let mut price_ranges = [0u64; PRICE_BUCKETS];
    for range in &facets.price_ranges {
        price_ranges[price_bucket(range.min)] += range.count;
    }
    for (segment, doc) in docs {
        if let Some(path) = segment.category_paths.get(doc.category_path as usize) {
            for category in path {
                *categories.entry(*category).or_default() += 1;
            }
        }
        if let Some(brand) = segment.brands.get(doc.brand as usize) {
            *brands.entry(*brand).or_default() += 1;
        }
        price_ranges[price_bucket(doc.price)] += 1;
        facets.in_stock += u64::from(doc.in_stock);
    }
    facets.categories = sort_facet_counts(categories);
    facets.brands = sort_facet_counts(brands);
    facets.price_ranges = build_price_ranges(&price_ranges);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn price_buckets_cover_every_price() {
        assert_eq!(price_bucket(-1), 0);
        assert_eq!(price_bucket(0), 0);
        assert_eq!(price_bucket(4_999_999), 0);
        assert_eq!(price_bucket(5_000_000), 1);
        assert_eq!(price_bucket(99_999_999), 4);
        assert_eq!(price_bucket(100_000_000), 5);
        assert_eq!(price_bucket(i64::MAX), 5);
        let ranges = build_price_ranges(&[1, 2, 3, 4, 5, 6]);
        assert_eq!(ranges.len(), 6);
        assert_eq!(ranges[0].min, 0);
        assert_eq!(ranges[0].max, Some(5_000_000));
        assert_eq!(ranges[5].min, 100_000_000);
        assert_eq!(ranges[5].max, None);
    }

    #[test]
    fn the_folded_age_gate_is_admit_and_overlap() {
        let ages = [0u16, 1, 5, 9, 12, 20];
        for &(age_min, age_max) in &[(0u16, 20u16), (1, 5), (5, 5), (9, 12), (12, 20), (0, 1)] {
            let facts = DocFacts {
                age_min,
                age_max,
                approved: true,
                ..DocFacts::default()
            };
            for &age in &ages {
                for &low in &ages {
                    for &high in ages.iter().filter(|high| **high >= low) {
                        let expected =
                            age_min <= age && age <= age_max && age_max >= low && age_min <= high;
                        let (youngest, oldest) = age_bounds(age, Some((low, high)));
                        assert_eq!(
                            facts.admits_between(youngest, oldest),
                            expected,
                            "{age_min}..={age_max}, age {age}, range {low}..={high}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn facet_values_sort_by_count_then_id() {
        let counts = HashMap::from([(7, 2), (3, 5), (1, 2), (9, 0)]);
        let sorted: Vec<(u64, u64)> = sort_facet_counts(counts)
            .into_iter()
            .map(|f| (f.id, f.count))
            .collect();
        assert_eq!(sorted, vec![(3, 5), (1, 2), (7, 2)]);
    }
}
