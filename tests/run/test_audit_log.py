"""The audit log for inspection (qa-pack audit-log): one row per audit of the period with its grades and
moderation change; it names children, so it is refused inside a report folder and written 0600."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import REPO, run_cli
from qa_lib.run.audit_log import moderation_change

WORDS = {"Outstanding": 3, "Good": 2, "Requires Improvement": 1, "Inadequate": 0}


def test_moderation_change_by_hand():
    assert moderation_change("G", True, "O") == "up"
    assert moderation_change("G", True, "G") == "same"
    assert moderation_change("RI", True, "I") == "down"
    assert moderation_change("G", False, "") == ""
    assert moderation_change("", True, "G") == ""  # not graded: nothing to compare


def test_the_log_has_every_audit_of_the_period_with_its_moderation_change(demo_csv, tmp_path, monkeypatch, capsys):
    out = tmp_path / "private" / "audit_log.xlsx"
    code, said = run_cli(
        monkeypatch, capsys, "audit-log", "--params", str(REPO / "params" / "demo.yml"), "--audits", str(demo_csv), "--out", str(out)
    )
    assert code == 0, said
    assert out.stat().st_mode & 0o777 == 0o600
    raw = pd.read_csv(demo_csv, dtype=str, keep_default_na=False)
    quarter = raw[raw["audit_month"].isin(["2021-10", "2021-11", "2021-12"])]
    log = pd.read_excel(out, dtype=str, keep_default_na=False)
    assert len(log) == len(quarter) and set(log["audit_id"]) == set(quarter["audit_id"])
    assert "comment_voice" not in log.columns and "strengths" not in log.columns  # no free text
    moderated = quarter[quarter["moderated"].str.lower().eq("yes") & quarter["moderated_grade"].ne("")]
    expected = {
        r.audit_id: (
            "same"
            if WORDS[r.moderated_grade] == WORDS[r.overall_grade]
            else "up"
            if WORDS[r.moderated_grade] > WORDS[r.overall_grade]
            else "down"
        )
        for r in moderated.itertuples()
    }
    got = dict(zip(log["audit_id"], log["moderation_change"]))
    assert expected and all(got[k] == v for k, v in expected.items())
    assert {"up", "down", "same"} <= set(expected.values())


@pytest.mark.parametrize("inside", ["run", "nested"])
def test_the_log_is_refused_inside_a_report_folder(demo_csv, tmp_path, monkeypatch, capsys, inside):
    from qa_lib.files import write_marker

    report = tmp_path / "outputs" / "q4"
    report.mkdir(parents=True)
    write_marker(report, ["highlight_report.html"])
    target = report / "log.xlsx" if inside == "run" else report / "sub" / "log.xlsx"
    code, said = run_cli(
        monkeypatch, capsys, "audit-log", "--params", str(REPO / "params" / "demo.yml"), "--audits", str(demo_csv), "--out", str(target)
    )
    assert code != 0 and "never written into a report folder" in said and not target.exists()
