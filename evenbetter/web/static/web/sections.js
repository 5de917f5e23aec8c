/* Even Better — the school page's sections, opened in place by htmx.
 *
 * A section arrives as HTML (no script runs from it under the strict CSP): draw its charts
 * (charts.js) and move the keyboard's focus to its heading, as the "Open" link that had it
 * is gone. Without JavaScript the link opens the section's own page instead.
 */
(function () {
  "use strict";

  document.addEventListener("htmx:load", function (event) {  // on each element htmx puts in the page
    var section = event.detail && event.detail.elt;
    if (!section || !section.classList || !section.classList.contains("school-section")) return;
    if (window.EvenBetterCharts) {
      var canvases = section.querySelectorAll("canvas[data-chart]");
      for (var i = 0; i < canvases.length; i++) window.EvenBetterCharts.render(canvases[i]);
    }
    var heading = section.querySelector("h2");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
  });

  // A section that fails to arrive (an error, the network): open its own page instead, which
  // says what went wrong, rather than leave a link that seems to do nothing.
  function openItsPage(event) {
    var link = event.detail && event.detail.elt;
    if (link && link.hasAttribute && link.hasAttribute("data-section-open")) {
      window.location.assign(link.getAttribute("href"));
    }
  }
  document.addEventListener("htmx:responseError", openItsPage);
  document.addEventListener("htmx:sendError", openItsPage);
})();
