"""Section 3.1.2 (practice standards) as a notebook shows it, from the run's figures."""

from __future__ import annotations

from qa_lib.notebook import Run
from qa_lib.render.charts import p_chart_panels
from qa_lib.render.words import VARIATION_CELLS
from qa_lib.sections.standards import charts, display, figures, words
from qa_lib.spc import variation


def month_detail(run: Run) -> None:
    """Each month against the month before, a paragraph per group of standards (the section report's detail)."""
    if run.highlight_alone:  # the section report's detail
        return
    f = run.figures.standards
    p = run.params
    run.show_text(words.month_paragraphs(f.table, f.moves, p.short_names, p.standard_groups, list(f.months)))


def standards(run: Run, inadequate: bool = True, heatmap: bool = True, caption: str | None = None, detail: bool = True) -> None:
    """The noise-rule sentences, the reference-layout table (and the Inadequate table), the test note and heat map;
    with `detail`, each standard's 12-month chart (else a link to it). For either audience: a wider pack marks
    only the verdicts whose counts are all shown (a hidden count is c)."""
    f = run.shown.standards
    months = list(f.months)
    table = run.frame("standards.table")
    run.show_section("standards")
    run.show_text(f"*{figures.TEST_NOTE}*")  # the key before the table it explains, so print never parts them
    run.show_table(
        display.standards_table(
            table,
            f.moves,
            run.params.short_names,
            months,
            variation={k: VARIATION_CELLS.get(variation(c), "") for k, c in f.spc.items()} if detail else None,
            baseline=None if detail else (display.GO,),  # the highlight: the reference's layout, fitting an A4 page
        ),
        caption or "Good or outstanding and requires improvement, by practice standard and month",
    )
    if inadequate:
        run.show_table(
            display.standards_table(table, f.moves, run.params.short_names, months, kinds=(display.INADEQUATE,)),
            "Inadequate, by practice standard and month",
        )
    if not detail:
        run.show_more("grades", "each month's changes in words, the Inadequate grades and each standard over 12 months")
        return
    charts_by_name = {run.params.short_name(k): c for k, c in f.spc.items()}
    shown = max((len(c) for c in f.spc.values()), default=0)
    title = f"Good or outstanding by practice standard over the {shown} months shown, with each average and its usual range"
    run.show_chart(p_chart_panels, charts_by_name, title)
    if heatmap:
        run.show_chart(charts.standards_heatmap, f.table, run.params.short_names, months)
