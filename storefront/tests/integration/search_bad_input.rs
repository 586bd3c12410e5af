//! Bad input on `/api/v1/search`, `/api/v1/suggest` and the recommendations (issue 4): huge
//! `per_page`/`page`/`limit`, unknown modes, contradictory filters, ages out of range, an empty
//! query with filters. Each is a 400 with a stable code or a well-defined result, never a 5xx.

use crate::support::{Backend, app_with, get_json, small_catalog, test_db};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_search_suggest_and_recommendation_input_is_a_stable_4xx() {
    let test = test_db(Backend::Sqlite).await;
    let state = app_with(&test, &small_catalog()).await;
    let q = "/api/v1/search?q=lego&age_months=60";
    let cases: Vec<(String, &str)> = vec![
        (format!("{q}&per_page=101"), "invalid_per_page"),
        (format!("{q}&per_page=100000000"), "invalid_per_page"),
        (format!("{q}&per_page=-5"), "invalid_per_page"),
        (format!("{q}&page=10001"), "invalid_page"),
        (
            format!("{q}&page=101&per_page=100"),
            "result_window_exceeded",
        ),
        (format!("{q}&mode=vector"), "invalid_mode"),
        (format!("{q}&mode=HYBRID%00"), "invalid_mode"),
        (format!("{q}&fusion=max"), "invalid_fusion"),
        (format!("{q}&fusion=weighted&alpha=NaN"), "invalid_alpha"),
        (format!("{q}&fusion=weighted&alpha=2"), "invalid_alpha"),
        (format!("{q}&rrf_k=0"), "invalid_rrf_k"),
        (
            format!("{q}&price_min=500000&price_max=100"),
            "invalid_price_range",
        ),
        (
            "/api/v1/search?q=lego&age_months=217".to_owned(),
            "invalid_age",
        ),
        (
            "/api/v1/search?q=lego&age_months=-1".to_owned(),
            "invalid_age",
        ),
        (
            "/api/v1/search?q=lego&age_months=99999999999999999999".to_owned(),
            "invalid_age",
        ),
        // No text and only non-browsing filters: there is nothing to search.
        (
            "/api/v1/search?age_months=60&price_min=1&price_max=100000000".to_owned(),
            "empty_query",
        ),
        (
            "/api/v1/suggest?q=lego&age_months=60&limit=100000".to_owned(),
            "invalid_limit",
        ),
        (
            "/api/v1/suggest?q=lego&age_months=60&limit=-1".to_owned(),
            "invalid_limit",
        ),
        (
            "/api/v1/suggest?q=lego&age_months=500".to_owned(),
            "invalid_age",
        ),
        ("/api/v1/suggest?q=lego".to_owned(), "missing_age"),
        (
            format!("/api/v1/suggest?q={}&age_months=60", "a".repeat(101)),
            "query_too_long",
        ),
        (
            "/api/v1/recommendations/trending?age_months=60&limit=100000".to_owned(),
            "invalid_limit",
        ),
        (
            "/api/v1/recommendations/similar/1?age_months=300".to_owned(),
            "invalid_age",
        ),
    ];
    for (uri, code) in cases {
        let (status, body) = get_json(&state, &uri).await;
        assert_eq!(status.as_u16(), 400, "{uri}: {body}");
        assert_eq!(body["error"]["code"], code, "{uri}: {body}");
    }
    // An empty query with a category browses it: a well-defined result within the filters.
    let (status, body) = get_json(
        &state,
        "/api/v1/search?category=toys&age_months=60&price_max=100",
    )
    .await;
    assert_eq!(status.as_u16(), 200, "{body}");
    let total = body["total"].as_u64().unwrap();
    assert_eq!(body["hits"].as_array().unwrap().len() as u64, total.min(20));
    for hit in body["hits"].as_array().unwrap() {
        assert!(hit["price"].as_i64().unwrap() <= 100, "{hit}");
    }
    // Contradictory but valid ranges give an empty result, not an error.
    let (status, body) = get_json(
        &state,
        "/api/v1/search?q=lego&age_months=60&price_min=7&price_max=7",
    )
    .await;
    assert_eq!(status.as_u16(), 200, "{body}");
    assert_eq!(body["total"], 0);
}

/// Random parameter soup: every answer is a 200 or a 400 with an error code, never a 5xx.
#[test]
fn random_search_parameters_never_give_a_server_error() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (test, state) = runtime.block_on(async {
        let test = test_db(Backend::Sqlite).await;
        let state = app_with(&test, &small_catalog()).await;
        (test, state)
    });
    let value = prop_oneof![
        Just(String::new()),
        Just("-1".to_owned()),
        Just("0".to_owned()),
        Just("1e9".to_owned()),
        Just("NaN".to_owned()),
        Just("99999999999999999999".to_owned()),
        (0u32..300).prop_map(|n| n.to_string()),
        "[a-z%]{1,6}",
    ];
    let name = prop::sample::select(vec![
        "q",
        "age_months",
        "per_page",
        "page",
        "mode",
        "price_min",
        "price_max",
        "category",
        "sort",
        "fusion",
        "alpha",
        "rrf_k",
        "in_stock",
        "rating_min",
        "limit",
        "lang",
    ]);
    let path = prop::sample::select(vec![
        "/api/v1/search",
        "/api/v1/suggest",
        "/api/v1/recommendations/trending",
        "/api/v1/recommendations/similar/1",
    ]);
    let strategy = (path, prop::collection::vec((name, value), 0..6));
    let mut runner = TestRunner::new(Config::with_cases(128));
    runner
        .run(&strategy, |(path, params)| {
            let query: Vec<String> = params
                .iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect();
            let uri = format!("{path}?{}", query.join("&"));
            let (status, body) = runtime.block_on(get_json(&state, &uri));
            prop_assert!(
                status.as_u16() == 200 || (status.as_u16() == 400 || status.as_u16() == 404),
                "{uri}: {status} {body}"
            );
            if status.as_u16() != 200 {
                prop_assert!(body["error"]["code"].is_string(), "{uri}: {body}");
            }
            Ok(())
        })
        .unwrap();
    drop(test);
}
