"""Drawing the monthly sample, as the sampling notebook shows it: counts only, never a child."""

from __future__ import annotations

from qa_lib.notebook import SamplingRun
from qa_lib.sections.sampling import charts, display, figures, words


def draw(run: SamplingRun, month: str, cohort: str, seed: int) -> figures.Sample:
    return figures.draw(run.caseload, run.history, month, cohort, run.params, seed)


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
