//! Email against a real SMTP server (Python's aiosmtpd, started by the test; the test fails
//! when it cannot start): headers, language and content of received messages, and the crash
//! test: 1,000 jobs while the worker is killed at random points, every job delivered at least
//! once and each message counted exactly once by its Message-ID.

use crate::backend_tests;
use crate::notify::{count_status, drain_until, enqueue_in_tx, fast_settings, order_paid};
use crate::support::TestDb;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use storefront::notify::email::{Mailer, SmtpSettings, SmtpTls, message_id};
use storefront::notify::queue;
use storefront::notify::worker::{Channels, TaskRegistry, Worker, WorkerSettings};
use storefront::notify::{self, EventKind, Job, Language, Recipient};

/// The aiosmtpd server: a child process the test owns, killed on drop.
pub struct SmtpSink {
    child: Child,
    stdin: Option<ChildStdin>,
    pub port: u16,
    messages: Arc<Mutex<Vec<Value>>>,
}

impl SmtpSink {
    /// Starts the server. Panics (the test fails) when Python or aiosmtpd is missing.
    pub fn start() -> Self {
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/integration/notify_smtp_sink.py"
        );
        let mut child = Command::new("python3")
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|error| panic!("the SMTP tests need python3 with aiosmtpd (pip install aiosmtpd==1.4.6): {error}"));
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let ready = lines.next().and_then(Result::ok).unwrap_or_default();
        let Some(port) = ready
            .strip_prefix("READY ")
            .and_then(|port| port.parse().ok())
        else {
            let _ = child.kill();
            panic!(
                "the SMTP sink did not start (is aiosmtpd installed? pip install aiosmtpd==1.4.6): {ready:?}"
            );
        };
        let messages = Arc::new(Mutex::new(Vec::new()));
        let sink = messages.clone();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                if let Ok(message) = serde_json::from_str::<Value>(&line) {
                    sink.lock().unwrap().push(message);
                }
            }
        });
        let stdin = child.stdin.take();
        Self {
            child,
            stdin,
            port,
            messages,
        }
    }

    pub fn messages(&self) -> Vec<Value> {
        self.messages.lock().unwrap().clone()
    }

    /// A mailer on this server (plain SMTP on localhost).
    pub fn mailer(&self) -> Mailer {
        Mailer::new(&SmtpSettings {
            host: "127.0.0.1".to_owned(),
            port: self.port,
            tls: SmtpTls::None,
            credentials: None,
            from: "bolajon <no-reply@bolajon.uz>".to_owned(),
            timeout: Duration::from_secs(10),
        })
        .unwrap()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        if let Some(mut stdin) = self.stdin.take() {
            let _ = stdin.flush();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn email_worker(db: &storefront::db::Db, sink: &SmtpSink, settings: WorkerSettings) -> Worker {
    Worker::new(
        db.clone(),
        Arc::new(Channels {
            email: Some(sink.mailer()),
            ..Channels::default()
        }),
        Arc::new(TaskRegistry::default()),
        settings,
    )
}

backend_tests!(
    emails_arrive_with_headers_language_and_content,
    |test: TestDb| async move {
        let db = test.db.clone();
        let sink = SmtpSink::start();
        let purchase = Job::event(
            EventKind::PurchaseRequest,
            "purchase_request:9:email",
            Recipient::email(Some(1), "dadajon@example.uz", Language::UzCyrl),
            json!({
                "child_name": "Азиз", "product_name": "Lego <City> & Co", "price_tiyin": 25_000_000,
                "approve_url": "https://bolajon.uz/family/requests/9/approve?t=abc&x=1",
                "decline_url": "https://bolajon.uz/family/requests/9/decline?t=abc"
            }),
        );
        let results = enqueue_in_tx(
            &db,
            vec![
                order_paid(42, "ona@example.uz", Language::Ru),
                order_paid(43, "mother@example.uz", Language::En),
                order_paid(44, "ona@example.uz", Language::UzLatn),
                purchase,
            ],
            true,
        )
        .await;
        assert!(results.iter().all(Result::is_ok));
        let worker = email_worker(&db, &sink, fast_settings());
        drain_until(&worker, Duration::from_secs(20), async || {
            count_status(&db, "delivered").await == 4
        })
        .await;
        let deadline = Instant::now() + Duration::from_secs(5);
        while sink.messages().len() < 4 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let messages = sink.messages();
        assert_eq!(messages.len(), 4, "{messages:#?}");
        let by_id: HashMap<String, Value> = messages
            .into_iter()
            .map(|message| (message["message_id"].as_str().unwrap().to_owned(), message))
            .collect();
        let get = |key: &str| by_id[&message_id(key, "bolajon.uz")].clone();

        let ru = get("order_paid:42:email");
        assert_eq!(ru["rcpt_tos"], json!(["ona@example.uz"]));
        assert_eq!(ru["mail_from"], "no-reply@bolajon.uz");
        assert_eq!(ru["from"], "bolajon <no-reply@bolajon.uz>");
        assert_eq!(ru["content_type"], "multipart/alternative");
        assert_eq!(ru["content_language"], "ru");
        assert_eq!(ru["subject"], "Заказ №42 оплачен");
        assert!(
            ru["text"]
                .as_str()
                .unwrap()
                .contains("Оплата 125 000.50 сум по заказу №42 получена.")
        );
        assert!(ru["html"].as_str().unwrap().contains("<html lang=\"ru\">"));

        let en = get("order_paid:43:email");
        assert_eq!(en["content_language"], "en");
        assert_eq!(en["subject"], "Order #43 paid");
        assert!(en["text"].as_str().unwrap().contains("125 000.50 UZS"));

        let uz = get("order_paid:44:email");
        assert_eq!(uz["content_language"], "uz");
        assert_eq!(uz["subject"], "Buyurtma №44 to'landi");

        let cyrl = get("purchase_request:9:email");
        assert_eq!(cyrl["content_language"], "uz-Cyrl");
        assert_eq!(cyrl["subject"], "Азиз харид қилишга рухсат сўраяпти");
        let text = cyrl["text"].as_str().unwrap();
        assert!(
            text.contains("Рухсат бериш: https://bolajon.uz/family/requests/9/approve?t=abc&x=1"),
            "{text}"
        );
        assert!(text.contains("Рад этиш: https://bolajon.uz/family/requests/9/decline?t=abc"));
        let html = cyrl["html"].as_str().unwrap();
        assert!(html.contains("Lego &lt;City&gt; &amp; Co"), "{html}");
        assert!(!html.contains("<City>"));
        assert!(html.contains(
            "href=\"https:&#x2f;&#x2f;bolajon.uz&#x2f;family&#x2f;requests&#x2f;9&#x2f;approve?t=abc&amp;x=1\""
        ));

        let job = queue::job_by_key(&db, "order_paid:42:email")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            job.provider_ref,
            Some(message_id("order_paid:42:email", "bolajon.uz"))
        );
        assert_eq!(job.attempts, 1);
    }
);

backend_tests!(
    a_worker_killed_at_random_points_delivers_every_job_once_by_message_id,
    |test: TestDb| async move {
        const JOBS: usize = 1_000;
        let db = test.db.clone();
        let sink = SmtpSink::start();
        let jobs = (0..JOBS)
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
        let mut rng = rand::rngs::StdRng::seed_from_u64(8);
        let started = Instant::now();
        // Twenty "processes", each killed after a random time: mid-claim, mid-SMTP-dialogue or
        // between the SMTP answer and the commit. Each has its own SMTP pool and owner id.
        let mut kills = 0;
        while kills < 20 && count_status(&db, "delivered").await < JOBS as i64 {
            let worker = email_worker(&db, &sink, settings.clone());
            let (_stop, stop) = tokio::sync::watch::channel(false);
            let running = tokio::spawn(worker.run(stop));
            tokio::time::sleep(Duration::from_millis(rng.random_range(100..600))).await;
            running.abort();
            let _ = running.await;
            kills += 1;
        }
        let before_restart = count_status(&db, "delivered").await;
        let sent_before_restart = sink.messages().len();
        // The restart: one more process that is left to finish.
        let worker = email_worker(&db, &sink, settings.clone());
        drain_until(&worker, Duration::from_secs(240), async || {
            count_status(&db, "delivered").await == JOBS as i64
        })
        .await;
        println!(
            "crash test: {kills} kills; {before_restart} marked delivered and {sent_before_restart} SMTP deliveries before the restart"
        );
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
        let duplicates = messages.len() - received.len();
        let attempts: i64 = queue::search(
            &db,
            &queue::AuditFilter {
                limit: 500,
                status: Some(queue::JobStatus::Delivered),
                ..queue::AuditFilter::default()
            },
        )
        .await
        .unwrap()
        .iter()
        .map(|job| job.attempts)
        .sum();
        println!(
            "crash test: {JOBS} jobs delivered in {elapsed:?} across {kills} killed workers; \
             {} SMTP deliveries, {duplicates} repeats (same Message-ID); attempts in the newest 500: {attempts}",
            messages.len()
        );
        assert_eq!(count_status(&db, "dead").await, 0);
        let _ = notify::now_ms();
    }
);
