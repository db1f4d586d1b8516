"""Workers and kernels forked from one process that has loaded the pack once, not started as fresh Pythons.

A worker started the usual way (spawn) is a new Python that imports papermill and nbconvert, and the kernel it
starts (jupyter_client's local provisioner) is another that imports IPython, pandas, matplotlib, seaborn and the
pack: about 0.6 s and 1.1 s of CPU, paid again by every worker. Here a run's workers are forked from one fork
server (Python's own, `multiprocessing.forkserver`) that has loaded all of that once (`qa_lib.run.preload`), and
each worker forks its kernel from itself: the kernel starts with everything loaded, in a session of its own.

Only a kernel of this very Python (`python -m ipykernel_launcher`, as the pack's kernelspec is) is forked, and
only on Linux; any other kernel is started as usual. The fork server lives for one run: its socket is in the
run's private folder and it is stopped with the run's workers (`stop_fork_server`, `restore_settings`).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import threading
from dataclasses import dataclass
from multiprocessing import get_context
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import Any, NoReturn, cast

from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.provisioning.local_provisioner import LocalProvisioner

PRELOAD = "qa_lib.run.preload"
# A Unix socket's name is at most 107 bytes (Linux); the server's is "<folder>/listener-" and 8 random letters.
SOCKET_FOLDER_MAX = 107 - len("/listener-") - 8
LAUNCHER = ("-m", "ipykernel_launcher")
# What this module uses of multiprocessing's fork server (Python 3.11 to 3.13): without them, workers are spawned.
SERVER_PARTS = ("_stop", "_forkserver_pid", "_forkserver_alive_fd", "_preload_modules")


@dataclass(frozen=True)
class Replaced:
    """What `fork_server` changed of multiprocessing's process-wide settings, put back by `restore_settings`."""

    tempdir: str | None
    preload: list[str]


def fork_server(folder: Path) -> tuple[BaseContext, Replaced] | None:
    """The start method for a run's workers: forked from a fork server that loads PRELOAD first, its socket in
    `folder` (the run's private folder). Returns the context and the settings it replaced (for
    `restore_settings`), or None where the pack cannot have a fork server of its own (not Linux; a private
    folder too deep for a socket's name; multiprocessing's made otherwise; one already running in this process,
    which is not the pack's to stop or to unlink the socket of): then spawn."""
    if sys.platform != "linux" or len(os.fsencode(folder)) > SOCKET_FOLDER_MAX:
        return None
    from multiprocessing import forkserver, process

    server: Any = getattr(forkserver, "_forkserver", None)
    if not all(hasattr(server, name) for name in SERVER_PARTS) or server._forkserver_pid is not None:
        return None
    config = cast(Any, process.current_process())._config
    replaced = Replaced(config.get("tempdir"), list(server._preload_modules))
    config["tempdir"] = str(folder)  # where the server's socket goes (multiprocessing's own temporary folder)
    context = get_context("forkserver")
    context.set_forkserver_preload([PRELOAD])
    return context, replaced


def stop_fork_server() -> None:
    """Stop the run's fork server at once (SIGTERM: it holds nothing to save, a server still loading the pack
    does not finish first, and one that is done does not tear its interpreter down) and remove its socket."""
    from multiprocessing import forkserver

    server: Any = forkserver._forkserver
    if server._forkserver_pid is not None:
        with contextlib.suppress(OSError):
            os.kill(server._forkserver_pid, signal.SIGTERM)
    with contextlib.suppress(OSError):
        server._stop()


def restore_settings(replaced: Replaced) -> None:
    """multiprocessing's temporary folder and fork-server preload as they were before the run (`fork_server`
    replaced them), once no worker can be started any more."""
    from multiprocessing import forkserver, process

    config = cast(Any, process.current_process())._config
    if replaced.tempdir is None:
        config.pop("tempdir", None)
    else:
        config["tempdir"] = replaced.tempdir
    cast(Any, forkserver)._forkserver._preload_modules = replaced.preload


def forked_worker_start() -> None:
    """In a worker forked from the fork server: give up the handle by which the server knows a process may
    still ask it for a fork. The runner alone holds it then, so the server leaves as soon as the runner does,
    even by kill -9, and its workers with it (`workspace.worker_start`: they die with their parent)."""
    from multiprocessing import forkserver

    server: Any = forkserver._forkserver
    if server._forkserver_alive_fd is not None:
        with contextlib.suppress(OSError):
            os.close(server._forkserver_alive_fd)
        server._forkserver_alive_fd = None


def kernel_arguments(cmd: list[str]) -> list[str] | None:
    """The kernel's own arguments when a kernel command is this Python's own ipykernel (`python [-X option]...
    -m ipykernel_launcher ...`), which a fork of this process can run; None for any other command, or off
    Linux. (ipykernel's kernelspec passes `-Xfrozen_modules=off` for its debugger, which no run uses.)"""
    if sys.platform != "linux" or not cmd or os.path.realpath(cmd[0]) != os.path.realpath(sys.executable):
        return None
    rest = cmd[1:]
    while rest and rest[0].startswith("-X"):
        rest = rest[1:]
    return rest[2:] if tuple(rest[:2]) == LAUNCHER else None


def fork_pays_and_is_safe() -> bool:
    """Whether this process is worth forking a kernel from, and safe to: it has loaded the pack as the fork
    server does (a worker forked from it), and runs no other thread (a fork copies only the thread that forks;
    a lock another thread held would stay held in the kernel for ever)."""
    return PRELOAD in sys.modules and threading.active_count() == 1


class ForkedKernel:
    """The handle jupyter_client keeps on a kernel process: the parts of `subprocess.Popen` it uses."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:  # reaped already
                self.returncode = 0
            else:
                if pid:
                    self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self) -> int:
        if self.returncode is None:
            try:
                _, status = os.waitpid(self.pid, 0)
                self.returncode = os.waitstatus_to_exitcode(status)
            except ChildProcessError:
                self.returncode = 0
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class ForkedProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, but a kernel of this Python is a fork of this process (a worker,
    which has the pack loaded: `fork_pays_and_is_safe`); any other kernel is started as the local provisioner
    starts it."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        argv = kernel_arguments(cmd) if fork_pays_and_is_safe() else None
        if argv is None:
            return await super().launch_kernel(cmd, **kwargs)
        env = dict(kwargs.get("env") or os.environ)
        cwd = kwargs.get("cwd")
        sys.stdout.flush()  # nothing buffered is written twice
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            run_kernel(argv, cwd, env)
        self.process = ForkedKernel(pid)  # type: ignore[assignment]  # what it uses of a Popen
        self.pid = pid
        self.pgid = None  # the kernel makes its own session as it starts: signals go to it by its pid
        self.cwd = cwd or Path.cwd()
        return self.connection_info


def run_kernel(argv: list[str], cwd: str | None, env: dict[str, str]) -> NoReturn:
    """The forked child: a session of its own, the kernel's environment and folder, no stdin or output (as a
    worker's kernels always had), no inherited event loop; then the kernel, as `python -m ipykernel_launcher`
    runs it. Never returns: the process ends with the kernel, without the worker's exit handlers."""
    code = 1
    try:
        os.setsid()
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        os.close(devnull)
        if cwd:
            os.chdir(cwd)
        os.environ.clear()
        os.environ.update(env)
        # ipykernel reads JPY_PARENT_PID when it is imported (in the fork server, where there is none): told
        # here, the kernel leaves when its worker does, as a kernel started the usual way does.
        argv = [*argv, f"--IPKernelApp.parent_handle={os.getppid()}"]
        sys.argv = ["ipykernel_launcher", *argv]
        asyncio.events._set_running_loop(None)  # the worker's loop was running where it forked: not this one's
        asyncio.set_event_loop(asyncio.new_event_loop())
        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.launch_instance(argv=argv)
        code = 0
    finally:
        os._exit(code)
