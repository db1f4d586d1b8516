"""Which counts to suppress: primary (sensitive counts from 1 to min_count - 1), then secondary, chosen until
the attacker can narrow no hidden count to a range less than min_count wide.

Secondary suppression, as national statisticians' iterative methods do it: for each count the attacker pins
down, hide one more shown count from an equation it appears in, preferring counts in the fewest equations
(least knock-on) and then the smallest. Repeat with the attacker until it fails everywhere. Everything could
in the end be hidden; if a count still cannot be protected, the run stops (ProtectionError).
"""

from __future__ import annotations

from qa_lib.disclosure.attacker import exposed
from qa_lib.disclosure.problem import Key, Problem, ProtectionError


def is_small(value: int, min_count: int) -> bool:
    """The small-count rule: a count from 1 to min_count - 1 is never shown nor recoverable (0 is not small:
    an empty cell reveals no one)."""
    return 1 <= value < min_count


def primary(problem: Problem, min_count: int) -> set[Key]:
    """Shown sensitive counts from 1 to min_count - 1, and every count that is never shown."""
    small = {k for k in problem.sensitive if is_small(problem.value[k], min_count) and problem.hideable(k)}
    return small | {k for k, kind in problem.kind.items() if kind == "aux"}


def _uses(problem: Problem) -> dict[Key, list[dict[Key, int]]]:
    by_key: dict[Key, list[dict[Key, int]]] = {}
    for eq in problem.equations:
        for k in eq:
            by_key.setdefault(k, []).append(eq)
    return by_key


def _line_rule(problem: Problem, hidden: set[Key], by_key: dict[Key, list[dict[Key, int]]], min_count: int) -> None:
    """Cheap first pass: no equation may have exactly one hidden count (it would be worked out exactly)."""
    changed = True
    while changed:
        changed = False
        for eq in problem.equations:
            inside = [k for k in eq if k in hidden]
            if len(inside) != 1:
                continue
            only = inside[0]
            if problem.kind[only] == "aux" and not (only in problem.sensitive and is_small(problem.value[only], min_count)):
                continue  # an implied count that may be worked out: large, zero or not about anyone
            pick = _cheapest(problem, {k for k in eq if k not in hidden and problem.hideable(k)}, by_key)
            if pick is not None:
                hidden.add(pick)
                changed = True


def _cheapest(problem: Problem, candidates: set[Key], by_key: dict[Key, list[dict[Key, int]]]) -> Key | None:
    """The count whose hiding costs least: not a headline figure, then the smallest non-zero, then the one in
    the fewest equations (least knock-on)."""
    if not candidates:
        return None
    positive = {k for k in candidates if problem.value[k] > 0} or candidates
    return min(positive, key=lambda k: (problem.weight.get(k, 0), problem.value[k], len(by_key.get(k, [])), k))


def _pick(problem: Problem, hidden: set[Key], start: Key, by_key: dict[Key, list[dict[Key, int]]]) -> Key | None:
    """A shown count to hide next to `start`: from its own equations first, else from the equations of the
    hidden counts linked to it, widening step by step."""
    seen, frontier = {start}, [start]
    while frontier:
        candidates = {k for f in frontier for eq in by_key.get(f, []) for k in eq if k not in hidden and problem.hideable(k)}
        if candidates:
            return _cheapest(problem, candidates, by_key)
        nxt = {k for f in frontier for eq in by_key.get(f, []) for k in eq if k in hidden} - seen
        seen |= nxt
        frontier = sorted(nxt)
    return None


def choose(
    problem: Problem,
    min_count: int = 5,
    max_rounds: int = 200,
    trace: list[tuple[Key, tuple[float, float], Key | None]] | None = None,
    forced: set[Key] | frozenset[Key] = frozenset(),
) -> set[Key]:
    """The counts to hide (shown cells become c), so that every hidden count's feasible range is at least
    `min_count` wide; `forced`: counts hidden whatever (an earlier release in the same folder hid them)."""
    hidden = primary(problem, min_count) | set(forced)
    by_key = _uses(problem)
    _line_rule(problem, hidden, by_key, min_count)
    safe: set[Key] = set()
    for _ in range(max_rounds):
        bad = exposed(problem, hidden, min_count, safe)
        if not bad:
            return hidden
        added = False
        for k in sorted(bad):
            pick = _pick(problem, hidden, k, by_key)
            if trace is not None:
                trace.append((k, bad[k], pick))
            if pick is not None:
                hidden.add(pick)
                added = True
        if not added:
            raise ProtectionError(f"{len(bad)} count(s) cannot be protected even with every related figure hidden; nothing was published")
    raise ProtectionError("secondary suppression did not settle; nothing was published")
