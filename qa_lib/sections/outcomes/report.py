"""What happened next to audited children, as the audit quality report shows it (QA team only: never in the
highlight report, the e-mail or a wider pack)."""

from __future__ import annotations

from qa_lib.notebook import Run
from qa_lib.sections.outcomes import display, words


def what_happened_next(run: Run) -> None:
    """For each grade group: how many audited children were followed up and what happened to them, whether that
    rises or falls with the grade, and what the figures cannot say."""
    if run.highlight_alone:  # the QA team only: children's outcomes are never published
        return
    f = run.figures.outcomes
    if f is None:
        run.show_text(
            "*No Standard Safeguarding Dataset extract was given (params `ssd:` or `qa-pack run --ssd FOLDER`), so what "
            "happened next to audited children is not shown.*"
        )
        return
    t = f.table.set_index("grade_group")
    followed = int(t.loc[list(words.GROUP_WORDS), "followed_up"].sum())
    matched = int(t.loc[list(words.GROUP_WORDS), "audits_matched"].sum())
    run.show_text(words.trend_sentences(f.rates, f.trends))
    caption = (
        f"What happened in the {f.follow_up_months} months after the audit, by overall grade: % (children/audits followed up; 95% interval)"
    )
    run.show_table(display.outcomes_table(f.table, f.rates), caption)
    run.show_text(words.caveats(f.follow_up_months, f.extract_date, int(t.at["not_matched", "audits_matched"]), matched - followed))
    run.show_text(words.data_notes(f.set_aside, f.after_extract_date))
