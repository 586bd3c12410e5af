//! A young audience's unsafe search or suggestion request gets a gentle, safe answer (issue 5,
//! item 4).
//!
//! Who is screened: a child account always, and any request whose audience (`age_months`) is
//! below adulthood. The query goes through `moderation::screen_query` (the listing lexicons
//! and normalisation; see its docs). A blocked query is answered with HTTP 200, no results
//! from it, a friendly message in the requested language form and a few safe categories to
//! explore instead, under a stable `safety` field:
//! `{"blocked": true, "code": "unsafe_query", "message": …, "suggested_categories": […]}`.
//! A child account's blocked request is recorded in its parent's search log
//! (`child_search_log`, reason `unsafe_query`), which the family dashboard lists under
//! refused searches; what the child typed is never fed to anyone's autocomplete.

use crate::ApiError;
use crate::catalog::CatalogMeta;
use crate::commerce::screen_time::{self, LOGGED_QUERY_CHARS};
use crate::db::Db;
use crate::db::accounts::ChildId;
use crate::routes::search::CategoryRef;
use chrono::{DateTime, Utc};
use engine::Lang;
use moderation::{MAX_AGE_MONTHS, QueryVerdict, ScreeningConfig};
use serde::Serialize;
use utoipa::ToSchema;

/// The stable code of a blocked query.
pub const UNSAFE_QUERY: &str = "unsafe_query";

/// Categories offered instead of an unsafe query's results, in this order, when they exist.
const SAFE_CATEGORY_SLUGS: [&str; 5] = [
    "books",
    "arts-and-crafts",
    "educational-kits",
    "toys",
    "sports",
];

/// At most this many suggested categories.
const MAX_SUGGESTED: usize = 4;

/// The safety answer to a blocked query.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QuerySafety {
    /// Always `true` when present: the query's results are withheld.
    pub blocked: bool,
    /// `unsafe_query`.
    pub code: &'static str,
    /// A friendly redirect in the requested language form.
    pub message: &'static str,
    /// Safe categories to explore instead.
    pub suggested_categories: Vec<CategoryRef>,
}

/// Who is asking, as far as query screening is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Asker {
    /// The caller is signed in with a child account.
    pub child_account: bool,
    /// The audience's age in months.
    pub age_months: u16,
}

impl Asker {
    /// Returns the age to screen the query for, or `None` when the request is an adult's for
    /// an adult audience (not screened). A child account is a minor whatever audience it names.
    pub fn screening_age(self) -> Option<u16> {
        if self.child_account {
            Some(self.age_months.min(MAX_AGE_MONTHS - 1))
        } else if self.age_months < MAX_AGE_MONTHS {
            Some(self.age_months)
        } else {
            None
        }
    }
}

/// Screens `query` for `asker` with the service's thresholds; `None` when it is not screened
/// or passes.
pub fn screen(config: &ScreeningConfig, asker: Asker, query: &str) -> Option<QueryVerdict> {
    let age = asker.screening_age()?;
    let verdict = moderation::screen_query_with(config, query, age);
    verdict.blocked.then_some(verdict)
}

/// Returns the safety answer to a blocked query, in `lang`.
pub fn answer(catalog: &CatalogMeta, lang: Lang) -> QuerySafety {
    let mut suggested: Vec<CategoryRef> = SAFE_CATEGORY_SLUGS
        .iter()
        .filter_map(|slug| catalog.taxonomy.by_slug(slug))
        .map(|node| catalog.category_ref(node.id, lang))
        .take(MAX_SUGGESTED)
        .collect();
    if suggested.is_empty() {
        suggested = catalog
            .taxonomy
            .roots()
            .iter()
            .take(MAX_SUGGESTED)
            .map(|id| catalog.category_ref(*id, lang))
            .collect();
    }
    QuerySafety {
        blocked: true,
        code: UNSAFE_QUERY,
        message: redirect_message(lang),
        suggested_categories: suggested,
    }
}

/// Returns the friendly redirect shown instead of an unsafe query's results.
pub fn redirect_message(lang: Lang) -> &'static str {
    match lang {
        Lang::Uz => {
            "Bu so‘rov bo‘yicha hech narsa ko‘rsata olmaymiz. Keling, boshqa qiziqarli narsalarni \
             qidiramiz: kitoblar, ijod to‘plamlari yoki o‘yinchoqlar!"
        }
        Lang::UzCyrl => {
            "Бу сўров бўйича ҳеч нарса кўрсата олмаймиз. Келинг, бошқа қизиқарли нарсаларни \
             қидирамиз: китоблар, ижод тўпламлари ёки ўйинчоқлар!"
        }
        Lang::Ru => {
            "По этому запросу мы ничего не покажем. Давай поищем что-нибудь интересное: книги, \
             наборы для творчества или игрушки!"
        }
        Lang::En => {
            "We can't show anything for that search. Let's find something fun instead: books, \
             craft kits or toys!"
        }
    }
}

/// The reason recorded in the parent's search log for a blocked query: `unsafe_query` and the
/// risk category (`unsafe_query:alcohol`), so the dashboard can say what it was about.
pub fn log_reason(verdict: &QueryVerdict) -> String {
    match verdict.category {
        Some(category) => format!("{UNSAFE_QUERY}:{}", category.as_str()),
        None => UNSAFE_QUERY.to_owned(),
    }
}

/// How long a blocked suggestion entry keeps growing with the child's typing.
const SUGGESTION_MERGE_WINDOW: chrono::Duration = chrono::Duration::minutes(2);

/// Records a child's blocked suggestion request in the parent's search log. Suggestions come
/// on every keystroke, so one typed phrase makes one entry: when the child's latest entry is
/// the same kind of block, under [`SUGGESTION_MERGE_WINDOW`] old, and one text extends the
/// other (`vodk`, `vodka`, `vodka ol`), it is updated to the longer text instead.
pub async fn record_suggestion_for_parent(
    db: &Db,
    child: ChildId,
    query: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let query: String = query.chars().take(LOGGED_QUERY_CHARS).collect();
    let merged = crate::db::dispatch!(db, |pool, _d| {
        let latest = sqlx::query_as::<_, (i64, DateTime<Utc>, String, i64, String)>(
            "SELECT id, at, query, blocked, reason FROM child_search_log \
             WHERE child_id = $1 ORDER BY id DESC LIMIT 1",
        )
        .bind(child)
        .fetch_optional(pool)
        .await
        .map_err(crate::db::DbError::from)?;
        match latest {
            Some((id, at, previous, 1, previous_reason))
                if previous_reason == reason
                    && now - at <= SUGGESTION_MERGE_WINDOW
                    && extends(&previous, &query) =>
            {
                let longer = if query.chars().count() >= previous.chars().count() {
                    &query
                } else {
                    &previous
                };
                sqlx::query("UPDATE child_search_log SET query = $1, at = $2 WHERE id = $3")
                    .bind(longer)
                    .bind(now)
                    .bind(id)
                    .execute(pool)
                    .await
                    .map_err(crate::db::DbError::from)?;
                true
            }
            _ => false,
        }
    });
    if !merged {
        screen_time::log_search(db, child, &query, Some(reason), now).await?;
    }
    Ok(())
}

/// Returns whether one text starts with the other (case-insensitively).
fn extends(a: &str, b: &str) -> bool {
    let (a, b) = (a.to_lowercase(), b.to_lowercase());
    a.starts_with(&b) || b.starts_with(&a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adults_for_adults_are_not_screened_and_children_always_are() {
        let adult = Asker {
            child_account: false,
            age_months: MAX_AGE_MONTHS,
        };
        assert_eq!(adult.screening_age(), None);
        let child = Asker {
            child_account: true,
            age_months: MAX_AGE_MONTHS,
        };
        assert_eq!(child.screening_age(), Some(MAX_AGE_MONTHS - 1));
        let audience = Asker {
            child_account: false,
            age_months: 60,
        };
        assert_eq!(audience.screening_age(), Some(60));
        let config = ScreeningConfig::default();
        assert!(screen(&config, adult, "vodka").is_none());
        let verdict = screen(&config, audience, "v0dka").unwrap();
        assert_eq!(log_reason(&verdict), "unsafe_query:alcohol");
    }

    #[test]
    fn every_language_form_has_a_message() {
        let messages: std::collections::BTreeSet<_> = Lang::ALL
            .iter()
            .map(|lang| redirect_message(*lang))
            .collect();
        assert_eq!(messages.len(), Lang::ALL.len());
    }

    #[test]
    fn typed_phrases_extend() {
        assert!(extends("vodk", "Vodka ol"));
        assert!(extends("vodka ol", "vodka"));
        assert!(!extends("vodka", "pivo"));
    }
}
