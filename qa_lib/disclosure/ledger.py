"""Wider releases protected together. A reader who keeps every wider release can combine them: a count shown in
one release and hidden in another is known; a count re-published after a late return gives the difference.
So a wider `--out` folder keeps a ledger (`releases.json`, published with the release: it holds only what the
releases showed, and the keys of what they hid, never a hidden value), and every new wider release is protected
as one problem with every release before it:

- a count an earlier release showed is known to the attacker: it is fixed in the problem (never "hidden");
- a count an earlier release hid stays hidden;
- a count an earlier release showed that has since changed (a late return, a corrected grade) is refused when
  the change is smaller than min_count: the two releases together would show that small change.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qa_lib.disclosure.problem import Key, Problem, ProtectionError

LEDGER = "releases.json"
MONTH = re.compile(r"\d{4}-\d{2}")


def qualified(key: Key, period: str) -> Key:
    """A count's name across releases: a count of one month is the same count in every release that shows it;
    a count over a whole period (grades by area, rows of the file, the period's moderation) is that period's
    only, so it is named with the period."""
    return key if any(MONTH.fullmatch(str(part)) for part in key) else ("@period", period, *key)


@dataclass(frozen=True)
class Ledger:
    """What every earlier wider release in a folder showed (key -> value) and hid (keys), and when each was made."""

    shown: dict[Key, int] = field(default_factory=dict)
    hidden: frozenset[Key] = frozenset()
    releases: tuple[dict[str, Any], ...] = ()


def read_ledger(folder: Path) -> Ledger:
    """The ledger the latest release in `folder` carries (empty when there is none). A damaged ledger is refused:
    publishing without it could undo what earlier releases hid."""
    path = folder / LEDGER
    if not path.is_file():
        return Ledger()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        shown = {tuple(str(p) for p in k): int(v) for k, v in raw["shown"]}
        hidden = frozenset(tuple(str(p) for p in k) for k in raw["hidden"])
        releases = tuple(dict(r) for r in raw.get("releases", []))
    except (OSError, ValueError, KeyError, TypeError):
        raise ProtectionError(
            f"{path} (the ledger of earlier wider releases in this folder) cannot be read; without it a new release "
            "could undo what earlier ones hid. Nothing was published; restore it from history/ or choose a new folder"
        ) from None
    return Ledger(shown, hidden, releases)


def apply_ledger(problem: Problem, earlier: Ledger, min_count: int, period: str) -> set[Key]:
    """Fold the earlier releases into this release's problem: counts they showed become known values (fixed);
    returns the counts they hid, which this release must hide too. Raises ProtectionError, naming the figure
    but never its value, when a count they showed has changed by 1 to min_count - 1."""
    names = {qualified(k, period): k for k in problem.value}
    for name, value in earlier.shown.items():
        key = names.get(name)
        if key is None:
            continue
        change = abs(problem.value[key] - value)
        if 0 < change < min_count and key in problem.sensitive:
            raise ProtectionError(
                f"audience: wider: a figure an earlier wider release in this folder showed ({describe(key)}) has changed by "
                f"fewer than {min_count} since (a late return or a corrected grade); together the two releases would show "
                "that small change. Nothing was published: publish this revision for the QA team only, or in a new folder "
                "once the change is at least that size"
            )
        if change == 0:
            problem.kind[key] = "fixed"  # a reader who kept that release knows it
    return {names[k] for k in earlier.hidden if k in names and problem.kind[names[k]] == "cell"}


def release_entry(problem: Problem, hidden: set[Key] | frozenset[Key], period: str) -> tuple[dict[Key, int], frozenset[Key]]:
    """What this release shows (every cell not hidden, with its value) and hides (its hidden cells), by the
    names counts have across releases (`qualified`)."""
    cells = {k for k, kind in problem.kind.items() if kind in ("cell", "fixed")}
    shown = {qualified(k, period): problem.value[k] for k in cells if k not in hidden}
    return shown, frozenset(qualified(k, period) for k in hidden if problem.kind.get(k) == "cell")


def ledger_json(earlier: Ledger, shown: dict[Key, int], hidden: frozenset[Key], created: str, period: str) -> str:
    """The ledger after this release: every earlier release's and this one's shown counts and hidden keys."""
    all_shown = {**earlier.shown, **shown}
    all_hidden = (earlier.hidden | hidden) - set(all_shown)
    releases = [*earlier.releases, {"created": created, "period": period}]
    return json.dumps(
        {
            "about": "qa-pack: what every wider release in this folder showed, and the keys of what it hid (no hidden value)",
            "releases": releases,
            "shown": sorted([list(k), v] for k, v in all_shown.items()),
            "hidden": sorted(list(k) for k in all_hidden),
        },
        indent=0,
    )


def describe(key: Key) -> str:
    return " ".join(str(part) for part in key)
