//! The admin notification API: audit search with filters and paging (masked recipients only),
//! dead-letter retry and re-send (both audited), queue metrics, and who may call them.

use crate::auth::{audit_actions, auth_app, call, user_with_role};
use crate::backend_tests;
use crate::notify::{RecordingSink, drain_until, fast_settings, order_paid, otp};
use crate::support::TestDb;
use axum::http::Method;
use std::sync::Arc;
use std::time::Duration;
use storefront::auth::Role;
use storefront::notify::queue;
use storefront::notify::worker::{TaskRegistry, Worker};
use storefront::notify::{self, Language};

backend_tests!(
    admins_search_the_audit_retry_dead_letters_and_resend,
    |test: TestDb| async move {
        let app = auth_app(test).await;
        let db = app.state.0.db.clone();
        let (_, admin) = user_with_role(&app, Role::Admin).await;
        let (_, parent) = user_with_role(&app, Role::Parent).await;

        for order in 1..=3 {
            notify::enqueue_now(
                &db,
                order_paid(order, "secret.mother@example.uz", Language::Ru),
            )
            .await
            .unwrap();
        }
        notify::enqueue_now(&db, otp("otp:api", "+998901234567"))
            .await
            .unwrap();
        let sink = Arc::new(RecordingSink::default());
        sink.permanent
            .lock()
            .unwrap()
            .push("order_paid:2:email".to_owned());
        let worker = Worker::new(
            db.clone(),
            sink.clone(),
            Arc::new(TaskRegistry::default()),
            fast_settings(),
        );
        drain_until(&worker, Duration::from_secs(10), async || {
            crate::notify::count_status(&db, "queued").await == 0
        })
        .await;

        // Who may call.
        let guest = call(Method::GET, "/api/v1/admin/notifications")
            .send(&app)
            .await;
        assert_eq!(guest.status.as_u16(), 401);
        call(Method::GET, "/api/v1/admin/notifications")
            .bearer(&parent)
            .send(&app)
            .await
            .expect_error(403, "forbidden");

        // Search, newest first; raw addresses never leave the store.
        let all = call(Method::GET, "/api/v1/admin/notifications")
            .bearer(&admin)
            .send(&app)
            .await;
        let items = all.expect(200)["items"].as_array().unwrap().clone();
        // Four, and the security alert of the admin's TOTP enrolment (the oldest).
        assert_eq!(items.len(), 5);
        assert_eq!(items[4]["event"], "security_alert");
        assert_eq!(items[0]["event"], "otp");
        assert_eq!(items[0]["priority"], "otp");
        assert_eq!(items[0]["recipient"], "+998 ** *** ** 67");
        let text = all.body.to_string();
        assert!(
            !text.contains("secret.mother") && !text.contains("901234567"),
            "{text}"
        );
        let dead = call(
            Method::GET,
            "/api/v1/admin/notifications?status=dead&channel=email",
        )
        .bearer(&admin)
        .send(&app)
        .await;
        let dead_items = dead.expect(200)["items"].as_array().unwrap().clone();
        assert_eq!(dead_items.len(), 1);
        let dead_id = dead_items[0]["id"].as_i64().unwrap();
        assert_eq!(dead_items[0]["event"], "order_paid");
        assert_eq!(dead_items[0]["recipient"], "s***@example.uz");
        assert_eq!(dead_items[0]["template"], "order_paid");
        assert_eq!(dead_items[0]["template_version"], 1);
        assert_eq!(dead_items[0]["language"], "ru");
        assert_eq!(dead_items[0]["attempts"], 1);
        assert_eq!(dead_items[0]["last_error"], "550 mailbox does not exist");
        assert!(dead_items[0]["created_at"].as_str().unwrap().ends_with('Z'));

        // Keyset paging.
        let page = call(
            Method::GET,
            "/api/v1/admin/notifications?event=order_paid&limit=2",
        )
        .bearer(&admin)
        .send(&app)
        .await;
        let next = page.expect(200)["next_before_id"].as_i64().unwrap();
        assert_eq!(page.body["items"].as_array().unwrap().len(), 2);
        let rest = call(
            Method::GET,
            &format!("/api/v1/admin/notifications?event=order_paid&limit=2&before_id={next}"),
        )
        .bearer(&admin)
        .send(&app)
        .await;
        assert_eq!(rest.expect(200)["items"].as_array().unwrap().len(), 1);
        assert!(rest.body["next_before_id"].is_null());
        let since = call(
            Method::GET,
            "/api/v1/admin/notifications?since=2000-01-01T00:00:00Z&until=2000-01-02T00:00:00Z",
        )
        .bearer(&admin)
        .send(&app)
        .await;
        assert_eq!(since.expect(200)["items"], serde_json::json!([]));
        for bad in [
            "channel=fax",
            "status=lost",
            "event=party",
            "limit=1000",
            "limit=0",
            "user_id=-1",
            "since=yesterday",
            "sort=id",
        ] {
            call(Method::GET, &format!("/api/v1/admin/notifications?{bad}"))
                .bearer(&admin)
                .send(&app)
                .await
                .expect_error(400, "invalid_query");
        }

        // Metrics.
        let metrics = call(Method::GET, "/api/v1/admin/notifications/metrics")
            .bearer(&admin)
            .send(&app)
            .await;
        let metrics = metrics.expect(200).clone();
        assert_eq!(metrics["depth"].as_array().unwrap().len(), 4);
        assert_eq!(metrics["depth"][0]["priority"], "otp");
        assert_eq!(metrics["dead"], 1);
        assert_eq!(metrics["delivered_last_hour"], 4);
        assert_eq!(metrics["oldest_due_age_ms"], 0);
        assert!((metrics["failure_rate_last_hour"].as_f64().unwrap() - 0.2).abs() < 1e-9);

        // Retry: only a dead letter; the provider recovered.
        let delivered_id = items[0]["id"].as_i64().unwrap();
        call(
            Method::POST,
            &format!("/api/v1/admin/notifications/{delivered_id}/retry"),
        )
        .bearer(&admin)
        .send(&app)
        .await
        .expect_error(409, "notification_conflict");
        call(Method::POST, "/api/v1/admin/notifications/999999/retry")
            .bearer(&admin)
            .send(&app)
            .await
            .expect_error(404, "notification_not_found");
        call(Method::POST, "/api/v1/admin/notifications/abc/retry")
            .bearer(&admin)
            .send(&app)
            .await
            .expect_error(400, "invalid_notification_id");
        call(
            Method::POST,
            &format!("/api/v1/admin/notifications/{dead_id}/retry"),
        )
        .bearer(&parent)
        .send(&app)
        .await
        .expect_error(403, "forbidden");
        sink.permanent.lock().unwrap().clear();
        let retried = call(
            Method::POST,
            &format!("/api/v1/admin/notifications/{dead_id}/retry"),
        )
        .bearer(&admin)
        .send(&app)
        .await;
        assert_eq!(retried.expect(200)["status"], "queued");
        drain_until(&worker, Duration::from_secs(10), async || {
            queue::job_by_id(&db, dead_id).await.unwrap().status == "delivered"
        })
        .await;

        // Re-send: a new notification linked to the first, same content.
        let resent = call(
            Method::POST,
            &format!("/api/v1/admin/notifications/{delivered_id}/resend"),
        )
        .bearer(&admin)
        .send(&app)
        .await;
        let new_id = resent.expect(201)["id"].as_i64().unwrap();
        assert_eq!(resent.body["resend_of"], delivered_id);
        let again = call(
            Method::POST,
            &format!("/api/v1/admin/notifications/{delivered_id}/resend"),
        )
        .bearer(&admin)
        .send(&app)
        .await;
        assert_ne!(again.expect(201)["id"].as_i64().unwrap(), new_id);
        let copy = queue::job_by_id(&db, new_id).await.unwrap();
        let original = queue::job_by_id(&db, delivered_id).await.unwrap();
        assert_eq!(copy.resend_of, Some(delivered_id));
        assert_eq!(
            copy.idempotency_key,
            format!("{}:resend:1", original.idempotency_key)
        );
        assert_eq!(
            (copy.recipient, copy.payload),
            (original.recipient, original.payload)
        );
        assert_eq!(copy.status, "queued");
        drain_until(&worker, Duration::from_secs(10), async || {
            queue::job_by_id(&db, new_id).await.unwrap().status == "delivered"
        })
        .await;
        let actions = audit_actions(&app).await;
        assert!(actions.contains(&"notification_retry".to_owned()));
        assert_eq!(
            actions
                .iter()
                .filter(|a| *a == "notification_resend")
                .count(),
            2
        );
    }
);
