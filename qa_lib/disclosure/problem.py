"""The protection problem: counts as variables, and the linear relations a reader can use between them.

A key names one count, e.g. ("R", "2021-10") for October's returned audits. Each count has a kind:
- "cell": shown in a published table or sentence unless suppressed (then shown as c);
- "aux": never shown, but implied by what is (e.g. audits not returned = distributed - returned);
- "fixed": always shown and never suppressed (rows read, used and rejected: counts of the file, not of children).
A count is sensitive when it describes children, workers or audits; a sensitive count from 1 to 4 must never
be recoverable, whether shown or implied.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from qa_lib.errors import QAPackError

Key = tuple[str, ...]


class ProtectionError(QAPackError):
    """The figures cannot be protected, or a protected pack would disclose a count: nothing is published."""


@dataclass
class Problem:
    """Counts (true values), their kinds and sensitivity, and equations sum(coef * count) == 0."""

    value: dict[Key, int] = field(default_factory=dict)
    kind: dict[Key, str] = field(default_factory=dict)
    sensitive: set[Key] = field(default_factory=set)
    equations: list[dict[Key, int]] = field(default_factory=list)
    weight: dict[Key, int] = field(default_factory=dict)  # how much a reader loses if it is hidden (default 0)

    def count(self, key: Key, value: int, kind: str = "cell", sensitive: bool = True) -> Key:
        """Register a count; a second registration of the same key must agree (one figure, one value)."""
        value = int(value)
        if key in self.value:
            if self.value[key] != value:
                raise ProtectionError(f"internal: two figures disagree on {key}: {self.value[key]} and {value}")
            if kind == "cell" and self.kind[key] == "aux":
                self.kind[key] = "cell"
            return key
        self.value[key] = value
        self.kind[key] = kind
        if sensitive:
            self.sensitive.add(key)
        return key

    def total(self, total: Key, parts: Sequence[Key]) -> None:
        """total == sum(parts). Every key must already be registered; the equation must hold."""
        eq: dict[Key, int] = {total: 1}
        for p in parts:
            eq[p] = eq.get(p, 0) - 1
        self.equation(eq)

    def complement(self, whole: Key, parts: Sequence[Key], rest: Key, sensitive: bool = True) -> None:
        """whole == sum(parts) + rest, where `rest` is implied, never shown (e.g. audits not returned)."""
        gap = self.value[whole] - sum(self.value[p] for p in parts)
        if gap < 0:
            raise ProtectionError(f"internal: {parts} add up to more than {whole}")
        self.count(rest, gap, kind="aux", sensitive=sensitive)
        self.total(whole, [*parts, rest])

    def equation(self, eq: dict[Key, int]) -> None:
        eq = {k: c for k, c in eq.items() if c}
        missing = [k for k in eq if k not in self.value]
        if missing:
            raise ProtectionError(f"internal: relation on unregistered counts {missing[:3]}")
        if sum(c * self.value[k] for k, c in eq.items()) != 0:
            raise ProtectionError(f"internal: relation does not hold on the figures: {eq}")
        if eq:
            self.equations.append(eq)

    def keep(self, keys: list[Key], weight: int) -> None:
        """Headline counts (month totals, table margins): secondary suppression hides them only as a last resort."""
        for k in keys:
            if k in self.value:
                self.weight[k] = max(weight, self.weight.get(k, 0))

    def hideable(self, key: Key) -> bool:
        return self.kind[key] == "cell"
