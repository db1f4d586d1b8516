"""Section 3.1.2 for a wider audience: drawn only from the run's published figures (a hidden count is c).
Month-on-month changes and the noise rule are worked only for standards whose every count is shown."""

from __future__ import annotations

import pandas as pd

from qa_lib.disclosure.published import PublishedFigures
from qa_lib.notebook import Run
from qa_lib.sections.standards import display, figures, words

COUNTS = ["graded", "good_or_outstanding", "requires_improvement", "inadequate"]


def shown_standards(pub: PublishedFigures) -> pd.DataFrame:
    """The standards table (period and baseline month) for the standards with every count shown, as numbers."""
    table = pub.frame("standards.table")
    hidden = table[table[COUNTS].astype(str).eq("c").any(axis=1)]["standard"].unique()
    return pub.shown_rows("standards.table", COUNTS).pipe(lambda t: t[~t["standard"].isin(hidden)]).reset_index(drop=True)


def standards_sentences(pub: PublishedFigures, labels: dict[str, str]) -> list[str]:
    """The noise-rule sentences on the standards shown in full; a line on those that are not."""
    shown = shown_standards(pub)
    months = list(pub.standards.months)
    out = words.standards_sentences(figures.trends(shown, months), labels, pub.standards.cohorts) if not shown.empty else []
    left = [labels.get(s, s) for s in labels if s not in set(shown["standard"])]
    if left:
        out.append(
            "Not compared month to month, because a count in one of the months is small or could reveal one (c): " + "; ".join(left) + "."
        )
    return out


def standards(run: Run, inadequate: bool = True, heatmap: bool = True, caption: str | None = None) -> None:
    assert run.published is not None
    pub = run.published
    months = list(pub.standards.months)
    shown = shown_standards(pub)
    moves = figures.changes(shown, months) if not shown.empty else pd.DataFrame()
    run.show_text(standards_sentences(pub, run.params.standards))
    table = pub.frame("standards.table")
    run.show_text(f"*{figures.TEST_NOTE}*")  # the key before the table it explains
    run.show_table(
        display.standards_table(table, moves, run.params.standards, months),
        caption or "Good/outstanding (G/O) and requires improvement (RI) by practice standard and month",
    )
    if inadequate:
        run.show_table(
            display.standards_table(table, moves, run.params.standards, months, kinds=("I",)),
            "Inadequate (I) by practice standard and month",
        )
