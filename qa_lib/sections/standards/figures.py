"""Section 3.1.2: audit grades against each practice standard, month on month.

% Good/Outstanding for a standard = audits graded O or G / audits graded O, G,
RI or I on it (N/A and blank left out); likewise RI and Inadequate.

The noise rule: with ~40 audits a month a swing of several points is often
chance. A change from one month to the next is called a rise or a fall only
when Fisher's exact test (two-sided) finds it unlikely to be chance after
allowing for every comparison the report makes: Benjamini-Hochberg q below 0.05
across the report (`qa_lib.figures.claims`); the q within a family (one pair of months' standards) is kept for
analysts. Otherwise it is marked as
within sampling noise. The raw change in points is always kept.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from qa_lib.inputs.params import Params
from qa_lib.inputs.period import RunMonths
from qa_lib.spc import p_chart
from qa_lib.stats import beyond_chance, bh_q, fisher_exact_p, pct

UP, DOWN, NOISE = "↑", "↓", "≈"
TEST_NOTE = (
    "↑ and ↓ mark a change from the month before that is bigger than chance would explain, allowing for every "
    "comparison the report makes; a change shown without an arrow is one that chance alone could produce at these "
    "numbers. The change in percentage points is shown either way. How this is worked out is in the appendix."
)
CONTRACT_COLUMNS = [
    "audit_month",
    "standard",
    "graded",
    "good_or_outstanding",
    "requires_improvement",
    "inadequate",
    "pct_good_or_outstanding",
    "pct_requires_improvement",
    "pct_inadequate",
]


GRADES = ["O", "G", "RI", "I"]


def _long(audits: pd.DataFrame, months: list[str], keys: list[str]) -> pd.DataFrame:
    """One row per returned audit and standard: audit_month, standard, grade ('' = not graded)."""
    cols = [f"grade_{k}" for k in keys]
    r = audits.loc[audits["audit_month"].isin(months) & audits["status"].eq("returned"), ["audit_month", *cols]]
    long = r.melt(id_vars="audit_month", var_name="standard", value_name="grade")
    long["standard"] = long["standard"].str.removeprefix("grade_")
    return long


def positions(values: pd.Series, labels: list[str]) -> np.ndarray:
    """Each value's position in `labels` (-1 where it is none of them), found for each distinct value once: a
    grade column holds a handful of distinct values in a million rows (2.4 times quicker than looking up every
    row)."""
    codes, distinct = pd.factorize(values)
    found = pd.Index(labels).get_indexer(pd.Index(distinct, dtype=object)).astype(np.int64)
    return np.where(codes >= 0, found[codes], -1) if len(found) else np.full(len(codes), -1, dtype=np.int64)


def grade_counts(audits: pd.DataFrame, months: list[str], keys: list[str]) -> pd.DataFrame:
    """Per month and standard (months x keys, in that order), how many returned audits were graded O, G, RI
    and I. Counted with one pass of numpy's bincount per standard: linear in the rows, whatever their number."""
    cols = [f"grade_{k}" for k in keys]
    r = audits.loc[audits["audit_month"].isin(months) & audits["status"].eq("returned"), ["audit_month", *cols]]
    month = positions(r["audit_month"], months)
    counts = np.zeros((len(months), len(keys), len(GRADES)), dtype=np.int64)
    for j, col in enumerate(cols):
        grade = positions(r[col], GRADES)  # -1: N/A or not graded
        ok = grade >= 0
        counts[:, j, :] = np.bincount(month[ok] * len(GRADES) + grade[ok], minlength=len(months) * len(GRADES)).reshape(-1, len(GRADES))
    full = pd.MultiIndex.from_product([months, keys], names=["audit_month", "standard"])
    return pd.DataFrame(counts.reshape(-1, len(GRADES)), index=full, columns=GRADES)


def standards(audits: pd.DataFrame, months: list[str], keys: list[str]) -> pd.DataFrame:
    """Contract `standards.csv`: per month and standard, graded n and the G/O, RI and I counts and %."""
    counts = grade_counts(audits, months, keys)
    out = pd.DataFrame(
        {
            "good_or_outstanding": counts["O"] + counts["G"],
            "requires_improvement": counts["RI"],
            "inadequate": counts["I"],
        }
    )
    out.insert(0, "graded", out.sum(axis=1))
    for col, name in (
        ("good_or_outstanding", "pct_good_or_outstanding"),
        ("requires_improvement", "pct_requires_improvement"),
        ("inadequate", "pct_inadequate"),
    ):
        out[name] = pct(out[col], out["graded"])
    out = out.reset_index()
    return out[CONTRACT_COLUMNS].astype({c: "int64" for c in CONTRACT_COLUMNS[2:6]})


def standards_quality(audits: pd.DataFrame, months: list[str], keys: list[str]) -> pd.DataFrame:
    """Per month and standard: returned audits, how many were N/A and how many left ungraded (blank)."""
    long = _long(audits, months, keys)
    g = long.groupby(["audit_month", "standard"])["grade"]
    out = pd.DataFrame(
        {
            "returned": g.size(),
            "not_applicable": g.apply(lambda s: int((s == "N/A").sum())),
            "not_graded": g.apply(lambda s: int((s == "").sum())),
        }
    ).astype("int64")  # int even when empty
    full = pd.MultiIndex.from_product([months, keys], names=["audit_month", "standard"])
    return out.reindex(full, fill_value=0).reset_index()


def mark(q: float, change: float) -> str:
    """↑ / ↓ for a change beyond chance at q, ≈ for one within it, "" when nothing was tested."""
    if np.isnan(q) or np.isnan(change):
        return ""
    if beyond_chance(q, change):
        return UP if change > 0 else DOWN
    return NOISE


def changes(table: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    """Month-on-month change per standard for % G/O and % RI: points, Fisher p, Benjamini-Hochberg q within
    the family (one pair of months, one measure, every standard graded in both) and mark (↑, ↓ or ≈).

    The first month of `months` has no change (it is the baseline); a month or its predecessor with nothing
    graded has a blank change and is not counted in the family.
    """
    t = table.set_index(["standard", "audit_month"]).sort_index()
    standards_in = list(table["standard"].unique())
    rows = []
    for prev, month in itertools.pairwise(months):
        family = []
        for std in standards_in:
            a, b = t.loc[(std, prev)], t.loc[(std, month)]
            row = {"standard": std, "audit_month": month, "previous_month": prev}
            for count, rate, label in (
                ("good_or_outstanding", "pct_good_or_outstanding", "go"),
                ("requires_improvement", "pct_requires_improvement", "ri"),
            ):
                row |= {
                    f"{label}_change": b[rate] - a[rate],
                    f"{label}_p": fisher_exact_p(int(b[count]), int(b["graded"]), int(a[count]), int(a["graded"])),
                }
            family.append(row)
        for label in ("go", "ri"):
            for row, q in zip(family, bh_q([r[f"{label}_p"] for r in family])):
                row[f"{label}_q"] = q
                row[f"{label}_mark"] = mark(q, row[f"{label}_change"])
        rows += family
    columns = ["standard", "audit_month", "previous_month"]
    columns += [f"{label}_{x}" for label in ("go", "ri") for x in ("change", "p", "q", "mark")]
    return pd.DataFrame(rows, columns=columns)


def trends(table: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    """Per standard over `months`: first and last % G/O, the net change, its Fisher p, the Benjamini-Hochberg
    q across the standards (one family) and a reading.

    reading: "improved" / "declined" when first to last month is beyond chance (q < 0.05);
    "inconsistent" when it is not but the months rose and fell beyond chance;
    "no clear change" otherwise (including too little data).
    """
    moves = changes(table, months)
    t = table.set_index(["standard", "audit_month"])
    rows = []
    for std in table["standard"].unique():
        graded = [m for m in months if t.loc[(std, m), "graded"] > 0]
        if len(graded) < 2:
            rows.append(
                {
                    "standard": std,
                    "first_month": None,
                    "last_month": None,
                    "first_pct": np.nan,
                    "last_pct": np.nan,
                    "change": np.nan,
                    "p": np.nan,
                }
            )
            continue
        first, last = t.loc[(std, graded[0])], t.loc[(std, graded[-1])]
        rows.append(
            {
                "standard": std,
                "first_month": graded[0],
                "last_month": graded[-1],
                "first_pct": first["pct_good_or_outstanding"],
                "last_pct": last["pct_good_or_outstanding"],
                "change": last["pct_good_or_outstanding"] - first["pct_good_or_outstanding"],
                "p": fisher_exact_p(
                    int(last["good_or_outstanding"]), int(last["graded"]), int(first["good_or_outstanding"]), int(first["graded"])
                ),
            }
        )
    out = pd.DataFrame(rows, columns=["standard", "first_month", "last_month", "first_pct", "last_pct", "change", "p"])
    out["q"] = bh_q(out["p"].tolist())
    out["reading"] = trend_readings(out, moves, "q")
    return out


def trend_readings(trend: pd.DataFrame, moves: pd.DataFrame, q: str) -> list[str]:
    """Each standard's reading over the period, by the q in column `q` and the months' marks (go_mark)."""
    readings = []
    for r in trend.itertuples():
        marks = set(moves.loc[moves["standard"] == r.standard, "go_mark"])
        value = getattr(r, q)
        if beyond_chance(value, r.change):
            readings.append("improved" if r.change > 0 else "declined")
        elif {UP, DOWN} <= marks:
            readings.append("inconsistent")
        else:
            readings.append("no clear change")
    return readings


def month_cohorts(audits: pd.DataFrame, months: list[str], labels: dict[str, str]) -> dict[str, str]:
    """Each month's cohort label(s) among its returned audits ("" when none): month-on-month changes compare
    different children when the cohorts differ."""
    r = audits[audits["audit_month"].isin(months) & audits["status"].eq("returned")]
    found = r.groupby("audit_month")["cohort"].agg(lambda c: sorted(c.unique()))
    return {m: " and ".join(labels.get(c, c) for c in found.get(m, [])) for m in months}


@dataclass(frozen=True)
class StandardsFigures:
    """Every figure of section 3.1.2, computed once per run: over the period with its baseline month (the
    report's table, its noise rule and the e-mail's headline), and over the period alone (the contract table)."""

    months: tuple[str, ...]  # the period with its baseline month
    table: pd.DataFrame
    moves: pd.DataFrame  # month-on-month change per standard, with the test's mark
    trends: pd.DataFrame  # first to last month per standard, read by the noise rule
    period_table: pd.DataFrame  # the contract's standards table
    quality: pd.DataFrame  # N/A and ungraded standards, period
    cohorts: dict[str, str]  # each compared month's cohort label(s)
    spc: dict[str, pd.DataFrame]  # per standard: p-chart of % good or outstanding over the trend window with data
    family: int = 0  # how many tests are in the report's one family (`qa_lib.figures.claims`), set with their q
    not_compared: tuple[str, ...] = ()  # standards whose first-to-last verdict rests on a hidden count (wider view only)


def standard_charts(table: pd.DataFrame, improvement: str) -> dict[str, pd.DataFrame]:
    """Each standard's p-chart: audits graded good or outstanding of those graded, month by month."""
    return {
        std: p_chart(t["audit_month"].tolist(), t["good_or_outstanding"].tolist(), t["graded"].tolist(), improvement)
        for std, t in table.groupby("standard", sort=False)
    }


def compute(audits: pd.DataFrame, params: Params, m: RunMonths) -> StandardsFigures:
    keys, compared = list(params.standards), list(m.with_previous)
    table = standards(audits, compared, keys)
    return StandardsFigures(
        months=m.with_previous,
        table=table,
        moves=changes(table, compared),
        trends=trends(table, compared),
        period_table=standards(audits, list(m.months), keys),
        quality=standards_quality(audits, list(m.months), keys),
        cohorts=month_cohorts(audits, compared, params.cohorts),
        spc=standard_charts(standards(audits, list(m.trend_with_data), keys), params.improvement["good_or_outstanding"]),
    )
