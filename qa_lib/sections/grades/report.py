"""Sections 2.3 and 3.1.1 (moderation and overall grades) as a notebook shows them, from the run's figures."""

from __future__ import annotations

import pandas as pd

from qa_lib.notebook import Run
from qa_lib.render.charts import p_chart_figure
from qa_lib.sections.grades import charts, display, wider


def period_line(run: Run) -> None:
    run.show_text(f"**Reporting period:** {run.period.label}.")


def moderation_outcomes(run: Run, table: bool = True) -> None:
    """How many audits were moderated each month and what became of their grades, in the reference's words."""
    if run.published is not None:  # a wider run: only the published figures
        return wider.moderation_outcomes(run, table=table)
    f = run.figures.grades
    run.show_section("moderation")
    if table:
        run.show_table(display.moderation_summary_table(f.moderation_summary), "Audits moderated and their outcome, by month")


def moderation_matrix(run: Run, table: bool = True) -> None:
    if run.published is not None:  # a wider run: only the published figures
        return wider.moderation_matrix(run, table=table)
    matrix = run.figures.grades.moderation_matrix
    if table:
        run.show_table(display.matrix_table(matrix), "Auditor's grade against the grade after moderation, whole period")
    run.show_chart(charts.moderation_matrix_chart, matrix)


def agreement(run: Run, table: bool = True) -> None:
    if run.published is not None:  # a wider run: only the published figures
        return wider.agreement(run, table=table)
    agree = run.figures.grades.agreement
    run.show_section("agreement")
    if table:
        run.show_table(display.agreement_table(agree), "Agreement between auditor and moderator")


def overall(run: Run, table: bool = True) -> None:
    """Overall grades by month, before and after moderation."""
    if run.published is not None:  # a wider run: only the published figures
        return wider.overall(run, table=table)
    f = run.figures.grades
    run.show_section("overall-grades")
    if table:
        run.show_table(display.overall_grades_table(f.before, f.after), "Overall grades by month: number (% of returned audits)")
    run.show_chart(charts.overall_grades_chart, f.before, f.after, run.months)
    if len(f.spc) >= 2:
        title = "Audits graded good or outstanding overall by month, with the average and its limits (p-chart)"
        run.show_chart(p_chart_figure, f.spc, title, "Good or outstanding overall (% of returned)")


def by_area(run: Run, caption: str | None = None) -> None:
    if run.published is not None:  # a wider run: only the published figures
        return wider.by_area(run, caption=caption)
    run.show_table(display.grades_by_area_table(run.figures.grades.by_area), caption or f"Grade by service area, {run.period.label}")
    title = f"Good or outstanding overall by service area against the number of audits returned, {run.period.label}"
    measure = "share of audits graded good or outstanding overall"
    run.show_funnel(run.figures.grades.funnel, measure, title, "Audits returned in the period", "Graded good or outstanding (%)")


def trend(run: Run) -> None:
    if run.published is not None:  # a wider run: only the published figures
        return wider.trend(run)
    run.show_chart(charts.grades_trend_chart, run.figures.grades.trend, list(run.figures.months.trend_with_data))


def reaudits(run: Run) -> None:
    """How re-audited cases' grades moved (params `reaudit:`), counts only; QA-team reports only."""
    if run.published is not None:
        return
    moves = run.figures.grades.reaudits
    if moves is None:
        run.show_text("*No re-audits are set in params (`reaudit: {grades: [Inadequate], after_months: 3}` draws them).*")
        return
    rank = {g: i for i, g in enumerate(["O", "G", "RI", "I"])}
    better = int(moves.loc[moves["grade_now"].map(rank) < moves["grade_then"].map(rank), "count"].sum())
    same = int(moves.loc[moves["grade_now"] == moves["grade_then"], "count"].sum())
    worse = int(moves["count"].sum()) - better - same
    total = better + same + worse
    if not total:
        run.show_text("No case was re-audited in the period.")
        return
    run.show_text(
        f"{total} case{'s were' if total != 1 else ' was'} re-audited in the period: {better} graded better than at the first "
        f"audit, {same} the same and {worse} worse (final grades, after moderation where moderated)."
    )
    names = {"O": "Outstanding", "G": "Good", "RI": "Requires improvement", "I": "Inadequate"}
    table = moves.pivot(index="grade_then", columns="grade_now", values="count").reindex(columns=list(names))
    table = table.rename(index=names, columns=names).rename_axis(None, axis=1).reset_index(names="Grade at the first audit")
    run.show_table(
        table.astype({c: "int64" for c in names.values()}).astype(str),
        "Re-audited cases: grade at the first audit against the grade at re-audit (number)",
    )


def standard_agreement(run: Run) -> None:
    """Agreement between auditors and moderators standard by standard (the file's moderated_grade_<standard>
    columns), naming the standards read differently; QA-team reports only."""
    from qa_lib.sections.grades.moderation import MIN_N, lowest_agreement
    from qa_lib.stats import whole

    if run.published is not None:
        return
    table = run.figures.grades.standard_agreement
    if table is None:
        run.show_text("*The audits file has no per-standard moderated grades (`moderated_grade_<standard>` columns).*")
        return
    low = lowest_agreement(table)
    names = run.params.short_names
    if low:
        said = "; ".join(f"{names.get(k, k)} ({whole(float(table.set_index('standard').at[k, 'exact_agreement']))} exact)" for k in low)
        run.show_text(
            f"Auditors and moderators read these standards differently from the rest: {said}. A calibration exercise on them may help."
        )
    else:
        run.show_text("No standard stands out: auditors and moderators agree about as well on each.")

    def interval(v: float, lo: float, hi: float) -> str:
        return "–" if v != v else f"{v:.2f} ({lo:.2f} to {hi:.2f})"

    shown = pd.DataFrame(
        {
            "Standard": [names.get(k, k) for k in table["standard"]],
            "Moderated (both graded)": table["pairs"].astype(str),
            "Exact agreement": [
                "–" if n < MIN_N else f"{whole(p)} ({a}/{n})" for p, a, n in zip(table["exact_agreement"], table["agreed"], table["pairs"])
            ],
            "Weighted kappa (95% interval)": [interval(*x) for x in zip(table["weighted_kappa"], table["kappa_low"], table["kappa_high"])],
            "Gwet's AC2 (95% interval)": [interval(*x) for x in zip(table["ac2"], table["ac2_low"], table["ac2_high"])],
        }
    )
    run.show_table(shown, f"Agreement between auditors and moderators by practice standard, {run.period.label}")
