"""Sections 1, 2.1 and 2.2 as a notebook shows them: one call per sub-section, used by the compliance notebook
and the highlight report alike, each reading the run's figures (computed once)."""

from __future__ import annotations

import datetime as dt

from qa_lib.notebook import Run
from qa_lib.render.charts import p_chart_figure
from qa_lib.render.words import spc_sentence
from qa_lib.sections.compliance import charts, display, wider, words


def period_line(run: Run) -> None:
    run.show_text(f"**Reporting period:** {run.period.label}. **Target return rate:** {run.target:g}%.")


def _trend(run: Run):
    f = run.figures.compliance
    return f.monthly[f.monthly["audit_month"].isin(run.figures.months.trend_with_data)]


def returns(run: Run) -> None:
    """Audits distributed and returned, month by month over the trend window, against the target."""
    f = run.figures.compliance
    so_far = words.so_far_sentence(f.monthly, run.months[-1], dt.date.today())  # a mid-month run: forms still coming back
    run.show_text(words.compliance_sentences(f.monthly, run.months, run.target) + ([so_far] if so_far else []))
    run.show_table(
        display.returns_table(f.returns_trend, run.params.cohorts, run.target), "Audits distributed and returned by month and cohort"
    )
    run.show_chart(charts.returns_trend, _trend(run), run.target)


def context(run: Run) -> None:
    """Section 1 of the highlight report: the period's returns table, the month themes, sampling and exemptions."""
    if run.published is not None:  # a wider run: only the published figures
        return wider.context(run)
    f = run.figures.compliance
    run.show_table(display.returns_table(f.returns_period, run.params.cohorts, run.target), "Audits distributed and returned")
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
    target; with `detail`, the usual-range chart, the area heat map and the funnel plot too (else a link to them)."""
    if run.published is not None:  # a wider run: only the published figures
        return wider.compliance_summary(run)
    f = run.figures.compliance
    run.show_section("compliance")
    run.show_chart(charts.returns_trend, _trend(run), run.target)
    if not detail:
        run.show_more("compliance", "the return rate's usual range over 12 months and returns by service area")
        return
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
    run.show_funnel(run.figures.compliance.funnel, "return rate", title, "Audits distributed in the period", "Audits returned (%)")


def participation(run: Run, tables: bool = True, detail: bool = True) -> None:
    """Social worker participation and the reasons for not taking part (categories only, never the text)."""
    if run.published is not None:  # a wider run: only the published figures
        return wider.participation(run, tables=tables)
    f = run.figures.compliance
    run.show_section("participation")
    if not detail:
        run.show_more("compliance", "participation and the reasons given, month by month")
        return
    if tables:
        run.show_table(display.participation_table(f.participation_trend), "Social worker participation by month")
    run.show_chart(charts.participation_chart, f.participation_trend)
    if tables:
        run.show_table(display.reasons_table(f.reasons, run.months), "Reasons for non-participation (number of returned audits)")
    run.show_chart(charts.reasons_chart, f.reasons, run.months)
