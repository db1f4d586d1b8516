"""Reading and normalising audits files exactly as the data contract says."""

from __future__ import annotations

import dataclasses

import openpyxl
import pandas as pd
import pytest

from helpers import HEADER, REPO, row, write_rows
from qa_lib.errors import QAPackError, ValidationFailed
from qa_lib.inputs.load import load_audits
from qa_lib.inputs.params import load_params


def test_grade_spellings_and_na(tmp_path, params):
    spellings = [
        ("Outstanding", "O"),
        ("o", "O"),
        (" Good ", "G"),
        ("G", "G"),
        ("Requires Improvement", "RI"),
        ("requires improvement to be good", "RI"),
        ("RI", "RI"),
        ("INADEQUATE", "I"),
        ("i", "I"),
    ]
    rows = [
        row(
            audit_id=f"A{k}",
            child_id=f"CH-{k}",
            social_worker_id=f"SW-{k}",
            overall_grade=raw,
            grade_voice="N/A" if k % 3 == 0 else ("na" if k % 3 == 1 else "Not applicable"),
            grade_risk="",
        )
        for k, (raw, _) in enumerate(spellings)
    ]
    data = load_audits(write_rows(tmp_path / "a.csv", rows), params)
    assert data.frame["overall_grade"].tolist() == [code for _, code in spellings]
    assert set(data.frame["grade_voice"]) == {"N/A"}
    assert set(data.frame["grade_risk"]) == {""}  # blank standard = not graded, allowed


def test_yes_no_months_statuses_and_names(tmp_path, params):
    rows = [
        row(audit_id="A1", sw_participated="Y", audit_month="2021-10-31", status="Returned", service_area="central", cohort="CIN"),
        row(
            audit_id="A2",
            sw_participated="false",
            audit_month="2021-10",
            status="Not returned",
            overall_grade="",
            service_area="keighley  &  shipley",
            cohort="Child in Need plan",
        ),
        row(audit_id="A3", sw_participated="1", audit_month="2021-11-01 00:00:00", status="EXEMPT", moderated="yes", moderated_grade="RI"),
    ]
    f = load_audits(write_rows(tmp_path / "a.csv", rows), params).frame
    assert f["audit_month"].tolist() == ["2021-10", "2021-10", "2021-11"]
    assert f["status"].tolist() == ["returned", "not_returned", "exempt"]
    assert f["sw_participated"].tolist() == [True, False, True]
    assert f["service_area"].tolist() == ["Central", "Keighley & Shipley", "Central"]
    assert f["cohort"].tolist() == ["cin", "cin", "cin"]
    assert f["moderated"].tolist() == [False, False, True]
    assert f["moderated_grade"].tolist() == ["", "", "RI"]


def test_headers_case_and_spaces_and_bom(tmp_path, params):
    path = tmp_path / "a.csv"
    header = [f"  {h.upper()} " for h in HEADER]
    values = list(row().values())
    path.write_text(",".join(header) + "\n" + ",".join(values) + "\n", encoding="utf-8-sig")
    data = load_audits(path, params)
    assert data.rows_used == 1 and "grade_voice" in data.frame.columns


def test_windows_1252_csv(tmp_path, params):
    # Excel's "CSV" export: a curly apostrophe and an e-acute in free text are single cp1252 bytes.
    path = write_rows(tmp_path / "a.csv", [row(non_participation_reason="Worker’s café meeting", sw_participated="no")], encoding="cp1252")
    assert "\u2019".encode("cp1252") in path.read_bytes()
    data = load_audits(path, params)
    assert data.frame.loc[0, "non_participation_reason"] == "Worker’s café meeting"


def test_xlsx_first_and_named_sheet(tmp_path, params):
    wb = openpyxl.Workbook()
    first = wb.active
    first.title = "Notes"
    first.append(["nothing here"])
    ws = wb.create_sheet("Returns")
    ws.append(HEADER)
    r = row()
    values = [r[h] for h in HEADER]
    values[HEADER.index("audit_month")] = pd.Timestamp("2021-10-31").to_pydatetime()  # Excel date cell
    ws.append(values)
    path = tmp_path / "a.xlsx"
    wb.save(path)
    data = load_audits(path, params, sheet="Returns")
    assert data.frame.loc[0, "audit_month"] == "2021-10"
    with pytest.raises(QAPackError, match="no sheet named 'Nope'; the sheets are Notes, Returns"):
        load_audits(path, params, sheet="Nope")
    with pytest.raises(ValidationFailed, match="row 1, column audit_id: missing"):
        load_audits(path, params)  # the first sheet is not the returns


def test_blank_rows_are_rejected_and_counted(tmp_path, params):
    path = write_rows(tmp_path / "a.csv", [row(audit_id="A1"), {k: "" for k in HEADER}, row(audit_id="A2"), {k: " " for k in HEADER}])
    data = load_audits(path, params)
    assert (data.rows_read, data.rows_used, data.rows_rejected) == (4, 2, 2)
    assert data.rejected == [(3, "blank row"), (5, "blank row")]
    assert data.frame["source_row"].tolist() == [2, 4]
    assert data.rows_read == data.rows_used + data.rows_rejected


def test_column_mapping_from_params(tmp_path):
    (tmp_path / "pack.yml").write_text((REPO / "params" / "pack.yml").read_text())
    (tmp_path / "council.yml").write_text("include: [pack.yml]\ncolumns: {prof_professional_id: social_worker_id, Dept_Team_Name: team}\n")
    p = load_params(tmp_path / "council.yml")
    r = row()
    r["prof_professional_id"] = r.pop("social_worker_id")
    r["dept_team_name"] = "Central team 1"
    f = load_audits(write_rows(tmp_path / "a.csv", [r]), p).frame
    assert f.loc[0, "social_worker_id"] == "SW-1" and f.loc[0, "team"] == "Central team 1"


def test_demo_file_loads_with_every_row_used(demo_csv, params):
    data = load_audits(demo_csv, params)
    n = demo_csv.read_bytes().count(b"\n") - 1
    assert data.rows_read == n == data.rows_used and data.rows_rejected == 0


@pytest.mark.parametrize("date_format", ["iso", "dayfirst"])
def test_columns_normalised_side_by_side_are_those_normalised_one_at_a_time(tmp_path, date_format, monkeypatch):
    """A large file's columns are normalised one per core (`load.normalise`): every spelling must come out as it
    does one column at a time, in the same columns and order."""
    from qa_lib.inputs import load

    params = load_params(REPO / "params" / "demo.yml")
    params = dataclasses.replace(params, date_format=date_format)
    rows = [
        row(
            audit_id=" A1 ", overall_grade=" Good ", grade_voice="na", sw_participated="Y", status="Not returned", audit_month="2021-10-31"
        ),
        row(
            audit_id="A2",
            overall_grade="requires improvement",
            moderated="yes",
            moderated_grade="i",
            status="EXEMPT",
            audit_month="31/10/2021",
        ),
        row(audit_id="A3", service_area="keighley  &  shipley", cohort="Child in Need plan", date_returned="2021-11-02 00:00:00"),
    ]
    raw, _, _ = load.match_headers(load.read_raw(write_rows(tmp_path / "a.csv", rows)), params)
    one = load.normalise(raw, params)  # a small file: one column at a time
    assert one["overall_grade"].tolist() == ["G", "RI", "G"] and one["status"].tolist()[:2] == ["not_returned", "exempt"]
    assert one["audit_month"].tolist()[:2] == ["2021-10", "2021-10" if date_format == "dayfirst" else "31/10/2021"]
    monkeypatch.setattr(load, "PARALLEL_NORMALISE", 0)
    for cores in (2, 8):
        monkeypatch.setattr(load.os, "cpu_count", lambda cores=cores: cores)
        pd.testing.assert_frame_equal(load.normalise(raw, params), one, check_exact=True)


def test_the_files_sha256_is_of_the_bytes_read(tmp_path, params):
    """A CSV is hashed from the bytes parsed (in a thread, meanwhile); a workbook from its file."""
    import hashlib

    from qa_lib.inputs.load import read_raw_hashed

    path = write_rows(tmp_path / "a.csv", [row(audit_id="A1"), row(audit_id="A2")])
    expected = hashlib.sha256(path.read_bytes()).hexdigest()
    assert read_raw_hashed(path)[1] == expected
    assert load_audits(path, params).sha256 == expected
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    book.active.append([row(audit_id="A1")[h] for h in HEADER])
    book.save(tmp_path / "a.xlsx")
    assert read_raw_hashed(tmp_path / "a.xlsx")[1] == hashlib.sha256((tmp_path / "a.xlsx").read_bytes()).hexdigest()
