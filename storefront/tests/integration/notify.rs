//! The notification queue (issue 8) on both backends: the transactional outbox, idempotency,
//! validation and the no-marketing-to-children rule, priorities (an OTP overtakes 10,000
//! digests), retries with backoff, the dead letter and its manual retry, leases of crashed
//! workers, and recurring tasks. Shared helpers for the other `notify_*` modules live here.

use crate::auth::{auth_app, user_with_role};
use crate::backend_tests;
use crate::support::TestDb;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use storefront::auth::Role;
use storefront::db::Db;
use storefront::notify::queue::{self, Enqueued, JobRow};
use storefront::notify::worker::{
    BoxFuture, Delivered, DeliveryError, Sink, TaskRegistry, Worker, WorkerSettings,
};
use storefront::notify::{self, EventKind, Job, Language, Priority, Recipient};

/// Enqueues `job` in a transaction of the test's own, committed or rolled back.
pub async fn enqueue_in_tx(db: &Db, jobs: Vec<Job>, commit: bool) -> Vec<notify::Result<Enqueued>> {
    let mut results = Vec::new();
    match db {
        Db::Sqlite(pool) => {
            let mut tx = pool.begin().await.unwrap();
            for job in jobs {
                results.push(notify::enqueue((&mut *tx).into(), job).await);
            }
            if commit {
                tx.commit().await.unwrap();
            } else {
                tx.rollback().await.unwrap();
            }
        }
        Db::Postgres(pool) => {
            let mut tx = pool.begin().await.unwrap();
            for job in jobs {
                results.push(notify::enqueue((&mut *tx).into(), job).await);
            }
            if commit {
                tx.commit().await.unwrap();
            } else {
                tx.rollback().await.unwrap();
            }
        }
    }
    results
}

/// An `order_paid` email job.
pub fn order_paid(order: i64, email: &str, language: Language) -> Job {
    Job::event(
        EventKind::OrderPaid,
        format!("order_paid:{order}:email"),
        Recipient::email(None, email, language),
        serde_json::json!({ "order_id": order, "total_tiyin": 12_500_050 }),
    )
}

/// A digest email job for an adult account.
pub fn digest(index: usize, user: i64) -> Job {
    Job::event(
        EventKind::Digest,
        format!("digest:{index}"),
        Recipient::email(
            Some(user),
            &format!("reader{index}@example.uz"),
            Language::UzLatn,
        ),
        serde_json::json!({ "items": ["Ayiqcha", "Kitob"] }),
    )
}

/// An OTP SMS job.
pub fn otp(key: &str, phone: &str) -> Job {
    Job::event(
        EventKind::Otp,
        key,
        Recipient::phone(None, phone, Language::Ru),
        serde_json::json!({ "code": "482913", "minutes": 5 }),
    )
}

/// Fast worker settings for tests.
pub fn fast_settings() -> WorkerSettings {
    WorkerSettings {
        lease: Duration::from_secs(5),
        batch: 8,
        idle_poll: Duration::from_millis(10),
        backoff_base: Duration::from_millis(40),
        backoff_max: Duration::from_millis(400),
    }
}

/// A sink that records what it delivers, in order, and fails as told.
#[derive(Default)]
pub struct RecordingSink {
    pub delivered: Mutex<Vec<(String, Instant)>>,
    /// Transient failures left per idempotency key.
    pub transient_failures: Mutex<HashMap<String, usize>>,
    /// Keys that always fail permanently.
    pub permanent: Mutex<Vec<String>>,
    pub calls: AtomicUsize,
}

impl RecordingSink {
    pub fn keys(&self) -> Vec<String> {
        self.delivered
            .lock()
            .unwrap()
            .iter()
            .map(|(key, _)| key.clone())
            .collect()
    }
}

impl Sink for RecordingSink {
    fn deliver<'a>(
        &'a self,
        _db: &'a Db,
        job: &'a JobRow,
    ) -> BoxFuture<'a, Result<Delivered, DeliveryError>> {
        Box::pin(async move {
            self.calls.fetch_add(1, Ordering::Relaxed);
            if self
                .permanent
                .lock()
                .unwrap()
                .contains(&job.idempotency_key)
            {
                return Err(DeliveryError::Permanent(
                    "550 mailbox does not exist".to_owned(),
                ));
            }
            if let Some(left) = self
                .transient_failures
                .lock()
                .unwrap()
                .get_mut(&job.idempotency_key)
                && *left > 0
            {
                *left -= 1;
                return Err(DeliveryError::Transient("421 try again later".to_owned()));
            }
            self.delivered
                .lock()
                .unwrap()
                .push((job.idempotency_key.clone(), Instant::now()));
            Ok(Delivered {
                provider_ref: Some(format!("sink:{}", job.id)),
            })
        })
    }
}

/// Runs worker passes until `done` holds or `timeout` passes.
pub async fn drain_until(worker: &Worker, timeout: Duration, mut done: impl AsyncFnMut() -> bool) {
    let started = Instant::now();
    while !done().await {
        if started.elapsed() > timeout {
            let jobs = queue::search(
                worker.db(),
                &queue::AuditFilter {
                    limit: 20,
                    ..queue::AuditFilter::default()
                },
            )
            .await
            .unwrap();
            for status in ["queued", "running", "dead", "delivered"] {
                eprintln!("{status}: {}", count_status(worker.db(), status).await);
            }
            for job in jobs {
                eprintln!(
                    "{} {} {} attempts={} error={:?}",
                    job.idempotency_key, job.channel, job.status, job.attempts, job.last_error
                );
            }
            panic!("the queue did not drain in {timeout:?}");
        }
        let report = worker.run_once().await.unwrap();
        if report.claimed == 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

/// Counts jobs in a status.
pub async fn count_status(db: &Db, status: &str) -> i64 {
    match db {
        Db::Sqlite(pool) => {
            sqlx::query_scalar("SELECT COUNT(*) FROM notification_jobs WHERE status = $1")
                .bind(status)
                .fetch_one(pool)
                .await
                .unwrap()
        }
        Db::Postgres(pool) => {
            sqlx::query_scalar("SELECT COUNT(*) FROM notification_jobs WHERE status = $1")
                .bind(status)
                .fetch_one(pool)
                .await
                .unwrap()
        }
    }
}

backend_tests!(
    enqueue_commits_and_rolls_back_with_the_callers_transaction,
    |test: TestDb| async move {
        let db = test.db.clone();
        let rolled_back = enqueue_in_tx(
            &db,
            vec![order_paid(1, "ona@example.uz", Language::Ru)],
            false,
        )
        .await;
        assert!(matches!(rolled_back[0], Ok(Enqueued::Created(_))));
        assert!(
            queue::job_by_key(&db, "order_paid:1:email")
                .await
                .unwrap()
                .is_none(),
            "a rolled-back business change leaves no message"
        );
        let committed = enqueue_in_tx(
            &db,
            vec![
                order_paid(1, "Ona@Example.uz", Language::Ru),
                order_paid(1, "ona@example.uz", Language::Ru),
            ],
            true,
        )
        .await;
        assert!(matches!(committed[0], Ok(Enqueued::Created(_))));
        assert!(matches!(committed[1], Ok(Enqueued::Duplicate)));
        let again = notify::enqueue_now(&db, order_paid(1, "ona@example.uz", Language::Ru))
            .await
            .unwrap();
        assert_eq!(again, Enqueued::Duplicate, "the idempotency key is unique");
        let job = queue::job_by_key(&db, "order_paid:1:email")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(job.recipient, "ona@example.uz");
        assert_eq!(job.recipient_masked, "o***@example.uz");
        assert_eq!(job.status, "queued");
        assert_eq!(job.priority, Priority::Transactional.as_i64());
        assert_eq!(job.template.as_deref(), Some("order_paid"));
        assert_eq!(job.template_version, Some(queue::TEMPLATE_VERSION));
        assert_eq!(job.language, "ru");

        // Phones are normalised; a non-Uzbek number, a bad email, a missing or wrong payload
        // field are refused at enqueue.
        notify::enqueue_now(&db, otp("otp:1", "90 123 45 67"))
            .await
            .unwrap();
        let sms = queue::job_by_key(&db, "otp:1").await.unwrap().unwrap();
        assert_eq!(
            (sms.recipient.as_str(), sms.channel.as_str()),
            ("+998901234567", "sms")
        );
        assert_eq!(sms.recipient_masked, "+998 ** *** ** 67");
        let refused = [
            otp("otp:2", "+7 901 234 56 78"),
            order_paid(2, "not-an-email", Language::En),
            Job::event(
                EventKind::OrderPaid,
                "order_paid:3",
                Recipient::email(None, "a@example.uz", Language::En),
                serde_json::json!({ "order_id": 3 }),
            ),
            Job::event(
                EventKind::PurchaseRequest,
                "purchase_request:4",
                Recipient::email(None, "a@example.uz", Language::En),
                serde_json::json!({ "child_name": "Aziz", "product_name": "Lego",
                    "price_tiyin": 100, "approve_url": "javascript:alert(1)",
                    "decline_url": "https://bolajon.uz/d" }),
            ),
            Job::event(
                EventKind::OrderPaid,
                "",
                Recipient::email(None, "a@example.uz", Language::En),
                serde_json::json!({ "order_id": 3, "total_tiyin": 1 }),
            ),
        ];
        for job in refused {
            let key = job.idempotency_key.clone();
            let error = notify::enqueue_now(&db, job).await.unwrap_err();
            assert_eq!(
                error.kind(),
                notify::ErrorKind::InvalidRequest,
                "{key}: {error}"
            );
        }
    }
);

backend_tests!(
    children_never_receive_marketing,
    |test: TestDb| async move {
        let app = auth_app(test).await;
        let db = app.state.0.db.clone();
        let (child, _) = user_with_role(&app, Role::Child).await;
        let (parent, _) = user_with_role(&app, Role::Parent).await;
        let to_child = Job::event(
            EventKind::Digest,
            "digest:child",
            Recipient::push(child.0, Language::UzLatn),
            serde_json::json!({ "items": ["Konstruktor"] }),
        );
        assert!(matches!(
            notify::enqueue_now(&db, to_child).await,
            Err(notify::Error::MarketingToChild)
        ));
        // No account behind the address: not known to be an adult, so no marketing either.
        let anonymous = Job::event(
            EventKind::Digest,
            "digest:anonymous",
            Recipient::email(None, "someone@example.uz", Language::UzLatn),
            serde_json::json!({ "items": ["Konstruktor"] }),
        );
        assert!(matches!(
            notify::enqueue_now(&db, anonymous).await,
            Err(notify::Error::MarketingToChild)
        ));
        // Inside a caller's transaction too.
        let in_tx = enqueue_in_tx(&db, vec![digest(1, child.0)], true).await;
        assert!(matches!(in_tx[0], Err(notify::Error::MarketingToChild)));
        // An adult only with the separate marketing consent (off by default).
        assert!(matches!(
            notify::enqueue_now(&db, digest(2, parent.0)).await,
            Err(notify::Error::NoMarketingConsent)
        ));
        storefront::privacy::set_marketing_consent(&db, parent, true, chrono::Utc::now())
            .await
            .unwrap()
            .unwrap();
        assert!(matches!(
            notify::enqueue_now(&db, digest(2, parent.0)).await,
            Ok(Enqueued::Created(_))
        ));
        // A transactional message to a child's account is fine.
        let review = Job::event(
            EventKind::ReviewApproved,
            "review_approved:1",
            Recipient::push(child.0, Language::UzLatn),
            serde_json::json!({ "product_name": "Ayiqcha" }),
        );
        assert!(notify::enqueue_now(&db, review).await.is_ok());
    }
);

backend_tests!(
    an_otp_enqueued_after_ten_thousand_digests_is_delivered_first,
    |test: TestDb| async move {
        let app = auth_app(test).await;
        let db = app.state.0.db.clone();
        let (parent, _) = user_with_role(&app, Role::Parent).await;
        storefront::privacy::set_marketing_consent(&db, parent, true, chrono::Utc::now())
            .await
            .unwrap()
            .unwrap();
        let started = Instant::now();
        let results = enqueue_in_tx(
            &db,
            (0..10_000).map(|i| digest(i, parent.0)).collect(),
            true,
        )
        .await;
        assert!(
            results
                .iter()
                .all(|result| matches!(result, Ok(Enqueued::Created(_))))
        );
        println!("enqueued 10,000 digests in {:?}", started.elapsed());

        // 1. Queued behind 10,000 digests, the OTP is claimed first.
        notify::enqueue_now(&db, otp("otp:first", "+998901234567"))
            .await
            .unwrap();
        let sink = Arc::new(RecordingSink::default());
        let worker = Worker::new(
            db.clone(),
            sink.clone(),
            Arc::new(TaskRegistry::default()),
            fast_settings(),
        );
        let one_at_a_time = Worker::new(
            db.clone(),
            sink.clone(),
            Arc::new(TaskRegistry::default()),
            WorkerSettings {
                batch: 1,
                ..fast_settings()
            },
        );
        one_at_a_time.run_once().await.unwrap();
        assert_eq!(
            sink.keys(),
            vec!["otp:first"],
            "the OTP goes before every digest"
        );

        // 2. With the worker busy on digests, a new OTP overtakes what is still queued.
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
        let latency = loop {
            let delivered = sink.delivered.lock().unwrap().clone();
            if let Some(position) = delivered.iter().position(|(key, _)| key == "otp:second") {
                let (_, at) = delivered[position];
                let digests_after = delivered.len() - position - 1;
                break (at - enqueued_at, position, digests_after);
            }
            drop(delivered);
            assert!(enqueued_at.elapsed() < Duration::from_secs(30));
            tokio::time::sleep(Duration::from_millis(1)).await;
        };
        running.abort();
        let queued = count_status(&db, "queued").await;
        println!(
            "OTP latency behind a busy digest queue: {:?} (delivered as #{} with {queued} digests still queued)",
            latency.0, latency.1
        );
        assert!(
            queued > 5_000,
            "the OTP did not wait for the digests ({queued} queued)"
        );
    }
);

backend_tests!(
    failures_back_off_then_deliver_and_permanent_ones_are_dead_until_retried,
    |test: TestDb| async move {
        let db = test.db.clone();
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
        let worker = Worker::new(
            db.clone(),
            sink.clone(),
            Arc::new(TaskRegistry::default()),
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
        assert_eq!(waiting.last_error.as_deref(), Some("421 try again later"));
        // The first backoff is 1 s with equal jitter: 0.5 to 1 s after the failure.
        let delay = waiting.run_at - waiting.updated_at;
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
        assert!(
            delivered.delivered_at.unwrap() - delivered.created_at >= 500 + 1_000,
            "delivered after two backoffs"
        );
        assert_eq!(
            delivered.provider_ref,
            Some(format!("sink:{}", delivered.id))
        );

        let dead = queue::job_by_key(&db, "order_paid:2:email")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(dead.status, "dead");
        assert_eq!(dead.attempts, 1, "a permanent failure is not retried");
        assert_eq!(
            dead.last_error.as_deref(),
            Some("550 mailbox does not exist")
        );
        let metrics = queue::metrics(&db).await.unwrap();
        assert_eq!(metrics.dead, 1);
        assert_eq!(metrics.delivered_last_hour, 1);
        assert!(
            (metrics.failure_rate_last_hour - 3.0 / 4.0).abs() < 1e-9,
            "{metrics:?}"
        );

        // Attempts run out: a job that keeps failing transiently ends dead too.
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

        // The manual retry of a dead letter: the provider recovered.
        sink.permanent.lock().unwrap().clear();
        assert!(matches!(
            queue::retry_dead(&db, delivered.id).await,
            Err(notify::Error::Conflict(_))
        ));
        queue::retry_dead(&db, dead.id).await.unwrap();
        drain_until(&worker, Duration::from_secs(20), async || {
            queue::job_by_id(&db, dead.id).await.unwrap().status == "delivered"
        })
        .await;
    }
);

backend_tests!(
    a_crashed_workers_job_is_taken_again_when_its_lease_runs_out,
    |test: TestDb| async move {
        let db = test.db.clone();
        notify::enqueue_now(&db, order_paid(7, "ona@example.uz", Language::En))
            .await
            .unwrap();
        let lease = Duration::from_millis(300);
        // Worker A claims the job and dies (it never reports back).
        let claimed = queue::claim(&db, "worker-a", 10, lease).await.unwrap();
        assert_eq!(claimed.len(), 1);
        assert_eq!(claimed[0].attempts, 1);
        let sink = Arc::new(RecordingSink::default());
        let worker_b = Worker::new(
            db.clone(),
            sink.clone(),
            Arc::new(TaskRegistry::default()),
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
            queue::extend_lease(&db, claimed[0].id, "worker-a", lease)
                .await
                .unwrap()
        );
        tokio::time::sleep(lease + Duration::from_millis(50)).await;
        let report = worker_b.run_once().await.unwrap();
        assert_eq!((report.claimed, report.delivered), (1, 1));
        let job = queue::job_by_id(&db, claimed[0].id).await.unwrap();
        assert_eq!((job.status.as_str(), job.attempts), ("delivered", 2));
        // A's late report changes nothing.
        assert!(
            !queue::complete(&db, job.id, "worker-a", None)
                .await
                .unwrap()
        );
        assert!(
            !queue::extend_lease(&db, job.id, "worker-a", lease)
                .await
                .unwrap()
        );
    }
);

backend_tests!(
    recurring_tasks_run_once_per_period,
    |test: TestDb| async move {
        let db = test.db.clone();
        let runs = Arc::new(AtomicUsize::new(0));
        let mut registry = TaskRegistry::with_builtins();
        registry.register("test.tick", Tick(runs.clone()));
        registry.every("test.tick", Duration::from_secs(3600));
        assert!(
            registry
                .names()
                .contains(&"notifications.retention_purge".to_owned())
        );
        let registry = Arc::new(registry);
        // Two nodes enqueue the same period: one run.
        let (a, b) = tokio::join!(registry.enqueue_due(&db), registry.enqueue_due(&db));
        // The tick and the two built-in purges (notifications, privacy retention).
        assert_eq!(
            a.unwrap() + b.unwrap(),
            3,
            "one tick and one run of each purge for this period"
        );
        assert_eq!(registry.enqueue_due(&db).await.unwrap(), 0);
        let worker = Worker::new(
            db.clone(),
            Arc::new(RecordingSink::default()),
            registry.clone(),
            fast_settings(),
        );
        let report = worker.run_once().await.unwrap();
        assert_eq!(report.delivered, 3);
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        // Tasks stay out of the notification audit.
        let audit = queue::search(
            &db,
            &queue::AuditFilter {
                limit: 50,
                ..queue::AuditFilter::default()
            },
        )
        .await
        .unwrap();
        assert!(audit.is_empty());
        // A task with no handler waits (transient) rather than vanishing.
        queue::enqueue_task(
            notify_conn(&db).await.as_conn(),
            "orders.expire_unpaid",
            "adhoc:1",
            serde_json::json!({}),
            0,
        )
        .await
        .unwrap();
        let report = worker.run_once().await.unwrap();
        assert_eq!(report.retried, 1);
    }
);

struct Tick(Arc<AtomicUsize>);

impl storefront::notify::worker::TaskHandler for Tick {
    fn run<'a>(
        &'a self,
        _db: &'a Db,
        payload: &'a serde_json::Value,
    ) -> BoxFuture<'a, Result<(), DeliveryError>> {
        Box::pin(async move {
            assert!(payload["slot"].is_i64());
            self.0.fetch_add(1, Ordering::SeqCst);
            Ok(())
        })
    }
}

/// A pooled connection of either backend (for calls that take a [`notify::Conn`]).
pub enum AnyConn {
    Sqlite(sqlx::pool::PoolConnection<sqlx::Sqlite>),
    Postgres(sqlx::pool::PoolConnection<sqlx::Postgres>),
}

impl AnyConn {
    pub fn as_conn(&mut self) -> notify::Conn<'_> {
        match self {
            Self::Sqlite(conn) => (&mut **conn).into(),
            Self::Postgres(conn) => (&mut **conn).into(),
        }
    }
}

pub async fn notify_conn(db: &Db) -> AnyConn {
    match db {
        Db::Sqlite(pool) => AnyConn::Sqlite(pool.acquire().await.unwrap()),
        Db::Postgres(pool) => AnyConn::Postgres(pool.acquire().await.unwrap()),
    }
}

backend_tests!(
    turning_two_factor_on_or_off_emails_the_owner_in_the_same_transaction,
    |test: TestDb| async move {
        let app = auth_app(test).await;
        let db = app.state.0.db.clone();
        let (parent, _) = user_with_role(&app, Role::Parent).await;
        let now = chrono::Utc::now();
        db.set_pending_totp_secret(parent, "JBSWY3DPEHPK3PXP", now)
            .await
            .unwrap();
        assert!(
            db.enable_totp(parent, "JBSWY3DPEHPK3PXP", 1, &[], now)
                .await
                .unwrap()
        );
        db.disable_totp(parent, now + chrono::Duration::seconds(1))
            .await
            .unwrap();
        let alerts = queue::search(
            &db,
            &queue::AuditFilter {
                kind: Some("security_alert".to_owned()),
                user_id: Some(parent.0),
                limit: 10,
                ..queue::AuditFilter::default()
            },
        )
        .await
        .unwrap();
        let events: Vec<String> = alerts
            .iter()
            .map(|job| {
                job.payload_json().unwrap()["event"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert_eq!(events, vec!["totp_disabled", "totp_enabled"]);
        assert!(
            alerts
                .iter()
                .all(|job| job.channel == "email" && job.status == "queued")
        );
    }
);
