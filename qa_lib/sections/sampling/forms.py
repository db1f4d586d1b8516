"""`qa-pack forms`: one workbook per audit in a month's sample (data contract section 7), for an auditor to fill
in: the prefilled fields locked, one input cell per field with a drop-down list where the field has one, every
field's cell a workbook-level defined name `qa_<column>`, and the form's fingerprint on a hidden sheet. Forms
name children, so they follow the sample's private-file rules."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pandas as pd

from qa_lib.errors import QAPackError
from qa_lib.files import record_written, run_marker, written_here
from qa_lib.inputs.forms import HIDDEN, SHEET, Field, fingerprint, form_fields
from qa_lib.inputs.params import Params

FORMS_MARKER = ".qa-pack-forms.json"


def form_file_name(audit_id: str) -> str:
    """`<audit_id>.xlsx`, with any character but letters, digits, - and _ replaced by _."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", audit_id) + ".xlsx"


def check_forms_folder(out: Path) -> None:
    """A new folder (or one this command wrote), never inside a report folder: forms name children."""
    out = Path(out).absolute()
    for folder in (out, *out.parents):
        if run_marker(folder) is not None or (folder / "manifest.json").is_file():
            raise QAPackError(
                f"--out {out} is inside the report folder {folder}; forms name children and are never written into a report folder"
            )
    if out.exists() and (not out.is_dir() or any(p.name not in written_here(out, FORMS_MARKER) | {FORMS_MARKER} for p in out.iterdir())):
        raise QAPackError(f"--out {out} already exists and holds files qa-pack forms did not write; choose a new folder")


def write_form(row: dict[str, str], fields: list[Field], path: Path) -> None:
    """One audit's workbook, written whole (a temporary file renamed into place), mode 0600."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    ws = book.active
    ws.title = SHEET
    ws["A1"] = "Case file audit"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = "Fill in the white cells. Grades and yes/no have a drop-down list. Do not change the grey cells."
    ws.column_dimensions["A"].width = 48
    ws.column_dimensions["B"].width = 60
    grey = PatternFill("solid", fgColor="E7E6E6")
    line = Side(style="thin", color="7F7F7F")
    box = Border(left=line, right=line, top=line, bottom=line)  # each answer cell a box, on screen and on paper
    at = 4
    lists: dict[tuple[str, ...], DataValidation] = {}
    for f in fields:
        for first, heading in (("status", "Your audit"), ("moderated", "Moderation (the moderator)")):
            if f.column == first:
                ws.row_dimensions[at].height = 24
                ws.cell(row=at, column=1, value=heading).font = Font(bold=True, size=12)
                at += 1
        ws.cell(row=at, column=1, value=f.label).alignment = Alignment(wrap_text=True, vertical="top")
        # rows tall enough for a wrapped label (about 45 characters a line), and for writing in a text field
        ws.row_dimensions[at].height = max(15.0 * -(-len(f.label) // 45), 48.0 if f.kind == "text" else 15.0)
        cell = ws.cell(row=at, column=2)
        cell.border = box
        if f.kind == "prefilled":
            cell.value = row.get(f.column, "")
            cell.fill = grey
        else:
            cell.protection = Protection(locked=False)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if f.choices:
                if f.choices not in lists:
                    dv = DataValidation(type="list", formula1='"' + ",".join(f.choices) + '"', allow_blank=True)
                    dv.error, dv.errorTitle, dv.showErrorMessage = "Choose a value from the list.", "Not in the list", True
                    ws.add_data_validation(dv)
                    lists[f.choices] = dv
                lists[f.choices].add(cell)
        book.defined_names[f.name] = DefinedName(f.name, attr_text=f"'{SHEET}'!${'B'}${at}")
        at += 1
    ws.protection.sheet = True  # no password: it guards against slips, not people
    ws.print_options.gridLines = False
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.print_area = f"A1:B{at - 1}"
    ws.print_title_rows = "1:2"
    ws.page_setup.fitToWidth = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToHeight = 0
    hidden = book.create_sheet(HIDDEN)
    hidden["A1"] = fingerprint(row)
    hidden.sheet_state = "hidden"
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    try:
        book.save(tmp)
        os.chmod(tmp, 0o600)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_forms(sample: pd.DataFrame, out: Path, params: Params) -> list[Path]:
    """A form per sample row into `out` (a new private folder, 0700), named by its audit ID."""
    check_forms_folder(out)
    out.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(out, 0o700)
    fields = form_fields(params)
    rows = sample.fillna("").astype(str).to_dict("records")
    names = [form_file_name(r["audit_id"]) for r in rows]
    if len(set(names)) != len(names):
        raise QAPackError("two audits in the sample give the same form file name; expected each audit_id once")
    record_written(out, FORMS_MARKER, set(names), "qa-pack forms")
    paths = []
    for r, name in zip(rows, names):
        path = out / name
        write_form(r, fields, path)
        paths.append(path)
    return paths


def fill_demo_forms(folder: Path, params: Params, seed: int = 20220131) -> dict[str, int]:
    """The demo's auditors at work: fill the forms in `folder` through their defined names, as people would.
    About one in five is left untouched (not returned), one in ten is exempt, and one returned form has a
    grade typed over its drop-down ("Requires improvment"), so `qa-pack collect` shows what it catches."""
    import numpy as np
    from openpyxl import load_workbook

    from qa_lib.inputs.forms import GRADE_LIST

    rng = np.random.default_rng(seed)
    counts = {"returned": 0, "exempt": 0, "left blank": 0, "mistyped": 0}
    for path in sorted(Path(folder).glob("*.xlsx")):
        if path.name.startswith("~$"):
            continue
        draw = rng.random()
        if draw < 0.2:
            counts["left blank"] += 1
            continue
        book = load_workbook(path)

        def put(column: str, value: str, book: Any = book) -> None:
            sheet, ref = next(iter(book.defined_names[f"qa_{column}"].destinations))
            book[sheet][ref.replace("$", "")] = value

        if draw < 0.3:
            put("status", "exempt")
            put("exemption_reason", "Case closed before the audit")
            counts["exempt"] += 1
        else:
            quality = int(rng.integers(0, 4))
            grade = GRADE_LIST[min(3, max(0, quality + int(rng.integers(-1, 2))))]
            put("status", "returned")
            put("sw_participated", "yes" if rng.random() < 0.6 else "no")
            put("overall_grade", GRADE_LIST[quality])
            for k in params.standards:
                put(f"grade_{k}", grade if rng.random() < 0.7 else GRADE_LIST[quality])
            put("strengths", "Direct work with the child is clear on the file.")
            put("learning", "Chronologies and genograms need updating.")
            put("date_returned", "2022-01-21")
            counts["returned"] += 1
            if counts["mistyped"] == 0:
                put(f"grade_{next(iter(params.standards))}", "Requires improvment")
                counts["mistyped"] += 1
        book.save(path)
    return counts
