"""Shared arithmetic for figures: percentages rounded the way a reader expects."""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

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
    tenths = int(np.floor(abs(change) * 10 + 0.5 + EPS))  # half up, once: 18.75 (or 18.7499999...) -> 18.8
    return "±0.0" if tenths == 0 else f"{'+' if change > 0 else '−'}{tenths // 10}.{tenths % 10}"


def whole(value: float) -> str:
    """A 0-100 figure as a whole percentage for words and labels, rounded once: 39.47 -> "39%", 48.5 -> "49%"."""
    if value is None or pd.isna(value):
        return "n/a"
    return f"{int(round_half_up(value, 0))}%"


# The normal quantiles of the pack's 95% and 99.8% intervals and limits (two-sided), as scipy.special.ndtri gives
# them at 0.975 and 0.999, to the last bit (tests/test_stats.py): written in, so no kernel loads scipy for them.
Z_95 = 1.959963984540054
Z_998 = 3.090232306167813


def _normal_quantile(q: float) -> float:
    """The standard normal quantile at q, as scipy works it (Python's own NormalDist differs in the last bit)."""
    from scipy.special import ndtri  # 0.35 s to load: only for a level other than 95%

    return float(ndtri(q))


def wilson_interval(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion k/n, as percentages (NaN, NaN when n is 0).

    Newcombe's (1998) closed form, worked in the order scipy's `binomtest(k, n).proportion_ci(method="wilson")`
    works it, so the two agree to the last bit (tests/test_stats.py checks a grid against scipy). Worked here
    because the charts' and tables' intervals are drawn in the notebook kernels, where loading scipy.stats for
    one formula cost 0.45 s a kernel; at 95%, the level every interval of the pack is drawn at, no scipy is
    loaded at all (`Z_95`)."""
    if n == 0:
        return (float("nan"), float("nan"))
    k, n = int(k), int(n)
    if not 0 <= k <= n:
        raise ValueError(f"wilson_interval: k must be between 0 and n (k={k}, n={n})")
    p = k / n
    z = Z_95 if level == 0.95 else _normal_quantile(0.5 + 0.5 * level)
    denom = 2 * (n + z**2)
    center = (2 * n * p + z**2) / denom
    delta = z / denom * math.sqrt(4 * n * p * (1 - p) + z**2)
    lo = 0.0 if k == 0 else center - delta
    hi = 1.0 if k == n else center + delta
    return (100 * float(lo), 100 * float(hi))


def fisher_exact_p(k1: int, n1: int, k2: int, n2: int) -> float:
    """Two-sided Fisher's exact test p-value for k1/n1 against k2/n2, NaN when either n is 0: scipy's
    `fisher_exact([[k1, n1 - k1], [k2, n2 - k2]])`, to the bit (`fisher_two_sided`).

    Exact at any sample size, so it suits ~40 audits a month where a normal approximation does not."""
    if n1 == 0 or n2 == 0:
        return float("nan")
    return fisher_two_sided(k1, n1 - k1, k2, n2 - k2)


def fisher_two_sided(a: int, b: int, c: int, d: int) -> float:
    """scipy.stats.fisher_exact's two-sided p-value for the table [[a, b], [c, d]], step for step as scipy
    1.17 works it (the mode; the observed tail from scipy's hypergeometric cdf or sf; a binary search for
    where the other tail starts; that tail from the same), with each probe of the search taking the
    hypergeometric pmf straight from the ufunc scipy's `hypergeom` itself calls. scipy's argument checks on
    every probe made a test about four times slower (1.0 ms against 3.9 ms on a table of 240,000).
    tests/test_stats.py checks the two agree to the bit on every small table and on large ones."""
    from scipy.special._ufuncs import _hypergeom_pmf  # what scipy.stats.hypergeom._pmf calls
    from scipy.stats import hypergeom

    if a + c == 0 or b + d == 0 or a + b == 0 or c + d == 0:
        return 1.0
    n1, n2, n = np.int64(a + b), np.int64(c + d), np.int64(a + c)
    total = n1 + n2
    low, high = max(0, int(n - n2)), int(min(n, n1))

    def pmf(x: int) -> float:  # hypergeom.pmf(x, total, n1, n): 0 outside the support, as scipy's is
        return float(_hypergeom_pmf(x, n1, n, total)) if low <= x <= high else 0.0

    mode = int((n + 1) * (n1 + 1) / (total + 2))
    pexact, pmode = pmf(a), pmf(mode)
    epsilon = 1e-14
    gamma = 1 + epsilon
    top = max(pexact, pmode)
    if top > 0 and abs(pexact - pmode) / top <= epsilon:  # (both 0, where scipy's 0/0 is NaN: on, as scipy goes)
        return 1.0
    if a < mode:
        plower = float(hypergeom.cdf(a, total, n1, n))
        if pmf(int(n)) > pexact * gamma:
            return min(plower, 1.0)
        guess = _search(lambda x: -pmf(x), -pexact * gamma, mode, int(n))
        return min(plower + float(hypergeom.sf(guess, total, n1, n)), 1.0)
    pupper = float(hypergeom.sf(a - 1, total, n1, n))
    if pmf(0) > pexact * gamma:
        return min(pupper, 1.0)
    guess = _search(pmf, pexact * gamma, 0, mode)
    return min(pupper + float(hypergeom.cdf(guess, total, n1, n)), 1.0)


def _search(f: Callable[[int], float], target: float, lo: int, hi: int) -> int:
    """The i in lo..hi with f(i) <= target < f(i + 1), f ascending there (lo - 1 when none): the binary
    search scipy's two-sided binomial and Fisher tests make, probe for probe."""
    while lo < hi:
        mid = lo + (hi - lo) // 2
        value = f(mid)
        if value < target:
            lo = mid + 1
        elif value > target:
            hi = mid - 1
        else:
            return mid
    return lo if f(lo) <= target else lo - 1


ALPHA = 0.05  # a claim is made when its report-wide Benjamini-Hochberg q is below this


def beyond_chance(q: float, change: float) -> bool:
    """The one rule for calling a change a rise or a fall: its q below ALPHA and a change at all (NaN: no)."""
    return bool(q == q and change == change and q < ALPHA and change != 0)


def bh_q(p_values: list[float]) -> list[float]:
    """Benjamini-Hochberg q-values (false discovery rate) for one family of tests (scipy); NaN stays NaN and
    is not counted as a test."""
    from scipy.stats import false_discovery_control

    ps = np.asarray(p_values, dtype=float)
    out = np.full(len(ps), np.nan)
    ok = ~np.isnan(ps)
    if ok.any():
        out[ok] = false_discovery_control(ps[ok], method="bh")
    return out.tolist()


def rating_table(before: pd.Series, after: pd.Series, categories: list[str]) -> np.ndarray:
    """Counts of (first rating, second rating) pairs, categories in order (q x q)."""
    idx = {c: i for i, c in enumerate(categories)}
    table = np.zeros((len(categories), len(categories)))
    np.add.at(table, (before.map(idx).to_numpy(dtype=int), after.map(idx).to_numpy(dtype=int)), 1)
    return table


def linear_weights(q: int) -> np.ndarray:
    """Agreement weights 1 - |k - l| / (q - 1): full credit on the diagonal, none at opposite ends."""
    k = np.arange(q)
    return 1 - np.abs(np.subtract.outer(k, k)) / (q - 1)


def ordinal_weights(q: int) -> np.ndarray:
    """Gwet's ordinal weights: 1 - M(k, l) / max M, with M = d (d + 1) / 2 for categories d apart."""
    d = np.abs(np.subtract.outer(np.arange(q), np.arange(q))) + 1
    m = d * (d - 1) / 2
    return 1 - m / m.max()


@dataclass(frozen=True)
class Agreement:
    """Chance-corrected agreement between two raters: Cohen's weighted kappa (linear weights) and Gwet's AC2
    (ordinal weights), each with a 95% interval (Gwet's variance, t with n - 1 degrees of freedom, as the
    irrCAC package computes them). NaN where a coefficient is undefined (kappa when both raters used one grade
    only) or n < 2."""

    n: int
    kappa: float
    kappa_low: float
    kappa_high: float
    ac2: float
    ac2_low: float
    ac2_high: float


def _prepare(table: np.ndarray, level: float) -> tuple[np.ndarray, float, float] | None:
    x = np.asarray(table, dtype=float)
    n = float(x.sum())
    if n < 2:
        return None
    from scipy.stats import t as t_dist

    return x / n, n, float(t_dist.ppf(1 - (1 - level) / 2, n - 1))


def _interval(value: float, var: float, n: float, crit: float) -> tuple[float, float, float]:
    half = crit * float(np.sqrt(max(var, 0.0) / n))
    return float(value), max(-1.0, value - half), min(1.0, value + half)


NAN3 = (float("nan"), float("nan"), float("nan"))


def kappa_coefficient(table: np.ndarray, weights: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Cohen's (weighted) kappa with its interval (Gwet's variance, t with n - 1 df; irrCAC's kappa2.table):
    (value, low, high); NaN when undefined (chance agreement is total: both raters used one grade only)."""
    prepared = _prepare(table, level)
    if prepared is None:
        return NAN3
    p, n, crit = prepared
    rows, cols = p.sum(axis=1), p.sum(axis=0)
    pa, pe = float((weights * p).sum()), float((weights * np.outer(rows, cols)).sum())
    if pe >= 1 - 1e-12:
        return NAN3
    k = (pa - pe) / (1 - pe)
    wr, wc = weights @ cols, weights.T @ rows
    s = float((p * (weights - (1 - k) * (wr[:, None] + wc[None, :])) ** 2).sum())
    return _interval(k, (s - (pa - 2 * (1 - k) * pe) ** 2) / (1 - pe) ** 2, n, crit)


def ac_coefficient(table: np.ndarray, weights: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Gwet's AC1 (identity weights) or AC2 (other weights) with its interval (irrCAC's gwet.ac1.table)."""
    prepared = _prepare(table, level)
    if prepared is None:
        return NAN3
    p, n, crit = prepared
    q = len(p)
    pi = (p.sum(axis=1) + p.sum(axis=0)) / 2
    pa, tw = float((weights * p).sum()), float(weights.sum())
    pe = tw * float((pi * (1 - pi)).sum()) / (q * (q - 1))
    a = (pa - pe) / (1 - pe)
    s = float((p * (weights - 2 * (1 - a) * tw * (1 - (pi[:, None] + pi[None, :]) / 2) / (q * (q - 1))) ** 2).sum())
    return _interval(a, (s - (pa - 2 * (1 - a) * pe) ** 2) / (1 - pe) ** 2, n, crit)


def agreement(table: np.ndarray, level: float = 0.95) -> Agreement:
    """Weighted kappa (linear weights) and AC2 (ordinal weights) for a q x q table of paired grades."""
    q = len(table)
    return Agreement(
        int(np.asarray(table).sum()), *kappa_coefficient(table, linear_weights(q), level), *ac_coefficient(table, ordinal_weights(q), level)
    )


def weighted_kappa(before: pd.Series, after: pd.Series, categories: list[str]) -> float:
    """Cohen's kappa with linear weights for two ordinal ratings of the same audits: 1 = perfect agreement,
    0 = no better than chance; NaN when undefined (no pairs, or both raters used a single grade)."""
    return kappa_coefficient(rating_table(before, after, categories), linear_weights(len(categories)))[0]


@dataclass(frozen=True)
class RatersAgreement:
    """How far several raters agree when each grades the same units (a calibration exercise: auditors grading
    the same anonymised cases). `units` counts the units at least two raters graded (the only ones that say
    anything about agreement); `exact` is the % of pairs of raters grading the same unit who gave the same
    grade; `alpha` is Krippendorff's alpha (ordinal) and `ac2` Gwet's AC2 (ordinal weights) with its 95%
    interval. NaN where a coefficient is undefined (fewer than two such units, or a single grade used
    throughout)."""

    units: int
    raters: int
    exact: float
    alpha: float
    ac2: float
    ac2_low: float
    ac2_high: float


def category_counts(ratings: np.ndarray, q: int) -> np.ndarray:
    """Units x raters grade codes (0 .. q-1, NaN where a rater gave none) as units x categories counts."""
    codes = np.asarray(ratings, dtype=float)
    return np.stack([(codes == k).sum(axis=1) for k in range(q)], axis=1).astype(float)


def ac2_raters(counts: np.ndarray, weights: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Gwet's AC1 (identity weights) or AC2 for several raters, from units x categories counts, with its 95%
    interval (Gwet 2014, Handbook of Inter-Rater Reliability, chapter 4: agreement over units at least two
    raters graded, chance agreement from every graded unit's category shares; variance from each unit's
    linearised contribution, t with n - 1 degrees of freedom)."""
    r = np.asarray(counts, dtype=float)
    r = r[r.sum(axis=1) >= 1]
    n, q = r.shape
    per_unit = r.sum(axis=1)
    pairable = per_unit >= 2
    if n < 2 or pairable.sum() < 2 or q < 2:
        return NAN3
    weighted = r @ np.asarray(weights, dtype=float).T  # r*_ik: the raters of unit i whose grade agrees (weighted) with k
    pairs = np.where(pairable, per_unit * (per_unit - 1), 1.0)
    pa_unit = np.where(pairable, (r * (weighted - 1)).sum(axis=1) / pairs, 0.0)
    pa = float(pa_unit[pairable].mean())
    share = r / per_unit[:, None]
    pi = share.mean(axis=0)
    scale = float(np.asarray(weights).sum()) / (q * (q - 1))
    pe = scale * float((pi * (1 - pi)).sum())
    if pe >= 1 - 1e-12:
        return NAN3
    ac = (pa - pe) / (1 - pe)
    ac_unit = (n / pairable.sum()) * (pa_unit - pe * pairable) / (1 - pe)
    pe_unit = scale * (share @ (1 - pi))
    linear = ac_unit - 2 * (1 - ac) * (pe_unit - pe) / (1 - pe)
    var = float(((linear - ac) ** 2).sum()) / (n * (n - 1))
    from scipy.stats import t as t_dist

    half = float(t_dist.ppf(1 - (1 - level) / 2, n - 1)) * float(np.sqrt(var))
    return float(ac), max(-1.0, float(ac - half)), min(1.0, float(ac + half))


def krippendorff_ordinal(ratings: np.ndarray, q: int) -> float:
    """Krippendorff's alpha with the ordinal metric (the `krippendorff` package) for units x raters grade codes
    (0 .. q-1, NaN where none); NaN when undefined (fewer than two units two raters graded, or one grade only)."""
    import krippendorff

    codes = np.asarray(ratings, dtype=float)
    pairable = (~np.isnan(codes)).sum(axis=1) >= 2
    if pairable.sum() < 2 or len(np.unique(codes[pairable][~np.isnan(codes[pairable])])) < 2:
        return float("nan")
    return float(krippendorff.alpha(reliability_data=codes[pairable].T, level_of_measurement="ordinal", value_domain=list(range(q))))


def raters_agreement(ratings: np.ndarray, q: int, level: float = 0.95) -> RatersAgreement:
    """Exact agreement, Krippendorff's ordinal alpha and Gwet's ordinal AC2 for units x raters grade codes."""
    codes = np.asarray(ratings, dtype=float)
    counts = category_counts(codes, q)
    per_unit = counts.sum(axis=1)
    pairable = per_unit >= 2
    raters = int((~np.isnan(codes[pairable])).any(axis=0).sum()) if pairable.any() else 0
    same = (counts[pairable] * (counts[pairable] - 1)).sum(axis=1) / (per_unit[pairable] * (per_unit[pairable] - 1))
    exact = 100.0 * float(same.mean()) if pairable.any() else float("nan")
    return RatersAgreement(
        int(pairable.sum()), raters, exact, krippendorff_ordinal(codes, q), *ac2_raters(counts, ordinal_weights(q), level)
    )


@dataclass(frozen=True)
class ShrunkMeans:
    """Group means shrunk towards the overall mean (empirical Bayes, normal model): `mean` the overall mean,
    `within` and `between` the variances within and between groups, `groups` one row per group: n, raw mean,
    shrunk mean with its interval, and the share of the raw mean kept (`weight`: 1 = none shrunk)."""

    mean: float
    within: float
    between: float
    groups: pd.DataFrame


def shrunk_means(values: dict[str, list[float]], level: float = 0.95) -> ShrunkMeans:
    """Empirical Bayes estimates of each group's mean (Morris 1983; the one-way random-effects model
    y = mu + u_group + e, u ~ N(0, tau^2), e ~ N(0, sigma^2)): sigma^2 is the pooled within-group variance,
    tau^2 the method-of-moments (ANOVA) between-group variance, floored at 0; each group's mean is pulled
    towards the precision-weighted overall mean by B = tau^2 / (tau^2 + sigma^2 / n), so a group with few
    values is pulled most. The interval is normal, from B sigma^2 / n plus the overall mean's own uncertainty.
    Groups need at least one value; NaN throughout with fewer than two groups or no within-group spread to
    estimate."""
    from scipy.stats import norm

    names = list(values)
    ys = [np.asarray(values[g], dtype=float) for g in names]
    n = np.array([len(y) for y in ys], dtype=float)
    raw = np.array([y.mean() for y in ys])
    k, total = len(ys), float(n.sum())
    columns = ["group", "n", "raw_mean", "shrunk", "low", "high", "weight"]
    if k < 2 or total - k < 1:
        frame = pd.DataFrame({"group": names, "n": n.astype(int), "raw_mean": raw})
        return ShrunkMeans(float("nan"), float("nan"), float("nan"), frame.reindex(columns=columns))
    within = float(sum(((y - y.mean()) ** 2).sum() for y in ys)) / (total - k)
    grand = float(np.concatenate(ys).mean())
    between_ms = float((n * (raw - grand) ** 2).sum()) / (k - 1)
    n0 = (total - float((n**2).sum()) / total) / (k - 1)
    between = max(0.0, (between_ms - within) / n0)
    sampling = within / n
    weight = between / (between + sampling) if between > 0 else np.zeros(k)
    precision = 1 / (between + sampling) if (between + sampling).min() > 0 else n
    mean = float((precision * raw).sum() / precision.sum())
    mean_var = float(1 / precision.sum()) if (between + sampling).min() > 0 else 0.0
    shrunk = mean + weight * (raw - mean)
    half = float(norm.ppf(1 - (1 - level) / 2)) * np.sqrt(weight * sampling + (1 - weight) ** 2 * mean_var)
    frame = pd.DataFrame(
        {
            "group": names,
            "n": n.astype(int),
            "raw_mean": raw,
            "shrunk": shrunk,
            "low": shrunk - half,
            "high": shrunk + half,
            "weight": weight,
        }
    )
    return ShrunkMeans(mean, within, between, frame)


def _moments(ybar: np.ndarray, within_ss: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The one-way random-effects fit of `shrunk_means`, vectorised over replicates (rows of `ybar`, entries of
    `within_ss`): overall mean, within variance, between variance (floored at 0) and each group's predicted
    effect u = B (ybar - mean). Written for the bootstrap's thousands of replicates of thousands of groups: sums
    as dot products, and B = tau^2 / (tau^2 + sigma^2 / n) as tau^2 times the precision."""
    k, total = n.size, float(n.sum())
    within = np.asarray(within_ss / (total - k), dtype=float)
    grand = (ybar @ n) / total
    dev = ybar - grand[..., None]
    between_ms = np.einsum("...k,...k,k->...", dev, dev, n) / (k - 1)
    n0 = (total - float((n**2).sum()) / total) / (k - 1)
    between = np.maximum(0.0, (between_ms - within) / n0)
    spread = within[..., None] / n + between[..., None]  # > 0 for every group of a replicate unless both are 0
    live = ((between > 0) | (within > 0))[..., None]
    precision = np.reciprocal(spread) if live.all() else np.where(live, 1 / np.where(live, spread, 1.0), n)
    mean = np.einsum("...k,...k->...", precision, ybar) / precision.sum(axis=-1)
    dev = ybar - mean[..., None]
    dev *= precision
    dev *= between[..., None]  # B (ybar - mean): 0 where there is no spread between groups
    return mean, within, between, dev


@dataclass(frozen=True)
class TeamComparison:
    """Each group against the team (the one-way random-effects model of `shrunk_means`): `mean` the team's
    mean, `within` and `between` the variance components, and per group `effect` (its predicted difference from
    the team mean, shrunk), `low`/`high` a simultaneous interval for that difference, `stands_out` when it
    excludes zero. `coverage` is the interval's joint level across the groups."""

    mean: float
    within: float
    between: float
    coverage: float
    groups: pd.DataFrame  # group, n, raw_mean, effect, shrunk, low, high, stands_out


DRAW_BLOCK = 250  # the bootstrap's draws are made in blocks this size, each from its own seed: memory stays at a block's
PARALLEL_DRAWS = 1_000_000  # groups x draws from which the blocks are drawn side by side, one per core


def _scaled_max(errors: np.ndarray, scale: np.ndarray, scratch: np.ndarray) -> np.ndarray:
    """Each draw's largest |error| / sd over the groups, worked in `scratch` (no array of the block's size made)."""
    np.abs(errors, out=scratch)
    scratch *= scale
    return scratch.max(axis=1)


@dataclass(frozen=True)
class _Fit:
    """The fitted one-way model the bootstrap simulates from: overall mean, within and between variances, the
    groups' sizes and the within-group degrees of freedom."""

    mean: float
    within: float
    between: float
    n: np.ndarray
    df: float

    def errors(self, run: range, seeds: list[np.random.SeedSequence], draws: int) -> list[np.ndarray]:
        """The prediction errors (draws by groups, single precision) of the blocks in `run`: data simulated from
        the fit, the model fitted again (`_moments`, step for step), refitted effect minus simulated true effect.
        Every block of the run is worked in the same five arrays: a fresh array of a block's size is tens of
        megabytes, and the memory it takes from the system costs more than the arithmetic done in it."""
        n, k = self.n, self.n.size
        total = float(n.sum())
        truth, ybar, dev, spread = (np.empty((DRAW_BLOCK, k)) for _ in range(4))
        noise_sd = np.sqrt(self.within / n)
        n0 = (total - float((n**2).sum()) / total) / (k - 1)
        out = []
        for block in run:
            rng = np.random.default_rng(seeds[block])
            size = min(DRAW_BLOCK, draws - block * DRAW_BLOCK)
            t, y, d, p = truth[:size], ybar[:size], dev[:size], spread[:size]
            rng.standard_normal(out=t)
            t *= np.sqrt(self.between)
            rng.standard_normal(out=y)
            y *= noise_sd
            y += t
            y += self.mean
            ss = self.within * rng.chisquare(self.df, size=size)
            # `_moments(y, ss, n)[3]`, the same operations in the same order, in place.
            within = np.asarray(ss / (total - k), dtype=float)
            grand = (y @ n) / total
            np.subtract(y, grand[..., None], out=d)
            between_ms = np.einsum("...k,...k,k->...", d, d, n) / (k - 1)
            between = np.maximum(0.0, (between_ms - within) / n0)
            np.divide(within[..., None], n, out=p)
            p += between[..., None]
            live = ((between > 0) | (within > 0))[..., None]
            if live.all():
                np.reciprocal(p, out=p)
            else:
                p[...] = np.where(live, 1 / np.where(live, p, 1.0), n)
            fitted = np.einsum("...k,...k->...", p, y) / p.sum(axis=-1)
            np.subtract(y, fitted[..., None], out=d)
            d *= p
            d *= between[..., None]
            d -= t
            out.append(d.astype(np.float32))  # single precision: half the memory
        return out


def against_team(values: dict[str, list[float]], level: float = 0.95, draws: int = 4000, seed: int = 20211231) -> TeamComparison:
    """Which groups differ from the team, allowing for chance, for how uncertain the between-group variance
    itself is, and for how many groups are compared (`team_comparison` from each group's values)."""
    names = list(values)
    ys = [np.asarray(values[g], dtype=float) for g in names]
    n = np.array([len(y) for y in ys], dtype=float)
    raw = np.array([y.mean() for y in ys]) if ys else np.array([])
    within_ss = float(sum(((y - y.mean()) ** 2).sum() for y in ys))
    return team_comparison(names, n, raw, within_ss, level, draws, seed)


def team_comparison(
    names: list[str], n: np.ndarray, raw: np.ndarray, within_ss: float, level: float = 0.95, draws: int = 4000, seed: int = 20211231
) -> TeamComparison:
    """`against_team` from each group's size `n` and mean `raw` and the pooled within-group sum of squares
    (what a grouped count gives without a list per group). Each group's effect is its empirical Bayes
    prediction B (ybar - mean). Its interval comes from a parametric bootstrap (Laird and Louis 1987): data are
    simulated from the fitted model (new group effects from N(0, tau^2), new values from N(mean + u, sigma^2)),
    the model is fitted again to each simulated set, and the prediction errors (refitted effect minus the
    simulated true effect) give each group's error spread. The intervals are simultaneous: wide enough that all
    groups' errors lie within them together in `level` of the simulations, so when no group truly differs the
    chance of naming anyone at all is about 1 - level. The draws come in blocks of DRAW_BLOCK, each from its
    own child of `seed`, so no draw-by-group array of doubles is ever made whole; the errors are kept in single
    precision (14,000 auditors: about 220 MB). Deterministic: the same data give the same
    bytes. NaN throughout with fewer than two groups or no within-group spread."""
    n = np.asarray(n, dtype=float)
    raw = np.asarray(raw, dtype=float)
    k, total = len(names), float(n.sum())
    nan = float("nan")
    columns = ["group", "n", "raw_mean", "effect", "shrunk", "low", "high", "stands_out"]
    base = pd.DataFrame({"group": names, "n": n.astype(int), "raw_mean": raw})
    if k < 2 or total - k < 1:
        return TeamComparison(nan, nan, nan, level, base.reindex(columns=columns).assign(stands_out=False))
    mean, within, between, effect = (np.asarray(x) for x in _moments(raw, np.array(within_ss), n))
    if float(within) <= 0:
        return TeamComparison(float(mean), 0.0, float(between), level, base.reindex(columns=columns).assign(stands_out=False))
    seeds = np.random.SeedSequence(seed).spawn(-(-draws // DRAW_BLOCK))
    blocks = len(seeds)
    # A large team's blocks side by side, one run of blocks per core: numpy leaves the interpreter free in these
    # array operations, and each block draws from its own seed, so the errors are the same, in the same order,
    # however they are shared out (a small team's take milliseconds: no threads).
    cores = min(blocks, os.cpu_count() or 1) if k * draws >= PARALLEL_DRAWS else 1
    runs = [range(blocks * i // cores, blocks * (i + 1) // cores) for i in range(cores)]
    fit = _Fit(float(mean), float(within), float(between), n, total - k)
    with ThreadPoolExecutor(max_workers=cores) as pool:
        kept = [e for run in pool.map(lambda run: fit.errors(run, seeds, draws), runs) for e in run]
    first = sum(e.sum(axis=0, dtype=np.float64) for e in kept)
    second = sum(np.einsum("dk,dk->k", e, e, dtype=np.float64) for e in kept)
    sd = np.sqrt(np.maximum(second / draws - (first / draws) ** 2, 0.0))
    scale = (1 / np.where(sd > 0, sd, np.inf)).astype(np.float32)
    scratch = np.empty((DRAW_BLOCK, k), dtype=np.float32)
    widest = np.concatenate([_scaled_max(e, scale, scratch[: len(e)]) for e in kept]).astype(np.float64)
    crit = float(np.quantile(widest, level))
    half = crit * sd
    low, high = effect - half, effect + half
    groups = base.assign(
        effect=effect,
        shrunk=float(mean) + effect,
        low=low,
        high=high,
        stands_out=(np.round(low, 2) > 0) | (np.round(high, 2) < 0),  # as a reader sees it: 0.00 is zero
    )
    return TeamComparison(float(mean), float(within), float(between), level, groups[columns])


@dataclass(frozen=True)
class TrendTest:
    """Cochran-Armitage test for a trend in a proportion across ordered groups: z (NaN for the exact test),
    two-sided p, and whether p is exact (conditional on the margins) because an expected count is under 5."""

    z: float
    p: float
    exact: bool
    slope: float = float("nan")  # the statistic sum(t * (x - n * p)): > 0 the proportion rises with the score, < 0 falls


def trend_test(successes: list[int], trials: list[int], scores: list[float], exact: bool | None = None) -> TrendTest:
    """Cochran-Armitage trend test (Agresti, Categorical Data Analysis, 3.4.6): does the proportion rise or
    fall with the ordered score? Asymptotic z when every expected count is at least 5; otherwise the exact
    conditional test, whose two-sided p sums the probabilities, given the margins, of every table whose
    statistic is at least as far from its mean (integer scores; `exact` forces one or the other)."""
    from scipy.special import gammaln
    from scipy.stats import norm

    x = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    t = np.asarray(scores, dtype=float)
    big_n, s = n.sum(), x.sum()
    if big_n == 0 or s in (0, big_n) or (n > 0).sum() < 2:
        return TrendTest(float("nan"), float("nan"), False)
    p_bar = s / big_n
    stat = float((t * (x - n * p_bar)).sum())
    var = p_bar * (1 - p_bar) * float((n * t**2).sum() - (n * t).sum() ** 2 / big_n)
    expected = np.concatenate([n * p_bar, n * (1 - p_bar)])
    integer = all(float(v).is_integer() for v in scores)
    if exact is False or (exact is None and (expected.min() >= 5 or not integer)):
        z = stat / np.sqrt(var)
        return TrendTest(float(z), float(2 * norm.sf(abs(z))), False, stat)
    # Exact: the distribution of T = sum(t * x) over tables with these row totals and S successes.
    total = int(s)
    scores_int = [int(v) for v in scores]
    top = sum(max(scores_int, default=0) * int(k) for k in trials) + 1
    log_p = np.full((total + 1, top), -np.inf)
    log_p[0, 0] = 0.0
    for k, score in zip((int(v) for v in trials), scores_int):
        nxt = np.full_like(log_p, -np.inf)
        for j in range(0, min(k, total) + 1):
            weight = gammaln(k + 1) - gammaln(j + 1) - gammaln(k - j + 1)
            shifted = np.full_like(log_p, -np.inf)
            shifted[j:, score * j :] = log_p[: total + 1 - j, : top - score * j] + weight
            nxt = np.logaddexp(nxt, shifted)
        log_p = nxt
    dist = log_p[total]
    dist = np.exp(dist - np.logaddexp.reduce(dist[np.isfinite(dist)]))
    values = np.arange(top)
    mean = float((values * dist).sum())
    observed = float((t * x).sum())
    p = float(dist[np.abs(values - mean) >= abs(observed - mean) - 1e-9].sum())
    return TrendTest(float("nan"), min(1.0, p), True, stat)
