"""Running one notebook in a worker process: papermill, then offline HTML. Kept small so a spawned
worker imports only papermill, nbformat and nbconvert, not the rest of the pack."""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class NotebookJob:
    name: str
    source: Path
    output: Path
    html: Path
    period_label: str
    parameters: dict
    kernel_name: str
    timeout: int
    progress: bool


def execute(job: NotebookJob) -> tuple[str, float, str | None]:
    """Run one notebook with papermill; return (name, seconds, error or None). Runs in a worker process."""
    import nbformat  # imported here, in the worker: 2 s of JSON-schema set-up the main process never needs
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    from .html import notebook_to_html

    start = time.perf_counter()
    try:
        pm.execute_notebook(
            str(job.source), str(job.output), parameters=job.parameters, kernel_name=job.kernel_name,
            cwd=str(job.source.parent), execution_timeout=job.timeout, progress_bar=job.progress,
            request_save_on_cell_execute=False,
        )
    except PapermillExecutionError as exc:
        first_line = next((ln.strip() for ln in (exc.source or "").splitlines() if ln.strip()), "")
        return job.name, time.perf_counter() - start, (
            f"notebook {job.name}.ipynb failed at cell {exc.cell_index} (execution count {exc.exec_count}, "
            f"starting {first_line[:80]!r}): {exc.ename}: {exc.evalue}")
    except Exception as exc:  # no kernel, timeout, unreadable notebook
        return job.name, time.perf_counter() - start, f"notebook {job.name}.ipynb could not run: {type(exc).__name__}: {exc}"
    nb = nbformat.read(job.output, as_version=4)  # converted here, in the worker, so conversions run side by side too
    title = f"{nb.metadata.get('qa_title', job.name)} – {job.period_label}"
    job.html.write_text(notebook_to_html(nb, title), encoding="utf-8")
    return job.name, time.perf_counter() - start, None


