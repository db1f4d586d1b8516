"""Headline figures for the e-mail body: the same narrative functions on the same exact figures as the report."""

from __future__ import annotations

import pandas as pd

from . import compliance, grades, narrative, standards
from .disclosure import NOTE, protect_text
from .params import Params
from .period import Period


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
        "returns": narrative.compliance_sentences(monthly, months, params.target_return_rate),
        "grades": narrative.overall_grade_sentences(before, after, months),
        "standards": narrative.standards_sentences(moved, params.standards),
    }
    if params.audience == "wider":
        sections = {k: [protect_text(t) for t in v] for k, v in sections.items()}
        sections["note"] = [NOTE]
    return {"title": params.programme.get("name", "Quality Assurance Highlight Report"), "period": period.label, **sections}
