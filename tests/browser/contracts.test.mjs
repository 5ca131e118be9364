// The contracts between the templates and the theme's scripts (docs/theme-contract.md),
// on editions this file builds itself with the gouvernail binary (GOUVERNAIL_BIN, by
// default the debug build that scripts/test makes), in headless Chromium, from disk
// (file://) and over HTTP:
// - an edition that overrides templates and drops elements the scripts use loses
//   only what needs them: every other feature still works, with no page error;
// - checklist ticks are keyed by action id: inserting an action, or rewording one
//   that has an `id:`, keeps the saved ticks on their actions.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { start, open as openIn } from "./harness.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..", "..");
const binary = process.env.GOUVERNAIL_BIN || path.resolve(repo, process.env.CARGO_TARGET_DIR || "target", "debug", "gouvernail");
const base = path.join(repo, "tests", "fixtures", "base");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "gouvernail-contracts-"));
const sites = path.join(work, "sites");

/// Writes `files` (relative path → text) into a new edition folder `name`.
function edition(name, files) {
  const dir = path.join(work, name);
  for (const [relative, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true });
    fs.writeFileSync(path.join(dir, relative), text);
  }
  return dir;
}

/// Builds the edition `dir` into sites/<name> (again: the build swaps it in place).
function build(dir, name) {
  execFileSync(binary, ["build", dir, "--out", path.join(sites, name), "--quiet"], { stdio: ["ignore", "inherit", "inherit"] });
}

/// A built-in template with the lines matching `drop` taken out, as an edition's
/// override: it follows the built-in one, minus those elements.
function without(template, drop) {
  const text = fs.readFileSync(path.join(repo, "templates", template), "utf8");
  const kept = text.split("\n").filter((line) => !drop.test(line));
  assert.ok(kept.length < text.split("\n").length, `${template}: ${drop} matches a line`);
  return kept.join("\n");
}

const playbook = (actions) => `---
title: Coches
summary: Des actions à cocher.
steps:
  - id: preparer
    title: Préparer
    accountable: direction
    actions:
${actions.map((a) => `      - ${a}`).join("\n")}
---
Le corps.
`;

let env;
let ticksEdition;
before(async () => {
  // Drops: the search box's list and status, the checklist's counters, progress bar
  // and export button, the self-diagnostic's score. Each made the script throw and
  // stop every feature wired after it.
  const stripped = edition("stripped", {
    "handbook.yaml": `extends: ${JSON.stringify(base)}\n`,
    "templates/search-box.html": without("search-box.html", /id="gv_search-listbox"|data-search-status/),
    "templates/playbook.html": without("playbook.html", /data-progress|<progress|data-checklist-export/),
    "templates/assessment.html": without("assessment.html", /output name="score"/),
  });
  build(stripped, "stripped");
  ticksEdition = edition("ticks", {
    "handbook.yaml": `extends: ${JSON.stringify(base)}\n`,
    "content/playbooks/coches.md": playbook(["Réunir l'équipe", "Fixer le budget", "{ id: calendrier, text: Écrire le calendrier }"]),
  });
  build(ticksEdition, "ticks");
  // A page renamed, with its former addresses.
  build(edition("moved", {
    "handbook.yaml": `extends: ${JSON.stringify(base)}\n`,
    "content/pages/nouveau-nom.md": "---\ntitle: Nouveau nom\nsummary: Une page renommée.\naliases: [procedures/ancien-nom.html, vieux/dossier/page.html]\n---\nLe corps.\n",
  }), "moved");
  env = await start(sites);
});
after(async () => {
  await env?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

const box = (page, text) => page.locator("ul.checklist label", { hasText: text }).locator("input[data-check]");

for (const [scheme, index] of [["file://", 0], ["http", 1]]) {
  const root = () => env.roots[index][1];

  test(`${scheme}: templates without some elements lose only the features that need them`, async () => {
    const { page, context, problems } = await openIn(env.browser, root(), "stripped/procedures/pilote.html");
    assert.equal(await page.locator("[data-progress], [data-checklist-export], #gv_search-listbox").count(), 0, "the override dropped them");
    // The search box without its list: typing is harmless, the form still leads to the results page.
    await page.locator("#gv_search-input").focus();
    await page.locator("#gv_search-input").pressSequentially("pilote");
    // The checklist without counters or export: ticks persist, reset works.
    const first = page.locator("input[data-check]").first();
    await first.check();
    await page.reload();
    assert.ok(await first.isChecked(), "a tick survives a reload");
    assert.ok(await page.locator("[data-checklist]").isVisible(), "the checklist tools show");
    await page.locator("[data-checklist-reset]").click();
    assert.ok(!(await first.isChecked()), "the reset button, wired after the dropped export button, works");
    // Features wired before and after the checklist still work on the same page.
    const size = page.locator("select[data-audience=size]");
    assert.ok(await size.isVisible(), "the size switcher shows");
    await size.selectOption("micro");
    assert.equal(await page.locator("html").getAttribute("data-pick-size"), "micro");
    await page.locator("[data-theme-toggle]").click();
    assert.match(await page.locator("html").getAttribute("data-theme"), /^(dark|light)$/, "the theme toggle works");

    // The self-diagnostic without its score: the result still shows, and the
    // print button (wired after it) is there.
    await page.goto(root() + "stripped/autodiagnostic/diagnostic.html");
    await page.locator("form[data-assessment] input[type=radio]").last().check();
    assert.match(await page.locator("[data-result]").textContent(), /Lancez un pilote/, "the matching result shows");
    assert.ok(await page.locator("[data-print]").isVisible(), "the print button shows");
    assert.deepEqual(problems, [], problems.join("; "));
    await context.close();
  });
}

for (const [scheme, index] of [["file://", 0], ["http", 1]]) {
  test(`${scheme}: a former address leads to the page, with no script`, async () => {
    const root = env.roots[index][1];
    for (const old of ["moved/procedures/ancien-nom.html", "moved/vieux/dossier/page.html"]) {
      const { page, context, problems } = await openIn(env.browser, root, old);
      await page.waitForURL(/\/pages\/nouveau-nom\.html$/);
      assert.equal(await page.locator("h1").first().textContent(), "Nouveau nom", old);
      assert.deepEqual(problems, [], problems.join("; "));
      await context.close();
    }
  });
}

test("file://: ticks stay on their actions when an action is inserted, and old ticks by position carry over once", async () => {
  const root = env.roots[0][1];
  const { page, context, problems } = await openIn(env.browser, root, "ticks/procedures/coches.html");
  assert.deepEqual(
    await page.locator("input[data-check]").evaluateAll((boxes) => boxes.map((b) => b.getAttribute("data-check"))),
    ["coches/preparer/reunir-l-equipe", "coches/preparer/fixer-le-budget", "coches/preparer/calendrier"],
  );
  // A tick saved by an earlier version, by place in the step, moves to its action's id.
  const oldKey = await page.evaluate(() => `gouvernail@${document.documentElement.dataset.edition}-check-coches/preparer/1`);
  await page.evaluate((key) => localStorage.setItem(key, "1"), oldKey);
  await page.reload();
  assert.ok(await box(page, "Réunir l'équipe").isChecked(), "the old tick by position carried over");
  assert.equal(await page.evaluate((key) => localStorage.getItem(key), oldKey), null, "the old key is gone");
  await box(page, "Fixer le budget").check();
  await box(page, "Écrire le calendrier").check();

  // Insert an action first, reword the one with an id, and the first one without.
  fs.writeFileSync(path.join(ticksEdition, "content/playbooks/coches.md"), playbook(["Prévenir les managers", "Réunir toute l'équipe", "Fixer le budget", "{ id: calendrier, text: Écrire et diffuser le calendrier }"]));
  build(ticksEdition, "ticks");
  await page.reload();
  assert.equal(await page.locator("input[data-check]").count(), 4, "the rebuilt page has the inserted action");
  assert.ok(!(await box(page, "Prévenir les managers").isChecked()), "the inserted action starts unticked");
  assert.ok(!(await box(page, "Réunir toute l'équipe").isChecked()), "an action reworded without id: starts again");
  assert.ok(await box(page, "Fixer le budget").isChecked(), "a tick stays on its action, not on its old place");
  assert.ok(await box(page, "Écrire et diffuser le calendrier").isChecked(), "an action with id: keeps its tick when reworded");
  assert.equal(await page.locator("[data-progress]").textContent(), "2");

  // The export is keyed by action id.
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator("[data-checklist-export]").click()]);
  const file = path.join(work, "export.json");
  await download.saveAs(file);
  const saved = JSON.parse(fs.readFileSync(file, "utf8"));
  assert.equal(saved.version, 2);
  assert.deepEqual(saved.checks, {
    "coches/preparer/prevenir-les-managers": false,
    "coches/preparer/reunir-toute-l-equipe": false,
    "coches/preparer/fixer-le-budget": true,
    "coches/preparer/calendrier": true,
  });
  // An export from before action ids (no version, keyed by place) imports by place;
  // a version this script does not know changes nothing and says so.
  await page.locator("[data-checklist-reset]").click();
  const upload = (name, data) => page.locator("[data-checklist-import]").setInputFiles({ name, mimeType: "application/json", buffer: Buffer.from(JSON.stringify(data)) });
  await upload("old.json", { gouvernail: "checklist", page: "coches", checks: { "coches/preparer/1": true, "coches/preparer/3": true } });
  await page.waitForFunction(() => document.querySelector("[data-progress]").textContent === "2");
  assert.ok(await box(page, "Prévenir les managers").isChecked() && await box(page, "Fixer le budget").isChecked());
  await upload("future.json", { gouvernail: "checklist", version: 3, page: "coches", checks: { "coches/preparer/calendrier": true } });
  await page.locator("[data-checklist-status]").waitFor();
  assert.ok(!(await box(page, "Écrire et diffuser le calendrier").isChecked()), "an unknown version changes nothing");
  await upload("export.json", saved);
  await page.waitForFunction(() => document.querySelector("[data-checklist-status]").hidden);
  assert.ok(await box(page, "Écrire et diffuser le calendrier").isChecked() && !(await box(page, "Prévenir les managers").isChecked()), "the export imports back by id");
  assert.deepEqual(problems, [], problems.join("; "));
  await context.close();
});
