"""Headline figures for the e-mail body: the same narrative functions on the same exact figures as the report."""

from __future__ import annotations

import pandas as pd

from qa_lib.inputs.params import Params
from qa_lib.inputs.period import Period
from qa_lib.render.disclosure import NOTE, protect_text
from qa_lib.sections.compliance import figures as compliance
from qa_lib.sections.compliance import words as compliance_words
from qa_lib.sections.grades import figures as grades
from qa_lib.sections.grades import words as grades_words
from qa_lib.sections.standards import figures as standards
from qa_lib.sections.standards import words as standards_words


def headlines(audits: pd.DataFrame, params: Params, period: Period) -> dict[str, object]:
    """Return rates against target, overall grades, and the standards that moved beyond chance."""
    months = period.months
    monthly = compliance.monthly_returns(audits, period.trend_months)
    before = grades.overall_grades(audits, months)
    after = grades.overall_grades(audits, months, after_moderation=True)
    compared = period.with_previous(set(audits["audit_month"]))
    table = standards.standards(audits, compared, list(params.standards))
    moved = standards.trends(table, compared)
    sections = {
        "returns": compliance_words.compliance_sentences(monthly, months, params.target_return_rate),
        "grades": grades_words.overall_grade_sentences(before, after, months),
        "standards": standards_words.standards_sentences(moved, params.standards),
    }
    if params.audience == "wider":
        sections = {k: [protect_text(t) for t in v] for k, v in sections.items()}
        sections["note"] = [NOTE]
    return {"title": params.programme.get("name", "Quality Assurance Highlight Report"), "period": period.label, **sections}
