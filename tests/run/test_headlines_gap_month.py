"""One definition of "the previous month": with audits in August and October only, the October report and
its e-mail tell the same story (no month-on-month comparison), never October against August."""

from __future__ import annotations

import pandas as pd

from helpers import STANDARDS, row
from qa_lib.figures import compute_all
from qa_lib.inputs.load import _finish
from qa_lib.inputs.period import Period
from qa_lib.run.headlines import headlines


def _audits(params) -> pd.DataFrame:
    august = [
        row(audit_id=f"A{k}", audit_month="2021-08", child_id=f"CA{k}", social_worker_id=f"SA{k}", **{f"grade_{s}": "I" for s in STANDARDS})
        for k in range(10)
    ]
    october = [
        row(audit_id=f"O{k}", audit_month="2021-10", child_id=f"CO{k}", social_worker_id=f"SO{k}", **{f"grade_{s}": "G" for s in STANDARDS})
        for k in range(10)
    ]
    frame = pd.DataFrame(august + october).assign(overall_grade="G")
    return _finish(frame, params)


def test_a_gap_month_means_no_baseline_in_the_report_and_the_email(params):
    audits = _audits(params)
    period = Period("2021-10", "2021-10")
    assert period.with_previous(set(audits["audit_month"])) == ["2021-10"]  # September had no audits: no baseline
    figures = compute_all(audits, params, period, {})
    assert figures.months.with_previous == ("2021-10",)  # the report's tables and words use this
    assert list(figures.standards.table["audit_month"].unique()) == ["2021-10"]
    # All Inadequate in August against all Good in October would be "rose beyond chance" if compared.
    assert headlines(figures, params, period)["standards"] == ["There are not enough graded months to compare."]


def test_the_month_just_before_is_the_baseline_when_it_has_audits(params):
    audits = _audits(params)
    audits.loc[audits["audit_month"] == "2021-08", "audit_month"] = "2021-09"
    period = Period("2021-10", "2021-10")
    assert period.with_previous(set(audits["audit_month"])) == ["2021-09", "2021-10"]
    words = headlines(compute_all(audits, params, period, {}), params, period)["standards"]
    assert isinstance(words, list)
    assert words[0].startswith("Good or outstanding grades rose between September 2021 and October 2021 for:")
