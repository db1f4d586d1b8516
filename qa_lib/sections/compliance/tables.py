"""Sections 1, 2.1 and 2.2: audit returns, exemptions and social worker participation: the contract tables a run
writes."""

from __future__ import annotations

import pandas as pd

from qa_lib.inputs.params import Params
from qa_lib.inputs.period import Period
from qa_lib.sections.compliance import figures as compliance


def compliance_tables(audits: pd.DataFrame, params: Params, period: Period) -> dict[str, pd.DataFrame]:
    """returns, returns_by_area, participation and non_participation_reasons for the period."""
    months = period.months
    return {
        "returns": compliance.returns(audits, months),
        "returns_by_area": compliance.returns_by_area(audits, months),
        "participation": compliance.participation(audits, months),
        "non_participation_reasons": compliance.non_participation_reasons(audits, months, params.reason_categories),
    }
