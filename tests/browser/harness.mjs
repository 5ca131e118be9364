// Shared by the browser tests: a loopback server for the built site (under a
// sub-path, with `Content-Security-Policy: default-src 'self'`), Debian's headless
// Chromium through playwright-core, and a page opener that records console errors,
// page errors and any request that leaves the site. firefox.test.mjs uses only
// the server.
// GOUVERNAIL_SITE names the built site (scripts/test builds it).
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
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
