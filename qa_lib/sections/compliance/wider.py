"""Sections 1, 2.1 and 2.2 for a wider audience: drawn only from the run's published figures (a hidden count
is c). A sentence is drafted only from counts that are shown; the rest of the section is its tables."""

from __future__ import annotations

import pandas as pd

from qa_lib.disclosure.published import PublishedFigures
from qa_lib.inputs.period import month_short
from qa_lib.notebook import Run
from qa_lib.render.cells import count_cell, is_hidden, pct_cell, rate_cell
from qa_lib.render.words import spc_sentence
from qa_lib.sections.compliance import charts, display, figures, words


def _pub(run: Run) -> PublishedFigures:
    assert run.published is not None
    return run.published


def returns_sentences(pub: PublishedFigures, months: list[str], target: float) -> list[str]:
    """Each month's return rate against the target and the months before, from the months whose rate is shown."""
    monthly = pub.shown_rows("compliance.monthly", ["distributed", "returned", "return_rate"])
    shown = [m for m in months if m in set(monthly["audit_month"])]
    hidden = [m for m in months if m not in shown]
    out = words.compliance_sentences(monthly, shown, target) if shown else []
    out += [f"The return rate for {month_short(m)} is not shown (c)." for m in hidden]
    return out


def full_return_areas(pub: PublishedFigures, months: list[str]) -> list[str]:
    """Areas shown to have returned every audit: from the area rows whose counts are both shown."""
    rows = pub.shown_rows("compliance.by_area_period", ["distributed", "returned"])
    every = pub.frame("compliance.by_area_period")
    hidden = every[every[["distributed", "returned"]].astype(str).eq("c").any(axis=1)]
    out = words.full_return_sentences(figures.full_return_areas(rows, months), months, set(hidden["audit_month"]))
    if len(rows) < len(every):
        out.append("Areas whose returns include small numbers are shown as c and are not named here.")
    return out


def area_table(pub: PublishedFigures, areas: list[str], months: list[str]) -> pd.DataFrame:
    return display.area_returns_table(pub.frame("compliance.by_area_period"), areas, months)


def context(run: Run) -> None:
    pub = _pub(run)
    run.show_table(
        display.returns_table(pub.frame("compliance.returns_period"), run.params.cohorts, run.target), "Audits distributed and returned"
    )
    lines = ["**Themes:**", words.cohort_theme_lines(pub.compliance.month_themes, run.months), display.SAMPLING_NOTE]
    monthly = pub.shown_rows("compliance.monthly", ["exempt"])
    if set(run.months) <= set(monthly["audit_month"]):
        lines.append(words.exemption_sentence(monthly, run.months))
    run.show_text(lines)


def compliance_summary(run: Run) -> None:
    pub = _pub(run)
    trend = pub.complete("compliance.monthly")
    spc = figures.return_rate_chart(trend, list(pub.months.trend_with_data), pub.improvement["return_rate"]) if trend is not None else None
    said = [x for x in [spc_sentence(spc, "the return rate") if spc is not None else None] if x]
    run.show_text(returns_sentences(pub, run.months, run.target) + said + full_return_areas(pub, run.months))
    if trend is not None:
        run.show_chart(charts.returns_trend, trend[trend["audit_month"].isin(pub.months.trend_with_data)], run.target)
    run.show_table(area_table(pub, run.areas, run.months), "Audits returned by service area: % (returned/distributed)")


def participation(run: Run, tables: bool = True) -> None:
    pub = _pub(run)
    part = pub.frame("compliance.participation_period")
    sentences = []
    for _, r in part.iterrows():
        if is_hidden(r["participated"], r["returned"]):
            sentences.append(f"Social worker participation for {month_short(r['audit_month'])} is not shown (c).")
        elif r["returned"]:
            sentences.append(
                f"The percentage of social workers engaged in audit for {month_short(r['audit_month'])} was "
                f"{pct_cell(r['participation_rate'])} ({r['participated']} of {r['returned']} returned audits)."
            )
    run.show_text(sentences)
    table = pd.DataFrame(
        {
            "Month": part["audit_month"].map(month_short),
            "Audits returned": part["returned"].map(count_cell),
            "Social worker took part": part["participated"].map(count_cell),
            "% took part": part["participation_rate"].map(pct_cell),
        }
    )
    run.show_table(table, "Social worker participation by month")
    run.show_table(
        display.reasons_table(pub.frame("compliance.reasons"), run.months), "Reasons for non-participation (number of returned audits)"
    )


__all__ = ["area_table", "compliance_summary", "context", "participation", "rate_cell", "returns_sentences"]
