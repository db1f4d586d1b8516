"""Table cells shared by the sections' display tables."""

from __future__ import annotations

import pandas as pd

from qa_lib.stats import whole


def rate_cell(rate: float, k: int, n: int) -> str:
    return "–" if n == 0 or pd.isna(rate) else f"{whole(rate)} ({k}/{n})"
