"""Moderation, overall grades and practice standards on hand-worked data (section 2.3 and 3.1)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from qa_lib.sections.grades import figures as grades
from qa_lib.sections.grades import moderation
from qa_lib.sections.grades import words as grades_words
from qa_lib.sections.standards import display as standards_display
from qa_lib.sections.standards import figures as standards
from qa_lib.sections.standards import words as standards_words
from qa_lib.stats import fisher_exact_p, signed_points, weighted_kappa, wilson_interval

KEYS = ["risk", "voice", "planning"]


def audits(rows: list[tuple]) -> pd.DataFrame:
    """(month, area, status, overall, moderated_grade or '', risk, voice, planning)."""
    f = pd.DataFrame(
        rows,
        columns=[
            "audit_month",
            "service_area",
            "status",
            "overall_grade",
            "moderated_grade",
            "grade_risk",
            "grade_voice",
            "grade_planning",
        ],
    )
    f["moderated"] = f["moderated_grade"].ne("")
    return f


# October: 4 returned (2 moderated: G->RI, RI->RI) + 1 not returned. November: 1 returned, none moderated.
# December: nothing returned. Planning is N/A throughout (no plan to grade); voice blank once.
A = audits(
    [
        ("2021-10", "East", "returned", "G", "RI", "G", "RI", "N/A"),
        ("2021-10", "East", "returned", "RI", "RI", "RI", "I", "N/A"),
        ("2021-10", "West", "returned", "RI", "", "O", "", "N/A"),
        ("2021-10", "West", "returned", "I", "", "I", "G", "N/A"),
        ("2021-10", "West", "not_returned", "", "", "", "", ""),
        ("2021-11", "West", "returned", "G", "", "G", "G", "N/A"),
    ]
)
MONTHS = ["2021-10", "2021-11", "2021-12"]


def test_moderation_summary_and_outcomes():
    s = moderation.moderation_summary(A, MONTHS)
    assert s.values.tolist() == [["2021-10", 4, 2, 1, 0, 1], ["2021-11", 1, 0, 0, 0, 0], ["2021-12", 0, 0, 0, 0, 0]]
    o = moderation.moderation_outcomes(A, MONTHS)
    assert o.values.tolist() == [["2021-10", "G", "RI", "downgraded", 1], ["2021-10", "RI", "RI", "same", 1]]


def test_upgrade_is_a_better_grade():
    a = audits([("2021-10", "East", "returned", "I", "RI", "G", "G", "G"), ("2021-10", "East", "returned", "G", "O", "G", "G", "G")])
    assert moderation.moderation_outcomes(a, ["2021-10"])["outcome"].tolist() == ["upgraded", "upgraded"]


def test_matrix_shows_every_grade():
    m = moderation.moderation_matrix(A, MONTHS)
    assert m.index.tolist() == ["O", "G", "RI", "I"] and m.columns.tolist() == ["O", "G", "RI", "I"]
    assert m.at["G", "RI"] == 1 and m.at["RI", "RI"] == 1 and int(m.to_numpy().sum()) == 2


def test_moderation_text_in_the_reference_voice():
    s, o = moderation.moderation_summary(A, MONTHS), moderation.moderation_outcomes(A, MONTHS)
    blocks = grades_words.moderation_text(s, o, MONTHS, {"2021-10": "Child in Need plan"})
    assert blocks[0] == "**October moderations – Child in Need plan**"
    assert blocks[1] == (
        "2 out of 4 audits were moderated in October.\n\nThe outcome of the moderations was:\n\n"
        "- 1 remained the same grade following moderation\n"
        "- 1 was downgraded from Good to Requires Improvement\n"
        "- No moderations were upgraded"
    )
    assert blocks[3] == "No audits were moderated in November."  # a month with no moderation
    assert blocks[5] == "No audits were returned in December."


def test_weighted_kappa_hand_worked():
    # Pairs (G,G) (G,RI) (RI,RI) (I,I), linear weights |i-j|/3 over O,G,RI,I:
    # observed weighted disagreement 1/4 * 1/3 = 1/12; expected from the margins 7/24; kappa = 1 - (1/12)/(7/24) = 5/7.
    k = weighted_kappa(pd.Series(["G", "G", "RI", "I"]), pd.Series(["G", "RI", "RI", "I"]), ["O", "G", "RI", "I"])
    assert k == pytest.approx(5 / 7)
    assert math.isnan(weighted_kappa(pd.Series(["G", "G"]), pd.Series(["G", "G"]), ["O", "G", "RI", "I"]))  # chance agreement is total


def test_fisher_and_wilson_against_published_values():
    assert fisher_exact_p(3, 10, 7, 10) == pytest.approx(0.1789, abs=1e-4)  # R: fisher.test(matrix(c(3,7,7,3),2))
    assert fisher_exact_p(1, 9, 11, 14) == pytest.approx(0.002759, abs=1e-6)  # R: fisher.test(matrix(c(1,8,11,3),2))
    lo, hi = wilson_interval(21, 38)
    assert (round(lo, 1), round(hi, 1)) == (39.7, 69.9)
    assert signed_points(-0.04) == "±0.0" and signed_points(15.95) == "+16.0" and signed_points(-8.5) == "−8.5"


def test_agreement_refuses_small_n_and_flags_modest_n():
    agree = moderation.agreement(A, MONTHS)
    oct_ = agree.set_index("audit_month").loc["2021-10"]
    assert oct_["moderated"] == 2 and oct_["agreed"] == 1 and oct_["exact_agreement"] == 50.0
    assert math.isnan(oct_["weighted_kappa"]) and "too few moderated audits (n=2)" in oct_["reading"]
    rows = [("2021-10", "East", "returned", "G", "G" if k < 9 else "RI", "G", "G", "G") for k in range(12)]
    agree = moderation.agreement(audits(rows), ["2021-10"]).set_index("audit_month")
    assert agree.at["2021-10", "exact_agreement"] == 75.0 and agree.at["2021-10", "reading"] == "small sample (n=12): read with caution"
    agree = moderation.agreement(A, MONTHS)
    assert grades_words.agreement_sentences(agree, MONTHS, moderation.agreement_changes(agree, MONTHS)) == [
        "Only 2 audits were moderated over the period: too few to measure how far auditors and moderators agree."
    ]


def test_overall_grades_every_grade_shown_and_after_moderation():
    before = grades.overall_grades(A, MONTHS)
    oct_ = before[before["audit_month"] == "2021-10"].set_index("grade")
    assert oct_["count"].tolist() == [0, 1, 2, 1]  # O never occurs: still a row, 0
    assert oct_["percent"].tolist() == [0.0, 25.0, 50.0, 25.0]
    nov = before[before["audit_month"] == "2021-11"].set_index("grade")  # a single-audit month
    assert nov.loc["G", "count"] == 1 and nov.loc["G", "percent"] == 100.0
    dec = before[before["audit_month"] == "2021-12"]
    assert dec["count"].sum() == 0 and dec["percent"].isna().all()
    after = grades.overall_grades(A, MONTHS, after_moderation=True).set_index(["audit_month", "grade"])
    assert after.loc[("2021-10", "G"), "count"] == 0 and after.loc[("2021-10", "RI"), "count"] == 3


def test_grades_by_area_with_total():
    t = grades.grades_by_area(A, MONTHS, ["16+", "East", "West"])
    assert t.columns.tolist() == ["service_area", "O", "G", "RI", "I", "ALL"]
    assert t.values.tolist() == [["East", 0, 1, 1, 0, 2], ["West", 0, 1, 1, 1, 3], ["TOTAL", 0, 2, 2, 1, 5]]


def test_standards_denominators_leave_out_na_and_blank():
    t = standards.standards(A, MONTHS, KEYS).set_index(["audit_month", "standard"])
    assert t.loc[("2021-10", "risk")].tolist()[:4] == [4, 2, 1, 1]  # O and G both count as G/O
    assert t.loc[("2021-10", "risk"), "pct_good_or_outstanding"] == 50.0
    voice = t.loc[("2021-10", "voice")]  # one blank: 3 graded
    assert voice[["graded", "good_or_outstanding", "requires_improvement", "inadequate"]].tolist() == [3, 1, 1, 1]
    assert voice["pct_requires_improvement"] == pytest.approx(100 / 3)
    planning = t.loc[("2021-10", "planning")]  # all N/A: nothing graded, no percentage
    assert planning["graded"] == 0 and math.isnan(planning["pct_good_or_outstanding"])
    assert t.loc[("2021-12", "risk"), "graded"] == 0
    q = standards.standards_quality(A, MONTHS, KEYS).set_index(["audit_month", "standard"])
    assert q.loc[("2021-10", "voice")].tolist() == [4, 0, 1] and q.loc[("2021-10", "planning")].tolist() == [4, 4, 0]


def _table(rows: list[tuple[str, str, int, int, int]]) -> pd.DataFrame:
    """(month, standard, graded, G/O, RI) -> a standards table."""
    f = pd.DataFrame(rows, columns=["audit_month", "standard", "graded", "good_or_outstanding", "requires_improvement"])
    f["inadequate"] = f["graded"] - f["good_or_outstanding"] - f["requires_improvement"]
    from qa_lib.stats import pct

    for c in ("good_or_outstanding", "requires_improvement", "inadequate"):
        f[f"pct_{c}"] = pct(f[c], f["graded"])
    return f


def test_noise_rule_marks_only_changes_beyond_chance():
    t = _table(
        [
            ("2021-10", "risk", 40, 16, 20),
            ("2021-11", "risk", 40, 18, 18),
            ("2021-12", "risk", 40, 32, 6),
            ("2021-10", "voice", 40, 30, 5),
            ("2021-11", "voice", 40, 12, 20),
            ("2021-12", "voice", 40, 30, 5),
        ]
    )
    moves = standards.changes(t, MONTHS).set_index(["standard", "audit_month"])
    # 16/40 -> 18/40: +5 points, Fisher p ~ 0.82: noise.
    assert moves.loc[("risk", "2021-11"), "go_mark"] == "≈" and moves.loc[("risk", "2021-11"), "go_change"] == 5.0
    # 18/40 -> 32/40: +35 points, p < 0.001: a real rise.
    assert moves.loc[("risk", "2021-12"), "go_mark"] == "↑"
    assert moves.loc[("voice", "2021-11"), "go_mark"] == "↓" and moves.loc[("voice", "2021-12"), "go_mark"] == "↑"
    trend = standards.trends(t, MONTHS).set_index("standard")
    assert trend.at["risk", "reading"] == "improved" and trend.at["risk", "change"] == 40.0
    assert trend.at["voice", "reading"] == "inconsistent"  # fell then rose, both beyond chance, no net change
    text = standards_words.standards_sentences(standards.trends(t, MONTHS), {"risk": "Risk", "voice": "Voice"})
    assert text[0] == "Good or outstanding grades rose between October 2021 and December 2021 for:\n\n- Risk (40% to 80%, +40.0 points)"
    assert text[1].startswith("Performance was inconsistent") and text[1].endswith("- Voice (75% to 75%, ±0.0 points)")


def test_standards_table_layout():
    t = _table(
        [("2021-10", "risk", 37, 16, 16), ("2021-11", "risk", 49, 29, 17), ("2021-10", "voice", 0, 0, 0), ("2021-11", "voice", 49, 15, 23)]
    )
    shown = standards_display.standards_table(
        t, standards.changes(t, ["2021-10", "2021-11"]), {"risk": "Risk", "voice": "Voice"}, ["2021-10", "2021-11"]
    )
    row = shown.iloc[0].tolist()
    # G/O: 16/37 = 43.243% to 29/49 = 59.184%, +15.94 points; RI: 43.243% to 17/49 = 34.694%, -8.55 points.
    # Within chance: the change alone, no mark (issue 26: no ≈ for a reader to decode).
    assert row == ["Risk", "43%\n16/37", "43%\n16/37", "59%\u00a0+15.9\n29/49", "35%\u00a0−8.5\n17/49"]
    assert [c[1] for c in shown.columns[1:3]] == ["Good or outstanding", "Requires improvement"]  # words, not G/O and RI
    assert shown.iloc[1].tolist()[1] == "–"  # nothing graded
    inadequate = standards_display.standards_table(
        t, standards.changes(t, ["2021-10", "2021-11"]), {"risk": "Risk"}, ["2021-10", "2021-11"], kinds=(standards_display.INADEQUATE,)
    )
    assert inadequate.iloc[0].tolist() == ["Risk", "14%\n5/37", "6%\n3/49"]  # 37-16-16 = 5; 49-29-17 = 3


def test_good_or_outstanding_overall_is_one_figure():
    g = grades.good_or_outstanding(grades.overall_grades(A, MONTHS)).set_index("audit_month")
    # October: G 1 of 4 returned (25%); November: G 1 of 1; December: nothing returned.
    assert g.loc["2021-10", ["good_or_outstanding", "returned"]].tolist() == [1, 4] and g.at["2021-10", "percent"] == 25.0
    assert g.loc["2021-11", ["good_or_outstanding", "returned"]].tolist() == [1, 1]
    assert g.at["2021-12", "returned"] == 0 and pd.isna(g.at["2021-12", "percent"])
    text = grades_words.overall_grade_sentences(grades.overall_grades(A, MONTHS), grades.overall_grades(A, MONTHS, True), MONTHS)
    assert text[0] == (
        "In October, 1 of 4 audits (25%) was graded good or outstanding overall by the auditor; after moderation, 0 (0%)."
    )  # the one Good was moderated down to RI
    assert text[2] == "No audits were returned in December."


def test_month_paragraphs_by_group_hand_worked():
    from qa_lib.sections.standards import words as standards_words

    # risk 7/10 -> 3/10 (-40.0 points; Fisher p = 0.18, within chance); voice 11/14 -> 1/9 (-67.5 points,
    # p = 0.0028, q = 0.0055 in a family of two: beyond chance); impact stays at 50%.
    rows = [
        ("2021-10", "risk", 10, 7),
        ("2021-11", "risk", 10, 3),
        ("2021-10", "voice", 14, 11),
        ("2021-11", "voice", 9, 1),
        ("2021-10", "impact", 10, 5),
        ("2021-11", "impact", 12, 6),
    ]
    t = pd.DataFrame(rows, columns=["audit_month", "standard", "graded", "good_or_outstanding"])
    t["requires_improvement"] = t["graded"] - t["good_or_outstanding"]
    t["inadequate"] = 0
    for col in ("good_or_outstanding", "requires_improvement", "inadequate"):
        t[f"pct_{col}"] = 100 * t[col] / t["graded"]
    months = ["2021-10", "2021-11"]
    text = standards_words.month_paragraphs(
        t, standards.changes(t, months), {"risk": "Risk", "voice": "Voice", "impact": "Impact"}, {"Safety": ("risk", "voice")}, months
    )
    assert text[0] == "**November 2021, against October 2021**"
    assert text[1] == (
        "Safety: good or outstanding grades for Risk fell from 70% (7 of 10) to 30% (3 of 10) (−40.0 points); "
        "Voice fell from 79% (11 of 14) to 11% (1 of 9) (−67.5 points, more than chance would explain)."
    )
    assert (
        text[2]
        == "Other standards: good or outstanding grades for Impact stayed at 50%. None of these changes is bigger than chance would explain."
    )


def test_re_audited_cases_grades_moved_by_hand():
    # Three children audited in October 2021 and again in January 2022 (params reaudit: I and RI, after 3
    # months): CH-1 I -> G (better), CH-2 RI moderated to I -> I (same, final grades), CH-3 I -> RI (better);
    # CH-4 G in October is not a re-audit; CH-5's January audit has no October audit.
    import pandas as pd

    from qa_lib.sections.grades.figures import reaudit_moves

    rows = [
        ("CH-1", "2021-10", "I", False, ""),
        ("CH-2", "2021-10", "RI", True, "I"),
        ("CH-3", "2021-10", "I", False, ""),
        ("CH-4", "2021-10", "G", False, ""),
        ("CH-1", "2022-01", "G", False, ""),
        ("CH-2", "2022-01", "I", False, ""),
        ("CH-3", "2022-01", "RI", False, ""),
        ("CH-4", "2022-01", "G", False, ""),
        ("CH-5", "2022-01", "I", False, ""),
    ]
    audits = pd.DataFrame(rows, columns=["child_id", "audit_month", "overall_grade", "moderated", "moderated_grade"]).assign(
        status="returned"
    )
    moves = reaudit_moves(audits, ["2022-01"], ("I", "RI"), 3)
    counted = {(a, b): n for a, b, n in moves.itertuples(index=False) if n}
    assert counted == {("I", "G"): 1, ("I", "I"): 1, ("I", "RI"): 1}
    assert set(moves["grade_then"]) == {"RI", "I"} and len(moves) == 8  # every cell, zeros included
    from qa_lib.sections.grades.figures import reaudit_outcomes
    from qa_lib.sections.grades.words import reaudit_sentence

    assert reaudit_outcomes(moves) == (2, 1, 0)  # I -> G and I -> RI better; I -> I the same
    assert reaudit_sentence(2, 1, 0).startswith("3 cases were re-audited in the period: 2 graded better")


def test_agreement_by_standard_counts_pairs_by_hand_and_names_the_standard_read_differently():
    import math

    import pandas as pd

    from qa_lib.sections.grades.moderation import lowest_agreement, standard_agreement

    # 12 moderated, returned October audits. risk: 10 same, 2 one step apart; voice: N/A on 4 rows (left
    # out), so 8 pairs: under 10, nothing read into it. A 13th audit is not moderated and never counted.
    grades = ["G", "RI", "I", "O", "G", "RI", "I", "O", "G", "RI", "G", "RI"]
    moderated_risk = [*grades[:10], "RI", "I"]
    rows = [
        {
            "audit_month": "2021-10",
            "status": "returned",
            "moderated": True,
            "overall_grade": g,
            "moderated_grade": g,
            "grade_risk": g,
            "moderated_grade_risk": mr,
            "grade_voice": "N/A" if i < 4 else g,
            "moderated_grade_voice": "N/A" if i < 4 else g,
        }
        for i, (g, mr) in enumerate(zip(grades, moderated_risk))
    ]
    rows.append({**rows[0], "moderated": False, "moderated_grade": "", "moderated_grade_risk": "I"})
    found = standard_agreement(pd.DataFrame(rows), ["2021-10"], ["risk", "voice", "family"])
    assert found is not None
    table = found.set_index("standard")
    assert list(table.index) == ["risk", "voice"]  # family has no moderated_grade_family column
    assert (table.at["risk", "pairs"], table.at["risk", "agreed"]) == (12, 10)
    assert round(table.at["risk", "exact_agreement"], 1) == 83.3
    assert table.at["voice", "pairs"] == 8 and math.isnan(table.at["voice", "ac2"])

    # Five standards: AC2 0.95-0.98 with narrow intervals, and one at 0.80 (0.70 to 0.88): only it is named.
    made = pd.DataFrame(
        {
            "standard": ["a", "b", "c", "d", "e"],
            "pairs": [60, 60, 60, 60, 60],
            "ac2": [0.97, 0.96, 0.80, 0.98, 0.95],
            "ac2_high": [0.99, 0.99, 0.88, 1.0, 0.99],
        }
    )
    assert lowest_agreement(made) == ["c"]
    assert lowest_agreement(made.assign(ac2_high=0.99)) == []  # every interval reaches the median: none named


def test_a_grade_columns_positions_are_found_once_per_distinct_value():
    """`positions` looks each distinct value up once: the same as looking up every row, an unknown value, a
    missing one and an empty column included."""
    import numpy as np
    import pandas as pd

    from qa_lib.sections.standards.figures import GRADES, positions

    values = pd.Series(["G", "N/A", None, "O", "RI", "G", "I", ""], dtype=pd.StringDtype("pyarrow"))
    assert positions(values, GRADES).tolist() == [1, -1, -1, 0, 2, 1, 3, -1]
    assert positions(pd.Series([], dtype=pd.StringDtype("pyarrow")), GRADES).tolist() == []
    months = pd.Series(["2021-11", "2021-10", "2021-12", "2021-11"], dtype=pd.StringDtype("pyarrow"))
    assert np.array_equal(positions(months, ["2021-10", "2021-11"]), [1, 0, -1, 1])
