"""The `qa-pack` command leaves without the interpreter's teardown once it has succeeded (qa_lib.cli.leave):
every exit handler still runs, everything printed still arrives, the exit status is the one given, and a thread
still running is waited for as Python's own exit waits for it."""

from __future__ import annotations

import os
import subprocess
import sys

from helpers import REPO, qa_pack


def _python(code: str) -> subprocess.CompletedProcess[str]:
    """`code` in a Python whose output to a pipe is buffered, as it is by default (not PYTHONUNBUFFERED)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60, env=env)


def test_exit_handlers_run_and_output_unflushed_at_exit_arrives():
    ran = _python(
        "import atexit, sys\n"
        "from qa_lib.cli import leave\n"
        "atexit.register(lambda: print('handler ran'))\n"
        "sys.stdout.write('said before; '); sys.stderr.write('warned')\n"
        "leave(3)\n"
        "print('never reached')\n"
    )
    assert (ran.returncode, ran.stdout, ran.stderr) == (3, "said before; handler ran\n", "warned")


def test_a_thread_still_running_is_waited_for():
    ran = _python(
        "import threading, time\n"
        "from qa_lib.cli import leave\n"
        "threading.Thread(target=lambda: (time.sleep(0.3), print('thread finished'))).start()\n"
        "leave(0)\n"
    )
    assert (ran.returncode, ran.stdout) == (0, "thread finished\n")


def test_the_command_prints_what_it_says_when_it_succeeds_and_fails_as_before():
    ok = qa_pack("--version", timeout=60)
    assert ok.returncode == 0 and ok.stdout.startswith("qa-pack, version ")
    bad = qa_pack("run", "--params", str(REPO / "no-such-params.yml"), timeout=60)
    assert bad.returncode != 0 and "no-such-params.yml" in bad.stdout + bad.stderr
