"""Disclosure control for wider circulation, on hand-worked tables (audience: wider)."""

from __future__ import annotations

import shutil
import subprocess

import pandas as pd
import pytest

from helpers import QA_PACK, REPO
from qa_lib.render import disclosure as d


def test_primary_then_secondary_in_one_line():
    # 3 is primary; with the line's total shown, 3 = 50 - 10 - 12 - 25 could be worked back, so the smallest other goes too.
    assert d.suppress_lines([3, 10, 12, 25, 50], [[0, 1, 2, 3, 4]]) == {0, 1}
    assert d.suppress_lines([3, 4, 12, 25], [[0, 1, 2, 3]]) == {0, 1}  # two primaries already protect each other
    assert d.suppress_lines([0, 7, 12], [[0, 1, 2]]) == set()  # zero is not suppressed
    assert d.suppress_lines([2, 0, 9], [[0, 1]]) == {0, 1}  # only a zero is left: it goes, else 2 = total - 0


def test_grid_with_margins_hand_worked():
    grid = pd.DataFrame({"A": [2, 6, 8], "B": [8, 9, 17], "ALL": [10, 15, 25]}, index=["X", "Y", "TOTAL"])
    out = d.protect_grid(grid)
    # X.A (2) is primary. Row X then has one hidden cell: X.B (8, smaller than 10) goes. Column A: Y.A (6 < 8).
    # Column B: Y.B (9 < 17). Every row and column now has 0 or 2 hidden, and X.A can be anything from 0 to 8.
    assert out.values.tolist() == [["c", "c", 10], ["c", "c", 15], [8, 17, 25]]


def test_long_table_hides_percentages_built_on_suppressed_counts():
    frame = pd.DataFrame(
        {"audit_month": ["2021-10"] * 4, "grade": ["O", "G", "RI", "I"], "count": [0, 3, 20, 15], "percent": [0.0, 7.9, 52.6, 39.5]}
    )
    out = d.protect_long(frame, *d.TABLE_RULES["overall_grades"])
    # G (3) is primary; the month's counts add up to the returned audits shown elsewhere, so I (15) goes too.
    assert out["count"].tolist() == [0, "c", 20, "c"]
    assert out["percent"].tolist() == [0.0, "c", 52.6, "c"]
    comp = pd.DataFrame(
        {
            "cohort": ["cin"] * 2,
            "audit_month": ["2021-05", "2021-11"],
            "standard": ["risk", "risk"],
            "graded": [10, 49],
            "pct_good_or_outstanding": [30.0, 59.2],
        }
    )
    out = d.protect_long(comp, *d.TABLE_RULES["comparators"])
    assert out["graded"].tolist() == [10, 49]
    assert out["pct_good_or_outstanding"].tolist() == ["c", 59.2]  # 30% of 10 is 3 audits: recoverable, so hidden


def test_display_tables():
    frame = pd.DataFrame({"Standard": ["Risk", "Voice"], "Oct": ["43% (16/37)", "8% (3/37)"], "Nov": ["59% (29/49)", "31% (15/49)"]})
    out = d.protect_display(frame)
    # Voice Oct (3) is primary; its row then needs a second (Voice Nov), its column too (Risk Oct); then the Risk
    # row has one, so Risk Nov goes as well. Every row and column of a display table is treated as a line whose
    # total may be shown elsewhere: cautious, at the price of some extra c.
    assert out.values.tolist() == [["Risk", "c", "c"], ["Voice", "c", "c"]]


def test_sentences():
    block = (
        "15 out of 38 audits were moderated in October.\n\nThe outcome of the moderations was:\n\n"
        "- 12 remained the same grade following moderation\n- 3 were downgraded from Requires Improvement to Inadequate\n"
        "- No moderations were upgraded"
    )
    out = d.protect_text(block)
    assert "- c were downgraded" in out and "- c remained the same grade" in out  # else 15 - 12 = 3
    assert "15 out of 38 audits" in out
    assert d.protect_text("In October, 3 of 38 audits (8%) were graded good; after moderation, 1 (3%).") == (
        "In October, c of 38 audits (c) were graded good; after moderation, c (c)."
    )
    assert (
        d.protect_text("- 1 was upgraded from Inadequate to Requires Improvement")
        == "- c were upgraded from Inadequate to Requires Improvement"
    )
    untouched = "Compliance has increased from 55% in October 2021 to 71% in November although remains below the 80% target."
    assert d.protect_text(untouched) == untouched


@pytest.mark.slow
def test_wider_run_end_to_end(tmp_path, demo_csv):
    for name in ("pack.yml", "themes.yml", "actions.yml"):
        shutil.copy(REPO / "params" / name, tmp_path / name)
    (tmp_path / "run.yml").write_text(
        "include: [pack.yml, themes.yml]\nperiod: {from: '2021-10', to: '2021-12'}\n"
        "actions: actions.yml\naudience: wider\nnotebooks: [highlight_report, compliance]\n"
    )
    out = tmp_path / "out"
    proc = subprocess.run(
        [QA_PACK, "run", "--params", str(tmp_path / "run.yml"), "--audits", str(demo_csv), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    assert "publishing only highlight_report" in proc.stderr
    assert sorted(p.name for p in out.glob("*.html")) == ["highlight_report.html"]  # section notebooks stay internal
    for path in (out / "tables").glob("*.csv"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for col in frame.columns:
            if col in {
                "audit_month",
                "service_area",
                "cohort",
                "standard",
                "grade",
                "from_grade",
                "to_grade",
                "outcome",
                "reason",
                "theme",
            }:
                continue
            small = [
                v
                for v in frame[col]
                if v.replace(".0", "").isdigit() and 1 <= int(float(v)) <= 4 and "pct" not in col and "rate" not in col and col != "percent"
            ]
            assert not small, (path.name, col, small)
    html = (out / "highlight_report.html").read_text(encoding="utf-8")
    assert "This report is for wider circulation. c: a count from one to four" in html
    assert "c were downgraded from Requires Improvement to Inadequate" in html
    assert "Chart withheld for wider circulation" in html
    moderation = pd.read_csv(out / "tables" / "moderation.csv", dtype=str)
    assert (moderation["count"] == "c").sum() >= 2
