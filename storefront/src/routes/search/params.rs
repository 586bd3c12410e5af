//! Parsing and validation of the search query string, done by hand so that every bad input
//! (invalid UTF-8, overflowing numbers, unknown values) gets its own stable error code.

use crate::ApiError;
use engine::{Fusion, Lang, MAX_PER_PAGE, MAX_QUERY_CHARS, MAX_RESULT_WINDOW, SearchMode, Sort};
use moderation::MAX_AGE_MONTHS;
use percent_encoding::percent_decode;

/// The largest accepted price, in tiyin (10 billion so'm).
pub const MAX_PRICE_TIYIN: i64 = 1_000_000_000_000;

/// The audience's age from the `age_months` parameter, required by search, suggest and
/// recommendations alike: 400 `missing_age` when absent or empty, 400 `invalid_age` unless an
/// integer from 0 to [`MAX_AGE_MONTHS`].
pub fn parse_age_months(value: Option<&str>) -> Result<u16, ApiError> {
    match value {
        None | Some("") => Err(ApiError::bad_request(
            "missing_age",
            "age_months (the audience's age in months) is required",
        )),
        Some(value) => value
            .parse::<u16>()
            .ok()
            .filter(|age| *age <= MAX_AGE_MONTHS)
            .ok_or_else(|| {
                ApiError::bad_request(
                    "invalid_age",
                    format!("age_months must be an integer from 0 to {MAX_AGE_MONTHS}"),
                )
            }),
    }
}

/// Validated search parameters.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchParams {
    /// The text, trimmed; empty when browsing a category.
    pub q: String,
    /// The audience's age in months (mandatory).
    pub age_months: u16,
    /// Category slug or id, unresolved.
    pub category: Option<String>,
    /// Brand id.
    pub brand: Option<u64>,
    /// Seller id.
    pub seller: Option<u64>,
    /// Lowest price in tiyin.
    pub price_min: Option<i64>,
    /// Highest price in tiyin.
    pub price_max: Option<i64>,
    /// Only in-stock products.
    pub in_stock: bool,
    /// Minimum rating.
    pub rating_min: Option<f32>,
    /// Order.
    pub sort: Sort,
    /// 1-based page.
    pub page: u32,
    /// Page size.
    pub per_page: u32,
    /// Language of titles.
    pub lang: Lang,
    /// Highlight matches in titles.
    pub highlight: bool,
    /// Retrieval mode; `None`: hybrid when the text embedder is loaded, else lexical.
    pub mode: Option<SearchMode>,
    /// How hybrid search fuses its two lists.
    pub fusion: Fusion,
    /// Return each hit's score components.
    pub explain: bool,
    /// Read age, budget and recipient out of the text (default on).
    pub understand: bool,
}

/// Decodes an `application/x-www-form-urlencoded` query string into pairs, rejecting invalid
/// UTF-8. A repeated key keeps its last value.
pub fn decode_pairs(raw: &str) -> Result<Vec<(String, String)>, ApiError> {
    raw.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            Ok((decode_component(key)?, decode_component(value)?))
        })
        .collect()
}

fn decode_component(component: &str) -> Result<String, ApiError> {
    let spaced = component.replace('+', " ");
    let bytes: Vec<u8> = percent_decode(spaced.as_bytes()).collect();
    String::from_utf8(bytes)
        .map_err(|_| ApiError::bad_request("invalid_utf8", "the query string is not valid utf-8"))
}

impl SearchParams {
    /// Parses and validates a raw query string.
    pub fn parse(raw: Option<&str>) -> Result<Self, ApiError> {
        let pairs = decode_pairs(raw.unwrap_or_default())?;
        let get = |name: &str| {
            pairs
                .iter()
                .rev()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.trim())
        };
        let q = get("q").unwrap_or_default().to_owned();
        let category = get("category")
            .filter(|value| !value.is_empty())
            .map(str::to_owned);
        if q.chars().count() > MAX_QUERY_CHARS {
            return Err(ApiError::bad_request(
                "query_too_long",
                format!("q must be at most {MAX_QUERY_CHARS} characters"),
            ));
        }
        if q.is_empty() && category.is_none() {
            return Err(ApiError::bad_request(
                "empty_query",
                "q must not be empty (or give a category to browse)",
            ));
        }
        let age_months = parse_age_months(get("age_months"))?;
        let price_min = parse_price(get("price_min"), "price_min")?;
        let price_max = parse_price(get("price_max"), "price_max")?;
        if let (Some(min), Some(max)) = (price_min, price_max)
            && min > max
        {
            return Err(ApiError::bad_request(
                "invalid_price_range",
                "price_min must not exceed price_max",
            ));
        }
        let page = parse_bounded(get("page"), "page", 1, MAX_RESULT_WINDOW, 1, "invalid_page")?;
        let per_page = parse_bounded(
            get("per_page"),
            "per_page",
            1,
            MAX_PER_PAGE,
            20,
            "invalid_per_page",
        )?;
        if u64::from(page) * u64::from(per_page) > u64::from(MAX_RESULT_WINDOW) {
            return Err(ApiError::bad_request(
                "result_window_exceeded",
                format!("page * per_page must not exceed {MAX_RESULT_WINDOW}"),
            ));
        }
        let sort = match get("sort") {
            None | Some("") => Sort::Relevance,
            Some(name) => Sort::parse(name).ok_or_else(|| {
                ApiError::bad_request(
                    "invalid_sort",
                    "sort must be one of relevance, price_asc, price_desc, newest, rating, popularity",
                )
            })?,
        };
        let lang = match get("lang") {
            None | Some("") => Lang::Uz,
            Some(tag) => Lang::parse(tag).ok_or_else(|| {
                ApiError::bad_request("invalid_lang", "lang must be one of uz, uz-Cyrl, ru, en")
            })?,
        };
        let rating_min = match get("rating_min") {
            None | Some("") => None,
            Some(value) => Some(
                value
                    .parse::<f32>()
                    .ok()
                    .filter(|rating| (1.0..=5.0).contains(rating))
                    .ok_or_else(|| {
                        ApiError::bad_request(
                            "invalid_rating",
                            "rating_min must be a number from 1 to 5",
                        )
                    })?,
            ),
        };
        let mode = match get("mode") {
            None | Some("") => None,
            Some(name) => Some(SearchMode::parse(name).ok_or_else(|| {
                ApiError::bad_request(
                    "invalid_mode",
                    "mode must be one of lexical, semantic, hybrid",
                )
            })?),
        };
        let fusion = parse_fusion(get("fusion"), get("rrf_k"), get("alpha"))?;
        let understand = match get("understand") {
            None | Some("") => true,
            value => parse_bool(value, "understand")?,
        };
        Ok(Self {
            mode,
            fusion,
            explain: parse_bool(get("explain"), "explain")?,
            understand,
            q,
            age_months,
            category,
            brand: parse_id(get("brand"), "brand")?,
            seller: parse_id(get("seller"), "seller")?,
            price_min,
            price_max,
            in_stock: parse_bool(get("in_stock"), "in_stock")?,
            rating_min,
            sort,
            page,
            per_page,
            lang,
            highlight: parse_bool(get("highlight"), "highlight")?,
        })
    }
}

/// Parses `fusion=rrf|weighted` with its parameter (`rrf_k` 1–1000, `alpha` 0–1). Without
/// `fusion` the engine's default applies ([`Fusion::default`], chosen by the relevance
/// evaluation), its parameter still adjustable.
fn parse_fusion(
    fusion: Option<&str>,
    rrf_k: Option<&str>,
    alpha: Option<&str>,
) -> Result<Fusion, ApiError> {
    let default = Fusion::default();
    let (default_k, default_alpha) = match default {
        Fusion::Rrf { k } => (k, engine::DEFAULT_ALPHA),
        Fusion::Weighted { alpha } => (engine::DEFAULT_RRF_K, alpha),
    };
    let name = match (fusion, default) {
        (None | Some(""), Fusion::Rrf { .. }) => "rrf",
        (None | Some(""), Fusion::Weighted { .. }) => "weighted",
        (Some(name), _) => name,
    };
    match name {
        "rrf" => {
            let k = parse_bounded(rrf_k, "rrf_k", 1, 1_000, default_k, "invalid_rrf_k")?;
            Ok(Fusion::Rrf { k })
        }
        "weighted" => {
            let alpha = match alpha {
                None | Some("") => default_alpha,
                Some(value) => value
                    .parse::<f32>()
                    .ok()
                    .filter(|alpha| (0.0..=1.0).contains(alpha))
                    .ok_or_else(|| {
                        ApiError::bad_request("invalid_alpha", "alpha must be a number from 0 to 1")
                    })?,
            };
            Ok(Fusion::Weighted { alpha })
        }
        _ => Err(ApiError::bad_request(
            "invalid_fusion",
            "fusion must be rrf or weighted",
        )),
    }
}

fn parse_price(value: Option<&str>, name: &str) -> Result<Option<i64>, ApiError> {
    match value {
        None | Some("") => Ok(None),
        Some(value) => value
            .parse::<i64>()
            .ok()
            .filter(|price| (0..=MAX_PRICE_TIYIN).contains(price))
            .map(Some)
            .ok_or_else(|| {
                ApiError::bad_request(
                    "invalid_price",
                    format!(
                        "{name} must be an integer number of tiyin from 0 to {MAX_PRICE_TIYIN}"
                    ),
                )
            }),
    }
}

fn parse_bounded(
    value: Option<&str>,
    name: &str,
    min: u32,
    max: u32,
    default: u32,
    code: &'static str,
) -> Result<u32, ApiError> {
    match value {
        None | Some("") => Ok(default),
        Some(value) => value
            .parse::<u32>()
            .ok()
            .filter(|number| (min..=max).contains(number))
            .ok_or_else(|| {
                ApiError::bad_request(
                    code,
                    format!("{name} must be an integer from {min} to {max}"),
                )
            }),
    }
}

fn parse_id(value: Option<&str>, name: &str) -> Result<Option<u64>, ApiError> {
    match value {
        None | Some("") => Ok(None),
        Some(value) => value.parse::<u64>().map(Some).map_err(|_| {
            ApiError::bad_request("invalid_parameter", format!("{name} must be a numeric id"))
        }),
    }
}

fn parse_bool(value: Option<&str>, name: &str) -> Result<bool, ApiError> {
    match value {
        None | Some("") | Some("false") | Some("0") | Some("off") => Ok(false),
        Some("true") | Some("1") | Some("on") => Ok(true),
        Some(_) => Err(ApiError::bad_request(
            "invalid_parameter",
            format!("{name} must be true or false"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(raw: &str) -> &'static str {
        SearchParams::parse(Some(raw)).unwrap_err().code
    }

    #[test]
    fn parses_a_full_query() {
        let params = SearchParams::parse(Some(
            "q=qo%CA%BBg%CA%BBirchoq+qizil&age_months=60&category=dolls&price_min=0&price_max=20000000&in_stock=true&sort=price_asc&page=2&per_page=10&lang=uz-Cyrl&highlight=1",
        ))
        .unwrap();
        assert_eq!(params.q, "qoʻgʻirchoq qizil");
        assert_eq!(params.age_months, 60);
        assert_eq!(params.category.as_deref(), Some("dolls"));
        assert_eq!(params.price_max, Some(20_000_000));
        assert!(params.in_stock && params.highlight);
        assert_eq!(params.sort, Sort::PriceAsc);
        assert_eq!((params.page, params.per_page), (2, 10));
        assert_eq!(params.lang, Lang::UzCyrl);
    }

    #[test]
    fn modes_and_fusion_parse_with_their_own_codes() {
        let parsed =
            SearchParams::parse(Some("q=a&age_months=5&mode=semantic&fusion=weighted&alpha=0.3&explain=true&understand=false"))
                .unwrap();
        assert_eq!(parsed.mode, Some(SearchMode::Semantic));
        assert_eq!(parsed.fusion, Fusion::Weighted { alpha: 0.3 });
        assert!(parsed.explain);
        assert!(!parsed.understand);
        let defaults = SearchParams::parse(Some("q=a&age_months=5")).unwrap();
        assert_eq!(defaults.mode, None);
        assert!(defaults.understand);
        assert_eq!(defaults.fusion, Fusion::default());
        assert_eq!(code("q=a&age_months=5&mode=magic"), "invalid_mode");
        assert_eq!(code("q=a&age_months=5&fusion=max"), "invalid_fusion");
        assert_eq!(
            code("q=a&age_months=5&fusion=weighted&alpha=1.5"),
            "invalid_alpha"
        );
        assert_eq!(
            code("q=a&age_months=5&fusion=weighted&alpha=NaN"),
            "invalid_alpha"
        );
        assert_eq!(code("q=a&age_months=5&rrf_k=0"), "invalid_rrf_k");
        assert_eq!(code("q=a&age_months=5&explain=maybe"), "invalid_parameter");
    }

    #[test]
    fn bad_inputs_get_their_own_codes() {
        assert_eq!(code("age_months=5"), "empty_query");
        assert_eq!(code("q=+++&age_months=5"), "empty_query");
        assert_eq!(code("q=lego"), "missing_age");
        assert_eq!(code("q=lego&age_months=-1"), "invalid_age");
        assert_eq!(code("q=lego&age_months=999"), "invalid_age");
        assert_eq!(code("q=lego&age_months=5&price_min=-5"), "invalid_price");
        assert_eq!(
            code("q=lego&age_months=5&price_max=99999999999999999999999"),
            "invalid_price"
        );
        assert_eq!(
            code("q=lego&age_months=5&price_min=10&price_max=5"),
            "invalid_price_range"
        );
        assert_eq!(code("q=lego&age_months=5&page=0"), "invalid_page");
        assert_eq!(code("q=lego&age_months=5&page=abc"), "invalid_page");
        assert_eq!(code("q=lego&age_months=5&page=1.5"), "invalid_page");
        assert_eq!(
            code("q=lego&age_months=5&per_page=1000"),
            "invalid_per_page"
        );
        assert_eq!(
            code("q=lego&age_months=5&page=9000&per_page=100"),
            "result_window_exceeded"
        );
        assert_eq!(code("q=lego&age_months=5&sort=cheapest"), "invalid_sort");
        assert_eq!(code("q=%FF%FE&age_months=5"), "invalid_utf8");
        assert_eq!(code("q=lego&age_months=5&lang=fr"), "invalid_lang");
        assert_eq!(
            code(&format!("q={}&age_months=5", "a".repeat(10_000))),
            "query_too_long"
        );
    }

    #[test]
    fn a_category_alone_browses() {
        let params = SearchParams::parse(Some("category=dolls&age_months=48")).unwrap();
        assert!(params.q.is_empty());
    }
}
