"""Sections 3.1.3-3.1.5: the same cohort compared across every month it was audited.

For each cohort audited in the reporting period, every month up to the period's
end in which that cohort had returned audits, with % Good/Outstanding per
standard (the one definition in `qa_lib.sections.standards.figures`). The period's audit is
compared with the cohort's previous audit under the same noise rule as the
month-on-month standards table.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from qa_lib.inputs.params import Params
from qa_lib.inputs.period import RunMonths
from qa_lib.sections.standards import figures as standards
from qa_lib.stats import beyond_chance, bh_q, fisher_exact_p, whole


def cohort_months(audits: pd.DataFrame, cohort: str, up_to: str) -> list[str]:
    """Months (to `up_to`) in which `cohort` had at least one returned audit, oldest first."""
    a = audits.loc[audits["cohort"].eq(cohort) & audits["status"].eq("returned") & audits["audit_month"].le(up_to), "audit_month"]
    return sorted(a.unique())


def period_cohorts(audits: pd.DataFrame, months: list[str]) -> list[str]:
    """Cohorts with returned audits in the period, in the order they were first audited in it."""
    a = audits.loc[audits["audit_month"].isin(months) & audits["status"].eq("returned"), ["audit_month", "cohort"]]
    return [str(c) for c in a.sort_values("audit_month", kind="stable")["cohort"].unique()]  # in order of appearance


def comparators(audits: pd.DataFrame, months: list[str], keys: list[str]) -> pd.DataFrame:
    """Contract `comparators.csv`: cohort, audit_month, standard, graded, pct_good_or_outstanding."""
    frames = []
    needed = ["audit_month", "cohort", "status", *(f"grade_{k}" for k in keys)]
    for cohort in period_cohorts(audits, months):
        ms = cohort_months(audits, cohort, months[-1])
        t = standards.standards(audits.loc[audits["cohort"].eq(cohort), needed], ms, keys)
        frames.append(t.assign(cohort=cohort))
    cols = ["cohort", "audit_month", "standard", "graded", "good_or_outstanding", "pct_good_or_outstanding"]
    if not frames:
        return pd.DataFrame(columns=cols)
    return pd.concat(frames, ignore_index=True)[cols]


CONTRACT_COLUMNS = ["cohort", "audit_month", "standard", "graded", "pct_good_or_outstanding"]


def comparison(comp: pd.DataFrame, cohort: str) -> pd.DataFrame:
    """Per standard: the cohort's previous audit month against its latest, change, Fisher p, Benjamini-Hochberg
    q across the cohort's standards (one family) and reading.

    reading: "improved" / "declined" beyond chance (q < 0.05); "rose within noise" / "fell within noise";
    "no change" (the same whole percentage shown); "not graded"; empty when there is no earlier audit.
    """
    columns = ["standard", "previous_month", "month", "previous_pct", "pct", "change", "p", "q", "reading"]
    c = comp[comp["cohort"] == cohort]
    ms = sorted(c["audit_month"].unique())
    if len(ms) < 2:
        return pd.DataFrame(columns=columns)
    prev, last = ms[-2], ms[-1]
    a = c[c["audit_month"] == prev].set_index("standard")
    b = c[c["audit_month"] == last].set_index("standard")
    rows = []
    for std in b.index:
        p = fisher_exact_p(
            int(b.at[std, "good_or_outstanding"]), int(b.at[std, "graded"]), int(a.at[std, "good_or_outstanding"]), int(a.at[std, "graded"])
        )
        rows.append(
            {
                "standard": std,
                "previous_month": prev,
                "month": last,
                "previous_pct": a.at[std, "pct_good_or_outstanding"],
                "pct": b.at[std, "pct_good_or_outstanding"],
                "change": b.at[std, "pct_good_or_outstanding"] - a.at[std, "pct_good_or_outstanding"],
                "p": p,
            }
        )
    out = pd.DataFrame(rows, columns=columns[:-2])
    out["q"] = bh_q(out["p"].tolist())
    out["reading"] = readings(out, "q")
    return out


def readings(cmp: pd.DataFrame, q: str) -> list[str]:
    """Each standard's reading for a cohort, by the q in column `q`."""
    return [_reading(r.pct, r.previous_pct, r.change, getattr(r, q)) for r in cmp.itertuples()]


def _reading(pct: float, previous: float, change: float, q: float) -> str:
    if pd.isna(q) or pd.isna(change):
        return "not graded"
    if whole(pct) == whole(previous):
        return "no change"  # not even visible at the whole percentages shown
    if beyond_chance(q, change):
        return "improved" if change > 0 else "declined"
    return "rose within noise" if change > 0 else "fell within noise"


def picture(cmp: pd.DataFrame) -> str | None:
    """ "improving" / "declining" only when at least two standards moved beyond chance that way and none
    against it; None otherwise ("no clear change overall")."""
    if cmp.empty:
        return None
    up, down = int((cmp["reading"] == "improved").sum()), int((cmp["reading"] == "declined").sum())
    if up >= 2 and down == 0:
        return "improving"
    if down >= 2 and up == 0:
        return "declining"
    return None


@dataclass(frozen=True)
class CohortComparison:
    """One cohort audited in the period against its earlier audit months."""

    cohort: str
    label: str
    months: list[str]  # every month the cohort was audited, up to the period's end
    comparison: pd.DataFrame  # per standard: previous audit against latest, change, p and reading
    picture: str | None  # improving, declining, mixed, or None when nothing moved beyond chance
    audit_months: int  # how many of those months have graded figures (a chart needs two)
    not_compared: tuple[str, ...] = ()  # standards left out because a count is hidden (a wider pack's view only)


@dataclass(frozen=True)
class ComparatorFigures:
    """Every figure of sections 3.1.3 to 3.1.5, computed once per run."""

    comp: pd.DataFrame  # % good or outstanding per cohort, month and standard (the contract table is its columns)
    cohorts: tuple[CohortComparison, ...]


def compute(audits: pd.DataFrame, params: Params, m: RunMonths) -> ComparatorFigures:
    comp = comparators(audits, list(m.months), list(params.standards))
    found = []
    for cohort in period_cohorts(audits, list(m.months)):
        cmp = comparison(comp, cohort)
        found.append(
            CohortComparison(
                cohort=cohort,
                label=params.cohorts.get(cohort, cohort),
                months=cohort_months(audits, cohort, m.months[-1]),
                comparison=cmp,
                picture=picture(cmp),
                audit_months=int(comp.loc[comp["cohort"] == cohort, "audit_month"].nunique()),
            )
        )
    return ComparatorFigures(comp=comp, cohorts=tuple(found))
