"""What changed since the published version of the same period a run replaces (`qa_lib.run.revision` compares
the tables): the figures' own record of it, read by every output that says so."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# table -> (its keys, the counts compared, how a row is named)
COMPARED: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]] = {
    "returns": (("audit_month",), ("distributed", "returned", "exempt"), "Audits"),
    "overall_grades": (("audit_month", "grade"), ("count",), "Overall grade"),
    "standards": (("audit_month", "standard"), ("graded", "good_or_outstanding", "requires_improvement", "inadequate"), "Standard"),
}
TITLES = {"returns": "returns", "overall_grades": "overall grades", "standards": "practice standards"}
GRADE_WORDS = {"O": "outstanding", "G": "good", "RI": "requires improvement", "I": "inadequate"}


@dataclass(frozen=True)
class Change:
    table: str
    month: str
    row: str  # the standard or grade ("" for returns)
    column: str
    old: str
    new: str


@dataclass(frozen=True)
class Revision:
    """This run against the published version of the same period it replaces."""

    since: str  # when that version was made (ISO, UTC)
    changes: tuple[Change, ...]

    @property
    def tables(self) -> list[str]:
        return [t for t in COMPARED if any(c.table == t for c in self.changes)]


def when(iso: str) -> str:
    """An ISO time in words: "6 December 2026 at 12:18 UTC"."""
    try:
        d = datetime.fromisoformat(iso)
    except ValueError:
        return "an earlier date"
    return f"{d.day} {d.strftime('%B %Y')} at {d.strftime('%H:%M')} UTC"
