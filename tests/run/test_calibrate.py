"""`qa-pack calibrate` and `qa-pack auditors` end to end (issue 17): the demo's two exercises, published like a run;
auditors by code only, their IDs nowhere but the key the QA lead asks for; the highlight report, the e-mail's
headlines and wider packs carry no auditor-level figure."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pandas as pd
import pytest

from helpers import REPO, qa_pack

DEMO = str(REPO / "params" / "demo.yml")
CODE = re.compile(r"Auditor [A-Z]{1,2}\b")


@pytest.fixture(scope="module")
def calibration_csv(demo_csv) -> Path:
    return demo_csv.with_name("calibration.csv")  # written beside the demo audits by qa-pack demo


@pytest.fixture(scope="module")
def calibrated(demo_csv, calibration_csv, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("calibration") / "report"
    proc = qa_pack(
        "calibrate", "--params", DEMO, "--audits", str(demo_csv), "--calibration", str(calibration_csv), "--out", str(out), "--quiet"
    )
    assert proc.returncode == 0, proc.stderr
    assert f"Calibration report written to {out}" in proc.stdout
    return out


def auditor_ids(demo_csv: Path, calibration_csv: Path) -> set[str]:
    audits = pd.read_csv(demo_csv, dtype=str, keep_default_na=False)["auditor_id"]
    return {a for a in [*audits, *pd.read_csv(calibration_csv, dtype=str)["auditor_id"]] if a}


pytestmark = pytest.mark.slow


def harsher_code(demo_csv) -> str:
    """The code the reports show for the demo's harsher auditor: drawn from this install's secret (the tests'
    own key), so found as the reports find it, never assumed."""
    from qa_lib.inputs.demo import HARSHER
    from qa_lib.sections.grades.auditors import auditor_codes

    return auditor_codes(pd.read_csv(demo_csv, dtype=str, keep_default_na=False))[HARSHER]


def test_calibration_report_and_table(calibrated, demo_csv):
    harsh = harsher_code(demo_csv)
    table = pd.read_csv(calibrated / "tables" / "calibration_agreement.csv")
    assert table.columns.tolist() == ["exercise_id", "standard", "cases", "raters", "alpha_ordinal", "ac2_ordinal", "exact_agreement_pct"]
    assert len(table) == 2 * 10  # two exercises x (overall + nine standards)
    assert set(table["cases"]) == {6} and set(table["raters"]) == {8}
    latest = table[table["exercise_id"] == "Calibration December 2021"].set_index("standard")
    assert latest["alpha_ordinal"].idxmin() == "planning"  # the demo's less consistent standard
    html = (calibrated / "calibration.html").read_text(encoding="utf-8")
    assert "<script" not in html.lower() and not re.search(r"(src|href)=[\"']?(https?:)?//", html, re.I)
    assert len(re.findall(r"<img [^>]*alt=", html)) == 3
    assert f"{harsh} graded lower (harsher) than the group on average" in html  # the demo's harsher auditor
    assert f"{harsh} may benefit from a calibration conversation." in html
    assert "Agreement on the overall grade rose from alpha" in html


def test_auditor_ids_appear_in_no_calibration_output(calibrated, demo_csv, calibration_csv):
    ids = auditor_ids(demo_csv, calibration_csv)
    for path in [p for p in calibrated.rglob("*") if p.is_file()]:
        text = path.read_text(encoding="utf-8")
        assert not [a for a in ids if a in text], path.name


def test_a_bad_calibration_file_leaves_the_last_report_untouched(calibrated, demo_csv, tmp_path):
    before = (calibrated / "calibration.html").read_bytes()
    bad = tmp_path / "bad.csv"
    bad.write_text("exercise_id,case_ref,auditor_id,overall_grade\nEx,Case 1,AU-SECRET-5,Splendid\n", encoding="utf-8")
    proc = qa_pack("calibrate", "--params", DEMO, "--audits", str(demo_csv), "--calibration", str(bad), "--out", str(calibrated))
    assert proc.returncode == 1
    assert "bad.csv row 2, column overall_grade: not a grade" in proc.stderr
    assert "AU-SECRET-5" not in proc.stderr + proc.stdout and "Traceback" not in proc.stderr
    assert (calibrated / "calibration.html").read_bytes() == before


def test_the_key_is_written_only_where_asked_and_only_for_the_qa_lead(calibrated, demo_csv, calibration_csv, tmp_path):
    key = tmp_path / "private" / "auditor_key.csv"
    key.parent.mkdir()
    proc = qa_pack("auditors", "--params", DEMO, "--audits", str(demo_csv), "--calibration", str(calibration_csv), "--key", str(key))
    assert proc.returncode == 0, proc.stderr
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    rows = pd.read_csv(key, dtype=str)
    assert rows.columns.tolist() == ["code", "auditor_id"]
    assert rows.set_index("auditor_id").at["AU-03", "code"] == harsher_code(demo_csv)  # the code the reports show for the harsher auditor
    assert set(rows["auditor_id"]) == auditor_ids(demo_csv, calibration_csv)
    inside = qa_pack("auditors", "--params", DEMO, "--audits", str(demo_csv), "--key", str(calibrated / "key.csv"))
    assert inside.returncode == 1 and "inside the report folder" in inside.stderr and not (calibrated / "key.csv").exists()


def test_auditor_consistency_is_in_the_grades_report_only(published, demo_csv):
    grades = (published / "grades.html").read_text(encoding="utf-8")
    assert f"{harsher_code(demo_csv)} may benefit from a calibration conversation." in grades  # against the team: one auditor
    for name in ("highlight_report.html", "compliance.html", "comparators.html", "themes.html", "headlines.json"):
        text = (published / name).read_text(encoding="utf-8")
        assert not CODE.search(text) and "calibration conversation" not in text, name
    for table in (published / "tables").glob("*.csv"):
        assert not CODE.search(table.read_text(encoding="utf-8")), table.name


def test_the_auditors_table_follows_the_keys_rules(calibrated, demo_csv, calibration_csv, tmp_path):
    """`qa-pack auditors --table`: every auditor by code, never an ID, mode 0600; never inside a report folder,
    never over a file the pack did not write; and the command asks for --key or --table."""
    table = tmp_path / "private" / "auditors.csv"
    proc = qa_pack("auditors", "--params", DEMO, "--audits", str(demo_csv), "--table", str(table))
    assert proc.returncode == 0, proc.stderr
    rows = pd.read_csv(table, dtype=str)
    assert stat.S_IMODE(table.stat().st_mode) == 0o600
    assert rows.columns.tolist() == ["code", "moderated_band", "raw_mean", "difference", "low", "high", "stands_out"]
    assert len(rows) == 14 and rows["code"].str.fullmatch(r"Auditor [A-Z]+").all()  # the demo's 14 auditors, by code
    assert rows.set_index("code").at[harsher_code(demo_csv), "stands_out"] == "True"
    assert not any(a in table.read_text(encoding="utf-8") for a in auditor_ids(demo_csv, calibration_csv))
    theirs = tmp_path / "private" / "theirs.csv"
    theirs.write_text("someone else's\n", encoding="utf-8")
    over = qa_pack("auditors", "--params", DEMO, "--audits", str(demo_csv), "--table", str(theirs))
    assert over.returncode == 1 and "was not written by qa-pack auditors" in over.stderr
    assert theirs.read_text(encoding="utf-8") == "someone else's\n"
    inside = qa_pack("auditors", "--params", DEMO, "--audits", str(demo_csv), "--table", str(calibrated / "auditors.csv"))
    assert inside.returncode == 1 and "inside the report folder" in inside.stderr and not (calibrated / "auditors.csv").exists()
    neither = qa_pack("auditors", "--params", DEMO, "--audits", str(demo_csv))
    assert neither.returncode == 2 and "give --key FILE, --table FILE or both" in neither.stderr
