"""Executed notebook -> one self-contained, offline HTML file.

Code and prompts hidden, charts embedded as base64 PNG, a real <title>, and
nothing fetched from any URL (our `qa_offline` template drops the script tags the
stock templates add). Error and stderr outputs are dropped: a published report
never shows a traceback or a warning.
"""
from __future__ import annotations

import copy
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

TEMPLATES = Path(__file__).parent / "templates"


def _clean(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.get("cell_type") == "code":
            cell["outputs"] = [o for o in cell.get("outputs", [])
                               if o.get("output_type") != "error" and not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    nb.metadata.pop("widgets", None)
    return nb


def notebook_to_html(nb: nbformat.NotebookNode, title: str) -> str:
    """HTML for an executed notebook, titled `title`, safe to open offline."""
    exporter = HTMLExporter(template_name="qa_offline", extra_template_basedirs=[str(TEMPLATES)])
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.theme = "light"
    nb = _clean(nb)
    nb.metadata["title"] = title
    body, _ = exporter.from_notebook_node(nb)
    return body
