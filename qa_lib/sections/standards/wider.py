"""Section 3.1.2 for a wider audience: drawn only from the run's published figures (a hidden count is c).
Its marks and sentences are the internal report's own verdicts, kept only where every count behind them is shown."""

from __future__ import annotations

from qa_lib.disclosure.claims import published_claims
from qa_lib.disclosure.published import PublishedFigures
from qa_lib.notebook import Run
from qa_lib.sections.standards import display, figures, words


def standards_sentences(pub: PublishedFigures, labels: dict[str, str]) -> list[str]:
    """The noise-rule sentences on the standards shown in full; a line on those that are not."""
    trends = published_claims(pub).trends
    out = words.standards_sentences(trends, labels, pub.standards.cohorts) if not trends.empty else []
    left = [labels.get(s, s) for s in labels if s not in set(trends["standard"])]
    if left:
        out.append(
            "Not compared across the period, because a count in its first or last month is small or could reveal one (c): "
            + "; ".join(left)
            + "."
        )
    return out


def standards(run: Run, inadequate: bool = True, heatmap: bool = True, caption: str | None = None) -> None:
    assert run.published is not None
    pub = run.published
    months = list(pub.standards.months)
    moves = published_claims(pub).moves
    run.show_text(standards_sentences(pub, run.params.short_names))
    table = pub.frame("standards.table")
    run.show_text(f"*{figures.TEST_NOTE}*")  # the key before the table it explains
    run.show_table(
        display.standards_table(table, moves, run.params.short_names, months),
        caption or "Good or outstanding and requires improvement, by practice standard and month",
    )
    if inadequate:
        run.show_table(
            display.standards_table(table, moves, run.params.short_names, months, kinds=(display.INADEQUATE,)),
            "Inadequate, by practice standard and month",
        )
