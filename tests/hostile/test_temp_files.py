"""No temporary file names a child outside the private work folder (issue 25, item 7): `audit-log`, `sample`,
`auditors` and `calibrate`, stopped by SIGTERM while they work or left to finish, leave nothing in the temp
folder that holds a planted child's ID; every library's temporary files went into the private folder, which
is removed however the command ends."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest

from helpers import QA_PACK, REPO

pytestmark = pytest.mark.slow
DEMO = str(REPO / "params" / "demo.yml")


def leftovers(tmp: Path, planted: str) -> list[str]:
    """Every file under `tmp` that holds the planted ID (read as bytes: a spreadsheet is a zip, so its text is
    compressed; the temp files a library writes while building one are not)."""
    found = []
    for path in tmp.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if planted.encode() in data:
                found.append(str(path.relative_to(tmp)))
    return found


def run_and_stop(args: list[str], tmp: Path, stop_after: float | None) -> int:
    env = {**os.environ, "TMPDIR": str(tmp)}
    proc = subprocess.Popen([QA_PACK, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if stop_after is not None:
        deadline = time.monotonic() + stop_after
        while time.monotonic() < deadline and proc.poll() is None:
            if any(p.name.startswith("qa-pack-work-") for p in tmp.iterdir()):
                time.sleep(0.3)  # at work in its private folder: stop it there
                break
            time.sleep(0.02)
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=120)
    return proc.returncode


@pytest.fixture
def planted(demo_csv: Path, tmp_path: Path) -> tuple[Path, str]:
    frame = pd.read_csv(demo_csv, dtype=str, keep_default_na=False)
    planted = "CH-PLANTED-990001"
    frame.loc[frame.index[-40:], "child_id"] = planted  # in the period's rows, so every command reads it
    path = tmp_path / "audits.csv"
    frame.to_csv(path, index=False)
    return path, planted


@pytest.mark.parametrize("stop_after", [None, 8.0])
@pytest.mark.parametrize("command", ["audit-log", "sample", "auditors", "calibrate"])
def test_nothing_naming_a_child_is_left_in_the_temp_folder(planted, tmp_path: Path, command: str, stop_after: float | None):
    audits, child = planted
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    private = tmp_path / "private"
    private.mkdir()
    args = {
        "audit-log": ["audit-log", "--params", DEMO, "--audits", str(audits), "--out", str(private / "audit_log.xlsx")],
        "sample": [
            "sample",
            "--caseload",
            str(REPO / "data" / "demo" / "caseload.csv"),
            "--history",
            str(audits),
            "--month",
            "2022-01",
            "--cohort",
            "cp",
            "--out",
            str(private / "sample.csv"),
        ],
        "auditors": ["auditors", "--params", DEMO, "--audits", str(audits), "--key", str(private / "auditor_key.csv")],
        "calibrate": [
            "calibrate",
            "--params",
            DEMO,
            "--audits",
            str(audits),
            "--calibration",
            str(REPO / "data" / "demo" / "calibration.csv"),
            "--out",
            str(tmp_path / "cal"),
            "--quiet",
        ],
    }[command]
    code = run_and_stop(args, tmp, stop_after)
    assert code in (0, 1, 143, 130, -15), code  # -15: SIGTERM after the private block had ended (nothing left)
    assert leftovers(tmp, child) == []
    assert not [p.name for p in tmp.iterdir() if p.name.startswith("qa-pack-work-")]  # the private folder is gone too
