//! `GET /`: the home page: CMS banners for the visitor's language, featured products for the
//! chosen age, and the categories. (`/?q=…`, the old search address, shows the search page.)

use super::i18n::T;
use super::layout::{DEFAULT_AGE_MONTHS, search_bar};
use super::search::{age_from_query, product_card, search_page_for};
use super::session::Web;
use crate::AppState;
use crate::routes::products::load_product_view;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use engine::Audience;
use maud::html;

/// How many featured products the home page shows.
const FEATURED_SHOWN: usize = 8;

/// A product as a card shows it.
#[derive(Debug, Clone)]
pub struct CardProduct {
    /// Id.
    pub id: u64,
    /// Title in the page's language.
    pub title: String,
    /// Tiyin.
    pub price: i64,
    /// Age range.
    pub age_min_months: u16,
    /// Age range.
    pub age_max_months: u16,
    /// Whether any variant is in stock.
    pub in_stock: bool,
    /// First image.
    pub image_url: Option<String>,
}

/// `GET /`.
pub async fn home_page(
    State(state): State<AppState>,
    web: Web,
    RawQuery(raw): RawQuery,
) -> Response {
    let raw = raw.unwrap_or_default();
    let has_search = super::search::decode_query(&raw)
        .iter()
        .any(|(key, _)| key == "q" || key == "category");
    if has_search {
        return search_page_for(&state, &web, &raw).await;
    }
    let age = age_from_query(&raw).unwrap_or(DEFAULT_AGE_MONTHS);
    match render_home(&state, &web, age).await {
        Ok(response) => response,
        Err(error) => web.error_page(&error),
    }
}

async fn render_home(state: &AppState, web: &Web, age: u16) -> Result<Response, crate::ApiError> {
    let banners = state.0.db.active_banners(web.lang.code()).await?;
    let featured = state.0.db.featured_for_age(i64::from(age)).await?;
    let audience = Audience::new(i64::from(age)).ok();
    let mut cards = Vec::new();
    for product in featured.iter().take(FEATURED_SHOWN) {
        let Ok(id) = u64::try_from(product.product_id) else {
            continue;
        };
        match load_product_view(state, id, audience, web.lang.engine_lang()).await {
            Ok(view) => cards.push(CardProduct {
                id: view.id,
                title: view.title,
                price: view.price,
                age_min_months: view.age_min_months,
                age_max_months: view.age_max_months,
                in_stock: view.in_stock,
                image_url: view.images.first().map(|image| image.url.clone()),
            }),
            // Hidden since it was featured (moderated, or out of the age): skipped.
            Err(error) if error.status.is_client_error() => {}
            Err(error) => return Err(error),
        }
    }
    let catalog = state.0.catalog();
    let mut roots: Vec<_> = catalog
        .taxonomy
        .roots()
        .iter()
        .filter_map(|id| catalog.categories.get(id))
        .collect();
    roots.sort_by_key(|row| (row.position, row.id));
    let body = html! {
        h1 { (web.t(T::SiteTagline)) }
        (search_bar(web, "", age))
        p.hint { (web.t(T::ExampleQueries)) }
        @if !banners.is_empty() {
            section.banners aria-label=(web.t(T::Announcements)) {
                @for banner in &banners {
                    article.banner {
                        h2 {
                            @if let Some(link) = &banner.link_path {
                                a href=(link) { (banner.title) }
                            } @else {
                                (banner.title)
                            }
                        }
                        @if !banner.body.is_empty() { p { (banner.body) } }
                    }
                }
            }
        }
        section aria-labelledby="featured-heading" {
            h2 #featured-heading { (web.t(T::Featured)) }
            @if cards.is_empty() {
                p { (web.t(T::NoFeatured)) }
            } @else {
                ul.grid {
                    @for card in &cards { (product_card(web, card, None)) }
                }
            }
        }
        section aria-labelledby="categories-heading" {
            h2 #categories-heading { (web.t(T::Categories)) }
            // kids: the PWA keeps these category pages for offline browsing.
            ul.chips data-offline-keep {
                @for row in &roots {
                    li {
                        a href={ "/search?category=" (row.slug) "&age_months=" (age) } {
                            (web.lang.pick(Some(row.name_uz.as_str()), Some(row.name_uz_cyrl.as_str()), Some(row.name_ru.as_str()), Some(row.name_en.as_str())).unwrap_or(row.slug.as_str()))
                        }
                    }
                }
            }
        }
    };
    Ok(web.page(StatusCode::OK, web.t(T::HomeLink), body))
}
