"""The monthly run: validate once, execute the notebooks, publish offline HTML and tables.

Everything is built in a temporary folder beside the output folder and moved
into place only when every step has succeeded, so a failed run never produces
or overwrites a report. The validated audits are handed to the notebooks as
parquet in a private work folder that is deleted before publishing: the
published folder holds aggregates only.
"""
from __future__ import annotations

import json
import os
import platform
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from multiprocessing import get_context
from pathlib import Path

from . import __version__
from .errors import QAPackError, RunFailed
from .execute import NotebookJob, execute
from .load import AuditData, load_audits
from .notebook import write_validated
from .params import Params
from .period import Period
from .summary import headlines
from .tables import all_tables, for_audience, write_tables, write_workbook

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
WIDER_NOTEBOOKS = ("highlight_report",)  # built with disclosure control throughout
COMBINED = {"highlight_report"}  # reports assembled from the sections' figures and charts
VERSIONED = ("pandas", "pandera", "numpy", "matplotlib", "seaborn", "afcharts", "papermill", "nbconvert", "pyarrow", "openpyxl")


@dataclass
class RunResult:
    out: Path
    html: list[Path]
    tables: list[Path]
    manifest: dict = field(default_factory=dict)


def _start_notebooks(jobs: list[NotebookJob]):
    """Notebooks side by side in worker processes (papermill's cwd is process-wide), one per core.
    The combined report goes last: it draws the same charts as the section notebooks and takes them from
    the run's chart cache. Returns a callable that waits for the results, so the caller can work meanwhile."""
    jobs = sorted(jobs, key=lambda j: j.name in COMBINED)
    names = [j.name for j in jobs]
    if len(jobs) == 1:
        return lambda: [execute(jobs[0])]
    pool = ProcessPoolExecutor(max_workers=min(len(jobs), os.cpu_count() or 1), mp_context=get_context("spawn"))
    futures = [pool.submit(execute, job) for job in jobs]

    def wait() -> list[tuple[str, float, str | None]]:
        try:
            done = {r[0]: r for r in (f.result() for f in futures)}
            return [done[name] for name in names]
        finally:
            pool.shutdown()

    return wait


def _check_out_dir(out: Path) -> None:
    """Refuse to replace a folder that is not an earlier run of the pack."""
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / "manifest.json").exists())):
        raise QAPackError(f"{out} exists and is not a qa-pack run folder; choose another --out")


def _publish(build: Path, out: Path) -> None:
    """Swap the finished build into place; the earlier run is removed only after the swap."""
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        out.rename(old)
    build.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version(), "qa_pack": __version__}
    for name in VERSIONED:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def say(message: str, quiet: bool) -> None:
    if not quiet:
        print(message, file=sys.stderr, flush=True)


def run(params: Params, audits: Path | None = None, period: Period | None = None, out: Path | None = None,
        quiet: bool = False, notebooks_dir: Path | None = None) -> RunResult:
    """Validate, execute every notebook in params, convert to offline HTML, write tables and manifest."""
    notebooks_dir = notebooks_dir or params.notebooks_dir or NOTEBOOKS
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    period = period or params.require_period()
    audits = audits or params.audits
    if audits is None:
        raise QAPackError("no audits file: set audits: in params or pass --audits FILE")
    out = (out or params.output or Path("outputs/run")).resolve()
    _check_out_dir(out)
    if params.audience == "wider" and set(params.notebooks) - set(WIDER_NOTEBOOKS):
        say(f"audience: wider: publishing only {', '.join(WIDER_NOTEBOOKS)} (the section notebooks are for the QA team)", quiet)
        params = params.with_overrides(notebooks=WIDER_NOTEBOOKS)
    for name in params.notebooks:
        if not (notebooks_dir / f"{name}.ipynb").is_file():
            raise QAPackError(f"params notebooks: no notebook {name}.ipynb in {notebooks_dir}")

    say(f"Validating {audits} ...", quiet)
    data: AuditData = load_audits(audits, params, sheet=params.sheet)
    timings["load_and_validate"] = time.perf_counter() - t0
    say(f"  {data.rows_read} rows read, {data.rows_used} used, {data.rows_rejected} rejected", quiet)
    present = sorted(data.frame["audit_month"].unique())
    if not set(period.months) & set(present):
        raise QAPackError(f"{data.file} has no audits in the reporting period {period.start} to {period.end}; "
                          f"its months run from {present[0]} to {present[-1]}")

    out.parent.mkdir(parents=True, exist_ok=True)
    build = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.parent))
    try:
        work = build / "_work"
        parquet = write_validated(data, work)
        jobs = [NotebookJob(
            name=name, source=notebooks_dir / f"{name}.ipynb", output=work / f"{name}.ipynb", html=build / f"{name}.html",
            period_label=period.label,
            parameters={"params_path": str(params.source), "audits_path": str(parquet), "period_from": period.start,
                        "period_to": period.end, "target_return_rate": float(params.target_return_rate), "output_dir": ""},
            kernel_name=params.kernel_name, timeout=params.execution_timeout, progress=not quiet and sys.stderr.isatty(),
        ) for name in params.notebooks]
        say(f"Running {len(jobs)} notebook(s): {', '.join(params.notebooks)} ...", quiet)
        t = time.perf_counter()
        wait = _start_notebooks(jobs)
        # The tables, the workbook and the e-mail headlines are made here while the notebooks run.
        published = for_audience(all_tables(data.frame, params, period), params.audience)
        table_paths = write_tables(published, build)
        table_paths.append(write_workbook(published, build / "tables.xlsx"))
        (build / "headlines.json").write_text(json.dumps(headlines(data.frame, params, period), indent=1, ensure_ascii=False),
                                              encoding="utf-8")
        timings["tables"] = time.perf_counter() - t
        results = wait()
        timings["notebooks_and_html"] = time.perf_counter() - t
        failures = [err for _, _, err in results if err]
        if failures:
            kept = out.with_name(f"{out.name}.failed")
            shutil.rmtree(kept, ignore_errors=True)
            kept.mkdir(parents=True)
            for job in jobs:
                if job.output.exists():
                    shutil.copy2(job.output, kept / job.output.name)
            raise RunFailed("; ".join(failures) + f". No report was published and {out} is unchanged; "
                            f"the executed notebook(s) are in {kept} for checking.")
        for name, secs, _ in results:
            timings[f"notebook:{name}"] = secs
        html_paths = [job.html for job in jobs]
        shutil.rmtree(work)
        timings["total"] = time.perf_counter() - t0
        manifest = {
            "qa_pack_version": __version__,
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "params_file": str(params.source),
            "period": {"from": period.start, "to": period.end, "months": period.months},
            "target_return_rate": params.target_return_rate,
            "input": data.summary(),
            "notebooks": list(params.notebooks),
            "outputs": [{"file": p.relative_to(build).as_posix(), "bytes": p.stat().st_size} for p in html_paths + table_paths],
            "timings_seconds": {k: round(v, 3) for k, v in timings.items()},
            "versions": _versions(),
            "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        }
        (build / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        umask = os.umask(0)
        os.umask(umask)
        build.chmod(0o777 & ~umask)  # mkdtemp makes 0700; publish with the user's usual permissions
        _publish(build, out)
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    shutil.rmtree(out.with_name(f"{out.name}.failed"), ignore_errors=True)
    return RunResult(out=out, html=[out / p.name for p in html_paths],
                     tables=[out / p.relative_to(build) for p in table_paths], manifest=manifest)
