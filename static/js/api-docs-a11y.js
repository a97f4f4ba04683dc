// Swagger UI (the interactive API docs) renders some form controls without labels and code samples that
// the keyboard cannot reach. Label them from the row they sit in, once Swagger UI has drawn them.
(function () {
  "use strict";

  function label(el, text) {
    if (!el.getAttribute("aria-label") && !(el.labels && el.labels.length) && !el.getAttribute("aria-labelledby")) {
      el.setAttribute("aria-label", text);
    }
  }

  function fix(root) {
    root.querySelectorAll("tr[data-param-name]").forEach(function (row) {
      var name = row.getAttribute("data-param-name");
      var where = row.getAttribute("data-param-in");
      row.querySelectorAll("input, select, textarea").forEach(function (el) {
        label(el, name + (where ? " (" + where + " parameter)" : ""));
      });
    });
    root.querySelectorAll(".body-param textarea, textarea.body-param__text").forEach(function (el) {
      label(el, "Request body");
    });
    root.querySelectorAll(".content-type-wrapper select, select.content-type").forEach(function (el) {
      label(el, "Media type");
    });
    root.querySelectorAll(".responses-inner select, .response-control-media-type select").forEach(function (el) {
      label(el, "Response media type");
    });
    root.querySelectorAll("select:not([aria-label]), textarea:not([aria-label]), input:not([aria-label])")
      .forEach(function (el) {
        if (!(el.labels && el.labels.length) && el.type !== "hidden") {
          label(el, el.getAttribute("placeholder") || el.getAttribute("title") || el.name || "Value");
        }
      });
    root.querySelectorAll("button.close-modal").forEach(function (el) {
      label(el, "Close");
    });
    // A button's accessible name must contain its visible words (WCAG 2.5.3).
    root.querySelectorAll("button[aria-label]").forEach(function (el) {
      var text = (el.textContent || "").trim();
      if (text && el.getAttribute("aria-label").indexOf(text) === -1) {
        el.setAttribute("aria-label", text);
      }
    });
    root.querySelectorAll(".highlight-code > pre, pre.microlight, .example.microlight").forEach(function (el) {
      if (!el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
        el.setAttribute("role", "region");
        el.setAttribute("aria-label", "Example");
      }
    });
  }

  var pending = false;
  new MutationObserver(function () {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      fix(document);
    });
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
