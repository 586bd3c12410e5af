//! `GET /products/{id}`: gallery, variants with stock (the add-to-cart form), reviews with the
//! verified-purchase badge, and the engine's recommendations: similar items and frequently
//! bought together.
//!
//! The recommendations are for the audience the page names (`?age_months=`, as the search
//! page), else for the youngest age the product itself is made for, so that every product
//! shown beside it suits the youngest child it suits. They go through
//! `crate::recommendations::recommend` like the API: approved and in-age products only, and a
//! signed-in child's parental controls (with search off the lists are left out).

use super::home::CardProduct;
use super::i18n::T;
use super::layout::{format_age_range, format_som};
use super::search::{age_from_query, product_card};
use super::session::{Web, csrf_field};
use crate::db::dispatch;
use crate::recommendations::{Asker, recommend};
use crate::routes::products::{ProductView, load_product_view, parse_product_id};
use crate::{ApiError, AppState};
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use engine::{Audience, ProductId, RecommendKind};
use maud::{Markup, html};

/// Products shown in each recommendation list of the page.
pub const RECOMMENDATIONS_SHOWN: usize = 8;

/// `GET /products/{id}`.
pub async fn product_page(
    State(state): State<AppState>,
    mut web: Web,
    headers: axum::http::HeaderMap,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    // kids: "recently viewed" (the account's, or the device's by its cookie).
    if !web.is_child()
        && let Err(error) = super::shopper_pages::record_view(&state, &mut web, &headers, &id).await
    {
        tracing::warn!(
            code = error.code,
            "recently viewed not recorded: {}",
            error.message
        );
    }
    let age = raw.as_deref().and_then(age_from_query);
    match render(&state, &web, &id, age).await {
        Ok(response) => response,
        Err(error) => web.error_page(&error),
    }
}

/// The page's two recommendation lists.
#[derive(Debug, Default)]
struct Recommended {
    similar: Vec<CardProduct>,
    together: Vec<CardProduct>,
}

/// Asks the engine for one list; a refusal (a child whose search is off, a product the
/// audience may not see) leaves it empty, and so does a failure, which is logged: the product
/// page never fails because of its recommendations.
async fn recommended(
    state: &AppState,
    web: &Web,
    audience: Audience,
    kind: RecommendKind,
) -> Vec<CardProduct> {
    let asker = Asker {
        user: web.user.as_ref(),
        audience,
    };
    let name = kind.name();
    match recommend(
        state,
        asker,
        kind,
        RECOMMENDATIONS_SHOWN,
        web.lang.engine_lang(),
    )
    .await
    {
        Ok(found) => found
            .items
            .into_iter()
            .map(|item| CardProduct {
                id: item.hit.id.0,
                title: item.hit.title,
                price: item.hit.price,
                age_min_months: item.hit.age_min_months,
                age_max_months: item.hit.age_max_months,
                in_stock: item.hit.in_stock,
                image_url: item.hit.image_url,
            })
            .collect(),
        Err(error) if error.status.is_client_error() => Vec::new(),
        Err(error) => {
            tracing::warn!(
                kind = name,
                ?error,
                "product page recommendations failed: {name}"
            );
            Vec::new()
        }
    }
}

async fn recommendations_for(
    state: &AppState,
    web: &Web,
    product: &ProductView,
    age: Option<u16>,
) -> Recommended {
    let age = age.unwrap_or(product.age_min_months);
    let Ok(audience) = Audience::new(i64::from(age)) else {
        return Recommended::default();
    };
    let id = ProductId(product.id);
    Recommended {
        similar: recommended(state, web, audience, RecommendKind::Similar(id)).await,
        together: recommended(
            state,
            web,
            audience,
            RecommendKind::BoughtTogether(vec![id]),
        )
        .await,
    }
}

/// The shop name a product's seller shows: the onboarding profile's, else the catalogue's.
async fn seller_name(state: &AppState, seller_id: i64) -> Result<Option<String>, ApiError> {
    let name: Option<(String,)> = dispatch!(&state.0.db, |pool, _d| {
        sqlx::query_as(
            "SELECT COALESCE(p.display_name, s.name) FROM sellers s \
             LEFT JOIN seller_profiles p ON p.seller_id = s.id WHERE s.id = $1",
        )
        .bind(seller_id)
        .fetch_optional(pool)
        .await
        .map_err(crate::db::DbError::from)?
    });
    Ok(name.map(|(name,)| name))
}

async fn render(
    state: &AppState,
    web: &Web,
    raw_id: &str,
    age: Option<u16>,
) -> Result<Response, ApiError> {
    let id = parse_product_id(raw_id).map_err(|_| {
        ApiError::not_found(
            "product_not_found",
            format!("product {raw_id} does not exist"),
        )
    })?;
    let product = load_product_view(state, id, None, web.lang.engine_lang()).await?;
    let product_id = i64::try_from(product.id).map_err(ApiError::internal)?;
    let reviews = state.0.db.published_reviews(product_id).await?;
    let seller = seller_name(state, product.seller_id as i64).await?;
    let recommended = recommendations_for(state, web, &product, age).await;
    let body = product_body(web, &product, seller.as_deref(), &reviews, &recommended);
    Ok(web.page(StatusCode::OK, &product.title, body))
}

fn stars(rating: f64) -> String {
    let full = rating.round().clamp(0.0, 5.0) as usize;
    format!("{}{}", "★".repeat(full), "☆".repeat(5 - full))
}

fn product_body(
    web: &Web,
    product: &ProductView,
    seller: Option<&str>,
    reviews: &[crate::reviews::ReviewView],
    recommended: &Recommended,
) -> Markup {
    let lang = web.lang;
    let descriptions = &product.descriptions;
    let description = lang.pick(
        descriptions.uz.as_deref(),
        descriptions.uz_cyrl.as_deref(),
        descriptions.ru.as_deref(),
        descriptions.en.as_deref(),
    );
    let first_in_stock = product
        .variants
        .iter()
        .position(|variant| variant.stock > 0);
    html! {
        nav.crumbs aria-label=(web.t(T::Categories)) {
            ol {
                li { a href="/" { (web.t(T::HomeLink)) } }
                @for category in &product.categories {
                    li { a href={ "/search?category=" (category.slug) } { (category.name) } }
                }
            }
        }
        div.product {
            section.gallery aria-label=(web.t(T::Photos)) tabindex="0" {
                @for (index, image) in product.images.iter().enumerate() {
                    img src=(image.url) alt=(image.alt) width="320" height="320" loading=(if index == 0 { "eager" } else { "lazy" });
                }
            }
            div.buy {
                h1 { (product.title) }
                p.price { (format_som(lang, product.price)) }
                p.age { (format_age_range(lang, product.age_min_months, product.age_max_months)) }
                @if product.rating_count > 0 {
                    p.rating {
                        span aria-hidden="true" { (stars(product.rating)) }
                        " " (format!("{:.1}", product.rating)) " " (web.t(T::RatingOutOf5)) " (" (product.rating_count) ")"
                    }
                }
                @if let Some(brand) = &product.brand { p { (web.t(T::Brand)) ": " (brand) } }
                @if let Some(seller) = seller { p.seller { (web.t(T::Seller)) ": " (seller) } }
                @if product.in_stock {
                    form.add action="/cart/add" method="post" {
                        (csrf_field(web))
                        fieldset {
                            legend { (web.t(T::ChooseVariant)) }
                            @for (index, variant) in product.variants.iter().enumerate() {
                                @let id = format!("v-{index}");
                                @let options = variant.options.values().cloned().collect::<Vec<_>>().join(", ");
                                div.variant {
                                    input id=(id) type="radio" name="sku" value=(variant.sku)
                                        checked[Some(index) == first_in_stock] disabled[variant.stock <= 0] required;
                                    label for=(id) {
                                        @if options.is_empty() { (variant.sku) } @else { (options) }
                                        " — " (format_som(lang, variant.price)) " · "
                                        @if variant.stock > 0 { (variant.stock) " " (web.t(T::UnitsLeft)) } @else { (web.t(T::OutOfStock)) }
                                    }
                                }
                            }
                        }
                        label for="quantity" { (web.t(T::Quantity)) }
                        input #quantity type="number" name="quantity" value="1" min="1" max="99" inputmode="numeric" required;
                        button type="submit" { (web.t(T::AddToCart)) }
                    }
                } @else {
                    p.stock-out role="status" { (web.t(T::OutOfStock)) }
                }
                // kids: the wishlist (queued while offline by the PWA script).
                (super::shopper_pages::wishlist_button(web, product.id))
            }
        }
        @if let Some(description) = description {
            section aria-labelledby="description-heading" {
                h2 #description-heading { (web.t(T::Description)) }
                p.description { (description) }
            }
        }
        section aria-labelledby="reviews-heading" {
            h2 #reviews-heading { (web.t(T::Reviews)) }
            @if reviews.is_empty() {
                p { (web.t(T::NoReviews)) }
            } @else {
                ul.reviews {
                    @for review in reviews {
                        li.review {
                            p.rating {
                                span aria-hidden="true" { (stars(review.rating as f64)) }
                                span.visually-hidden { (review.rating) " " (web.t(T::RatingOutOf5)) }
                                // Only verified purchasers can write a review.
                                " " span.badge { "✓ " (web.t(T::VerifiedPurchase)) }
                            }
                            p { (review.text) }
                        }
                    }
                }
            }
        }
        // The engine's recommendations; a list with nothing in it is left out.
        @if !recommended.similar.is_empty() {
            section #similar data-product-id=(product.id) aria-labelledby="similar-heading" {
                h2 #similar-heading { (web.t(T::SimilarItems)) }
                ul.grid {
                    @for card in &recommended.similar { (product_card(web, card, None)) }
                }
            }
        }
        @if !recommended.together.is_empty() {
            section #bought-together data-product-id=(product.id) aria-labelledby="together-heading" {
                h2 #together-heading { (web.t(T::BoughtTogether)) }
                ul.grid {
                    @for card in &recommended.together { (product_card(web, card, None)) }
                }
            }
        }
    }
}
