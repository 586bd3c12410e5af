//! Crash safety (issue 7, "what it must show"): the real `storefront` binary runs as a child
//! process; 200 checkout-and-pay flows (order with `Idempotency-Key`, then Payme
//! CreateTransaction and PerformTransaction over JSON-RPC) run over HTTP from four client
//! threads while the server is SIGKILLed at seeded random points and restarted. Every client
//! retries its in-flight step with the same key / Payme id until it gets an answer. Then the
//! database is checked: every acknowledged order exists once, no order is paid twice (Payme
//! transactions and order history agree with what the clients were told), and for every
//! variant stock + reserved + sold equals the stock it started with, with `reserved` and
//! `sold` matching the lines of the pending and paid orders.

use crate::checkout::{exec, scalar, seed_shop};
use base64::Engine as _;
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use storefront::db::Db;

const FLOWS: usize = 200;
const CLIENTS: usize = 4;
const KILLS: usize = 25;
const SEED: u64 = 0x0b01_a70d;
const PAYME_KEY: &str = "crash-test-payme-key-0123456789abcdef";
const JWT_SECRET: &str = "crash-test-jwt-secret-0123456789abcdefghijklmnop";
const INITIAL_STOCK: i64 = 1_000;
/// The SKUs the flows buy (seeded by `seed_shop`, restocked to `INITIAL_STOCK`).
const SKUS: [&str; 2] = ["ROBOT-1", "BOOK-1"];

/// SplitMix64: a small seeded generator, so the kill points repeat from run to run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The server process and how to start it again.
struct Server {
    child: Option<Child>,
    addr: SocketAddr,
    data_dir: PathBuf,
    database_url: Option<String>,
    starts: usize,
}

impl Server {
    fn start(&mut self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.data_dir.join("server.log"))
            .unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_storefront"));
        command
            .arg("serve")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("BOLAJON_ADDR", self.addr.to_string())
            .env("BOLAJON_DATA_DIR", &self.data_dir)
            .env("BOLAJON_MODELS_DIR", self.data_dir.join("models"))
            .env("BOLAJON_MODELS_AUTO_FETCH", "false")
            .env("BOLAJON_LOG", "warn")
            .env("BOLAJON_JWT_SECRET", JWT_SECRET)
            .env("BOLAJON_PAYME_KEY", PAYME_KEY)
            .env("BOLAJON_PAYME_MERCHANT_ID", "587f72c72cac0d162c722ae2")
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log);
        if let Some(url) = &self.database_url {
            command.env("BOLAJON_DATABASE_URL", url);
        }
        self.child = Some(command.spawn().unwrap());
        self.starts += 1;
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok((200, _)) = http(self.addr, "GET", "/health", &[], None) {
                return;
            }
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                panic!(
                    "the server exited on start ({status}):\n{}",
                    log_tail(&self.data_dir)
                );
            }
            assert!(
                Instant::now() < deadline,
                "the server did not answer /health within 60 s:\n{}",
                log_tail(&self.data_dir)
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// SIGKILL (`Child::kill` sends SIGKILL on Unix), then reap.
    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().unwrap();
            child.wait().unwrap();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

fn log_tail(dir: &Path) -> String {
    let text = std::fs::read_to_string(dir.join("server.log")).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

/// One HTTP/1.1 request with `Connection: close`; the status and the body as JSON.
fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, String)],
    body: Option<&Value>,
) -> std::io::Result<(u16, Value)> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let body = body.map(Value::to_string).unwrap_or_default();
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(&body);
    stream.write_all(request.as_bytes())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let broken = || std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "truncated reply");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(broken)?;
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(broken)?;
    let mut payload = raw[split + 4..].to_vec();
    if head.contains("transfer-encoding: chunked") {
        payload = dechunk(&payload).ok_or_else(broken)?;
    } else if let Some(length) = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|value| value.trim().parse::<usize>().ok())
        && payload.len() < length
    {
        return Err(broken());
    }
    Ok((
        status,
        serde_json::from_slice(&payload).unwrap_or(Value::Null),
    ))
}

fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n")?;
        let size =
            usize::from_str_radix(std::str::from_utf8(&data[..line_end]).ok()?.trim(), 16).ok()?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size + 2..)?;
    }
}

/// Shared by the client threads: the server, the request counter and the kill schedule.
struct Harness {
    server: Mutex<Server>,
    addr: SocketAddr,
    requests: AtomicU64,
    /// Request numbers at which the server is killed, with the delay after the request starts.
    kill_points: Vec<(u64, u64)>,
    kills: AtomicUsize,
}

impl Harness {
    /// Sends a request, retrying through crashes until `accept` takes the reply.
    fn send_until<T>(
        self: &Arc<Self>,
        method: &str,
        path: &str,
        headers: &[(&str, String)],
        body: &Value,
        accept: impl Fn(u16, &Value) -> Option<T>,
    ) -> T {
        let deadline = Instant::now() + Duration::from_secs(90);
        loop {
            let number = self.requests.fetch_add(1, Ordering::SeqCst);
            let killer =
                self.kill_points
                    .iter()
                    .find(|(at, _)| *at == number)
                    .map(|&(_, delay_ms)| {
                        let harness = Arc::clone(self);
                        std::thread::spawn(move || {
                            std::thread::sleep(Duration::from_millis(delay_ms));
                            let mut server = harness.server.lock().unwrap();
                            server.kill();
                            harness.kills.fetch_add(1, Ordering::SeqCst);
                            server.start();
                        })
                    });
            let reply = http(self.addr, method, path, headers, Some(body));
            if let Some(killer) = killer {
                killer.join().unwrap();
            }
            if let Ok((status, body)) = &reply {
                if let Some(value) = accept(*status, body) {
                    return value;
                }
                // Only a crash-shaped answer may be retried; anything else is a finding.
                assert!(
                    *status >= 500 || body["error"]["code"] == "idempotency_key_in_use",
                    "{method} {path}: unexpected reply {status} {body}"
                );
            }
            assert!(
                Instant::now() < deadline,
                "{method} {path}: no answer for 90 s (last: {reply:?})"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// What a client was told about one flow.
#[derive(Debug, Clone)]
struct Acked {
    flow: usize,
    buyer: i64,
    order_id: i64,
    total: i64,
    lines: Vec<(String, i64)>,
    paid: bool,
}

fn now_ms() -> i64 {
    i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap()
}

fn run_flow(harness: &Arc<Harness>, flow: usize, buyer: i64, token: &str, rng: &mut Rng) -> Acked {
    let mut lines = vec![(SKUS[flow % 2].to_owned(), 1 + rng.below(3) as i64)];
    if rng.below(3) == 0 {
        lines.push((SKUS[(flow + 1) % 2].to_owned(), 1 + rng.below(2) as i64));
    }
    let body = json!({
        "lines": lines.iter().map(|(sku, quantity)| json!({"sku": sku, "quantity": quantity})).collect::<Vec<_>>(),
        "delivery": { "method": "pickup", "pickup_point_id": 1 },
    });
    let headers = [
        ("Authorization", format!("Bearer {token}")),
        ("Idempotency-Key", format!("crash-flow-{flow}")),
    ];
    let order = harness.send_until("POST", "/api/v1/orders", &headers, &body, |status, body| {
        (status == 201).then(|| body.clone())
    });
    let order_id = order["id"].as_i64().unwrap();
    let total = order["total_tiyin"].as_i64().unwrap();
    // A repeat of an acknowledged checkout must name the same order.
    if rng.below(4) == 0 {
        let again =
            harness.send_until("POST", "/api/v1/orders", &headers, &body, |status, body| {
                (status == 201).then(|| body["id"].as_i64())
            });
        assert_eq!(
            again,
            Some(order_id),
            "flow {flow}: a replayed checkout named another order"
        );
    }
    let paid = rng.below(5) != 0;
    if paid {
        let auth = [(
            "Authorization",
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("Paycom:{PAYME_KEY}"))
            ),
        )];
        let payme_id = format!("{:024x}", 0x00c0_ffee_0000_u64 + flow as u64);
        let time = now_ms();
        let rpc = |id: i64, method: &str, params: Value| json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        let result = |status: u16, body: &Value| {
            assert_eq!(status, 200, "payme answers at HTTP 200: {body}");
            if body["error"]["code"] == -32400 {
                return None; // a database outage during restart: retry
            }
            assert!(body["error"].is_null(), "flow {flow}: payme error {body}");
            Some(body["result"].clone())
        };
        let create = rpc(
            1,
            "CreateTransaction",
            json!({"id": payme_id, "time": time, "amount": total, "account": {"order_id": order_id}}),
        );
        let created = harness.send_until("POST", "/payments/payme", &auth, &create, result);
        assert_eq!(created["state"], 1, "flow {flow}: {created}");
        let perform = rpc(2, "PerformTransaction", json!({"id": payme_id}));
        let performed = harness.send_until("POST", "/payments/payme", &auth, &perform, result);
        assert_eq!(performed["state"], 2, "flow {flow}: {performed}");
        if rng.below(3) == 0 {
            let again = harness.send_until("POST", "/payments/payme", &auth, &perform, result);
            assert_eq!(
                again, performed,
                "flow {flow}: a repeated Perform answered differently"
            );
        }
    }
    Acked {
        flow,
        buyer,
        order_id,
        total,
        lines,
        paid,
    }
}

fn register_and_login(addr: SocketAddr, n: usize) -> (i64, String) {
    let email = format!("crash-parent-{n}@example.uz");
    let password = "tog'-va-daryo-2026-crash";
    let (status, account) = http(
        addr,
        "POST",
        "/api/v1/auth/register",
        &[],
        Some(&json!({"email": email, "password": password})),
    )
    .unwrap();
    assert_eq!(status, 201, "{account}");
    let (status, session) = http(
        addr,
        "POST",
        "/api/v1/auth/login",
        &[],
        Some(&json!({"login": email, "password": password})),
    )
    .unwrap();
    assert_eq!(status, 200, "{session}");
    (
        account["id"].as_i64().unwrap(),
        session["access_token"].as_str().unwrap().to_owned(),
    )
}

/// Runs the whole scenario against `database_url` (None: SQLite in the data dir).
fn crash_scenario(
    runtime: &tokio::runtime::Runtime,
    data_dir: &Path,
    database_url: Option<String>,
) {
    let url = database_url.clone().unwrap_or_else(|| {
        format!(
            "sqlite://{}?mode=rwc",
            data_dir.join("bolajon.db").display()
        )
    });
    runtime.block_on(async {
        let db = Db::connect(&url).await.unwrap();
        db.migrate().await.unwrap();
        seed_shop(&db).await;
        exec(
            &db,
            &format!("UPDATE product_variants SET stock = {INITIAL_STOCK}"),
        )
        .await;
        db.close().await;
    });
    let addr = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let mut rng = Rng(SEED);
    // Kill points spread over the ~4 requests a flow makes; delays 0–30 ms land before,
    // inside and after the server's transactions.
    let mut kill_points: Vec<(u64, u64)> = (0..KILLS)
        .map(|_| (20 + rng.below(FLOWS as u64 * 3), rng.below(30)))
        .collect();
    kill_points.sort_unstable();
    kill_points.dedup_by_key(|(at, _)| *at);
    let planned_kills = kill_points.len();
    let mut server = Server {
        child: None,
        addr,
        data_dir: data_dir.to_owned(),
        database_url,
        starts: 0,
    };
    server.start();
    let parents: Vec<(i64, String)> = (0..CLIENTS).map(|n| register_and_login(addr, n)).collect();
    let harness = Arc::new(Harness {
        server: Mutex::new(server),
        addr,
        requests: AtomicU64::new(0),
        kill_points,
        kills: AtomicUsize::new(0),
    });
    let started = Instant::now();
    let clients: Vec<_> = parents
        .iter()
        .enumerate()
        .map(|(client, (buyer, token))| {
            let harness = Arc::clone(&harness);
            let token = token.clone();
            let buyer = *buyer;
            std::thread::spawn(move || {
                let mut rng = Rng(SEED ^ (client as u64 + 1));
                (client..FLOWS)
                    .step_by(CLIENTS)
                    .map(|flow| run_flow(&harness, flow, buyer, &token, &mut rng))
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let acked: Vec<Acked> = clients
        .into_iter()
        .flat_map(|client| client.join().unwrap())
        .collect();
    let elapsed = started.elapsed();
    let kills = harness.kills.load(Ordering::SeqCst);
    let requests = harness.requests.load(Ordering::SeqCst);
    harness.server.lock().unwrap().kill();
    eprintln!(
        "crash: {FLOWS} flows, {requests} requests, {kills} SIGKILLs in {:.1}s",
        elapsed.as_secs_f64()
    );
    assert_eq!(acked.len(), FLOWS);
    // Every scheduled kill happened while the flows ran.
    assert!(
        requests > harness.kill_points.last().unwrap().0,
        "the flows ended before the last kill point"
    );
    assert_eq!(kills, planned_kills, "every kill point fired");

    runtime.block_on(verify(&url, &acked));
}

async fn verify(url: &str, acked: &[Acked]) {
    let db = Db::connect(url).await.unwrap();
    // One order per flow: retries with the same Idempotency-Key never made a second one.
    assert_eq!(
        scalar(&db, "SELECT COUNT(*) FROM orders").await,
        FLOWS as i64
    );
    let mut expected_reserved = std::collections::HashMap::<String, i64>::new();
    let mut expected_sold = std::collections::HashMap::<String, i64>::new();
    for flow in acked {
        let id = flow.order_id;
        let one = |sql: &str| format!("{sql} WHERE id = {id}");
        assert_eq!(
            scalar(&db, &one("SELECT buyer_user_id FROM orders")).await,
            flow.buyer,
            "flow {}: order {id} belongs to its buyer",
            flow.flow
        );
        assert_eq!(
            scalar(&db, &one("SELECT total_tiyin FROM orders")).await,
            flow.total
        );
        let performed = scalar(
            &db,
            &format!("SELECT COUNT(*) FROM payme_transactions WHERE order_id = {id} AND state = 2"),
        )
        .await;
        let paid_history = scalar(
            &db,
            &format!(
                "SELECT COUNT(*) FROM order_history WHERE order_id = {id} AND to_status = 'paid'"
            ),
        )
        .await;
        let paid_events = scalar(
            &db,
            &format!(
                "SELECT COUNT(*) FROM order_events WHERE order_id = {id} AND kind = 'order_paid'"
            ),
        )
        .await;
        let is_paid = scalar(
            &db,
            &one("SELECT COUNT(*) FROM orders").replace("WHERE", "WHERE status = 'paid' AND"),
        )
        .await;
        let expected = i64::from(flow.paid);
        assert_eq!(
            (performed, paid_history, paid_events, is_paid),
            (expected, expected, expected, expected),
            "flow {}: order {id} payments (performed, history, events, status)",
            flow.flow
        );
        let stored_lines = scalar(
            &db,
            &format!("SELECT COUNT(*) FROM order_lines WHERE order_id = {id}"),
        )
        .await;
        assert_eq!(stored_lines, flow.lines.len() as i64);
        for (sku, quantity) in &flow.lines {
            let bucket = if flow.paid {
                &mut expected_sold
            } else {
                &mut expected_reserved
            };
            *bucket.entry(sku.clone()).or_default() += quantity;
        }
    }
    // Nothing is paid that no client was told about.
    let paid_total = acked.iter().filter(|flow| flow.paid).count() as i64;
    assert_eq!(
        scalar(
            &db,
            "SELECT COUNT(*) FROM payme_transactions WHERE state = 2"
        )
        .await,
        paid_total
    );
    for sku in SKUS {
        let column =
            |name: &str| format!("SELECT {name} FROM product_variants WHERE sku = '{sku}'");
        let stock = scalar(&db, &column("stock")).await;
        let reserved = scalar(&db, &column("reserved")).await;
        let sold = scalar(&db, &column("sold")).await;
        assert_eq!(
            stock + reserved + sold,
            INITIAL_STOCK,
            "{sku}: stock {stock} + reserved {reserved} + sold {sold}"
        );
        assert_eq!(
            reserved,
            expected_reserved.get(sku).copied().unwrap_or(0),
            "{sku} reserved"
        );
        assert_eq!(
            sold,
            expected_sold.get(sku).copied().unwrap_or(0),
            "{sku} sold"
        );
    }
    db.close().await;
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn sigkill_during_checkout_and_payme_flows_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    crash_scenario(&runtime(), dir.path(), None);
}

#[test]
fn sigkill_during_checkout_and_payme_flows_on_postgres() {
    let runtime = runtime();
    let admin_url = std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let name = format!("bolajon_crash_{}", std::process::id());
    let admin = runtime.block_on(async {
        let admin = Db::connect(&admin_url).await.unwrap_or_else(|error| {
            panic!(
                "the PostgreSQL suite needs a server at TEST_DATABASE_URL ({admin_url}): {error}"
            )
        });
        exec(&admin, &format!("DROP DATABASE IF EXISTS {name}")).await;
        exec(&admin, &format!("CREATE DATABASE {name}")).await;
        admin
    });
    let (base, query) = admin_url
        .split_once('?')
        .map_or((admin_url.as_str(), None), |(base, query)| {
            (base, Some(query))
        });
    let prefix = &base[..base.rfind('/').unwrap()];
    let url = match query {
        Some(query) => format!("{prefix}/{name}?{query}"),
        None => format!("{prefix}/{name}"),
    };
    let dir = tempfile::tempdir().unwrap();
    crash_scenario(&runtime, dir.path(), Some(url));
    runtime.block_on(async {
        exec(
            &admin,
            &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        )
        .await;
        admin.close().await;
    });
}
