//! The queue's repository: items, the filtered queue, the decision record, and transitions
//! written together with the product's status and the outbox.

use super::QueueState;
use crate::db::accounts::UserId;
use crate::db::{Db, DbError, DbResult, dispatch};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// A queue item as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ItemRow {
    /// The product.
    pub product_id: i64,
    /// Workflow state name.
    pub state: String,
    /// Edit revision.
    pub revision: i64,
    /// The screening's reasons (JSON array).
    pub reasons: String,
    /// `,code1,code2,`.
    pub reason_codes: String,
    /// The strongest reason's score.
    pub top_score: f64,
    /// The rules and models that screened the current revision.
    pub screened_by: String,
    /// First submission.
    pub submitted_at: DateTime<Utc>,
    /// When it (re-)entered the queue; the SLA runs from here.
    pub queued_at: DateTime<Utc>,
    /// The assigned moderator.
    pub assigned_to: Option<i64>,
    /// When it was assigned.
    pub assigned_at: Option<DateTime<Utc>>,
    /// When it was last decided (by the screening or a person).
    pub decided_at: Option<DateTime<Utc>>,
    /// The person who decided (`None` for the screening).
    pub decided_by: Option<i64>,
    /// The decision's reason.
    pub decision_reason: Option<String>,
    /// The seller's appeal.
    pub appeal_message: Option<String>,
    /// When the seller appealed.
    pub appealed_at: Option<DateTime<Utc>>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl ItemRow {
    /// Returns the parsed state.
    pub fn state(&self) -> DbResult<QueueState> {
        QueueState::parse(&self.state).ok_or_else(|| {
            DbError::Corrupt(format!(
                "moderation item {} has state {:?}",
                self.product_id, self.state
            ))
        })
    }

    /// Returns the screening's reasons.
    pub fn reasons(&self) -> DbResult<Vec<moderation::Reason>> {
        serde_json::from_str(&self.reasons).map_err(|error| {
            DbError::Corrupt(format!(
                "moderation item {} has reasons that do not parse: {error}",
                self.product_id
            ))
        })
    }
}

/// A queue entry: the item with its product's seller and a title.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct QueueRow {
    /// The item.
    #[sqlx(flatten)]
    pub item: ItemRow,
    /// The product's seller.
    pub seller_id: i64,
    /// The first title the product has (uz, ru, en, uz-Cyrl).
    pub title: String,
}

/// One record of the decision trail.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct DecisionRow {
    /// Identifier (the trail's order).
    pub id: i64,
    /// The product.
    pub product_id: i64,
    /// The revision decided.
    pub revision: i64,
    /// When.
    #[schema(value_type = String, format = DateTime)]
    pub at: DateTime<Utc>,
    /// The person who acted, if a person did.
    pub actor_user_id: Option<i64>,
    /// The rules and model versions, if the screening acted.
    pub actor_model: Option<String>,
    /// `screen`, `assign`, `decide` or `appeal`.
    pub action: String,
    /// State before.
    pub from_state: String,
    /// State after.
    pub to_state: String,
    /// Why.
    pub reason: String,
    /// The reasons with their scores at the time (JSON array text).
    pub scores: String,
}

/// What to list from the queue.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueueFilter {
    /// States to include (at least one).
    pub states: Vec<QueueState>,
    /// Only items with this reason code.
    pub reason: Option<String>,
    /// Only items whose strongest score is at least this.
    pub min_score: Option<f64>,
    /// Only items whose strongest score is at most this.
    pub max_score: Option<f64>,
    /// Only items queued before this time (overdue).
    pub queued_before: Option<DateTime<Utc>>,
    /// `Some(None)`: unassigned only; `Some(Some(id))`: assigned to `id`.
    pub assigned_to: Option<Option<i64>>,
    /// Page size.
    pub limit: u32,
    /// Items skipped.
    pub offset: u64,
}

/// A person's transition of one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransitionKind {
    /// A moderator's decision.
    Decide,
    /// An assignment to a moderator.
    Assign(UserId),
    /// The seller's appeal.
    Appeal,
}

impl TransitionKind {
    fn action(self) -> &'static str {
        match self {
            Self::Decide => "decide",
            Self::Assign(_) => "assign",
            Self::Appeal => "appeal",
        }
    }
}

/// A transition to write; applied only if the item is still at `revision` in `from`.
#[derive(Debug, Clone)]
pub struct TransitionWrite<'a> {
    /// The product.
    pub product_id: i64,
    /// The revision the actor saw.
    pub revision: i64,
    /// The state the actor saw.
    pub from: QueueState,
    /// The new state.
    pub to: QueueState,
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub actor: UserId,
    /// Why (the decision reason, or the appeal message).
    pub reason: &'a str,
    /// The reasons and scores the decision was made on (JSON array text).
    pub scores_json: &'a str,
    /// What kind of transition.
    pub kind: TransitionKind,
}

/// A decision record to append.
#[derive(Debug, Clone)]
pub(crate) struct DecisionInsert<'a> {
    pub product_id: i64,
    pub revision: i64,
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<i64>,
    pub actor_model: Option<&'a str>,
    pub action: &'static str,
    pub from: QueueState,
    pub to: QueueState,
    pub reason: &'a str,
    pub scores_json: &'a str,
}

/// Appends a decision record inside the transaction `$tx`.
macro_rules! insert_decision {
    ($tx:expr, $d:expr) => {{
        let d = $d;
        sqlx::query(
            "INSERT INTO moderation_decisions (product_id, revision, at, actor_user_id, \
             actor_model, action, from_state, to_state, reason, scores) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(d.product_id)
        .bind(d.revision)
        .bind(d.at)
        .bind(d.actor_user_id)
        .bind(d.actor_model)
        .bind(d.action)
        .bind(d.from.as_str())
        .bind(d.to.as_str())
        .bind(d.reason)
        .bind(d.scores_json)
        .execute($tx)
        .await?;
    }};
}
pub(crate) use insert_decision;

pub(crate) const ITEM_COLUMNS: &str = "i.product_id, i.state, i.revision, i.reasons, \
     i.reason_codes, i.top_score, i.screened_by, i.submitted_at, i.queued_at, i.assigned_to, \
     i.assigned_at, i.decided_at, i.decided_by, i.decision_reason, i.appeal_message, \
     i.appealed_at, i.updated_at";

/// A value bound to a dynamically built query.
enum Bind {
    Text(String),
    Real(f64),
    Time(DateTime<Utc>),
    Int(i64),
}

/// Binds `$binds` to `$query` in order.
macro_rules! bind_all {
    ($query:expr, $binds:expr) => {{
        let mut query = $query;
        for bind in $binds {
            query = match bind {
                Bind::Text(value) => query.bind(value.clone()),
                Bind::Real(value) => query.bind(*value),
                Bind::Time(value) => query.bind(*value),
                Bind::Int(value) => query.bind(*value),
            };
        }
        query
    }};
}

impl QueueFilter {
    /// Returns the `WHERE` clause and its binds.
    fn where_clause(&self) -> (String, Vec<Bind>) {
        let mut clauses = Vec::new();
        let mut binds = Vec::new();
        let next = |bind: Bind, binds: &mut Vec<Bind>| {
            binds.push(bind);
            format!("${}", binds.len())
        };
        let states: Vec<String> = self
            .states
            .iter()
            .map(|state| next(Bind::Text(state.as_str().to_owned()), &mut binds))
            .collect();
        if states.is_empty() {
            clauses.push("FALSE".to_owned());
        } else {
            clauses.push(format!("i.state IN ({})", states.join(", ")));
        }
        if let Some(reason) = &self.reason {
            let placeholder = next(Bind::Text(format!("%,{reason},%")), &mut binds);
            clauses.push(format!("i.reason_codes LIKE {placeholder}"));
        }
        if let Some(min) = self.min_score {
            let placeholder = next(Bind::Real(min), &mut binds);
            clauses.push(format!("i.top_score >= {placeholder}"));
        }
        if let Some(max) = self.max_score {
            let placeholder = next(Bind::Real(max), &mut binds);
            clauses.push(format!("i.top_score <= {placeholder}"));
        }
        if let Some(before) = self.queued_before {
            let placeholder = next(Bind::Time(before), &mut binds);
            clauses.push(format!("i.queued_at < {placeholder}"));
        }
        match self.assigned_to {
            None => {}
            Some(None) => clauses.push("i.assigned_to IS NULL".to_owned()),
            Some(Some(user)) => {
                let placeholder = next(Bind::Int(user), &mut binds);
                clauses.push(format!("i.assigned_to = {placeholder}"));
            }
        }
        (clauses.join(" AND "), binds)
    }
}

impl Db {
    /// Returns the queue item of a product.
    pub async fn moderation_item(&self, product_id: i64) -> DbResult<Option<ItemRow>> {
        let sql = format!("SELECT {ITEM_COLUMNS} FROM moderation_items i WHERE i.product_id = $1");
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_as::<_, ItemRow>(&sql)
                .bind(product_id)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// Returns a seller's products, oldest first: id, first title, store status, and the
    /// queue item when the product has one (products imported before the queue have none).
    pub async fn seller_products(
        &self,
        seller_id: i64,
    ) -> DbResult<Vec<(i64, String, String, Option<ItemRow>)>> {
        let products: Vec<(i64, String, String)> = dispatch!(self, |pool, _d| {
            sqlx::query_as(
                "SELECT p.id, COALESCE(p.title_uz, p.title_ru, p.title_en, p.title_uz_cyrl), \
                 p.status FROM products p WHERE p.seller_id = $1 ORDER BY p.id",
            )
            .bind(seller_id)
            .fetch_all(pool)
            .await?
        });
        let sql = format!(
            "SELECT {ITEM_COLUMNS} FROM moderation_items i JOIN products p ON p.id = i.product_id \
             WHERE p.seller_id = $1"
        );
        let items: Vec<ItemRow> = dispatch!(self, |pool, _d| {
            sqlx::query_as::<_, ItemRow>(&sql)
                .bind(seller_id)
                .fetch_all(pool)
                .await?
        });
        let mut by_product: std::collections::HashMap<i64, ItemRow> = items
            .into_iter()
            .map(|item| (item.product_id, item))
            .collect();
        Ok(products
            .into_iter()
            .map(|(id, title, status)| {
                let item = by_product.remove(&id);
                (id, title, status, item)
            })
            .collect())
    }

    /// Returns one page of the filtered queue, oldest queued first, and the number of items
    /// matching the filter.
    pub async fn moderation_queue(&self, filter: &QueueFilter) -> DbResult<(Vec<QueueRow>, u64)> {
        let (where_clause, binds) = filter.where_clause();
        let page_sql = format!(
            "SELECT {ITEM_COLUMNS}, p.seller_id, \
             COALESCE(p.title_uz, p.title_ru, p.title_en, p.title_uz_cyrl) AS title \
             FROM moderation_items i JOIN products p ON p.id = i.product_id \
             WHERE {where_clause} ORDER BY i.queued_at, i.product_id LIMIT {} OFFSET {}",
            filter.limit, filter.offset
        );
        let count_sql = format!("SELECT COUNT(*) FROM moderation_items i WHERE {where_clause}");
        let (rows, total) = dispatch!(self, |pool, _d| {
            let rows = bind_all!(sqlx::query_as::<_, QueueRow>(&page_sql), &binds)
                .fetch_all(pool)
                .await?;
            let total: i64 = bind_all!(sqlx::query_scalar(&count_sql), &binds)
                .fetch_one(pool)
                .await?;
            (rows, total)
        });
        Ok((rows, u64::try_from(total).unwrap_or(0)))
    }

    /// Returns a product's decision trail, oldest first.
    pub async fn moderation_history(&self, product_id: i64) -> DbResult<Vec<DecisionRow>> {
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_as::<_, DecisionRow>(
                "SELECT id, product_id, revision, at, actor_user_id, actor_model, action, \
                 from_state, to_state, reason, scores FROM moderation_decisions \
                 WHERE product_id = $1 ORDER BY id",
            )
            .bind(product_id)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Queues every held (`pending`) product that has no queue item yet, such as products the
    /// seed imported and its screening held, as `flagged` with the reasons stored on the
    /// product. Idempotent; returns how many it queued.
    pub async fn enqueue_held_products(&self, at: DateTime<Utc>) -> DbResult<u64> {
        let held: Vec<(i64, String)> = dispatch!(self, |pool, _d| {
            sqlx::query_as(
                "SELECT p.id, p.moderation_reasons FROM products p WHERE p.status = 'pending' \
                 AND NOT EXISTS (SELECT 1 FROM moderation_items i WHERE i.product_id = p.id) \
                 ORDER BY p.id",
            )
            .fetch_all(pool)
            .await?
        });
        if held.is_empty() {
            return Ok(0);
        }
        let screened_by = "moderation-rules (catalogue import)";
        let mut items = Vec::with_capacity(held.len());
        for (id, reasons_json) in held {
            let reasons: Vec<moderation::Reason> =
                serde_json::from_str(&reasons_json).map_err(|error| {
                    DbError::Corrupt(format!(
                        "product {id} has reasons that do not parse: {error}"
                    ))
                })?;
            let codes: std::collections::BTreeSet<&str> =
                reasons.iter().map(|reason| reason.code.as_str()).collect();
            let reason_codes = format!(
                ",{}",
                codes
                    .iter()
                    .map(|code| format!("{code},"))
                    .collect::<String>()
            );
            let top = reasons
                .iter()
                .map(|reason| f64::from(reason.score))
                .fold(0.0, f64::max)
                .clamp(0.0, 1.0);
            items.push((id, reasons_json, reason_codes, top));
        }
        Ok(dispatch!(self, |pool, _d| {
            let mut tx = pool.begin().await?;
            let mut queued = 0;
            for (id, reasons_json, reason_codes, top) in &items {
                let inserted = sqlx::query(
                    "INSERT INTO moderation_items (product_id, state, revision, reasons, \
                     reason_codes, top_score, screened_by, submitted_at, queued_at, updated_at) \
                     VALUES ($1, 'flagged', 1, $2, $3, $4, $5, $6, $6, $6) \
                     ON CONFLICT (product_id) DO NOTHING",
                )
                .bind(*id)
                .bind(reasons_json)
                .bind(reason_codes)
                .bind(*top)
                .bind(screened_by)
                .bind(at)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if inserted == 0 {
                    continue;
                }
                insert_decision!(
                    &mut *tx,
                    DecisionInsert {
                        product_id: *id,
                        revision: 1,
                        at,
                        actor_user_id: None,
                        actor_model: Some(screened_by),
                        action: "screen",
                        from: QueueState::Pending,
                        to: QueueState::Flagged,
                        reason: "held by the screening of the catalogue import",
                        scores_json: reasons_json,
                    }
                );
                queued += 1;
            }
            tx.commit().await?;
            queued
        }))
    }

    /// Writes a person's transition in one transaction: the item (only if it is still at the
    /// revision and state the person saw), the product's store status with its outbox row when
    /// that changes, and the decision record. Returns whether it was applied.
    pub async fn apply_moderation_transition(&self, write: &TransitionWrite<'_>) -> DbResult<bool> {
        let status_changes = write.from.product_status() != write.to.product_status();
        Ok(dispatch!(self, |pool, dialect| {
            let mut tx = pool.begin().await?;
            if let Some(lock) = dialect.catalog_write_lock {
                sqlx::query(lock).execute(&mut *tx).await?;
            }
            let query = match write.kind {
                TransitionKind::Decide => sqlx::query(
                    "UPDATE moderation_items SET state = $4, decided_at = $5, decided_by = $6, \
                     decision_reason = $7, updated_at = $5 \
                     WHERE product_id = $1 AND revision = $2 AND state = $3",
                )
                .bind(write.product_id)
                .bind(write.revision)
                .bind(write.from.as_str())
                .bind(write.to.as_str())
                .bind(write.at)
                .bind(write.actor.0)
                .bind(write.reason),
                TransitionKind::Assign(assignee) => sqlx::query(
                    "UPDATE moderation_items SET assigned_to = $5, assigned_at = $4, \
                     updated_at = $4 WHERE product_id = $1 AND revision = $2 AND state = $3",
                )
                .bind(write.product_id)
                .bind(write.revision)
                .bind(write.from.as_str())
                .bind(write.at)
                .bind(assignee.0),
                TransitionKind::Appeal => sqlx::query(
                    "UPDATE moderation_items SET state = $4, appeal_message = $6, \
                     appealed_at = $5, queued_at = $5, assigned_to = NULL, assigned_at = NULL, \
                     updated_at = $5 WHERE product_id = $1 AND revision = $2 AND state = $3",
                )
                .bind(write.product_id)
                .bind(write.revision)
                .bind(write.from.as_str())
                .bind(write.to.as_str())
                .bind(write.at)
                .bind(write.reason),
            };
            let affected = query.execute(&mut *tx).await?.rows_affected();
            if affected == 0 {
                tx.rollback().await?;
                false
            } else {
                if status_changes {
                    sqlx::query("UPDATE products SET status = $2, updated_at = $3 WHERE id = $1")
                        .bind(write.product_id)
                        .bind(write.to.product_status().as_str())
                        .bind(write.at)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query(
                        "INSERT INTO catalog_changes (product_id, op) VALUES ($1, 'upsert')",
                    )
                    .bind(write.product_id)
                    .execute(&mut *tx)
                    .await?;
                }
                insert_decision!(
                    &mut *tx,
                    DecisionInsert {
                        product_id: write.product_id,
                        revision: write.revision,
                        at: write.at,
                        actor_user_id: Some(write.actor.0),
                        actor_model: None,
                        action: write.kind.action(),
                        from: write.from,
                        to: write.to,
                        reason: write.reason,
                        scores_json: write.scores_json,
                    }
                );
                // The seller hears of the decision in the same transaction (issue 8).
                let decision = write.to.product_status().as_str();
                if status_changes
                    && matches!(write.kind, TransitionKind::Decide)
                    && matches!(decision, "approved" | "rejected")
                {
                    crate::notify::events::on_moderation_decision(
                        (&mut *tx).into(),
                        write.product_id,
                        write.revision,
                        decision,
                        write.reason,
                    )
                    .await?;
                }
                tx.commit().await?;
                true
            }
        }))
    }
}
