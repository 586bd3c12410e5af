//! The OpenAPI document, generated from the handlers' annotations.

use axum::Json;
use utoipa::OpenApi;

/// bolajon's public API.
#[derive(OpenApi)]
#[openapi(
    info(title = "bolajon", description = "Safe marketplace for children and parents in Uzbekistan", version = "0.1.0"),
    paths(
        crate::routes::search::search,
        crate::routes::products::product,
        crate::routes::categories::categories,
        crate::routes::health::health,
    ),
    tags(
        (name = "search", description = "Search under the audience's age"),
        (name = "catalog", description = "Products and categories"),
        (name = "ops", description = "Operations"),
    )
)]
pub struct ApiDoc;

/// `GET /api/openapi.json`.
pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// Returns the OpenAPI document as pretty JSON.
pub fn openapi_pretty() -> Result<String, serde_json::Error> {
    ApiDoc::openapi().to_pretty_json()
}
