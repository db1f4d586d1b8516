"""The programme summary and the data-quality appendix: figure frames as tables for people (readable headers,
months by name, n beside every %)."""

from __future__ import annotations

import datetime

import pandas as pd

from qa_lib.inputs.period import month_name
from qa_lib.stats import whole


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
    later = int(summary.get("after_period") or 0)
    if later:
        warnings += f" {later} row{'s are' if later != 1 else ' is'} of months after the reporting period: outside this report."
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


def today() -> datetime.date:
    """The day a page is published (its date of report, unless params give one)."""
    return datetime.date.today()


def programme_table(programme: dict[str, str], period_label: str, report_date: str | None = None) -> pd.DataFrame:
    """The reference report's programme summary box (date of report: params, else today, dd/mm/yyyy)."""
    report_date = report_date or today().strftime("%d/%m/%Y")
    rows = [
        ("Programme name", programme.get("name", "Quality Assurance Framework – Findings of Monthly Case File Audits")),
        ("Directorate", programme.get("directorate", "")),
        ("Reporting period", period_label),
        ("Date of report", programme.get("date") or report_date),
        ("Author(s)", programme.get("author", "")),
    ]
    return pd.DataFrame(rows, columns=["Programme summary", "Details"])


EXCLUSIONS = [
    "Exempt cases are not in the return rate: distributed = returned + not returned.",
    "Grades come from returned audits only.",
    "A practice standard marked N/A or left blank on an audit is left out of that standard's percentages.",
    "Overall grades in section 3.1.1 are the auditors' grades before moderation unless labelled otherwise.",
    "Non-participation reasons are shown as categories set in params; the text auditors typed is never shown.",
    "Changes are called rises or falls only where they are bigger than chance would explain, allowing for every "
    "comparison the report makes (see how to read this report).",
]


BRIEF_METHODS = (
    "**Rises, falls and trends.** A change is called a rise or a fall (↑, ↓) only when it is bigger than chance "
    "would explain, allowing for every comparison the report makes, and a month stands out on a 12-month trend only "
    "when it falls outside the range the months before make usual."
)


def how_to_read(return_rates: list[tuple[str, float]], moderated: int | None, brief: bool = False) -> str:
    """The method appendix, for managers first: what the figures describe (returned audits, and how many came
    back), how moderation is chosen, and how changes, intervals, agreement and trends are read; `brief` (the
    highlight) the first two and one plain paragraph on rises and falls, the methods left to the section report."""

    shown = [(m, r) for m, r in return_rates if r == r]  # NaN: nothing distributed
    if shown:
        rates = ", ".join(f"{month_name(m)} {whole(r)}" for m, r in shown)
        back = (
            f"Between {whole(min(r for _, r in shown))} and {whole(max(r for _, r in shown))} of the audits sent out "
            f"came back in the period ({rates})."
        )
    else:
        back = "No audits were sent out in the period."
    moderation = (
        "Moderated audits are chosen by the QA team, not drawn at random, so agreement between auditors and moderators "
        "describes the audits moderated and may not hold for every audit."
        + (f" {moderated} audits were moderated in the period." if moderated else "")
    )
    lines = [
        "**What the figures describe.** Grades and percentages describe the audits that were returned. "
        + back
        + " Audits that were not returned may differ from those that were, so the figures describe the returned "
        "audits, not every child in the month's cohort.",
        "**Moderation.** " + moderation,
        "**Rises and falls.** A change between two months (or between a cohort's audits) is tested with Fisher's "
        "exact test (two-sided). A report makes many comparisons at once (every standard, month to month and over "
        "the period, and every cohort against its previous audit), and some would look different by chance alone. "
        "So every comparison that could be called a rise or a fall is corrected together, across the whole report, "
        "by the Benjamini-Hochberg method (false discovery rate 5%): only a change with a report-wide q below 0.05 "
        "is called a rise or a fall (↑, ↓); otherwise no arrow is shown. When nothing has truly changed, at most about 1 report in "
        "20 claims any change. A cohort shows an improving or declining picture only when at least two standards "
        "moved beyond chance that way and none the other. Each month usually audits a different cohort, so "
        "month-on-month changes compare different children. Every comparison is in changes.csv, with its q within "
        "its own family and across the report.",
        "**Intervals.** A 95% interval is the range the true figure is likely to lie in, given how many audits it "
        "rests on (Wilson's method for percentages).",
        "**Agreement.** Exact agreement is the share of moderated audits whose grade stayed the same. Allowing for "
        "chance, agreement is measured by Cohen's kappa (linear weights) and Gwet's AC2 (ordinal weights), each with "
        "a 95% interval (Gwet's variance); kappa can mislead when grades crowd into two categories, which AC2 "
        "resists. Words follow Landis and Koch: up to 0.20 slight, 0.40 fair, 0.60 moderate, 0.80 substantial, "
        "above that almost perfect; at or below zero, no better than chance. Under 10 moderated audits nothing is "
        "measured; under 30 the figure is flagged as a small sample.",
        "**Trends.** Each trend is a chart over the period and up to 12 months before it, read as NHS England's "
        "Making Data Count does (a p-chart): the centre is the whole window's percentage, and the usual range "
        "(3 sigma) widens in months with fewer audits. Months audit different cohorts, so months differ more than "
        "chance alone would make them; where they do (Laney's sigma z above 1), the usual range is widened by that "
        "much (Laney's p' chart), so a month is not flagged for ordinary differences between cohorts. A month "
        "stands out when it is outside the usual range, in a run of 7 or more on one side of the centre, in a run of "
        "7 or more each rising or each falling, or one of two (or three) of three months in a row on one side that "
        "lie near the edge (beyond 2 sigma, inside the range). It is an improvement or a concern by which way is "
        "better for that measure (a run rising or falling by the way it runs), never by which side of the average "
        "the latest month sits. With fewer than 12 months nothing is judged. spc.csv has every point, limit and "
        "rule.",
        "**Service areas.** Areas are compared on funnel plots: each area's figure against its number of audits, "
        "with exact limits around the overall figure, so a small area is not flagged for the swings small numbers "
        "make. Areas differ from each other more than chance alone would make them (Spiegelhalter's over-dispersion, "
        "phi); where they do, the limits are widened by that much, and an area is named only outside the widened 95% "
        "limits. funnel.csv has every area, limit and phi.",
        "**Rounding.** Percentages are kept exact and rounded once, half up, where they are shown; sentences compare the figures as shown.",
    ]
    return "\n\n".join([*lines[:2], BRIEF_METHODS] if brief else lines)
