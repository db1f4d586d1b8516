"""Sections 3.2 (key and recurring themes) and 4 (themes and actions) as a notebook shows them, from the run's
figures."""

from __future__ import annotations

from qa_lib.notebook import Run
from qa_lib.sections.themes import charts, display, words


def period_line(run: Run) -> None:
    run.show_text(f"**Reporting period:** {run.period.label}.")


def key_themes(run: Run, heading: str = "###") -> None:
    """For each month: strengths and learning among the standards, with the themes auditors' comments raise (in a
    wider pack, among the standards whose counts are all shown)."""
    run.show_section("key-themes", heading=heading)


def recurring(run: Run, chart: bool = True, by_standard: bool = True, detail: bool = True) -> None:
    """Audits whose comments mention each theme (counts only, never the text), for either audience from its
    view of the figures: the sentence only when every count is shown; without `detail` (the highlight), a link
    to the table and chart, except in a wider pack, which is the highlight alone and keeps its table (hidden
    counts as c). The themes by standard are for the QA team."""
    complete = run.complete("themes.counts")
    if complete is not None:
        run.show_text(words.recurring_themes_sentence(complete, run.months))
    if not detail and not run.highlight_alone:
        run.show_more("themes", "every theme auditors' comments raise, month by month and by standard")
        return
    caption = "Returned audits whose comments mention each theme: number (% of returned audits)"
    run.show_table(display.themes_table(run.frame("themes.counts"), run.months), caption)
    if chart and complete is not None:
        run.show_chart(charts.themes_chart, complete, run.months)
    if by_standard and run.shown.themes.by_standard is not None:  # None: not published for a wider audience
        caption = "Audits whose comment on a standard mentions each theme, whole period"
        run.show_table(display.theme_standard_table(run.frame("themes.by_standard"), run.params.short_names), caption)


def quotes(run: Run) -> None:
    """Exemplar quotes, only when params switch them on, and always redacted (when the figures were computed);
    never in a wider pack, whose published figures carry none."""
    if run.highlight_alone:
        run.show_text("*Exemplar quotes from auditors' comments are not published for a wider audience.*")
        return
    found = run.figures.themes.quotes
    if found is None:
        run.show_text("*Exemplar quotes are switched off (params `quotes: enabled: false`), so no auditor's words appear in this report.*")
        return
    run.show_table(display.quotes_table(found, run.params.short_names), "Exemplar quotes from auditors' comments (redacted)")


def actions_taken(run: Run) -> None:
    """Section 4, from the QA lead's actions file: simple formatting and plain https:// links kept, nothing else."""
    run.show_block("actions")  # a wider run's published figures carry the same actions
