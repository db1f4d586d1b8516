"""Table cells shared by the sections' display tables. In a wider pack a count may be hidden (shown as c);
a cell built on a hidden count is c too."""

from __future__ import annotations

import pandas as pd

from qa_lib.stats import one_decimal, whole

SYMBOL = "c"
MAX_LISTED = 40  # people or units a page lists one by one; beyond that (a roll-up's thousands of auditors), only
# those that stand out, with counts of the rest: a page stays readable and under the report's size cap at any size


def listed(frame: pd.DataFrame, stands_out: list[bool]) -> pd.DataFrame:
    """The rows a page lists one by one, in their order: every row when there are at most MAX_LISTED; beyond
    that, only those `stands_out` marks, at most MAX_LISTED of them (`unlisted` words what is left out)."""
    if len(frame) <= MAX_LISTED:
        return frame
    return frame[list(stands_out)].head(MAX_LISTED)


def unlisted(total: int, shown: int, what: str) -> str:
    """What a shortened list leaves out, in words: "14,350 auditors in all; 3 listed (those beyond ...)"."""
    return f"{total:,} {what} in all; {'none' if not shown else f'{shown:,}'} listed here (only those that stand out)."


def is_hidden(*values: object) -> bool:
    """Whether any of the values is a hidden count (c)."""
    return any(isinstance(v, str) and v == SYMBOL for v in values)


def rate_cell(rate: float, k: int, n: int) -> str:
    if is_hidden(rate, k, n):
        return SYMBOL
    return "–" if n == 0 or pd.isna(rate) else f"{whole(rate)} ({k}/{n})"


def count_cell(value: object) -> str:
    """A count as shown: the number, or c."""
    return SYMBOL if is_hidden(value) else ("–" if pd.isna(value) else str(int(value)))  # type: ignore[call-overload]


def pct_cell(value: object, decimals: int = 1) -> str:
    """A percentage as shown: "55.3%" (or whole "55%"), "–" without a base, or c."""
    if is_hidden(value):
        return SYMBOL
    if value is None or pd.isna(value):
        return "–"
    return one_decimal(float(value)) if decimals else whole(float(value))  # type: ignore[arg-type]
