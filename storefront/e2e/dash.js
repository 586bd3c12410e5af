// bolajon's dashboard browser tests, run by the storefront integration test `web::dash_e2e`
// against a real server it started (never on their own): real headless Chromium (Debian's
// /usr/bin/chromium) driven by playwright-core, accessibility checked by axe-core.
//
// Input: a JSON file named by the first argument (see dash_e2e.rs): baseUrl, artifactsDir,
// password, totpSecret, the seller's, admin's and moderator's emails, and the listing to submit.
// Output: one JSON line per scenario on stdout ({scenario, ok, details}); exit code 1 when any
// scenario failed, 2 when the browser or the input is missing. Scenarios run in order and
// share what earlier ones made (the signed-in sessions, the listing, the order).

"use strict";

const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const { chromium } = require("playwright-core");
const { fullPageScreenshot } = require("./screenshot");

const CHROMIUM = process.env.BOLAJON_CHROMIUM || "/usr/bin/chromium";
const AXE_SOURCE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const VIEWPORTS = [
  { name: "phone", width: 390, height: 844 },
  { name: "desktop", width: 1280, height: 800 },
];
const SHOPPER_PASSWORD = "Qovun-va-tarvuz-2026";

function check(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

/// RFC 4648 base32 (no padding) to bytes.
function base32Decode(text) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  const out = [];
  for (const char of text.replace(/[\s=]/g, "").toUpperCase()) {
    const index = alphabet.indexOf(char);
    check(index >= 0, `not base32: ${char}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/// RFC 6238 TOTP (SHA-1, 30 s, 6 digits), what an authenticator app shows now.
function totp(secret, at = Date.now()) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = crypto.createHmac("sha1", base32Decode(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1000000;
  return String(code).padStart(6, "0");
}

async function newContext(browser, config, viewport, storageState) {
  const context = await browser.newContext({
    baseURL: config.baseUrl,
    viewport: viewport || VIEWPORTS[1],
    locale: "uz-UZ",
    storageState,
  });
  context.setDefaultTimeout(15000);
  return context;
}

function pathOf(page) {
  return new URL(page.url()).pathname;
}

/// The password step; returns on the page that follows it.
async function passwordStep(page, email, password, next) {
  await page.goto(`/signin?next=${encodeURIComponent(next)}`);
  await page.fill("#login", email);
  await page.fill("#password", password);
  await Promise.all([page.waitForNavigation(), page.click("form[action='/signin'] button[type=submit]")]);
}

/// Signs staff in: password, then the TOTP step with the app's current code.
async function staffSignIn(page, config, email, next) {
  await passwordStep(page, email, config.password, next);
  check((await page.locator("form[action='/signin/2fa']").count()) === 1, `no code step for ${email}: ${page.url()}`);
  await page.fill("#code", totp(config.totpSecret));
  await Promise.all([page.waitForNavigation(), page.click("form[action='/signin/2fa'] button[type=submit]")]);
  check(pathOf(page) === next, `${email} signed in to ${page.url()}, expected ${next}`);
}

async function axe(page) {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const outcome = await window.axe.run(document, { resultTypes: ["violations"] });
    return outcome.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      nodes: violation.nodes.slice(0, 3).map((node) => node.target.join(" ")),
    }));
  });
  return {
    bad: violations.filter((v) => v.impact === "serious" || v.impact === "critical"),
    minor: violations.filter((v) => v.impact !== "serious" && v.impact !== "critical").map((v) => `${v.id}:${v.impact}`),
  };
}

/// Runs axe and takes a full-page screenshot named `dash-<name>-<viewport>.png`.
async function inspect(page, config, name, viewport, report) {
  const result = await axe(page);
  const file = path.join(config.artifactsDir, `dash-${name}-${viewport.name}.png`);
  await fullPageScreenshot(page, file);
  check(fs.statSync(file).size > 2000, `${file} is empty`);
  report.push({ page: name, viewport: viewport.name, bad: result.bad, minor: result.minor });
}

// The date cells of the page's tables, and those that wrap ("2026-12-" over "07").
async function wrappedDates(page) {
  return page.evaluate(() => {
    const cells = [...document.querySelectorAll("td.date")];
    const wrapped = cells.filter((cell) => {
      const range = document.createRange();
      range.selectNodeContents(cell);
      return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size > 1;
    });
    return { cells: cells.length, wrapped: wrapped.map((cell) => cell.textContent.trim()) };
  });
}

async function tabTo(page, matches, arg, limit) {
  for (let i = 0; i < limit; i += 1) {
    await page.keyboard.press("Tab");
    if (await page.evaluate(matches, arg)) {
      return i + 1;
    }
  }
  throw new Error(`Tab never reached the element within ${limit} presses`);
}

const shared = {};

// 1. A seller signs in (TOTP step) and submits a listing whose text gets it flagged.
async function sellerSubmits(browser, config) {
  const context = await newContext(browser, config);
  const page = await context.newPage();
  await staffSignIn(page, config, config.seller, "/seller");
  await Promise.all([page.waitForNavigation(), page.click("a[href='/seller/products/new']")]);
  const listing = config.listing;
  await page.fill("#title_uz", listing.titleUz);
  await page.fill("#title_ru", listing.titleRu);
  await page.fill("#description_en", listing.description);
  await page.selectOption("#category_id", String(listing.categoryId));
  await page.fill("#age_min", String(listing.ageMin));
  await page.fill("#age_max", String(listing.ageMax));
  await page.fill("#sku_0", listing.sku);
  await page.fill("#price_0", listing.price);
  await page.fill("#stock_0", listing.stock);
  await Promise.all([page.waitForNavigation(), page.click("form[action='/seller/products/new'] button[type=submit]")]);
  const match = /^\/seller\/products\/(\d+)$/.exec(pathOf(page));
  check(match, `the new listing went to ${page.url()}`);
  shared.productId = Number(match[1]);
  const badge = (await page.textContent(".moderation-box .badge")).trim();
  check(badge === "Tekshiruvga yuborilgan", `the listing is not flagged: ${badge}`);
  const reasons = await page.textContent(".moderation-box .reasons");
  check(/lexicon_/.test(reasons), `no text reason shown to the seller: ${reasons}`);
  shared.sellerState = await context.storageState();
  await context.close();
  return { productId: shared.productId, badge, reasons: reasons.replace(/\s+/g, " ").trim() };
}

// 2. An admin signs in (TOTP step) and approves the listing in the queue, keyboard only.
async function adminApproves(browser, config) {
  const context = await newContext(browser, config);
  const page = await context.newPage();
  await staffSignIn(page, config, config.admin, "/admin");
  shared.adminState = await context.storageState();
  await page.goto("/admin/moderation?state=flagged");
  const item = page.locator(`#item-${shared.productId}`);
  check((await item.count()) === 1, "the flagged listing is in the queue");
  const marked = await item.locator(".highlights mark").allTextContents();
  check(marked.length > 0, "the reason's words are highlighted in the listing's text");
  const score = Number(await item.locator("meter").getAttribute("value"));
  check(score >= 0.4 && score < 0.8, `AI score ${score} is a review score`);
  // Keyboard only: Tab from the top of the page to this item's approve button, then Enter.
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  const presses = await tabTo(
    page,
    (value) => document.activeElement && document.activeElement.tagName === "BUTTON" && document.activeElement.value === value,
    `approve:${shared.productId}`,
    300,
  );
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  check(outline !== "none", "the focused button shows a focus outline");
  const name = await page.evaluate(() => document.activeElement.getAttribute("aria-label"));
  check(name && name.includes(config.listing.word), `the approve button names the product: ${name}`);
  // The reject button is reachable too (one more Tab), then back.
  await page.keyboard.press("Tab");
  const next = await page.evaluate(() => document.activeElement.value);
  check(next === `reject:${shared.productId}`, `Tab after approve reached ${next}`);
  await page.keyboard.press("Shift+Tab");
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  const url = new URL(page.url());
  check(url.pathname === "/admin/moderation" && url.searchParams.get("done") === "1", `after approving: ${page.url()}`);
  await context.close();
  return { presses, marked, score };
}

// 3. The approved listing appears in a shopper's search.
async function shopperFinds(browser, config) {
  const context = await newContext(browser, config, VIEWPORTS[0]);
  const page = await context.newPage();
  const url = `/search?q=${encodeURIComponent(config.listing.word)}&age_months=${config.listing.searchAge}`;
  const started = Date.now();
  let found = 0;
  while (Date.now() - started < 20000) {
    await page.goto(url);
    found = await page.locator(`a[href='/products/${shared.productId}']`).count();
    if (found > 0) {
      break;
    }
    await page.waitForTimeout(300);
  }
  check(found > 0, `the approved listing is not in search after ${Date.now() - started} ms`);
  await context.close();
  return { afterMs: Date.now() - started };
}

// 4. The admin's live statistics change without a reload when a shopper orders and pays.
async function liveStats(browser, config) {
  const adminContext = await newContext(browser, config, VIEWPORTS[1], shared.adminState);
  const admin = await adminContext.newPage();
  await admin.goto("/admin");
  await admin.waitForFunction(() => {
    const live = document.querySelector("[data-live]");
    return live && live.getAttribute("data-live-state") === "open" && Number(live.getAttribute("data-live-events") || 0) >= 1;
  });
  const before = {
    orders: (await admin.textContent("[data-stat=orders_today]")).trim(),
    paid: (await admin.textContent("[data-stat=paid_today]")).trim(),
  };
  await admin.evaluate(() => { window.__sameDocument = true; });
  // A shopper registers, orders the new product and pays by card (sandbox).
  const shopperContext = await newContext(browser, config, VIEWPORTS[0]);
  const shopper = await shopperContext.newPage();
  await shopper.goto("/signin?next=/orders");
  await shopper.fill("#reg-email", `dash-shopper-${process.pid}-${Date.now()}@example.uz`);
  await shopper.fill("#reg-password", SHOPPER_PASSWORD);
  await Promise.all([shopper.waitForNavigation(), shopper.click("form[action='/register'] button[type=submit]")]);
  await shopper.goto(`/products/${shared.productId}`);
  await Promise.all([shopper.waitForNavigation(), shopper.click("form.add button[type=submit]")]);
  await shopper.goto("/checkout");
  await shopper.fill("#address", "Toshkent, Yunusobod 4, 9-uy");
  await shopper.fill("#recipient_name", "Malika");
  await shopper.fill("#recipient_phone", "+998901234567");
  await Promise.all([shopper.waitForNavigation(), shopper.click("form[action='/checkout'] button[type=submit]")]);
  const pay = /^\/orders\/(\d+)\/pay$/.exec(pathOf(shopper));
  check(pay, `checkout went to ${shopper.url()}`);
  shared.orderId = Number(pay[1]);
  await admin.waitForFunction((previous) => document.querySelector("[data-stat=orders_today]").textContent.trim() !== previous, before.orders, { timeout: 20000 });
  const afterOrder = (await admin.textContent("[data-stat=orders_today]")).trim();
  await shopper.fill("#card_number", "4242 4242 4242 4242");
  await shopper.fill("#exp_month", "12");
  await shopper.fill("#exp_year", "2031");
  await shopper.fill("#cvc", "123");
  await Promise.all([shopper.waitForNavigation(), shopper.click("form.card button[type=submit]")]);
  check(pathOf(shopper) === "/orders", `after paying: ${shopper.url()}`);
  await admin.waitForFunction((previous) => document.querySelector("[data-stat=paid_today]").textContent.trim() !== previous, before.paid, { timeout: 20000 });
  const afterPaid = (await admin.textContent("[data-stat=paid_today]")).trim();
  check(Number(afterOrder) === Number(before.orders) + 1, `orders today ${before.orders} → ${afterOrder}`);
  check(Number(afterPaid) === Number(before.paid) + 1, `paid today ${before.paid} → ${afterPaid}`);
  check(await admin.evaluate(() => window.__sameDocument === true), "the admin page reloaded");
  const events = await admin.evaluate(() => document.querySelector("[data-live]").getAttribute("data-live-events"));
  await shopperContext.close();
  await adminContext.close();
  return { before, afterOrder, afterPaid, events: Number(events), order: shared.orderId };
}

// 5. The seller marks the paid order processing.
async function sellerFulfils(browser, config) {
  const context = await newContext(browser, config, VIEWPORTS[0], shared.sellerState);
  const page = await context.newPage();
  await page.goto("/seller");
  const row = page.locator(`li.product-row[data-order='${shared.orderId}']`);
  check((await row.count()) === 1, `order #${shared.orderId} is not among the orders to fulfil`);
  await Promise.all([page.waitForNavigation(), row.locator("button[type=submit]").click()]);
  check(pathOf(page) === "/seller", `after marking: ${page.url()}`);
  const after = page.locator(`li.product-row[data-order='${shared.orderId}']`);
  const badge = (await after.locator(".badge").textContent()).trim();
  check(badge === "Tayyorlanmoqda", `the shipment is ${badge}`);
  await context.close();
  return { order: shared.orderId, status: badge };
}

// 6. A moderator without TOTP is sent to turn it on, does so in the browser (axe and screenshots
// of both steps at both widths), then reaches the queue.
async function moderatorEnrols(browser, config) {
  fs.mkdirSync(config.artifactsDir, { recursive: true });
  const context = await newContext(browser, config, VIEWPORTS[0]);
  const page = await context.newPage();
  await passwordStep(page, config.moderator, config.password, "/admin/moderation");
  check(pathOf(page) === "/account/2fa", `a moderator without TOTP went to ${page.url()}`);
  shared.report = shared.report || [];
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize({ width: viewport.width, height: viewport.height });
    await inspect(page, config, "totp-enrol", viewport, shared.report);
  }
  const secret = await page.getAttribute("#totp-secret", "data-secret");
  await page.fill("#code", totp(secret));
  await Promise.all([page.waitForNavigation(), page.click("form[action='/account/2fa'] button[type=submit]")]);
  const codes = await page.locator("ul.codes li").count();
  check(codes === 10, `${codes} recovery codes shown`);
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize({ width: viewport.width, height: viewport.height });
    await inspect(page, config, "totp-codes", viewport, shared.report);
  }
  await Promise.all([page.waitForNavigation(), page.click("a.button")]);
  check(pathOf(page) === "/admin/moderation", `after enrolling: ${page.url()}`);
  await context.close();
  return { recoveryCodes: codes };
}

// 7. axe-core and screenshots on every new page type, phone and desktop.
async function everyPage(browser, config) {
  const report = shared.report || [];
  for (const viewport of VIEWPORTS) {
    const seller = await newContext(browser, config, viewport, shared.sellerState);
    const sellerPage = await seller.newPage();
    for (const [name, url] of [
      ["seller", "/seller"],
      ["seller-new", "/seller/products/new"],
      ["seller-edit", `/seller/products/${shared.productId}`],
    ]) {
      await sellerPage.goto(url);
      check(pathOf(sellerPage) === url, `${url} went to ${sellerPage.url()}`);
      await inspect(sellerPage, config, name, viewport, report);
    }
    await seller.close();
    const admin = await newContext(browser, config, viewport, shared.adminState);
    const adminPage = await admin.newPage();
    for (const [name, url] of [
      ["admin", "/admin"],
      ["admin-moderation", "/admin/moderation?state=all"],
      ["admin-reviews", "/admin/reviews"],
      ["admin-notifications", "/admin/notifications"],
      ["admin-users", "/admin/users"],
    ]) {
      await adminPage.goto(url);
      check(pathOf(adminPage) === url.split("?")[0], `${url} went to ${adminPage.url()}`);
      if (name === "admin") {
        await adminPage.waitForFunction(() => document.querySelector("[data-live]").getAttribute("data-live-state") === "open");
      }
      await inspect(adminPage, config, name, viewport, report);
      if (name === "admin-notifications" || name === "admin-users") {
        const dates = await wrappedDates(adminPage);
        check(dates.cells > 0, `${name}: no date cells`);
        check(dates.wrapped.length === 0, `${name} (${viewport.name}): dates wrap: ${JSON.stringify(dates.wrapped)}`);
      }
    }
    await admin.close();
    // The code step of a staff sign-in (the password only; no code is spent).
    const guest = await newContext(browser, config, viewport);
    const guestPage = await guest.newPage();
    await passwordStep(guestPage, config.admin, config.password, "/admin");
    check((await guestPage.locator("form[action='/signin/2fa']").count()) === 1, "the code step");
    await inspect(guestPage, config, "signin-code", viewport, report);
    await guest.close();
  }
  const failures = report.filter((visit) => visit.bad.length > 0);
  check(failures.length === 0, `serious/critical axe violations: ${JSON.stringify(failures)}`);
  check(report.length >= 22, `only ${report.length} pages checked`);
  return report.map((visit) => ({ page: visit.page, viewport: visit.viewport, minor: visit.minor }));
}

const SCENARIOS = [
  ["seller_submits_a_flagged_listing", sellerSubmits],
  ["admin_approves_it_from_the_queue_by_keyboard", adminApproves],
  ["shopper_finds_it_in_search", shopperFinds],
  ["live_stats_change_without_reload", liveStats],
  ["seller_fulfils_the_order", sellerFulfils],
  ["moderator_turns_on_totp", moderatorEnrols],
  ["axe_and_screenshots_of_every_dashboard_page", everyPage],
];

async function main() {
  const input = process.argv[2];
  if (!input) {
    console.error("usage: node dash.js <config.json>");
    process.exit(2);
  }
  const config = JSON.parse(fs.readFileSync(input, "utf8"));
  if (!fs.existsSync(CHROMIUM)) {
    console.error(`chromium is missing at ${CHROMIUM} (apt-get install -y chromium)`);
    process.exit(2);
  }
  fs.mkdirSync(config.artifactsDir, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  let failed = 0;
  for (const [name, scenario] of SCENARIOS) {
    try {
      const details = await scenario(browser, config);
      console.log(JSON.stringify({ scenario: name, ok: true, details }));
    } catch (error) {
      failed += 1;
      console.log(JSON.stringify({ scenario: name, ok: false, details: String((error && error.stack) || error) }));
    }
  }
  await browser.close();
  process.exit(failed ? 1 : 0);
}

main().catch((error) => {
  console.error(error);
  process.exit(2);
});
