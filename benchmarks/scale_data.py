"""Synthetic audits files of any size, made from the demo year (vectorised).

Two shapes: a long history (the demo year repeated across councils and years, so each month stays small)
and dense months (a regional roll-up: the demo year repeated across many councils in the same twelve
months, so a million rows is about 83,000 audits a month)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from qa_lib.inputs.demo import demo_audits


def scaled_audits(rows: int, dense: bool = False) -> pd.DataFrame:
    """`rows` audit rows: copies of the demo year, each a different council (IDs prefixed); with `dense`,
    every copy keeps the demo's months (2021), otherwise the copies also spread over ten years."""
    base = demo_audits()
    copies = -(-rows // len(base))
    frame = pd.concat([base] * copies, ignore_index=True).iloc[:rows].copy()
    copy = np.repeat(np.arange(copies), len(base))[:rows]
    council, year = (copy, np.zeros_like(copy)) if dense else (copy // 10, copy % 10)
    prefix = pd.Series(council, dtype="int64").astype(str).radd("L").add("-")
    for col in ("audit_id", "child_id", "social_worker_id", "auditor_id"):
        frame[col] = prefix + frame[col] + "-" + pd.Series(year).astype(str)
    month = frame["audit_month"].str.slice(5, 7)
    frame["audit_month"] = (2021 + pd.Series(year)).astype(str) + "-" + month
    return frame
