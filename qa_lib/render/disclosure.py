"""Disclosure control for reports that circulate beyond the QA team (`audience: wider`).

The statistics convention: a count from 1 to 4 is shown as `c`. Suppressing one
cell is not enough where its line (a table row or column, a month's group, a
sentence that breaks a total into parts) also shows the total or the other
parts: the hidden value could be worked back. So in every line with exactly one
suppressed count, the smallest other count is suppressed too, repeatedly, until
no line has exactly one (secondary suppression). A percentage built on a
suppressed count is hidden as well. Zero is shown: it discloses nothing about a person.
"""

from __future__ import annotations

import re

import pandas as pd

SYMBOL = "c"
LOW, HIGH = 1, 4
NOTE = (
    "c: a count from one to four, or a figure from which one could be worked out, is not shown (suppressed) so that no "
    "child or worker can be identified in a report shared beyond the QA team; percentages built on such counts are hidden too."
)


def small(value: float) -> bool:
    return not pd.isna(value) and LOW <= value <= HIGH


def suppress_lines(values: list[float], lines: list[list[int]]) -> set[int]:
    """Indices of `values` to suppress: primary (1 to 4) and secondary so no line has exactly one.

    `lines` lists groups of indices whose values add up to something shown (each line should
    include its own total where the total is one of `values`). Secondary picks the smallest
    non-zero unsuppressed value in the line (a zero only if nothing else is left).
    """
    hidden = {i for i, v in enumerate(values) if small(v)}
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(1 for i in line if i in hidden) != 1:
                continue
            candidates = [i for i in line if i not in hidden and not pd.isna(values[i])]
            if not candidates:
                continue
            positive = [i for i in candidates if values[i] > 0]
            pick = min(positive or candidates, key=lambda i: (values[i], i))
            hidden.add(pick)
            changed = True
    return hidden


def protect_grid(grid: pd.DataFrame) -> pd.DataFrame:
    """A count table with optional margins -> the same table as text with `c` where suppressed.

    Every row and every column is a line (margins included), so no suppressed cell can be
    worked back from totals.
    """
    values = grid.to_numpy(dtype=float)
    n_rows, n_cols = values.shape
    flat = values.ravel().tolist()
    lines = [[r * n_cols + c for c in range(n_cols)] for r in range(n_rows)]
    lines += [[r * n_cols + c for r in range(n_rows)] for c in range(n_cols)]
    hidden = suppress_lines(flat, lines)
    out = grid.astype(object).copy()
    for idx in hidden:
        out.iat[idx // n_cols, idx % n_cols] = SYMBOL
    return out


# ---------------------------------------------------------------- the contract tables

# table: (count columns, group keys for lines, {percent column: (numerator, denominator)})
TABLE_RULES: dict[str, tuple[list[str], list[str], dict[str, tuple[str, str | None]]]] = {
    "returns": (["distributed", "returned", "exempt"], ["audit_month"], {"return_rate": ("returned", "distributed")}),
    "returns_by_area": (["distributed", "returned"], ["audit_month"], {"return_rate": ("returned", "distributed")}),
    "participation": (["returned", "participated"], ["audit_month"], {"participation_rate": ("participated", "returned")}),
    "non_participation_reasons": (["count"], ["audit_month"], {}),
    "moderation": (["count"], ["audit_month"], {}),
    "overall_grades": (["count"], ["audit_month"], {"percent": ("count", None)}),
    "standards": (
        ["graded", "good_or_outstanding", "requires_improvement", "inadequate"],
        ["audit_month", "standard"],
        {
            "pct_good_or_outstanding": ("good_or_outstanding", "graded"),
            "pct_requires_improvement": ("requires_improvement", "graded"),
            "pct_inadequate": ("inadequate", "graded"),
        },
    ),
    "comparators": (["graded"], ["cohort", "audit_month"], {"pct_good_or_outstanding": ("good_or_outstanding", "graded")}),
    "themes": (["audits", "returned"], ["audit_month"], {"percent": ("audits", "returned")}),
}


def protect_long(frame: pd.DataFrame, counts: list[str], groups: list[str], percents: dict[str, tuple[str, str | None]]) -> pd.DataFrame:
    """A long contract table: counts 1-4 -> c; within each group (whose totals the report shows), each count
    column is a line, and so are a row's related counts; a percentage is hidden when its numerator or
    denominator is suppressed, or when its numerator is not in the table but is small (it can be
    recovered as % x n)."""
    out = frame.astype(object).copy()
    if frame.empty:
        return out
    cells = [(i, c) for i in range(len(frame)) for c in counts]
    position = {cell: k for k, cell in enumerate(cells)}
    values = [float(frame.iloc[i][c]) for i, c in cells]
    keys = frame[groups].astype(str).agg("|".join, axis=1).tolist()
    lines: list[list[int]] = []
    for key in dict.fromkeys(keys):
        rows = [i for i, k in enumerate(keys) if k == key]
        lines += [[position[(i, c)] for i in rows] for c in counts]
        if len(counts) > 1:
            lines += [[position[(i, c)] for c in counts] for i in rows]
    hidden = {cells[k] for k in suppress_lines(values, lines)}
    for i, c in hidden:
        out.iat[i, out.columns.get_loc(c)] = SYMBOL
    for pcol, (num, den) in percents.items():
        for i in range(len(frame)):
            if num in frame:
                num_hidden = (i, num) in hidden or (num not in counts and small(frame.iloc[i][num]))
            else:  # the count behind the % is not in the table: recover it from % x n
                pct_value, base = frame.iloc[i][pcol], frame.iloc[i][den]
                num_hidden = not pd.isna(pct_value) and small(round(float(pct_value) * float(base) / 100))
            if num_hidden or (den is not None and (i, den) in hidden):
                out.iat[i, out.columns.get_loc(pcol)] = SYMBOL
    return out


def protect_tables(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Every table the run writes, protected for wider circulation."""
    out = {}
    for name, frame in tables.items():
        if name == "grades_by_area":
            out[name] = protect_grid(frame.set_index("service_area")).reset_index()
        elif name in TABLE_RULES:
            out[name] = protect_long(frame, *TABLE_RULES[name])
        else:
            out[name] = frame
    return out


# ---------------------------------------------------------------- display tables and sentences

_CELL_COUNT = re.compile(r"^\s*(\d+)\s*$")
_CELL_WITH_N = re.compile(r"\((\d+)/(\d+)\)")
_CELL_LEADING_N = re.compile(r"^\s*(\d+)\s*\(")


def _cell_count(value: object) -> float:
    """The count a display cell shows ("12", "12 (30%)", "43% (16/37)" -> 16), or NaN."""
    text = str(value)
    for pattern in (_CELL_COUNT, _CELL_LEADING_N, _CELL_WITH_N):
        m = pattern.search(text)
        if m:
            return float(m.group(1))
    return float("nan")


def _cell_small(value: object) -> bool:
    m = _CELL_WITH_N.search(str(value))
    if m:  # "43% (3/37)": the count or its base
        return small(float(m.group(1))) or small(float(m.group(2)))
    return small(_cell_count(value))


def protect_display(frame: pd.DataFrame) -> pd.DataFrame:
    """A display table for wider circulation: any cell showing a count of 1 to 4 (or a % built on one)
    becomes c, and each row and column is a line for secondary suppression."""
    text = frame.astype(str)
    first = frame.columns[0]
    body = [c for c in frame.columns if c != first]
    values = []
    for r in range(len(frame)):
        for c in body:
            v = frame.iloc[r][c]
            values.append(HIGH if _cell_small(v) else _cell_count(v))
    n_cols = len(body)
    lines = [[r * n_cols + k for k in range(n_cols)] for r in range(len(frame))]
    lines += [[r * n_cols + k for r in range(len(frame))] for k in range(n_cols)]
    hidden = suppress_lines(values, lines)
    out = text.copy()
    for idx in hidden:
        out.iat[idx // n_cols, 1 + idx % n_cols] = SYMBOL
    return out


_COUNT = re.compile(r"(?<![\w.,/%+\-−])(\d+)(?![\w%]|[.,]\d|/\d)")
_PCT_AFTER_C = re.compile(r"\bc\b([^.;%\n]{0,60}?)\((\d+(?:\.\d+)?%)")


def protect_text(block: str) -> str:
    """A drafted paragraph or list for wider circulation: counts 1 to 4 -> c; if exactly one count in the
    block is suppressed, the smallest other count is too (the block breaks a total into parts); a
    percentage right after a suppressed count is hidden. Years (4 digits) are not counts."""
    matches = [m for m in _COUNT.finditer(block) if len(m.group(1)) < 4]
    values = [float(m.group(1)) for m in matches]
    hidden = suppress_lines(values, [list(range(len(values)))])
    out, last = [], 0
    for k, m in enumerate(matches):
        out.append(block[last : m.start()])
        out.append(SYMBOL if k in hidden else m.group(1))
        last = m.end()
    out.append(block[last:])
    text = "".join(out)
    previous = None
    while previous != text:
        previous = text
        text = _PCT_AFTER_C.sub(lambda m: f"{SYMBOL}{m.group(1)}({SYMBOL}", text)
    return text.replace(f"{SYMBOL} was ", f"{SYMBOL} were ")
