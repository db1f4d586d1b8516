"""The report's one family of claims. Every test whose result can put a word ("rose", "fell", "beyond chance",
"an improving picture") or a mark (↑ ↓) anywhere in a report is corrected together, by Benjamini-Hochberg
across the whole report, so that when nothing has truly changed the chance that a report claims anything at
all stays near 5%, however many standards, months and cohorts it compares.

The tests: each standard's month-on-month change in % good or outstanding and in % requires improvement (the
standards table's marks and the month paragraphs), each standard's change from the period's first graded month
to its last (the standards sentences and the key messages), each cohort's standards against its previous
audit (the comparator sections and their "picture"), and agreement between auditors and moderators from one
measured month to the next (the moderation sentences). Each section still reports its own within-family q for
analysts (`q_value` in changes.csv); every word and mark follows `q_report`.
"""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import pandas as pd

from qa_lib.sections.comparators import figures as comparators
from qa_lib.sections.standards import figures as standards
from qa_lib.stats import bh_q


def report_family(std: Any, comp: Any, grades: Any = None) -> tuple[Any, Any, Any]:
    """The standards' figures (`moves`, `trends`), comparators' (`cohorts`, each with its `comparison`) and the
    grades' month-to-month agreement changes (`agreement_changes`) with `q_report` beside every q, and every
    mark, reading and picture re-read from it: the same objects, replaced."""
    moves, trends = std.moves.copy(), std.trends.copy()
    cohorts = [c.comparison.copy() for c in comp.cohorts]
    slots: list[tuple[pd.DataFrame, str, str]] = [(moves, "go_p", "go_q_report"), (moves, "ri_p", "ri_q_report"), (trends, "p", "q_report")]
    slots += [(c, "p", "q_report") for c in cohorts]
    agreement = grades.agreement_changes.copy() if grades is not None else None
    if agreement is not None:
        agreement["q"] = pd.Series(bh_q(agreement["p"].tolist()), index=agreement.index, dtype=float)  # within its own family
        slots.append((agreement, "p", "q_report"))
    p_values = [p for frame, p_col, _ in slots for p in frame[p_col].tolist()]
    q_values = bh_q(p_values)
    at = 0
    for frame, _, q_col in slots:
        frame[q_col] = pd.Series(q_values[at : at + len(frame)], index=frame.index, dtype=float)
        at += len(frame)
    for label in ("go", "ri"):
        moves[f"{label}_mark"] = [standards.mark(q, c) for q, c in zip(moves[f"{label}_q_report"], moves[f"{label}_change"])]
    trends["reading"] = standards.trend_readings(trends, moves, "q_report")
    new_cohorts = []
    for c, cmp in zip(comp.cohorts, cohorts):
        cmp["reading"] = comparators.readings(cmp, "q_report") if not cmp.empty else pd.Series(dtype=object)
        new_cohorts.append(_with(c, comparison=cmp, picture=comparators.picture(cmp)))
    new_grades = _with(grades, agreement_changes=agreement) if grades is not None else None
    new_comp = _with(comp, cohorts=tuple(new_cohorts))
    new_std = _with(std, moves=moves, trends=trends)
    return _with(new_std, family=family_size(new_std, new_comp, new_grades)), new_comp, new_grades


def family_size(std: Any, comp: Any, grades: Any = None) -> int:
    """How many tests are in the report's one family: every one that could put a word or mark in the report."""
    n = int(std.moves["go_p"].notna().sum() + std.moves["ri_p"].notna().sum() + std.trends["p"].notna().sum())
    n += int(grades.agreement_changes["p"].notna().sum()) if grades is not None else 0
    return n + sum(int(c.comparison["p"].notna().sum()) for c in comp.cohorts if not c.comparison.empty)


def _with(obj: Any, **changes: Any) -> Any:
    """A frozen dataclass replaced, or a namespace copied, with `changes`."""
    if isinstance(obj, SimpleNamespace):
        return SimpleNamespace(**{**vars(obj), **changes})
    return replace(obj, **changes)
