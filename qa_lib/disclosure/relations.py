"""The wider pack's protection problem, built from the run's figures.

Two halves, kept together so they cannot drift apart:
- FRAMES: for each figure table a wider pack shows, which key each count cell is, and which counts each
  percentage is built on. The same specs register the counts here and protect the tables in `published`.
- `build`: every relation a reader could use between those counts, written out:
  distributed = returned + not returned (month and area); months = sum of cohorts = sum of areas;
  returned = took part + did not, and those who did not = sum of reasons; graded = G/O + RI + I per standard,
  and returned = graded + not graded; overall grades (before moderation) add up to returned audits;
  moderated = same + up + down = sum of from -> to pairs, per month and for the period, and the pairs from a
  grade sit within the audits first given it; not moderated = returned - moderated; the grade-by-area
  grid's margins, its areas' totals against returns by area,
  its TOTAL row against the months; a cohort's comparator figures equal the standards table when it was the
  month's only cohort, and sit within its returns otherwise; themes within returned audits; rows read = used
  + rejected, and used = every month's audits (+ rows of other months).
The implied counts (not returned, per month, cohort and area; not taking part; standards not graded or N/A)
are sensitive like the shown ones: a count a reader could work out is protected as if it were shown.
Percentages are shown only when both their counts are shown, so they add no relation of their own.
Grades after moderation, the moderation grid and counts of N/A standards are not published for a wider
audience (with the grades before moderation they would pin down most small moderation counts), so they are
not in the problem.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from qa_lib.disclosure.problem import Key, Problem
from qa_lib.figures import RunFigures
from qa_lib.inputs.schema import GRADES

RANK = {g: i for i, g in enumerate(GRADES)}
Counts = dict[str, Key]
Percents = dict[str, tuple[Key, Key]]
Spec = Callable[[Any, pd.Series], tuple[Counts, Percents]]


def _returns(_: Any, r: pd.Series) -> tuple[Counts, Percents]:
    m, c = r["audit_month"], r["cohort"]
    keys: Counts = {col: ("ret_cohort", m, c, col) for col in ("distributed", "returned", "exempt")}
    return keys, {"return_rate": (keys["returned"], keys["distributed"])}


def _monthly(_: Any, r: pd.Series) -> tuple[Counts, Percents]:
    m = r["audit_month"]
    keys: Counts = {col: ("ret", m, col) for col in ("distributed", "returned", "exempt")}
    return keys, {"return_rate": (keys["returned"], keys["distributed"])}


def _by_area(_: Any, r: pd.Series) -> tuple[Counts, Percents]:
    m, a = r["audit_month"], r["service_area"]
    keys: Counts = {col: ("ret_area", m, a, col) for col in ("distributed", "returned")}
    return keys, {"return_rate": (keys["returned"], keys["distributed"])}


def _participation(_: Any, r: pd.Series) -> tuple[Counts, Percents]:
    m = r["audit_month"]
    keys: Counts = {"returned": ("ret", m, "returned"), "participated": ("took_part", m)}
    return keys, {"participation_rate": (keys["participated"], keys["returned"])}


def _reasons(_: Any, r: pd.Series) -> tuple[Counts, Percents]:
    return {"count": ("reason", r["audit_month"], r["reason"])}, {}


def _moderation_summary(_: Any, r: pd.Series) -> tuple[Counts, Percents]:
    m = r["audit_month"]
    keys: Counts = {"returned": ("ret", m, "returned"), "moderated": ("moderated", m)}
    keys |= {o: ("moderated", m, o) for o in ("same", "upgraded", "downgraded")}
    return keys, {}


def _moderation_pairs(_: Any, r: pd.Series) -> tuple[Counts, Percents]:
    return {"count": ("moderation", r["audit_month"], r["from_grade"], r["to_grade"])}, {}


def _agreement(_: Any, r: pd.Series) -> tuple[Counts, Percents]:
    m = r["audit_month"]
    keys: Counts = {"moderated": ("moderated", m), "agreed": ("moderated", m, "same")}
    return keys, {"exact_agreement": (keys["agreed"], keys["moderated"])}


def _overall(_: Any, r: pd.Series) -> tuple[Counts, Percents]:
    m = r["audit_month"]
    key = ("overall", m, r["grade"], "before")
    return {"count": key}, {"percent": (key, ("ret", m, "returned"))}


def _grade_by_area(_: Any, r: pd.Series) -> tuple[Counts, Percents]:
    return {g: ("grade_area", r["service_area"], g) for g in [*GRADES, "ALL"]}, {}


def _standards(_: Any, r: pd.Series) -> tuple[Counts, Percents]:
    m, s = r["audit_month"], r["standard"]
    keys: Counts = {col: ("standard", m, s, col) for col in ("graded", "good_or_outstanding", "requires_improvement", "inadequate")}
    pcts: Percents = {f"pct_{col}": (keys[col], keys["graded"]) for col in ("good_or_outstanding", "requires_improvement", "inadequate")}
    return keys, pcts


def _comparators(_: Any, r: pd.Series) -> tuple[Counts, Percents]:
    c, m, s = r["cohort"], r["audit_month"], r["standard"]
    keys: Counts = {col: ("cohort", c, m, s, col) for col in ("graded", "good_or_outstanding")}
    return keys, {"pct_good_or_outstanding": (keys["good_or_outstanding"], keys["graded"])}


def _themes(_: Any, r: pd.Series) -> tuple[Counts, Percents]:
    m = r["audit_month"]
    keys: Counts = {"audits": ("theme", m, r["theme"]), "returned": ("ret", m, "returned")}
    return keys, {"percent": (keys["audits"], keys["returned"])}


# Every figure table a wider pack may show, by its place in RunFigures.
FRAMES: dict[str, Spec] = {
    "compliance.monthly": _monthly,
    "compliance.returns_trend": _returns,
    "compliance.returns_period": _returns,
    "compliance.by_area_period": _by_area,
    "compliance.participation_trend": _participation,
    "compliance.participation_period": _participation,
    "compliance.reasons": _reasons,
    "grades.moderation_summary": _moderation_summary,
    "grades.moderation_outcomes": _moderation_pairs,
    "grades.agreement": _agreement,
    "grades.before": _overall,
    "grades.trend": _overall,
    "grades.by_area": _grade_by_area,
    "standards.table": _standards,
    "standards.period_table": _standards,
    "comparators.comp": _comparators,
    "themes.counts": _themes,
}


def frame(figures: RunFigures, name: str) -> pd.DataFrame:
    section, attr = name.split(".")
    result: pd.DataFrame = getattr(getattr(figures, section), attr)
    return result


def cells(name: str, table: pd.DataFrame) -> list[tuple[int, Counts, Percents]]:
    """Each row's count keys and percentage bases, by row position."""
    spec = FRAMES[name]
    return [(i, *spec(index, row)) for i, (index, row) in enumerate(table.iterrows())]


def build(figures: RunFigures) -> Problem:
    """Every count a wider pack shows, the counts they imply, and the relations between them."""
    p = Problem()
    for name in FRAMES:
        table = frame(figures, name)
        for i, counts, _ in cells(name, table):
            for col, key in counts.items():
                p.count(key, int(table.iloc[i][col]))
    _returns_relations(p, figures)
    _participation_relations(p, figures)
    _moderation_relations(p, figures)
    _grade_relations(p, figures)
    _standards_relations(p, figures)
    _rows_relations(p, figures)
    _headlines(p, figures)
    return p


def _headlines(p: Problem, f: RunFigures) -> None:
    """What a reader needs most is hidden last: each month's audits and returns, then the grid's totals."""
    for m in f.compliance.monthly["audit_month"]:
        p.keep([("ret", m, "distributed"), ("ret", m, "returned")], 3)
        p.keep([("ret", m, "exempt"), ("took_part", m), ("moderated", m)], 2)
    grid = f.grades.by_area
    p.keep([("grade_area", "TOTAL", c) for c in [*GRADES, "ALL"]], 2)
    p.keep([("grade_area", a, "ALL") for a in grid["service_area"]], 1)
    for key in list(p.value):
        if key[0] in {"ret_cohort", "ret_area"} and key[-1] == "distributed":
            p.keep([key], 1)


def _returns_relations(p: Problem, f: RunFigures) -> None:
    trend = f.compliance.returns_trend
    for m, rows in trend.groupby("audit_month"):
        for col in ("distributed", "returned", "exempt"):
            p.total(("ret", m, col), [("ret_cohort", m, c, col) for c in rows["cohort"]])
        for c in rows["cohort"]:
            p.complement(("ret_cohort", m, c, "distributed"), [("ret_cohort", m, c, "returned")], ("not_returned", m, c))
    for m in f.compliance.monthly["audit_month"]:
        if ("ret", m, "returned") in p.value and ("not_returned", m) not in p.value:
            cohorts = [k for k in p.value if k[0] == "not_returned" and k[1] == m and len(k) == 3]
            p.count(("not_returned", m), p.value[("ret", m, "distributed")] - p.value[("ret", m, "returned")], "aux")
            if cohorts:
                p.total(("not_returned", m), cohorts)
            else:
                p.total(("ret", m, "distributed"), [("ret", m, "returned"), ("not_returned", m)])
    for m, rows in f.compliance.by_area_period.groupby("audit_month"):
        for col in ("distributed", "returned"):
            p.total(("ret", m, col), [("ret_area", m, a, col) for a in rows["service_area"]])
        for a in rows["service_area"]:
            p.complement(("ret_area", m, a, "distributed"), [("ret_area", m, a, "returned")], ("not_returned_area", m, a))


def _participation_relations(p: Problem, f: RunFigures) -> None:
    for m in f.compliance.participation_trend["audit_month"]:
        p.complement(("ret", m, "returned"), [("took_part", m)], ("not_taking_part", m))
    reasons = f.compliance.reasons
    for m in f.compliance.participation_period["audit_month"]:
        parts = [("reason", m, r) for r in reasons.loc[reasons["audit_month"] == m, "reason"]]
        whole = ("not_taking_part", m)
        if p.value[whole] == sum(p.value[k] for k in parts):
            p.total(whole, parts)  # every one has a reason category: an exact relation
        else:
            p.complement(whole, parts, ("not_taking_part_unrecorded", m))


def _moderation_relations(p: Problem, f: RunFigures) -> None:
    months = list(f.months.months)
    pairs = f.grades.moderation_outcomes
    for m in months:
        for a in GRADES:
            for b in GRADES:
                hit = pairs[(pairs["audit_month"] == m) & (pairs["from_grade"] == a) & (pairs["to_grade"] == b)]
                p.count(("moderation", m, a, b), int(hit["count"].sum()))  # an absent pair is a shown zero
        same = [("moderation", m, g, g) for g in GRADES]
        up = [("moderation", m, a, b) for a in GRADES for b in GRADES if RANK[b] < RANK[a]]
        down = [("moderation", m, a, b) for a in GRADES for b in GRADES if RANK[b] > RANK[a]]
        p.total(("moderated", m, "same"), same)
        p.total(("moderated", m, "upgraded"), up)
        p.total(("moderated", m, "downgraded"), down)
        p.total(("moderated", m), [*same, *up, *down])
        p.complement(("ret", m, "returned"), [("moderated", m)], ("not_moderated", m))
        for a in GRADES:  # moderated from a grade: within the audits first graded so (shown before moderation)
            p.complement(("overall", m, a, "before"), [("moderation", m, a, b) for b in GRADES], ("unmoderated", m, a), False)
    p.total(("moderated", "period"), [("moderated", m) for m in months])
    p.total(("moderated", "period", "same"), [("moderated", m, "same") for m in months])


def _grade_relations(p: Problem, f: RunFigures) -> None:
    for m in f.grades.trend["audit_month"].unique():
        p.total(("ret", m, "returned"), [("overall", m, g, "before") for g in GRADES])
    grid = f.grades.by_area
    areas = [a for a in grid["service_area"] if a != "TOTAL"]
    for col in [*GRADES, "ALL"]:
        p.total(("grade_area", "TOTAL", col), [("grade_area", a, col) for a in areas])
    for a in [*areas, "TOTAL"]:
        p.total(("grade_area", a, "ALL"), [("grade_area", a, g) for g in GRADES])
    for g in GRADES:
        p.total(("grade_area", "TOTAL", g), [("overall", m, g, "before") for m in f.months.months])
    by_area = f.compliance.by_area_period
    for a in sorted(set(by_area["service_area"]) | set(areas)):
        returned = [("ret_area", m, a, "returned") for m in by_area.loc[by_area["service_area"] == a, "audit_month"]]
        if a in areas:
            p.total(("grade_area", a, "ALL"), returned)
        else:
            p.equation({k: 1 for k in returned})  # an area with returns would be in the grid: these are zero


def _standards_relations(p: Problem, f: RunFigures) -> None:
    for _, r in f.standards.table.iterrows():
        m, s = r["audit_month"], r["standard"]
        key = ("standard", m, s)
        p.total((*key, "graded"), [(*key, "good_or_outstanding"), (*key, "requires_improvement"), (*key, "inadequate")])
        if ("ret", m, "returned") in p.value:
            p.complement(("ret", m, "returned"), [(*key, "graded")], (*key, "not_scored"))
    comp, trend = f.comparators.comp, f.compliance.returns_trend
    for _, r in comp.iterrows():
        c, m, s = r["cohort"], r["audit_month"], r["standard"]
        ckey: Key = ("cohort", c, m, s)
        p.complement((*ckey, "graded"), [(*ckey, "good_or_outstanding")], (*ckey, "not_good"))
        cohorts = set(trend.loc[trend["audit_month"] == m, "cohort"])
        if cohorts == {c} and ("standard", m, s, "graded") in p.value:
            p.total((*ckey, "graded"), [("standard", m, s, "graded")])  # the month's only cohort: the same audits
            p.total((*ckey, "good_or_outstanding"), [("standard", m, s, "good_or_outstanding")])
        elif ("ret_cohort", m, c, "returned") in p.value:
            p.complement(("ret_cohort", m, c, "returned"), [(*ckey, "graded")], (*ckey, "not_scored"))
    themes = f.themes.counts
    for _, r in themes.iterrows():
        m = r["audit_month"]
        p.complement(("ret", m, "returned"), [("theme", m, r["theme"])], ("theme", m, r["theme"], "not_mentioned"))


def _rows_relations(p: Problem, f: RunFigures) -> None:
    d = f.data
    read = p.count(("rows", "read"), d["rows_read"], "fixed", sensitive=False)
    used = p.count(("rows", "used"), d["rows_used"], "fixed", sensitive=False)
    rejected = p.count(("rows", "rejected"), d["rows_rejected"], "fixed", sensitive=False)
    p.total(read, [used, rejected])
    months = list(f.compliance.monthly["audit_month"])
    parts = [("ret", m, c) for m in months for c in ("distributed", "exempt")]
    gap = p.value[used] - sum(p.value[k] for k in parts)
    if gap == 0:
        p.total(used, parts)  # every row used is in the trend's months: an exact relation
    elif gap > 0:
        p.complement(used, parts, ("rows", "other months"), sensitive=False)
