// No script from content (docs/security.md, « Raw HTML »), in headless Chromium,
// from disk (file://) and over HTTP:
// - the hostile fixture (tests/fixtures/hostile), whose pages, fields and values
//   hold every script, handler, navigation and style vector, built under the
//   default policy: no script runs, no handler fires, no navigation happens, no
//   request leaves the site, and the browser reports no CSP violation;
// - the same fixture's allowed markup renders: a details block opens, an image
//   beside its page shows;
// - an edition whose own template writes an inline script and a style attribute:
//   the meta CSP every page carries blocks both, from file:// too, where no
//   server sends a header.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { start, buildSafetySites } from "./harness.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..", "..");
const binary = process.env.GOUVERNAIL_BIN || path.resolve(repo, process.env.CARGO_TARGET_DIR || "target", "debug", "gouvernail");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "gouvernail-safety-"));
const sites = path.join(work, "sites");

let env;
before(async () => {
  buildSafetySites(binary, work, sites);
  env = await start(sites);
});
after(async () => {
  await env?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

/// Opens `relative` and watches everything a payload could do: dialogs, page
/// errors, requests outside the site, navigations after the first, CSP violations.
async function watch(root, relative) {
  const context = await env.browser.newContext();
  await context.addInitScript(() => {
    window.__violations = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const page = await context.newPage();
  const seen = { dialogs: [], errors: [], outside: [], navigations: [] };
  page.on("dialog", (d) => { seen.dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  page.on("pageerror", (e) => seen.errors.push(e.message));
  page.on("request", (r) => { if (!r.url().startsWith(root)) seen.outside.push(r.url()); });
  page.on("framenavigated", (f) => seen.navigations.push(f.url()));
  await page.goto(root + relative);
  // A meta refresh at 0 s or an autofocus handler acts at once; give them time.
  await page.waitForTimeout(800);
  return { page, context, seen };
}

const vectorPages = ["pages/vecteurs.html", "idees-recues/vecteurs-mythe.html", "procedures/vecteurs-procedure.html", "idees-recues/index.html", "index.html", "impression.html"];

for (const [scheme, index] of [["file://", 0], ["http", 1]]) {
  const root = () => env.roots[index][1] + "hostile/";

  for (const relative of vectorPages) {
    test(`${scheme}: ${relative} runs nothing of what its content holds`, async () => {
      const { page, context, seen } = await watch(root(), relative);
      // Focus and click what a reader would: every link and summary of the content.
      for (const target of await page.locator("main a:not([href]), main summary, main h2[id]").all()) {
        await target.click({ timeout: 2000 }).catch(() => {});
      }
      await page.keyboard.press("Tab");
      await page.waitForTimeout(200);
      assert.equal(await page.evaluate(() => window.__pwned), undefined, "no payload ran");
      assert.deepEqual(seen.dialogs, [], "no dialog opened");
      assert.deepEqual(seen.errors, [], "no page error");
      assert.deepEqual(seen.outside, [], "no request left the site");
      assert.deepEqual(seen.navigations, [root() + relative], "no navigation after the page loaded");
      assert.deepEqual(await page.evaluate(() => window.__violations), [], "no CSP violation");
      assert.ok(await page.locator("main").isVisible(), "no style hid the page");
      if (relative === "pages/vecteurs.html") {
        assert.ok(await page.locator("#stylee").isVisible(), "a style attribute was dropped");
        assert.equal(
          await page.locator("main a", { hasText: "page du guide" }).evaluate((a) => a.href),
          new URL("../pages/introduction.html", root() + relative).href,
          "no <base> moved the page's links",
        );
      }
      await context.close();
    });
  }

  test(`${scheme}: allowed markup renders: a details block opens, an image beside its page shows`, async () => {
    const { page, context, seen } = await watch(root(), "pages/permis.html");
    const details = page.locator("main details");
    assert.equal(await details.count(), 1);
    assert.equal(await details.evaluate((d) => d.open), false);
    await page.locator("main summary").click();
    assert.equal(await details.evaluate((d) => d.open), true, "the summary opens it");
    assert.ok(await page.locator("main abbr[title='intelligence artificielle']").isVisible());
    const image = page.locator("main img[alt='Organigramme du programme']");
    await image.evaluate((img) => img.complete || new Promise((resolve) => { img.onload = img.onerror = resolve; }));
    assert.ok((await image.evaluate((img) => img.naturalWidth)) > 0, "the image loaded");
    assert.deepEqual(seen.errors, []);
    assert.deepEqual(seen.outside, []);
    assert.deepEqual(await page.evaluate(() => window.__violations), [], "no CSP violation");
    await context.close();
  });

  test(`${scheme}: the meta CSP blocks an inline script and a style attribute that a template writes`, async () => {
    const { page, context } = await watch(env.roots[index][1] + "templated/", "index.html");
    assert.equal(await page.evaluate(() => window.__pwned), undefined, "the inline script was blocked");
    assert.ok(await page.locator("#inline-style").isVisible(), "the style attribute was blocked");
    const violations = await page.evaluate(() => window.__violations);
    assert.ok(violations.some((v) => v.startsWith("script-src")), `a script-src violation: ${violations}`);
    assert.ok(violations.some((v) => v.startsWith("style-src")), `a style-src violation: ${violations}`);
    // The site's own scripts, from ../assets, still run.
    assert.ok(await page.locator("[data-theme-toggle]").isVisible(), "app.js ran and showed the theme toggle");
    await context.close();
  });
}
