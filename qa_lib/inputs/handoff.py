"""The hand-off between the runner and the notebooks, both halves in one place.

The runner validates the audits once and computes every section's figures once (`qa_lib.figures`); it
writes those figures, not the rows, into the run's private work folder, and each notebook reads them back.
No notebook parses, validates or recomputes anything, and no child-level row reaches a notebook. The file
is plain JSON (`qa_lib.codec`: no pickle), written by the run into its own 0700 folder
(`qa_lib.run.workspace`) and read by the same run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qa_lib import codec
from qa_lib.errors import QAPackError

FIGURES = "figures.json"


def write_figures(figures: Any, folder: Path) -> Path:
    """Runner's half: the run's figures, for the notebooks (a wider run hands over only its published
    figures; a calibration run, its calibration figures). Returns the file's path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / FIGURES
    path.write_bytes(codec.dumps(figures))
    return path


def is_handoff(path: Path) -> bool:
    """Whether `path` is the figures file a runner wrote (not a raw audits file)."""
    return path.name == FIGURES and path.is_file()


def read_figures(path: Path, kind: type | tuple[type, ...]) -> Any:
    """Notebook's half: the run's figures, exactly as the runner computed them, refused unless of `kind` (the
    run's figures or its published figures; a calibration run's figures)."""
    try:
        return codec.loads(path.read_bytes(), kind)
    except codec.CodecError:
        raise QAPackError("the run handed this notebook figures of another kind; nothing is shown") from None
