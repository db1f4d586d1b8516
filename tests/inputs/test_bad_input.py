"""Bad audits files: each has one defect; `qa-pack validate` names file, row, column and what was expected."""

from __future__ import annotations

import subprocess
import sys

import pytest

from helpers import HEADER, row, run_cli, write_rows


def good_rows(n: int = 6) -> list[dict[str, str]]:
    return [row(audit_id=f"A{k}", child_id=f"CH-{k}", social_worker_id=f"SW-{k}") for k in range(1, n + 1)]


def with_defect(rows: list[dict[str, str]], index: int, **change: str) -> list[dict[str, str]]:
    rows[index].update(change)
    return rows


# (name, rows, spreadsheet row, column as typed, words the message must contain)
CASES = [
    (
        "grade typo",
        with_defect(good_rows(), 4, grade_voice="Excelent"),
        6,
        "grade_voice",
        "a value (not shown: it may identify someone) is not a grade; expected Outstanding, Good, Requires Improvement, Inadequate or N/A",
    ),
    ("grade near miss", with_defect(good_rows(), 0, overall_grade="Goood"), 2, "overall_grade", "did you mean 'Good'?"),
    ("N/A overall", with_defect(good_rows(), 1, overall_grade="N/A"), 3, "overall_grade", "'N/A' is not a grade"),
    ("bad month", with_defect(good_rows(), 2, audit_month="Oct-21"), 4, "audit_month", "'Oct-21' is not a month; expected YYYY-MM"),
    ("impossible date", with_defect(good_rows(), 2, audit_month="2021-02-30"), 4, "audit_month", "is not a month"),
    ("month 13", with_defect(good_rows(), 5, audit_month="2021-13"), 7, "audit_month", "'2021-13' is not a month"),
    ("unknown area", with_defect(good_rows(), 3, service_area="CCHD"), 5, "service_area", "did you mean 'CCHDT'?"),
    ("unknown cohort", with_defect(good_rows(), 0, cohort="child protection"), 2, "cohort", "is not a cohort in params"),
    ("bad status", with_defect(good_rows(), 1, status="sent"), 3, "status", "expected returned, not_returned or exempt"),
    (
        "duplicate audit id",
        with_defect(good_rows(), 5, audit_id="A2"),
        7,
        "audit_id",
        "a duplicated audit_id (rows 3 and 7); expected each audit_id only once",
    ),
    ("blank child id", with_defect(good_rows(), 2, child_id=""), 4, "child_id", "blank is not allowed"),
    (
        "participation missing on returned",
        with_defect(good_rows(), 3, sw_participated=""),
        5,
        "sw_participated",
        "blank on a returned audit; expected yes or no",
    ),
    (
        "participation not yes/no",
        with_defect(good_rows(), 3, sw_participated="maybe"),
        5,
        "sw_participated",
        "a value (not shown: it may identify someone) is not yes or no",
    ),
    ("overall grade missing on returned", with_defect(good_rows(), 0, overall_grade=""), 2, "overall_grade", "blank on a returned audit"),
    (
        "moderated without grade",
        with_defect(good_rows(), 4, moderated="yes", moderated_grade=""),
        6,
        "moderated_grade",
        "blank although moderated is yes",
    ),
    (
        "bad moderated flag",
        with_defect(good_rows(), 4, moderated="perhaps"),
        6,
        "moderated",
        "a value (not shown: it may identify someone) is not yes or no",
    ),
]


@pytest.mark.parametrize("name,rows,line,column,words", CASES, ids=[c[0] for c in CASES])
def test_one_defect(tmp_path, monkeypatch, capsys, name, rows, line, column, words):
    path = write_rows(tmp_path / "audits.csv", rows)
    code, text = run_cli(monkeypatch, capsys, "validate", str(path))
    assert code == 1
    assert f"audits.csv row {line}, column {column}: " in text
    assert words in text
    assert "Traceback" not in text
    assert "1 problem found in 6 rows" in text


def test_missing_column_is_row_1_with_a_suggestion(tmp_path, monkeypatch, capsys):
    header = [h if h != "grade_voice" else "grade_vioce" for h in HEADER]
    rows = [{("grade_vioce" if k == "grade_voice" else k): v for k, v in r.items()} for r in good_rows()]
    code, text = run_cli(monkeypatch, capsys, "validate", str(write_rows(tmp_path / "audits.csv", rows, header)))
    assert code == 1 and "audits.csv row 1, column grade_voice: missing" in text and "did you mean 'grade_vioce'?" in text
    assert "Traceback" not in text


def test_header_typed_differently_is_accepted_and_quoted_as_typed(tmp_path, monkeypatch, capsys):
    header = ["Audit ID" if h == "audit_id" else "Service Area" if h == "service_area" else h for h in HEADER]
    rows = [list(row(audit_id="A1").values()), list(row(audit_id="A1", child_id="CH-2", social_worker_id="SW-2").values())]
    path = tmp_path / "audits.csv"
    path.write_text("\n".join(",".join(r) for r in [header, *rows]) + "\n")
    code, text = run_cli(monkeypatch, capsys, "validate", str(path))
    # "Audit ID" and "Service Area" are read as audit_id and service_area; the problem names the column as typed.
    assert code == 1 and "audits.csv row 3, column Audit ID: a duplicated audit_id (rows 2 and 3)" in text and "missing" not in text


def test_a_near_miss_header_is_missing_with_a_suggestion(tmp_path, monkeypatch, capsys):
    header = ["Audit-Ident" if h == "audit_id" else h for h in HEADER]
    path = tmp_path / "audits.csv"
    path.write_text(",".join(header) + "\n" + ",".join(row().values()) + "\n")
    code, text = run_cli(monkeypatch, capsys, "validate", str(path))
    assert code == 1 and "row 1, column audit_id: missing" in text and "did you mean 'audit-ident'?" in text


def test_all_problems_in_one_pass_sorted_by_row(tmp_path, monkeypatch, capsys):
    rows = good_rows()
    rows[4].update(status="sent", grade_risk="x")
    rows[1].update(cohort="zzz")
    code, text = run_cli(monkeypatch, capsys, "validate", str(write_rows(tmp_path / "audits.csv", rows)))
    lines = [ln for ln in text.splitlines() if " row " in ln]
    assert code == 1 and "3 problems found" in text
    assert [ln.split(",")[0] for ln in lines] == ["audits.csv row 3", "audits.csv row 6", "audits.csv row 6"]


def test_thousands_of_errors_are_capped(tmp_path, monkeypatch, capsys):
    rows = [row(audit_id=f"A{k}", grade_voice="Excelent") for k in range(3000)]
    code, text = run_cli(monkeypatch, capsys, "validate", str(write_rows(tmp_path / "audits.csv", rows)))
    assert code == 1 and "3000 problems found in 3000 rows" in text
    assert text.count("a value (not shown: it may identify someone) is not a grade") == 50
    assert "... and 2950 more problems not shown" in text
    assert "row 3001, column grade_voice" not in text
    code, text = run_cli(monkeypatch, capsys, "validate", "--max-errors", "0", str(write_rows(tmp_path / "audits.csv", rows)))
    assert text.count("a value (not shown: it may identify someone) is not a grade") == 3000


@pytest.mark.parametrize(
    "content,words",
    [
        (b"", "the file is empty"),
        (",".join(HEADER).encode() + b"\n", "no audit rows"),
        (b"\x81\x8d\x8f\x90\x9d not text", "expected UTF-8 or Windows-1252"),
        (b"a,b\n1,2\n1,2,3,4\n", "not a well-formed CSV file (Expected 2 fields in row 3, saw 4)"),
        (b"a,b\n1,2,3,4\n", "not a well-formed CSV file (Expected 2 fields in row 2, saw 4)"),
    ],
)
def test_unreadable_files(tmp_path, monkeypatch, capsys, content, words):
    path = tmp_path / "audits.csv"
    path.write_bytes(content)
    code, text = run_cli(monkeypatch, capsys, "validate", str(path))
    assert code == 1 and words in text and "Traceback" not in text


def test_missing_file_and_wrong_type(tmp_path, monkeypatch, capsys):
    code, text = run_cli(monkeypatch, capsys, "validate", str(tmp_path / "nope.csv"))
    assert code == 1 and "file not found" in text
    (tmp_path / "a.pdf").write_bytes(b"%PDF")
    code, text = run_cli(monkeypatch, capsys, "validate", str(tmp_path / "a.pdf"))
    assert code == 1 and "this is a PDF file; save it as .xlsx or CSV (UTF-8)" in text and "Traceback" not in text


def test_good_file_passes_and_reports_counts(tmp_path, monkeypatch, capsys):
    code, text = run_cli(monkeypatch, capsys, "validate", str(write_rows(tmp_path / "audits.csv", good_rows(3))))
    assert code == 0
    assert "3 rows read, 3 used, 0 rejected; no problems found" in text


def test_console_script_exit_status_without_traceback(tmp_path):
    """The installed `qa-pack` command itself, in a fresh process."""
    path = write_rows(tmp_path / "audits.csv", with_defect(good_rows(), 2, grade_family="Grate"))
    exe = __import__("shutil").which("qa-pack", path=str(__import__("pathlib").Path(sys.executable).parent))
    proc = subprocess.run([exe, "validate", str(path)], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "audits.csv row 4, column grade_family: a value (not shown: it may identify someone) is not a grade" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
