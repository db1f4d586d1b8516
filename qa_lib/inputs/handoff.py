"""The hand-off between the runner and the notebooks, both halves in one place.

The runner validates the audits once and writes the validated frame (parquet) and its row summary (JSON)
into the run's private work folder; each notebook reads them back instead of parsing and validating the
raw file again. The folder is private to the run and goes with it (`qa_lib.run.workspace`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from qa_lib.inputs.load import AuditData

AUDITS = "audits.parquet"
SUMMARY = "audits.summary.json"


def write_validated(data: AuditData, folder: Path) -> Path:
    """Runner's half: the validated frame and its row summary, for the notebooks. Returns the parquet path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / AUDITS
    data.frame.to_parquet(path, index=False)
    (folder / SUMMARY).write_text(json.dumps(data.summary(), indent=1), encoding="utf-8")
    return path


def is_handoff(path: Path) -> bool:
    """Whether `path` is a validated copy written by the runner (not a raw audits file)."""
    return path.name == AUDITS and (path.parent / SUMMARY).is_file()


def read_validated(path: Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Notebook's half: the validated frame and the row summary the runner wrote beside it."""
    frame = pd.read_parquet(path)
    summary = json.loads((path.parent / SUMMARY).read_text(encoding="utf-8"))
    return frame, summary
