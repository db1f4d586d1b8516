"""Sections 3.1.3 to 3.1.5: the same cohort across its audit months: figure frames as tables for people (readable
headers, months by name, n beside every %)."""

from __future__ import annotations

import pandas as pd

from qa_lib.inputs.period import month_short
from qa_lib.render.cells import SYMBOL, is_hidden
from qa_lib.stats import whole, wilson_interval


def interval(k: int, n: int) -> str:
    """The 95% Wilson interval as people read it: "28–55%"."""
    lo, hi = wilson_interval(k, n)
    return f"{whole(lo)[:-1]}–{whole(hi)}"


def comparator_table(comp: pd.DataFrame, cohort: str, labels: dict[str, str]) -> pd.DataFrame:
    """Standards down, the cohort's audit months across: "% (good or outstanding/graded; 95% interval)"."""
    c = comp[comp["cohort"] == cohort]
    months = sorted(c["audit_month"].unique())
    cells = c.assign(
        cell=[
            (SYMBOL if is_hidden(p, k, n) else "–" if n == 0 else f"{whole(p)} ({k}/{n}; {interval(int(k), int(n))})")
            for p, k, n in zip(c["pct_good_or_outstanding"], c["good_or_outstanding"], c["graded"])
        ]
    )
    wide = cells.pivot(index="standard", columns="audit_month", values="cell").reindex(index=list(labels), columns=months)
    wide.index = [labels[s] for s in wide.index]
    wide.columns = [month_short(m) for m in months]
    return wide.rename_axis("Performance area").reset_index()
