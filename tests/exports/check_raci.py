#!/usr/bin/env python3
"""Reads the RACI files of built sites back with readers independent of the
library that wrote them (openpyxl for raci.xlsx, Python's csv module for
raci.csv) and checks them against the site's own pages: the matrix sheet and the
CSV against raci.html's table, each playbook's sheet against the RACI table of
that playbook's page; the header row frozen, filters on, no markup in any cell.

Usage: check_raci.py SITE_DIR...   (exit 1, with every difference, on failure)
"""
import csv
import html.parser
import io
import pathlib
import re
import sys

import openpyxl


class Tables(html.parser.HTMLParser):
    """The text of every table's cells, row by row. A header naming a role that
    another holds at some sizes (the generic edition's switcher) reads as the
    role's own name, as the spreadsheet names it there."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables, self.row, self.cell, self.skip = [], None, None, 0
        self.title, self.in_h1 = None, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.row = []
            self.tables[-1].append(self.row)
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
        elif tag == "span" and self.cell is not None:
            if self.skip or "role-held" in (attrs.get("class") or ""):
                self.skip += 1
        elif tag == "h1":
            self.in_h1 = True

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(re.sub(r"\s+", " ", "".join(self.cell)).strip())
            self.cell = None
        elif tag == "tr":
            self.row = None
        elif tag == "span" and self.skip:
            self.skip -= 1
        elif tag == "h1":
            self.in_h1 = False

    def handle_data(self, data):
        if self.cell is not None and not self.skip:
            self.cell.append(data)
        if self.in_h1:
            self.title = (self.title or "") + data


def tables_of(path):
    parser = Tables()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def rows_of(sheet):
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def check(site, problems):
    def expect(condition, message):
        if not condition:
            problems.append(f"{site}: {message}")

    matrix_page = tables_of(site / "raci.html")
    matrix = matrix_page.tables[0]
    workbook = openpyxl.load_workbook(site / "raci.xlsx")
    sheets = workbook.worksheets
    expect(rows_of(sheets[0]) == matrix, f"the matrix sheet differs from raci.html:\n{rows_of(sheets[0])[:2]}\n{matrix[:2]}")
    with open(site / "raci.csv", newline="", encoding="utf-8") as f:
        expect(list(csv.reader(f)) == matrix, "raci.csv differs from raci.html")
    for sheet in sheets:
        expect(sheet.freeze_panes is not None, f"sheet {sheet.title!r} has no frozen header")
        expect(bool(sheet.auto_filter.ref), f"sheet {sheet.title!r} has no filter")
        for row in rows_of(sheet):
            for cell in row:
                expect("<" not in cell and "{{" not in cell, f"sheet {sheet.title!r} holds markup: {cell!r}")
    # Each playbook of the matrix has its sheet, in the same order, matching its page.
    playbooks = sorted(site.glob("procedures/*.html"))
    pages = {}
    for path in playbooks:
        page = tables_of(path)
        if page.title:
            pages[page.title.strip()] = page
    titles = [row[0] for row in matrix[1:]]
    expect(len(sheets) == 1 + len(titles), f"{len(sheets) - 1} playbook sheets for {len(titles)} playbooks")
    checked = 0
    for title, sheet in zip(titles, sheets[1:]):
        page = pages.get(title)
        expect(page is not None, f"no page titled {title!r}")
        if page is None:
            continue
        grid = page.tables[-1]  # the playbook's RACI table comes last
        rows = rows_of(sheet)
        expect(rows[0][3:] == grid[0][1:], f"{title}: roles {rows[0][3:]} on the sheet, {grid[0][1:]} on the page")
        expect([r[1] for r in rows[1:]] == [r[0] for r in grid[1:]], f"{title}: step titles differ")
        expect([r[3:] for r in rows[1:]] == [r[1:] for r in grid[1:]], f"{title}: letters differ")
        expect([r[0] for r in rows[1:]] == [str(n) for n in range(1, len(rows))], f"{title}: steps not numbered")
        checked += 1
    print(f"{site}: matrix {len(matrix) - 1} × {len(matrix[0]) - 1}, {checked} playbook sheets match their pages")


def main():
    problems = []
    for arg in sys.argv[1:]:
        check(pathlib.Path(arg), problems)
    for p in problems:
        print(p, file=sys.stderr)
    sys.exit(1 if problems or len(sys.argv) < 2 else 0)


if __name__ == "__main__":
    main()
