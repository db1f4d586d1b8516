"""What changed: when a run covers the same period as the run it replaces (late returns, corrected grades),
the highlight report opens with "Changes since the version of <date>" and the e-mail says "revised".

The earlier version's own tables (its `tables/*.csv`, as published) are compared with this run's, row by row
on their keys, with pandas (`DataFrame.merge` on the keys, then the counts compared): returns by month,
overall grades by month and standards by month. Old -> new counts are listed for the QA team; a wider pack
names only the tables that changed (a difference of two protected releases could reveal a small count).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from qa_lib.figures.revision import COMPARED, TITLES, Change, Revision, when
from qa_lib.files import run_marker
from qa_lib.inputs.period import Period


def earlier_version(out: Path, period: Period) -> Path | None:
    """The run at `out`, if it is the pack's and covers the same period (so this run revises it)."""

    if run_marker(out) is None:
        return None
    try:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        same = manifest["period"]["from"] == period.start and manifest["period"]["to"] == period.end
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return out if same else None


MONTH = re.compile(r"\d{4}-\d{2}")
KEY = re.compile(r"[A-Za-z0-9_]{1,40}")
COUNT = re.compile(r"\d{1,9}|c|")


def well_formed(old: pd.DataFrame, keys: tuple[str, ...], counts: tuple[str, ...]) -> bool:
    """An earlier version's table checked like any input before a cell of it is shown again: months as
    YYYY-MM, keys as the pack writes them (a grade code or a standard's key), counts whole numbers (or c)."""
    if not old["audit_month"].map(lambda v: bool(MONTH.fullmatch(v))).all():
        return False
    for key in keys[1:]:
        if not old[key].map(lambda v: bool(KEY.fullmatch(v))).all():
            return False
    return all(old[c].map(lambda v: bool(COUNT.fullmatch(v))).all() for c in counts)


def revision(earlier: Path, tables: dict[str, pd.DataFrame], period: Period) -> Revision:
    """Every count in the compared tables that differs between the earlier version and this run's tables
    (as they will be published), for the period's months."""
    manifest = json.loads((earlier / "manifest.json").read_text(encoding="utf-8"))
    changes: list[Change] = []
    for name, (keys, counts, _) in COMPARED.items():
        path = earlier / "tables" / f"{name}.csv"
        if name not in tables or not path.is_file():
            continue
        try:
            old = pd.read_csv(path, dtype=str, keep_default_na=False)
        except (OSError, ValueError, pd.errors.ParserError):
            continue
        new = tables[name].astype(str).replace({"nan": "", "<NA>": ""})
        cols = [*keys, *counts]
        if not set(cols) <= set(old.columns) or not set(cols) <= set(new.columns) or not well_formed(old, keys, counts):
            continue  # an earlier table that is not as the pack wrote it is never read into "changes since"
        merged = old[cols].merge(new[cols], on=list(keys), how="outer", suffixes=("_old", "_new")).fillna("")
        merged = merged[merged["audit_month"].isin(period.months)].sort_values(list(keys), kind="stable")
        for _, r in merged.iterrows():  # a handful of rows: months x standards at most
            for col in counts:
                if r[f"{col}_old"] != r[f"{col}_new"]:
                    row = "" if len(keys) == 1 else str(r[keys[1]])
                    changes.append(Change(name, str(r["audit_month"]), row, col, str(r[f"{col}_old"]), str(r[f"{col}_new"])))
    return Revision(since=str(manifest.get("created", "")), changes=tuple(changes))


def revision_summary(rev: Revision) -> dict[str, object]:
    """For the e-mail (`revision.json`): when the earlier version was made and what changed, in words."""
    return {"since": rev.since, "since_words": when(rev.since), "tables": [TITLES[t] for t in rev.tables], "changes": len(rev.changes)}
