"""Drafted commentary in the reference report's voice, built only from figure frames.

The QA lead edits these sentences rather than writing them. Each function takes
the frames computed in `qa_lib.compliance` (never the raw audits), so the words
and the tables always say the same thing.
"""

from __future__ import annotations

import pandas as pd

from .compliance import NO_REASON, OTHER_REASON, top_reasons
from .params import ReasonCategory
from .period import join_words, month_name
from .schema import GRADE_LABELS as GRADE_NAMES
from .stats import one_decimal, signed_points, whole

SHARP_CHANGE = 20  # percentage points: "dropped sharply" (a description, not a significance test)


def _month(m: str, period_end: str) -> str:
    """Month name, with the year only when it differs from the period's end year."""
    return month_name(m, with_year=m[:4] != period_end[:4])


def _target_clause(rate: float, before: float | None, target: float) -> str:
    """How a month's return rate stands against the target, given the month before."""
    t = f"the {whole(target)} target"
    if rate >= target:
        return f" and now meets {t}" if before is not None and before < target else f" and meets {t}"
    if before is not None and rate > before:
        return f" although remains below {t}"
    return f", below {t}"


def compliance_sentences(monthly: pd.DataFrame, months: list[str], target: float) -> list[str]:
    """One sentence per period month comparing its return rate with the month(s) before.

    `monthly` is `compliance.monthly_returns` over the trend window (it must include
    the months before the period). Earlier months with the same whole-number rate are
    named together, as the reference does ("77% in July and August").
    """
    m = monthly.set_index("audit_month").sort_index()
    end = months[-1]
    out = []
    for month in months:
        if month not in m.index or m.at[month, "distributed"] == 0:
            out.append(f"No audits were distributed in {_month(month, end)}.")
            continue
        rate = float(m.at[month, "return_rate"])
        earlier = m[(m.index < month) & (m["distributed"] > 0)]
        if earlier.empty:
            out.append(f"Compliance was {whole(rate)} in {_month(month, end)}{_target_clause(rate, None, target)}.")
            continue
        prev_rate = float(earlier["return_rate"].iloc[-1])
        same: list[str] = []
        for mm, r in zip(reversed(earlier.index.tolist()), reversed(earlier["return_rate"].tolist())):
            if whole(r) != whole(prev_rate):
                break
            same.insert(0, mm)
        since = f"{whole(prev_rate)} in {join_words([_month(x, end) for x in same])}"
        change = round(rate) - round(prev_rate)
        if whole(rate) == whole(prev_rate):
            clause = _target_clause(rate, prev_rate, target)
            out.append(
                f"Compliance remained at {whole(rate)} in {_month(month, end)}, as in {join_words([_month(x, end) for x in same])}"
                f"{',' if clause.startswith(' and') else ''}{clause}."
            )
            continue
        verb = "increased" if change > 0 else "dropped"
        if abs(change) >= SHARP_CHANGE:
            verb = "increased sharply" if change > 0 else "dropped sharply"
        out.append(f"Compliance has {verb} from {since} to {whole(rate)} in {_month(month, end)}{_target_clause(rate, prev_rate, target)}.")
    return out


def full_return_sentences(full: dict[str, list[str]], months: list[str]) -> list[str]:
    """ "CCHDT, Central and Safeguarding and Review completed 100% audit returns in the October audit." """
    end = months[-1]
    out = []
    for month in months:
        areas = full.get(month, [])
        if areas:
            out.append(f"{join_words(areas)} completed 100% audit returns in the {_month(month, end)} audit.")
        else:
            out.append(f"No service area completed 100% audit returns in the {_month(month, end)} audit.")
    return out


def exemption_sentence(monthly: pd.DataFrame, months: list[str]) -> str:
    """ "There were 17 exemptions in October, 23 in November and 10 in December 2021." """
    m = monthly.set_index("audit_month")
    parts = []
    for i, month in enumerate(months):
        n = int(m.at[month, "exempt"]) if month in m.index else 0
        noun = ("exemption" if n == 1 else "exemptions") if i == 0 else ""
        when = month_name(month, with_year=(month == months[-1]))
        parts.append(f"{n} {noun} in {when}".replace("  ", " "))
    verb = "was" if len(months) == 1 and parts[0].startswith("1 ") else "were"
    return f"There {verb} {join_words(parts)}."


def _reason_phrase(label: str, categories: tuple[ReasonCategory, ...]) -> str:
    for c in categories:
        if c.label == label:
            return c.phrase
    if label == NO_REASON:
        return "no reason recorded"
    if label == OTHER_REASON:
        return "other reasons"
    return label.lower()


def participation_sentences(
    part: pd.DataFrame, reasons: pd.DataFrame, months: list[str], categories: tuple[ReasonCategory, ...]
) -> list[str]:
    """ "The percentage of social workers engaged in audit for October was 55.3%, with the most
    common reason given for non-participation relating to ..." """
    p = part.set_index("audit_month")
    end = months[-1]
    out = []
    for month in months:
        name = _month(month, end)
        if month not in p.index or p.at[month, "returned"] == 0:
            out.append(f"No audits were returned for {name}, so social worker participation cannot be measured.")
            continue
        rate = float(p.at[month, "participation_rate"])
        n, k = int(p.at[month, "returned"]), int(p.at[month, "participated"])
        sentence = f"The percentage of social workers engaged in audit for {name} was {one_decimal(rate)} ({k} of {n} returned audits)"
        top = top_reasons(reasons, month)
        if not top:
            out.append(sentence + ".")
            continue
        phrases = join_words([_reason_phrase(t, categories) for t in top])
        plural = "reasons" if len(top) > 1 else "reason"
        out.append(f"{sentence}, with the most common {plural} given for non-participation relating to {phrases}.")
    return out


# ---------------------------------------------------------------- quality findings (section 2.3, 3.1)


def _were(n: int) -> str:
    return f"{n} was" if n == 1 else f"{n} were"


def moderation_text(summary: pd.DataFrame, outcomes: pd.DataFrame, months: list[str], themes: dict[str, str] | None = None) -> list[str]:
    """Per month, section 2.3's wording: a heading ("October moderations – <cohort>"), then
    "15 out of 38 audits were moderated in October." and the outcome list."""
    s = summary.set_index("audit_month")
    end = months[-1]
    blocks = []
    for month in months:
        name = _month(month, end)
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
                lines.append(f"- {_were(int(r['count']))} {kind} from {GRADE_NAMES[r['from_grade']]} to {GRADE_NAMES[r['to_grade']]}")
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
    from .moderation import agreement_changes

    for c in agreement_changes(agree, months).itertuples():
        direction = "rose" if c.change > 0 else "fell" if c.change < 0 else "stayed"
        verdict = "a change unlikely to be chance" if c.p < 0.05 else "a change that could be chance at these numbers"
        out.append(
            f"Agreement {direction} from {whole(c.previous_agreement)} ({c.previous_agreed} of {c.previous_moderated}) in "
            f"{_month(c.previous_month, end)} to {whole(c.agreement)} ({c.agreed} of {c.moderated}) in "
            f"{_month(c.audit_month, end)}: {verdict} (Fisher's exact test, p = {c.p:.2f})."
        )
    small = [f"{_month(m, end)} (n={int(a.at[m, 'moderated'])})" for m in months if 0 < a.at[m, "moderated"] < 30]
    if small:
        out.append(f"Monthly figures rest on small samples, {join_words(small)}: read them with caution.")
    return out


def overall_grade_sentences(before: pd.DataFrame, after: pd.DataFrame, months: list[str]) -> list[str]:
    """Per month: % graded good or outstanding overall, before and after moderation, with n."""
    from .grades import good_or_outstanding

    end = months[-1]
    b = good_or_outstanding(before).set_index("audit_month")
    a = good_or_outstanding(after).set_index("audit_month")
    out = []
    for month in months:
        if month not in b.index or b.at[month, "returned"] == 0:
            out.append(f"No audits were returned in {_month(month, end)}.")
            continue
        out.append(
            f"In {_month(month, end)}, {b.at[month, 'good_or_outstanding']} of {b.at[month, 'returned']} audits "
            f"({whole(b.at[month, 'percent'])}) were graded good or outstanding overall by the auditor; after moderation, "
            f"{a.at[month, 'good_or_outstanding']} ({whole(a.at[month, 'percent'])})."
        )
    return out


def standards_sentences(trend: pd.DataFrame, labels: dict[str, str]) -> list[str]:
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
    quiet = int((trend["reading"] == "no clear change").sum())
    if quiet:
        noun = "standard" if quiet == 1 else "standards"
        out.append(
            f"For the other {quiet} {noun}, the changes {span} are within what sampling noise would produce "
            "at these sample sizes (Fisher's exact test, 95% level), so no rise or fall is claimed."
        )
    return out


# ---------------------------------------------------------------- comparators and themes (3.1.3-3.2, 4)


def _month_list(months: list[str]) -> str:
    """["2021-01", "2021-05", "2021-11"] -> "January, May and November 2021" (years shown when they change)."""
    if not months:
        return ""
    years = {m[:4] for m in months}
    if len(years) == 1:
        return join_words([month_name(m) for m in months[:-1]] + [month_name(months[-1], True)])
    return join_words([month_name(m, True) for m in months])


def comparator_text(cohort_label: str, months: list[str], cmp: pd.DataFrame, picture: str | None, labels: dict[str, str]) -> list[str]:
    """Sections 3.1.3-3.1.5 in the report's voice, with the noise rule deciding what counts as a change."""
    if len(months) < 2:
        return [f"{cohort_label}: audited only in {_month_list(months)}, so there is no earlier audit to compare."]
    prev, last = months[-2], months[-1]
    opening = f"{cohort_label}: audited in {_month_list(months)}."
    verdict = {
        "improving": " Compared with the previous audit, the data indicates an improving picture.",
        "declining": " Compared with the previous audit, the data indicates a declining picture.",
        "mixed": " Compared with the previous audit, the data indicates a mixed picture.",
    }.get(picture or "", " Compared with the previous audit, no change is large enough to be told apart from sampling noise.")
    out = [opening + verdict]

    def names(reading: str) -> list[str]:
        rows = cmp[cmp["reading"] == reading]
        return [f"- {labels.get(r.standard, r.standard)} ({whole(r.previous_pct)} to {whole(r.pct)})" for r in rows.itertuples()]

    then = f"{month_name(prev)} {prev[:4]}" if prev[:4] != last[:4] else month_name(prev)
    when = f"between {then} and {month_name(last, True)}"
    for reading, head in (
        ("improved", f"Improvements beyond chance in good or outstanding grades {when}, for:"),
        ("declined", f"Declines beyond chance in good or outstanding grades {when}, for:"),
    ):
        lines = names(reading)
        if lines:
            out.append("\n".join([head, "", *lines]))
    for reading, head in (
        ("rose within noise", "Good or outstanding grades also rose, by amounts within sampling noise, for:"),
        ("fell within noise", "They fell, by amounts within sampling noise, for:"),
        ("no change", "No change for:"),
    ):
        lines = names(reading)
        if lines:
            out.append("\n".join([head, "", *lines]))
    return out


def strength_line(row: pd.Series, name: str) -> str:
    """ "**Timely identification, response and reduction of risk:** 29 (59%) audits were graded as good or outstanding." """
    return (
        f"**{name}:** {int(row['good_or_outstanding'])} ({whole(row['pct_good_or_outstanding'])}) audits were graded "
        f"as good or outstanding."
    )


def learning_line(row: pd.Series, name: str) -> str:
    """ "**Voice of the child:** 23 (47%) of the audits were graded as requires improvement and 11 (22%) audits were
    graded as inadequate." """
    return (
        f"**{name}:** {int(row['requires_improvement'])} ({whole(row['pct_requires_improvement'])}) of the audits were "
        f"graded as requires improvement and {int(row['inadequate'])} ({whole(row['pct_inadequate'])}) audits were "
        f"graded as inadequate."
    )


def _comment_themes(by_standard: pd.DataFrame, month: str, standard: str, top: int = 3) -> str:
    t = by_standard[(by_standard["audit_month"] == month) & (by_standard["standard"] == standard) & (by_standard["audits"] > 0)]
    t = t.sort_values("audits", ascending=False, kind="stable").head(top)
    if t.empty:
        return ""
    items = [f"{r.label.lower()} ({r.audits} audit{'s' if r.audits != 1 else ''})" for r in t.itertuples()]
    return f" Auditors' comments on this standard most often mentioned {join_words(items)}."


def key_theme_text(
    table: pd.DataFrame,
    month: str,
    strengths: list[str],
    learning: list[str],
    short_names: dict[str, str],
    by_standard: pd.DataFrame | None = None,
) -> str:
    """Section 3.2 for one month: "Strengths" and "Learning" lists drafted from the standards figures."""
    t = table[table["audit_month"] == month].set_index("standard")
    extra = (lambda s: _comment_themes(by_standard, month, s)) if by_standard is not None else (lambda s: "")
    lines = ["**Strengths**", ""]
    lines += [f"- {strength_line(t.loc[s], short_names.get(s, s))}{extra(s)}" for s in strengths] or ["- None stood out this month."]
    lines += ["", "**Learning**", ""]
    lines += [f"- {learning_line(t.loc[s], short_names.get(s, s))}{extra(s)}" for s in learning] or ["- None stood out this month."]
    return "\n".join(lines)


def recurring_themes_sentence(counts: pd.DataFrame, months: list[str], top: int = 3) -> str:
    """The themes auditors' free text mentioned most over the period, with the number of audits."""
    total = counts.groupby("label")["audits"].sum().sort_values(ascending=False, kind="stable")
    total = total[total > 0].head(top)
    returned = int(counts.drop_duplicates("audit_month")["returned"].sum())
    if total.empty:
        return "No recurring theme from params/themes.yml was found in the auditors' comments this period."
    items = [f"{label.lower()} ({n} of {returned} returned audits)" for label, n in total.items()]
    return f"Across {_month_list(months)}, auditors' comments most often mentioned {join_words(items)}."


def cohort_theme_lines(themes: dict[str, str], months: list[str]) -> str:
    """Section 1's "Themes": "- October cohort – No current plan, assessment outcome NFA"."""
    return "\n".join(f"- {month_name(m)} cohort – {themes.get(m) or 'no audits'}" for m in months)


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
