"""changes.csv on a hand-worked table: Fisher p from R, Benjamini-Hochberg q worked by hand."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from qa_lib.figures.claims import family_size, report_family
from qa_lib.run.changes import COLUMNS, first_to_last, month_on_month
from qa_lib.sections.standards.figures import changes, trends


def table() -> pd.DataFrame:
    # risk: 7/10 -> 3/10 (R: fisher.test(matrix(c(3,7,7,3),2)) p = 0.1789); voice: 11/14 -> 1/9 (p = 0.002759).
    rows = [("2021-10", "risk", 10, 7), ("2021-11", "risk", 10, 3), ("2021-10", "voice", 14, 11), ("2021-11", "voice", 9, 1)]
    t = pd.DataFrame(rows, columns=["audit_month", "standard", "graded", "good_or_outstanding"])
    t["requires_improvement"] = t["graded"] - t["good_or_outstanding"]
    t["inadequate"] = 0
    for col in ("good_or_outstanding", "requires_improvement", "inadequate"):
        t[f"pct_{col}"] = 100 * t[col] / t["graded"]
    return t


def test_month_on_month_family_hand_worked():
    months = ["2021-10", "2021-11"]
    std, _, _ = report_family(SimpleNamespace(moves=changes(table(), months), trends=trends(table(), months)), SimpleNamespace(cohorts=()))
    moves = std.moves
    raw = month_on_month(table(), moves)
    assert list(raw.columns) == COLUMNS
    assert raw["measure"].tolist() == ["good_or_outstanding"] * 2 + ["requires_improvement"] * 2
    out = raw[raw["measure"] == "good_or_outstanding"].set_index("standard")
    assert out.at["risk", "p_value"] == pytest.approx(0.1789, abs=1e-4)
    assert out.at["voice", "p_value"] == pytest.approx(0.002759, abs=1e-6)
    # Two tests in the family: q(voice) = 0.002759 x 2 / 1 = 0.005518; q(risk) = 0.1789 x 2 / 2 = 0.1789.
    assert out.at["voice", "q_value"] == pytest.approx(0.005518, abs=1e-5)
    assert out.at["risk", "q_value"] == pytest.approx(0.1789, abs=1e-4)
    # The report's one family: here the same two splits are tested three times (G/O, RI = graded - G/O, and first
    # to last, which with two months is the same pair), six tests: q_report(voice) = 0.002759 x 6 / 3 = 0.005518,
    # q_report(risk) = 0.1789 x 6 / 6 = 0.1789.
    assert out.at["voice", "q_report"] == pytest.approx(0.005518, abs=1e-5)
    assert out.at["risk", "q_report"] == pytest.approx(0.1789, abs=1e-4)
    assert out.at["voice", "beyond_chance"] == "true" and out.at["risk", "beyond_chance"] == "false"
    last = first_to_last(table(), std.trends).set_index("standard")
    assert last["family"].unique().tolist() == ["first_to_last"]
    assert last.at["voice", "q_report"] == pytest.approx(0.005518, abs=1e-5) and last.at["voice", "beyond_chance"] == "true"
    assert std.trends.set_index("standard").at["voice", "reading"] == "declined"
    assert (out.at["voice", "from_count"], out.at["voice", "to_count"]) == (11, 1)
    assert out.at["risk", "change_points"] == pytest.approx(-40.0)
    marks = moves.set_index("standard")["go_mark"]
    assert marks["voice"] == "↓" and marks["risk"] == "≈"


def test_agreement_changes_join_the_report_family_hand_worked():
    """The six tests above plus one agreement change of p = 0.03 (a seventh). It ranks fourth, after voice's three
    p of 0.002759 and before risk's three of 0.1789: q_report = 0.03 x 7 / 4 = 0.0525, above 0.05, so its words
    say chance could explain it, though its own p is under 0.05."""
    months = ["2021-10", "2021-11"]
    std = SimpleNamespace(moves=changes(table(), months), trends=trends(table(), months))
    grades = SimpleNamespace(agreement_changes=pd.DataFrame({"p": [0.03], "change": [20.0]}))
    s, _, g = report_family(std, SimpleNamespace(cohorts=()), grades)
    assert g.agreement_changes["q_report"].iloc[0] == pytest.approx(0.0525, abs=1e-9)
    assert family_size(s, SimpleNamespace(cohorts=()), g) == 7
    voice = s.moves.set_index("standard").at["voice", "go_q_report"]
    assert voice == pytest.approx(0.002759 * 7 / 3, abs=1e-5)  # the family grew: every q moved with it


def test_agreement_rows_in_changes_csv_hand_worked():
    """Two agreement changes of p 0.01 and 0.04: within their family BH gives q 0.02 (0.01 x 2 / 1) and 0.04
    (0.04 x 2 / 2), set beside them by the report's family; the report-wide q is carried as the report computed
    it, and beyond_chance follows it."""
    from qa_lib.run.changes import agreement

    frame = pd.DataFrame(
        {
            "previous_month": ["2021-10", "2021-11"],
            "audit_month": ["2021-11", "2021-12"],
            "previous_agreed": [12, 25],
            "previous_moderated": [15, 37],
            "previous_agreement": [80.0, 67.6],
            "agreed": [25, 15],
            "moderated": [37, 20],
            "agreement": [67.6, 75.0],
            "change": [-12.4, 7.4],
            "p": [0.01, 0.04],
        }
    )
    std = SimpleNamespace(moves=changes(table(), ["2021-10", "2021-11"]), trends=trends(table(), ["2021-10", "2021-11"]))
    _, _, grades = report_family(std, SimpleNamespace(cohorts=()), SimpleNamespace(agreement_changes=frame))
    rows = agreement(grades.agreement_changes.assign(q_report=[0.03, 0.2]))  # report-wide q as if among many more tests
    assert list(rows.columns) == COLUMNS and rows["family"].unique().tolist() == ["agreement"]
    first = rows.iloc[0]
    assert (first["from_count"], first["from_graded"], first["to_count"], first["to_graded"]) == (12, 15, 25, 37)
    assert rows["q_value"].tolist() == pytest.approx([0.02, 0.04])
    assert rows["beyond_chance"].tolist() == ["true", "false"]
