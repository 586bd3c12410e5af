//! Product reviews: `GET/POST /api/v1/products/{id}/reviews` and
//! `POST /api/v1/reviews/{id}/decision` (moderators, or the parent of a child author).
//! See [`crate::reviews`] for the rules.

use crate::auth::{ClientMeta, CurrentUser, Role};
use crate::reviews::{
    self, Flagged, HeldReview, ReviewDecision, ReviewPhotoView, ReviewRequest, ReviewView,
};
use crate::routes::auth::JsonBody;
use crate::routes::seller::parse_product_id;
use crate::{ApiError, AppState};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The largest body these routes read.
const MAX_BODY_BYTES: usize = 32 * 1024;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/products/{id}/reviews",
            get(list_reviews).post(create_review),
        )
        .route("/api/v1/reviews/{id}/decision", post(decide_review))
        .route("/api/v1/reviews/{id}/helpful", post(helpful))
        .route("/api/v1/reviews/{id}/report", post(report))
        .route("/api/v1/moderation/reviews", get(held_reviews))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        // Raw image bodies are read with their own limit (`MAX_IMAGE_BYTES`).
        .route("/api/v1/reviews/{id}/photos", post(upload_review_photo))
}

fn parse_review_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>().ok().filter(|id| *id > 0).ok_or_else(|| {
        ApiError::bad_request(
            "invalid_review_id",
            "the review id must be a positive integer",
        )
    })
}

/// The published reviews of a product, newest first (at most 100).
#[utoipa::path(
    get,
    path = "/api/v1/products/{id}/reviews",
    tag = "reviews",
    params(("id" = i64, Path, description = "Product id")),
    responses(
        (status = 200, description = "Published reviews", body = [ReviewView]),
        (status = 400, description = "invalid_product_id", body = crate::error::ErrorBody),
    )
)]
pub async fn list_reviews(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Vec<ReviewView>>, ApiError> {
    let id = parse_product_id(&id)?;
    Ok(Json(state.0.db.published_reviews(id).await?))
}

/// Reviews a product the caller bought and received; screened at once (published, or held
/// for a moderator with its reasons; a child's review always waits for approval).
#[utoipa::path(
    post,
    path = "/api/v1/products/{id}/reviews",
    tag = "reviews",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "Product id")),
    request_body = ReviewRequest,
    responses(
        (status = 201, description = "Written; `status` is published or held (with `reasons`)", body = ReviewView),
        (status = 400, description = "invalid_product_id, invalid_rating, invalid_text, invalid_json", body = crate::error::ErrorBody),
        (status = 403, description = "No delivered purchase of this product (not_a_verified_purchaser)", body = crate::error::ErrorBody),
        (status = 409, description = "Every delivered purchase is already reviewed (already_reviewed)", body = crate::error::ErrorBody),
    )
)]
pub async fn create_review(
    user: CurrentUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ReviewRequest>,
) -> Result<(StatusCode, Json<ReviewView>), ApiError> {
    let id = parse_product_id(&id)?;
    let view =
        reviews::create_review(&state.0, user.id.0, user.role == Role::Child, id, &body).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Adds a photo (raw JPEG, PNG, WebP or GIF body, at most 8 MiB; at most 4 per review) to the
/// caller's own review. It is screened like a listing image by the image-safety model; a
/// doubtful photo, or one the model could not score, holds the review for a moderator or
/// parent (a published review leaves the rating until then). Served at `url` while the
/// review is published.
#[utoipa::path(
    post,
    path = "/api/v1/reviews/{id}/photos",
    tag = "reviews",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "Review id")),
    request_body(content = Vec<u8>, description = "The photo, at most 8 MiB", content_type = "image/jpeg"),
    responses(
        (status = 201, description = "Stored and screened; the review as it stands now", body = ReviewPhotoView),
        (status = 400, description = "invalid_review_id, invalid_image (empty, corrupt, too many pixels, or not the declared type)", body = crate::error::ErrorBody),
        (status = 404, description = "No review of the caller's with that id (review_not_found)", body = crate::error::ErrorBody),
        (status = 409, description = "too_many_photos, duplicate_photo, review_rejected", body = crate::error::ErrorBody),
        (status = 413, description = "payload_too_large", body = crate::error::ErrorBody),
        (status = 415, description = "Not JPEG, PNG, WebP or GIF (unsupported_media_type)", body = crate::error::ErrorBody),
    )
)]
pub async fn upload_review_photo(
    user: CurrentUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
    body: axum::body::Body,
) -> Result<(StatusCode, Json<ReviewPhotoView>), ApiError> {
    let id = parse_review_id(&id)?;
    let max = crate::listings::images::MAX_IMAGE_BYTES;
    let bytes = axum::body::to_bytes(body, max)
        .await
        .map_err(|_| ApiError::payload_too_large(format!("a photo must be at most {max} bytes")))?;
    if bytes.is_empty() {
        return Err(ApiError::bad_request("invalid_image", "the body is empty"));
    }
    let declared = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok());
    let view = reviews::add_photo(&state.0, user.id.0, id, declared, bytes.to_vec()).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Approves (publishes) or rejects a held review: moderators and admins any, a parent only
/// their child's (another's is 404). Audited.
#[utoipa::path(
    post,
    path = "/api/v1/reviews/{id}/decision",
    tag = "reviews",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "Review id")),
    request_body = ReviewDecision,
    responses(
        (status = 200, description = "Decided", body = ReviewView),
        (status = 400, description = "invalid_review_id, invalid_decision, invalid_reason, invalid_json", body = crate::error::ErrorBody),
        (status = 404, description = "review_not_found", body = crate::error::ErrorBody),
        (status = 409, description = "review_not_held", body = crate::error::ErrorBody),
    )
)]
pub async fn decide_review(
    user: CurrentUser,
    meta: ClientMeta,
    State(state): State<AppState>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ReviewDecision>,
) -> Result<Json<ReviewView>, ApiError> {
    let id = parse_review_id(&id)?;
    let parent = user.role == Role::Parent;
    let view = reviews::decide_review(&state.0, user.id.0, parent, id, &body).await?;
    crate::auth::audit(
        &state,
        &meta,
        Some(user.id),
        "review_decision",
        None,
        serde_json::json!({
            "review_id": id,
            "product_id": view.product_id,
            "status": view.status,
            "reason": body.reason,
        }),
    )
    .await?;
    Ok(Json(view))
}

/// Whether a vote or report was counted.
#[derive(Debug, Serialize, ToSchema)]
pub struct Counted {
    /// `false` when this account had already voted or reported.
    pub counted: bool,
}

fn flagged(id: i64, outcome: Flagged) -> Result<Json<Counted>, ApiError> {
    match outcome {
        Flagged::Counted(counted) => Ok(Json(Counted { counted })),
        Flagged::NotFound => Err(ApiError::not_found(
            "review_not_found",
            format!("review {id} does not exist"),
        )),
    }
}

/// Marks a published review helpful, once per account.
#[utoipa::path(
    post,
    path = "/api/v1/reviews/{id}/helpful",
    tag = "reviews",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "Review id")),
    responses(
        (status = 200, description = "Counted (or already counted)", body = Counted),
        (status = 400, description = "invalid_review_id", body = crate::error::ErrorBody),
        (status = 404, description = "No published review (review_not_found)", body = crate::error::ErrorBody),
    )
)]
pub async fn helpful(
    user: CurrentUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Counted>, ApiError> {
    let id = parse_review_id(&id)?;
    let outcome = state
        .0
        .db
        .vote_helpful(id, user.id.0, state.0.auth.now())
        .await?;
    flagged(id, outcome)
}

/// `POST /api/v1/reviews/{id}/report`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportRequest {
    /// What is wrong with the review: 1 to 500 characters.
    pub reason: String,
}

/// Reports an abusive review, once per account; enough reports hold it for a moderator.
#[utoipa::path(
    post,
    path = "/api/v1/reviews/{id}/report",
    tag = "reviews",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "Review id")),
    request_body = ReportRequest,
    responses(
        (status = 200, description = "Counted (or already reported)", body = Counted),
        (status = 400, description = "invalid_review_id, invalid_reason, invalid_json", body = crate::error::ErrorBody),
        (status = 404, description = "No published review (review_not_found)", body = crate::error::ErrorBody),
    )
)]
pub async fn report(
    user: CurrentUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ReportRequest>,
) -> Result<Json<Counted>, ApiError> {
    let id = parse_review_id(&id)?;
    let reason = body.reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(ApiError::bad_request(
            "invalid_reason",
            "the reason must have 1 to 500 characters",
        ));
    }
    let outcome = state
        .0
        .db
        .report_review(id, user.id.0, reason, state.0.auth.now())
        .await?;
    if matches!(outcome, Flagged::Counted(true)) {
        state.0.index_wakeup.notify_one();
    }
    flagged(id, outcome)
}

/// Held reviews with their reasons, oldest first (at most 100).
#[utoipa::path(
    get,
    path = "/api/v1/moderation/reviews",
    tag = "reviews",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "Held reviews", body = [HeldReview]),
    )
)]
pub async fn held_reviews(
    _moderator: CurrentUser,
    State(state): State<AppState>,
) -> Result<Json<Vec<HeldReview>>, ApiError> {
    Ok(Json(state.0.db.held_reviews().await?))
}
