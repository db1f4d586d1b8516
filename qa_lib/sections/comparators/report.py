"""Sections 3.1.3 to 3.1.5 (comparator cohorts) as a notebook shows them, from the run's figures."""

from __future__ import annotations

from qa_lib.disclosure.published import COMPARATOR_COUNTS
from qa_lib.notebook import Run
from qa_lib.sections.comparators import charts, display


def period_line(run: Run) -> None:
    run.show_text(f"**Reporting period:** {run.period.label}.")


def cohorts(run: Run, heading: str = "###", tables: bool = True, detail: bool = True) -> None:
    """Each cohort audited in the period against its earlier audit months: words, table and chart; without
    `detail` (the highlight), the verdict and what moved beyond chance, with a link to the rest. For either
    audience: a wider pack compares only the standards whose counts are all shown, and draws a cohort's chart
    only when none of its counts is hidden."""
    f = run.shown.comparators
    comp = run.frame("comparators.comp")
    run.show_block("edited:comparators")  # the QA lead's words for the section, if any, then each cohort
    for i, c in enumerate(f.cohorts):
        # its heading, and its drafted words unless the QA lead wrote them
        run.show_block(f"cohort:{i}:{heading}" if detail else f"cohort-brief:{i}:{heading}")
        if not detail:
            continue
        if tables:
            run.show_table(
                display.comparator_table(comp, c.cohort, run.params.short_names),
                f"{c.label}: % good or outstanding (good or outstanding/graded; 95% interval) by audit month",
            )
        if c.audit_months > 1 and not c.not_compared:
            shown = run.shown_rows("comparators.comp", COMPARATOR_COUNTS)
            run.show_chart(charts.comparator_chart, shown, c.cohort, c.label, run.params.short_names)
    if not detail and f.cohorts:
        run.show_more("comparators", "every standard for each cohort, with its table and chart")
