// gouvernail's default theme script. A classic <script src> in <head> (no module, no
// fetch), so that it works from file:// and under `Content-Security-Policy:
// default-src 'self'`. It sets the reader's theme and audience on <html> before the
// first paint, then wires up the page. Everything works without it: every variant
// then shows, labelled, every myth shows its fact, and the forms stay plain forms.
// What the reader chooses or ticks stays in this browser's localStorage, under keys
// of this edition (<html data-edition>): editions served from one intranet, or
// opened from one disk, share the browser's storage and must not share choices.
//
// The contract with the templates (docs/theme-contract.md). An edition may override
// any template and drop any of these elements: the feature that needs it is then
// skipped, or does without it, and every other feature still works. Each feature runs
// on its own, so that even a bug in one cannot stop the others.
//   theme toggle   [data-theme-toggle] buttons; optional link[data-code-theme=dark]
//   audience       select[data-audience=size|sector] (its <form> is shown)
//   where to start select[data-start-role]; .start-group > .start-list > li[data-roles],
//                  optional .start-empty in each group, optional [data-start-count][data-template]
//   checklists     input[type=checkbox][data-check="<page>/<step>/<action id>"]; optional
//                  [data-checklist=<page>] tools holding any of [data-progress], [data-total],
//                  <progress>, [data-checklist-export], input[data-checklist-import],
//                  [data-checklist-reset], [data-checklist-status][data-error]
//   myths          details.reveal; [data-verdict-filter] buttons over .myth-card[data-verdict]
//   assessments    form[data-assessment] with radios; optional output[name=score] (in a <p>),
//                  [data-answered], [data-result][data-label]; .band[data-min][data-max] (h3)
//   routes         form[data-routed-assessment] > li[data-question][id] with radios whose
//                  data-next is a question's id or an .outcome[data-outcome]'s; optional
//                  [data-result][data-label]
//   RACI filter    select[data-raci-role] and table.raci-matrix with th[data-role]
//   blanks         .blank[data-var]
//   print buttons  [data-print]
(function () {
  "use strict";
  var root = document.documentElement;
  // Choices saved before they were kept by edition ("gouvernail-<key>") are copied
  // into each edition's keys, once.
  var LEGACY = "gouvernail-";
  var PREFIX = "gouvernail@" + (root.getAttribute("data-edition") || "") + "-";
  try {
    var saved = window.localStorage;
    if (saved.getItem(PREFIX + "carried") !== "1") {
      var legacy = [];
      for (var n = 0; n < saved.length; n += 1) {
        if ((saved.key(n) || "").indexOf(LEGACY) === 0) { legacy.push(saved.key(n)); }
      }
      legacy.forEach(function (k) { saved.setItem(PREFIX + k.slice(LEGACY.length), saved.getItem(k)); });
      saved.setItem(PREFIX + "carried", "1");
    }
  } catch (e) { /* private mode */ }
  var store = {
    get: function (key) { try { return window.localStorage.getItem(PREFIX + key); } catch (e) { return null; } },
    set: function (key, value) { try { window.localStorage.setItem(PREFIX + key, value); } catch (e) { /* private mode */ } },
    remove: function (key) { try { window.localStorage.removeItem(PREFIX + key); } catch (e) { /* private mode */ } },
    // The keys (without the prefix) that start with `start`.
    keys: function (start) {
      var out = [];
      try {
        for (var i = 0; i < window.localStorage.length; i += 1) {
          var k = window.localStorage.key(i);
          if (k && k.indexOf(PREFIX + start) === 0) { out.push(k.slice(PREFIX.length)); }
        }
      } catch (e) { /* private mode */ }
      return out;
    }
  };
  function all(selector, scope) { return Array.prototype.slice.call((scope || document).querySelectorAll(selector)); }
  function show(element) { if (element) { element.hidden = false; } }
  function hide(element, hidden) { if (element) { element.hidden = hidden; } }
  function text(element, value) { if (element) { element.textContent = value; } }
  function on(element, type, listener) { if (element) { element.addEventListener(type, listener); } }

  // Before the first paint: the reader's colour scheme, size and sector.
  var savedTheme = store.get("theme");
  if (savedTheme === "dark" || savedTheme === "light") { root.setAttribute("data-theme", savedTheme); }
  // The dark code colours follow the system's scheme unless the reader chose one.
  function syncCodeTheme() {
    var link = document.querySelector("link[data-code-theme=dark]");
    var chosen = root.getAttribute("data-theme");
    if (link) { link.media = chosen === "dark" ? "all" : chosen === "light" ? "not all" : "(prefers-color-scheme: dark)"; }
  }
  syncCodeTheme();
  function applyAudience(kind, value) {
    if (value) { root.setAttribute("data-pick-" + kind, value); } else { root.removeAttribute("data-pick-" + kind); }
  }
  applyAudience("size", store.get("size"));
  applyAudience("sector", store.get("sector"));

  // Dark mode: the system's preference until the reader toggles it.
  function isDark() {
    var chosen = root.getAttribute("data-theme");
    if (chosen) { return chosen === "dark"; }
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  }
  function setupThemeToggle() {
    all("[data-theme-toggle]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(isDark()));
      button.addEventListener("click", function () {
        var theme = isDark() ? "light" : "dark";
        root.setAttribute("data-theme", theme);
        store.set("theme", theme);
        syncCodeTheme();
        button.setAttribute("aria-pressed", String(theme === "dark"));
      });
      show(button);
    });
  }

  // Size and sector switchers (the header's and the home page's stay in step).
  function setupAudience() {
    var selects = all("select[data-audience]");
    selects.forEach(function (select) {
      var kind = select.getAttribute("data-audience");
      select.value = store.get(kind) || "";
      if (select.selectedIndex < 0) { select.value = ""; }
      select.addEventListener("change", function () {
        store.set(kind, select.value);
        applyAudience(kind, select.value);
        selects.forEach(function (other) {
          if (other !== select && other.getAttribute("data-audience") === kind) { other.value = select.value; }
        });
        updateStart();
      });
      show(select.closest("form"));
    });
  }

  // Home: "where to start" narrows the lists to the reader's role (size and sector
  // are hidden by the stylesheet from the attributes set above).
  var roleSelect = null;
  function isShown(element) { return element.getClientRects().length > 0; }
  function updateStart() {
    if (!roleSelect) { return; }
    var role = roleSelect.value;
    var count = 0;
    all(".start-group").forEach(function (group) {
      var visible = 0;
      all(".start-list > li", group).forEach(function (item) {
        var roles = " " + (item.getAttribute("data-roles") || "") + " ";
        item.hidden = role !== "" && roles.indexOf(" " + role + " ") < 0;
        if (isShown(item)) { visible += 1; }
      });
      hide(group.querySelector(".start-empty"), visible > 0);
      count += visible;
    });
    var counter = document.querySelector("[data-start-count]");
    if (counter) {
      counter.textContent = (counter.getAttribute("data-template") || "{n}").replace("{n}", String(count));
      counter.hidden = false;
    }
  }
  function setupStart() {
    roleSelect = document.querySelector("select[data-start-role]");
    if (!roleSelect) { return; }
    roleSelect.value = store.get("role") || "";
    if (roleSelect.selectedIndex < 0) { roleSelect.value = ""; }
    roleSelect.addEventListener("change", function () {
      store.set("role", roleSelect.value);
      updateStart();
    });
    show(roleSelect.closest("form"));
    updateStart();
  }

  // Playbook checklists: ticks persist, keyed by page, step and action id (so that
  // inserting or reordering actions keeps them), and export to / import from a JSON
  // file keyed the same way.
  var TICK = "tick-";
  function setupChecklists() {
    var boxes = all("input[type=checkbox][data-check]");
    if (!boxes.length) { return; }
    var tools = document.querySelector("[data-checklist]");
    function id(box) { return box.getAttribute("data-check"); }
    function key(box) { return TICK + id(box); }
    // Each box's place in its step, from 1: what ticks were keyed by before actions
    // had ids ("<page>/<step>/<n>").
    var places = {};
    var position = boxes.map(function (box) {
      var step = id(box).slice(0, id(box).lastIndexOf("/"));
      places[step] = (places[step] || 0) + 1;
      return step + "/" + places[step];
    });
    migrate();
    function migrate() {
      // Ticks saved by position ("check-<page>/<step>/<n>") are carried over once,
      // to the action now at that place, then removed.
      var pages = {};
      boxes.forEach(function (box, i) {
        pages[id(box).split("/")[0]] = true;
        if (store.get("check-" + position[i]) === "1") { store.set(key(box), "1"); }
      });
      store.keys("check-").forEach(function (old) {
        if (pages[old.slice("check-".length).split("/")[0]]) { store.remove(old); }
      });
    }
    function progress() {
      if (!tools) { return; }
      var done = boxes.filter(function (b) { return b.checked; }).length;
      text(tools.querySelector("[data-progress]"), String(done));
      text(tools.querySelector("[data-total]"), String(boxes.length));
      var bar = tools.querySelector("progress");
      if (bar) { bar.max = boxes.length; bar.value = done; }
    }
    function tick(box, checked) {
      box.checked = checked;
      if (checked) { store.set(key(box), "1"); } else { store.remove(key(box)); }
    }
    boxes.forEach(function (box) {
      box.checked = store.get(key(box)) === "1";
      box.addEventListener("change", function () { tick(box, box.checked); progress(); });
    });
    if (!tools) { return; }
    var page = tools.getAttribute("data-checklist");
    var status = tools.querySelector("[data-checklist-status]");
    function fail() {
      if (status) { status.textContent = status.getAttribute("data-error"); status.hidden = false; }
    }
    on(tools.querySelector("[data-checklist-export]"), "click", function () {
      var checks = {};
      boxes.forEach(function (box) { checks[id(box)] = box.checked; });
      var data = JSON.stringify({ gouvernail: "checklist", version: 2, page: page, date: new Date().toISOString().slice(0, 10), checks: checks }, null, 2);
      var link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([data], { type: "application/json" }));
      link.download = page + "-checklist.json";
      document.body.appendChild(link);
      link.click();
      link.remove();
      window.setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
    });
    on(tools.querySelector("[data-checklist-import]"), "change", function (event) {
      var file = event.target.files && event.target.files[0];
      if (!file) { return; }
      var reader = new FileReader();
      reader.onload = function () {
        var data = null;
        try { data = JSON.parse(String(reader.result)); } catch (e) { data = null; }
        // Version 2 is keyed by action id; a file without a version was exported
        // before actions had ids, and is keyed by place in the step.
        var byPlace = data && data.version === undefined;
        if (!data || data.gouvernail !== "checklist" || !data.checks || typeof data.checks !== "object" || !(byPlace || data.version === 2)) {
          fail();
          return;
        }
        boxes.forEach(function (box, i) {
          var value = data.checks[byPlace ? position[i] : id(box)];
          if (typeof value === "boolean") { tick(box, value); }
        });
        hide(status, true);
        progress();
      };
      reader.readAsText(file);
      event.target.value = "";
    });
    on(tools.querySelector("[data-checklist-reset]"), "click", function () {
      boxes.forEach(function (box) { tick(box, false); });
      progress();
    });
    show(tools);
    progress();
  }

  // Myths: each card hides its fact until the reader opens it; filter by verdict.
  function setupMyths() {
    all("details.reveal").forEach(function (details) { details.open = false; });
    var buttons = all("[data-verdict-filter]");
    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        var verdict = button.getAttribute("data-verdict-filter");
        buttons.forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
        all(".myth-card[data-verdict]").forEach(function (card) {
          card.hidden = verdict !== "" && card.getAttribute("data-verdict") !== verdict;
        });
      });
      show(button.parentElement);
    });
  }

  // Self-diagnostic: the score and the matching result are computed here and never
  // leave the browser.
  function setupAssessments() {
    all("form[data-assessment]").forEach(function (form) {
      var output = form.querySelector("output[name=score]");
      var answeredOut = form.querySelector("[data-answered]");
      var result = form.querySelector("[data-result]");
      var bands = all(".band[data-min]");
      function update() {
        var total = 0;
        var answered = 0;
        all("input[type=radio]:checked", form).forEach(function (r) { total += Number(r.value); answered += 1; });
        text(output, String(total));
        text(answeredOut, String(answered));
        if (output) { hide(output.closest("p"), answered === 0); }
        var current = null;
        bands.forEach(function (band) {
          var inside = answered > 0 && total >= Number(band.getAttribute("data-min")) && total <= Number(band.getAttribute("data-max"));
          band.classList.toggle("band-current", inside);
          band.classList.toggle("band-other", answered > 0 && !inside);
          if (inside) { current = band; }
        });
        if (result) {
          result.hidden = !current;
          var heading = current && current.querySelector("h3");
          result.textContent = current ? result.getAttribute("data-label") + " " + (heading ? heading.textContent.replace(/\s+/g, " ").trim() : "") : "";
        }
        document.body.classList.toggle("has-result", Boolean(current));
      }
      form.addEventListener("change", update);
      form.addEventListener("reset", function () { window.setTimeout(update, 0); });
      update();
    });
  }

  // Routed self-diagnostic: from the first question, each answer shows the question it
  // leads to, until an outcome; the questions off the route are hidden. A route that
  // came back on itself would stop (the build refuses one anyway).
  function setupRoutedAssessments() {
    all("form[data-routed-assessment]").forEach(function (form) {
      var questions = all("li[data-question]", form);
      var outcomes = all(".outcome[data-outcome]");
      var result = form.querySelector("[data-result]");
      function update() {
        var onRoute = {};
        var reached = null;
        var current = questions[0];
        while (current && !onRoute[current.id]) {
          onRoute[current.id] = true;
          var answer = current.querySelector("input[type=radio]:checked");
          var next = answer ? document.getElementById(answer.getAttribute("data-next") || "") : null;
          if (next && next.hasAttribute("data-question")) { current = next; } else { reached = next; current = null; }
        }
        questions.forEach(function (q) { q.hidden = !onRoute[q.id]; });
        outcomes.forEach(function (o) {
          o.classList.toggle("band-current", o === reached);
          o.classList.toggle("band-other", Boolean(reached) && o !== reached);
        });
        if (result) {
          var heading = reached && reached.querySelector("h3");
          result.hidden = !reached;
          result.textContent = reached ? result.getAttribute("data-label") + " " + (heading ? heading.textContent.replace(/\s+/g, " ").trim() : "") : "";
        }
        document.body.classList.toggle("has-result", Boolean(reached));
      }
      form.classList.add("is-live");
      form.addEventListener("change", update);
      form.addEventListener("reset", function () { window.setTimeout(update, 0); });
      update();
    });
  }

  // RACI matrix: show one role's column and the playbooks it takes part in.
  function setupRaciFilter() {
    var select = document.querySelector("select[data-raci-role]");
    var table = document.querySelector("table.raci-matrix");
    if (!select || !table) { return; }
    function apply() {
      var role = select.value;
      var header = role ? table.querySelector("th[data-role=\"" + role + "\"]") : null;
      var column = header ? Array.prototype.indexOf.call(header.parentElement.children, header) : -1;
      all("tr", table).forEach(function (row) {
        var cells = row.children;
        for (var i = 1; i < cells.length; i += 1) { cells[i].hidden = column > 0 && i !== column; }
        if (row.parentElement.tagName === "TBODY") {
          row.hidden = column > 0 && (!cells[column] || cells[column].textContent.trim() === "");
        }
      });
    }
    var fromHash = window.location.hash.match(/^#gv_role-(.+)$/);
    if (fromHash) { select.value = decodeURIComponent(fromHash[1]); if (select.selectedIndex < 0) { select.value = ""; } }
    select.addEventListener("change", apply);
    show(select.closest("form"));
    apply();
  }

  // Charters: the blanks can be filled in on screen (remembered) before printing.
  function setupBlanks() {
    all(".blank[data-var]").forEach(function (blank) {
      var name = blank.getAttribute("data-var");
      blank.setAttribute("aria-label", blank.textContent);
      blank.setAttribute("role", "textbox");
      blank.setAttribute("contenteditable", "plaintext-only");
      blank.setAttribute("spellcheck", "false");
      var saved = store.get("blank-" + name);
      if (saved) { blank.textContent = saved; blank.classList.add("filled"); }
      blank.addEventListener("input", function () {
        var value = blank.textContent.trim();
        if (value) { store.set("blank-" + name, value); } else { store.remove("blank-" + name); }
        all(".blank[data-var=\"" + name + "\"]").forEach(function (other) {
          other.classList.toggle("filled", value !== "");
          if (other !== blank) { other.textContent = blank.textContent; }
        });
      });
    });
  }

  function setupPrintButtons() {
    all("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
      show(button);
    });
  }

  // Each feature on its own: one that fails (a template changed in a way this script
  // did not foresee) is reported and the others still run.
  var features = { "theme toggle": setupThemeToggle, audience: setupAudience, "where to start": setupStart, checklists: setupChecklists, myths: setupMyths, assessments: setupAssessments, routes: setupRoutedAssessments, "RACI filter": setupRaciFilter, blanks: setupBlanks, "print buttons": setupPrintButtons };
  function init() {
    root.classList.add("js");
    Object.keys(features).forEach(function (name) {
      try { features[name](); } catch (e) { if (window.console) { window.console.error("gouvernail: the " + name + " feature stopped", e); } }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
