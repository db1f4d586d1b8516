"""The report's findings: every claim the key messages and the e-mail make, computed once from the run's figures
as a small object (what was measured, what was compared, which way, how much, on what evidence) and worded
from it. Ranked, they are the key messages box and the e-mail's headlines, so the two always say the same.

What the box must carry: the latest month's returns against target; the overall grades after moderation,
with the auditors' grades beside them; every change beyond chance (a standard over the period or month to
month, a cohort against its previous audit: one family per report, `qa_lib.figures.claims`), or that there is none;
the direction of moderation when at least three quarters of the grades moderators changed moved one way; a
month that stands out on the return rate's or the overall grades' chart (`qa_lib.spc`), by its direction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from qa_lib.disclosure.published import STANDARD_COUNTS, ShownFigures, as_numbers, hidden_months, whole_months
from qa_lib.inputs.period import join_words, month_name
from qa_lib.render.words import displayed_whole, spc_sentence
from qa_lib.sections.grades.figures import good_or_outstanding
from qa_lib.sections.grades.moderation import MIN_N
from qa_lib.spc import CONCERN, IMPROVEMENT, variation
from qa_lib.stats import signed_points, whole

if TYPE_CHECKING:
    from qa_lib.inputs.params import Params
    from qa_lib.inputs.period import Period

ONE_WAY = 0.75  # moderation "moved one way" when at least this share of its changed grades did
MAX_MESSAGES = 6


@dataclass(frozen=True)
class Finding:
    """One claim the report makes. `label` heads its bullet; `text` is its sentence; `rank` orders the box
    (lower first); `beyond_chance` is true for a change the report-wide test calls a rise or a fall."""

    rank: int
    label: str
    measure: str
    compared: tuple[str, ...]  # the months, or cohort and months, it compares ("" where it is a status)
    direction: str  # up / down / improvement / concern / downgraded / upgraded / "" (a status)
    size: float  # points, or a share of changed grades (NaN where it has none)
    evidence: str  # what it rests on, for analysts (counts, q across the report)
    beyond_chance: bool
    text: str

    @property
    def bullet(self) -> str:
        return f"**{self.label}:** {self.text}"


def findings(f: ShownFigures, p: Params, period: Period) -> tuple[Finding, ...]:
    """Every finding of the run, ranked (the key messages take them in this order)."""
    out = [x for x in (_returns(f, p, period), _overall(f, period)) if x]
    out += _standards(f, p)
    out += [x for x in (_cohorts(f, p), _moderation(f, period), _trend(f)) if x]
    return tuple(sorted(out, key=lambda x: x.rank))


def key_messages(f: ShownFigures, p: Params, period: Period) -> str:
    """The key messages box: the ranked findings as Markdown bullets, at most MAX_MESSAGES."""
    return "\n".join(f"- {x.bullet}" for x in findings(f, p, period)[:MAX_MESSAGES])


def _returns(f: ShownFigures, p: Params, period: Period) -> Finding | None:
    counts = ["distributed", "returned", "return_rate"]
    m = f.shown_rows("compliance.monthly", counts).set_index("audit_month")
    hidden = hidden_months(f.frame("compliance.monthly"), counts)
    rated = [x for x in period.months if x in hidden or (x in m.index and m.at[x, "distributed"] > 0)]
    if not rated or rated[-1] in hidden:  # the latest month's rate is not shown: no bullet rests on it
        return None
    last = rated.pop()
    rated = [x for x in rated if x not in hidden] + [last]
    rate, k, n = float(m.at[last, "return_rate"]), int(m.at[last, "returned"]), int(m.at[last, "distributed"])
    meets = displayed_whole(rate) >= displayed_whole(p.target_return_rate)
    earlier = "; ".join(f"{month_name(x)} {whole(float(m.at[x, 'return_rate']))}" for x in rated[:-1])
    text = (
        f"{whole(rate)} of audits came back in {month_name(last)} ({k} of {n}), {'meeting' if meets else 'below'} the "
        f"{whole(p.target_return_rate)} target" + (f" ({earlier})." if earlier else ".")
    )
    return Finding(1, "Returns", "return_rate", (last,), "" if meets else "concern", rate, f"{k}/{n}", False, text)


def _overall(f: ShownFigures, period: Period) -> Finding | None:
    """The overall grades after moderation, with the auditors' own grades beside them (in a wider pack, which
    publishes no grade after moderation, the auditors' grades, when the latest month's are all shown)."""
    if f.grades.after is None:
        return _overall_before(f, period)
    after = good_or_outstanding(f.grades.after).set_index("audit_month")
    before = good_or_outstanding(f.grades.before).set_index("audit_month")
    graded = [x for x in period.months if x in after.index and after.at[x, "returned"] > 0]
    if not graded:
        return None
    last = graded[-1]
    k, n, k0 = int(after.at[last, "good_or_outstanding"]), int(after.at[last, "returned"]), int(before.at[last, "good_or_outstanding"])
    if n == 1:
        text = (
            f"the one audit returned in {month_name(last)} was {'' if k else 'not '}graded good or outstanding overall after moderation"
            + ("." if k == k0 else f" (the auditor had {'not ' if k else ''}graded it good or outstanding).")
        )
    elif not _moderated(f, last):
        text = (
            f"{whole(float(after.at[last, 'percent']))} of {month_name(last)}'s {n} returned audits were graded good or outstanding "
            f"overall ({k} of {n}); no audit was moderated."
        )
    else:
        text = (
            f"after moderation, {whole(float(after.at[last, 'percent']))} of {month_name(last)}'s {n} returned audits were graded "
            f"good or outstanding overall ({k} of {n}); the auditors had graded {whole(float(before.at[last, 'percent']))} ({k0})."
        )
    return Finding(
        2,
        "Overall grades",
        "good_or_outstanding",
        (last,),
        "",
        float(after.at[last, "percent"]),
        f"{k}/{n} after, {k0}/{n} before",
        False,
        _sentence(text),
    )


def _overall_before(f: ShownFigures, period: Period) -> Finding | None:
    every = f.frame("grades.before")
    shown, hidden = whole_months(every, ["count"])
    before = good_or_outstanding(shown).set_index("audit_month")
    graded = [x for x in period.months if x in hidden or (x in before.index and before.at[x, "returned"] > 0)]
    if not graded or graded[-1] in hidden:
        return None
    last = graded[-1]
    k, n, rate = int(before.at[last, "good_or_outstanding"]), int(before.at[last, "returned"]), float(before.at[last, "percent"])
    text = (
        f"{whole(rate)} of {month_name(last)}'s {n} returned audits were graded good or outstanding overall by the auditors ({k} of {n}); "
        "grades after moderation are in the QA team's report."
    )
    return Finding(2, "Overall grades", "good_or_outstanding", (last,), "", rate, f"{k}/{n} before", False, _sentence(text))


def _moderated(f: ShownFigures, month: str) -> int:
    s = f.grades.moderation_summary.set_index("audit_month")
    return int(s.at[month, "moderated"]) if month in s.index else 0


def _standards(f: ShownFigures, p: Params) -> list[Finding]:
    """One bullet for the standards: every change beyond chance (period, then month to month), or none."""
    s = f.standards
    label = p.short_names
    moved = []
    t = s.trends[s.trends["reading"].isin(["improved", "declined"])]
    for r in t.itertuples():
        moved.append(
            f"{label.get(r.standard, r.standard)} {'rose' if r.change > 0 else 'fell'} from {whole(r.first_pct)} in "
            f"{month_name(r.first_month)} to {whole(r.last_pct)} in {month_name(r.last_month)} ({signed_points(r.change)} points)"
        )
    said = set(t["standard"])
    table = s.table.set_index(["standard", "audit_month"])
    for r in s.moves[s.moves["go_mark"].isin(["↑", "↓"]) & ~s.moves["standard"].isin(said)].itertuples():
        a, b = table.loc[(r.standard, r.previous_month)], table.loc[(r.standard, r.audit_month)]
        moved.append(
            f"{label.get(r.standard, r.standard)} {'rose' if r.go_change > 0 else 'fell'} from {whole(a['pct_good_or_outstanding'])} in "
            f"{month_name(r.previous_month)} to {whole(b['pct_good_or_outstanding'])} in {month_name(r.audit_month)}"
        )
    tested = s.family  # every test of the report, in either audience's pack: its q's allow for them all
    # In a wider pack a verdict that rests on a hidden count is not published, so "none" speaks only of the rest.
    which = "no standard shown in full" if hidden_months(f.frame("standards.table"), STANDARD_COUNTS) else "no standard"
    if moved:
        text = f"good or outstanding grades: {'; '.join(moved)}, more than chance would explain across the report's {tested} comparisons."
    elif tested:
        text = f"{which} rose or fell by more than chance would explain across the {tested} comparisons this report makes."
    else:
        text = "there are not enough graded months to compare the standards."
    size = float(len(moved)) if moved else float("nan")
    return [
        Finding(3, "Practice standards", "good_or_outstanding", tuple(s.months), "", size, f"{tested} tests", bool(moved), _sentence(text))
    ]


def _sentence(text: str) -> str:
    """A bullet's sentence, with its capital letter."""
    return text[0].upper() + text[1:]


def _cohorts(f: ShownFigures, p: Params) -> Finding | None:
    """Cohorts against their previous audit: every standard that moved beyond chance, and any picture."""
    parts = []
    for c in f.comparators.cohorts:
        cmp = c.comparison
        if cmp.empty:
            continue
        moved = cmp[cmp["reading"].isin(["improved", "declined"])]
        if moved.empty:
            continue
        items = join_words(
            [
                f"{p.short_name(r.standard)} {'rose' if r.change > 0 else 'fell'} from {whole(r.previous_pct)} in "
                f"{month_name(r.previous_month, True)} to {whole(r.pct)}"
                for r in moved.itertuples()
            ]
        )
        parts.append(f"{c.label}: {items}" + (f" (an {c.picture} picture)" if c.picture else ""))
    if not parts:
        return None
    text = f"compared with their previous audit, {'; '.join(parts)}; more than chance would explain."
    return Finding(
        4,
        "Cohorts",
        "good_or_outstanding",
        tuple(c.cohort for c in f.comparators.cohorts),
        "",
        float(len(parts)),
        "",
        True,
        _sentence(text),
    )


def _moderation(f: ShownFigures, period: Period) -> Finding | None:
    """Which way moderation moved grades (when three quarters or more moved one way), and agreement; none when
    a count behind it is hidden (c)."""
    summary = f.grades.moderation_summary
    s = summary[summary["audit_month"].isin(period.months)]
    if hidden_months(s, ["moderated", "upgraded", "downgraded"]):
        return None
    s = as_numbers(s)
    moderated, up, down = int(s["moderated"].sum()), int(s["upgraded"].sum()), int(s["downgraded"].sum())
    if not moderated:
        return None
    changed = up + down
    agreement = f.complete("grades.agreement")
    a = agreement.set_index("audit_month").loc["period"] if agreement is not None else None
    parts = []
    if a is not None and a["moderated"] >= MIN_N:
        parts.append(
            f"moderators kept the auditor's grade in {int(a['agreed'])} of {int(a['moderated'])} moderated audits "
            f"({whole(float(a['exact_agreement']))})"
        )
    direction, size = "", float("nan")
    if changed and max(up, down) / changed >= ONE_WAY:
        way, k = ("downgraded", down) if down >= up else ("upgraded", up)
        direction, size = way, k / changed
        lean = "more generous" if way == "downgraded" else "harsher"
        noun = "downgrades" if way == "downgraded" else "upgrades"
        if changed == 1:
            lead = f"the one grade they changed was {'a downgrade' if way == 'downgraded' else 'an upgrade'}"
        elif k == changed:
            lead = f"all {changed} grades they changed were {noun}"
        else:
            lead = f"{k} of the {changed} grades they changed were {noun}"
        if not parts:  # no agreement figure before it: say who changed them
            lead = lead.replace("they changed", "moderators changed")
        parts.append(f"{lead}, so auditors' grades tended to be {lean} than moderators'")
    if not parts:
        parts.append(f"too few audits were moderated ({moderated}) to measure agreement")
    text = "; ".join(parts) + "."
    return Finding(
        5,
        "Moderation",
        "agreement",
        tuple(period.months),
        direction,
        size,
        f"{down} down, {up} up of {moderated}",
        False,
        _sentence(text),
    )


def _trend(f: ShownFigures) -> Finding | None:
    """A month that stands out on the return rate's or the overall grades' chart, by the measure's direction."""
    said = []
    for chart, label in ((f.compliance.spc, "the return rate"), (f.grades.spc, "the share of audits graded good or outstanding overall")):
        if chart is None:  # a count behind the chart is hidden: it is not drawn, nor read
            continue
        kind = variation(chart)
        if kind in (IMPROVEMENT, CONCERN):
            said.append((kind, spc_sentence(chart, label) or ""))
    if not said:
        return None
    direction = "concern" if any(k == CONCERN for k, _ in said) else "improvement"
    return Finding(6, "Trend", "spc", (), direction, float("nan"), "", False, " ".join(s for _, s in said))


def findings_frame(found: tuple[Finding, ...]) -> pd.DataFrame:
    """The findings as a table (for analysts and tests)."""
    return pd.DataFrame(
        [{k: getattr(x, k) for k in ("rank", "label", "measure", "direction", "size", "evidence", "beyond_chance", "text")} for x in found]
    )
