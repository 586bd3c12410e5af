//! Seller onboarding over HTTP (issue 7): the shop profile with legal and payout details,
//! validated, the payout account masked on output, each seller seeing only their own shop,
//! every change audit-logged. Runs on SQLite and PostgreSQL.

use crate::auth::{call, user_with_role};
use crate::backend_tests;
use crate::listings::market;
use crate::support::TestDb;
use axum::http::Method;
use serde_json::{Value, json};
use storefront::auth::Role;

const ACCOUNT: &str = "20208000900123456789";

fn profile(name: &str) -> Value {
    json!({
        "display_name": name,
        "description": "Yog'och o'yinchoqlar va kitoblar",
        "region": "Toshkent",
        "legal_name": format!("{name} MChJ"),
        "inn": "301234567",
        "legal_address": "Toshkent sh., Yunusobod t., 4-uy",
        "bank_name": "Kapitalbank",
        "mfo": "01088",
        "account_number": ACCOUNT,
    })
}

backend_tests!(
    a_seller_creates_reads_and_updates_their_own_profile_masked_and_audited,
    |test: TestDb| async move {
        let market = market(test).await;
        let app = &market.app;
        call(Method::GET, "/api/v1/seller/profile")
            .bearer(&market.seller_a)
            .send(app)
            .await
            .expect_error(404, "profile_not_found");

        let created = call(Method::PUT, "/api/v1/seller/profile")
            .bearer(&market.seller_a)
            .json(profile("Bolakay"))
            .send(app)
            .await;
        let body = created.expect(200).clone();
        assert_eq!(body["seller_id"], market.shop_a);
        assert_eq!(body["shop"]["display_name"], "Bolakay");
        assert_eq!(body["legal"]["inn"], "301234567");
        assert_eq!(body["payout"]["mfo"], "01088");
        assert_eq!(
            body["payout"]["account_number_masked"],
            "****************6789"
        );
        assert!(
            !body.to_string().contains(ACCOUNT),
            "the full account leaked: {body}"
        );

        let mut changed = profile("Bolakay");
        changed["bank_name"] = json!("Hamkorbank");
        changed["region"] = json!("Samarqand");
        let updated = call(Method::PUT, "/api/v1/seller/profile")
            .bearer(&market.seller_a)
            .json(changed)
            .send(app)
            .await;
        assert_eq!(updated.expect(200)["payout"]["bank_name"], "Hamkorbank");

        let read = call(Method::GET, "/api/v1/seller/profile")
            .bearer(&market.seller_a)
            .send(app)
            .await;
        let read = read.expect(200);
        assert_eq!(read["shop"]["region"], "Samarqand");
        assert!(!read.to_string().contains(ACCOUNT));

        let entries = app
            .test
            .db
            .audit_entries(Some("seller_profile_updated"))
            .await
            .unwrap();
        assert_eq!(entries.len(), 2, "{entries:?}");
        let details: Vec<Value> = entries
            .iter()
            .map(|e| serde_json::from_str(&e.details).unwrap())
            .collect();
        let first = details.iter().find(|d| d["created"] == true).unwrap();
        assert_eq!(first["seller"], market.shop_a);
        assert_eq!(first["changed"].as_array().unwrap().len(), 9);
        let second = details.iter().find(|d| d["created"] == false).unwrap();
        assert_eq!(second["changed"], json!(["region", "bank_name"]));
        for entry in &entries {
            assert!(
                !entry.details.contains(ACCOUNT),
                "the audit log holds the account"
            );
        }
    }
);

backend_tests!(
    another_seller_never_sees_or_changes_this_shop_profile,
    |test: TestDb| async move {
        let market = market(test).await;
        let app = &market.app;
        call(Method::PUT, "/api/v1/seller/profile")
            .bearer(&market.seller_a)
            .json(profile("Bolakay"))
            .send(app)
            .await
            .expect(200);
        // Seller B's shop has no profile: 404, not A's.
        call(Method::GET, "/api/v1/seller/profile")
            .bearer(&market.seller_b)
            .send(app)
            .await
            .expect_error(404, "profile_not_found");
        // B writing its own profile leaves A's untouched.
        let b = call(Method::PUT, "/api/v1/seller/profile")
            .bearer(&market.seller_b)
            .json(profile("Kichkintoy"))
            .send(app)
            .await;
        assert_eq!(b.expect(200)["seller_id"], market.shop_b);
        let a = call(Method::GET, "/api/v1/seller/profile")
            .bearer(&market.seller_a)
            .send(app)
            .await;
        assert_eq!(a.expect(200)["shop"]["display_name"], "Bolakay");
        // A seller account with no shop, and other roles, are refused.
        let (_, unlinked) = user_with_role(app, Role::Seller).await;
        call(Method::GET, "/api/v1/seller/profile")
            .bearer(&unlinked)
            .send(app)
            .await
            .expect_error(403, "seller_profile_required");
        for token in [&market.parent, &market.moderator, &market.admin] {
            let reply = call(Method::PUT, "/api/v1/seller/profile")
                .bearer(token)
                .json(profile("Begona"))
                .send(app)
                .await;
            assert_eq!(reply.status.as_u16(), 403, "{}", reply.body);
        }
        let guest = call(Method::GET, "/api/v1/seller/profile").send(app).await;
        assert_eq!(guest.status.as_u16(), 401, "{}", guest.body);
    }
);

backend_tests!(
    bad_profile_input_is_refused_with_a_stable_code,
    |test: TestDb| async move {
        let market = market(test).await;
        let app = &market.app;
        let cases: &[(&str, Value, &str)] = &[
            ("inn", json!("12345678"), "invalid_inn"),
            ("inn", json!("1234567890"), "invalid_inn"),
            ("inn", json!("30123456a"), "invalid_inn"),
            ("inn", json!("３０１２３４５６７"), "invalid_inn"),
            ("mfo", json!("0108"), "invalid_mfo"),
            ("mfo", json!("01O88"), "invalid_mfo"),
            (
                "account_number",
                json!("2020800090012345678"),
                "invalid_account_number",
            ),
            (
                "account_number",
                json!("2020 800090012345678"),
                "invalid_account_number",
            ),
            ("display_name", json!(""), "invalid_display_name"),
            ("display_name", json!("   "), "invalid_display_name"),
            (
                "display_name",
                json!("a".repeat(101)),
                "invalid_display_name",
            ),
            ("display_name", json!("Bola\nkay"), "invalid_display_name"),
            (
                "description",
                json!("x".repeat(2001)),
                "invalid_description",
            ),
            ("description", json!("nul\u{0}"), "invalid_description"),
            ("region", json!(""), "invalid_region"),
            ("legal_name", json!(""), "invalid_legal_name"),
            ("legal_address", json!(""), "invalid_legal_address"),
            ("bank_name", json!(""), "invalid_bank_name"),
            ("inn", json!(301234567), "invalid_json"),
        ];
        for (field, value, code) in cases {
            let mut body = profile("Bolakay");
            body[*field] = value.clone();
            call(Method::PUT, "/api/v1/seller/profile")
                .bearer(&market.seller_a)
                .json(body)
                .send(app)
                .await
                .expect_error(400, code);
        }
        let mut unknown = profile("Bolakay");
        unknown["seller_id"] = json!(market.shop_b);
        call(Method::PUT, "/api/v1/seller/profile")
            .bearer(&market.seller_a)
            .json(unknown)
            .send(app)
            .await
            .expect_error(400, "invalid_json");
        let mut missing = profile("Bolakay");
        missing.as_object_mut().unwrap().remove("inn");
        call(Method::PUT, "/api/v1/seller/profile")
            .bearer(&market.seller_a)
            .json(missing)
            .send(app)
            .await
            .expect_error(400, "invalid_json");
        // Nothing was stored and nothing audited.
        call(Method::GET, "/api/v1/seller/profile")
            .bearer(&market.seller_a)
            .send(app)
            .await
            .expect_error(404, "profile_not_found");
        assert!(
            app.test
                .db
                .audit_entries(Some("seller_profile_updated"))
                .await
                .unwrap()
                .is_empty()
        );
    }
);
