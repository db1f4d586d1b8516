"""The run's middle stages: validate the audits once, compute every section's figures once (or take them from
the run cache), check the QA lead's words against them, and for a wider audience protect them (and audit the
protection as an attacker would); then, when the run replaces a published version of the same period, say
what changed since it."""

from __future__ import annotations

import contextlib
import importlib
import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TypeGuard

import pandas as pd

from qa_lib import codec
from qa_lib.commentary.check import edited_texts
from qa_lib.commentary.document import Commentary
from qa_lib.commentary.drafts import BY_KEY, draft_paragraphs, joined
from qa_lib.disclosure import protect
from qa_lib.disclosure.ledger import Ledger
from qa_lib.disclosure.published import PublishedFigures
from qa_lib.errors import QAPackError
from qa_lib.figures import RunFigures, compute_all
from qa_lib.figures.revision import COMPARED
from qa_lib.inputs.load import AuditData, QuickRead, identifiers_meanwhile, load_audits
from qa_lib.inputs.params import Params
from qa_lib.inputs.period import Period
from qa_lib.inputs.ssd import RUN, read_configured
from qa_lib.run.cache import RunCache
from qa_lib.run.messages import say
from qa_lib.run.revision import earlier_version, revision, revision_summary
from qa_lib.run.tables import all_tables, rounded
from qa_lib.run.validate import check_actions, refuse_demo_settings, with_commentary
from qa_lib.sections.themes.actions import load_actions, theme_labels

FIGURES = "figures"  # the run cache's name for a run's figures (aggregates: their size does not grow with the rows)


def stored_figures(cache: RunCache | None) -> bytes | None:
    """What the run cache holds as this run key's figures (JSON, in a file only this user can write, checked
    against its SHA-256 and the install's key as it is read), or None."""
    return cache.get(FIGURES, cache.run) if cache is not None else None


def cached_figures(stored: bytes | None, params: Params) -> RunFigures | None:
    """The figures a run under this key computed (`stored_figures`), if the cache holds them, with this run's
    actions: the key leaves the QA lead's files out, so the actions are always read afresh."""

    if stored is None:
        return None
    try:
        figures = codec.loads(stored, RunFigures)  # JSON: a stored entry can only fail to load, never run code
    except codec.CodecError:  # a damaged entry is a cache miss
        return None
    if figures.commentary:
        return None
    return replace(figures, themes=replace(figures.themes, actions=load_actions(params.actions, set(theme_labels(params)))))


DRAFTS = "drafts"  # the run cache's name for each section's drafted paragraphs


def drafted_once(figures: RunFigures, params: Params, period: Period, cache: RunCache | None) -> dict[str, list[str]]:
    """Each section's drafted paragraphs (`draft_paragraphs`): from the run cache when a run under this key drafted
    them (the key holds the data, params, period and code the figures and their drafts are made from), else
    drafted now and kept there. A stored entry of any other shape is drafted again."""
    stored = cache.get(DRAFTS, cache.run) if cache is not None else None
    try:
        kept = json.loads(stored) if stored is not None else None
    except ValueError:
        kept = None
    if _drafts_shaped(kept):
        return kept
    made = draft_paragraphs(figures, params, period)
    if cache is not None:
        cache.store({DRAFTS: (cache.run, json.dumps(made).encode())})
    return made


def _drafts_shaped(kept: object) -> TypeGuard[dict[str, list[str]]]:
    """Whether a stored entry is drafts as `draft_paragraphs` makes them: every section's, each a list of text."""
    return (
        isinstance(kept, dict)
        and set(kept) == set(BY_KEY)
        and all(isinstance(v, list) and all(isinstance(b, str) for b in v) for v in kept.values())
    )


SCIPY_FOR_FIGURES = ("scipy.stats",)  # the figures' exact tests, intervals and control limits
SCIPY_FOR_PROTECTION = ("scipy.sparse", "scipy.optimize")  # a wider run's attacker (integer programs)


def imported_meanwhile(names: tuple[str, ...]) -> None:
    """Start importing `names` in a thread, while the audits are read and validated (mostly in Arrow's own
    threads, with a core to spare at a million rows, where this process is what every notebook waits on).
    scipy.stats took about 0.45 s of the path to the figures, loaded where the first test needs it. The runner
    loads no scipy before its figures (each use imports it in its function), and scipy's own imports never
    reach the pack, pandas, pyarrow, pandera, matplotlib or seaborn, so the two threads never wait on each
    other's imports (tests/run/test_imported_meanwhile.py); a failure here is left for that import to raise."""

    def load() -> None:
        for name in names:
            with contextlib.suppress(Exception):
                importlib.import_module(name)

    threading.Thread(target=load, name="qa-pack-imports", daemon=True).start()


def figures_stage(
    params: Params,
    audits: Path,
    period: Period,
    edited: Commentary | None,
    accept_changed_data: bool,
    quiet: bool,
    timings: dict[str, float],
    cache: RunCache | None = None,
    earlier: Ledger | None = None,
    meanwhile: Callable[[RunFigures, dict[str, list[str]] | None], None] | None = None,
    early: QuickRead | None = None,
) -> tuple[AuditData, RunFigures, RunFigures | PublishedFigures]:
    """Validate once, compute every section's figures once (or take them from the run cache: the same data,
    params and code give the same figures), check the QA lead's commentary against them and, for a wider
    audience, protect them. Returns the data, the figures and what the outputs may show. `meanwhile`: given the
    figures a re-run takes from the cache, with the QA lead's text as they would be published if it holds no
    identifier, and each section's drafted paragraphs when the run drafted them (None otherwise), while the
    identifiers are still being read and keyed; it must write nothing (the text is not yet checked), and
    whatever it raises is left for the run's own steps to meet. `early`: the quick read of the identifiers
    (`identifiers_meanwhile`) when the run began it already, from the very bytes the cache's key was made from."""
    t = time.perf_counter()
    stored = stored_figures(cache)
    # A re-run of a file this run's key has validated (the cache holds its figures) reads only its identifiers,
    # for the privacy checks, from the bytes the key was made from, and keys them, in a thread while the figures
    # are decoded and the QA lead's sections drafted from them; anything else is read and validated in full.
    read = cache.take_audits() if cache is not None else None  # the bytes held no longer than this
    reading = (early or identifiers_meanwhile(audits, params, read)) if stored is not None else None
    del read
    figures = cached_figures(stored, params)
    del stored
    if figures is None:  # validated in full: a quick read begun early keys nothing more
        for begun in (early, reading):
            if begun is not None:
                begun.cancel()
    if figures is None:  # computed here: what the figures' tests (and a wider run's attacker) load, loaded meanwhile
        imported_meanwhile(SCIPY_FOR_FIGURES + (SCIPY_FOR_PROTECTION if params.audience == "wider" else ()))
    # Drafted once, for the commentary's check and for the blocks drawn meanwhile (a register edit alone too).
    paragraphs = (
        drafted_once(figures, params, period, cache) if figures is not None and (edited is not None or meanwhile is not None) else None
    )
    drafted = joined(paragraphs) if paragraphs is not None else None
    if meanwhile is not None and figures is not None and reading is not None:
        with contextlib.suppress(Exception):
            drawing = figures if edited is None or drafted is None else tentative(figures, edited, drafted, accept_changed_data)
            meanwhile(drawing, paragraphs)
    quick = reading(figures.data) if reading is not None and figures is not None else None
    if quick is None:
        say(f"Validating {Path(audits).name} ...", quiet)
    data: AuditData = quick or load_audits(audits, params, sheet=params.sheet, period_end=period.end, keys_meanwhile=True)
    timings["load_and_validate"] = time.perf_counter() - t
    if cache is not None and cache.audits_sha256 and data.sha256 != cache.audits_sha256:
        # The file was saved again between the run's start and its read: its pages and figures would be kept
        # under the key of bytes it no longer holds.
        raise QAPackError(f"{data.file} changed while the run was reading it (saved again?); nothing was published: run it again")
    say(
        f"  {data.rows_read} rows read, {data.rows_used} used, {data.rows_rejected} rejected"
        + (f"; {data.warning_count} rows with warnings (qa-pack validate lists them)" if data.warning_count else "")
        + ("; validated before (the same file, params and code)" if quick is not None else ""),
        quiet,
    )
    if quick is None:
        present = sorted(data.frame["audit_month"].unique())
        if not set(period.months) & set(present):
            raise QAPackError(
                f"{data.file} has no audits in the reporting period {period.start} to {period.end}; "
                f"its months run from {present[0]} to {present[-1]}"
            )
    refuse_demo_settings(params, data.frame)  # a council's returns never go out with the demo's register, author or recipients
    keyed = keyed_meanwhile(data)  # the identifiers every check searches for, keyed while the figures are computed
    t = time.perf_counter()
    if figures is None:
        ssd = None
        if params.ssd.folder is not None:  # the council's SSD extract: what happened next to audited children
            say(f"Reading the SSD extract in {Path(params.ssd.folder).name} ...", quiet)
            ssd = read_configured(params.ssd, RUN)
        figures = compute_all(data.frame, params, period, data.summary(), ssd)  # once: every output reads these
        if cache is not None:
            cache.store({FIGURES: (cache.run, codec.dumps(figures))})
    keyed()
    check_actions(params, data, figures.themes.actions)  # the QA lead's register, as this run read it, checked before anything is published
    if edited is not None:
        drafted = drafted if drafted is not None else joined(drafted_once(figures, params, period, cache))
        figures = with_commentary(figures, edited, params, period, data, accept_changed_data, drafted)
        say(f"Using the QA lead's commentary for {len(figures.commentary)} section(s) from {edited.source.name}", quiet)
    timings["figures"] = time.perf_counter() - t
    if params.audience != "wider":
        return data, figures, figures

    t = time.perf_counter()
    say("Protecting small counts for wider circulation ...", quiet)
    # Once: every wider output reads only these. The runner audits them as an attacker would (`audit_release`)
    # while the notebooks draw from them, and publishes nothing unless the audit passes.
    shown = protect.publish(figures, params.min_count, earlier)
    timings["disclosure_control"] = time.perf_counter() - t
    return data, figures, shown


def tentative(figures: RunFigures, edited: Commentary, drafted: dict[str, str], accept: bool) -> RunFigures:
    """The figures with the QA lead's text as `with_commentary` gives them when the text holds no identifier
    (`commentary.check.edited_texts`): for drawing in memory before the search for identifiers is done."""
    texts, note = edited_texts(edited, drafted, accept)
    return replace(figures, commentary=texts, commentary_note=note)


def _same_bytes(path: Path, data: bytes | None) -> bool:
    """Whether the file holds exactly `data` (False when either is missing)."""
    try:
        return data is not None and path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def keyed_meanwhile(data: AuditData) -> Callable[[], None]:
    """Start keying the data's identifiers (`AuditData.identifier_keys`, about 2 s at a million rows, mostly in
    Arrow's kernels, which leave the interpreter free) in a thread, and return the wait for it. The run
    computes its figures meanwhile, on the other core; nothing reads the keys until the wait returns. Should the
    thread fail, nothing is kept and the first use keys them again, in the run's own thread, where any error
    is reported as usual."""

    def key() -> None:
        with contextlib.suppress(BaseException):
            data.identifier_keys  # noqa: B018 - a cached property: read once to compute and keep it

    thread = threading.Thread(target=key, name="qa-pack-identifier-keys", daemon=True)  # never holds up an interrupted run's exit
    thread.start()
    return thread.join


def audit_release(figures: RunFigures, shown: RunFigures | PublishedFigures, earlier: Ledger | None, timings: dict[str, float]) -> None:
    """For a wider audience, the attacker's look at what the run will publish (`qa_lib.disclosure.protect.audit`:
    every shown count read back from the published tables and checked, every hidden one tried), an earlier
    release in the folder included; raises ProtectionError, and nothing is published, if a hidden count could
    be worked out. The runner calls it after handing the published figures to the notebooks and before it
    publishes anything, so the check runs while they draw."""
    if isinstance(shown, PublishedFigures):
        t = time.perf_counter()
        protect.audit(figures, shown, earlier)
        timings["disclosure_audit"] = time.perf_counter() - t


def with_revision(
    shown: RunFigures | PublishedFigures, out: Path, period: Period, build: Path, kept: Mapping[str, bytes] | None = None
) -> tuple[RunFigures | PublishedFigures, dict[str, pd.DataFrame] | None]:
    """When this run replaces the published version of the same period and a figure changed: what changed
    since it, on the figures every output reads (the highlight report opens with it) and in `revision.json`
    (the e-mail says "revised"). The earlier version is kept in history/ either way. Returns the figures and
    the tables it compared (the run writes those, not a second copy), or None when there was nothing to
    compare. `kept`: the tables this run will publish as the run cache holds them (`outputs.cached_tables`);
    an earlier version whose compared tables are these very bytes has nothing changed since."""

    earlier = earlier_version(out, period)
    if earlier is None:
        return shown, None
    if kept is not None and all(_same_bytes(earlier / "tables" / f"{name}.csv", kept.get(f"tables/{name}.csv")) for name in COMPARED):
        return shown, None
    tables = rounded(all_tables(shown))
    rev = revision(earlier, tables, period)
    if not rev.changes:  # the same figures (an edited sentence, say): nothing to revise, nothing to announce
        return shown, tables
    (build / "revision.json").write_text(json.dumps(revision_summary(rev), indent=1), encoding="utf-8")
    return replace(shown, revision=rev), tables
