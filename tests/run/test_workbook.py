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
