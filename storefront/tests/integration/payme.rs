//! The Payme Merchant API through `POST /payments/payme` (issue 7, item 3): the sandbox
//! conformance scenarios P01–P22 of `../shared/payments/PAYME.md`, each reply compared as
//! exact JSON, the second-transaction switch, the 12-hour timeout (request time and the
//! sweep), key rotation, parental limits at confirmation, and 20 concurrent
//! PerformTransaction calls. Also the shared helpers of the payment suites.

use crate::auth::{AuthApp, Reply, auth_app, call, user_with_role};
use crate::backend_tests;
use crate::support::TestDb;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use base64::Engine as _;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use std::sync::atomic::{AtomicI64, Ordering};
use storefront::AppState;
use storefront::auth::{Clock as _, Role};
use storefront::db::Db;
use storefront::db::accounts::{NewChild, UserId};
use storefront::payments::{PaymentSettings, Payments};
use tower::ServiceExt;

pub const PAYME_KEY: &str = "sandbox-test-key-0123456789abcdefghi";
pub const CLICK_SERVICE_ID: &str = "12345";
pub const CLICK_SECRET: &str = "click-secret-key";
pub const WEBHOOK_SECRET: &str = "whsec_bolajon_test";

pub fn settings() -> PaymentSettings {
    PaymentSettings {
        payme_merchant_id: Some("587f72c72cac0d162c722ae2".to_owned()),
        payme_key: Some(PAYME_KEY.to_owned()),
        click_service_id: Some(CLICK_SERVICE_ID.to_owned()),
        click_merchant_id: Some("678".to_owned()),
        click_secret_key: Some(CLICK_SECRET.to_owned()),
        card_webhook_secret: Some(WEBHOOK_SECRET.to_owned()),
        ..PaymentSettings::default()
    }
}

/// An app with the test providers' credentials and a clock the test moves.
pub async fn pay_app(test: TestDb) -> AuthApp {
    pay_app_with(test, settings()).await
}

pub async fn pay_app_with(test: TestDb, settings: PaymentSettings) -> AuthApp {
    let mut app = auth_app(test).await;
    app.state.set_payments(Payments::new(settings)).unwrap();
    app
}

/// Runs one statement on either backend.
macro_rules! on_db {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            Db::Sqlite($pool) => $body,
            Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_db;

/// Places a pending order of `total` tiyin directly in the store (the payment suites need
/// orders, not the checkout), for `buyer` and optionally a child.
pub async fn insert_order(app: &AuthApp, buyer: UserId, child: Option<i64>, total: i64) -> i64 {
    let now = app.clock.now();
    let expires = now + chrono::Duration::hours(1);
    on_db!(&app.test.db, |pool| {
        sqlx::query_scalar(
            "INSERT INTO orders (buyer_user_id, child_id, status, subtotal_tiyin, total_tiyin, \
             delivery_method, pickup_point_id, created_at, updated_at, expires_at) \
             VALUES ($1, $2, 'pending_payment', $3, $3, 'pickup', 1, $4, $4, $5) RETURNING id",
        )
        .bind(buyer.0)
        .bind(child)
        .bind(total)
        .bind(now)
        .bind(expires)
        .fetch_one(pool)
        .await
        .unwrap()
    })
}

/// A parent and a pending order of theirs.
pub async fn parent_order(app: &AuthApp, total: i64) -> (i64, UserId, String) {
    let (parent, token) = user_with_role(app, Role::Parent).await;
    let order = insert_order(app, parent, None, total).await;
    (order, parent, token)
}

/// A parent, their child with a daily limit, and a pending order for the child.
pub async fn child_order(app: &AuthApp, total: i64, daily_limit: i64) -> (i64, i64, String) {
    let (parent, token) = user_with_role(app, Role::Parent).await;
    let now = app.clock.now();
    let child = app
        .test
        .db
        .insert_child(
            parent,
            &NewChild {
                nickname: "Lola",
                birth_year_month: None,
                age_band: Some("9-12"),
                avatar: "owl",
            },
            now,
        )
        .await
        .unwrap();
    set_daily_limit(app, child.id.0, daily_limit).await;
    let order = insert_order(app, child.user_id, Some(child.id.0), total).await;
    (order, child.id.0, token)
}

pub async fn set_daily_limit(app: &AuthApp, child: i64, limit: i64) {
    let now = app.clock.now();
    on_db!(&app.test.db, |pool| {
        sqlx::query(
            "INSERT INTO parental_controls (child_id, daily_limit_tiyin, approval_mode, updated_at) \
             VALUES ($1, $2, 'none', $3) ON CONFLICT (child_id) DO UPDATE \
             SET daily_limit_tiyin = excluded.daily_limit_tiyin",
        )
        .bind(child)
        .bind(limit)
        .bind(now)
        .execute(pool)
        .await
        .unwrap();
    });
}

pub async fn order_status(app: &AuthApp, order: i64) -> String {
    on_db!(&app.test.db, |pool| {
        sqlx::query_scalar("SELECT status FROM orders WHERE id = $1")
            .bind(order)
            .fetch_one(pool)
            .await
            .unwrap()
    })
}

/// How many history rows moved `order` into `status`.
pub async fn transitions_to(app: &AuthApp, order: i64, status: &str) -> i64 {
    on_db!(&app.test.db, |pool| {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM order_history WHERE order_id = $1 AND to_status = $2",
        )
        .bind(order)
        .bind(status)
        .fetch_one(pool)
        .await
        .unwrap()
    })
}

pub async fn mark_delivered(app: &AuthApp, order: i64) {
    let now = app.clock.now();
    on_db!(&app.test.db, |pool| {
        sqlx::query("UPDATE orders SET status = 'delivered', delivered_at = $1 WHERE id = $2")
            .bind(now)
            .bind(order)
            .execute(pool)
            .await
            .unwrap();
    });
}

pub fn now_ms(app: &AuthApp) -> i64 {
    app.clock.now().timestamp_millis()
}

pub fn advance_ms(app: &AuthApp, ms: i64) {
    app.clock.advance(chrono::Duration::milliseconds(ms));
}

pub fn basic(login: &str, key: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{login}:{key}"))
    )
}

static RPC_ID: AtomicI64 = AtomicI64::new(1);

/// Sends one JSON-RPC call with the right credentials; checks HTTP 200 and the echoed id, and
/// returns the reply without its id.
pub async fn rpc(app: &AuthApp, method: &str, params: Value) -> Value {
    rpc_as(app, &basic("Paycom", PAYME_KEY), method, params).await
}

pub async fn rpc_as(app: &AuthApp, authorization: &str, method: &str, params: Value) -> Value {
    let id = RPC_ID.fetch_add(1, Ordering::Relaxed);
    let reply = call(Method::POST, "/payments/payme")
        .header("authorization", authorization)
        .json(json!({ "method": method, "params": params, "id": id }))
        .send(app)
        .await;
    strip_id(reply, json!(id))
}

fn strip_id(reply: Reply, id: Value) -> Value {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let mut body = reply.body;
    assert_eq!(body["id"], id, "P22: the id is echoed: {body}");
    body.as_object_mut().unwrap().remove("id");
    body
}

/// The exact error reply for `code` (messages as the provider shows them).
pub fn error(code: i64, data: Option<&str>) -> Value {
    let (ru, uz, en) = match code {
        -32300 => (
            "Метод запроса должен быть POST",
            "So'rov usuli POST bo'lishi kerak",
            "the request method must be POST",
        ),
        -32700 => (
            "Ошибка разбора JSON",
            "JSON tahlilida xato",
            "the body is not valid JSON",
        ),
        -32600 => (
            "Отсутствуют обязательные поля или неверный тип",
            "Majburiy maydonlar yo'q yoki turi noto'g'ri",
            "required fields are missing or mistyped",
        ),
        -32601 => ("Метод не найден", "Usul topilmadi", "method not found"),
        -32504 => (
            "Недостаточно привилегий для выполнения метода",
            "Usulni bajarish uchun huquqlar yetarli emas",
            "insufficient privileges to perform this method",
        ),
        -31001 => ("Неверная сумма", "Noto'g'ri summa", "wrong amount"),
        -31003 => (
            "Транзакция не найдена",
            "Tranzaksiya topilmadi",
            "transaction not found",
        ),
        -31007 => (
            "Заказ выполнен. Невозможно отменить транзакцию",
            "Buyurtma bajarilgan. Tranzaksiyani bekor qilib bo'lmaydi",
            "the order has been delivered; the transaction cannot be cancelled",
        ),
        -31008 if data == Some("order_id") => SECOND,
        -31008 => (
            "Невозможно выполнить операцию",
            "Amalni bajarib bo'lmaydi",
            "the operation cannot be performed",
        ),
        -31099 => SECOND,
        -31050 if data == Some("time") => (
            "Время создания транзакции истекло",
            "Tranzaksiya yaratish muddati o'tgan",
            "the transaction was created in Payme more than 12 hours ago",
        ),
        -31050 => ("Заказ не найден", "Buyurtma topilmadi", "order not found"),
        -31051 => (
            "Заказ не ожидает оплаты",
            "Buyurtma to'lovni kutmayapti",
            "the order is not awaiting payment",
        ),
        -31052 => LIMIT,
        other => panic!("no message for {other}"),
    };
    let mut error = json!({ "code": code, "message": { "ru": ru, "uz": uz, "en": en } });
    if let Some(data) = data {
        error["data"] = json!(data);
    }
    json!({ "error": error })
}

const SECOND: (&str, &str, &str) = (
    "Заказ уже ожидает оплаты или оплачен",
    "Buyurtma allaqachon to'lovni kutmoqda yoki to'langan",
    "the order already has an active or performed transaction",
);
const LIMIT: (&str, &str, &str) = (
    "Оплата превышает лимит расходов, установленный родителем",
    "To'lov ota-ona belgilagan xarajat chegarasidan oshadi",
    "the payment would exceed the spending limit a parent set",
);

/// The -31008 reply of a Perform refused by the parental limit.
fn limit_on_perform() -> Value {
    json!({ "error": { "code": -31008, "message": { "ru": LIMIT.0, "uz": LIMIT.1, "en": LIMIT.2 } } })
}

fn account(order: i64) -> Value {
    json!({ "order_id": order.to_string() })
}

/// A Payme transaction id (24 hex characters).
pub fn payme_id(n: u64) -> String {
    format!("5e730e8e0b852a417aa4{n:04x}")
}

fn transaction_of(reply: &Value) -> String {
    let transaction = reply["result"]["transaction"].as_str().unwrap().to_owned();
    assert!(transaction.parse::<i64>().is_ok(), "{reply}");
    transaction
}

backend_tests!(
    payme_p01_to_p05_p20_p22_invalid_data,
    |test: TestDb| async move {
        let app = pay_app(test).await;
        let (order, _, _) = parent_order(&app, 500_000).await;
        let check = json!({ "amount": 500_000, "account": account(order) });

        // P01: absent, wrong login, wrong key, malformed.
        for authorization in [
            String::new(),
            basic("Payme", PAYME_KEY),
            basic("Paycom", "wrong-key"),
            basic("Paycom", ""),
            "Basic !!!not-base64".to_owned(),
            format!("Bearer {PAYME_KEY}"),
        ] {
            let reply = if authorization.is_empty() {
                let id = RPC_ID.fetch_add(1, Ordering::Relaxed);
                let reply = call(Method::POST, "/payments/payme")
                    .json(json!({ "method": "CheckPerformTransaction", "params": check, "id": id }))
                    .send(&app)
                    .await;
                strip_id(reply, json!(id))
            } else {
                rpc_as(
                    &app,
                    &authorization,
                    "CheckPerformTransaction",
                    check.clone(),
                )
                .await
            };
            assert_eq!(reply, error(-32504, None), "{authorization}");
        }

        // P02: not POST, bad JSON, missing or mistyped fields, unknown method.
        let get = call(Method::GET, "/payments/payme").send(&app).await;
        assert_eq!(get.status, StatusCode::OK);
        assert_eq!(
            get.body,
            json!({ "error": error(-32300, None)["error"], "id": null })
        );
        let bad_json = call(Method::POST, "/payments/payme")
            .header("authorization", &basic("Paycom", PAYME_KEY))
            .raw("application/json", "{\"method\": \"CheckTransaction\",")
            .send(&app)
            .await;
        assert_eq!(bad_json.status, StatusCode::OK);
        assert_eq!(
            bad_json.body,
            json!({ "error": error(-32700, None)["error"], "id": null })
        );
        let no_method = call(Method::POST, "/payments/payme")
            .header("authorization", &basic("Paycom", PAYME_KEY))
            .json(json!({ "params": {}, "id": 7 }))
            .send(&app)
            .await;
        assert_eq!(strip_id(no_method, json!(7)), error(-32600, Some("method")));
        let no_params = call(Method::POST, "/payments/payme")
            .header("authorization", &basic("Paycom", PAYME_KEY))
            .json(json!({ "method": "CheckTransaction", "id": 8 }))
            .send(&app)
            .await;
        assert_eq!(strip_id(no_params, json!(8)), error(-32600, Some("params")));
        assert_eq!(
            rpc(&app, "SetFiscalDataX", json!({})).await,
            error(-32601, Some("SetFiscalDataX"))
        );
        // Wrong types never become a 500.
        for (params, field) in [
            (
                json!({ "amount": "500000", "account": account(order) }),
                "amount",
            ),
            (
                json!({ "amount": 500_000.5, "account": account(order) }),
                "amount",
            ),
            (json!({ "amount": 500_000, "account": 5 }), "account"),
            (json!({ "amount": 500_000 }), "account"),
        ] {
            assert_eq!(
                rpc(&app, "CheckPerformTransaction", params).await,
                error(-32600, Some(field))
            );
        }
        assert_eq!(
            rpc(&app, "CreateTransaction", json!({ "id": 5, "time": now_ms(&app), "amount": 500_000, "account": account(order) })).await,
            error(-32600, Some("id"))
        );
        assert_eq!(
            rpc(
                &app,
                "CancelTransaction",
                json!({ "id": payme_id(1), "reason": "5" })
            )
            .await,
            error(-32600, Some("reason"))
        );
        assert_eq!(
            rpc(
                &app,
                "GetStatement",
                json!({ "from": "yesterday", "to": 1 })
            )
            .await,
            error(-32600, Some("from"))
        );

        // P03: wrong amount.
        assert_eq!(
            rpc(
                &app,
                "CheckPerformTransaction",
                json!({ "amount": 400_000, "account": account(order) })
            )
            .await,
            error(-31001, None)
        );
        assert_eq!(
            rpc(
                &app,
                "CheckPerformTransaction",
                json!({ "amount": -5, "account": account(order) })
            )
            .await,
            error(-31001, None)
        );
        assert_eq!(
            rpc(&app, "CreateTransaction", json!({ "id": payme_id(1), "time": now_ms(&app), "amount": 400_000, "account": account(order) })).await,
            error(-31001, None)
        );

        // P04: no such order.
        for missing in [
            json!({ "order_id": "999999" }),
            json!({ "order_id": "abc" }),
            json!({}),
        ] {
            assert_eq!(
                rpc(
                    &app,
                    "CheckPerformTransaction",
                    json!({ "amount": 500_000, "account": missing })
                )
                .await,
                error(-31050, Some("order_id"))
            );
        }
        assert_eq!(
            rpc(&app, "CreateTransaction", json!({ "id": payme_id(1), "time": now_ms(&app), "amount": 500_000, "account": { "order_id": "999999" } })).await,
            error(-31050, Some("order_id"))
        );

        // P05: a valid check.
        assert_eq!(
            rpc(&app, "CheckPerformTransaction", check.clone()).await,
            json!({ "result": { "allow": true } })
        );
        assert_eq!(
            rpc(
                &app,
                "CheckPerformTransaction",
                json!({ "amount": 500_000, "account": { "order_id": order } })
            )
            .await,
            json!({ "result": { "allow": true } })
        );

        // P20: unknown transaction.
        for method in ["PerformTransaction", "CheckTransaction"] {
            assert_eq!(
                rpc(&app, method, json!({ "id": payme_id(999) })).await,
                error(-31003, None)
            );
        }
        assert_eq!(
            rpc(
                &app,
                "CancelTransaction",
                json!({ "id": payme_id(999), "reason": 1 })
            )
            .await,
            error(-31003, None)
        );
        // Nothing above created a transaction or touched the order.
        assert_eq!(order_status(&app, order).await, "pending_payment");
        assert_eq!(
            rpc(
                &app,
                "GetStatement",
                json!({ "from": 0, "to": now_ms(&app) + 1 })
            )
            .await,
            json!({ "result": { "transactions": [] } })
        );
    }
);

backend_tests!(
    payme_p06_to_p13_create_and_cancel_an_unconfirmed_transaction,
    |test: TestDb| async move {
        let app = pay_app(test).await;
        let (order, _, _) = parent_order(&app, 750_000).await;
        let time = now_ms(&app) - 2_000;
        let create = json!({ "id": payme_id(1), "time": time, "amount": 750_000, "account": account(order) });

        // P06.
        let created = rpc(&app, "CreateTransaction", create.clone()).await;
        let transaction = transaction_of(&created);
        let t1 = now_ms(&app);
        assert_eq!(
            created,
            json!({ "result": { "create_time": t1, "transaction": transaction, "state": 1 } })
        );
        // P07: the repeat, a second later, echoes the stored time.
        advance_ms(&app, 1_000);
        assert_eq!(
            rpc(&app, "CreateTransaction", create.clone()).await,
            created
        );
        // P08.
        assert_eq!(
            rpc(&app, "CheckTransaction", json!({ "id": payme_id(1) })).await,
            json!({ "result": { "create_time": t1, "perform_time": 0, "cancel_time": 0, "transaction": transaction, "state": 1, "reason": null } })
        );
        // P09: a second transaction for the same one-time order.
        assert_eq!(
            rpc(&app, "CreateTransaction", json!({ "id": payme_id(2), "time": time + 5, "amount": 750_000, "account": account(order) })).await,
            error(-31008, Some("order_id"))
        );
        // P10.
        advance_ms(&app, 1_000);
        let c1 = now_ms(&app);
        let cancelled = rpc(
            &app,
            "CancelTransaction",
            json!({ "id": payme_id(1), "reason": 3 }),
        )
        .await;
        assert_eq!(
            cancelled,
            json!({ "result": { "transaction": transaction, "cancel_time": c1, "state": -1 } })
        );
        // P11: the repeat echoes the stored cancel time.
        advance_ms(&app, 1_000);
        assert_eq!(
            rpc(
                &app,
                "CancelTransaction",
                json!({ "id": payme_id(1), "reason": 3 })
            )
            .await,
            cancelled
        );
        // P12.
        assert_eq!(
            rpc(&app, "CheckTransaction", json!({ "id": payme_id(1) })).await,
            json!({ "result": { "create_time": t1, "perform_time": 0, "cancel_time": c1, "transaction": transaction, "state": -1, "reason": 3 } })
        );
        // P13.
        assert_eq!(
            rpc(&app, "PerformTransaction", json!({ "id": payme_id(1) })).await,
            error(-31008, None)
        );
        // The order was cancelled once and its reservation released; a new create for it is
        // refused.
        assert_eq!(order_status(&app, order).await, "cancelled");
        assert_eq!(transitions_to(&app, order, "cancelled").await, 1);
        assert_eq!(transitions_to(&app, order, "paid").await, 0);
        assert_eq!(
            rpc(&app, "CreateTransaction", json!({ "id": payme_id(3), "time": now_ms(&app), "amount": 750_000, "account": account(order) })).await,
            error(-31051, Some("order_id"))
        );
    }
);

backend_tests!(
    payme_p14_to_p18_perform_refund_and_delivered,
    |test: TestDb| async move {
        let app = pay_app(test).await;
        let (order, _, _) = parent_order(&app, 1_200_000).await;
        let create = json!({ "id": payme_id(3), "time": now_ms(&app), "amount": 1_200_000, "account": account(order) });
        let created = rpc(&app, "CreateTransaction", create).await;
        let transaction = transaction_of(&created);
        let t3 = now_ms(&app);

        // P14.
        advance_ms(&app, 1_500);
        let p3 = now_ms(&app);
        let performed = rpc(&app, "PerformTransaction", json!({ "id": payme_id(3) })).await;
        assert_eq!(
            performed,
            json!({ "result": { "transaction": transaction, "perform_time": p3, "state": 2 } })
        );
        assert_eq!(order_status(&app, order).await, "paid");
        // P15: same perform_time on the repeat.
        advance_ms(&app, 1_500);
        assert_eq!(
            rpc(&app, "PerformTransaction", json!({ "id": payme_id(3) })).await,
            performed
        );
        assert_eq!(transitions_to(&app, order, "paid").await, 1);
        // P16.
        assert_eq!(
            rpc(&app, "CheckTransaction", json!({ "id": payme_id(3) })).await,
            json!({ "result": { "create_time": t3, "perform_time": p3, "cancel_time": 0, "transaction": transaction, "state": 2, "reason": null } })
        );
        // P17: cancel after perform (refund), twice.
        advance_ms(&app, 1_500);
        let c3 = now_ms(&app);
        let refunded = rpc(
            &app,
            "CancelTransaction",
            json!({ "id": payme_id(3), "reason": 5 }),
        )
        .await;
        assert_eq!(
            refunded,
            json!({ "result": { "transaction": transaction, "cancel_time": c3, "state": -2 } })
        );
        advance_ms(&app, 1_500);
        assert_eq!(
            rpc(
                &app,
                "CancelTransaction",
                json!({ "id": payme_id(3), "reason": 5 })
            )
            .await,
            refunded
        );
        assert_eq!(order_status(&app, order).await, "refunded");
        assert_eq!(transitions_to(&app, order, "refunded").await, 1);
        assert_eq!(
            rpc(&app, "CheckTransaction", json!({ "id": payme_id(3) })).await,
            json!({ "result": { "create_time": t3, "perform_time": p3, "cancel_time": c3, "transaction": transaction, "state": -2, "reason": 5 } })
        );
        // Performing a refunded transaction is refused.
        assert_eq!(
            rpc(&app, "PerformTransaction", json!({ "id": payme_id(3) })).await,
            error(-31008, None)
        );

        // P18: a delivered order cannot be cancelled.
        let (delivered, _, _) = parent_order(&app, 300_000).await;
        rpc(&app, "CreateTransaction", json!({ "id": payme_id(4), "time": now_ms(&app), "amount": 300_000, "account": account(delivered) })).await;
        let performed = rpc(&app, "PerformTransaction", json!({ "id": payme_id(4) })).await;
        assert_eq!(performed["result"]["state"], 2);
        mark_delivered(&app, delivered).await;
        assert_eq!(
            rpc(
                &app,
                "CancelTransaction",
                json!({ "id": payme_id(4), "reason": 5 })
            )
            .await,
            error(-31007, None)
        );
        assert_eq!(
            rpc(&app, "CheckTransaction", json!({ "id": payme_id(4) })).await["result"]["state"],
            2
        );
        // P09 after a perform: the paid order takes no second transaction.
        assert_eq!(
            rpc(&app, "CreateTransaction", json!({ "id": payme_id(5), "time": now_ms(&app), "amount": 300_000, "account": account(delivered) })).await,
            error(-31008, Some("order_id"))
        );
    }
);

backend_tests!(
    payme_p19_timeout_sweep_and_p21_statement,
    |test: TestDb| async move {
        let app = pay_app(test).await;
        let start = now_ms(&app);
        let (late, _, _) = parent_order(&app, 100_000).await;
        let (swept, _, _) = parent_order(&app, 200_000).await;
        let (paid, _, _) = parent_order(&app, 300_000).await;
        let (cancelled, _, _) = parent_order(&app, 400_000).await;
        let created_late = rpc(&app, "CreateTransaction", json!({ "id": payme_id(10), "time": start, "amount": 100_000, "account": account(late) })).await;
        advance_ms(&app, 10);
        rpc(&app, "CreateTransaction", json!({ "id": payme_id(11), "time": start + 10, "amount": 200_000, "account": account(swept) })).await;
        advance_ms(&app, 10);
        rpc(&app, "CreateTransaction", json!({ "id": payme_id(12), "time": start + 20, "amount": 300_000, "account": account(paid) })).await;
        rpc(&app, "PerformTransaction", json!({ "id": payme_id(12) })).await;
        advance_ms(&app, 10);
        rpc(&app, "CreateTransaction", json!({ "id": payme_id(13), "time": start + 30, "amount": 400_000, "account": account(cancelled) })).await;
        rpc(
            &app,
            "CancelTransaction",
            json!({ "id": payme_id(13), "reason": 1 }),
        )
        .await;

        // The orders stay reserved for Payme's 12 hours (beyond checkout's own window).
        advance_ms(&app, 43_200_001 - 30 - 1_000);
        storefront::commerce::orders::expire_due(&app.test.db, app.clock.now(), 100)
            .await
            .unwrap();
        assert_eq!(order_status(&app, late).await, "pending_payment");
        advance_ms(&app, 1_000);
        // P19: a Perform after 12 h cancels with reason 4 and answers -31008.
        let cancel_time = now_ms(&app);
        assert_eq!(
            rpc(&app, "PerformTransaction", json!({ "id": payme_id(10) })).await,
            error(-31008, None)
        );
        let transaction = transaction_of(&created_late);
        assert_eq!(
            rpc(&app, "CheckTransaction", json!({ "id": payme_id(10) })).await,
            json!({ "result": { "create_time": start, "perform_time": 0, "cancel_time": cancel_time, "transaction": transaction, "state": -1, "reason": 4 } })
        );
        assert_eq!(order_status(&app, late).await, "cancelled");
        // A repeated Create of the expired one: -31008 too.
        assert_eq!(
            rpc(&app, "CreateTransaction", json!({ "id": payme_id(10), "time": start, "amount": 100_000, "account": account(late) })).await,
            error(-31008, None)
        );
        // The background sweep cancels the one Payme never called again, and only it.
        advance_ms(&app, 20);
        assert_eq!(
            storefront::payments::sweep_expired(&app.state.0)
                .await
                .unwrap(),
            1
        );
        assert_eq!(
            storefront::payments::sweep_expired(&app.state.0)
                .await
                .unwrap(),
            0
        );
        let swept_check = rpc(&app, "CheckTransaction", json!({ "id": payme_id(11) })).await;
        assert_eq!(swept_check["result"]["state"], -1);
        assert_eq!(swept_check["result"]["reason"], 4);
        assert_eq!(swept_check["result"]["cancel_time"], now_ms(&app));
        assert_eq!(order_status(&app, swept).await, "cancelled");
        assert_eq!(order_status(&app, paid).await, "paid");
        // A new transaction whose Payme time is already 12 h old is refused.
        let (fresh, _, _) = parent_order(&app, 50_000).await;
        assert_eq!(
            rpc(&app, "CreateTransaction", json!({ "id": payme_id(14), "time": now_ms(&app) - 43_200_000, "amount": 50_000, "account": account(fresh) })).await,
            error(-31050, Some("time"))
        );

        // P21: every transaction created in the window, by Payme time, cancelled ones included.
        let statement = rpc(
            &app,
            "GetStatement",
            json!({ "from": start, "to": start + 30 }),
        )
        .await;
        let entries = statement["result"]["transactions"].as_array().unwrap();
        let ids: Vec<&str> = entries
            .iter()
            .map(|entry| entry["id"].as_str().unwrap())
            .collect();
        assert_eq!(
            ids,
            [payme_id(10), payme_id(11), payme_id(12), payme_id(13)]
        );
        let states: Vec<i64> = entries
            .iter()
            .map(|entry| entry["state"].as_i64().unwrap())
            .collect();
        assert_eq!(states, [-1, -1, 2, -1]);
        assert_eq!(
            entries[0],
            json!({
                "id": payme_id(10), "time": start, "amount": 100_000,
                "account": { "order_id": late.to_string() },
                "create_time": start, "perform_time": 0, "cancel_time": cancel_time,
                "transaction": transaction, "state": -1, "reason": 4, "receivers": null,
            })
        );
        let narrow = rpc(
            &app,
            "GetStatement",
            json!({ "from": start + 5, "to": start + 20 }),
        )
        .await;
        let narrow: Vec<&str> = narrow["result"]["transactions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|entry| entry["id"].as_str().unwrap())
            .collect();
        assert_eq!(narrow, [payme_id(11), payme_id(12)]);
    }
);

backend_tests!(
    payme_second_transaction_code_is_a_switch,
    |test: TestDb| async move {
        let app = pay_app_with(
            test,
            PaymentSettings {
                payme_second_transaction_code: -31099,
                ..settings()
            },
        )
        .await;
        let (order, _, _) = parent_order(&app, 90_000).await;
        let create = |n| json!({ "id": payme_id(n), "time": now_ms(&app), "amount": 90_000, "account": account(order) });
        assert_eq!(
            rpc(&app, "CreateTransaction", create(1)).await["result"]["state"],
            1
        );
        assert_eq!(
            rpc(&app, "CreateTransaction", create(2)).await,
            error(-31099, Some("order_id"))
        );
    }
);

backend_tests!(
    payme_change_password_rotates_the_key_and_is_audited,
    |test: TestDb| async move {
        let app = pay_app(test).await;
        let new_key = "rotated-key-0123456789abcdefghijklmno";
        assert_eq!(
            rpc(&app, "ChangePassword", json!({ "password": new_key })).await,
            json!({ "result": { "success": true } })
        );
        assert_eq!(
            rpc(&app, "CheckTransaction", json!({ "id": payme_id(1) })).await,
            error(-32504, None)
        );
        assert_eq!(
            rpc_as(
                &app,
                &basic("Paycom", new_key),
                "CheckTransaction",
                json!({ "id": payme_id(1) })
            )
            .await,
            error(-31003, None)
        );
        assert_eq!(
            rpc_as(
                &app,
                &basic("Paycom", new_key),
                "ChangePassword",
                json!({ "password": 5 })
            )
            .await,
            error(-32600, Some("password"))
        );
        // The rotated key is not stored in the clear.
        let stored: String = on_db!(&app.test.db, |pool| {
            sqlx::query_scalar("SELECT secret FROM payment_credentials WHERE provider = 'payme'")
                .fetch_one(pool)
                .await
                .unwrap()
        });
        assert_eq!(stored, storefront::auth::token::sha256_hex(new_key));
        let actions = crate::auth::audit_actions(&app).await;
        assert_eq!(
            actions
                .iter()
                .filter(|action| *action == "payme_key_changed")
                .count(),
            1
        );
    }
);

backend_tests!(
    payme_parental_limits_are_rechecked_at_check_create_and_perform,
    |test: TestDb| async move {
        let app = pay_app(test).await;
        let (order, child, _) = child_order(&app, 200_000, 100_000).await;
        let params = json!({ "amount": 200_000, "account": account(order) });
        assert_eq!(
            rpc(&app, "CheckPerformTransaction", params).await,
            error(-31052, Some("order_id"))
        );
        assert_eq!(
            rpc(&app, "CreateTransaction", json!({ "id": payme_id(1), "time": now_ms(&app), "amount": 200_000, "account": account(order) })).await,
            error(-31052, Some("order_id"))
        );
        // Within the limit at Create; the parent lowers it before Perform.
        set_daily_limit(&app, child, 500_000).await;
        assert_eq!(
            rpc(&app, "CreateTransaction", json!({ "id": payme_id(1), "time": now_ms(&app), "amount": 200_000, "account": account(order) })).await["result"]["state"],
            1
        );
        set_daily_limit(&app, child, 150_000).await;
        assert_eq!(
            rpc(&app, "PerformTransaction", json!({ "id": payme_id(1) })).await,
            limit_on_perform()
        );
        assert_eq!(order_status(&app, order).await, "pending_payment");
        set_daily_limit(&app, child, 200_000).await;
        assert_eq!(
            rpc(&app, "PerformTransaction", json!({ "id": payme_id(1) })).await["result"]["state"],
            2
        );
        assert_eq!(order_status(&app, order).await, "paid");
    }
);

/// Sends a raw request on a clone of the state (for concurrent calls).
pub async fn send_raw(state: AppState, request: Request<Body>) -> (StatusCode, Value) {
    let response = storefront::router(state).oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

backend_tests!(
    payme_twenty_concurrent_performs_change_the_state_once,
    |test: TestDb| async move {
        let app = pay_app(test).await;
        let (order, _, _) = parent_order(&app, 640_000).await;
        rpc(&app, "CreateTransaction", json!({ "id": payme_id(1), "time": now_ms(&app), "amount": 640_000, "account": account(order) })).await;
        let mut tasks = tokio::task::JoinSet::new();
        for n in 0..20 {
            let state = app.state.clone();
            tasks.spawn(async move {
                let request = Request::post("/payments/payme")
                    .header("authorization", basic("Paycom", PAYME_KEY))
                    .header("content-type", "application/json")
                    .body(Body::from(
                        json!({ "method": "PerformTransaction", "params": { "id": payme_id(1) }, "id": n })
                            .to_string(),
                    ))
                    .unwrap();
                let (status, mut body) = send_raw(state, request).await;
                assert_eq!(status, StatusCode::OK);
                assert_eq!(body["id"], n);
                body.as_object_mut().unwrap().remove("id");
                body
            });
        }
        let replies: Vec<Value> = tasks.join_all().await;
        assert!(replies[0]["result"]["state"] == 2, "{}", replies[0]);
        assert!(
            replies.iter().all(|reply| *reply == replies[0]),
            "{replies:?}"
        );
        assert_eq!(transitions_to(&app, order, "paid").await, 1);
        let events: i64 = on_db!(&app.test.db, |pool| {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM order_events WHERE order_id = $1 AND kind = 'order_paid'",
            )
            .bind(order)
            .fetch_one(pool)
            .await
            .unwrap()
        });
        assert_eq!(events, 1);
    }
);

#[test]
fn payme_checkout_link_vector() {
    use storefront::payments::payme::{CHECKOUT_URL, CheckoutOptions, checkout_link};
    assert_eq!(
        checkout_link(
            CHECKOUT_URL,
            "587f72c72cac0d162c722ae2",
            197,
            500,
            &CheckoutOptions::default()
        ),
        "https://checkout.paycom.uz/bT01ODdmNzJjNzJjYWMwZDE2MmM3MjJhZTI7YWMub3JkZXJfaWQ9MTk3O2E9NTAw"
    );
}

backend_tests!(
    providers_answer_a_database_outage_in_their_own_format,
    |test: TestDb| async move {
        let app = pay_app(test).await;
        let (order, _, _) = parent_order(&app, 10_000).await;
        app.test.db.close().await;
        let reply = rpc(
            &app,
            "CheckPerformTransaction",
            json!({ "amount": 10_000, "account": account(order) }),
        )
        .await;
        assert_eq!(
            reply,
            json!({ "error": { "code": -32400, "message": { "ru": "Системная ошибка", "uz": "Tizim xatosi", "en": "system error" } } })
        );
        let form = format!(
            "click_trans_id=1&service_id={CLICK_SERVICE_ID}&click_paydoc_id=1&merchant_trans_id={order}&amount=100.00&action=0&error=0&error_note=&sign_time=t&sign_string={}",
            storefront::payments::click::sign(
                "1",
                CLICK_SERVICE_ID,
                CLICK_SECRET,
                &order.to_string(),
                None,
                "100.00",
                "0",
                "t"
            )
        );
        let reply = call(Method::POST, "/payments/click/prepare")
            .raw("application/x-www-form-urlencoded", form)
            .send(&app)
            .await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(
            reply.body,
            json!({ "click_trans_id": 1, "merchant_trans_id": order.to_string(), "merchant_prepare_id": null, "error": -7, "error_note": "Failed to update user" })
        );
    }
);

/// Sends `count` PerformTransaction-style calls built by `params(n)` at once.
async fn concurrent_rpcs(
    app: &AuthApp,
    method: &'static str,
    count: i64,
    params: impl Fn(i64) -> Value,
) -> Vec<Value> {
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..count {
        let state = app.state.clone();
        let body = json!({ "method": method, "params": params(n), "id": n }).to_string();
        tasks.spawn(async move {
            let request = Request::post("/payments/payme")
                .header("authorization", basic("Paycom", PAYME_KEY))
                .header("content-type", "application/json")
                .body(Body::from(body))
                .unwrap();
            let (status, mut reply) = send_raw(state, request).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(reply["id"], n);
            reply.as_object_mut().unwrap().remove("id");
            (n, reply)
        });
    }
    let mut replies = tasks.join_all().await;
    replies.sort_by_key(|(n, _)| *n);
    replies.into_iter().map(|(_, reply)| reply).collect()
}

backend_tests!(
    payme_concurrent_creates_leave_one_active_transaction,
    |test: TestDb| async move {
        let app = pay_app(test).await;
        let (order, _, _) = parent_order(&app, 70_000).await;
        let time = now_ms(&app);
        // The same Payme id twenty times: one transaction, twenty identical replies.
        let same = concurrent_rpcs(&app, "CreateTransaction", 20, |_| {
            json!({ "id": payme_id(1), "time": time, "amount": 70_000, "account": account(order) })
        })
        .await;
        assert_eq!(same[0]["result"]["state"], 1, "{}", same[0]);
        assert!(same.iter().all(|reply| *reply == same[0]), "{same:?}");
        rpc(
            &app,
            "CancelTransaction",
            json!({ "id": payme_id(1), "reason": 3 }),
        )
        .await;
        // Twenty ids for one fresh order: exactly one wins, the others get the switch's code.
        let (order, _, _) = parent_order(&app, 70_000).await;
        let racing = concurrent_rpcs(&app, "CreateTransaction", 20, |n| {
            json!({ "id": payme_id(100 + n as u64), "time": time, "amount": 70_000, "account": account(order) })
        })
        .await;
        let created = racing
            .iter()
            .filter(|reply| reply["result"]["state"] == 1)
            .count();
        let refused = racing
            .iter()
            .filter(|reply| **reply == error(-31008, Some("order_id")))
            .count();
        assert_eq!((created, refused), (1, 19), "{racing:?}");
        let active: i64 = on_db!(&app.test.db, |pool| {
            sqlx::query_scalar("SELECT COUNT(*) FROM payme_transactions WHERE order_id = $1")
                .bind(order)
                .fetch_one(pool)
                .await
                .unwrap()
        });
        assert_eq!(active, 1);
    }
);
