"""What a notebook needs besides `qa_lib`'s figures: open the run, show things.

`open_run` is the first call of every notebook and returns the run object that
carries everything else: params, period, data, audience and chart cache, and
the `show_*` methods. Under the runner it reads the validated copy the runner
handed over (`qa_lib.inputs.handoff`) and validates nothing again; in JupyterLab it
reads and validates the audits file itself. Nothing here is module state.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from qa_lib.commentary.drafts import draft
from qa_lib.disclosure.published import PublishedFigures, ShownFigures
from qa_lib.errors import QAPackError
from qa_lib.figures import compute_all
from qa_lib.inputs import resources
from qa_lib.inputs.handoff import is_handoff, read_figures
from qa_lib.inputs.params import Params, load_params
from qa_lib.inputs.period import Period, RunMonths, month_name
from qa_lib.render import blocks
from qa_lib.render.sanitise import SECTION_REPORTS, escape, markdown_html
from qa_lib.render.words import funnel_sentence
from qa_lib.sections.calibration.figures import CalibrationFigures
from qa_lib.sections.quality.display import programme_table

if TYPE_CHECKING:
    from qa_lib.figures import RunFigures
    from qa_lib.render.charts import Chart
    from qa_lib.sections.calibration.figures import CalibrationFigures

NUMBER_LIKE = r"^\s*(?:–|-?[\d.,]+%?(?:\s*\(\d+/\d+(?:;[^)]*)?\))?(?:\s*[≈↑↓]\s*[+−±]?[\d.]+)?(?:\n\d+/\d+)?)\s*$"  # right-aligned


WIDE_COLUMNS = 9  # columns from which a table is printed on a landscape page


def _show(html: str) -> None:
    """Show HTML in the notebook (IPython's display, imported here: the runner draws blocks without it)."""
    from IPython.display import HTML, display

    display(HTML(html))


def more_html(page: str, what: str) -> str:
    """ "More: <what>, in the <report> (page.html)." as a paragraph with a link to a page of the same run: text
    written in the code, escaped, and a link that loads nothing by itself."""
    name = SECTION_REPORTS[page]
    return f'<p class="qa-more">More: {escape(what)}, in the <a href="{page}.html">{name}</a>.</p>'


@dataclass
class View:
    """How a notebook shows things: the run's audience (a wider run shows only its published figures) and its chart cache
    (under the runner, charts drawn once per run and reused by other notebooks). Carried by the run object,
    never held in module state."""

    chart_cache: Path | None = None

    @property
    def audience(self) -> str:
        """One audience concept: a run holding published (protected) figures is for a wider audience, and only
        such a run is; nothing else says so."""
        return "wider" if getattr(self, "published", None) is not None else "internal"

    @property
    def highlight_alone(self) -> bool:
        """Whether the highlight is the whole pack (a wider audience's): detail the QA team's highlight links to
        in a section report is shown in place, and sections only the QA team has are not shown."""
        return self.audience == "wider"

    def show_text(self, text: str | list[str], links: bool = False) -> None:
        """Drafted commentary: one paragraph per sentence (list) or a markdown string. Rendered here, with raw
        HTML shown as text and the result sanitised, so a label or note can never become markup; `links` keeps
        plain https:// links (the QA lead's actions), otherwise links are dropped."""
        html = self.text_html(text, links)
        if html:
            _show(html)

    @staticmethod
    def text_html(text: str | list[str], links: bool = False) -> str:
        """What `show_text` shows, as HTML ("" for no text)."""
        blocks = text if isinstance(text, list) else [text]
        joined = "\n\n".join(b for b in blocks if b)
        return markdown_html(joined, links=links) if joined else ""

    def show_table(self, frame: pd.DataFrame, caption: str | None) -> None:
        """A real HTML table with header cells and a caption (None: the header says it all):
        words left-aligned, figures right-aligned."""
        _show(self.table_html(frame, caption))

    @staticmethod
    def table_html(frame: pd.DataFrame, caption: str | None) -> str:
        """The table as HTML inside its own keyboard-focusable scrolling frame (wide tables never widen the page)."""
        numeric = [c for c in frame.columns if frame[c].astype(str).str.match(NUMBER_LIKE + "|^c$").all()]
        uuid = hashlib.sha1((caption or str(list(frame.columns))).encode()).hexdigest()[:8]
        styler = frame.style.hide(axis="index").set_uuid(uuid).format(escape="html").format_index(escape="html", axis=1)
        if caption:
            styler = styler.set_caption(escape(caption))
        styler = (
            styler.set_table_attributes('class="qa-table"')
            .set_properties(subset=numeric, **{"text-align": "right"})
            .set_table_styles([{"selector": "th.col_heading", "props": "text-align: left;"}])
        )
        label = escape(caption or "Table")
        # A table of many columns prints on a landscape page of its own (its words are never broken to fit).
        wide = " qa-wide" if frame.shape[1] >= WIDE_COLUMNS else ""
        return f'<div class="qa-table-wrap{wide}" role="region" aria-label="{label}" tabindex="0">{styler.to_html()}</div>'

    def show_chart(self, draw: Callable[..., Chart], *args: Any, **kwargs: Any) -> None:
        """The chart `draw(*args, **kwargs)` makes, as an embedded PNG with alt text (the HTML needs no other
        file) and its figures under it. Under the runner a chart another notebook of the run already showed is
        taken from the run's chart cache before anything is drawn (`_figure_html`)."""
        _show(self._figure_html(draw, args, kwargs))

    def _figure_html(self, draw: Callable[..., Chart], args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
        """The figure's HTML, from the run's cache when another notebook of this run drew the same chart: the
        same drawing function on the same figures (their pickled bytes) for the same audience. Drawing a chart
        (building it, then the PNG) is most of a notebook's time; the cache lives in the run's private work
        folder and goes with it."""
        if self.chart_cache is None:
            return self.figure_html(draw(*args, **kwargs))
        try:
            what = pickle.dumps((draw.__module__, draw.__qualname__, args, kwargs, self.audience), protocol=5)
        except (pickle.PicklingError, TypeError, AttributeError):
            return self.figure_html(draw(*args, **kwargs))
        key = hashlib.sha256(what).hexdigest()
        path = self.chart_cache / f"{key}.html"
        if path.is_file():
            return path.read_text(encoding="utf-8")
        html = self.figure_html(draw(*args, **kwargs))
        tmp = path.with_name(f"{key}.{os.getpid()}.tmp")
        tmp.write_text(html, encoding="utf-8")
        tmp.replace(path)
        return html

    def figure_html(self, chart: Chart) -> str:
        """A drawn chart as HTML: the PNG with its alt text and title, and "Show the figures" behind it."""
        img = (
            f'<figure class="qa-figure"><div class="qa-figure-scroll" role="region" tabindex="0" aria-label="{escape(chart.title)}">'
            f'<img src="data:image/png;base64,{chart.png_base64()}" alt="{escape(chart.alt)}"/></div>'
            f"<figcaption>{escape(chart.title)}</figcaption></figure>"
        )
        if chart.data is not None and not chart.data.empty:  # the figures behind the chart, for anyone who wants numbers
            table = self.table_html(chart.data, f"The figures behind: {chart.title}")
            img += f'<details class="qa-figures"><summary>Show the figures</summary>{table}</details>'
        return img

    def show_more(self, page: str, what: str) -> None:
        """Where the highlight summarises, a link to the section report with the detail (`page`: its notebook's
        name). Not in a wider pack, which publishes the highlight alone."""
        if getattr(self, "published", None) is not None:
            return
        _show(more_html(page, what))

    def show_funnel(self, points: pd.DataFrame, curve: pd.DataFrame | None, measure: str, title: str, xlabel: str, ylabel: str) -> None:
        """A funnel plot with the sentence that reads it (never a ranking); its figures are under the chart."""
        from qa_lib.render.charts import funnel_chart  # heavy: matplotlib, only when a chart is drawn

        if points.empty or curve is None:
            return
        self.show_text([x for x in [funnel_sentence(points, measure)] if x])
        self.show_chart(funnel_chart, points, curve, title, xlabel, ylabel)


@dataclass
class Run(View):
    """One notebook's view of a run: params, period, the run's figures (every section's, computed once) and
    the row counts, and how to show them. No child-level row is held here."""

    params: Params = field(default=None)  # type: ignore[assignment]  # always given; a default only for field order
    period: Period = field(default=None)  # type: ignore[assignment]
    figures: RunFigures = field(default=None)  # type: ignore[assignment]  # None in a wider run: never unprotected
    target: float = 80.0
    published: PublishedFigures | None = None  # a wider run's only figures (disclosure-controlled)
    # Each section's drafted paragraphs (`commentary.drafts.draft_paragraphs`), when the runner drafted them
    # already from these very figures (the QA team's), params and period, at this target: not drafted again.
    drafted: Mapping[str, list[str]] | None = None

    @property
    def months(self) -> list[str]:
        return list((self.published or self.figures).months.months)

    # The view of the figures a section renders from, the same for both audiences: the run's own tables for the
    # QA team, the published ones for a wider audience (a hidden count is c). A section that renders only through
    # these needs no second layout for a wider pack.

    def frame(self, name: str) -> pd.DataFrame:
        """A figure's table ("themes.counts") as this run's audience may see it."""
        return self.shown.frame(name)

    def complete(self, name: str) -> pd.DataFrame | None:
        """The table with its numbers when nothing in it is hidden (always, for the QA team); else None: a
        sentence or chart that needs every count is not drawn."""
        return self.shown.complete(name)

    def shown_rows(self, name: str, columns: list[str]) -> pd.DataFrame:
        """The table's rows whose `columns` are all shown, as numbers (every row, for the QA team)."""
        return self.shown.shown_rows(name, columns)

    @property
    def shown(self) -> ShownFigures:
        """The figures this run's audience may see: the published ones for a wider audience, else the run's own."""
        return self.published if self.published is not None else self.figures

    @property
    def commentary(self) -> dict[str, str]:
        """The QA lead's edited text by section: none in a wider pack, which shows only drafts from what it shows."""
        return self.figures.commentary if self.published is None else {}

    def draft(self, key: str) -> list[str]:
        """A section's drafted text (qa_lib.commentary.drafts), on this run's view of the figures and target."""
        if self.drafted is not None and self.published is None and key in self.drafted:
            return list(self.drafted[key])
        return draft(key, self.shown, self.params.with_overrides(target_return_rate=self.target), self.period)

    def show_section(self, key: str, heading: str | None = None) -> None:
        """A section's text: the QA lead's edited commentary when the run has it, else the draft. Either way it
        is rendered as sanitised Markdown (text and simple formatting only)."""
        self.show_block(f"section:{key}" + (f":{heading}" if heading else ""))

    def show_block(self, name: str) -> None:
        """A part of the page drawn from the QA lead's own files (commentary, actions), in a marked block:
        a re-run that changes only those files redraws the block without running the notebook
        (`qa_lib.render.blocks`, `qa_lib.run.cache`)."""

        _show(blocks.wrap(name, self.block_html(name)))

    def block_html(self, name: str) -> str:
        """A block's content, from the run's figures, the QA lead's commentary and actions (nothing else):
        `section:KEY[:HEADING]` a section's text (the QA lead's, else the draft); `edited:KEY` the QA lead's
        text for a section or nothing; `cohort:I:HEADING` a comparator cohort's heading and, unless the QA lead
        wrote the comparators text, its drafted words (`cohort-brief:I:HEADING`: only what moved beyond chance);
        `commentary-note` who wrote what; `actions` section 4;
        `revision` what changed since the version of the same period this run replaces; `programme` the programme
        summary box, whose date of report is today's."""
        kind, _, rest = name.partition(":")
        if kind == "programme":  # the programme summary box: its date of report is the day the page is published
            return self.table_html(programme_table(self.params.programme, self.period.label), None)
        if kind == "actions":
            from qa_lib.sections.themes.actions import section_markdown, theme_labels

            actions = (self.published or self.figures).themes.actions
            text = section_markdown(actions, self.period, theme_labels(self.params))
            if self.published is not None:
                text += "\n\n*Numbers in the actions' own words are not shown in a report for a wider audience.*"
            return self.text_html(text, links=True)
        if kind == "revision":
            from qa_lib.render.words import revision_markdown

            shown = self.published or self.figures
            return self.text_html(revision_markdown(shown.revision, self.params.short_names, wider=self.published is not None))
        commentary = self.commentary
        if kind == "section":
            key, _, heading = rest.partition(":")
            if key in commentary:
                return self.text_html(commentary[key])
            drafted = self.draft(key)
            if heading:
                drafted = [f"{heading} {b[5:]}" if b.startswith("#### ") else b for b in drafted]
            return self.text_html(drafted)
        if kind == "edited":
            return self.text_html(commentary.get(rest, ""))
        if kind in ("cohort", "cohort-brief"):
            from qa_lib.sections.comparators.words import cohort_text

            index, _, heading = rest.partition(":")
            c = self.shown.comparators.cohorts[int(index)]
            if "comparators" in commentary:
                return self.text_html(f"{heading} {c.label}")
            brief = kind == "cohort-brief"  # the highlight: only the standards that moved more than chance would explain
            return self.text_html([f"{heading} {c.label}", *cohort_text(c, self.params.short_names, brief)])
        if kind == "commentary-note":
            from qa_lib.commentary.drafts import commentary_lines

            return self.text_html(commentary_lines(self.figures)) if self.published is None else ""
        raise QAPackError(f"no such block: {name}")

    @property
    def run_months(self) -> RunMonths:
        return (self.published or self.figures).months

    @property
    def data(self) -> dict[str, Any]:
        """Rows read, used and rejected, and warnings, for the data-quality notes."""
        return (self.published or self.figures).data

    def month_name(self, month: str) -> str:
        return month_name(month, with_year=True)

    @property
    def audience_note(self) -> str:
        """For a wider audience, what the symbol c means; nothing for the QA team."""
        return f"*This report is for wider circulation. {self.published.note}*" if self.published is not None else ""

    @property
    def areas(self) -> list[str]:
        return list(self.params.service_areas)


def open_run(
    params_path: str, audits_path: str, period_from: str, period_to: str, target_return_rate: float, sheet: str | None = None
) -> Run:
    """The run for a notebook: under the runner, the figures it computed once (`audits_path` is then its
    figures file); in JupyterLab, a raw audits file read, validated and computed here. Never writes anything
    but the chart cache (the demo data comes from `make demo`)."""

    params = _params(params_path)
    period = Period(period_from, period_to)
    path = _beside_params(audits_path, params, "audits.csv")
    cache = _chart_cache(path)
    if cache is not None:
        from qa_lib.figures import RunFigures

        figures: RunFigures | PublishedFigures = read_figures(path, (RunFigures, PublishedFigures))
    else:
        from qa_lib.inputs.load import load_audits  # pandera is only needed for a raw file

        _exists(path)
        data = load_audits(path, params, sheet=sheet, period_end=period.end)
        ssd = None
        if params.ssd.folder is not None:  # the council's SSD extract, as the runner reads it
            from qa_lib.inputs.ssd import RUN, read_configured

            ssd = read_configured(params.ssd, RUN)
        figures = compute_all(data.frame, params, period, data.summary(), ssd)
        if params.audience == "wider":  # the runner's protection and its audit, the same in JupyterLab
            from qa_lib.disclosure.protect import protected

            figures = protected(figures, params.min_count)
    run = Run(chart_cache=cache, params=params, period=period, target=float(target_return_rate))
    if isinstance(figures, PublishedFigures):
        run.published = figures  # a wider run: the unprotected figures never reach this notebook
    elif params.audience == "wider":
        raise QAPackError("audience: wider, but the run handed this notebook unprotected figures; nothing is shown")
    else:
        run.figures = figures
    return run


def _chart_cache(path: Path) -> Path | None:
    """Under a runner (`path` is its figures file), the run's chart cache beside it; in JupyterLab, none."""
    if not is_handoff(path):
        return None
    cache = path.parent / "charts"
    cache.mkdir(exist_ok=True)
    return cache


def _params(params_path: str) -> Params:
    """The notebook's params: the file given, else the pack's demo params, found through the installed package
    (so a notebook copied out of notebooks/ still runs: its defaults are never paths relative to a folder)."""
    return load_params(params_path or resources.default_params("demo.yml"))


def _beside_params(given: str, params: Params, demo_name: str) -> Path:
    """A file the notebook reads: the one given, else the params' audits file (or, for `demo_name` other than
    the audits, the file of that name beside it: the demo's caseload and calibration file)."""
    if given:
        return Path(given)
    if params.audits is None:
        raise QAPackError("no file given and params name no audits file; pass the path in the notebook's parameters cell")
    audits = Path(params.audits)
    return audits if demo_name == "audits.csv" else audits.with_name(demo_name)


def _exists(path: Path) -> None:
    if not path.exists():
        raise QAPackError(f"{path} not found; for the demo data, run `make demo` (or `qa-pack demo --out data/demo`) first")


@dataclass
class SamplingRun(View):
    """The sampling notebook's view: params, the validated caseload and the audit history."""

    params: Params = field(default=None)  # type: ignore[assignment]  # always given
    caseload: pd.DataFrame = field(default_factory=pd.DataFrame)
    history: pd.DataFrame = field(default_factory=pd.DataFrame)
    ssd: Path | None = None  # draw from this SSD extract folder instead of the caseload (data contract 6.1)


def open_sampling(params_path: str, caseload_path: str, history_path: str, ssd_path: str = "") -> SamplingRun:
    """Params, validated caseload (or the SSD extract's folder) and audit history for the sampling notebook.
    Never writes anything."""
    from qa_lib.inputs.caseload import load_caseload  # heavy: pandera, only for a raw file
    from qa_lib.inputs.load import load_audits

    params = _params(params_path)
    history = _beside_params(history_path, params, "audits.csv")
    _exists(history)
    if ssd_path:
        return SamplingRun(params=params, history=load_audits(history, params).frame, ssd=Path(ssd_path))
    caseload = _beside_params(caseload_path, params, "caseload.csv")
    _exists(caseload)
    return SamplingRun(
        params=params,
        caseload=load_caseload(caseload, params).frame,
        history=load_audits(history, params).frame,
    )


@dataclass
class CalibrationRun(View):
    """The calibration notebook's view: params and the calibration figures (auditors by code only)."""

    params: Params = field(default=None)  # type: ignore[assignment]  # always given
    figures: CalibrationFigures = field(default=None)  # type: ignore[assignment]


def open_calibration(params_path: str, calibration_path: str) -> CalibrationRun:
    """The calibration report's run: under `qa-pack calibrate`, the figures it computed (`calibration_path` is
    then its figures file); in JupyterLab, the calibration file read, checked and computed here, with auditors'
    codes from params' audits file when there is one. Never writes anything but the chart cache."""

    params = _params(params_path)
    path = _beside_params(calibration_path, params, "calibration.csv")
    cache = _chart_cache(path)
    if cache is not None:
        figures = read_figures(path, CalibrationFigures)
    else:
        from qa_lib.sections.calibration.figures import calibration_figures

        _exists(path)
        figures = calibration_figures(params, path)
    return CalibrationRun(chart_cache=cache, params=params, figures=figures)
