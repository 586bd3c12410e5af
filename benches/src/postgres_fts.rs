//! PostgreSQL full-text search as a relevance peer: a scratch database with the products'
//! titles, a GIN index over `to_tsvector('english', title)`, and `ts_rank_cd` ranking of an
//! OR query (every word of `plainto_tsquery('english', …)`, joined with `|`).

use crate::relevance::HomeDepot;
use anyhow::{Context, Result};
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, Executor, PgConnection};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// The ranking query: OR-semantics over the query's English lexemes, `ts_rank_cd` order.
const SEARCH_SQL: &str = "\
    WITH q AS (SELECT replace(plainto_tsquery('english', $1)::text, ' & ', ' | ')::tsquery AS q) \
    SELECT p.uid FROM products p, q \
    WHERE p.tsv @@ q.q \
    ORDER BY ts_rank_cd(p.tsv, q.q) DESC, p.uid \
    LIMIT 100";

/// Indexes `data`'s titles in a scratch database on the server at `url`, runs every query one
/// at a time on one connection, and drops the database. Returns the system's name, the ranked
/// uids per query id and the per-query latencies (measured at the client, round trip included).
pub async fn run(
    url: &str,
    data: &HomeDepot,
) -> Result<(String, HashMap<String, Vec<u64>>, Vec<Duration>)> {
    let mut admin = PgConnection::connect(url)
        .await
        .with_context(|| format!("connecting to PostgreSQL at {url} (--postgres-url)"))?;
    let name = format!("bolajon_relevance_{}", std::process::id());
    admin
        .execute(format!("DROP DATABASE IF EXISTS {name}").as_str())
        .await?;
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await?;
    let outcome = run_in(url, &name, data).await;
    let dropped = admin
        .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
        .await;
    let outcome = outcome?;
    dropped.with_context(|| format!("dropping the scratch database {name}"))?;
    Ok(outcome)
}

async fn run_in(
    url: &str,
    name: &str,
    data: &HomeDepot,
) -> Result<(String, HashMap<String, Vec<u64>>, Vec<Duration>)> {
    let options: PgConnectOptions = url
        .parse()
        .with_context(|| format!("parsing the PostgreSQL URL {url}"))?;
    let mut conn = PgConnection::connect_with(&options.database(name))
        .await
        .with_context(|| format!("connecting to the scratch database {name}"))?;
    let version: String = sqlx::query_scalar("SHOW server_version")
        .fetch_one(&mut conn)
        .await?;
    conn.execute(
        "CREATE TABLE products (uid BIGINT PRIMARY KEY, title TEXT NOT NULL, \
         tsv TSVECTOR GENERATED ALWAYS AS (to_tsvector('english', title)) STORED)",
    )
    .await?;
    let started = Instant::now();
    for chunk in data.products.chunks(5_000) {
        let uids: Vec<i64> = chunk.iter().map(|(uid, _)| *uid as i64).collect();
        let titles: Vec<&str> = chunk.iter().map(|(_, title)| title.as_str()).collect();
        sqlx::query(
            "INSERT INTO products (uid, title) SELECT * FROM UNNEST($1::BIGINT[], $2::TEXT[])",
        )
        .bind(&uids)
        .bind(&titles)
        .execute(&mut conn)
        .await?;
    }
    conn.execute("CREATE INDEX products_tsv ON products USING GIN (tsv)")
        .await?;
    conn.execute("ANALYZE products").await?;
    eprintln!(
        "PostgreSQL {version}: loaded and indexed {} titles in {:.1} s",
        data.products.len(),
        started.elapsed().as_secs_f64()
    );
    let mut runs = HashMap::new();
    let mut latencies = Vec::with_capacity(data.queries.len());
    for query in &data.queries {
        let text: String = query.text.chars().take(engine::MAX_QUERY_CHARS).collect();
        let started = Instant::now();
        let uids: Vec<i64> = sqlx::query_scalar(SEARCH_SQL)
            .bind(&text)
            .fetch_all(&mut conn)
            .await
            .with_context(|| format!("PostgreSQL FTS for {text:?}"))?;
        latencies.push(started.elapsed());
        runs.insert(
            query.id.clone(),
            uids.into_iter().map(|uid| uid as u64).collect(),
        );
    }
    conn.close().await?;
    let system = format!(
        "PostgreSQL {} FTS (ts_rank_cd, GIN, OR)",
        version.split_whitespace().next().unwrap_or("")
    );
    Ok((system, runs, latencies))
}
