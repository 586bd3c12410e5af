//! The job queue on Redis, for several service nodes sharing one queue: priorities, leases with
//! recovery of a dead worker's jobs, retries with backoff, the dead letter with its manual retry,
//! and scheduled jobs, with the same semantics as the SQL queue ([`super::queue`]).
//!
//! # The outbox stays in SQL
//!
//! Jobs are still enqueued with [`super::enqueue`], in the business transaction, into
//! `notification_jobs` (which holds the idempotency keys and is the audit trail). A **relay**
//! ([`RedisQueue::relay`], run by every worker before it claims) copies rows that are queued and
//! not yet relayed into Redis, then stamps `relayed_at` on them. Each step is idempotent:
//!
//! - a crash before the copy leaves the row unrelayed, and the next relay copies it (nothing
//!   lost);
//! - a crash between the copy and the stamp copies the row again, and Redis ignores it because
//!   the job hash already exists under the row's id (nothing invented; the idempotency key was
//!   already enforced by SQL's unique index at enqueue);
//! - a row the business transaction rolled back was never visible to the relay.
//!
//! The relay key is the SQL row's `updated_at` at relay time (its *generation*): an admin's
//! manual retry of a dead letter ([`super::queue::retry_dead`]) clears `relayed_at` and bumps
//! `updated_at`, so the next relay replaces the dead copy in Redis, while a late, stale relay
//! of the first generation cannot resurrect a job that went dead.
//!
//! Outcomes are written to SQL first (guarded: a delivered row is never downgraded) and then
//! to Redis, whose owner check decides whether the lease was still held. A crash in between
//! leaves the lease to run out, and the job is delivered again (at least once; the email
//! Message-ID and the SMS/push idempotency key make the visible effect exactly once).
//!
//! # Redis layout (every key starts with the configured prefix)
//!
//! - `<p>:job:<id>`: hash with the row (`row`, JSON) and its state (`status`, `attempts`,
//!   `lease_expiries`, `max_attempts`, `priority`, `run_at`, `owner`, `gen`, `last_error`).
//! - `<p>:scheduled`: sorted set of queued jobs not yet due (scheduled, or waiting for a
//!   retry), by due time (ms); a claim moves the due ones to `ready`.
//! - `<p>:ready`: sorted set of due jobs by `priority · 2^42 + run_at`, ids zero-padded so equal
//!   scores order by id: the lowest priority value, then the oldest, goes first.
//! - `<p>:leased`: sorted set of running jobs by lease end (ms).
//! - `<p>:dead`: sorted set of dead jobs by the time they died.
//!
//! Every state change is one Lua script, so it is atomic across nodes.
//!
//! # Why not apalis
//!
//! The issue prefers a maintained crate such as apalis. Its Redis backend (`apalis-redis`)
//! brings its own `redis` major version next to the workspace's `redis` 1.8 (a duplicate crate,
//! which the project forbids), and its jobs would not share the SQL outbox, the idempotency
//! keys, the priority classes and the audit columns the admin API and the tests already use.
//! The queue's state machine is about 200 lines of Lua and Rust on the `redis` crate that the
//! service already depends on, so it is written here, with the same tests as the SQL queue.

use super::queue::{self, COLUMNS, JobRow};
use super::{Error, Result, now_ms};
use crate::db::{Db, dispatch};
use redis::aio::ConnectionManager;
use std::time::Duration;

/// Jobs a relay pass copies at most.
pub const RELAY_BATCH: i64 = 500;

/// Delivered jobs' hashes stay this long in Redis (the audit is in SQL).
const FINISHED_TTL_SECONDS: i64 = 7 * 24 * 3600;

/// The queue in Redis.
#[derive(Clone)]
pub struct RedisQueue {
    connection: ConnectionManager,
    prefix: String,
}

impl std::fmt::Debug for RedisQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisQueue")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl From<redis::RedisError> for Error {
    fn from(error: redis::RedisError) -> Self {
        Self::Redis(error.to_string())
    }
}

fn member(id: i64) -> String {
    format!("{id:020}")
}

const RELAY: &str = r"
local p = ARGV[1]
local now = tonumber(ARGV[2])
local created = 0
local i = 3
while i <= #ARGV do
  local id, row, priority, run_at, max_attempts, gen =
    ARGV[i], ARGV[i+1], ARGV[i+2], ARGV[i+3], ARGV[i+4], ARGV[i+5]
  i = i + 6
  local key = p .. ':job:' .. id
  local status = redis.call('HGET', key, 'status')
  local old_gen = tonumber(redis.call('HGET', key, 'gen') or '0')
  if (not status) or (status == 'dead' and old_gen < tonumber(gen)) then
    redis.call('DEL', key)
    redis.call('HSET', key, 'row', row, 'status', 'queued', 'attempts', 0,
      'lease_expiries', 0, 'max_attempts', max_attempts, 'priority', priority,
      'run_at', run_at, 'owner', '', 'gen', gen, 'last_error', '')
    redis.call('ZREM', p .. ':dead', id)
    if tonumber(run_at) <= now then
      redis.call('ZADD', p .. ':ready', tonumber(priority) * 4398046511104 + tonumber(run_at), id)
    else
      redis.call('ZADD', p .. ':scheduled', run_at, id)
    end
    created = created + 1
  end
end
return created
";

const CLAIM: &str = r"
local p = ARGV[1]
local now = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local lease_until = tonumber(ARGV[4])
local owner = ARGV[5]
local max_expiries = tonumber(ARGV[6])
local shift = 4398046511104
local function ready(id, key)
  local score = tonumber(redis.call('HGET', key, 'priority')) * shift
    + tonumber(redis.call('HGET', key, 'run_at'))
  redis.call('ZADD', p .. ':ready', score, id)
end
for _, id in ipairs(redis.call('ZRANGEBYSCORE', p .. ':scheduled', '-inf', now, 'LIMIT', 0, 1000)) do
  redis.call('ZREM', p .. ':scheduled', id)
  ready(id, p .. ':job:' .. id)
end
local died = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', p .. ':leased', '-inf', '(' .. now, 'LIMIT', 0, 1000)) do
  local key = p .. ':job:' .. id
  redis.call('ZREM', p .. ':leased', id)
  local expiries = redis.call('HINCRBY', key, 'lease_expiries', 1)
  if expiries >= max_expiries then
    redis.call('HSET', key, 'status', 'dead', 'owner', '',
      'last_error', 'its workers kept stopping during delivery (lease expired)')
    redis.call('ZADD', p .. ':dead', now, id)
    table.insert(died, {id, redis.call('HGET', key, 'attempts'), expiries})
  else
    redis.call('HSET', key, 'status', 'queued', 'owner', '')
    ready(id, key)
  end
end
local claimed = {}
for _, id in ipairs(redis.call('ZRANGE', p .. ':ready', 0, limit - 1)) do
  local key = p .. ':job:' .. id
  redis.call('ZREM', p .. ':ready', id)
  local attempts = redis.call('HINCRBY', key, 'attempts', 1)
  redis.call('HSET', key, 'status', 'running', 'owner', owner)
  redis.call('ZADD', p .. ':leased', lease_until, id)
  table.insert(claimed, {redis.call('HGET', key, 'row'), attempts,
    tonumber(redis.call('HGET', key, 'lease_expiries')), tonumber(redis.call('HGET', key, 'run_at'))})
end
return {claimed, died}
";

const EXTEND: &str = r"
local key = ARGV[1] .. ':job:' .. ARGV[2]
if redis.call('HGET', key, 'owner') ~= ARGV[3] or redis.call('HGET', key, 'status') ~= 'running' then
  return 0
end
redis.call('ZADD', ARGV[1] .. ':leased', 'XX', ARGV[4], ARGV[2])
return 1
";

const FINISH: &str = r"
local p, id, owner, now, outcome, run_at, err, ttl =
  ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local key = p .. ':job:' .. id
if redis.call('HGET', key, 'owner') ~= owner or redis.call('HGET', key, 'status') ~= 'running' then
  return 0
end
redis.call('ZREM', p .. ':leased', id)
if outcome == 'delivered' then
  redis.call('HSET', key, 'status', 'delivered', 'owner', '')
  redis.call('EXPIRE', key, ttl)
elseif outcome == 'dead' then
  redis.call('HSET', key, 'status', 'dead', 'owner', '', 'last_error', err)
  redis.call('ZADD', p .. ':dead', now, id)
else
  redis.call('HSET', key, 'status', 'queued', 'owner', '', 'last_error', err, 'run_at', run_at)
  redis.call('ZADD', p .. ':scheduled', run_at, id)
end
return 1
";

/// A job that died in Redis during a claim (its workers kept dying): (id, attempts, expiries).
type Died = (String, i64, i64);
/// A claimed job: (row JSON, attempts, lease expiries, run_at).
type Claimed = (String, i64, i64, i64);

/// Queue depth in Redis.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RedisDepth {
    /// Queued, not yet due.
    pub scheduled: u64,
    /// Due, waiting for a worker.
    pub ready: u64,
    /// Held by workers.
    pub leased: u64,
    /// In the dead letter.
    pub dead: u64,
}

impl RedisQueue {
    /// Connects to Redis at `url`; keys start with `prefix` (e.g. `bolajon:jobs`).
    pub async fn connect(url: &str, prefix: &str) -> Result<Self> {
        let client = redis::Client::open(url)?;
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(2)))
            .set_response_timeout(Some(Duration::from_secs(5)))
            .set_number_of_retries(2);
        let connection = client.get_connection_manager_with_config(config).await?;
        Ok(Self {
            connection,
            prefix: prefix.to_owned(),
        })
    }

    /// Returns the key prefix.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    async fn eval<T: redis::FromRedisValue>(&self, script: &str, args: &[String]) -> Result<T> {
        let mut connection = self.connection.clone();
        let mut command = redis::cmd("EVAL");
        command.arg(script).arg(0);
        for arg in args {
            command.arg(arg);
        }
        Ok(command.query_async(&mut connection).await?)
    }

    /// Copies up to `limit` queued, unrelayed jobs of the SQL outbox into Redis and stamps them
    /// relayed. Returns how many were new in Redis.
    pub async fn relay(&self, db: &Db, limit: i64) -> Result<usize> {
        let rows: Vec<JobRow> = dispatch!(db, |pool, _d| {
            sqlx::query_as(&format!(
                "SELECT {COLUMNS} FROM notification_jobs \
                 WHERE status = 'queued' AND relayed_at IS NULL ORDER BY priority, id LIMIT $1"
            ))
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        if rows.is_empty() {
            return Ok(0);
        }
        let mut args = vec![self.prefix.clone(), now_ms().to_string()];
        for row in &rows {
            let json = serde_json::to_string(row)
                .map_err(|error| Error::Corrupt(format!("job {}: {error}", row.id)))?;
            args.extend([
                member(row.id),
                json,
                row.priority.to_string(),
                row.run_at.to_string(),
                row.max_attempts.to_string(),
                row.updated_at.to_string(),
            ]);
        }
        let created: i64 = self.eval(RELAY, &args).await?;
        // Stamp only the generation that was copied: a row retried meanwhile is relayed again.
        let pairs: Vec<String> = rows
            .iter()
            .map(|row| format!("({}, {})", row.id, row.updated_at))
            .collect();
        let now = now_ms();
        dispatch!(db, |pool, _d| {
            sqlx::query(&format!(
                "UPDATE notification_jobs SET relayed_at = $1 WHERE relayed_at IS NULL \
                 AND (id, updated_at) IN (VALUES {})",
                pairs.join(", ")
            ))
            .bind(now)
            .execute(pool)
            .await?;
        });
        Ok(usize::try_from(created).unwrap_or(0))
    }

    /// Claims up to `limit` due jobs for `owner`, highest priority first, under a lease; jobs
    /// of dead workers (lease run out) are ready again, or dead after
    /// [`queue::MAX_LEASE_EXPIRIES`] (recorded in SQL too).
    pub async fn claim(
        &self,
        db: &Db,
        owner: &str,
        limit: i64,
        lease: Duration,
    ) -> Result<Vec<JobRow>> {
        let now = now_ms();
        let until = now + i64::try_from(lease.as_millis()).unwrap_or(i64::MAX / 2);
        let (claimed, died): (Vec<Claimed>, Vec<Died>) = self
            .eval(
                CLAIM,
                &[
                    self.prefix.clone(),
                    now.to_string(),
                    limit.max(1).to_string(),
                    until.to_string(),
                    owner.to_owned(),
                    queue::MAX_LEASE_EXPIRIES.to_string(),
                ],
            )
            .await?;
        for (id, attempts, expiries) in died {
            let id: i64 = id
                .parse()
                .map_err(|_| Error::Corrupt(format!("redis job id {id}")))?;
            record_outcome(
                db,
                id,
                Outcome::Dead {
                    attempts,
                    lease_expiries: expiries,
                    error: "its workers kept stopping during delivery (lease expired)",
                },
                now,
            )
            .await?;
        }
        let mut jobs = Vec::with_capacity(claimed.len());
        for (json, attempts, lease_expiries, run_at) in claimed {
            let mut row: JobRow = serde_json::from_str(&json)
                .map_err(|error| Error::Corrupt(format!("redis job: {error}")))?;
            row.status = "running".to_owned();
            row.attempts = attempts;
            row.lease_expiries = lease_expiries;
            row.run_at = run_at;
            row.lease_owner = Some(owner.to_owned());
            row.lease_until = Some(until);
            jobs.push(row);
        }
        Ok(jobs)
    }

    /// Extends the lease of a job `owner` still holds. Returns `false` when it was lost.
    pub async fn extend_lease(&self, id: i64, owner: &str, lease: Duration) -> Result<bool> {
        let until = now_ms() + i64::try_from(lease.as_millis()).unwrap_or(i64::MAX / 2);
        let changed: i64 = self
            .eval(
                EXTEND,
                &[
                    self.prefix.clone(),
                    member(id),
                    owner.to_owned(),
                    until.to_string(),
                ],
            )
            .await?;
        Ok(changed == 1)
    }

    async fn finish(
        &self,
        id: i64,
        owner: &str,
        outcome: &str,
        run_at: i64,
        error: &str,
    ) -> Result<bool> {
        let changed: i64 = self
            .eval(
                FINISH,
                &[
                    self.prefix.clone(),
                    member(id),
                    owner.to_owned(),
                    now_ms().to_string(),
                    outcome.to_owned(),
                    run_at.to_string(),
                    error.to_owned(),
                    FINISHED_TTL_SECONDS.to_string(),
                ],
            )
            .await?;
        Ok(changed == 1)
    }

    /// Marks a job `owner` holds as delivered (in SQL, then in Redis). Returns `false` when
    /// the lease was lost meanwhile.
    pub async fn complete(
        &self,
        db: &Db,
        job: &JobRow,
        owner: &str,
        provider_ref: Option<&str>,
    ) -> Result<bool> {
        record_outcome(
            db,
            job.id,
            Outcome::Delivered {
                attempts: job.attempts,
                lease_expiries: job.lease_expiries,
                provider_ref,
            },
            now_ms(),
        )
        .await?;
        self.finish(job.id, owner, "delivered", 0, "").await
    }

    /// Records a failed attempt: queued again after `backoff`, or dead when `permanent` or
    /// out of attempts (same rule as [`queue::fail`]).
    pub async fn fail(
        &self,
        db: &Db,
        job: &JobRow,
        owner: &str,
        error: &str,
        permanent: bool,
        backoff: Duration,
    ) -> Result<queue::FailOutcome> {
        let error: String = error.chars().take(1000).collect();
        let dead = permanent || job.attempts >= job.max_attempts;
        let now = now_ms();
        let run_at = now + i64::try_from(backoff.as_millis()).unwrap_or(i64::MAX / 4);
        let outcome = if dead {
            Outcome::Dead {
                attempts: job.attempts,
                lease_expiries: job.lease_expiries,
                error: &error,
            }
        } else {
            Outcome::Retry {
                attempts: job.attempts,
                lease_expiries: job.lease_expiries,
                error: &error,
                run_at,
            }
        };
        record_outcome(db, job.id, outcome, now).await?;
        let held = self
            .finish(
                job.id,
                owner,
                if dead { "dead" } else { "retry" },
                run_at,
                &error,
            )
            .await?;
        Ok(match (held, dead) {
            (false, _) => queue::FailOutcome::LeaseLost,
            (true, true) => queue::FailOutcome::Dead,
            (true, false) => queue::FailOutcome::Retry(run_at),
        })
    }

    /// Returns the depth of each state in Redis.
    pub async fn depth(&self) -> Result<RedisDepth> {
        let mut connection = self.connection.clone();
        let p = &self.prefix;
        let (scheduled, ready, leased, dead): (u64, u64, u64, u64) = redis::pipe()
            .zcard(format!("{p}:scheduled"))
            .zcard(format!("{p}:ready"))
            .zcard(format!("{p}:leased"))
            .zcard(format!("{p}:dead"))
            .query_async(&mut connection)
            .await?;
        Ok(RedisDepth {
            scheduled,
            ready,
            leased,
            dead,
        })
    }

    /// Deletes every key under the prefix (tests and benchmarks clean up their own prefix).
    pub async fn clear(&self) -> Result<u64> {
        let mut connection = self.connection.clone();
        let mut cursor: u64 = 0;
        let mut deleted = 0;
        loop {
            let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(format!("{}:*", self.prefix))
                .arg("COUNT")
                .arg(1000)
                .query_async(&mut connection)
                .await?;
            if !keys.is_empty() {
                let removed: u64 = redis::cmd("DEL")
                    .arg(&keys)
                    .query_async(&mut connection)
                    .await?;
                deleted += removed;
            }
            if next == 0 {
                return Ok(deleted);
            }
            cursor = next;
        }
    }
}

/// An outcome written to the SQL audit row of a job the Redis queue holds.
enum Outcome<'a> {
    Delivered {
        attempts: i64,
        lease_expiries: i64,
        provider_ref: Option<&'a str>,
    },
    Retry {
        attempts: i64,
        lease_expiries: i64,
        error: &'a str,
        run_at: i64,
    },
    Dead {
        attempts: i64,
        lease_expiries: i64,
        error: &'a str,
    },
}

/// Writes `outcome` to the audit row. A delivered row is never changed again (a late report
/// of a worker whose lease ran out cannot undo a delivery).
async fn record_outcome(db: &Db, id: i64, outcome: Outcome<'_>, now: i64) -> Result<()> {
    let (status, attempts, expiries, error, run_at, delivered_at, provider_ref) = match outcome {
        Outcome::Delivered {
            attempts,
            lease_expiries,
            provider_ref,
        } => (
            "delivered",
            attempts,
            lease_expiries,
            None,
            None,
            Some(now),
            provider_ref,
        ),
        Outcome::Retry {
            attempts,
            lease_expiries,
            error,
            run_at,
        } => (
            "queued",
            attempts,
            lease_expiries,
            Some(error),
            Some(run_at),
            None,
            None,
        ),
        Outcome::Dead {
            attempts,
            lease_expiries,
            error,
        } => (
            "dead",
            attempts,
            lease_expiries,
            Some(error),
            None,
            None,
            None,
        ),
    };
    dispatch!(db, |pool, _d| {
        sqlx::query(
            "UPDATE notification_jobs SET status = $2, attempts = $3, lease_expiries = $4, \
             last_error = COALESCE($5, last_error), run_at = COALESCE($6, run_at), \
             delivered_at = COALESCE($7, delivered_at), \
             provider_ref = COALESCE($8, provider_ref), updated_at = $9 \
             WHERE id = $1 AND status <> 'delivered' AND relayed_at IS NOT NULL",
        )
        .bind(id)
        .bind(status)
        .bind(attempts)
        .bind(expiries)
        .bind(error)
        .bind(run_at)
        .bind(delivered_at)
        .bind(provider_ref)
        .bind(now)
        .execute(pool)
        .await?;
    });
    Ok(())
}
