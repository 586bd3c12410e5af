//! Catalogue metadata (categories and brands) and the mapping from stored products to
//! engine documents.

use crate::db::Db;
use crate::db::catalog::{CategoryRow, ProductRecord};
use anyhow::Context;
use engine::{Lang, Localized, ProductDoc, ProductId};
use indexer::{CategoryNode, Taxonomy};
use std::collections::HashMap;

/// Categories and brands, loaded once and shared.
#[derive(Debug, Clone, Default)]
pub struct CatalogMeta {
    /// The validated category tree.
    pub taxonomy: Taxonomy,
    /// Category rows by id.
    pub categories: HashMap<u64, CategoryRow>,
    /// Brand names by id.
    pub brands: HashMap<u64, String>,
}

impl CatalogMeta {
    /// Loads the metadata from the store.
    pub async fn load(db: &Db) -> anyhow::Result<Self> {
        let rows = db.categories().await?;
        let brands = db.brands().await?;
        Self::from_rows(rows, brands.into_iter().map(|brand| (brand.id, brand.name)))
    }

    /// Builds the metadata from rows.
    pub fn from_rows(
        rows: Vec<CategoryRow>,
        brands: impl IntoIterator<Item = (i64, String)>,
    ) -> anyhow::Result<Self> {
        let nodes = rows
            .iter()
            .map(|row| CategoryNode {
                id: row.id as u64,
                parent_id: row.parent_id.map(|id| id as u64),
                slug: row.slug.clone(),
                names: [
                    row.name_uz.clone(),
                    row.name_uz_cyrl.clone(),
                    row.name_ru.clone(),
                    row.name_en.clone(),
                ],
            })
            .collect();
        let taxonomy = Taxonomy::new(nodes).context("invalid category tree")?;
        Ok(Self {
            taxonomy,
            categories: rows.into_iter().map(|row| (row.id as u64, row)).collect(),
            brands: brands
                .into_iter()
                .map(|(id, name)| (id as u64, name))
                .collect(),
        })
    }

    /// Resolves a category given by slug or numeric id.
    pub fn resolve_category(&self, slug_or_id: &str) -> Option<&CategoryRow> {
        match slug_or_id.parse::<u64>() {
            Ok(id) => self.categories.get(&id),
            Err(_) => self
                .taxonomy
                .by_slug(slug_or_id)
                .and_then(|node| self.categories.get(&node.id)),
        }
    }

    /// Returns a reference (id, slug, name in `lang`) to a category.
    pub fn category_ref(&self, id: u64, lang: Lang) -> crate::routes::search::CategoryRef {
        crate::routes::search::CategoryRef {
            id,
            slug: self
                .categories
                .get(&id)
                .map(|row| row.slug.clone())
                .unwrap_or_default(),
            name: self.category_name(id, lang).unwrap_or_default().to_owned(),
        }
    }

    /// Returns a category's name in `lang`.
    pub fn category_name(&self, id: u64, lang: Lang) -> Option<&str> {
        self.categories
            .get(&id)
            .map(|row| category_row_name(row, lang))
    }

    /// Maps a stored product to an engine document (cheapest in-stock variant is the price).
    pub fn doc_from_record(&self, record: &ProductRecord) -> anyhow::Result<ProductDoc> {
        let product = &record.product;
        let (in_stock, price_tiyin) = record.stock_and_price();
        let category_id = product.category_id as u64;
        Ok(ProductDoc {
            id: ProductId(product.id as u64),
            titles: localized(product.titles()),
            descriptions: localized(product.descriptions()),
            brand: product.brand_name.clone().unwrap_or_default(),
            brand_id: product.brand_id.unwrap_or(0) as u64,
            category_id,
            category_path: self.taxonomy.path(category_id),
            category_names: self.taxonomy.names_on_path(category_id),
            seller_id: product.seller_id as u64,
            age_min_months: u16::try_from(product.age_min_months).context("age_min_months")?,
            age_max_months: u16::try_from(product.age_max_months).context("age_max_months")?,
            price_tiyin,
            in_stock,
            rating: product.rating_avg as f32,
            rating_count: u32::try_from(product.rating_count).unwrap_or(u32::MAX),
            popularity: u64::try_from(product.sales_count).unwrap_or(0),
            created_at: product.created_at.timestamp(),
            skus: record
                .variants
                .iter()
                .map(|variant| variant.sku.clone())
                .collect(),
            image_url: record.images.first().map(|image| image.url.clone()),
            status: product.status()?,
            embedding: None,
        })
    }
}

/// Returns a category row's name in `lang`.
pub fn category_row_name(row: &CategoryRow, lang: Lang) -> &str {
    match lang {
        Lang::Uz => &row.name_uz,
        Lang::UzCyrl => &row.name_uz_cyrl,
        Lang::Ru => &row.name_ru,
        Lang::En => &row.name_en,
    }
}

fn localized(texts: crate::db::catalog::ProductTexts) -> Localized {
    Localized {
        uz: texts.uz,
        uz_cyrl: texts.uz_cyrl,
        ru: texts.ru,
        en: texts.en,
    }
}
