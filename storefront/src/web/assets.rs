//! Static assets compiled into the binary and served under content-hashed names
//! (`/static/app.3f2a….css`) with `Cache-Control: immutable`: a new release changes the name,
//! so browsers never need to revalidate. Only the current hashed names are served.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

/// One asset.
#[derive(Debug)]
pub struct Asset {
    /// The hashed file name (`app.<hash>.css`).
    pub name: String,
    /// Content type.
    pub content_type: &'static str,
    /// Contents.
    pub body: &'static str,
}

impl Asset {
    fn new(stem: &str, extension: &str, content_type: &'static str, body: &'static str) -> Self {
        let digest = Sha256::digest(body.as_bytes());
        let hash: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        Self {
            name: format!("{stem}.{hash}.{extension}"),
            content_type,
            body,
        }
    }

    /// The URL path of the asset.
    pub fn path(&self) -> String {
        format!("/static/{}", self.name)
    }
}

/// The stylesheet (one small hand-written, mobile-first file).
pub static STYLESHEET: LazyLock<Asset> = LazyLock::new(|| {
    Asset::new(
        "app",
        "css",
        "text/css; charset=utf-8",
        include_str!("static/app.css"),
    )
});

/// The script (as-you-type suggestions and filter auto-submit; every page works without it).
pub static SCRIPT: LazyLock<Asset> = LazyLock::new(|| {
    Asset::new(
        "app",
        "js",
        "text/javascript; charset=utf-8",
        include_str!("static/app.js"),
    )
});

// dash: the dashboards' script (live statistics over EventSource, image upload).
/// The seller and admin dashboards' script (loaded by those pages only).
pub static DASH_SCRIPT: LazyLock<Asset> = LazyLock::new(|| {
    Asset::new(
        "dash",
        "js",
        "text/javascript; charset=utf-8",
        include_str!("static/dash.js"),
    )
});

// kids:
/// The PWA script: service worker registration, install prompt, push opt-in, passkey
/// sign-in and the offline wishlist queue (every page works without it).
pub static PWA_SCRIPT: LazyLock<Asset> = LazyLock::new(|| {
    Asset::new(
        "pwa",
        "js",
        "text/javascript; charset=utf-8",
        include_str!("static/pwa.js"),
    )
});

/// `GET /static/{file}`: a hashed asset, cacheable forever.
pub async fn static_file(Path(file): Path<String>) -> Response {
    let asset = [&*STYLESHEET, &*SCRIPT, &*DASH_SCRIPT, &*PWA_SCRIPT]
        .into_iter()
        .find(|asset| asset.name == file);
    match asset {
        Some(asset) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(asset.content_type),
                ),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=31536000, immutable"),
                ),
            ],
            asset.body,
        )
            .into_response(),
        None => (
            StatusCode::NOT_FOUND,
            [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
            "no such asset",
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_the_content_hash() {
        assert!(STYLESHEET.name.starts_with("app.") && STYLESHEET.name.ends_with(".css"));
        assert_eq!(STYLESHEET.name.len(), "app..css".len() + 16);
        assert_ne!(STYLESHEET.name, SCRIPT.name);
        assert!(SCRIPT.path().starts_with("/static/app."));
    }
}
