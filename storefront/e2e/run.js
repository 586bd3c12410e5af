// bolajon's browser tests, run by the storefront integration test `web::e2e` against a real
// server it started (never on their own): real headless Chromium (Debian's /usr/bin/chromium)
// driven by playwright-core, accessibility checked by axe-core.
//
// Input: a JSON file named by the first argument:
//   { baseUrl, artifactsDir, search: { query, ageMonths }, xss: { productIds, payloadCount } }
// Output: one JSON line per scenario on stdout ({scenario, ok, details}); exit code 1 when any
// scenario failed, 2 when the browser or the input is missing.

"use strict";

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
const PASSWORD = "Qovun-va-tarvuz-2026";

function fail(message) {
  throw new Error(message);
}

function check(condition, message) {
  if (!condition) {
    fail(message);
  }
}

let emailCounter = 0;
function freshEmail() {
  emailCounter += 1;
  return `e2e-${process.pid}-${Date.now()}-${emailCounter}@example.uz`;
}

async function newContext(browser, config, viewport) {
  const context = await browser.newContext({
    baseURL: config.baseUrl,
    viewport: viewport || VIEWPORTS[0],
    locale: "uz-UZ",
  });
  context.setDefaultTimeout(15000);
  return context;
}

/// Registers a fresh parent through the sign-in page's form; the page ends on `next`.
async function registerThroughForm(page) {
  const email = freshEmail();
  await page.fill("#reg-email", email);
  await page.fill("#reg-password", PASSWORD);
  await Promise.all([
    page.waitForNavigation(),
    page.click("form[action='/register'] button[type=submit]"),
  ]);
  return email;
}

async function addFirstProductToCart(page, productUrl) {
  await page.goto(productUrl);
  await Promise.all([page.waitForNavigation(), page.click("form.add button[type=submit]")]);
  check(new URL(page.url()).pathname === "/cart", `add to cart went to ${page.url()}`);
  check((await page.locator(".cart-line").count()) > 0, "the cart has a line");
}

async function payWithCard(page, number) {
  await page.fill("#card_number", number);
  await page.fill("#exp_month", "12");
  await page.fill("#exp_year", "2031");
  await page.fill("#cvc", "123");
  await Promise.all([page.waitForNavigation(), page.click("form.card button[type=submit]")]);
}

async function fillCheckout(page) {
  await page.fill("#address", "Toshkent, Chilonzor 7, 12-uy");
  await page.fill("#recipient_name", "Dilnoza");
  await page.fill("#recipient_phone", "+998901234567");
  await Promise.all([
    page.waitForNavigation(),
    page.click("form[action='/checkout'] button[type=submit]"),
  ]);
  check(/\/orders\/\d+\/pay$/.test(new URL(page.url()).pathname), `checkout went to ${page.url()}`);
}

// (a) A guest searches in Uzbek Cyrillic, filters by age, adds to cart, registers at checkout
// and pays by card (sandbox).
async function guestSearchesAndPays(browser, config) {
  const context = await newContext(browser, config);
  const page = await context.newPage();
  const details = {};
  await page.goto("/?lang=uz-Cyrl");
  check((await page.getAttribute("html", "lang")) === "uz-Cyrl", "the page is in uz-Cyrl");
  await page.fill("#q", config.search.query);
  // The as-you-type suggestions (script) may or may not have anything; Enter submits the form.
  await Promise.all([page.waitForNavigation(), page.press("#q", "Enter")]);
  check(new URL(page.url()).pathname === "/search", `search went to ${page.url()}`);
  // Filter by age: the select submits its form on change (the script), like "Apply" does.
  await Promise.all([
    page.waitForNavigation(),
    page.selectOption("#f-age", String(config.search.ageMonths)),
  ]);
  const url = new URL(page.url());
  check(url.searchParams.get("age_months") === String(config.search.ageMonths), `age filter not applied: ${page.url()}`);
  await Promise.all([page.waitForNavigation(), page.check("#f-stock")]);
  const cards = page.locator("ul.grid li.card a");
  const found = await cards.count();
  details.results = found;
  check(found > 0, `no results for ${config.search.query} at ${config.search.ageMonths} months`);
  const heading = await page.textContent("#results-heading");
  check(/маҳсулот топилди/.test(heading), `results heading is not Cyrillic Uzbek: ${heading}`);
  await Promise.all([page.waitForNavigation(), cards.first().click()]);
  check(/^\/products\/\d+$/.test(new URL(page.url()).pathname), `card went to ${page.url()}`);
  await Promise.all([page.waitForNavigation(), page.click("form.add button[type=submit]")]);
  check((await page.locator(".cart-line").count()) === 1, "one line in the cart");
  await Promise.all([page.waitForNavigation(), page.click("a[href='/checkout']")]);
  check(new URL(page.url()).pathname === "/signin", `a guest checkout asks to sign in, got ${page.url()}`);
  details.email = await registerThroughForm(page);
  check(new URL(page.url()).pathname === "/checkout", `after registering: ${page.url()}`);
  check((await page.locator("ul.summary li").count()) === 1, "the guest cart survived signing up");
  await fillCheckout(page);
  await payWithCard(page, "4242 4242 4242 4242");
  check(new URL(page.url()).pathname === "/orders", `after paying: ${page.url()}`);
  const notice = await page.textContent(".notice");
  check(/Тўлов қабул қилинди/.test(notice), `no Cyrillic thank-you: ${notice}`);
  const status = await page.textContent("table.orders tbody tr td:nth-child(3)");
  check(status.trim() === "Тўланган", `order status ${status}`);
  details.order = await page.textContent("table.orders tbody tr td:first-child");
  await context.close();
  return details;
}

/// Visits every page type, calling `visit(page, name)` on each; `setup` leaves a signed-in
/// buyer with a cart line and an order to pay.
async function eachPageType(browser, config, viewport, visit) {
  const context = await newContext(browser, config, viewport);
  const page = await context.newPage();
  const productUrl = `/products/${config.productId}`;
  const visits = [];
  const go = async (name, url) => {
    await page.goto(url);
    visits.push(await visit(page, name));
  };
  await go("home", "/");
  await go("search", `/search?q=${encodeURIComponent(config.search.latinQuery)}&age_months=${config.search.ageMonths}`);
  await go("product", productUrl);
  await go("signin", "/signin");
  await page.goto("/signin?next=/orders");
  await registerThroughForm(page);
  await addFirstProductToCart(page, productUrl);
  visits.push(await visit(page, "cart"));
  await go("checkout", "/checkout");
  await fillCheckout(page);
  visits.push(await visit(page, "pay"));
  await go("orders", "/orders");
  await go("not-found", "/products/999999999");
  await context.close();
  return visits;
}

// (b) axe-core on every page type, phone and desktop: no serious or critical violation.
async function accessibility(browser, config) {
  const report = [];
  for (const viewport of [VIEWPORTS[0], VIEWPORTS[1]]) {
    const visits = await eachPageType(browser, config, viewport, async (page, name) => {
      // Evaluated through the DevTools protocol: the page's CSP still applies to everything
      // the page itself loads.
      await page.evaluate(AXE_SOURCE);
      const result = await page.evaluate(async () => {
        const outcome = await window.axe.run(document, { resultTypes: ["violations"] });
        return outcome.violations.map((violation) => ({
          id: violation.id,
          impact: violation.impact,
          nodes: violation.nodes.slice(0, 3).map((node) => node.target.join(" ")),
        }));
      });
      const bad = result.filter((violation) => violation.impact === "serious" || violation.impact === "critical");
      return { page: name, viewport: viewport.name, violations: result, bad };
    });
    report.push(...visits);
  }
  const failures = report.filter((visit) => visit.bad.length > 0);
  check(failures.length === 0, `serious/critical axe violations: ${JSON.stringify(failures)}`);
  check(report.length >= 18, `only ${report.length} pages checked`);
  return report.map((visit) => ({ page: visit.page, viewport: visit.viewport, minor: visit.violations.map((v) => `${v.id}:${v.impact}`) }));
}

async function tabTo(page, matches, limit = 60) {
  for (let i = 0; i < limit; i += 1) {
    await page.keyboard.press("Tab");
    const hit = await page.evaluate(matches);
    if (hit) {
      return;
    }
  }
  fail(`Tab never reached the element (${matches.toString()})`);
}

// (c) Keyboard only through checkout: from the cart to the paid order, no mouse.
async function keyboardCheckout(browser, config) {
  const context = await newContext(browser, config);
  const page = await context.newPage();
  await page.goto("/signin?next=/orders");
  await registerThroughForm(page);
  await addFirstProductToCart(page, `/products/${config.productId}`);
  // Cart → checkout.
  await tabTo(page, () => document.activeElement && document.activeElement.getAttribute("href") === "/checkout");
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  check(outline !== "none", "the focused link shows a focus outline");
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  check(new URL(page.url()).pathname === "/checkout", `Enter on the link went to ${page.url()}`);
  await tabTo(page, () => document.activeElement && document.activeElement.id === "region");
  await page.keyboard.press("ArrowDown");
  await tabTo(page, () => document.activeElement && document.activeElement.id === "address");
  await page.keyboard.type("Samarqand, Registon 1");
  await page.keyboard.press("Tab");
  await page.keyboard.type("Aziz");
  await page.keyboard.press("Tab");
  await page.keyboard.type("+998901112233");
  await tabTo(page, () => document.activeElement && document.activeElement.type === "submit" && document.activeElement.closest("form[action='/checkout']") !== null);
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  check(/\/orders\/\d+\/pay$/.test(new URL(page.url()).pathname), `keyboard checkout went to ${page.url()}`);
  // Pay: the 3-D Secure card, then the code step, all from the keyboard.
  await tabTo(page, () => document.activeElement && document.activeElement.id === "card_number");
  await page.keyboard.type("4000 0025 0000 3155");
  await page.keyboard.press("Tab");
  await page.keyboard.type("12");
  await page.keyboard.press("Tab");
  await page.keyboard.type("2031");
  await page.keyboard.press("Tab");
  await page.keyboard.type("123");
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  await tabTo(page, () => document.activeElement && document.activeElement.id === "code");
  await page.keyboard.type("666666");
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  check(new URL(page.url()).pathname === "/orders", `after the code: ${page.url()}`);
  check((await page.locator(".notice").count()) === 1, "the thank-you notice is shown");
  await context.close();
  return { paid: true };
}

// (d) XSS payloads in product names, reviews and seller profile names: no script runs, no
// dialog opens; an injected inline handler (as if escaping failed) is blocked by the CSP and
// reported.
async function xss(browser, config) {
  const context = await newContext(browser, config, VIEWPORTS[1]);
  await context.addInitScript(() => {
    window.__xssRuns = 0;
    window.xss = () => { window.__xssRuns += 1; };
    window.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (event) => {
      window.__cspViolations.push(event.violatedDirective);
    });
  });
  const page = await context.newPage();
  const dialogs = [];
  page.on("dialog", async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  const pages = [
    `/search?q=${encodeURIComponent(config.xss.marker)}&age_months=${config.search.ageMonths}`,
    `/search?q=${encodeURIComponent(config.xss.marker)}&age_months=${config.search.ageMonths}&lang=ru`,
    "/",
  ];
  for (const id of config.xss.productIds) {
    pages.push(`/products/${id}`);
  }
  const seen = new Set();
  for (const url of pages) {
    await page.goto(url);
    await page.waitForTimeout(50);
    const state = await page.evaluate(() => ({
      runs: window.__xssRuns,
      injected: document.querySelectorAll("[data-xss], script:not([src]), [onerror], [onload], [onclick], iframe, object, embed").length,
      text: document.body.innerText,
    }));
    check(state.runs === 0, `a payload ran on ${url}`);
    check(state.injected === 0, `payload markup became elements on ${url}`);
    for (const payload of config.xss.payloads) {
      if (state.text.includes(payload)) {
        seen.add(payload);
      }
    }
  }
  check(dialogs.length === 0, `dialogs opened: ${dialogs.join(", ")}`);
  const missing = config.xss.payloads.filter((payload) => !seen.has(payload));
  check(missing.length === 0, `payloads not shown as text: ${JSON.stringify(missing)}`);
  // Defence in depth: markup injected past the escaping still cannot run.
  await page.goto(`/products/${config.xss.productIds[0]}`);
  await page.evaluate(() => {
    const holder = document.createElement("div");
    holder.innerHTML = '<img src="/nonexistent.png" onerror="xss()"><a href="#" onclick="xss()">x</a>';
    document.body.appendChild(holder);
    holder.querySelector("a").click();
  });
  await page.waitForTimeout(300);
  const after = await page.evaluate(() => ({ runs: window.__xssRuns, violations: window.__cspViolations }));
  check(after.runs === 0, "an injected inline handler ran");
  check(after.violations.some((directive) => directive.startsWith("script-src")), `no CSP violation event: ${JSON.stringify(after.violations)}`);
  await context.close();
  return { pages: pages.length, payloadsShownAsText: seen.size, cspViolationsSeen: after.violations.length };
}

// (e) Screenshots of every page type at phone and desktop widths.
async function screenshots(browser, config) {
  fs.mkdirSync(config.artifactsDir, { recursive: true });
  const files = [];
  for (const viewport of VIEWPORTS) {
    const visits = await eachPageType(browser, config, viewport, async (page, name) => {
      const file = path.join(config.artifactsDir, `${name}-${viewport.name}.png`);
      await fullPageScreenshot(page, file);
      return file;
    });
    files.push(...visits);
  }
  for (const file of files) {
    check(fs.statSync(file).size > 2000, `${file} is empty`);
  }
  return { files };
}

const SCENARIOS = {
  guest_search_cart_card: guestSearchesAndPays,
  axe_every_page_type: accessibility,
  keyboard_only_checkout: keyboardCheckout,
  xss_payloads_never_run: xss,
  screenshots_phone_and_desktop: screenshots,
};

async function main() {
  const input = process.argv[2];
  if (!input) {
    console.error("usage: node run.js <config.json> [scenario…]");
    process.exit(2);
  }
  const config = JSON.parse(fs.readFileSync(input, "utf8"));
  const wanted = process.argv.slice(3);
  const names = wanted.length ? wanted : Object.keys(SCENARIOS);
  if (!fs.existsSync(CHROMIUM)) {
    console.error(`chromium is missing at ${CHROMIUM} (apt-get install -y chromium)`);
    process.exit(2);
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  let failed = 0;
  for (const name of names) {
    const scenario = SCENARIOS[name];
    if (!scenario) {
      console.log(JSON.stringify({ scenario: name, ok: false, details: "unknown scenario" }));
      failed += 1;
      continue;
    }
    try {
      const details = await scenario(browser, config);
      console.log(JSON.stringify({ scenario: name, ok: true, details }));
    } catch (error) {
      failed += 1;
      console.log(JSON.stringify({ scenario: name, ok: false, details: String(error && error.stack || error) }));
    }
  }
  await browser.close();
  process.exit(failed ? 1 : 0);
}

main().catch((error) => {
  console.error(error);
  process.exit(2);
});
