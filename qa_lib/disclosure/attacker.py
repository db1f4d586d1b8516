"""The attacker: how narrowly can a hidden count be pinned down from everything published?

Published counts are constants; hidden counts (suppressed cells and implied counts) are non-negative integers
tied by the problem's equations. For a hidden count, the smallest and largest values of the integer program
(HiGHS branch and bound, through scipy's `milp`) bound what any reader can work out. Equations split into
independent groups of hidden counts, each solved on its own.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import numpy as np

from qa_lib.disclosure.problem import Key, Problem, ProtectionError

if TYPE_CHECKING:
    from scipy.sparse import csr_array


def _groups(problem: Problem, hidden: set[Key]) -> list[tuple[list[Key], list[tuple[dict[Key, int], int]]]]:
    """Independent groups of hidden counts, each with its equations reduced to hidden terms = constant."""
    parent = {k: k for k in hidden}

    def find(k: Key) -> Key:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    reduced = []
    for eq in problem.equations:
        terms = {k: c for k, c in eq.items() if k in hidden}
        rhs = -sum(c * problem.value[k] for k, c in eq.items() if k not in hidden)
        if not terms:
            continue
        reduced.append((terms, rhs))
        first, *rest = terms
        for k in rest:
            parent[find(k)] = find(first)
    members: dict[Key, list[Key]] = {}
    for k in hidden:
        members.setdefault(find(k), []).append(k)
    eqs: dict[Key, list[tuple[dict[Key, int], int]]] = {}
    for terms, rhs in reduced:
        eqs.setdefault(find(next(iter(terms))), []).append((terms, rhs))
    return [(sorted(keys), eqs.get(root, [])) for root, keys in members.items()]


def ranges(problem: Problem, hidden: set[Key], targets: Iterable[Key] | None = None) -> dict[Key, tuple[float, float]]:
    """For each target (default: every hidden count), the exact (smallest, largest) value consistent with what
    is published; math.inf when nothing bounds it above."""
    wanted = set(hidden if targets is None else targets) & hidden
    out: dict[Key, tuple[float, float]] = {}
    for keys, eqs in _groups(problem, hidden):
        todo = [k for k in keys if k in wanted]
        if not todo:
            continue
        if not eqs:
            out.update({k: (0.0, math.inf) for k in todo})
            continue
        index = {k: i for i, k in enumerate(keys)}
        solve = _solver(*_matrix(eqs, index), len(keys))
        for k in todo:
            c = np.zeros(len(keys))
            c[index[k]] = 1.0
            low, high = solve(c), solve(-c)
            out[k] = (0.0 if low is None else float(low[index[k]]), math.inf if high is None else float(high[index[k]]))
    return out


def exposed(problem: Problem, hidden: set[Key], width: int, safe: set[Key] | None = None) -> dict[Key, tuple[float, float]]:
    """The counts the attacker pins down too narrowly: every suppressed cell, and every implied sensitive count
    from 1 to width - 1, whose feasible range (integer program) is less than `width` wide.

    Exact, but quicker than solving for every count: any two integer solutions that differ by `width` in a
    count prove its range is wide enough, so a few solves with random objectives clear most counts at once,
    and only the rest are solved for their own smallest and largest values (whose solutions clear others).
    `safe`: counts already shown to be wide enough with fewer counts hidden; hiding more can only widen a
    range (every earlier solution stays feasible), so they are not solved again. Updated in place."""
    targets = {k for k in hidden if problem.kind[k] == "cell"}
    targets |= {k for k in hidden if k in problem.sensitive and 1 <= problem.value[k] < width}
    if safe is not None:
        targets -= safe
    out: dict[Key, tuple[float, float]] = {}
    rng = np.random.default_rng(0)
    for keys, eqs in _groups(problem, hidden):
        todo = [k for k in keys if k in targets]
        if not todo:
            continue
        if not eqs:
            continue  # nothing bounds them above
        index = {k: i for i, k in enumerate(keys)}
        a, rhs = _matrix(eqs, index)
        solve = _solver(a, rhs, len(keys))
        truth = np.array([problem.value[k] for k in keys], dtype=float)
        low, high = truth.copy(), truth.copy()
        for _ in range(4):
            for sign in (1.0, -1.0):
                x = solve(sign * rng.uniform(-1, 1, len(keys)))
                if x is not None:
                    low, high = np.minimum(low, x), np.maximum(high, x)
        for k in todo:
            i = index[k]
            if high[i] - low[i] >= width:
                continue
            c = np.zeros(len(keys))
            c[i] = 1.0
            lo_x, hi_x = solve(c), solve(-c)
            for x in (lo_x, hi_x):
                if x is not None:
                    low, high = np.minimum(low, x), np.maximum(high, x)
            hi = math.inf if hi_x is None else high[i]
            if hi - low[i] < width:
                out[k] = (float(low[i]), float(hi))
        if safe is not None:
            safe.update(k for k in todo if k not in out)
    return out


def _matrix(eqs: list[tuple[dict[Key, int], int]], index: dict[Key, int]) -> tuple[csr_array, list[int]]:
    from scipy.sparse import csr_array  # heavy: scipy's sparse and optimize load only for a wider run's attacker

    rows, cols, vals, rhs = [], [], [], []
    for r, (terms, b) in enumerate(eqs):
        for k, c in terms.items():
            rows.append(r)
            cols.append(index[k])
            vals.append(c)
        rhs.append(b)
    return csr_array((vals, (rows, cols)), shape=(len(eqs), len(index))), rhs


def _solver(a: csr_array, rhs: list[int], n: int) -> Callable[[np.ndarray], np.ndarray | None]:
    """An integer solution minimising c.x (None when unbounded) over the group's equations, x >= 0."""
    from scipy.optimize import Bounds, LinearConstraint, milp  # heavy: only for a wider run

    constraint = LinearConstraint(a, rhs, rhs)
    bounds = Bounds(np.zeros(n), np.full(n, np.inf))
    integrality = np.ones(n)

    def solve(c: np.ndarray) -> np.ndarray | None:
        res = milp(c, constraints=constraint, bounds=bounds, integrality=integrality)
        if res.status == 2:
            raise ProtectionError("internal: the published figures are inconsistent")
        return np.round(res.x) if res.status == 0 else None

    return solve
