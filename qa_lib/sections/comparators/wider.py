"""Sections 3.1.3 to 3.1.5 for a wider audience: drawn only from the run's published figures (a hidden count
is c). A cohort's standards are compared only where both months' counts are shown."""

from __future__ import annotations

from qa_lib.disclosure.claims import published_claims
from qa_lib.notebook import Run
from qa_lib.sections.comparators import charts, display, figures, words


def cohorts(run: Run, heading: str = "###", tables: bool = True, detail: bool = True) -> None:
    assert run.published is not None
    pub = run.published
    comp = pub.frame("comparators.comp")
    for c in pub.comparators.cohorts:
        mine = comp[comp["cohort"] == c.cohort]
        shown, cmp, hidden = published_claims(pub).comparisons[c.cohort]
        labels = {k: v for k, v in run.params.short_names.items() if k not in hidden}
        text = [f"{heading} {c.label}", *words.comparator_text(c.label, c.months, cmp, figures.picture(cmp), labels, brief=not detail)]
        if len(hidden):
            text.append("Standards with a count that is small or could reveal one (c) are not compared.")
        run.show_text(text)
        if not detail:
            continue
        run.show_table(
            display.comparator_table(comp, c.cohort, run.params.short_names),
            f"{c.label}: % good or outstanding (good or outstanding/graded; 95% interval) by audit month",
        )
        if not len(hidden) and mine["audit_month"].nunique() > 1:
            run.show_chart(charts.comparator_chart, shown, c.cohort, c.label, run.params.short_names)
