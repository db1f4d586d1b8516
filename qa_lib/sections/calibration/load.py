"""The calibration file (data contract section 5): read, checked and normalised, every problem in one pass.

One row per auditor per case: `exercise_id`, `case_ref` (an anonymised case, never a child's ID), `auditor_id`
(never shown: auditors appear as pseudonymous codes), `overall_grade` and optionally `grade_<standard>` for the
standards in params. Grades are read as in the audits file; a standard may be `N/A` or blank (not graded). Blank
rows are counted as rejected, so rows read = rows used + rows rejected. Messages name the file, the row as the
spreadsheet shows it and the column, and never quote an auditor's or a case's ID.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from qa_lib.errors import ValidationFailed
from qa_lib.files import file_sha256
from qa_lib.inputs.load import Problem, ValidationReport, header_key, read_raw
from qa_lib.inputs.params import Params
from qa_lib.inputs.personal import holds_contact
from qa_lib.inputs.schema import GRADE_SPELLINGS, GRADE_WORDS, NA_SPELLINGS
from qa_lib.sections.themes.redact import Redactor

REQUIRED = ("exercise_id", "case_ref", "auditor_id", "overall_grade")
MAX_EXERCISE_ID = 60  # an exercise's name is shown in the report: a label, not a note
FORMULA_START = ("=", "+", "-", "@")  # the label is written to a CSV table a spreadsheet may open


@dataclass(frozen=True)
class CalibrationData:
    """A checked calibration file: `frame` has the contract's columns, grades as codes (O, G, RI, I), `N/A` or
    blank; `exercises` and `auditors` in the order they first appear; `standards` the params standards the
    file grades."""

    frame: pd.DataFrame
    file: str
    sha256: str
    rows_read: int
    rejected: list[int] = field(default_factory=list)  # blank rows (spreadsheet rows)
    standards: tuple[str, ...] = ()

    @property
    def exercises(self) -> list[str]:
        return list(dict.fromkeys(self.frame["exercise_id"]))

    @property
    def auditors(self) -> list[str]:
        return list(dict.fromkeys(self.frame["auditor_id"]))

    def summary(self) -> dict[str, object]:
        """Rows in = rows used + rows rejected, for the manifest and the report (no ID)."""
        return {
            "file": self.file,
            "sha256": self.sha256,
            "rows_read": self.rows_read,
            "rows_used": len(self.frame),
            "rows_rejected": len(self.rejected),
            "rejected_rows": self.rejected,
        }


def _grade(value: str, allow_na: bool) -> str | None:
    """A grade's code, "N/A" or "" (blank, where allowed); None when the cell is none of these."""
    text = " ".join(str(value).split()).lower()
    if text in GRADE_SPELLINGS:
        return GRADE_SPELLINGS[text]
    if allow_na and text in NA_SPELLINGS:
        return "N/A"
    if allow_na and not text:
        return ""
    return None


def load_calibration(path: str | Path, params: Params, child_ids: set[str] | None = None) -> CalibrationData:
    """Read and check a calibration file; raise ValidationFailed listing every problem. `child_ids` (the audits
    file's) are refused as case references: a calibration case is anonymised."""
    path = Path(path)
    raw = read_raw(path)
    name = path.name
    problems: list[Problem] = []
    headers: dict[str, str] = {}
    for i, header in enumerate(raw.columns):
        key = header_key(header)
        if key in headers:
            problems.append(
                Problem(1, str(header).strip(), f"the same column appears twice (also {headers[key]!r}); expected each column once", i)
            )
        headers.setdefault(key, str(header).strip())
    raw = raw.set_axis([header_key(h) for h in raw.columns], axis=1)
    raw = raw.loc[:, ~raw.columns.duplicated()]
    for col in REQUIRED:
        if col not in headers:
            problems.append(
                Problem(1, col, f"required column missing; a calibration file has {', '.join(REQUIRED)} and grade_<standard> columns")
            )
    standards = tuple(k for k in params.standards if f"grade_{k}" in headers)
    for key in headers:
        if key.startswith("grade_") and key.removeprefix("grade_") not in params.standards:
            problems.append(
                Problem(1, headers[key], f"not a practice standard in params; expected grade_ and one of {', '.join(params.standards)}")
            )
    if any(p.row == 1 for p in problems):
        raise ValidationFailed(ValidationReport(name, len(raw), problems))
    cells = raw.fillna("").astype(str).apply(lambda c: c.str.strip())
    blank = cells.eq("").all(axis=1)
    rejected = [int(i) + 2 for i in cells.index[blank]]
    used = cells[~blank]
    out = pd.DataFrame(index=used.index)
    for col in ("exercise_id", "case_ref", "auditor_id"):
        out[col] = used[col]
        for i in used.index[used[col].eq("")]:
            problems.append(Problem(int(i) + 2, headers[col], "blank; expected text"))
    children = Redactor(child_ids or set())  # a child's ID however it is written (case, separators, entities, look-alikes)
    for i, ref in used["case_ref"].items():
        if ref and children.finds_identifier(ref):
            problems.append(
                Problem(int(i) + 2, headers["case_ref"], "is a child's ID from the audits file; a calibration case must be anonymised")
            )
    for i, ex in used["exercise_id"].items():
        if len(ex) > MAX_EXERCISE_ID:
            problems.append(
                Problem(int(i) + 2, headers["exercise_id"], f"longer than {MAX_EXERCISE_ID} characters; expected a short label")
            )
        elif ex.startswith(FORMULA_START):
            problems.append(
                Problem(
                    int(i) + 2,
                    headers["exercise_id"],
                    "starts with = + - or @, which a spreadsheet runs as a formula; expected a plain label",
                )
            )
    for col, allow_na in (("overall_grade", False), *((f"grade_{k}", True) for k in standards)):
        codes = used[col].map(lambda v, a=allow_na: _grade(v, a))
        for i in codes.index[codes.isna()]:
            expected = GRADE_WORDS + (", N/A or blank" if allow_na else "")
            problems.append(Problem(int(i) + 2, headers[col], f"not a grade; expected {expected}"))
        out[col] = codes.fillna("")
    seen = out[["exercise_id", "case_ref", "auditor_id"]]
    twice = seen.duplicated(keep="first") & seen.ne("").all(axis=1)
    for i in out.index[twice]:
        first = int(seen[(seen == seen.loc[i]).all(axis=1)].index[0]) + 2
        problems.append(
            Problem(
                int(i) + 2,
                headers["auditor_id"],
                f"this auditor already graded this case in this exercise (row {first}); expected one row per auditor per case",
            )
        )
    _check_exercise_names(out, headers, problems, child_ids)
    if problems:
        problems.sort(key=lambda p: (p.row, p.col_order))
        raise ValidationFailed(ValidationReport(name, len(raw), problems))
    return CalibrationData(out.reset_index(drop=True), name, file_sha256(path), len(raw), rejected, standards)


def _check_exercise_names(out: pd.DataFrame, headers: dict[str, str], problems: list[Problem], child_ids: set[str] | None = None) -> None:
    """An exercise's name is shown in the report and the tables: it may hold no child's or auditor's ID, e-mail
    address or phone number, however it is written (case references are checked on their own)."""
    private = Redactor({*(v for v in set(out["auditor_id"]) if len(v) >= 2), *(child_ids or set())})
    for ex, rows in out.groupby("exercise_id", sort=False).groups.items():
        if not ex:
            continue
        if holds_contact(str(ex)) or private.finds_identifier(str(ex)):
            problems.append(
                Problem(
                    int(rows[0]) + 2,
                    headers["exercise_id"],
                    "holds a child's or an auditor's ID, an e-mail address or a phone number; it is shown in the report; use a plain label",
                )
            )
