// bolajon's service worker (served as /sw.js behind a generated first line that sets
// self.BOLAJON = {version, offline, precache}).
// - install: precaches the shell (this release's hashed stylesheet and scripts, the icons,
//   the manifest), the offline page and the category list.
// - fetch: hashed assets cache-first; pages network-first, kept for offline browsing when they
//   are shop pages (home, search and categories, products, recently viewed, wishlist, compare,
//   kids' mode); a page never kept answers with the offline page. Personal pages (parent
//   panel, orders, checkout, sign-in) are never stored.
// - message {type: "cache-urls", urls}: the page asks to keep more shop pages (the category
//   pages of the home page, the products of "recently viewed").
// - message {type: "forget-pages"}: sign-out drops the kept pages.
// - sync "wishlist-queue": replays wishlist additions queued offline (IndexedDB "bolajon",
//   store "queue"; the page replays them too on "online").
"use strict";

var CONFIG = self.BOLAJON || { version: "dev", offline: "/offline", precache: [] };
var SHELL = "bolajon-shell-" + CONFIG.version;
var PAGES = "bolajon-pages";
var KEPT_PAGES = 200;

function isShopPage(url) {
  var path = url.pathname;
  return path === "/" || path === "/search" || path.indexOf("/products/") === 0 ||
    path === "/recently-viewed" || path === "/wishlist" || path === "/compare" ||
    path === "/kids" || path.indexOf("/kids/") === 0 && path !== "/kids/exit";
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL).then(function (cache) {
      var urls = CONFIG.precache.concat([CONFIG.offline, "/api/v1/categories"]);
      return cache.addAll(urls.map(function (url) {
        return new Request(url, { credentials: "same-origin" });
      }));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) {
        return key.indexOf("bolajon-shell-") === 0 && key !== SHELL;
      }).map(function (key) { return caches.delete(key); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function trimPages(cache) {
  return cache.keys().then(function (keys) {
    var extra = keys.length - KEPT_PAGES;
    var deletions = [];
    for (var i = 0; i < extra; i++) { deletions.push(cache.delete(keys[i])); }
    return Promise.all(deletions);
  });
}

function keepPage(request, response) {
  if (!response || response.status !== 200 || response.type !== "basic" || response.redirected) {
    return Promise.resolve();
  }
  var copy = response.clone();
  return caches.open(PAGES).then(function (cache) {
    return cache.put(request, copy).then(function () { return trimPages(cache); });
  });
}

function offlineAnswer(request) {
  return caches.match(request, { ignoreVary: true }).then(function (hit) {
    if (hit) { return hit; }
    return caches.match(CONFIG.offline, { ignoreVary: true }).then(function (offline) {
      return offline || new Response("offline", {
        status: 503,
        headers: { "Content-Type": "text/plain; charset=utf-8" },
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (url.pathname.indexOf("/static/") === 0 || url.pathname.indexOf("/icons/") === 0 ||
      url.pathname.indexOf("/media/") === 0) {
    event.respondWith(caches.match(request).then(function (hit) {
      return hit || fetch(request).then(function (response) {
        if (response.ok && url.pathname.indexOf("/media/") !== 0) {
          var copy = response.clone();
          caches.open(SHELL).then(function (cache) { cache.put(request, copy); });
        }
        return response;
      });
    }));
    return;
  }
  if (url.pathname === "/api/v1/categories") {
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(SHELL).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    }).catch(function () { return caches.match(request); }));
    return;
  }
  if (url.pathname.indexOf("/api/") === 0) { return; }
  var isPage = request.mode === "navigate" ||
    (request.headers.get("Accept") || "").indexOf("text/html") !== -1;
  if (!isPage) { return; }
  event.respondWith(fetch(request).then(function (response) {
    if (isShopPage(url)) { event.waitUntil(keepPage(request, response)); }
    return response;
  }).catch(function () { return offlineAnswer(request); }));
});

function cacheUrls(urls) {
  return caches.open(PAGES).then(function (cache) {
    return Promise.all(urls.slice(0, 60).map(function (raw) {
      var url = new URL(raw, self.location.origin);
      if (url.origin !== self.location.origin || !isShopPage(url)) { return null; }
      return cache.match(url.href, { ignoreVary: true }).then(function (hit) {
        if (hit) { return null; }
        return fetch(url.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
          .then(function (response) {
            if (response.status === 200 && !response.redirected) {
              return cache.put(url.href, response);
            }
            return null;
          }).catch(function () { return null; });
      });
    })).then(function () { return trimPages(cache); });
  });
}

// The offline wishlist queue (shared with the page's pwa.js).
function openQueue() {
  return new Promise(function (resolve, reject) {
    var open = indexedDB.open("bolajon", 1);
    open.onupgradeneeded = function () {
      open.result.createObjectStore("queue", { keyPath: "id", autoIncrement: true });
    };
    open.onsuccess = function () { resolve(open.result); };
    open.onerror = function () { reject(open.error); };
  });
}

function replayQueue() {
  return openQueue().then(function (db) {
    return new Promise(function (resolve) {
      var read = db.transaction("queue", "readonly").objectStore("queue").getAll();
      read.onsuccess = function () { resolve({ db: db, items: read.result || [] }); };
      read.onerror = function () { resolve({ db: db, items: [] }); };
    });
  }).then(function (state) {
    return state.items.reduce(function (chain, item) {
      return chain.then(function () {
        var body = new URLSearchParams();
        body.set("_csrf", item.csrf);
        body.set("product_id", String(item.productId));
        body.set("queued", "1");
        return fetch("/wishlist/add", {
          method: "POST",
          credentials: "same-origin",
          redirect: "manual",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          body: body.toString(),
        }).then(function (response) {
          // Done (a redirect) or refused for good (4xx): either way it leaves the queue.
          if (response.type === "opaqueredirect" || response.ok ||
              (response.status >= 400 && response.status < 500)) {
            return new Promise(function (resolve) {
              var removal = state.db.transaction("queue", "readwrite").objectStore("queue")
                .delete(item.id);
              removal.onsuccess = resolve;
              removal.onerror = resolve;
            });
          }
          return null;
        });
      });
    }, Promise.resolve());
  });
}

self.addEventListener("sync", function (event) {
  if (event.tag === "wishlist-queue") { event.waitUntil(replayQueue()); }
});

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "cache-urls" && Array.isArray(data.urls)) {
    event.waitUntil(cacheUrls(data.urls));
  } else if (data.type === "forget-pages") {
    event.waitUntil(caches.delete(PAGES));
  } else if (data.type === "replay-queue") {
    event.waitUntil(replayQueue());
  }
});

self.addEventListener("push", function (event) {
  var payload = {};
  try { payload = event.data ? event.data.json() : {}; } catch (error) { payload = {}; }
  var title = typeof payload.title === "string" ? payload.title : "bolajon";
  var options = {
    body: typeof payload.body === "string" ? payload.body : "",
    icon: CONFIG.precache.filter(function (url) { return url.indexOf("/icons/icon-192") === 0; })[0],
    data: { url: typeof payload.url === "string" && payload.url.charAt(0) === "/" ? payload.url : "/" },
  };
  event.waitUntil(self.registration.showNotification(title, options));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = (event.notification.data && event.notification.data.url) || "/";
  event.waitUntil(self.clients.openWindow(target));
});
