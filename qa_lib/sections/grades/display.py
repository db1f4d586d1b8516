"""Sections 2.3 and 3.1.1: moderation, agreement and overall grades: figure frames as tables for people (readable
headers, months by name, n beside every %)."""

from __future__ import annotations

import pandas as pd

from qa_lib.inputs.period import month_short
from qa_lib.inputs.schema import GRADE_LABELS
from qa_lib.render.cells import count_cell, is_hidden, pct_cell
from qa_lib.render.words import coefficient_interval
from qa_lib.sections.grades.auditors import band
from qa_lib.sections.grades.words import steps
from qa_lib.stats import whole


def moderation_summary_table(summary: pd.DataFrame) -> pd.DataFrame:
    """Months down: audits returned and moderated, and what became of the grades; a hidden count is c."""
    columns = {
        "returned": "Audits returned",
        "moderated": "Moderated",
        "same": "Same grade",
        "upgraded": "Upgraded",
        "downgraded": "Downgraded",
    }
    out = pd.DataFrame({"Month": summary["audit_month"].map(month_short)})
    for column, name in columns.items():
        out[name] = summary[column].map(count_cell)
    return out


def matrix_table(matrix: pd.DataFrame) -> pd.DataFrame:
    """Auditor's grade down, grade after moderation across."""
    t = matrix.rename(index=GRADE_LABELS, columns=GRADE_LABELS)
    t.columns = [f"After moderation: {c}" for c in t.columns]
    return t.rename_axis("Auditor's grade").reset_index()


def agreement_table(agree: pd.DataFrame) -> pd.DataFrame:
    """Per month and the whole period: n, same grade, exact agreement, weighted kappa and Gwet's AC2, each
    with its 95% interval; "–" where fewer than 10 were moderated (not measured) or a coefficient is undefined."""

    def month(m: str) -> str:
        return "Whole period" if m == "period" else month_short(m)

    def ci(value: float, low: float, high: float, percent: bool) -> str:
        if pd.isna(value) or pd.isna(low):
            return "–"
        if percent:
            return f"{whole(value)} ({whole(low)[:-1]}–{whole(high)})"
        return coefficient_interval(value, low, high)

    rows = agree.itertuples()
    return pd.DataFrame(
        [
            {
                "Month": month(r.audit_month),
                "Moderated": r.moderated,
                "Same grade": r.agreed,
                "Exact agreement (95% interval)": ci(r.exact_agreement, r.agreement_low, r.agreement_high, True),
                "Weighted kappa (95% interval)": ci(r.weighted_kappa, r.kappa_low, r.kappa_high, False),
                "Gwet's AC2 (95% interval)": ci(r.ac2, r.ac2_low, r.ac2_high, False),
                "Reading": r.reading,
            }
            for r in rows
        ]
    )


def overall_grades_table(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Months down; for each grade "n (x%)" before and after moderation."""

    def cells(frame: pd.DataFrame) -> pd.DataFrame:
        f = frame.assign(cell=[f"{c} ({whole(p)})" if not pd.isna(p) else "–" for c, p in zip(frame["count"], frame["percent"])])
        return f.pivot(index="audit_month", columns="grade", values="cell")[list(GRADE_LABELS)]

    b, a = cells(before), cells(after)
    out = pd.DataFrame({"Month": [month_short(m) for m in b.index]})
    for g, name in GRADE_LABELS.items():
        out[f"{name} (auditor)"] = b[g].to_numpy()
        out[f"{name} (moderated)"] = a[g].to_numpy()
    out["Returned"] = before.groupby("audit_month")["count"].sum().reindex(b.index).to_numpy()
    return out


def before_table(before: pd.DataFrame, returned: pd.Series) -> pd.DataFrame:
    """Months down; each grade "n (x%)" before moderation, or c (a wider pack, which publishes no grade after
    moderation); `returned`: returned audits by month."""
    cells = before.assign(
        cell=[
            "c" if is_hidden(c, p) else ("–" if pd.isna(p) else f"{c} ({pct_cell(p, 0)})")
            for c, p in zip(before["count"], before["percent"])
        ]
    )
    wide = cells.pivot(index="audit_month", columns="grade", values="cell")[list(GRADE_LABELS)]
    out = pd.DataFrame({"Month": [month_short(m) for m in wide.index]})
    for g, name in GRADE_LABELS.items():
        out[name] = wide[g].to_numpy()
    out["Returned"] = [count_cell(returned.get(m, 0)) for m in wide.index]
    return out


def grades_by_area_table(table: pd.DataFrame) -> pd.DataFrame:
    """Service areas down, grades across, counts; for either audience (a hidden count is c)."""
    return table.rename(columns={"service_area": "Grade by service area"}).map(lambda v: v if isinstance(v, str) else count_cell(v))


def reaudit_table(moves: pd.DataFrame) -> pd.DataFrame:
    """Grade at the first audit (rows) against the grade at re-audit (columns), counts."""
    table = moves.pivot(index="grade_then", columns="grade_now", values="count").reindex(columns=list(GRADE_LABELS))
    table = table.rename(index=GRADE_LABELS, columns=GRADE_LABELS).rename_axis(None, axis=1)
    return table.reset_index(names="Grade at the first audit").astype(str)


def standard_agreement_table(table: pd.DataFrame, names: dict[str, str], min_n: int) -> pd.DataFrame:
    """Agreement by practice standard for people: pairs, exact agreement with its counts, kappa and AC2 with
    their 95% intervals ("–" where fewer than `min_n` pairs)."""

    def interval(v: float, lo: float, hi: float) -> str:
        return coefficient_interval(v, lo, hi)

    return pd.DataFrame(
        {
            "Standard": [names.get(k, k) for k in table["standard"]],
            "Moderated (both graded)": table["pairs"].astype(str),
            "Exact agreement": [
                "–" if n < min_n else f"{whole(p)} ({a}/{n})" for p, a, n in zip(table["exact_agreement"], table["agreed"], table["pairs"])
            ],
            "Weighted kappa (95% interval)": [interval(*x) for x in zip(table["weighted_kappa"], table["kappa_low"], table["kappa_high"])],
            "Gwet's AC2 (95% interval)": [interval(*x) for x in zip(table["ac2"], table["ac2_low"], table["ac2_high"])],
        }
    )


def auditor_table(table: pd.DataFrame) -> pd.DataFrame:
    """Auditors by pseudonymous code, in code order (never ranked): moderated audits, the mean shift as moderated,
    the shift after allowing for chance with its 95% interval, and what it says."""

    def adjusted(v: float, lo: float, hi: float) -> str:
        return "–" if v != v else f"{steps(v)} ({steps(lo)} to {steps(hi)})"

    return pd.DataFrame(
        {
            "Auditor": table["code"],
            "Moderated audits": [band(n) for n in table["moderated"]],
            "Mean shift as moderated (steps)": [steps(v) for v in table["raw_mean"]],
            "Against the team, allowing for chance (95% interval)": [
                adjusted(*x) for x in zip(table["difference"], table["low"], table["high"])
            ],
            "Reading": [
                "may benefit from a calibration conversation" if bool(s) else "within what chance explains" if v == v else "–"
                for s, v in zip(table["stands_out"].fillna(False), table["difference"])
            ],
        }
    )
