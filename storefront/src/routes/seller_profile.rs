//! `/api/v1/seller/profile`: a seller's own shop profile (shop, legal and payout details).
//! There is no id in the path: a seller only ever reads and writes the shop their account is
//! linked to.

use crate::auth::{ClientMeta, CurrentUser, audit};
use crate::listings;
use crate::routes::auth::JsonBody;
use crate::seller_profile::{self, ProfileRequest, ProfileView};
use crate::{ApiError, AppState};
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/seller/profile", get(get_profile).put(put_profile))
}

/// Returns the seller's shop profile, the payout account masked.
#[utoipa::path(
    get,
    path = "/api/v1/seller/profile",
    tag = "seller",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The profile", body = ProfileView),
        (status = 403, description = "Not a seller, or no shop (seller_profile_required)", body = crate::error::ErrorBody),
        (status = 404, description = "The shop has no profile yet (profile_not_found)", body = crate::error::ErrorBody),
    )
)]
pub async fn get_profile(
    user: CurrentUser,
    State(state): State<AppState>,
) -> Result<Json<ProfileView>, ApiError> {
    let seller = listings::seller_of(&user)?;
    let row =
        state.0.db.seller_profile(seller).await?.ok_or_else(|| {
            ApiError::not_found("profile_not_found", "this shop has no profile yet")
        })?;
    Ok(Json(ProfileView::of(&row)))
}

/// Creates or replaces the seller's shop profile. Every field is validated; the change is
/// audit-logged with the names of the changed fields.
#[utoipa::path(
    put,
    path = "/api/v1/seller/profile",
    tag = "seller",
    security(("bearer" = []), ("cookie" = [])),
    request_body = ProfileRequest,
    responses(
        (status = 200, description = "The stored profile, the payout account masked", body = ProfileView),
        (status = 400, description = "invalid_display_name, invalid_description, invalid_region, invalid_legal_name, invalid_inn, invalid_legal_address, invalid_bank_name, invalid_mfo, invalid_account_number, invalid_json", body = crate::error::ErrorBody),
        (status = 403, description = "Not a seller, or no shop (seller_profile_required)", body = crate::error::ErrorBody),
    )
)]
pub async fn put_profile(
    user: CurrentUser,
    State(state): State<AppState>,
    meta: ClientMeta,
    JsonBody(body): JsonBody<ProfileRequest>,
) -> Result<Json<ProfileView>, ApiError> {
    let seller = listings::seller_of(&user)?;
    let profile = seller_profile::validate(&body)?;
    let old = state.0.db.seller_profile(seller).await?;
    let changed = profile.changed_fields(old.as_ref());
    let now = state.0.auth.now();
    let row = state
        .0
        .db
        .put_seller_profile(seller, &profile, user.id, now)
        .await?;
    audit(
        &state,
        &meta,
        Some(user.id),
        "seller_profile_updated",
        Some(user.id),
        json!({ "seller": seller, "created": old.is_none(), "changed": changed }),
    )
    .await?;
    Ok(Json(ProfileView::of(&row)))
}
