// bolajon: progressive enhancement only. Every page works without this script.
// 1. As-you-type suggestions for the search box (GET /api/v1/suggest), as an ARIA combobox.
// 2. Filter selects and checkboxes submit their form on change.
(function () {
  "use strict";
  var input = document.getElementById("q");
  var list = document.getElementById("suggestions");
  var age = document.getElementById("age");
  if (input && list && window.fetch) {
    var timer = null;
    var active = -1;
    var controller = null;
    var current = [];
    var close = function () {
      list.hidden = true;
      list.textContent = "";
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    };
    var choose = function (item) {
      close();
      var ageValue = encodeURIComponent(age ? age.value : "60");
      if (item.kind === "product" && item.product_id) {
        window.location.href = "/products/" + encodeURIComponent(item.product_id);
      } else if (item.kind === "category" && item.category && item.category.slug) {
        window.location.href = "/search?category=" + encodeURIComponent(item.category.slug) +
          "&age_months=" + ageValue;
      } else {
        input.value = item.text;
        if (input.form) { input.form.submit(); }
      }
    };
    var show = function (items) {
      list.textContent = "";
      active = -1;
      items.slice(0, 8).forEach(function (item, index) {
        var option = document.createElement("li");
        option.id = "suggestion-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = item.text; // text only: never HTML
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(item);
        });
        list.appendChild(option);
      });
      var any = list.children.length > 0;
      list.hidden = !any;
      input.setAttribute("aria-expanded", any ? "true" : "false");
    };
    var highlight = function (index) {
      var options = list.children;
      if (!options.length) { return; }
      active = (index + options.length) % options.length;
      for (var i = 0; i < options.length; i++) {
        options[i].setAttribute("aria-selected", i === active ? "true" : "false");
      }
      input.setAttribute("aria-activedescendant", options[active].id);
    };
    var fetchSuggestions = function () {
      var prefix = input.value.trim();
      if (prefix.length < 2) { close(); return; }
      if (controller) { controller.abort(); }
      controller = window.AbortController ? new AbortController() : null;
      var url = "/api/v1/suggest?q=" + encodeURIComponent(prefix) +
        "&age_months=" + encodeURIComponent(age ? age.value : "60") +
        "&lang=" + encodeURIComponent(input.getAttribute("data-lang") || "uz");
      fetch(url, { credentials: "same-origin", signal: controller ? controller.signal : undefined })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (body) {
          if (!body || input.value.trim() !== prefix) { return; }
          var items = (body.suggestions || []).filter(function (item) {
            return item && typeof item.text === "string" && item.text;
          });
          current = items;
          show(items);
        })
        .catch(function () { /* offline or aborted: the form still works */ });
    };
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, 150);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) { return; }
      if (event.key === "ArrowDown") { event.preventDefault(); highlight(active + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
      else if (event.key === "Escape") { close(); }
      else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        choose(current[active]);
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }
  var auto = document.querySelectorAll("[data-autosubmit]");
  for (var i = 0; i < auto.length; i++) {
    auto[i].addEventListener("change", function (event) {
      if (event.target.form) { event.target.form.submit(); }
    });
  }
})();
