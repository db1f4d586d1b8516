"""Sections 3.2 and 4 for a wider audience: drawn only from the run's published figures (a hidden count is c).
Strengths and learning are chosen among the standards shown in full; exemplar quotes are never published."""

from __future__ import annotations

from qa_lib.disclosure.published import STANDARD_COUNTS as COUNTS
from qa_lib.notebook import Run
from qa_lib.render.cells import count_cell, is_hidden, pct_cell
from qa_lib.sections.themes import figures, words


def key_themes(run: Run, heading: str = "###") -> None:
    """Strengths and learning for each month, chosen among that month's standards whose counts are all shown."""
    assert run.published is not None
    pub = run.published
    table = pub.shown_rows("standards.table", COUNTS)
    for month in run.months:
        strengths, learning = figures.key_themes(table, month, run.params.key_themes["strengths"], run.params.key_themes["learning"])
        text = [
            f"{heading} {run.month_name(month)} – {pub.compliance.month_themes.get(month) or 'no audits'}",
            words.key_theme_text(table, month, strengths, learning, run.params.short_names),
        ]
        if (table["audit_month"] == month).sum() < len(run.params.standards):
            text.append("*Chosen among the standards whose counts are all shown this month.*")
        run.show_text(text)


def recurring(run: Run, chart: bool = True, by_standard: bool = True) -> None:
    assert run.published is not None
    counts = run.published.frame("themes.counts")
    complete = run.published.complete("themes.counts")
    if complete is not None:
        run.show_text(words.recurring_themes_sentence(complete, run.months))
    caption = "Returned audits whose comments mention each theme: number (% of returned audits)"
    cells = counts.assign(
        cell=["c" if is_hidden(a, p) else f"{count_cell(a)} ({pct_cell(p, 0)})" for a, p in zip(counts["audits"], counts["percent"])]
    )
    wide = cells.pivot(index="label", columns="audit_month", values="cell").reindex(columns=run.months)
    order = list(dict.fromkeys(counts["label"]))
    wide = wide.reindex(order)
    wide.columns = [run.month_name(m) for m in wide.columns]
    run.show_table(wide.rename_axis("Theme").reset_index(), caption)


def quotes(run: Run) -> None:
    run.show_text("*Exemplar quotes from auditors' comments are not published for a wider audience.*")
