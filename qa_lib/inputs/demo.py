"""A deterministic synthetic year of audit returns (2021-01 to 2021-12) in contract format.

October to December 2021 are calibrated to the reference report
(`shared/reference/qa-highlight-report-2021-q4.txt`); the other months are
plausible but invented. Identifiers are pseudonymous (CH-nnnnnn, SW-nnnn,
AU-nn); free text is stock phrases with no names.

What the demo reproduces exactly (tests/test_demo_reference.py checks each):
- returns 69/38, 69/49, 77/37 (55%, 71%, 48%); exemptions 17, 23, 10;
  July and August both 77% (50/65 and 54/70);
- participation 21/38 = 55.3%, 32/49 = 65.3%, 19/37 = 51.4%, and the most
  common non-participation reasons of section 2.2;
- service areas with 100% returns: October CCHDT, Central, Safeguarding and
  Review; November the same and East; December none;
- the moderation outcomes of section 2.3 for each month (15, 37 and 20 moderated);
- the November standard counts of section 3.2.2 (risk 29 Good/Outstanding of 49,
  voice 23 RI and 11 Inadequate, ...) and the reference table's October and
  December percentages (section 3.1.2) for every standard;
- the grade by service area table of section 3.1.1 in every cell but those below.

What gives way, and why (the reference report contradicts itself):
1. Grade by service area. The report has 38 + 49 + 37 = 124 returned audits,
   and Safeguarding and Review at 100% returns in October and November (so at
   least one returned audit in each), yet its table holds 123 graded audits in
   seven areas with no Safeguarding and Review row. All three cannot hold. The
   demo keeps the returns and the 100% lists, gives Safeguarding and Review one
   returned audit in October (RI) and one in November (G), and so takes one RI
   from West: West RI 16 (report 17), West ALL 32 (33), TOTAL G 32 (31),
   TOTAL ALL 124 (123), plus a Safeguarding and Review row (0, 1, 1, 0, 2).
2. November moderation by team ("32 from the locality teams ... 5 out of 14"
   Safeguarding and Review audits): with one Safeguarding and Review audit in
   November this split cannot hold; the month's 37 moderations and their
   outcomes do.
3. November impact: the text says 8 (16%) inadequate and 19 (39%) RI of 49,
   which leaves 22 (45%) Good/Outstanding; the table says 44% and 40%. The demo
   keeps the counts, so the table's November impact figures read 45% and 39%.
4. October and December key-theme counts of section 3.2 ("25 (66%)" assessments,
   "31 (82%)" records, December's "12 (55%)" planning, ...) disagree with the
   same months' standards table; the demo follows the table.
5. The reference table's September column only gives % Good/Outstanding; the
   demo matches that and invents the rest.

Where the pack reads the same figures differently (re-derived with Fisher's exact
test and Benjamini-Hochberg within each family, as the report now does):
6. Arrows. The reference puts ↑ or ↓ on nearly every month-on-month change. On
   the demo's figures, 3 of the 54 changes (nine standards, G/O and RI, three
   pairs of months) have p < 0.05 and none survives the correction for testing
   nine standards at once (lowest q = 0.23): every arrow is on noise, and the
   pack shows ≈ throughout. Six of the reference's December arrows contradict
   its own figures: voice RI 47% -> 47% ↑, family RI 41% -> 42% ↓, partners RI
   35% -> 30% ↑, records G/O 18% -> 19% ↓, impact G/O 44% -> 44% ↓ and impact RI
   40% -> 39% ↑; and its October RI arrows have no September RI to compare with.
7. Comparator verdicts. The reference calls all three cohorts "an improving
   picture". The pack says "no clear change overall" for each: no plan/NFA has
   one standard beyond chance, and it fell (case records, April 57% to October
   24%, q = 0.02); Child in Need has none (lowest q = 0.23); Child Protection
   has none (lowest q = 0.11). A picture needs at least two standards moving
   beyond chance one way and none the other. The demo's earlier cohort months
   are invented, so these verdicts are the demo's, not the council's.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from qa_lib.inputs.schema import GRADE_LABELS, GRADES
from qa_lib.stats import pct, round_half_up

SEED = 20211231
AREAS = ["16+", "CCHDT", "Central", "East", "Keighley & Shipley", "South", "West", "Safeguarding and Review"]
STANDARDS = ["risk", "assessment", "planning", "voice", "family", "partners", "management", "records", "impact"]
GRADE_ORDER = list(GRADES)
GRADE_WORD = GRADE_LABELS  # the demo file spells grades out, as auditors' returns usually do

COHORT_BY_MONTH = {
    "2021-01": "cin",
    "2021-02": "cp",
    "2021-03": "cla",
    "2021-04": "no_plan_nfa",
    "2021-05": "cin",
    "2021-06": "care_leaver",
    "2021-07": "cla",
    "2021-08": "care_leaver",
    "2021-09": "cp",
    "2021-10": "no_plan_nfa",
    "2021-11": "cin",
    "2021-12": "cp",
}

# How many audits each month of the demo year holds, as `demo_audits` draws them (tests/run/test_init.py checks
# the two agree). Its audit IDs are AUD-<month>-001 up to that count: `demo_audit_ids`.
AUDITS_BY_MONTH = {
    "2021-01": 80,
    "2021-02": 83,
    "2021-03": 75,
    "2021-04": 78,
    "2021-05": 79,
    "2021-06": 72,
    "2021-07": 84,
    "2021-08": 80,
    "2021-09": 80,
    "2021-10": 86,
    "2021-11": 92,
    "2021-12": 87,
}


def demo_audit_ids() -> frozenset[str]:
    """The demo year's audit IDs, as `demo_audits` numbers them, without drawing the year (0.3 s)."""
    return frozenset(f"AUD-{month}-{k:03d}" for month, n in AUDITS_BY_MONTH.items() for k in range(1, n + 1))


# (returned, distributed) per area for the calibrated months, in AREAS order.
AREA_RETURNS = {
    "2021-10": [(1, 4), (4, 4), (5, 5), (5, 9), (4, 9), (7, 14), (11, 23), (1, 1)],
    "2021-11": [(2, 5), (5, 5), (7, 7), (8, 8), (6, 10), (8, 14), (12, 19), (1, 1)],
    "2021-12": [(2, 5), (3, 5), (5, 9), (5, 10), (5, 9), (8, 14), (9, 24), (0, 1)],
}
# (returned, distributed) for the other months; July and August are the report's 77%.
MONTH_RETURNS = {
    "2021-01": (47, 66),
    "2021-02": (50, 68),
    "2021-03": (44, 64),
    "2021-04": (49, 67),
    "2021-05": (46, 63),
    "2021-06": (43, 61),
    "2021-07": (50, 65),
    "2021-08": (54, 70),
    "2021-09": (47, 66),
}
EXEMPT = {"2021-10": 17, "2021-11": 23, "2021-12": 10}

# Grade by service area, October to December (section 3.1.1), after the one change above.
AREA_GRADES = {  # area: (O, G, RI, I)
    "16+": (0, 1, 3, 1),
    "CCHDT": (1, 4, 2, 5),
    "Central": (0, 4, 11, 2),
    "East": (0, 5, 8, 5),
    "Keighley & Shipley": (0, 5, 9, 1),
    "South": (0, 3, 14, 6),
    "West": (0, 9, 16, 7),
}
SR_GRADES = {"2021-10": "RI", "2021-11": "G"}

# Section 2.3 moderation outcomes: (from, to, count); "same" audits are drawn from the rest.
MODERATION = {
    "2021-10": (12, [("RI", "I", 3)]),
    "2021-11": (25, [("RI", "I", 1), ("G", "RI", 9), ("O", "RI", 1), ("I", "RI", 1)]),
    "2021-12": (15, [("RI", "I", 2), ("G", "RI", 2), ("G", "I", 1)]),
}

# Participation: (participated, {reason text: count}) of the month's returned audits.
PARTICIPATION = {
    "2021-10": (
        21,
        {
            "Social worker has left the organisation": 7,
            "No response from social worker": 4,
            "Auditor availability": 2,
            "Social worker on annual leave": 2,
            "": 2,
        },
    ),
    "2021-11": (
        32,
        {
            "Social worker did not respond to invitation": 5,
            "": 5,
            "Worker left the authority": 3,
            "Sick leave": 2,
            "Auditor availability": 2,
        },
    ),
    "2021-12": (19, {"Auditor availability - no slot": 6, "": 6, "Did not respond": 3, "Social worker left": 2, "Annual leave": 1}),
}

# November standard counts (section 3.2.2 and the table): (G/O, RI, I, N/A) of 49.
NOVEMBER = {
    "risk": (29, 17, 3, 0),
    "assessment": (21, 14, 14, 0),
    "planning": (14, 21, 14, 0),
    "voice": (15, 23, 11, 0),
    "family": (20, 20, 9, 0),
    "partners": (23, 17, 9, 0),
    "management": (19, 17, 13, 0),
    "records": (9, 31, 9, 0),
    "impact": (22, 19, 8, 0),
}
# Reference table (section 3.1.2): % Good/Outstanding and % RI; September G/O only.
TABLE: dict[str, dict[str, Any]] = {
    "2021-09": {
        "risk": 47,
        "assessment": 37,
        "planning": 26,
        "voice": 37,
        "family": 45,
        "partners": 55,
        "management": 26,
        "records": 16,
        "impact": 53,
    },
    "2021-10": {
        "risk": (43, 43),
        "assessment": (39, 37),
        "planning": (25, 32),
        "voice": (34, 43),
        "family": (35, 46),
        "partners": (51, 27),
        "management": (22, 59),
        "records": (24, 50),
        "impact": (49, 40),
    },
    "2021-12": {
        "risk": (47, 41),
        "assessment": (27, 54),
        "planning": (54, 38),
        "voice": (42, 47),
        "family": (50, 42),
        "partners": (62, 30),
        "management": (38, 46),
        "records": (19, 68),
        "impact": (44, 39),
    },
}

EXEMPTION_REASONS = [
    "Case closed before the audit",
    "Child moved out of the area",
    "Case transferred to another team",
    "Worker on long-term leave",
    "Court proceedings under way",
]
COMMENTS = {
    "risk": [
        "Risks were recognised early and a safety plan was put in place.",
        "Drift and delay in responding to new information about risk.",
    ],
    "assessment": [
        "Assessment was detailed and history was taken into consideration.",
        "Assessment lacked analysis of the impact on the child.",
    ],
    "planning": ["Plan reviewed regularly with clear actions.", "Plan not updated following the review; actions were not SMART."],
    "voice": ["Child seen alone and direct work informed the plan.", "Voice captured but no evidence of how it informed planning."],
    "family": ["Parents' views were captured and consent was recorded.", "Absent parent not contacted."],
    "partners": ["Good multi-agency attendance at meetings.", "Limited information sharing with school."],
    "management": ["Regular supervision with actions tracked.", "Management sign-off missing on the assessment."],
    "records": ["Chronology and case summary up to date.", "Genogram does not include three generations; chronology out of date."],
    "impact": ["Clear evidence of a positive difference for the child.", "Not clear from the file what difference the work has made."],
}
STRENGTHS = ["Timely response to risk.", "Direct work with the child is clear on the file.", "Good partnership working."]
LEARNING = [
    "Chronologies and genograms need updating.",
    "Changes of worker have caused drift and delay.",
    "Supervision records should show management oversight.",
]


@dataclass
class _People:
    """Pseudonymous pools: social workers per area, children, auditors."""

    rng: np.random.Generator

    def __post_init__(self) -> None:
        ids = self.rng.choice(np.arange(1000, 9999), size=8 * 45, replace=False)
        self.workers = {a: [f"SW-{i}" for i in ids[k * 45 : (k + 1) * 45]] for k, a in enumerate(AREAS)}
        self.children = [f"CH-{i}" for i in self.rng.choice(np.arange(100000, 999999), size=2600, replace=False)]
        self.auditors = [f"AU-{i:02d}" for i in range(1, 15)]
        self.last_audit: dict[str, int] = {}

    def draw_children(self, month_index: int, n: int) -> list[str]:
        """n children not drawn in the 6 months before this one."""
        eligible = [c for c in self.children if month_index - self.last_audit.get(c, -99) > 6]
        chosen = list(self.rng.choice(eligible, size=n, replace=False))
        for c in chosen:
            self.last_audit[c] = month_index
        return chosen


def _split(total: int, weights: list[float] | list[int], rng: np.random.Generator) -> list[int]:
    """Split `total` into integer parts close to `weights`, deterministically."""
    w = np.asarray(weights, dtype=float) / sum(weights)
    base = np.floor(w * total).astype(int)
    for i in rng.permutation(len(w))[: total - base.sum()]:
        base[i] += 1
    return base.tolist()


def _area_plan(month: str, rng: np.random.Generator) -> list[tuple[str, int, int, int]]:
    """(area, returned, not_returned, exempt) for every area in a month."""
    weights = [5, 5, 8, 9, 9, 14, 22, 4]
    if month in AREA_RETURNS:
        pairs = AREA_RETURNS[month]
        exempt = _split(EXEMPT[month], [d for _, d in pairs], rng)
        return [(a, r, d - r, e) for a, (r, d), e in zip(AREAS, pairs, exempt)]
    returned, distributed = MONTH_RETURNS[month]
    dist = _split(distributed, weights, rng)
    ret = []
    left = returned
    for d in dist:  # spread returns in proportion, never above distributed
        share = min(d, round(returned * d / distributed))
        ret.append(share)
        left -= share
    order = rng.permutation(len(dist))
    while left != 0:
        for k in order:
            if left > 0 and ret[k] < dist[k]:
                ret[k] += 1
                left -= 1
            elif left < 0 and ret[k] > 0:
                ret[k] -= 1
                left += 1
            if left == 0:
                break
    exempt = _split(int(rng.integers(8, 20)), weights, rng)
    return [(a, r, d - r, e) for a, r, d, e in zip(AREAS, ret, dist, exempt)]


def _solve_counts(n_returned: int, target: tuple[int, int] | int, rng: np.random.Generator) -> tuple[int, int, int, int]:
    """(G/O, RI, I, N/A) whose percentages round to the reference table's, fewest N/A first."""
    for na in range(n_returned):
        n = n_returned - na
        for go in range(n + 1):
            if int(round_half_up(pct(go, n), 0)) != (target[0] if isinstance(target, tuple) else target):
                continue
            if isinstance(target, tuple):
                for ri in range(n - go + 1):
                    if int(round_half_up(pct(ri, n), 0)) == target[1]:
                        return go, ri, n - go - ri, na
            else:
                ri = round((n - go) * rng.uniform(0.5, 0.75))
                return go, ri, n - go - ri, na
    raise AssertionError(f"no counts fit {target} of {n_returned}")


def _random_counts(n: int, rng: np.random.Generator) -> tuple[int, int, int, int]:
    p = rng.dirichlet([4, 5, 2])
    go, ri = round(n * p[0]), round(n * p[1])
    return go, ri, max(0, n - go - ri), 0


def _assign_by_quality(quality: np.ndarray, grades: list[str], rng: np.random.Generator) -> list[str]:
    """Give the best standard grades to the audits with the best overall grades, with noise."""
    order = np.argsort(quality + rng.normal(0, 1.2, len(quality)), kind="stable")
    out = [""] * len(quality)
    for pos, idx in enumerate(order):
        out[idx] = grades[pos]
    return out


def _standard_grades(month: str, overall: list[str], rng: np.random.Generator) -> dict[str, list[str]]:
    n = len(overall)
    quality = np.array([GRADE_ORDER.index(g) for g in overall], dtype=float)
    out: dict[str, list[str]] = {}
    for std in STANDARDS:
        if month == "2021-11":
            go, ri, i, na = NOVEMBER[std]
        elif month in TABLE:
            go, ri, i, na = _solve_counts(n, TABLE[month][std], rng)
        else:
            go, ri, i, na = _random_counts(n, rng)
        if std == "planning" and COHORT_BY_MONTH[month] == "no_plan_nfa" and month not in TABLE:
            na = n // 3  # no plan to grade for a third of no-plan cases
            go, ri, i, _ = _random_counts(n - na, rng)
        o = 1 if (go >= 8 and month not in ("2021-11",) and rng.random() < 0.4) else 0
        graded = ["O"] * o + ["G"] * (go - o) + ["RI"] * ri + ["I"] * i
        na_idx = set(rng.choice(n, size=na, replace=False).tolist()) if na else set()
        rest = [k for k in range(n) if k not in na_idx]
        assigned = _assign_by_quality(quality[rest], graded, rng)
        col = ["N/A"] * n
        for k, g in zip(rest, assigned):
            col[k] = g
        out[std] = col
    if month == "2021-03":  # a few standards left ungraded, to show the data-quality note
        for k in (0, 5):
            out["records"][k] = ""
    return out


def _overall_grades(month: str, areas: list[str], rng: np.random.Generator, pools: dict[str, list[str]]) -> list[str]:
    """Overall grades for a month's returned audits, in `areas` order.

    October to December draw each area's grades from its row of the reference
    table; the table's one Outstanding (CCHDT) falls in November, where section
    2.3 moderates an Outstanding down to RI.
    """
    if month not in AREA_RETURNS:
        return [str(g) for g in rng.choice(GRADE_ORDER, size=len(areas), p=[0.03, 0.32, 0.45, 0.20])]
    out = []
    outstanding_due = month == "2021-11"
    for a in areas:
        if a == "Safeguarding and Review":
            out.append(SR_GRADES[month])
        elif a == "CCHDT" and outstanding_due:
            out.append("O")
            outstanding_due = False
        else:
            out.append(pools[a].pop())
    return out


def _area_grade_pools(rng: np.random.Generator) -> dict[str, list[str]]:
    """Each area's Oct-Dec grades, shuffled so months differ; the one O falls in November."""
    pools = {}
    for area, counts in AREA_GRADES.items():
        grades = [g for g, c in zip(GRADE_ORDER, counts) for _ in range(c)]
        grades = [g for g in grades if g != "O"]
        rng.shuffle(grades)
        pools[area] = grades
    return pools


def _moderate(month: str, overall: list[str], rng: np.random.Generator) -> tuple[list[str], list[str]]:
    """(moderated yes/no, moderated_grade) per returned audit."""
    n = len(overall)
    moderated, after = ["no"] * n, [""] * n
    if month in MODERATION:
        same, changes = MODERATION[month]
        free = list(rng.permutation(n))
        for frm, to, count in changes:
            picks = [k for k in free if overall[k] == frm][:count]
            assert len(picks) == count, (month, frm, to)
            for k in picks:
                moderated[k], after[k] = "yes", to
                free.remove(k)
        for k in free[:same]:
            moderated[k], after[k] = "yes", overall[k]
        return moderated, after
    for k in range(n):
        if rng.random() < 0.35:
            moderated[k] = "yes"
            step = rng.choice([0, 0, 0, 0, 1, -1])
            after[k] = GRADE_ORDER[int(np.clip(GRADE_ORDER.index(overall[k]) + step, 0, 3))]
    return moderated, after


def _participation(month: str, n: int, rng: np.random.Generator) -> tuple[list[str], list[str]]:
    if month in PARTICIPATION:
        yes, reasons = PARTICIPATION[month]
        texts = [t for t, c in reasons.items() for _ in range(c)]
    else:
        yes = round(n * rng.uniform(0.55, 0.75))
        pool = ["Social worker left", "No response", "Auditor availability", "Annual leave", "", "Court commitments"]
        texts = list(rng.choice(pool, size=n - yes))
    assert yes + len(texts) == n, month
    flags = ["yes"] * yes + ["no"] * len(texts)
    why = [""] * yes + texts
    order = rng.permutation(n)
    return [flags[k] for k in order], [why[k] for k in order]


# How often a moderator grades a standard one step away from the auditor: planning is read differently
# (the calibration issue the demo is there to show); the other standards mostly agree.
STANDARD_DISAGREEMENT = {**dict.fromkeys(STANDARDS, 0.08), "planning": 0.4}


def _moderate_standards(rows: list[dict[str, str]], rng: np.random.Generator) -> None:
    """The moderator's grade for each standard of every moderated audit (`moderated_grade_<standard>`)."""
    order = [GRADE_WORD[g] for g in ("O", "G", "RI", "I")]
    for r in rows:
        if r.get("moderated") != "yes":
            continue
        for std in STANDARDS:
            given = r.get(f"grade_{std}", "")
            if given not in order:
                r[f"moderated_grade_{std}"] = given  # N/A or blank stays so
                continue
            i = order.index(given)
            if rng.random() < STANDARD_DISAGREEMENT[std]:
                i = min(len(order) - 1, max(0, i + int(rng.choice([-1, 1]))))
            r[f"moderated_grade_{std}"] = order[i]


# The auditor whose grades moderators keep raising (the demo's harsher auditor: the consistency table and the
# calibration exercises show them); a share of the year's upgraded moderations are theirs.
HARSHER = "AU-03"


def _harsher_auditor(rows: list[dict[str, str]], rng: np.random.Generator, share: float = 0.6) -> None:
    """Give HARSHER a share of the moderated audits whose grade the moderator raised, and hand their lowered
    ones to others: only `auditor_id` changes, so every figure the reports pin is unchanged."""
    order = list(GRADE_WORD.values())  # Outstanding first
    others = [f"AU-{i:02d}" for i in range(1, 15) if f"AU-{i:02d}" != HARSHER]
    for r in rows:
        if r.get("moderated") != "yes" or r.get("moderated_grade") not in order or r.get("overall_grade") not in order:
            continue
        raised = order.index(r["moderated_grade"]) < order.index(r["overall_grade"])
        lowered = order.index(r["moderated_grade"]) > order.index(r["overall_grade"])
        if raised and rng.random() < share:
            r["auditor_id"] = HARSHER
        elif lowered and r["auditor_id"] == HARSHER:
            r["auditor_id"] = str(rng.choice(others))


def demo_audits(seed: int = SEED) -> pd.DataFrame:
    """The demo year as a contract-format frame (one row per case drawn into a sample)."""
    rng = np.random.default_rng(seed)
    people = _People(rng)
    pools = _area_grade_pools(rng)
    rows: list[dict[str, str]] = []
    for mi, month in enumerate(COHORT_BY_MONTH, start=1):
        plan = _area_plan(month, rng)
        month_rows: list[dict[str, str]] = []
        for area, ret, notret, ex in plan:
            n = ret + notret + ex
            workers = list(rng.choice(people.workers[area], size=n, replace=False))
            statuses = ["returned"] * ret + ["not_returned"] * notret + ["exempt"] * ex
            for status, worker in zip(statuses, workers):
                month_rows.append({"service_area": area, "social_worker_id": worker, "status": status})
        children = people.draw_children(mi, len(month_rows))
        returned_idx = [k for k, r in enumerate(month_rows) if r["status"] == "returned"]
        areas = [month_rows[k]["service_area"] for k in returned_idx]
        overall = _overall_grades(month, areas, rng, pools)
        stds = _standard_grades(month, overall, rng)
        moderated, after = _moderate(month, overall, rng)
        took_part, why = _participation(month, len(returned_idx), rng)
        _year, _mon = month.split("-")
        for k, (r, child) in enumerate(zip(month_rows, children)):
            r.update(
                {
                    "audit_id": f"AUD-{month}-{k + 1:03d}",
                    "audit_month": month,
                    "cohort": COHORT_BY_MONTH[month],
                    "child_id": child,
                    "team": f"{r['service_area']} team {int(rng.integers(1, 4))}",
                    "auditor_id": str(rng.choice(people.auditors)),
                    "date_distributed": f"{month}-01",
                }
            )
            if r["status"] == "exempt":
                r["exemption_reason"] = str(rng.choice(EXEMPTION_REASONS))
        for j, k in enumerate(returned_idx):
            r = month_rows[k]
            r.update(
                {
                    "sw_participated": took_part[j],
                    "non_participation_reason": why[j],
                    "overall_grade": GRADE_WORD[overall[j]],
                    "moderated": moderated[j],
                    "moderated_grade": GRADE_WORD.get(after[j], ""),
                    "date_returned": f"{month}-{int(rng.integers(10, 28)):02d}",
                }
            )
            for std in STANDARDS:
                g = stds[std][j]
                r[f"grade_{std}"] = GRADE_WORD.get(g, g)
                if rng.random() < 0.3 and g in GRADE_WORD:
                    r[f"comment_{std}"] = COMMENTS[std][0 if g in ("O", "G") else 1]
            r["strengths"] = str(rng.choice(STRENGTHS))
            r["learning"] = str(rng.choice(LEARNING))
        rows += month_rows
    _moderate_standards(rows, np.random.default_rng(seed + 17))  # its own generator: every other column unchanged
    _harsher_auditor(rows, np.random.default_rng(seed + 23))  # and its own: only auditor_id changes
    columns = [
        "audit_id",
        "audit_month",
        "cohort",
        "child_id",
        "social_worker_id",
        "service_area",
        "team",
        "auditor_id",
        "status",
        "exemption_reason",
        "sw_participated",
        "non_participation_reason",
        "overall_grade",
        *[f"grade_{s}" for s in STANDARDS],
        *[f"comment_{s}" for s in STANDARDS],
        "strengths",
        "learning",
        "moderated",
        "moderated_grade",
        "date_distributed",
        "date_returned",
        *[f"moderated_grade_{s}" for s in STANDARDS],
    ]
    frame = pd.DataFrame(rows).reindex(columns=columns).fillna("")
    return frame.sort_values(["audit_month", "audit_id"]).reset_index(drop=True)


def demo_caseload(audits: pd.DataFrame, seed: int = SEED + 1) -> pd.DataFrame:
    """An open caseload for January 2022, consistent with the demo audits: the same workers and areas,
    some children audited in late 2021 (so the 6-month rule bites), and some children with two plans."""
    rng = np.random.default_rng(seed)
    people = _People(np.random.default_rng(SEED))  # the demo's own pseudonymous workers
    recent = audits[audits["audit_month"] >= "2021-08"].drop_duplicates("child_id")
    rows = []
    k = 0
    for area in AREAS:
        for worker in people.workers[area][: 30 if area != "Safeguarding and Review" else 8]:
            for _ in range(int(rng.integers(1, 6))):
                k += 1
                plan = str(rng.choice(["none", "cin", "cp", "cla", "care_leaver"], p=[0.2, 0.35, 0.2, 0.2, 0.05]))
                outcome = str(rng.choice(["NFA", "Step down to early help", ""])) if plan == "none" else ""
                rows.append(
                    {
                        "child_id": f"CH-{700000 + k}",
                        "social_worker_id": worker,
                        "service_area": area,
                        "team": f"{area} team {int(rng.integers(1, 4))}",
                        "plan_type": plan,
                        "assessment_outcome": outcome,
                    }
                )
    # Children audited from August to December 2021 are still open (the 6-month rule will exclude them in January).
    for _, r in recent.sample(n=120, random_state=int(rng.integers(1 << 31))).iterrows():
        rows.append(
            {
                "child_id": r["child_id"],
                "social_worker_id": r["social_worker_id"],
                "service_area": r["service_area"],
                "team": r["team"],
                "plan_type": {"no_plan_nfa": "none", "care_leaver": "care_leaver"}.get(r["cohort"], r["cohort"]),
                "assessment_outcome": "NFA" if r["cohort"] == "no_plan_nfa" else "",
            }
        )
    frame = pd.DataFrame(rows)
    # A child on a CP plan and a CIN plan appears twice; the CP row counts.
    twice = frame[frame["plan_type"] == "cp"].head(15).assign(plan_type="cin")
    return pd.concat([frame, twice], ignore_index=True)


# Two calibration exercises, 6 anonymised cases x 8 auditors each. How often an auditor's grade for a standard
# lands a step from the case's true grade: planning is read least consistently (as in moderation); the second
# exercise agrees a little better than the first. HARSHER grades a step lower more often than not.
CALIBRATION_EXERCISES = {"Calibration September 2021": 0.22, "Calibration December 2021": 0.14}
CALIBRATION_AUDITORS = ["AU-01", "AU-02", HARSHER, "AU-04", "AU-05", "AU-07", "AU-08", "AU-10"]
CALIBRATION_LESS_CONSISTENT = {"planning": 0.55}
HARSHER_SHARE = 0.7


def demo_calibration(seed: int = SEED + 38) -> pd.DataFrame:
    """The demo's calibration file (data contract section 5): one row per auditor per case."""
    rng = np.random.default_rng(seed)
    rows: list[dict[str, str]] = []
    for exercise, noise in CALIBRATION_EXERCISES.items():
        for case, quality in enumerate(rng.permutation([0, 1, 1, 2, 2, 3]), start=1):  # cases from outstanding to inadequate
            truth = {std: int(np.clip(quality + rng.choice([-1, 0, 0, 0, 1]), 0, 3)) for std in STANDARDS}
            for auditor in CALIBRATION_AUDITORS:
                row = {"exercise_id": exercise, "case_ref": f"Case {case}", "auditor_id": auditor}
                ranks = []
                for std in STANDARDS:
                    rank = truth[std]
                    if rng.random() < CALIBRATION_LESS_CONSISTENT.get(std, noise):
                        rank += int(rng.choice([-1, 1]))
                    if auditor == HARSHER and rng.random() < HARSHER_SHARE:
                        rank += 1
                    rank = int(np.clip(rank, 0, 3))
                    ranks.append(rank)
                    row[f"grade_{std}"] = GRADE_WORD[GRADE_ORDER[rank]]
                overall = int(np.clip(round(float(np.median(ranks))), 0, 3))
                row["overall_grade"] = GRADE_WORD[GRADE_ORDER[overall]]
                rows.append(row)
    columns = ["exercise_id", "case_ref", "auditor_id", "overall_grade", *[f"grade_{s}" for s in STANDARDS]]
    return pd.DataFrame(rows).reindex(columns=columns)


# The demo's SSD extract (data contract section 6): how often each outcome follows an audit in the 12 months
# after it, by the overall grade after moderation (a modest association: worse-graded files, worse outcomes).
SSD_EXTRACT_DATE = "2022-12-31"
SSD_RATES = {
    "re_referral": {"good_or_outstanding": 0.10, "requires_improvement": 0.17, "inadequate": 0.30},
    "new_cp_plan": {"good_or_outstanding": 0.05, "requires_improvement": 0.08, "inadequate": 0.16},
    "entered_care": {"good_or_outstanding": 0.03, "requires_improvement": 0.05, "inadequate": 0.10},
    "placement_move": {"good_or_outstanding": 0.15, "requires_improvement": 0.22, "inadequate": 0.35},
    "closed": {"good_or_outstanding": 0.60, "requires_improvement": 0.50, "inadequate": 0.38},
}
SSD_GROUP = {"Outstanding": "good_or_outstanding", "Good": "good_or_outstanding", "Requires Improvement": "requires_improvement"}
SSD_UNMATCHED = 0.04  # audited children the extract does not hold (a person ID typed differently, a merged record)


def demo_ssd(audits: pd.DataFrame, seed: int = SEED + 61) -> dict[str, pd.DataFrame]:
    """A Standard Safeguarding Dataset extract consistent with the demo audits: every audited child (but a few
    left unmatched) has a CIN episode open at its first audit, with the plan or care episode its cohort says,
    and what happened in the 12 months after follows SSD_RATES; about 300 more children are open on
    1 January 2022 (so the SSD caseload is about three times a month's sample), each with an allocated worker."""
    rng = np.random.default_rng(seed)
    x = pd.Timestamp(SSD_EXTRACT_DATE)
    persons: list[str] = []
    cine: list[dict[str, str]] = []
    cinp: list[dict[str, str]] = []
    cppl: list[dict[str, str]] = []
    clae: list[dict[str, str]] = []
    clap: list[dict[str, str]] = []
    invo: list[dict[str, str]] = []
    referral = 0

    def episode(person: str, start: pd.Timestamp, close: pd.Timestamp | None) -> str:
        nonlocal referral
        referral += 1
        cine.append(
            {
                "cine_referral_id": f"REF-{referral:06d}",
                "cine_person_id": person,
                "cine_referral_date": start.date().isoformat(),
                "cine_close_date": "" if close is None or close > x else close.date().isoformat(),
            }
        )
        return f"REF-{referral:06d}"

    def day(a: pd.Timestamp, lo: int, hi: int) -> pd.Timestamp:
        return a + pd.Timedelta(days=int(rng.integers(lo, hi)))

    first = audits.sort_values("audit_month").drop_duplicates("child_id")
    for r in first.itertuples():
        if rng.random() < SSD_UNMATCHED:
            continue
        person = str(r.child_id)
        persons.append(person)
        a = pd.Period(str(r.audit_month), freq="M").to_timestamp(how="end").normalize()
        grade = str(r.moderated_grade) if str(r.moderated) == "yes" and str(r.moderated_grade) not in ("", "nan") else str(r.overall_grade)
        group = SSD_GROUP.get(grade, "inadequate") if grade not in ("", "nan") else "requires_improvement"
        start = day(a, -420, -40)
        closes = rng.random() < SSD_RATES["closed"][group]
        ref = episode(person, start, day(a, 20, 360) if closes else None)
        invo.append(
            {
                "invo_professional_id": str(r.social_worker_id),
                "invo_professional_role_id": "Allocated Case Worker",
                "invo_professional_team": str(r.team),
                "invo_involvement_start_date": start.date().isoformat(),
                "invo_involvement_end_date": "",
                "invo_referral_id": ref,
                "invo_person_id": "",
            }
        )
        if r.cohort == "cin":
            cinp.append(
                {"cinp_person_id": person, "cinp_cin_plan_start_date": day(start, 10, 30).date().isoformat(), "cinp_cin_plan_end_date": ""}
            )
        if r.cohort == "cp":
            cppl.append(
                {"cppl_person_id": person, "cppl_cp_plan_start_date": day(start, 10, 30).date().isoformat(), "cppl_cp_plan_end_date": ""}
            )
        looked_after = r.cohort in ("cla", "care_leaver")
        if looked_after:
            cla_id = f"CLA-{len(clae) + 1:06d}"
            clae.append(
                {
                    "clae_person_id": person,
                    "clae_cla_episode_start_date": day(start, 5, 20).date().isoformat(),
                    "clae_cla_episode_ceased_date": "",
                    "clae_cla_id": cla_id,
                }
            )
            clap.append(
                {
                    "clap_person_id": person,
                    "clap_cla_id": cla_id,
                    "clap_cla_placement_start_date": day(start, 5, 20).date().isoformat(),
                    "clap_cla_placement_end_date": "",
                }
            )
            if rng.random() < SSD_RATES["placement_move"][group]:
                clap.append(
                    {
                        "clap_person_id": "",
                        "clap_cla_id": cla_id,
                        "clap_cla_placement_start_date": day(a, 15, 360).date().isoformat(),
                        "clap_cla_placement_end_date": "",
                    }
                )
        elif rng.random() < SSD_RATES["entered_care"][group]:
            clae.append(
                {
                    "clae_person_id": person,
                    "clae_cla_episode_start_date": day(a, 15, 360).date().isoformat(),
                    "clae_cla_episode_ceased_date": "",
                    "clae_cla_id": f"CLA-{len(clae) + 1:06d}",
                }
            )
        if rng.random() < SSD_RATES["re_referral"][group]:
            episode(person, day(a, 15, 360), None)
        if rng.random() < SSD_RATES["new_cp_plan"][group]:
            cppl.append(
                {"cppl_person_id": person, "cppl_cp_plan_start_date": day(a, 15, 360).date().isoformat(), "cppl_cp_plan_end_date": ""}
            )
    people = _People(np.random.default_rng(SEED))  # the demo's own pseudonymous workers and teams
    taken = set(audits["child_id"])
    extra = (f"CH-{600000 + k}" for k in range(10_000))
    for k in range(300):
        area = AREAS[k % len(AREAS)]
        person = next(c for c in extra if c not in taken)
        persons.append(person)
        start = pd.Timestamp("2022-01-01") - pd.Timedelta(days=int(rng.integers(20, 500)))
        ref = episode(person, start, pd.Timestamp(SSD_EXTRACT_DATE) if k == 0 else None)  # one closes on the extract date
        worker = people.workers[area][int(rng.integers(0, min(30, len(people.workers[area]))))]
        team = f"{area} team {int(rng.integers(1, 4))}" if k % 40 != 9 else "Agency team"  # unmapped: no service area
        if k % 40 != 7:  # else no allocated worker yet: set aside when the caseload is drawn
            invo.append(
                {
                    "invo_professional_id": worker,
                    "invo_professional_role_id": "Allocated Case Worker",
                    "invo_professional_team": team,
                    "invo_involvement_start_date": start.date().isoformat(),
                    "invo_involvement_end_date": "",
                    "invo_referral_id": ref,
                    "invo_person_id": "",
                }
            )
        plan = str(rng.choice(["none", "cin", "cp", "cla"], p=[0.25, 0.35, 0.2, 0.2]))
        when = day(start, 5, 20).date().isoformat()
        if plan == "cin":
            cinp.append({"cinp_person_id": person, "cinp_cin_plan_start_date": when, "cinp_cin_plan_end_date": ""})
        if plan == "cp":
            cppl.append({"cppl_person_id": person, "cppl_cp_plan_start_date": when, "cppl_cp_plan_end_date": ""})
        if plan == "cla":
            clae.append(
                {
                    "clae_person_id": person,
                    "clae_cla_episode_start_date": when,
                    "clae_cla_episode_ceased_date": "",
                    "clae_cla_id": f"CLA-{len(clae) + 1:06d}",
                }
            )
    teams = sorted({str(i["invo_professional_team"]) for i in invo} - {"Agency team"})
    department = [
        {"dept_team_id": f"T{i + 1:03d}", "dept_team_name": t, "dept_team_parent_name": t.rsplit(" team ", 1)[0]}
        for i, t in enumerate(teams)
    ]
    return {
        "ssd_person": pd.DataFrame({"pers_person_id": persons}),
        "ssd_cin_episodes": pd.DataFrame(cine),
        "ssd_cin_plans": pd.DataFrame(cinp, columns=["cinp_person_id", "cinp_cin_plan_start_date", "cinp_cin_plan_end_date"]),
        "ssd_cp_plans": pd.DataFrame(cppl, columns=["cppl_person_id", "cppl_cp_plan_start_date", "cppl_cp_plan_end_date"]),
        "ssd_cla_episodes": pd.DataFrame(
            clae, columns=["clae_person_id", "clae_cla_episode_start_date", "clae_cla_episode_ceased_date", "clae_cla_id"]
        ),
        "ssd_cla_placement": pd.DataFrame(
            clap, columns=["clap_person_id", "clap_cla_id", "clap_cla_placement_start_date", "clap_cla_placement_end_date"]
        ),
        "ssd_involvements": pd.DataFrame(invo),
        "ssd_department": pd.DataFrame(department),
    }


def write_demo(out_dir: str | Path) -> Path:
    """Write `audits.csv`, `caseload.csv`, `calibration.csv` and the SSD extract (`ssd/`, UTF-8) into `out_dir`;
    return the audits path.
    Same bytes every time."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    audits = demo_audits()
    path = out / "audits.csv"
    files = [(audits, path), (demo_caseload(audits), out / "caseload.csv"), (demo_calibration(), out / "calibration.csv")]
    (out / "ssd").mkdir(exist_ok=True)
    files += [(frame, out / "ssd" / f"{name}.csv") for name, frame in demo_ssd(audits).items()]
    for frame, target in files:
        tmp = target.with_name(target.name + ".tmp")
        frame.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n")
        tmp.replace(target)
    return path
