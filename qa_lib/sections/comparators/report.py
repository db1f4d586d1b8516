"""Sections 3.1.3 to 3.1.5 (comparator cohorts) as a notebook shows them."""

from __future__ import annotations

from qa_lib.notebook import Run
from qa_lib.sections.comparators import charts, display, figures, words


def period_line(run: Run) -> None:
    run.show_text(f"**Reporting period:** {run.period.label}.")


def cohorts(run: Run, heading: str = "###", tables: bool = True) -> None:
    """Each cohort audited in the period against its earlier audit months: words, table and chart."""
    comp = figures.comparators(run.audits, run.months, list(run.params.standards))
    for cohort in figures.period_cohorts(run.audits, run.months):
        label, cmp = run.params.cohorts.get(cohort, cohort), figures.comparison(comp, cohort)
        months = figures.cohort_months(run.audits, cohort, run.period.end)
        run.show_text([f"{heading} {label}", *words.comparator_text(label, months, cmp, figures.picture(cmp), run.params.standards)])
        if tables:
            run.show_table(
                display.comparator_table(comp, cohort, run.params.standards),
                f"{label}: % good or outstanding (good or outstanding/graded) by audit month",
            )
        if comp.loc[comp["cohort"] == cohort, "audit_month"].nunique() > 1:
            run.show_chart(charts.comparator_chart(comp, cohort, label, run.params.standards))
