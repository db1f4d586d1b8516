"""Section 1 and 2.1-2.2 figures: audit returns, exemptions and social worker participation.

Definitions (data contract): distributed = returned + not_returned (exempt cases
are counted separately); return rate = returned / distributed; participation
rate = returned audits with sw_participated = yes / returned audits.
Every function takes the validated audits frame and a list of "YYYY-MM" months
and returns a tidy frame; months with no audits appear with zero counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from qa_lib.inputs.params import Params, ReasonCategory
from qa_lib.inputs.period import RunMonths
from qa_lib.spc import funnel, funnel_curve, p_chart
from qa_lib.stats import pct

NO_REASON = "No reason recorded"
OTHER_REASON = "Other reason"
_NO_REASON_TEXT = r"^\s*(?:no reason(?: recorded| given)?|none(?: given)?|not recorded|n/?a|unknown|-)?\s*$"


def _status_counts(audits: pd.DataFrame, months: list[str], keys: list[str]) -> pd.DataFrame:
    """Counts of returned, not returned and exempt audits by `keys` for the months given."""
    a = audits.loc[audits["audit_month"].isin(months), [*dict.fromkeys([*keys, "status"])]]  # only what is counted
    counts = (
        a.assign(n=1)
        .pivot_table(index=keys, columns="status", values="n", aggfunc="sum", fill_value=0)
        .reindex(columns=["returned", "not_returned", "exempt"], fill_value=0)
    )
    counts.columns.name = None
    counts = counts.reset_index()
    counts["distributed"] = counts["returned"] + counts["not_returned"]
    return counts


def returns(audits: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    """Per month and cohort: distributed, returned, exempt and return rate (% of distributed).

    A month with no audits at all is kept, with zero counts and a blank rate.
    """
    counts = _status_counts(audits, months, ["audit_month", "cohort"])
    missing = sorted(set(months) - set(counts["audit_month"]))
    if missing:
        counts = pd.concat([counts, pd.DataFrame({"audit_month": missing, "cohort": ""})], ignore_index=True)
    counts = counts.fillna({"returned": 0, "not_returned": 0, "exempt": 0, "distributed": 0})
    out = counts.astype({c: "int64" for c in ("returned", "not_returned", "exempt", "distributed")})
    out["return_rate"] = pct(out["returned"], out["distributed"])
    return out.sort_values(["audit_month", "cohort"])[
        ["audit_month", "cohort", "distributed", "returned", "exempt", "return_rate"]
    ].reset_index(drop=True)


def monthly_returns(audits: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    """`returns` summed over cohorts: one row per month (for trends, targets and commentary)."""
    r = returns(audits, months)
    m = r.groupby("audit_month", as_index=False)[["distributed", "returned", "exempt"]].sum()
    m["return_rate"] = pct(m["returned"], m["distributed"])
    return m


def returns_by_area(audits: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    """Per month and service area with any audit distributed: distributed, returned, return rate."""
    c = _status_counts(audits, months, ["audit_month", "service_area"])
    c = c[c["distributed"] > 0].copy()
    c["return_rate"] = pct(c["returned"], c["distributed"])
    return c.sort_values(["audit_month", "service_area"])[
        ["audit_month", "service_area", "distributed", "returned", "return_rate"]
    ].reset_index(drop=True)


def full_return_areas(by_area: pd.DataFrame, months: list[str]) -> dict[str, list[str]]:
    """For each month, the service areas that returned every audit distributed to them (100%)."""
    full = by_area[(by_area["distributed"] > 0) & (by_area["returned"] == by_area["distributed"])]
    return {m: sorted(full.loc[full["audit_month"] == m, "service_area"].tolist()) for m in months}


def participation(audits: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    """Per month: returned audits, how many the social worker took part in, and the rate (%)."""
    r = audits.loc[audits["audit_month"].isin(months) & audits["status"].eq("returned"), ["audit_month", "sw_participated"]]
    g = r.assign(p=r["sw_participated"].fillna(False).astype(bool)).groupby("audit_month")["p"].agg(returned="size", participated="sum")
    g = g.reindex(months, fill_value=0).rename_axis("audit_month").reset_index()
    g = g.astype({"returned": "int64", "participated": "int64"})
    g["participation_rate"] = pct(g["participated"], g["returned"])
    return g


def reason_category(reasons: pd.Series, categories: tuple[ReasonCategory, ...]) -> pd.Series:
    """Free-text reasons -> category labels from params (the text itself is never reported).

    Blank (or "none", "n/a", "no reason") -> "No reason recorded"; the first category
    whose keyword appears in the text (case-insensitive) wins; anything else -> "Other reason".
    """
    text = reasons.fillna("").astype(str).str.lower()
    conditions = [text.str.fullmatch(_NO_REASON_TEXT)]
    labels = [NO_REASON]
    for cat in categories:
        if cat.keywords:
            conditions.append(text.str.contains("|".join(map(re.escape, cat.keywords)), regex=True))
            labels.append(cat.label)
    return pd.Series(np.select(conditions, labels, default=OTHER_REASON), index=reasons.index, dtype=str)


def non_participation_reasons(audits: pd.DataFrame, months: list[str], categories: tuple[ReasonCategory, ...]) -> pd.DataFrame:
    """Per month: reason category and count, for returned audits the social worker did not take part in.

    Most common first within each month; ties in alphabetical order.
    """
    r = audits[audits["audit_month"].isin(months) & audits["status"].eq("returned") & audits["sw_participated"].eq(False)]
    cats = reason_category(r["non_participation_reason"], categories)
    out = (
        pd.DataFrame({"audit_month": r["audit_month"], "reason": cats})
        .groupby(["audit_month", "reason"])
        .size()
        .rename("count")
        .reset_index()
    )
    out = out.sort_values(["audit_month", "count", "reason"], ascending=[True, False, True]).reset_index(drop=True)
    return out.astype({"count": "int64"})


def top_reasons(reasons: pd.DataFrame, month: str) -> list[str]:
    """The most common non-participation reason(s) in a month (several when tied)."""
    m = reasons[reasons["audit_month"] == month]
    if m.empty:
        return []
    return m.loc[m["count"] == m["count"].max(), "reason"].tolist()


def month_themes(audits: pd.DataFrame, months: list[str], cohorts: dict[str, str]) -> dict[str, str]:
    """Each month's cohort label(s), e.g. {"2021-11": "Child in Need plan"}; "" for a month with no audits."""
    a = audits[audits["audit_month"].isin(months)]
    keys = a.groupby("audit_month")["cohort"].unique()
    return {m: " and ".join(cohorts.get(k, k) for k in sorted(keys.get(m, []))) for m in months}


@dataclass(frozen=True)
class ComplianceFigures:
    """Every figure of sections 1, 2.1 and 2.2, computed once per run."""

    monthly: pd.DataFrame  # monthly_returns over the trend window
    returns_trend: pd.DataFrame  # returns by month and cohort, trend window from the first month with audits
    returns_period: pd.DataFrame  # the same, the period only (the contract table)
    by_area: pd.DataFrame  # returns by area, trend window with data
    by_area_period: pd.DataFrame  # the same, the period only (the contract table)
    full_areas: dict[str, list[str]]  # areas with every audit returned, per period month
    participation_trend: pd.DataFrame
    participation_period: pd.DataFrame
    reasons: pd.DataFrame  # non-participation reason categories, period
    month_themes: dict[str, str]  # each period month's cohort label(s)
    spc: pd.DataFrame  # p-chart of the return rate over the trend window with data (qa_lib.spc)
    funnel: pd.DataFrame  # the period's return rate by service area against n (qa_lib.spc.funnel)
    funnel_curve: pd.DataFrame | None = None  # its limits as lines to draw (qa_lib.spc.funnel_curve; None: not published)


def area_funnel(by_area: pd.DataFrame, areas: list[str]) -> pd.DataFrame:
    """The period's returns by area (summed over its months) as a funnel: returned of distributed."""
    t = by_area.groupby("service_area")[["returned", "distributed"]].sum().reindex([a for a in areas if a in set(by_area["service_area"])])
    return funnel(list(t.index), t["returned"].tolist(), t["distributed"].tolist())


def return_rate_chart(monthly: pd.DataFrame, months: list[str], improvement: str) -> pd.DataFrame:
    """The return rate's p-chart: returned of distributed, month by month (`improvement`: which way is better)."""
    m = monthly[monthly["audit_month"].isin(months)]
    return p_chart(m["audit_month"].tolist(), m["returned"].tolist(), m["distributed"].tolist(), improvement)


def compute(audits: pd.DataFrame, params: Params, m: RunMonths) -> ComplianceFigures:
    months, trend = list(m.months), list(m.trend_with_data)
    by_area = returns_by_area(audits, trend)
    monthly = monthly_returns(audits, list(m.trend_months))
    area = area_funnel(returns_by_area(audits, months), list(params.service_areas))
    return ComplianceFigures(
        monthly=monthly,
        returns_trend=returns(audits, trend),
        returns_period=returns(audits, months),
        by_area=by_area,
        by_area_period=returns_by_area(audits, months),
        full_areas=full_return_areas(by_area, months),
        participation_trend=participation(audits, trend),
        participation_period=participation(audits, months),
        reasons=non_participation_reasons(audits, months, params.reason_categories),
        month_themes=month_themes(audits, months, params.cohorts),
        spc=return_rate_chart(monthly, trend, params.improvement["return_rate"]),
        funnel=area,
        funnel_curve=funnel_curve(area),
    )
