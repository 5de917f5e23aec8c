/* Even Better — filters and inline steps that htmx updates in place (load after htmx).
 *
 * Filters: a page's filter form and its results stand in one region (data-filtered) that htmx
 * replaces when a filter changes (hx-get, hx-push-url), so the form always shows the filters of
 * the results beside it — also when back or forward brings an earlier state out of htmx's
 * history cache. After a swap: draw the charts that arrived (charts.js) and say the new count
 * (the region's [data-filter-summary]) in a live region that stays on the page. While the
 * region's answer is on its way it says so (aria-busy, which the style sheet dims): a reader
 * knows the results are about to change, and a change made before they arrive replaces the
 * request still on its way (hx-sync), so the last filters chosen are the ones shown.
 *
 * Inline steps: a form (data-inline) posts by htmx and the part that comes back replaces it;
 * the keyboard's focus goes to the part's message, or to the first field with an error.
 *
 * A page that opened on a default the address does not name (the dashboard on the reader's own
 * locality) says its full address (data-address): it takes the place of the bare one in the
 * address bar, so the address a reader copies shows others the same schools.
 *
 * Without JavaScript every form still submits as an ordinary form. When htmx cannot get an
 * answer it can put in place (an error page, the network), the form is submitted the ordinary
 * way, so the reader sees what the server says rather than a control that seems to do nothing.
 */
(function () {
  "use strict";

  var announcer = null;

  function announce(text) {
    if (!announcer) {
      announcer = document.createElement("p");
      announcer.className = "visually-hidden";
      announcer.setAttribute("role", "status");
      announcer.setAttribute("data-filter-announcer", "");
      document.body.appendChild(announcer);
    }
    announcer.textContent = text;
  }

  function drawCharts(root) {
    if (!window.EvenBetterCharts || !root.querySelectorAll) return;
    var canvases = root.querySelectorAll("canvas[data-chart]");
    for (var i = 0; i < canvases.length; i++) window.EvenBetterCharts.render(canvases[i]);
  }

  function focusOn(element) {
    if (!element) return;
    if (!element.hasAttribute("tabindex") && !/^(INPUT|SELECT|TEXTAREA|BUTTON|A)$/.test(element.tagName)) {
      element.setAttribute("tabindex", "-1");
    }
    element.focus();
  }

  document.addEventListener("htmx:load", function (event) {
    var part = event.detail && event.detail.elt;
    if (!part || !part.matches) return;
    if (part.matches("[data-filtered]")) {
      drawCharts(part);
      var summary = part.querySelector("[data-filter-summary]");
      if (summary) announce(summary.textContent.replace(/\s+/g, " ").trim());
    } else if (part.matches("[data-inline-part]")) {
      focusOn(part.querySelector("[aria-invalid='true'], .error-summary, [data-step-message]"));
    }
  });

  // A filter asks once for each state of its form: a change sends it, and pressing Show (or
  // Enter) just after asks for the same again, which would cut the first short (hx-sync
  // replace) for nothing. A different state always goes, and replaces one still on its way.
  var lastAsked = {};
  function filtersOf(form) {
    return new URLSearchParams(new FormData(form)).toString();
  }
  document.addEventListener("htmx:confirm", function (event) {
    var form = event.detail && event.detail.elt;
    if (!form || !form.getAttribute) return;
    var key = form.getAttribute("hx-target") || "";
    if (form.tagName !== "FORM" || !form.hasAttribute("data-filters")) {
      delete lastAsked[key];  // another page of the results: the form may ask again
      return;
    }
    var state = form.getAttribute("hx-get") + "?" + filtersOf(form);
    if (lastAsked[key] === state) {
      event.preventDefault();
      return;
    }
    lastAsked[key] = state;
  });

  // The region is busy from the moment its latest request goes until that request's answer has
  // been put in place (the new region comes without the mark); a request replaced by a later
  // one leaves the mark to the later one.
  var latestFor = {};
  function filteredTarget(detail) {
    var target = detail && detail.target;
    return target && target.matches && target.matches("[data-filtered]") && target.id ? target : null;
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    var target = filteredTarget(event.detail);
    if (!target) return;
    latestFor[target.id] = event.detail.xhr;
    target.setAttribute("aria-busy", "true");
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var target = filteredTarget(event.detail);
    if (!target || latestFor[target.id] !== event.detail.xhr) return;
    delete latestFor[target.id];
    target.removeAttribute("aria-busy");
  });

  // What htmx keeps of a page for back and forward is its <main> as it stands when the next
  // answer comes: kept without the busy mark (nothing is on its way when it is shown again) and
  // without the sizes the charts set on their canvases (put back as HTML they would be inline
  // styles, which the Content-Security-Policy refuses; the charts are drawn again anyway). Both
  // are taken off for htmx's copy and put back on the page straight after (through the CSSOM,
  // which the policy allows), before the browser next draws.
  document.addEventListener("htmx:beforeHistorySave", function (event) {
    var root = (event.detail && event.detail.historyElt) || document;
    var taken = [];
    var marked = root.querySelectorAll("[data-filtered][aria-busy], canvas[style]");
    for (var i = 0; i < marked.length; i++) {
      var element = marked[i];
      taken.push([element, element.getAttribute("aria-busy"), element.style.cssText]);
      element.removeAttribute("aria-busy");
      element.removeAttribute("style");
    }
    if (!taken.length) return;
    window.queueMicrotask(function () {
      for (var j = 0; j < taken.length; j++) {
        if (taken[j][1] !== null) taken[j][0].setAttribute("aria-busy", taken[j][1]);
        if (taken[j][2]) taken[j][0].style.cssText = taken[j][2];
      }
    });
  });

  // Back and forward: htmx put an earlier <main> back; its canvases are blank until drawn.
  document.addEventListener("htmx:historyRestore", function () {
    lastAsked = {};
    latestFor = {};
    drawCharts(document);
  });

  var defaulted = document.querySelector("[data-filtered][data-address]");
  if (defaulted && !window.location.search && window.history.replaceState) {
    window.history.replaceState(window.history.state, "", window.location.pathname + defaulted.getAttribute("data-address"));
  }

  function submitTheOrdinaryWay(event) {
    lastAsked = {};
    var form = event.detail && event.detail.elt;
    if (!form || form.tagName !== "FORM") return;
    if (!form.hasAttribute("data-filters") && !form.hasAttribute("data-inline")) return;
    HTMLFormElement.prototype.submit.call(form);
  }
  document.addEventListener("htmx:responseError", submitTheOrdinaryWay);
  document.addEventListener("htmx:sendError", submitTheOrdinaryWay);
})();
