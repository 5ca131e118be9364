// gouvernail's default theme script. Loaded with a classic <script src> so that it
// works from file:// too. Everything works without it: every variant then shows,
// labelled.
(function () {
  "use strict";
  var root = document.documentElement;
  var store = {
    get: function (key) { try { return window.localStorage.getItem(key); } catch (e) { return null; } },
    set: function (key, value) { try { window.localStorage.setItem(key, value); } catch (e) { /* private mode */ } }
  };

  // Size and sector switcher, for editions that keep every variant.
  function applyAudience(kind, value) {
    if (value) { root.setAttribute("data-pick-" + kind, value); } else { root.removeAttribute("data-pick-" + kind); }
  }
  document.querySelectorAll("select[data-audience]").forEach(function (select) {
    var kind = select.getAttribute("data-audience");
    var saved = store.get("gouvernail-" + kind) || "";
    select.value = saved;
    applyAudience(kind, saved);
    select.addEventListener("change", function () {
      store.set("gouvernail-" + kind, select.value);
      applyAudience(kind, select.value);
    });
    var form = select.closest("form");
    if (form) { form.hidden = false; }
  });

  // Playbook checklists: ticks persist in the browser.
  document.querySelectorAll("input[type=checkbox][data-check]").forEach(function (box) {
    var key = "gouvernail-check-" + box.getAttribute("data-check");
    box.checked = store.get(key) === "1";
    box.addEventListener("change", function () { store.set(key, box.checked ? "1" : "0"); });
  });

  // Self-diagnostic: the score is computed here and never leaves the browser.
  document.querySelectorAll("form[data-assessment]").forEach(function (form) {
    var output = form.querySelector("output[name=score]");
    var bands = document.querySelectorAll(".band[data-min]");
    function update() {
      var total = 0;
      var answered = 0;
      form.querySelectorAll("input[type=radio]:checked").forEach(function (r) { total += Number(r.value); answered += 1; });
      if (output) { output.textContent = String(total); output.parentElement.hidden = answered === 0; }
      bands.forEach(function (band) {
        var inside = answered > 0 && total >= Number(band.getAttribute("data-min")) && total <= Number(band.getAttribute("data-max"));
        band.classList.toggle("band-current", inside);
      });
    }
    form.addEventListener("change", update);
    update();
  });
})();
