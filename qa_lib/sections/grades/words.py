"""Sections 2.3 and 3.1.1: moderation, agreement and overall grades: drafted sentences, in the reference report's
voice, from the section's figures."""

from __future__ import annotations

import pandas as pd

from qa_lib.inputs.period import join_words
from qa_lib.inputs.schema import GRADE_LABELS
from qa_lib.render.words import month_phrase
from qa_lib.stats import whole


def _were(n: int) -> str:
    return f"{n} was" if n == 1 else f"{n} were"


def moderation_text(summary: pd.DataFrame, outcomes: pd.DataFrame, months: list[str], themes: dict[str, str] | None = None) -> list[str]:
    """Per month, section 2.3's wording: a heading ("October moderations – <cohort>"), then
    "15 out of 38 audits were moderated in October." and the outcome list."""
    s = summary.set_index("audit_month")
    end = months[-1]
    blocks = []
    for month in months:
        name = month_phrase(month, end)
        theme = (themes or {}).get(month)
        blocks.append(f"**{name} moderations{' – ' + theme if theme else ''}**")
        moderated, returned = int(s.at[month, "moderated"]), int(s.at[month, "returned"])
        if moderated == 0:
            blocks.append(f"No audits were moderated in {name}." if returned else f"No audits were returned in {name}.")
            continue
        o = outcomes[outcomes["audit_month"] == month]
        lines = [f"{moderated} out of {returned} audits were moderated in {name}.", "", "The outcome of the moderations was:", ""]
        same = int(o.loc[o["outcome"] == "same", "count"].sum())
        lines.append(
            f"- {same} remained the same grade following moderation" if same else "- None remained the same grade following moderation"
        )
        for kind in ("downgraded", "upgraded"):
            moves = o[o["outcome"] == kind].sort_values("count", ascending=False, kind="stable")
            if moves.empty:
                lines.append(f"- No moderations were {kind}")
            for _, r in moves.iterrows():
                lines.append(f"- {_were(int(r['count']))} {kind} from {GRADE_LABELS[r['from_grade']]} to {GRADE_LABELS[r['to_grade']]}")
        blocks.append("\n".join(lines))
    return blocks


def _kappa_words(kappa: float) -> str:
    """Landis and Koch's bands for kappa."""
    if kappa < 0:
        return "poor"
    for limit, words in ((0.2, "slight"), (0.4, "fair"), (0.6, "moderate"), (0.8, "substantial")):
        if kappa <= limit:
            return words
    return "almost perfect"


def agreement_sentences(agree: pd.DataFrame, months: list[str]) -> list[str]:
    """How often auditor and moderator agreed, with n, kappa, and whether month-to-month change is beyond chance."""
    a = agree.set_index("audit_month")
    end = months[-1]
    out = []
    period = a.loc["period"]
    if period["moderated"] < 10:
        return [
            f"Only {int(period['moderated'])} audits were moderated over the period: too few to measure how far "
            "auditors and moderators agree."
        ]
    out.append(
        f"Over the period, moderators kept the auditor's overall grade in {int(period['agreed'])} of {int(period['moderated'])} "
        f"moderated audits ({whole(period['exact_agreement'])}, 95% confidence interval {whole(period['agreement_low'])} to "
        f"{whole(period['agreement_high'])}); weighted kappa {period['weighted_kappa']:.2f}, "
        f"{_kappa_words(period['weighted_kappa'])} agreement beyond chance."
    )
    from qa_lib.sections.grades.moderation import agreement_changes

    for c in agreement_changes(agree, months).itertuples():
        direction = "rose" if c.change > 0 else "fell" if c.change < 0 else "stayed"
        verdict = "a change unlikely to be chance" if c.p < 0.05 else "a change that could be chance at these numbers"
        out.append(
            f"Agreement {direction} from {whole(c.previous_agreement)} ({c.previous_agreed} of {c.previous_moderated}) in "
            f"{month_phrase(c.previous_month, end)} to {whole(c.agreement)} ({c.agreed} of {c.moderated}) in "
            f"{month_phrase(c.audit_month, end)}: {verdict} (Fisher's exact test, p = {c.p:.2f})."
        )
    small = [f"{month_phrase(m, end)} (n={int(a.at[m, 'moderated'])})" for m in months if 0 < a.at[m, "moderated"] < 30]
    if small:
        out.append(f"Monthly figures rest on small samples, {join_words(small)}: read them with caution.")
    return out


def overall_grade_sentences(before: pd.DataFrame, after: pd.DataFrame, months: list[str]) -> list[str]:
    """Per month: % graded good or outstanding overall, before and after moderation, with n."""
    from qa_lib.sections.grades.figures import good_or_outstanding

    end = months[-1]
    b = good_or_outstanding(before).set_index("audit_month")
    a = good_or_outstanding(after).set_index("audit_month")
    out = []
    for month in months:
        if month not in b.index or b.at[month, "returned"] == 0:
            out.append(f"No audits were returned in {month_phrase(month, end)}.")
            continue
        out.append(
            f"In {month_phrase(month, end)}, {b.at[month, 'good_or_outstanding']} of {b.at[month, 'returned']} audits "
            f"({whole(b.at[month, 'percent'])}) were graded good or outstanding overall by the auditor; after moderation, "
            f"{a.at[month, 'good_or_outstanding']} ({whole(a.at[month, 'percent'])})."
        )
    return out
