"""Builders for small hand-made audits files, shared by the tests."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
QA_PACK = str(Path(sys.executable).with_name("qa-pack"))
PLANTED = "Zebedee Quartermaine"  # a name an auditor might type into free text
FREE_TEXT = [
    "exemption_reason",
    "non_participation_reason",
    "strengths",
    "learning",
    "team",
    *[f"comment_{s}" for s in ("risk", "voice", "records")],
]
STANDARDS = ["risk", "assessment", "planning", "voice", "family", "partners", "management", "records", "impact"]
HEADER = [
    "audit_id",
    "audit_month",
    "cohort",
    "child_id",
    "social_worker_id",
    "service_area",
    "status",
    "sw_participated",
    "non_participation_reason",
    "overall_grade",
    *[f"grade_{s}" for s in STANDARDS],
    "moderated",
    "moderated_grade",
]


def row(**values: str) -> dict[str, str]:
    """A valid returned audit; keyword arguments override columns."""
    base = {
        "audit_id": "A1",
        "audit_month": "2021-10",
        "cohort": "cin",
        "child_id": "CH-1",
        "social_worker_id": "SW-1",
        "service_area": "Central",
        "status": "returned",
        "sw_participated": "yes",
        "non_participation_reason": "",
        "overall_grade": "Good",
        **{f"grade_{s}": "Good" for s in STANDARDS},
        "moderated": "no",
        "moderated_grade": "",
    }
    base.update(values)
    return base


def write_rows(path: Path, rows: list[dict[str, str]], header: list[str] | None = None, encoding: str = "utf-8") -> Path:
    header = header or list(rows[0].keys()) if rows else HEADER
    with open(path, "w", newline="", encoding=encoding) as fh:
        w = csv.DictWriter(fh, fieldnames=header, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow(r)
    return path


def run_cli(monkeypatch, capsys, *args: str) -> tuple[int, str]:
    """`qa-pack ARGS` in this process, as a user runs it: (exit status, everything it printed)."""
    from qa_lib.cli import main

    monkeypatch.setattr(sys, "argv", ["qa-pack", *args])
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out + out.err


def qa_pack(*args: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    """`qa-pack ARGS` in its own process, as a user's shell or cron runs it (output captured as text)."""
    return subprocess.run([QA_PACK, *args], capture_output=True, text=True, timeout=timeout)


WIDER_PARAMS = "include: [pack.yml, themes.yml]\nperiod: {from: '2021-10', to: '2021-12'}\nactions: actions.yml\naudience: wider\n"


def params_in(folder: Path, text: str = WIDER_PARAMS, name: str = "wider.yml") -> Path:
    """A params file `name` holding `text` in `folder`, beside copies of the repo's pack, themes and register it
    may include (by default the demo quarter's params for a wider audience). Returns its path."""
    import shutil

    for part in ("pack.yml", "themes.yml", "actions.yml"):
        shutil.copy(REPO / "params" / part, folder / part)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
