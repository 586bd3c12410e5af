//! The moderation queue over HTTP (issue 5 item 2): approval is the only way into search and a
//! rejection or re-flag leaves it within a second through the outbox loop; every decision is
//! recorded and the record cannot be altered; who may decide and appeal; filters, highlights,
//! assignment, SLA, bulk decisions. Runs on SQLite and PostgreSQL.

use crate::auth::{Reply, call};
use crate::backend_tests;
use crate::listings::{Market, clean_listing, market, vape_listing};
use crate::support::TestDb;
use axum::http::Method;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

impl Market {
    async fn decide(&self, token: &str, id: i64, decision: &str, reason: &str) -> Reply {
        call(
            Method::POST,
            &format!("/api/v1/moderation/items/{id}/decision"),
        )
        .bearer(token)
        .json(json!({ "decision": decision, "reason": reason }))
        .send(&self.app)
        .await
    }

    async fn queue(&self, query: &str) -> Reply {
        call(Method::GET, &format!("/api/v1/moderation/queue?{query}"))
            .bearer(&self.moderator)
            .send(&self.app)
            .await
    }

    async fn queue_ids(&self, query: &str) -> Vec<i64> {
        let reply = self.queue(query).await;
        reply.expect(200)["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item["product_id"].as_i64().unwrap())
            .collect()
    }

    async fn item(&self, id: i64) -> Value {
        call(Method::GET, &format!("/api/v1/moderation/items/{id}"))
            .bearer(&self.moderator)
            .send(&self.app)
            .await
            .expect(200)
            .clone()
    }

    /// Waits (at most `limit`) until searching `word` does or does not find `id`; returns
    /// how long it took, or `None` on time-out.
    async fn until_search(
        &self,
        word: &str,
        id: i64,
        found: bool,
        limit: Duration,
    ) -> Option<Duration> {
        let started = Instant::now();
        while started.elapsed() <= limit {
            if self.search(word).await.contains(&(id as u64)) == found {
                return Some(started.elapsed());
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        None
    }
}

/// The bound of issue 5: a change reaches search within a second.
const WITHIN: Duration = Duration::from_secs(1);

backend_tests!(
    only_approval_makes_a_listing_searchable_and_rejection_or_reflag_removes_it_within_1s,
    |test: TestDb| async move {
        let market = market(test).await;
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let sync = tokio::spawn(storefront::indexing::run_sync_loop(
            market.app.state.0.clone(),
            stopped,
        ));
        let books = market.category("books-3-6");
        let id = market
            .create_a(&clean_listing(books, "Shovqinak", "SHOVQINAK-1"))
            .await;
        // Held for review: once the loop has applied the outbox head, still not searchable.
        let head = market.app.test.db.head_seq().await.unwrap();
        let started = Instant::now();
        while market.app.state.0.engine.applied_seq().unwrap() < head {
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "the loop is stuck"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert!(!market.search("shovqinak").await.contains(&(id as u64)));

        // Approved: searchable.
        market
            .decide(&market.moderator, id, "approve", "checked the book")
            .await
            .expect(200);
        let shown = market.until_search("shovqinak", id, true, WITHIN).await;
        assert!(shown.is_some(), "approved listing searchable within 1 s");

        // The seller edits it; the new revision is held again (models absent) and leaves search.
        let edit = clean_listing(books, "Shovqinak", "SHOVQINAK-1");
        let edited = call(Method::PUT, &format!("/api/v1/seller/products/{id}"))
            .bearer(&market.seller_a)
            .json(edit)
            .send(&market.app)
            .await;
        assert_eq!(edited.expect(200)["moderation"]["state"], "flagged");
        let reflagged = market.until_search("shovqinak", id, false, WITHIN).await;
        assert!(reflagged.is_some(), "re-flagged listing gone within 1 s");

        // Approved again, then taken down: gone within 1 s.
        market
            .decide(&market.moderator, id, "approve", "edit checked")
            .await
            .expect(200);
        assert!(
            market
                .until_search("shovqinak", id, true, WITHIN)
                .await
                .is_some()
        );
        let rejected = market
            .decide(&market.admin, id, "reject", "reported by a parent")
            .await;
        assert_eq!(rejected.expect(200)["listing"]["status"], "rejected");
        let removed = market.until_search("shovqinak", id, false, WITHIN).await;
        assert!(removed.is_some(), "rejected listing gone within 1 s");
        let (status, _) =
            crate::support::get_json(&market.app.state, &format!("/api/v1/products/{id}")).await;
        assert_eq!(status, 404);
        println!(
            "outbox to search: approve {:?}, re-flag {reflagged:?}, reject {removed:?}",
            shown
        );
        stop.send(true).unwrap();
        sync.await.unwrap();
    }
);

backend_tests!(
    every_decision_is_recorded_and_the_record_cannot_be_altered,
    |test: TestDb| async move {
        let market = market(test).await;
        let books = market.category("books-3-6");
        let id = market
            .create_a(&clean_listing(books, "Yozuvchak", "YOZUVCHAK-1"))
            .await;
        call(
            Method::POST,
            &format!("/api/v1/moderation/items/{id}/assign"),
        )
        .bearer(&market.moderator)
        .send(&market.app)
        .await
        .expect(200);
        let decided = market
            .decide(
                &market.moderator,
                id,
                "reject",
                "the cover photo is missing",
            )
            .await;
        let decided = decided.expect(200);
        assert_eq!(decided["listing"]["moderation"]["state"], "rejected");
        assert_eq!(
            decided["listing"]["moderation"]["decision_reason"],
            "the cover photo is missing"
        );
        assert_eq!(decided["decided_by"], market.moderator_id.0);
        let history = decided["history"].as_array().unwrap();
        let actions: Vec<&str> = history
            .iter()
            .map(|row| row["action"].as_str().unwrap())
            .collect();
        assert_eq!(actions, ["screen", "assign", "decide"]);
        // The screening: which rules and models, what they scored.
        assert!(history[0]["actor_user_id"].is_null());
        assert!(
            history[0]["actor_model"]
                .as_str()
                .unwrap()
                .starts_with("moderation-rules")
        );
        assert_eq!(history[0]["scores"][0]["code"], "model_unavailable");
        // The person: who, when, why, on which scores.
        assert_eq!(history[2]["actor_user_id"], market.moderator_id.0);
        assert_eq!(history[2]["from_state"], "flagged");
        assert_eq!(history[2]["to_state"], "rejected");
        assert_eq!(history[2]["reason"], "the cover photo is missing");
        assert_eq!(history[2]["scores"][0]["code"], "model_unavailable");
        assert!(history[2]["at"].as_str().is_some());
        // And the privileged-action audit log has it too.
        let audit = market
            .app
            .test
            .db
            .audit_entries(Some("moderation_decision"))
            .await
            .unwrap();
        assert_eq!(audit.len(), 1);
        assert_eq!(audit[0].actor_user_id, Some(market.moderator_id.0));

        // No route alters or removes the record.
        for (method, uri) in [
            (Method::PUT, format!("/api/v1/moderation/items/{id}")),
            (Method::PATCH, format!("/api/v1/moderation/items/{id}")),
            (Method::DELETE, format!("/api/v1/moderation/items/{id}")),
            (Method::DELETE, "/api/v1/moderation/decisions".to_owned()),
            (Method::PUT, "/api/v1/moderation/decisions".to_owned()),
            (Method::GET, "/api/v1/moderation/decisions".to_owned()),
        ] {
            let reply = call(method.clone(), &uri)
                .bearer(&market.admin)
                .json(json!({}))
                .send(&market.app)
                .await;
            reply.expect_error(405, "method_not_allowed");
        }
        for (method, uri) in [
            (
                Method::DELETE,
                format!("/api/v1/moderation/items/{id}/decision"),
            ),
            (
                Method::PUT,
                format!("/api/v1/moderation/items/{id}/decision"),
            ),
        ] {
            call(method, &uri)
                .bearer(&market.admin)
                .json(json!({}))
                .send(&market.app)
                .await
                .expect_error(405, "method_not_allowed");
        }
        // Not even the database lets it change.
        let db = &market.app.test.db;
        let refused = match db {
            storefront::db::Db::Sqlite(pool) => (
                sqlx::query("UPDATE moderation_decisions SET reason = 'forged'")
                    .execute(pool)
                    .await
                    .is_err(),
                sqlx::query("DELETE FROM moderation_decisions")
                    .execute(pool)
                    .await
                    .is_err(),
            ),
            storefront::db::Db::Postgres(pool) => (
                sqlx::query("UPDATE moderation_decisions SET reason = 'forged'")
                    .execute(pool)
                    .await
                    .is_err(),
                sqlx::query("TRUNCATE moderation_decisions")
                    .execute(pool)
                    .await
                    .is_err(),
            ),
        };
        assert_eq!(refused, (true, true));
        // The record outlives the product.
        call(Method::DELETE, &format!("/api/v1/seller/products/{id}"))
            .bearer(&market.seller_a)
            .send(&market.app)
            .await
            .expect(204);
        let kept = db.moderation_history(id).await.unwrap();
        assert_eq!(kept.len(), 3);
        assert_eq!(kept[2].reason, "the cover photo is missing");
    }
);

backend_tests!(
    only_moderators_decide_and_sellers_appeal_only_their_own_rejections,
    |test: TestDb| async move {
        let market = market(test).await;
        let books = market.category("books-3-6");
        let id = market
            .create_a(&clean_listing(books, "Qaldirg'och", "QALDIRGOCH-1"))
            .await;
        for token in [&market.seller_a, &market.seller_b, &market.parent] {
            market
                .decide(token, id, "approve", "mine")
                .await
                .expect_error(403, "forbidden");
            call(Method::GET, "/api/v1/moderation/queue")
                .bearer(token)
                .send(&market.app)
                .await
                .expect_error(403, "forbidden");
        }
        call(Method::GET, &format!("/api/v1/moderation/items/{id}"))
            .send(&market.app)
            .await
            .expect_error(401, "unauthenticated");
        let appeal = |token: &str, message: &str| {
            call(
                Method::POST,
                &format!("/api/v1/seller/products/{id}/appeal"),
            )
            .bearer(token)
            .json(json!({ "message": message }))
        };
        // Flagged, not rejected: nothing to appeal.
        appeal(&market.seller_a, "please")
            .send(&market.app)
            .await
            .expect_error(409, "not_appealable");
        market
            .decide(&market.moderator, id, "reject", "looks copied")
            .await
            .expect(200);
        // Only a rejection reopens through the seller's appeal, not through a moderator.
        market
            .decide(&market.moderator, id, "approve", "changed my mind")
            .await
            .expect_error(409, "appeal_required");
        appeal(&market.seller_b, "not mine")
            .send(&market.app)
            .await
            .expect_error(404, "product_not_found");
        appeal(&market.seller_a, "  ")
            .send(&market.app)
            .await
            .expect_error(400, "invalid_message");
        let appealed = appeal(&market.seller_a, "it is my own book, here is the ISBN")
            .send(&market.app)
            .await;
        assert_eq!(appealed.expect(200)["state"], "appealed");
        assert_eq!(
            appealed.body["appeal_message"],
            "it is my own book, here is the ISBN"
        );
        appeal(&market.seller_a, "again")
            .send(&market.app)
            .await
            .expect_error(409, "not_appealable");
        assert_eq!(market.queue_ids("state=appealed").await, [id]);
        market
            .decide(&market.moderator, id, "approve", "ISBN checked")
            .await
            .expect(200);
        market
            .decide(&market.moderator, id, "approve", "twice")
            .await
            .expect_error(409, "already_decided");
        // Rejected again: this revision was appealed once already.
        market
            .decide(&market.moderator, id, "reject", "complaint")
            .await
            .expect(200);
        appeal(&market.seller_a, "again")
            .send(&market.app)
            .await
            .expect_error(409, "already_appealed");
        // A decision on an older revision is refused.
        call(Method::PUT, &format!("/api/v1/seller/products/{id}"))
            .bearer(&market.seller_a)
            .json(clean_listing(books, "Qaldirg'och", "QALDIRGOCH-1"))
            .send(&market.app)
            .await
            .expect(200);
        call(
            Method::POST,
            &format!("/api/v1/moderation/items/{id}/decision"),
        )
        .bearer(&market.moderator)
        .json(json!({ "decision": "approve", "reason": "ok", "revision": 1 }))
        .send(&market.app)
        .await
        .expect_error(409, "stale_revision");
        let audit = market
            .app
            .test
            .db
            .audit_entries(Some("listing_appeal"))
            .await
            .unwrap();
        assert_eq!(audit.len(), 1);
    }
);

backend_tests!(
    the_queue_filters_by_state_reason_score_sla_and_assignment,
    |test: TestDb| async move {
        let market = market(test).await;
        let books = market.category("books-3-6");
        let dolls = market.category("dolls");
        let first = market
            .create_a(&clean_listing(books, "Birinchak", "BIRINCHAK-1"))
            .await;
        let vape = market
            .create(&market.seller_b, &vape_listing(dolls, "VAPE-Q"))
            .await
            .expect(201)["id"]
            .as_i64()
            .unwrap();
        // (Access tokens live 15 minutes on this clock.)
        market.app.clock.advance(chrono::Duration::minutes(1));
        let second = market
            .create_a(&clean_listing(books, "Ikkinchak", "IKKINCHAK-1"))
            .await;

        // Default: open items, oldest first.
        assert_eq!(market.queue_ids("").await, [first, second]);
        assert_eq!(market.queue_ids("state=rejected").await, [vape]);
        let rejected = market.queue("state=rejected").await;
        assert_eq!(rejected.expect(200)["items"][0]["seller_id"], market.shop_b);
        assert_eq!(market.queue_ids("state=all").await, [first, vape, second]);
        assert_eq!(
            market
                .queue_ids("state=flagged,rejected&min_score=0.8")
                .await,
            [vape]
        );
        assert_eq!(
            market.queue_ids("state=all&max_score=0.5").await,
            [first, second]
        );
        // Without models every listing the rules do not reject carries model_unavailable; the
        // vape, rejected by its lexicon hit, never waited for a model.
        assert_eq!(
            market.queue_ids("state=all&reason=model_unavailable").await,
            [first, second]
        );
        assert_eq!(
            market.queue_ids("state=all&reason=lexicon_tobacco").await,
            [vape]
        );
        assert!(
            market
                .queue_ids("state=all&reason=lexicon_weapons")
                .await
                .is_empty()
        );
        let page = market.queue("per_page=1&page=2").await;
        assert_eq!(page.expect(200)["total"], 2);
        assert_eq!(page.body["items"][0]["product_id"], second);

        // Assignment.
        let assigned = call(
            Method::POST,
            &format!("/api/v1/moderation/items/{second}/assign"),
        )
        .bearer(&market.moderator)
        .send(&market.app)
        .await;
        assert_eq!(assigned.expect(200)["assigned_to"], market.moderator_id.0);
        assert!(assigned.body["assigned_at"].as_str().is_some());
        assert_eq!(market.queue_ids("assigned=me").await, [second]);
        assert_eq!(market.queue_ids("assigned=none").await, [first]);
        call(
            Method::POST,
            &format!("/api/v1/moderation/items/{first}/assign"),
        )
        .bearer(&market.admin)
        .json(json!({ "moderator_id": market.moderator_id.0 }))
        .send(&market.app)
        .await
        .expect(200);
        assert_eq!(market.queue_ids("assigned=me").await, [first, second]);
        // Not to someone who is not a moderator, and not a closed item.
        call(
            Method::POST,
            &format!("/api/v1/moderation/items/{first}/assign"),
        )
        .bearer(&market.moderator)
        .json(json!({ "moderator_id": 987_654 }))
        .send(&market.app)
        .await
        .expect_error(400, "invalid_assignee");
        call(
            Method::POST,
            &format!("/api/v1/moderation/items/{vape}/assign"),
        )
        .bearer(&market.moderator)
        .send(&market.app)
        .await
        .expect_error(409, "item_not_open");

        // Bad filters.
        for (query, code) in [
            ("state=deleted", "invalid_state"),
            ("state=flagged,nope", "invalid_state"),
            ("reason=DROP%20TABLE", "invalid_reason"),
            ("reason=%25", "invalid_reason"),
            ("min_score=2", "invalid_score"),
            ("max_score=-0.1", "invalid_score"),
            ("min_score=abc", "invalid_score"),
            ("min_score=0.9&max_score=0.1", "invalid_score"),
            ("overdue=yes", "invalid_overdue"),
            ("assigned=someone", "invalid_assigned"),
            ("page=0", "invalid_page"),
            ("per_page=101", "invalid_page"),
            ("page=1e3", "invalid_page"),
            ("state=%FF", "invalid_utf8"),
        ] {
            market.queue(query).await.expect_error(400, code);
        }
        for bad in ["abc", "0", "-1"] {
            call(Method::GET, &format!("/api/v1/moderation/items/{bad}"))
                .bearer(&market.moderator)
                .send(&market.app)
                .await
                .expect_error(400, "invalid_product_id");
        }
        // A seeded product was never queued.
        call(Method::GET, "/api/v1/moderation/items/1")
            .bearer(&market.moderator)
            .send(&market.app)
            .await
            .expect_error(404, "item_not_found");
        // SLA: 24 hours from queueing. (The clock moves past the tokens' lifetime: sign in
        // a moderator again.)
        assert!(market.queue_ids("overdue=true").await.is_empty());
        market
            .app
            .clock
            .advance(chrono::Duration::hours(24) - chrono::Duration::seconds(30));
        let (_, fresh) =
            crate::auth::user_with_role(&market.app, storefront::auth::Role::Moderator).await;
        let overdue = call(Method::GET, "/api/v1/moderation/queue?overdue=true")
            .bearer(&fresh)
            .send(&market.app)
            .await;
        assert_eq!(overdue.expect(200)["total"], 1);
        assert_eq!(overdue.body["items"][0]["product_id"], first);
        let entry = call(Method::GET, "/api/v1/moderation/queue")
            .bearer(&fresh)
            .send(&market.app)
            .await;
        assert_eq!(entry.expect(200)["items"][0]["overdue"], true);
        assert_eq!(entry.body["items"][1]["overdue"], false);
        assert!(entry.body["items"][0]["due_at"].as_str().is_some());
    }
);

backend_tests!(
    an_item_shows_which_words_matched_in_which_field,
    |test: TestDb| async move {
        let market = market(test).await;
        let dolls = market.category("dolls");
        let id = market
            .create(&market.seller_a, &vape_listing(dolls, "VAPE-H"))
            .await
            .expect(201)["id"]
            .as_i64()
            .unwrap();
        let item = market.item(id).await;
        let highlights = item["highlights"].as_array().unwrap();
        let fields: Vec<&str> = highlights
            .iter()
            .map(|field| field["field"].as_str().unwrap())
            .collect();
        assert!(fields.contains(&"title.ru"), "{item}");
        assert!(fields.contains(&"description.ru"), "{item}");
        let description = highlights
            .iter()
            .find(|field| field["field"] == "description.ru")
            .unwrap();
        let marked = description["marked"].as_str().unwrap();
        assert!(
            marked.contains("<mark data-reason=\"lexicon_tobacco\">"),
            "{marked}"
        );
        let first = &description["matches"][0];
        let text = "Одноразовый вейп, 1500 затяжек, никотин 20 мг. Подарок подростку.";
        let (start, end) = (
            first["start"].as_u64().unwrap() as usize,
            first["end"].as_u64().unwrap() as usize,
        );
        let term: String = text.chars().skip(start).take(end - start).collect();
        assert_eq!(term, first["term"].as_str().unwrap());
        // Seller text is escaped in the marked output.
        let books = market.category("books-3-6");
        let mut body = vape_listing(books, "VAPE-ESC");
        body["title"]["ru"] = json!("<script>alert(1)</script> вейп");
        let escaped = market.create(&market.seller_a, &body).await.expect(201)["id"]
            .as_i64()
            .unwrap();
        let item = market.item(escaped).await;
        let title = item["highlights"]
            .as_array()
            .unwrap()
            .iter()
            .find(|field| field["field"] == "title.ru")
            .unwrap()["marked"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(title.starts_with("&lt;script&gt;"), "{title}");
        assert!(!title.contains("<script>"));
    }
);

backend_tests!(
    bulk_decisions_apply_item_by_item,
    |test: TestDb| async move {
        let market = market(test).await;
        let books = market.category("books-3-6");
        let mut ids = Vec::new();
        for word in ["Uchinchak", "To'rtinchak", "Beshinchak"] {
            ids.push(
                market
                    .create_a(&clean_listing(books, word, &format!("BULK-{}", ids.len())))
                    .await,
            );
        }
        market
            .decide(&market.moderator, ids[2], "approve", "first")
            .await
            .expect(200);
        let bulk = call(Method::POST, "/api/v1/moderation/decisions")
            .bearer(&market.moderator)
            .json(json!({ "product_ids": [ids[0], ids[1], ids[2], 424_242], "decision": "approve", "reason": "batch of books" }))
            .send(&market.app)
            .await;
        let body = bulk.expect(200);
        assert_eq!(body["applied"], 2, "{body}");
        let results = body["results"].as_array().unwrap();
        assert_eq!(results[0]["state"], "approved");
        assert_eq!(results[1]["state"], "approved");
        assert_eq!(results[2]["error"]["code"], "already_decided");
        assert_eq!(results[3]["error"]["code"], "item_not_found");
        assert!(market.queue_ids("").await.is_empty());
        for bad in [
            json!({ "product_ids": [], "decision": "approve", "reason": "x" }),
            json!({ "product_ids": [1, 1], "decision": "approve", "reason": "x" }),
            json!({ "product_ids": [0], "decision": "approve", "reason": "x" }),
            json!({ "product_ids": (1..=101).collect::<Vec<i64>>(), "decision": "approve", "reason": "x" }),
        ] {
            call(Method::POST, "/api/v1/moderation/decisions")
                .bearer(&market.moderator)
                .json(bad)
                .send(&market.app)
                .await
                .expect_error(400, "invalid_product_ids");
        }
        for (bad, code) in [
            (
                json!({ "product_ids": [1], "decision": "maybe", "reason": "x" }),
                "invalid_json",
            ),
            (
                json!({ "product_ids": [1], "decision": "approve", "reason": "" }),
                "invalid_reason",
            ),
            (
                json!({ "product_ids": [1], "decision": "approve" }),
                "invalid_json",
            ),
        ] {
            call(Method::POST, "/api/v1/moderation/decisions")
                .bearer(&market.moderator)
                .json(bad)
                .send(&market.app)
                .await
                .expect_error(400, code);
        }
        call(
            Method::POST,
            &format!("/api/v1/moderation/items/{}/decision", ids[0]),
        )
        .bearer(&market.moderator)
        .json(json!({ "decision": "reject", "reason": "r".repeat(1_001) }))
        .send(&market.app)
        .await
        .expect_error(400, "invalid_reason");
    }
);

backend_tests!(
    products_held_by_the_import_screening_are_queued_once,
    |test: TestDb| async move {
        let market = market(test).await;
        let db = &market.app.test.db;
        let reasons = serde_json::to_string(&[moderation::Reason {
            code: "lexicon_alcohol".to_owned(),
            category: moderation::RiskCategory::Alcohol,
            score: 0.55,
            evidence: "\"шампанское\"".to_owned(),
        }])
        .unwrap();
        let held = db
            .insert_product(
                &crate::store::new_product(
                    market.shop_a,
                    market.category("sweets"),
                    "Bolalar shampanskoye",
                    "HELD-1",
                ),
                moderation::ModerationStatus::Pending,
                &reasons,
            )
            .await
            .unwrap();
        let pending_before = db
            .product_counts_by_status()
            .await
            .unwrap()
            .get("pending")
            .copied()
            .unwrap_or(0);
        let queued = db.enqueue_held_products(chrono::Utc::now()).await.unwrap();
        assert_eq!(queued, pending_before as u64);
        assert_eq!(
            db.enqueue_held_products(chrono::Utc::now()).await.unwrap(),
            0
        );
        let found = market
            .queue_ids("reason=lexicon_alcohol&min_score=0.5")
            .await;
        assert!(found.contains(&held), "{found:?}");
        let item = market.item(held).await;
        assert_eq!(item["listing"]["moderation"]["state"], "flagged");
        assert_eq!(item["history"][0]["action"], "screen");
        assert_eq!(item["history"][0]["scores"][0]["code"], "lexicon_alcohol");
        // A moderator can now decide it.
        market
            .decide(
                &market.moderator,
                held,
                "reject",
                "alcohol imitation for children",
            )
            .await
            .expect(200);
    }
);

backend_tests!(
    concurrent_decisions_on_one_item_apply_exactly_once,
    |test: TestDb| async move {
        let market = std::sync::Arc::new(market(test).await);
        let books = market.category("books-3-6");
        let id = market
            .create_a(&clean_listing(books, "Poygachak", "POYGACHAK-1"))
            .await;
        let head_before = market.app.test.db.head_seq().await.unwrap();
        let mut tasks = Vec::new();
        for n in 0..12 {
            let market = market.clone();
            tasks.push(tokio::spawn(async move {
                let (decision, token) = if n % 2 == 0 {
                    ("approve", &market.moderator)
                } else {
                    ("reject", &market.admin)
                };
                let reply = market
                    .decide(token, id, decision, &format!("racer {n}"))
                    .await;
                (reply.status.as_u16(), reply.code().to_owned())
            }));
        }
        let mut applied = 0;
        for task in tasks {
            let (status, code) = task.await.unwrap();
            match status {
                200 => applied += 1,
                409 => assert!(
                    ["item_changed", "already_decided", "appeal_required"].contains(&code.as_str()),
                    "{code}"
                ),
                other => panic!("unexpected {other} {code}"),
            }
        }
        // One decision from `flagged`; a later one may take an approval down again.
        let history = market.app.test.db.moderation_history(id).await.unwrap();
        let decisions: Vec<_> = history
            .iter()
            .filter(|row| row.action == "decide")
            .collect();
        assert_eq!(decisions.len(), applied);
        assert!((1..=2).contains(&applied), "{applied} applied");
        assert_eq!(decisions[0].from_state, "flagged");
        for pair in decisions.windows(2) {
            assert_eq!(
                pair[1].from_state, pair[0].to_state,
                "a chain, no lost update"
            );
        }
        // Each applied status change wrote exactly one outbox row.
        let head_after = market.app.test.db.head_seq().await.unwrap();
        assert_eq!(head_after - head_before, applied as u64);
    }
);
