//! Browser tests in real headless Chromium (issue 9): the real server on a random port with a
//! seeded catalogue, driven by `storefront/e2e/run.js` (playwright-core with Debian's
//! `/usr/bin/chromium`, axe-core from npm). Missing Chromium, node or the npm packages FAIL the
//! test (it runs `npm ci` itself when `node_modules` is absent); nothing is skipped.
//!
//! Scenarios: (a) a guest searches in Uzbek Cyrillic, filters by age, adds to cart, signs up at
//! checkout and pays by card (sandbox); (b) axe-core on every page type at phone and desktop
//! widths: no serious or critical violation; (c) keyboard-only checkout with a 3-D Secure card;
//! (d) 52 XSS payloads in product names, reviews and seller names never run, and an injected
//! inline handler is blocked by the CSP and reported to `/csp-report`; (e) screenshots of every
//! page type at 390×844 and 1280×800 under `target/tmp/e2e-screenshots/`.

use crate::checkout::{exec, scalar};
use crate::support::{Backend, test_db};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use storefront::AppState;
use storefront::auth::password::PasswordParams;
use storefront::auth::rate_limit::RateLimiter;
use storefront::auth::{AuthSettings, AuthState, SystemClock};
use storefront::db::Db;

pub(crate) const CHROMIUM: &str = "/usr/bin/chromium";

/// The XSS payloads: 20 product names, 20 reviews, 12 seller names. Each calls `xss()` or
/// `alert()` if it ever runs.
const PAYLOADS: [&str; 52] = [
    "<script>xss()</script>",
    "<img src=x onerror=xss()>",
    "<svg onload=xss()>",
    "<svg><script>xss()</script></svg>",
    "\"><script>xss()</script>",
    "'><img src=x onerror=xss()>",
    "<iframe src=\"javascript:xss()\"></iframe>",
    "<body onload=xss()>",
    "<details open ontoggle=xss()>",
    "<a href=\"javascript:xss()\">click</a>",
    "<math><mtext><table><mglyph><style><img src=x onerror=xss()>",
    "<input autofocus onfocus=xss()>",
    "<video><source onerror=xss()></video>",
    "<audio src=x onerror=xss()>",
    "<marquee onstart=xss()>m</marquee>",
    "<object data=\"javascript:xss()\"></object>",
    "<embed src=\"javascript:xss()\">",
    "<scr<script>ipt>xss()</script>",
    "</title><script>xss()</script>",
    "</textarea><script>xss()</script>",
    "<style>@import 'javascript:xss()';</style>",
    "<img src=\"x\" onerror=\"alert(1)\">",
    "<script>alert(document.cookie)</script>",
    "javascript:alert(1)",
    "<svg/onload=alert(1)>",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "<div style=\"background:url(javascript:xss())\">d</div>",
    "<base href=\"javascript:xss()//\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:xss()\">",
    "<form action=\"javascript:xss()\"><button>b</button></form>",
    "<button formaction=javascript:xss()>b</button>",
    "<select autofocus onfocus=xss()>",
    "<textarea autofocus onfocus=xss()>",
    "<keygen autofocus onfocus=xss()>",
    "<isindex type=image src=1 onerror=xss()>",
    "<img src=`x` onerror=xss()>",
    "<img src=x onerror=&#120;&#115;&#115;()>",
    "<svg><animate onbegin=xss() attributeName=x dur=1s>",
    "<svg><set onbegin=xss() attributename=x to=1>",
    "<x onclick=xss()>click me</x>",
    "{{constructor.constructor('xss()')()}}",
    "${xss()}",
    "<noscript><p title=\"</noscript><img src=x onerror=xss()>\">",
    "<template><script>xss()</script></template>",
    "<img/src/onerror=xss()>",
    "<script src=data:,xss()></script>",
    "<link rel=stylesheet href=javascript:xss()>",
    "<table background=\"javascript:xss()\">",
    "<a href=\"&#106;avascript:xss()\">j</a>",
    "<svg><a xlink:href=\"javascript:xss()\"><text>t</text></a></svg>",
    "'';!--\"<XSS>=&{()}",
    "<<SCRIPT>xss();//<</SCRIPT>",
];
const PRODUCT_PAYLOADS: usize = 20;
const REVIEW_PAYLOADS: usize = 20;
/// A word every XSS product's name carries, to find them all with one search.
const XSS_MARKER: &str = "Xssmarker";

pub(crate) fn e2e_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("e2e")
}

/// Checks the browser and the npm packages; runs `npm ci` when `node_modules` is missing.
pub(crate) fn ensure_toolchain() {
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

pub(crate) async fn seed(db: &Db) {
    let catalog = datasets::generate(7, 300);
    storefront::seed::seed_catalog(db, &catalog).await.unwrap();
    // Plenty of stock, so every scenario can buy.
    exec(db, "UPDATE product_variants SET stock = 1000").await;
    let category = scalar(db, "SELECT MIN(id) FROM categories WHERE parent_id IS NULL").await;
    let sellers = PAYLOADS.len() - PRODUCT_PAYLOADS - REVIEW_PAYLOADS;
    for (index, name) in PAYLOADS[PRODUCT_PAYLOADS + REVIEW_PAYLOADS..]
        .iter()
        .enumerate()
    {
        let Db::Sqlite(pool) = db else { unreachable!() };
        sqlx::query(
            "INSERT INTO sellers (id, slug, name, region) VALUES ($1, $2, $3, 'tashkent_city')",
        )
        .bind(9_001 + index as i64)
        .bind(format!("xss-shop-{index}"))
        .bind(*name)
        .execute(pool)
        .await
        .unwrap();
    }
    for (index, payload) in PAYLOADS[..PRODUCT_PAYLOADS].iter().enumerate() {
        let Db::Sqlite(pool) = db else { unreachable!() };
        let id = 90_001 + index as i64;
        sqlx::query(
            "INSERT INTO products (id, seller_id, category_id, title_uz, description_uz, \
             age_min_months, age_max_months, status, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, 0, 216, 'approved', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
        )
        .bind(id)
        .bind(9_001 + (index % sellers) as i64)
        .bind(category)
        .bind(format!("{XSS_MARKER} {payload}"))
        .bind(*payload)
        .execute(pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO product_variants (product_id, sku, price_tiyin, stock) VALUES ($1, $2, 1500000, 50)",
        )
        .bind(id)
        .bind(format!("XSS-{index}"))
        .execute(pool)
        .await
        .unwrap();
    }
}

/// Reviews with the payloads, on delivered order lines of a real order (reviews need a
/// verified purchase).
async fn seed_reviews(state: &AppState) {
    use storefront::commerce::checkout::{Buyer, CheckoutInput, DeliveryInput, LineInput};
    let db = &state.0.db;
    let hash = state
        .0
        .auth
        .hash("reviewer password 2026".to_owned())
        .await
        .unwrap();
    let now = chrono::Utc::now();
    let storefront::db::accounts::UserInsert::Created(buyer) = db
        .insert_user(
            &storefront::db::accounts::NewUser {
                email: Some("reviewer@example.uz"),
                phone: None,
                password_hash: &hash,
                role: storefront::auth::Role::Parent,
            },
            now,
        )
        .await
        .unwrap()
    else {
        panic!("reviewer exists")
    };
    let input = CheckoutInput {
        lines: Some(
            (0..REVIEW_PAYLOADS)
                .map(|index| LineInput {
                    sku: format!("XSS-{index}"),
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
    let Db::Sqlite(pool) = db else { unreachable!() };
    let lines: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT l.id, l.product_id, p.seller_id FROM order_lines l JOIN products p ON p.id = l.product_id \
         WHERE l.order_id = $1 ORDER BY l.product_id",
    )
    .bind(order)
    .fetch_all(pool)
    .await
    .unwrap();
    assert_eq!(lines.len(), REVIEW_PAYLOADS);
    for ((line, product, seller), text) in lines
        .into_iter()
        .zip(&PAYLOADS[PRODUCT_PAYLOADS..PRODUCT_PAYLOADS + REVIEW_PAYLOADS])
    {
        sqlx::query(
            "INSERT INTO reviews (product_id, seller_id, order_line_id, author_user_id, rating, body, \
             text_hash, status, screened_by, created_at) \
             VALUES ($1, $2, $3, $4, 4, $5, $6, 'published', 'e2e-seed', '2026-01-02T00:00:00Z')",
        )
        .bind(product)
        .bind(seller)
        .bind(line)
        .bind(buyer.0)
        .bind(*text)
        .bind(format!("e2e-{line}"))
        .execute(pool)
        .await
        .unwrap();
    }
}

/// An approved product with a Cyrillic Uzbek title that a Cyrillic search finds at some age.
async fn pick_search(state: &AppState) -> (u64, String, u16, String) {
    let Db::Sqlite(pool) = &state.0.db else {
        unreachable!()
    };
    let rows: Vec<(i64, String, Option<String>, i64, i64)> = sqlx::query_as(
        "SELECT id, title_uz_cyrl, title_uz, age_min_months, age_max_months FROM products \
         WHERE status = 'approved' AND title_uz_cyrl IS NOT NULL AND id < 90000 ORDER BY id",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for (id, cyrillic, latin, min, max) in rows {
        let Some(age) = storefront::web::layout::AGE_CHOICES
            .into_iter()
            .find(|age| (min..=max).contains(&i64::from(*age)))
        else {
            continue;
        };
        let Some(word) = cyrillic
            .split(|c: char| !c.is_alphabetic())
            .find(|word| word.chars().count() >= 5)
        else {
            continue;
        };
        let query = format!(
            "q={}&age_months={age}&lang=uz-Cyrl&in_stock=true",
            urlencode(word)
        );
        let params = storefront::routes::search::SearchParams::parse(Some(&query)).unwrap();
        let found = storefront::routes::search::execute(state, params)
            .await
            .unwrap();
        let latin_word = latin
            .as_deref()
            .and_then(|title| title.split(' ').find(|word| word.chars().count() >= 4))
            .unwrap_or("lego")
            .to_owned();
        if found.total > 0 {
            return (id as u64, word.to_owned(), age, latin_word);
        }
    }
    panic!("no product found by a Cyrillic search");
}

fn urlencode(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn chromium_shopper_journeys_accessibility_keyboard_xss_and_screenshots() {
    ensure_toolchain();
    let test = test_db(Backend::Sqlite).await;
    seed(&test.db).await;
    let state = build_state(&test).await;
    seed_reviews(&state).await;
    let (product, query, age, latin_query) = pick_search(&state).await;
    // The home page: six featured products for the default age (5 years) and a banner.
    exec(
        &test.db,
        "INSERT INTO featured_products (product_id, source, seller_id, created_at) \
         SELECT id, 'admin', seller_id, '2026-01-01T00:00:00Z' FROM products \
         WHERE status = 'approved' AND age_min_months <= 60 AND age_max_months >= 60 \
         AND id < 90000 ORDER BY id LIMIT 6",
    )
    .await;
    let banner = storefront::banners::BannerInput {
        lang: None,
        title: "Yangi o‘yinchoqlar keldi".to_owned(),
        body: Some("Konstruktorlar va boshqotirmalar — 5 yoshdan".to_owned()),
        link_path: Some("/search?category=toys&age_months=60".to_owned()),
        position: None,
        active: None,
    }
    .validate()
    .unwrap();
    test.db
        .insert_banner(
            &banner,
            storefront::db::accounts::UserId(1),
            chrono::Utc::now(),
        )
        .await
        .unwrap()
        .unwrap();
    let (addr, server) = serve(&state).await;

    let artifacts = Path::new(env!("CARGO_TARGET_TMPDIR")).join("e2e-screenshots");
    let config = json!({
        "baseUrl": format!("http://{addr}"),
        "artifactsDir": artifacts,
        "productId": product,
        "search": { "query": query, "ageMonths": age, "latinQuery": latin_query },
        "xss": {
            "marker": XSS_MARKER,
            "productIds": (0..PRODUCT_PAYLOADS).map(|index| 90_001 + index).collect::<Vec<_>>(),
            "payloads": PAYLOADS.to_vec(),
        },
    });
    let reports_before = storefront::web::CSP_REPORTS.load(Ordering::Relaxed);
    let results = run_node("run.js", &config, test.dir.path()).await;
    let stdout = results
        .iter()
        .map(Value::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    let passed: Vec<&str> = results
        .iter()
        .filter(|result| result["ok"] == true)
        .filter_map(|result| result["scenario"].as_str())
        .collect();
    assert_eq!(
        passed,
        [
            "guest_search_cart_card",
            "axe_every_page_type",
            "keyboard_only_checkout",
            "xss_payloads_never_run",
            "screenshots_phone_and_desktop"
        ],
        "{stdout}"
    );
    // The blocked inline handler reached the report endpoint.
    let mut reports = 0;
    for _ in 0..40 {
        reports = storefront::web::CSP_REPORTS.load(Ordering::Relaxed) - reports_before;
        if reports > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(reports > 0, "no CSP violation report arrived");
    // Orders were paid in the browser: the guest's and the keyboard one (axe and the
    // screenshots leave theirs unpaid).
    assert!(
        scalar(
            &test.db,
            "SELECT COUNT(*) FROM orders WHERE status = 'paid'"
        )
        .await
            >= 2
    );
    for page in [
        "home", "search", "product", "cart", "checkout", "pay", "orders", "signin",
    ] {
        for width in ["phone", "desktop"] {
            let file = artifacts.join(format!("{page}-{width}.png"));
            assert!(file.exists(), "{} missing", file.display());
        }
    }
    server.abort();
}

/// The state the browser tests serve: the test database, a fresh index caught up with it, the
/// insecure-for-tests password hashing, and Payme and Click configured (so the payment page
/// shows their links).
pub(crate) async fn build_state(test: &crate::support::TestDb) -> AppState {
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
    let mut state = AppState::new_with_auth(test.db.clone(), Arc::new(engine), auth)
        .await
        .unwrap();
    state
        .set_payments(storefront::payments::Payments::new(crate::payme::settings()))
        .unwrap();
    storefront::indexing::catch_up(&state.0, true)
        .await
        .unwrap();
    state
}

/// Serves `state` on a random local port.
pub(crate) async fn serve(
    state: &AppState,
) -> (SocketAddr, tokio::task::JoinHandle<std::io::Result<()>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let app = storefront::router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    (addr, server)
}

/// Runs `node <script> <config>` in `storefront/e2e/` (the config written into `dir`), prints
/// the result lines, fails unless node exits successfully, and returns the result lines.
pub(crate) async fn run_node(script: &str, config: &Value, dir: &Path) -> Vec<Value> {
    let config_path = dir.join(format!("{script}.json"));
    std::fs::write(&config_path, config.to_string()).unwrap();
    let script = script.to_owned();
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg(&script)
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
    results
}
