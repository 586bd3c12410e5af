//! Privacy (issue 6, items 5 and "what it must show"): the export holds every table's rows
//! about an account and its children (the tables found from the schema itself, so a new table
//! without export coverage fails), erasure leaves no personal data in any text column of any
//! table, the retention purge removes exactly what docs/retention.md says, marketing needs its
//! own consent, and TOTP secrets are sealed at rest.

use crate::auth::{AuthApp, PASSWORD, Reply, call, email, login};
use crate::backend_tests;
use crate::checkout::{pay, seed_shop};
use crate::orders::{seller_token, session};
use crate::payme::{on_db, pay_app};
use crate::support::TestDb;
use axum::http::Method;
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use storefront::auth::data_key::DataKey;
use storefront::auth::{Clock as _, Role, totp};
use storefront::db::Db;
use storefront::db::accounts::UserId;
use storefront::notify::{self, EventKind, Job, Language, Recipient};

const NOTICE: &str = storefront::auth::family::CURRENT_NOTICE_VERSION;

/// A parent with a rich history: two children (one active, one pending), consent, PIN,
/// controls, TOTP, sessions, searches, screen time, orders (the child's approved and paid by
/// card, the parent's own delivered and reviewed), a cart, wishlists, recently viewed,
/// notifications and the audit trail.
pub struct Rich {
    pub parent: UserId,
    pub email: String,
    pub phone: String,
    pub access: String,
    pub refresh: String,
    pub totp_secret: String,
    pub child_id: i64,
    pub child_user: UserId,
    pub child_token: String,
    pub nickname: String,
    pub pending_nickname: String,
    pub recipient_name: String,
    pub recipient_phone: String,
    pub address: String,
}

fn suffix() -> String {
    // Distinct per call and per process: terms nothing else in the database contains.
    let unique = email();
    let digits: String = unique.chars().filter(char::is_ascii_digit).collect();
    format!("{:0>7}", &digits[digits.len().saturating_sub(7)..])
}

pub async fn rich_account(app: &AuthApp) -> Rich {
    let tag = suffix();
    let email = format!("ota.{tag}@example.uz");
    let phone = format!("+99890{tag}");
    let nickname = format!("Zilolaxon{tag}");
    let pending_nickname = format!("Shahzodbek{tag}");
    let recipient_name = format!("Dilnoza Rahimova {tag}");
    let recipient_phone = format!("+99893{tag}");
    let address = format!("Yunusobod 4-mavze, {tag}-uy");
    call(Method::POST, "/api/v1/auth/register")
        .json(json!({ "email": email, "phone": phone, "password": PASSWORD, "role": "parent" }))
        .send(app)
        .await
        .expect(201);
    let first = login(app, &email).await;
    let refresh = call(Method::POST, "/api/v1/auth/refresh")
        .json(json!({ "refresh_token": first["refresh_token"] }))
        .send(app)
        .await
        .expect(200)
        .clone();
    let access = refresh["access_token"].as_str().unwrap().to_owned();
    let refresh_token = refresh["refresh_token"].as_str().unwrap().to_owned();
    let parent = UserId(first["user"]["id"].as_i64().unwrap());

    // TOTP (recovery codes), marketing consent, PIN.
    let enrolled = call(Method::POST, "/api/v1/auth/2fa/enroll")
        .bearer(&access)
        .send(app)
        .await
        .expect(200)
        .clone();
    let totp_secret = enrolled["secret"].as_str().unwrap().to_owned();
    let code = totp::code_at(
        &totp::base32_decode(&totp_secret).unwrap(),
        app.clock.now().timestamp(),
    );
    call(Method::POST, "/api/v1/auth/2fa/confirm")
        .bearer(&access)
        .json(json!({ "code": code }))
        .send(app)
        .await
        .expect(200);
    call(Method::PUT, "/api/v1/account/marketing-consent")
        .bearer(&access)
        .json(json!({ "consent": true }))
        .send(app)
        .await
        .expect(200);
    call(Method::PUT, "/api/v1/family/pin")
        .bearer(&access)
        .json(json!({ "pin": "5831", "password": PASSWORD }))
        .send(app)
        .await
        .expect(204);

    // Children: one consented and active, one left pending.
    let child = call(Method::POST, "/api/v1/family/children")
        .bearer(&access)
        .json(json!({ "nickname": nickname, "age_band": "6-8", "avatar": "owl" }))
        .send(app)
        .await
        .expect(201)
        .clone();
    let child_id = child["id"].as_i64().unwrap();
    call(Method::POST, "/api/v1/family/children")
        .bearer(&access)
        .json(json!({ "nickname": pending_nickname, "age_band": "3-5", "avatar": "cat" }))
        .send(app)
        .await
        .expect(201);
    call(
        Method::POST,
        &format!("/api/v1/family/children/{child_id}/consent"),
    )
    .bearer(&access)
    .json(json!({ "method": "signed_form", "notice_version": NOTICE, "password": PASSWORD }))
    .send(app)
    .await
    .expect(201);
    call(
        Method::PUT,
        &format!("/api/v1/family/children/{child_id}/controls"),
    )
    .bearer(&access)
    .json(json!({ "approval_mode": "every_purchase", "daily_limit_tiyin": 50_000_000 }))
    .send(app)
    .await
    .expect(200);
    let child_user = UserId(
        scalar(
            &app.test.db,
            &format!("SELECT user_id FROM child_profiles WHERE id = {child_id}"),
        )
        .await,
    );
    let child_token = session(app, child_user, Role::Child).await;

    // The child searches (search log, screen time), looks at and wishes for a product, and
    // asks to buy; the parent approves and pays by card.
    call(Method::GET, "/api/v1/search?q=robot&age_months=72")
        .bearer(&child_token)
        .send(app)
        .await
        .expect(200);
    for token in [&access, &child_token] {
        call(Method::PUT, "/api/v1/wishlist/1")
            .bearer(token)
            .send(app)
            .await;
        call(Method::POST, "/api/v1/recently-viewed/1")
            .bearer(token)
            .send(app)
            .await;
    }
    let asked = call(Method::POST, "/api/v1/orders")
        .bearer(&child_token)
        .json(json!({ "lines": [{ "sku": "BOOK-1", "quantity": 1 }], "delivery": { "method": "pickup", "pickup_point_id": 1 } }))
        .send(app)
        .await
        .expect(201)
        .clone();
    assert_eq!(asked["status"], "awaiting_parent_approval", "{asked}");
    let child_order = asked["id"].as_i64().unwrap();
    let request = scalar(
        &app.test.db,
        &format!("SELECT id FROM purchase_requests WHERE order_id = {child_order}"),
    )
    .await;
    call(
        Method::POST,
        &format!("/api/v1/family/purchase-requests/{request}/approve"),
    )
    .bearer(&access)
    .send(app)
    .await
    .expect(200);
    let intent = call(Method::POST, "/api/v1/payments/card")
        .bearer(&access)
        .header("idempotency-key", "privacy-card-1")
        .json(json!({ "order_id": child_order, "card": { "number": "4242 4242 4242 4242", "exp_month": 12, "exp_year": 2031, "cvc": "123" } }))
        .send(app)
        .await
        .expect(201)
        .clone();
    let intent = intent["id"].as_str().unwrap().to_owned();
    call(
        Method::POST,
        &format!("/api/v1/payments/card/{intent}/confirm"),
    )
    .bearer(&access)
    .send(app)
    .await
    .expect(200);

    // The parent's own order: a named recipient at a street address, with an idempotency
    // key; paid, delivered and reviewed.
    let placed = call(Method::POST, "/api/v1/orders")
        .bearer(&access)
        .header("idempotency-key", "privacy-order-1")
        .json(json!({
            "lines": [{ "sku": "ROBOT-1", "quantity": 1 }],
            "delivery": { "method": "courier", "region": "samarkand", "address": address },
            "recipient_name": recipient_name,
            "recipient_phone": recipient_phone,
        }))
        .send(app)
        .await
        .expect(201)
        .clone();
    let order = placed["id"].as_i64().unwrap();
    pay(app, order).await;
    let seller = seller_token(app, 1).await;
    let shipment = placed["shipments"][0]["id"].as_i64().unwrap();
    for status in ["processing", "shipped", "delivered"] {
        call(
            Method::POST,
            &format!("/api/v1/seller/shipments/{shipment}/status"),
        )
        .bearer(&seller)
        .json(json!({ "status": status, "tracking_code": "UZ-7" }))
        .send(app)
        .await
        .expect(200);
    }
    call(Method::POST, "/api/v1/products/1/reviews")
        .bearer(&access)
        .json(json!({ "rating": 5, "text": "Juda yaxshi robot, bolalar xursand" }))
        .send(app)
        .await
        .expect(201);
    call(Method::POST, "/api/v1/cart/lines")
        .bearer(&access)
        .json(json!({ "sku": "BOOK-1", "quantity": 2 }))
        .send(app)
        .await
        .expect(200);

    // Notifications as the relay writes them: the ask-to-buy message names the child.
    notify::enqueue_now(
        &app.test.db,
        Job::event(
            EventKind::PurchaseRequest,
            format!("purchase_request:{request}"),
            Recipient::email(Some(parent.0), &email, Language::UzLatn),
            json!({ "child_name": nickname, "product_name": "Ertaklar", "price_tiyin": 4_550_000,
                    "approve_url": "https://bolajon.uz/a", "decline_url": "https://bolajon.uz/d" }),
        ),
    )
    .await
    .unwrap();
    notify::enqueue_now(
        &app.test.db,
        Job::event(
            EventKind::Digest,
            format!("digest:{}", parent.0),
            Recipient::email(Some(parent.0), &email, Language::UzLatn),
            json!({ "items": ["Robot"] }),
        ),
    )
    .await
    .unwrap();

    Rich {
        parent,
        email,
        phone,
        access,
        refresh: refresh_token,
        totp_secret,
        child_id,
        child_user,
        child_token,
        nickname,
        pending_nickname,
        recipient_name,
        recipient_phone,
        address,
    }
}

pub async fn scalar(db: &Db, sql: &str) -> i64 {
    crate::checkout::scalar(db, sql).await
}

async fn strings(db: &Db, sql: &str) -> Vec<(String, String)> {
    on_db!(db, |pool| sqlx::query_as(sql)
        .fetch_all(pool)
        .await
        .unwrap())
}

/// Every (table, column) of the schema, from the database's own catalogue.
async fn schema_columns(db: &Db) -> Vec<(String, String)> {
    match db {
        Db::Sqlite(_) => {
            strings(
                db,
                "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' \
                 AND m.name NOT LIKE '_sqlx%' ORDER BY m.name, p.cid",
            )
            .await
        }
        Db::Postgres(_) => {
            strings(
                db,
                "SELECT table_name::text, column_name::text FROM information_schema.columns \
                 WHERE table_schema = 'public' AND table_name NOT LIKE '_sqlx%' \
                 ORDER BY table_name, ordinal_position",
            )
            .await
        }
    }
}

/// Every foreign key (table, column, referenced table), from the catalogue.
async fn foreign_keys(db: &Db) -> Vec<(String, String, String)> {
    match db {
        Db::Sqlite(pool) => sqlx::query_as(
            "SELECT m.name, f.\"from\", f.\"table\" FROM sqlite_master m, \
             pragma_foreign_key_list(m.name) f WHERE m.type = 'table'",
        )
        .fetch_all(pool)
        .await
        .unwrap(),
        Db::Postgres(pool) => sqlx::query_as(
            "SELECT kcu.table_name::text, kcu.column_name::text, ccu.table_name::text \
             FROM information_schema.table_constraints tc \
             JOIN information_schema.key_column_usage kcu \
               ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema \
             JOIN information_schema.constraint_column_usage ccu \
               ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema \
             WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = 'public'",
        )
        .fetch_all(pool)
        .await
        .unwrap(),
    }
}

/// What a column about a person points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Points {
    User,
    Child,
    Viewer,
}

/// The columns about a user or a child: foreign keys to `users` or `child_profiles`, plus the
/// columns that hold a user id without a foreign key (the audit trail, decisions, the
/// recently-viewed key).
async fn person_columns(db: &Db) -> BTreeMap<(String, String), Points> {
    let mut columns = BTreeMap::new();
    for (table, column, target) in foreign_keys(db).await {
        match target.as_str() {
            "users" => {
                columns.insert((table, column), Points::User);
            }
            "child_profiles" => {
                columns.insert((table, column), Points::Child);
            }
            _ => {}
        }
    }
    for (table, column) in schema_columns(db).await {
        let points = if column == "child_id" {
            Some(Points::Child)
        } else if column.ends_with("user_id")
            || column == "buyer_id"
            || column == "assigned_to"
            || (column.ends_with("_by") && column != "screened_by")
        {
            Some(Points::User)
        } else if column == "viewer" {
            Some(Points::Viewer)
        } else {
            None
        };
        if let Some(points) = points {
            columns.entry((table, column)).or_insert(points);
        }
    }
    columns.insert(("users".to_owned(), "id".to_owned()), Points::User);
    columns.insert(
        ("child_profiles".to_owned(), "id".to_owned()),
        Points::Child,
    );
    columns
}

fn list(ids: &[i64]) -> String {
    ids.iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn matches(value: &Value, points: Points, users: &[i64], children: &[i64]) -> bool {
    match points {
        Points::User => value.as_i64().is_some_and(|id| users.contains(&id)),
        Points::Child => value.as_i64().is_some_and(|id| children.contains(&id)),
        Points::Viewer => value
            .as_str()
            .and_then(|viewer| viewer.strip_prefix("u:"))
            .and_then(|id| id.parse::<i64>().ok())
            .is_some_and(|id| users.contains(&id)),
    }
}

async fn export(app: &AuthApp, token: &str) -> Reply {
    call(Method::GET, "/api/v1/account/export")
        .bearer(token)
        .send(app)
        .await
}

async fn shop(test: TestDb) -> AuthApp {
    let app = pay_app(test).await;
    seed_shop(&app.test.db).await;
    app
}

backend_tests!(
    the_export_holds_every_tables_rows_about_the_account_and_its_children,
    |test: TestDb| async move {
        let app = shop(test).await;
        let rich = rich_account(&app).await;
        // Someone else's family, which must not leak into the export.
        let other = rich_account(&app).await;

        let reply = export(&app, &rich.access).await;
        let body = reply.expect(200).clone();
        assert_eq!(body["format"], "bolajon-account-export/1");
        assert!(
            reply.headers["content-disposition"]
                .to_str()
                .unwrap()
                .contains("attachment")
        );
        let tables = body["tables"].as_object().unwrap();
        let users: Vec<i64> = vec![rich.parent.0, rich.child_user.0, {
            scalar(
                &app.test.db,
                &format!(
                    "SELECT user_id FROM child_profiles WHERE parent_user_id = {} AND id <> {}",
                    rich.parent.0, rich.child_id
                ),
            )
            .await
        }];
        let children: Vec<i64> = {
            let rows = strings(
                &app.test.db,
                &format!(
                    "SELECT CAST(id AS TEXT), CAST(user_id AS TEXT) FROM child_profiles \
                     WHERE parent_user_id = {}",
                    rich.parent.0
                ),
            )
            .await;
            rows.iter().map(|(id, _)| id.parse().unwrap()).collect()
        };
        assert_eq!(children.len(), 2);

        // Every table with a column about a person is covered, and holds every row of the
        // database that is about this account or its children.
        let columns = person_columns(&app.test.db).await;
        assert!(columns.len() >= 30, "{columns:?}");
        let mut with_rows = Vec::new();
        for ((table, column), points) in &columns {
            let exported = tables.get(table).unwrap_or_else(|| {
                panic!("table {table} has {column} about a person but is not in the export")
            });
            let filter = match points {
                Points::User => format!("{column} IN ({})", list(&users)),
                Points::Child => format!("{column} IN ({})", list(&children)),
                Points::Viewer => format!(
                    "{column} IN ({})",
                    users
                        .iter()
                        .map(|id| format!("'u:{id}'"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            let in_db = scalar(
                &app.test.db,
                &format!("SELECT COUNT(*) FROM {table} WHERE {filter}"),
            )
            .await;
            let in_export = exported
                .as_array()
                .unwrap()
                .iter()
                .filter(|row| matches(&row[column.as_str()], *points, &users, &children))
                .count() as i64;
            assert_eq!(
                in_export, in_db,
                "{table}.{column}: {in_db} rows about the account, {in_export} exported"
            );
            if in_db > 0 {
                with_rows.push(table.clone());
            }
        }
        // The rich account really has rows in the tables that matter.
        for table in [
            "users",
            "sessions",
            "refresh_tokens",
            "recovery_codes",
            "audit_log",
            "child_profiles",
            "parental_consents",
            "parental_controls",
            "child_screen_time",
            "child_search_log",
            "carts",
            "orders",
            "order_history",
            "purchase_requests",
            "card_payments",
            "notification_jobs",
            "wishlist_items",
            "recently_viewed",
            "reviews",
        ] {
            assert!(
                !tables[table].as_array().unwrap().is_empty(),
                "no {table} rows exported"
            );
        }
        for table in [
            "order_lines",
            "shipments",
            "order_events",
            "cart_lines",
            "idempotency_keys",
        ] {
            assert!(
                !tables[table].as_array().unwrap().is_empty(),
                "no {table} rows exported"
            );
        }
        assert!(with_rows.len() >= 15, "{with_rows:?}");

        // Nothing of the other family.
        let text = body.to_string();
        assert!(!text.contains(&other.email) && !text.contains(&other.nickname));
        assert!(text.contains(&rich.nickname) && text.contains(&rich.pending_nickname));
        assert!(text.contains(&rich.recipient_name) && text.contains(&rich.address));
        // Secrets are marked present, never exported.
        for secret in [
            rich.totp_secret.as_str(),
            rich.refresh.as_str(),
            rich.access.as_str(),
            PASSWORD,
        ] {
            assert!(!text.contains(secret), "a secret is in the export");
        }
        let parent_row = tables["users"]
            .as_array()
            .unwrap()
            .iter()
            .find(|row| row["id"] == rich.parent.0)
            .unwrap();
        for column in ["password_hash", "totp_secret", "pin_hash"] {
            assert_eq!(parent_row[column], "present", "{column}");
        }
        assert!(!text.contains("$argon2id$"));
        for row in tables["refresh_tokens"].as_array().unwrap() {
            assert_eq!(row["token_hash"], "present");
        }
        for row in tables["recovery_codes"].as_array().unwrap() {
            assert_eq!(row["code_hash"], "present");
        }
        assert!(!parent_row["marketing_consent_at"].is_null());
        // Audited, and rate limited (5 per hour).
        assert!(
            crate::auth::audit_actions(&app)
                .await
                .contains(&"account_exported".to_owned())
        );
        for _ in 0..4 {
            export(&app, &rich.access).await.expect(200);
        }
        let limited = export(&app, &rich.access).await;
        limited.expect_error(429, "rate_limited");
        assert!(limited.headers.contains_key("retry-after"));
        // Children cannot export; guests are not signed in.
        export(&app, &rich.child_token)
            .await
            .expect_error(403, "forbidden");
        call(Method::GET, "/api/v1/account/export")
            .send(&app)
            .await
            .expect_error(401, "unauthenticated");
    }
);

/// Counts, per table and text column, the rows containing `term`, over EVERY table.
async fn occurrences(db: &Db, term: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (table, column) in schema_columns(db).await {
        let count: i64 = match db {
            Db::Sqlite(pool) => sqlx::query_scalar(&format!(
                "SELECT COUNT(*) FROM \"{table}\" WHERE instr(CAST(\"{column}\" AS TEXT), $1) > 0"
            ))
            .bind(term)
            .fetch_one(pool)
            .await
            .unwrap(),
            Db::Postgres(pool) => sqlx::query_scalar(&format!(
                "SELECT COUNT(*) FROM \"{table}\" WHERE strpos(\"{column}\"::text, $1) > 0"
            ))
            .bind(term)
            .fetch_one(pool)
            .await
            .unwrap(),
        };
        if count > 0 {
            found.push(format!("{table}.{column} ({count})"));
        }
    }
    found
}

backend_tests!(
    erasure_leaves_no_personal_data_in_any_table_and_keeps_orders_anonymised,
    |test: TestDb| async move {
        let app = shop(test).await;
        let rich = rich_account(&app).await;
        let other = rich_account(&app).await;
        let db = &app.test.db;
        // The scan sees the data before erasure (so it could fail).
        assert!(!occurrences(db, &rich.nickname).await.is_empty());
        assert!(!occurrences(db, &rich.email).await.is_empty());
        let orders_before = scalar(db, "SELECT COUNT(*) FROM orders").await;
        let audit_before = scalar(db, "SELECT COUNT(*) FROM audit_log").await;

        // A child: only its parent, only with the password.
        let erase_child = format!("/api/v1/family/children/{}/erase", rich.child_id);
        call(Method::POST, &erase_child)
            .bearer(&other.access)
            .json(json!({ "password": PASSWORD }))
            .send(&app)
            .await
            .expect_error(404, "child_not_found");
        call(Method::POST, &erase_child)
            .bearer(&rich.access)
            .json(json!({ "password": "not the password at all" }))
            .send(&app)
            .await
            .expect_error(403, "reauthentication_failed");
        call(Method::POST, &erase_child)
            .bearer(&rich.access)
            .json(json!({}))
            .send(&app)
            .await
            .expect_error(400, "invalid_json");
        let report = call(Method::POST, &erase_child)
            .bearer(&rich.access)
            .json(json!({ "password": PASSWORD }))
            .send(&app)
            .await
            .expect(200)
            .clone();
        assert_eq!(report["children_erased"], 1, "{report}");
        assert_eq!(report["orders_anonymised"], 1, "{report}");
        assert_eq!(occurrences(db, &rich.nickname).await, Vec::<String>::new());
        // The child's session is gone with it; the parent and the other child remain.
        let gone = call(Method::GET, "/api/v1/auth/me")
            .bearer(&rich.child_token)
            .send(&app)
            .await;
        assert_eq!(gone.status.as_u16(), 401, "{}", gone.body);
        assert!(!occurrences(db, &rich.pending_nickname).await.is_empty());
        assert!(!occurrences(db, &rich.email).await.is_empty());
        call(Method::POST, &erase_child)
            .bearer(&rich.access)
            .json(json!({ "password": PASSWORD }))
            .send(&app)
            .await
            .expect_error(404, "child_not_found");

        // The whole account.
        call(Method::POST, "/api/v1/account/erase")
            .bearer(&rich.access)
            .json(json!({ "password": "wrong password 12345" }))
            .send(&app)
            .await
            .expect_error(403, "reauthentication_failed");
        let report = call(Method::POST, "/api/v1/account/erase")
            .bearer(&rich.access)
            .json(json!({ "password": PASSWORD }))
            .send(&app)
            .await
            .expect(200)
            .clone();
        assert_eq!(report["children_erased"], 1, "{report}");
        assert_eq!(report["orders_anonymised"], 1, "{report}");
        for term in [
            &rich.email,
            &rich.phone,
            &rich.nickname,
            &rich.pending_nickname,
            &rich.recipient_name,
            &rich.recipient_phone,
            &rich.address,
        ] {
            assert_eq!(
                occurrences(db, term).await,
                Vec::<String>::new(),
                "{term} is still stored"
            );
        }
        // Orders stay for accounting, anonymised; the audit trail keeps every event.
        assert_eq!(
            scalar(db, "SELECT COUNT(*) FROM orders").await,
            orders_before
        );
        let anonymous = scalar(
            db,
            "SELECT COUNT(*) FROM orders WHERE buyer_user_id IS NULL AND child_id IS NULL \
             AND recipient_phone IS NULL",
        )
        .await;
        assert_eq!(anonymous, 2);
        assert!(scalar(db, "SELECT COUNT(*) FROM audit_log").await > audit_before);
        let with_client = scalar(
            db,
            &format!(
                "SELECT COUNT(*) FROM audit_log WHERE (actor_user_id = {0} OR target_user_id = {0}) \
                 AND (ip IS NOT NULL OR user_agent IS NOT NULL)",
                rich.parent.0
            ),
        )
        .await;
        assert_eq!(with_client, 0);
        assert!(
            crate::auth::audit_actions(&app)
                .await
                .contains(&"account_erased".to_owned())
        );
        // The token no longer works; the other family is untouched.
        let gone = call(Method::GET, "/api/v1/auth/me")
            .bearer(&rich.access)
            .send(&app)
            .await;
        assert_eq!(gone.status.as_u16(), 401, "{}", gone.body);
        assert!(!occurrences(db, &other.nickname).await.is_empty());
        assert!(!occurrences(db, &other.email).await.is_empty());
        export(&app, &other.access).await.expect(200);
        // The audit trail stays append-only for the event itself.
        let tamper = match db {
            Db::Sqlite(pool) => sqlx::query("UPDATE audit_log SET action = 'x'")
                .execute(pool)
                .await
                .is_err(),
            Db::Postgres(pool) => sqlx::query("UPDATE audit_log SET action = 'x'")
                .execute(pool)
                .await
                .is_err(),
        };
        assert!(tamper, "audit events must not be rewritten");
        let deleted = match db {
            Db::Sqlite(pool) => sqlx::query("DELETE FROM audit_log")
                .execute(pool)
                .await
                .is_err(),
            Db::Postgres(pool) => sqlx::query("DELETE FROM audit_log")
                .execute(pool)
                .await
                .is_err(),
        };
        assert!(deleted, "audit events must not be deleted");
    }
);

/// Runs `sql` with the times bound as `$1`, `$2`, ….
async fn exec_at(db: &Db, sql: &str, times: &[DateTime<Utc>]) {
    on_db!(db, |pool| {
        let mut query = sqlx::query(sql);
        for time in times {
            query = query.bind(*time);
        }
        query.execute(pool).await.unwrap();
    })
}

backend_tests!(
    retention_purges_exactly_what_the_policy_says,
    |test: TestDb| async move {
        use storefront::privacy::retention::*;
        let app = shop(test).await;
        let db = &app.test.db;
        let now = Utc::now();
        let days = |n: i64| now - Duration::days(n);
        let (parent, _) = crate::auth::user_with_role(&app, Role::Parent).await;
        let make_child = |nickname: &'static str, status: &'static str, created: DateTime<Utc>| {
            let db = db.clone();
            async move {
                let child = db
                    .insert_child(
                        parent,
                        &storefront::db::accounts::NewChild {
                            nickname,
                            birth_year_month: None,
                            age_band: Some("6-8"),
                            avatar: "owl",
                        },
                        created,
                    )
                    .await
                    .unwrap();
                exec_at(
                    &db,
                    &format!(
                        "UPDATE child_profiles SET status = '{status}', created_at = $1 WHERE id = {}",
                        child.id.0
                    ),
                    &[created],
                )
                .await;
                child
            }
        };
        let active_old = make_child("Eski", "active", days(400)).await;
        let pending_old =
            make_child("Kutgan", "pending_consent", days(PENDING_CHILD_DAYS + 1)).await;
        let pending_new =
            make_child("Yangi", "pending_consent", days(PENDING_CHILD_DAYS - 1)).await;
        let child = active_old.id.0;
        for (at, query) in [
            (days(CHILD_SEARCHES_DAYS + 1), "eski"),
            (days(CHILD_SEARCHES_DAYS - 1), "yangi"),
        ] {
            exec_at(
                db,
                &format!("INSERT INTO child_search_log (child_id, at, query) VALUES ({child}, $1, '{query}')"),
                &[at],
            )
            .await;
        }
        for (day, n) in [(SCREEN_TIME_DAYS + 1, 1), (SCREEN_TIME_DAYS - 1, 2)] {
            exec_at(
                db,
                &format!(
                    "INSERT INTO child_screen_time (child_id, day, seconds_used, last_seen_at) \
                     VALUES ({child}, '{}', {n}, $1)",
                    days(day).format("%Y-%m-%d")
                ),
                &[now],
            )
            .await;
        }
        for (at, key) in [
            (days(SEARCH_LOG_DAYS + 1), "0123456789abcdef"),
            (days(SEARCH_LOG_DAYS - 1), "fedcba9876543210"),
        ] {
            exec_at(
                db,
                &format!(
                    "INSERT INTO search_log (query_folded, query_text, session_key, age_months, searched_at) \
                     VALUES ('robot', 'robot', '{key}', 60, {})",
                    at.timestamp()
                ),
                &[],
            )
            .await;
        }
        // Sessions: revoked long ago, revoked lately, expired long ago, live.
        for (id, revoked, expires) in [
            (
                "a".repeat(32),
                Some(days(ENDED_SESSIONS_DAYS + 1)),
                days(10),
            ),
            (
                "b".repeat(32),
                Some(days(ENDED_SESSIONS_DAYS - 1)),
                days(10),
            ),
            ("c".repeat(32), None, days(ENDED_SESSIONS_DAYS + 1)),
            ("d".repeat(32), None, now + Duration::days(20)),
        ] {
            exec_at(
                db,
                &format!(
                    "INSERT INTO sessions (id, user_id, created_at) VALUES ('{id}', {}, $1)",
                    parent.0
                ),
                &[days(100)],
            )
            .await;
            on_db!(db, |pool| {
                sqlx::query(
                    "UPDATE sessions SET revoked_at = $1, revoked_reason = $2 WHERE id = $3",
                )
                .bind(revoked)
                .bind(revoked.map(|_| "logout"))
                .bind(&id)
                .execute(pool)
                .await
                .unwrap();
                sqlx::query(
                    "INSERT INTO refresh_tokens (session_id, token_hash, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(&id)
                .bind(format!("{:0>64}", id.len() + id.as_bytes()[0] as usize))
                .bind(days(100))
                .bind(expires)
                .execute(pool)
                .await
                .unwrap();
            });
        }
        // Guest carts, an old account cart, device recently-viewed, idempotency records.
        for (token, at) in [
            ("1".repeat(64), days(GUEST_CARTS_DAYS + 1)),
            ("2".repeat(64), days(GUEST_CARTS_DAYS - 1)),
        ] {
            exec_at(
                db,
                &format!("INSERT INTO carts (token_hash, created_at, updated_at) VALUES ('{token}', $1, $1)"),
                &[at],
            )
            .await;
        }
        exec_at(
            db,
            &format!(
                "INSERT INTO carts (user_id, created_at, updated_at) VALUES ({}, $1, $1)",
                parent.0
            ),
            &[days(400)],
        )
        .await;
        for (viewer, at) in [
            ("d:old-device", days(DEVICE_RECENTLY_VIEWED_DAYS + 1)),
            ("d:new-device", days(DEVICE_RECENTLY_VIEWED_DAYS - 1)),
            ("u:1", days(400)),
        ] {
            exec_at(
                db,
                &format!("INSERT INTO recently_viewed (viewer, product_id, viewed_at) VALUES ('{viewer}', 1, $1)"),
                &[at],
            )
            .await;
        }
        for (key, at) in [
            ("old", days(IDEMPOTENCY_DAYS + 1)),
            ("new", days(IDEMPOTENCY_DAYS - 1)),
        ] {
            exec_at(
                db,
                &format!(
                    "INSERT INTO idempotency_keys (scope, key, request_hash, created_at) \
                     VALUES ('orders:user:1', '{key}', '{}', $1)",
                    "0".repeat(64)
                ),
                &[at],
            )
            .await;
        }
        for (action, at) in [
            ("old_event", days(AUDIT_CLIENT_DAYS + 1)),
            ("new_event", days(AUDIT_CLIENT_DAYS - 1)),
        ] {
            db.append_audit(&storefront::db::accounts::NewAuditEntry {
                at,
                actor: Some(parent),
                action,
                target: None,
                ip: Some("198.51.100.23"),
                user_agent: Some("Mozilla/5.0"),
                details: &json!({}),
            })
            .await
            .unwrap();
        }

        // The task is registered, daily, and does the purge.
        let registry = storefront::notify::worker::TaskRegistry::with_builtins();
        assert!(
            registry
                .recurring()
                .iter()
                .any(|(name, period)| name == RETENTION_TASK
                    && *period == std::time::Duration::from_secs(24 * 3600))
        );
        let handler = registry.handler(RETENTION_TASK).unwrap();
        handler.run(db, &json!({ "slot": 1 })).await.unwrap();

        let count = |sql: String| async move { scalar(db, &sql).await };
        assert_eq!(
            count("SELECT COUNT(*) FROM child_search_log".into()).await,
            1
        );
        assert_eq!(
            count("SELECT COUNT(*) FROM child_search_log WHERE query = 'yangi'".into()).await,
            1
        );
        assert_eq!(
            count("SELECT COUNT(*) FROM child_screen_time".into()).await,
            1
        );
        assert_eq!(
            count("SELECT COUNT(*) FROM child_screen_time WHERE seconds_used = 2".into()).await,
            1
        );
        assert_eq!(
            count("SELECT COUNT(*) FROM search_log WHERE session_key = 'fedcba9876543210'".into())
                .await,
            1
        );
        assert_eq!(count("SELECT COUNT(*) FROM search_log".into()).await, 1);
        let sessions = strings(db, "SELECT id, id FROM sessions ORDER BY id").await;
        let sessions: Vec<String> = sessions.into_iter().map(|(id, _)| id).collect();
        assert!(
            !sessions.contains(&"a".repeat(32)),
            "old revoked session kept"
        );
        assert!(
            sessions.contains(&"b".repeat(32)),
            "recently revoked session purged"
        );
        assert!(
            !sessions.contains(&"c".repeat(32)),
            "long expired session kept"
        );
        assert!(sessions.contains(&"d".repeat(32)), "live session purged");
        assert_eq!(
            count(format!(
                "SELECT COUNT(*) FROM child_profiles WHERE id = {}",
                pending_old.id.0
            ))
            .await,
            0
        );
        assert_eq!(
            count(format!(
                "SELECT COUNT(*) FROM users WHERE id = {}",
                pending_old.user_id.0
            ))
            .await,
            0
        );
        assert_eq!(
            count(format!(
                "SELECT COUNT(*) FROM child_profiles WHERE id IN ({}, {})",
                pending_new.id.0, active_old.id.0
            ))
            .await,
            2
        );
        assert_eq!(
            count("SELECT COUNT(*) FROM carts WHERE user_id IS NULL".into()).await,
            1
        );
        assert_eq!(
            count(format!(
                "SELECT COUNT(*) FROM carts WHERE token_hash = '{}'",
                "2".repeat(64)
            ))
            .await,
            1
        );
        assert_eq!(
            count("SELECT COUNT(*) FROM carts WHERE user_id IS NOT NULL".into()).await,
            1
        );
        let viewers = strings(
            db,
            "SELECT viewer, viewer FROM recently_viewed ORDER BY viewer",
        )
        .await;
        let viewers: Vec<String> = viewers.into_iter().map(|(viewer, _)| viewer).collect();
        assert_eq!(viewers, ["d:new-device", "u:1"]);
        let keys = strings(db, "SELECT key, key FROM idempotency_keys").await;
        assert_eq!(keys, [("new".to_owned(), "new".to_owned())]);
        // Audit events stay; only the old one's client data is cleared.
        let audit = strings(
            db,
            "SELECT action, COALESCE(ip, '-') FROM audit_log WHERE action IN ('old_event', 'new_event') ORDER BY action",
        )
        .await;
        assert_eq!(
            audit,
            [
                ("new_event".to_owned(), "198.51.100.23".to_owned()),
                ("old_event".to_owned(), "-".to_owned())
            ]
        );
        // A second run finds nothing more.
        let again = storefront::privacy::retention::purge(db, now)
            .await
            .unwrap();
        assert_eq!(again, RetentionReport::default());
    }
);

backend_tests!(
    marketing_needs_its_own_consent_off_by_default_and_never_for_children,
    |test: TestDb| async move {
        let app = shop(test).await;
        let db = &app.test.db;
        let (_, access, _) = crate::auth::signed_in_parent(&app).await;
        let me = call(Method::GET, "/api/v1/auth/me")
            .bearer(&access)
            .send(&app)
            .await;
        let parent = me.expect(200)["id"].as_i64().unwrap();
        let digest = |n: u32| {
            Job::event(
                EventKind::Digest,
                format!("digest:test:{n}"),
                Recipient::push(parent, Language::UzLatn),
                json!({ "items": ["Robot"] }),
            )
        };
        // Off by default.
        assert!(matches!(
            notify::enqueue_now(db, digest(1)).await,
            Err(notify::Error::NoMarketingConsent)
        ));
        let exported = export(&app, &access).await.expect(200).clone();
        assert!(exported["tables"]["users"][0]["marketing_consent_at"].is_null());
        // Given, with its time; then withdrawn.
        let before = app.clock.now();
        let given = call(Method::PUT, "/api/v1/account/marketing-consent")
            .bearer(&access)
            .json(json!({ "consent": true }))
            .send(&app)
            .await
            .expect(200)
            .clone();
        assert_eq!(given["consent"], true);
        let at: DateTime<Utc> = given["consented_at"].as_str().unwrap().parse().unwrap();
        // (PostgreSQL keeps microseconds.)
        assert!(
            (at - before).num_milliseconds().abs() < 1,
            "{at} vs {before}"
        );
        assert!(notify::enqueue_now(db, digest(2)).await.is_ok());
        let withdrawn = call(Method::PUT, "/api/v1/account/marketing-consent")
            .bearer(&access)
            .json(json!({ "consent": false }))
            .send(&app)
            .await
            .expect(200)
            .clone();
        assert_eq!(withdrawn, json!({ "consent": false, "consented_at": null }));
        assert!(matches!(
            notify::enqueue_now(db, digest(3)).await,
            Err(notify::Error::NoMarketingConsent)
        ));
        call(Method::PUT, "/api/v1/account/marketing-consent")
            .bearer(&access)
            .json(json!({ "consent": "yes" }))
            .send(&app)
            .await
            .expect_error(400, "invalid_json");
        assert!(
            crate::auth::audit_actions(&app)
                .await
                .contains(&"marketing_consent_changed".to_owned())
        );
        // Children: refused by the policy, by the store and by the schema.
        let (child, child_token) = crate::auth::user_with_role(&app, Role::Child).await;
        call(Method::PUT, "/api/v1/account/marketing-consent")
            .bearer(&child_token)
            .json(json!({ "consent": true }))
            .send(&app)
            .await
            .expect_error(403, "forbidden");
        assert!(
            storefront::privacy::set_marketing_consent(db, child, true, Utc::now())
                .await
                .unwrap()
                .is_none()
        );
        let forced = on_db!(db, |pool| {
            sqlx::query("UPDATE users SET marketing_consent_at = $1 WHERE id = $2")
                .bind(Utc::now())
                .bind(child)
                .execute(pool)
                .await
                .is_err()
        });
        assert!(forced, "the schema must refuse a child's consent");
    }
);

backend_tests!(
    totp_secrets_are_sealed_at_rest_and_plaintext_rows_are_migrated,
    |test: TestDb| async move {
        let app = shop(test).await;
        let db = &app.test.db;
        let (email, access, _) = crate::auth::signed_in_parent(&app).await;
        let enrolled = call(Method::POST, "/api/v1/auth/2fa/enroll")
            .bearer(&access)
            .send(&app)
            .await
            .expect(200)
            .clone();
        let secret = enrolled["secret"].as_str().unwrap().to_owned();
        let stored = strings(
            db,
            &format!(
                "SELECT COALESCE(totp_pending_secret, ''), email FROM users WHERE email = '{email}'"
            ),
        )
        .await;
        assert!(stored[0].0.starts_with("v1:"), "{}", stored[0].0);
        assert!(!stored[0].0.contains(&secret));
        let code = |secret: &str| {
            totp::code_at(
                &totp::base32_decode(secret).unwrap(),
                app.clock.now().timestamp(),
            )
        };
        call(Method::POST, "/api/v1/auth/2fa/confirm")
            .bearer(&access)
            .json(json!({ "code": code(&secret) }))
            .send(&app)
            .await
            .expect(200);
        let column = |sql: String| async move { strings(db, &sql).await };
        let sealed = column(format!(
            "SELECT COALESCE(totp_secret, ''), COALESCE(totp_pending_secret, '-') FROM users WHERE email = '{email}'"
        ))
        .await;
        assert!(sealed[0].0.starts_with("v1:") && !sealed[0].0.contains(&secret));
        assert_eq!(sealed[0].1, "-");
        // Nowhere in the database in clear.
        assert_eq!(occurrences(db, &secret).await, Vec::<String>::new());
        // Sign-in with the code still works (the secret opens).
        app.clock.advance(Duration::seconds(31));
        let challenge = login(&app, &email).await;
        assert_eq!(challenge["status"], "totp_required");
        call(Method::POST, "/api/v1/auth/login/2fa")
            .json(json!({ "challenge_token": challenge["challenge_token"], "code": code(&secret) }))
            .send(&app)
            .await
            .expect(200);
        // A value sealed for another account does not open for this one.
        let key = app.state.0.auth.data_key();
        let user: i64 = scalar(db, &format!("SELECT id FROM users WHERE email = '{email}'")).await;
        assert!(
            key.open(&sealed[0].0, &storefront::auth::data_key::totp_aad(user))
                .is_ok()
        );
        assert!(
            key.open(
                &sealed[0].0,
                &storefront::auth::data_key::totp_aad(user + 1)
            )
            .is_err()
        );

        // A row from before encryption at rest is sealed by the start-up migration, once.
        let (legacy, _) = crate::auth::user_with_role(&app, Role::Parent).await;
        let legacy_secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
        on_db!(db, |pool| {
            sqlx::query("UPDATE users SET totp_secret = $1, totp_enabled = TRUE WHERE id = $2")
                .bind(legacy_secret)
                .bind(legacy)
                .execute(pool)
                .await
                .unwrap();
        });
        assert_eq!(occurrences(db, legacy_secret).await.len(), 1);
        assert_eq!(db.seal_plaintext_totp_secrets(key).await.unwrap(), 1);
        assert_eq!(db.seal_plaintext_totp_secrets(key).await.unwrap(), 0);
        assert_eq!(occurrences(db, legacy_secret).await, Vec::<String>::new());
        let legacy_email: Vec<(String, String)> = strings(
            db,
            &format!(
                "SELECT email, totp_secret FROM users WHERE id = {}",
                legacy.0
            ),
        )
        .await;
        assert!(DataKey::is_sealed(&legacy_email[0].1));
        app.clock.advance(Duration::seconds(31));
        let challenge = login(&app, &legacy_email[0].0).await;
        assert_eq!(challenge["status"], "totp_required");
        call(Method::POST, "/api/v1/auth/login/2fa")
            .json(json!({ "challenge_token": challenge["challenge_token"], "code": code(legacy_secret) }))
            .send(&app)
            .await
            .expect(200);
    }
);

backend_tests!(
    a_password_change_needs_the_old_one_ends_every_session_and_alerts_the_owner,
    |test: TestDb| async move {
        let app = shop(test).await;
        let (email, access, refresh) = crate::auth::signed_in_parent(&app).await;
        call(Method::POST, "/api/v1/account/password")
            .bearer(&access)
            .json(json!({ "current_password": "not it at all 123", "new_password": "yangi parol 2027 bahor" }))
            .send(&app)
            .await
            .expect_error(403, "reauthentication_failed");
        call(Method::POST, "/api/v1/account/password")
            .bearer(&access)
            .json(json!({ "current_password": PASSWORD, "new_password": "short" }))
            .send(&app)
            .await
            .expect_error(400, "weak_password");
        call(Method::POST, "/api/v1/account/password")
            .bearer(&access)
            .json(json!({ "current_password": PASSWORD, "new_password": "yangi parol 2027 bahor" }))
            .send(&app)
            .await
            .expect(204);
        call(Method::GET, "/api/v1/auth/me")
            .bearer(&access)
            .send(&app)
            .await
            .expect_error(401, "session_revoked");
        call(Method::POST, "/api/v1/auth/refresh")
            .json(json!({ "refresh_token": refresh }))
            .send(&app)
            .await;
        call(Method::POST, "/api/v1/auth/login")
            .json(json!({ "login": email, "password": PASSWORD }))
            .send(&app)
            .await
            .expect_error(401, "invalid_credentials");
        call(Method::POST, "/api/v1/auth/login")
            .json(json!({ "login": email, "password": "yangi parol 2027 bahor" }))
            .send(&app)
            .await
            .expect(200);
        assert_eq!(
            scalar(
                &app.test.db,
                "SELECT COUNT(*) FROM notification_jobs WHERE kind = 'security_alert' \
                 AND payload LIKE '%password_changed%'"
            )
            .await,
            1
        );
        assert!(
            crate::auth::audit_actions(&app)
                .await
                .contains(&"password_changed".to_owned())
        );
    }
);
