"""Sections 2.3 and 3.1.1 for a wider audience: drawn only from the run's published figures (a hidden count
is c). Grades after moderation and the moderation grid are not published for a wider audience: with the
grades before moderation they would pin down most small moderation counts."""

from __future__ import annotations

import pandas as pd

from qa_lib.disclosure.published import PublishedFigures
from qa_lib.inputs.period import month_short
from qa_lib.inputs.schema import GRADE_LABELS, GRADES
from qa_lib.notebook import Run
from qa_lib.render.cells import count_cell, is_hidden, pct_cell
from qa_lib.sections.grades import display, words

NOT_PUBLISHED = "*Not published for a wider audience: the QA team's report has it.*"


def _pub(run: Run) -> PublishedFigures:
    assert run.published is not None
    return run.published


def moderation_sentences(pub: PublishedFigures, months: list[str]) -> list[str]:
    """Per month: how many audits were moderated and what became of their grades, as published."""
    s = pub.frame("grades.moderation_summary").set_index("audit_month")
    out = []
    for m in months:
        r = s.loc[m]
        if is_hidden(r["moderated"], r["returned"]):
            out.append(f"The number of audits moderated in {month_short(m)} is not shown (c).")
            continue
        if r["moderated"] == 0:
            out.append(f"No audits were moderated in {month_short(m)}.")
            continue
        parts = [f"{count_cell(r['same'])} kept the auditor's grade", f"{count_cell(r['downgraded'])} were downgraded"]
        parts.append(f"{count_cell(r['upgraded'])} were upgraded")
        out.append(f"{r['moderated']} of {r['returned']} returned audits were moderated in {month_short(m)}: {', '.join(parts)}.")
    return out


def moderation_outcomes(run: Run, table: bool = True) -> None:
    pub = _pub(run)
    run.show_text(moderation_sentences(pub, run.months))
    s = pub.frame("grades.moderation_summary")
    frame = display.moderation_summary_table(s)
    run.show_table(
        frame.map(lambda v: count_cell(v) if not isinstance(v, str) or v == "c" else v), "Audits moderated and their outcome, by month"
    )


def agreement(run: Run, table: bool = True) -> None:
    """Agreement is shown only when every moderation count it rests on is shown."""
    pub = _pub(run)
    agree, pairs = pub.complete("grades.agreement"), pub.complete("grades.moderation_outcomes")
    if agree is None or pairs is None:
        run.show_text(
            "*Agreement between auditors and moderators rests on small numbers this period and is not published for a wider audience.*"
        )
        return
    run.show_text(words.agreement_sentences(agree, run.months, pub.frame("grades.agreement_changes")))
    if table:
        run.show_table(display.agreement_table(agree), "Agreement between auditor and moderator")


def moderation_matrix(run: Run, table: bool = True) -> None:
    run.show_text(NOT_PUBLISHED.replace("Not published", "The grid of grades before and after moderation is not published"))


def overall_table(pub: PublishedFigures) -> pd.DataFrame:
    """Months down; each grade "n (x%)" before moderation, or c."""
    before = pub.frame("grades.before")
    cells = before.assign(
        cell=[
            "c" if is_hidden(c, p) else ("–" if pd.isna(p) else f"{c} ({pct_cell(p, 0)})")
            for c, p in zip(before["count"], before["percent"])
        ]
    )
    wide = cells.pivot(index="audit_month", columns="grade", values="cell")[list(GRADES)]
    out = pd.DataFrame({"Month": [month_short(m) for m in wide.index]})
    for g in GRADES:
        out[GRADE_LABELS[g]] = wide[g].to_numpy()
    returned = pub.frame("compliance.participation_period").set_index("audit_month")["returned"]
    out["Returned"] = [count_cell(returned.get(m, 0)) for m in wide.index]
    return out


def overall_sentences(pub: PublishedFigures, months: list[str]) -> list[str]:
    """Per month: audits graded good or outstanding overall (before moderation), where both O and G are shown."""
    before = pub.frame("grades.before").set_index(["audit_month", "grade"])["count"]
    returned = pub.frame("compliance.participation_period").set_index("audit_month")["returned"]
    out = []
    for m in months:
        o, g, n = before.get((m, "O"), 0), before.get((m, "G"), 0), returned.get(m, 0)
        if is_hidden(o, g, n):
            out.append(f"The overall grades for {month_short(m)} include small numbers; see the table (c).")
        elif n:
            share = pct_cell(100 * (o + g) / n, 0)
            verb = "was" if o + g == 1 else "were"
            out.append(f"In {month_short(m)}, {o + g} of {n} audits ({share}) {verb} graded good or outstanding overall by the auditor.")
    return out


def overall(run: Run, table: bool = True) -> None:
    pub = _pub(run)
    run.show_text(overall_sentences(pub, run.months))
    run.show_table(overall_table(pub), "Overall grades by month, before moderation: number (% of returned audits)")
