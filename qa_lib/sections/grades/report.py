"""Sections 2.3 and 3.1.1 (moderation and overall grades) as a notebook shows them, from the run's figures."""

from __future__ import annotations

from typing import Any

from qa_lib.inputs.period import month_short
from qa_lib.inputs.schema import GRADE_LABELS, GRADES
from qa_lib.notebook import Run
from qa_lib.render.cells import count_cell, listed, unlisted
from qa_lib.render.charts import p_chart_figure
from qa_lib.sections.grades import charts, display, words
from qa_lib.sections.grades.auditors import MIN_MODERATED
from qa_lib.sections.grades.figures import reaudit_outcomes
from qa_lib.sections.grades.moderation import MIN_N, lowest_agreement

NOT_PUBLISHED = "{what} is not published for a wider audience: the QA team's report has it."


def period_line(run: Run) -> None:
    run.show_text(f"**Reporting period:** {run.period.label}.")


def moderation_outcomes(run: Run, table: bool = True, detail: bool = True) -> None:
    """How many audits were moderated each month and what became of their grades, in the reference's words;
    without `detail` (the highlight), the QA lead's words if they wrote any and the month-by-month counts in one
    table (the outcome lists are in the audit quality report). For either audience (a hidden count is c)."""
    summary = display.moderation_summary_table(run.frame("grades.moderation_summary"))
    if not detail:
        run.show_block("edited:moderation")
        run.show_table(summary, "Audits moderated and their outcome, by month")
        return
    run.show_section("moderation")
    if table:
        run.show_table(summary, "Audits moderated and their outcome, by month")


def moderation_matrix(run: Run, table: bool = True) -> None:
    """The auditors' grades against the moderators' over the period (not published for a wider audience)."""
    matrix = run.shown.grades.moderation_matrix
    if matrix is None:
        run.show_text(f"*{NOT_PUBLISHED.format(what='The grid of grades before and after moderation')}*")
        return
    if not int(matrix.to_numpy().sum()):  # nothing moderated: a grid of zeros says nothing a sentence does not
        run.show_text("No audit was moderated over the period, so there is no grid of auditors' against moderators' grades.")
        return
    if table:
        run.show_table(display.matrix_table(matrix), "Auditor's grade against the grade after moderation, whole period")
    run.show_chart(charts.moderation_matrix_chart, matrix)


def agreement(run: Run, table: bool = True) -> None:
    """Agreement between auditors and moderators, for either audience: the table only when every moderation
    count it rests on is shown."""
    run.show_section("agreement")
    agree, pairs = run.complete("grades.agreement"), run.complete("grades.moderation_outcomes")
    if table:
        if agree is not None and pairs is not None:
            run.show_table(display.agreement_table(agree), "Agreement between auditor and moderator")
    else:
        run.show_more("grades", "moderation month by month, the grid of auditors' against moderators' grades and agreement by standard")


def overall(run: Run, table: bool = True, detail: bool = True) -> None:
    """Overall grades by month, before and after moderation; with `detail`, the 12-month chart with its usual
    range too (else a link to it and to grades by service area). In a wider pack, which publishes no grade after
    moderation, the auditors' grades alone (a hidden count is c)."""
    g = run.shown.grades
    run.show_section("overall-grades")
    if g.after is None:
        returned = run.frame("compliance.participation_period").set_index("audit_month")["returned"]
        caption = "Overall grades by month, before moderation: number (% of returned audits)"
        run.show_table(display.before_table(run.frame("grades.before"), returned), caption)
        return
    if table:
        run.show_table(display.overall_grades_table(g.before, g.after), "Overall grades by month: number (% of returned audits)")
    run.show_chart(charts.overall_grades_chart, g.before, g.after, run.months)
    if not detail:
        run.show_more("grades", "overall grades over 12 months and by service area")
        return
    f = run.figures.grades
    if len(f.spc) >= 2:
        title = "Audits graded good or outstanding overall by month, with the average and its usual range"
        run.show_chart(p_chart_figure, f.spc, title, "Good or outstanding overall (% of returned)")


def by_area(run: Run, caption: str | None = None) -> None:
    """Overall grades by service area over the period, for either audience from its view of the figures (a hidden
    count is c); the funnel plot is for the QA team (no figure by area over the period is published)."""
    run.show_table(display.grades_by_area_table(run.frame("grades.by_area")), caption or f"Grade by service area, {run.period.label}")
    if run.shown.grades.funnel is None:  # None: not published for a wider audience
        return
    title = f"Good or outstanding overall by service area against the number of audits returned, {run.period.label}"
    measure = "share of audits graded good or outstanding overall"
    g = run.figures.grades
    run.show_funnel(g.funnel, g.funnel_curve, measure, title, "Audits returned in the period", "Graded good or outstanding (%)")


def trend(run: Run) -> None:
    """Overall grades over the 12-month window, for either audience: the chart when every count is shown, else
    the counts as a table (a hidden count is c)."""
    complete = run.complete("grades.trend")
    if complete is not None:
        run.show_chart(charts.grades_trend_chart, complete, list((run.published or run.figures).months.trend_with_data))
        return
    t = run.frame("grades.trend")
    wide = t.pivot(index="audit_month", columns="grade", values="count")[list(GRADES)].map(count_cell)
    wide.columns = [GRADE_LABELS[g] for g in wide.columns]
    wide.index = [month_short(m) for m in wide.index]
    run.show_table(wide.rename_axis("Month").reset_index(), "Overall grades by month, before moderation (number of returned audits)")


def _qa_team_figure(run: Run, name: str, missing: str) -> Any:
    """A grades figure shown to the QA team only: None in a wider run (nothing shown), or, said in `missing`'s
    words, when the data or params do not give it."""
    if run.highlight_alone:
        return None
    value = getattr(run.figures.grades, name)
    if value is None:
        run.show_text(missing)
    return value


def reaudits(run: Run) -> None:
    """How re-audited cases' grades moved (params `reaudit:`), counts only; QA-team reports only."""

    moves = _qa_team_figure(
        run, "reaudits", "*No re-audits are set in params (`reaudit: {grades: [Inadequate], after_months: 3}` draws them).*"
    )
    if moves is None:
        return
    outcomes = reaudit_outcomes(moves)
    run.show_text(words.reaudit_sentence(*outcomes))
    if sum(outcomes):
        run.show_table(display.reaudit_table(moves), "Re-audited cases: grade at the first audit against the grade at re-audit (number)")


def standard_agreement(run: Run) -> None:
    """Agreement between auditors and moderators standard by standard (the file's moderated_grade_<standard>
    columns), naming the standards read differently; QA-team reports only."""

    table = _qa_team_figure(
        run, "standard_agreement", "*The audits file has no per-standard moderated grades (`moderated_grade_<standard>` columns).*"
    )
    if table is None:
        return
    names = run.params.short_names
    exact = dict(zip(table["standard"], table["exact_agreement"]))
    run.show_text(words.standard_agreement_sentence(lowest_agreement(table), exact, names))
    caption = f"Agreement between auditors and moderators by practice standard, {run.period.label}"
    run.show_table(display.standard_agreement_table(table, names, MIN_N), caption)


def auditor_consistency(run: Run) -> None:
    """How consistently each auditor grades, judged by moderation, by pseudonymous code (QA-team reports only:
    nothing here in a wider run, the highlight report or the e-mail)."""

    c = _qa_team_figure(run, "auditors", "*The audits file records no auditor (`auditor_id`), so auditors' consistency cannot be shown.*")
    if c is None:
        return
    run.show_text(words.auditor_sentences(c.table, c.team_mean, c.left_out, c.months, MIN_MODERATED))
    if c.table.empty:
        return
    window = words.window_words(c.months)
    rows = listed(c.table, c.table["stands_out"].fillna(False).astype(bool).tolist())
    if len(rows) < len(c.table):  # a roll-up's thousands of auditors: those who differ here, every one in a private file
        run.show_text(
            unlisted(len(c.table), len(rows), "auditors with enough moderated audits")
            + " `qa-pack auditors --table FILE` writes every auditor's figures, by code, to a private file for the QA team."
        )
    if not rows.empty:
        run.show_table(display.auditor_table(rows), f"Grade shift under moderation by auditor (pseudonymous codes), {window}")
    if c.table["shrunk"].notna().any():
        title = f"Mean grade shift under moderation against the number of moderated audits, by auditor, {window}"
        run.show_chart(charts.auditor_funnel_chart, c.funnel, title)
