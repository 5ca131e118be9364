// The content-safety promises of safety.test.mjs, in Debian's Firefox ESR
// (/usr/bin/firefox-esr), headless, driven by puppeteer-core over WebDriver BiDi,
// from disk (file://) and over HTTP (harness.mjs's server):
// - the hostile fixture's vector pages run no payload, open no dialog, navigate
//   nowhere, request nothing outside the site, report no CSP violation;
// - the meta CSP blocks an inline script and a style attribute that a template
//   writes, from file:// too, while the site's own app.js runs;
// - on the default handbook (GOUVERNAIL_SITE) the site's scripts run from file://:
//   the theme toggle, the search box over its index files, playbook ticks.
// Firefox gives file:// pages an opaque origin each and, with its default
// security.fileuri.strict_origin_policy, a localStorage per file: a choice made on
// one page is not remembered on another from file:// (reported, not asserted).
// Skipped when Firefox ESR is not installed (scripts/test installs it).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serve, site, buildSafetySites } from "./harness.mjs";

const firefox = "/usr/bin/firefox-esr";
const skip = !fs.existsSync(firefox) && `Firefox ESR is not installed (${firefox}); apt-get install firefox-esr`;
const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..", "..");
const binary = process.env.GOUVERNAIL_BIN || path.resolve(repo, process.env.CARGO_TARGET_DIR || "target", "debug", "gouvernail");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "gouvernail-firefox-"));
const sites = path.join(work, "sites");
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let env;
before(async () => {
  if (skip) return;
  buildSafetySites(binary, work, sites);
  const served = await serve(sites);
  const handbook = await serve(site);
  // A control page without a CSP, whose own script does what the watchers look for.
  const outside = new URL("/outside.png", served.roots[1][1]).href;
  fs.mkdirSync(path.join(sites, "control"));
  fs.writeFileSync(path.join(sites, "control", "index.html"), '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>control</title><link rel="icon" href="data:,"></head><body><p>control</p><script src="control.js"></script></body></html>\n');
  fs.writeFileSync(path.join(sites, "control", "next.html"), '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>next</title><link rel="icon" href="data:,"></head><body><p>next</p></body></html>\n');
  fs.writeFileSync(
    path.join(sites, "control", "control.js"),
    `window.__pwned = "control";
new Image().src = ${JSON.stringify(outside)};
setTimeout(() => { throw new Error("control error"); }, 0);
setTimeout(() => { alert("control"); location.href = "next.html"; }, 100);
`,
  );
  const { default: puppeteer } = await import("puppeteer-core");
  const browser = await puppeteer.launch({
    browser: "firefox",
    executablePath: firefox,
    headless: true,
    protocolTimeout: 30000,
    // Puppeteer's profile turns this off ("local documents have access to all
    // other local documents"); a reader's Firefox has it on.
    extraPrefsFirefox: { "security.fileuri.strict_origin_policy": true },
  });
  env = {
    browser,
    outside,
    version: await browser.version(),
    roots: served.roots.map(([, url]) => url),
    handbook: handbook.roots.map(([, url]) => url),
    close: async () => {
      await browser.close();
      await served.close();
      await handbook.close();
    },
  };
});
after(async () => {
  await env?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

/// Polls `predicate` in the page until it holds or `timeout` ms pass; true if it
/// held. Not page.waitForFunction: in Firefox, puppeteer builds its poller with
/// an eval, which the handbook's CSP (no 'unsafe-eval') blocks.
async function until(page, predicate, timeout) {
  for (const end = Date.now() + timeout; Date.now() < end; await sleep(100)) {
    if (await page.evaluate(predicate)) return true;
  }
  return false;
}

/// Opens `url` in a fresh context and watches what a payload could do: dialogs,
/// page errors (Firefox reports CSP blocks there too), console messages, requests
/// outside `root`, navigations, CSP violations.
async function watch(root, url) {
  const context = await env.browser.createBrowserContext();
  const page = await context.newPage();
  await page.evaluateOnNewDocument(() => {
    window.__violations = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const seen = { dialogs: [], errors: [], console: [], outside: [], navigations: [] };
  page.on("dialog", (d) => { seen.dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  page.on("pageerror", (e) => seen.errors.push(e.message));
  page.on("console", (m) => seen.console.push(`${m.type()}: ${m.text()}`));
  // data: is not a request that leaves the machine (Firefox's own html.css loads
  // a data: font, which BiDi reports).
  page.on("request", (r) => { if (!r.url().startsWith(root) && !r.url().startsWith("data:")) seen.outside.push(r.url()); });
  page.on("framenavigated", (f) => { if (f === page.mainFrame()) seen.navigations.push(f.url()); });
  await page.goto(url);
  // A meta refresh at 0 s or an autofocus handler acts at once; give them time.
  await sleep(800);
  return { page, context, seen };
}

const evidence = (seen) => JSON.stringify({ errors: seen.errors, console: seen.console });
const vectorPages = ["pages/vecteurs.html", "idees-recues/vecteurs-mythe.html", "procedures/vecteurs-procedure.html"];
const options = { skip, timeout: 30000 };

for (const [scheme, index] of [["file://", 0], ["http", 1]]) {
  test(`Firefox ESR, ${scheme}: the watchers see a control page's script, dialog, error, request and navigation`, options, async (t) => {
    const root = env.roots[index] + "control/";
    const { page, context, seen } = await watch(root, root + "index.html");
    if (index === 0) t.diagnostic(env.version);
    // 800 ms is enough on an idle machine, not always under a full test run: the
    // control page's events are awaited (10 s at most) before they are checked.
    for (const end = Date.now() + 10000; Date.now() < end && seen.navigations.length < 2; ) await sleep(100);
    assert.deepEqual(seen.dialogs, ["control"], "the dialog was seen");
    assert.ok(seen.errors.includes("Error: control error"), `the page error was seen: ${evidence(seen)}`);
    assert.ok(seen.outside.includes(env.outside), `the outside request was seen: ${seen.outside}`);
    assert.deepEqual(seen.navigations, [root + "index.html", root + "next.html"], "the navigation was seen");
    assert.equal(await page.evaluate(() => document.title), "next");
    await context.close();
  });

  for (const relative of vectorPages) {
    test(`Firefox ESR, ${scheme}: hostile/${relative} runs nothing of what its content holds`, options, async () => {
      const root = env.roots[index] + "hostile/";
      const { page, context, seen } = await watch(root, root + relative);
      // Click what a reader would: every link without a target, summary, heading.
      for (const target of await page.$$("main a:not([href]), main summary, main h2[id]")) {
        await target.click().catch(() => {});
      }
      await page.keyboard.press("Tab");
      await sleep(200);
      assert.equal(await page.evaluate(() => window.__pwned), undefined, "no payload ran");
      assert.deepEqual(seen.dialogs, [], "no dialog opened");
      assert.deepEqual(seen.errors, [], "no page error");
      assert.deepEqual(seen.outside, [], "no request left the site");
      assert.deepEqual(seen.navigations, [root + relative], "no navigation after the page loaded");
      assert.deepEqual(await page.evaluate(() => window.__violations), [], "no CSP violation");
      assert.ok(await page.$eval("main", (m) => m.checkVisibility()), "no style hid the page");
      if (relative === "pages/vecteurs.html") {
        assert.ok(await page.$eval("#stylee", (e) => e.checkVisibility()), "a style attribute was dropped");
        assert.equal(
          await page.$$eval("main a", (as) => as.find((a) => a.textContent.includes("page du guide"))?.href),
          new URL("../pages/introduction.html", root + relative).href,
          "no <base> moved the page's links",
        );
      }
      await context.close();
    });
  }

  test(`Firefox ESR, ${scheme}: the meta CSP blocks an inline script and a style attribute that a template writes`, options, async () => {
    const root = env.roots[index] + "templated/";
    const { page, context, seen } = await watch(root, root + "index.html");
    assert.equal(await page.evaluate(() => window.__pwned), undefined, "the inline script was blocked");
    assert.ok(await page.$eval("#inline-style", (e) => e.checkVisibility()), "the style attribute was blocked");
    const violations = await page.evaluate(() => window.__violations);
    assert.ok(violations.some((v) => v.startsWith("script-src")), `a script-src violation: ${violations}`);
    assert.ok(violations.some((v) => v.startsWith("style-src")), `a style-src violation: ${violations}`);
    // Firefox reports each block as a page error; nothing else may be one.
    assert.deepEqual(seen.errors.filter((e) => !e.startsWith("Content-Security-Policy: The page’s settings blocked an inline")), [], evidence(seen));
    assert.deepEqual(seen.outside, []);
    assert.ok(await page.$eval("[data-theme-toggle]", (b) => b.checkVisibility()), "app.js ran and showed the theme toggle");
    await context.close();
  });

  test(`Firefox ESR, ${scheme}: the handbook's own scripts run: theme toggle, search over its index, playbook ticks`, options, async (t) => {
    const root = env.handbook[index];
    const { page, context, seen } = await watch(root, root + "procedures/mener-pilote.html");
    const toggle = await page.$("[data-theme-toggle]");
    assert.ok(await toggle.evaluate((b) => b.checkVisibility()), `app.js showed the theme toggle: ${evidence(seen)}`);
    const pressed = await toggle.evaluate((b) => b.getAttribute("aria-pressed"));
    await toggle.click();
    const theme = await page.evaluate(() => document.documentElement.getAttribute("data-theme"));
    assert.ok(theme === "dark" || theme === "light", "the toggle set a theme");
    assert.notEqual(await toggle.evaluate((b) => b.getAttribute("aria-pressed")), pressed);
    await (await page.$("input[data-check]")).click();
    assert.equal(await page.$eval("[data-progress]", (e) => e.textContent), "1", "the progress counts the tick");
    await page.reload();
    assert.equal(await page.$eval("input[data-check]", (b) => b.checked), true, "the tick survives a reload");
    assert.equal(await page.evaluate(() => document.documentElement.getAttribute("data-theme")), theme, "the theme survives a reload");

    await page.goto(root + "index.html");
    const carried = (await page.evaluate(() => document.documentElement.getAttribute("data-theme"))) === theme;
    if (scheme === "http") assert.ok(carried, "the theme holds on the next page");
    else t.diagnostic(`the theme chosen on one page ${carried ? "holds" : "does not hold"} on another from file:// (Firefox: a localStorage per file)`);
    await page.type("#gv_search-input", "pilote");
    const found = await until(page, () => document.querySelectorAll("#gv_search-listbox [role=option] a").length > 0, 10000);
    assert.ok(found, `no search results: ${evidence(seen)}`);
    const links = await page.$$eval("#gv_search-listbox [role=option] a", (as) => as.map((a) => a.getAttribute("href")));
    assert.ok(links.some((h) => h.endsWith("procedures/mener-pilote.html")), links.join(", "));
    assert.ok(await page.$eval("#gv_search-listbox", (l) => l.checkVisibility()), "the listbox shows");
    assert.deepEqual(seen.errors, [], "no page error");
    assert.deepEqual(seen.console.filter((m) => m.startsWith("error")), [], "no console error");
    assert.deepEqual(seen.outside, [], "no request left the site");
    assert.deepEqual(await page.evaluate(() => window.__violations), [], "no CSP violation");
    await context.close();
  });
}
