//! Seeding a fresh database with a catalogue (the committed sample by default), screening
//! every product through moderation as a seller's listing would be.

use crate::db::Db;
use crate::db::catalog::{
    BrandRow, CategoryRow, NewImage, NewProduct, NewVariant, ProductTexts, SellerRow,
    time_from_unix,
};
use anyhow::Context;
use moderation::{ListingInput, ModerationStatus};
use std::collections::HashMap;

/// What seeding did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeedReport {
    /// Products written.
    pub products: usize,
    /// Approved by screening (searchable).
    pub approved: usize,
    /// Held for a moderator.
    pub pending: usize,
    /// Rejected by screening.
    pub rejected: usize,
}

/// Seeds the committed sample catalogue.
pub async fn seed_sample(db: &Db) -> anyhow::Result<SeedReport> {
    let catalog = datasets::sample().context("reading the committed sample catalogue")?;
    seed_catalog(db, &catalog).await
}

/// Seeds a catalogue into an empty database.
pub async fn seed_catalog(db: &Db, catalog: &datasets::Catalog) -> anyhow::Result<SeedReport> {
    anyhow::ensure!(
        db.catalog_is_empty().await?,
        "the database already holds a catalogue"
    );
    let (sellers, brands, categories) = taxonomy_rows(catalog);
    db.insert_taxonomy(&sellers, &brands, &categories).await?;

    let slugs: HashMap<u64, &str> = catalog
        .categories
        .iter()
        .map(|category| (category.id, category.slug.as_str()))
        .collect();
    let mut report = SeedReport::default();
    for chunk in catalog.products.chunks(500) {
        let mut products = Vec::with_capacity(chunk.len());
        let mut outcomes = Vec::with_capacity(chunk.len());
        for product in chunk {
            let new_product = new_product_from(product);
            let (status, reasons) = screen_new_product(
                &new_product,
                slugs.get(&product.category_id).copied().unwrap_or_default(),
            )?;
            match status {
                ModerationStatus::Approved => report.approved += 1,
                ModerationStatus::Pending => report.pending += 1,
                ModerationStatus::Rejected => report.rejected += 1,
            }
            products.push(new_product);
            outcomes.push((status, reasons));
        }
        db.insert_products(&products, &outcomes).await?;
        report.products += chunk.len();
    }
    Ok(report)
}

/// Returns the rows of a catalogue's sellers, brands and categories (parents first).
pub fn taxonomy_rows(
    catalog: &datasets::Catalog,
) -> (Vec<SellerRow>, Vec<BrandRow>, Vec<CategoryRow>) {
    let sellers = catalog
        .sellers
        .iter()
        .map(|seller| SellerRow {
            id: seller.id as i64,
            slug: seller.slug.clone(),
            name: seller.name.clone(),
            region: seller.region.clone(),
        })
        .collect();
    let brands = catalog
        .brands
        .iter()
        .map(|brand| BrandRow {
            id: brand.id as i64,
            name: brand.name.clone(),
        })
        .collect();
    (sellers, brands, category_rows(&catalog.categories))
}

/// Screens a new listing; returns its initial status and the reasons as JSON.
pub fn screen_new_product(
    product: &NewProduct,
    category_slug: &str,
) -> anyhow::Result<(ModerationStatus, String)> {
    let texts = [&product.title, &product.description]
        .into_iter()
        .flat_map(|texts| [&texts.uz, &texts.uz_cyrl, &texts.ru, &texts.en])
        .filter_map(|text| text.as_deref())
        .collect();
    let verdict = moderation::screen_listing(&ListingInput {
        texts,
        category_slug,
        age_min_months: u16::try_from(product.age_min_months).unwrap_or(u16::MAX),
        age_max_months: u16::try_from(product.age_max_months).unwrap_or(u16::MAX),
        // The sample is a vetted import screened by the rules; listings from sellers also
        // carry the classifiers' signals (and are held when a model is unavailable).
        classifiers: Vec::new(),
    });
    let reasons = serde_json::to_string(&verdict.reasons).context("serialising reasons")?;
    Ok((verdict.decision.status(), reasons))
}

/// Converts a generated product into a write.
pub fn new_product_from(product: &datasets::Product) -> NewProduct {
    NewProduct {
        id: Some(product.id as i64),
        seller_id: product.seller_id as i64,
        brand_id: Some(product.brand_id as i64),
        category_id: product.category_id as i64,
        title: texts(&product.title),
        description: texts(&product.description),
        age_min_months: i64::from(product.age_min_months),
        age_max_months: i64::from(product.age_max_months),
        variants: product
            .variants
            .iter()
            .map(|variant| NewVariant {
                sku: variant.sku.clone(),
                options: variant.options.clone(),
                price_tiyin: variant.price_tiyin,
                stock: i64::from(variant.stock),
            })
            .collect(),
        images: product
            .images
            .iter()
            .map(|image| NewImage {
                url: image.url.clone(),
                alt: image.alt.clone(),
            })
            .collect(),
        featured: product.featured,
        rating_avg: f64::from(product.rating),
        rating_count: i64::from(product.rating_count),
        sales_count: product.sales_count as i64,
        created_at: time_from_unix(product.created_at),
    }
}

fn texts(text: &datasets::Localized) -> ProductTexts {
    ProductTexts {
        uz: text.uz.clone(),
        uz_cyrl: text.uz_cyrl.clone(),
        ru: text.ru.clone(),
        en: text.en.clone(),
    }
}

/// Orders categories so that every parent precedes its children (foreign keys hold on insert).
pub fn category_rows(categories: &[datasets::Category]) -> Vec<CategoryRow> {
    let mut ordered = Vec::with_capacity(categories.len());
    let mut placed = std::collections::HashSet::new();
    let mut remaining: Vec<&datasets::Category> = categories.iter().collect();
    while !remaining.is_empty() {
        let before = remaining.len();
        remaining.retain(|category| {
            let ready = category
                .parent_id
                .is_none_or(|parent| placed.contains(&parent));
            if ready {
                placed.insert(category.id);
                ordered.push(category_row(category, ordered.len()));
            }
            !ready
        });
        if remaining.len() == before {
            // Dangling parents: insert them anyway and let the foreign key report them.
            for category in remaining.drain(..) {
                ordered.push(category_row(category, ordered.len()));
            }
        }
    }
    ordered
}

fn category_row(category: &datasets::Category, position: usize) -> CategoryRow {
    CategoryRow {
        id: category.id as i64,
        parent_id: category.parent_id.map(|id| id as i64),
        slug: category.slug.clone(),
        name_uz: category.names.uz.clone().unwrap_or_default(),
        name_uz_cyrl: category.names.uz_cyrl.clone().unwrap_or_default(),
        name_ru: category.names.ru.clone().unwrap_or_default(),
        name_en: category.names.en.clone().unwrap_or_default(),
        position: position as i64,
    }
}
