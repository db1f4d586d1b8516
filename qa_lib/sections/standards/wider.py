"""Section 3.1.2 for a wider audience: drawn only from the run's published figures (a hidden count is c).
Month-on-month changes and the noise rule are worked only for standards whose every count is shown."""

from __future__ import annotations

from qa_lib.disclosure.claims import published_claims
from qa_lib.disclosure.published import PublishedFigures
from qa_lib.notebook import Run
from qa_lib.sections.standards import display, figures, words


def standards_sentences(pub: PublishedFigures, labels: dict[str, str]) -> list[str]:
    """The noise-rule sentences on the standards shown in full; a line on those that are not."""
    claims = published_claims(pub)
    shown = claims.shown
    out = words.standards_sentences(claims.trends, labels, pub.standards.cohorts) if not shown.empty else []
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
    moves = published_claims(pub).moves
    run.show_text(standards_sentences(pub, run.params.standards))
    table = pub.frame("standards.table")
    run.show_text(f"*{figures.TEST_NOTE}*")  # the key before the table it explains
    run.show_table(
        display.standards_table(table, moves, run.params.standards, months),
        caption or "Good or outstanding and requires improvement, by practice standard and month",
    )
    if inadequate:
        run.show_table(
            display.standards_table(table, moves, run.params.standards, months, kinds=(display.INADEQUATE,)),
            "Inadequate, by practice standard and month",
        )
