"""Figure frames -> tables for people: readable headers, months by name, n beside every %.

Only presentation happens here; every number comes from a section module.
"""
from __future__ import annotations

import pandas as pd

from .period import month_short
from .stats import whole


def _rate(rate: float, k: int, n: int) -> str:
    return "–" if n == 0 or pd.isna(rate) else f"{whole(rate)} ({k}/{n})"


def returns_table(returns: pd.DataFrame, cohorts: dict[str, str], target: float) -> pd.DataFrame:
    """Month, cohort, distributed, returned, % returns and exemptions, with the target."""
    r = returns[(returns["distributed"] > 0) | (returns["exempt"] > 0)]
    return pd.DataFrame({
        "Month": r["audit_month"].map(month_short),
        "Cohort": r["cohort"].map(lambda c: cohorts.get(c, c)),
        "Audits distributed": r["distributed"],
        "Audits returned": r["returned"],
        "% returns": r["return_rate"].map(lambda v: "–" if pd.isna(v) else whole(v)),
        f"Target {whole(target)}": r["return_rate"].map(lambda v: "–" if pd.isna(v) else ("met" if v >= target else "below")),
        "Exemptions": r["exempt"],
    })


def area_returns_table(by_area: pd.DataFrame, areas: list[str], months: list[str]) -> pd.DataFrame:
    """Service areas down, months across: "% (returned/distributed)"; "–" where none were distributed."""
    cells = by_area.assign(cell=[_rate(r, k, n) for r, k, n in zip(by_area["return_rate"], by_area["returned"], by_area["distributed"])])
    wide = cells.pivot(index="service_area", columns="audit_month", values="cell").reindex(index=areas, columns=months).fillna("–")
    wide.columns = [month_short(m) for m in months]
    return wide.rename_axis("Service area").reset_index()


def participation_table(part: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Month": part["audit_month"].map(month_short),
        "Audits returned": part["returned"],
        "Social worker took part": part["participated"],
        "% took part": [("–" if n == 0 else f"{r:.1f}%") for r, n in zip(part["participation_rate"], part["returned"])],
    })


def reasons_table(reasons: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    """Reason categories down, months across, with a period total; most common first."""
    if reasons.empty:
        return pd.DataFrame({"Reason": ["Every social worker took part"]})
    wide = reasons.pivot(index="reason", columns="audit_month", values="count").reindex(columns=months).fillna(0).astype(int)
    wide["Total"] = wide.sum(axis=1)
    wide = wide.sort_values(["Total"], ascending=False)
    wide.columns = [month_short(c) if c != "Total" else c for c in wide.columns]
    return wide.rename_axis("Reason").reset_index()


def rows_table(summary: dict) -> pd.DataFrame:
    """Rows in = rows used + rows rejected, for the data-quality note."""
    return pd.DataFrame({
        "Rows read": [summary["rows_read"]],
        "Rows used": [summary["rows_used"]],
        "Rows rejected": [summary["rows_rejected"]],
    })


def rejected_note(summary: dict) -> str:
    """Which rows were rejected and why (row numbers only: never a row's contents)."""
    rejected = summary.get("rejected") or []
    if not rejected:
        return f"All {summary['rows_read']} rows were used; none were rejected."
    by_reason: dict[str, list[int]] = {}
    for item in rejected:
        by_reason.setdefault(item["reason"], []).append(int(item["row"]))
    parts = []
    for reason, rows in by_reason.items():
        shown = ", ".join(str(r) for r in rows[:20]) + (f" and {len(rows) - 20} more" if len(rows) > 20 else "")
        parts.append(f"{len(rows)} {reason}{'s' if len(rows) != 1 else ''} (row{'s' if len(rows) != 1 else ''} {shown})")
    return "Rejected: " + "; ".join(parts) + "."
