"""SPC: p-chart limits (Montgomery's worked example), the four rules as NHSRplotthedots' own tests state them,
Laney's p' chart and Spiegelhalter's funnel limits hand-worked, and the variation read by the better direction."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pytest

from qa_lib.spc import (
    CONCERN,
    IMPROVEMENT,
    OUTSIDE,
    SHIFT,
    TOO_FEW,
    TREND,
    TWO_OF_THREE,
    funnel,
    funnel_curve,
    funnel_limits,
    laney_sigma_z,
    overdispersion,
    p_chart,
    rules,
    variation,
)

# Montgomery, Introduction to Statistical Quality Control, Example 7.1 (orange juice cans): 30 samples of 50,
# 347 nonconforming; p = 0.2313, UCL = 0.4102, LCL = 0.0524; samples 15 and 23 are above the upper limit.
CANS = [12, 15, 8, 10, 4, 7, 16, 9, 14, 10, 5, 6, 17, 12, 22, 8, 10, 5, 13, 11, 20, 18, 24, 15, 9, 12, 7, 13, 9, 6]


def months(n: int) -> list[str]:
    return [f"m{i:02d}" for i in range(n)]


def test_p_chart_limits_match_montgomery():
    # Montgomery's cans: sigma_z is below 1 here? Worked by hand it is not needed: the chart says which it used,
    # and with its own sigma_z the p-chart limits are Montgomery's when the chart is `p`.
    chart = p_chart(months(30), CANS, [50] * 30, improvement="lower")
    assert chart["centre"].iloc[0] == pytest.approx(23.13, abs=0.005)
    if chart["chart"].iloc[0] == "p":
        assert chart["upper"].iloc[0] == pytest.approx(41.02, abs=0.005)
        assert chart["lower"].iloc[0] == pytest.approx(5.24, abs=0.005)
        outside = chart.loc[chart["signal"].str.contains(OUTSIDE), "audit_month"].tolist()
        assert outside == ["m14", "m22"]  # samples 15 and 23
    else:  # wider limits: Montgomery's two points are judged against sigma_z x his sigma
        sz = chart["sigma_z"].iloc[0]
        assert chart["upper"].iloc[0] == pytest.approx(23.13 + (41.02 - 23.13) * sz, abs=0.02)


def flags(values: Sequence[float], centre: float = 50.0, sigma: float = 10.0) -> list[list[str]]:
    return rules(values, centre, [sigma] * len(values))


def test_shift_as_nhsrplotthedots_tests_it():
    # ptd_seven_point_one_side_mean(c(rep(1, 8), -1)) marks the run of 8; c(rep(1, 6), -1) marks nothing.
    eight = flags([55] * 8 + [45])
    assert [SHIFT in f for f in eight] == [True] * 8 + [False]
    assert not any(SHIFT in f for f in flags([55] * 6 + [45]))
    assert [SHIFT in f for f in flags([45] * 8 + [55])] == [True] * 8 + [False]
    assert not any(SHIFT in f for f in flags([55, 56, 54, 50, 57, 52, 51, 53]))  # a point on the centre breaks it


def test_trend_as_nhsrplotthedots_tests_it():
    # ptd_seven_point_trend: 1:6 no trend; c(1:3, 3:6) no trend (a tie); 1:7 a trend; c(2, 1:7, 3) the 1:7 part.
    up = [40 + x for x in range(7)]
    assert not any(TREND in f for f in flags(up[:6]))
    assert not any(TREND in f for f in flags([41, 42, 43, 43, 44, 45, 46]))
    assert [TREND in f for f in flags(up)] == [True] * 7
    assert [TREND in f for f in flags([42, *up, 43])] == [False] + [True] * 7 + [False]
    assert [TREND in f for f in flags(list(reversed(up)))] == [True] * 7  # 7:1, falling


@pytest.mark.parametrize(
    ("close", "expected"),
    [
        # ptd_two_in_three / ptd_part_of_two_in_three's cases: 1 = beyond 2 sigma (inside the limits) above.
        ([1, 0, 1], [1, 0, 1]),
        ([0, 1, 1], [0, 1, 1]),
        ([1, 1, 0], [1, 1, 0]),
        ([0, 0, 1, 0, 1, 0, 0], [0, 0, 1, 0, 1, 0, 0]),
        ([0, 0, 1, 1, 0, 0, 0], [0, 0, 1, 1, 0, 0, 0]),
        ([1, 0, 0, 1], [0, 0, 0, 0]),
        ([1, 0, 0, 1, 1], [0, 0, 0, 1, 1]),
    ],
)
def test_two_of_three_as_nhsrplotthedots_tests_it(close: list[int], expected: list[int]):
    values = [75.0 if c else 55.0 for c in close]  # every point above the centre (50); 75 is beyond 2 sigma (70)
    assert [int(TWO_OF_THREE in f) for f in flags(values)] == expected


def test_two_of_three_needs_one_side_and_inside_the_limits():
    # NHSRplotthedots' symmetric example: 1, -1 alternating, then 5.5 and -5.5 (beyond 2 sigma, opposite sides):
    # both common cause. Mean 0; moving ranges 13 x 2, 6.5 and 11 (11 > 3.267 x mean MR is screened out as
    # NHSRplotthedots does): sigma = (26 + 6.5) / 14 / 1.128 = 2.058, 2 sigma = 4.12, 3 sigma = 6.17.
    data = [1.0, -1.0] * 7 + [5.5, -5.5]
    sigma = (26 + 6.5) / 14 / 1.128
    assert not any(flags(data, 0.0, sigma)[-2:])
    # The case: a window whose middle point lies on the other side of the centre does not count.
    assert not any(TWO_OF_THREE in f for f in flags([75, 45, 75]))
    # December beyond the limits and November above the centre but near it: not two of three.
    assert [TWO_OF_THREE in f for f in flags([50, 75, 55, 85])] == [False, False, False, False]
    assert OUTSIDE in flags([85])[0]


def test_laney_p_prime_hand_worked():
    # n = 200 a month, counts 60, 70, 60, 70: p = 0.325, sigma = 100 sqrt(0.325 x 0.675 / 200) = 3.31192;
    # z = -/+ 0.754851, each moving range 1.509702, sigma_z = 1.509702 / 1.128 = 1.338388 > 1: the p' chart,
    # limits 32.5 +- 3 x 3.31192 x 1.338388 = 19.202 to 45.798 (the p-chart's would be 22.56 to 42.44).
    chart = p_chart(months(4), [60, 70, 60, 70], [200] * 4)
    assert chart["sigma_z"].iloc[0] == pytest.approx(1.338388, abs=1e-5)
    assert set(chart["chart"]) == {"p_prime"}
    assert chart["lower"].iloc[0] == pytest.approx(19.202, abs=1e-3)
    assert chart["upper"].iloc[0] == pytest.approx(45.798, abs=1e-3)
    # Counts 64, 66, 64, 66 (32% and 33%): z = -/+ 0.150970, each moving range 0.301941, sigma_z = 0.267678 < 1.
    calm = p_chart(months(4), [64, 66, 64, 66], [200] * 4)
    assert calm["sigma_z"].iloc[0] == pytest.approx(0.267678, abs=1e-5)
    assert set(calm["chart"]) == {"p"}
    assert calm["upper"].iloc[0] == pytest.approx(32.5 + 3 * 100 * math.sqrt(0.325 * 0.675 / 200), abs=1e-6)
    assert math.isnan(laney_sigma_z([50.0], 50.0, [5.0]))


def test_fewer_than_twelve_points_give_no_verdict():
    # A quarter whose February had 0 of 4 returns: the chart is drawn, but nothing is judged.
    chart = p_chart(["2022-01", "2022-02", "2022-03"], [30, 0, 31], [40, 4, 40])
    assert set(chart["variation"]) == {TOO_FEW}
    assert (chart["signal"] == "").all()
    assert variation(chart) == TOO_FEW


def test_direction_follows_the_measure_not_the_last_point():
    # A return rate falling 74% -> 68.5% over twelve months of 1,000 (half a point a month): a falling trend.
    # Average 71.25%; sigma_z = 0.35 / 1.128 < 1, so the p-chart: limits +-4.3 points, the last month inside.
    falling = [740 - 5 * i for i in range(12)]
    rising = [550 + 5 * i for i in range(12)]
    chart = p_chart(months(12), falling, [1000] * 12, improvement="higher")
    assert chart["signal"].tolist() == [TREND] * 12
    assert variation(chart) == CONCERN  # below the average and falling: a concern, whatever side it is on
    assert set(chart["variation"]) == {CONCERN}  # the first months, above the average, are in a falling trend
    assert variation(p_chart(months(12), rising, [1000] * 12, improvement="higher")) == IMPROVEMENT
    assert variation(p_chart(months(12), rising, [1000] * 12, improvement="lower")) == CONCERN
    assert variation(p_chart(months(12), falling, [1000] * 12, improvement="lower")) == IMPROVEMENT


def test_a_trend_against_the_side_is_a_concern():
    # Twelve months: five low, then seven rising points that are all still below the centre except the last.
    # The rising trend points the better way, but the points below the centre in a shift point the other way:
    # rules that disagree make a concern; a point in the trend alone is an improvement.
    values = [10, 10, 10, 10, 10, 1, 2, 3, 4, 5, 6, 7]
    chart = p_chart(months(12), [v * 10 for v in values], [1000] * 12)
    rows = chart.set_index("audit_month")
    assert TREND in rows.at["m11", "signal"]
    kinds = set(chart["variation"])
    assert kinds <= {IMPROVEMENT, CONCERN, "common_cause"}
    for _, r in chart.iterrows():
        fired = [s for s in r["signal"].split(";") if s]
        if fired == [TREND]:
            assert r["variation"] == IMPROVEMENT
        elif TREND in fired and r["percent"] < r["centre"]:
            assert r["variation"] == CONCERN


def test_a_funnels_curve_is_its_limits_drawn_from_n_1_to_past_the_largest_group():
    """The lines a funnel chart draws come with the figures (funnel_curve), so a notebook needs no scipy: whole
    counts from 1 to 15% past the largest n, at most 200 of them, with the hand-worked limits of the test below
    at n = 10 (five groups of 10 at 50% overall: phi 0, no widening)."""
    points = funnel(list("ABCDE"), [5, 5, 5, 5, 5], [10, 10, 10, 10, 10])
    curve = funnel_curve(points)
    assert curve["n"].iloc[0] == 1 and curve["n"].iloc[-1] == 12 and curve["n"].is_unique  # 10 * 1.15 = 11.5 -> 12
    at = curve.set_index("n").loc[10]
    assert at["upper95"] == pytest.approx(81.7556, abs=1e-3) and at["lower95"] == pytest.approx(18.2444, abs=1e-3)
    assert at["upper998"] == pytest.approx(94.976, abs=1e-3)
    big = funnel_curve(funnel(["A", "B"], [300, 700], [1000, 2000]))
    assert len(big) == 200 and big["n"].iloc[-1] == 2300
    assert funnel_curve(funnel([], [], [])).empty


def test_funnel_exact_binomial_limits_hand_worked():
    # At p = 0.5 and n = 10: Binomial(10, 0.5) has F(7) = 968/1024, F(8) = 1013/1024, so the 97.5% quantile is
    # r = 8, a = (1013/1024 - 0.975) / (45/1024) = 0.324444 and the upper 95% limit (r + 0.5 - a) / 10 = 81.7556%.
    # 2.5%: F(1) = 11/1024, F(2) = 56/1024, r = 2, a = (56/1024 - 0.025) / (45/1024) = 0.675556, limit
    # 18.2444% (symmetric). 99.9%: F(9) = 1023/1024, r = 9, a = (1023/1024 - 0.999) / (10/1024) = 0.0024,
    # limit 94.976%. So 9 of 10 (90%, exact upper tail 11/1024 = 0.011) is above the 95% limit only, and 8 of 10
    # (tail 56/1024 = 0.055 > 0.025) is inside it.
    at = funnel_limits(0.5, [10])
    assert at["upper95"][0] == pytest.approx(81.7556, abs=1e-3)
    assert at["lower95"][0] == pytest.approx(18.2444, abs=1e-3)
    assert at["upper998"][0] == pytest.approx(94.976, abs=1e-3)
    # Five areas that differ no more than chance (phi < 1: no widening): A, 9 of 10, is beyond the 95% limit.
    f = funnel(["A", "B", "C", "D", "E", "none"], [9, 45, 50, 50, 46, 0], [10, 90, 100, 100, 100, 0]).set_index("group")
    assert list(f.index) == ["A", "B", "C", "D", "E"]  # no denominator: left out
    assert f.at["A", "phi"] < 1
    assert f.at["A", "upper95"] == pytest.approx(at["upper95"][0])
    assert f.at["A", "position"] == "above 95%" and f.at["A", "flagged"] == "above"
    assert f.at["B", "position"] == "within" and f.at["B", "flagged"] == ""


def test_overdispersion_winsorised_and_limits_widened():
    # Ten areas of 100 at p = 0.5 (sigma 5 points), z-scores -6, -3, -2, -1, 0, 0, 1, 2, 3, 6. The 10% and 90%
    # points of the z-scores (linear) are -6 + 0.9 x 3 = -3.3 and 3.3; winsorised squares sum to 49.78, so
    # phi = 4.978 and every limit is sqrt(4.978) = 2.2311 times as far from the centre.
    z = [-6, -3, -2, -1, 0, 0, 1, 2, 3, 6]
    counts = [50 + 5 * x for x in z]
    assert overdispersion(0.5, counts, [100] * 10) == pytest.approx(4.978, abs=1e-9)
    f = funnel([f"area {i}" for i in range(10)], counts, [100] * 10)
    from scipy.stats import binom  # the exact quantile, independently of the pack

    r = binom.ppf(0.975, 100, 0.5)
    a = (binom.cdf(r, 100, 0.5) - 0.975) / (binom.cdf(r, 100, 0.5) - binom.cdf(r - 1, 100, 0.5))
    exact = 100 * (r + 0.5 - a) / 100
    assert f["phi"].iloc[0] == pytest.approx(4.978)
    assert f["upper95"].iloc[0] == pytest.approx(50 + math.sqrt(4.978) * (exact - 50), abs=1e-6)
    # Only the two areas at z = -/+ 6 are beyond the widened 95% limits (6 > 2.2311 x 1.96 = 4.4; 3 is not).
    assert f["flagged"].tolist() == ["below", "", "", "", "", "", "", "", "", "above"]


def test_two_of_two_is_not_named_once_spread_is_allowed_for():
    # The case: an area with 2 of 2 good or outstanding among areas that differ more than chance
    # (phi > 1) is not named: its exact tail probability at the overall rate is 0.274^2 = 0.075.
    f = funnel(["tiny", "a", "b", "c", "d"], [2, 10, 40, 20, 36], [2, 60, 100, 80, 100]).set_index("group")
    assert f.at["tiny", "phi"] > 1
    assert f.at["tiny", "flagged"] == ""
