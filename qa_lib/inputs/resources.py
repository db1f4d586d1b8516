"""Files the pack ships with: its notebooks and its default params, found through the installed package
(`qa_lib.notebooks`, `qa_lib.default_params`), so an installed pack runs from any folder without a checkout.
In a checkout (an editable install) they are the repository's `notebooks/` and `params/`."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def notebooks_dir() -> Path:
    """The folder holding the pack's notebooks."""
    return Path(str(files("qa_lib.notebooks")))


def default_params(name: str = "demo.yml") -> Path:
    """One of the pack's params files: `demo.yml` (a whole run's settings) or `pack.yml` (the council's)."""
    return Path(str(files("qa_lib.default_params") / name))
