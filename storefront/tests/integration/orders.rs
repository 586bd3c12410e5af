//! Orders (issue 7, item 2; issue 6, item 4): the state machine (illegal transitions are 409),
//! seller shipments, ownership (another buyer or seller gets 404), expiry releasing stock,
//! refunds and the seller ledger, and "ask to buy" for children.

use crate::auth::{AuthApp, call, user_with_role};
use crate::backend_tests;
use crate::checkout::{BOOK_PRICE, ROBOT_PRICE, exec, pay, place, scalar, shop_app, stock_of};
use crate::support::TestDb;
use axum::http::Method;
use serde_json::json;
use storefront::auth::{Clock as _, Role};
use storefront::commerce::orders::{self, LimitCheck};
use storefront::commerce::shipments;
use storefront::commerce::{Actor, CommerceError, OrderId};
use storefront::db::accounts::{NewChild, UserId};

/// A seller account managing shop `seller`; returns its token.
pub async fn seller_token(app: &AuthApp, seller: i64) -> String {
    let (id, token) = user_with_role(app, Role::Seller).await;
    assert!(app.test.db.set_user_seller(id, Some(seller)).await.unwrap());
    token
}

/// A parent with an active child profile.
pub struct Family {
    pub parent_id: UserId,
    pub parent: String,
    pub child_id: i64,
    pub child_user: UserId,
    pub child: String,
}

impl Family {
    /// New sessions for both (after the test clock moved past the tokens' lifetime).
    pub async fn refresh(&mut self, app: &AuthApp) {
        self.parent = session(app, self.parent_id, Role::Parent).await;
        self.child = session(app, self.child_user, Role::Child).await;
    }
}

/// A parent with an active child profile.
pub async fn family(app: &AuthApp) -> Family {
    let (parent_id, parent) = user_with_role(app, Role::Parent).await;
    let now = app.clock.now();
    let child = app
        .test
        .db
        .insert_child(
            parent_id,
            &NewChild {
                nickname: "Lola",
                birth_year_month: None,
                age_band: Some("6-8"),
                avatar: "owl",
            },
            now,
        )
        .await
        .unwrap();
    exec(
        &app.test.db,
        &format!(
            "UPDATE child_profiles SET status = 'active' WHERE id = {}",
            child.id
        ),
    )
    .await;
    let token = session(app, child.user_id, Role::Child).await;
    Family {
        parent_id,
        parent,
        child_id: child.id.0,
        child_user: child.user_id,
        child: token,
    }
}

/// Opens a session for `user` and returns an access token.
pub async fn session(app: &AuthApp, user: UserId, role: Role) -> String {
    let db = &app.test.db;
    let now = app.clock.now();
    let session_id = storefront::auth::token::new_id().unwrap();
    let refresh = storefront::auth::token::new_refresh_token().unwrap();
    db.create_session(
        &session_id,
        user,
        &storefront::auth::token::sha256_hex(&refresh),
        now,
        now + chrono::Duration::days(1),
    )
    .await
    .unwrap();
    app.state
        .0
        .auth
        .issue_access_token(user, role, &session_id)
        .unwrap()
}

async fn balance(db: &storefront::db::Db, seller: i64) -> i64 {
    scalar(
        db,
        &format!(
            "SELECT CAST(COALESCE(SUM(amount_tiyin), 0) AS BIGINT) FROM seller_ledger \
             WHERE seller_id = {seller}"
        ),
    )
    .await
}

async fn status_of(app: &AuthApp, id: i64) -> String {
    match &app.test.db {
        storefront::db::Db::Sqlite(pool) => {
            sqlx::query_scalar("SELECT status FROM orders WHERE id = $1")
                .bind(id)
                .fetch_one(pool)
                .await
                .unwrap()
        }
        storefront::db::Db::Postgres(pool) => {
            sqlx::query_scalar("SELECT status FROM orders WHERE id = $1")
                .bind(id)
                .fetch_one(pool)
                .await
                .unwrap()
        }
    }
}

backend_tests!(
    the_order_state_machine_refuses_illegal_transitions,
    |test: TestDb| async move {
        let app = shop_app(test).await;
        let (_, parent) = user_with_role(&app, Role::Parent).await;
        let one = seller_token(&app, 1).await;
        let two = seller_token(&app, 2).await;
        let db = &app.test.db;

        // Cancel an unpaid order: the stock comes back; a second cancel is illegal.
        let placed = place(&app, &parent, json!([{ "sku": "ROBOT-1", "quantity": 2 }])).await;
        let id = placed.expect(201)["id"].as_i64().unwrap();
        assert_eq!(stock_of(db, "ROBOT-1").await, (3, 2, 0));
        let cancelled = call(Method::POST, &format!("/api/v1/orders/{id}/cancel"))
            .bearer(&parent)
            .json(json!({ "reason": "changed my mind" }))
            .send(&app)
            .await;
        assert_eq!(cancelled.expect(200)["status"], "cancelled");
        assert_eq!(stock_of(db, "ROBOT-1").await, (5, 0, 0));
        call(Method::POST, &format!("/api/v1/orders/{id}/cancel"))
            .bearer(&parent)
            .send(&app)
            .await
            .expect_error(409, "illegal_transition");
        // A cancelled order cannot be paid.
        let mut tx = db.begin_write().await.unwrap();
        let error = orders::mark_paid(
            &mut tx.conn(),
            OrderId(id),
            orders::PaymentProvider::Click,
            app.clock.now(),
        )
        .await
        .unwrap_err();
        assert!(
            matches!(error, CommerceError::IllegalTransition { .. }),
            "{error}"
        );
        drop(tx);

        // A two-seller order through its shipments.
        let placed = place(
            &app,
            &parent,
            json!([{ "sku": "ROBOT-1", "quantity": 1 }, { "sku": "BOOK-1", "quantity": 1 }]),
        )
        .await;
        let order = placed.expect(201).clone();
        let id = order["id"].as_i64().unwrap();
        let s1 = order["shipments"][0]["id"].as_i64().unwrap();
        let s2 = order["shipments"][1]["id"].as_i64().unwrap();
        let advance = |token: &str, shipment: i64, status: &str| {
            call(
                Method::POST,
                &format!("/api/v1/seller/shipments/{shipment}/status"),
            )
            .bearer(token)
            .json(json!({ "status": status, "tracking_code": "UZ-123" }))
        };
        // Unpaid: sellers cannot start; the buyer cannot complete or ask for a refund.
        advance(&one, s1, "processing")
            .send(&app)
            .await
            .expect_error(409, "illegal_transition");
        call(Method::POST, &format!("/api/v1/orders/{id}/complete"))
            .bearer(&parent)
            .send(&app)
            .await
            .expect_error(409, "illegal_transition");
        call(Method::POST, &format!("/api/v1/orders/{id}/refund-request"))
            .bearer(&parent)
            .send(&app)
            .await
            .expect_error(409, "illegal_transition");
        pay(&app, id).await;
        // Paid: cancelling is no longer possible (refund instead).
        call(Method::POST, &format!("/api/v1/orders/{id}/cancel"))
            .bearer(&parent)
            .send(&app)
            .await
            .expect_error(409, "illegal_transition");
        // Skipping a step is refused.
        advance(&one, s1, "delivered")
            .send(&app)
            .await
            .expect_error(409, "illegal_transition");
        let moved = advance(&one, s1, "processing").send(&app).await;
        assert_eq!(moved.expect(200)["order_status"], "processing");
        let moved = advance(&one, s1, "shipped").send(&app).await;
        assert_eq!(moved.expect(200)["order_status"], "processing");
        advance(&two, s2, "processing").send(&app).await.expect(200);
        let moved = advance(&two, s2, "shipped").send(&app).await;
        assert_eq!(moved.expect(200)["order_status"], "shipped");
        advance(&one, s1, "delivered").send(&app).await.expect(200);
        let moved = advance(&two, s2, "delivered").send(&app).await;
        assert_eq!(moved.expect(200)["order_status"], "delivered");
        let mut tx = db.begin_write().await.unwrap();
        assert!(
            orders::is_delivered(&mut tx.conn(), OrderId(id))
                .await
                .unwrap()
        );
        drop(tx);
        let done = call(Method::POST, &format!("/api/v1/orders/{id}/complete"))
            .bearer(&parent)
            .send(&app)
            .await;
        assert_eq!(done.expect(200)["status"], "completed");
        // The seller is paid out its balance, and no more.
        let owed = balance(db, 1).await;
        assert_eq!(owed, ROBOT_PRICE - ROBOT_PRICE / 10);
        let now = app.clock.now();
        assert_eq!(shipments::record_payout(db, 1, owed, now).await.unwrap(), 0);
        assert!(matches!(
            shipments::record_payout(db, 1, 1, now).await,
            Err(CommerceError::Invalid {
                code: "payout_exceeds_balance",
                ..
            })
        ));
        assert_eq!(balance(db, 1).await, 0);
        assert_eq!(
            scalar(
                db,
                "SELECT COUNT(*) FROM audit_log WHERE action = 'shipment_advanced'"
            )
            .await,
            6
        );
        // Every transition is in the history and the outbox.
        let history = scalar(
            db,
            &format!("SELECT COUNT(*) FROM order_history WHERE order_id = {id}"),
        )
        .await;
        // placed, paid, processing, shipped, delivered, completed
        assert_eq!(history, 6);
        let events = scalar(
            db,
            &format!("SELECT COUNT(*) FROM order_events WHERE order_id = {id}"),
        )
        .await;
        assert_eq!(events, 6);
    }
);

backend_tests!(
    buyers_and_sellers_see_only_their_own,
    |test: TestDb| async move {
        let app = shop_app(test).await;
        let (_, parent) = user_with_role(&app, Role::Parent).await;
        let (_, stranger) = user_with_role(&app, Role::Parent).await;
        let two = seller_token(&app, 2).await;
        let placed = place(&app, &parent, json!([{ "sku": "ROBOT-1", "quantity": 1 }])).await;
        let order = placed.expect(201).clone();
        let id = order["id"].as_i64().unwrap();
        let shipment = order["shipments"][0]["id"].as_i64().unwrap();
        call(Method::GET, &format!("/api/v1/orders/{id}"))
            .bearer(&parent)
            .send(&app)
            .await
            .expect(200);
        for (method, uri) in [
            (Method::GET, format!("/api/v1/orders/{id}")),
            (Method::POST, format!("/api/v1/orders/{id}/cancel")),
            (Method::POST, format!("/api/v1/orders/{id}/complete")),
            (Method::GET, "/api/v1/orders/999999".to_owned()),
            (Method::GET, "/api/v1/orders/abc".to_owned()),
        ] {
            call(method, &uri)
                .bearer(&stranger)
                .send(&app)
                .await
                .expect_error(404, "order_not_found");
        }
        let theirs = call(Method::GET, "/api/v1/orders")
            .bearer(&stranger)
            .send(&app)
            .await;
        assert_eq!(theirs.expect(200)["orders"], json!([]));
        let mine = call(Method::GET, "/api/v1/orders")
            .bearer(&parent)
            .send(&app)
            .await;
        assert_eq!(mine.expect(200)["orders"].as_array().unwrap().len(), 1);
        // Seller 2 has nothing in this order (it is seller 1's robot).
        pay(&app, id).await;
        call(Method::GET, &format!("/api/v1/seller/shipments/{shipment}"))
            .bearer(&two)
            .send(&app)
            .await
            .expect_error(404, "shipment_not_found");
        call(
            Method::POST,
            &format!("/api/v1/seller/shipments/{shipment}/status"),
        )
        .bearer(&two)
        .json(json!({ "status": "processing" }))
        .send(&app)
        .await
        .expect_error(404, "shipment_not_found");
        let listed = call(Method::GET, "/api/v1/seller/shipments")
            .bearer(&two)
            .send(&app)
            .await;
        assert_eq!(listed.expect(200)["shipments"], json!([]));
        let one = seller_token(&app, 1).await;
        let listed = call(Method::GET, "/api/v1/seller/shipments")
            .bearer(&one)
            .send(&app)
            .await;
        assert_eq!(listed.expect(200)["shipments"].as_array().unwrap().len(), 1);
        // The order stayed where it was.
        assert_eq!(status_of(&app, id).await, "paid");
    }
);

backend_tests!(
    unpaid_orders_expire_and_release_stock,
    |test: TestDb| async move {
        let app = shop_app(test).await;
        let (_, parent) = user_with_role(&app, Role::Parent).await;
        let db = &app.test.db;
        let placed = place(&app, &parent, json!([{ "sku": "LAST-1", "quantity": 1 }])).await;
        let id = placed.expect(201)["id"].as_i64().unwrap();
        assert_eq!(stock_of(db, "LAST-1").await, (0, 1, 0));
        // The sold-out product is queued for the search index.
        assert!(
            scalar(
                db,
                "SELECT COUNT(*) FROM catalog_changes WHERE product_id = 1"
            )
            .await
                >= 1
        );
        assert_eq!(
            orders::expire_due(db, app.clock.now(), 100).await.unwrap(),
            0
        );
        app.clock.advance(chrono::Duration::minutes(61));
        assert_eq!(
            orders::expire_due(db, app.clock.now(), 100).await.unwrap(),
            1
        );
        assert_eq!(status_of(&app, id).await, "expired");
        assert_eq!(stock_of(db, "LAST-1").await, (1, 0, 0));
        assert_eq!(
            orders::expire_due(db, app.clock.now(), 100).await.unwrap(),
            0
        );
        // An expired order cannot be paid.
        let mut tx = db.begin_write().await.unwrap();
        assert!(
            orders::mark_paid(
                &mut tx.conn(),
                OrderId(id),
                orders::PaymentProvider::Card,
                app.clock.now()
            )
            .await
            .is_err()
        );
    }
);

backend_tests!(
    refunds_debit_the_sellers_and_reverse_commission,
    |test: TestDb| async move {
        let app = shop_app(test).await;
        let (_, parent) = user_with_role(&app, Role::Parent).await;
        let db = &app.test.db;
        let placed = place(
            &app,
            &parent,
            json!([{ "sku": "ROBOT-1", "quantity": 1 }, { "sku": "BOOK-1", "quantity": 1 }]),
        )
        .await;
        let order = placed.expect(201).clone();
        let id = order["id"].as_i64().unwrap();
        let total = order["total_tiyin"].as_i64().unwrap();
        pay(&app, id).await;
        // 10 % commission at the default rate.
        assert_eq!(balance(db, 1).await, ROBOT_PRICE - ROBOT_PRICE / 10);
        assert_eq!(balance(db, 2).await, BOOK_PRICE - BOOK_PRICE / 10);
        let refund = |amount: i64, reference: &'static str| {
            let db = db.clone();
            let now = app.clock.now();
            async move {
                let mut tx = db.begin_write().await.unwrap();
                let outcome = orders::apply_refund(
                    &mut tx.conn(),
                    OrderId(id),
                    amount,
                    reference,
                    "returned",
                    Actor::PAYMENT,
                    now,
                )
                .await;
                tx.commit().await.unwrap();
                outcome
            }
        };
        let first = refund(1_234_567, "r1").await.unwrap();
        assert!(!first.fully_refunded && !first.replayed);
        let replay = refund(1_234_567, "r1").await.unwrap();
        assert!(replay.replayed);
        assert_eq!(replay.refunded_tiyin, 1_234_567);
        assert!(matches!(
            refund(total, "too-much").await,
            Err(CommerceError::Invalid {
                code: "invalid_refund_amount",
                ..
            })
        ));
        assert_eq!(status_of(&app, id).await, "paid");
        let rest = refund(total - 1_234_567, "r2").await.unwrap();
        assert!(rest.fully_refunded);
        assert_eq!(status_of(&app, id).await, "refunded");
        // Everything went back: the sellers hold nothing, the buyer got every tiyin.
        assert_eq!(balance(db, 1).await, 0);
        assert_eq!(balance(db, 2).await, 0);
        assert_eq!(
            scalar(db, "SELECT CAST(SUM(amount_tiyin) AS BIGINT) FROM refunds").await,
            total
        );
    }
);

backend_tests!(
    a_childs_purchase_waits_for_the_parent,
    |test: TestDb| async move {
        let app = shop_app(test).await;
        let db = &app.test.db;
        let mut kin = family(&app).await;
        let (stranger_id, mut stranger) = user_with_role(&app, Role::Parent).await;
        let (parent, child_id, child) = (kin.parent.clone(), kin.child_id, kin.child.clone());
        let placed = place(&app, &child, json!([{ "sku": "BOOK-1", "quantity": 2 }])).await;
        let order = placed.expect(201).clone();
        assert_eq!(order["status"], "awaiting_parent_approval");
        assert_eq!(order["child_id"], child_id);
        let id = order["id"].as_i64().unwrap();
        assert_eq!(stock_of(db, "BOOK-1").await, (8, 2, 0));
        assert_eq!(
            scalar(
                db,
                &format!(
                    "SELECT COUNT(*) FROM order_events WHERE order_id = {id} AND kind = 'purchase_request'"
                )
            )
            .await,
            1
        );
        // Unapproved: a payment is refused.
        let mut tx = db.begin_write().await.unwrap();
        assert_eq!(
            orders::check_limits_at_confirmation(&mut tx.conn(), OrderId(id), app.clock.now())
                .await
                .unwrap(),
            LimitCheck::ApprovalPending
        );
        assert!(
            orders::mark_paid(
                &mut tx.conn(),
                OrderId(id),
                orders::PaymentProvider::Payme,
                app.clock.now()
            )
            .await
            .is_err()
        );
        drop(tx);
        let requests = call(Method::GET, "/api/v1/family/purchase-requests")
            .bearer(&parent)
            .send(&app)
            .await;
        let request = requests.expect(200)["requests"][0].clone();
        assert_eq!(request["status"], "pending");
        assert_eq!(request["total_tiyin"], 2 * BOOK_PRICE + 2_500_000);
        let rid = request["id"].as_i64().unwrap();
        // The parent sees the child's order; a stranger sees neither.
        call(Method::GET, &format!("/api/v1/orders/{id}"))
            .bearer(&parent)
            .send(&app)
            .await
            .expect(200);
        call(
            Method::POST,
            &format!("/api/v1/family/purchase-requests/{rid}/approve"),
        )
        .bearer(&stranger)
        .send(&app)
        .await
        .expect_error(404, "purchase_request_not_found");
        let approved = call(
            Method::POST,
            &format!("/api/v1/family/purchase-requests/{rid}/approve"),
        )
        .bearer(&parent)
        .send(&app)
        .await;
        assert_eq!(approved.expect(200)["status"], "approved");
        assert_eq!(status_of(&app, id).await, "pending_payment");
        assert_eq!(
            scalar(
                db,
                "SELECT COUNT(*) FROM audit_log WHERE action = 'purchase_request_approved'"
            )
            .await,
            1
        );
        call(
            Method::POST,
            &format!("/api/v1/family/purchase-requests/{rid}/decline"),
        )
        .bearer(&parent)
        .send(&app)
        .await
        .expect_error(409, "illegal_transition");
        assert_eq!(pay(&app, id).await, orders::PaidOutcome::Paid);

        // Declined: the stock comes back.
        let placed = place(&app, &child, json!([{ "sku": "ROBOT-1", "quantity": 1 }])).await;
        let declined_order = placed.expect(201)["id"].as_i64().unwrap();
        let rid = call(Method::GET, "/api/v1/family/purchase-requests")
            .bearer(&parent)
            .send(&app)
            .await
            .expect(200)["requests"][0]["id"]
            .as_i64()
            .unwrap();
        assert_eq!(stock_of(db, "ROBOT-1").await, (4, 1, 0));
        let declined = call(
            Method::POST,
            &format!("/api/v1/family/purchase-requests/{rid}/decline"),
        )
        .bearer(&parent)
        .send(&app)
        .await;
        assert_eq!(declined.expect(200)["status"], "declined");
        assert_eq!(status_of(&app, declined_order).await, "cancelled");
        assert_eq!(stock_of(db, "ROBOT-1").await, (5, 0, 0));

        // Unanswered for 48 hours: expired, stock released.
        let placed = place(&app, &child, json!([{ "sku": "ROBOT-1", "quantity": 3 }])).await;
        let late = placed.expect(201)["id"].as_i64().unwrap();
        app.clock.advance(chrono::Duration::hours(47));
        assert_eq!(
            orders::expire_due(db, app.clock.now(), 100).await.unwrap(),
            0
        );
        app.clock.advance(chrono::Duration::hours(2));
        assert_eq!(
            orders::expire_due(db, app.clock.now(), 100).await.unwrap(),
            1
        );
        assert_eq!(status_of(&app, late).await, "expired");
        kin.refresh(&app).await;
        stranger = session(&app, stranger_id, Role::Parent).await;
        let (parent, child) = (kin.parent.clone(), kin.child.clone());
        assert_eq!(stock_of(db, "ROBOT-1").await, (5, 0, 0));
        let listed = call(Method::GET, "/api/v1/family/purchase-requests")
            .bearer(&parent)
            .send(&app)
            .await;
        assert_eq!(listed.expect(200)["requests"][0]["status"], "expired");

        // Controls: a blocked category, then no approval under a limit.
        let controls = json!({
            "daily_limit_tiyin": 10_000_000,
            "monthly_limit_tiyin": null,
            "approval_mode": "none",
            "approval_above_tiyin": null,
            "allowed_category_ids": null,
            "blocked_category_ids": [1],
        });
        call(
            Method::PUT,
            &format!("/api/v1/family/children/{child_id}/controls"),
        )
        .bearer(&stranger)
        .json(controls.clone())
        .send(&app)
        .await
        .expect_error(404, "child_not_found");
        call(
            Method::PUT,
            &format!("/api/v1/family/children/{child_id}/controls"),
        )
        .bearer(&parent)
        .json(controls)
        .send(&app)
        .await
        .expect(200);
        place(&app, &child, json!([{ "sku": "ROBOT-1", "quantity": 1 }]))
            .await
            .expect_error(403, "category_blocked");
        let direct = place(&app, &child, json!([{ "sku": "BOOK-1", "quantity": 1 }])).await;
        assert_eq!(direct.expect(201)["status"], "pending_payment");
        // 7,050,000 spent today: another 7,050,000 would pass the 10,000,000 daily limit.
        place(&app, &child, json!([{ "sku": "BOOK-1", "quantity": 1 }]))
            .await
            .expect_error(403, "spending_limit_exceeded");
        let stored = call(
            Method::GET,
            &format!("/api/v1/family/children/{child_id}/controls"),
        )
        .bearer(&parent)
        .send(&app)
        .await;
        assert_eq!(stored.expect(200)["daily_limit_tiyin"], 10_000_000);
        let _ = ROBOT_PRICE;
    }
);

backend_tests!(
    the_background_loop_expires_unpaid_orders,
    |test: TestDb| async move {
        let app = shop_app(test).await;
        let (_, parent) = user_with_role(&app, Role::Parent).await;
        let placed = place(&app, &parent, json!([{ "sku": "ROBOT-1", "quantity": 2 }])).await;
        let id = placed.expect(201)["id"].as_i64().unwrap();
        app.clock.advance(chrono::Duration::minutes(61));
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let sweeper = tokio::spawn(storefront::commerce::run_expiry_loop(
            app.state.0.clone(),
            stopped,
        ));
        let mut status = status_of(&app, id).await;
        for _ in 0..100 {
            if status == "expired" {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            status = status_of(&app, id).await;
        }
        stop.send(true).unwrap();
        sweeper.await.unwrap();
        assert_eq!(status, "expired");
        assert_eq!(stock_of(&app.test.db, "ROBOT-1").await, (5, 0, 0));
    }
);
