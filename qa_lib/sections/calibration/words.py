"""Calibration exercises: drafted sentences from the figures, in plain words with the numbers beside them."""

from __future__ import annotations

import pandas as pd

from qa_lib.inputs.period import join_words
from qa_lib.sections.calibration.figures import MIN_GRADINGS, NOTICEABLE, RELIABLE, TENTATIVE, CalibrationFigures
from qa_lib.sections.grades.words import steps
from qa_lib.stats import whole


def reading(alpha: float) -> str:
    """Krippendorff's guide for alpha: rely on 0.800 or more, tentative conclusions from 0.667, below that not."""
    if alpha != alpha:
        return "cannot be measured"
    if alpha >= RELIABLE:
        return "reliable"
    if alpha >= TENTATIVE:
        return "tentative"
    return "too low to rely on"


def item_name(item: str, names: dict[str, str]) -> str:
    return "the overall grade" if item == "overall" else names.get(item, item)


def summary_sentences(f: CalibrationFigures) -> list[str]:
    """What the file holds: exercises, auditors and cases, and rows read, used and rejected."""
    latest = f.agreement[(f.agreement["exercise_id"] == f.exercises[-1]) & (f.agreement["standard"] == "overall")].iloc[0]
    n = len(f.exercises)
    out = [
        f"The calibration file holds {n} exercise{'s' if n != 1 else ''}: {join_words(list(f.exercises))}. "
        + (
            f"In the latest, {int(latest['raters'])} auditors graded the same {int(latest['cases'])} anonymised cases."
            if latest["raters"] >= 2 and latest["cases"] >= 1
            else "In the latest, no case was graded by two or more auditors, so agreement cannot be measured."
        )
    ]
    rejected = f" and {f.rows_rejected} blank row{'s' if f.rows_rejected != 1 else ''} set aside" if f.rows_rejected else ""
    out.append(f"Rows read: {f.rows_read}; used: {f.rows_used}{rejected}.")
    return out


def standard_sentences(f: CalibrationFigures, names: dict[str, str]) -> list[str]:
    """How far auditors agreed on each item in the latest exercise, by Krippendorff's guide, naming the items
    whose agreement is too low to rely on."""
    ex = f.exercises[-1]
    latest = f.agreement[f.agreement["exercise_id"] == ex]
    groups: dict[str, list[str]] = {"reliable": [], "tentative": [], "too low to rely on": [], "cannot be measured": []}
    for r in latest.itertuples():
        groups[reading(r.alpha_ordinal)].append(item_name(r.standard, names))
    out = []
    if groups["reliable"]:
        out.append(f"In {ex}, auditors agreed reliably (Krippendorff's alpha 0.80 or more) on {join_words(groups['reliable'])}.")
    if groups["tentative"]:
        out.append(f"Agreement was tentative (alpha 0.67 to 0.80) on {join_words(groups['tentative'])}.")
    low = latest[latest["alpha_ordinal"] < TENTATIVE]
    if not low.empty:
        said = "; ".join(
            f"{item_name(r.standard, names)} (alpha {r.alpha_ordinal:.2f}; {whole(r.exact_agreement_pct)} of pairs of auditors gave "
            "the same grade)"
            for r in low.itertuples()
        )
        out.append(f"Auditors read these too differently to rely on their grades: {said}. Talk them through at the next exercise.")
    if groups["cannot be measured"]:
        out.append(
            f"Agreement cannot be measured on {join_words(groups['cannot be measured'])} (fewer than two cases graded, or one grade given)."
        )
    return out


def trend_sentences(f: CalibrationFigures, names: dict[str, str]) -> list[str]:
    """Agreement on the overall grade across exercises, and how many items rose or fell between the last two."""
    if len(f.exercises) < 2:
        return ["One exercise so far: the trend appears from the second."]
    a = f.agreement.set_index(["exercise_id", "standard"])["alpha_ordinal"]
    first, prev, last = f.exercises[0], f.exercises[-2], f.exercises[-1]
    out = []
    start, end = a.get((first, "overall"), float("nan")), a.get((last, "overall"), float("nan"))
    if start == start and end == end:
        went = "rose" if end > start else "fell" if end < start else "held"
        out.append(f"Agreement on the overall grade {went} from alpha {start:.2f} in {first} to {end:.2f} in {last}.")
    items = [i for i in f.items if i != "overall"]
    change = pd.Series({i: a.get((last, i), float("nan")) - a.get((prev, i), float("nan")) for i in items}).dropna()
    if len(change):
        shown = change.round(2)  # as the table shows alpha: 0.76 to 0.76 is no change
        rose, fell, held = int((shown > 0).sum()), int((shown < 0).sum()), int((shown == 0).sum())
        parts = [f"rose for {_standards(rose)}"] * bool(rose) + [f"fell for {_standards(fell)}"] * bool(fell)
        parts += [f"was unchanged for {_standards(held)}"] * bool(held)
        out.append(f"Between {prev} and {last}, alpha {join_words(parts)}.")
    out.append(
        "With a handful of cases, an exercise's agreement moves by chance (AC2's interval in the table shows how far): "
        "read the trend over several exercises, not one step."
    )
    return out


def _standards(n: int) -> str:
    return f"{n} standard{'s' if n != 1 else ''}"


def auditor_sentences(positions: pd.DataFrame) -> list[str]:
    """Where auditors sit against the group's grade, over every exercise: only those half a grade step or more
    from it on average (over at least MIN_GRADINGS gradings) are named, never ranked."""
    every = positions[positions["exercise_id"] == "all"]
    read = every[every["gradings"] >= MIN_GRADINGS]
    apart = read[read["mean_steps"].abs() >= NOTICEABLE]
    if read.empty:
        return [f"No auditor made {MIN_GRADINGS} or more gradings with a clear group grade: too few to say where anyone sits."]
    if apart.empty:
        return ["Every auditor's grades sat close to the group's (within half a grade step on average)."]
    out = []
    for r in apart.itertuples():
        way = "lower (harsher)" if r.mean_steps < 0 else "higher (more generously)"
        out.append(
            f"{r.code} graded {way} than the group on average: {steps(r.mean_steps)} steps over {r.gradings} gradings, "
            f"at the group's grade {whole(r.pct_at_group)} of the time."
        )
    out.append(f"{join_words(apart['code'].tolist())} may benefit from a calibration conversation.")
    return out
