#!/usr/bin/env python3
"""Reads each charter's Word document of built sites back with pandoc (a reader
independent of the library that wrote it) and checks it against the charter's
page: every clause of the page's rules table is in the document, with its rule;
every signatory has a row of the signature table; the edition's organisation
name is in it when the edition has one; the body's headings are Word headings
(pandoc reads them as headers); no placeholder or internal mark is left.

Usage: check_charters.py SITE_DIR...   (exit 1, with every difference, on failure)
"""
import html.parser
import json
import pathlib
import re
import subprocess
import sys


def squash(text):
    return re.sub(r"\s+", " ", text).strip()


class CharterPage(html.parser.HTMLParser):
    """The clauses (rule, text without its condition and note), the signatories,
    the organisation named in the header, and the body's h2 headings."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.clauses, self.signatories, self.headings = [], [], []
        self.stack, self.buffer, self.where = [], None, None
        self.org = None
        self.skip = 0
        self.blanks = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        cls = attrs.get("class") or ""
        self.stack.append((tag, cls))
        if tag == "tr" and any(c.startswith("rule-") for c in cls.split()):
            self.clauses.append({"rule": "", "text": ""})
        elif self.skip and tag == "span":
            self.skip += 1
        elif tag == "span" and "blank" in cls.split() and self.buffer is not None:
            self.buffer.append("[")  # a blank to fill: the document shows it in brackets
            self.blanks.append(len(self.stack))
        elif self.clauses and tag == "span" and "rule-badge" in cls:
            self.where, self.buffer = "rule", []
        elif self.clauses and tag == "td" and self.where is None and not self.clauses[-1]["text"]:
            self.where, self.buffer = "text", []
        elif self.where == "text" and (tag == "em" or "variant-label" in cls):
            self.finish()  # the condition, or the variant's note, follows the text
        elif tag == "span" and "role-held" in cls:
            self.skip += 1  # the generic edition's holder: the role's own name counts
        elif tag == "p" and "signatory" in cls:
            self.where, self.buffer = "signatory", []
        elif tag == "h2" and self.in_content():
            self.where, self.buffer = "heading", []

    def in_content(self):
        return any(t == "div" and "content" in c.split() for t, c in self.stack)

    def finish(self):
        if self.where is None:
            return
        text = squash("".join(self.buffer))
        if self.where in ("rule", "text"):
            self.clauses[-1][self.where] = text
        elif self.where == "signatory":
            self.signatories.append(text)
        elif self.where == "heading":
            self.headings.append(text)
        self.where, self.buffer = None, None

    def handle_endtag(self, tag):
        if self.skip and tag == "span":
            # the spans inside a skipped one are counted too
            self.skip -= 1
            return
        if tag == "span" and self.blanks and self.blanks[-1] == len(self.stack):
            self.blanks.pop()
            if self.buffer is not None:
                self.buffer.append("]")
            self.stack.pop()
            return
        if tag in ("span", "td", "p", "h2") and self.where is not None:
            if not (tag == "span" and self.where != "rule"):
                self.finish()
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self.buffer is not None and not self.skip:
            self.buffer.append(data)


def pandoc_json(path):
    return json.loads(subprocess.run(["pandoc", "-t", "json", str(path)], check=True,
                                     capture_output=True, text=True).stdout)


def text_of(node):
    """The text of any part of pandoc's document tree: its words, spaced."""
    if isinstance(node, dict):
        if node.get("t") == "Str":
            return node["c"]
        if node.get("t") in ("Space", "SoftBreak", "LineBreak"):
            return " "
        return text_of(node.get("c", []))
    if isinstance(node, list):
        return "".join(text_of(n) for n in node)
    return ""


def read_docx(path):
    """The document's whole text, its headers, and the rows of its tables (each a
    list of cell texts), as pandoc reads them (pandoc 2.10 and later's tables)."""
    doc = pandoc_json(path)
    headers, rows = [], []
    for block in doc["blocks"]:
        if block["t"] == "Header":
            headers.append(squash(text_of(block["c"][2])))
        elif block["t"] == "Table":
            _, _, _, head, bodies, _ = block["c"]
            for row in head[1] + [r for body in bodies for r in body[2] + body[3]]:
                rows.append([squash(text_of(cell[4])) for cell in row[1]])
    return squash(text_of(doc["blocks"])), headers, rows


def check(site, org, problems):
    pages = sorted(site.glob("chartes/*.html"))
    pages = [p for p in pages if p.name != "index.html"]
    checked = 0
    for page in pages:
        word = page.with_suffix(".docx")
        if not word.exists():
            problems.append(f"{site}: {word.name} missing beside {page.name}")
            continue
        parsed = CharterPage()
        parsed.feed(page.read_text(encoding="utf-8"))
        text, headers, rows = read_docx(word)

        def expect(condition, message):
            if not condition:
                problems.append(f"{site}/{word.name}: {message}")

        expect(parsed.clauses or parsed.signatories, "the page's rules and signatures were not read")
        for clause in parsed.clauses:
            expect(clause["text"] and clause["text"] in text, f"clause missing: {clause['text'][:80]!r}")
            expect(any(r[:1] == [clause["rule"]] and r[1].startswith(clause["text"]) for r in rows if len(r) == 2),
                   f"clause not in a row with its rule: {clause['text'][:60]!r}")
        for signatory in parsed.signatories:
            expect(any(r[:1] == [signatory] for r in rows if len(r) == 4), f"no signature row for {signatory!r}")
        expect("Signature" in text, "no signature block")
        for heading in parsed.headings:
            expect(heading in headers, f"heading {heading!r} is not a Word heading: {headers}")
        expect("{{" not in text and not re.search("[\ufdd0-\ufdd4]", text), "a placeholder or a mark is left")
        if org:
            expect(org in text, f"the organisation {org!r} is not named")
        checked += 1
    if not pages:
        problems.append(f"{site}: no charter page")
    print(f"{site}: {checked} charters' Word documents match their pages")


def main():
    args = sys.argv[1:]
    org = None
    if args and args[0].startswith("--org="):
        org, args = args[0][len("--org="):], args[1:]
    problems = []
    for arg in args:
        check(pathlib.Path(arg), org, problems)
    for p in problems:
        print(p, file=sys.stderr)
    sys.exit(1 if problems or not args else 0)


if __name__ == "__main__":
    main()
