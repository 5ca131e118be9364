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
const QUERIES = ["gouvernance", "sécurité des données", "charte pilote", "l'intelligence artificielle", "explicabilite", "conformite reglement", "transparance", "page 4242", "acculturation équipe", "stratégie valeur clients"];

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
  const input = document.getElementById("search-input");
  const t0 = performance.now();
  input.addEventListener("gouvernail-search", function on(e) {
    if (e.detail.query !== q || e.detail.snippets) return;
    input.removeEventListener("gouvernail-search", on);
    const ms = performance.now() - t0;
    // The index files loaded when the first results show (snippets load after).
    const files = [...document.querySelectorAll("script[src]")].map((s) => s.src).filter((n) => /\/search\/[^/]+\.js$/.test(n));
    resolve({ ms, files });
  });
  input.value = q;
  input.dispatchEvent(new Event("input"));
}), q);

const bytesOf = (files) => files.reduce((sum, n) => sum + fs.statSync(new URL(n)).size, 0);

for (const q of QUERIES) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(root + "index.html");
  await page.waitForFunction(() => document.getElementById("search-input"));
  const { ms, files } = await timeQuery(page, q);
  out.cold.push({ query: q, ms, bytes: bytesOf(files), files: files.length });
  // A reader clicks in the box, then types: the first query after focusing it.
  const focused = await context.newPage();
  await focused.goto(root + "index.html");
  await focused.locator("#search-input").focus();
  await focused.waitForTimeout(150);
  out.focused.push((await timeQuery(focused, q)).ms);
  await focused.close();
  // Warm: the same words typed again letter by letter, every keystroke timed.
  const times = [];
  for (let i = 1; i <= q.length; i++) times.push((await timeQuery(page, q.slice(0, i))).ms);
  for (let i = 1; i <= q.length; i++) times.push((await timeQuery(page, q.slice(0, i))).ms);
  out.warm.push(...times.slice(q.length));
  await context.close();
}
await browser.close();
const sorted = out.warm.slice().sort((a, b) => a - b);
const pct = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
const bytes = out.cold.map((c) => c.bytes).sort((a, b) => a - b);
const firsts = out.cold.map((c) => c.ms).sort((a, b) => a - b);
const focused = out.focused.slice().sort((a, b) => a - b);
console.log(JSON.stringify({
  queries: out.cold,
  bytes_before_results_median: bytes[bytes.length >> 1],
  bytes_before_results_max: bytes[bytes.length - 1],
  first_query_ms_median: firsts[firsts.length >> 1],
  first_query_ms_max: firsts[firsts.length - 1],
  first_query_focused_ms_median: focused[focused.length >> 1],
  first_query_focused_ms_max: focused[focused.length - 1],
  keystroke_ms_p50: pct(0.5),
  keystroke_ms_p95: pct(0.95),
  keystrokes: sorted.length,
}));
