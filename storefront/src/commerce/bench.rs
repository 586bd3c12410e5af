//! `storefront bench checkout`: sustained checkout throughput and latency through the HTTP
//! router (auth, JSON, the checkout transaction with its stock reservation) at a fixed
//! concurrency, on SQLite and on PostgreSQL.

use crate::auth::{AuthState, Role};
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

/// Arguments of `storefront bench checkout`.
#[derive(Debug, Clone, clap::Args)]
pub struct CheckoutBenchArgs {
    /// Concurrent buyers.
    #[arg(long, default_value_t = 16)]
    pub concurrency: usize,
    /// Seconds measured per backend (after a one-second warm-up).
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
    /// Distinct SKUs the buyers pick from (more SKUs, less contention on one row).
    #[arg(long, default_value_t = 200)]
    pub skus: usize,
    /// PostgreSQL server for the PostgreSQL run (a temporary database is created and dropped);
    /// `none` skips it.
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
    pub postgres_url: String,
}

async fn exec(db: &Db, sql: &str) -> anyhow::Result<()> {
    crate::db::dispatch!(db, |pool, _d| {
        sqlx::query(sql).execute(pool).await?;
    });
    Ok(())
}

/// Seeds one seller, one category and `skus` products with a deep stock.
async fn seed(db: &Db, skus: usize) -> anyhow::Result<()> {
    exec(
        db,
        "INSERT INTO sellers (id, slug, name, region) VALUES (1, 'bench', 'Bench', 'tashkent_city')",
    )
    .await?;
    exec(
        db,
        "INSERT INTO categories (id, parent_id, slug, name_uz, name_uz_cyrl, name_ru, name_en, position) \
         VALUES (1, NULL, 'toys', 'O''yinchoqlar', 'Ўйинчоқлар', 'Игрушки', 'Toys', 0)",
    )
    .await?;
    for id in 1..=skus {
        exec(
            db,
            &format!(
                "INSERT INTO products (id, seller_id, category_id, title_en, age_min_months, \
                 age_max_months, status, created_at, updated_at) VALUES ({id}, 1, 1, 'Toy {id}', \
                 0, 216, 'approved', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')"
            ),
        )
        .await?;
        exec(
            db,
            &format!(
                "INSERT INTO product_variants (id, product_id, sku, price_tiyin, stock) \
                 VALUES ({id}, {id}, 'BENCH-{id}', {}, 100000000)",
                1_000_000 + id * 1_000
            ),
        )
        .await?;
    }
    db.sync_identity_sequences().await?;
    Ok(())
}

async fn buyer_tokens(state: &AppState, count: usize) -> anyhow::Result<Vec<String>> {
    let db = &state.0.db;
    let now = state.0.auth.now();
    let mut tokens = Vec::with_capacity(count);
    for index in 0..count {
        let email = format!("bench{index}@example.uz");
        let UserInsert::Created(user) = db
            .insert_user(
                &NewUser {
                    email: Some(&email),
                    phone: None,
                    // Never used to sign in: sessions are opened directly.
                    password_hash: "$argon2id$bench",
                    role: Role::Parent,
                },
                now,
            )
            .await?
        else {
            anyhow::bail!("bench user {email} exists");
        };
        let random = |error: getrandom::Error| anyhow::anyhow!("no randomness: {error}");
        let session = crate::auth::token::new_id().map_err(random)?;
        let refresh = crate::auth::token::new_refresh_token().map_err(random)?;
        db.create_session(
            &session,
            user,
            &crate::auth::token::sha256_hex(&refresh),
            now,
            now + chrono::Duration::days(1),
        )
        .await?;
        tokens.push(
            state
                .0
                .auth
                .issue_access_token(user, Role::Parent, &session)
                .map_err(|error| anyhow::anyhow!("{error}"))?,
        );
    }
    Ok(tokens)
}

/// Runs the load on one backend and returns its report.
async fn run_on(db: Db, args: &CheckoutBenchArgs) -> anyhow::Result<(LatencyReport, usize)> {
    db.migrate().await?;
    seed(&db, args.skus).await?;
    let engine = Arc::new(engine::Engine::in_memory()?);
    let state = AppState::new_with_auth(db, engine, AuthState::ephemeral()).await?;
    let tokens = buyer_tokens(&state, args.concurrency).await?;
    let router = crate::router(state.clone());
    let skus = args.skus.max(1);
    let run = |seconds: u64, measure: bool| {
        let router = router.clone();
        let tokens = tokens.clone();
        async move {
            let deadline = Instant::now() + Duration::from_secs(seconds);
            let mut tasks = tokio::task::JoinSet::new();
            for (worker, token) in tokens.into_iter().enumerate() {
                let router = router.clone();
                tasks.spawn(async move {
                    let mut samples = Vec::new();
                    let mut errors = 0_usize;
                    let mut n = worker;
                    while Instant::now() < deadline {
                        n = n.wrapping_mul(31).wrapping_add(17);
                        let first = n % skus + 1;
                        let second = (n / 7) % skus + 1;
                        let lines = if first == second {
                            format!(r#"[{{"sku":"BENCH-{first}","quantity":1}}]"#)
                        } else {
                            format!(
                                r#"[{{"sku":"BENCH-{first}","quantity":1}},{{"sku":"BENCH-{second}","quantity":2}}]"#
                            )
                        };
                        let body = format!(
                            r#"{{"lines":{lines},"delivery":{{"method":"courier","region":"tashkent_city","address":"Chilonzor 9, 14"}}}}"#
                        );
                        let request = Request::post("/api/v1/orders")
                            .header(header::CONTENT_TYPE, "application/json")
                            .header(header::AUTHORIZATION, format!("Bearer {token}"))
                            .body(Body::from(body));
                        let Ok(request) = request else {
                            errors += 1;
                            continue;
                        };
                        let started = Instant::now();
                        match router.clone().oneshot(request).await {
                            Ok(response) if response.status().as_u16() == 201 => {
                                if measure {
                                    samples.push(started.elapsed());
                                }
                            }
                            _ => errors += 1,
                        }
                    }
                    (samples, errors)
                });
            }
            let mut samples = Vec::new();
            let mut errors = 0;
            while let Some(joined) = tasks.join_next().await {
                let (part, failed) = joined.context("bench worker")?;
                samples.extend(part);
                errors += failed;
            }
            anyhow::Ok((samples, errors))
        }
    };
    run(1, false).await?;
    let started = Instant::now();
    let (samples, errors) = run(args.seconds, true).await?;
    let report = LatencyReport::from_samples(samples, started.elapsed());
    state.0.db.close().await;
    Ok((report, errors))
}

fn print(label: &str, report: &LatencyReport, errors: usize) {
    let ms = |d: Duration| d.as_secs_f64() * 1_000.0;
    println!(
        "{label:<11} orders={:<7} orders/s={:>8.1} p50={:>7.2}ms p95={:>7.2}ms p99={:>7.2}ms max={:>7.2}ms errors={errors}",
        report.requests,
        report.qps,
        ms(report.p50),
        ms(report.p95),
        ms(report.p99),
        ms(report.max),
    );
}

/// Runs the benchmark on SQLite (a temporary file) and PostgreSQL (a temporary database).
pub async fn run_checkout_bench(args: &CheckoutBenchArgs) -> anyhow::Result<()> {
    println!(
        "bench checkout: concurrency {}, {} s per backend, {} SKUs, {} cores",
        args.concurrency,
        args.seconds,
        args.skus,
        std::thread::available_parallelism()
            .map(usize::from)
            .unwrap_or(1)
    );
    let dir = tempfile_dir()?;
    let url = format!("sqlite://{}?mode=rwc", dir.join("bench.db").display());
    let db = Db::connect(&url)
        .await
        .context("opening the bench SQLite file")?;
    let (report, errors) = run_on(db, args).await?;
    print("sqlite", &report, errors);
    let _ = std::fs::remove_dir_all(&dir);

    if args.postgres_url != "none" {
        let admin = Db::connect(&args.postgres_url)
            .await
            .with_context(|| format!("connecting to {}", args.postgres_url))?;
        let name = format!("bolajon_bench_{}", std::process::id());
        exec(&admin, &format!("DROP DATABASE IF EXISTS {name}")).await?;
        exec(&admin, &format!("CREATE DATABASE {name}")).await?;
        let url = match args.postgres_url.rsplit_once('/') {
            Some((base, _)) => format!("{base}/{name}"),
            None => anyhow::bail!("the PostgreSQL url has no database part"),
        };
        let outcome = async {
            let db = Db::connect(&url).await?;
            run_on(db, args).await
        }
        .await;
        exec(
            &admin,
            &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        )
        .await?;
        admin.close().await;
        let (report, errors) = outcome?;
        print("postgres", &report, errors);
    }
    Ok(())
}

fn tempfile_dir() -> anyhow::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("bolajon-bench-checkout-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
