//! Business events wired to notifications (issue 8, item 5), each enqueued in the transaction
//! of its change, in the recipient's language, and delivered to the real SMTP sink: an order
//! placed / paid / shipped / delivered / refunded, a child's ask-to-buy (the parent gets approve
//! and decline links), a child's spending limit reached, and a seller's moderation decision.
//! Children get no mail of their own. Both backends.

use crate::auth::{AuthApp, call, user_with_role};
use crate::backend_tests;
use crate::checkout::{BOOK_PRICE, pay, place, shop_app};
use crate::listings::{clean_listing, market};
use crate::notify::{count_status, drain_until, fast_settings};
use crate::notify_email::SmtpSink;
use crate::orders::{family, seller_token};
use crate::support::TestDb;
use axum::http::Method;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};
use storefront::auth::{Clock, Role};
use storefront::commerce::orders::{self, PaymentProvider};
use storefront::commerce::{Actor, OrderId};
use storefront::db::Db;
use storefront::notify::email::message_id;
use storefront::notify::queue::{self, JobRow};
use storefront::notify::worker::{Channels, TaskRegistry, Worker};

async fn text(db: &Db, sql: &str) -> String {
    match db {
        Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
        Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
    }
}

async fn email_of(db: &Db, user: i64) -> String {
    text(db, &format!("SELECT email FROM users WHERE id = {user}")).await
}

async fn job(db: &Db, key: &str) -> JobRow {
    queue::job_by_key(db, key)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no notification {key}"))
}

/// Delivers every queued notification to `sink` and returns the messages by Message-ID.
async fn deliver_all(db: &Db, sink: &SmtpSink) -> Vec<Value> {
    let worker = Worker::new(
        db.clone(),
        Arc::new(Channels {
            email: Some(sink.mailer()),
            ..Channels::default()
        }),
        Arc::new(TaskRegistry::default()),
        fast_settings(),
    );
    drain_until(&worker, Duration::from_secs(30), async || {
        count_status(db, "queued").await == 0 && count_status(db, "running").await == 0
    })
    .await;
    let delivered = count_status(db, "delivered").await as usize;
    let deadline = Instant::now() + Duration::from_secs(5);
    while sink.messages().len() < delivered && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    sink.messages()
}

fn by_key<'a>(messages: &'a [Value], key: &str) -> &'a Value {
    let id = message_id(key, "bolajon.uz");
    messages
        .iter()
        .find(|message| message["message_id"] == id.as_str())
        .unwrap_or_else(|| panic!("no message for {key}: {messages:#?}"))
}

async fn set_language(app: &AuthApp, token: &str, language: &str) {
    let reply = call(Method::PUT, "/api/v1/notify/preferences")
        .bearer(token)
        .json(json!({ "language": language }))
        .send(app)
        .await;
    assert_eq!(reply.expect(200)["language"], language);
}

backend_tests!(
    an_orders_life_notifies_the_buyer_in_their_language_in_the_same_transaction,
    |test: TestDb| async move {
        let app = shop_app(test).await;
        let db = app.test.db.clone();
        let (parent, token) = user_with_role(&app, Role::Parent).await;
        let address = email_of(&db, parent.0).await;

        // The language preference: default Uzbek, set to Russian; bad input is a 4xx.
        let prefs = call(Method::GET, "/api/v1/notify/preferences")
            .bearer(&token)
            .send(&app)
            .await;
        assert_eq!(prefs.expect(200)["language"], "uz");
        set_language(&app, &token, "ru").await;
        for bad in [
            json!({ "language": "de" }),
            json!({ "language": 7 }),
            json!({}),
            json!({ "language": "ru", "extra": 1 }),
        ] {
            let reply = call(Method::PUT, "/api/v1/notify/preferences")
                .bearer(&token)
                .json(bad.clone())
                .send(&app)
                .await;
            assert_eq!(reply.status.as_u16(), 400, "{bad}: {}", reply.body);
            assert!(reply.body["error"]["code"].is_string());
        }
        let anonymous = call(Method::GET, "/api/v1/notify/preferences")
            .send(&app)
            .await;
        assert_eq!(anonymous.status.as_u16(), 401);

        let placed = place(&app, &token, json!([{ "sku": "ROBOT-1", "quantity": 1 }])).await;
        let order = placed.expect(201).clone();
        let id = order["id"].as_i64().unwrap();
        let total = order["total_tiyin"].as_i64().unwrap();
        let placed_job = job(&db, &format!("order_placed:{id}")).await;
        assert_eq!(
            (placed_job.recipient.as_str(), placed_job.language.as_str()),
            (address.as_str(), "ru")
        );
        assert_eq!(placed_job.user_id, Some(parent.0));

        // A payment whose transaction rolls back leaves no message behind.
        let mut tx = db.begin_write().await.unwrap();
        orders::mark_paid(
            &mut tx.conn(),
            OrderId(id),
            PaymentProvider::Payme,
            app.clock.now(),
        )
        .await
        .unwrap();
        tx.rollback().await.unwrap();
        assert!(
            queue::job_by_key(&db, &format!("order_paid:{id}"))
                .await
                .unwrap()
                .is_none()
        );
        pay(&app, id).await;
        let paid = job(&db, &format!("order_paid:{id}")).await;
        assert_eq!(paid.payload_json().unwrap()["total_tiyin"], total);

        let seller = seller_token(&app, 1).await;
        let shipment = order["shipments"][0]["id"].as_i64().unwrap();
        for status in ["processing", "shipped", "delivered"] {
            call(
                Method::POST,
                &format!("/api/v1/seller/shipments/{shipment}/status"),
            )
            .bearer(&seller)
            .json(json!({ "status": status, "tracking_code": "UZ-1" }))
            .send(&app)
            .await
            .expect(200);
        }
        job(&db, &format!("order_shipped:{id}")).await;
        job(&db, &format!("order_delivered:{id}")).await;

        // A partial refund, then its replay (same reference): one notice.
        for _ in 0..2 {
            let mut tx = db.begin_write().await.unwrap();
            orders::apply_refund(
                &mut tx.conn(),
                OrderId(id),
                1_234_567,
                "r1",
                "returned",
                Actor::PAYMENT,
                app.clock.now(),
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
        }
        let refunded = job(&db, &format!("order_refunded:{id}:1234567")).await;
        assert_eq!(refunded.payload_json().unwrap()["amount_tiyin"], 1_234_567);

        let sink = SmtpSink::start();
        // The seller's account (TOTP on) has a security alert of its own; the rest is ours.
        let messages: Vec<Value> = deliver_all(&db, &sink)
            .await
            .into_iter()
            .filter(|message| message["rcpt_tos"] == json!([address]))
            .collect();
        let subjects: Vec<&str> = messages
            .iter()
            .map(|message| message["subject"].as_str().unwrap())
            .collect();
        assert_eq!(
            messages.len(),
            5,
            "placed, paid, shipped, delivered, refunded: {subjects:?}"
        );
        for message in &messages {
            assert_eq!(message["rcpt_tos"], json!([address]));
            assert_eq!(message["content_language"], "ru");
        }
        let paid = by_key(&messages, &format!("order_paid:{id}"));
        assert_eq!(paid["subject"], format!("Заказ №{id} оплачен"));
        let refund = by_key(&messages, &format!("order_refunded:{id}:1234567"));
        assert!(
            refund["text"].as_str().unwrap().contains("12 345.67"),
            "{refund}"
        );
    }
);

backend_tests!(
    a_childs_ask_to_buy_emails_the_parent_with_approve_and_decline_links,
    |test: TestDb| async move {
        let app = shop_app(test).await;
        let db = app.test.db.clone();
        let family = family(&app).await;
        set_language(&app, &family.parent, "en").await;
        let placed = place(
            &app,
            &family.child,
            json!([{ "sku": "BOOK-1", "quantity": 2 }]),
        )
        .await;
        let order = placed.expect(201).clone();
        let id = order["id"].as_i64().unwrap();
        assert_eq!(order["status"], "awaiting_parent_approval");
        let request = job(&db, &format!("purchase_request:{id}")).await;
        let parent_email = email_of(&db, family.parent_id.0).await;
        assert_eq!(request.recipient, parent_email);
        assert_eq!(
            request.priority, 1,
            "parent approval goes before transactional mail"
        );
        // Nothing is addressed to the child.
        let to_child = queue::search(
            &db,
            &queue::AuditFilter {
                user_id: Some(family.child_user.0),
                limit: 50,
                ..queue::AuditFilter::default()
            },
        )
        .await
        .unwrap();
        assert!(to_child.is_empty(), "{to_child:?}");

        let sink = SmtpSink::start();
        let messages = deliver_all(&db, &sink).await;
        let message = by_key(&messages, &format!("purchase_request:{id}"));
        assert_eq!(message["content_language"], "en");
        assert_eq!(message["rcpt_tos"], json!([parent_email]));
        let text = message["text"].as_str().unwrap();
        assert!(text.contains("Lola"), "{text}");
        assert!(text.contains("Ertaklar"), "{text}");
        let approve = format!("/family/purchase-requests?order={id}&decision=approve");
        let decline = format!("/family/purchase-requests?order={id}&decision=decline");
        assert!(text.contains(&approve), "{text}");
        assert!(text.contains(&decline), "{text}");
        assert!(
            message["html"]
                .as_str()
                .unwrap()
                .contains(&format!("order={id}&amp;decision=approve"))
        );
    }
);

backend_tests!(
    a_childs_paid_order_reaching_the_daily_limit_tells_the_parent,
    |test: TestDb| async move {
        let app = shop_app(test).await;
        let db = app.test.db.clone();
        let family = family(&app).await;
        // No approval needed, a daily limit of exactly two books (each with its delivery fee).
        let total = BOOK_PRICE + 2_500_000;
        call(
            Method::PUT,
            &format!("/api/v1/family/children/{}/controls", family.child_id),
        )
        .bearer(&family.parent)
        .json(json!({ "approval_mode": "none", "daily_limit_tiyin": 2 * total }))
        .send(&app)
        .await
        .expect(200);
        let one = place(
            &app,
            &family.child,
            json!([{ "sku": "BOOK-1", "quantity": 1 }]),
        )
        .await;
        let one = one.expect(201)["id"].as_i64().unwrap();
        pay(&app, one).await;
        let none = queue::search(
            &db,
            &queue::AuditFilter {
                kind: Some("limit_reached".to_owned()),
                limit: 10,
                ..queue::AuditFilter::default()
            },
        )
        .await
        .unwrap();
        assert!(none.is_empty(), "half the limit is not the limit");
        let two = place(
            &app,
            &family.child,
            json!([{ "sku": "BOOK-1", "quantity": 1 }]),
        )
        .await;
        let two = two.expect(201)["id"].as_i64().unwrap();
        pay(&app, two).await;
        let reached = queue::search(
            &db,
            &queue::AuditFilter {
                kind: Some("limit_reached".to_owned()),
                limit: 10,
                ..queue::AuditFilter::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(reached.len(), 1, "{reached:?}");
        assert_eq!(reached[0].user_id, Some(family.parent_id.0));
        let payload = reached[0].payload_json().unwrap();
        assert_eq!(payload["child_name"], "Lola");
        assert_eq!(payload["limit_tiyin"], 2 * total);
        assert_eq!(payload["spent_tiyin"], 2 * total);
    }
);

backend_tests!(
    a_seller_hears_the_moderation_decision_in_their_language,
    |test: TestDb| async move {
        let market = market(test).await;
        let db = market.app.test.db.clone();
        let books = market.category("books-3-6");
        let id = market
            .create_a(&clean_listing(books, "Shovqinak", "SHOVQINAK-1"))
            .await;
        call(
            Method::POST,
            &format!("/api/v1/moderation/items/{id}/decision"),
        )
        .bearer(&market.moderator)
        .json(json!({ "decision": "reject", "reason": "the photo shows a <b>lighter</b>" }))
        .send(&market.app)
        .await
        .expect(200);
        let decisions = queue::search(
            &db,
            &queue::AuditFilter {
                kind: Some("moderation_decision".to_owned()),
                limit: 10,
                ..queue::AuditFilter::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(decisions.len(), 1, "{decisions:?}");
        let seller_email = text(
            &db,
            &format!(
                "SELECT email FROM users WHERE seller_id = {} AND role = 'seller'",
                market.shop_a
            ),
        )
        .await;
        assert_eq!(decisions[0].recipient, seller_email);
        let sink = SmtpSink::start();
        let messages = deliver_all(&db, &sink).await;
        let message = by_key(&messages, &decisions[0].idempotency_key);
        assert_eq!(message["content_language"], "uz");
        let text = message["text"].as_str().unwrap();
        assert!(text.contains("Shovqinak"), "{text}");
        assert!(text.contains("rad etildi"), "{text}");
        assert!(
            !message["html"].as_str().unwrap().contains("<b>lighter</b>"),
            "the reason is escaped"
        );
    }
);

backend_tests!(
    a_held_review_and_its_approval_notify_the_author,
    |test: TestDb| async move {
        let app = shop_app(test).await;
        let db = app.test.db.clone();
        let (parent, token) = user_with_role(&app, Role::Parent).await;
        let (_, moderator) = user_with_role(&app, Role::Moderator).await;
        set_language(&app, &token, "uz-Cyrl").await;
        let placed = place(&app, &token, json!([{ "sku": "ROBOT-1", "quantity": 1 }])).await;
        let order = placed.expect(201).clone();
        pay(&app, order["id"].as_i64().unwrap()).await;
        let seller = seller_token(&app, 1).await;
        let shipment = order["shipments"][0]["id"].as_i64().unwrap();
        for status in ["processing", "shipped", "delivered"] {
            call(
                Method::POST,
                &format!("/api/v1/seller/shipments/{shipment}/status"),
            )
            .bearer(&seller)
            .json(json!({ "status": status, "tracking_code": "UZ-1" }))
            .send(&app)
            .await
            .expect(200);
        }
        // Without the toxicity model every review is held for a person.
        let written = call(Method::POST, "/api/v1/products/1/reviews")
            .bearer(&token)
            .json(json!({ "rating": 5, "text": "Yaxshi robot, tavsiya qilaman" }))
            .send(&app)
            .await;
        let written = written.expect(201).clone();
        assert_eq!(written["status"], "held");
        let rid = written["id"].as_i64().unwrap();
        let held = job(&db, &format!("review_held:{rid}")).await;
        assert_eq!(held.user_id, Some(parent.0));
        assert_eq!(held.language, "uz-Cyrl");
        call(Method::POST, &format!("/api/v1/reviews/{rid}/decision"))
            .bearer(&moderator)
            .json(json!({ "decision": "approve", "reason": "ok" }))
            .send(&app)
            .await
            .expect(200);
        let approved = job(&db, &format!("review_approved:{rid}")).await;
        assert_eq!(approved.payload_json().unwrap()["product_name"], "Robot");
        let sink = SmtpSink::start();
        let messages = deliver_all(&db, &sink).await;
        let message = by_key(&messages, &format!("review_approved:{rid}"));
        assert_eq!(message["content_language"], "uz-Cyrl");
        assert!(message["text"].as_str().unwrap().contains("Robot"));
    }
);
