"""Audit forms (data contract section 7): the fields of one audit's workbook, and the collation of returned
workbooks back into the audits file.

Each field's cell is found by its workbook-level defined name `qa_<column>`, wherever the layout puts it, so a
form renamed by its auditor, or saved again by Excel or LibreOffice, is still read. A form's prefilled fields are
checked against the sample through the fingerprint on its hidden sheet. Every problem is found in one pass and
named by file, field label and cell, never by the value; a formula is read as its text and never evaluated.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from qa_lib import __version__
from qa_lib.errors import QAPackError, bounded
from qa_lib.inputs.params import Params
from qa_lib.inputs.schema import base_columns

SHEET = "Audit form"
HIDDEN = "qa-pack"
PREFILLED = ("audit_id", "audit_month", "cohort", "child_id", "social_worker_id", "service_area", "team", "auditor_id", "date_distributed")
GRADE_LIST = ("Outstanding", "Good", "Requires Improvement", "Inadequate")
NA = "N/A"
STATUS_LIST = ("returned", "exempt")
YES_NO_LIST = ("yes", "no")
MAX_TEXT = 5000  # characters in one free-text field


@dataclass(frozen=True)
class Field:
    """One field of the form: its contract column, the label a person reads, and what it may hold."""

    column: str
    label: str
    kind: str  # prefilled, status, yesno, grade, grade_na, text, date

    @property
    def name(self) -> str:
        return f"qa_{self.column}"

    @property
    def choices(self) -> tuple[str, ...]:
        return {"status": STATUS_LIST, "yesno": YES_NO_LIST, "grade": GRADE_LIST, "grade_na": (*GRADE_LIST, NA)}.get(self.kind, ())


def form_fields(params: Params) -> list[Field]:
    """Every field of a form, in the order it reads: the prefilled fields, the auditor's, the moderator's."""
    labels = {
        "audit_id": "Audit ID",
        "audit_month": "Audit month",
        "cohort": "Cohort",
        "child_id": "Child ID",
        "social_worker_id": "Social worker ID",
        "service_area": "Service area",
        "team": "Team",
        "auditor_id": "Auditor ID",
        "date_distributed": "Date distributed",
    }
    out = [Field(c, labels[c], "prefilled") for c in PREFILLED]
    out += [
        Field("status", "Audit status (returned, or exempt)", "status"),
        Field("exemption_reason", "If exempt: why", "text"),
        Field("sw_participated", "Did the social worker take part? (yes or no)", "yesno"),
        Field("non_participation_reason", "If not: why", "text"),
        Field("overall_grade", "Overall grade", "grade"),
    ]
    for k, label in params.standards.items():
        out.append(Field(f"grade_{k}", f"Grade: {label}", "grade_na"))
        out.append(Field(f"comment_{k}", f"Comment: {params.short_name(k)}", "text"))
    out += [
        Field("strengths", "Strengths", "text"),
        Field("learning", "Learning", "text"),
        Field("date_returned", "Date returned (YYYY-MM-DD)", "date"),
        Field("moderated", "Moderated? (yes or no; the moderator fills this in)", "yesno"),
        Field("moderated_grade", "Grade after moderation (the moderator)", "grade"),
    ]
    return out


def fingerprint(row: dict[str, str]) -> str:
    """The SHA-256 of a sample row's prefilled values and the pack's version (the form's hidden sheet)."""
    text = "\n".join(f"{c}={row.get(c, '')}" for c in PREFILLED) + f"\nqa-pack {__version__.split('.')[0]}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- collecting


class FormsInvalid(QAPackError):
    """Returned forms with problems: every one, by file, field and cell; nothing was written."""


@dataclass
class Collected:
    """The audits file made from the returned forms, what could not be used, and the counts collect prints."""

    audits: pd.DataFrame
    problems: list[str] = field(default_factory=list)
    invalid_forms: list[str] = field(default_factory=list)  # file names (with --skip-invalid: counted as not returned)
    counts: dict[str, int] = field(default_factory=dict)
    chase: pd.DataFrame = field(default_factory=pd.DataFrame)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _cells(path: Path) -> tuple[dict[str, tuple[str, str]], str]:
    """Each defined name's (cell address, value as text) and the hidden fingerprint. Raises ValueError for a
    file that is not a readable form."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, data_only=False, read_only=False, keep_links=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError) as exc:
        raise ValueError(
            "not a readable .xlsx workbook (an old .xls saved as .xlsx, a password-protected workbook, or not a workbook at all)"
        ) from exc
    found: dict[str, tuple[str, str]] = {}
    for name, defined in book.defined_names.items():
        if not name.startswith("qa_"):
            continue
        for sheet, ref in defined.destinations:
            if sheet in book.sheetnames:
                cell = book[sheet][ref.replace("$", "")]
                found[name] = (f"{sheet}!{ref.replace('$', '')}", _text(cell.value))
    mark = _text(book[HIDDEN]["A1"].value) if HIDDEN in book.sheetnames else ""
    book.close()
    return found, mark


def collect(folder: Path, sample: pd.DataFrame, params: Params, skip_invalid: bool = False, today: dt.date | None = None) -> Collected:
    """The returned forms in `folder` (not its subfolders) as the audits file: one row per sample row, in the
    sample's order; a sample row with no usable form is not_returned. FormsInvalid lists every problem unless
    `skip_invalid` (then the forms with problems count as not returned)."""
    today = today or dt.date.today()
    fields = form_fields(params)
    rows = sample.fillna("").astype(str).to_dict("records")
    sample_ids = {r["audit_id"]: i for i, r in enumerate(rows)}
    prints = {fingerprint(r): r["audit_id"] for r in rows}
    problems: list[str] = []
    bad_files: set[str] = set()
    counts = {"forms read": 0, "lock files skipped": 0}
    seen: dict[str, str] = {}  # audit_id -> file
    filled: dict[str, dict[str, str]] = {}

    def problem(path: Path, message: str) -> None:
        problems.append(bounded(f"{path.name}: {message}", 400))
        bad_files.add(path.name)

    for path in sorted(p for p in Path(folder).iterdir() if p.is_file()):
        if path.name.startswith("~$"):
            counts["lock files skipped"] += 1
            continue
        if path.suffix.lower() == ".xls":
            problem(path, "an old .xls workbook; open it in Excel or LibreOffice and save it as .xlsx")
            continue
        if path.suffix.lower() != ".xlsx":
            continue
        counts["forms read"] += 1
        try:
            cells, mark = _cells(path)
        except ValueError as exc:
            problem(path, str(exc))
            continue
        if "qa_audit_id" not in cells:
            problem(path, "not an audit form the pack wrote (it has no qa_audit_id field); expected a form from qa-pack forms")
            continue
        audit_id = cells["qa_audit_id"][1]
        if audit_id not in sample_ids:
            original = prints.get(mark)
            if original is None:
                problem(
                    path,
                    f"field Audit ID ({cells['qa_audit_id'][0]}): not an audit in this sample; expected a form from this month's sample",
                )
            else:
                problem(
                    path,
                    f"field Audit ID ({cells['qa_audit_id'][0]}): changed since the form was written; prefilled fields must not change",
                )
            continue
        if audit_id in seen:
            problem(path, f"a second form for the same audit (also {seen[audit_id]}); expected one form per audit")
            bad_files.add(seen[audit_id])
            continue
        seen[audit_id] = path.name
        row = rows[sample_ids[audit_id]]
        changed = [f for f in fields if f.kind == "prefilled" and cells.get(f.name, ("", None))[1] != row.get(f.column, "")]
        if changed or mark != fingerprint(row):
            where = (
                ", ".join(f"{f.label} ({cells[f.name][0] if f.name in cells else 'missing'})" for f in changed) or "the form's fingerprint"
            )
            problem(path, f"prefilled fields changed: {where}; expected them as the sample wrote them")
            continue
        values, before = {}, len(problems)
        status = cells.get("qa_status", ("", ""))[1].lower()
        for f in fields:
            if f.kind == "prefilled":
                continue
            address, value = cells.get(f.name, ("", ""))
            if f.name not in cells:
                problem(path, f"field {f.label}: missing from the form; expected the form as qa-pack forms wrote it")
                continue
            if value.startswith("="):
                problem(path, f"field {f.label} ({address}): a formula; expected text typed in")
                continue
            if len(value) > MAX_TEXT:
                problem(path, f"field {f.label} ({address}): {len(value)} characters; expected at most {MAX_TEXT}")
                continue
            if f.choices and value:
                match = next((c for c in f.choices if c.lower() == value.lower()), None)
                if match is None:
                    problem(path, f"field {f.label} ({address}): not one of the list; expected {', '.join(f.choices)}")
                    continue
                value = match
            if f.kind == "date" and value and not _is_date(value):
                problem(path, f"field {f.label} ({address}): not a date; expected YYYY-MM-DD")
                continue
            needed = status == "returned" and (f.kind in ("grade_na",) or f.column in ("overall_grade", "sw_participated"))
            if needed and not value:
                problem(path, f"field {f.label} ({address}): blank on a returned form; expected one of {', '.join(f.choices)}")
                continue
            values[f.column] = value
        if len(problems) == before and status:
            filled[audit_id] = values
    counts["returned"] = sum(1 for v in filled.values() if v.get("status") == "returned")
    counts["exempt"] = sum(1 for v in filled.values() if v.get("status") == "exempt")
    counts["problems"] = len(problems)
    if problems and not skip_invalid:
        raise FormsInvalid(
            bounded(f"{len(problems)} problem(s) in the returned forms; nothing was written.\n" + "\n".join(problems), 20_000)
        )
    columns = [*base_columns(params), *(c for c in sample.columns if c not in base_columns(params))]  # section 1's, then the sample's own
    out = []
    for r in rows:
        got = filled.get(r["audit_id"])
        record = {c: r.get(c, "") for c in columns}
        if got is None:
            record["status"] = "not_returned"
        else:
            record.update({c: v for c, v in got.items() if c in record})
        out.append(record)
    audits = pd.DataFrame(out, columns=columns)
    counts["outstanding"] = int((audits["status"] == "not_returned").sum())
    return Collected(audits=audits, problems=problems, invalid_forms=sorted(bad_files), counts=counts, chase=chase_list(audits, today))


def _is_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value[:10])
    except ValueError:
        return False
    return len(value) == 10


def chase_list(audits: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """The audits not yet returned, by auditor, with the days since each was distributed (a private file)."""
    waiting = audits[audits["status"] == "not_returned"]
    given = pd.to_datetime(waiting.get("date_distributed", pd.Series("", index=waiting.index)), errors="coerce", format="%Y-%m-%d")
    days = (pd.Timestamp(today) - given).dt.days
    chase = pd.DataFrame(
        {
            "audit_id": waiting["audit_id"],
            "auditor_id": waiting.get("auditor_id", ""),
            "audit_month": waiting["audit_month"],
            "date_distributed": waiting.get("date_distributed", ""),
            "days_outstanding": days.astype("Int64"),
        }
    )
    return chase.sort_values(["auditor_id", "days_outstanding"], ascending=[True, False], kind="stable").reset_index(drop=True)
