// gouvernail's default theme script. A classic <script src> in <head> (no module, no
// fetch), so that it works from file:// and under `Content-Security-Policy:
// default-src 'self'`. It sets the reader's theme and audience on <html> before the
// first paint, then wires up the page. Everything works without it: every variant
// then shows, labelled, every myth shows its fact, and the forms stay plain forms.
// What the reader chooses or ticks stays in this browser's localStorage.
(function () {
  "use strict";
  var root = document.documentElement;
  var PREFIX = "gouvernail-";
  var store = {
    get: function (key) { try { return window.localStorage.getItem(PREFIX + key); } catch (e) { return null; } },
    set: function (key, value) { try { window.localStorage.setItem(PREFIX + key, value); } catch (e) { /* private mode */ } },
    remove: function (key) { try { window.localStorage.removeItem(PREFIX + key); } catch (e) { /* private mode */ } }
  };
  function all(selector, scope) { return Array.prototype.slice.call((scope || document).querySelectorAll(selector)); }
  function show(element) { if (element) { element.hidden = false; } }

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
      group.querySelector(".start-empty").hidden = visible > 0;
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

  // Playbook checklists: ticks persist, and export to / import from a JSON file.
  function setupChecklists() {
    var boxes = all("input[type=checkbox][data-check]");
    var tools = document.querySelector("[data-checklist]");
    if (!boxes.length) { return; }
    function key(box) { return "check-" + box.getAttribute("data-check"); }
    function progress() {
      if (!tools) { return; }
      var done = boxes.filter(function (b) { return b.checked; }).length;
      tools.querySelector("[data-progress]").textContent = String(done);
      tools.querySelector("[data-total]").textContent = String(boxes.length);
      var bar = tools.querySelector("progress");
      bar.max = boxes.length;
      bar.value = done;
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
    var id = tools.getAttribute("data-checklist");
    var status = tools.querySelector("[data-checklist-status]");
    tools.querySelector("[data-checklist-export]").addEventListener("click", function () {
      var checks = {};
      boxes.forEach(function (box) { checks[box.getAttribute("data-check")] = box.checked; });
      var data = JSON.stringify({ gouvernail: "checklist", page: id, date: new Date().toISOString().slice(0, 10), checks: checks }, null, 2);
      var link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([data], { type: "application/json" }));
      link.download = id + "-checklist.json";
      document.body.appendChild(link);
      link.click();
      link.remove();
      window.setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
    });
    tools.querySelector("[data-checklist-import]").addEventListener("change", function (event) {
      var file = event.target.files && event.target.files[0];
      if (!file) { return; }
      var reader = new FileReader();
      reader.onload = function () {
        var data = null;
        try { data = JSON.parse(String(reader.result)); } catch (e) { data = null; }
        if (!data || data.gouvernail !== "checklist" || typeof data.checks !== "object") {
          status.textContent = status.getAttribute("data-error");
          status.hidden = false;
          return;
        }
        boxes.forEach(function (box) {
          var value = data.checks[box.getAttribute("data-check")];
          if (typeof value === "boolean") { tick(box, value); }
        });
        status.hidden = true;
        progress();
      };
      reader.readAsText(file);
      event.target.value = "";
    });
    tools.querySelector("[data-checklist-reset]").addEventListener("click", function () {
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
        output.textContent = String(total);
        if (answeredOut) { answeredOut.textContent = String(answered); }
        output.closest("p").hidden = answered === 0;
        var current = null;
        bands.forEach(function (band) {
          var inside = answered > 0 && total >= Number(band.getAttribute("data-min")) && total <= Number(band.getAttribute("data-max"));
          band.classList.toggle("band-current", inside);
          band.classList.toggle("band-other", answered > 0 && !inside);
          if (inside) { current = band; }
        });
        if (result) {
          result.hidden = !current;
          result.textContent = current ? result.getAttribute("data-label") + " " + current.querySelector("h3").textContent.replace(/\s+/g, " ").trim() : "";
        }
        document.body.classList.toggle("has-result", Boolean(current));
      }
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
          row.hidden = column > 0 && cells[column].textContent.trim() === "";
        }
      });
    }
    var fromHash = window.location.hash.match(/^#role-(.+)$/);
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

  function init() {
    root.classList.add("js");
    setupThemeToggle();
    setupAudience();
    setupStart();
    setupChecklists();
    setupMyths();
    setupAssessments();
    setupRaciFilter();
    setupBlanks();
    setupPrintButtons();
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
