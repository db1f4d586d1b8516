"""What happened next to audited children, in plain words: what the rates show, whether they rise or fall with
the grade more than chance would explain, and what they cannot show."""

from __future__ import annotations

import pandas as pd

from qa_lib.stats import beyond_chance, whole

GROUP_WORDS = {"good_or_outstanding": "good or outstanding", "requires_improvement": "requires improvement", "inadequate": "inadequate"}
OUTCOME_WORDS = {
    "re_referral": "were referred again",
    "new_cp_plan": "were put on a new child protection plan",
    "entered_care": "came into care (of those not already looked after)",
    "placement_move": "moved placement (of those looked after)",
    "closed": "had their episode closed",
}
MIN_FOLLOWED = 10  # fewer followed-up audits in a group: the group's rates are shown but not read


def caveats(months: int, extract_date: str, unmatched: int, not_yet: int) -> list[str]:
    """What the figures cannot say, on the page beside them."""
    return [
        f"These figures follow each audited child for {months} months after the month of the audit, in the council's "
        f"own case records (its Standard Safeguarding Dataset, up to {extract_date or 'the latest date in the extract'}).",
        "They show an association, not a cause: children whose files are graded inadequate may differ in their needs "
        "from those graded good, and that alone could give them different outcomes.",
        f"Only audits whose {months} months have passed are counted ({not_yet} not yet); "
        f"{unmatched} audit{'s' if unmatched != 1 else ''} could not be matched to a child in the extract.",
    ]


def data_notes(set_aside: dict[str, int], after_extract_date: int) -> list[str]:
    """The extract's warnings, counted (never listed): rows used for nothing, dates after the extract date."""
    out = []
    if set_aside:
        files = "; ".join(f"{name} {n}" for name, n in sorted(set_aside.items()))
        out.append(f"Rows of the extract whose child, referral or care episode was not found were set aside and used for nothing: {files}.")
    if after_extract_date:
        many = after_extract_date != 1
        dates = f"{after_extract_date} date{'s' if many else ''} in the extract fall{'' if many else 's'}"
        out.append(f"{dates} after its extract date (used as given).")
    return out


def trend_sentences(rates: pd.DataFrame, trends: pd.DataFrame) -> list[str]:
    """One sentence per outcome: whether it rises or falls from good or outstanding to inadequate more than
    chance would explain (Cochran-Armitage, two-sided, the section's five tests corrected together at 5%), with
    the three rates and their counts."""
    out = []
    for t in trends.itertuples():
        r = rates[rates["outcome"] == t.outcome].set_index("grade_group")
        if (r["of"] < MIN_FOLLOWED).any() or pd.isna(t.q):
            out.append(f"Too few audits have been followed up to compare how many children {OUTCOME_WORDS[t.outcome]} by grade.")
            continue
        shown = "; ".join(
            f"{GROUP_WORDS[g]} {whole(r.at[g, 'percent'])} ({int(r.at[g, 'count'])} of {int(r.at[g, 'of'])})" for g in GROUP_WORDS
        )
        if beyond_chance(t.q, t.slope):  # the report's one rule; the way is the trend's, not the two ends'
            way = "rose" if t.slope > 0 else "fell"
            out.append(
                f"The share of children who {OUTCOME_WORDS[t.outcome]} {way} from files graded good or outstanding to "
                f"those graded inadequate, by more than chance would explain: {shown}."
            )
        else:
            out.append(
                f"The share of children who {OUTCOME_WORDS[t.outcome]} does not differ by grade by more than chance "
                f"would explain at these numbers: {shown}."
            )
    return out
