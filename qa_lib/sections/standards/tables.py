"""Section 3.1.2: the practice standards table a run writes, from the section's figures."""

from __future__ import annotations

import pandas as pd

from qa_lib.sections.standards.figures import StandardsFigures


def standards_tables(f: StandardsFigures) -> dict[str, pd.DataFrame]:
    """standards for the period: per month and standard, graded and % G/O, RI and I."""
    return {"standards": f.period_table}
