"""Every notebook runs top to bottom with its default parameters, as an analyst opens it in JupyterLab, from any
folder."""

from __future__ import annotations

import json
import re
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import nbformat
import papermill as pm
import pytest

from helpers import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def _execute(path: str, out: str) -> str:
    # Run in a folder far from notebooks/ (issue 26): the defaults are found through the package, never as paths
    # relative to the folder a notebook sits in, so a copied notebook runs too.
    pm.execute_notebook(path, out, kernel_name="python3", cwd=str(Path(out).parent), progress_bar=False, execution_timeout=300)
    return out


@pytest.fixture(scope="module")
def executed(tmp_path_factory) -> dict[str, Path]:
    """Every notebook run with its defaults, two at a time (each in its own process: papermill's cwd is
    process-wide), as an analyst would open them one by one in JupyterLab."""
    folder = tmp_path_factory.mktemp("notebooks")
    with ProcessPoolExecutor(max_workers=2, mp_context=get_context("spawn")) as pool:
        jobs = {p.stem: pool.submit(_execute, str(p), str(folder / p.name)) for p in NOTEBOOKS}
        return {name: Path(job.result()) for name, job in jobs.items()}


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_with_defaults(path, executed):
    nb = nbformat.read(executed[path.stem], as_version=4)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    shown = json.dumps([c.get("outputs", []) for c in nb.cells])
    assert "data:image/png;base64" in shown  # charts were drawn


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_shape(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", []), "first code cell is tagged parameters"
    assert sum("parameters" in c.metadata.get("tags", []) for c in nb.cells) == 1
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), "committed without outputs"
    assert all(len(c.source.splitlines()) <= 6 for c in code[1:]), "short cells calling qa_lib: logic belongs in qa_lib"
    assert all(len(line) <= 120 for c in code for line in c.source.splitlines()), "short lines too, not logic in long ones"
    body = "\n".join(c.source for c in code[1:])
    assert not re.search(r"\bpd\.|\.loc\[|\.isin\(|\[\"\w+\"\]|groupby|\bfor\b", body), "no pandas or loops in a notebook"
