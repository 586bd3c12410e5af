//! Seller listings: a seller's products with variants, validated, screened on every create and
//! edit, and written with their moderation queue item.
//!
//! Screening runs the `moderation` rules first, over every text field in every language, the
//! category, the age range and the image model's scores. A listing the rules reject is
//! rejected there: no model can turn a rejection into anything else, so the text-toxicity
//! classifier is not run on it. Every other listing also goes through the learned
//! text-toxicity classifier from the app's [`ModelHub`](crate::ml::ModelHub). When that
//! classifier is not loaded (or cannot score a text), the screening gets a `model_unavailable`
//! signal, so a listing the rules alone would approve goes to a moderator instead: never to
//! automatic approval.

pub mod images;
pub mod store;

use crate::auth::CurrentUser;
use crate::catalog::CatalogMeta;
use crate::db::catalog::{NewProduct, NewVariant, ProductRecord, ProductTexts};
use crate::moderation_queue::{ItemRow, QueueState};
use crate::routes::products::{ImageView, LocalizedText, VariantView};
use crate::{ApiError, App};
use chrono::{DateTime, Utc};
use models::toxicity::{Thresholds, Toxicity, ToxicityScore};
use moderation::{
    ClassifierKind, ClassifierSignal, ListingInput, ScreeningConfig, TextForm, ToxicityCalibration,
    Verdict,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use store::{ListingWrite, Refused};
use utoipa::ToSchema;

/// Longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// Shortest title, in characters.
pub const MIN_TITLE_CHARS: usize = 2;
/// Longest description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 5_000;
/// Most variants per product.
pub const MAX_VARIANTS: usize = 50;
/// Highest variant price: 10 billion so'm, in tiyin.
pub const MAX_PRICE_TIYIN: i64 = 1_000_000_000_000;
/// Largest stock of one variant.
pub const MAX_STOCK: i64 = 1_000_000;
/// Longest SKU.
pub const MAX_SKU_CHARS: usize = 64;
/// Most option pairs per variant.
pub const MAX_OPTIONS: usize = 10;

/// Texts in up to four language forms.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TextsInput {
    /// Uzbek (Latin).
    #[serde(default)]
    pub uz: Option<String>,
    /// Uzbek (Cyrillic).
    #[serde(default, rename = "uz-Cyrl", alias = "uz_cyrl")]
    pub uz_cyrl: Option<String>,
    /// Russian.
    #[serde(default)]
    pub ru: Option<String>,
    /// English.
    #[serde(default)]
    pub en: Option<String>,
}

/// A variant of a listing.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VariantInput {
    /// Unique SKU: 1 to 64 of `A-Z a-z 0-9 - _ .`.
    pub sku: String,
    /// Price in tiyin (1 so'm = 100 tiyin), 1 to 10^12.
    pub price_tiyin: i64,
    /// Units in stock, 0 to 1,000,000.
    pub stock: i64,
    /// Option values (e.g. `{"color": "red"}`), at most 10.
    #[serde(default)]
    pub options: BTreeMap<String, String>,
}

/// A listing to create, or the full new content of one being edited.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ListingRequest {
    /// Titles: at least one language form, 2 to 200 characters each.
    pub title: TextsInput,
    /// Descriptions: up to 5,000 characters each.
    #[serde(default)]
    pub description: TextsInput,
    /// A leaf category.
    pub category_id: i64,
    /// A brand, if any.
    #[serde(default)]
    pub brand_id: Option<i64>,
    /// Youngest age in months (0 to 216).
    pub age_min_months: i64,
    /// Oldest age in months (0 to 216, not below the youngest).
    pub age_max_months: i64,
    /// 1 to 50 variants.
    pub variants: Vec<VariantInput>,
}

/// A validated listing, ready to screen and write.
#[derive(Debug, Clone)]
pub struct ValidListing {
    /// The product to write.
    pub product: NewProduct,
    /// Its category's slug (for screening).
    pub category_slug: String,
}

fn check_text(
    raw: Option<&str>,
    field: &str,
    code: &'static str,
    min: usize,
    max: usize,
) -> Result<Option<String>, ApiError> {
    let Some(raw) = raw else {
        return Ok(None);
    };
    let text = raw.trim();
    let length = text.chars().count();
    if length < min || length > max {
        return Err(ApiError::bad_request(
            code,
            format!("{field} must have {min} to {max} characters (it has {length})"),
        ));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(ApiError::bad_request(
            code,
            format!("{field} must not contain control characters"),
        ));
    }
    Ok(Some(text.to_owned()))
}

fn check_texts(
    input: &TextsInput,
    what: &str,
    code: &'static str,
    min: usize,
    max: usize,
) -> Result<ProductTexts, ApiError> {
    Ok(ProductTexts {
        uz: check_text(input.uz.as_deref(), &format!("{what}.uz"), code, min, max)?,
        uz_cyrl: check_text(
            input.uz_cyrl.as_deref(),
            &format!("{what}.uz-Cyrl"),
            code,
            min,
            max,
        )?,
        ru: check_text(input.ru.as_deref(), &format!("{what}.ru"), code, min, max)?,
        en: check_text(input.en.as_deref(), &format!("{what}.en"), code, min, max)?,
    })
}

fn check_sku(sku: &str) -> Result<(), ApiError> {
    let valid = !sku.is_empty()
        && sku.chars().count() <= MAX_SKU_CHARS
        && sku
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if valid {
        Ok(())
    } else {
        Err(ApiError::bad_request(
            "invalid_sku",
            format!("sku {sku:?} must be 1 to {MAX_SKU_CHARS} of A-Z, a-z, 0-9, '-', '_', '.'"),
        ))
    }
}

fn check_variant(variant: &VariantInput) -> Result<NewVariant, ApiError> {
    check_sku(&variant.sku)?;
    if !(1..=MAX_PRICE_TIYIN).contains(&variant.price_tiyin) {
        return Err(ApiError::bad_request(
            "invalid_price",
            format!(
                "price_tiyin of {} must be from 1 to {MAX_PRICE_TIYIN}",
                variant.sku
            ),
        ));
    }
    if !(0..=MAX_STOCK).contains(&variant.stock) {
        return Err(ApiError::bad_request(
            "invalid_stock",
            format!("stock of {} must be from 0 to {MAX_STOCK}", variant.sku),
        ));
    }
    if variant.options.len() > MAX_OPTIONS {
        return Err(ApiError::bad_request(
            "invalid_options",
            format!("{} has more than {MAX_OPTIONS} options", variant.sku),
        ));
    }
    let mut options = BTreeMap::new();
    for (key, value) in &variant.options {
        let key = check_text(Some(key), "an option name", "invalid_options", 1, 32)?;
        let value = check_text(Some(value), "an option value", "invalid_options", 1, 64)?;
        if let (Some(key), Some(value)) = (key, value) {
            options.insert(key, value);
        }
    }
    Ok(NewVariant {
        sku: variant.sku.clone(),
        options,
        price_tiyin: variant.price_tiyin,
        stock: variant.stock,
    })
}

/// Validates a request for `seller_id`'s shop against the catalogue.
pub fn validate_listing(
    request: &ListingRequest,
    seller_id: i64,
    catalog: &CatalogMeta,
    now: DateTime<Utc>,
) -> Result<ValidListing, ApiError> {
    let title = check_texts(
        &request.title,
        "title",
        "invalid_title",
        MIN_TITLE_CHARS,
        MAX_TITLE_CHARS,
    )?;
    if [&title.uz, &title.uz_cyrl, &title.ru, &title.en]
        .iter()
        .all(|text| text.is_none())
    {
        return Err(ApiError::bad_request(
            "missing_title",
            "give a title in at least one of uz, uz-Cyrl, ru, en",
        ));
    }
    let description = check_texts(
        &request.description,
        "description",
        "invalid_description",
        1,
        MAX_DESCRIPTION_CHARS,
    )?;
    let category = u64::try_from(request.category_id)
        .ok()
        .and_then(|id| catalog.categories.get(&id))
        .ok_or_else(|| {
            ApiError::bad_request(
                "unknown_category",
                format!("category {} does not exist", request.category_id),
            )
        })?;
    if !catalog.taxonomy.children(category.id as u64).is_empty() {
        return Err(ApiError::bad_request(
            "not_leaf_category",
            format!(
                "category {} ({}) has subcategories; choose one of them",
                category.id, category.slug
            ),
        ));
    }
    if let Some(brand) = request.brand_id
        && !u64::try_from(brand).is_ok_and(|id| catalog.brands.contains_key(&id))
    {
        return Err(ApiError::bad_request(
            "unknown_brand",
            format!("brand {brand} does not exist"),
        ));
    }
    let ages = 0..=i64::from(moderation::MAX_AGE_MONTHS);
    if !ages.contains(&request.age_min_months)
        || !ages.contains(&request.age_max_months)
        || request.age_min_months > request.age_max_months
    {
        return Err(ApiError::bad_request(
            "invalid_age_range",
            format!(
                "ages must be 0 to {} months with age_min_months <= age_max_months",
                moderation::MAX_AGE_MONTHS
            ),
        ));
    }
    if request.variants.is_empty() || request.variants.len() > MAX_VARIANTS {
        return Err(ApiError::bad_request(
            "invalid_variants",
            format!("give 1 to {MAX_VARIANTS} variants"),
        ));
    }
    let mut skus = BTreeSet::new();
    let mut variants = Vec::with_capacity(request.variants.len());
    for variant in &request.variants {
        let variant = check_variant(variant)?;
        if !skus.insert(variant.sku.clone()) {
            return Err(ApiError::bad_request(
                "duplicate_sku",
                format!("sku {} appears twice", variant.sku),
            ));
        }
        variants.push(variant);
    }
    Ok(ValidListing {
        product: NewProduct {
            id: None,
            seller_id,
            brand_id: request.brand_id,
            category_id: category.id,
            title,
            description,
            age_min_months: request.age_min_months,
            age_max_months: request.age_max_months,
            variants,
            images: Vec::new(),
            featured: false,
            rating_avg: 0.0,
            rating_count: 0,
            sales_count: 0,
            created_at: now,
        },
        category_slug: category.slug.clone(),
    })
}

/// The service's screening thresholds (from `BOLAJON_SCREENING_*`, `BOLAJON_TOXICITY_*` and
/// `BOLAJON_IMAGE_*`; see `config::ModerationConfig`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ScreeningSettings {
    /// The rules' thresholds and weights, with the image-safety probabilities.
    pub rules: ScreeningConfig,
    /// Text-toxicity probabilities for review and reject, overriding the head's own
    /// thresholds (`None`: the head's balanced and high-precision thresholds).
    pub toxicity: Option<(f32, f32)>,
}

impl ScreeningSettings {
    /// Returns the toxicity thresholds to calibrate with: the configured ones, else the head's.
    pub fn toxicity_thresholds(&self, head: Thresholds) -> Thresholds {
        match self.toxicity {
            Some((review, reject)) => Thresholds {
                balanced: review,
                high_precision: reject,
            },
            None => head,
        }
    }

    /// Maps a toxicity probability scored by a head with `head` thresholds onto the
    /// screening's scale, with the configured thresholds (one mapping for every language;
    /// screening uses [`ScreeningSettings::toxicity_score_in`]).
    pub fn toxicity_score(&self, probability: f32, head: Thresholds) -> f32 {
        calibrate_toxicity(probability, self.toxicity_thresholds(head), &self.rules)
    }

    /// Returns the per-language-form mapping of toxicity probabilities for the head tagged
    /// `head` (`moderation::ToxicityCalibration`: the committed calibration when it was made
    /// for this head), with the configured probabilities replacing its own when set.
    pub fn toxicity_calibration(&self, head: &str, thresholds: Thresholds) -> ToxicityCalibration {
        let calibration = ToxicityCalibration::for_head(head, thresholds);
        match self.toxicity {
            Some((review, reject)) => calibration.with_override(review, reject),
            None => calibration,
        }
    }

    /// Maps the toxicity score of a text in language form `form` onto the screening's scale:
    /// per-form calibrated thresholds, and no rejection by the model alone where the head has
    /// no training data (Uzbek).
    pub fn toxicity_score_in(&self, form: TextForm, score: &ToxicityScore) -> f32 {
        self.toxicity_calibration(&score.model, score.thresholds)
            .score(&self.rules, form, score.probability)
    }
}

/// Maps a toxicity probability onto the screening's scale: the head's balanced threshold
/// (hold for a person) lands on the review threshold, its high-precision threshold (act
/// without a person) on the reject threshold, linearly in between and beyond.
pub fn calibrate_toxicity(
    probability: f32,
    thresholds: Thresholds,
    config: &ScreeningConfig,
) -> f32 {
    let p = probability.clamp(0.0, 1.0);
    let review = config.review_threshold.clamp(0.0, 1.0);
    let reject = config.reject_threshold.clamp(review, 1.0);
    let balanced = thresholds.balanced.clamp(f32::EPSILON, 1.0);
    let strict = thresholds.high_precision.clamp(balanced, 1.0);
    let score = if p < balanced {
        p / balanced * review
    } else if p < strict {
        review + (p - balanced) / (strict - balanced) * (reject - review)
    } else if strict < 1.0 {
        reject + (p - strict) / (1.0 - strict) * (1.0 - reject)
    } else {
        reject
    };
    score.clamp(0.0, 1.0)
}

/// The outcome of screening a listing.
#[derive(Debug, Clone)]
pub struct Screening {
    /// The verdict with its reasons.
    pub verdict: Verdict,
    /// The queue state it leads to.
    pub state: QueueState,
    /// The rules and model versions that screened it.
    pub screened_by: String,
}

/// The name of the rules in the decision record.
pub const RULES_NAME: &str = "moderation-rules";

/// What the decision record says of a listing the rules rejected before the text model ran.
pub const REJECTED_BY_RULES: &str = "rejected by the rules; text toxicity not run";

/// Screens a listing: the rules over every text, the category and the ages, with what the
/// image-safety classifier said about each uploaded image (`image_signals`); then, unless that
/// already rejects it, the text toxicity classifier over titles and descriptions when it is
/// loaded.
pub async fn screen(
    app: &App,
    product: &NewProduct,
    category_slug: &str,
    image_signals: Vec<ClassifierSignal>,
) -> Result<Screening, ApiError> {
    let settings = app.screening;
    let config = settings.rules;
    let forms = |texts: &ProductTexts, what: &str| {
        [
            (TextForm::UzLatn, &texts.uz),
            (TextForm::UzCyrl, &texts.uz_cyrl),
            (TextForm::Ru, &texts.ru),
            (TextForm::En, &texts.en),
        ]
        .into_iter()
        .filter_map(|(form, text)| {
            text.clone()
                .map(|text| (format!("{what}.{}", form.code()), text, form))
        })
        .collect::<Vec<_>>()
    };
    let mut prose = forms(&product.title, "title");
    prose.extend(forms(&product.description, "description"));
    let image_models: BTreeSet<String> = image_signals
        .iter()
        .filter_map(|signal| match signal {
            ClassifierSignal::Scored { model, .. } => Some(model.clone()),
            ClassifierSignal::Unavailable { .. } => None,
        })
        .collect();
    let with_images = |screened_by: String| {
        image_models
            .iter()
            .fold(screened_by, |all, model| format!("{all} + {model}"))
    };
    let mut texts: Vec<&str> = prose.iter().map(|(_, text, _)| text.as_str()).collect();
    for variant in &product.variants {
        texts.extend(variant.options.values().map(String::as_str));
    }
    let mut input = ListingInput {
        texts,
        category_slug,
        age_min_months: u16::try_from(product.age_min_months).unwrap_or(u16::MAX),
        age_max_months: u16::try_from(product.age_max_months).unwrap_or(u16::MAX),
        classifiers: image_signals,
    };
    // A listing the rules (with its images) already reject stays rejected whatever the text
    // model says, so the model is not run; the record says so.
    if let Some(verdict) = moderation::rejected_before_models(&config, &input) {
        return Ok(Screening {
            state: QueueState::from_screening(verdict.decision),
            verdict,
            screened_by: with_images(format!("{RULES_NAME} ({REJECTED_BY_RULES})")),
        });
    }
    let (text_signals, screened_by) = match app.models.toxicity() {
        None => (
            vec![ClassifierSignal::Unavailable {
                kind: ClassifierKind::TextToxicity,
                why: format!(
                    "the text-toxicity model is not loaded (`{}`)",
                    crate::ml::FETCH_COMMAND
                ),
            }],
            format!("{RULES_NAME} (text toxicity unavailable)"),
        ),
        Some(classifier) => {
            // With the cascade's fast stage, a text it clears never reaches the encoder; its
            // signal carries the stage's tag.
            let tag = match classifier.fast_stage() {
                Some(stage) => format!("{} → {}", stage.tag(), classifier.head().tag()),
                None => classifier.head().tag().to_string(),
            };
            let texts: Vec<String> = prose.iter().map(|(_, text, _)| text.clone()).collect();
            let scored = crate::run_blocking(move || {
                let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
                classifier.score_many(&refs)
            })
            .await?;
            let signals = match scored {
                Ok(results) => prose
                    .iter()
                    .zip(results)
                    .map(|((field, _, form), result)| match result {
                        Toxicity::Scored(score) => ClassifierSignal::Scored {
                            kind: ClassifierKind::TextToxicity,
                            score: settings.toxicity_score_in(*form, &score),
                            model: score.model.to_string(),
                            subject: field.clone(),
                        },
                        Toxicity::Unscored { reason } => ClassifierSignal::Unavailable {
                            kind: ClassifierKind::TextToxicity,
                            why: format!("{field}: {reason}"),
                        },
                    })
                    .collect(),
                Err(error) => {
                    tracing::warn!(%error, "text toxicity failed: {error}");
                    vec![ClassifierSignal::Unavailable {
                        kind: ClassifierKind::TextToxicity,
                        why: format!("the text-toxicity model failed: {error}"),
                    }]
                }
            };
            (signals, format!("{RULES_NAME} + {tag}"))
        }
    };
    input.classifiers.extend(text_signals);
    let verdict = moderation::screen_listing_with(&config, &input);
    let screened_by = with_images(screened_by);
    Ok(Screening {
        state: QueueState::from_screening(verdict.decision),
        verdict,
        screened_by,
    })
}

/// A screening reason as shown to sellers and moderators.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReasonView {
    /// Stable code (e.g. `lexicon_weapons`, `model_unavailable`).
    pub code: String,
    /// Risk category (snake_case).
    pub category: String,
    /// Strength in `0..=1`.
    pub score: f32,
    /// What triggered it.
    pub evidence: String,
}

impl From<&moderation::Reason> for ReasonView {
    fn from(reason: &moderation::Reason) -> Self {
        Self {
            code: reason.code.clone(),
            category: serde_json::to_value(reason.category)
                .ok()
                .and_then(|value| value.as_str().map(str::to_owned))
                .unwrap_or_default(),
            score: reason.score,
            evidence: reason.evidence.clone(),
        }
    }
}

/// A listing's moderation as its seller sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ModerationView {
    /// Workflow state.
    pub state: QueueState,
    /// Edit revision.
    pub revision: i64,
    /// The screening's reasons, strongest first.
    pub reasons: Vec<ReasonView>,
    /// The strongest reason's score.
    pub top_score: f64,
    /// The rules and models that screened the current revision.
    pub screened_by: String,
    /// First submission.
    #[schema(value_type = String, format = DateTime)]
    pub submitted_at: DateTime<Utc>,
    /// When it (re-)entered the queue.
    #[schema(value_type = String, format = DateTime)]
    pub queued_at: DateTime<Utc>,
    /// When it was decided.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub decided_at: Option<DateTime<Utc>>,
    /// The moderator's reason.
    pub decision_reason: Option<String>,
    /// The seller's appeal.
    pub appeal_message: Option<String>,
    /// When the seller appealed.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub appealed_at: Option<DateTime<Utc>>,
}

impl ModerationView {
    /// Builds the view of an item.
    pub fn of(item: &ItemRow) -> Result<Self, ApiError> {
        Ok(Self {
            state: item.state()?,
            revision: item.revision,
            reasons: item.reasons()?.iter().map(ReasonView::from).collect(),
            top_score: item.top_score,
            screened_by: item.screened_by.clone(),
            submitted_at: item.submitted_at,
            queued_at: item.queued_at,
            decided_at: item.decided_at,
            decision_reason: item.decision_reason.clone(),
            appeal_message: item.appeal_message.clone(),
            appealed_at: item.appealed_at,
        })
    }
}

/// A seller's listing.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ListingView {
    /// Id.
    pub id: i64,
    /// The shop.
    pub seller_id: i64,
    /// Titles.
    pub title: LocalizedText,
    /// Descriptions.
    pub description: LocalizedText,
    /// Leaf category.
    pub category_id: i64,
    /// Brand.
    pub brand_id: Option<i64>,
    /// Youngest age in months.
    pub age_min_months: i64,
    /// Oldest age in months.
    pub age_max_months: i64,
    /// Variants.
    pub variants: Vec<VariantView>,
    /// Images in gallery order.
    pub images: Vec<ImageView>,
    /// Store status: `approved` (visible), `pending` or `rejected`.
    pub status: String,
    /// The moderation queue item; `None` for products listed before the queue existed.
    pub moderation: Option<ModerationView>,
}

fn localized(texts: ProductTexts) -> LocalizedText {
    LocalizedText {
        uz: texts.uz,
        uz_cyrl: texts.uz_cyrl,
        ru: texts.ru,
        en: texts.en,
    }
}

/// Returns the text fields of a stored product as (name, text), for highlighting.
pub fn text_fields(record: &ProductRecord) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    for (what, texts) in [
        ("title", record.product.titles()),
        ("description", record.product.descriptions()),
    ] {
        for (lang, text) in [
            ("uz", texts.uz),
            ("uz-Cyrl", texts.uz_cyrl),
            ("ru", texts.ru),
            ("en", texts.en),
        ] {
            if let Some(text) = text {
                fields.push((format!("{what}.{lang}"), text));
            }
        }
    }
    for variant in &record.variants {
        let options: BTreeMap<String, String> =
            serde_json::from_str(&variant.options).unwrap_or_default();
        for (key, value) in options {
            fields.push((format!("variant.{}.{key}", variant.sku), value));
        }
    }
    fields
}

impl ListingView {
    /// Builds the view of a stored product and its queue item.
    pub fn of(record: &ProductRecord, item: Option<&ItemRow>) -> Result<Self, ApiError> {
        let product = &record.product;
        Ok(Self {
            id: product.id,
            seller_id: product.seller_id,
            title: localized(product.titles()),
            description: localized(product.descriptions()),
            category_id: product.category_id,
            brand_id: product.brand_id,
            age_min_months: product.age_min_months,
            age_max_months: product.age_max_months,
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
            status: product.status.clone(),
            moderation: item.map(ModerationView::of).transpose()?,
        })
    }
}

/// Returns the shop of a seller account, or 403 `seller_profile_required`.
pub fn seller_of(user: &CurrentUser) -> Result<i64, ApiError> {
    user.seller_id.ok_or_else(|| {
        ApiError::forbidden(
            "seller_profile_required",
            "this seller account is not linked to a shop yet",
        )
    })
}

fn product_not_found(id: i64) -> ApiError {
    ApiError::not_found("product_not_found", format!("product {id} does not exist"))
}

fn refused(refused: Refused) -> ApiError {
    match refused {
        Refused::SkuTaken(sku) => ApiError::conflict(
            "sku_taken",
            format!("sku {sku} is already used by another product"),
        ),
        Refused::TooManyImages => ApiError::conflict(
            "too_many_images",
            format!("a product has at most {} images", store::MAX_IMAGES),
        ),
        Refused::DuplicateImage => {
            ApiError::conflict("duplicate_image", "the product already has this image")
        }
        Refused::Changed => {
            ApiError::conflict("item_changed", "the listing changed meanwhile; try again")
        }
        Refused::Ordered(sku) if sku.is_empty() => ApiError::conflict(
            "product_has_orders",
            "the product has been ordered and cannot be deleted; it stays in the order history",
        ),
        Refused::Ordered(sku) => ApiError::conflict(
            "variant_has_orders",
            format!("variant {sku} has been ordered and cannot be removed; set its stock to 0"),
        ),
    }
}

/// Loads a product of `seller_id` with its queue item; anyone else's is "not found".
pub async fn owned_listing(
    app: &App,
    seller_id: i64,
    id: i64,
) -> Result<(ProductRecord, Option<ItemRow>), ApiError> {
    let record = app
        .db
        .product_record(id)
        .await?
        .filter(|record| record.product.seller_id == seller_id)
        .ok_or_else(|| product_not_found(id))?;
    let item = app.db.moderation_item(id).await?;
    Ok((record, item))
}

fn summary(screening: &Screening) -> String {
    let decision = match screening.verdict.decision {
        moderation::Decision::Approve => "approve",
        moderation::Decision::Review => "review",
        moderation::Decision::Reject => "reject",
    };
    let codes: Vec<&str> = screening
        .verdict
        .reasons
        .iter()
        .map(|reason| reason.code.as_str())
        .collect();
    if codes.is_empty() {
        format!("screening: {decision}")
    } else {
        format!("screening: {decision} ({})", codes.join(", "))
    }
}

async fn screened_write(
    app: &App,
    valid: &ValidListing,
    image_signals: Vec<ClassifierSignal>,
) -> Result<(Screening, String, String, String), ApiError> {
    let screening = screen(app, &valid.product, &valid.category_slug, image_signals).await?;
    let reasons_json = serde_json::to_string(&screening.verdict.reasons)
        .map_err(|error| ApiError::internal(format!("serialising reasons: {error}")))?;
    let codes: BTreeSet<&str> = screening
        .verdict
        .reasons
        .iter()
        .map(|reason| reason.code.as_str())
        .collect();
    let reason_codes = format!(
        ",{}",
        codes
            .iter()
            .map(|code| format!("{code},"))
            .collect::<String>()
    );
    let line = summary(&screening);
    Ok((screening, reasons_json, reason_codes, line))
}

fn top_score(screening: &Screening) -> f64 {
    screening
        .verdict
        .reasons
        .iter()
        .map(|reason| f64::from(reason.score))
        .fold(0.0, f64::max)
        .clamp(0.0, 1.0)
}

/// Creates, screens and writes a seller's listing.
pub async fn create_listing(
    app: &App,
    seller_id: i64,
    request: &ListingRequest,
) -> Result<ListingView, ApiError> {
    let now = app.auth.now();
    let valid = validate_listing(request, seller_id, &app.catalog(), now)?;
    let (screening, reasons_json, reason_codes, line) =
        screened_write(app, &valid, Vec::new()).await?;
    let id = app
        .db
        .create_listing(&ListingWrite {
            product: &valid.product,
            state: screening.state,
            reasons_json: &reasons_json,
            reason_codes: &reason_codes,
            top_score: top_score(&screening),
            screened_by: &screening.screened_by,
            summary: &line,
            at: now,
            image: None,
            expected_revision: None,
        })
        .await?
        .map_err(refused)?;
    app.index_wakeup.notify_one();
    let (record, item) = owned_listing(app, seller_id, id).await?;
    ListingView::of(&record, item.as_ref())
}

/// Replaces, re-screens and writes a seller's listing. A listing that was approved leaves
/// search until the new revision is approved again, unless the screening approves it.
pub async fn update_listing(
    app: &App,
    seller_id: i64,
    id: i64,
    request: &ListingRequest,
) -> Result<ListingView, ApiError> {
    let now = app.auth.now();
    let valid = validate_listing(request, seller_id, &app.catalog(), now)?;
    // The edit keeps the uploaded images: their signals count again.
    let image_signals = images::stored_signals(app, id).await?;
    let (screening, reasons_json, reason_codes, line) =
        screened_write(app, &valid, image_signals).await?;
    app.db
        .update_listing(
            id,
            &ListingWrite {
                product: &valid.product,
                state: screening.state,
                reasons_json: &reasons_json,
                reason_codes: &reason_codes,
                top_score: top_score(&screening),
                screened_by: &screening.screened_by,
                summary: &line,
                at: now,
                image: None,
                expected_revision: None,
            },
        )
        .await?
        .map_err(refused)?
        .ok_or_else(|| product_not_found(id))?;
    app.index_wakeup.notify_one();
    let (record, item) = owned_listing(app, seller_id, id).await?;
    ListingView::of(&record, item.as_ref())
}

/// Deletes a seller's listing.
pub async fn delete_listing(app: &App, seller_id: i64, id: i64) -> Result<(), ApiError> {
    if !app
        .db
        .delete_listing(id, seller_id)
        .await?
        .map_err(refused)?
    {
        return Err(product_not_found(id));
    }
    app.index_wakeup.notify_one();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toxicity_calibration_maps_the_heads_thresholds_onto_the_screenings() {
        let thresholds = Thresholds {
            balanced: 0.48,
            high_precision: 0.64,
        };
        let config = ScreeningConfig::default();
        let at = |p: f32| calibrate_toxicity(p, thresholds, &config);
        assert!((at(0.48) - config.review_threshold).abs() < 1e-6);
        assert!((at(0.64) - config.reject_threshold).abs() < 1e-6);
        assert_eq!(at(0.0), 0.0);
        assert!((at(1.0) - 1.0).abs() < 1e-6);
        assert!(at(0.3) < config.review_threshold);
        assert!(at(0.56) > config.review_threshold && at(0.56) < config.reject_threshold);
        // Monotonic.
        let mut last = -1.0;
        for step in 0..=100 {
            let score = at(step as f32 / 100.0);
            assert!(score >= last);
            last = score;
        }
        assert!(at(f32::NAN).is_nan(), "NaN stays unscored");
    }

    #[test]
    fn skus_are_checked() {
        assert!(check_sku("LEGO-60337_a.1").is_ok());
        for bad in ["", "has space", "ё", &"x".repeat(65)] {
            assert_eq!(check_sku(bad).unwrap_err().code, "invalid_sku");
        }
    }
}
