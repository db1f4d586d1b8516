"""Sections 3.1.3 to 3.1.5: the same cohort across its audit months: the contract tables a run writes."""

from __future__ import annotations

import pandas as pd

from qa_lib.inputs.params import Params
from qa_lib.inputs.period import Period
from qa_lib.sections.comparators import figures as comparators


def comparator_tables(audits: pd.DataFrame, params: Params, period: Period) -> dict[str, pd.DataFrame]:
    """comparators (contract) for the period's cohorts."""
    comp = comparators.comparators(audits, period.months, list(params.standards))
    return {"comparators": comp[comparators.CONTRACT_COLUMNS]}
