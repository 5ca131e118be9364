// Benchmark, not a test (scripts/bench-serve runs it): `gouvernail serve` on one
// edition, measuring
// - the time from a file's write to the reload event an open page receives, for a
//   body edit and for a template edit (the median of RUNS edits each);
// - the server's peak memory (VmHWM) at the end;
// - requests per second for a small page under 50 concurrent keep-alive clients on
//   loopback for a few seconds, and the errors among them;
// and, when Hugo is installed and the edition has Hugo's layouts (a synthetic site),
// the time from the same write to `hugo server`'s "Total in" log line.
//
// Usage: node scripts/bench-serve.mjs GOUVERNAIL_BIN EDITION_DIR PAGE_TO_EDIT [RUNS]
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";

const [binary, edition, pageToEdit, runsArg] = process.argv.slice(2);
const runs = Number(runsArg || 7);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function startServe() {
  const child = spawn(binary, ["serve", edition, "--port", "0", "--quiet"], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  return new Promise((resolve, reject) => {
    child.stderr.on("data", (chunk) => {
      log += chunk;
      const found = log.match(/at http:\/\/127\.0\.0\.1:(\d+)\//);
      if (found) resolve({ child, port: Number(found[1]) });
    });
    child.on("exit", (code) => reject(new Error(`serve exited with ${code}: ${log}`)));
  });
}

/// Listens to the server's events; `next()` resolves at the next reload.
function listen(port) {
  let waiting = null;
  let buffer = "";
  const request = http.get({ host: "127.0.0.1", port, path: "/__gouvernail/events" }, (res) => {
    res.setEncoding("utf8");
    res.on("data", (chunk) => {
      buffer += chunk;
      let at;
      while ((at = buffer.indexOf("\n\n")) >= 0) {
        const event = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        if (event.startsWith("event: reload") && waiting) { const w = waiting; waiting = null; w(performance.now()); }
        if (event.startsWith("event: errors")) console.error("build failed:", event.slice(0, 300));
      }
    });
  });
  return {
    next: () => new Promise((resolve) => { waiting = resolve; }),
    close: () => request.destroy(),
  };
}

/// Times `runs` edits of `file`: from the write to the reload event, in ms.
async function timeEdits(events, file, edit) {
  const original = fs.readFileSync(file, "utf8");
  const times = [];
  for (let i = 0; i < runs; i++) {
    const reloaded = events.next();
    const start = performance.now();
    fs.writeFileSync(file, edit(original, i));
    times.push((await reloaded) - start);
    await sleep(1500);
  }
  fs.writeFileSync(file, original);
  await events.next();
  return times;
}

async function load(port, urlPath, clients = 50, seconds = 5) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  let done = 0, errors = 0;
  const end = performance.now() + seconds * 1000;
  const one = () => new Promise((resolve) => {
    http.get({ host: "127.0.0.1", port, path: urlPath, agent }, (res) => {
      res.resume();
      res.on("end", () => { if (res.statusCode === 200) done++; else errors++; resolve(); });
    }).on("error", () => { errors++; resolve(); });
  });
  const start = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => { while (performance.now() < end) await one(); }));
  agent.destroy();
  return { rps: done / ((performance.now() - start) / 1000), errors };
}

function peakKb(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(status.match(/VmHWM:\s+(\d+)/)[1]);
}

const { child, port } = await startServe();
const events = listen(port);
await sleep(500);
const body = await timeEdits(events, pageToEdit, (text, i) => `${text}\nUne phrase de plus, numéro ${i}.\n`);
const templates = path.join(edition, "templates");
const hadTemplates = fs.existsSync(templates);
fs.mkdirSync(templates, { recursive: true });
const footer = path.join(templates, "footer.html");
fs.writeFileSync(footer, `<p class="generator">{{ site.title }}</p>\n`);
await events.next();
const template = await timeEdits(events, footer, (text, i) => `${text}<p>pied ${i}</p>\n`);
fs.rmSync(footer);
if (!hadTemplates) fs.rmSync(templates, { recursive: true });
await events.next();
const small = fs.existsSync(path.join(edition, "content", "pages", "glossaire.md")) ? "/pages/glossaire.html" : "/index.html";
const served = await load(port, small);
const peak = peakKb(child.pid);
events.close();
child.kill("SIGINT");

const name = path.basename(edition);
console.log(`${name}: body edit → reload   median ${median(body).toFixed(0)} ms (min ${Math.min(...body).toFixed(0)}, max ${Math.max(...body).toFixed(0)}, ${runs} edits)`);
console.log(`${name}: template edit → reload median ${median(template).toFixed(0)} ms (min ${Math.min(...template).toFixed(0)}, max ${Math.max(...template).toFixed(0)})`);
console.log(`${name}: peak memory ${(peak / 1024).toFixed(0)} MB; ${small} under 50 clients: ${served.rps.toFixed(0)} requests/s, ${served.errors} errors`);

// Hugo, on a synthetic site (which has Hugo's layouts).
if (fs.existsSync(path.join(edition, "hugo.toml"))) {
  const hugo = spawn("hugo", ["server", "-s", edition, "--port", "0", "--bind", "127.0.0.1", "--disableFastRender"], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let waiting = null;
  const seen = (chunk) => {
    out += chunk;
    if (waiting && /Total in \d+ ms/.test(out.slice(waiting.from))) { const w = waiting; waiting = null; w.resolve(performance.now()); }
  };
  hugo.stdout.on("data", seen);
  hugo.stderr.on("data", seen);
  const started = performance.now();
  while (!/Web Server is available/.test(out) && performance.now() - started < 120000) await sleep(50);
  const original = fs.readFileSync(pageToEdit, "utf8");
  const times = [];
  for (let i = 0; i < runs; i++) {
    // Hugo serves from memory by default; a rebuild ends with "Total in N ms".
    const rebuilt = Promise.race([
      new Promise((resolve) => { waiting = { from: out.length, resolve }; }),
      sleep(60000).then(() => { throw new Error(`hugo server showed no rebuild: ${out.slice(-500)}`); }),
    ]);
    const start = performance.now();
    fs.writeFileSync(pageToEdit, `${original}\nHugo, numéro ${i}.\n`);
    times.push((await rebuilt) - start);
    await sleep(1500);
  }
  fs.writeFileSync(pageToEdit, original);
  hugo.kill("SIGINT");
  console.log(`${name}: hugo server, body edit → rebuilt median ${median(times).toFixed(0)} ms (min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)})`);
}
process.exit(0);
