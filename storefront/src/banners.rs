//! CMS banner blocks on the home page: plain-text title and body, an optional local link, a
//! language (`all` or one UI language) and a position. Admins manage them through
//! `/api/v1/admin/banners` (audited, see [`crate::routes::admin_banners`]); the home page shows
//! the active ones for the visitor's language. Texts are never HTML: pages escape them.

use crate::ApiError;
use crate::db::accounts::UserId;
use crate::db::{Db, DbResult, dispatch};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 120;
/// The longest body, in characters.
pub const MAX_BODY_CHARS: usize = 500;
/// The longest link path, in bytes.
pub const MAX_LINK_BYTES: usize = 300;
/// The most banners kept (active or not).
pub const MAX_BANNERS: i64 = 50;
/// Languages a banner may target.
pub const LANGS: [&str; 5] = ["all", "uz", "uz-Cyrl", "ru", "en"];

/// A banner as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema, sqlx::FromRow)]
pub struct Banner {
    /// Id.
    pub id: i64,
    /// `all`, `uz`, `uz-Cyrl`, `ru` or `en`.
    pub lang: String,
    /// Title (plain text).
    pub title: String,
    /// Body (plain text).
    pub body: String,
    /// A local path (`/search?category=toys`) or none.
    pub link_path: Option<String>,
    /// Order on the page (smaller first).
    pub position: i32,
    /// Whether the home page shows it.
    pub active: bool,
    /// Last change.
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: DateTime<Utc>,
}

/// A banner to create or replace.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BannerInput {
    /// `all` (default), `uz`, `uz-Cyrl`, `ru` or `en`.
    #[serde(default)]
    pub lang: Option<String>,
    /// 1 to 120 characters of plain text.
    pub title: String,
    /// Up to 500 characters of plain text.
    #[serde(default)]
    pub body: Option<String>,
    /// A local path starting with a single `/` (at most 300 bytes).
    #[serde(default)]
    pub link_path: Option<String>,
    /// 0 to 1000 (default 0).
    #[serde(default)]
    pub position: Option<i32>,
    /// Default true.
    #[serde(default)]
    pub active: Option<bool>,
}

/// A validated [`BannerInput`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidBanner {
    /// Language.
    pub lang: String,
    /// Title.
    pub title: String,
    /// Body.
    pub body: String,
    /// Link.
    pub link_path: Option<String>,
    /// Position.
    pub position: i32,
    /// Active.
    pub active: bool,
}

fn plain_text(
    value: &str,
    field: &str,
    code: &'static str,
    min: usize,
    max: usize,
) -> Result<String, ApiError> {
    let value = value.trim();
    let chars = value.chars().count();
    if chars < min || chars > max {
        return Err(ApiError::bad_request(
            code,
            format!("{field} must have {min} to {max} characters"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(ApiError::bad_request(
            code,
            format!("{field} must not contain control characters"),
        ));
    }
    Ok(value.to_owned())
}

/// Checks that `path` is a local path: one leading `/`, no scheme-relative `//` or backslash,
/// visible ASCII only.
pub fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && path.len() <= MAX_LINK_BYTES
        && path.bytes().all(|b| b.is_ascii_graphic())
}

impl BannerInput {
    /// Validates the input.
    pub fn validate(&self) -> Result<ValidBanner, ApiError> {
        let lang = self.lang.as_deref().unwrap_or("all");
        if !LANGS.contains(&lang) {
            return Err(ApiError::bad_request(
                "invalid_banner_lang",
                "lang must be one of all, uz, uz-Cyrl, ru, en",
            ));
        }
        let title = plain_text(
            &self.title,
            "title",
            "invalid_banner_title",
            1,
            MAX_TITLE_CHARS,
        )?;
        let body = plain_text(
            self.body.as_deref().unwrap_or_default(),
            "body",
            "invalid_banner_body",
            0,
            MAX_BODY_CHARS,
        )?;
        let link_path = match self.link_path.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(path) if is_local_path(path) => Some(path.to_owned()),
            Some(_) => {
                return Err(ApiError::bad_request(
                    "invalid_banner_link",
                    "link_path must be a local path starting with a single / (visible ASCII, at most 300 bytes)",
                ));
            }
        };
        let position = self.position.unwrap_or(0);
        if !(0..=1000).contains(&position) {
            return Err(ApiError::bad_request(
                "invalid_banner_position",
                "position must be from 0 to 1000",
            ));
        }
        Ok(ValidBanner {
            lang: lang.to_owned(),
            title,
            body,
            link_path,
            position,
            active: self.active.unwrap_or(true),
        })
    }
}

const COLUMNS: &str = "id, lang, title, body, link_path, position, active, updated_at";

impl Db {
    /// Every banner, by position.
    pub async fn banners(&self) -> DbResult<Vec<Banner>> {
        let sql = format!("SELECT {COLUMNS} FROM cms_banners ORDER BY position, id");
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_as::<_, Banner>(&sql).fetch_all(pool).await?
        }))
    }

    /// The active banners for a UI language (`all` ones included), by position.
    pub async fn active_banners(&self, lang: &str) -> DbResult<Vec<Banner>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM cms_banners WHERE active = TRUE AND lang IN ('all', $1) \
             ORDER BY position, id LIMIT 10"
        );
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_as::<_, Banner>(&sql)
                .bind(lang)
                .fetch_all(pool)
                .await?
        }))
    }

    /// Inserts a banner; `None` when [`MAX_BANNERS`] already exist.
    pub async fn insert_banner(
        &self,
        banner: &ValidBanner,
        by: UserId,
        now: DateTime<Utc>,
    ) -> DbResult<Option<Banner>> {
        let sql = format!(
            "INSERT INTO cms_banners (lang, title, body, link_path, position, active, updated_by, \
             created_at, updated_at) SELECT $1, $2, $3, $4, $5, $6, $7, $8, $8 \
             WHERE (SELECT COUNT(*) FROM cms_banners) < $9 RETURNING {COLUMNS}"
        );
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_as::<_, Banner>(&sql)
                .bind(&banner.lang)
                .bind(&banner.title)
                .bind(&banner.body)
                .bind(&banner.link_path)
                .bind(banner.position)
                .bind(banner.active)
                .bind(by.0)
                .bind(now)
                .bind(MAX_BANNERS)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// Replaces a banner; `None` when it does not exist.
    pub async fn update_banner(
        &self,
        id: i64,
        banner: &ValidBanner,
        by: UserId,
        now: DateTime<Utc>,
    ) -> DbResult<Option<Banner>> {
        let sql = format!(
            "UPDATE cms_banners SET lang = $2, title = $3, body = $4, link_path = $5, \
             position = $6, active = $7, updated_by = $8, updated_at = $9 WHERE id = $1 \
             RETURNING {COLUMNS}"
        );
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_as::<_, Banner>(&sql)
                .bind(id)
                .bind(&banner.lang)
                .bind(&banner.title)
                .bind(&banner.body)
                .bind(&banner.link_path)
                .bind(banner.position)
                .bind(banner.active)
                .bind(by.0)
                .bind(now)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// Deletes a banner; whether it existed.
    pub async fn delete_banner(&self, id: i64) -> DbResult<bool> {
        let deleted = dispatch!(self, |pool, _d| {
            sqlx::query("DELETE FROM cms_banners WHERE id = $1")
                .bind(id)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(deleted > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(title: &str, link: Option<&str>) -> BannerInput {
        BannerInput {
            lang: None,
            title: title.to_owned(),
            body: None,
            link_path: link.map(str::to_owned),
            position: None,
            active: None,
        }
    }

    #[test]
    fn links_must_be_local_paths() {
        assert!(
            input("Sale", Some("/search?category=toys"))
                .validate()
                .is_ok()
        );
        for bad in [
            "//evil.example/x",
            "https://evil.example",
            "javascript:alert(1)",
            "/\\evil",
            "/a b",
        ] {
            let error = input("Sale", Some(bad)).validate().unwrap_err();
            assert_eq!(error.code, "invalid_banner_link", "{bad}");
        }
    }

    #[test]
    fn titles_are_bounded_plain_text() {
        assert_eq!(
            input("", None).validate().unwrap_err().code,
            "invalid_banner_title"
        );
        assert_eq!(
            input(&"a".repeat(121), None).validate().unwrap_err().code,
            "invalid_banner_title"
        );
        assert_eq!(
            input("a\u{7}b", None).validate().unwrap_err().code,
            "invalid_banner_title"
        );
        let valid = input("  <b>Yangi</b> o‘yinchoqlar ", None)
            .validate()
            .unwrap();
        assert_eq!(valid.title, "<b>Yangi</b> o‘yinchoqlar", "kept as text");
        assert_eq!(valid.lang, "all");
        assert!(valid.active);
    }
}
