"""tables.xlsx: text that looks like a formula stays text."""

from __future__ import annotations

import zipfile

import openpyxl
import pandas as pd

from qa_lib.run.tables import write_workbook


def test_formula_like_text_is_never_a_formula(tmp_path):
    frame = pd.DataFrame(
        {
            "reason": ['=HYPERLINK("http://x","click")', "+1+1", "-2+3", "@SUM(A1)", "plain"],
            "count": [1, 2, 3, 4, 5],
            "percent": [12.34, 50.0, float("nan"), 0.05, 100.0],
        }
    )
    path = write_workbook({"reasons": frame}, tmp_path / "t.xlsx")
    sheet = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet  # no formula anywhere in the sheet
    ws = openpyxl.load_workbook(path)["reasons"]
    values = [ws.cell(row=r, column=1) for r in range(2, 7)]
    assert [c.value for c in values] == frame["reason"].tolist()
    assert all(c.data_type == "s" for c in values)
    assert all(c.quotePrefix for c in values[:4]) and not values[4].quotePrefix
    assert [ws.cell(row=r, column=3).value for r in range(2, 7)] == [0.123, 0.5, None, 0.001, 1.0]  # rounded once, half up
    assert ws["C2"].number_format == "0.0%"


def test_the_same_tables_make_the_same_workbook_at_any_time(tmp_path, monkeypatch):
    # openpyxl dates the document and every zip member with the clock; a re-run (or a cached one) must give
    # the same bytes, so the workbook is written an hour "later" and compared.
    import time

    frame = pd.DataFrame({"area": ["North", "South"], "count": [3, 4]})
    first = write_workbook({"t": frame}, tmp_path / "a.xlsx").read_bytes()
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 3600)
    second = write_workbook({"t": frame}, tmp_path / "b.xlsx").read_bytes()
    assert first == second
    assert openpyxl.load_workbook(tmp_path / "b.xlsx")["t"]["A3"].value == "South"  # still a readable workbook
