"""Running notebooks in a worker process: papermill, then offline HTML.

Fixed costs are paid once per worker, not once per notebook: a worker starts its kernel as soon as it is
spawned (while the runner is still validating the data) and imports the pack into it; each notebook then
runs in that kernel after its namespace is reset (`%reset`: every name the last notebook made is gone; the
imported modules stay, which is the point). A notebook that fails gets a fresh kernel for the next one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from qa_lib.errors import QAPackError, bounded
from qa_lib.run.workspace import children_of, session_in_background, stop_processes, weighed_nice

if TYPE_CHECKING:
    from jupyter_client.manager import AsyncKernelManager


@dataclass(frozen=True)
class NotebookJob:
    name: str
    source: Path
    output: Path
    html: Path
    period_label: str
    parameters: dict[str, object]
    kernel_name: str
    timeout: int
    progress: bool


@dataclass(frozen=True)
class WorkerSetup:
    """What a worker needs to start its kernel before any notebook arrives."""

    private: Path  # the run's private folder: the kernel's temporary and connection files go there
    kernel_name: str
    cwd: Path  # the notebooks' folder (relative paths in a notebook resolve from it)
    # The niceness the runner is weighed by, read where the setup is made (in the runner, before any worker
    # lowers itself); its kernels' groups go below it. None where Linux has no autogroups.
    runner_nice: int | None = field(default_factory=weighed_nice)


# The pack's kernels keep no input history: IPython otherwise writes every cell they run into the user's own
# ~/.ipython history database (a file the pack does not own), from a thread, while the notebooks run.
KERNEL_ARGUMENTS = ("--HistoryManager.enabled=False",)
WARM_UP = "from qa_lib.run.warm_up import warm_up; warm_up()  # the pack, pandas, matplotlib and seaborn, once per kernel"
RESET = "get_ipython().reset(new_session=False)  # the last notebook's names gone; imported modules kept"


class WarmKernel:
    """A worker's own kernel, started at once and kept for every notebook the worker runs."""

    def __init__(self, setup: WorkerSetup) -> None:
        from jupyter_client.manager import AsyncKernelManager  # the kind nbclient makes for itself
        from jupyter_core.utils import run_sync

        from qa_lib.run.clients import QuickAsyncClient, QuickBlockingClient

        self.setup = setup
        self.km = AsyncKernelManager(kernel_name=setup.kernel_name)
        # Clients that start without jupyter_client's 0.2 s idle wait: papermill's for each notebook, and ours.
        self.km.client_factory = QuickAsyncClient
        self.km.blocking_class = QuickBlockingClient
        from qa_lib.run.forked import ForkedProvisioner

        spec = self.km.kernel_spec
        if spec is not None and not spec.metadata.get("kernel_provisioner"):  # a kernelspec's own provisioner is kept
            self.km.provisioner = ForkedProvisioner(kernel_id=self.km.kernel_id or "", kernel_spec=self.km.kernel_spec, parent=self.km)
        run_sync(self.km.start_kernel)(cwd=str(setup.cwd), extra_arguments=list(KERNEL_ARGUMENTS))
        self.background()
        self.fresh = True
        self.warming = self.km.blocking_client()  # the pack's import is sent now and waited for in settle()
        self.warming.start_channels()
        self.warming.wait_for_ready(timeout=120)
        self.warm_id = self.warming.execute(WARM_UP, store_history=False)

    def background(self) -> None:
        """The kernel runs below the runner, as its worker does: its own session's group too."""
        process = getattr(self.km.provisioner, "process", None)  # jupyter_client's local provisioner's Popen
        if process is not None and process.pid:
            session_in_background(process.pid, self.setup.runner_nice)

    def settle(self, timeout: float = 120) -> None:
        """Wait for the kernel to finish importing the pack; raise if it could not."""
        try:
            deadline = time.monotonic() + timeout
            while True:
                reply = self.warming.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
                if reply["parent_header"].get("msg_id") == self.warm_id:
                    break
            if reply["content"]["status"] != "ok":
                raise RuntimeError("the kernel could not import the pack")
        finally:
            self.warming.stop_channels()

    def shutdown(self) -> None:
        """The kernel killed (it has nothing to save) and its resources released. A forked kernel is this
        worker's own child: killed and reaped here at once, where jupyter_client polls for it every 0.1 s."""
        from jupyter_core.utils import run_sync

        from qa_lib.run.forked import ForkedKernel

        process = getattr(self.km.provisioner, "process", None)
        if isinstance(process, ForkedKernel):
            with contextlib.suppress(OSError):
                process.kill()
                process.wait()
        with contextlib.suppress(Exception):
            run_sync(self.km.shutdown_kernel)(now=True)

    def run_code(self, code: str, timeout: float = 120) -> None:
        """Run `code` in the kernel; raise if it fails."""
        client = self.km.blocking_client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=timeout)
            reply = client.execute_interactive(code, timeout=timeout, store_history=False, output_hook=lambda _msg: None)
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"the kernel could not run {code.split('#')[0].strip()!r}")
        finally:
            client.stop_channels()

    def ready(self) -> AsyncKernelManager:
        """The kernel, with a clean namespace, for the next notebook."""
        if not self.fresh:
            self.run_code(RESET)
        self.fresh = False
        return self.km

    def restart(self) -> None:
        """A fresh kernel after a failure (a timed-out or broken kernel is never reused)."""
        from jupyter_core.utils import run_sync

        run_sync(self.km.restart_kernel)(now=True)
        self.background()
        self.fresh = True
        self.run_code(WARM_UP)  # waited for here: the worker is idle between notebooks


# This worker process's own kernel and page exporter (set by start_worker; never in the runner).
_warm: dict[str, Any] = {}


def start_worker(setup: WorkerSetup) -> None:
    """A worker's first act (ProcessPoolExecutor initializer): signals as the runner needs them
    (`qa_lib.run.workspace.worker_start`), papermill and nbconvert imported, its kernel started and the
    pack imported into it, all while the runner is still validating the data. The kernel's own temporary
    and connection files go into the run's private folder, so they go with it however the run ends."""
    from qa_lib.run.forked import PRELOAD, forked_worker_start
    from qa_lib.run.workspace import worker_start  # heavy: in the worker process only

    worker_start()
    forked_worker_start()
    os.environ["TMPDIR"] = str(setup.private)
    os.environ["JUPYTER_RUNTIME_DIR"] = str(setup.private / "runtime")
    tempfile.tempdir = None
    kernel = None
    try:
        kernel = WarmKernel(setup)  # started first: the kernel imports the pack while this worker imports nbconvert
        from multiprocessing.util import Finalize

        Finalize(None, kernel.shutdown, exitpriority=10)  # the kernel goes when the worker does
    except Exception:  # noqa: BLE001 - no warm kernel: each notebook starts its own, and says why if it cannot
        kernel = None
    # jsonschema (under nbformat) builds 39 grammars for rfc3987_syntax at import, about 1 s a worker, for an
    # "iri" string format no notebook schema uses; jsonschema carries on without it when it cannot be imported.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    import nbformat  # noqa: F401 - JSON-schema set-up, paid here while the runner validates
    import papermill  # noqa: F401

    from qa_lib.render.html import page_exporter  # nbconvert

    preloaded = sys.modules.get(PRELOAD)  # a worker forked from the fork server: its exporter, compiled there
    _warm["exporter"] = preloaded.EXPORTER if preloaded is not None else page_exporter()

    if kernel is not None:
        try:
            kernel.settle()
            _warm["kernel"] = kernel
        except Exception:  # noqa: BLE001
            kernel.shutdown()


def warmed() -> bool:
    """A no-op task: submitting one per worker makes the pool spawn its workers (and start their kernels) now."""
    return "kernel" in _warm


def execute(job: NotebookJob) -> tuple[str, float, str | None]:
    """Run one notebook with papermill; return (name, seconds, error or None). Runs in a worker process, in
    the worker's warm kernel when it has one. Every error comes back as a bounded message; the HTML is
    written whole or not at all."""
    import nbformat
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    from qa_lib.render.html import notebook_to_html  # heavy: nbconvert, in the worker process only

    private = job.output.parent
    os.environ["TMPDIR"] = str(private)
    os.environ["JUPYTER_RUNTIME_DIR"] = str(private / "runtime")
    tempfile.tempdir = None
    start = time.perf_counter()
    warm = _warm.get("kernel")
    failed = True
    try:
        pm.execute_notebook(
            str(job.source),
            str(job.output),
            parameters=job.parameters,
            kernel_name=job.kernel_name,
            cwd=str(job.source.parent),
            execution_timeout=job.timeout,
            progress_bar=job.progress,
            request_save_on_cell_execute=False,
            extra_arguments=list(KERNEL_ARGUMENTS),  # a kernel papermill starts itself (no warm kernel) keeps none either
            **({"km": warm.ready()} if warm is not None else {}),
        )
        failed = False
        nb = nbformat.read(job.output, as_version=4)  # converted here, in the worker, so conversions run side by side too
        title = f"{nb.metadata.get('qa_title', job.name)} – {job.period_label}"
        page = notebook_to_html(nb, title, _warm.get("exporter"))
        tmp = job.html.with_name(f".{job.html.name}.tmp")
        tmp.write_text(page, encoding="utf-8")
        tmp.replace(job.html)
    except PapermillExecutionError as exc:
        first_line = next((ln.strip() for ln in (exc.source or "").splitlines() if ln.strip()), "")
        return (
            job.name,
            time.perf_counter() - start,
            bounded(
                f"notebook {job.name}.ipynb failed at cell {exc.cell_index} (execution count {exc.exec_count}, "
                f"starting {first_line[:80]!r}): {exc.ename}: {bounded(str(exc.evalue), 200)}"
            ),
        )
    except QAPackError as exc:
        return job.name, time.perf_counter() - start, bounded(f"notebook {job.name}.ipynb: {exc}")
    except OSError as exc:
        return job.name, time.perf_counter() - start, f"notebook {job.name}.ipynb could not be written: {describe_os_error(exc)}"
    except Exception as exc:  # noqa: BLE001 - no kernel, timeout, unreadable notebook: said, not raised
        return job.name, time.perf_counter() - start, bounded(f"notebook {job.name}.ipynb could not run: {type(exc).__name__}: {exc}")
    finally:
        if failed and warm is not None:
            _renew(warm)
    return job.name, time.perf_counter() - start, None


def _renew(warm: WarmKernel) -> None:
    """A fresh kernel after a notebook failed; without one the worker's next notebook starts its own."""
    try:
        warm.restart()
    except Exception:  # noqa: BLE001
        _warm.pop("kernel", None)


def describe_os_error(exc: OSError) -> str:
    """An operating-system error in words a user can act on, naming the file."""
    where = f" ({exc.filename})" if exc.filename else ""
    words = {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is used up",
        errno.EROFS: "the folder is on a read-only file system",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.ENOENT: "no such file or folder",
        errno.ENOTDIR: "a part of the path is a file, not a folder",
        errno.EISDIR: "that is a folder, not a file",
        errno.ENAMETOOLONG: "the file name is too long",
    }
    return bounded(words.get(exc.errno or 0, exc.strerror or type(exc).__name__) + where, 300)


Results = list[tuple[str, float, str | None]]  # per notebook: name, seconds, error or None


class Waiting(Protocol):
    """The wait for a run's notebooks (`Workers.run`)."""

    def __call__(self, written: Callable[[str], None] | None = None) -> Results: ...


def nothing_to_wait_for(written: Callable[[str], None] | None = None) -> Results:
    """The wait when no notebook runs (every page came from the run cache)."""
    return []


COMBINED = {"highlight_report"}  # reports assembled from the sections' figures and charts: run last


class Workers:
    """The run's notebook workers, one per core at most. They are started as soon as the run knows which
    notebooks it must run, before the data are validated, and each starts its kernel meanwhile
    (`qa_lib.run.execute.start_worker`). On Linux they and their kernels are forked from a fork server that
    loads the pack once (`qa_lib.run.forked`); elsewhere they are spawned. However a run ends (an error,
    Ctrl-C, SIGTERM), no worker, kernel or fork server outlives it."""

    def __init__(self, count: int, setup: WorkerSetup) -> None:
        from qa_lib.run.forked import fork_server

        server = fork_server(setup.private)
        self.forking = server is not None
        self.replaced = server[1] if server is not None else None  # multiprocessing's settings, put back after
        context = server[0] if server is not None else get_context("spawn")
        self.pool = ProcessPoolExecutor(max_workers=count, mp_context=context, initializer=start_worker, initargs=(setup,))
        self.failed: list[BaseException] = []
        self.stopping = threading.Event()
        # Starting a worker waits for the fork server to load the pack (about a second): done in a thread, so
        # this process goes on validating the data and computing the figures meanwhile.
        self.starting = threading.Thread(target=self._start, args=(count,), name="qa-pack-workers-starting", daemon=True)
        self.starting.start()

    def _start(self, count: int) -> None:
        try:
            for _ in range(count):
                if self.stopping.is_set():
                    return
                self.pool.submit(warmed)  # the pool starts a worker per task it cannot hand to an idle one
        except BaseException as exc:  # noqa: BLE001 - raised again where the run waits for its workers (run)
            self.failed.append(exc)

    def run(self, jobs: list[NotebookJob]) -> Waiting:
        """Start the notebooks; returns a wait for their results (name, seconds, error), so the caller can work
        meanwhile. The combined report goes last: it draws the same charts as the section notebooks and takes
        them from the run's chart cache."""
        jobs = sorted(jobs, key=lambda j: j.name in COMBINED)
        self.starting.join()
        if self.failed:
            raise self.failed[0]
        futures = [self.pool.submit(execute, job) for job in jobs]

        def wait(written: Callable[[str], None] | None = None) -> Results:
            """The results in the jobs' order; `written(name)` is called for each page as its notebook ends
            (while the others still run), in the order they end."""
            if written is not None:
                for future in as_completed(futures):
                    name, _, error = future.result()
                    if error is None:
                        written(name)
            return [f.result() for f in futures]

        return wait

    def close(self) -> None:
        """Let the workers finish and exit (each shuts its kernel down as it goes); then the fork server goes."""
        self.starting.join()
        self.pool.shutdown()
        self._stop_server()

    def close_meanwhile(self) -> Callable[[], None]:
        """`close`, in the background (a kernel takes a third of a second to shut down); returns the wait for it,
        to call before the private folder the kernels use goes."""
        closing = threading.Thread(target=self.close, name="qa-pack-workers-closing", daemon=True)
        closing.start()
        return closing.join

    def stop(self) -> None:
        """Stop every worker and its kernel at once, and the fork server first: a worker still being forked
        fails at once rather than after the server has loaded the pack."""
        self.stopping.set()
        kernels = kernels_of(self.pool)  # found first: a worker dies with the server, and its kernel is then no child of it
        self._stop_server(last=False)
        self.starting.join()
        self._stop_server()  # one started as this began
        kernels |= kernels_of(self.pool)
        stop_workers(self.pool)
        stop_processes(kernels)  # a kernel whose worker the server took with it

    def _stop_server(self, last: bool = True) -> None:
        """Stop the fork server; once no worker can be started any more (`last`), multiprocessing's temporary
        folder and preload are put back (a worker started after that would leave one of its own in the private folder)."""
        if self.forking:
            from qa_lib.run.forked import restore_settings, stop_fork_server

            stop_fork_server()
            if last and self.replaced is not None:
                restore_settings(self.replaced)


def workers_of(pool: ProcessPoolExecutor) -> list[Any]:
    """The pool's worker processes (no public handle before Python 3.14; none once it is shut down)."""
    return list((getattr(pool, "_processes", None) or {}).values())


def kernels_of(pool: ProcessPoolExecutor) -> set[int]:
    """The workers' kernels alive now: a kernel runs in a session of its own, so it is found as its worker's
    child."""
    return children_of({p.pid for p in workers_of(pool) if p.pid})


def stop_workers(pool: ProcessPoolExecutor, grace: float = 10.0) -> None:
    """Terminate every worker and its kernel (a kernel runs in its own session, so it is found as the worker's
    child), then kill any that linger: nothing is left writing into the run's private folder."""
    processes = workers_of(pool)
    kernels = kernels_of(pool)
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        if proc.is_alive():
            proc.terminate()
    stop_processes(kernels, grace)
    deadline = time.monotonic() + grace
    for proc in processes:
        proc.join(max(0.0, deadline - time.monotonic()))
        if proc.is_alive():
            proc.kill()
            proc.join(1)
