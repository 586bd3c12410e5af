//! Server-rendered pages: the search page at `/` and product pages. Light, mobile-first, no
//! JavaScript; every value is escaped by maud.

use crate::routes::products::{ProductView, load_product_view, parse_product_id};
use crate::routes::search::{SearchParams, SearchResponse, execute};
use crate::{ApiError, AppState};
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use engine::Lang;
use maud::{DOCTYPE, Markup, PreEscaped, html};

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(search_page))
        .route("/products/{id}", get(product_page))
}

const STYLE: &str = "*{box-sizing:border-box}body{margin:0;font:16px/1.4 system-ui,sans-serif;color:#1d1d1f;background:#fafaf7}\
header{background:#2f7d4f;color:#fff;padding:12px 16px}header a{color:#fff;text-decoration:none;font-weight:700;font-size:20px}\
main{max-width:1100px;margin:0 auto;padding:12px}form.search{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0 16px}\
form.search input[type=search]{flex:1 1 240px;padding:10px;font-size:16px;border:1px solid #bbb;border-radius:8px}\
form.search select,form.search button{padding:10px;font-size:16px;border-radius:8px;border:1px solid #bbb;background:#fff;min-height:44px}\
form.search button{background:#2f7d4f;color:#fff;border:0}.layout{display:grid;grid-template-columns:1fr;gap:16px}\
aside{order:2}h1{font-size:24px}@media(min-width:800px){.layout{grid-template-columns:240px 1fr}aside{order:0}}aside h2{font-size:15px;margin:12px 0 4px}\
aside ul{list-style:none;margin:0;padding:0}aside li a{display:block;padding:4px 0;color:#2f4f7d}\
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(160px,1fr));gap:12px;padding:0;list-style:none}\
.card{background:#fff;border-radius:12px;padding:8px;box-shadow:0 1px 3px #0002}.card img{width:100%;height:auto;border-radius:8px;background:#eee}\
.card a{color:inherit;text-decoration:none}.price{font-weight:700}.age{color:#555;font-size:14px}mark{background:#ffe08a}\
.error{background:#fde8e8;border:1px solid #e0a0a0;padding:8px 12px;border-radius:8px}nav.pages a{margin-right:8px}\
.gallery{display:flex;gap:8px;overflow-x:auto}.gallery img{width:240px;height:240px;border-radius:12px}table{border-collapse:collapse}td,th{padding:4px 8px;border-bottom:1px solid #ddd;text-align:left}";

/// Ages offered in the "who is it for" selector, in months.
const AGE_CHOICES: [(u16, &str); 10] = [
    (6, "6 oylik"),
    (12, "1 yosh"),
    (24, "2 yosh"),
    (36, "3 yosh"),
    (60, "5 yosh"),
    (84, "7 yosh"),
    (108, "9 yosh"),
    (132, "11 yosh"),
    (168, "14 yosh"),
    (204, "17 yosh"),
];

/// Formats tiyin as so'm with spaces between thousands (`12 500 so'm`).
pub fn format_som(tiyin: i64) -> String {
    let som = tiyin / 100;
    let digits = som.unsigned_abs().to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push('\u{a0}');
        }
        grouped.push(digit);
    }
    let sign = if som < 0 { "-" } else { "" };
    format!("{sign}{grouped} so‘m")
}

/// Formats an age range in months for people (`3–6 yosh`, `6–24 oylik`).
pub fn format_age_range(min: u16, max: u16) -> String {
    if max < 24 {
        format!("{min}–{max} oylik")
    } else {
        format!("{}–{} yosh", min / 12, max / 12)
    }
}

fn layout(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="uz" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — bolajon" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header { a href="/" { "bolajon" } }
                main { (body) }
            }
        }
    }
}

fn search_form(params: Option<&SearchParams>, state: &AppState) -> Markup {
    let catalog = state.0.catalog();
    let age = params.map(|params| params.age_months).unwrap_or(60);
    let selected_category = params
        .and_then(|params| params.category.clone())
        .unwrap_or_default();
    let mut roots: Vec<_> = catalog
        .taxonomy
        .roots()
        .iter()
        .filter_map(|id| catalog.categories.get(id))
        .collect();
    roots.sort_by_key(|row| row.position);
    html! {
        form.search action="/" method="get" role="search" {
            label for="q" hidden { "Qidiruv" }
            input #q type="search" name="q" placeholder="Masalan: 5 yoshli qizga qo‘g‘irchoq" maxlength="200"
                value=(params.map(|params| params.q.as_str()).unwrap_or_default());
            label for="age" hidden { "Kim uchun" }
            select #age name="age_months" aria-label="Bola yoshi" {
                @for (months, label) in AGE_CHOICES {
                    option value=(months) selected[months == age] { (label) }
                }
            }
            select name="category" aria-label="Bo‘lim" {
                option value="" { "Barcha bo‘limlar" }
                @for row in roots {
                    option value=(row.slug) selected[row.slug == selected_category] { (row.name_uz) }
                }
            }
            button type="submit" { "Qidirish" }
        }
    }
}

fn result_card(hit: &crate::routes::search::SearchHit) -> Markup {
    html! {
        li.card {
            a href={ "/products/" (hit.id) } {
                @if let Some(url) = &hit.image_url {
                    img src=(url) alt="" width="160" height="160" loading="lazy";
                }
                div {
                    @if let Some(highlighted) = &hit.title_highlight {
                        // The engine escapes the title and adds only <mark> tags.
                        (PreEscaped(highlighted))
                    } @else {
                        (hit.title)
                    }
                }
            }
            div.price { (format_som(hit.price)) }
            div.age { (format_age_range(hit.age_min_months, hit.age_max_months)) @if !hit.in_stock { " · tugagan" } }
        }
    }
}

fn link_with(params: &SearchParams, category: Option<&str>, page: u32) -> String {
    let mut query = form_urlencode(&[("q", params.q.as_str())]);
    query.push_str(&format!("&age_months={}", params.age_months));
    if let Some(category) = category {
        query.push('&');
        query.push_str(&form_urlencode(&[("category", category)]));
    }
    if page > 1 {
        query.push_str(&format!("&page={page}"));
    }
    format!("/?{query}")
}

fn form_urlencode(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(key, value)| {
            format!(
                "{key}={}",
                percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn results_section(params: &SearchParams, response: &SearchResponse) -> Markup {
    let pages = response
        .total
        .div_ceil(u64::from(response.per_page))
        .min(500) as u32;
    html! {
        div.layout {
            aside {
                h2 { "Bo‘limlar" }
                ul {
                    @for facet in response.facets.categories.iter().filter(|facet| facet.parent_id.is_none()).take(12) {
                        li { a href=(link_with(params, Some(&facet.slug), 1)) { (facet.name) " (" (facet.count) ")" } }
                    }
                }
                h2 { "Brendlar" }
                ul {
                    @for facet in response.facets.brands.iter().take(10) {
                        li { (facet.name) " (" (facet.count) ")" }
                    }
                }
            }
            section aria-live="polite" {
                p { (response.total) " ta mahsulot topildi" }
                ul.grid {
                    @for hit in &response.hits { (result_card(hit)) }
                }
                @if pages > 1 {
                    nav.pages aria-label="Sahifalar" {
                        @if response.page > 1 { a href=(link_with(params, params.category.as_deref(), response.page - 1)) { "← Oldingi" } }
                        span { (response.page) " / " (pages) }
                        @if response.page < pages { " " a href=(link_with(params, params.category.as_deref(), response.page + 1)) { "Keyingi →" } }
                    }
                }
            }
        }
    }
}

async fn search_page(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let raw = raw.unwrap_or_default();
    if raw.is_empty() {
        let body = html! {
            h1 { "Bolalar uchun xavfsiz do‘kon" }
            (search_form(None, &state))
            p { "O‘zbekcha (lotin va kirill), ruscha yoki inglizcha yozing: “qo‘g‘irchoq”, “конструктор”, “wooden puzzle”." }
        };
        return Html(layout("Qidiruv", body).into_string()).into_response();
    }
    let mut params = match SearchParams::parse(Some(&raw)) {
        Ok(params) => params,
        Err(error) => return error_page(&state, None, error),
    };
    params.highlight = true;
    match execute(&state, params.clone()).await {
        Ok(response) => {
            let body = html! {
                (search_form(Some(&params), &state))
                (results_section(&params, &response))
            };
            Html(layout(&params.q, body).into_string()).into_response()
        }
        Err(error) => error_page(&state, Some(&params), error),
    }
}

fn error_page(state: &AppState, params: Option<&SearchParams>, error: ApiError) -> Response {
    let status = error.status;
    let body = html! {
        (search_form(params, state))
        p.error role="alert" { (error.message) }
    };
    (status, Html(layout("Xato", body).into_string())).into_response()
}

async fn product_page(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let result = match parse_product_id(&id) {
        Ok(id) => load_product_view(&state, id, None, Lang::Uz).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(product) => {
            Html(layout(&product.title, product_body(&product)).into_string()).into_response()
        }
        Err(error) => {
            let status = if error.status.is_client_error() {
                error.status
            } else {
                StatusCode::INTERNAL_SERVER_ERROR
            };
            let body = html! { p.error role="alert" { (error.message) } p { a href="/" { "Bosh sahifa" } } };
            (status, Html(layout("Topilmadi", body).into_string())).into_response()
        }
    }
}

fn product_body(product: &ProductView) -> Markup {
    let description = product
        .descriptions
        .uz
        .as_ref()
        .or(product.descriptions.uz_cyrl.as_ref())
        .or(product.descriptions.ru.as_ref())
        .or(product.descriptions.en.as_ref());
    html! {
        nav aria-label="Bo‘limlar" {
            @for (index, category) in product.categories.iter().enumerate() {
                @if index > 0 { " › " }
                a href={ "/?category=" (category.slug) "&age_months=60" } { (category.name) }
            }
        }
        h1 { (product.title) }
        div.gallery {
            @for image in &product.images { img src=(image.url) alt=(image.alt) width="240" height="240"; }
        }
        p.price { (format_som(product.price)) }
        p.age { (format_age_range(product.age_min_months, product.age_max_months)) }
        @if let Some(brand) = &product.brand { p { "Brend: " (brand) } }
        @if let Some(description) = description { p { (description) } }
        table {
            thead { tr { th { "SKU" } th { "Variant" } th { "Narx" } th { "Omborda" } } }
            tbody {
                @for variant in &product.variants {
                    tr {
                        td { (variant.sku) }
                        td { (variant.options.values().cloned().collect::<Vec<_>>().join(", ")) }
                        td { (format_som(variant.price)) }
                        td { (variant.stock) }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_money_and_ages() {
        assert_eq!(format_som(1_250_000), "12\u{a0}500 so‘m");
        assert_eq!(format_som(9_900), "99 so‘m");
        assert_eq!(format_som(100_000_000), "1\u{a0}000\u{a0}000 so‘m");
        assert_eq!(format_age_range(36, 72), "3–6 yosh");
        assert_eq!(format_age_range(6, 18), "6–18 oylik");
    }
}
