"""The caseload file (data contract section 2): read, normalise and validate, with the same
errors as the audits file (file, spreadsheet row, column, what was expected)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from qa_lib.errors import ValidationFailed
from qa_lib.files import file_sha256
from qa_lib.inputs.load import Problem, ValidationReport, failures_to_problems, lookup, match_headers, read_raw
from qa_lib.inputs.params import Params
from qa_lib.inputs.schema import Rule

PLAN_TYPES = ("none", "cin", "cp", "cla", "care_leaver")
PLAN_SPELLINGS = {p: p for p in PLAN_TYPES} | {  # after spaces and hyphens become underscores
    "no_plan": "none",
    "child_in_need": "cin",
    "child_protection": "cp",
    "looked_after": "cla",
    "child_looked_after": "cla",
    "children_looked_after": "cla",
    "care_leavers": "care_leaver",
    "": "",
}
REQUIRED = ["child_id", "social_worker_id", "service_area", "plan_type"]
OPTIONAL = ["team", "assessment_outcome"]


@dataclass
class Caseload:
    frame: pd.DataFrame
    file: str
    sha256: str
    rows_read: int
    rejected: list[tuple[int, str]]


def _schema(params: Params) -> tuple[pa.DataFrameSchema, dict[str, Rule]]:
    rules: dict[str, Rule] = {}

    def check(key: str, fn, rule: Rule) -> pa.Check:
        rules[key] = rule
        return pa.Check(fn, error=key)

    areas = params.service_areas
    not_blank = lambda s: s.ne("")
    schema = pa.DataFrameSchema(
        {
            "child_id": pa.Column(
                str, [check("blank:child_id", not_blank, Rule("is not allowed", "a pseudonymised child ID on every row"))]
            ),
            "social_worker_id": pa.Column(
                str, [check("blank:social_worker_id", not_blank, Rule("is not allowed", "a social worker ID on every row"))]
            ),
            "service_area": pa.Column(
                str,
                [
                    check(
                        "service_area",
                        lambda s: s.isin(set(areas)),
                        Rule("is not a service area in params", ", ".join(areas[:-1]) + " or " + areas[-1], tuple(areas)),
                    )
                ],
            ),
            "plan_type": pa.Column(
                str,
                [
                    check(
                        "plan_type",
                        lambda s: s.isin(set(PLAN_TYPES)),
                        Rule("is not a plan type", "none, cin, cp, cla or care_leaver", PLAN_TYPES),
                    )
                ],
            ),
        },
        strict=False,
    )
    return schema, rules


def load_caseload(path: str | Path, params: Params, sheet: str | None = None) -> Caseload:
    """Read and validate a caseload file; raise ValidationFailed listing every problem."""
    path = Path(path)
    raw = read_raw(path, sheet)
    typed, headers, problems = match_headers(raw, params)
    blank = typed.apply(lambda s: s.str.strip().eq("")).all(axis=1) if len(typed.columns) else pd.Series(False, index=typed.index)
    rows = typed[~blank]
    df = rows.apply(lambda s: s.str.strip())
    if "plan_type" in df:
        df["plan_type"] = lookup(df["plan_type"].str.strip().str.replace(r"[\s\-]+", "_", regex=True), PLAN_SPELLINGS)
    if "service_area" in df:
        areas = {" ".join(a.lower().split()): a for a in params.service_areas}
        df["service_area"] = lookup(df["service_area"].str.replace(r"\s+", " ", regex=True), areas)
    schema, rules = _schema(params)
    order = {c: i for i, c in enumerate(REQUIRED + OPTIONAL)}
    try:
        schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as err:
        problems += failures_to_problems(err, rows, headers, rules, order)
    if rows.empty and not problems:
        problems.append(Problem(2, "(all)", "no caseload rows; expected one row per open child and plan"))
    if problems:
        raise ValidationFailed(
            ValidationReport(file=path.name, rows_read=len(typed), problems=sorted(problems, key=lambda p: (p.row, p.col_order, p.column)))
        )
    for col in OPTIONAL:
        if col not in df:
            df[col] = ""
    df.insert(0, "source_row", (rows.index + 2).astype("int64"))
    return Caseload(
        frame=df.reset_index(drop=True),
        file=path.name,
        sha256=file_sha256(path),
        rows_read=len(typed),
        rejected=[(int(i) + 2, "blank row") for i in typed.index[blank]],
    )
