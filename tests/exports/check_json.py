#!/usr/bin/env python3
"""Checks handbook.json of built sites: it validates against
schemas/handbook.schema.json (with the jsonschema package, a validator
independent of the code that wrote it); every page it lists is a file of the
site, and every content page of the site is listed; every playbook step's R, A,
C and I are those of the playbook page's RACI table; its RACI matrix is
raci.html's.

Usage: check_json.py SITE_DIR...   (exit 1, with every difference, on failure)
"""
import html.parser
import json
import pathlib
import re
import sys

import jsonschema

SCHEMA = pathlib.Path(__file__).resolve().parents[2] / "schemas" / "handbook.schema.json"
KIND_FOLDERS = ["procedures", "chartes", "roles", "idees-recues", "communication", "cas", "autodiagnostic", "pages"]


class RaciGrid(html.parser.HTMLParser):
    """The tables of a page: the role ids their header links to (a header's last
    link outside the generic edition's holder: the role's own, also where a sized
    edition names its holder first), and each row's cells."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables = []
        self.cell = None
        self.in_head = False
        self.held = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        cls = (attrs.get("class") or "").split()
        if tag == "table":
            self.tables.append({"roles": [], "rows": []})
        elif tag == "thead":
            self.in_head = True
        elif tag == "tr" and self.tables and not self.in_head:
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th") and self.tables:
            self.cell = {"text": [], "href": None, "header": tag == "th"}
        elif tag == "span" and ("role-held" in cls or self.held):
            self.held += 1
        elif tag == "a" and self.cell is not None and not self.held:
            self.cell["href"] = attrs.get("href")

    def handle_endtag(self, tag):
        if tag == "thead":
            self.in_head = False
        elif tag == "span" and self.held:
            self.held -= 1
        elif tag in ("td", "th") and self.cell is not None:
            if self.in_head:
                href = self.cell["href"] or ""
                match = re.search(r"roles/([a-z0-9-]+)\.html", href)
                self.tables[-1]["roles"].append(match.group(1) if match else None)
            elif tag == "td":
                self.tables[-1]["rows"][-1].append(re.sub(r"\s+", " ", "".join(self.cell["text"])).strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None and not self.held:
            self.cell["text"].append(data)


def letters(step, role):
    found = [l for l, key in (("R", "responsible"), ("A", "accountable"), ("C", "consulted"), ("I", "informed")) if role in step[key]]
    return " ".join(found)


def check(site, validator, problems):
    def expect(condition, message):
        if not condition:
            problems.append(f"{site}: {message}")

    data = json.loads((site / "handbook.json").read_text(encoding="utf-8"))
    for error in validator.iter_errors(data):
        expect(False, f"schema: {error.json_path}: {error.message[:200]}")
    listed = {page["url"] for page in data["pages"]}
    for url in listed:
        expect((site / url).is_file(), f"{url} is listed but is not a file of the site")
    on_disk = {
        str(p.relative_to(site))
        for folder in KIND_FOLDERS
        for p in (site / folder).glob("*.html")
        if not re.fullmatch(r"index(-\d+)?\.html", p.name)
    }
    expect(on_disk == listed, f"pages of the site not listed: {sorted(on_disk - listed)[:5]}; listed, not built: {sorted(listed - on_disk)[:5]}")
    steps = 0
    for page in (p for p in data["pages"] if p["kind"] == "playbook"):
        parser = RaciGrid()
        parser.feed((site / page["url"]).read_text(encoding="utf-8"))
        grid = parser.tables[-1]
        roles = grid["roles"][1:]  # the first header is the steps' column
        expect(None not in roles, f"{page['url']}: a RACI column names no role card")
        for step, row in zip(page["fields"]["steps"], grid["rows"]):
            expect([letters(step, r) for r in roles] == row,
                   f"{page['url']} step {step['id']}: {[letters(step, r) for r in roles]} in handbook.json, {row} on the page")
            steps += 1
        expect(len(page["fields"]["steps"]) == len(grid["rows"]), f"{page['url']}: not as many steps as the page")
    matrix = RaciGrid()
    matrix.feed((site / "raci.html").read_text(encoding="utf-8"))
    expect(matrix.tables[0]["roles"][1:] == data["raci"]["roles"], "the RACI matrix's roles differ from raci.html's")
    expect([r["cells"] for r in data["raci"]["rows"]] == matrix.tables[0]["rows"], "the RACI matrix's cells differ from raci.html's")
    print(f"{site}: handbook.json is valid, lists its {len(listed)} pages, and its {steps} steps' roles match the pages")


def main():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    problems = []
    for arg in sys.argv[1:]:
        check(pathlib.Path(arg), validator, problems)
    for p in problems:
        print(p, file=sys.stderr)
    sys.exit(1 if problems or len(sys.argv) < 2 else 0)


if __name__ == "__main__":
    main()
