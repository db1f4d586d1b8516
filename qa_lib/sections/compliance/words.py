"""Sections 1, 2.1 and 2.2: audit returns, exemptions and social worker participation: drafted sentences, in the
reference report's voice, from the section's figures."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from qa_lib.inputs.params import ReasonCategory
from qa_lib.inputs.period import join_words, month_name
from qa_lib.render.cells import is_hidden
from qa_lib.render.words import SHARP_CHANGE, count_of, displayed_whole, month_phrase, was_were
from qa_lib.sections.compliance.figures import NO_REASON, OTHER_REASON, top_reasons
from qa_lib.stats import one_decimal, whole


def _target_clause(rate: float, before: float | None, target: float) -> str:
    """How a month's return rate stands against the target, given the month before: decided on the whole
    percentages shown (79.7% reads 80%, which meets an 80% target)."""
    t = f"the {whole(target)} target"
    now, goal = displayed_whole(rate), displayed_whole(target)
    if now >= goal:
        return f" and now meets {t}" if before is not None and displayed_whole(before) < goal else f" and meets {t}"
    if before is not None and now > displayed_whole(before):
        return f", although it remains below {t}"
    return f", below {t}"


def compliance_sentences(monthly: pd.DataFrame, months: list[str], target: float) -> list[str]:
    """One sentence per period month comparing its return rate with the month(s) before.

    `monthly` is `compliance.monthly_returns` over the trend window (it must include
    the months before the period). Earlier months with the same whole-number rate are
    named together, as the reference does ("77% in July and August").
    """
    m = monthly.set_index("audit_month").sort_index()
    end = months[-1]
    out = []
    for month in months:
        if month not in m.index or m.at[month, "distributed"] == 0:
            out.append(f"No audits were distributed in {month_phrase(month, end)}.")
            continue
        rate = float(m.at[month, "return_rate"])
        earlier = m[(m.index < month) & (m["distributed"] > 0)]
        if earlier.empty:
            out.append(f"Compliance was {whole(rate)} in {month_phrase(month, end)}{_target_clause(rate, None, target)}.")
            continue
        prev_rate = float(earlier["return_rate"].iloc[-1])
        same: list[str] = []
        for mm, r in zip(reversed(earlier.index.tolist()), reversed(earlier["return_rate"].tolist())):
            if whole(r) != whole(prev_rate):
                break
            same.insert(0, mm)
        since = f"{whole(prev_rate)} in {join_words([month_phrase(x, end) for x in same])}"
        change = displayed_whole(rate) - displayed_whole(prev_rate)  # the figures the reader sees
        if change == 0:
            clause = _target_clause(rate, prev_rate, target)
            out.append(
                f"Compliance remained at {whole(rate)} in {month_phrase(month, end)}, "
                f"as in {join_words([month_phrase(x, end) for x in same])}"
                f"{',' if clause.startswith(' and') else ''}{clause}."
            )
            continue
        verb = "increased" if change > 0 else "dropped"
        if abs(change) >= SHARP_CHANGE:
            verb = "increased sharply" if change > 0 else "dropped sharply"
        out.append(
            f"Compliance has {verb} from {since} to {whole(rate)} in {month_phrase(month, end)}{_target_clause(rate, prev_rate, target)}."
        )
    return out


def full_return_sentences(full: dict[str, list[str]], months: list[str], partial: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """ "CCHDT, Central and Safeguarding and Review completed 100% audit returns in the October audit." In a
    month whose areas are not all shown (`partial`: some are c in a wider pack), only the areas shown are
    spoken of, and the sentence says so: it never says "no area" when a hidden one may have."""
    end = months[-1]
    out = []
    for month in months:
        areas = full.get(month, [])
        when = month_phrase(month, end)
        if month in partial:
            out.append(
                f"Of the service areas shown, {join_words(areas)} completed 100% audit returns in the {when} audit."
                if areas
                else f"None of the service areas shown completed 100% audit returns in the {when} audit."
            )
        elif areas:
            out.append(f"{join_words(areas)} completed 100% audit returns in the {when} audit.")
        else:
            out.append(f"No service area completed 100% audit returns in the {when} audit.")
    return out


def exemption_sentence(monthly: pd.DataFrame, months: list[str]) -> str:
    """ "There were 17 exemptions in October, 23 in November and 10 in December 2021." """
    m = monthly.set_index("audit_month")
    counts = [int(m.at[month, "exempt"]) if month in m.index else 0 for month in months]
    parts = []
    for i, (month, n) in enumerate(zip(months, counts)):
        when = month_name(month, with_year=(month == months[-1]))
        parts.append(f"{count_of(n, 'exemption') if i == 0 else (n or 'none')} in {when}")
    return f"There {was_were(counts[0])} {join_words(parts)}."


def _reason_phrase(label: str, categories: tuple[ReasonCategory, ...]) -> str:
    for c in categories:
        if c.label == label:
            return c.phrase
    if label == NO_REASON:
        return "no reason recorded"
    if label == OTHER_REASON:
        return "other reasons"
    return label.lower()


def participation_sentences(
    part: pd.DataFrame, reasons: pd.DataFrame, months: list[str], categories: tuple[ReasonCategory, ...]
) -> list[str]:
    """ "The percentage of social workers engaged in audit for October was 55.3%, with the most
    common reason given for non-participation relating to ..." A month whose counts are hidden (c) is said to
    be not shown; `reasons` holds only the months whose every reason count is shown."""
    p = part.set_index("audit_month")
    end = months[-1]
    out = []
    for month in months:
        name = month_phrase(month, end)
        if month in p.index and is_hidden(p.at[month, "participated"], p.at[month, "returned"]):  # a wider pack's c
            out.append(f"Social worker participation for {name} is not shown (c).")
            continue
        if month not in p.index or p.at[month, "returned"] == 0:
            out.append(f"No audits were returned for {name}, so social worker participation cannot be measured.")
            continue
        rate = float(p.at[month, "participation_rate"])
        n, k = int(p.at[month, "returned"]), int(p.at[month, "participated"])
        sentence = f"The percentage of social workers engaged in audit for {name} was {one_decimal(rate)} ({k} of {n} returned audits)"
        top = top_reasons(reasons, month)
        if not top:
            out.append(sentence + ".")
            continue
        named = [_reason_phrase(t, categories) for t in top]
        unrecorded = "no reason recorded" in named
        named = [x for x in named if x != "no reason recorded"]
        if named:
            plural = "reasons" if len(named) > 1 else "reason"
            blank = reasons[(reasons["audit_month"] == month) & (reasons["reason"] == NO_REASON)]["count"].sum()
            tail = f"; for {int(blank)} more, no reason was recorded" if unrecorded else ""
            out.append(f"{sentence}, with the most common {plural} given for non-participation relating to {join_words(named)}{tail}.")
        else:
            out.append(f"{sentence}; no reason was recorded for most who did not take part.")
    return out


def cohort_theme_lines(themes: dict[str, str], months: list[str]) -> str:
    """Section 1's "Themes": "- October cohort – No current plan, assessment outcome NFA"."""
    return "\n".join(f"- {month_name(m)} cohort – {themes.get(m) or 'no audits'}" for m in months)


def so_far_sentence(monthly: pd.DataFrame, month: str, today: dt.date) -> str | None:
    """When the report's last month is the month it is run in (a mid-month run, with forms still coming back):
    the returns so far, counts only, and a word that the month is not over. None otherwise. (No day is named:
    the run cache keeps a page for the month.)"""
    if today.strftime("%Y-%m") != month:
        return None
    m = monthly.set_index("audit_month")
    if month not in m.index:
        return None
    distributed, returned, exempt = (int(m.at[month, c]) for c in ("distributed", "returned", "exempt"))
    outstanding = distributed - returned
    return (
        f"{month_name(month, True)} is not over: so far, {returned} of the "
        f"{distributed} audits distributed have come back, {outstanding} are outstanding and {exempt} "
        f"{'was' if exempt == 1 else 'were'} exempt. The month's return rate will change as forms come in."
    )
