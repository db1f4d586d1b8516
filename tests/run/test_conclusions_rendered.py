"""Conclusions as a reader sees them (issue 23): verdicts by the measure's better direction, no verdict from too
few months, and a valid file with no moderation published, each asserted on the rendered HTML of a real run on
crafted data (the demo year, reshaped)."""

from __future__ import annotations

import html
import json
import math
import re
from pathlib import Path

import pandas as pd
import pytest

from helpers import REPO, qa_pack

pytestmark = pytest.mark.slow

MONTHS = [f"2021-{m:02d}" for m in range(1, 13)]


def visible(path: Path) -> str:
    """The page's text as a reader sees it: no markup, no embedded images, entities decoded, spaces folded."""
    t = path.read_text(encoding="utf-8")
    t = re.sub(r"<(style|script)\b.*?</\1>", " ", t, flags=re.S)
    t = re.sub(r"<img\b[^>]*>", " ", t)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", t)))


def _copy(row: pd.Series, tag: str) -> pd.Series:
    out = row.copy()
    for col in ("audit_id", "child_id", "social_worker_id"):
        out[col] = f"{row[col]}-{tag}"
    return out


def falling_returns(demo_csv: Path, out: Path) -> Path:
    """The demo year with rows copied so that the return rate falls two points a month, 74% in January to 52%
    in December: copies of a month's not-returned rows lower its rate, copies of its returned rows raise it."""
    a = pd.read_csv(demo_csv, dtype=str, keep_default_na=False)
    extra = []
    for i, month in enumerate(MONTHS):
        target = 0.74 - 0.02 * i
        rows = a[a["audit_month"] == month]
        r, d = int((rows["status"] == "returned").sum()), int(rows["status"].isin(["returned", "not_returned"]).sum())
        if r / d > target:
            n = math.ceil(r / target - d)
            source = rows[rows["status"] == "not_returned"].iloc[0]
        else:
            n = math.ceil((target * d - r) / (1 - target))
            source = rows[rows["status"] == "returned"].iloc[0]
        extra += [_copy(source, f"x{i}-{j}") for j in range(n)]
    path = out / "falling.csv"
    pd.concat([a, pd.DataFrame(extra)], ignore_index=True).to_csv(path, index=False)
    return path


def run(audits: Path, out: Path, *extra: str) -> Path:
    proc = qa_pack(
        "run", "--params", str(REPO / "params" / "demo.yml"), "--audits", str(audits), "--out", str(out), "--no-cache", "--quiet", *extra
    )
    assert proc.returncode == 0, proc.stderr
    return out


def test_a_falling_return_rate_is_a_concern_and_with_lower_better_an_improvement(demo_csv, tmp_path):
    audits = falling_returns(demo_csv, tmp_path)
    out = run(audits, tmp_path / "higher")
    spc = pd.read_csv(out / "tables" / "spc.csv")
    rate = spc[spc["measure"] == "return_rate"]
    assert rate["percent"].is_monotonic_decreasing and rate["percent"].iloc[0] > rate["percent"].iloc[-1]
    assert "trend" in rate["signal"].iloc[-1].split(";")
    assert rate["variation"].iloc[-1] == "special_cause_concern"
    page = visible(out / "highlight_report.html")
    assert "The return rate in December 2021 (52%) stands out from the 12 months shown as a concern" in page
    assert "as an improvement" not in page
    # The same months with params saying lower is better for the return rate: the same fall is an improvement.
    params = tmp_path / "lower.yml"
    params.write_text(f"include: {REPO / 'params' / 'demo.yml'}\nimprovement:\n  return_rate: lower\n", encoding="utf-8")
    proc = qa_pack("run", "--params", str(params), "--audits", str(audits), "--out", str(tmp_path / "lower"), "--no-cache", "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert "The return rate in December 2021 (52%) stands out from the 12 months shown as an improvement" in visible(
        tmp_path / "lower" / "highlight_report.html"
    )


def test_a_quarter_alone_gives_no_verdict(demo_csv, tmp_path):
    a = pd.read_csv(demo_csv, dtype=str, keep_default_na=False)
    path = tmp_path / "quarter.csv"
    a[a["audit_month"].isin(["2021-10", "2021-11", "2021-12"])].to_csv(path, index=False)
    out = run(path, tmp_path / "out")
    spc = pd.read_csv(out / "tables" / "spc.csv", keep_default_na=False)
    assert set(spc["variation"]) == {"too_few_points"} and set(spc["signal"]) == {""}
    page = visible(out / "highlight_report.html")
    assert "With 3 months to compare, there are too few months to judge whether the return rate in December 2021 is unusual" in page
    assert "stands out from the 3 months" not in page and "usual range: December" not in page and "**Trend:**" not in page


def test_a_valid_file_with_auditors_and_no_moderation_publishes(demo_csv, tmp_path):
    a = pd.read_csv(demo_csv, dtype=str, keep_default_na=False)
    a["moderated"] = "no"
    for col in [c for c in a.columns if c.startswith("moderated_grade")]:
        a[col] = ""
    path = tmp_path / "unmoderated.csv"
    a.to_csv(path, index=False)
    assert qa_pack("validate", str(path), "--params", str(REPO / "params" / "demo.yml")).returncode == 0
    out = run(path, tmp_path / "out")
    messages = json.loads((out / "headlines.json").read_text(encoding="utf-8"))["key_messages"]
    assert any(
        "19% of December's 37 returned audits were graded good or outstanding overall (7 of 37); no audit was moderated" in m
        for m in messages
    )
    page = visible(out / "grades.html")
    assert "No auditor had 5 or more moderated audits" in page
    assert "there is no grid of auditors" in page
