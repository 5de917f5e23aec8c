// The header's menus are <details> and work without this file. With it, a menu also closes
// when Escape is pressed (focus goes back to its button) or when one clicks elsewhere.
(function () {
  "use strict";
  // Signed out (no menu in the header): what htmx kept of pages for back and forward (the
  // filtered pages' earlier states, in this tab's sessionStorage) goes too.
  if (!document.querySelector(".site-menu")) {
    try {
      window.sessionStorage.removeItem("htmx-history-cache");
    } catch (ignored) {
      // storage may be switched off: then there is nothing kept
    }
  }
  var header = document.querySelector(".site-header");
  if (!header) return;
  function openMenus() {
    return header.querySelectorAll("details[name='site-nav'][open]");
  }
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    openMenus().forEach(function (menu) {
      menu.open = false;
      if (menu.contains(document.activeElement)) menu.querySelector("summary").focus();
    });
  });
  document.addEventListener("click", function (event) {
    openMenus().forEach(function (menu) {
      if (!menu.contains(event.target)) menu.open = false;
    });
  });
})();
