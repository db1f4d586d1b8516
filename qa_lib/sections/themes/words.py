"""Sections 3.2 and 4: key and recurring themes, and actions: drafted sentences, in the reference report's voice,
from the section's figures."""

from __future__ import annotations

import pandas as pd

from qa_lib.inputs.period import join_words
from qa_lib.render.words import was_were
from qa_lib.sections.comparators.words import _month_list
from qa_lib.stats import whole


def strength_line(row: pd.Series, name: str) -> str:
    """ "**Timely identification, response and reduction of risk:** 29 (59%) audits were graded as good or outstanding." """
    n = int(row["good_or_outstanding"])
    if int(row.get("graded", 0)) == 1:
        return f"**{name}:** the one audit graded on it was {'' if n else 'not '}graded as good or outstanding."
    if n == 0:
        return f"**{name}:** no audits were graded as good or outstanding."
    audits = "audit was" if n == 1 else "audits were"
    return f"**{name}:** {n} ({whole(row['pct_good_or_outstanding'])}) {audits} graded as good or outstanding."


def learning_line(row: pd.Series, name: str) -> str:
    """ "**Voice of the child:** 23 (47%) of the audits were graded as requires improvement and 11 (22%) audits were
    graded as inadequate." """
    ri, i = int(row["requires_improvement"]), int(row["inadequate"])
    if int(row.get("graded", 0)) == 1:
        grade = "requires improvement" if ri else "inadequate" if i else "good or outstanding"
        return f"**{name}:** the one audit graded on it was graded as {grade}."
    first = f"{ri} ({whole(row['pct_requires_improvement'])}) of the audits {was_were(ri)}" if ri else "none of the audits were"
    second = f"{i} ({whole(row['pct_inadequate'])}) {'audit was' if i == 1 else 'audits were'}" if i else "none were"
    return f"**{name}:** {first} graded as requires improvement and {second} graded as inadequate."


def _comment_themes(by_standard: pd.DataFrame, month: str, standard: str, top: int = 3) -> str:
    t = by_standard[(by_standard["audit_month"] == month) & (by_standard["standard"] == standard) & (by_standard["audits"] > 0)]
    t = t.sort_values("audits", ascending=False, kind="stable").head(top)
    if t.empty:
        return ""
    items = [f"{r.label.lower()} ({r.audits} audit{'s' if r.audits != 1 else ''})" for r in t.itertuples()]
    return f" Auditors' comments on this standard most often mentioned {join_words(items)}."


def key_theme_text(
    table: pd.DataFrame,
    month: str,
    strengths: list[str],
    learning: list[str],
    short_names: dict[str, str],
    by_standard: pd.DataFrame | None = None,
    partial: bool = False,
) -> str:
    """Section 3.2 for one month: "Strengths" and "Learning" lists drafted from the standards figures. `partial`:
    chosen among the standards shown in full (a wider pack), so an empty list says so rather than that none stood out."""
    t = table[table["audit_month"] == month].set_index("standard")
    if t.empty or ("graded" in t and not int(t["graded"].sum())):
        return "No audits were returned and graded this month, so there are no strengths or learning to draw from them."
    extra = (lambda s: _comment_themes(by_standard, month, s)) if by_standard is not None else (lambda s: "")
    none = "- None among the standards whose counts are all shown this month." if partial else "- None stood out this month."
    lines = ["**Strengths**", ""]
    lines += [f"- {strength_line(t.loc[s], short_names.get(s, s))}{extra(s)}" for s in strengths] or [none]
    lines += ["", "**Learning**", ""]
    lines += [f"- {learning_line(t.loc[s], short_names.get(s, s))}{extra(s)}" for s in learning] or [none]
    return "\n".join(lines)


def recurring_themes_sentence(counts: pd.DataFrame, months: list[str], top: int = 3) -> str:
    """The themes auditors' free text mentioned most over the period, with the number of audits."""
    total = counts.groupby("label")["audits"].sum().sort_values(ascending=False, kind="stable")
    total = total[total > 0].head(top)
    returned = int(counts.drop_duplicates("audit_month")["returned"].sum())
    if total.empty:
        return "No recurring theme from params/themes.yml was found in the auditors' comments this period."
    items = [f"{label.lower()} ({n} of {returned} returned audits)" for label, n in total.items()]
    return f"Across {_month_list(months)}, auditors' comments most often mentioned {join_words(items)}."
