"""Section 3.1.2: practice standards month on month: figure frames as tables for people (readable headers, months
by name, n beside every %)."""

from __future__ import annotations

import pandas as pd

from qa_lib.inputs.period import month_short
from qa_lib.render.cells import SYMBOL, is_hidden
from qa_lib.sections.standards.figures import DOWN, UP
from qa_lib.stats import signed_points, whole

KINDS = {
    "Good or outstanding": ("good_or_outstanding", "pct_good_or_outstanding", "go"),
    "Requires improvement": ("requires_improvement", "pct_requires_improvement", "ri"),
    "Inadequate": ("inadequate", "pct_inadequate", None),
}
GO, RI, INADEQUATE = KINDS  # the column names a reader sees: the grades in words, never G/O or RI


def standards_table(
    table: pd.DataFrame,
    moves: pd.DataFrame,
    labels: dict[str, str],
    months: list[str],
    kinds: tuple[str, ...] = (GO, RI),
    variation: dict[str, str] | None = None,
    baseline: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """The reference layout: standards down, months across, each with "% (count/graded)" per kind
    (G/O, RI, I) and, for G/O and RI, the change from the month before, on one line, with the counts on a second,
    lighter line: "43% ≈ −3.6" over "16/37"."""
    t = table.set_index(["standard", "audit_month"])
    mv = moves.set_index(["standard", "audit_month"]) if not moves.empty else None

    def cell(std: str, month: str, kind: str) -> str:
        count, rate, label = KINDS[kind]
        r = t.loc[(std, month)]
        if is_hidden(r[count], r["graded"], r[rate]):
            return SYMBOL
        if r["graded"] == 0:
            return "–"
        text = whole(r[rate])
        if label and mv is not None and (std, month) in mv.index:
            m = mv.loc[(std, month)]
            mark = m[f"{label}_mark"]
            if mark:  # an arrow only where the change is beyond chance; otherwise the change alone (no mark to explain)
                arrow = f"{mark}\u00a0" if mark in (UP, DOWN) else ""
                text += f"\u00a0{arrow}{signed_points(m[f'{label}_change'])}"  # value, arrow and change never part
        return f"{text}\n{int(r[count])}/{int(r['graded'])}"  # value and mark, then the counts on a lighter line

    # `baseline`: the kinds shown for the first month, the one the period's months are compared with (the
    # reference shows its good or outstanding only); every kind otherwise.
    pairs = [(m, k) for i, m in enumerate(months) for k in (baseline if i == 0 and baseline is not None else kinds)]
    columns = [(month_short(m), k) for m, k in pairs]
    rows = [[cell(s, m, k) for m, k in pairs] for s in labels]
    if variation is not None:  # the latest month on each standard's 12-month p-chart (Making Data Count)
        columns.append(("12 months", "Variation"))
        for r, s in zip(rows, labels):
            r.append(variation.get(s, "") or "–")
    # The first column's two header cells both say what it holds (an empty header cell fails accessibility checks).
    columns.insert(0, ("Performance area", "Standard"))
    rows = [[labels[s], *r] for s, r in zip(labels, rows)]
    return pd.DataFrame(rows, columns=pd.MultiIndex.from_tuples(columns))


def standards_quality_note(quality: pd.DataFrame, labels: dict[str, str]) -> str:
    """N/A and ungraded standards, which the percentages leave out."""
    na = quality.groupby("standard")["not_applicable"].sum()
    blank = quality.groupby("standard")["not_graded"].sum()
    parts = []
    if blank.sum():
        parts.append(
            "Left ungraded on returned audits (not in the percentages): "
            + "; ".join(f"{labels.get(s, s)} {int(n)}" for s, n in blank.items() if n)
            + "."
        )
    if na.sum():
        parts.append(
            "Marked not applicable (not in the percentages): " + "; ".join(f"{labels.get(s, s)} {int(n)}" for s, n in na.items() if n) + "."
        )
    return " ".join(parts) if parts else "Every standard was graded on every returned audit."
