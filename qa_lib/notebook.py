"""What a notebook needs besides `qa_lib`'s figures: open the run's data, show things.

`open_run` is the first call of every notebook. Under the runner it reads the
validated copy the runner wrote (parquet plus a JSON summary) and validates
nothing again; in JupyterLab it reads and validates the audits file itself.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from IPython.display import HTML, display

from .charts import Chart
from .params import Params, load_params
from .period import Period, month_name
from .sanitise import escape, markdown_html

REPO = Path(__file__).resolve().parent.parent
AUDIENCE = {"value": "internal"}
# Under the runner: charts drawn once per run, reused by other notebooks (set by open_run).
CHART_CACHE: dict[str, Path | None] = {"dir": None}
DEMO_AUDITS = REPO / "data" / "demo" / "audits.csv"


@dataclass
class Run:
    """One notebook's view of a run: params, period, validated audits and the row counts."""

    params: Params
    period: Period
    audits: pd.DataFrame
    data: dict
    target: float

    @property
    def months(self) -> list[str]:
        return self.period.months

    @property
    def trend_months(self) -> list[str]:
        return self.period.trend_months

    @property
    def trend_months_with_data(self) -> list[str]:
        """The trend window, starting at the first month that has any audit."""
        present = set(self.audits["audit_month"])
        months = self.trend_months
        first = next((i for i, m in enumerate(months) if m in present), len(months) - len(self.months))
        return months[first:]

    @property
    def months_with_previous(self) -> list[str]:
        """The period with the month before it (when it has audits), the baseline for month-on-month change."""
        return self.period.with_previous(set(self.audits["audit_month"]))

    def month_name(self, month: str) -> str:
        return month_name(month, with_year=True)

    @property
    def audience_note(self) -> str:
        """For a wider audience, what the symbol c means; nothing for the QA team."""
        from .disclosure import NOTE

        return f"*This report is for wider circulation. {NOTE}*" if self.params.audience == "wider" else ""

    @property
    def areas(self) -> list[str]:
        return list(self.params.service_areas)


def write_validated(data, folder: Path) -> Path:
    """Write the validated frame (parquet) and its row summary (JSON) for notebooks to open."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "audits.parquet"
    data.frame.to_parquet(path, index=False)
    (folder / "audits.summary.json").write_text(json.dumps(data.summary(), indent=1), encoding="utf-8")
    return path


def open_run(
    params_path: str, audits_path: str, period_from: str, period_to: str, target_return_rate: float, sheet: str | None = None
) -> Run:
    """Params and validated audits for a notebook (parquet from the runner, or a raw file)."""
    params = load_params(params_path)
    period = Period(period_from, period_to)
    path = Path(audits_path)
    if path.suffix == ".parquet":
        cache = path.parent / "charts"
        cache.mkdir(exist_ok=True)
        CHART_CACHE["dir"] = cache
        frame = pd.read_parquet(path)
        summary = json.loads(path.with_name("audits.summary.json").read_text(encoding="utf-8"))
    else:
        from .load import load_audits  # pandera is only needed for a raw file, not the runner's parquet

        if path.resolve() == DEMO_AUDITS and not path.exists():
            from .demo import write_demo

            write_demo(DEMO_AUDITS.parent)
        data = load_audits(path, params, sheet=sheet, period_end=period.end)
        frame, summary = data.frame, data.summary()
    AUDIENCE["value"] = params.audience
    return Run(params=params, period=period, audits=frame, data=summary, target=float(target_return_rate))


def show_text(text: str | list[str], links: bool = False) -> None:
    """Drafted commentary: one paragraph per sentence (list) or a markdown string. Rendered here, with raw
    HTML shown as text and the result sanitised, so a label or note can never become markup; `links` keeps
    plain https:// links (the QA lead's actions), otherwise links are dropped."""
    blocks = text if isinstance(text, list) else [text]
    if AUDIENCE["value"] == "wider":
        from .disclosure import protect_text

        blocks = [protect_text(b) for b in blocks]
    text = "\n\n".join(b for b in blocks if b)
    if text:
        display(HTML(markdown_html(text, links=links)))


NUMBER_LIKE = r"^\s*(?:–|-?[\d.,]+%?(?:\s*\(\d+/\d+\))?)\s*$"


def show_table(frame: pd.DataFrame, caption: str | None) -> None:
    """A real HTML table with header cells and a caption (None: the header says it all):
    words left-aligned, figures right-aligned."""
    if AUDIENCE["value"] == "wider":
        from .disclosure import protect_display

        frame = protect_display(frame)
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
    display(HTML(styler.to_html()))


def show_chart(chart: Chart) -> None:
    """The chart as an embedded PNG with alt text, so the HTML needs no other file. For a wider
    audience, a chart that would show a count from 1 to 4 is withheld (its bars and labels would disclose it)."""
    if AUDIENCE["value"] == "wider":
        from .disclosure import small

        if any(small(c) for c in chart.counts):
            show_text(f"*Chart withheld for wider circulation: {chart.title.lower()} would show counts under five.*")
            return
    img = (
        f'<figure class="qa-figure"><img src="data:image/png;base64,{_png(chart)}" '
        f'alt="{escape(chart.alt)}"/>'
        f"<figcaption>{escape(chart.title)}</figcaption></figure>"
    )
    display(HTML(img))


def _png(chart: Chart) -> str:
    """The chart's PNG (base64), from the run's cache when another notebook of this run already drew it.

    A chart is the same chart when its title, alt text (which states its figures), every count it shows
    and its size are the same; the cache lives in the run's private work folder and goes with it."""
    folder = CHART_CACHE["dir"]
    if folder is None:
        return chart.png_base64()
    key = hashlib.sha1(
        repr((chart.title, chart.alt, chart.counts, chart.figure.get_size_inches().tolist(), AUDIENCE["value"])).encode()
    ).hexdigest()
    path = folder / f"{key}.b64"
    if path.is_file():
        return path.read_text(encoding="ascii")
    png = chart.png_base64()
    tmp = path.with_name(f"{key}.{os.getpid()}.tmp")
    tmp.write_text(png, encoding="ascii")
    tmp.replace(path)
    return png


def show_quotes(run: Run) -> None:
    """Exemplar quotes, only when params switch them on, and always redacted first."""
    from .present import quotes_table
    from .redact import Redactor
    from .themes import quotes, text_columns

    settings = run.params.quotes
    if not settings.enabled:
        show_text("*Exemplar quotes are switched off (params `quotes: enabled: false`), so no auditor's words appear in this report.*")
        return
    keys = list(run.params.standards)
    redactor = Redactor.for_audits(run.audits, text_columns(run.audits, keys), settings.redact_names, settings.allowed_words)
    q = quotes(run.audits, run.months, run.params.themes, keys, redactor, settings.per_theme)
    show_table(quotes_table(q, run.params.short_names), "Exemplar quotes from auditors' comments (redacted)")


DEMO_CASELOAD = REPO / "data" / "demo" / "caseload.csv"


def open_sampling(params_path: str, caseload_path: str, history_path: str):
    """Params, validated caseload and audit history for the sampling notebook (demo files written if missing)."""
    from .caseload import load_caseload
    from .load import load_audits

    params = load_params(params_path)
    if Path(caseload_path).resolve() == DEMO_CASELOAD and not DEMO_CASELOAD.exists():
        from .demo import write_demo

        write_demo(DEMO_CASELOAD.parent)
    AUDIENCE["value"] = params.audience
    return params, load_caseload(caseload_path, params).frame, load_audits(history_path, params).frame
