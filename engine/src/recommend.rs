//! Recommendations: similar items, frequently bought together, trending and "for you".
//!
//! The engine holds no behaviour data of its own: the caller gathers it into [`RecSignals`]
//! (co-view counts per viewer, co-purchase counts per basket, time-decayed popularity) and
//! passes it with every request, so this module stays a pure function of the index, the
//! signals and the request.
//!
//! **Safety has one path here too.** Every request first screens the whole index for its
//! audience with the lexical collector's own per-segment filter (`collector::SegmentFilter`:
//! approval and the audience's age, on the same `facts` a search reads), then applies the
//! parental [`Restrictions`]. Candidates from any source (co-counts, vectors, category
//! neighbours, trending) are looked up in that screened set and dropped when absent, so a
//! product the audience may not see, or that is no longer indexed (rejected, re-flagged,
//! deleted: the outbox removes it from the index), can never come back, whatever the signals
//! still say about it.
//!
//! Scoring, per kind:
//!
//! * **similar**: content neighbours (the nearest allowed vectors to the product's own
//!   embedding when it has one, else category / brand / price / age neighbours) blended with
//!   co-view associations;
//! * **bought together**: the co-purchase model ([`ItemModel`], EASE with a learned popularity
//!   prior, see the `ease` module) scores the basket's products together; basket products
//!   outside the model (too few baskets to be among [`ItemModelSettings::max_products`]) add
//!   their cosine associations; filled up with trending products when the baskets know too
//!   little. A candidate never bought with any of the basket's products is labelled
//!   `trending` (the model's prior put it there), never `bought_together`;
//! * **trending**: time-decayed views and purchases (half-life chosen by the caller), then
//!   units sold for products without recent events (so a new shop still gets a list);
//! * **for you**: the shopper's own history (recently viewed, wishlist, purchases; newer
//!   weighs more) as seeds, each contributing its co-view, co-purchase and content neighbours;
//!   already bought products are excluded; an empty history falls back to trending (cold
//!   start).
//!
//! Associations (co-views, for-you seeds, products outside the co-purchase model) are
//! normalised with the cosine `c(a,b) / sqrt(c(a) c(b))`, so a product bought with everything
//! (milk, batteries) does not dominate every list the way raw counts would.

use crate::collector::{FilterSpec, SegmentFilter, read_dense};
use crate::doc::{Lang, ProductId};
use crate::facts::{DocFacts, FactsCache, NO_ORD, SegmentFacts};
use crate::schema::{Fields, fast};
use crate::search::{Hit, read_hit};
use crate::vector::{AllowedSet, NO_SLOT, VectorIndex};
use crate::{Error, Result};
use moderation::Audience;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tantivy::{DocAddress, DocId, Searcher, SegmentOrdinal, TantivyDocument};

/// Most recommendations per request.
pub const MAX_RECOMMENDATIONS: usize = 50;
/// Products of one group (a viewer's history, a basket) that count towards co-occurrences:
/// the first ones given (callers pass the newest first).
pub const MAX_GROUP: usize = 50;
/// Weight of one view in trending scores.
pub const VIEW_WEIGHT: f64 = 1.0;
/// Weight of one purchased unit in trending scores.
pub const PURCHASE_WEIGHT: f64 = 5.0;
/// Candidates taken from each source list before blending.
const CANDIDATES: usize = 100;
/// History products used as seeds of "for you" (the heaviest ones).
const MAX_SEEDS: usize = 20;
/// Seeds whose content neighbours are looked up (each costs a scan of the allowed set).
const MAX_CONTENT_SEEDS: usize = 5;

mod ease;

pub use ease::{ItemModel, ItemModelSettings, MIN_LAMBDA};

/// Co-occurrence counts of products within groups (baskets, or one viewer's products).
#[derive(Debug, Clone, Default)]
pub struct CoCounts {
    /// Groups holding each product.
    groups: HashMap<ProductId, u32>,
    /// Groups holding both products, per pair (stored both ways).
    pairs: HashMap<ProductId, HashMap<ProductId, u32>>,
    /// Non-empty groups counted.
    total_groups: u64,
    /// The item model last fitted on these counts, with its settings.
    model: ModelCache,
}

/// The fitted item model, kept until the counts change (or other settings are asked for).
#[derive(Debug, Default)]
struct ModelCache(Mutex<Option<(ItemModelSettings, Option<Arc<ItemModel>>)>>);

impl ModelCache {
    fn lock(
        &self,
    ) -> std::sync::MutexGuard<'_, Option<(ItemModelSettings, Option<Arc<ItemModel>>)>> {
        match self.0.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }
}

impl Clone for ModelCache {
    fn clone(&self) -> Self {
        Self(Mutex::new(self.lock().clone()))
    }
}

impl CoCounts {
    /// Counts one group. Repeated products count once; only the first [`MAX_GROUP`] distinct
    /// products count (a group's pairs grow with the square of its size).
    pub fn add_group(&mut self, group: &[ProductId]) {
        let mut distinct: Vec<ProductId> = Vec::with_capacity(group.len().min(MAX_GROUP));
        for product in group {
            if distinct.len() == MAX_GROUP {
                break;
            }
            if !distinct.contains(product) {
                distinct.push(*product);
            }
        }
        if distinct.is_empty() {
            return;
        }
        self.model = ModelCache::default();
        self.total_groups += 1;
        for product in &distinct {
            *self.groups.entry(*product).or_default() += 1;
        }
        for (index, first) in distinct.iter().enumerate() {
            for second in &distinct[index + 1..] {
                *self
                    .pairs
                    .entry(*first)
                    .or_default()
                    .entry(*second)
                    .or_default() += 1;
                *self
                    .pairs
                    .entry(*second)
                    .or_default()
                    .entry(*first)
                    .or_default() += 1;
            }
        }
    }

    /// Returns the number of groups holding `product`.
    pub fn count(&self, product: ProductId) -> u32 {
        self.groups.get(&product).copied().unwrap_or(0)
    }

    /// Returns the number of groups holding both products.
    pub fn together(&self, first: ProductId, second: ProductId) -> u32 {
        self.pairs
            .get(&first)
            .and_then(|others| others.get(&second))
            .copied()
            .unwrap_or(0)
    }

    /// Returns whether no group was counted.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// Returns the number of (non-empty) groups counted.
    pub fn total_groups(&self) -> u64 {
        self.total_groups
    }

    /// Returns the item model fitted on these counts with `settings` (`None` when no product
    /// was grouped with another, or the model is off). The fit is kept and reused until a
    /// group is added or other settings are asked for; concurrent callers wait for one fit.
    pub fn item_model(&self, settings: &ItemModelSettings) -> Option<Arc<ItemModel>> {
        let mut cached = self.model.lock();
        if let Some((fitted_with, model)) = cached.as_ref()
            && fitted_with == settings
        {
            return model.clone();
        }
        let model = ItemModel::fit(self, settings).map(Arc::new);
        *cached = Some((*settings, model.clone()));
        model
    }

    /// Returns the products seen with `product`, each with its cosine association
    /// `c(a,b) / sqrt(c(a) c(b))` (in `0..=1`), in no particular order.
    pub fn associated(&self, product: ProductId) -> Vec<(ProductId, f64)> {
        let own = f64::from(self.count(product));
        let Some(others) = self.pairs.get(&product) else {
            return Vec::new();
        };
        others
            .iter()
            .map(|(other, together)| {
                let norm = (own * f64::from(self.count(*other))).sqrt().max(1.0);
                (*other, f64::from(*together) / norm)
            })
            .collect()
    }
}

/// Time-decayed popularity: each event adds `weight * 2^(-age / half_life)`, its age measured
/// at a reference time (the moment the signals were gathered). Decaying every score by the
/// same factor never changes their order, so the scores stay valid between refreshes.
#[derive(Debug, Clone)]
pub struct Trending {
    half_life_secs: f64,
    reference: i64,
    scores: HashMap<ProductId, f64>,
}

impl Trending {
    /// Creates empty scores with a half-life (at least one second) and a reference time
    /// (seconds since the Unix epoch).
    pub fn new(half_life_secs: i64, reference: i64) -> Self {
        Self {
            half_life_secs: half_life_secs.max(1) as f64,
            reference,
            scores: HashMap::new(),
        }
    }

    /// Adds an event of `weight` at time `at` (a time after the reference counts as the
    /// reference).
    pub fn add(&mut self, product: ProductId, at: i64, weight: f64) {
        if !weight.is_finite() || weight <= 0.0 {
            return;
        }
        let age = self.reference.saturating_sub(at).max(0) as f64;
        let decayed = weight * (-(age / self.half_life_secs) * std::f64::consts::LN_2).exp();
        *self.scores.entry(product).or_default() += decayed;
    }

    /// Returns a product's score at the reference time (0 without events).
    pub fn score(&self, product: ProductId) -> f64 {
        self.scores.get(&product).copied().unwrap_or(0.0)
    }

    /// Returns the reference time.
    pub fn reference(&self) -> i64 {
        self.reference
    }
}

/// The behaviour data recommendations draw on, gathered by the caller.
#[derive(Debug, Clone)]
pub struct RecSignals {
    /// Products viewed by the same viewer.
    pub co_view: CoCounts,
    /// Products bought in the same order (basket).
    pub co_purchase: CoCounts,
    /// Time-decayed views and purchases.
    pub trending: Trending,
    /// How the co-purchase model of "bought together" is fitted.
    pub bought_together: ItemModelSettings,
}

impl RecSignals {
    /// Creates empty signals whose trending scores decay with `half_life_secs`, measured at
    /// `reference` (seconds since the Unix epoch).
    pub fn new(half_life_secs: i64, reference: i64) -> Self {
        Self {
            co_view: CoCounts::default(),
            co_purchase: CoCounts::default(),
            trending: Trending::new(half_life_secs, reference),
            bought_together: ItemModelSettings::default(),
        }
    }
}

/// A shopper's (or child's) own history, the seeds of "for you".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    /// Recently viewed products, newest first.
    pub viewed: Vec<ProductId>,
    /// Wishlist, newest first.
    pub wishlist: Vec<ProductId>,
    /// Bought products, newest first (never recommended again).
    pub purchased: Vec<ProductId>,
}

impl History {
    /// Returns whether the history holds nothing.
    pub fn is_empty(&self) -> bool {
        self.viewed.is_empty() && self.wishlist.is_empty() && self.purchased.is_empty()
    }
}

/// Parental restrictions on top of the audience (a child's controls).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Restrictions {
    /// Categories never shown; a category stands for its whole subtree.
    pub blocked_categories: Vec<u64>,
    /// When set, only these products are shown ("approved items only").
    pub only: Option<Allowlist>,
}

/// The products a child in "approved items only" mode may see.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Allowlist {
    /// Products approved one by one.
    pub products: Vec<ProductId>,
    /// Categories approved whole (with their subtrees).
    pub categories: Vec<u64>,
}

impl Restrictions {
    /// Returns whether a product in category path `path` (root first) may be shown.
    pub fn admits(&self, product: ProductId, path: &[u64]) -> bool {
        if path
            .iter()
            .any(|category| self.blocked_categories.contains(category))
        {
            return false;
        }
        match &self.only {
            None => true,
            Some(only) => {
                only.products.contains(&product)
                    || path
                        .iter()
                        .any(|category| only.categories.contains(category))
            }
        }
    }
}

/// What to recommend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecommendKind {
    /// Products like this one (which the audience must be able to see).
    Similar(ProductId),
    /// Products bought together with these (a product page passes one, a cart several).
    BoughtTogether(Vec<ProductId>),
    /// What is popular now.
    Trending,
    /// From a shopper's own history.
    ForYou(History),
}

impl RecommendKind {
    /// Returns the stable API name of the kind.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Similar(_) => "similar",
            Self::BoughtTogether(_) => "bought_together",
            Self::Trending => "trending",
            Self::ForYou(_) => "for_you",
        }
    }
}

/// A recommendation request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecommendRequest {
    /// What to recommend.
    pub kind: RecommendKind,
    /// Most recommendations, `1..=MAX_RECOMMENDATIONS`.
    pub limit: usize,
    /// Language form of titles.
    pub lang: Lang,
    /// Parental restrictions (none by default).
    pub restrictions: Restrictions,
    /// Products never recommended (already in the cart, already shown beside).
    pub exclude: Vec<ProductId>,
}

impl RecommendRequest {
    /// Creates a request for ten recommendations of `kind`, Uzbek titles, no restrictions.
    pub fn new(kind: RecommendKind) -> Self {
        Self {
            kind,
            limit: 10,
            lang: Lang::Uz,
            restrictions: Restrictions::default(),
            exclude: Vec::new(),
        }
    }

    /// Checks the request.
    pub fn validate(&self) -> Result<()> {
        if self.exclude.len() > MAX_GROUP {
            return Err(Error::InvalidRequest(format!(
                "at most {MAX_GROUP} products may be excluded, got {}",
                self.exclude.len()
            )));
        }
        if self.limit == 0 || self.limit > MAX_RECOMMENDATIONS {
            return Err(Error::InvalidRequest(format!(
                "limit must be between 1 and {MAX_RECOMMENDATIONS}, got {}",
                self.limit
            )));
        }
        Ok(())
    }
}

/// Why a product is recommended (its strongest source).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Its content is like the product's (embedding, or category, brand, price and age).
    Content,
    /// Viewed by the same shoppers.
    CoViewed,
    /// Bought in the same orders.
    BoughtTogether,
    /// Popular now.
    Trending,
}

impl Reason {
    /// Returns the stable API name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Content => "content",
            Self::CoViewed => "co_viewed",
            Self::BoughtTogether => "bought_together",
            Self::Trending => "trending",
        }
    }
}

/// One recommended product.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recommendation {
    /// The product, as a search hit (its `score` is the recommendation score).
    pub hit: Hit,
    /// Its strongest source.
    pub reason: Reason,
}

/// The answer to a recommendation request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recommendations {
    /// Best first.
    pub items: Vec<Recommendation>,
    /// Whether the answer is a cold start (no behaviour or history to go on: trending or
    /// content only).
    pub cold_start: bool,
}

/// An admitted product: where it is and its hot values.
#[derive(Debug, Clone, Copy)]
struct Admitted {
    address: DocAddress,
    facts: DocFacts,
}

/// Every product the audience (and restrictions) admit, by id.
struct Screen {
    segments: Vec<Arc<SegmentFacts>>,
    admitted: HashMap<ProductId, Admitted>,
}

impl Screen {
    /// Screens the whole index: the collector's audience gate, then the restrictions.
    fn build(
        searcher: &Searcher,
        facts: &FactsCache,
        audience: Audience,
        restrictions: &Restrictions,
    ) -> Result<Self> {
        let spec = FilterSpec {
            age_months: audience.age_months(),
            age_overlap: None,
            category: None,
            brand: None,
            seller: None,
            price: None,
            in_stock: false,
            rating_min: None,
            restrictions: None,
        };
        let mut segments = Vec::with_capacity(searcher.segment_readers().len());
        let mut admitted = HashMap::new();
        for (segment_ord, reader) in searcher.segment_readers().iter().enumerate() {
            let segment = facts.segment_facts(reader)?;
            let filter = SegmentFilter::open(&spec, &segment, reader)?;
            let ids = read_dense(reader.fast_fields().u64(fast::ID)?, 0);
            let alive = reader.alive_bitset();
            for (doc, doc_facts) in segment.docs.iter().enumerate() {
                let doc = doc as DocId;
                if alive.is_some_and(|alive| !alive.is_alive(doc)) || !filter.admits(doc, doc_facts)
                {
                    continue;
                }
                let id = ProductId(ids.get_val(doc));
                if !restrictions.admits(id, path_of(&segment, doc_facts)) {
                    continue;
                }
                admitted.insert(
                    id,
                    Admitted {
                        address: DocAddress::new(segment_ord as SegmentOrdinal, doc),
                        facts: *doc_facts,
                    },
                );
            }
            segments.push(segment);
        }
        Ok(Self { segments, admitted })
    }

    fn get(&self, product: ProductId) -> Option<&Admitted> {
        self.admitted.get(&product)
    }

    fn path(&self, product: &Admitted) -> &[u64] {
        self.segments
            .get(product.address.segment_ord as usize)
            .map_or(&[], |segment| path_of(segment, &product.facts))
    }

    fn brand(&self, product: &Admitted) -> Option<u64> {
        if product.facts.brand == NO_ORD {
            return None;
        }
        self.segments
            .get(product.address.segment_ord as usize)
            .and_then(|segment| segment.brands.get(product.facts.brand as usize))
            .copied()
            .filter(|brand| *brand != 0)
    }
}

fn path_of<'a>(segment: &'a SegmentFacts, facts: &DocFacts) -> &'a [u64] {
    segment
        .category_paths
        .get(facts.category_path as usize)
        .map_or(&[], Vec::as_slice)
}

/// Scores accumulated per candidate, with each source's share.
#[derive(Default)]
struct Blend {
    scores: HashMap<ProductId, [f64; 4]>,
}

impl Blend {
    fn slot(reason: Reason) -> usize {
        match reason {
            Reason::Content => 0,
            Reason::CoViewed => 1,
            Reason::BoughtTogether => 2,
            Reason::Trending => 3,
        }
    }

    /// Adds a list scaled so its best entry weighs `weight`; entries the screen does not
    /// admit, or excluded ones, are dropped first.
    fn add_list(
        &mut self,
        screen: &Screen,
        list: Vec<(ProductId, f64)>,
        reason: Reason,
        weight: f64,
        excluded: &[ProductId],
    ) {
        let labelled = list
            .into_iter()
            .map(|(product, score)| (product, score, reason))
            .collect();
        self.add_labelled_list(screen, labelled, weight, excluded);
    }

    /// [`Self::add_list`] with a reason per entry (one scale for the whole list).
    fn add_labelled_list(
        &mut self,
        screen: &Screen,
        list: Vec<(ProductId, f64, Reason)>,
        weight: f64,
        excluded: &[ProductId],
    ) {
        let mut list: Vec<(ProductId, f64, Reason)> = list
            .into_iter()
            .filter(|(product, score, _)| {
                *score > 0.0
                    && score.is_finite()
                    && !excluded.contains(product)
                    && screen.get(*product).is_some()
            })
            .collect();
        list.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        list.truncate(CANDIDATES);
        let Some(best) = list.first().map(|(_, score, _)| *score) else {
            return;
        };
        for (product, score, reason) in list {
            self.scores.entry(product).or_default()[Self::slot(reason)] += weight * score / best;
        }
    }

    fn is_empty(&self) -> bool {
        self.scores.is_empty()
    }

    /// Returns the best `limit` candidates with their total and strongest source.
    fn top(self, screen: &Screen, limit: usize) -> Vec<(ProductId, f64, Reason)> {
        let reasons = [
            Reason::Content,
            Reason::CoViewed,
            Reason::BoughtTogether,
            Reason::Trending,
        ];
        let mut ranked: Vec<(ProductId, f64, Reason, u64)> = self
            .scores
            .into_iter()
            .map(|(product, parts)| {
                let total: f64 = parts.iter().sum();
                let strongest = reasons
                    .into_iter()
                    .zip(parts)
                    .max_by(|a, b| a.1.total_cmp(&b.1))
                    .map_or(Reason::Content, |(reason, _)| reason);
                let popularity = screen
                    .get(product)
                    .map_or(0, |admitted| admitted.facts.popularity);
                (product, total, strongest, popularity)
            })
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(b.3.cmp(&a.3)).then(a.0.cmp(&b.0)));
        ranked
            .into_iter()
            .take(limit)
            .map(|(product, score, reason, _)| (product, score, reason))
            .collect()
    }
}

/// The engine's parts a recommendation reads.
pub(crate) struct Context<'a> {
    pub(crate) searcher: &'a Searcher,
    pub(crate) fields: &'a Fields,
    pub(crate) facts: &'a FactsCache,
    pub(crate) vectors: &'a VectorIndex,
}

/// Validates a request and answers it.
pub(crate) fn run_recommend(
    context: &Context<'_>,
    audience: Audience,
    request: &RecommendRequest,
    signals: &RecSignals,
) -> Result<Recommendations> {
    request.validate()?;
    let screen = Screen::build(
        context.searcher,
        context.facts,
        audience,
        &request.restrictions,
    )?;
    let limit = request.limit;
    let mut excluded: Vec<ProductId> = request.exclude.clone();
    let (picked, cold_start) = match &request.kind {
        RecommendKind::Similar(product) => {
            let Some(source) = screen.get(*product).copied() else {
                return Err(Error::ProductNotVisible(product.0));
            };
            excluded.push(*product);
            let mut blend = Blend::default();
            let content = content_neighbours(context, &screen, *product, &source)?;
            blend.add_list(&screen, content, Reason::Content, 1.0, &excluded);
            let co_viewed = signals.co_view.associated(*product);
            let cold_start = co_viewed.is_empty();
            blend.add_list(&screen, co_viewed, Reason::CoViewed, 1.0, &excluded);
            (blend.top(&screen, limit), cold_start)
        }
        RecommendKind::BoughtTogether(basket) => {
            excluded.extend(basket.iter().copied());
            let basket = &basket[..basket.len().min(MAX_GROUP)];
            let blend = bought_together(&screen, signals, basket, &excluded);
            let cold_start = blend.is_empty();
            let mut picked = blend.top(&screen, limit);
            fill_with_trending(&screen, signals, &mut picked, limit, &excluded);
            (picked, cold_start)
        }
        RecommendKind::Trending => {
            let mut picked = Vec::with_capacity(limit);
            fill_with_trending(&screen, signals, &mut picked, limit, &excluded);
            (picked, false)
        }
        RecommendKind::ForYou(history) => {
            excluded.extend(history.purchased.iter().copied());
            let mut picked = for_you(context, &screen, signals, history, limit, &excluded)?;
            fill_with_trending(&screen, signals, &mut picked, limit, &excluded);
            (picked, history.is_empty())
        }
    };
    let mut items = Vec::with_capacity(picked.len());
    for (product, score, reason) in picked {
        let Some(admitted) = screen.get(product) else {
            continue;
        };
        debug_assert!(admitted.facts.approved);
        let doc: TantivyDocument = context.searcher.doc(admitted.address)?;
        let mut hit = read_hit(&doc, context.fields, request.lang)?;
        hit.score = score as f32;
        items.push(Recommendation { hit, reason });
    }
    Ok(Recommendations { items, cold_start })
}

/// Scores the products bought with `basket`: the co-purchase model over the basket's products
/// it holds, plus the cosine associations of those it does not.
fn bought_together(
    screen: &Screen,
    signals: &RecSignals,
    basket: &[ProductId],
    excluded: &[ProductId],
) -> Blend {
    let counts = &signals.co_purchase;
    let model = counts.item_model(&signals.bought_together);
    let mut blend = Blend::default();
    if let Some(scored) = model.as_ref().and_then(|model| model.score(basket)) {
        let labelled = scored
            .into_iter()
            .map(|(product, score)| {
                let bought_with = basket
                    .iter()
                    .any(|seed| counts.together(*seed, product) > 0);
                let reason = if bought_with {
                    Reason::BoughtTogether
                } else {
                    Reason::Trending
                };
                (product, score, reason)
            })
            .collect();
        blend.add_labelled_list(screen, labelled, 1.0, excluded);
    }
    let mut outside: HashMap<ProductId, f64> = HashMap::new();
    for product in basket {
        if model.as_ref().is_some_and(|model| model.contains(*product)) {
            continue;
        }
        for (other, association) in counts.associated(*product) {
            *outside.entry(other).or_default() += association;
        }
    }
    blend.add_list(
        screen,
        outside.into_iter().collect(),
        Reason::BoughtTogether,
        1.0,
        excluded,
    );
    blend
}

/// Recommends from a history: each seed's co-view, co-purchase and content neighbours.
fn for_you(
    context: &Context<'_>,
    screen: &Screen,
    signals: &RecSignals,
    history: &History,
    limit: usize,
    excluded: &[ProductId],
) -> Result<Vec<(ProductId, f64, Reason)>> {
    // Seeds and their weights: newer weighs more; a wishlist is a stated wish.
    let mut seeds: HashMap<ProductId, f64> = HashMap::new();
    let lists: [(&[ProductId], f64); 3] = [
        (&history.wishlist, 1.0),
        (&history.viewed, 1.0),
        (&history.purchased, 0.8),
    ];
    for (list, weight) in lists {
        for (position, product) in list.iter().take(MAX_GROUP).enumerate() {
            let weight = weight * 0.85f64.powi(i32::try_from(position).unwrap_or(i32::MAX));
            let seed = seeds.entry(*product).or_default();
            *seed = seed.max(weight);
        }
    }
    let mut seeds: Vec<(ProductId, f64)> = seeds.into_iter().collect();
    seeds.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    seeds.truncate(MAX_SEEDS);
    let mut blend = Blend::default();
    for (index, (seed, weight)) in seeds.iter().enumerate() {
        blend.add_list(
            screen,
            signals.co_view.associated(*seed),
            Reason::CoViewed,
            *weight,
            excluded,
        );
        blend.add_list(
            screen,
            signals.co_purchase.associated(*seed),
            Reason::BoughtTogether,
            *weight,
            excluded,
        );
        // Content neighbours need the seed's own facts: a seed the audience may not see
        // (another child's toy, a product taken down) still says nothing about content.
        if index < MAX_CONTENT_SEEDS
            && let Some(source) = screen.get(*seed).copied()
        {
            let content = content_neighbours(context, screen, *seed, &source)?;
            blend.add_list(screen, content, Reason::Content, 0.5 * weight, excluded);
        }
    }
    Ok(blend.top(screen, limit))
}

/// Appends trending products (then the best sellers) not already picked nor excluded, up to
/// `limit`.
fn fill_with_trending(
    screen: &Screen,
    signals: &RecSignals,
    picked: &mut Vec<(ProductId, f64, Reason)>,
    limit: usize,
    excluded: &[ProductId],
) {
    if picked.len() >= limit {
        return;
    }
    let taken: std::collections::HashSet<ProductId> = picked
        .iter()
        .map(|(product, _, _)| *product)
        .chain(excluded.iter().copied())
        .collect();
    let mut ranked: Vec<(ProductId, f64, u64)> = screen
        .admitted
        .iter()
        .filter(|(product, _)| !taken.contains(product))
        .map(|(product, admitted)| {
            (
                *product,
                signals.trending.score(*product),
                admitted.facts.popularity,
            )
        })
        .collect();
    let wanted = limit - picked.len();
    let order = |a: &(ProductId, f64, u64), b: &(ProductId, f64, u64)| {
        b.1.total_cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0))
    };
    if ranked.len() > wanted {
        ranked.select_nth_unstable_by(wanted - 1, order);
        ranked.truncate(wanted);
    }
    ranked.sort_by(order);
    // Below whatever the blend picked: trending fills, it never outranks.
    let floor = picked
        .iter()
        .map(|(_, score, _)| *score)
        .fold(f64::INFINITY, f64::min);
    let scale = if floor.is_finite() { floor * 0.5 } else { 1.0 };
    let best = ranked
        .first()
        .map(|(_, score, _)| *score)
        .filter(|score| *score > 0.0);
    for (product, score, _) in ranked {
        let score = best.map_or(0.0, |best| scale * score / best);
        picked.push((product, score, Reason::Trending));
    }
}

/// Returns the content neighbours of `product`: by embedding when the product has one in the
/// vector index, else by category, brand, price and age.
fn content_neighbours(
    context: &Context<'_>,
    screen: &Screen,
    product: ProductId,
    source: &Admitted,
) -> Result<Vec<(ProductId, f64)>> {
    if let Some(found) = vector_neighbours(context, screen, product)? {
        return Ok(found);
    }
    Ok(category_neighbours(screen, product, source))
}

/// The nearest admitted vectors to the product's own, or `None` when it has no vector.
fn vector_neighbours(
    context: &Context<'_>,
    screen: &Screen,
    product: ProductId,
) -> Result<Option<Vec<(ProductId, f64)>>> {
    let state = context.vectors.read();
    let Some(query) = state.vector_of(product) else {
        return Ok(None);
    };
    let query = query.to_vec();
    let mut allowed = AllowedSet::new(state.slot_count());
    let mut slot_products: HashMap<u32, ProductId> = HashMap::new();
    let readers = context.searcher.segment_readers();
    let mut doc_slots = Vec::with_capacity(readers.len());
    for reader in readers {
        doc_slots.push(state.doc_slots(reader)?);
    }
    for (id, admitted) in &screen.admitted {
        if *id == product {
            continue;
        }
        let slot = doc_slots
            .get(admitted.address.segment_ord as usize)
            .and_then(|slots| slots.get(admitted.address.doc_id as usize))
            .copied()
            .unwrap_or(NO_SLOT);
        if slot != NO_SLOT {
            allowed.allow(slot, admitted.address);
            slot_products.insert(slot, *id);
        }
    }
    let (neighbours, _) = state.nearest(context.vectors.params(), &query, &allowed, CANDIDATES);
    Ok(Some(
        neighbours
            .into_iter()
            .filter_map(|neighbour| {
                let product = slot_products.get(&neighbour.slot)?;
                // Cosine similarity in -1..=1: only the positive side is "like".
                Some((*product, f64::from(neighbour.similarity).max(0.0)))
            })
            .collect(),
    ))
}

/// The admitted products most like `source` by catalogue facts: the share of the category
/// path they have in common (at least the root), the same brand, a price within a factor of
/// ten and overlapping age ranges.
fn category_neighbours(
    screen: &Screen,
    product: ProductId,
    source: &Admitted,
) -> Vec<(ProductId, f64)> {
    let source_path = screen.path(source);
    let Some(root) = source_path.first() else {
        return Vec::new();
    };
    let source_brand = screen.brand(source);
    let mut scored: Vec<(ProductId, f64)> = screen
        .admitted
        .iter()
        .filter(|(id, _)| **id != product)
        .filter_map(|(id, candidate)| {
            let path = screen.path(candidate);
            if path.first() != Some(root) {
                return None;
            }
            let shared = source_path
                .iter()
                .zip(path)
                .take_while(|(a, b)| a == b)
                .count();
            let depth = source_path.len().max(path.len()).max(1);
            let category = shared as f64 / depth as f64;
            let brand = match (source_brand, screen.brand(candidate)) {
                (Some(a), Some(b)) if a == b => 1.0,
                _ => 0.0,
            };
            let price = price_closeness(source.facts.price, candidate.facts.price);
            let age = age_overlap(&source.facts, &candidate.facts);
            Some((
                *id,
                0.6 * category + 0.15 * brand + 0.1 * price + 0.15 * age,
            ))
        })
        .collect();
    let order =
        |a: &(ProductId, f64), b: &(ProductId, f64)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    if scored.len() > CANDIDATES {
        scored.select_nth_unstable_by(CANDIDATES - 1, order);
        scored.truncate(CANDIDATES);
    }
    scored.sort_by(order);
    scored
}

/// Returns 1 for equal prices, falling to 0 at a factor of ten.
fn price_closeness(first: i64, second: i64) -> f64 {
    if first <= 0 || second <= 0 {
        return 0.0;
    }
    let ratio = (first as f64 / second as f64).ln().abs() / 10f64.ln();
    (1.0 - ratio).clamp(0.0, 1.0)
}

/// Returns the share of the two age ranges they have in common (intersection over union).
fn age_overlap(first: &DocFacts, second: &DocFacts) -> f64 {
    let low = first.age_min.max(second.age_min);
    let high = first.age_max.min(second.age_max);
    if low > high {
        return 0.0;
    }
    let union = first.age_max.max(second.age_max) - first.age_min.min(second.age_min);
    f64::from(high - low + 1) / f64::from(union + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(values: &[u64]) -> Vec<ProductId> {
        values.iter().copied().map(ProductId).collect()
    }

    #[test]
    fn co_counts_count_each_product_once_per_group_and_normalise_by_cosine() {
        let mut counts = CoCounts::default();
        counts.add_group(&ids(&[1, 2, 2, 3]));
        counts.add_group(&ids(&[1, 2]));
        counts.add_group(&ids(&[1, 4]));
        assert_eq!(counts.count(ProductId(1)), 3);
        assert_eq!(counts.count(ProductId(2)), 2);
        assert_eq!(counts.together(ProductId(1), ProductId(2)), 2);
        assert_eq!(counts.together(ProductId(2), ProductId(1)), 2);
        assert_eq!(counts.together(ProductId(3), ProductId(4)), 0);
        let mut associated = counts.associated(ProductId(2));
        associated.sort_by_key(|(product, _)| *product);
        let expected = [(1, 2.0 / 6f64.sqrt()), (3, 1.0 / 2f64.sqrt())];
        assert_eq!(associated.len(), expected.len());
        for ((product, score), (want_product, want_score)) in associated.iter().zip(expected) {
            assert_eq!(product.0, want_product);
            assert!(
                (score - want_score).abs() < 1e-12,
                "{score} vs {want_score}"
            );
        }
    }

    #[test]
    fn a_product_bought_with_everything_does_not_dominate() {
        // Milk is in every basket; the niche pair (5, 6) is always bought together.
        let mut counts = CoCounts::default();
        for basket in 0..50u64 {
            counts.add_group(&ids(&[100, 10 + basket % 7]));
        }
        for _ in 0..3 {
            counts.add_group(&ids(&[5, 6, 100]));
        }
        let associated: HashMap<ProductId, f64> =
            counts.associated(ProductId(5)).into_iter().collect();
        assert!(associated[&ProductId(6)] > associated[&ProductId(100)]);
    }

    #[test]
    fn groups_are_capped() {
        let mut counts = CoCounts::default();
        let big: Vec<ProductId> = (1..=200).map(ProductId).collect();
        counts.add_group(&big);
        assert_eq!(counts.count(ProductId(50)), 1);
        assert_eq!(counts.count(ProductId(51)), 0);
        assert_eq!(counts.associated(ProductId(1)).len(), MAX_GROUP - 1);
    }

    #[test]
    fn trending_halves_every_half_life() {
        let mut trending = Trending::new(100, 1_000);
        trending.add(ProductId(1), 1_000, 4.0);
        trending.add(ProductId(2), 900, 4.0);
        trending.add(ProductId(3), 800, 4.0);
        trending.add(ProductId(4), 5_000, 1.0);
        trending.add(ProductId(5), 1_000, f64::NAN);
        assert!((trending.score(ProductId(1)) - 4.0).abs() < 1e-9);
        assert!((trending.score(ProductId(2)) - 2.0).abs() < 1e-9);
        assert!((trending.score(ProductId(3)) - 1.0).abs() < 1e-9);
        // The future counts as now; a bad weight counts as nothing.
        assert!((trending.score(ProductId(4)) - 1.0).abs() < 1e-9);
        assert_eq!(trending.score(ProductId(5)), 0.0);
    }

    #[test]
    fn restrictions_block_subtrees_and_allowlists_admit_products_or_subtrees() {
        let blocked = Restrictions {
            blocked_categories: vec![2],
            only: None,
        };
        assert!(!blocked.admits(ProductId(1), &[1, 2, 3]));
        assert!(blocked.admits(ProductId(1), &[1, 4]));
        let only = Restrictions {
            blocked_categories: vec![9],
            only: Some(Allowlist {
                products: ids(&[7]),
                categories: vec![4],
            }),
        };
        assert!(only.admits(ProductId(7), &[1, 2]));
        assert!(only.admits(ProductId(8), &[1, 4, 5]));
        assert!(!only.admits(ProductId(8), &[1, 2]));
        assert!(!only.admits(ProductId(7), &[1, 9]), "blocked wins");
    }

    #[test]
    fn price_and_age_similarities_are_bounded() {
        assert_eq!(price_closeness(100, 100), 1.0);
        assert!(price_closeness(100, 1_000) < 1e-9);
        assert_eq!(price_closeness(100, 0), 0.0);
        assert!(price_closeness(100, 200) > price_closeness(100, 400));
        let facts = |min, max| DocFacts {
            age_min: min,
            age_max: max,
            ..DocFacts::default()
        };
        assert_eq!(age_overlap(&facts(0, 10), &facts(0, 10)), 1.0);
        assert_eq!(age_overlap(&facts(0, 10), &facts(11, 20)), 0.0);
        let half = age_overlap(&facts(0, 9), &facts(5, 14));
        assert!((half - 5.0 / 15.0).abs() < 1e-12);
    }

    #[test]
    fn limits_are_validated() {
        let mut request = RecommendRequest::new(RecommendKind::Trending);
        assert!(request.validate().is_ok());
        request.limit = 0;
        assert!(request.validate().is_err());
        request.limit = MAX_RECOMMENDATIONS + 1;
        assert!(request.validate().is_err());
    }
}
