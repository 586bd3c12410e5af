//! `storefront bench login`: the cost of argon2id (OWASP parameters) per hash, the password
//! logins per second the service sustains, and whether search is starved meanwhile.
//!
//! Password hashing runs on tokio's blocking pool behind a semaphore of
//! [`AuthSettings::hash_concurrency`](super::AuthSettings) permits (the core count minus one),
//! so a login flood can take at most that many cores and search keeps the rest. The bench
//! measures search latency alone, the login rate alone, and both at once, through the router
//! (`oneshot`) on a generated catalogue and a SQLite file.

use super::password::{self, PasswordParams};
use super::rate_limit::RateLimiter;
use super::{AuthSettings, AuthState, Role, SystemClock};
use crate::bench::LatencyReport;
use crate::db::Db;
use crate::db::accounts::{NewUser, UserInsert};
use crate::state::AppState;
use anyhow::Context;
use axum::body::Body;
use axum::http::{Request, header};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::ServiceExt;

/// Arguments of `storefront bench login`.
#[derive(Debug, Clone, clap::Args)]
pub struct LoginBenchArgs {
    /// Products in the generated catalogue searched meanwhile.
    #[arg(long, default_value_t = 20_000)]
    pub products: usize,
    /// Seconds per measured phase.
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
    /// Concurrent clients logging in (the flood).
    #[arg(long, default_value_t = 16)]
    pub login_clients: usize,
    /// Concurrent clients searching.
    #[arg(long, default_value_t = 4)]
    pub search_clients: usize,
    /// Hashes timed one by one for the per-hash figure.
    #[arg(long, default_value_t = 10)]
    pub hashes: usize,
    /// Catalogue and query seed.
    #[arg(long, default_value_t = 20_261_207)]
    pub seed: u64,
}

const PASSWORD: &str = "bench parol: tog'da qor yog'di";

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1_000.0
}

/// Runs the benchmark and prints its report.
pub async fn run_login_bench(args: &LoginBenchArgs) -> anyhow::Result<()> {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let settings = AuthSettings::default();
    println!(
        "bench login: {cores} cores, hashing permits {}, argon2id m={} KiB t={} p={}, {} login \
         clients, {} search clients, {} s per phase",
        settings.hash_concurrency,
        PasswordParams::OWASP.memory_kib,
        PasswordParams::OWASP.iterations,
        PasswordParams::OWASP.parallelism,
        args.login_clients,
        args.search_clients,
        args.seconds
    );

    // One hash at a time, on an otherwise idle machine.
    let mut hash_times = Vec::with_capacity(args.hashes);
    let mut verify_times = Vec::with_capacity(args.hashes);
    let mut phc = String::new();
    for _ in 0..args.hashes.max(1) {
        let started = Instant::now();
        phc = tokio::task::spawn_blocking(|| {
            password::hash_blocking(PasswordParams::OWASP, PASSWORD)
        })
        .await?
        .map_err(|error| anyhow::anyhow!("hashing: {}", error.message))?;
        hash_times.push(started.elapsed());
        let stored = phc.clone();
        let started = Instant::now();
        let ok = tokio::task::spawn_blocking(move || password::verify_blocking(&stored, PASSWORD))
            .await?;
        verify_times.push(started.elapsed());
        anyhow::ensure!(ok, "the bench hash does not verify");
    }
    let hash = LatencyReport::from_samples(hash_times, Duration::from_secs(1));
    let verify = LatencyReport::from_samples(verify_times, Duration::from_secs(1));
    println!(
        "argon2id per hash: p50 {:.1} ms (max {:.1} ms); per verify: p50 {:.1} ms (max {:.1} ms) \
         => at most {:.1} verifies/s per core",
        ms(hash.p50),
        ms(hash.max),
        ms(verify.p50),
        ms(verify.max),
        1_000.0 / ms(verify.p50).max(1e-6)
    );

    let dir = std::env::temp_dir().join(format!("bolajon-bench-login-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let outcome = run_phases(args, &dir, &phc, settings).await;
    let _ = std::fs::remove_dir_all(&dir);
    outcome
}

async fn run_phases(
    args: &LoginBenchArgs,
    dir: &std::path::Path,
    phc: &str,
    settings: AuthSettings,
) -> anyhow::Result<()> {
    let catalog = datasets::generate(args.seed, args.products);
    let engine = Arc::new(engine::Engine::in_memory()?);
    indexer::build_from_catalog(
        &engine,
        &catalog.categories,
        &catalog.brands,
        catalog.products.iter().cloned(),
        &|_| {},
    )?;
    let url = format!("sqlite://{}?mode=rwc", dir.join("bench.db").display());
    let db = Db::connect(&url)
        .await
        .context("opening the bench database")?;
    db.migrate().await?;
    let (sellers, brands, categories) = crate::seed::taxonomy_rows(&catalog);
    db.insert_taxonomy(&sellers, &brands, &categories).await?;
    // Accounts share one precomputed hash (creating them is not what is measured).
    let accounts = args.login_clients.max(1) * 4;
    let now = chrono::Utc::now();
    let mut logins = Vec::with_capacity(accounts);
    for n in 0..accounts {
        let email = format!("bench{n}@example.uz");
        let inserted = db
            .insert_user(
                &NewUser {
                    email: Some(&email),
                    phone: None,
                    password_hash: phc,
                    role: Role::Parent,
                },
                now,
            )
            .await?;
        anyhow::ensure!(
            matches!(inserted, UserInsert::Created(_)),
            "bench account taken"
        );
        logins.push(email);
    }
    let secret = super::token::random_bytes::<32>()?;
    let auth = AuthState::new(
        &secret,
        settings,
        RateLimiter::in_process(),
        Arc::new(SystemClock),
    )?;
    let state = AppState::new_with_auth(db, engine, auth).await?;
    let router = crate::router(state.clone());
    let searches: Arc<Vec<String>> = Arc::new(
        datasets::queries::bench_queries(args.seed, 1_000)
            .iter()
            .map(|query| format!("/api/v1/search?{}", query.to_query_string()))
            .collect(),
    );
    let logins = Arc::new(logins);
    let seconds = args.seconds.max(1);

    // Warm-up: a few searches and logins.
    let _ = phase(&router, &searches, &logins, 2, 2, 1).await?;

    let alone = phase(&router, &searches, &logins, args.search_clients, 0, seconds).await?;
    let flood = phase(&router, &searches, &logins, 0, args.login_clients, seconds).await?;
    let both = phase(
        &router,
        &searches,
        &logins,
        args.search_clients,
        args.login_clients,
        seconds,
    )
    .await?;
    println!("{}", alone.search.line("search alone"));
    println!("{}", both.search.line("search during login flood"));
    println!("{}", flood.login.line("logins alone"));
    println!("{}", both.login.line("logins while searching"));
    println!(
        "logins/s sustained: {:.1} alone, {:.1} while searching; search p99 {:.2} ms alone, \
         {:.2} ms during the flood ({:.1}x); errors: {}",
        flood.login.qps,
        both.login.qps,
        ms(alone.search.p99),
        ms(both.search.p99),
        ms(both.search.p99) / ms(alone.search.p99).max(1e-6),
        alone.errors + flood.errors + both.errors
    );
    let _ = state;
    Ok(())
}

struct Phase {
    search: LatencyReport,
    login: LatencyReport,
    errors: usize,
}

enum Sample {
    Search(Duration),
    Login(Duration),
    Error(String),
}

async fn phase(
    router: &axum::Router,
    searches: &Arc<Vec<String>>,
    logins: &Arc<Vec<String>>,
    search_clients: usize,
    login_clients: usize,
    seconds: u64,
) -> anyhow::Result<Phase> {
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let mut tasks = tokio::task::JoinSet::new();
    for client in 0..search_clients {
        let router = router.clone();
        let searches = searches.clone();
        tasks.spawn(async move {
            let mut samples = Vec::new();
            let mut n = client;
            while Instant::now() < deadline {
                let path = &searches[n % searches.len()];
                n += search_clients.max(1);
                let request = Request::get(path.as_str()).body(Body::empty());
                let Ok(request) = request else {
                    samples.push(Sample::Error(format!("bad uri {path}")));
                    continue;
                };
                let begun = Instant::now();
                match router.clone().oneshot(request).await {
                    Ok(response) if response.status().is_success() => {
                        samples.push(Sample::Search(begun.elapsed()));
                    }
                    Ok(response) => {
                        samples.push(Sample::Error(format!("search {}", response.status())));
                    }
                    Err(error) => samples.push(Sample::Error(error.to_string())),
                }
            }
            samples
        });
    }
    for client in 0..login_clients {
        let router = router.clone();
        let logins = logins.clone();
        tasks.spawn(async move {
            let mut samples = Vec::new();
            let mut n = client;
            while Instant::now() < deadline {
                let login = &logins[n % logins.len()];
                n += login_clients.max(1);
                let body = serde_json::json!({ "login": login, "password": PASSWORD }).to_string();
                let request = Request::post("/api/v1/auth/login")
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(body));
                let Ok(request) = request else {
                    samples.push(Sample::Error("bad login request".to_owned()));
                    continue;
                };
                let begun = Instant::now();
                match router.clone().oneshot(request).await {
                    Ok(response) if response.status().is_success() => {
                        samples.push(Sample::Login(begun.elapsed()));
                    }
                    Ok(response) => {
                        samples.push(Sample::Error(format!("login {}", response.status())));
                    }
                    Err(error) => samples.push(Sample::Error(error.to_string())),
                }
            }
            samples
        });
    }
    let mut search = Vec::new();
    let mut login = Vec::new();
    let mut errors = Vec::new();
    while let Some(samples) = tasks.join_next().await {
        for sample in samples.context("bench client")? {
            match sample {
                Sample::Search(took) => search.push(took),
                Sample::Login(took) => login.push(took),
                Sample::Error(error) => errors.push(error),
            }
        }
    }
    let wall = started.elapsed();
    if let Some(first) = errors.first() {
        println!("{} errors, the first: {first}", errors.len());
    }
    Ok(Phase {
        search: LatencyReport::from_samples(search, wall),
        login: LatencyReport::from_samples(login, wall),
        errors: errors.len(),
    })
}
