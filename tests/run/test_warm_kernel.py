"""A worker's warm kernel (qa_lib.run.execute): one kernel runs each notebook the worker is given, so what one
notebook leaves behind must never reach the next, and a notebook that fails must not spoil the kernel for
the next one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa_lib.run import execute
from qa_lib.run.execute import NotebookJob, WarmKernel, WorkerSetup
from qa_lib.run.workspace import children_of


def _notebook(path: Path, *cells: str) -> Path:
    nb = {
        "cells": [
            {"cell_type": "code", "metadata": {}, "source": src, "outputs": [], "execution_count": None, "id": f"c{i}"}
            for i, src in enumerate(cells)
        ],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def _job(folder: Path, source: Path) -> NotebookJob:
    return NotebookJob(
        name=source.stem,
        source=source,
        output=folder / "work" / f"{source.stem}.ipynb",
        html=folder / f"{source.stem}.html",
        period_label="test",
        parameters={},
        kernel_name="python3",
        timeout=60,
        progress=False,
    )


@pytest.fixture
def warm(tmp_path, monkeypatch):
    (tmp_path / "work").mkdir()
    # execute() points these at the run's private folder, as a worker does; restored after the test
    monkeypatch.setenv("TMPDIR", str(tmp_path / "work"))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "work" / "runtime"))
    kernel = WarmKernel(WorkerSetup(private=tmp_path / "work", kernel_name="python3", cwd=tmp_path))
    kernel.settle()
    monkeypatch.setitem(execute._warm, "kernel", kernel)
    yield kernel
    kernel.shutdown()


@pytest.mark.slow
def test_one_notebooks_names_never_reach_the_next_and_a_failure_gets_a_fresh_kernel(tmp_path, warm):
    first = _notebook(tmp_path / "first.ipynb", "secret_total = 41", "import qa_lib.notebook  # the warm-up's import is kept")
    second = _notebook(tmp_path / "second.ipynb", "assert 'secret_total' not in globals(), 'a name leaked from the last notebook'")
    broken = _notebook(tmp_path / "broken.ipynb", "left_over = 1", "raise ValueError('boom')")
    third = _notebook(tmp_path / "third.ipynb", "assert 'left_over' not in globals()", "print(7 * 6)")

    def kernel_pid() -> int:
        return warm.km.provisioner.process.pid

    pid = kernel_pid()
    assert execute.execute(_job(tmp_path, first))[2] is None
    assert execute.execute(_job(tmp_path, second))[2] is None  # same kernel, clean namespace
    assert kernel_pid() == pid  # no new kernel was started

    name, _, error = execute.execute(_job(tmp_path, broken))
    assert name == "broken" and error is not None and "ValueError" in error
    assert not (tmp_path / "broken.html").exists()  # nothing half-written
    assert kernel_pid() != pid  # the failed notebook's kernel was replaced

    assert execute.execute(_job(tmp_path, third))[2] is None  # the kernel after a failure is a fresh one
    assert "42" in (tmp_path / "third.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_each_page_holds_its_own_notebooks_output_only(tmp_path, warm):
    """The workers' clients no longer wait for the kernel's IOPub channel to fall silent before a notebook starts
    (`qa_lib.run.clients`): what the last notebook sent at its very end must still be on its own page, and only
    there, and the next notebook's output on the next page."""
    end = _notebook(
        tmp_path / "end.ipynb",
        "from IPython.display import HTML, display\n"
        "print('\\n'.join(f'first-notebook-line-{i}' for i in range(2000)))\n"
        "display(HTML('<p>first-notebook-display</p>'))",
    )
    after = _notebook(tmp_path / "after.ipynb", "print('second-notebook-output')")
    for _ in range(2):
        assert execute.execute(_job(tmp_path, end))[2] is None
        assert execute.execute(_job(tmp_path, after))[2] is None
        first = (tmp_path / "end.html").read_text(encoding="utf-8")
        second = (tmp_path / "after.html").read_text(encoding="utf-8")
        assert "first-notebook-line-1999" in first and "first-notebook-display" in first and "second-notebook-output" not in first
        assert "second-notebook-output" in second and "first-notebook" not in second


@pytest.mark.slow
def test_a_client_of_a_dead_kernel_says_so_instead_of_waiting(tmp_path, warm):
    warm.km.provisioner.process.kill()
    warm.km.provisioner.process.wait()
    client = warm.km.blocking_client()
    client.start_channels()
    try:
        with pytest.raises(RuntimeError, match="Kernel died"):
            client.wait_for_ready(timeout=30)
    finally:
        client.stop_channels()


@pytest.mark.slow
def test_workers_closed_in_the_background_are_all_gone_once_waited_for(tmp_path):
    """The runner lets its workers and kernels stop while it checks the pages (`close_meanwhile`) and waits for
    them before the private folder goes: once the wait returns, no worker and no kernel is left."""
    import psutil

    from qa_lib.run.execute import Workers

    def ours() -> set[int]:  # every process under this one but multiprocessing's tracker, which lives with pytest
        return {p.pid for p in psutil.Process().children(recursive=True) if "resource_tracker" not in " ".join(p.cmdline())}

    workers = Workers(1, WorkerSetup(private=tmp_path, kernel_name="python3", cwd=tmp_path))
    assert workers.pool.submit(execute.warmed).result(timeout=180), "the worker's kernel did not start"
    worker = {p.pid for p in workers.pool._processes.values() if p.pid}
    kernel = children_of(worker)
    assert len(worker) == 1 and len(kernel) == 1 and worker | kernel <= ours()
    wait = workers.close_meanwhile()
    wait()
    assert ours() == set()  # the fork server too


def _history_rows(ipython_dir: Path) -> int:
    import sqlite3

    database = ipython_dir / "profile_default" / "history.sqlite"
    if not database.exists():
        return 0
    with sqlite3.connect(database) as db:
        return int(db.execute("select count(*) from history").fetchone()[0])


@pytest.mark.slow
@pytest.mark.parametrize("kernel", ["warm", "papermill's own"])
def test_the_packs_kernels_write_nothing_into_the_users_ipython_history(tmp_path, monkeypatch, kernel):
    """IPython keeps every cell a kernel runs in the user's ~/.ipython history unless told not to: the pack's
    kernels, warm or started by papermill when there is none, are told not to."""
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))  # the user's IPython folder, for this test
    monkeypatch.setenv("TMPDIR", str(tmp_path / "work"))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "work" / "runtime"))
    (tmp_path / "work").mkdir()
    started = None
    if kernel == "warm":
        started = WarmKernel(WorkerSetup(private=tmp_path / "work", kernel_name="python3", cwd=tmp_path))
        started.settle()
        monkeypatch.setitem(execute._warm, "kernel", started)
    try:
        source = _notebook(tmp_path / "one.ipynb", "answer = 6 * 7", "print(answer, get_ipython().history_manager.enabled)")
        assert execute.execute(_job(tmp_path, source))[2] is None
        ran = json.loads((tmp_path / "work" / "one.ipynb").read_text(encoding="utf-8"))
        assert "".join(ran["cells"][-1]["outputs"][0]["text"]) == "42 False\n"  # ran there, keeping no history
    finally:
        if started is not None:
            started.shutdown()
    assert _history_rows(tmp_path / "ipython") == 0
