"""Sections 3.1.3 to 3.1.5: the same cohort across its audit months: drafted sentences, in the reference report's
voice, from the section's figures."""

from __future__ import annotations

import pandas as pd

from qa_lib.inputs.period import month_list, month_name
from qa_lib.sections.comparators.figures import CohortComparison
from qa_lib.stats import whole


def _month_list(months: list[str]) -> str:
    """["2021-01", "2021-05", "2021-11"] -> "January, May and November 2021" (each year named once)."""
    return month_list(months)


def comparator_text(
    cohort_label: str, months: list[str], cmp: pd.DataFrame, picture: str | None, labels: dict[str, str], brief: bool = False
) -> list[str]:
    """Sections 3.1.3-3.1.5 in the report's voice, with the noise rule deciding what counts as a change; `brief`
    (the highlight) names only the standards that moved more than chance would explain."""
    if len(months) < 2:
        return [f"{cohort_label}: audited only in {_month_list(months)}, so there is no earlier audit to compare."]
    prev, last = months[-2], months[-1]
    opening = f"{cohort_label}: audited in {_month_list(months)}."
    moved = int(cmp["reading"].isin(["improved", "declined"]).sum()) if not cmp.empty else 0
    verdict = {
        "improving": " Compared with the previous audit, the data indicates an improving picture.",
        "declining": " Compared with the previous audit, the data indicates a declining picture.",
    }.get(
        picture or "",
        " Compared with the previous audit, no clear change overall"
        + (": the standards that moved beyond chance are listed below." if moved else ": no change is bigger than chance would explain."),
    )
    out = [opening + verdict]

    def names(reading: str) -> list[str]:
        rows = cmp[cmp["reading"] == reading]
        return [f"- {labels.get(r.standard, r.standard)} ({whole(r.previous_pct)} to {whole(r.pct)})" for r in rows.itertuples()]

    then = f"{month_name(prev)} {prev[:4]}" if prev[:4] != last[:4] else month_name(prev)
    when = f"between {then} and {month_name(last, True)}"
    for reading, head in (
        ("improved", f"Improvements beyond chance in good or outstanding grades {when}, for:"),
        ("declined", f"Declines beyond chance in good or outstanding grades {when}, for:"),
    ):
        lines = names(reading)
        if lines:
            out.append("\n".join([head, "", *lines]))
    if brief:
        return out
    for reading, head in (
        ("rose within noise", "Good or outstanding grades rose, by amounts chance alone could explain, for:"),
        ("fell within noise", "They fell, by amounts chance alone could explain, for:"),
        ("no change", "No change for:"),
    ):
        lines = names(reading)
        if lines:
            out.append("\n".join([head, "", *lines]))
    return out


NOT_COMPARED = "Standards with a count that is small or could reveal one (c) are not compared."


def cohort_text(cohort: CohortComparison, short_names: dict[str, str], brief: bool = False) -> list[str]:
    """One cohort's words from either audience's view of it: a standard left out of a wider pack's comparison
    (a hidden count) is neither named nor counted, and the words say that some are left out."""
    labels = {k: v for k, v in short_names.items() if k not in cohort.not_compared}
    out = comparator_text(cohort.label, list(cohort.months), cohort.comparison, cohort.picture, labels, brief)
    return [*out, NOT_COMPARED] if cohort.not_compared else out
