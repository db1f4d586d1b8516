"""Wording helpers shared by the sections' drafted sentences."""

from __future__ import annotations

from qa_lib.inputs.period import month_name

SHARP_CHANGE = 20  # percentage points: "dropped sharply" (a description, not a significance test)


def month_phrase(m: str, period_end: str) -> str:
    """Month name, with the year only when it differs from the period's end year."""
    return month_name(m, with_year=m[:4] != period_end[:4])
