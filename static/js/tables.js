/* Wide tables scroll inside their own box instead of widening the page (phones). A box that
   actually scrolls becomes a named, focusable region, so keyboard users can scroll it too. */
(function () {
  "use strict";

  function label(box) {
    var caption = box.querySelector("caption");
    var text = caption ? caption.textContent.trim() : "";
    return text || document.body.getAttribute("data-table-label") || "Tabelle";
  }

  function update() {
    document.querySelectorAll(".table-scroll").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
          box.setAttribute("aria-label", label(box));
          box.setAttribute("data-labelled-by-script", "");
        }
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        if (box.hasAttribute("data-labelled-by-script")) {
          box.removeAttribute("aria-label");
          box.removeAttribute("data-labelled-by-script");
        }
      }
    });
  }

  function wrap(root) {
    (root || document).querySelectorAll("main table").forEach(function (table) {
      var parent = table.parentElement;
      if (parent && parent.classList.contains("table-scroll")) return;
      var box = document.createElement("div");
      box.className = "table-scroll";
      parent.insertBefore(box, table);
      box.appendChild(table);
    });
    update();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { wrap(); });
  } else {
    wrap();
  }
  window.addEventListener("resize", update);
  document.addEventListener("htmx:afterSettle", function () { wrap(); });
})();
