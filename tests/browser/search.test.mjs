// Browser tests of the search (theme/search.js over the index in search/), on the
// built default handbook, in headless Chromium, from disk (file://) and over HTTP
// under a sub-path with `Content-Security-Policy: default-src 'self'`.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import vm from "node:vm";
import { fileURLToPath, pathToFileURL } from "node:url";
import { start, open as openIn, site } from "./harness.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const searchScript = fs.readFileSync(path.join(here, "../../theme/search.js"), "utf8");

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

const open = (root, relative) => openIn(env.browser, root, relative);

/// Types `text` into the search box and waits for the results it gives.
async function typeQuery(page, text) {
  const input = page.locator("#gv_search-input");
  await input.fill("");
  const done = page.evaluate((q) => new Promise((resolve) => {
    document.getElementById("gv_search-input").addEventListener("gouvernail-search", function on(e) {
      if (e.detail.query === q && e.detail.snippets) { this.removeEventListener("gouvernail-search", on); resolve(); }
    });
  }), text);
  await input.pressSequentially(text);
  await done;
}

const optionLinks = (page) => page.locator("#gv_search-listbox [role=option] a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));

for (const [name, rootOf] of [["file://", 0], ["http", 1]]) {
  test(`${name}: typing finds the expected page and section, with highlighted snippets`, async () => {
    const root = env.roots[rootOf][1];
    const { page, context, problems } = await open(root, "index.html");
    const input = page.locator("#gv_search-input");
    assert.equal(await input.getAttribute("role"), "combobox");
    // What a screen reader gets: a combobox named by its label, in the search landmark.
    assert.equal(await page.getByRole("search").getByRole("combobox", { name: "Rechercher", exact: true }).count(), 1);

    await typeQuery(page, "securite des donnees");
    assert.equal(await input.getAttribute("aria-expanded"), "true");
    assert.ok(await page.locator("#gv_search-listbox").isVisible());
    const links = await optionLinks(page);
    assert.ok(links.slice(0, 3).some((h) => h.endsWith("procedures/securiser-donnees-modeles.html")), links.join(", "));
    const marks = await page.locator("#gv_search-listbox mark").allTextContents();
    assert.ok(marks.length > 0, "matched words are highlighted");
    assert.ok(marks.every((m) => /^(s[ée]curi|donn)/i.test(m)), `only query words are marked: ${marks}`);

    // A section: the link carries its anchor, and following it lands there.
    await typeQuery(page, "hallucination");
    const at = (await optionLinks(page)).findIndex((h) => /pages\/glossaire\.html#hallucination$/.test(h));
    assert.ok(at >= 0 && at < 3, "the glossary's entry is among the first results");
    await page.locator("#gv_search-listbox [role=option] a").nth(at).click();
    await page.waitForURL(/glossaire\.html#hallucination$/);
    assert.ok(await page.locator("#hallucination").isVisible());

    // Accents, elisions and typos: « l'IA générative » with a typo still finds the charter.
    await typeQuery(page, "charte d'utilisaton");
    assert.ok((await optionLinks(page)).some((h) => h.endsWith("chartes/charte-utilisation-ia.html")));
    assert.deepEqual(problems, [], problems.join("; "));
    await context.close();
  });

  test(`${name}: the keyboard drives the combobox`, async () => {
    const root = env.roots[rootOf][1];
    const { page, context, problems } = await open(root, "pages/introduction.html");
    await page.locator("main").click();
    await page.keyboard.press("/");
    assert.equal(await page.evaluate(() => document.activeElement.id), "gv_search-input", "/ focuses the search box");
    await typeQuery(page, "shadow");
    const input = page.locator("#gv_search-input");
    const options = page.locator("#gv_search-listbox [role=option]");
    assert.ok((await options.count()) >= 3);
    await page.keyboard.press("ArrowDown");
    assert.equal(await input.getAttribute("aria-activedescendant"), await options.nth(0).getAttribute("id"));
    assert.equal(await options.nth(0).getAttribute("aria-selected"), "true");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowUp");
    assert.equal(await input.getAttribute("aria-activedescendant"), await options.nth(0).getAttribute("id"));
    await page.keyboard.press("Escape");
    assert.equal(await input.getAttribute("aria-expanded"), "false");
    assert.ok(!(await page.locator("#gv_search-listbox").isVisible()));
    // A second Esc clears the box (a text input: the script does it, not the browser).
    await page.keyboard.press("Escape");
    assert.equal(await input.inputValue(), "");
    await typeQuery(page, "shadow");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    const href = await options.nth(1).locator("a").getAttribute("href");
    await page.keyboard.press("Enter");
    await page.waitForURL(href, { waitUntil: "commit" });
    assert.deepEqual(problems, [], problems.join("; "));
    await context.close();
  });

  test(`${name}: a corrected word and a synonym say what the results stand on`, async () => {
    const root = env.roots[rootOf][1];
    const { page, context, problems } = await open(root, "index.html");
    const allOption = page.locator("#gv_search-option-all");
    // A typo in the first letter, corrected.
    await typeQuery(page, "vormation");
    assert.ok((await optionLinks(page)).slice(0, 3).some((h) => h.endsWith("procedures/plan-competences-formation.html")));
    assert.match(await allOption.textContent(), /^Résultats pour « formation » — \d+ pages trouvées$/);
    // An acronym the pages do not use, through the synonyms of data/synonyms.yaml.
    await typeQuery(page, "GDPR");
    assert.ok((await optionLinks(page)).slice(0, 3).some((h) => h.endsWith("pages/glossaire.html#rgpd")));
    assert.match(await allOption.textContent(), /^« GDPR » : aussi (« [^»]+ », )*« RGPD »/);
    assert.match(await page.locator("[data-search-status]").textContent(), /« GDPR » : aussi (« [^»]+ », )*« RGPD »/);
    // The results page says it too.
    await page.keyboard.press("Enter");
    await page.waitForURL(/recherche\.html\?q=GDPR/);
    await page.locator("[data-search-results] > li").first().waitFor();
    await page.waitForFunction(() => /aussi (« [^»]+ », )*« RGPD »/.test(document.querySelector("[data-search-summary]").textContent));
    // A word of the pages needs no explanation.
    await typeQuery(page, "formations");
    assert.match(await allOption.textContent(), /^\d+ pages trouvées$/);
    assert.deepEqual(problems, [], problems.join("; "));
    await context.close();
  });

  test(`${name}: the results page lists every match and its filters narrow them with counts`, async () => {
    const root = env.roots[rootOf][1];
    const { page, context, problems } = await open(root, "index.html");
    // The box's form leads to the full results page.
    await typeQuery(page, "référent");
    await page.keyboard.press("Enter");
    await page.waitForURL(/recherche\.html\?q=/);
    const results = page.locator("[data-search-results] > li");
    await results.first().waitFor();
    assert.equal(await page.locator("#gv_search-page-input").inputValue(), "référent");
    const total = await results.count();
    assert.ok(total > 3, `${total} results`);

    const roleBox = page.locator("[data-search-filters] input[name=kind][data-facet-id=role]");
    const roleCount = Number(await roleBox.locator("xpath=following-sibling::span").textContent());
    assert.ok(roleCount > 0 && roleCount < total);
    await roleBox.check();
    await page.waitForFunction((n) => document.querySelectorAll("[data-search-results] > li").length === n, roleCount);
    const hrefs = await page.locator("[data-search-results] a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    assert.ok(hrefs.every((h) => h.includes("roles/")), hrefs.join(", "));

    // Role and tag filters: checking a value leaves as many results as its count said.
    await roleBox.uncheck();
    await page.waitForFunction((n) => document.querySelectorAll("[data-search-results] > li").length === n, total);
    for (const facet of ["role", "tag"]) {
      const box = page.locator(`[data-search-filters] input[name=${facet}]`).first();
      const count = Number(await box.locator("xpath=following-sibling::span").textContent());
      assert.ok(count > 0, `${facet}: a value has results`);
      await box.check();
      await page.waitForFunction((n) => document.querySelectorAll("[data-search-results] > li").length === Math.min(n, 20), count);
      await box.uncheck();
      await page.waitForFunction((n) => document.querySelectorAll("[data-search-results] > li").length === n, total);
    }
    assert.deepEqual(problems, [], problems.join("; "));
    await context.close();
  });
}

// ---- The index contract (src/search/ writes, theme/search.js reads) ----------------

/// The query engine in a VM of its own, over index files given as text by name.
function engineOver(files) {
  const context = vm.createContext({ console });
  vm.runInContext(searchScript, context);
  const api = context.gouvernailSearchEngine;
  const engine = api.createEngine(async (name) => {
    if (!(name in files)) throw new Error(`no ${name}`);
    vm.runInContext(files[name], context, { filename: name });
  });
  return { engine, api };
}

/// Appends `v` as a varint in the given digits (src/search/postings.rs `varint`).
function varint(v, last, more) {
  let out = "";
  while (v >= last.length) { out += more[v % more.length]; v = Math.floor(v / more.length); }
  return out + last[v];
}

/// A three-page index by hand, with its own digits, elisions and level scores: a
/// script that used constants of its own would misread it.
function handMadeIndex(version) {
  const last = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"].reverse().join("");
  const more = [..."!#$%&()*+,./:;<=>?@[]^`{|}~"].reverse().join("");
  // Scores that fall as levels rise: the reverse of the built-in table.
  const scores = [0];
  for (let l = 1; l <= 16; l++) scores.push(17 - l);
  // « budget »: page 0 at level 4 in its lead, page 2 at level 12 in section 1
  // (((gap - 1) * 16 + level - 1) * 8 + section; 217 takes two digits).
  const code = varint(((1 - 1) * 16 + 3) * 8 + 0, last, more) + varint(((2 - 1) * 16 + 11) * 8 + 1, last, more);
  const call = (name, ...args) => `gouvernailSearch.${name}(${args.map((a) => JSON.stringify(a)).join(",")});`;
  return {
    "meta.js": call("meta", { version, language: "fr", varint: { last, more }, elisions: ["zz"], scores, stop: [], pages: 3, terms: [""], heads: [0], snippets: [0], labels: {} }),
    "t0.js": call("terms", 0, ["budget", "", "l", ""], ["budget", code, "l", varint(((2 - 1) * 16) * 8, last, more)]),
    "h0.js": call("heads", 0, 0, [["Zéro", "zero.html"], ["Un", "un.html"], ["Deux", "deux.html", "suivi", "Suivi"]]),
  };
}

test("the engine decodes with the digits, elisions and level scores of meta.js", async () => {
  const { engine, api } = engineOver(handMadeIndex(3));
  assert.equal(api.INDEX_VERSION, 3, "the version this script reads (src/search/mod.rs VERSION)");
  const found = await engine.search("budget");
  const shown = await engine.heads(found.top(10));
  // Meta's digits give pages 0 and 2; meta's scores rank level 4 above level 12.
  assert.deepEqual([...shown.map((r) => r.url)], ["zero.html", "deux.html#suivi"]);
  // Meta's elisions: « zz' » is elided, « l' » is a word here.
  assert.deepEqual([...(await engine.search("zz'budget")).words.map((w) => w.word)], ["budget"]);
  assert.deepEqual([...(await engine.search("l'budget")).words.map((w) => w.word)], ["l", "budget"]);
});

test("an index of another version, or without its constants, is reported rather than read", async () => {
  for (const [what, files] of [
    ["an older version", handMadeIndex(2)],
    ["a newer version", handMadeIndex(4)],
    ["no varint digits", Object.assign(handMadeIndex(3), { "meta.js": handMadeIndex(3)["meta.js"].replace('"varint"', '"other"') })],
  ]) {
    const { engine } = engineOver(files);
    await assert.rejects(engine.search("budget"), (e) => e.name === "IndexVersionError" && /this script reads version 3/.test(e.message), what);
    await assert.rejects(engine.load(), (e) => e.name === "IndexVersionError", `${what}: the results page's load too`);
  }
});

test("file://: a mismatched meta.js shows the version message in the box and on the results page, with no page error", async () => {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), "gouvernail-version-"));
  try {
    fs.cpSync(site, copy, { recursive: true });
    const metaFile = path.join(copy, "search", "meta.js");
    const meta = fs.readFileSync(metaFile, "utf8");
    assert.match(meta, /"version":3/);
    fs.writeFileSync(metaFile, meta.replace('"version":3', '"version":2'));
    const root = pathToFileURL(copy).href + "/";
    const { page, context, problems } = await openIn(env.browser, root, "index.html");
    const message = await page.locator("form.search-box").getAttribute("data-search-version-error");
    assert.match(message, /^La recherche est indisponible/, "the French label, from the template");
    const reported = page.evaluate(() => new Promise((resolve) => {
      document.getElementById("gv_search-input").addEventListener("gouvernail-search", (e) => resolve(e.detail), { once: true });
    }));
    await page.locator("#gv_search-input").pressSequentially("charte");
    assert.equal((await reported).error, "version");
    assert.equal(await page.locator("#gv_search-listbox .search-error").textContent(), message);
    assert.equal(await page.locator("#gv_search-listbox a").count(), 0, "no result read from the mismatched index");
    assert.equal(await page.locator("[data-search-status]").textContent(), message);

    await page.goto(root + "recherche.html?q=charte");
    await page.waitForFunction((m) => document.querySelector("[data-search-summary]").textContent === m, message);
    assert.equal(await page.locator("[data-search-results] > li").count(), 0);
    assert.deepEqual(problems, [], problems.join("; "));
    await context.close();
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
});

for (const [name, rootOf] of [["file://", 0], ["http", 1]]) {
  test(`${name}: the index files load by URLs that carry meta.js's hash of them`, async () => {
    const root = env.roots[rootOf][1];
    const { page, context, problems } = await open(root, "index.html");
    const requested = [];
    page.on("request", (request) => requested.push(request.url()));
    await typeQuery(page, "securite des donnees");
    const meta = fs.readFileSync(path.join(site, "search/meta.js"), "utf8");
    const files = JSON.parse(meta.slice(meta.indexOf("(") + 1, meta.lastIndexOf(")")))["files"];
    assert.match(files, /^[0-9a-f]{8}$/);
    const shards = requested.filter((url) => /\/search\/[ths]\d+\.js/.test(url));
    assert.ok(shards.length > 0, `no shard was requested: ${requested.join(", ")}`);
    for (const url of shards) assert.ok(url.endsWith(`.js?v=${files}`), url);
    assert.deepEqual(problems, []);
    await context.close();
  });
}
