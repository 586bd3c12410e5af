//! The seeded product stream.
//!
//! Product `id` draws from its own ChaCha8 stream (the seed, then stream number `id`), so a
//! product depends only on the seed, its id and how many unsafe listings came before it. The
//! first `n` products of any run are therefore the products of a run of size `n`, and
//! generating a million products holds one product in memory at a time.

use crate::art::ART_PER_CATEGORY;
use crate::brands::{BRANDS, NO_BRAND, brand_id};
use crate::grammar::{Lang, Langs, Texts, audience, capitalize, ru_numeral_form, ru_years};
use crate::model::{Catalog, Image, Product, UnsafeKind, Variant};
use crate::sellers::SELLERS;
use crate::taxonomy::{Group, Kind, PlacedLeaf, VariantAxis, placed_leaves, taxonomy};
use crate::unsafe_listings::{Listing, listings_of};
use crate::uzbek_script::{verbatim, verbatim_pair};
use crate::vocab::*;
use rand::seq::index::sample;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::{BTreeMap, HashMap};

/// Share of products that are planted unsafe listings.
const UNSAFE_SHARE: f64 = 0.025;
/// Creation times fall in `[2024-01-01, 2026-11-01)` UTC.
const CREATED_FROM: i64 = 1_704_067_200;
const CREATED_UNTIL: i64 = 1_793_491_200;
const PRICE_MIN_SOM: u32 = 8_000;
const PRICE_MAX_SOM: u32 = 3_500_000;
const TIYIN_PER_SOM: i64 = 100;

/// Language forms of a listing and their shares in percent.
const LANGUAGE_MIXES: [(Langs, u32); 9] = [
    (Langs::ALL, 55),
    (Langs::of(true, false, true, false), 12),
    (Langs::of(false, false, true, false), 8),
    (Langs::of(true, false, false, false), 7),
    (Langs::of(false, false, true, true), 5),
    (Langs::of(true, true, false, false), 4),
    (Langs::of(true, false, true, true), 4),
    (Langs::of(false, true, true, false), 3),
    (Langs::of(false, true, false, false), 2),
];

/// Returns a catalogue of `products` products generated from `seed`.
///
/// The same seed and size always give the same catalogue, and a smaller catalogue is a prefix
/// of a larger one with the same seed.
pub fn generate(seed: u64, products: usize) -> Catalog {
    taxonomy().into_catalog(ProductGenerator::new(seed).take(products).collect())
}

/// An endless, deterministic stream of products; take as many as needed.
///
/// ```
/// let first: Vec<_> = datasets::ProductGenerator::new(7).take(3).collect();
/// assert_eq!(first[0].id, 1);
/// ```
#[derive(Debug, Clone)]
pub struct ProductGenerator {
    seed: u64,
    next_id: u64,
    planted: u64,
    index: Index,
}

impl ProductGenerator {
    /// Starts the stream of `seed` at product 1.
    pub fn new(seed: u64) -> ProductGenerator {
        ProductGenerator {
            seed,
            next_id: 1,
            planted: 0,
            index: Index::new(),
        }
    }

    fn ordinary_product(&self, id: u64, rng: &mut ChaCha8Rng) -> Product {
        let (leaf_at, placed) = self.index.pick_leaf(rng);
        let leaf = placed.leaf;
        let kind: &Kind = pick(rng, leaf.kinds);
        let noun = &kind.noun;
        let materials = kind.materials.unwrap_or(leaf.materials);
        let adjectives = kind.adjectives.unwrap_or(leaf.adjectives);
        let benefits = kind.benefits.unwrap_or(leaf.benefits);
        let tiers = kind.tiers.unwrap_or(leaf.tiers);
        let axis = kind.axis.unwrap_or(leaf.axis);

        let material = *pick(rng, materials);
        let adjective = title_adjective(rng, &material, adjectives);
        let theme = (kind.themed && !leaf.themes.is_empty() && rng.random_bool(0.7))
            .then(|| *pick(rng, leaf.themes));
        let brand_id = self.index.pick_brand(leaf_at, rng);
        let brand = BrandNames::of(brand_id);
        let seller_id = self.index.pick_seller(placed.group, rng);
        let brand_in_title = !brand.generic && rng.random_bool(0.35);

        let span = pick_tier_span(rng, tiers, matches!(axis, VariantAxis::Pieces));
        let age_min = span.iter().map(|tier| tier.age_min).min().unwrap_or(0);
        let age_max = span.iter().map(|tier| tier.age_max).max().unwrap_or(216);
        let count = match (span, leaf.unit) {
            ([tier], Some(unit)) if tier.count > 0 => Some((tier.count, unit)),
            _ => None,
        };

        let langs = pick_langs(rng);
        let ascii_apostrophes = langs.uz && rng.random_bool(0.35);
        let lang = langs.primary();

        let title = compose_title(
            adjective.as_ref(),
            noun,
            brand_in_title.then_some(&brand),
            theme.as_ref(),
            count,
        );
        let audience = audience(age_min, age_max);
        let mut sentences = vec![intro(rng, noun, &material, &audience)];
        let extra_sentences = *pick(rng, &[0, 1, 1, 1, 2, 2, 2, 0]);
        let mut extras = ExtraSentences::new(benefits, noun, &brand, placed.group, seller_id);
        for _ in 0..extra_sentences {
            if let Some(sentence) = extras.next(rng) {
                sentences.push(sentence);
            }
        }
        let description = Texts::join(&sentences);

        let price = |rng: &mut ChaCha8Rng, tier: &Tier| {
            let (min, max) = kind.price.unwrap_or((tier.price_min, tier.price_max));
            price_between(rng, min, max)
        };
        let variants = if span.len() > 1 {
            span.iter()
                .map(|tier| {
                    let options = BTreeMap::from([("pieces".to_owned(), tier.count.to_string())]);
                    (options, price(rng, tier))
                })
                .collect()
        } else {
            let base = price(rng, &span[0]);
            variants_along(axis, base, (age_min, age_max), lang, ascii_apostrophes, rng)
        };

        finish(
            id,
            Draft {
                category_id: placed.category_id,
                category_slug: leaf.slug,
                seller_id,
                brand_id,
                title,
                description,
                langs,
                ascii_apostrophes,
                age_min,
                age_max,
                variants,
                unsafe_label: None,
            },
            rng,
        )
    }

    /// Plants the `planted`-th unsafe listing. Kinds take turns, and every fourth round of
    /// turns is written in all four language forms, so that a sample of a few hundred
    /// products already holds every kind in every form.
    fn planted_product(&self, id: u64, planted: u64, rng: &mut ChaCha8Rng) -> Product {
        let kind = UnsafeKind::ALL[(planted % 5) as usize];
        let candidates: Vec<&Listing> = listings_of(kind).collect();
        let listing = *pick(rng, &candidates);
        let placed = self.index.leaf_by_slug(listing.category);
        let brand: &str = pick::<&str>(rng, listing.brands);
        let brand_id = brand_id(brand).unwrap_or(self.index.no_brand_id);
        let brand = BrandNames::of(brand_id);
        let seller_id = self.index.pick_seller(placed.group, rng);

        let langs = if (planted / 5).is_multiple_of(4) {
            Langs::ALL
        } else {
            pick_langs(rng)
        };
        let ascii_apostrophes = langs.uz && rng.random_bool(0.35);
        let lang = langs.primary();
        let (age_min, age_max) = listing.ages;

        let title = Texts {
            uz: listing.title.uz.replace("{brand}", &brand.uz),
            ru: listing.title.ru.replace("{brand}", brand.ru),
            en: listing.title.en.replace("{brand}", brand.en),
        };
        let mut sentences = vec![Texts::from_phrase(&listing.sentences[0])];
        for sentence in &listing.sentences[1..] {
            if rng.random_bool(0.6) {
                sentences.push(Texts::from_phrase(sentence));
            }
        }
        if kind == UnsafeKind::SmallPartsMislabelled {
            let audience = audience(age_min, age_max);
            sentences.push(Texts {
                uz: capitalize(&format!("{} mos keladi.", audience.uz)),
                ru: format!("Подходит {}.", audience.ru_for),
                en: format!("Suitable {}.", audience.en),
            });
        }
        if rng.random_bool(0.3) {
            sentences.push(Texts::from_phrase(pick(rng, EXTRAS)));
        }
        let description = Texts::join(&sentences);

        let base = price_between(rng, listing.price.0, listing.price.1);
        let variants = variants_along(
            listing.axis,
            base,
            listing.ages,
            lang,
            ascii_apostrophes,
            rng,
        );
        finish(
            id,
            Draft {
                category_id: placed.category_id,
                category_slug: placed.leaf.slug,
                seller_id,
                brand_id,
                title,
                description,
                langs,
                ascii_apostrophes,
                age_min,
                age_max,
                variants,
                unsafe_label: Some(kind),
            },
            rng,
        )
    }
}

impl Iterator for ProductGenerator {
    type Item = Product;

    fn next(&mut self) -> Option<Product> {
        let id = self.next_id;
        self.next_id += 1;
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        rng.set_stream(id);
        let product = if rng.random_bool(UNSAFE_SHARE) {
            let planted = self.planted;
            self.planted += 1;
            self.planted_product(id, planted, &mut rng)
        } else {
            self.ordinary_product(id, &mut rng)
        };
        Some(product)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (usize::MAX, None)
    }
}

/// Lookup tables built once per generator.
#[derive(Debug, Clone)]
struct Index {
    leaves: Vec<PlacedLeaf>,
    cumulative_weights: Vec<u32>,
    leaf_by_slug: HashMap<&'static str, usize>,
    /// Brand identifiers per leaf, in `leaves` order.
    brands_by_leaf: Vec<Vec<u64>>,
    sellers_by_group: HashMap<Group, Vec<u64>>,
    no_brand_id: u64,
}

impl Index {
    fn new() -> Index {
        let leaves = placed_leaves();
        let cumulative_weights = leaves
            .iter()
            .scan(0, |total, placed| {
                *total += placed.leaf.weight;
                Some(*total)
            })
            .collect();
        let leaf_by_slug = leaves
            .iter()
            .enumerate()
            .map(|(i, placed)| (placed.leaf.slug, i))
            .collect();
        let mut brands_by_group: HashMap<Group, Vec<u64>> = HashMap::new();
        for (spec, id) in BRANDS.iter().zip(1..) {
            for group in spec.groups {
                brands_by_group.entry(*group).or_default().push(id);
            }
        }
        let brands_by_leaf = leaves
            .iter()
            .map(|placed| {
                if placed.leaf.brands.is_empty() {
                    brands_by_group
                        .get(&placed.group)
                        .cloned()
                        .unwrap_or_default()
                } else {
                    placed
                        .leaf
                        .brands
                        .iter()
                        .filter_map(|name| brand_id(name))
                        .collect()
                }
            })
            .collect();
        let mut sellers_by_group: HashMap<Group, Vec<u64>> = HashMap::new();
        for (spec, id) in SELLERS.iter().zip(1..) {
            for group in spec.groups {
                sellers_by_group.entry(*group).or_default().push(id);
            }
        }
        Index {
            leaves,
            cumulative_weights,
            leaf_by_slug,
            brands_by_leaf,
            sellers_by_group,
            no_brand_id: brand_id(NO_BRAND).unwrap_or(1),
        }
    }

    /// Picks a leaf by weight; returns it with its position.
    fn pick_leaf(&self, rng: &mut ChaCha8Rng) -> (usize, &PlacedLeaf) {
        let total = self.cumulative_weights.last().copied().unwrap_or(1);
        let roll = rng.random_range(0..total);
        let at = self
            .cumulative_weights
            .partition_point(|&weight| weight <= roll);
        (at, &self.leaves[at])
    }

    fn leaf_by_slug(&self, slug: &str) -> &PlacedLeaf {
        debug_assert!(self.leaf_by_slug.contains_key(slug), "unknown leaf {slug}");
        &self.leaves[self.leaf_by_slug.get(slug).copied().unwrap_or(0)]
    }

    fn pick_brand(&self, leaf_at: usize, rng: &mut ChaCha8Rng) -> u64 {
        match self.brands_by_leaf.get(leaf_at) {
            Some(ids) if !ids.is_empty() => *pick(rng, ids),
            _ => self.no_brand_id,
        }
    }

    fn pick_seller(&self, group: Group, rng: &mut ChaCha8Rng) -> u64 {
        self.sellers_by_group
            .get(&group)
            .map_or(1, |ids| *pick(rng, ids))
    }
}

/// A product before SKUs, stock, images and ratings.
struct Draft {
    category_id: u64,
    category_slug: &'static str,
    seller_id: u64,
    brand_id: u64,
    title: Texts,
    description: Texts,
    langs: Langs,
    ascii_apostrophes: bool,
    age_min: u16,
    age_max: u16,
    /// Options and price in so‘m.
    variants: Vec<(BTreeMap<String, String>, u32)>,
    unsafe_label: Option<UnsafeKind>,
}

fn finish(id: u64, draft: Draft, rng: &mut ChaCha8Rng) -> Product {
    let lang = draft.langs.primary();
    let variants = draft
        .variants
        .into_iter()
        .zip(1..)
        .map(|((options, price), n)| Variant {
            sku: format!("BJ-C{:02}-{id:07}-{n}", draft.category_id),
            options,
            price_tiyin: i64::from(price) * TIYIN_PER_SOM,
            stock: if rng.random_bool(0.1) {
                0
            } else {
                1 + (rng.random::<f64>().powi(2) * 199.0) as i32
            },
        })
        .collect();

    let main_title = draft.title.render(lang, draft.ascii_apostrophes);
    let image_count = *pick(rng, &[1, 2, 2, 3, 3, 4, 2, 3, 1, 2]);
    let images = sample(rng, ART_PER_CATEGORY as usize, image_count)
        .into_iter()
        .enumerate()
        .map(|(position, k)| Image {
            url: format!("/media/art/{}/{k}.svg", draft.category_slug),
            alt: alt_text(&main_title, position + 1, lang),
        })
        .collect();

    let (rating, rating_count, sales_count) = if rng.random_bool(0.7) {
        let rating_count = 1 + (rng.random::<f64>().powi(3) * 1500.0) as u32;
        let sales = u64::from(rating_count) * rng.random_range(2..=12) + rng.random_range(0..=40);
        (pick_rating(rng), rating_count, sales)
    } else {
        (0.0, 0, rng.random_range(0..=25))
    };

    debug_assert!(draft.age_min <= draft.age_max && draft.age_max <= 216);
    Product {
        id,
        seller_id: draft.seller_id,
        brand_id: draft.brand_id,
        category_id: draft.category_id,
        title: draft.title.localize(draft.langs, draft.ascii_apostrophes),
        description: draft
            .description
            .localize(draft.langs, draft.ascii_apostrophes),
        age_min_months: draft.age_min,
        age_max_months: draft.age_max,
        variants,
        images,
        featured: rng.random_bool(0.03),
        rating,
        rating_count,
        sales_count,
        created_at: rng.random_range(CREATED_FROM..CREATED_UNTIL),
        unsafe_label: draft.unsafe_label,
    }
}

fn alt_text(title: &str, position: usize, lang: Lang) -> String {
    match (position, lang) {
        (1, _) => title.to_owned(),
        (_, Lang::Uz) => format!("{title}, {position}-rasm"),
        (_, Lang::UzCyrl) => format!("{title}, {position}-расм"),
        (_, Lang::Ru) => format!("{title}, фото {position}"),
        (_, Lang::En) => format!("{title}, photo {position}"),
    }
}

/// A rating skewed towards 4–5 stars, to one decimal.
fn pick_rating(rng: &mut ChaCha8Rng) -> f32 {
    let roll: f64 = rng.random();
    let (low, high) = if roll < 0.6 {
        (4.5, 5.0)
    } else if roll < 0.85 {
        (4.0, 4.5)
    } else if roll < 0.95 {
        (3.0, 4.0)
    } else {
        (1.0, 3.0)
    };
    let rating = rng.random_range(low..=high);
    ((rating * 10.0_f64).round() / 10.0) as f32
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    debug_assert!(!items.is_empty());
    &items[rng.random_range(0..items.len())]
}

fn pick_langs(rng: &mut ChaCha8Rng) -> Langs {
    let mut roll = rng.random_range(0..100);
    for (langs, share) in LANGUAGE_MIXES {
        if roll < share {
            return langs;
        }
        roll -= share;
    }
    Langs::ALL
}

/// Picks the tier of a product, or two or three adjacent tiers sold as variants.
fn pick_tier_span<'a>(rng: &mut ChaCha8Rng, tiers: &'a [Tier], by_pieces: bool) -> &'a [Tier] {
    let len = if by_pieces && tiers.len() > 1 && rng.random_bool(0.4) {
        rng.random_range(2..=3).min(tiers.len())
    } else {
        1
    };
    let start = rng.random_range(0..=tiers.len() - len);
    &tiers[start..start + len]
}

/// Picks a title adjective: the material's own (`Yog‘och`) or one of the leaf's, or none.
fn title_adjective(
    rng: &mut ChaCha8Rng,
    material: &Material,
    adjectives: &[Adjective],
) -> Option<Adjective> {
    if !rng.random_bool(0.6) {
        return None;
    }
    let choices: Vec<Adjective> = material
        .adjective
        .iter()
        .chain(adjectives)
        .copied()
        .collect();
    (!choices.is_empty()).then(|| *pick(rng, &choices))
}

/// Returns a price in so‘m between `min` and `max`, leaning to the cheaper end, rounded the
/// way shops round: to 500 so‘m below 50,000 and to 1,000 above.
fn price_between(rng: &mut ChaCha8Rng, min: u32, max: u32) -> u32 {
    let share = rng.random::<f64>().powf(1.6);
    round_price(f64::from(min) + share * f64::from(max.saturating_sub(min)))
}

fn round_price(som: f64) -> u32 {
    let step = if som >= 50_000.0 { 1_000.0 } else { 500.0 };
    let rounded = ((som / step).round() * step) as u32;
    rounded.clamp(PRICE_MIN_SOM, PRICE_MAX_SOM)
}

fn scaled(base: u32, factor: f64) -> u32 {
    round_price(f64::from(base) * factor)
}

/// Adds or keeps a few per cent on a variant's price.
fn jitter(rng: &mut ChaCha8Rng, base: u32) -> u32 {
    if rng.random_bool(0.7) {
        base
    } else {
        scaled(base, rng.random_range(0.92..1.12))
    }
}

fn compose_title(
    adjective: Option<&Adjective>,
    noun: &Noun,
    brand: Option<&BrandNames>,
    theme: Option<&Phrase>,
    count: Option<(u32, Unit)>,
) -> Texts {
    let mut uz = String::new();
    let mut ru = String::new();
    let mut en = String::new();
    if let Some(adjective) = adjective {
        uz.push_str(adjective.uz);
        uz.push(' ');
        ru.push_str(noun.gender.pick(adjective.ru));
        ru.push(' ');
    }
    uz.push_str(noun.uz);
    ru.push_str(noun.ru);
    if let Some(brand) = brand {
        uz.push(' ');
        uz.push_str(&brand.uz);
        ru.push(' ');
        ru.push_str(brand.ru);
        en.push_str(brand.en);
        en.push(' ');
    }
    if let Some(adjective) = adjective {
        en.push_str(adjective.en);
        en.push(' ');
    }
    en.push_str(noun.en);
    if let Some(theme) = theme {
        uz.push_str(&format!(" «{}»", theme.uz));
        ru.push_str(&format!(" «{}»", theme.ru));
        en.push_str(&format!(" “{}”", theme.en));
    }
    if let Some((n, unit)) = count {
        uz.push_str(&format!(", {n} {}", unit.uz));
        ru.push_str(&format!(", {n} {}", ru_numeral_form(n, unit.ru)));
        en.push_str(&format!(
            ", {n} {}",
            if n == 1 { unit.en[0] } else { unit.en[1] }
        ));
    }
    Texts {
        uz: capitalize(&uz),
        ru: capitalize(&ru),
        en: capitalize(&en),
    }
}

/// The opening sentence: what the product is made of and whom it suits.
fn intro(
    rng: &mut ChaCha8Rng,
    noun: &Noun,
    material: &Material,
    audience: &crate::grammar::Audience,
) -> Texts {
    let gender = noun.gender;
    let plural = noun.en_is_plural();
    let (this, is) = if plural {
        ("these", "are")
    } else {
        ("this", "is")
    };
    match rng.random_range(0..3) {
        0 => Texts {
            uz: capitalize(&format!(
                "{} tayyorlangan {} {} mo‘ljallangan.",
                material.uz_from, noun.uz, audience.uz
            )),
            ru: capitalize(&format!(
                "{} из {} {} {}.",
                noun.ru,
                material.ru_of,
                gender.pick([
                    "предназначен",
                    "предназначена",
                    "предназначено",
                    "предназначены"
                ]),
                audience.ru_for
            )),
            en: format!(
                "Made of {}, {this} {} {is} designed {}.",
                material.en, noun.en, audience.en
            ),
        },
        1 => Texts {
            uz: capitalize(&format!(
                "{} {} tayyorlangan va {} mos keladi.",
                noun.uz, material.uz_from, audience.uz
            )),
            ru: capitalize(&format!(
                "{} {} из {} и {} {}.",
                noun.ru,
                gender.pick(["сделан", "сделана", "сделано", "сделаны"]),
                material.ru_of,
                gender.pick(["подойдёт", "подойдёт", "подойдёт", "подойдут"]),
                audience.ru_to
            )),
            en: format!(
                "The {} {is} made of {} and {is} suitable {}.",
                noun.en, material.en, audience.en
            ),
        },
        _ => Texts {
            uz: format!("Bu {} {} ajoyib tanlov.", noun.uz, audience.uz),
            ru: format!(
                "{} {} — отличный выбор {}.",
                gender.pick(["Этот", "Эта", "Это", "Эти"]),
                noun.ru,
                audience.ru_for
            ),
            en: capitalize(&format!(
                "{this} {} {is} a great choice {}.",
                noun.en, audience.en
            )),
        },
    }
}

/// The sentences a description may add after its opening, each used at most once.
struct ExtraSentences<'a> {
    candidates: Vec<Extra>,
    noun: &'a Noun,
    brand: &'a BrandNames,
}

#[derive(Clone, Copy, PartialEq)]
enum Extra {
    Fixed(&'static Phrase),
    /// `LEGO konstruktorlari ota-onalar orasida juda mashhur.`
    PopularBrand,
    /// `Bunday konstruktorlar bolalarga juda yoqadi.`
    KidsLoveThem,
}

impl<'a> ExtraSentences<'a> {
    fn new(
        benefits: &'static [Phrase],
        noun: &'a Noun,
        brand: &'a BrandNames,
        group: Group,
        seller_id: u64,
    ) -> ExtraSentences<'a> {
        // Benefits count double: they are what most sellers write.
        let mut candidates: Vec<Extra> =
            benefits.iter().chain(benefits).map(Extra::Fixed).collect();
        if !brand.generic {
            candidates.push(Extra::PopularBrand);
        }
        let playful = matches!(
            group,
            Group::Toys
                | Group::Games
                | Group::Arts
                | Group::Learning
                | Group::Party
                | Group::Sport
        );
        if playful {
            candidates.push(Extra::KidsLoveThem);
        }
        candidates.extend(EXTRAS.iter().map(Extra::Fixed));
        let in_tashkent = SELLERS
            .get((seller_id as usize).saturating_sub(1))
            .is_some_and(|seller| seller.region == "Toshkent");
        if in_tashkent {
            candidates.push(Extra::Fixed(&TASHKENT_DELIVERY));
        }
        ExtraSentences {
            candidates,
            noun,
            brand,
        }
    }

    fn next(&mut self, rng: &mut ChaCha8Rng) -> Option<Texts> {
        if self.candidates.is_empty() {
            return None;
        }
        let chosen = self
            .candidates
            .swap_remove(rng.random_range(0..self.candidates.len()));
        self.candidates.retain(|other| *other != chosen);
        let (noun, brand) = (self.noun, self.brand);
        Some(match chosen {
            Extra::Fixed(phrase) => Texts::from_phrase(phrase),
            Extra::PopularBrand => Texts {
                uz: format!(
                    "{} {} ota-onalar orasida juda mashhur.",
                    brand.uz,
                    noun.uz_plural_possessive()
                ),
                ru: format!(
                    "{} {} очень популярны у родителей.",
                    capitalize(noun.ru_plural),
                    brand.ru
                ),
                en: format!(
                    "{} {} are very popular with parents.",
                    brand.en, noun.en_plural
                ),
            },
            Extra::KidsLoveThem => Texts {
                uz: format!("Bunday {} bolalarga juda yoqadi.", noun.uz_plural),
                ru: format!("Такие {} очень нравятся детям.", noun.ru_plural),
                en: format!("Kids love {} like these.", noun.en_plural),
            },
        })
    }
}

/// Builds the variants of a product along `axis`, with option values in its first language.
fn variants_along(
    axis: VariantAxis,
    base: u32,
    ages: (u16, u16),
    lang: Lang,
    ascii: bool,
    rng: &mut ChaCha8Rng,
) -> Vec<(BTreeMap<String, String>, u32)> {
    let say = |phrase: &Phrase| Texts::from_phrase(phrase).render(lang, ascii);
    let single = || vec![(BTreeMap::new(), base)];
    let option = |key: &str, value: String| BTreeMap::from([(key.to_owned(), value)]);
    match axis {
        VariantAxis::Single | VariantAxis::Pieces => single(),
        VariantAxis::Colour => {
            let n = *pick(rng, &[1, 1, 1, 2, 2, 2, 3, 3, 4, 4]);
            if n == 1 {
                return single();
            }
            sample(rng, COLOURS.len(), n)
                .into_iter()
                .map(|i| (option("color", say(&COLOURS[i])), jitter(rng, base)))
                .collect()
        }
        VariantAxis::ClothingSize { sizes, colours } => {
            let run = rng.random_range(2..=sizes.len().min(6));
            let start = rng.random_range(0..=sizes.len() - run);
            let two_colours = !colours.is_empty() && run <= 3 && rng.random_bool(0.4);
            let colour_picks: Vec<Option<&Phrase>> = if two_colours {
                sample(rng, colours.len(), 2)
                    .into_iter()
                    .map(|i| Some(&colours[i]))
                    .collect()
            } else {
                vec![None]
            };
            let mut variants = Vec::new();
            for colour in colour_picks {
                for (step, size) in sizes[start..start + run].iter().enumerate() {
                    let mut options = option("size", size.to_string());
                    if let Some(colour) = colour {
                        options.insert("color".to_owned(), say(colour));
                    }
                    variants.push((options, scaled(base, 1.0 + 0.03 * step as f64)));
                }
            }
            variants
        }
        VariantAxis::ShoeSize { from, to } => {
            let sizes: Vec<u16> = (from..=to).collect();
            let run = rng.random_range(2..=sizes.len().min(6));
            let start = rng.random_range(0..=sizes.len() - run);
            sizes[start..start + run]
                .iter()
                .map(|size| (option("size", size.to_string()), base))
                .collect()
        }
        VariantAxis::Volume(volumes) => {
            let run = rng.random_range(1..=volumes.len().min(3));
            if run == 1 {
                return single();
            }
            let start = rng.random_range(0..=volumes.len() - run);
            let unit = if matches!(lang, Lang::Ru | Lang::UzCyrl) {
                "мл"
            } else {
                "ml"
            };
            volumes[start..start + run]
                .iter()
                .enumerate()
                .map(|(step, ml)| {
                    (
                        option("volume", format!("{ml} {unit}")),
                        scaled(base, 1.0 + 0.15 * step as f64),
                    )
                })
                .collect()
        }
        VariantAxis::Edition { covers } => {
            let languages = *pick(rng, &[1, 1, 1, 1, 2, 2, 2, 3]);
            let cover_count = if covers && rng.random_bool(0.4) { 2 } else { 1 };
            if languages * cover_count == 1 {
                return single();
            }
            let mut chosen: Vec<usize> = sample(rng, EDITION_LANGUAGES.len(), languages).into_vec();
            chosen.sort_unstable();
            let mut variants = Vec::new();
            for language in chosen {
                for (cover_index, cover) in COVERS.iter().take(cover_count).enumerate() {
                    let mut options = BTreeMap::new();
                    if languages > 1 {
                        options.insert("language".to_owned(), say(&EDITION_LANGUAGES[language]));
                    }
                    if cover_count > 1 {
                        options.insert("cover".to_owned(), say(cover));
                    }
                    let english = if language == 2 { 1.1 } else { 1.0 };
                    let hardcover = if cover_count > 1 && cover_index == 0 {
                        1.2
                    } else {
                        1.0
                    };
                    variants.push((options, scaled(base, english * hardcover)));
                }
            }
            variants
        }
        VariantAxis::AgeOption => {
            let first = u32::from(ages.0).div_ceil(12).max(1);
            let last = u32::from(ages.1) / 12;
            let bands: Vec<u32> = (first..last).collect();
            if bands.len() < 2 {
                return single();
            }
            let run = rng.random_range(2..=bands.len().min(3));
            let start = rng.random_range(0..=bands.len() - run);
            bands[start..start + run]
                .iter()
                .map(|&from| {
                    let to = from + 1;
                    let value = match lang {
                        Lang::Uz => format!("{from}–{to} yosh"),
                        Lang::UzCyrl => format!("{from}–{to} ёш"),
                        Lang::Ru => format!("{from}–{to} {}", ru_years(to)),
                        Lang::En => format!("{from}–{to} years"),
                    };
                    (option("age", value), base)
                })
                .collect()
        }
        VariantAxis::DiaperSize => {
            let run = rng.random_range(2..=4);
            let start = rng.random_range(0..=DIAPER_SIZES.len() - run);
            let kg = if matches!(lang, Lang::Ru | Lang::UzCyrl) {
                "кг"
            } else {
                "kg"
            };
            DIAPER_SIZES[start..start + run]
                .iter()
                .map(|(label, weight)| {
                    (
                        option("size", format!("{label} ({weight} {kg})")),
                        jitter(rng, base),
                    )
                })
                .collect()
        }
        VariantAxis::WheelSize(inches) => {
            let run = rng.random_range(1..=inches.len().min(3));
            if run == 1 {
                return single();
            }
            let start = rng.random_range(0..=inches.len() - run);
            inches[start..start + run]
                .iter()
                .enumerate()
                .map(|(step, &inch)| {
                    let inch = u32::from(inch);
                    let value = match lang {
                        Lang::Uz => format!("{inch} dyuym"),
                        Lang::UzCyrl => format!("{inch} дюйм"),
                        Lang::Ru => format!(
                            "{inch} {}",
                            ru_numeral_form(inch, ["дюйм", "дюйма", "дюймов"])
                        ),
                        Lang::En => format!("{inch}-inch"),
                    };
                    (
                        option("wheel", value),
                        scaled(base, 1.0 + 0.12 * step as f64),
                    )
                })
                .collect()
        }
        VariantAxis::Ruling => {
            if rng.random_bool(0.5) {
                return single();
            }
            RULINGS
                .iter()
                .map(|ruling| (option("ruling", say(ruling)), base))
                .collect()
        }
        VariantAxis::Flavour => {
            let n = rng.random_range(2..=5);
            sample(rng, FLAVOURS.len(), n)
                .into_iter()
                .map(|i| (option("flavor", say(&FLAVOURS[i])), base))
                .collect()
        }
        VariantAxis::AdultSize => {
            let run = rng.random_range(2..=ADULT_SIZES.len());
            let start = rng.random_range(0..=ADULT_SIZES.len() - run);
            ADULT_SIZES[start..start + run]
                .iter()
                .map(|size| (option("size", (*size).to_owned()), base))
                .collect()
        }
    }
}

/// A brand as each language writes it; Uzbek with verbatim markers.
struct BrandNames {
    uz: String,
    ru: &'static str,
    en: &'static str,
    /// The no-name brand, never named in texts.
    generic: bool,
}

impl BrandNames {
    fn of(id: u64) -> BrandNames {
        let spec = BRANDS.get((id as usize).saturating_sub(1));
        let name = spec.map_or(NO_BRAND, |spec| spec.name);
        match spec.and_then(|spec| spec.forms) {
            Some([uz, uz_cyrl, ru, en]) => BrandNames {
                uz: verbatim_pair(uz, uz_cyrl),
                ru,
                en,
                generic: false,
            },
            None => BrandNames {
                uz: verbatim(name),
                ru: name,
                en: name,
                generic: name == NO_BRAND,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn same_seed_same_products_and_prefixes_agree() {
        let long: Vec<Product> = ProductGenerator::new(42).take(600).collect();
        let short: Vec<Product> = ProductGenerator::new(42).take(250).collect();
        assert_eq!(long[..250], short[..]);
        assert_eq!(generate(42, 250), generate(42, 250));
        let other: Vec<Product> = ProductGenerator::new(43).take(250).collect();
        assert_ne!(short, other);
    }

    #[test]
    fn products_are_well_formed() {
        let taxonomy = taxonomy();
        let leaves: HashSet<u64> = placed_leaves()
            .iter()
            .map(|placed| placed.category_id)
            .collect();
        let mut skus = HashSet::new();
        for product in ProductGenerator::new(9).take(5_000) {
            assert!(leaves.contains(&product.category_id));
            assert!(product.brand_id >= 1 && product.brand_id <= taxonomy.brands.len() as u64);
            assert!(product.seller_id >= 1 && product.seller_id <= taxonomy.sellers.len() as u64);
            assert!(
                product.age_min_months <= product.age_max_months && product.age_max_months <= 216
            );
            assert!(
                (1..=6).contains(&product.variants.len()),
                "{} variants",
                product.variants.len()
            );
            assert!((1..=4).contains(&product.images.len()));
            assert_eq!(forms(&product.title), forms(&product.description));
            assert!(!forms(&product.title).is_empty());
            for variant in &product.variants {
                assert!(
                    skus.insert(variant.sku.clone()),
                    "duplicate sku {}",
                    variant.sku
                );
                assert!((800_000..=350_000_000).contains(&variant.price_tiyin));
                assert_eq!(
                    variant.price_tiyin % 50_000,
                    0,
                    "{} not rounded",
                    variant.price_tiyin
                );
                assert!((0..=200).contains(&variant.stock));
            }
            let urls: HashSet<&str> = product
                .images
                .iter()
                .map(|image| image.url.as_str())
                .collect();
            assert_eq!(urls.len(), product.images.len());
            assert!(product.rating == 0.0 || (1.0..=5.0).contains(&product.rating));
            assert_eq!(product.rating == 0.0, product.rating_count == 0);
            assert!((CREATED_FROM..CREATED_UNTIL).contains(&product.created_at));
            if product.unsafe_label == Some(UnsafeKind::SmallPartsMislabelled) {
                assert!(product.age_min_months < 36);
            }
        }
    }

    #[test]
    fn never_leaks_verbatim_markers() {
        for product in ProductGenerator::new(11).take(2_000) {
            let texts = [&product.title, &product.description];
            for text in texts {
                for form in [&text.uz, &text.uz_cyrl, &text.ru, &text.en]
                    .into_iter()
                    .flatten()
                {
                    assert!(!form.contains(['⟦', '⟧', '{', '}']), "{form}");
                }
            }
        }
    }

    #[test]
    fn rounds_prices_like_shops() {
        assert_eq!(round_price(12_340.0), 12_500);
        assert_eq!(round_price(123_456.0), 123_000);
        assert_eq!(round_price(1_000.0), PRICE_MIN_SOM);
        assert_eq!(round_price(9_000_000.0), PRICE_MAX_SOM);
    }

    fn forms(text: &crate::Localized) -> Vec<&'static str> {
        let mut forms = Vec::new();
        if text.uz.is_some() {
            forms.push("uz");
        }
        if text.uz_cyrl.is_some() {
            forms.push("uz_cyrl");
        }
        if text.ru.is_some() {
            forms.push("ru");
        }
        if text.en.is_some() {
            forms.push("en");
        }
        forms
    }
}
