//! The business events that notify someone, each enqueued in the transaction of the change that
//! causes it (the outbox): order placed / paid / shipped / delivered / refunded and a child's
//! purchase request (with approve and decline links) to the parent or buyer, a child's spending
//! limit reached, a seller's moderation decision, and a review held or approved.
//!
//! The recipient is resolved in the same transaction: a child's order, limit or review goes to
//! the parent (children get no marketing and, having no address of their own, no mail at all),
//! by email when the account has one, else by SMS, in the account's language
//! (`users.language`, set with `PUT /api/v1/notify/preferences`). An account with neither
//! address gets nothing. Keys are `<event>:<business id>[:<detail>]`, so a replayed business
//! change enqueues nothing twice.

use super::{Conn, EventKind, Job, Language, Recipient, Result, enqueue};
use std::sync::OnceLock;

static PUBLIC_URL: OnceLock<String> = OnceLock::new();

/// Sets the public base URL used in links (approve / decline); called once at start-up.
pub fn set_public_url(url: &str) {
    let _ = PUBLIC_URL.set(url.trim_end_matches('/').to_owned());
}

/// Returns the public base URL (`http://127.0.0.1:3000` unless set).
pub fn public_url() -> &'static str {
    PUBLIC_URL.get_or_init(|| "http://127.0.0.1:3000".to_owned())
}

macro_rules! on_conn {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            Conn::Sqlite($c) => $body,
            Conn::Postgres($c) => $body,
        }
    };
}

/// An account's addresses and language.
#[derive(Debug, Clone, sqlx::FromRow)]
struct Account {
    email: Option<String>,
    phone: Option<String>,
    language: String,
    role: String,
}

async fn account(conn: &mut Conn<'_>, user: i64) -> Result<Option<Account>> {
    let sql = "SELECT email, phone, language, role FROM users WHERE id = $1";
    Ok(on_conn!(conn, |c| {
        sqlx::query_as::<_, Account>(sql)
            .bind(user)
            .fetch_optional(&mut **c)
            .await?
    }))
}

/// The adult who hears about `user`'s business: the parent of a child account, else the
/// account itself.
async fn responsible_adult(conn: &mut Conn<'_>, user: i64) -> Result<Option<(i64, Account)>> {
    let Some(found) = account(conn, user).await? else {
        return Ok(None);
    };
    if found.role != "child" {
        return Ok(Some((user, found)));
    }
    let parent: Option<i64> = on_conn!(conn, |c| {
        sqlx::query_scalar("SELECT parent_user_id FROM child_profiles WHERE user_id = $1")
            .bind(user)
            .fetch_optional(&mut **c)
            .await?
    });
    match parent {
        Some(parent) => Ok(account(conn, parent).await?.map(|found| (parent, found))),
        None => Ok(None),
    }
}

fn recipient(user: i64, account: &Account) -> Option<Recipient> {
    let language: Language = account.language.parse().unwrap_or_default();
    if let Some(email) = &account.email {
        return Some(Recipient::email(Some(user), email, language));
    }
    account
        .phone
        .as_ref()
        .map(|phone| Recipient::phone(Some(user), phone, language))
}

fn title_column(language: Language) -> &'static str {
    match language {
        Language::UzLatn => "COALESCE(p.title_uz, p.title_uz_cyrl, p.title_ru, p.title_en)",
        Language::UzCyrl => "COALESCE(p.title_uz_cyrl, p.title_uz, p.title_ru, p.title_en)",
        Language::Ru => "COALESCE(p.title_ru, p.title_uz, p.title_en, p.title_uz_cyrl)",
        Language::En => "COALESCE(p.title_en, p.title_uz, p.title_ru, p.title_uz_cyrl)",
    }
}

async fn product_title(conn: &mut Conn<'_>, product: i64, language: Language) -> Result<String> {
    let sql = format!(
        "SELECT {} FROM products p WHERE p.id = $1",
        title_column(language)
    );
    let title: Option<Option<String>> = on_conn!(conn, |c| {
        sqlx::query_scalar(&sql)
            .bind(product)
            .fetch_optional(&mut **c)
            .await?
    });
    Ok(title.flatten().unwrap_or_else(|| format!("#{product}")))
}

/// What an order event needs: (buyer, child's nickname, total, first line's title, lines).
type OrderFacts = (Option<i64>, Option<String>, i64, Option<String>, i64);

/// Enqueues the notification an order event causes, if any, in the caller's transaction.
/// `kind` is the `order_events` kind; `payload` its payload. Called by
/// [`crate::commerce::orders::insert_event`], so every order event is covered.
pub async fn on_order_event(
    mut conn: Conn<'_>,
    order: i64,
    kind: &str,
    payload: &serde_json::Value,
) -> Result<()> {
    let event = match kind {
        "order_placed" => EventKind::OrderPlaced,
        "purchase_request" => EventKind::PurchaseRequest,
        "order_paid" => EventKind::OrderPaid,
        "order_shipped" => EventKind::OrderShipped,
        "order_delivered" => EventKind::OrderDelivered,
        "order_refunded" => EventKind::OrderRefunded,
        _ => return Ok(()),
    };
    let facts: Option<OrderFacts> = on_conn!(&mut conn, |c| {
        sqlx::query_as(
            "SELECT o.buyer_user_id, cp.nickname, o.total_tiyin, \
             (SELECT l.title FROM order_lines l WHERE l.order_id = o.id ORDER BY l.id LIMIT 1), \
             (SELECT COUNT(*) FROM order_lines l WHERE l.order_id = o.id) \
             FROM orders o LEFT JOIN child_profiles cp ON cp.id = o.child_id WHERE o.id = $1",
        )
        .bind(order)
        .fetch_optional(&mut **c)
        .await?
    });
    let Some((Some(buyer), nickname, total, first_title, lines)) = facts else {
        return Ok(());
    };
    let Some((user, adult)) = responsible_adult(&mut conn, buyer).await? else {
        return Ok(());
    };
    let Some(to) = recipient(user, &adult) else {
        return Ok(());
    };
    let (key, payload) = match event {
        EventKind::PurchaseRequest => {
            let base = public_url();
            let product = match (first_title, lines) {
                (Some(title), 1) => title,
                (Some(title), n) => format!("{title} (+{})", n - 1),
                (None, _) => format!("#{order}"),
            };
            (
                format!("purchase_request:{order}"),
                serde_json::json!({
                    "order_id": order,
                    "child_name": nickname.unwrap_or_else(|| "?".to_owned()),
                    "product_name": product,
                    "price_tiyin": total,
                    "approve_url": format!("{base}/family/purchase-requests?order={order}&decision=approve"),
                    "decline_url": format!("{base}/family/purchase-requests?order={order}&decision=decline"),
                }),
            )
        }
        EventKind::OrderRefunded => {
            let amount = payload["amount_tiyin"].as_i64().unwrap_or(total);
            let refunded = payload["refunded_tiyin"].as_i64().unwrap_or(amount);
            (
                format!("order_refunded:{order}:{refunded}"),
                serde_json::json!({ "order_id": order, "amount_tiyin": amount }),
            )
        }
        EventKind::OrderShipped => (
            format!("order_shipped:{order}"),
            match payload["tracking"].as_str() {
                Some(tracking) => serde_json::json!({ "order_id": order, "tracking": tracking }),
                None => serde_json::json!({ "order_id": order }),
            },
        ),
        _ => (
            format!("{event}:{order}"),
            serde_json::json!({ "order_id": order, "total_tiyin": total }),
        ),
    };
    enqueue(conn, Job::event(event, key, to, payload)).await?;
    Ok(())
}

/// Enqueues the seller's notice of a moderation decision on `product` (revision `revision`):
/// `decision` is `approved` or `rejected`.
pub async fn on_moderation_decision(
    mut conn: Conn<'_>,
    product: i64,
    revision: i64,
    decision: &str,
    reason: &str,
) -> Result<()> {
    let sellers: Vec<i64> = on_conn!(&mut conn, |c| {
        sqlx::query_scalar(
            "SELECT u.id FROM users u JOIN products p ON p.seller_id = u.seller_id \
             WHERE p.id = $1 AND u.role = 'seller' ORDER BY u.id",
        )
        .bind(product)
        .fetch_all(&mut **c)
        .await?
    });
    for user in sellers {
        let Some(found) = account(&mut conn, user).await? else {
            continue;
        };
        let Some(to) = recipient(user, &found) else {
            continue;
        };
        let title = product_title(&mut conn, product, to.language).await?;
        let reason: String = reason.chars().take(300).collect();
        let job = Job::event(
            EventKind::ModerationDecision,
            format!("moderation_decision:{product}:{revision}:{decision}:{user}"),
            to,
            serde_json::json!({ "product_name": title, "decision": decision, "reason": reason }),
        );
        on_conn!(&mut conn, |c| enqueue(Conn::from(&mut **c), job).await?);
    }
    Ok(())
}

/// Enqueues the author's (a child's: the parent's) notice that review `review` of `product`
/// was held for moderation (`published == false`) or approved.
pub async fn on_review(
    mut conn: Conn<'_>,
    review: i64,
    author: i64,
    product: i64,
    published: bool,
) -> Result<()> {
    let Some((user, adult)) = responsible_adult(&mut conn, author).await? else {
        return Ok(());
    };
    let Some(to) = recipient(user, &adult) else {
        return Ok(());
    };
    let title = product_title(&mut conn, product, to.language).await?;
    let (event, key) = if published {
        (
            EventKind::ReviewApproved,
            format!("review_approved:{review}"),
        )
    } else {
        (EventKind::ReviewHeld, format!("review_held:{review}"))
    };
    enqueue(
        conn,
        Job::event(event, key, to, serde_json::json!({ "product_name": title })),
    )
    .await?;
    Ok(())
}

/// Enqueues the parent's notice that child profile `child` hit a spending limit: `limit` and
/// `spent` in tiyin, one notice per child, limit and Tashkent day (`day`, e.g. `2026-12-07`).
pub async fn on_limit_reached(
    mut conn: Conn<'_>,
    child: i64,
    limit: i64,
    spent: i64,
    day: &str,
) -> Result<()> {
    let found: Option<(i64, String)> = on_conn!(&mut conn, |c| {
        sqlx::query_as("SELECT parent_user_id, nickname FROM child_profiles WHERE id = $1")
            .bind(child)
            .fetch_optional(&mut **c)
            .await?
    });
    let Some((parent, nickname)) = found else {
        return Ok(());
    };
    let Some(adult) = account(&mut conn, parent).await? else {
        return Ok(());
    };
    let Some(to) = recipient(parent, &adult) else {
        return Ok(());
    };
    enqueue(
        conn,
        Job::event(
            EventKind::LimitReached,
            format!("limit_reached:{child}:{limit}:{day}"),
            to,
            serde_json::json!({ "child_name": nickname, "limit_tiyin": limit, "spent_tiyin": spent }),
        ),
    )
    .await?;
    Ok(())
}

/// Returns an account's notification language.
pub async fn language_of(db: &crate::db::Db, user: i64) -> Result<Option<Language>> {
    let tag: Option<String> = crate::db::dispatch!(db, |pool, _d| {
        sqlx::query_scalar("SELECT language FROM users WHERE id = $1")
            .bind(user)
            .fetch_optional(pool)
            .await?
    });
    Ok(tag.map(|tag| tag.parse().unwrap_or_default()))
}

/// Sets an account's notification language. Returns whether the account exists.
pub async fn set_language(db: &crate::db::Db, user: i64, language: Language) -> Result<bool> {
    let changed = crate::db::dispatch!(db, |pool, _d| {
        sqlx::query("UPDATE users SET language = $2 WHERE id = $1")
            .bind(user)
            .bind(language.tag())
            .execute(pool)
            .await?
            .rows_affected()
    });
    Ok(changed == 1)
}
