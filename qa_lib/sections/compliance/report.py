"""Sections 1, 2.1 and 2.2 as a notebook shows them: one call per sub-section, used by the compliance notebook
and the highlight report alike, each reading the run's figures (computed once)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from qa_lib.notebook import Run
from qa_lib.render.charts import p_chart_figure
from qa_lib.render.words import spc_sentence
from qa_lib.sections.compliance import charts, display, words


def period_line(run: Run) -> None:
    run.show_text(f"**Reporting period:** {run.period.label}. **Target return rate:** {run.target:g}%.")


def _trend(run: Run) -> pd.DataFrame | None:
    """The return rate's months over the trend window, when every count is shown (else None: no chart)."""
    monthly = run.complete("compliance.monthly")
    return monthly[monthly["audit_month"].isin(run.run_months.trend_with_data)] if monthly is not None else None


def returns(run: Run) -> None:
    """Audits distributed and returned, month by month over the trend window, against the target."""
    f = run.figures.compliance
    so_far = words.so_far_sentence(f.monthly, run.months[-1], dt.date.today())  # a mid-month run: forms still coming back
    run.show_text(words.compliance_sentences(f.monthly, run.months, run.target) + ([so_far] if so_far else []))
    run.show_table(
        display.returns_table(f.returns_trend, run.params.cohorts, run.target), "Audits distributed and returned by month and cohort"
    )
    trend = _trend(run)
    if trend is not None:
        run.show_chart(charts.returns_trend, trend, run.target)


def context(run: Run) -> None:
    """Section 1 of the highlight report: the period's returns table, the month themes, sampling and exemptions."""
    table = display.returns_table(run.frame("compliance.returns_period"), run.params.cohorts, run.target)
    run.show_table(table, "Audits distributed and returned")
    run.show_section("context")


def exemptions(run: Run) -> None:
    run.show_text(words.exemption_sentence(run.figures.compliance.monthly, run.months))


def by_area(run: Run, table: bool = True) -> None:
    """Which service areas returned every audit; the area table (section report) and the heat map."""
    f = run.figures.compliance
    run.show_text(words.full_return_sentences(f.full_areas, run.months))
    if table:
        caption = "Audits returned by service area: % (returned/distributed)"
        run.show_table(display.area_returns_table(f.by_area, run.areas, run.months), caption)
    run.show_chart(charts.returns_heatmap, f.by_area, run.areas, list(run.figures.months.trend_with_data))


def compliance_summary(run: Run, detail: bool = True) -> None:
    """Section 2.1 of the highlight report: the compliance and 100%-areas sentences and the trend against the
    target; with `detail`, the usual-range chart, the area heat map and the funnel plot too (else a link to them).
    A wider pack, the highlight alone, shows the returns by service area as a table (a hidden count is c)."""
    run.show_section("compliance")
    trend = _trend(run)
    if trend is not None:
        run.show_chart(charts.returns_trend, trend, run.target)
    if run.highlight_alone:  # no section report to link to: the areas' table here
        run.show_table(
            display.area_returns_table(run.frame("compliance.by_area_period"), run.areas, run.months),
            "Audits returned by service area: % (returned/distributed)",
        )
        return
    if not detail:
        run.show_more("compliance", "the return rate's usual range over 12 months and returns by service area")
        return
    f = run.figures.compliance
    _usual_range_chart(run)
    run.show_chart(charts.returns_heatmap, f.by_area, run.areas, list(run.figures.months.trend_with_data))
    area_funnel(run)


def usual_range(run: Run) -> None:
    """The return rate over the 12-month window against its average and usual range (a p-chart), and what it says."""
    said = spc_sentence(run.figures.compliance.spc, "the return rate")
    if said:
        run.show_text(said)
    _usual_range_chart(run)


def _usual_range_chart(run: Run) -> None:
    """The return rate's p-chart, when there are months enough to draw one."""
    spc = run.figures.compliance.spc
    if len(spc) >= 2:
        run.show_chart(p_chart_figure, spc, "Audit return rate by month, with the average and its usual range", "Audits returned (%)")


def area_funnel(run: Run) -> None:
    """The period's return rate by service area on a funnel plot, so areas are read against chance, not ranked."""
    title = f"Return rate by service area against the number of audits distributed, {run.period.label}"
    c = run.figures.compliance
    run.show_funnel(c.funnel, c.funnel_curve, "return rate", title, "Audits distributed in the period", "Audits returned (%)")


def participation(run: Run, tables: bool = True, detail: bool = True) -> None:
    """Social worker participation and the reasons for not taking part (categories only, never the text), for
    either audience: a chart only when every count behind it is shown. A wider pack, the highlight alone, keeps
    the tables (a hidden count is c) where the QA team's highlight links to them."""
    run.show_section("participation")
    if not detail:
        if not run.highlight_alone:
            run.show_more("compliance", "participation and the reasons given, month by month")
            return
        tables = True  # a wider pack, the highlight alone: the tables the QA team's highlight links to
    if tables:
        run.show_table(display.participation_table(run.frame("compliance.participation_trend")), "Social worker participation by month")
    part = run.complete("compliance.participation_trend")
    if detail and part is not None:
        run.show_chart(charts.participation_chart, part)
    if tables:
        caption = "Reasons for non-participation (number of returned audits)"
        run.show_table(display.reasons_table(run.frame("compliance.reasons"), run.months), caption)
    reasons = run.complete("compliance.reasons")
    if detail and reasons is not None:
        run.show_chart(charts.reasons_chart, reasons, run.months)
