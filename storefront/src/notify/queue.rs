//! The durable queue on the SQL store: enqueue (inside a caller's transaction), claim under a
//! lease, complete, fail with backoff or to the dead letter, retry, re-send, search and metrics.
//!
//! The same statements run on both backends (`$n` placeholders, `RETURNING`, `ON CONFLICT`);
//! only the claim differs: PostgreSQL skips rows other workers hold (`FOR UPDATE SKIP LOCKED`),
//! SQLite serialises writers so the single `UPDATE … WHERE id IN (SELECT …)` is already atomic.

use super::{
    Address, Channel, Conn, Error, EventKind, Job, Language, Priority, Result, mask_recipient,
    now_ms,
};
use crate::db::{Db, dispatch};
use serde::Serialize;
use std::time::Duration;
use utoipa::ToSchema;

/// A job whose lease ran out this many times (its workers kept dying) is dead: a message that
/// kills its worker must not loop forever. Crashes are counted apart from delivery attempts so
/// that a crash-looping node does not use up the attempts of healthy jobs.
pub const MAX_LEASE_EXPIRIES: i64 = 25;

/// Template version recorded with every job (bump when a template's wording changes).
pub const TEMPLATE_VERSION: i64 = 1;

/// The outcome of an enqueue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enqueued {
    /// A new job with this id.
    Created(i64),
    /// The idempotency key was already used; nothing was added.
    Duplicate,
}

/// A job's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    /// Waiting for `run_at` or a worker.
    Queued,
    /// Held by a worker under a lease.
    Running,
    /// Delivered.
    Delivered,
    /// Failed for good (or attempts exhausted); an admin may retry it.
    Dead,
}

impl JobStatus {
    /// Returns the stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Delivered => "delivered",
            Self::Dead => "dead",
        }
    }

    /// Parses a stored name.
    pub fn parse(name: &str) -> Option<Self> {
        [Self::Queued, Self::Running, Self::Delivered, Self::Dead]
            .into_iter()
            .find(|status| status.as_str() == name)
    }
}

/// One row of `notification_jobs`: a job and its audit record.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize, serde::Deserialize)]
pub struct JobRow {
    /// Id.
    pub id: i64,
    /// Event kind (or task name).
    pub kind: String,
    /// `email`, `sms`, `push` or `task`.
    pub channel: String,
    /// 0 (first) to 3.
    pub priority: i64,
    /// Unique key.
    pub idempotency_key: String,
    /// The account, if any.
    pub user_id: Option<i64>,
    /// Raw address (never shown).
    pub recipient: String,
    /// Masked address (shown in the audit).
    pub recipient_masked: String,
    /// BCP 47 tag.
    pub language: String,
    /// JSON payload.
    pub payload: String,
    /// Template name.
    pub template: Option<String>,
    /// Template version.
    pub template_version: Option<i64>,
    /// `queued`, `running`, `delivered` or `dead`.
    pub status: String,
    /// Attempts started.
    pub attempts: i64,
    /// Claims that ended with the worker gone (lease expired).
    pub lease_expiries: i64,
    /// Attempts allowed.
    pub max_attempts: i64,
    /// Due time (ms).
    pub run_at: i64,
    /// Worker holding the lease.
    pub lease_owner: Option<String>,
    /// Lease end (ms).
    pub lease_until: Option<i64>,
    /// The last failure.
    pub last_error: Option<String>,
    /// Provider's id of the message (SMS id, Message-ID).
    pub provider_ref: Option<String>,
    /// Provider's delivery status (SMS callbacks).
    pub provider_status: Option<String>,
    /// The job this one re-sends.
    pub resend_of: Option<i64>,
    /// Created (ms).
    pub created_at: i64,
    /// Last change (ms).
    pub updated_at: i64,
    /// Delivered (ms).
    pub delivered_at: Option<i64>,
}

impl JobRow {
    /// Returns the channel.
    pub fn channel(&self) -> Result<Channel> {
        Channel::parse(&self.channel)
            .ok_or_else(|| Error::Corrupt(format!("job {}: channel {}", self.id, self.channel)))
    }

    /// Returns the language (Uzbek Latin for an unknown tag).
    pub fn language(&self) -> Language {
        self.language.parse().unwrap_or_default()
    }

    /// Returns the payload as JSON.
    pub fn payload_json(&self) -> Result<serde_json::Value> {
        serde_json::from_str(&self.payload)
            .map_err(|error| Error::Corrupt(format!("job {}: payload: {error}", self.id)))
    }

    /// Returns the status.
    pub fn status(&self) -> Result<JobStatus> {
        JobStatus::parse(&self.status)
            .ok_or_else(|| Error::Corrupt(format!("job {}: status {}", self.id, self.status)))
    }
}

pub(super) const COLUMNS: &str = "id, kind, channel, priority, idempotency_key, user_id, recipient, \
    recipient_masked, language, payload, template, template_version, status, attempts, \
    lease_expiries, max_attempts, run_at, lease_owner, lease_until, last_error, provider_ref, provider_status, \
    resend_of, created_at, updated_at, delivered_at";

/// A row to insert.
struct NewRow<'a> {
    kind: &'a str,
    channel: Channel,
    priority: Priority,
    key: &'a str,
    user_id: Option<i64>,
    recipient: String,
    masked: String,
    language: Language,
    payload: String,
    template: Option<&'a str>,
    max_attempts: i64,
    run_at: i64,
    resend_of: Option<i64>,
}

const INSERT: &str = "INSERT INTO notification_jobs (kind, channel, priority, idempotency_key, \
    user_id, recipient, recipient_masked, language, payload, template, template_version, status, \
    attempts, max_attempts, run_at, resend_of, created_at, updated_at) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'queued', 0, $12, $13, $14, $15, $15) \
    ON CONFLICT (idempotency_key) DO NOTHING RETURNING id";

macro_rules! on_conn {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            Conn::Sqlite($c) => $body,
            Conn::Postgres($c) => $body,
        }
    };
}

async fn insert_row(conn: Conn<'_>, row: &NewRow<'_>) -> Result<Enqueued> {
    let now = now_ms();
    let id: Option<i64> = on_conn!(conn, |c| {
        sqlx::query_scalar(INSERT)
            .bind(row.kind)
            .bind(row.channel.as_str())
            .bind(row.priority.as_i64())
            .bind(row.key)
            .bind(row.user_id)
            .bind(&row.recipient)
            .bind(&row.masked)
            .bind(row.language.tag())
            .bind(&row.payload)
            .bind(row.template)
            .bind(row.template.map(|_| TEMPLATE_VERSION))
            .bind(row.max_attempts)
            .bind(row.run_at)
            .bind(row.resend_of)
            .bind(now)
            .fetch_optional(&mut *c)
            .await?
    });
    Ok(match id {
        Some(id) => Enqueued::Created(id),
        None => Enqueued::Duplicate,
    })
}

fn check_key(key: &str) -> Result<()> {
    if key.is_empty() || key.len() > 200 || key.chars().any(char::is_control) {
        return Err(Error::InvalidKey(
            "idempotency keys have 1 to 200 printable characters".to_owned(),
        ));
    }
    Ok(())
}

/// Validates `job` and inserts it on `conn`.
pub(super) async fn enqueue_event(mut conn: Conn<'_>, job: Job) -> Result<Enqueued> {
    check_key(&job.idempotency_key)?;
    let payload = match &job.payload {
        serde_json::Value::Object(map) => map,
        _ => {
            return Err(Error::InvalidPayload(
                "the payload is a JSON object".to_owned(),
            ));
        }
    };
    for field in job.kind.required_fields() {
        if payload.get(*field).is_none_or(serde_json::Value::is_null) {
            return Err(Error::InvalidPayload(format!(
                "{} needs the field {field}",
                job.kind
            )));
        }
    }
    let recipient = match &job.recipient.address {
        Address::Email(email) => {
            let email = email.trim().to_lowercase();
            email
                .parse::<lettre::Address>()
                .map_err(|error| Error::InvalidRecipient(format!("email address: {error}")))?;
            email
        }
        Address::Phone(phone) => super::sms::normalize_phone(phone).ok_or_else(|| {
            Error::InvalidRecipient(format!("not an Uzbek phone number: {phone}"))
        })?,
        Address::Push => match job.recipient.user_id {
            Some(id) => id.to_string(),
            None => {
                return Err(Error::InvalidRecipient(
                    "push needs the recipient's account".to_owned(),
                ));
            }
        },
    };
    // Render once now: a payload the templates cannot use is the caller's error, not a dead
    // letter later.
    super::templates::render(job.kind, job.recipient.language, &job.payload)
        .map_err(Error::InvalidPayload)?;
    if job.kind.is_marketing() {
        // Marketing only to an adult account, checked in the same transaction.
        let Some(user_id) = job.recipient.user_id else {
            return Err(Error::MarketingToChild);
        };
        // And only with the account's separate, optional marketing consent (issue 6).
        let role: Option<(String, bool)> = on_conn!(&mut conn, |c| {
            sqlx::query_as("SELECT role, marketing_consent_at IS NOT NULL FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_optional(&mut **c)
                .await?
        });
        match role {
            Some((role, consented)) if role != "child" => {
                if !consented {
                    return Err(Error::NoMarketingConsent);
                }
            }
            Some(_) | None => return Err(Error::MarketingToChild),
        }
    }
    let address = match &job.recipient.address {
        Address::Email(_) => Address::Email(recipient.clone()),
        Address::Phone(_) => Address::Phone(recipient.clone()),
        Address::Push => Address::Push,
    };
    let row = NewRow {
        kind: job.kind.as_str(),
        channel: job.recipient.channel(),
        priority: job.priority,
        key: &job.idempotency_key,
        user_id: job.recipient.user_id,
        masked: mask_recipient(&address, job.recipient.user_id),
        recipient,
        language: job.recipient.language,
        payload: job.payload.to_string(),
        template: Some(job.kind.as_str()),
        max_attempts: job.kind.max_attempts(),
        run_at: job.run_at.map_or_else(now_ms, |at| at.timestamp_millis()),
        resend_of: None,
    };
    insert_row(conn, &row).await
}

/// Enqueues a run of the named background task (see [`super::worker::TaskRegistry`]).
pub async fn enqueue_task(
    conn: Conn<'_>,
    name: &str,
    idempotency_key: &str,
    payload: serde_json::Value,
    run_at_ms: i64,
) -> Result<Enqueued> {
    check_key(idempotency_key)?;
    let row = NewRow {
        kind: name,
        channel: Channel::Task,
        priority: Priority::Transactional,
        key: idempotency_key,
        user_id: None,
        recipient: String::new(),
        masked: String::new(),
        language: Language::En,
        payload: payload.to_string(),
        template: None,
        max_attempts: 5,
        run_at: run_at_ms,
        resend_of: None,
    };
    insert_row(conn, &row).await
}

/// Claims up to `limit` ready jobs for `owner` for `lease`, highest priority first. A job whose
/// lease ran out (its worker died) is ready again. Each claim counts as an attempt.
pub async fn claim(db: &Db, owner: &str, limit: i64, lease: Duration) -> Result<Vec<JobRow>> {
    let now = now_ms();
    let until = now + i64::try_from(lease.as_millis()).unwrap_or(i64::MAX / 2);
    // A job whose workers kept dying is dead (see MAX_LEASE_EXPIRIES).
    dispatch!(db, |pool, _d| {
        sqlx::query(
            "UPDATE notification_jobs SET status = 'dead', lease_owner = NULL, \
             lease_until = NULL, updated_at = $1, lease_expiries = lease_expiries + 1, \
             last_error = 'its workers kept stopping during delivery (lease expired)' \
             WHERE status = 'running' AND lease_until < $1 AND lease_expiries + 1 >= $2",
        )
        .bind(now)
        .bind(MAX_LEASE_EXPIRIES)
        .execute(pool)
        .await?;
    });
    let ready = "(status = 'queued' AND run_at <= $3) OR (status = 'running' AND lease_until < $3)";
    let mut rows: Vec<JobRow> = match db {
        Db::Sqlite(pool) => {
            sqlx::query_as(&format!(
                "UPDATE notification_jobs SET status = 'running', lease_owner = $1, \
                 lease_until = $2, attempts = attempts + 1, updated_at = $3, \
                 lease_expiries = lease_expiries + CASE WHEN status = 'running' THEN 1 ELSE 0 END \
                 WHERE id IN (SELECT id FROM notification_jobs WHERE {ready} \
                 ORDER BY priority, run_at, id LIMIT $4) RETURNING {COLUMNS}"
            ))
            .bind(owner)
            .bind(until)
            .bind(now)
            .bind(limit)
            .fetch_all(pool)
            .await?
        }
        Db::Postgres(pool) => {
            sqlx::query_as(&format!(
                "UPDATE notification_jobs SET status = 'running', lease_owner = $1, \
                 lease_until = $2, attempts = attempts + 1, updated_at = $3, \
                 lease_expiries = lease_expiries + CASE WHEN status = 'running' THEN 1 ELSE 0 END \
                 WHERE id IN (SELECT id FROM notification_jobs WHERE {ready} \
                 ORDER BY priority, run_at, id LIMIT $4 FOR UPDATE SKIP LOCKED) \
                 RETURNING {COLUMNS}"
            ))
            .bind(owner)
            .bind(until)
            .bind(now)
            .bind(limit)
            .fetch_all(pool)
            .await?
        }
    };
    rows.sort_by_key(|row| (row.priority, row.run_at, row.id));
    Ok(rows)
}

/// Extends the lease of a job `owner` still holds. Returns `false` when the lease was lost.
pub async fn extend_lease(db: &Db, id: i64, owner: &str, lease: Duration) -> Result<bool> {
    let until = now_ms() + i64::try_from(lease.as_millis()).unwrap_or(i64::MAX / 2);
    let changed = dispatch!(db, |pool, _d| {
        sqlx::query(
            "UPDATE notification_jobs SET lease_until = $3 \
             WHERE id = $1 AND lease_owner = $2 AND status = 'running'",
        )
        .bind(id)
        .bind(owner)
        .bind(until)
        .execute(pool)
        .await?
        .rows_affected()
    });
    Ok(changed == 1)
}

/// Marks a job `owner` holds as delivered. Returns `false` when the lease was lost meanwhile
/// (another worker took the job; at-least-once delivery).
pub async fn complete(db: &Db, id: i64, owner: &str, provider_ref: Option<&str>) -> Result<bool> {
    let now = now_ms();
    let changed = dispatch!(db, |pool, _d| {
        sqlx::query(
            "UPDATE notification_jobs SET status = 'delivered', lease_owner = NULL, \
             lease_until = NULL, delivered_at = $3, updated_at = $3, \
             provider_ref = COALESCE($4, provider_ref) \
             WHERE id = $1 AND lease_owner = $2 AND status = 'running'",
        )
        .bind(id)
        .bind(owner)
        .bind(now)
        .bind(provider_ref)
        .execute(pool)
        .await?
        .rows_affected()
    });
    Ok(changed == 1)
}

/// How a failed attempt ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOutcome {
    /// Queued again for this time (ms).
    Retry(i64),
    /// Moved to the dead letter.
    Dead,
    /// The lease was lost meanwhile; nothing changed.
    LeaseLost,
}

/// Records a failed attempt: the job is queued again after `backoff` unless it is `permanent`
/// or out of attempts, in which case it is dead.
pub async fn fail(
    db: &Db,
    job: &JobRow,
    owner: &str,
    error: &str,
    permanent: bool,
    backoff: Duration,
) -> Result<FailOutcome> {
    let now = now_ms();
    let error: String = error.chars().take(1000).collect();
    let dead = permanent || job.attempts >= job.max_attempts;
    let run_at = now + i64::try_from(backoff.as_millis()).unwrap_or(i64::MAX / 4);
    let changed = dispatch!(db, |pool, _d| {
        sqlx::query(
            "UPDATE notification_jobs SET status = $3, lease_owner = NULL, lease_until = NULL, \
             last_error = $4, run_at = $5, updated_at = $6 \
             WHERE id = $1 AND lease_owner = $2 AND status = 'running'",
        )
        .bind(job.id)
        .bind(owner)
        .bind(if dead { "dead" } else { "queued" })
        .bind(&error)
        .bind(if dead { job.run_at } else { run_at })
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected()
    });
    Ok(match (changed, dead) {
        (0, _) => FailOutcome::LeaseLost,
        (_, true) => FailOutcome::Dead,
        (_, false) => FailOutcome::Retry(run_at),
    })
}

/// Returns the exponential backoff before attempt `attempts + 1`: `base · 2^(attempts-1)`,
/// capped at `max`, with "equal jitter" (a uniformly random half) so that retries of a burst
/// spread out.
pub fn backoff(attempts: i64, base: Duration, max: Duration) -> Duration {
    use rand::Rng;
    let exponent = u32::try_from(attempts.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
    let full = base.saturating_mul(1u32 << exponent).min(max);
    let half = full / 2;
    let jitter = rand::rng().random_range(0..=half.as_millis().min(u128::from(u64::MAX)) as u64);
    half + Duration::from_millis(jitter)
}

/// Returns one job.
pub async fn job_by_id(db: &Db, id: i64) -> Result<JobRow> {
    let row: Option<JobRow> = dispatch!(db, |pool, _d| {
        sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM notification_jobs WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(pool)
        .await?
    });
    row.ok_or(Error::NotFound(id))
}

/// Returns the job with an idempotency key.
pub async fn job_by_key(db: &Db, key: &str) -> Result<Option<JobRow>> {
    Ok(dispatch!(db, |pool, _d| {
        sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM notification_jobs WHERE idempotency_key = $1"
        ))
        .bind(key)
        .fetch_optional(pool)
        .await?
    }))
}

/// Puts a dead job back in the queue, due now, with fresh attempts (the manual retry).
pub async fn retry_dead(db: &Db, id: i64) -> Result<()> {
    let now = now_ms();
    let changed = dispatch!(db, |pool, _d| {
        sqlx::query(
            "UPDATE notification_jobs SET status = 'queued', attempts = 0, run_at = $2, \
             updated_at = $2, relayed_at = NULL WHERE id = $1 AND status = 'dead'",
        )
        .bind(id)
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected()
    });
    if changed == 1 {
        return Ok(());
    }
    let job = job_by_id(db, id).await?;
    Err(Error::Conflict(format!(
        "notification {id} is {}, only a dead one can be retried",
        job.status
    )))
}

/// Sends a notification again as a new job (same recipient, payload and template) and returns
/// the new job's id. The new job's idempotency key is `<old key>:resend:<n>`.
pub async fn resend(db: &Db, id: i64) -> Result<i64> {
    let job = job_by_id(db, id).await?;
    let channel = job.channel()?;
    if channel == Channel::Task {
        return Err(Error::Conflict(format!(
            "job {id} is a background task, not a notification"
        )));
    }
    let kind = EventKind::parse(&job.kind)
        .ok_or_else(|| Error::Corrupt(format!("job {id}: kind {}", job.kind)))?;
    let resends: i64 = dispatch!(db, |pool, _d| {
        sqlx::query_scalar("SELECT COUNT(*) FROM notification_jobs WHERE resend_of = $1")
            .bind(id)
            .fetch_one(pool)
            .await?
    });
    let key = format!("{}:resend:{}", job.idempotency_key, resends + 1);
    let key = if key.len() > 200 {
        format!("resend:{id}:{}", resends + 1)
    } else {
        key
    };
    let priority = Priority::from_i64(job.priority)
        .ok_or_else(|| Error::Corrupt(format!("job {id}: priority {}", job.priority)))?;
    let row = NewRow {
        kind: &job.kind,
        channel,
        priority,
        key: &key,
        user_id: job.user_id,
        recipient: job.recipient.clone(),
        masked: job.recipient_masked.clone(),
        language: job.language(),
        payload: job.payload.clone(),
        template: job.template.as_deref(),
        max_attempts: kind.max_attempts(),
        run_at: now_ms(),
        resend_of: Some(id),
    };
    let enqueued = dispatch!(db, |pool, _d| {
        let mut conn = pool.acquire().await?;
        insert_row((&mut *conn).into(), &row).await?
    });
    match enqueued {
        Enqueued::Created(new_id) => Ok(new_id),
        Enqueued::Duplicate => Err(Error::Conflict(format!(
            "notification {id} is being re-sent already"
        ))),
    }
}

/// Records a provider's delivery report (e.g. an SMS callback) on the job it names. Returns
/// whether a job matched.
pub async fn record_provider_status(db: &Db, provider_ref: &str, status: &str) -> Result<bool> {
    let status: String = status.chars().take(64).collect();
    let changed = dispatch!(db, |pool, _d| {
        sqlx::query(
            "UPDATE notification_jobs SET provider_status = $2, updated_at = $3 \
             WHERE provider_ref = $1",
        )
        .bind(provider_ref)
        .bind(&status)
        .bind(now_ms())
        .execute(pool)
        .await?
        .rows_affected()
    });
    Ok(changed > 0)
}

/// Filters of the audit search.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Event kind.
    pub kind: Option<String>,
    /// Channel.
    pub channel: Option<Channel>,
    /// Status.
    pub status: Option<JobStatus>,
    /// Account.
    pub user_id: Option<i64>,
    /// Created at or after (ms).
    pub since: Option<i64>,
    /// Created before (ms).
    pub until: Option<i64>,
    /// Newest first; jobs with an id below this (keyset paging).
    pub before_id: Option<i64>,
    /// Page size.
    pub limit: i64,
}

/// Searches the audit trail, newest first. Background tasks are left out.
pub async fn search(db: &Db, filter: &AuditFilter) -> Result<Vec<JobRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM notification_jobs WHERE channel <> 'task' \
         AND ($1 IS NULL OR kind = $1) AND ($2 IS NULL OR channel = $2) \
         AND ($3 IS NULL OR status = $3) AND ($4 IS NULL OR user_id = $4) \
         AND ($5 IS NULL OR created_at >= $5) AND ($6 IS NULL OR created_at < $6) \
         AND ($7 IS NULL OR id < $7) ORDER BY id DESC LIMIT $8"
    );
    let sql = match db {
        Db::Sqlite(_) => sql,
        // PostgreSQL needs the parameter types where they only meet NULL.
        Db::Postgres(_) => sql
            .replace("$1 IS NULL", "$1::text IS NULL")
            .replace("$2 IS NULL", "$2::text IS NULL")
            .replace("$3 IS NULL", "$3::text IS NULL")
            .replace("$4 IS NULL", "$4::bigint IS NULL")
            .replace("$5 IS NULL", "$5::bigint IS NULL")
            .replace("$6 IS NULL", "$6::bigint IS NULL")
            .replace("$7 IS NULL", "$7::bigint IS NULL"),
    };
    Ok(dispatch!(db, |pool, _d| {
        sqlx::query_as(&sql)
            .bind(filter.kind.as_deref())
            .bind(filter.channel.map(Channel::as_str))
            .bind(filter.status.map(JobStatus::as_str))
            .bind(filter.user_id)
            .bind(filter.since)
            .bind(filter.until)
            .bind(filter.before_id)
            .bind(filter.limit.clamp(1, 500))
            .fetch_all(pool)
            .await?
    }))
}

/// Queue depth of one priority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PriorityDepth {
    /// The priority.
    pub priority: Priority,
    /// Jobs queued (due or scheduled).
    pub queued: i64,
    /// Jobs held by workers.
    pub running: i64,
}

/// Queue metrics.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct QueueMetrics {
    /// Depth per priority, first to last.
    pub depth: Vec<PriorityDepth>,
    /// Age in milliseconds of the oldest job that is due and not delivered (0 when none).
    pub oldest_due_age_ms: i64,
    /// Jobs in the dead letter.
    pub dead: i64,
    /// Delivered in the window.
    pub delivered_last_hour: i64,
    /// Moved to the dead letter in the window.
    pub dead_last_hour: i64,
    /// Failed attempts (retries and dead letters) over all finished attempts in the window.
    pub failure_rate_last_hour: f64,
}

/// (status, priority, count) rows, the oldest due `run_at`, and (delivered, dead, failed
/// attempts) of the last hour.
type MetricRows = (Vec<(String, i64, i64)>, Option<i64>, (i64, i64, i64));

/// Computes the queue metrics.
pub async fn metrics(db: &Db) -> Result<QueueMetrics> {
    let now = now_ms();
    let hour_ago = now - 3_600_000;
    let (by_status, oldest, recent): MetricRows = dispatch!(db, |pool, _d| {
        let by_status = sqlx::query_as(
            "SELECT status, priority, COUNT(*) FROM notification_jobs \
                 WHERE status IN ('queued', 'running', 'dead') GROUP BY status, priority",
        )
        .fetch_all(pool)
        .await?;
        let oldest = sqlx::query_scalar(
            "SELECT MIN(run_at) FROM notification_jobs \
                 WHERE status IN ('queued', 'running') AND run_at <= $1",
        )
        .bind(now)
        .fetch_one(pool)
        .await?;
        // Attempts past the first of a delivered job, and every attempt of a dead one,
        // count as failures; a delivered job's last attempt as a success.
        let recent = sqlx::query_as(
                "SELECT \
                   CAST(COALESCE(SUM(CASE WHEN status = 'delivered' THEN 1 ELSE 0 END), 0) AS BIGINT), \
                   CAST(COALESCE(SUM(CASE WHEN status = 'dead' THEN 1 ELSE 0 END), 0) AS BIGINT), \
                   CAST(COALESCE(SUM(CASE WHEN status = 'delivered' THEN attempts - 1 \
                                     WHEN status = 'dead' THEN attempts \
                                     ELSE 0 END), 0) AS BIGINT) \
                 FROM notification_jobs WHERE updated_at >= $1 AND channel <> 'task'",
            )
            .bind(hour_ago)
            .fetch_one(pool)
            .await?;
        (by_status, oldest, recent)
    });
    let mut depth: Vec<PriorityDepth> = Priority::ALL
        .into_iter()
        .map(|priority| PriorityDepth {
            priority,
            queued: 0,
            running: 0,
        })
        .collect();
    let mut dead = 0;
    for (status, priority, count) in by_status {
        let slot =
            Priority::from_i64(priority).and_then(|p| depth.iter_mut().find(|d| d.priority == p));
        match (status.as_str(), slot) {
            ("queued", Some(slot)) => slot.queued += count,
            ("running", Some(slot)) => slot.running += count,
            ("dead", _) => dead += count,
            _ => {}
        }
    }
    let (delivered, dead_recent, failed_attempts) = recent;
    let finished = delivered + failed_attempts;
    Ok(QueueMetrics {
        depth,
        oldest_due_age_ms: oldest.map_or(0, |at| (now - at).max(0)),
        dead,
        delivered_last_hour: delivered,
        dead_last_hour: dead_recent,
        failure_rate_last_hour: if finished == 0 {
            0.0
        } else {
            failed_attempts as f64 / finished as f64
        },
    })
}

/// Deletes delivered and dead jobs (and finished tasks) last changed before `before_ms`.
/// Returns how many were deleted.
pub async fn purge_finished(db: &Db, before_ms: i64) -> Result<u64> {
    Ok(dispatch!(db, |pool, _d| {
        sqlx::query(
            "DELETE FROM notification_jobs WHERE status IN ('delivered', 'dead') \
             AND updated_at < $1",
        )
        .bind(before_ms)
        .execute(pool)
        .await?
        .rows_affected()
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_exponentially_with_jitter_and_a_cap() {
        let base = Duration::from_millis(100);
        let max = Duration::from_secs(10);
        for attempts in 1..=12 {
            let full = base.saturating_mul(1 << (attempts - 1)).min(max);
            for _ in 0..50 {
                let delay = backoff(attempts, base, max);
                assert!(delay >= full / 2 && delay <= full, "{attempts}: {delay:?}");
            }
        }
        let spread: std::collections::BTreeSet<_> =
            (0..50).map(|_| backoff(5, base, max)).collect();
        assert!(spread.len() > 10, "jitter spreads retries");
    }

    #[test]
    fn keys_are_checked() {
        assert!(check_key("order_paid:1:email").is_ok());
        assert!(check_key("").is_err());
        assert!(check_key(&"k".repeat(201)).is_err());
        assert!(check_key("a\nb").is_err());
    }
}
