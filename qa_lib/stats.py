"""Shared arithmetic for figures: percentages rounded the way a reader expects."""
from __future__ import annotations

import numpy as np
import pandas as pd


def pct(num: pd.Series | int, den: pd.Series | int, decimals: int = 1) -> pd.Series | float:
    """100 * num / den rounded half up (55.25 -> 55.3, not banker's 55.2); NaN where den is 0.

    Worked in integers so that 0.5 boundaries are exact: 21/38 -> 55.3, 1/8 -> 12.5.
    """
    scale = 10**decimals
    n = np.asarray(num, dtype="int64")
    d = np.asarray(den, dtype="int64")
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.floor_divide(2 * 100 * scale * n + d, 2 * np.where(d == 0, 1, d))
    out = np.where(d == 0, np.nan, q / scale)
    if isinstance(num, pd.Series):
        return pd.Series(out, index=num.index)
    if isinstance(den, pd.Series):
        return pd.Series(out, index=den.index)
    return float(out)


def whole(value: float) -> str:
    """A 0-100 figure as a whole percentage for prose, half up: 55.1 -> "55%", 48.5 -> "49%"."""
    if value is None or pd.isna(value):
        return "n/a"
    return f"{int(np.floor(value + 0.5))}%"
