// Runs queries through the real query engine (theme/search.js) against a built
// site's index, in Node, without a browser: the index files are run in one VM
// context, as the page's <script> tags would run them.
// Usage: node tests/search/query.mjs SITE_DIR < queries.json   (a JSON list of
// strings). Prints, as JSON, each query's results: {urls: [url#anchor, …] best
// first, explained: what they stand on beyond the words typed}.
import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { fileURLToPath } from "node:url";

const site = process.argv[2];
const here = path.dirname(fileURLToPath(import.meta.url));
const context = vm.createContext({ console });
for (const script of ["stem.js", "search.js"]) {
  vm.runInContext(fs.readFileSync(path.join(here, "../../theme", script), "utf8"), context, { filename: script });
}
const engine = context.gouvernailSearchEngine.createEngine(async (name) => {
  vm.runInContext(fs.readFileSync(path.join(site, "search", name), "utf8"), context, { filename: name });
});
const queries = JSON.parse(fs.readFileSync(0, "utf8"));
const out = [];
for (const query of queries) {
  const found = await engine.search(query);
  const heads = await engine.heads(found.top(10));
  out.push({ urls: heads.map((r) => r.url), explained: found.explained });
}
process.stdout.write(JSON.stringify(out));
