"""Drafted commentary: exact sentences from hand-made figure frames."""

from __future__ import annotations

import pandas as pd

from qa_lib.inputs.params import ReasonCategory
from qa_lib.sections.compliance import words as compliance_words


def monthly(rows: list[tuple[str, int, int, int]]) -> pd.DataFrame:
    from qa_lib.stats import pct

    f = pd.DataFrame(rows, columns=["audit_month", "distributed", "returned", "exempt"])
    f["return_rate"] = pct(f["returned"], f["distributed"])
    return f


# The reference report's months: July and August 77%, no September audits, then 55%, 71%, 48%.
REFERENCE = monthly(
    [
        ("2021-07", 65, 50, 5),
        ("2021-08", 70, 54, 6),
        ("2021-09", 0, 0, 0),
        ("2021-10", 69, 38, 17),
        ("2021-11", 69, 49, 23),
        ("2021-12", 77, 37, 10),
    ]
)
PERIOD = ["2021-10", "2021-11", "2021-12"]


def test_compliance_sentences_in_the_reference_voice():
    assert compliance_words.compliance_sentences(REFERENCE, PERIOD, 80) == [
        "Compliance has dropped sharply from 77% in July and August to 55% in October, below the 80% target.",
        "Compliance has increased from 55% in October to 71% in November, although it remains below the 80% target.",
        "Compliance has dropped sharply from 71% in November to 48% in December, below the 80% target.",
    ]


def test_compliance_meeting_target_first_month_and_no_audits():
    m = monthly(
        [
            ("2021-12", 10, 7, 0),
            ("2022-01", 10, 8, 0),
            ("2022-02", 10, 8, 0),
            ("2022-03", 0, 0, 1),
            ("2022-04", 10, 5, 0),
            ("2022-05", 4, 3, 0),
        ]
    )
    assert compliance_words.compliance_sentences(m, ["2021-12", "2022-01", "2022-02", "2022-03", "2022-04", "2022-05"], 80) == [
        "Compliance was 70% in December 2021, below the 80% target.",
        "Compliance has increased from 70% in December 2021 to 80% in January and now meets the 80% target.",
        "Compliance remained at 80% in February, as in January, and meets the 80% target.",
        "No audits were distributed in March.",
        "Compliance has dropped sharply from 80% in January and February to 50% in April, below the 80% target.",
        "Compliance has increased sharply from 50% in April to 75% in May, although it remains below the 80% target.",
    ]


def test_full_return_sentences():
    full = {"2021-10": ["CCHDT", "Central", "Safeguarding and Review"], "2021-11": ["East"], "2021-12": []}
    assert compliance_words.full_return_sentences(full, PERIOD) == [
        "CCHDT, Central and Safeguarding and Review completed 100% audit returns in the October audit.",
        "East completed 100% audit returns in the November audit.",
        "No service area completed 100% audit returns in the December audit.",
    ]


def test_exemption_sentence():
    assert (
        compliance_words.exemption_sentence(REFERENCE, PERIOD)
        == "There were 17 exemptions in October, 23 in November and 10 in December 2021."
    )
    assert compliance_words.exemption_sentence(monthly([("2021-10", 5, 5, 1)]), ["2021-10"]) == "There was 1 exemption in October 2021."


def test_participation_sentences_with_ties_and_gaps():
    part = pd.DataFrame(
        {"audit_month": PERIOD, "returned": [38, 49, 0], "participated": [21, 32, 0], "participation_rate": [55.3, 65.3, float("nan")]}
    )
    reasons = pd.DataFrame(
        {
            "audit_month": ["2021-10", "2021-10", "2021-11", "2021-11"],
            "reason": ["Left", "No reason recorded", "No response", "No reason recorded"],
            "count": [7, 2, 5, 5],
        }
    )
    cats = (
        ReasonCategory("Left", "the social worker having left the organisation", ("left",)),
        ReasonCategory("No response", "the social worker not responding", ("respond",)),
    )
    assert compliance_words.participation_sentences(part, reasons, PERIOD, cats) == [
        "The percentage of social workers engaged in audit for October was 55.3% (21 of 38 returned audits), with the most "
        "common reason given for non-participation relating to the social worker having left the organisation.",
        "The percentage of social workers engaged in audit for November was 65.3% (32 of 49 returned audits), with the most "
        "common reason given for non-participation relating to the social worker not responding; for 5 more, no reason was recorded.",
        "No audits were returned for December, so social worker participation cannot be measured.",
    ]


def test_a_mid_month_run_says_the_returns_so_far_and_that_the_month_is_not_over():
    """Issue 28: run mid-month (the forms still coming back), the compliance report gives the returns so far,
    counts only; in any later month it says nothing of the kind."""
    import datetime as dt

    import pandas as pd

    from qa_lib.sections.compliance.words import so_far_sentence

    monthly = pd.DataFrame({"audit_month": ["2022-01"], "distributed": [141], "returned": [94], "exempt": [20]})
    said = so_far_sentence(monthly, "2022-01", dt.date(2022, 1, 21))
    assert said == (
        "January 2022 is not over: so far, 94 of the 141 audits distributed have come back, 47 are "
        "outstanding and 20 were exempt. The month's return rate will change as forms come in."
    )
    assert so_far_sentence(monthly, "2022-01", dt.date(2022, 2, 1)) is None
