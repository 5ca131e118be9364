// Browser tests of the search (theme/search.js over the index in search/), on the
// built default handbook, in headless Chromium, from disk (file://) and over HTTP
// under a sub-path with `Content-Security-Policy: default-src 'self'`.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start, open as openIn } from "./harness.mjs";

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

const open = (root, relative) => openIn(env.browser, root, relative);

/// Types `text` into the search box and waits for the results it gives.
async function typeQuery(page, text) {
  const input = page.locator("#search-input");
  await input.fill("");
  const done = page.evaluate((q) => new Promise((resolve) => {
    document.getElementById("search-input").addEventListener("gouvernail-search", function on(e) {
      if (e.detail.query === q && e.detail.snippets) { this.removeEventListener("gouvernail-search", on); resolve(); }
    });
  }), text);
  await input.pressSequentially(text);
  await done;
}

const optionLinks = (page) => page.locator("#search-listbox [role=option] a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));

for (const [name, rootOf] of [["file://", 0], ["http", 1]]) {
  test(`${name}: typing finds the expected page and section, with highlighted snippets`, async () => {
    const root = env.roots[rootOf][1];
    const { page, context, problems } = await open(root, "index.html");
    const input = page.locator("#search-input");
    assert.equal(await input.getAttribute("role"), "combobox");
    // What a screen reader gets: a combobox named by its label, in the search landmark.
    assert.equal(await page.getByRole("search").getByRole("combobox", { name: "Rechercher", exact: true }).count(), 1);

    await typeQuery(page, "securite des donnees");
    assert.equal(await input.getAttribute("aria-expanded"), "true");
    assert.ok(await page.locator("#search-listbox").isVisible());
    const links = await optionLinks(page);
    assert.ok(links.slice(0, 3).some((h) => h.endsWith("procedures/securiser-donnees-modeles.html")), links.join(", "));
    const marks = await page.locator("#search-listbox mark").allTextContents();
    assert.ok(marks.length > 0, "matched words are highlighted");
    assert.ok(marks.every((m) => /^(s[ée]curi|donn)/i.test(m)), `only query words are marked: ${marks}`);

    // A section: the link carries its anchor, and following it lands there.
    await typeQuery(page, "hallucination");
    const at = (await optionLinks(page)).findIndex((h) => /pages\/glossaire\.html#hallucination$/.test(h));
    assert.ok(at >= 0 && at < 3, "the glossary's entry is among the first results");
    await page.locator("#search-listbox [role=option] a").nth(at).click();
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
    assert.equal(await page.evaluate(() => document.activeElement.id), "search-input", "/ focuses the search box");
    await typeQuery(page, "shadow");
    const input = page.locator("#search-input");
    const options = page.locator("#search-listbox [role=option]");
    assert.ok((await options.count()) >= 3);
    await page.keyboard.press("ArrowDown");
    assert.equal(await input.getAttribute("aria-activedescendant"), await options.nth(0).getAttribute("id"));
    assert.equal(await options.nth(0).getAttribute("aria-selected"), "true");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowUp");
    assert.equal(await input.getAttribute("aria-activedescendant"), await options.nth(0).getAttribute("id"));
    await page.keyboard.press("Escape");
    assert.equal(await input.getAttribute("aria-expanded"), "false");
    assert.ok(!(await page.locator("#search-listbox").isVisible()));
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

  test(`${name}: the results page lists every match and its filters narrow them with counts`, async () => {
    const root = env.roots[rootOf][1];
    const { page, context, problems } = await open(root, "index.html");
    // The box's form leads to the full results page.
    await typeQuery(page, "référent");
    await page.keyboard.press("Enter");
    await page.waitForURL(/recherche\.html\?q=/);
    const results = page.locator("[data-search-results] > li");
    await results.first().waitFor();
    assert.equal(await page.locator("#search-page-input").inputValue(), "référent");
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
