// Browser tests of client editions (examples/editions/, built by scripts/test into
// GOUVERNAIL_EDITIONS with one batch build): the eti client's logo and colours
// show, nothing external loads and axe-core finds no violation, over file:// and
// HTTP; and two editions opened side by side, from one disk or one server, keep
// the reader's choices apart.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { start, open as openIn, axeViolations } from "./harness.mjs";

const editions = process.env.GOUVERNAIL_EDITIONS;

let env;
before(async () => {
  assert.ok(editions && fs.existsSync(path.join(editions, "eti", "index.html")), "set GOUVERNAIL_EDITIONS to the built examples (scripts/test does)");
  // One server for every edition: /site/eti/, /site/small/…, one origin, as on an intranet.
  env = await start(editions);
});
after(async () => { await env?.close(); });

const eti = {
  home: "eti/index.html",
  charter: "eti/chartes/charte-utilisation-ia.html",
  playbook: "eti/procedures/encadrer-shadow-ai.html",
};

for (const [scheme, index] of [["file://", 0], ["http", 1]]) {
  test(`${scheme}: the client's logo and colours show, and nothing external loads`, async () => {
    const root = env.roots[index][1];
    for (const relative of Object.values(eti)) {
      const { page, context, problems } = await openIn(env.browser, root, relative);
      const logo = page.locator("header img.logo");
      assert.ok(await logo.evaluate((img) => img.complete && img.naturalWidth > 0), `${relative}: the logo loaded`);
      const header = await page.locator(".site-header").evaluate((el) => getComputedStyle(el).backgroundColor);
      assert.equal(header, "rgb(11, 79, 108)", `${relative}: the header has the client's primary colour`);
      assert.ok((await page.locator(".brand-org").textContent()).includes("Groupe Verdier"));
      assert.deepEqual(problems, [], `${relative}: ${problems.join("; ")}`);
      await context.close();
    }
  });
}

test("axe-core finds no WCAG 2.1 A or AA violation on the client's pages, light and dark", async () => {
  assert.deepEqual(await axeViolations(env.browser, env.roots[0][1], eti), []);
});

for (const [scheme, index] of [["file://", 0], ["http", 1]]) {
  test(`${scheme}: two editions side by side keep their own dark mode and ticks`, async () => {
    const root = env.roots[index][1];
    const context = await env.browser.newContext({ colorScheme: "light" });
    const page = await context.newPage();
    const playbook = "procedures/encadrer-shadow-ai.html";
    await page.goto(root + "eti/" + playbook);
    await page.locator("[data-theme-toggle]").click();
    assert.equal(await page.evaluate(() => document.documentElement.getAttribute("data-theme")), "dark");
    const first = page.locator("input[data-check]").first();
    await first.check();
    const id = await first.getAttribute("data-check");
    // The same page of another edition, in the same browser, same storage.
    await page.goto(root + "small/" + playbook);
    const shared = await page.evaluate(() => { localStorage.setItem("probe", "1"); return localStorage.length; });
    assert.ok(shared > 1, "the two editions share the browser's storage (the case this guards)");
    assert.notEqual(await page.evaluate(() => document.documentElement.getAttribute("data-theme")), "dark", "small is not dark");
    assert.ok(!(await page.locator(`input[data-check="${id}"]`).isChecked()), "eti's tick is not small's");
    // And back: eti kept both.
    await page.goto(root + "eti/" + playbook);
    assert.equal(await page.evaluate(() => document.documentElement.getAttribute("data-theme")), "dark");
    assert.ok(await page.locator(`input[data-check="${id}"]`).isChecked());
    await context.close();
  });
}
