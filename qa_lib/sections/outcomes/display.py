"""What happened next to audited children as a table for people: each grade group's rates, with counts and
95% intervals (n beside every %)."""

from __future__ import annotations

import pandas as pd

from qa_lib.sections.outcomes.words import GROUP_WORDS
from qa_lib.stats import whole

OUTCOME_HEADERS = {
    "re_referral": "Referred again",
    "new_cp_plan": "New child protection plan",
    "entered_care": "Came into care",
    "placement_move": "Moved placement (of those looked after)",
    "closed": "Episode closed",
}


def outcomes_table(table: pd.DataFrame, rates: pd.DataFrame) -> pd.DataFrame:
    """Grade groups down; the followed-up audits, then each outcome as "% (count/out of; 95% interval)"."""
    t = table.set_index("grade_group")
    rows = []
    for group, label in GROUP_WORDS.items():
        r = rates[rates["grade_group"] == group].set_index("outcome")
        row = {"Overall grade (after moderation)": label, "Audits followed up": int(t.at[group, "followed_up"])}
        for outcome, header in OUTCOME_HEADERS.items():
            k, n = int(r.at[outcome, "count"]), int(r.at[outcome, "of"])
            row[header] = (
                "–"
                if n == 0
                else f"{whole(r.at[outcome, 'percent'])} ({k}/{n}; {whole(r.at[outcome, 'lower'])} to {whole(r.at[outcome, 'upper'])})"
            )
        rows.append(row)
    return pd.DataFrame(rows)
