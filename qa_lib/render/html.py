"""Executed notebook -> one self-contained, offline HTML file.

Code and prompts hidden, charts embedded as base64 PNG, a real <title>, and
nothing fetched from any URL (our `qa_offline` template drops the script tags the
stock templates add). Error and stderr outputs are dropped: a published report
never shows a traceback or a warning.
"""

from __future__ import annotations

import copy
import html
import re
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

from qa_lib.render.sanitise import checked, escape

TEMPLATES = Path(__file__).parent / "templates"


def _clean(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Errors and warnings dropped; the cell papermill injects gets a fixed id (papermill draws a random
    one), so the same figures always make the same page, byte for byte."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell["id"] = "injected-parameters"
        if cell.get("cell_type") == "code":
            cell["outputs"] = [
                o
                for o in cell.get("outputs", [])
                if o.get("output_type") != "error" and not (o.get("output_type") == "stream" and o.get("name") == "stderr")
            ]
    nb.metadata.pop("widgets", None)
    return nb


def page_exporter() -> HTMLExporter:
    """nbconvert's exporter, set up for the pack's offline pages, its templates compiled (an empty page made).
    A process that converts several notebooks (a worker) makes one and keeps it: jinja compiles the templates
    once per exporter, about 0.1 s of CPU a page otherwise."""
    exporter = HTMLExporter(template_name="qa_offline", extra_template_basedirs=[str(TEMPLATES)])
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.theme = "light"
    exporter.from_notebook_node(nbformat.v4.new_notebook())
    return exporter


def notebook_to_html(nb: nbformat.NotebookNode, title: str, exporter: HTMLExporter | None = None) -> str:
    """HTML for an executed notebook, titled `title`, safe to open offline (`exporter`: one `page_exporter`
    made already)."""
    exporter = exporter or page_exporter()
    nb = _clean(nb)
    nb.metadata["title"] = title
    body, _ = exporter.from_notebook_node(nb)
    return checked(add_contents(body))


HEADING = re.compile(r'<h([23]) id="([^"]+)">(.*?)<a class="anchor-link"', re.S)


def add_contents(body: str, minimum: int = 3) -> str:
    """A linked table of contents (h2 and h3 headings) before the first h2, built from the ids nbconvert
    gave the headings, so every link resolves. Pages with fewer than `minimum` h2 headings get none."""
    found = HEADING.findall(body)
    if sum(1 for level, _, _ in found if level == "2") < minimum:
        return body
    items, open_sub = [], False
    for level, anchor, text in found:
        text = html.unescape(re.sub(r"<[^>]+>", "", text)).strip()
        if level == "2":
            if open_sub:
                items.append("</ul></li>")
                open_sub = False
            if items and not items[-1].endswith("</li>"):
                items.append("</li>")
            items.append(f'<li><a href="#{anchor}">{escape(text)}</a>')
        else:
            if not open_sub:
                items.append("<ul>")
                open_sub = True
            items.append(f'<li><a href="#{anchor}">{escape(text)}</a></li>')
    items.append("</ul></li>" if open_sub else "</li>")
    nav = '<nav class="qa-toc" aria-label="Contents"><h2 class="qa-toc-title">Contents</h2><ul>' + "".join(items) + "</ul></nav>"
    first = body.find("<h2")
    cell = body.rfind('<div class="jp-Cell', 0, first)
    return body[:cell] + nav + body[cell:]
