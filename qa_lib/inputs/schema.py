"""The audits file's contract as a pandera schema, one named rule per check.

Each check's `error` is a rule key; `Rule` says, in the user's words, what the
problem is and what was expected, so `qa_lib.inputs.load` can word every failure.
The schema runs on the normalised frame (grades as O/G/RI/I, yes/no, statuses,
months as YYYY-MM); values that could not be normalised are left as typed and fail here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from qa_lib.inputs.params import Params

if TYPE_CHECKING:
    import pandera.pandas as pa

GRADES = ("O", "G", "RI", "I")
GRADE_LABELS = {"O": "Outstanding", "G": "Good", "RI": "Requires Improvement", "I": "Inadequate"}
GRADE_SPELLINGS = {
    "outstanding": "O",
    "o": "O",
    "good": "G",
    "g": "G",
    "requires improvement": "RI",
    "requires improvement to be good": "RI",
    "ri": "RI",
    "inadequate": "I",
    "i": "I",
}
NA_SPELLINGS = ("n/a", "na", "not applicable")
YES_NO = {"yes": "yes", "y": "yes", "true": "yes", "1": "yes", "no": "no", "n": "no", "false": "no", "0": "no"}
STATUSES = ("returned", "not_returned", "exempt")

GRADE_CHOICES = ("Outstanding", "Good", "Requires Improvement", "Requires improvement to be good", "Inadequate")
GRADE_WORDS = "Outstanding, Good, Requires Improvement or Inadequate"

IDENTIFIER_COLUMNS = ("audit_id", "child_id", "social_worker_id", "auditor_id")
OPTIONAL_COLUMNS = (
    "team",
    "auditor_id",
    "exemption_reason",
    "non_participation_reason",
    "strengths",
    "learning",
    "moderated",
    "moderated_grade",
    "date_distributed",
    "date_returned",
)


@dataclass(frozen=True)
class Rule:
    """What a failed check means: '<value> <problem>; expected <expected>'."""

    problem: str
    expected: str
    choices: tuple[str, ...] = ()
    column: str | None = None  # for row-wide checks: the column to report


def grade_after_moderation(audits: pd.DataFrame) -> pd.Series:
    """Each audit's overall grade after moderation (the data contract's derived figure): the moderator's grade
    where the audit was moderated and a moderated grade is given, else the auditor's. The one definition, for
    the grades after moderation, re-audits and the sample's re-audit rule."""
    moderated = audits["moderated"].astype(bool) & audits["moderated_grade"].ne("")
    return audits["moderated_grade"].where(moderated, audits["overall_grade"])


def standard_columns(params: Params) -> list[str]:
    return [f"grade_{k}" for k in params.standards]


def moderated_standard_columns(params: Params) -> list[str]:
    """The moderator's grade for each standard (optional: per-standard agreement)."""
    return [f"moderated_grade_{k}" for k in params.standards]


def required_columns(params: Params) -> list[str]:
    """Columns every audits file must have (the contract's 'yes' and 'for returned rows')."""
    return [
        "audit_id",
        "audit_month",
        "cohort",
        "child_id",
        "social_worker_id",
        "service_area",
        "status",
        "sw_participated",
        "overall_grade",
        *standard_columns(params),
    ]


def base_columns(params: Params) -> list[str]:
    """Every contract column, in the order problems are listed within a row."""
    comments = [f"comment_{k}" for k in params.standards]
    return [*required_columns(params), *OPTIONAL_COLUMNS, *comments]


def _not_blank(s: pd.Series) -> pd.Series:
    return s.ne("")


def _in(values: tuple[str, ...] | list[str], allow_blank: bool) -> Callable[[pd.Series], pd.Series]:
    allowed = set(values) | ({""} if allow_blank else set())
    return lambda s: s.isin(allowed)


def audits_schema(params: Params, present: set[str]) -> tuple[pa.DataFrameSchema, dict[str, Rule]]:
    """The pandera schema for this council's params, and the wording of each rule."""
    import pandera.pandas as pa  # here, not at the top: the notebooks' kernels import this module for its constants only

    rules: dict[str, Rule] = {}

    def check(key: str, fn, rule: Rule) -> pa.Check:
        rules[key] = rule
        return pa.Check(fn, error=key, element_wise=False)

    cohorts = tuple(params.cohorts)
    areas = params.service_areas
    blank_rule = lambda what: Rule("is not allowed", what)
    columns: dict[str, pa.Column] = {
        "audit_id": pa.Column(str, [check("blank:audit_id", _not_blank, blank_rule("an audit ID on every row"))], unique=True),
        "audit_month": pa.Column(
            str,
            [
                check(
                    "month",
                    lambda s: s.str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])"),
                    Rule("is not a month", "YYYY-MM, e.g. 2021-10 (or an ISO date such as 2021-10-31)"),
                )
            ],
        ),
        "cohort": pa.Column(
            str,
            [
                check(
                    "cohort",
                    _in(cohorts, False),
                    Rule(
                        "is not a cohort in params",
                        " or ".join([", ".join(cohorts[:-1]), cohorts[-1]]) if len(cohorts) > 1 else cohorts[0],
                        tuple(cohorts) + tuple(params.cohorts.values()),
                    ),
                )
            ],
        ),
        "child_id": pa.Column(str, [check("blank:child_id", _not_blank, blank_rule("a pseudonymised child ID on every row"))]),
        "social_worker_id": pa.Column(str, [check("blank:social_worker_id", _not_blank, blank_rule("a social worker ID on every row"))]),
        "service_area": pa.Column(
            str,
            [
                check(
                    "service_area",
                    _in(areas, False),
                    Rule("is not a service area in params", ", ".join(areas[:-1]) + " or " + areas[-1], tuple(areas)),
                )
            ],
        ),
        "status": pa.Column(
            str,
            [
                check(
                    "status",
                    _in(STATUSES, False),
                    Rule("is not a status", "returned, not_returned or exempt", (*STATUSES, "not returned")),
                )
            ],
        ),
        "sw_participated": pa.Column(
            str,
            [
                check(
                    "yes_no:sw_participated",
                    _in(("yes", "no"), True),
                    Rule("is not yes or no", "yes or no (or y/n, true/false, 1/0)", ("yes", "no")),
                )
            ],
        ),
        "overall_grade": pa.Column(
            str, [check("grade:overall_grade", _in(GRADES, True), Rule("is not a grade", GRADE_WORDS, GRADE_CHOICES))]
        ),
    }
    std_rule = Rule(
        "is not a grade", "Outstanding, Good, Requires Improvement, Inadequate or N/A", (*GRADE_CHOICES, "N/A", "Not applicable")
    )
    for col in standard_columns(params):
        columns[col] = pa.Column(str, [check(f"grade:{col}", _in((*GRADES, "N/A"), True), std_rule)])
    optional = {
        "moderated": pa.Column(
            str,
            [
                check(
                    "yes_no:moderated",
                    _in(("yes", "no"), True),
                    Rule("is not yes or no", "yes, no or blank (blank means no)", ("yes", "no")),
                )
            ],
            required=False,
        ),
        "moderated_grade": pa.Column(
            str, [check("grade:moderated_grade", _in(GRADES, True), Rule("is not a grade", GRADE_WORDS, GRADE_CHOICES))], required=False
        ),
    }
    for col in moderated_standard_columns(params):
        optional[col] = pa.Column(str, [check(f"grade:{col}", _in((*GRADES, "N/A"), True), std_rule)], required=False)
    for col in ("date_distributed", "date_returned"):
        optional[col] = pa.Column(
            str,
            [
                check(
                    f"date:{col}",
                    lambda s: s.eq("") | pd.to_datetime(s, format="%Y-%m-%d", errors="coerce").notna(),
                    Rule("is not a date", "an ISO date such as 2021-10-31, or blank"),
                )
            ],
            required=False,
        )
    columns.update(optional)

    row_checks: list[pa.Check] = []

    def needs(col: str, when: str, fn, rule: Rule) -> None:
        if col in present and all(c in present for c in when.split(",")):
            row_checks.append(check(f"needs:{col}", fn, rule))

    needs(
        "sw_participated",
        "status",
        lambda d: d["status"].ne("returned") | d["sw_participated"].ne(""),
        Rule("on a returned audit", "yes or no: did the social worker take part in the audit conversation?", column="sw_participated"),
    )
    needs(
        "overall_grade",
        "status",
        lambda d: d["status"].ne("returned") | d["overall_grade"].ne(""),
        Rule("on a returned audit", f"the auditor's overall grade: {GRADE_WORDS}", column="overall_grade"),
    )
    needs(
        "moderated_grade",
        "moderated",
        lambda d: d["moderated"].ne("yes") | d["moderated_grade"].ne(""),
        Rule("although moderated is yes", f"the grade after moderation: {GRADE_WORDS}", column="moderated_grade"),
    )
    if "moderated" in present and "moderated_grade" not in present:
        row_checks.append(
            check(
                "needs:moderated_grade:column",
                lambda d: d["moderated"].ne("yes"),
                Rule("but there is no moderated_grade column", "a moderated_grade column when any audit is moderated", column="moderated"),
            )
        )

    schema = pa.DataFrameSchema(columns, checks=row_checks, strict=False, coerce=False)
    return schema, rules
