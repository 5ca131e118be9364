// Benchmark, not a test (run by scripts/bench-search): the search of a built site in
// headless Chromium from file://. Prints, as JSON, for a set of queries: the bytes
// of index files loaded before the first results show (cold page), the time of the
// first query from file://, and keystroke-to-results times once warm.
// Usage: node scripts/bench-search.mjs SITE_DIR
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL, fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "../tests/browser/package.json"));
const { chromium } = require("playwright-core");

const site = path.resolve(process.argv[2]);
const root = pathToFileURL(site).href + "/";
// Common words of the synthetic corpus, rarer ones, a typo, prefixes.
const QUERIES = ["gouvernance", "sécurité des données", "charte pilote", "l'intelligence artificielle", "explicabilite", "conformite reglement", "transparance", "page 4242", "acculturation équipe", "stratégie valeur clients",
  // A form no page uses (the stemmer), and a typo in the first letter (the tails).
  "sécurisations", "xouvernance"];

const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--allow-file-access-from-files"] });
const out = { cold: [], focused: [], warm: [] };
// The browser shows one page, not of the site, before any measurement (a reader's
// browser is already running): the first query below is then not charged with
// starting Chromium's own machinery, and nothing of the site is cached by it.
{
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.setContent("<!DOCTYPE html><title>warm-up</title><p>Chromium is running.</p><script>1 + 1</script>");
  await context.close();
}

/// Sets the box to `q` and resolves with the milliseconds until the first results
/// (titles) show, measured in the page.
const timeQuery = (page, q) => page.evaluate((q) => new Promise((resolve) => {
  const input = document.getElementById("gv_search-input");
  const t0 = performance.now();
  input.addEventListener("gouvernail-search", function on(e) {
    if (e.detail.query !== q || e.detail.snippets) return;
    input.removeEventListener("gouvernail-search", on);
    const ms = performance.now() - t0;
    // The index files loaded when the first results show (snippets load after).
    // (Their URLs carry meta.js's hash of the index: `t3.js?v=…`.)
    const files = [...document.querySelectorAll("script[src]")].map((s) => s.src.replace(/[?#].*$/, "")).filter((n) => /\/search\/[^/]+\.js$/.test(n));
    resolve({ ms, files });
  });
  input.value = q;
  input.dispatchEvent(new Event("input"));
}), q);

const bytesOf = (files) => files.reduce((sum, n) => sum + fs.statSync(new URL(n)).size, 0);

// Each query is run cold three times, each time in a fresh browser context (a new
// page, nothing of the index loaded): the VM's speed moves by tens of percent from
// one moment to the next, and one sample per query would measure that.
const ROUNDS = 3;
for (let round = 0; round < ROUNDS; round++) {
  for (const q of QUERIES) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(root + "index.html");
    await page.waitForFunction(() => document.getElementById("gv_search-input"));
    const { ms, files } = await timeQuery(page, q);
    out.cold.push({ query: q, ms, bytes: bytesOf(files), files: files.length });
    // A reader clicks in the box, then types: the first query after focusing it.
    const focused = await context.newPage();
    await focused.goto(root + "index.html");
    await focused.locator("#gv_search-input").focus();
    await focused.waitForTimeout(150);
    out.focused.push((await timeQuery(focused, q)).ms);
    await focused.close();
    if (round === 0) {
      // Warm: the same words typed again letter by letter, every keystroke timed.
      const times = [];
      for (let i = 1; i <= q.length; i++) times.push((await timeQuery(page, q.slice(0, i))).ms);
      for (let i = 1; i <= q.length; i++) times.push((await timeQuery(page, q.slice(0, i))).ms);
      out.warm.push(...times.slice(q.length));
    }
    await context.close();
  }
}
await browser.close();
const quantile = (values, p) => {
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
};
const firsts = out.cold.map((c) => c.ms);
const bytes = out.cold.map((c) => c.bytes);
console.log(JSON.stringify({
  queries: out.cold.slice(0, QUERIES.length),
  rounds: ROUNDS,
  bytes_before_results_median: quantile(bytes, 0.5),
  bytes_before_results_max: Math.max(...bytes),
  first_query_ms_median: quantile(firsts, 0.5),
  first_query_ms_p90: quantile(firsts, 0.9),
  first_query_ms_max: Math.max(...firsts),
  first_query_focused_ms_median: quantile(out.focused, 0.5),
  first_query_focused_ms_p90: quantile(out.focused, 0.9),
  first_query_focused_ms_max: Math.max(...out.focused),
  keystroke_ms_p50: quantile(out.warm, 0.5),
  keystroke_ms_p95: quantile(out.warm, 0.95),
  keystrokes: out.warm.length,
}));
