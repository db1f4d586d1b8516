"""Where a run keeps children's data while it works, and how it lets go of it.

The validated audits (every row, with IDs and comments), the executed notebooks
and the chart cache live in a private folder (mode 0700) under the system temp
folder, never beside the output. It is removed when the run ends, however it
ends; a run killed outright (kill -9, power cut) leaves it locked by nobody, and
the next run removes it on start. Signals become `Interrupted`, so every
clean-up in the runner happens before the process exits.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

PREFIX = "qa-pack-work-"
LOCK = ".in-use"
GRACE_SECONDS = 60  # a folder with no lock yet may be a run that is just starting
BACKGROUND_NICE = 10  # how far below the runner the notebook workers and their kernels run


class Interrupted(BaseException):
    """The run was stopped by Ctrl-C (SIGINT) or SIGTERM; carries the exit status to use."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


def _try_lock(path: Path) -> IO[str] | None:
    """An exclusive lock on `path` (created if missing), or None if another process holds it."""
    handle = open(path, "a", encoding="utf-8")  # noqa: SIM115 - held for the life of the run
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    return handle


def remove_stale(root: Path | None = None) -> list[Path]:
    """Remove private work folders left by runs that died (no process holds their lock). Returns them."""
    root = Path(root or tempfile.gettempdir())
    removed = []
    for folder in root.glob(f"{PREFIX}*"):
        try:
            if not folder.is_dir() or folder.is_symlink() or folder.stat().st_uid != os.getuid():
                continue
            lock_path = folder / LOCK
            if not lock_path.exists():
                if time.time() - folder.stat().st_mtime < GRACE_SECONDS:
                    continue
                shutil.rmtree(folder, ignore_errors=True)
            else:
                held = _try_lock(lock_path)
                if held is None:
                    continue  # a live run
                shutil.rmtree(folder, ignore_errors=True)
                held.close()
            removed.append(folder)
        except OSError:
            continue
    return removed


@contextmanager
def private_workdir() -> Iterator[Path]:
    """A fresh 0700 folder under the system temp folder, locked while the run lives, always removed."""
    folder = Path(tempfile.mkdtemp(prefix=PREFIX))  # mkdtemp: mode 0700, owned by this user
    lock = _try_lock(folder / LOCK)
    try:
        yield folder
    finally:
        with signals_held():  # a Ctrl-C or SIGTERM as the folder is removed must not cut its removal short
            _remove(folder)
        if lock is not None:
            lock.close()


TEMP_VARIABLES = ("TMPDIR", "TEMP", "TMP")


@contextmanager
def temp_files_in(folder: Path) -> Iterator[Path]:
    """Within the block, every temporary file any library writes goes into `folder`: Python's `tempfile` (which
    openpyxl, nbconvert and matplotlib use) and, through TMPDIR, the processes the block starts (workers,
    kernels). Restored afterwards."""
    saved_env = {k: os.environ.get(k) for k in TEMP_VARIABLES}
    saved = tempfile.tempdir
    tempfile.tempdir = str(folder)
    os.environ.update(dict.fromkeys(TEMP_VARIABLES, str(folder)))
    try:
        yield folder
    finally:
        tempfile.tempdir = saved
        for k, v in saved_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@contextmanager
def private_temp() -> Iterator[Path]:
    """For a command that handles children's data outside a run (sample, audit-log, auditors): its temporary
    files go into a fresh private 0700 folder, removed however the command ends, Ctrl-C and SIGTERM included
    (a kill -9 leaves it locked-less, and the next command removes it: `remove_stale`)."""
    remove_stale()
    with signals_interrupt(), private_workdir() as folder, temp_files_in(folder):
        yield folder


def _remove(folder: Path, tries: int = 40) -> None:
    """Remove a folder, first stopping any process still working in it (a kernel that was starting while its
    worker was stopped carries the folder in its command line), and retrying while a dying process may still
    add a file (bounded: ten seconds)."""
    for _ in range(tries):
        for pid in processes_using(folder):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists() and not processes_using(folder):
            return
        time.sleep(0.25)


def processes_using(folder: Path) -> set[int]:
    """Live processes other than this one whose command line names `folder` (Linux /proc; empty elsewhere)."""
    needle = str(folder).encode()
    found = set()
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if needle in cmdline.read_bytes() and int(cmdline.parent.name) != os.getpid():
                found.add(int(cmdline.parent.name))
        except (OSError, ValueError):
            continue
    return {pid for pid in found if _alive(pid)}


def children_of(parents: set[int]) -> set[int]:
    """The live processes whose parent is one of `parents` (Linux /proc; empty elsewhere)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) in parents:
            found.add(int(stat.parent.name))
    return found


def stop_processes(pids: set[int], grace: float = 5.0) -> None:
    """SIGTERM each process, wait up to `grace` seconds for them to go, then SIGKILL the rest."""
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while pids and time.monotonic() < deadline:
        pids = {pid for pid in pids if _alive(pid)}
        time.sleep(0.05)
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"  # a zombie has exited; its parent has not yet reaped it


def _raise_interrupted(signum: int, _frame: object) -> None:
    raise Interrupted(signum)


@contextmanager
def signals_interrupt() -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM raise `Interrupted` (so `finally` clauses run)."""
    previous = {s: signal.signal(s, _raise_interrupted) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


@contextmanager
def signals_held() -> Iterator[None]:
    """Within the block (clean-up), SIGINT and SIGTERM wait: clean-up is never cut short."""
    previous = {s: signal.signal(s, signal.SIG_IGN) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def worker_start() -> None:
    """First thing in every worker process: Ctrl-C is the parent's to handle (no traceback per worker; the
    kernels' stderr chatter is dropped); SIGTERM ends the worker at once (its kernel, started with
    JPY_PARENT_PID, polls for its parent and exits within a second); and on Linux the worker is sent
    SIGTERM if the parent dies, even by kill -9."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    run_in_background()
    # The kernels' own stderr (a TCP transport warning, shutdown chatter) is noise in a cron log; every
    # error a notebook raises comes back to the parent as a message, so the worker's stderr goes nowhere.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # die at once; the kernel sees its parent gone and exits too
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:  # the parent died before prctl took effect
            raise SystemExit(143)
    except OSError:
        pass  # not Linux: the parent terminates its workers itself


def run_in_background() -> None:
    """Run this process (a notebook worker) BACKGROUND_NICE below the runner; the kernel it starts inherits that.
    Every notebook waits on the runner's figures, so the runner must not be starved while the workers and
    kernels import the pack: on 2 cores the four of them left it as little as a tenth of a core, and its figures
    took about twice as long. Where the system does not allow it, the run goes on at normal priority."""
    with contextlib.suppress(OSError, AttributeError):  # AttributeError: no os.nice (Windows)
        os.nice(BACKGROUND_NICE)


def scheduling_nice(autogroup: str, own_nice: int) -> int:
    """The niceness this process is weighed by against other groups, from its /proc autogroup text: the group's
    ("/autogroup-7 nice 3") when it is in one, its own when it is not. A process Linux never put in an autogroup
    (one in the root task group, as under a container's first process) shows an empty file, and is weighed
    by its own niceness alongside the groups."""
    fields = autogroup.split()
    if len(fields) == 3 and fields[0].startswith("/autogroup-") and fields[1] == "nice":
        return int(fields[2])
    if not fields:
        return own_nice
    raise ValueError("the autogroup file is not as Linux writes it")


def weighed_nice() -> int | None:
    """The niceness this process is weighed by against other groups (scheduling_nice of its own /proc entry),
    or None where Linux has no autogroups. The runner reads it before starting its workers: a worker has
    lowered itself already, so its own niceness is not the runner's."""
    with contextlib.suppress(OSError, ValueError):
        text = Path("/proc/self/autogroup").read_text(encoding="ascii")
        return scheduling_nice(text, os.getpriority(os.PRIO_PROCESS, 0))
    return None


def session_in_background(pid: int, runner_nice: int | None) -> None:
    """A process that runs in a session of its own (a kernel) is scheduled by Linux as a group of its own
    (autogroup), weighed against the runner as an equal whatever its niceness: that group goes BACKGROUND_NICE
    below runner_nice, the niceness the runner is weighed by (weighed_nice, read in the runner). Nothing to do
    where there are no autogroups (None)."""
    if runner_nice is None:
        return
    with contextlib.suppress(OSError):
        Path(f"/proc/{pid}/autogroup").write_text(str(min(19, runner_nice + BACKGROUND_NICE)), encoding="ascii")
