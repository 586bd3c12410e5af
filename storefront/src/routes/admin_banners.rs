//! `/api/v1/admin/banners…`: the home page's CMS banner blocks, managed by admins. Every change
//! is written to the audit log with the banner id and the changed fields' names.

use crate::auth::{ClientMeta, CurrentUser, audit};
use crate::banners::{Banner, BannerInput};
use crate::routes::auth::JsonBody;
use crate::{ApiError, AppState};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/admin/banners",
            get(list_banners).post(create_banner),
        )
        .route(
            "/api/v1/admin/banners/{id}",
            put(replace_banner).delete(delete_banner),
        )
        .layer(DefaultBodyLimit::max(8 * 1024))
}

/// Every banner.
#[derive(Debug, Serialize, ToSchema)]
pub struct BannerList {
    /// By position, then id.
    pub banners: Vec<Banner>,
}

fn parse_banner_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| banner_not_found(raw))
}

fn banner_not_found(id: impl std::fmt::Display) -> ApiError {
    ApiError::not_found("banner_not_found", format!("banner {id} does not exist"))
}

/// Lists every banner, active or not (admins).
#[utoipa::path(
    get,
    path = "/api/v1/admin/banners",
    tag = "admin",
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, description = "Every banner", body = BannerList))
)]
pub async fn list_banners(
    _user: CurrentUser,
    State(state): State<AppState>,
) -> Result<Json<BannerList>, ApiError> {
    Ok(Json(BannerList {
        banners: state.0.db.banners().await?,
    }))
}

/// Creates a banner (admins; audited as `banner_created`).
#[utoipa::path(
    post,
    path = "/api/v1/admin/banners",
    tag = "admin",
    security(("bearer" = []), ("cookie" = [])),
    request_body = BannerInput,
    responses(
        (status = 201, description = "Created", body = Banner),
        (status = 400, description = "invalid_banner_lang, invalid_banner_title, invalid_banner_body, invalid_banner_link, invalid_banner_position, invalid_json", body = crate::error::ErrorBody),
        (status = 409, description = "too_many_banners (50 kept at most)", body = crate::error::ErrorBody),
    )
)]
pub async fn create_banner(
    user: CurrentUser,
    State(state): State<AppState>,
    meta: ClientMeta,
    JsonBody(input): JsonBody<BannerInput>,
) -> Result<(StatusCode, Json<Banner>), ApiError> {
    let valid = input.validate()?;
    let now = state.0.auth.now();
    let banner = state
        .0
        .db
        .insert_banner(&valid, user.id, now)
        .await?
        .ok_or_else(|| {
            ApiError::conflict(
                "too_many_banners",
                format!(
                    "at most {} banners are kept; delete one first",
                    crate::banners::MAX_BANNERS
                ),
            )
        })?;
    audit(
        &state,
        &meta,
        Some(user.id),
        "banner_created",
        None,
        json!({ "banner": banner.id, "lang": banner.lang, "active": banner.active }),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(banner)))
}

/// Replaces a banner (admins; audited as `banner_updated` with the changed fields).
#[utoipa::path(
    put,
    path = "/api/v1/admin/banners/{id}",
    tag = "admin",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "Banner id")),
    request_body = BannerInput,
    responses(
        (status = 200, description = "Replaced", body = Banner),
        (status = 400, description = "invalid_banner_lang, invalid_banner_title, invalid_banner_body, invalid_banner_link, invalid_banner_position, invalid_json", body = crate::error::ErrorBody),
        (status = 404, description = "banner_not_found", body = crate::error::ErrorBody),
    )
)]
pub async fn replace_banner(
    user: CurrentUser,
    State(state): State<AppState>,
    meta: ClientMeta,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<BannerInput>,
) -> Result<Json<Banner>, ApiError> {
    let id = parse_banner_id(&id)?;
    let valid = input.validate()?;
    let before = state
        .0
        .db
        .banners()
        .await?
        .into_iter()
        .find(|banner| banner.id == id)
        .ok_or_else(|| banner_not_found(id))?;
    let now = state.0.auth.now();
    let banner = state
        .0
        .db
        .update_banner(id, &valid, user.id, now)
        .await?
        .ok_or_else(|| banner_not_found(id))?;
    let mut changed = Vec::new();
    if before.lang != banner.lang {
        changed.push("lang");
    }
    if before.title != banner.title {
        changed.push("title");
    }
    if before.body != banner.body {
        changed.push("body");
    }
    if before.link_path != banner.link_path {
        changed.push("link_path");
    }
    if before.position != banner.position {
        changed.push("position");
    }
    if before.active != banner.active {
        changed.push("active");
    }
    audit(
        &state,
        &meta,
        Some(user.id),
        "banner_updated",
        None,
        json!({ "banner": id, "changed": changed }),
    )
    .await?;
    Ok(Json(banner))
}

/// Deletes a banner (admins; audited as `banner_deleted`).
#[utoipa::path(
    delete,
    path = "/api/v1/admin/banners/{id}",
    tag = "admin",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "Banner id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "banner_not_found", body = crate::error::ErrorBody),
    )
)]
pub async fn delete_banner(
    user: CurrentUser,
    State(state): State<AppState>,
    meta: ClientMeta,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = parse_banner_id(&id)?;
    if !state.0.db.delete_banner(id).await? {
        return Err(banner_not_found(id));
    }
    audit(
        &state,
        &meta,
        Some(user.id),
        "banner_deleted",
        None,
        json!({ "banner": id }),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
