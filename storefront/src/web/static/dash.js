// bolajon dashboards: progressive enhancement only (every page works without this script).
// 1. The admin overview's live statistics: an EventSource on /admin/live updates the numbers
//    in place (order, payment, review and report events carry the fresh statistics).
// 2. The seller's product page: uploads a photo to the listing API (raw body, CSRF header).
(function () {
  "use strict";

  function formatSom(tiyin, unit) {
    var som = Math.trunc(Number(tiyin) / 100);
    var digits = String(Math.abs(som));
    var grouped = "";
    for (var i = 0; i < digits.length; i += 1) {
      if (i > 0 && (digits.length - i) % 3 === 0) {
        grouped += "\u00a0";
      }
      grouped += digits[i];
    }
    return (som < 0 ? "-" : "") + grouped + "\u00a0" + unit;
  }

  function applyStats(section, stats) {
    var cells = section.querySelectorAll("[data-stat]");
    for (var i = 0; i < cells.length; i += 1) {
      var cell = cells[i];
      var key = cell.getAttribute("data-stat");
      if (!(key in stats)) {
        continue;
      }
      var text = cell.getAttribute("data-format") === "som"
        ? formatSom(stats[key], cell.getAttribute("data-unit") || "")
        : String(stats[key]);
      if (cell.textContent !== text) {
        cell.textContent = text;
        cell.classList.remove("changed");
        // Restart the highlight.
        void cell.offsetWidth;
        cell.classList.add("changed");
      }
    }
    var body = document.getElementById("top-sellers");
    if (body && Array.isArray(stats.top_sellers)) {
      var unit = body.getAttribute("data-unit") || "";
      body.textContent = "";
      if (stats.top_sellers.length === 0) {
        var emptyRow = document.createElement("tr");
        var emptyCell = document.createElement("td");
        emptyCell.colSpan = 3;
        emptyCell.textContent = body.getAttribute("data-empty") || "";
        emptyRow.appendChild(emptyCell);
        body.appendChild(emptyRow);
      }
      stats.top_sellers.forEach(function (seller) {
        var row = document.createElement("tr");
        [seller.name, String(seller.orders), formatSom(seller.gross_tiyin, unit)].forEach(function (value) {
          var cell = document.createElement("td");
          cell.textContent = value;
          row.appendChild(cell);
        });
        body.appendChild(row);
      });
    }
  }

  var live = document.querySelector("[data-live]");
  if (live && window.EventSource) {
    var status = document.getElementById("live-status");
    var source = new EventSource(live.getAttribute("data-live"));
    var events = 0;
    var onStats = function (event) {
      var stats;
      try {
        stats = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      events += 1;
      live.setAttribute("data-live-events", String(events));
      live.setAttribute("data-live-last", event.type);
      applyStats(live, stats);
    };
    ["stats", "order", "payment", "review", "report"].forEach(function (name) {
      source.addEventListener(name, onStats);
    });
    source.onopen = function () {
      live.setAttribute("data-live-state", "open");
      if (status) {
        status.textContent = status.getAttribute("data-connected") || "";
      }
    };
    source.onerror = function () {
      live.setAttribute("data-live-state", "reconnecting");
      if (status) {
        status.textContent = status.getAttribute("data-lost") || "";
      }
    };
  }

  var upload = document.querySelector("[data-upload]");
  if (upload && window.fetch) {
    upload.hidden = false;
    var noScript = document.querySelectorAll(".no-script");
    for (var n = 0; n < noScript.length; n += 1) {
      noScript[n].hidden = true;
    }
    var input = document.getElementById("image-file");
    var button = document.getElementById("image-upload");
    var result = document.getElementById("upload-status");
    button.addEventListener("click", function () {
      var file = input.files && input.files[0];
      if (!file) {
        input.focus();
        return;
      }
      button.disabled = true;
      fetch(upload.getAttribute("data-upload"), {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": file.type || "application/octet-stream", "X-CSRF-Token": upload.getAttribute("data-csrf") },
        body: file,
      }).then(function (response) {
        if (response.ok) {
          window.location.reload();
          return null;
        }
        return response.json().then(function (body) {
          result.textContent = (body && body.error && body.error.message) || String(response.status);
        });
      }).catch(function (error) {
        result.textContent = String(error);
      }).then(function () {
        button.disabled = false;
      });
    });
  }
})();
