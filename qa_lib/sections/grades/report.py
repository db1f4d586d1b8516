"""Sections 2.3 and 3.1.1 (moderation and overall grades) as a notebook shows them."""

from __future__ import annotations

from qa_lib.notebook import Run
from qa_lib.sections.compliance import figures as compliance
from qa_lib.sections.grades import charts, display, moderation, words
from qa_lib.sections.grades import figures as grades


def period_line(run: Run) -> None:
    run.show_text(f"**Reporting period:** {run.period.label}.")


def moderation_outcomes(run: Run, table: bool = True) -> None:
    """How many audits were moderated each month and what became of their grades, in the reference's words."""
    summary = moderation.moderation_summary(run.audits, run.months)
    outcomes = moderation.moderation_outcomes(run.audits, run.months)
    themes = compliance.month_themes(run.audits, run.months, run.params.cohorts)
    run.show_text(words.moderation_text(summary, outcomes, run.months, themes))
    if table:
        run.show_table(display.moderation_summary_table(summary), "Audits moderated and their outcome, by month")


def moderation_matrix(run: Run, table: bool = True) -> None:
    matrix = moderation.moderation_matrix(run.audits, run.months)
    if table:
        run.show_table(display.matrix_table(matrix), "Auditor's grade against the grade after moderation, whole period")
    run.show_chart(charts.moderation_matrix_chart(matrix))


def agreement(run: Run, table: bool = True) -> None:
    agree = moderation.agreement(run.audits, run.months)
    run.show_text(words.agreement_sentences(agree, run.months))
    if table:
        run.show_table(display.agreement_table(agree), "Agreement between auditor and moderator")


def overall(run: Run, table: bool = True) -> None:
    """Overall grades by month, before and after moderation."""
    before = grades.overall_grades(run.audits, run.months)
    after = grades.overall_grades(run.audits, run.months, after_moderation=True)
    run.show_text(words.overall_grade_sentences(before, after, run.months))
    if table:
        run.show_table(display.overall_grades_table(before, after), "Overall grades by month: number (% of returned audits)")
    run.show_chart(charts.overall_grades_chart(before, after, run.months))


def by_area(run: Run, caption: str | None = None) -> None:
    table = grades.grades_by_area(run.audits, run.months, run.areas)
    run.show_table(display.grades_by_area_table(table), caption or f"Grade by service area, {run.period.label}")


def trend(run: Run) -> None:
    months = run.trend_months_with_data
    run.show_chart(charts.grades_trend_chart(grades.overall_grades(run.audits, months), months))
