"""changes.csv (data contract, section 3): every comparison that can put a word or a mark in the report, with
its counts, Fisher p, Benjamini-Hochberg q within its family, q across the whole report (`qa_lib.figures.claims`) and
whether it is beyond chance (the report-wide q, by `qa_lib.stats.beyond_chance`). Families:
`month_on_month` (one pair of months' standards, for each measure), `first_to_last` (each standard's first
graded month of the period against its last: the words "rose" and "fell" and the key messages),
`comparator:<cohort>` (one cohort's standards between its previous and latest audit months) and `agreement`
(exact agreement between auditors and moderators from one measured month to the next: counts are audits
agreed of audits moderated)."""

from __future__ import annotations

import pandas as pd

from qa_lib.stats import beyond_chance

COLUMNS = [
    "family",
    "measure",
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
    "q_report",
    "beyond_chance",
]
GO, RI = "good_or_outstanding", "requires_improvement"


def month_on_month(table: pd.DataFrame, moves: pd.DataFrame) -> pd.DataFrame:
    """Rows for the month-on-month family, from the standards table and its moves: % good or outstanding, then
    % requires improvement (the two columns the standards table marks)."""
    t = table.set_index(["standard", "audit_month"])
    rows = []
    for label, measure, count in (("go", GO, "good_or_outstanding"), ("ri", RI, "requires_improvement")):
        for m in moves.itertuples():
            a, b = t.loc[(m.standard, m.previous_month)], t.loc[(m.standard, m.audit_month)]
            if pd.isna([a[count], a["graded"], b[count], b["graded"]]).any():
                continue  # a wider pack's hidden count: no test is published on it
            values = [getattr(m, f"{label}_{x}") for x in ("change", "p", "q", "q_report")]
            rows.append(_row("month_on_month", measure, m.standard, m.previous_month, m.audit_month, a, b, count, *values))
    return pd.DataFrame(rows, columns=COLUMNS)


def first_to_last(table: pd.DataFrame, trends: pd.DataFrame) -> pd.DataFrame:
    """Rows for the first-to-last family: each standard's first graded month of the period against its last."""
    t = table.set_index(["standard", "audit_month"])
    rows = []
    for r in trends.dropna(subset=["first_month"]).itertuples():
        a, b = t.loc[(r.standard, r.first_month)], t.loc[(r.standard, r.last_month)]
        rows.append(
            _row("first_to_last", GO, r.standard, r.first_month, r.last_month, a, b, "good_or_outstanding", r.change, r.p, r.q, r.q_report)
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def comparator(comp: pd.DataFrame, cohort: str, cmp: pd.DataFrame) -> pd.DataFrame:
    """Rows for one cohort's family, from the comparators table and the cohort's comparison."""
    t = comp[comp["cohort"] == cohort].set_index(["standard", "audit_month"])
    rows = []
    for c in cmp.itertuples():
        a, b = t.loc[(c.standard, c.previous_month)], t.loc[(c.standard, c.month)]
        q_report = getattr(c, "q_report", float("nan"))
        rows.append(
            _row(
                f"comparator:{cohort}", GO, c.standard, c.previous_month, c.month, a, b, "good_or_outstanding", c.change, c.p, c.q, q_report
            )
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def agreement(changes: pd.DataFrame) -> pd.DataFrame:
    """Rows for the agreement family: exact agreement from one measured month to the next (agreed of moderated),
    its Benjamini-Hochberg q within the family (`q`) beside the report-wide q its words follow (`q_report`)."""
    if changes.empty:
        return pd.DataFrame(columns=COLUMNS)
    rows = []
    for c in changes.itertuples():
        a = pd.Series({"agreed": c.previous_agreed, "graded": c.previous_moderated})
        b = pd.Series({"agreed": c.agreed, "graded": c.moderated})
        months = (c.previous_month, c.audit_month)
        rows.append(_row("agreement", "exact_agreement", "overall", *months, a, b, "agreed", c.change, c.p, c.q, c.q_report))
    return pd.DataFrame(rows, columns=COLUMNS)


def _row(
    family: str,
    measure: str,
    standard: str,
    first: str,
    last: str,
    a: pd.Series,
    b: pd.Series,
    count: str,
    change: float,
    p: float,
    q: float,
    q_report: float,
) -> dict:
    return {
        "family": family,
        "measure": measure,
        "standard": standard,
        "from_month": first,
        "to_month": last,
        "from_count": int(a[count]),
        "from_graded": int(a["graded"]),
        "to_count": int(b[count]),
        "to_graded": int(b["graded"]),
        "change_points": change,
        "p_value": p,
        "q_value": q,
        "q_report": q_report,
        "beyond_chance": "" if pd.isna(q_report) else ("true" if beyond_chance(q_report, change) else "false"),
    }


def changes_table(families: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in families if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
