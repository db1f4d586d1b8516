"""Wording helpers shared by the sections' drafted sentences."""

from __future__ import annotations

import pandas as pd

from qa_lib.figures.revision import GRADE_WORDS, TITLES, Revision, when
from qa_lib.inputs.period import join_words, month_name
from qa_lib.spc import COMMON, IMPROVEMENT, OUTSIDE, SHIFT, TOO_FEW, TREND, TWO_OF_THREE, signal_list, variation
from qa_lib.stats import round_half_up, whole

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

    return int(round_half_up(value, 0))


def spc_sentence(chart: pd.DataFrame, label: str) -> str | None:
    """What a p-chart says about the latest month, in plain words, by the measure's better direction (the
    latest point's variation, qa_lib.spc); None when nothing is charted."""

    kind = variation(chart)
    if not kind:
        return None
    last = chart.iloc[-1]
    months = len(chart)
    span = count_of(months, "month")
    when = month_name(str(last["audit_month"]), with_year=True)
    if kind == TOO_FEW:
        return f"With {span} to compare, there are too few months to judge whether {label} in {when} is unusual (at least 12 are needed)."
    if kind == COMMON:
        return f"Over the {span} shown, {label} stayed within its usual range: {when} does not stand out."
    mood = "an improvement" if kind == IMPROVEMENT else "a concern"
    return (
        f"{label[0].upper() + label[1:]} in {when} ({round_whole(last['percent'])}) stands out from the {span} shown "
        f"as {mood}: {join_words(plain_signals(last))}."
    )


VARIATION_WORDS = {  # a chart point's variation (qa_lib.spc), in the words its table uses
    "special_cause_improvement": "an improvement",
    "special_cause_concern": "a concern",
    "common_cause": "",
    "too_few_points": "too few months to judge",
}
VARIATION_CELLS = {  # the same, as a table cell for the latest month
    "special_cause_improvement": "Stands out: improvement",
    "special_cause_concern": "Stands out: concern",
    "common_cause": "Within usual range",
    "too_few_points": "Too few months to judge",
}


def coefficient_interval(value: float, low: float, high: float) -> str:
    """A coefficient with its interval, to two decimals, with real minus signs: "0.62 (0.41 to 0.83)"; "–"
    when there is none; an interval of no width (every pair agreed, or too few to vary) is not an interval at
    all: "1.00 (too few to measure the interval)"."""
    if value != value:
        return "–"

    def two(x: float) -> str:
        return f"{x:.2f}".replace("-", "\u2212")

    if low != low or two(low) == two(high):
        return f"{two(value)} (too few to measure the interval)"
    return f"{two(value)} ({two(low)} to {two(high)})"


def plain_signals(point: pd.Series) -> list[str]:
    """The rules a chart point is part of, in plain words, each by the way it points."""

    above = float(point["percent"]) > float(point["centre"])
    words = {
        OUTSIDE: f"{'above' if above else 'below'} its usual range",
        SHIFT: f"seven or more months in a row {'above' if above else 'below'} the average",
        TREND: "seven or more months in a row each rising or each falling",
        TWO_OF_THREE: f"two of three months close to the {'top' if above else 'bottom'} of the usual range",
    }
    return [words.get(x, x) for x in signal_list(point["signal"])]


def round_whole(value: float) -> str:

    return whole(value)


def funnel_sentence(points: pd.DataFrame, measure: str) -> str | None:
    """Which groups stand out once their number of audits, and how much areas differ anyway, are allowed for
    (qa_lib.spc.funnel's `flagged`); never a ranking."""

    if points.empty:
        return None
    centre = whole(float(points["centre"].iloc[0]))
    phi = float(points["phi"].iloc[0])
    spread = (
        " The range allowed for each area also allows for how much areas differ from each other anyway." if phi == phi and phi > 1 else ""
    )
    out = [r for r in points.itertuples() if r.flagged]
    if not out:
        return (
            f"No service area's {measure} stands out from the overall {centre} once its number of audits is allowed for, "
            f"so the differences between areas are not read as a ranking.{spread}"
        )
    said = join_words([f"{r.group} ({whole(r.percent)}, n={r.denominator}; {r.flagged} the usual range)" for r in out])
    lead = f"Against the overall {measure} of {centre}, allowing for each area's number of audits"
    return f"{lead}: {said}. Every other area is within it.{spread}"


PLAIN_POSITION = {
    "within": "within the usual range",
    "above 95%": "above the usual range",
    "below 95%": "below the usual range",
    "above 99.8%": "well above the usual range",
    "below 99.8%": "well below the usual range",
}


def funnel_table(points: pd.DataFrame, count: str) -> pd.DataFrame:
    """The table behind a funnel plot: each area's figure with n, and where it falls."""

    return pd.DataFrame(
        {
            "Service area": points["group"],
            count: [f"{whole(p)} ({k}/{n})" for p, k, n in zip(points["percent"], points["numerator"], points["denominator"])],
            "Against the usual range for its number of audits": points["position"].map(PLAIN_POSITION.get),
        }
    )


def revision_markdown(rev: Revision | None, labels: dict[str, str], wider: bool = False) -> str:
    """The box the highlight report opens with when it revises an earlier version ("" when it does not)."""
    if rev is None or not rev.changes:
        return ""
    head = f"**Changes since the version of {when(rev.since)}**"
    tables = ", ".join(TITLES[t] for t in rev.tables)
    if wider:
        return f"{head}\n\nThis report replaces that version for the same period. Figures changed in: {tables}."
    lines = [head, "", f"This report replaces that version for the same period. Figures changed in: {tables}.", ""]
    for c in rev.changes:
        what = c.column.replace("_", " ")
        row = GRADE_WORDS.get(c.row, labels.get(c.row, c.row))
        where = f"{month_name(c.month, True)}, {row}" if row else month_name(c.month, True)
        lines.append(f"- {TITLES[c.table].capitalize()}, {where}: {what} {c.old or '–'} → {c.new or '–'}")
    return "\n".join(lines)
