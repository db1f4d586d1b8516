from __future__ import annotations

import pandas as pd

from qa_lib.stats import whole


def _rate(rate: float, k: int, n: int) -> str:
    return "–" if n == 0 or pd.isna(rate) else f"{whole(rate)} ({k}/{n})"
