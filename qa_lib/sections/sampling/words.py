"""Drawing the monthly sample: drafted sentences, in the reference report's voice, from the section's figures."""

from __future__ import annotations

import pandas as pd

from qa_lib.inputs.period import month_name


def sampling_sentence(summary: pd.DataFrame, month: str, cohort_label: str, seed: int) -> str:
    """What was drawn, and why so many or so few."""
    s = summary[summary["service_area"] == "All service areas"].set_index("step")
    drawn, in_cohort = int(s["after"].iloc[-1]), int(s.loc[2, "after"])
    recent, per_worker = int(s.loc[3, "excluded"]), int(s.loc[5, "excluded"])
    return (
        f"{drawn} children were drawn for the {month_name(month, True)} audit ({cohort_label}) from the {in_cohort} in the "
        f"cohort: {recent} were left out because they were audited in the previous months, and {per_worker} because "
        f"their social worker already had a child in the sample, so that as many social workers as possible have an audit "
        f"conversation. The draw is reproducible: the same caseload, audit history and seed ({seed}) give the same sample."
    )
