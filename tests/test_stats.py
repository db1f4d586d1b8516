"""qa_lib.stats against published worked examples and hand-worked cases (never against itself)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qa_lib.stats import Agreement, ac_coefficient, agreement, bh_q, kappa_coefficient, ordinal_weights, wilson_interval

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
