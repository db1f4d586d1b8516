"""Sections 3.2 and 4: key and recurring themes, and actions: the contract tables a run writes."""

from __future__ import annotations

import pandas as pd

from qa_lib.inputs.params import Params
from qa_lib.inputs.period import Period
from qa_lib.sections.themes import figures as themes


def theme_tables(audits: pd.DataFrame, params: Params, period: Period) -> dict[str, pd.DataFrame]:
    """themes.csv (an addition to the contract): per month and theme, audits whose comments mention it."""
    counts = themes.theme_counts(audits, period.months, params.themes, list(params.standards))
    return {"themes": counts[["audit_month", "theme", "audits", "returned", "percent"]]}
