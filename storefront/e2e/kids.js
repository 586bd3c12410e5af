// bolajon's browser tests for kids' mode, the parent panel, the offline app and the shopper's
// lists, run by the storefront integration test `web::kids_e2e` against a real server it
// started (never on their own): Debian's /usr/bin/chromium driven by playwright-core, axe-core.
//
// Input: a JSON file named by the first argument:
//   { baseUrl, artifactsDir, noticeVersion, pin, password,
//     kids: { productId, query }, products: [id…] (adult pages), uncachedProductId }
// Output: one JSON line per scenario ({scenario, ok, details}); exit 1 when any failed, 2 when
// the browser or the input is missing.
//   (a) kids_ask_parent_approves: a parent adds a child in the parent panel's form, records
//       consent in the child's page (a wrong password first), hands the device over (kids' mode), the child finds a product and asks a parent; the PIN takes
//       the device back and the parent approves in the parent panel; at bedtime the child sees
//       the lock screen.
//   (b) offline_cached_pages_and_queue: after visiting pages, with the network cut, the cached
//       pages, a category and the recently viewed products still open, a never-visited page
//       shows the offline page, and a wishlist addition queued offline arrives once online.
//   (c) axe_and_touch_targets: axe-core on every new page type (adult and kids' modes, phone
//       and desktop): no serious or critical violation; in kids' mode every visible control
//       is at least 48×48 px (getBoundingClientRect).
//   (d) screenshots_new_pages: every new page type at 390×844 and 1280×800.

"use strict";

const fs = require("fs");
const path = require("path");
// Playwright's offline switch reaches the service worker's own fetches only with its service
// worker network events on (https://github.com/microsoft/playwright/issues/2311): the worker's
// requests are routed and aborted while offline.
process.env.PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS = "1";
const { chromium } = require("playwright-core");
const { fullPageScreenshot } = require("./screenshot");

const CHROMIUM = process.env.BOLAJON_CHROMIUM || "/usr/bin/chromium";
const AXE_SOURCE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

function check(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

// Everything the tour sees, for (c) and (d).
const inspected = [];

async function axe(page) {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const outcome = await window.axe.run(document, { resultTypes: ["violations"] });
    return outcome.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      nodes: violation.nodes.slice(0, 3).map((node) => node.target.join(" ")),
    }));
  });
}

async function touchTargets(page) {
  return page.evaluate(() => {
    const small = [];
    const nodes = document.querySelectorAll(
      "a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]"
    );
    let measured = 0;
    for (const element of nodes) {
      let target = element;
      if ((element.type === "radio" || element.type === "checkbox") && element.closest("label")) {
        target = element.closest("label");
      }
      const rect = target.getBoundingClientRect();
      const style = getComputedStyle(element);
      if (rect.width === 0 || rect.height === 0 || style.visibility === "hidden" || style.display === "none") {
        continue;
      }
      if (rect.right <= 0 || rect.bottom <= 0) {
        continue; // off-screen until focused (the skip link)
      }
      measured += 1;
      if (rect.width < 48 || rect.height < 48) {
        small.push({
          tag: element.tagName.toLowerCase(),
          text: (element.getAttribute("aria-label") || element.textContent || element.name || "").trim().slice(0, 40),
          width: Math.round(rect.width),
          height: Math.round(rect.height),
        });
      }
    }
    return { measured, small };
  });
}

// Axe, touch targets (kids' pages) and screenshots of the current page at both widths.
async function inspect(page, config, name, kids) {
  const isKids = await page.evaluate(() => document.body.classList.contains("kids"));
  check(isKids === kids, `${name}: kids look is ${isKids}, expected ${kids}`);
  const entry = { name, kids, viewports: [] };
  for (const [label, size] of [["phone", PHONE], ["desktop", DESKTOP]]) {
    await page.setViewportSize(size);
    const violations = await axe(page);
    const file = path.join(config.artifactsDir, `${name}-${label}.png`);
    await fullPageScreenshot(page, file);
    const targets = kids ? await touchTargets(page) : null;
    entry.viewports.push({ label, violations, file, targets });
  }
  await page.setViewportSize(PHONE);
  inspected.push(entry);
}

async function api(page, method, url, body) {
  const cookies = await page.context().cookies();
  const csrf = cookies.find((cookie) => cookie.name === "__Host-bolajon_csrf");
  const response = await page.request.fetch(url, {
    method,
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf ? csrf.value : "" },
    data: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status(), body: text ? JSON.parse(text) : null };
}

async function submitAndWait(page, selector) {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

function tashkentTime(offsetMinutes) {
  const now = new Date(Date.now() + (5 * 60 + offsetMinutes) * 60000);
  const hh = String(now.getUTCHours()).padStart(2, "0");
  const mm = String(now.getUTCMinutes()).padStart(2, "0");
  return `${hh}:${mm}`;
}

const state = {};

// (a) Kids' mode: ask a parent, the PIN, approval in the parent panel, the lock screen.
async function kidsAskParentApproves(browser, config) {
  const context = await browser.newContext({ baseURL: config.baseUrl, viewport: PHONE, locale: "uz-UZ" });
  context.setDefaultTimeout(20000);
  state.context = context;
  const page = await context.newPage();
  state.page = page;
  const details = {};
  // A parent registers and lands on the panel.
  await page.goto("/signin?next=/parent");
  const email = `kids-${process.pid}-${Date.now()}@example.uz`;
  await page.fill("#reg-email", email);
  await page.fill("#reg-password", config.password);
  await submitAndWait(page, "form[action='/register'] button[type=submit]");
  check(new URL(page.url()).pathname === "/parent", `registered onto ${page.url()}`);
  // The child profile through the panel's form: first without an age (the form comes back
  // with its error), then complete.
  await page.fill("#child-nickname", "Aziz");
  await page.check("#add-child input[name=avatar][value=owl]");
  await submitAndWait(page, "#add-child button[type=submit]");
  check((await page.locator("#add-child-error[role=alert]").count()) === 1, "a child without an age is refused");
  check((await page.inputValue("#child-nickname")) === "Aziz", "the refused form keeps the nickname");
  await inspect(page, config, "parent-add-child-error", false);
  await page.selectOption("#child-age-band", "6-8");
  await submitAndWait(page, "#add-child button[type=submit]");
  const added = new URL(page.url());
  check(added.pathname === "/parent" && added.hash.startsWith("#child-"), `adding a child went to ${page.url()}`);
  const child = Number(added.hash.slice("#child-".length));
  check(Number.isInteger(child) && child > 0, `child id ${added.hash}`);
  // Consent through the child's page: first with a wrong password (the form comes back with
  // its error and the chosen method), then right.
  await page.goto(`/parent/children/${child}`);
  check((await page.locator("form#consent").count()) === 1, "the pending child's page has the consent form");
  const noticeShown = await page.inputValue("#consent input[name=notice_version]");
  check(noticeShown === config.noticeVersion, `the form consents to notice ${noticeShown}`);
  await inspect(page, config, "parent-child-consent", false);
  await page.check("#consent-signed_form");
  await page.fill("#consent-password", "not-the-password");
  await submitAndWait(page, "#consent button[type=submit]");
  check((await page.locator("#consent-error[role=alert]").count()) === 1, "a wrong password is refused");
  check(await page.isChecked("#consent-signed_form"), "the refused form keeps the method");
  await inspect(page, config, "parent-child-consent-error", false);
  await page.fill("#consent-password", config.password);
  await submitAndWait(page, "#consent button[type=submit]");
  const consented = new URL(page.url());
  check(consented.pathname === `/parent/children/${child}` && consented.search === "?done=consent", `consent went to ${page.url()}`);
  check((await page.locator("form#consent").count()) === 0, "no consent form once recorded");
  // The PIN through the API (the same session's cookies).
  const pin = await api(page, "PUT", "/api/v1/family/pin", { pin: config.pin, password: config.password });
  check(pin.status < 300, `pin: ${JSON.stringify(pin)}`);
  state.child = child;

  await page.goto("/parent");
  check((await page.textContent("#children")).includes("Aziz"), "the panel lists the child");
  await inspect(page, config, "parent", false);
  await page.goto(`/parent/children/${child}`);
  await inspect(page, config, "parent-child", false);

  // Kids' mode: the parent picks the child's profile.
  await page.goto("/kids");
  await inspect(page, config, "kids-picker", false);
  await submitAndWait(page, "button.kids-profile");
  check(new URL(page.url()).pathname === "/kids", `kids' mode went to ${page.url()}`);
  await inspect(page, config, "kids-home", true);
  // A grown-up page sends the child back.
  await page.goto("/cart");
  check(new URL(page.url()).pathname === "/kids", `a child reached ${page.url()}`);

  // The child searches and finds the product for their age.
  await page.fill("#kq", config.kids.query);
  await submitAndWait(page, "form.kids-search button[type=submit]");
  check(new URL(page.url()).pathname === "/kids/search", `search went to ${page.url()}`);
  const found = await page.locator(`a[href='/kids/products/${config.kids.productId}']`).count();
  details.kidsResults = await page.locator("ul.kids-grid li").count();
  check(found === 1, `the kids' search for ${config.kids.query} did not show product ${config.kids.productId}`);
  await inspect(page, config, "kids-search", true);
  await submitAndWait(page, `a[href='/kids/products/${config.kids.productId}']`);
  await inspect(page, config, "kids-product", true);
  check((await page.locator("form[action='/cart/add']").count()) === 0, "no cart in kids' mode");
  // "Ask a parent".
  await submitAndWait(page, "button.kids-ask-button");
  check(new URL(page.url()).pathname === "/kids/asked", `asking went to ${page.url()}`);
  const asked = await page.getAttribute("[data-order]", "data-status");
  check(asked === "awaiting_parent_approval", `the order is ${asked}`);
  details.order = Number(await page.getAttribute("[data-order]", "data-order"));
  await inspect(page, config, "kids-asked", true);

  // The PIN takes the device back.
  await submitAndWait(page, "a[href='/kids/exit']");
  await inspect(page, config, "kids-exit", true);
  await page.fill("#pin", "0000");
  await submitAndWait(page, "form.kids-pin button[type=submit]");
  check((await page.locator("[role=alert]").count()) === 1, "a wrong PIN is refused");
  await page.fill("#pin", config.pin);
  await submitAndWait(page, "form.kids-pin button[type=submit]");
  check(new URL(page.url()).pathname === "/parent", `the PIN went to ${page.url()}`);
  // The parent approves the request in the panel.
  const pending = page.locator("li.request[data-status='pending']");
  check((await pending.count()) === 1, "one pending request in the panel");
  const request = await pending.getAttribute("data-request");
  await submitAndWait(page, `li.request[data-request='${request}'] form[action$='/approve'] button`);
  const status = await page.getAttribute(`li.request[data-request='${request}']`, "data-status");
  check(status === "approved", `the request is ${status}`);
  details.request = Number(request);

  // Bedtime: allowed hours that exclude now, then kids' mode shows the lock screen.
  await page.goto(`/parent/children/${child}`);
  await page.fill("#allowed_from", tashkentTime(120));
  await page.fill("#allowed_until", tashkentTime(180));
  await submitAndWait(page, "form.settings button[type=submit]");
  check((await page.locator("[role=status]").count()) >= 1, "the settings were saved");
  await page.goto("/kids");
  await submitAndWait(page, "button.kids-profile");
  const lock = await page.getAttribute("[data-lock]", "data-lock");
  check(lock === "bedtime", `lock screen ${lock}`);
  await inspect(page, config, "kids-lock", true);
  await submitAndWait(page, "a[href='/kids/exit']");
  await page.fill("#pin", config.pin);
  await submitAndWait(page, "form.kids-pin button[type=submit]");
  check(new URL(page.url()).pathname === "/parent", `leaving at bedtime went to ${page.url()}`);
  // Back to any time, for the rest of the tour.
  await page.goto(`/parent/children/${child}`);
  await page.fill("#allowed_from", "");
  await page.fill("#allowed_until", "");
  await submitAndWait(page, "form.settings button[type=submit]");
  return details;
}

async function cachedUrls(page) {
  return page.evaluate(async () => {
    const cache = await caches.open("bolajon-pages");
    const keys = await cache.keys();
    return keys.map((request) => new URL(request.url).pathname + new URL(request.url).search);
  });
}

async function waitFor(predicate, what, tries = 60) {
  for (let attempt = 0; attempt < tries; attempt += 1) {
    if (await predicate()) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

// (b) Offline browsing and the wishlist queue.
async function offline(browser, config) {
  const context = state.context;
  const page = state.page;
  check(context && page, "scenario (a) must run first");
  const details = {};
  const [p1, p2, p3, p4] = config.products;
  // The shopper's pages (adult look), online.
  await page.goto("/");
  await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller, null, { timeout: 20000 });
  for (const id of [p1, p2, p3]) {
    await page.goto(`/products/${id}`);
  }
  await submitAndWait(page, "form.wishlist-add button[type=submit]");
  check(new URL(page.url()).pathname === "/wishlist", `wishlist add went to ${page.url()}`);
  await inspect(page, config, "wishlist", false);
  await page.goto(`/compare?ids=${p1},${p2}`);
  await inspect(page, config, "compare", false);
  await page.goto("/recently-viewed");
  check((await page.locator(`a[href='/products/${p1}']`).count()) >= 1, "recently viewed lists the product");
  await inspect(page, config, "recently-viewed", false);
  await page.goto("/offline");
  await inspect(page, config, "offline", false);
  // The home page asks the worker to keep its categories; recently viewed its products.
  await page.goto("/");
  const category = await page.getAttribute("ul.chips li a", "href");
  await page.goto(`/products/${p4}`);
  await page.goto("/recently-viewed");
  await waitFor(async () => {
    const urls = await cachedUrls(page);
    return [p1, p2, p3, p4].every((id) => urls.includes(`/products/${id}`)) &&
      urls.includes("/recently-viewed") && urls.includes(category);
  }, "the worker to keep the pages");
  details.cached = (await cachedUrls(page)).length;

  // The network is cut (for the pages and for the worker's own fetches).
  const workerOffline = (route) => (route.request().serviceWorker()
    ? route.abort("internetdisconnected")
    : route.continue());
  await context.setOffline(true);
  await context.route("**", workerOffline);
  await page.goto(`/products/${p1}`);
  check((await page.locator("h1").count()) === 1 && (await page.locator("#offline-heading").count()) === 0,
    "a visited product opens offline");
  await page.goto("/recently-viewed");
  check((await page.locator(`a[href='/products/${p3}']`).count()) >= 1, "recently viewed opens offline");
  await submitAndWait(page, `a[href='/products/${p3}']`);
  check((await page.locator("#offline-heading").count()) === 0, "a recently viewed product opens offline");
  await page.goto(category);
  check((await page.locator("#offline-heading").count()) === 0 && (await page.locator("ul.grid li").count()) > 0,
    `the category ${category} opens offline`);
  await page.goto(`/products/${config.uncachedProductId}`);
  check((await page.locator("#offline-heading").count()) === 1, "a page never visited shows the offline page");
  // Adding to the wishlist offline is queued...
  await page.goto(`/products/${p4}`);
  await page.click("form.wishlist-add button[type=submit]");
  await waitFor(async () => (await page.getAttribute("form.wishlist-add", "data-state")) === "queued", "the queued state");
  details.queuedMessage = await page.textContent("form.wishlist-add [role=status]");
  check(details.queuedMessage.length > 0, "the queue says so");
  // ...and sent once back online ("online" event; else the next page load replays it).
  await context.unroute("**", workerOffline);
  await context.setOffline(false);
  const arrived = async () => {
    const response = await page.request.get("/wishlist");
    return (await response.text()).includes(`href="/products/${p4}"`);
  };
  try {
    await waitFor(arrived, "the queued addition after the online event", 20);
    details.replayedBy = "online event";
  } catch (error) {
    await page.reload();
    await waitFor(arrived, "the queued wishlist addition to arrive");
    details.replayedBy = "page load";
  }
  return details;
}

// (c) axe on every new page type (both modes, both widths) and the kids' touch targets.
async function accessibility() {
  const failures = [];
  const small = [];
  const kidsPages = [];
  for (const entry of inspected) {
    for (const viewport of entry.viewports) {
      const bad = viewport.violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical");
      if (bad.length) {
        failures.push({ page: entry.name, viewport: viewport.label, bad });
      }
      if (entry.kids) {
        kidsPages.push(`${entry.name}/${viewport.label}:${viewport.targets.measured}`);
        if (viewport.targets.small.length) {
          small.push({ page: entry.name, viewport: viewport.label, small: viewport.targets.small });
        }
      }
    }
  }
  check(inspected.length >= 13, `only ${inspected.length} page types inspected`);
  check(failures.length === 0, `serious/critical axe violations: ${JSON.stringify(failures)}`);
  check(kidsPages.length >= 12, `only ${kidsPages.length} kids' pages measured`);
  check(small.length === 0, `kids' touch targets under 48 px: ${JSON.stringify(small)}`);
  return {
    pages: inspected.map((entry) => entry.name),
    kidsTargetsMeasured: kidsPages,
    minor: inspected.map((entry) => ({
      page: entry.name,
      minor: [...new Set(entry.viewports.flatMap((viewport) => viewport.violations.map((v) => `${v.id}:${v.impact}`)))],
    })),
  };
}

// (d) Screenshots of every new page type.
async function screenshots() {
  const files = inspected.flatMap((entry) => entry.viewports.map((viewport) => viewport.file));
  for (const file of files) {
    check(fs.statSync(file).size > 2000, `${file} is empty`);
  }
  return { files };
}

const SCENARIOS = {
  kids_ask_parent_approves: kidsAskParentApproves,
  offline_cached_pages_and_queue: offline,
  axe_and_touch_targets: accessibility,
  screenshots_new_pages: screenshots,
};

async function main() {
  const input = process.argv[2];
  if (!input) {
    console.error("usage: node kids.js <config.json>");
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
  for (const [name, scenario] of Object.entries(SCENARIOS)) {
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
