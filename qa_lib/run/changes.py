"""changes.csv (data contract, section 3): every comparison the report words as a rise or a fall, with its
counts, Fisher p, Benjamini-Hochberg q within its family and whether it is beyond chance. Two families:
`month_on_month` (one pair of months' standards, % good or outstanding) and `comparator:<cohort>` (one
cohort's standards between its previous and latest audit months)."""

from __future__ import annotations

import pandas as pd

from qa_lib.sections.standards.figures import ALPHA

COLUMNS = [
    "family",
    "standard",
    "from_month",
    "to_month",
    "from_count",
    "from_graded",
    "to_count",
    "to_graded",
    "change_points",
    "p_value",
    "q_value",
    "beyond_chance",
]


def month_on_month(table: pd.DataFrame, moves: pd.DataFrame) -> pd.DataFrame:
    """Rows for the month-on-month family, from the standards table and its moves (good or outstanding)."""
    t = table.set_index(["standard", "audit_month"])
    rows = []
    for m in moves.itertuples():
        a, b = t.loc[(m.standard, m.previous_month)], t.loc[(m.standard, m.audit_month)]
        rows.append(_row("month_on_month", m.standard, m.previous_month, m.audit_month, a, b, m.go_change, m.go_p, m.go_q))
    return pd.DataFrame(rows, columns=COLUMNS)


def comparator(comp: pd.DataFrame, cohort: str, cmp: pd.DataFrame) -> pd.DataFrame:
    """Rows for one cohort's family, from the comparators table and the cohort's comparison."""
    t = comp[comp["cohort"] == cohort].set_index(["standard", "audit_month"])
    rows = []
    for c in cmp.itertuples():
        a, b = t.loc[(c.standard, c.previous_month)], t.loc[(c.standard, c.month)]
        rows.append(_row(f"comparator:{cohort}", c.standard, c.previous_month, c.month, a, b, c.change, c.p, c.q))
    return pd.DataFrame(rows, columns=COLUMNS)


def _row(family: str, standard: str, first: str, last: str, a: pd.Series, b: pd.Series, change: float, p: float, q: float) -> dict:
    return {
        "family": family,
        "standard": standard,
        "from_month": first,
        "to_month": last,
        "from_count": int(a["good_or_outstanding"]),
        "from_graded": int(a["graded"]),
        "to_count": int(b["good_or_outstanding"]),
        "to_graded": int(b["graded"]),
        "change_points": change,
        "p_value": p,
        "q_value": q,
        "beyond_chance": "" if pd.isna(q) else ("true" if q < ALPHA and change != 0 else "false"),
    }


def changes_table(families: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in families if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
