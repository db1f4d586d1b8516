"""Read an audits file, normalise it to the data contract and validate it.

One pass finds every problem: each names the file, the row as the spreadsheet
user sees it (header = row 1), the column and what was expected. The checks
themselves are a pandera schema (`qa_lib.inputs.schema`); this module reads the file,
normalises spellings, runs the schema and turns its failure cases into words.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import difflib
import hashlib
import io
import os
import re
import threading
import zipfile
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from qa_lib.errors import QAPackError, ValidationFailed, bounded
from qa_lib.files import QUICK_SUFFIXES, file_sha256, read_with_sha256
from qa_lib.inputs.arrow_memory import prefer_jemalloc
from qa_lib.inputs.params import Params
from qa_lib.inputs.personal import IdentifierKeys, identifier_keys
from qa_lib.inputs.schema import (
    GRADE_SPELLINGS,
    IDENTIFIER_COLUMNS,
    NA_SPELLINGS,
    STATUSES,
    YES_NO,
    Rule,
    audits_schema,
    base_columns,
)

if TYPE_CHECKING:
    from pandera.errors import SchemaErrors

MAX_SHOWN = 50
STRIPPED = {"audit_id", "child_id", "social_worker_id", "auditor_id", "team"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file, where the user will find it."""

    row: int  # spreadsheet row; 1 = header
    column: str  # the header as the user typed it
    message: str
    col_order: int = 0

    def render(self, file: str) -> str:
        return bounded(f"{file} row {self.row}, column {bounded(self.column, 40)}: {self.message}", 600)


@dataclass
class ValidationReport:
    """Every problem in the file, and how many rows were read."""

    file: str
    rows_read: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # column-wide patterns, said before the rows

    @property
    def ok(self) -> bool:
        return not self.problems

    def render(self, limit: int | None = MAX_SHOWN) -> str:
        n = len(self.problems)
        if not n:
            return f"{self.file}: {self.rows_read} rows, no problems found."
        head = f"{self.file}: {n} problem{'s' if n != 1 else ''} found in {self.rows_read} rows; nothing was run."
        shown = self.problems if not limit else self.problems[:limit]
        lines = [head, *(f"{self.file}: {note}" for note in self.notes), *(p.render(self.file) for p in shown)]
        if len(shown) < n:
            lines.append(f"... and {n - len(shown)} more problems not shown (use --max-errors 0 to list them all).")
        return "\n".join(lines)


@dataclass
class AuditData:
    """A validated audits frame with the counts the report's data-quality notes need."""

    frame: pd.DataFrame
    file: str
    sha256: str
    rows_read: int
    rejected: list[tuple[int, str]]  # (spreadsheet row, reason): rows not used
    warnings: list[Problem] = field(default_factory=list)  # rows used, but inconsistent: counted in the report
    after_period: int = 0  # rows of months after the reporting period: outside this report (not a fault)
    recorded: dict[str, object] | None = None  # the summary made when the file was validated (load_identifiers)
    keys_started: Future[IdentifierKeys] | None = field(default=None, repr=False, compare=False)  # `keyed_in_thread`

    @property
    def rows_used(self) -> int:
        return len(self.frame)

    @property
    def warning_count(self) -> int:
        """How many warnings the file's rows carry (counted when it was validated)."""
        if self.recorded is not None:
            counts = self.recorded.get("warnings") or {}
            return sum(int(n) for n in counts.values()) if isinstance(counts, dict) else 0
        return len(self.warnings)

    @cached_property
    def identifier_keys(self) -> IdentifierKeys:
        """Every child, social worker, auditor and audit ID in the data, keyed once (`identifier_keys`): the
        QA lead's words and every output are searched for them. Keyed while the file was validated when
        `load_audits` was asked to (`keyed_in_thread`); should that have failed, keyed again here, where any
        error is reported as usual."""
        if self.keys_started is not None:
            with contextlib.suppress(Exception):
                return self.keys_started.result()
        return identifier_keys(*(self.frame[c] for c in IDENTIFIER_COLUMNS if c in self.frame))

    @property
    def rows_rejected(self) -> int:
        return len(self.rejected)

    def summary(self) -> dict[str, object]:
        """Rows in = rows used + rows rejected, for the manifest and the report."""
        if self.recorded is not None:
            return dict(self.recorded)
        return {
            "file": self.file,
            "sha256": self.sha256,
            "rows_read": self.rows_read,
            "rows_used": self.rows_used,
            "rows_rejected": self.rows_rejected,
            "rejected": [{"row": r, "reason": why} for r, why in self.rejected],
            "warnings": warning_counts(self.warnings),
            "after_period": self.after_period,
        }


# ---------------------------------------------------------------- reading


def _decode(raw: bytes, name: str) -> str:
    """UTF-8 (with or without BOM) or UTF-16 (with BOM); else Windows-1252 as Excel's "CSV" export writes.
    A UTF-8 file with a stray invalid byte is refused at that row: reading the whole file as Windows-1252
    would garble every accented name without a word."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise QAPackError(f"{name}: a UTF-16 file that cannot be read (byte {exc.start}); save it as CSV UTF-8") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        lenient = raw.decode("utf-8", errors="replace")
        if any(ord(ch) > 127 and ch != "\ufffd" for ch in lenient):  # real UTF-8 text around the bad byte
            row = raw[: exc.start].count(b"\n") + 1
            raise QAPackError(
                f"{name} row {row}: a character that is not valid UTF-8 (byte {exc.start}) in a file that is "
                "otherwise UTF-8; retype that row's accented letters, or save the file again as CSV UTF-8"
            ) from None
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise QAPackError(f"{name}: cannot read the text (byte {exc.start}); expected UTF-8 or Windows-1252 CSV") from None


def sniff(head: bytes) -> str | None:
    """What a file really is, from its first bytes, when that is not a CSV or .xlsx file; None if it may be."""
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "an old Excel .xls file or a password-protected workbook"
    if head.startswith(b"%PDF"):
        return "a PDF file"
    if head.startswith(b"PK\x03\x04"):
        if b"opendocument" in head:
            return "an OpenDocument (.ods) spreadsheet"
        return None  # a zip: .xlsx or not, openpyxl tells
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None  # UTF-16 text
    if b"\x00" in head[:4096]:
        return "not a text file"
    return None


SAVE_AS = "save it as .xlsx or CSV (UTF-8)"


def read_raw(path: str | Path, sheet: str | None = None) -> pd.DataFrame:
    """The file's cells as text, headers as typed. Raises QAPackError if unreadable, saying what the file is."""
    return read_raw_hashed(path, sheet)[0]


def read_raw_hashed(path: str | Path, sheet: str | None = None) -> tuple[pd.DataFrame, str]:
    """`read_raw`, and the SHA-256 of the file as read: a CSV's own bytes, hashed in a thread while they are parsed
    (hashlib leaves the interpreter free; a million rows: 0.3 s, and the file not read twice); a workbook's
    file, read again."""
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise QAPackError(f"{path}: file not found")
    suffix = path.suffix.lower()
    try:
        with open(path, "rb") as handle:
            head = handle.read(8192)
    except OSError as exc:
        raise QAPackError(f"{name}: cannot be read ({exc.strerror})") from None
    kind = sniff(head)
    if kind:
        raise QAPackError(f"{name}: this is {kind}; {SAVE_AS}")
    is_zip = head.startswith(b"PK\x03\x04")
    sha: str | None = None
    try:
        if suffix in {".xlsx", ".xlsm"} or is_zip:
            frame = _read_xlsx(path, sheet)
        elif suffix in {".csv", ".txt"}:
            data = path.read_bytes()
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="qa-pack-hash") as hashing:
                digest = hashing.submit(lambda: hashlib.sha256(data).hexdigest())
                frame = _read_csv(data, name)
                sha = digest.result()
        elif suffix in {".xls", ".ods", ".numbers"}:
            raise QAPackError(f"{name}: this is a {suffix} file; {SAVE_AS}")
        else:
            raise QAPackError(f"{name}: unknown file type {bounded(suffix, 20)!r}; expected .csv or .xlsx")
    except QAPackError:
        raise
    except pd.errors.ParserError as exc:
        raise QAPackError(f"{name}: not a well-formed CSV file ({bounded(_parser_message(str(exc)), 200)})") from None
    except pd.errors.EmptyDataError:
        raise QAPackError(f"{name}: the file is empty; expected a header row and one row per audit") from None
    except zipfile.BadZipFile:
        raise QAPackError(f"{name}: this is not a working .xlsx workbook (damaged, or another kind of file); {SAVE_AS}") from None
    except Exception as exc:  # noqa: BLE001 - zip/xml errors from a broken workbook, and the like
        raise QAPackError(f"{name}: cannot be read as {bounded(suffix, 20)} ({type(exc).__name__}); {SAVE_AS}") from None
    frame.columns = [str(c) for c in frame.columns]
    return frame.astype(str), sha or file_sha256(path)


EXCEL_ERRORS = ("#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(path: Path, sheet: str | None) -> pd.DataFrame:
    """Every cell of a sheet as text, through openpyxl (values, not formulas; Excel's error values such as
    #N/A kept as their text so validation can name them)."""
    import openpyxl

    handle = open(path, "rb")  # noqa: SIM115 - a file object: openpyxl then reads by content, whatever the ending
    try:
        book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except KeyError:  # a zip without a workbook inside
        handle.close()
        raise QAPackError(f"{path.name}: this is a zip file, not an .xlsx workbook; {SAVE_AS}") from None
    except BaseException:
        handle.close()
        raise
    try:
        if sheet:
            if sheet not in book.sheetnames:
                raise QAPackError(
                    f"{path.name}: no sheet named {bounded(sheet, 40)!r}; the sheets are {bounded(', '.join(book.sheetnames), 300)}"
                )
            ws = book[sheet]
        else:
            ws = book.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise pd.errors.EmptyDataError("empty")
        width = len(header)
        cells = [[_cell_text(v) for v in r[:width]] + [""] * (width - len(r)) for r in rows]
    finally:
        book.close()
        handle.close()
    names = [_cell_text(h) or f"(no header, column {i + 1})" for i, h in enumerate(header)]
    frame = pd.DataFrame(cells, columns=names, dtype=object) if cells else pd.DataFrame(columns=names, dtype=object)
    # Columns with no header and nothing in them are Excel's formatting, not data.
    empty = [n for n in names if n.startswith("(no header") and not frame[n].astype(str).str.strip().ne("").any()]
    return frame.drop(columns=empty)


def _read_csv(data: bytes, name: str) -> pd.DataFrame:
    """Every cell as text. Fast path: pyarrow's multi-threaded reader (UTF-8, all columns as strings).
    Anything it cannot take (Windows-1252, UTF-16, repeated headers, a ragged row) goes through pandas' C
    parser, whose messages give the row."""
    import csv

    import pyarrow as pa
    import pyarrow.csv as pcsv

    prefer_jemalloc()  # the arrays read here and every column normalised from them
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    if not data[start : start + 4096].strip() and not data[start:].strip():
        raise pd.errors.EmptyDataError("empty")
    end = data.find(b"\n", start)
    try:
        header = next(csv.reader([data[start : end if end >= 0 else None].decode("utf-8").rstrip("\r")]))
        if len(set(header)) == len(header):
            table = pcsv.read_csv(
                pa.py_buffer(data)[start:],  # a zero-copy slice; pyarrow checks the UTF-8 itself
                read_options=pcsv.ReadOptions(column_names=header, skip_rows=1),
                parse_options=pcsv.ParseOptions(newlines_in_values=True),
                convert_options=pcsv.ConvertOptions(
                    column_types={h: pa.large_string() for h in header}, strings_can_be_null=False, quoted_strings_can_be_null=False
                ),
            )
            # Read as pandas keeps its Arrow strings (64-bit offsets), so no column is copied into them (0.45 s of
            # CPU a million rows).
            return table.to_pandas(types_mapper={pa.large_string(): pd.StringDtype("pyarrow")}.get)
    except (UnicodeDecodeError, pa.ArrowInvalid, StopIteration):
        pass
    text = _decode(data, name)
    # header=None: the header is just row 1, so a row longer than it is an error
    # (pandas would otherwise quietly turn the extra cells into an index).
    cells = pd.read_csv(io.StringIO(text), header=None, dtype=str, keep_default_na=False, na_filter=False)
    frame = cells.iloc[1:].reset_index(drop=True)
    frame.columns = [str(c) for c in cells.iloc[0]]
    return frame


def _parser_message(msg: str) -> str:
    """pandas says "line 7" for the 7th line of text: that is spreadsheet row 7."""
    return msg.replace("Error tokenizing data. C error: ", "").replace("line", "row").strip()


# ---------------------------------------------------------------- normalising


def per_value(series: pd.Series, fn) -> pd.Series:
    """Apply `fn` (Series -> Series) to each distinct value once and spread the results back.

    Grades, yes/no, statuses, months, cohorts and areas have a handful of distinct values in a
    million rows, so this turns a million-row string operation into a ten-row one."""
    import pyarrow as pa

    codes, uniques = pd.factorize(series)
    mapped = pa.array([str(v) for v in fn(pd.Series(uniques, dtype=object))], type=pa.large_string())  # pandas' own kind
    return pd.Series(pd.array(mapped.take(pa.array(codes)), dtype=pd.StringDtype("pyarrow")), index=series.index)


def lookup(series: pd.Series, mapping: dict[str, str]) -> pd.Series:
    """Map case-insensitively; values not in the mapping are kept as typed (stripped)."""

    def fn(values: pd.Series) -> pd.Series:
        stripped = values.str.strip()
        return stripped.str.lower().map(mapping).fillna(stripped).astype(str)

    return per_value(series, fn)


UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T]00:00(?::00)?)?$")


def _uk_to_iso(text: str) -> str:
    """31/10/2021 -> 2021-10-31 (day first, four-digit year, a real date); anything else unchanged."""
    m = UK_DATE.match(text)
    if not m:
        return text
    day, month, year = (int(g) for g in m.groups())
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return text


def _normalise_month(series: pd.Series, dayfirst: bool = False) -> pd.Series:
    """ "2021-10" stays; an ISO date ("2021-10-31", or Excel's "2021-10-31 00:00:00") becomes its month;
    with `dayfirst`, so does a UK date ("31/10/2021")."""

    def fn(values: pd.Series) -> pd.Series:
        s = values.astype(object).str.strip()
        if dayfirst:
            s = s.map(_uk_to_iso)
        parts = s.str.extract(r"^(\d{4}-\d{2})(?:-(\d{2})(?:[ T]00:00(?::00)?)?)?$")
        has_day = parts[1].notna()
        valid_day = pd.to_datetime(s.where(has_day).str.slice(0, 10), format="%Y-%m-%d", errors="coerce").notna()
        ok = parts[0].notna() & (~has_day | valid_day)
        return parts[0].where(ok, s).astype(str)

    return per_value(series, fn)


def _normalise_date(series: pd.Series, dayfirst: bool = False) -> pd.Series:
    """ISO dates, with Excel's " 00:00:00" dropped (and UK dates read day first when params say so);
    anything else kept for the schema to refuse."""

    def fn(values: pd.Series) -> pd.Series:
        s = values.str.strip()
        if dayfirst:
            s = s.map(_uk_to_iso)
        return s.str.replace(r"^(\d{4}-\d{2}-\d{2})[ T]00:00(?::00)?$", r"\1", regex=True)

    return per_value(series, fn)


PARALLEL_NORMALISE = 100_000  # rows from which the columns are normalised side by side, one per core


def _column_steps(col: str, params: Params) -> list[Callable[[pd.Series], pd.Series]]:
    """What `normalise` does to one column, in order (nothing, for free text: it is never validated or shown)."""
    steps: list[Callable[[pd.Series], pd.Series]] = []
    if col in {"overall_grade", "moderated_grade"} or col.startswith(("grade_", "moderated_grade_")):
        grade_map = {**GRADE_SPELLINGS, **{s: "N/A" for s in NA_SPELLINGS}}
        steps.append(lambda s: lookup(s, grade_map))
    elif col in {"sw_participated", "moderated"}:
        steps.append(lambda s: lookup(s, YES_NO))
    elif col in STRIPPED:
        steps.append(lambda s: s.str.strip())
    dayfirst = params.date_format == "dayfirst"
    if col == "status":

        def status(values: pd.Series) -> pd.Series:
            s = values.str.lower().str.replace(r"[\s\-]+", "_", regex=True)
            return s.where(s.isin(STATUSES), values)

        steps.append(lambda s: per_value(s, status))
    elif col == "audit_month":
        steps.append(lambda s: _normalise_month(s, dayfirst))
    elif col in ("date_distributed", "date_returned"):
        steps.append(lambda s: _normalise_date(s, dayfirst))
    elif col == "cohort":
        cohorts = {k.lower(): k for k in params.cohorts} | {v.lower(): k for k, v in params.cohorts.items()}
        steps.append(lambda s: lookup(s, cohorts))
    elif col == "service_area":
        areas = {" ".join(a.lower().split()): a for a in params.service_areas}
        steps.append(lambda s: lookup(per_value(s, lambda v: v.str.replace(r"\s+", " ", regex=True)), areas))
    return steps


def normalise(raw: pd.DataFrame, params: Params) -> pd.DataFrame:
    """Contract spellings: grades as O/G/RI/I (N/A, blank), yes/no, statuses, months, known names. From
    PARALLEL_NORMALISE rows the columns are normalised side by side, one per core: each is a few distinct values
    worked out and spread back by Arrow's kernels (`per_value`), which leave the interpreter free."""
    df = raw.copy(deep=False)
    work = {col: steps for col in df.columns if (steps := _column_steps(col, params))}

    def one(col: str) -> pd.Series:
        column = df[col]
        for step in work[col]:
            column = step(column)
        return column

    cores = min(len(work), os.cpu_count() or 1) if len(df) >= PARALLEL_NORMALISE else 1
    if cores > 1:
        with ThreadPoolExecutor(max_workers=cores, thread_name_prefix="qa-pack-normalise") as pool:
            done = dict(zip(work, pool.map(one, work)))
    else:
        done = {col: one(col) for col in work}
    for col, column in done.items():
        df[col] = column
    return df


def header_key(header: object) -> str:
    """A header as the contract names columns: trimmed, lower case, inner spaces as underscores
    ("Service Area" -> "service_area"); every contract header is unchanged by this."""
    return "_".join(str(header).split()).lower()


def match_headers(raw: pd.DataFrame, params: Params) -> tuple[pd.DataFrame, dict[str, str], list[Problem]]:
    """Headers trimmed and lower-cased, renamed per params `columns`; duplicates reported."""
    typed: dict[str, str] = {}
    problems: list[Problem] = []
    names = []
    for i, header in enumerate(raw.columns):
        key = header_key(header)
        key = params.columns.get(key, key)
        if key in typed:
            problems.append(
                Problem(1, header.strip(), f"the same column appears twice (also {typed[key]!r}); expected each column once", i)
            )
            key = f"{key}__dup{i}"
        typed[key] = str(header).strip()
        names.append(key)
    return raw.set_axis(names, axis=1), typed, problems


# ---------------------------------------------------------------- validating


def _did_you_mean(value: str, rule: Rule) -> str:
    if not rule.choices or not value.strip() or len(value) > 60:  # difflib is quadratic: a long cell is no near miss
        return ""
    lowered = {c.lower(): c for c in rule.choices}
    match = difflib.get_close_matches(value.strip().lower(), list(lowered), n=1, cutoff=0.6)
    return f" (did you mean {lowered[match[0]]!r}?)" if match else ""


NOT_SHOWN = "a value (not shown: it may identify someone)"
FREE_TEXT_COLUMNS = {"exemption_reason", "non_participation_reason", "strengths", "learning", "team"}
SHOWN_LENGTH = 30
PERSON_NAME = re.compile(r"^[^\W\d_][^\W\d_'’\-]*(?:[\s\-][^\W\d_][^\W\d_'’\-]*)+$")
DIGITS = re.compile(r"\d{3}")


def _id_like(text: str) -> bool:
    """Letters and a run of three or more digits: the shape of most case-management IDs."""
    return bool(DIGITS.search(text)) and any(c.isalpha() for c in text)


def is_private_column(column: str) -> bool:
    """Identifier and free-text columns: their values are never printed in any message."""
    return column in IDENTIFIER_COLUMNS or column in FREE_TEXT_COLUMNS or column.startswith("comment_")


SAFE_SHAPE = re.compile(  # shapes that cannot name anyone: dates, months, small numbers, and the contract's own codes
    r"\d{4}-\d{1,2}(?:-\d{1,2})?|\d{1,2}/\d{1,2}/\d{2,4}|[A-Za-z]{3}-\d{2}|-?\d{1,3}(?:\.\d+)?%?"
    r"|(?i:n/?a|not applicable|yes|no|y|n|true|false)"
)


def _value_text(value: str, column: str = "", known_ids: frozenset[str] = frozenset(), near_miss: bool = False) -> str:
    """A cell as a message may quote it: never from an identifier or free-text column, never an ID from the
    file, nothing shaped like an ID, a name or an e-mail address (unless it is a near miss of an allowed value),
    and never more than 30 characters."""
    text = str(value).strip()
    if not text:
        return "blank"
    if text in EXCEL_ERRORS:
        return f"an Excel error value ({text})"
    if is_private_column(column) or text.lower() in known_ids:
        return NOT_SHOWN
    if near_miss or SAFE_SHAPE.fullmatch(text):  # a near miss of an allowed value, or a date or number shape
        return repr(text if len(text) <= SHOWN_LENGTH else text[:SHOWN_LENGTH] + "…")
    # Anything else may be a name, an ID written another way, a phone number or text from another column: a
    # single capitalised word cannot be told from a surname, so none is quoted (issue 25).
    return NOT_SHOWN


def _known_ids(raw: pd.DataFrame) -> frozenset[str]:
    """Every identifier in the file, lower-cased, so a message never quotes one found in another column."""
    ids: set[str] = set()
    for col in IDENTIFIER_COLUMNS:
        if col in raw:
            ids.update(str(v).strip().lower() for v in pd.unique(raw[col]) if str(v).strip())
    return frozenset(ids)


def failures_to_problems(
    err: SchemaErrors, raw: pd.DataFrame, headers: dict[str, str], rules: dict[str, Rule], order: dict[str, int]
) -> list[Problem]:
    """pandera failure cases -> one Problem per (row, column, rule), in the user's words."""
    fc = err.failure_cases
    problems: list[Problem] = []
    known_ids = _known_ids(raw)
    for check, group in fc.groupby("check", sort=False):
        rule = rules.get(str(check))
        if check == "column_in_dataframe":
            for missing in group["failure_case"]:
                present = [h for k, h in headers.items() if k not in order]
                match = difflib.get_close_matches(str(missing), [p.lower() for p in present], n=1, cutoff=0.7)
                hint = f" (did you mean {match[0]!r}?)" if match else ""
                problems.append(Problem(1, str(missing), f"missing; expected a column headed {missing!r}{bounded(hint, 80)}", -1))
            continue
        if check == "field_uniqueness":
            col = str(group["column"].iloc[0])
            idx = pd.Index(group["index"].astype(int).unique())
            values = raw.loc[idx, col]
            first = values.reset_index().groupby(col, sort=False)["index"].transform("min")
            for i, f in zip(idx, first):
                if i != f:
                    problems.append(
                        Problem(
                            int(i) + 2,
                            headers.get(col, col),
                            f"a duplicated {col} (rows {int(f) + 2} and {int(i) + 2}); expected each {col} only once",
                            order.get(col, 0),
                        )
                    )
            continue
        if rule is None:  # a pandera check we did not name: still say it, plainly
            for _, r in group.iterrows():
                row = int(r["index"]) + 2 if pd.notna(r["index"]) else 1
                col = str(r["column"])
                problems.append(Problem(row, headers.get(col, col), f"failed check {check}", order.get(col, 0)))
            continue
        # Row-wide (DataFrame-level) checks report every column: keep the rule's own column.
        rows = group if rule.column is None else group[group["column"] == rule.column]
        for idx, col in zip(rows["index"].astype(int), rows["column"].astype(str)):
            value = str(raw.at[idx, col])
            hint = _did_you_mean(value, rule)
            problems.append(
                Problem(
                    idx + 2,
                    headers.get(col, col),
                    f"{_value_text(value, col, known_ids, bool(hint))} {rule.problem}; expected {rule.expected}{hint}",
                    order.get(col, 0),
                )
            )
    return problems


def validate(raw_typed: pd.DataFrame, normalised: pd.DataFrame, headers: dict[str, str], params: Params) -> list[Problem]:
    """Run the pandera schema lazily (all problems at once) and word each failure."""
    from pandera.errors import SchemaErrors  # here, not at the top: the notebooks' kernels import this module, never validate

    schema, rules = audits_schema(params, present=set(normalised.columns))
    order = {c: i for i, c in enumerate(base_columns(params))}
    try:
        schema.validate(normalised, lazy=True)
    except SchemaErrors as err:
        return failures_to_problems(err, raw_typed, headers, rules, order)
    return []


def _finish(df: pd.DataFrame, params: Params) -> pd.DataFrame:
    """Typed columns for analysis: booleans for yes/no; absent optional columns as blanks."""
    out = df.copy(deep=False)
    for col in base_columns(params):
        if col not in out:
            out[col] = ""
    out["sw_participated"] = out["sw_participated"].map({"yes": True, "no": False}).astype("boolean")
    out["moderated"] = out["moderated"].eq("yes")
    return out


def _blank_rows(frame: pd.DataFrame) -> pd.Series:
    """Rows whose every cell is empty or spaces. A blank row is blank in its first column, so only
    rows like that are checked across the others."""
    if not len(frame.columns):
        return pd.Series(False, index=frame.index)
    candidate = frame.iloc[:, 0].str.strip().eq("")
    if not candidate.any():
        return candidate
    sub = frame[candidate]
    blank = pd.Series(True, index=sub.index)
    for col in sub.columns:
        blank &= sub[col].str.strip().eq("")
    return blank.reindex(frame.index, fill_value=False)


DATE_COLUMNS = ("audit_month", "date_distributed", "date_returned")


def _date_notes(problems: list[Problem], raw: pd.DataFrame, headers: dict[str, str]) -> list[str]:
    """One line per date column whose failures look like Excel's UK dates, before the row-by-row list."""
    notes = []
    by_header = {h: k for k, h in headers.items()}
    for col in DATE_COLUMNS:
        header = headers.get(col, col)
        rows = [p.row for p in problems if p.column == header and by_header.get(p.column, p.column) == col]
        if len(rows) < 2:
            continue
        values = [str(raw.at[r - 2, col]).strip() for r in rows[:50] if r - 2 in raw.index]
        uk = [v for v in values if UK_DATE.match(v)]
        if len(uk) * 2 >= len(values):
            example = next(r for r in rows if str(raw.at[r - 2, col]).strip() in uk)
            notes.append(
                f"{header}: {len(rows)} rows are not ISO dates, e.g. row {example} "
                f"{_value_text(str(raw.at[example - 2, col]), col)}; this looks like DD/MM/YYYY (Excel's UK format): "
                "set `date_format: dayfirst` in params to read such dates, or save them as YYYY-MM-DD"
            )
    return notes


WARNING_KINDS = {
    "grades_on_unreturned": "grades on a row whose status is not returned or exempt (the grades are not counted)",
    "moderated_grade_without_moderation": "a moderated_grade although moderated is not yes (it is not counted)",
    "future_month": "an audit month later than this month",
}


def find_warnings(frame: pd.DataFrame, headers: dict[str, str], today: date | None = None) -> list[Problem]:
    """Rows that pass the contract but do not add up: counted, listed by row, never silently used."""
    found: list[Problem] = []
    source = frame["source_row"]

    def rows(mask: pd.Series) -> list[int]:  # the rows a mask picks, read in one go (no lookup per row)
        return [int(r) for r in source[mask.to_numpy(dtype=bool)].tolist()]

    grade_cols = [c for c in frame.columns if c == "overall_grade" or c.startswith("grade_")]
    not_returned = frame["status"].ne("returned")
    if grade_cols and not_returned.any():
        graded = frame.loc[not_returned, grade_cols].ne("").any(axis=1).reindex(frame.index, fill_value=False)
        column, message = headers.get("status", "status"), WARNING_KINDS["grades_on_unreturned"]
        found += [Problem(r, column, message) for r in rows(graded)]
    if "moderated_grade" in frame:
        odd = frame["moderated_grade"].ne("") & ~frame["moderated"].astype(bool)
        column, message = headers.get("moderated_grade", "moderated_grade"), WARNING_KINDS["moderated_grade_without_moderation"]
        found += [Problem(r, column, message) for r in rows(odd)]
    this_month = (today or date.today()).strftime("%Y-%m")
    months = frame["audit_month"]
    # Months after the reporting period are not a fault: they are outside this report (AuditData.after_period).
    found += [Problem(r, headers.get("audit_month", "audit_month"), WARNING_KINDS["future_month"]) for r in rows(months.gt(this_month))]
    return sorted(found, key=lambda p: (p.row, p.column))


def warning_counts(warnings: list[Problem]) -> dict[str, int]:
    """How many rows carry each kind of warning, in the words the report uses."""
    counts: dict[str, int] = {}
    for w in warnings:
        counts[w.message] = counts.get(w.message, 0) + 1
    return counts


def _utf8(data: bytes) -> bool:
    """Whether every byte of the file is UTF-8 (so `load_audits` read it as UTF-8, not as Windows-1252)."""
    if data.isascii():
        return True
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for at in range(0, len(data), 1 << 24):
            decoder.decode(data[at : at + (1 << 24)])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def load_identifiers(
    path: str | Path, params: Params, recorded: dict[str, object], read: tuple[bytes, str] | None = None
) -> AuditData | None:
    """A re-run's quick read of a file already validated: only its identifier columns, for the privacy checks
    (the QA lead's words and every output are searched for them). `recorded` is the summary made when the file
    was validated (the run cache's figures carry it; their key holds the file's SHA-256, the params, the code and
    the month, so validating the same bytes again would find what it found then). The bytes read are checked
    against the SHA-256 recorded; the identifiers are read and trimmed as `load_audits` reads them, the rows with
    no audit ID left out (in a valid file only the blank rows have none), and their number checked against the
    rows used then. None, for the caller to validate the file in full, when anything differs or the file is not
    a UTF-8 CSV with one header per column. `read`: the file's bytes and their SHA-256, when the run has read
    and hashed them already (the run cache's `take_audits`), so that a million rows are not read and hashed twice."""
    path = Path(path)
    if path.name != recorded.get("file") or path.suffix.lower() not in QUICK_SUFFIXES or not path.is_file():
        return None
    read = read or read_with_sha256(path)
    if read[1] != recorded.get("sha256"):
        return None  # other bytes: nothing to parse
    return _identifiers_read(path, params, read)(recorded)


def identifiers_meanwhile(
    path: str | Path, params: Params, read: tuple[bytes, str] | None = None, hashed: Future[str] | None = None
) -> QuickRead:
    """`load_identifiers`, begun before the summary it is checked against is known: the identifier columns are
    read and keyed (`identifier_keys`) in a daemon thread, mostly in Arrow's kernels, while the caller decodes
    the run cache's figures (which carry the summary); calling what it returns waits for the thread and makes
    the same checks, with the same answer. A failure in the thread is None: the caller then validates in full.
    `hashed`: when `read`'s bytes are handed over before their SHA-256 is known (`files.audits_read_for_key`'s
    `meanwhile`; `read` then holds ""), the future of that SHA-256, which the checks then use."""
    future: Future[_IdentifiersRead] = Future()
    unwanted = threading.Event()

    def work() -> None:
        try:
            checked = _identifiers_read(path, params, read)
            quick = checked.frame
            if unwanted.is_set():  # the run validates in full: nothing more is worked out, nothing kept
                checked.frame = None
            elif quick is not None:
                keys: Future[IdentifierKeys] = Future()
                keys.set_result(identifier_keys(*(quick[c] for c in IDENTIFIER_COLUMNS if c in quick)))
                checked.keys = keys
            future.set_result(checked)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller, who validates in full
            future.set_exception(exc)

    threading.Thread(target=work, name="qa-pack-quick-identifiers", daemon=True).start()
    return QuickRead(future, hashed, unwanted)


@dataclass(frozen=True)
class QuickRead:
    """A quick read of the identifiers begun in a thread (`identifiers_meanwhile`). Called with the summary
    recorded when the file was validated: its answer (None: validate in full). `cancel`: its answer is not
    wanted (the run validates in full), so the thread keys nothing once its read is done."""

    _future: Future[_IdentifiersRead]
    _hashed: Future[str] | None
    _unwanted: threading.Event

    def __call__(self, recorded: dict[str, object]) -> AuditData | None:
        try:
            checked = self._future.result()
            return (replace(checked, sha=self._hashed.result()) if self._hashed is not None else checked)(recorded)
        except Exception:  # noqa: BLE001 - the quick read is only ever a shortcut
            return None

    def cancel(self) -> None:
        self._unwanted.set()


@dataclass
class _IdentifiersRead:
    """A CSV's identifier columns read (`frame`, None when the file cannot be read quickly) from bytes with this
    SHA-256, to be checked against the summary recorded when it was validated (calling it)."""

    path: Path
    sha: str
    frame: pd.DataFrame | None
    keys: Future[IdentifierKeys] | None = None

    def __call__(self, recorded: dict[str, object]) -> AuditData | None:
        frame = self.frame
        if frame is None or self.sha != recorded.get("sha256") or recorded.get("file") != self.path.name:
            return None
        if len(frame) != recorded.get("rows_used"):
            return None
        rejected = recorded.get("rejected") or []
        return AuditData(
            frame=frame,
            file=self.path.name,
            sha256=self.sha,
            rows_read=int(str(recorded.get("rows_read", 0))),
            rejected=[(int(r["row"]), str(r["reason"])) for r in rejected] if isinstance(rejected, list) else [],
            after_period=int(str(recorded.get("after_period", 0))),
            recorded=dict(recorded),
            keys_started=self.keys,
        )


def _identifiers_read(path: str | Path, params: Params, read: tuple[bytes, str] | None) -> _IdentifiersRead:
    """The identifier columns of a UTF-8 CSV with one header per column, read and trimmed as `load_audits` reads
    them, the rows with no audit ID left out; no frame for any other file."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    path = Path(path)
    if path.suffix.lower() not in QUICK_SUFFIXES or not path.is_file():
        return _IdentifiersRead(path, "", None)
    prefer_jemalloc()
    data, sha = read or read_with_sha256(path)
    if not _utf8(data):
        return _IdentifiersRead(path, sha, None)
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    end = data.find(b"\n", start)
    try:
        header = next(csv.reader([data[start : end if end >= 0 else None].decode("utf-8").rstrip("\r")]))
        keys = [params.columns.get(header_key(h), header_key(h)) for h in header]
        if len(set(keys)) != len(keys) or len(set(header)) != len(header) or "audit_id" not in keys:
            return _IdentifiersRead(path, sha, None)
        wanted = {h: k for h, k in zip(header, keys) if k in IDENTIFIER_COLUMNS}
        table = pcsv.read_csv(
            pa.py_buffer(data)[start:],
            read_options=pcsv.ReadOptions(column_names=header, skip_rows=1),
            parse_options=pcsv.ParseOptions(newlines_in_values=True),
            convert_options=pcsv.ConvertOptions(
                column_types={h: pa.large_string() for h in wanted},  # pandas' own Arrow strings: no copy
                include_columns=list(wanted),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (UnicodeDecodeError, pa.ArrowInvalid, StopIteration):
        return _IdentifiersRead(path, sha, None)
    frame = table.to_pandas(types_mapper={pa.large_string(): pd.StringDtype("pyarrow")}.get).astype(str).rename(columns=wanted)
    for col in frame.columns:
        frame[col] = frame[col].str.strip()
    return _IdentifiersRead(path, sha, frame[frame["audit_id"].ne("")].reset_index(drop=True))


def keyed_in_thread(frame: pd.DataFrame) -> Future[IdentifierKeys]:
    """Start keying the identifiers in `frame` (`identifier_keys`: about 1.6 s and 2.4 s of CPU at a million rows,
    mostly in Arrow's kernels, which leave the interpreter free) in a daemon thread, which never holds up an
    interrupted run's exit, and return its future. The columns are taken here; the thread only reads them."""
    columns = [frame[c] for c in IDENTIFIER_COLUMNS if c in frame]
    future: Future[IdentifierKeys] = Future()

    def key() -> None:
        try:
            future.set_result(identifier_keys(*columns))
        except BaseException as exc:  # noqa: BLE001 - handed to whoever waits: `AuditData.identifier_keys` keys again
            future.set_exception(exc)

    threading.Thread(target=key, name="qa-pack-identifier-keys", daemon=True).start()
    return future


def load_audits(
    path: str | Path, params: Params, sheet: str | None = None, period_end: str | None = None, keys_meanwhile: bool = False
) -> AuditData:
    """Read, normalise and validate an audits file; raise ValidationFailed listing every problem.

    Entirely blank rows (common at the end of a spreadsheet) are not audits: they
    are counted as rejected, with their row numbers, so rows in = used + rejected.
    Rows that are valid but inconsistent come back as warnings (`find_warnings`).

    `keys_meanwhile` (a run, which searches everything it writes for the identifiers): the identifiers are keyed
    in a thread from the normalised rows while they are validated, on the core validation leaves idle. A file
    that passes keeps exactly those rows, with those identifier columns, so the keys are the validated data's.
    """
    path = Path(path)
    name = path.name
    raw, sha256 = read_raw_hashed(path, sheet)
    raw_typed, headers, problems = match_headers(raw, params)
    blank = _blank_rows(raw_typed)
    rejected = [(int(i) + 2, "blank row") for i in raw_typed.index[blank]]
    rows = raw_typed[~blank] if blank.any() else raw_typed
    report = ValidationReport(file=name, rows_read=len(raw_typed))
    if rows.empty and not problems:
        problems.append(Problem(2, "(all)", "no audit rows; expected one row per audit under the header row"))
    normalised = normalise(rows, params)
    keys = keyed_in_thread(normalised) if keys_meanwhile and not problems else None
    problems += validate(rows, normalised, headers, params)
    if problems:
        report.problems = sorted(problems, key=lambda p: (p.row, p.col_order, p.column))
        report.notes = _date_notes(report.problems, rows, headers)
        raise ValidationFailed(report)
    frame = _finish(normalised, params)
    frame.insert(0, "source_row", (rows.index + 2).astype("int64"))
    frame = frame.reset_index(drop=True)
    period_end = period_end or (params.period.end if params.period else None)
    return AuditData(
        frame=frame,
        file=name,
        sha256=sha256,
        rows_read=len(raw_typed),
        rejected=rejected,
        warnings=find_warnings(frame, headers),
        after_period=int(frame["audit_month"].gt(period_end).sum()) if period_end else 0,
        keys_started=keys,
    )
