"""The audit log for inspection (`qa-pack audit-log`): one row per audit in the period with its grades, the
change under moderation and the actions linked to it, for the QA team to give inspectors when they ask for
information about audits.

It names children, so it follows the sample's rules (`qa_lib.files`): written only where asked,
never inside a report folder, never attached to an e-mail, never over a file the pack did not write, whole
or not at all, mode 0600. Free text (comments, strengths, learning) is left out: grades and codes only.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from qa_lib.files import check_private_file, private_tmp, record_written
from qa_lib.inputs.params import Params
from qa_lib.inputs.period import Period
from qa_lib.run.tables import write_workbook
from qa_lib.sections.grades.moderation import RANK
from qa_lib.sections.themes.register import Action

MARKER = ".qa-pack-audit-logs.json"
KEPT = ["audit_id", "audit_month", "cohort", "child_id", "social_worker_id", "service_area", "team", "auditor_id", "status"]


def moderation_change(grade: str, moderated: bool, moderated_grade: str) -> str:
    """same, up or down (the moderator's overall grade against the auditor's); blank when not moderated."""

    if not moderated or grade not in RANK or moderated_grade not in RANK:
        return ""
    step = RANK[grade] - RANK[moderated_grade]
    return "same" if step == 0 else ("up" if step > 0 else "down")


def audit_log(audits: pd.DataFrame, params: Params, period: Period, actions: tuple[Action, ...] = ()) -> pd.DataFrame:
    """One row per audit in the period: identifiers and codes, the overall and standard grades, the change
    under moderation, and the register's actions linked to it (raised in the audit's month for a standard the
    audit graded requires improvement or inadequate)."""
    rows = audits[audits["audit_month"].isin(period.months)]
    grades = [f"grade_{k}" for k in params.standards if f"grade_{k}" in rows]
    out = rows[[c for c in KEPT if c in rows]].copy()
    out["overall_grade"] = rows["overall_grade"]
    out["moderated"] = rows["moderated"].map(lambda m: "yes" if bool(m) else "no")
    out["moderated_grade"] = rows["moderated_grade"]
    out["moderation_change"] = [
        moderation_change(g, bool(m), mg) for g, m, mg in zip(rows["overall_grade"], rows["moderated"], rows["moderated_grade"])
    ]
    for col in grades:
        out[col] = rows[col]
    raised: dict[tuple[str, str], list[str]] = {}
    for a in actions:
        raised.setdefault((a.raised_month, a.theme), []).append(a.action_id)
    linked = []
    for _, r in rows.iterrows():  # the period's audits: a few hundred rows, once, for a file a person reads
        ids = [i for k in params.standards if r.get(f"grade_{k}") in {"RI", "I"} for i in raised.get((r["audit_month"], k), [])]
        linked.append("; ".join(dict.fromkeys(ids)))
    out["linked_actions"] = linked
    return out.sort_values(["audit_month", "audit_id"], kind="stable").reset_index(drop=True)


def write_audit_log(log: pd.DataFrame, out: Path) -> Path:
    """Write the log as .xlsx (formula-like text kept as text), whole or not at all, mode 0600."""

    out = Path(out)
    check_private_file(out, "the audit log", "audit_log.xlsx", "qa-pack audit-log", MARKER)
    out.parent.mkdir(parents=True, exist_ok=True)
    record_written(out.parent, MARKER, {out.name}, "qa-pack audit-log")
    tmp = private_tmp(out)
    try:
        write_workbook({"audit log": log}, tmp)
        tmp.replace(out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return out
