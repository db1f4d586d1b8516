"""The programme summary box and the data-quality notes, as a notebook shows them."""

from __future__ import annotations

from qa_lib.notebook import Run
from qa_lib.sections.quality import display
from qa_lib.sections.standards import display as standards_display


def programme(run: Run) -> None:
    """The programme summary box, in a marked block: its date of report is today's, drawn again whenever a re-run
    takes the page from the run cache, so a page kept from an earlier day never shows that day's date."""
    run.show_block("programme")
    run.show_text(run.audience_note)


def rows(run: Run, caption: str | None = None) -> None:
    """Rows read = used + rejected, and which rows were rejected or carry warnings (row numbers only)."""
    run.show_table(display.rows_table(run.data), caption or f"Rows in {run.data['file']}")
    run.show_text(display.rejected_note(run.data))


def rejected(run: Run) -> None:
    """Which rows were rejected or carry warnings (row numbers only)."""
    run.show_text(display.rejected_note(run.data))


def standards_note(run: Run) -> None:
    run.show_text(_standards_note(run))


def _standards_note(run: Run) -> str:
    """Standards left N/A or ungraded, by standard; in a wider pack, which does not publish those counts, that
    the percentages leave them out."""
    quality = run.shown.standards.quality
    if quality is None:
        return "The percentages leave out standards marked not applicable or left ungraded; their counts are in the QA team's report."
    return standards_display.standards_quality_note(quality, run.params.short_names)


def appendix(run: Run, detail: bool = True) -> None:
    """The highlight report's appendix: rows, rejected rows, ungraded standards and what the figures leave out
    (without `detail`, the rows in words only: the table is in the compliance report, but a wider pack, the
    highlight alone, keeps it)."""
    if detail or run.highlight_alone:
        run.show_table(display.rows_table(run.data), f"Rows in {run.data['file']}: read = used + rejected")
    run.show_text([display.rejected_note(run.data), _standards_note(run)])
    run.show_block("commentary-note")
    run.show_text("\n".join(f"- {line}" for line in display.EXCLUSIONS))


def how_to_read(run: Run, detail: bool = True) -> None:
    """The method appendix: non-response, how moderation is chosen, and how each figure is read (without
    `detail`, the highlight's short version: the methods are in the audit quality report). For either audience:
    the return rates shown, and the number moderated when every month's count is shown."""
    monthly = run.shown_rows("compliance.monthly", ["distributed", "returned", "return_rate"])
    rates = [(m, r) for m, r in zip(monthly["audit_month"], monthly["return_rate"]) if m in run.months]
    summary = run.complete("grades.moderation_summary")
    moderated = int(summary["moderated"].sum()) if summary is not None else None
    run.show_text(display.how_to_read(rates, moderated, brief=not detail))
    if not detail:
        run.show_more("grades", "how each figure is worked out")


def revision(run: Run) -> None:
    """When this run replaces a published version of the same period: what changed since (nothing otherwise)."""
    run.show_block("revision")


def key_messages(run: Run) -> None:
    """The key messages box: four to six bullets drafted from the figures this run's audience may see, or the QA
    lead's own (never in a wider pack)."""
    run.show_section("key-messages")
