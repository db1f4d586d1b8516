"""A run's workers are forked from one fork server that has loaded the pack, and each forks its kernel from
itself (qa_lib.run.forked): the kernel is no fresh Python, runs in a session of its own, leaves when its
worker does, and a new one is forked after a failure. The server lives for one run and leaves nothing."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from multiprocessing import forkserver, process
from pathlib import Path
from typing import Any, cast

import nbformat
import psutil
import pytest

from qa_lib.run import execute
from qa_lib.run.execute import NotebookJob, Workers, WorkerSetup
from qa_lib.run.forked import PRELOAD, SOCKET_FOLDER_MAX, fork_pays_and_is_safe, fork_server, kernel_arguments
from qa_lib.run.workspace import children_of

linux = pytest.mark.skipif(sys.platform != "linux", reason="the fork server is used on Linux only")


def test_only_this_pythons_own_ipykernel_is_forked():
    me = sys.executable
    assert kernel_arguments([me, "-m", "ipykernel_launcher", "-f", "c.json"]) == ["-f", "c.json"]
    # ipykernel's own kernelspec passes an -X option for its debugger
    assert kernel_arguments([me, "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "c.json", "--x=1"]) == ["-f", "c.json", "--x=1"]
    assert kernel_arguments(["/opt/other/bin/python", "-m", "ipykernel_launcher", "-f", "c.json"]) is None  # another Python
    assert kernel_arguments([me, "-m", "other_kernel", "-f", "c.json"]) is None  # another kernel
    assert kernel_arguments([me, "-u", "-m", "ipykernel_launcher", "-f", "c.json"]) is None  # an option the fork would not honour
    assert kernel_arguments([]) is None


def test_a_process_that_has_not_loaded_the_pack_or_runs_threads_starts_kernels_as_usual():
    assert PRELOAD not in sys.modules  # this test process: never the fork server's copy
    assert not fork_pays_and_is_safe()


@linux
def test_a_private_folder_too_deep_for_a_socket_means_spawned_workers(tmp_path):
    deep = tmp_path / ("d" * (SOCKET_FOLDER_MAX + 1))
    assert fork_server(deep) is None
    # 107 bytes is Linux's longest socket name: the longest folder allowed leaves exactly room for the server's
    assert SOCKET_FOLDER_MAX + len("/listener-12345678") == 107


@linux
def test_a_fork_server_made_otherwise_means_spawned_workers(short_private, monkeypatch):
    monkeypatch.setattr(forkserver, "_forkserver", object())  # as a later Python might make it
    assert fork_server(short_private) is None


@linux
def test_a_fork_server_already_running_here_is_not_the_packs_to_stop(short_private, monkeypatch):
    """One this process started itself (not the pack): the run spawns its workers, and the server, its socket
    and its settings are left as they were."""
    server = cast(Any, forkserver)._forkserver
    monkeypatch.setattr(server, "_preload_modules", [])
    forkserver.ensure_running()
    pid, address = server._forkserver_pid, server._forkserver_address
    try:
        assert fork_server(short_private) is None
        assert psutil.pid_exists(pid) and Path(address).exists() and server._preload_modules == []
        assert server._forkserver_pid == pid
    finally:
        server._stop()


def _new_notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def _notebook(folder: Path, facts: Path) -> Path:
    nb = _new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("params_path = ''", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(
            "import json, os, sys\n"
            f"open({str(facts)!r}, 'w').write(json.dumps({{'pid': os.getpid(), 'sid': os.getsid(0), "
            f"'ppid': os.getppid(), 'preloaded': {PRELOAD!r} in sys.modules}}))"
        ),
    ]
    path = folder / "facts.ipynb"
    nbformat.write(nb, path)
    return path


def _job(folder: Path, source: Path) -> NotebookJob:
    return NotebookJob(
        name="facts",
        source=source,
        output=folder / "facts.out.ipynb",
        html=folder / "facts.html",
        period_label="test",
        parameters={"params_path": ""},
        kernel_name="python3",
        timeout=120,
        progress=False,
    )


def _gone(pids: set[int], seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not any(psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE for p in pids):
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def short_private():
    folder = Path(tempfile.mkdtemp(prefix="qa-f-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@linux
@pytest.mark.slow
def test_a_workers_kernel_is_a_fork_of_it_in_a_session_of_its_own_and_the_server_leaves_nothing(short_private):
    before = cast(Any, process.current_process())._config.get("tempdir")
    preload = list(cast(Any, forkserver)._forkserver._preload_modules)
    workers = Workers(1, WorkerSetup(short_private, "python3", short_private))
    try:
        assert workers.forking
        assert workers.pool.submit(execute.warmed).result(timeout=180), "the worker's kernel did not start"
        server = cast(Any, forkserver)._forkserver._forkserver_pid
        worker = {p.pid for p in workers.pool._processes.values() if p.pid}
        kernel = children_of(worker)
        assert len(worker) == 1 and len(kernel) == 1
        (w,), (k,) = worker, kernel
        assert psutil.Process(w).ppid() == server  # the worker: forked by the server
        assert "ipykernel_launcher" not in " ".join(psutil.Process(k).cmdline())  # the kernel: no fresh Python
        assert psutil.Process(k).cmdline() == psutil.Process(w).cmdline()
        facts_file = short_private / "facts.json"
        [(name, _, error)] = workers.run([_job(short_private, _notebook(short_private, facts_file))])()
        assert (name, error) == ("facts", None)
        facts = json.loads(facts_file.read_text())
        assert facts == {"pid": k, "sid": k, "ppid": w, "preloaded": True}  # its own session; the pack was there
        assert list(short_private.glob("listener-*"))  # the server's socket, in the run's private folder
    finally:
        workers.close()
    assert not psutil.pid_exists(server) and not psutil.pid_exists(w) and _gone({k})
    assert not list(short_private.glob("listener-*"))
    assert cast(Any, process.current_process())._config.get("tempdir") == before
    assert cast(Any, forkserver)._forkserver._preload_modules == preload  # the pack's preload not left behind


@linux
@pytest.mark.slow
def test_after_a_failure_the_next_notebook_runs_in_a_fresh_kernel(short_private):
    """A failed notebook's kernel is never reused. Its worker then still runs a client thread of jupyter_client's,
    and a fork copies only the thread that forks, so the fresh kernel is started as usual, not forked."""
    workers = Workers(1, WorkerSetup(short_private, "python3", short_private))
    try:
        assert workers.pool.submit(execute.warmed).result(timeout=180)
        worker = {p.pid for p in workers.pool._processes.values() if p.pid}
        first = children_of(worker)
        failing = short_private / "fails.ipynb"
        nb = _new_notebook()
        nb.cells = [nbformat.v4.new_code_cell("params_path = ''", metadata={"tags": ["parameters"]}), nbformat.v4.new_code_cell("1/0")]
        nbformat.write(nb, failing)
        facts_file = short_private / "facts.json"
        results = workers.run([_job(short_private, failing), _job(short_private, _notebook(short_private, facts_file))])()
        assert "ZeroDivisionError" in str(results[0][2]) and results[1][2] is None
        second = children_of(worker)
        assert len(second) == 1 and second != first and _gone(first)
        assert json.loads(facts_file.read_text())["pid"] in second
    finally:
        workers.stop()


@linux
@pytest.mark.slow
def test_a_forked_kernel_leaves_when_its_worker_is_killed(short_private):
    """ipykernel reads its parent's pid when it is imported (in the fork server, where there is none): the
    forked kernel is told it, so it leaves when its worker does, as a kernel started the usual way does."""
    workers = Workers(1, WorkerSetup(short_private, "python3", short_private))
    try:
        assert workers.pool.submit(execute.warmed).result(timeout=180)
        worker = {p.pid for p in workers.pool._processes.values() if p.pid}
        kernel = children_of(worker)
        assert len(kernel) == 1 and "ipykernel_launcher" not in " ".join(psutil.Process(next(iter(kernel))).cmdline())
        os.kill(next(iter(worker)), signal.SIGKILL)
        assert _gone(kernel)
    finally:
        workers.stop()


@linux
@pytest.mark.slow
@pytest.mark.parametrize("after", [0.0, 0.3])
def test_workers_stopped_at_once_or_while_the_server_loads_leave_nothing(short_private, after):
    """However soon a run stops, no process is left, and multiprocessing's temporary folder is put back only
    once no worker can start (else a worker started meanwhile leaves a folder of its own behind, which
    multiprocessing then fails to remove at exit)."""
    before = cast(Any, process.current_process())._config.get("tempdir")
    for _ in range(3):
        workers = Workers(2, WorkerSetup(short_private, "python3", short_private))
        time.sleep(after)  # 0.3 s: the server started, loading the pack
        workers.stop()
        left = [p for p in psutil.Process().children(recursive=True) if "resource_tracker" not in " ".join(p.cmdline())]
        assert _gone({p.pid for p in left}, seconds=20)
        assert not workers.starting.is_alive()
        # no socket, no temporary folder of multiprocessing's (what a killed kernel leaves goes with the folder)
        assert not list(short_private.glob("listener-*")) and not list(short_private.glob("pymp-*"))
        assert cast(Any, process.current_process())._config.get("tempdir") == before


@linux
@pytest.mark.slow
def test_the_temporary_folder_is_put_back_only_once_no_worker_can_start(short_private, monkeypatch):
    from qa_lib.run import forked

    alive_then: list[bool] = []
    real = forked.restore_settings

    def watched(replaced: forked.Replaced) -> None:
        alive_then.append(workers.starting.is_alive())
        real(replaced)

    monkeypatch.setattr(forked, "restore_settings", watched)
    workers = Workers(2, WorkerSetup(short_private, "python3", short_private))
    workers.stop()  # the workers are still being started: the server is loading the pack
    assert alive_then == [False]


@linux
@pytest.mark.slow
def test_each_page_is_handed_on_as_its_notebook_ends_and_a_failed_one_is_not(short_private):
    workers = Workers(1, WorkerSetup(short_private, "python3", short_private))
    try:
        failing = short_private / "fails.ipynb"
        nb = _new_notebook()
        nb.cells = [nbformat.v4.new_code_cell("params_path = ''", metadata={"tags": ["parameters"]}), nbformat.v4.new_code_cell("1/0")]
        nbformat.write(nb, failing)
        good = _job(short_private, _notebook(short_private, short_private / "facts.json"))
        bad = NotebookJob(**{**good.__dict__, "name": "fails", "source": failing, "output": short_private / "fails.out.ipynb"})
        written: list[tuple[str, bool]] = []
        results = workers.run([bad, good])(lambda name: written.append((name, (short_private / f"{name}.html").exists())))
        assert [(name, error is None) for name, _, error in results] == [("fails", False), ("facts", True)]
        assert written == [("facts", True)]  # the page was there to check when it was handed on
    finally:
        workers.stop()


@linux
@pytest.mark.slow
def test_stopped_workers_leave_no_kernel_alive_when_stop_returns(short_private, monkeypatch):
    """Stopping takes the fork server first, and a worker dies with it (it is sent SIGTERM when its parent
    goes): its kernel, then no longer its child, is still stopped before `stop` returns, the run's private
    folder being removed right after. Here the worker is made to die the moment the server is stopped."""
    from qa_lib.run import forked

    workers = Workers(1, WorkerSetup(short_private, "python3", short_private))
    assert workers.pool.submit(execute.warmed).result(timeout=180)
    worker = {p.pid for p in workers.pool._processes.values() if p.pid}
    kernel = children_of(worker)
    assert len(kernel) == 1
    real = forked.stop_fork_server

    def server_and_worker_gone() -> None:
        real()
        for pid in worker:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        assert _gone(worker)

    monkeypatch.setattr(forked, "stop_fork_server", server_and_worker_gone)
    workers.stop()
    (k,) = kernel
    assert not psutil.pid_exists(k) or psutil.Process(k).status() == psutil.STATUS_ZOMBIE
