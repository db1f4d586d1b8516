"""A run that uses no cache spawns its notebook workers before it loads pandas (qa_lib.run.runner), so the
workers start their kernels while the runner loads; a run stopped by its own checks after that leaves no
worker or kernel behind, and a wider run spawns one worker for the one notebook it publishes."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

import psutil
import pytest

from helpers import REPO
from qa_lib.errors import QAPackError
from qa_lib.inputs.params import load_params
from qa_lib.run import runner
from qa_lib.run.publish import notebooks_for


def test_reading_params_and_loading_the_runner_load_no_pandas():
    code = (
        "import sys\n"
        "from qa_lib.inputs.params import load_params\n"
        "from qa_lib.run.runner import run\n"
        f"params = load_params({str(REPO / 'params' / 'demo.yml')!r})\n"
        "params.require_period()\n"
        "print('pandas' in sys.modules, 'matplotlib' in sys.modules)\n"
    )
    said = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO).stdout
    assert said.split() == ["False", "False"]


def test_a_wider_run_publishes_the_highlight_alone_whatever_params_name():
    params = load_params(REPO / "params" / "demo.yml")
    assert len(notebooks_for(params)) == 5 and notebooks_for(params)[0] == "highlight_report"
    assert notebooks_for(replace(params, audience="wider")) == ("highlight_report",)


@pytest.mark.slow
def test_a_run_its_checks_stop_after_the_early_spawn_leaves_no_worker_or_kernel(tmp_path, demo_csv, monkeypatch):
    spawned = []
    real = runner._workers

    def counted(notebooks, setup):
        workers = real(notebooks, setup)
        spawned.append(workers)
        return workers

    monkeypatch.setattr(runner, "_workers", counted)
    params = load_params(REPO / "params" / "demo.yml")
    params = replace(params, notebooks=(*params.notebooks, "no_such_notebook"))
    with pytest.raises(QAPackError, match="no notebook no_such_notebook.ipynb"):
        runner.run(params, audits=demo_csv, out=tmp_path / "out", quiet=True, use_cache=False)
    assert len(spawned) == 1 and spawned[0] is not None  # spawned before the notebooks were checked
    left = [" ".join(p.cmdline()) for p in psutil.Process().children(recursive=True)]
    assert [c for c in left if "resource_tracker" not in c] == []  # multiprocessing's tracker lives as long as pytest
    assert not (tmp_path / "out").exists() and not list(tmp_path.glob(".out.*"))


def _freezes(monkeypatch) -> list[int]:
    """Each call of gc.freeze, with how many objects were frozen before it."""
    import gc

    calls: list[int] = []
    real = gc.freeze

    def freeze() -> None:
        calls.append(gc.get_freeze_count())
        real()

    monkeypatch.setattr(gc, "freeze", freeze)
    return calls


@pytest.mark.slow
def test_a_run_freezes_what_it_made_for_its_tail_and_leaves_nothing_frozen(tmp_path, demo_csv, monkeypatch):
    """The runner moves what it has made out of the collector's sight for its tail (`gc.freeze`) and puts it
    back however the run ends, so a process that runs again (these tests, a notebook) collects it as usual."""
    import gc

    from qa_lib.run import reader_check

    params = replace(load_params(REPO / "params" / "demo.yml"), notebooks=())  # no notebook: no worker, quick
    calls = _freezes(monkeypatch)
    runner.run(params, audits=demo_csv, out=tmp_path / "out", quiet=True, use_cache=False)
    assert calls == [0] and gc.get_freeze_count() == 0
    monkeypatch.setattr(reader_check, "refuse_if_found", lambda found: (_ for _ in ()).throw(QAPackError("refused")))
    with pytest.raises(QAPackError, match="refused"):
        runner.run(params, audits=demo_csv, out=tmp_path / "other", quiet=True, use_cache=False)
    assert len(calls) == 2 and gc.get_freeze_count() == 0  # stopped after the freeze: put back all the same
