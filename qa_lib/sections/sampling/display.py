"""Drawing the monthly sample: figure frames as tables for people (readable headers, months by name, n beside
every %)."""

from __future__ import annotations

import pandas as pd


def sampling_table(summary: pd.DataFrame) -> pd.DataFrame:
    """Each rule in order: children before it, excluded by it, left after it (all service areas)."""
    s = summary[summary["service_area"] == "All service areas"]
    return pd.DataFrame(
        {
            "Step": s["step"],
            "Rule": s["rule"],
            "Children before": s["before"],
            "Excluded by this rule": s["excluded"],
            "Children left": s["after"],
        }
    )


def sampling_area_table(summary: pd.DataFrame) -> pd.DataFrame:
    """Service areas down, each rule's children left across; the last column is the sample."""
    s = summary[summary["service_area"] != "All service areas"]
    wide = s.pivot(index="service_area", columns="step", values="after")
    wide = wide.reindex(s["service_area"].drop_duplicates())
    wide.columns = [f"After step {c}" for c in wide.columns]
    wide = wide.rename(columns={wide.columns[-1]: "Drawn"})
    total = wide.sum().to_frame().T
    total.index = ["TOTAL"]
    return pd.concat([wide, total]).rename_axis("Service area").reset_index()
