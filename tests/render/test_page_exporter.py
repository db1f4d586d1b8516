"""A worker makes its pages with one exporter (`qa_lib.render.html.page_exporter`, compiled once in the fork
server): a page made with an exporter that made others first is the same, byte for byte, as one made fresh."""

from __future__ import annotations

import nbformat
import pytest

from helpers import REPO
from qa_lib.render.html import notebook_to_html, page_exporter


def _with_output(name: str, heading: str) -> nbformat.NotebookNode:
    nb = nbformat.read(REPO / "notebooks" / f"{name}.ipynb", as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code")
    # an output as a section's HTML reaches the page: a heading (nbconvert gives it an id) and a table
    html = f"<h2>{heading}</h2><p>Returns</p><table><tr><th>Area</th><td>12</td></tr></table>"
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": html})]
    return nb


@pytest.mark.slow
def test_a_kept_exporter_makes_each_page_as_a_fresh_one_does():
    pages = [(_with_output("grades", "Overall grades"), "Grades"), (_with_output("compliance", "Overall grades"), "Compliance")]
    kept = page_exporter()
    made_in_turn = [notebook_to_html(nb, title, kept) for nb, title in pages]
    made_fresh = [notebook_to_html(nb, title) for nb, title in pages]
    assert made_in_turn == made_fresh
    # the same page again: its headings' ids are not taken already (nbconvert ids a markdown heading by its text)
    assert notebook_to_html(pages[0][0], "Grades", kept) == made_fresh[0]
    assert 'id="1.-Audits-distributed-and-returned"' in made_fresh[1] and "<title>Compliance</title>" in made_fresh[1]
