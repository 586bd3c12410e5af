//! `GET /media/art/{category}/{n}.svg`: the generated catalogue art; `GET /media/uploads/{id}`:
//! images sellers uploaded, served only while their product is approved; `GET
//! /media/reviews/{id}`: review photos, served while the review is published (and to its
//! author, moderators and admins while it is held).

use crate::{ApiError, AppState};
use axum::Router;
use axum::extract::Path;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/media/art/{category}/{file}", get(art))
        .route("/media/uploads/{id}", get(upload))
        .route("/media/reviews/{id}", get(review_photo))
}

async fn review_photo(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    crate::auth::MaybeUser(user): crate::auth::MaybeUser,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let not_found = || ApiError::not_found("image_not_found", "no such image");
    let id = id
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(not_found)?;
    let photo = state.0.db.review_photo(id).await?.ok_or_else(not_found)?;
    let published = photo.status == "published";
    let privileged = user.as_ref().is_some_and(|user| {
        matches!(
            user.role,
            crate::auth::Role::Moderator | crate::auth::Role::Admin
        ) || user.id.0 == photo.author_user_id
    });
    if !published && !privileged {
        return Err(not_found());
    }
    let content_type = match photo.content_type.as_str() {
        "image/jpeg" => "image/jpeg",
        "image/png" => "image/png",
        "image/webp" => "image/webp",
        "image/gif" => "image/gif",
        _ => return Err(not_found()),
    };
    let cache = if published {
        "public, max-age=60"
    } else {
        "private, no-store"
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            // Not immutable: a take-down must stop serving it.
            (header::CACHE_CONTROL, cache),
            (header::CONTENT_SECURITY_POLICY, "default-src 'none'"),
        ],
        photo.bytes,
    ))
}

async fn art(
    Path((category, file)): Path<(String, String)>,
) -> Result<impl IntoResponse, ApiError> {
    let not_found = || ApiError::not_found("image_not_found", "no such image");
    let k = file
        .strip_suffix(".svg")
        .and_then(|k| k.parse::<u32>().ok())
        .ok_or_else(not_found)?;
    let svg = datasets::render_art_svg(&category, k).ok_or_else(not_found)?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'",
            ),
        ],
        svg,
    ))
}

async fn upload(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let not_found = || ApiError::not_found("image_not_found", "no such image");
    let id = id
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(not_found)?;
    let image = state
        .0
        .db
        .listing_image(id)
        .await?
        .filter(|image| image.status == moderation::ModerationStatus::Approved.as_str())
        .ok_or_else(not_found)?;
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
            // Not immutable: a take-down must stop serving it.
            (header::CACHE_CONTROL, "public, max-age=60"),
            (header::CONTENT_SECURITY_POLICY, "default-src 'none'"),
        ],
        image.bytes,
    ))
}
