"""The data-quality appendix for a wider audience: rows read, used and rejected (counts of the file, shown in
full). Counts of standards left N/A or ungraded are not published for a wider audience."""

from __future__ import annotations

from qa_lib.notebook import Run
from qa_lib.sections.compliance.wider import returns_sentences
from qa_lib.sections.grades.wider import overall_sentences
from qa_lib.sections.quality import display
from qa_lib.sections.standards.wider import standards_sentences


def appendix(run: Run) -> None:
    assert run.published is not None
    run.show_table(display.rows_table(run.data), f"Rows in {run.data['file']}: read = used + rejected")
    run.show_text(display.rejected_note(run.data))
    run.show_text("The percentages leave out standards marked not applicable or left ungraded; their counts are in the QA team's report.")
    run.show_text("\n".join(f"- {line}" for line in display.EXCLUSIONS))


def how_to_read(run: Run) -> None:
    """The method appendix from the published figures: return rates only where shown, moderated audits only
    when every month's count is shown."""
    assert run.published is not None
    pub = run.published
    monthly = pub.shown_rows("compliance.monthly", ["distributed", "returned", "return_rate"])
    rates = [(m, r) for m, r in zip(monthly["audit_month"], monthly["return_rate"]) if m in run.months]
    summary = pub.complete("grades.moderation_summary")
    moderated = int(summary["moderated"].sum()) if summary is not None else None
    run.show_text(display.how_to_read(rates, moderated, brief=True))  # the highlight's shape: its methods are the QA team's


def key_messages(run: Run) -> None:
    """The key messages of a wider report, from its published figures only: the latest month's returns, the
    overall grades and the standards."""

    assert run.published is not None
    pub = run.published
    bullets = [
        ("Returns", returns_sentences(pub, run.months, run.target)[-1:]),
        ("Overall grades", overall_sentences(pub, run.months)[-1:]),
        ("Practice standards", standards_sentences(pub, run.params.short_names)[:1]),
    ]
    run.show_text("\n".join(f"- **{name}:** {text[0].splitlines()[0]}" for name, text in bullets if text))
