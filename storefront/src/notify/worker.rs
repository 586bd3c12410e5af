//! The worker: claims jobs under a lease, renews the lease while it delivers (heartbeat),
//! records the outcome, and enqueues the runs of recurring tasks.

use super::email::Mailer;
use super::push::PushSender;
use super::queue::{self, FailOutcome, JobRow};
use super::redis_queue::{RELAY_BATCH, RedisQueue};
use super::sms::SmsProvider;
use super::{Channel, Conn, EventKind, now_ms, templates};
use crate::auth::rate_limit::{Decision, RateLimiter, Rule};
use crate::db::Db;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// A boxed, sendable future (object-safe async traits).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Why a delivery failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryError {
    /// Worth retrying later (network, 4xx SMTP, 5xx/429 HTTP, rate limits).
    #[error("{0}")]
    Transient(String),
    /// Retrying cannot help (bad address, refused content, no subscription).
    #[error("{0}")]
    Permanent(String),
}

/// What a successful delivery reports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Delivered {
    /// The provider's id of the message (Message-ID, SMS id).
    pub provider_ref: Option<String>,
}

/// Delivers claimed notification jobs.
pub trait Sink: Send + Sync {
    /// Delivers one job (email, SMS or push).
    fn deliver<'a>(
        &'a self,
        db: &'a Db,
        job: &'a JobRow,
    ) -> BoxFuture<'a, Result<Delivered, DeliveryError>>;
}

/// SMS per phone number: at most 5 per 10 minutes (a guard against SMS pumping and loops).
pub const SMS_PER_PHONE: Rule = Rule {
    name: "sms_phone",
    limit: 5,
    window_seconds: 10 * 60,
};

/// The real channels; a missing one fails its jobs (transiently, so configuring it later
/// delivers them, until their attempts run out).
#[derive(Default)]
pub struct Channels {
    /// SMTP.
    pub email: Option<Mailer>,
    /// The SMS gateway.
    pub sms: Option<Arc<dyn SmsProvider>>,
    /// Web push.
    pub push: Option<PushSender>,
    /// Per-phone SMS limits (in Redis when configured).
    pub sms_limiter: Option<RateLimiter>,
}

impl Channels {
    async fn deliver_job(&self, db: &Db, job: &JobRow) -> Result<Delivered, DeliveryError> {
        let kind = EventKind::parse(&job.kind)
            .ok_or_else(|| DeliveryError::Permanent(format!("unknown event kind {}", job.kind)))?;
        let payload = job
            .payload_json()
            .map_err(|error| DeliveryError::Permanent(error.to_string()))?;
        let language = job.language();
        let rendered =
            templates::render(kind, language, &payload).map_err(DeliveryError::Permanent)?;
        let channel = job
            .channel()
            .map_err(|error| DeliveryError::Permanent(error.to_string()))?;
        match channel {
            Channel::Email => {
                let mailer = self.email.as_ref().ok_or_else(|| {
                    DeliveryError::Transient(
                        "email is not configured (BOLAJON_SMTP_HOST)".to_owned(),
                    )
                })?;
                let message = mailer.build(
                    &job.recipient,
                    &rendered,
                    &job.idempotency_key,
                    language.tag(),
                )?;
                let id = message.headers().get_raw("Message-ID").map(str::to_owned);
                mailer.send(message).await?;
                Ok(Delivered { provider_ref: id })
            }
            Channel::Sms => {
                let provider = self.sms.as_ref().ok_or_else(|| {
                    DeliveryError::Transient(
                        "sms is not configured (BOLAJON_ESKIZ_EMAIL)".to_owned(),
                    )
                })?;
                if let Some(limiter) = &self.sms_limiter
                    && let Decision::Limited {
                        retry_after_seconds,
                    } = limiter
                        .hit(&SMS_PER_PHONE, &job.recipient, now_ms() / 1000)
                        .await
                {
                    return Err(DeliveryError::Transient(format!(
                        "sms rate limit for {}: retry in {retry_after_seconds} s",
                        job.recipient_masked
                    )));
                }
                let id = provider.send(&job.recipient, &rendered.sms).await?;
                Ok(Delivered {
                    provider_ref: Some(id),
                })
            }
            Channel::Push => {
                let sender = self.push.as_ref().ok_or_else(|| {
                    DeliveryError::Transient(
                        "push is not configured (BOLAJON_VAPID_PRIVATE_KEY)".to_owned(),
                    )
                })?;
                let user_id = job.user_id.ok_or_else(|| {
                    DeliveryError::Permanent("push job without a user".to_owned())
                })?;
                let urgency = match kind.default_priority() {
                    super::Priority::Otp | super::Priority::ParentApproval => "high",
                    super::Priority::Transactional => "normal",
                    super::Priority::Digest => "low",
                };
                let outcome = sender
                    .send(db, user_id, &rendered, urgency, kind.as_str())
                    .await?;
                Ok(Delivered {
                    provider_ref: Some(format!("push:{}", outcome.delivered)),
                })
            }
            Channel::Task => Err(DeliveryError::Permanent(
                "a task reached the notification sink".to_owned(),
            )),
        }
    }
}

impl Sink for Channels {
    fn deliver<'a>(
        &'a self,
        db: &'a Db,
        job: &'a JobRow,
    ) -> BoxFuture<'a, Result<Delivered, DeliveryError>> {
        Box::pin(self.deliver_job(db, job))
    }
}

/// A named background task.
pub trait TaskHandler: Send + Sync {
    /// Runs one occurrence with the payload it was enqueued with.
    fn run<'a>(
        &'a self,
        db: &'a Db,
        payload: &'a serde_json::Value,
    ) -> BoxFuture<'a, Result<(), DeliveryError>>;
}

impl<F> TaskHandler for F
where
    F: for<'a> Fn(&'a Db, &'a serde_json::Value) -> BoxFuture<'a, Result<(), DeliveryError>>
        + Send
        + Sync,
{
    fn run<'a>(
        &'a self,
        db: &'a Db,
        payload: &'a serde_json::Value,
    ) -> BoxFuture<'a, Result<(), DeliveryError>> {
        self(db, payload)
    }
}

/// Named tasks and the recurring schedule, registered at start-up by the modules that own
/// them (e.g. `orders.expire_unpaid`, `payments.payme_sweep`).
#[derive(Default, Clone)]
pub struct TaskRegistry {
    handlers: BTreeMap<String, Arc<dyn TaskHandler>>,
    recurring: Vec<(String, Duration)>,
}

/// Name of the built-in retention purge.
pub const RETENTION_PURGE: &str = "notifications.retention_purge";
/// How long delivered and dead notifications stay in the audit trail.
pub const RETENTION: Duration = Duration::from_secs(180 * 24 * 3600);

fn retention_purge<'a>(
    db: &'a Db,
    _payload: &'a serde_json::Value,
) -> BoxFuture<'a, Result<(), DeliveryError>> {
    Box::pin(async move {
        let before = now_ms() - i64::try_from(RETENTION.as_millis()).unwrap_or(i64::MAX / 2);
        let purged = queue::purge_finished(db, before)
            .await
            .map_err(|error| DeliveryError::Transient(error.to_string()))?;
        tracing::info!(
            purged,
            "retention purge removed {purged} finished notifications"
        );
        Ok(())
    })
}

impl TaskRegistry {
    /// The registry with the built-in tasks (the daily notification and privacy retention
    /// purges).
    pub fn with_builtins() -> Self {
        let mut registry = Self::default();
        registry.register(RETENTION_PURGE, retention_purge);
        registry.every(RETENTION_PURGE, Duration::from_secs(24 * 3600));
        // The privacy retention policy (docs/retention.md), daily.
        registry.register(
            crate::privacy::retention::RETENTION_TASK,
            crate::privacy::retention::purge_task,
        );
        registry.every(
            crate::privacy::retention::RETENTION_TASK,
            Duration::from_secs(24 * 3600),
        );
        registry
    }

    /// Registers the handler of task `name` (replacing an earlier one).
    pub fn register(&mut self, name: &str, handler: impl TaskHandler + 'static) {
        self.handlers.insert(name.to_owned(), Arc::new(handler));
    }

    /// Runs task `name` once per `period` (aligned to the Unix epoch; one run per period
    /// across every node, by the idempotency key `recurring:<name>:<period index>`).
    pub fn every(&mut self, name: &str, period: Duration) {
        debug_assert!(period >= Duration::from_secs(1));
        self.recurring.retain(|(existing, _)| existing != name);
        self.recurring.push((name.to_owned(), period));
    }

    /// Returns the handler of task `name`.
    pub fn handler(&self, name: &str) -> Option<Arc<dyn TaskHandler>> {
        self.handlers.get(name).cloned()
    }

    /// Returns the recurring tasks with their periods.
    pub fn recurring(&self) -> &[(String, Duration)] {
        &self.recurring
    }

    /// Returns the registered task names.
    pub fn names(&self) -> Vec<String> {
        self.handlers.keys().cloned().collect()
    }

    /// Enqueues the current period's run of every recurring task (a no-op for those already
    /// enqueued). Returns how many were new.
    pub async fn enqueue_due(&self, db: &Db) -> super::Result<usize> {
        let now = now_ms();
        let mut created = 0;
        for (name, period) in &self.recurring {
            let period_ms = i64::try_from(period.as_millis()).unwrap_or(i64::MAX).max(1);
            let slot = now.div_euclid(period_ms);
            let key = format!("recurring:{name}:{slot}");
            let enqueued = crate::db::dispatch!(db, |pool, _d| {
                let mut conn = pool.acquire().await?;
                queue::enqueue_task(
                    Conn::from(&mut *conn),
                    name,
                    &key,
                    serde_json::json!({ "slot": slot }),
                    slot * period_ms,
                )
                .await?
            });
            if matches!(enqueued, queue::Enqueued::Created(_)) {
                created += 1;
            }
        }
        Ok(created)
    }
}

/// Worker tuning.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// Lease of a claimed job; renewed every third of it while the delivery runs.
    pub lease: Duration,
    /// Jobs claimed at once (and delivered concurrently).
    pub batch: i64,
    /// Sleep when the queue is empty (a notify wakes the worker earlier).
    pub idle_poll: Duration,
    /// First retry delay.
    pub backoff_base: Duration,
    /// Longest retry delay.
    pub backoff_max: Duration,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            lease: Duration::from_secs(60),
            batch: 8,
            idle_poll: Duration::from_millis(500),
            backoff_base: Duration::from_secs(10),
            backoff_max: Duration::from_secs(3600),
        }
    }
}

/// One worker. Several may run, on one node or many: claims never overlap.
#[derive(Clone)]
pub struct Worker {
    db: Db,
    owner: String,
    sink: Arc<dyn Sink>,
    tasks: Arc<TaskRegistry>,
    settings: WorkerSettings,
    wakeup: Arc<tokio::sync::Notify>,
    redis: Option<Arc<RedisQueue>>,
}

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PassReport {
    /// Jobs claimed.
    pub claimed: usize,
    /// Delivered.
    pub delivered: usize,
    /// Queued again for a retry.
    pub retried: usize,
    /// Moved to the dead letter.
    pub dead: usize,
}

enum Outcome {
    Delivered,
    Retried,
    Dead,
    Lost,
}

impl Worker {
    /// A worker with a random owner id.
    pub fn new(
        db: Db,
        sink: Arc<dyn Sink>,
        tasks: Arc<TaskRegistry>,
        settings: WorkerSettings,
    ) -> Self {
        let mut bytes = [0u8; 8];
        let _ = getrandom::fill(&mut bytes);
        let owner = bytes.iter().map(|b| format!("{b:02x}")).collect();
        Self {
            db,
            owner,
            sink,
            tasks,
            settings,
            wakeup: Arc::new(tokio::sync::Notify::new()),
            redis: None,
        }
    }

    /// Claims from the Redis queue (shared by every node) instead of the SQL one; each pass
    /// first relays newly enqueued jobs from the SQL outbox (see [`super::redis_queue`]).
    pub fn with_redis(mut self, queue: Arc<RedisQueue>) -> Self {
        self.redis = Some(queue);
        self
    }

    /// Returns the Redis queue, when the worker uses one.
    pub fn redis(&self) -> Option<&Arc<RedisQueue>> {
        self.redis.as_ref()
    }

    /// Uses `wakeup` (e.g. the app state's) to be woken after an enqueue.
    pub fn with_wakeup(mut self, wakeup: Arc<tokio::sync::Notify>) -> Self {
        self.wakeup = wakeup;
        self
    }

    /// Returns the handle that wakes the worker (after an enqueue).
    pub fn wakeup(&self) -> Arc<tokio::sync::Notify> {
        self.wakeup.clone()
    }

    /// Returns the store the worker serves.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Returns the worker's owner id (as stored in `lease_owner`).
    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// Claims one batch and delivers it. Returns what happened.
    pub async fn run_once(&self) -> super::Result<PassReport> {
        let jobs = match &self.redis {
            None => {
                queue::claim(
                    &self.db,
                    &self.owner,
                    self.settings.batch,
                    self.settings.lease,
                )
                .await?
            }
            Some(redis) => {
                redis.relay(&self.db, RELAY_BATCH).await?;
                redis
                    .claim(
                        &self.db,
                        &self.owner,
                        self.settings.batch,
                        self.settings.lease,
                    )
                    .await?
            }
        };
        let mut report = PassReport {
            claimed: jobs.len(),
            ..PassReport::default()
        };
        let mut running = tokio::task::JoinSet::new();
        for job in jobs {
            let worker = self.clone();
            running.spawn(async move { worker.process(job).await });
        }
        while let Some(result) = running.join_next().await {
            match result {
                Ok(Ok(Outcome::Delivered)) => report.delivered += 1,
                Ok(Ok(Outcome::Retried)) => report.retried += 1,
                Ok(Ok(Outcome::Dead)) => report.dead += 1,
                Ok(Ok(Outcome::Lost)) => {}
                Ok(Err(error)) => tracing::warn!(%error, "recording a job outcome failed: {error}"),
                Err(error) => tracing::error!(%error, "a delivery task failed: {error}"),
            }
        }
        Ok(report)
    }

    async fn process(&self, job: JobRow) -> super::Result<Outcome> {
        let deliver = self.deliver(&job);
        tokio::pin!(deliver);
        let mut heartbeat = tokio::time::interval(self.settings.lease / 3);
        heartbeat.tick().await;
        let result = loop {
            tokio::select! {
                result = &mut deliver => break result,
                _ = heartbeat.tick() => {
                    let held = match &self.redis {
                        None => queue::extend_lease(&self.db, job.id, &self.owner, self.settings.lease).await?,
                        Some(redis) => redis.extend_lease(job.id, &self.owner, self.settings.lease).await?,
                    };
                    if !held {
                        tracing::warn!(job = job.id, "lost the lease of job {}", job.id);
                    }
                }
            }
        };
        match result {
            Ok(delivered) => {
                let provider_ref = delivered.provider_ref.as_deref();
                let done = match &self.redis {
                    None => queue::complete(&self.db, job.id, &self.owner, provider_ref).await?,
                    Some(redis) => {
                        redis
                            .complete(&self.db, &job, &self.owner, provider_ref)
                            .await?
                    }
                };
                Ok(if done {
                    Outcome::Delivered
                } else {
                    Outcome::Lost
                })
            }
            Err(error) => {
                let permanent = matches!(error, DeliveryError::Permanent(_));
                let delay = queue::backoff(
                    job.attempts,
                    self.settings.backoff_base,
                    self.settings.backoff_max,
                );
                let message = error.to_string();
                let outcome = match &self.redis {
                    None => {
                        queue::fail(&self.db, &job, &self.owner, &message, permanent, delay).await?
                    }
                    Some(redis) => {
                        redis
                            .fail(&self.db, &job, &self.owner, &message, permanent, delay)
                            .await?
                    }
                };
                match outcome {
                    FailOutcome::Retry(at) => {
                        tracing::info!(job = job.id, kind = %job.kind, attempts = job.attempts, %error, "job {} failed, retry at {at}: {error}", job.id);
                        Ok(Outcome::Retried)
                    }
                    FailOutcome::Dead => {
                        tracing::warn!(job = job.id, kind = %job.kind, attempts = job.attempts, %error, "job {} is dead: {error}", job.id);
                        Ok(Outcome::Dead)
                    }
                    FailOutcome::LeaseLost => Ok(Outcome::Lost),
                }
            }
        }
    }

    async fn deliver(&self, job: &JobRow) -> Result<Delivered, DeliveryError> {
        if job.channel == Channel::Task.as_str() {
            let handler = self.tasks.handlers.get(&job.kind).ok_or_else(|| {
                DeliveryError::Transient(format!("no handler registered for task {}", job.kind))
            })?;
            let payload = job
                .payload_json()
                .map_err(|error| DeliveryError::Permanent(error.to_string()))?;
            handler.run(&self.db, &payload).await?;
            return Ok(Delivered::default());
        }
        self.sink.deliver(&self.db, job).await
    }

    /// Runs until `stop` turns true: enqueues recurring tasks every few seconds and delivers
    /// whatever is due, sleeping when the queue is empty.
    pub async fn run(self, mut stop: tokio::sync::watch::Receiver<bool>) {
        let mut last_schedule = None::<tokio::time::Instant>;
        loop {
            if *stop.borrow() {
                return;
            }
            if last_schedule.is_none_or(|at| at.elapsed() >= Duration::from_secs(5)) {
                if let Err(error) = self.tasks.enqueue_due(&self.db).await {
                    tracing::warn!(%error, "enqueueing recurring tasks failed: {error}");
                }
                last_schedule = Some(tokio::time::Instant::now());
            }
            let idle = match self.run_once().await {
                Ok(report) => report.claimed == 0,
                Err(error) => {
                    tracing::warn!(%error, "the notification worker failed a pass: {error}");
                    true
                }
            };
            if idle {
                tokio::select! {
                    _ = stop.changed() => {}
                    () = self.wakeup.notified() => {}
                    () = tokio::time::sleep(self.settings.idle_poll) => {}
                }
            }
        }
    }
}
