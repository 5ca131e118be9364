// Browser tests of the built default handbook, in Debian's headless Chromium driven
// by playwright-core, once from disk (file://) and once over HTTP from a loopback
// server that sends `Content-Security-Policy: default-src 'self'`.
// GOUVERNAIL_SITE names the built site (scripts/test builds it).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const site = process.env.GOUVERNAIL_SITE;
if (!site || !fs.existsSync(path.join(site, "index.html"))) {
  throw new Error("set GOUVERNAIL_SITE to a built site (scripts/test does)");
}

const types = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml", ".md": "text/markdown; charset=utf-8" };
let server;
let browser;
let httpRoot;

before(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    const file = path.join(site, decodeURIComponent(url.pathname.replace(/^\/site\//, "/")));
    if (!file.startsWith(site) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404, { "Content-Type": "text/plain" });
      res.end("not found");
      return;
    }
    res.writeHead(200, {
      "Content-Type": types[path.extname(file)] || "application/octet-stream",
      "Content-Security-Policy": "default-src 'self'",
    });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  // Served under a sub-path, as on an intranet.
  httpRoot = `http://127.0.0.1:${server.address().port}/site/`;
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});

after(async () => {
  await browser?.close();
  server?.close();
});

/// Opens a page and records console errors, page errors and requests leaving the site.
async function open(root, relative) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("request", (r) => { if (!r.url().startsWith(root)) problems.push(`request outside the site: ${r.url()}`); });
  await page.goto(root + relative);
  return { page, context, problems };
}

const roots = () => [["file://", pathToFileURL(site).href + "/"], ["http", httpRoot]];

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
