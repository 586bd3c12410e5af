//! The dashboards in real headless Chromium (issue 9), driven by `storefront/e2e/dash.js`
//! (playwright-core with Debian's `/usr/bin/chromium`, axe-core): a seller signs in with the
//! TOTP step and submits a listing whose text gets it flagged; an admin signs in with TOTP and
//! approves it from the queue by keyboard; the product then appears in a shopper's search; the
//! admin's live statistics change without a reload when a shopper places and pays an order
//! (server-sent events); the seller marks the order processing; a moderator turns TOTP on in
//! the browser; axe-core on every new page type at phone and desktop widths (no serious or
//! critical violation) and screenshots of each (`dash-*.png` beside the shopper pages' in
//! `target/tmp/e2e-screenshots/`). Missing Chromium, node or the npm packages fail the test.
//!
//! The start-up mirrors `e2e.rs` (a real server on a random port over a seeded SQLite store),
//! plus the catalogue sync loop, so an approved listing reaches search as in production.

use crate::checkout::{exec, scalar};
use crate::support::{Backend, test_db};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use storefront::AppState;
use storefront::auth::password::PasswordParams;
use storefront::auth::rate_limit::RateLimiter;
use storefront::auth::{AuthSettings, AuthState, Role, SystemClock};
use storefront::db::Db;
use storefront::db::accounts::{NewUser, UserId, UserInsert};

const CHROMIUM: &str = "/usr/bin/chromium";
const PASSWORD: &str = "Qovun-va-tarvuz-2026";
/// The RFC 6238 test key, the seller's and the admin's TOTP secret.
const TOTP_SECRET: &str = "JBSWY3DPEHPK3PXP";

fn e2e_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("e2e")
}

fn ensure_toolchain() {
    assert!(
        Path::new(CHROMIUM).exists(),
        "Chromium is missing at {CHROMIUM}: apt-get install -y chromium (the browser tests never skip)"
    );
    let node = Command::new("node").arg("--version").output();
    assert!(
        node.is_ok_and(|output| output.status.success()),
        "node is missing: apt-get install -y nodejs npm"
    );
    let dir = e2e_dir();
    if !dir.join("node_modules/playwright-core").exists()
        || !dir.join("node_modules/axe-core").exists()
    {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .status()
            .expect("npm runs");
        assert!(status.success(), "npm ci failed in {}", dir.display());
    }
}

/// A grown-up account with the e2e password; staff get TOTP with [`TOTP_SECRET`] when `totp`.
async fn account(state: &AppState, email: &str, role: Role, totp: bool) -> UserId {
    let db = &state.0.db;
    let now = chrono::Utc::now();
    let hash = state.0.auth.hash(PASSWORD.to_owned()).await.unwrap();
    let UserInsert::Created(id) = db
        .insert_user(
            &NewUser {
                email: Some(email),
                phone: None,
                password_hash: &hash,
                role,
            },
            now,
        )
        .await
        .unwrap()
    else {
        panic!("{email} exists")
    };
    if totp {
        let sealed = state
            .0
            .auth
            .data_key()
            .seal(TOTP_SECRET, &storefront::auth::data_key::totp_aad(id.0))
            .unwrap();
        db.set_pending_totp_secret(id, &sealed, now).await.unwrap();
        assert!(db.enable_totp(id, &sealed, 0, &[], now).await.unwrap());
    }
    id
}

/// Reviews over the last weeks (for the heatmap), on delivered lines of one buyer's order.
async fn seed_reviews(state: &AppState, buyer: UserId) {
    use storefront::commerce::checkout::{Buyer, CheckoutInput, DeliveryInput, LineInput};
    let db = &state.0.db;
    let Db::Sqlite(pool) = db else { unreachable!() };
    let skus: Vec<String> = sqlx::query_scalar(
        "SELECT v.sku FROM product_variants v JOIN products p ON p.id = v.product_id \
         WHERE p.status = 'approved' ORDER BY p.category_id, v.id LIMIT 24",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let input = CheckoutInput {
        lines: Some(
            skus.iter()
                .map(|sku| LineInput {
                    sku: sku.clone(),
                    quantity: 1,
                })
                .collect(),
        ),
        delivery: DeliveryInput::Courier {
            region: "samarkand".to_owned(),
            address: "Registon ko'chasi 7".to_owned(),
        },
        recipient_name: None,
        recipient_phone: None,
        promo_code: None,
        expected_total_tiyin: None,
    };
    let now = chrono::Utc::now();
    let reply = storefront::commerce::checkout::place_order(
        db,
        &state.0.commerce,
        Buyer {
            user: buyer,
            child: None,
        },
        &input,
        None,
        now,
    )
    .await
    .unwrap();
    let order = reply.body["id"].as_i64().unwrap();
    let lines: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT l.id, l.product_id, p.seller_id FROM order_lines l \
         JOIN products p ON p.id = l.product_id WHERE l.order_id = $1 ORDER BY l.id",
    )
    .bind(order)
    .fetch_all(pool)
    .await
    .unwrap();
    for (index, (line, product, seller)) in lines.into_iter().enumerate() {
        let rating = [5, 4, 1, 5, 2, 3][index % 6];
        let at = now - chrono::Duration::days((index as i64 * 3) % 50);
        sqlx::query(
            "INSERT INTO reviews (product_id, seller_id, order_line_id, author_user_id, rating, \
             body, text_hash, status, screened_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, 'Yaxshi o‘yinchoq', $6, 'published', 'e2e-seed', $7)",
        )
        .bind(product)
        .bind(seller)
        .bind(line)
        .bind(buyer.0)
        .bind(rating)
        .bind(format!("dash-e2e-{line}"))
        .bind(at)
        .execute(pool)
        .await
        .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn chromium_seller_and_admin_dashboards_moderation_journey_live_stats_axe_and_screenshots() {
    ensure_toolchain();
    let test = test_db(Backend::Sqlite).await;
    let catalog = datasets::generate(7, 300);
    storefront::seed::seed_catalog(&test.db, &catalog)
        .await
        .unwrap();
    exec(&test.db, "UPDATE product_variants SET stock = 1000").await;
    let auth = AuthState::new(
        b"e2e-test-secret-of-at-least-32-bytes",
        AuthSettings {
            password: PasswordParams::INSECURE_FOR_TESTS,
            ..AuthSettings::default()
        },
        RateLimiter::in_process(),
        Arc::new(SystemClock),
    )
    .unwrap();
    let engine = engine::Engine::open_or_create(&test.dir.path().join("index")).unwrap();
    let state = AppState::new_with_auth(test.db.clone(), Arc::new(engine), auth)
        .await
        .unwrap();
    storefront::indexing::catch_up(&state.0, true)
        .await
        .unwrap();
    let shop = scalar(&test.db, "SELECT MIN(id) FROM sellers").await;
    let seller = account(&state, "dash-seller@example.uz", Role::Seller, true).await;
    test.db.set_user_seller(seller, Some(shop)).await.unwrap();
    account(&state, "dash-admin@example.uz", Role::Admin, true).await;
    account(&state, "dash-moderator@example.uz", Role::Moderator, false).await;
    let buyer = account(&state, "dash-reviewer@example.uz", Role::Parent, false).await;
    seed_reviews(&state, buyer).await;
    let category = state
        .0
        .catalog()
        .taxonomy
        .by_slug("books-3-6")
        .expect("the generated catalogue has books-3-6")
        .id;
    // The sync loop: an approved listing reaches search as in production.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let sync = tokio::spawn(storefront::indexing::run_sync_loop(
        state.0.clone(),
        stopped,
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let app = storefront::router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let artifacts = Path::new(env!("CARGO_TARGET_TMPDIR")).join("e2e-screenshots");
    // A unique made-up word, so the shopper's search finds exactly the new listing.
    let word = "Shokoladkarobka";
    let config = json!({
        "baseUrl": format!("http://{addr}"),
        "artifactsDir": artifacts,
        "password": PASSWORD,
        "totpSecret": TOTP_SECRET,
        "seller": "dash-seller@example.uz",
        "admin": "dash-admin@example.uz",
        "moderator": "dash-moderator@example.uz",
        "listing": {
            "word": word,
            "titleUz": format!("{word} shokoladli sigaretalar to‘plami"),
            "titleRu": format!("{word} шоколадные сигареты, набор конфет"),
            "description": "Chocolate cigarettes, a box of 12 candy sticks",
            "categoryId": category,
            "ageMin": 36,
            "ageMax": 144,
            "sku": "DASH-CHOCO-1",
            "price": "25000",
            "stock": "40",
            "searchAge": 60,
        },
    });
    let config_path = test.dir.path().join("dash.json");
    std::fs::write(&config_path, config.to_string()).unwrap();
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg("dash.js")
            .arg(&config_path)
            .current_dir(e2e_dir())
            .output()
            .expect("node runs")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let results: Vec<Value> = stdout
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect();
    for result in &results {
        println!("{result}");
    }
    assert!(
        output.status.success(),
        "browser tests failed (exit {:?}):\n{stdout}\n{stderr}",
        output.status.code()
    );
    let passed: Vec<&str> = results
        .iter()
        .filter(|result| result["ok"] == true)
        .filter_map(|result| result["scenario"].as_str())
        .collect();
    assert_eq!(
        passed,
        [
            "seller_submits_a_flagged_listing",
            "admin_approves_it_from_the_queue_by_keyboard",
            "shopper_finds_it_in_search",
            "live_stats_change_without_reload",
            "seller_fulfils_the_order",
            "moderator_turns_on_totp",
            "axe_and_screenshots_of_every_dashboard_page",
        ],
        "{stdout}"
    );
    // What the browser did is in the store: the listing approved by the admin, with the
    // screening's text reason; the shopper's order paid; the seller's shipment processing.
    let db = &test.db;
    let product = scalar(
        db,
        "SELECT id FROM products WHERE title_uz LIKE 'Shokoladkarobka%'",
    )
    .await;
    assert_eq!(
        scalar(
            db,
            &format!(
                "SELECT COUNT(*) FROM moderation_decisions WHERE product_id = {product} \
                 AND action = 'decide' AND to_state = 'approved' AND actor_user_id IS NOT NULL"
            )
        )
        .await,
        1
    );
    assert!(
        scalar(
            db,
            &format!(
                "SELECT COUNT(*) FROM moderation_items WHERE product_id = {product} \
                 AND reason_codes LIKE '%lexicon%'"
            )
        )
        .await
            == 1,
        "flagged by its text, not only for the missing model"
    );
    assert_eq!(
        scalar(
            db,
            &format!(
                "SELECT COUNT(*) FROM shipments s JOIN order_lines l ON l.shipment_id = s.id \
                 WHERE l.product_id = {product} AND s.status = 'processing'"
            )
        )
        .await,
        1
    );
    assert_eq!(
        scalar(
            db,
            "SELECT COUNT(*) FROM users WHERE email = 'dash-moderator@example.uz' AND totp_enabled"
        )
        .await,
        1
    );
    for page in [
        "dash-seller",
        "dash-seller-new",
        "dash-seller-edit",
        "dash-signin-code",
        "dash-admin",
        "dash-admin-moderation",
        "dash-admin-reviews",
        "dash-admin-notifications",
        "dash-admin-users",
        "dash-totp-enrol",
        "dash-totp-codes",
    ] {
        for width in ["phone", "desktop"] {
            let file = artifacts.join(format!("{page}-{width}.png"));
            assert!(file.exists(), "{} missing", file.display());
        }
    }
    stop.send(true).unwrap();
    let _ = sync.await;
    server.abort();
}
