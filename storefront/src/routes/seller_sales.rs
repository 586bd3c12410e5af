//! `GET /api/v1/seller/sales?from=&to=`: the sales summary of the seller's own shop.

use crate::auth::CurrentUser;
use crate::listings;
use crate::routes::search::decode_pairs;
use crate::seller_sales::{self, SalesSummary, tashkent};
use crate::{ApiError, AppState};
use axum::extract::{RawQuery, State};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{Days, NaiveDate};

/// The longest range one request may ask for (days).
pub const MAX_RANGE_DAYS: i64 = 366;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/seller/sales", get(sales))
}

fn parse_day(raw: &str, code: &'static str, name: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .filter(|_| raw.len() == 10)
        .ok_or_else(|| ApiError::bad_request(code, format!("{name} must be a date YYYY-MM-DD")))
}

/// The sales summary of the seller's shop over `[from, to]` (Tashkent days, inclusive; the
/// last 30 days by default).
#[utoipa::path(
    get,
    path = "/api/v1/seller/sales",
    tag = "seller",
    security(("bearer" = []), ("cookie" = [])),
    params(
        ("from" = Option<String>, Query, description = "First day, YYYY-MM-DD (default: 29 days before `to`)"),
        ("to" = Option<String>, Query, description = "Last day, YYYY-MM-DD (default: today in Tashkent)"),
    ),
    responses(
        (status = 200, description = "Per-day sales, top products and the average rating", body = SalesSummary),
        (status = 400, description = "invalid_from, invalid_to, invalid_range (to before from, or longer than 366 days), invalid_query", body = crate::error::ErrorBody),
        (status = 403, description = "Not a seller, or no shop (seller_profile_required)", body = crate::error::ErrorBody),
    )
)]
pub async fn sales(
    user: CurrentUser,
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Json<SalesSummary>, ApiError> {
    let seller = listings::seller_of(&user)?;
    let (mut from, mut to) = (None, None);
    for (key, value) in decode_pairs(query.as_deref().unwrap_or_default())? {
        match key.as_str() {
            "from" if from.is_none() => from = Some(parse_day(&value, "invalid_from", "from")?),
            "to" if to.is_none() => to = Some(parse_day(&value, "invalid_to", "to")?),
            _ => {
                return Err(ApiError::bad_request(
                    "invalid_query",
                    format!("unknown or repeated query parameter {key}"),
                ));
            }
        }
    }
    let to = match to {
        Some(to) => to,
        None => state.0.auth.now().with_timezone(&tashkent()).date_naive(),
    };
    let from = match from {
        Some(from) => from,
        None => to.checked_sub_days(Days::new(29)).unwrap_or(to),
    };
    let span = (to - from).num_days();
    if !(0..MAX_RANGE_DAYS).contains(&span) {
        return Err(ApiError::bad_request(
            "invalid_range",
            format!("to must not be before from, and the range at most {MAX_RANGE_DAYS} days"),
        ));
    }
    let db = &state.0.db;
    let shipments = db.seller_sold_shipments(seller).await?;
    let lines = db.seller_sold_lines(seller).await?;
    let rating = db.seller_rating(seller).await?;
    Ok(Json(seller_sales::summarize(
        from, to, &shipments, &lines, rating,
    )))
}
