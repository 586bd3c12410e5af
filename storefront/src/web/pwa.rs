//! The installable, offline-capable web app: `GET /manifest.webmanifest` (name, colours, the
//! 192 and 512 px icons), `GET /sw.js` (the service worker, from the root scope so it controls
//! every page), `GET /offline` (the page the worker answers with when a page was never
//! cached) and the icons under content-hashed names (`/icons/icon-192.<hash>.png`).
//!
//! The worker's script is `static/sw.js` behind a generated first line that names this
//! release's hashed assets (so it precaches exactly those) and a version (a hash of the
//! assets and the script: a new release installs a new worker, which drops the old caches).
//! The icons are PNGs rendered from `static/icons/icon.svg` by `static/icons/render.py`.
//! The page side (registration, install prompt, push opt-in, passkey sign-in, the offline
//! wishlist queue) is `static/pwa.js`.

use super::assets::{Asset, PWA_SCRIPT, SCRIPT, STYLESHEET};
use super::i18n::T;
use super::session::Web;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::html;
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

/// A binary asset under a content-hashed name.
#[derive(Debug)]
pub struct Icon {
    /// Hashed file name.
    pub name: String,
    /// Side in pixels.
    pub size: u32,
    /// PNG bytes.
    pub body: &'static [u8],
}

impl Icon {
    fn new(size: u32, body: &'static [u8]) -> Self {
        let digest = Sha256::digest(body);
        let hash: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        Self {
            name: format!("icon-{size}.{hash}.png"),
            size,
            body,
        }
    }

    /// The URL path of the icon.
    pub fn path(&self) -> String {
        format!("/icons/{}", self.name)
    }
}

/// The 192 px icon.
pub static ICON_192: LazyLock<Icon> =
    LazyLock::new(|| Icon::new(192, include_bytes!("static/icons/icon-192.png")));
/// The 512 px icon.
pub static ICON_512: LazyLock<Icon> =
    LazyLock::new(|| Icon::new(512, include_bytes!("static/icons/icon-512.png")));

/// The page the worker shows for a page it never cached.
pub const OFFLINE_PATH: &str = "/offline";

/// The service worker's source (without the generated first line).
const WORKER_SOURCE: &str = include_str!("static/sw.js");

/// The worker as served: the generated configuration line, then the script.
pub static WORKER: LazyLock<String> = LazyLock::new(|| {
    let assets: [&Asset; 3] = [&*STYLESHEET, &*SCRIPT, &*PWA_SCRIPT];
    let mut precache: Vec<String> = assets.iter().map(|asset| asset.path()).collect();
    precache.push(ICON_192.path());
    precache.push(ICON_512.path());
    precache.push("/manifest.webmanifest".to_owned());
    let mut hasher = Sha256::new();
    for asset in assets {
        hasher.update(asset.name.as_bytes());
    }
    hasher.update(ICON_192.name.as_bytes());
    hasher.update(ICON_512.name.as_bytes());
    hasher.update(WORKER_SOURCE.as_bytes());
    let version: String = hasher.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let config = serde_json::json!({
        "version": version,
        "offline": OFFLINE_PATH,
        "precache": precache,
    });
    format!("self.BOLAJON = {config};\n{WORKER_SOURCE}")
});

/// `GET /sw.js`: revalidated on every update check (`no-cache`), so a release reaches
/// browsers at once.
pub async fn service_worker() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        WORKER.as_str(),
    )
        .into_response()
}

/// `GET /manifest.webmanifest`.
pub async fn manifest(web: Web) -> Response {
    let body = serde_json::json!({
        "name": format!("bolajon — {}", web.t(T::SiteTagline)),
        "short_name": "bolajon",
        "description": web.t(T::SiteTagline),
        "lang": web.lang.html_lang(),
        "start_url": "/?source=pwa",
        "scope": "/",
        "display": "standalone",
        "background_color": "#f7f7f2",
        "theme_color": "#1f6f43",
        "icons": [
            { "src": ICON_192.path(), "sizes": "192x192", "type": "image/png", "purpose": "any maskable" },
            { "src": ICON_512.path(), "sizes": "512x512", "type": "image/png", "purpose": "any maskable" },
        ],
    });
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/manifest+json"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        body.to_string(),
    )
        .into_response()
}

/// `GET /icons/{file}`: a hashed icon, cacheable forever.
pub async fn icon(Path(file): Path<String>) -> Response {
    match [&*ICON_192, &*ICON_512]
        .into_iter()
        .find(|icon| icon.name == file)
    {
        Some(icon) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("image/png")),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=31536000, immutable"),
                ),
            ],
            icon.body,
        )
            .into_response(),
        None => (
            StatusCode::NOT_FOUND,
            [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
            "no such icon",
        )
            .into_response(),
    }
}

/// `GET /offline`: what the worker shows for a page it has not kept.
pub async fn offline_page(web: Web) -> Response {
    let body = html! {
        section.offline aria-labelledby="offline-heading" {
            p.kids-picture aria-hidden="true" { "📶" }
            h1 #offline-heading { (web.t(T::OfflineTitle)) }
            p { (web.t(T::OfflineText)) }
            p { a.button href="/recently-viewed" { (web.t(T::RecentlyViewed)) } }
        }
    };
    web.page(StatusCode::OK, web.t(T::OfflineTitle), body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worker_names_this_release_s_assets() {
        assert!(WORKER.starts_with("self.BOLAJON = {"));
        assert!(WORKER.contains(&STYLESHEET.path()));
        assert!(WORKER.contains(&PWA_SCRIPT.path()));
        assert!(WORKER.contains(&ICON_512.path()));
        assert!(ICON_192.body.starts_with(b"\x89PNG"));
        assert_eq!(ICON_512.size, 512);
    }
}
