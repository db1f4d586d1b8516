"""An attacker written for the tests, independently of qa_lib.disclosure: it reads only what a wider pack
publishes (its CSV tables), writes the contract's relations between them as linear constraints, and asks an
integer program (scipy's milp, HiGHS) for the smallest and largest value of every count shown as c.

Relations used (everything a reader of the data contract knows):
- each month's returned and distributed = the sum of its cohort rows = the sum of its area rows; returned
  <= distributed; participation's returned = the month's returned; took part <= returned; reasons add up to
  those who did not take part;
- overall grades add up to the month's returned; moderated from a grade <= audits first given that grade;
- the grade-by-area grid: rows and columns add up to ALL and TOTAL; TOTAL per grade = the months' overall
  grades; an area's ALL = its returns over the months;
- standards: graded = G/O + RI + I, graded <= returned; a cohort's comparator row = the standards row when it
  was the month's only cohort; themes' audits <= returned;
- every percentage shown, to one decimal, bounds its numerator given its base (100 n within p +- 0.05 of d).
"""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp


class System:
    def __init__(self) -> None:
        self.lo: list[float] = []
        self.hi: list[float] = []
        self.names: list[str] = []
        self.rows: list[tuple[dict[int, float], float, float]] = []  # lo <= sum(coef x) <= hi
        self.hidden: dict[int, str] = {}
        self.by_name: dict[str, int] = {}

    def var(self, name: str, shown: object = None) -> int:
        """A count: fixed when shown, free (integer >= 0) when c or not published."""
        if name in self.by_name:
            i = self.by_name[name]
        else:
            i = len(self.names)
            self.by_name[name] = i
            self.names.append(name)
            self.lo.append(0.0)
            self.hi.append(math.inf)
        if shown is not None:
            text = str(shown)
            if text == "c":
                self.hidden[i] = name
            elif text != "":
                v = float(text)
                self.lo[i] = self.hi[i] = v
        return i

    def eq(self, terms: dict[int, float], rhs: float = 0.0) -> None:
        self.rows.append((terms, rhs, rhs))

    def le(self, terms: dict[int, float], rhs: float = 0.0) -> None:
        self.rows.append((terms, -math.inf, rhs))

    def total(self, whole: int, parts: list[int]) -> None:
        terms: dict[int, float] = defaultdict(float)
        terms[whole] += 1
        for p in parts:
            terms[p] -= 1
        self.eq(dict(terms))

    def percent(self, shown: object, num: int, den: int) -> None:
        text = str(shown)
        if text in ("", "c", "nan"):
            return
        p = float(text)
        self.le({den: (p - 0.05), num: -100.0})  # 100 n >= (p - 0.05) d
        self.le({num: 100.0, den: -(p + 0.05)})  # 100 n <= (p + 0.05) d

    def ranges(self) -> dict[str, tuple[float, float]]:
        n = len(self.names)
        a = np.zeros((len(self.rows), n))
        lo, hi = [], []
        for r, (terms, low, high) in enumerate(self.rows):
            for i, c in terms.items():
                a[r, i] += c
            lo.append(low)
            hi.append(high)
        constraints = LinearConstraint(a, lo, hi)
        bounds = Bounds(self.lo, self.hi)
        out = {}
        for i, name in self.hidden.items():
            objective = np.zeros(n)
            objective[i] = 1
            low = milp(objective, constraints=constraints, bounds=bounds, integrality=np.ones(n))
            high = milp(-objective, constraints=constraints, bounds=bounds, integrality=np.ones(n))
            assert low.status == 0, f"the published tables are inconsistent ({low.message})"
            out[name] = (float(round(low.fun)), math.inf if high.status != 0 else float(round(-high.fun)))
        return out


def read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / "tables" / f"{name}.csv", dtype=str, keep_default_na=False)


def build(folder: Path) -> System:
    s = System()
    ret = read(folder, "returns")
    months = sorted(set(ret["audit_month"]))
    for m in months:
        s.var(f"R {m}")
        s.var(f"D {m}")
    for col, key in (("returned", "R"), ("distributed", "D")):
        for m, rows in ret.groupby("audit_month"):
            parts = [s.var(f"{key} {m} {c}", v) for c, v in zip(rows["cohort"], rows[col])]
            s.total(s.var(f"{key} {m}"), parts)
    for _, r in ret.iterrows():
        m, c = r["audit_month"], r["cohort"]
        s.var(f"E {m} {c}", r["exempt"])
        s.le({s.var(f"R {m} {c}"): 1, s.var(f"D {m} {c}"): -1})
        s.percent(r["return_rate"], s.var(f"R {m} {c}"), s.var(f"D {m} {c}"))
    area = read(folder, "returns_by_area")
    for m, rows in area.groupby("audit_month"):
        for col, key in (("returned", "R"), ("distributed", "D")):
            s.total(s.var(f"{key} {m}"), [s.var(f"{key} {m} @{a}", v) for a, v in zip(rows["service_area"], rows[col])])
        for _, r in rows.iterrows():
            ra, da = s.var(f"R {m} @{r['service_area']}"), s.var(f"D {m} @{r['service_area']}")
            s.le({ra: 1, da: -1})
            s.percent(r["return_rate"], ra, da)
    part = read(folder, "participation")
    for _, r in part.iterrows():
        m = r["audit_month"]
        s.total(s.var(f"R {m}"), [s.var(f"R {m} participation", r["returned"])])
        took = s.var(f"P {m}", r["participated"])
        s.le({took: 1, s.var(f"R {m}"): -1})
        s.percent(r["participation_rate"], took, s.var(f"R {m}"))
    reasons = read(folder, "non_participation_reasons")
    for m, rows in reasons.groupby("audit_month"):
        terms = {s.var(f"reason {m} {k}", v): 1.0 for k, v in zip(rows["reason"], rows["count"])}
        terms[s.var(f"R {m}")] = -1.0
        terms[s.var(f"P {m}")] = 1.0
        s.eq(terms)  # every non-participation has a reason category
    grades = read(folder, "overall_grades")
    for m, rows in grades.groupby("audit_month"):
        cells = {g: s.var(f"overall {m} {g}", v) for g, v in zip(rows["grade"], rows["count"])}
        s.total(s.var(f"R {m}"), list(cells.values()))
        for g, p in zip(rows["grade"], rows["percent"]):
            s.percent(p, cells[g], s.var(f"R {m}"))
    moderation = read(folder, "moderation")
    for (m, f), rows in moderation.groupby(["audit_month", "from_grade"]):
        terms = {s.var(f"moderation {m} {f} {t}", v): 1.0 for t, v in zip(rows["to_grade"], rows["count"])}
        terms[s.var(f"overall {m} {f}")] = -1.0
        s.le(terms)
    grid = read(folder, "grades_by_area")
    gcols = [c for c in grid.columns if c not in ("service_area", "ALL")]
    areas = [a for a in grid["service_area"] if a != "TOTAL"]
    for _, r in grid.iterrows():
        a = r["service_area"]
        row_cells = [s.var(f"grid {a} {g}", r[g]) for g in gcols]
        s.total(s.var(f"grid {a} ALL", r["ALL"]), row_cells)
    for g in [*gcols, "ALL"]:
        s.total(s.var(f"grid TOTAL {g}"), [s.var(f"grid {a} {g}") for a in areas])
    for g in gcols:
        s.total(s.var(f"grid TOTAL {g}"), [s.var(f"overall {m} {g}") for m in months])
    for a in areas:
        s.total(s.var(f"grid {a} ALL"), [s.var(f"R {m} @{a}") for m in months if f"R {m} @{a}" in s.by_name])
    std = read(folder, "standards")
    for _, r in std.iterrows():
        k = f"{r['audit_month']} {r['standard']}"
        g, go, ri, i = (s.var(f"std {k} {c}", r[c]) for c in ("graded", "good_or_outstanding", "requires_improvement", "inadequate"))
        s.total(g, [go, ri, i])
        s.le({g: 1, s.var(f"R {r['audit_month']}"): -1})
        for num, col in ((go, "pct_good_or_outstanding"), (ri, "pct_requires_improvement"), (i, "pct_inadequate")):
            s.percent(r[col], num, g)
    cohorts_in = ret[ret["distributed"].ne("0")].groupby("audit_month")["cohort"].apply(set).to_dict()
    comp = read(folder, "comparators")
    for _, r in comp.iterrows():
        c, m, st = r["cohort"], r["audit_month"], r["standard"]
        g, go = s.var(f"cmp {c} {m} {st} graded", r["graded"]), s.var(f"cmp {c} {m} {st} go")
        s.le({go: 1, g: -1})
        s.percent(r["pct_good_or_outstanding"], go, g)
        if cohorts_in.get(m) == {c} and f"std {m} {st} graded" in s.by_name:
            s.total(g, [s.var(f"std {m} {st} graded")])
            s.total(go, [s.var(f"std {m} {st} good_or_outstanding")])
    themes = read(folder, "themes")
    for _, r in themes.iterrows():
        m = r["audit_month"]
        n = s.var(f"theme {m} {r['theme']}", r["audits"])
        s.total(s.var(f"R {m}"), [s.var(f"R {m} theme {r['theme']}", r["returned"])])
        s.le({n: 1, s.var(f"R {m}"): -1})
        s.percent(r["percent"], n, s.var(f"R {m}"))
    return s


def narrow(folder: Path, width: int = 5) -> dict[str, tuple[float, float]]:
    """Every count shown as c whose feasible range, given everything published, is less than `width` wide."""
    return {k: r for k, r in build(folder).ranges().items() if r[1] - r[0] < width}


def small_shown(folder: Path, top: int = 4) -> list[tuple[str, str, str]]:
    """Counts from 1 to `top` shown in any published table (there should be none)."""
    skip = {"audit_month", "service_area", "cohort", "standard", "grade", "from_grade", "to_grade", "outcome", "reason", "theme"}
    found = []
    for path in sorted((folder / "tables").glob("*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for col in frame.columns:
            if col in skip or col.startswith("pct_") or col.endswith("_rate") or col == "percent":
                continue
            found += [(path.name, col, v) for v in frame[col] if v.isdigit() and 1 <= int(v) <= top]
    return found
