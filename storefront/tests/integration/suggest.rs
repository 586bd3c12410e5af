//! `GET /api/v1/suggest`: completions from titles, categories and popular queries, under the
//! audience's age, never unsafe (issue 4, item 4).

use crate::backend_tests;
use crate::support::{Backend, TestDb, app_with, get_json, test_db};
use axum::body::Body;
use axum::http::Request;
use moderation::MAX_AGE_MONTHS;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::collections::HashMap;
use storefront::AppState;
use tower::ServiceExt;

fn encode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}

async fn suggestions(state: &AppState, q: &str, age: u16) -> Vec<serde_json::Value> {
    let (status, body) = get_json(
        state,
        &format!("/api/v1/suggest?q={}&age_months={age}&limit=20", encode(q)),
    )
    .await;
    assert_eq!(status, 200, "{q:?} at {age}: {body}");
    body["suggestions"].as_array().unwrap().clone()
}

fn texts_of(list: &[serde_json::Value], kind: &str) -> Vec<String> {
    list.iter()
        .filter(|s| s["kind"] == kind)
        .map(|s| s["text"].as_str().unwrap().to_owned())
        .collect()
}

/// Searches as a distinct client (its own user agent, so its own session).
async fn search_as(state: &AppState, client: &str, q: &str, age: u16) -> serde_json::Value {
    let response = storefront::router(state.clone())
        .oneshot(
            Request::get(format!("/api/v1/search?q={}&age_months={age}", encode(q)))
                .header("user-agent", client)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let bytes = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap()
        .to_bytes();
    serde_json::from_slice(&bytes).unwrap()
}

/// Waits until the background log writes of `query` reach `sessions`.
async fn wait_for_sessions(db: &TestDb, query: &str, sessions: i64) {
    let folded = engine::fold_text(query);
    for _ in 0..200 {
        let popular = storefront::db::search_log::popular(&db.db, 1, 0, 1_000)
            .await
            .unwrap();
        if popular
            .iter()
            .any(|row| row.query_folded == folded && row.sessions >= sessions)
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("{query:?} never reached {sessions} logged sessions");
}

backend_tests!(
    a_query_becomes_suggestible_after_enough_distinct_sessions,
    |db: TestDb| async move {
        let catalog = datasets::sample().unwrap();
        let state = app_with(&db, &catalog).await;
        let query = "konstruktor kosmos";
        // One client repeating the query counts once.
        for _ in 0..5 {
            let body = search_as(&state, "client-a", query, 72).await;
            assert!(body["total"].as_u64().unwrap() > 0, "{body}");
        }
        search_as(&state, "client-b", query, 72).await;
        wait_for_sessions(&db, query, 2).await;
        let before = suggestions(&state, "konstruktor ko", 72).await;
        assert!(
            !texts_of(&before, "query").contains(&query.to_owned()),
            "suggested after 2 sessions: {before:?}"
        );
        search_as(&state, "client-c", query, 72).await;
        wait_for_sessions(&db, query, storefront::routes::suggest::MIN_SESSIONS).await;
        let after = suggestions(&state, "konstruktor ko", 72).await;
        assert_eq!(
            texts_of(&after, "query").first(),
            Some(&query.to_owned()),
            "{after:?}"
        );
        // Typo-tolerant, and in the other script.
        let typo = suggestions(&state, "konstruktr ko", 72).await;
        assert!(
            texts_of(&typo, "query").contains(&query.to_owned()),
            "{typo:?}"
        );
        let cyrillic = suggestions(&state, "конструктор ко", 72).await;
        assert!(
            texts_of(&cyrillic, "query").contains(&query.to_owned()),
            "{cyrillic:?}"
        );
        // A query that finds nothing is never logged.
        search_as(&state, "client-d", "zzzqqq xxyyzz", 72).await;
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let popular = storefront::db::search_log::popular(&db.db, 1, 0, 1_000)
            .await
            .unwrap();
        assert!(
            popular
                .iter()
                .all(|row| !row.query_folded.contains("zzzqqq"))
        );
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn categories_and_titles_complete_in_every_language_form() {
    let db = test_db(Backend::Sqlite).await;
    let catalog = datasets::sample().unwrap();
    let state = app_with(&db, &catalog).await;
    for (typed, lang, category) in [
        ("konst", "uz", "construction-sets"),
        ("конст", "uz-Cyrl", "construction-sets"),
        ("конструк", "ru", "construction-sets"),
        ("pazl", "uz", "puzzles"),
        ("velosip", "uz", "bikes"),
        ("велоси", "ru", "bikes"),
        ("bike", "en", "bikes"),
        ("velosiepd", "uz", "bikes"),
    ] {
        let (status, body) = get_json(
            &state,
            &format!(
                "/api/v1/suggest?q={}&age_months=96&lang={lang}",
                encode(typed)
            ),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let list = body["suggestions"].as_array().unwrap();
        assert!(
            list.iter()
                .any(|s| s["kind"] == "category" && s["category"]["slug"] == category),
            "{typed:?} ({lang}) does not suggest {category}: {body}"
        );
    }
    let products = suggestions(&state, "qo'g'irch", 60).await;
    assert!(
        products.iter().any(|s| s["kind"] == "product"),
        "{products:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_suggest_input_gets_a_4xx_with_the_error_shape() {
    let db = test_db(Backend::Sqlite).await;
    let state = app_with(&db, &crate::support::small_catalog()).await;
    for (query, code) in [
        ("", "empty_query"),
        ("?q=", "empty_query"),
        ("?q=abc", "missing_age"),
        ("?q=abc&age_months=x", "invalid_age"),
        ("?q=abc&age_months=300", "invalid_age"),
        ("?q=abc&age_months=5&limit=999", "invalid_limit"),
        ("?q=abc&age_months=5&lang=de", "invalid_lang"),
        ("?q=%C3%28&age_months=5", "invalid_utf8"),
    ] {
        let (status, body) = get_json(&state, &format!("/api/v1/suggest{query}")).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert_eq!(body["error"]["code"], code, "{query}: {body}");
        assert!(body["error"]["message"].is_string());
    }
    let long = "a".repeat(101);
    let (status, body) = get_json(&state, &format!("/api/v1/suggest?q={long}&age_months=5")).await;
    assert_eq!(
        (status.as_u16(), &body["error"]["code"]),
        (400, &serde_json::json!("query_too_long"))
    );
}

/// Unsafe queries planted in the log, each searched by many sessions.
const PLANTED_UNSAFE_QUERIES: &[&str] = &[
    "elf bar vape",
    "кальян на 2 трубки",
    "erotic novels",
    "chocolates with brandy",
    "ganzo folding knife",
    "hookah tobacco",
    "pistolet travmaticheskiy",
    "сигареты",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn planted_unsafe_terms_are_never_suggested() {
    let db = test_db(Backend::Sqlite).await;
    let catalog = datasets::sample().unwrap();
    let state = app_with(&db, &catalog).await;
    let now = chrono::Utc::now().timestamp();
    for query in PLANTED_UNSAFE_QUERIES
        .iter()
        .chain(["lego konstruktor"].iter())
    {
        for session in 0..10 {
            storefront::db::search_log::record(
                &db.db,
                &engine::fold_text(query),
                query,
                &format!("planted-session-{session}"),
                120,
                now,
            )
            .await
            .unwrap();
        }
    }
    // The safe planted query is suggested (so this test can see a suggestion at all).
    let lego = suggestions(&state, "lego ko", 72).await;
    assert!(
        texts_of(&lego, "query").contains(&"lego konstruktor".to_owned()),
        "{lego:?}"
    );
    let unsafe_titles: Vec<(u64, String)> = catalog
        .products
        .iter()
        .filter(|product| product.unsafe_label.is_some())
        .flat_map(|product| {
            let t = &product.title;
            [&t.uz, &t.uz_cyrl, &t.ru, &t.en]
                .into_iter()
                .flatten()
                .map(move |title| (product.id, title.clone()))
        })
        .collect();
    let unsafe_ids: Vec<u64> = unsafe_titles.iter().map(|(id, _)| *id).collect();
    let planted_folded: Vec<String> = PLANTED_UNSAFE_QUERIES
        .iter()
        .map(|q| engine::fold_text(q))
        .collect();
    let mut typed: Vec<String> = Vec::new();
    for query in PLANTED_UNSAFE_QUERIES {
        let chars: Vec<char> = query.chars().collect();
        for len in [3, 5, chars.len()] {
            typed.push(chars[..len.min(chars.len())].iter().collect());
        }
    }
    for (_, title) in &unsafe_titles {
        let chars: Vec<char> = title.chars().collect();
        for len in [4, 8, chars.len().min(60)] {
            typed.push(chars[..len.min(chars.len())].iter().collect());
        }
    }
    for text in &typed {
        for age in [0, 12, 36, 72, 120, 168, MAX_AGE_MONTHS] {
            for suggestion in suggestions(&state, text, age).await {
                let shown = engine::fold_text(suggestion["text"].as_str().unwrap());
                assert!(
                    !planted_folded.contains(&shown),
                    "planted unsafe query suggested for {text:?} at {age}: {suggestion}"
                );
                if let Some(id) = suggestion["product_id"].as_u64() {
                    assert!(
                        !unsafe_ids.contains(&id),
                        "unsafe product {id} suggested for {text:?} at {age}: {suggestion}"
                    );
                }
                assert!(
                    storefront::routes::suggest::passes_lexicon(
                        suggestion["text"].as_str().unwrap(),
                        moderation::Audience::new(i64::from(age)).unwrap()
                    ),
                    "{suggestion}"
                );
            }
        }
    }
}

/// Property: whatever is typed, at whatever age, a product suggestion is an approved product
/// the audience admits, a category suggestion holds products the audience may see, and a
/// query suggestion finds products for it.
#[test]
fn no_suggestion_leads_outside_the_audience_or_to_unapproved_products() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let catalog = datasets::sample().unwrap();
    let (db, state) = runtime.block_on(async {
        let db = test_db(Backend::Sqlite).await;
        let state = app_with(&db, &catalog).await;
        // Popular queries from the sample's own titles, some only for young audiences' words.
        let now = chrono::Utc::now().timestamp();
        for product in catalog.products.iter().step_by(40) {
            let t = &product.title;
            let title = [&t.ru, &t.uz, &t.en, &t.uz_cyrl]
                .into_iter()
                .flatten()
                .next()
                .unwrap();
            let words: Vec<&str> = title.split_whitespace().take(2).collect();
            let query = words.join(" ");
            for session in 0..3 {
                storefront::db::search_log::record(
                    &db.db,
                    &engine::fold_text(&query),
                    &query,
                    &format!("session-{session}-xxxx"),
                    60,
                    now,
                )
                .await
                .unwrap();
            }
        }
        (db, state)
    });
    let products: HashMap<u64, &datasets::Product> =
        catalog.products.iter().map(|p| (p.id, p)).collect();
    let prefixes: Vec<String> = catalog
        .products
        .iter()
        .flat_map(|p| {
            let t = &p.title;
            [&t.uz, &t.uz_cyrl, &t.ru, &t.en]
                .into_iter()
                .flatten()
                .map(|title| title.chars().take(6).collect::<String>())
        })
        .collect();
    let strategy = (
        0..=MAX_AGE_MONTHS,
        prop_oneof![
            proptest::sample::select(prefixes).boxed(),
            "[a-zA-Zа-яА-Яʻ' ]{1,12}".boxed(),
        ],
    );
    let mut runner = TestRunner::new(Config::with_cases(96));
    runner
        .run(&strategy, |(age, typed)| {
            runtime.block_on(async {
                let (status, body) = get_json(
                    &state,
                    &format!(
                        "/api/v1/suggest?q={}&age_months={age}&limit=20",
                        encode(&typed)
                    ),
                )
                .await;
                if typed.trim().is_empty() {
                    assert_eq!(status, 400);
                    return;
                }
                assert_eq!(status, 200, "{body}");
                for suggestion in body["suggestions"].as_array().unwrap() {
                    if let Some(id) = suggestion["product_id"].as_u64() {
                        let product = products[&id];
                        assert!(
                            product.age_min_months <= age && age <= product.age_max_months,
                            "product {id} outside age {age}: {suggestion}"
                        );
                        assert!(product.unsafe_label.is_none(), "{suggestion}");
                        let (status, _) =
                            get_json(&state, &format!("/api/v1/products/{id}?age_months={age}"))
                                .await;
                        assert_eq!(
                            status, 200,
                            "suggested product {id} is not visible: {suggestion}"
                        );
                    }
                    if let Some(slug) = suggestion["category"]["slug"].as_str() {
                        let (_, found) = get_json(
                            &state,
                            &format!("/api/v1/search?category={slug}&age_months={age}&per_page=1"),
                        )
                        .await;
                        assert!(found["total"].as_u64().unwrap() > 0, "{suggestion}");
                    }
                    if suggestion["kind"] == "query" {
                        let text = suggestion["text"].as_str().unwrap();
                        let (_, found) = get_json(
                            &state,
                            &format!(
                                "/api/v1/search?q={}&age_months={age}&per_page=1&understand=false",
                                encode(text)
                            ),
                        )
                        .await;
                        assert!(found["total"].as_u64().unwrap() > 0, "{suggestion}");
                    }
                }
            });
            Ok(())
        })
        .unwrap();
    drop(state);
    drop(db);
}
