//! The Click SHOP API through `POST /payments/click/{prepare,complete}` (issue 7, item 4):
//! the official 15-step matrix of `../shared/payments/CLICK.md` with exact JSON replies, the
//! disputed case's other setting, malformed and tampered requests, repeated Completes, and
//! parental limits at Prepare and Complete.

use crate::auth::{AuthApp, call};
use crate::backend_tests;
use crate::payme::{
    CLICK_SECRET, CLICK_SERVICE_ID, child_order, order_status, parent_order, pay_app, pay_app_with,
    set_daily_limit, settings, transitions_to,
};
use crate::support::TestDb;
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use storefront::payments::PaymentSettings;
use storefront::payments::click::sign;

const SIGN_TIME: &str = "2026-12-07 09:30:00";

/// One Click request; `sign` is computed over the fields unless `tamper` replaces it.
#[derive(Clone)]
struct Click {
    click_trans_id: String,
    service_id: String,
    merchant_trans_id: String,
    merchant_prepare_id: Option<String>,
    amount: String,
    action: String,
    error: String,
    sign_override: Option<String>,
}

impl Click {
    fn prepare(click_trans_id: u64, order: i64, amount: &str) -> Self {
        Self {
            click_trans_id: click_trans_id.to_string(),
            service_id: CLICK_SERVICE_ID.to_owned(),
            merchant_trans_id: order.to_string(),
            merchant_prepare_id: None,
            amount: amount.to_owned(),
            action: "0".to_owned(),
            error: "0".to_owned(),
            sign_override: None,
        }
    }

    fn complete(click_trans_id: u64, order: i64, prepare_id: i64, amount: &str) -> Self {
        Self {
            merchant_prepare_id: Some(prepare_id.to_string()),
            action: "1".to_owned(),
            ..Self::prepare(click_trans_id, order, amount)
        }
    }

    fn with_error(mut self, error: i64) -> Self {
        self.error = error.to_string();
        self
    }

    fn signature(&self) -> String {
        self.sign_override.clone().unwrap_or_else(|| {
            sign(
                &self.click_trans_id,
                &self.service_id,
                CLICK_SECRET,
                &self.merchant_trans_id,
                self.merchant_prepare_id.as_deref(),
                &self.amount,
                &self.action,
                SIGN_TIME,
            )
        })
    }

    fn form(&self) -> String {
        let mut fields = vec![
            ("click_trans_id", self.click_trans_id.clone()),
            ("service_id", self.service_id.clone()),
            ("click_paydoc_id", format!("9{}", self.click_trans_id)),
            ("merchant_trans_id", self.merchant_trans_id.clone()),
            ("amount", self.amount.clone()),
            ("action", self.action.clone()),
            ("error", self.error.clone()),
            ("error_note", "Success".to_owned()),
            ("sign_time", SIGN_TIME.to_owned()),
            ("sign_string", self.signature()),
        ];
        if let Some(prepare_id) = &self.merchant_prepare_id {
            fields.push(("merchant_prepare_id", prepare_id.clone()));
        }
        fields
            .into_iter()
            .map(|(name, value)| {
                format!(
                    "{name}={}",
                    percent_encoding::utf8_percent_encode(
                        &value,
                        percent_encoding::NON_ALPHANUMERIC
                    )
                )
            })
            .collect::<Vec<_>>()
            .join("&")
    }

    async fn send(&self, app: &AuthApp) -> Value {
        let path = if self.merchant_prepare_id.is_some() {
            "/payments/click/complete"
        } else {
            "/payments/click/prepare"
        };
        send_form(app, path, self.form()).await
    }
}

async fn send_form(app: &AuthApp, path: &str, body: String) -> Value {
    let reply = call(Method::POST, path)
        .raw("application/x-www-form-urlencoded", body)
        .send(app)
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.body
}

fn note(code: i64) -> &'static str {
    match code {
        0 => "Success",
        -1 => "SIGN CHECK FAILED!",
        -2 => "Incorrect parameter amount",
        -3 => "Action not found",
        -4 => "Already paid",
        -5 => "User does not exist",
        -6 => "Transaction does not exist",
        -8 => "Error in request from click",
        -9 => "Transaction cancelled",
        other => panic!("no note for {other}"),
    }
}

fn prepare_reply(click_trans_id: u64, order: i64, prepare_id: Option<i64>, code: i64) -> Value {
    json!({
        "click_trans_id": click_trans_id,
        "merchant_trans_id": order.to_string(),
        "merchant_prepare_id": prepare_id,
        "error": code,
        "error_note": note(code),
    })
}

fn complete_reply(click_trans_id: u64, order: i64, confirm_id: Option<i64>, code: i64) -> Value {
    json!({
        "click_trans_id": click_trans_id,
        "merchant_trans_id": order.to_string(),
        "merchant_confirm_id": confirm_id,
        "error": code,
        "error_note": note(code),
    })
}

/// Runs steps 1–15; `cancel_confirmed` is what step 8 must answer.
async fn fifteen_steps(app: &AuthApp, cancel_confirmed: i64) {
    let (first, _, _) = parent_order(app, 500_000).await;
    let (second, _, _) = parent_order(app, 120_050).await;
    let (third, _, _) = parent_order(app, 99_900).await;
    let t1 = 7_000_000_001_u64;
    let t2 = 7_000_000_002_u64;
    let t3 = 7_000_000_003_u64;

    // 1. Prepare with a bad sign.
    let mut bad = Click::prepare(t1, first, "5000.00");
    bad.sign_override = Some("0".repeat(32));
    assert_eq!(bad.send(app).await, prepare_reply(t1, first, None, -1));
    // 2. Prepare of an unknown order.
    let unknown = Click::prepare(t1, 999_999, "5000.00").send(app).await;
    assert_eq!(unknown, prepare_reply(t1, 999_999, None, -5));
    // 3. Prepare of a valid unpaid order.
    let prepared = Click::prepare(t1, first, "5000.00").send(app).await;
    let p1 = prepared["merchant_prepare_id"].as_i64().unwrap();
    assert_eq!(prepared, prepare_reply(t1, first, Some(p1), 0));
    // A repeated Prepare of the same attempt returns the same id.
    assert_eq!(
        Click::prepare(t1, first, "5000.00").send(app).await,
        prepared
    );
    // 4. Complete with a bad sign.
    let mut bad = Click::complete(t1, first, p1, "5000.00");
    bad.sign_override = Some("f".repeat(32));
    assert_eq!(bad.send(app).await, complete_reply(t1, first, None, -1));
    // 5. Complete with the amount forced to 300.
    assert_eq!(
        Click::complete(t1, first, p1, "300").send(app).await,
        complete_reply(t1, first, None, -2)
    );
    assert_eq!(order_status(app, first).await, "pending_payment");
    // 6. Complete.
    assert_eq!(
        Click::complete(t1, first, p1, "5000.00").send(app).await,
        complete_reply(t1, first, Some(p1), 0)
    );
    assert_eq!(order_status(app, first).await, "paid");
    // 7. The repeated successful confirm (twice: identical replies, no second effect).
    for _ in 0..2 {
        assert_eq!(
            Click::complete(t1, first, p1, "5000.00").send(app).await,
            complete_reply(t1, first, None, -4)
        );
    }
    // 8. Cancel of the confirmed payment.
    assert_eq!(
        Click::complete(t1, first, p1, "5000.00")
            .with_error(-5017)
            .send(app)
            .await,
        complete_reply(t1, first, None, cancel_confirmed)
    );
    assert_eq!(order_status(app, first).await, "paid");
    assert_eq!(transitions_to(app, first, "paid").await, 1);
    // 9. Prepare of a new order.
    let prepared = Click::prepare(t2, second, "1200.50").send(app).await;
    let p2 = prepared["merchant_prepare_id"].as_i64().unwrap();
    assert_eq!(prepared, prepare_reply(t2, second, Some(p2), 0));
    // 10. Complete with a prepare id that does not exist.
    assert_eq!(
        Click::complete(t2, second, 999_999_999, "1200.50")
            .send(app)
            .await,
        complete_reply(t2, second, None, -6)
    );
    // Another attempt's prepare id is not this one's either.
    assert_eq!(
        Click::complete(t2, second, p1, "1200.50").send(app).await,
        complete_reply(t2, second, None, -6)
    );
    // 11. Complete with the right prepare id.
    assert_eq!(
        Click::complete(t2, second, p2, "1200.5").send(app).await,
        complete_reply(t2, second, Some(p2), 0)
    );
    assert_eq!(order_status(app, second).await, "paid");
    // 12. Prepare of a new order.
    let prepared = Click::prepare(t3, third, "999").send(app).await;
    let p3 = prepared["merchant_prepare_id"].as_i64().unwrap();
    assert_eq!(prepared, prepare_reply(t3, third, Some(p3), 0));
    // 13. Click cancels it.
    assert_eq!(
        Click::complete(t3, third, p3, "999")
            .with_error(-5017)
            .send(app)
            .await,
        complete_reply(t3, third, None, -9)
    );
    // 14. The repeated cancel.
    assert_eq!(
        Click::complete(t3, third, p3, "999")
            .with_error(-5017)
            .send(app)
            .await,
        complete_reply(t3, third, None, -9)
    );
    // 15. A confirm of the cancelled payment.
    assert_eq!(
        Click::complete(t3, third, p3, "999").send(app).await,
        complete_reply(t3, third, None, -9)
    );
    assert_eq!(order_status(app, third).await, "pending_payment");
    assert_eq!(transitions_to(app, third, "paid").await, 0);
}

backend_tests!(click_fifteen_step_matrix, |test: TestDb| async move {
    let app = pay_app(test).await;
    fifteen_steps(&app, -9).await;
});

backend_tests!(
    click_cancel_of_a_confirmed_payment_is_a_switch,
    |test: TestDb| async move {
        let app = pay_app_with(
            test,
            PaymentSettings {
                click_cancel_confirmed_code: -4,
                ..settings()
            },
        )
        .await;
        fifteen_steps(&app, -4).await;
    }
);

backend_tests!(
    click_malformed_and_tampered_requests_get_click_codes,
    |test: TestDb| async move {
        let app = pay_app(test).await;
        let (order, _, _) = parent_order(&app, 500_000).await;
        let bad_request = |path: &'static str| async move {
            json!({
                "click_trans_id": null,
                "merchant_trans_id": null,
                (if path.ends_with("prepare") { "merchant_prepare_id" } else { "merchant_confirm_id" }): null,
                "error": -8,
                "error_note": "Error in request from click",
            })
        };
        for path in ["/payments/click/prepare", "/payments/click/complete"] {
            for body in ["", "%%%", "a=1&a=2", "{\"click_trans_id\": 1}", "\u{0}"] {
                assert_eq!(
                    send_form(&app, path, body.to_owned()).await,
                    bad_request(path).await,
                    "{path} {body:?}"
                );
            }
        }
        // Each missing field, and non-numeric ids: -8.
        let valid = Click::prepare(11, order, "5000.00");
        let form = valid.form();
        for skipped in [
            "click_trans_id",
            "service_id",
            "click_paydoc_id",
            "merchant_trans_id",
            "amount",
            "action",
            "error",
            "error_note",
            "sign_time",
            "sign_string",
        ] {
            let body: Vec<&str> = form
                .split('&')
                .filter(|pair| !pair.starts_with(&format!("{skipped}=")))
                .collect();
            let reply = send_form(&app, "/payments/click/prepare", body.join("&")).await;
            assert_eq!(reply["error"], -8, "without {skipped}: {reply}");
        }
        let mut letters = valid.clone();
        letters.click_trans_id = "12ab".to_owned();
        assert_eq!(letters.send(&app).await["error"], -8);
        let mut negative = valid.clone();
        negative.click_trans_id = "-1".to_owned();
        assert_eq!(negative.send(&app).await["error"], -8);
        // A complete without merchant_prepare_id is malformed.
        let mut no_prepare = Click::complete(11, order, 1, "5000.00");
        no_prepare.merchant_prepare_id = None;
        assert_eq!(
            send_form(&app, "/payments/click/complete", no_prepare.form()).await["error"],
            -8
        );

        // Tampered: the amount changed after signing; a replay under another service id.
        let mut tampered = valid.clone();
        tampered.sign_override = Some(valid.signature());
        tampered.amount = "1.00".to_owned();
        assert_eq!(
            tampered.send(&app).await,
            prepare_reply(11, order, None, -1)
        );
        let mut other_service = valid.clone();
        other_service.service_id = "54321".to_owned();
        assert_eq!(
            other_service.send(&app).await,
            prepare_reply(11, order, None, -1)
        );
        // An upper-case signature is the same digest.
        let mut upper = valid.clone();
        upper.sign_override = Some(valid.signature().to_uppercase());
        assert_eq!(upper.send(&app).await["error"], 0);

        // Wrong action for the endpoint, or unknown: -3.
        let mut action = Click::prepare(12, order, "5000.00");
        action.action = "1".to_owned();
        assert_eq!(action.send(&app).await, prepare_reply(12, order, None, -3));
        action.action = "7".to_owned();
        assert_eq!(action.send(&app).await, prepare_reply(12, order, None, -3));
        // Amounts: so'm strings, exact to the tiyin.
        for amount in ["5000.01", "4999.99", "5000.001", "5e3", "-5000", "abc"] {
            assert_eq!(
                Click::prepare(13, order, amount).send(&app).await,
                prepare_reply(13, order, None, -2),
                "{amount}"
            );
        }
        assert_eq!(
            Click::prepare(13, order, "5000").send(&app).await["error"],
            0
        );
        // An order id that is not a number: no such user.
        assert_eq!(
            Click {
                merchant_trans_id: "order-1".to_owned(),
                ..Click::prepare(14, order, "5000.00")
            }
            .send(&app)
            .await["error"],
            -5
        );
        // Prepare with Click's error < 0: cancelled.
        assert_eq!(
            Click::prepare(15, order, "5000.00")
                .with_error(-5017)
                .send(&app)
                .await,
            prepare_reply(15, order, None, -9)
        );
        assert_eq!(order_status(&app, order).await, "pending_payment");
    }
);

backend_tests!(
    click_parental_limits_are_rechecked_at_prepare_and_complete,
    |test: TestDb| async move {
        let app = pay_app(test).await;
        let (order, child, _) = child_order(&app, 300_000, 200_000).await;
        assert_eq!(
            Click::prepare(21, order, "3000.00").send(&app).await,
            prepare_reply(21, order, None, -9)
        );
        set_daily_limit(&app, child, 1_000_000).await;
        let prepared = Click::prepare(22, order, "3000.00").send(&app).await;
        let prepare_id = prepared["merchant_prepare_id"].as_i64().unwrap();
        assert_eq!(prepared["error"], 0);
        set_daily_limit(&app, child, 100_000).await;
        assert_eq!(
            Click::complete(22, order, prepare_id, "3000.00")
                .send(&app)
                .await,
            complete_reply(22, order, None, -9)
        );
        assert_eq!(order_status(&app, order).await, "pending_payment");
        assert_eq!(transitions_to(&app, order, "paid").await, 0);
    }
);

#[test]
fn click_signature_vectors_and_checkout_link() {
    assert_eq!(
        sign(
            "123456789",
            "12345",
            "secret",
            "order-1",
            None,
            "5000.00",
            "0",
            "2024-03-02 07:50:19"
        ),
        "9f4fce247185773eeed29b445d1db568"
    );
    assert_eq!(
        sign(
            "123456789",
            "12345",
            "secret",
            "order-1",
            Some("42"),
            "5000.00",
            "1",
            "2024-03-02 07:50:19"
        ),
        "9ad012384a60899d4df7e11e0599f40a"
    );
    assert_eq!(
        storefront::payments::click::checkout_link("12345", "678", 42, 120_050, None),
        "https://my.click.uz/services/pay?service_id=12345&merchant_id=678&amount=1200.50&transaction_param=42"
    );
}

backend_tests!(
    click_twenty_concurrent_completes_pay_once,
    |test: TestDb| async move {
        let app = pay_app(test).await;
        let (order, _, _) = parent_order(&app, 500_000).await;
        let prepared = Click::prepare(31, order, "5000.00").send(&app).await;
        let prepare_id = prepared["merchant_prepare_id"].as_i64().unwrap();
        let form = Click::complete(31, order, prepare_id, "5000.00").form();
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..20 {
            let state = app.state.clone();
            let form = form.clone();
            tasks.spawn(async move {
                let request = axum::http::Request::post("/payments/click/complete")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(axum::body::Body::from(form))
                    .unwrap();
                let (status, reply) = crate::payme::send_raw(state, request).await;
                assert_eq!(status, StatusCode::OK);
                reply
            });
        }
        let replies = tasks.join_all().await;
        let paid = replies
            .iter()
            .filter(|reply| **reply == complete_reply(31, order, Some(prepare_id), 0))
            .count();
        let repeats = replies
            .iter()
            .filter(|reply| **reply == complete_reply(31, order, None, -4))
            .count();
        assert_eq!((paid, repeats), (1, 19), "{replies:?}");
        assert_eq!(transitions_to(&app, order, "paid").await, 1);
    }
);
