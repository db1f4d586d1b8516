"""The key messages box at the top of the highlight report: four to six bullets drafted from the run's figures
(returns against target, overall grades, the standards that moved beyond chance, moderation agreement, and a
trend or cohort that stands out). Editable like any section (qa_lib.commentary)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qa_lib.inputs.period import join_words, month_name
from qa_lib.render.words import displayed_whole, spc_sentence
from qa_lib.spc import CONCERN, IMPROVEMENT, variation
from qa_lib.stats import whole

if TYPE_CHECKING:
    from qa_lib.inputs.params import Params
    from qa_lib.inputs.period import Period
    from qa_lib.run.figures import RunFigures


def key_messages(f: RunFigures, p: Params, period: Period) -> str:
    """Markdown bullets, most important first."""
    from qa_lib.sections.grades.figures import good_or_outstanding
    from qa_lib.sections.grades.moderation import MIN_N

    months = period.months
    bullets = []
    m = f.compliance.monthly.set_index("audit_month")
    rated = [x for x in months if x in m.index and m.at[x, "distributed"] > 0]
    if rated:
        last = rated[-1]
        rate = float(m.at[last, "return_rate"])
        stands = "meeting" if displayed_whole(rate) >= displayed_whole(p.target_return_rate) else "below"
        earlier = "; ".join(f"{month_name(x)} {whole(float(m.at[x, 'return_rate']))}" for x in rated[:-1])
        bullets.append(
            f"**Returns:** {whole(rate)} of audits came back in {month_name(last)} ({int(m.at[last, 'returned'])} of "
            f"{int(m.at[last, 'distributed'])}), {stands} the {whole(p.target_return_rate)} target" + (f" ({earlier})." if earlier else ".")
        )
    go = good_or_outstanding(f.grades.before).set_index("audit_month")
    graded = [x for x in months if x in go.index and go.at[x, "returned"] > 0]
    if graded:
        last = graded[-1]
        k, n = int(go.at[last, "good_or_outstanding"]), int(go.at[last, "returned"])
        bullets.append(
            f"**Overall grades:** {whole(float(go.at[last, 'percent']))} of {month_name(last)}'s returned audits were graded good or "
            f"outstanding by the auditor ({k} of {n})."
        )
    t = f.standards.trends
    rose = [p.standards.get(s, s) for s in t.loc[t["reading"] == "improved", "standard"]]
    fell = [p.standards.get(s, s) for s in t.loc[t["reading"] == "declined", "standard"]]
    if rose or fell:
        parts = ([f"rose for {join_words(rose)}"] if rose else []) + ([f"fell for {join_words(fell)}"] if fell else [])
        bullets.append(f"**Practice standards:** good or outstanding grades {' and '.join(parts)}, beyond what chance would explain.")
    else:
        bullets.append("**Practice standards:** no standard rose or fell by more than chance would explain over the period.")
    a = f.grades.agreement.set_index("audit_month").loc["period"]
    if a["moderated"] >= MIN_N:
        bullets.append(
            f"**Moderation:** moderators kept the auditor's grade in {int(a['agreed'])} of {int(a['moderated'])} moderated audits "
            f"({whole(float(a['exact_agreement']))})."
        )
    elif a["moderated"]:
        bullets.append(f"**Moderation:** too few audits were moderated ({int(a['moderated'])}) to measure agreement.")
    if variation(f.compliance.spc) in (IMPROVEMENT, CONCERN):  # only a month that stands out is a key message
        bullets.append(f"**Trend:** {spc_sentence(f.compliance.spc, 'the return rate')}")
    if any(c.picture for c in f.comparators.cohorts):
        pictures = "; ".join(f"{c.label}: {c.picture}" for c in f.comparators.cohorts if c.picture)
        bullets.append(f"**Cohorts:** compared with their previous audit, {pictures}.")
    return "\n".join(f"- {b}" for b in bullets[:6])
