"""Words that add up (issue 23, item 8): each sentence fault the issue quotes, reproduced on crafted figures and
asserted worded correctly. (The rendered-report checks are in tests/run/test_conclusions_rendered.py and
tests/sections/test_words_add_up.py.)"""

from __future__ import annotations

import pandas as pd

from qa_lib.inputs.period import Period, month_list
from qa_lib.render.words import coefficient_interval, spc_sentence
from qa_lib.sections.calibration import words as calibration_words
from qa_lib.sections.calibration.figures import CalibrationFigures
from qa_lib.sections.compliance import words as compliance_words
from qa_lib.sections.grades import moderation
from qa_lib.sections.grades import words as grades_words
from qa_lib.sections.standards import words as standards_words
from qa_lib.sections.themes import words as theme_words
from qa_lib.spc import p_chart


def test_months_are_counted_as_shown_and_years_named_when_they_change():
    chart = p_chart([f"2022-{m:02d}" for m in range(7, 13)], [30] * 6, [40] * 6)  # six months shown
    said = spc_sentence(chart, "the return rate") or ""
    assert "With 6 months to compare" in said and "last 12" not in said and "Over the last" not in said
    assert month_list(["2022-03", "2022-08", "2023-01"]) == "March and August 2022 and January 2023"
    assert Period("2022-12", "2023-02").label == "December 2022 and January and February 2023"


def test_all_n_standards_counts_only_standards_compared():
    trend = pd.DataFrame(
        {
            "standard": ["risk", "voice", "impact"],
            "first_month": ["2021-09", "2021-09", None],
            "last_month": ["2021-12", "2021-12", None],
            "first_pct": [40.0, 50.0, float("nan")],
            "last_pct": [45.0, 48.0, float("nan")],
            "change": [5.0, -2.0, float("nan")],
            "reading": ["no clear change", "no clear change", "no clear change"],
        }
    )
    text = " ".join(standards_words.standards_sentences(trend, {"risk": "Risk", "voice": "Voice", "impact": "Impact"}))
    assert "For all 2 standards compared" in text and "all 3" not in text
    assert "Not compared, because fewer than two months had audits graded on it: Impact." in text


def test_although_and_no_reason_recorded_read_as_english():
    monthly = pd.DataFrame(
        {"audit_month": ["2021-10", "2021-11"], "distributed": [100, 100], "returned": [55, 71], "return_rate": [55.0, 71.0]}
    )
    text = " ".join(compliance_words.compliance_sentences(monthly, ["2021-10", "2021-11"], 80))
    assert "71% in November, although it remains below the 80% target" in text and "although remains" not in text
    part = pd.DataFrame({"audit_month": ["2021-11"], "returned": [10], "participated": [6], "participation_rate": [60.0]})
    reasons = pd.DataFrame({"audit_month": ["2021-11"], "reason": ["No reason recorded"], "count": [4]})
    said = compliance_words.participation_sentences(part, reasons, ["2021-11"], ())[0]
    assert "relating to no reason recorded" not in said
    assert said.endswith("; no reason was recorded for most who did not take part.")


def test_agreement_that_did_not_move_is_not_stayed_from_to():
    agree = pd.DataFrame(
        {
            "audit_month": ["2021-11", "2021-12", "period"],
            "moderated": [12, 14, 26],
            "agreed": [12, 14, 26],
            "exact_agreement": [100.0, 100.0, 100.0],
            "agreement_low": [75.8, 78.5, 87.1],
            "agreement_high": [100.0, 100.0, 100.0],
            "weighted_kappa": [float("nan")] * 3,
            "kappa_low": [float("nan")] * 3,
            "kappa_high": [float("nan")] * 3,
        }
    )
    changes = moderation.agreement_changes(agree, ["2021-11", "2021-12"]).assign(q_report=1.0)  # no change: no test matters
    text = " ".join(grades_words.agreement_sentences(agree, ["2021-11", "2021-12"], changes))
    assert "stayed from" not in text
    assert "Agreement was 100% in both November (12 of 12) and December (14 of 14)." in text


def test_intervals_of_no_width_and_minus_signs():
    assert coefficient_interval(1.0, 1.0, 1.0) == "1.00 (too few to measure the interval)"
    assert coefficient_interval(0.0, 0.0, 0.0) == "0.00 (too few to measure the interval)"
    assert coefficient_interval(0.12, -0.2, 0.44) == "0.12 (\u22120.20 to 0.44)"
    assert "-" not in coefficient_interval(-0.5, -0.9, -0.1)
    assert coefficient_interval(float("nan"), 0.1, 0.2) == "–"


def test_no_strengths_from_a_month_with_no_returns():
    table = pd.DataFrame({"audit_month": ["2021-12"], "standard": ["risk"], "graded": [0], "good_or_outstanding": [0]})
    text = theme_words.key_theme_text(table, "2021-12", [], [], {})
    assert "None stood out" not in text
    assert text == "No audits were returned and graded this month, so there are no strengths or learning to draw from them."


def _calibration(alphas_before: list[float], alphas_after: list[float], raters: int = 8, cases: int = 6) -> CalibrationFigures:
    rows = []
    for ex, alphas in (("Spring", alphas_before), ("Autumn", alphas_after)):
        for item, alpha in zip(["overall", "risk", "voice", "records"], alphas):
            rows.append(
                {
                    "exercise_id": ex,
                    "standard": item,
                    "cases": cases,
                    "raters": raters,
                    "alpha_ordinal": alpha,
                    "ac2_ordinal": 0.8,
                    "exact_agreement_pct": 70.0,
                }
            )
    return CalibrationFigures(
        "c.csv", 10, 10, 0, ("Spring", "Autumn"), ("overall", "risk", "voice", "records"), pd.DataFrame(rows), pd.DataFrame()
    )


def test_alpha_unchanged_at_two_decimals_is_not_a_rise():
    f = _calibration([0.7, 0.761, 0.5, 0.9], [0.8, 0.758, 0.6, 0.8])
    text = " ".join(calibration_words.trend_sentences(f, {}))
    assert "alpha rose for 1 standard, fell for 1 standard and was unchanged for 1 standard" in text  # 0.76 -> 0.76


def test_no_exercise_of_nobody_grading_nothing():
    f = _calibration([0.7] * 4, [0.7] * 4, raters=0, cases=0)
    text = " ".join(calibration_words.summary_sentences(f))
    assert "0 auditors" not in text and "no case was graded by two or more auditors" in text


def test_a_wider_pack_never_says_no_area_when_a_hidden_one_may_have():
    """Issue 24: "No service area completed 100% audit returns in the October audit" when three did, their figures
    hidden. A month whose areas are not all shown speaks only of the areas shown."""
    full = {"2021-10": [], "2021-11": ["Central"]}
    said = compliance_words.full_return_sentences(full, ["2021-10", "2021-11"], partial={"2021-10", "2021-11"})
    assert said == [
        "None of the service areas shown completed 100% audit returns in the October audit.",
        "Of the service areas shown, Central completed 100% audit returns in the November audit.",
    ]
    assert compliance_words.full_return_sentences(full, ["2021-10"]) == [
        "No service area completed 100% audit returns in the October audit."
    ]


def test_an_agreement_change_is_called_by_its_report_wide_q_not_its_own_p():
    """Agreement from 20 of 40 to 36 of 40 has a tiny p on its own; across a report of many tests its q decides
    (issue 29's review: the sentence compared its own p with 0.05, outside the report's one family)."""
    months = ["2021-11", "2021-12"]
    agree = pd.DataFrame(
        {
            "audit_month": [*months, "period"],
            "moderated": [40, 40, 80],
            "agreed": [20, 36, 56],
            "exact_agreement": [50.0, 90.0, 70.0],
            "agreement_low": [35.2, 76.9, 59.2],
            "agreement_high": [64.8, 96.0, 78.9],
            "weighted_kappa": [0.4, 0.8, 0.6],
            "kappa_low": [0.2, 0.6, 0.45],
            "kappa_high": [0.6, 0.95, 0.75],
        }
    )
    changes = moderation.agreement_changes(agree, months)
    assert changes["p"].iloc[0] < 0.01
    held = " ".join(grades_words.agreement_sentences(agree, months, changes.assign(q_report=0.2)))
    assert "Agreement rose from 50% (20 of 40) in November to 90% (36 of 40) in December: a change chance alone could explain" in held
    called = " ".join(grades_words.agreement_sentences(agree, months, changes.assign(q_report=0.01)))
    assert "a change bigger than chance would explain" in called
