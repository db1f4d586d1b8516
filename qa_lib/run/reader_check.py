"""The last check before anything is published: what a reader would see, searched for what must never be there.

Every page's visible text (headings, paragraphs, table cells, the alternative text of charts, the title), every
cell of the tables and the e-mail's headlines, each as a reader sees it (`qa_lib.inputs.personal.reader_text`:
entities decoded, Unicode folded, invisible characters removed, look-alike letters folded), is searched for every
identifier in the data (audit, child, social worker and auditor IDs, however written), for contact details
and for the names listed in params. The QA lead's text is checked on entry too; this catches any path nobody
foresaw (a value typed into params, a label that reaches a page some new way). A hit stops the run and names the
file and the section, never the value; nothing is published and the last good report is untouched.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from html.parser import HTMLParser
from pathlib import Path

from qa_lib.errors import QAPackError
from qa_lib.inputs.personal import IdentifierKeys, KeySet, contact_in, identifier_keys, reader_text
from qa_lib.sections.themes.redact import Redactor

SHORT_NUMBER = 6  # an all-digit ID shorter than this cannot be told from a count on a page: not searched here


class LeakFound(QAPackError):
    """A page, table or the e-mail would show an identifier, a contact detail or a listed name."""


BLOCKS = {
    "p",
    "div",
    "td",
    "th",
    "tr",
    "li",
    "ul",
    "ol",
    "table",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "details",
    "summary",
    "figure",
    "figcaption",
    "caption",
    "title",
    "main",
    "header",
    "footer",
    "nav",
    "blockquote",
    "pre",
    "hr",
    "dt",
    "dd",
}
BOUNDARY = " \u00a6 "  # between blocks (cells, paragraphs): no identifier is read across it; inline markup joins


class _Visible(HTMLParser):
    """Collects (section, text) pairs of what a browser shows or reads aloud: text outside <style> and
    <script>, and alt, title and aria-label attributes; the section is the latest heading."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)  # character references are the check's to decode, as a reader sees
        self.section = "the page's head"
        self.parts: list[tuple[str, str]] = []
        self._skip = 0
        self._heading: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCKS:
            self.parts.append((self.section, BOUNDARY))
        if tag in ("style", "script"):
            self._skip += 1
        if tag in ("h1", "h2", "h3", "h4"):
            self._heading = []
        for name, value in attrs:
            if name in ("alt", "title", "aria-label") and value:
                self.parts.append((self.section, f"{BOUNDARY}{value}{BOUNDARY}"))

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCKS:
            self.parts.append((self.section, BOUNDARY))
        if tag in ("style", "script"):
            self._skip = max(0, self._skip - 1)
        if tag in ("h1", "h2", "h3", "h4") and self._heading is not None:
            heading = re.sub(r"\s+", " ", "".join(self._heading)).replace("¶", "").strip()
            self.section = heading or self.section
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._heading is not None:
            self._heading.append(data)
        self.parts.append((self.section, data))

    def handle_entityref(self, name: str) -> None:
        self.handle_data(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.handle_data(f"&#{name};")


def page_text(html: str) -> list[tuple[str, str]]:
    """(section, visible text) for a page: inline markup joined as a reader sees it (so a value split across
    <strong> and <em> is whole), blocks such as cells and paragraphs kept apart."""
    parser = _Visible()
    parser.feed(html)
    joined: dict[str, list[str]] = {}
    for section, text in parser.parts:
        joined.setdefault(section, []).append(text)
    return [(section, "".join(texts)) for section, texts in joined.items()]


DIGIT_RUN = re.compile(rf"\d{{{SHORT_NUMBER},}}")


def _texts(path: Path) -> Iterator[tuple[str, str, str, str]]:
    """(where, text, where without the heading, heading) for one output file: a page's sections by their headings,
    each checked with its text, so a message never quotes a heading that itself holds what it reports."""
    if path.suffix == ".html":
        for n, (section, text) in enumerate(page_text(path.read_text(encoding="utf-8")), start=1):
            yield (f"section '{section[:80]}'", f"{section}{BOUNDARY}{text}", f"section {n} (its heading holds it)", section)
    elif path.suffix == ".csv":
        with open(path, newline="", encoding="utf-8") as handle:
            for n, row in enumerate(csv.reader(handle), start=1):
                yield (f"row {n}", BOUNDARY.join(row), f"row {n}", "")  # cells apart: none is read across two cells
    elif path.suffix == ".json":
        for text in _strings(json.loads(path.read_text(encoding="utf-8"))):
            yield ("the e-mail's headlines", text, "the e-mail's headlines", "")


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _holds(seen: str, ids: Redactor, digits: AbstractSet[str], spells_none: AbstractSet[str] = frozenset()) -> bool:
    """An identifier, a contact detail, a listed name or a numeric ID in the text as a reader sees it
    (`reader_text`, made once for the four searches). `spells_none`: texts known to spell no identifier
    (`Redactor.look_up`), not searched again for one."""
    return (
        (seen not in spells_none and ids.spells_identifier(seen))
        or contact_in(seen)
        or ids.holds_name(seen)
        or bool(digits and any(run in digits for run in DIGIT_RUN.findall(seen)))
    )


class ReaderCheck:
    """The last check, made ready once and run file by file: the runner checks each page as its notebook
    writes it, and the tables and headlines as they are written, while the other notebooks still run."""

    def __init__(self, identifiers: Iterable[str] | IdentifierKeys, names: Iterable[str] = ()) -> None:
        keyed = identifiers if isinstance(identifiers, IdentifierKeys) else identifier_keys(identifiers)
        # An all-digit ID (a council's numeric person ID, or an audit numbered by month such as 2021-10-3) is
        # searched as a whole run of its digits, not however it is written: a page of months and counts would
        # spell it across cells. One shorter than SHORT_NUMBER cannot be told from a count on a page and is not
        # searched.
        digits = keyed.digits
        self.digits: AbstractSet[str] = (
            digits.at_least(SHORT_NUMBER) if isinstance(digits, KeySet) else frozenset(k for k in digits if len(k) >= SHORT_NUMBER)
        )
        self.ids = Redactor(IdentifierKeys(keyed.words, frozenset(), keyed.parts), names=[n for n in names if str(n).strip()])

    def found(self, path: Path) -> list[str]:
        """Where in one file (its name and section or row, never the value) a reader would see what must not be."""
        return self.found_in([path])[path]

    def found_in(self, paths: Iterable[Path]) -> dict[Path, list[str]]:
        """`found` for each of several files, every text read as a reader sees it once, and what in them could
        be an identifier looked up at once (`Redactor.look_up`)."""
        read = {path: [(w, reader_text(text), plain, reader_text(h) if h else "") for w, text, plain, h in _texts(path)] for path in paths}
        seen = [t for rows in read.values() for _, text, _, heading in rows for t in (text, heading) if t]
        could = self.ids.look_up(seen)
        none = frozenset(t for t, spells in zip(seen, could, strict=True) if not spells) if could is not None else frozenset()
        if isinstance(self.digits, KeySet) and self.digits.batched:
            self.digits.look_up(run for text in seen for run in DIGIT_RUN.findall(text))
        return {
            path: [
                f"{path.name}, {plain if heading and _holds(heading, self.ids, self.digits, none) else where}"
                for where, text, plain, heading in rows
                if _holds(text, self.ids, self.digits, none)
            ]
            for path, rows in read.items()
        }


def refuse_if_found(found: Iterable[str]) -> None:
    """Raise LeakFound, naming every file and section found (never the value), if anything was."""
    shown = "; ".join(dict.fromkeys(found))
    if shown:
        raise LeakFound(
            f"the last check before publishing found an identifier from the data, a contact detail or a listed name in: "
            f"{shown[:1500]}. Nothing was published and the last report is unchanged; find where it came from (params, "
            "the commentary, the register or a label) and remove it"
        )


def check_outputs(files: Iterable[Path], identifiers: Iterable[str] | IdentifierKeys, names: Iterable[str] = ()) -> None:
    """Raise LeakFound, naming every file and section (never the value), if any output would show an identifier
    from the data, a contact detail or a listed name as a reader sees it."""
    check = ReaderCheck(identifiers, names)
    refuse_if_found(where for path in files for where in check.found(path))
