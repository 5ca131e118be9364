// Browser tests of the built default handbook, in Debian's headless Chromium driven
// by playwright-core, once from disk (file://) and once over HTTP (see harness.mjs).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start, open as openIn } from "./harness.mjs";

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

const roots = () => env.roots;
const open = (root, relative) => openIn(env.browser, root, relative);

for (const [name, rootOf] of [["file://", 0], ["http", 1]]) {
  test(`${name}: home and one page of each kind load without errors or outside requests`, async () => {
    const root = roots()[rootOf][1];
    for (const relative of ["index.html", "procedures/mener-pilote.html", "chartes/charte-utilisation-ia.html", "roles/referent-ia.html", "idees-recues/index.html", "communication/annoncer-programme-ia.html", "cas/cas-quebec-reprise-en-main.html", "autodiagnostic/autodiagnostic-maturite.html", "raci.html", "impression.html"]) {
      const { page, context, problems } = await open(root, relative);
      assert.ok((await page.title()).length > 0, `${relative} has a title`);
      const css = await page.evaluate(() => getComputedStyle(document.body).fontFamily);
      assert.match(css, /system-ui/, `${relative}: the stylesheet loaded`);
      assert.deepEqual(problems, [], `${relative}: ${problems.join("; ")}`);
      await context.close();
    }
  });

  test(`${name}: the size switcher hides the other sizes' passages and is remembered`, async () => {
    const root = roots()[rootOf][1];
    const { page, context, problems } = await open(root, "procedures/lancer-programme-ia.html");
    const select = page.locator("select[data-audience=size]");
    assert.ok(await select.isVisible(), "the switcher shows when scripts run");
    const large = page.locator('[data-sizes]:not([data-sizes~="micro"])').first();
    assert.ok(await large.isVisible(), "every variant shows before a choice");
    await select.selectOption("micro");
    assert.ok(!(await large.isVisible()), "a passage for larger organisations is hidden for micro");
    await page.reload();
    assert.equal(await page.locator("select[data-audience=size]").inputValue(), "micro", "the choice is remembered");
    assert.deepEqual(problems, []);
    await context.close();
  });

  test(`${name}: playbook ticks persist and the self-diagnostic scores in the page`, async () => {
    const root = roots()[rootOf][1];
    const { page, context, problems } = await open(root, "procedures/mener-pilote.html");
    const box = page.locator("input[data-check]").first();
    await box.check();
    await page.reload();
    assert.ok(await page.locator("input[data-check]").first().isChecked(), "the tick survived a reload");
    await page.goto(root + "autodiagnostic/autodiagnostic-maturite.html");
    const radios = page.locator("form[data-assessment] input[type=radio]");
    await radios.last().check();
    const score = page.locator("output[name=score]");
    assert.ok(await score.isVisible());
    assert.ok(Number(await score.textContent()) > 0, "the score counts the answer");
    assert.deepEqual(problems, []);
    await context.close();
  });
}
