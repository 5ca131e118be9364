// The live preview's script (`gouvernail serve` adds it to each page): it follows
// the server's events, reloads the page when the site is rebuilt, and shows the
// build's problems over the page when a build fails, as the terminal shows them.
// It runs under the pages' Content-Security-Policy: no inline code or style; the
// problems are inserted as text.
(function () {
  "use strict";
  var script = document.currentScript;
  var served = script && new URL(script.src).searchParams.get("v");
  var overlay = null;

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
      if (served !== null && e.data !== served) { location.reload(); }
    });
    events.addEventListener("reload", function () { location.reload(); });
    events.addEventListener("errors", function (e) { show(e.data); });
  }

  if (typeof EventSource === "function") { connect(); }
})();
