"""Every section's figures, computed once per run from the validated audits, and read by everything that
shows them: the notebooks and the highlight report, the contract tables and the e-mail headlines. One
computation, so two outputs of one run can never tell two stories."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from qa_lib.figures.claims import report_family
from qa_lib.figures.revision import Revision
from qa_lib.inputs.params import Params
from qa_lib.inputs.period import Period, RunMonths
from qa_lib.inputs.ssd import SsdExtract
from qa_lib.sections.comparators import figures as comparators
from qa_lib.sections.compliance import figures as compliance
from qa_lib.sections.grades import figures as grades
from qa_lib.sections.outcomes import figures as outcomes
from qa_lib.sections.standards import figures as standards
from qa_lib.sections.themes import figures as themes

BESIDE_FROM_ROWS = 250_000  # rows from which the grades' figures are computed beside the rest (`compute_all`)
UNREAD = ("audit_id", "social_worker_id", "team", "exemption_reason", "date_distributed", "date_returned")


@dataclass(frozen=True)
class RunFigures:
    """One run's figures: the months they cover, the rows they came from, and each section's result."""

    months: RunMonths
    data: dict[str, Any]  # rows read, used and rejected, warnings (the data-quality appendix)
    compliance: compliance.ComplianceFigures
    grades: grades.GradesFigures
    standards: standards.StandardsFigures
    comparators: comparators.ComparatorFigures
    themes: themes.ThemesFigures
    commentary: dict[str, str] = field(default_factory=dict)  # the QA lead's text for the sections they edited
    commentary_note: str = ""  # for the appendix, when edited text was published against changed figures
    revision: Revision | None = None  # what changed since the published version of the same period it replaces
    improvement: dict[str, str] = field(default_factory=dict)  # which way is better, per measure (params)
    outcomes: outcomes.OutcomesFigures | None = None  # what happened next to audited children (an SSD extract given)

    # The view every section's words, tables and charts read, the same as the published figures' (a wider
    # pack's): here nothing is hidden, so a table is always complete and every row is shown.

    def frame(self, name: str) -> pd.DataFrame:
        """A figure's table by name ("compliance.monthly")."""
        section, attr = name.split(".")
        table: pd.DataFrame = getattr(getattr(self, section), attr)
        return table

    def complete(self, name: str) -> pd.DataFrame:
        """The table with every count shown: for the QA team, always the table itself."""
        return self.frame(name)

    def shown_rows(self, name: str, columns: list[str]) -> pd.DataFrame:
        """The rows whose given columns are all shown: for the QA team, every row."""
        return self.frame(name)


def compute_all(audits: pd.DataFrame, params: Params, period: Period, data: dict[str, Any], ssd: SsdExtract | None = None) -> RunFigures:
    """Every section's figures for the period, from the validated audits (and what happened next to audited
    children, from the council's SSD extract when one is given)."""
    m = RunMonths.of(period, set(audits["audit_month"].unique()))  # distinct first: a million Arrow strings iterate slowly
    # Only the themes read the auditors' words, and no section but the themes and what happened next reads
    # these columns; every other section filters rows many times, and a filter copies every column it carries
    # (at a million rows the free text was a third of the figures' time, these columns a sixth of the rest).
    unread = [c for c in UNREAD if c in audits]
    coded = audits.drop(columns=[*themes.text_columns(audits, list(params.standards)), *unread])
    # From a quarter of a million rows the grades' figures (the auditors' bootstrap among them) are computed in a
    # thread beside the other sections: much of both is in numpy's, pandas' and Arrow's kernels, which leave the
    # interpreter free, so on a second core they run side by side (a million realistic rows: 5.6 s to 4.3 s).
    # Below that, two threads contending for the interpreter were slower than one (the demo: 0.35 s to 0.5 s;
    # 100,000 rows: no gain). The same figures either way: each section reads the rows (the thread its own shallow copy) and writes none.
    beside = ThreadPoolExecutor(max_workers=1, thread_name_prefix="qa-pack-grades") if len(audits) >= BESIDE_FROM_ROWS else None
    try:
        graded = beside.submit(grades.compute, coded.copy(deep=False), params, m) if beside is not None else None
        std_alone = standards.compute(coded, params, m)
        theme_figures = themes.compute(audits, params, m, std_alone.table)
        comp_alone = comparators.compute(coded, params, m)
        comp_figures = compliance.compute(coded, params, m)
        grd_alone = graded.result() if graded is not None else grades.compute(coded, params, m)
    finally:
        if beside is not None:
            beside.shutdown(wait=True)  # an error in one section still waits for the other before it is raised
    std, comp, grd = report_family(std_alone, comp_alone, grd_alone)
    return RunFigures(
        months=m,
        data=data,
        compliance=comp_figures,
        grades=grd,
        standards=std,
        comparators=comp,
        themes=theme_figures,
        improvement=dict(params.improvement),
        outcomes=outcomes.compute(audits, ssd, params.ssd.follow_up_months, period.end) if ssd is not None else None,
    )
