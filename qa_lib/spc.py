"""Statistical process control for the report's trends, as NHS England's "Making Data Count" and
NHSRplotthedots do it, with Laney's allowance for over-dispersion; and funnel plots for areas, with
Spiegelhalter's.

p-chart: centre = 100 x sum(numerators) / sum(denominators) over the months shown; for month i,
sigma_i = 100 x sqrt(p(1 - p) / n_i). Months audit different cohorts, so months differ by more than
binomial sampling alone: Laney's sigma_z = mean |z_i - z_(i-1)| / 1.128 with z_i = (p_i - p) / sigma_i
measures by how much. Where sigma_z > 1 the chart is Laney's p' chart, every sigma_i widened by sigma_z;
otherwise the p-chart. Limits = centre +- LIMIT_SIGMAS x sigma_i (x sigma_z on a p' chart), clipped to 0-100.

The four rules, as Making Data Count defines them (each point carries the names of the rules it is part of):
- `outside_limits`: a point above the upper or below the lower limit;
- `shift`: RUN (7) or more consecutive points on one side of the centre (a point on the centre breaks it);
- `trend`: RUN or more consecutive points each higher, or each lower, than the one before (a tie breaks it);
- `two_of_three`: three consecutive points on one side of the centre of which at least two lie beyond
  2 sigma but inside the limits; those two (or three) points are flagged.
Each point's variation follows the measure's better direction (`higher` or `lower`): special cause
improvement when every rule that fires points the better way (a trend by its own direction, the other
rules by the point's side of the centre), special cause concern when they point the other way or
disagree, else common cause. With fewer than MIN_POINTS points no rule is read: every point is
`too_few_points` (the chart may still be drawn). Months with no denominator are left out.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

RUN = 7  # points in a shift or a trend
MIN_POINTS = 12  # fewer points than this: no verdict (NHSRplotthedots warns below 12)
LIMIT_SIGMAS = 3.0  # the width of the control limits, in sigmas: the one definition, drawn and tested
NEAR_SIGMAS = 2.0  # "close to the limits" for two of three
D2 = 1.128  # the bias constant for a moving range of two points

HIGHER, LOWER = "higher", "lower"
OUTSIDE, SHIFT, TREND, TWO_OF_THREE = "outside_limits", "shift", "trend", "two_of_three"
RULES = (OUTSIDE, SHIFT, TREND, TWO_OF_THREE)
COMMON, IMPROVEMENT, CONCERN, TOO_FEW = "common_cause", "special_cause_improvement", "special_cause_concern", "too_few_points"
P, P_PRIME = "p", "p_prime"

COLUMNS = [
    "audit_month",
    "numerator",
    "denominator",
    "percent",
    "centre",
    "lower",
    "upper",
    "chart",
    "sigma_z",
    "improvement",
    "signal",
    "variation",
]


def laney_sigma_z(values: Sequence[float], centre: float, sigma: Sequence[float]) -> float:
    """Laney's sigma_z: the mean moving range of the points' z-scores over 1.128 (1 when the months vary only
    as binomial sampling would make them); NaN with fewer than two points or no binomial spread."""
    s = np.asarray(sigma, dtype=float)
    if len(values) < 2 or not (s > 0).all():
        return float("nan")
    z = (np.asarray(values, dtype=float) - centre) / s
    return float(np.abs(np.diff(z)).mean() / D2)


def p_chart(months: list[str], numerators: list[int], denominators: list[int], improvement: str = HIGHER) -> pd.DataFrame:
    """The chart's points, limits, rules and variation, one row per month with a denominator (COLUMNS)."""
    if improvement not in (HIGHER, LOWER):
        raise ValueError("improvement must be 'higher' or 'lower'")
    rows = [(m, int(k), int(n)) for m, k, n in zip(months, numerators, denominators) if n > 0]
    if not rows:
        return pd.DataFrame(columns=COLUMNS)
    p = sum(k for _, k, _ in rows) / sum(n for _, _, n in rows)
    centre = 100 * p
    values = [100 * k / n for _, k, n in rows]
    binomial = [100 * math.sqrt(p * (1 - p) / n) for _, _, n in rows]
    sz = laney_sigma_z(values, centre, binomial)
    prime = sz == sz and sz > 1
    sigma = [s * sz for s in binomial] if prime else binomial
    flags = rules(values, centre, sigma) if len(rows) >= MIN_POINTS else [[] for _ in rows]
    kinds = variations(values, centre, flags, improvement) if len(rows) >= MIN_POINTS else [TOO_FEW] * len(rows)
    return pd.DataFrame(
        [
            {
                "audit_month": m,
                "numerator": k,
                "denominator": n,
                "percent": v,
                "centre": centre,
                "lower": max(0.0, centre - LIMIT_SIGMAS * s),
                "upper": min(100.0, centre + LIMIT_SIGMAS * s),
                "chart": P_PRIME if prime else P,
                "sigma_z": sz,
                "improvement": improvement,
                "signal": ";".join(f),
                "variation": kind,
            }
            for (m, k, n), v, s, f, kind in zip(rows, values, sigma, flags, kinds)
        ],
        columns=COLUMNS,
    )


def _sides(values: Sequence[float], centre: float, eps: float) -> list[int]:
    return [0 if abs(v - centre) <= eps else (1 if v > centre else -1) for v in values]


def rules(values: Sequence[float], centre: float, sigma: Sequence[float]) -> list[list[str]]:
    """For each point, the names of the rules it is part of (in RULES order); `sigma` is each point's own
    sigma (already widened on a p' chart)."""
    n, eps = len(values), 1e-9
    flags: list[list[str]] = [[] for _ in range(n)]
    outside = [abs(v - centre) > LIMIT_SIGMAS * s + eps for v, s in zip(values, sigma)]
    for i in range(n):
        if outside[i]:
            flags[i].append(OUTSIDE)
    side = _sides(values, centre, eps)
    start = 0
    for i in range(1, n + 1):  # maximal runs of points on one side
        if i == n or side[i] != side[start]:
            if side[start] != 0 and i - start >= RUN:
                for k in range(start, i):
                    flags[k].append(SHIFT)
            start = i
    for i in trend_points(values):
        flags[i].append(TREND)
    near = [side[i] if (not outside[i] and abs(values[i] - centre) > NEAR_SIGMAS * sigma[i] + eps) else 0 for i in range(n)]
    marked: set[int] = set()
    for i in range(n - 2):
        window = range(i, i + 3)
        for direction in (1, -1):
            if all(side[k] == direction for k in window) and sum(near[k] == direction for k in window) >= 2:
                marked |= {k for k in window if near[k] == direction}
    for k in sorted(marked):
        flags[k].append(TWO_OF_THREE)
    return flags


def trend_steps(values: Sequence[float]) -> list[int]:
    """+1 where a point is higher than the one before, -1 lower, 0 the same (and for the first point)."""
    eps = 1e-9
    return [0] + [1 if b > a + eps else -1 if b < a - eps else 0 for a, b in itertools.pairwise(values)]


def trend_points(values: Sequence[float]) -> dict[int, set[int]]:
    """Each point that is part of a trend, with the direction(s) of the trend(s) it is in (+1 rising, -1
    falling; a peak between a rising and a falling trend is in both)."""
    steps, n = trend_steps(values), len(values)
    out: dict[int, set[int]] = {}
    i = 1
    while i < n:
        if steps[i] == 0:
            i += 1
            continue
        j = i
        while j + 1 < n and steps[j + 1] == steps[i]:
            j += 1
        if j - i + 2 >= RUN:  # RUN points make RUN - 1 steps the same way
            for k in range(i - 1, j + 1):
                out.setdefault(k, set()).add(steps[i])
        i = j + 1
    return out


def variations(values: Sequence[float], centre: float, flags: list[list[str]], improvement: str) -> list[str]:
    """Each point's variation, by the measure's better direction: a trend points the way it runs, every other
    rule the way the point sits from the centre."""
    better = 1 if improvement == HIGHER else -1
    side = _sides(values, centre, 1e-9)
    trends = trend_points(values)
    out = []
    for i, f in enumerate(flags):
        if not f:
            out.append(COMMON)
            continue
        directions = set(trends.get(i, set())) if TREND in f else set()
        if any(r != TREND for r in f):
            directions.add(side[i])
        out.append(IMPROVEMENT if directions == {better} else CONCERN)
    return out


def variation(chart: pd.DataFrame) -> str:
    """The latest month's variation ("" when nothing is charted)."""
    return "" if chart.empty else str(chart["variation"].iloc[-1])


def signal_list(signal: object) -> list[str]:
    """The rules named in a chart row's `signal` cell."""
    return [s for s in str(signal or "").split(";") if s]


# Funnel plots (Spiegelhalter 2005): exact binomial limits, widened for over-dispersion.
FUNNEL_COLUMNS = [
    "group",
    "numerator",
    "denominator",
    "percent",
    "centre",
    "lower95",
    "upper95",
    "lower998",
    "upper998",
    "phi",
    "position",
    "flagged",
]
P95, P998 = 0.975, 0.999  # the one-sided probabilities of the 95% and 99.8% limits
WINSOR = 0.10  # each tail of the z-scores winsorised before phi is estimated


def binomial_limit(p: float, n: np.ndarray | Sequence[float], prob: float) -> np.ndarray:
    """The exact binomial control limit, as a proportion, interpolated as Spiegelhalter (2005) does so that it
    moves smoothly with n: r is the `prob` quantile of Binomial(n, p) and a = (F(r) - prob) / (F(r) - F(r - 1));
    each count's probability is spread over the half-unit either side of it, so the limit is (r + 0.5 - a) / n.
    Spread that way the limits are symmetric at p = 0.5 and a count is beyond a limit only when its exact tail
    probability is beyond it too (the 2-of-2 area at an overall 27%, tail probability 0.075, is inside)."""
    from scipy.stats import binom

    n = np.asarray(n, dtype=float)
    r = binom.ppf(prob, n, p)
    f_r, f_below = binom.cdf(r, n, p), binom.cdf(r - 1, n, p)
    gap = f_r - f_below
    a = np.where(gap > 0, (f_r - prob) / np.where(gap > 0, gap, 1), 0.0)
    return np.clip((r + 0.5 - a) / n, 0.0, 1.0)


def funnel_limits(p: float, n: np.ndarray | Sequence[float], phi: float = 1.0) -> dict[str, np.ndarray]:
    """The 95% and 99.8% limits (0-100) around p at each n, widened by sqrt(phi) when phi > 1."""
    widen = math.sqrt(phi) if phi == phi and phi > 1 else 1.0
    out = {}
    for name, prob in (("lower95", 1 - P95), ("upper95", P95), ("lower998", 1 - P998), ("upper998", P998)):
        exact = binomial_limit(p, n, prob)
        out[name] = 100 * np.clip(p + widen * (exact - p), 0.0, 1.0)
    return out


CURVE_COLUMNS = ["n", "lower95", "upper95", "lower998", "upper998"]


def funnel_curve(points: pd.DataFrame) -> pd.DataFrame:
    """A funnel plot's limits as lines to draw: the 95% and 99.8% limits (0-100) around the overall rate, widened
    as the points' are, at up to 200 whole counts from 1 to 15% past the largest group's n. Worked out with the
    figures, so drawing the chart needs no statistics library. Empty when there are no points."""
    if points.empty:
        return pd.DataFrame(columns=CURVE_COLUMNS)
    top = int(points["denominator"].max())
    ns = np.unique(np.linspace(1, max(top * 1.15, 5), 200).round().astype(int))
    limits = funnel_limits(float(points["centre"].iloc[0]) / 100, ns, float(points["phi"].iloc[0]))
    return pd.DataFrame({"n": ns, **limits}, columns=CURVE_COLUMNS)


def overdispersion(p: float, numerators: Sequence[int], denominators: Sequence[int]) -> float:
    """Spiegelhalter's multiplicative over-dispersion phi: the mean of the squared z-scores, the z-scores
    winsorised at 10% in each tail first, so one extreme group does not set the width for all. NaN with
    fewer than two groups or no binomial spread."""
    k, n = np.asarray(numerators, dtype=float), np.asarray(denominators, dtype=float)
    if len(k) < 2 or not 0 < p < 1:
        return float("nan")
    z = (k / n - p) / np.sqrt(p * (1 - p) / n)
    lo, hi = np.quantile(z, [WINSOR, 1 - WINSOR], method="linear")
    return float((np.clip(z, lo, hi) ** 2).mean())


def funnel(groups: list[str], numerators: list[int], denominators: list[int]) -> pd.DataFrame:
    """A funnel plot's points and limits: each group's % against its n, with exact binomial 95% and 99.8%
    limits around the overall rate, widened by sqrt(phi) when the groups differ more than chance would make
    them (phi > 1). `position` says where a point falls ("within", "above 95%", "above 99.8%", "below 95%",
    "below 99.8%") and `flagged` ("above", "below" or "") names only a group beyond the (widened) 95% limits;
    groups are never ranked."""
    rows = [(g, int(k), int(n)) for g, k, n in zip(groups, numerators, denominators) if n > 0]
    if not rows:
        return pd.DataFrame(columns=FUNNEL_COLUMNS)
    p = sum(k for _, k, _ in rows) / sum(n for _, _, n in rows)
    phi = overdispersion(p, [k for _, k, _ in rows], [n for _, _, n in rows])
    limits = funnel_limits(p, [n for _, _, n in rows], phi)
    out = []
    for i, (g, k, n) in enumerate(rows):
        value = 100 * k / n
        at = {name: float(v[i]) for name, v in limits.items()}
        if value > at["upper998"] + 1e-9:
            position = "above 99.8%"
        elif value > at["upper95"] + 1e-9:
            position = "above 95%"
        elif value < at["lower998"] - 1e-9:
            position = "below 99.8%"
        elif value < at["lower95"] - 1e-9:
            position = "below 95%"
        else:
            position = "within"
        out.append(
            {
                "group": g,
                "numerator": k,
                "denominator": n,
                "percent": value,
                "centre": 100 * p,
                **at,
                "phi": phi,
                "position": position,
                "flagged": position.split()[0] if position != "within" else "",
            }
        )
    return pd.DataFrame(out, columns=FUNNEL_COLUMNS)
