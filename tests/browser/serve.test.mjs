// `gouvernail serve` in headless Chromium: a client edition that extends a copy
// of the default handbook is previewed; editing the base's page shows in the open
// page without a manual reload, editing a template shows on every page, breaking a
// page's front matter shows an overlay that names the file and line while the last
// good page stays readable, and fixing it removes the overlay. Zero CSP violations
// and zero console errors throughout; Ctrl-C stops the server cleanly.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..", "..");
const binary = process.env.GOUVERNAIL_BIN || path.resolve(repo, process.env.CARGO_TARGET_DIR || "target", "debug", "gouvernail");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "gouvernail-serve-"));
const base = path.join(work, "base");
const client = path.join(work, "client");
const page = path.join(base, "content", "pages", "glossaire.md");

let server, url, browser, log = "";

before(async () => {
  for (const part of ["handbook.yaml", "content", "data"]) {
    fs.cpSync(path.join(repo, part), path.join(base, part), { recursive: true });
  }
  fs.mkdirSync(path.join(client, "templates"), { recursive: true });
  fs.writeFileSync(path.join(client, "handbook.yaml"), `extends: ${JSON.stringify(base)}\ntitle: Guide du client\n`);
  server = spawn(binary, ["serve", client, "--port", "0", "--today", "2026-11-21"], { stdio: ["ignore", "ignore", "pipe"] });
  url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${log}`)), 60000);
    server.stderr.on("data", (chunk) => {
      log += chunk;
      const found = log.match(/at (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (found) { clearTimeout(timer); resolve(found[1]); }
    });
    server.on("exit", (code) => reject(new Error(`serve exited with ${code}: ${log}`)));
  });
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--no-first-run"] });
});

after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) server.kill("SIGKILL");
  fs.rmSync(work, { recursive: true, force: true });
});

/// Opens a page of the preview, collecting console errors and CSP violations.
async function open(relative) {
  const context = await browser.newContext();
  await context.addInitScript(() => {
    window.__violations = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const tab = await context.newPage();
  const problems = [];
  tab.on("console", (m) => { if (m.type() === "error") problems.push(`console: ${m.text()}`); });
  tab.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  tab.on("request", (r) => { if (!r.url().startsWith(url)) problems.push(`request outside: ${r.url()}`); });
  await tab.goto(url + relative);
  return { context, tab, problems };
}

const shown = (tab, text) => tab.locator(`text=${text}`).first().waitFor({ timeout: 15000 });

test("serve: edits show in the open pages, a broken page shows an overlay, fixing it removes it", async () => {
  const { context, tab, problems } = await open("pages/glossaire.html");
  const other = await context.newPage();
  await other.goto(url + "index.html");
  await tab.waitForTimeout(500);

  // The base's page, edited: the client's preview shows it, where it was scrolled.
  await tab.evaluate(() => window.scrollTo({ top: 1200, behavior: "instant" }));
  const scrolled = await tab.evaluate(() => window.scrollY);
  assert.ok(scrolled > 1000, `the page scrolls (${scrolled})`);
  const original = fs.readFileSync(page, "utf8");
  fs.writeFileSync(page, original + "\nUne phrase écrite à l'instant dans la base.\n");
  await shown(tab, "Une phrase écrite à l'instant dans la base.");
  await tab.waitForFunction((y) => Math.abs(window.scrollY - y) < 5, scrolled, { timeout: 5000 });

  // A template of the client, added: every open page shows it.
  const footer = fs.readFileSync(path.join(repo, "templates", "footer.html"), "utf8");
  fs.writeFileSync(path.join(client, "templates", "footer.html"), footer + "\n<p class=\"marque\">Pied du client</p>\n");
  await shown(tab, "Pied du client");
  await shown(other, "Pied du client");

  // The front matter broken: the overlay names the file and the line; the page
  // stays readable.
  fs.writeFileSync(page, original.replace(/^title: .*$/m, "title: [non fermé"));
  const overlay = tab.locator("#gv_live-errors");
  await overlay.waitFor({ state: "visible", timeout: 15000 });
  const text = await overlay.locator("pre").textContent();
  assert.match(text, /glossaire\.md:\d+:\d+/, text);
  assert.match(text, /error/, text);
  assert.ok(await tab.locator("main").isVisible(), "the last good page is still there");
  assert.ok(await tab.locator("text=Une phrase écrite à l'instant dans la base.").count() > 0);

  // Fixed: the overlay goes, the page shows the fixed text.
  fs.writeFileSync(page, original + "\nLa page réparée.\n");
  await shown(tab, "La page réparée.");
  assert.equal(await tab.locator("#gv_live-errors").count(), 0, "no overlay after the fix");

  assert.deepEqual(await tab.evaluate(() => window.__violations), [], "no CSP violation");
  assert.deepEqual(problems, [], problems.join("; "));
  await context.close();
});

test("serve: a page deleted or renamed while open gives way to the nearest page", async () => {
  const draft = path.join(client, "content", "pages", "page-du-client.md");
  fs.mkdirSync(path.dirname(draft), { recursive: true });
  fs.writeFileSync(draft, "---\ntitle: Page du client\nsummary: Une page écrite pour le client.\n---\nLe texte du client.\n");
  // Opened once it is built (a page asked for before would show the 404 page).
  const deadline = Date.now() + 30000;
  while ((await fetch(url + "pages/page-du-client.html", { method: "HEAD" })).status !== 200) {
    assert.ok(Date.now() < deadline, "the new page is built within 30 s");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const { context, tab, problems } = await open("pages/page-du-client.html");
  await shown(tab, "Le texte du client.");

  // Renamed: its old address is gone, and the tab lands on its folder's index.
  fs.renameSync(draft, path.join(client, "content", "pages", "page-renommee.md"));
  await tab.waitForURL(url + "pages/", { timeout: 15000 });
  assert.ok(await tab.locator("a[href$='page-renommee.html']").count() > 0, "the list names the renamed page");

  // Deleted while open: the same.
  await tab.goto(url + "pages/page-renommee.html");
  await shown(tab, "Le texte du client.");
  fs.rmSync(path.join(client, "content", "pages", "page-renommee.md"));
  await tab.waitForURL(url + "pages/", { timeout: 15000 });
  assert.equal(await tab.locator("a[href$='page-renommee.html']").count(), 0);

  assert.deepEqual(await tab.evaluate(() => window.__violations), [], "no CSP violation");
  // The HEAD requests that find the page gone are expected 404s, not errors.
  assert.deepEqual(problems.filter((p) => !/404/.test(p)), [], problems.join("; "));
  await context.close();
});

test("serve: Ctrl-C stops the server cleanly", async () => {
  const exited = new Promise((resolve) => server.on("exit", (code, signal) => resolve({ code, signal })));
  server.kill("SIGINT");
  const { code } = await exited;
  assert.equal(code, 0, log);
  assert.match(log, /stopped/);
});
