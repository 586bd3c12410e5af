//! Kids' mode, the parent panel, the PWA routes and the shopper's lists over HTTP (issue 9):
//! every new form refuses a post without its CSRF field, a parent never reaches another
//! family's child or request (404), a child session is kept inside kids' mode, asking a parent
//! creates a purchase request the parent approves in the panel, the lock screen at bedtime,
//! and the PIN that leaves kids' mode (exempt from bedtime); a parent adds a child through the
//! panel's form (translated form errors, never a 500; invisible to another family) and records
//! the consent that activates it through the child's page (the API's function, audited once).

use super::{Browser, Page, web_app};
use crate::auth::{AuthApp, PASSWORD, audit_actions, call, signed_in_parent};
use crate::backend_tests;
use crate::checkout::scalar;
use crate::support::TestDb;
use axum::http::{Method, StatusCode};
use serde_json::json;
use storefront::web::i18n::{T, UiLang};

const PIN: &str = "2580";

/// A form's fields, as posted.
type FormFields<'a> = &'a [(&'a str, &'a str)];

/// A parent (email and API token) with a PIN and one child (id) still waiting for consent.
async fn pending_family(app: &AuthApp, nickname: &str) -> (String, String, i64) {
    let (email, token, _) = signed_in_parent(app).await;
    let child = call(Method::POST, "/api/v1/family/children")
        .bearer(&token)
        .json(json!({ "nickname": nickname, "age_band": "6-8", "avatar": "owl" }))
        .send(app)
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    call(Method::PUT, "/api/v1/family/pin")
        .bearer(&token)
        .json(json!({ "pin": PIN, "password": PASSWORD }))
        .send(app)
        .await
        .expect(204);
    (email, token, child)
}

/// A parent (email and API token) with a PIN and one active child (id).
async fn family(app: &AuthApp, nickname: &str) -> (String, String, i64) {
    let (email, token, child) = pending_family(app, nickname).await;
    call(
        Method::POST,
        &format!("/api/v1/family/children/{child}/consent"),
    )
    .bearer(&token)
    .json(json!({
        "method": "signed_form",
        "notice_version": storefront::auth::family::CURRENT_NOTICE_VERSION,
        "password": PASSWORD,
    }))
    .send(app)
    .await
    .expect(201);
    (email, token, child)
}

async fn signed_in(app: &AuthApp, email: &str) -> Browser {
    let mut browser = Browser::new(&app.state);
    let page = browser
        .submit(
            "/signin",
            "/signin",
            &[
                ("login", email),
                ("password", PASSWORD),
                ("next", "/parent"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
    assert_eq!(page.location(), "/parent");
    browser
}

/// Asserts that a form came back refused: `status`, the API's `code` in `x-error-code`, and
/// the translated (Uzbek) `message` in the form's error paragraph `#error_id`.
#[track_caller]
fn assert_form_refused(
    page: &Page,
    status: StatusCode,
    code: &str,
    error_id: &str,
    message: T,
    what: &str,
) {
    assert_eq!(page.status, status, "{what}: {}", page.html);
    assert_eq!(page.header("x-error-code"), code, "{what}");
    assert!(
        page.html.contains(&format!(
            "id=\"{error_id}\" role=\"alert\">{}</p>",
            UiLang::UzLatn.t(message)
        )),
        "{what}"
    );
}

#[track_caller]
fn assert_csrf_refused(page: &Page, what: &str) {
    assert_eq!(page.status, StatusCode::FORBIDDEN, "{what}: {}", page.html);
    assert_eq!(page.header("x-error-code"), "csrf_failed", "{what}");
}

backend_tests!(
    kids_mode_parent_panel_csrf_and_authorization,
    |test: TestDb| async move {
        let app = web_app(test).await;
        let (email, token, child) = family(&app, "Aziz").await;
        let (other_email, _, other_child) = family(&app, "Lola").await;
        let mut parent = signed_in(&app, &email).await;
        let mut stranger = signed_in(&app, &other_email).await;

        // The panel lists the parent's own child, not the other family's.
        let panel = parent.get("/parent").await;
        assert_eq!(panel.status, StatusCode::OK);
        assert!(panel.html.contains("Aziz") && !panel.html.contains("Lola"));
        let settings = format!("/parent/children/{child}");
        assert_eq!(parent.get(&settings).await.status, StatusCode::OK);
        // Another family's child: 404 on the page and on every form.
        let foreign = format!("/parent/children/{other_child}");
        let page = parent.get(&foreign).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        assert_eq!(page.header("x-error-code"), "child_not_found");
        let csrf = parent.get("/parent").await.csrf();
        for action in [format!("{foreign}/controls"), format!("{foreign}/erase")] {
            let page = parent
                .post(
                    &action,
                    &[
                        ("_csrf", &csrf),
                        ("password", PASSWORD),
                        ("daily_limit", "1"),
                    ],
                )
                .await;
            assert_eq!(page.status, StatusCode::NOT_FOUND, "{action}");
        }
        assert_eq!(
            scalar(
                &app.test.db,
                &format!("SELECT COUNT(*) FROM child_profiles WHERE id = {other_child}")
            )
            .await,
            1,
            "the other family's child is untouched"
        );
        // A guest is sent to sign in; a seller is refused.
        let mut guest = Browser::new(&app.state);
        let page = guest.get("/parent").await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
        assert!(page.location().starts_with("/signin?next="));
        assert_eq!(guest.get("/kids").await.location(), "/signin?next=/kids");

        // Every new form refuses a post without the CSRF field, or with another session's.
        let foreign_csrf = stranger.get("/parent").await.csrf();
        for (action, fields) in [
            (
                format!("{settings}/controls"),
                vec![("daily_limit", "1"), ("search_mode", "off")],
            ),
            (format!("{settings}/erase"), vec![("password", PASSWORD)]),
            (
                "/parent/pin".to_owned(),
                vec![("pin", "1397"), ("password", PASSWORD)],
            ),
            ("/parent/erase".to_owned(), vec![("password", PASSWORD)]),
            ("/parent/requests/1/approve".to_owned(), vec![]),
            ("/parent/requests/1/decline".to_owned(), vec![]),
            ("/kids/enter".to_owned(), vec![("child_id", "1")]),
            ("/wishlist/add".to_owned(), vec![("product_id", "1")]),
            ("/wishlist/remove".to_owned(), vec![("product_id", "1")]),
        ] {
            let page = parent.post(&action, &fields).await;
            assert_csrf_refused(&page, &action);
            let mut with_foreign = vec![("_csrf", foreign_csrf.as_str())];
            with_foreign.extend_from_slice(&fields);
            let page = parent.post(&action, &with_foreign).await;
            assert_csrf_refused(&page, &action);
        }
        assert_eq!(
            scalar(&app.test.db, "SELECT COUNT(*) FROM child_profiles").await,
            2,
            "nothing was erased"
        );
        let controls = call(
            Method::GET,
            &format!("/api/v1/family/children/{child}/controls"),
        )
        .bearer(&token)
        .send(&app)
        .await;
        assert_eq!(controls.expect(200)["search_mode"], "safe");

        // The settings form stores the controls (so'm become tiyin).
        let page = parent
            .submit(
                &settings,
                &format!("{settings}/controls"),
                &[
                    ("daily_limit", "500000"),
                    ("monthly_limit", ""),
                    ("approval_mode", "every_purchase"),
                    ("blocked_category", "2"),
                    ("search_mode", "safe"),
                    ("screen_minutes", "90"),
                    ("allowed_from", ""),
                    ("allowed_until", ""),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
        let controls = call(
            Method::GET,
            &format!("/api/v1/family/children/{child}/controls"),
        )
        .bearer(&token)
        .send(&app)
        .await;
        let controls = controls.expect(200);
        assert_eq!(controls["daily_limit_tiyin"], 50_000_000);
        assert_eq!(controls["blocked_category_ids"], json!([2]));
        assert_eq!(controls["daily_screen_minutes"], 90);
        // A bad value is a 400 on the form, nothing stored.
        let page = parent
            .submit(
                &settings,
                &format!("{settings}/controls"),
                &[("daily_limit", "-5"), ("search_mode", "safe")],
            )
            .await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST);

        // Kids' mode: the parent's device switches to the child.
        let page = parent
            .submit("/kids", "/kids/enter", &[("child_id", &child.to_string())])
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
        assert_eq!(page.location(), "/kids");
        let home = parent.get("/kids").await;
        assert_eq!(home.status, StatusCode::OK);
        assert!(
            home.html.contains("<body class=\"kids\""),
            "the safe-zone look"
        );
        assert!(home.html.contains("Aziz"));
        // A child stays inside kids' mode: grown-up pages and the panel send it back.
        for uri in ["/", "/products/1", "/parent", "/cart", "/wishlist"] {
            let page = parent.get(uri).await;
            assert_eq!(page.status, StatusCode::SEE_OTHER, "{uri}");
            assert_eq!(page.location(), "/kids", "{uri}");
        }
        // The blocked category (books, product 2) is not shown to the child.
        assert_eq!(
            parent.get("/kids/products/2").await.status,
            StatusCode::NOT_FOUND
        );
        let product = parent.get("/kids/products/1").await;
        assert_eq!(product.status, StatusCode::OK);
        assert!(product.html.contains("action=\"/kids/ask\""));
        assert!(!product.html.contains("/cart/add"), "no cart in kids' mode");
        // Asking without the CSRF field does nothing.
        let page = parent
            .post("/kids/ask", &[("product_id", "1"), ("sku", "ROBOT-1")])
            .await;
        assert_csrf_refused(&page, "/kids/ask");
        // A variant of another product is refused.
        let page = parent
            .submit(
                "/kids/products/1",
                "/kids/ask",
                &[("product_id", "1"), ("sku", "BOOK-1")],
            )
            .await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST);
        assert_eq!(
            scalar(&app.test.db, "SELECT COUNT(*) FROM purchase_requests").await,
            0
        );
        // "Ask a parent": the child's order waits for the parent.
        let page = parent
            .submit(
                "/kids/products/1",
                "/kids/ask",
                &[("product_id", "1"), ("sku", "ROBOT-1")],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
        assert!(page.location().starts_with("/kids/asked?order="));
        let asked = parent.get(page.location()).await;
        assert!(
            asked
                .html
                .contains("data-status=\"awaiting_parent_approval\"")
        );
        let request = scalar(
            &app.test.db,
            "SELECT id FROM purchase_requests WHERE status = 'pending'",
        )
        .await;
        // The child cannot approve it.
        let page = parent
            .submit(
                "/kids/exit",
                &format!("/parent/requests/{request}/approve"),
                &[],
            )
            .await;
        assert_eq!(page.location(), "/kids");
        // The other family cannot approve it either: 404.
        let page = stranger
            .submit(
                "/parent",
                &format!("/parent/requests/{request}/approve"),
                &[],
            )
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        assert_eq!(page.header("x-error-code"), "purchase_request_not_found");

        // Leaving kids' mode takes the parent PIN.
        let exit = parent.get("/kids/exit").await;
        assert_eq!(exit.status, StatusCode::OK);
        let page = parent
            .submit("/kids/exit", "/kids/exit", &[("pin", "1111")])
            .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
        assert!(page.html.contains("kids-notice"));
        let page = parent.post("/kids/exit", &[("pin", PIN)]).await;
        assert_csrf_refused(&page, "/kids/exit");
        let page = parent
            .submit("/kids/exit", "/kids/exit", &[("pin", PIN)])
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
        assert_eq!(page.location(), "/parent");
        // The parent approves in the panel.
        let panel = parent.get("/parent").await;
        assert!(panel.html.contains(&format!(
            "data-request=\"{request}\" data-status=\"pending\""
        )));
        let page = parent
            .submit(
                "/parent",
                &format!("/parent/requests/{request}/approve"),
                &[],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
        assert_eq!(
            scalar(
                &app.test.db,
                &format!(
                    "SELECT COUNT(*) FROM purchase_requests r JOIN orders o ON o.id = r.order_id \
                     WHERE r.id = {request} AND r.status = 'approved' AND o.status = 'pending_payment'"
                )
            )
            .await,
            1
        );

        // Bedtime: every kids' page is the lock screen (403 bedtime); the PIN page still opens.
        let now = app.state.0.auth.now().with_timezone(&chrono_tz_tashkent());
        use chrono::Timelike as _;
        let minute = i64::from(now.hour() * 60 + now.minute());
        let from = (minute + 120) % 1440;
        let until = (minute + 180) % 1440;
        call(
            Method::PUT,
            &format!("/api/v1/family/children/{child}/controls"),
        )
        .bearer(&signed_in_parent_token(&app, &email).await)
        .json(json!({
            "approval_mode": "every_purchase",
            "allowed_from_minute": from,
            "allowed_until_minute": until,
        }))
        .send(&app)
        .await
        .expect(200);
        let page = parent
            .submit("/kids", "/kids/enter", &[("child_id", &child.to_string())])
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
        let lock = parent.get("/kids").await;
        assert_eq!(lock.status, StatusCode::FORBIDDEN);
        assert_eq!(lock.header("x-error-code"), "bedtime");
        assert!(lock.html.contains("data-lock=\"bedtime\""));
        assert!(lock.html.contains("<body class=\"kids\""));
        let product = parent.get("/products/1").await;
        assert_eq!(product.status, StatusCode::FORBIDDEN, "locked everywhere");
        let exit = parent.get("/kids/exit").await;
        assert_eq!(exit.status, StatusCode::OK, "the PIN page opens at bedtime");
        let page = parent
            .submit("/kids/exit", "/kids/exit", &[("pin", PIN)])
            .await;
        assert_eq!(page.location(), "/parent");
        assert_eq!(parent.get("/parent").await.status, StatusCode::OK);
    }
);

backend_tests!(
    parent_panel_adds_a_child_through_its_form,
    |test: TestDb| async move {
        let app = web_app(test).await;
        let (email, token, _) = signed_in_parent(&app).await;
        let (other_email, _, _) = signed_in_parent(&app).await;
        let mut parent = signed_in(&app, &email).await;
        let mut stranger = signed_in(&app, &other_email).await;
        let panel = parent.get("/parent").await;
        assert!(panel.html.contains("action=\"/parent/children#add-child\""));
        let children = || scalar(&app.test.db, "SELECT COUNT(*) FROM child_profiles");

        // Without the CSRF field, or with another session's, nothing is created.
        let fields = [
            ("nickname", "Zarina"),
            ("age_band", "3-5"),
            ("avatar", "fox"),
        ];
        assert_csrf_refused(&parent.post("/parent/children", &fields).await, "no token");
        let foreign_csrf = stranger.get("/parent").await.csrf();
        let mut with_foreign = vec![("_csrf", foreign_csrf.as_str())];
        with_foreign.extend_from_slice(&fields);
        let page = parent.post("/parent/children", &with_foreign).await;
        assert_csrf_refused(&page, "another session's token");
        // A guest is sent to sign in.
        let mut guest = Browser::new(&app.state);
        let page = guest.submit("/signin", "/parent/children", &fields).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
        assert!(page.location().starts_with("/signin?next="));
        assert_eq!(children().await, 0);

        // Bad input: the form again with the API's code and a translated message (400, not a
        // 500), what was typed kept and escaped, nothing stored.
        let too_long = format!("<b>{}", "x".repeat(40));
        let bad: [(FormFields, &str, T); 8] = [
            (
                &[("nickname", " "), ("age_band", "3-5"), ("avatar", "fox")],
                "invalid_nickname",
                T::ChildNicknameInvalid,
            ),
            (
                &[
                    ("nickname", &too_long),
                    ("age_band", "3-5"),
                    ("avatar", "fox"),
                ],
                "invalid_nickname",
                T::ChildNicknameInvalid,
            ),
            (
                &[
                    ("nickname", "Zarina"),
                    ("age_band", ""),
                    ("birth_year_month", ""),
                    ("avatar", "fox"),
                ],
                "invalid_age",
                T::ChildAgeInvalid,
            ),
            (
                &[
                    ("nickname", "Zarina"),
                    ("age_band", "3-5"),
                    ("birth_year_month", "2022-01"),
                    ("avatar", "fox"),
                ],
                "invalid_age",
                T::ChildAgeInvalid,
            ),
            (
                &[
                    ("nickname", "Zarina"),
                    ("age_band", "99"),
                    ("avatar", "fox"),
                ],
                "invalid_age_band",
                T::ChildAgeInvalid,
            ),
            (
                &[
                    ("nickname", "Zarina"),
                    ("birth_year_month", "1990-01"),
                    ("avatar", "fox"),
                ],
                "invalid_birth_month",
                T::ChildBirthMonthInvalid,
            ),
            (
                &[
                    ("nickname", "Zarina"),
                    ("birth_year_month", "2022-13"),
                    ("avatar", "fox"),
                ],
                "invalid_birth_month",
                T::ChildBirthMonthInvalid,
            ),
            (
                &[
                    ("nickname", "Zarina"),
                    ("age_band", "3-5"),
                    ("avatar", "dragon"),
                ],
                "invalid_avatar",
                T::ChildPictureInvalid,
            ),
        ];
        for (fields, code, message) in bad {
            let page = parent.submit("/parent", "/parent/children", fields).await;
            assert_form_refused(
                &page,
                StatusCode::BAD_REQUEST,
                code,
                "add-child-error",
                message,
                &format!("{fields:?}"),
            );
        }
        let page = parent
            .submit(
                "/parent",
                "/parent/children",
                &[
                    ("nickname", &too_long),
                    ("age_band", "6-8"),
                    ("avatar", "owl"),
                ],
            )
            .await;
        assert!(
            page.html.contains("value=\"&lt;b&gt;xxx"),
            "the nickname is kept, escaped"
        );
        assert!(page.html.contains("<option value=\"6-8\" selected>"));
        assert!(page.html.contains("value=\"owl\" checked"));
        // In the page's language.
        parent.get("/parent?lang=ru").await;
        let page = parent
            .submit(
                "/parent",
                "/parent/children",
                &[("nickname", "Zarina"), ("avatar", "fox")],
            )
            .await;
        assert!(page.html.contains(UiLang::Ru.t(T::ChildAgeInvalid)));
        parent.get("/parent?lang=uz").await;
        assert_eq!(children().await, 0);

        // Created: back on the panel, which lists the child; the same record and audit event
        // as the API's.
        let born = (app.state.0.auth.now() - chrono::Duration::days(5 * 365)).format("%Y-%m");
        let born = born.to_string();
        let page = parent
            .submit(
                "/parent",
                "/parent/children",
                &[
                    ("nickname", "Zarina"),
                    ("age_band", ""),
                    ("birth_year_month", &born),
                    ("avatar", "fox"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
        let id: i64 = page
            .location()
            .strip_prefix("/parent?done=child_added#child-")
            .unwrap()
            .parse()
            .unwrap();
        let panel = parent.get("/parent?done=child_added").await;
        assert!(panel.html.contains(UiLang::UzLatn.t(T::ChildAdded)));
        assert!(
            panel.html.contains(&format!("id=\"child-{id}\"")) && panel.html.contains("Zarina")
        );
        let child = call(Method::GET, &format!("/api/v1/family/children/{id}"))
            .bearer(&token)
            .send(&app)
            .await;
        let child = child.expect(200);
        assert_eq!(child["nickname"], "Zarina");
        assert_eq!(child["birth_year_month"], born.as_str());
        assert_eq!(child["avatar"], "fox");
        assert_eq!(child["status"], "pending_consent");
        assert_eq!(
            audit_actions(&app)
                .await
                .iter()
                .filter(|action| *action == "child_created")
                .count(),
            1
        );

        // Another family neither sees nor reaches the child (404, like a missing one).
        assert!(!stranger.get("/parent").await.html.contains("Zarina"));
        let foreign = format!("/parent/children/{id}");
        let page = stranger.get(&foreign).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        assert_eq!(page.header("x-error-code"), "child_not_found");
        for (action, fields) in [
            (format!("{foreign}/controls"), vec![("daily_limit", "1")]),
            (format!("{foreign}/erase"), vec![("password", PASSWORD)]),
        ] {
            let page = stranger.submit("/parent", &action, &fields).await;
            assert_eq!(page.status, StatusCode::NOT_FOUND, "{action}");
        }
        assert_eq!(children().await, 1);
    }
);

backend_tests!(
    parent_panel_records_consent_through_the_child_page,
    |test: TestDb| async move {
        let app = web_app(test).await;
        let (email, token, id) = pending_family(&app, "Zarina").await;
        let (other_email, _, _) = signed_in_parent(&app).await;
        let mut parent = signed_in(&app, &email).await;
        let mut stranger = signed_in(&app, &other_email).await;
        let notice = storefront::auth::family::CURRENT_NOTICE_VERSION;
        let page_url = format!("/parent/children/{id}");
        let action = format!("/parent/children/{id}/consent");
        let consents = || scalar(&app.test.db, "SELECT COUNT(*) FROM parental_consents");
        let recorded = || async {
            audit_actions(&app)
                .await
                .iter()
                .filter(|action| *action == "consent_recorded")
                .count()
        };
        let in_picker = "aria-label=\"Bolalar rejimini boshlash: Zarina\"";
        assert_eq!(
            UiLang::UzLatn.t(T::StartKidsMode),
            "Bolalar rejimini boshlash"
        );

        // The pending child's page has the consent form: the API's fields (the method, the
        // notice version, the password) and the CSRF field, explained in the page's language.
        assert!(!parent.get("/kids").await.html.contains(in_picker));
        let page = parent.get(&page_url).await;
        assert_eq!(page.status, StatusCode::OK);
        let form_at = page
            .html
            .find(&format!("action=\"{action}#consent\""))
            .expect("the consent form");
        let form = &page.html[form_at..];
        let form = &form[..form.find("</form>").unwrap()];
        for field in [
            "name=\"_csrf\"",
            &format!("name=\"notice_version\" value=\"{notice}\""),
            "name=\"method\" value=\"signed_form\"",
            "name=\"method\" value=\"id_document\"",
            "type=\"password\" name=\"password\" required autocomplete=\"current-password\"",
        ] {
            assert!(form.contains(field), "{field}: {form}");
        }
        assert!(
            !form.contains("card_authorisation"),
            "the form takes no card"
        );
        for key in [T::ConsentWhat, T::ConsentMethod, T::ConsentSubmit] {
            assert!(form.contains(UiLang::UzLatn.t(key)), "{key:?}");
        }
        for lang in [UiLang::UzCyrl, UiLang::Ru, UiLang::En] {
            let page = parent
                .get(&format!("{page_url}?lang={}", lang.code()))
                .await;
            assert!(page.html.contains(lang.t(T::ConsentWhat)), "{lang:?}");
        }
        parent.get(&format!("{page_url}?lang=uz")).await;

        // Without the CSRF field, or with another session's, nothing is recorded.
        let good = [
            ("method", "signed_form"),
            ("notice_version", notice),
            ("password", PASSWORD),
        ];
        assert_csrf_refused(&parent.post(&action, &good).await, "no token");
        let foreign_csrf = stranger.get("/parent").await.csrf();
        let mut with_foreign = vec![("_csrf", foreign_csrf.as_str())];
        with_foreign.extend_from_slice(&good);
        assert_csrf_refused(&parent.post(&action, &with_foreign).await, "another token");
        // A guest is sent to sign in.
        let mut guest = Browser::new(&app.state);
        let page = guest.submit("/signin", &action, &good).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
        assert!(page.location().starts_with("/signin?next="));
        // Another family's child, or none: 404 before the password is looked at.
        for (url, by_stranger) in [
            (action.as_str(), true),
            ("/parent/children/999999/consent", false),
            ("/parent/children/x/consent", false),
        ] {
            let browser = if by_stranger {
                &mut stranger
            } else {
                &mut parent
            };
            let page = browser.submit("/parent", url, &good).await;
            assert_eq!(page.status, StatusCode::NOT_FOUND, "{url}");
            assert_eq!(page.header("x-error-code"), "child_not_found", "{url}");
        }
        assert_eq!(consents().await, 0);

        // Bad input: the form again with the API's code and a translated message (4xx, not a
        // 500), the chosen method kept, nothing recorded.
        let bad: [(FormFields, StatusCode, &str, T); 7] = [
            (
                &[
                    ("method", "checkbox"),
                    ("notice_version", notice),
                    ("password", PASSWORD),
                ],
                StatusCode::BAD_REQUEST,
                "invalid_consent_method",
                T::ConsentMethodInvalid,
            ),
            (
                &[("notice_version", notice), ("password", PASSWORD)],
                StatusCode::BAD_REQUEST,
                "invalid_consent_method",
                T::ConsentMethodInvalid,
            ),
            (
                &[
                    ("method", "card_authorisation"),
                    ("notice_version", notice),
                    ("password", PASSWORD),
                ],
                StatusCode::BAD_REQUEST,
                "card_required",
                T::ConsentMethodInvalid,
            ),
            (
                &[
                    ("method", "id_document"),
                    ("notice_version", "2020-01"),
                    ("password", PASSWORD),
                ],
                StatusCode::BAD_REQUEST,
                "outdated_notice",
                T::ConsentNoticeOutdated,
            ),
            (
                &[("method", "signed_form"), ("password", PASSWORD)],
                StatusCode::BAD_REQUEST,
                "outdated_notice",
                T::ConsentNoticeOutdated,
            ),
            (
                &[
                    ("method", "id_document"),
                    ("notice_version", notice),
                    ("password", "not it"),
                ],
                StatusCode::FORBIDDEN,
                "reauthentication_failed",
                T::WrongPassword,
            ),
            (
                &[("method", "id_document"), ("notice_version", notice)],
                StatusCode::FORBIDDEN,
                "reauthentication_failed",
                T::WrongPassword,
            ),
        ];
        for (fields, status, code, message) in bad {
            let page = parent.submit(&page_url, &action, fields).await;
            assert_form_refused(
                &page,
                status,
                code,
                "consent-error",
                message,
                &format!("{fields:?}"),
            );
            assert!(page.html.contains(&format!("action=\"{action}#consent\"")));
        }
        let page = parent
            .submit(
                &page_url,
                &action,
                &[
                    ("method", "id_document"),
                    ("notice_version", notice),
                    ("password", "x"),
                ],
            )
            .await;
        assert!(page.html.contains("value=\"id_document\" required checked"));
        assert!(!page.html.contains("value=\"signed_form\" required checked"));
        // In the page's language.
        parent.get(&format!("{page_url}?lang=ru")).await;
        let page = parent
            .submit(
                &page_url,
                &action,
                &[("method", "x"), ("notice_version", notice)],
            )
            .await;
        assert!(page.html.contains(UiLang::Ru.t(T::ConsentMethodInvalid)));
        parent.get(&format!("{page_url}?lang=uz")).await;
        assert_eq!(consents().await, 0);
        assert_eq!(recorded().await, 0);
        assert!(!parent.get("/kids").await.html.contains(in_picker));

        // Recorded: back on the child's page, which says so and has no consent form; the
        // child is active, in the kids' mode picker, with one consent and one audit event.
        let page = parent.submit(&page_url, &action, &good).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
        assert_eq!(
            page.location(),
            format!("/parent/children/{id}?done=consent")
        );
        let page = parent.get(page.location()).await;
        assert!(page.html.contains(UiLang::UzLatn.t(T::ConsentGiven)));
        assert!(page.html.contains(UiLang::UzLatn.t(T::ConsentRecorded)));
        assert!(!page.html.contains("id=\"consent\""));
        let child = call(Method::GET, &format!("/api/v1/family/children/{id}"))
            .bearer(&token)
            .send(&app)
            .await;
        assert_eq!(child.expect(200)["status"], "active");
        let rows = app
            .test
            .db
            .consents_of(storefront::db::accounts::ChildId(id))
            .await
            .unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(
            (rows[0].method.as_str(), rows[0].notice_version.as_str()),
            ("signed_form", notice)
        );
        assert_eq!(recorded().await, 1);
        let kids = parent.get("/kids").await;
        assert!(kids.html.contains(in_picker), "{}", kids.html);

        // Already recorded: a clear message, nothing written twice.
        let page = parent.submit(&page_url, &action, &good).await;
        assert_eq!(page.status, StatusCode::CONFLICT, "{}", page.html);
        assert_eq!(page.header("x-error-code"), "consent_already_recorded");
        assert!(page.html.contains(&format!(
            "role=\"alert\">{}</p>",
            UiLang::UzLatn.t(T::ConsentAlreadyRecorded)
        )));
        assert_eq!(consents().await, 1);
        assert_eq!(recorded().await, 1);
    }
);

fn chrono_tz_tashkent() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt(5 * 3600).unwrap()
}

async fn signed_in_parent_token(app: &AuthApp, email: &str) -> String {
    crate::auth::login(app, email).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

backend_tests!(
    pwa_routes_and_the_shopper_s_lists,
    |test: TestDb| async move {
        let app = web_app(test).await;
        let mut browser = Browser::new(&app.state);
        // The manifest names both icons, which are served immutable.
        let manifest = browser.get("/manifest.webmanifest").await;
        assert_eq!(manifest.status, StatusCode::OK);
        assert!(
            manifest
                .header("content-type")
                .starts_with("application/manifest+json")
        );
        let body: serde_json::Value = serde_json::from_str(&manifest.html).unwrap();
        let icons = body["icons"].as_array().unwrap();
        assert_eq!(icons.len(), 2);
        for icon in icons {
            let src = icon["src"].as_str().unwrap();
            let page = browser.get(src).await;
            assert_eq!(page.status, StatusCode::OK, "{src}");
            assert_eq!(page.header("content-type"), "image/png");
        }
        assert_eq!(
            browser.get("/icons/icon-192.png").await.status,
            StatusCode::NOT_FOUND
        );
        // The worker: root scope, revalidated, naming this release's hashed assets.
        let worker = browser.get("/sw.js").await;
        assert_eq!(worker.status, StatusCode::OK);
        assert_eq!(worker.header("cache-control"), "no-cache");
        let home = browser.get("/").await;
        let stylesheet = home
            .html
            .split('"')
            .find(|piece| piece.starts_with("/static/app.") && piece.ends_with(".css"))
            .unwrap()
            .to_owned();
        assert!(worker.html.contains(&stylesheet), "precaches {stylesheet}");
        assert!(home.html.contains("rel=\"manifest\""));
        let csp = home.header("content-security-policy");
        assert!(csp.contains("worker-src 'self'") && csp.contains("manifest-src 'self'"));
        assert_eq!(browser.get("/offline").await.status, StatusCode::OK);

        // Recently viewed: a guest's device keeps its list by cookie.
        assert!(browser.get("/recently-viewed").await.html.contains("<h1>"));
        browser.get("/products/2").await;
        app.clock.advance(chrono::Duration::seconds(5));
        browser.get("/products/1").await;
        let recent = browser.get("/recently-viewed").await;
        let first = recent.html.find("href=\"/products/1\"").unwrap();
        let second = recent.html.find("href=\"/products/2\"").unwrap();
        assert!(first < second, "newest first");
        let mut other_device = Browser::new(&app.state);
        assert!(
            !other_device
                .get("/recently-viewed")
                .await
                .html
                .contains("href=\"/products/1\"")
        );

        // Compare: 2 to 4 distinct products, else 400.
        let compare = browser.get("/compare?ids=1,2").await;
        assert_eq!(compare.status, StatusCode::OK);
        assert!(compare.html.contains("Robot") && compare.html.contains("Ertaklar"));
        assert_eq!(
            browser.get("/compare?ids=1&ids=2").await.status,
            StatusCode::OK
        );
        for bad in [
            "/compare?ids=1",
            "/compare?ids=1,1",
            "/compare?ids=x,2",
            "/compare",
        ] {
            assert_eq!(
                browser.get(bad).await.status,
                StatusCode::BAD_REQUEST,
                "{bad}"
            );
        }
        assert_eq!(
            browser.get("/compare?ids=1,3").await.status,
            StatusCode::NOT_FOUND,
            "an unapproved product"
        );

        // Wishlist: signed in; add and remove with the CSRF field.
        assert_eq!(
            browser.get("/wishlist").await.location(),
            "/signin?next=/wishlist"
        );
        let (email, _, _) = signed_in_parent(&app).await;
        let mut parent = Browser::new(&app.state);
        parent
            .submit(
                "/signin",
                "/signin",
                &[
                    ("login", &email),
                    ("password", PASSWORD),
                    ("next", "/wishlist"),
                ],
            )
            .await;
        let product = parent.get("/products/1").await;
        assert!(product.html.contains("class=\"wishlist-add\""));
        let page = parent
            .submit("/products/1", "/wishlist/add", &[("product_id", "1")])
            .await;
        assert_eq!(page.location(), "/wishlist");
        let page = parent
            .submit("/products/1", "/wishlist/add", &[("product_id", "3")])
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "an unapproved product");
        let wishlist = parent.get("/wishlist").await;
        assert!(wishlist.html.contains("href=\"/products/1\""));
        let page = parent
            .submit("/wishlist", "/wishlist/remove", &[("product_id", "1")])
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
        assert!(
            !parent
                .get("/wishlist")
                .await
                .html
                .contains("href=\"/products/1\"")
        );
        // The account's recently viewed is its own.
        assert!(
            parent
                .get("/recently-viewed")
                .await
                .html
                .contains("href=\"/products/1\"")
        );
    }
);
