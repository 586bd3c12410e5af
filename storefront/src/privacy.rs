//! Privacy (issue 6, item 5): what the service holds about an account, and how it lets go.
//!
//! - [`export_account`]: every table's rows about an account and its children, as JSON.
//!   Secrets (password, PIN and recovery-code hashes, TOTP secrets, refresh-token hashes,
//!   card tokens, push keys) are never exported: their columns read `"present"` or `null`.
//! - [`erase_child`] and [`erase_account`]: personal data deleted; orders kept only
//!   anonymised for accounting (no buyer or child, recipient and address replaced); audit
//!   rows keep the event (time, action, ids) but lose the client address, user agent and any
//!   details naming the person.
//! - [`retention`]: the recurring purge of what the written retention policy
//!   (`docs/retention.md`) says is kept only for a while.
//! - Marketing is a separate, optional consent ([`set_marketing_consent`]), off by default and
//!   impossible for children.
//!
//! The table lists below are checked against the schema by the integration tests: a new table
//! with a column about a user or a child fails them until it is exported and erased here.

pub mod retention;

use crate::db::accounts::{ChildId, UserId};
use crate::db::{Db, DbError, DbResult, dispatch};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

/// The export's format name and version.
pub const EXPORT_FORMAT: &str = "bolajon-account-export/1";

/// Whom an export or erasure is about: the account, its children, and what hangs off them.
#[derive(Debug, Clone, Default)]
struct Subjects {
    /// The account and its children's principals.
    user_ids: Vec<i64>,
    /// The children's profiles.
    child_ids: Vec<i64>,
    /// Orders bought by any of them or for any of the children.
    order_ids: Vec<i64>,
    /// The seller a seller account manages.
    seller_ids: Vec<i64>,
}

/// An SQL list of integers (`(1, 2)`; `(NULL)` when empty, which matches nothing).
fn id_list(ids: &[i64]) -> String {
    if ids.is_empty() {
        return "(NULL)".to_owned();
    }
    let joined: Vec<String> = ids.iter().map(i64::to_string).collect();
    format!("({})", joined.join(", "))
}

/// An SQL list of strings made only of the given ids (no user input reaches it).
fn text_list(prefix: &str, ids: &[i64]) -> String {
    if ids.is_empty() {
        return "(NULL)".to_owned();
    }
    let joined: Vec<String> = ids.iter().map(|id| format!("'{prefix}{id}'")).collect();
    format!("({})", joined.join(", "))
}

impl Subjects {
    /// Expands a `{users}`, `{children}`, `{orders}`, `{sellers}`, `{viewers}` or `{scopes}`
    /// placeholder into its literal list.
    fn expand(&self, template: &str) -> String {
        template
            .replace("{users}", &id_list(&self.user_ids))
            .replace("{children}", &id_list(&self.child_ids))
            .replace("{orders}", &id_list(&self.order_ids))
            .replace("{sellers}", &id_list(&self.seller_ids))
            .replace("{viewers}", &text_list("u:", &self.user_ids))
            .replace("{scopes}", &text_list("orders:user:", &self.user_ids))
    }
}

/// One exported table: which rows are about the subjects, and which columns are secrets.
struct ExportedTable {
    table: &'static str,
    rows_about: &'static str,
    secret_columns: &'static [&'static str],
}

const fn table(
    table: &'static str,
    rows_about: &'static str,
    secret_columns: &'static [&'static str],
) -> ExportedTable {
    ExportedTable {
        table,
        rows_about,
        secret_columns,
    }
}

/// Every table holding rows about an account or its children, and how to find them.
const EXPORTED: &[ExportedTable] = &[
    table(
        "users",
        "id IN {users}",
        &[
            "password_hash",
            "totp_secret",
            "totp_pending_secret",
            "pin_hash",
        ],
    ),
    table("sessions", "user_id IN {users}", &[]),
    table(
        "refresh_tokens",
        "session_id IN (SELECT id FROM sessions WHERE user_id IN {users})",
        &["token_hash"],
    ),
    table("recovery_codes", "user_id IN {users}", &["code_hash"]),
    table(
        "audit_log",
        "actor_user_id IN {users} OR target_user_id IN {users}",
        &[],
    ),
    table(
        "child_profiles",
        "parent_user_id IN {users} OR user_id IN {users}",
        &[],
    ),
    table(
        "parental_consents",
        "parent_user_id IN {users} OR child_id IN {children}",
        &[],
    ),
    table("parental_controls", "child_id IN {children}", &[]),
    table("child_screen_time", "child_id IN {children}", &[]),
    table("child_search_log", "child_id IN {children}", &[]),
    table("carts", "user_id IN {users}", &["token_hash"]),
    table(
        "cart_lines",
        "cart_id IN (SELECT id FROM carts WHERE user_id IN {users})",
        &[],
    ),
    table("orders", "id IN {orders}", &[]),
    table("order_lines", "order_id IN {orders}", &[]),
    table("shipments", "order_id IN {orders}", &[]),
    table(
        "order_history",
        "order_id IN {orders} OR actor_user_id IN {users}",
        &[],
    ),
    table("order_events", "order_id IN {orders}", &[]),
    table("refunds", "order_id IN {orders}", &[]),
    table(
        "promo_redemptions",
        "user_id IN {users} OR order_id IN {orders}",
        &[],
    ),
    table(
        "purchase_requests",
        "parent_user_id IN {users} OR child_id IN {children} OR order_id IN {orders}",
        &[],
    ),
    table("payme_transactions", "order_id IN {orders}", &[]),
    table("click_transactions", "order_id IN {orders}", &[]),
    table(
        "card_payments",
        "buyer_id IN {users} OR order_id IN {orders}",
        &["card_token", "request_hash"],
    ),
    table("idempotency_keys", "scope IN {scopes}", &["request_hash"]),
    table("notification_jobs", "user_id IN {users}", &[]),
    table(
        "push_subscriptions",
        "user_id IN {users}",
        &["p256dh", "auth"],
    ),
    table("wishlist_items", "user_id IN {users}", &[]),
    table("recently_viewed", "viewer IN {viewers}", &[]),
    table(
        "reviews",
        "author_user_id IN {users} OR child_id IN {children} OR decided_by IN {users}",
        &[],
    ),
    table("review_votes", "user_id IN {users}", &[]),
    table("review_reports", "user_id IN {users}", &[]),
    table(
        "moderation_items",
        "assigned_to IN {users} OR decided_by IN {users}",
        &[],
    ),
    table("moderation_decisions", "actor_user_id IN {users}", &[]),
    table("sellers", "id IN {sellers}", &[]),
    table(
        "seller_profiles",
        "seller_id IN {sellers} OR updated_by IN {users}",
        &[],
    ),
    table(
        "featured_products",
        "created_by IN {users} OR seller_id IN {sellers}",
        &[],
    ),
    table("webauthn_user_handles", "user_id IN {users}", &[]),
    table("passkeys", "user_id IN {users}", &["credential"]),
    table("webauthn_challenges", "user_id IN {users}", &["state"]),
    table("password_resets", "user_id IN {users}", &["code_hash"]),
    table(
        "kids_mode_sessions",
        "parent_user_id IN {users} OR child_id IN {children}",
        &[],
    ),
    table(
        "consent_card_checks",
        "parent_user_id IN {users} OR child_id IN {children}",
        &[],
    ),
    table("cms_banners", "updated_by IN {users}", &[]),
    table(
        "review_embeddings",
        "author_user_id IN {users}",
        &["vector"],
    ),
];

/// Returns the names of the exported tables (for the schema-coverage test).
pub fn exported_tables() -> Vec<&'static str> {
    EXPORTED.iter().map(|table| table.table).collect()
}

/// Collects the subjects of `user`: the account, its children, their orders, its seller.
async fn subjects_of(db: &Db, user: UserId) -> DbResult<Subjects> {
    let (children, seller): (Vec<(i64, i64)>, Option<Option<i64>>) = dispatch!(db, |pool, _d| {
        let children = sqlx::query_as(
            "SELECT id, user_id FROM child_profiles WHERE parent_user_id = $1 ORDER BY id",
        )
        .bind(user)
        .fetch_all(pool)
        .await?;
        let seller = sqlx::query_scalar("SELECT seller_id FROM users WHERE id = $1")
            .bind(user)
            .fetch_optional(pool)
            .await?;
        (children, seller)
    });
    let mut subjects = Subjects {
        user_ids: vec![user.0],
        seller_ids: seller.flatten().into_iter().collect(),
        ..Subjects::default()
    };
    for (child, child_user) in children {
        subjects.child_ids.push(child);
        subjects.user_ids.push(child_user);
    }
    subjects.order_ids = orders_of(db, &subjects).await?;
    Ok(subjects)
}

async fn orders_of(db: &Db, subjects: &Subjects) -> DbResult<Vec<i64>> {
    let sql = subjects.expand(
        "SELECT id FROM orders WHERE buyer_user_id IN {users} OR child_id IN {children} \
         ORDER BY id",
    );
    Ok(dispatch!(db, |pool, _d| {
        sqlx::query_scalar(&sql).fetch_all(pool).await?
    }))
}

/// Reads rows as JSON objects, whatever their columns.
async fn rows_as_json(db: &Db, table: &str, filter: &str) -> DbResult<Vec<Map<String, Value>>> {
    match db {
        Db::Sqlite(pool) => {
            use sqlx::{Column as _, Row as _, TypeInfo as _, ValueRef as _};
            let sql = format!("SELECT * FROM {table} WHERE {filter}");
            let rows = sqlx::query(&sql).fetch_all(pool).await?;
            let mut objects = Vec::with_capacity(rows.len());
            for row in rows {
                let mut object = Map::new();
                for (index, column) in row.columns().iter().enumerate() {
                    let raw = row.try_get_raw(index)?;
                    let value = if raw.is_null() {
                        Value::Null
                    } else {
                        match raw.type_info().name() {
                            "INTEGER" => json!(row.try_get::<i64, _>(index)?),
                            "REAL" => json!(row.try_get::<f64, _>(index)?),
                            "BLOB" => {
                                json!({ "bytes": row.try_get::<Vec<u8>, _>(index)?.len() })
                            }
                            _ => json!(row.try_get::<String, _>(index)?),
                        }
                    };
                    object.insert(column.name().to_owned(), value);
                }
                objects.push(object);
            }
            Ok(objects)
        }
        Db::Postgres(pool) => {
            let sql = format!("SELECT to_jsonb(t)::text FROM {table} t WHERE {filter}");
            let texts: Vec<String> = sqlx::query_scalar(&sql).fetch_all(pool).await?;
            texts
                .iter()
                .map(|text| match serde_json::from_str(text) {
                    Ok(Value::Object(object)) => Ok(object),
                    Ok(_) | Err(_) => Err(DbError::Corrupt(format!("a {table} row is not json"))),
                })
                .collect()
        }
    }
}

/// Returns everything held about `user` and its children: one array of rows per table
/// (every table in the list, empty ones included), secrets replaced by `"present"`.
pub async fn export_account(db: &Db, user: UserId, now: DateTime<Utc>) -> DbResult<Value> {
    let subjects = subjects_of(db, user).await?;
    let mut tables = Map::new();
    let mut withheld = Map::new();
    for exported in EXPORTED {
        let filter = subjects.expand(exported.rows_about);
        let mut rows = rows_as_json(db, exported.table, &filter).await?;
        for row in &mut rows {
            for column in exported.secret_columns {
                if let Some(value) = row.get_mut(*column)
                    && !value.is_null()
                {
                    *value = json!("present");
                }
            }
            // One-time codes are secrets even in the message that carried them.
            if exported.table == "notification_jobs"
                && row.get("kind").and_then(Value::as_str) == Some("otp")
                && let Some(payload) = row.get_mut("payload")
            {
                *payload = json!("present");
            }
        }
        if !exported.secret_columns.is_empty() {
            withheld.insert(exported.table.to_owned(), json!(exported.secret_columns));
        }
        tables.insert(
            exported.table.to_owned(),
            Value::Array(rows.into_iter().map(Value::Object).collect()),
        );
    }
    Ok(json!({
        "format": EXPORT_FORMAT,
        "generated_at": now,
        "account": { "user_id": user.0, "children": subjects.child_ids },
        "secrets_withheld": withheld,
        "not_linked_to_accounts": [
            "search_log: popular-query counts keyed by an opaque client hash, not by account"
        ],
        "tables": tables,
    }))
}

/// What an erasure did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ErasureReport {
    /// Child profiles erased.
    pub children_erased: u64,
    /// Orders kept for accounting, anonymised.
    pub orders_anonymised: u64,
    /// Notifications scrubbed or dropped.
    pub notifications_scrubbed: u64,
    /// Audit rows whose personal data was scrubbed (the events stay).
    pub audit_rows_scrubbed: u64,
}

/// An order's recipient name, recipient phone and delivery address.
type OrderTerms = (Option<String>, Option<String>, Option<String>);
/// An account's email and phone.
type AccountTerms = (Option<String>, Option<String>);

/// The details an audit row keeps once scrubbed.
const SCRUBBED_DETAILS: &str = r#"{"scrubbed":true}"#;
/// What replaces a name or an address on an anonymised order.
const ERASED: &str = "erased";

/// Erases the whole subject set: anonymises their orders, scrubs notifications and audit
/// rows, deletes everything else (the principals' rows cascade).
async fn erase_subjects(
    db: &Db,
    subjects: &Subjects,
    erase_users: &[i64],
    extra_terms: Vec<String>,
) -> DbResult<ErasureReport> {
    // Personal strings that may have been copied into free text (names, addresses, nicknames,
    // email and phone): scrubbed wherever they appear in notifications and audit details.
    let mut terms = extra_terms;
    let orders = subjects.expand(
        "SELECT recipient_name, recipient_phone, delivery_address FROM orders WHERE id IN {orders}",
    );
    let user_terms = format!(
        "SELECT email, phone FROM users WHERE id IN {}",
        id_list(erase_users)
    );
    let (order_terms, account_terms): (Vec<OrderTerms>, Vec<AccountTerms>) =
        dispatch!(db, |pool, _d| {
            (
                sqlx::query_as(&orders).fetch_all(pool).await?,
                sqlx::query_as(&user_terms).fetch_all(pool).await?,
            )
        });
    for (name, phone, address) in order_terms {
        terms.extend([name, phone, address].into_iter().flatten());
    }
    for (email, phone) in account_terms {
        terms.extend([email, phone].into_iter().flatten());
    }
    terms.retain(|term| term.chars().count() >= 3 && term != ERASED);
    terms.sort();
    terms.dedup();

    let users = id_list(erase_users);
    let erased_subjects = Subjects {
        user_ids: erase_users.to_vec(),
        ..subjects.clone()
    };
    let (contains_details, contains_payload, scrubbed_details) = match db {
        Db::Sqlite(_) => ("instr(details, $1) > 0", "instr(payload, $1) > 0", "$2"),
        Db::Postgres(_) => (
            "strpos(details::text, $1) > 0",
            "strpos(payload, $1) > 0",
            "$2::jsonb",
        ),
    };
    let statements: Vec<String> = vec![
        // Orders stay for accounting, without a person behind them.
        subjects.expand(&format!(
            "UPDATE orders SET buyer_user_id = NULL, child_id = NULL, \
             recipient_name = CASE WHEN recipient_name IS NULL THEN NULL ELSE '{ERASED}' END, \
             recipient_phone = NULL, \
             delivery_address = CASE WHEN delivery_address IS NULL THEN NULL ELSE '{ERASED}' END \
             WHERE id IN {{orders}}"
        )),
        subjects.expand(
            "UPDATE order_history SET actor_user_id = NULL, \
             reason = CASE WHEN actor_kind IN ('buyer', 'parent') THEN '' ELSE reason END \
             WHERE order_id IN {orders}",
        ),
        subjects.expand("UPDATE purchase_requests SET reason = '' WHERE order_id IN {orders}"),
        subjects.expand(&format!(
            "UPDATE card_payments SET card_token = '{ERASED}' WHERE order_id IN {{orders}}"
        )),
        erased_subjects.expand("DELETE FROM idempotency_keys WHERE scope IN {scopes}"),
        erased_subjects.expand("DELETE FROM recently_viewed WHERE viewer IN {viewers}"),
        // Messages not yet sent to an erased person are dropped; sent ones keep the event.
        format!("DELETE FROM notification_jobs WHERE user_id IN {users} AND status = 'queued'"),
        format!(
            "UPDATE notification_jobs SET recipient = '{ERASED}', recipient_masked = '{ERASED}', \
             payload = '{{}}' WHERE user_id IN {users}"
        ),
    ];
    let report = dispatch!(db, |pool, dialect| {
        let mut tx = pool.begin().await?;
        let mut report = ErasureReport::default();
        for (index, statement) in statements.iter().enumerate() {
            let affected = sqlx::query(statement)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            match index {
                0 => report.orders_anonymised = affected,
                6 | 7 => report.notifications_scrubbed += affected,
                _ => {}
            }
        }
        for term in &terms {
            report.notifications_scrubbed += sqlx::query(&format!(
                "UPDATE notification_jobs SET payload = '{{}}' WHERE {contains_payload}"
            ))
            .bind(term)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            report.audit_rows_scrubbed += sqlx::query(&format!(
                "UPDATE audit_log SET ip = NULL, user_agent = NULL, \
                 details = {scrubbed_details} WHERE {contains_details}"
            ))
            .bind(term)
            .bind(SCRUBBED_DETAILS)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        report.audit_rows_scrubbed += sqlx::query(&format!(
            "UPDATE audit_log SET ip = NULL, user_agent = NULL \
             WHERE (actor_user_id IN {users} OR target_user_id IN {users}) \
             AND (ip IS NOT NULL OR user_agent IS NOT NULL)"
        ))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        // Reviews by or about the erased people go; the products' ratings follow.
        let reviewed: Vec<i64> = sqlx::query_scalar(&erased_subjects.expand(&format!(
            "SELECT DISTINCT product_id FROM reviews \
             WHERE author_user_id IN {users} OR child_id IN {{children}}"
        )))
        .fetch_all(&mut *tx)
        .await?;
        sqlx::query(&erased_subjects.expand(&format!(
            "DELETE FROM reviews WHERE author_user_id IN {users} OR child_id IN {{children}}"
        )))
        .execute(&mut *tx)
        .await?;
        if !reviewed.is_empty() {
            if let Some(lock) = dialect.catalog_write_lock {
                sqlx::query(lock).execute(&mut *tx).await?;
            }
            for product in &reviewed {
                sqlx::query(crate::reviews::RECOMPUTE_RATING)
                    .bind(product)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("INSERT INTO catalog_changes (product_id, op) VALUES ($1, 'upsert')")
                    .bind(product)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        // The principals go; their sessions, carts, wishlists, consents, controls, screen
        // time and search logs cascade, and the kept rows' references become NULL.
        report.children_erased = sqlx::query(
            &erased_subjects.expand("DELETE FROM child_profiles WHERE id IN {children}"),
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
        sqlx::query(&format!("DELETE FROM users WHERE id IN {users}"))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        report
    });
    Ok(report)
}

/// Erases child `child` of `parent`: its profile, controls, consents, screen time, searches,
/// reviews and principal are deleted; its orders stay anonymised. Returns `None` when the
/// parent has no such child.
pub async fn erase_child(
    db: &Db,
    parent: UserId,
    child: ChildId,
) -> DbResult<Option<ErasureReport>> {
    let found: Option<(i64, String)> = dispatch!(db, |pool, _d| {
        sqlx::query_as(
            "SELECT user_id, nickname FROM child_profiles WHERE id = $1 AND parent_user_id = $2",
        )
        .bind(child)
        .bind(parent)
        .fetch_optional(pool)
        .await?
    });
    let Some((child_user, nickname)) = found else {
        return Ok(None);
    };
    let mut subjects = Subjects {
        user_ids: vec![child_user],
        child_ids: vec![child.0],
        ..Subjects::default()
    };
    subjects.order_ids = orders_of(db, &subjects).await?;
    erase_subjects(db, &subjects, &[child_user], vec![nickname])
        .await
        .map(Some)
}

/// Erases the account `user` with all its children (see [`erase_child`]); the account's
/// orders stay anonymised, its audit events stay without personal data.
pub async fn erase_account(db: &Db, user: UserId) -> DbResult<ErasureReport> {
    let subjects = subjects_of(db, user).await?;
    let nicknames: Vec<String> = dispatch!(db, |pool, _d| {
        sqlx::query_scalar("SELECT nickname FROM child_profiles WHERE parent_user_id = $1")
            .bind(user)
            .fetch_all(pool)
            .await?
    });
    let users = subjects.user_ids.clone();
    erase_subjects(db, &subjects, &users, nicknames).await
}

/// The marketing consent of an account.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct MarketingConsent {
    /// Whether the account agreed to marketing (off unless it said so).
    pub consent: bool,
    /// When it agreed.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub consented_at: Option<DateTime<Utc>>,
}

/// Gives (`true`) or withdraws (`false`) the marketing consent of an adult account; children
/// never have it. Returns the state afterwards, or `None` for a child or an unknown account.
pub async fn set_marketing_consent(
    db: &Db,
    user: UserId,
    consent: bool,
    now: DateTime<Utc>,
) -> DbResult<Option<MarketingConsent>> {
    let at = consent.then_some(now);
    let stored: Option<Option<DateTime<Utc>>> = dispatch!(db, |pool, _d| {
        sqlx::query_scalar(
            "UPDATE users SET marketing_consent_at = CASE WHEN $2 THEN \
             COALESCE(marketing_consent_at, $3) ELSE NULL END \
             WHERE id = $1 AND role <> 'child' RETURNING marketing_consent_at",
        )
        .bind(user)
        .bind(consent)
        .bind(at)
        .fetch_optional(pool)
        .await?
    });
    Ok(stored.map(|consented_at| MarketingConsent {
        consent: consented_at.is_some(),
        consented_at,
    }))
}

/// Stores a new password hash for `user`, ends every session of the account and emails the
/// owner a `password_changed` security alert, in one transaction. Returns the sessions ended.
pub async fn store_new_password(
    db: &Db,
    user: UserId,
    hash: &str,
    now: DateTime<Utc>,
) -> DbResult<u64> {
    Ok(dispatch!(db, |pool, _d| {
        let mut tx = pool.begin().await?;
        sqlx::query("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1")
            .bind(user)
            .bind(hash)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        let ended = sqlx::query(
            "UPDATE sessions SET revoked_at = $2, revoked_reason = 'logout_all' \
             WHERE user_id = $1 AND revoked_at IS NULL",
        )
        .bind(user)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        crate::notify::enqueue_security_alert(
            (&mut *tx).into(),
            user.0,
            "password_changed",
            now.timestamp_millis(),
        )
        .await?;
        tx.commit().await?;
        ended
    }))
}
