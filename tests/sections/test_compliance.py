"""Compliance figures on hand-worked data (every expected number worked out by hand below)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from qa_lib.inputs.params import ReasonCategory
from qa_lib.sections.compliance import figures as c
from qa_lib.stats import one_decimal, pct, round_half_up, whole


def frame(rows: list[tuple]) -> pd.DataFrame:
    """(month, cohort, area, status, participated, reason) -> a validated-shape frame."""
    return pd.DataFrame(
        rows, columns=["audit_month", "cohort", "service_area", "status", "sw_participated", "non_participation_reason"]
    ).astype({"sw_participated": "boolean"})


# October: Central 2 returned of 2; West 1 returned, 2 not returned, 1 exempt.
# November: West 1 returned of 1, plus 2 exempt. December: nothing.
AUDITS = frame(
    [
        ("2021-10", "cin", "Central", "returned", True, ""),
        ("2021-10", "cin", "Central", "returned", False, "Worker has left"),
        ("2021-10", "cin", "West", "returned", False, ""),
        ("2021-10", "cin", "West", "not_returned", None, ""),
        ("2021-10", "cin", "West", "not_returned", None, ""),
        ("2021-10", "cin", "West", "exempt", None, ""),
        ("2021-11", "cp", "West", "returned", True, ""),
        ("2021-11", "cp", "West", "exempt", None, ""),
        ("2021-11", "cp", "Central", "exempt", None, ""),
    ]
)
MONTHS = ["2021-10", "2021-11", "2021-12"]


def test_percentages_are_exact_and_rounded_once_half_up():
    assert pct(21, 38) == pytest.approx(55.263, abs=1e-3)  # exact in the frame
    assert round_half_up(pct(21, 38), 1) == 55.3
    assert round_half_up(pct(221, 400), 1) == 55.3  # exactly 55.25: half up, not banker's 55.2
    assert round_half_up(pct(1, 8), 1) == 12.5 and round_half_up(pct(1, 6), 1) == 16.7
    assert round_half_up(pct(247, 2000), 1) == 12.4  # 12.35 is not exact in binary; still rounds up
    assert whole(pct(38, 69)) == "55%" and whole(pct(37, 77)) == "48%"  # the reference report's 55% and 48%
    assert whole(pct(15, 38)) == "39%"  # 39.47%: rounding the one-decimal 39.5 again would say 40%
    assert whole(48.5) == "49%" and one_decimal(pct(32, 49)) == "65.3%"
    assert math.isnan(pct(0, 0)) and whole(float("nan")) == "n/a"


def test_returns_per_month_and_cohort():
    r = c.returns(AUDITS, MONTHS)
    assert r.columns.tolist() == ["audit_month", "cohort", "distributed", "returned", "exempt", "return_rate"]
    oct_, nov, dec = (r.iloc[i] for i in range(3))
    assert (oct_["distributed"], oct_["returned"], oct_["exempt"], oct_["return_rate"]) == (5, 3, 1, 60.0)
    assert (nov["distributed"], nov["returned"], nov["exempt"], nov["return_rate"]) == (1, 1, 2, 100.0)
    assert dec["audit_month"] == "2021-12" and dec["distributed"] == 0 and math.isnan(dec["return_rate"])


def test_two_cohorts_in_one_month_are_separate_rows_and_summed_monthly():
    a = pd.concat([AUDITS, frame([("2021-10", "cp", "East", "returned", True, "")])])
    r = c.returns(a, ["2021-10"])
    assert r[["cohort", "distributed", "returned"]].values.tolist() == [["cin", 5, 3], ["cp", 1, 1]]
    m = c.monthly_returns(a, ["2021-10"])
    assert (m.at[0, "distributed"], m.at[0, "returned"]) == (6, 4) and m.at[0, "return_rate"] == pytest.approx(200 / 3)


def test_returns_by_area_and_full_returns():
    b = c.returns_by_area(AUDITS, MONTHS)
    assert b[["audit_month", "service_area", "distributed", "returned"]].values.tolist() == [
        ["2021-10", "Central", 2, 2],
        ["2021-10", "West", 3, 1],
        ["2021-11", "West", 1, 1],
    ]
    assert b["return_rate"].tolist() == pytest.approx([100.0, 100 / 3, 100.0])
    # Central in November had only an exempt case: nothing distributed, so not "100%".
    assert c.full_return_areas(b, MONTHS) == {"2021-10": ["Central"], "2021-11": ["West"], "2021-12": []}


def test_participation():
    p = c.participation(AUDITS, MONTHS)
    assert p[["audit_month", "returned", "participated"]].values.tolist()[:2] == [["2021-10", 3, 1], ["2021-11", 1, 1]]
    assert p["participation_rate"].tolist()[:2] == pytest.approx([100 / 3, 100.0])
    assert p.iloc[2]["returned"] == 0 and math.isnan(p.iloc[2]["participation_rate"])


CATS = (
    ReasonCategory("Social worker left the organisation", "the social worker having left", ("left", "leaver")),
    ReasonCategory("Social worker on leave", "leave", ("leave", "sick")),
)


@pytest.mark.parametrize(
    "text,label",
    [
        ("", "No reason recorded"),
        ("  ", "No reason recorded"),
        ("None", "No reason recorded"),
        ("n/a", "No reason recorded"),
        ("Worker LEFT in May", "Social worker left the organisation"),
        ("Jane Smith is a leaver", "Social worker left the organisation"),  # first category wins over "leave"
        ("on sick leave", "Social worker on leave"),
        ("Spoke to Mr Bloggs instead", "Other reason"),
    ],
)
def test_reason_categories(text, label):
    assert c.reason_category(pd.Series([text]), CATS).iloc[0] == label


def test_non_participation_reasons_counts_and_ties():
    a = frame(
        [
            ("2021-10", "cin", "West", "returned", False, "left"),
            ("2021-10", "cin", "West", "returned", False, ""),
            ("2021-10", "cin", "West", "returned", False, "sick"),
            ("2021-10", "cin", "West", "returned", False, "has left"),
            ("2021-10", "cin", "West", "returned", False, "no reason"),
            ("2021-10", "cin", "West", "returned", True, "left"),  # took part: its reason is not counted
            ("2021-10", "cin", "West", "not_returned", None, "left"),
        ]
    )
    r = c.non_participation_reasons(a, ["2021-10"], CATS)
    assert r[["reason", "count"]].values.tolist() == [
        ["No reason recorded", 2],
        ["Social worker left the organisation", 2],
        ["Social worker on leave", 1],
    ]
    assert c.top_reasons(r, "2021-10") == ["No reason recorded", "Social worker left the organisation"]
    assert c.top_reasons(r, "2021-11") == []


def test_the_returns_and_reasons_tables_render_both_audiences():
    """One table each for the QA team and a wider pack (issue 24), hand-made: a hidden count is c, and so is a
    rate, a target reading or a total resting on one; a month with nothing distributed or exempt is left out."""
    from qa_lib.sections.compliance.display import reasons_table, returns_table

    returns = pd.DataFrame(
        {
            "audit_month": ["2021-10", "2021-11", "2021-12"],
            "cohort": ["cin", "cin", "cla"],
            "distributed": [40, "c", 0],
            "returned": [30, "c", 0],
            "return_rate": [75.0, "c", float("nan")],
            "exempt": [0, 0, 0],
        }
    )
    table = returns_table(returns, {"cin": "Child in need"}, 80.0)
    assert table.to_dict("list") == {
        "Month": ["Oct 2021", "Nov 2021"],
        "Cohort": ["Child in need", "Child in need"],
        "Audits distributed": ["40", "c"],
        "Audits returned": ["30", "c"],
        "% returns": ["75%", "c"],
        "Target 80%": ["below", "c"],
        "Exemptions": ["0", "0"],
    }
    reasons = pd.DataFrame(
        {"reason": ["Leave", "Leave", "Sickness"], "audit_month": ["2021-10", "2021-11", "2021-10"], "count": [6, "c", 9]}
    )
    hidden = reasons_table(reasons, ["2021-10", "2021-11"])
    assert hidden.to_dict("list") == {"Reason": ["Leave", "Sickness"], "Oct 2021": ["6", "9"], "Nov 2021": ["c", "0"], "Total": ["c", "9"]}
    shown = reasons_table(reasons.assign(count=[6, 7, 9]), ["2021-10", "2021-11"])
    assert shown.to_dict("list") == {"Reason": ["Leave", "Sickness"], "Oct 2021": ["6", "9"], "Nov 2021": ["7", "0"], "Total": ["13", "9"]}
