"""Simulations with a known truth for the report's conclusions (issue 23). Prints rates; asserts nothing (the
tests in tests/test_conclusions_simulated.py run smaller versions and assert the bounds).

1. Report-wide claims: quarterly reports (a baseline month and three months, nine standards, 40 audits a month,
   three cohorts each compared with its previous audit) in which nothing truly changes: every grade is drawn
   from the same probabilities every month. How many reports claim at least one change (a word or a ↑ ↓
   mark), with each section's families corrected separately (as before) and with one family per report
   (`qa_lib.figures.claims.report_family`, as now).
2. Auditors: eight auditors of 8 to 30 moderated audits with a team-wide shift (-0.28 steps) and no auditor
   truly different: how many runs name anyone; and with one auditor a full step from the team, how often that
   auditor is named (`qa_lib.stats.against_team`).

    python benchmarks/simulations.py [--reports 1000] [--auditor-runs 1000]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qa_lib.figures.claims import report_family
from qa_lib.sections.comparators import figures as comparators
from qa_lib.sections.standards import figures as standards
from qa_lib.stats import against_team

GRADE_P = [0.05, 0.30, 0.45, 0.20]  # O, G, RI, I: the same every month (no true change)
STANDARDS = [f"s{i}" for i in range(9)]


def _month(rng: np.random.Generator, month: str, audits: int) -> list[dict[str, object]]:
    rows = []
    for s in STANDARDS:
        graded = audits - int(rng.binomial(audits, 0.05))  # a few N/A
        o, g, ri, i = rng.multinomial(graded, GRADE_P)
        rows.append(
            {
                "audit_month": month,
                "standard": s,
                "graded": graded,
                "good_or_outstanding": int(o + g),
                "requires_improvement": int(ri),
                "inadequate": int(i),
            }
        )
    return rows


def _table(rows: list[dict[str, object]]) -> pd.DataFrame:
    t = pd.DataFrame(rows)
    for col in ("good_or_outstanding", "requires_improvement", "inadequate"):
        t[f"pct_{col}"] = 100 * t[col] / t["graded"].where(t["graded"] > 0)
    return t


def simulated_report(rng: np.random.Generator, audits: int = 40) -> tuple[bool, bool]:
    """One quarterly report with no true change: (claims anything with families per section, with one family)."""
    months = ["2021-09", "2021-10", "2021-11", "2021-12"]
    table = _table([r for m in months for r in _month(rng, m, audits)])
    moves, trends = standards.changes(table, months), standards.trends(table, months)
    cohorts = []
    for i, latest in enumerate(months[1:]):
        prev = _table(_month(rng, f"2021-0{i + 1}", audits))
        now = table[table["audit_month"] == latest]
        comp = pd.concat([prev, now], ignore_index=True).assign(cohort=f"c{i}")
        cohorts.append(SimpleNamespace(cohort=f"c{i}", comparison=comparators.comparison(comp, f"c{i}"), picture=None))
    comp_ns = SimpleNamespace(cohorts=tuple(cohorts))

    def claims(moves: pd.DataFrame, trends: pd.DataFrame, cohorts: tuple) -> bool:
        marks = set(moves["go_mark"]) | set(moves["ri_mark"])
        return bool(
            marks & {standards.UP, standards.DOWN}
            or (trends["reading"] != "no clear change").any()
            or any(c.comparison["reading"].isin(["improved", "declined"]).any() for c in cohorts)
        )

    before = claims(moves, trends, comp_ns.cohorts)
    std, comp, _ = report_family(SimpleNamespace(moves=moves, trends=trends), comp_ns)
    return before, claims(std.moves, std.trends, comp.cohorts)


def report_claims(reports: int, seed: int = 2023) -> tuple[float, float]:
    """The share of reports with no true change that claim a change: per-section families, one family."""
    rng = np.random.default_rng(seed)
    results = [simulated_report(rng) for _ in range(reports)]
    return sum(b for b, _ in results) / reports, sum(a for _, a in results) / reports


def _auditors(rng: np.random.Generator, bump: float) -> dict[str, list[float]]:
    out = {}
    for j in range(8):
        x = rng.choice([-1, 0, 1], size=int(rng.integers(8, 31)), p=[0.33, 0.62, 0.05]).astype(float)
        out[f"A{j}"] = list(x + (bump if j == 0 else 0.0))
    return out


def auditor_naming(runs: int, seed: int = 2024) -> tuple[float, float, float]:
    """(runs naming anyone against zero, as before; against the team, as now; power at a full step)."""
    rng = np.random.default_rng(seed)
    against_zero = named = found = 0
    for i in range(runs):
        values = _auditors(rng, 0.0)
        g = against_team(values, draws=2000, seed=i).groups
        named += bool(g["stands_out"].any())
        # Before: each shrunk mean's normal interval against zero.
        from qa_lib.stats import shrunk_means

        s = shrunk_means(values).groups
        against_zero += bool(((s["low"].round(2) > 0) | (s["high"].round(2) < 0)).any())
        found += bool(against_team(_auditors(rng, 1.0), draws=2000, seed=i).groups["stands_out"].iloc[0])
    return against_zero / runs, named / runs, found / runs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reports", type=int, default=1000)
    ap.add_argument("--auditor-runs", type=int, default=1000)
    a = ap.parse_args()
    before, after = report_claims(a.reports)
    print(f"Report-wide claims, {a.reports} quarterly reports with no true change:")
    print(f"  families per section (before): {before:.1%} of reports claim a change")
    print(f"  one family per report (now):   {after:.1%}")
    zero, team, power = auditor_naming(a.auditor_runs)
    print(f"Auditors, {a.auditor_runs} runs of 8 auditors with a team-wide shift and no auditor truly different:")
    print(f"  against zero (before): {zero:.1%} of runs name someone")
    print(f"  against the team (now): {team:.1%}")
    print(f"  one auditor a full step from the team: named in {power:.1%} of runs")


if __name__ == "__main__":
    main()
