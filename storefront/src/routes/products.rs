//! `GET /api/v1/products/{id}`: one approved product with its variants and images.

use crate::db::catalog::ProductRecord;
use crate::routes::search::{CategoryRef, decode_pairs};
use crate::{ApiError, AppState};
use axum::extract::{Path, RawQuery, State};
use axum::routing::get;
use axum::{Json, Router};
use engine::Lang;
use moderation::{Audience, ModerationStatus};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/products/{id}", get(product))
}

/// Texts in the four language forms (absent forms are omitted).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LocalizedText {
    /// Uzbek (Latin).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uz: Option<String>,
    /// Uzbek (Cyrillic).
    #[serde(rename = "uz-Cyrl", skip_serializing_if = "Option::is_none")]
    pub uz_cyrl: Option<String>,
    /// Russian.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ru: Option<String>,
    /// English.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

/// A purchasable variant.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VariantView {
    /// SKU.
    pub sku: String,
    /// Option values (e.g. size, colour).
    pub options: BTreeMap<String, String>,
    /// Price in tiyin.
    pub price: i64,
    /// Units in stock.
    pub stock: i64,
}

/// A gallery image.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImageView {
    /// URL.
    pub url: String,
    /// Alternative text.
    pub alt: String,
}

/// A product page's data.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProductView {
    /// Id.
    pub id: u64,
    /// Title in the requested language (or a fallback).
    pub title: String,
    /// Titles in every form the product has.
    pub titles: LocalizedText,
    /// Descriptions in every form the product has.
    pub descriptions: LocalizedText,
    /// Brand name.
    pub brand: Option<String>,
    /// Category path, root first.
    pub categories: Vec<CategoryRef>,
    /// Seller id.
    pub seller_id: u64,
    /// Youngest age in months.
    pub age_min_months: u16,
    /// Oldest age in months.
    pub age_max_months: u16,
    /// Lowest variant price in tiyin.
    pub price: i64,
    /// Any variant in stock.
    pub in_stock: bool,
    /// Average rating.
    pub rating: f64,
    /// Number of ratings.
    pub rating_count: i64,
    /// Variants.
    pub variants: Vec<VariantView>,
    /// Images.
    pub images: Vec<ImageView>,
}

/// Returns an approved product. With `age_months`, a product not meant for that age is not found.
#[utoipa::path(
    get,
    path = "/api/v1/products/{id}",
    tag = "catalog",
    params(
        ("id" = u64, Path, description = "Product id"),
        ("age_months" = Option<u16>, Query, description = "The audience's age in months; a product outside its range is not found"),
        ("lang" = Option<String>, Query, description = "Language of `title`: uz (default), uz-Cyrl, ru, en"),
    ),
    responses(
        (status = 200, description = "The product", body = ProductView),
        (status = 400, description = "Invalid id or parameters (invalid_product_id, invalid_age, invalid_lang, invalid_utf8)", body = crate::error::ErrorBody),
        (status = 404, description = "No such approved product (product_not_found)", body = crate::error::ErrorBody),
    )
)]
pub async fn product(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<ProductView>, ApiError> {
    let id = parse_product_id(&id)?;
    let pairs = decode_pairs(raw.as_deref().unwrap_or_default())?;
    let value = |name: &str| {
        pairs
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, v)| v.as_str())
    };
    let (audience, lang) = parse_audience_and_lang(value("age_months"), value("lang"))?;
    Ok(Json(load_product_view(&state, id, audience, lang).await?))
}

/// Parses a product id path segment.
pub fn parse_product_id(raw: &str) -> Result<u64, ApiError> {
    raw.parse::<u64>()
        .ok()
        .filter(|id| *id > 0 && i64::try_from(*id).is_ok())
        .ok_or_else(|| {
            ApiError::bad_request(
                "invalid_product_id",
                "product id must be a positive integer",
            )
        })
}

/// Loads an approved product visible to `audience` (any audience when `None`).
pub async fn load_product_view(
    state: &AppState,
    id: u64,
    audience: Option<Audience>,
    lang: Lang,
) -> Result<ProductView, ApiError> {
    let not_found =
        || ApiError::not_found("product_not_found", format!("product {id} does not exist"));
    let record = state
        .0
        .db
        .product_record(id as i64)
        .await?
        .ok_or_else(not_found)?;
    let status = record.product.status()?;
    if status != ModerationStatus::Approved {
        return Err(not_found());
    }
    let (min, max) = (
        u16::try_from(record.product.age_min_months).unwrap_or(u16::MAX),
        u16::try_from(record.product.age_max_months).unwrap_or(0),
    );
    if audience.is_some_and(|audience| !audience.admits(min, max)) {
        return Err(not_found());
    }
    Ok(view(state, record, lang))
}

fn view(state: &AppState, record: ProductRecord, lang: Lang) -> ProductView {
    let catalog = state.0.catalog();
    let product = &record.product;
    let titles = product.titles();
    let descriptions = product.descriptions();
    let title = match lang {
        Lang::Uz => titles.uz.as_ref(),
        Lang::UzCyrl => titles.uz_cyrl.as_ref(),
        Lang::Ru => titles.ru.as_ref(),
        Lang::En => titles.en.as_ref(),
    }
    .or(titles.uz.as_ref())
    .or(titles.uz_cyrl.as_ref())
    .or(titles.ru.as_ref())
    .or(titles.en.as_ref())
    .cloned()
    .unwrap_or_default();
    let (in_stock, price) = record.stock_and_price();
    ProductView {
        id: product.id as u64,
        title,
        titles: localized(titles),
        descriptions: localized(descriptions),
        brand: product.brand_name.clone(),
        categories: catalog
            .taxonomy
            .path(product.category_id as u64)
            .into_iter()
            .map(|id| catalog.category_ref(id, lang))
            .collect(),
        seller_id: product.seller_id as u64,
        age_min_months: u16::try_from(product.age_min_months).unwrap_or_default(),
        age_max_months: u16::try_from(product.age_max_months).unwrap_or_default(),
        price,
        in_stock,
        rating: product.rating_avg,
        rating_count: product.rating_count,
        variants: record
            .variants
            .iter()
            .map(|variant| VariantView {
                sku: variant.sku.clone(),
                options: serde_json::from_str(&variant.options).unwrap_or_default(),
                price: variant.price_tiyin,
                stock: variant.stock,
            })
            .collect(),
        images: record
            .images
            .iter()
            .map(|image| ImageView {
                url: image.url.clone(),
                alt: image.alt.clone(),
            })
            .collect(),
    }
}

fn localized(texts: crate::db::catalog::ProductTexts) -> LocalizedText {
    LocalizedText {
        uz: texts.uz,
        uz_cyrl: texts.uz_cyrl,
        ru: texts.ru,
        en: texts.en,
    }
}

/// Parses the optional `age_months` and `lang` of a product view (the product page and the
/// comparison): an empty value is the same as an absent one.
pub(crate) fn parse_audience_and_lang(
    age_months: Option<&str>,
    lang: Option<&str>,
) -> Result<(Option<Audience>, Lang), ApiError> {
    let audience = match age_months {
        None | Some("") => None,
        Some(age) => Some(
            age.parse::<i64>()
                .ok()
                .and_then(|age| Audience::new(age).ok())
                .ok_or_else(|| {
                    ApiError::bad_request(
                        "invalid_age",
                        "age_months must be an integer from 0 to 216",
                    )
                })?,
        ),
    };
    let lang = match lang {
        None | Some("") => Lang::Uz,
        Some(tag) => Lang::parse(tag).ok_or_else(|| {
            ApiError::bad_request("invalid_lang", "lang must be one of uz, uz-Cyrl, ru, en")
        })?,
    };
    Ok((audience, lang))
}
