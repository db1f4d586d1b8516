"""Section 3.1.2: practice standards month on month: drafted sentences, in the reference report's voice, from the
section's figures."""

from __future__ import annotations

import itertools

import pandas as pd

from qa_lib.inputs.period import month_name
from qa_lib.stats import signed_points, whole


def cohort_note(cohorts: dict[str, str]) -> str | None:
    """When the months compared audited different cohorts, say so: a change compares different children."""
    named = {m: c for m, c in cohorts.items() if c}
    if len(set(named.values())) < 2:
        return None
    parts = "; ".join(f"{month_name(m)}: {c}" for m, c in named.items())
    return (
        f"Each month audited a different group of children ({parts}), so a change from one month to the next "
        "compares different cohorts, not the same children over time."
    )


def standards_sentences(trend: pd.DataFrame, labels: dict[str, str], cohorts: dict[str, str] | None = None) -> list[str]:
    """Which standards improved, declined or were inconsistent (% Good/Outstanding), by the noise rule."""
    if trend["first_month"].isna().all():
        return ["There are not enough graded months to compare."]
    first, last = trend["first_month"].dropna().min(), trend["last_month"].dropna().max()
    span = f"between {month_name(first, True)} and {month_name(last, True)}"
    out = []

    def items(reading: str) -> list[str]:
        rows = trend[trend["reading"] == reading]
        return [
            f"- {labels.get(r.standard, r.standard)} ({whole(r.first_pct)} to {whole(r.last_pct)}, {signed_points(r.change)} points)"
            for r in rows.itertuples()
        ]

    for reading, head in (
        ("improved", f"Good or outstanding grades rose {span} for:"),
        ("declined", f"Good or outstanding grades fell {span} for:"),
        ("inconsistent", "Performance was inconsistent, rising and falling beyond chance from month to month, for:"),
    ):
        lines = items(reading)
        if lines:
            out.append("\n".join([head, "", *lines]))
    compared = trend["first_month"].notna()
    quiet = int(((trend["reading"] == "no clear change") & compared).sum())
    if quiet:
        noun = "standard" if quiet == 1 else "standards"
        which = ("the" if quiet == 1 else "all") if quiet == int(compared.sum()) else "the other"
        out.append(
            f"For {which} {quiet} {noun} compared, the changes {span} are within what chance alone would produce at "
            "these numbers, so no rise or fall is claimed."
        )
    uncompared = [labels.get(s, s) for s in trend.loc[~compared, "standard"]]
    if uncompared:
        out.append(f"Not compared, because fewer than two months had audits graded on it: {'; '.join(uncompared)}.")
    note = cohort_note(cohorts or {})
    if note:
        out.append(note)
    return out


OTHER_STANDARDS = "Other standards"  # the standards no params group names


def month_summary(moves: pd.DataFrame, labels: dict[str, str]) -> str | None:
    """One sentence for the highlight on the month-to-month changes: which were bigger than chance would explain
    (a mark in the standards table), or that none was; the month-by-month detail is in the section report."""
    if moves.empty or (moves["go_p"].isna().all() and moves["ri_p"].isna().all()):
        return None
    found = []
    for label, measure in (("go", "good or outstanding"), ("ri", "requires improvement")):
        for r in moves[moves[f"{label}_mark"].isin(["↑", "↓"])].itertuples():
            way = "rose" if getattr(r, f"{label}_change") > 0 else "fell"
            found.append(
                f"{labels.get(r.standard, r.standard)}: {measure} {way} by {abs(getattr(r, f'{label}_change')):.1f} points "
                f"from {month_name(r.previous_month)} to {month_name(r.audit_month)}"
            )
    if not found:
        return (
            "From one month to the next, no standard's share of good or outstanding or of requires improvement grades "
            "changed by more than chance would explain at these numbers; each month's figures are in the table."
        )
    return "From one month to the next, these changes were bigger than chance would explain: " + "; ".join(found) + "."


def month_paragraphs(
    table: pd.DataFrame, moves: pd.DataFrame, labels: dict[str, str], groups: dict[str, tuple[str, ...]], months: list[str]
) -> list[str]:
    """For each month after the first, a short paragraph per group of standards: what rose or fell and by
    how much (% good or outstanding, with counts), against the month before, and whether the change is bigger
    than chance would explain (the report's noise rule)."""
    if moves.empty:
        return []
    t = table.set_index(["standard", "audit_month"])
    mv = moves.set_index(["standard", "audit_month"])
    grouped = dict(groups) if groups else {"": tuple(labels)}
    rest = tuple(s for s in labels if not any(s in g for g in grouped.values()))
    if rest:
        grouped[OTHER_STANDARDS] = rest
    out = []
    for prev, month in itertools.pairwise(months):
        out.append(f"**{month_name(month, True)}, against {month_name(prev, True)}**")
        for group, members in grouped.items():
            parts, beyond = [], False
            for s in members:
                if (s, month) not in mv.index or (s, prev) not in t.index:
                    continue
                a, b, m = t.loc[(s, prev)], t.loc[(s, month)], mv.loc[(s, month)]
                if not a["graded"] or not b["graded"]:
                    continue
                change = m["go_change"]
                before = f"{whole(a['pct_good_or_outstanding'])} ({int(a['good_or_outstanding'])} of {int(a['graded'])})"
                after = f"{whole(b['pct_good_or_outstanding'])} ({int(b['good_or_outstanding'])} of {int(b['graded'])})"
                shown = f"{before} to {after}"
                if whole(a["pct_good_or_outstanding"]) == whole(b["pct_good_or_outstanding"]):
                    how = f"stayed at {whole(b['pct_good_or_outstanding'])}"
                else:
                    how = f"{'rose' if change > 0 else 'fell'} from {shown} ({signed_points(change)} points"
                    how += ", more than chance would explain)" if m["go_mark"] in ("↑", "↓") else ")"
                    beyond = beyond or m["go_mark"] in ("↑", "↓")
                parts.append(f"{labels.get(s, s)} {how}")
            if parts:
                # A params group of one standard is named by its standard alone (not "Impact: ... A positive difference")
                lead = f"{group}: " if group and (len(members) > 1 or group == OTHER_STANDARDS) else ""
                tail = "" if beyond else " None of these changes is bigger than chance would explain."
                out.append(f"{lead}good or outstanding grades for " + "; ".join(parts) + "." + tail)
    return out
