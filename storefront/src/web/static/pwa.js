// bolajon: the installable app, on top of pages that work without it.
// 1. Registers the service worker (/sw.js) and asks it to keep the home page's category
//    pages and the products listed on "recently viewed" for offline browsing.
// 2. Install prompt: #install-app appears when the browser offers installation.
// 3. Web push opt-in: #push-optin (signed-in pages) subscribes with the server's VAPID key.
// 4. Passkey sign-in: #passkey-signin on the sign-in page (hidden without WebAuthn).
// 5. Offline wishlist: a "add to wishlist" form submitted offline is queued in IndexedDB and
//    sent when the browser is back online (here on "online", and by the worker's sync).
(function () {
  "use strict";
  var hasWorker = "serviceWorker" in navigator;

  function csrfCookie() {
    var match = document.cookie.match(/(?:^|;\s*)__Host-bolajon_csrf=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function say(element, text) {
    if (element) { element.textContent = text || ""; }
  }

  // 1. The worker.
  function tellWorker(message) {
    if (!hasWorker) { return; }
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) { registration.active.postMessage(message); }
    });
  }
  if (hasWorker) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
    var keep = document.querySelectorAll("[data-offline-keep] a[href]");
    if (keep.length) {
      var urls = [];
      for (var k = 0; k < keep.length; k++) { urls.push(keep[k].getAttribute("href")); }
      tellWorker({ type: "cache-urls", urls: urls });
    }
    var signout = document.querySelector("form[action='/signout']");
    if (signout) {
      signout.addEventListener("submit", function () { tellWorker({ type: "forget-pages" }); });
    }
  }

  // 2. Install prompt.
  var install = document.getElementById("install-app");
  var deferred = null;
  window.addEventListener("beforeinstallprompt", function (event) {
    event.preventDefault();
    deferred = event;
    if (install) { install.hidden = false; }
  });
  if (install) {
    install.addEventListener("click", function () {
      if (!deferred) { return; }
      deferred.prompt();
      deferred.userChoice.then(function () {
        deferred = null;
        install.hidden = true;
      });
    });
  }
  window.addEventListener("appinstalled", function () { if (install) { install.hidden = true; } });

  // 3. Web push.
  var push = document.getElementById("push-optin");
  function base64UrlToBytes(text) {
    var padded = (text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }
  function bytesToBase64Url(buffer) {
    var bytes = new Uint8Array(buffer);
    var raw = "";
    for (var i = 0; i < bytes.length; i++) { raw += String.fromCharCode(bytes[i]); }
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  if (push && hasWorker && "PushManager" in window && "Notification" in window) {
    push.hidden = false;
    var pushStatus = document.getElementById("push-status");
    push.addEventListener("click", function () {
      Notification.requestPermission().then(function (permission) {
        if (permission !== "granted") { throw new Error("denied"); }
        return fetch("/api/v1/push/vapid-public-key", { credentials: "same-origin" });
      }).then(function (response) {
        if (!response.ok) { throw new Error("push unavailable"); }
        return response.json();
      }).then(function (body) {
        return navigator.serviceWorker.ready.then(function (registration) {
          return registration.pushManager.subscribe({
            userVisibleOnly: true,
            applicationServerKey: base64UrlToBytes(body.public_key),
          });
        });
      }).then(function (subscription) {
        return fetch("/api/v1/push/subscriptions", {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfCookie() },
          body: JSON.stringify(subscription.toJSON()),
        });
      }).then(function (response) {
        if (!response.ok) { throw new Error("refused"); }
        push.hidden = true;
        say(pushStatus, push.getAttribute("data-done"));
      }).catch(function () {
        say(pushStatus, push.getAttribute("data-failed"));
      });
    });
  }

  // 4. Passkey sign-in.
  var passkey = document.getElementById("passkey-signin");
  if (passkey && window.PublicKeyCredential && navigator.credentials) {
    passkey.hidden = false;
    var passkeyStatus = document.getElementById("passkey-status");
    passkey.addEventListener("click", function () {
      var challengeId = null;
      fetch("/api/v1/auth/passkeys/login/start", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json" },
        body: "{}",
      }).then(function (response) {
        if (!response.ok) { throw new Error("start"); }
        return response.json();
      }).then(function (body) {
        challengeId = body.challenge_id;
        var options = body.options.publicKey;
        options.challenge = base64UrlToBytes(options.challenge);
        (options.allowCredentials || []).forEach(function (credential) {
          credential.id = base64UrlToBytes(credential.id);
        });
        return navigator.credentials.get({ publicKey: options });
      }).then(function (credential) {
        var response = credential.response;
        return fetch("/api/v1/auth/passkeys/login/finish", {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({
            challenge_id: challengeId,
            use_cookies: true,
            credential: {
              id: credential.id,
              rawId: bytesToBase64Url(credential.rawId),
              type: credential.type,
              extensions: {},
              response: {
                authenticatorData: bytesToBase64Url(response.authenticatorData),
                clientDataJSON: bytesToBase64Url(response.clientDataJSON),
                signature: bytesToBase64Url(response.signature),
                userHandle: response.userHandle ? bytesToBase64Url(response.userHandle) : null,
              },
            },
          }),
        });
      }).then(function (response) {
        if (!response.ok) { throw new Error("finish"); }
        var next = passkey.getAttribute("data-next") || "/";
        window.location.assign(next.charAt(0) === "/" && next.charAt(1) !== "/" ? next : "/");
      }).catch(function () {
        say(passkeyStatus, passkey.getAttribute("data-failed"));
      });
    });
  }

  // 5. The offline wishlist queue.
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
  function enqueue(item) {
    return openQueue().then(function (db) {
      return new Promise(function (resolve, reject) {
        var put = db.transaction("queue", "readwrite").objectStore("queue").add(item);
        put.onsuccess = function () { resolve(); };
        put.onerror = function () { reject(put.error); };
      });
    });
  }
  function replay() {
    if (!window.indexedDB || !navigator.onLine) { return Promise.resolve(); }
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
    }).then(function () {
      document.documentElement.setAttribute("data-queue-replayed", "1");
    }).catch(function () {});
  }
  var wishForms = document.querySelectorAll("form.wishlist-add");
  for (var w = 0; w < wishForms.length; w++) {
    wishForms[w].addEventListener("submit", function (event) {
      var form = event.currentTarget;
      if (navigator.onLine || !window.indexedDB) { return; }
      event.preventDefault();
      var status = form.querySelector("[role=status]");
      enqueue({
        productId: form.elements.product_id.value,
        csrf: form.elements._csrf.value,
        at: Date.now(),
      }).then(function () {
        say(status, form.getAttribute("data-queued"));
        form.setAttribute("data-state", "queued");
        if (hasWorker) {
          navigator.serviceWorker.ready.then(function (registration) {
            if (registration.sync) { return registration.sync.register("wishlist-queue"); }
            return null;
          }).catch(function () {});
        }
      });
    });
  }
  window.addEventListener("online", function () { replay(); });
  if (navigator.onLine && window.indexedDB) { replay(); }
})();
