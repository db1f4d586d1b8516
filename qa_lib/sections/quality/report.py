"""The programme summary box and the data-quality notes, as a notebook shows them."""

from __future__ import annotations

from qa_lib.notebook import Run
from qa_lib.sections.quality import display, wider
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
    run.show_text(standards_display.standards_quality_note(run.figures.standards.quality, run.params.short_names))


def appendix(run: Run, detail: bool = True) -> None:
    """The highlight report's appendix: rows, rejected rows, ungraded standards and what the figures leave out
    (without `detail`, the rows in words only: the table is in the compliance report)."""
    if run.published is not None:  # a wider run: only the published figures
        return wider.appendix(run)
    if detail:
        run.show_table(display.rows_table(run.data), f"Rows in {run.data['file']}: read = used + rejected")
    note = standards_display.standards_quality_note(run.figures.standards.quality, run.params.short_names)
    run.show_text([display.rejected_note(run.data), note])
    run.show_block("commentary-note")
    run.show_text("\n".join(f"- {line}" for line in display.EXCLUSIONS))


def how_to_read(run: Run, detail: bool = True) -> None:
    """The method appendix: non-response, how moderation is chosen, and how each figure is read (without
    `detail`, the highlight's short version: the methods are in the audit quality report)."""
    if run.published is not None:  # a wider run: only the published figures
        return wider.how_to_read(run)
    monthly = run.figures.compliance.monthly
    rates = [(m, r) for m, r in zip(monthly["audit_month"], monthly["return_rate"]) if m in run.months]
    moderated = int(run.figures.grades.moderation_summary["moderated"].sum())
    run.show_text(display.how_to_read(rates, moderated, brief=not detail))
    if not detail:
        run.show_more("grades", "how each figure is worked out")


def revision(run: Run) -> None:
    """When this run replaces a published version of the same period: what changed since (nothing otherwise)."""
    run.show_block("revision")


def key_messages(run: Run) -> None:
    """The key messages box: four to six bullets drafted from the figures, or the QA lead's own."""
    if run.published is not None:  # a wider run: only the published figures
        return wider.key_messages(run)
    run.show_section("key-messages")
