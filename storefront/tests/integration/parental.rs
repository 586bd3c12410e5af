//! Parental controls enforced by the server (issue 6, item 4): search mode (off refuses a
//! child's searches, approved-items-only shows only approved products), daily screen time
//! counted from the child's requests (403 `screen_time_exhausted` once spent) and allowed
//! hours (403 `bedtime`), through the HTTP API on both backends with the test clock.

use crate::auth::{AuthApp, call};
use crate::backend_tests;
use crate::checkout::{scalar, shop_app};
use crate::orders::{Family, family};
use crate::support::TestDb;
use axum::http::Method;
use serde_json::{Value, json};
use storefront::auth::Clock as _;

/// A full controls body (PUT replaces them): approval of every purchase plus `extra`.
fn controls(extra: Value) -> Value {
    let mut body = json!({ "approval_mode": "every_purchase" });
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    body
}

async fn set_controls(app: &AuthApp, family: &Family, extra: Value) {
    call(
        Method::PUT,
        &format!("/api/v1/family/children/{}/controls", family.child_id),
    )
    .bearer(&family.parent)
    .json(controls(extra))
    .send(app)
    .await
    .expect(200);
}

async fn search_as(app: &AuthApp, token: Option<&str>) -> crate::auth::Reply {
    let mut request = call(Method::GET, "/api/v1/search?q=robot&age_months=72");
    if let Some(token) = token {
        request = request.bearer(token);
    }
    request.send(app).await
}

async fn me(app: &AuthApp, token: &str) -> crate::auth::Reply {
    call(Method::GET, "/api/v1/auth/me")
        .bearer(token)
        .send(app)
        .await
}

backend_tests!(
    search_mode_off_refuses_a_childs_searches,
    |test: TestDb| async move {
        let app = shop_app(test).await;
        let family = family(&app).await;
        // The default is safe: the child searches like anyone of that age.
        search_as(&app, Some(&family.child)).await.expect(200);
        set_controls(&app, &family, json!({ "search_mode": "off" })).await;
        search_as(&app, Some(&family.child))
            .await
            .expect_error(403, "search_disabled");
        // Suggestions are searches too.
        call(Method::GET, "/api/v1/suggest?q=rob&age_months=72")
            .bearer(&family.child)
            .send(&app)
            .await
            .expect_error(403, "search_disabled");
        // Only the child is refused: guests and the parent still search.
        search_as(&app, None).await.expect(200);
        call(Method::GET, "/api/v1/suggest?q=rob&age_months=72")
            .send(&app)
            .await
            .expect(200);
        search_as(&app, Some(&family.parent)).await.expect(200);
        let stored = call(
            Method::GET,
            &format!("/api/v1/family/children/{}/controls", family.child_id),
        )
        .bearer(&family.parent)
        .send(&app)
        .await;
        assert_eq!(stored.expect(200)["search_mode"], "off");
        // The parent's log: two searches, the second refused.
        let db = &app.test.db;
        let child = family.child_id;
        assert_eq!(
            scalar(
                db,
                &format!("SELECT COUNT(*) FROM child_search_log WHERE child_id = {child}")
            )
            .await,
            2
        );
        assert_eq!(
            scalar(
                db,
                &format!(
                    "SELECT COUNT(*) FROM child_search_log WHERE child_id = {child} \
                     AND blocked = 1 AND reason = 'search_off'"
                )
            )
            .await,
            1
        );
        // The dashboard shows the parent both searches, the refused one apart; the child and
        // another parent get nothing of it.
        let board = call(Method::GET, "/api/v1/family/dashboard")
            .bearer(&family.parent)
            .send(&app)
            .await;
        let board = board.expect(200)["children"][0].clone();
        assert_eq!(board["child_id"], family.child_id);
        assert_eq!(board["searches"].as_array().map(Vec::len), Some(2));
        assert_eq!(board["blocked_searches"][0]["query"], "robot");
        assert_eq!(board["blocked_searches"][0]["reason"], "search_off");
        assert_eq!(board["controls"]["search_mode"], "off");
        assert_eq!(board["spent_today_tiyin"], 0);
        call(Method::GET, "/api/v1/family/dashboard")
            .bearer(&family.child)
            .send(&app)
            .await
            .expect_error(403, "forbidden");
        let other = crate::orders::family(&app).await;
        let theirs = call(Method::GET, "/api/v1/family/dashboard")
            .bearer(&other.parent)
            .send(&app)
            .await;
        assert_eq!(
            theirs.expect(200)["children"].as_array().map(Vec::len),
            Some(1)
        );
        assert_eq!(theirs.expect(200)["children"][0]["searches"], json!([]));
        // An unknown mode is refused, never stored.
        let unknown = call(
            Method::PUT,
            &format!("/api/v1/family/children/{}/controls", family.child_id),
        )
        .bearer(&family.parent)
        .json(controls(json!({ "search_mode": "sometimes" })))
        .send(&app)
        .await;
        assert!(unknown.status.is_client_error(), "{}", unknown.body);
        set_controls(
            &app,
            &family,
            json!({ "search_mode": "approved_items_only", "approved_product_ids": [] }),
        )
        .await;
        let approved = search_as(&app, Some(&family.child)).await;
        assert_eq!(approved.expect(200)["hits"], json!([]));
        assert_eq!(approved.expect(200)["total"], 0);
    }
);

backend_tests!(
    screen_time_blocks_after_it_is_spent,
    |test: TestDb| async move {
        let app = shop_app(test).await;
        // The day's count starts afresh at Tashkent midnight (UTC+5): start at 10:00 there, so
        // the twelve minutes below never cross it, whatever the time the test runs.
        let local = app.clock.now() + chrono::Duration::hours(5);
        let minute =
            i64::from(chrono::Timelike::hour(&local) * 60 + chrono::Timelike::minute(&local));
        app.clock.advance(chrono::Duration::minutes(
            (10 * 60 - minute).rem_euclid(24 * 60),
        ));
        let mut family = family(&app).await;
        set_controls(&app, &family, json!({ "daily_screen_minutes": 10 })).await;
        // Requests four minutes apart: 0, 4, 8 minutes used, then 12 > 10.
        me(&app, &family.child).await.expect(200);
        for _ in 0..2 {
            app.clock.advance(chrono::Duration::minutes(4));
            me(&app, &family.child).await.expect(200);
        }
        app.clock.advance(chrono::Duration::minutes(4));
        me(&app, &family.child)
            .await
            .expect_error(403, "screen_time_exhausted");
        search_as(&app, Some(&family.child))
            .await
            .expect_error(403, "screen_time_exhausted");
        call(Method::GET, "/api/v1/orders")
            .bearer(&family.child)
            .send(&app)
            .await
            .expect_error(403, "screen_time_exhausted");
        // The parent is not limited; a gap longer than the activity window counts nothing.
        me(&app, &family.parent).await.expect(200);
        let used = scalar(
            &app.test.db,
            &format!(
                "SELECT MAX(seconds_used) FROM child_screen_time WHERE child_id = {}",
                family.child_id
            ),
        )
        .await;
        assert!((12 * 60..=13 * 60).contains(&used), "{used}");
        let board = call(Method::GET, "/api/v1/family/dashboard")
            .bearer(&family.parent)
            .send(&app)
            .await;
        assert_eq!(
            board.expect(200)["children"][0]["screen_seconds_today"],
            used
        );
        assert_eq!(
            board.expect(200)["children"][0]["controls"]["daily_screen_minutes"],
            10
        );
        // The next Tashkent day starts afresh.
        app.clock.advance(chrono::Duration::hours(24));
        family.refresh(&app).await;
        me(&app, &family.child).await.expect(200);
        // Bedtime: allowed hours that exclude now refuse every request of the child.
        let local = app.clock.now() + chrono::Duration::hours(5);
        let minute =
            i64::from(chrono::Timelike::hour(&local) * 60 + chrono::Timelike::minute(&local));
        let from = (minute + 60) % 1440;
        let until = (minute + 120) % 1440;
        set_controls(
            &app,
            &family,
            json!({ "allowed_from_minute": from, "allowed_until_minute": until }),
        )
        .await;
        me(&app, &family.child).await.expect_error(403, "bedtime");
        search_as(&app, Some(&family.child))
            .await
            .expect_error(403, "bedtime");
        set_controls(
            &app,
            &family,
            json!({ "allowed_from_minute": minute, "allowed_until_minute": (minute + 60) % 1440 }),
        )
        .await;
        me(&app, &family.child).await.expect(200);
        // Half-set hours are refused.
        call(
            Method::PUT,
            &format!("/api/v1/family/children/{}/controls", family.child_id),
        )
        .bearer(&family.parent)
        .json(controls(json!({ "allowed_from_minute": 60 })))
        .send(&app)
        .await
        .expect_error(422, "invalid_allowed_hours");
    }
);
