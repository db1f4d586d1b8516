"""Sections 3.1.3 to 3.1.5 (comparator cohorts) as a notebook shows them, from the run's figures."""

from __future__ import annotations

from qa_lib.notebook import Run
from qa_lib.sections.comparators import charts, display, wider, words


def period_line(run: Run) -> None:
    run.show_text(f"**Reporting period:** {run.period.label}.")


def cohorts(run: Run, heading: str = "###", tables: bool = True) -> None:
    """Each cohort audited in the period against its earlier audit months: words, table and chart."""
    if run.published is not None:  # a wider run: only the published figures
        return wider.cohorts(run, heading=heading, tables=tables)
    f = run.figures.comparators
    edited = run.figures.commentary.get("comparators")
    if edited is not None:  # the QA lead's words for the section, then each cohort's figures
        run.show_section("comparators")
    for c in f.cohorts:
        if edited is None:
            text = words.comparator_text(c.label, c.months, c.comparison, c.picture, run.params.standards)
            run.show_text([f"{heading} {c.label}", *text])
        else:
            run.show_text(f"{heading} {c.label}")
        if tables:
            run.show_table(
                display.comparator_table(f.comp, c.cohort, run.params.standards),
                f"{c.label}: % good or outstanding (good or outstanding/graded; 95% interval) by audit month",
            )
        if c.audit_months > 1:
            run.show_chart(charts.comparator_chart(f.comp, c.cohort, c.label, run.params.standards))
