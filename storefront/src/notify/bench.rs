//! `storefront bench notify`: queue throughput on the SQL backends and on Redis with a no-op
//! sink: enqueue rate (one transaction per job, as the outbox does) and delivery rate (claim,
//! sink, complete; on Redis also the relay from the SQL outbox and the audit write) with a few
//! concurrent workers.

use super::redis_queue::RedisQueue;
use super::worker::{Delivered, DeliveryError, Sink, TaskRegistry, Worker, WorkerSettings};
use super::{EventKind, Job, Language, Recipient, queue};
use crate::db::Db;
use anyhow::Context;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Arguments of `storefront bench notify`.
#[derive(Debug, Clone, clap::Args)]
pub struct NotifyBenchArgs {
    /// Jobs per backend.
    #[arg(long, default_value_t = 20_000)]
    pub jobs: usize,
    /// Concurrent workers.
    #[arg(long, default_value_t = 2)]
    pub workers: usize,
    /// Jobs a worker claims at once.
    #[arg(long, default_value_t = 32)]
    pub batch: i64,
    /// Concurrent enqueueing tasks.
    #[arg(long, default_value_t = 4)]
    pub producers: usize,
    /// PostgreSQL server (a scratch database is created and dropped on it); SQLite only when
    /// unset.
    #[arg(long, env = "TEST_DATABASE_URL")]
    pub postgres_url: Option<String>,
    /// Redis server: the Redis queue is measured too (outbox on each SQL backend; keys under a
    /// scratch prefix, deleted afterwards). SQL only when unset.
    #[arg(long, env = "TEST_REDIS_URL")]
    pub redis_url: Option<String>,
}

/// A sink that delivers instantly and counts.
#[derive(Debug, Default)]
pub struct NoopSink {
    /// Deliveries so far.
    pub delivered: AtomicU64,
}

impl Sink for NoopSink {
    fn deliver<'a>(
        &'a self,
        _db: &'a Db,
        _job: &'a queue::JobRow,
    ) -> super::worker::BoxFuture<'a, Result<Delivered, DeliveryError>> {
        self.delivered.fetch_add(1, Ordering::Relaxed);
        Box::pin(async { Ok(Delivered::default()) })
    }
}

/// Measured rates of one backend.
#[derive(Debug, Clone, Copy)]
pub struct Throughput {
    /// Jobs enqueued per second (one transaction each).
    pub enqueue_per_second: f64,
    /// Jobs delivered per second.
    pub deliver_per_second: f64,
}

fn job(index: usize) -> Job {
    Job::event(
        EventKind::OrderPaid,
        format!("bench:order_paid:{index}"),
        Recipient::email(None, &format!("parent{index}@example.uz"), Language::Ru),
        serde_json::json!({ "order_id": index, "total_tiyin": 12_500_000 }),
    )
}

/// Enqueues and drains `args.jobs` jobs on `db` (through `redis` when given).
pub async fn measure(
    db: &Db,
    redis: Option<Arc<RedisQueue>>,
    args: &NotifyBenchArgs,
) -> anyhow::Result<Throughput> {
    let started = Instant::now();
    let next = Arc::new(AtomicU64::new(0));
    let mut producers = tokio::task::JoinSet::new();
    for _ in 0..args.producers.max(1) {
        let db = db.clone();
        let next = next.clone();
        let total = args.jobs as u64;
        producers.spawn(async move {
            loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                if index >= total {
                    return Ok::<_, super::Error>(());
                }
                super::enqueue_now(&db, job(index as usize)).await?;
            }
        });
    }
    while let Some(result) = producers.join_next().await {
        result.context("an enqueue task failed")??;
    }
    let enqueue = started.elapsed();
    let sink = Arc::new(NoopSink::default());
    let settings = WorkerSettings {
        batch: args.batch,
        idle_poll: Duration::from_millis(5),
        ..WorkerSettings::default()
    };
    let started = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..args.workers.max(1) {
        let mut worker = Worker::new(
            db.clone(),
            sink.clone(),
            Arc::new(TaskRegistry::default()),
            settings.clone(),
        );
        if let Some(redis) = &redis {
            worker = worker.with_redis(redis.clone());
        }
        workers.spawn(async move {
            loop {
                let report = worker.run_once().await?;
                if report.claimed == 0 {
                    return Ok::<_, super::Error>(());
                }
            }
        });
    }
    while let Some(result) = workers.join_next().await {
        result.context("a worker failed")??;
    }
    let deliver = started.elapsed();
    let delivered = sink.delivered.load(Ordering::Relaxed);
    anyhow::ensure!(
        delivered == args.jobs as u64,
        "delivered {delivered} of {} jobs",
        args.jobs
    );
    Ok(Throughput {
        enqueue_per_second: args.jobs as f64 / enqueue.as_secs_f64().max(1e-9),
        deliver_per_second: args.jobs as f64 / deliver.as_secs_f64().max(1e-9),
    })
}

/// Runs the benchmark on SQLite (a temporary file) and, when given, PostgreSQL.
pub async fn run_notify_bench(args: &NotifyBenchArgs) -> anyhow::Result<()> {
    println!(
        "notification queue: {} jobs, {} producers, {} workers claiming {} at a time, no-op sink",
        args.jobs, args.producers, args.workers, args.batch
    );
    let dir = tempfile_dir()?;
    let url = format!("sqlite://{}?mode=rwc", dir.join("bench.db").display());
    let db = Db::connect(&url).await?;
    db.migrate().await?;
    let sqlite = measure(&db, None, args).await?;
    print_line("sqlite", sqlite);
    if let Some(redis_url) = &args.redis_url {
        let measured = measure_redis(&db, redis_url, args).await;
        print_line("redis (outbox on sqlite)", measured?);
    }
    db.close().await;
    let _ = std::fs::remove_dir_all(&dir);
    if let Some(admin_url) = &args.postgres_url {
        let name = format!("bolajon_bench_notify_{}", std::process::id());
        let admin = Db::connect(admin_url).await?;
        let Db::Postgres(pool) = &admin else {
            anyhow::bail!("--postgres-url must be a postgres:// url");
        };
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(pool)
            .await?;
        let url = match admin_url.rsplit_once('/') {
            Some((base, _)) => format!("{base}/{name}"),
            None => anyhow::bail!("--postgres-url has no database name"),
        };
        let result = async {
            let db = Db::connect(&url).await?;
            db.migrate().await?;
            let measured = measure(&db, None, args).await;
            let redis = match (&measured, &args.redis_url) {
                (Ok(_), Some(redis_url)) => Some(measure_redis(&db, redis_url, args).await),
                _ => None,
            };
            db.close().await;
            measured.map(|sql| (sql, redis))
        }
        .await;
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(pool)
            .await?;
        admin.close().await;
        let (sql, redis) = result?;
        print_line("postgres", sql);
        if let Some(redis) = redis {
            print_line("redis (outbox on postgres)", redis?);
        }
    }
    Ok(())
}

/// Measures the Redis queue with its outbox on `db` (emptied first), under a scratch prefix.
async fn measure_redis(db: &Db, url: &str, args: &NotifyBenchArgs) -> anyhow::Result<Throughput> {
    crate::db::dispatch!(db, |pool, _d| {
        sqlx::query("DELETE FROM notification_jobs")
            .execute(pool)
            .await?;
    });
    let prefix = format!("bolajon:bench:{}", std::process::id());
    let queue = Arc::new(
        RedisQueue::connect(url, &prefix)
            .await
            .context("connecting to redis")?,
    );
    let measured = measure(db, Some(queue.clone()), args).await;
    queue.clear().await?;
    measured
}

fn print_line(backend: &str, throughput: Throughput) {
    println!(
        "{backend:<27} enqueue {:>9.0} jobs/s   deliver {:>9.0} jobs/s",
        throughput.enqueue_per_second, throughput.deliver_per_second
    );
}

fn tempfile_dir() -> anyhow::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("bolajon-bench-notify-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}
