"""Section 3.1.2: practice standards month on month: drafted sentences, in the reference report's voice, from the
section's figures."""

from __future__ import annotations

import pandas as pd

from qa_lib.inputs.period import month_name
from qa_lib.stats import signed_points, whole


def standards_sentences(trend: pd.DataFrame, labels: dict[str, str]) -> list[str]:
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
        out.append(
            f"For the other {quiet} {noun}, the changes {span} are within what sampling noise would produce "
            "at these sample sizes (Fisher's exact test, 95% level), so no rise or fall is claimed."
        )
    return out
