"""Running one notebook in a worker process: papermill, then offline HTML. Kept small so a spawned
worker imports only papermill, nbformat and nbconvert, not the rest of the pack."""

from __future__ import annotations

import errno
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from qa_lib.errors import QAPackError, bounded


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


def execute(job: NotebookJob) -> tuple[str, float, str | None]:
    """Run one notebook with papermill; return (name, seconds, error or None). Runs in a worker process.
    Every error comes back as a bounded message; the HTML is written whole or not at all."""
    import nbformat  # imported here, in the worker: 2 s of JSON-schema set-up the main process never needs
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    from qa_lib.render.html import notebook_to_html

    # The kernel's own temporary and connection files go into the run's private folder too, so they go
    # with it however the run ends (even when the worker is killed and cannot tidy up).
    private = job.output.parent
    os.environ["TMPDIR"] = str(private)
    os.environ["JUPYTER_RUNTIME_DIR"] = str(private / "runtime")
    tempfile.tempdir = None
    start = time.perf_counter()
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
        )
        nb = nbformat.read(job.output, as_version=4)  # converted here, in the worker, so conversions run side by side too
        title = f"{nb.metadata.get('qa_title', job.name)} – {job.period_label}"
        page = notebook_to_html(nb, title)
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
    return job.name, time.perf_counter() - start, None


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
