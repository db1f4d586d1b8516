"""What a run writes besides the notebooks' pages: the contract's tables, the workbook and the e-mail headlines;
pages taken from the run cache with the QA lead's blocks drawn again; and, when a notebook fails, the executed
notebooks kept for checking (figures only, never an error that may quote a value)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd

from qa_lib.disclosure.published import PublishedFigures
from qa_lib.figures import RunFigures
from qa_lib.files import audits_read_for_key, file_sha256, record_written, remove_listed, written_here
from qa_lib.inputs.params import Params
from qa_lib.inputs.period import Period
from qa_lib.render import blocks
from qa_lib.render.sanitise import checked
from qa_lib.run.cache import RunCache, cache_root, page_key, run_key
from qa_lib.run.execute import NotebookJob
from qa_lib.run.headlines import headlines
from qa_lib.run.tables import all_tables, rounded, write_tables, write_workbook

TABLES = "outputs:tables"  # the run cache's name for a run's tables and workbook


def cached_pages(
    params: Params,
    audits: Path,
    period: Period,
    notebooks_dir: Path,
    versions: dict[str, str],
    read: Callable[[], tuple[bytes | None, str]] | None = None,
) -> tuple[RunCache | None, dict[str, str], dict[str, str]]:
    """The run cache under this run's key, each notebook's page key, and the pages found (name -> page). `read`:
    the audits file's read for the key (`files.audits_read_for_key`), when the run started it already."""
    try:
        # A CSV is read whole here, once: a re-run reads its identifiers from these same bytes (`take_audits`).
        raw, sha = read() if read is not None else audits_read_for_key(Path(audits))
        inputs = f"{Path(audits).name}\n{sha}"  # the report names the file
        if params.ssd.folder is not None:  # the SSD extract's files (what happened next is drawn from them)
            inputs += "".join(f"\n{p.name}\n{file_sha256(p)}" for p in sorted(Path(params.ssd.folder).glob("ssd_*.csv")))
        key = run_key(inputs, params, period, versions)
    except OSError:
        return None, {}, {}  # an unreadable audits file is load_audits' to explain
    cache = RunCache(cache_root(), key, sha, audits_bytes=raw)
    page_keys = {name: page_key(key, name, notebooks_dir / f"{name}.ipynb") for name in params.notebooks}
    found = {name: page for name in params.notebooks if (page := cache.page(name, page_keys[name])) is not None}
    return cache, page_keys, found


def redrawn(page: str, block: Callable[[str], str]) -> str:
    """A cached page with its commentary and actions blocks drawn from this run's files (`block(name)`, the
    notebooks' own `Run.block_html`); checked again as every published page is (no script, nothing loaded
    from outside)."""

    return checked(blocks.redraw(page, block))


def write_outputs(
    shown: RunFigures | PublishedFigures,
    params: Params,
    period: Period,
    build: Path,
    cache: RunCache | None,
    published: dict[str, pd.DataFrame] | None = None,
    drafted: Mapping[str, str] | None = None,
) -> list[Path]:
    """The contract's tables, the workbook and the e-mail headlines, written into `build`. The tables depend on
    the figures alone, so a run under a key the cache knows copies them; otherwise they are made and kept. The
    headlines carry the QA lead's key messages (their words, which the cache key leaves out), so they are
    always written afresh: cheap, and never stale. `drafted`: the sections the run drafted already from `shown`
    (`headlines.headlines`)."""
    messages = headlines(shown, params, period, drafted)
    (build / "headlines.json").write_text(json.dumps(messages, indent=1, ensure_ascii=False), encoding="utf-8")
    files = cached_tables(cache)
    if files is not None:
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


def cached_tables(cache: RunCache | None) -> dict[str, bytes] | None:
    """The tables and workbook a run under this key wrote (their paths in the run folder -> bytes), when the run
    cache holds them whole; None otherwise (then they are made)."""
    stored = cache.get(TABLES, cache.run) if cache is not None else None
    if stored is None:
        return None
    try:
        files = {name: base64.b64decode(data) for name, data in json.loads(stored).items()}
    except (ValueError, TypeError, AttributeError):
        return None
    safe = all(not Path(n).is_absolute() and ".." not in Path(n).parts and n != "headlines.json" for n in files)
    return files if files and safe else None


FAILED_MARKER = ".qa-pack-failed.json"


def failed_folder(out: Path) -> Path:
    return out.with_name(f"{out.name}.failed")


def remove_failed(out: Path) -> None:
    """The failed notebooks an earlier run kept, removed: only a folder the pack marked, only the files it
    listed (a folder of that name someone else made, or a file they put in ours, stays)."""
    kept = failed_folder(out)
    if kept.is_symlink() or not kept.is_dir():
        return
    listed = written_here(kept, FAILED_MARKER)
    if listed or (kept / FAILED_MARKER).is_file():
        remove_listed(kept, listed, FAILED_MARKER)


def keep_failed(jobs: list[NotebookJob], out: Path) -> Path | None:
    """Failed notebooks, kept beside the output for checking: their outputs are figures, not rows,
    and their error outputs (which may quote a value) are dropped. The folder is marked as the pack's, listing
    what it holds, so a later run removes only that."""
    import nbformat  # heavy: only when a notebook failed

    remove_failed(out)
    kept = failed_folder(out)
    if kept.exists() or kept.is_symlink():
        return None  # someone else's folder of that name: nothing is written into it
    kept.mkdir(parents=True)
    record_written(kept, FAILED_MARKER, set(), "qa-pack run")
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
            record_written(kept, FAILED_MARKER, {job.output.name}, "qa-pack run")
    return kept if written_here(kept, FAILED_MARKER) else None
