"""Calibration exercises: how far auditors agree when they grade the same anonymised cases, computed once.

For each exercise and each of the overall grade and the practice standards ("items"):
- `cases`: cases at least two auditors graded on the item (N/A and blank left out); `raters`: auditors who did;
- `exact_agreement_pct`: of every pair of auditors grading the same case, the % who gave the same grade;
- `alpha_ordinal`: Krippendorff's alpha with the ordinal metric (the `krippendorff` package);
- `ac2_ordinal`: Gwet's AC2 with ordinal weights, with its 95% interval (`qa_lib.stats.ac2_raters`).
Each auditor's grades are also set against the group's grade for the case: the modal grade of everyone who graded
it (a tie goes to the tied grade nearest the median; a tie that leaves is left out). An auditor's steps from it are
+ when the auditor graded higher (better) than the group, - when lower (harsher). Auditors appear only as codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from qa_lib.inputs.load import load_audits
from qa_lib.inputs.params import Params
from qa_lib.inputs.schema import GRADES
from qa_lib.sections.calibration.load import CalibrationData, load_calibration
from qa_lib.sections.grades.auditors import auditor_codes
from qa_lib.sections.grades.moderation import RANK  # 0 = Outstanding ... 3 = Inadequate
from qa_lib.stats import raters_agreement, round_half_up

AGREEMENT_COLUMNS = ["exercise_id", "standard", "cases", "raters", "alpha_ordinal", "ac2_ordinal", "exact_agreement_pct"]
RELIABLE, TENTATIVE = 0.800, 0.667  # Krippendorff's guide: rely on alpha >= .800; draw tentative conclusions from .667
NOTICEABLE = 0.5  # an auditor half a grade step or more from the group's grade on average is said to differ
MIN_GRADINGS = 10  # fewer gradings with a group grade than this: an auditor's position is not read


@dataclass(frozen=True)
class CalibrationFigures:
    """Every figure of the calibration report. `agreement`: the contract's calibration_agreement columns plus
    `ac2_low` and `ac2_high`, one row per exercise and item (`overall` first, then standards in params order);
    `positions`: per auditor code and exercise (and "all" exercises), gradings set against a group grade, the %
    at the group's grade and the mean steps from it. No auditor ID is held here."""

    file: str
    rows_read: int
    rows_used: int
    rows_rejected: int
    exercises: tuple[str, ...]
    items: tuple[str, ...]  # "overall" and the standards the file grades
    agreement: pd.DataFrame
    positions: pd.DataFrame


def item_column(item: str) -> str:
    return "overall_grade" if item == "overall" else f"grade_{item}"


def ratings(frame: pd.DataFrame, item: str) -> pd.DataFrame:
    """Cases x auditors grade ranks for one exercise's item (NaN where an auditor gave none, N/A or blank)."""
    ranks = frame[item_column(item)].map(RANK)
    return frame.assign(rank=ranks).pivot_table(index="case_ref", columns="auditor_id", values="rank", aggfunc="first", sort=False)


def agreement(frame: pd.DataFrame, exercises: list[str], items: list[str]) -> pd.DataFrame:
    """The contract's calibration_agreement rows (with AC2's interval), exercise by exercise in file order."""
    rows = []
    for ex in exercises:
        part = frame[frame["exercise_id"] == ex]
        for item in items:
            found = raters_agreement(ratings(part, item).to_numpy(dtype=float), len(GRADES))
            rows.append(
                {
                    "exercise_id": ex,
                    "standard": item,
                    "cases": found.units,
                    "raters": found.raters,
                    "alpha_ordinal": found.alpha,
                    "ac2_ordinal": found.ac2,
                    "exact_agreement_pct": found.exact,
                    "ac2_low": found.ac2_low,
                    "ac2_high": found.ac2_high,
                }
            )
    return pd.DataFrame(rows, columns=[*AGREEMENT_COLUMNS, "ac2_low", "ac2_high"])


def group_grade(ranks: pd.Series) -> float:
    """The group's grade for a case: the most common grade among those given; a tie goes to the tied grade
    nearest the median of all the grades, and a tie that leaves (two grades equally near) gives NaN, as does a
    case fewer than two auditors graded (one auditor is no group)."""
    given = ranks.dropna()
    if len(given) < 2:
        return float("nan")
    counts = given.value_counts()
    modes = counts[counts == counts.max()].index.to_numpy(dtype=float)
    if len(modes) == 1:
        return float(modes[0])
    median = float(given.median())
    distance = np.abs(modes - median)
    nearest = modes[distance == distance.min()]
    return float(nearest[0]) if len(nearest) == 1 else float("nan")


def steps_from_group(frame: pd.DataFrame, exercises: list[str], items: list[str]) -> pd.DataFrame:
    """Every grading with a group grade: exercise, auditor_id, item and steps (+ = the auditor graded higher)."""
    parts = []
    for ex in exercises:
        part = frame[frame["exercise_id"] == ex]
        for item in items:
            table = ratings(part, item)
            if table.shape[1] < 2:
                continue
            group = table.apply(group_grade, axis=1)
            diff = (group.to_numpy()[:, None] - table).stack().dropna().rename("steps").reset_index()  # a lower rank is a better grade
            parts.append(diff.assign(exercise_id=ex, item=item))
    if not parts:
        return pd.DataFrame(columns=["case_ref", "auditor_id", "steps", "exercise_id", "item"])
    return pd.concat(parts, ignore_index=True)


def positions(frame: pd.DataFrame, exercises: list[str], items: list[str], codes: dict[str, str]) -> pd.DataFrame:
    """Per auditor code and exercise (then "all"): gradings with a group grade, how many matched it, the % and
    the mean steps from it. Codes only: the ID is dropped here."""
    steps = steps_from_group(frame, exercises, items)
    steps = steps.assign(code=steps["auditor_id"].map(codes)).drop(columns="auditor_id")
    both = pd.concat([steps, steps.assign(exercise_id="all")], ignore_index=True)
    out = (
        both.groupby(["code", "exercise_id"], sort=False)["steps"]
        .agg(gradings="size", at_group=lambda s: int((s == 0).sum()), mean_steps="mean")
        .reset_index()
    )
    out["pct_at_group"] = 100.0 * out["at_group"] / out["gradings"]
    order = {c: i for i, c in enumerate(sorted(set(out["code"]), key=lambda c: (len(c), c)))}
    ex_order = {e: i for i, e in enumerate([*exercises, "all"])}
    out = out.sort_values(["code", "exercise_id"], key=lambda s: s.map(order) if s.name == "code" else s.map(ex_order))
    return out.reset_index(drop=True).astype({"gradings": "int64", "at_group": "int64"})


def compute(data: CalibrationData, codes: dict[str, str]) -> CalibrationFigures:
    """The calibration report's figures from a checked calibration file (`load_calibration`); `codes` must
    give every auditor in it a code (`qa_lib.sections.grades.auditors.auditor_codes`)."""
    frame, exercises = data.frame, data.exercises
    items = ["overall", *data.standards]
    return CalibrationFigures(
        file=data.file,
        rows_read=data.rows_read,
        rows_used=len(frame),
        rows_rejected=len(data.rejected),
        exercises=tuple(exercises),
        items=tuple(items),
        agreement=agreement(frame, exercises, items),
        positions=positions(frame, exercises, items, codes),
    )


def contract_table(figures: CalibrationFigures) -> pd.DataFrame:
    """`calibration_agreement.csv`: coefficients to three decimals, the % to one (blank where undefined)."""
    t = figures.agreement[AGREEMENT_COLUMNS].copy()
    for col in ("alpha_ordinal", "ac2_ordinal"):
        t[col] = round_half_up(t[col], 3)
    t["exact_agreement_pct"] = round_half_up(t["exact_agreement_pct"], 1)
    return t


def calibration_figures(params: Params, calibration: Path, audits: Path | None = None) -> CalibrationFigures:
    """The calibration file checked and its figures computed. Auditors' codes follow the audits file's history
    (params `audits:` or `audits`), so an auditor has the same code here as in the grades report; the audits
    file's child IDs are refused as case references."""
    source = audits or params.audits
    frame = (
        load_audits(source, params, sheet=params.sheet).frame if source is not None else pd.DataFrame({"auditor_id": [], "audit_month": []})
    )
    children = set(frame["child_id"]) if "child_id" in frame else None
    data = load_calibration(calibration, params, children)
    return compute(data, auditor_codes(frame, data.auditors))


def identifiers_of(params: Params, calibration: Path, audits: Path | None = None) -> set[str]:
    """Every identifier a calibration report must never show: the auditors' IDs in the calibration file, and
    every ID in params' audits file (children, social workers, auditors, audits) when there is one."""
    from qa_lib.inputs.schema import IDENTIFIER_COLUMNS

    source = audits or params.audits
    frame = load_audits(source, params, sheet=params.sheet).frame if source is not None else pd.DataFrame()
    ids = {str(v) for col in IDENTIFIER_COLUMNS if col in frame for v in frame[col].dropna()}
    return ids | {str(a) for a in load_calibration(calibration, params, None).auditors}
