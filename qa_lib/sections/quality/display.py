"""The programme summary and the data-quality appendix: figure frames as tables for people (readable headers,
months by name, n beside every %)."""

from __future__ import annotations

import pandas as pd


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


EXCLUSIONS = [
    "Exempt cases are not in the return rate: distributed = returned + not returned.",
    "Grades come from returned audits only.",
    "A practice standard marked N/A or left blank on an audit is left out of that standard's percentages.",
    "Overall grades in section 3.1.1 are the auditors' grades before moderation unless labelled otherwise.",
    "Non-participation reasons are shown as categories set in params; the text auditors typed is never shown.",
    "Changes are called rises or falls only where Fisher's exact test (two-sided, 95% level) finds them unlikely to be chance.",
]
