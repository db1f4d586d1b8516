"""Section 3.1.2 (practice standards) as a notebook shows it."""

from __future__ import annotations

from qa_lib.notebook import Run
from qa_lib.sections.standards import charts, display, figures, words


def standards(run: Run, inadequate: bool = True, heatmap: bool = True, caption: str | None = None) -> None:
    """The noise-rule sentences, the reference-layout table (and the Inadequate table), the test note and heat map."""
    months = run.months_with_previous
    table = figures.standards(run.audits, months, list(run.params.standards))
    moves = figures.changes(table, months)
    run.show_text(words.standards_sentences(figures.trends(table, months), run.params.standards))
    run.show_table(
        display.standards_table(table, moves, run.params.standards, months),
        caption or "Good/outstanding (G/O) and requires improvement (RI) by practice standard and month",
    )
    if inadequate:
        run.show_table(
            display.standards_table(table, moves, run.params.standards, months, kinds=("I",)),
            "Inadequate (I) by practice standard and month",
        )
    run.show_text(f"*{figures.TEST_NOTE}*")
    if heatmap:
        run.show_chart(charts.standards_heatmap(table, run.params.standards, months))
