"""Audit forms out and returns in (issue 28, data contract section 7): a sample's forms filled through their
defined names with hand-chosen values come back as exactly those values; hostile forms each get their own
message, nothing is written, and no message holds a value."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import stat
import subprocess
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from helpers import REPO, run_cli
from qa_lib.inputs.forms import FormsInvalid, collect
from qa_lib.inputs.params import load_params

PARAMS = load_params(REPO / "params" / "demo.yml")
STANDARDS = list(PARAMS.standards)


def sample_file(folder: Path, n: int = 5, month: str = "2022-01") -> Path:
    rows = []
    for i in range(1, n + 1):
        rows.append(
            {
                "audit_id": f"{month}-cin-{i:03d}",
                "audit_month": month,
                "cohort": "cin",
                "child_id": f"CH-90000{i}",
                "social_worker_id": f"SW-70{i}",
                "service_area": "East",
                "status": "not_returned",
                "team": "East team 1",
                "auditor_id": f"AU-0{i}",
                "date_distributed": f"{month}-03",
            }
        )
    path = folder / "sample.csv"
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def fill(path: Path, values: Mapping[str, str | None]) -> None:
    """What an auditor does: type into the cells the defined names point at."""
    book = load_workbook(path)
    for column, value in values.items():
        sheet, ref = next(iter(book.defined_names[f"qa_{column}"].destinations))
        book[sheet][ref.replace("$", "")] = value
    book.save(path)


RETURNED = {
    "status": "returned",
    "sw_participated": "no",
    "non_participation_reason": "Social worker on leave",
    "overall_grade": "Requires Improvement",
    **{
        f"grade_{k}": g
        for k, g in zip(
            STANDARDS,
            ["Outstanding", "Good", "Requires Improvement", "Inadequate", "N/A", "Good", "Good", "Inadequate", "Requires Improvement"],
        )
    },
    "comment_voice": "Direct work is clear.",
    "strengths": "Chronology up to date.",
    "learning": "Plans need SMART actions.",
    "date_returned": "2022-01-20",
    "moderated": "yes",
    "moderated_grade": "Inadequate",
}


@pytest.fixture()
def forms(tmp_path, monkeypatch, capsys) -> tuple[Path, Path]:
    sample = sample_file(tmp_path / "private")
    out = tmp_path / "private" / "forms"
    code, text = run_cli(monkeypatch, capsys, "forms", "--sample", str(sample), "--out", str(out))
    assert code == 0, text
    return sample, out


def test_forms_are_private_named_by_audit_and_carry_every_field(forms):
    _sample, out = forms
    names = sorted(p.name for p in out.glob("*.xlsx"))
    assert names == [f"2022-01-cin-00{i}.xlsx" for i in range(1, 6)]
    assert stat.S_IMODE(out.stat().st_mode) == 0o700 and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in out.glob("*.xlsx"))
    book = load_workbook(out / names[0])
    assert {"qa_audit_id", "qa_child_id", "qa_status", "qa_overall_grade", "qa_moderated_grade"} <= set(book.defined_names)
    assert all(f"qa_grade_{k}" in book.defined_names for k in STANDARDS)
    ws = book["Audit form"]
    assert ws.protection.sheet and book["qa-pack"].sheet_state == "hidden"
    sheet, ref = next(iter(book.defined_names["qa_child_id"].destinations))
    assert book[sheet][ref.replace("$", "")].value == "CH-900001" and book[sheet][ref.replace("$", "")].protection.locked
    sheet, ref = next(iter(book.defined_names["qa_overall_grade"].destinations))
    assert not book[sheet][ref.replace("$", "")].protection.locked
    lists = [dv.formula1 for dv in ws.data_validations.dataValidation]
    assert '"Outstanding,Good,Requires Improvement,Inadequate,N/A"' in lists and '"returned,exempt"' in lists


def test_a_round_trip_gives_back_exactly_what_was_filled(forms, tmp_path, monkeypatch, capsys):
    sample, out = forms
    fill(out / "2022-01-cin-001.xlsx", RETURNED)
    fill(out / "2022-01-cin-002.xlsx", {"status": "exempt", "exemption_reason": "Case closed before the audit"})
    fill(out / "2022-01-cin-003.xlsx", {"comment_voice": "Started, not finished"})  # no status: not returned
    (out / "2022-01-cin-004.xlsx").rename(out / "my audit (final) v2.xlsx")  # renamed by its auditor, not filled
    (out / "~$2022-01-cin-005.xlsx").write_bytes(b"lock")
    audits, chase = tmp_path / "private" / "audits.csv", tmp_path / "private" / "chase.csv"
    code, text = run_cli(monkeypatch, capsys, "collect", str(out), "--sample", str(sample), "--out", str(audits), "--chase", str(chase))
    assert code == 0, text
    assert "5 forms read: 1 returned, 1 exempt, 3 outstanding; 1 lock files skipped; 0 problems" in text
    assert not any(planted in text for planted in ("CH-90000", "SW-70", "AU-0", "Direct work"))  # counts only on screen
    got = pd.read_csv(audits, dtype=str, keep_default_na=False)
    assert list(got["audit_id"]) == [f"2022-01-cin-00{i}" for i in range(1, 6)]  # the sample's order
    first = got.iloc[0]
    for column, value in RETURNED.items():
        assert first[column] == value, column
    assert first["child_id"] == "CH-900001" and first["auditor_id"] == "AU-01"
    assert got.iloc[1]["status"] == "exempt" and got.iloc[1]["exemption_reason"] == "Case closed before the audit"
    assert list(got["status"][2:]) == ["not_returned"] * 3
    waiting = pd.read_csv(chase, dtype=str)
    assert list(waiting["audit_id"]) == ["2022-01-cin-003", "2022-01-cin-004", "2022-01-cin-005"]
    days = (dt.date.today() - dt.date(2022, 1, 3)).days
    assert set(waiting["days_outstanding"].astype(int)) == {days}
    assert stat.S_IMODE(audits.stat().st_mode) == 0o600 and stat.S_IMODE(chase.stat().st_mode) == 0o600
    # the result passes the audits file's own checks
    code, text = run_cli(monkeypatch, capsys, "validate", str(audits), "--params", str(REPO / "params" / "demo.yml"))
    assert code == 0, text


def test_hostile_forms_each_get_their_message_and_nothing_is_written(forms, tmp_path):
    sample, out = forms
    fill(out / "2022-01-cin-001.xlsx", {**RETURNED, "grade_voice": "Excellent"})  # typed over the drop-down
    fill(out / "2022-01-cin-002.xlsx", {**RETURNED, "overall_grade": None})  # returned without an overall grade
    fill(out / "2022-01-cin-003.xlsx", {**RETURNED, "child_id": "CH-123456"})  # a prefilled field changed
    shutil.copy(out / "2022-01-cin-004.xlsx", out / "copy of 2022-01-cin-004.xlsx")  # two forms for one audit
    fill(
        out / "2022-01-cin-005.xlsx",
        {**RETURNED, "comment_records": '=HYPERLINK("https://x.example","click")', "learning": "x" * 10_000_000},
    )
    other = sample_file(tmp_path / "other", n=1, month="2021-12")
    from qa_lib.sections.sampling.forms import write_forms

    write_forms(pd.read_csv(other, dtype=str, keep_default_na=False), tmp_path / "other" / "forms", PARAMS)
    shutil.copy(tmp_path / "other" / "forms" / "2021-12-cin-001.xlsx", out / "december.xlsx")  # another month's sample
    (out / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0old excel")
    (out / "notes.xlsx").write_text("not a workbook at all", encoding="utf-8")
    (out / "locked.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)  # an encrypted workbook is an OLE file
    with pytest.raises(FormsInvalid) as err:
        collect(out, pd.read_csv(sample, dtype=str, keep_default_na=False), PARAMS)
    message = str(err.value)
    expected = [
        "2022-01-cin-001.xlsx: field Grade: Children's voices",
        "not one of the list",
        "2022-01-cin-002.xlsx: field Overall grade (Audit form!B",
        "blank on a returned form",
        "2022-01-cin-003.xlsx: prefilled fields changed: Child ID (Audit form!B",
        "copy of 2022-01-cin-004.xlsx: a second form for the same audit (also 2022-01-cin-004.xlsx)",
        "2022-01-cin-005.xlsx: field Comment: Case records are correct and up to date (Audit form!B",
        "a formula; expected text typed in",
        "expected at most 5000",
        "december.xlsx: field Audit ID (Audit form!B",
        "not an audit in this sample",
        "old.xls: an old .xls workbook",
        "notes.xlsx: not a readable .xlsx workbook",
        "locked.xlsx: not a readable .xlsx workbook",
    ]
    for words in expected:
        assert words in message, (words, message)
    for value in ("Excellent", "CH-123456", "HYPERLINK", "xxxxxxxxxx", "CH-900001", "SW-701", "AU-01"):
        assert value not in message, value
    assert not (tmp_path / "private" / "audits.csv").exists()


def test_skip_invalid_counts_the_bad_forms_as_not_returned(forms, tmp_path, monkeypatch, capsys):
    sample, out = forms
    fill(out / "2022-01-cin-001.xlsx", RETURNED)
    fill(out / "2022-01-cin-002.xlsx", {**RETURNED, "grade_voice": "Excellent"})
    audits = tmp_path / "private" / "audits.csv"
    code, text = run_cli(monkeypatch, capsys, "collect", str(out), "--sample", str(sample), "--out", str(audits))
    assert code == 1 and "nothing was written" in text and not audits.exists()
    code, text = run_cli(monkeypatch, capsys, "collect", str(out), "--sample", str(sample), "--out", str(audits), "--skip-invalid")
    assert code == 0 and "Counted as not returned (--skip-invalid): 2022-01-cin-002.xlsx" in text
    got = pd.read_csv(audits, dtype=str, keep_default_na=False)
    assert list(got["status"][:2]) == ["returned", "not_returned"]


def test_forms_are_never_written_into_a_report_folder_or_over_someone_elses_files(tmp_path, monkeypatch, capsys):
    sample = sample_file(tmp_path / "private")
    report = tmp_path / "report"
    report.mkdir()
    (report / "manifest.json").write_text("{}", encoding="utf-8")
    code, text = run_cli(monkeypatch, capsys, "forms", "--sample", str(sample), "--out", str(report / "forms"))
    assert code == 1 and "never written into a report folder" in text
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine", encoding="utf-8")
    code, text = run_cli(monkeypatch, capsys, "forms", "--sample", str(sample), "--out", str(mine))
    assert code == 1 and "holds files qa-pack forms did not write" in text and (mine / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_the_demo_cycle_fills_forms_and_collect_catches_the_mistyped_grade(tmp_path, monkeypatch, capsys):
    sample = sample_file(tmp_path / "private", n=12)
    out = tmp_path / "private" / "forms"
    assert run_cli(monkeypatch, capsys, "forms", "--sample", str(sample), "--out", str(out))[0] == 0
    code, text = run_cli(monkeypatch, capsys, "demo", "--fill-forms", str(tmp_path))
    assert code == 1 and "not a folder qa-pack forms wrote" in text  # only the demo's own forms are filled
    code, text = run_cli(monkeypatch, capsys, "demo", "--fill-forms", str(out))
    assert code == 0 and "1 mistyped" in text, text
    audits = tmp_path / "private" / "audits.csv"
    code, text = run_cli(monkeypatch, capsys, "collect", str(out), "--sample", str(sample), "--out", str(audits))
    assert code == 1 and "1 problem(s)" in text and "not one of the list" in text and "improvment" not in text
    code, text = run_cli(monkeypatch, capsys, "collect", str(out), "--sample", str(sample), "--out", str(audits), "--skip-invalid")
    assert code == 0, text
    got = pd.read_csv(audits, dtype=str, keep_default_na=False)
    assert len(got) == 12 and set(got["status"]) <= {"returned", "exempt", "not_returned"} and (got["status"] == "returned").any()


def soffice(profile: Path, to: str, source: Path, outdir: Path) -> subprocess.CompletedProcess[str]:
    """LibreOffice, headless, saving `source` again as `to` into `outdir` (its own profile under `profile`)."""
    command = ["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{profile}/profile"]
    return subprocess.run([*command, "--convert-to", to, "--outdir", str(outdir), str(source)], capture_output=True, text=True, timeout=180)


@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice not installed (Debian: libreoffice-calc-nogui; .ci/run installs it)"
)
def test_a_form_saved_again_by_libreoffice_is_read_the_same(forms, tmp_path):
    """Issue 28: defined names, drop-down lists and the hidden fingerprint survive LibreOffice saving the form
    again as .xlsx, and the values come back unchanged; printed, a form is A4 portrait."""
    sample, out = forms
    fill(out / "2022-01-cin-001.xlsx", RETURNED)
    saved = tmp_path / "saved"
    proc = soffice(tmp_path, "xlsx:Calc MS Excel 2007 XML", out / "2022-01-cin-001.xlsx", saved)
    assert proc.returncode == 0 and (saved / "2022-01-cin-001.xlsx").is_file(), proc.stderr
    book = load_workbook(saved / "2022-01-cin-001.xlsx")
    assert {f"qa_grade_{k}" for k in STANDARDS} <= set(book.defined_names) and book["qa-pack"].sheet_state == "hidden"
    assert '"Outstanding,Good,Requires Improvement,Inadequate,N/A"' in [
        dv.formula1 for dv in book["Audit form"].data_validations.dataValidation
    ]
    # and it prints on A4 portrait, in a couple of pages
    pdf_dir = tmp_path / "pdf"
    soffice(tmp_path, "pdf", out / "2022-01-cin-002.xlsx", pdf_dir)
    pdf = (pdf_dir / "2022-01-cin-002.pdf").read_bytes()
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", pdf)
    assert boxes and all(abs(float(w) - 595) < 2 and abs(float(h) - 842) < 2 for w, h in boxes), boxes
    assert 1 <= len(boxes) <= 3
    (out / "2022-01-cin-001.xlsx").unlink()
    shutil.copy(saved / "2022-01-cin-001.xlsx", out / "returned by auditor.xlsx")
    got = collect(out, pd.read_csv(sample, dtype=str, keep_default_na=False), PARAMS).audits.iloc[0]
    for column, value in RETURNED.items():
        assert got[column] == value, column
