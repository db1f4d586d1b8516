"""Sections 2.3 and 3.1.1: the moderation and overall-grade tables a run writes, from the section's figures."""

from __future__ import annotations

import pandas as pd

from qa_lib.sections.grades.figures import GradesFigures


def grades_tables(f: GradesFigures) -> dict[str, pd.DataFrame]:
    """moderation, grades_by_area and overall_grades for the period."""
    return {"moderation": f.moderation_outcomes, "grades_by_area": f.by_area, "overall_grades": f.before}
