"""The monthly run: validate once, execute the notebooks, publish offline HTML and tables.

Everything is built in a temporary folder beside the output folder and moved
into place only when every step has succeeded, so a failed or interrupted run
never produces or overwrites a report. Every section's figures are computed once
(`qa_lib.figures`) and handed to the notebooks, not the rows, through a private
work folder under the system temp folder (`qa_lib.run.workspace`), removed however
the run ends; the tables and the e-mail headlines read the same figures. The
published folder holds aggregates only. Where a run may publish is
`qa_lib.run.publish`'s to decide.
"""

from __future__ import annotations

import base64
import json
import os
import pickle
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING

from qa_lib import __version__
from qa_lib.commentary.document import Commentary
from qa_lib.commentary.document import read as read_commentary
from qa_lib.disclosure.published import PublishedFigures
from qa_lib.errors import QAPackError, RunFailed, RunInterrupted
from qa_lib.figures import RunFigures, compute_all
from qa_lib.inputs import resources
from qa_lib.inputs.handoff import write_figures
from qa_lib.inputs.load import AuditData, file_sha256, load_audits
from qa_lib.inputs.params import Params
from qa_lib.inputs.period import Period
from qa_lib.notebook import Run
from qa_lib.render import blocks
from qa_lib.run.cache import RunCache, cache_root, page_key, run_key
from qa_lib.run.execute import NotebookJob, WorkerSetup, execute, start_worker, warmed
from qa_lib.run.headlines import headlines
from qa_lib.run.publish import check_out_dir, finish, output_entries, publishing_lock
from qa_lib.run.tables import all_tables, rounded, write_tables, write_workbook
from qa_lib.run.workspace import (
    Interrupted,
    children_of,
    private_workdir,
    remove_stale,
    signals_held,
    signals_interrupt,
    stop_processes,
)
from qa_lib.sections.themes.actions import load_actions, theme_labels

if TYPE_CHECKING:
    import pandas as pd

WIDER_NOTEBOOKS = ("highlight_report",)  # built with disclosure control throughout
COMBINED = {"highlight_report"}  # reports assembled from the sections' figures and charts
VERSIONED = ("pandas", "pandera", "numpy", "matplotlib", "seaborn", "afcharts", "papermill", "nbconvert", "pyarrow", "openpyxl")


@dataclass
class RunResult:
    out: Path
    html: list[Path]
    tables: list[Path]
    manifest: dict = field(default_factory=dict)


class Workers:
    """The run's notebook workers, one per core at most. They are spawned as soon as the run knows which
    notebooks it must run, before the data are validated, and each starts its kernel and imports the pack
    meanwhile (`qa_lib.run.execute.start_worker`). However a run ends (an error, Ctrl-C, SIGTERM), no worker
    or kernel outlives it."""

    def __init__(self, count: int, setup: WorkerSetup) -> None:
        self.pool = ProcessPoolExecutor(max_workers=count, mp_context=get_context("spawn"), initializer=start_worker, initargs=(setup,))
        for _ in range(count):
            self.pool.submit(warmed)  # the pool spawns a worker per task it cannot hand to an idle one

    def run(self, jobs: list[NotebookJob]) -> Callable[[], list[tuple[str, float, str | None]]]:
        """Start the notebooks; returns a wait for their results (name, seconds, error), so the caller can work
        meanwhile. The combined report goes last: it draws the same charts as the section notebooks and takes
        them from the run's chart cache."""
        jobs = sorted(jobs, key=lambda j: j.name in COMBINED)
        futures = [self.pool.submit(execute, job) for job in jobs]

        def wait() -> list[tuple[str, float, str | None]]:
            return [f.result() for f in futures]

        return wait

    def close(self) -> None:
        """Let the workers finish and exit (each shuts its kernel down as it goes)."""
        self.pool.shutdown()

    def stop(self) -> None:
        """Stop every worker and its kernel at once."""
        _stop_workers(self.pool)


def _stop_workers(pool: ProcessPoolExecutor, grace: float = 10.0) -> None:
    """Terminate every worker and its kernel (a kernel runs in its own session, so it is found as the worker's
    child), then kill any that linger: nothing is left writing into the run's private folder."""
    processes = list(getattr(pool, "_processes", {}).values())  # the executor offers no public handle (Python < 3.14)
    kernels = children_of({p.pid for p in processes if p.pid})
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


def run(
    params: Params,
    audits: Path | None = None,
    period: Period | None = None,
    out: Path | None = None,
    quiet: bool = False,
    notebooks_dir: Path | None = None,
    commentary: Path | None = None,
    accept_changed_data: bool = False,
    use_cache: bool = True,
) -> RunResult:
    """Validate, execute every notebook in params, convert to offline HTML, write tables and manifest.

    Children's data lives only in a private work folder under the system temp folder, removed however the
    run ends. Ctrl-C and SIGTERM raise `RunInterrupted` after clean-up; the last good report is untouched."""
    notebooks_dir = notebooks_dir or params.notebooks_dir or resources.notebooks_dir()
    period = period or params.require_period()
    audits = audits or params.audits
    if audits is None:
        raise QAPackError("no audits file: set audits: in params or pass --audits FILE")
    out = (out or params.output or Path("outputs/run")).resolve()
    try:
        with signals_interrupt():
            commentary = commentary or params.commentary
            inputs = {"audits file": audits, "params file": params.source, "actions file": params.actions, "commentary file": commentary}
            check_out_dir(out, inputs)
            remove_stale()  # a dead run's private folder goes first, whatever becomes of this run
            with publishing_lock(out):
                check_out_dir(out, {})  # again, now that no other run can be changing it
                return _run(params, audits, period, out, quiet, notebooks_dir, commentary, accept_changed_data, use_cache)
    except Interrupted as exc:
        raise RunInterrupted(out, exc.exit_code) from None


def _run(
    params: Params,
    audits: Path,
    period: Period,
    out: Path,
    quiet: bool,
    notebooks_dir: Path,
    commentary: Path | None = None,
    accept_changed_data: bool = False,
    use_cache: bool = True,
) -> RunResult:
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    if params.audience == "wider" and set(params.notebooks) - set(WIDER_NOTEBOOKS):
        say(f"audience: wider: publishing only {', '.join(WIDER_NOTEBOOKS)} (the section notebooks are for the QA team)", quiet)
        params = params.with_overrides(notebooks=WIDER_NOTEBOOKS)
    for name in params.notebooks:
        if not (notebooks_dir / f"{name}.ipynb").is_file():
            raise QAPackError(f"params notebooks: no notebook {name}.ipynb in {notebooks_dir}")
    load_actions(params.actions, set(theme_labels(params)))  # a bad actions file stops the run here, in words, not in a notebook
    if commentary is not None and params.audience == "wider":
        say("audience: wider: the commentary file is not used (disclosure control cannot check its numbers); the report is drafted", quiet)
        commentary = None
    edited = read_commentary(commentary) if commentary is not None else None  # its shape is checked before any work
    versions = _versions()
    cache, page_keys, cached = _cached_pages(params, audits, period, notebooks_dir, versions) if use_cache else (None, {}, {})
    to_run = [name for name in params.notebooks if name not in cached]

    build = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.parent))
    try:
        with private_workdir() as work:
            workers = (
                Workers(min(len(to_run), os.cpu_count() or 1), WorkerSetup(work, params.kernel_name, notebooks_dir)) if to_run else None
            )
            try:
                data, _, shown = _figures(params, audits, period, edited, accept_changed_data, quiet, timings, cache)
                shown, revised_tables = _with_revision(shown, out, period, build)
                timings["load_to_figures"] = time.perf_counter() - t0
                handoff = write_figures(shown, work)
                jobs = [
                    NotebookJob(
                        name=name,
                        source=notebooks_dir / f"{name}.ipynb",
                        output=work / f"{name}.ipynb",
                        html=build / f"{name}.html",
                        period_label=period.label,
                        parameters={
                            "params_path": str(params.source),
                            "audits_path": str(handoff),
                            "period_from": period.start,
                            "period_to": period.end,
                            "target_return_rate": float(params.target_return_rate),
                        },
                        kernel_name=params.kernel_name,
                        timeout=params.execution_timeout,
                        progress=not quiet and sys.stderr.isatty(),
                    )
                    for name in to_run
                ]
                if cached:
                    say(
                        f"Using {len(cached)} page(s) from the run cache, their commentary and actions drawn again: {', '.join(cached)}",
                        quiet,
                    )
                if jobs:
                    say(f"Running {len(jobs)} notebook(s): {', '.join(to_run)} ...", quiet)
                t = time.perf_counter()
                wait = workers.run(jobs) if workers is not None else list
                # The tables, the workbook, the e-mail headlines and the cached pages are made here while the notebooks run.
                table_paths = _tables(shown, params, period, build, cache, revised_tables)
                view = Run(audience=params.audience, params=params, period=period, target=float(params.target_return_rate))
                view.figures, view.published = (None, shown) if isinstance(shown, PublishedFigures) else (shown, None)  # type: ignore[assignment]
                drawn: dict[str, str] = {}  # a block shown on several pages is drawn once

                def block(name: str) -> str:
                    if name not in drawn:
                        drawn[name] = view.block_html(name)
                    return drawn[name]

                for name, page in cached.items():
                    (build / f"{name}.html").write_text(redrawn(page, block), encoding="utf-8")
                timings["tables_and_cached_pages"] = time.perf_counter() - t
                results = wait()
                timings["notebooks_and_html"] = time.perf_counter() - t
            except BaseException:
                if workers is not None:
                    workers.stop()
                raise
            failures = [err for _, _, err in results if err]
            if failures:
                if workers is not None:
                    workers.stop()
                kept = _keep_failed(jobs, out)
                raise RunFailed(
                    "; ".join(failures)
                    + f". No report was published and {out} is unchanged"
                    + (f"; the executed notebook(s) are in {kept} for checking." if kept else ".")
                )
            if workers is not None:
                workers.close()
        for name, secs, _ in results:
            timings[f"notebook:{name}"] = secs
        html_paths = [build / f"{name}.html" for name in params.notebooks]
        if cache is not None and to_run:
            cache.store({name: (page_keys[name], (build / f"{name}.html").read_text(encoding="utf-8")) for name in to_run})
        timings["total"] = time.perf_counter() - t0
        manifest = {
            "qa_pack_version": __version__,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "params_file": str(params.source),
            "period": {"from": period.start, "to": period.end, "months": period.months},
            "target_return_rate": params.target_return_rate,
            "input": data.summary(),
            "notebooks": list(params.notebooks),
            "notebooks_run": to_run,
            "pages_from_cache": list(cached),
            "outputs": output_entries(build, [*html_paths, *table_paths, build / "headlines.json", build / "revision.json"]),
            "timings_seconds": {k: round(v, 3) for k, v in timings.items()},
            "versions": versions,
            "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        }
        finish(build, out, manifest, params.history_keep)
    except BaseException:
        with signals_held():
            shutil.rmtree(build, ignore_errors=True)
        raise
    shutil.rmtree(out.with_name(f"{out.name}.failed"), ignore_errors=True)
    return RunResult(
        out=out, html=[out / p.name for p in html_paths], tables=[out / p.relative_to(build) for p in table_paths], manifest=manifest
    )


def _cached_pages(
    params: Params, audits: Path, period: Period, notebooks_dir: Path, versions: dict[str, str]
) -> tuple[RunCache | None, dict[str, str], dict[str, str]]:
    """The run cache under this run's key, each notebook's page key, and the pages found (name -> page)."""
    try:
        key = run_key(f"{Path(audits).name}\n{file_sha256(audits)}", params, period, versions)  # the report names the file
    except OSError:
        return None, {}, {}  # an unreadable audits file is load_audits' to explain
    cache = RunCache(cache_root(), key)
    page_keys = {name: page_key(key, name, notebooks_dir / f"{name}.ipynb") for name in params.notebooks}
    found = {name: page for name in params.notebooks if (page := cache.page(name, page_keys[name])) is not None}
    return cache, page_keys, found


def redrawn(page: str, block: Callable[[str], str]) -> str:
    """A cached page with its commentary and actions blocks drawn from this run's files (`block(name)`, the
    notebooks' own `Run.block_html`); checked again as every published page is (no script, nothing loaded
    from outside)."""
    from qa_lib.render.sanitise import checked

    return checked(blocks.redraw(page, block))


TABLES = "outputs:tables"  # the run cache's name for a run's tables, workbook and headlines
FIGURES = "figures"  # and for its figures (aggregates: their size does not grow with the rows)


def _cached_figures(cache: RunCache | None, params: Params) -> RunFigures | None:
    """The figures a run under this key computed, if the cache holds them (a file only this user can write,
    checked against its SHA-256 before it is read), with this run's actions: the key leaves the QA lead's
    files out, so the actions are always read afresh."""
    from dataclasses import replace

    stored = cache.get(FIGURES, cache.run) if cache is not None else None
    if stored is None:
        return None
    try:
        figures = pickle.loads(stored)
    except Exception:  # noqa: BLE001 - a damaged entry is a cache miss
        return None
    if not isinstance(figures, RunFigures) or figures.commentary:
        return None
    return replace(figures, themes=replace(figures.themes, actions=load_actions(params.actions, set(theme_labels(params)))))


def _tables(
    shown: RunFigures | PublishedFigures,
    params: Params,
    period: Period,
    build: Path,
    cache: RunCache | None,
    published: dict[str, pd.DataFrame] | None = None,
) -> list[Path]:
    """The contract's tables, the workbook and the e-mail headlines, written into `build`. The tables depend on
    the figures alone, so a run under a key the cache knows copies them; otherwise they are made and kept. The
    headlines carry the QA lead's key messages (their words, which the cache key leaves out), so they are
    always written afresh: cheap, and never stale."""
    (build / "headlines.json").write_text(json.dumps(headlines(shown, params, period), indent=1, ensure_ascii=False), encoding="utf-8")
    stored = cache.get(TABLES, cache.run) if cache is not None else None
    if stored is not None:
        try:
            files = {name: base64.b64decode(data) for name, data in json.loads(stored).items()}
        except ValueError:
            files = {}
        if files and all(not Path(n).is_absolute() and ".." not in Path(n).parts and n != "headlines.json" for n in files):
            for name, data in files.items():
                (build / name).parent.mkdir(parents=True, exist_ok=True)
                (build / name).write_bytes(data)
            return [build / n for n in files]
    published = published if published is not None else rounded(all_tables(shown))
    paths = write_tables(published, build)
    paths.append(write_workbook(published, build / "tables.xlsx"))
    if cache is not None:
        kept = {p.relative_to(build).as_posix(): base64.b64encode(p.read_bytes()).decode() for p in paths}
        cache.store({TABLES: (cache.run, json.dumps(kept).encode())})
    return paths


def _with_revision(
    shown: RunFigures | PublishedFigures, out: Path, period: Period, build: Path
) -> tuple[RunFigures | PublishedFigures, dict[str, pd.DataFrame] | None]:
    """When this run replaces the published version of the same period and a figure changed: what changed
    since it, on the figures every output reads (the highlight report opens with it) and in `revision.json`
    (the e-mail says "revised"). The earlier version is kept in history/ either way. Returns the figures and
    the tables it compared (the run writes those, not a second copy), or None when there was nothing to
    compare."""
    from dataclasses import replace

    from qa_lib.run.revision import earlier_version, revision, revision_summary

    earlier = earlier_version(out, period)
    if earlier is None:
        return shown, None
    tables = rounded(all_tables(shown))
    rev = revision(earlier, tables, period)
    if not rev.changes:  # the same figures (an edited sentence, say): nothing to revise, nothing to announce
        return shown, tables
    (build / "revision.json").write_text(json.dumps(revision_summary(rev), indent=1), encoding="utf-8")
    return replace(shown, revision=rev), tables


def _figures(
    params: Params,
    audits: Path,
    period: Period,
    edited: Commentary | None,
    accept_changed_data: bool,
    quiet: bool,
    timings: dict[str, float],
    cache: RunCache | None = None,
) -> tuple[AuditData, RunFigures, RunFigures | PublishedFigures]:
    """Validate once, compute every section's figures once (or take them from the run cache: the same data,
    params and code give the same figures), check the QA lead's commentary against them and, for a wider
    audience, protect them. Returns the data, the figures and what the outputs may show."""
    t = time.perf_counter()
    say(f"Validating {Path(audits).name} ...", quiet)
    data: AuditData = load_audits(audits, params, sheet=params.sheet, period_end=period.end)
    timings["load_and_validate"] = time.perf_counter() - t
    say(
        f"  {data.rows_read} rows read, {data.rows_used} used, {data.rows_rejected} rejected"
        + (f"; {len(data.warnings)} rows with warnings (qa-pack validate lists them)" if data.warnings else ""),
        quiet,
    )
    present = sorted(data.frame["audit_month"].unique())
    if not set(period.months) & set(present):
        raise QAPackError(
            f"{data.file} has no audits in the reporting period {period.start} to {period.end}; "
            f"its months run from {present[0]} to {present[-1]}"
        )
    check_actions(params, data)
    t = time.perf_counter()
    figures = _cached_figures(cache, params)
    if figures is None:
        figures = compute_all(data.frame, params, period, data.summary())  # once: every output reads these
        if cache is not None:
            cache.store({FIGURES: (cache.run, pickle.dumps(figures, protocol=pickle.HIGHEST_PROTOCOL))})
    if edited is not None:  # the QA lead's words, checked before anything is published
        figures = with_commentary(figures, edited, params, period, data, accept_changed_data)
        say(f"Using the QA lead's commentary for {len(figures.commentary)} section(s) from {edited.source.name}", quiet)
    timings["figures"] = time.perf_counter() - t
    if params.audience != "wider":
        return data, figures, figures
    from qa_lib.disclosure.protect import protected

    t = time.perf_counter()
    say("Protecting small counts for wider circulation ...", quiet)
    shown = protected(figures, params.min_count)  # once, and audited as an attacker would: every wider output reads only these
    timings["disclosure_control"] = time.perf_counter() - t
    return data, figures, shown


def identifiers(data: AuditData) -> set[str]:
    """Every child, social worker, auditor and audit ID in the data: the QA lead's words are checked against them."""
    from qa_lib.inputs.schema import IDENTIFIER_COLUMNS

    ids: set[str] = set()
    for col in IDENTIFIER_COLUMNS:
        if col in data.frame:
            ids.update(data.frame[col].dropna().astype(str))
    return ids


def check_actions(params: Params, data: AuditData) -> None:
    """Section 4 is the QA lead's text like the commentary: an action holding an identifier from the data, an
    e-mail address or a phone number stops the run before anything is published (naming the action, never
    the value)."""
    from qa_lib.commentary.check import actions_personal_data

    leaked = actions_personal_data(load_actions(params.actions, set(theme_labels(params))), identifiers(data))
    if leaked:
        name = Path(params.actions).name if params.actions else "the actions file"
        raise QAPackError(
            f"{name}: an identifier from the data, an e-mail address or a phone number is in {', '.join(leaked[:10])}; "
            "remove it (nothing was published)"
        )


def with_commentary(figures: RunFigures, edited: Commentary, params: Params, period: Period, data: AuditData, accept: bool) -> RunFigures:
    """The run's figures with the QA lead's text for the sections they edited (qa_lib.commentary.check)."""
    from dataclasses import replace

    from qa_lib.commentary.check import texts_for_run
    from qa_lib.commentary.drafts import drafts

    texts, note = texts_for_run(edited, drafts(figures, params, period), identifiers(data), data.sha256, accept)
    return replace(figures, commentary=texts, commentary_note=note)


def _keep_failed(jobs: list[NotebookJob], out: Path) -> Path | None:
    """Failed notebooks, kept beside the output for checking: their outputs are figures, not rows,
    and their error outputs (which may quote a value) are dropped."""
    import nbformat

    kept = out.with_name(f"{out.name}.failed")
    shutil.rmtree(kept, ignore_errors=True)
    kept.mkdir(parents=True)
    for job in jobs:
        if job.output.exists() and job.output.stat().st_size:
            try:
                nb = nbformat.read(job.output, as_version=4)
            except Exception:  # noqa: BLE001 - a half-written notebook is not worth keeping
                continue
            for cell in nb.cells:
                if cell.get("cell_type") == "code":
                    cell["outputs"] = [o for o in cell.get("outputs", []) if o.get("output_type") != "error"]
            nbformat.write(nb, kept / job.output.name)
    return kept if any(kept.iterdir()) else None
