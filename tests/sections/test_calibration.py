"""Calibration exercises (issue 17, item 3) on hand-made files: the checks, the figures and the words."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from qa_lib.errors import ValidationFailed
from qa_lib.sections.calibration import display, words
from qa_lib.sections.calibration.figures import AGREEMENT_COLUMNS, compute, contract_table, group_grade
from qa_lib.sections.calibration.load import load_calibration

HEADER = "exercise_id,case_ref,auditor_id,overall_grade,grade_risk,grade_planning\n"


def write(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    path = tmp_path / "calibration.csv"
    path.write_text(header + body, encoding="utf-8")
    return path


# One exercise, two cases, three auditors.
# Case 1 overall: Good, Good, Requires Improvement -> 1 agreeing pair of 3; group grade Good.
# Case 2 overall: Outstanding x 3 -> 3 of 3; group grade Outstanding.
# Exact agreement (mean over cases) = (1/3 + 1) / 2 = 66.7%. Planning: case 1 N/A for R3, so two raters there.
HAND = (
    "Ex 1,Case 1,R1,Good,Good,Good\n"
    "Ex 1,Case 1,R2,Good,Good,Inadequate\n"
    "Ex 1,Case 1,R3,Requires Improvement,Good,N/A\n"
    "Ex 1,Case 2,R1,Outstanding,Outstanding,Good\n"
    "Ex 1,Case 2,R2,Outstanding,Outstanding,Good\n"
    "Ex 1,Case 2,R3,Outstanding,Good,Good\n"
)
CODES = {"R1": "Auditor A", "R2": "Auditor B", "R3": "Auditor C"}


def test_hand_worked_exercise(tmp_path, params):
    data = load_calibration(write(tmp_path, HAND), params)
    assert data.standards == ("risk", "planning") and data.exercises == ["Ex 1"] and data.auditors == ["R1", "R2", "R3"]
    f = compute(data, CODES)
    a = f.agreement.set_index("standard")
    assert (a.at["overall", "cases"], a.at["overall", "raters"]) == (2, 3)
    assert a.at["overall", "exact_agreement_pct"] == pytest.approx(100 * (1 / 3 + 1) / 2)
    # Planning: case 1 has two grades (G, I: no agreeing pair), case 2 three Goods (3 of 3): (0 + 1) / 2 = 50%.
    assert a.at["planning", "exact_agreement_pct"] == pytest.approx(50.0)
    assert (a.at["planning", "cases"], a.at["planning", "raters"]) == (2, 3)
    table = contract_table(f)
    assert table.columns.tolist() == AGREEMENT_COLUMNS
    # Risk: case 1 three Goods (3 of 3), case 2 O, O, G (1 of 3): (1 + 1/3) / 2 = 66.7%.
    assert table["exact_agreement_pct"].tolist() == [66.7, 66.7, 50.0]


def test_steps_from_the_group_grade_are_minus_when_harsher(tmp_path, params):
    """Overall, case 1: group grade Good; R3 gave Requires Improvement: -1 (harsher). Case 2: everyone at the group's grade.
    Risk: case 1 all Good (0 each); case 2 group Outstanding, R3 Good: -1. Planning: case 1 G and I tie with median
    rank 2 (G=1, I=3) equally near: no group grade, left out; case 2 all Good. So R3: overall -1, 0; risk 0, -1;
    planning 0 -> 5 gradings, mean -0.4, 3 of 5 at the group's grade."""
    f = compute(load_calibration(write(tmp_path, HAND), params), CODES)
    c = f.positions[(f.positions["code"] == "Auditor C") & (f.positions["exercise_id"] == "all")].iloc[0]
    assert (c["gradings"], c["at_group"]) == (5, 3)
    assert c["mean_steps"] == pytest.approx(-0.4)
    a = f.positions[(f.positions["code"] == "Auditor A") & (f.positions["exercise_id"] == "all")].iloc[0]
    assert (a["gradings"], a["mean_steps"]) == (5, 0.0)  # planning case 1 left out (a tie)
    assert "R3" not in f.positions.to_string() and "R1" not in f.positions.to_string()


def test_group_grade_ties():
    assert group_grade(pd.Series([1, 1, 2])) == 1
    assert group_grade(pd.Series([0, 0, 2, 2, 3])) == 2  # O and RI tie; the median (RI) settles it
    assert math.isnan(group_grade(pd.Series([1, 1, 3, 3])))  # G and I tie, median between: no group grade
    assert math.isnan(group_grade(pd.Series([float("nan")] * 3)))
    assert math.isnan(group_grade(pd.Series([2, float("nan"), float("nan")])))  # one auditor alone is no group


def test_the_least_consistent_standard_and_the_harsher_auditor_are_named(tmp_path, params):
    """Six cases x four raters. Risk: everyone agrees (graded by case). Planning: raters scatter across grades.
    Rater R4 grades the overall grade one step lower than the rest on every case (an Inadequate case stays so)."""
    rows = []
    for case, rank in enumerate([0, 1, 2, 3, 1, 2], start=1):
        grades = ["Outstanding", "Good", "Requires Improvement", "Inadequate"]
        for r, rater in enumerate(["R1", "R2", "R3", "R4"]):
            overall = grades[min(3, rank + (1 if rater == "R4" else 0))]
            planning = grades[(rank + r * (case % 3)) % 4]
            rows.append(f"Ex,Case {case},{rater},{overall},{grades[rank]},{planning}\n")
    f = compute(
        load_calibration(write(tmp_path, "".join(rows)), params),
        {"R1": "Auditor A", "R2": "Auditor B", "R3": "Auditor C", "R4": "Auditor D"},
    )
    said = " ".join(words.standard_sentences(f, params.short_names))
    assert "too differently to rely on" in said and params.short_names["planning"] in said
    assert params.short_names["risk"] in said.split("too differently")[0]  # risk is among the reliable ones
    d = f.positions[(f.positions["code"] == "Auditor D") & (f.positions["exercise_id"] == "Ex")].iloc[0]
    assert d["mean_steps"] < 0  # R4 graded the overall grade lower than the group on every case


def test_words_name_only_auditors_half_a_step_away(tmp_path, params):
    positions = pd.DataFrame(
        {
            "code": ["Auditor A", "Auditor B", "Auditor C"],
            "exercise_id": ["all"] * 3,
            "gradings": [40, 40, 8],
            "at_group": [30, 10, 1],
            "mean_steps": [-0.2, -0.6, 0.9],
            "pct_at_group": [75.0, 25.0, 12.5],
        }
    )
    said = " ".join(words.auditor_sentences(positions))
    assert "Auditor B graded lower (harsher) than the group on average: −0.60 steps over 40 gradings" in said
    assert "Auditor B may benefit from a calibration conversation." in said
    assert "Auditor A" not in said and "Auditor C" not in said  # C: too few gradings to read


def test_trend_words(tmp_path, params):
    two = HAND + HAND.replace("Ex 1", "Ex 2").replace("R3,Requires Improvement", "R3,Good")
    f = compute(load_calibration(write(tmp_path, two), params), CODES)
    said = " ".join(words.trend_sentences(f, params.short_names))
    assert "Agreement on the overall grade rose from alpha" in said and "in Ex 1 to 1.00 in Ex 2" in said
    assert display.trend_table(f, params.short_names).columns.tolist() == ["Standard", "Ex 1", "Ex 2"]


def problems(tmp_path: Path, params, body: str, header: str = HEADER, children: set[str] | None = None) -> str:
    with pytest.raises(ValidationFailed) as caught:
        load_calibration(write(tmp_path, body, header), params, children)
    return caught.value.report.render()


def test_bad_files_are_refused_with_row_and_column_and_no_id(tmp_path, params):
    text = problems(
        tmp_path,
        params,
        "Ex 1,Case 1,AUD-SECRET-77,Brilliant,Good,Good\n"  # row 2: not a grade
        "Ex 1,Case 1,AUD-SECRET-77,Good,Good,Good\n"  # row 3: the same auditor and case again
        "Ex 1,,AUD-SECRET-78,Good,N/A,Good\n"  # row 4: no case
        "Ex 1,Case 2,AUD-SECRET-78,N/A,Good,Good\n",  # row 5: the overall grade cannot be N/A
    )
    assert "calibration.csv row 2, column overall_grade: not a grade" in text
    assert "row 3, column auditor_id: this auditor already graded this case in this exercise (row 2)" in text
    assert "row 4, column case_ref: blank" in text
    assert "row 5, column overall_grade" in text
    assert "AUD-SECRET" not in text


def test_missing_and_unknown_columns(tmp_path, params):
    text = problems(tmp_path, params, "Ex,Case 1,R1,Good\n", header="exercise_id,case_ref,overall_grade,grade_nonsense\n")
    assert "row 1, column auditor_id: required column missing" in text
    assert "row 1, column grade_nonsense: not a practice standard in params" in text


def test_a_child_id_as_case_ref_is_refused_without_quoting_it(tmp_path, params):
    text = problems(tmp_path, params, "Ex,CH-123456,R1,Good,Good,Good\nEx,CH-123456,R2,Good,Good,Good\n", children={"CH-123456"})
    assert "row 2, column case_ref: is a child's ID from the audits file" in text and "CH-123456" not in text


def test_an_exercise_label_holding_an_auditor_id_or_contact_is_refused(tmp_path, params):
    text = problems(tmp_path, params, "Ex AUD-77 only,Case 1,AUD-77,Good,Good,Good\nEx AUD-77 only,Case 1,AUD-78,Good,Good,Good\n")
    assert "row 2, column exercise_id: holds a child's or an auditor's ID" in text and "AUD-77" not in text
    assert "an auditor's ID, an e-mail address" in problems(tmp_path, params, "ask jo@example.org,Case 1,R1,Good,Good,Good\n")
    # Issue 25: an auditor's ID however it is written (an entity for the hyphen, full-width digits) is refused too.
    for label in ("Ex AUD&#45;77", "Ex ＡＵＤ－７７"):
        said = problems(tmp_path, params, f"{label},Case 1,AUD-77,Good,Good,Good\n{label},Case 1,AUD-78,Good,Good,Good\n")
        assert "holds a child's or an auditor's ID" in said and "77" not in said.split("exercise_id")[-1]
    formula = problems(tmp_path, params, '"=HYPERLINK(""http://x"")",Case 1,R1,Good,Good,Good\n')
    assert "row 2, column exercise_id: starts with = + - or @, which a spreadsheet runs as a formula" in formula


def test_blank_rows_are_counted_as_rejected(tmp_path, params):
    data = load_calibration(write(tmp_path, HAND + ",,,,,\n"), params)
    assert (data.rows_read, len(data.frame), data.rejected) == (7, 6, [8])
    f = compute(data, CODES)
    assert (f.rows_read, f.rows_used, f.rows_rejected) == (7, 6, 1)
    assert "Rows read: 7; used: 6 and 1 blank row set aside." in " ".join(words.summary_sentences(f))


def test_validate_checks_a_calibration_file(tmp_path, monkeypatch, capsys):
    from helpers import run_cli

    good = write(tmp_path, HAND)
    code, out = run_cli(monkeypatch, capsys, "validate", "--calibration", str(good))
    assert code == 0 and "calibration.csv: 6 rows read, 6 used, 0 rejected (blank); 1 exercise(s), 3 auditor(s); no problems found." in out
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "Ex,Case 1,AU-SECRET-1,Good,Superb,Good\n", encoding="utf-8")
    code, out = run_cli(monkeypatch, capsys, "validate", "--calibration", str(bad))
    assert code == 1 and "bad.csv row 2, column grade_risk: not a grade" in out and "AU-SECRET-1" not in out


def test_calibrate_refuses_unsafe_output_folders_and_missing_files(tmp_path, monkeypatch, capsys):
    """Refused before any notebook runs: nothing is written, and the message says what to do."""
    from helpers import REPO, run_cli

    demo = str(REPO / "params" / "demo.yml")
    out = tmp_path / "report"
    out.mkdir()
    inside = write(out, HAND)
    code, said = run_cli(monkeypatch, capsys, "calibrate", "--params", demo, "--calibration", str(inside), "--out", str(out))
    assert code == 1 and "is inside the output folder" in said
    (out / "calibration.csv").unlink()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    code, said = run_cli(monkeypatch, capsys, "calibrate", "--params", demo, "--calibration", str(write(tmp_path, HAND)), "--out", str(out))
    assert code == 1 and "is not a qa-pack run folder" in said and (out / "notes.txt").read_text() == "mine"
    code, said = run_cli(
        monkeypatch, capsys, "calibrate", "--params", demo, "--calibration", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "new")
    )
    assert code == 1 and "nope.csv: file not found" in said and "Traceback" not in said and not (tmp_path / "new").exists()
