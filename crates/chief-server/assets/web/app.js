// chief's dashboard script: keyboard shortcuts and live updates. htmx does
// the rest. Kept small on purpose; no framework.
(function () {
  "use strict";

  function typing(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }

  // n: new task, /: search, j/k: move through a list, Enter opens.
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(document.activeElement)) return;
    if (e.key === "n") {
      var add = document.getElementById("quick-add-text");
      if (add) { add.focus(); } else { location.href = "/tasks?new=1"; }
      e.preventDefault();
    } else if (e.key === "/") {
      var search = document.getElementById("search");
      if (search) { search.focus(); } else { location.href = "/tasks?focus=search"; }
      e.preventDefault();
    } else if (e.key === "j" || e.key === "k") {
      var rows = Array.prototype.slice.call(document.querySelectorAll("[data-nav-row]"));
      if (!rows.length) return;
      var at = rows.findIndex(function (r) { return r.getAttribute("aria-selected") === "true"; });
      var next = Math.max(0, Math.min(rows.length - 1, at + (e.key === "j" ? 1 : -1)));
      if (at >= 0) rows[at].removeAttribute("aria-selected");
      rows[next].setAttribute("aria-selected", "true");
      var link = rows[next].querySelector("a, button");
      if (link) link.focus();
      e.preventDefault();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var params = new URLSearchParams(location.search);
    if (params.get("focus") === "search") { var s = document.getElementById("search"); if (s) s.focus(); }
    if (params.get("new") === "1") { var a = document.getElementById("quick-add-text"); if (a) a.focus(); }
    // On a narrow screen the navigation scrolls sideways: show the open section.
    // Only sideways, so a page opened at an anchor stays there.
    var nav = document.querySelector(".top nav"), current = nav && nav.querySelector("[aria-current]");
    if (current && nav.scrollWidth > nav.clientWidth) {
      var n = nav.getBoundingClientRect(), c = current.getBoundingClientRect();
      nav.scrollLeft += c.left - n.left - (n.width - c.width) / 2;
    }
    live();
  });

  // Live: on any change in the workspace, re-fetch this page and swap in
  // the regions marked data-live-region, leaving a region alone while the
  // user is typing in it.
  function live() {
    var url = document.body.getAttribute("data-live");
    if (!url || !window.EventSource || !document.querySelector("[data-live-region]")) return;
    var pending = null;
    var source = new EventSource(url);
    // Tells tests (and the curious) that changes will now arrive.
    source.addEventListener("open", function () { document.body.setAttribute("data-live-connected", "true"); });
    source.addEventListener("change", function () {
      if (pending) return;
      pending = setTimeout(function () { pending = null; refresh(); }, 150);
    });
  }

  function refresh() {
    fetch(location.href, { headers: { "HX-Request": "true", "HX-Live": "true" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) return;
        var doc = new DOMParser().parseFromString(html, "text/html");
        document.querySelectorAll("[data-live-region]").forEach(function (region) {
          if (!region.id || region.contains(document.activeElement) && typing(document.activeElement) && document.activeElement.value) return;
          var fresh = doc.getElementById(region.id);
          if (fresh) {
            region.replaceWith(fresh);
            if (window.htmx) htmx.process(fresh);
          }
        });
        document.dispatchEvent(new CustomEvent("chief:refreshed"));
      });
  }
})();
