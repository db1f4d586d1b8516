"""The pack installed like a library: a non-editable `pip install .`, run from a folder that is not the
repository, with no --params (every run setting on the command line), finds its notebooks, templates and
default params inside the installed package."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from helpers import REPO

pytestmark = pytest.mark.slow


def test_a_non_editable_install_runs_the_demo_from_another_folder(tmp_path):
    target, elsewhere = tmp_path / "site", tmp_path / "elsewhere"
    elsewhere.mkdir()
    build = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--quiet", "--target", str(target), str(REPO)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr
    env = dict(os.environ, PYTHONPATH=str(target))  # the kernels inherit it: they import the installed copy too
    where = subprocess.run(
        [sys.executable, "-c", "import qa_lib; print(qa_lib.__file__)"], capture_output=True, text=True, cwd=elsewhere, env=env
    )
    assert where.stdout.startswith(str(target)), where.stdout + where.stderr

    def qa(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "qa_lib.cli", *args], capture_output=True, text=True, cwd=elsewhere, env=env, timeout=600
        )

    demo = qa("demo")
    assert demo.returncode == 0, demo.stderr
    assert (elsewhere / "data" / "demo" / "audits.csv").is_file()  # the default is relative to where it runs
    run = qa("run", "--audits", "data/demo/audits.csv", "--from", "2021-10", "--to", "2021-12", "--out", "out", "--quiet")
    assert run.returncode == 0, run.stderr
    manifest = json.loads((elsewhere / "out" / "manifest.json").read_text())
    assert manifest["params_file"].startswith(str(target))  # the pack's own demo.yml, from the installed package
    assert {o["file"] for o in manifest["outputs"]} >= {"highlight_report.html", "compliance.html", "tables/returns.csv"}
    page = (elsewhere / "out" / "highlight_report.html").read_text(encoding="utf-8")
    assert "Compliance has increased from 55% in October to 71% in November" in page
    missing = qa("run", "--audits", "data/demo/audits.csv", "--out", "out2")
    assert missing.returncode == 1
    assert "give --params FILE, or every run setting on the command line: --audits, --from, --to and --out" in missing.stderr
