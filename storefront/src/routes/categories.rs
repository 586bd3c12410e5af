//! `GET /api/v1/categories`: the category tree in every language.

use crate::catalog::CatalogMeta;
use crate::{ApiError, AppState};
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use utoipa::ToSchema;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/categories", get(categories))
}

/// A category with its children.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CategoryNodeView {
    /// Id.
    pub id: u64,
    /// Slug (usable as the `category` search parameter).
    pub slug: String,
    /// Names in the four language forms.
    pub names: crate::routes::products::LocalizedText,
    /// Subcategories.
    #[schema(no_recursion)]
    pub children: Vec<CategoryNodeView>,
}

/// The category tree.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CategoryTree {
    /// Root categories.
    pub categories: Vec<CategoryNodeView>,
}

/// Returns the category tree.
#[utoipa::path(
    get,
    path = "/api/v1/categories",
    tag = "catalog",
    responses((status = 200, description = "The category tree", body = CategoryTree))
)]
pub async fn categories(State(state): State<AppState>) -> Result<Json<CategoryTree>, ApiError> {
    let catalog = state.0.catalog();
    Ok(Json(CategoryTree {
        categories: catalog
            .taxonomy
            .roots()
            .iter()
            .filter_map(|id| node_view(&catalog, *id, 0))
            .collect(),
    }))
}

fn node_view(catalog: &CatalogMeta, id: u64, depth: usize) -> Option<CategoryNodeView> {
    let row = catalog.categories.get(&id)?;
    Some(CategoryNodeView {
        id,
        slug: row.slug.clone(),
        names: crate::routes::products::LocalizedText {
            uz: Some(row.name_uz.clone()),
            uz_cyrl: Some(row.name_uz_cyrl.clone()),
            ru: Some(row.name_ru.clone()),
            en: Some(row.name_en.clone()),
        },
        children: if depth < 16 {
            catalog
                .taxonomy
                .children(id)
                .iter()
                .filter_map(|child| node_view(catalog, *child, depth + 1))
                .collect()
        } else {
            Vec::new()
        },
    })
}
