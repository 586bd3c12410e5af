//! The Redis queue (issue 8, item 1) against the real Redis at `TEST_REDIS_URL` (default
//! redis://127.0.0.1:6379; the test fails when it cannot connect), with the outbox on both SQL
//! backends: the relay neither loses nor invents a job, priorities (an OTP overtakes 10,000
//! digests), retries with backoff, the dead letter in the SQL audit and its manual retry,
//! recovery of a dead worker's jobs, scheduled jobs, two nodes sharing one queue, and the crash
//! test (1,000 jobs, workers killed at random points, each message once by Message-ID).

use crate::auth::{auth_app, user_with_role};
use crate::backend_tests;
use crate::notify::{
    RecordingSink, count_status, digest, drain_until, enqueue_in_tx, fast_settings, order_paid, otp,
};
use crate::notify_email::SmtpSink;
use crate::support::TestDb;
use rand::{Rng, SeedableRng};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};
use storefront::auth::Role;
use storefront::db::Db;
use storefront::notify::email::message_id;
use storefront::notify::queue;
use storefront::notify::redis_queue::RedisQueue;
use storefront::notify::worker::{Channels, Sink, TaskRegistry, Worker, WorkerSettings};
use storefront::notify::{self, Enqueued, EventKind, Job, Language};

/// The queue under a prefix of this test's own, emptied first and by [`TestQueue::finish`].
pub struct TestQueue {
    pub queue: Arc<RedisQueue>,
}

impl TestQueue {
    pub async fn new(name: &str) -> Self {
        let url =
            std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned());
        let prefix = format!(
            "bolajon:test:{name}:{}:{}",
            std::process::id(),
            rand::rng().random::<u32>()
        );
        let queue = RedisQueue::connect(&url, &prefix)
            .await
            .unwrap_or_else(|error| panic!("the Redis queue tests need Redis at {url}: {error}"));
        queue.clear().await.unwrap();
        Self {
            queue: Arc::new(queue),
        }
    }

    /// Deletes the test's keys (a failed test leaves them under its unique prefix).
    pub async fn finish(self) {
        self.queue.clear().await.unwrap();
    }

    pub fn worker(&self, db: &Db, sink: Arc<dyn Sink>, settings: WorkerSettings) -> Worker {
        Worker::new(
            db.clone(),
            sink,
            Arc::new(TaskRegistry::default()),
            settings,
        )
        .with_redis(self.queue.clone())
    }
}

async fn relayed_count(db: &Db) -> i64 {
    let sql = "SELECT COUNT(*) FROM notification_jobs WHERE relayed_at IS NOT NULL";
    match db {
        Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
        Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
    }
}

async fn unstamp_relay(db: &Db) {
    let sql = "UPDATE notification_jobs SET relayed_at = NULL";
    match db {
        Db::Sqlite(pool) => {
            sqlx::query(sql).execute(pool).await.unwrap();
        }
        Db::Postgres(pool) => {
            sqlx::query(sql).execute(pool).await.unwrap();
        }
    }
}

backend_tests!(
    redis_relay_copies_committed_jobs_once_even_when_it_crashes_between_copy_and_stamp,
    |test: TestDb| async move {
        let db = test.db.clone();
        let redis = TestQueue::new("relay").await;
        // A rolled-back business change leaves nothing to relay.
        enqueue_in_tx(
            &db,
            vec![order_paid(1, "ona@example.uz", Language::Ru)],
            false,
        )
        .await;
        assert_eq!(redis.queue.relay(&db, 100).await.unwrap(), 0);
        let committed = enqueue_in_tx(
            &db,
            (1..=5)
                .map(|i| order_paid(i, "ona@example.uz", Language::Ru))
                .collect(),
            true,
        )
        .await;
        assert!(
            committed
                .iter()
                .all(|r| matches!(r, Ok(Enqueued::Created(_))))
        );
        assert_eq!(redis.queue.relay(&db, 100).await.unwrap(), 5);
        assert_eq!(relayed_count(&db).await, 5);
        assert_eq!(
            redis.queue.relay(&db, 100).await.unwrap(),
            0,
            "stamped rows are not relayed again"
        );
        // The relay died after the copy, before the stamp: the copy is repeated, Redis keeps one.
        unstamp_relay(&db).await;
        assert_eq!(redis.queue.relay(&db, 100).await.unwrap(), 0);
        assert_eq!(relayed_count(&db).await, 5);
        let depth = redis.queue.depth().await.unwrap();
        assert_eq!(depth.scheduled + depth.ready, 5);

        // Two nodes drain the shared queue: every job exactly once (no crash here).
        let sink = Arc::new(RecordingSink::default());
        let a = redis.worker(&db, sink.clone(), fast_settings());
        let b = redis.worker(&db, sink.clone(), fast_settings());
        let more = enqueue_in_tx(
            &db,
            (6..=300)
                .map(|i| order_paid(i, "ona@example.uz", Language::Ru))
                .collect(),
            true,
        )
        .await;
        assert!(more.iter().all(Result::is_ok));
        let (ra, rb) = tokio::join!(
            drain_until(&a, Duration::from_secs(60), async || {
                count_status(&db, "delivered").await == 300
            }),
            drain_until(&b, Duration::from_secs(60), async || {
                count_status(&db, "delivered").await == 300
            }),
        );
        let _ = (ra, rb);
        let keys = sink.keys();
        let unique: HashSet<&String> = keys.iter().collect();
        assert_eq!(keys.len(), 300, "no job delivered twice without a crash");
        assert_eq!(unique.len(), 300);
        let job = queue::job_by_key(&db, "order_paid:7:email")
            .await
            .unwrap()
            .unwrap();
        assert_eq!((job.status.as_str(), job.attempts), ("delivered", 1));
        assert!(job.delivered_at.is_some());
        assert_eq!(job.provider_ref, Some(format!("sink:{}", job.id)));
        let depth = redis.queue.depth().await.unwrap();
        assert_eq!(
            (depth.scheduled, depth.ready, depth.leased, depth.dead),
            (0, 0, 0, 0)
        );
        redis.finish().await;
    }
);

backend_tests!(
    redis_an_otp_enqueued_after_ten_thousand_digests_is_delivered_first,
    |test: TestDb| async move {
        let app = auth_app(test).await;
        let db = app.state.0.db.clone();
        let redis = TestQueue::new("priority").await;
        let (parent, _) = user_with_role(&app, Role::Parent).await;
        // Digests are marketing: only with the parent's separate consent.
        storefront::privacy::set_marketing_consent(&db, parent, true, chrono::Utc::now())
            .await
            .unwrap()
            .unwrap();
        let results = enqueue_in_tx(
            &db,
            (0..10_000).map(|i| digest(i, parent.0)).collect(),
            true,
        )
        .await;
        assert!(results.iter().all(Result::is_ok));
        let sink = Arc::new(RecordingSink::default());
        // The digests are in Redis before the OTP is enqueued.
        while redis.queue.relay(&db, 5_000).await.unwrap() > 0 {}
        assert_eq!(redis.queue.depth().await.unwrap().ready, 10_000);

        // 1. Queued behind 10,000 digests, the OTP is claimed first.
        notify::enqueue_now(&db, otp("otp:first", "+998901234567"))
            .await
            .unwrap();
        let one_at_a_time = redis.worker(
            &db,
            sink.clone(),
            WorkerSettings {
                batch: 1,
                ..fast_settings()
            },
        );
        one_at_a_time.run_once().await.unwrap();
        assert_eq!(sink.keys(), vec!["otp:first"]);

        // 2. With a worker busy on digests, a new OTP overtakes what is still queued.
        let worker = redis.worker(&db, sink.clone(), fast_settings());
        let running = tokio::spawn({
            let worker = worker.clone();
            async move {
                loop {
                    if worker.run_once().await.unwrap().claimed == 0 {
                        tokio::time::sleep(Duration::from_millis(5)).await;
                    }
                }
            }
        });
        let warming = Instant::now();
        while sink.keys().len() < 200 {
            assert!(
                warming.elapsed() < Duration::from_secs(60) && !running.is_finished(),
                "the worker stalled"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let enqueued_at = Instant::now();
        notify::enqueue_now(&db, otp("otp:second", "+998901234567"))
            .await
            .unwrap();
        let (latency, position) = loop {
            let delivered = sink.delivered.lock().unwrap().clone();
            if let Some(position) = delivered.iter().position(|(key, _)| key == "otp:second") {
                break (delivered[position].1 - enqueued_at, position);
            }
            drop(delivered);
            assert!(enqueued_at.elapsed() < Duration::from_secs(30));
            tokio::time::sleep(Duration::from_millis(1)).await;
        };
        running.abort();
        let depth = redis.queue.depth().await.unwrap();
        let waiting = depth.scheduled + depth.ready;
        println!(
            "redis: OTP latency behind a busy digest queue: {latency:?} (delivered as #{position} with {waiting} digests still queued)"
        );
        assert!(
            waiting > 5_000,
            "the OTP did not wait for the digests ({waiting} queued)"
        );
        redis.finish().await;
    }
);

backend_tests!(
    redis_failures_back_off_then_deliver_and_permanent_ones_are_dead_in_the_audit_until_retried,
    |test: TestDb| async move {
        let db = test.db.clone();
        let redis = TestQueue::new("retry").await;
        let sink = Arc::new(RecordingSink::default());
        sink.transient_failures
            .lock()
            .unwrap()
            .insert("order_paid:1:email".to_owned(), 2);
        sink.permanent
            .lock()
            .unwrap()
            .push("order_paid:2:email".to_owned());
        for order in [1, 2] {
            notify::enqueue_now(&db, order_paid(order, "ona@example.uz", Language::UzCyrl))
                .await
                .unwrap();
        }
        // Backoffs long enough that "not due yet" holds on a loaded machine.
        let worker = redis.worker(
            &db,
            sink.clone(),
            WorkerSettings {
                backoff_base: Duration::from_millis(1_000),
                backoff_max: Duration::from_millis(2_000),
                ..fast_settings()
            },
        );
        let report = worker.run_once().await.unwrap();
        assert_eq!((report.claimed, report.retried, report.dead), (2, 1, 1));
        let waiting = queue::job_by_key(&db, "order_paid:1:email")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(waiting.status, "queued");
        assert_eq!(waiting.attempts, 1);
        assert_eq!(waiting.last_error.as_deref(), Some("421 try again later"));
        let delay = waiting.run_at - waiting.updated_at;
        // The first backoff is 1 s with equal jitter: 0.5 to 1 s after the failure.
        assert!((500..=1_000).contains(&delay), "first backoff {delay} ms");
        assert_eq!(worker.run_once().await.unwrap().claimed, 0, "not due yet");
        drain_until(&worker, Duration::from_secs(20), async || {
            queue::job_by_key(&db, "order_paid:1:email")
                .await
                .unwrap()
                .unwrap()
                .status
                == "delivered"
        })
        .await;
        let delivered = queue::job_by_key(&db, "order_paid:1:email")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(delivered.attempts, 3, "two failures, then success");
        assert!(delivered.delivered_at.unwrap() - delivered.created_at >= 500 + 1_000);

        // The permanent failure is a dead letter with its error, in the SQL audit.
        let dead = queue::job_by_key(&db, "order_paid:2:email")
            .await
            .unwrap()
            .unwrap();
        assert_eq!((dead.status.as_str(), dead.attempts), ("dead", 1));
        assert_eq!(
            dead.last_error.as_deref(),
            Some("550 mailbox does not exist")
        );
        let audit = queue::search(
            &db,
            &queue::AuditFilter {
                status: Some(queue::JobStatus::Dead),
                limit: 10,
                ..queue::AuditFilter::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(
            audit.iter().map(|j| j.id).collect::<Vec<_>>(),
            vec![dead.id]
        );
        assert_eq!(redis.queue.depth().await.unwrap().dead, 1);

        // Attempts run out on Redis too.
        sink.transient_failures
            .lock()
            .unwrap()
            .insert("otp:tired".to_owned(), 100);
        notify::enqueue_now(&db, otp("otp:tired", "+998901234567"))
            .await
            .unwrap();
        drain_until(&worker, Duration::from_secs(20), async || {
            queue::job_by_key(&db, "otp:tired")
                .await
                .unwrap()
                .unwrap()
                .status
                == "dead"
        })
        .await;
        let tired = queue::job_by_key(&db, "otp:tired").await.unwrap().unwrap();
        assert_eq!(tired.attempts, EventKind::Otp.max_attempts());

        // The manual retry (the admin route's function) relays the job again; it is delivered.
        sink.permanent.lock().unwrap().clear();
        queue::retry_dead(&db, dead.id).await.unwrap();
        drain_until(&worker, Duration::from_secs(10), async || {
            queue::job_by_id(&db, dead.id).await.unwrap().status == "delivered"
        })
        .await;
        assert_eq!(
            sink.keys()
                .iter()
                .filter(|k| *k == "order_paid:2:email")
                .count(),
            1
        );
        assert_eq!(redis.queue.depth().await.unwrap().dead, 1, "otp:tired only");
        redis.finish().await;
    }
);

backend_tests!(
    redis_a_crashed_workers_job_is_taken_again_and_scheduled_jobs_wait,
    |test: TestDb| async move {
        let db = test.db.clone();
        let redis = TestQueue::new("lease").await;
        notify::enqueue_now(&db, order_paid(7, "ona@example.uz", Language::En))
            .await
            .unwrap();
        let lease = Duration::from_millis(300);
        // Worker A (another node) claims the job and dies.
        redis.queue.relay(&db, 10).await.unwrap();
        let claimed = redis.queue.claim(&db, "worker-a", 10, lease).await.unwrap();
        assert_eq!(claimed.len(), 1);
        assert_eq!(claimed[0].attempts, 1);
        let sink = Arc::new(RecordingSink::default());
        let worker_b = redis.worker(
            &db,
            sink.clone(),
            WorkerSettings {
                lease,
                ..fast_settings()
            },
        );
        assert_eq!(
            worker_b.run_once().await.unwrap().claimed,
            0,
            "the lease holds"
        );
        assert!(
            redis
                .queue
                .extend_lease(claimed[0].id, "worker-a", lease)
                .await
                .unwrap()
        );
        tokio::time::sleep(lease + Duration::from_millis(50)).await;
        let report = worker_b.run_once().await.unwrap();
        assert_eq!((report.claimed, report.delivered), (1, 1));
        let job = queue::job_by_id(&db, claimed[0].id).await.unwrap();
        assert_eq!(
            (job.status.as_str(), job.attempts, job.lease_expiries),
            ("delivered", 2, 1)
        );
        // A's late report changes nothing, in Redis or in the audit.
        assert!(
            !redis
                .queue
                .complete(&db, &claimed[0], "worker-a", None)
                .await
                .unwrap()
        );
        assert!(
            !redis
                .queue
                .extend_lease(job.id, "worker-a", lease)
                .await
                .unwrap()
        );
        let again = queue::job_by_id(&db, job.id).await.unwrap();
        assert_eq!(again.provider_ref, job.provider_ref);

        // A scheduled job waits in Redis until it is due.
        let mut later = order_paid(8, "ona@example.uz", Language::En);
        later.run_at = Some(chrono::Utc::now() + chrono::Duration::milliseconds(400));
        notify::enqueue_now(&db, later).await.unwrap();
        assert_eq!(worker_b.run_once().await.unwrap().claimed, 0, "not due yet");
        assert_eq!(redis.queue.depth().await.unwrap().scheduled, 1);
        tokio::time::sleep(Duration::from_millis(450)).await;
        assert_eq!(worker_b.run_once().await.unwrap().delivered, 1);
        redis.finish().await;
    }
);

backend_tests!(
    redis_workers_killed_at_random_points_deliver_every_job_once_by_message_id,
    |test: TestDb| async move {
        const JOBS: usize = 1_000;
        let db = test.db.clone();
        let redis = TestQueue::new("crash").await;
        let sink = SmtpSink::start();
        let jobs: Vec<Job> = (0..JOBS)
            .map(|i| order_paid(i as i64, &format!("parent{i}@example.uz"), Language::Ru))
            .collect();
        assert!(
            enqueue_in_tx(&db, jobs, true)
                .await
                .iter()
                .all(Result::is_ok)
        );
        let settings = WorkerSettings {
            lease: Duration::from_millis(500),
            batch: 16,
            ..fast_settings()
        };
        let email_worker = || {
            redis.worker(
                &db,
                Arc::new(Channels {
                    email: Some(sink.mailer()),
                    ..Channels::default()
                }),
                settings.clone(),
            )
        };
        let mut rng = rand::rngs::StdRng::seed_from_u64(8);
        let started = Instant::now();
        // Twenty nodes, each killed after a random time: mid-relay, mid-claim, mid-SMTP or
        // between the SMTP answer and the audit write; two run at once.
        let mut kills = 0;
        while kills < 20 && count_status(&db, "delivered").await < JOBS as i64 {
            let (_stop, stop) = tokio::sync::watch::channel(false);
            let first = tokio::spawn(email_worker().run(stop.clone()));
            let second = tokio::spawn(email_worker().run(stop));
            tokio::time::sleep(Duration::from_millis(rng.random_range(100..600))).await;
            first.abort();
            tokio::time::sleep(Duration::from_millis(rng.random_range(0..50))).await;
            second.abort();
            let _ = first.await;
            let _ = second.await;
            kills += 2;
        }
        let before_restart = count_status(&db, "delivered").await;
        let worker = email_worker();
        drain_until(&worker, Duration::from_secs(240), async || {
            count_status(&db, "delivered").await == JOBS as i64
        })
        .await;
        let elapsed = started.elapsed();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let messages = sink.messages();
        let expected: HashSet<String> = (0..JOBS)
            .map(|i| message_id(&format!("order_paid:{i}:email"), "bolajon.uz"))
            .collect();
        let received: HashSet<String> = messages
            .iter()
            .map(|message| message["message_id"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(
            received, expected,
            "every job delivered, counted once by Message-ID"
        );
        println!(
            "redis crash test: {JOBS} jobs in {elapsed:?} across {kills} killed workers \
             ({before_restart} delivered before the restart); {} SMTP deliveries, {} repeats",
            messages.len(),
            messages.len() - received.len()
        );
        assert_eq!(count_status(&db, "dead").await, 0);
        let depth = redis.queue.depth().await.unwrap();
        assert_eq!(
            (depth.scheduled, depth.ready, depth.leased, depth.dead),
            (0, 0, 0, 0)
        );
        redis.finish().await;
    }
);
