"""Calibration exercises: the figures as tables for people (readable headers, n beside every %, codes only)."""

from __future__ import annotations

import pandas as pd

from qa_lib.render.words import coefficient_interval
from qa_lib.sections.calibration.figures import CalibrationFigures
from qa_lib.sections.calibration.words import item_name, reading
from qa_lib.sections.grades.words import steps
from qa_lib.stats import whole


def _coefficient(v: float) -> str:
    return "–" if v != v else f"{v:.2f}"


def agreement_table(f: CalibrationFigures, exercise: str, names: dict[str, str]) -> pd.DataFrame:
    """One exercise: per item, cases, auditors, exact agreement, alpha with its reading and AC2 with its interval."""
    t = f.agreement[f.agreement["exercise_id"] == exercise]
    return pd.DataFrame(
        {
            "Standard": [item_name(s, names).capitalize() if s == "overall" else item_name(s, names) for s in t["standard"]],
            "Cases": t["cases"].astype(str).to_numpy(),
            "Auditors": t["raters"].astype(str).to_numpy(),
            "Same grade (% of pairs)": ["–" if p != p else whole(p) for p in t["exact_agreement_pct"]],
            "Krippendorff's alpha (ordinal)": [_coefficient(v) for v in t["alpha_ordinal"]],
            "Reading": [reading(v) for v in t["alpha_ordinal"]],
            "Gwet's AC2 (95% interval)": [
                coefficient_interval(v, lo, hi) for v, lo, hi in zip(t["ac2_ordinal"], t["ac2_low"], t["ac2_high"])
            ],
        }
    )


def trend_table(f: CalibrationFigures, names: dict[str, str]) -> pd.DataFrame:
    """Krippendorff's alpha per item (rows) and exercise (columns, in file order)."""
    wide = f.agreement.pivot(index="standard", columns="exercise_id", values="alpha_ordinal").reindex(
        index=list(f.items), columns=list(f.exercises)
    )
    out = pd.DataFrame({"Standard": [item_name(s, names) for s in wide.index]})
    for ex in f.exercises:
        out[ex] = [_coefficient(v) for v in wide[ex]]
    return out


def positions_table(f: CalibrationFigures) -> pd.DataFrame:
    """Per auditor code (code order): mean steps from the group's grade and % at it, per exercise and in all."""
    p = f.positions
    out = pd.DataFrame({"Auditor": list(dict.fromkeys(p["code"]))})
    for ex in [*f.exercises, "all"]:
        part = p[p["exercise_id"] == ex].set_index("code")
        header = "All exercises" if ex == "all" else ex
        out[header] = [
            f"{steps(part.at[c, 'mean_steps'])} ({whole(part.at[c, 'pct_at_group'])} of {int(part.at[c, 'gradings'])})"
            if c in part.index
            else "–"
            for c in out["Auditor"]
        ]
    return out
