"""Drawing the monthly sample, as the sampling notebook shows it: counts only, never a child."""

from __future__ import annotations

from qa_lib.notebook import SamplingRun
from qa_lib.sections.sampling import charts, display, figures, ssd, words


def draw(run: SamplingRun, month: str, cohort: str, seed: int) -> figures.Sample:
    """The month's draw, from the caseload or, given an SSD extract, from the children open on the month's first
    day (what was set aside counted as step 0)."""
    if run.ssd is None:
        return figures.draw(run.caseload, run.history, month, cohort, run.params, seed)
    c = ssd.caseload_from_ssd(ssd.read_for_sampling(run.ssd, cohort, run.params), month, run.params.ssd, run.params.service_areas)
    return ssd.with_set_aside(figures.draw(c.frame, run.history, month, cohort, run.params, seed), c)


def rules(run: SamplingRun, result: figures.Sample, month: str, cohort: str, seed: int) -> None:
    run.show_text(words.sampling_sentence(result.summary, month, run.params.cohorts.get(cohort, cohort), seed))
    run.show_table(display.sampling_table(result.summary), "Children before and after each rule")
    run.show_chart(charts.sampling_chart, result.summary)


def by_area(run: SamplingRun, result: figures.Sample) -> None:
    run.show_table(display.sampling_area_table(result.summary), "Children left after each rule, by service area")


def write(result: figures.Sample, out_path: str) -> None:
    """The sample file (it names children): only when the notebook is given a path."""
    if out_path:
        figures.write_sample(result, out_path)
