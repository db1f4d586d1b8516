"""The calibration report's sections as the notebook shows them, from the run's figures (codes only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qa_lib.sections.calibration import charts, display, words
from qa_lib.sections.calibration.figures import MIN_GRADINGS, NOTICEABLE

if TYPE_CHECKING:
    from qa_lib.notebook import CalibrationRun


def summary(run: CalibrationRun) -> None:
    """What the file holds: exercises, auditors and cases, and rows read, used and rejected."""
    run.show_text(words.summary_sentences(run.figures))


def by_standard(run: CalibrationRun) -> None:
    """How far auditors agreed on the overall grade and each standard, in the latest exercise, with the chart
    and the table for every exercise."""
    f, names = run.figures, run.params.short_names
    run.show_text(words.standard_sentences(f, names))
    latest = f.exercises[-1]
    run.show_chart(charts.standards_chart, f, latest, names, f"How far auditors agreed, by standard: {latest}")
    for ex in reversed(f.exercises[:-1]):
        run.show_table(display.agreement_table(f, ex, names), f"How far auditors agreed, by standard: {ex}")


def trend(run: CalibrationRun) -> None:
    """Agreement across exercises, oldest first."""
    f, names = run.figures, run.params.short_names
    run.show_text(words.trend_sentences(f, names))
    if len(f.exercises) >= 2:
        run.show_chart(charts.trend_chart, f, names, "Krippendorff's alpha by exercise: the overall grade and each standard")


def auditors(run: CalibrationRun) -> None:
    """Where each auditor's grades sit against the group's, by pseudonymous code (never ranked)."""
    f = run.figures
    run.show_text(words.auditor_sentences(f.positions))
    if not f.positions.empty:
        title = "Each auditor's grades against the group's grade for the case: mean steps, by exercise"
        run.show_chart(charts.positions_chart, f, title)


def method(run: CalibrationRun) -> None:
    """How the figures are worked out, for the statistician."""
    run.show_text(
        [
            "**Cases and auditors.** A case counts for a standard when at least two auditors graded it there; N/A and blank "
            "grades are left out. Auditors appear only as codes (Auditor A, B, …), the same codes as in the grades report's "
            "consistency section; the QA lead holds the key (`qa-pack auditors --key FILE`).",
            "**Same grade (% of pairs).** Of every pair of auditors who graded the same case, the share who gave the same grade, "
            "averaged over cases.",
            "**Krippendorff's alpha (ordinal).** Agreement beyond chance with the ordinal distance between grades "
            "(Outstanding, Good, Requires Improvement, Inadequate), computed by the `krippendorff` package. Krippendorff's "
            "guide: rely on 0.80 or more; draw tentative conclusions from 0.67 to 0.80; below 0.67, the grades are not "
            "consistent enough to rely on.",
            "**Gwet's AC2 (ordinal weights).** A second chance-corrected coefficient, less upset when most grades fall in one "
            "or two grades; its 95% interval (Gwet's variance, t with cases − 1 degrees of freedom) shows how far the figure "
            "could move by chance with this few cases.",
            f"**The group's grade.** For each case and standard, the grade most auditors gave; a tie goes to the tied grade "
            "nearest the median, and a tie that leaves is left out, as is a case only one auditor graded. An auditor's steps "
            "from it are + when they graded higher (more generously) and − when lower (harsher). An auditor half a step or "
            f"more away on average ({NOTICEABLE} steps) over at least {MIN_GRADINGS} gradings is named as someone who may "
            "benefit from a calibration conversation; "
            "nobody is ranked.",
        ]
    )
