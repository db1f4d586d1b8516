"""Sections 3.2 and 4 for a wider audience: drawn only from the run's published figures (a hidden count is c).
Strengths and learning are chosen among the standards shown in full; exemplar quotes are never published."""

from __future__ import annotations

from qa_lib.disclosure.published import STANDARD_COUNTS as COUNTS
from qa_lib.notebook import Run
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
