//! Index builds straight from a generated catalogue (benchmarks and offline builds).

use crate::{Taxonomy, TaxonomyError, screen};
use engine::{Engine, Localized, ProductDoc, ProductId};
use moderation::ModerationStatus;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Converts the dataset's localised text.
fn localized(text: &datasets::Localized) -> Localized {
    Localized {
        uz: text.uz.clone(),
        uz_cyrl: text.uz_cyrl.clone(),
        ru: text.ru.clone(),
        en: text.en.clone(),
    }
}

/// Returns the taxonomy of a generated catalogue.
pub fn taxonomy_of(categories: &[datasets::Category]) -> Result<Taxonomy, TaxonomyError> {
    Taxonomy::new(
        categories
            .iter()
            .map(|category| crate::CategoryNode {
                id: category.id,
                parent_id: category.parent_id,
                slug: category.slug.clone(),
                names: [
                    category.names.uz.clone().unwrap_or_default(),
                    category.names.uz_cyrl.clone().unwrap_or_default(),
                    category.names.ru.clone().unwrap_or_default(),
                    category.names.en.clone().unwrap_or_default(),
                ],
            })
            .collect(),
    )
}

/// Converts a generated product into an engine document; its status is the screening outcome
/// (as seeding a store would record it).
pub fn doc_from_product(
    product: &datasets::Product,
    brands: &HashMap<u64, String>,
    taxonomy: &Taxonomy,
) -> ProductDoc {
    let in_stock_prices = product
        .variants
        .iter()
        .filter(|variant| variant.stock > 0)
        .map(|variant| variant.price_tiyin);
    let any_prices = product.variants.iter().map(|variant| variant.price_tiyin);
    let price_tiyin = in_stock_prices
        .min()
        .or_else(|| any_prices.min())
        .unwrap_or(0);
    let mut doc = ProductDoc {
        id: ProductId(product.id),
        titles: localized(&product.title),
        descriptions: localized(&product.description),
        brand: brands.get(&product.brand_id).cloned().unwrap_or_default(),
        brand_id: product.brand_id,
        category_id: product.category_id,
        category_path: taxonomy.path(product.category_id),
        category_names: taxonomy.names_on_path(product.category_id),
        seller_id: product.seller_id,
        age_min_months: product.age_min_months,
        age_max_months: product.age_max_months,
        price_tiyin,
        in_stock: product.variants.iter().any(|variant| variant.stock > 0),
        rating: product.rating,
        rating_count: product.rating_count,
        popularity: product.sales_count,
        created_at: product.created_at,
        skus: product
            .variants
            .iter()
            .map(|variant| variant.sku.clone())
            .collect(),
        image_url: product.images.first().map(|image| image.url.clone()),
        status: ModerationStatus::Pending,
        embedding: None,
    };
    doc.status = screen(&doc, taxonomy).decision.status();
    doc
}

/// What an index build did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BuildStats {
    /// Products read from the catalogue.
    pub products: u64,
    /// Documents in the index afterwards (approved by screening).
    pub indexed: u64,
    /// Wall time of the build (conversion, screening, indexing and commit).
    pub elapsed: Duration,
}

impl BuildStats {
    /// Returns products per second.
    pub fn rate(&self) -> f64 {
        self.products as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Builds `engine`'s index from a catalogue's products (replacing what it held).
pub fn build_from_catalog(
    engine: &Engine,
    categories: &[datasets::Category],
    brands: &[datasets::Brand],
    products: impl Iterator<Item = datasets::Product>,
    progress: &dyn Fn(u64),
) -> Result<BuildStats, BuildError> {
    let started = Instant::now();
    let taxonomy = taxonomy_of(categories)?;
    let brands: HashMap<u64, String> = brands
        .iter()
        .map(|brand| (brand.id, brand.name.clone()))
        .collect();
    let read = std::cell::Cell::new(0u64);
    let docs = products.map(|product| {
        read.set(read.get() + 1);
        doc_from_product(&product, &brands, &taxonomy)
    });
    let indexed = engine.rebuild(
        docs.filter(|doc| doc.status == ModerationStatus::Approved),
        0,
        progress,
    )?;
    Ok(BuildStats {
        products: read.get(),
        indexed,
        elapsed: started.elapsed(),
    })
}

/// Errors of an index build.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The catalogue's category tree is invalid.
    #[error(transparent)]
    Taxonomy(#[from] TaxonomyError),
    /// The engine failed.
    #[error(transparent)]
    Engine(#[from] engine::Error),
}

/// Converts a benchmark query into the audience and engine request it stands for.
pub fn request_for(
    query: &datasets::queries::BenchQuery,
    taxonomy: &Taxonomy,
) -> Result<(moderation::Audience, engine::SearchRequest), moderation::Error> {
    let audience = moderation::Audience::new(i64::from(query.age_months))?;
    let request = engine::SearchRequest {
        query: query.q.clone(),
        filters: engine::Filters {
            category_id: query
                .category
                .as_deref()
                .and_then(|slug| taxonomy.by_slug(slug))
                .map(|node| node.id),
            price_min: query.price_min,
            price_max: query.price_max,
            in_stock: query.in_stock,
            ..engine::Filters::default()
        },
        sort: query
            .sort
            .as_deref()
            .and_then(engine::Sort::parse)
            .unwrap_or_default(),
        ..engine::SearchRequest::new(String::new())
    };
    Ok((audience, request))
}
