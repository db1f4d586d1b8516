"""Sections 2.3 and 3.1.1: moderation, agreement and overall grades: figure frames as tables for people (readable
headers, months by name, n beside every %)."""

from __future__ import annotations

import pandas as pd

from qa_lib.inputs.period import month_short
from qa_lib.inputs.schema import GRADE_LABELS
from qa_lib.stats import whole


def moderation_summary_table(summary: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Month": summary["audit_month"].map(month_short),
            "Audits returned": summary["returned"],
            "Moderated": summary["moderated"],
            "Same grade": summary["same"],
            "Upgraded": summary["upgraded"],
            "Downgraded": summary["downgraded"],
        }
    )


def matrix_table(matrix: pd.DataFrame) -> pd.DataFrame:
    """Auditor's grade down, grade after moderation across."""
    t = matrix.rename(index=GRADE_LABELS, columns=GRADE_LABELS)
    t.columns = [f"After moderation: {c}" for c in t.columns]
    return t.rename_axis("Auditor's grade").reset_index()


def agreement_table(agree: pd.DataFrame) -> pd.DataFrame:
    def month(m: str) -> str:
        return "Whole period" if m == "period" else month_short(m)

    return pd.DataFrame(
        {
            "Month": agree["audit_month"].map(month),
            "Moderated": agree["moderated"],
            "Same grade": agree["agreed"],
            "Exact agreement": [
                ("–" if pd.isna(v) else f"{whole(v)} ({whole(lo)[:-1]}–{whole(hi)})") if n else "–"
                for v, lo, hi, n in zip(agree["exact_agreement"], agree["agreement_low"], agree["agreement_high"], agree["moderated"])
            ],
            "Weighted kappa": ["–" if pd.isna(k) else f"{k:.2f}" for k in agree["weighted_kappa"]],
            "Reading": agree["reading"],
        }
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


def grades_by_area_table(table: pd.DataFrame) -> pd.DataFrame:
    return table.rename(columns={"service_area": "Grade by service area"})
