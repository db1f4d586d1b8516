"""Section 3.1.2: practice standards month on month: drafted sentences, in the reference report's voice, from the
section's figures."""

from __future__ import annotations

import pandas as pd

from qa_lib.inputs.period import month_name
from qa_lib.stats import signed_points, whole


def cohort_note(cohorts: dict[str, str]) -> str | None:
    """When the months compared audited different cohorts, say so: a change compares different children."""
    named = {m: c for m, c in cohorts.items() if c}
    if len(set(named.values())) < 2:
        return None
    parts = "; ".join(f"{month_name(m)}: {c}" for m, c in named.items())
    return (
        f"Each month audited a different group of children ({parts}), so a change from one month to the next "
        "compares different cohorts, not the same children over time."
    )


def standards_sentences(trend: pd.DataFrame, labels: dict[str, str], cohorts: dict[str, str] | None = None) -> list[str]:
    """Which standards improved, declined or were inconsistent (% Good/Outstanding), by the noise rule."""
    if trend["first_month"].isna().all():
        return ["There are not enough graded months to compare."]
    first, last = trend["first_month"].dropna().min(), trend["last_month"].dropna().max()
    span = f"between {month_name(first, True)} and {month_name(last, True)}"
    out = []

    def items(reading: str) -> list[str]:
        rows = trend[trend["reading"] == reading]
        return [
            f"- {labels.get(r.standard, r.standard)} ({whole(r.first_pct)} to {whole(r.last_pct)}, {signed_points(r.change)} points)"
            for r in rows.itertuples()
        ]

    for reading, head in (
        ("improved", f"Good or outstanding grades rose {span} for:"),
        ("declined", f"Good or outstanding grades fell {span} for:"),
        ("inconsistent", "Performance was inconsistent, rising and falling beyond chance from month to month, for:"),
    ):
        lines = items(reading)
        if lines:
            out.append("\n".join([head, "", *lines]))
    quiet = int((trend["reading"] == "no clear change").sum())
    if quiet:
        noun = "standard" if quiet == 1 else "standards"
        which = "all" if quiet == len(trend) else "the other"
        out.append(
            f"For {which} {quiet} {noun}, the changes {span} are within what chance alone would produce at "
            "these numbers, so no rise or fall is claimed."
        )
    note = cohort_note(cohorts or {})
    if note:
        out.append(note)
    return out
