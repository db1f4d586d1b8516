"""Statistical process control for the report's trends, as NHS England's "Making Data Count" does it: a
p-chart of a percentage over months, with limits that vary with each month's n, the signal rules, and the
variation a reader is shown (common cause, special cause improvement or concern).

p-chart: centre = 100 x sum(numerators) / sum(denominators) over the months shown; for month i,
sigma_i = 100 x sqrt(p(1 - p) / n_i), limits = centre +- 3 sigma_i clipped to 0-100.
Signals (each named beside the point it marks):
- "outside the limits": a point above the upper or below the lower limit;
- "shift": 7 or more points in a row on the same side of the centre (a point on the centre breaks the run);
- "trend": 7 or more points in a row each higher (or each lower) than the one before;
- "two of three beyond 2 sigma": two of three points in a row beyond 2 sigma on the same side.
Months with no denominator are left out. Higher is better for every measure the pack charts.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

import pandas as pd

RUN = 7
COLUMNS = ["audit_month", "numerator", "denominator", "percent", "centre", "lower", "upper", "signal"]
COMMON, IMPROVEMENT, CONCERN = "common cause", "special cause: improvement", "special cause: concern"


def p_chart(months: list[str], numerators: list[int], denominators: list[int]) -> pd.DataFrame:
    """The chart's points, limits and signals, one row per month with a denominator."""
    rows = [(m, int(k), int(n)) for m, k, n in zip(months, numerators, denominators) if n > 0]
    if not rows:
        return pd.DataFrame(columns=COLUMNS)
    p = sum(k for _, k, _ in rows) / sum(n for _, _, n in rows)
    centre = 100 * p
    sigma = [100 * math.sqrt(p * (1 - p) / n) for _, _, n in rows]
    values = [100 * k / n for _, k, n in rows]
    flags = signals(values, centre, sigma)
    return pd.DataFrame(
        [
            {
                "audit_month": m,
                "numerator": k,
                "denominator": n,
                "percent": v,
                "centre": centre,
                "lower": max(0.0, centre - 3 * s),
                "upper": min(100.0, centre + 3 * s),
                "signal": "; ".join(f) if f else "",
            }
            for (m, k, n), v, s, f in zip(rows, values, sigma, flags)
        ],
        columns=COLUMNS,
    )


def signals(values: list[float], centre: float, sigma: list[float]) -> list[list[str]]:
    """For each point, the names of the rules it is part of (in the order the module lists them)."""
    n = len(values)
    flags: list[list[str]] = [[] for _ in range(n)]
    eps = 1e-9
    for i, (v, s) in enumerate(zip(values, sigma)):
        if v > centre + 3 * s + eps or v < centre - 3 * s - eps:
            flags[i].append("outside the limits")
    side = [0 if abs(v - centre) <= eps else (1 if v > centre else -1) for v in values]
    for start, end in _runs(side, lambda a, b: a == b and a != 0):
        if end - start >= RUN:
            for i in range(start, end):
                flags[i].append("shift")
    steps = [0] + [(1 if b > a + eps else -1 if b < a - eps else 0) for a, b in itertools.pairwise(values)]
    i = 1
    while i < n:  # a trend of RUN points has RUN - 1 steps the same way
        if steps[i] == 0:
            i += 1
            continue
        j = i
        while j + 1 < n and steps[j + 1] == steps[i]:
            j += 1
        if j - i + 2 >= RUN:
            for k in range(i - 1, j + 1):
                if "trend" not in flags[k]:
                    flags[k].append("trend")
        i = j + 1
    beyond = [(1 if v > centre + 2 * s + eps else -1 if v < centre - 2 * s - eps else 0) for v, s in zip(values, sigma)]
    for i in range(n - 2):
        for direction in (1, -1):
            hits = [k for k in range(i, i + 3) if beyond[k] == direction]
            if len(hits) >= 2:
                for k in hits:
                    if "two of three beyond 2 sigma" not in flags[k]:
                        flags[k].append("two of three beyond 2 sigma")
    return flags


def _runs(items: list[int], same: Callable[[int, int], bool]) -> list[tuple[int, int]]:
    """[start, end) of each maximal run of neighbours for which `same(a, b)` holds (single points included)."""
    out, start = [], 0
    for i in range(1, len(items) + 1):
        if i == len(items) or not same(items[i - 1], items[i]):
            out.append((start, i))
            start = i
    return out


def variation(chart: pd.DataFrame) -> str:
    """What the latest month shows, in Making Data Count's words: common cause, or special cause improvement /
    concern (higher is better); "" when there are fewer than two months to chart."""
    if len(chart) < 2:
        return ""
    last = chart.iloc[-1]
    if not last["signal"]:
        return COMMON
    return IMPROVEMENT if last["percent"] > last["centre"] else CONCERN


FUNNEL_COLUMNS = ["group", "numerator", "denominator", "percent", "centre", "lower95", "upper95", "lower998", "upper998", "position"]
Z95, Z998 = 1.959964, 3.090232


def funnel(groups: list[str], numerators: list[int], denominators: list[int]) -> pd.DataFrame:
    """A funnel plot's points and limits (Spiegelhalter): each group's % against its n, with 95% and 99.8%
    limits around the overall rate, p +- z sqrt(p(1 - p) / n) clipped to 0-100. `position` says where a
    point falls ("within", "above 95%", "above 99.8%", "below 95%", "below 99.8%"): a group is only marked
    out when it is beyond the limits, never ranked."""
    rows = [(g, int(k), int(n)) for g, k, n in zip(groups, numerators, denominators) if n > 0]
    if not rows:
        return pd.DataFrame(columns=FUNNEL_COLUMNS)
    p = sum(k for _, k, _ in rows) / sum(n for _, _, n in rows)
    out = []
    for g, k, n in rows:
        s = 100 * math.sqrt(p * (1 - p) / n)
        centre, value = 100 * p, 100 * k / n
        limits = {
            "lower95": max(0.0, centre - Z95 * s),
            "upper95": min(100.0, centre + Z95 * s),
            "lower998": max(0.0, centre - Z998 * s),
            "upper998": min(100.0, centre + Z998 * s),
        }
        if value > limits["upper998"] + 1e-9:
            position = "above 99.8%"
        elif value > limits["upper95"] + 1e-9:
            position = "above 95%"
        elif value < limits["lower998"] - 1e-9:
            position = "below 99.8%"
        elif value < limits["lower95"] - 1e-9:
            position = "below 95%"
        else:
            position = "within"
        out.append({"group": g, "numerator": k, "denominator": n, "percent": value, "centre": centre, **limits, "position": position})
    return pd.DataFrame(out, columns=FUNNEL_COLUMNS)
