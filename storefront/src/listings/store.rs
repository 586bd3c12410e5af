//! Writes of seller listings: the product, its variants, the outbox row, the queue item and
//! the screening's decision record, all in one transaction.

use crate::db::catalog::NewProduct;
use crate::db::{Db, DbError, DbResult, dispatch};
use crate::moderation_queue::QueueState;
use crate::moderation_queue::store::{DecisionInsert, insert_decision};
use chrono::{DateTime, Utc};

/// A screened listing to write.
#[derive(Debug, Clone)]
pub struct ListingWrite<'a> {
    /// The product (its `seller_id` is the caller's shop; `id` is ignored).
    pub product: &'a NewProduct,
    /// The state the screening put it in.
    pub state: QueueState,
    /// The screening's reasons (JSON array).
    pub reasons_json: &'a str,
    /// `,code1,code2,`.
    pub reason_codes: &'a str,
    /// The strongest reason's score.
    pub top_score: f64,
    /// The rules and models that screened it.
    pub screened_by: &'a str,
    /// A one-line summary of the screening, for the decision record.
    pub summary: &'a str,
    /// When.
    pub at: DateTime<Utc>,
    /// An uploaded image to add in the same transaction (edits only).
    pub image: Option<&'a NewListingImage>,
    /// The queue revision the write was screened against (edits only): a write whose item has
    /// moved on meanwhile is refused instead of overwriting the newer revision.
    pub expected_revision: Option<i64>,
}

/// A seller's image to store.
#[derive(Debug, Clone)]
pub struct NewListingImage {
    /// `image/jpeg`, `image/png`, `image/webp` or `image/gif`.
    pub content_type: &'static str,
    /// The uploaded bytes.
    pub bytes: Vec<u8>,
    /// Their hex SHA-256.
    pub sha256: String,
    /// Width in pixels.
    pub width: i64,
    /// Height in pixels.
    pub height: i64,
    /// What the image-safety model said (JSON object).
    pub safety_json: String,
}

/// The most images one product may have.
pub const MAX_IMAGES: i64 = 10;

/// Why a listing write was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// A variant SKU that another product already uses.
    SkuTaken(String),
    /// The product already has [`MAX_IMAGES`] images.
    TooManyImages,
    /// The product already has this very image.
    DuplicateImage,
    /// The listing changed after it was read (see [`ListingWrite::expected_revision`]).
    Changed,
    /// The product (or the variant an edit would remove) has been ordered: order lines,
    /// stock reservations and reviews refer to it, so it is archived (taken down) instead.
    Ordered(String),
}

/// An uploaded image as stored, for serving.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredImage {
    /// Content type.
    pub content_type: String,
    /// Bytes.
    pub bytes: Vec<u8>,
    /// The product's store status.
    pub status: String,
}

fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.is_unique_violation())
}

const UPSERT_ITEM: &str = "INSERT INTO moderation_items (product_id, state, revision, reasons, \
     reason_codes, top_score, screened_by, submitted_at, queued_at, decided_at, updated_at) \
     VALUES ($1, $2, 1, $3, $4, $5, $6, $7, $7, $8, $7) \
     ON CONFLICT (product_id) DO UPDATE SET state = excluded.state, \
       revision = moderation_items.revision + 1, reasons = excluded.reasons, \
       reason_codes = excluded.reason_codes, top_score = excluded.top_score, \
       screened_by = excluded.screened_by, queued_at = excluded.queued_at, \
       assigned_to = NULL, assigned_at = NULL, decided_at = excluded.decided_at, \
       decided_by = NULL, decision_reason = NULL, appeal_message = NULL, appealed_at = NULL, \
       updated_at = excluded.updated_at \
     RETURNING revision";

/// Writes the queue item and the screening's record for `product_id` inside `$tx`.
macro_rules! write_item {
    ($tx:expr, $product_id:expr, $write:expr) => {{
        let write = $write;
        let product_id: i64 = $product_id;
        let previous: Option<String> =
            sqlx::query_scalar("SELECT state FROM moderation_items WHERE product_id = $1")
                .bind(product_id)
                .fetch_optional(&mut *$tx)
                .await?;
        let from = match previous {
            Some(name) => QueueState::parse(&name).ok_or_else(|| {
                DbError::Corrupt(format!("moderation item {product_id} has state {name:?}"))
            })?,
            None => QueueState::Pending,
        };
        let decided_at = (!write.state.is_open()).then_some(write.at);
        let revision: i64 = sqlx::query_scalar(UPSERT_ITEM)
            .bind(product_id)
            .bind(write.state.as_str())
            .bind(write.reasons_json)
            .bind(write.reason_codes)
            .bind(write.top_score)
            .bind(write.screened_by)
            .bind(write.at)
            .bind(decided_at)
            .fetch_one(&mut *$tx)
            .await?;
        insert_decision!(
            &mut *$tx,
            DecisionInsert {
                product_id,
                revision,
                at: write.at,
                actor_user_id: None,
                actor_model: Some(write.screened_by),
                action: "screen",
                from,
                to: write.state,
                reason: write.summary,
                scores_json: write.reasons_json,
            }
        );
        revision
    }};
}

impl Db {
    /// Creates a seller's screened listing. Returns its id, or the SKU another product uses.
    pub async fn create_listing(&self, write: &ListingWrite<'_>) -> DbResult<Result<i64, Refused>> {
        let product = write.product;
        let status = write.state.product_status();
        Ok(dispatch!(self, |pool, dialect| {
            let mut tx = pool.begin().await?;
            if let Some(lock) = dialect.catalog_write_lock {
                sqlx::query(lock).execute(&mut *tx).await?;
            }
            let id: i64 = sqlx::query_scalar(crate::db::catalog::INSERT_PRODUCT)
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
                .bind(write.reasons_json)
                .bind(false)
                .bind(0.0_f64)
                .bind(0_i64)
                .bind(0_i64)
                .bind(write.at)
                .bind(write.at)
                .fetch_one(&mut *tx)
                .await?;
            for (position, variant) in product.variants.iter().enumerate() {
                let options = serde_json::to_string(&variant.options)
                    .map_err(|error| DbError::Corrupt(error.to_string()))?;
                let inserted = sqlx::query(
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
                .await;
                match inserted {
                    Ok(_) => {}
                    Err(error) if is_unique_violation(&error) => {
                        tx.rollback().await?;
                        return Ok(Err(Refused::SkuTaken(variant.sku.clone())));
                    }
                    Err(error) => return Err(error.into()),
                }
            }
            sqlx::query("INSERT INTO catalog_changes (product_id, op) VALUES ($1, 'upsert')")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            write_item!(tx, id, write);
            tx.commit().await?;
            Ok(id)
        }))
    }

    /// Replaces a seller's listing with a screened edit: texts, category, brand, ages and
    /// variants (matched by SKU: kept ones are updated in place, missing ones removed, new
    /// ones added). Returns the new revision, `None` when the product does not exist or
    /// belongs to another seller, or the SKU another product uses.
    pub async fn update_listing(
        &self,
        id: i64,
        write: &ListingWrite<'_>,
    ) -> DbResult<Result<Option<i64>, Refused>> {
        let product = write.product;
        let status = write.state.product_status();
        Ok(dispatch!(self, |pool, dialect| {
            let mut tx = pool.begin().await?;
            if let Some(lock) = dialect.catalog_write_lock {
                sqlx::query(lock).execute(&mut *tx).await?;
            }
            if let Some(revision) = write.expected_revision {
                // A write first, so SQLite takes the write lock before anything is read.
                let current = sqlx::query(
                    "UPDATE moderation_items SET updated_at = updated_at \
                     WHERE product_id = $1 AND revision = $2",
                )
                .bind(id)
                .bind(revision)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if current == 0 {
                    tx.rollback().await?;
                    return Ok(Err(Refused::Changed));
                }
            }
            let updated = sqlx::query(
                "UPDATE products SET brand_id = $3, category_id = $4, title_uz = $5, \
                 title_uz_cyrl = $6, title_ru = $7, title_en = $8, description_uz = $9, \
                 description_uz_cyrl = $10, description_ru = $11, description_en = $12, \
                 age_min_months = $13, age_max_months = $14, status = $15, \
                 moderation_reasons = $16, updated_at = $17 WHERE id = $1 AND seller_id = $2",
            )
            .bind(id)
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
            .bind(write.reasons_json)
            .bind(write.at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if updated == 0 {
                tx.rollback().await?;
                return Ok(Ok(None));
            }
            let existing: Vec<String> =
                sqlx::query_scalar("SELECT sku FROM product_variants WHERE product_id = $1")
                    .bind(id)
                    .fetch_all(&mut *tx)
                    .await?;
            for sku in existing
                .iter()
                .filter(|sku| !product.variants.iter().any(|variant| &variant.sku == *sku))
            {
                let ordered: Option<i64> = sqlx::query_scalar(
                    "SELECT l.id FROM order_lines l JOIN product_variants v ON v.id = l.variant_id \
                     WHERE v.product_id = $1 AND v.sku = $2 LIMIT 1",
                )
                .bind(id)
                .bind(sku)
                .fetch_optional(&mut *tx)
                .await?;
                if ordered.is_some() {
                    tx.rollback().await?;
                    return Ok(Err(Refused::Ordered(sku.clone())));
                }
                sqlx::query("DELETE FROM product_variants WHERE product_id = $1 AND sku = $2")
                    .bind(id)
                    .bind(sku)
                    .execute(&mut *tx)
                    .await?;
            }
            for (position, variant) in product.variants.iter().enumerate() {
                let options = serde_json::to_string(&variant.options)
                    .map_err(|error| DbError::Corrupt(error.to_string()))?;
                let kept = sqlx::query(
                    "UPDATE product_variants SET options = $3, price_tiyin = $4, stock = $5, \
                     position = $6 WHERE product_id = $1 AND sku = $2",
                )
                .bind(id)
                .bind(&variant.sku)
                .bind(&options)
                .bind(variant.price_tiyin)
                .bind(variant.stock)
                .bind(position as i64)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if kept > 0 {
                    continue;
                }
                let inserted = sqlx::query(
                    "INSERT INTO product_variants (product_id, sku, options, price_tiyin, stock, position) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(id)
                .bind(&variant.sku)
                .bind(&options)
                .bind(variant.price_tiyin)
                .bind(variant.stock)
                .bind(position as i64)
                .execute(&mut *tx)
                .await;
                match inserted {
                    Ok(_) => {}
                    Err(error) if is_unique_violation(&error) => {
                        tx.rollback().await?;
                        return Ok(Err(Refused::SkuTaken(variant.sku.clone())));
                    }
                    Err(error) => return Err(error.into()),
                }
            }
            if let Some(image) = write.image {
                let count: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM listing_images WHERE product_id = $1")
                        .bind(id)
                        .fetch_one(&mut *tx)
                        .await?;
                if count >= MAX_IMAGES {
                    tx.rollback().await?;
                    return Ok(Err(Refused::TooManyImages));
                }
                let inserted: Result<i64, sqlx::Error> = sqlx::query_scalar(
                    "INSERT INTO listing_images (product_id, content_type, bytes, sha256, width, \
                     height, safety, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                     RETURNING id",
                )
                .bind(id)
                .bind(image.content_type)
                .bind(&image.bytes)
                .bind(&image.sha256)
                .bind(image.width)
                .bind(image.height)
                .bind(&image.safety_json)
                .bind(write.at)
                .fetch_one(&mut *tx)
                .await;
                let image_id = match inserted {
                    Ok(image_id) => image_id,
                    Err(error) if is_unique_violation(&error) => {
                        tx.rollback().await?;
                        return Ok(Err(Refused::DuplicateImage));
                    }
                    Err(error) => return Err(error.into()),
                };
                sqlx::query(
                    "INSERT INTO product_images (product_id, position, url, alt) \
                     SELECT $1, COALESCE(MAX(position), -1) + 1, $2, $3 FROM product_images \
                     WHERE product_id = $1",
                )
                .bind(id)
                .bind(format!("/media/uploads/{image_id}"))
                .bind(
                    product
                        .title
                        .uz
                        .as_deref()
                        .or(product.title.ru.as_deref())
                        .or(product.title.en.as_deref())
                        .or(product.title.uz_cyrl.as_deref())
                        .unwrap_or_default(),
                )
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query("INSERT INTO catalog_changes (product_id, op) VALUES ($1, 'upsert')")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let revision = write_item!(tx, id, write);
            tx.commit().await?;
            Ok(Some(revision))
        }))
    }

    /// Returns the stored image-safety outcomes of a product's uploaded images: (image id,
    /// safety JSON), in upload order.
    pub async fn listing_image_safety(&self, product_id: i64) -> DbResult<Vec<(i64, String)>> {
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_as(
                "SELECT id, safety FROM listing_images WHERE product_id = $1 ORDER BY id",
            )
            .bind(product_id)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Returns the uploaded images of a product: (image id, content type, width, height, safety
    /// JSON), in upload order.
    pub async fn listing_images_of(
        &self,
        product_id: i64,
    ) -> DbResult<Vec<(i64, String, i64, i64, String)>> {
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_as(
                "SELECT id, content_type, width, height, safety FROM listing_images \
                 WHERE product_id = $1 ORDER BY id",
            )
            .bind(product_id)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Returns an uploaded image with its product's store status.
    pub async fn listing_image(&self, id: i64) -> DbResult<Option<StoredImage>> {
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_as::<_, StoredImage>(
                "SELECT i.content_type, i.bytes, p.status FROM listing_images i \
                 JOIN products p ON p.id = i.product_id WHERE i.id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?
        }))
    }

    /// Deletes a seller's product (its variants, images and queue item cascade; the decision
    /// record stays). Returns whether it existed and belonged to the seller, or refuses a
    /// product that has been ordered (order lines and reviews keep referring to it).
    pub async fn delete_listing(&self, id: i64, seller_id: i64) -> DbResult<Result<bool, Refused>> {
        Ok(dispatch!(self, |pool, dialect| {
            let mut tx = pool.begin().await?;
            if let Some(lock) = dialect.catalog_write_lock {
                sqlx::query(lock).execute(&mut *tx).await?;
            }
            let ordered: Option<i64> = sqlx::query_scalar(
                "SELECT l.id FROM order_lines l JOIN products p ON p.id = l.product_id \
                 WHERE l.product_id = $1 AND p.seller_id = $2 LIMIT 1",
            )
            .bind(id)
            .bind(seller_id)
            .fetch_optional(&mut *tx)
            .await?;
            if ordered.is_some() {
                tx.rollback().await?;
                return Ok(Err(Refused::Ordered(String::new())));
            }
            let deleted = sqlx::query("DELETE FROM products WHERE id = $1 AND seller_id = $2")
                .bind(id)
                .bind(seller_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if deleted > 0 {
                sqlx::query("INSERT INTO catalog_changes (product_id, op) VALUES ($1, 'delete')")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(deleted > 0)
        }))
    }
}
