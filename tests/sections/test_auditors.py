"""Auditor consistency under moderation (issue 17, item 2) on hand-worked data: shifts, shrinkage, codes, words."""

from __future__ import annotations

import pandas as pd
import pytest

from qa_lib.sections.grades import display
from qa_lib.sections.grades import words as grades_words
from qa_lib.sections.grades.auditors import MIN_MODERATED, auditor_codes, consistency, letters, moderation_shifts

GRADE_BY_RANK = ["O", "G", "RI", "I"]


def moderated(auditor: str, month: str, shift: int, auditor_grade: str = "RI") -> dict[str, object]:
    """A returned, moderated audit whose moderator moved the grade `shift` steps (+ = higher, a better grade)."""
    rank = GRADE_BY_RANK.index(auditor_grade) - shift
    return {
        "auditor_id": auditor,
        "audit_month": month,
        "status": "returned",
        "moderated": True,
        "overall_grade": auditor_grade,
        "moderated_grade": GRADE_BY_RANK[rank],
    }


def frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    return pd.DataFrame(rows)


# The hand-worked groups of tests/test_stats.py::test_shrunk_means_hand_worked, as auditors' shifts:
# AU-X (first seen in January): +1, +1, 0, +1, +2; AU-Y (February): 0, 0, 0, +1, -1; AU-Z (March): 0, -1, 0, -1, 0;
# AU-W has 4 moderated audits, one fewer than the least that is shown.
HAND = (
    [moderated("AU-X", "2021-01", s) for s in (1, 1, 0, 1, 2)]
    + [moderated("AU-Y", "2021-02", s) for s in (0, 0, 0, 1, -1)]
    + [moderated("AU-Z", "2021-03", s) for s in (0, -1, 0, -1, 0)]
    + [moderated("AU-W", "2021-03", s) for s in (2, 2, 2, 2)]
)
MONTHS = ["2021-01", "2021-02", "2021-03"]


def test_a_shift_is_plus_when_the_moderator_grades_higher():
    rows = [moderated("AU-1", "2021-01", 1, "RI"), moderated("AU-1", "2021-01", -2, "G")]
    assert rows[0]["moderated_grade"] == "G" and rows[1]["moderated_grade"] == "I"
    assert moderation_shifts(frame(rows), ["2021-01"])["shift"].tolist() == [1, -2]


def test_unreturned_unmoderated_and_unattributed_audits_are_left_out():
    rows = [
        moderated("AU-1", "2021-01", 1),
        {**moderated("AU-1", "2021-01", 1), "status": "not_returned"},
        {**moderated("AU-1", "2021-01", 1), "moderated": False},
        {**moderated("AU-1", "2021-01", 1), "auditor_id": "  "},
        moderated("AU-1", "2020-12", 1),  # outside the months
    ]
    assert len(moderation_shifts(frame(rows), ["2021-01"])) == 1


def test_letters_run_like_spreadsheet_columns():
    assert [letters(i) for i in (0, 1, 25, 26, 27, 51, 52)] == ["A", "B", "Z", "AA", "AB", "AZ", "BA"]


def test_codes_follow_first_appearance_and_stay_stable_as_history_grows():
    codes = auditor_codes(frame(HAND))
    assert codes["AU-X"] == "Auditor A" and codes["AU-Y"] == "Auditor B"  # January, then February
    assert {codes["AU-Z"], codes["AU-W"]} == {"Auditor C", "Auditor D"}  # both first seen in March
    later = frame([*HAND, moderated("AU-NEW", "2021-04", 0), moderated("AU-X", "2021-04", 0)])
    assert {k: v for k, v in auditor_codes(later).items() if k != "AU-NEW"} == codes  # a newcomer changes no one's code
    assert auditor_codes(later)["AU-NEW"] == "Auditor E"
    assert auditor_codes(frame(HAND), extra=["AU-Y", "AU-CAL"])["AU-CAL"] == "Auditor E"  # a calibration-only auditor comes last


def test_codes_never_follow_the_ids_alphabetical_order():
    """Auditors first seen in the same month: the order comes from a hash, so renaming an ID can move it."""
    same_month = [moderated(f"AU-{i:02d}", "2021-01", 0) for i in range(1, 9)]
    codes = auditor_codes(frame(same_month))
    assert list(codes.values()) == [f"Auditor {letters(i)}" for i in range(8)]
    assert list(codes) != sorted(codes)


def test_consistency_hand_worked():
    c = consistency(frame(HAND), MONTHS, auditor_codes(frame(HAND)))
    assert c is not None
    t = c.table.set_index("code")
    assert list(t.index) == ["Auditor A", "Auditor B", "Auditor C"] or list(t.index) == ["Auditor A", "Auditor B", "Auditor D"]
    assert c.left_out == 1  # AU-W: 4 moderated audits
    x, z = t.loc["Auditor A"], t.loc[auditor_codes(frame(HAND))["AU-Z"]]
    assert (x["moderated"], x["raw_mean"]) == (5, 1.0)
    assert [x["shrunk"], x["low"], x["high"]] == pytest.approx([0.86667, 0.32266, 1.41068], abs=5e-5)
    assert [z["shrunk"], z["low"], z["high"]] == pytest.approx([-0.3, -0.84401, 0.24401], abs=5e-5)
    assert bool(x["stands_out"]) and not bool(z["stands_out"])
    assert c.team_mean == pytest.approx(0.2)
    f = c.funnel.set_index("code")
    # Funnel limits at n = 5: 0.2 +- 1.96 sqrt(13/30) / sqrt(5) = 0.2 +- 0.5770.
    assert f.loc["Auditor A", ["lower95", "upper95"]].tolist() == pytest.approx([0.2 - 0.57699, 0.2 + 0.57699], abs=5e-5)


def test_words_name_only_auditors_whose_interval_excludes_zero_and_never_an_id():
    c = consistency(frame(HAND), MONTHS, auditor_codes(frame(HAND)))
    assert c is not None
    text = " ".join(grades_words.auditor_sentences(c.table, c.team_mean, c.left_out, c.months, MIN_MODERATED))
    assert "Auditor A may benefit from a calibration conversation." in text
    assert "Auditor B" not in text and "Auditor C" not in text and "Auditor D" not in text
    assert "AU-" not in text
    assert "From January to March 2021, 3 auditors had 5 or more moderated audits (15 moderated audits in all); 1 other had fewer" in text
    assert "+0.87 steps after allowing for chance; 95% interval +0.32 to +1.41" in text
    table = display.auditor_table(c.table)
    assert table["Auditor"].tolist() == sorted(table["Auditor"])  # code order: never ranked by shift
    assert table.loc[0, "Reading"] == "may benefit from a calibration conversation"


def test_no_one_is_named_when_every_interval_includes_zero():
    rows = [moderated(a, "2021-01", s) for a in ("AU-1", "AU-2") for s in (0, 1, -1, 0, 0)]
    c = consistency(frame(rows), ["2021-01"], auditor_codes(frame(rows)))
    assert c is not None and not c.table["stands_out"].any()
    text = " ".join(grades_words.auditor_sentences(c.table, c.team_mean, c.left_out, c.months, MIN_MODERATED))
    assert "calibration conversation" not in text and "by more than chance would explain" in text


def test_too_few_moderated_audits_and_no_auditor_column():
    few = [moderated("AU-1", "2021-01", 1)] * 4
    c = consistency(frame(few), ["2021-01"], auditor_codes(frame(few)))
    assert c is not None and c.table.empty and c.left_out == 1
    assert "too few" in grades_words.auditor_sentences(c.table, c.team_mean, c.left_out, c.months, MIN_MODERATED)[0]
    blank = frame([{**moderated("", "2021-01", 1)}] * 6)
    assert consistency(blank, ["2021-01"], {}) is None
