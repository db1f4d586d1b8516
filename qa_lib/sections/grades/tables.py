"""The moderation and overall-grade tables a run writes (data contract, section 3)."""

from __future__ import annotations

import pandas as pd

from qa_lib.inputs.params import Params
from qa_lib.inputs.period import Period
from qa_lib.sections.grades import figures as grades
from qa_lib.sections.grades import moderation


def grades_tables(audits: pd.DataFrame, params: Params, period: Period) -> dict[str, pd.DataFrame]:
    """moderation, grades_by_area and overall_grades for the period."""
    months = period.months
    return {
        "moderation": moderation.moderation_outcomes(audits, months),
        "grades_by_area": grades.grades_by_area(audits, months, list(params.service_areas)),
        "overall_grades": grades.overall_grades(audits, months),
    }
