//! The catalogue repository: sellers, brands, categories, products, and the change outbox.
//!
//! Every product write records a row in `catalog_changes` in the same transaction, so the
//! indexer can never miss or invent a change.

use super::{Db, DbError, DbResult, dispatch};
use chrono::{DateTime, TimeZone, Utc};
use moderation::ModerationStatus;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A category row.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct CategoryRow {
    /// Identifier.
    pub id: i64,
    /// Parent, `None` for a root.
    pub parent_id: Option<i64>,
    /// URL slug.
    pub slug: String,
    /// Uzbek (Latin) name.
    pub name_uz: String,
    /// Uzbek (Cyrillic) name.
    pub name_uz_cyrl: String,
    /// Russian name.
    pub name_ru: String,
    /// English name.
    pub name_en: String,
    /// Order among siblings.
    pub position: i64,
}

/// A brand row.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct BrandRow {
    /// Identifier.
    pub id: i64,
    /// Name.
    pub name: String,
}

/// A seller row.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct SellerRow {
    /// Identifier.
    pub id: i64,
    /// URL slug.
    pub slug: String,
    /// Shop name.
    pub name: String,
    /// Region of Uzbekistan.
    pub region: String,
}

/// Texts of a product in its language forms.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductTexts {
    /// Uzbek (Latin).
    pub uz: Option<String>,
    /// Uzbek (Cyrillic).
    pub uz_cyrl: Option<String>,
    /// Russian.
    pub ru: Option<String>,
    /// English.
    pub en: Option<String>,
}

/// A variant to write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewVariant {
    /// Unique SKU.
    pub sku: String,
    /// Option values.
    pub options: BTreeMap<String, String>,
    /// Price in tiyin.
    pub price_tiyin: i64,
    /// Units in stock.
    pub stock: i64,
}

/// An image to write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewImage {
    /// URL.
    pub url: String,
    /// Alternative text.
    pub alt: String,
}

/// A product to write (create or replace).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewProduct {
    /// Explicit id (seeding), or `None` to let the database choose.
    pub id: Option<i64>,
    /// Seller.
    pub seller_id: i64,
    /// Brand.
    pub brand_id: Option<i64>,
    /// Leaf category.
    pub category_id: i64,
    /// Titles.
    pub title: ProductTexts,
    /// Descriptions.
    pub description: ProductTexts,
    /// Youngest age in months.
    pub age_min_months: i64,
    /// Oldest age in months.
    pub age_max_months: i64,
    /// Variants (at least one).
    pub variants: Vec<NewVariant>,
    /// Images.
    pub images: Vec<NewImage>,
    /// Featured on the home page.
    pub featured: bool,
    /// Average rating.
    pub rating_avg: f64,
    /// Number of ratings.
    pub rating_count: i64,
    /// Units sold.
    pub sales_count: i64,
    /// Creation time.
    pub created_at: DateTime<Utc>,
}

/// A product row as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ProductRow {
    /// Identifier.
    pub id: i64,
    /// Seller.
    pub seller_id: i64,
    /// Brand.
    pub brand_id: Option<i64>,
    /// Brand name (joined).
    pub brand_name: Option<String>,
    /// Leaf category.
    pub category_id: i64,
    /// Title, Uzbek (Latin).
    pub title_uz: Option<String>,
    /// Title, Uzbek (Cyrillic).
    pub title_uz_cyrl: Option<String>,
    /// Title, Russian.
    pub title_ru: Option<String>,
    /// Title, English.
    pub title_en: Option<String>,
    /// Description, Uzbek (Latin).
    pub description_uz: Option<String>,
    /// Description, Uzbek (Cyrillic).
    pub description_uz_cyrl: Option<String>,
    /// Description, Russian.
    pub description_ru: Option<String>,
    /// Description, English.
    pub description_en: Option<String>,
    /// Youngest age.
    pub age_min_months: i64,
    /// Oldest age.
    pub age_max_months: i64,
    /// Moderation status name.
    pub status: String,
    /// Moderation reasons as JSON.
    pub moderation_reasons: String,
    /// Featured flag.
    pub featured: bool,
    /// Average rating.
    pub rating_avg: f64,
    /// Number of ratings.
    pub rating_count: i64,
    /// Units sold.
    pub sales_count: i64,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl ProductRow {
    /// Returns the parsed moderation status.
    pub fn status(&self) -> DbResult<ModerationStatus> {
        ModerationStatus::parse(&self.status).ok_or_else(|| {
            DbError::Corrupt(format!("product {} has status {:?}", self.id, self.status))
        })
    }

    /// Returns the titles.
    pub fn titles(&self) -> ProductTexts {
        ProductTexts {
            uz: self.title_uz.clone(),
            uz_cyrl: self.title_uz_cyrl.clone(),
            ru: self.title_ru.clone(),
            en: self.title_en.clone(),
        }
    }

    /// Returns the descriptions.
    pub fn descriptions(&self) -> ProductTexts {
        ProductTexts {
            uz: self.description_uz.clone(),
            uz_cyrl: self.description_uz_cyrl.clone(),
            ru: self.description_ru.clone(),
            en: self.description_en.clone(),
        }
    }
}

/// A variant row.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct VariantRow {
    /// Identifier.
    pub id: i64,
    /// Product.
    pub product_id: i64,
    /// SKU.
    pub sku: String,
    /// Options as JSON object text.
    pub options: String,
    /// Price in tiyin.
    pub price_tiyin: i64,
    /// Units in stock.
    pub stock: i64,
}

/// An image row.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ImageRow {
    /// Product.
    pub product_id: i64,
    /// Position in the gallery.
    pub position: i64,
    /// URL.
    pub url: String,
    /// Alternative text.
    pub alt: String,
}

/// One row of the change outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutboxEntry {
    /// Monotonic sequence.
    pub seq: u64,
    /// The changed product.
    pub product_id: i64,
    /// Whether the product was deleted (else created or changed).
    pub deleted: bool,
}

#[derive(sqlx::FromRow)]
struct OutboxRow {
    seq: i64,
    product_id: i64,
    op: String,
}

/// A product with everything needed to show or index it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProductRecord {
    /// The product row.
    pub product: ProductRow,
    /// Variants in gallery order.
    pub variants: Vec<VariantRow>,
    /// Images in gallery order.
    pub images: Vec<ImageRow>,
}

impl ProductRecord {
    /// Returns whether any variant is in stock, and the price to show: the cheapest in-stock
    /// variant, or the cheapest variant when none is in stock.
    pub fn stock_and_price(&self) -> (bool, i64) {
        let in_stock = self.variants.iter().any(|variant| variant.stock > 0);
        let price = self
            .variants
            .iter()
            .filter(|variant| variant.stock > 0 || !in_stock)
            .map(|variant| variant.price_tiyin)
            .min()
            .unwrap_or(0);
        (in_stock, price)
    }
}

/// Converts a Unix timestamp (seconds) into a UTC time, clamping invalid values to the epoch.
pub fn time_from_unix(seconds: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(seconds, 0).single().unwrap_or_default()
}

/// Runs one product write (`$write`, evaluating to the rows it affected) in a transaction that
/// also records the change in the outbox when a row was affected; evaluates to whether one was.
macro_rules! product_write {
    ($db:expr, $id:expr, $op:literal, |$tx:ident| $write:expr) => {
        dispatch!($db, |pool, dialect| {
            let mut $tx = pool.begin().await?;
            if let Some(lock) = dialect.catalog_write_lock {
                sqlx::query(lock).execute(&mut *$tx).await?;
            }
            let affected: u64 = $write;
            if affected > 0 {
                sqlx::query(concat!(
                    "INSERT INTO catalog_changes (product_id, op) VALUES ($1, '",
                    $op,
                    "')"
                ))
                .bind($id)
                .execute(&mut *$tx)
                .await?;
            }
            $tx.commit().await?;
            affected > 0
        })
    };
}

pub(crate) const INSERT_PRODUCT: &str = "INSERT INTO products (seller_id, brand_id, category_id, \
       title_uz, title_uz_cyrl, title_ru, title_en, \
       description_uz, description_uz_cyrl, description_ru, description_en, \
       age_min_months, age_max_months, status, moderation_reasons, featured, \
       rating_avg, rating_count, sales_count, created_at, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, \
       $20, $21) RETURNING id";

const INSERT_PRODUCT_WITH_ID: &str = "INSERT INTO products (id, seller_id, brand_id, category_id, \
       title_uz, title_uz_cyrl, title_ru, title_en, \
       description_uz, description_uz_cyrl, description_ru, description_en, \
       age_min_months, age_max_months, status, moderation_reasons, featured, \
       rating_avg, rating_count, sales_count, created_at, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, \
       $20, $21, $22) RETURNING id";

const PRODUCT_COLUMNS: &str = "p.id, p.seller_id, p.brand_id, b.name AS brand_name, p.category_id, \
     p.title_uz, p.title_uz_cyrl, p.title_ru, p.title_en, \
     p.description_uz, p.description_uz_cyrl, p.description_ru, p.description_en, \
     p.age_min_months, p.age_max_months, p.status, p.moderation_reasons, p.featured, \
     p.rating_avg, p.rating_count, p.sales_count, p.created_at, p.updated_at";

impl Db {
    /// Returns whether the catalogue has no categories yet (a fresh database).
    pub async fn catalog_is_empty(&self) -> DbResult<bool> {
        let count: i64 = dispatch!(self, |pool, _d| {
            sqlx::query_scalar("SELECT COUNT(*) FROM categories")
                .fetch_one(pool)
                .await?
        });
        Ok(count == 0)
    }

    /// Inserts sellers, brands and categories (parents before children) in one transaction.
    pub async fn insert_taxonomy(
        &self,
        sellers: &[SellerRow],
        brands: &[BrandRow],
        categories: &[CategoryRow],
    ) -> DbResult<()> {
        dispatch!(self, |pool, _d| {
            let mut tx = pool.begin().await?;
            for seller in sellers {
                sqlx::query("INSERT INTO sellers (id, slug, name, region) VALUES ($1, $2, $3, $4)")
                    .bind(seller.id)
                    .bind(&seller.slug)
                    .bind(&seller.name)
                    .bind(&seller.region)
                    .execute(&mut *tx)
                    .await?;
            }
            for brand in brands {
                sqlx::query("INSERT INTO brands (id, name) VALUES ($1, $2)")
                    .bind(brand.id)
                    .bind(&brand.name)
                    .execute(&mut *tx)
                    .await?;
            }
            for category in categories {
                sqlx::query(
                    "INSERT INTO categories (id, parent_id, slug, name_uz, name_uz_cyrl, name_ru, name_en, position) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(category.id)
                .bind(category.parent_id)
                .bind(&category.slug)
                .bind(&category.name_uz)
                .bind(&category.name_uz_cyrl)
                .bind(&category.name_ru)
                .bind(&category.name_en)
                .bind(category.position)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        });
        self.sync_identity_sequences().await
    }

    /// Moves PostgreSQL identity sequences past explicitly inserted ids (no-op on SQLite).
    pub async fn sync_identity_sequences(&self) -> DbResult<()> {
        if let Db::Postgres(pool) = self {
            for table in ["sellers", "brands", "categories", "products"] {
                let sql = format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                     GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), 1))"
                );
                sqlx::query(&sql).execute(pool).await?;
            }
        }
        Ok(())
    }

    /// Returns every category, ordered by parent then position.
    pub async fn categories(&self) -> DbResult<Vec<CategoryRow>> {
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_as::<_, CategoryRow>(
                "SELECT id, parent_id, slug, name_uz, name_uz_cyrl, name_ru, name_en, position \
                 FROM categories ORDER BY COALESCE(parent_id, 0), position, id",
            )
            .fetch_all(pool)
            .await?
        }))
    }

    /// Returns every brand.
    pub async fn brands(&self) -> DbResult<Vec<BrandRow>> {
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_as::<_, BrandRow>("SELECT id, name FROM brands ORDER BY id")
                .fetch_all(pool)
                .await?
        }))
    }

    /// Returns every seller.
    pub async fn sellers(&self) -> DbResult<Vec<SellerRow>> {
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_as::<_, SellerRow>("SELECT id, slug, name, region FROM sellers ORDER BY id")
                .fetch_all(pool)
                .await?
        }))
    }

    /// Creates a product with its variants and images, with the given moderation outcome.
    pub async fn insert_product(
        &self,
        product: &NewProduct,
        status: ModerationStatus,
        reasons_json: &str,
    ) -> DbResult<i64> {
        self.insert_products(
            std::slice::from_ref(product),
            &[(status, reasons_json.to_owned())],
        )
        .await?
        .pop()
        .ok_or_else(|| DbError::Corrupt("insert returned no id".to_owned()))
    }

    /// Creates many products in one transaction (seeding); `outcomes[i]` belongs to `products[i]`.
    pub async fn insert_products(
        &self,
        products: &[NewProduct],
        outcomes: &[(ModerationStatus, String)],
    ) -> DbResult<Vec<i64>> {
        if products.len() != outcomes.len() {
            return Err(DbError::Corrupt(
                "products and outcomes differ in length".to_owned(),
            ));
        }
        let ids = dispatch!(self, |pool, dialect| {
            let mut tx = pool.begin().await?;
            if let Some(lock) = dialect.catalog_write_lock {
                sqlx::query(lock).execute(&mut *tx).await?;
            }
            let mut ids = Vec::with_capacity(products.len());
            for (product, (status, reasons)) in products.iter().zip(outcomes) {
                let now = Utc::now();
                let mut insert = match product.id {
                    Some(id) => sqlx::query_scalar(INSERT_PRODUCT_WITH_ID).bind(id),
                    None => sqlx::query_scalar(INSERT_PRODUCT),
                };
                insert = insert
                    .bind(product.seller_id)
                    .bind(product.brand_id)
                    .bind(product.category_id)
                    .bind(&product.title.uz)
                    .bind(&product.title.uz_cyrl)
                    .bind(&product.title.ru)
                    .bind(&product.title.en)
                    .bind(&product.description.uz)
                    .bind(&product.description.uz_cyrl)
                    .bind(&product.description.ru)
                    .bind(&product.description.en)
                    .bind(product.age_min_months)
                    .bind(product.age_max_months)
                    .bind(status.as_str())
                    .bind(reasons)
                    .bind(product.featured)
                    .bind(product.rating_avg)
                    .bind(product.rating_count)
                    .bind(product.sales_count)
                    .bind(product.created_at)
                    .bind(now);
                let id: i64 = insert.fetch_one(&mut *tx).await?;
                for (position, variant) in product.variants.iter().enumerate() {
                    let options = serde_json::to_string(&variant.options)
                        .map_err(|error| DbError::Corrupt(error.to_string()))?;
                    sqlx::query(
                        "INSERT INTO product_variants (product_id, sku, options, price_tiyin, stock, position) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(id)
                    .bind(&variant.sku)
                    .bind(options)
                    .bind(variant.price_tiyin)
                    .bind(variant.stock)
                    .bind(position as i64)
                    .execute(&mut *tx)
                    .await?;
                }
                for (position, image) in product.images.iter().enumerate() {
                    sqlx::query(
                        "INSERT INTO product_images (product_id, position, url, alt) VALUES ($1, $2, $3, $4)",
                    )
                    .bind(id)
                    .bind(position as i64)
                    .bind(&image.url)
                    .bind(&image.alt)
                    .execute(&mut *tx)
                    .await?;
                }
                sqlx::query("INSERT INTO catalog_changes (product_id, op) VALUES ($1, 'upsert')")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                ids.push(id);
            }
            tx.commit().await?;
            ids
        });
        if products.iter().any(|product| product.id.is_some()) {
            self.sync_identity_sequences().await?;
        }
        Ok(ids)
    }

    /// Sets a product's moderation status and reasons. Returns whether the product exists.
    pub async fn set_product_status(
        &self,
        id: i64,
        status: ModerationStatus,
        reasons_json: &str,
    ) -> DbResult<bool> {
        Ok(product_write!(self, id, "upsert", |tx| {
            sqlx::query(
                "UPDATE products SET status = $2, moderation_reasons = $3, updated_at = $4 WHERE id = $1",
            )
            .bind(id)
            .bind(status.as_str())
            .bind(reasons_json)
            .bind(Utc::now())
            .execute(&mut *tx)
            .await?
            .rows_affected()
        }))
    }

    /// Replaces a product's titles. Returns whether the product exists.
    pub async fn update_product_title(&self, id: i64, texts: &ProductTexts) -> DbResult<bool> {
        Ok(product_write!(self, id, "upsert", |tx| {
            sqlx::query(
                "UPDATE products SET title_uz = $2, title_uz_cyrl = $3, title_ru = $4, title_en = $5, \
                 updated_at = $6 WHERE id = $1",
            )
            .bind(id)
            .bind(&texts.uz)
            .bind(&texts.uz_cyrl)
            .bind(&texts.ru)
            .bind(&texts.en)
            .bind(Utc::now())
            .execute(&mut *tx)
            .await?
            .rows_affected()
        }))
    }

    /// Deletes a product (variants and images cascade). Returns whether it existed.
    pub async fn delete_product(&self, id: i64) -> DbResult<bool> {
        Ok(product_write!(self, id, "delete", |tx| {
            sqlx::query("DELETE FROM products WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
        }))
    }

    /// Returns up to `limit` outbox entries after `seq`, in order.
    pub async fn changes_after(&self, seq: u64, limit: u32) -> DbResult<Vec<OutboxEntry>> {
        let seq = i64::try_from(seq)
            .map_err(|_| DbError::Corrupt(format!("sequence {seq} overflows")))?;
        let rows = dispatch!(self, |pool, _d| {
            sqlx::query_as::<_, OutboxRow>(
                "SELECT seq, product_id, op FROM catalog_changes WHERE seq > $1 ORDER BY seq LIMIT $2",
            )
            .bind(seq)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|row| {
                let deleted = match row.op.as_str() {
                    "delete" => true,
                    "upsert" => false,
                    other => return Err(DbError::Corrupt(format!("outbox op {other:?}"))),
                };
                Ok(OutboxEntry {
                    seq: u64::try_from(row.seq)
                        .map_err(|_| DbError::Corrupt("negative seq".to_owned()))?,
                    product_id: row.product_id,
                    deleted,
                })
            })
            .collect()
    }

    /// Returns the newest outbox sequence (0 when empty).
    pub async fn head_seq(&self) -> DbResult<u64> {
        let seq: Option<i64> = dispatch!(self, |pool, _d| {
            sqlx::query_scalar("SELECT MAX(seq) FROM catalog_changes")
                .fetch_one(pool)
                .await?
        });
        Ok(seq.and_then(|seq| u64::try_from(seq).ok()).unwrap_or(0))
    }

    /// Returns up to `limit` ids of approved products after `after`, in id order (index rebuilds).
    pub async fn approved_product_ids_after(&self, after: i64, limit: u32) -> DbResult<Vec<i64>> {
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_scalar(
                "SELECT id FROM products WHERE id > $1 AND status = 'approved' ORDER BY id LIMIT $2",
            )
            .bind(after)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?
        }))
    }

    /// Loads the products with the given ids (missing ids are skipped), with variants and images.
    pub async fn product_records(&self, ids: &[i64]) -> DbResult<Vec<ProductRecord>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids_json =
            serde_json::to_string(ids).map_err(|error| DbError::Corrupt(error.to_string()))?;
        let (products, variants, images) = dispatch!(self, |pool, dialect| {
            let products_sql = format!(
                "SELECT {PRODUCT_COLUMNS} FROM products p LEFT JOIN brands b ON b.id = p.brand_id \
                 WHERE p.id IN {} ORDER BY p.id",
                dialect.ids_from_json
            );
            let variants_sql = format!(
                "SELECT id, product_id, sku, options, price_tiyin, stock FROM product_variants \
                 WHERE product_id IN {} ORDER BY product_id, position, id",
                dialect.ids_from_json
            );
            let images_sql = format!(
                "SELECT product_id, position, url, alt FROM product_images \
                 WHERE product_id IN {} ORDER BY product_id, position",
                dialect.ids_from_json
            );
            let products = sqlx::query_as::<_, ProductRow>(&products_sql)
                .bind(&ids_json)
                .fetch_all(pool)
                .await?;
            let variants = sqlx::query_as::<_, VariantRow>(&variants_sql)
                .bind(&ids_json)
                .fetch_all(pool)
                .await?;
            let images = sqlx::query_as::<_, ImageRow>(&images_sql)
                .bind(&ids_json)
                .fetch_all(pool)
                .await?;
            (products, variants, images)
        });
        Ok(assemble_records(products, variants, images))
    }

    /// Loads one product with its variants and images.
    pub async fn product_record(&self, id: i64) -> DbResult<Option<ProductRecord>> {
        Ok(self.product_records(&[id]).await?.pop())
    }

    /// Returns product counts per moderation status.
    pub async fn product_counts_by_status(&self) -> DbResult<BTreeMap<String, i64>> {
        let rows: Vec<(String, i64)> = dispatch!(self, |pool, _d| {
            sqlx::query_as("SELECT status, COUNT(*) FROM products GROUP BY status")
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().collect())
    }
}

fn assemble_records(
    products: Vec<ProductRow>,
    variants: Vec<VariantRow>,
    images: Vec<ImageRow>,
) -> Vec<ProductRecord> {
    let mut variants_by_product: BTreeMap<i64, Vec<VariantRow>> = BTreeMap::new();
    for variant in variants {
        variants_by_product
            .entry(variant.product_id)
            .or_default()
            .push(variant);
    }
    let mut images_by_product: BTreeMap<i64, Vec<ImageRow>> = BTreeMap::new();
    for image in images {
        images_by_product
            .entry(image.product_id)
            .or_default()
            .push(image);
    }
    products
        .into_iter()
        .map(|product| ProductRecord {
            variants: variants_by_product.remove(&product.id).unwrap_or_default(),
            images: images_by_product.remove(&product.id).unwrap_or_default(),
            product,
        })
        .collect()
}
