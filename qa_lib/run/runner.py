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

import gc
import html
import os
import platform
import shutil
import sys
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qa_lib import __version__
from qa_lib.disclosure.ledger import LEDGER, ledger_json, read_ledger
from qa_lib.errors import QAPackError, RunFailed, RunInterrupted
from qa_lib.files import audits_read_for_key
from qa_lib.inputs import resources
from qa_lib.inputs.params import Params
from qa_lib.inputs.period import Period
from qa_lib.run.execute import NotebookJob, Workers, WorkerSetup, nothing_to_wait_for
from qa_lib.run.messages import say
from qa_lib.run.publish import check_out_dir, finish, made_from, new_build, notebooks_for, output_entries, publishing_lock
from qa_lib.run.workspace import (
    Interrupted,
    private_workdir,
    remove_stale,
    signals_held,
    signals_interrupt,
    temp_files_in,
)

# What the modules above import stays light (no pandas): a run that uses no cache spawns its notebook workers
# before it loads pandas, matplotlib's and the figures' modules (`_run`), so the workers start their kernels on
# the second core while this process loads.

if TYPE_CHECKING:
    from qa_lib.figures import RunFigures

VERSIONED = ("pandas", "pandera", "numpy", "matplotlib", "seaborn", "afcharts", "papermill", "nbconvert", "pyarrow", "openpyxl")


@dataclass
class RunResult:
    out: Path
    html: list[Path]
    tables: list[Path]
    manifest: dict = field(default_factory=dict)


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version(), "qa_pack": __version__}
    for name in VERSIONED:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


DRAWN_LATER = ("commentary", "commentary_note", "revision")  # what the run adds to the figures after they are made


def same_figures(drawn_from: Any, shown: Any) -> bool:
    """Whether `shown` is the run's figures `drawn_from` was made as (`figures_stage`'s `meanwhile`): the QA
    team's own figures, every other field the very same object, and the same QA lead's text and note (what
    changed since, the revision, is drawn after)."""
    from dataclasses import fields

    from qa_lib.figures import RunFigures

    return (
        isinstance(shown, RunFigures)
        and all(getattr(drawn_from, f.name) is getattr(shown, f.name) for f in fields(RunFigures) if f.name not in DRAWN_LATER)
        and drawn_from.commentary == shown.commentary
        and drawn_from.commentary_note == shown.commentary_note
    )


def _read_for_key(path: Path, read_bytes: Future[tuple[bytes, Future[str]] | None] | None) -> tuple[bytes | None, str]:
    """The audits file read and hashed for the run's key (`files.audits_read_for_key`); with `read_bytes`, a CSV's
    bytes put there with the future of their SHA-256 as soon as they are read. `read_bytes` always ends (None when
    nothing was put there), so whoever waits on it never waits for ever."""
    try:
        return audits_read_for_key(path, (lambda data, hashed: read_bytes.set_result((data, hashed))) if read_bytes is not None else None)
    finally:
        if read_bytes is not None and not read_bytes.done():
            read_bytes.set_result(None)


def _workers(notebooks: int, setup: WorkerSetup) -> Workers | None:
    """A worker per notebook to run, one per core at most; none when there is no notebook to run."""
    return Workers(min(notebooks, os.cpu_count() or 1), setup) if notebooks else None


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
            inputs = {
                "audits file": audits,
                "params file": params.source,
                "actions file": params.actions,
                "commentary file": commentary,
                "SSD extract folder": params.ssd.folder,
            }
            check_out_dir(out, inputs, params.audience)
            remove_stale()  # a dead run's private folder goes first, whatever becomes of this run
            with publishing_lock(out):
                check_out_dir(out, {}, params.audience)  # again, now that no other run can be changing it
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
    build = new_build(out)
    try:
        with private_workdir() as work, temp_files_in(work):  # every library's temporary files in the private folder
            setup = WorkerSetup(work, params.kernel_name, notebooks_dir)
            # With no cache every notebook runs: its workers are spawned now, before this process loads pandas.
            early = None if use_cache else _workers(len(notebooks_for(params)), setup)
            # With the cache, the audits file is read and hashed for the run's key while this process loads
            # (reading and hashing leave the interpreter free): about 0.5 s of a million-row re-run.
            reading = ThreadPoolExecutor(max_workers=1, thread_name_prefix="qa-pack-read") if use_cache else None
            # A re-run into the folder a file of this name was published to (`made_from`) begins reading its
            # identifiers from the bytes as soon as they are read, while they are hashed for the key (a million
            # rows: 0.3 s sooner); the quick read is checked against that SHA-256 before anything rests on it.
            read_bytes: Future[tuple[bytes, Future[str]] | None] | None = (
                Future() if reading is not None and made_from(out, audits) else None
            )
            read = reading.submit(_read_for_key, Path(audits), read_bytes).result if reading is not None else None
            quick_begun = None
            try:
                from qa_lib.run.outputs import cached_pages
                from qa_lib.run.validate import prepare

                if read_bytes is not None and (begun := read_bytes.result()) is not None:
                    from qa_lib.inputs.load import identifiers_meanwhile

                    quick_begun = identifiers_meanwhile(audits, params, (begun[0], ""), begun[1])
                    del begun

                params, edited = prepare(params, notebooks_dir, commentary, quiet)  # stage 1: validate what the user gave
                versions = _versions()
                cache, page_keys, cached = (
                    cached_pages(params, audits, period, notebooks_dir, versions, read) if use_cache else (None, {}, {})
                )
                del read  # the bytes are the cache's now (`take_audits`), or gone
                to_run = [name for name in params.notebooks if name not in cached]
                workers = early if not use_cache else _workers(len(to_run), setup)
            except BaseException:
                if early is not None:
                    early.stop()
                raise
            finally:
                if reading is not None:
                    reading.shutdown(wait=True)  # a run that stops early still waits for its read to end
            try:
                from qa_lib.commentary.drafts import joined
                from qa_lib.disclosure.published import PublishedFigures
                from qa_lib.inputs.handoff import write_figures
                from qa_lib.notebook import Run
                from qa_lib.render import blocks
                from qa_lib.run.compute import audit_release, figures_stage, with_revision
                from qa_lib.run.outputs import cached_tables, keep_failed, redrawn, remove_failed, write_outputs
                from qa_lib.run.reader_check import ReaderCheck, refuse_if_found

                earlier = read_ledger(out) if params.audience == "wider" else None  # every wider release in this folder
                drawn: dict[str, str] = {}  # each block of the cached pages, drawn once (a block on several pages)
                drawn_for: list[RunFigures] = []
                drafted_for: list[dict[str, list[str]]] = []  # each section's drafts of those figures, if the run made them

                def draw_meanwhile(tentative: RunFigures, paragraphs: dict[str, list[str]] | None) -> None:
                    """The cached pages' blocks drawn, in memory, while a re-run's identifiers are read and keyed
                    (a million rows: about a second with a core to spare), from the figures as they will be
                    published if the QA lead's text holds no identifier. Nothing is written until that is
                    checked; the blocks are used only if the run then publishes those very figures. The sections'
                    drafts, when the run made them from these figures, are not made again."""
                    view = Run(params=params, period=period, target=float(params.target_return_rate), drafted=paragraphs)
                    view.figures = tentative
                    drawn_for.append(tentative)
                    if paragraphs is not None:
                        drafted_for.append(paragraphs)
                    for page in cached.values():
                        for name in blocks.names(page):
                            name = html.unescape(name)
                            if name not in drawn and name != "revision":  # what changed since: known only after
                                drawn[name] = view.block_html(name)

                data, figures, shown = figures_stage(
                    params,
                    audits,
                    period,
                    edited,
                    accept_changed_data,
                    quiet,
                    timings,
                    cache,
                    earlier,
                    draw_meanwhile if cached and params.audience != "wider" else None,
                    quick_begun,
                )
                del quick_begun
                if not drawn_for or not same_figures(drawn_for[0], shown):
                    drawn.clear()
                    drafted_for.clear()
                if isinstance(shown, PublishedFigures) and earlier is not None:  # the ledger after this release
                    made = datetime.now(UTC).isoformat(timespec="seconds")
                    ledger = ledger_json(earlier, shown.release_shown, shown.release_hidden, made, period.label)
                    (build / LEDGER).write_text(ledger, encoding="utf-8")
                # What the run has made so far (the rows, the identifiers' keys, the figures) lives to its end: moved
                # out of the cyclic collector's sight, it is not walked again by every collection the pages and
                # checks set off (a re-run on a million rows: 0.35 s). Put back when the run ends (`gc.unfreeze`).
                gc.freeze()
                kept_tables = cached_tables(cache)  # a re-run's tables, as a run under its key wrote them
                shown, revised_tables = with_revision(shown, out, period, build, kept_tables)
                del kept_tables
                timings["load_to_figures"] = time.perf_counter() - t0
                handoff = write_figures(shown, work) if to_run else None  # the figures for the notebooks: only when one runs
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
                wait = workers.run(jobs) if workers is not None else nothing_to_wait_for
                # The tables, the workbook, the e-mail headlines and the cached pages are made here while the notebooks
                # run, and the last check (what a reader would see) is made on each file as it is written.
                check = ReaderCheck(data.identifier_keys, params.quotes.redact_names)
                found: dict[Path, list[str]] = {}
                checking = [0.0]

                def checked(*paths: Path) -> None:
                    started = time.perf_counter()
                    found.update(check.found_in(paths))  # what could be an identifier in them looked up at once
                    checking[0] += time.perf_counter() - started

                drafted = joined(drafted_for[0]) if drafted_for else None  # the key messages, for the e-mail
                table_paths = write_outputs(shown, params, period, build, cache, revised_tables, drafted)
                view = Run(params=params, period=period, target=float(params.target_return_rate))
                view.figures, view.published = (None, shown) if isinstance(shown, PublishedFigures) else (shown, None)  # type: ignore[assignment]

                def block(name: str) -> str:
                    if name not in drawn:
                        drawn[name] = view.block_html(name)
                    return drawn[name]

                for name, page in cached.items():
                    (build / f"{name}.html").write_text(redrawn(page, block), encoding="utf-8")
                timings["tables_and_cached_pages"] = time.perf_counter() - t
                audit_release(figures, shown, earlier, timings)  # a wider pack: audited while the notebooks draw it
                checked_files = [
                    *(build / f"{name}.html" for name in params.notebooks),
                    *(p for p in table_paths if p.suffix == ".csv"),
                    build / "headlines.json",
                ]
                checked(*checked_files[len(params.notebooks) :], *(build / f"{name}.html" for name in cached))
                results = wait(lambda name: checked(build / f"{name}.html"))  # each page checked as it is written
                timings["notebooks_and_html"] = time.perf_counter() - t
            except BaseException:
                if workers is not None:
                    workers.stop()
                raise
            failures = [err for _, _, err in results if err]
            if failures:
                if workers is not None:
                    workers.stop()
                kept = keep_failed(jobs, out)
                raise RunFailed(
                    "; ".join(failures)
                    + f". No report was published and {out} is unchanged"
                    + (f"; the executed notebook(s) are in {kept} for checking." if kept else ".")
                )
            closed = workers.close_meanwhile() if workers is not None else None  # they stop while the pages are checked
            try:
                html_paths = [build / f"{name}.html" for name in params.notebooks]
                if cache is not None and to_run:
                    cache.store({name: (page_keys[name], (build / f"{name}.html").read_text(encoding="utf-8")) for name in to_run})
                # The last check: what a reader would see, before anything is published (every file checked once,
                # most while the notebooks ran; what was found named in the files' order).
                timings["reader_check_meanwhile"] = checking[0]  # within notebooks_and_html
                t = time.perf_counter()
                checked(*(path for path in checked_files if path not in found))
                refuse_if_found(where for path in checked_files for where in found[path])
                timings["reader_check"] = time.perf_counter() - t  # after the notebooks
            except BaseException:
                if workers is not None:
                    workers.stop()
                raise
            finally:
                if closed is not None:
                    closed()  # every worker and kernel gone before the private folder is
        for name, secs, _ in results:
            timings[f"notebook:{name}"] = secs
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
            "outputs": output_entries(
                build, [*html_paths, *table_paths, build / "headlines.json", build / "revision.json", build / LEDGER]
            ),
            "timings_seconds": {k: round(v, 3) for k, v in timings.items()},
            "versions": versions,
            "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        }
        finish(build, out, manifest, params.history_keep, params.audience)
    except BaseException:
        with signals_held():
            shutil.rmtree(build, ignore_errors=True)
        raise
    finally:
        gc.unfreeze()  # a process that runs again (the tests, a notebook) collects this run's objects as usual
    remove_failed(out)  # an earlier run's failed notebooks: only what the pack wrote there
    return RunResult(
        out=out, html=[out / p.name for p in html_paths], tables=[out / p.relative_to(build) for p in table_paths], manifest=manifest
    )
