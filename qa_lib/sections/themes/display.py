"""Sections 3.2 and 4: key and recurring themes, and actions: figure frames as tables for people (readable
headers, months by name, n beside every %)."""

from __future__ import annotations

import pandas as pd

from qa_lib.inputs.period import month_short
from qa_lib.render.cells import SYMBOL, count_cell, is_hidden, pct_cell


def _theme_cell(audits: object, percent: object, returned: object) -> str:
    """ "n (x%)"; "–" in a month with no returns; c when a count is hidden (a wider pack)."""
    if is_hidden(audits, percent):
        return SYMBOL
    if not is_hidden(returned) and not returned:
        return "–"
    return f"{count_cell(audits)} ({pct_cell(percent, 0)})"


def themes_table(counts: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    """Themes down, months across: "n (x% of returned)"; most mentioned first (in the order found when a count
    is hidden: a total of hidden counts is not shown, so it cannot order the rows either)."""
    cells = counts.assign(cell=[_theme_cell(*x) for x in zip(counts["audits"], counts["percent"], counts["returned"])])
    wide = cells.pivot(index="label", columns="audit_month", values="cell").reindex(columns=months)
    if counts["audits"].map(is_hidden).any():
        order = pd.Index(dict.fromkeys(counts["label"]))
    else:
        order = counts.groupby("label")["audits"].sum().sort_values(ascending=False, kind="stable").index
    wide = wide.reindex(order)
    wide.columns = [month_short(m) for m in months]
    return wide.rename_axis("Theme").reset_index()


def quotes_table(q: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Theme": q["theme"],
            "Month": q["audit_month"].map(month_short),
            "Standard": q["standard"].map(lambda s: labels.get(s, s)),
            "Quote (redacted)": q["quote"],
        }
    )


def theme_standard_table(by_standard: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """Themes down, standards across: audits over the period whose comment on that standard mentions the theme."""
    total = (
        by_standard.groupby(["label", "standard"])["audits"].sum().unstack("standard").reindex(columns=list(labels)).fillna(0).astype(int)
    )
    total = total.loc[total.sum(axis=1).sort_values(ascending=False, kind="stable").index]
    total.columns = [labels[s] for s in total.columns]
    return total.rename_axis("Theme").reset_index()
