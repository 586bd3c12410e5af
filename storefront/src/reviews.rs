//! Product reviews (issue 5, item 3): only a verified purchaser (an order line of theirs whose
//! shipment was delivered) may review that product, once per purchased line. Every review is
//! screened on arrival: the `moderation` rules (lexicon with normalisation) and the text
//! toxicity model from the [`ModelHub`](crate::ml::ModelHub) (held as `model_unavailable` when
//! it is not loaded), spam signals (links, phone numbers, promo codes, the same normalised
//! text from another account, bursts per account and per seller, a run of extreme ratings),
//! and a child's review always waits for a parent's or a moderator's approval. Only published
//! reviews count in the product's `rating_avg` / `rating_count`, recomputed in the same
//! transaction as the `catalog_changes` outbox row, so search picks the new rating up.

use crate::db::{DbError, DbResult, dispatch};
use crate::listings::RULES_NAME;
use crate::{ApiError, App};
use chrono::{DateTime, Duration, Utc};
use models::toxicity::Toxicity;
use moderation::{
    ClassifierKind, ClassifierSignal, Decision, ListingInput, MAX_AGE_MONTHS, TextForm,
    normalize_for_screening, screen_listing_with,
};
use serde::{Deserialize, Serialize};
use sha2::Digest as _;
use utoipa::ToSchema;

/// Longest review text, in characters.
pub const MAX_TEXT_CHARS: usize = 4000;
/// Reviews by one account within [`BURST_WINDOW_MINUTES`] beyond which the next is held.
pub const ACCOUNT_BURST: i64 = 3;
/// Reviews of one seller's products within [`BURST_WINDOW_MINUTES`] beyond which the next
/// is held.
pub const SELLER_BURST: i64 = 20;
/// The burst window.
pub const BURST_WINDOW_MINUTES: i64 = 60;
/// Cosine similarity of two reviews' text embeddings (multilingual-e5-small, whose cosines
/// sit between about 0.7 and 1) from which a review by another account counts as the same
/// text reworded (`spam_near_duplicate`).
pub const NEAR_DUPLICATE_COSINE: f32 = 0.95;
/// How far back reviews are compared for near-duplicates, in days.
pub const NEAR_DUPLICATE_WINDOW_DAYS: i64 = 90;
/// The most earlier reviews compared (the newest).
pub const NEAR_DUPLICATE_CANDIDATES: i64 = 5_000;
/// The model name stored with review embeddings (the service's text embedder).
pub const EMBEDDING_MODEL: &str = models::manifest::MULTILINGUAL_E5_SMALL.name;

/// A review to write.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewRequest {
    /// 1–5.
    pub rating: i64,
    /// The review text (1–4000 characters).
    pub text: String,
}

/// One screening reason.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct ReviewReason {
    /// Stable code, e.g. `spam_link`, `spam_burst_account`, `lexicon_profanity`,
    /// `model_text_toxicity`, `model_unavailable`, `child_review_needs_approval`.
    pub code: String,
    /// Strength in `0.0..=1.0`.
    pub score: f32,
    /// What triggered it.
    pub evidence: String,
}

/// A review as returned.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReviewView {
    /// Id.
    pub id: i64,
    /// The product.
    pub product_id: i64,
    /// 1–5.
    pub rating: i64,
    /// The text.
    pub text: String,
    /// `published`, `held` (waiting for a moderator or parent) or `rejected`.
    pub status: String,
    /// Why it is held (empty when published).
    pub reasons: Vec<ReviewReason>,
    /// Its photos (`/media/reviews/{id}`), oldest first; omitted when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub photos: Vec<String>,
}

/// What the verified-purchase check found.
enum Purchase {
    /// An unreviewed delivered line of the buyer's.
    Line { line_id: i64, seller_id: i64 },
    /// Every delivered line is already reviewed.
    AllReviewed,
    /// No delivered purchase of the product.
    None,
}

fn validate(request: &ReviewRequest) -> Result<String, ApiError> {
    if !(1..=5).contains(&request.rating) {
        return Err(ApiError::bad_request(
            "invalid_rating",
            "the rating must be an integer from 1 to 5",
        ));
    }
    let text = request.text.trim();
    let chars = text.chars().count();
    if chars == 0 || chars > MAX_TEXT_CHARS {
        return Err(ApiError::bad_request(
            "invalid_text",
            format!("the review text must have 1 to {MAX_TEXT_CHARS} characters"),
        ));
    }
    if text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(ApiError::bad_request(
            "invalid_text",
            "the review text must not contain control characters",
        ));
    }
    Ok(text.to_string())
}

/// Spam signals visible in the text alone: links, phone numbers and promo codes.
pub fn text_spam_reasons(text: &str) -> Vec<ReviewReason> {
    let mut reasons = Vec::new();
    let lower = text.to_lowercase();
    let link = [
        "http://", "https://", "www.", "t.me/", ".uz/", ".com", ".ru/", "@",
    ]
    .iter()
    .find(|marker| lower.contains(**marker));
    if let Some(marker) = link {
        reasons.push(ReviewReason {
            code: "spam_link".into(),
            score: 0.9,
            evidence: format!("contains `{marker}`"),
        });
    }
    // Seven or more digits in a run that only spaces, dashes, dots, brackets or a plus split.
    let mut digits = 0usize;
    let mut longest = 0usize;
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits += 1;
            longest = longest.max(digits);
        } else if !matches!(c, ' ' | '-' | '.' | '(' | ')' | '+') {
            digits = 0;
        }
    }
    if longest >= 7 {
        reasons.push(ReviewReason {
            code: "spam_phone".into(),
            score: 0.9,
            evidence: format!("a run of {longest} digits"),
        });
    }
    let promo = [
        "promo",
        "promokod",
        "промокод",
        "промо код",
        "coupon",
        "купон",
        "skidka kodi",
    ]
    .iter()
    .find(|marker| lower.contains(**marker));
    if let Some(marker) = promo {
        reasons.push(ReviewReason {
            code: "spam_promo_code".into(),
            score: 0.8,
            evidence: format!("mentions `{marker}`"),
        });
    }
    reasons
}

/// The rules (lexicon with normalisation) and the text-toxicity model over the text. Returns
/// the reasons and what screened it.
async fn screen_text(app: &App, text: &str) -> Result<(Vec<ReviewReason>, String), ApiError> {
    let settings = app.screening;
    let config = settings.rules;
    let (signal, screened_by) = match app.models.toxicity() {
        None => (
            ClassifierSignal::Unavailable {
                kind: ClassifierKind::TextToxicity,
                why: format!(
                    "the text-toxicity model is not loaded (`{}`)",
                    crate::ml::FETCH_COMMAND
                ),
            },
            format!("{RULES_NAME} (text toxicity unavailable)"),
        ),
        Some(classifier) => {
            // Reviews are where insults land, and they come one at a time: the encoder head
            // reads every one (no fast stage, unlike listings).
            let tag = classifier.head().tag().to_string();
            let owned = text.to_string();
            let scored =
                crate::run_blocking(move || classifier.score_many_with_encoder(&[owned.as_str()]))
                    .await?;
            let signal = match scored.map(|mut all| all.pop()) {
                Ok(Some(Toxicity::Scored(score))) => ClassifierSignal::Scored {
                    kind: ClassifierKind::TextToxicity,
                    // A review declares no language: its form is read from the text, for
                    // the per-form calibration.
                    score: settings.toxicity_score_in(TextForm::detect(text), &score),
                    model: score.model.to_string(),
                    subject: "review".into(),
                },
                Ok(Some(Toxicity::Unscored { reason })) => ClassifierSignal::Unavailable {
                    kind: ClassifierKind::TextToxicity,
                    why: format!("review: {reason}"),
                },
                Ok(None) => ClassifierSignal::Unavailable {
                    kind: ClassifierKind::TextToxicity,
                    why: "the text-toxicity model returned no score".into(),
                },
                Err(error) => {
                    tracing::warn!(%error, "review toxicity failed: {error}");
                    ClassifierSignal::Unavailable {
                        kind: ClassifierKind::TextToxicity,
                        why: format!("the text-toxicity model failed: {error}"),
                    }
                }
            };
            (signal, format!("{RULES_NAME} + {tag}"))
        }
    };
    let verdict = screen_listing_with(
        &config,
        &ListingInput {
            texts: vec![text],
            category_slug: "",
            age_min_months: 0,
            age_max_months: MAX_AGE_MONTHS,
            classifiers: vec![signal],
        },
    );
    let reasons = if verdict.decision == Decision::Approve {
        Vec::new()
    } else {
        verdict
            .reasons
            .into_iter()
            .map(|reason| ReviewReason {
                code: reason.code,
                score: reason.score,
                evidence: reason.evidence,
            })
            .collect()
    };
    Ok((reasons, screened_by))
}

/// Embeds a review's text with the service's text embedder (`None` when it is not loaded or
/// fails: the caller then holds the review).
async fn embed_review(app: &App, text: &str) -> Result<Option<Vec<f32>>, ApiError> {
    let Some(embedder) = app.models.embedder() else {
        return Ok(None);
    };
    let owned = text.to_owned();
    let embedded =
        crate::run_blocking(move || embedder.embed(models::TextKind::Passage, &[owned.as_str()]))
            .await?;
    match embedded {
        Ok(mut vectors) => Ok(vectors.pop()),
        Err(error) => {
            tracing::warn!(%error, "embedding a review failed: {error}");
            Ok(None)
        }
    }
}

/// Returns a vector as little-endian f32 bytes.
pub fn vector_bytes(vector: &[f32]) -> Vec<u8> {
    vector.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// Returns the earlier review whose stored vector is nearest to `vector`, with the cosine
/// (vectors are L2-normalised; stored vectors of another dimension are skipped).
pub fn nearest(vector: &[f32], earlier: &[(i64, Vec<u8>)]) -> Option<(i64, f32)> {
    earlier
        .iter()
        .filter(|(_, bytes)| bytes.len() == vector.len() * 4)
        .map(|(id, bytes)| {
            let dot: f32 = bytes
                .chunks_exact(4)
                .zip(vector)
                .map(|(chunk, v)| f32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]) * v)
                .sum();
            (*id, dot)
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))
}

/// The public address of a review photo.
pub fn photo_url(id: i64) -> String {
    format!("/media/reviews/{id}")
}

/// The child profile of a child account.
async fn child_of(app: &App, user: i64) -> DbResult<Option<i64>> {
    Ok(dispatch!(&app.db, |pool, _d| {
        sqlx::query_scalar::<_, i64>("SELECT id FROM child_profiles WHERE user_id = $1")
            .bind(user)
            .fetch_optional(pool)
            .await?
    }))
}

/// Writes a review for `product_id` by `author` (a child account when `is_child`).
pub async fn create_review(
    app: &App,
    author: i64,
    is_child: bool,
    product_id: i64,
    request: &ReviewRequest,
) -> Result<ReviewView, ApiError> {
    let text = validate(request)?;
    let now = app.auth.now();
    let (mut reasons, screened_by) = screen_text(app, &text).await?;
    reasons.extend(text_spam_reasons(&text));
    let child = if is_child {
        reasons.push(ReviewReason {
            code: "child_review_needs_approval".into(),
            score: 1.0,
            evidence: "reviews by children wait for a parent or a moderator".into(),
        });
        child_of(app, author).await?
    } else {
        None
    };
    let embedding = embed_review(app, &text).await?;
    if embedding.is_none() {
        // Without the embedder only the normalised-text hash finds copies: a reworded copy
        // would pass, so the review waits for a person.
        let note = "near-duplicate check: the text embedder is not loaded, compared by \
                    normalised text only";
        match reasons
            .iter_mut()
            .find(|r| r.code == moderation::MODEL_UNAVAILABLE)
        {
            Some(reason) => {
                reason.evidence.push_str("; ");
                reason.evidence.push_str(note);
            }
            None => reasons.push(ReviewReason {
                code: moderation::MODEL_UNAVAILABLE.into(),
                score: 0.4,
                evidence: note.into(),
            }),
        }
    }
    let hash = crate::auth::token::sha256_hex(&normalize_for_screening(&text));
    let since = now - Duration::minutes(BURST_WINDOW_MINUTES);
    let outcome = app
        .db
        .insert_review(&NewReview {
            product_id,
            author,
            child,
            rating: request.rating,
            text: &text,
            hash: &hash,
            reasons,
            screened_by: &screened_by,
            at: now,
            burst_since: since,
            embedding,
        })
        .await?;
    match outcome {
        Inserted::NotPurchased => Err(ApiError::forbidden(
            "not_a_verified_purchaser",
            "only a buyer whose order of this product was delivered may review it",
        )),
        Inserted::Duplicate => Err(ApiError::conflict(
            "already_reviewed",
            "every delivered purchase of this product already has your review",
        )),
        Inserted::Review(view) => {
            if view.status == "published" {
                app.index_wakeup.notify_one();
            }
            Ok(view)
        }
    }
}

/// Most photos on one review.
pub const MAX_PHOTOS: i64 = 4;

/// A review photo just uploaded, with the review as it stands now.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReviewPhotoView {
    /// The photo's id.
    pub id: i64,
    /// Its address, served while the review is published (and to its author and moderators).
    pub url: String,
    /// The review: held, with the photo's reasons, when the photo is doubtful.
    pub review: ReviewView,
}

/// A review photo to insert.
pub struct NewReviewPhoto<'a> {
    review_id: i64,
    author: i64,
    content_type: &'static str,
    bytes: &'a [u8],
    sha256: String,
    width: i64,
    height: i64,
    safety_json: String,
    reasons: Vec<ReviewReason>,
    at: DateTime<Utc>,
}

/// The outcome of a photo insert.
pub enum PhotoInserted {
    /// Stored.
    Photo(ReviewPhotoView),
    /// No review of this author with that id.
    NotFound,
    /// The review was rejected.
    Closed,
    /// The review already has [`MAX_PHOTOS`].
    TooMany,
    /// The same picture is already on the review.
    Duplicate,
}

/// Adds a photo to the author's own review. The photo is decoded within the upload limits and
/// screened like a listing image (the image-safety model's sexual and gore scores through the
/// screening thresholds; a model that is not loaded holds it for a person). A doubtful photo
/// holds the review (taking a published one out of the product's rating) with its reasons.
pub async fn add_photo(
    app: &App,
    author: i64,
    review_id: i64,
    declared_type: Option<&str>,
    bytes: Vec<u8>,
) -> Result<ReviewPhotoView, ApiError> {
    let content_type = crate::listings::images::content_type_of(declared_type)?;
    let not_found = || {
        ApiError::not_found(
            "review_not_found",
            format!("review {review_id} does not exist"),
        )
    };
    if app.db.review_author(review_id).await? != Some(author) {
        return Err(not_found());
    }
    let (bytes, scored) = crate::listings::images::score_upload(app, content_type, bytes).await?;
    let verdict = screen_listing_with(
        &app.screening.rules,
        &ListingInput {
            texts: Vec::new(),
            category_slug: "",
            age_min_months: 0,
            age_max_months: MAX_AGE_MONTHS,
            classifiers: scored.safety.signals("photo"),
        },
    );
    let reasons = if verdict.decision == Decision::Approve {
        Vec::new()
    } else {
        verdict
            .reasons
            .into_iter()
            .map(|reason| ReviewReason {
                code: reason.code,
                score: reason.score,
                evidence: reason.evidence,
            })
            .collect()
    };
    let safety_json = serde_json::to_string(&scored.safety)
        .map_err(|error| ApiError::internal(format!("serialising photo safety: {error}")))?;
    let outcome = app
        .db
        .insert_review_photo(&NewReviewPhoto {
            review_id,
            author,
            content_type,
            sha256: format!("{:x}", sha2::Sha256::digest(&bytes)),
            bytes: &bytes,
            width: i64::from(scored.width),
            height: i64::from(scored.height),
            safety_json,
            reasons,
            at: app.auth.now(),
        })
        .await?;
    match outcome {
        PhotoInserted::Photo(view) => {
            app.index_wakeup.notify_one();
            Ok(view)
        }
        PhotoInserted::NotFound => Err(not_found()),
        PhotoInserted::Closed => Err(ApiError::conflict(
            "review_rejected",
            "a rejected review takes no photos",
        )),
        PhotoInserted::TooMany => Err(ApiError::conflict(
            "too_many_photos",
            format!("a review has at most {MAX_PHOTOS} photos"),
        )),
        PhotoInserted::Duplicate => Err(ApiError::conflict(
            "duplicate_photo",
            "this photo is already on the review",
        )),
    }
}

/// A stored review photo with what decides who may see it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredReviewPhoto {
    /// `image/jpeg`, `image/png`, `image/webp` or `image/gif`.
    pub content_type: String,
    /// The file.
    pub bytes: Vec<u8>,
    /// The review's status.
    pub status: String,
    /// The review's author.
    pub author_user_id: i64,
}

/// A moderator's or a parent's decision on a held review.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewDecision {
    /// `approve` or `reject`.
    pub decision: String,
    /// Why (kept with the review and in the audit log).
    pub reason: Option<String>,
}

/// Decides a held review. `parent` limits the decision to reviews by that parent's children.
pub async fn decide_review(
    app: &App,
    decider: i64,
    parent: bool,
    id: i64,
    decision: &ReviewDecision,
) -> Result<ReviewView, ApiError> {
    let status = match decision.decision.as_str() {
        "approve" => "published",
        "reject" => "rejected",
        _ => {
            return Err(ApiError::bad_request(
                "invalid_decision",
                "decision must be approve or reject",
            ));
        }
    };
    let reason = decision.reason.as_deref().map(str::trim).unwrap_or("");
    if reason.chars().count() > 500 {
        return Err(ApiError::bad_request(
            "invalid_reason",
            "the reason has at most 500 characters",
        ));
    }
    let view = app
        .db
        .decide_review(id, decider, parent, status, reason, app.auth.now())
        .await?;
    match view {
        Decided::NotFound => Err(ApiError::not_found(
            "review_not_found",
            format!("review {id} does not exist"),
        )),
        Decided::NotHeld => Err(ApiError::conflict(
            "review_not_held",
            "only a held review can be decided",
        )),
        Decided::Review(view) => {
            app.index_wakeup.notify_one();
            Ok(view)
        }
    }
}

/// A review to insert.
pub struct NewReview<'a> {
    product_id: i64,
    author: i64,
    child: Option<i64>,
    rating: i64,
    text: &'a str,
    hash: &'a str,
    reasons: Vec<ReviewReason>,
    screened_by: &'a str,
    at: DateTime<Utc>,
    burst_since: DateTime<Utc>,
    /// The text's embedding, when the text embedder is loaded.
    embedding: Option<Vec<f32>>,
}

/// The outcome of an insert.
pub enum Inserted {
    /// Written.
    Review(ReviewView),
    /// No delivered purchase.
    NotPurchased,
    /// Every delivered purchase already reviewed.
    Duplicate,
}

/// The outcome of a decision.
pub enum Decided {
    /// Decided.
    Review(ReviewView),
    /// No such review (or, for a parent, not their child's).
    NotFound,
    /// Not held.
    NotHeld,
}

const DELIVERED_LINES: &str = "SELECT l.id, l.seller_id, \
     (SELECT COUNT(*) FROM reviews r WHERE r.order_line_id = l.id) \
     FROM order_lines l JOIN orders o ON o.id = l.order_id \
     JOIN shipments s ON s.id = l.shipment_id \
     WHERE l.product_id = $1 AND o.buyer_user_id = $2 AND s.status = 'delivered' \
     ORDER BY l.id";

pub(crate) const RECOMPUTE_RATING: &str = "UPDATE products SET \
     rating_avg = COALESCE((SELECT AVG(CAST(rating AS DOUBLE PRECISION)) FROM reviews \
         WHERE product_id = $1 AND status = 'published'), 0), \
     rating_count = (SELECT COUNT(*) FROM reviews WHERE product_id = $1 AND status = 'published') \
     WHERE id = $1";

fn reasons_json(reasons: &[ReviewReason]) -> Result<String, DbError> {
    serde_json::to_string(reasons).map_err(|error| DbError::Corrupt(error.to_string()))
}

fn parse_reasons(json: &str) -> Vec<ReviewReason> {
    serde_json::from_str(json).unwrap_or_default()
}

impl crate::db::Db {
    /// Checks the verified purchase, adds the burst, duplicate and rating-run signals, and
    /// writes the review (with the product's rating and the outbox row when it is published),
    /// all in one transaction.
    pub async fn insert_review(&self, review: &NewReview<'_>) -> DbResult<Inserted> {
        Ok(dispatch!(self, |pool, dialect| {
            let mut tx = pool.begin().await?;
            if let Some(lock) = dialect.catalog_write_lock {
                sqlx::query(lock).execute(&mut *tx).await?;
            }
            let lines: Vec<(i64, i64, i64)> = sqlx::query_as(DELIVERED_LINES)
                .bind(review.product_id)
                .bind(review.author)
                .fetch_all(&mut *tx)
                .await?;
            let purchase = match lines.iter().find(|(_, _, reviewed)| *reviewed == 0) {
                Some((line_id, seller_id, _)) => Purchase::Line {
                    line_id: *line_id,
                    seller_id: *seller_id,
                },
                None if lines.is_empty() => Purchase::None,
                None => Purchase::AllReviewed,
            };
            let (line_id, seller_id) = match purchase {
                Purchase::None => return Ok(Inserted::NotPurchased),
                Purchase::AllReviewed => return Ok(Inserted::Duplicate),
                Purchase::Line { line_id, seller_id } => (line_id, seller_id),
            };
            let mut reasons = review.reasons.clone();
            let by_account: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM reviews WHERE author_user_id = $1 AND created_at > $2",
            )
            .bind(review.author)
            .bind(review.burst_since)
            .fetch_one(&mut *tx)
            .await?;
            if by_account >= ACCOUNT_BURST {
                reasons.push(ReviewReason {
                    code: "spam_burst_account".into(),
                    score: 0.8,
                    evidence: format!(
                        "{by_account} reviews by this account in {BURST_WINDOW_MINUTES} minutes"
                    ),
                });
            }
            let by_seller: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM reviews WHERE seller_id = $1 AND created_at > $2",
            )
            .bind(seller_id)
            .bind(review.burst_since)
            .fetch_one(&mut *tx)
            .await?;
            if by_seller >= SELLER_BURST {
                reasons.push(ReviewReason {
                    code: "spam_burst_seller".into(),
                    score: 0.7,
                    evidence: format!(
                        "{by_seller} reviews of this seller in {BURST_WINDOW_MINUTES} minutes"
                    ),
                });
            }
            let same_text: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM reviews WHERE text_hash = $1 AND author_user_id <> $2",
            )
            .bind(review.hash)
            .bind(review.author)
            .fetch_one(&mut *tx)
            .await?;
            if same_text > 0 {
                reasons.push(ReviewReason {
                    code: "spam_duplicate_text".into(),
                    score: 0.9,
                    evidence: format!("the same text from {same_text} other review(s)"),
                });
            }
            // The same text reworded by another account: the nearest earlier review by
            // embedding.
            if let Some(vector) = &review.embedding {
                let since = review.at - Duration::days(NEAR_DUPLICATE_WINDOW_DAYS);
                let earlier: Vec<(i64, Vec<u8>)> = sqlx::query_as(
                    "SELECT review_id, vector FROM review_embeddings \
                     WHERE model = $1 AND author_user_id <> $2 AND created_at > $3 \
                     ORDER BY review_id DESC LIMIT $4",
                )
                .bind(EMBEDDING_MODEL)
                .bind(review.author)
                .bind(since)
                .bind(NEAR_DUPLICATE_CANDIDATES)
                .fetch_all(&mut *tx)
                .await?;
                if let Some((other, cosine)) = nearest(vector, &earlier)
                    && cosine >= NEAR_DUPLICATE_COSINE
                    && same_text == 0
                {
                    reasons.push(ReviewReason {
                        code: "spam_near_duplicate".into(),
                        score: 0.8,
                        evidence: format!(
                            "reads like review {other} by another account (cosine {cosine:.3})"
                        ),
                    });
                }
            }
            // Rating manipulation: a run of extreme ratings of one seller's products within
            // the window (as many as the account burst, all 1 or all 5).
            let extreme: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM reviews WHERE seller_id = $1 AND created_at > $2 \
                 AND rating = $3",
            )
            .bind(seller_id)
            .bind(review.burst_since)
            .bind(review.rating)
            .fetch_one(&mut *tx)
            .await?;
            if (review.rating == 1 || review.rating == 5) && extreme >= SELLER_BURST / 2 {
                reasons.push(ReviewReason {
                    code: "rating_manipulation".into(),
                    score: 0.7,
                    evidence: format!(
                        "{extreme} reviews rating this seller {} in {BURST_WINDOW_MINUTES} minutes",
                        review.rating
                    ),
                });
            }
            let status = if reasons.is_empty() {
                "published"
            } else {
                "held"
            };
            let json = reasons_json(&reasons)?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO reviews (product_id, seller_id, order_line_id, author_user_id, \
                 child_id, rating, body, text_hash, status, reasons, screened_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
            )
            .bind(review.product_id)
            .bind(seller_id)
            .bind(line_id)
            .bind(review.author)
            .bind(review.child)
            .bind(review.rating)
            .bind(review.text)
            .bind(review.hash)
            .bind(status)
            .bind(&json)
            .bind(review.screened_by)
            .bind(review.at)
            .fetch_one(&mut *tx)
            .await?;
            if let Some(vector) = &review.embedding {
                sqlx::query(
                    "INSERT INTO review_embeddings (review_id, author_user_id, model, vector, \
                     created_at) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(id)
                .bind(review.author)
                .bind(EMBEDDING_MODEL)
                .bind(vector_bytes(vector))
                .bind(review.at)
                .execute(&mut *tx)
                .await?;
            }
            if status == "published" {
                sqlx::query(RECOMPUTE_RATING)
                    .bind(review.product_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("INSERT INTO catalog_changes (product_id, op) VALUES ($1, 'upsert')")
                    .bind(review.product_id)
                    .execute(&mut *tx)
                    .await?;
            } else {
                // The author (a child's parent) hears the review is held (issue 8).
                crate::notify::events::on_review(
                    (&mut *tx).into(),
                    id,
                    review.author,
                    review.product_id,
                    false,
                )
                .await?;
            }
            tx.commit().await?;
            Inserted::Review(ReviewView {
                id,
                product_id: review.product_id,
                rating: review.rating,
                text: review.text.to_string(),
                status: status.into(),
                reasons,
                photos: Vec::new(),
            })
        }))
    }

    /// Publishes or rejects a held review (a parent only their child's), updating the
    /// product's rating and the outbox when it is published.
    pub async fn decide_review(
        &self,
        id: i64,
        decider: i64,
        parent: bool,
        status: &str,
        reason: &str,
        at: DateTime<Utc>,
    ) -> DbResult<Decided> {
        Ok(dispatch!(self, |pool, dialect| {
            let mut tx = pool.begin().await?;
            if let Some(lock) = dialect.catalog_write_lock {
                sqlx::query(lock).execute(&mut *tx).await?;
            }
            let row: Option<(i64, i64, String, String, String, Option<i64>)> = sqlx::query_as(
                "SELECT r.product_id, CAST(r.rating AS BIGINT), r.body, r.status, r.reasons, \
                 c.parent_user_id FROM reviews r \
                 LEFT JOIN child_profiles c ON c.id = r.child_id WHERE r.id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((product_id, rating, body, current, reasons, parent_user)) = row else {
                return Ok(Decided::NotFound);
            };
            if parent && parent_user != Some(decider) {
                return Ok(Decided::NotFound);
            }
            if current != "held" {
                return Ok(Decided::NotHeld);
            }
            sqlx::query(
                "UPDATE reviews SET status = $2, decided_at = $3, decided_by = $4, \
                 decision_reason = $5 WHERE id = $1 AND status = 'held'",
            )
            .bind(id)
            .bind(status)
            .bind(at)
            .bind(decider)
            .bind(reason)
            .execute(&mut *tx)
            .await?;
            if status == "published" {
                sqlx::query(RECOMPUTE_RATING)
                    .bind(product_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("INSERT INTO catalog_changes (product_id, op) VALUES ($1, 'upsert')")
                    .bind(product_id)
                    .execute(&mut *tx)
                    .await?;
                // The author (a child's parent) hears the review is published (issue 8).
                let author: i64 =
                    sqlx::query_scalar("SELECT author_user_id FROM reviews WHERE id = $1")
                        .bind(id)
                        .fetch_one(&mut *tx)
                        .await?;
                crate::notify::events::on_review((&mut *tx).into(), id, author, product_id, true)
                    .await?;
            }
            tx.commit().await?;
            Decided::Review(ReviewView {
                id,
                product_id,
                rating,
                text: body,
                status: status.into(),
                reasons: parse_reasons(&reasons),
                photos: Vec::new(),
            })
        }))
    }

    /// The author of a review, if it exists.
    pub async fn review_author(&self, id: i64) -> DbResult<Option<i64>> {
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_scalar::<_, i64>("SELECT author_user_id FROM reviews WHERE id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// A review photo with its review's status and author.
    pub async fn review_photo(&self, id: i64) -> DbResult<Option<StoredReviewPhoto>> {
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_as::<_, StoredReviewPhoto>(
                "SELECT p.content_type, p.bytes, r.status, r.author_user_id \
                 FROM review_photos p JOIN reviews r ON r.id = p.review_id WHERE p.id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?
        }))
    }

    /// Stores a photo on the author's review and, when it brings reasons, holds the review
    /// (recomputing the rating with an outbox row when it was published), in one transaction.
    pub async fn insert_review_photo(&self, photo: &NewReviewPhoto<'_>) -> DbResult<PhotoInserted> {
        Ok(dispatch!(self, |pool, dialect| {
            let mut tx = pool.begin().await?;
            if let Some(lock) = dialect.catalog_write_lock {
                sqlx::query(lock).execute(&mut *tx).await?;
            }
            let row: Option<(i64, i64, i64, String, String, String)> = sqlx::query_as(
                "SELECT product_id, author_user_id, CAST(rating AS BIGINT), body, status, reasons \
                 FROM reviews WHERE id = $1",
            )
            .bind(photo.review_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((product_id, author, rating, body, status, reasons)) = row else {
                return Ok(PhotoInserted::NotFound);
            };
            if author != photo.author {
                return Ok(PhotoInserted::NotFound);
            }
            if status == "rejected" {
                return Ok(PhotoInserted::Closed);
            }
            let count: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM review_photos WHERE review_id = $1")
                    .bind(photo.review_id)
                    .fetch_one(&mut *tx)
                    .await?;
            if count >= MAX_PHOTOS {
                return Ok(PhotoInserted::TooMany);
            }
            let id: Option<i64> = sqlx::query_scalar(
                "INSERT INTO review_photos (review_id, content_type, bytes, sha256, width, \
                 height, safety, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                 ON CONFLICT (review_id, sha256) DO NOTHING RETURNING id",
            )
            .bind(photo.review_id)
            .bind(photo.content_type)
            .bind(photo.bytes)
            .bind(&photo.sha256)
            .bind(photo.width)
            .bind(photo.height)
            .bind(&photo.safety_json)
            .bind(photo.at)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(id) = id else {
                return Ok(PhotoInserted::Duplicate);
            };
            let mut all_reasons = parse_reasons(&reasons);
            let mut new_status = status.clone();
            if !photo.reasons.is_empty() {
                all_reasons.extend(photo.reasons.iter().cloned());
                new_status = "held".to_owned();
                sqlx::query("UPDATE reviews SET status = 'held', reasons = $2 WHERE id = $1")
                    .bind(photo.review_id)
                    .bind(reasons_json(&all_reasons)?)
                    .execute(&mut *tx)
                    .await?;
                if status == "published" {
                    sqlx::query(RECOMPUTE_RATING)
                        .bind(product_id)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query(
                        "INSERT INTO catalog_changes (product_id, op) VALUES ($1, 'upsert')",
                    )
                    .bind(product_id)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            let photos: Vec<i64> =
                sqlx::query_scalar("SELECT id FROM review_photos WHERE review_id = $1 ORDER BY id")
                    .bind(photo.review_id)
                    .fetch_all(&mut *tx)
                    .await?;
            tx.commit().await?;
            PhotoInserted::Photo(ReviewPhotoView {
                id,
                url: photo_url(id),
                review: ReviewView {
                    id: photo.review_id,
                    product_id,
                    rating,
                    text: body,
                    status: new_status,
                    reasons: all_reasons,
                    photos: photos.into_iter().map(photo_url).collect(),
                },
            })
        }))
    }

    /// The published reviews of a product, newest first.
    pub async fn published_reviews(&self, product_id: i64) -> DbResult<Vec<ReviewView>> {
        Ok(dispatch!(self, |pool, _d| {
            let rows: Vec<(i64, i64, String)> = sqlx::query_as(
                "SELECT id, CAST(rating AS BIGINT), body FROM reviews \
                 WHERE product_id = $1 AND status = 'published' ORDER BY id DESC LIMIT 100",
            )
            .bind(product_id)
            .fetch_all(pool)
            .await?;
            let photos: Vec<(i64, i64)> = sqlx::query_as(
                "SELECT p.review_id, p.id FROM review_photos p \
                 JOIN reviews r ON r.id = p.review_id \
                 WHERE r.product_id = $1 AND r.status = 'published' ORDER BY p.id",
            )
            .bind(product_id)
            .fetch_all(pool)
            .await?;
            rows.into_iter()
                .map(|(id, rating, text)| ReviewView {
                    id,
                    product_id,
                    rating,
                    text,
                    status: "published".into(),
                    reasons: Vec::new(),
                    photos: photos
                        .iter()
                        .filter(|(review, _)| *review == id)
                        .map(|(_, photo)| photo_url(*photo))
                        .collect(),
                })
                .collect()
        }))
    }
}

/// Abuse reports from distinct accounts that take a published review down for a moderator.
pub const REPORTS_TO_HOLD: i64 = 3;

/// What a vote or a report did.
pub enum Flagged {
    /// Counted (`true`) or already counted for this account (`false`).
    Counted(bool),
    /// No published review with that id.
    NotFound,
}

/// A held review for a moderator.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HeldReview {
    /// The review.
    #[serde(flatten)]
    pub review: ReviewView,
    /// The author.
    pub author_user_id: i64,
    /// The child profile when a child wrote it.
    pub child_id: Option<i64>,
    /// The rules and models that screened it.
    pub screened_by: String,
}

impl crate::db::Db {
    /// Counts `user`'s helpful vote once.
    pub async fn vote_helpful(&self, id: i64, user: i64, at: DateTime<Utc>) -> DbResult<Flagged> {
        Ok(dispatch!(self, |pool, _d| {
            let mut tx = pool.begin().await?;
            let inserted = sqlx::query(
                "INSERT INTO review_votes (review_id, user_id, created_at) \
                 SELECT id, $2, $3 FROM reviews WHERE id = $1 AND status = 'published' \
                 ON CONFLICT DO NOTHING",
            )
            .bind(id)
            .bind(user)
            .bind(at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            let exists: Option<i64> =
                sqlx::query_scalar("SELECT id FROM reviews WHERE id = $1 AND status = 'published'")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if exists.is_none() {
                return Ok(Flagged::NotFound);
            }
            if inserted > 0 {
                sqlx::query("UPDATE reviews SET helpful_count = helpful_count + 1 WHERE id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Flagged::Counted(inserted > 0)
        }))
    }

    /// Records `user`'s abuse report once; the [`REPORTS_TO_HOLD`]th takes the review down
    /// (held, `abuse_reports`), recomputing the rating with an outbox row.
    pub async fn report_review(
        &self,
        id: i64,
        user: i64,
        reason: &str,
        at: DateTime<Utc>,
    ) -> DbResult<Flagged> {
        Ok(dispatch!(self, |pool, dialect| {
            let mut tx = pool.begin().await?;
            if let Some(lock) = dialect.catalog_write_lock {
                sqlx::query(lock).execute(&mut *tx).await?;
            }
            let row: Option<(i64, String)> = sqlx::query_as(
                "SELECT product_id, reasons FROM reviews WHERE id = $1 AND status = 'published'",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((product_id, reasons)) = row else {
                return Ok(Flagged::NotFound);
            };
            let inserted = sqlx::query(
                "INSERT INTO review_reports (review_id, user_id, reason, created_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            )
            .bind(id)
            .bind(user)
            .bind(reason)
            .bind(at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            let reports: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM review_reports WHERE review_id = $1")
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
            if inserted > 0 && reports >= REPORTS_TO_HOLD {
                let mut reasons = parse_reasons(&reasons);
                reasons.push(ReviewReason {
                    code: "abuse_reports".into(),
                    score: 0.8,
                    evidence: format!("{reports} accounts reported it"),
                });
                sqlx::query("UPDATE reviews SET status = 'held', reasons = $2 WHERE id = $1")
                    .bind(id)
                    .bind(reasons_json(&reasons)?)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(RECOMPUTE_RATING)
                    .bind(product_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("INSERT INTO catalog_changes (product_id, op) VALUES ($1, 'upsert')")
                    .bind(product_id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Flagged::Counted(inserted > 0)
        }))
    }

    /// Held reviews, oldest first (at most 100), for moderators.
    pub async fn held_reviews(&self) -> DbResult<Vec<HeldReview>> {
        Ok(dispatch!(self, |pool, _d| {
            type Row = (i64, i64, i64, String, String, i64, Option<i64>, String);
            let rows: Vec<Row> = sqlx::query_as(
                "SELECT id, product_id, CAST(rating AS BIGINT), body, reasons, author_user_id, \
                 child_id, screened_by FROM reviews WHERE status = 'held' ORDER BY id LIMIT 100",
            )
            .fetch_all(pool)
            .await?;
            rows.into_iter()
                .map(
                    |(id, product_id, rating, text, reasons, author, child, screened_by)| {
                        HeldReview {
                            review: ReviewView {
                                id,
                                product_id,
                                rating,
                                text,
                                status: "held".into(),
                                reasons: parse_reasons(&reasons),
                                photos: Vec::new(),
                            },
                            author_user_id: author,
                            child_id: child,
                            screened_by,
                        }
                    },
                )
                .collect()
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_phones_and_promo_codes_are_spam_signals() {
        let codes = |text: &str| -> Vec<String> {
            text_spam_reasons(text)
                .into_iter()
                .map(|reason| reason.code)
                .collect()
        };
        assert_eq!(
            codes("Juda yaxshi robot, bolam xursand"),
            Vec::<String>::new()
        );
        assert_eq!(codes("Arzonroq: https://example.uz/robot"), ["spam_link"]);
        assert_eq!(codes("Qo'ng'iroq qiling +998 90 123-45-67"), ["spam_phone"]);
        assert_eq!(codes("Промокод KIDS50 даёт скидку"), ["spam_promo_code"]);
        assert_eq!(
            codes("Ikki yil ishladi, 2 ta batareya"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn the_nearest_stored_vector_is_found_by_cosine() {
        let a = [0.6f32, 0.8, 0.0];
        let stored = vec![
            (1, vector_bytes(&[1.0, 0.0, 0.0])),
            (2, vector_bytes(&[0.6, 0.8, 0.0])),
            (3, vector_bytes(&[1.0, 0.0])),
        ];
        let (id, cosine) = nearest(&a, &stored).unwrap();
        assert_eq!(id, 2);
        assert!((cosine - 1.0).abs() < 1e-6);
        assert_eq!(nearest(&a, &[]), None);
    }
}
