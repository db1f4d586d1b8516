"""The key messages box at the top of the highlight report: four to six bullets drafted from the run's figures
(returns against target, overall grades, the standards that moved beyond chance, moderation agreement, and a
trend or cohort that stands out). Editable like any section (qa_lib.commentary)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qa_lib.findings import key_messages as ranked

if TYPE_CHECKING:
    from qa_lib.figures import RunFigures
    from qa_lib.inputs.params import Params
    from qa_lib.inputs.period import Period


def key_messages(f: RunFigures, p: Params, period: Period) -> str:
    """Markdown bullets, most important first: the run's ranked findings (qa_lib.findings)."""

    return ranked(f, p, period)
