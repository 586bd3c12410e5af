//! `/api/v1/moderation/…`: the moderators' queue: list and filter it, view an item with its
//! highlighted reasons and decision trail, assign it, decide one item or many. Moderators and
//! admins only. The trail is append-only: no route changes or removes a record.

use crate::auth::{ClientMeta, CurrentUser};
use crate::db::accounts::UserId;
use crate::listings::images::SafetyRecord;
use crate::listings::{ListingView, ReasonView, text_fields};
use crate::moderation_queue::highlight::{FieldHighlight, highlight_fields};
use crate::moderation_queue::{
    self, DecisionRow, HumanDecision, ItemRow, MAX_BULK, QueueFilter, QueueState, REVIEW_SLA,
    is_overdue,
};
use crate::routes::auth::{JsonBody, OptionalJsonBody};
use crate::routes::search::decode_pairs;
use crate::routes::seller::parse_product_id;
use crate::{ApiError, AppState};
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

const MAX_BODY_BYTES: usize = 64 * 1024;
/// Largest page of the queue.
const MAX_PER_PAGE: u32 = 100;
/// Default page size.
const DEFAULT_PER_PAGE: u32 = 20;
/// Deepest page.
const MAX_PAGE: u32 = 1_000;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/moderation/queue", get(queue))
        .route("/api/v1/moderation/items/{id}", get(item))
        .route("/api/v1/moderation/items/{id}/assign", post(assign))
        .route("/api/v1/moderation/items/{id}/decision", post(decide))
        .route("/api/v1/moderation/decisions", post(bulk_decide))
        .route("/api/v1/moderation/images/{id}", get(image))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
}

/// One item of the queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueueEntry {
    /// The product.
    pub product_id: i64,
    /// Its seller.
    pub seller_id: i64,
    /// Its first title.
    pub title: String,
    /// Workflow state.
    pub state: QueueState,
    /// Edit revision.
    pub revision: i64,
    /// Strongest reason's score.
    pub top_score: f64,
    /// Reason codes.
    pub reasons: Vec<String>,
    /// First submission.
    #[schema(value_type = String, format = DateTime)]
    pub submitted_at: DateTime<Utc>,
    /// When it (re-)entered the queue.
    #[schema(value_type = String, format = DateTime)]
    pub queued_at: DateTime<Utc>,
    /// When a decision is due (open items).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub due_at: Option<DateTime<Utc>>,
    /// Open and past its due time.
    pub overdue: bool,
    /// The assigned moderator.
    pub assigned_to: Option<i64>,
}

/// A page of the queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueuePage {
    /// Items matching the filter.
    pub total: u64,
    /// Page number (from 1).
    pub page: u32,
    /// Page size.
    pub per_page: u32,
    /// Oldest queued first.
    pub items: Vec<QueueEntry>,
}

fn due_at(state: QueueState, queued_at: DateTime<Utc>) -> Option<DateTime<Utc>> {
    state.is_open().then(|| queued_at + REVIEW_SLA)
}

fn parse_filter(
    raw: Option<&str>,
    user: &CurrentUser,
    now: DateTime<Utc>,
) -> Result<(QueueFilter, u32, u32), ApiError> {
    let pairs = decode_pairs(raw.unwrap_or_default())?;
    let value = |name: &str| {
        pairs
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.trim())
            .filter(|value| !value.is_empty())
    };
    let states = match value("state") {
        None | Some("open") => QueueState::ALL
            .into_iter()
            .filter(|state| state.is_open())
            .collect(),
        Some("all") => QueueState::ALL.to_vec(),
        Some(list) => list
            .split(',')
            .map(|name| {
                QueueState::parse(name.trim()).ok_or_else(|| {
                    ApiError::bad_request(
                        "invalid_state",
                        format!(
                            "state must be open, all, or a comma-separated list of pending, \
                             auto_approved, flagged, appealed, approved, rejected (got {name:?})"
                        ),
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?,
    };
    let reason = match value("reason") {
        None => None,
        Some(code)
            if code.len() <= 64
                && code
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') =>
        {
            Some(code.to_owned())
        }
        Some(_) => {
            return Err(ApiError::bad_request(
                "invalid_reason",
                "reason must be a snake_case reason code such as lexicon_weapons",
            ));
        }
    };
    let score = |name: &str| -> Result<Option<f64>, ApiError> {
        value(name)
            .map(|raw| {
                raw.parse::<f64>()
                    .ok()
                    .filter(|score| (0.0..=1.0).contains(score))
                    .ok_or_else(|| {
                        ApiError::bad_request(
                            "invalid_score",
                            format!("{name} must be a number from 0 to 1"),
                        )
                    })
            })
            .transpose()
    };
    let (min_score, max_score) = (score("min_score")?, score("max_score")?);
    if let (Some(min), Some(max)) = (min_score, max_score)
        && min > max
    {
        return Err(ApiError::bad_request(
            "invalid_score",
            "min_score must not exceed max_score",
        ));
    }
    let queued_before = match value("overdue") {
        None | Some("false") => None,
        Some("true") => Some(now - REVIEW_SLA),
        Some(_) => {
            return Err(ApiError::bad_request(
                "invalid_overdue",
                "overdue must be true or false",
            ));
        }
    };
    let assigned_to = match value("assigned") {
        None => None,
        Some("me") => Some(Some(user.id.0)),
        Some("none") => Some(None),
        Some(raw) => Some(Some(
            raw.parse::<i64>()
                .ok()
                .filter(|id| *id > 0)
                .ok_or_else(|| {
                    ApiError::bad_request(
                        "invalid_assigned",
                        "assigned must be me, none or a user id",
                    )
                })?,
        )),
    };
    let number = |name: &str, default: u32, max: u32| -> Result<u32, ApiError> {
        match value(name) {
            None => Ok(default),
            Some(raw) => raw
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| {
                    ApiError::bad_request(
                        "invalid_page",
                        format!("{name} must be an integer from 1 to {max}"),
                    )
                }),
        }
    };
    let page = number("page", 1, MAX_PAGE)?;
    let per_page = number("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)?;
    Ok((
        QueueFilter {
            states,
            reason,
            min_score,
            max_score,
            queued_before,
            assigned_to,
            limit: per_page,
            offset: u64::from(page - 1) * u64::from(per_page),
        },
        page,
        per_page,
    ))
}

/// Lists the queue, oldest queued first.
#[utoipa::path(
    get,
    path = "/api/v1/moderation/queue",
    tag = "moderation",
    security(("bearer" = []), ("cookie" = [])),
    params(
        ("state" = Option<String>, Query, description = "open (default: pending, flagged, appealed), all, or a comma-separated list of states"),
        ("reason" = Option<String>, Query, description = "Only items with this reason code, e.g. model_unavailable"),
        ("min_score" = Option<f64>, Query, description = "Strongest reason's score at least this (0 to 1)"),
        ("max_score" = Option<f64>, Query, description = "Strongest reason's score at most this (0 to 1)"),
        ("overdue" = Option<bool>, Query, description = "Only items waiting longer than the 24-hour SLA"),
        ("assigned" = Option<String>, Query, description = "me, none, or a moderator's user id"),
        ("page" = Option<u32>, Query, description = "From 1"),
        ("per_page" = Option<u32>, Query, description = "1 to 100, default 20"),
    ),
    responses(
        (status = 200, description = "A page of the queue", body = QueuePage),
        (status = 400, description = "invalid_state, invalid_reason, invalid_score, invalid_overdue, invalid_assigned, invalid_page, invalid_utf8", body = crate::error::ErrorBody),
        (status = 403, description = "Not a moderator (forbidden)", body = crate::error::ErrorBody),
    )
)]
pub async fn queue(
    user: CurrentUser,
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<QueuePage>, ApiError> {
    let now = state.0.auth.now();
    let (filter, page, per_page) = parse_filter(raw.as_deref(), &user, now)?;
    let (rows, total) = state.0.db.moderation_queue(&filter).await?;
    let items = rows
        .into_iter()
        .map(|row| {
            let item_state = row.item.state()?;
            Ok(QueueEntry {
                product_id: row.item.product_id,
                seller_id: row.seller_id,
                title: row.title,
                state: item_state,
                revision: row.item.revision,
                top_score: row.item.top_score,
                reasons: row
                    .item
                    .reason_codes
                    .split(',')
                    .filter(|code| !code.is_empty())
                    .map(str::to_owned)
                    .collect(),
                submitted_at: row.item.submitted_at,
                queued_at: row.item.queued_at,
                due_at: due_at(item_state, row.item.queued_at),
                overdue: is_overdue(item_state, row.item.queued_at, now),
                assigned_to: row.item.assigned_to,
            })
        })
        .collect::<Result<_, ApiError>>()?;
    Ok(Json(QueuePage {
        total,
        page,
        per_page,
        items,
    }))
}

/// One record of an item's decision trail.
#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionView {
    /// Order in the trail.
    pub id: i64,
    /// The revision decided.
    pub revision: i64,
    /// When.
    #[schema(value_type = String, format = DateTime)]
    pub at: DateTime<Utc>,
    /// The person, if a person acted.
    pub actor_user_id: Option<i64>,
    /// The rules and model versions, if the screening acted.
    pub actor_model: Option<String>,
    /// `screen`, `assign`, `decide` or `appeal`.
    pub action: String,
    /// State before.
    pub from_state: String,
    /// State after.
    pub to_state: String,
    /// Why.
    pub reason: String,
    /// The reasons and scores the decision was made on.
    pub scores: Vec<ReasonView>,
}

impl DecisionView {
    fn of(row: DecisionRow) -> Result<Self, ApiError> {
        let reasons: Vec<moderation::Reason> = serde_json::from_str(&row.scores)
            .map_err(|error| ApiError::internal(format!("decision {}: {error}", row.id)))?;
        Ok(Self {
            id: row.id,
            revision: row.revision,
            at: row.at,
            actor_user_id: row.actor_user_id,
            actor_model: row.actor_model,
            action: row.action,
            from_state: row.from_state,
            to_state: row.to_state,
            reason: row.reason,
            scores: reasons.iter().map(ReasonView::from).collect(),
        })
    }
}

/// An uploaded image as a moderator reviews it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImageReview {
    /// Image id.
    pub id: i64,
    /// Where a moderator sees it (whatever the product's state).
    pub preview_url: String,
    /// Content type.
    pub content_type: String,
    /// Width in pixels.
    pub width: i64,
    /// Height in pixels.
    pub height: i64,
    /// The model (`name@version`) that scored it, if one did.
    pub model: Option<String>,
    /// Probability of sexual content.
    pub sexual: Option<f32>,
    /// Probability of gore.
    pub gore: Option<f32>,
    /// Why it was not scored.
    pub unavailable: Option<String>,
}

/// An item as a moderator reviews it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemView {
    /// The listing with its moderation state and reasons.
    pub listing: ListingView,
    /// The assigned moderator.
    pub assigned_to: Option<i64>,
    /// When it was assigned.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub assigned_at: Option<DateTime<Utc>>,
    /// The person who last decided (`None`: the screening).
    pub decided_by: Option<i64>,
    /// When a decision is due (open items).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub due_at: Option<DateTime<Utc>>,
    /// Open and past its due time.
    pub overdue: bool,
    /// Which words of which field each reason matched.
    pub highlights: Vec<FieldHighlight>,
    /// Every uploaded image with what the image-safety model said about it.
    pub images: Vec<ImageReview>,
    /// Every screening, assignment, decision and appeal, oldest first.
    pub history: Vec<DecisionView>,
}

async fn item_view(state: &AppState, item: ItemRow) -> Result<ItemView, ApiError> {
    let product_id = item.product_id;
    let record = state
        .0
        .db
        .product_record(product_id)
        .await?
        .ok_or_else(|| {
            ApiError::not_found(
                "item_not_found",
                format!("product {product_id} is not in the moderation queue"),
            )
        })?;
    let item_state = item.state()?;
    let reasons = item.reasons()?;
    let history = state
        .0
        .db
        .moderation_history(product_id)
        .await?
        .into_iter()
        .map(DecisionView::of)
        .collect::<Result<_, _>>()?;
    let images = state
        .0
        .db
        .listing_images_of(product_id)
        .await?
        .into_iter()
        .map(|(id, content_type, width, height, safety)| {
            let safety: SafetyRecord = serde_json::from_str(&safety).unwrap_or_default();
            ImageReview {
                id,
                preview_url: format!("/api/v1/moderation/images/{id}"),
                content_type,
                width,
                height,
                model: safety.model,
                sexual: safety.sexual,
                gore: safety.gore,
                unavailable: safety.unavailable,
            }
        })
        .collect();
    let now = state.0.auth.now();
    Ok(ItemView {
        images,
        highlights: highlight_fields(&text_fields(&record), &reasons),
        listing: ListingView::of(&record, Some(&item))?,
        assigned_to: item.assigned_to,
        assigned_at: item.assigned_at,
        decided_by: item.decided_by,
        due_at: due_at(item_state, item.queued_at),
        overdue: is_overdue(item_state, item.queued_at, now),
        history,
    })
}

/// Returns an item with its highlighted reasons and decision trail.
#[utoipa::path(
    get,
    path = "/api/v1/moderation/items/{id}",
    tag = "moderation",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "Product id")),
    responses(
        (status = 200, description = "The item", body = ItemView),
        (status = 400, description = "invalid_product_id", body = crate::error::ErrorBody),
        (status = 404, description = "item_not_found", body = crate::error::ErrorBody),
    )
)]
pub async fn item(
    _user: CurrentUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ItemView>, ApiError> {
    let id = parse_product_id(&id)?;
    let item = moderation_queue::load_item(&state, id).await?;
    Ok(Json(item_view(&state, item).await?))
}

/// `POST /api/v1/moderation/items/{id}/assign`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignRequest {
    /// The moderator or admin to assign; the caller when absent.
    #[serde(default)]
    pub moderator_id: Option<i64>,
}

/// Assigns an open item to a moderator (the caller by default).
#[utoipa::path(
    post,
    path = "/api/v1/moderation/items/{id}/assign",
    tag = "moderation",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "Product id")),
    request_body(content = Option<AssignRequest>, description = "Optional; empty assigns the caller"),
    responses(
        (status = 200, description = "Assigned", body = ItemView),
        (status = 400, description = "invalid_product_id, invalid_assignee, invalid_json", body = crate::error::ErrorBody),
        (status = 404, description = "item_not_found", body = crate::error::ErrorBody),
        (status = 409, description = "item_not_open, item_changed", body = crate::error::ErrorBody),
    )
)]
pub async fn assign(
    user: CurrentUser,
    State(state): State<AppState>,
    meta: ClientMeta,
    Path(id): Path<String>,
    OptionalJsonBody(body): OptionalJsonBody<AssignRequest>,
) -> Result<Json<ItemView>, ApiError> {
    let id = parse_product_id(&id)?;
    let assignee = match body.and_then(|body| body.moderator_id) {
        None => user.id,
        Some(raw) if raw > 0 => UserId(raw),
        Some(_) => {
            return Err(ApiError::bad_request(
                "invalid_assignee",
                "moderator_id must be a positive integer",
            ));
        }
    };
    let item = moderation_queue::assign(&state, &meta, &user, id, assignee).await?;
    Ok(Json(item_view(&state, item).await?))
}

/// `POST /api/v1/moderation/items/{id}/decision`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    /// `approve` or `reject`.
    pub decision: HumanDecision,
    /// Why: 1 to 1,000 characters (shown to the seller).
    pub reason: String,
    /// The revision reviewed; a newer edit makes the decision `stale_revision`.
    #[serde(default)]
    pub revision: Option<i64>,
}

/// Decides an item: approve (visible within a second) or reject.
#[utoipa::path(
    post,
    path = "/api/v1/moderation/items/{id}/decision",
    tag = "moderation",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "Product id")),
    request_body = DecisionRequest,
    responses(
        (status = 200, description = "Decided", body = ItemView),
        (status = 400, description = "invalid_product_id, invalid_reason, invalid_json", body = crate::error::ErrorBody),
        (status = 404, description = "item_not_found", body = crate::error::ErrorBody),
        (status = 409, description = "already_decided, appeal_required, stale_revision, item_changed", body = crate::error::ErrorBody),
    )
)]
pub async fn decide(
    user: CurrentUser,
    State(state): State<AppState>,
    meta: ClientMeta,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<DecisionRequest>,
) -> Result<Json<ItemView>, ApiError> {
    let id = parse_product_id(&id)?;
    let reason = moderation_queue::validate_note(&body.reason, "invalid_reason", "reason")?;
    let item = moderation_queue::decide(
        &state,
        &meta,
        &user,
        id,
        body.decision,
        &reason,
        body.revision,
    )
    .await?;
    Ok(Json(item_view(&state, item).await?))
}

/// `POST /api/v1/moderation/decisions`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkDecisionRequest {
    /// 1 to 100 distinct product ids.
    pub product_ids: Vec<i64>,
    /// `approve` or `reject`, for all of them.
    pub decision: HumanDecision,
    /// Why: 1 to 1,000 characters.
    pub reason: String,
}

/// The outcome for one item of a bulk decision.
#[derive(Debug, Serialize, ToSchema)]
pub struct BulkOutcome {
    /// The product.
    pub product_id: i64,
    /// Its state afterwards, when the decision applied.
    pub state: Option<QueueState>,
    /// Why it did not apply.
    pub error: Option<crate::error::ErrorDetail>,
}

/// The outcomes of a bulk decision, in request order.
#[derive(Debug, Serialize, ToSchema)]
pub struct BulkResult {
    /// How many applied.
    pub applied: usize,
    /// One per product id.
    pub results: Vec<BulkOutcome>,
}

/// Decides many items alike; each applies (or fails) on its own.
#[utoipa::path(
    post,
    path = "/api/v1/moderation/decisions",
    tag = "moderation",
    security(("bearer" = []), ("cookie" = [])),
    request_body = BulkDecisionRequest,
    responses(
        (status = 200, description = "Per-item outcomes", body = BulkResult),
        (status = 400, description = "invalid_product_ids, invalid_reason, invalid_json", body = crate::error::ErrorBody),
    )
)]
pub async fn bulk_decide(
    user: CurrentUser,
    State(state): State<AppState>,
    meta: ClientMeta,
    JsonBody(body): JsonBody<BulkDecisionRequest>,
) -> Result<Json<BulkResult>, ApiError> {
    let reason = moderation_queue::validate_note(&body.reason, "invalid_reason", "reason")?;
    let mut seen = std::collections::BTreeSet::new();
    if body.product_ids.is_empty()
        || body.product_ids.len() > MAX_BULK
        || body
            .product_ids
            .iter()
            .any(|id| *id <= 0 || !seen.insert(*id))
    {
        return Err(ApiError::bad_request(
            "invalid_product_ids",
            format!("product_ids must be 1 to {MAX_BULK} distinct positive integers"),
        ));
    }
    let mut results = Vec::with_capacity(body.product_ids.len());
    for id in &body.product_ids {
        let outcome =
            moderation_queue::decide(&state, &meta, &user, *id, body.decision, &reason, None).await;
        results.push(match outcome {
            Ok(item) => BulkOutcome {
                product_id: *id,
                state: Some(item.state()?),
                error: None,
            },
            Err(error) if error.status.is_server_error() => return Err(error),
            Err(error) => BulkOutcome {
                product_id: *id,
                state: None,
                error: Some(crate::error::ErrorDetail {
                    code: error.code.to_owned(),
                    message: error.message,
                }),
            },
        });
    }
    Ok(Json(BulkResult {
        applied: results
            .iter()
            .filter(|result| result.state.is_some())
            .count(),
        results,
    }))
}

/// Returns an uploaded image whatever its product's state, for review.
#[utoipa::path(
    get,
    path = "/api/v1/moderation/images/{id}",
    tag = "moderation",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "Image id")),
    responses(
        (status = 200, description = "The image bytes", content_type = "image/*"),
        (status = 404, description = "image_not_found", body = crate::error::ErrorBody),
    )
)]
pub async fn image(
    _user: CurrentUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let not_found = || ApiError::not_found("image_not_found", "no such image");
    let id = id
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(not_found)?;
    let image = state.0.db.listing_image(id).await?.ok_or_else(not_found)?;
    let content_type = match image.content_type.as_str() {
        "image/jpeg" => "image/jpeg",
        "image/png" => "image/png",
        "image/webp" => "image/webp",
        "image/gif" => "image/gif",
        _ => return Err(not_found()),
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "private, no-store"),
            (header::CONTENT_SECURITY_POLICY, "default-src 'none'"),
        ],
        image.bytes,
    ))
}
