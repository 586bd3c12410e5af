//! The shopper's web UI (issue 9): security headers, ETags and hashed assets, the language
//! switcher, CSRF on every form post, the guest cart → sign-up → checkout → card payment flow
//! through HTML forms, and the admins' CMS banners (audited API, escaped on the home page).
//! The browser tests (Chromium + axe-core) are in [`e2e`].

mod e2e;
// dash:
mod dash_e2e;
mod dash_http;
// kids:
mod kids_e2e;
mod kids_pages;

use crate::auth::{AuthApp, auth_app, call, user_with_role};
use crate::backend_tests;
use crate::checkout::{exec, scalar, seed_shop};
use crate::support::TestDb;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::json;
use std::collections::BTreeMap;
use storefront::AppState;
use storefront::auth::Role;
use tower::ServiceExt;

/// A browser stand-in: a cookie jar over the router.
pub struct Browser {
    state: AppState,
    cookies: BTreeMap<String, String>,
}

/// A page response.
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub html: String,
}

impl Page {
    /// The CSRF field of the page's forms.
    pub fn csrf(&self) -> String {
        let marker = "name=\"_csrf\" value=\"";
        let start = self.html.find(marker).expect("the page has a form") + marker.len();
        let end = self.html[start..].find('"').unwrap();
        self.html[start..start + end].to_owned()
    }

    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
    }
}

fn form_body(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(key, value)| {
            format!(
                "{key}={}",
                percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

impl Browser {
    pub fn new(state: &AppState) -> Self {
        Self {
            state: state.clone(),
            cookies: BTreeMap::new(),
        }
    }

    async fn send(&mut self, request: axum::http::request::Builder, body: Body) -> Page {
        let cookie = self
            .cookies
            .iter()
            .map(|(key, value)| format!("{key}={value}"))
            .collect::<Vec<_>>()
            .join("; ");
        let request = if cookie.is_empty() {
            request
        } else {
            request.header(header::COOKIE, cookie)
        };
        let response = storefront::router(self.state.clone())
            .oneshot(request.body(body).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        for value in headers.get_all(header::SET_COOKIE) {
            let pair = value.to_str().unwrap().split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() || value == "\"\"" {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Page {
            status,
            headers,
            html: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&mut self, uri: &str) -> Page {
        self.send(Request::get(uri), Body::empty()).await
    }

    pub async fn get_with(&mut self, uri: &str, name: &str, value: &str) -> Page {
        self.send(Request::get(uri).header(name, value), Body::empty())
            .await
    }

    pub async fn post(&mut self, uri: &str, fields: &[(&str, &str)]) -> Page {
        self.send(
            Request::post(uri).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded"),
            Body::from(form_body(fields)),
        )
        .await
    }

    /// Posts a form of the page at `from` with its CSRF token.
    pub async fn submit(&mut self, from: &str, action: &str, fields: &[(&str, &str)]) -> Page {
        let page = self.get(from).await;
        let csrf = page.csrf();
        let mut all = vec![("_csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post(action, &all).await
    }
}

const PAGE_HEADERS: [&str; 4] = [
    "content-security-policy",
    "referrer-policy",
    "x-content-type-options",
    "x-frame-options",
];

#[track_caller]
fn assert_secure_headers(page: &Page, what: &str) {
    for name in PAGE_HEADERS {
        assert!(!page.header(name).is_empty(), "{what}: no {name}");
    }
    let csp = page.header("content-security-policy");
    assert!(csp.contains("script-src 'self'"), "{what}: {csp}");
    assert!(!csp.contains("unsafe-inline"), "{what}: {csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    assert!(!page.html.contains("<script>"), "{what}: an inline script");
    assert!(!page.html.contains("<style"), "{what}: an inline style");
}

async fn web_app(test: TestDb) -> AuthApp {
    let mut app = auth_app(test).await;
    app.state
        .set_payments(storefront::payments::Payments::new(crate::payme::settings()))
        .unwrap();
    seed_shop(&app.test.db).await;
    storefront::indexing::catch_up(&app.state.0, true)
        .await
        .unwrap();
    app.state.0.reload_catalog().await.unwrap();
    app
}

backend_tests!(
    every_page_type_carries_the_security_headers_and_an_etag,
    |test: TestDb| async move {
        let app = web_app(test).await;
        exec(
            &app.test.db,
            "INSERT INTO featured_products (product_id, source, seller_id, created_at) \
             VALUES (1, 'admin', 1, '2026-01-01T00:00:00Z')",
        )
        .await;
        let mut browser = Browser::new(&app.state);
        let home = browser.get("/").await;
        assert!(
            home.html.contains("href=\"/products/1\""),
            "featured on the home page"
        );
        assert!(
            !browser
                .get("/?age_months=12")
                .await
                .html
                .contains("href=\"/products/1\""),
            "featured only inside its age range"
        );
        for uri in [
            "/",
            "/search?q=robot&age_months=60",
            "/products/1",
            "/products/999",
            "/cart",
            "/signin",
        ] {
            let page = browser.get(uri).await;
            assert!(
                page.status == StatusCode::OK || page.status == StatusCode::NOT_FOUND,
                "{uri}: {}",
                page.status
            );
            assert_secure_headers(&page, uri);
            assert_eq!(
                page.header("strict-transport-security"),
                "",
                "no TLS: no HSTS"
            );
            assert!(page.header("content-type").starts_with("text/html"));
        }
        // Pages needing an account send a guest to sign in.
        for uri in ["/orders", "/checkout", "/orders/1/pay"] {
            let page = browser.get(uri).await;
            assert_eq!(page.status, StatusCode::SEE_OTHER, "{uri}");
            assert!(page.location().starts_with("/signin?next="), "{uri}");
            assert_secure_headers(&page, uri);
        }
        // ETag: the same page again is 304 with If-None-Match.
        let first = browser.get("/products/1").await;
        let etag = first.header("etag").to_owned();
        assert!(etag.starts_with('"') && etag.len() > 10, "{etag}");
        let again = browser
            .get_with("/products/1", "if-none-match", &etag)
            .await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED);
        assert!(again.html.is_empty());
        let stale = browser
            .get_with("/products/1", "if-none-match", "\"other\"")
            .await;
        assert_eq!(stale.status, StatusCode::OK);
        // Hashed static assets, immutable; another name is 404.
        let home = browser.get("/").await;
        for (kind, content_type) in [(".css", "text/css"), (".js", "text/javascript")] {
            let start = home.html.find("/static/app.").unwrap();
            let rest = &home.html[start..];
            let path = rest
                .split('"')
                .find(|piece| piece.ends_with(kind))
                .map(str::to_owned)
                .or_else(|| {
                    home.html
                        .split('"')
                        .find(|piece| piece.starts_with("/static/app.") && piece.ends_with(kind))
                        .map(str::to_owned)
                })
                .unwrap();
            let asset = browser.get(&path).await;
            assert_eq!(asset.status, StatusCode::OK, "{path}");
            assert!(asset.header("content-type").starts_with(content_type));
            assert_eq!(
                asset.header("cache-control"),
                "public, max-age=31536000, immutable"
            );
        }
        assert_eq!(
            browser.get("/static/app.css").await.status,
            StatusCode::NOT_FOUND
        );
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hsts_is_sent_when_configured_for_tls() {
    let test = crate::support::test_db(crate::support::Backend::Sqlite).await;
    let engine = engine::Engine::open_or_create(&test.dir.path().join("index")).unwrap();
    let mut state = AppState::new(test.db.clone(), std::sync::Arc::new(engine))
        .await
        .unwrap();
    state
        .set_web(storefront::web::WebSettings { hsts: true })
        .unwrap();
    let mut browser = Browser::new(&state);
    let page = browser.get("/signin").await;
    assert_eq!(
        page.header("strict-transport-security"),
        "max-age=31536000; includeSubDomains"
    );
}

backend_tests!(
    the_language_switcher_keeps_the_choice_in_a_cookie,
    |test: TestDb| async move {
        let app = web_app(test).await;
        let mut browser = Browser::new(&app.state);
        let page = browser.get("/cart").await;
        assert!(page.html.contains("<html lang=\"uz-Latn\""));
        assert!(page.html.contains("Savat bo‘sh"));
        let page = browser.get("/cart?lang=uz-Cyrl").await;
        assert!(page.html.contains("<html lang=\"uz-Cyrl\""));
        assert!(page.html.contains("Сават бўш"));
        assert!(
            page.html.contains("href=\"/cart?lang=ru\""),
            "switcher links"
        );
        // The cookie keeps the choice.
        let page = browser.get("/cart").await;
        assert!(page.html.contains("Сават бўш"));
        let page = browser.get("/?lang=en").await;
        assert!(page.html.contains("<html lang=\"en\""));
        assert!(page.html.contains("A safe shop for children"));
        // Accept-Language for a first visit; an unknown ?lang= is ignored.
        let mut fresh = Browser::new(&app.state);
        let page = fresh
            .get_with("/cart", "accept-language", "ru-RU,ru;q=0.9")
            .await;
        assert!(page.html.contains("Корзина пуста"));
        let page = fresh.get("/cart?lang=de").await;
        assert_eq!(page.status, StatusCode::OK);
    }
);

backend_tests!(
    every_form_post_needs_its_csrf_field,
    |test: TestDb| async move {
        let app = web_app(test).await;
        let mut browser = Browser::new(&app.state);
        browser.get("/products/1").await;
        for action in [
            "/cart/add",
            "/cart/update",
            "/cart/remove",
            "/signin",
            "/register",
            "/signout",
            "/checkout",
            "/orders/1/pay",
            "/orders/1/pay/code",
        ] {
            let page = browser
                .post(action, &[("sku", "ROBOT-1"), ("quantity", "1")])
                .await;
            assert_eq!(
                page.status,
                StatusCode::FORBIDDEN,
                "{action} without a token"
            );
            let page = browser
                .post(action, &[("_csrf", "forged"), ("sku", "ROBOT-1")])
                .await;
            assert_eq!(
                page.status,
                StatusCode::FORBIDDEN,
                "{action} with a forged token"
            );
            assert_secure_headers(&page, action);
        }
        // Another visitor's token does not work either.
        let mut other = Browser::new(&app.state);
        let theirs = other.get("/products/1").await.csrf();
        let page = browser
            .post("/cart/add", &[("_csrf", &theirs), ("sku", "ROBOT-1")])
            .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
        assert_eq!(
            scalar(&app.test.db, "SELECT COUNT(*) FROM cart_lines").await,
            0
        );
        // A JSON body is not a form.
        let page = browser.get("/products/1").await;
        let csrf = page.csrf();
        let reply = browser
            .send(
                Request::post("/cart/add").header(header::CONTENT_TYPE, "application/json"),
                Body::from(json!({ "_csrf": csrf, "sku": "ROBOT-1" }).to_string()),
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    }
);

backend_tests!(
    a_guest_fills_the_cart_signs_up_and_pays_by_card_through_forms,
    |test: TestDb| async move {
        let app = web_app(test).await;
        let mut browser = Browser::new(&app.state);
        let added = browser
            .submit(
                "/products/1",
                "/cart/add",
                &[("sku", "ROBOT-1"), ("quantity", "2")],
            )
            .await;
        assert_eq!(added.status, StatusCode::SEE_OTHER);
        assert_eq!(added.location(), "/cart");
        let cart = browser.get("/cart").await;
        assert!(cart.html.contains("Robot") && cart.html.contains("value=\"2\""));
        let bad = browser
            .submit(
                "/cart",
                "/cart/update",
                &[("sku", "ROBOT-1"), ("quantity", "500")],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.html);
        assert!(bad.html.contains("role=\"alert\""));
        let updated = browser
            .submit(
                "/cart",
                "/cart/update",
                &[("sku", "ROBOT-1"), ("quantity", "1")],
            )
            .await;
        assert_eq!(updated.status, StatusCode::SEE_OTHER);
        // Checkout needs an account; the cart survives signing up.
        let checkout = browser.get("/checkout").await;
        assert_eq!(checkout.location(), "/signin?next=/checkout");
        let email = crate::auth::email();
        let weak = browser
            .submit(
                "/signin?next=/checkout",
                "/register",
                &[
                    ("email", &email),
                    ("password", "short"),
                    ("next", "/checkout"),
                ],
            )
            .await;
        assert_eq!(weak.status, StatusCode::BAD_REQUEST);
        let registered = browser
            .submit(
                "/signin?next=/checkout",
                "/register",
                &[
                    ("email", &email),
                    ("password", crate::auth::PASSWORD),
                    ("next", "/checkout"),
                ],
            )
            .await;
        assert_eq!(
            registered.status,
            StatusCode::SEE_OTHER,
            "{}",
            registered.html
        );
        assert_eq!(registered.location(), "/checkout");
        let checkout = browser.get("/checkout").await;
        assert_eq!(checkout.status, StatusCode::OK);
        assert!(
            checkout.html.contains("Robot"),
            "the guest cart joined the account"
        );
        let placed = browser
            .submit(
                "/checkout",
                "/checkout",
                &[
                    ("region", "samarkand"),
                    ("address", "Registon ko'chasi 7, 12-xonadon"),
                    ("recipient_name", "Dilnoza <b>"),
                    ("recipient_phone", "+998901234567"),
                ],
            )
            .await;
        assert_eq!(placed.status, StatusCode::SEE_OTHER, "{}", placed.html);
        let pay_path = placed.location().to_owned();
        let order: i64 = pay_path
            .trim_start_matches("/orders/")
            .trim_end_matches("/pay")
            .parse()
            .unwrap();
        let pay = browser.get(&pay_path).await;
        assert!(pay.html.contains("card_number"));
        assert!(
            pay.html.contains("href=\"https://checkout.paycom.uz/")
                && pay.html.contains("href=\"https://my.click.uz/"),
            "Payme and Click links: {}",
            pay.html
        );
        // A declined card shows the error and keeps the order payable.
        let declined = browser
            .submit(
                &pay_path,
                &pay_path,
                &[
                    ("card_number", "4000 0000 0000 0002"),
                    ("exp_month", "12"),
                    ("exp_year", "2031"),
                    ("cvc", "123"),
                    ("idempotency_key", "web-test-declined"),
                ],
            )
            .await;
        assert_eq!(
            declined.status,
            StatusCode::PAYMENT_REQUIRED,
            "{}",
            declined.html
        );
        assert!(declined.html.contains("role=\"alert\""));
        // Another account cannot see or pay this order.
        let mut stranger = Browser::new(&app.state);
        let stranger_email = crate::auth::email();
        stranger
            .submit(
                "/signin",
                "/register",
                &[
                    ("email", &stranger_email),
                    ("password", crate::auth::PASSWORD),
                ],
            )
            .await;
        assert_eq!(stranger.get(&pay_path).await.status, StatusCode::NOT_FOUND);
        // The 3-D Secure card, then the code.
        let challenged = browser
            .submit(
                &pay_path,
                &pay_path,
                &[
                    ("card_number", "4000 0025 0000 3155"),
                    ("exp_month", "12"),
                    ("exp_year", "2031"),
                    ("cvc", "123"),
                    ("idempotency_key", "web-test-3ds"),
                ],
            )
            .await;
        assert_eq!(challenged.status, StatusCode::OK, "{}", challenged.html);
        let payment_marker = "name=\"payment_id\" value=\"";
        let start = challenged.html.find(payment_marker).unwrap() + payment_marker.len();
        let payment_id = challenged.html[start..]
            .split('"')
            .next()
            .unwrap()
            .to_owned();
        let csrf = challenged.csrf();
        let paid = browser
            .post(
                &format!("/orders/{order}/pay/code"),
                &[
                    ("_csrf", &csrf),
                    ("payment_id", &payment_id),
                    ("code", "666666"),
                ],
            )
            .await;
        assert_eq!(paid.status, StatusCode::SEE_OTHER, "{}", paid.html);
        assert_eq!(paid.location(), format!("/orders?paid={order}"));
        let orders = browser.get(&format!("/orders?paid={order}")).await;
        assert!(orders.html.contains("To‘lov qabul qilindi"));
        assert!(orders.html.contains("To‘langan"));
        assert_eq!(
            scalar(
                &app.test.db,
                &format!("SELECT COUNT(*) FROM orders WHERE id = {order} AND status = 'paid'")
            )
            .await,
            1
        );
        // Signing out ends the session: the orders page asks to sign in again.
        let out = browser.submit("/orders", "/signout", &[]).await;
        assert_eq!(out.status, StatusCode::SEE_OTHER);
        assert_eq!(
            browser.get("/orders").await.location(),
            "/signin?next=/orders"
        );
        let wrong = browser
            .submit(
                "/signin",
                "/signin",
                &[("login", &email), ("password", "not the password")],
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        assert!(wrong.html.contains("role=\"alert\""));
        // Sign-in redirects only to local paths.
        let signed_in = browser
            .submit(
                "/signin",
                "/signin",
                &[
                    ("login", &email),
                    ("password", crate::auth::PASSWORD),
                    ("next", "//evil.example/"),
                ],
            )
            .await;
        assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
        assert_eq!(signed_in.location(), "/orders");
    }
);

backend_tests!(
    admins_manage_banners_audited_and_the_home_page_escapes_them,
    |test: TestDb| async move {
        let app = web_app(test).await;
        let (_, admin) = user_with_role(&app, Role::Admin).await;
        let (_, parent) = user_with_role(&app, Role::Parent).await;
        call(Method::GET, "/api/v1/admin/banners")
            .bearer(&parent)
            .send(&app)
            .await
            .expect_error(403, "forbidden");
        call(Method::POST, "/api/v1/admin/banners")
            .json(json!({ "title": "x" }))
            .send(&app)
            .await
            .expect_error(401, "unauthenticated");
        call(Method::POST, "/api/v1/admin/banners")
            .bearer(&admin)
            .json(json!({ "title": "Sale", "link_path": "https://evil.example" }))
            .send(&app)
            .await
            .expect_error(400, "invalid_banner_link");
        call(Method::POST, "/api/v1/admin/banners")
            .bearer(&admin)
            .json(json!({ "title": "" }))
            .send(&app)
            .await
            .expect_error(400, "invalid_banner_title");
        let created = call(Method::POST, "/api/v1/admin/banners")
            .bearer(&admin)
            .json(json!({
                "title": "<script>xss()</script> Yangi yil",
                "body": "<img src=x onerror=xss()>",
                "link_path": "/search?category=toys",
                "lang": "uz",
                "position": 2
            }))
            .send(&app)
            .await;
        let banner = created.expect(201).clone();
        let id = banner["id"].as_i64().unwrap();
        call(Method::POST, "/api/v1/admin/banners")
            .bearer(&admin)
            .json(json!({ "title": "Ruscha", "lang": "ru" }))
            .send(&app)
            .await
            .expect(201);
        let mut browser = Browser::new(&app.state);
        let home = browser.get("/").await;
        assert!(
            home.html
                .contains("&lt;script&gt;xss()&lt;/script&gt; Yangi yil")
        );
        assert!(home.html.contains("&lt;img src=x onerror=xss()&gt;"));
        assert!(!home.html.contains("<img src=x"));
        assert!(home.html.contains("href=\"/search?category=toys\""));
        assert!(!home.html.contains("Ruscha"), "another language's banner");
        assert!(browser.get("/?lang=ru").await.html.contains("Ruscha"));
        let replaced = call(Method::PUT, &format!("/api/v1/admin/banners/{id}"))
            .bearer(&admin)
            .json(json!({ "title": "Bahor", "lang": "uz", "active": false }))
            .send(&app)
            .await;
        assert_eq!(replaced.expect(200)["active"], false);
        assert!(!browser.get("/?lang=uz").await.html.contains("Bahor"));
        let listed = call(Method::GET, "/api/v1/admin/banners")
            .bearer(&admin)
            .send(&app)
            .await;
        assert_eq!(listed.expect(200)["banners"].as_array().unwrap().len(), 2);
        call(Method::DELETE, &format!("/api/v1/admin/banners/{id}"))
            .bearer(&admin)
            .send(&app)
            .await
            .expect(204);
        call(Method::DELETE, &format!("/api/v1/admin/banners/{id}"))
            .bearer(&admin)
            .send(&app)
            .await
            .expect_error(404, "banner_not_found");
        call(Method::PUT, "/api/v1/admin/banners/abc")
            .bearer(&admin)
            .json(json!({ "title": "x" }))
            .send(&app)
            .await
            .expect_error(404, "banner_not_found");
        let actions = crate::auth::audit_actions(&app).await;
        let banner_actions: Vec<&str> = actions
            .iter()
            .map(String::as_str)
            .filter(|action| action.starts_with("banner_"))
            .collect();
        assert_eq!(
            banner_actions,
            [
                "banner_created",
                "banner_created",
                "banner_updated",
                "banner_deleted"
            ]
        );
        exec(&app.test.db, "DELETE FROM cms_banners").await;
    }
);
