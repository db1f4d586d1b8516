"""The hand-off between the runner and the notebooks, both halves in one place.

The runner validates the audits once and computes every section's figures once (`qa_lib.run.figures`); it
writes those figures, not the rows, into the run's private work folder, and each notebook reads them back.
No notebook parses, validates or recomputes anything, and no child-level row reaches a notebook. The file
is a pickle the run itself wrote into its own 0700 folder (`qa_lib.run.workspace`), read by the same run.
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qa_lib.disclosure.published import PublishedFigures
    from qa_lib.run.figures import RunFigures
    from qa_lib.sections.calibration.figures import CalibrationFigures

FIGURES = "figures.pickle"


def write_figures(figures: RunFigures | PublishedFigures | CalibrationFigures, folder: Path) -> Path:
    """Runner's half: the run's figures, for the notebooks (a wider run hands over only its published
    figures; a calibration run, its calibration figures). Returns the file's path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / FIGURES
    with open(path, "wb") as handle:
        pickle.dump(figures, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def is_handoff(path: Path) -> bool:
    """Whether `path` is the figures file a runner wrote (not a raw audits file)."""
    return path.name == FIGURES and path.is_file()


def read_figures(path: Path) -> RunFigures | PublishedFigures:
    """Notebook's half: the run's figures, exactly as the runner computed them."""
    with open(path, "rb") as handle:
        figures: RunFigures | PublishedFigures = pickle.load(handle)
    return figures


def read_calibration_figures(path: Path) -> CalibrationFigures:
    """The calibration notebook's half: the calibration run's figures."""
    from qa_lib.errors import QAPackError
    from qa_lib.sections.calibration.figures import CalibrationFigures

    with open(path, "rb") as handle:
        figures = pickle.load(handle)
    if not isinstance(figures, CalibrationFigures):
        raise QAPackError("the run handed the calibration notebook figures of another kind; nothing is shown")
    return figures
