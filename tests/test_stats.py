"""qa_lib.stats against published worked examples and hand-worked cases (never against itself)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qa_lib.stats import (
    Z_95,
    Z_998,
    Agreement,
    ac2_raters,
    ac_coefficient,
    agreement,
    bh_q,
    category_counts,
    kappa_coefficient,
    krippendorff_ordinal,
    ordinal_weights,
    raters_agreement,
    shrunk_means,
    wilson_interval,
)

# irrCAC (Gwet), vignette "overview": cont3x3abstractors, 100 pregnant women classified by two abstractors.
ABSTRACTORS = np.array([[13, 0, 0], [0, 20, 7], [0, 4, 56]])


def test_cohens_kappa_and_interval_match_irrcac():
    # kappa2.table(cont3x3abstractors): 0.7964094, se 0.05891072, CI (0.68, 0.913)
    k, lo, hi = kappa_coefficient(ABSTRACTORS, np.eye(3))
    assert k == pytest.approx(0.7964094, abs=1e-7)
    assert (round(lo, 3), round(hi, 3)) == (0.680, 0.913)


def test_gwet_ac1_and_interval_match_irrcac():
    # gwet.ac1.table(cont3x3abstractors): 0.8493305, se 0.04321747, CI (0.764, 0.935). AC2 with identity weights is AC1.
    a, lo, hi = ac_coefficient(ABSTRACTORS, np.eye(3))
    assert a == pytest.approx(0.8493305, abs=1e-7)
    assert (round(lo, 3), round(hi, 3)) == (0.764, 0.935)


def test_ordinal_weights_match_irrcac():
    # ordinal.weights(1:3) in irrCAC's weighting vignette.
    assert ordinal_weights(3) == pytest.approx(np.array([[1, 2 / 3, 0], [2 / 3, 1, 2 / 3], [0, 2 / 3, 1]]))


def test_agreement_when_every_grade_is_the_same():
    # Twelve moderations, all RI -> RI: kappa is undefined (chance agreement is total); AC2 is 1.
    table = np.zeros((4, 4))
    table[2, 2] = 12
    a = agreement(table)
    assert math.isnan(a.kappa) and a.n == 12
    assert a.ac2 == pytest.approx(1.0)
    assert isinstance(a, Agreement)


def test_benjamini_hochberg_hand_worked():
    # m = 4: sorted p 0.01, 0.03, 0.04, 0.5 -> p * 4 / rank = 0.04, 0.06, 0.0533, 0.5; then the running minimum
    # from the top: 0.5, 0.0533, 0.0533, 0.04.
    assert bh_q([0.01, 0.04, 0.03, 0.5]) == pytest.approx([0.04, 0.16 / 3, 0.16 / 3, 0.5])
    q = bh_q([0.2, float("nan"), 0.01])  # a missing test is not counted in the family
    assert q[0] == pytest.approx(0.2) and math.isnan(q[1]) and q[2] == pytest.approx(0.02)


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [(81, 263, 25.53, 36.62), (15, 148, 6.24, 16.05), (0, 20, 0.0, 16.11)],  # Newcombe (1998), Table I, method 3
)
def test_wilson_interval_matches_newcombe(k, n, low, high):
    lo, hi = wilson_interval(k, n)
    assert (round(lo, 2), round(hi, 2)) == (low, high)


def test_wilson_interval_is_scipys_to_the_last_bit():
    """The closed form is scipy's binomtest Wilson interval, bit for bit, at every k of small and large n and
    at other levels: a page drawn with it is the page scipy's interval would draw."""
    from scipy.stats import binomtest

    for n in [1, 2, 3, 5, 8, 13, 97, 263, 83_017]:
        for k in sorted({0, 1, n // 3, n // 2, n - 1, n, *range(0, n + 1, max(1, n // 6))}):
            for level in (0.95, 0.998):
                ci = binomtest(k, n).proportion_ci(confidence_level=level, method="wilson")
                assert wilson_interval(k, n, level) == (100 * float(ci.low), 100 * float(ci.high)), (k, n, level)
    with pytest.raises(ValueError, match="between 0 and n"):  # as scipy refuses it: more successes than trials
        wilson_interval(5, 3)


def test_the_95_percent_normal_quantile_written_in_is_scipys():
    from scipy.special import ndtri

    assert float(ndtri(0.975)) == Z_95 and abs(Z_95 - 1.96) < 0.0001  # 1.959964, the textbook's 1.96
    assert float(ndtri(0.999)) == Z_998 and abs(Z_998 - 3.09) < 0.001  # 3.090232, the 99.8% limits' z


# Several raters: the published worked examples. Missing ratings are NaN; grades are coded from 0.
NAN = float("nan")
# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section E: 4 observers x 12 units, values 1-5,
# with missing values. Published: nominal 0.743, ordinal 0.815, interval 0.849, ratio 0.797.
KRIPPENDORFF = (
    np.array(
        [
            [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
            [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
        ]
    ).T
    - 1
)
# Gwet (2014), Handbook of Inter-Rater Reliability, 4th ed.: 4 raters x 12 subjects, categories 1-5 (irrCAC's
# cac.raw4raters). Published (irrCAC's documentation and its test suite): unweighted AC1 0.775 (se 0.143, 95% CI
# 0.461 to 1), pa 0.818, pe 0.190; ordinal weights AC2 0.899 (95% CI 0.664 to 1), pa 0.968, pe 0.685.
GWET = (
    np.array(
        [
            [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, NAN],
            [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 3],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
        ]
    ).T
    - 1
)


def test_krippendorff_ordinal_alpha_matches_krippendorffs_own_example():
    assert krippendorff_ordinal(KRIPPENDORFF, 5) == pytest.approx(0.815, abs=5e-4)


def test_gwet_ac1_for_several_raters_matches_gwets_example():
    value, low, high = ac2_raters(category_counts(GWET, 5), np.eye(5))
    assert (value, low, high) == pytest.approx((0.775, 0.461, 1.0), abs=5e-4)


def test_gwet_ac2_ordinal_for_several_raters_matches_gwets_example():
    value, low, high = ac2_raters(category_counts(GWET, 5), ordinal_weights(5))
    assert (value, low, high) == pytest.approx((0.899, 0.664, 1.0), abs=5e-4)


def test_exact_agreement_among_raters_is_gwets_unweighted_pa():
    """pa = 0.818 published for the same data: the share of agreeing pairs, averaged over subjects two or more rated."""
    found = raters_agreement(GWET, 5)
    assert found.exact == pytest.approx(81.8, abs=0.05)
    assert (found.units, found.raters) == (11, 4)  # subject 12 had one rating: it says nothing about agreement


def test_raters_agreement_hand_worked_and_undefined():
    """Three raters, two cases. Case 1: G, G, RI -> 1 agreeing pair of 3; case 2: O, O, O -> 3 of 3: exact 66.7%."""
    codes = np.array([[1, 1, 2], [0, 0, 0]], dtype=float)
    assert raters_agreement(codes, 4).exact == pytest.approx(100 * (1 / 3 + 1) / 2)
    same = raters_agreement(np.array([[1, 1, 1], [1, 1, 1]], dtype=float), 4)
    assert same.exact == 100.0 and math.isnan(same.alpha)  # one grade throughout: alpha is undefined
    one = raters_agreement(np.array([[1, 2, NAN]], dtype=float), 4)
    assert one.units == 1 and math.isnan(one.alpha) and math.isnan(one.ac2)  # one case: nothing to measure


def test_shrunk_means_hand_worked():
    """Three groups of five. A: 1, 1, 0, 1, 2 (mean 1); B: 0, 0, 0, 1, -1 (mean 0); C: 0, -1, 0, -1, 0 (mean -0.4).
    Within: (2 + 2 + 1.2) / (15 - 3) = 13/30. Grand mean 0.2; between mean square 5 (0.64 + 0.04 + 0.36) / 2 = 2.6;
    n0 = (15 - 75/15) / 2 = 5; tau^2 = (2.6 - 13/30) / 5 = 13/30. B = (13/30) / (13/30 + 13/150) = 5/6.
    Equal n, so the overall mean is 0.2 with variance 0.52 / 3. A: 0.2 + 5/6 x 0.8 = 0.8667, variance
    5/6 x 13/150 + (1/6)^2 x 0.52/3 = 0.077037, half-width 1.96 x 0.27756 = 0.5440: 0.3227 to 1.4107.
    C: 0.2 - 5/6 x 0.6 = -0.3, from -0.8440 to 0.2440."""
    found = shrunk_means({"A": [1, 1, 0, 1, 2], "B": [0, 0, 0, 1, -1], "C": [0, -1, 0, -1, 0]})
    assert (found.mean, found.within, found.between) == pytest.approx((0.2, 13 / 30, 13 / 30))
    g = found.groups.set_index("group")
    assert g.loc["A", ["shrunk", "low", "high"]].tolist() == pytest.approx([0.86667, 0.32266, 1.41068], abs=5e-5)
    assert g.loc["B", "shrunk"] == pytest.approx(0.2 - 5 / 6 * 0.2)
    assert g.loc["C", ["shrunk", "low", "high"]].tolist() == pytest.approx([-0.3, -0.84401, 0.24401], abs=5e-5)
    assert g["weight"].tolist() == pytest.approx([5 / 6] * 3)


def test_shrunk_means_pool_everything_when_groups_do_not_differ():
    """Group means closer than chance (between mean square below within): tau^2 = 0, every group gets the overall mean."""
    found = shrunk_means({"A": [1, -1, 0], "B": [0, 1, -1]})
    assert found.between == 0.0
    assert found.groups["shrunk"].tolist() == pytest.approx([0.0, 0.0])
    assert (found.groups["weight"] == 0).all()


def test_fishers_test_on_fishers_own_tea_tasting_table():
    """Fisher (1935): 3 of 4 cups called right each way. The two-sided p is the sum of the tables at most as
    likely as the one seen: (1 + 16 + 16 + 1) / 70 + ... = 34/70 = 17/35 (hand-worked from C(4,k)C(4,4-k)/70)."""
    from qa_lib.stats import fisher_exact_p, fisher_two_sided

    assert fisher_exact_p(3, 4, 1, 4) == pytest.approx(17 / 35, rel=1e-12)
    assert fisher_two_sided(4, 0, 0, 4) == pytest.approx(2 / 70, rel=1e-12)  # all right: 1/70 each tail
    assert fisher_two_sided(0, 3, 0, 5) == 1.0  # a column of zeros: nothing to test
    assert math.isnan(fisher_exact_p(1, 0, 2, 5))


@pytest.mark.slow
def test_fishers_test_is_scipys_to_the_bit_on_small_tables_and_large_ones():
    """The pack works scipy's two-sided Fisher test step for step with a quicker pmf (`stats.fisher_two_sided`):
    every table with both rows up to 10, and 300 drawn tables with rows up to 300,000, give scipy's p exactly."""
    import warnings

    from scipy.stats import fisher_exact

    from qa_lib.stats import fisher_exact_p

    def scipy_p(k1: int, n1: int, k2: int, n2: int) -> float:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return float(fisher_exact([[k1, n1 - k1], [k2, n2 - k2]]).pvalue)

    small = [(k1, n1, k2, n2) for n1 in range(1, 11) for n2 in range(1, 11) for k1 in range(n1 + 1) for k2 in range(n2 + 1)]
    assert [fisher_exact_p(*t) for t in small] == [scipy_p(*t) for t in small]
    rng = np.random.default_rng(20261207)
    large = []
    for _ in range(300):
        n1, n2 = (int(v) for v in rng.integers(1, 300_000, size=2))
        share = rng.uniform(0.05, 0.95)
        k1 = int(rng.binomial(n1, share))
        k2 = (
            int(rng.binomial(n2, min(0.99, max(0.01, share + rng.normal(0, 0.005)))))
            if rng.random() < 0.7
            else int(rng.integers(0, n2 + 1))
        )
        large.append((k1, n1, k2, n2))
    assert [fisher_exact_p(*t) for t in large] == [scipy_p(*t) for t in large]
