//! The search-log repository: which queries distinct sessions searched (and found products
//! for), the source of autocomplete's popular queries.

use super::{Db, DbResult, dispatch};

/// A query searched by enough distinct sessions.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PopularQuery {
    /// The folded query (the grouping key).
    pub query_folded: String,
    /// How one session typed it (the earliest logged spelling).
    pub query_text: String,
    /// Distinct sessions that searched it.
    pub sessions: i64,
}

/// Records that `session_key` searched `query_text` (folded to `query_folded`) at
/// `searched_at` (Unix seconds); a session's repeat of the same query is not counted again.
pub async fn record(
    db: &Db,
    query_folded: &str,
    query_text: &str,
    session_key: &str,
    age_months: u16,
    searched_at: i64,
) -> DbResult<()> {
    dispatch!(db, |pool, _d| {
        sqlx::query(
            "INSERT INTO search_log (query_folded, query_text, session_key, age_months, searched_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (query_folded, session_key) DO NOTHING",
        )
        .bind(query_folded)
        .bind(query_text)
        .bind(session_key)
        .bind(i16::try_from(age_months).unwrap_or(i16::MAX))
        .bind(searched_at)
        .execute(pool)
        .await?;
    });
    Ok(())
}

/// Returns the queries searched by at least `min_sessions` distinct sessions since `since`
/// (Unix seconds), most sessions first (ties: alphabetical), at most `limit`.
pub async fn popular(
    db: &Db,
    min_sessions: i64,
    since: i64,
    limit: i64,
) -> DbResult<Vec<PopularQuery>> {
    let rows = dispatch!(db, |pool, _d| {
        sqlx::query_as::<_, PopularQuery>(
            "SELECT query_folded, MIN(query_text) AS query_text, COUNT(*) AS sessions \
             FROM search_log WHERE searched_at >= $1 \
             GROUP BY query_folded HAVING COUNT(*) >= $2 \
             ORDER BY sessions DESC, query_folded LIMIT $3",
        )
        .bind(since)
        .bind(min_sessions)
        .bind(limit)
        .fetch_all(pool)
        .await?
    });
    Ok(rows)
}
