"""The practice standards table a run writes (data contract, section 3)."""

from __future__ import annotations

import pandas as pd

from qa_lib.inputs.params import Params
from qa_lib.inputs.period import Period
from qa_lib.sections.standards import figures as standards


def standards_tables(audits: pd.DataFrame, params: Params, period: Period) -> dict[str, pd.DataFrame]:
    """standards for the period: per month and standard, graded and % G/O, RI and I."""
    return {"standards": standards.standards(audits, period.months, list(params.standards))}
