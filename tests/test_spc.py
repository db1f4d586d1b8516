"""p-chart limits and signal rules: Montgomery's published worked example and hand-worked sequences."""

from __future__ import annotations

import pytest

from qa_lib.spc import CONCERN, IMPROVEMENT, p_chart, signals, variation

# Montgomery, Introduction to Statistical Quality Control, Example 7.1 (orange juice cans): 30 samples of 50,
# 347 nonconforming; p = 0.2313, UCL = 0.4102, LCL = 0.0524; samples 15 and 23 are above the upper limit.
CANS = [12, 15, 8, 10, 4, 7, 16, 9, 14, 10, 5, 6, 17, 12, 22, 8, 10, 5, 13, 11, 20, 18, 24, 15, 9, 12, 7, 13, 9, 6]


def test_p_chart_limits_match_montgomery():
    chart = p_chart([f"s{i:02d}" for i in range(1, 31)], CANS, [50] * 30)
    assert chart["centre"].iloc[0] == pytest.approx(23.13, abs=0.005)
    assert chart["upper"].iloc[0] == pytest.approx(41.02, abs=0.005)
    assert chart["lower"].iloc[0] == pytest.approx(5.24, abs=0.005)
    outside = chart.loc[chart["signal"].str.contains("outside the limits"), "audit_month"].tolist()
    assert outside == ["s15", "s23"]


def test_limits_vary_with_n_and_clip_to_the_scale():
    # p = 5/11 = 45.45%: for n = 10, sigma = 15.75, upper = 45.45 + 47.24 = 92.7; for n = 1, sigma = 49.8, so
    # both limits fall off the scale and are clipped to 0 and 100.
    chart = p_chart(["a", "b"], [4, 1], [10, 1])
    assert chart["upper"].iloc[0] == pytest.approx(92.69, abs=0.01)
    assert chart["upper"].tolist()[1] == 100.0 and chart["lower"].tolist()[1] == 0.0
    assert p_chart(["a", "b"], [0, 3], [0, 4])["audit_month"].tolist() == ["b"]  # no denominator: left out


def flags(values: list[float], centre: float = 50.0, sigma: float = 10.0) -> list[list[str]]:
    return signals(values, centre, [sigma] * len(values))


def test_shift_is_seven_in_a_row_on_one_side():
    six = flags([55, 56, 54, 57, 52, 51, 45, 55])
    assert not any("shift" in f for f in six)
    seven = flags([45, 55, 56, 54, 57, 52, 51, 53, 45])
    assert [("shift" in f) for f in seven] == [False] + [True] * 7 + [False]
    assert not any("shift" in f for f in flags([55, 56, 54, 50, 57, 52, 51, 53]))  # a point on the centre breaks it


def test_trend_is_seven_in_a_row_rising_or_falling():
    rising = flags([40, 41, 42, 43, 44, 45, 46, 40])
    assert [("trend" in f) for f in rising] == [True] * 7 + [False]
    assert not any("trend" in f for f in flags([40, 41, 42, 43, 44, 45, 45, 46]))  # a tie breaks it
    assert [("trend" in f) for f in flags([60, 59, 58, 57, 56, 55, 54])] == [True] * 7


def test_two_of_three_beyond_two_sigma_on_the_same_side():
    f = flags([50, 71, 60, 72, 50])  # 71 and 72 are beyond 2 sigma (70), 60 is not: two of three
    assert [("two of three beyond 2 sigma" in x) for x in f] == [False, True, False, True, False]
    assert not any("two of three" in x for x in flags([71, 50, 29]))  # opposite sides do not count
    assert "outside the limits" in flags([81])[0]


def test_variation_of_the_latest_month():
    chart = p_chart([f"m{i}" for i in range(8)], [10, 10, 10, 10, 10, 10, 10, 30], [40] * 8)
    assert chart["signal"].iloc[-1] and variation(chart) == IMPROVEMENT
    low = p_chart([f"m{i}" for i in range(8)], [20, 20, 20, 20, 20, 20, 20, 2], [40] * 8)
    assert variation(low) == CONCERN
    assert variation(p_chart(["a", "b"], [10, 11], [40, 40])) == "common cause"


def test_funnel_limits_hand_worked():
    # Overall 50 of 100 = 50%. Area A: 9 of 10 -> sigma = 100 sqrt(0.25/10) = 15.81, 95% limits 50 +- 30.99 =
    # 19.0 to 81.0, 99.8% limits 50 +- 48.86 = 1.1 to 98.9: 90% is above the 95% limit only.
    # Area B: 41 of 90 -> 45.6%, sigma 5.27, 95% limits 39.7 to 60.3: within.
    from qa_lib.spc import funnel

    f = funnel(["A", "B", "none"], [9, 41, 0], [10, 90, 0]).set_index("group")
    assert list(f.index) == ["A", "B"]  # no denominator: left out
    assert f.at["A", "centre"] == pytest.approx(50.0)
    assert (f.at["A", "lower95"], f.at["A", "upper95"]) == (pytest.approx(19.01, abs=0.01), pytest.approx(80.99, abs=0.01))
    assert f.at["A", "upper998"] == pytest.approx(98.86, abs=0.01)
    assert f.at["A", "position"] == "above 95%" and f.at["B", "position"] == "within"
