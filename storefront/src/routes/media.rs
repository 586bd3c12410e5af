//! `GET /media/art/{category}/{n}.svg`: the generated catalogue art.

use crate::{ApiError, AppState};
use axum::Router;
use axum::extract::Path;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new().route("/media/art/{category}/{file}", get(art))
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
