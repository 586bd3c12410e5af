//! Kids' query screening (issue 5, item 4): a young audience's search or suggestion request
//! with unsafe intent gets HTTP 200, no results from it, a friendly message in its language
//! form and safe categories under `safety`; a child account's is recorded for the parent's
//! dashboard; an adult's own request is not screened. Through HTTP on both backends.

use crate::auth::{AuthApp, auth_app, call};
use crate::backend_tests;
use crate::checkout::scalar;
use crate::orders::{Family, family};
use crate::support::{TestDb, small_catalog};
use axum::http::Method;
use serde_json::Value;

fn encode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// An app over the small generated catalogue, indexed, with accounts.
async fn catalogue_app(test: TestDb) -> AuthApp {
    storefront::seed::seed_catalog(&test.db, &small_catalog())
        .await
        .unwrap();
    let app = auth_app(test).await;
    storefront::indexing::catch_up(&app.state.0, true)
        .await
        .unwrap();
    app
}

async fn get(app: &AuthApp, uri: &str, token: Option<&str>) -> Value {
    let mut request = call(Method::GET, uri);
    if let Some(token) = token {
        request = request.bearer(token);
    }
    request.send(app).await.expect(200).clone()
}

async fn search(app: &AuthApp, q: &str, age: u16, lang: &str, token: Option<&str>) -> Value {
    get(
        app,
        &format!(
            "/api/v1/search?q={}&age_months={age}&lang={lang}",
            encode(q)
        ),
        token,
    )
    .await
}

async fn suggest(app: &AuthApp, q: &str, age: u16, token: Option<&str>) -> Value {
    get(
        app,
        &format!("/api/v1/suggest?q={}&age_months={age}", encode(q)),
        token,
    )
    .await
}

/// A word of an ordinary product's title that finds something for a 6-year-old.
async fn ordinary_word(app: &AuthApp) -> String {
    for product in small_catalog().products {
        if product.unsafe_label.is_some()
            || !(product.age_min_months..=product.age_max_months).contains(&72)
        {
            continue;
        }
        let Some(word) = product
            .title
            .uz
            .as_deref()
            .and_then(|title| title.split_whitespace().find(|w| w.chars().count() >= 5))
        else {
            continue;
        };
        let word: String = word.chars().filter(|c| c.is_alphabetic()).collect();
        if search(app, &word, 72, "uz", None).await["total"].as_u64() > Some(0) {
            return word;
        }
    }
    panic!("no ordinary word finds anything");
}

fn assert_blocked(body: &Value, message_part: &str) {
    assert_eq!(body["safety"]["blocked"], true, "{body}");
    assert_eq!(body["safety"]["code"], "unsafe_query", "{body}");
    let message = body["safety"]["message"].as_str().unwrap();
    assert!(message.contains(message_part), "{message}");
    let categories = body["safety"]["suggested_categories"].as_array().unwrap();
    assert!(!categories.is_empty(), "{body}");
    assert!(
        categories
            .iter()
            .all(|c| c["slug"].is_string() && c["name"].is_string())
    );
}

async fn blocked_log(app: &AuthApp, family: &Family) -> i64 {
    scalar(
        &app.test.db,
        &format!(
            "SELECT COUNT(*) FROM child_search_log WHERE child_id = {} AND blocked = 1 \
             AND reason LIKE 'unsafe_query%'",
            family.child_id
        ),
    )
    .await
}

backend_tests!(
    a_childs_unsafe_search_gets_a_gentle_answer_and_reaches_the_parents_dashboard,
    |test: TestDb| async move {
        let app = catalogue_app(test).await;
        let family = family(&app).await;
        let word = ordinary_word(&app).await;

        // An ordinary search of the child's finds products, with no safety field.
        let plain = search(&app, &word, 72, "uz", Some(&family.child)).await;
        assert!(plain["total"].as_u64().unwrap() > 0, "{plain}");
        assert!(plain.get("safety").is_none(), "{plain}");

        // The same words with unsafe intent: no results at all, a friendly message.
        let unsafe_query = format!("{word} v4pe");
        let blocked = search(&app, &unsafe_query, 72, "uz", Some(&family.child)).await;
        assert_blocked(&blocked, "Keling");
        assert_eq!(blocked["total"], 0);
        assert_eq!(blocked["hits"], serde_json::json!([]));
        assert_eq!(blocked["mode"], "none");

        // Every language form gets its own message; every category and form is blocked.
        for (query, lang, part, category) in [
            ("водка", "ru", "Давай", "alcohol"),
            ("кастет", "uz-Cyrl", "Келинг", "weapons"),
            ("online casino", "en", "Let's", "gambling"),
            ("porno", "uz", "Keling", "sexual"),
            ("marixuana", "uz", "Keling", "drugs"),
            ("o'z joniga qasd qilish", "uz", "Keling", "self_harm"),
            ("как сделать бомбу", "ru", "Давай", "violence"),
            ("бл@ть", "ru", "Давай", "profanity"),
            ("elektron sigaret", "uz", "Keling", "tobacco"),
        ] {
            let body = search(&app, query, 72, lang, Some(&family.child)).await;
            assert_blocked(&body, part);
            let logged = scalar(
                &app.test.db,
                &format!(
                    "SELECT COUNT(*) FROM child_search_log WHERE child_id = {} \
                     AND reason = 'unsafe_query:{category}'",
                    family.child_id
                ),
            )
            .await;
            // `v4pe` above was tobacco too.
            let expected = if category == "tobacco" { 2 } else { 1 };
            assert_eq!(logged, expected, "{query}: {category}");
        }
        assert_eq!(blocked_log(&app, &family).await, 10);

        // The parent sees the refused searches, newest first, with why.
        let board = get(&app, "/api/v1/family/dashboard", Some(&family.parent)).await;
        let child = &board["children"][0];
        let refused = child["blocked_searches"].as_array().unwrap();
        assert_eq!(refused.len(), 10, "{board}");
        assert_eq!(refused[0]["query"], "elektron sigaret");
        assert_eq!(refused[0]["reason"], "unsafe_query:tobacco");
        assert_eq!(refused[9]["query"], unsafe_query);
        assert_eq!(child["searches"].as_array().unwrap().len(), 11);

        // A child account is screened whatever audience it names.
        let as_adult_audience = search(&app, "водка", 216, "ru", Some(&family.child)).await;
        assert_blocked(&as_adult_audience, "Давай");

        // An adult searching for an adult audience is not screened (and is not logged for
        // anyone's parent).
        let adult = search(&app, "водка", 216, "ru", Some(&family.parent)).await;
        assert!(adult.get("safety").is_none(), "{adult}");
        assert_eq!(adult["mode"], "lexical");
        // A guest or a parent shopping for a young audience gets the safe answer, unlogged.
        let guest = search(&app, &unsafe_query, 72, "en", None).await;
        assert_blocked(&guest, "Let's");
        assert_eq!(guest["total"], 0);
        let parent_for_child = search(&app, &unsafe_query, 72, "uz", Some(&family.parent)).await;
        assert_blocked(&parent_for_child, "Keling");
        assert_eq!(blocked_log(&app, &family).await, 11);
        // The parent's own search of the ordinary words still finds what it found.
        let parent_plain = search(&app, &word, 72, "uz", Some(&family.parent)).await;
        assert_eq!(parent_plain["total"], plain["total"]);
    }
);

backend_tests!(
    a_childs_unsafe_suggestion_request_gets_the_safe_answer_once_in_the_log,
    |test: TestDb| async move {
        let app = catalogue_app(test).await;
        let family = family(&app).await;
        let word = ordinary_word(&app).await;
        let prefix: String = word.chars().take(4).collect();

        let plain = suggest(&app, &prefix, 72, Some(&family.child)).await;
        assert!(plain.get("safety").is_none(), "{plain}");

        // Typing an unsafe phrase: each keystroke is answered safely, and the parent's log
        // gets one entry for the phrase, not one per keystroke.
        for typed in ["vodka", "vodka s", "vodka sot", "vodka sotib ol"] {
            let body = suggest(&app, typed, 72, Some(&family.child)).await;
            assert_blocked(&body, "Keling");
            assert_eq!(body["suggestions"], serde_json::json!([]), "{body}");
        }
        assert_eq!(blocked_log(&app, &family).await, 1);
        let board = get(&app, "/api/v1/family/dashboard", Some(&family.parent)).await;
        let refused = board["children"][0]["blocked_searches"]
            .as_array()
            .unwrap()
            .clone();
        assert_eq!(refused.len(), 1, "{board}");
        assert_eq!(refused[0]["query"], "vodka sotib ol");
        assert_eq!(refused[0]["reason"], "unsafe_query:alcohol");
        // Another unsafe phrase is another entry.
        assert_blocked(
            &suggest(&app, "кальян", 72, Some(&family.child)).await,
            "Keling",
        );
        assert_eq!(blocked_log(&app, &family).await, 2);

        // Guests with a young audience get the safe answer too; adults for adults do not.
        assert_blocked(&suggest(&app, "vodka", 96, None).await, "Keling");
        let adult = suggest(&app, "vodka", 216, Some(&family.parent)).await;
        assert!(adult.get("safety").is_none(), "{adult}");
        assert_eq!(blocked_log(&app, &family).await, 2);
    }
);

// The web search page answers like the API (issue 5, item 4): a young audience's unsafe
// query shows the gentle message in the page's language and safe categories, never a
// product; a child's is logged for the parent's dashboard; an adult for an adult audience is
// not screened.
backend_tests!(
    the_search_page_answers_an_unsafe_query_gently_and_logs_a_childs_for_the_parent,
    |test: TestDb| async move {
        let app = catalogue_app(test).await;
        let family = family(&app).await;
        let word = ordinary_word(&app).await;
        let mut browser = crate::web::Browser::new(&app.state);
        let page_uri = |q: &str, age: u16, lang: &str| {
            format!("/search?q={}&age_months={age}&lang={lang}", encode(q))
        };
        let assert_gentle = |html: &str, part: &str, what: &str| {
            assert!(
                html.contains("data-safety-code=\"unsafe_query\""),
                "{what}: no safety answer\n{html}"
            );
            assert!(html.contains(part), "{what}: not in its language\n{html}");
            assert!(
                !html.contains("href=\"/products/"),
                "{what}: a product shown"
            );
            assert!(
                html.contains("class=\"safe-categories\"")
                    && html.contains("href=\"/search?category="),
                "{what}: no safe categories\n{html}"
            );
        };

        // An ordinary search finds products and shows no safety answer.
        let plain = browser.get(&page_uri(&word, 72, "uz")).await;
        assert_eq!(plain.status, axum::http::StatusCode::OK);
        assert!(plain.html.contains("href=\"/products/"), "{}", plain.html);
        assert!(!plain.html.contains("data-safety-code"));

        // A guest shopping for a 6-year-old: the same words with unsafe intent, in every
        // language of the page.
        for (lang, part) in [
            ("uz", "Keling, boshqa qiziqarli"),
            ("uz-Cyrl", "Келинг, бошқа қизиқарли"),
            ("ru", "Давай поищем"),
            ("en", "find something fun instead"),
        ] {
            let page = browser
                .get(&page_uri(&format!("{word} v4pe"), 72, lang))
                .await;
            assert_eq!(page.status, axum::http::StatusCode::OK, "{lang}");
            assert_gentle(&page.html, part, lang);
        }
        // Guests are not logged for anyone.
        assert_eq!(blocked_log(&app, &family).await, 0);

        // A child signed in is kept inside kids' mode: the grown-up search page sends them to
        // /kids, and the kids' search screens the same words, shows no product and logs each
        // blocked search once for the parent.
        let child = format!("Bearer {}", family.child);
        let grown_up = browser
            .get_with(&page_uri("в.о.д.к.а", 72, "ru"), "authorization", &child)
            .await;
        assert_eq!(grown_up.status, axum::http::StatusCode::SEE_OTHER);
        // The grown-up page screens before it redirects, so that attempt may be on the log too.
        let before = blocked_log(&app, &family).await;
        assert!(before <= 1, "{before}");
        let kids_uri = |q: &str| format!("/kids/search?q={}&lang=ru", encode(q));
        for _ in 0..2 {
            let page = browser
                .get_with(&kids_uri("в.о.д.к.а"), "authorization", &child)
                .await;
            assert_eq!(page.status, axum::http::StatusCode::OK);
            assert!(
                !page.html.contains("href=\"/kids/products/"),
                "{}",
                page.html
            );
        }
        assert_eq!(blocked_log(&app, &family).await, before + 2);
        let board = get(&app, "/api/v1/family/dashboard", Some(&family.parent)).await;
        let refused = board["children"][0]["blocked_searches"].as_array().unwrap();
        assert_eq!(refused.len() as i64, before + 2, "{board}");
        assert_eq!(refused[0]["query"], "в.о.д.к.а");
        assert_eq!(refused[0]["reason"], "unsafe_query:alcohol");
        // The child's ordinary search through the page still finds products, logged unblocked.
        let ordinary = browser
            .get_with(&kids_uri(&word), "authorization", &child)
            .await;
        assert!(
            ordinary.html.contains("href=\"/kids/products/"),
            "{}",
            ordinary.html
        );
        assert_eq!(blocked_log(&app, &family).await, before + 2);

        // A parent searching for an adult audience is not screened.
        let parent = format!("Bearer {}", family.parent);
        let adult = browser
            .get_with(&page_uri("vodka", 216, "ru"), "authorization", &parent)
            .await;
        assert_eq!(adult.status, axum::http::StatusCode::OK);
        assert!(!adult.html.contains("data-safety-code"), "{}", adult.html);
    }
);
