"""Sections 1, 2.1 and 2.2: audit returns, exemptions and social worker participation: figure frames as tables
for people (readable headers, months by name, n beside every %)."""

from __future__ import annotations

import pandas as pd

from qa_lib.inputs.period import month_short
from qa_lib.render.cells import SYMBOL, count_cell, is_hidden, pct_cell, rate_cell
from qa_lib.render.words import displayed_whole
from qa_lib.stats import whole


def met(rate: float, target: float) -> str:
    """Against the target on the whole percentages shown (79.7% reads 80%, which meets 80%)."""
    return "met" if displayed_whole(rate) >= displayed_whole(target) else "below"


def returns_table(returns: pd.DataFrame, cohorts: dict[str, str], target: float) -> pd.DataFrame:
    """Month, cohort, distributed, returned, % returns and exemptions, with the target; for either audience (a
    hidden count is c, and so is a rate or a target reading that rests on one)."""
    r = returns[[is_hidden(d, e) or d > 0 or e > 0 for d, e in zip(returns["distributed"], returns["exempt"])]]
    return pd.DataFrame(
        {
            "Month": r["audit_month"].map(month_short),
            "Cohort": r["cohort"].map(lambda c: cohorts.get(c, c)),
            "Audits distributed": r["distributed"].map(count_cell),
            "Audits returned": r["returned"].map(count_cell),
            "% returns": r["return_rate"].map(lambda v: pct_cell(v, 0)),
            f"Target {whole(target)}": [SYMBOL if is_hidden(v) else ("–" if pd.isna(v) else met(v, target)) for v in r["return_rate"]],
            "Exemptions": r["exempt"].map(count_cell),
        }
    )


def area_returns_table(by_area: pd.DataFrame, areas: list[str], months: list[str]) -> pd.DataFrame:
    """Service areas down, months across: "% (returned/distributed)"; "–" where none were distributed."""
    cells = by_area.assign(
        cell=[rate_cell(r, k, n) for r, k, n in zip(by_area["return_rate"], by_area["returned"], by_area["distributed"])]
    )
    wide = cells.pivot(index="service_area", columns="audit_month", values="cell").reindex(index=areas, columns=months).fillna("–")
    wide.columns = [month_short(m) for m in months]
    return wide.rename_axis("Service area").reset_index()


def participation_table(part: pd.DataFrame) -> pd.DataFrame:
    """Months down: audits returned, how many the social worker took part in, and the %; a hidden count is c."""
    return pd.DataFrame(
        {
            "Month": part["audit_month"].map(month_short),
            "Audits returned": part["returned"].map(count_cell),
            "Social worker took part": part["participated"].map(count_cell),
            "% took part": [
                ("–" if not is_hidden(n) and n == 0 else pct_cell(r)) for r, n in zip(part["participation_rate"], part["returned"])
            ],
        }
    )


def reasons_table(reasons: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    """Reason categories down, months across, with a period total; most common first. For either audience: a
    hidden count is c, a total over one is c too, and rows stay in the order found (a hidden total cannot order)."""
    if reasons.empty:
        return pd.DataFrame({"Reason": ["Every social worker took part"]})
    wide = reasons.pivot(index="reason", columns="audit_month", values="count").reindex(columns=months).fillna(0)
    if wide.map(is_hidden).any().any():
        wide["Total"] = [SYMBOL if any(is_hidden(v) for v in row) else int(sum(row)) for row in wide.itertuples(index=False)]
    else:
        wide = wide.astype(int)
        wide["Total"] = wide.sum(axis=1)
        wide = wide.sort_values(["Total"], ascending=False)
    wide = wide.map(count_cell)
    wide.columns = [month_short(c) if c != "Total" else c for c in wide.columns]
    return wide.rename_axis("Reason").reset_index()


SAMPLING_NOTE = (
    "All cohorts are filtered to ensure there is only one case per social worker included in the sample, in order "
    "to offer the opportunity of a consultation to the widest number of staff. The samples are mapped against "
    "recent audit records to ensure children's case files are not audited more frequently than once every 6 months."
)
