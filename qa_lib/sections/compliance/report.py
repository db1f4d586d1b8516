"""Sections 1, 2.1 and 2.2 as a notebook shows them: one call per sub-section, used by the compliance notebook
and the highlight report alike."""

from __future__ import annotations

from qa_lib.notebook import Run
from qa_lib.sections.compliance import charts, display, figures, words


def period_line(run: Run) -> None:
    run.show_text(f"**Reporting period:** {run.period.label}. **Target return rate:** {run.target:g}%.")


def returns(run: Run) -> None:
    """Audits distributed and returned, month by month over the trend window, against the target."""
    monthly = figures.monthly_returns(run.audits, run.trend_months)
    run.show_text(words.compliance_sentences(monthly, run.months, run.target))
    table = figures.returns(run.audits, run.trend_months_with_data)
    run.show_table(display.returns_table(table, run.params.cohorts, run.target), "Audits distributed and returned by month and cohort")
    run.show_chart(charts.returns_trend(monthly[monthly["audit_month"].isin(run.trend_months_with_data)], run.target))


def context(run: Run) -> None:
    """Section 1 of the highlight report: the period's returns table, the month themes, sampling and exemptions."""
    table = figures.returns(run.audits, run.months)
    run.show_table(display.returns_table(table, run.params.cohorts, run.target), "Audits distributed and returned")
    monthly = figures.monthly_returns(run.audits, run.trend_months)
    themes = figures.month_themes(run.audits, run.months, run.params.cohorts)
    run.show_text(
        ["**Themes:**", words.cohort_theme_lines(themes, run.months), display.SAMPLING_NOTE, words.exemption_sentence(monthly, run.months)]
    )


def exemptions(run: Run) -> None:
    run.show_text(words.exemption_sentence(figures.monthly_returns(run.audits, run.trend_months), run.months))


def by_area(run: Run, table: bool = True) -> None:
    """Which service areas returned every audit; the area table (section report) and the heat map."""
    areas = figures.returns_by_area(run.audits, run.trend_months_with_data)
    run.show_text(words.full_return_sentences(figures.full_return_areas(areas, run.months), run.months))
    if table:
        run.show_table(
            display.area_returns_table(areas, run.areas, run.months), "Audits returned by service area: % (returned/distributed)"
        )
    run.show_chart(charts.returns_heatmap(areas, run.areas, run.trend_months_with_data))


def compliance_summary(run: Run) -> None:
    """Section 2.1 of the highlight report: the compliance and 100%-areas sentences, the trend and the heat map."""
    monthly = figures.monthly_returns(run.audits, run.trend_months)
    areas = figures.returns_by_area(run.audits, run.trend_months_with_data)
    run.show_text(
        words.compliance_sentences(monthly, run.months, run.target)
        + words.full_return_sentences(figures.full_return_areas(areas, run.months), run.months)
    )
    run.show_chart(charts.returns_trend(monthly[monthly["audit_month"].isin(run.trend_months_with_data)], run.target))
    run.show_chart(charts.returns_heatmap(areas, run.areas, run.trend_months_with_data))


def participation(run: Run, tables: bool = True) -> None:
    """Social worker participation and the reasons for not taking part (categories only, never the text)."""
    part = figures.participation(run.audits, run.trend_months_with_data)
    reasons = figures.non_participation_reasons(run.audits, run.months, run.params.reason_categories)
    run.show_text(words.participation_sentences(part, reasons, run.months, run.params.reason_categories))
    if tables:
        run.show_table(display.participation_table(part), "Social worker participation by month")
    run.show_chart(charts.participation_chart(part))
    if tables:
        run.show_table(display.reasons_table(reasons, run.months), "Reasons for non-participation (number of returned audits)")
    run.show_chart(charts.reasons_chart(reasons, run.months))
