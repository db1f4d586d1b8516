"""Sections 1, 2.1 and 2.2: the contract tables a run writes, from the section's figures."""

from __future__ import annotations

import pandas as pd

from qa_lib.sections.compliance.figures import ComplianceFigures


def compliance_tables(f: ComplianceFigures) -> dict[str, pd.DataFrame]:
    """returns, returns_by_area, participation and non_participation_reasons for the period."""
    return {
        "returns": f.returns_period,
        "returns_by_area": f.by_area_period,
        "participation": f.participation_period,
        "non_participation_reasons": f.reasons,
    }
