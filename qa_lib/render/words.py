"""Wording helpers shared by the sections' drafted sentences."""

from __future__ import annotations

from qa_lib.inputs.period import month_name

SHARP_CHANGE = 20  # percentage points: "dropped sharply" (a description, not a significance test)


def month_phrase(m: str, period_end: str) -> str:
    """Month name, with the year only when it differs from the period's end year."""
    return month_name(m, with_year=m[:4] != period_end[:4])


def count_of(n: int, noun: str, plural: str | None = None, zero: str = "no") -> str:
    """A count with its noun, singular or plural: "no audits", "1 audit", "23 audits"."""
    if n == 0:
        return f"{zero} {plural or noun + 's'}"
    return f"{n} {noun if n == 1 else (plural or noun + 's')}"


def was_were(n: int) -> str:
    return "was" if n == 1 else "were"


def displayed_whole(value: float) -> int:
    """The whole percentage a reader sees (half up, once): comparisons and targets are worded from this, so
    a sentence never says "dropped" between two figures that read 52% and 53%."""
    from qa_lib.stats import round_half_up

    return int(round_half_up(value, 0))
