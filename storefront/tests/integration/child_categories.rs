//! A child's parental categories in search, suggestions and recommendations (issue 4): a parent
//! category, blocked or allowed, stands for its whole subtree, never for its own leaf alone.

use crate::auth::{AuthApp, Reply, auth_app, call};
use crate::backend_tests;
use crate::orders::{Family, family};
use crate::support::{TestDb, small_catalog};
use axum::http::Method;
use serde_json::{Value, json};
use std::collections::BTreeSet;

const AGE: u16 = 72;

async fn app(test: TestDb) -> AuthApp {
    storefront::seed::seed_catalog(&test.db, &small_catalog())
        .await
        .unwrap();
    let app = auth_app(test).await;
    storefront::indexing::catch_up(&app.state.0, true)
        .await
        .unwrap();
    app
}

async fn get(app: &AuthApp, uri: &str, token: &str) -> Reply {
    call(Method::GET, uri).bearer(token).send(app).await
}

async fn set_controls(app: &AuthApp, family: &Family, extra: Value) {
    let mut body = json!({ "approval_mode": "every_purchase" });
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    call(
        Method::PUT,
        &format!("/api/v1/family/children/{}/controls", family.child_id),
    )
    .bearer(&family.parent)
    .json(body)
    .send(app)
    .await
    .expect(200);
}

/// The products of a browse of `slug`'s subtree: (id, leaf category id).
async fn browse(app: &AuthApp, slug: &str, token: &str) -> Vec<(u64, u64)> {
    let reply = get(
        app,
        &format!("/api/v1/search?category={slug}&age_months={AGE}&per_page=100&mode=lexical"),
        token,
    )
    .await;
    reply.expect(200)["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| {
            (
                hit["id"].as_u64().unwrap(),
                hit["category"]["id"].as_u64().unwrap(),
            )
        })
        .collect()
}

backend_tests!(
    parent_categories_cover_their_subtree_for_a_child,
    |test: TestDb| async move {
        let app = app(test).await;
        let family = family(&app).await;
        let catalog = app.state.0.catalog();
        let taxonomy = &catalog.taxonomy;
        // A root category whose products (for this age) sit in its subcategories.
        let mut chosen = None;
        for root in taxonomy.roots() {
            let slug = taxonomy.get(*root).unwrap().slug.clone();
            let found = browse(&app, &slug, &family.parent).await;
            if found.iter().filter(|(_, leaf)| leaf != root).count() >= 2 {
                chosen = Some((*root, slug, found));
                break;
            }
        }
        let (root, slug, in_root) = chosen.expect("a root category with products below it");
        let in_root_ids: BTreeSet<u64> = in_root.iter().map(|(id, _)| *id).collect();
        let under = |category: u64| taxonomy.path(category).contains(&root);

        // Safe mode, the root blocked: nothing of its subtree in search, suggestions or
        // recommendations.
        set_controls(&app, &family, json!({ "blocked_category_ids": [root] })).await;
        let reply = get(
            &app,
            &format!("/api/v1/search?category={slug}&age_months={AGE}&per_page=100"),
            &family.child,
        )
        .await;
        assert_eq!(reply.expect(200)["total"], 0, "{}", reply.body);
        assert_eq!(reply.expect(200)["hits"], json!([]));
        // A word of the subtree's first product title, searched and typed.
        let parents_view = get(
            &app,
            &format!("/api/v1/search?category={slug}&age_months={AGE}&per_page=1&mode=lexical"),
            &family.parent,
        )
        .await;
        let title_text = parents_view.expect(200)["hits"][0]["title"]
            .as_str()
            .unwrap()
            .to_owned();
        let word: String = title_text
            .split_whitespace()
            .next()
            .unwrap_or("o")
            .to_owned();
        let searched = get(
            &app,
            &format!(
                "/api/v1/search?q={}&age_months={AGE}&per_page=100",
                percent(&word)
            ),
            &family.child,
        )
        .await;
        for hit in searched.expect(200)["hits"].as_array().unwrap() {
            let category = hit["category"]["id"].as_u64().unwrap();
            assert!(!under(category), "blocked subtree found: {hit}");
        }
        for facet in searched.expect(200)["facets"]["categories"]
            .as_array()
            .into_iter()
            .flatten()
        {
            if facet["count"].as_u64().unwrap_or(0) > 0 {
                let id = facet["id"].as_u64().unwrap();
                assert!(!under(id), "blocked subtree in facets: {facet}");
            }
        }
        let prefix: String = word.chars().take(3).collect();
        let suggested = get(
            &app,
            &format!("/api/v1/suggest?q={}&age_months={AGE}", percent(&prefix)),
            &family.child,
        )
        .await;
        for suggestion in suggested.expect(200)["suggestions"].as_array().unwrap() {
            if let Some(product) = suggestion["product_id"].as_u64() {
                assert!(!in_root_ids.contains(&product), "{suggestion}");
            }
            if let Some(category) = suggestion["category"]["id"].as_u64() {
                assert!(!under(category), "{suggestion}");
            }
        }
        let trending = get(
            &app,
            &format!("/api/v1/recommendations/trending?age_months={AGE}&limit=50"),
            &family.child,
        )
        .await;
        for product in trending.expect(200)["products"].as_array().unwrap() {
            let category = product["category"]["id"].as_u64().unwrap();
            assert!(!under(category), "blocked subtree recommended: {product}");
        }
        // The parent still finds the subtree.
        assert_eq!(browse(&app, &slug, &family.parent).await, in_root);

        // Approved items only, the root allowed: the whole subtree, subcategories included.
        set_controls(
            &app,
            &family,
            json!({ "search_mode": "approved_items_only", "allowed_category_ids": [root] }),
        )
        .await;
        assert_eq!(browse(&app, &slug, &family.child).await, in_root);
        let trending = get(
            &app,
            &format!("/api/v1/recommendations/trending?age_months={AGE}&limit=50"),
            &family.child,
        )
        .await;
        let products = trending.expect(200)["products"].as_array().unwrap().clone();
        assert!(!products.is_empty());
        for product in products {
            let category = product["category"]["id"].as_u64().unwrap();
            assert!(under(category), "outside the allowed subtree: {product}");
        }
        // A subcategory blocked inside the allowed root stays hidden.
        let (_, blocked_leaf) = *in_root.iter().find(|(_, leaf)| *leaf != root).unwrap();
        set_controls(
            &app,
            &family,
            json!({
                "search_mode": "approved_items_only",
                "allowed_category_ids": [root],
                "blocked_category_ids": [blocked_leaf],
            }),
        )
        .await;
        let found = browse(&app, &slug, &family.child).await;
        assert!(!found.is_empty());
        assert!(
            found
                .iter()
                .all(|(_, leaf)| !taxonomy.path(*leaf).contains(&blocked_leaf))
        );
    }
);

fn percent(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => char::from(byte).to_string(),
            _ => format!("%{byte:02X}"),
        })
        .collect()
}
