"""Headline figures for the e-mail body: the same sentences on the same figures as the report. A wider run's
headlines are drafted from its published figures only, as its report is."""

from __future__ import annotations

from qa_lib.disclosure.published import PublishedFigures
from qa_lib.figures import RunFigures
from qa_lib.inputs.params import Params
from qa_lib.inputs.period import Period
from qa_lib.sections.compliance import words as compliance_words
from qa_lib.sections.grades import words as grades_words
from qa_lib.sections.standards import words as standards_words


def headlines(figures: RunFigures | PublishedFigures, params: Params, period: Period) -> dict[str, object]:
    """Return rates against target, overall grades, and the standards that moved beyond chance: the report's
    own sentences on the run's own figures."""
    months = period.months
    if isinstance(figures, PublishedFigures):
        from qa_lib.sections.compliance import wider as compliance_wider  # these import the charts too: only when needed
        from qa_lib.sections.grades import wider as grades_wider
        from qa_lib.sections.standards import wider as standards_wider

        sections: dict[str, list[str]] = {
            "returns": compliance_wider.returns_sentences(figures, months, params.target_return_rate),
            "grades": grades_wider.overall_sentences(figures, months),
            "standards": standards_wider.standards_sentences(figures, params.short_names),
            "note": [figures.note],
        }
    else:
        from qa_lib.findings import key_messages

        # What the QA lead signed: their edited key messages where they wrote them, else the drafted findings.
        messages = figures.commentary.get("key-messages") or key_messages(figures, params, period)
        sections = {
            "key_messages": [line for line in messages.splitlines() if line.strip()],
            "returns": compliance_words.compliance_sentences(figures.compliance.monthly, months, params.target_return_rate),
            "grades": grades_words.overall_grade_sentences(figures.grades.before, figures.grades.after, months),
            "standards": standards_words.standards_sentences(figures.standards.trends, params.short_names, figures.standards.cohorts),
        }
    return {"title": params.programme.get("name", "Quality Assurance Highlight Report"), "period": period.label, **sections}
