"""Headline figures for the e-mail body: the same narrative functions on the same exact figures as the report."""

from __future__ import annotations

from qa_lib.inputs.params import Params
from qa_lib.inputs.period import Period
from qa_lib.render.disclosure import NOTE, protect_text
from qa_lib.run.figures import RunFigures
from qa_lib.sections.compliance import words as compliance_words
from qa_lib.sections.grades import words as grades_words
from qa_lib.sections.standards import words as standards_words


def headlines(figures: RunFigures, params: Params, period: Period) -> dict[str, object]:
    """Return rates against target, overall grades, and the standards that moved beyond chance: the report's
    own sentences on the run's own figures."""
    months = period.months
    sections = {
        "returns": compliance_words.compliance_sentences(figures.compliance.monthly, months, params.target_return_rate),
        "grades": grades_words.overall_grade_sentences(figures.grades.before, figures.grades.after, months),
        "standards": standards_words.standards_sentences(figures.standards.trends, params.standards),
    }
    if params.audience == "wider":
        sections = {k: [protect_text(t) for t in v] for k, v in sections.items()}
        sections["note"] = [NOTE]
    return {"title": params.programme.get("name", "Quality Assurance Highlight Report"), "period": period.label, **sections}
