"""Sections 3.2 (key and recurring themes) and 4 (themes and actions) as a notebook shows them."""

from __future__ import annotations

from qa_lib.notebook import Run
from qa_lib.sections.compliance import figures as compliance
from qa_lib.sections.standards import figures as standards
from qa_lib.sections.themes import actions, charts, display, figures, words
from qa_lib.sections.themes.redact import Redactor


def period_line(run: Run) -> None:
    run.show_text(f"**Reporting period:** {run.period.label}.")


def key_themes(run: Run, heading: str = "###") -> None:
    """For each month: strengths and learning among the standards, with the themes auditors' comments raise."""
    table = standards.standards(run.audits, run.months_with_previous, list(run.params.standards))
    by_standard = figures.theme_by_standard(run.audits, run.months, run.params.themes, list(run.params.standards))
    themes = compliance.month_themes(run.audits, run.months, run.params.cohorts)
    for month in run.months:
        strengths, learning = figures.key_themes(table, month, **run.params.key_themes)
        run.show_text(
            [
                f"{heading} {run.month_name(month)} – {themes[month] or 'no audits'}",
                words.key_theme_text(table, month, strengths, learning, run.params.short_names, by_standard),
            ]
        )


def recurring(run: Run, chart: bool = True, by_standard: bool = True) -> None:
    """Audits whose comments mention each theme (counts only, never the text)."""
    counts = figures.theme_counts(run.audits, run.months, run.params.themes, list(run.params.standards))
    run.show_text(words.recurring_themes_sentence(counts, run.months))
    run.show_table(
        display.themes_table(counts, run.months), "Returned audits whose comments mention each theme: number (% of returned audits)"
    )
    if chart:
        run.show_chart(charts.themes_chart(counts, run.months))
    if by_standard:
        table = figures.theme_by_standard(run.audits, run.months, run.params.themes, list(run.params.standards))
        run.show_table(
            display.theme_standard_table(table, run.params.short_names),
            "Audits whose comment on a standard mentions each theme, whole period",
        )


def quotes(run: Run) -> None:
    """Exemplar quotes, only when params switch them on, and always redacted first."""
    settings = run.params.quotes
    if not settings.enabled:
        run.show_text("*Exemplar quotes are switched off (params `quotes: enabled: false`), so no auditor's words appear in this report.*")
        return
    keys = list(run.params.standards)
    redactor = Redactor.for_audits(run.audits, figures.text_columns(run.audits, keys), settings.redact_names, settings.allowed_words)
    found = figures.quotes(run.audits, run.months, run.params.themes, keys, redactor, settings.per_theme)
    run.show_table(display.quotes_table(found, run.params.short_names), "Exemplar quotes from auditors' comments (redacted)")


def actions_taken(run: Run) -> None:
    """Section 4, from the QA lead's actions file: simple formatting and plain https:// links kept, nothing else."""
    run.show_text(actions.actions_markdown(actions.load_actions(run.params.actions)), links=True)
