"""A wider pack's claims: the internal report's own verdicts (`qa_lib.figures.claims`, one family across the
whole report), on the standards and cohorts whose counts are all shown. A wider pack therefore marks and words
a subset of what the internal report does, never a different verdict; nothing here is worked from a hidden
count, though a q allows for every test in the report (see the README's privacy section)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from qa_lib.disclosure.published import COMPARATOR_COUNTS, STANDARD_COUNTS, SYMBOL, PublishedFigures, fully_shown


@dataclass(frozen=True)
class PublishedClaims:
    """A wider pack's claims. `shown` the standards table (as numbers) of the standards with every count shown;
    `moves` and `trends` the report's verdicts on them; `comparisons` per cohort: the shown rows, the report's
    comparison on them and the standards left out."""

    shown: pd.DataFrame
    moves: pd.DataFrame
    trends: pd.DataFrame
    comparisons: dict[str, tuple[pd.DataFrame, pd.DataFrame, list[str]]]


def shown_standards(pub: PublishedFigures) -> pd.DataFrame:
    """The standards table (period and baseline month) as numbers, a hidden count blank."""
    table = pub.frame("standards.table").copy()
    for col in STANDARD_COUNTS:
        table[col] = pd.to_numeric(table[col].where(table[col].astype(str) != SYMBOL), errors="coerce")
    return table


def published_claims(pub: PublishedFigures) -> PublishedClaims:
    """Every verdict a wider pack words or marks: the report's, where its counts are shown."""
    comp = pub.frame("comparators.comp")
    comparisons = {}
    for c in pub.comparators.cohorts:
        mine = comp[comp["cohort"] == c.cohort]
        whole = fully_shown(mine, "standard", COMPARATOR_COUNTS)
        rows = pub.shown_rows("comparators.comp", COMPARATOR_COUNTS)
        rows = rows[(rows["cohort"] == c.cohort) & rows["standard"].isin(whole)]
        left = [s for s in dict.fromkeys(mine["standard"]) if s not in whole]
        comparisons[c.cohort] = (rows, pub.comparators.comparisons[c.cohort], left)
    return PublishedClaims(shown_standards(pub), pub.standards.moves, pub.standards.trends, comparisons)
