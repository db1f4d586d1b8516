"""Section 3.1.1: overall grades, before and after moderation, by month and service area.

The overall grade "before moderation" is the auditor's `overall_grade`; "after
moderation" is the `moderated_grade` where the audit was moderated, else the
auditor's grade. Percentages are of returned audits in the month.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from qa_lib.inputs.params import Params
from qa_lib.inputs.period import RunMonths, add_months
from qa_lib.inputs.schema import GRADES, grade_after_moderation
from qa_lib.sections.grades import moderation
from qa_lib.sections.grades.auditors import AuditorConsistency, auditor_codes, consistency
from qa_lib.sections.grades.moderation import RANK
from qa_lib.spc import funnel, funnel_curve, p_chart
from qa_lib.stats import pct


def _returned(audits: pd.DataFrame, months: list[str], columns: list[str]) -> pd.DataFrame:
    """The returned audits of the months, carrying only `columns` (a filter copies every column it carries)."""
    return audits.loc[audits["audit_month"].isin(months) & audits["status"].eq("returned"), columns]


def overall_grades(audits: pd.DataFrame, months: list[str], after_moderation: bool = False) -> pd.DataFrame:
    """Contract `overall_grades.csv`: per month and grade (O, G, RI, I, every one shown), count and % of returned."""
    r = _returned(audits, months, ["audit_month", "overall_grade", "moderated", "moderated_grade"])
    grade = grade_after_moderation(r) if after_moderation else r["overall_grade"]
    counts = pd.crosstab(r["audit_month"], grade).reindex(index=months, columns=list(GRADES), fill_value=0)
    long = counts.rename_axis(index="audit_month", columns="grade").stack().rename("count").reset_index()
    totals = long.groupby("audit_month")["count"].transform("sum")
    long["percent"] = pct(long["count"], totals)
    return long.astype({"count": "int64"})


def grades_by_area(audits: pd.DataFrame, months: list[str], areas: list[str]) -> pd.DataFrame:
    """Contract `grades_by_area.csv`: service areas (params order, those with returns) by O, G, RI, I, ALL; last row TOTAL."""
    r = _returned(audits, months, ["service_area", "overall_grade"])
    table = pd.crosstab(r["service_area"], r["overall_grade"]).reindex(columns=list(GRADES), fill_value=0)
    table = table.reindex([a for a in areas if a in table.index])
    table.columns.name = None
    table["ALL"] = table.sum(axis=1)
    table.loc["TOTAL"] = table.sum()
    return table.rename_axis("service_area").reset_index().astype({c: "int64" for c in [*GRADES, "ALL"]})


def good_or_outstanding(grades: pd.DataFrame) -> pd.DataFrame:
    """Per month, from `overall_grades` (before or after moderation): audits graded good or outstanding
    overall, returned audits, and the % (the headline overall-grade figure)."""
    g = grades.assign(go=grades["count"].where(grades["grade"].isin(["O", "G"]), 0))
    out = g.groupby("audit_month", sort=False).agg(good_or_outstanding=("go", "sum"), returned=("count", "sum")).reset_index()
    out["percent"] = pct(out["good_or_outstanding"], out["returned"])
    return out.astype({"good_or_outstanding": "int64", "returned": "int64"})


@dataclass(frozen=True)
class GradesFigures:
    """Every figure of sections 2.3 and 3.1.1 (moderation, agreement, overall grades), computed once per run."""

    moderation_summary: pd.DataFrame
    moderation_outcomes: pd.DataFrame  # also the contract's moderation table
    moderation_matrix: pd.DataFrame
    agreement: pd.DataFrame
    agreement_changes: pd.DataFrame  # exact agreement month to measured month, with p (and q_report, the report's family)
    before: pd.DataFrame  # overall grades by period month, before moderation (the contract's overall_grades)
    after: pd.DataFrame  # and after moderation
    by_area: pd.DataFrame  # grade by service area, whole period (the contract's grades_by_area)
    trend: pd.DataFrame  # overall grades over the trend window with data
    spc: pd.DataFrame  # p-chart of % good or outstanding overall (before moderation), trend window
    funnel: pd.DataFrame  # % good or outstanding overall by service area against n, period (qa_lib.spc.funnel)
    funnel_curve: pd.DataFrame | None = None  # its limits as lines to draw (qa_lib.spc.funnel_curve; None: not published)
    reaudits: pd.DataFrame | None = None  # params reaudit: first grade -> grade at re-audit, counts (None: not set)
    standard_agreement: pd.DataFrame | None = None  # per standard, period (None: no moderated_grade_<standard>)
    auditors: AuditorConsistency | None = None  # QA team only: shifts by pseudonymous code, trend window (None: no auditor_id)


def area_funnel(grid: pd.DataFrame) -> pd.DataFrame:
    """The grade-by-area grid as a funnel: audits graded good or outstanding overall of those returned, per area."""
    t = grid[grid["service_area"] != "TOTAL"]
    return funnel(t["service_area"].tolist(), (t["O"] + t["G"]).tolist(), t["ALL"].tolist())


def good_or_outstanding_chart(trend: pd.DataFrame, improvement: str) -> pd.DataFrame:
    """The p-chart of audits graded good or outstanding overall, of returned audits, month by month."""
    go = good_or_outstanding(trend)
    return p_chart(go["audit_month"].tolist(), go["good_or_outstanding"].tolist(), go["returned"].tolist(), improvement)


def compute(audits: pd.DataFrame, params: Params, m: RunMonths) -> GradesFigures:
    months = list(m.months)
    trend = overall_grades(audits, list(m.trend_with_data))
    by_area = grades_by_area(audits, months, list(params.service_areas))
    agreement = moderation.agreement(audits, months)
    area = area_funnel(by_area)
    return GradesFigures(
        moderation_summary=moderation.moderation_summary(audits, months),
        moderation_outcomes=moderation.moderation_outcomes(audits, months),
        moderation_matrix=moderation.moderation_matrix(audits, months),
        agreement=agreement,
        agreement_changes=moderation.agreement_changes(agreement, months),
        before=overall_grades(audits, months),
        after=overall_grades(audits, months, after_moderation=True),
        by_area=by_area,
        trend=trend,
        spc=good_or_outstanding_chart(trend, params.improvement["good_or_outstanding"]),
        funnel=area,
        funnel_curve=funnel_curve(area),
        standard_agreement=moderation.standard_agreement(audits, months, list(params.standards)),
        auditors=consistency(audits, list(m.trend_with_data), auditor_codes(audits)),
        reaudits=reaudit_moves(audits, months, params.sampling.reaudit_grades, params.sampling.reaudit_after_months)
        if params.sampling.reaudit_grades
        else None,
    )


ORDER = ["O", "G", "RI", "I"]


def reaudit_moves(audits: pd.DataFrame, months: list[str], grades: tuple[str, ...], after: int) -> pd.DataFrame:
    """How re-audited cases' grades moved: a case audited in the period whose returned audit `after` months
    earlier ended with one of `grades` is a re-audit; counts of (grade then, grade now), returned audits only."""

    returned = audits[audits["status"].eq("returned") & audits["overall_grade"].ne("")]
    final = returned.assign(final=grade_after_moderation(returned))[["child_id", "audit_month", "final"]]
    now = final[final["audit_month"].isin(months)].assign(then_month=lambda f: f["audit_month"].map(lambda m: add_months(m, -after)))
    pairs = now.merge(final, left_on=["child_id", "then_month"], right_on=["child_id", "audit_month"], suffixes=("_now", "_then"))
    pairs = pairs[pairs["final_then"].isin(grades)]
    counts = pairs.groupby(["final_then", "final_now"]).size()
    rows = [(a, b, int(counts.get((a, b), 0))) for a in ORDER if a in grades for b in ORDER]
    return pd.DataFrame(rows, columns=["grade_then", "grade_now", "count"])


def reaudit_outcomes(moves: pd.DataFrame) -> tuple[int, int, int]:
    """Re-audited cases graded better, the same and worse than at their first audit (final grades)."""

    then, now = moves["grade_then"].map(RANK), moves["grade_now"].map(RANK)
    return int(moves.loc[now < then, "count"].sum()), int(moves.loc[now == then, "count"].sum()), int(moves.loc[now > then, "count"].sum())
