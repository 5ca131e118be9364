// The W3C's Nu Html Checker (the npm package vnu-jar, run with Debian's Java) over
// every page of the sites scripts/test builds: the default handbook, a sized
// edition, the print book and the fixture editions. Any error fails its site's test
// with its file, line and message; warnings are printed, not failed on. The theme's
// stylesheets and SVG files are checked once each.
// GOUVERNAIL_SITES lists the built sites, separated by ":" (scripts/test sets it);
// without it, GOUVERNAIL_SITE alone is checked.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const jar = createRequire(import.meta.url).resolve("vnu-jar/build/dist/vnu.jar");
const sites = (process.env.GOUVERNAIL_SITES || process.env.GOUVERNAIL_SITE || "")
  .split(path.delimiter)
  .filter(Boolean)
  .map((dir) => path.resolve(dir));

/// The files under `dir` whose name ends with one of `extensions`.
function filesOf(dir, extensions) {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && extensions.includes(path.extname(e.name)))
    .map((e) => path.join(e.parentPath ?? e.path, e.name));
}

// A page with the mistakes this check was written for (a combobox on a search input,
// an empty form action): the checker must report them, or it checks nothing.
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "gouvernail-vnu-"));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));
const canary = path.join(scratch, "canary.html");
fs.writeFileSync(canary, `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>x</title></head>
<body><form role="search" action=""><label for="q">q</label>
<input type="search" id="q" role="combobox" aria-expanded="false" aria-controls="l"><ul id="l" role="listbox"></ul></form></body></html>
`);

let messages;
let pages;
let assets;

before(() => {
  assert.ok(sites.length > 0, "set GOUVERNAIL_SITES (or GOUVERNAIL_SITE) to built sites (scripts/test does)");
  pages = new Map(sites.map((site) => [site, filesOf(site, [".html"])]));
  // The theme is the same in every site: each distinct stylesheet or SVG once.
  const seen = new Set();
  assets = sites.flatMap((site) => filesOf(site, [".css", ".svg"])).filter((file) => {
    const hash = createHash("sha256").update(fs.readFileSync(file)).digest("hex");
    return !seen.has(hash) && seen.add(hash);
  });
  const files = [canary, ...assets, ...[...pages.values()].flat()];
  // One Java run for every file. Java's C1 compiler alone starts and checks a few
  // hundred pages in half the time; the checker's schema needs a deep stack.
  const run = spawnSync("java", ["-Xss16m", "-XX:TieredStopAtLevel=1", "-jar", jar,
    "--format", "json", "--also-check-css", "--also-check-svg", ...files], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (run.error) throw new Error(`cannot run java (scripts/test installs default-jre-headless): ${run.error.message}`);
  let report;
  try {
    report = JSON.parse(run.stderr);
  } catch {
    throw new Error(`the Nu Html Checker did not answer in JSON (exit ${run.status}):\n${run.stderr}${run.stdout}`);
  }
  messages = report.messages.map((m) => ({ ...m, file: m.url ? fileURLToPath(m.url) : "" }));
});

const where = (m, root) => `${path.relative(root, m.file) || m.file}:${m.lastLine ?? m.firstLine ?? "?"}:${m.firstColumn ?? "?"}`;
const isError = (m) => m.type === "error" || m.type === "non-document-error";

/// The checker evaluates each page's meta Content-Security-Policy against the file
/// it read from disk and reports the site's own `../assets/*.js` as blocked: it
/// is not (the browser tests load them under the same policy, from disk and over
/// HTTP), so those warnings are counted, not printed one by one.
const isCspFalseAlarm = (m) => !isError(m) && /violates Content Security Policy \(meta tag\)/.test(m.message);

/// Fails with the errors about `files`; prints their warnings.
function expectValid(t, files, root) {
  const mine = new Set(files);
  const found = messages.filter((m) => mine.has(m.file));
  const alarms = found.filter(isCspFalseAlarm).length;
  if (alarms) t.diagnostic(`${alarms} warnings that the site's own scripts violate its meta CSP (the checker's reading from disk; not so in a browser)`);
  for (const m of found.filter((m) => !isError(m) && !isCspFalseAlarm(m))) t.diagnostic(`${where(m, root)}: ${m.subType ?? m.type}: ${m.message}`);
  const errors = found.filter(isError).map((m) => `${where(m, root)}: ${m.message}`);
  if (errors.length) assert.fail(`${errors.length} errors from the Nu Html Checker in ${root}:\n${errors.join("\n")}`);
}

test("the checker reports the errors it guards against", () => {
  const found = messages.filter((m) => m.file === canary && isError(m)).map((m) => m.message);
  assert.ok(found.some((m) => /Bad value “search” for attribute “type”/.test(m)), found.join("\n"));
  assert.ok(found.some((m) => /attribute “action” on element “form”/.test(m)), found.join("\n"));
});

for (const site of sites) {
  test(`${path.basename(site)}: every page is valid HTML`, (t) => {
    const files = pages.get(site);
    assert.ok(files.length >= 20, `only ${files.length} pages in ${site}`);
    assert.ok(files.some((f) => /(impression|print)\.html$/.test(f)), `${site} has its print book`);
    expectValid(t, files, site);
  });
}

test("the theme's stylesheets and SVG files are valid", (t) => {
  assert.ok(assets.some((f) => f.endsWith("style.css")), assets.join(", "));
  expectValid(t, assets, path.dirname(sites[0]));
});
