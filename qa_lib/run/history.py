"""Run history: nothing published is ever overwritten or lost.

`--out DIR` always holds the latest published run, so links and scripts keep working. When a run replaces
an earlier one, the earlier run (its reports, tables, manifest and any `email.eml`) moves whole to
`DIR/history/<UTC time it was made>/`, in the same rename-only swap that publishes the new run. Params
`history: {keep: N}` keeps only the N most recent earlier runs (default: all). `qa-pack history DIR` lists
them. History folders are run folders: figures only, never a row.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from qa_lib.files import EXTRA_FILES, MARKER, remove_listed, run_marker

HISTORY = "history"
SENT = "email-sent.json"  # written into a run folder by `qa-pack email --send` once the server took the message
STAMP = re.compile(r"^\d{8}T\d{6}Z(-\d+)?$")


def is_history(folder: Path) -> bool:
    """Whether `folder` is a run folder's history: a real folder whose entries are all earlier runs, each named
    by its time and carrying the pack's marker."""

    if folder.is_symlink() or not folder.is_dir():
        return False
    return all(STAMP.match(p.name) and p.is_dir() and not p.is_symlink() and run_marker(p) is not None for p in folder.iterdir())


def stamp_of(run: Path) -> str:
    """The time a run was made (its manifest's `created`, else the folder's time), as 20211231T235959Z."""
    try:
        created = json.loads((run / "manifest.json").read_text(encoding="utf-8"))["created"]
        when = datetime.fromisoformat(created).astimezone(UTC)
    except (OSError, ValueError, KeyError, TypeError):
        when = datetime.fromtimestamp(run.stat().st_mtime, UTC)
    return when.strftime("%Y%m%dT%H%M%SZ")


def keep_earlier(out: Path, build: Path) -> Path | None:
    """Before `build` replaces `out`: `out`'s history, and `out` itself, moved into `build/history/` (renames
    only, on one file system). Returns where `out` went, for `restore` if the swap then fails."""
    if not out.exists():
        return None
    if out.is_dir() and not out.is_symlink() and not any(out.iterdir()):
        out.rmdir()  # an empty folder the user made for --out: used (the build takes its place), not kept as a "run"
        return None
    history = build / HISTORY
    history.mkdir(exist_ok=True)
    earlier = out / HISTORY
    if earlier.is_dir():
        for run in sorted(earlier.iterdir()):
            run.rename(history / run.name)
        earlier.rmdir()
    name = stamp_of(out)
    target, n = history / name, 1
    while target.exists():
        n += 1
        target = history / f"{name}-{n}"
    out.rename(target)
    return target


def restore(out: Path, build: Path, moved: Path) -> None:
    """Undo `keep_earlier`: the earlier run back at `out` with its history."""
    moved.rename(out)
    history = build / HISTORY
    if history.is_dir():
        (out / HISTORY).mkdir(exist_ok=True)
        for run in sorted(history.iterdir()):
            run.rename(out / HISTORY / run.name)


def prune(out: Path, keep: int | None) -> list[Path]:
    """Only the `keep` most recent earlier runs kept (None: all). Returns the runs removed."""
    history = out / HISTORY
    if keep is None or not history.is_dir():
        return []
    runs = sorted(p for p in history.iterdir() if p.is_dir() and not p.is_symlink() and STAMP.match(p.name) and run_marker(p) is not None)
    gone = runs[: max(0, len(runs) - keep)]
    for run in gone:  # only what the run's marker lists: anything someone else put in it stays, with its folder
        marker = run_marker(run) or {"files": []}
        remove_listed(run, [*marker["files"], *EXTRA_FILES], MARKER)
    return gone


@dataclass(frozen=True)
class RunEntry:
    """One published run, for `qa-pack history`."""

    folder: Path
    created: str
    period: str
    input_sha256: str
    sent: str  # when the e-mail went, "written, not sent", or "no"


def describe(run: Path) -> RunEntry:
    try:
        manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    period = manifest.get("period") or {}
    try:
        sent = str(json.loads((run / SENT).read_text(encoding="utf-8"))["sent"])
    except (OSError, ValueError, KeyError, TypeError):
        sent = "written, not sent" if (run / "email.eml").exists() else "no"
    return RunEntry(
        folder=run,
        created=str(manifest.get("created", "?")),
        period=f"{period.get('from', '?')} to {period.get('to', '?')}",
        input_sha256=str((manifest.get("input") or {}).get("sha256", "?")),
        sent=sent,
    )


def runs(out: Path) -> list[RunEntry]:
    """The latest run at `out` and every earlier one kept in its history, newest first."""
    history = out / HISTORY
    earlier = sorted((p for p in history.iterdir() if p.is_dir() and STAMP.match(p.name)), reverse=True) if history.is_dir() else []
    return [describe(out), *(describe(p) for p in earlier)]
