// Browser tests of the built default handbook and its theme, in Debian's headless
// Chromium driven by playwright-core (see harness.mjs): every page loads and every
// interactive feature works over file:// and HTTP, under the strict CSP;
// accessibility with axe-core in light and dark schemes, print media, and
// screenshots at desktop and phone widths saved under target/screenshots/ for a
// person to look at (not committed). (site.test.mjs, which overlapped, is merged
// here.)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { start, open as openIn, site, axeViolations } from "./harness.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const shots = path.join(here, "..", "..", "target", "screenshots");

// The home and one page of each kind, plus the generated pages.
const pages = {
  home: "index.html",
  playbook: "procedures/mener-pilote.html",
  charter: "chartes/charte-utilisation-ia.html",
  role: "roles/referent-ia.html",
  myth: "idees-recues/mythe-ia-remplace-les-salaries.html",
  myths: "idees-recues/index.html",
  comms: "communication/annoncer-programme-ia.html",
  case: "cas/cas-quebec-reprise-en-main.html",
  assessment: "autodiagnostic/autodiagnostic-maturite.html",
  governance: "autodiagnostic/autodiagnostic-gouvernance.html",
  routed: "autodiagnostic/classer-systeme-ai-act.html",
  page: "pages/introduction.html",
  raci: "raci.html",
  tags: "etiquettes/index.html",
  notFound: "404.html",
};

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });
const open = (root, relative, options) => openIn(env.browser, root, relative, options);
const visible = (page, selector) => page.locator(selector).first().isVisible();

test("no inline script, inline style or style attribute in any page of the site", () => {
  const offenders = [];
  let checked = 0;
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) { walk(file); continue; }
      if (!entry.name.endsWith(".html")) { continue; }
      const html = fs.readFileSync(file, "utf8");
      checked += 1;
      if (/<script(?![^>]*\ssrc=)[^>]*>/i.test(html)) { offenders.push(`${file}: inline <script>`); }
      if (/<style[\s>]/i.test(html)) { offenders.push(`${file}: <style>`); }
      if (/\sstyle="/i.test(html)) { offenders.push(`${file}: style=""`); }
      if (/\son[a-z]+="/i.test(html)) { offenders.push(`${file}: inline event handler`); }
      if (/(?:src|href)="(?:https?:)?\/\/[^"]*\.(?:css|js|woff2?)"/i.test(html)) { offenders.push(`${file}: external asset`); }
    }
  };
  walk(site);
  assert.ok(checked > 50, `every page was read (${checked})`);
  assert.deepEqual(offenders, []);
});

for (const [scheme, index] of [["file://", 0], ["http", 1]]) {
  const rootOf = () => env.roots[index][1];

  test(`${scheme}: the home and every kind of page load with no console error, CSP violation or outside request`, async () => {
    for (const relative of [...Object.values(pages), "impression.html"]) {
      const { page, context, problems } = await open(rootOf(), relative);
      await page.waitForLoadState("load");
      assert.ok((await page.title()).length > 0, `${relative} has a title`);
      const font = await page.evaluate(() => getComputedStyle(document.body).fontFamily);
      assert.match(font, /system-ui/, `${relative}: the stylesheet loaded`);
      assert.equal(await page.evaluate(() => document.querySelectorAll("[style]").length), 0, `${relative}: no style attribute`);
      assert.deepEqual(problems, [], `${relative}: ${problems.join("; ")}`);
      await context.close();
    }
  });

  test(`${scheme}: "where to start" narrows the home to a size and a role, in step with every page's switcher, remembered`, async () => {
    const { page, context, problems } = await open(rootOf(), pages.home);
    const items = page.locator(".start-list > li");
    const total = await items.count();
    assert.ok(total > 10, "every playbook, charter and role card is listed");
    // The default handbook has a page for small organisations only
    // (demarrer-petite-structure, `sizes: ..small`): a large one's choice hides it.
    const forSmall = page.locator('.start-list > li[data-sizes~="micro"]:not([data-sizes~="ge"])');
    assert.ok((await forSmall.count()) > 0, "the home lists a page for some sizes only");
    assert.ok(await forSmall.first().isVisible(), "before a choice, pages for some sizes only show");
    const size = page.locator(".start-form select[data-audience=size]");
    await size.selectOption("ge");
    assert.ok(!(await forSmall.first().isVisible()), "a page for small organisations is hidden for a large one");
    await size.selectOption("micro");
    assert.ok(await forSmall.first().isVisible(), "and shows for a micro-enterprise");
    const role = await page.locator(".start-form select[data-start-role] option").nth(1).getAttribute("value");
    await page.locator(".start-form select[data-start-role]").selectOption(role);
    const shown = await page.locator(".start-list > li:visible").count();
    assert.ok(shown > 0 && shown < total, `the role ${role} narrows the lists (${shown} of ${total})`);
    for (const li of await page.locator(".start-list > li:visible").all()) {
      assert.ok((await li.getAttribute("data-roles")).split(" ").includes(role), "each shown page concerns the role");
    }
    assert.match(await page.locator("[data-start-count]").textContent(), new RegExp(`^${shown}\\b`));
    await page.goto(rootOf() + pages.playbook);
    assert.equal(await page.locator("select[data-audience=size]").inputValue(), "micro", "the header's switcher shows the same choice");
    await page.goto(rootOf() + pages.home);
    assert.equal(await page.locator("select[data-start-role]").inputValue(), role, "the role is remembered");
    assert.deepEqual(problems, []);
    await context.close();
  });

  test(`${scheme}: the size switcher hides the other sizes' passages and is remembered`, async () => {
    const { page, context, problems } = await open(rootOf(), "procedures/lancer-programme-ia.html");
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

  test(`${scheme}: the charter, playbook and RACI pages' download links give the files beside them`, async () => {
    const expected = {
      [pages.charter]: [".docx", ".md"],
      [pages.playbook]: [".xlsx"],
      [pages.raci]: [".xlsx", ".csv"],
    };
    for (const [relative, kinds] of Object.entries(expected)) {
      const { page, context, problems } = await open(rootOf(), relative);
      const links = page.locator("a[download]");
      const hrefs = await links.evaluateAll((as) => as.map((a) => a.getAttribute("href")));
      for (const kind of kinds) {
        const at = hrefs.findIndex((h) => h.endsWith(kind));
        assert.ok(at >= 0, `${relative}: a ${kind} link among ${hrefs}`);
        const onDisk = path.resolve(path.dirname(path.join(site, relative)), hrefs[at]);
        const target = new URL(hrefs[at], page.url()).href;
        // From disk Chromium ignores `download` for a file it can show (Markdown,
        // CSV): it opens it instead, which gives the reader the file too.
        const got = await Promise.any([
          page.waitForEvent("download", { timeout: 10000 }),
          page.waitForURL(target, { timeout: 10000 }).then(() => "opened"),
          links.nth(at).click().then(() => new Promise(() => {})),
        ]);
        if (got === "opened") {
          assert.ok(scheme === "file://" && [".md", ".csv"].includes(kind), `${relative}: ${hrefs[at]} opened rather than downloaded`);
          assert.ok(fs.existsSync(onDisk), `${onDisk} exists`);
          await page.goBack();
          continue;
        }
        const saved = path.join(fs.mkdtempSync(path.join(process.env.TMPDIR || "/tmp", "export-")), got.suggestedFilename());
        await got.saveAs(saved);
        assert.ok(fs.readFileSync(saved).equals(fs.readFileSync(onDisk)), `${relative}: ${hrefs[at]} is the file beside the page`);
        if (kind === ".docx" || kind === ".xlsx") assert.equal(fs.readFileSync(saved).subarray(0, 2).toString(), "PK", `${hrefs[at]} is a zip`);
      }
      assert.deepEqual(problems, [], `${relative}: ${problems.join("; ")}`);
      await context.close();
    }
  });

  test(`${scheme}: playbook ticks persist, export to a file and import back`, async () => {
    const { page, context, problems } = await open(rootOf(), pages.playbook);
    const boxes = page.locator("input[data-check]");
    const progress = page.locator("[data-progress]");
    assert.equal(await progress.textContent(), "0");
    await boxes.nth(0).check();
    await boxes.nth(2).check();
    assert.equal(await progress.textContent(), "2", "the progress counts the ticks");
    await page.reload();
    assert.ok(await boxes.nth(0).isChecked() && await boxes.nth(2).isChecked(), "the ticks survive a reload");
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator("[data-checklist-export]").click()]);
    const file = path.join(fs.mkdtempSync(path.join(process.env.TMPDIR || "/tmp", "ticks-")), download.suggestedFilename());
    await download.saveAs(file);
    const saved = JSON.parse(fs.readFileSync(file, "utf8"));
    assert.equal(Object.values(saved.checks).filter(Boolean).length, 2, "the export holds the two ticks");
    await page.locator("[data-checklist-reset]").click();
    assert.ok(!(await boxes.nth(0).isChecked()));
    await page.reload();
    assert.ok(!(await boxes.nth(0).isChecked()), "untick all is remembered");
    await page.locator("[data-checklist-import]").setInputFiles(file);
    await page.waitForFunction(() => document.querySelector("[data-progress]").textContent === "2");
    assert.ok(await boxes.nth(0).isChecked() && await boxes.nth(2).isChecked(), "the import ticks them again");
    await page.locator("[data-checklist-import]").setInputFiles({ name: "x.json", mimeType: "application/json", buffer: Buffer.from("{\"not\": 1}") });
    await page.locator("[data-checklist-status]").waitFor();
    assert.ok(await boxes.nth(0).isChecked(), "a wrong file changes nothing");
    assert.deepEqual(problems, []);
    await context.close();
  });

  test(`${scheme}: each myth card reveals its fact, and the grid filters by verdict`, async () => {
    const { page, context, problems } = await open(rootOf(), pages.myths);
    const card = page.locator(".myth-card").first();
    const fact = card.locator(".reveal p").first();
    assert.ok(!(await fact.isVisible()), "the fact is hidden until asked for");
    await card.locator("summary").click();
    assert.ok(await fact.isVisible(), "a click reveals the fact");
    const cards = await page.locator(".myth-card").count();
    await page.locator('[data-verdict-filter="nuanced"]').click();
    const nuanced = await page.locator(".myth-card:visible").count();
    assert.ok(nuanced > 0 && nuanced < cards, `the filter keeps ${nuanced} of ${cards}`);
    assert.equal(await page.locator('.myth-card:visible:not([data-verdict="nuanced"])').count(), 0);
    assert.deepEqual(problems, []);
    await context.close();
  });

  for (const diagnostic of [pages.assessment, pages.governance]) test(`${scheme}: the self-diagnostic ${diagnostic} scores the answers and shows the matching result`, async () => {
    const { page, context, problems } = await open(rootOf(), diagnostic);
    const form = page.locator("form[data-assessment]");
    const max = Number(await form.getAttribute("data-max"));
    let expected = 0;
    for (const fieldset of await form.locator("fieldset").all()) {
      const radios = fieldset.locator("input[type=radio]");
      const values = await radios.evaluateAll((list) => list.map((r) => Number(r.value)));
      const best = values.indexOf(Math.max(...values));
      await radios.nth(best).check();
      expected += values[best];
    }
    assert.ok(max > 0, "the page states a maximum score");
    assert.equal(expected, max, "the best answers add up to the maximum the page states");
    assert.ok(await page.locator("output[name=score]").isVisible(), "the score shows once answered");
    assert.equal(Number(await page.locator("output[name=score]").textContent()), max);
    const current = page.locator(".band.band-current");
    assert.equal(await current.count(), 1, "exactly one result band matches");
    assert.ok(Number(await current.getAttribute("data-max")) >= max && Number(await current.getAttribute("data-min")) <= max);
    assert.ok((await page.locator("[data-result]").textContent()).length > 10, "the result is spelled out");
    await form.locator("button[type=reset]").click();
    await page.waitForFunction(() => document.querySelector("output[name=score]").closest("p").hidden);
    assert.equal(await page.locator(".band.band-current").count(), 0, "clearing the answers clears the result");
    assert.deepEqual(problems, []);
    await context.close();
  });

  test(`${scheme}: the size switcher names the role's holder where another holds it`, async () => {
    const { page, context, problems } = await open(rootOf(), pages.playbook);
    const sponsor = page.locator("dl.raci .role-own", { hasText: "Sponsor exécutif" }).first();
    const holder = page.locator("dl.raci .role-held", { hasText: "rôle de sponsor exécutif" }).first();
    assert.ok(await sponsor.isVisible(), "with no size chosen, the step names the sponsor");
    assert.ok(!(await holder.isVisible()), "and not its holders");
    const size = page.locator("select[data-audience=size]");
    await size.selectOption("micro");
    assert.ok(await holder.isVisible(), "a micro-enterprise reads who holds the role");
    assert.match(await holder.textContent(), /^Direction générale \(rôle de sponsor exécutif\)$/);
    assert.ok(!(await sponsor.isVisible()), "and no longer the role alone");
    await size.selectOption("ge");
    assert.ok(await sponsor.isVisible() && !(await holder.isVisible()), "a large group has its own sponsor");
    await size.selectOption("");
    assert.deepEqual(problems, []);
    await context.close();
  });

  test(`${scheme}: the AI Act questionnaire routes from answer to answer to each of its verdicts`, async () => {
    const { page, context, problems } = await open(rootOf(), pages.routed);
    // The routes as the page draws them: question id -> [next anchor of each option].
    const graph = await page.evaluate(() => Object.fromEntries(
      [...document.querySelectorAll("li[data-question]")].map((q) => [q.id, [...q.querySelectorAll("input[type=radio]")].map((r) => r.dataset.next)])));
    const outcomes = await page.locator(".outcome[data-outcome]").evaluateAll((list) => list.map((o) => o.id));
    const first = Object.keys(graph)[0];
    assert.ok(outcomes.length >= 4, `the page has its verdicts (${outcomes.length})`);
    // A shortest answer sequence to every outcome, found from the first question.
    const paths = {};
    const queue = [[first, []]];
    while (queue.length) {
      const [question, taken] = queue.shift();
      graph[question].forEach((next, option) => {
        const path = [...taken, [question, option]];
        if (graph[next]) { if (path.length <= Object.keys(graph).length) { queue.push([next, path]); } }
        else if (!paths[next]) { paths[next] = path; }
      });
    }
    assert.deepEqual(Object.keys(paths).sort(), [...outcomes].sort(), "every verdict is at the end of some route");
    assert.equal(await page.locator("li[data-question]:visible").count(), 1, "only the first question shows at first");
    assert.equal(await page.locator(".route:visible").count(), 0, "the signposts go once the script leads");
    for (const outcome of outcomes) {
      await page.locator("form[data-routed-assessment] button[type=reset]").click();
      await page.waitForFunction(() => document.querySelector("[data-result]").hidden);
      for (const [question, option] of paths[outcome]) {
        await page.locator(`#${question} input[type=radio]`).nth(option).check();
      }
      assert.equal(await page.locator("li[data-question]:visible").count(), paths[outcome].length, `only the route to ${outcome} shows`);
      const current = page.locator(".outcome.band-current");
      assert.equal(await current.count(), 1, `one verdict is reached for ${outcome}`);
      assert.equal(await current.getAttribute("id"), outcome);
      const verdict = (await current.locator("h3").textContent()).trim();
      assert.ok((await page.locator("[data-result]").textContent()).includes(verdict), `the result names « ${verdict} »`);
    }
    // Changing the first answer to one that ends at once hides the rest of the route.
    const direct = graph[first].findIndex((next) => !graph[next]);
    await page.locator(`#${first} input[type=radio]`).nth(direct).check();
    assert.equal(await page.locator("li[data-question]:visible").count(), 1, "a shorter route hides the questions of the longer one");
    assert.deepEqual(problems, []);
    await context.close();
  });

  test(`${scheme}: dark mode follows the system and the toggle, remembered`, async () => {
    const background = (page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const { page, context, problems } = await open(rootOf(), pages.playbook, { colorScheme: "light" });
    const light = await background(page);
    const toggle = page.locator("[data-theme-toggle]");
    assert.equal(await toggle.getAttribute("aria-pressed"), "false");
    await toggle.click();
    assert.equal(await toggle.getAttribute("aria-pressed"), "true");
    const dark = await background(page);
    assert.notEqual(dark, light, "the toggle darkens the page");
    await page.goto(rootOf() + pages.home);
    assert.equal(await background(page), dark, "the choice holds on the next page");
    await context.close();
    const system = await open(rootOf(), pages.playbook, { colorScheme: "dark" });
    assert.equal(await background(system.page), dark, "a system in dark mode gets the dark theme");
    await system.context.close();
    assert.deepEqual(problems, []);
  });

  test(`${scheme}: the RACI matrix filters by role, also from a role card's link`, async () => {
    const { page, context, problems } = await open(rootOf(), pages.role);
    await page.locator(".involvement a[href*='raci.html#gv_role-']").click();
    await page.waitForURL(/raci\.html#gv_role-/);
    const select = page.locator("select[data-raci-role]");
    assert.equal(await select.inputValue(), "referent-ia", "the link picks the role");
    const rows = await page.locator("table.raci-matrix tbody tr").count();
    const shown = await page.locator("table.raci-matrix tbody tr:visible").count();
    assert.ok(shown > 0 && shown <= rows);
    assert.equal(await page.locator("table.raci-matrix thead th:visible").count(), 2, "the playbook column and the role's");
    for (const cell of await page.locator("table.raci-matrix tbody tr:visible td:visible").all()) {
      assert.notEqual((await cell.textContent()).trim(), "", "every shown playbook involves the role");
    }
    await select.selectOption("");
    assert.equal(await page.locator("table.raci-matrix tbody tr:visible").count(), rows);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test(`${scheme}: pages print without the frame, with link targets; a charter prints as a form to sign`, async () => {
    const { page, context, problems } = await open(rootOf(), pages.charter);
    assert.ok(await visible(page, ".site-nav"));
    assert.ok(await visible(page, "[data-print]"), "the print button shows on screen");
    await page.emulateMedia({ media: "print" });
    for (const hidden of [".site-header", ".site-nav", ".pager", ".toc", "[data-print]", ".charter-actions"]) {
      assert.ok(!(await visible(page, hidden)), `${hidden} is not printed`);
    }
    assert.ok(await visible(page, ".signature"), "the signature block is printed");
    const blank = await page.locator(".blank").first().evaluate((e) => getComputedStyle(e).borderBottomStyle + " " + getComputedStyle(e).borderTopStyle);
    assert.equal(blank, "solid none", "a blank is a line on paper");
    // The default handbook links to no outside page: one is added to the page
    // (a link fetches nothing) to check the print rule on it.
    await page.goto(rootOf() + "pages/sources.html");
    await page.locator(".content").first().evaluate((content) => {
      const a = document.createElement("a");
      a.href = "https://example.org/ai-act";
      a.textContent = "AI Act";
      content.append(a);
    });
    await page.emulateMedia({ media: "print" });
    const external = page.locator(".content a[href^='http']");
    assert.equal(await external.count(), 1);
    const after = await external.evaluate((a) => getComputedStyle(a, "::after").content);
    assert.ok(after.includes("https://example.org/ai-act"), `an outside link shows its address on paper (${after})`);
    await page.goto(rootOf() + "impression.html");
    await page.emulateMedia({ media: "print" });
    const breaks = await page.locator(".print-section").evaluateAll((list) => list.map((s) => getComputedStyle(s).breakBefore));
    assert.ok(breaks.length > 3 && breaks.every((b) => b === "page"), "each part of the book starts a new page");
    assert.equal(await page.locator(".print-page").count(), await page.locator(".book-toc ol ol li").count(), "the contents list every page");
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test("without script, every variant shows labelled, every myth shows its fact, and no dead control shows", async () => {
  const root = env.roots[0][1];
  const { page, context, problems } = await open(root, pages.myths, { javaScriptEnabled: false });
  const facts = page.locator(".myth-card .reveal p:first-of-type");
  assert.equal(await facts.count(), await page.locator(".myth-card").count());
  for (const fact of await facts.all()) { assert.ok(await fact.isVisible()); }
  assert.ok(!(await visible(page, ".verdict-filter")), "no filter that cannot work");
  await page.goto(root + "procedures/lancer-programme-ia.html");
  assert.ok(!(await visible(page, "form.audience")), "no switcher that cannot work");
  const variants = page.locator(".content .variant");
  assert.ok(await variants.count() > 0);
  for (const variant of await variants.all()) {
    assert.ok(await variant.isVisible());
    assert.match(await variant.locator(".variant-label").first().textContent(), /\S/, "each variant says whom it is for");
  }
  assert.ok(!(await visible(page, ".checklist-tools")), "no export without script");
  assert.deepEqual(problems, []);
  await context.close();
});

test("axe-core finds no WCAG 2.1 A or AA violation on the home and each kind of page, light and dark", async () => {
  assert.deepEqual(await axeViolations(env.browser, env.roots[0][1], pages), []);
});

test("screenshots at desktop and phone widths, for a person to look at (target/screenshots/)", async () => {
  fs.mkdirSync(shots, { recursive: true });
  const root = env.roots[0][1];
  const views = [["home", pages.home], ["playbook", pages.playbook], ["role", pages.role], ["myths", pages.myths], ["comms", pages.comms], ["charter-print", pages.charter, "print"]];
  for (const [width, label] of [[1280, "desktop"], [390, "phone"]]) {
    for (const [name, relative, media] of views) {
      const { page, context } = await open(root, relative, { viewport: { width, height: 900 } });
      if (media) { await page.emulateMedia({ media }); }
      const file = path.join(shots, `${name}-${label}.png`);
      await page.screenshot({ path: file, fullPage: true });
      assert.ok(fs.statSync(file).size > 10000, `${file} was written`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `${name} at ${width} px does not scroll sideways (${overflow} px)`);
      await context.close();
    }
  }
});
