"""The notebook workers and their kernels run below the runner (qa_lib.run.workspace), so the runner's figures,
on which every notebook waits, are not starved while they import the pack. A kernel runs in a session of its
own, which Linux schedules as a group of its own: that group must go below the runner's too, or the niceness
inherited from the worker counts for nothing against the runner."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from qa_lib.run.workspace import BACKGROUND_NICE, children_of, scheduling_nice, session_in_background, weighed_nice

AUTOGROUPS = Path("/proc/self/autogroup").exists()
unix = pytest.mark.skipif(not hasattr(os, "getpriority"), reason="niceness is a Unix idea")


def _group_nice(pid: int | str) -> int:
    return int(Path(f"/proc/{pid}/autogroup").read_text(encoding="ascii").split("nice")[-1])


def _below_the_runner() -> int:
    """Where a kernel's group must sit: ten below this process's group, or, where this process is in no
    autogroup (its file is empty, as in a container run from its first process), ten below its own niceness."""
    text = Path("/proc/self/autogroup").read_text(encoding="ascii")
    own = os.getpriority(os.PRIO_PROCESS, 0) if not text.strip() else _group_nice("self")
    return min(19, own + 10)


def test_the_niceness_the_runner_is_weighed_by_is_its_groups_or_else_its_own():
    assert scheduling_nice("/autogroup-5351 nice 0\n", own_nice=5) == 0
    assert scheduling_nice("/autogroup-7 nice 3\n", own_nice=0) == 3
    assert scheduling_nice("/autogroup-7 nice -4\n", own_nice=0) == -4
    assert scheduling_nice("", own_nice=4) == 4  # the root task group: Linux writes nothing
    with pytest.raises(ValueError):
        scheduling_nice("nice", own_nice=0)


@unix
def test_a_worker_runs_ten_below_whoever_started_it():
    mine = os.getpriority(os.PRIO_PROCESS, 0)
    code = "import os; from qa_lib.run.workspace import run_in_background; run_in_background(); print(os.getpriority(os.PRIO_PROCESS, 0))"
    said = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert int(said) == min(19, mine + 10) and BACKGROUND_NICE == 10


@pytest.mark.skipif(not AUTOGROUPS, reason="no autogroup scheduling on this system")
def test_a_process_in_a_session_of_its_own_gets_its_group_put_below_ours():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"], start_new_session=True)
    try:
        assert _group_nice(child.pid) == 0  # a new session's group starts level with everyone's
        session_in_background(child.pid, weighed_nice())
        assert _group_nice(child.pid) == _below_the_runner()
    finally:
        child.kill()
        child.wait()


def test_a_process_gone_already_is_no_error():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    session_in_background(child.pid, 0)  # nothing to lower, nothing raised


@pytest.mark.skipif(not AUTOGROUPS, reason="no autogroup scheduling on this system")
def test_a_worker_lowered_already_puts_its_kernels_group_below_the_runner_not_below_itself():
    """CI caught this: in no autogroup (the root task group) a worker, ten below the runner already, read its
    own niceness as the runner's and sent its kernel's group to 19, not 10. The runner's figure is passed in."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"], start_new_session=True)
    code = (
        "import os, sys; from qa_lib.run.workspace import session_in_background; os.nice(10); "
        "session_in_background(int(sys.argv[1]), int(sys.argv[2]))"
    )
    try:
        for runner in (0, 3):
            subprocess.run([sys.executable, "-c", code, str(child.pid), str(runner)], check=True)
            assert _group_nice(child.pid) == runner + 10
        subprocess.run([sys.executable, "-c", code, str(child.pid), "15"], check=True)
        assert _group_nice(child.pid) == 19  # no lower than Linux allows
    finally:
        child.kill()
        child.wait()


def test_no_autogroups_means_nothing_written():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"], start_new_session=True)
    try:
        before = Path(f"/proc/{child.pid}/autogroup").read_text(encoding="ascii") if AUTOGROUPS else None
        session_in_background(child.pid, None)
        after = Path(f"/proc/{child.pid}/autogroup").read_text(encoding="ascii") if AUTOGROUPS else None
        assert before == after
    finally:
        child.kill()
        child.wait()


@unix
@pytest.mark.slow
def test_the_runs_workers_and_their_kernels_run_below_the_runner(tmp_path):
    from qa_lib.run import execute
    from qa_lib.run.execute import Workers, WorkerSetup

    setup = WorkerSetup(tmp_path, "python3", tmp_path)
    if AUTOGROUPS:  # read here, in the runner's place, not in a worker that has lowered itself already
        assert setup.runner_nice is not None and min(19, setup.runner_nice + 10) == _below_the_runner()
    workers = Workers(1, setup)
    try:
        assert workers.pool.submit(execute.warmed).result(timeout=180), "the worker's kernel did not start"
        pids = {p.pid for p in workers.pool._processes.values() if p.pid is not None}
        kernels = children_of(pids)
        assert kernels, "no kernel found under the worker"
        below = min(19, os.getpriority(os.PRIO_PROCESS, 0) + 10)
        assert {os.getpriority(os.PRIO_PROCESS, pid) for pid in pids | kernels} == {below}
        if AUTOGROUPS:
            assert {_group_nice(pid) for pid in kernels} == {_below_the_runner()}
    finally:
        workers.stop()
