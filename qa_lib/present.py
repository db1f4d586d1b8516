"""Figure frames -> tables for people: readable headers, months by name, n beside every %.

Only presentation happens here; every number comes from a section module.
"""

from __future__ import annotations

import pandas as pd

from .period import month_short
from .schema import GRADE_LABELS as GRADE_NAMES
from .stats import one_decimal, signed_points, whole


def _rate(rate: float, k: int, n: int) -> str:
    return "–" if n == 0 or pd.isna(rate) else f"{whole(rate)} ({k}/{n})"


def returns_table(returns: pd.DataFrame, cohorts: dict[str, str], target: float) -> pd.DataFrame:
    """Month, cohort, distributed, returned, % returns and exemptions, with the target."""
    r = returns[(returns["distributed"] > 0) | (returns["exempt"] > 0)]
    return pd.DataFrame(
        {
            "Month": r["audit_month"].map(month_short),
            "Cohort": r["cohort"].map(lambda c: cohorts.get(c, c)),
            "Audits distributed": r["distributed"],
            "Audits returned": r["returned"],
            "% returns": r["return_rate"].map(lambda v: "–" if pd.isna(v) else whole(v)),
            f"Target {whole(target)}": r["return_rate"].map(lambda v: "–" if pd.isna(v) else ("met" if v >= target else "below")),
            "Exemptions": r["exempt"],
        }
    )


def area_returns_table(by_area: pd.DataFrame, areas: list[str], months: list[str]) -> pd.DataFrame:
    """Service areas down, months across: "% (returned/distributed)"; "–" where none were distributed."""
    cells = by_area.assign(cell=[_rate(r, k, n) for r, k, n in zip(by_area["return_rate"], by_area["returned"], by_area["distributed"])])
    wide = cells.pivot(index="service_area", columns="audit_month", values="cell").reindex(index=areas, columns=months).fillna("–")
    wide.columns = [month_short(m) for m in months]
    return wide.rename_axis("Service area").reset_index()


def participation_table(part: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Month": part["audit_month"].map(month_short),
            "Audits returned": part["returned"],
            "Social worker took part": part["participated"],
            "% took part": [("–" if n == 0 else one_decimal(r)) for r, n in zip(part["participation_rate"], part["returned"])],
        }
    )


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
    return pd.DataFrame(
        {
            "Rows read": [summary["rows_read"]],
            "Rows used": [summary["rows_used"]],
            "Rows rejected": [summary["rows_rejected"]],
        }
    )


def rejected_note(summary: dict) -> str:
    """Which rows were rejected and why (row numbers only: never a row's contents)."""
    rejected = summary.get("rejected") or []
    warned = summary.get("warnings") or {}
    warnings = "".join(f" {n} row{'s' if n != 1 else ''} carried {what}." for what, n in warned.items())
    if warnings:
        warnings = " Used, but inconsistent:" + warnings
    if not rejected:
        return f"All {summary['rows_read']} rows were used; none were rejected." + warnings
    by_reason: dict[str, list[int]] = {}
    for item in rejected:
        by_reason.setdefault(item["reason"], []).append(int(item["row"]))
    parts = []
    for reason, rows in by_reason.items():
        shown = ", ".join(str(r) for r in rows[:20]) + (f" and {len(rows) - 20} more" if len(rows) > 20 else "")
        parts.append(f"{len(rows)} {reason}{'s' if len(rows) != 1 else ''} (row{'s' if len(rows) != 1 else ''} {shown})")
    return "Rejected: " + "; ".join(parts) + "." + warnings


# ---------------------------------------------------------------- quality findings


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
    t = matrix.rename(index=GRADE_NAMES, columns=GRADE_NAMES)
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
        return f.pivot(index="audit_month", columns="grade", values="cell")[list(GRADE_NAMES)]

    b, a = cells(before), cells(after)
    out = pd.DataFrame({"Month": [month_short(m) for m in b.index]})
    for g, name in GRADE_NAMES.items():
        out[f"{name} (auditor)"] = b[g].to_numpy()
        out[f"{name} (moderated)"] = a[g].to_numpy()
    out["Returned"] = before.groupby("audit_month")["count"].sum().reindex(b.index).to_numpy()
    return out


def grades_by_area_table(table: pd.DataFrame) -> pd.DataFrame:
    return table.rename(columns={"service_area": "Grade by service area"})


KINDS = {
    "G/O": ("good_or_outstanding", "pct_good_or_outstanding", "go"),
    "RI": ("requires_improvement", "pct_requires_improvement", "ri"),
    "I": ("inadequate", "pct_inadequate", None),
}


def standards_table(
    table: pd.DataFrame, moves: pd.DataFrame, labels: dict[str, str], months: list[str], kinds: tuple[str, ...] = ("G/O", "RI")
) -> pd.DataFrame:
    """The reference layout: standards down, months across, each with "% (count/graded)" per kind
    (G/O, RI, I) and, for G/O and RI, the change from the month before: "43% (16/37) ≈ −3.6"."""
    t = table.set_index(["standard", "audit_month"])
    mv = moves.set_index(["standard", "audit_month"]) if not moves.empty else None

    def cell(std: str, month: str, kind: str) -> str:
        count, rate, label = KINDS[kind]
        r = t.loc[(std, month)]
        if r["graded"] == 0:
            return "–"
        text = f"{whole(r[rate])} ({int(r[count])}/{int(r['graded'])})"
        if label and mv is not None and (std, month) in mv.index:
            m = mv.loc[(std, month)]
            if m[f"{label}_mark"]:
                text += f" {m[f'{label}_mark']} {signed_points(m[f'{label}_change'])}"
        return text

    columns = pd.MultiIndex.from_tuples([(month_short(m), k) for m in months for k in kinds])
    rows = [[cell(s, m, k) for m in months for k in kinds] for s in labels]
    out = pd.DataFrame(rows, columns=columns, index=pd.Index([labels[s] for s in labels], name="Performance area"))
    return out.reset_index()


def standards_quality_note(quality: pd.DataFrame, labels: dict[str, str]) -> str:
    """N/A and ungraded standards, which the percentages leave out."""
    na = quality.groupby("standard")["not_applicable"].sum()
    blank = quality.groupby("standard")["not_graded"].sum()
    parts = []
    if blank.sum():
        parts.append(
            "Left ungraded on returned audits (not in the percentages): "
            + "; ".join(f"{labels.get(s, s)} {int(n)}" for s, n in blank.items() if n)
            + "."
        )
    if na.sum():
        parts.append(
            "Marked not applicable (not in the percentages): " + "; ".join(f"{labels.get(s, s)} {int(n)}" for s, n in na.items() if n) + "."
        )
    return " ".join(parts) if parts else "Every standard was graded on every returned audit."


def comparator_table(comp: pd.DataFrame, cohort: str, labels: dict[str, str]) -> pd.DataFrame:
    """Standards down, the cohort's audit months across: "% (good or outstanding/graded)"."""
    c = comp[comp["cohort"] == cohort]
    months = sorted(c["audit_month"].unique())
    cells = c.assign(
        cell=[
            ("–" if n == 0 else f"{whole(p)} ({k}/{n})")
            for p, k, n in zip(c["pct_good_or_outstanding"], c["good_or_outstanding"], c["graded"])
        ]
    )
    wide = cells.pivot(index="standard", columns="audit_month", values="cell").reindex(index=list(labels), columns=months)
    wide.index = [labels[s] for s in wide.index]
    wide.columns = [month_short(m) for m in months]
    return wide.rename_axis("Performance area").reset_index()


def themes_table(counts: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    """Themes down, months across: "n (x% of returned)"; most mentioned first."""
    cells = counts.assign(
        cell=[f"{a} ({whole(p)})" if r else "–" for a, p, r in zip(counts["audits"], counts["percent"], counts["returned"])]
    )
    wide = cells.pivot(index="label", columns="audit_month", values="cell").reindex(columns=months)
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


def programme_table(programme: dict[str, str], period_label: str, report_date: str | None = None) -> pd.DataFrame:
    """The reference report's programme summary box (date of report: params, else today, dd/mm/yyyy)."""
    import datetime

    report_date = report_date or datetime.date.today().strftime("%d/%m/%Y")
    rows = [
        ("Programme name", programme.get("name", "Quality Assurance Framework – Findings of Monthly Case File Audits")),
        ("Directorate", programme.get("directorate", "")),
        ("Reporting period", period_label),
        ("Date of report", programme.get("date") or report_date),
        ("Author(s)", programme.get("author", "")),
    ]
    return pd.DataFrame(rows, columns=["Programme summary", ""])


SAMPLING_NOTE = (
    "All cohorts are filtered to ensure there is only one case per social worker included in the sample, in order "
    "to offer the opportunity of a consultation to the widest number of staff. The samples are mapped against "
    "recent audit records to ensure children's case files are not audited more frequently than once every 6 months."
)

EXCLUSIONS = [
    "Exempt cases are not in the return rate: distributed = returned + not returned.",
    "Grades come from returned audits only.",
    "A practice standard marked N/A or left blank on an audit is left out of that standard's percentages.",
    "Overall grades in section 3.1.1 are the auditors' grades before moderation unless labelled otherwise.",
    "Non-participation reasons are shown as categories set in params; the text auditors typed is never shown.",
    "Changes are called rises or falls only where Fisher's exact test (two-sided, 95% level) finds them unlikely to be chance.",
]


def sampling_table(summary: pd.DataFrame) -> pd.DataFrame:
    """Each rule in order: children before it, excluded by it, left after it (all service areas)."""
    s = summary[summary["service_area"] == "All service areas"]
    return pd.DataFrame(
        {
            "Step": s["step"],
            "Rule": s["rule"],
            "Children before": s["before"],
            "Excluded by this rule": s["excluded"],
            "Children left": s["after"],
        }
    )


def sampling_area_table(summary: pd.DataFrame) -> pd.DataFrame:
    """Service areas down, each rule's children left across; the last column is the sample."""
    s = summary[summary["service_area"] != "All service areas"]
    wide = s.pivot(index="service_area", columns="step", values="after")
    wide = wide.reindex(s["service_area"].drop_duplicates())
    wide.columns = [f"After step {c}" for c in wide.columns]
    wide = wide.rename(columns={wide.columns[-1]: "Drawn"})
    total = wide.sum().to_frame().T
    total.index = ["TOTAL"]
    return pd.concat([wide, total]).rename_axis("Service area").reset_index()
