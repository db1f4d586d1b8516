"""Wording helpers shared by the sections' drafted sentences."""

from __future__ import annotations

import pandas as pd

from qa_lib.inputs.period import join_words, month_name

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


def spc_sentence(chart: pd.DataFrame, label: str) -> str | None:
    """What a p-chart says about the latest month, in Making Data Count's plain words; None with under two months."""
    from qa_lib.spc import COMMON, IMPROVEMENT, variation

    kind = variation(chart)
    if not kind:
        return None
    last = chart.iloc[-1]
    months = len(chart)
    when = month_name(str(last["audit_month"]), with_year=True)
    if kind == COMMON:
        return (
            f"Over the last {months} months, {label} varied only as much as it usually does (common cause variation): "
            f"{when} does not stand out."
        )
    mood = "an improvement" if kind == IMPROVEMENT else "a concern"
    why = join_words([PLAIN_SIGNALS.get(x, x) for x in str(last["signal"]).split("; ")])
    return (
        f"{label[0].upper() + label[1:]} in {when} ({round_whole(last['percent'])}) stands out from the last {months} months "
        f"(special cause variation, {mood}: {why})."
    )


PLAIN_SIGNALS = {
    "outside the limits": "outside the usual range",
    "shift": "seven or more months in a row on one side of the average",
    "trend": "seven or more months in a row rising or falling",
    "two of three beyond 2 sigma": "two of three months near the edge of the usual range",
}


def round_whole(value: float) -> str:
    from qa_lib.stats import whole

    return whole(value)


def funnel_sentence(points: pd.DataFrame, measure: str) -> str | None:
    """Which groups stand out on a funnel plot once their number of audits is allowed for; never a ranking."""
    from qa_lib.stats import whole

    if points.empty:
        return None
    centre = whole(float(points["centre"].iloc[0]))
    out = [r for r in points.itertuples() if r.position != "within"]
    if not out:
        return (
            f"No service area's {measure} stands out from the overall {centre} once its number of audits is allowed for "
            "(every area is within the 95% limits of the funnel plot), so the differences between areas are not read as a ranking."
        )
    said = join_words([f"{r.group} ({whole(r.percent)}, n={r.denominator}; {r.position.replace('%', '% limit')})" for r in out])
    return f"Against the overall {measure} of {centre}, allowing for each area's number of audits: {said}. Every other area is within them."


def funnel_table(points: pd.DataFrame, count: str) -> pd.DataFrame:
    """The table behind a funnel plot: each area's figure with n, and where it falls."""
    from qa_lib.stats import whole

    return pd.DataFrame(
        {
            "Service area": points["group"],
            count: [f"{whole(p)} ({k}/{n})" for p, k, n in zip(points["percent"], points["numerator"], points["denominator"])],
            "Against the funnel's limits": points["position"].map(lambda x: "within the 95% limits" if x == "within" else x + " limit"),
        }
    )
