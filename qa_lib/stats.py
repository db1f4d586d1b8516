"""Shared arithmetic for figures: percentages rounded the way a reader expects."""

from __future__ import annotations

import numpy as np
import pandas as pd

EPS = 1e-9  # below any real gap between k/n and a rounding boundary (n up to millions), above float error


def pct(num: pd.Series | int, den: pd.Series | int) -> pd.Series | float:
    """100 * num / den, exact (not rounded); NaN where den is 0.

    Figures are kept exact and rounded once, where they are shown: `round_half_up`
    for tables, `whole` and `one_decimal` for words and charts. Rounding a rounded
    figure goes wrong: 15/38 = 39.47% is "39%", but 39.5 rounded again is "40%".
    """
    n = np.asarray(num, dtype="float64")
    d = np.asarray(den, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(d == 0, np.nan, 100.0 * n / np.where(d == 0, 1, d))
    if isinstance(num, pd.Series):
        return pd.Series(out, index=num.index)
    if isinstance(den, pd.Series):
        return pd.Series(out, index=den.index)
    return float(out)


def round_half_up(value, decimals: int = 1):
    """Round half up (55.25 -> 55.3, not banker's 55.2); NaN stays NaN. Works on floats and Series."""
    scale = 10.0**decimals
    return (
        np.floor(np.asarray(value, dtype="float64") * scale + 0.5 + EPS) / scale
        if not isinstance(value, pd.Series)
        else np.floor(value.astype("float64") * scale + 0.5 + EPS) / scale
    )


def one_decimal(value: float) -> str:
    """A 0-100 figure to one decimal for words and labels: 55.263 -> "55.3%"."""
    return "n/a" if value is None or pd.isna(value) else f"{float(round_half_up(value, 1)):.1f}%"


def signed_points(change: float) -> str:
    """A change in percentage points to one decimal, with a real minus sign: +16.0, −8.5, ±0.0."""
    tenths = int(np.floor(abs(change) * 10 + 0.5))
    return "±0.0" if tenths == 0 else f"{'+' if change > 0 else '−'}{tenths // 10}.{tenths % 10}"


def whole(value: float) -> str:
    """A 0-100 figure as a whole percentage for words and labels, rounded once: 39.47 -> "39%", 48.5 -> "49%"."""
    if value is None or pd.isna(value):
        return "n/a"
    return f"{int(round_half_up(value, 0))}%"


def wilson_interval(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """95% Wilson score interval for a proportion k/n, as percentages (NaN, NaN when n is 0)."""
    if n == 0:
        return (float("nan"), float("nan"))
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (100 * max(0.0, centre - half), 100 * min(1.0, centre + half))


def fisher_exact_p(k1: int, n1: int, k2: int, n2: int) -> float:
    """Two-sided Fisher's exact test p-value for k1/n1 against k2/n2.

    Exact at any sample size, so it suits ~40 audits a month where a normal
    approximation does not. Sums the hypergeometric probabilities of every table
    with the same margins that is no more likely than the one observed.
    """
    from math import comb

    if n1 == 0 or n2 == 0:
        return float("nan")
    total, successes = n1 + n2, k1 + k2
    denom = comb(total, n1)

    def prob(a: int) -> float:
        return comb(successes, a) * comb(total - successes, n1 - a) / denom

    observed = prob(k1)
    lo, hi = max(0, successes - n2), min(successes, n1)
    return float(min(1.0, sum(p for a in range(lo, hi + 1) if (p := prob(a)) <= observed * (1 + 1e-7))))


def weighted_kappa(before: pd.Series, after: pd.Series, categories: list[str]) -> float:
    """Cohen's kappa with linear weights for two ordinal ratings of the same audits.

    1 = perfect agreement, 0 = no better than chance; NaN when it cannot be defined
    (no pairs, or both raters used a single grade so chance agreement is total).
    """
    k = len(categories)
    idx = {c: i for i, c in enumerate(categories)}
    a = before.map(idx).to_numpy()
    b = after.map(idx).to_numpy()
    n = len(a)
    if n == 0:
        return float("nan")
    observed = np.zeros((k, k))
    np.add.at(observed, (a, b), 1)
    observed /= n
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0))
    weights = np.abs(np.subtract.outer(np.arange(k), np.arange(k))) / (k - 1)
    disagree_expected = (weights * expected).sum()
    if disagree_expected == 0:
        return float("nan")
    return float(1 - (weights * observed).sum() / disagree_expected)
