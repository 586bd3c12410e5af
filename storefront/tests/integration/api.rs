//! The HTTP API and pages, driven with `oneshot`.

use crate::support::{
    Backend, TestDb, app_with, get_json, get_raw, hit_ids, small_catalog, test_db,
};
use axum::http::StatusCode;
use proptest::prelude::*;
use storefront::AppState;

async fn sample_app() -> (TestDb, AppState) {
    let test = test_db(Backend::Sqlite).await;
    let catalog = datasets::sample().unwrap();
    let state = app_with(&test, &catalog).await;
    (test, state)
}

async fn small_app() -> (TestDb, AppState) {
    let test = test_db(Backend::Sqlite).await;
    let state = app_with(&test, &small_catalog()).await;
    (test, state)
}

fn assert_error(status: StatusCode, body: &serde_json::Value, expected_status: u16, code: &str) {
    assert_eq!(status.as_u16(), expected_status, "{body}");
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|message| !message.is_empty())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fresh_data_directory_is_migrated_seeded_and_indexed() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("data");
    let models_dir = dir.path().join("models");
    let config = <storefront::config::Cli as clap::Parser>::try_parse_from([
        "storefront".as_ref(),
        "--data-dir".as_ref(),
        data_dir.as_os_str(),
        "--models-dir".as_ref(),
        models_dir.as_os_str(),
        "--models-auto-fetch=false".as_ref(),
        "--log=warn".as_ref(),
    ]
        as [&std::ffi::OsStr; 7])
    .unwrap()
    .config;
    let state = storefront::open_app(&config).await.unwrap();
    let sample = datasets::sample().unwrap();
    let counts = state.0.db.product_counts_by_status().await.unwrap();
    assert_eq!(counts.values().sum::<i64>() as usize, sample.products.len());
    let approved = counts["approved"] as u64;
    assert_eq!(state.0.engine.num_docs(), approved);
    let (status, body) = get_json(&state, "/health").await;
    assert_eq!(status, 200);
    assert_eq!(body["index_docs"], approved);
    assert_eq!(body["index_seq"], body["store_seq"]);
    // Without model weights the service still serves: lexical search only, and /health says
    // which models are missing and how to fetch them.
    state
        .0
        .models
        .load_blocking(&config.models_dir().unwrap(), config.models_auto_fetch);
    let (status, body) = get_json(&state, "/health").await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "degraded");
    assert_eq!(body["search_modes"], serde_json::json!(["lexical"]));
    let e5 = body["models"]
        .as_array()
        .unwrap()
        .iter()
        .find(|model| model["name"] == "multilingual-e5-small")
        .unwrap();
    assert_eq!(e5["state"], "missing", "{body}");
    assert_eq!(e5["fix"], "storefront models fetch");
    let (status, _) = get_json(&state, "/api/v1/search?q=konstruktor&age_months=60").await;
    assert_eq!(status, 200);
    state.0.db.close().await;
    drop(state);
    // A second start neither reseeds nor rebuilds.
    let state = storefront::open_app(&config).await.unwrap();
    let counts = state.0.db.product_counts_by_status().await.unwrap();
    assert_eq!(counts.values().sum::<i64>() as usize, sample.products.len());
    assert_eq!(state.0.engine.num_docs(), approved);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_hits_carry_the_documented_fields_and_respect_the_age() {
    let (_test, state) = sample_app().await;
    for age in [6u16, 36, 60, 84, 144, 200] {
        for q in [
            "qo%27g%27irchoq",
            "%D0%BA%D1%83%D0%BA%D0%BB%D0%B0",
            "konstruktor",
            "puzzle",
            "kitob",
        ] {
            let (status, body) = get_json(
                &state,
                &format!("/api/v1/search?q={q}&age_months={age}&per_page=50"),
            )
            .await;
            assert_eq!(status, 200, "{body}");
            for hit in body["hits"].as_array().unwrap() {
                for field in ["id", "title", "price", "age_min_months", "age_max_months"] {
                    assert!(!hit[field].is_null(), "hit lacks {field}: {hit}");
                }
                let (min, max) = (
                    hit["age_min_months"].as_u64().unwrap(),
                    hit["age_max_months"].as_u64().unwrap(),
                );
                assert!(
                    min <= u64::from(age) && u64::from(age) <= max,
                    "age {age} outside {min}..={max}"
                );
            }
        }
    }
    let (_, body) = get_json(&state, "/api/v1/search?q=konstruktor&age_months=84").await;
    assert!(
        body["total"].as_u64().unwrap() > 0,
        "the sample has construction sets for 7-year-olds"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uzbek_latin_and_cyrillic_queries_find_the_same_products() {
    let (_test, state) = sample_app().await;
    let pairs = [
        (
            "qo%27g%27irchoq",
            "%D2%9B%D1%9E%D2%93%D0%B8%D1%80%D1%87%D0%BE%D2%9B",
        ), // qo'g'irchoq / қўғирчоқ
        ("qo%CA%BBg%CA%BBirchoq", "qo%E2%80%98g%E2%80%98irchoq"), // qoʻgʻirchoq / qo‘g‘irchoq
        ("kitob", "%D0%BA%D0%B8%D1%82%D0%BE%D0%B1"),              // kitob / китоб
    ];
    for (latin, other) in pairs {
        let (_, a) = get_json(
            &state,
            &format!("/api/v1/search?q={latin}&age_months=60&per_page=100"),
        )
        .await;
        let (_, b) = get_json(
            &state,
            &format!("/api/v1/search?q={other}&age_months=60&per_page=100"),
        )
        .await;
        assert!(a["total"].as_u64().unwrap() > 0, "{latin} finds products");
        assert_eq!(a["total"], b["total"], "{latin} vs {other}");
        let (mut ids_a, mut ids_b) = (hit_ids(&a), hit_ids(&b));
        ids_a.sort_unstable();
        ids_b.sort_unstable();
        assert_eq!(ids_a, ids_b, "{latin} vs {other}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_and_facets_agree() {
    let (_test, state) = sample_app().await;
    let (_, categories) = get_json(&state, "/api/v1/categories").await;
    let roots = categories["categories"].as_array().unwrap();
    let leaves: usize = roots
        .iter()
        .map(|root| {
            fn count(node: &serde_json::Value) -> usize {
                let children = node["children"].as_array().unwrap();
                if children.is_empty() {
                    1
                } else {
                    children.iter().map(count).sum()
                }
            }
            count(root)
        })
        .sum();
    assert!(leaves >= 40, "at least 40 leaf categories, got {leaves}");

    let (_, all) = get_json(&state, "/api/v1/search?q=bolalar&age_months=60").await;
    let facet = all["facets"]["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|facet| facet["parent_id"].is_null() && facet["count"].as_u64().unwrap() > 0)
        .cloned()
        .expect("a root category facet");
    let slug = facet["slug"].as_str().unwrap();
    let (status, filtered) = get_json(
        &state,
        &format!("/api/v1/search?q=bolalar&age_months=60&category={slug}&per_page=100"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        filtered["total"], facet["count"],
        "facet count = filtered total"
    );
    // The category facet ignores its own filter; the other facets respect it.
    assert_eq!(
        filtered["facets"]["categories"],
        all["facets"]["categories"]
    );
    let brand_sum: u64 = filtered["facets"]["brands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["count"].as_u64().unwrap())
        .sum();
    assert_eq!(brand_sum, filtered["total"].as_u64().unwrap());
    // Price filter.
    let (_, cheap) = get_json(
        &state,
        "/api/v1/search?q=bolalar&age_months=60&price_max=10000000&per_page=100&sort=price_desc",
    )
    .await;
    for hit in cheap["hits"].as_array().unwrap() {
        assert!(hit["price"].as_i64().unwrap() <= 10_000_000);
    }
    let prices: Vec<i64> = cheap["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["price"].as_i64().unwrap())
        .collect();
    assert!(
        prices.windows(2).all(|pair| pair[0] >= pair[1]),
        "price_desc sorts"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_a_clear_4xx() {
    let (_test, state) = small_app().await;
    let long = "a".repeat(10_000);
    let cases: Vec<(String, u16, &str)> = vec![
        ("/api/v1/search?age_months=60".into(), 400, "empty_query"),
        ("/api/v1/search?q=&age_months=60".into(), 400, "empty_query"),
        (
            "/api/v1/search?q=%20%20&age_months=60".into(),
            400,
            "empty_query",
        ),
        (
            format!("/api/v1/search?q={long}&age_months=60"),
            400,
            "query_too_long",
        ),
        ("/api/v1/search?q=lego".into(), 400, "missing_age"),
        (
            "/api/v1/search?q=lego&age_months=abc".into(),
            400,
            "invalid_age",
        ),
        (
            "/api/v1/search?q=lego&age_months=60&price_min=-1".into(),
            400,
            "invalid_price",
        ),
        (
            "/api/v1/search?q=lego&age_months=60&price_max=184467440737095516150".into(),
            400,
            "invalid_price",
        ),
        (
            "/api/v1/search?q=lego&age_months=60&price_min=9&price_max=1".into(),
            400,
            "invalid_price_range",
        ),
        (
            "/api/v1/search?q=lego&age_months=60&category=no-such-category".into(),
            400,
            "unknown_category",
        ),
        (
            "/api/v1/search?q=lego&age_months=60&category=99999".into(),
            400,
            "unknown_category",
        ),
        (
            "/api/v1/search?q=lego&age_months=60&page=0".into(),
            400,
            "invalid_page",
        ),
        (
            "/api/v1/search?q=lego&age_months=60&page=-3".into(),
            400,
            "invalid_page",
        ),
        (
            "/api/v1/search?q=lego&age_months=60&page=1e3".into(),
            400,
            "invalid_page",
        ),
        (
            "/api/v1/search?q=lego&age_months=60&page=99999999999999999999".into(),
            400,
            "invalid_page",
        ),
        (
            "/api/v1/search?q=lego&age_months=60&per_page=0".into(),
            400,
            "invalid_per_page",
        ),
        (
            "/api/v1/search?q=%C3%28&age_months=60".into(),
            400,
            "invalid_utf8",
        ),
        (
            "/api/v1/search?q=%FF&age_months=60".into(),
            400,
            "invalid_utf8",
        ),
        (
            "/api/v1/search?q=lego&age_months=60&sort=random".into(),
            400,
            "invalid_sort",
        ),
        ("/api/v1/products/abc".into(), 400, "invalid_product_id"),
        ("/api/v1/products/-1".into(), 400, "invalid_product_id"),
        ("/api/v1/products/0".into(), 400, "invalid_product_id"),
        (
            "/api/v1/products/99999999999999999999".into(),
            400,
            "invalid_product_id",
        ),
        ("/api/v1/products/9999999".into(), 404, "product_not_found"),
        (
            "/api/v1/products/1?age_months=1000".into(),
            400,
            "invalid_age",
        ),
        ("/api/v1/nope".into(), 404, "not_found"),
    ];
    for (uri, status, code) in cases {
        let (actual, body) = get_json(&state, &uri).await;
        assert_error(actual, &body, status, code);
    }
    // Symbols only: a valid query with no hits, not an error.
    let (status, body) = get_json(
        &state,
        "/api/v1/search?q=%21%40%23%24%25%5E%26*()&age_months=60",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["total"], 0);
}

#[test]
fn no_query_string_ever_causes_a_5xx() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (_test, state) = runtime.block_on(small_app());
    let keys = prop_oneof![
        Just("q".to_owned()),
        Just("age_months".to_owned()),
        Just("category".to_owned()),
        Just("price_min".to_owned()),
        Just("price_max".to_owned()),
        Just("in_stock".to_owned()),
        Just("sort".to_owned()),
        Just("page".to_owned()),
        Just("per_page".to_owned()),
        Just("lang".to_owned()),
        Just("rating_min".to_owned()),
        Just("highlight".to_owned()),
        "[a-z_]{1,8}",
    ];
    // (value, already percent-encoded)
    let values = prop_oneof![
        "-?[0-9]{0,25}".prop_map(|value| (value, false)),
        any::<String>().prop_map(|value| (value.chars().take(300).collect::<String>(), false)),
        proptest::collection::vec(any::<u8>(), 0..40)
            .prop_map(|bytes| (bytes.iter().map(|b| format!("%{b:02X}")).collect(), true)),
        Just(("true".to_owned(), false)),
        Just(("price_asc".to_owned(), false)),
        Just(("60".to_owned(), false)),
    ];
    let pairs = proptest::collection::vec((keys, values), 0..8);
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 256,
        ..ProptestConfig::default()
    });
    runner
        .run(&pairs, |pairs| {
            let query: Vec<String> = pairs
                .iter()
                .map(|(key, (value, encoded))| {
                    let value = if *encoded {
                        value.clone()
                    } else {
                        percent_encoding::utf8_percent_encode(
                            value,
                            percent_encoding::NON_ALPHANUMERIC,
                        )
                        .to_string()
                    };
                    format!("{key}={value}")
                })
                .collect();
            let uri = format!("/api/v1/search?{}", query.join("&"));
            let (status, body) = runtime.block_on(get_json(&state, &uri));
            prop_assert!(!status.is_server_error(), "{uri} -> {status} {body}");
            if status.is_client_error() {
                prop_assert!(body["error"]["code"].is_string(), "{uri} -> {body}");
            }
            let (status, _) = runtime.block_on(get_raw(&state, &format!("/?{}", query.join("&"))));
            prop_assert!(!status.is_server_error(), "page {uri} -> {status}");
            Ok(())
        })
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn products_show_only_approved_and_age_appropriate() {
    let test = test_db(Backend::Sqlite).await;
    let catalog = small_catalog();
    let state = app_with(&test, &catalog).await;
    let records = test
        .db
        .product_records(&(1..=300).collect::<Vec<i64>>())
        .await
        .unwrap();
    let approved = records
        .iter()
        .find(|record| record.product.status == "approved")
        .unwrap();
    let (status, body) =
        get_json(&state, &format!("/api/v1/products/{}", approved.product.id)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["id"], approved.product.id);
    assert_eq!(
        body["variants"].as_array().unwrap().len(),
        approved.variants.len()
    );
    assert!(!body["categories"].as_array().unwrap().is_empty());
    let too_old = approved.product.age_max_months + 1;
    if too_old <= 216 {
        let (status, body) = get_json(
            &state,
            &format!(
                "/api/v1/products/{}?age_months={too_old}",
                approved.product.id
            ),
        )
        .await;
        assert_error(status, &body, 404, "product_not_found");
    }
    if let Some(hidden) = records
        .iter()
        .find(|record| record.product.status != "approved")
    {
        let (status, body) =
            get_json(&state, &format!("/api/v1/products/{}", hidden.product.id)).await;
        assert_error(status, &body, 404, "product_not_found");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_documents_every_api_route() {
    let (_test, state) = small_app().await;
    let (status, spec) = get_json(&state, "/api/openapi.json").await;
    assert_eq!(status, 200);
    assert!(spec["openapi"].as_str().unwrap().starts_with("3."));
    let paths: Vec<&str> = spec["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for path in [
        "/api/v1/search",
        "/api/v1/products/{id}",
        "/api/v1/categories",
        "/health",
    ] {
        assert!(paths.contains(&path), "{path} missing from {paths:?}");
    }
    let parameters: Vec<&str> = spec["paths"]["/api/v1/search"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|parameter| parameter["name"].as_str().unwrap())
        .collect();
    for name in [
        "q",
        "age_months",
        "category",
        "price_min",
        "price_max",
        "in_stock",
        "sort",
        "page",
        "per_page",
    ] {
        assert!(parameters.contains(&name), "{name} undocumented");
    }
    for schema in [
        "SearchResponse",
        "SearchHit",
        "ErrorBody",
        "ProductView",
        "CategoryTree",
        "Health",
    ] {
        assert!(
            spec["components"]["schemas"][schema].is_object(),
            "{schema} missing"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_search_page_renders_and_escapes() {
    let (_test, state) = small_app().await;
    let (status, body) = get_raw(&state, "/").await;
    assert_eq!(status, 200);
    let html = String::from_utf8(body).unwrap();
    assert!(html.contains("<form") && html.contains("name=\"q\""));
    let (status, body) = get_raw(
        &state,
        "/?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E&age_months=60",
    )
    .await;
    assert_eq!(status, 200);
    let html = String::from_utf8(body).unwrap();
    assert!(!html.contains("<script>alert(1)"), "query is escaped");
    assert!(html.contains("&lt;script&gt;"));
    let (status, _) = get_raw(&state, "/?q=&age_months=60").await;
    assert_eq!(status, 400);
    let (status, body) = get_raw(&state, "/media/art/toys/0.svg").await;
    if status == 200 {
        assert!(String::from_utf8(body).unwrap().contains("<svg"));
    }
    let (status, _) = get_raw(&state, "/media/art/toys/99.svg").await;
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hybrid_and_semantic_search_run_once_an_embedder_is_loaded_and_fall_back_without() {
    let (_test, state) = sample_app().await;
    // No embedder: the default is lexical, and an explicit mode says it fell back.
    let (status, body) = get_json(&state, "/api/v1/search?q=konstruktor&age_months=60").await;
    assert_eq!(status, 200);
    assert_eq!(body["mode"], "lexical");
    assert!(body.get("notice").is_none());
    let (status, body) = get_json(
        &state,
        "/api/v1/search?q=konstruktor&age_months=60&mode=hybrid",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["mode"], "lexical");
    assert_eq!(body["notice"], "semantic_unavailable");

    // A (stand-in) embedder arrives: the index is rebuilt with passage vectors.
    state
        .0
        .models
        .serve_embedder(std::sync::Arc::new(models::HashingEmbedder::new(96)));
    assert!(storefront::indexing::needs_embedding_backfill(&state.0));
    storefront::indexing::rebuild(&state.0, &|_, _| {})
        .await
        .unwrap();
    assert!(!storefront::indexing::needs_embedding_backfill(&state.0));

    for mode in ["semantic", "hybrid"] {
        for age in [12u16, 60, 144] {
            let (status, body) = get_json(
                &state,
                &format!("/api/v1/search?q=konstruktor&age_months={age}&mode={mode}&explain=true&per_page=50"),
            )
            .await;
            assert_eq!(status, 200, "{body}");
            assert_eq!(body["mode"], mode);
            let hits = body["hits"].as_array().unwrap();
            assert!(!hits.is_empty(), "{mode} {age}: {body}");
            for hit in hits {
                let (min, max) = (
                    hit["age_min_months"].as_u64().unwrap(),
                    hit["age_max_months"].as_u64().unwrap(),
                );
                assert!(min <= u64::from(age) && u64::from(age) <= max, "{hit}");
                assert!(hit["explain"]["final_score"].is_number(), "{hit}");
            }
        }
    }
    // The default is hybrid now.
    let (_, body) = get_json(&state, "/api/v1/search?q=konstruktor&age_months=60").await;
    assert_eq!(body["mode"], "hybrid");
    // Bad input stays a 400 with its code.
    let (status, body) = get_json(
        &state,
        "/api/v1/search?q=konstruktor&age_months=60&mode=vector",
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], "invalid_mode");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn understood_age_and_budget_come_back_and_narrow_the_results() {
    let (_test, state) = sample_app().await;
    let (status, body) = get_json(
        &state,
        "/api/v1/search?q=%D0%BF%D0%BE%D0%B4%D0%B0%D1%80%D0%BE%D0%BA%20%D0%B4%D0%B5%D0%B2%D0%BE%D1%87%D0%BA%D0%B5%205%20%D0%BB%D0%B5%D1%82%20%D0%B4%D0%BE%20200%20%D1%82%D1%8B%D1%81%D1%8F%D1%87&age_months=60",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let understood = &body["understood"];
    assert_eq!(understood["age_min_months"], 60, "{body}");
    assert_eq!(understood["price_max"], 20_000_000, "{body}");
    assert_eq!(understood["recipient"], "girl");
    for hit in body["hits"].as_array().unwrap() {
        assert!(hit["price"].as_i64().unwrap() <= 20_000_000, "{hit}");
        assert!(hit["age_min_months"].as_u64().unwrap() <= 71, "{hit}");
    }
}
