"""The attacker: how narrowly can a hidden count be pinned down from everything published?

Published counts are constants; hidden counts (suppressed cells and implied counts) are non-negative integers
tied by the problem's equations. For a hidden count, the smallest and largest values of the integer program
(HiGHS branch and bound, through scipy's `milp`) bound what any reader can work out. Equations split into
independent groups of hidden counts, each solved on its own.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
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
    range (every earlier solution stays feasible), so they are not solved again. Updated in place.

    The groups are independent, and HiGHS leaves the interpreter free while it solves, so they are solved
    side by side, one per core (a wider run's protection took 1.1 s of the demo's path to its only notebook,
    most of it in 446 small solves, while the second core waited). Each group draws its objectives from its
    own seed, so which core solves it changes nothing."""
    targets = {k for k in hidden if problem.kind[k] == "cell"}
    targets |= {k for k in hidden if k in problem.sensitive and 1 <= problem.value[k] < width}
    if safe is not None:
        targets -= safe
    work = [(keys, eqs, todo) for keys, eqs in _groups(problem, hidden) if (todo := [k for k in keys if k in targets]) and eqs]

    # (a group with no equation: nothing bounds its counts above)
    def narrow(
        group: tuple[list[Key], list[tuple[dict[Key, int], int]], list[Key]], pool: ThreadPoolExecutor | None = None
    ) -> dict[Key, tuple[float, float]]:
        keys, eqs, todo = group
        return _narrow(problem, keys, eqs, todo, width, pool)

    cores = os.cpu_count() or 1
    if cores > 1 and len(work) > 1:  # groups side by side
        with ThreadPoolExecutor(max_workers=min(len(work), cores)) as pool:
            found = list(pool.map(narrow, work))
    elif cores > 1 and work:  # one group: its independent solves side by side
        with ThreadPoolExecutor(max_workers=cores) as pool:
            found = [narrow(work[0], pool)]
    else:
        found = [narrow(group) for group in work]
    out: dict[Key, tuple[float, float]] = {}
    for (_, _, todo), narrowed in zip(work, found, strict=True):
        out.update(narrowed)
        if safe is not None:
            safe.update(k for k in todo if k not in narrowed)
    return out


def _narrow(
    problem: Problem,
    keys: list[Key],
    eqs: list[tuple[dict[Key, int], int]],
    todo: list[Key],
    width: int,
    pool: ThreadPoolExecutor | None = None,
) -> dict[Key, tuple[float, float]]:
    """`exposed` for one group: its counts in `todo` whose range is less than `width` wide. With a `pool`, the
    solves that do not wait on each other (the random objectives; a count's smallest and largest) run side by side."""
    index = {k: i for i, k in enumerate(keys)}
    a, rhs = _matrix(eqs, index)
    solve = _solver(a, rhs, len(keys))

    def solve_all(objectives: list[np.ndarray]) -> list[np.ndarray | None]:
        return list(pool.map(solve, objectives)) if pool is not None else [solve(c) for c in objectives]

    rng = np.random.default_rng([0, len(keys), len(eqs)])  # the group's own draws, whichever core solves it
    truth = np.array([problem.value[k] for k in keys], dtype=float)
    low, high = truth.copy(), truth.copy()
    for x in solve_all([sign * rng.uniform(-1, 1, len(keys)) for _ in range(4) for sign in (1.0, -1.0)]):
        if x is not None:
            low, high = np.minimum(low, x), np.maximum(high, x)
    out: dict[Key, tuple[float, float]] = {}
    for k in todo:
        i = index[k]
        if high[i] - low[i] >= width:
            continue
        c = np.zeros(len(keys))
        c[i] = 1.0
        lo_x, hi_x = solve_all([c, -c])
        for x in (lo_x, hi_x):
            if x is not None:
                low, high = np.minimum(low, x), np.maximum(high, x)
        hi = math.inf if hi_x is None else high[i]
        if hi - low[i] < width:
            out[k] = (float(low[i]), float(hi))
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
