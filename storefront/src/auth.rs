//! Accounts and authorization: who is calling, and may they.
//!
//! - [`AuthState`] holds the token keys (derived from `BOLAJON_JWT_SECRET`), the password
//!   parameters, the rate limiter and the clock.
//! - [`CurrentUser`] and [`MaybeUser`] are the only way a handler learns who calls. They read
//!   `Authorization: Bearer <access token>` (API clients) or the `__Host-bolajon_access` cookie
//!   (the web), check the session is live and the user's *stored* role, enforce CSRF on
//!   cookie-authenticated state changes, and apply the route's entry in [`policy::ROUTES`].
//! - [`ensure_owner`] checks resource ownership, answering "not found" to anyone else.
//!
//! Sessions, refresh rotation, TOTP and the audit trail are in [`session`]; the family (child
//! profiles, consent, parent PIN) in [`family`]; passkeys (WebAuthn) in [`passkeys`]; password
//! reset in [`password_reset`]; kids' mode on a shared device in [`kids_mode`]; the first admin
//! from the environment in [`bootstrap`].

pub mod bench;
pub mod bootstrap;
pub mod cookies;
pub mod data_key;
pub mod family;
pub mod identity;
pub mod kids_mode;
pub mod passkeys;
pub mod password;
pub mod password_reset;
pub mod policy;
pub mod rate_limit;
pub mod session;
pub mod token;
pub mod totp;

use crate::config::AuthConfig;
use crate::db::accounts::{NewAuditEntry, UserId};
use crate::{ApiError, AppState};
use axum::extract::{ConnectInfo, FromRequestParts, MatchedPath};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use password::PasswordParams;
use rate_limit::{Decision, RateLimiter, Rule};
use serde::{Deserialize, Serialize};
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use token::{AccessClaims, Keys, TokenError};

/// A role. Guests have none: they are simply not signed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A child profile, signed in on a parent's device.
    Child,
    /// A parent (buyer).
    Parent,
    /// A seller.
    Seller,
    /// A moderator.
    Moderator,
    /// An administrator.
    Admin,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 5] = [
        Role::Child,
        Role::Parent,
        Role::Seller,
        Role::Moderator,
        Role::Admin,
    ];

    /// Returns the stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Child => "child",
            Self::Parent => "parent",
            Self::Seller => "seller",
            Self::Moderator => "moderator",
            Self::Admin => "admin",
        }
    }

    /// Parses a stored name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == name)
    }

    /// Returns whether the role must use TOTP.
    pub fn requires_totp(self) -> bool {
        match self {
            Self::Seller | Self::Moderator | Self::Admin => true,
            Self::Child | Self::Parent => false,
        }
    }
}

/// The time source (swappable in tests).
pub trait Clock: Send + Sync + 'static {
    /// Returns the current time.
    fn now(&self) -> DateTime<Utc>;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that moves only when told (tests).
#[derive(Debug)]
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    /// Starts at `start`.
    pub fn new(start: DateTime<Utc>) -> Self {
        Self(Mutex::new(start))
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: chrono::Duration) {
        let mut now = match self.0.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        *now += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        match self.0.lock() {
            Ok(guard) => *guard,
            Err(poisoned) => *poisoned.into_inner(),
        }
    }
}

/// Settings of the accounts service, validated.
#[derive(Debug, Clone, Copy)]
pub struct AuthSettings {
    /// Access-token lifetime (15 minutes).
    pub access_ttl_seconds: i64,
    /// Refresh-token lifetime (30 days, renewed by each rotation).
    pub refresh_ttl_seconds: i64,
    /// 2FA challenge lifetime (5 minutes).
    pub challenge_ttl_seconds: i64,
    /// argon2id parameters (OWASP unless a test says otherwise).
    pub password: PasswordParams,
    /// Take the client address from the last `X-Forwarded-For` entry (behind a proxy).
    pub trust_forwarded_for: bool,
    /// Password hashes computed at once.
    pub hash_concurrency: usize,
}

impl Default for AuthSettings {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Self {
            access_ttl_seconds: 15 * 60,
            refresh_ttl_seconds: 30 * 24 * 60 * 60,
            challenge_ttl_seconds: 5 * 60,
            password: PasswordParams::OWASP,
            trust_forwarded_for: false,
            // Leave a core to search.
            hash_concurrency: cores.saturating_sub(1).max(1),
        }
    }
}

/// The accounts service's state.
pub struct AuthState {
    keys: Keys,
    /// Settings.
    pub settings: AuthSettings,
    /// Rate limits.
    pub limiter: RateLimiter,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    hash_permits: tokio::sync::Semaphore,
    /// A hash verified against for unknown accounts, so that they take as long as known ones.
    dummy_hash: tokio::sync::OnceCell<String>,
    /// Seals TOTP secrets at rest.
    data_key: data_key::DataKey,
    /// The WebAuthn relying party (passkeys).
    webauthn: Arc<webauthn_rs::Webauthn>,
}

impl std::fmt::Debug for AuthState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthState")
            .field("settings", &self.settings)
            .field("limiter", &self.limiter.backend_name())
            .finish_non_exhaustive()
    }
}

/// The shortest accepted `BOLAJON_JWT_SECRET`, in bytes.
pub const MIN_SECRET_BYTES: usize = 32;
/// The WebAuthn relying-party id unless configured (`BOLAJON_WEBAUTHN_RP_ID`).
pub const DEFAULT_WEBAUTHN_RP_ID: &str = "localhost";
/// The WebAuthn origin unless configured (`BOLAJON_WEBAUTHN_ORIGIN`).
pub const DEFAULT_WEBAUTHN_ORIGIN: &str = "http://localhost:3000";

/// Builds the WebAuthn relying party for `rp_id` served at `origin`.
pub fn build_webauthn(rp_id: &str, origin: &str) -> anyhow::Result<webauthn_rs::Webauthn> {
    let url = webauthn_rs::prelude::Url::parse(origin)
        .map_err(|error| anyhow::anyhow!("the WebAuthn origin {origin:?} is not a URL: {error}"))?;
    webauthn_rs::WebauthnBuilder::new(rp_id, &url)
        .and_then(|builder| builder.rp_name("bolajon").build())
        .map_err(|error| {
            anyhow::anyhow!(
                "WebAuthn relying party {rp_id:?} at {origin:?} is not valid (the id must be the \
                 origin's host or a parent domain of it): {error}"
            )
        })
}

fn default_webauthn() -> Arc<webauthn_rs::Webauthn> {
    match build_webauthn(DEFAULT_WEBAUTHN_RP_ID, DEFAULT_WEBAUTHN_ORIGIN) {
        Ok(webauthn) => Arc::new(webauthn),
        Err(error) => {
            // The defaults are constants that build; failing here is a programming error.
            tracing::error!(%error, "the default WebAuthn relying party does not build: {error}");
            std::process::abort()
        }
    }
}

impl AuthState {
    /// Builds the state. The secret must have at least 32 bytes.
    pub fn new(
        secret: &[u8],
        settings: AuthSettings,
        limiter: RateLimiter,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<Self> {
        anyhow::ensure!(
            secret.len() >= MIN_SECRET_BYTES,
            "BOLAJON_JWT_SECRET must have at least {MIN_SECRET_BYTES} bytes"
        );
        anyhow::ensure!(
            settings.access_ttl_seconds > 0
                && settings.refresh_ttl_seconds > settings.access_ttl_seconds
                && settings.challenge_ttl_seconds > 0,
            "token lifetimes must be positive, the refresh token outliving the access token"
        );
        Ok(Self {
            keys: Keys::derive(secret),
            settings,
            limiter,
            clock,
            hash_permits: tokio::sync::Semaphore::new(settings.hash_concurrency.max(1)),
            dummy_hash: tokio::sync::OnceCell::new(),
            data_key: data_key::DataKey::derive_from(secret),
            webauthn: default_webauthn(),
        })
    }

    /// Serves passkeys for relying party `rp_id` at `origin` (instead of localhost).
    pub fn with_webauthn(mut self, rp_id: &str, origin: &str) -> anyhow::Result<Self> {
        self.webauthn = Arc::new(build_webauthn(rp_id, origin)?);
        Ok(self)
    }

    /// Returns the WebAuthn relying party.
    pub fn webauthn(&self) -> &webauthn_rs::Webauthn {
        &self.webauthn
    }

    /// Builds a state with a random secret, OWASP parameters, in-process rate limits and the
    /// system clock: tokens do not survive a restart. For tools and tests that do not sign in.
    pub fn ephemeral() -> Self {
        let secret = random_secret();
        Self {
            keys: Keys::derive(&secret),
            settings: AuthSettings::default(),
            limiter: RateLimiter::in_process(),
            clock: Arc::new(SystemClock),
            hash_permits: tokio::sync::Semaphore::new(AuthSettings::default().hash_concurrency),
            dummy_hash: tokio::sync::OnceCell::new(),
            data_key: data_key::DataKey::derive_from(&secret),
            webauthn: default_webauthn(),
        }
    }

    /// Builds the state from the configuration: the secret from `BOLAJON_JWT_SECRET` (a
    /// random one, with a warning, when unset), Redis rate limits when `redis_url` is set.
    pub async fn from_config(config: &AuthConfig, redis_url: Option<&str>) -> anyhow::Result<Self> {
        let secret = match &config.jwt_secret {
            Some(secret) => secret.as_bytes().to_vec(),
            None => {
                tracing::warn!(
                    "BOLAJON_JWT_SECRET is unset: signing with a random secret, so sessions end \
                     when the service restarts and instances cannot share them"
                );
                random_secret().to_vec()
            }
        };
        let limiter = match redis_url {
            Some(url) => RateLimiter::redis(url, "bolajon:rl")
                .await
                .map_err(|error| anyhow::anyhow!("connecting to redis for rate limits: {error}"))?,
            None => RateLimiter::in_process(),
        };
        let settings = AuthSettings {
            access_ttl_seconds: i64::from(config.access_token_ttl_seconds),
            refresh_ttl_seconds: i64::from(config.refresh_token_ttl_days) * 24 * 60 * 60,
            trust_forwarded_for: config.trust_forwarded_for,
            ..AuthSettings::default()
        };
        let mut state = Self::new(&secret, settings, limiter, Arc::new(SystemClock))?
            .with_webauthn(&config.webauthn_rp_id, &config.webauthn_origin)?;
        if let Some(text) = &config.data_key {
            state = state.with_data_key(data_key::DataKey::parse(text)?);
        } else if config.jwt_secret.is_some() {
            tracing::warn!(
                "BOLAJON_DATA_KEY is unset: TOTP secrets are sealed with a key derived from \
                 BOLAJON_JWT_SECRET, so rotating that secret makes them unreadable"
            );
        }
        // Made now, so the first unknown-account login takes no longer than the others.
        state
            .dummy_hash()
            .await
            .map_err(|error| anyhow::anyhow!("making the dummy password hash: {error}"))?;
        Ok(state)
    }

    async fn dummy_hash(&self) -> Result<&String, ApiError> {
        self.dummy_hash
            .get_or_try_init(|| self.hash("bolajon dummy password".to_owned()))
            .await
    }

    /// Replaces the data key (by default derived from the token secret).
    pub fn with_data_key(mut self, key: data_key::DataKey) -> Self {
        self.data_key = key;
        self
    }

    /// Returns the key sealing secrets at rest.
    pub fn data_key(&self) -> &data_key::DataKey {
        &self.data_key
    }

    /// Returns the current time.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Returns the token keys.
    pub fn keys(&self) -> &Keys {
        &self.keys
    }

    /// Hashes a password or PIN off the async runtime.
    pub async fn hash(&self, secret: String) -> Result<String, ApiError> {
        let params = self.settings.password;
        self.blocking(move || password::hash_blocking(params, &secret))
            .await?
    }

    /// Verifies a password or PIN off the async runtime. With no stored hash (an unknown
    /// account), verifies against a dummy hash, taking as long, and answers `false`.
    pub async fn verify(&self, phc: Option<String>, secret: String) -> Result<bool, ApiError> {
        let known = phc.is_some();
        let phc = match phc {
            Some(phc) => phc,
            None => self.dummy_hash().await?.clone(),
        };
        let verified = self
            .blocking(move || password::verify_blocking(&phc, &secret))
            .await?;
        Ok(verified && known)
    }

    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let _permit = self
            .hash_permits
            .acquire()
            .await
            .map_err(|error| ApiError::internal(format!("hash permits closed: {error}")))?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|error| ApiError::internal(format!("password hashing failed: {error}")))
    }

    /// Counts a hit of `subject` under `rule`; refuses with 429 past the limit.
    pub async fn rate_limit(&self, rule: &Rule, subject: &str) -> Result<(), AuthError> {
        match self
            .limiter
            .hit(rule, subject, self.now().timestamp())
            .await
        {
            Decision::Allowed => Ok(()),
            Decision::Limited {
                retry_after_seconds,
            } => {
                tracing::info!(
                    rule = rule.name,
                    retry_after_seconds,
                    "rate limited by {}",
                    rule.name
                );
                Err(AuthError::RateLimited {
                    retry_after_seconds,
                })
            }
        }
    }

    /// Takes back a hit of `subject` under `rule` after a successful attempt.
    pub async fn refund_rate_limit(&self, rule: &Rule, subject: &str) {
        self.limiter
            .refund(rule, subject, self.now().timestamp())
            .await;
    }

    /// Issues an access token for a session.
    pub fn issue_access_token(
        &self,
        user: UserId,
        role: Role,
        session_id: &str,
    ) -> Result<String, ApiError> {
        let now = self.now().timestamp();
        let claims = AccessClaims {
            iss: token::ISSUER.to_owned(),
            sub: user.0.to_string(),
            role: role.as_str().to_owned(),
            sid: session_id.to_owned(),
            iat: now,
            exp: now + self.settings.access_ttl_seconds,
            jti: token::new_id().map_err(ApiError::internal)?,
            typ: "access".to_owned(),
        };
        token::sign(&self.keys.access, &claims).map_err(ApiError::internal)
    }
}

fn random_secret() -> [u8; 32] {
    match token::random_bytes::<32>() {
        Ok(bytes) => bytes,
        Err(error) => {
            // The OS generator failing is fatal for an authenticating service.
            tracing::error!(%error, "no randomness for the token secret: {error}");
            std::process::abort()
        }
    }
}

/// An error from the accounts service: an [`ApiError`], or a 429 that also carries
/// `Retry-After`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthError {
    /// Any other error.
    Api(ApiError),
    /// Too many attempts.
    RateLimited {
        /// Seconds until the window ends.
        retry_after_seconds: u64,
    },
}

impl AuthError {
    /// Returns the error as an [`ApiError`] (status, code and message).
    pub fn api_error(&self) -> ApiError {
        match self {
            Self::Api(error) => error.clone(),
            Self::RateLimited {
                retry_after_seconds,
            } => ApiError::rate_limited(*retry_after_seconds),
        }
    }
}

impl From<ApiError> for AuthError {
    fn from(error: ApiError) -> Self {
        Self::Api(error)
    }
}

impl From<crate::db::DbError> for AuthError {
    fn from(error: crate::db::DbError) -> Self {
        Self::Api(error.into())
    }
}

impl IntoResponse for AuthError {
    fn into_response(self) -> Response {
        let mut response = self.api_error().into_response();
        if let Self::RateLimited {
            retry_after_seconds,
        } = self
        {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_seconds));
        }
        response
    }
}

/// Who made a request, as far as the network says: for rate limits and the audit log.
#[derive(Debug, Clone, Default)]
pub struct ClientMeta {
    /// Client address.
    pub ip: Option<IpAddr>,
    /// User agent, at most 256 characters.
    pub user_agent: Option<String>,
}

impl ClientMeta {
    /// Reads the client address (the connection's, or the last `X-Forwarded-For` entry when
    /// trusted) and the user agent.
    pub fn from_parts(parts: &Parts, trust_forwarded_for: bool) -> Self {
        let forwarded = trust_forwarded_for
            .then(|| {
                parts
                    .headers
                    .get_all("x-forwarded-for")
                    .iter()
                    .filter_map(|value| value.to_str().ok())
                    .flat_map(|value| value.split(','))
                    // The entry our proxy appended; earlier ones are the client's to forge.
                    .next_back()
                    .and_then(|entry| entry.trim().parse::<IpAddr>().ok())
            })
            .flatten();
        let connected = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        let user_agent = parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|value| value.to_str().ok())
            .map(|agent| agent.chars().take(256).collect());
        Self {
            ip: forwarded.or(connected),
            user_agent,
        }
    }

    /// Returns the address as a rate-limit subject (`unknown` when there is none).
    pub fn ip_subject(&self) -> String {
        self.ip
            .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
    }
}

impl FromRequestParts<AppState> for ClientMeta {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        Ok(Self::from_parts(
            parts,
            state.0.auth.settings.trust_forwarded_for,
        ))
    }
}

/// The signed-in caller, admitted by the route's policy entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentUser {
    /// The user.
    pub id: UserId,
    /// The stored role.
    pub role: Role,
    /// The session (refresh-token family).
    pub session_id: String,
    /// The seller a seller account manages.
    pub seller_id: Option<i64>,
    /// Whether TOTP is on.
    pub totp_enabled: bool,
    /// Whether the request authenticated with the access cookie (else a bearer token).
    pub via_cookie: bool,
}

impl CurrentUser {
    /// Returns whether the user must still turn on TOTP before using most routes.
    pub fn totp_enrollment_pending(&self) -> bool {
        self.role.requires_totp() && !self.totp_enabled
    }
}

/// The caller if signed in; guests are `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaybeUser(pub Option<CurrentUser>);

fn route_policy(parts: &Parts) -> Result<&'static policy::RoutePolicy, ApiError> {
    let path = parts
        .extensions
        .get::<MatchedPath>()
        .map(MatchedPath::as_str)
        .unwrap_or_default();
    policy::lookup(parts.method.as_str(), path).ok_or_else(|| {
        ApiError::internal(format!(
            "route {} {path} has no entry in the policy table",
            parts.method
        ))
    })
}

fn unauthenticated(code: &'static str, message: &str) -> AuthError {
    AuthError::Api(ApiError::unauthorized(code, message.to_owned()))
}

/// Reads the credentials: a bearer token, else the access cookie. `Ok(None)` for a guest.
fn credentials(headers: &HeaderMap) -> Result<Option<(String, bool)>, AuthError> {
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        let token = value
            .to_str()
            .ok()
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|token| !token.is_empty())
            .ok_or_else(|| {
                unauthenticated(
                    "invalid_token",
                    "authorization must be `Bearer <access token>`",
                )
            })?;
        return Ok(Some((token.to_owned(), false)));
    }
    Ok(cookies::read(headers, cookies::ACCESS).map(|token| (token.to_owned(), true)))
}

/// Authenticates the request if it carries credentials.
async fn authenticate(parts: &Parts, state: &AppState) -> Result<Option<CurrentUser>, AuthError> {
    authenticate_with(parts, state, true).await
}

/// Authenticates a request of the server-rendered web pages: like the API extractors, but a
/// cookie-authenticated form post is not asked for the `X-CSRF-Token` header, because HTML
/// forms cannot send one. The caller MUST check the form's CSRF field instead (the web module
/// does it in one extractor, [`crate::web::session::WebForm`], before any handler runs).
pub async fn authenticate_for_web_form(
    parts: &Parts,
    state: &AppState,
) -> Result<Option<CurrentUser>, AuthError> {
    authenticate_with(parts, state, false).await
}

async fn authenticate_with(
    parts: &Parts,
    state: &AppState,
    check_csrf_header: bool,
) -> Result<Option<CurrentUser>, AuthError> {
    let Some((access_token, via_cookie)) = credentials(&parts.headers)? else {
        return Ok(None);
    };
    let auth = &state.0.auth;
    let claims: AccessClaims = token::verify(
        &auth.keys.access,
        &access_token,
        auth.now().timestamp(),
    )
    .map_err(|error| match error {
        TokenError::Expired => unauthenticated("token_expired", "the access token has expired"),
        TokenError::Invalid => unauthenticated("invalid_token", "the access token is not valid"),
    })?;
    let principal = state
        .0
        .db
        .session_principal(&claims.sid)
        .await?
        .filter(|principal| principal.user_id.0.to_string() == claims.sub)
        .ok_or_else(|| unauthenticated("invalid_token", "the access token is not valid"))?;
    if principal.revoked_at.is_some() {
        return Err(unauthenticated(
            "session_revoked",
            "the session has ended; sign in again",
        ));
    }
    let role = Role::parse(&principal.role).ok_or_else(|| {
        ApiError::internal(format!(
            "user {} has role {:?}",
            principal.user_id, principal.role
        ))
    })?;
    if check_csrf_header
        && via_cookie
        && !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS)
    {
        cookies::check_csrf(&parts.headers, auth.keys(), &claims.sid)?;
    }
    // Parental controls: bedtime and screen time are enforced on every request of a child
    // (logging out excepted).
    // Leaving kids' mode is exempt too: the parent takes the device back at bedtime.
    if role == Role::Child
        && !parts.uri.path().starts_with("/api/v1/auth/logout")
        && parts.uri.path() != kids_mode::EXIT_PATH
        // kids: the web's PIN page that leaves kids' mode.
        && parts.uri.path() != crate::web::kids::EXIT_PAGE
    {
        crate::commerce::screen_time::gate(&state.0.db, principal.user_id, auth.now())
            .await
            .map_err(|error| AuthError::Api(ApiError::from(error)))?;
    }
    Ok(Some(CurrentUser {
        id: principal.user_id,
        role,
        session_id: claims.sid,
        seller_id: principal.seller_id,
        totp_enabled: principal.totp_enabled,
        via_cookie,
    }))
}

fn admit(policy: &policy::RoutePolicy, user: Option<&CurrentUser>) -> Result<(), AuthError> {
    match user {
        None if policy.admits(None) => Ok(()),
        None => Err(unauthenticated(
            "unauthenticated",
            "sign in to use this route",
        )),
        Some(user) if !policy.admits(Some(user.role)) => Err(AuthError::Api(ApiError::forbidden(
            "forbidden",
            "your account may not use this route",
        ))),
        Some(user) if user.totp_enrollment_pending() && !policy.before_totp_enrollment => {
            Err(AuthError::Api(ApiError::forbidden(
                "totp_enrollment_required",
                "turn on two-factor authentication first (POST /api/v1/auth/2fa/enroll)",
            )))
        }
        Some(_) => Ok(()),
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AuthError> {
        let policy = route_policy(parts)?;
        let user = authenticate(parts, state).await?;
        let Some(user) = user else {
            return Err(unauthenticated(
                "unauthenticated",
                "sign in to use this route",
            ));
        };
        admit(policy, Some(&user))?;
        Ok(user)
    }
}

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AuthError> {
        let policy = route_policy(parts)?;
        let user = authenticate(parts, state).await?;
        admit(policy, user.as_ref())?;
        Ok(Self(user))
    }
}

/// Checks that `user` owns a resource owned by `owner`. Anyone else gets `not_found`, the same
/// answer as for a resource that does not exist, so ids cannot be probed.
pub fn ensure_owner(
    user: &CurrentUser,
    owner: UserId,
    not_found: impl FnOnce() -> ApiError,
) -> Result<(), ApiError> {
    if user.id == owner {
        Ok(())
    } else {
        Err(not_found())
    }
}

/// Appends an audit record: `action` by `actor` concerning `target`, from `meta`'s client.
pub async fn audit(
    state: &AppState,
    meta: &ClientMeta,
    actor: Option<UserId>,
    action: &str,
    target: Option<UserId>,
    details: serde_json::Value,
) -> Result<(), ApiError> {
    let ip = meta.ip.map(|ip| ip.to_string());
    state
        .0
        .db
        .append_audit(&NewAuditEntry {
            at: state.0.auth.now(),
            actor,
            action,
            target,
            ip: ip.as_deref(),
            user_agent: meta.user_agent.as_deref(),
            details: &details,
        })
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_privileged_ones_need_totp() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("guest"), None);
        assert!(Role::Admin.requires_totp() && Role::Seller.requires_totp());
        assert!(!Role::Parent.requires_totp());
    }

    #[test]
    fn short_secrets_are_refused() {
        let build = |secret: &[u8]| {
            AuthState::new(
                secret,
                AuthSettings::default(),
                RateLimiter::in_process(),
                Arc::new(SystemClock),
            )
        };
        assert!(build(&[1u8; 31]).is_err());
        assert!(build(&[1u8; 32]).is_ok());
    }

    #[tokio::test]
    async fn unknown_accounts_never_verify() {
        let state = AuthState::new(
            &[1u8; 32],
            AuthSettings {
                password: PasswordParams::INSECURE_FOR_TESTS,
                ..AuthSettings::default()
            },
            RateLimiter::in_process(),
            Arc::new(SystemClock),
        )
        .unwrap();
        assert!(
            !state
                .verify(None, "bolajon dummy password".to_owned())
                .await
                .unwrap()
        );
        let hash = state.hash("right password".to_owned()).await.unwrap();
        assert!(
            state
                .verify(Some(hash.clone()), "right password".to_owned())
                .await
                .unwrap()
        );
        assert!(
            !state
                .verify(Some(hash), "wrong password".to_owned())
                .await
                .unwrap()
        );
    }

    #[test]
    fn forwarded_for_is_used_only_when_trusted() {
        let request = axum::http::Request::get("/")
            .header("x-forwarded-for", "203.0.113.9, 198.51.100.7")
            .header(header::USER_AGENT, "test")
            .body(())
            .unwrap();
        let (mut parts, ()) = request.into_parts();
        parts
            .extensions
            .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 9))));
        assert_eq!(
            ClientMeta::from_parts(&parts, true).ip,
            Some("198.51.100.7".parse().unwrap())
        );
        let meta = ClientMeta::from_parts(&parts, false);
        assert_eq!(meta.ip, Some("127.0.0.1".parse().unwrap()));
        assert_eq!(meta.user_agent.as_deref(), Some("test"));
    }
}
