"""Sections 2.3 and 3.1.1: moderation, agreement and overall grades: drafted sentences, in the reference report's
voice, from the section's figures."""

from __future__ import annotations

import pandas as pd

from qa_lib.inputs.period import join_words, month_name
from qa_lib.inputs.schema import GRADE_LABELS
from qa_lib.render.cells import MAX_LISTED, is_hidden
from qa_lib.render.words import month_phrase, was_were
from qa_lib.sections.grades.auditors import band as count_band
from qa_lib.sections.grades.figures import good_or_outstanding
from qa_lib.sections.grades.moderation import CAUTION_N, MIN_N
from qa_lib.stats import beyond_chance, whole


def _were(n: int) -> str:
    return f"{n} was" if n == 1 else f"{n} were"


def moderation_text(summary: pd.DataFrame, outcomes: pd.DataFrame, months: list[str], themes: dict[str, str] | None = None) -> list[str]:
    """Per month, section 2.3's wording: a heading ("October moderations – <cohort>"), then
    "15 out of 38 audits were moderated in October." and the outcome list. A hidden count (c) is never worded:
    a month whose number moderated is hidden, or whose outcomes include one, says so instead."""
    s = summary.set_index("audit_month")
    end = months[-1]
    blocks = []
    for month in months:
        name = month_phrase(month, end)
        theme = (themes or {}).get(month)
        blocks.append(f"**{name} moderations{' – ' + theme if theme else ''}**")
        if is_hidden(s.at[month, "moderated"], s.at[month, "returned"]):
            blocks.append(f"The number of audits moderated in {name} is not shown (c).")
            continue
        moderated, returned = int(s.at[month, "moderated"]), int(s.at[month, "returned"])
        if moderated == 0:
            blocks.append(f"No audits were moderated in {name}." if returned else f"No audits were returned in {name}.")
            continue
        o = outcomes[outcomes["audit_month"] == month]
        hidden = is_hidden(*o["count"])
        o = o if hidden else o[o["count"].astype(int) > 0]  # a wider pack lists every pair, zeros included
        if moderated == returned:
            opening = (
                f"The one returned audit was moderated in {name}."
                if returned == 1
                else f"All {returned} returned audits were moderated in {name}."
            )
        else:
            opening = f"{moderated} out of {returned} audits {was_were(moderated)} moderated in {name}."
        if hidden:
            blocks.append(f"{opening} Their outcomes include small numbers and are not shown (c).")
            continue
        lines = [opening, "", "The outcome of the moderations was:", ""]
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


def band(kappa: float) -> str:
    """Landis and Koch's words for a chance-corrected agreement coefficient; at or below zero, no better than
    chance."""
    if kappa <= 0:
        return "no better than chance"
    for limit, words in ((0.2, "slight"), (0.4, "fair"), (0.6, "moderate"), (0.8, "substantial")):
        if kappa <= limit:
            return words
    return "almost perfect"


def _beyond_chance(low: float, high: float) -> str:
    """The agreement beyond chance a kappa interval supports, in words: one band, or the range of bands."""
    lo, hi = band(low), band(high)
    if lo == hi:
        return f"agreement beyond chance was {lo}" if lo != "no better than chance" else "agreement was no better than chance"
    return f"agreement beyond chance was somewhere between {lo} and {hi} (the interval is wide at this number of audits)"


def agreement_sentences(agree: pd.DataFrame, months: list[str], changes: pd.DataFrame) -> list[str]:
    """How often auditor and moderator agreed, in plain words with n; the coefficients (weighted kappa and
    Gwet's AC2 with intervals) are in the table and the method in the appendix. Under 10 moderated audits
    nothing is measured, in sentences or tables. A change from month to month is called bigger than chance
    by the report's one rule on its report-wide q (`changes`: `moderation.agreement_changes` with `q_report`)."""

    a = agree.set_index("audit_month")
    end = months[-1]
    period = a.loc["period"]
    n = int(period["moderated"])
    if n == 0:
        return ["No audits were moderated over the period, so agreement between auditors and moderators cannot be measured."]
    if n < MIN_N:
        only = "Only one audit was" if n == 1 else f"Only {n} audits were"
        return [f"{only} moderated over the period: too few to measure how far auditors and moderators agree."]
    out = [
        f"Over the period, moderators kept the auditor's overall grade in {int(period['agreed'])} of {n} moderated audits "
        f"({whole(period['exact_agreement'])}; 95% interval {whole(period['agreement_low'])} to {whole(period['agreement_high'])})."
    ]
    if pd.isna(period["weighted_kappa"]):
        out.append(
            "Agreement beyond chance cannot be measured this period: every moderated audit had the same grade from auditor "
            "and moderator, so chance alone would also agree (kappa is undefined; Gwet's AC2 is in the table)."
        )
    else:
        said = _beyond_chance(period["kappa_low"], period["kappa_high"])
        out.append(said[0].upper() + said[1:] + ".")
    for c in changes.itertuples():
        if whole(c.agreement) == whole(c.previous_agreement):
            out.append(
                f"Agreement was {whole(c.agreement)} in both {month_phrase(c.previous_month, end)} ({c.previous_agreed} of "
                f"{c.previous_moderated}) and {month_phrase(c.audit_month, end)} ({c.agreed} of {c.moderated})."
            )
            continue
        direction = "rose" if c.change > 0 else "fell"
        verdict = (
            "a change bigger than chance would explain"
            if beyond_chance(c.q_report, c.change)
            else "a change chance alone could explain at these numbers"
        )
        out.append(
            f"Agreement {direction} from {whole(c.previous_agreement)} ({c.previous_agreed} of {c.previous_moderated}) in "
            f"{month_phrase(c.previous_month, end)} to {whole(c.agreement)} ({c.agreed} of {c.moderated}) in "
            f"{month_phrase(c.audit_month, end)}: {verdict}."
        )
    small = [f"{month_phrase(m, end)} (n={int(a.at[m, 'moderated'])})" for m in months if MIN_N <= a.at[m, "moderated"] < CAUTION_N]
    if small:
        out.append(f"Monthly figures rest on small samples, {join_words(small)}: read them with caution.")
    unmeasured = [month_phrase(m, end) for m in months if 0 < a.at[m, "moderated"] < MIN_N]
    if unmeasured:
        out.append(f"Fewer than {MIN_N} audits were moderated in {join_words(unmeasured)}, so agreement is not measured for that month.")
    return out


def overall_grade_sentences(
    before: pd.DataFrame, after: pd.DataFrame | None, months: list[str], hidden: set[str] | frozenset[str] = frozenset()
) -> list[str]:
    """Per month: % graded good or outstanding overall, before and after moderation, with n. `after` None: grades
    after moderation are not published (a wider pack), so the sentence stops at the auditor's grade; a month in
    `hidden` has a hidden count (c) and points to the table instead."""

    end = months[-1]
    b = good_or_outstanding(before).set_index("audit_month")
    a = good_or_outstanding(after).set_index("audit_month") if after is not None else None
    out = []
    for month in months:
        if month in hidden:
            out.append(f"The overall grades for {month_phrase(month, end)} include small numbers; see the table (c).")
            continue
        if month not in b.index or b.at[month, "returned"] == 0:
            out.append(f"No audits were returned in {month_phrase(month, end)}.")
            continue
        go, n = int(b.at[month, "good_or_outstanding"]), int(b.at[month, "returned"])
        later = int(a.at[month, "good_or_outstanding"]) if a is not None else None
        if n == 1:
            said = "was" if go else "was not"
            then = "the same" if later == go else ("good or outstanding" if later else "not")
            tail = f"; after moderation, {then}." if a is not None else "."
            out.append(
                f"In {month_phrase(month, end)}, the one returned audit {said} graded good or outstanding overall by the auditor{tail}"
            )
            continue
        tail = f"; after moderation, {later} ({whole(a.at[month, 'percent'])})." if a is not None else "."
        out.append(
            f"In {month_phrase(month, end)}, {go} of {n} audits ({whole(b.at[month, 'percent'])}) {was_were(go)} graded good or "
            f"outstanding overall by the auditor{tail}"
        )
    return out


def reaudit_sentence(better: int, same: int, worse: int) -> str:
    """How re-audited cases' grades moved, in counts."""
    total = better + same + worse
    if not total:
        return "No case was re-audited in the period."
    return (
        f"{total} case{'s were' if total != 1 else ' was'} re-audited in the period: {better} graded better than at the first "
        f"audit, {same} the same and {worse} worse (final grades, after moderation where moderated)."
    )


def standard_agreement_sentence(low: list[str], exact: dict[str, float], names: dict[str, str]) -> str:
    """The standards auditors and moderators read differently (qa_lib.sections.grades.moderation.lowest_agreement)."""
    if not low:
        return "No standard stands out: auditors and moderators agree about as well on each."
    said = "; ".join(f"{names.get(k, k)} ({whole(exact[k])} exact)" for k in low)
    return f"Auditors and moderators read these standards differently from the rest: {said}. A calibration exercise on them may help."


def steps(value: float) -> str:
    """A shift in grade steps to two decimals, with a real minus sign: +0.60, −0.40, 0.00."""
    text = f"{abs(value):.2f}"
    return "0.00" if text == "0.00" else f"{'+' if value > 0 else '−'}{text}"


def window_words(months: tuple[str, ...] | list[str]) -> str:
    """ "January to December 2021" (or one month's name)."""

    first, last = months[0], months[-1]
    if first == last:
        return month_name(last, True)
    return f"{month_name(first, first[:4] != last[:4])} to {month_name(last, True)}"


def auditor_sentences(table: pd.DataFrame, team_mean: float, left_out: int, months: tuple[str, ...], least: int) -> list[str]:
    """How consistently auditors grade, judged by moderation, in plain words: who is measured, the team's
    average shift, and only those auditors whose interval excludes zero, as people who may benefit from a
    calibration conversation (never a ranking; QA team only)."""
    window = window_words(months)
    if table.empty:
        return [f"No auditor had {least} or more moderated audits from {window}: too few to say how consistently anyone grades."]
    k, total = len(table), int(table["moderated"].sum())
    out = [
        f"From {window}, {k:,} auditor{'s' if k != 1 else ''} had {least} or more moderated audits ({total:,} moderated audits in all)"
        + (
            f"; {left_out} other{'s' if left_out != 1 else ''} had fewer and {'are' if left_out != 1 else 'is'} not shown."
            if left_out
            else "."
        )
    ]
    if k < 2:
        out.append("One auditor alone cannot be compared with the team, so no shift is estimated.")
        return out
    direction = "higher" if team_mean > 0 else "lower"
    out.append(
        f"On average, moderators graded {steps(team_mean)[1:]} of a grade step {direction} than the auditor (a shift of "
        f"{steps(team_mean)} steps; + means the moderator's grade was better)."
        if abs(team_mean) >= 0.005
        else "On average, moderators kept the auditors' grades (a shift of 0.00 grade steps)."
    )
    flagged = table[table["stands_out"].astype(bool)]
    if flagged.empty:
        out.append(
            "No auditor's grades moved under moderation differently from the team's by more than chance would explain at these numbers."
        )
        return out
    if len(flagged) > MAX_LISTED:  # a roll-up: counts, and the codes in the table (never thousands of sentences)
        higher = int((flagged["difference"] > 0).sum())
        out.append(
            f"{len(flagged):,} auditors' grades moved under moderation differently from the team's by more than chance "
            f"would explain: moderators graded {higher:,} of them higher than the team's and {len(flagged) - higher:,} lower. "
            "They may benefit from a calibration conversation."
        )
        return out
    for r in flagged.itertuples():
        way = "higher" if r.difference > 0 else "lower"
        out.append(
            f"{r.code}: over {count_band(r.moderated)} moderated audits, moderators graded this auditor's cases {way} than the team's "
            f"by {steps(abs(r.difference))[1:]} of a grade step on average, after allowing for chance "
            f"(95% interval {steps(r.low)} to {steps(r.high)} steps against the team)."
        )
    named = join_words(flagged["code"].tolist())
    out.append(f"{named} may benefit from a calibration conversation.")
    return out


AGREEMENT_NOT_SHOWN = (
    "Agreement between auditors and moderators rests on small numbers this period and is not published for a wider audience."
)
