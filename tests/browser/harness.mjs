// Shared by the browser tests: a loopback server for the built site (under a
// sub-path, with `Content-Security-Policy: default-src 'self'`), Debian's headless
// Chromium through playwright-core, and a page opener that records console errors,
// page errors and any request that leaves the site. firefox.test.mjs uses only
// the server.
// GOUVERNAIL_SITE names the built site (scripts/test builds it).
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

export const site = process.env.GOUVERNAIL_SITE;
const defaultSite = site;
if (!site || !fs.existsSync(path.join(site, "index.html"))) {
  throw new Error("set GOUVERNAIL_SITE to a built site (scripts/test does)");
}

const types = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml", ".md": "text/markdown; charset=utf-8", ".json": "application/json", ".png": "image/png", ".woff2": "font/woff2" };

/// Serves `site` on 127.0.0.1 under /site/, with the header; returns { roots, close }.
/// `roots` is [["file://", url], ["http", url]], each ending with "/". For tests that
/// drive another browser than Chromium.
export async function serve(site = defaultSite) {
  const server = http.createServer((req, res) => {
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
  const roots = [
    ["file://", pathToFileURL(site).href + "/"],
    // Served under a sub-path, as on an intranet.
    ["http", `http://127.0.0.1:${server.address().port}/site/`],
  ];
  return { roots, close: () => new Promise((resolve) => server.close(resolve)) };
}

/// Starts the server and the browser; returns { roots, browser, close }.
/// `roots` is as serve()'s. `site`, by default GOUVERNAIL_SITE, is the folder
/// served: a test may build its own.
export async function start(site = defaultSite) {
  const served = await serve(site);
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  return {
    roots: served.roots,
    browser,
    close: async () => {
      await browser.close();
      served.close();
    },
  };
}

/// Opens `relative` under `root` in a fresh context; `problems` collects console
/// errors, page errors and requests outside the site.
export async function open(browser, root, relative, contextOptions = {}) {
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("request", (r) => { if (!r.url().startsWith(root) && !r.url().startsWith("data:")) problems.push(`request outside the site: ${r.url()}`); });
  await page.goto(root + relative);
  return { page, context, problems };
}

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/// Opens each of `pages` (name → path under `root`) in the light and the dark
/// scheme and runs axe-core's WCAG 2.1 A and AA rules; returns one line per
/// violation ("dark home: color-contrast (2) …"), empty when there is none.
export async function axeViolations(browser, root, pages) {
  const found = [];
  for (const colorScheme of ["light", "dark"]) {
    for (const [name, relative] of Object.entries(pages)) {
      const { page, context } = await open(browser, root, relative, { colorScheme });
      await page.evaluate(axeSource);
      const result = await page.evaluate(() => window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }));
      if (result.passes.length <= 10) { found.push(`${colorScheme} ${name}: axe ran only ${result.passes.length} checks`); }
      for (const v of result.violations) {
        found.push(`${colorScheme} ${name}: ${v.id} (${v.nodes.length}) ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
      }
      await context.close();
    }
  }
  return found;
}

/// Builds, with the gouvernail `binary`, into `sites`: the hostile fixture
/// (`hostile/`) and an edition whose own footer template writes an inline script
/// and a style attribute (`templated/`), which the pages' meta CSP must block. A
/// template is the edition's own code, trusted: this one breaks the rule on
/// purpose. Shared by safety.test.mjs (Chromium) and firefox.test.mjs.
export function buildSafetySites(binary, work, sites) {
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
  const build = (dir, name) => execFileSync(binary, ["build", dir, "--out", path.join(sites, name), "--quiet"], { stdio: ["ignore", "ignore", "pipe"] });
  build(path.join(repo, "tests", "fixtures", "hostile"), "hostile");
  const templated = path.join(work, "templated");
  fs.mkdirSync(path.join(templated, "templates"), { recursive: true });
  fs.writeFileSync(path.join(templated, "handbook.yaml"), `extends: ${JSON.stringify(path.join(repo, "tests", "fixtures", "base"))}\n`);
  const footer = fs.readFileSync(path.join(repo, "templates", "footer.html"), "utf8");
  fs.writeFileSync(
    path.join(templated, "templates", "footer.html"),
    `<script>window.__pwned = "template";</script><p id="inline-style" style="display: none">visible</p>\n${footer}`,
  );
  build(templated, "templated");
}
