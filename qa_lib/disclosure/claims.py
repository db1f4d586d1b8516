"""A wider pack's claims: the same tests as the internal report's (`qa_lib.figures.claims`), on the standards
and cohorts whose counts are all shown, corrected together in one family for that report. Nothing here rests
on a hidden count."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import pandas as pd

from qa_lib.disclosure.published import PublishedFigures
from qa_lib.figures.claims import report_family
from qa_lib.sections.comparators import figures as comparators
from qa_lib.sections.standards import figures as standards

STANDARD_COUNTS = ["graded", "good_or_outstanding", "requires_improvement", "inadequate"]


@dataclass(frozen=True)
class PublishedClaims:
    """A wider pack's claims: the same tests, on the standards and cohorts whose counts are all shown, in one
    family for that report. `shown` the standards table it tests; `comparisons` per cohort: the shown rows,
    their comparison and the standards left out."""

    shown: pd.DataFrame
    moves: pd.DataFrame
    trends: pd.DataFrame
    comparisons: dict[str, tuple[pd.DataFrame, pd.DataFrame, list[str]]]


def shown_standards(pub: PublishedFigures) -> pd.DataFrame:
    """The standards table (period and baseline month) for the standards with every count shown, as numbers."""
    table = pub.frame("standards.table")
    hidden = table[table[STANDARD_COUNTS].astype(str).eq("c").any(axis=1)]["standard"].unique()
    return pub.shown_rows("standards.table", STANDARD_COUNTS).pipe(lambda t: t[~t["standard"].isin(hidden)]).reset_index(drop=True)


def published_claims(pub: PublishedFigures) -> PublishedClaims:
    """Every test a wider pack words or marks, on shown counts only, corrected together (`report_family`)."""
    shown = shown_standards(pub)
    months = list(pub.standards.months)
    moves = standards.changes(shown, months) if not shown.empty else standards.changes(shown.iloc[0:0], [])
    trends = standards.trends(shown, months) if not shown.empty else standards.trends(shown.iloc[0:0], [])
    std = SimpleNamespace(moves=moves, trends=trends)
    comp = pub.frame("comparators.comp")
    found, cohorts = {}, []
    for c in pub.comparators.cohorts:
        mine = comp[comp["cohort"] == c.cohort]
        hidden = list(mine[mine[["graded", "good_or_outstanding"]].astype(str).eq("c").any(axis=1)]["standard"].unique())
        rows = pub.shown_rows("comparators.comp", ["graded", "good_or_outstanding"])
        rows = rows[(rows["cohort"] == c.cohort) & ~rows["standard"].isin(hidden)]
        found[c.cohort] = (rows, hidden)
        cohorts.append(SimpleNamespace(cohort=c.cohort, comparison=comparators.comparison(rows, c.cohort), picture=None))
    new_std, new_comp = report_family(std, SimpleNamespace(cohorts=tuple(cohorts)))
    comparisons = {c.cohort: (found[c.cohort][0], c.comparison, found[c.cohort][1]) for c in new_comp.cohorts}
    return PublishedClaims(shown, new_std.moves, new_std.trends, comparisons)
