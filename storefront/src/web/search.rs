//! `GET /search`: results with facets (category, age, price, in stock) and sorting, in one GET
//! form that works without JavaScript (the script only submits it on change).

use super::home::CardProduct;
use super::i18n::T;
use super::layout::{
    AGE_CHOICES, DEFAULT_AGE_MONTHS, format_age, format_age_range, format_som, search_bar,
};
use super::session::Web;
use crate::query_safety::QuerySafety;
use crate::routes::search::{SearchHit, SearchParams, SearchResponse, decode_pairs, search_as};
use crate::{ApiError, AppState};
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, PreEscaped, html};

/// The sort orders offered, with their labels.
const SORTS: [(&str, T); 6] = [
    ("relevance", T::SortRelevance),
    ("price_asc", T::SortPriceAsc),
    ("price_desc", T::SortPriceDesc),
    ("newest", T::SortNewest),
    ("rating", T::SortRating),
    ("popularity", T::SortPopularity),
];

/// Decodes a query string, an undecodable one as empty.
pub fn decode_query(raw: &str) -> Vec<(String, String)> {
    decode_pairs(raw).unwrap_or_default()
}

/// The `age_months` of a query string, when valid.
pub fn age_from_query(raw: &str) -> Option<u16> {
    decode_query(raw)
        .into_iter()
        .rev()
        .find(|(key, _)| key == "age_months")
        .and_then(|(_, value)| value.trim().parse::<u16>().ok())
        .filter(|age| *age <= 216)
}

/// What the search form asked, as the page keeps it (prices in so'm).
#[derive(Debug, Clone, Default)]
struct PageQuery {
    q: String,
    age_months: Option<String>,
    category: String,
    price_from: String,
    price_to: String,
    in_stock: bool,
    sort: String,
    page: String,
}

impl PageQuery {
    fn parse(raw: &str) -> Self {
        let pairs = decode_query(raw);
        let get = |name: &str| {
            pairs
                .iter()
                .rev()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.trim().to_owned())
                .unwrap_or_default()
        };
        Self {
            q: get("q"),
            age_months: pairs
                .iter()
                .rev()
                .find(|(key, _)| key == "age_months")
                .map(|(_, value)| value.trim().to_owned()),
            category: get("category"),
            price_from: get("price_from"),
            price_to: get("price_to"),
            in_stock: matches!(get("in_stock").as_str(), "1" | "true" | "on"),
            sort: get("sort"),
            page: get("page"),
        }
    }

    /// The API query for [`SearchParams::parse`]: so'm become tiyin.
    fn api_query(&self, lang: &str) -> Result<String, ApiError> {
        let mut pairs: Vec<(&str, String)> = vec![("q", self.q.clone())];
        pairs.push((
            "age_months",
            self.age_months
                .clone()
                .unwrap_or_else(|| DEFAULT_AGE_MONTHS.to_string()),
        ));
        if !self.category.is_empty() {
            pairs.push(("category", self.category.clone()));
        }
        for (name, value) in [
            ("price_min", &self.price_from),
            ("price_max", &self.price_to),
        ] {
            if value.is_empty() {
                continue;
            }
            let som = value
                .parse::<i64>()
                .ok()
                .filter(|som| *som >= 0)
                .ok_or_else(|| {
                    ApiError::bad_request("invalid_price", "prices are whole so‘m from 0")
                })?;
            pairs.push((name, som.saturating_mul(100).to_string()));
        }
        if self.in_stock {
            pairs.push(("in_stock", "true".to_owned()));
        }
        if !self.sort.is_empty() {
            pairs.push(("sort", self.sort.clone()));
        }
        if !self.page.is_empty() {
            pairs.push(("page", self.page.clone()));
        }
        pairs.push(("per_page", "24".to_owned()));
        pairs.push(("lang", lang.to_owned()));
        pairs.push(("highlight", "true".to_owned()));
        Ok(form_urlencode(&pairs))
    }

    /// This page's link with `page` (and everything else kept).
    fn link(&self, age: u16, category: Option<&str>, page: u32) -> String {
        let mut pairs: Vec<(&str, String)> = vec![("q", self.q.clone())];
        pairs.push(("age_months", age.to_string()));
        if let Some(category) = category.filter(|category| !category.is_empty()) {
            pairs.push(("category", category.to_owned()));
        }
        if !self.price_from.is_empty() {
            pairs.push(("price_from", self.price_from.clone()));
        }
        if !self.price_to.is_empty() {
            pairs.push(("price_to", self.price_to.clone()));
        }
        if self.in_stock {
            pairs.push(("in_stock", "1".to_owned()));
        }
        if !self.sort.is_empty() {
            pairs.push(("sort", self.sort.clone()));
        }
        if page > 1 {
            pairs.push(("page", page.to_string()));
        }
        format!("/search?{}", form_urlencode(&pairs))
    }
}

fn form_urlencode(pairs: &[(&str, String)]) -> String {
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

/// `GET /search`.
pub async fn search_page(
    State(state): State<AppState>,
    web: Web,
    RawQuery(raw): RawQuery,
) -> Response {
    search_page_for(&state, &web, raw.as_deref().unwrap_or_default()).await
}

/// Renders the search page for a raw query string. The search runs as the API's does
/// (`routes::search::search_as`): a child's parental controls, and for a child or a young
/// audience an unsafe query answered with the gentle safety message in the page's language
/// and safe categories instead of results (a child's logged for the parent).
pub async fn search_page_for(state: &AppState, web: &Web, raw: &str) -> Response {
    let query = PageQuery::parse(raw);
    let age = query
        .age_months
        .as_deref()
        .and_then(|age| age.parse::<u16>().ok())
        .unwrap_or(DEFAULT_AGE_MONTHS);
    let result = match query.api_query(web.lang.code()) {
        Ok(api_query) => match SearchParams::parse(Some(&api_query)) {
            Ok(params) => search_as(state, web.user.as_ref(), &web.meta, params).await,
            Err(error) => Err(error),
        },
        Err(error) => Err(error),
    };
    let title = if query.q.is_empty() {
        web.t(T::Search).to_owned()
    } else {
        query.q.clone()
    };
    match result {
        Ok(response) => {
            let body = match &response.safety {
                Some(safety) => html! {
                    (search_bar(web, &query.q, age))
                    (safe_answer(web, age, safety))
                },
                None => html! {
                    (search_bar(web, &query.q, age))
                    (results(state, web, &query, age, &response))
                },
            };
            web.page(StatusCode::OK, &title, body)
        }
        Err(error) if error.status.is_client_error() => {
            let body = html! {
                (search_bar(web, &query.q, age))
                p.error role="alert" { (error.message) }
            };
            web.page(error.status, &title, body)
        }
        Err(error) => web.error_page(&error),
    }
}

/// The gentle answer to a young audience's unsafe query: the safety message (in the page's
/// language) and safe categories to explore, no results.
fn safe_answer(web: &Web, age: u16, safety: &QuerySafety) -> Markup {
    html! {
        section.safe-answer aria-labelledby="safe-answer-heading" data-safety-code=(safety.code) {
            h1 #safe-answer-heading role="status" { (safety.message) }
            @if !safety.suggested_categories.is_empty() {
                h2 { (web.t(T::Categories)) }
                ul.safe-categories {
                    @for category in &safety.suggested_categories {
                        li {
                            a href={ "/search?category=" (category.slug) "&age_months=" (age) } {
                                (category.name)
                            }
                        }
                    }
                }
            }
        }
    }
}

fn filters(
    state: &AppState,
    web: &Web,
    query: &PageQuery,
    age: u16,
    response: &SearchResponse,
) -> Markup {
    let catalog = state.0.catalog();
    let mut roots: Vec<_> = catalog
        .taxonomy
        .roots()
        .iter()
        .filter_map(|id| catalog.categories.get(id))
        .collect();
    roots.sort_by_key(|row| (row.position, row.id));
    let count_of = |slug: &str| {
        response
            .facets
            .categories
            .iter()
            .find(|facet| facet.slug == slug)
            .map(|facet| facet.count)
    };
    html! {
        form.filters #filters action="/search" method="get" aria-labelledby="filters-heading" {
            h2 #filters-heading { (web.t(T::Filters)) }
            input type="hidden" name="q" value=(query.q);
            label for="f-category" { (web.t(T::Category)) }
            select #f-category name="category" data-autosubmit {
                option value="" { (web.t(T::AllCategories)) }
                @for row in &roots {
                    option value=(row.slug) selected[row.slug == query.category] {
                        (web.lang.pick(Some(row.name_uz.as_str()), Some(row.name_uz_cyrl.as_str()), Some(row.name_ru.as_str()), Some(row.name_en.as_str())).unwrap_or(row.slug.as_str()))
                        @if let Some(count) = count_of(&row.slug) { " (" (count) ")" }
                    }
                }
            }
            label for="f-age" { (web.t(T::ChildAge)) }
            select #f-age name="age_months" data-autosubmit {
                @for months in AGE_CHOICES {
                    option value=(months) selected[months == age] { (format_age(web.lang, months)) }
                }
            }
            div.prices {
                div {
                    label for="f-price-from" { (web.t(T::PriceFrom)) }
                    input #f-price-from type="number" name="price_from" min="0" step="1000" inputmode="numeric" value=(query.price_from);
                }
                div {
                    label for="f-price-to" { (web.t(T::PriceTo)) }
                    input #f-price-to type="number" name="price_to" min="0" step="1000" inputmode="numeric" value=(query.price_to);
                }
            }
            div.check {
                input #f-stock type="checkbox" name="in_stock" value="1" checked[query.in_stock] data-autosubmit;
                label for="f-stock" { (web.t(T::InStockOnly)) " (" (response.facets.in_stock) ")" }
            }
            label for="f-sort" { (web.t(T::SortBy)) }
            select #f-sort name="sort" data-autosubmit {
                @for (value, label) in SORTS {
                    option value=(value) selected[value == query.sort || (query.sort.is_empty() && value == "relevance")] { (web.t(label)) }
                }
            }
            button type="submit" { (web.t(T::Apply)) }
        }
    }
}

fn results(
    state: &AppState,
    web: &Web,
    query: &PageQuery,
    age: u16,
    response: &SearchResponse,
) -> Markup {
    let pages = response
        .total
        .div_ceil(u64::from(response.per_page.max(1)))
        .min(u64::from(u32::MAX)) as u32;
    let pages = pages.min(engine::MAX_RESULT_WINDOW / response.per_page.max(1));
    html! {
        div.results-layout {
            section.results aria-labelledby="results-heading" {
                h1 #results-heading {
                    (response.total) " " (web.t(T::ResultsFound))
                }
                p.jump { a href="#filters" { (web.t(T::Filters)) " ↓" } }
                @if response.hits.is_empty() {
                    p { (web.t(T::NothingFound)) }
                } @else {
                    ul.grid {
                        @for hit in &response.hits {
                            (product_card(web, &card_of(hit), hit.title_highlight.as_deref()))
                        }
                    }
                }
                @if pages > 1 {
                    nav.pages aria-label=(web.t(T::Pages)) {
                        @if response.page > 1 {
                            a rel="prev" href=(query.link(age, Some(&query.category), response.page - 1)) { "← " (web.t(T::Previous)) }
                        }
                        span { (response.page) " / " (pages) }
                        @if response.page < pages {
                            a rel="next" href=(query.link(age, Some(&query.category), response.page + 1)) { (web.t(T::Next)) " →" }
                        }
                    }
                }
            }
            (filters(state, web, query, age, response))
        }
    }
}

fn card_of(hit: &SearchHit) -> CardProduct {
    CardProduct {
        id: hit.id,
        title: hit.title.clone(),
        price: hit.price,
        age_min_months: hit.age_min_months,
        age_max_months: hit.age_max_months,
        in_stock: hit.in_stock,
        image_url: hit.image_url.clone(),
    }
}

/// A product card. `highlighted` is the engine's title with `<mark>` around matches; the
/// engine escapes the title itself and adds only those tags.
pub fn product_card(web: &Web, product: &CardProduct, highlighted: Option<&str>) -> Markup {
    html! {
        li.card {
            a href={ "/products/" (product.id) } {
                @if let Some(url) = &product.image_url {
                    img src=(url) alt="" width="160" height="160" loading="lazy";
                }
                span.title {
                    @if let Some(highlighted) = highlighted {
                        (PreEscaped(sanitize_highlight(highlighted)))
                    } @else {
                        (product.title)
                    }
                }
            }
            span.price { (format_som(web.lang, product.price)) }
            span.age {
                (format_age_range(web.lang, product.age_min_months, product.age_max_months))
                @if !product.in_stock { " · " (web.t(T::OutOfStock)) }
            }
        }
    }
}

/// Keeps only the `<mark>`/`</mark>` tags of an engine highlight; any other `<` or `>` (which
/// the engine escapes already) is escaped again, so a title can never inject markup even if
/// the engine's escaping changed.
pub fn sanitize_highlight(highlighted: &str) -> String {
    let mut out = String::with_capacity(highlighted.len());
    let mut rest = highlighted;
    while let Some(position) = rest.find(['<', '>', '"', '\'']) {
        out.push_str(&rest[..position]);
        let tail = &rest[position..];
        if let Some(after) = tail.strip_prefix("<mark>") {
            out.push_str("<mark>");
            rest = after;
        } else if let Some(after) = tail.strip_prefix("</mark>") {
            out.push_str("</mark>");
            rest = after;
        } else {
            out.push_str(match tail.as_bytes()[0] {
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                _ => "&#39;",
            });
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_keep_only_mark_tags() {
        assert_eq!(
            sanitize_highlight("<mark>Lego</mark> &lt;b&gt; <script>x</script>"),
            "<mark>Lego</mark> &lt;b&gt; &lt;script&gt;x&lt;/script&gt;"
        );
        assert_eq!(sanitize_highlight("a\"b'c"), "a&quot;b&#39;c");
    }

    #[test]
    fn prices_in_som_become_tiyin_and_bad_ones_are_refused() {
        let query = PageQuery::parse("q=lego&price_from=1000&price_to=&in_stock=1");
        let api = query.api_query("ru").unwrap();
        assert!(api.contains("price_min=100000") && !api.contains("price_max"));
        assert!(api.contains("in_stock=true") && api.contains("lang=ru"));
        let bad = PageQuery::parse("q=lego&price_from=-5");
        assert_eq!(bad.api_query("uz").unwrap_err().code, "invalid_price");
    }
}
