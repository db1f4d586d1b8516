"""Headline figures for the e-mail body: the same sentences on the same figures as the report, for either
audience from its view of the figures (a wider run's are drafted from its published figures only, as its
report is)."""

from __future__ import annotations

from collections.abc import Mapping

from qa_lib.commentary.drafts import overall_sentences, returns_sentences, standards_sentences
from qa_lib.disclosure.published import PublishedFigures, ShownFigures
from qa_lib.figures import RunFigures
from qa_lib.findings import key_messages
from qa_lib.inputs.params import Params
from qa_lib.inputs.period import Period


def headlines(figures: ShownFigures, params: Params, period: Period, drafted: Mapping[str, str] | None = None) -> dict[str, object]:
    """The key messages, return rates against target, overall grades, and the standards that moved beyond
    chance: the report's own sentences on the run's own figures. `drafted`: the QA team's sections as the run
    drafted them already from these very figures, params and period (`commentary.drafts.drafts`), if it did."""
    months = period.months
    # What the QA lead signed: their edited key messages where they wrote them (never in a wider pack, which
    # shows no QA lead's text), else the drafted findings.
    edited = figures.commentary.get("key-messages") if isinstance(figures, RunFigures) else None
    if edited:
        messages = edited
    elif drafted is not None and isinstance(figures, RunFigures) and "key-messages" in drafted:
        messages = drafted["key-messages"]  # the same findings' bullets (`findings.key_messages`), not ranked again
    else:
        messages = key_messages(figures, params, period)
    sections: dict[str, list[str]] = {
        "key_messages": [line for line in messages.splitlines() if line.strip()],
        "returns": returns_sentences(figures, months, params.target_return_rate),
        "grades": overall_sentences(figures, months),
        "standards": standards_sentences(figures, params.short_names),
    }
    if isinstance(figures, PublishedFigures):
        sections["note"] = [figures.note]
    return {"title": params.programme.get("name", "Quality Assurance Highlight Report"), "period": period.label, **sections}
