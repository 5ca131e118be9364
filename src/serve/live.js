// The live preview's script (`gouvernail serve` adds it to each page): it follows
// the server's events, reloads the page when the site is rebuilt, and shows the
// build's problems over the page when a build fails, as the terminal shows them.
// It runs under the pages' Content-Security-Policy: no inline code or style; the
// problems are inserted as text. A reload keeps the page where it was scrolled; a
// page that a change deleted or renamed gives way to the nearest page that is still
// there (its folder's index, else the home page), never to a 404.
(function () {
  "use strict";
  var script = document.currentScript;
  var served = script && new URL(script.src).searchParams.get("v");
  var overlay = null;
  var SCROLL = "gv_live-scroll";

  // Where the page was before its reload.
  try {
    var kept = JSON.parse(sessionStorage.getItem(SCROLL) || "null");
    sessionStorage.removeItem(SCROLL);
    if (kept && kept.path === location.pathname) {
      window.addEventListener("load", function () { window.scrollTo(kept.x, kept.y); });
    }
  } catch (e) { /* no storage: the browser's own restoring remains */ }

  function exists(path) {
    return fetch(path, { method: "HEAD", cache: "no-store" }).then(function (r) { return r.status !== 404; });
  }

  // The folders above `path`, nearest first, then the root.
  function above(path) {
    var parts = path.split("/");
    parts.pop();
    var folders = [];
    while (parts.length > 1) {
      folders.push(parts.join("/") + "/");
      parts.pop();
    }
    folders.push("/");
    return folders;
  }

  function landOn(folders) {
    if (folders.length === 0) { return; }
    exists(folders[0]).then(function (found) {
      if (found) { location.replace(folders[0]); } else { landOn(folders.slice(1)); }
    });
  }

  function reload() {
    try {
      sessionStorage.setItem(SCROLL, JSON.stringify({ path: location.pathname, x: window.scrollX, y: window.scrollY }));
    } catch (e) { /* no storage */ }
    exists(location.pathname).then(function (found) {
      if (found) { location.reload(); } else { landOn(above(location.pathname)); }
    }, function () { location.reload(); });
  }

  function show(text) {
    if (!overlay) {
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = "/__gouvernail/live.css";
      document.head.appendChild(link);
      overlay = document.createElement("section");
      overlay.id = "gv_live-errors";
      overlay.setAttribute("role", "alert");
      var title = document.createElement("h2");
      title.textContent = document.documentElement.lang === "fr"
        ? "La construction a échoué : la dernière version réussie reste affichée."
        : "The build failed: the last good version is still shown.";
      var close = document.createElement("button");
      close.type = "button";
      close.textContent = "×";
      close.setAttribute("aria-label", document.documentElement.lang === "fr" ? "Masquer" : "Hide");
      close.addEventListener("click", function () { overlay.hidden = true; });
      overlay.appendChild(close);
      overlay.appendChild(title);
      overlay.appendChild(document.createElement("pre"));
      document.body.appendChild(overlay);
    }
    overlay.querySelector("pre").textContent = text;
    overlay.hidden = false;
  }

  function connect() {
    var events = new EventSource("/__gouvernail/events");
    events.addEventListener("hello", function (e) {
      // A page from an earlier build (the server rebuilt, or restarted, while it
      // was away) reloads.
      if (served !== null && e.data !== served) { reload(); }
    });
    events.addEventListener("reload", reload);
    events.addEventListener("errors", function (e) { show(e.data); });
  }

  if (typeof EventSource === "function") { connect(); }
})();
