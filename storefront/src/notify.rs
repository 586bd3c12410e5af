//! Notifications: a durable job queue on the SQL store, delivery by email (SMTP), SMS (an
//! Eskiz-style gateway) and web push, localised templates, and an audit trail.
//!
//! # Enqueueing (the transactional outbox)
//!
//! A business change and the notifications it causes commit together: call [`enqueue`] with the
//! caller's own transaction, so a crash can neither lose nor invent a message.
//!
//! ```ignore
//! // Inside an orders repository function, after the order row is written:
//! dispatch!(db, |pool, _d| {
//!     let mut tx = pool.begin().await?;
//!     /* ... INSERT INTO orders ... */
//!     notify::enqueue(
//!         (&mut *tx).into(),
//!         notify::Job::event(
//!             notify::EventKind::OrderPaid,
//!             format!("order_paid:{order_id}"),
//!             notify::Recipient::email(parent_id, &parent_email, language),
//!             serde_json::json!({ "order_id": order_id, "total_tiyin": total }),
//!         ),
//!     )
//!     .await?;
//!     tx.commit().await?;
//! });
//! ```
//!
//! The idempotency key is unique: enqueueing the same key twice is a no-op
//! ([`Enqueued::Duplicate`]), so a retried request cannot send twice. Keys are
//! `"<event>:<business id>[:<channel>]"`, e.g. `order_paid:42:email`.
//!
//! # Event kinds and their payloads
//!
//! | kind | priority | payload (JSON object; `*` required) |
//! | --- | --- | --- |
//! | `otp` | otp | `code`*, `minutes`* (validity) |
//! | `purchase_request` | parent approval | `child_name`*, `product_name`*, `price_tiyin`*, `approve_url`*, `decline_url`* |
//! | `limit_reached` | parent approval | `child_name`*, `limit_tiyin`*, `spent_tiyin`* |
//! | `order_placed` | transactional | `order_id`*, `total_tiyin`* |
//! | `order_paid` | transactional | `order_id`*, `total_tiyin`* |
//! | `order_shipped` | transactional | `order_id`*, `tracking` |
//! | `order_delivered` | transactional | `order_id`* |
//! | `order_refunded` | transactional | `order_id`*, `amount_tiyin`* |
//! | `moderation_decision` | transactional | `product_name`*, `decision`* (`approved`/`rejected`), `reason` |
//! | `review_held` | transactional | `product_name`* |
//! | `review_approved` | transactional | `product_name`* |
//! | `security_alert` | transactional | `event`* (`totp_enabled`, `totp_disabled`, `password_changed`, `sessions_revoked`) |
//! | `digest` (marketing) | digest | `items`* (array of product names) |
//!
//! Money is integer tiyin and is shown in so'm. Children never receive marketing: [`enqueue`]
//! refuses a marketing kind for a child account or for an address with no adult account behind
//! it ([`Error::MarketingToChild`]), and an adult's account only with its separate, optional
//! marketing consent ([`Error::NoMarketingConsent`]; see [`crate::privacy`]).
//!
//! # Delivery
//!
//! [`worker::Worker`] claims ready jobs in priority order under a lease, renews the lease while
//! it delivers, and records the outcome: delivered, retried later with exponential backoff and
//! jitter, or dead (permanent failure or attempts exhausted; an admin may retry it). A worker
//! that dies leaves its lease to run out, and another worker takes the job again, so delivery
//! is at least once; the email Message-ID is derived from the idempotency key so the receiving
//! side can drop a repeat. Recurring maintenance (retention purge, and whatever other modules
//! register by name in [`worker::TaskRegistry`]) runs through the same queue, once per period
//! across every node.
//!
//! # Backends
//!
//! The queue runs on the SQL store by default ([`queue`]) and on Redis when configured
//! (`BOLAJON_NOTIFY_QUEUE=auto` with `BOLAJON_REDIS_URL`, or `redis`; see [`redis_queue`]), so
//! several service nodes share one queue without polling the database for claims. The outbox,
//! the idempotency keys and the audit trail stay in SQL in both cases: on Redis a relay copies
//! committed jobs from `notification_jobs` into Redis and the worker writes each outcome back,
//! so "a crash can neither lose nor invent a message" holds the same way (see the
//! [`redis_queue`] docs for the argument). [`worker::Worker::with_redis`] switches a worker.
//!
//! # Events
//!
//! [`events`] turns business changes into notifications inside their transactions: every
//! `order_events` row (placed, ask-to-buy, paid, shipped, delivered, refunded), a child's
//! spending limit reached by a payment, a seller's moderation decision, and a review held or
//! published. The recipient's language is the account's `users.language`.

pub mod bench;
pub mod email;
pub mod events;
pub mod push;
pub mod queue;
pub mod redis_queue;
pub mod sms;
pub mod templates;
pub mod worker;

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use utoipa::ToSchema;

pub use queue::{Enqueued, JobRow, JobStatus};

/// Errors of the notification engine.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The recipient's address is not usable on its channel.
    #[error("invalid recipient: {0}")]
    InvalidRecipient(String),
    /// The payload misses a field the event's templates need.
    #[error("invalid payload: {0}")]
    InvalidPayload(String),
    /// The idempotency key is empty or too long.
    #[error("invalid idempotency key: {0}")]
    InvalidKey(String),
    /// Marketing to a child (or to an address not known to belong to an adult).
    #[error("marketing is never sent to children")]
    MarketingToChild,
    /// Marketing to an adult who has not consented to it.
    #[error("the account has not consented to marketing")]
    NoMarketingConsent,
    /// No such notification.
    #[error("notification {0} does not exist")]
    NotFound(i64),
    /// The notification is not in a state that allows the action.
    #[error("{0}")]
    Conflict(String),
    /// The store failed.
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    /// Stored data is not what the schema promises.
    #[error("corrupt notification row: {0}")]
    Corrupt(String),
    /// The Redis queue failed.
    #[error("redis error: {0}")]
    Redis(String),
}

/// The small classification of [`Error`], for callers that map errors to answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The caller asked for something invalid.
    InvalidRequest,
    /// The caller asked for something that does not exist.
    NotFound,
    /// The request conflicts with the current state.
    Conflict,
    /// The engine or the store failed.
    Internal,
}

impl Error {
    /// Returns the error's kind.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::InvalidRecipient(_)
            | Self::InvalidPayload(_)
            | Self::InvalidKey(_)
            | Self::MarketingToChild
            | Self::NoMarketingConsent => ErrorKind::InvalidRequest,
            Self::NotFound(_) => ErrorKind::NotFound,
            Self::Conflict(_) => ErrorKind::Conflict,
            Self::Db(_) | Self::Corrupt(_) | Self::Redis(_) => ErrorKind::Internal,
        }
    }
}

/// Result type of the notification engine.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<Error> for crate::ApiError {
    fn from(error: Error) -> Self {
        match &error {
            Error::InvalidRecipient(_) => Self::bad_request("invalid_recipient", error.to_string()),
            Error::InvalidPayload(_) => Self::bad_request("invalid_payload", error.to_string()),
            Error::InvalidKey(_) => Self::bad_request("invalid_idempotency_key", error.to_string()),
            Error::MarketingToChild => Self::bad_request("marketing_to_child", error.to_string()),
            Error::NoMarketingConsent => {
                Self::bad_request("marketing_not_consented", error.to_string())
            }
            Error::NotFound(_) => Self::not_found("notification_not_found", error.to_string()),
            Error::Conflict(_) => Self::conflict("notification_conflict", error.to_string()),
            Error::Db(sqlx::Error::PoolTimedOut | sqlx::Error::Io(_)) | Error::Redis(_) => {
                Self::unavailable(error)
            }
            Error::Db(_) | Error::Corrupt(_) => Self::internal(error),
        }
    }
}

/// Delivery order: a lower value is claimed first.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// One-time codes: a user is waiting at a form.
    Otp,
    /// A child waits for a parent's decision.
    ParentApproval,
    /// Order, moderation and review messages.
    Transactional,
    /// Digests and other bulk mail.
    Digest,
}

impl Priority {
    /// Every priority, first to last.
    pub const ALL: [Self; 4] = [
        Self::Otp,
        Self::ParentApproval,
        Self::Transactional,
        Self::Digest,
    ];

    /// Returns the stored value (0 runs first).
    pub fn as_i64(self) -> i64 {
        match self {
            Self::Otp => 0,
            Self::ParentApproval => 1,
            Self::Transactional => 2,
            Self::Digest => 3,
        }
    }

    /// Parses a stored value.
    pub fn from_i64(value: i64) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_i64() == value)
    }

    /// Returns the snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Otp => "otp",
            Self::ParentApproval => "parent_approval",
            Self::Transactional => "transactional",
            Self::Digest => "digest",
        }
    }
}

/// What happened: selects the templates, the default priority and the required payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A one-time code.
    Otp,
    /// A child asks a parent to approve a purchase.
    PurchaseRequest,
    /// A child reached the spending limit a parent set.
    LimitReached,
    /// An order was placed.
    OrderPlaced,
    /// An order was paid.
    OrderPaid,
    /// An order was shipped.
    OrderShipped,
    /// An order was delivered.
    OrderDelivered,
    /// An order was refunded.
    OrderRefunded,
    /// A seller's listing was approved or rejected.
    ModerationDecision,
    /// A review is held for moderation.
    ReviewHeld,
    /// A review was approved.
    ReviewApproved,
    /// A security-relevant change on the account.
    SecurityAlert,
    /// A marketing digest (never to children).
    Digest,
}

impl EventKind {
    /// Every kind.
    pub const ALL: [Self; 13] = [
        Self::Otp,
        Self::PurchaseRequest,
        Self::LimitReached,
        Self::OrderPlaced,
        Self::OrderPaid,
        Self::OrderShipped,
        Self::OrderDelivered,
        Self::OrderRefunded,
        Self::ModerationDecision,
        Self::ReviewHeld,
        Self::ReviewApproved,
        Self::SecurityAlert,
        Self::Digest,
    ];

    /// Returns the snake_case name (stored in `notification_jobs.kind`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Otp => "otp",
            Self::PurchaseRequest => "purchase_request",
            Self::LimitReached => "limit_reached",
            Self::OrderPlaced => "order_placed",
            Self::OrderPaid => "order_paid",
            Self::OrderShipped => "order_shipped",
            Self::OrderDelivered => "order_delivered",
            Self::OrderRefunded => "order_refunded",
            Self::ModerationDecision => "moderation_decision",
            Self::ReviewHeld => "review_held",
            Self::ReviewApproved => "review_approved",
            Self::SecurityAlert => "security_alert",
            Self::Digest => "digest",
        }
    }

    /// Parses a snake_case name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name)
    }

    /// Returns the priority the kind is sent with.
    pub fn default_priority(self) -> Priority {
        match self {
            Self::Otp => Priority::Otp,
            Self::PurchaseRequest | Self::LimitReached => Priority::ParentApproval,
            Self::OrderPlaced
            | Self::OrderPaid
            | Self::OrderShipped
            | Self::OrderDelivered
            | Self::OrderRefunded
            | Self::ModerationDecision
            | Self::ReviewHeld
            | Self::ReviewApproved
            | Self::SecurityAlert => Priority::Transactional,
            Self::Digest => Priority::Digest,
        }
    }

    /// Returns whether the kind is marketing (never sent to children).
    pub fn is_marketing(self) -> bool {
        match self {
            Self::Digest => true,
            Self::Otp
            | Self::PurchaseRequest
            | Self::LimitReached
            | Self::OrderPlaced
            | Self::OrderPaid
            | Self::OrderShipped
            | Self::OrderDelivered
            | Self::OrderRefunded
            | Self::ModerationDecision
            | Self::ReviewHeld
            | Self::ReviewApproved
            | Self::SecurityAlert => false,
        }
    }

    /// Returns the payload fields the kind's templates need.
    pub fn required_fields(self) -> &'static [&'static str] {
        match self {
            Self::Otp => &["code", "minutes"],
            Self::PurchaseRequest => &[
                "child_name",
                "product_name",
                "price_tiyin",
                "approve_url",
                "decline_url",
            ],
            Self::LimitReached => &["child_name", "limit_tiyin", "spent_tiyin"],
            Self::OrderPlaced | Self::OrderPaid => &["order_id", "total_tiyin"],
            Self::OrderShipped | Self::OrderDelivered => &["order_id"],
            Self::OrderRefunded => &["order_id", "amount_tiyin"],
            Self::ModerationDecision => &["product_name", "decision"],
            Self::ReviewHeld | Self::ReviewApproved => &["product_name"],
            Self::SecurityAlert => &["event"],
            Self::Digest => &["items"],
        }
    }

    /// Returns the attempts a job of this kind gets before it is dead: a late one-time code is
    /// useless, a lost refund notice is not.
    pub fn max_attempts(self) -> i64 {
        match self {
            Self::Otp => 3,
            Self::Digest => 4,
            Self::PurchaseRequest
            | Self::LimitReached
            | Self::OrderPlaced
            | Self::OrderPaid
            | Self::OrderShipped
            | Self::OrderDelivered
            | Self::OrderRefunded
            | Self::ModerationDecision
            | Self::ReviewHeld
            | Self::ReviewApproved
            | Self::SecurityAlert => 8,
        }
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a notification travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// SMTP.
    Email,
    /// The SMS gateway.
    Sms,
    /// Web push to every subscription of the user.
    Push,
    /// Not a message: a named background task (see [`worker::TaskRegistry`]).
    Task,
}

impl Channel {
    /// Returns the stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Sms => "sms",
            Self::Push => "push",
            Self::Task => "task",
        }
    }

    /// Parses a stored name.
    pub fn parse(name: &str) -> Option<Self> {
        [Self::Email, Self::Sms, Self::Push, Self::Task]
            .into_iter()
            .find(|channel| channel.as_str() == name)
    }
}

/// A recipient's language: Uzbek in Latin or Cyrillic script, Russian or English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, ToSchema)]
pub enum Language {
    /// O'zbekcha (lotin), the default.
    #[default]
    #[serde(rename = "uz")]
    UzLatn,
    /// Ўзбекча (кирилл).
    #[serde(rename = "uz-Cyrl")]
    UzCyrl,
    /// Русский.
    #[serde(rename = "ru")]
    Ru,
    /// English.
    #[serde(rename = "en")]
    En,
}

impl Language {
    /// Every language.
    pub const ALL: [Self; 4] = [Self::UzLatn, Self::UzCyrl, Self::Ru, Self::En];

    /// Returns the BCP 47 tag (also the `Content-Language` of emails).
    pub fn tag(self) -> &'static str {
        match self {
            Self::UzLatn => "uz",
            Self::UzCyrl => "uz-Cyrl",
            Self::Ru => "ru",
            Self::En => "en",
        }
    }
}

impl FromStr for Language {
    type Err = Error;

    fn from_str(tag: &str) -> Result<Self> {
        match tag.to_ascii_lowercase().as_str() {
            "uz" | "uz-latn" => Ok(Self::UzLatn),
            "uz-cyrl" => Ok(Self::UzCyrl),
            "ru" => Ok(Self::Ru),
            "en" => Ok(Self::En),
            _ => Err(Error::InvalidRecipient(format!("unknown language {tag}"))),
        }
    }
}

/// Where a notification goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Address {
    /// An email address.
    Email(String),
    /// A phone number (normalised to E.164 +998… on enqueue).
    Phone(String),
    /// Every web-push subscription of the recipient's account.
    Push,
}

/// The recipient of a notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    /// The account, when there is one (needed for push and for marketing).
    pub user_id: Option<i64>,
    /// The address on the channel.
    pub address: Address,
    /// The language of the message.
    pub language: Language,
}

impl Recipient {
    /// An email recipient.
    pub fn email(user_id: Option<i64>, address: &str, language: Language) -> Self {
        Self {
            user_id,
            address: Address::Email(address.to_owned()),
            language,
        }
    }

    /// An SMS recipient.
    pub fn phone(user_id: Option<i64>, phone: &str, language: Language) -> Self {
        Self {
            user_id,
            address: Address::Phone(phone.to_owned()),
            language,
        }
    }

    /// The push subscriptions of an account.
    pub fn push(user_id: i64, language: Language) -> Self {
        Self {
            user_id: Some(user_id),
            address: Address::Push,
            language,
        }
    }

    /// Returns the channel the address implies.
    pub fn channel(&self) -> Channel {
        match self.address {
            Address::Email(_) => Channel::Email,
            Address::Phone(_) => Channel::Sms,
            Address::Push => Channel::Push,
        }
    }
}

/// A notification to enqueue.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    /// What happened.
    pub kind: EventKind,
    /// Delivery order; [`Job::event`] takes the kind's default.
    pub priority: Priority,
    /// Unique per notification: a second enqueue with the same key does nothing.
    pub idempotency_key: String,
    /// Who receives it, where, in which language.
    pub recipient: Recipient,
    /// The event's data (see the table in the module docs).
    pub payload: serde_json::Value,
    /// Deliver no earlier than this (None: now).
    pub run_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl Job {
    /// A job for `kind` with its default priority, due now.
    pub fn event(
        kind: EventKind,
        idempotency_key: impl Into<String>,
        recipient: Recipient,
        payload: serde_json::Value,
    ) -> Self {
        Self {
            kind,
            priority: kind.default_priority(),
            idempotency_key: idempotency_key.into(),
            recipient,
            payload,
            run_at: None,
        }
    }
}

/// A connection or transaction of either backend, to enqueue inside the caller's transaction:
/// `(&mut *tx).into()` for an `sqlx::Transaction` of either backend.
pub enum Conn<'c> {
    /// SQLite.
    Sqlite(&'c mut sqlx::SqliteConnection),
    /// PostgreSQL.
    Postgres(&'c mut sqlx::PgConnection),
}

impl<'c> From<&'c mut sqlx::SqliteConnection> for Conn<'c> {
    fn from(conn: &'c mut sqlx::SqliteConnection) -> Self {
        Self::Sqlite(conn)
    }
}

impl<'c> From<&'c mut sqlx::PgConnection> for Conn<'c> {
    fn from(conn: &'c mut sqlx::PgConnection) -> Self {
        Self::Postgres(conn)
    }
}

/// Enqueues `job` on `conn` (the caller's transaction, for the outbox guarantee). Validates the
/// recipient and payload, refuses marketing to children, and returns
/// [`Enqueued::Duplicate`] when the idempotency key was already used.
pub async fn enqueue(conn: Conn<'_>, job: Job) -> Result<Enqueued> {
    queue::enqueue_event(conn, job).await
}

/// Enqueues `job` in a transaction of its own (for callers with no business change to join).
pub async fn enqueue_now(db: &crate::db::Db, job: Job) -> Result<Enqueued> {
    crate::db::dispatch!(db, |pool, _d| {
        let mut tx = pool.begin().await?;
        let enqueued = enqueue((&mut *tx).into(), job).await?;
        tx.commit().await?;
        Ok(enqueued)
    })
}

/// What the HTTP routes need of the notification engine.
#[derive(Debug, Clone, Default)]
pub struct NotifyState {
    /// The VAPID public key the PWA subscribes with (push is off when `None`).
    pub vapid_public_key: Option<String>,
    /// The secret Eskiz's delivery reports carry (reports are refused when `None`).
    pub eskiz_callback_secret: Option<String>,
    /// Accept `http://` push endpoints (tests with a local push service only).
    pub allow_http_push_endpoints: bool,
}

/// Builds the channels and the routes' state from the configuration.
pub fn channels_from_config(
    config: &crate::config::NotifyConfig,
    limiter: Option<crate::auth::rate_limit::RateLimiter>,
) -> anyhow::Result<(worker::Channels, NotifyState)> {
    use anyhow::Context;
    let client = sms::http_client();
    let email = match &config.smtp_host {
        Some(host) => {
            let port = config.smtp_port.unwrap_or(match config.smtp_tls {
                email::SmtpTls::Starttls => 587,
                email::SmtpTls::Tls => 465,
                email::SmtpTls::None => 25,
            });
            let credentials = match (&config.smtp_username, &config.smtp_password) {
                (Some(user), Some(password)) => Some((user.clone(), password.clone())),
                (None, None) => None,
                _ => anyhow::bail!("set both BOLAJON_SMTP_USERNAME and BOLAJON_SMTP_PASSWORD"),
            };
            Some(
                email::Mailer::new(&email::SmtpSettings {
                    host: host.clone(),
                    port,
                    tls: config.smtp_tls,
                    credentials,
                    from: config.smtp_from.clone(),
                    timeout: std::time::Duration::from_secs(20),
                })
                .context("configuring SMTP")?,
            )
        }
        None => None,
    };
    let sms: Option<std::sync::Arc<dyn sms::SmsProvider>> =
        match (&config.eskiz_email, &config.eskiz_password) {
            (Some(email), Some(password)) => {
                let callback_url = config.eskiz_callback_secret.as_ref().map(|secret| {
                    format!(
                        "{}/api/v1/notify/sms/eskiz/callback?secret={}",
                        config.public_url.trim_end_matches('/'),
                        percent_encoding::utf8_percent_encode(
                            secret,
                            percent_encoding::NON_ALPHANUMERIC
                        )
                    )
                });
                Some(std::sync::Arc::new(sms::EskizClient::new(
                    sms::EskizSettings {
                        base_url: config.eskiz_url.clone(),
                        email: email.clone(),
                        password: password.clone(),
                        from: config.eskiz_from.clone(),
                        callback_url,
                    },
                    client.clone(),
                )))
            }
            (None, None) => None,
            _ => anyhow::bail!("set both BOLAJON_ESKIZ_EMAIL and BOLAJON_ESKIZ_PASSWORD"),
        };
    let push = match &config.vapid_private_key {
        Some(key) => Some(push::PushSender::new(
            push::VapidKey::from_base64(key, &config.vapid_subject)?,
            client,
        )),
        None => None,
    };
    let state = NotifyState {
        vapid_public_key: push
            .as_ref()
            .map(|sender| sender.vapid().public_key_base64()),
        eskiz_callback_secret: config.eskiz_callback_secret.clone(),
        allow_http_push_endpoints: false,
    };
    Ok((
        worker::Channels {
            email,
            sms,
            push,
            sms_limiter: Some(
                limiter.unwrap_or_else(crate::auth::rate_limit::RateLimiter::in_process),
            ),
        },
        state,
    ))
}

impl From<Error> for crate::db::DbError {
    fn from(error: Error) -> Self {
        match error {
            Error::Db(error) => Self::Sqlx(error),
            other => Self::Corrupt(other.to_string()),
        }
    }
}

/// Enqueues a `security_alert` email to `user_id`'s address (when the account has one) on
/// `conn`, inside the caller's transaction. `event` is one of the alert events (see the payload
/// table); `at_ms` makes the idempotency key unique per change.
pub async fn enqueue_security_alert(
    conn: Conn<'_>,
    user_id: i64,
    event: &str,
    at_ms: i64,
) -> Result<Option<Enqueued>> {
    let key = format!("security_alert:{event}:{user_id}:{at_ms}");
    let payload = serde_json::json!({ "event": event });
    let email_of = "SELECT email FROM users WHERE id = $1";
    let job = |email: String| {
        Job::event(
            EventKind::SecurityAlert,
            key.clone(),
            Recipient::email(Some(user_id), &email, Language::default()),
            payload.clone(),
        )
    };
    match conn {
        Conn::Sqlite(c) => {
            let email: Option<Option<String>> = sqlx::query_scalar(email_of)
                .bind(user_id)
                .fetch_optional(&mut *c)
                .await?;
            match email.flatten() {
                Some(email) => Ok(Some(enqueue(Conn::Sqlite(c), job(email)).await?)),
                None => Ok(None),
            }
        }
        Conn::Postgres(c) => {
            let email: Option<Option<String>> = sqlx::query_scalar(email_of)
                .bind(user_id)
                .fetch_optional(&mut *c)
                .await?;
            match email.flatten() {
                Some(email) => Ok(Some(enqueue(Conn::Postgres(c), job(email)).await?)),
                None => Ok(None),
            }
        }
    }
}

/// Masks an address for the audit trail: `a***@example.com`, `+998 ** *** ** 67`, `user 42`.
pub fn mask_recipient(address: &Address, user_id: Option<i64>) -> String {
    match address {
        Address::Email(email) => match email.split_once('@') {
            Some((local, domain)) => {
                let first: String = local.chars().take(1).collect();
                format!("{first}***@{domain}")
            }
            None => "***".to_owned(),
        },
        Address::Phone(phone) => {
            let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
            let tail: String = digits[digits.len().saturating_sub(2)..].iter().collect();
            format!("+998 ** *** ** {tail}")
        }
        Address::Push => match user_id {
            Some(id) => format!("user {id}"),
            None => "user ?".to_owned(),
        },
    }
}

/// Returns the current time in Unix milliseconds (the queue's time unit).
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_priorities_order() {
        for kind in EventKind::ALL {
            assert_eq!(EventKind::parse(kind.as_str()), Some(kind));
            assert!(!kind.required_fields().is_empty());
        }
        for priority in Priority::ALL {
            assert_eq!(Priority::from_i64(priority.as_i64()), Some(priority));
        }
        assert!(Priority::Otp.as_i64() < Priority::ParentApproval.as_i64());
        assert!(Priority::ParentApproval.as_i64() < Priority::Transactional.as_i64());
        assert!(Priority::Transactional.as_i64() < Priority::Digest.as_i64());
        assert!(EventKind::Digest.is_marketing());
        assert!(!EventKind::Otp.is_marketing());
    }

    #[test]
    fn recipients_are_masked() {
        assert_eq!(
            mask_recipient(&Address::Email("nodira@example.uz".into()), None),
            "n***@example.uz"
        );
        assert_eq!(
            mask_recipient(&Address::Phone("+998901234567".into()), None),
            "+998 ** *** ** 67"
        );
        assert_eq!(mask_recipient(&Address::Push, Some(7)), "user 7");
        assert_eq!("uz-Cyrl".parse::<Language>().unwrap(), Language::UzCyrl);
        assert!("de".parse::<Language>().is_err());
    }
}
