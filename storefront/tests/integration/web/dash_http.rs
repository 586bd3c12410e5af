//! The seller and admin dashboards over HTTP (issue 9), on SQLite and PostgreSQL: who may see
//! which page and the live-statistics stream, a seller's products are their own (another
//! seller's answers 404), CSRF on every dashboard form, decisions and role changes through the
//! dashboards (audited), the web's two-step sign-in and TOTP enrolment, and the CSP report
//! endpoint's rate limit.

use super::{Page, form_body};
use crate::auth::{AuthApp, PASSWORD, auth_app, user_with_role};
use crate::backend_tests;
use crate::checkout::scalar;
use crate::listings::{clean_listing, market};
use crate::support::TestDb;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use std::collections::BTreeMap;
use storefront::AppState;
use storefront::auth::{Clock, Role};
use storefront::db::accounts::{NewUser, UserInsert};
use tower::ServiceExt;

/// One request to the router, as a bearer-token client or with a cookie jar.
async fn send(
    state: &AppState,
    method: Method,
    uri: &str,
    bearer: Option<&str>,
    form: Option<&[(&str, &str)]>,
) -> Page {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(token) = bearer {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let body = match form {
        Some(fields) => {
            request = request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            Body::from(form_body(fields))
        }
        None => Body::empty(),
    };
    let response = storefront::router(state.clone())
        .oneshot(request.body(body).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Page {
        status,
        headers,
        html: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

async fn get(state: &AppState, uri: &str, bearer: Option<&str>) -> Page {
    send(state, Method::GET, uri, bearer, None).await
}

/// Posts a form of the page at `from` with its CSRF token, as `bearer`.
async fn submit(
    state: &AppState,
    bearer: &str,
    from: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> Page {
    let page = get(state, from, Some(bearer)).await;
    assert_eq!(page.status, StatusCode::OK, "{from}: {}", page.html);
    let csrf = page.csrf();
    let mut all = vec![("_csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    send(
        state,
        Method::POST,
        action,
        Some(bearer),
        Some(all.as_slice()),
    )
    .await
}

#[track_caller]
fn assert_refused(page: &Page, status: u16, code: &str, what: &str) {
    assert_eq!(
        (page.status.as_u16(), page.header("x-error-code")),
        (status, code),
        "{what}: {}",
        page.html.chars().take(400).collect::<String>()
    );
}

/// The first bytes of the live-statistics stream (it never ends by itself).
async fn first_event(state: &AppState, bearer: &str) -> (StatusCode, String, String) {
    let request = Request::get("/admin/live")
        .header(header::AUTHORIZATION, format!("Bearer {bearer}"))
        .body(Body::empty())
        .unwrap();
    let response = storefront::router(state.clone())
        .oneshot(request)
        .await
        .unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let mut body = response.into_body();
    let frame = tokio::time::timeout(std::time::Duration::from_secs(10), body.frame())
        .await
        .expect("the first event within 10 s")
        .expect("a frame")
        .unwrap();
    let text = String::from_utf8_lossy(frame.data_ref().unwrap()).into_owned();
    (status, content_type, text)
}

backend_tests!(
    dashboards_admit_only_their_roles_and_the_live_stream_only_admins,
    |test: TestDb| async move {
        let market = market(test).await;
        let state = &market.app.state;
        let admin_pages = [
            "/admin",
            "/admin/reviews",
            "/admin/notifications",
            "/admin/users",
        ];
        // Guests are sent to sign in, with the page to come back to.
        for uri in admin_pages
            .iter()
            .chain(["/admin/moderation", "/seller", "/seller/products/new"].iter())
        {
            let page = get(state, uri, None).await;
            assert_eq!(page.status, StatusCode::SEE_OTHER, "{uri}");
            assert!(
                page.location().starts_with("/signin?next=%2F"),
                "{uri}: {}",
                page.location()
            );
        }
        // Parents and sellers: 403 on the admin pages; moderators only reach the queue.
        for uri in admin_pages {
            for (who, token) in [
                ("parent", &market.parent),
                ("seller", &market.seller_a),
                ("moderator", &market.moderator),
            ] {
                assert_refused(
                    &get(state, uri, Some(token.as_str())).await,
                    403,
                    "forbidden",
                    &format!("{who} {uri}"),
                );
            }
            let page = get(state, uri, Some(market.admin.as_str())).await;
            assert_eq!(page.status, StatusCode::OK, "admin {uri}: {}", page.html);
        }
        for (who, token) in [("parent", &market.parent), ("seller", &market.seller_a)] {
            assert_refused(
                &get(state, "/admin/moderation", Some(token.as_str())).await,
                403,
                "forbidden",
                who,
            );
        }
        for token in [&market.moderator, &market.admin] {
            assert_eq!(
                get(state, "/admin/moderation", Some(token.as_str()))
                    .await
                    .status,
                StatusCode::OK
            );
        }
        // Only sellers reach the seller dashboard.
        for (who, token) in [
            ("parent", &market.parent),
            ("moderator", &market.moderator),
            ("admin", &market.admin),
        ] {
            assert_refused(
                &get(state, "/seller", Some(token.as_str())).await,
                403,
                "forbidden",
                who,
            );
        }
        let page = get(state, "/seller", Some(market.seller_a.as_str())).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.html.contains("<svg"), "the sales chart is inline SVG");
        assert!(!page.html.contains("<script>"), "no inline script");
        // The event stream: 401 for guests, 403 for everyone but admins.
        assert_refused(
            &get(state, "/admin/live", None).await,
            401,
            "unauthenticated",
            "guest live",
        );
        for (who, token) in [
            ("parent", &market.parent),
            ("seller", &market.seller_a),
            ("moderator", &market.moderator),
        ] {
            assert_refused(
                &get(state, "/admin/live", Some(token.as_str())).await,
                403,
                "forbidden",
                who,
            );
        }
        let (status, content_type, event) = first_event(state, &market.admin).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            content_type.starts_with("text/event-stream"),
            "{content_type}"
        );
        assert!(event.starts_with("event: stats\n"), "{event}");
        assert!(event.contains("\"orders_today\":"), "{event}");
        assert!(event.contains("\"top_sellers\":"), "{event}");
    }
);

backend_tests!(
    a_seller_sees_and_edits_only_their_own_products,
    |test: TestDb| async move {
        let market = market(test).await;
        let state = &market.app.state;
        let books = market.category("books-3-6");
        let id = market
            .create_a(&clean_listing(books, "Dashkitob", "DASHKITOB-1"))
            .await;
        let own = format!("/seller/products/{id}");
        // The owner sees it, flagged with the screening's reason.
        let page = get(state, &own, Some(market.seller_a.as_str())).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.html);
        assert!(page.html.contains("Dashkitob rangli rasmli kitob"));
        assert!(
            page.html.contains("model_unavailable"),
            "the reason is shown"
        );
        let dashboard = get(state, "/seller", Some(market.seller_a.as_str())).await;
        assert!(
            dashboard
                .html
                .contains(&format!("href=\"/seller/products/{id}\""))
        );
        // Another seller: 404, as for a product that does not exist, and no edit.
        assert_refused(
            &get(state, &own, Some(market.seller_b.as_str())).await,
            404,
            "product_not_found",
            "seller b views",
        );
        assert!(
            !get(state, "/seller", Some(market.seller_b.as_str()))
                .await
                .html
                .contains("Dashkitob"),
            "not on seller b's dashboard"
        );
        let books_id = books.to_string();
        let edit = [
            ("title_uz", "Boshqa nom kitob"),
            ("category_id", books_id.as_str()),
            ("age_min", "36"),
            ("age_max", "72"),
            ("sku_0", "DASHKITOB-1"),
            ("price_0", "45000"),
            ("stock_0", "3"),
        ];
        let refused = submit(state, &market.seller_b, "/seller", &own, &edit).await;
        assert_refused(&refused, 404, "product_not_found", "seller b edits");
        assert_refused(
            &get(
                state,
                "/seller/products/999999",
                Some(market.seller_a.as_str()),
            )
            .await,
            404,
            "product_not_found",
            "missing",
        );
        assert_refused(
            &get(
                state,
                "/seller/products/abc",
                Some(market.seller_a.as_str()),
            )
            .await,
            404,
            "product_not_found",
            "not an id",
        );
        // The owner edits: saved, screened again, stock and price as typed (so'm → tiyin).
        let saved = submit(state, &market.seller_a, &own, &own, &edit).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html);
        assert_eq!(saved.location(), format!("{own}?saved=1"));
        let db = &market.app.test.db;
        assert_eq!(
            scalar(
                db,
                &format!("SELECT stock FROM product_variants WHERE product_id = {id}")
            )
            .await,
            3
        );
        assert_eq!(
            scalar(
                db,
                &format!("SELECT price_tiyin FROM product_variants WHERE product_id = {id}")
            )
            .await,
            4_500_000
        );
        assert_eq!(
            scalar(
                db,
                &format!("SELECT revision FROM moderation_items WHERE product_id = {id}")
            )
            .await,
            2
        );
        // A bad price is a 400 with the form again, nothing saved.
        let mut bad = edit.to_vec();
        bad[5] = ("price_0", "12.345");
        let page = submit(state, &market.seller_a, &own, &own, &bad).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST);
        assert!(page.html.contains("invalid_price"), "{}", page.html);
        // Creating through the form: screened and queued like the API's.
        let created = submit(
            state,
            &market.seller_a,
            "/seller/products/new",
            "/seller/products/new",
            &[
                ("title_ru", "Новая книжка с картинками"),
                ("category_id", books_id.as_str()),
                ("age_min", "36"),
                ("age_max", "72"),
                ("sku_0", "DASH-NEW-1"),
                ("price_0", "30 000"),
                ("stock_0", "7"),
            ],
        )
        .await;
        assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.html);
        let new_id: i64 = created
            .location()
            .trim_start_matches("/seller/products/")
            .trim_end_matches("?saved=1")
            .parse()
            .unwrap();
        assert_eq!(
            scalar(
                db,
                &format!("SELECT seller_id FROM products WHERE id = {new_id}")
            )
            .await,
            market.shop_a
        );
        assert_eq!(
            scalar(db, &format!("SELECT COUNT(*) FROM moderation_items WHERE product_id = {new_id} AND state = 'flagged'")).await,
            1
        );
    }
);

backend_tests!(
    dashboard_forms_refuse_a_missing_or_foreign_csrf_token,
    |test: TestDb| async move {
        let market = market(test).await;
        let state = &market.app.state;
        let books = market.category("books-3-6");
        let id = market
            .create_a(&clean_listing(books, "Csrfkitob", "CSRFKITOB-1"))
            .await;
        let (parent_id, _) = user_with_role(&market.app, Role::Parent).await;
        let role_action = format!("/admin/users/{}/role", parent_id.0);
        let one = format!("approve:{id}");
        let cases = [
            (
                market.seller_a.as_str(),
                "/seller/products/new",
                vec![("title_uz", "Kitob"), ("sku_0", "X-1")],
            ),
            (
                market.admin.as_str(),
                "/admin/moderation/decide",
                vec![("one", one.as_str())],
            ),
            (
                market.moderator.as_str(),
                "/admin/moderation/decide",
                vec![("one", one.as_str())],
            ),
            (
                market.admin.as_str(),
                role_action.as_str(),
                vec![("role", "admin")],
            ),
        ];
        // Another session's token (the seller B's) is as good as none.
        let foreign = get(state, "/seller", Some(market.seller_b.as_str()))
            .await
            .csrf();
        for (token, action, fields) in &cases {
            let page = send(
                state,
                Method::POST,
                action,
                Some(*token),
                Some(fields.as_slice()),
            )
            .await;
            assert_refused(&page, 403, "csrf_failed", action);
            let mut with_foreign = vec![("_csrf", foreign.as_str())];
            with_foreign.extend_from_slice(fields);
            let page = send(
                state,
                Method::POST,
                action,
                Some(*token),
                Some(with_foreign.as_slice()),
            )
            .await;
            assert_refused(&page, 403, "csrf_failed", action);
        }
        let db = &market.app.test.db;
        assert_eq!(
            scalar(db, &format!("SELECT COUNT(*) FROM moderation_items WHERE product_id = {id} AND state = 'flagged'")).await,
            1,
            "still flagged"
        );
        assert_eq!(
            scalar(
                db,
                &format!(
                    "SELECT COUNT(*) FROM users WHERE id = {} AND role = 'parent'",
                    parent_id.0
                )
            )
            .await,
            1,
            "role unchanged"
        );
        // A JSON body is not a form: 415, never a 5xx.
        let request = Request::post("/admin/moderation/decide")
            .header(header::AUTHORIZATION, format!("Bearer {}", market.admin))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{}"))
            .unwrap();
        let response = storefront::router(state.clone())
            .oneshot(request)
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    }
);

backend_tests!(
    admins_decide_the_queue_one_or_many_and_change_roles_with_an_audit_record,
    |test: TestDb| async move {
        let market = market(test).await;
        let state = &market.app.state;
        let db = &market.app.test.db;
        let books = market.category("books-3-6");
        let first = market
            .create_a(&clean_listing(books, "Birinchikitob", "BIRINCHI-1"))
            .await;
        let second = market
            .create_a(&clean_listing(books, "Ikkinchikitob", "IKKINCHI-1"))
            .await;
        let third = market
            .create_a(&clean_listing(books, "Uchinchikitob", "UCHINCHI-1"))
            .await;
        let queue = get(state, "/admin/moderation", Some(market.admin.as_str())).await;
        for id in [first, second, third] {
            assert!(
                queue.html.contains(&format!("value=\"approve:{id}\"")),
                "{id} in the queue"
            );
        }
        assert!(queue.html.contains("model_unavailable"), "reasons shown");
        assert!(queue.html.contains("<meter"), "the score is shown");
        // One item.
        let one = format!("approve:{first}");
        let reason_field = format!("reason_{first}");
        let decided = submit(
            state,
            &market.moderator,
            "/admin/moderation",
            "/admin/moderation/decide",
            &[
                ("one", one.as_str()),
                (reason_field.as_str(), "checked the book"),
            ],
        )
        .await;
        assert_eq!(decided.status, StatusCode::SEE_OTHER, "{}", decided.html);
        assert!(
            decided.location().contains("done=1"),
            "{}",
            decided.location()
        );
        assert_eq!(
            scalar(db, &format!("SELECT COUNT(*) FROM moderation_items WHERE product_id = {first} AND state = 'approved'")).await,
            1
        );
        // Many: the ticked ones only.
        let shown = format!("{first},{second},{third}");
        let (pick_second, pick_third) = (format!("pick_{second}"), format!("pick_{third}"));
        let bulk = submit(
            state,
            &market.admin,
            "/admin/moderation",
            "/admin/moderation/decide",
            &[
                ("shown", shown.as_str()),
                (pick_second.as_str(), "1"),
                (pick_third.as_str(), "1"),
                ("bulk", "reject"),
                ("bulk_reason", "duplicate listings"),
            ],
        )
        .await;
        assert_eq!(bulk.status, StatusCode::SEE_OTHER, "{}", bulk.html);
        assert!(
            bulk.location().contains("done=2&failed=0"),
            "{}",
            bulk.location()
        );
        assert_eq!(
            scalar(db, &format!("SELECT COUNT(*) FROM moderation_items WHERE product_id IN ({second}, {third}) AND state = 'rejected' AND decision_reason = 'duplicate listings'")).await,
            2
        );
        assert_eq!(
            scalar(
                db,
                "SELECT COUNT(*) FROM audit_log WHERE action = 'moderation_decision'"
            )
            .await,
            3
        );
        // Nothing ticked: 400, a stable code.
        let empty = submit(
            state,
            &market.admin,
            "/admin/moderation",
            "/admin/moderation/decide",
            &[("shown", shown.as_str()), ("bulk", "approve")],
        )
        .await;
        assert_refused(&empty, 400, "nothing_selected", "bulk without picks");
        // Roles: the parent becomes a moderator; audited, listed.
        let (parent_id, _) = user_with_role(&market.app, Role::Parent).await;
        let action = format!("/admin/users/{}/role", parent_id.0);
        let changed = submit(
            state,
            &market.admin,
            "/admin/users",
            &action,
            &[("role", "moderator")],
        )
        .await;
        assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.html);
        assert_eq!(
            scalar(
                db,
                &format!(
                    "SELECT COUNT(*) FROM users WHERE id = {} AND role = 'moderator'",
                    parent_id.0
                )
            )
            .await,
            1
        );
        assert_eq!(
            scalar(db, &format!("SELECT COUNT(*) FROM audit_log WHERE action = 'role_changed' AND target_user_id = {}", parent_id.0)).await,
            1
        );
        let users = get(
            state,
            "/admin/users?role=moderator",
            Some(market.admin.as_str()),
        )
        .await;
        assert!(
            users
                .html
                .contains(&format!("/admin/users/{}/role", parent_id.0))
        );
        // Bad input: a stable 4xx, never a 5xx.
        let bad_role = submit(
            state,
            &market.admin,
            "/admin/users",
            &action,
            &[("role", "wizard")],
        )
        .await;
        assert_refused(&bad_role, 400, "invalid_role", "bad role");
        let missing = submit(
            state,
            &market.admin,
            "/admin/users",
            "/admin/users/99999999/role",
            &[("role", "parent")],
        )
        .await;
        assert_refused(&missing, 404, "user_not_found", "missing user");
        let bad_queue = get(
            state,
            "/admin/moderation?state=nope",
            Some(market.admin.as_str()),
        )
        .await;
        assert_refused(&bad_queue, 400, "invalid_state", "bad state");
        let bad_audit = get(
            state,
            "/admin/notifications?status=nope",
            Some(market.admin.as_str()),
        )
        .await;
        assert_refused(&bad_audit, 400, "invalid_query", "bad audit filter");
    }
);

/// A page's hidden field `name`.
fn hidden(page: &Page, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page
        .html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name}: {}", page.html))
        + marker.len();
    let end = page.html[start..].find('"').unwrap();
    page.html[start..start + end].to_owned()
}

/// A cookie-jar browser over the router (the web's own sign-in sets cookies).
struct Jar {
    state: AppState,
    cookies: BTreeMap<String, String>,
}

impl Jar {
    async fn send(&mut self, method: Method, uri: &str, form: Option<&[(&str, &str)]>) -> Page {
        let mut request = Request::builder().method(method).uri(uri);
        let cookie = self
            .cookies
            .iter()
            .map(|(key, value)| format!("{key}={value}"))
            .collect::<Vec<_>>()
            .join("; ");
        if !cookie.is_empty() {
            request = request.header(header::COOKIE, cookie);
        }
        let body = match form {
            Some(fields) => {
                request = request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                Body::from(form_body(fields))
            }
            None => Body::empty(),
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
            if value.is_empty() {
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

    async fn submit(&mut self, from: &str, action: &str, fields: &[(&str, &str)]) -> Page {
        let page = self.send(Method::GET, from, None).await;
        let csrf = page.csrf();
        let mut all = vec![("_csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.send(Method::POST, action, Some(all.as_slice())).await
    }
}

async fn email_of(app: &AuthApp, id: i64) -> String {
    let row = app
        .test
        .db
        .user_by_id(storefront::db::accounts::UserId(id))
        .await
        .unwrap()
        .unwrap();
    row.email.unwrap()
}

fn code_now(app: &AuthApp, secret: &str) -> String {
    let key = storefront::auth::totp::base32_decode(secret).unwrap();
    storefront::auth::totp::code_at(&key, app.clock.now().timestamp())
}

backend_tests!(
    staff_sign_in_on_the_web_with_the_totp_step_and_enrol_there,
    |test: TestDb| async move {
        let app = auth_app(test).await;
        // A seller with TOTP (the test secret): password, then the code step.
        let (seller, _) = user_with_role(&app, Role::Seller).await;
        let email = email_of(&app, seller.0).await;
        let mut jar = Jar {
            state: app.state.clone(),
            cookies: BTreeMap::new(),
        };
        let step = jar
            .submit(
                "/signin",
                "/signin",
                &[
                    ("login", email.as_str()),
                    ("password", PASSWORD),
                    ("next", "/orders"),
                ],
            )
            .await;
        assert_eq!(step.status, StatusCode::OK, "{}", step.html);
        assert!(
            step.html.contains("action=\"/signin/2fa\""),
            "the code step: {}",
            step.html
        );
        assert!(
            !jar.cookies.contains_key(storefront::auth::cookies::ACCESS),
            "no session yet"
        );
        let challenge = hidden(&step, "challenge");
        let csrf = step.csrf();
        // A wrong code: the step again with an error, still no session.
        let wrong = jar
            .send(
                Method::POST,
                "/signin/2fa",
                Some(
                    &[
                        ("_csrf", csrf.as_str()),
                        ("challenge", challenge.as_str()),
                        ("next", "/orders"),
                        ("code", "000000"),
                    ][..],
                ),
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "{}", wrong.html);
        assert!(wrong.html.contains("action=\"/signin/2fa\""));
        assert!(!jar.cookies.contains_key(storefront::auth::cookies::ACCESS));
        // A forged challenge goes back to the password step.
        let forged = jar
            .send(
                Method::POST,
                "/signin/2fa",
                Some(
                    &[
                        ("_csrf", csrf.as_str()),
                        ("challenge", "a.b.c"),
                        ("code", "123456"),
                    ][..],
                ),
            )
            .await;
        assert_eq!(
            (forged.status, forged.location()),
            (StatusCode::SEE_OTHER, "/signin")
        );
        let code = code_now(&app, "JBSWY3DPEHPK3PXP");
        let done = jar
            .send(
                Method::POST,
                "/signin/2fa",
                Some(
                    &[
                        ("_csrf", csrf.as_str()),
                        ("challenge", challenge.as_str()),
                        ("next", "/orders"),
                        ("code", code.as_str()),
                    ][..],
                ),
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
        assert_eq!(done.location(), "/seller", "staff land on their dashboard");
        assert!(jar.cookies.contains_key(storefront::auth::cookies::ACCESS));
        // Not linked to a shop yet: a clear 403.
        let page = jar.send(Method::GET, "/seller", None).await;
        assert_refused(&page, 403, "seller_profile_required", "shopless seller");

        // A moderator without TOTP: sent to turn it on, then the queue opens.
        let hash = app.state.0.auth.hash(PASSWORD.to_owned()).await.unwrap();
        let moderator_email = format!("dash-moderator-{}@example.uz", std::process::id());
        let UserInsert::Created(_) = app
            .test
            .db
            .insert_user(
                &NewUser {
                    email: Some(&moderator_email),
                    phone: None,
                    password_hash: &hash,
                    role: Role::Moderator,
                },
                app.clock.now(),
            )
            .await
            .unwrap()
        else {
            panic!("fresh email taken")
        };
        let mut jar = Jar {
            state: app.state.clone(),
            cookies: BTreeMap::new(),
        };
        let signed = jar
            .submit(
                "/signin",
                "/signin",
                &[
                    ("login", moderator_email.as_str()),
                    ("password", PASSWORD),
                    ("next", "/admin/moderation"),
                ],
            )
            .await;
        assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.html);
        assert_eq!(signed.location(), "/account/2fa?next=%2Fadmin%2Fmoderation");
        let queue = jar.send(Method::GET, "/admin/moderation", None).await;
        assert_eq!(queue.status, StatusCode::SEE_OTHER);
        assert!(queue.location().starts_with("/account/2fa"));
        let enrol = jar
            .send(Method::GET, "/account/2fa?next=/admin/moderation", None)
            .await;
        assert_eq!(enrol.status, StatusCode::OK, "{}", enrol.html);
        let marker = "data-secret=\"";
        let start = enrol.html.find(marker).unwrap() + marker.len();
        let secret = enrol.html[start..start + enrol.html[start..].find('"').unwrap()].to_owned();
        let bad = jar
            .send(
                Method::POST,
                "/account/2fa",
                Some(
                    &[
                        ("_csrf", enrol.csrf().as_str()),
                        ("code", "000000"),
                        ("next", "/admin/moderation"),
                    ][..],
                ),
            )
            .await;
        assert_eq!(
            bad.status,
            StatusCode::BAD_REQUEST,
            "wrong first code: {}",
            bad.html
        );
        let enrol = jar
            .send(Method::GET, "/account/2fa?next=/admin/moderation", None)
            .await;
        let start = enrol.html.find(marker).unwrap() + marker.len();
        let secret_again =
            enrol.html[start..start + enrol.html[start..].find('"').unwrap()].to_owned();
        assert_ne!(secret, secret_again, "each visit starts a fresh secret");
        let code = code_now(&app, &secret_again);
        let on = jar
            .send(
                Method::POST,
                "/account/2fa",
                Some(
                    &[
                        ("_csrf", enrol.csrf().as_str()),
                        ("code", code.as_str()),
                        ("next", "/admin/moderation"),
                    ][..],
                ),
            )
            .await;
        assert_eq!(on.status, StatusCode::OK, "{}", on.html);
        assert_eq!(
            on.html.matches("<li><code>").count(),
            10,
            "ten recovery codes: {}",
            on.html
        );
        assert_eq!(
            jar.send(Method::GET, "/admin/moderation", None)
                .await
                .status,
            StatusCode::OK
        );
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csp_reports_are_rate_limited_per_address() {
    let test = crate::support::test_db(crate::support::Backend::Sqlite).await;
    let app = auth_app(test).await;
    let report =
        r#"{"csp-report":{"violated-directive":"script-src-elem","blocked-uri":"inline"}}"#;
    let post = || {
        Request::post("/csp-report")
            .header(header::CONTENT_TYPE, "application/csp-report")
            .body(Body::from(report))
            .unwrap()
    };
    let limit = storefront::web::CSP_REPORTS_PER_IP.limit;
    for index in 0..limit {
        let response = storefront::router(app.state.clone())
            .oneshot(post())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NO_CONTENT, "report {index}");
    }
    let response = storefront::router(app.state.clone())
        .oneshot(post())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().contains_key(header::RETRY_AFTER));
    // The window passes: accepted again.
    app.clock.advance(chrono::Duration::seconds(61));
    let response = storefront::router(app.state.clone())
        .oneshot(post())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}
