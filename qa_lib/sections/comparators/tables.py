"""Sections 3.1.3 to 3.1.5: the comparators table a run writes, from the section's figures."""

from __future__ import annotations

import pandas as pd

from qa_lib.sections.comparators.figures import CONTRACT_COLUMNS, ComparatorFigures


def comparator_tables(f: ComparatorFigures) -> dict[str, pd.DataFrame]:
    """comparators (contract) for the period's cohorts."""
    return {"comparators": f.comp[CONTRACT_COLUMNS]}
