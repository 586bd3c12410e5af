//! Fixed-window rate limits per account and per client address: in Redis when
//! `BOLAJON_REDIS_URL` is set (shared by every instance), in-process otherwise.
//!
//! A window is `[k·w, (k+1)·w)` in Unix seconds; each hit increments the window's counter, and
//! a hit past the limit is refused with the seconds left in the window (`Retry-After`). Keys are
//! hashed, so no email, phone or address is stored in Redis. When Redis fails, the limiter
//! falls back to its in-process counters and logs a warning rather than locking everyone out.

use super::token::sha256_hex;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

/// One limit: at most `limit` hits per `window_seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Stable name, part of the key.
    pub name: &'static str,
    /// Hits allowed per window.
    pub limit: u32,
    /// Window length.
    pub window_seconds: i64,
}

/// Password logins per account: 10 per 15 minutes.
pub const LOGIN_PER_ACCOUNT: Rule = Rule {
    name: "login_account",
    limit: 10,
    window_seconds: 15 * 60,
};
/// Password logins per client address: 50 per 15 minutes (mobile carriers share addresses).
pub const LOGIN_PER_IP: Rule = Rule {
    name: "login_ip",
    limit: 50,
    window_seconds: 15 * 60,
};
/// TOTP and recovery codes per account: 5 per 5 minutes.
pub const TOTP_PER_ACCOUNT: Rule = Rule {
    name: "totp_account",
    limit: 5,
    window_seconds: 5 * 60,
};
/// TOTP and recovery codes per client address: 30 per 5 minutes.
pub const TOTP_PER_IP: Rule = Rule {
    name: "totp_ip",
    limit: 30,
    window_seconds: 5 * 60,
};
/// Registrations per client address: 10 per hour.
pub const REGISTER_PER_IP: Rule = Rule {
    name: "register_ip",
    limit: 10,
    window_seconds: 60 * 60,
};
/// Parent-PIN checks per account: 10 per 15 minutes (the PIN also locks after 5 wrong ones).
pub const PIN_PER_ACCOUNT: Rule = Rule {
    name: "pin_account",
    limit: 10,
    window_seconds: 15 * 60,
};

/// Passkey sign-in challenges per client address: 30 per 5 minutes (each is a stored row).
pub const PASSKEY_CHALLENGE_PER_IP: Rule = Rule {
    name: "passkey_challenge_ip",
    limit: 30,
    window_seconds: 5 * 60,
};
/// Password-reset requests per login (email or phone, known or not): 3 per hour.
pub const RESET_REQUEST_PER_ACCOUNT: Rule = Rule {
    name: "reset_request_account",
    limit: 3,
    window_seconds: 60 * 60,
};
/// Password-reset requests per client address: 10 per hour.
pub const RESET_REQUEST_PER_IP: Rule = Rule {
    name: "reset_request_ip",
    limit: 10,
    window_seconds: 60 * 60,
};
/// Password-reset confirmations per login: 10 per 15 minutes (a code also closes after 5
/// wrong tries).
pub const RESET_CONFIRM_PER_ACCOUNT: Rule = Rule {
    name: "reset_confirm_account",
    limit: 10,
    window_seconds: 15 * 60,
};
/// Password-reset confirmations per client address: 30 per 15 minutes.
pub const RESET_CONFIRM_PER_IP: Rule = Rule {
    name: "reset_confirm_ip",
    limit: 30,
    window_seconds: 15 * 60,
};

/// The outcome of a hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Under the limit.
    Allowed,
    /// Over the limit until the window ends.
    Limited {
        /// Seconds until the window ends (at least 1).
        retry_after_seconds: u64,
    },
}

fn decide(rule: &Rule, count: u64, now: i64) -> Decision {
    if count <= u64::from(rule.limit) {
        return Decision::Allowed;
    }
    let window_end = (now.div_euclid(rule.window_seconds) + 1) * rule.window_seconds;
    Decision::Limited {
        retry_after_seconds: u64::try_from(window_end - now).unwrap_or(1).max(1),
    }
}

/// In-process fixed windows.
#[derive(Debug, Default)]
pub struct MemoryLimiter {
    /// Key → (end of its window, hits in it).
    windows: Mutex<HashMap<String, (i64, u64)>>,
}

/// Entries kept before expired windows are swept.
const MEMORY_SWEEP_AT: usize = 50_000;

impl MemoryLimiter {
    fn hit(&self, rule: &Rule, key: &str, now: i64) -> Decision {
        let window_end = (now.div_euclid(rule.window_seconds) + 1) * rule.window_seconds;
        let mut windows = match self.windows.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        if windows.len() >= MEMORY_SWEEP_AT {
            windows.retain(|_, (end, _)| *end > now);
        }
        let entry = windows.entry(key.to_owned()).or_insert((window_end, 0));
        if entry.0 != window_end {
            *entry = (window_end, 0);
        }
        entry.1 += 1;
        decide(rule, entry.1, now)
    }

    fn refund(&self, rule: &Rule, key: &str, now: i64) {
        let window_end = (now.div_euclid(rule.window_seconds) + 1) * rule.window_seconds;
        let mut windows = match self.windows.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some(entry) = windows.get_mut(key).filter(|entry| entry.0 == window_end) {
            entry.1 = entry.1.saturating_sub(1);
        }
    }
}

/// Fixed windows in Redis: `INCR` and `EXPIRE` in one transaction on a key per window.
pub struct RedisLimiter {
    connection: redis::aio::ConnectionManager,
    prefix: String,
    fallback: MemoryLimiter,
}

impl std::fmt::Debug for RedisLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisLimiter")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl RedisLimiter {
    async fn hit(&self, rule: &Rule, key: &str, now: i64) -> Decision {
        let window = now.div_euclid(rule.window_seconds);
        let redis_key = format!("{}:{key}:{window}", self.prefix);
        let mut connection = self.connection.clone();
        let counted: redis::RedisResult<(u64,)> = redis::pipe()
            .atomic()
            .incr(&redis_key, 1u64)
            .expire(&redis_key, rule.window_seconds + 1)
            .ignore()
            .query_async(&mut connection)
            .await;
        match counted {
            Ok((count,)) => decide(rule, count, now),
            Err(error) => {
                tracing::warn!(%error, rule = rule.name, "redis rate limit failed, counting in-process: {error}");
                self.fallback.hit(rule, key, now)
            }
        }
    }

    async fn refund(&self, rule: &Rule, key: &str, now: i64) {
        let window = now.div_euclid(rule.window_seconds);
        let redis_key = format!("{}:{key}:{window}", self.prefix);
        let mut connection = self.connection.clone();
        // The key expires even if the window turned between the hit and the refund.
        let refunded: redis::RedisResult<()> = redis::pipe()
            .atomic()
            .decr(&redis_key, 1u64)
            .ignore()
            .expire(&redis_key, rule.window_seconds + 1)
            .ignore()
            .query_async(&mut connection)
            .await;
        if let Err(error) = refunded {
            tracing::warn!(%error, rule = rule.name, "redis rate limit refund failed: {error}");
            self.fallback.refund(rule, key, now);
        }
    }
}

/// Returns the counter key of `subject` under `rule`. Hashed: no identifier or address is kept
/// in the counters.
fn counter_key(rule: &Rule, subject: &str) -> String {
    format!("{}:{}", rule.name, &sha256_hex(subject)[..32])
}

/// The rate limiter: in-process or Redis.
#[derive(Debug)]
pub enum RateLimiter {
    /// Counters in this process.
    Memory(MemoryLimiter),
    /// Counters in Redis.
    Redis(Box<RedisLimiter>),
}

impl RateLimiter {
    /// Returns an in-process limiter.
    pub fn in_process() -> Self {
        Self::Memory(MemoryLimiter::default())
    }

    /// Connects to Redis at `url`; keys start with `prefix` (e.g. `bolajon:rl`).
    pub async fn redis(url: &str, prefix: &str) -> redis::RedisResult<Self> {
        let client = redis::Client::open(url)?;
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(2)))
            .set_response_timeout(Some(Duration::from_millis(500)))
            .set_number_of_retries(2);
        let connection = client.get_connection_manager_with_config(config).await?;
        Ok(Self::Redis(Box::new(RedisLimiter {
            connection,
            prefix: prefix.to_owned(),
            fallback: MemoryLimiter::default(),
        })))
    }

    /// Returns the backend's name, for logs and tests.
    pub fn backend_name(&self) -> &'static str {
        match self {
            Self::Memory(_) => "memory",
            Self::Redis(_) => "redis",
        }
    }

    /// Counts one hit of `subject` (an account or an address) under `rule` at Unix time `now`.
    /// Attempts count when they start, so concurrent guesses cannot outrun the limit.
    pub async fn hit(&self, rule: &Rule, subject: &str, now: i64) -> Decision {
        let key = counter_key(rule, subject);
        match self {
            Self::Memory(limiter) => limiter.hit(rule, &key, now),
            Self::Redis(limiter) => limiter.hit(rule, &key, now).await,
        }
    }

    /// Takes back the hit of an attempt that succeeded: the limits count failures, so a user
    /// who signs in often is never locked out.
    pub async fn refund(&self, rule: &Rule, subject: &str, now: i64) {
        let key = counter_key(rule, subject);
        match self {
            Self::Memory(limiter) => limiter.refund(rule, &key, now),
            Self::Redis(limiter) => limiter.refund(rule, &key, now).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: Rule = Rule {
        name: "login_account",
        limit: 3,
        window_seconds: 60,
    };

    #[tokio::test]
    async fn the_fourth_hit_in_a_window_is_refused_until_it_ends() {
        let limiter = RateLimiter::in_process();
        for _ in 0..3 {
            assert_eq!(limiter.hit(&RULE, "a", 6_010).await, Decision::Allowed);
        }
        assert_eq!(
            limiter.hit(&RULE, "a", 6_015).await,
            Decision::Limited {
                retry_after_seconds: 45
            }
        );
        assert_eq!(
            limiter.hit(&RULE, "b", 6_015).await,
            Decision::Allowed,
            "per subject"
        );
        assert_eq!(
            limiter.hit(&RULE, "a", 6_060).await,
            Decision::Allowed,
            "next window"
        );
    }

    #[tokio::test]
    async fn refunded_successes_do_not_count() {
        let limiter = RateLimiter::in_process();
        for _ in 0..10 {
            assert_eq!(limiter.hit(&RULE, "a", 6_010).await, Decision::Allowed);
            limiter.refund(&RULE, "a", 6_010).await;
        }
        for _ in 0..3 {
            assert_eq!(limiter.hit(&RULE, "a", 6_010).await, Decision::Allowed);
        }
        assert_ne!(limiter.hit(&RULE, "a", 6_010).await, Decision::Allowed);
    }

    #[test]
    fn sweeping_keeps_live_windows() {
        let limiter = MemoryLimiter::default();
        for i in 0..MEMORY_SWEEP_AT {
            limiter.hit(&RULE, &format!("old:{i}"), 0);
        }
        limiter.hit(&RULE, "live", 60);
        let windows = limiter.windows.lock().unwrap();
        assert_eq!(windows.len(), 1, "expired windows swept");
    }
}
